#!/usr/bin/env bash
# Follow-up and money on a small hand-made data set with known answers, in 2023 (before the demo's
# two years): the 2023 T3 key figures split at the 2023-11-16 phone-target change, per area and care
# provider; the October 2023 invoice basis over a price and a fee change to the öre; the surplus
# repayment; fees over the API. Through `lmn report` and the API.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

login admin
login kundtjanst
# The data as SQL for both engines; each new row's id is kept by name in the temporary table ids.
python3 - <<'EOF' | dbscript
class Raw(str):
    pass
def lit(v):
    if isinstance(v, Raw):
        return v
    return "NULL" if v is None else str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"
def ins(table, name=None, **cols):
    print("INSERT INTO %s (%s) VALUES (%s);" % (table, ", ".join(cols), ", ".join(map(lit, cols.values()))))
    if name:
        print("INSERT INTO ids (name, id) SELECT '%s', max(id) FROM %s;" % (name, table))
def id_of(name):
    return Raw("(SELECT id FROM ids WHERE name = '%s')" % name)
print("CREATE TEMPORARY TABLE ids (name text PRIMARY KEY, id bigint NOT NULL);")
x = Raw("(SELECT min(id) FROM articles WHERE area = 'nutrition')")
y = Raw("(SELECT min(id) FROM articles WHERE area = 'incontinence')")
# Prices: X 100,00 kr until 2023-10-15, 120,00 kr from 2023-10-16; Y 25,50 kr.
for art, day, ore in ((x, "2023-01-01", 10000), (x, "2023-10-16", 12000), (y, "2023-01-01", 2550)):
    ins("article_prices", article_id=art, valid_from=day, price_ore=ore)
# Fees: delivery 50,00 kr, from 2023-10-16 60,00 kr; acute 150,00; per line 2,50; return 70,00.
for kind, day, ore in (("delivery", "2023-01-01", 5000), ("delivery", "2023-10-16", 6000),
                       ("acute_delivery", "2023-01-01", 15000), ("order_line", "2023-01-01", 250),
                       ("return", "2023-01-01", 7000)):
    ins("fees", kind=kind, valid_from=day, amount_ore=ore, created_at="2023-01-01T00:00:00+01:00")
ins("prescriptions", "rx1", patient_id=1, prescriber_id=3, unit_id=1, prescribed_on="2023-08-01", created_at="2023-08-01T10:00:00+02:00")
ins("prescriptions", "rx2", patient_id=3, prescriber_id=5, unit_id=5, prescribed_on="2023-08-01", created_at="2023-08-01T10:00:00+02:00")
ins("prescription_items", "it1", prescription_id=id_of("rx1"), article_id=x, withdrawals_allowed=12, withdrawals_remaining=0, quantity_per_withdrawal=2, period_days=30, last_valid="2024-07-31")
ins("prescription_items", "it2", prescription_id=id_of("rx2"), article_id=y, withdrawals_allowed=12, withdrawals_remaining=0, quantity_per_withdrawal=1, period_days=30, last_valid="2024-07-31")
n = 0
def order(patient, item, art, qty, kind, channel, received, due, contact, status, ship=None):
    global n
    n += 1
    o, line, s = "o%d" % n, "l%d" % n, "s%d" % n
    ins("orders", o, patient_id=patient, kind=kind, channel=channel, requested_by="patient", entered_by="patient",
        received_at=received + "T10:00:00+01:00", received_day=received, due=due, contact_from=contact,
        rules="B3:1@2018-05-01", delivery_method="home", status=status)
    ins("order_lines", line, order_id=id_of(o), article_id=art, prescription_item_id=id_of(item), quantity=qty,
        shipped_quantity=qty if ship else 0)
    if ship:
        delivered, partial, outcome, outcome_at = ship
        ins("shipments", s, order_id=id_of(o), shipped_at=received + "T16:00:00+01:00", partial=partial,
            delivered_at=delivered and delivered + "T12:00:00+01:00", outcome=outcome,
            outcome_at=outcome_at and outcome_at + "T12:00:00+01:00")
        ins("shipment_lines", shipment_id=id_of(s), order_line_id=id_of(line), quantity=qty, backordered=0)
    return o
