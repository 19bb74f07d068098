#!/usr/bin/env bash
# bench/http: durable order placements and reads of a patient's order list over HTTP against the
# real `lmn serve`, on a database holding a million orders, beside the floor: the same rows written
# by one C program with SQLite directly, one durable transaction per order.
# Usage (from anywhere in the repository):
#   [THREADS=N] [STORE=pg [SERVERS=2]] bench/http/run.sh [ORDERS [PATIENTS [SECONDS]]]
# (THREADS: lmn serve's --threads; unset, its default pool. STORE=pg: the same on PostgreSQL,
# the SQLite database copied into a cluster of tests/pg/cluster.sh in bench/out/http/pg, tuned as
# the README says, kept between runs; the floors are then the same rows with libpq directly,
# for placements and for reads.
# SERVERS=2: two lmn servers on that database behind haproxy, which the load goes through.)
# Builds a release tree in build-bench/, keeps its database and files in bench/out/http/ (both
# git-ignored). Everything runs on loopback or a Unix socket and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
orders=${1:-1000000}
patients=${2:-100000}
secs=${3:-10}
out=bench/out/http
db=$out/lmn.db
export LMN_RULES_DIR=data/rules
export LMN_NOW=2026-11-23T10:00 # a working day before the cut-off: every placement is decided the same way

[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench >/dev/null
mkdir -p "$out"

# The database is made once for the same arguments (demo data, then the generated history) and
# copied for each run, so every run starts from the same rows and prescriptions.
base=$out/base.db
stamp="$orders $patients $(ls src/store/migrations/*.sql | wc -l) migrations, orders shipped, in time order"
if [ ! -f "$base" ] || [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$base" "$base-wal" "$base-shm" "$out/stamp"
	echo "== making $base: demo data, then $orders orders over $patients patients"
	build-bench/lmn demo --db "$base" >/dev/null
	s=$(date +%s)
	build-bench/bench/gen_orders "$base" "$orders" "$patients" "$out"
	echo "   generated in $(($(date +%s) - s)) s"
	echo "$stamp" >"$out/stamp"
fi
if [ "${STORE:-sqlite}" = pg ]; then
	. bench/pg.sh
	pg_fresh() { # the run's database "run", a copy of "base" (a template copies its files)
		dropdb -h "$pgdir" --if-exists run && createdb -h "$pgdir" -T base run && sync
	}
	# A server of its own for the database: its cache a tenth of the memory (the database's
	# 1.3 GB fit), the log checkpointed every 30 minutes or 8 GB.
	bench_pg "$out" build-bench/lmn "$base" base "$stamp" "shared_buffers = '2GB'" \
		"max_wal_size = '8GB'" "checkpoint_timeout = '30min'" "max_connections = 300"
	pg_fresh
	db="postgresql:///run?host=$pgdir"
	echo "== $(psql -XAtq -h "$pgdir" -d run -c "SELECT count(*) FROM orders") orders in" \
		"PostgreSQL $(psql -XAtq -h "$pgdir" -d run -c "SHOW server_version") ($(psql -XAtq \
			-h "$pgdir" -d run -c "SELECT pg_size_pretty(pg_database_size('run'))"))"
else
	rm -f "$db" "$db-wal" "$db-shm"
	cp "$base" "$db"
	sync # else the kernel writes the copy's 650 MB back during the first measurement
	echo "== $(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM orders").fetchone()[0])' "$db") orders in $db ($(du -h "$db" | cut -f1))"
fi

log=$out/serve.log
# The load comes from one address with up to 64 connections: no limit per address here.
build-bench/lmn serve --db "$db" --port 0 --connections-per-address 0 ${THREADS:+--threads "$THREADS"} \
	>"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
	[ -z "${pgdir:-}" ] || tests/pg/cluster.sh halt "$pgdir"' EXIT
