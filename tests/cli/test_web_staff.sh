#!/usr/bin/env bash
# The pages of staff who work with patients, against the real `lmn serve`: finding a patient by
# personnummer (any accepted form), the patient's page, prescribing (renewing opens the form filled
# in; a refused validity is shown next to its field with the rule), cancelling a prescription item,
# ordering for the patient as each role (the 2024-10-24 decision's refusal next to the kind, the
# customer service's reason required next to its field, municipal staff only for residents in
# municipal housing), the delay-contact queue with a call recorded, and the call log. Every page
# kept is checked for the markup accessibility relies on.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

login kundtjanst
db() { dbq "$1" | head -n 1 | cut -d"|" -f1; }

# wlogin USER: signs in through the sign-in form (cookie in $TMP/web-USER.jar) and keeps the form
# token in $TMP/web-USER.csrf; prints the sign-in's status
wlogin() {
	form_login "$TMP/web-$1.jar" "$1" "demo2026"
	curl -sS -b "$TMP/web-$1.jar" "$B/" -L | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 |
		sed 's/.*value="//; s/"$//' >"$TMP/web-$1.csrf"
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
keep() { cp "$TMP/page.html" "$TMP/kept-$1.html"; }

for u in forskrivare kommunforskrivare kommunbestallare kundtjanst; do
	check "$u signs in through the form" "303" "$(wlogin "$u")"
done

# ---- Finding a patient ----
number=$(db 'SELECT id_number FROM patients WHERE id = 1')
short="${number:2:6}-${number:8:4}"
check "the search page" "200" "$(get forskrivare /patienter)"
keep sok
check "a search by personnummer in its short form finds the patient" "200 1" \
	"$(get forskrivare "/patienter?personnummer=$short") $(grep -c 'href="/patienter/1"' "$TMP/page.html")"
keep sok-traff
check "the number is shown in full" "yes" "$(grep -q "${number:0:8}-${number:8:4}" "$TMP/page.html" && echo yes)"
bad="${short%?}$(( (${short: -1} + 1) % 10 ))"
check "a wrong check digit is shown next to the field" "400 yes" \
	"$(get forskrivare "/patienter?personnummer=$bad") $(field_error personnummer | grep -q 'Kontrollsiffran' && echo yes)"
keep sok-fel
check "municipal staff are told they see their municipality's residents" "200 yes" \
	"$(get kommunbestallare '/patienter?namn=Mo') $(main_text | grep -q 'invånarna i din kommun (Borås)' && echo yes)"
check "and find only them" "yes" \
	"$(grep '<td data-label="Kommun">' "$TMP/page.html" | grep -v -q 'Borås' || echo yes)"
protected=$(db 'SELECT id_number FROM patients WHERE protected_identity = 1 ORDER BY id LIMIT 1')
pid_protected=$(db 'SELECT id FROM patients WHERE protected_identity = 1 ORDER BY id LIMIT 1')
check "customer service finds a protected identity by number" "200 1" \
	"$(get kundtjanst "/patienter?personnummer=$protected") $(grep -c "href=\"/patienter/$pid_protected\"" "$TMP/page.html")"
check "whose page shows no address" "200 yes no" \
	"$(get kundtjanst "/patienter/$pid_protected") $(main_text | grep -q 'Skyddad identitet: visas inte' && echo yes) $(grep -q '<dt>Adress</dt>' "$TMP/page.html" && echo yes || echo no)"
keep skyddad

# ---- The patient's page and prescribing ----
check "the prescriber's page of the patient" "200" "$(get forskrivare /patienter/1)"
keep patient
check "with prescribing, and renewing each article" "yes yes" \
	"$(grep -q 'href="/patienter/1/forskriv"' "$TMP/page.html" && echo yes) $(grep -q '>Förnya <span class="sr">' "$TMP/page.html" && echo yes)"
renew=$(grep -o 'href="/patienter/1/forskriv?[^"]*"' "$TMP/page.html" | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
article=$(echo "$renew" | sed 's/.*artikel=\([0-9]*\).*/\1/')
allowed=$(echo "$renew" | sed 's/.*uttag=\([0-9]*\).*/\1/')
check "renewing opens the form filled in with the article and the amounts" "200 yes value=\"$allowed\"" \
	"$(get forskrivare "$renew") $(grep -q "<option value=\"$article\" selected>" "$TMP/page.html" && echo yes) $(grep -o 'id="uttag"[^>]*' "$TMP/page.html" | grep -o 'value="[0-9]*"')"
