// SPDX-License-Identifier: GPL-2.0
/*
 * Locks, completions and waits as scheduler primitives; sleep-in-atomic;
 * WARN/BUG; percpu_ref; eras; `current`.
 */
#include "linux/bug.h"
#include "linux/completion.h"
#include "linux/mm.h"
#include "linux/percpu-refcount.h"
#include "linux/rwsem.h"
#include "linux/spinlock.h"
#include "linux/wait_bit.h"

#include "shim-check.h"

#define FLAG KS_OBJ(KS_OBJ_VAR, 1)

static struct {
	spinlock_t a, b;
	rwlock_t rw;
	struct rw_semaphore sem;
	struct completion done;
	int flag;
	int mode;
} w;

static void run_while_enabled(struct ks_runner *r, int tid)
{
	while (ks_run_enabled(r, tid))
		ks_run_step(r, tid);
}

static char *waits_for(struct ks_runner *r)
{
	static char text[512];
	struct ks_buf b = { 0 };

	ks_run_waits_for(r, &b);
	snprintf(text, sizeof(text), "%s", b.s);
	ks_buf_free(&b);
	return text;
}

static void lock_init(void)
{
	spin_lock_init(&w.a, "a");
	spin_lock_init(&w.b, "b");
	rwlock_init(&w.rw, "mmu_lock");
	init_rwsem(&w.sem, "mmap_lock");
	init_completion(&w.done, "done");
	w.flag = 0;
}

/* ---- spinlocks ---- */

static void spin_ab(void *arg)
{
	KS_FUNC();
	spin_lock(&w.a);
	if (w.mode)
		spin_lock(&w.b);
	ks_sched_point(FLAG, KS_WRITE);
	if (w.mode)
		spin_unlock(&w.b);
	spin_unlock(&w.a);
}

static void spin_ba(void *arg)
{
	KS_FUNC();
	if (w.mode)
		spin_lock(&w.b);
	spin_lock(&w.a);
	spin_unlock(&w.a);
	if (w.mode)
		spin_unlock(&w.b);
}

static void spin_setup(void *arg)
{
	lock_init();
	w.mode = (int)(long)arg;
	ks_thread_spawn("t0", spin_ab, NULL);
	ks_thread_spawn("t1", spin_ba, NULL);
}

