#!/usr/bin/env bash
# lmn serve: creates and migrates the database, answers /healthz and the start page, stops cleanly.
. "$(dirname "$0")/tap.sh"

"$LMN" serve --db "$DB" --port 0 >"$TMP/out" 2>"$TMP/err" &
pid=$!
port=$(port_of "$TMP/out" "$pid")
if [ -z "$port" ]; then
	not_ok "server starts" "$(cat "$TMP/err")"
	kill "$pid" 2>/dev/null
	done_testing
	exit 1
fi
ok "server starts on a free port ($port)"
base="http://127.0.0.1:$port"

if [ -n "${LMN_TEST_PG:-}" ]; then
	ok "the database file exists # SKIP a PostgreSQL database is no file"
	ok "the write-ahead log is written out to 18 000 frames # SKIP SQLite's WAL file"
	migrations=$LMN_TEST_DATA/../../src/store/migrations/pg
else
	check "the database file exists" "yes" "$([ -s "$DB" ] && echo yes)"
	# Written out to its size between checkpoints (18 000 frames of a 4 KiB page), so that commits
	# overwrite it instead of appending.
	check "the write-ahead log is written out to 18 000 frames" "yes" \
		"$([ "$(stat -c %s "$DB-wal")" -ge $((18000 * (4096 + 24))) ] && echo yes)"
	migrations=$LMN_TEST_DATA/../../src/store/migrations
fi
nmig=$(find "$migrations" -maxdepth 1 -name '[0-9]*.sql' | wc -l)
body=$(curl -sS "$base/healthz")
check_grep "/healthz reports the database and schema" '"database":"ok","schema":'"$nmig" <(echo "$body")
check "/healthz is JSON" "application/json" "$(curl -sS -o /dev/null -w '%{content_type}' "$base/healthz")"
check "/ sends a visitor who is not signed in to the sign-in page" "303 /logga-in" \
	"$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$base/" | sed "s|$base||")"
check "the sign-in page is HTML" "200 text/html; charset=utf-8" \
	"$(curl -sS -o "$TMP/page" -w '%{http_code} %{content_type}' "$base/logga-in")"
check_grep "the page is Swedish" 'lang="sv"' "$TMP/page"
check "an unknown page is a 404 page in Swedish" "404 text/html; charset=utf-8" \
	"$(curl -sS -o "$TMP/page" -w '%{http_code} %{content_type}' "$base/nope")"
check_grep "it says so" 'Sidan finns inte' "$TMP/page"
check "an unknown API path is 404 problem+json" "404 application/problem+json" \
	"$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$base/api/nope")"
check "POST /healthz is 405" "405" "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/healthz")"

kill -TERM "$pid"
wait "$pid"; rc=$?
check "SIGTERM stops the server cleanly" "0" "$rc"

# A second start reuses the migrated database.
"$LMN" serve --db "$DB" --port 0 >"$TMP/out2" 2>&1 &
pid=$!
port=$(port_of "$TMP/out2" "$pid")
check_grep "restart on the same database" '"schema":'"$nmig" <(curl -sS "http://127.0.0.1:$port/healthz")
kill -TERM "$pid"; wait "$pid"

"$LMN" serve --port 70000 >/dev/null 2>&1; rc=$?
check "a bad port is a usage error" "2" "$rc"
if [ -n "${LMN_TEST_PG:-}" ]; then
	"$LMN" serve --db "postgresql:///${DB_NAME}_none?host=$LMN_TEST_PG" --port 0 >/dev/null 2>"$TMP/err"
else
	"$LMN" serve --db /nonexistent/dir/x.db --port 0 >/dev/null 2>"$TMP/err"
fi
rc=$?
check "an unopenable database is an error" "1" "$rc"

# A store of schema 11 with an access log: migration 12 files its entries by patient.
db_new old
if [ -n "${LMN_TEST_PG:-}" ]; then number=bigint strict=; else number=INTEGER strict=STRICT; fi
{
	# as lmn makes it
	echo "CREATE TABLE schema_migrations (number $number PRIMARY KEY, name TEXT NOT NULL,
	      applied_at TEXT NOT NULL) $strict;"
	for f in $(find "$migrations" -maxdepth 1 -name '[0-9]*.sql' | sort | head -11); do
		cat "$f"
		echo ";"
		echo "INSERT INTO schema_migrations (number, name, applied_at)
		      VALUES ($((10#$(basename "$f" | cut -c1-4))), '$(basename "$f")', 'x');"
	done
	for p in 1 2 3; do
		echo "INSERT INTO patients (id, id_number, id_kind, given_name, family_name, address,
		      postal_code, city, municipality, created_at) VALUES ($p, '19121212121$p', 'personnummer',
		      'Test', 'Testsson', 'Provgatan 1', '41101', 'Göteborg', 'Göteborg', 'x');"
	done
	for i in $(seq 0 29); do
		echo "INSERT INTO access_log (at, role, patient_id, action, what)
		      VALUES ('2026-11-$(printf %02d $((1 + i % 28)))', 'admin', $((1 + i % 3)), 'read', 'x');"
	done
} | with_db old dbscript
"$LMN" serve --db "$(db_addr old)" --port 0 >"$TMP/out3" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q serving "$TMP/out3" && break; sleep 0.05; done
kill -TERM "$pid"; wait "$pid"
check "an access log of schema 11 is filed by patient at migration 12" "$nmig 30 30 0 30" \
	"$(with_db old dbq "SELECT (SELECT max(number) FROM schema_migrations),
	                   (SELECT count(*) FROM access_log_by_patient b
	                      JOIN access_log a ON a.id = b.id AND a.patient_id = b.patient_id),
	                   (SELECT count(*) FROM access_log),
	                   (SELECT count(*) FROM access_log_recent),
	                   (SELECT upto FROM access_log_indexed)" | tr '|' ' ')"

done_testing
