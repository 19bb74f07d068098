#!/usr/bin/env bash
# lmn import orders|deliveries|calls: history from the end-of-life system, due and contact dates from
# the rule engine as in force when each order was received, every error with its line, all or none.
# On SQLite, and with LMN_TEST_PG on PostgreSQL; there every import is also made into a SQLite
# store beside it, and the stores must hold the same orders and give the same report figures.
. "$(dirname "$0")/tap.sh"
export LMN_NOW=2026-11-23T10:00
"$LMN" demo --db "$DB" >/dev/null 2>&1
pg() { [ -n "${LMN_TEST_PG:-}" ]; }
# The first row of SQL; rows SQL SEP: every row, joined by SEP.
q() { dbq "$1" | head -n 1; }
rows() { dbq "$1" | paste -sd "$2" -; }
# The SQLite store beside the PostgreSQL one ($REF), and the rows of SQL on it.
REF=$TMP/ref.db
refq() {
	python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1], timeout=30).execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in r))' "$REF" "$1"
}
if pg; then
	"$LMN" demo --db "$REF" >/dev/null 2>&1
fi
# With the privilege to set session_replication_role (the test's superuser) an orders import turns
# PostgreSQL's triggers and reference checks off and does their work itself; $DB_PLAIN is the
# store under a role without it, whose import leaves the triggers to do it.
if pg; then
	role=lmn_t_plain_$$
	dbq "CREATE ROLE $role NOLOGIN; GRANT pg_read_all_data, pg_write_all_data TO $role; GRANT CREATE ON SCHEMA public TO $role" >/dev/null
	DB_PLAIN="$DB&options=-c%20role%3D$role"
fi
# lmn import KIND FILE [OPTION…] on $DB (its exit status; on $DB_IMPORT if set), and with
# LMN_TEST_PG the same on $REF; the exit statuses of both are kept, one line each.
import_both() {
	local kind=$1 file=$2 status
	shift 2
	if pg; then
		"$LMN" import "$kind" "$file" --db "$REF" "$@" >"$TMP/ref.out" 2>"$TMP/ref.err"
		echo "$?" >>"$TMP/ref.status"
	fi
	"$LMN" import "$kind" "$file" --db "${DB_IMPORT:-$DB}" "$@"
	status=$?
	echo "$status" >>"$TMP/db.status"
	return "$status"
}
p1=$(q "SELECT id_number FROM patients WHERE id = 1")
p2=$(q "SELECT id_number FROM patients WHERE id = 2")
nut=$(q "SELECT article_number FROM articles WHERE area = 'nutrition' AND stocked = 1 AND acute_assortment = 0 ORDER BY id LIMIT 1")
inc=$(q "SELECT article_number FROM articles WHERE area = 'incontinence' AND stocked = 1 ORDER BY id LIMIT 1")
spec=$(q "SELECT article_number FROM articles WHERE special = 1 ORDER BY id LIMIT 1")
orders0=$(q "SELECT count(*) FROM orders")
# Orders whose number of lines, area or cost carrier is not as from their first line.
wrong_lines() { q "SELECT count(*) FROM orders o WHERE lines <> (SELECT count(*) FROM order_lines WHERE order_id = o.id) OR area IS DISTINCT FROM (SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id WHERE l.order_id = o.id ORDER BY l.id LIMIT 1) OR cost_unit_id IS DISTINCT FROM (SELECT p.unit_id FROM order_lines l JOIN prescription_items i ON i.id = l.prescription_item_id JOIN prescriptions p ON p.id = i.prescription_id WHERE l.order_id = o.id ORDER BY l.id LIMIT 1) OR care_provider_id IS DISTINCT FROM (SELECT care_provider_id FROM units WHERE id = o.cost_unit_id)"; }
# Days, care providers and areas whose report sums are not the sums of the orders.
wrong_sums() { q "WITH a AS (SELECT received_day AS day, coalesce(care_provider_id, 0) AS cp, coalesce(area, '') AS area, count(*) AS n, sum(CASE WHEN channel = 'digital' THEN 1 ELSE 0 END) AS dig, sum(CASE WHEN channel = '1177' THEN 1 ELSE 0 END) AS v1177, sum(CASE WHEN contact_from IS NULL THEN 1 ELSE 0 END) AS ex, sum(CASE WHEN contact_from IS NOT NULL AND first_delivered IS NOT NULL THEN 1 ELSE 0 END) AS del FROM orders WHERE status <> 'cancelled' AND area IS NOT NULL GROUP BY 1, 2, 3) SELECT count(*) FROM (SELECT day, cp, area, n, dig, v1177, ex, del FROM a EXCEPT SELECT day, care_provider_id, area, orders, digital, via_1177, exempt, delivered FROM report_order_days WHERE orders <> 0) AS x"; }
# Historical items that do not allow as many withdrawals as lines drew on them, of their largest
# quantity, until the last.
wrong_items() { q "SELECT count(*) FROM prescription_items i JOIN (SELECT l.prescription_item_id AS id, count(*) AS n, max(l.quantity) AS q, max(o.received_day) AS d FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_ref IS NOT NULL GROUP BY 1) x ON x.id = i.id WHERE i.withdrawals_allowed <> x.n OR i.quantity_per_withdrawal <> x.q OR i.last_valid <> x.d"; }