/* A held spinlock makes another thread not enabled until the holder unlocks it. */
START_TEST(test_spin_lock_blocks)
{
	struct ks_program p = { .name = "spin", .setup = spin_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);		/* t0 takes a */
	ck_assert(spin_is_locked(&w.a));
	ck_assert(!ks_run_enabled(r, 1));
	ck_assert_str_eq(waits_for(r), "t0 in spin_ab waits for var 0x1: runnable; "
			 "t1 in spin_ba waits for lock a: held by t0");
	ks_run_step(r, 0);
	ck_assert(!ks_run_enabled(r, 1));
	ks_run_step(r, 0);		/* unlock */
	ck_assert(ks_run_enabled(r, 1));
	run_while_enabled(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

/* ABBA: each thread holds one lock and waits for the other's: a hang naming both. */
START_TEST(test_spin_abba_hang)
{
	struct ks_program p = { .name = "abba", .setup = spin_setup, .arg = (void *)1L };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ks_run_step(r, 1);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_HANG);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_str_eq(ks_violation_get(0)->msg,
			 "t0 in spin_ab waits for lock b: held by t1; t1 in spin_ba waits for lock a: held by t0");
	ks_runner_free(r);
}
END_TEST

/* Unlocking a lock one does not hold is a "bug"; locking it again in direct mode is a hang. */
START_TEST(test_bad_unlock_and_self_deadlock)
{
	lock_init();
	spin_unlock(&w.a);
	read_unlock(&w.rw);
	write_unlock(&w.rw);
	up_read(&w.sem);
	up_write(&w.sem);
	ck_assert_violations("bug", 5);
	spin_lock(&w.a);
	spin_lock(&w.a);
	ck_assert_violations("hang", 1);
	ck_assert(shim_violation_says("hang", "main would wait forever on lock a: held by main"));
	spin_unlock(&w.a);
	ck_assert(!spin_is_locked(&w.a));
	write_lock(&w.rw);
	read_lock(&w.rw);
	write_lock(&w.rw);
	write_unlock(&w.rw);
	down_write(&w.sem);
	down_read(&w.sem);
	down_write(&w.sem);
	up_write(&w.sem);
	ck_assert_violations("hang", 5);
	ck_assert(!rwsem_is_locked(&w.sem));
}
END_TEST

/* ---- rwlock and rw_semaphore ---- */

static void reader(void *arg)
{
	if (w.mode) {
		down_read(&w.sem);
		ks_sched_point(FLAG, KS_READ);
		up_read(&w.sem);
	} else {
		read_lock(&w.rw);
		ks_sched_point(FLAG, KS_READ);
		read_unlock(&w.rw);
	}
}

static void writer(void *arg)
{
	if (w.mode) {
		down_write(&w.sem);
		up_write(&w.sem);
	} else {
		write_lock(&w.rw);
		write_unlock(&w.rw);
	}
}

static void rw_setup(void *arg)
{
	lock_init();
	w.mode = (int)(long)arg;
	ks_thread_spawn("r0", reader, NULL);
	ks_thread_spawn("r1", reader, NULL);
	ks_thread_spawn("w", writer, NULL);
}

/* Readers share the lock; a writer waits for both to leave, and readers wait for a writer. */
START_TEST(test_readers_share_writer_waits)
{
	struct ks_program p = { .name = "rw", .setup = rw_setup, .arg = (void *)(long)_i };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ck_assert(ks_run_enabled(r, 1));
	ks_run_step(r, 1);
	ck_assert(!ks_run_enabled(r, 2));
	ck_assert_ptr_nonnull(strstr(waits_for(r), "held for read by 2 reader(s)"));
	run_while_enabled(r, 0);
	ck_assert(!ks_run_enabled(r, 2));
	run_while_enabled(r, 1);
	ck_assert(ks_run_enabled(r, 2));
	ck_assert_int_eq(ks_run_end(r), KS_RUN_ACTIVE);
	ks_runner_free(r);

	/* the writer first: readers wait for it */
	r = ks_runner_new(&p, NULL);
	ks_run_begin(r);
	ks_run_step(r, 2);
	ck_assert(!ks_run_enabled(r, 0) && !ks_run_enabled(r, 1));
	ck_assert_ptr_nonnull(strstr(waits_for(r), "held for write by w"));
	ks_run_step(r, 2);
	ck_assert(ks_run_enabled(r, 0) && ks_run_enabled(r, 1));
	ks_runner_free(r);
}
END_TEST

/* ---- sleep-in-atomic ---- */

/* might_sleep() under a spinlock, an rwlock or with interrupts off is a violation naming why. */
START_TEST(test_sleep_in_atomic)
{
	lock_init();
	might_sleep();
	ck_assert_violations("sleep-in-atomic", 0);
	spin_lock(&w.a);
	down_read(&w.sem);
	ck_assert_violations("sleep-in-atomic", 1);
	ck_assert(shim_violation_says("sleep-in-atomic", "might_sleep may sleep while main holds lock a"));
	up_read(&w.sem);
	spin_unlock(&w.a);
	read_lock(&w.rw);
	complete(&w.done);
	wait_for_completion(&w.done);
	read_unlock(&w.rw);
	ck_assert_violations("sleep-in-atomic", 2);
	ck_assert(!irqs_disabled());
	local_irq_disable();
	ck_assert(irqs_disabled());
	ck_assert(!ks_irqs_off_elsewhere());
	might_sleep();
	ck_assert_violations("sleep-in-atomic", 3);
	ck_assert_str_eq(ks_violation_get(ks_violation_count() - 1)->msg,
			 "might_sleep may sleep while main has interrupts off");
	local_irq_enable();
	might_sleep();
	ck_assert_violations("sleep-in-atomic", 3);
}
END_TEST

static void irq_off(void *arg)
{
	local_irq_disable();
	ks_sched_point(FLAG, KS_READ);
	local_irq_enable();
}

static void irq_setup(void *arg)
{
	ks_thread_spawn("gup", irq_off, NULL);
}

/* Interrupts off in one thread are seen "elsewhere" by others, not by itself. */
START_TEST(test_irqs_off_elsewhere)
{
	struct ks_program p = { .name = "irq", .setup = irq_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ck_assert_uint_eq(ks_run_next(r, 0).obj, ks_irq_obj());
	ks_run_step(r, 0);
	ck_assert(ks_irqs_off_by_other(ks_lock_tid()));
	ck_assert(!ks_irqs_off_by_other(0));
	ks_run_step(r, 0);
	ks_run_step(r, 0);
	ck_assert(!ks_irqs_off_by_other(ks_lock_tid()));
	ks_runner_free(r);
}
END_TEST

/* ---- completions and wait_var_event ---- */

static bool flag_set(const void *arg)
{
	return w.flag;
}

static void flag_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "flag is 0");
}