keep forskriv
check "with a new last valid date: twelve months less a day" 'value="2027-11-22"' \
	"$(grep -o 'id="sista"[^>]*' "$TMP/page.html" | grep -o 'value="[^"]*"')"
check "the articles are grouped by product area, every area of the list" "yes" \
	"$(grep -q '<optgroup label="Nutrition">' "$TMP/page.html" && grep -q '<optgroup label="Inkontinens">' "$TMP/page.html" && grep -q '<optgroup label="Diabetes">' "$TMP/page.html" && grep -q '<optgroup label="Stomi">' "$TMP/page.html" && echo yes)"

items_before=$(db 'SELECT count(*) FROM prescription_items')
check "a validity beyond twelve months is refused" "422" \
	"$(post forskrivare /patienter/1/forskriv -d "artikel=$article" -d "uttag=$allowed" -d antal=2 -d period=90 -d sista=2028-01-01)"
keep forskriv-fel
check "next to the last valid date, with the rule" "yes" \
	"$(field_error sista | grep -q 'högst till och med 2027-11-22.*(Förskrivning och uttag, sedan före ändringsloggen)' && ! field_error sista | grep -q 'prescription@' && echo yes)"
check "the field points at its error" "yes" \
	"$(grep -q 'id="sista"[^>]*aria-describedby="sista-hint sista-fel" aria-invalid="true"' "$TMP/page.html" && echo yes)"
check "and the summary links to it" "1" "$(grep -c '<li><a href="#sista">' "$TMP/page.html")"
check "nothing was prescribed" "$items_before" "$(db 'SELECT count(*) FROM prescription_items')"
check "missing values are refused on their fields" "400 yes yes" \
	"$(post forskrivare /patienter/1/forskriv -d artikel= -d uttag=0 -d antal=1 -d period=90 -d sista=2027-02-30) $(field_error artikel | grep -q 'Välj en artikel' && field_error uttag | grep -q '1–100' && echo yes) $(field_error sista | grep -q 'ÅÅÅÅ-MM-DD' && echo yes)"
# An article the patient has no item for (renewing one is tested at the end: it replaces the item).
newart=$(db "SELECT min(id) FROM articles WHERE active = 1 AND id NOT IN (SELECT i.article_id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1)")
check "a valid prescription is saved" "303 /patienter/1?forskriven=1" \
	"$(post forskrivare /patienter/1/forskriv -d "artikel=$newart" -d "uttag=$allowed" -d antal=2 -d period=90 -d sista=2027-11-22) $(cat "$TMP/location")"
item=$(db 'SELECT max(id) FROM prescription_items')
check "for the chosen article, valid to the chosen day" "$newart 2027-11-22 $allowed" \
	"$(db "SELECT article_id || ' ' || last_valid || ' ' || withdrawals_allowed FROM prescription_items WHERE id = $item")"
check "the patient's page says so and shows it with a cancel button" "200 yes yes" \
	"$(get forskrivare '/patienter/1?forskriven=1') $(main_text | grep -q 'Förskrivningen är sparad' && echo yes) $(grep -q "action=\"/forskrivningsrader/$item/makulera\"" "$TMP/page.html" && echo yes)"

# ---- Cancelling ----
check "cancelling the item" "303 /patienter/1?makulerad=1" \
	"$(post forskrivare "/forskrivningsrader/$item/makulera" -d patient=1) $(cat "$TMP/location")"
check "it is cancelled" "cancelled" \
	"$(body kundtjanst GET /api/patients/1/prescriptions | json "next(i['status'] for i in d['items'] if i['id'] == $item)")"
check "the page says so" "200 yes" "$(get forskrivare '/patienter/1?makulerad=1') $(main_text | grep -q 'Förskrivningsraden är makulerad' && echo yes)"
check "cancelling it again is refused, on the patient's page" "409 yes" \
	"$(post forskrivare "/forskrivningsrader/$item/makulera" -d patient=1) $(main_text | grep -q 'redan makulerad' && echo yes)"
keep makulera-fel
other=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND r.unit_id <> 1 AND i.cancelled_at IS NULL AND i.last_valid >= '2026-11-23' ORDER BY i.id LIMIT 1")
check "another unit's item is not cancelled" "403 yes" \
	"$(post forskrivare "/forskrivningsrader/$other/makulera" -d patient=1) $(main_text | grep -q 'Bara den förskrivande enheten' && echo yes)"