cat >"$TMP/orders.csv" <<CSV
order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel;kind;requested_by;entered_by
G-1;2019-12-20 15:30;$p1;1001;$nut;2;digital;;;
G-1;2019-12-20 15:30;$p1;1001;$inc;1;digital;;;
G-2;2019-03-01 10:00;$p1;1001;$nut;1;phone;acute;patient;customer_service
G-3;2023-06-20 09:00;$p2;1003;$spec;1;phone;;;customer_service
G-4;2023-06-21 09:00;$p2;1003;$spec;1;phone;;;customer_service
CSV
import_both orders "$TMP/orders.csv" >"$TMP/out" 2>"$TMP/err"
check "the orders import" "0" "$?"
check_grep "it says what it did" "5 rader importerade: 4 beställningar med 5 orderrader" "$TMP/out"
eval_due() { echo "$1" | "$LMN" rules eval | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["due"], d.get("contact_from"))'; }
check "a normal order over Christmas 2019: due and contact date as the rule engine gives them" \
	"$(eval_due '{"received":"2019-12-20T15:30","area":"nutrition"}')" \
	"$(q "SELECT due || ' ' || coalesce(contact_from, 'None') FROM orders WHERE external_ref = 'G-1'" | tr '|' ' ')"
check "an acute order a patient asked for in 2019 (allowed until 2020-01-29)" \
	"acute $(eval_due '{"received":"2019-03-01T10:00","kind":"acute","requested_by":"patient","entered_by":"customer_service","area":"nutrition"}' | cut -d' ' -f1)" \
	"$(q "SELECT kind || ' ' || due FROM orders WHERE external_ref = 'G-2'" | tr '|' ' ')"
check "a special product the day before 2023-06-21 gets a contact date, from that day none" "1 0" \
	"$(q "SELECT count(contact_from) FROM orders WHERE external_ref = 'G-3'") $(q "SELECT count(contact_from) FROM orders WHERE external_ref = 'G-4'")"
check "the rule versions are kept" "1" "$(q "SELECT count(*) FROM orders WHERE external_ref = 'G-4' AND rules LIKE '%B3:6@2023-06-21%'")"
check "the lines draw on a historical prescription of the unit, who carries the cost" "2 1001 0" \
	"$(q "SELECT count(*), min(u.cost_centre), max(us.active) FROM order_lines l JOIN prescription_items i ON i.id = l.prescription_item_id JOIN prescriptions p ON p.id = i.prescription_id JOIN units u ON u.id = p.unit_id JOIN users us ON us.id = p.prescriber_id JOIN orders o ON o.id = l.order_id WHERE o.external_ref = 'G-1'" | tr '|' ' ')"
# On SQLite the import writes the orders' report columns and daily sums itself (the insert
# triggers are set aside while it runs): they must be what the triggers give, and the triggers must
# be back. On PostgreSQL nothing is set aside and the triggers do it, as for any order.
if pg; then
	check "the insert triggers are there after the import" "3" \
		"$(q "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ('report_days_order_insert', 'report_order_first_line', 'order_lines_count')")"
else
	check "the insert triggers are back after the import" "3" \
		"$(q "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name IN ('report_days_order_insert', 'report_order_first_line', 'order_lines_count')")"
fi
# The import sets these triggers aside by name (history.c, insert_triggers) and writes what they
# would: a migration that adds a trigger on what the import writes must add it there too.
if pg; then
	check "every trigger on the import's inserts (and item updates) is one the import does itself" \
		"order_lines_count report_days_order_insert report_order_first_line" \
		"$(rows "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text IN ('orders', 'order_lines', 'prescriptions', 'prescription_items', 'users', 'report_order_days') AND (tgtype & 4 <> 0 OR (tgrelid::regclass::text IN ('prescription_items', 'report_order_days') AND tgtype & 16 <> 0)) ORDER BY tgname" ' ')"
