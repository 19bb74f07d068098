#!/usr/bin/env bash
# lmn on PostgreSQL (issue 22): a throwaway cluster of tests/pg/cluster.sh, `lmn demo` fills it,
# `lmn serve` serves it: signing in, a patient's order list, an order placed through the JSON API
# (and its retry with the same Idempotency-Key), and the order is in PostgreSQL afterwards (psql).
# Last the cluster stops under the running server, whose answer is then 503, not a hang.
. "$(dirname "$0")/tap.sh"

CLUSTER=${LMN_SRC:?LMN_SRC must name the source tree}/tests/pg/cluster.sh
export LMN_NOW=2026-11-23T10:00
# A Unix socket's path is short: the cluster in a folder of its own under /tmp.
PGDIR=$(mktemp -d /tmp/lmnpg.XXXXXX)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	"$CLUSTER" stop "$PGDIR" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! URL=$("$CLUSTER" start "$PGDIR" 2>"$TMP/cluster.err"); then
	not_ok "a PostgreSQL cluster starts" "$(cat "$TMP/cluster.err")"
	done_testing
	exit 1
fi
psql_q() { psql -XAtq -h "$PGDIR" -d lmn -v ON_ERROR_STOP=1 -c "$1"; }

"$LMN" demo --db "$URL" >"$TMP/demo.out" 2>"$TMP/demo.err"
check "lmn demo fills the PostgreSQL database" "0 120" \
	"$? $(psql_q 'SELECT count(*) FROM patients')"
check "every migration is recorded, as on SQLite" \
	"$(find "$LMN_SRC/src/store/migrations" -maxdepth 1 -name '*.sql' | wc -l)" \
	"$(psql_q 'SELECT count(*) FROM schema_migrations')"
check "the demo's orders are in PostgreSQL" "yes" \
	"$([ "$(psql_q 'SELECT count(*) FROM orders')" -gt 1000 ] && echo yes)"
check "a second demo into the filled database is refused" "1" \
	"$("$LMN" demo --db "$URL" >/dev/null 2>&1; echo $?)"

"$LMN" serve --db "$URL" --port 0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
pid=$!
port=$(port_of "$TMP/serve.out" "$pid")
[ -n "$port" ] || { not_ok "lmn serve starts on PostgreSQL" "$(cat "$TMP/serve.err")"; done_testing; exit 1; }
B="http://127.0.0.1:$port"

json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# req METHOD PATH [BODY] [curl args…]: prints "STATUS BODY" as kundtjanst
req() {
	local method=$1 path=$2 body=${3:-}
	shift 3 2>/dev/null || shift $#
	curl -sS -m 20 -b "$TMP/k.jar" -X "$method" -H "X-CSRF-Token: $(cat "$TMP/k.csrf")" \
		-H 'Content-Type: application/json' ${body:+-d "$body"} -o "$TMP/body" \
		-w '%{http_code}' "$@" "$B$path"
	printf ' '
	cat "$TMP/body"
}

curl -sS -c "$TMP/k.jar" -H 'Content-Type: application/json' \
	-d '{"username":"kundtjanst","password":"demo2026"}' "$B/api/login" >"$TMP/login.json"
json 'd["csrf_token"]' <"$TMP/login.json" >"$TMP/k.csrf" 2>/dev/null
check "customer service signs in" "kundtjanst" "$(json 'd["user"]["username"]' <"$TMP/login.json" 2>&1)"
check "a wrong password is 401" "401" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"kundtjanst","password":"fel"}' "$B/api/login")"
check "the session is in PostgreSQL" "1" \
	"$(psql_q "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'kundtjanst'")"

