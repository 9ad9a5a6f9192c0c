// SPDX-License-Identifier: GPL-2.0
/*
 * WARN_ON_ONCE's "once": per run, so that every run of a search reports its
 * first warning (the kernel's is per boot; a run is a boot here).
 */
#include <string.h>

#include "internal.h"
#include "linux/bug.h"

struct ks_warned {
	const char *file;
	int line;
	struct ks_warned *next;
};

static struct ks_warned *ks_warned;

bool ks_warn_once_first(const char *file, int line)
{
	struct ks_warned *w;

	for (w = ks_warned; w; w = w->next)
		if (w->line == line && !strcmp(w->file, file))
			return false;
	w = ks_alloc(sizeof(*w));
	w->file = file;
	w->line = line;
	w->next = ks_warned;
	ks_warned = w;
	return true;
}

static void ks_warn_reset(void)
{
	ks_warned = NULL;
}

static void __attribute__((constructor)) ks_bug_init(void)
{
	ks_on_run_begin(ks_warn_reset);
}