else
	check "every trigger on the import's inserts (and item updates) is one the import does itself" \
		"order_lines_count report_days_order_insert report_order_first_line" \
		"$(rows "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('orders', 'order_lines', 'prescriptions', 'prescription_items', 'users', 'report_order_days') AND (sql LIKE '% INSERT ON %' OR (tbl_name IN ('prescription_items', 'report_order_days') AND sql LIKE '% UPDATE %')) ORDER BY name" ' ')"
fi
check "each order's number of lines, area and who carries the cost, as from its first line" "0" \
	"$(wrong_lines)"
check "the daily sums of the report are the sums of the orders (the demo's and the imported)" "0" \
	"$(wrong_sums)"
check "each historical item allows as many withdrawals as lines drew on it, of their largest quantity, until the last" "0" \
	"$(wrong_items)"

cat >"$TMP/deliveries.csv" <<CSV
order_ref;shipment_ref;shipped_at;article_number;quantity;backordered;delivered_at;outcome
G-1;S1;2019-12-23 07:00;$nut;2;nej;2019-12-27 10:00;delivered
G-1;S1;2019-12-23 07:00;$inc;0;ja;2019-12-27 10:00;delivered
G-1;S2;2020-01-08 07:00;$inc;1;nej;2020-01-09 20:15;
G-2;S3;2019-03-01 15:00;$nut;1;;;returned
CSV
import_both deliveries "$TMP/deliveries.csv" >"$TMP/out" 2>"$TMP/err"
check "the deliveries import" "0 $(cat "$TMP/err")" "$? "
check_grep "it counts the shipments" "4 rader importerade: 3 leveranser" "$TMP/out"
check "a partial shipment for a backorder, then the rest: delivered in full, the backorder cleared" \
	"delivered 1,0 3 0" \
	"$(q "SELECT status FROM orders WHERE external_ref = 'G-1'") $(rows "SELECT s.partial FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.external_ref = 'G-1' ORDER BY s.id" ,) $(q "SELECT sum(l.shipped_quantity), max(l.backordered) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_ref = 'G-1'" | tr '|' ' ')"
check "the first shipment recorded the backordered line" "1" "$(q "SELECT sum(sl.backordered) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id JOIN orders o ON o.id = s.order_id WHERE o.external_ref = 'G-1'")"
check "a delivery at 20:15 is a recorded deviation" "1" "$(q "SELECT count(*) FROM shipments WHERE delivery_deviation IS NOT NULL AND delivered_at LIKE '2020-01-09%'")"
check "a return" "returned" "$(q "SELECT status FROM orders WHERE external_ref = 'G-2'")"

cat >"$TMP/calls.csv" <<CSV
queued_at;answered_at;abandoned_at;topic
2023-11-15 10:00:00;2023-11-15 10:02:30;;order
2023-11-15 10:05:00;;2023-11-15 10:09:00;delivery
CSV
import_both calls "$TMP/calls.csv" >"$TMP/out" 2>"$TMP/err"
check "the calls import" "0" "$?"
"$LMN" report tertial 2023 3 --db "$DB" >"$TMP/r.json"
check "the imported calls are in the phone key figure (1 of 2 within 3 minutes)" "1/2" \
	"$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["groups"][0]["figures"]["phone_accessibility"]["parts"][0]; print("%d/%d" % (f["numerator"], f["denominator"]))' "$TMP/r.json")"

