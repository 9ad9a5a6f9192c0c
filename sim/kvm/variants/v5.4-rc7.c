// SPDX-License-Identifier: GPL-2.0
/*
 * v5.4-rc7: the parent of a78986aae9b2.  What differs from v4.19.0:
 *
 *  - 43fdcda96e25 "kvm: x86: Do not release the page inside mmu_set_spte()" (Junaid
 *    Shahid, July 2019; also in 4.19.84): tdp_page_fault() releases the pfn
 *    at out_unlock on every path, mmu_set_spte() no longer does;
 *  - transparent_hugepage_adjust() takes gfn by value (__direct_map derives
 *    the base gfn from the level);
 *  - kvm_set_pfn_dirty() lost the inner PageReserved() check;
 *  - direct_pte_prefetch_many() puts each page it prefetched;
 *  - e45adf665a53 "KVM: Introduce a new guest mapping API" (KarimAllah Ahmed,
 *    5.1): kvm_vcpu_map()/kvm_vcpu_unmap(), which also map memory without a
 *    struct page (memremap()) and release by pfn.
 *
 * ZONE_DEVICE pages are still kvm_is_reserved_pfn(): the D1 leak remains.
 */
#include "kvm/kvm.h"

#include <errno.h>

#include "linux/highmem.h"

/* v5.4-rc7 mmu.c: mmu_set_spte() without the release. */
static int v5_4_rc7_mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep,
				 bool write_fault, int level, gfn_t gfn,
				 kvm_pfn_t pfn, bool speculative, bool host_writable)
{
	return __mmu_set_spte(vcpu, sptep, level, gfn, pfn, speculative, host_writable);
}

/*
 * v5.4-rc7 mmu.c: direct_pte_prefetch_many(): mmu_set_spte() no longer
 * releases, so each prefetched page is put here (43fdcda96e25).
 */
static int v5_4_rc7_direct_pte_prefetch_many(struct kvm_vcpu *vcpu, gfn_t gfn, int nr)
{
	struct page *pages[PTE_PREFETCH_NUM];
	struct kvm_memory_slot *slot;
	int i, ret;

	slot = gfn_to_memslot_dirty_bitmap(vcpu, gfn, true);
	if (!slot)
		return -1;

	ret = gfn_to_page_many_atomic(slot, gfn, pages, nr);
	if (ret <= 0)
		return -1;

	for (i = 0; i < ret; i++, gfn++) {
		mmu_set_spte(vcpu, kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL), false,
			     PT_PAGE_TABLE_LEVEL, gfn, page_to_pfn(pages[i]), true, true);
		put_page(pages[i]);
	}

	return 0;
}

/* v5.4-rc7 mmu.c: transparent_hugepage_adjust(vcpu, gfn, &pfn, &level). */
static void v5_4_rc7_transparent_hugepage_adjust(struct kvm_vcpu *vcpu,
						 gfn_t *gfnp, kvm_pfn_t *pfnp,
						 int *levelp)
{
	gfn_t gfn = *gfnp;	/* by value: the caller's gfn is not moved */

	v4_19_transparent_hugepage_adjust(vcpu, &gfn, pfnp, levelp);
}

/* v5.4-rc7 kvm_main.c: kvm_set_pfn_dirty(). */
static void v5_4_rc7_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn)) {
		struct page *page = pfn_to_page(pfn);

		SetPageDirty(page);
	}
}

/* v5.4-rc7 mmu.c: tdp_page_fault(): release at out_unlock, always. */
static int v5_4_rc7_tdp_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa,
				   uint32_t error_code, bool prefault)
{
	struct kvm *kvm = vcpu->kvm;
	kvm_pfn_t pfn;
	int r;
	int level;
	bool force_pt_level = false;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	unsigned long mmu_seq;
	int write = error_code & PFERR_WRITE_MASK;
	bool map_writable;

	level = mapping_level(vcpu, gfn, &force_pt_level);
	if (!force_pt_level)
		gfn &= ~(KVM_PAGES_PER_HPAGE(level) - 1);

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
	if (!force_pt_level)
		transparent_hugepage_adjust(vcpu, &gfn, &pfn, &level);
	r = __direct_map(vcpu, gpa, write, map_writable, level, pfn, prefault);
out_unlock:
	spin_unlock(&kvm->mmu_lock);
	kvm_release_pfn_clean(pfn);
	return r;
}