static void var_waiter(void *arg)
{
	struct ks_wait cond = { flag_set, flag_explain, NULL };

	KS_FUNC();
	if (w.mode == 3)
		wait_for_completion(&w.done);
	else
		wait_var_event(FLAG, &cond);
}

/* mode 0: set and wake; 1: set, no wake; 2: wake, then set; 3: complete() */
static void var_setter(void *arg)
{
	if (w.mode == 3) {
		complete(&w.done);
		return;
	}
	if (w.mode == 2)
		wake_up_var(FLAG);
	ks_sched_point(FLAG, KS_WRITE);
	w.flag = 1;
	if (!w.mode)
		wake_up_var(FLAG);
}

static void var_setup(void *arg)
{
	lock_init();
	w.mode = (int)(long)arg;
	ks_thread_spawn("waiter", var_waiter, NULL);
	ks_thread_spawn("setter", var_setter, NULL);
}

static enum ks_run_status var_run(int mode, struct ks_runner **rp)
{
	struct ks_program p = { .name = "var", .setup = var_setup, .arg = (void *)(long)mode };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	if (ks_run_enabled(r, 0))
		ks_run_step(r, 0);		/* the check: false, asleep */
	ck_assert(!ks_run_enabled(r, 0));
	run_while_enabled(r, 1);
	run_while_enabled(r, 0);
	*rp = r;
	return ks_run_end(r);
}