check "the patient's page offers no Makulera on another unit's item (issue 20; the own unit's is above)" "200 no" \
	"$(get forskrivare /patienter/1) $(grep -q "action=\"/forskrivningsrader/$other/makulera\"" "$TMP/page.html" && echo yes || echo no)"
check "only prescribers prescribe" "403 403" \
	"$(get kommunbestallare /patienter/1/forskriv) $(get kundtjanst /patienter/1/forskriv)"

# ---- Ordering for the patient ----
orderable=$(body kundtjanst GET /api/patients/1/prescriptions | json 'next(i["id"] for i in d["items"] if i["may_order_now"])')
check "the patient's page offers a regional prescriber no order since the 2024-10-24 decision" "200 no yes no" \
	"$(get forskrivare /patienter/1) $(grep -q 'href="/patienter/1/bestall"' "$TMP/page.html" && echo yes || echo no) $(main_text | grep -q 'Förskrivaren kan kontakta kundtjänst.*(Beställningsrätt, beslut 2024-10-24)' && echo yes) $(grep -q 'ordering@' "$TMP/page.html" && echo yes || echo no)"
check "the order page says why and shows no form" "200 no yes" \
	"$(get forskrivare /patienter/1/bestall) $(grep -q '<select id="typ" name="typ"' "$TMP/page.html" && echo yes || echo no) $(main_text | grep -q 'får inte registrera uttag (gäller från 2024-10-24).*(Beställningsrätt, beslut 2024-10-24)' && echo yes)"
check "… as a refusal, not a green success box (issue 20)" "yes" \
	"$(grep -q '<div class="notice refused" role="alert"><p>Rollen förskrivare får inte registrera uttag' "$TMP/page.html" && echo yes)"
keep bestall-forskrivare
check "a form posted anyway is refused with the rule" "422 yes" \
	"$(post forskrivare /patienter/1/bestall -d "rad=$orderable" -d "antal-$orderable=1" -d typ=acute -d leverans=home) $(main_text | grep -q 'kundtjänst.*(Beställningsrätt, beslut 2024-10-24)' && echo yes)"
keep bestall-forskrivare-fel
check "the municipal prescriber keeps the order form (municipal housing)" "200 yes" \
	"$(get kommunforskrivare "/patienter/$(db "SELECT p.id FROM patients p JOIN prescriptions r ON r.patient_id = p.id JOIN prescription_items i ON i.prescription_id = r.id WHERE p.municipality = 'Borås' AND p.municipal_housing = 1 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' AND coalesce(i.next_earliest, '') <= '2026-11-23' ORDER BY p.id LIMIT 1")/bestall") $(grep -q '<select id="typ" name="typ"' "$TMP/page.html" && echo yes)"

check "customer service's order form asks who and why" "200 yes yes" \
	"$(get kundtjanst /patienter/1/bestall) $(grep -q '<select id="bestallare"' "$TMP/page.html" && echo yes) $(grep -q 'id="skal"' "$TMP/page.html" && echo yes)"
keep bestall-kundtjanst
check "… offering no express delivery, not offered since 2020-01-30 (issue 20)" "no yes" \
	"$(grep -q '<option value="express"' "$TMP/page.html" && echo yes || echo no) $(grep -q '<option value="acute"' "$TMP/page.html" && echo yes)"
check "an order without a reason is refused" "400" \
	"$(post kundtjanst /patienter/1/bestall -d "rad=$orderable" -d "antal-$orderable=1" -d typ=normal -d bestallare=patient -d skal= -d leverans=home)"
keep bestall-kundtjanst-fel
check "next to the reason" "yes yes" \
	"$(field_error skal | grep -q 'skälet' && echo yes) $(grep -q '<li><a href="#skal">' "$TMP/page.html" && echo yes)"
check "acute requested by the patient is refused next to the requester" "422 yes" \
	"$(post kundtjanst /patienter/1/bestall -d "rad=$orderable" -d "antal-$orderable=1" -d typ=acute -d bestallare=patient -d 'skal=Patienten ringde' -d leverans=home) $(field_error bestallare | grep -q '(Specifikation B 3:3, beslut 2020-01-30)' && echo yes)"
