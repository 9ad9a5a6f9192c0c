#!/bin/sh
# kvmsim check: exit 0 when every verdict is as expected, 1 when one differs;
# the matrix, the JSON of docs/cli.md, JUnit, token files.
. "$(dirname "$0")/lib.sh"

write_one_vcpu ok.scn "expect v5.4 ok" "expect v4.19 ok"
write_one_vcpu wrong.scn "expect v5.4 hang"

expect_status "expected verdicts: exit 0" 0 "$KVMSIM" check -s ./ok.scn -v v5.4 -v v4.19
expect_line out "the matrix names the variants" "scenario  v5.4  v4.19"
expect_line out "the matrix shows the verdicts" "ok        ok    ok"
expect_line out "the search is said complete" "ok on v5.4 (mm-5.2, dpor): complete, 1 runs"

expect_status "a verdict that differs: exit 1" 1 "$KVMSIM" check -s ./wrong.scn -v v5.4
expect_line out "the cell is marked" "wrong     ok!"
expect_line out "the mismatch names file and line" "./wrong.scn:10: wrong on v5.4: verdict ok, expected hang"
expect_status "-q: exit 1" 1 "$KVMSIM" -q -s ./wrong.scn -v v5.4
if [ "$(wc -l <out)" -eq 1 ]; then ok "-q prints only the mismatch"; else not_ok "-q prints only the mismatch"; fi
expect_status "--era: expectations do not apply" 0 "$KVMSIM" check -s ./wrong.scn -v v5.4 --era mm-6.15
expect_status "a variant without expectation: exit 0" 0 "$KVMSIM" check -s ./wrong.scn -v v5.4-rc7

expect_status "--junit" 1 "$KVMSIM" check -s ./wrong.scn -s ./ok.scn -v v5.4 --junit junit.xml
expect_line junit.xml "JUnit counts the failure" '<testsuites name="kvmsim" tests="2" failures="1">'
expect_line junit.xml "JUnit names the failure" '<failure message="verdict ok, expected hang">'

# A bounded search is not a proof of ok (issue 7.8).
write_two_faults bounded.scn "expect v5.4 ok"
expect_status "an expected ok on a bounded search: exit 1" 1 "$KVMSIM" check -s ./bounded.scn -v v5.4 --runs 1
expect_line out "the cell is marked bounded and failing" "bounded   ok!~"
expect_line out "the reason names the bound" "ok is inconclusive: the search was bounded by --runs"
expect_line out "the statistics name the bound" "bounded by --runs, 1 runs"
expect_status "--allow-bounded accepts it" 0 "$KVMSIM" check -s ./bounded.scn -v v5.4 --runs 1 --allow-bounded
expect_status "--junit: an inconclusive ok is a failure" 1 "$KVMSIM" check -s ./bounded.scn -v v5.4 --runs 1 --junit bj.xml
expect_line bj.xml "JUnit names the bound" '<failure message="verdict ok is inconclusive: bounded by --runs">'
expect_line bj.xml "JUnit marks the bounded search" '<system-out>bounded by --runs</system-out>'
expect_status "the complete search: exit 0" 0 "$KVMSIM" check -s ./bounded.scn -v v5.4
# The experimental lock-section reduction proves nothing: never complete.
expect_status "--lock-sections: an expected ok is inconclusive" 1 "$KVMSIM" check -s ./bounded.scn -v v5.4 --lock-sections
expect_line out "--lock-sections names itself the bound" "bounded by --lock-sections (a reduction not yet shown sound)"
expect_status "--lock-sections --allow-bounded" 0 "$KVMSIM" check -s ./bounded.scn -v v5.4 --lock-sections --allow-bounded
# Preemption bounding: complete only if no round was cut.
expect_status "--strategy bounded --bound 0: cut, inconclusive" 1 "$KVMSIM" check -s ./bounded.scn -v v5.4 --strategy bounded --bound 0
expect_line out "the bound is named" "bounded by the preemption bound (--bound 0)"
expect_status "--strategy bounded --bound 8: complete" 0 "$KVMSIM" check -s ./bounded.scn -v v5.4 --strategy bounded --bound 8

