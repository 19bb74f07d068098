#!/usr/bin/env bash
# The patient's and the delegate's pages against the real `lmn serve` (issue 20): the receipt
# says where and how (the pickup point and the notification, the door code, the day in words);
# cancelling asks first and only the confirmed POST cancels; the access log pages through every
# entry and can leave out the signed-in user's own; a delegate's pages name the patient; the order
# form promises the lead time in force; a next withdrawal after the last valid day is explained.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

db() { dbq "$1" | head -n 1 | cut -d"|" -f1; }
# wlogin USER: signs in through the sign-in form (cookie in $TMP/web-USER.jar) and keeps the form
# token in $TMP/web-USER.csrf; prints the sign-in's status
wlogin() {
	form_login "$TMP/web-$1.jar" "$1" "demo2026"
	curl -sS -b "$TMP/web-$1.jar" "$B/bestall" | grep -o 'name="_csrf" value="[0-9a-f]*"' |
		head -1 | sed 's/.*value="//; s/"$//' >"$TMP/web-$1.csrf"
}
# get USER PATH: the page to $TMP/page.html; prints the status
get() {
	curl -sS -b "$TMP/web-$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"
}
# post USER PATH [curl args…]: POSTs the form with the CSRF token; the page goes to $TMP/page.html
# and the Location header (if any) to $TMP/location; prints the status
post() {
	local user=$1 path=$2
	shift 2
	curl -sS -b "$TMP/web-$user.jar" -D "$TMP/headers" -o "$TMP/page.html" -w '%{http_code}' \
		--data-urlencode "_csrf=$(cat "$TMP/web-$user.csrf")" "$@" "$B$path"
	sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$TMP/headers" >"$TMP/location"
}
has() { main_text | grep -q -- "$1" && echo yes || echo no; }

for u in patient ombud; do
	check "$u signs in through the form" "303" "$(wlogin "$u")"
done

# ---- The order form says where it goes and what a package holds ----
home=$(db "SELECT address || ', ' || substr(postal_code, 1, 3) || ' ' || substr(postal_code, 4) || ' ' || city FROM patients WHERE id = 1")
check "the form names the home address before sending" "yes" \
	"$(get patient /bestall >/dev/null; has "Hem till adressen i folkbokföringen: $home")"
check "each product's package in words, not packs of packs" "yes no" \
	"$(main_text | grep -qE '\(N[0-9]+, (förpackning om [0-9]+ st|burk)\)' && echo yes) $(has 'förp per förpackning')"
check "the prescriptions say what one withdrawal is" "yes no" \
	"$(get patient /mina-sidor >/dev/null; main_text | grep -qE 'Per uttag [0-9]+ (förpackningar? om [0-9]+ st|burkar?)' && echo yes) $(has 'förp. à')"

# ---- The receipt says where and how ----
item=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' AND coalesce(i.next_earliest, '') <= '2026-11-23' ORDER BY i.id LIMIT 1")
point=$(db "SELECT id FROM pickup_points ORDER BY id LIMIT 1")
point_name=$(db "SELECT name FROM pickup_points WHERE id = $point")
point_address=$(db "SELECT address FROM pickup_points WHERE id = $point")
check "an order to a pickup point with e-mail notification" "303" \
	"$(post patient /bestall -d rad="$item" -d "antal-$item=1" -d leverans=pickup_point -d utlamningsstalle="$point" -d avisering=email -d nyckel=receipt-pickup-1)"
order=$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")
check "the API names the pickup point of the order" "$point_name" \
	"$(login patient; body patient GET "/api/orders/$order" | json 'd["delivery"]["pickup_point"]["name"]')"
get patient "/bestallningar/$order?ny=1" >/dev/null
check "the receipt names the pickup point and its address" "yes yes" \
	"$(has "Utlämningsställe $point_name $point_address") $(main_text | grep -q "$point_address" && echo yes)"
check "and how the patient is notified, in Swedish" "yes no" \
	"$(has 'Du får besked med e-post när paketet kan hämtas') $(has 'email')"
check "and the day in words (received Monday 23 November, due the 4th working day)" "yes" \
	"$(has 'Levereras senast fredag 27 november')"
check "and no rule keys" "no" "$(has 'B3:1@')"