check "with a reason the order is placed" "303" \
	"$(post kundtjanst /patienter/1/bestall -d "rad=$orderable" -d "antal-$orderable=1" -d typ=normal -d bestallare=patient -d 'skal=Patienten ringde och bad om hjälp' -d leverans=home -d nyckel=test-web-staff-1)"
order=$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")
check "it leads to the new order" "yes" "$([ -n "$order" ] && echo yes)"
check "entered by customer service for the patient, with the reason" "customer_service patient Patienten ringde och bad om hjälp" \
	"$(body kundtjanst GET "/api/orders/$order" | json 'd["channel"]+" "+d["requested_by"]+" "+d["reason"]')"
check "the order's page shows the reason" "200 yes" \
	"$(get kundtjanst "/bestallningar/$order?ny=1") $(main_text | grep -q 'Skäl (kundtjänst) Patienten ringde och bad om hjälp' && echo yes)"
check "the rules that decided are cited as people cite them, not as keys (issue 20)" "yes no" \
	"$(main_text | grep -q 'Regler som gällde Specifikation B 3:1, sedan före ändringsloggen; Specifikation B 3:6, [^;]*; Beställningsrätt, beslut 2024-10-24' && echo yes) $(grep -q '@20[0-9][0-9]-' "$TMP/page.html" && echo yes || echo no)"

read -r housing hitem <<<"$(db "SELECT p.id || ' ' || i.id FROM patients p JOIN prescriptions r ON r.patient_id = p.id JOIN prescription_items i ON i.prescription_id = r.id WHERE p.municipality = 'Borås' AND p.municipal_housing = 1 AND i.cancelled_at IS NULL AND i.last_valid >= '2026-11-23' AND i.withdrawals_remaining > 0 AND (i.next_earliest IS NULL OR i.next_earliest <= '2026-11-23') ORDER BY i.id LIMIT 1")"
ordinary=$(db "SELECT id FROM patients WHERE municipality = 'Borås' AND municipal_housing = 0 AND protected_identity = 0 ORDER BY id LIMIT 1")
check "the municipal orderer's form offers neither acute nor express delivery (issue 20)" "200 yes no no" \
	"$(get kommunbestallare "/patienter/$housing/bestall") $(grep -q '<option value="normal"' "$TMP/page.html" && echo yes) $(grep -q '<option value="acute"' "$TMP/page.html" && echo yes || echo no) $(grep -q '<option value="express"' "$TMP/page.html" && echo yes || echo no)"
check "the municipal prescriber's form offers acute delivery but no express" "200 yes no" \
	"$(get kommunforskrivare "/patienter/$housing/bestall") $(grep -q '<option value="acute"' "$TMP/page.html" && echo yes || echo no) $(grep -q '<option value="express"' "$TMP/page.html" && echo yes || echo no)"
check "the municipal orderer orders for a resident in municipal housing" "303" \
	"$(post kommunbestallare "/patienter/$housing/bestall" -d "rad=$hitem" -d "antal-$hitem=1" -d typ=normal -d leverans=home -d nyckel=test-web-staff-2)"
check "entered through the municipality" "municipal municipal_orderer" \
	"$(body kundtjanst GET "/api/orders/$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")" | json 'd["channel"]+" "+d["requested_by"]')"
check "the municipal orderer does not read a resident in ordinary housing" "403 403" \
	"$(get kommunbestallare "/patienter/$ordinary") $(post kommunbestallare "/patienter/$ordinary/bestall" -d "rad=$hitem" -d "antal-$hitem=1" -d typ=normal -d leverans=home)"
check "the municipal prescriber's page of that resident says the municipality cannot order" "200 yes" \
	"$(get kommunforskrivare "/patienter/$ordinary") $(main_text | grep -q 'bor inte i kommunalt boende' && echo yes)"
keep patient-kommun
check "and the order is refused with the rule" "422 yes" \
	"$(post kommunforskrivare "/patienter/$ordinary/bestall" -d "rad=$hitem" -d "antal-$hitem=1" -d typ=normal -d leverans=home) $(main_text | grep -q 'bara beställa åt personer i kommunalt boende. (Beställningsrätt, ' && echo yes)"
check "municipal staff do not see another municipality's residents" "403" "$(get kommunbestallare /patienter/1)"

