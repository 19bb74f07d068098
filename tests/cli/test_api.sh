#!/usr/bin/env bash
# The JSON API over HTTP against the real `lmn serve` on a fresh demo database: whole flows
# (prescribe → order → ship → deliver), a refused partial shipment, an idempotent retry, the
# authorisation matrix, protected identities and the access log.
. "$(dirname "$0")/tap.sh"

. "$(dirname "$0")/api_lib.sh"

for u in patient ombud forskrivare dietist kommunforskrivare kommunbestallare kundtjanst distributor admin; do
	login "$u"
done
check "every demo login works" "9" "$(ls "$TMP"/*.csrf | xargs -n1 cat | grep -c '^[0-9a-f]\{32\}$')"
check "a wrong password is 401" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"patient","password":"fel"}' "$B/api/login")"
check "no session is 401" "401" "$(curl -sS -o /dev/null -w '%{http_code}' "$B/api/me")"
check "a POST without the CSRF token is 403" "403" "$(curl -sS -o /dev/null -w '%{http_code}' -b "$TMP/patient.jar" \
	-X POST -H 'Content-Type: application/json' -d '{}' "$B/api/patients/1/orders")"
check "the trusted proxy header signs a user in" "kundtjanst" \
	"$(curl -sS -H 'X-Remote-User: kundtjanst' "$B/api/me" | json 'd["user"]["username"]')"
proxy_csrf=$(curl -sS -H 'X-Remote-User: kundtjanst' "$B/api/me" | json 'd["csrf_token"]')
check "behind the proxy a change without the CSRF token is 403" "403" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Remote-User: kundtjanst' -H 'Content-Type: application/json' \
	-d '{"topic":"other","queued_at":"2026-11-23T09:00","still_queued":true}' "$B/api/calls")"
check "behind the proxy a change with the CSRF token from /api/me is accepted" "201" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Remote-User: kundtjanst' -H "X-CSRF-Token: $proxy_csrf" \
	-H 'Content-Type: application/json' -d '{"topic":"other","queued_at":"2026-11-23T09:00","still_queued":true}' "$B/api/calls")"

# --- Prescribe → order → ship → deliver ---
pid_new=$(body kundtjanst POST /api/patients '{"id_number":"19121212-1212","given_name":"Test","family_name":"Flödesson","address":"Provgatan 1","postal_code":"411 01","city":"Göteborg","phone":"070-000 00 00","municipality":"Göteborg"}' | json 'd["id"]')
check "customer service registers a patient" "yes" "$([ -n "$pid_new" ] && [ "$pid_new" -gt 0 ] && echo yes)"
check "a bad check digit is refused on the field" "400 id_number" \
	"$(req kundtjanst POST /api/patients '{"id_number":"19121212-1213","given_name":"X","family_name":"Y","address":"A","postal_code":"41101","city":"G","municipality":"G"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "a municipality outside Västra Götaland's 49 is refused on its field" "422 unknown_municipality municipality" \
	"$(req kundtjanst POST /api/patients '{"id_number":"19800101-1231","given_name":"X","family_name":"Y","address":"A","postal_code":"41101","city":"G","municipality":"Stockholm"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["field"])')"
check "the prescriber has no relationship yet" "403" "$(status forskrivare GET "/api/patients/$pid_new")"
check "nor may prescribe yet" "403" \
	"$(status forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":1,"withdrawals_allowed":1,"quantity_per_withdrawal":1,"period_days":30,"last_valid":"2027-01-31"}]}')"
check "the prescriber finds the patient by number (name and year of birth)" "$pid_new 1912 False" \
	"$(body forskrivare GET '/api/patients?id_number=191212121212' | json '" ".join(str(x) for x in (d["patients"][0]["id"], d["patients"][0]["birth_year"], d["patients"][0]["related"]))')"
check "and records a care relationship" "201" \
	"$(status forskrivare POST "/api/patients/$pid_new/care-relationships" '{"reason":"Ny patient på vårdcentralen"}')"
