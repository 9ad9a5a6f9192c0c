// SPDX-License-Identifier: GPL-2.0
/*
 * The run core: threads switch at scheduling points, blocked threads are not
 * enabled, hangs and cuts are detected, and a run's world is re-made each run.
 */
#include <string.h>

#include <kvmsim/engine.h>
#include <kvmsim/run.h>

#include "engine/runner.h"

#include "../ks-check.h"

struct counter_prog {
	int *x;
	int order[8];
	int norder;
};

static struct counter_prog cp;

static void bump(void *arg)
{
	int id = (int)(long)arg;

	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_READ);
	{
		int v = *cp.x;

		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_WRITE);
		*cp.x = v + 1;
		ks_log("bump", KS_OBJ(KS_OBJ_VAR, 1), KS_V_INT, v, v + 1);
	}
	cp.order[cp.norder++] = id;
}

static void counter_setup(void *arg)
{
	cp.x = ks_alloc(sizeof(*cp.x));
	cp.norder = 0;
	ks_thread_spawn("t0", bump, (void *)0L);
	ks_thread_spawn("t1", bump, (void *)1L);
}

static const struct ks_program counter = {
	.name = "counter", .setup = counter_setup,
};

/* Running t0 to the end and then t1 gives 2; interleaving the reads loses an update. */
START_TEST(test_lost_update_schedules)
{
	struct ks_runner *r = ks_runner_new(&counter, NULL);

	ks_run_begin(r);
	ck_assert_int_eq(ks_run_nthreads(r), 2);
	ck_assert(ks_run_enabled(r, 0) && ks_run_enabled(r, 1));
	ks_run_step(r, 0);
	ks_run_step(r, 0);
	ks_run_step(r, 1);
	ks_run_step(r, 1);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(*cp.x, 2);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);

	ks_run_begin(r);
	ck_assert_int_eq(*cp.x, 0);
	ks_run_step(r, 0);	/* t0 reads 0 */
	ks_run_step(r, 1);	/* t1 reads 0 */
	ks_run_step(r, 0);
	ks_run_step(r, 1);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(*cp.x, 1);
	ck_assert_int_eq(ks_log_count(), 2);
	ck_assert_int_eq(ks_log_row(1)->step, 4);
	ck_assert_int_eq(ks_log_row(1)->tid, 1);
	ks_runner_free(r);
}
END_TEST

static bool flag_set(const void *arg)
{
	return *(const int *)arg != 0;
}

static void flag_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "flag is %d", *(const int *)arg);
}

static int *flag;

static void waiter(void *arg)
{
	struct ks_wait w = { flag_set, flag_explain, flag };

	KS_FUNC();
	ks_sched_wait(KS_OBJ(KS_OBJ_VAR, 2), KS_WAIT, &w);
}

static void setter(void *arg)
{
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 2), KS_SATISFY);
	*flag = 1;
}

static void wait_setup(void *arg)
{
	flag = ks_alloc(sizeof(*flag));
	ks_thread_spawn("waiter", waiter, NULL);
	if (arg)
		ks_thread_spawn("setter", setter, NULL);
}

/* A waiter is not enabled until its condition holds; alone, it hangs with its reason. */
START_TEST(test_wait_enabledness_and_hang)
{
	struct ks_program p = { .name = "wait", .setup = wait_setup, .arg = (void *)1 };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ck_assert(!ks_run_enabled(r, 0));
	ck_assert(ks_run_enabled(r, 1));
	ks_run_step(r, 1);
	ck_assert(ks_run_enabled(r, 0));
	ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);

	p.arg = NULL;
	r = ks_runner_new(&p, NULL);
	ks_run_begin(r);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_HANG);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_violations("hang", 1);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "waiter in waiter waits for"));
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "flag is 0"));
	ks_runner_free(r);
}
END_TEST

static void spinner(void *arg)
{
	ks_loop_begin();
	for (;;) {
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 3), KS_READ);
		if (*flag)
			break;
		ks_retry();
	}
	ks_loop_end();
}

static void spin_setup(void *arg)
{
	flag = ks_alloc(sizeof(*flag));
	ks_thread_spawn("spinner", spinner, NULL);
}

