// SPDX-License-Identifier: GPL-2.0
/*
 * Replay tokens: they round-trip at any length, replay their run bit-exactly,
 * refuse a program they were not made with (naming what differs), and a
 * damaged or hand-made bad token is refused with a reason, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/valgrind.h>

#include <kvmsim/engine.h>

#include "../ks-check.h"
#include "synth.h"

#define PP_STEPS 50000		/* per thread: two threads make 100,000 decisions */

static uint64_t pp_order;

static void pp_thread(void *arg)
{
	long me = (long)arg;
	int i;

	for (i = 0; i < PP_STEPS; i++) {
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 7), KS_WRITE);
		pp_order = pp_order * 31 + (uint64_t)me + 1;
		if (!(i % 10000))
			ks_log("pingpong", KS_OBJ(KS_OBJ_VAR, 7), KS_V_HEX, i, (int64_t)pp_order);
	}
}

static void pp_setup(void *arg)
{
	pp_order = 0;
	ks_thread_spawn("ping", pp_thread, (void *)0L);
	ks_thread_spawn("pong", pp_thread, (void *)1L);
}

static void pp_finish(void *arg)
{
	ks_log("order", 0, KS_V_HEX, 0, (int64_t)pp_order);
}

static const struct ks_program pingpong = {
	.name = "pingpong", .fingerprint = 0x2001, .setup = pp_setup, .finish = pp_finish,
};

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The log of the current run, as comparable values. */
static uint64_t log_hash(void)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < ks_log_count(); i++) {
		const struct ks_row *row = ks_log_row(i);

		h = h * 1000003 ^ (row->step ^ (uint64_t)row->tid << 32);
		h = h * 1000003 ^ (uint64_t)row->before;
		h = h * 1000003 ^ (uint64_t)row->after;
	}
	return h;
}

/*
 * A random schedule of 100,000 steps, taken directly: expect its token to
 * round-trip and to replay the same log and the same final order.
 */
