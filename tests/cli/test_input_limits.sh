#!/usr/bin/env bash
# Input limits against the real `lmn serve` (issue 17): an Idempotency-Key sent again with another
# order is refused, and free text longer than its field takes is refused naming the field.
. "$(dirname "$0")/tap.sh"

. "$(dirname "$0")/api_lib.sh"

login patient
login kundtjanst
# problem: "STATUS BODY" on stdin -> "STATUS code field"
problem() { python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); b=json.loads(b); print(s, b.get("code"), b.get("field"))'; }
detail() { python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(json.loads(b)["detail"])'; }

# --- Idempotency-Key with another body ---
item=$(body patient GET /api/patients/1/prescriptions | json '[i["id"] for i in d["items"] if i["may_order_now"]][0]')
check "the patient has an item to order" "yes" "$([ -n "$item" ] && echo yes)"
first=$(req patient POST /api/patients/1/orders "{\"lines\":[{\"prescription_item_id\":$item,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" -H 'Idempotency-Key: limits-key-0001')
check "an order with a key is placed" "201" "${first%% *}"
order=$(echo "${first#* }" | json 'd["id"]')
again=$(req patient POST /api/patients/1/orders "{ \"delivery\": {\"method\": \"home\"}, \"lines\": [{\"quantity\": 1, \"prescription_item_id\": $item}] }" -H 'Idempotency-Key: limits-key-0001')
check "the same order again, its keys in another order and spaced, is a retry: the first order (200)" "200 $order" \
	"${again%% *} $(echo "${again#* }" | json 'd["id"]')"
other=$(req patient POST /api/patients/1/orders "{\"lines\":[{\"prescription_item_id\":$item,\"quantity\":2}],\"delivery\":{\"method\":\"home\"}}" -H 'Idempotency-Key: limits-key-0001')
check "the same key with another order is refused (422) naming the header" "422 idempotency_key_reused Idempotency-Key" \
	"$(echo "$other" | problem)"
check "in Swedish" "yes" "$(echo "$other" | detail | grep -q '^Nyckeln i rubriken Idempotency-Key har redan använts' && echo yes)"
check "and no second order was placed" "1" \
	"$(body patient GET /api/patients/1/orders | json "len([o for o in d['orders'] if o['id'] >= $order])")"

# --- Free text ---
case_id=$(body kundtjanst GET /api/contact-cases | json 'd["cases"][0]["id"]')
check "customer service has a contact case" "yes" "$([ -n "$case_id" ] && echo yes)"
python3 -c 'import json; print(json.dumps({"outcome": "reached", "note": "x" * 1000000}))' >"$TMP/big.json"
big=$(curl -sS -b "$TMP/kundtjanst.jar" -H "X-CSRF-Token: $(cat "$TMP/kundtjanst.csrf")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/big.json" -o "$TMP/body" -w '%{http_code}' "$B/api/contact-cases/$case_id/call"; printf ' '; cat "$TMP/body")
check "a 1 MB note on a contact-case call is refused (422) naming the field" "422 too_long note" "$(echo "$big" | problem)"
check "in Swedish, with the bound" "Anteckningen får vara högst 2000 tecken." "$(echo "$big" | detail)"
check "the case is still open" "True" \
	"$(body kundtjanst GET /api/contact-cases | json "any(c['id'] == $case_id for c in d['cases'])")"
note=$(python3 -c 'print("å" * 2000)')
check "2000 characters (4000 bytes) are taken: the bound counts characters" "200" \
	"$(status kundtjanst POST "/api/contact-cases/$case_id/call" "{\"outcome\":\"not_reached\",\"note\":\"$note\"}")"
long_name=$(python3 -c 'print("A" * 101)')
check "a given name of 101 characters is refused on its field" "422 too_long given_name" \
	"$(req kundtjanst POST /api/patients "{\"id_number\":\"19121212-1212\",\"given_name\":\"$long_name\",\"family_name\":\"Y\",\"address\":\"A\",\"postal_code\":\"41101\",\"city\":\"G\",\"municipality\":\"G\"}" | problem)"
check "an order's reason of 501 characters is refused on its field" "422 too_long reason" \
	"$(req kundtjanst POST /api/patients/1/orders "{\"reason\":\"$(python3 -c 'print("r" * 501)')\",\"lines\":[{\"prescription_item_id\":$item,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}" | problem)"
check "a door code of 21 characters is refused on its field" "422 too_long door_code" \
	"$(req kundtjanst POST /api/patients/1/orders "{\"reason\":\"Ringde\",\"lines\":[{\"prescription_item_id\":$item,\"quantity\":1}],\"delivery\":{\"method\":\"home\",\"door_code\":\"123456789012345678901\"}}" | problem)"

done_testing
