/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A percpu_ref as a plain counter with the percpu_ref states: live, dying
 * (after percpu_ref_kill: tryget_live fails, the initial reference is
 * dropped) and dead (count reached zero after kill: ->release ran).
 */
#ifndef KS_LINUX_PERCPU_REFCOUNT_H
#define KS_LINUX_PERCPU_REFCOUNT_H

#include <stdbool.h>

#include <kvmsim/sched.h>

enum ks_percpu_ref_state {
	PERCPU_REF_LIVE,
	PERCPU_REF_DYING,
	PERCPU_REF_DEAD,
};

struct percpu_ref;
typedef void (percpu_ref_func_t)(struct percpu_ref *ref);

struct percpu_ref {
	long count;
	enum ks_percpu_ref_state state;
	percpu_ref_func_t *release;
	ks_obj_t obj;
};

void percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release,
		     ks_obj_t obj);
void percpu_ref_get(struct percpu_ref *ref);
void percpu_ref_get_many(struct percpu_ref *ref, unsigned long nr);
bool percpu_ref_tryget_live(struct percpu_ref *ref);
void percpu_ref_put(struct percpu_ref *ref);
void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr);
void percpu_ref_kill(struct percpu_ref *ref);
bool percpu_ref_is_zero(const struct percpu_ref *ref);

#endif /* KS_LINUX_PERCPU_REFCOUNT_H */