# SIGTERM / SIGINT: the search stops, the report is printed, marked bounded; 143 / 130.
{
	echo "devdax dax0.0 pfn=0x200000 size=2M align=2M"
	echo "mmap dax0.0 hva=0x7f0000000000"
	echo "populate hva=0x7f0000000000 size=2M write"
	echo "memslot 0 gfn=0x100000 hva=0x7f0000000000 pages=512"
	for i in 0 1 2; do printf 'thread vcpu%d\n\tfault gfn=0x100000 write\nend\n' $i; done
	printf 'thread admin\n\tunbind dax0.0\nend\nexpect v5.4 ok\n'
} >long.scn
for sig in TERM INT; do
	"$KVMSIM" check -s ./long.scn -v v5.4 >out 2>err &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait $pid
	status=$?
	want=143; [ $sig = INT ] && want=130
	if [ $status -eq $want ]; then ok "SIG$sig: exit $want"; else not_ok "SIG$sig: exit $want" "exit $status"; fi
	expect_line out "SIG$sig: the report says it was interrupted" "bounded by an interrupt (SIGINT or SIGTERM)"
done

# Sampling strategies: a sample, never a proof; deterministic from --seed.
expect_status "--strategy pct finds the hang" 0 "$KVMSIM" check -s d1-devdax-unbind-hang -v v5.4-rc7 --strategy pct --runs 100 --seed 3
expect_line out "pct says it is a sample" "bounded by --strategy pct (a sample, not a proof), 100 runs"
expect_line out "pct prints its guarantee" "pct depth 3, 2 threads,"
expect_status "--strategy random: an ok is inconclusive" 1 "$KVMSIM" check -s ./bounded.scn -v v5.4 --strategy random --runs 20
expect_status "--lock-sections still finds the hang" 0 "$KVMSIM" check -s d1-devdax-unbind-hang -v v5.4-rc7 --lock-sections

# Findings on a variant without an expectation: listed, and failures in JUnit.
expect_status "a mutant without expectation: exit 0" 0 "$KVMSIM" check -s ./ok.scn -v mut-missing-put --junit mj.xml
expect_line out "the findings are listed" "ok on mut-missing-put (mm-5.2): audit, and the scenario has no expectation for it"
expect_line mj.xml "JUnit fails it" '<failure message="verdict audit with no expectation">'
expect_line mj.xml "JUnit carries the token" '  token: ks1:dpor:'
expect_line mj.xml "JUnit carries the replay command" '  replay: kvmsim replay -s ./ok.scn -v mut-missing-put ks1:dpor:'
if [ ! -e mj.xml.tmp ]; then ok "JUnit leaves no temporary file"; else not_ok "JUnit leaves no temporary file"; fi

# A mutant that leaks a reference: a violation, its trace, its token file.
expect_status "--json, a mutant" 0 "$KVMSIM" check -s ./ok.scn -v mut-missing-put --json
cp out mutant.json
if [ -s kvmsim-failures/ok-mut-missing-put.token ]; then ok "the token file is written"; else not_ok "the token file is written"; fi
expect_status "--json, expected verdicts" 0 "$KVMSIM" check -s ./ok.scn -v v5.4 --json
cp out ok.json
expect_status "--json --runs 1: a bounded search" 0 "$KVMSIM" check -s ./wrong.scn -v v5.4-rc7 --json --runs 1
cp out bounded.json
for t in none first all; do
	expect_status "--json --trace $t" 0 "$KVMSIM" check -s d1-devdax-unbind-hang -v mut-zap-skip --json --trace $t
	cp out trace-$t.json
done

if have_python; then
	cat >shape.py <<'PY'
import json, sys

