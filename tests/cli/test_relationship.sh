#!/usr/bin/env bash
# The care relationship with no way around it (issue 17), against the real `lmn serve` on a fresh
# demo database: the search by personal identity number outside the relationship, its log and its
# limit; recording a care relationship and its end; prescribing only within it; API tokens only by
# their owner or, for integration accounts, the administration; the municipal orderer's and the
# distributor's reach; and a patient that does not exist answered as one outside the relationship.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

for u in patient ombud forskrivare dietist kommunforskrivare kommunbestallare kundtjanst distributor admin; do
	login "$u"
done
db() { dbq "$1" | head -n 1 | cut -d"|" -f1; }
# st_code: "STATUS CODE" of a "STATUS BODY" line on standard input
st_code() { python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b).get("code"))'; }

# Patient 2 (delegate: ombud) has no prescription of forskrivare's unit 1; patient 1 has.
n2=$(db 'SELECT id_number FROM patients WHERE id = 2')
n1=$(db 'SELECT id_number FROM patients WHERE id = 1')
check "the demo's patient 2 is outside unit 1's relationships" "0" \
	"$(db "SELECT count(*) FROM prescriptions WHERE patient_id = 2 AND unit_id = 1")"

# ---- Search by number outside the relationship ----
req forskrivare GET "/api/patients?id_number=$n2" >"$TMP/s2"
check "a search by number outside the relationship finds the person" "200" "$(cut -d' ' -f1 "$TMP/s2")"
check "it shows name and year of birth, and the id" "2 ${n2:0:4} False" \
	"$(cut -d' ' -f2- "$TMP/s2" | json '" ".join(str(x) for x in (d["patients"][0]["id"], d["patients"][0]["birth_year"], d["patients"][0]["related"]))')"
check "and nothing else: no address, phone, municipality or number" "birth_year family_name given_name id related" \
	"$(cut -d' ' -f2- "$TMP/s2" | json '" ".join(sorted(d["patients"][0]))')"
check "within the relationship the search shows the patient in full" "True True" \
	"$(body forskrivare GET "/api/patients?id_number=$n1" | json 'str(d["patients"][0]["related"])+" "+str("address" in d["patients"][0])')"
hits=$(db "SELECT count(*) FROM access_log WHERE patient_id = 2 AND what = 'sökning på personnummer'")
check "the hit is in the patient's access log" "1" "$hits"
miss=191212121212
check "a miss finds nothing" "200 0" "$(req forskrivare GET "/api/patients?id_number=$miss" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, len(json.loads(b)["patients"]))')"
check "the miss is in the search log, with who searched what" "1" \
	"$(db "SELECT count(*) FROM id_number_searches s JOIN users u ON u.id = s.user_id WHERE u.username = 'forskrivare' AND s.id_number = '$miss' AND s.patient_id IS NULL AND s.via = 'search'")"
check "every search is in the search log" "3" \
	"$(db "SELECT count(*) FROM id_number_searches s JOIN users u ON u.id = s.user_id WHERE u.username = 'forskrivare'")"
check "nothing of it in the server's output" "" "$(grep -l "$miss\|$n2" "$TMP"/main.out "$TMP"/main.err)"

# ---- Existence leaks: a patient that does not exist is answered as one outside ----
check "a patient outside the relationship" "403 no_relationship" "$(req forskrivare GET /api/patients/2 | st_code)"
check "a patient that does not exist is answered the same" "403 no_relationship" "$(req forskrivare GET /api/patients/999999 | st_code)"
check "the same for the patient role" "403 no_relationship" "$(req patient GET /api/patients/999999/orders | st_code)"
check "customer service, who reach every patient, get 404" "404" "$(status kundtjanst GET /api/patients/999999)"
check "an order that does not exist is answered as one outside" "403 no_relationship" "$(req forskrivare GET /api/orders/99999999 | st_code)"
# A number already registered answers no more than a search by it, and is logged as one.
reg="{\"id_number\":\"$n2\",\"given_name\":\"X\",\"family_name\":\"Y\",\"address\":\"A 1\",\"postal_code\":\"41101\",\"city\":\"G\",\"municipality\":\"G\"}"
req forskrivare POST /api/patients "$reg" >"$TMP/dup"
check "registering a taken number is 409 with the search's view" "409 patient_exists 2 False False" \
	"$(python3 -c 'import sys,json; s,b=open(sys.argv[1]).read().split(" ",1); b=json.loads(b); p=b["patient"]; print(s, b["code"], p["id"], p["related"], "address" in p)' "$TMP/dup")"
