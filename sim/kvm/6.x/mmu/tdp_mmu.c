// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/mmu/tdp_mmu.c as of v6.6: installing SPTEs under mmu_lock for
 * read by compare-exchange, zapping leaves under mmu_lock for write with
 * yields, and the bookkeeping every SPTE change goes through
 * (handle_changed_spte(): Accessed/Dirty to the page in 6.6).
 */
#include "kvm/6.x/kvm_host.h"

#include <errno.h>

/* An SPTE of the store changed: the oracles' present list and hooks, and the trace row. */
static void tdp_spte_changed(struct kvm *kvm, const char *func, gfn_t gfn, int level,
			     const struct kvm_spte *old, const struct kvm_spte *new)
{
	if (!old->present && new->present)
		kvm_present_add(kvm, gfn, level);
	if (old->present && !new->present) {
		kvm_present_del(kvm, gfn, level);
		kvm_oracle_spte_zapped(kvm, old->pfn, KVM_PAGES_PER_HPAGE(level));
	}
	kvm_oracle_spte_changed();
	ks_log(func, kvm_spte_obj(gfn, level), KS_V_SPTE, kvm_spte_val(old, level),
	       kvm_spte_val(new, level));
}

/*
 * v6.6: handle_changed_spte(): a leaf's Accessed and Dirty reach its page
 * when they go away (the SPTE is zapped, loses them, or maps another pfn).
 * Page tables are implicit in the model (handle_removed_pt() is the child
 * zap in tdp_mmu_map_handle_target_level()).
 */
void v6_6_handle_changed_spte(struct kvm *kvm, gfn_t gfn, struct kvm_spte old_spte,
			      struct kvm_spte new_spte, int level, bool shared)
{
	bool pfn_changed = old_spte.pfn != new_spte.pfn;

	(void)kvm;
	(void)gfn;
	(void)level;
	(void)shared;
	if (!old_spte.present)
		return;
	if (old_spte.accessed && (!new_spte.present || !new_spte.accessed || pfn_changed))
		kvm_set_pfn_accessed(old_spte.pfn);
	if (old_spte.dirty && (!new_spte.present || !new_spte.dirty || pfn_changed))
		kvm_set_pfn_dirty(old_spte.pfn);
}

/*
 * v6.6: tdp_mmu_set_spte_atomic(): replace the SPTE the iterator read with
 * @new_spte, unless it changed since (another fault under mmu_lock for read,
 * or the CPU setting Accessed/Dirty): then -EBUSY, with what it is now in
 * iter->old_spte.  A 4K entry also needs its table still there, i.e. no
 * 2M leaf over it (the kernel's walk would have found the table frozen).
 */
static int tdp_mmu_set_spte_atomic(struct kvm *kvm, struct tdp_iter *iter,
				   struct kvm_spte new_spte)
{
	struct kvm_spte *s2m = kvm_spte_at(iter->slot, iter->gfn, PT_DIRECTORY_LEVEL);
	ks_obj_t objs[2] = { kvm_spte_obj(iter->gfn, iter->level),
			     kvm_spte_obj(iter->gfn & ~511ULL, PT_DIRECTORY_LEVEL) };
	struct kvm_spte old;

	ks_sched_point_many(objs, iter->level == PT_PAGE_TABLE_LEVEL ? 2 : 1, KS_WRITE);
	if (!kvm6_spte_same(iter->sptep, &iter->old_spte) ||
	    (iter->level == PT_PAGE_TABLE_LEVEL && s2m->present)) {
		iter->old_spte = *iter->sptep;
		ks_log_note("tdp_mmu_set_spte_atomic", objs[0], "cmpxchg failed: -EBUSY");
		return -EBUSY;
	}
	old = *iter->sptep;
	*iter->sptep = new_spte;
	tdp_spte_changed(kvm, "tdp_mmu_set_spte_atomic", iter->gfn, iter->level, &old, &new_spte);
	handle_changed_spte(kvm, iter->gfn, old, new_spte, iter->level, true);
	iter->old_spte = new_spte;
	return 0;
}

/*
 * v6.6: tdp_mmu_iter_set_spte() -> tdp_mmu_set_spte(), under mmu_lock for
 * write.  The CPU may still set Accessed/Dirty, so the write is an exchange
 * (kvm_tdp_mmu_write_spte()) and the old value is the one it returns.
 */
