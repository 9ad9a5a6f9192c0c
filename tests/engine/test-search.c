// SPDX-License-Identifier: GPL-2.0
/*
 * Searches over the synthetic programs: each known bug is found by plain DFS
 * and by DPOR, with the outcome counts, the hang reports and the properties
 * (preemptions, termination by the retry-loop await) the programs are built
 * to show.
 */
#include <string.h>

#include <kvmsim/engine.h>

#include "../ks-check.h"
#include "synth.h"

static const enum ks_strategy exhaustive[] = { KS_STRAT_DFS, KS_STRAT_DPOR };

static void search(const struct ks_program *p, enum ks_strategy strat,
		   struct ks_search_result *res)
{
	struct ks_search_opts o = { .strategy = strat };

	ck_assert_int_eq(ks_search(p, &o, res), 0);
	ck_assert_uint_eq(res->runs, res->terminal + res->hangs + res->sleep_blocked + res->cut);
	ck_assert_msg(res->nnotes == 0, "%s: unexpected note: %s", p->name,
		      res->nnotes ? res->notes[0] : "");
}

static const struct ks_finding *finding(const struct ks_search_result *res,
					const char *oracle)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (!strcmp(res->findings[i].oracle, oracle))
			return &res->findings[i];
	return NULL;
}

/*
 *	t0: r = x          t1: r = x
 *	    x = r + 1          x = r + 1
 *
 * Expect both strategies to find "lost-update", complete, with 4 classes;
 * DPOR in fewer runs than the 6 of DFS.
 */
START_TEST(test_lost_update)
{
	struct ks_search_result dfs, dpor;
	const struct ks_finding *f;

	search(&synth_lost_update, KS_STRAT_DFS, &dfs);
	search(&synth_lost_update, KS_STRAT_DPOR, &dpor);
	ck_assert(dfs.complete && dpor.complete);
	ck_assert_uint_eq(dfs.runs, 6);
	ck_assert_uint_eq(dfs.classes, 4);
	ck_assert_uint_eq(dpor.classes, 4);
	ck_assert_uint_lt(dpor.runs, dfs.runs);
	ck_assert_uint_eq(dpor.nverdict, 1);
	ck_assert_str_eq(dpor.verdict[0], "lost-update");
	f = finding(&dpor, "lost-update");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->message, "x is 1 after two increments");
	ck_assert(!f->nondeterministic);
	ck_assert_ptr_nonnull(strstr(f->token, "ks1:dpor:"));
	ck_assert_ptr_nonnull(strstr(f->trace, "x = x + 1"));
	ks_search_result_free(&dfs);
	ks_search_result_free(&dpor);
}
END_TEST

/*
 *	t0: lock A; lock B     t1: lock B; lock A
 *
 * Expect a hang whose report is the chain: each thread, where it waits, and
 * who holds what it waits for.
 */
START_TEST(test_abba_hang_names_chain)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ks_search_result res;
		const struct ks_finding *f;

		search(&synth_abba, exhaustive[i], &res);
		ck_assert(res.complete);
		ck_assert_uint_ge(res.hangs, 1);
		f = finding(&res, "hang");
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(strstr(f->message, "t0 in abba_t0 waits for lock B: held by t1") &&
			      strstr(f->message, "t1 in abba_t1 waits for lock A: held by t0"),
			      "hang report: %s", f->message);
		ks_search_result_free(&res);
	}
}
END_TEST

struct min_preempt {
	unsigned min;
	uint64_t violating;
};

static void note_preemptions(void *ctx, const struct ks_run_info *info)
{
	struct min_preempt *m = ctx;

	if (!info->violating)
		return;
	m->violating++;
	if (info->preemptions < m->min)
		m->min = info->preemptions;
}

/*
 *	sender: slot = 42; slot = 0       receiver: if (slot) msg = slot
 *
 * Expect "empty-message" from both strategies, and no violating run with
 * fewer than two preemptions (post < check < withdraw < take).
 */
