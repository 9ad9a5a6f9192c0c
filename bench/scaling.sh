#!/bin/sh
# How the exhaustive search scales with vCPUs (issue 8), side by side with
# the SPIN peer model when `spin` is installed.  Prints a table; never
# passes or fails on time.
#
#   bench/scaling.sh [-t SECS] [-n MAXN]     (make bench-scaling)
#
# The scenario: one populated device-dax 2M page, N vCPUs each write-faulting
# it, and the device unbound meanwhile, on v5.4 (where it is ok).  Each cell
# is searched for at most SECS seconds (default 60): a search that hits it is
# shown with `~` (bounded), its runs and classes so far.  Then the two
# shipped D1 scenarios and fault-vs-thp-split, with and without the
# experimental --lock-sections.
#
# SPIN checks ../shared/peers/spin/kvm_dax.pml (or $SPIN_MODEL), a hand
# abstraction of the same protocol (atomic gup, one lock), with -DNVCPU=N.
set -u
secs=60
maxn=4
while getopts t:n: o; do
	case $o in
	t) secs=$OPTARG ;;
	n) maxn=$OPTARG ;;
	*) echo "usage: $0 [-t SECS] [-n MAXN]" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kvmsim=${KVMSIM:-$top/kvmsim}
model=${SPIN_MODEL:-$top/../shared/peers/spin/kvm_dax.pml}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmsim-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# scenario N: the N-vCPU device-dax unbind race
scenario() {
	{
		echo "devdax dax0.0 pfn=0x200000 size=2M align=2M"
		echo "mmap dax0.0 hva=0x7f0000000000"
		echo "populate hva=0x7f0000000000 size=2M write"
		echo "memslot 0 gfn=0x100000 hva=0x7f0000000000 pages=512"
		i=0
		while [ $i -lt "$1" ]; do
			printf 'thread vcpu%d\n\tfault gfn=0x100000 write\nend\n' $i
			i=$((i + 1))
		done
		printf 'thread admin\n\tunbind dax0.0\nend\nexpect v5.4 ok\n'
	} >"$tmp/dax-unbind-$1vcpu.scn"
}

# cell SCENARIO VARIANT [OPTS]: "verdict[~] runs classes seconds"
cell() {
	s=$1 v=$2
	shift 2
	"$kvmsim" check -s "$s" -v "$v" --time "$secs" --allow-bounded "$@" \
		>"$tmp/out" 2>&1
	line=$(grep ' (mm-[0-9.]*, dpor): ' "$tmp/out" | tail -1)
	verdict=$(sed -n '1,/^$/p' "$tmp/out" | awk 'NR == 2 { print $2 }')
	runs=$(echo "$line" | sed -n 's/.* \([0-9]*\) runs,.*/\1/p')
	classes=$(echo "$line" | sed -n 's/.* \([0-9]*\) classes,.*/\1/p')
	ms=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms$/\1/p')
	printf '%-16s %9s %9s %8s' "$verdict" "${runs:-?}" "${classes:-?}" \
		"$(awk -v m="${ms:-0}" 'BEGIN { printf "%.2f", m / 1000 }')"
}

spin_cell() {
	if ! command -v spin >/dev/null 2>&1 || [ ! -f "$model" ]; then
		printf '%s' "(spin not installed)"
		return
	fi
	(
		cd "$tmp" && cp "$model" kvm_dax.pml &&
			spin -a -DNVCPU="$1" kvm_dax.pml >/dev/null 2>&1 &&
			${CC:-cc} -O2 -DSAFETY -o pan pan.c 2>/dev/null &&
			s0=$(date +%s.%N) && ./pan -m100000 >pan.out 2>&1 &&
			s1=$(date +%s.%N) &&
			printf '%-6s %9s states %6.2f s' \
				"$(awk '/errors:/ { print ($NF == 0 ? "ok" : "error") }' pan.out)" \
				"$(awk '/states, stored/ { print $1 }' pan.out)" \
				"$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')"
	) || printf '%s' "(spin failed)"
}

echo "kvmsim scaling bench: $(date -u +%Y-%m-%d), $(nproc 2>/dev/null || echo '?') CPUs, budget ${secs} s a cell"
echo
echo "N vCPUs write-faulting one device-dax 2M page during unbind (v5.4)"
printf '%-3s | %-45s | %-45s | %s\n' "N" "kvmsim dpor: verdict runs classes s" \
	"--lock-sections: verdict runs classes s" "SPIN (kvm_dax.pml)"
n=1
while [ $n -le "$maxn" ]; do
	scenario $n
	printf '%-3s | %s | %s | %s\n' $n "$(cell "$tmp/dax-unbind-${n}vcpu.scn" v5.4)" \
		"$(cell "$tmp/dax-unbind-${n}vcpu.scn" v5.4 --lock-sections)" "$(spin_cell $n)"
	n=$((n + 1))
done

echo
echo "shipped scenarios"
printf '%-34s %-9s | %-45s | %s\n' "scenario" "variant" "kvmsim dpor: verdict runs classes s" \
	"--lock-sections"
for sv in d1-devdax-unbind-hang:v4.19 d1-devdax-unbind-hang:v5.4 \
	"$top/tests/scenarios-long/d1-devdax-unbind-hang-2vcpu.scn:v5.4" \
	fault-vs-thp-split:v5.4; do
	s=${sv%:*} v=${sv##*:}
	printf '%-34s %-9s | %s | %s\n' "$(basename "$s" .scn)" "$v" "$(cell "$s" "$v")" \
		"$(cell "$s" "$v" --lock-sections)"
done
echo
echo "~: bounded (the budget, a scenario's own search budget, or --lock-sections, which never proves ok)"
