/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host-mm suites share: a world (the VMM's mm, RAM, devices), a
 * notifier that records its calls, the ledger check, and stepping helpers
 * for two-thread runs.
 */
#ifndef KVMSIM_TESTS_MM_TEST_H
#define KVMSIM_TESTS_MM_TEST_H

#include <stdio.h>
#include <string.h>

#include <kvmsim/run.h>
#include <kvmsim/world.h>

#include "../ks-check.h"
#include "linux/dax.h"
#include "linux/huge_mm.h"
#include "linux/mm.h"
#include "linux/mmu_notifier.h"

#define HVA	0x7f0000000000UL	/* 1G-aligned */
#define RAM_PFN	0x10000UL
#define RAM_NR	4096UL
#define DAX_PFN	0x40000UL
#define DAX_NR	2048UL
#define PMEM_PFN 0x80000UL
#define PMEM_NR	64UL

static struct mm_struct *mm __attribute__((unused));

/* A world with the VMM's mm and RAM in era @era (call inside a run or direct mode). */
static inline void mm_world(enum ks_era_id era)
{
	ks_era_select(era);
	mm = ks_mm_create();
	ks_ram_add(RAM_PFN, RAM_NR);
}

static inline void mm_direct(enum ks_era_id era)
{
	ks_direct_begin();
	mm_world(era);
}

/* A program's finish: the audit of the ledger. */
static inline void mm_audit(void *arg)
{
	ks_audit();
}

/* Every head page of [pfn, pfn + nr): its ledger has as many records as references. */
static inline void ck_ledger(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		struct page *page = pfn_to_page(pfn + i);

		if (page->head)
			continue;
		ck_assert_msg(ks_page_nrefs(page) == page->_refcount,
			      "page 0x%lx: %d records for refcount %d", pfn + i,
			      ks_page_nrefs(page), page->_refcount);
	}
}

/* The entry mapping @addr now, and its level. */
static inline pte_t mm_leaf(unsigned long addr, enum pg_level *level)
{
	return ks_pte_get(mm, addr, level);
}

/* ---- a notifier that records its calls ----------------------------------------- */

#define REC_MAX 32

struct rec_notifier {
	struct mmu_notifier mn;
	char name;
};

static char rec_calls[REC_MAX][64] __attribute__((unused));
static int rec_n __attribute__((unused));

static inline void rec_add(const struct mmu_notifier *mn, const char *what,
			   unsigned long start, unsigned long end)
{
	const struct rec_notifier *rn = (const struct rec_notifier *)mn;

	if (rec_n < REC_MAX)
		snprintf(rec_calls[rec_n++], sizeof(rec_calls[0]), "%c %s 0x%lx-0x%lx",
			 rn->name, what, start, end);
}

static inline int rec_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	rec_add(mn, "start", r->start, r->end);
	return 0;
}

static inline void rec_end(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	rec_add(mn, "end", r->start, r->end);
}

static inline void rec_change_pte(struct mmu_notifier *mn, struct mm_struct *m,
				  unsigned long address, pte_t pte)
{
	rec_add(mn, "change_pte", address, pte_pfn(pte));
}

static inline int rec_young(struct mmu_notifier *mn, struct mm_struct *m,
			    unsigned long start, unsigned long end)
{
	rec_add(mn, "young", start, end);
	return 1;
}

static inline void rec_release(struct mmu_notifier *mn, struct mm_struct *m)
{
	rec_add(mn, "release", 0, 0);
}

static const struct mmu_notifier_ops rec_ops = {
	.release = rec_release,
	.clear_flush_young = rec_young,
	.change_pte = rec_change_pte,
	.invalidate_range_start = rec_start,
	.invalidate_range_end = rec_end,
};

static inline void rec_register(char name)
{
	struct rec_notifier *rn = ks_alloc(sizeof(*rn));

	rn->mn.ops = &rec_ops;
	rn->name = name;
	mmu_notifier_register(&rn->mn, mm);
	if (name == 'A')
		rec_n = 0;
}

/* Whether the log has a row of @func whose object prints as @obj (NULL: any). */
static inline bool log_has(const char *func, const char *obj)
{
	size_t i;
	char o[96];

	for (i = 0; i < ks_log_count(); i++) {
		const struct ks_row *row = ks_log_row(i);

		if (strcmp(row->func, func))
			continue;
		ks_obj_format(row->obj, o, sizeof(o));
		if (!obj || !strcmp(o, obj))
			return true;
	}
	return false;
}

/* ---- stepping two threads by hand ----------------------------------------------- */

/* Step @tid until its next event is @acc on @obj (or it cannot go on). */
static inline void step_until(struct ks_runner *r, int tid, ks_obj_t obj,
			      enum ks_access acc)
{
	while (ks_run_enabled(r, tid)) {
		struct ks_event ev = ks_run_next(r, tid);

		if (ev.obj == obj && ev.acc == acc)
			return;
		ks_run_step(r, tid);
	}
}

/* Step @tid until its next event is the @n-th (from 1) of @acc on @obj. */
static inline void step_until_nth(struct ks_runner *r, int tid, ks_obj_t obj,
				  enum ks_access acc, int n)
{
	while (ks_run_enabled(r, tid)) {
		struct ks_event ev = ks_run_next(r, tid);

		if (ev.obj == obj && ev.acc == acc && --n == 0)
			return;
		ks_run_step(r, tid);
	}
}

/* Step @tid while it is enabled. */
static inline void step_all(struct ks_runner *r, int tid)
{
	while (ks_run_enabled(r, tid))
		ks_run_step(r, tid);
}

#endif /* KVMSIM_TESTS_MM_TEST_H */
