#!/usr/bin/env bash
# lmn rules show / check: parameters as in force on a date, with their sources.
. "$(dirname "$0")/tap.sh"

"$LMN" rules show --on 2020-01-29 >"$TMP/before"
"$LMN" rules show --on 2020-01-30 >"$TMP/after"
check_grep "2020-01-29: express offered" "express_offered = true .*\[B3:3@2018-05-01\]" "$TMP/before"
check_grep "2020-01-30: express withdrawn" "express_offered = false .*\[B3:3@2020-01-30\]" "$TMP/after"
check_grep "2020-01-29: patients may request acute" "acute_requesters = patient, prescriber, municipal_prescriber" "$TMP/before"
check_grep "2020-01-30: acute needs the acute assortment" "acute_articles = acute_assortment" "$TMP/after"
check_grep "the source names the deciding body" "B3:3@2020-01-30: beslutad 2020-01-30 av Ledningsråd MTP" "$TMP/after"

"$LMN" rules show --on 2023-11-15 >"$TMP/phone1"
"$LMN" rules show --on 2023-11-16 >"$TMP/phone2"
check_grep "phone target until 2023-11-15" "phone_answer_minutes = 3" "$TMP/phone1"
check_grep "phone target from 2023-11-16" "phone_answer_target = 80" "$TMP/phone2"

"$LMN" rules show --on 2024-10-23 >"$TMP/o1"
"$LMN" rules show --on 2024-10-24 >"$TMP/o2"
check_grep "regional prescribers enter withdrawals until 2024-10-23" \
	"withdrawal_entry_roles = patient, prescriber, municipal" "$TMP/o1"
check_grep "and not from 2024-10-24" \
	"withdrawal_entry_roles = patient, municipal_prescriber, municipal_orderer, customer_service" "$TMP/o2"

# DOMAIN.md §9: the original versions have no start date; they hold before the change log's
# first entry, so history older than 2018 has rules (issue 18).
"$LMN" rules show --on 2015-03-01 >"$TMP/old" 2>"$TMP/err"; rc=$?
check "rules are in force in 2015" "0" "$rc"
check_grep "2015: the original lead time" "lead_time_working_days = 4 .*\[B3:1@2018-05-01\]" "$TMP/old"
check_grep "2015: patients may request acute" "acute_requesters = patient, prescriber, municipal_prescriber" "$TMP/old"
check_grep "the original version is in force since before the change log" \
	"B3:1@2018-05-01: sedan före ändringsloggen, Samarbetsavtalet" "$TMP/old"
check "and is not said to be decided on an invented date" "0" \
	"$(grep -c 'beslutad 2018-05-01' "$TMP/old")"
check_grep "a later version still names its decision" "B3:3@2020-01-30: beslutad 2020-01-30" "$TMP/after"
check_grep "the non-working eves are a parameter of B3:1" \
	"non_working_eves = midsummer_eve, christmas_eve, new_years_eve .*\[B3:1@2018-05-01\]" "$TMP/old"
"$LMN" rules show --on 2020-02-30 >/dev/null 2>&1; rc=$?
check "an impossible date is a usage error" "2" "$rc"

check_grep "check validates the shipped rules" "ok" <("$LMN" rules check) 
mkdir "$TMP/rules"
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules/"
printf '\n[2019-01-01]\nbody = "x"\nreference = "y"\nexpress_offered = true\n' >>"$TMP/rules/B3-3.rules"
"$LMN" rules check --rules "$TMP/rules" 2>"$TMP/err"; rc=$?
check "an overlapping version is refused" "1" "$rc"
check_grep "naming file and line" "B3-3.rules:[0-9]*: version 2019-01-01 overlaps" "$TMP/err"
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules/"
printf 'acute_speed = 3\n' >>"$TMP/rules/B3-3.rules"
"$LMN" rules check --rules "$TMP/rules" 2>"$TMP/err"; rc=$?
check "an unknown key is refused" "1" "$rc"
check_grep "naming the key" "unknown parameter 'acute_speed'" "$TMP/err"

done_testing