KEYS = ["scenario", "scenario_file", "variant", "era", "era_shipped", "strategy", "verdict", "expected",
	"match", "complete", "bounded_by", "runs", "classes", "sleep_blocked", "cut", "steps", "elapsed_ms",
	"terminal", "hangs", "loop_cut", "hidden_steps", "restarts", "restart_runs", "violating_runs",
	"class_digest", "violations", "notes"]
ROW = ["step", "thread", "function", "object", "before", "after"]

def check(path, want, trace="first"):
	doc = json.load(open(path))
	assert list(doc) == ["results"], list(doc)
	(r,) = doc["results"]
	assert list(r) == KEYS, list(r)
	for k in ("runs", "classes", "sleep_blocked", "cut", "steps", "elapsed_ms", "hidden_steps",
		  "restarts", "restart_runs"):
		assert isinstance(r[k], int) and r[k] >= 0, k
	assert r["verdict"] == sorted(set(r["verdict"]))
	seen = set()
	for v in r["violations"]:
		assert list(v) in (["oracle", "message", "token", "steps", "preemptions", "trace"],
				   ["oracle", "message", "token", "steps", "preemptions", "shrunk_from",
				    "trace"]), list(v)
		assert v["oracle"] in r["verdict"] and v["token"].strip() == v["token"] != ""
		has = trace == "all" or (trace == "first" and v["oracle"] not in seen)
		seen.add(v["oracle"])
		if not has:
			assert v["trace"] is None, (trace, v["oracle"])
			continue
		assert v["trace"] and all(list(row) == ROW for row in v["trace"])
		assert all(isinstance(row["step"], int) for row in v["trace"])
	for k, val in want.items():
		assert r[k] == val, (k, r[k], val)

check("ok.json", {"variant": "v5.4", "era": "mm-5.2", "era_shipped": True, "strategy": "dpor", "verdict": [],
		  "expected": [], "match": True, "complete": True, "bounded_by": None,
		  "violations": []})
check("mutant.json", {"variant": "mut-missing-put", "verdict": ["audit"], "expected": None,
		      "match": None})
check("bounded.json", {"complete": False, "bounded_by": "runs", "runs": 1, "expected": None})
for t in ("none", "first", "all"):
	check("trace-%s.json" % t, {"variant": "mut-zap-skip"}, t)
assert len(json.load(open("trace-all.json"))["results"][0]["violations"]) > 2
PY
	if python3 shape.py >py.out 2>&1; then
		ok "the JSON has the fields and types of docs/cli.md"
	else
		not_ok "the JSON has the fields and types of docs/cli.md" "$(tail -3 py.out)"
	fi
else
	skip "the JSON has the fields and types of docs/cli.md" "no python3"
fi

# The first vertical slice (issue 4): D1 on its three variants, each as expected.
expect_status "D1 on v4.19, v5.4-rc7, v5.4: as expected" 0 \
	"$KVMSIM" check -s d1-devdax-unbind-hang -v v5.4-rc7 -v v4.19 -v v5.4 --json
expect_line out "D1 on v5.4-rc7: verdict hang, bounded by the retry-loop bound (each retry leaks a reference)" \
	'"variant": "v5.4-rc7", "era": "mm-5.2", "era_shipped": true, "strategy": "dpor", "verdict": ["hang"], "expected": ["hang"], "match": true, "complete": false, "bounded_by": "loop"'
expect_line out "D1 on v5.4 is a complete search with verdict ok" \
	'"variant": "v5.4", "era": "mm-5.2", "era_shipped": true, "strategy": "dpor", "verdict": [], "expected": [], "match": true, "complete": true'

# numbers are decimal (or 0x hex): 010 is ten runs, not eight
"$KVMSIM" check -s d1-devdax-unbind-hang -v v5.4 --runs 010 --allow-bounded --json >out 2>err
expect_line out "--runs 010 is ten runs" '"runs": 10,'
"$KVMSIM" check -s d1-devdax-unbind-hang -v v5.4 --runs 0x10 --allow-bounded --json >out 2>err
expect_line out "--runs 0x10 is sixteen runs" '"runs": 16,'

done_testing
