#!/usr/bin/env bash
# bench/rivta: the 1177 contracts over mutual TLS with keep-alive against the real `lmn serve` on
# a database holding a million orders: RegisterMedicalSupplyOrder (durable orders) and
# GetMedicalSupplyPrescriptions, beside the JSON API's order placement in the same run.
# Usage (from anywhere in the repository): [THREADS=N] bench/rivta/run.sh [ORDERS [PATIENTS [SECONDS]]]
# (THREADS: lmn serve's --threads; unset, its default pool)
# Builds a release tree in build-bench/, keeps its database, certificates and files in
# bench/out/rivta/ (both git-ignored). Everything runs on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
orders=${1:-1000000}
patients=${2:-100000}
secs=${3:-10}
out=bench/out/rivta
db=$out/lmn.db
hsa=SE2321000016-LMN1 # the LogicalAddress http_load sends
export LMN_RULES_DIR=data/rules
export LMN_NOW=2026-11-23T10:00 # a working day before the cut-off: every order is decided the same way

[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench >/dev/null
mkdir -p "$out"

# The database as bench/http makes it (demo data, then gen_orders' history and a current item per
# patient allowing 100 orders a day), once for the same arguments, copied for each run.
base=$out/base.db
stamp="$orders $patients $(ls src/store/migrations/*.sql | wc -l) migrations, orders shipped, in time order"
if [ ! -f "$base" ] || [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$base" "$base-wal" "$base-shm" "$out/stamp"
	echo "== making $base: demo data, then $orders orders over $patients patients"
	build-bench/lmn demo --db "$base" >/dev/null
	s=$(date +%s)
	build-bench/bench/gen_orders "$base" "$orders" "$patients" "$out"
	echo "   generated in $(($(date +%s) - s)) s"
	# The contracts name a patient by identity number and an item with its prescription.
	python3 - "$base" "$out/http.targets" "$out/rivta.targets" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2]) as f, open(sys.argv[3], "w") as out:
    for line in f:
        patient, item = map(int, line.split())
        (idn,) = db.execute("SELECT id_number FROM patients WHERE id = ?", (patient,)).fetchone()
        (rx,) = db.execute("SELECT prescription_id FROM prescription_items WHERE id = ?", (item,)).fetchone()
        out.write(f"{patient} {item} {idn} {rx}\n")
PY
	echo "$stamp" >"$out/stamp"
fi
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"
sync # else the kernel writes the copy back during the first measurement
echo "== $(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM orders").fetchone()[0])' "$db") orders in $db ($(du -h "$db" | cut -f1))"

# A test CA, the server's certificate (localhost, 127.0.0.1) and the e-service's client certificate.
tls=$out/tls
if [ ! -f "$tls/client.pem" ]; then
	mkdir -p "$tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj "/CN=lmn bench CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$([ $who = server ] && echo localhost || echo 1177 e-tjanst bench)" \
			-keyout "$tls/$who.key" -out "$tls/$who.csr" 2>/dev/null
		if [ $who = server ]; then
			printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
		else
			printf 'extendedKeyUsage=clientAuth\n'
		fi >"$tls/$who.ext"
		openssl x509 -req -in "$tls/$who.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
			-CAcreateserial -days 3650 -extfile "$tls/$who.ext" -out "$tls/$who.pem" 2>/dev/null
	done
fi

log=$out/serve.log
# The load comes from one address with up to 64 connections: no limit per address here.
build-bench/lmn serve --db "$db" --port 0 --connections-per-address 0 ${THREADS:+--threads "$THREADS"} \
	--rivta-port 0 --rivta-cert "$tls/server.pem" --rivta-key "$tls/server.key" \
	--rivta-client-ca "$tls/ca.pem" --logical-address "$hsa" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
port= rport=
for _ in $(seq 600); do # a busy machine takes seconds to open a large database
	port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)
	rport=$(sed -n 's|.*rivta on https://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)
	[ -n "$port" ] && [ -n "$rport" ] && break
	sleep 0.1
done
[ -n "$rport" ] || { cat "$log"; echo "lmn serve did not start" >&2; exit 1; }
echo "== lmn serve on 127.0.0.1:$port, rivta on $rport ($(nproc) cores; the load client shares them; load average $(cut -d' ' -f1-3 /proc/loadavg))"

cpu() { # the server's user and system time so far, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}
load() { # load KIND CONNECTIONS [VERSION]: http_load's report, and the server's CPU per answer
	local tlsargs=() p=$port c0 res answers
	case $1 in rivta-*)
		p=$rport
		tlsargs=(--tls-ca "$tls/ca.pem" --tls-cert "$tls/client.pem" --tls-key "$tls/client.key"
			--rivta-version "${3:-1}") ;;
	esac
	c0=$(cpu)
	res=$(build-bench/bench/http_load --port "$p" --token "$out/http.token" \
		--targets "$out/rivta.targets" --kind "$1" --connections "$2" --threads 1 \
		--duration "$secs" --warmup 2 --key-prefix "bench-$(date +%s%N)" "${tlsargs[@]}")
	echo "$res"
	answers=$(sed -n 's/^RESULT .* answers=\([0-9]*\) .*/\1/p' <<<"$res")
	# Over the warm-up and the measured time: an estimate, the answers of both.
	echo "  server CPU: $(( ($(cpu) - c0) * 1000 / $(getconf CLK_TCK) )) ms in $((secs + 2)) s," \
		"about $(( ($(cpu) - c0) * 1000000 / $(getconf CLK_TCK) / (answers * (secs + 2) / secs + 1) )) µs an answer"
}
# Throughput with 64 connections in a closed loop, and latency at a lighter load (8).
# The look-ups first on the database as made (the goal's million orders), then again after the
# order loads have added some 120 000 orders and their access-log rows.
echo "== GetMedicalSupplyPrescriptions over mutual TLS on the database as made (1.0, then 2.0)"
load rivta-prescriptions 64
load rivta-prescriptions 8
load rivta-prescriptions 64 2
echo "== the JSON API's durable order placements (POST /api/patients/{id}/orders), for comparison"
load place 64
echo "== RegisterMedicalSupplyOrder (1.0) over mutual TLS: durable orders"
load rivta-order 64
load rivta-order 8
echo "== GetMedicalSupplyPrescriptions (1.0) over mutual TLS (with the access-log row of the read), after the orders"
load rivta-prescriptions 64
load rivta-prescriptions 8
echo "== the same in 2.0"
load rivta-order 64 2
load rivta-prescriptions 64 2