START_TEST(test_mailbox_needs_two_preemptions)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct min_preempt m = { .min = ~0u };
		struct ks_search_opts o = {
			.strategy = exhaustive[i], .on_run = note_preemptions, .on_run_ctx = &m,
		};
		struct ks_search_result res;
		const struct ks_finding *f;

		ck_assert_int_eq(ks_search(&synth_mailbox, &o, &res), 0);
		ck_assert(res.complete);
		f = finding(&res, "empty-message");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(m.min, 2);
		ck_assert_uint_ge(f->preemptions, 2);
		ck_assert_uint_eq(res.violating_runs, m.violating);
		ks_search_result_free(&res);
	}
}
END_TEST

/*
 *	waiter: if (!cond) { register; sleep }     waker: cond = 1; wake registered
 *
 * Expect a hang (the wake-up came between the check and the registration);
 * registering before the check, no violation at all.
 */
START_TEST(test_lost_wakeup)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ks_search_result res;
		const struct ks_finding *f;

		search(&synth_lost_wakeup, exhaustive[i], &res);
		ck_assert(res.complete);
		f = finding(&res, "hang");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(strstr(f->message, "waiter in waiter_checks_first waits for var 0x4: no wake-up came (cond 1, registered 1)"));
		ks_search_result_free(&res);

		search(&synth_wakeup_fixed, exhaustive[i], &res);
		ck_assert(res.complete);
		ck_assert_uint_eq(res.nfindings, 0);
		ck_assert_uint_eq(res.hangs, 0);
		ks_search_result_free(&res);
	}
}
END_TEST

/*
 *	spinner: loop { if (flag) break; retry }     setter: flag = 1
 *
 * Expect the search to complete with no cut and no hang because the spinner
 * awaits a write after its loop bound; without that (a loop bound far beyond
 * the step bound) the same search is cut and bounded.
 */
START_TEST(test_retry_terminates_by_await)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ks_search_opts o = { .strategy = exhaustive[i], .loop_bound = 2 };
		struct ks_search_result res;

		ck_assert_int_eq(ks_search(&synth_retry, &o, &res), 0);
		ck_assert(res.complete);
		ck_assert_uint_eq(res.cut, 0);
		ck_assert_uint_eq(res.hangs, 0);
		ck_assert_uint_gt(res.terminal, 0);
		ck_assert_uint_eq(res.nfindings, 0);
		ks_search_result_free(&res);

		o.loop_bound = 1000000;
		o.max_steps = 40;
		ck_assert_int_eq(ks_search(&synth_retry, &o, &res), 0);
		ck_assert(!res.complete);
		ck_assert_uint_gt(res.cut, 0);
		ck_assert_uint_eq(res.nfindings, 0);
		ks_search_result_free(&res);
	}
}
END_TEST

/* Expect a retry loop whose flag nobody writes to hang, naming what it awaits. */
START_TEST(test_retry_without_writer_hangs)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ks_search_result res;
		const struct ks_finding *f;

		search(&synth_retry_nowriter, exhaustive[i], &res);
		ck_assert(res.complete);
		ck_assert_uint_eq(res.terminal, 0);
		f = finding(&res, "hang");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(strstr(f->message, "waits for a change to var 0x5"));
		ks_search_result_free(&res);
	}
}
END_TEST

/* Expect stop_on_first to stop after one violating run, and the search not to be complete. */
START_TEST(test_stop_on_first)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_DFS, .stop_on_first = true };
	struct ks_search_result res;

	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &res), 0);
	ck_assert_uint_eq(res.violating_runs, 1);
	ck_assert_uint_eq(res.nfindings, 1);
	ck_assert(!res.complete);
	ck_assert_uint_lt(res.runs, 6);
	ks_search_result_free(&res);
}
END_TEST

/* Expect a run budget to stop the search there and to call it bounded. */
START_TEST(test_max_runs_is_bounded)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_DPOR, .max_runs = 2 };
	struct ks_search_result res;
	struct ks_buf b = { 0 };

	synth_size = (struct synth_size){ 3, 2 };
	ck_assert_int_eq(ks_search(&synth_counter, &o, &res), 0);
	ck_assert_uint_eq(res.runs, 2);
	ck_assert(!res.complete);
	ck_assert_str_eq(res.bounded_by, "runs");
	ks_search_result_summary(&res, &b);
	ck_assert_ptr_nonnull(strstr(b.s, "bounded (runs): 2 runs"));
	ks_buf_free(&b);
	ks_search_result_free(&res);
}
END_TEST

