#!/usr/bin/env bash
# lmn rules eval: the JSON-lines interface, golden answers, bad lines, line endings, rule errors.
. "$(dirname "$0")/tap.sh"
D="$LMN_TEST_DATA/eval"

"$LMN" rules eval <"$D/cases.jsonl" >"$TMP/out"; rc=$?
check "eval exits 0 even with bad lines" "0" "$rc"
check_file "golden answers (dates worked out by hand)" "$D/cases.expected" "$TMP/out"
check "one answer line per input line" "$(wc -l <"$D/cases.jsonl")" "$(wc -l <"$TMP/out")"

# CRLF line endings and a last line without a newline.
printf '{"received":"2026-12-22T10:15"}\r\n{"received":"2026-12-22T10:15"}' | "$LMN" rules eval >"$TMP/crlf"
check "CRLF and a missing final newline" \
	'{"due":"2026-12-30","contact_from":"2027-01-05","rules":["B3:1@2018-05-01","B3:6@2018-05-01","ordering@2024-10-24"]}
{"due":"2026-12-30","contact_from":"2027-01-05","rules":["B3:1@2018-05-01","B3:6@2018-05-01","ordering@2024-10-24"]}' \
	"$(cat "$TMP/crlf")"

# A long batch keeps its order: the n-th answer belongs to the n-th line.
for i in $(seq 1 3000); do
	if [ $((i % 1000)) -eq 0 ]; then echo "bad $i"; else echo '{"received":"2026-12-22T10:15"}'; fi
done >"$TMP/many"
"$LMN" rules eval <"$TMP/many" >"$TMP/many.out"
check "3000 lines in, 3000 out" "3000" "$(wc -l <"$TMP/many.out")"
check "bad lines answered in place with their line numbers" "1000 2000 3000" \
	"$(grep -o '"line":[0-9]*' "$TMP/many.out" | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//')"

# An over-long line is one error and the next line is still answered.
{ printf '{"received":"'; head -c 70000 /dev/zero | tr '\0' 'x'; printf '"}\n{"received":"2026-12-22T10:15"}\n'; } |
	"$LMN" rules eval >"$TMP/long"
check "over-long line then a good one" "2" "$(wc -l <"$TMP/long")"
check_grep "the over-long line is refused" '"line":1}}' "$TMP/long"
check_grep "the next line is answered" '"due":"2026-12-30"' "$TMP/long"

# A broken rule file stops eval before any input is read, naming file and line.
mkdir "$TMP/rules"
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules/"
printf '\n[2026-01-01]\nbody = "x"\nreference = "y"\nlead_time_working_days = four\n' >>"$TMP/rules/B3-1.rules"
echo '{"received":"2026-12-22T10:15"}' | "$LMN" rules eval --rules "$TMP/rules" >/dev/null 2>"$TMP/err"; rc=$?
check "a bad rule file is an error" "1" "$rc"
check_grep "the error names file and line" "B3-1.rules:[0-9]*: lead_time_working_days: expected an integer" "$TMP/err"

# A decision recorded as a new version changes answers from its date, not before.
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules/"
cat >>"$TMP/rules/B3-1.rules" <<'RULES'

[2026-11-23]
body = "Test"
reference = "Test: ledtid 3 arbetsdagar"
lead_time_working_days = 3
RULES
printf '%s\n' '{"received":"2026-11-20T10:00"}' '{"received":"2026-11-23T10:00"}' |
	"$LMN" rules eval --rules "$TMP/rules" >"$TMP/change"
check "the day before the change keeps 4 working days" '"due":"2026-11-26"' "$(head -n1 "$TMP/change" | grep -o '"due":"[0-9-]*"')"
check "the day of the change uses 3 working days" '"due":"2026-11-26"' "$(tail -n1 "$TMP/change" | grep -o '"due":"[0-9-]*"')"
check_grep "the new version is named" 'B3:1@2026-11-23' "$TMP/change"

"$LMN" rules eval --bogus </dev/null >/dev/null 2>&1; rc=$?
check "unknown option is a usage error" "2" "$rc"

done_testing
