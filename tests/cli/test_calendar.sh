#!/usr/bin/env bash
# lmn calendar: holidays of a year, adding working days, usage errors.
. "$(dirname "$0")/tap.sh"

"$LMN" calendar holidays 2026 >"$TMP/2026.txt"
check_file "holidays 2026 (golden)" "$LMN_TEST_DATA/calendar/holidays-2026.txt" "$TMP/2026.txt"

"$LMN" calendar holidays 2008 >"$TMP/2008.txt"
check_grep "2008: Kristi himmelsfärdsdag on första maj share a line" \
	"^2008-05-01	Första maj, Kristi himmelsfärdsdag$" "$TMP/2008.txt"

"$LMN" calendar holidays 2004 >"$TMP/2004.txt"
check_grep "2004 has annandag pingst" "^2004-05-31	Annandag pingst$" "$TMP/2004.txt"
if grep -q nationaldag "$TMP/2004.txt"; then not_ok "2004 has no nationaldag"; else ok "2004 has no nationaldag"; fi

check "add across Christmas and New Year" "2026-12-30" "$("$LMN" calendar add 2026-12-22 4)"
check "add to the delay-contact day" "2027-01-05" "$("$LMN" calendar add 2026-12-22 6)"
check "add across Easter" "2026-04-07" "$("$LMN" calendar add 2026-04-02 1)"
check "add from a Saturday" "2026-11-30" "$("$LMN" calendar add 2026-11-28 1)"
check "add backwards" "2026-12-23" "$("$LMN" calendar add 2026-12-28 -1)"
check "between" "4" "$("$LMN" calendar between 2026-12-22 2026-12-30)"

"$LMN" calendar holidays 1899 >/dev/null 2>"$TMP/err"; rc=$?
check "a year out of range is a usage error" "2" "$rc"
check_grep "the error says the range" "1900–2200" "$TMP/err"
"$LMN" calendar add 2026-02-30 1 >/dev/null 2>&1; rc=$?
check "an impossible date is a usage error" "2" "$rc"
"$LMN" calendar add 2200-12-30 5 >/dev/null 2>"$TMP/err"; rc=$?
check "an answer past the calendar is an error" "1" "$rc"

done_testing