/* Expect independent threads to cost DPOR one run, and DFS every interleaving. */
START_TEST(test_independent_threads_one_run)
{
	struct ks_search_result dfs, dpor;

	synth_size = (struct synth_size){ 3, 2 };
	search(&synth_private, KS_STRAT_DFS, &dfs);
	search(&synth_private, KS_STRAT_DPOR, &dpor);
	ck_assert_uint_eq(dfs.runs, 90);	/* 6! / (2! 2! 2!) */
	ck_assert_uint_eq(dfs.classes, 1);
	ck_assert_uint_eq(dpor.runs, 1);
	ck_assert_uint_eq(dpor.classes, 1);
	ck_assert(dpor.complete);
	ks_search_result_free(&dfs);
	ks_search_result_free(&dpor);
}
END_TEST

/* Expect commuting increments (rwlock readers) to be one class, and DPOR to run it once. */
START_TEST(test_commuting_increments)
{
	struct ks_search_result dfs, dpor;

	synth_size = (struct synth_size){ 2, 1 };
	search(&synth_readers, KS_STRAT_DFS, &dfs);
	search(&synth_readers, KS_STRAT_DPOR, &dpor);
	ck_assert_uint_eq(dpor.classes, dfs.classes);
	ck_assert_uint_le(dpor.terminal + dpor.hangs + dpor.sleep_blocked,
			  dpor.classes + dpor.classes / 5);
	ks_search_result_free(&dfs);
	ks_search_result_free(&dpor);
}
END_TEST

/*
 * Expect what is not a search to be refused with a reason: a replay, an
 * out-of-range strategy, a bounded search split into shards.
 */
START_TEST(test_unknown_strategy)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_REPLAY };
	struct ks_search_result res;

	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &res), -1);
	ck_assert_ptr_nonnull(res.error);
	o.strategy = KS_STRAT_NR;
	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &res), -1);
	o = (struct ks_search_opts){ .strategy = KS_STRAT_BOUNDED, .shard = 0, .nshards = 2 };
	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &res), -1);
	ck_assert_ptr_nonnull(strstr(res.error, "cannot be sharded"));
	o = (struct ks_search_opts){ .strategy = KS_STRAT_DPOR, .shard = 2, .nshards = 2 };
	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &res), -1);
	ck_assert_str_eq(ks_strategy_name(KS_STRAT_DPOR), "dpor");
	ck_assert_int_eq(ks_strategy_lookup("dfs"), KS_STRAT_DFS);
	ck_assert_int_eq(ks_strategy_lookup("nope"), -1);
}
END_TEST

/*
 * Iterative preemption bounding: the mailbox's empty-message needs two
 * preemptions, so bound 1 misses it and says the bound cut runs, bound 2
 * finds it; a bound past what any run needs is plain DPOR, complete, with
 * DPOR's classes.
 */
START_TEST(test_preemption_bounding)
{
	struct ks_search_result res, dpor;
	struct ks_search_opts o = { .strategy = KS_STRAT_BOUNDED, .bound = 1 };

	ck_assert_int_eq(ks_search(&synth_mailbox, &o, &res), 0);
	ck_assert_ptr_null(finding(&res, "empty-message"));
	ck_assert(!res.complete);
	ck_assert_str_eq(res.bounded_by, "preemptions");
	ks_search_result_free(&res);
	o.bound = 2;
	ck_assert_int_eq(ks_search(&synth_mailbox, &o, &res), 0);
	ck_assert_ptr_nonnull(finding(&res, "empty-message"));
	ck_assert_uint_ge(finding(&res, "empty-message")->preemptions, 2);
	ks_search_result_free(&res);
	o.bound = 20;
	ck_assert_int_eq(ks_search(&synth_mailbox, &o, &res), 0);
	search(&synth_mailbox, KS_STRAT_DPOR, &dpor);
	ck_assert(res.complete);
	ck_assert_uint_eq(res.classes, dpor.classes);
	ks_search_result_free(&res);
	ks_search_result_free(&dpor);
}
END_TEST

/* ---- sampling strategies (random.c) ---- */

