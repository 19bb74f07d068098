#!/usr/bin/env bash
# The administration's API over HTTP against the real `lmn serve`: the OpenAPI document, assortment
# import (progress, every error with its line, all-or-nothing, prices that cannot be rewritten
# after the fact), staff accounts and API tokens.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

for u in admin patient kundtjanst; do
	login "$u"
done
db() { dbq "$1" | head -n 1 | cut -d"|" -f1; }

# --- The OpenAPI document ---
check "anyone may read /api/openapi.json" "200" "$(curl -sS -o "$TMP/openapi.json" -w '%{http_code}' "$B/api/openapi.json")"
check "it is OpenAPI 3 and documents the import" "3.1.0 True" \
	"$(json 'd["openapi"]+" "+str("post" in d["paths"]["/api/article-imports"])' <"$TMP/openapi.json")"

# --- Assortment import ---
# upload USER FILE [QUERY]: POSTs FILE as text/csv; prints "STATUS BODY"
upload() {
	curl -sS -b "$TMP/$1.jar" -H "X-CSRF-Token: $(cat "$TMP/$1.csrf")" -H 'Content-Type: text/csv' \
		--data-binary "@$2" -o "$TMP/body" -w '%{http_code}' "$B/api/article-imports${3:-}"
	printf ' '
	cat "$TMP/body"
}
# finished ID: polls the import until it is no longer running; prints its final JSON
finished() {
	local i
	for i in $(seq 1 200); do
		body admin GET "/api/article-imports/$1" >"$TMP/import.json"
		[ "$(json 'd["state"]' <"$TMP/import.json")" != running ] && break
		sleep 0.05
	done
	cat "$TMP/import.json"
}