# Home delivery with a door code, by the delegate for patient 2.
item2=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 2 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' AND coalesce(i.next_earliest, '') <= '2026-11-23' ORDER BY i.id LIMIT 1")
check "the delegate orders home delivery with a door code" "303" \
	"$(post ombud /bestall -d rad="$item2" -d "antal-$item2=1" -d leverans=home -d portkod=4711B -d nyckel=receipt-home-1)"
order2=$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")
get ombud "/bestallningar/$order2" >/dev/null
check "the receipt echoes the door code" "yes" "$(has 'Portkod 4711B')"
check "the receipt of a home delivery says home" "yes" "$(has 'Leverans Hem till dig')"

# ---- Cancelling asks first ----
check "the receipt offers to cancel in plain words, not as the primary action" "yes no" \
	"$(grep -q '<button type="submit" class="secondary">Avbryt beställningen</button>' "$TMP/page.html" && echo yes) $(has 'Makulera')"
check "the button leads to the question" "200 yes yes yes" \
	"$(get ombud "/bestallningar/$order2?avbryt=1") $(has "Vill du avbryta beställningen $order2?") $(has 'Ja, avbryt beställningen') $(has 'Nej, behåll den')"
check "the question's answer carries the form token" "yes" \
	"$(grep -q 'name="_csrf" value="[0-9a-f]\{8,\}"' "$TMP/page.html" && echo yes)"
check "a POST that was not confirmed leads to the question and cancels nothing" "303 /bestallningar/$order2?avbryt=1 received" \
	"$(post ombud "/bestallningar/$order2/makulera") $(cat "$TMP/location") $(db "SELECT status FROM orders WHERE id = $order2")"
check "a confirmed POST without the form token cancels nothing" "received" \
	"$(curl -sS -b "$TMP/web-ombud.jar" -o /dev/null -d bekraftad=1 "$B/bestallningar/$order2/makulera"; db "SELECT status FROM orders WHERE id = $order2")"
check "the confirmed POST cancels" "303 /bestallningar/$order2?makulerad=1 cancelled" \
	"$(post ombud "/bestallningar/$order2/makulera" -d bekraftad=1) $(cat "$TMP/location") $(db "SELECT status FROM orders WHERE id = $order2")"
check "and the receipt says it is cancelled" "200 yes" \
	"$(get ombud "/bestallningar/$order2?makulerad=1") $(has 'Beställningen är avbruten')"

# ---- Who read my data: every entry, page by page, and only the others' ----
login kundtjanst
for _ in $(seq 1 130); do req kundtjanst GET /api/patients/1 >/dev/null; done
login patient
# The patient's own reads are the newest.
for _ in 1 2 3; do req patient GET /api/patients/1/prescriptions >/dev/null; done
body patient GET '/api/patients/1/access-log?limit=1000' >"$TMP/all.json"
total=$(json 'len(d["entries"])' <"$TMP/all.json")
check "more than a page of entries (the patient's own and customer service's)" "yes" \
	"$([ "$total" -gt 130 ] && echo yes)"
# pages LIMIT [QUERY]: follows "older" from the newest; prints the entries, one JSON per line
pages() {
	local before="" q
	while :; do
		q="limit=$1${2:+&$2}${before:+&before=$before}"
		body patient GET "/api/patients/1/access-log?$q" >"$TMP/page.json"
		json '"\n".join(__import__("json").dumps(e, sort_keys=True) for e in d["entries"])' <"$TMP/page.json"
		before=$(json 'd.get("older", "")' <"$TMP/page.json")
		[ -n "$before" ] || break
	done
}
check "the first page has 100 entries and says where the older ones go on" "100 yes" \
	"$(body patient GET /api/patients/1/access-log | json 'str(len(d["entries"])) + " " + ("yes" if d.get("older") else "no")')"
json '"\n".join(__import__("json").dumps(e, sort_keys=True) for e in d["entries"])' <"$TMP/all.json" >"$TMP/all.lines"
pages 100 >"$TMP/paged.lines"
check_file "paging by 100 gives every entry once, newest first" "$TMP/all.lines" "$TMP/paged.lines"
pages 7 >"$TMP/paged7.lines"
check_file "and so does paging by 7" "$TMP/all.lines" "$TMP/paged7.lines"
me=$(db "SELECT display_name FROM users WHERE username = 'patient'")
own=$(json "sum(1 for e in d['entries'] if e['who'] == '$me')" <"$TMP/all.json")
check "others=1 leaves out the patient's own entries and only those" "$((total - own)) 0" \
	"$(body patient GET '/api/patients/1/access-log?limit=1000&others=1' | json "str(len(d['entries'])) + ' ' + str(sum(1 for e in d['entries'] if e['who'] == '$me'))")"
