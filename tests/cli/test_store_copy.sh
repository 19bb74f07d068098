#!/usr/bin/env bash
# lmn store copy (issue 22): the demo store, with access-log entries from a served session, copied
# SQLite → SQLite: every table "lika", the counts those of the source, the data rows of sqlite3's
# dump the same; a destination that is not new and a missing source refused with nothing written;
# the copy served answers as the source did. Then SQLite → PostgreSQL → SQLite on a throwaway
# cluster (tests/pg/cluster.sh), once lmn opens postgresql:// addresses.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

# Reads of patient data on the served source: access-log entries and a list view.
login patient
login kundtjanst
status patient GET /api/patients/1/orders >/dev/null
status patient GET /api/patients/1/prescriptions >/dev/null
status kundtjanst GET '/api/patients?q=Exempelsson' >/dev/null
before=$(body patient GET /api/patients/1/orders)
check "the source answers a patient's order list" "200" "$(status patient GET /api/patients/1/orders)"
kill -TERM "$pid"
wait "$pid"

# dump DB: the data rows of sqlite3's dump, sorted, but schema_migrations (each store's own record
# of when its migrations ran).
dump() {
	if command -v sqlite3 >/dev/null; then
		sqlite3 "$1" .dump
	else
		python3 -c 'import sqlite3, sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$1"
	fi | grep '^INSERT INTO' | grep -v '^INSERT INTO "\?schema_migrations' | sort
}
# fileq FILE SQL: dbq on the SQLite file FILE, whatever the test's database is
fileq() { LMN_TEST_PG='' DB=$1 dbq "$2"; }
# tables [FILE]: the tables of the SQLite file FILE (or of the test's database) but
# schema_migrations and SQLite's own, by name
tables() {
	if [ $# -eq 0 ] && [ -n "${LMN_TEST_PG:-}" ]; then
		dbq "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
		      AND tablename <> 'schema_migrations' ORDER BY tablename COLLATE \"C\""
	else
		fileq "${1:-$DB}" "SELECT name FROM sqlite_schema WHERE type = 'table'
		                    AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
	fi
}
# counts [FILE]: "table rows" of every table of tables FILE
counts() {
	local t
	for t in $(tables "$@"); do
		if [ $# -eq 0 ]; then
			echo "$t $(dbq "SELECT count(*) FROM $t")"
		else
			echo "$t $(fileq "$1" "SELECT count(*) FROM $t")"
		fi
	done
}
# rows [FILE]: every row of every table of tables FILE as text, sorted, by either engine (every
# column is an integer or text: the same text on both); NULL as \N
rows() {
	local t
	for t in $(tables "$@"); do
		if [ $# -eq 0 ] && [ -n "${LMN_TEST_PG:-}" ]; then
			PGCLIENTENCODING=UTF8 psql -XAtq -h "$LMN_TEST_PG" -d "$DB_NAME" -P 'null=\N' \
				-v ON_ERROR_STOP=1 -c "SELECT * FROM $t"
		else
			python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT * FROM " + sys.argv[2]):
    print("|".join("\\N" if v is None else str(v) for v in r))' "${1:-$DB}" "$t"
		fi | sed "s/^/$t|/"
	done | LC_ALL=C sort
}
# printed OUT: "table rows" of the command's report, by name
printed() { awk 'NF >= 4 && $1 != "tabell" && $1 != "lmn:" { print $1, $2 }' "$1" | sort; }

# The source is the test's database: a SQLite file, or with LMN_TEST_PG a PostgreSQL database, so
# that the first copy is PostgreSQL → SQLite.
src=$DB
check "the source has access-log entries" "yes" \
	"$([ "$(dbq 'SELECT count(*) FROM access_log')" -gt 0 ] && echo yes)"

# Pages of 700 rows: most tables take several, among them keys of three columns with text.
"$LMN" store copy --from "$src" --to "$TMP/copy.db" --batch 700 >"$TMP/copy.out" 2>"$TMP/copy.err"
check "lmn store copy SQLite → SQLite exits 0" "0" "$?"
check_grep "it says the copy is equal" "kopian är lik källan" "$TMP/copy.out"
check "no table differs" "" "$(grep -v ' lika$' "$TMP/copy.out" | grep -v '^tabell\|^lmn:')"
counts >"$TMP/src.counts"
printed "$TMP/copy.out" >"$TMP/printed.counts"
check_file "the rows it prints per table are the source's, every table" "$TMP/src.counts" "$TMP/printed.counts"
counts "$TMP/copy.db" >"$TMP/copy.counts"
check_file "the copy has the same rows per table" "$TMP/src.counts" "$TMP/copy.counts"
if [ -n "${LMN_TEST_PG:-}" ]; then
	# Row by row across the engines; from here on a copy of the copy (the copy itself is served
	# below) is the SQLite source of the tests that need a file (sqlite3's dump, SQLite →
	# PostgreSQL).
	rows >"$TMP/src.rows"
	rows "$TMP/copy.db" >"$TMP/copy.rows"
	check "the source has rows" "yes" "$([ "$(wc -l <"$TMP/src.rows")" -gt 60000 ] && echo yes)"
	check_file "every row of every table the same in the SQLite copy" "$TMP/src.rows" "$TMP/copy.rows"
	src_file=$TMP/src.db
	python3 -c 'import sqlite3, sys
sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' "$TMP/copy.db" "$src_file"
	dump "$src_file" >"$TMP/src.dump"
	dump "$TMP/copy.db" >"$TMP/copy.dump"
else
	src_file=$src
	dump "$src" >"$TMP/src.dump"
	dump "$TMP/copy.db" >"$TMP/copy.dump"
	check "the dump has data rows" "yes" "$([ "$(wc -l <"$TMP/src.dump")" -gt 60000 ] && echo yes)"
	check_file "sqlite3 .dump: the same data rows in both" "$TMP/src.dump" "$TMP/copy.dump"
fi
check_grep "progress on stderr, a plain line when not a terminal" \
	"^lmn: \[[0-9]*/[0-9]*\] orders: 5812 av 5812 rader$" "$TMP/copy.err"

# A destination that is not new: refused, nothing written.
"$LMN" store copy --from "$src" --to "$TMP/copy.db" >"$TMP/again.out" 2>"$TMP/again.err"
check "a destination with rows is refused" "1" "$?"
check_grep "…saying so in Swedish" "målet .*copy.db är inte tomt: tabellen .* har [0-9]* rader" "$TMP/again.err"
dump "$TMP/copy.db" >"$TMP/copy.dump2"
check_file "…and nothing is written to it" "$TMP/copy.dump" "$TMP/copy.dump2"

# A destination emptied by hand (its seed rows gone, as "empty it" once advised): refused as
# missing rows, not as "not empty", with the advice to remove the file.
"$LMN" serve --db "$TMP/emptied.db" --port 0 >"$TMP/emptied-serve.out" 2>&1 &
epid=$!
for _ in $(seq 1 100); do
	grep -q 'http://127.0.0.1:' "$TMP/emptied-serve.out" && break
	sleep 0.05
done
kill -TERM "$epid"
wait "$epid"
fileq "$TMP/emptied.db" "DELETE FROM meta"
"$LMN" store copy --from "$src" --to "$TMP/emptied.db" >/dev/null 2>"$TMP/emptied.err"
check "a destination without its seed rows is refused" "1" "$?"
check_grep "…as missing rows, in Swedish" \
	"målet .*emptied.db saknar rader: tabellen meta har 0 rader men en ny databas har 1" \
	"$TMP/emptied.err"
check "…not as not empty" "" "$(grep 'inte tomt' "$TMP/emptied.err")"
check_grep "…advising to remove the file" "Ta bort filen" "$TMP/emptied.err"

# A missing source: refused, no destination made.
"$LMN" store copy --from "$TMP/nope.db" --to "$TMP/new.db" >/dev/null 2>"$TMP/nope.err"
check "a missing source is refused" "1" "$?"
check_grep "…saying so in Swedish" "källan .*nope.db finns inte" "$TMP/nope.err"
check "…and neither is made" "no no" \
	"$([ -e "$TMP/nope.db" ] && echo yes || echo no) $([ -e "$TMP/new.db" ] && echo yes || echo no)"
# A destination of a newer schema than this lmn (and so than the source): refused, both numbers named.
nmig=$(find "$LMN_SRC/src/store/migrations" -maxdepth 1 -name '[0-9]*.sql' | wc -l)
printf '%s;\n' "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                   applied_at TEXT NOT NULL) STRICT" \
	"INSERT INTO schema_migrations VALUES (999, '9999_future.sql', '2030-01-01T00:00:00Z')" |
	LMN_TEST_PG='' DB=$TMP/newer.db dbscript
"$LMN" store copy --from "$src" --to "$TMP/newer.db" >/dev/null 2>"$TMP/newer.err"
check "a destination of another schema is refused" "1" "$?"
check_grep "…naming both numbers" "målet .*newer.db kunde inte öppnas: .*999.*($nmig)" "$TMP/newer.err"
# A source one migration behind this lmn (made with sqlite3 from the migrations before the last):
# refused before it is opened, both numbers named, the source not migrated nor changed at all.
python3 - "$LMN_SRC/src/store/migrations" "$TMP/older.db" <<'PY'
import glob, os, sqlite3, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "[0-9]*.sql")))[:-1]
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT")
for f in files:
    db.executescript(open(f, encoding="utf-8").read())
    db.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z')",
               (int(os.path.basename(f)[:4]), os.path.basename(f)))
