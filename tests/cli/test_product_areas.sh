#!/usr/bin/env bash
# Product areas are a code list kept as data (issue 18): diabetes and stoma belong to LMN beside
# nutrition and incontinence, and an area outside the list is refused by the assortment import,
# the articles API and the rule files, at `lmn serve` start-up too.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

q() { dbq "$1" | tr '|' ' ' | paste -sd'|'; }

# --- The list in the store ---
check "the list: code, Swedish name and the 1177 contract's value" \
	"nutrition Nutrition NUTRITION|incontinence Inkontinens INKONTINENS|diabetes Diabetes DIABETES|stoma Stomi STOMI" \
	"$(q "SELECT code, name, code_1177 FROM product_areas ORDER BY position")"
check "articles.area refers to the list, and every article's area is in it" "product_areas|" \
	"$(db_references articles area)|$(q "SELECT article_number FROM articles
	                                      WHERE area NOT IN (SELECT code FROM product_areas)")"
check "articles keeps its other keys, its CHECKs and its columns" "suppliers|11" \
	"$(db_references articles supplier_id)|$(db_columns articles)"
check "the store refuses an article of an area not in the list" "yes" \
	"$(dbq_refused "INSERT INTO articles (article_number, name, area, unit, package_size, supplier_id,
	                                      stocked, acute_assortment, special)
	                VALUES ('Z1', 'Tandborste', 'dentistry', 'st', 1, 1, 1, 0, 0)" \
		'FOREIGN KEY constraint failed\|violates foreign key constraint "articles_area_fkey"')"

# --- The demo ---
check "the demo has diabetes and stoma articles, with prices" "diabetes 5 5|stoma 5 5" \
	"$(q "SELECT area, count(*), count((SELECT 1 FROM article_prices p WHERE p.article_id = a.id AND p.valid_from = '2026-01-30')) FROM articles a WHERE area IN ('diabetes', 'stoma') GROUP BY area ORDER BY area")"
check "two demo patients have an active prescription item of the new areas" "3 diabetes|4 stoma" \
	"$(q "SELECT r.patient_id, a.area FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id JOIN articles a ON a.id = i.article_id WHERE a.area IN ('diabetes', 'stoma') AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' ORDER BY r.patient_id")"

# --- The articles API ---
login admin
check "GET /api/articles?area=diabetes lists the diabetes articles" "5 True" \
	"$(curl -sS -b "$TMP/admin.jar" "$B/api/articles?area=diabetes" | json '"%d %s" % (len(d["articles"]), all(a["area"] == "diabetes" for a in d["articles"]))')"
check "an area outside the list is a 400 naming the field and the list" \
	"400 area area ska vara nutrition, incontinence (inkontinens), diabetes eller stoma (stomi)." \
	"$(curl -sS -b "$TMP/admin.jar" -w ' %{http_code}' "$B/api/articles?area=dentistry" | python3 -c 'import json,sys; t=sys.stdin.read(); b,s=t.rsplit(" ",1); d=json.loads(b); print(s, d["field"], d["detail"])')"

# --- The assortment import ---
{
	printf 'article_number;name;area;unit;package_size;supplier;stocked;price;price_from\n'
	printf 'D90001;Teststickor demo;diabetes;förp;50;Exempel AB;ja;240,00;2026-12-01\n'
	printf 'S90001;Stomipåse demo;stoma;förp;30;Exempel AB;ja;650,00;2026-12-01\n'
	printf 'S90002;Basplatta demo;Stomi;förp;10;Exempel AB;ja;550,00;2026-12-01\n'
} >"$TMP/new.csv"
"$LMN" import assortment "$TMP/new.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "rows of diabetes and stoma (by code or Swedish name) import" "0" "$?"
check "they are stored with the area's code" "D90001 diabetes|S90001 stoma|S90002 stoma" \
	"$(q "SELECT article_number, area FROM articles WHERE article_number LIKE 'D9000%' OR article_number LIKE 'S9000%' ORDER BY article_number")"
{
	printf 'article_number;name;area;unit;package_size;supplier;stocked;price;price_from\n'
	printf 'D90002;Lansetter demo;diabetes;förp;200;Exempel AB;ja;90,00;2026-12-01\n'
	printf 'T90001;Tandborste demo;dentistry;st;1;Exempel AB;ja;20,00;2026-12-01\n'
} >"$TMP/bad.csv"
"$LMN" import assortment "$TMP/bad.csv" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a row of an unknown area refuses the file" "1" "$?"
check_grep "the message names the line, the field and the areas there are, in Swedish" \
	'rad 3, kolumn area: "dentistry" är inget känt produktområde; ange nutrition, incontinence (inkontinens), diabetes eller stoma (stomi)' "$TMP/err"
check "nothing of that file was written" "0" "$(q "SELECT count(*) FROM articles WHERE article_number IN ('D90002', 'T90001')")"

# --- Reports per area: every area there is ---
"$LMN" report tertial 2026 3 --db "$DB" --as-of 2026-11-23 >"$TMP/t.json"
check "the report has a group for every area of the list" "Nutrition|Inkontinens|Diabetes|Stomi" \
	"$(json '"|".join(g["name"] for g in d["groups"] if g["kind"] == "area")' <"$TMP/t.json")"
check "with each area's code" "nutrition incontinence diabetes stoma" \
	"$(json '" ".join(g["area"] for g in d["groups"] if g["kind"] == "area")' <"$TMP/t.json")"
form_login "$TMP/web-admin.jar" admin demo2026 >/dev/null
curl -sS -b "$TMP/web-admin.jar" -o "$TMP/page.html" "$B/admin/rapporter?ar=2026&tertial=3"
check_grep "the report page has a row for diabetes" '<th scope="row"[^>]*>Diabetes</th>' "$TMP/page.html"
check_grep "and for stoma" '<th scope="row"[^>]*>Stomi</th>' "$TMP/page.html"
curl -sS -b "$TMP/web-admin.jar" -o "$TMP/page.html" "$B/admin/sortiment?omrade=stoma"
check_grep "the assortment page filters by every area" '<option value="stoma" selected>Stomi</option>' "$TMP/page.html"
check_grep "and shows the area's Swedish name" '<td data-label="Område">Stomi</td>' "$TMP/page.html"

# --- Rule files naming areas ---
mkdir -p "$TMP/rules"
cp "${LMN_RULES_DIR:?}"/*.rules "$TMP/rules/"
sed -i 's/^express_areas = nutrition$/express_areas = nutrition, diabetes/' "$TMP/rules/B3-3.rules"
"$LMN" rules check --rules "$TMP/rules" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a rule may name any area of the list" "0" "$?"
sed -i 's/^express_areas = nutrition, diabetes$/express_areas = nutrition, dentistry/' "$TMP/rules/B3-3.rules"
line=$(grep -n '^express_areas' "$TMP/rules/B3-3.rules" | cut -d: -f1)
"$LMN" rules check --rules "$TMP/rules" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check "a rule naming an area outside the list is refused" "1" "$?"
check_grep "naming the file, the line, the parameter and the list" \
	"B3-3.rules:$line: express_areas: unknown product area 'dentistry' (the product areas are: nutrition, incontinence (inkontinens), diabetes, stoma (stomi); or none)" "$TMP/err"
serve bad --rules "$TMP/rules"
check "lmn serve does not start with it" "" "$serve_port"
wait "$serve_pid" 2>/dev/null
check "it exits 1" "1" "$?"
check_grep "and says why" "B3-3.rules:$line: express_areas: unknown product area 'dentistry'" "$TMP/bad.err"
done_testing