# ---- The delay-contact queue ----
check "the queue of delays to call" "200" "$(get kundtjanst /kontaktarenden)"
keep kontaktarenden
case=$(grep -o 'action="/kontaktarenden/[0-9]*/samtal"' "$TMP/page.html" | head -1 | grep -o '[0-9]*')
corder=$(body kundtjanst GET /api/contact-cases | json "next(c['order_id'] for c in d['cases'] if c['id'] == $case)")
check "each case links to its order and its patient" "yes yes" \
	"$(grep -q "href=\"/bestallningar/$corder\"" "$TMP/page.html" && echo yes) $(grep -q "href=\"/patienter/$(body kundtjanst GET /api/contact-cases | json "next(c['patient_id'] for c in d['cases'] if c['id'] == $case)")\"" "$TMP/page.html" && echo yes)"
check "a call without an outcome is refused next to the choice" "400 yes" \
	"$(post kundtjanst "/kontaktarenden/$case/samtal" -d "anteckning-$case=Ringde") $(field_error "utfall-$case" | grep -q 'Välj hur samtalet gick' && echo yes)"
keep kontaktarenden-fel
check "the note written is kept" "value=\"Ringde\"" "$(grep -o "id=\"anteckning-$case\"[^>]*" "$TMP/page.html" | grep -o 'value="[^"]*"')"
check "a call not reaching the patient is recorded, the agent kept at the case" \
	"303 /kontaktarenden?sida=1&registrerat=$case&utfall=not_reached&till=$case#arende-$case" \
	"$(post kundtjanst "/kontaktarenden/$case/samtal" -d "utfall-$case=not_reached" -d "anteckning-$case=Inget svar") $(cat "$TMP/location")"
check "the queue says so, and keeps the case with its call history" "200 yes 200 yes yes" \
	"$(get kundtjanst "$(cat "$TMP/location")") $(main_text | grep -q "Samtalet i ärende $case är registrerat: nådde inte patienten" && echo yes) $(get kundtjanst '/kontaktarenden?samtal=1') $(main_text | grep -q '23 november 2026 kl. 10.00, Kalle Kundtjänstdemo: nådde inte patienten. Inget svar' && echo yes) $(body kundtjanst GET /api/contact-cases | json "next(c['attempts'] for c in d['cases'] if c['id'] == $case) == 1 and 'yes' or 'no'")"

# The queue as a work queue: 25 cases a page, filters, an order, what is late and why.
open_cases=$(db "SELECT count(*) FROM contact_cases WHERE closed_at IS NULL")
check "the queue counts every open case and shows 25 of them" "200 yes 25 yes" \
	"$(get kundtjanst /kontaktarenden) $(main_text | grep -q "Att ringa: $open_cases ärenden" && echo yes) $(grep -c 'class="case"' "$TMP/page.html") $(grep -q 'href="/kontaktarenden?sida=2" rel="next"' "$TMP/page.html" && echo yes)"
check "the second page holds the next 25, none of the first" "25 0" \
	"$(get kundtjanst '/kontaktarenden?sida=2' >/dev/null; grep -o 'id="arende-[0-9]*"' "$TMP/page.html" | sort >"$TMP/p2"; wc -l <"$TMP/p2") $(get kundtjanst /kontaktarenden >/dev/null; grep -o 'id="arende-[0-9]*"' "$TMP/page.html" | sort | comm -12 - "$TMP/p2" | wc -l)"
# Two old cases get today as their contact date (as the job would open them today).
dbq "UPDATE contact_cases SET opened_on = '2026-11-23'
     WHERE id IN (SELECT id FROM contact_cases WHERE closed_at IS NULL ORDER BY opened_on LIMIT 2)"
check "the cases whose contact date is today come first" "yes" \
	"$(body kundtjanst GET '/api/contact-cases?limit=500' | json "'yes' if [c['opened_on'] == '2026-11-23' for c in d['cases']] == sorted([c['opened_on'] == '2026-11-23' for c in d['cases']], reverse=True) and d['cases'][0]['opened_on'] == '2026-11-23' else 'no'")"
check "oldest first, newest first, most calls first" "yes yes yes" \
	"$(body kundtjanst GET '/api/contact-cases?sort=oldest' | json "'yes' if [c['opened_on'] for c in d['cases']] == sorted(c['opened_on'] for c in d['cases']) else 'no'") $(body kundtjanst GET '/api/contact-cases?sort=newest' | json "'yes' if [c['opened_on'] for c in d['cases']] == sorted((c['opened_on'] for c in d['cases']), reverse=True) else 'no'") $(body kundtjanst GET '/api/contact-cases?sort=attempts&limit=1' | json "'yes' if d['cases'][0]['id'] == $case else 'no'")"
