// SPDX-License-Identifier: GPL-2.0
/*
 * Mutants: v5.4 or v5.6 with one deliberate bug each.  Every mutant names the oracle
 * that must catch it (sim/kvm/variants.c); the suite fails if it is not.
 */
#include "kvm/kvm.h"

/* mut-no-retry: mmu_notifier_retry() never asks for a retry. */
static bool mut_no_retry_mmu_notifier_retry(struct kvm *kvm, unsigned long mmu_seq)
{
	return false;
}

KVM_VARIANT(mut_no_retry) = {
	.v = { .name = "mut-no-retry", .base = "v5.4", .mutant = true, .catches = "stale-spte",
	       .kernel = "mutant of v5.4", .summary = "mmu_notifier_retry() never retries",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_notifier_retry = mut_no_retry_mmu_notifier_retry },
	.commits = { .mmu_notifier_retry = "mutant" },
};

/* mut-missing-put: kvm_release_pfn_clean() forgets the put_page(). */
static void mut_missing_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn))
		(void)kvm_is_reserved_pfn(pfn);
}

KVM_VARIANT(mut_missing_put) = {
	.v = { .name = "mut-missing-put", .base = "v5.4", .mutant = true, .catches = "audit",
	       .kernel = "mutant of v5.4", .summary = "kvm_release_pfn_clean() never puts the page",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_release_pfn_clean = mut_missing_put_kvm_release_pfn_clean },
	.commits = { .kvm_release_pfn_clean = "mutant" },
};

/* mut-zap-skip: zapping an SPTE leaves it in place (A/D are not pushed either). */
static int mut_zap_skip_mmu_spte_clear_track_bits(struct kvm *kvm, struct kvm_spte *sptep,
						  gfn_t gfn, int level)
{
	return 0;
}

KVM_VARIANT(mut_zap_skip) = {
	.v = { .name = "mut-zap-skip", .base = "v5.4", .mutant = true, .catches = "unbind-survivor",
	       .kernel = "mutant of v5.4", .summary = "zapping an SPTE leaves it in place",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_spte_clear_track_bits = mut_zap_skip_mmu_spte_clear_track_bits },
	.commits = { .mmu_spte_clear_track_bits = "mutant" },
};

/* mut-double-put: kvm_release_pfn_clean() puts the page twice. */
static void mut_double_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn)) {
		put_page(pfn_to_page(pfn));
		put_page(pfn_to_page(pfn));
	}
}

KVM_VARIANT(mut_double_put) = {
	.v = { .name = "mut-double-put", .base = "v5.4", .mutant = true, .catches = "refcount",
	       .kernel = "mutant of v5.4", .summary = "kvm_release_pfn_clean() puts the page twice",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_release_pfn_clean = mut_double_put_kvm_release_pfn_clean },
	.commits = { .kvm_release_pfn_clean = "mutant" },
};

/*
 * mut-retry-seq-only: mmu_notifier_retry() compares the sequence but not the
 * count, so a fault that read the sequence after an invalidation began (and
 * before it ended) installs an SPTE the invalidation has already zapped past.
 */
static bool mut_retry_seq_only_mmu_notifier_retry(struct kvm *kvm, unsigned long mmu_seq)
{
	ks_sched_point(kvm->seq_obj, KS_READ);
	return kvm->mmu_notifier_seq != mmu_seq;
}

KVM_VARIANT(mut_retry_seq_only) = {
	.v = { .name = "mut-retry-seq-only", .base = "v5.4", .mutant = true,
	       .catches = "stale-spte", .kernel = "mutant of v5.4",
	       .summary = "mmu_notifier_retry() ignores an invalidation in progress",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_notifier_retry = mut_retry_seq_only_mmu_notifier_retry },
	.commits = { .mmu_notifier_retry = "mutant" },
};