list=$(req GET /api/patients/1/orders)
check "a patient's order list" "200" "${list%% *}"
check "lists the patient's orders in PostgreSQL, newest first" \
	"$(psql_q 'SELECT id FROM orders WHERE patient_id = 1 ORDER BY id DESC LIMIT 1')" \
	"$(echo "${list#* }" | json 'd["orders"][0]["id"]' 2>&1)"

req GET /api/patients/1/prescriptions | cut -d' ' -f2- >"$TMP/rx.json"
item=$(json '[i["id"] for i in d["items"] if i["may_order_now"]][0]' <"$TMP/rx.json" 2>&1)
check "the patient has an item to order" "yes" "$([ "$item" -gt 0 ] 2>/dev/null && echo yes)"
before=$(psql_q 'SELECT max(id) FROM orders')
check "a line beyond what the item allows is refused by its rule, nothing written" \
	"422 quantity_not_allowed $before" \
	"$(req POST /api/patients/1/orders "{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item,\"quantity\":999}],\"delivery\":{\"method\":\"home\"}}" |
		python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["code"])' 2>&1) $(psql_q 'SELECT max(id) FROM orders')"
body="{\"reason\":\"Patienten ringde\",\"lines\":[{\"prescription_item_id\":$item,\"quantity\":1}],\"delivery\":{\"method\":\"home\"}}"
first=$(req POST /api/patients/1/orders "$body" -H 'Idempotency-Key: pg-backend-0001')
check "an order placed through the API" "201" "${first%% *}"
order=$(echo "${first#* }" | json 'd["id"]' 2>&1)
check "is in PostgreSQL with its line, its key and its patient" "1 1 received $item 1" \
	"$(psql_q "SELECT o.patient_id, o.lines, o.status, l.prescription_item_id, l.quantity
		FROM orders o JOIN order_lines l ON l.order_id = o.id
		WHERE o.id = $order AND o.idempotency_key = 'pg-backend-0001'" | tr '|' ' ')"
check "its id follows the demo's (the identity moved past them)" "yes" \
	"$([ "$order" = "$(psql_q 'SELECT max(id) FROM orders')" ] && echo yes)"
again=$(req POST /api/patients/1/orders "$body" -H 'Idempotency-Key: pg-backend-0001')
check "the retry with the same key answers the same order" "$order" \
	"$(echo "${again#* }" | json 'd["id"]' 2>&1)"
check "and makes none" "1" "$(psql_q "SELECT count(*) FROM orders WHERE idempotency_key = 'pg-backend-0001'")"
check "the order is in the list" "$order" "$(req GET /api/patients/1/orders | cut -d' ' -f2- | json 'd["orders"][0]["id"]' 2>&1)"
check "and readable by its id" "200 $order" \
	"$(req GET "/api/orders/$order" | python3 -c 'import sys,json; s,b=sys.stdin.read().split(" ",1); print(s, json.loads(b)["id"])' 2>&1)"
check "the report's daily sums counted it (PL/pgSQL triggers)" "1" \
	"$(psql_q "SELECT count(*) FROM report_order_days WHERE day = '2026-11-23' AND orders >= 1")"

# The demo gave its patients their ids: a new one takes the next (db_ids_follow).
newp=$(req POST /api/patients '{"id_number":"19121212-1212","given_name":"Test","family_name":"Flödesson","address":"Provgatan 1","postal_code":"411 01","city":"Göteborg","phone":"070-000 00 00","municipality":"Göteborg"}')
check "customer service registers a patient, who takes the next id" "201 121" \
	"${newp%% *} $(echo "${newp#* }" | json 'd["id"]' 2>&1)"
check "the same number again is refused, nothing written" "409 121" \
	"$(req POST /api/patients '{"id_number":"19121212-1212","given_name":"Test","family_name":"Flödesson","address":"Provgatan 1","postal_code":"411 01","city":"Göteborg","phone":"070-000 00 00","municipality":"Göteborg"}' | cut -d' ' -f1) $(psql_q 'SELECT max(id) FROM patients')"

# A role that may not write the message each commit is waited for with (pg_write.c) is refused
# at the start, saying what to grant: else each write would commit and then be reported failed.
psql_q "CREATE ROLE lmn_plain; GRANT ALL ON SCHEMA public TO lmn_plain;
	GRANT ALL ON ALL TABLES IN SCHEMA public TO lmn_plain;
	GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO lmn_plain;
	REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) FROM PUBLIC"
plain="$URL&options=-c%20role%3Dlmn_plain"
"$LMN" report tertial 2026 2 --db "$plain" --as-of 2026-11-23 >/dev/null 2>"$TMP/plain.err"
check "a role without EXECUTE on pg_logical_emit_message is refused at the start" "1 yes" \
	"$? $(grep -q 'GRANT EXECUTE ON FUNCTION pg_logical_emit_message' "$TMP/plain.err" && echo yes)"
psql_q "GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO lmn_plain"
"$LMN" report tertial 2026 2 --db "$plain" --as-of 2026-11-23 >/dev/null 2>"$TMP/plain.err"
check "granted it, the same role works" "0" "$?"

# The database goes away under the server: a clear 503, in time, and the server keeps running.
"$CLUSTER" stop "$PGDIR" >/dev/null 2>&1
gone=$(req GET /api/patients/1/orders)
check "without its database the server answers 503" "503 database_unavailable" \
	"$(echo "${gone%% *} $(echo "${gone#* }" | json 'd["code"]' 2>&1)")"
check "and keeps running" "yes" "$(kill -0 "$pid" 2>/dev/null && echo yes)"
done_testing
