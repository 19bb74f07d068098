#!/usr/bin/env bash
# The administration's follow-up pages against the real `lmn serve`: key figures with their SVG
# charts (title, description, axes) and the tables beside them, the split at a target change, the
# invoice basis with the demo's example amounts, the surplus repayment, and the fee tables; and the
# same report as an HTML file from `lmn report --format html`.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

wlogin() {
	form_login "$TMP/web-$1.jar" "$1" "demo2026"
}
get() { curl -sS -b "$TMP/web-$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"; }
csrf() {
	curl -sS -b "$TMP/web-$1.jar" "$B/" -L | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 |
		sed 's/.*value="//; s/"$//'
}
post() {
	local user=$1 path=$2
	shift 2
	curl -sS -b "$TMP/web-$user.jar" -D "$TMP/headers" -o "$TMP/page.html" -w '%{http_code}' \
		--data-urlencode "_csrf=$(csrf "$user")" "$@" "$B$path"
}
count() { grep -o -- "$1" "$TMP/page.html" | wc -l | tr -d ' '; }

login admin
wlogin admin >/dev/null
wlogin patient >/dev/null
check "the report page of 2025 T3" "200" "$(get admin '/admin/rapporter?ar=2025&tertial=3')"
check_grep "it is titled with the period" "<h1>Uppföljning 2025 T3</h1>" "$TMP/page.html"
check "two charts, each an image with a title and a description" "2 2 2" \
	"$(count '<figure class="chart">') $(count '<title id="[a-z]*-t">') $(count '<desc id="[a-z]*-d">')"
check_grep "the y axis is labelled" "Andel (procent)" "$TMP/page.html"
check_grep "each chart has its data in a table beside it" "<caption>Trend per tertial</caption>" "$TMP/page.html"
check "the trend has eight tertials" "8" "$(sed -n '/<caption>Trend per tertial/,/<\/table>/p' "$TMP/page.html" | grep -c '<tr><th scope="row">')"
nb=$(printf '\302\240') # the no-break space of "80,00 %" and "182 223,00 kr"
check_grep "the target in force and its rule, the percent joined to its number" "80,00${nb}% inom 5 minuter" "$TMP/page.html"
check "the rule in force cited as people cite it, not as the code names its version" "yes 0" \
	"$(grep -q '<td>Specifikation B 6:1, från 2023-11-16</td>' "$TMP/page.html" && echo yes) $(grep -c 'B6:1@' "$TMP/page.html")"
check "no percentage in a cell can wrap before its sign (issue 20)" "0" "$(grep -c '[0-9] %' "$TMP/page.html")"
# Issue 20: the charts' axes show the difference between 93 % and 95 %; the target line has its
# label; value labels never cross the target line or each other (estimated at 7 units a character).
python3 - "$TMP/page.html" >"$TMP/charts.txt" <<'EOF2'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
svg = re.search(r'aria-labelledby="groups-t.*?</svg>', html, re.S).group(0)
ticks = re.findall(r'text-anchor="middle">(\d+)\u00a0%</text>', svg)
xt = int(re.search(r'<line x1="(\d+)"[^>]*class="target"', svg).group(1))
labels = [(int(x), int(y), t) for x, y, t in re.findall(r'<text x="(\d+)" y="(\d+)" class="tick(?: inbar)?" aria-hidden="true">([^<]*)</text>', svg)]
cross = [t for x, y, t in labels if x - 3 <= xt <= x + 7 * len(t) + 3]
print("groups axis", ticks[0], ticks[-1], "labels", len(labels), "crossing", len(cross),
      "target label", bool(re.search(r'>Mål \d+,\d\u00a0%</text>', svg)))