/* The runs to the first finding of @oracle by @strat (depth @depth), or 0 if none in @runs. */
static uint64_t runs_to_find(const struct ks_program *p, enum ks_strategy strat, unsigned depth,
			     uint64_t seed, uint64_t runs, const char *oracle)
{
	struct ks_search_opts o = {
		.strategy = strat, .depth = depth, .seed = seed, .max_runs = runs,
		.stop_on_first = true,
	};
	struct ks_search_result res;
	uint64_t n;

	ck_assert_int_eq(ks_search(p, &o, &res), 0);
	ck_assert_msg(!res.complete && res.bounded_by, "a sample is never complete");
	n = finding(&res, oracle) ? res.runs : 0;
	ks_search_result_free(&res);
	return n;
}

/*
 * Expect a random walk and PCT to find the lost update, deterministically
 * from the seed: the same seed gives the same run, token and trace.
 */
START_TEST(test_sampling_deterministic)
{
	static const enum ks_strategy sampling[] = { KS_STRAT_RANDOM, KS_STRAT_PCT };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ks_search_opts o = { .strategy = sampling[i], .seed = 42, .max_runs = 200 };
		struct ks_search_result a, b;
		const struct ks_finding *fa, *fb;

		ck_assert_int_eq(ks_search(&synth_lost_update, &o, &a), 0);
		ck_assert_int_eq(ks_search(&synth_lost_update, &o, &b), 0);
		ck_assert(!a.complete);
		ck_assert_str_eq(a.bounded_by, ks_strategy_name(sampling[i]));
		ck_assert_uint_eq(a.runs, 200);
		fa = finding(&a, "lost-update");
		fb = finding(&b, "lost-update");
		ck_assert_ptr_nonnull(fa);
		ck_assert_ptr_nonnull(fb);
		ck_assert(!fa->nondeterministic);
		ck_assert_str_eq(fa->token, fb->token);
		ck_assert_str_eq(fa->trace, fb->trace);
		ck_assert_uint_eq(a.classes, b.classes);
		ks_search_result_free(&a);
		ks_search_result_free(&b);
	}
	/* with no budget, a sample has KS_SAMPLE_RUNS runs */
	{
		struct ks_search_opts o = { .strategy = KS_STRAT_RANDOM };
		struct ks_search_result r;

		ck_assert_int_eq(ks_search(&synth_lost_update, &o, &r), 0);
		ck_assert_uint_eq(r.runs, 1000);
		ks_search_result_free(&r);
	}
}
END_TEST

/*
 * The portfolio: with a budget DPOR can finish in, it is DPOR (complete, the
 * same classes); with one it cannot (counter 3x2: 7134 runs), DPOR gets half
 * and the samplers the rest, exactly the runs given, bounded by
 * "portfolio"; its findings replay from their tokens, and it is the same
 * search again from the same seed.
 */
START_TEST(test_portfolio)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_PORTFOLIO, .max_runs = 1000 };
	struct ks_search_result a, b, d;
	struct ks_token tok;
	enum ks_run_status st;
	char err[256];

	search(&synth_lost_update, KS_STRAT_DPOR, &d);
	ck_assert_int_eq(ks_search(&synth_lost_update, &o, &a), 0);
	ck_assert(a.complete);
	ck_assert_ptr_null(a.bounded_by);
	ck_assert_uint_eq(a.classes, d.classes);
	ck_assert_uint_eq(a.class_digest, d.class_digest);
	ck_assert_ptr_nonnull(finding(&a, "lost-update"));
	ck_assert_int_eq(ks_token_parse(finding(&a, "lost-update")->token, &tok, err, sizeof(err)), 0);
	ck_assert_int_eq(ks_replay(&synth_lost_update, &o, &tok, &st, NULL, err, sizeof(err)), 0);
	ks_token_free(&tok);
	ks_search_result_free(&a);
	ks_search_result_free(&d);

	synth_size = (struct synth_size){ .threads = 3, .steps = 2 };
	o.max_runs = 300;
	o.seed = 7;
	ck_assert_int_eq(ks_search(&synth_counter, &o, &a), 0);
	ck_assert_int_eq(ks_search(&synth_counter, &o, &b), 0);
	ck_assert(!a.complete);
	ck_assert_str_eq(a.bounded_by, "portfolio");
	ck_assert_uint_eq(a.runs, 300);
	ck_assert_uint_eq(a.classes, b.classes);
	ck_assert_uint_eq(a.class_digest, b.class_digest);
	ck_assert_uint_gt(a.classes, 150);	/* the samples add classes DPOR's 150 runs had not */
	ks_search_result_free(&a);
	ks_search_result_free(&b);
}
END_TEST

