#!/bin/sh
# The speed-up of a sharded search (issue 11): one search made whole, then
# split with --jobs N for each N given, on the same machine; prints each
# one's wall time, its runs and classes, the class digest (equal to the
# whole search's when the split is right), and the speed-up.  Never passes
# or fails on time.
#
#   bench/shards.sh [-s SCN] [-v VARIANT] [-j "2 4"] [-x "CHECK OPTS"]   (make bench-shards)
#
# -x passes options to every search alike (e.g. -x --no-invisible).
#
# The default scenario is two vCPUs write-faulting one populated device-dax
# 2M page while it is unbound, on rfc-2018 (complete in about half a minute:
# 45,000 runs, 33,000 classes).  On a machine with fewer cores than N the
# shards share them: the speed-up is bounded by the cores, not by N.
set -u
scn=
variant=rfc-2018
jobs="2 4"
extra=
while getopts s:v:j:x: o; do
	case $o in
	s) scn=$OPTARG ;;
	v) variant=$OPTARG ;;
	j) jobs=$OPTARG ;;
	x) extra=$OPTARG ;;
	*) echo "usage: $0 [-s SCN] [-v VARIANT] [-j \"N ...\"] [-x \"OPTS\"]" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kvmsim=${KVMSIM:-$top/kvmsim}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmsim-shards.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ -z "$scn" ]; then
	scn=$tmp/dax-unbind-2vcpu.scn
	cat >"$scn" <<SCN
devdax dax0.0 pfn=0x200000 size=2M align=2M
mmap dax0.0 hva=0x7f0000000000
populate hva=0x7f0000000000 size=2M write
memslot 0 gfn=0x100000 hva=0x7f0000000000 pages=512
thread vcpu0
	fault gfn=0x100000 write
end
thread vcpu1
	fault gfn=0x100000 write
end
thread admin
	unbind dax0.0
end
SCN
fi

now() { date +%s.%N; }

# run NAME OPTS...: "name seconds runs classes digest complete"
run() {
	name=$1
	shift
	t0=$(now)
	# shellcheck disable=SC2086
	"$kvmsim" check -s "$scn" -v "$variant" --allow-bounded --json $extra "$@" >"$tmp/out.json" 2>"$tmp/err"
	t1=$(now)
	python3 - "$tmp/out.json" "$name" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = float(sys.argv[4]) - float(sys.argv[3])
print(sys.argv[2], "%.2f" % t, r["runs"], r["classes"], r["class_digest"],
      "complete" if r["complete"] else "bounded(%s)" % r["bounded_by"])
PY
}

cores=$(nproc 2>/dev/null || echo "?")
echo "kvmsim sharded search: $(basename "$scn") on $variant${extra:+ ($extra)}, $(date -u +%Y-%m-%d), $cores cores"
echo
printf '%-10s %10s %10s %10s %-18s %-10s %s\n' search seconds runs classes digest result speed-up
whole=$(run whole)
set -- $whole
base=$2
printf '%-10s %10s %10s %10s %-18s %-10s %s\n' "$1" "$2" "$3" "$4" "$5" "$6" 1.00
for n in $jobs; do
	line=$(run "jobs-$n" --jobs "$n")
	set -- $line
	printf '%-10s %10s %10s %10s %-18s %-10s %s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
		"$(awk -v a="$base" -v b="$2" 'BEGIN { printf "%.2f", a / b }')"
done