# --- Errors: every one with its line; nothing written ---
before=$(q "SELECT count(*) FROM orders")
cat >"$TMP/bad.csv" <<CSV
order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel;kind;requested_by
B-1;2024-02-01 10:00;$p1;1001;$nut;1;digital;;
B-2;2024-02-01 10:00;191212121212;1001;$nut;1;digital;;
B-3;2024-02-01 10:00;$p1;9999;$nut;0;digital;;
B-4;2021-02-01 10:00;$p1;1001;$nut;1;phone;express;prescriber
G-1;2024-02-01 10:00;$p1;1001;$nut;1;digital;;
B-5;2024-02-30 10:00;$p1;1001;NOPE;1;fax;;
CSV
import_both orders "$TMP/bad.csv" >"$TMP/out" 2>"$TMP/err"
check "a file with errors exits 1" "1" "$?"
check_grep "an unknown patient, by line and column" "bad.csv: rad 3, kolumn patient: ingen patient" "$TMP/err"
check_grep "an unknown cost centre" "rad 4, kolumn unit_cost_centre: inget kostnadsställe 9999" "$TMP/err"
check_grep "a quantity of 0" "rad 4, kolumn quantity" "$TMP/err"
check_grep "express after 2020-01-30 is refused by the rule then in force" "rad 5: order B-4: .*(regel B3:3@2020-01-30)" "$TMP/err"
check_grep "an order imported before" "rad 6, kolumn order_ref: ordern G-1 är redan importerad" "$TMP/err"
check_grep "a date that does not exist" "rad 7, kolumn received_at" "$TMP/err"
check_grep "an unknown channel" "rad 7, kolumn channel" "$TMP/err"
check_grep "the count, and nothing written" "importen avbröts: 8 fel, inget skrevs" "$TMP/err"
check "no order of the file is in the store" "$before" "$(q "SELECT count(*) FROM orders")"
printf 'order_ref;received_at;patient;colour\n' >"$TMP/cols.csv"
import_both orders "$TMP/cols.csv" >"$TMP/out" 2>"$TMP/err"
check_grep "an unknown column is named" 'rad 1: okänd kolumn "colour"' "$TMP/err"
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\nF-1;2099-01-02 10:00;%s;1001;%s;1;digital\n' "$p1" "$nut" >"$TMP/future.csv"
import_both orders "$TMP/future.csv" >"$TMP/out" 2>"$TMP/err"
check "a time after the day of the import is refused (history, a mistyped year)" "1 yes" \
	"$? $(grep -q "rad 2, kolumn received_at: 2099-01-02 10:00 är efter importens dag" "$TMP/err" && echo yes)"
printf 'order_ref;shipment_ref;shipped_at;article_number;quantity\nG-4;S9;2023-06-22 07:00;%s;1\nX-9;S9;2023-06-22 07:00;%s;1\n' "$nut" "$nut" >"$TMP/dbad.csv"
import_both deliveries "$TMP/dbad.csv" >"$TMP/out" 2>"$TMP/err"
check_grep "a delivery of an article not on the order" "rad 2, kolumn article_number: artikeln .* finns inte på order G-4" "$TMP/err"
check_grep "a delivery of an unknown order" "rad 3, kolumn order_ref: ingen importerad order X-9" "$TMP/err"
"$LMN" import calls >"$TMP/out" 2>"$TMP/err"
check "no file is a usage error" "2" "$?"
check "the orders of the demo are untouched" "$((orders0 + 4))" "$(q "SELECT count(*) FROM orders")"

# The store's indexes and their definitions; "ok" when the store is sound (SQLite's integrity
# check; on PostgreSQL amcheck's of every B-tree index, with every row of its table in it); the
# references the import writes that have no row (on SQLite, every foreign key's).
if pg; then
	dbq "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null
	indexes() { rows "SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname" ' / '; }
	sound() { q "SELECT CASE WHEN count(*) = count(bt_index_check(c.oid, true)) THEN 'ok' END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace"; }
	dangling() { q "SELECT (SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id) OR NOT EXISTS (SELECT 1 FROM prescription_items i WHERE i.id = l.prescription_item_id) OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.article_id)) + (SELECT count(*) FROM prescription_items i WHERE NOT EXISTS (SELECT 1 FROM prescriptions p WHERE p.id = i.prescription_id)) + (SELECT count(*) FROM prescriptions p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.prescriber_id) OR NOT EXISTS (SELECT 1 FROM patients x WHERE x.id = p.patient_id)) + (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM patients x WHERE x.id = o.patient_id))"; }
else
	indexes() { rows "SELECT name || ':' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name" ' / '; }
	sound() { q "PRAGMA integrity_check"; }
	dangling() { q "SELECT count(*) FROM pragma_foreign_key_check"; }
fi
# A file with more orders than the store holds: on SQLite the indexes the import does not read are
# set aside and built again at the end, exactly as they were (PostgreSQL keeps them).
indexes_before=$(indexes)
n=$(($(q "SELECT max(id) FROM orders") + 50))
python3 - "$n" "$p1" "$p2" "$nut" "$inc" >"$TMP/many.csv" <<'PY'
import sys
n, p1, p2, nut, inc = int(sys.argv[1]), *sys.argv[2:]
print("order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel")
for i in range(n):
    day = 1 + i % 28
    print(f"M-{i};2025-02-{day:02d} 10:00;{p1 if i % 2 else p2};{1001 if i % 3 else 1003};{nut if i % 5 else inc};1;{'1177' if i % 4 == 0 else 'phone'}")