check "and it is logged as a search" "1 1" \
	"$(db "SELECT count(*) FROM access_log WHERE patient_id = 2 AND what = 'sökning på personnummer (vid registrering)'") $(db "SELECT count(*) FROM id_number_searches WHERE patient_id = 2 AND via = 'register'")"

# ---- Prescribing needs the relationship first ----
rx='{"items":[{"article_id":1,"withdrawals_allowed":1,"quantity_per_withdrawal":1,"period_days":30,"last_valid":"2027-01-31"}]}'
before=$(db 'SELECT count(*) FROM prescriptions WHERE patient_id = 2')
check "prescribing outside the relationship is refused" "403 no_relationship" "$(req forskrivare POST /api/patients/2/prescriptions "$rx" | st_code)"
check "a municipal prescriber outside the municipality is refused too" "403 no_relationship" "$(req kommunforskrivare POST /api/patients/2/prescriptions "$rx" | st_code)"
check "no prescription was made" "$before" "$(db 'SELECT count(*) FROM prescriptions WHERE patient_id = 2')"
check "the record is still closed" "403" "$(status forskrivare GET /api/patients/2)"

# ---- Recording a care relationship ----
check "not for a patient the prescriber has not found by number" "403 search_first" \
	"$(req forskrivare POST /api/patients/3/care-relationships '{"reason":"Ny patient på vårdcentralen"}' | st_code)"
check "nor for one that does not exist (answered the same)" "403 search_first" \
	"$(req forskrivare POST /api/patients/999999/care-relationships '{"reason":"Ny patient"}' | st_code)"
check "the reason is required" "400 reason" \
	"$(req forskrivare POST /api/patients/2/care-relationships '{"reason":"  "}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