port_of() { # port_of LOG: the port lmn serve printed there, waited for 60 s (else it exits)
	local p
	for _ in $(seq 600); do # the first start after a new migration migrates the copy
		p=$(sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$1" | head -n1)
		[ -n "$p" ] && { echo "$p"; return; }
		sleep 0.1
	done
	cat "$1" >&2
	echo "lmn serve did not start" >&2
	exit 1
}
started=$(date +%s%N)
port=$(port_of "$log")
echo "== lmn serve printed its port after $((($(date +%s%N) - started) / 1000000)) ms"
pid2= hpid=
if [ "${SERVERS:-1}" = 2 ]; then
	[ "${STORE:-sqlite}" = pg ] || { echo "SERVERS=2 needs STORE=pg (one database for both)" >&2; exit 2; }
	build-bench/lmn serve --db "$db" --port 0 --connections-per-address 0 \
		${THREADS:+--threads "$THREADS"} >"$out/serve2.log" 2>&1 &
	pid2=$!
	trap 'kill "$pid" $pid2 $hpid 2>/dev/null || true; wait 2>/dev/null || true
		[ -z "${pgdir:-}" ] || tests/pg/cluster.sh halt "$pgdir"' EXIT
	port2=$(port_of "$out/serve2.log")
	# haproxy from Debian, as tests/cli/test_rolling.py runs it: round robin, connections to
	# the servers kept alive.
	hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$out/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend lmn
    bind 127.0.0.1:$hport
    default_backend servers
backend servers
    balance roundrobin
    server a 127.0.0.1:$port
    server b 127.0.0.1:$port2
CFG
	"$(command -v haproxy || echo /usr/sbin/haproxy)" -db -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
	hpid=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$hport/healthz" && break
		sleep 0.1
	done
	echo "== a second lmn serve on 127.0.0.1:$port2; haproxy on 127.0.0.1:$hport before both"
	port=$hport
fi
echo "== lmn serve on 127.0.0.1:$port ($(nproc) cores; the load client shares them)"

load() { # load KIND CONNECTIONS
	build-bench/bench/http_load --port "$port" --token "$out/http.token" --targets "$out/http.targets" \
		--kind "$1" --connections "$2" --threads 1 --duration "$secs" --warmup 2 \
		--key-prefix "bench-$(date +%s%N)"
}
# Throughput with 64 connections in a closed loop (by Little's law their mean latency is then
# 64 / throughput), and latency at lighter loads: placements with 16 connections (about the goal's
# 5 000 a second, so rate and p99 are seen together) and 8, reads with 8.
echo "== durable order placements (POST /api/patients/{id}/orders, Idempotency-Key each)"
load place 64
load place 16
load place 8
echo "== reads of a patient's order list (GET /api/patients/{id}/orders)"
load list 64
load list 8

if [ -n "$pid2" ]; then # both served: their CPU time (user and system) over the loads
	echo "== CPU seconds: server a $(awk '{ print ($14 + $15) / 100 }' "/proc/$pid/stat"), server b" \
		"$(awk '{ print ($14 + $15) / 100 }' "/proc/$pid2/stat")"
fi
kill "$pid" $pid2 $hpid
wait "$pid" $pid2 $hpid 2>/dev/null || true
trap '[ -z "${pgdir:-}" ] || tests/pg/cluster.sh halt "$pgdir"' EXIT

if [ "${STORE:-sqlite}" = pg ]; then
	pg_fresh
	echo "== the floor: the same rows with libpq directly, each order its own durable commit"
	for c in 16 64 1; do
		build-bench/bench/floor_orders_pg "$db" "$out/http.targets" "$secs" "$c"
	done
	echo "== the floor of reads: a patient's order list and its access-log row, each read its own durable commit"
	for c in 64 16 8; do
		build-bench/bench/floor_orders_pg "$db" "$out/http.targets" "$secs" "$c" reads
	done
	exit 0
fi

cp "$base" "$db" # the floor orders on the same prescriptions, from the same start
sync
echo "== the floor: the same rows with SQLite directly, one thread, each order its own durable commit"
build-bench/bench/floor_orders "$db" "$out/http.targets" "$secs"
echo "== for comparison only, not durable: the same without a sync at commit"
build-bench/bench/floor_orders "$db" "$out/http.targets" "$secs" --no-sync