PY
# On a terminal (script gives it one) the progress bar names each phase: the rows, the indexes
# built again (not on PostgreSQL), the commit.
if command -v script >/dev/null; then
	if pg; then
		"$LMN" import orders "$TMP/many.csv" --db "$REF" >"$TMP/ref.out" 2>"$TMP/ref.err"
		echo "$?" >>"$TMP/ref.status"
	fi
	script -qec "'$LMN' import orders '$TMP/many.csv' --db '$DB'" /dev/null >"$TMP/out" 2>&1
	status=$?
	echo "$status" >>"$TMP/db.status"
	(exit "$status")
else
	import_both orders "$TMP/many.csv" >"$TMP/out" 2>"$TMP/err"
fi
check "a file larger than the store is imported" "0 $n" "$? $(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'M-%'")"
if command -v script >/dev/null; then
	check "on a terminal the bar shows the rows, then the indexes built again, then the commit" \
		"importerar 100$(pg || echo ' bygger index 100') sparar 100" \
		"$(tr '\r' '\n' <"$TMP/out" | sed -n 's/^\(importerar\|bygger index\|sparar\) *\[#*\] *\(100\) %.*/\1 \2/p' | uniq | tr '\n' ' ' | sed 's/ $//')"
else
	ok "on a terminal the bar shows the rows, then the indexes built again, then the commit # SKIP no script(1)"
fi
check "its indexes are back as they were" "$indexes_before" "$(indexes)"
check "its orders through 1177 are in the report's daily sums (via_1177), as the triggers would count them" \
	"$(((n + 3) / 4)) 0" "$(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'M-%' AND channel = '1177'") $(wrong_sums)"
check "and the database is sound" "ok" "$(sound)"
if pg; then
	check "a patient's order list has the imported orders in its index" "1" \
		"$(q "SELECT count(*) FROM (SELECT bt_index_check('orders_patient_list'::regclass, true)) AS x")"
else
	check "a patient's order list reads the imported orders from its index" \
		"$(q "SELECT count(*) FROM orders WHERE patient_id = 1")" \
		"$(q "SELECT count(*) FROM orders INDEXED BY orders_patient_list WHERE patient_id = 1")"
fi
check "every reference the import wrote has its row (SQLite did not check them meanwhile)" "0" \
	"$(dangling)"

# A small file asks the store for the historical prescriptions and items and the references of
# earlier imports (a large one reads them all at the start): its orders draw on those there.
rx_before=$(q "SELECT count(*) FROM prescriptions")
items_before=$(q "SELECT count(*) FROM prescription_items")
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\nR-1;2025-03-03 10:00;%s;1001;%s;2;digital\nR-2;2025-03-04 10:00;%s;1003;%s;1;phone\n' \
	"$p1" "$nut" "$p2" "$inc" >"$TMP/small.csv"
import_both orders "$TMP/small.csv" >"$TMP/out" 2>"$TMP/err"
check "a small file draws on the prescriptions and items imported before, and makes none" \
	"0 $rx_before $items_before 0" \
	"$? $(q "SELECT count(*) FROM prescriptions") $(q "SELECT count(*) FROM prescription_items") $(wrong_items)"
import_both orders "$TMP/small.csv" >"$TMP/out" 2>"$TMP/err"
check_grep "and its references are then found in the store" "rad 3, kolumn order_ref: ordern R-2 är redan importerad" "$TMP/err"

# A file of 25 000 orders is imported by two threads (one decides the orders, the other writes
# them): every order and line is there, and what the import derives is as for a small file.
python3 - "$p1" "$p2" "$nut" "$inc" >"$TMP/large.csv" <<'PY'
import sys
p1, p2, nut, inc = sys.argv[1:]
print("order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel")
for i in range(25000):
    at = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} {8 + i % 10:02d}:{i % 60:02d}"
    first = f"S-{i};{at};{p1 if i % 3 else p2};{1001 if i % 4 else 1003}"
    channel = ("phone", "digital", "1177")[i % 3]
    print(f"{first};{nut};{1 + i % 3};{channel}")
    if i % 5 == 0:
        print(f"{first};{inc};{1 + i % 4};{channel}")
PY
last=$(q "SELECT max(id) FROM orders")
import_both orders "$TMP/large.csv" >"$TMP/out" 2>"$TMP/err"
check "a file of 25 000 orders is imported" "0 25000 30000" \
	"$? $(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'S-%'") $(q "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_ref LIKE 'S-%'")"
