#!/usr/bin/env bash
# bench/pages: every page of every role on a database of 100 000 patients and a million orders,
# with customer service's delay queue (/kontaktarenden) holding 10 000 open contact cases: each
# view of the queue (the default order, a later page, each order, each filter), then each role's
# pages, asked RUNS times over one keep-alive connection; prints p50, p95 and max of curl's time
# to the last byte (loopback: the server's time and the transfer).
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
# The generated history delivers nearly every order by its due day, so few cases exist: orders
# at random get one (as if delivered after their contact date), until there are CASES.
if len(ids) < n:
    have = {r[0] for r in db.execute("SELECT order_id FROM contact_cases")}
    top = db.execute("SELECT max(id) FROM orders").fetchone()[0]
    new = set()
    while len(new) < n - len(ids):
        o = random.randint(1, top)
        if o not in have:
            new.add(o)
    db.executemany("INSERT INTO contact_cases (order_id, opened_on, closed_at, area, care_provider_id) "
                   "SELECT id, coalesce(contact_from, due), '2026-01-01T10:00:00+01:00', area, "
                   "care_provider_id FROM orders WHERE id = ?", [(o,) for o in sorted(new)])
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

measure() { # measure PATH [JAR]: RUNS requests on one connection; p50, p95, max and the size
	local urls=() i
	for i in $(seq "$runs"); do urls+=(-o /dev/null "http://127.0.0.1:$port$1"); done
	curl -s -b "${2:-$jar}" -w '%{http_code} %{time_total} %{size_download}\n' "${urls[@]}" |
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

# ---- Every page of every role ----
# The ids a role's pages need, from the database: the patient of the prescriber's unit with the
# most orders (the generated history is unit 1's), one of their orders, a municipal-housing
# resident of Borås, an order waiting to be picked, a shipment, an article. The name searched for
# is one of gen_orders' family names: an eighth of the generated patients have it.
read -r busy busy_order busy_number resident open_order shipment article <<<"$(python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
one = lambda q: db.execute(q).fetchone()[0]
busy = one("SELECT o.patient_id FROM orders o JOIN prescriptions r ON r.patient_id = o.patient_id "
           "WHERE r.unit_id = 1 GROUP BY o.patient_id ORDER BY count(*) DESC LIMIT 1")
print(busy, one("SELECT max(id) FROM orders WHERE patient_id = %d" % busy),
      one("SELECT id_number FROM patients WHERE id = %d" % busy),
      one("SELECT min(id) FROM patients WHERE municipality = 'Borås' AND municipal_housing = 1"),
      one("SELECT max(id) FROM orders WHERE status = 'received'"),
      one("SELECT coalesce(max(id), 0) FROM shipments WHERE outcome IS NULL OR delivered_at >= '2026-11-01'"),
      one("SELECT min(article_number) FROM articles WHERE active = 1"))
PY
)"
mine=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT max(id) FROM orders WHERE patient_id = 1").fetchone()[0])' "$db")
for u in patient ombud forskrivare kommunbestallare kundtjanst distributor admin sekreterare ledamot; do
	curl -s -c "$out/jar-$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"demo2026\"}" "http://127.0.0.1:$port/api/login" >/dev/null
done
as() { local u=$1; shift; for p in "$@"; do measure "$p" "$out/jar-$u" | sed "s|^|$u |"; done; }
echo "== every role's pages, $runs requests each (patient $busy has the most orders of unit 1)"
as patient /mina-sidor /bestall /mina-bestallningar /vem-har-last /mina-uppgifter "/bestallningar/$mine"
as ombud /mina-sidor /bestall /mina-bestallningar
as forskrivare /patienter "/patienter?namn=Provgren" "/patienter/$busy" "/patienter/$busy/forskriv" \
	/patienter/ny "/bestallningar/$busy_order"
as kommunbestallare /patienter "/patienter/$resident" "/patienter/$resident/bestall"
as kundtjanst "/patienter?personnummer=$busy_number" "/patienter/$busy" "/patienter/$busy/bestall" \
	"/bestallningar/$busy_order" /samtal
as distributor /plocklista /plocklista/artiklar /leveranser "/plocka/$open_order" "/leveranser/$shipment"
as admin /admin/sortiment "/admin/priser?artikel=$article" /admin/importer /admin/anvandare /admin/regler /admin/drift \
	/admin/rapporter '/admin/fakturaunderlag?manad=2026-10' /admin/avgifter
as sekreterare /styrning /styrning/moten/1 /styrning/moten/1/anteckningar /styrning/andringslogg \
	'/styrning/organ/3?ar=2026' /styrning/vad-hander-om
as ledamot /styrning /styrning/moten/1
