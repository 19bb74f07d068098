#!/usr/bin/env bash
# lmn import orders|deliveries|calls: history from the end-of-life system, due and contact dates from
# the rule engine as in force when each order was received, every error with its line, all or none.
. "$(dirname "$0")/tap.sh"
export LMN_NOW=2026-11-23T10:00
"$LMN" demo --db "$DB" >/dev/null 2>&1
q() {
	if [ -n "${LMN_TEST_PG:-}" ]; then
		dbq "$1" | head -n 1
	else
		python3 -c 'import sqlite3,sys; print("|".join(str(r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()))' "$TMP/lmn.db" "$1"
	fi
}
p1=$(q "SELECT id_number FROM patients WHERE id = 1")
p2=$(q "SELECT id_number FROM patients WHERE id = 2")
nut=$(q "SELECT article_number FROM articles WHERE area = 'nutrition' AND stocked = 1 AND acute_assortment = 0 ORDER BY id LIMIT 1")
inc=$(q "SELECT article_number FROM articles WHERE area = 'incontinence' AND stocked = 1 ORDER BY id LIMIT 1")
spec=$(q "SELECT article_number FROM articles WHERE special = 1 ORDER BY id LIMIT 1")
orders0=$(q "SELECT count(*) FROM orders")
# Orders whose number of lines, area or cost carrier is not as from their first line.
wrong_lines() { q "SELECT count(*) FROM orders o WHERE lines <> (SELECT count(*) FROM order_lines WHERE order_id = o.id) OR area IS NOT (SELECT a.area FROM order_lines l JOIN articles a ON a.id = l.article_id WHERE l.order_id = o.id ORDER BY l.id LIMIT 1) OR cost_unit_id IS NOT (SELECT p.unit_id FROM order_lines l JOIN prescription_items i ON i.id = l.prescription_item_id JOIN prescriptions p ON p.id = i.prescription_id WHERE l.order_id = o.id ORDER BY l.id LIMIT 1) OR care_provider_id IS NOT (SELECT care_provider_id FROM units WHERE id = o.cost_unit_id)"; }
# Days, care providers and areas whose report sums are not the sums of the orders.
wrong_sums() { q "WITH a AS (SELECT received_day AS day, coalesce(care_provider_id, 0) AS cp, coalesce(area, '') AS area, count(*) AS n, sum(channel = 'digital') AS dig, sum(channel = '1177') AS v1177, sum(contact_from IS NULL) AS ex, sum(contact_from IS NOT NULL AND first_delivered IS NOT NULL) AS del FROM orders WHERE status <> 'cancelled' AND area IS NOT NULL GROUP BY 1, 2, 3) SELECT count(*) FROM (SELECT day, cp, area, n, dig, v1177, ex, del FROM a EXCEPT SELECT day, care_provider_id, area, orders, digital, via_1177, exempt, delivered FROM report_order_days WHERE orders <> 0)"; }
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
"$LMN" import orders "$TMP/orders.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
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
check "the rule versions are kept" "1" "$(q "SELECT rules LIKE '%B3:6@2023-06-21%' FROM orders WHERE external_ref = 'G-4'")"
check "the lines draw on a historical prescription of the unit, who carries the cost" "2 1001 0" \
	"$(q "SELECT count(*), min(u.cost_centre), max(us.active) FROM order_lines l JOIN prescription_items i ON i.id = l.prescription_item_id JOIN prescriptions p ON p.id = i.prescription_id JOIN units u ON u.id = p.unit_id JOIN users us ON us.id = p.prescriber_id JOIN orders o ON o.id = l.order_id WHERE o.external_ref = 'G-1'" | tr '|' ' ')"
# The import writes the orders' report columns and daily sums itself (the insert triggers are set
# aside while it runs): they must be what the triggers give, and the triggers must be back.
check "the insert triggers are back after the import" "3" \
	"$(q "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name IN ('report_days_order_insert', 'report_order_first_line', 'order_lines_count')")"
# The import sets these triggers aside by name (history.c, insert_triggers) and writes what they
# would: a migration that adds a trigger on what the import writes must add it there too.
check "every trigger on the import's inserts (and item updates) is one the import does itself" \
	"order_lines_count report_days_order_insert report_order_first_line" \
	"$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('orders', 'order_lines', 'prescriptions', 'prescription_items', 'users', 'report_order_days') AND (sql LIKE '% INSERT ON %' OR (tbl_name IN ('prescription_items', 'report_order_days') AND sql LIKE '% UPDATE %')) ORDER BY name)")"
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
"$LMN" import deliveries "$TMP/deliveries.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "the deliveries import" "0 $(cat "$TMP/err")" "$? "
check_grep "it counts the shipments" "4 rader importerade: 3 leveranser" "$TMP/out"
check "a partial shipment for a backorder, then the rest: delivered in full, the backorder cleared" \
	"delivered 1,0 3 0" \
	"$(q "SELECT o.status, (SELECT group_concat(partial) FROM (SELECT partial FROM shipments WHERE order_id = o.id ORDER BY id)), (SELECT sum(shipped_quantity) FROM order_lines WHERE order_id = o.id), (SELECT max(backordered) FROM order_lines WHERE order_id = o.id) FROM orders o WHERE o.external_ref = 'G-1'" | tr '|' ' ')"