check "its orders' lines, areas and cost carriers, the report's daily sums and the historical items are right" \
	"0 0 0" "$(wrong_lines) $(wrong_sums) $(wrong_items)"
check "its orders are numbered in the order of the file, after those before" "$((last + 1)) 24999" \
	"$(q "SELECT id FROM orders WHERE external_ref = 'S-0'") $(q "SELECT count(*) FROM orders o JOIN orders n ON n.id = o.id + 1 WHERE o.external_ref LIKE 'S-%' AND n.external_ref = 'S-' || (CAST(substr(o.external_ref, 3) AS INTEGER) + 1)")"
check "and the database is sound, every reference with its row" "ok 0" \
	"$(sound) $(dangling)"

# In a file larger than the store the index of the references is set aside too: a reference twice
# in the file, far apart, and one imported before are still found.
n=$(($(q "SELECT max(id) FROM orders") + 50))
python3 - "$n" "$p1" "$nut" >"$TMP/dups.csv" <<'PY'
import sys
n, p1, nut = int(sys.argv[1]), *sys.argv[2:]
print("order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel")
for i in range(n):
    ref = "D-7" if i == n - 3 else "M-5" if i == n - 2 else f"D-{i}"
    print(f"{ref};2025-03-{1 + i % 28:02d} 10:00;{p1};1001;{nut};1;phone")
PY
before=$(q "SELECT count(*) FROM orders")
import_both orders "$TMP/dups.csv" >"$TMP/out" 2>"$TMP/err"
check "a reference twice in a large file is refused at its second line" "1 yes" \
	"$? $(grep -q "rad $((n - 1)), kolumn order_ref: ordern D-7 är redan importerad" "$TMP/err" && echo yes)"
check_grep "and one imported before" "rad $n, kolumn order_ref: ordern M-5 är redan importerad" "$TMP/err"
check "nothing of the file is written, and the indexes are back" "$before $indexes_before" \
	"$(q "SELECT count(*) FROM orders") $(indexes)"

# --- Issue 18. History older than 2018: the original rule versions have no start date. The special
# exemption from delay contact by the order's date, for imported orders too; an order with a
# stocked line beside the special one is not exempt (as a new order). Municipal staff enter
# withdrawals only for residents of municipal housing, as for new orders (a rule parameter) ---
housed=$(q "SELECT id_number FROM patients WHERE municipal_housing = 1 AND protected_identity = 0 ORDER BY id LIMIT 1")
unhoused=$(q "SELECT id_number FROM patients WHERE municipal_housing = 0 AND protected_identity = 0 ORDER BY id LIMIT 1")
cat >"$TMP/i18.csv" <<CSV
order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel;kind;requested_by;entered_by
A18-1;2015-03-02 10:00;$p1;1001;$nut;1;phone;;;customer_service
A18-2;2016-05-10 10:00;$p1;1001;$nut;1;phone;acute;patient;customer_service
A18-3;2023-06-22 09:00;$p2;1003;$spec;1;phone;;;customer_service
A18-3;2023-06-22 09:00;$p2;1003;$nut;1;phone;;;customer_service
A18-4;2024-02-01 10:00;$housed;1001;$nut;1;municipal;;municipal_orderer;municipal_orderer
CSV
# On PostgreSQL under a role that may not turn the triggers off (they derive what the import
# would): compared with SQLite below like the others.
if pg; then
	check "the role of the test may turn PostgreSQL's triggers off, the plain one may not" "t f" \
		"$(q "SELECT has_parameter_privilege('session_replication_role', 'SET')") $(psql -XAtq "$DB_PLAIN" -c "SELECT has_parameter_privilege('session_replication_role', 'SET')")"
fi
DB_IMPORT=${DB_PLAIN:-} import_both orders "$TMP/i18.csv" >"$TMP/out" 2>"$TMP/err"
check "orders of 2015 and 2016 are imported, decided by the original versions" "0" "$?"
check "and nothing is said on stderr (PostgreSQL: no warning of ANALYZE on tables not its role's)" \
	"" "$(cat "$TMP/err")"
check "a 2015 order: due and contact date as the rule engine gives them" \
	"$(eval_due '{"received":"2015-03-02T10:00","entered_by":"customer_service","area":"nutrition"}')" \
	"$(q "SELECT due || ' ' || coalesce(contact_from, 'None') FROM orders WHERE external_ref = 'A18-1'" | tr '|' ' ')"
