#!/bin/sh
# Every document the tree cites is in the tree (issue 7.10): each name
# ending in .md in the sources, scenarios, docs and README names a file,
# either by its path from the top or as one of docs/.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

files=$(cd "$top" && find README.md docs sim kernel-shim include tests bench \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.md' -o -name '*.scn' \
	-o -name '*.mk' -o -name '*.1' -o -name '*.sh' \) 2>/dev/null)
[ -n "$files" ] || { not_ok "the sources are found" "top=$top"; done_testing; exit 0; }
missing=
for f in $files; do
	for d in $(cd "$top" && sed 's/\\-/-/g' "$f" | grep -o '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' | sort -u); do
		d=${d#./}
		[ -f "$top/$d" ] || [ -f "$top/docs/$d" ] || [ -f "$top/$(dirname "$f")/$d" ] ||
			missing="$missing $f:$d"
	done
done
if [ -z "$missing" ]; then
	ok "every cited document exists"
else
	not_ok "every cited document exists" "missing:$missing"
fi
done_testing
