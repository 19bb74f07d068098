#!/usr/bin/env bash
# The start pages of prescribers and municipal staff (issue 20), against the real `lmn serve`: the
# unit's prescription items that end within 30 days (the caller's unit only, the first to end first,
# a renew link each, one list view in the access log), the municipality's residents in municipal
# housing with what each may order today (a link to order for each, one list view), and a prescriber
# registering a new patient found by a valid personnummer (errors next to their fields, the unit's
# care relationship recorded, then the patient's page), and a patient asking the unit to renew an
# item that ends soon, which the prescriber's start page lists until it is renewed.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

db() { dbq "$1" | head -n 1 | cut -d"|" -f1; }
wlogin() {
	form_login "$TMP/web-$1.jar" "$1" "demo2026"
	curl -sS -b "$TMP/web-$1.jar" "$B/" -L | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 |
		sed 's/.*value="//; s/"$//' >"$TMP/web-$1.csrf"
}
get() { curl -sS -b "$TMP/web-$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"; }
post() {
	local user=$1 path=$2
	shift 2
	curl -sS -b "$TMP/web-$user.jar" -D "$TMP/headers" -o "$TMP/page.html" -w '%{http_code}' \
		--data-urlencode "_csrf=$(cat "$TMP/web-$user.csrf")" "$@" "$B$path"
	sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$TMP/headers" >"$TMP/location"
}
views() { db "SELECT count(*) FROM access_log_views WHERE what = '$1'"; }

for u in forskrivare dietist kommunbestallare patient; do login "$u"; done
for u in forskrivare kommunforskrivare kommunbestallare patient; do
	check "$u signs in through the form" "303" "$(wlogin "$u")"
done

# ---- The prescriber's items that end soon ----
# Two items of unit 1 for patient 1 that end within 30 days (2026-11-23 is the test's day), one
# that ends later, and one of the dietitian's unit.
article=$(db 'SELECT id FROM articles WHERE active = 1 ORDER BY id LIMIT 1')
article2=$(db 'SELECT id FROM articles WHERE active = 1 ORDER BY id LIMIT 1 OFFSET 1')
article3=$(db 'SELECT id FROM articles WHERE active = 1 ORDER BY id LIMIT 1 OFFSET 2')
rx() { # USER PATIENT ARTICLE LAST_VALID
	status "$1" POST "/api/patients/$2/prescriptions" "{\"items\":[{\"article_id\":$3,\"withdrawals_allowed\":3,\"quantity_per_withdrawal\":2,\"period_days\":30,\"last_valid\":\"$4\"}]}"
}
check "a prescription that ends 2026-12-20" "201" "$(rx forskrivare 1 "$article" 2026-12-20)"
check "one that ends 2026-12-01" "201" "$(rx forskrivare 1 "$article2" 2026-12-01)"
check "one that ends in 2027" "201" "$(rx forskrivare 1 "$article3" 2027-06-01)"
dpatient=$(db "SELECT r.patient_id FROM prescriptions r WHERE r.unit_id = 3 AND r.patient_id <> 1 ORDER BY r.id LIMIT 1")
check "the dietitian's that ends 2026-12-02" "201" "$(rx dietist "$dpatient" "$article3" 2026-12-02)"
before=$(views 'lista: enhetens förskrivningar som snart upphör')
req forskrivare GET '/api/prescriptions/expiring?days=30' >"$TMP/exp"
check "the unit's items that end within 30 days, the first to end first" \
	"200 2026-12-01,2026-12-20" \
	"$(cut -d' ' -f1 "$TMP/exp") $(cut -d' ' -f2- "$TMP/exp" | json '",".join(i["last_valid"] for i in d["items"])')"
check "with patient, article and withdrawals left" "1 $article2 3" \
	"$(cut -d' ' -f2- "$TMP/exp" | json '"%d %d %d" % (d["items"][0]["patient"]["id"], d["items"][0]["article"]["id"], d["items"][0]["withdrawals_remaining"])')"
check "one list view in the access log" "$((before + 1))" "$(views 'lista: enhetens förskrivningar som snart upphör')"
check "the dietitian sees only her unit's" "2026-12-02" \
	"$(body dietist GET '/api/prescriptions/expiring?days=30' | json '",".join(i["last_valid"] for i in d["items"])')"
