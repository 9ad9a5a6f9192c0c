// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/mmu/tdp_iter.c as of v6.6: a pre-order walk of the TDP paging
 * structure that can restart from the root at the gfn it had reached (after
 * a yield, tdp_mmu_iter_cond_resched()).
 *
 * Model: the structure is the memslots' SPTE store.  Each 2M frame the range
 * touches is one upper-level entry, visited first; it is a table, and its
 * 4K entries are visited next, when it is not a leaf and some 4K SPTE under
 * it is present (the kernel keeps emptied tables; the model's are gone
 * with their last leaf, which only removes positions holding nothing).
 * Reading an entry is no scheduling point: writers of SPTEs declare theirs.
 */
#include "kvm/6.x/kvm_host.h"

static gfn_t frame_of(gfn_t gfn)
{
	return gfn & ~511ULL;
}

/* Whether some 4K SPTE under the 2M frame of @gfn is present: it is a table. */
bool tdp_frame_has_table(struct kvm *kvm, gfn_t gfn)
{
	gfn_t g, base = frame_of(gfn);

	for (g = base; g < base + 512; g++) {
		struct kvm_memory_slot *slot = gfn_to_memslot(kvm, g);

		if (slot && kvm_spte_at(slot, g, PT_PAGE_TABLE_LEVEL)->present)
			return true;
	}
	return false;
}

/* Make the first position at or after (iter->gfn, iter->level) current. */
static void tdp_iter_settle(struct tdp_iter *iter)
{
	for (;;) {
		gfn_t at = iter->level == PT_DIRECTORY_LEVEL ?
			   (frame_of(iter->gfn) > iter->next_last_level_gfn ?
			    frame_of(iter->gfn) : iter->next_last_level_gfn) : iter->gfn;

		if (at >= iter->end) {
			iter->valid = false;
			return;
		}
		iter->slot = gfn_to_memslot(iter->kvm, at);
		if (iter->slot) {
			if (iter->level == PT_DIRECTORY_LEVEL)
				iter->gfn = frame_of(iter->gfn);
			iter->sptep = kvm_spte_at(iter->slot, iter->gfn, iter->level);
			iter->old_spte = *iter->sptep;
			iter->valid = true;
			return;
		}
		/* no memslot here: nothing is mapped at either level */
		if (iter->level == PT_DIRECTORY_LEVEL) {
			iter->level = PT_PAGE_TABLE_LEVEL;
			iter->gfn = at;
		} else if (frame_of(iter->gfn + 1) != frame_of(iter->gfn)) {
			iter->gfn = iter->next_last_level_gfn = iter->gfn + 1;
			iter->level = PT_DIRECTORY_LEVEL;
		} else {
			iter->gfn = iter->next_last_level_gfn = iter->gfn + 1;
		}
	}
}

/* v6.6: tdp_iter_restart(): from the root again, at the gfn the walk had reached. */
void tdp_iter_restart(struct tdp_iter *iter)
{
	iter->yielded = false;
	iter->yielded_gfn = iter->next_last_level_gfn;
	iter->zapped_since_yield = false;
	iter->gfn = iter->next_last_level_gfn;
	iter->level = PT_DIRECTORY_LEVEL;
	tdp_iter_settle(iter);
}

/* v6.6: tdp_iter_start(). */
void tdp_iter_start(struct tdp_iter *iter, struct kvm *kvm, gfn_t start, gfn_t end)
{
	iter->kvm = kvm;
	iter->end = end;
	iter->next_last_level_gfn = start;
	tdp_iter_restart(iter);
}

/*
 * v6.6: tdp_iter_next(): down into a table, else sideways, else up; after
 * a yield, restart.
 */
void tdp_iter_next(struct tdp_iter *iter)
{
	if (iter->yielded) {
		tdp_iter_restart(iter);
		return;
	}
	if (iter->level == PT_DIRECTORY_LEVEL) {
		gfn_t base = frame_of(iter->gfn);

		if (!iter->sptep->present && tdp_frame_has_table(iter->kvm, base)) {
			/* try_step_down() */
			iter->level = PT_PAGE_TABLE_LEVEL;
			iter->gfn = base > iter->next_last_level_gfn ? base : iter->next_last_level_gfn;
		} else {
			/* try_step_side() at 2M */
			iter->gfn = iter->next_last_level_gfn = base + 512;
		}
	} else if (frame_of(iter->gfn + 1) != frame_of(iter->gfn)) {
		/* try_step_up(), then sideways */
		iter->gfn = iter->next_last_level_gfn = iter->gfn + 1;
		iter->level = PT_DIRECTORY_LEVEL;
	} else {
		iter->gfn = iter->next_last_level_gfn = iter->gfn + 1;
	}
	tdp_iter_settle(iter);
}
