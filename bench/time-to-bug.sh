#!/bin/sh
# Time to the first finding (issue 11): for each mutant and each known buggy
# variant, on the scenario that catches it, the runs and seconds DPOR, PCT
# (depth 1, 2, 3), a random walk and the portfolio take to their first violation of the
# expected oracle (--stop-on-first, --no-shrink: the search alone).  Prints a
# table; never passes or fails.
#
#   bench/time-to-bug.sh [-r RUNS] [-s SEED]     (make bench-time-to-bug)
#
# A sampling cell stops after RUNS runs (default 2000) and shows "-" when it
# found nothing by then; the seed (default 1) fixes every sample.
set -u
runs=2000
seed=1
while getopts r:s: o; do
	case $o in
	r) runs=$OPTARG ;;
	s) seed=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS] [-s SEED]" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
kvmsim=${KVMSIM:-$top/kvmsim}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmsim-ttb.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# cell SCENARIO VARIANT ORACLE OPTS...: "runs/seconds" to the first ORACLE, or "-"
cell() {
	s=$1 v=$2 want=$3
	shift 3
	(cd "$tmp" && "$kvmsim" check -s "$s" -v "$v" --stop-on-first --no-shrink --allow-bounded "$@" \
		>out 2>&1)
	line=$(grep ' (mm-[0-9.]*, [a-z]*): ' "$tmp/out" | tail -1)
	if awk 'NR == 2 { print $2 }' "$tmp/out" | grep -q "$want"; then
		r=$(echo "$line" | sed -n 's/.* \([0-9]*\) runs,.*/\1/p')
		ms=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms$/\1/p')
		awk -v r="$r" -v m="$ms" 'BEGIN { printf "%s/%.2fs", r, m / 1000 }'
	else
		printf '%s' "-"
	fi
}

echo "kvmsim time to first finding: $(date -u +%Y-%m-%d), seed $seed, samples of at most $runs runs"
echo "(runs/seconds to the first violation of the oracle; - : none found)"
echo
printf '%-24s %-28s %-15s %-15s %-15s %-15s %-15s %-15s %s\n' variant scenario oracle \
	dpor pct-d1 pct-d2 pct-d3 random portfolio
# The mutants, each on the first shipped scenario whose expect line is the
# oracle it names, else has it (the mutation matrix; --stop-on-first stops at
# the first finding of any oracle), then the known buggy variants.
scndir=$top/tests/scenarios
cases() {
	"$kvmsim" list mutants | cut -f1 | while read -r m; do
		want=$("$kvmsim" list --json mutants | tr '{' '\n' |
			sed -n "s/.*\"name\": \"$m\".*\"catches\": \"\([a-z-]*\)\".*/\1/p")
		# a scenario where the oracle is the whole verdict, else one where it is part
		f=$(grep -l "^expect $m $want\$" "$scndir"/*.scn | head -1)
		[ -n "$f" ] || f=$(grep -l "^expect $m .*\b$want\b" "$scndir"/*.scn | head -1)
		[ -n "$f" ] && echo "$m $(basename "$f" .scn) $want"
	done
	cat <<CASES
v4.19 d1-devdax-unbind-hang hang
rfc-2018 d1-devdax-unbind-hang hang
v5.4-rc7 d1-devdax-unbind-hang hang
v5.4 zero-page-refcount-leak audit
CASES
}
cases | while read -r v s want; do
	[ -n "$v" ] || continue
	printf '%-24s %-28s %-15s' "$v" "$s" "$want"
	printf ' %-15s' "$(cell "$s" "$v" "$want")"
	for d in 1 2 3; do
		printf ' %-15s' "$(cell "$s" "$v" "$want" --strategy pct --depth $d --runs "$runs" --seed "$seed")"
	done
	printf ' %-15s' "$(cell "$s" "$v" "$want" --strategy random --runs "$runs" --seed "$seed")"
	printf ' %s\n' "$(cell "$s" "$v" "$want" --strategy portfolio --runs "$runs" --seed "$seed")"
done
