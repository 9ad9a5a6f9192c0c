// SPDX-License-Identifier: GPL-2.0
/*
 * struct completion (kernel/sched/completion.c): complete() adds one "done",
 * complete_all() makes it permanent, wait_for_completion() waits for a done
 * and consumes it.
 */
#include <limits.h>

#include "internal.h"
#include "linux/completion.h"
#include "linux/spinlock.h"

void init_completion(struct completion *x, const char *name)
{
	x->done = 0;
	x->obj = ks_obj_named_value(KS_OBJ_COMPLETION, name, &x->done, sizeof(x->done));
	x->explain = NULL;
	x->explain_arg = NULL;
}

void complete(struct completion *x)
{
	ks_sched_point(x->obj, KS_SATISFY);
	if (x->done == UINT_MAX)
		return;
	x->done++;
	ks_log("complete", x->obj, KS_V_INT, x->done - 1, x->done);
}

void complete_all(struct completion *x)
{
	ks_sched_point(x->obj, KS_SATISFY);
	ks_log("complete_all", x->obj, KS_V_INT, x->done, -1);
	x->done = UINT_MAX;
}

static bool ks_completion_ready(const void *arg)
{
	const struct completion *x = arg;

	return x->done > 0;
}

static void ks_completion_explain(const void *arg, struct ks_buf *out)
{
	const struct completion *x = arg;

	if (x->explain)
		x->explain(x->explain_arg, out);
	else
		ks_buf_printf(out, "not completed");
}

void wait_for_completion(struct completion *x)
{
	struct ks_wait w = { ks_completion_ready, ks_completion_explain, x };

	might_sleep();
	/* It consumes a done: two waiters do not commute (an acquire, not a read). */
	ks_sched_wait(x->obj, KS_ACQUIRE, &w);
	if (!x->done || x->done == UINT_MAX)
		return;		/* direct mode's recorded hang, or complete_all() */
	x->done--;
	ks_log("wait_for_completion", x->obj, KS_V_INT, x->done + 1, x->done);
}

bool completion_done(const struct completion *x)
{
	ks_sched_point(x->obj, KS_READ);
	return x->done > 0;
}