db.close()
PY
schema_of() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT max(number) FROM schema_migrations").fetchone()[0])' "$1"; }
check "the older source is at schema N-1" "$((nmig - 1))" "$(schema_of "$TMP/older.db")"
older_sum=$(sha256sum <"$TMP/older.db")
"$LMN" store copy --from "$TMP/older.db" --to "$TMP/from-older.db" >/dev/null 2>"$TMP/older.err"
check "a source of an older schema is refused" "1" "$?"
check_grep "…naming both numbers in Swedish" \
	"källan .*older.db har schema $((nmig - 1)) men denna lmn har schema $nmig" "$TMP/older.err"
check "…the source is not migrated" "$((nmig - 1))" "$(schema_of "$TMP/older.db")"
check "…nor changed at all (its file's checksum)" "$older_sum" "$(sha256sum <"$TMP/older.db")"
check "…and no destination is made" "no" "$([ -e "$TMP/from-older.db" ] && echo yes || echo no)"
"$LMN" store copy --from "$src" >/dev/null 2>&1
check "without --to it is a usage error" "2" "$?"

# The copy served: the same answer to the same sign-in and request.
"$LMN" serve --db "$TMP/copy.db" --port 0 >"$TMP/copy-serve.out" 2>"$TMP/copy-serve.err" &
pid=$!
port=$(port_of "$TMP/copy-serve.out" "$pid")
B="http://127.0.0.1:$port"
login patient
check "the copy serves: a patient signs in and reads their orders" "200" \
	"$(status patient GET /api/patients/1/orders)"
