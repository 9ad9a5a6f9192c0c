/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wait_var_event() / wake_up_var().  The kernel's macro takes a condition
 * expression; here the condition is a struct ks_wait (a predicate and an
 * explanation), and the variable is named by its object key.
 */
#ifndef KS_LINUX_WAIT_BIT_H
#define KS_LINUX_WAIT_BIT_H

#include <kvmsim/sched.h>

/*
 * As ___wait_var_event(): check the condition (a step); if false, sleep until
 * a wake_up_var(@var) that comes after the check *and* the condition holds.
 * A condition that becomes true without a wake-up leaves the waiter asleep:
 * a missed wake-up is a hang, as in the kernel.
 */
void wait_var_event(ks_obj_t var, const struct ks_wait *w);	/* might_sleep() */
/* A scheduling point (KS_SATISFY) on @var. */
void wake_up_var(ks_obj_t var);

#endif /* KS_LINUX_WAIT_BIT_H */
