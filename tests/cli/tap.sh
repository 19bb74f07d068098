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
# dbq SQL: the rows of SQL on the test's database, one a line, columns separated by |.
dbq() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		psql -XAtq -h "$LMN_TEST_PG" -d "$DB_NAME" -v ON_ERROR_STOP=1 -c "$1"
	else
		python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1], timeout=30).execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in r))' "$DB" "$1"
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