check "the first shipment recorded the backordered line" "1" "$(q "SELECT sum(sl.backordered) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id JOIN orders o ON o.id = s.order_id WHERE o.external_ref = 'G-1'")"
check "a delivery at 20:15 is a recorded deviation" "1" "$(q "SELECT count(*) FROM shipments WHERE delivery_deviation IS NOT NULL AND delivered_at LIKE '2020-01-09%'")"
check "a return" "returned" "$(q "SELECT status FROM orders WHERE external_ref = 'G-2'")"

cat >"$TMP/calls.csv" <<CSV
queued_at;answered_at;abandoned_at;topic
2023-11-15 10:00:00;2023-11-15 10:02:30;;order
2023-11-15 10:05:00;;2023-11-15 10:09:00;delivery
CSV
"$LMN" import calls "$TMP/calls.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
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
"$LMN" import orders "$TMP/bad.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
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
"$LMN" import orders "$TMP/cols.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_grep "an unknown column is named" 'rad 1: okänd kolumn "colour"' "$TMP/err"
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\nF-1;2099-01-02 10:00;%s;1001;%s;1;digital\n' "$p1" "$nut" >"$TMP/future.csv"
"$LMN" import orders "$TMP/future.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a time after the day of the import is refused (history, a mistyped year)" "1 yes" \
	"$? $(grep -q "rad 2, kolumn received_at: 2099-01-02 10:00 är efter importens dag" "$TMP/err" && echo yes)"
printf 'order_ref;shipment_ref;shipped_at;article_number;quantity\nG-4;S9;2023-06-22 07:00;%s;1\nX-9;S9;2023-06-22 07:00;%s;1\n' "$nut" "$nut" >"$TMP/dbad.csv"
"$LMN" import deliveries "$TMP/dbad.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_grep "a delivery of an article not on the order" "rad 2, kolumn article_number: artikeln .* finns inte på order G-4" "$TMP/err"
check_grep "a delivery of an unknown order" "rad 3, kolumn order_ref: ingen importerad order X-9" "$TMP/err"
"$LMN" import calls >"$TMP/out" 2>"$TMP/err"
check "no file is a usage error" "2" "$?"
check "the orders of the demo are untouched" "$((orders0 + 4))" "$(q "SELECT count(*) FROM orders")"

# A file with more orders than the store holds: the indexes the import does not read are set
# aside and built again at the end, exactly as they were.
indexes() { q "SELECT group_concat(name || ':' || sql, ' / ') FROM (SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)"; }
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
# built again, the commit.
if command -v script >/dev/null; then
	script -qec "'$LMN' import orders '$TMP/many.csv' --db '$DB'" /dev/null >"$TMP/out" 2>&1
else
	"$LMN" import orders "$TMP/many.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
fi
check "a file larger than the store is imported" "0 $n" "$? $(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'M-%'")"
if command -v script >/dev/null; then
	check "on a terminal the bar shows the rows, then the indexes built again, then the commit" \
		"importerar 100 bygger index 100 sparar 100" \
		"$(tr '\r' '\n' <"$TMP/out" | sed -n 's/^\(importerar\|bygger index\|sparar\) *\[#*\] *\(100\) %.*/\1 \2/p' | uniq | tr '\n' ' ' | sed 's/ $//')"
else
	ok "on a terminal the bar shows the rows, then the indexes built again, then the commit # SKIP no script(1)"
fi
check "its indexes are back as they were" "$indexes_before" "$(indexes)"
check "its orders through 1177 are in the report's daily sums (via_1177), as the triggers would count them" \
	"$(((n + 3) / 4)) 0" "$(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'M-%' AND channel = '1177'") $(wrong_sums)"
check "and the database is sound" "ok" "$(q "PRAGMA integrity_check")"
check "a patient's order list reads the imported orders from its index" \
	"$(q "SELECT count(*) FROM orders WHERE patient_id = 1")" \
	"$(q "SELECT count(*) FROM orders INDEXED BY orders_patient_list WHERE patient_id = 1")"
check "every reference the import wrote has its row (SQLite did not check them meanwhile)" "0" \
	"$(q "SELECT count(*) FROM pragma_foreign_key_check")"

