#!/usr/bin/env bash
# lmn import assortment: the command-line assortment import, all rows or none.
. "$(dirname "$0")/tap.sh"
export LMN_NOW=2026-11-23T10:00
"$LMN" demo --db "$DB" >/dev/null 2>&1
count() { dbq "SELECT count(*) FROM articles"; }
before=$(count)

"$LMN" import assortment "${LMN_DATA:?}/demo/assortment.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "the demo assortment imports" "0" "$?"
check_grep "it says what it did" "288 rader importerade: 288 nya artiklar, 0 uppdaterade, 288 priser satta" "$TMP/out"
check "the articles are in the store" "$((before + 288))" "$(count)"
"$LMN" import assortment "$LMN_DATA/demo/assortment.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_grep "importing it again changes no price" "0 nya artiklar, 288 uppdaterade, 0 priser satta" "$TMP/out"

printf 'article_number;name;area;unit;package_size;supplier;stocked;price\nX1;Ny;nutrition;st;1;Exempel AB;ja;1\nX2;Ny två;nutrition;st;0;Exempel AB;ja;1\n' >"$TMP/bad.csv"
"$LMN" import assortment "$TMP/bad.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a file with an error exits 1" "1" "$?"
check_grep "the error names its line and column" "bad.csv: rad 3, kolumn package_size" "$TMP/err"
check "nothing was written" "$((before + 288))" "$(count)"
"$LMN" import assortment "$TMP/missing.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a missing file exits 1 with its name" "1 yes" "$? $(grep -q 'missing.csv' "$TMP/err" && echo yes)"
"$LMN" import assortment >"$TMP/out" 2>"$TMP/err"
check "no file is a usage error" "2" "$?"
done_testing
