#!/usr/bin/env bash
# The 1177 contracts' traffic of the day on the administration's page and GET /api/rivta/traffic:
# zero on a server without the contracts' listener; then calls over mutual TLS (certificates made
# here with openssl) to a server that has it: answered look-ups, a logical error, a Fault for a
# wrong LogicalAddress, and a client the CA did not issue (not a call at all), each counted where
# it belongs. Another server on the same database shows the same counts, and a server started
# again keeps the day's.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/api_lib.sh"

wlogin() { form_login "$TMP/web-$1.jar" "$1" "demo2026"; }
get() { curl -sS -b "$TMP/web-$1.jar" -o "$TMP/page.html" -w '%{http_code}' "$B$2"; }
# The traffic table's body rows as "Tjänst version anrop fel tekniska-fel | …", then the total.
rows() {
	python3 - "$TMP/page.html" <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
table = page[page.index("<caption>Anrop från 1177 i dag"):]
table = table[:table.index("</table>")]
cells = lambda tr: [re.sub("<[^>]*>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)]
body = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>"):table.index("</tbody>")])
foot = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tfoot>"):])
print(" | ".join(" ".join(cells(tr)) for tr in body) + " || " + " ".join(cells(foot[0])))
EOF
}
traffic() { body admin GET /api/rivta/traffic | json "$1"; }

login admin
login kundtjanst
wlogin admin >/dev/null

# --- A server without the contracts' listener ---
check "an admin reads the traffic" "200" "$(status admin GET /api/rivta/traffic)"
check "customer service may not" "403" "$(status kundtjanst GET /api/rivta/traffic)"
check "every interaction of both versions, all zero, and this server does not serve them" \
	"2026-11-23 False 6 0" \
	"$(traffic '"%s %s %d %d" % (d["day"], d["served"], len(d["interactions"]), d["total"]["calls"])')"
check "the operations page" "200" "$(get admin /admin/drift)"
check_grep "it has the section on the contracts' traffic" "<h2>1177-tjänsternas trafik i dag</h2>" "$TMP/page.html"
check_grep "the admin's menu leads to it" '<a href="/admin/drift"[^>]*>Drift</a>' "$TMP/page.html"
check "a row per service and version, with calls, errors and faults" \
	"Förskrivningar 1 0 0 0 | Förskrivningar 2 0 0 0 | Utlämningsställen 1 0 0 0 | Utlämningsställen 2 0 0 0 | Beställningar 1 0 0 0 | Beställningar 2 0 0 0 || Totalt 1 och 2 0 0 0" \
	"$(rows)"
check "the columns" "1 1 1" \
	"$(grep -c '<th scope="col" class="num">Anrop</th>' "$TMP/page.html") $(grep -c '<th scope="col" class="num">Fel</th>' "$TMP/page.html") $(grep -c '<th scope="col" class="num">Tekniska fel</th>' "$TMP/page.html")"
check_grep "it says the contracts are not served here" "tar inte emot anrop från 1177" "$TMP/page.html"
check "no English or enum names on the page" "" \
	"$(sed 's/<[^>]*>//g' "$TMP/page.html" | grep -o 'GetMedicalSupply[A-Za-z]*\|RegisterMedicalSupplyOrder\|ERROR\|Fault\|rivta' | sort -u | tr '\n' ' ')"

# --- Certificates: a CA, the server's, a client's it issued, and one of another CA ---
cert() { # cert NAME CN [CA]: a key and a certificate, self-signed or issued by CA
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
		-keyout "$TMP/$1.key" -out "$TMP/$1.csr" 2>/dev/null || return 1
	if [ -z "${3:-}" ]; then
		openssl x509 -req -in "$TMP/$1.csr" -signkey "$TMP/$1.key" -days 2 \
			-extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n') \
			-out "$TMP/$1.pem" 2>/dev/null
	else
		openssl x509 -req -in "$TMP/$1.csr" -CA "$TMP/$3.pem" -CAkey "$TMP/$3.key" \
			-CAcreateserial -days 2 \
			-extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n') \
			-out "$TMP/$1.pem" 2>/dev/null
	fi
}
cert ca "lmn test CA" && cert server 127.0.0.1 ca && cert client "1177 e-tjänst" ca &&
	cert other "another CA" && cert stranger "1177 e-tjänst" other
check "the test's certificates are made" "0" "$?"

HSA=SE2321000131-T000000000001
serve rivta --rivta-port 0 --rivta-cert "$TMP/server.pem" --rivta-key "$TMP/server.key" \
	--rivta-client-ca "$TMP/ca.pem" --logical-address "$HSA"
rpid=$serve_pid
trap 'kill $pid $rpid 2>/dev/null; rm -rf "$TMP"' EXIT
rport=$(sed -n 's|^lmn: rivta on https://127.0.0.1:\([0-9]*\)/$|\1|p' "$TMP/rivta.out")
check "a server with the contracts' listener starts" "yes yes" \
	"$([ -n "$serve_port" ] && echo yes) $([ -n "$rport" ] && echo yes)"
B="http://127.0.0.1:$serve_port"
login admin
wlogin admin >/dev/null
R="https://127.0.0.1:$rport/crm/selfservice/medicalsupply"

# soap CLIENT INTERACTION VERSION LOGICAL-ADDRESS BODY-XML: prints the status; the answer in
# $TMP/answer.xml
soap() {
	local ns="urn:riv:crm:selfservice:medicalsupply:$2Responder:$3"
	curl -sS --cacert "$TMP/ca.pem" --cert "$TMP/$1.pem" --key "$TMP/$1.key" \
		-H 'Content-Type: text/xml; charset=UTF-8' -o "$TMP/answer.xml" -w '%{http_code}' \
		--data-binary @- "$R/$2/$3/rivtabp21" 2>/dev/null <<XML
<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><LogicalAddress xmlns="urn:riv:itintegration:registry:1">$4</LogicalAddress></soap:Header><soap:Body><r:$2 xmlns:r="$ns">$5</r:$2></soap:Body></soap:Envelope>
XML
}
result() { sed -n 's|.*<[a-z0-9]*:ResultCode>\([A-Z]*\)</[a-z0-9]*:ResultCode>.*|\1|p' "$TMP/answer.xml"; }
patient=$(dbq "SELECT id_number FROM patients WHERE id = 1")

check "the e-service reads a patient's prescriptions (version 1)" "200 OK" \
	"$(soap client GetMedicalSupplyPrescriptions 1 "$HSA" "<r:SubjectOfCareId>$patient</r:SubjectOfCareId>") $(result)"
check "and again (version 1)" "200 OK" \
	"$(soap client GetMedicalSupplyPrescriptions 1 "$HSA" "<r:SubjectOfCareId>$patient</r:SubjectOfCareId>") $(result)"
check "a personal identity number with a wrong check digit is a logical error (version 2)" "200 ERROR" \
	"$(soap client GetMedicalSupplyPrescriptions 2 "$HSA" "<r:SubjectOfCareId>191212121213</r:SubjectOfCareId>") $(result)"
check "a wrong LogicalAddress is a SOAP Fault (pickup points, version 1)" "500 1" \
	"$(soap client GetMedicalSupplyDeliveryPoints 1 SE0000000000-X "<r:PostalCode>50330</r:PostalCode><r:ServicePointProvider>POSTNORD</r:ServicePointProvider>") $(grep -c 'faultcode' "$TMP/answer.xml")"
stranger=$(soap stranger GetMedicalSupplyPrescriptions 1 "$HSA" "<r:SubjectOfCareId>$patient</r:SubjectOfCareId>")
check "a client of another CA gets no answer of the contracts" "no" \
	"$(grep -q ResultCode "$TMP/answer.xml" 2>/dev/null && echo yes || echo no)"

check "the API counts each call by its outcome; the stranger's is not a call" \
	"True 4 1 1 | GetMedicalSupplyPrescriptions 1: 2 2 0 0 | GetMedicalSupplyPrescriptions 2: 1 0 1 0 | GetMedicalSupplyDeliveryPoints 1: 1 0 0 1" \
	"$(traffic '"%s %d %d %d | " % (d["served"], d["total"]["calls"], d["total"]["errors"], d["total"]["faults"]) + " | ".join("%s %d: %d %d %d %d" % (r["interaction"], r["version"], r["calls"], r["ok"], r["errors"], r["faults"]) for r in d["interactions"] if r["calls"])')"
check "the page shows them" "200" "$(get admin /admin/drift)"
check "a row per service and version, with the day's calls" \
	"Förskrivningar 1 2 0 0 | Förskrivningar 2 1 1 0 | Utlämningsställen 1 1 0 1 | Utlämningsställen 2 0 0 0 | Beställningar 1 0 0 0 | Beställningar 2 0 0 0 || Totalt 1 och 2 4 1 1" \
	"$(rows)"
check "and does not say the contracts are not served" "0" "$(grep -c 'tar inte emot anrop från 1177' "$TMP/page.html")"

# --- Several servers on one database: each shows the day's calls of all; a restart keeps them ---
totals() { traffic '"%d %d %d" % (d["total"]["calls"], d["total"]["errors"], d["total"]["faults"])'; }
# until WANT: the totals of the server at $B, asked for up to 15 s until they are WANT
until_totals() {
	local got
	for _ in $(seq 1 150); do
		got=$(totals)
		[ "$got" = "$1" ] && break
		sleep 0.1
	done
	echo "$got"
}
B="http://127.0.0.1:$port" # the first server, which has no listener of its own
login admin
check "the other server shows the listener's calls within seconds" "4 1 1" "$(until_totals "4 1 1")"
kill "$rpid" && wait "$rpid"
check "the server with the listener stops" "0" "$?"
serve rivta2 --rivta-port 0 --rivta-cert "$TMP/server.pem" --rivta-key "$TMP/server.key" \
	--rivta-client-ca "$TMP/ca.pem" --logical-address "$HSA"
rpid=$serve_pid
rport=$(sed -n 's|^lmn: rivta on https://127.0.0.1:\([0-9]*\)/$|\1|p' "$TMP/rivta2.out")
R="https://127.0.0.1:$rport/crm/selfservice/medicalsupply"
B="http://127.0.0.1:$serve_port"
login admin
check "started again, it shows the day's calls from before" "4 1 1" "$(totals)"
check "and counts on from there" "200 OK 5 1 1" \
	"$(soap client GetMedicalSupplyPrescriptions 2 "$HSA" "<r:SubjectOfCareId>$patient</r:SubjectOfCareId>") $(result) $(totals)"
B="http://127.0.0.1:$port"
check "which the first server shows too" "5 1 1" "$(until_totals "5 1 1")"
done_testing
