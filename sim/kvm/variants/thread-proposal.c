// SPDX-License-Identifier: GPL-2.0
/*
 * thread-proposal: what the RFC thread argued for, on v4.19.0 and nothing
 * else (Barret Rhoden, "Re: [RFC PATCH] kvm: Use huge pages for DAX-backed
 * files", 2018-10-31; docs/semantics.md, "The thread's question"):
 *
 *  - kvm_is_reserved_pfn() is false for DAX (ZONE_DEVICE) pages, so KVM
 *    refcounts them like normal pages (the idea of Zhang Yi's unmerged
 *    "Fix kvm misconceives NVDIMM pages as reserved mmio", V1-V5, 2018);
 *  - the inner PageReserved() check of kvm_set_pfn_dirty() is removed
 *    ("I think we want to SetPageDirty for DAX"; B-v2's "remove redundant
 *    PageReserved() check"), so a DAX page is dirtied.
 *
 * Unlike a78986aae9b2 (v5.4) nothing else skips ZONE_DEVICE: the A/D helpers
 * and transparent_hugepage_adjust() treat a DAX page as any other page, and
 * the release stays inside mmu_set_spte() as in 4.19.0.
 */
#include "kvm/kvm.h"

/* The thread's kvm_is_reserved_pfn(): a ZONE_DEVICE page is not reserved. */
static bool thread_kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn)) &&
		       !is_zone_device_page(pfn_to_page(pfn));

	return true;
}

/* The thread's kvm_set_pfn_dirty(): 4.19.0 without the inner PageReserved(). */
static void thread_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn)) {
		struct page *page = pfn_to_page(pfn);

		SetPageDirty(page);
	}
}

KVM_VARIANT(thread_proposal) = {
	.v = { .name = "thread-proposal", .base = "v4.19",
	       .kernel = "v4.19.0 + the RFC thread's proposal (2018-10-31, not merged)",
	       .summary = "v4.19 with ZONE_DEVICE not reserved and DAX pages dirtied, nothing else",
	       .default_era = KS_ERA_4_19 },
	.date = "2018-10-31",
	.replaces = {
		.kvm_is_reserved_pfn = thread_kvm_is_reserved_pfn,
		.kvm_set_pfn_dirty = thread_kvm_set_pfn_dirty,
	},
	.commits = {
		.kvm_is_reserved_pfn = "thread 2018-10-31 (Zhang Yi's idea, unmerged)",
		.kvm_set_pfn_dirty = "B-v2 20181114215155.259978-1-brho@google.com",
	},
};
