// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/mmu/mmu.c of the 6.x generation, as of v6.6: the TDP page
 * fault (kvm_faultin_pfn(), then mmu_lock for read, is_page_fault_stale(),
 * kvm_tdp_mmu_map()), the huge-page decision from the host page tables, and
 * the zap and flush entry points the notifiers call.
 *
 * The model's TDP MMU is always enabled and has one root (no obsolete roots,
 * no fast_page_fault(), no page tracking, no NX huge pages, no async #PF).
 */
#include "kvm/6.x/kvm_host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linux/pgtable.h"

/* ---- the huge-page decision ------------------------------------------------------ */

/*
 * v6.6 mmu.c: host_pfn_mapping_level() (5d49f08c2e08, a8ac499bb6ab: no
 * refcounted struct page needed).  Walk the host page tables locklessly with
 * IRQs off; the answer may be stale at once, which is fine while mmu_lock is
 * held and the retry check passed.  Only a present leaf counts.
 */
static int host_pfn_mapping_level(struct kvm *kvm, gfn_t gfn, const struct kvm_memory_slot *slot)
{
	unsigned long hva = slot->userspace_addr + (gfn - slot->base_gfn) * PAGE_SIZE;
	enum pg_level level;
	pte_t pte;
	int r = PT_PAGE_TABLE_LEVEL;

	KS_FUNC();
	local_irq_disable();
	if (lookup_address_in_mm(kvm->mm, hva, &pte, &level) && pte_present(pte) &&
	    level != PG_LEVEL_4K)
		r = PT_DIRECTORY_LEVEL;
	local_irq_enable();
	ks_log_pred("host_pfn_mapping_level", 0, KS_V_INT, r);
	return r;
}

/* v6.6 mmu.c: kvm_mmu_max_mapping_level(): lpage_info, then the host's level. */
int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot, gfn_t gfn,
			      int max_level)
{
	int host_level;

	if (max_level > PT_DIRECTORY_LEVEL)
		max_level = PT_DIRECTORY_LEVEL;	/* the model has no 1G SPTEs */
	for (; max_level > PT_PAGE_TABLE_LEVEL; max_level--)
		if (!slot->disallow_lpage[(gfn >> 9) - (slot->base_gfn >> 9)])
			break;

	if (max_level == PT_PAGE_TABLE_LEVEL)
		return PT_PAGE_TABLE_LEVEL;

	host_level = host_pfn_mapping_level(kvm, gfn, slot);
	return host_level < max_level ? host_level : max_level;
}

/*
 * v6.6 mmu.c: kvm_mmu_hugepage_adjust(): the level is the host's, the pfn
 * rounded down to it in the fault (fault->pfn &= ~mask).
 */
void v6_6_kvm_mmu_hugepage_adjust(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm_memory_slot *slot = fault->slot;
	kvm_pfn_t mask;

	if (fault->max_level == PT_PAGE_TABLE_LEVEL)
		return;

	if (is_error_noslot_pfn(fault->pfn))
		return;

	if (slot->flags & KVM_MEM_LOG_DIRTY_PAGES)	/* kvm_slot_dirty_track_enabled() */
		return;

	/*
	 * Enforce the iTLB multihit workaround after capturing the requested
	 * level, which will be used to do precise, accurate accounting.
	 */
	fault->req_level = kvm_mmu_max_mapping_level(vcpu->kvm, slot, fault->gfn,
						     fault->max_level);
	if (fault->req_level == PT_PAGE_TABLE_LEVEL)
		return;

	/*
	 * mmu_invalidate_retry() was successful and mmu_lock is held, so
	 * the pmd can't be split from under us.
	 */
	fault->goal_level = fault->req_level;
	mask = KVM_PAGES_PER_HPAGE(fault->goal_level) - 1;
	BUG_ON((fault->gfn & mask) != (fault->pfn & mask));	/* VM_BUG_ON() */
	fault->pfn &= ~mask;
}

/* ---- the fault ---------------------------------------------------------------------- */

/* v6.6 mmu.c: kvm_handle_error_pfn(). */
int kvm_handle_error_pfn(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	if (fault->pfn == KVM_PFN_ERR_RO_FAULT)
		return RET_PF_EMULATE;

	if (fault->pfn == KVM_PFN_ERR_HWPOISON) {
		ks_log_note("kvm_send_hwpoison_signal", 0, "SIGBUS to %s", vcpu->name);
		return RET_PF_RETRY;
	}

	return -EFAULT;
}

