#!/usr/bin/env bash
# Issue 21: no SQL under src/api/ or src/web/. The handlers parse, authorise, decide and call the
# store (src/store/), which owns every statement and column list of its tables. A file listed in
# LEFT still has statements of its own, to be moved; the list only shrinks: a new statement in
# any other file, or a listed file that has none left (take it off the list), fails.
set -uo pipefail
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"
LEFT="
"
sql='"[^"]*\b(SELECT|INSERT (OR [A-Z]+ )?INTO|UPDATE [a-z_]+\b|DELETE FROM|REPLACE INTO|PRAGMA|CREATE (TABLE|INDEX|TRIGGER|VIEW)|DROP (TABLE|INDEX))\b'
rc=0
for f in src/api/*.c src/api/*.h src/web/*.c src/web/*.h; do
	n=$(grep -cE "$sql" "$f")
	listed=no
	case "$LEFT" in *" $f "* | *"
$f
"*) listed=yes ;; esac
	if [ "$n" -gt 0 ] && [ "$listed" = no ]; then
		grep -nE "$sql" "$f" | head -n 5 | sed "s|^|$f:|"
		echo "not ok: $f has SQL; it belongs in src/store/"
		rc=1
	elif [ "$n" -eq 0 ] && [ "$listed" = yes ]; then
		echo "not ok: $f has no SQL left: take it off LEFT in $0"
		rc=1
	fi
done
[ "$rc" -eq 0 ] && echo "ok: no SQL in src/api/ and src/web/ beyond the files still listed"
exit "$rc"
