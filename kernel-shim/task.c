// SPDX-License-Identifier: GPL-2.0
/*
 * `current`: one task_struct per simulated thread, made at its first use in
 * a run.  Direct mode's main thread and a program's setup have tid -1 and
 * share the last slot.
 */
#include <string.h>

#include "internal.h"
#include "linux/mm_types.h"

static struct task_struct *ks_tasks[KS_NR_SLOTS];

int ks_slot(void)
{
	int tid = ks_tid();

	return tid >= 0 && tid < KS_MAX_THREADS ? tid : KS_MAX_THREADS;
}

struct task_struct *ks_current(void)
{
	int slot = ks_slot();
	struct task_struct *t = ks_tasks[slot];

	if (!t) {
		t = ks_alloc(sizeof(*t));
		t->pid = ks_tid();
		t->comm = ks_strdup(ks_thread_name(t->pid));
		ks_tasks[slot] = t;
	}
	return t;
}

static void ks_task_reset(void)
{
	memset(ks_tasks, 0, sizeof(ks_tasks));
}

static void __attribute__((constructor)) ks_task_init(void)
{
	ks_on_run_begin(ks_task_reset);
}
