#!/usr/bin/env bash
# bench/rules: 1 000 000 order facts through `lmn rules eval`, beside the parse-only floor.
# Usage: bench/rules/run.sh [LINES]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-1000000}
[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench >/dev/null
mkdir -p bench/out
build-bench/bench/gen_facts "$lines" >bench/out/facts.jsonl
echo "== eval_stream in process, best of 5 (pinned to CPU 0)"
LMN_RULES_DIR=data/rules build-bench/bench/bench_rules bench/out/facts.jsonl 5
echo "== the real command: taskset -c 0 lmn rules eval <facts >/dev/null, best of 5"
best=
for _ in 1 2 3 4 5; do
	s=$(date +%s.%N)
	LMN_RULES_DIR=data/rules taskset -c 0 build-bench/lmn rules eval <bench/out/facts.jsonl >/dev/null
	e=$(date +%s.%N)
	t=$(echo "$e - $s" | bc)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
echo "lmn rules eval   ${best} s  $(echo "$lines / $best" | bc) evaluations/s"
