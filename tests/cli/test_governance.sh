#!/usr/bin/env bash
# lmn governance quorum: quorum per agenda item from a JSON description (GOVERNANCE.md).
. "$(dirname "$0")/tap.sh"
D="${LMN_TEST_DATA:?}/governance"

# quorum JSON: prints "item:quorate:VGR counted/appointed:VGK counted/appointed" per item
quorum() {
	printf '%s' "$1" | "$LMN" governance quorum - "${@:2}" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["item"] + ":" + str(i["quorate"]).lower() + ":" + ":".join(
        p + " " + str(v["counted"]) + "/" + str(v["appointed"]) for p, v in i["parties"].items()))'
}

"$LMN" governance quorum "$D/council-2024-10-24.json" >"$TMP/out"
check_file "the meeting of 2024-10-24, rebuilt with fictional names" "$D/council-2024-10-24.expected" "$TMP/out"
# GOVERNANCE.md: member seats count, vacant ones included; chair and vice chair do not.
check "the minutes' reading: VGR 3 of 5 until 3b, 3 of 5 on 3c-3e by e-mail, 2 of 5 from 3f" \
	"3b:True:3/5 3c:True:3/5 3e:True:3/5 3f:False:2/5 7d:False:2/5 | VGK 3/5" \
	"$(python3 -c 'import json,sys; d={i["item"]:i for i in json.load(open(sys.argv[1]))["items"]}; print(" ".join(k+":"+str(d[k]["quorate"])+":"+str(d[k]["parties"]["VGR"]["counted"])+"/"+str(d[k]["parties"]["VGR"]["appointed"]) for k in ("3b","3c","3e","3f","7d")), "| VGK", str(d["3f"]["parties"]["VGK"]["counted"])+"/"+str(d["3f"]["parties"]["VGK"]["appointed"]))' "$TMP/out")"
"$LMN" governance quorum "$D/council-2024-10-24.json" --count-roles chair,vice_chair,member --vacant-seats skip >"$TMP/out"
check_file "--count-roles and --vacant-seats give the earlier reading (every item quorate)" "$D/council-2024-10-24.old-reading.expected" "$TMP/out"
check "the hospital member counts by e-mail for 3c, not after leaving (3f)" "4 3" \
	"$(python3 -c 'import json,sys; d={i["item"]:i for i in json.load(open(sys.argv[1]))["items"]}; print(d["3c"]["parties"]["VGR"]["counted"], d["3f"]["parties"]["VGR"]["counted"])' "$TMP/out")"

seats='[{"person":"a1","party":"A","role":"chair"},{"person":"a2","party":"A","role":"member"},{"person":"a3","party":"A","role":"member"},{"person":"a4","party":"A","role":"member"},
 {"person":"b1","party":"B","role":"vice_chair"},{"person":"b2","party":"B","role":"member"},{"person":"b3","party":"B","role":"member"},{"party":"B","role":"member","vacant":true},
 {"person":"b9","party":"B","role":"adjunct"}]'
check "exactly half of each party's member seats is quorate; the chairs do not count" "1:true:A 2/3:B 2/3" \
	"$(quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a1\":\"all\",\"a2\":\"all\",\"a3\":\"all\",\"b1\":\"all\",\"b2\":\"all\",\"b3\":\"all\"}}")"
check "one short in one party is not" "1:false:A 1/3:B 2/3" \
	"$(quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a1\":\"all\",\"a2\":\"all\",\"b2\":\"all\",\"b3\":\"all\"}}")"
check "a vacancy is appointed; an adjunct does not count" "1:false:A 2/3:B 1/3" \
	"$(quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a2\":\"all\",\"a3\":\"all\",\"b2\":\"all\",\"b9\":\"all\"}}")"
check "--vacant-seats skip leaves the vacancy out" "1:true:A 2/3:B 1/2" \
	"$(quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a2\":\"all\",\"a3\":\"all\",\"b2\":\"all\",\"b9\":\"all\"}}" --vacant-seats skip)"
check "--count-roles chair,vice_chair,member counts the chairs" "1:true:A 2/4:B 2/4" \
	"$(quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a1\":\"all\",\"a2\":\"all\",\"b1\":\"all\",\"b2\":\"all\"}}" --count-roles chair,vice_chair,member)"