/* A retry loop past its bound awaits a write; with no writer the run is a hang, not a spin. */
START_TEST(test_retry_await_hang)
{
	struct ks_program p = { .name = "spin", .setup = spin_setup };
	struct ks_run_opts o = { .loop_bound = 2 };
	struct ks_runner *r = ks_runner_new(&p, &o);
	int steps = 0;

	ks_run_begin(r);
	while (ks_run_status(r) == KS_RUN_ACTIVE && steps < 100) {
		ks_run_step(r, 0);
		steps++;
	}
	ck_assert_int_eq(steps, 2);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "waits for a change to var 0x3"));
	ks_runner_free(r);
}
END_TEST

static int *seen;

static void late_spinner(void *arg)
{
	int v;

	ks_loop_begin();
	for (;;) {
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 3), KS_READ);
		v = *flag;
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 8), KS_READ);
		if (v)
			break;
		ks_retry();
	}
	ks_loop_end();
	*seen = v;
}

static void flag_writer(void *arg)
{
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 3), KS_WRITE);
	*flag = 1;
}

static void late_setup(void *arg)
{
	flag = ks_alloc(sizeof(*flag));
	seen = ks_alloc(sizeof(*seen));
	ks_thread_spawn("spinner", late_spinner, NULL);
	ks_thread_spawn("writer", flag_writer, NULL);
}

/*
 *	spinner: v = flag | writer: flag = 1 | spinner: retry (past the bound)
 *
 * A write between an iteration's read and its retry may change the next
 * iteration: expect the spinner not to await (which would hang) but to loop
 * and see the flag.
 */
START_TEST(test_retry_write_before_await)
{
	struct ks_program p = { .name = "late", .setup = late_setup };
	struct ks_run_opts o = { .loop_bound = 1 };
	struct ks_runner *r = ks_runner_new(&p, &o);

	ks_run_begin(r);
	ks_run_step(r, 0);	/* reads flag == 0 */
	ks_run_step(r, 1);	/* flag = 1 */
	ks_run_step(r, 0);	/* retry: no await */
	ck_assert(ks_run_enabled(r, 0));
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(*seen, 1);
	ks_runner_free(r);
}
END_TEST

static void oracle_blocks(void *arg)
{
	int zero = 0;
	struct ks_wait w = { flag_set, flag_explain, &zero };

	ks_sched_wait(KS_OBJ(KS_OBJ_VAR, 9), KS_WAIT, &w);
	ks_bug("refcount", KS_OBJ(KS_OBJ_VAR, 9), "from an oracle");
}

/* A per-step oracle that waits or BUGs records violations; it never switches stacks. */
START_TEST(test_oracle_cannot_switch)
{
	struct ks_program p = { .name = "oracle", .setup = counter_setup,
				.after_step = oracle_blocks };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ck_assert_violations("hang", 1);
	ck_assert_violations("refcount", 1);
	ck_assert(!ks_run_finished(r, 0));
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, ks_run_enabled(r, 0) ? 0 : 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ks_runner_free(r);
}
END_TEST

/* A run longer than max_steps is cut, not reported as a hang. */
START_TEST(test_cut)
{
	struct ks_run_opts o = { .max_steps = 3 };
	struct ks_runner *r = ks_runner_new(&counter, &o);

	ks_run_begin(r);
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, ks_run_enabled(r, 0) ? 0 : 1);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_CUT);
	ck_assert_int_eq(ks_run_steps(r), 3);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_CUT);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

static void oops(void *arg)
{
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 4), KS_WRITE);
	ks_bug("refcount", KS_OBJ(KS_OBJ_VAR, 4), "bad state");
	ck_abort_msg("a BUG must end the thread");
}

static void oops_setup(void *arg)
{
	ks_thread_spawn("oops", oops, NULL);
}