/* 5.1 kvm_host.h: a map of memory with no struct page (the model's is NULL). */
#define KVM_UNMAPPED_PAGE NULL

/*
 * v5.4-rc7 kvm_main.c: kvm_vcpu_map() -> __kvm_map_gfn() (e45adf665a53):
 * the pfn from gfn_to_pfn_memslot(), a struct page's kmap() or a memremap()
 * of the rest; the reference gup took stays until kvm_vcpu_unmap().
 */
int v5_4_rc7_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map)
{
	kvm_pfn_t pfn;
	void *hva = NULL;
	struct page *page = KVM_UNMAPPED_PAGE;

	if (!map)
		return -EINVAL;

	pfn = __gfn_to_pfn_memslot(gfn_to_memslot(vcpu->kvm, gfn), gfn, false, NULL, true,
				   NULL);
	if (is_error_noslot_pfn(pfn))
		return -EINVAL;

	if (pfn_valid(pfn)) {
		page = pfn_to_page(pfn);
		hva = kmap(page);
	} else {
		hva = memremap(pfn_to_hpa(pfn), PAGE_SIZE, MEMREMAP_WB);
	}

	if (!hva)
		return -EFAULT;

	map->page = page;
	map->hva = hva;
	map->pfn = pfn;
	map->gfn = gfn;

	return 0;
}

/*
 * v5.4-rc7 kvm_main.c: kvm_vcpu_unmap() (e45adf665a53): release by pfn,
 * dirty if the caller wrote.  kvm_vcpu_mark_page_dirty() is the dirty log,
 * which the model does not keep.
 */
static void v5_4_rc7_kvm_vcpu_unmap(struct kvm_vcpu *vcpu, struct kvm_host_map *map,
				    bool dirty)
{
	(void)vcpu;
	if (!map)
		return;

	if (!map->hva)
		return;

	if (map->page != KVM_UNMAPPED_PAGE)
		kunmap(map->page);
	else
		memunmap(map->hva);

	if (dirty)
		kvm_release_pfn_dirty(map->pfn);
	else
		kvm_release_pfn_clean(map->pfn);

	map->hva = NULL;
	map->page = NULL;
}

KVM_VARIANT(v5_4_rc7) = {
	.v = { .name = "v5.4-rc7", .base = "v4.19",
	       .kernel = "v5.4-rc7, the parent of a78986aae9b2",
	       .summary = "release moved out of mmu_set_spte(); ZONE_DEVICE still reserved",
	       .default_era = KS_ERA_5_2 },
	.date = "2019-11-10",
	.replaces = {
		.mmu_set_spte = v5_4_rc7_mmu_set_spte,
		.transparent_hugepage_adjust = v5_4_rc7_transparent_hugepage_adjust,
		.kvm_set_pfn_dirty = v5_4_rc7_kvm_set_pfn_dirty,
		.tdp_page_fault = v5_4_rc7_tdp_page_fault,
		.direct_pte_prefetch_many = v5_4_rc7_direct_pte_prefetch_many,
		.kvm_vcpu_map = v5_4_rc7_kvm_vcpu_map,
		.kvm_vcpu_unmap = v5_4_rc7_kvm_vcpu_unmap,
	},
	.commits = {
		.mmu_set_spte = "43fdcda96e25",
		.transparent_hugepage_adjust = "v5.4-rc7 (commit unverified)",
		.kvm_set_pfn_dirty = "v5.4-rc7 (commit unverified)",
		.tdp_page_fault = "43fdcda96e25",
		.direct_pte_prefetch_many = "43fdcda96e25",
		.kvm_vcpu_map = "e45adf665a53",
		.kvm_vcpu_unmap = "e45adf665a53",
	},
};