check "days out of range is refused" "400" "$(status forskrivare GET '/api/prescriptions/expiring?days=400')"
check "not for the municipal orderer" "403" "$(status kommunbestallare GET /api/prescriptions/expiring)"

check "the prescriber's start page" "200" "$(get forskrivare /patienter)"
check "lists them" "yes" "$(main_text | grep -q 'Förskrivningar som snart upphör' && echo yes)"
item=$(cut -d' ' -f2- "$TMP/exp" | json 'd["items"][0]["id"]')
check "with a link to the patient and one to renew" "yes yes" \
	"$(grep -q 'href="/patienter/1"' "$TMP/page.html" && echo yes) $(grep -q "href=\"/patienter/1/forskriv?artikel=$article2&amp;uttag=3&amp;antal=2&amp;period=30&amp;fornyar=$item\"" "$TMP/page.html" && echo yes)"
check "no work list on a search's answer" "no" \
	"$(get forskrivare '/patienter?namn=Anna' >/dev/null; main_text | grep -q 'snart upphör' && echo yes || echo no)"

# ---- The municipal staff's residents in municipal housing ----
before=$(views 'lista: kommunens invånare i kommunalt boende')
req kommunbestallare GET /api/municipal-housing/residents >"$TMP/res"
check "the residents in municipal housing of Borås" \
	"200 $(db "SELECT count(*) FROM patients WHERE municipality = 'Borås' AND municipal_housing = 1 AND protected_identity = 0")" \
	"$(cut -d' ' -f1 "$TMP/res") $(cut -d' ' -f2- "$TMP/res" | json 'len(d["residents"])')"
check "only them" "yes" "$(cut -d' ' -f2- "$TMP/res" | json 'all(r["id"] > 0 for r in d["residents"]) and "yes"')"
orderable=$(cut -d' ' -f2- "$TMP/res" | json '[r["id"] for r in d["residents"] if r["orderable"]][0]')
check "with what each may order today" "True" \
	"$(cut -d' ' -f2- "$TMP/res" | json 'all(i["may_order_now"] for r in d["residents"] for i in r["orderable"]) and not any(i["may_order_now"] for r in d["residents"] for i in r["later"])')"
check "one list view in the access log" "$((before + 1))" "$(views 'lista: kommunens invånare i kommunalt boende')"
check "not for a regional prescriber" "403" "$(status forskrivare GET /api/municipal-housing/residents)"
check "the orderer's start page" "200" "$(get kommunbestallare /patienter)"
check "lists the residents with a link to order for one who may order" "yes yes" \
	"$(main_text | grep -q 'Invånare i kommunalt boende' && echo yes) $(grep -q "href=\"/patienter/$orderable/bestall\"" "$TMP/page.html" && echo yes)"

# ---- One submit orders for several residents ----
mapfile -t ticks < <(cut -d' ' -f2- "$TMP/res" | json '"\n".join(str(r["id"]) for r in d["residents"] if r["orderable"])')
check "the demo has residents who may order today" "yes" "$([ "${#ticks[@]}" -ge 2 ] && echo yes)"
check "each has a checkbox in one form with a key" "yes yes" \
	"$(grep -q "name=\"invanare\" value=\"${ticks[0]}\"" "$TMP/page.html" && echo yes) $(grep -q 'action="/boende/bestall"' "$TMP/page.html" && grep -q 'name="nyckel"' "$TMP/page.html" && echo yes)"
municipal_orders() { db "SELECT count(*) FROM orders WHERE channel = 'municipal' AND patient_id IN (${ticks[0]}, ${ticks[1]}, 1)"; }
before=$(municipal_orders)
check "none ticked: refused, naming the list" "400 Fel: Markera minst en invånare att beställa åt. 0" \
	"$(post kommunbestallare /boende/bestall --data-urlencode nyckel=0123456789abcdef0123456789abcdef) $(field_error invanare) $(($(municipal_orders) - before))"
key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
check "two residents and one outside the municipality ticked" "200" \
	"$(post kommunbestallare /boende/bestall --data-urlencode "nyckel=$key" --data-urlencode "invanare=${ticks[0]}" --data-urlencode "invanare=${ticks[1]}" --data-urlencode invanare=1 --data-urlencode portkod=1234)"