/* BUG records a violation and ends the thread; the run still terminates. */
START_TEST(test_bug_kills_thread)
{
	struct ks_program p = { .name = "oops", .setup = oops_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ck_assert(ks_run_finished(r, 0));
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_violations("refcount", 1);
	ks_runner_free(r);
}
END_TEST

/* Direct mode: a wait that is not ready is a recorded hang, never a block. */
START_TEST(test_direct_mode)
{
	int zero = 0;
	struct ks_wait w = { flag_set, flag_explain, &zero };

	ks_direct_begin();
	ks_sched_point(KS_OBJ(KS_OBJ_PAGE, 0x1200), KS_READ);
	ck_assert_int_eq(ks_step(), 1);
	ks_sched_wait(KS_OBJ(KS_OBJ_VAR, 9), KS_WAIT, &w);
	ck_assert_violations("hang", 1);
	ck_assert_str_eq(ks_thread_name(ks_tid()), "main");
	ks_direct_end();
}
END_TEST

/* Objects print by kind, named objects by name. */
START_TEST(test_obj_format)
{
	char buf[64];
	ks_obj_t l;

	ks_direct_begin();
	ks_obj_format(KS_OBJ(KS_OBJ_PAGE, 0x1200), buf, sizeof(buf));
	ck_assert_str_eq(buf, "page 0x1200");
	l = ks_obj_named(KS_OBJ_LOCK, "mmu_lock");
	ks_obj_format(l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lock mmu_lock");
	ck_assert_int_eq(ks_obj_kind(l), KS_OBJ_LOCK);
	ks_direct_end();
}
END_TEST

#define WIDE_READS 40

static void wide_spinner(void *arg)
{
	int i;

	ks_loop_begin();
	for (;;) {
		for (i = 0; i < WIDE_READS; i++)
			ks_sched_point(KS_OBJ(KS_OBJ_VAR, 100 + i), KS_READ);
		if (*flag)
			break;
		ks_retry();
	}
	ks_loop_end();
}

static void wide_setter(void *arg)
{
	ks_sched_point(KS_OBJ(KS_OBJ_VAR, 100 + WIDE_READS - 1), KS_WRITE);
	*flag = 1;
}

static void wide_setup(void *arg)
{
	flag = ks_alloc(sizeof(*flag));
	ks_thread_spawn("spinner", wide_spinner, NULL);
	ks_thread_spawn("setter", wide_setter, NULL);
}

/*
 * A retry loop that reads more objects than its read set holds is still woken
 * by a write to the last of them: it awaits, the write comes, it finishes.
 */
START_TEST(test_retry_await_wide_read_set)
{
	struct ks_program p = { .name = "wide", .setup = wide_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	while (ks_run_enabled(r, 0))	/* the spinner until it awaits */
		ks_run_step(r, 0);
	ck_assert(!ks_run_finished(r, 0));
	ks_run_step(r, 1);		/* the write to var 100 + 39 */
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ks_runner_free(r);
}
END_TEST

/* ---- retry loops: spins, effects and value-based wake-ups ---- */

struct spin_world {
	int ref, flag;
	ks_obj_t ref_obj, flag_obj;
};

static struct spin_world *sw;

/*
 * One iteration takes a reference, reads the flag and puts the reference:
 * its writes cancel out, so past the bound it is a spin.  With @leak it
 * keeps the reference: every iteration leaves a change behind.
 */
static void refspinner(void *arg)
{
	bool leak = arg != NULL;
	int v;

	ks_loop_begin();
	for (;;) {
		ks_sched_point(sw->ref_obj, KS_INC);
		sw->ref++;
		ks_sched_point(sw->flag_obj, KS_READ);
		v = sw->flag;
		if (!leak) {
			ks_sched_point(sw->ref_obj, KS_WRITE);
			sw->ref--;
		}
		if (v)
			break;
		ks_retry();
	}
	ks_loop_end();
}

/* Sets the flag and clears it again, then sets it for good. */
static void flagger(void *arg)
{
	ks_sched_point(sw->flag_obj, KS_WRITE);
	sw->flag = 1;
	ks_sched_point(sw->flag_obj, KS_WRITE);
	sw->flag = 0;
	ks_sched_point(sw->flag_obj, KS_WRITE);
	sw->flag = 1;
}

static void spin_world_setup(void *arg)
{
	sw = ks_alloc(sizeof(*sw));
	sw->ref_obj = ks_obj_named_value(KS_OBJ_VAR, "ref", &sw->ref, sizeof(sw->ref));
	sw->flag_obj = ks_obj_named_value(KS_OBJ_VAR, "flag", &sw->flag, sizeof(sw->flag));
	ks_thread_spawn("spinner", refspinner, arg);
	ks_thread_spawn("flagger", flagger, NULL);
}

/*
 *	spinner: iterations until it awaits   flagger: flag = 1 | flag = 0 | flag = 1
 *
 * Expect a spinner whose iteration takes and puts a reference to await past
 * its bound (its writes cancel out), to be enabled while the flag differs
 * from what it saw and disabled again when the flag is put back, and to
 * finish once the flag is set for good.
 */
START_TEST(test_retry_spin_wakes_on_value)
{
	struct ks_program p = { .name = "spin", .setup = spin_world_setup };
	struct ks_run_opts o = { .loop_bound = 2 };
	struct ks_runner *r = ks_runner_new(&p, &o);

	ks_run_begin(r);
	while (ks_run_enabled(r, 0))
		ks_run_step(r, 0);
	ck_assert(!ks_run_finished(r, 0));
	ck_assert_int_eq(sw->ref, 0);
	ks_run_step(r, 1);		/* flag = 1 */
	ck_assert(ks_run_enabled(r, 0));
	ks_run_step(r, 1);		/* flag = 0: the same value as before */
	ck_assert(!ks_run_enabled(r, 0));
	ks_run_step(r, 1);		/* flag = 1 for good */
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ks_runner_free(r);
}
END_TEST

/*
 * A looper whose every iteration is disturbed by a writer (x changes under
 * it, then "done" is set after it read it), with a loop bound of 1: after
 * KS_LOOP_CHANGES disturbed iterations it awaits a change to what it read,
 * taken after the writer has finished -- no change ever comes.  Its next
 * iteration would have seen "done" and left the loop, so that is no hang.
 */
struct disturb_world {
	int x, done;
	ks_obj_t x_obj, done_obj;
};

static struct disturb_world *dw;

static void disturbed_looper(void *arg)
{
	int done;

	ks_loop_begin();
	for (;;) {
		ks_sched_point(dw->done_obj, KS_READ);
		done = dw->done;
		ks_sched_point(dw->x_obj, KS_READ);
		/* a step of its own, after which a write can still disturb it */
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 8), KS_READ);
		if (done)
			break;
		ks_retry();
	}
	ks_loop_end();
}

static void disturber(void *arg)
{
	int i;

	for (i = 0; i < 6; i++) {	/* more than KS_LOOP_CHANGES (4) */
		ks_sched_point(dw->x_obj, KS_WRITE);
		dw->x++;
	}
	ks_sched_point(dw->done_obj, KS_WRITE);
	dw->done = 1;
}

static void disturb_setup(void *arg)
{
	dw = ks_alloc(sizeof(*dw));
	dw->x_obj = ks_obj_named_value(KS_OBJ_VAR, "x", &dw->x, sizeof(dw->x));
	dw->done_obj = ks_obj_named_value(KS_OBJ_VAR, "done", &dw->done, sizeof(dw->done));
	ks_thread_spawn("looper", disturbed_looper, NULL);
	ks_thread_spawn("writer", disturber, NULL);
}

/*
 *	looper: done? x? | writer: x++ | looper: retry        (four times)
 *	looper: done? x? | writer: x++, x++, done = 1 | looper: retry
 *
 * Expect the fifth disturbed iteration to await (the loop is cut), no thread
 * then to be enabled, and ks_run_status() to wake it (ks_run_wake_forced())
 * so that the looper sees "done" and finishes: the run is terminal, not a
 * hang.
 */
START_TEST(test_retry_forced_await_is_no_hang)
{
	struct ks_program p = { .name = "disturbed", .setup = disturb_setup };
	struct ks_run_opts o = { .loop_bound = 1 };
	struct ks_runner *r = ks_runner_new(&p, &o);
	int i;

	ks_run_begin(r);
	for (i = 0; i < 5; i++) {
		ks_run_step(r, 0);		/* done? */
		ks_run_step(r, 0);		/* x? */
		ks_run_step(r, 1);		/* x++ */
		if (i == 4) {
			ks_run_step(r, 1);	/* x++ */
			ks_run_step(r, 1);	/* done = 1 */
		}
		ks_run_step(r, 0);		/* its own step; then the retry */
	}
	ck_assert(ks_run_finished(r, 1));
	ck_assert(!ks_run_enabled(r, 0) && !ks_run_finished(r, 0));
	/* asking whether the run is over wakes it, as the search and replay ask */
	ck_assert_int_eq(ks_run_status(r), KS_RUN_ACTIVE);
	ck_assert(ks_run_enabled(r, 0));
	ck_assert_uint_eq(ks_run_wake_forced(r), 0);	/* woken already */
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, 0);
	ck_assert(ks_run_finished(r, 0));
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_violations("hang", 0);
	ks_runner_free(r);
}
END_TEST

