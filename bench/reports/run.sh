#!/usr/bin/env bash
# bench/reports: the tertial key-figure report and the monthly invoice basis over ten million order
# lines with their deliveries and calls, beside the floor (bare SQL aggregates over the same rows),
# and `lmn import orders` of a million orders.
# Usage (from anywhere in the repository): [STORE=pg] bench/reports/run.sh [LINES [REPS [IMPORT_ORDERS]]]
# Builds a release tree in $BUILD (default build-bench/), keeps its databases and files in
# bench/out/reports/ (both git-ignored); the databases are made once for the same arguments.
# STORE=pg: the two reports on PostgreSQL, the database copied once (lmn store copy) into a
# cluster of tests/pg/cluster.sh in bench/out/reports/pg kept between runs; no import.
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-10000000}
reps=${2:-5}
imports=${3:-1000000}
build=${BUILD:-build-bench}
out=bench/out/reports
export LMN_RULES_DIR=data/rules
export LMN_NOW=2026-11-23T10:00

[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release -Dtests=false >/dev/null
ninja -C "$build" lmn bench/gen_history bench/bench_reports >/dev/null
mkdir -p "$out"

db=$out/history.db
if [ ! -f "$db" ] || [ "$(cat "$out/history.stamp" 2>/dev/null)" != "$lines" ]; then
	rm -f "$db" "$out/history.stamp"
	echo "== making $db with $lines order lines"
	s=$(date +%s)
	"$build/bench/gen_history" "$db" "$lines"
	echo "   generated in $(($(date +%s) - s)) s, $(du -h "$db" | cut -f1)"
	echo "$lines" >"$out/history.stamp"
fi

if [ "${STORE:-sqlite}" = pg ]; then
	. bench/pg.sh
	# Its cache a sixth of the memory, as a server of its own would have it.
	bench_pg "$out" "$build/lmn" "$db" history "$lines" "shared_buffers = '4GB'" \
		"max_wal_size = '16GB'" "checkpoint_timeout = '30min'" "work_mem = '64MB'"
	db="postgresql:///history?host=$pgdir"
fi

echo "== bench_reports: 2026 T2 (its trend: 2023 T3 … 2026 T2) and the invoice basis of 2026-05, $reps runs"
taskset -c 0 "$build/bench/bench_reports" "$db" 2026 2 2026-05 "$reps"

echo "== the lmn binary, whole process (open, load rules, report, write JSON)"
for what in "tertial 2026 2" "invoice 2026-05"; do
	best=
	for _ in $(seq 1 "$reps"); do
		s=$(date +%s%N)
		# shellcheck disable=SC2086
		taskset -c 0 "$build/lmn" report $what --db "$db" --as-of 2026-11-23 >/dev/null
		t=$(($(date +%s%N) - s))
		[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
	done
	printf '   lmn report %-16s best of %d: %d.%03d s\n' "$what" "$reps" $((best / 1000000000)) $((best / 1000000 % 1000))
done
[ "${STORE:-sqlite}" != pg ] || exit 0

ref=$out/reference.db
csv=$out/orders.csv
if [ ! -f "$ref" ] || [ "$(cat "$out/import.stamp" 2>/dev/null)" != "$imports" ]; then
	rm -f "$ref" "$csv" "$out/import.stamp"
	echo "== making $csv: $imports orders on the patients, units and articles of $ref"
	"$build/bench/gen_history" "$ref" 0 "$csv" "$imports"
	echo "$imports" >"$out/import.stamp"
fi
echo "== lmn import orders: $imports orders ($(du -h "$csv" | cut -f1)) into a copy of $ref"
cp "$ref" "$out/import.db"
# Not pinned to one core as the reports are: the import decides orders on one thread while another
# writes them.
s=$(date +%s%N)
"$build/lmn" import orders "$csv" --db "$out/import.db" 2>&1 | tail -1
t=$(($(date +%s%N) - s))
printf '   %d.%03d s\n' $((t / 1000000000)) $((t / 1000000 % 1000))