before=$(db 'SELECT count(*) FROM articles')
first=$(upload admin "${LMN_DATA:?}/demo/assortment.csv" '?filename=assortment.csv')
check "the import is accepted and runs in the background" "202 running" \
	"${first%% *} $(echo "${first#* }" | json 'd["state"]')"
imp=$(echo "${first#* }" | json 'd["id"]')
finished "$imp" >"$TMP/done.json"
check "the demo assortment imports: 288 new articles, a price each" "done 288 0 288 0 100" \
	"$(json '" ".join(str(x) for x in [d["state"], d["articles_created"], d["articles_updated"], d["prices_set"], d["error_count"], d["percent"]])' <"$TMP/done.json")"
check "the store holds them" "$((before + 288))" "$(db 'SELECT count(*) FROM articles')"
check "an imported article is listed with its price in force" "8155" \
	"$(body patient GET '/api/articles?q=energi%201,5%20kcal/ml%20200%20ml,%20jordgubb' | json '[a for a in d["articles"] if a["article_number"]=="N10001"][0]["price_ore"]')"

# Two good new rows and three bad ones: every error with its line, nothing written.
printf 'article_number;name;area;unit;package_size;supplier;stocked;price;price_from\r\n' >"$TMP/bad.csv"
printf 'T1;Testartikel ett;nutrition;st;1;Exempel AB;ja;10,50;2026-12-01\r\n' >>"$TMP/bad.csv"
printf 'T2;Testartikel två;incontinence;st;10;Exempel AB;nej;12,345;2026-12-01\r\n' >>"$TMP/bad.csv"
printf 'T3;Testartikel tre;dentistry;st;1;Exempel AB;ja;1;2026-12-01\r\n' >>"$TMP/bad.csv"
printf 'T4;Testartikel fyra;nutrition;st;1;Exempel AB;ja;2;2026-13-01\r\n' >>"$TMP/bad.csv"
printf 'T5;Testartikel fem;nutrition;st;2;Exempel AB;ja;3;2026-12-01\r\n' >>"$TMP/bad.csv"
bad=$(upload admin "$TMP/bad.csv" | cut -d' ' -f2- | json 'd["id"]')
finished "$bad" >"$TMP/bad.json"
check "a file with errors fails, naming each line and column" "failed 3|3 price|4 area|5 price_from" \
	"$(json 'd["state"]+" "+str(d["error_count"])+"|"+"|".join(str(e["line"])+" "+e["column"] for e in d["errors"])' <"$TMP/bad.json")"
check "the messages are Swedish and name the line" "yes" \
	"$(json '"yes" if d["errors"][0]["message"].startswith("rad 3") else d["errors"][0]["message"]' <"$TMP/bad.json")"
check "all or nothing: not even the good rows were written" "0" "$(db "SELECT count(*) FROM articles WHERE article_number IN ('T1','T5')")"

# A price in the past may not be rewritten (deliveries were priced by it); a future one may be set.
printf 'article_number;name;area;unit;package_size;supplier;stocked;price;price_from\n' >"$TMP/past.csv"
printf 'N10001;Nyare namn;nutrition;förp;4;Exempel Nutrition Demo AB;ja;99,00;2025-06-01\n' >>"$TMP/past.csv"
past=$(upload admin "$TMP/past.csv" | cut -d' ' -f2- | json 'd["id"]')
check "rewriting a past price is refused on price_from" "failed price_from" \
	"$(finished "$past" | json 'd["state"]+" "+d["errors"][0]["column"]')"
check "and the article's name was not changed either" "0" "$(db "SELECT count(*) FROM articles WHERE name = 'Nyare namn'")"
printf 'article_number;name;area;unit;package_size;supplier;stocked;price\n' >"$TMP/future.csv"
printf 'N10001;Nyare namn;nutrition;förp;4;Exempel Nutrition Demo AB;ja;99,00\n' >>"$TMP/future.csv"
fut=$(upload admin "$TMP/future.csv" '?price_from=2027-01-01' | cut -d' ' -f2- | json 'd["id"]')
check "a price from a future date updates the article" "done 0 1 1" \
	"$(finished "$fut" | json '" ".join(str(x) for x in [d["state"], d["articles_created"], d["articles_updated"], d["prices_set"]])')"
check "today the old price is still in force" "8155" \
	"$(body patient GET '/api/articles?q=Nyare%20namn' | json 'd["articles"][0]["price_ore"]')"
check "the list of imports shows all four, newest first" "$fut $past $bad $imp" \
	"$(body admin GET /api/article-imports | json '" ".join(str(i["id"]) for i in d["imports"])')"
check "an upload that is not text/csv is refused" "415" "$(status admin POST /api/article-imports '{"x":1}')"
check "only the administration imports" "403" "$(upload kundtjanst "$TMP/future.csv" | cut -d' ' -f1)"
check "an unknown import is 404" "404" "$(status admin GET /api/article-imports/999)"

# --- Staff accounts and API tokens ---
new=$(req admin POST /api/users '{"username":"ny.forskrivare","display_name":"Ny Förskrivare","role":"prescriber","unit_id":1,"password":"ett-langt-losenord"}')
check "the administration creates a prescriber" "201 prescriber 1" \
	"${new%% *} $(echo "${new#* }" | json 'd["role"]+" "+str(d["unit_id"])')"
uid=$(echo "${new#* }" | json 'd["id"]')
check "the password is stored as an Argon2id hash" "yes" \
	"$(db "SELECT CASE WHEN password_hash LIKE '\$argon2id\$%' THEN 'yes' ELSE 'no' END FROM users WHERE id = $uid")"
check "the new user signs in" "200" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"ny.forskrivare","password":"ett-langt-losenord"}' "$B/api/login")"
check "a taken username is 409" "409" "$(status admin POST /api/users '{"username":"ny.forskrivare","display_name":"X","role":"admin"}')"
check "a short password is refused on its field" "400 password" \
	"$(req admin POST /api/users '{"username":"kort","display_name":"K","role":"admin","password":"kort"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "a prescriber needs a unit" "400 unit_id" \
	"$(req admin POST /api/users '{"username":"utan.enhet","display_name":"U","role":"prescriber"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "patient accounts are not made here" "400 role" \
	"$(req admin POST /api/users '{"username":"en.patient","display_name":"P","role":"patient"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "the staff list holds the new user and no patients" "True False" \
	"$(body admin GET /api/users | json 'str(any(u["username"]=="ny.forskrivare" for u in d["users"]))+" "+str(any(u["role"]=="patient" for u in d["users"]))')"
check "customer service cannot create users" "403" "$(status kundtjanst POST /api/users '{"username":"x.y.z","display_name":"X","role":"admin"}')"

check "the administration may not create a token for a person's account" "403" \
	"$(status admin POST "/api/users/$uid/tokens" '{"name":"journalsystem"}')"
# The account's owner creates their own tokens.
curl -sS -c "$TMP/ny.jar" -H 'Content-Type: application/json' \
	-d '{"username":"ny.forskrivare","password":"ett-langt-losenord"}' "$B/api/login" | json 'd["csrf_token"]' >"$TMP/ny.csrf"
tok=$(body ny POST "/api/users/$uid/tokens" '{"name":"journalsystem"}')
secret=$(echo "$tok" | json 'd["token"]')
tid=$(echo "$tok" | json 'd["id"]')
check "a token's secret is 64 hex characters" "64" "$(printf '%s' "$secret" | grep -c '^[0-9a-f]\{64\}$' | sed 's/^1$/64/')"
check "the token signs its user in" "ny.forskrivare" \
	"$(curl -sS -H "Authorization: Bearer $secret" "$B/api/me" | json 'd["user"]["username"]')"
check "the token list never shows the secret, and names who created it" "journalsystem False ny.forskrivare" \
	"$(body admin GET "/api/users/$uid/tokens" | json 'd["tokens"][0]["name"]+" "+str("token" in d["tokens"][0])+" "+d["tokens"][0]["created_by_username"]')"
check "only its hash is stored" "0" "$(db "SELECT count(*) FROM api_tokens WHERE token_hash = '$secret'")"
check "revoking the token" "200" "$(status admin POST "/api/api-tokens/$tid/revoke")"
check "a revoked token no longer works" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $secret" "$B/api/me")"
check "the administrator cannot close their own account" "409" "$(status admin POST "/api/users/$(body admin GET /api/me | json 'd["user"]["id"]')/deactivate")"
secret2=$(body ny POST "/api/users/$uid/tokens" '{"name":"andra"}' | json 'd["token"]')
check "a second token signs its user in (and is remembered for a moment)" "ny.forskrivare" \
	"$(curl -sS -H "Authorization: Bearer $secret2" "$B/api/me" | json 'd["user"]["username"]')"
check "closing the account" "200" "$(status admin POST "/api/users/$uid/deactivate")"
check "the closed account's token stops at once" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $secret2" "$B/api/me")"
check "a closed account cannot sign in" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"ny.forskrivare","password":"ett-langt-losenord"}' "$B/api/login")"

# Reopening a closed account (issue 20): its password works again, its tokens stay revoked.
check "a closed account is reopened" "200 True" \
	"$(req admin POST "/api/users/$uid/reopen" | { read -r st rest; echo "$st $(echo "$rest" | json 'd["active"]')"; })"
check "it signs in again with its password" "200" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"ny.forskrivare","password":"ett-langt-losenord"}' "$B/api/login")"
check "its tokens stay revoked" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $secret2" "$B/api/me")"
check "reopening an unknown account is 404, and only the administration reopens" "404 403" \
	"$(status admin POST /api/users/999/reopen) $(status kundtjanst POST "/api/users/$uid/reopen")"

# What the account form chooses from (issue 20): units by name, the agreement's municipalities.
check "the units with their names, care providers and cost centres" "True True" \
	"$(body admin GET /api/units | json 'str(all(u["name"] and u["care_provider"] and u["cost_centre"] for u in d["units"]))+" "+str(any(u["id"]==1 for u in d["units"]))')"
check "only the administration lists the units" "403" "$(status kundtjanst GET /api/units)"
check "the 49 municipalities of the agreement" "49 True False" \
	"$(body kundtjanst GET /api/municipalities | json 'str(len(d["municipalities"]))+" "+str("Borås" in d["municipalities"])+" "+str(any(m.startswith("#") for m in d["municipalities"]))')"
check "a municipality outside the list is refused on its field" "400 municipality" \
	"$(req admin POST /api/users '{"username":"kommun.fel","display_name":"K","role":"municipal_orderer","municipality":"Boras"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["field"])')"
check "every fault at once, each with its field" "400 username display_name municipality password" \
	"$(req admin POST /api/users '{"username":"Ä","display_name":"","role":"municipal_orderer","municipality":"Boras","password":"kort"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, " ".join(e["field"] for e in json.loads(b)["errors"]))')"
check "a name taken is said with the other faults" "400 username:Användarnamnet ny.forskrivare finns redan. password" \
	"$(req admin POST /api/users '{"username":"ny.forskrivare","display_name":"X","role":"admin","password":"kort"}' | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); e=json.loads(b)["errors"]; print(s, e[0]["field"]+":"+e[0]["detail"], " ".join(x["field"] for x in e[1:]))')"
check "a secretary and a member (with their person) are created" "201 201" \
	"$(status admin POST /api/users '{"username":"ny.sekreterare","display_name":"S","role":"secretary"}') $(status admin POST /api/users "{\"username\":\"ny.ledamot\",\"display_name\":\"L\",\"role\":\"member\",\"person_id\":$(body admin GET /api/people | json 'd["people"][0]["id"]')}")"

# --- Delivery alternatives (the 1177 contracts' DeliveryAlternative), kept as data ---
check "the defaults: home delivery and three pickup-point providers" "1:home:INGEN 2:pickup_point:POSTNORD 3:pickup_point:DHL 4:pickup_point:SCHENKER" \
	"$(body admin GET /api/delivery-alternatives | json '" ".join("%d:%s:%s" % (a["id"], a["method"], a["provider"]) for a in d["alternatives"])')"
check "customer service may read them, a patient may not" "200 403" \
	"$(status kundtjanst GET /api/delivery-alternatives) $(status patient GET /api/delivery-alternatives)"
check "the administration adds one for diabetes products" "201 diabetes sms,email" \
	"$(req admin POST /api/delivery-alternatives '{"area":"diabetes","name":"Utlämningsställe DHL (diabetes)","method":"pickup_point","provider":"DHL","choose_point":true,"notifications":["sms","email"]}' | { read -r st rest; echo "$st $(echo "$rest" | json 'd["area"]+" "+",".join(d["notifications"])')"; })"
check "an unknown provider is refused, naming the field" "422 provider" \
	"$(req admin POST /api/delivery-alternatives '{"name":"X","method":"pickup_point","provider":"BUDFIRMAN"}' | { read -r st rest; echo "$st $(echo "$rest" | json 'd["field"]')"; })"
check "choosing a point needs a pickup-point provider" "422 choose_point" \
	"$(req admin POST /api/delivery-alternatives '{"name":"X","method":"home","provider":"INGEN","choose_point":true}' | { read -r st rest; echo "$st $(echo "$rest" | json 'd["field"]')"; })"
check "an alternative is switched off, not deleted" "200 False" \
	"$(req admin PUT /api/delivery-alternatives/4 '{"name":"Utlämningsställe DB Schenker","method":"pickup_point","provider":"SCHENKER","choose_point":true,"notifications":["sms"],"active":false}' | { read -r st rest; echo "$st $(echo "$rest" | json 'd["active"]')"; })"
check "an unknown alternative is 404" "404" \
	"$(status admin PUT /api/delivery-alternatives/999 '{"name":"X","method":"home","provider":"INGEN"}')"
check "only the administration changes them" "403" \
	"$(status kundtjanst POST /api/delivery-alternatives '{"name":"X","method":"home","provider":"INGEN"}')"

done_testing
