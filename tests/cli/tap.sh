# A small TAP writer for the tests that drive the real binary. Sourced.
# Needs $LMN (the binary) from meson; LMN_RULES_DIR and LMN_TEST_DATA likewise.
set -u
: "${LMN:?LMN must name the lmn binary}"
tap_n=0
tap_failed=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

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