/*
 * The mailbox's empty-message needs two preemptions: PCT of depth 3 finds it,
 * depth 1 (no change point: every run is a priority order) never can, and
 * the guarantee it prints is 1/(n k^(d-1)) for the runs it made.
 */
START_TEST(test_pct_depth)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_PCT, .depth = 3, .max_runs = 100 };
	struct ks_search_result res;
	uint64_t seed, found = 0;

	for (seed = 0; seed < 5; seed++) {
		ck_assert_uint_eq(runs_to_find(&synth_mailbox, KS_STRAT_PCT, 1, seed, 500,
					       "empty-message"), 0);
		found += runs_to_find(&synth_mailbox, KS_STRAT_PCT, 3, seed, 500,
				      "empty-message") > 0;
	}
	ck_assert_uint_eq(found, 5);
	ck_assert_int_eq(ks_search(&synth_mailbox, &o, &res), 0);
	ck_assert_uint_eq(res.pct_depth, 3);
	ck_assert_uint_eq(res.pct_threads, 2);
	ck_assert_uint_gt(res.pct_steps, 1);
	ck_assert_double_eq_tol(res.pct_p_run,
				1.0 / (2.0 * res.pct_steps * res.pct_steps), 1e-12);
	ck_assert(res.pct_p_search > res.pct_p_run && res.pct_p_search <= 1);
	ks_search_result_free(&res);
}
END_TEST

/* The lost update between private work: each thread writes its own variable 12 times around it. */
static int *pad_x;

static void pad_thread(void *arg)
{
	ks_obj_t mine = KS_OBJ(KS_OBJ_VAR, 10 + (uintptr_t)arg);
	int i, v;

	for (i = 0; i < 12; i++) {
		ks_sched_point(mine, KS_WRITE);
		if (i == 6) {
			ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_READ);
			v = *pad_x;
			ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_WRITE);
			ks_log("x = x + 1", KS_OBJ(KS_OBJ_VAR, 1), KS_V_INT, *pad_x, v + 1);
			*pad_x = v + 1;
		}
	}
}

static void pad_setup(void *arg)
{
	pad_x = ks_alloc(sizeof(*pad_x));
	ks_thread_spawn("t0", pad_thread, (void *)0);
	ks_thread_spawn("t1", pad_thread, (void *)1);
}

static void pad_finish(void *arg)
{
	if (*pad_x != 2)
		ks_violation("lost-update", KS_OBJ(KS_OBJ_VAR, 1), "x is %d", *pad_x);
}

static const struct ks_program padded_lost_update = {
	.name = "padded-lost-update", .fingerprint = 0x5eed,
	.setup = pad_setup, .finish = pad_finish,
};

/*
 * Shrinking: a random walk's lost update comes with preemptions to spare;
 * shrunk, it has the one preemption the bug needs, says how far it shrank,
 * and its token replays (the search's recheck replays every finding and
 * would mark it non-deterministic).  Without .shrink it is left as found.
 */
START_TEST(test_shrink_random_counterexample)
{
	/* the padding is private: hidden, it would leave a walk nothing to spare */
	struct ks_search_opts o = {
		.strategy = KS_STRAT_RANDOM, .seed = 5, .max_runs = 50, .shrink = true,
		.no_invisible = true,
	};
	struct ks_search_result res, raw;
	const struct ks_finding *f, *g;

	ck_assert_int_eq(ks_search(&padded_lost_update, &o, &res), 0);
	o.shrink = false;
	ck_assert_int_eq(ks_search(&padded_lost_update, &o, &raw), 0);
	f = finding(&res, "lost-update");
	g = finding(&raw, "lost-update");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->shrink_runs, 0);
	ck_assert_uint_gt(f->shrink_runs, 0);
	ck_assert_uint_eq(f->shrunk_from_preemptions, g->preemptions);
	ck_assert_uint_eq(f->shrunk_from_steps, g->steps);
	ck_assert_msg(g->preemptions > 2, "the raw walk has preemptions to spare (%u)",
		      g->preemptions);
	ck_assert_uint_eq(f->preemptions, 1);	/* a lost update needs one */
	ck_assert(!f->nondeterministic);
	ck_assert_str_ne(f->token, g->token);
	ks_search_result_free(&res);
	ks_search_result_free(&raw);
}
END_TEST

