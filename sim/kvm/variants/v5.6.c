// SPDX-License-Identifier: GPL-2.0
/*
 * v5.6: Sean Christopherson's "KVM: x86/mmu: Huge page fixes, cleanup, and
 * DAX" (Jan 2020) on top of v5.4 (docs/semantics.md, V3):
 *
 *  - 4cd071d13c5c "KVM: x86/mmu: Move calls to thp_adjust() down a level",
 *    db5432165e9b "KVM: x86/mmu: Walk host page tables to find THP mappings"
 *    and e851265a816f "KVM: x86/mmu: Use huge pages for DAX-backed files":
 *    the huge level is what the host page tables map (host_pfn_mapping_level()
 *    via lookup_address_in_mm()), asked for a compound page or a ZONE_DEVICE
 *    page, under mmu_lock after a passed retry check;
 *  - the pfn is huge-adjusted on a local copy inside __direct_map(): there is
 *    no tail-to-head move of the reference any more, and the fault releases
 *    the pfn gup returned;
 *  - the fault path is direct_page_fault() (tdp_page_fault() a wrapper), with
 *    no mapping_level() before gup: gup is done on the faulting gfn itself.
 *
 * And 7df003c85218 "KVM: fix overflow of zero page refcount with ksm
 * running" (Zhuang Yanying, merged for v5.6): the zero page is no longer
 * kvm_is_reserved_pfn(), so the reference gup took on it is put.
 *
 * transparent_hugepage_adjust() is gone.  The 4.19-5.4 notifier, zap and
 * release code is unchanged.
 */
#include "kvm/kvm.h"

/*
 * v5.6 kvm_main.c: kvm_is_reserved_pfn() (7df003c85218 on a78986aae9b2).
 * The zero page is PG_reserved, but gup takes a reference on it like on any
 * page: it is refcounted.
 */
static bool v5_6_kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn)) &&
		       !is_zero_pfn(pfn) &&
		       !kvm_is_zone_device_pfn(pfn);

	return true;
}

/*
 * v5.6 mmu.c: host_pfn_mapping_level() (db5432165e9b, e851265a816f).  The
 * walk is lockless: no mmap_sem, only mmu_lock and the retry check keep the
 * host mapping from being split under it.
 */
static int v5_6_host_pfn_mapping_level(struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn,
				       struct kvm_memory_slot *slot)
{
	unsigned long hva;
	enum pg_level level;
	pte_t pte;
	int r;

	if (!PageCompound(pfn_to_page(pfn)) && !kvm_is_zone_device_pfn(pfn))
		return PT_PAGE_TABLE_LEVEL;

	/* __gfn_to_hva_memslot(): the fault already checked the slot's writability */
	hva = gfn_to_hva_memslot(slot, gfn);

	if (!lookup_address_in_mm(vcpu->kvm->mm, hva, &pte, &level))
		return PT_PAGE_TABLE_LEVEL;

	r = level == PG_LEVEL_4K ? PT_PAGE_TABLE_LEVEL : PT_DIRECTORY_LEVEL;
	ks_log_pred("host_pfn_mapping_level", 0, KS_V_INT, r);
	return r;
}

/*
 * v5.6 mmu.c: kvm_mmu_hugepage_adjust() (4cd071d13c5c, db5432165e9b).  The
 * adjusted pfn is the caller's local copy; no reference moves.  The model's
 * largest level is 2M (get_lpage_level()).
 */
static int v5_6_kvm_mmu_hugepage_adjust(struct kvm_vcpu *vcpu, gfn_t gfn, int max_level,
					kvm_pfn_t *pfnp)
{
	struct kvm_memory_slot *slot;
	kvm_pfn_t pfn = *pfnp;
	kvm_pfn_t mask;
	int level;

	if (max_level == PT_PAGE_TABLE_LEVEL)
		return PT_PAGE_TABLE_LEVEL;

	if (is_error_noslot_pfn(pfn) || kvm_is_reserved_pfn(pfn))
		return PT_PAGE_TABLE_LEVEL;

	slot = gfn_to_memslot_dirty_bitmap(vcpu, gfn, true);
	if (!slot)
		return PT_PAGE_TABLE_LEVEL;

	for (; max_level > PT_PAGE_TABLE_LEVEL; max_level--)
		if (!mmu_gfn_lpage_is_disallowed(vcpu, gfn, max_level))
			break;

	if (max_level == PT_PAGE_TABLE_LEVEL)
		return PT_PAGE_TABLE_LEVEL;

	level = host_pfn_mapping_level(vcpu, gfn, pfn, slot);
	if (level == PT_PAGE_TABLE_LEVEL)
		return level;

	level = level < max_level ? level : max_level;

	/*
	 * mmu_notifier_retry() was successful and mmu_lock is held, so
	 * the pmd can't be split from under us.
	 */
	mask = KVM_PAGES_PER_HPAGE(level) - 1;
	VM_BUG_ON_PAGE((gfn & mask) != (pfn & mask), pfn_to_page(pfn));
	*pfnp = pfn & ~mask;

	return level;
}

