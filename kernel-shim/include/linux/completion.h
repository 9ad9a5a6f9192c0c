/* SPDX-License-Identifier: GPL-2.0 */
/* struct completion: complete() satisfies, wait_for_completion() waits. */
#ifndef KS_LINUX_COMPLETION_H
#define KS_LINUX_COMPLETION_H

#include <stdbool.h>

#include <kvmsim/sched.h>

struct completion {
	unsigned int done;
	ks_obj_t obj;
	/* Appends why the completion is not done yet (hang reports). */
	void (*explain)(const void *arg, struct ks_buf *out);
	const void *explain_arg;
};

void init_completion(struct completion *x, const char *name);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);	/* might_sleep() */
bool completion_done(const struct completion *x);

#endif /* KS_LINUX_COMPLETION_H */