long=$(python3 -c 'print("å" * 301)')
check "and at most 300 characters" "400 reason" \
	"$(req forskrivare POST /api/patients/2/care-relationships "{\"reason\":\"$long\"}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "customer service records none (no prescriber)" "403" "$(status kundtjanst POST /api/patients/2/care-relationships '{"reason":"x"}')"
rel=$(req forskrivare POST /api/patients/2/care-relationships '{"reason":"Inskriven i hemsjukvården från i dag"}')
check "the prescriber records a care relationship, for 30 days" "201 2026-12-22" "${rel%% *} $(echo "${rel#* }" | json 'd["ends_on"]')"
check "it opens the record" "200" "$(status forskrivare GET /api/patients/2)"
check "and prescribing" "201" "$(status forskrivare POST /api/patients/2/prescriptions "$rx")"
check "the patient (and their delegate) see it with its reason in the access log" "create yes" \
	"$(body ombud GET /api/patients/2/access-log | json '[e["action"]+" "+("yes" if "Inskriven i hemsjukvården från i dag" in e["what"] else "no") for e in d["entries"] if "vårdrelation" in e["what"]][0]')"
check "another unit's prescriber is still outside" "403" "$(status kommunforskrivare GET /api/patients/2)"
# The demo's patient 3: a relationship of forskrivare's unit on 2026-11-23 only, to see it end.
body forskrivare GET "/api/patients?id_number=$(db 'SELECT id_number FROM patients WHERE id = 3')" >/dev/null
check "a second relationship" "201" "$(status forskrivare POST /api/patients/3/care-relationships '{"reason":"Bedömning inför förskrivning"}')"

# A prescriber who registers a patient is about to care for them: the unit's relationship is recorded.
newp=$(body dietist POST /api/patients '{"id_number":"19800101-1231","given_name":"Ny","family_name":"Registrerad","address":"Provgatan 2","postal_code":"41101","city":"Göteborg","municipality":"Göteborg"}' | json 'd["id"]')
check "a prescriber who registers a patient may read and prescribe for them" "200 201 1" \
	"$(status dietist GET "/api/patients/$newp") $(status dietist POST "/api/patients/$newp/prescriptions" "$rx") $(db "SELECT count(*) FROM care_relationships WHERE patient_id = $newp AND unit_id = 3")"

# The relationship ends after the period: the same database served on later days.
later() { # later NOW USER PATH: status of GET PATH as USER on a server whose clock says NOW
	LMN_NOW=$1 serve later
	curl -sS -b "$TMP/$2.jar" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$serve_port$3"
	kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
}
check "on its last day it still opens the record" "200" "$(later 2026-12-22T16:00 forskrivare /api/patients/3)"
check "the day after it has ended" "403" "$(later 2026-12-23T08:00 forskrivare /api/patients/3)"

# ---- The web pages ----
wlogin() {
	form_login "$TMP/web-$1.jar" "$1" >/dev/null
	curl -sS -b "$TMP/web-$1.jar" "$B/" -L | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//' >"$TMP/web-$1.csrf"
}
wlogin dietist
# A patient of neither unit 1 nor the dietist's unit 3.
w=$(db "SELECT p.id FROM patients p WHERE p.protected_identity = 0 AND p.id <> 3 AND NOT EXISTS (SELECT 1 FROM prescriptions r WHERE r.patient_id = p.id AND r.unit_id = 3) ORDER BY p.id LIMIT 1")
nw=$(db "SELECT id_number FROM patients WHERE id = $w")
addr2=$(db "SELECT address FROM patients WHERE id = $w")
code=$(curl -sS -b "$TMP/web-dietist.jar" -o "$TMP/page.html" -w '%{http_code}' "$B/patienter?personnummer=$nw")
check "the search page outside the relationship: name, year of birth, a form to record one, no address" "200 yes yes no" \
	"$code $(grep -q "född ${nw:0:4}" "$TMP/page.html" && echo yes) $(grep -q "action=\"/patienter/$w/vardrelation\"" "$TMP/page.html" && echo yes) $(grep -qF "$addr2" "$TMP/page.html" && echo yes || echo no)"
code=$(curl -sS -b "$TMP/web-dietist.jar" -D "$TMP/headers" -o "$TMP/page.html" -w '%{http_code}' \
	--data-urlencode "_csrf=$(cat "$TMP/web-dietist.csrf")" --data-urlencode 'skal=Remiss från vårdcentralen' "$B/patienter/$w/vardrelation")
check "recording it from the page leads to the patient's page" "303 /patienter/$w?vardrelation=1" \
	"$code $(sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$TMP/headers")"
check "which now opens, with the address" "200 yes" \
	"$(curl -sS -b "$TMP/web-dietist.jar" -o "$TMP/page.html" -w '%{http_code}' "$B/patienter/$w?vardrelation=1") $(grep -qF "$addr2" "$TMP/page.html" && echo yes)"

fam=$(db "SELECT family_name FROM patients WHERE id = $w")
check "and a name search of the unit finds the patient" "True" \
	"$(body dietist GET "/api/patients?q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$fam")&limit=200" | json "any(p['id'] == $w for p in d['patients'])")"

# ---- The search limit ----
done_so_far=$(db "SELECT count(*) FROM id_number_searches s JOIN users u ON u.id = s.user_id WHERE u.username = 'forskrivare'")
for i in $(seq 1 $((29 - done_so_far))); do curl -sS -o /dev/null -b "$TMP/forskrivare.jar" "$B/api/patients?id_number=$miss"; done
check "the 30th search in the hour is answered" "200" "$(status forskrivare GET "/api/patients?id_number=$miss")"
curl -sS -D "$TMP/h429" -b "$TMP/forskrivare.jar" -o "$TMP/b429" "$B/api/patients?id_number=$miss"
check "the 31st is 429 with Retry-After and a Swedish message naming the rule" "429 too_many_searches id_number access@2018-05-01 yes yes" \
	"$(sed -n 's/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$TMP/h429") $(json 'd["code"]+" "+d["field"]+" "+d["rule"]+" "+("yes" if "personnummer" in d["detail"] else "no")' <"$TMP/b429") $(grep -qi '^Retry-After: [1-9][0-9]*' "$TMP/h429" && echo yes)"
check "a refused search writes nothing" "30" \
	"$(db "SELECT count(*) FROM id_number_searches s JOIN users u ON u.id = s.user_id WHERE u.username = 'forskrivare'")"
