// SPDX-License-Identifier: GPL-2.0
/*
 * Replaying a token: check that it was made with this scenario, variant, era
 * and program, then take its decisions one by one.  The runner is kept until
 * the next replay (or exit) so that the caller can read the log and the
 * violations of the replayed run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

static struct ks_runner *ks_replay_runner;

static void ks_replay_release(void)
{
	ks_runner_free(ks_replay_runner);
	ks_replay_runner = NULL;
}

static void ks_fp_differs(struct ks_buf *b, const char *what, uint64_t tok, uint64_t here)
{
	if (tok == here)
		return;
	ks_buf_printf(b, "%s another %s (token %016" PRIx64 ", here %016" PRIx64 ")",
		      b->len ? "," : "the token was made with", what, tok, here);
}

static int ks_replay_check(const struct ks_program *prog, const struct ks_search_opts *opts,
			   const struct ks_token *tok, char *err, size_t errlen)
{
	struct ks_buf b = { 0 };

	ks_fp_differs(&b, "scenario", tok->fp_scenario, opts->fp_scenario);
	ks_fp_differs(&b, "variant", tok->fp_variant, opts->fp_variant);
	ks_fp_differs(&b, "era", tok->fp_era, opts->fp_era);
	if (!b.len && tok->fp_program != prog->fingerprint)
		ks_buf_printf(&b, "the token was made with another program (token %016" PRIx64 ", here %016" PRIx64 "): the model's code or input changed",
			      tok->fp_program, prog->fingerprint);
	if (!b.len && !tok->loop_bound)
		ks_buf_printf(&b, "the token has no loop bound");
	if (!b.len && tok->ndecisions && !tok->decisions)
		ks_buf_printf(&b, "the token has no decisions");
	if (!b.len)
		return 0;
	snprintf(err, errlen, "%s", b.s);
	ks_buf_free(&b);
	return -1;
}

int ks_replay(const struct ks_program *prog, const struct ks_search_opts *opts,
	      const struct ks_token *tok, enum ks_run_status *status,
	      struct ks_buf *trace, char *err, size_t errlen)
{
	static const struct ks_search_opts none;
	static bool registered;
	struct ks_run_opts ro = { .loop_bound = tok->loop_bound, .max_steps = UINT32_MAX };

	if (ks_replay_check(prog, opts ? opts : &none, tok, err, errlen))
		return -1;
	ks_replay_release();
	if (!registered) {
		atexit(ks_replay_release);
		registered = true;
	}
	ks_replay_runner = ks_runner_new(prog, &ro);
	if (!ks_replay_runner) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ks_replay_decisions(ks_replay_runner, tok->decisions, tok->ndecisions,
				status, err, errlen))
		return -1;
	if (trace)
		ks_trace_format(ks_replay_runner, trace);
	return 0;
}