check "a member leaving mid-meeting; written participation counts" "1:true:A 2/3:B 2/3 2:false:A 2/3:B 1/3 3:true:A 2/3:B 2/3" \
	"$(quorum "{\"items\":[\"1\",\"2\",\"3\"],\"seats\":$seats,\"present\":{\"a2\":\"all\",\"a3\":\"all\",\"b1\":\"all\",\"b2\":\"all\",\"b3\":[\"1\"]},\"written\":{\"b3\":[\"3\"]}}" | tr '\n' ' ' | sed 's/ $//')"
check "--share 2/3 asks for more" "1:true:A 2/4:B 2/3 1:false:A 2/4:B 2/3" \
	"$(for share in 1/2 2/3; do quorum "{\"items\":[\"1\"],\"seats\":$seats,\"present\":{\"a1\":\"all\",\"a2\":\"all\",\"b2\":\"all\",\"b3\":\"all\"}}" --share $share --count-roles chair,member; done | tr '\n' ' ' | sed 's/ $//')"
"$LMN" governance quorum "$D/council-2024-10-24.json" --count-roles member,boss >/dev/null 2>"$TMP/err"
check "an unknown role in --count-roles is a usage error" "2" "$?"
check_grep "… naming it" "count-roles: expected roles separated by commas.*member,boss" "$TMP/err"
"$LMN" governance quorum "$D/council-2024-10-24.json" --vacant-seats maybe >/dev/null 2>&1
check "--vacant-seats takes count or skip" "2" "$?"

printf '{"items":["1"],"seats":[{"person":"x","party":"A","role":"boss"}]}' | "$LMN" governance quorum - >/dev/null 2>"$TMP/err"
check "an unknown role is an error" "1" "$?"
check_grep "it names the seat and the role" 'seats\[0\]: unknown role "boss"' "$TMP/err"
printf '{"items":["1"],"seats":[],"present":{"ghost":"all"}}' | "$LMN" governance quorum - >/dev/null 2>"$TMP/err"
check_grep "a person without a seat is an error" 'present.ghost: "ghost" holds no seat' "$TMP/err"
printf '{"items":["1"],"seats":[{"person":"p","party":"A","role":"member"}],"written":{"p":["9"]}}' | "$LMN" governance quorum - >/dev/null 2>"$TMP/err"
check_grep "an item that is not on the agenda is an error" 'written.p: names an item that is not in items' "$TMP/err"
printf '{"items":' | "$LMN" governance quorum - >/dev/null 2>"$TMP/err"
check "broken JSON is an error" "1" "$?"
"$LMN" governance quorum >/dev/null 2>&1
check "no file is a usage error" "2" "$?"
# A decision in the change log reaches the rule engine from its effective date (rules eval --db).
LMN_NOW=2026-11-23T10:00 "$LMN" demo --db "$DB" >/dev/null 2>&1
check "the five change-log entries of DOMAIN.md §9 are there from the start" "2019-03-12 2020-01-30 2023-06-21 2023-11-16 2026-01-30" \
	"$(dbq 'SELECT decided_on FROM change_log ORDER BY decided_on' | paste -sd' ')"
dbq "INSERT INTO change_log (decided_on, body, heading, spec_section, effective_on, rules, created_at)
     VALUES ('2026-11-23', 'Ledningsråd för hjälpmedel', 'Specifikation B 3:1', 'B3:1', '2026-11-24',
             'section = B3:1
[2026-11-24]
body = \"Ledningsråd för hjälpmedel\"
reference = \"Ledtiden 3 arbetsdagar\"
lead_time_working_days = 3
', '2026-11-23T10:00:00+01:00')"
printf '{"received":"2026-11-23T10:00"}\n{"received":"2026-11-24T10:00"}\n' | "$LMN" rules eval --db "$DB" >"$TMP/eval"
check "yesterday's orders keep the old lead time, from the effective date the new one" \
	"2026-11-27 B3:1@2018-05-01|2026-11-27 B3:1@2026-11-24" \
	"$(python3 -c 'import json,sys; print("|".join(d["due"]+" "+d["rules"][0] for d in map(json.loads, open(sys.argv[1]))))' "$TMP/eval")"
check "without --db only the rule files count" "2026-11-30" \
	"$(printf '{"received":"2026-11-24T10:00"}\n' | "$LMN" rules eval | python3 -c 'import json,sys; print(json.load(sys.stdin)["due"])')"
check "the change log is append-only" "yes" "$(dbq_refused 'DELETE FROM change_log' append-only)"
done_testing