static const struct ks_program spin_prog = {
	.name = "spin", .fingerprint = 0x51, .setup = spin_world_setup,
};

static const struct ks_program leak_prog = {
	.name = "leak", .fingerprint = 0x52, .setup = spin_world_setup, .arg = (void *)1,
};

/*
 * Expect the search of the spinner to be complete (its await hides no run),
 * and the search of a spinner that leaks a reference per iteration to say it
 * is bounded by the loop bound: more iterations would leak more.
 */
START_TEST(test_retry_effect_is_a_loop_cut)
{
	struct ks_search_opts o = { .strategy = KS_STRAT_DPOR, .loop_bound = 2 };
	struct ks_search_result res;

	ck_assert_int_eq(ks_search(&spin_prog, &o, &res), 0);
	ck_assert(res.complete);
	ck_assert_uint_eq(res.loop_cut, 0);
	ks_search_result_free(&res);
	ck_assert_int_eq(ks_search(&leak_prog, &o, &res), 0);
	ck_assert(!res.complete);
	ck_assert_str_eq(res.bounded_by, "loop");
	ck_assert_uint_gt(res.loop_cut, 0);
	ck_assert_uint_eq(res.cut, 0);
	ks_search_result_free(&res);
}
END_TEST

static void nested_spinner(void *arg)
{
	ks_loop_begin();
	for (;;) {
		int inner = 0;

		ks_loop_begin();	/* gup's fault-in loop inside the fault's */
		for (;;) {
			ks_sched_point(sw->ref_obj, KS_READ);
			if (sw->ref || inner++)
				break;
			ks_retry();
		}
		ks_loop_end();
		ks_sched_point(sw->flag_obj, KS_READ);
		if (sw->flag)
			break;
		ks_retry();
	}
	ks_loop_end();
}

