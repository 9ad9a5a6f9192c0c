// SPDX-License-Identifier: GPL-2.0
/*
 * percpu_ref (lib/percpu-refcount.c) as one counter with its states.  The
 * count starts at 1 (the initial reference); percpu_ref_kill() makes it dying
 * and drops the initial reference; when a dying ref reaches zero it is dead
 * and ->release runs.  Live, the kernel sums per-cpu counters only at kill;
 * the model counts exactly and records an underflow at once.
 */
#include <stdio.h>

#include "internal.h"
#include "linux/bug.h"
#include "linux/percpu-refcount.h"

static size_t ks_state_format(int64_t value, char *buf, size_t len)
{
	static const char *const names[] = {
		[PERCPU_REF_LIVE] = "live",
		[PERCPU_REF_DYING] = "dying",
		[PERCPU_REF_DEAD] = "dead",
	};
	int n = snprintf(buf, len, "%s", value >= 0 && value <= PERCPU_REF_DEAD ?
			 names[value] : "?");

	return n < 0 ? 0 : (size_t)n;
}

void percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release,
		     ks_obj_t obj)
{
	ref->count = 1;
	ref->state = PERCPU_REF_LIVE;
	ref->release = release;
	ref->obj = obj;
	ks_log("percpu_ref_init", obj, KS_V_INT, 0, 1);
}

void percpu_ref_get_many(struct percpu_ref *ref, unsigned long nr)
{
	ks_sched_point(ref->obj, KS_INC);
	ref->count += (long)nr;
	ks_log("percpu_ref_get", ref->obj, KS_V_INT, ref->count - (long)nr, ref->count);
}

void percpu_ref_get(struct percpu_ref *ref)
{
	percpu_ref_get_many(ref, 1);
}

bool percpu_ref_tryget_live(struct percpu_ref *ref)
{
	ks_sched_point(ref->obj, KS_INC);
	if (ref->state != PERCPU_REF_LIVE) {
		ks_log_pred("percpu_ref_tryget_live", ref->obj, KS_V_BOOL, false);
		return false;
	}
	ref->count++;
	ks_log("percpu_ref_tryget_live", ref->obj, KS_V_INT, ref->count - 1, ref->count);
	return true;
}

/* The count dropped by @nr to its current value: a dying ref at zero is dead. */
static void ks_percpu_ref_dropped(struct percpu_ref *ref, const char *func, long nr)
{
	ks_log(func, ref->obj, KS_V_INT, ref->count + nr, ref->count);
	if (ref->count || ref->state != PERCPU_REF_DYING)
		return;
	ref->state = PERCPU_REF_DEAD;
	ks_log(func, ref->obj, KS_V_STATE, PERCPU_REF_DYING, PERCPU_REF_DEAD);
	if (ref->release)
		ref->release(ref);
}

/*
 * A put commutes with gets and other puts (an atomic count: whichever put
 * reaches zero after kill, the release is the same); kill and the readers of
 * the count are what it conflicts with.
 */
void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr)
{
	ks_sched_point(ref->obj, KS_INC);
	if (ref->count < (long)nr) {
		ks_violation("refcount", ref->obj, "percpu_ref_put of %lu with count %ld",
			     nr, ref->count);
		return;
	}
	ref->count -= (long)nr;
	ks_percpu_ref_dropped(ref, "percpu_ref_put", (long)nr);
}

void percpu_ref_put(struct percpu_ref *ref)
{
	percpu_ref_put_many(ref, 1);
}

/* percpu_ref_kill_and_confirm(): dying, then drop the initial reference. */
void percpu_ref_kill(struct percpu_ref *ref)
{
	ks_sched_point(ref->obj, KS_WRITE);
	if (WARN_ON_ONCE(ref->state != PERCPU_REF_LIVE))
		return;		/* "called more than once" */
	ref->state = PERCPU_REF_DYING;
	ks_log("percpu_ref_kill", ref->obj, KS_V_STATE, PERCPU_REF_LIVE, PERCPU_REF_DYING);
	ref->count--;
	ks_percpu_ref_dropped(ref, "percpu_ref_kill", 1);
}

bool percpu_ref_is_zero(const struct percpu_ref *ref)
{
	ks_sched_point(ref->obj, KS_READ);
	return ref->count == 0;
}

static void __attribute__((constructor)) ks_percpu_ref_init(void)
{
	ks_vfmt_register(KS_V_STATE, ks_state_format);
}