check "registering a taken number counts too" "429" "$(status forskrivare POST /api/patients "$reg")"
wlogin forskrivare
check "the search page says so, with the status" "429 yes" \
	"$(curl -sS -b "$TMP/web-forskrivare.jar" -o "$TMP/page.html" -w '%{http_code}' "$B/patienter?personnummer=$miss") $(grep -q 'Försök igen om' "$TMP/page.html" && echo yes)"
check "another user is not limited" "200" "$(status kommunforskrivare GET "/api/patients?id_number=$miss")"
check "an hour later the user may search again" "200" "$(later 2026-11-23T11:01 forskrivare "/api/patients?id_number=$miss")"

# ---- API tokens: the owner, or the administration for integration accounts ----
kt=$(db "SELECT id FROM users WHERE username = 'kundtjanst'")
fs=$(db "SELECT id FROM users WHERE username = 'forskrivare'")
admin_id=$(db "SELECT id FROM users WHERE username = 'admin'")
check "the administration may not mint a token for a person's account" "403 person_account" \
	"$(req admin POST "/api/users/$kt/tokens" '{"name":"admin-minted"}' | st_code)"
check "nor for a prescriber" "403 person_account" "$(req admin POST "/api/users/$fs/tokens" '{"name":"x"}' | st_code)"
check "no token was made" "0" "$(db "SELECT count(*) FROM api_tokens")"
check "a person makes their own" "201" "$(status forskrivare POST "/api/users/$fs/tokens" '{"name":"mitt skript"}')"
check "but not another's" "403 not_own_account" "$(req forskrivare POST "/api/users/$kt/tokens" '{"name":"x"}' | st_code)"
check "an integration account has no password" "400 password" \
	"$(req admin POST /api/users '{"username":"integ.lager","display_name":"Lagersystemet","role":"customer_service","kind":"integration","password":"hemligt-losen"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "nor an administration role" "400 role" \
	"$(req admin POST /api/users '{"username":"integ.adm","display_name":"X","role":"admin","kind":"integration"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
integ=$(req admin POST /api/users '{"username":"integ.kund","display_name":"Kundtjänstens telefonisystem","role":"customer_service","kind":"integration"}')
check "the administration creates an integration account" "201 integration" "${integ%% *} $(echo "${integ#* }" | json 'd["kind"]')"
iid=$(echo "${integ#* }" | json 'd["id"]')
tok=$(req admin POST "/api/users/$iid/tokens" '{"name":"telefonin"}')
check "and a token for it, recording who created it" "201 $admin_id $admin_id" \
	"${tok%% *} $(echo "${tok#* }" | json 'd["created_by"]') $(db "SELECT created_by FROM api_tokens WHERE user_id = $iid")"
secret=$(echo "${tok#* }" | json 'd["token"]')
tid=$(echo "${tok#* }" | json 'd["id"]')
check "the token reads what its role may" "200" "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $secret" "$B/api/patients/1")"
check "the access log names the token" "Kundtjänstens telefonisystem $tid telefonin" \
	"$(body patient GET /api/patients/1/access-log | json 'd["entries"][0]["who"]+" "+str(d["entries"][0]["token_id"])+" "+d["entries"][0]["token"]')"
check "so does the patient's page" "yes" \
	"$(curl -sS -b "$TMP/patient.jar" "$B/vem-har-last" | grep -q 'via API-nyckeln telefonin' && echo yes)"
check "the token list shows who created it" "admin" "$(body admin GET "/api/users/$iid/tokens" | json 'd["tokens"][0]["created_by_username"]')"
check "nor with a password" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"integ.kund","password":"ett-langt-losenord"}' "$B/api/login")"
check "no one signs in as an integration account through the proxy" "401" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Remote-User: integ.kund' "$B/api/me")"
check "the administration may revoke a person's token" "200" \
	"$(status admin POST "/api/api-tokens/$(db "SELECT id FROM api_tokens WHERE user_id = $fs")/revoke")"

# ---- The municipal orderer: residents of municipal housing in their municipality ----
ordinary=$(db "SELECT id FROM patients WHERE municipality = 'Borås' AND municipal_housing = 0 ORDER BY id LIMIT 1")
housing=$(db "SELECT id FROM patients WHERE municipality = 'Borås' AND municipal_housing = 1 ORDER BY id LIMIT 1")
check "the orderer reads a resident in municipal housing" "200" "$(status kommunbestallare GET "/api/patients/$housing")"
check "not one in ordinary housing" "403 403 403" \
	"$(status kommunbestallare GET "/api/patients/$ordinary") $(status kommunbestallare GET "/api/patients/$ordinary/orders") $(status kommunbestallare GET "/api/patients/$ordinary/prescriptions")"
q=$(db "SELECT substr(family_name, 1, 3) FROM patients WHERE id = $ordinary")
check "a name search lists only municipal housing" "False True" \
	"$(ids=$(body kommunbestallare GET "/api/patients?q=$q&limit=200" | json '",".join(str(p["id"]) for p in d["patients"])')
	case ",$ids," in *",$ordinary,"*) printf 'True ' ;; *) printf 'False ' ;; esac
	[ "$(db "SELECT count(*) FROM patients WHERE id IN (${ids:-0}) AND municipal_housing <> 1")" = 0 ] &&
		echo True || echo False)"