static void nested_setup(void *arg)
{
	sw = ks_alloc(sizeof(*sw));
	sw->ref_obj = ks_obj_named_value(KS_OBJ_VAR, "ref", &sw->ref, sizeof(sw->ref));
	sw->flag_obj = ks_obj_named_value(KS_OBJ_VAR, "flag", &sw->flag, sizeof(sw->flag));
	ks_thread_spawn("spinner", nested_spinner, NULL);
}

/*
 * Expect an inner loop not to clobber the outer one: the outer iteration's
 * footprint keeps what the inner loop read, so the outer loop awaits a
 * change of "ref" or "flag" (and, with no writer, hangs naming both).
 */
START_TEST(test_retry_nested_loops)
{
	struct ks_program p = { .name = "nested", .setup = nested_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	while (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg,
				     "waits for a change to var ref, var flag"));
	ks_runner_free(r);
}
END_TEST

static Suite *run_suite(void)
{
	Suite *s = suite_create("engine-run");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, test_lost_update_schedules);
	tcase_add_test(tc, test_wait_enabledness_and_hang);
	tcase_add_test(tc, test_retry_await_hang);
	tcase_add_test(tc, test_retry_await_wide_read_set);
	tcase_add_test(tc, test_retry_write_before_await);
	tcase_add_test(tc, test_retry_spin_wakes_on_value);
	tcase_add_test(tc, test_retry_effect_is_a_loop_cut);
	tcase_add_test(tc, test_retry_nested_loops);
	tcase_add_test(tc, test_retry_forced_await_is_no_hang);
	tcase_add_test(tc, test_oracle_cannot_switch);
	tcase_add_test(tc, test_cut);
	tcase_add_test(tc, test_bug_kills_thread);
	tcase_add_test(tc, test_direct_mode);
	tcase_add_test(tc, test_obj_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(run_suite());
}
