/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the page, memmap, ledger and pgmap parts of the
 * kernel shim.  Nothing here is a kernel name; the lifted code uses the
 * linux/ headers.
 */
#ifndef KS_SHIM_INTERNAL_H
#define KS_SHIM_INTERNAL_H

#include <kvmsim/log.h>
#include <kvmsim/run.h>
#include <kvmsim/world.h>

#include "linux/memremap.h"
#include "linux/mm.h"

/* Per-thread arrays are indexed by this: the tid, or the last slot for main/setup. */
#define KS_NR_SLOTS (KS_MAX_THREADS + 1)
int ks_slot(void);

/* ---- memmap.c ---- */

/*
 * Declare @acc on field @f of @page, then check that its struct page still
 * exists.  A removed one records "memmap-uaf" (once per thread and page in a
 * row) and returns false: the caller then behaves as on a free page.
 */
bool ks_page_touch(struct page *page, enum ks_page_field f, enum ks_access acc,
		   const char *func);
/* The same for the fields in @mask (1 << KS_PF_*), in one step. */
bool ks_page_touch_fields(struct page *page, unsigned int mask, enum ks_access acc,
			  const char *func);
/* The struct page of @pfn if its memmap is present (no scheduling point). */
struct page *ks_pfn_page(unsigned long pfn);
/* The newest struct page of @pfn, even a freed one (bookkeeping only), or NULL. */
struct page *ks_pfn_page_last(unsigned long pfn);
/* Whether arch_remove_memory() already freed @page (no scheduling point). */
bool ks_page_gone(const struct page *page);
/* Every struct page of the run, removed ones included (for the audit). */
void ks_memmap_for_each(void (*fn)(struct page *page, void *arg), void *arg);

/* ---- page.c ---- */

/* compound_head() without a scheduling point or a log row. */
struct page *ks_head(struct page *page);

/* ---- ledger.c ---- */

/* PGMAP refs: the percpu_ref's initial reference (dropped by kill). */
#define KS_KEY_PERCPU_INIT (~UINT64_C(0))

/* Add @nr records for the current owner context. */
void ks_ledger_get(struct ks_ref **refs, int nr);
/* Add @nr records for @kind/@key (world building, era bookkeeping). */
void ks_ledger_add(struct ks_ref **refs, enum ks_owner_kind kind, uint64_t key,
		   int nr);
/* Drop the record of exactly @kind/@key, if there is one. */
void ks_ledger_remove(struct ks_ref **refs, enum ks_owner_kind kind, uint64_t key);
/*
 * Drop the record of the current owner context, else the thread's most
 * recent one.  False, and a "refcount" violation naming @func, if the owner
 * holds none: the record of whoever it belongs to stays.
 */
bool ks_ledger_put(struct ks_ref **refs, ks_obj_t obj, const char *func);
int ks_ledger_count(const struct ks_ref *refs);

/* ---- memremap.c ---- */

/* The pgmap's ledger. */
struct ks_ref **ks_pgmap_refs(struct dev_pagemap *pgmap);
/* Every pgmap of the run, in creation order (for the audit). */
void ks_pgmap_for_each(void (*fn)(struct dev_pagemap *pgmap, void *arg), void *arg);
/* The era's ZONE_DEVICE half of put_page(): @page (a head) has just dropped to @count. */
void ks_zone_device_put(struct page *page, int count);

#endif /* KS_SHIM_INTERNAL_H */