# Region, nutrition:
order(1, "it1", x, 2, "normal", "digital", "2023-10-02", "2023-10-06", "2023-10-10", "delivered", ("2023-10-05", 0, "delivered", "2023-10-05"))
a2 = order(1, "it1", x, 1, "normal", "phone", "2023-10-09", "2023-10-13", "2023-10-17", "delivered", ("2023-10-17", 0, "delivered", "2023-10-17"))
ins("contact_cases", order_id=id_of(a2), opened_on="2023-10-17")
order(1, "it1", x, 1, "acute", "digital", "2023-11-20", "2023-11-21", "2023-11-28", "partially_delivered", ("2023-11-21", 1, "delivered", "2023-11-21"))
order(1, "it1", x, 1, "normal", "phone", "2023-12-27", "2024-01-02", "2024-01-04", "received")
# Through the national patient portal 1177: a special product (no contact date), not delivered yet.
order(1, "it1", x, 1, "normal", "1177", "2023-11-06", "2023-11-13", None, "received")
# Borås, incontinence: one exempt from delay contact (no contact date), one returned.
order(3, "it2", y, 1, "normal", "municipal", "2023-09-15", "2023-09-21", None, "delivered", ("2023-09-20", 0, "delivered", "2023-09-20"))
order(3, "it2", y, 1, "normal", "municipal", "2023-10-20", "2023-10-26", "2023-10-30", "returned", (None, 0, "returned", "2023-10-27"))
order(3, "it2", y, 1, "normal", "municipal", "2023-10-23", "2023-10-27", "2023-10-31", "cancelled")
# Calls: waits in seconds, None = abandoned.
for day, waits in (("2023-11-15", (60, 170, 200, None)), ("2023-11-16", (60, 200, 299, 301)),
                   ("2023-11-17", (30, 30, 30, 30))):
    for w in waits:
        q = day + "T10:00:00+01:00"
        end = day + "T10:%02d:%02d+01:00" % ((w or 90) // 60, (w or 90) % 60)
        ins("calls", queued_at=q, answered_at=end if w else None, abandoned_at=None if w else end, topic="order")
print("DROP TABLE ids;")
EOF
check "the hand-made 2023 data is in" "0 0" "${PIPESTATUS[*]}"

"$LMN" report tertial 2023 3 --db "$DB" --as-of 2026-11-23 >"$TMP/t3.json" 2>"$TMP/err"
check "lmn report tertial 2023 3 exits 0" "0" "$?"
t3() { json "$1" <"$TMP/t3.json"; }
check "2023 T3 is split at 2023-11-16" "2023-09-01..2023-11-15 3 85.00 | 2023-11-16..2023-12-31 5 80.00" \
	"$(t3 '" | ".join(p["from"]+".."+p["to"]+" "+str(p["phone_answer_minutes"])+" "+p["phone_answer_target"] for p in d["parts"])')"
tot='d["groups"][0]["figures"]'
check "phone: 2 of 4 within 3 min before, 7 of 8 within 5 min from the change" \
	"2/4 50.00 85.00 False B6:1@2018-05-01 | 7/8 87.50 80.00 True B6:1@2023-11-16" \
	"$(t3 '" | ".join("%d/%d %s %s %s %s" % (p["numerator"], p["denominator"], p["share"], p["target"], p["met"], p["rule"]) for p in '"$tot"'["phone_accessibility"]["parts"])')"
check "phone over the whole tertial has no single target" "9/12 75.00 None" \
	"$(t3 '"%d/%d %s %s" % ('"$tot"'["phone_accessibility"]["numerator"], '"$tot"'["phone_accessibility"]["denominator"], '"$tot"'["phone_accessibility"]["share"], '"$tot"'["phone_accessibility"].get("target"))')"
check "delivery reliability: 2 of 5 settled orders on time, the exempt and the cancelled left out" \
	"2/5 40.00 98.00 False" \
	"$(t3 '"%d/%d %s %s %s" % tuple('"$tot"'["delivery_reliability"][k] for k in ("numerator","denominator","share","target","met"))')"
check "reliability per part: 1 of 3, then 1 of 2" "33.33 50.00" \
	"$(t3 '" ".join(p["share"] for p in '"$tot"'["delivery_reliability"]["parts"])')"
check "share via 1177, share on the own patient pages, lines, contact cases, past the contact date, partial, returns" \
	"1/7 2/7 4 1 3 1 1" \
	"$(t3 '"%d/%d %d/%d %d %d %d %d %d" % ('"$tot"'["share_1177"]["numerator"], '"$tot"'["share_1177"]["denominator"], '"$tot"'["own_pages_share"]["numerator"], '"$tot"'["own_pages_share"]["denominator"], '"$tot"'["delivered_order_lines"]["count"], '"$tot"'["contact_cases"]["count"], '"$tot"'["past_contact_date"]["count"], '"$tot"'["partial_deliveries"]["count"], '"$tot"'["returns"]["count"])')"
# Every product area of the list has its group, also those without orders (issue 18).
check "per area and care provider" \
	"Nutrition 2/4 | Inkontinens 0/1 | Diabetes 0/0 | Stomi 0/0 | Västra Götalandsregionen (demo) 2/4 | Borås kommun (demo) 0/1" \
	"$(t3 '" | ".join("%s %d/%d" % (g["name"], g["figures"]["delivery_reliability"]["numerator"], g["figures"]["delivery_reliability"]["denominator"]) for g in d["groups"][1:])')"
check "the trend holds the eight tertials up to 2023 T3" "8 2021 T2 2023 T3 9" \
	"$(t3 '"%d %s %s %d" % (len(d["trend"]), d["trend"][0]["label"], d["trend"][-1]["label"], d["trend"][-1]["figures"]["phone_accessibility"]["numerator"])')"

"$LMN" report tertial 2023 3 --db "$DB" --as-of 2026-11-23 --format csv >"$TMP/t3.csv"
check_grep "CSV: a line per part with its target and rule" \
	"^2023 T3;total;Totalt;phone_accessibility;2023-11-16;2023-12-31;87,50;7;8;80,00;5;ja;B6:1@2023-11-16" "$TMP/t3.csv"
check_grep "CSV: the whole period" "^2023 T3;total;Totalt;delivery_reliability;2023-09-01;2023-12-31;40,00;2;5;98,00;;nej;" "$TMP/t3.csv"
check_grep "CSV: the share via 1177 by its own key" "^2023 T3;total;Totalt;share_1177;2023-09-01;2023-12-31;14,29;1;7;" "$TMP/t3.csv"
check_grep "CSV: the own patient pages beside it" "^2023 T3;total;Totalt;own_pages_share;2023-09-01;2023-12-31;28,57;2;7;" "$TMP/t3.csv"
"$LMN" report year 2023 --db "$DB" --as-of 2026-11-23 >"$TMP/y.json"
check "the year report has the same orders" "7 2023" \
	"$(json '"%d %s" % (d["groups"][0]["figures"]["share_1177"]["denominator"], d["period"]["label"])' <"$TMP/y.json")"
"$LMN" report tertial 2023 4 --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "tertial 4 is a usage error" "2" "$?"

# --- The invoice basis of October 2023 ---
"$LMN" report invoice 2023-10 --db "$DB" >"$TMP/inv.json"
check "invoice: product at the price of the delivery day, fees as in force, to the öre" \
	"1001 32000 11000 500 0 43500 | 2001 0 0 0 7000 7000 | 50500" \
	"$(json '" | ".join("%s %d %d %d %d %d" % (l["cost_centre"], l["product_ore"], l["fees"]["delivery"]["amount_ore"], l["fees"]["order_line"]["amount_ore"], l["fees"]["return"]["amount_ore"], l["total_ore"]) for l in d["lines"]) + " | %d" % d["total_ore"]' <"$TMP/inv.json")"
"$LMN" report invoice 2023-10 --db "$DB" --format csv >"$TMP/inv.csv"
check_grep "invoice CSV sums every column" "^;Summa;;320,00;2;110,00;0;0,00;2;5,00;1;70,00;505,00;" "$TMP/inv.csv"
"$LMN" report repayment 2023 100 --db "$DB" >"$TMP/rep.json"
check "100 öre of surplus over 707,50 and 148,00 kr charged: 83 and 17" "70750:83 14800:17 100" \
	"$(json '" ".join("%d:%d" % (p["charged_ore"], p["repaid_ore"]) for p in d["care_providers"]) + " %d" % d["repaid_ore"]' <"$TMP/rep.json")"

# --- The same over the API ---
check "an admin gets the key figures" "200" "$(status admin GET '/api/reports/key-figures?year=2023&tertial=3')"
check "the API gives the lmn report figures" "$(t3 "$tot"'["delivery_reliability"]["share"]')" \
	"$(body admin GET '/api/reports/key-figures?year=2023&tertial=3' | json 'd["groups"][0]["figures"]["delivery_reliability"]["share"]')"
check "customer service may not" "403" "$(status kundtjanst GET '/api/reports/key-figures?year=2023&tertial=3')"
curl -sS -b "$TMP/admin.jar" -o "$TMP/api.csv" -w '%{content_type}' "$B/api/reports/invoice-basis?month=2023-10&format=csv" >"$TMP/ctype"
check "the invoice basis as CSV" "text/csv; charset=utf-8" "$(cat "$TMP/ctype")"
check "it is the file lmn report writes" "" "$(diff "$TMP/api.csv" "$TMP/inv.csv")"
check "a month must be YYYY-MM" "400 month" "$(req admin GET '/api/reports/invoice-basis?month=2023-13' | { read -r s b; echo "$s $(echo "$b" | json 'd["field"]')"; })"
check "repayment over the API" "83" "$(body admin GET '/api/reports/surplus-repayment?year=2023&surplus_ore=100' | json 'd["care_providers"][0]["repaid_ore"]')"
check "a fee cannot start in the past" "422 fee_in_past" \
	"$(req admin POST /api/fees '{"kind":"delivery","valid_from":"2026-01-01","amount_ore":100}' | { read -r s b; echo "$s $(echo "$b" | json 'd["code"]')"; })"
check "a fee from tomorrow is set" "201" "$(status admin POST /api/fees '{"kind":"return","valid_from":"2026-11-24","amount_ore":9000}')"
check "the fee list shows it, and what is in force today" "8000 True 9000 False" \
	"$(body admin GET /api/fees | json '" ".join("%d %s" % (f["amount_ore"], f["in_force"]) for f in d["fees"] if f["kind"] == "return" and f["valid_from"] >= "2026")')"
# Issue 20: the same day again with another amount asks first; the same amount changes nothing.
check "a second fee from the same day is not silently overwritten" "409 fee_exists valid_from 9000" \
	"$(req admin POST /api/fees '{"kind":"return","valid_from":"2026-11-24","amount_ore":9100}' | { read -r s b; echo "$s $(echo "$b" | json 'd["code"]+" "+d["field"]+" "+str(d["current_amount_ore"])')"; })"
check "the fee is as it was" "9000" \
	"$(body admin GET /api/fees | json '" ".join(str(f["amount_ore"]) for f in d["fees"] if f["kind"] == "return" and f["valid_from"] == "2026-11-24")')"
check "the same amount again is no change" "201 False" \
	"$(req admin POST /api/fees '{"kind":"return","valid_from":"2026-11-24","amount_ore":9000}' | { read -r s b; echo "$s $(echo "$b" | json 'd["replaced"]')"; })"
check "replacing it when asked to" "201 True 9100" \
	"$(req admin POST /api/fees '{"kind":"return","valid_from":"2026-11-24","amount_ore":9100,"replace":true}' | { read -r s b; echo "$s $(echo "$b" | json 'd["replaced"]')"; }) $(body admin GET /api/fees | json '" ".join(str(f["amount_ore"]) for f in d["fees"] if f["kind"] == "return" and f["valid_from"] == "2026-11-24")')"
check "an unknown fee kind is refused" "400 kind" \
	"$(req admin POST /api/fees '{"kind":"per_parcel","valid_from":"2026-12-01","amount_ore":1}' | { read -r s b; echo "$s $(echo "$b" | json 'd["field"]')"; })"

# --- Later changes reach the report: an order cancelled, an order delivered after all ---
dbscript <<'EOF2'
UPDATE orders SET status = 'cancelled' WHERE received_day = '2023-10-02' AND patient_id = 1 AND channel = 'digital';
UPDATE orders SET channel = '1177' WHERE received_day = '2023-10-09' AND patient_id = 1;
INSERT INTO shipments (order_id, shipped_at, partial, delivered_at, outcome, outcome_at)
    SELECT id, '2023-12-28T08:00:00+01:00', 0, '2024-01-02T12:00:00+01:00', 'delivered', '2024-01-02T12:00:00+01:00'
      FROM orders WHERE received_day = '2023-12-27' AND patient_id = 1;
INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, backordered)
    SELECT (SELECT max(id) FROM shipments), l.id, 1, 0
      FROM order_lines l JOIN orders o ON o.id = l.order_id
     WHERE o.received_day = '2023-12-27' AND o.patient_id = 1;
EOF2
"$LMN" report tertial 2023 3 --db "$DB" --as-of 2026-11-23 >"$TMP/t3b.json"
check "a cancelled order leaves the figures, one moved to 1177 counts there; one delivered on its due date counts as on time" \
	"2/6 1/6 2/4 2" \
	"$(json '"%d/%d %d/%d %d/%d %d" % (d["groups"][0]["figures"]["share_1177"]["numerator"], d["groups"][0]["figures"]["share_1177"]["denominator"], d["groups"][0]["figures"]["own_pages_share"]["numerator"], d["groups"][0]["figures"]["own_pages_share"]["denominator"], d["groups"][0]["figures"]["delivery_reliability"]["numerator"], d["groups"][0]["figures"]["delivery_reliability"]["denominator"], d["groups"][0]["figures"]["past_contact_date"]["count"])' <"$TMP/t3b.json")"
done_testing