/*
 * v6.6 mmu.c: kvm_faultin_pfn() with __kvm_faultin_pfn(): the sequence is
 * read before gup; a no-slot gfn goes on to get an MMIO SPTE
 * (kvm_handle_noslot_fault() with MMIO caching on).
 */
int v6_6_kvm_faultin_pfn(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;

	ks_sched_point(kvm->seq_obj, KS_READ);
	fault->mmu_seq = kvm->mmu_invalidate_seq;
	/* smp_rmb() */

	fault->pfn = v6_6___gfn_to_pfn_memslot(fault->slot, fault->gfn, false, NULL,
					       fault->write, &fault->map_writable, &fault->hva);

	if (is_error_pfn(fault->pfn))
		return kvm_handle_error_pfn(vcpu, fault);

	return RET_PF_CONTINUE;
}

/* v6.6 mmu.c: is_page_fault_stale(): the hva-range retry check, under mmu_lock. */
bool v6_6_is_page_fault_stale(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	return fault->slot &&
	       mmu_invalidate_retry_hva(vcpu->kvm, fault->mmu_seq, fault->hva);
}

/*
 * v6.6 mmu.c: kvm_tdp_mmu_page_fault().  mmu_lock for read: faults run in
 * parallel and install SPTEs by compare-exchange.  The release after the
 * unlock is of the pfn kvm_faultin_pfn() returned, as docs/semantics.md V4
 * prescribes for 6.6.y ("kept as orig_pfn").  Mainline's text reads
 * kvm_release_pfn_clean(fault->pfn), after kvm_mmu_hugepage_adjust() has
 * rounded fault->pfn down to the huge page; modelled literally that is
 * mut-release-adjusted-pfn-6, which puts the head of an fsdax 2M extent
 * instead of the tail gup referenced (fsdax-pmd-fault-vs-munmap: audit,
 * refcount).  For THP and compound device-dax pages the two are the same
 * folio; for order-0 fsdax pages under a PMD they are not.
 */
int v6_6_kvm_tdp_mmu_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	kvm_pfn_t orig_pfn;
	int r;

	r = kvm_faultin_pfn(vcpu, fault);
	if (r != RET_PF_CONTINUE)
		return r;
	orig_pfn = fault->pfn;

	r = RET_PF_RETRY;
	kvm_mmu_read_lock(vcpu->kvm);

	if (is_page_fault_stale(vcpu, fault))
		goto out_unlock;
	kvm_oracle_retry_passed(vcpu->kvm);

	r = kvm_tdp_mmu_map(vcpu, fault);

out_unlock:
	kvm_mmu_read_unlock(vcpu->kvm);
	kvm_release_pfn_clean(orig_pfn);
	return r;
}

/*
 * v6.6 mmu.c: kvm_mmu_do_page_fault() -> kvm_tdp_page_fault(), re-entered by
 * the guest while it returns RET_PF_RETRY (the retry loop, bounded by the
 * engine).
 */
int kvm_mmu_page_fault6(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code)
{
	gfn_t gfn = gpa >> PAGE_SHIFT;
	int r;

	KS_FUNC();
	ks_loop_begin();
	for (;;) {
		struct kvm_page_fault fault = {
			.addr = gpa,
			.error_code = error_code,
			.write = error_code & PFERR_WRITE_MASK,
			.gfn = gfn,
			.slot = gfn_to_memslot(vcpu->kvm, gfn),
			.max_level = PT_DIRECTORY_LEVEL,
			.req_level = PT_PAGE_TABLE_LEVEL,
			.goal_level = PT_PAGE_TABLE_LEVEL,
		};

		r = kvm_tdp_mmu_page_fault(vcpu, &fault);
		if (r != RET_PF_RETRY)
			break;
		if (fault.slot) {
			struct kvm_spte *s2m = kvm_spte_at(fault.slot, gfn, PT_DIRECTORY_LEVEL);
			struct kvm_spte *s4k = kvm_spte_at(fault.slot, gfn, PT_PAGE_TABLE_LEVEL);
			bool write = fault.write;

			ks_sched_point(kvm_spte_obj(gfn & ~511ULL, PT_DIRECTORY_LEVEL), KS_READ);
			if (s2m->present && (!write || s2m->writable))
				break;
			ks_sched_point(kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL), KS_READ);
			if (s4k->present && (!write || s4k->writable))
				break;
		}
		ks_retry();
	}
	ks_loop_end();
	return r;
}

