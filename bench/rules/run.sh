#!/usr/bin/env bash
# bench/rules: order facts through `lmn rules eval`, beside the parse-only floor, on one core.
# Usage (from anywhere in the repository): bench/rules/run.sh [LINES [REPETITIONS]]
# Builds a release tree in build-bench/, writes its input to bench/out/ (both git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-1000000}
reps=${2:-7}
facts=bench/out/facts.jsonl
export LMN_RULES_DIR=data/rules

[ -f build-bench/build.ninja ] || meson setup build-bench --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench >/dev/null
mkdir -p bench/out
build-bench/bench/gen_facts "$lines" 20261122 >"$facts"
echo "== $(wc -l <"$facts") lines, $(du -h "$facts" | cut -f1) in $facts"

echo "== eval_stream in process (what lmn rules eval runs), alternating the two passes"
build-bench/bench/bench_rules "$facts" "$reps"

echo "== the real command, pinned: taskset -c 0 build-bench/lmn rules eval <$facts >/dev/null"
if command -v hyperfine >/dev/null; then
	hyperfine --style basic --warmup 1 --runs "$reps" --export-json bench/out/hyperfine.json \
		"taskset -c 0 build-bench/lmn rules eval <$facts" >/dev/null
	python3 - "$lines" bench/out/hyperfine.json <<'PY'
import json, sys
n = int(sys.argv[1])
r = json.load(open(sys.argv[2]))["results"][0]
print(f"lmn rules eval   best {r['min']:.3f} s  median {r['median']:.3f} s  "
      f"mean {r['mean']:.3f} ± {r['stddev']:.3f} s  "
      f"{n / r['min']:.0f} evaluations/s (best), {n / r['median']:.0f} (median)  [hyperfine]")
PY
else
	times=()
	for _ in $(seq "$reps"); do
		s=$(date +%s%N)
		taskset -c 0 build-bench/lmn rules eval <"$facts" >/dev/null
		e=$(date +%s%N)
		times+=($((e - s)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v n="$lines" '
		{ t[NR] = $1 / 1e9 }
		END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		      printf "lmn rules eval   best %.3f s  median %.3f s  %.0f evaluations/s (best), %.0f (median)\n",
		             t[1], m, n / t[1], n / m }'
fi
