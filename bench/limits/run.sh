#!/usr/bin/env bash
# bench/limits: many slow connections from one address against the real `lmn serve`, while
# /healthz (and the sign-in page) is asked from another, on loopback only; stops by itself.
# Usage (from anywhere in the repository): [LMN=path/to/lmn] bench/limits/run.sh [CONNECTIONS
# [SECONDS [SERVE ARGS…]]], e.g. bench/limits/run.sh 2000 60 --threads 0
# Without LMN it builds the release tree build-bench/; its database is in bench/out/limits/.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000}
secs=${2:-30}
shift $(($# < 2 ? $# : 2))
out=bench/out/limits
export LMN_RULES_DIR=data/rules LMN_NOW=2026-11-23T10:00
if [ -z "${LMN:-}" ]; then
	[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
	ninja -C build-bench >/dev/null
	LMN=build-bench/lmn
fi
mkdir -p "$out"
[ -f "$out/lmn.db" ] || "$LMN" demo --db "$out/lmn.db" >/dev/null
"$LMN" serve --db "$out/lmn.db" --port 0 "$@" >"$out/serve.out" 2>"$out/serve.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
port=
for _ in $(seq 100); do
	port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out/serve.out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$out/serve.err"; echo "lmn serve did not start" >&2; exit 1; }
echo "== $n slow connections from 127.0.0.2 for $secs s against lmn serve $* on port $port ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
python3 tests/cli/slow_clients.py slow "$port" "$n" "$secs"
echo "== server: $(ls /proc/$pid/fd | wc -l) descriptors open, VmRSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
sleep 10.5 # the watchdog's report
grep 'lmn: connections' "$out/serve.err" | tail -n 3 || true