void tdp_mmu_iter_set_spte(struct kvm *kvm, struct tdp_iter *iter, struct kvm_spte new_spte)
{
	struct kvm_spte old;

	WARN_ON_ONCE(iter->yielded);
	ks_sched_point(kvm_spte_obj(iter->gfn, iter->level), KS_WRITE);
	old = *iter->sptep;
	*iter->sptep = new_spte;
	tdp_spte_changed(kvm, "tdp_mmu_set_spte", iter->gfn, iter->level, &old, &new_spte);
	handle_changed_spte(kvm, iter->gfn, old, new_spte, iter->level, false);
	iter->old_spte = new_spte;
}

/*
 * v6.6: tdp_mmu_iter_cond_resched().  Yield mmu_lock if the scheduler wants
 * the CPU or another thread the lock, having made progress since the last
 * yield -- and flush first if a zap is pending, because once the lock is
 * dropped nothing keeps a vCPU from using a zapped SPTE's TLB entry while
 * the mm frees the page.  The model's need_resched() is true whenever a
 * leaf was zapped since the last yield: the search sees a yield at every
 * place one could matter.
 */
bool v6_6_tdp_mmu_iter_cond_resched(struct kvm *kvm, struct tdp_iter *iter, bool flush,
				    bool shared)
{
	WARN_ON_ONCE(iter->yielded);

	/* Ensure forward progress has been made before yielding. */
	if (iter->next_last_level_gfn == iter->yielded_gfn)
		return false;

	if (iter->zapped_since_yield) {
		if (flush)
			kvm_flush_remote_tlbs(kvm);

		if (shared) {
			kvm_mmu_read_unlock(kvm);	/* cond_resched_rwlock_read() */
			kvm_mmu_read_lock(kvm);
		} else {
			KVM_MMU_UNLOCK(kvm);		/* cond_resched_rwlock_write() */
			KVM_MMU_LOCK(kvm);
		}
		ks_log_note("tdp_mmu_iter_cond_resched", 0, "yielded mmu_lock at gfn 0x%llx%s",
			    (unsigned long long)iter->next_last_level_gfn,
			    flush ? ", TLBs flushed first" : "");
		iter->yielded = true;
	}

	return iter->yielded;
}

/*
 * v6.6: tdp_mmu_zap_leafs(): zap every leaf SPTE in [start, end), yielding
 * if @can_yield; a yield flushed what was pending, so @flush starts over.
 * Returns whether the caller must flush.
 */
bool v6_6_tdp_mmu_zap_leafs(struct kvm *kvm, gfn_t start, gfn_t end, bool can_yield, bool flush)
{
	struct tdp_iter iter;

	for_each_tdp_pte(iter, kvm, start, end) {
		if (can_yield && tdp_mmu_iter_cond_resched(kvm, &iter, flush, false)) {
			flush = false;
			continue;
		}

		if (!iter.old_spte.present)
			continue;

		tdp_mmu_iter_set_spte(kvm, &iter, (struct kvm_spte){ 0 });
		iter.zapped_since_yield = true;
		flush = true;
	}

	return flush;
}

/*
 * v6.6: tdp_mmu_zap_spte_atomic(): under mmu_lock for read, a leaf in the way
 * of the fault is zapped (frozen, flushed, cleared).  The 6.6 fault splits
 * a huge leaf into a table of the same mappings instead
 * (tdp_mmu_split_huge_page()); the model zaps it, which the split's 4K
 * SPTEs would reach one fault at a time.
 */
static int tdp_mmu_zap_spte_atomic(struct kvm *kvm, struct tdp_iter *iter)
{
	int ret = tdp_mmu_set_spte_atomic(kvm, iter, (struct kvm_spte){ 0 });

	if (ret)
		return ret;
	kvm_flush_remote_tlbs(kvm);	/* kvm_flush_remote_tlbs_gfn() */
	return 0;
}

/*
 * v6.6: tdp_mmu_map_handle_target_level(): make the SPTE and cmpxchg it in;
 * losing the race is a retry.  A 2M leaf over a table of 4K SPTEs removes
 * the table: each child is zapped (handle_removed_pt()) and the TLBs flushed.
 */