/* ---- zaps and flushes ------------------------------------------------------------------ */

/*
 * v6.6 mmu.c: kvm_unmap_gfn_range() for the TDP MMU:
 * kvm_tdp_mmu_unmap_gfn_range() -> tdp_mmu_zap_leafs() over the one root.
 */
bool kvm_unmap_gfn_range(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t start,
			 gfn_t end, bool may_block, bool flush)
{
	KS_FUNC();
	(void)slot;
	return tdp_mmu_zap_leafs(kvm, start, end, may_block, flush);
}

/*
 * kvm_flush_remote_tlbs(): every vCPU's TLB, by IPI (the model's flush is
 * one step that empties them all).
 */
void kvm_flush_remote_tlbs(struct kvm *kvm)
{
	ks_obj_t objs[KVM_MAX_VCPUS];
	unsigned n = 0;
	int i;

	KS_FUNC();
	for (i = 0; i < KVM_MAX_VCPUS; i++)
		if (kvm->vcpus[i].tlb_obj)
			objs[n++] = kvm->vcpus[i].tlb_obj;
	if (n)
		ks_sched_point_many(objs, n, KS_WRITE);
	for (i = 0; i < KVM_MAX_VCPUS; i++)
		kvm_vcpu_flush_tlb(&kvm->vcpus[i]);
	ks_log_note("kvm_flush_remote_tlbs", 0, "every vCPU's TLB");
}

/*
 * v6.6 mmu.c: kvm_mmu_zap_all() -> kvm_tdp_mmu_zap_all(), under mmu_lock for
 * write.  The model zaps the leaves of every slot without yielding and then
 * flushes, its stand-in for freeing the roots.
 */
void kvm_mmu_zap_all6(struct kvm *kvm)
{
	bool flush = false;
	int i;

	KS_FUNC();
	KVM_MMU_LOCK(kvm);
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		flush = tdp_mmu_zap_leafs(kvm, slot->base_gfn, slot->base_gfn + slot->npages,
					  false, flush);
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	KVM_MMU_UNLOCK(kvm);
}

/*
 * v6.6 mmu.c: kvm_zap_gfn_range(), the TDP MMU's part
 * (kvm_tdp_mmu_zap_leafs(), which may yield).  Since edb298c663fc (v5.15)
 * the zap is an invalidation, so no fault can install an SPTE behind it;
 * since 6d3085e4d89a (v6.1) over every hva (0 .. -1ul), the zap's range
 * being gfns.  6.8+ (f00dfa90ceb1) adds the gfns instead
 * (kvm_mmu_invalidate_range_add()); the model records both, and each
 * variant's retry check reads the one its kernel has.
 */
void kvm_zap_gfn_range6(struct kvm *kvm, gfn_t gfn_start, gfn_t gfn_end)
{
	bool flush = false;
	int i;

	KS_FUNC();
	if (WARN_ON_ONCE(gfn_end <= gfn_start))
		return;

	KVM_MMU_LOCK(kvm);
	kvm_mmu_invalidate_begin(kvm, 0, -1ul);
	kvm_mmu_invalidate_range_add(kvm, gfn_start, gfn_end);
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		gfn_t start = gfn_start > slot->base_gfn ? gfn_start : slot->base_gfn;
		gfn_t end = gfn_end < slot->base_gfn + slot->npages ?
			    gfn_end : slot->base_gfn + slot->npages;

		if (start < end)
			flush = tdp_mmu_zap_leafs(kvm, start, end, true, flush);
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);	/* kvm_flush_remote_tlbs_range() */
	kvm_oracle_zap_done(kvm, gfn_start, gfn_end);
	kvm_mmu_invalidate_end(kvm);
	KVM_MMU_UNLOCK(kvm);
}

/* ---- the decision table ------------------------------------------------------------------ */

static int kvm6_count(kvm_pfn_t pfn)
{
	return pfn_valid(pfn) ? page_count(pfn_to_page(pfn)) : -1;
}