check "a wrong place to go on from is refused with its field" "400 before" \
	"$(status patient GET '/api/patients/1/access-log?before=x') $(body patient GET '/api/patients/1/access-log?before=1.2' | json 'd["field"]')"
check "the parameters are documented" "yes" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); ps={p["name"] for p in d["paths"]["/api/patients/{id}/access-log"]["get"]["parameters"]}; print("yes" if {"limit","before","others"} <= ps else ps)' "$LMN_SRC/src/api/openapi.json")"
# rows: the rows of the access-log table of $TMP/page.html
rows() { grep -c '<tr><td data-label="När">' "$TMP/page.html"; }
older_link() { grep -o 'href="/vem-har-last?fore=[0-9.]*[^"]*">Äldre' "$TMP/page.html" | sed 's/^href="//; s/">.*//; s/&amp;/\&/g'; }
check "the page shows 100 and links to older ones" "200 100 yes" \
	"$(get patient /vem-har-last) $(rows) $([ -n "$(older_link)" ] && echo yes)"
seen=0 pages_seen=0 next=/vem-har-last
while [ -n "$next" ] && [ $pages_seen -lt 20 ]; do
	get patient "$next" >/dev/null
	seen=$((seen + $(rows))) pages_seen=$((pages_seen + 1))
	next=$(older_link)
done
check "following \"Äldre åtkomster\" shows every entry" "$total" "$seen"
check "the last page links back to the newest" "yes" "$(has 'Senaste åtkomsterna')"
check "the newest page shows the patient's own reads" "200 yes" \
	"$(get patient /vem-har-last) $(grep -q "data-label=\"Vem\">$me<" "$TMP/page.html" && echo yes)"
check "\"andra än jag\" shows no entry of the patient's own" "200 0" \
	"$(get patient '/vem-har-last?andra=1') $(grep '<tr><td data-label="När">' "$TMP/page.html" | grep -c "data-label=\"Vem\">$me<")"
check "and keeps the filter when paging" "yes" "$(older_link | grep -q 'andra=1' && echo yes)"
check "a broken place to go on from gets a Swedish answer, not the API's words" "200 yes no" \
	"$(get patient '/vem-har-last?fore=x') $(has 'Den sidan finns inte') $(has 'before')"
get patient '/vem-har-last?andra=1' >/dev/null
check "the filter is a labelled checkbox, ticked" "yes" \
	"$(grep -q '<input type="checkbox" name="andra" value="1" checked> Visa bara andra än jag' "$TMP/page.html" && echo yes)"

# ---- A delegate's pages name the patient ----
name2="$(db 'SELECT given_name FROM patients WHERE id = 2') $(db 'SELECT family_name FROM patients WHERE id = 2')"
login ombud
check "the API tells a delegate from the patient" "True False" \
	"$(body ombud GET /api/me | json 'd["user"]["delegate"]') $(body patient GET /api/me | json 'd["user"]["delegate"]')"
check "the delegate's start page is headed with the patient's name" "200 yes" \
	"$(get ombud /mina-sidor) $(grep -q "<h1>Förskrivningar för $name2</h1>" "$TMP/page.html" && echo yes)"
check "and says whom they act for, not \"Mina förskrivningar\"" "yes no" \
	"$(has "Du är ombud för $name2") $(grep -q '<h1>Mina förskrivningar' "$TMP/page.html" && echo yes || echo no)"
check "the header calls the delegate ombud" "yes" \
	"$(grep -q '<div class="who"><span>[^<]* (ombud)</span>' "$TMP/page.html" && echo yes)"
check "the order form says for whom the delegate orders" "200 yes" \
	"$(get ombud /bestall) $(has "Du beställer för $name2.")"
check "the delegate's orders and access log are headed with the patient's name" "yes yes" \
	"$(get ombud /mina-bestallningar >/dev/null; grep -q "<h1>Beställningar för $name2</h1>" "$TMP/page.html" && echo yes) $(get ombud /vem-har-last >/dev/null; grep -q "<h1>Vem har läst uppgifterna om $name2</h1>" "$TMP/page.html" && echo yes)"