check "an order each, for the two residents only" "2" "$(($(municipal_orders) - before))"
check "each answered with its order and its day" "2" "$(main_text | grep -o 'är mottagen, levereras senast [a-zåäö]*dag' | wc -l)"
check "with the door code, delivered home" "home 1234" \
	"$(db "SELECT delivery_method || ' ' || door_code FROM orders WHERE patient_id = ${ticks[1]} ORDER BY id DESC LIMIT 1")"
check "of what each might order, at the prescribed quantity" "0" \
	"$(db "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN prescription_items i ON i.id = l.prescription_item_id WHERE o.patient_id = ${ticks[0]} AND o.id = (SELECT max(id) FROM orders WHERE patient_id = ${ticks[0]}) AND l.quantity <> i.quantity_per_withdrawal")"
check "sent again (a reload): the same orders, no new ones" "200 2" \
	"$(post kommunbestallare /boende/bestall --data-urlencode "nyckel=$key" --data-urlencode "invanare=${ticks[0]}" --data-urlencode "invanare=${ticks[1]}") $(($(municipal_orders) - before))"
key2=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
check "ticked again with a new form: nothing left to order today" "200 Inget kan beställas i dag. 2" \
	"$(post kommunbestallare /boende/bestall --data-urlencode "nyckel=$key2" --data-urlencode "invanare=${ticks[0]}") $(main_text | grep -o 'Inget kan beställas i dag.' | head -1) $(($(municipal_orders) - before))"
check "not for a regional prescriber" "403" \
	"$(post forskrivare /boende/bestall --data-urlencode "nyckel=$key2" --data-urlencode "invanare=${ticks[0]}")"

# ---- Registering a new patient ----
new=$(dbq "SELECT id_number FROM patients WHERE id_number LIKE '19520312%'" | python3 -c '
import sys
taken = set(sys.stdin.read().split())
for n in range(1000, 9999):
    base = "19520312" + "%03d" % (n // 10)
    s = base[2:]
    t = sum(sum(divmod(int(ch) * (2 - i % 2), 10)) for i, ch in enumerate(s))
    num = base + str((10 - t % 10) % 10)
    if num not in taken:
        print(num); break')
dashed="${new:0:8}-${new:8:4}"
check "a valid personnummer that no patient has" "200 yes" \
	"$(get forskrivare "/patienter?personnummer=$dashed") $(main_text | grep -q 'Ingen patient hittades.' && echo yes)"
check "offers to register the patient" "yes" \
	"$(grep -q "href=\"/patienter/ny?personnummer=$dashed\"" "$TMP/page.html" && echo yes)"
old=$(dbq "SELECT id_number FROM patients WHERE id_number LIKE '19200312%'" | python3 -c '
import sys
taken = set(sys.stdin.read().split())
for n in range(100, 999):
    base = "19200312" + "%03d" % n
    s = base[2:]
    t = sum(sum(divmod(int(ch) * (2 - i % 2), 10)) for i, ch in enumerate(s))
    num = base + str((10 - t % 10) % 10)
    if num not in taken:
        print(num[2:8] + "%2B" + num[8:]); break')
check "a short number of someone over 100 keeps its + in the link" "200 yes" \
	"$(get forskrivare "/patienter?personnummer=$old") $(grep -q "href=\"/patienter/ny?personnummer=$old\"" "$TMP/page.html" && echo yes)"
check "not to the municipal orderer" "no" \
	"$(get kommunbestallare "/patienter?personnummer=$dashed" >/dev/null; grep -q 'Registrera ny patient' "$TMP/page.html" && echo yes || echo no)"
check "the form has the number filled in" "200 yes" \
	"$(get forskrivare "/patienter/ny?personnummer=$dashed") $(grep -q "name=\"personnummer\" type=\"text\" value=\"$dashed\"" "$TMP/page.html" && echo yes)"
check "the orderer may not register" "403" "$(get kommunbestallare /patienter/ny)"
check "missing fields are shown next to each" "400 Fel: Ange patientens förnamn.|Fel: Ange orten.|Fel: Välj kommunen där patienten bor." \
	"$(post forskrivare /patienter/ny --data-urlencode "personnummer=$dashed") $(field_error fornamn)|$(field_error ort)|$(field_error kommun)"
form=(--data-urlencode "personnummer=$dashed" --data-urlencode "fornamn=Nora" --data-urlencode "efternamn=Nyregistrerad"
	--data-urlencode "adress=Testgatan 1" --data-urlencode "ort=Göteborg" --data-urlencode "kommun=Göteborg"
	--data-urlencode "boende=0")
