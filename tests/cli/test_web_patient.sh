#!/usr/bin/env bash
# The patient's and the delegate's pages against the real `lmn serve` (issue 20): the receipt
# says where and how (the pickup point and the notification, the door code, the day in words);
# cancelling asks first and only the confirmed POST cancels; the access log pages through every
# entry and can leave out the signed-in user's own; a delegate's pages name the patient; the order
# form promises the lead time in force; a next withdrawal after the last valid day is explained.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

db() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$TMP/lmn.db" "$1"; }
# wlogin USER: signs in through the sign-in form (cookie in $TMP/web-USER.jar) and keeps the form
# token in $TMP/web-USER.csrf; prints the sign-in's status
wlogin() {
	form_login "$TMP/web-$1.jar" "$1" "demo2026"
	curl -sS -b "$TMP/web-$1.jar" "$B/bestall" | grep -o 'name="_csrf" value="[0-9a-f]*"' |
		head -1 | sed 's/.*value="//; s/"$//' >"$TMP/web-$1.csrf"
}
# get USER PATH: the page to $TMP/page.html; prints the status
get() {
	curl -sS -b "$TMP/web-$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"
}
# post USER PATH [curl args…]: POSTs the form with the CSRF token; the page goes to $TMP/page.html
# and the Location header (if any) to $TMP/location; prints the status
post() {
	local user=$1 path=$2
	shift 2
	curl -sS -b "$TMP/web-$user.jar" -D "$TMP/headers" -o "$TMP/page.html" -w '%{http_code}' \
		--data-urlencode "_csrf=$(cat "$TMP/web-$user.csrf")" "$@" "$B$path"
	sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$TMP/headers" >"$TMP/location"
}
# main_text: the text of <main> in $TMP/page.html, tags removed, one line
main_text() {
	python3 -c 'import re,sys,html; s=open(sys.argv[1]).read(); m=re.search(r"<main.*?</main>", s, re.S)
print(html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0) if m else ""))).strip())' "$TMP/page.html"
}
has() { main_text | grep -q -- "$1" && echo yes || echo no; }

for u in patient ombud; do
	check "$u signs in through the form" "303" "$(wlogin "$u")"
done

# ---- The receipt says where and how ----
item=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 1 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' AND coalesce(i.next_earliest, '') <= '2026-11-23' ORDER BY i.id LIMIT 1")
point=$(db "SELECT id FROM pickup_points ORDER BY id LIMIT 1")
point_name=$(db "SELECT name FROM pickup_points WHERE id = $point")
point_address=$(db "SELECT address FROM pickup_points WHERE id = $point")
check "an order to a pickup point with e-mail notification" "303" \
	"$(post patient /bestall -d rad="$item" -d "antal-$item=1" -d leverans=pickup_point -d utlamningsstalle="$point" -d avisering=email -d nyckel=receipt-pickup-1)"
order=$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")
check "the API names the pickup point of the order" "$point_name" \
	"$(login patient; body patient GET "/api/orders/$order" | json 'd["delivery"]["pickup_point"]["name"]')"
get patient "/bestallningar/$order?ny=1" >/dev/null
check "the receipt names the pickup point and its address" "yes yes" \
	"$(has "Utlämningsställe $point_name $point_address") $(main_text | grep -q "$point_address" && echo yes)"
check "and how the patient is notified, in Swedish" "yes no" \
	"$(has 'Du får besked med e-post när paketet kan hämtas') $(has 'email')"
check "and the day in words (received Monday 23 November, due the 4th working day)" "yes" \
	"$(has 'Levereras senast fredag 27 november')"
check "and no rule keys" "no" "$(has 'B3:1@')"

# Home delivery with a door code, by the delegate for patient 2.
item2=$(db "SELECT i.id FROM prescription_items i JOIN prescriptions r ON r.id = i.prescription_id WHERE r.patient_id = 2 AND i.cancelled_at IS NULL AND i.withdrawals_remaining > 0 AND i.last_valid >= '2026-11-23' AND coalesce(i.next_earliest, '') <= '2026-11-23' ORDER BY i.id LIMIT 1")
check "the delegate orders home delivery with a door code" "303" \
	"$(post ombud /bestall -d rad="$item2" -d "antal-$item2=1" -d leverans=home -d portkod=4711B -d nyckel=receipt-home-1)"
order2=$(sed -n 's|^/bestallningar/\([0-9]*\)?ny=1$|\1|p' "$TMP/location")
get ombud "/bestallningar/$order2" >/dev/null
check "the receipt echoes the door code" "yes" "$(has 'Portkod 4711B')"
check "the receipt of a home delivery says home" "yes" "$(has 'Leverans Hem till dig')"

# ---- Cancelling asks first ----
check "the receipt offers to cancel in plain words, not as the primary action" "yes no" \
	"$(grep -q '<button type="submit" class="secondary">Avbryt beställningen</button>' "$TMP/page.html" && echo yes) $(has 'Makulera')"
check "the button leads to the question" "200 yes yes yes" \
	"$(get ombud "/bestallningar/$order2?avbryt=1") $(has "Vill du avbryta beställningen $order2?") $(has 'Ja, avbryt beställningen') $(has 'Nej, behåll den')"
check "the question's answer carries the form token" "yes" \
	"$(grep -q 'name="_csrf" value="[0-9a-f]\{8,\}"' "$TMP/page.html" && echo yes)"
check "a POST that was not confirmed leads to the question and cancels nothing" "303 /bestallningar/$order2?avbryt=1 received" \
	"$(post ombud "/bestallningar/$order2/makulera") $(cat "$TMP/location") $(db "SELECT status FROM orders WHERE id = $order2")"
check "a confirmed POST without the form token cancels nothing" "received" \
	"$(curl -sS -b "$TMP/web-ombud.jar" -o /dev/null -d bekraftad=1 "$B/bestallningar/$order2/makulera"; db "SELECT status FROM orders WHERE id = $order2")"
check "the confirmed POST cancels" "303 /bestallningar/$order2?makulerad=1 cancelled" \
	"$(post ombud "/bestallningar/$order2/makulera" -d bekraftad=1) $(cat "$TMP/location") $(db "SELECT status FROM orders WHERE id = $order2")"
check "and the receipt says it is cancelled" "200 yes" \
	"$(get ombud "/bestallningar/$order2?makulerad=1") $(has 'Beställningen är avbruten')"

done_testing