check "the patient's own pages are unchanged" "yes no yes" \
	"$(get patient /mina-sidor >/dev/null; grep -q '<h1>Mina förskrivningar</h1>' "$TMP/page.html" && echo yes) $(get patient /bestall >/dev/null; has 'Du beställer för') $(grep -q '<div class="who"><span>[^<]* (patient)</span>' "$TMP/page.html" && echo yes)"

# ---- The lead time promised is the one in force on the day ----
check "today the form promises four working days" "200 yes" \
	"$(get ombud /bestall) $(has 'senast fyra arbetsdagar efter')"
# A decision (as test_governance.sh records one): three working days from 2027-01-01.
dbq "INSERT INTO change_log (decided_on, body, heading, spec_section, effective_on, rules, created_at)
     VALUES ('2026-11-23', 'Ledningsråd för hjälpmedel', 'Specifikation B 3:1', 'B3:1', '2027-01-01',
             'section = B3:1
[2027-01-01]
body = \"Ledningsråd för hjälpmedel\"
reference = \"Ledtiden 3 arbetsdagar\"
lead_time_working_days = 3
', '2026-11-23T10:00:00+01:00')"
LMN_NOW=2027-01-04T10:00 serve later
later_pid=$serve_pid
trap 'kill $pid $later_pid 2>/dev/null; rm -rf "$TMP"' EXIT
B="http://127.0.0.1:$serve_port"
wlogin ombud >/dev/null
check "from the decision's day the form promises three" "200 yes no" \
	"$(get ombud /bestall) $(has 'senast tre arbetsdagar efter') $(has 'fyra')"
kill $later_pid
B="http://127.0.0.1:$port"

# ---- A next withdrawal after the last valid day, an expired prescription ----
login patient
body patient GET /api/patients/1/prescriptions >"$TMP/rx.json"
beyond=$(json 'sum(1 for i in d["items"] if i["status"] == "active" and not i["may_order_now"] and (i.get("next_earliest") or "") > i["last_valid"])' <"$TMP/rx.json")
expired=$(json 'sum(1 for i in d["items"] if i["status"] == "expired" and not i.get("replaced_by"))' <"$TMP/rx.json")
check "after the order, a next withdrawal falls after the last valid day, and one item has expired" "yes yes" \
	"$([ "$beyond" -ge 1 ] && echo yes) $([ "$expired" -ge 1 ] && echo yes)"
get patient /mina-sidor >/dev/null
check "each such card says so in plain Swedish" "$beyond" \
	"$(grep -o 'Nästa uttag skulle bli efter att förskrivningen slutar gälla' "$TMP/page.html" | wc -l)"
check "and no longer offers a next withdrawal date that never comes" "0" \
	"$(json '"\n".join("Tidigast " + i["next_earliest"] for i in d["items"] if i["status"] == "active" and (i.get("next_earliest") or "") > i["last_valid"])' <"$TMP/rx.json" | grep -c -F -f - "$TMP/page.html")"
prescriber=$(json 'next(i["prescriber"] for i in d["items"] if i["status"] == "active" and (i.get("next_earliest") or "") > i["last_valid"])' <"$TMP/rx.json")
check "it names the prescriber to contact" "yes" "$(has "Kontakta förskrivaren, $prescriber")"
check "an expired card says until when it was valid and whom to contact" "$expired" \
	"$(grep -o 'Förskrivningen gällde till och med <time datetime="[0-9-]*">[a-zåäö]* [0-9]* [a-zåäö]* [0-9]*</time>. Kontakta förskrivaren, [^<]*om du behöver en ny förskrivning' "$TMP/page.html" | wc -l)"

# ---- Nothing to order: no delivery choices, no button, a way back ----
dbq "UPDATE prescription_items SET next_earliest = '2027-06-01'
     WHERE prescription_id IN (SELECT id FROM prescriptions WHERE patient_id = 2)"
check "with nothing orderable the form says so and offers only a way back" "yes no no yes" \
	"$(get ombud /bestall >/dev/null; has 'Inget kan beställas just nu') $(has 'Skicka beställningen') $(has 'Hur ska det levereras?') $(grep -q '<a href="/mina-sidor">Tillbaka till förskrivningarna</a>' "$TMP/page.html" && echo yes)"

done_testing