static int tdp_mmu_map_handle_target_level(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault,
					   struct tdp_iter *iter)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_spte new_spte;
	int ret = RET_PF_FIXED;
	bool table;
	gfn_t g;

	if (!fault->slot) {
		set_mmio_spte(kvm, fault->gfn);	/* make_mmio_spte() */
		return RET_PF_EMULATE;
	}

	table = iter->level == PT_DIRECTORY_LEVEL && tdp_frame_has_table(kvm, iter->gfn);

	new_spte = make_spte(vcpu, iter->level, fault->pfn, iter->old_spte, fault->prefetch,
			     fault->map_writable);

	if (kvm6_spte_same(&new_spte, &iter->old_spte) && !table)
		return RET_PF_SPURIOUS;
	if (tdp_mmu_set_spte_atomic(kvm, iter, new_spte))
		return RET_PF_RETRY;
	if (table) {
		/* handle_removed_pt(): the children go, frozen one by one */
		for (g = iter->gfn; g < iter->gfn + 512; g++) {
			struct kvm_spte *sptep, old;

			if (g < iter->slot->base_gfn || g >= iter->slot->base_gfn + iter->slot->npages)
				continue;
			sptep = kvm_spte_at(iter->slot, g, PT_PAGE_TABLE_LEVEL);
			ks_sched_point(kvm_spte_obj(g, PT_PAGE_TABLE_LEVEL), KS_WRITE);
			if (!sptep->present)
				continue;
			old = *sptep;
			sptep->present = false;
			tdp_spte_changed(kvm, "handle_removed_pt", g, PT_PAGE_TABLE_LEVEL, &old,
					 sptep);
			handle_changed_spte(kvm, g, old, *sptep, PT_PAGE_TABLE_LEVEL, true);
		}
		kvm_flush_remote_tlbs(kvm);	/* kvm_flush_remote_tlbs_gfn() */
	}
	return ret;
}

/*
 * v6.6: kvm_tdp_mmu_map(): decide the level (kvm_mmu_hugepage_adjust()),
 * walk down to it, and map.  Entries are read with a scheduling point:
 * other faults write them concurrently under the read lock.
 */
int kvm_tdp_mmu_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_memory_slot *slot = fault->slot;
	struct tdp_iter iter = { .kvm = kvm, .slot = slot, .valid = true };
	int level;

	KS_FUNC();
	kvm_mmu_hugepage_adjust(vcpu, fault);

	if (!slot)
		return tdp_mmu_map_handle_target_level(vcpu, fault, &iter);

	for (level = PT_DIRECTORY_LEVEL; level >= PT_PAGE_TABLE_LEVEL; level--) {
		iter.level = level;
		iter.gfn = level == PT_DIRECTORY_LEVEL ? fault->gfn & ~511ULL : fault->gfn;
		iter.sptep = kvm_spte_at(slot, iter.gfn, level);
		ks_sched_point(kvm_spte_obj(iter.gfn, level), KS_READ);
		iter.old_spte = *iter.sptep;

		if (level == fault->goal_level)
			return tdp_mmu_map_handle_target_level(vcpu, fault, &iter);

		/* A huge leaf in the way of a 4K mapping. */
		if (iter.old_spte.present && tdp_mmu_zap_spte_atomic(kvm, &iter))
			return RET_PF_RETRY;
	}
	return RET_PF_RETRY;
}

/* v6.6: kvm_tdp_mmu_age_gfn_range() -> age_gfn_range(): clear Accessed, report young. */
bool kvm_tdp_mmu_age_gfn_range(struct kvm *kvm, gfn_t start, gfn_t end)
{
	struct tdp_iter iter;
	bool young = false;

	KS_FUNC();
	for_each_tdp_pte(iter, kvm, start, end) {
		if (!iter.old_spte.present)
			continue;
		ks_sched_point(kvm_spte_obj(iter.gfn, iter.level), KS_WRITE);
		if (!iter.sptep->present || !iter.sptep->accessed)
			continue;
		/* tdp_mmu_clear_spte_bits(): an atomic AND, Accessed only */
		iter.sptep->accessed = false;
		ks_log("age_gfn_range", kvm_spte_obj(iter.gfn, iter.level), KS_V_BOOL, 1, 0);
		young = true;
	}
	return young;
}

/*
 * v6.6: kvm_tdp_mmu_set_spte_gfn() -> set_spte_gfn(): a 4K leaf at @gfn is
 * zapped and, if the new host PTE is read-only, repointed at its pfn
 * read-only.  Returns whether to flush.
 */
bool kvm_tdp_mmu_set_spte_gfn(struct kvm *kvm, gfn_t gfn, pte_t pte)
{
	struct tdp_iter iter;
	bool flush = false;

	KS_FUNC();
	for_each_tdp_pte(iter, kvm, gfn, gfn + 1) {
		if (iter.level != PT_PAGE_TABLE_LEVEL || !iter.old_spte.present)
			continue;
		tdp_mmu_iter_set_spte(kvm, &iter, (struct kvm_spte){ 0 });
		if (!pte_write(pte)) {
			struct kvm_spte new_spte = {
				.present = true, .pfn = pte_pfn(pte), .accessed = true,
			};

			tdp_mmu_iter_set_spte(kvm, &iter, new_spte);
		}
		flush = true;
	}
	return flush;
}
