# A small TAP writer for the tests that drive the real binary. Sourced.
# Needs $LMN (the binary) from meson; LMN_RULES_DIR and LMN_TEST_DATA likewise.
set -u
: "${LMN:?LMN must name the lmn binary}"
tap_n=0
tap_failed=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The test's database ($DB, for --db): a SQLite file, or with LMN_TEST_PG=DIR (a cluster of
# tests/pg/cluster.sh running in DIR) a fresh PostgreSQL database of that cluster, left to the
# cluster's removal at the end of the run.
if [ -n "${LMN_TEST_PG:-}" ]; then
	DB_NAME=lmn_t_$$_${RANDOM}
	createdb -h "$LMN_TEST_PG" "$DB_NAME" || { echo "Bail out! createdb in $LMN_TEST_PG"; exit 1; }
	DB="postgresql:///$DB_NAME?host=$LMN_TEST_PG"
else
	DB=$TMP/lmn.db
fi
# dbq SQL: the rows of SQL (one statement) on the test's database, one a line, columns separated
# by |; a change is committed, with foreign keys enforced as in lmn's own connections. An error
# goes to stderr with the engine's message, and dbq fails.
dbq() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		PGCLIENTENCODING=UTF8 psql -XAtq -h "$LMN_TEST_PG" -d "$DB_NAME" -v ON_ERROR_STOP=1 -c "$1"
	else
		python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("PRAGMA foreign_keys = ON")
try:
    rows = c.execute(sys.argv[2]).fetchall()
except sqlite3.Error as e:
    sys.exit("dbq: %s" % e)
for r in rows: print("|".join("" if v is None else str(v) for v in r))' "$DB" "$1"
	fi
}
# dbscript: the SQL statements on stdin on the test's database, in one transaction, as dbq's.
dbscript() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		PGCLIENTENCODING=UTF8 psql -XAtq -h "$LMN_TEST_PG" -d "$DB_NAME" -v ON_ERROR_STOP=1 -1 -f -
	else
		python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("PRAGMA foreign_keys = ON")
try:
    c.executescript("BEGIN;\n" + sys.stdin.read() + ";\nCOMMIT;")
except sqlite3.Error as e:
    sys.exit("dbscript: %s" % e)' "$DB"
	fi
}
# dbq_refused SQL TEXT: "yes" if the database refuses SQL with an error that says TEXT (a
# trigger's, a constraint's), "no" if it does it, else the error.
dbq_refused() {
	if dbq "$1" >/dev/null 2>"$TMP/dbq.err"; then
		echo no
	elif grep -q -- "$2" "$TMP/dbq.err"; then
		echo yes
	else
		cat "$TMP/dbq.err"
	fi
}

# Other databases beside the test's, named NAME: db_new NAME makes an empty one, db_copy NAME a
# copy of the test's as it is now (lmn serve may be running on it); db_addr NAME is its --db
# address; with_db NAME CMD… runs CMD (dbq, dbscript, …) on it instead of the test's.
db_addr() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		echo "postgresql:///${DB_NAME}_$1?host=$LMN_TEST_PG"
	else
		echo "$TMP/$1.db"
	fi
}
with_db() {
	local name=$1
	shift
	DB=$(db_addr "$name") DB_NAME=${DB_NAME:-}_$name "$@"
}
db_new() {
	[ -z "${LMN_TEST_PG:-}" ] || createdb -h "$LMN_TEST_PG" "${DB_NAME}_$1"
}
db_copy() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		db_new "$1" && pg_dump -h "$LMN_TEST_PG" "$DB_NAME" |
			psql -XAtq -h "$LMN_TEST_PG" -d "${DB_NAME}_$1" -v ON_ERROR_STOP=1 >/dev/null
	else
		python3 -c 'import sqlite3,sys
sqlite3.connect(sys.argv[1], timeout=30).backup(sqlite3.connect(sys.argv[2]))' "$DB" "$(db_addr "$1")"
	fi
}
# db_references TABLE COLUMN: the table that TABLE.COLUMN refers to (its foreign key), if any.
db_references() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		dbq "SELECT confrelid::regclass FROM pg_constraint
		      WHERE contype = 'f' AND conrelid = '$1'::regclass
		        AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
		                             WHERE attrelid = '$1'::regclass AND attname = '$2')]"
	else
		dbq "SELECT \"table\" FROM pragma_foreign_key_list('$1') WHERE \"from\" = '$2'"
	fi
}
# db_columns TABLE: how many columns TABLE has.
db_columns() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		dbq "SELECT count(*) FROM pg_attribute
		      WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped"
	else
		dbq "SELECT count(*) FROM pragma_table_info('$1')"
	fi
}

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do echo "# $line"; done
}
# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# check_file NAME EXPECTED_FILE ACTUAL_FILE
check_file() {
	if diff -u "$2" "$3" >"$TMP/diff"; then ok "$1"; else not_ok "$1" "$(cat "$TMP/diff")"; fi
}
# check_grep NAME PATTERN FILE
check_grep() {
	if grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no line matching: $2" "$(head -c 2000 "$3")"; fi
}
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
# port_of FILE PID: the port that `lmn serve` (PID) printed to FILE ("lmn: serving http://…:PORT/"),
# waited for up to a minute (a start on PostgreSQL in a loaded run takes seconds); empty if PID
# ended without printing it. FILE must be emptied before PID starts: a redirection alone empties
# it when the child opens it, which may be after a first look here has read a last server's port.
port_of() {
	local port='' alive
	for _ in $(seq 1 1200); do
		alive=no
		kill -0 "$2" 2>/dev/null && alive=yes # asked first: a server that printed, then ended
		port=$(sed -n 's|^lmn: serving http://[^/]*:\([0-9]*\)/.*|\1|p' "$1")
		if [ -n "$port" ] || [ "$alive" = no ]; then break; fi
		sleep 0.05
	done
	echo "$port"
}