START_TEST(test_replay_100000_decisions)
{
	struct ks_run_opts ro = { .max_steps = 3 * PP_STEPS };
	struct ks_runner *r = ks_runner_new(&pingpong, &ro);
	struct ks_token tok = {
		.strategy = KS_STRAT_DPOR, .seed = 0x5eed, .loop_bound = 2,
		.fp_program = pingpong.fingerprint,
	};
	struct ks_token back;
	enum ks_run_status st;
	uint64_t s = 88172645463325252ULL, order, hash;
	char err[256], *text;
	uint32_t n = 0;

	tok.decisions = malloc(2 * PP_STEPS);
	ks_run_begin(r);
	while (ks_run_status(r) == KS_RUN_ACTIVE) {
		/* Runs of 1 to 4 steps: a realistic, poorly compressible schedule. */
		int tid = (int)(xorshift(&s) % 2), k = 1 + (int)(xorshift(&s) % 4);

		while (k-- && ks_run_enabled(r, tid)) {
			ks_run_step(r, tid);
			tok.decisions[n++] = (uint8_t)tid;
		}
		if (!ks_run_enabled(r, tid) && !ks_run_finished(r, tid))
			break;
	}
	while (ks_run_status(r) == KS_RUN_ACTIVE) {
		int tid = ks_run_enabled(r, 0) ? 0 : 1;

		ks_run_step(r, tid);
		tok.decisions[n++] = (uint8_t)tid;
	}
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_uint_eq(n, 2 * PP_STEPS);
	order = pp_order;
	hash = log_hash();
	ks_runner_free(r);

	tok.ndecisions = n;
	text = ks_token_format(&tok);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(ks_token_parse(text, &back, err, sizeof(err)), 0);
	ck_assert_uint_eq(back.ndecisions, n);
	ck_assert(!memcmp(back.decisions, tok.decisions, n));
	ck_assert_uint_eq(back.seed, 0x5eed);
	ck_assert_int_eq(back.strategy, KS_STRAT_DPOR);

	pp_order = 0;
	ck_assert_msg(ks_replay(&pingpong, NULL, &back, &st, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(st, KS_RUN_TERMINAL);
	ck_assert_uint_eq(pp_order, order);
	ck_assert_uint_eq(log_hash(), hash);
	free(text);
	free(tok.decisions);
	ks_token_free(&back);
}
END_TEST

/* Expect tokens of every length from 0 to 300 to round-trip exactly. */
START_TEST(test_token_round_trip)
{
	uint8_t dec[300];
	uint64_t s = 1;
	uint32_t n, i;

	for (n = 0; n <= 300; n++) {
		struct ks_token tok = {
			.strategy = (enum ks_strategy)(n % KS_STRAT_NR), .seed = n * 0x9e3779b9ULL,
			.loop_bound = 1 + n % 5, .fp_program = ~(uint64_t)n, .fp_scenario = n,
			.fp_variant = n << 20, .fp_era = UINT64_MAX, .ndecisions = n, .decisions = dec,
		};
		struct ks_token back;
		char err[256], *text;

		for (i = 0; i < n; i++)
			dec[i] = (uint8_t)(xorshift(&s) % (i % 7 ? 2 : KS_MAX_THREADS));
		text = ks_token_format(&tok);
		ck_assert_msg(ks_token_parse(text, &back, err, sizeof(err)) == 0, "%s: %s", text, err);
		ck_assert_uint_eq(back.ndecisions, n);
		ck_assert(!n || !memcmp(back.decisions, dec, n));
		ck_assert_int_eq(back.strategy, tok.strategy);
		ck_assert_uint_eq(back.seed, tok.seed);
		ck_assert_uint_eq(back.loop_bound, tok.loop_bound);
		ck_assert_uint_eq(back.fp_program, tok.fp_program);
		ck_assert_uint_eq(back.fp_scenario, tok.fp_scenario);
		ck_assert_uint_eq(back.fp_variant, tok.fp_variant);
		ck_assert_uint_eq(back.fp_era, tok.fp_era);
		free(text);
		ks_token_free(&back);
	}
}
END_TEST

static struct ks_search_result found;

static void find_lost_update(const struct ks_search_opts *o)
{
	ck_assert_int_eq(ks_search(&synth_lost_update, o, &found), 0);
	ck_assert_uint_eq(found.nfindings, 1);
}

/* Expect a finding's token to replay its trace exactly, with the same violation. */
START_TEST(test_finding_replays_its_trace)
{
	struct ks_search_opts o = {
		.strategy = KS_STRAT_DPOR, .fp_scenario = 1, .fp_variant = 2, .fp_era = 3,
	};
	struct ks_token tok;
	struct ks_buf trace = { 0 };
	enum ks_run_status st;
	char err[256];

	find_lost_update(&o);
	ck_assert_int_eq(ks_token_parse(found.findings[0].token, &tok, err, sizeof(err)), 0);
	ck_assert_msg(ks_replay(&synth_lost_update, &o, &tok, &st, &trace, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(st, KS_RUN_TERMINAL);
	ck_assert_str_eq(trace.s, found.findings[0].trace);
	ck_assert_violations("lost-update", 1);
	ks_buf_free(&trace);
	ks_token_free(&tok);
	ks_search_result_free(&found);
}
END_TEST

/* Expect a token replayed against another scenario, variant, era or program to be refused, naming it. */
START_TEST(test_fingerprint_mismatch)
{
	static const struct {
		int field;
		const char *reason;
	} cases[] = {
		{ 0, "another scenario" }, { 1, "another variant" }, { 2, "another era" },
		{ 3, "another program" },
	};
	struct ks_search_opts o = {
		.strategy = KS_STRAT_DPOR, .fp_scenario = 11, .fp_variant = 22, .fp_era = 33,
	};
	struct ks_token tok;
	enum ks_run_status st;
	char err[256];
	size_t i;

	find_lost_update(&o);
	ck_assert_int_eq(ks_token_parse(found.findings[0].token, &tok, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks_search_opts other = o;
		struct ks_program prog = synth_lost_update;

		if (cases[i].field == 0)
			other.fp_scenario++;
		else if (cases[i].field == 1)
			other.fp_variant++;
		else if (cases[i].field == 2)
			other.fp_era++;
		else
			prog.fingerprint++;
		err[0] = '\0';
		ck_assert_int_eq(ks_replay(&prog, &other, &tok, &st, NULL, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].reason), "expected '%s' in: %s",
			      cases[i].reason, err);
	}
	ks_token_free(&tok);
	ks_search_result_free(&found);
}
END_TEST

/* Make a token with a correct check around @body ("ks1:...:<decisions>"). */
static char *with_check(const char *body)
{
	uint32_t h = 0x811c9dc5;
	const char *p;
	char *t = malloc(strlen(body) + 10);

	for (p = body; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x01000193;
	sprintf(t, "%s:%08x", body, h);
	return t;
}

#define FPS "0000000000001001:0000000000000000:0000000000000000:0000000000000000"

/* Expect each malformed token to be refused with its own reason. */
START_TEST(test_malformed_tokens)
{
	static const struct {
		const char *text;	/* a check is appended when @check */
		bool check;
		const char *reason;
	} cases[] = {
		{ "", false, "does not start with 'ks1:'" },
		{ "hello", false, "does not start with 'ks1:'" },
		{ "ks2:dpor:0:2:" FPS ":1:a:00000000", false, "version 'ks2' is not supported" },
		{ "ks1:dpor:0:2", false, "4 ':'-separated fields, expected 11" },
		{ "ks1:dpor:0:2:" FPS ":1:a:0:0:0", false, "more than 11" },
		{ "ks1:bogus:0:2:" FPS ":1:a", true, "unknown strategy 'bogus'" },
		{ "ks1:dpor:xyz:2:" FPS ":1:a", true, "seed" },
		{ "ks1:dpor:0:0:" FPS ":1:a", true, "loop bound" },
		{ "ks1:dpor:0:2:1001:0000000000000000:0000000000000000:0000000000000000:1:a", true,
		  "program fingerprint is not 16 hex digits" },
		{ "ks1:dpor:0:2:" FPS ":-1:a", true, "decision count" },
		{ "ks1:dpor:0:2:" FPS ":99999999999:a", true, "decision count" },
		{ "ks1:dpor:0:2:" FPS ":2:az", true, "'z' at position 2 is not a thread" },
		{ "ks1:dpor:0:2:" FPS ":2:a0", true, "bad repeat count '0'" },
		{ "ks1:dpor:0:2:" FPS ":2:a02", true, "bad repeat count '02'" },
		{ "ks1:dpor:0:2:" FPS ":2:a1", true, "bad repeat count '1'" },
		{ "ks1:dpor:0:2:" FPS ":3:ab", true, "2 decisions, but the token declares 3" },
		{ "ks1:dpor:0:2:" FPS ":3:a4", true, "more than the 3 the token declares" },
		{ "ks1:dpor:0:2:" FPS ":4:a4294967299", true, "bad repeat count" },
		{ "ks1:dpor:0:2:" FPS ":2:ab:1234567", false, "check is not 8 hex digits" },
		{ "ks1:dpor:0:2:" FPS ":2:ab:12345678", false, "check does not match" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = cases[i].check ? with_check(cases[i].text) : strdup(cases[i].text);
		struct ks_token tok;
		char err[256] = "";

		ck_assert_msg(ks_token_parse(text, &tok, err, sizeof(err)) == -1, "accepted %s", text);
		ck_assert_msg(strstr(err, cases[i].reason), "%s: expected '%s', got '%s'",
			      text, cases[i].reason, err);
		ck_assert_ptr_null(tok.decisions);
		free(text);
	}
}
END_TEST

/* Expect whitespace around a token to be accepted and a cut-short copy to be refused. */
START_TEST(test_token_copy_paste)
{
	char *text = with_check("ks1:dfs:0:2:" FPS ":4:ab2a"), *padded;
	struct ks_token tok;
	char err[256];

	padded = malloc(strlen(text) + 8);
	sprintf(padded, "  %s\n", text);
	ck_assert_msg(ks_token_parse(padded, &tok, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tok.ndecisions, 4);
	ck_assert_uint_eq(tok.decisions[2], 1);
	ks_token_free(&tok);
	text[strlen(text) - 3] = '\0';
	ck_assert_int_eq(ks_token_parse(text, &tok, err, sizeof(err)), -1);
	free(text);
	free(padded);
}
END_TEST

/* Expect random damage to a token to be either harmless or refused, never a crash. */
START_TEST(test_damaged_tokens_never_crash)
{
	struct ks_token tok = {
		.strategy = KS_STRAT_DFS, .loop_bound = 2, .ndecisions = 40,
		.decisions = calloc(40, 1),
	};
	int i, n = RUNNING_ON_VALGRIND ? 300 : 5000;
	uint64_t s = 12345;
	char *good;

	for (i = 0; i < 40; i++)
		tok.decisions[i] = (uint8_t)(i / 3 % 3);
	good = ks_token_format(&tok);
	for (i = 0; i < n; i++) {
		char *bad = strdup(good);
		size_t len = strlen(bad);
		struct ks_token out;
		char err[128] = "";
		int k, rc;

		for (k = 0; k < 1 + (int)(xorshift(&s) % 3); k++) {
			size_t at = xorshift(&s) % len;

			if (xorshift(&s) % 4)
				bad[at] = (char)(1 + xorshift(&s) % 255);
			else
				bad[at] = '\0';
		}
		rc = ks_token_parse(bad, &out, err, sizeof(err));
		ck_assert(rc == 0 || (rc == -1 && err[0]));
		ks_token_free(&out);
		free(bad);
	}
	free(good);
	free(tok.decisions);
}
END_TEST

/* Expect decisions the program cannot take to be refused with the step and the reason. */
START_TEST(test_replay_divergence)
{
	static const struct {
		const char *decisions;
		uint32_t n;
		const char *reason;
	} cases[] = {
		{ "\x05", 1, "decision 1 names thread 5; the program has 2 threads" },
		{ "\x00\x00\x00", 3, "decision 3 names t0, which is finished" },
		{ "\x00\x00\x01\x01\x01", 5, "the run ended after 4 steps, but the token has 5" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks_token tok = {
			.strategy = KS_STRAT_DFS, .loop_bound = 2,
			.fp_program = synth_lost_update.fingerprint,
			.ndecisions = cases[i].n, .decisions = (uint8_t *)cases[i].decisions,
		};
		enum ks_run_status st;
		char err[256] = "";

		ck_assert_int_eq(ks_replay(&synth_lost_update, NULL, &tok, &st, NULL, err,
					   sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].reason), "expected '%s', got '%s'",
			      cases[i].reason, err);
	}
}
END_TEST

/* Expect a token that stops while threads could go on to replay as a cut run. */
START_TEST(test_replay_prefix_is_cut)
{
	struct ks_token tok = {
		.strategy = KS_STRAT_DFS, .loop_bound = 2,
		.fp_program = synth_abba.fingerprint, .ndecisions = 1,
		.decisions = (uint8_t *)"\x00",
	};
	enum ks_run_status st;
	char err[256];

	ck_assert_int_eq(ks_replay(&synth_abba, NULL, &tok, &st, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(st, KS_RUN_CUT);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *s = suite_create("engine-replay");
	TCase *tc = tcase_create("tokens");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_replay_100000_decisions);
	tcase_add_test(tc, test_token_round_trip);
	tcase_add_test(tc, test_finding_replays_its_trace);
	tcase_add_test(tc, test_fingerprint_mismatch);
	tcase_add_test(tc, test_malformed_tokens);
	tcase_add_test(tc, test_token_copy_paste);
	tcase_add_test(tc, test_damaged_tokens_never_crash);
	tcase_add_test(tc, test_replay_divergence);
	tcase_add_test(tc, test_replay_prefix_is_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(replay_suite());
}
