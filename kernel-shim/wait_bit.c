// SPDX-License-Identifier: GPL-2.0
/*
 * wait_var_event() / wake_up_var() (kernel/sched/wait_bit.c).  A waiter that
 * finds its condition false sleeps until a wake-up of the variable that comes
 * after its check; woken, it checks again (a step of its own) and sleeps
 * again if the condition is still false.  A condition that turns true with
 * no wake-up after the last check leaves the waiter asleep: a missed wake-up
 * is a hang, as in the kernel.
 */
#include "internal.h"
#include "linux/spinlock.h"
#include "linux/wait_bit.h"

/* Wake-ups of each variable so far in this run. */
struct ks_var {
	ks_obj_t var;
	unsigned long wakes;
	struct ks_var *next;
};

static struct ks_var *ks_vars;

static struct ks_var *ks_var_get(ks_obj_t var)
{
	struct ks_var *v;

	for (v = ks_vars; v; v = v->next)
		if (v->var == var)
			return v;
	v = ks_alloc(sizeof(*v));
	v->var = var;
	v->next = ks_vars;
	ks_vars = v;
	return v;
}

struct ks_var_wait {
	struct ks_var *v;
	unsigned long seen;
	const struct ks_wait *cond;
};

static bool ks_var_woken(const void *arg)
{
	const struct ks_var_wait *vw = arg;

	return vw->v->wakes != vw->seen;
}

static void ks_var_explain(const void *arg, struct ks_buf *out)
{
	const struct ks_var_wait *vw = arg;

	if (vw->cond->ready(vw->cond->arg)) {
		ks_buf_printf(out, "condition holds but no wake_up_var() came after the last check");
		return;
	}
	if (vw->cond->explain)
		vw->cond->explain(vw->cond->arg, out);
	else
		ks_buf_printf(out, "condition not satisfied");
}

void wait_var_event(ks_obj_t var, const struct ks_wait *w)
{
	struct ks_var_wait vw = { .cond = w };
	struct ks_wait sleep = { ks_var_woken, ks_var_explain, &vw };

	might_sleep();
	ks_sched_point(var, KS_READ);
	for (;;) {
		bool done = w->ready(w->arg);

		vw.v = ks_var_get(var);
		vw.seen = vw.v->wakes;
		ks_log_pred("wait_var_event", var, KS_V_BOOL, done);
		if (done)
			return;
		/* Woken, the waiter checks again in the same step. */
		ks_sched_wait(var, KS_WAIT, &sleep);
		if (!ks_in_engine())
			return;		/* direct mode: the hang is recorded */
	}
}

void wake_up_var(ks_obj_t var)
{
	struct ks_var *v;

	ks_sched_point(var, KS_SATISFY);
	v = ks_var_get(var);
	v->wakes++;
	ks_log("wake_up_var", var, KS_V_INT, (int64_t)v->wakes - 1, (int64_t)v->wakes);
}

static void ks_var_reset(void)
{
	ks_vars = NULL;
}

static void __attribute__((constructor)) ks_wait_bit_init(void)
{
	ks_on_run_begin(ks_var_reset);
}
