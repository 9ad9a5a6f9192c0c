/* SPDX-License-Identifier: GPL-2.0 */
/* THP split. */
#ifndef KS_LINUX_HUGE_MM_H
#define KS_LINUX_HUGE_MM_H

#include "linux/mm_types.h"

/*
 * split_huge_pmd(): replace the PMD leaf mapping @address by a table of 4K
 * PTEs (notifiers fire: invalidate_range_start/end over the 2M range).
 */
void split_huge_pmd(struct vm_area_struct *vma, unsigned long address);
/*
 * split_huge_page(): split the compound page into order-0 pages.  Fails with
 * -EBUSY while anyone holds an extra reference (a gup reference), as the
 * kernel's can_split_huge_page() does.
 */
int split_huge_page(struct page *page);
/* The scenario operation "THP split at hva": split_huge_pmd, then split_huge_page. */
int ks_thp_split(struct mm_struct *mm, unsigned long address);

#endif /* KS_LINUX_HUGE_MM_H */