/*
 * v5.6 mmu.c: __direct_map(vcpu, gpa, write, map_writable, max_level, pfn,
 * prefault): the level is decided here, then the walk, the install and the
 * prefetch are the shared ones (sim/kvm/mmu.c __direct_map()).
 */
static int v5_6___direct_map(struct kvm_vcpu *vcpu, gpa_t gpa, int write,
			     bool map_writable, int max_level, kvm_pfn_t pfn,
			     bool prefault)
{
	gfn_t gfn = gpa >> PAGE_SHIFT;
	int level;

	level = kvm_mmu_hugepage_adjust(vcpu, gfn, max_level, &pfn);
	return __direct_map(vcpu, gpa, write, map_writable, level, pfn, prefault);
}

/*
 * v5.6 mmu.c: direct_page_fault().  The release at out_unlock is of the pfn
 * try_async_pf() returned, whatever level it was mapped at.
 */
static int direct_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code,
			     bool prefault, int max_level)
{
	struct kvm *kvm = vcpu->kvm;
	bool write = error_code & PFERR_WRITE_MASK;
	bool map_writable;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	unsigned long mmu_seq;
	kvm_pfn_t pfn;
	int r;

	KS_FUNC();
	ks_sched_point(kvm->seq_obj, KS_READ);
	mmu_seq = kvm->mmu_notifier_seq;
	/* smp_rmb() */

	if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable))
		return RET_PF_RETRY;

	if (handle_abnormal_pfn(vcpu, gfn, pfn, &r))
		return r;

	r = RET_PF_RETRY;
	spin_lock(&kvm->mmu_lock);
	if (mmu_notifier_retry(kvm, mmu_seq))
		goto out_unlock;
	r = v5_6___direct_map(vcpu, gpa, write, map_writable, max_level, pfn, prefault);

out_unlock:
	spin_unlock(&kvm->mmu_lock);
	kvm_release_pfn_clean(pfn);
	return r;
}

/*
 * v5.6 mmu.c: tdp_page_fault(): the largest level whose MTRRs are consistent
 * (always, in the model: 2M), then direct_page_fault().
 */
static int v5_6_tdp_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code,
			       bool prefault)
{
	return direct_page_fault(vcpu, gpa, error_code, prefault, PT_DIRECTORY_LEVEL);
}

KVM_VARIANT(v5_6) = {
	.v = { .name = "v5.6", .base = "v5.4",
	       .kernel = "v5.6: db5432165e9b, e851265a816f (huge level from the host page tables), 7df003c85218",
	       .summary = "huge level from a host page-table walk; DAX mapped huge; the zero page is refcounted",
	       .default_era = KS_ERA_5_2 },
	.date = "2020-03-29",
	.replaces = {
		.kvm_is_reserved_pfn = v5_6_kvm_is_reserved_pfn,
		.tdp_page_fault = v5_6_tdp_page_fault,
		.host_pfn_mapping_level = v5_6_host_pfn_mapping_level,
		.kvm_mmu_hugepage_adjust = v5_6_kvm_mmu_hugepage_adjust,
		.transparent_hugepage_adjust = KVM_REMOVED(transparent_hugepage_adjust),
	},
	.commits = {
		.kvm_is_reserved_pfn = "7df003c85218",
		.tdp_page_fault = "4cd071d13c5c, db5432165e9b, e851265a816f",
		.host_pfn_mapping_level = "db5432165e9b, e851265a816f",
		.kvm_mmu_hugepage_adjust = "4cd071d13c5c, db5432165e9b",
		.transparent_hugepage_adjust = "db5432165e9b",
	},
};
