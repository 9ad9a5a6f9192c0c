#!/bin/sh
# kvmsim's usage errors: exit status 2 and one line on stderr that names what
# was wrong (with the nearest spelling of an unknown name, file:line:column
# for a malformed scenario); --help and list work.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

expect_status "--help exits 0" 0 "$KVMSIM" --help
expect_line out "--help prints the usage" "usage: kvmsim"
expect_error "an unknown command" "unknown command 'chekc'; did you mean 'check'?" \
	"$KVMSIM" chekc
expect_error "an unknown option" "unknown option '--jsno'; did you mean '--json'?" \
	"$KVMSIM" check --jsno
expect_error "an option without its argument" "needs an argument" "$KVMSIM" check -v
expect_error "an unknown variant" "unknown variant 'v5.44'; did you mean 'v5.4'?" \
	"$KVMSIM" check -v v5.44
expect_error "an unknown era" "unknown era 'mm-5.3'; did you mean 'mm-5.2'?" \
	"$KVMSIM" check --era mm-5.3
expect_error "a portfolio does not split" "--shard: a portfolio search cannot be split" \
	"$KVMSIM" check --strategy portfolio --shard 0/2
expect_error "--depth without pct" "--depth applies to --strategy pct" \
	"$KVMSIM" check --depth 2
expect_status "list --json mutants" 0 "$KVMSIM" list --json mutants
expect_line out "list --json names each mutant and its oracle" '{"name": "mut-no-retry", "description": "mmu_notifier_retry() never retries", "catches": "stale-spte", "base": "v5.4"'
expect_line out "list --json names what a mutant replaces" '"replaces": [{"function": "mmu_notifier_retry", "removed": false, "commit": "mutant"}]'
# -v: what each variant builds on and replaces, with the commit beside each function.
expect_status "list -v variants" 0 "$KVMSIM" list -v variants
expect_line out "list -v names a variant's base" "	base: v5.4-rc7"
expect_line out "list -v names a replaced function and its commit" "	replaces: kvm_is_reserved_pfn()  a78986aae9b2"
expect_line out "list -v: a base defines every function" "	defines:  kvm_is_reserved_pfn()  84df9525b0c2"
expect_error "list with an unknown option" "list: unknown option '--jsno'" "$KVMSIM" list --jsno variants
# Input that is not a scenario, or a world too big to model: exit 2, never a hang or an abort.
expect_error "a device as scenario" "/dev/zero: not a regular file" "$KVMSIM" check -s /dev/zero
if mkfifo fifo.scn 2>/dev/null; then
	expect_error "a FIFO as scenario" "fifo.scn: not a regular file" "$KVMSIM" check -s ./fifo.scn
else
	skip "a FIFO as scenario" "no mkfifo"
fi
awk 'BEGIN { for (i = 0; i < 70000; i++) print "# padding padding padding padding" }' >huge.scn
expect_error "a file over 1 MiB" "huge.scn: larger than 1024 KiB" "$KVMSIM" check -s ./huge.scn
printf 'ram pfn=0x10000 size=500G\nthread t\n\tfault gfn=0 write\nend\n' >big.scn
expect_error "a 500G ram region" "big.scn:1:22: 'size' 500G is too large: at most 4G" \
	"$KVMSIM" check -s ./big.scn
# Out of memory is bad input too: exit 2 with a message, not an abort (134).
printf 'ram pfn=0x100000 size=4G\nanon hva=0x7f0000000000 size=2M\nmemslot 0 gfn=0 hva=0x7f0000000000 pages=512\nthread t\n\tfault gfn=0 write\nend\n' >four.scn
if (ulimit -v 60000 && "$KVMSIM" list eras) >/dev/null 2>&1; then
	(ulimit -v 60000 && "$KVMSIM" check -s ./four.scn -v v5.4) >out 2>err
	status=$?
	if [ $status -eq 2 ] && grep -q "^kvmsim: out of memory" err; then
		ok "out of memory: exit 2 and a message"
	else
		not_ok "out of memory: exit 2 and a message" "exit $status"
	fi
else
	skip "out of memory: exit 2 and a message" "ulimit -v not usable here (a sanitizer build?)"
fi
expect_error "a bad --trace" "--trace: 'some' is not none, first or all" "$KVMSIM" check --trace some
expect_error "a PCT depth of 0" "--depth: must be 1 or more" "$KVMSIM" check --strategy pct --depth 0
expect_error "an unknown strategy" "did you mean 'dpor'?" "$KVMSIM" check --strategy dpr
expect_error "--html is not implemented yet" "not implemented yet" "$KVMSIM" check --html x.html
expect_error "a bad number" "--loop-bound: 'x' is not a number" "$KVMSIM" check --loop-bound x
expect_error "a blank before a number" "--runs: ' -1' is not a number" "$KVMSIM" check --runs " -1"
expect_error "a sign before a number" "--runs: '+5' is not a number" "$KVMSIM" check --runs +5
expect_error "a bare 0x" "--runs: '0x' is not a number" "$KVMSIM" check --runs 0x
expect_error "a blank before seconds" "--time: ' 1' is not a positive number" "$KVMSIM" check --time " 1"
expect_error "--bound without bounded" "--bound applies to --strategy bounded" \
	"$KVMSIM" check --bound 2