/* ---- models that break the engine's assumptions ---- */

static unsigned nondet_counter;

static void nondet_thread(void *arg)
{
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_WRITE);
	/* Reads state that survives between runs: a non-deterministic model. */
	ks_log("leak", KS_OBJ(KS_OBJ_VAR, 1), KS_V_INT, 0, nondet_counter++);
	ks_violation("bug", 0, "always");
}

static void nondet_setup(void *arg)
{
	ks_thread_spawn("t0", nondet_thread, NULL);
}

/* Expect a model whose trace differs on replay to have its finding marked non-deterministic. */
START_TEST(test_nondeterminism_reported)
{
	struct ks_program p = { .name = "nondet", .setup = nondet_setup };
	struct ks_search_opts o = { .strategy = KS_STRAT_DPOR };
	struct ks_search_result res;

	ck_assert_int_eq(ks_search(&p, &o, &res), 0);
	ck_assert_uint_eq(res.nfindings, 1);
	ck_assert(res.findings[0].nondeterministic);
	ck_assert_uint_eq(res.nnotes, 1);
	ck_assert_ptr_nonnull(strstr(res.notes[0], "non-determinism"));
	ks_search_result_free(&res);
}
END_TEST

static int *undecl_flag;

static bool undecl_ready(const void *arg)
{
	return *undecl_flag;
}

static void undecl_waiter(void *arg)
{
	struct ks_wait w = { undecl_ready, NULL, NULL };

	ks_sched_wait(KS_OBJ(KS_OBJ_VAR, 1), KS_WAIT, &w);
}

static void undecl_setter(void *arg)
{
	/* Sets the waited-for flag but declares a write to another object. */
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 2), KS_WRITE);
	*undecl_flag = 1;
}

static void undecl_setup(void *arg)
{
	undecl_flag = ks_alloc(sizeof(*undecl_flag));
	ks_thread_spawn("waiter", undecl_waiter, NULL);
	ks_thread_spawn("setter", undecl_setter, NULL);
}

/* Expect an enabling step that declares no dependency to be reported as a model problem. */
START_TEST(test_undeclared_dependency_reported)
{
	struct ks_program p = { .name = "undeclared", .setup = undecl_setup };
	struct ks_search_opts o = { .strategy = KS_STRAT_DPOR };
	struct ks_search_result res;

	ck_assert_int_eq(ks_search(&p, &o, &res), 0);
	ck_assert_uint_eq(res.nnotes, 1);
	ck_assert_ptr_nonnull(strstr(res.notes[0], "undeclared dependency: step 1 (setter write var 0x2) enabled waiter"));
	ks_search_result_free(&res);
}
END_TEST

static Suite *search_suite(void)
{
	Suite *s = suite_create("engine-search");
	TCase *tc = tcase_create("programs");
	TCase *tm = tcase_create("model-checks");

	tcase_add_test(tc, test_lost_update);
	tcase_add_test(tc, test_abba_hang_names_chain);
	tcase_add_test(tc, test_mailbox_needs_two_preemptions);
	tcase_add_test(tc, test_lost_wakeup);
	tcase_add_test(tc, test_retry_terminates_by_await);
	tcase_add_test(tc, test_retry_without_writer_hangs);
	tcase_add_test(tc, test_stop_on_first);
	tcase_add_test(tc, test_max_runs_is_bounded);
	tcase_add_test(tc, test_independent_threads_one_run);
	tcase_add_test(tc, test_commuting_increments);
	tcase_add_test(tc, test_unknown_strategy);
	tcase_add_test(tc, test_preemption_bounding);
	tcase_add_test(tc, test_sampling_deterministic);
	tcase_add_test(tc, test_shrink_random_counterexample);
	tcase_add_test(tc, test_pct_depth);
	tcase_add_test(tc, test_portfolio);
	suite_add_tcase(s, tc);
	tcase_add_test(tm, test_nondeterminism_reported);
	tcase_add_test(tm, test_undeclared_dependency_reported);
	suite_add_tcase(s, tm);
	return s;
}

int main(void)
{
	return ks_check_main(search_suite());
}
