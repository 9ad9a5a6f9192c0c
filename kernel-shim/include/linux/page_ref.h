/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw reference-count changes (include/linux/page_ref.h): no zero check, for
 * the mm code that legitimately takes a page from refcount 0 (v6.15 fsdax
 * pages idle at 0: fs/dax.c folio_ref_inc()).  The reference is recorded in
 * the ledger for the current owner context, as get_page() does.
 */
#ifndef KS_LINUX_PAGE_REF_H
#define KS_LINUX_PAGE_REF_H

#include <stdint.h>

#include "linux/mm_types.h"

void page_ref_inc(struct page *page);

/*
 * page_ref_add() / page_ref_sub() of @nr references owned by the page-table
 * entries @keys[0..nr) (KS_OWN_PTE), by a caller that holds a reference of
 * its own (split_huge_page()'s pin): the count cannot reach zero, so the
 * update is one step that commutes with every other reference taken or
 * dropped (KS_INC).
 */
void ks_page_ref_add_ptes(struct page *page, int nr, const uint64_t *keys);
void ks_page_ref_sub_ptes(struct page *page, int nr, const uint64_t *keys);

#endif /* KS_LINUX_PAGE_REF_H */