check "filtered by calls made, product area and care provider" "1 yes yes" \
	"$(body kundtjanst GET '/api/contact-cases?attempts=1' | json "len([c for c in d['cases'] if c['id'] == $case])") $(body kundtjanst GET '/api/contact-cases?area=incontinence' | json "'yes' if d['cases'] and all(c['area'] == 'incontinence' for c in d['cases']) and d['total'] == $(db "SELECT count(*) FROM contact_cases WHERE closed_at IS NULL AND area = 'incontinence'") else 'no'") $(body kundtjanst GET '/api/contact-cases?care_provider=1' | json "'yes' if all(c['care_provider']['id'] == 1 for c in d['cases']) and d['total'] == $(db "SELECT count(*) FROM contact_cases WHERE closed_at IS NULL AND care_provider_id = 1") else 'no'")"
check "the page's filter shows only the area asked for" "200 yes" \
	"$(get kundtjanst '/kontaktarenden?omrade=nutrition&samtal=0') $(grep -o '<dt>Produktområde</dt><dd>[^<]*' "$TMP/page.html" | sort -u | grep -c . | grep -q '^1$' && echo yes)"
check "an unknown order is refused, naming the parameter" "400 sort" \
	"$(status kundtjanst GET '/api/contact-cases?sort=random') $(body kundtjanst GET '/api/contact-cases?sort=random' | json 'd["field"]')"
backordered=$(db "SELECT c.id FROM contact_cases c JOIN order_lines l ON l.order_id = c.order_id WHERE c.closed_at IS NULL AND l.backordered = 1 AND l.shipped_quantity = 0 LIMIT 1")
check "each case says what is late and why" "yes" \
	"$(get kundtjanst '/kontaktarenden?ordning=oldest&sida=1' >/dev/null; body kundtjanst GET '/api/contact-cases' | json "'yes' if any(m['reason'] == 'backordered' for c in d['cases'] if c['id'] == $backordered for m in c['missing']) else 'no'")"
check "in Swedish on the page" "yes" \
	"$(for s in 1 2 3 4 5 6 7 8; do get kundtjanst "/kontaktarenden?ordning=oldest&sida=$s" >/dev/null; grep -A24 "id=\"arende-$backordered\"" "$TMP/page.html"; done | grep -q 'restnoterad hos leverantören' && echo yes)"
next_case=$(body kundtjanst GET '/api/contact-cases?sort=oldest&limit=2&offset=25' | json 'd["cases"][1]["id"]')
this_case=$(body kundtjanst GET '/api/contact-cases?sort=oldest&limit=2&offset=25' | json 'd["cases"][0]["id"]')
check "after a call on page 2 the agent is back on page 2 at the next case" \
	"303 /kontaktarenden?ordning=oldest&sida=2&registrerat=$this_case&utfall=message_left&till=$next_case#arende-$next_case" \
	"$(post kundtjanst "/kontaktarenden/$this_case/samtal" -d "utfall-$this_case=message_left" -d ordning=oldest -d sida=2 -d "till=$next_case") $(cat "$TMP/location")"
check "the outcome is told just above that case" "200 yes" \
	"$(get kundtjanst "$(cat "$TMP/location")") $(tr -d '\n' <"$TMP/page.html" | grep -q "Samtalet i ärende $this_case är registrerat: lämnade meddelande.*</li><li class=\"case\" id=\"arende-$next_case\"" && echo yes)"
page_patients=$(body kundtjanst GET '/api/contact-cases?limit=25' | json "','.join(str(i) for i in sorted(set(c['patient_id'] for c in d['cases'])))")
check "reading the queue logs one list view with the patients of the page only" "1 ,$page_patients," \
	"$(before=$(db "SELECT count(*) FROM access_log_views WHERE what = 'kontaktärenden (kön)'"); get kundtjanst /kontaktarenden >/dev/null; echo $(( $(db "SELECT count(*) FROM access_log_views WHERE what = 'kontaktärenden (kön)'") - before ))) $(db "SELECT patients FROM access_log_views WHERE what = 'kontaktärenden (kön)' ORDER BY id DESC LIMIT 1")"