check "…the same order list as the source gave" "$before" "$(body patient GET /api/patients/1/orders)"
kill -TERM "$pid"
wait "$pid"

# SQLite → PostgreSQL → SQLite, when this lmn opens postgresql:// addresses (issue 22's backend):
# without it, the address is taken for a file name, which SQLite cannot open. On the cluster of
# LMN_TEST_PG when given (its demo database the test's), else on one of its own.
round_trip() { # round_trip URL TO: URL a PostgreSQL store with rows, TO a new PostgreSQL database
	local url=$1 to=$2
	"$LMN" store copy --from "$src_file" --to "$to" --batch 700 >"$TMP/pg.out" 2>"$TMP/pg.err"
	check "SQLite → PostgreSQL exits 0" "0" "$?"
	check_grep "…every table equal" "kopian är lik källan" "$TMP/pg.out"
	printed "$TMP/pg.out" >"$TMP/pg.counts"
	check_file "…with the source's rows per table" "$TMP/src.counts" "$TMP/pg.counts"
	"$LMN" store copy --from "$to" --to "$TMP/back.db" --batch 700 >"$TMP/back.out" 2>"$TMP/back.err"
	check "PostgreSQL → SQLite exits 0" "0" "$?"
	check_grep "…every table equal" "kopian är lik källan" "$TMP/back.out"
	dump "$TMP/back.db" >"$TMP/back.dump"
	check_file "SQLite → PostgreSQL → SQLite: sqlite3 .dump has the same data rows" \
		"$TMP/src.dump" "$TMP/back.dump"
	"$LMN" store copy --from "$src_file" --to "$url" >/dev/null 2>"$TMP/pg-again.err"
	check "a PostgreSQL destination with rows (the demo) is refused" "1" "$?"
	check_grep "…saying so" "är inte tomt" "$TMP/pg-again.err"
}
CLUSTER="$LMN_SRC/tests/pg/cluster.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
"$LMN" demo --db "postgresql:///none?host=/nonexistent" >/dev/null 2>"$TMP/probe.err"
if grep -q 'unable to open database file' "$TMP/probe.err"; then
	ok "SQLite → PostgreSQL → SQLite # SKIP this lmn does not open postgresql:// addresses yet"
elif [ -n "${LMN_TEST_PG:-}" ]; then
	db_new copy
	round_trip "$DB" "$(db_addr copy)"
elif ! pgdir=$(mktemp -d /tmp/lmn-pg-XXXXXX) ||
	! url=$("$CLUSTER" start "$pgdir" 2>"$TMP/cluster.err"); then
	ok "SQLite → PostgreSQL → SQLite # SKIP no PostgreSQL cluster: $(tail -1 "$TMP/cluster.err")"
else
	trap '"$CLUSTER" stop "$pgdir" >/dev/null 2>&1; rm -rf "$TMP" "$pgdir"' EXIT
	"$LMN" demo --db "$url" >/dev/null 2>"$TMP/pg-demo.err"
	check "lmn demo --db postgresql://… works" "0" "$?"
	"$PGBIN/createdb" --host="$pgdir" copy
	round_trip "$url" "postgresql:///copy?host=$pgdir"
fi

done_testing