check "a patient's acute request of 2016 is allowed (until 2020-01-29)" "acute 2016-05-11" \
	"$(q "SELECT kind || ' ' || due FROM orders WHERE external_ref = 'A18-2'" | tr '|' ' ')"
check "an order with a stocked line beside a special one has a contact date from 2023-06-21 too" "1" \
	"$(q "SELECT count(contact_from) FROM orders WHERE external_ref = 'A18-3'")"
check "a municipal orderer's entry for a resident of municipal housing is imported" "1" \
	"$(q "SELECT count(*) FROM orders WHERE external_ref = 'A18-4'")"
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel;kind;requested_by;entered_by\nA18-5;2024-02-01 10:00;%s;1001;%s;1;municipal;;municipal_prescriber;municipal_prescriber\nA18-6;2017-02-01 10:00;%s;1001;%s;1;municipal;;municipal_orderer;municipal_orderer\n' \
	"$unhoused" "$nut" "$unhoused" "$nut" >"$TMP/h.csv"
import_both orders "$TMP/h.csv" >"$TMP/out" 2>"$TMP/err"
check "municipal staff's entries for people outside municipal housing are refused, as new orders" \
	"1 0" "$? $(q "SELECT count(*) FROM orders WHERE external_ref IN ('A18-5', 'A18-6')")"
check_grep "naming the order and the rule" \
	"order A18-5: Kommunens personal kan bara beställa åt personer i kommunalt boende. (regel ordering@2018-05-01)" "$TMP/err"
check_grep "also before 2018" "order A18-6: Kommunens personal kan bara beställa" "$TMP/err"
mkdir "$TMP/rules-off"
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules-off/"
sed -i 's/^municipal_entry_housing_only = true$/municipal_entry_housing_only = false/' "$TMP/rules-off/ordering.rules"
DB_IMPORT=${DB_PLAIN:-} import_both orders "$TMP/h.csv" --rules "$TMP/rules-off" >"$TMP/out" 2>"$TMP/err"
check "with the parameter off they are imported" "0 2" \
	"$? $(q "SELECT count(*) FROM orders WHERE external_ref IN ('A18-5', 'A18-6')")"
# G-3 (special, 2023-06-20) and G-4 (special, 2023-06-21) are delivered late, on 2023-07-10.
printf 'order_ref;shipment_ref;shipped_at;article_number;quantity;delivered_at\nG-3;SG-3;2023-07-10 08:00;%s;1;2023-07-10 12:00\nG-4;SG-4;2023-07-10 08:00;%s;1;2023-07-10 12:00\n' \
	"$spec" "$spec" >"$TMP/late.csv"
import_both deliveries "$TMP/late.csv" >"$TMP/out" 2>"$TMP/err"
check "the late deliveries of G-3 and G-4 are imported" "0" "$?"