hq=$(db "SELECT substr(family_name, 1, 3) FROM patients WHERE id = $housing")
check "and finds the residents of municipal housing the search names" "True" \
	"$(ids=$(body kommunbestallare GET "/api/patients?q=$hq&limit=200" | json '",".join(str(p["id"]) for p in d["patients"])')
	case ",$ids," in *",$housing,"*) echo True ;; *) echo False ;; esac)"
check "a search by number shows one outside only by name and year" "False" \
	"$(body kommunbestallare GET "/api/patients?id_number=$(db "SELECT id_number FROM patients WHERE id = $ordinary")" | json 'd["patients"][0]["related"]')"
check "the municipal prescriber still reads the municipality's residents" "200" "$(status kommunforskrivare GET "/api/patients/$ordinary")"

# ---- The distributor: what it has to deliver, and what it delivered in the last 30 days ----
old=$(db "SELECT o.id FROM orders o JOIN shipments s ON s.order_id = o.id WHERE o.status = 'delivered' AND s.outcome_at < '2026-10-01' ORDER BY o.id LIMIT 1")
recent=$(db "SELECT o.id FROM orders o WHERE o.status = 'delivered' AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND substr(coalesce(s.outcome_at, s.delivered_at, s.shipped_at), 1, 10) < '2026-11-13') AND EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id) ORDER BY o.id DESC LIMIT 1")
open=$(db "SELECT id FROM orders WHERE status = 'received' ORDER BY id LIMIT 1")
check "the demo has such orders" "yes yes yes" "$([ -n "$old" ] && echo yes) $([ -n "$recent" ] && echo yes) $([ -n "$open" ] && echo yes)"
check "the distributor reads an order to deliver" "200" "$(status distributor GET "/api/orders/$open")"
check "and one delivered in the last 30 days" "200" "$(status distributor GET "/api/orders/$recent")"
check "not the history" "403 not_to_deliver" "$(req distributor GET "/api/orders/$old" | st_code)"
check "nor an order that does not exist (answered the same)" "403 not_to_deliver" "$(req distributor GET /api/orders/99999999 | st_code)"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Remote-User: distributor' "$B/bestallningar/$old")
check "nor its page" "403" "$code"
old_s=$(db "SELECT id FROM shipments WHERE order_id = $old ORDER BY id LIMIT 1")
recent_s=$(db "SELECT id FROM shipments WHERE order_id = $recent ORDER BY id LIMIT 1")
check "nor its shipment (answered as one that does not exist), nor in the list" "404 0" \
	"$(status distributor GET "/api/shipments/$old_s") $(body distributor GET "/api/shipments?order_id=$old" | json 'len(d["shipments"])')"
check "a recent shipment it reads" "200 1" \
	"$(status distributor GET "/api/shipments/$recent_s") $(body distributor GET "/api/shipments?order_id=$recent" | json 'len(d["shipments"])')"
check "the whole list holds no history" "True" \
	"$(body distributor GET '/api/shipments?limit=1000' | json 'all(s["outcome"] is None or (s.get("outcome_at") or s.get("delivered_at") or s["shipped_at"])[:10] >= "2026-10-24" for s in d["shipments"])')"

done_testing
