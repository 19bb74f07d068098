#!/usr/bin/env bash
# Signing in against the real `lmn serve` (issue 17): the delay after failed attempts, which does
# not lock the owner out from another address; a flood of sign-ins that leaves /healthz answering
# and the memory bounded; login CSRF on /logga-in; the cookies' flags; the idle time-out.
# Clients use other loopback addresses (127.0.0.2 …) as other machines would.
. "$(dirname "$0")/tap.sh"

. "$(dirname "$0")/api_lib.sh"

# try ADDR USER PASSWORD: a sign-in from ADDR; prints "STATUS RETRY-AFTER", the body in $TMP/try
try() {
	curl -sS --interface "$1" -D "$TMP/try.h" -o "$TMP/try" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$2\",\"password\":\"$3\"}" -w '%{http_code}' "$B/api/login"
	printf ' %s\n' "$(sed -n 's/^Retry-After: \([0-9]*\).*/\1/ip' "$TMP/try.h" | tr -d '\r')"
}

# --- 50 wrong passwords, then the right one ---
for i in $(seq 1 50); do try 127.0.0.2 admin "fel-$i"; done | cut -d' ' -f1 >"$TMP/wrong"
check "the first five wrong passwords are checked (401)" "401 401 401 401 401" "$(head -5 "$TMP/wrong" | xargs)"
# The waits double from 1 s: in the second or two the loop takes, a few more are checked.
check "most later ones must wait (429), none is let through" "yes" \
	"$([ "$(grep -c 429 "$TMP/wrong")" -ge 40 ] && [ "$(grep -c -v -e 401 -e 429 "$TMP/wrong")" = 0 ] && echo yes)"
# A delay lets one attempt through when it has run out; the next wrong one is checked (401) and
# starts a longer delay (2 s or more), surely running for the right password sent just after.
for i in $(seq 1 60); do
	[ "$(try 127.0.0.2 admin "fel-igen-$i" | cut -d' ' -f1)" = 401 ] && break
	sleep 0.5
