#!/usr/bin/env bash
# The habits that keep the tree as STYLE.md describes it: every C file as .clang-format formats it,
# and cppcheck's warnings (with jansson's iteration macros, tools/cppcheck/jansson.h) clean.
# varFuncNullUB is suppressed: GNU C's NULL is a pointer, so a NULL passed to a variadic function
# that reads a pointer is defined here (lmn builds with Debian's gcc only). And the dependencies
# point one way (docs/internals/map.md): util/ includes nothing of rules/, governance/, core/
# and rules/ nothing of web/, http/ or api/, and web/ nothing of store/ (pages ask the API).
set -uo pipefail
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"
rc=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests fuzz bench -name '*.[ch]')
if ! out=$(printf '%s\n' "$files" | xargs clang-format --dry-run -Werror 2>&1); then
	printf '%s\n' "$out" | head -n 40
	echo "not ok: run clang-format -i on the files above"
	rc=1
fi
if ! cppcheck -q --std=c11 --enable=warning,portability --inline-suppr --error-exitcode=1 \
	--suppress=varFuncNullUB -I src --include=tools/cppcheck/jansson.h -j2 \
	src tests fuzz bench; then
	echo "not ok: cppcheck"
	rc=1
fi
# Issue 21: a page asks the API what the rules decide (GET /api/me's "ordering" and "prescribing",
# an answer's fields); it formats rule parameters and dates, but never runs the rule engine.
if grep -nE '#include "(core/|rules/(delivery|calendar)\.h)|\b(delivery_(decide|message|kind_open)|params_at|calendar_[a-z_]+|rx_[a-z_]+)\(|->v\[P_' \
	src/web/*.c src/web/*.h; then
	echo "not ok: src/web/ evaluates rules itself; ask the API for the decision"
	rc=1
fi
inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]'
slips=$(grep -rnE "${inc}rules/" src/util
	grep -rnE "${inc}(web|http|api)/" src/governance src/core src/rules
	grep -rnE "${inc}store/" src/web)
if [ -n "$slips" ]; then
	printf '%s\n' "$slips"
	echo "not ok: a layer includes one above it (docs/internals/map.md)"
	rc=1
fi
exit "$rc"