/*
 * `kvmsim table` asks 4.19's questions; a 6.x kernel answers with the
 * function that replaced each one (b14b2690c50e: kvm_is_reserved_pfn() became
 * kvm_pfn_to_refcounted_page(), "reserved" now meaning "not refcounted"),
 * or "-" where nothing replaced it.  KVM's reference is taken by the
 * variant's own kvm_faultin_pfn().
 */
const char *kvm6_decide(struct kvm *kvm, struct kvm_vcpu *vcpu, unsigned long hva, bool write,
			int decision)
{
	gfn_t gfn = hva >> PAGE_SHIFT;
	struct kvm_page_fault fault = {
		.addr = (gpa_t)gfn << PAGE_SHIFT, .write = write, .gfn = gfn,
		.slot = gfn_to_memslot(kvm, gfn), .max_level = PT_DIRECTORY_LEVEL,
		.req_level = PT_PAGE_TABLE_LEVEL, .goal_level = PT_PAGE_TABLE_LEVEL,
	};
	struct page *page;
	int before;

	switch (decision) {
	case DEC_FAULT_HUGE:
		kvm_mmu_page_fault6(vcpu, fault.addr, write ? PFERR_WRITE_MASK : 0);
		return fault.slot && kvm_spte_at(fault.slot, gfn, PT_DIRECTORY_LEVEL)->present ?
		       "yes" : "no";
	case DEC_ZONE_DEVICE:
	case DEC_GET_TAKES:
	case DEC_THP_ADJUST:
		return "-";
	case DEC_RESERVED:
		if (!kvm6_ops->kvm_pfn_to_refcounted_page)
			return "-";
		break;
	default:
		break;
	}
	if (kvm_faultin_pfn(vcpu, &fault) != RET_PF_CONTINUE || is_error_noslot_pfn(fault.pfn))
		return "no";
	page = pfn_valid(fault.pfn) ? pfn_to_page(fault.pfn) : NULL;
	before = kvm6_count(fault.pfn);
	switch (decision) {
	case DEC_RESERVED:
		return kvm_pfn_to_refcounted_page(fault.pfn) ? "no" : "yes";
	case DEC_RELEASE_PUTS:
		if (kvm6_ops->kvm_release_pfn_clean) {
			kvm_release_pfn_clean(fault.pfn);
		} else {
			kvm_mmu_read_lock(kvm);
			kvm_release_faultin_page(kvm, fault.refcounted_page, false, false);
			kvm_mmu_read_unlock(kvm);
		}
		return kvm6_count(fault.pfn) < before ? "yes" : "no";
	case DEC_SET_DIRTY:
		if (kvm6_ops->kvm_set_pfn_dirty) {
			kvm_set_pfn_dirty(fault.pfn);
		} else {
			/* 6.13: a writable fault's release marks it (aa85986e7150) */
			kvm_mmu_read_lock(kvm);
			kvm_release_faultin_page(kvm, fault.refcounted_page, false, true);
			kvm_mmu_read_unlock(kvm);
		}
		return page && PageDirty(page) ? "yes" : "no";
	case DEC_SET_ACCESSED:
		if (!kvm6_ops->kvm_set_pfn_accessed && !kvm6_ops->kvm_release_faultin_page)
			return "-";
		/* gup's FOLL_TOUCH marked it already: only what KVM does counts */
		if (page)
			ClearPageReferenced(page);
		if (kvm6_ops->kvm_set_pfn_accessed) {
			kvm_set_pfn_accessed(fault.pfn);
		} else {
			kvm_mmu_read_lock(kvm);
			kvm_release_faultin_page(kvm, fault.refcounted_page, false, false);
			kvm_mmu_read_unlock(kvm);
		}
		return page && PageReferenced(page) ? "yes" : "no";
	case DEC_WARN:
		(void)kvm_pfn_to_refcounted_page(fault.pfn);
		if (kvm6_ops->kvm_release_pfn_clean) {
			kvm_release_pfn_clean(fault.pfn);
			kvm_set_pfn_dirty(fault.pfn);
			kvm_set_pfn_accessed(fault.pfn);
		} else {
			kvm_mmu_read_lock(kvm);
			kvm_release_faultin_page(kvm, fault.refcounted_page, false, true);
			kvm_mmu_read_unlock(kvm);
		}
		return ks_violation_count_of("warn") ? "yes" : "no";
	default:
		return "-";
	}
}
