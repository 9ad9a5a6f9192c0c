#!/bin/sh
# Shards and their merge (docs/cli.md "Shards"): a search split four ways
# through xargs -P (or GNU parallel) and merged is the unsharded search --
# the same verdicts, and for a complete search the same classes, counted
# and digested; --jobs does the same in one command; bad shard sets are
# refused.
. "$(dirname "$0")/lib.sh"

# same WHOLE MERGED [classes]: every result of WHOLE has its twin in MERGED;
# with "classes", class counts only (a search with invisible steps names its
# classes without the steps it hid: the same classes, another digest).
same() {
	python3 - "$1" "$2" "${3:-digest}" <<'PY'
import json, sys
digest = sys.argv[3] == "digest"
whole = {(r["scenario"], r["variant"]): r for r in json.load(open(sys.argv[1]))["results"]}
merged = {(r["scenario"], r["variant"]): r for r in json.load(open(sys.argv[2]))["results"]}
assert whole.keys() == merged.keys(), (sorted(whole), sorted(merged))
for k, w in whole.items():
	m = merged[k]
	assert m["verdict"] == w["verdict"], (k, w["verdict"], m["verdict"])
	assert m["match"] == w["match"], k
	assert m["shard"]["merged"] == m["shard"]["count"], k
	if w["complete"]:
		assert m["complete"], (k, m["bounded_by"])
		assert m["classes"] == w["classes"], (k, w["classes"], m["classes"])
		assert not digest or m["class_digest"] == w["class_digest"], k
PY
}

scenarios="-s d1-devdax-unbind-hang -s devdax-4k-fault-vs-munmap -s fault-vs-munmap"
variants="-v v4.19 -v v5.4"
# make check-shards: every shipped scenario on every variant (minutes)
if [ -n "${KVMSIM_SHARD_ALL:-}" ]; then
	scenarios=
	variants=
fi
# shellcheck disable=SC2086
"$KVMSIM" check $scenarios $variants --json >whole.json 2>err
wst=$?
# without invisible steps: the same classes under other names
# shellcheck disable=SC2086
"$KVMSIM" check $scenarios $variants --no-invisible --json >whole-visible.json 2>err
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q GNU; then
	runner="GNU parallel"
	# shellcheck disable=SC2086
	parallel -j 4 "\"$KVMSIM\" check $scenarios $variants --shard {}/4 --json >shard{}.json" \
		::: 0 1 2 3
else
	runner="xargs -P 4"
	# shellcheck disable=SC2086
	printf '%s\n' 0 1 2 3 | xargs -P 4 -I{} sh -c \
		"\"\$0\" check $scenarios $variants --shard {}/4 --json >shard{}.json" "$KVMSIM"
fi
st=$?
if [ $st -eq 0 ] && [ -s shard3.json ]; then
	ok "four shards through $runner"
else
	not_ok "four shards through $runner" "exit status $st"
fi
expect_status "merge of the four shards: the unsharded search's exit status" "$wst" "$KVMSIM" merge --json shard0.json shard1.json shard2.json shard3.json
mv out merged.json
if same whole.json merged.json 2>err; then
	ok "the merge is the unsharded search: verdicts, classes and their digest"
else
	not_ok "the merge is the unsharded search: verdicts, classes and their digest" "$(tail -1 err)"
fi
if same whole-visible.json merged.json classes 2>err; then
	ok "the merge is the search without invisible steps: verdicts and classes"
else
	not_ok "the merge is the search without invisible steps: verdicts and classes" "$(tail -1 err)"
fi
expect_status "merge as text" "$wst" "$KVMSIM" merge shard3.json shard1.json shard0.json shard2.json
expect_line out "the text report says it was merged" "merged from 4 of 4 shards"
expect_line out "a merged finding replays" "replay: kvmsim replay -s d1-devdax-unbind-hang -v v4.19 ks1:"
token=$(grep -m1 -o 'ks1:[^ ]*' out)
expect_status "its token replays" 0 "$KVMSIM" replay -s d1-devdax-unbind-hang -v v4.19 "$token"
expect_line out "to the finding" "verdict: hang"

# --jobs: the shards forked by one command (these searches are past the probe)
"$KVMSIM" check -s d1-devdax-unbind-hang -v rfc-2018 --json >whole2.json 2>err
expect_status "--jobs 3" 0 "$KVMSIM" check -s d1-devdax-unbind-hang -v rfc-2018 --jobs 3 --json
mv out jobs.json
if same whole2.json jobs.json 2>err; then
	ok "--jobs 3 is the unsharded search"
else
	not_ok "--jobs 3 is the unsharded search" "$(tail -1 err)"
fi
"$KVMSIM" check -s d1-devdax-unbind-hang -v rfc-2018 --jobs 3 --json >jobs-again.json 2>err
if python3 -c 'import json,sys; a,b=(json.load(open(f))["results"][0] for f in sys.argv[1:]); assert (a["violations"], a["runs"], a["classes"]) == (b["violations"], b["runs"], b["classes"])' \
	jobs.json jobs-again.json; then
	ok "--jobs is deterministic: the same runs and findings again"
else
	not_ok "--jobs is deterministic: the same runs and findings again"
fi

# a shard's own exit status does not judge its partial verdicts
expect_status "a shard exits 0 on a verdict it cannot judge" 0 \
	"$KVMSIM" check -s zero-page-refcount-leak -v v4.19 --shard 1/2
expect_line out "a shard says which it is" "shard 1/2"

# bad shard sets and options
expect_error "merge with a shard missing" "shard 2/4 is missing (3 of 4 given)" \
	"$KVMSIM" merge shard0.json shard1.json shard3.json
expect_error "merge with a shard twice" "shard 1/4 given twice (also in shard1.json)" \
	"$KVMSIM" merge shard0.json shard1.json shard1.json shard2.json shard3.json
"$KVMSIM" check -s fault-vs-munmap -v v5.4 --shard 0/2 --json >half0.json 2>err
expect_error "merge of shards of two splits" "shard 0/2, but shard0.json has it in 4 shards" \
	"$KVMSIM" merge shard0.json shard1.json shard2.json shard3.json half0.json
printf '{"results": [\n  {"scenario": "x", oops}]}\n' >bad.json
expect_error "merge of malformed JSON" "bad.json:2:21: expected a member name" "$KVMSIM" merge bad.json
printf '[1, 2]\n' >notres.json
expect_error "merge of JSON that is not results" "notres.json: no \"results\" list" \
	"$KVMSIM" merge notres.json
expect_error "merge of a directory" ".: not a regular file" "$KVMSIM" merge .
expect_error "merge with no files" "merge: no files" "$KVMSIM" merge
expect_error "--shard past the count" "--shard: '4/4' is not i/n with 0 <= i < n" \
	"$KVMSIM" check -s fault-vs-munmap --shard 4/4
expect_error "--shard of a bounded search" "--shard: a bounded search cannot be split" \
	"$KVMSIM" check -s fault-vs-munmap --strategy bounded --shard 0/2
expect_error "--jobs and --shard" "give it or --shard, not both" \
	"$KVMSIM" check -s fault-vs-munmap --jobs 2 --shard 0/2
echo "1..$tap_n"