# --- The same imports into PostgreSQL and into SQLite (LMN_TEST_PG): the same rows, the same
# report figures, the same files refused ---
# same NAME SQL: SQL gives the same rows, and some, on $DB and on $REF.
same() {
	dbq "$2" >"$TMP/pg.txt"
	refq "$2" >"$TMP/sq.txt"
	if [ -s "$TMP/sq.txt" ] && cmp -s "$TMP/sq.txt" "$TMP/pg.txt"; then
		ok "$1 ($(wc -l <"$TMP/sq.txt") rows)"
	else
		not_ok "$1" "$(diff "$TMP/sq.txt" "$TMP/pg.txt" | head -n 20)"
	fi
}
# same_report NAME ARGS…: lmn report ARGS gives the same on $DB and on $REF.
same_report() {
	local name=$1
	shift
	"$LMN" report "$@" --db "$DB" >"$TMP/pg.txt" 2>&1
	"$LMN" report "$@" --db "$REF" >"$TMP/sq.txt" 2>&1
	if [ -s "$TMP/sq.txt" ] && cmp -s "$TMP/sq.txt" "$TMP/pg.txt"; then
		ok "$name"
	else
		not_ok "$name" "$(diff "$TMP/sq.txt" "$TMP/pg.txt" | head -n 20)"
	fi
}
if pg; then
	check "the SQLite store beside took and refused the same files" \
		"0 0 0 1 1 1 1 0 0 1 0 1 0 1 0 0 = 0 0 0 1 1 1 1 0 0 1 0 1 0 1 0 0" \
		"$(paste -sd ' ' "$TMP/ref.status") = $(paste -sd ' ' "$TMP/db.status")"
	same "every imported order as on SQLite: ids, dates, rules, status and report columns" \
		"SELECT id, external_ref, patient_id, received_at, received_day, due, contact_from, rules, kind, channel, requested_by, entered_by, delivery_method, status, area, care_provider_id, cost_unit_id, lines, first_delivered, partial FROM orders WHERE external_ref IS NOT NULL ORDER BY id"
	same "every line of an imported order" \
		"SELECT l.id, l.order_id, l.article_id, l.prescription_item_id, l.quantity, l.shipped_quantity, l.backordered FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_ref IS NOT NULL ORDER BY l.id"
	same "every historical prescription and item" \
		"SELECT p.id, p.patient_id, p.prescriber_id, p.unit_id, p.prescribed_on, i.id, i.article_id, i.withdrawals_allowed, i.withdrawals_remaining, i.quantity_per_withdrawal, i.last_valid FROM prescriptions p JOIN users u ON u.id = p.prescriber_id JOIN prescription_items i ON i.prescription_id = p.id WHERE u.username LIKE 'historik-%' ORDER BY i.id"
	same "every imported shipment" \
		"SELECT s.id, s.order_id, s.shipped_at, s.delivered_at, s.delivery_deviation, s.partial, s.area, s.care_provider_id, s.lines FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.external_ref IS NOT NULL ORDER BY s.id"
	same "the report's daily sums" \
		"SELECT day, care_provider_id, area, orders, digital, via_1177, exempt, delivered, on_time, past_contact, contact_cases, partial FROM report_order_days WHERE orders + digital + via_1177 + exempt + delivered + on_time + past_contact + contact_cases + partial <> 0 ORDER BY day, care_provider_id, area"
	for y in 2015 2016 2019 2023 2024 2025; do
		same_report "the key figures of $y as on SQLite" year "$y" --format csv
	done
	same_report "the key figures of 2023's third tertial (the calls) as on SQLite" tertial 2023 3 --format csv
	for month in 2019-12 2020-01 2023-07; do
		same_report "the invoice basis of $month as on SQLite" invoice "$month" --format csv
	done
else
	ok "the same imports on PostgreSQL # SKIP LMN_TEST_PG is not set"
fi

# An import takes a store nobody else has open alone, with a rollback journal; the store is in WAL
# mode again after it (above). With lmn serve running on it, the import shares it in WAL mode and
# the server answers before and after, seeing the imported orders.
if pg; then
	ok "after the imports the store is in WAL mode, with no journal left # SKIP SQLite's"
else
	check "after the imports the store is in WAL mode, with no journal left" "wal no" \
		"$(q "PRAGMA journal_mode") $([ -e "$TMP/lmn.db-journal" ] && echo yes || echo no)"
fi
"$LMN" serve --db "$DB" --port 0 --trusted-proxy-header X-Remote-User \
	>"$TMP/serve.out" 2>"$TMP/serve.err" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$TMP"' EXIT
sport=$(port_of "$TMP/serve.out" "$spid")
check "the server answers" "200" "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$sport/healthz")"
# lmn serve opens the day's contact cases before it serves (api/jobs.c).
case_of() { q "SELECT count(*) FROM contact_cases c JOIN orders o ON o.id = c.order_id WHERE o.external_ref = '$1'"; }
check "an imported special order of 2023-06-20 delivered late has its contact case; of 2023-06-21 none" \
	"1 0" "$(case_of G-3) $(case_of G-4)"
check "the order with a late stocked line beside a special one has its case" "1" "$(case_of A18-3)"
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\nL-1;2025-04-01 10:00;%s;1001;%s;1;phone\nL-2;2025-04-02 10:00;%s;1001;%s;1;phone\n' \
	"$p1" "$nut" "$p1" "$nut" >"$TMP/live.csv"
"$LMN" import orders "$TMP/live.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "an import while lmn serve has the store open" "0 2" "$? $(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'L-%'")"
lid=$(q "SELECT id FROM orders WHERE external_ref = 'L-2'")
check "the server reads an imported order after it" "200 $lid" \
	"$(curl -sS -o "$TMP/o.json" -w '%{http_code}' -H 'X-Remote-User: kundtjanst' "http://127.0.0.1:$sport/api/orders/$lid") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/o.json")"
kill $spid
wait $spid 2>/dev/null
if pg; then
	check "the store is sound" "ok" "$(sound)"
else
	check "the store stayed in WAL mode and is sound" "wal ok" "$(q "PRAGMA journal_mode") $(sound)"
fi
pg && dbq "DROP OWNED BY $role; DROP ROLE $role" >/dev/null
done_testing