/* A wake-up after the condition became true lets the waiter go on. */
START_TEST(test_wait_var_event_woken)
{
	struct ks_runner *r;

	ck_assert_int_eq(var_run(0, &r), KS_RUN_TERMINAL);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

/* A condition made true without a wake-up leaves the waiter asleep: a hang that says so. */
START_TEST(test_wait_var_event_missed_wakeup)
{
	struct ks_runner *r;

	ck_assert_int_eq(var_run(1, &r), KS_RUN_HANG);
	ck_assert_str_eq(ks_violation_get(0)->msg,
			 "waiter in var_waiter waits for var 0x1: condition holds but no "
			 "wake_up_var() came after the last check");
	ks_runner_free(r);
}
END_TEST

/* A wake-up before the condition holds: the woken waiter checks again and sleeps again. */
START_TEST(test_wait_var_event_early_wakeup)
{
	struct ks_program p = { .name = "var", .setup = var_setup, .arg = (void *)2L };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ks_run_step(r, 1);			/* wake_up_var */
	ck_assert(ks_run_enabled(r, 0));
	ks_run_step(r, 0);			/* checks: still false */
	ck_assert(!ks_run_enabled(r, 0));
	ck_assert_ptr_nonnull(strstr(waits_for(r), "flag is 0"));
	run_while_enabled(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ks_runner_free(r);
}
END_TEST

/* A completion's waiter proceeds after complete(); an undone one in direct mode is a hang. */
START_TEST(test_completion)
{
	struct ks_runner *r;

	ck_assert_int_eq(var_run(3, &r), KS_RUN_TERMINAL);
	ck_assert_int_eq(w.done.done, 0);
	ks_runner_free(r);

	ks_direct_begin();
	lock_init();
	ck_assert(!completion_done(&w.done));
	wait_for_completion(&w.done);
	ck_assert_violations("hang", 1);
	ck_assert(shim_violation_says("hang", "on completion done: not completed"));
	complete_all(&w.done);
	complete(&w.done);
	wait_for_completion(&w.done);
	wait_for_completion(&w.done);
	ck_assert(completion_done(&w.done));
	ck_assert_violations("hang", 1);
	ks_direct_end();
}
END_TEST

/* wait_var_event() with the condition true returns at once; direct mode records the hang. */
START_TEST(test_wait_var_event_direct)
{
	struct ks_wait cond = { flag_set, flag_explain, NULL };

	ks_direct_begin();
	w.flag = 0;
	wait_var_event(FLAG, &cond);
	ck_assert_violations("hang", 1);
	ck_assert(shim_violation_says("hang", "flag is 0"));
	w.flag = 1;
	wake_up_var(FLAG);
	wait_var_event(FLAG, &cond);
	ck_assert_violations("hang", 1);
	ks_direct_end();
}
END_TEST

/* ---- WARN / BUG ---- */

static int warn_twice(void)
{
	int i, n = 0;

	for (i = 0; i < 3; i++)
		n += WARN_ON_ONCE(i >= 0);
	return n;
}

/* WARN_ON_ONCE records its first warning in each run; WARN_ON every time. */
START_TEST(test_warn_once_per_run)
{
	int round;

	for (round = 0; round < 2; round++) {
		ks_direct_begin();
		ck_assert_int_eq(warn_twice(), 3);
		ck_assert_violations("warn", 1);
		ck_assert(!WARN_ON(0));
		ck_assert(WARN_ON(1));
		ck_assert(WARN_ON(1));
		ck_assert_violations("warn", 3);
		ck_assert(!WARN_ON_ONCE(0));
		ks_direct_end();
	}
}
END_TEST

static void oops(void *arg)
{
	struct page *page = arg;

	ks_sched_point(FLAG, KS_READ);
	VM_BUG_ON_PAGE(page->pfn == 0x1200, page);
	ks_sched_point(FLAG, KS_READ);
}

static void oops_setup(void *arg)
{
	const struct ks_page_init init = { .refcount = 1, .own = KS_OWN_ALLOC };

	ks_thread_spawn("t0", oops, ks_page_setup(0x1200, &init));
}

/* BUG_ON and VM_BUG_ON_PAGE record "bug" (with the page); in a run the thread ends there. */
START_TEST(test_bug)
{
	struct ks_program p = { .name = "oops", .setup = oops_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ck_assert(ks_run_finished(r, 0));
	ck_assert_violations("bug", 1);
	ck_assert_uint_eq(ks_violation_get(0)->obj, KS_OBJ(KS_OBJ_PAGE, 0x1200));
	ks_runner_free(r);

	ks_direct_begin();
	BUG_ON(0);
	BUG_ON(1);
	BUG();
	ck_assert_violations("bug", 2);
	ks_direct_end();
}
END_TEST

/* ---- percpu_ref ---- */

static int released;

static void count_release(struct percpu_ref *ref)
{
	released++;
}

/*
 * Kill makes a ref dying (tryget_live fails); at zero it is dead and released
 * once; misuse is recorded.
 */
START_TEST(test_percpu_ref)
{
	struct percpu_ref ref;

	ks_direct_begin();
	released = 0;
	percpu_ref_init(&ref, count_release, KS_OBJ(KS_OBJ_VAR, 9));
	percpu_ref_get(&ref);
	ck_assert(percpu_ref_tryget_live(&ref));
	percpu_ref_put_many(&ref, 2);
	percpu_ref_put(&ref);
	ck_assert(percpu_ref_is_zero(&ref));
	ck_assert_int_eq(released, 0);	/* live: nothing happens at zero */
	percpu_ref_get(&ref);
	percpu_ref_kill(&ref);
	ck_assert_int_eq(ref.state, PERCPU_REF_DEAD);
	ck_assert_int_eq(released, 1);
	ck_assert(!percpu_ref_tryget_live(&ref));
	percpu_ref_kill(&ref);
	ck_assert_violations("warn", 1);
	percpu_ref_put(&ref);
	ck_assert_violations("refcount", 1);
	ck_assert_int_eq(released, 1);
	ks_direct_end();
}
END_TEST

/* ---- eras and current ---- */

/* Eras are found by name; each run starts in mm-5.2. */
START_TEST(test_eras)
{
	ks_direct_begin();
	ck_assert_int_eq(ks_era_current()->id, KS_ERA_5_2);
	ck_assert_ptr_eq(ks_era_lookup("mm-4.19"), ks_era_get(KS_ERA_4_19));
	ck_assert_ptr_eq(ks_era_lookup("mm-6.15"), ks_era_get(KS_ERA_6_15));
	ck_assert_ptr_null(ks_era_lookup("mm-9.9"));
	ck_assert_ptr_null(ks_era_get(KS_ERA_NR));
	ck_assert_ptr_nonnull(strstr(ks_era_get(KS_ERA_5_2)->summary, "50f44ee7248a"));
	ks_era_select(KS_ERA_5_18);
	ks_era_select(KS_ERA_NR);
	ck_assert_str_eq(ks_era_current()->name, "mm-5.18");
	ks_direct_end();
	ks_direct_begin();
	ck_assert_str_eq(ks_era_current()->name, "mm-5.2");
	ks_direct_end();
}
END_TEST

static int cur_pid;
static const char *cur_comm;

static void who(void *arg)
{
	ks_sched_point(FLAG, KS_READ);
	cur_pid = current->pid;
	cur_comm = current->comm;
}

static void who_setup(void *arg)
{
	ks_thread_spawn("vcpu0", who, NULL);
	ks_thread_spawn("vcpu1", who, NULL);
}

/* `current` is the thread taking the step; direct mode's is "main" with pid -1. */
START_TEST(test_current)
{
	struct ks_program p = { .name = "who", .setup = who_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);

	ks_run_begin(r);
	ks_run_step(r, 1);
	ck_assert_int_eq(cur_pid, 1);
	ck_assert_str_eq(cur_comm, "vcpu1");
	ks_runner_free(r);

	ks_direct_begin();
	ck_assert_int_eq(current->pid, -1);
	ck_assert_str_eq(current->comm, "main");
	ck_assert_ptr_eq(current, ks_current());
	ks_direct_end();
}
END_TEST

static Suite *locking_suite(void)
{
	Suite *s = suite_create("shim-locking");
	TCase *tc = tcase_create("locks");

	tcase_add_test(tc, test_spin_lock_blocks);
	tcase_add_test(tc, test_spin_abba_hang);
	tcase_add_loop_test(tc, test_readers_share_writer_waits, 0, 2);
	tcase_add_test(tc, test_irqs_off_elsewhere);
	suite_add_tcase(s, tc);

	tc = tcase_create("direct");
	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_bad_unlock_and_self_deadlock);
	tcase_add_test(tc, test_sleep_in_atomic);
	suite_add_tcase(s, tc);

	tc = tcase_create("waits");
	tcase_add_test(tc, test_wait_var_event_missed_wakeup);
	tcase_add_test(tc, test_wait_var_event_early_wakeup);
	tcase_add_test(tc, test_wait_var_event_woken);
	tcase_add_test(tc, test_wait_var_event_direct);
	tcase_add_test(tc, test_completion);
	suite_add_tcase(s, tc);

	tc = tcase_create("misc");
	tcase_add_test(tc, test_warn_once_per_run);
	tcase_add_test(tc, test_bug);
	tcase_add_test(tc, test_percpu_ref);
	tcase_add_test(tc, test_eras);
	tcase_add_test(tc, test_current);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(locking_suite());
}