check "a wrong postal code is shown next to its field" "400 yes" \
	"$(post forskrivare /patienter/ny "${form[@]}" --data-urlencode "postnummer=12") $(field_error postnummer | grep -q 'fem siffror' && echo yes)"
check "the patient is registered" "303" \
	"$(post forskrivare /patienter/ny "${form[@]}" --data-urlencode "postnummer=411 01" --data-urlencode "telefon=070-000 00 00")"
new_patient=$(db "SELECT id FROM patients WHERE id_number = '$new'")
check "and the prescriber goes to the patient's page" "/patienter/$new_patient?registrerad=1" "$(cat "$TMP/location")"
check "which the unit may now read" "200 yes" \
	"$(get forskrivare "/patienter/$new_patient?registrerad=1") $(main_text | grep -q 'Patienten är registrerad' && echo yes)"
check "through a care relationship of the unit" "1" \
	"$(db "SELECT count(*) FROM care_relationships WHERE patient_id = $new_patient AND unit_id = 1")"
check "a number taken is shown next to the field" "409 yes" \
	"$(post forskrivare /patienter/ny "${form[@]}" --data-urlencode "postnummer=41101") $(field_error personnummer | grep -q 'finns redan' && echo yes)"

# ---- Renewal requests ----
later=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.article_id = $article3 AND i.cancelled_at IS NULL ORDER BY i.id DESC LIMIT 1")
ditem=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.unit_id = 3 AND i.last_valid = '2026-12-02'")
check "the patient's page offers to renew an item that ends soon" "200 yes" \
	"$(get patient /mina-sidor) $(grep -q "action=\"/mina-sidor/fornyelse/$item\"" "$TMP/page.html" && echo yes)"
check "but not one that ends in 2027 with withdrawals left" "no" \
	"$(grep -q "action=\"/mina-sidor/fornyelse/$later\"" "$TMP/page.html" && echo yes || echo no)"
check "the patient asks for renewal" "303 /mina-sidor?fornyelse=1" \
	"$(post patient "/mina-sidor/fornyelse/$item") $(cat "$TMP/location")"
check "and is told it is sent" "200 yes" \
	"$(get patient '/mina-sidor?fornyelse=1') $(main_text | grep -q 'begäran om förnyelse är skickad' && echo yes)"
check "asking again changes nothing" "200 1" \
	"$(status patient POST "/api/prescription-items/$item/renewal-request" '{}') $(db "SELECT count(*) FROM renewal_requests WHERE item_id = $item")"
req patient POST "/api/prescription-items/$later/renewal-request" '{}' >"$TMP/early"
check "an item that ends in 2027 is too early" "422 renewal_too_early" \
	"$(cut -d' ' -f1 "$TMP/early") $(cut -d' ' -f2- "$TMP/early" | json 'd["code"]')"
check "another patient's item is refused" "403" \
	"$(status patient POST "/api/prescription-items/$ditem/renewal-request" '{}')"
check "the patient's log names the request" "1" \
	"$(db "SELECT count(*) FROM access_log WHERE patient_id = 1 AND what = 'förnyelse begärd'")"
before=$(views 'lista: begärda förnyelser till enheten')
check "the unit's prescriber sees the request" "200 $item" \
	"$(status forskrivare GET /api/renewal-requests) $(body forskrivare GET /api/renewal-requests | json '",".join(str(r["id"]) for r in d["requests"])')"
check "as list views in the access log" "$((before + 2))" "$(views 'lista: begärda förnyelser till enheten')"
check "another unit does not" "" "$(body dietist GET /api/renewal-requests | json '",".join(str(r["id"]) for r in d["requests"])')"
check "the prescriber's start page lists it with a link to renew" "200 yes yes" \
	"$(get forskrivare /patienter) $(main_text | grep -q 'Begärda förnyelser' && echo yes) $(grep -c "fornyar=$item\"" "$TMP/page.html" | grep -q '^2$' && echo yes)"
check "renewing it" "201" "$(rx forskrivare 1 "$article2" 2027-05-01)"
check "closes the request" "" "$(body forskrivare GET /api/renewal-requests | json '",".join(str(r["id"]) for r in d["requests"])')"

done_testing
