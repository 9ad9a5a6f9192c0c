// SPDX-License-Identifier: GPL-2.0
/*
 * The MMU-notifier chain (4.19 mm/mmu_notifier.c; the range argument of 5.0
 * 5d6527a784f7).  The chain is read under SRCU in the kernel: here each call
 * is a read of the mm's notifier object, registration a write.  Callbacks run
 * in registration order (the contract of linux/mmu_notifier.h; the kernel's
 * hlist_add_head_rcu() runs the newest first, which no scenario with one
 * secondary MMU can tell apart).
 */
#include "linux/mmu_notifier.h"

#include <kvmsim/log.h>

static const char *const ks_event_name[] = {
	[MMU_NOTIFY_UNMAP] = "unmap",
	[MMU_NOTIFY_CLEAR] = "clear",
	[MMU_NOTIFY_PROTECTION_VMA] = "protection",
	[MMU_NOTIFY_SOFT_DIRTY] = "soft-dirty",
	[MMU_NOTIFY_RELEASE] = "release",
};

/* 4.19 mm/mmu_notifier.c: mmu_notifier_register(). */
int mmu_notifier_register(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct mmu_notifier **link = &mm->notifiers;

	ks_sched_point(mm->notifier_obj, KS_WRITE);
	while (*link)
		link = &(*link)->next;
	mn->mm = mm;
	mn->next = NULL;
	*link = mn;
	ks_log_note("mmu_notifier_register", mm->notifier_obj, "mm %d", mm->id);
	return 0;
}

/* 4.19 __mmu_notifier_invalidate_range_start(). */
void mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range)
{
	struct mm_struct *mm = range->mm;
	struct mmu_notifier *mn;

	ks_sched_point(mm->notifier_obj, KS_READ);
	ks_log_note("mmu_notifier_invalidate_range_start", mm->notifier_obj,
		    "[0x%lx, 0x%lx) %s", range->start, range->end,
		    ks_event_name[range->event]);
	for (mn = mm->notifiers; mn; mn = mn->next)
		if (mn->ops->invalidate_range_start)
			mn->ops->invalidate_range_start(mn, range);
}

/* 4.19 __mmu_notifier_invalidate_range_end(). */
void mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range)
{
	struct mm_struct *mm = range->mm;
	struct mmu_notifier *mn;

	ks_sched_point(mm->notifier_obj, KS_READ);
	ks_log_note("mmu_notifier_invalidate_range_end", mm->notifier_obj,
		    "[0x%lx, 0x%lx) %s", range->start, range->end,
		    ks_event_name[range->event]);
	for (mn = mm->notifiers; mn; mn = mn->next)
		if (mn->ops->invalidate_range_end)
			mn->ops->invalidate_range_end(mn, range);
}

/* 4.19 __mmu_notifier_change_pte(): KSM and COW set_pte_at_notify(). */
void mmu_notifier_change_pte(struct mm_struct *mm, unsigned long address, pte_t pte)
{
	struct mmu_notifier *mn;

	ks_sched_point(mm->notifier_obj, KS_READ);
	ks_log(__func__, ks_pte_obj(mm, address, PG_LEVEL_4K), KS_V_PTE, 0,
	       (int64_t)pte.val);
	for (mn = mm->notifiers; mn; mn = mn->next)
		if (mn->ops->change_pte)
			mn->ops->change_pte(mn, mm, address, pte);
}

/* 4.19 __mmu_notifier_clear_flush_young(): the OR of every secondary MMU's answer. */
int mmu_notifier_clear_flush_young(struct mm_struct *mm, unsigned long start,
				   unsigned long end)
{
	struct mmu_notifier *mn;
	int young = 0;

	ks_sched_point(mm->notifier_obj, KS_READ);
	for (mn = mm->notifiers; mn; mn = mn->next)
		if (mn->ops->clear_flush_young)
			young |= mn->ops->clear_flush_young(mn, mm, start, end);
	ks_log_note("mmu_notifier_clear_flush_young", mm->notifier_obj,
		    "[0x%lx, 0x%lx) young %d", start, end, young);
	return young;
}

/*
 * 4.19 __mmu_notifier_release(): exit_mmap() calls every ->release, then
 * unlinks the notifiers.
 */
void mmu_notifier_release(struct mm_struct *mm)
{
	struct mmu_notifier *mn;

	ks_sched_point(mm->notifier_obj, KS_WRITE);
	ks_log_note("mmu_notifier_release", mm->notifier_obj, "mm %d", mm->id);
	for (mn = mm->notifiers; mn; mn = mn->next)
		if (mn->ops->release)
			mn->ops->release(mn, mm);
	mm->notifiers = NULL;
}
