# Shared by the kvmsim CLI tests: TAP output, a scratch directory, and
# checks on a command's exit status and output.  $KVMSIM is the program
# (SH_LOG_COMPILER sets it to the build tree's kvmsim).
KVMSIM=${KVMSIM:-kvmsim}
tap_n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmsim-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
	echo "#   stdout: $(head -c 400 out 2>/dev/null)"
	echo "#   stderr: $(head -c 400 err 2>/dev/null)"
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# run CMD...: its output in ./out and ./err, its exit status in $status.
run() {
	"$@" >out 2>err
	status=$?
}

# expect_status DESC STATUS CMD...
expect_status() {
	desc=$1
	want=$2
	shift 2
	run "$@"
	if [ "$status" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit status $status, expected $want"
	fi
}

# expect_line FILE DESC TEXT: some line of FILE contains TEXT (fixed string).
expect_line() {
	if grep -qF -- "$3" "$1"; then
		ok "$2"
	else
		not_ok "$2" "no line of $1 contains: $3"
	fi
}

# expect_error DESC TEXT CMD...: exit status 2, exactly one line on stderr, containing TEXT.
expect_error() {
	desc=$1
	text=$2
	shift 2
	run "$@"
	lines=$(wc -l <err)
	if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$text" err; then
		ok "$desc"
	else
		not_ok "$desc" "exit status $status (want 2), $lines stderr lines (want 1), want: $text"
	fi
}

have_python() {
	command -v python3 >/dev/null 2>&1
}

done_testing() {
	echo "1..$tap_n"
}

# write_one_vcpu FILE [LINE...]: a world small enough that a complete search
# is one run (one vCPU on anonymous memory), then LINEs (expectations).
write_one_vcpu() {
	cat >"$1" <<'SCN'
# One vCPU faulting on anonymous memory, alone: a complete search is one run.
ram pfn=0x10000 size=4M
anon hva=0x7f0000000000 size=2M
populate hva=0x7f0000000000 size=8K write
memslot 0 gfn=0 hva=0x7f0000000000 pages=512
thread vcpu0
	fault gfn=0x1 write
	access gfn=0x1 write
end
SCN
	scn=$1
	shift
	for line in "$@"; do
		echo "$line" >>"$scn"
	done
}

# write_two_faults FILE [LINE...]: two vCPUs faulting on their own pages: more
# than one run, so that --runs 1 leaves the search bounded.
write_two_faults() {
	cat >"$1" <<'SCN'
# Two vCPUs faulting on anonymous memory: a complete search takes a few runs.
ram pfn=0x10000 size=4M
anon hva=0x7f0000000000 size=2M
populate hva=0x7f0000000000 size=8K write
memslot 0 gfn=0 hva=0x7f0000000000 pages=512
thread vcpu0
	fault gfn=0x0 write
end
thread vcpu1
	fault gfn=0x1 write
end
SCN
	scn=$1
	shift
	for line in "$@"; do
		echo "$line" >>"$scn"
	done
}
