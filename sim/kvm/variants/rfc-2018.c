// SPDX-License-Identifier: GPL-2.0
/*
 * rfc-2018: Barret Rhoden's "[RFC PATCH] kvm: Use huge pages for DAX-backed
 * files" as posted, on v4.19.0 (RFC 20181029210716.212159-1-brho@google.com,
 * 2018-10-29; its code as in v1 20181109203921.178363-1-brho@google.com,
 * patch 2/2; docs/semantics.md, "The thread's question"):
 *
 *  - kvm_is_reserved_pfn() is false for DAX pages (the RFC says it "hacked"
 *    it so; the huge-page check needs the pfn not to be reserved);
 *  - transparent_hugepage_adjust() asks pfn_is_huge_mapped() instead of
 *    PageTransCompoundMap(): for a ZONE_DEVICE page, which is never
 *    compound, it walks the host page tables at the gfn's hva after the
 *    fault-in, under mmu_lock after a passed mmu_notifier_retry(), and a
 *    devmap PMD there means 2M.  The tail-to-head move of the reference is
 *    kept, so on DAX it moves a reference between two different pages.
 *
 * Nothing else changes: kvm_set_pfn_dirty() keeps its inner PageReserved()
 * (so a DAX page is never dirtied: thread-proposal drops that check), the
 * A/D helpers and the release inside mmu_set_spte() are 4.19.0's.  The RFC's
 * kvm_mmu_zap_collapsible_spte() change (dirty logging) is not modelled.
 */
#include "kvm/kvm.h"

/* The RFC's kvm_is_reserved_pfn(): DAX is not reserved. */
static bool rfc_kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return true;
	page = pfn_to_page(pfn);
	if (is_zone_device_page(page))
		return false;
	return PageReserved(page);
}

/*
 * v1 2/2 mm/memory-failure.c: dev_pagemap_mapping_shift(hva, mm), exported
 * for KVM: the shift of the devmap entry mapping @address, 0 if none.  The
 * model's largest entry is 2M.
 */
static unsigned long dev_pagemap_mapping_shift(unsigned long address, struct mm_struct *mm)
{
	enum pg_level level;
	pte_t pte = ks_pte_peek(mm, address, &level);

	if (!pte_present(pte) || !pte_devmap(pte))
		return 0;
	return level == PG_LEVEL_2M ? PMD_SHIFT : level == PG_LEVEL_1G ? PUD_SHIFT : PAGE_SHIFT;
}

/*
 * v1 2/2 mmu.c: pfn_is_huge_mapped().  "DAX pages do not use compound pages.
 * The page should have already been mapped into the host-side page table
 * during try_async_pf(), so we can check the page tables directly."  The
 * mm is current->mm, the VMM's (kvm->mm here).  gfn_to_hva() asks for a
 * writable hva: a read-only memslot gives KVM_HVA_ERR_RO_BAD, so no 2M.
 */
static bool pfn_is_huge_mapped(struct kvm *kvm, gfn_t gfn, kvm_pfn_t pfn)
{
	struct page *page = pfn_to_page(pfn);
	struct kvm_memory_slot *slot;
	unsigned long hva;

	if (!is_zone_device_page(page))
		return PageTransCompoundMap(page);

	slot = gfn_to_memslot(kvm, gfn);
	if (!slot || (slot->flags & KVM_MEM_READONLY))
		return false;		/* kvm_is_error_hva() */
	hva = gfn_to_hva_memslot(slot, gfn);
	return dev_pagemap_mapping_shift(hva, kvm->mm) == PMD_SHIFT;
}

/* v1 2/2 mmu.c: transparent_hugepage_adjust() with pfn_is_huge_mapped(). */
static void rfc_transparent_hugepage_adjust(struct kvm_vcpu *vcpu, gfn_t *gfnp,
					    kvm_pfn_t *pfnp, int *levelp)
{
	kvm_pfn_t pfn = *pfnp;
	gfn_t gfn = *gfnp;
	int level = *levelp;

	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn) &&
	    level == PT_PAGE_TABLE_LEVEL &&
	    pfn_is_huge_mapped(vcpu->kvm, gfn, pfn) &&
	    !mmu_gfn_lpage_is_disallowed(vcpu, gfn, PT_DIRECTORY_LEVEL)) {
		unsigned long mask;

		*levelp = level = PT_DIRECTORY_LEVEL;
		mask = KVM_PAGES_PER_HPAGE(level) - 1;
		VM_BUG_ON_PAGE((gfn & mask) != (pfn & mask), pfn_to_page(pfn));
		if (pfn & mask) {
			gfn &= ~mask;
			*gfnp = gfn;
			kvm_release_pfn_clean(pfn);
			pfn &= ~mask;
			kvm_get_pfn(pfn);
			*pfnp = pfn;
		}
	}
}

KVM_VARIANT(rfc_2018) = {
	.v = { .name = "rfc-2018", .base = "v4.19",
	       .kernel = "v4.19.0 + Barret Rhoden's RFC (2018-10-29, not merged)",
	       .summary = "v4.19 with DAX not reserved; huge DAX found by a host page-table walk",
	       .default_era = KS_ERA_4_19 },
	.date = "2018-10-29",
	.replaces = {
		.kvm_is_reserved_pfn = rfc_kvm_is_reserved_pfn,
		.transparent_hugepage_adjust = rfc_transparent_hugepage_adjust,
	},
	.commits = {
		.kvm_is_reserved_pfn = "RFC 20181029210716.212159-1-brho@google.com",
		.transparent_hugepage_adjust = "v1 2/2 (series 20181109203921.178363-1-brho@google.com)",
	},
};