/* mut-zap-skip-huge: a zap leaves 2M SPTEs in place, and only those. */
static int mut_zap_skip_huge_mmu_spte_clear_track_bits(struct kvm *kvm,
						       struct kvm_spte *sptep,
						       gfn_t gfn, int level)
{
	if (level == PT_DIRECTORY_LEVEL)
		return 0;
	return v4_19_mmu_spte_clear_track_bits(kvm, sptep, gfn, level);
}

KVM_VARIANT(mut_zap_skip_huge) = {
	.v = { .name = "mut-zap-skip-huge", .base = "v5.4", .mutant = true,
	       .catches = "unbind-survivor", .kernel = "mutant of v5.4",
	       .summary = "zapping skips the 2M SPTEs",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_spte_clear_track_bits = mut_zap_skip_huge_mmu_spte_clear_track_bits },
	.commits = { .mmu_spte_clear_track_bits = "mutant" },
};

/*
 * mut-dirty-after-put: kvm_release_pfn_clean() puts the page and then dirties
 * it, when KVM's reference may have been the last one.
 */
static void mut_dirty_after_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn)) {
		put_page(pfn_to_page(pfn));
		SetPageDirty(pfn_to_page(pfn));
	}
}

KVM_VARIANT(mut_dirty_after_put) = {
	.v = { .name = "mut-dirty-after-put", .base = "v5.4", .mutant = true,
	       .catches = "refcount", .kernel = "mutant of v5.4",
	       .summary = "kvm_release_pfn_clean() dirties the page after its put",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_release_pfn_clean = mut_dirty_after_put_kvm_release_pfn_clean },
	.commits = { .kvm_release_pfn_clean = "mutant" },
};

/*
 * mut-thp-no-head-get: transparent_hugepage_adjust() releases the tail's
 * reference but takes none on the head, so the fault's release puts one
 * reference too many on the THP.
 */
static void mut_thp_no_head_get_transparent_hugepage_adjust(struct kvm_vcpu *vcpu,
							    gfn_t *gfnp, kvm_pfn_t *pfnp,
							    int *levelp)
{
	kvm_pfn_t pfn = *pfnp;
	gfn_t gfn = *gfnp;

	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn) &&
	    !kvm_is_zone_device_pfn(pfn) && *levelp == PT_PAGE_TABLE_LEVEL &&
	    PageTransCompoundMap(pfn_to_page(pfn)) &&
	    !mmu_gfn_lpage_is_disallowed(vcpu, gfn, PT_DIRECTORY_LEVEL)) {
		unsigned long mask = KVM_PAGES_PER_HPAGE(PT_DIRECTORY_LEVEL) - 1;

		*levelp = PT_DIRECTORY_LEVEL;
		if (pfn & mask) {
			kvm_release_pfn_clean(pfn);
			*pfnp = pfn & ~mask;	/* no kvm_get_pfn() of the head */
		}
	}
}

KVM_VARIANT(mut_thp_no_head_get) = {
	.v = { .name = "mut-thp-no-head-get", .base = "v5.4", .mutant = true,
	       .catches = "refcount", .kernel = "mutant of v5.4",
	       .summary = "the THP tail-to-head move forgets kvm_get_pfn() of the head",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .transparent_hugepage_adjust =
			      mut_thp_no_head_get_transparent_hugepage_adjust },
	.commits = { .transparent_hugepage_adjust = "mutant" },
};

/*
 * mut-huge-no-host-level: v5.6's host_pfn_mapping_level() without the walk of
 * the host page tables: 2M for any compound or ZONE_DEVICE page, whatever
 * size the host maps it at.
 */
static int mut_huge_no_host_level_host_pfn_mapping_level(struct kvm_vcpu *vcpu, gfn_t gfn,
							 kvm_pfn_t pfn,
							 struct kvm_memory_slot *slot)
{
	if (!PageCompound(pfn_to_page(pfn)) && !kvm_is_zone_device_pfn(pfn))
		return PT_PAGE_TABLE_LEVEL;

	return PT_DIRECTORY_LEVEL;
}

