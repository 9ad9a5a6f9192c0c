/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw reference-count changes (include/linux/page_ref.h): no zero check, for
 * the mm code that legitimately takes a page from refcount 0 (v6.15 fsdax
 * pages idle at 0: fs/dax.c folio_ref_inc()).  The reference is recorded in
 * the ledger for the current owner context, as get_page() does.
 */
#ifndef KS_LINUX_PAGE_REF_H
#define KS_LINUX_PAGE_REF_H

#include "linux/mm_types.h"

void page_ref_inc(struct page *page);

#endif /* KS_LINUX_PAGE_REF_H */
