// SPDX-License-Identifier: GPL-2.0
/*
 * The audit at the end of a terminal run: every page's and every pgmap's
 * count equals what its owners account for.  Every thread has finished by
 * then, so a reference still recorded for a thread is a leak; a PTE's
 * reference must belong to a PTE that still maps the page; a reference on a
 * struct page whose memmap was removed outlived it (only the memmap's own
 * init reference goes away with the memmap).
 */
#include "internal.h"

/* kernel-shim/pgtable.c (host mm); without it every PTE record counts as live. */
#pragma weak ks_pte_ref_live

static void ks_audit_page(struct page *page, void *arg)
{
	ks_obj_t obj = KS_OBJ(KS_OBJ_PAGE, page->pfn);
	const struct ks_ref *ref;
	int nrefs = ks_ledger_count(page->refs);
	bool gone = ks_page_gone(page);
	struct ks_buf b = { 0 };

	(void)arg;
	if (nrefs != page->_refcount)
		ks_violation("audit", obj, "page 0x%lx: refcount %d but its owners account for %d",
			     page->pfn, page->_refcount, nrefs);
	for (ref = page->refs; ref; ref = ref->next) {
		b.len = 0;
		ks_ref_describe(ref, &b);
		if (ref->kind == KS_OWN_THREAD)
			ks_violation("audit", obj, "page 0x%lx: reference leaked: %s",
				     page->pfn, b.s);
		else if (gone && ref->kind != KS_OWN_MEMMAP)
			ks_violation("audit", obj, "page 0x%lx: %s outlived the memmap",
				     page->pfn, b.s);
		else if (ref->kind == KS_OWN_PTE && ks_pte_ref_live &&
			 !ks_pte_ref_live(ref->key, page->pfn))
			ks_violation("audit", obj, "page 0x%lx: %s no longer maps it",
				     page->pfn, b.s);
	}
	ks_buf_free(&b);
}

static void ks_audit_pgmap(struct dev_pagemap *pgmap, void *arg)
{
	ks_obj_t obj = KS_OBJ(KS_OBJ_PGMAP, pgmap->id);
	const struct ks_ref *ref, *refs = *ks_pgmap_refs(pgmap);
	int nrefs = ks_ledger_count(refs);
	struct ks_buf b = { 0 };

	(void)arg;
	if (nrefs != pgmap->ref.count)
		ks_violation("audit", obj, "pgmap %s: count %ld but its owners account for %d",
			     pgmap->name, pgmap->ref.count, nrefs);
	for (ref = refs; ref; ref = ref->next) {
		struct page *page;

		b.len = 0;
		ks_ref_describe(ref, &b);
		if (ref->kind == KS_OWN_THREAD) {
			ks_violation("audit", obj, "pgmap %s: reference leaked: %s",
				     pgmap->name, b.s);
			continue;
		}
		if (ref->kind != KS_OWN_PGMAP_PAGE)
			continue;
		/* <= 5.17: a page owns its pgmap reference while its refcount is not 0 */
		page = ks_pfn_page_last(ref->key);
		if (!page->_refcount)
			ks_violation("audit", obj, "pgmap %s: reference of %s, whose refcount is 0",
				     pgmap->name, b.s);
	}
	ks_buf_free(&b);
}

void ks_audit(void)
{
	ks_memmap_for_each(ks_audit_page, NULL);
	ks_pgmap_for_each(ks_audit_pgmap, NULL);
}