trend = re.search(r'aria-labelledby="trend-t.*?</svg>', html, re.S).group(0)
tt = re.findall(r'text-anchor="end">(\d+)\u00a0%</text>', trend)
# A turned label runs upwards from (x, y): a target mark in its column must not lie on it.
marks = [(int(a), int(b), int(c)) for a, b, c in re.findall(r'<line x1="(\d+)" y1="(\d+)" x2="(\d+)" y2="\d+" class="target"/>', trend)]
tl = [(int(x), int(y), t) for x, y, t in re.findall(r'<text x="(\d+)" y="(\d+)" class="tick" transform="rotate[^"]*" aria-hidden="true">([^<]*)</text>', trend)]
hit = [t for x, y, t in tl for x1, ym, x2 in marks if x1 <= x - 6 and x <= x2 + 6 and y - 7 * len(t) - 3 <= ym <= y + 3]
cols = sorted(x for x, y, t in tl)
print("trend axis", tt[0], tt[-1], "labels", len(tl), "crossing", len(hit), "apart",
      all(b - a >= 14 for a, b in zip(cols, cols[1:])))
EOF2
check "the bar chart's axis starts near the values, not at 0" "groups axis 93 98" "$(head -1 "$TMP/charts.txt" | cut -d' ' -f1-4)"
check "each bar has its value, none across the target line, which is labelled" "labels 5 crossing 0 target label True" \
	"$(head -1 "$TMP/charts.txt" | cut -d' ' -f5-)"
check "the trend's axis too" "trend axis 75 100" "$(sed -n 2p "$TMP/charts.txt" | cut -d' ' -f1-4)"
check "its values stand in their own columns, clear of the targets' marks" "labels 8 crossing 0 apart True" \
	"$(sed -n 2p "$TMP/charts.txt" | cut -d' ' -f5-)"
# The digital share via 1177 (DOMAIN.md §6) and, beside it, lmn's own patient pages, with the API's
# numbers.
share() { body admin GET '/api/reports/key-figures?year=2025&tertial=3' | json '"%d av %d" % (d["groups"][0]["figures"]["'"$1"'"]["numerator"], d["groups"][0]["figures"]["'"$1"'"]["denominator"])'; }
check "the share via 1177 is a row of the key figures, with its basis" "1" \
	"$(count "<th scope=\"row\" data-label=\"Nyckeltal\">Andel beställningar via 1177</th><td class=\"num\" data-label=\"Värde\">[0-9]*,[0-9]*${nb}%</td><td class=\"num\" data-label=\"Underlag\">$(share share_1177)</td>")"
check "the own patient pages beside it" "1" \
	"$(count "<th scope=\"row\" data-label=\"Nyckeltal\">Andel via lmn:s egna patientsidor</th><td class=\"num\" data-label=\"Värde\">[0-9]*,[0-9]*${nb}%</td><td class=\"num\" data-label=\"Underlag\">$(share own_pages_share)</td>")"
check "the trend shows both" "1 1" "$(count '<th scope="col" class="num">Andel via 1177</th>') $(count '<th scope="col" class="num">Andel via egna patientsidor</th>')"
check_grep "per care provider" "<caption>Nyckeltal per vårdgivare</caption>" "$TMP/page.html"
check_grep "CSV and JSON to download" 'href="/api/reports/key-figures?year=2025&amp;tertial=3&amp;format=csv"' "$TMP/page.html"
check "a tertial over the 2023-11-16 change" "200" "$(get admin '/admin/rapporter?ar=2023&tertial=3')"
check_grep "says the target changed and shows both" "Ett mål ändrades under perioden" "$TMP/page.html"
check "two parts with their own targets" "1 1" "$(count "85,00${nb}% inom 3 minuter") $(count "80,00${nb}% inom 5 minuter")"
check "a patient may not see reports" "403" "$(get patient '/admin/rapporter')"

check "the invoice basis page" "200" "$(get admin '/admin/fakturaunderlag?manad=2026-02')"
check_grep "the demo's fees are labelled as examples" "exempelbelopp" "$TMP/page.html"
total=$(body admin GET '/api/reports/invoice-basis?month=2026-02' | json 'd["total_ore"]')
kronor=$(python3 -c "t = $total; print(f'{t // 100:,}'.replace(',', '\u00a0') + ',%02d' % (t % 100))")
check_grep "its total is the API's, in kronor with thousands separators" "<strong>$kronor${nb}kr</strong>" "$TMP/page.html"
check "no amount without its thousands separator (issue 20)" "0" "$(grep -c '[0-9]\{4\},[0-9][0-9] kr' "$TMP/page.html")"
check "each cost centre with its unit's name (issue 20)" "yes yes" \
	"$(grep -q '<td>1001 <span class="muted">Vårdcentralen Solgläntan</span></td>' "$TMP/page.html" && echo yes) $(body admin GET '/api/reports/invoice-basis?month=2026-02' | json '"yes" if all(l["cost_centre_name"] for l in d["lines"]) else "no"')"