# A small file asks the store for the historical prescriptions and items and the references of
# earlier imports (a large one reads them all at the start): its orders draw on those there.
rx_before=$(q "SELECT count(*) FROM prescriptions")
items_before=$(q "SELECT count(*) FROM prescription_items")
printf 'order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\nR-1;2025-03-03 10:00;%s;1001;%s;2;digital\nR-2;2025-03-04 10:00;%s;1003;%s;1;phone\n' \
	"$p1" "$nut" "$p2" "$inc" >"$TMP/small.csv"
"$LMN" import orders "$TMP/small.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a small file draws on the prescriptions and items imported before, and makes none" \
	"0 $rx_before $items_before 0" \
	"$? $(q "SELECT count(*) FROM prescriptions") $(q "SELECT count(*) FROM prescription_items") $(wrong_items)"
"$LMN" import orders "$TMP/small.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
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
"$LMN" import orders "$TMP/large.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a file of 25 000 orders is imported" "0 25000 30000" \
	"$? $(q "SELECT count(*) FROM orders WHERE external_ref LIKE 'S-%'") $(q "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_ref LIKE 'S-%'")"
check "its orders' lines, areas and cost carriers, the report's daily sums and the historical items are right" \
	"0 0 0" "$(wrong_lines) $(wrong_sums) $(wrong_items)"
check "its orders are numbered in the order of the file, after those before" "$((last + 1)) 24999" \
	"$(q "SELECT id FROM orders WHERE external_ref = 'S-0'") $(q "SELECT count(*) FROM orders o JOIN orders n ON n.id = o.id + 1 WHERE o.external_ref LIKE 'S-%' AND n.external_ref = 'S-' || (CAST(substr(o.external_ref, 3) AS INTEGER) + 1)")"
check "and the database is sound, every reference with its row" "ok 0" \
	"$(q "PRAGMA integrity_check") $(q "SELECT count(*) FROM pragma_foreign_key_check")"

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
"$LMN" import orders "$TMP/dups.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
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
"$LMN" import orders "$TMP/i18.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "orders of 2015 and 2016 are imported, decided by the original versions" "0" "$?"
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
"$LMN" import orders "$TMP/h.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "municipal staff's entries for people outside municipal housing are refused, as new orders" \
	"1 0" "$? $(q "SELECT count(*) FROM orders WHERE external_ref IN ('A18-5', 'A18-6')")"
check_grep "naming the order and the rule" \
	"order A18-5: Kommunens personal kan bara beställa åt personer i kommunalt boende. (regel ordering@2018-05-01)" "$TMP/err"
check_grep "also before 2018" "order A18-6: Kommunens personal kan bara beställa" "$TMP/err"
mkdir "$TMP/rules-off"
cp "$LMN_RULES_DIR"/*.rules "$TMP/rules-off/"
sed -i 's/^municipal_entry_housing_only = true$/municipal_entry_housing_only = false/' "$TMP/rules-off/ordering.rules"
"$LMN" import orders "$TMP/h.csv" --db "$DB" --rules "$TMP/rules-off" >"$TMP/out" 2>"$TMP/err"
check "with the parameter off they are imported" "0 2" \
	"$? $(q "SELECT count(*) FROM orders WHERE external_ref IN ('A18-5', 'A18-6')")"
# G-3 (special, 2023-06-20) and G-4 (special, 2023-06-21) are delivered late, on 2023-07-10.
printf 'order_ref;shipment_ref;shipped_at;article_number;quantity;delivered_at\nG-3;SG-3;2023-07-10 08:00;%s;1;2023-07-10 12:00\nG-4;SG-4;2023-07-10 08:00;%s;1;2023-07-10 12:00\n' \
	"$spec" "$spec" >"$TMP/late.csv"
"$LMN" import deliveries "$TMP/late.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "the late deliveries of G-3 and G-4 are imported" "0" "$?"

# An import takes a store nobody else has open alone, with a rollback journal; the store is in WAL
# mode again after it (above). With lmn serve running on it, the import shares it in WAL mode and
# the server answers before and after, seeing the imported orders.
check "after the imports the store is in WAL mode, with no journal left" "wal no" \
	"$(q "PRAGMA journal_mode") $([ -e "$TMP/lmn.db-journal" ] && echo yes || echo no)"
"$LMN" serve --db "$DB" --port 0 --trusted-proxy-header X-Remote-User \
	>"$TMP/serve.out" 2>"$TMP/serve.err" &
spid=$!
trap 'kill $spid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do
	sport=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.out")
	[ -n "$sport" ] && break
	sleep 0.05
done
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
check "the store stayed in WAL mode and is sound" "wal ok" "$(q "PRAGMA journal_mode") $(q "PRAGMA integrity_check")"
done_testing
