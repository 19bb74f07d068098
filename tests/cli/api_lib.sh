# For the API tests: a fresh demo database, the real `lmn serve` on a free loopback port ($B), and
# helpers to sign in and send requests. Sourced after tap.sh.
# Monday 2026-11-23 10:00 local time: the clock of the whole test.
export LMN_NOW=2026-11-23T10:00
"$LMN" demo --db "$DB" >/dev/null 2>"$TMP/demo.err" || { cat "$TMP/demo.err"; exit 1; }
# serve NAME [ARGS…]: starts `lmn serve` on the demo database (its output in $TMP/NAME.out and
# .err) and waits for its port: sets serve_pid and serve_port (empty if it did not start).
serve() {
	local name=$1
	shift
	: >"$TMP/$name.out"
	"$LMN" serve --db "$DB" --port 0 --trusted-proxy-header X-Remote-User "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	serve_pid=$!
	serve_port=$(port_of "$TMP/$name.out" "$serve_pid")
}
serve main
pid=$serve_pid port=$serve_port
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
[ -n "$port" ] || { not_ok "server starts" "$(cat "$TMP/main.err")"; done_testing; exit 1; }
B="http://127.0.0.1:$port"

json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# login USER: signs in, keeps the cookie in $TMP/USER.jar and the CSRF token in $TMP/USER.csrf
login() {
	curl -sS -c "$TMP/$1.jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"demo2026\"}" "$B/api/login" | json 'd["csrf_token"]' >"$TMP/$1.csrf"
}
# form_login JAR USER [PASSWORD]: signs in through the sign-in form as a new browser does (the
# form first, for its token and its cookie); the session cookie goes to JAR; prints the status
form_login() {
	local token
	rm -f "$1"
	token=$(curl -sS -c "$1" -b "$1" "$B/logga-in" | grep -o 'name="_csrf" value="[0-9a-f]*"' |
		head -1 | sed 's/.*value="//; s/"$//')
	curl -sS -c "$1" -b "$1" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$token" \
		--data-urlencode "anvandarnamn=$2" --data-urlencode "losenord=${3:-demo2026}" "$B/logga-in"
}
# req USER METHOD PATH [BODY] [extra curl args…]: prints "STATUS BODY"
req() {
	local user=$1 method=$2 path=$3 body=${4:-}
	shift 4 2>/dev/null || shift $#
	curl -sS -b "$TMP/$user.jar" -X "$method" -H "X-CSRF-Token: $(cat "$TMP/$user.csrf")" \
		-H 'Content-Type: application/json' ${body:+-d "$body"} -o "$TMP/body" \
		-w '%{http_code}' "$@" "$B$path"
	printf ' '
	cat "$TMP/body"
}
status() { req "$@" | cut -d' ' -f1; }
body() { req "$@" | cut -d' ' -f2-; }
# field_error NAME: the text of the form field NAME's error in $TMP/page.html ("" when none)
field_error() {
	python3 -c 'import re,sys,html; m=re.search(r"<p class=\"field-error\" id=\"%s-fel\">(.*?)</p>" % re.escape(sys.argv[2]), open(sys.argv[1]).read())
print(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else "")' "$TMP/page.html" "$1"
}
# main_text: the text of <main> in $TMP/page.html, tags removed, one line
main_text() {
	python3 -c 'import re,sys,html; s=open(sys.argv[1]).read(); m=re.search(r"<main.*?</main>", s, re.S)
print(html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0) if m else ""))).strip())' "$TMP/page.html"
}
# serve_at NOW USER: a second `lmn serve` on the same database whose clock says NOW (pid3, at $B3),
# with USER signed in there; req3 METHOD PATH [BODY] calls it as USER and prints "STATUS BODY".
serve_at() {
	: >"$TMP/out3"
	LMN_NOW=$1 "$LMN" serve --db "$DB" --port 0 >"$TMP/out3" 2>"$TMP/err3" &
	pid3=$!
	trap 'kill $pid $pid3 2>/dev/null; rm -rf "$TMP"' EXIT
	port3=$(port_of "$TMP/out3" "$pid3")
	B3="http://127.0.0.1:$port3"
	curl -sS -c "$TMP/s3.jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$2\",\"password\":\"demo2026\"}" "$B3/api/login" |
		json 'd["csrf_token"]' >"$TMP/s3.csrf"
}
req3() {
	curl -sS -b "$TMP/s3.jar" -X "$1" -H "X-CSRF-Token: $(cat "$TMP/s3.csrf")" -H 'Content-Type: application/json' \
		${3:+-d "$3"} -o "$TMP/body3" -w '%{http_code}' "$B3$2"
	printf ' '
	cat "$TMP/body3"
}