check "reaching the patient closes the case" "303 False" \
	"$(post kundtjanst "/kontaktarenden/$case/samtal" -d "utfall-$case=reached") $(body kundtjanst GET /api/contact-cases | json "str(any(c['id'] == $case for c in d['cases']))")"
check "the outcome and note are stored" "reached" "$(db "SELECT outcome FROM contact_cases WHERE id = $case")"
check "a closed case cannot be called again" "409 yes" \
	"$(post kundtjanst "/kontaktarenden/$case/samtal" -d "utfall-$case=reached") $(main_text | grep -q 'redan avslutat' && echo yes)"
check "only customer service works the queue" "403" "$(get forskrivare /kontaktarenden)"

# ---- The call log ----
check "the call log of a day" "200 yes" \
	"$(get kundtjanst '/samtal?datum=2026-11-20') $(grep -q '<caption>Samtal 2026-11-20' "$TMP/page.html" && echo yes)"
keep samtal
check "a wrong date is shown next to its field" "400 yes" \
	"$(get kundtjanst '/samtal?datum=2026-02-30') $(grep -q 'id="datum-fel"' "$TMP/page.html" && echo yes)"
check "a call both answered and abandoned is refused" "400 yes" \
	"$(post kundtjanst /samtal -d amne=order -d koade=2026-11-23T09:50 -d besvarat=2026-11-23T09:52 -d avbrutet=2026-11-23T09:53) $(field_error avbrutet | grep -q 'inte båda' && echo yes)"
keep samtal-fel
check "a call ending before it was queued is refused on its field" "400 yes" \
	"$(post kundtjanst /samtal -d amne=order -d koade=2026-11-23T09:50 -d avbrutet=2026-11-23T09:40) $(field_error avbrutet | grep -q 'innan det ställdes i kö' && echo yes)"
check "a call neither answered nor abandoned is refused next to its field" "422 yes" \
	"$(post kundtjanst /samtal -d amne=order -d koade=2026-11-23T09:50) $(field_error besvarat | grep -q 'fortfarande står i kö' && echo yes)"
check "a call still queued is logged when ticked so" "303 /samtal?datum=2026-11-23&loggat=1" \
	"$(post kundtjanst /samtal -d amne=order -d koade=2026-11-23T09:49 -d iko=1) $(cat "$TMP/location")"
check "a call is logged" "303 /samtal?datum=2026-11-23&loggat=1" \
	"$(post kundtjanst /samtal -d amne=delivery -d koade=2026-11-23T09:50 -d besvarat=2026-11-23T09:52:30) $(cat "$TMP/location")"
check "the day's log shows it with its wait" "200 yes yes" \
	"$(get kundtjanst "$(cat "$TMP/location")") $(main_text | grep -q 'Samtalet är loggat' && echo yes) $(grep -q '<td data-label="Väntetid" class="num">2 min 30 s</td><td data-label="Ämne">Leverans</td>' "$TMP/page.html" && echo yes)"
check "the API has it" "delivery 2026-11-23T09:52:30+01:00" \
	"$(body kundtjanst GET '/api/calls?date=2026-11-23' | json '[c["topic"]+" "+c["answered_at"] for c in d["calls"] if "answered_at" in c][-1]')"
check "only customer service logs calls" "403" "$(get forskrivare /samtal)"