expect_error "an unknown scenario" \
	"unknown scenario 'd1-devdax-unbind-hnag'; did you mean 'd1-devdax-unbind-hang'?" \
	"$KVMSIM" check -s d1-devdax-unbind-hnag
expect_error "a missing scenario file" "nope.scn: No such file or directory" \
	"$KVMSIM" check -s ./nope.scn
expect_error "a stray argument" "unexpected argument 'd1'" "$KVMSIM" check d1
printf 'ram pfn=0x1000 pages=4\rthread a\r\tteardown\rend\r' >cr.scn
expect_error "CR line endings" "cr.scn:1:23: a carriage return that does not end a line" \
	"$KVMSIM" check -s ./cr.scn
printf '# nothing but a comment\n' >empty.scn
expect_error "a scenario without threads" "empty.scn:1:1: no 'thread NAME' ... 'end' block" \
	"$KVMSIM" check -s ./empty.scn
# --load validates what an object registers (issue 12): no NULL function, no era out of range.
cat >bad-variant.c <<'C'
#include <kvmsim/variant.h>
static const void *zero_ops[64];
static const struct ks_variant nulls = {
	.name = "test-null-ops", .kernel = "none", .default_era = 0,
	.ops = (const struct kvm_variant_ops *)zero_ops,
};
static const struct ks_variant era = {
	.name = "test-bad-era", .kernel = "none", .default_era = (enum ks_era_id)99,
	.ops = (const struct kvm_variant_ops *)zero_ops,
};
__attribute__((constructor)) static void reg(void)
{
#ifdef BAD_ERA
	ks_variant_register(&era);
#else
	ks_variant_register(&nulls);
#endif
}
C
cc=${CC:-cc}
if $cc -shared -fPIC -I"$top/include" -o null-ops.so bad-variant.c 2>cc.err &&
   $cc -shared -fPIC -DBAD_ERA -I"$top/include" -o bad-era.so bad-variant.c 2>>cc.err; then
	expect_error "--load: a variant with NULL functions" \
		"variant 'test-null-ops' has no kvm_is_reserved_pfn()" "$KVMSIM" check --load ./null-ops.so
	expect_error "--load: an era out of range" \
		"variant 'test-bad-era': default era 99 is out of range" "$KVMSIM" check --load ./bad-era.so
	# every verb takes --load, and a bare file name is a path
	for verb in "list variants" "table" "diff v5.4 v5.6" "replay ks1:x"; do
		expect_error "$verb --load" "variant 'test-null-ops' has no kvm_is_reserved_pfn()" \
			"$KVMSIM" $verb --load null-ops.so
	done
else
	skip "--load: a variant with NULL functions" "no C compiler"
	skip "--load: an era out of range" "no C compiler"
	skip "every verb takes --load" "no C compiler"
fi
expect_error "--load of a missing object" "--load /nonexistent/x.so" \
	"$KVMSIM" check --load /nonexistent/x.so
# table: every variant's decisions on every page kind, in three formats.
expect_status "table" 0 "$KVMSIM" table
expect_line out "table names its columns" "page                 decision                               v4.19            rfc-2018"
expect_line out "table: v5.6 maps an fsdax PMD 2M (e851265a816f)" "a fault maps it with a 2M SPTE         no               yes              no               no               no               yes"
expect_status "table --format markdown" 0 "$KVMSIM" table --variants v5.4,v5.6 --format markdown
expect_line out "a markdown table" "| page | decision | v5.4 | v5.6 |"
expect_line out "markdown: the zero page is refcounted in v5.6 (7df003c85218)" "| zero page | kvm_is_reserved_pfn | yes | no |"
expect_status "table --format json" 0 "$KVMSIM" table --variants v5.4-rc7 --format json
expect_line out "table json" '{"variants": ["v5.4-rc7"], "rows": [{"page": "normal", "decision": "kvm_is_reserved_pfn", "values": {"v5.4-rc7": "no"}}'
expect_error "table of an unknown variant" "unknown variant 'v5.7'" "$KVMSIM" table --variants v5.4,v5.7
expect_error "table naming a variant twice" "table: --variants names 'v4.19' twice" \
	"$KVMSIM" table --variants v4.19,v4.19
expect_error "table in an unknown format" "table: --format html: text, markdown or json" \
	"$KVMSIM" table --format html