rx=$(req forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":1,"withdrawals_allowed":4,"quantity_per_withdrawal":3,"period_days":90,"last_valid":"2027-11-22"},{"article_id":2,"withdrawals_allowed":2,"quantity_per_withdrawal":2,"period_days":30,"last_valid":"2027-05-01"}]}')
check "the prescriber prescribes" "201" "${rx%% *}"
check "validity beyond 12 months is refused with its rule" "422 validity_too_long prescription@2018-05-01" \
	"$(req forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":1,"withdrawals_allowed":4,"quantity_per_withdrawal":3,"period_days":90,"last_valid":"2027-11-23"}]}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["rule"])')"
check "the prescriber may read the patient" "200" "$(status forskrivare GET "/api/patients/$pid_new")"
body forskrivare GET "/api/patients/$pid_new/prescriptions" >"$TMP/rx.json"
item1=$(json 'd["items"][0]["id"]' <"$TMP/rx.json")
item2=$(json 'd["items"][-1]["id"]' <"$TMP/rx.json")
check "both items may be ordered now" "True True" "$(json '" ".join(str(i["may_order_now"]) for i in d["items"])' <"$TMP/rx.json")"

order_body="{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item1,\"quantity\":3},{\"prescription_item_id\":$item2,\"quantity\":2}],\"delivery\":{\"method\":\"home\",\"door_code\":\"1234\"}}"
first=$(req kundtjanst POST "/api/patients/$pid_new/orders" "$order_body" -H 'Idempotency-Key: test-order-0001')
check "customer service orders on the patient's behalf" "201" "${first%% *}"
order=$(echo "${first#* }" | json 'd["id"]')
check "due on working day 4, contact from the day after working day 5" "2026-11-27 2026-12-01" \
	"$(echo "${first#* }" | json 'd["due"]+" "+d["contact_from"]')"
check "the rule versions that decided" "B3:1@2018-05-01 B3:6@2018-05-01 ordering@2024-10-24" \
	"$(echo "${first#* }" | json '" ".join(d["rules"])')"
again=$(req kundtjanst POST "/api/patients/$pid_new/orders" "$order_body" -H 'Idempotency-Key: test-order-0001')
check "a retry with the same key returns the same order" "200 $order" "${again%% *} $(echo "${again#* }" | json 'd["id"]')"
check "one order exists after the retry" "1" "$(body kundtjanst GET "/api/patients/$pid_new/orders" | json 'len(d["orders"])')"
check "a second order now is too early, naming the rule" "422 withdrawal_too_early prescription@2018-05-01" \
	"$(req kundtjanst POST "/api/patients/$pid_new/orders" "$order_body" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["rule"])')"
check "customer service must give a reason" "400 reason" \
	"$(req kundtjanst POST "/api/patients/$pid_new/orders" "{\"lines\":[{\"prescription_item_id\":$item1,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "a regional prescriber may not enter a withdrawal after 2024-10-24" "422 entry_not_allowed ordering@2024-10-24" \
	"$(req forskrivare POST "/api/patients/$pid_new/orders" "{\"lines\":[{\"prescription_item_id\":$item1,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["rule"])')"
check "the answer to a placement is the order as it was stored" "True" \
	"$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]) == json.loads(sys.argv[2]))' \
		"${first#* }" "$(body kundtjanst GET "/api/orders/$order")")"

# Placements on one item at the same time: the checks before the writing transaction see the same
# item, the transaction checks it again, so exactly as many as it allows are placed.
rx3=$(body forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":3,"withdrawals_allowed":3,"quantity_per_withdrawal":1,"period_days":1,"last_valid":"2027-05-01"}]}' | json 'd["id"]')
item3=$(body forskrivare GET "/api/patients/$pid_new/prescriptions" | json "[i['id'] for i in d['items'] if i['prescription_id']==$rx3][0]")
# One curl sends all eight at once, each on its own connection.
for n in 1 2 3 4 5 6 7 8; do
	[ "$n" -gt 1 ] && echo next
	cat <<EOF
url = "$B/api/patients/$pid_new/orders"
cookie = "$TMP/kundtjanst.jar"
header = "X-CSRF-Token: $(cat "$TMP/kundtjanst.csrf")"
header = "Content-Type: application/json"
header = "Idempotency-Key: concurrent-$n"
data = "{\\"reason\\":\\"Samtidiga\\",\\"lines\\":[{\\"prescription_item_id\\":$item3,\\"quantity\\":1}],\\"delivery\\":{\\"method\\":\\"home\\"}}"
output = "$TMP/concurrent.$n.body"
write-out = "%{http_code} "
EOF
done >"$TMP/concurrent.curl"
curl -sS --parallel --parallel-immediate --parallel-max 8 -K "$TMP/concurrent.curl" >"$TMP/concurrent.codes"
check "eight placements at once on an item that allows three: three placed, five refused" "3 201 5 422" \
	"$(tr ' ' '\n' <"$TMP/concurrent.codes" | grep . | sort | uniq -c | awk '{print $1, $2}' | paste -sd' ')"
check "and the item has none left" "0 0" \
	"$(body forskrivare GET "/api/patients/$pid_new/prescriptions" | json "' '.join(str(i['withdrawals_remaining']) for i in d['items'] if i['id']==$item3)") $(grep -L no_withdrawals_left "$TMP"/concurrent.*.body | xargs grep -L '"status":"received"' | wc -l)"

body distributor GET "/api/fulfilment/orders?until=2026-11-27" >"$TMP/pick.json"
check "the order is on the pick list with its door code" "1234" \
	"$(json "[o for o in d['orders'] if o['id']==$order][0]['address']['door_code']" <"$TMP/pick.json")"
lines=$(body kundtjanst GET "/api/orders/$order" | json '" ".join(str(l["id"]) for l in d["lines"])')
l1=${lines% *}; l2=${lines#* }
check "a partial shipment without a backorder is refused with the rule" "422 partial_not_backordered B3:1@2018-05-01" \
	"$(req distributor POST "/api/orders/$order/shipments" "{\"lines\":[{\"line_id\":$l1,\"quantity\":3},{\"line_id\":$l2,\"quantity\":1}]}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["rule"])')"
ship=$(req distributor POST "/api/orders/$order/shipments" "{\"lines\":[{\"line_id\":$l1,\"quantity\":3},{\"line_id\":$l2,\"quantity\":1,\"backordered\":true}]}")
check "a partial shipment for a backordered line is accepted" "201 partially_shipped" "${ship%% *} $(echo "${ship#* }" | json 'd["order_status"]')"
s1=$(echo "${ship#* }" | json 'd["id"]')
# The clock stands still at the order's own time: to deliver it at another time, the order was
# received earlier (Friday 2026-11-20 09:00).
backdate() { dbq "UPDATE orders SET received_at = '$2' WHERE id = $1" >/dev/null; }
backdate "$order" 2026-11-20T09:00:00+01:00
problem() { python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b["code"], b["field"])'; }
check "a delivery before the order was received is refused on its field" "422 impossible_time delivered_at" \
	"$(req distributor POST "/api/shipments/$s1/delivered" '{"delivered_at":"2026-11-20T08:59"}' | problem)"
check "a delivery in the future is refused on its field" "422 impossible_time delivered_at" \
	"$(req distributor POST "/api/shipments/$s1/delivered" '{"delivered_at":"2026-11-23T10:01"}' | problem)"
check "and a refused time registers nothing" "None" "$(body distributor GET "/api/shipments/$s1" | json 'd["outcome"]')"
check "delivery at 20:15 is recorded as a deviation" "200 True" \
	"$(req distributor POST "/api/shipments/$s1/delivered" '{"delivered_at":"2026-11-20T20:15"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["deviation"])')"
ship2=$(req distributor POST "/api/orders/$order/shipments" "{\"lines\":[{\"line_id\":$l2,\"quantity\":1}]}")
s2=$(echo "${ship2#* }" | json 'd["id"]')
check "the rest ships in full" "201 shipped" "${ship2%% *} $(echo "${ship2#* }" | json 'd["order_status"]')"
check "delivered at 19:00 on a working day (inside 08:00–19:00): delivered in full, no deviation" "delivered False" \
	"$(body distributor POST "/api/shipments/$s2/delivered" '{"delivered_at":"2026-11-20T19:00"}' | json 'd["order_status"]+" "+str(d["deviation"])')"
check "a second outcome for the same shipment is refused" "409" "$(status distributor POST "/api/shipments/$s2/returned" '{"outcome":"returned"}')"
# 3:1's window is for home deliveries: a pickup point at 20:00 on a Saturday is no deviation.
check "a third item is prescribed" "201" \
	"$(status forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":3,"withdrawals_allowed":2,"quantity_per_withdrawal":1,"period_days":30,"last_valid":"2027-05-01"}]}')"
item_p=$(body forskrivare GET "/api/patients/$pid_new/prescriptions" | json 'max(i["id"] for i in d["items"] if i["article"]["id"] == 3 and i["withdrawals_remaining"] > 0)')
pp=$(body patient GET '/api/pickup-points?postal_code=503%2010' | json 'd["pickup_points"][0]["id"]')
po=$(req kundtjanst POST "/api/patients/$pid_new/orders" "{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item_p,\"quantity\":1}],\"delivery\":{\"method\":\"pickup_point\",\"pickup_point_id\":$pp,\"notification\":\"sms\"}}")
check "an order to a pickup point" "201" "${po%% *}"
po=$(echo "${po#* }" | json 'd["id"]')
backdate "$po" 2026-11-20T09:00:00+01:00
pl=$(body kundtjanst GET "/api/orders/$po" | json 'd["lines"][0]["id"]')
ps=$(body distributor POST "/api/orders/$po/shipments" "{\"lines\":[{\"line_id\":$pl,\"quantity\":1}]}" | json 'd["id"]')
check "delivered to the pickup point at 20:00 on a Saturday: no deviation" "200 False" \
	"$(req distributor POST "/api/shipments/$ps/delivered" '{"delivered_at":"2026-11-21T20:00"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["deviation"])')"

# Renewal (DOMAIN.md §3): an item for an article the patient has an active item for replaces it,
# and the period of the withdrawal already made on the old item carries over.
next1=$(body forskrivare GET "/api/patients/$pid_new/prescriptions" | json "[i['next_earliest'] for i in d['items'] if i['id']==$item1][0]")
rx4=$(body forskrivare POST "/api/patients/$pid_new/prescriptions" '{"items":[{"article_id":1,"withdrawals_allowed":4,"quantity_per_withdrawal":3,"period_days":90,"last_valid":"2027-11-22"}]}' | json 'd["id"]')
body forskrivare GET "/api/patients/$pid_new/prescriptions" >"$TMP/rx4.json"
item4=$(json "[i['id'] for i in d['items'] if i['prescription_id']==$rx4][0]" <"$TMP/rx4.json")
check "the renewal replaces the old item: cancelled, naming the new one" "cancelled $item4" \
	"$(json "' '.join(str(x) for i in d['items'] if i['id']==$item1 for x in (i['status'], i.get('replaced_by')))" <"$TMP/rx4.json")"
check "one active item for the article" "1" "$(json "sum(1 for i in d['items'] if i['article']['id']==1 and i['status']=='active')" <"$TMP/rx4.json")"
check "a renewal may be asked for an item with no withdrawal left, not a cancelled or long-valid one" "True False False" \
	"$(json "' '.join(str(i.get('renewal_requestable')) for x in ($item3, $item1, $item4) for i in d['items'] if i['id']==x)" <"$TMP/rx4.json")"
check "the new item may not be ordered before the old one's next date" "False $next1" \
	"$(json "' '.join(str(x) for i in d['items'] if i['id']==$item4 for x in (i['may_order_now'], i['next_earliest']))" <"$TMP/rx4.json")"
check "so ordering the article again this period is refused" "422 withdrawal_too_early" \
	"$(req kundtjanst POST "/api/patients/$pid_new/orders" "{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item4,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["code"])')"
check "and on the old item too" "422 prescription_cancelled" \
	"$(req kundtjanst POST "/api/patients/$pid_new/orders" "{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item1,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["code"])')"

# --- Reference data and the call log ---
check "the ten pickup points nearest a postal code" "10 yes" \
	"$(body patient GET '/api/pickup-points?postal_code=503%2010' | json 'str(len(d["pickup_points"]))+" "+("yes" if all(abs(int(p["postal_code"])-50310) >= abs(int(d["pickup_points"][0]["postal_code"])-50310) for p in d["pickup_points"]) else "no")')"
check "a bad postal code is refused on its field" "400" "$(status patient GET '/api/pickup-points?postal_code=5031')"
check "articles carry the price in force today (after the 2026-01-30 change)" "2026-11-23 True" \
	"$(body patient GET '/api/articles?area=nutrition&limit=5' | json 'd["prices_on"]+" "+str(all(a["price_ore"]>0 and a["area"]=="nutrition" for a in d["articles"]))')"
check "customer service logs an answered call" "201" \
	"$(status kundtjanst POST /api/calls '{"topic":"delivery","queued_at":"2026-11-23T09:58","answered_at":"2026-11-23T09:59:30"}')"
check "a call without an outcome is refused on its field" "422 call_outcome_missing answered_at" \
	"$(req kundtjanst POST /api/calls '{"topic":"order","queued_at":"2026-11-23T09:58"}' | problem)"
check "a call explicitly still queued is logged" "201" \
	"$(status kundtjanst POST /api/calls '{"topic":"order","queued_at":"2026-11-23T09:58","still_queued":true}')"
check "a call queued in the future is refused on its field" "422 impossible_time queued_at" \
	"$(req kundtjanst POST /api/calls '{"topic":"order","queued_at":"2027-01-04T09:58","still_queued":true}' | problem)"
check "a call answered in the future is refused on its field" "422 impossible_time answered_at" \
	"$(req kundtjanst POST /api/calls '{"topic":"order","queued_at":"2026-11-23T09:58","answered_at":"2026-11-23T10:00:30"}' | problem)"
check "a call cannot be both answered and abandoned" "400 abandoned_at" \
	"$(req kundtjanst POST /api/calls '{"topic":"order","queued_at":"2026-11-23T09:58","answered_at":"2026-11-23T10:00","abandoned_at":"2026-11-23T10:01"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "the day's call log lists it" "yes" \
	"$(body kundtjanst GET '/api/calls?date=2026-11-23' | json '"yes" if any(c["queued_at"].startswith("2026-11-23T09:58") and "answered_at" in c for c in d["calls"]) else "no"')"

# --- The authorisation matrix: every role trying what it must not ---
while read -r user method path want; do
	check "$user $method $path → $want" "$want" "$(status "$user" "$method" "$path" '{}')"
done <<MATRIX
patient GET /api/patients/2 403
patient GET /api/patients/$pid_new 403
patient GET /api/fulfilment/orders 403
patient GET /api/contact-cases 403
patient POST /api/patients 403
ombud GET /api/patients/2 200
ombud GET /api/patients/1 403
dietist GET /api/patients/$pid_new 403
kommunbestallare GET /api/patients/$pid_new 403
kommunbestallare POST /api/patients/$pid_new/prescriptions 403
distributor GET /api/patients/1 403
distributor GET /api/patients/1/orders 403
distributor POST /api/patients/1/orders 403
admin GET /api/patients/1 403
admin GET /api/patients/1/orders 403
admin POST /api/orders/$order/shipments 403
kundtjanst POST /api/orders/$order/shipments 403
forskrivare POST /api/shipments/$s1/delivered 403
patient GET /api/patients/1/access-log 200
kundtjanst GET /api/patients/1/access-log 403
patient GET /api/calls 403
distributor POST /api/calls 403
MATRIX

# --- Protected identity: hidden from customer service, shown to the distributor ---
prot=$(dbq 'SELECT min(id) FROM patients WHERE protected_identity = 1')
check "customer service does not see a protected address" "False" \
	"$(body kundtjanst GET "/api/patients/$prot" | json '"address" in d')"
check "protected identities are not listed by name" "0" \
	"$(body kundtjanst GET "/api/patients?q=$(body kundtjanst GET "/api/patients/$prot" | json 'd["family_name"]')" | json "len([p for p in d['patients'] if p['id']==$prot])")"

# --- The access log holds each access, and the patient can read who accessed their data ---
n=$(dbq "SELECT count(*) FROM access_log WHERE patient_id = $pid_new")
check "every access to the new patient is in the access log" "yes" "$([ "$n" -ge 12 ] && echo yes)"
check "the log names the prescriber's read" "yes" \
	"$(dbq "SELECT CASE WHEN EXISTS (SELECT 1 FROM access_log a JOIN users u ON u.id = a.user_id
	        WHERE a.patient_id = $pid_new AND u.username = 'forskrivare' AND a.action = 'read')
	        THEN 'yes' ELSE 'no' END")"
check "the access log cannot be changed" "yes" \
	"$(dbq_refused 'DELETE FROM access_log' append-only)"
body patient GET /api/patients/1 >/dev/null
check "the patient sees their own reads in their access log" "patientuppgifter" \
	"$(body patient GET /api/patients/1/access-log | json 'd["entries"][0]["what"]')"

# --- The access log by patient is filed behind the log (migration 12): a patient's entries are in
# the index by patient, in chunks not yet moved there, or at the log's end not yet filed. Filed
# every 5 entries here (16 384 by default), so a few reads put entries of patient 1 in all three ---
places() { # where patient 1's entries are: "index chunk end" counts
	dbq "SELECT (SELECT count(*) FROM access_log_by_patient WHERE patient_id = 1),
	            (SELECT count(*) FROM access_log_recent WHERE patient_id = 1),
	            (SELECT count(*) FROM access_log
	              WHERE id > (SELECT upto FROM access_log_indexed) AND patient_id = 1)" | tr '|' ' '
}
dbq 'UPDATE access_log_indexed SET every = 5' >/dev/null
for i in $(seq 1 200); do
	read -r in_index in_chunk at_end <<<"$(places)"
	[ "$in_index" -gt 0 ] && [ "$in_chunk" -gt 0 ] && [ "$at_end" -gt 0 ] && break
	# patient 1 read by the patient, then two other patients by customer service
	body patient GET /api/patients/1 >/dev/null
	body kundtjanst GET "/api/patients/$((2 + i % 7))" >/dev/null
	body kundtjanst GET "/api/patients/$((9 + i % 11))" >/dev/null
done
check "patient 1's entries are in the index, in a chunk and at the log's end" "yes" \
	"$([ "$in_index" -gt 0 ] && [ "$in_chunk" -gt 0 ] && [ "$at_end" -gt 0 ] && echo yes || echo "no: $in_index $in_chunk $at_end")"
check "every entry of the log is in exactly one of the three places" "0 0" \
	"$(placed='SELECT id FROM access_log_by_patient UNION ALL SELECT id FROM access_log_recent
	        UNION ALL SELECT id FROM access_log WHERE id > (SELECT upto FROM access_log_indexed)'
	dbq "SELECT (SELECT count(*) FROM access_log WHERE id NOT IN ($placed)),
	            (SELECT count(*) FROM (SELECT id FROM ($placed) AS p GROUP BY id HAVING count(*) > 1) AS d)" |
		tr '|' ' ')"
check "the patient's access log lists every entry of theirs, newest first" \
	"$(dbq "SELECT at || what, id, 0, 0 FROM access_log WHERE patient_id = 1
	        UNION ALL SELECT at || what, after, 1, id FROM access_log_views WHERE patients LIKE '%,1,%'
	        ORDER BY 2 DESC, 3 DESC, 4 DESC" | cut -d'|' -f1 | python3 -c 'import sys; print(sys.stdin.read().splitlines())')" \
	"$(body patient GET '/api/patients/1/access-log?limit=1000' | json '[e["at"] + e["what"] for e in d["entries"]]')"
check "an entry before the filed part of the log is refused" "yes" \
	"$(top=$(dbq 'SELECT max(id) FROM access_log')
	ins="INSERT INTO access_log (id, at, role, patient_id, action, what) VALUES"
	dbq "$ins ($((top + 10)), 'x', 'admin', 1, 'read', 'x')" # files the log up to it (10 >= every)
	dbq_refused "$ins ($((top + 5)), 'x', 'admin', 1, 'read', 'x')" 'must come after'
	# PostgreSQL's identity does not move past an id given (SQLite's AUTOINCREMENT does)
	[ -z "${LMN_TEST_PG:-}" ] ||
		dbq "SELECT setval(pg_get_serial_sequence('access_log', 'id'), $((top + 10)))" >/dev/null)"

# --- With a thread per connection (--threads 0) the request thread waits for the write job
# instead of the connection being held: the same answers ---
serve per-connection --threads 0
pid0=$serve_pid port0=$serve_port
trap 'kill $pid $pid0 2>/dev/null; rm -rf "$TMP"' EXIT
check "with a thread per connection, a patient's orders are the same answer" \
	"$(body kundtjanst GET "/api/patients/$pid_new/orders")" \
	"$(B="http://127.0.0.1:$port0" body kundtjanst GET "/api/patients/$pid_new/orders")"
again0=$(B="http://127.0.0.1:$port0" req kundtjanst POST "/api/patients/$pid_new/orders" "$order_body" -H 'Idempotency-Key: test-order-0001')
check "and a retry there of a placement made in the pool returns the same order" "200 $order" \
	"${again0%% *} $(echo "${again0#* }" | json 'd["id"]')"
check "a placement there that the rules refuse names the rule" "422 withdrawal_too_early" \
	"$(B="http://127.0.0.1:$port0" req kundtjanst POST "/api/patients/$pid_new/orders" "{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item4,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["code"])')"
kill $pid0
wait $pid0 2>/dev/null

# --- Stopping while connections are held: every held request is answered or its connection
# closed, and the server stops cleanly (libmicrohttpd must not stop with one held) ---
serve stopping
pid1=$serve_pid port1=$serve_port
trap 'kill $pid $pid1 2>/dev/null; rm -rf "$TMP"' EXIT
for n in $(seq 1 5000); do
	[ "$n" -gt 1 ] && echo next
	printf 'url = "http://127.0.0.1:%s/api/patients/%s/orders"\ncookie = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} "\n' \
		"$port1" "$pid_new" "$TMP/kundtjanst.jar"
done >"$TMP/stop.curl"
curl -sS --parallel --parallel-max 50 -K "$TMP/stop.curl" >"$TMP/stop.codes" 2>/dev/null &
curls=$!
# Stopped while the requests go on (some answered, the rest refused), once some are answered.
for _ in $(seq 1 100); do
	[ "$(tr ' ' '\n' <"$TMP/stop.codes" | grep -c 200)" -ge 100 ] && break
	sleep 0.05
done
kill -TERM $pid1
wait $pid1
check "a server stopped while it holds connections exits cleanly" "0" "$?"
wait $curls
check "and the requests it answered were answered in full" "" \
	"$(tr ' ' '\n' <"$TMP/stop.codes" | grep -v -e '^$' -e '^200$' -e '^000$' | sort -u | paste -sd' ')"

done_testing