# ---- Renewing an article the patient has an active item for replaces that item ----
active=$(db "SELECT i.id || ' ' || i.article_id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' ORDER BY i.id LIMIT 1")
check "a renewal of an active item's article is saved" "303" \
	"$(post forskrivare /patienter/1/forskriv -d "artikel=${active#* }" -d uttag=2 -d antal=1 -d period=90 -d sista=2027-11-22)"
check "the old item is cancelled, replaced by the new one" "1 1" \
	"$(db "SELECT count(*) FROM prescription_items WHERE id = ${active% *} AND cancelled_at IS NOT NULL AND replaced_by = (SELECT max(id) FROM prescription_items)") $(db "SELECT count(*) FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.article_id = ${active#* } AND i.cancelled_at IS NULL")"
old_on=$(db "SELECT r.prescribed_on FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE i.id = ${active% *}")
# replaced_card: the text of the card whose status says the item was replaced, and of the new one
replaced_card() { main_text | grep -o 'Status Ersatt av ny förskrivning [0-9-]*' | head -1; }
check "the prescriber sees the old item as replaced, with the new prescription's date" \
	"200 Status Ersatt av ny förskrivning 2026-11-23" "$(get forskrivare /patienter/1) $(replaced_card)"
check "… not as a bare status (only items cancelled outright say makulerad)" \
	"$(db "SELECT count(*) FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.cancelled_at IS NOT NULL AND i.replaced_by IS NULL")" \
	"$(grep -c '<dt>Status</dt><dd>makulerad</dd>' "$TMP/page.html")"
check "… and the new item names the one it replaces" "yes" \
	"$(main_text | grep -qE "Ersätter Förskrivningen från $old_on ?\. Uttag som redan gjorts i perioden räknas\." && echo yes)"
keep ersatt
check "customer service sees the replacement the same way" "200 Status Ersatt av ny förskrivning 2026-11-23" \
	"$(get kundtjanst /patienter/1) $(replaced_card)"
keep ersatt-kundtjanst
check "the patient signs in through the form" "303" "$(wlogin patient)"
check "the patient sees it on their prescriptions" "200 Status Ersatt av ny förskrivning 2026-11-23" \
	"$(get patient /mina-sidor) $(replaced_card)"
keep ersatt-patient

# ---- Markup that accessibility relies on, on every page kept ----
cat >"$TMP/a11y.py" <<'EOF'
# Checks a page: tags balanced, ids unique, every visible form control labelled, every table with
# a caption and every header cell with a scope, every aria-describedby and #link target existing,
# headings without skipped levels.
import re, sys
from html.parser import HTMLParser

VOID = {"meta", "link", "input", "br", "img", "hr", "source", "col", "area", "base", "wbr"}
class P(HTMLParser):
    def __init__(s):
        super().__init__()
        s.stack, s.ids, s.errors, s.labels, s.controls, s.refs, s.heads = [], {}, [], set(), [], [], []
        s.tables, s.captions, s.in_label = 0, 0, 0
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in s.ids: s.errors.append("duplicate id " + a["id"])
            s.ids[a["id"]] = tag
        if tag == "label":
            s.in_label += 1
            if "for" in a: s.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            s.controls.append((a.get("id"), s.in_label > 0, a.get("name")))
        if tag == "table": s.tables += 1
        if tag == "caption": s.captions += 1
        if tag == "th" and "scope" not in a: s.errors.append("th without scope")
        for r in (a.get("aria-describedby") or "").split(): s.refs.append(r)
        if tag == "a" and (a.get("href") or "").startswith("#"): s.refs.append(a["href"][1:])
        if re.fullmatch(r"h[1-6]", tag): s.heads.append(int(tag[1]))
        if tag not in VOID: s.stack.append(tag)
    def handle_endtag(s, tag):
        if tag == "label": s.in_label -= 1
        if tag in VOID: return
        if not s.stack or s.stack[-1] != tag:
            s.errors.append("unbalanced </%s> (open: %s)" % (tag, "/".join(s.stack[-3:])))
            if tag in s.stack:
                while s.stack and s.stack.pop() != tag: pass
        else:
            s.stack.pop()

bad = []
for f in sys.argv[1:]:
    p = P(); p.feed(open(f, encoding="utf-8").read())
    e = list(p.errors)
    if p.stack: e.append("unclosed " + "/".join(p.stack))
    for cid, wrapped, name in p.controls:
        if not wrapped and (not cid or cid not in p.labels): e.append("unlabelled control " + str(name))
    if p.tables != p.captions: e.append("%d tables, %d captions" % (p.tables, p.captions))
    for r in p.refs:
        if r not in p.ids: e.append("reference to missing id " + r)
    for a, b in zip(p.heads, p.heads[1:]):
        if b > a + 1: e.append("heading h%d after h%d" % (b, a))
    if p.heads[:1] != [1] or p.heads.count(1) != 1: e.append("one h1 first")
    bad += ["%s: %s" % (f.split("/")[-1], x) for x in e]
print("\n".join(bad) if bad else "ok")
EOF
check "every page kept: balanced, labelled, captioned, scoped, references resolve" "ok" \
	"$(python3 "$TMP/a11y.py" "$TMP"/kept-*.html)"
check "and they were all there" "yes" "$([ "$(ls "$TMP"/kept-*.html | wc -l)" -ge 16 ] && echo yes)"

done_testing