done
right=$(try 127.0.0.2 admin demo2026)
check "then the right password from the same address is delayed too (429)" "429" "${right%% *}"
wait_s=${right#* }
check "with Retry-After" "yes" "$([ -n "$wait_s" ] && [ "$wait_s" -ge 2 ] && [ "$wait_s" -le 64 ] && echo yes)"
check "and a Swedish message naming the field" "password too_many_attempts yes" \
	"$(json 'd["field"]+" "+d["code"]+" "+("yes" if "Vänta" in d["detail"] and "försök igen" in d["detail"] else "no")' <"$TMP/try")"
check "the right password from another address signs in at once" "200" "$(try 127.0.0.3 admin demo2026 | cut -d' ' -f1)"
check "a wrong one from there is checked (401), not delayed" "401" "$(try 127.0.0.4 admin fel | cut -d' ' -f1)"
sleep "$wait_s"
check "after the wait the right password from the first address signs in" "200" "$(try 127.0.0.2 admin demo2026 | cut -d' ' -f1)"
check "an unknown user name is delayed the same way (nothing tells names apart)" "401x5 429x1" \
	"$(for i in 1 2 3 4 5 6; do try 127.0.0.5 ingen.sadan "x$i"; done | cut -d' ' -f1 | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ' | sed 's/ $//')"
# The sign-in page says it in Swedish too.
for i in 1 2 3 4 5 6; do try 127.0.0.6 patient "fel$i" >/dev/null; done
token=$(curl -sS --interface 127.0.0.6 -c "$TMP/w6.jar" -b "$TMP/w6.jar" "$B/logga-in" |
	grep -o 'name="_csrf" value="[0-9a-f]*"' | sed 's/.*value="//; s/"$//')
check "the sign-in form answers 429 while the delay lasts" "429" \
	"$(curl -sS --interface 127.0.0.6 -b "$TMP/w6.jar" -o "$TMP/page.html" -w '%{http_code}' --data-urlencode "_csrf=$token" \
	--data-urlencode anvandarnamn=patient --data-urlencode losenord=demo2026 "$B/logga-in")"
check_grep "with the message on the page" "För många misslyckade inloggningar" "$TMP/page.html"

# --- A flood of sign-ins: 20 at once from 20 addresses, each a user name of its own ---
# Against a server of one thread: were a password hashed on the thread that serves the
# connections, /healthz would wait behind every sign-in that thread has taken (20 hashes of some
# 50 ms, many times that under a sanitizer); it must not wait behind any.
serve one --threads 1
one_pid=$serve_pid
trap 'kill $pid $one_pid 2>/dev/null; rm -rf "$TMP"' EXIT
[ -n "$serve_port" ] || { not_ok "a server of one thread starts" "$(cat "$TMP/one.err")"; done_testing; exit 1; }
B1="http://127.0.0.1:$serve_port"
vmhwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$one_pid/status"; }
before=$(vmhwm)
flood_end=$(( $(date +%s) + 4 ))
flood_pids=
# The flood's clients share the machine's two cores with the server, as real clients (on other
# machines) do not: they run at a lower priority, so that what is measured is whether the server
# keeps /healthz answering, not whether twenty busy client loops leave the server a core.
for a in $(seq 10 29); do
	(renice -n 10 "$BASHPID" >/dev/null
	while [ "$(date +%s)" -lt "$flood_end" ]; do
		curl -sS --interface "127.0.0.$a" -o /dev/null -w '%{http_code}\n' -m 10 \
			-H 'Content-Type: application/json' \
			-d "{\"username\":\"flood$a-$RANDOM\",\"password\":\"x\"}" "$B1/api/login"
	done >"$TMP/flood.$a") &
	flood_pids="$flood_pids $!"
done
sleep 0.5
worst=0
for i in $(seq 1 20); do
	t=$(curl -sS -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$B1/healthz")
	[ "${t%% *}" = 200 ] || worst=99
	ms=$(awk -v s="${t#* }" 'BEGIN { printf "%d", s * 1000 }')
	[ "$ms" -gt "$worst" ] && worst=$ms
	sleep 0.1
done
wait $flood_pids
check "/healthz answers within 1 s during the flood (worst: ${worst} ms)" "yes" "$([ "$worst" -lt 1000 ] && echo yes)"
cat "$TMP"/flood.* | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ' >"$TMP/flood"
check "every sign-in of the flood was answered 401 or 503 ($(cat "$TMP/flood"))" "" \
	"$(cat "$TMP"/flood.* | grep -v -x -e 401 -e 503 | sort -u | tr '\n' ' ')"
after=$(vmhwm)
# Argon2id takes 64 MiB a hash: 2 at once add some 130 MB; 4 (one a thread of the sign-ins)
# would add 256 MB.
check "the server's peak memory grew by less than 250 MB (${before} -> ${after} kB)" "yes" \
	"$([ $((after - before)) -lt 256000 ] && echo yes)"
kill "$one_pid"
wait "$one_pid" 2>/dev/null

# --- Login CSRF ---
code=$(curl -sS -D "$TMP/h" -o "$TMP/page.html" -w '%{http_code}' --data-urlencode anvandarnamn=patient \
	--data-urlencode losenord=demo2026 "$B/logga-in")
check "POST /logga-in without the form's token is refused (403)" "403" "$code"
check "and signs nobody in" "" "$(grep -i '^Set-Cookie: lmn_session' "$TMP/h")"
check_grep "the page says so in Swedish" "Inloggningsformuläret har gått ut" "$TMP/page.html"
curl -sS -c "$TMP/a.jar" -b "$TMP/a.jar" -o "$TMP/form-a.html" "$B/logga-in"
curl -sS -c "$TMP/b.jar" -b "$TMP/b.jar" -o /dev/null "$B/logga-in"
token_a=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$TMP/form-a.html" | sed 's/.*value="//; s/"$//')
check "another browser's token is refused (403)" "403" \
	"$(curl -sS -b "$TMP/b.jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$token_a" \
	--data-urlencode anvandarnamn=patient --data-urlencode losenord=demo2026 "$B/logga-in")"
check "the form's own token with its cookie signs in (303)" "303" \
	"$(curl -sS -b "$TMP/a.jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$token_a" \
	--data-urlencode anvandarnamn=patient --data-urlencode losenord=demo2026 "$B/logga-in")"
check "a text/plain sign-in to the API (what a cross-site form can send) is refused (415)" "415" \
	"$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' \
	-d '{"username":"patient","password":"demo2026","x":"="}' "$B/api/login")"

# --- Cookie flags ---
# cookie_flags ARGS…: the session cookie's attributes from a server started with ARGS
cookie_flags() {
	curl -sS -D - -o /dev/null -H 'Content-Type: application/json' \
		-d '{"username":"patient","password":"demo2026"}' "http://127.0.0.1:$1/api/login" |
		sed -n 's/^Set-Cookie: lmn_session=[0-9a-f]*; //ip' | tr -d '\r'
}
check "behind the trusted proxy the session cookie is Secure" \
	"Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure" "$(cookie_flags "$port")"
"$LMN" serve --db "$DB" --port 0 >"$TMP/plain.out" 2>"$TMP/plain.err" &
plain_pid=$!
"$LMN" serve --db "$DB" --port 0 --secure-cookies --session-idle 4 >"$TMP/idle.out" 2>"$TMP/idle.err" &
idle_pid=$!
trap 'kill $pid $plain_pid $idle_pid 2>/dev/null; rm -rf "$TMP"' EXIT
plain_port=$(port_of "$TMP/plain.out" "$plain_pid")
idle_port=$(port_of "$TMP/idle.out" "$idle_pid")
check "plain HTTP without a proxy: not Secure" "Path=/; HttpOnly; SameSite=Strict; Max-Age=43200" \
	"$(cookie_flags "$plain_port")"
check "--secure-cookies: Secure" "Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure" \
	"$(cookie_flags "$idle_port")"
check "the sign-in form's cookie is Secure there too" "yes" \
	"$(curl -sS -D - -o /dev/null "http://127.0.0.1:$idle_port/logga-in" | grep -qi '^Set-Cookie: lmn_login=.*; Secure' && echo yes)"

# --- Idle time-out (--session-idle 4): requests keep a session, four seconds without one end it ---
curl -sS -c "$TMP/idle.jar" -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"patient","password":"demo2026"}' "http://127.0.0.1:$idle_port/api/login"
seen=""
for i in 1 2 3 4 5 6 7; do
	sleep 1
	seen="$seen$(curl -sS -b "$TMP/idle.jar" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$idle_port/api/me") "
done
check "a session in use lives past its idle time (7 s of requests, idle 4 s)" "200 200 200 200 200 200 200 " "$seen"
sleep 5.5
check "after 5.5 s without a request it has ended (401)" "401" \
	"$(curl -sS -b "$TMP/idle.jar" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$idle_port/api/me")"
check "so has its web page: to the sign-in" "303 /logga-in" \
	"$(curl -sS -b "$TMP/idle.jar" -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$idle_port/mina-sidor" | sed "s|http://127.0.0.1:$idle_port||")"

done_testing