check "the surplus repayment" "200" "$(get admin '/admin/fakturaunderlag?manad=2026-02&ar=2025&overskott=3800000')"
check_grep "repaid in full, to the öre" "<strong>3${nb}800${nb}000,00${nb}kr</strong>" "$TMP/page.html"

check "the fee tables" "200" "$(get admin '/admin/avgifter')"
check_grep "with the demo's example amounts (a remark that may wrap)" "52,00${nb}kr<span class=\"remark\"> (exempelbelopp)</span>" "$TMP/page.html"
check "a fee from the past is refused" "422" "$(post admin /admin/avgifter --data-urlencode slag=delivery --data-urlencode belopp=55,00 --data-urlencode giltig_fran=2026-01-01)"
check_grep "with the reason next to the date" 'giltig_fran-fel' "$TMP/page.html"
check "a fee from next month is saved" "303" "$(post admin /admin/avgifter --data-urlencode slag=delivery --data-urlencode belopp=55,00 --data-urlencode giltig_fran=2026-12-01)"
check "to the fee tables, saying what was saved" "/admin/avgifter?sparad=delivery&fran=2026-12-01" \
	"$(sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$TMP/headers")"
get admin '/admin/avgifter?sparad=delivery&fran=2026-12-01' >/dev/null
check_grep "and listed" "2026-12-01</td><td class=\"num\" data-label=\"Belopp\">55,00${nb}kr" "$TMP/page.html"
check_grep "with a confirmation (issue 20)" "role=\"status\"><p><strong>Avgiften är sparad: Leveransavgift 55,00${nb}kr från 2026-12-01.</strong>" "$TMP/page.html"
check "the same day again with another amount asks first" "200 yes" \
	"$(post admin /admin/avgifter --data-urlencode slag=delivery --data-urlencode belopp=56,00 --data-urlencode giltig_fran=2026-12-01) $(grep -q "Leveransavgift från 2026-12-01 är 55,00${nb}kr. Ersätt med 56,00${nb}kr?" "$TMP/page.html" && grep -q 'name="ersatt" value="1"' "$TMP/page.html" && echo yes)"
check "and has not overwritten it" "5500" \
	"$(body admin GET /api/fees | json '" ".join(str(f["amount_ore"]) for f in d["fees"] if f["kind"] == "delivery" and f["valid_from"] == "2026-12-01")')"
check "its Ja replaces it" "303 5600" \
	"$(post admin /admin/avgifter --data-urlencode slag=delivery --data-urlencode belopp=56,00 --data-urlencode giltig_fran=2026-12-01 -d ersatt=1) $(body admin GET /api/fees | json '" ".join(str(f["amount_ore"]) for f in d["fees"] if f["kind"] == "delivery" and f["valid_from"] == "2026-12-01")')"
get admin '/admin/avgifter?sparad=delivery&fran=2026-12-01&ersatt=1' >/dev/null
check_grep "saying so" "Avgiften är ersatt: Leveransavgift 56,00${nb}kr från 2026-12-01." "$TMP/page.html"

"$LMN" report tertial 2025 3 --db "$DB" --format html >"$TMP/r.html"
check "lmn report --format html writes a whole page" "1 2 1" \
	"$(grep -c '<!doctype html>' "$TMP/r.html") $(grep -o '<svg' "$TMP/r.html" | wc -l | tr -d ' ') $(grep -c '<h1>Nyckeltal 2025 T3</h1>' "$TMP/r.html")"
"$LMN" report invoice 2026-02 --db "$DB" --format html >"$TMP/i.html"
check_grep "and the invoice basis" "<h1>Fakturaunderlag 2026-02</h1>" "$TMP/i.html"
done_testing
