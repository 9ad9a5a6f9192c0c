// SPDX-License-Identifier: GPL-2.0
/*
 * v6.6-stable: the base of the 6.x generation -- the TDP MMU with the
 * kvm_pfn_to_refcounted_page() design of 6.0-6.12 as maintained in 6.6.y
 * (docs/semantics.md V4).  Its functions live with the generation's shared
 * code, laid out as the kernel's files (sim/kvm/6.x/kvm_main.c,
 * mmu/mmu.c, mmu/tdp_mmu.c, mmu/tdp_iter.c, mmu/spte.c):
 *
 *  - b14b2690c50e "KVM: Rename/refactor kvm_is_reserved_pfn() to
 *    kvm_pfn_to_refcounted_page()", 284dc4930773, 6573a6910ce4: a page is
 *    refcounted if it is not PG_reserved, or is the zero page, or is
 *    ZONE_DEVICE; 8e1c69149f27: releases put that page;
 *  - a1040b0d42ac "KVM: Don't set Accessed/Dirty bits for ZERO_PAGE": A/D
 *    only on pages that are not PG_reserved, so never on ZONE_DEVICE ones;
 *  - 5d49f08c2e08, a8ac499bb6ab: the huge level from the host page tables,
 *    with no refcounted page needed;
 *  - mmu_lock an rwlock taken for read by faults, SPTEs by cmpxchg, zaps
 *    that yield (flushing first) and restart, a TLB per vCPU;
 *  - 4a42d848db95 (5.12) range-based retry, named mmu_invalidate_* by
 *    20ec3ebd707c (6.1);
 *  - kvm_vcpu_map() as e45adf665a53 made it, without the gfn_to_pfn_cache
 *    that 357a18ad230f removed: a reference, not a pin.
 */
#include "kvm/6.x/kvm_host.h"

KVM_VARIANT(v6_6_stable) = {
	.v = { .name = "v6.6-stable", .base = NULL,
	       .kernel = "v6.6.y: b14b2690c50e, a1040b0d42ac, a8ac499bb6ab, 20ec3ebd707c (TDP MMU)",
	       .summary = "TDP MMU, rwlock mmu_lock, per-vCPU TLB; ZONE_DEVICE refcounted, never dirtied by KVM",
	       .default_era = KS_ERA_5_18 },
	.date = "2023-10-30",
	.gen = &kvm_gen_6,
	.replaces6 = {
		.kvm_pfn_to_refcounted_page = v6_6_kvm_pfn_to_refcounted_page,
		.kvm_release_pfn_clean = v6_6_kvm_release_pfn_clean,
		.kvm_set_pfn_dirty = v6_6_kvm_set_pfn_dirty,
		.kvm_set_pfn_accessed = v6_6_kvm_set_pfn_accessed,
		.kvm_faultin_pfn = v6_6_kvm_faultin_pfn,
		.kvm_tdp_mmu_page_fault = v6_6_kvm_tdp_mmu_page_fault,
		.kvm_mmu_hugepage_adjust = v6_6_kvm_mmu_hugepage_adjust,
		.is_page_fault_stale = v6_6_is_page_fault_stale,
		.tdp_mmu_zap_leafs = v6_6_tdp_mmu_zap_leafs,
		.tdp_mmu_iter_cond_resched = v6_6_tdp_mmu_iter_cond_resched,
		.handle_changed_spte = v6_6_handle_changed_spte,
		.kvm_vcpu_map = v6_6_kvm_vcpu_map,
		.kvm_vcpu_unmap = v6_6_kvm_vcpu_unmap,
	},
	.commits6 = {
		.kvm_pfn_to_refcounted_page = "b14b2690c50e, 284dc4930773, 6573a6910ce4",
		.kvm_release_pfn_clean = "8e1c69149f27",
		.kvm_set_pfn_dirty = "a1040b0d42ac",
		.kvm_set_pfn_accessed = "a1040b0d42ac",
		.kvm_faultin_pfn = "v6.6",
		.kvm_tdp_mmu_page_fault = "v6.6",
		.kvm_mmu_hugepage_adjust = "5d49f08c2e08, a8ac499bb6ab",
		.is_page_fault_stale = "4a42d848db95, 20ec3ebd707c",
		.tdp_mmu_zap_leafs = "v6.6",
		.tdp_mmu_iter_cond_resched = "v6.6",
		.handle_changed_spte = "v6.6",
		.kvm_vcpu_map = "e45adf665a53, 357a18ad230f",
		.kvm_vcpu_unmap = "e45adf665a53, 357a18ad230f",
	},
};
