/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the kernel-shim suites. */
#ifndef KVMSIM_TESTS_SHIM_CHECK_H
#define KVMSIM_TESTS_SHIM_CHECK_H

#include <stdio.h>
#include <string.h>

#include <kvmsim/run.h>
#include <kvmsim/world.h>

#include "../ks-check.h"

static inline void shim_direct_setup(void)
{
	ks_direct_begin();
}

static inline void shim_direct_teardown(void)
{
	ks_direct_end();
}

/* The ledger accounts for exactly the page's refcount. */
#define ck_assert_ledger(page)						\
	ck_assert_msg(ks_page_nrefs(page) == (page)->_refcount,		\
		      "page 0x%lx: refcount %d, ledger %d", (page)->pfn,	\
		      (page)->_refcount, ks_page_nrefs(page))

/* The message of some violation of @oracle contains @text. */
static inline bool shim_violation_says(const char *oracle, const char *text)
{
	size_t i;

	for (i = 0; i < ks_violation_count(); i++) {
		const struct ks_violation *v = ks_violation_get(i);

		if (!strcmp(v->oracle, oracle) && strstr(v->msg, text))
			return true;
	}
	return false;
}

/* The index of the first log row of @func from @from on, or -1. */
static inline long shim_log_find(const char *func, size_t from)
{
	size_t i;

	for (i = from; i < ks_log_count(); i++)
		if (!strcmp(ks_log_row(i)->func, func))
			return (long)i;
	return -1;
}

#endif /* KVMSIM_TESTS_SHIM_CHECK_H */
