#!/usr/bin/env bash
# bench/pages: customer service's delay queue (/kontaktarenden) with 10 000 open contact cases on
# a database of a million orders: each view of the queue (the default order, a later page, each
# order, each filter) asked RUNS times over one keep-alive connection; prints p50, p95 and max
# of curl's time to the last byte (loopback: the server's time and the transfer).
# Usage (from anywhere in the repository): bench/pages/run.sh [CASES [RUNS]]
# The database is bench/rivta's (bench/rivta/run.sh makes bench/out/rivta/base.db once); this
# script copies it to bench/out/pages/ and opens CASES cases on orders of it at random.
set -euo pipefail
cd "$(dirname "$0")/../.."
cases=${1:-10000}
runs=${2:-40}
out=bench/out/pages
db=$out/lmn.db
base=bench/out/rivta/base.db
export LMN_RULES_DIR=data/rules
export LMN_NOW=2026-11-23T10:00

[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench >/dev/null
[ -f "$base" ] || { echo "no $base: run bench/rivta/run.sh first (it makes the database)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"

log=$out/serve.log
start() {
	build-bench/lmn serve --db "$db" --port 0 >"$log" 2>&1 &
	pid=$!
	port=
	for _ in $(seq 600); do
		port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { cat "$log"; echo "lmn serve did not start" >&2; exit 1; }
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT

# Once to bring the database to the current schema (and let the job open the cases that are
# due), then the cases.
start
stop
python3 - "$db" "$cases" <<'PY'
import random, sqlite3, sys
# lmn serve's job has opened a case for every late order of the generated history (most of
# them): all are closed, then CASES of them at random are open again, with contact dates over
# the year (a few today) and up to three calls each.
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
random.seed(20)
db.execute("DELETE FROM contact_case_calls")
db.execute("UPDATE contact_cases SET closed_at = '2026-01-01T10:00:00+01:00', attempts = 0 "
           "WHERE closed_at IS NULL")
ids = [r[0] for r in db.execute("SELECT id FROM contact_cases")]
days = ["2026-%02d-%02d" % (m, d) for m in range(1, 12) for d in (3, 10, 17, 24)] + ["2026-11-23"] * 8
for case in random.sample(ids, min(n, len(ids))):
    attempts = random.choice((0, 0, 0, 1, 1, 2, 3))
    db.execute("UPDATE contact_cases SET closed_at = NULL, opened_on = ?, attempts = ?, "
               "called_at = NULL, outcome = NULL WHERE id = ?", (random.choice(days), attempts, case))
    for k in range(attempts):
        db.execute("INSERT INTO contact_case_calls (case_id, called_at, called_by, outcome, note) "
                   "VALUES (?, '2026-11-20T10:0%d:00+01:00', 7, 'not_reached', 'Inget svar')" % k,
                   (case,))
    if attempts:
        db.execute("UPDATE contact_cases SET called_at = '2026-11-20T10:00:00+01:00', called_by = 7, "
                   "outcome = 'not_reached' WHERE id = ?", (case,))
db.commit()
print("== %d open contact cases (of %d) over %d orders" % (
    db.execute("SELECT count(*) FROM contact_cases WHERE closed_at IS NULL").fetchone()[0], len(ids),
    db.execute("SELECT count(*) FROM orders").fetchone()[0]))
PY
start
echo "== lmn serve on 127.0.0.1:$port ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
jar=$out/cookies
curl -s -c "$jar" -H 'Content-Type: application/json' \
	-d '{"username":"kundtjanst","password":"demo2026"}' "http://127.0.0.1:$port/api/login" >/dev/null

measure() { # measure PATH: RUNS requests on one connection; p50, p95, max and the answer's size
	local urls=() i
	for i in $(seq "$runs"); do urls+=(-o /dev/null "http://127.0.0.1:$port$1"); done
	curl -s -b "$jar" -w '%{http_code} %{time_total} %{size_download}\n' "${urls[@]}" |
		python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
bad = [r for r in rows if r[0] != "200"]
t = sorted(float(r[1]) * 1000 for r in rows)
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print("%-44s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  %6d bytes%s" % (sys.argv[1], p(.5), p(.95),
      t[-1], int(rows[-1][2]), "  (%d not 200)" % len(bad) if bad else ""))' "$1"
}
echo "== the delay queue, $runs requests each"
measure /kontaktarenden
measure '/kontaktarenden?sida=200'
measure '/kontaktarenden?ordning=oldest'
measure '/kontaktarenden?ordning=newest&sida=50'
measure '/kontaktarenden?ordning=attempts'
measure '/kontaktarenden?omrade=incontinence'
measure '/kontaktarenden?vardgivare=1&samtal=0'
measure '/api/contact-cases?limit=25'
