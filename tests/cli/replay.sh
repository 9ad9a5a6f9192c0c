#!/bin/sh
# kvmsim replay: a token (or its file) reruns its schedule and prints the
# trace and verdict; a token for another scenario, variant or era, or a
# malformed one, is exit 2 naming what differs.
. "$(dirname "$0")/lib.sh"

write_one_vcpu one.scn
run "$KVMSIM" check -s ./one.scn -v mut-missing-put -q
tokfile=kvmsim-failures/one-mut-missing-put.token
if [ -s "$tokfile" ]; then ok "check wrote the token"; else not_ok "check wrote the token"; fi
token=$(grep -v '^#' "$tokfile" | head -n 1)

expect_status "replay FILE" 0 "$KVMSIM" replay -s ./one.scn "$tokfile"
expect_line out "the replay prints the verdict" "verdict: audit"
expect_line out "the replay prints the trace" "step  thread"
expect_line "$tokfile" "the token file records its scenario" "# scenario: $(pwd)/one.scn"
mkdir elsewhere
(cd elsewhere && "$KVMSIM" replay "../$tokfile" >../out 2>../err)
if grep -q "^verdict: audit" out; then
	ok "replay FILE finds a scenario that is not installed, from any directory"
else
	not_ok "replay FILE finds a scenario that is not installed, from any directory"
fi
expect_status "replay TOKEN, variant found by fingerprint" 0 "$KVMSIM" replay -s ./one.scn "$token"
expect_line out "the variant is the token's" "replay of one on mut-missing-put (mm-5.2)"
expect_status "replay --json" 0 "$KVMSIM" replay -s ./one.scn --json "$token"
expect_line out "the JSON verdict" '"verdict": ["audit"]'
expect_error "a token for another variant" "the token is for another variant than 'v5.4'" \
	"$KVMSIM" replay -s ./one.scn -v v5.4 "$token"
expect_error "a token for another scenario" \
	"the token is for another scenario than 'd1-devdax-unbind-hang'" \
	"$KVMSIM" replay -s d1-devdax-unbind-hang "$token"
expect_error "a token for another era" "the token is for another era than 'mm-6.15'" \
	"$KVMSIM" replay -s ./one.scn --era mm-6.15 "$token"
expect_error "a scenario that is not installed, without -s" "none of the installed scenarios" \
	"$KVMSIM" replay "$token"
expect_error "a malformed token" "bad token" "$KVMSIM" replay -s ./one.scn ks1:garbage
expect_error "no token" "a token or a token file is needed" "$KVMSIM" replay

# A run that woke a retry loop's forced await replays too (the replay used to
# stop there: "the token does not fit this run").
rm -rf kvmsim-failures
expect_status "an unshrunk hang through a forced await" 0 \
	"$KVMSIM" check -s devdax-tail-fault-vs-unbind -v v4.19 -v v5.4 --no-shrink
if grep -q "no trace" out; then
	not_ok "every finding of it has its trace" "$(grep "no trace" out | head -1)"
else
	ok "every finding of it has its trace"
fi
expect_status "its token replays" 0 "$KVMSIM" replay kvmsim-failures/devdax-tail-fault-vs-unbind-v4.19.token
expect_line out "to the hang" "verdict: hang"

done_testing
