/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMU-notifier chain of an mm.  The range-based signatures of 5.x are
 * used for every variant; the 4.19 (mm, start, end, blockable) arguments are
 * the range's fields.  Callbacks run in registration order.
 */
#ifndef KS_LINUX_MMU_NOTIFIER_H
#define KS_LINUX_MMU_NOTIFIER_H

#include <stdbool.h>

#include "linux/mm_types.h"
#include "linux/pgtable.h"

enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP,
	MMU_NOTIFY_CLEAR,
	MMU_NOTIFY_PROTECTION_VMA,
	MMU_NOTIFY_SOFT_DIRTY,
	MMU_NOTIFY_RELEASE,
};

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start, end;
	enum mmu_notifier_event event;
	bool blockable;
};

struct mmu_notifier;

struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *mn, struct mm_struct *mm);
	int (*clear_flush_young)(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end);
	void (*change_pte)(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long address, pte_t pte);
	int (*invalidate_range_start)(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range);
	void (*invalidate_range_end)(struct mmu_notifier *mn,
				     const struct mmu_notifier_range *range);
};

struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
	struct mmu_notifier *next;
};

int mmu_notifier_register(struct mmu_notifier *mn, struct mm_struct *mm);

/* The mm side's calls: each logs and runs the chain in order. */
void mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range);
void mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range);
void mmu_notifier_change_pte(struct mm_struct *mm, unsigned long address, pte_t pte);
int mmu_notifier_clear_flush_young(struct mm_struct *mm, unsigned long start,
				   unsigned long end);
void mmu_notifier_release(struct mm_struct *mm);

#endif /* KS_LINUX_MMU_NOTIFIER_H */