KVM_VARIANT(mut_huge_no_host_level) = {
	.v = { .name = "mut-huge-no-host-level", .base = "v5.6", .mutant = true,
	       .catches = "stale-spte", .kernel = "mutant of v5.6",
	       .summary = "a huge SPTE without asking the host page tables",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .host_pfn_mapping_level = mut_huge_no_host_level_host_pfn_mapping_level },
	.commits = { .host_pfn_mapping_level = "mutant" },
};

/*
 * mut-release-adjusted-pfn: v5.6's direct_page_fault() huge-adjusting the pfn
 * it releases, so the fault puts the 2M-aligned pfn instead of the one gup
 * returned.  The same page for a THP; another page for device-dax, whose 4K
 * pages are not compound.
 */
static int mut_release_adjusted_pfn_tdp_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa,
						   uint32_t error_code, bool prefault)
{
	struct kvm *kvm = vcpu->kvm;
	bool write = error_code & PFERR_WRITE_MASK;
	bool map_writable;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	unsigned long mmu_seq;
	kvm_pfn_t pfn;
	int level, r;

	ks_sched_point(kvm->seq_obj, KS_READ);
	mmu_seq = kvm->mmu_notifier_seq;

	if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable))
		return RET_PF_RETRY;

	if (handle_abnormal_pfn(vcpu, gfn, pfn, &r))
		return r;

	r = RET_PF_RETRY;
	spin_lock(&kvm->mmu_lock);
	if (mmu_notifier_retry(kvm, mmu_seq))
		goto out_unlock;
	level = kvm_mmu_hugepage_adjust(vcpu, gfn, PT_DIRECTORY_LEVEL, &pfn);
	r = __direct_map(vcpu, gpa, write, map_writable, level, pfn, prefault);

out_unlock:
	spin_unlock(&kvm->mmu_lock);
	kvm_release_pfn_clean(pfn);
	return r;
}

KVM_VARIANT(mut_release_adjusted_pfn) = {
	.v = { .name = "mut-release-adjusted-pfn", .base = "v5.6", .mutant = true,
	       .catches = "refcount", .kernel = "mutant of v5.6",
	       .summary = "the fault releases the huge-adjusted pfn, not the one gup returned",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .tdp_page_fault = mut_release_adjusted_pfn_tdp_page_fault },
	.commits = { .tdp_page_fault = "mutant" },
};

/*
 * mut-map-put-early: the alternative Dan Williams rejected in the thread
 * (docs/semantics.md D2), put_page() right after gup, applied where it
 * breaks: kvm_vcpu_map() keeps no reference while KVM touches the page
 * outside MMU-notifier protection, and kvm_vcpu_unmap() has nothing to put.
 */
static int mut_map_put_early_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn,
					  struct kvm_host_map *map)
{
	int r = v5_4_rc7_kvm_vcpu_map(vcpu, gfn, map);

	if (!r)
		kvm_release_pfn_clean(map->pfn);
	return r;
}

static void mut_map_put_early_kvm_vcpu_unmap(struct kvm_vcpu *vcpu, struct kvm_host_map *map,
					     bool dirty)
{
	(void)vcpu;
	if (!map->hva)
		return;
	if (dirty)
		kvm_set_pfn_dirty(map->pfn);
	map->hva = NULL;
	map->page = NULL;
}

KVM_VARIANT(mut_map_put_early) = {
	.v = { .name = "mut-map-put-early", .base = "v5.4", .mutant = true,
	       .catches = "unprotected-page-access", .kernel = "mutant of v5.4",
	       .summary = "kvm_vcpu_map() puts the page right after gup (the thread's rejected alternative)",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_vcpu_map = mut_map_put_early_kvm_vcpu_map,
		      .kvm_vcpu_unmap = mut_map_put_early_kvm_vcpu_unmap },
	.commits = { .kvm_vcpu_map = "mutant", .kvm_vcpu_unmap = "mutant" },
};