expect_error "table with a stray argument" "table: unexpected 'v5.4'" "$KVMSIM" table v5.4
expect_error "merge of a file that is not there" "a.json: No such file or directory" "$KVMSIM" merge a.json
expect_error "diff needs two variants" "diff: two variants" "$KVMSIM" diff v5.4
expect_error "diff of an unknown variant" "did you mean 'v5.4-rc7'?" "$KVMSIM" diff v5.4-rc8 v5.4
expect_error "diff of an unknown scenario" "unknown scenario 'nosuch'" "$KVMSIM" diff -s nosuch v5.4 v5.6
if [ -s out ]; then not_ok "diff prints nothing before a bad scenario"; else ok "diff prints nothing before a bad scenario"; fi
expect_error "diff with an unknown option" "diff: unknown option '--alll'" "$KVMSIM" diff --alll v5.4 v5.6
expect_status "diff shows what differs" 0 "$KVMSIM" diff -s zero-page-refcount-leak v5.4 v5.6
expect_line out "diff: the zero page's reservation" "zero page            kvm_is_reserved_pfn                    yes              no"
expect_line out "diff: the scenario fixed by 7df003c85218" "zero-page-refcount-leak: v5.4 audit, v5.6 ok"
if grep -q "^normal" out; then not_ok "diff hides the rows that agree"; else ok "diff hides the rows that agree"; fi
expect_status "diff --all" 0 "$KVMSIM" diff --all -s fault-prepopulated v5.4 v5.6
expect_line out "diff --all shows every row" "THP tail             kvm_is_reserved_pfn                    no               no"
expect_line out "diff --all marks a difference" "zero page            kvm_is_reserved_pfn                    yes              no                <-- differs"
expect_status "diff --json" 0 "$KVMSIM" diff --json -s zero-page-refcount-leak v5.4 v5.6
expect_line out "diff --json" '{"a": "v5.4", "b": "v5.6", "era": null, "decisions": [{"page": "THP head", "decision": "transparent_hugepage_adjust maps 2M", "values": {"v5.4": "yes", "v5.6": "-"}, "differs": true}'
expect_line out "diff --json: v5.6 maps an fsdax PMD 2M" '{"page": "fsdax in a 2M PMD", "decision": "a fault maps it with a 2M SPTE", "values": {"v5.4": "no", "v5.6": "yes"}, "differs": true}'
expect_line out "diff --json names the scenario" '"scenarios": [{"scenario": "zero-page-refcount-leak", "a": ["audit"], "b": [], "complete": true}]}'
expect_status "diff --era" 0 "$KVMSIM" diff --era mm-4.19 -s fault-prepopulated v5.4 v5.6
expect_line out "diff --era: a pairing no kernel shipped is said" "note: v5.4 with mm-4.19 is a cross-era pairing no kernel shipped (v5.4's own mm is mm-5.2)"
expect_status "check --era" 0 "$KVMSIM" check --era mm-5.2 -s fault-prepopulated -v v4.19
expect_line out "check --era: a pairing no kernel shipped is said" "note: v4.19 with mm-5.2 is a cross-era pairing no kernel shipped (v4.19's own mm is mm-4.19)"

# A malformed scenario: file:line:column, the nearest operation.
cat >bad.scn <<'SCN'
# A typo in an operation.
memslot 0 gfn=0 hva=0x7f0000000000 pages=512
thread vcpu0
	fualt gfn=0 write
end
SCN
expect_error "a malformed scenario names file:line:column" \
	"bad.scn:4:2: unknown operation 'fualt'; did you mean 'fault'?" "$KVMSIM" check -s ./bad.scn
write_one_vcpu typo.scn "expect v4.91 ok"
expect_error "an expectation for an unknown variant" \
	"typo.scn:10:8: unknown variant 'v4.91'; did you mean 'v4.19'?" "$KVMSIM" check -s ./typo.scn
write_one_vcpu kind.scn "expect v5.4 hnag"
expect_error "an expectation of an unknown finding kind" \
	"kind.scn:10:13: unknown finding kind 'hnag'; did you mean 'hang'?" "$KVMSIM" check -s ./kind.scn

# list: one name per line, a description after a tab.
expect_status "list variants" 0 "$KVMSIM" list variants
for v in v4.19 v5.4-rc7 v5.4; do
	if grep -q "^$v	" out; then ok "list variants names $v"; else not_ok "list variants names $v"; fi
done
if grep -q "^mut-" out; then not_ok "list variants has no mutants"; else ok "list variants has no mutants"; fi
expect_status "list mutants" 0 "$KVMSIM" list mutants
if [ -s out ] && ! grep -qv "^mut-" out; then ok "list mutants lists mutants"; else not_ok "list mutants lists mutants"; fi
expect_status "list scenarios" 0 "$KVMSIM" list scenarios
expect_line out "the D1 scenario is installed" "d1-devdax-unbind-hang	"
expect_status "list oracles" 0 "$KVMSIM" list oracles
expect_line out "the hang oracle is listed" "hang	"
expect_status "list eras" 0 "$KVMSIM" list eras
expect_line out "mm-5.2 is listed" "mm-5.2	"
expect_error "list of something unknown" "did you mean 'eras'?" "$KVMSIM" list eras2

done_testing
