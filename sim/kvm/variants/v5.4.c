// SPDX-License-Identifier: GPL-2.0
/*
 * v5.4: a78986aae9b2 "KVM: MMU: Do not treat ZONE_DEVICE pages as being
 * reserved" (Sean Christopherson, v5.4-rc8) applied to v5.4-rc7.
 *
 * ZONE_DEVICE pages are no longer kvm_is_reserved_pfn(), so KVM puts the
 * references gup took on them; the A/D helpers and the THP refcount move skip
 * them explicitly.  Fixes Adam Borowski's hang (docs/semantics.md D1).
 */
#include "kvm/kvm.h"

/*
 * a78986aae9b2 kvm_main.c: kvm_is_zone_device_pfn().  The ZONE_DEVICE
 * metadata is only valid while the device is pinned (by gup): WARN if the
 * page has no reference.
 */
static bool v5_4_kvm_is_zone_device_pfn(kvm_pfn_t pfn)
{
	if (!pfn_valid(pfn) || WARN_ON_ONCE(!page_count(pfn_to_page(pfn))))
		return false;

	return is_zone_device_page(pfn_to_page(pfn));
}

/*
 * a78986aae9b2 kvm_main.c: kvm_is_reserved_pfn().  ZONE_DEVICE pages set
 * PG_reserved, but from a refcounting perspective they are normal pages.
 */
static bool v5_4_kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn)) &&
		       !kvm_is_zone_device_pfn(pfn);

	return true;
}

/* a78986aae9b2 kvm_main.c: kvm_set_pfn_dirty(): no dirtying of ZONE_DEVICE. */
static void v5_4_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn) && !kvm_is_zone_device_pfn(pfn)) {
		struct page *page = pfn_to_page(pfn);

		SetPageDirty(page);
	}
}

/* a78986aae9b2 kvm_main.c: kvm_set_pfn_accessed(). */
static void v5_4_kvm_set_pfn_accessed(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn) && !kvm_is_zone_device_pfn(pfn))
		mark_page_accessed(pfn_to_page(pfn));
}

/*
 * a78986aae9b2 mmu.c: transparent_hugepage_adjust() skips ZONE_DEVICE pages:
 * the tail-to-head move would shift a reference between two different pages.
 */
static void v5_4_transparent_hugepage_adjust(struct kvm_vcpu *vcpu, gfn_t *gfnp,
					     kvm_pfn_t *pfnp, int *levelp)
{
	kvm_pfn_t pfn = *pfnp;
	gfn_t gfn = *gfnp;
	int level = *levelp;

	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn) &&
	    !kvm_is_zone_device_pfn(pfn) && level == PT_PAGE_TABLE_LEVEL &&
	    PageTransCompoundMap(pfn_to_page(pfn)) &&
	    !mmu_gfn_lpage_is_disallowed(vcpu, gfn, PT_DIRECTORY_LEVEL)) {
		unsigned long mask;

		*levelp = level = PT_DIRECTORY_LEVEL;
		mask = KVM_PAGES_PER_HPAGE(level) - 1;
		VM_BUG_ON_PAGE((gfn & mask) != (pfn & mask), pfn_to_page(pfn));
		if (pfn & mask) {
			kvm_release_pfn_clean(pfn);
			pfn &= ~mask;
			kvm_get_pfn(pfn);
			*pfnp = pfn;
		}
	}
}

KVM_VARIANT(v5_4) = {
	.v = { .name = "v5.4", .base = "v5.4-rc7",
	       .kernel = "v5.4-rc8: a78986aae9b2 \"KVM: MMU: Do not treat ZONE_DEVICE pages as being reserved\"",
	       .summary = "ZONE_DEVICE pages are refcounted like normal pages; no A/D or THP adjust on them",
	       .default_era = KS_ERA_5_2 },
	.date = "2019-11-24",
	.replaces = {
		.kvm_is_zone_device_pfn = v5_4_kvm_is_zone_device_pfn,
		.kvm_is_reserved_pfn = v5_4_kvm_is_reserved_pfn,
		.kvm_set_pfn_dirty = v5_4_kvm_set_pfn_dirty,
		.kvm_set_pfn_accessed = v5_4_kvm_set_pfn_accessed,
		.transparent_hugepage_adjust = v5_4_transparent_hugepage_adjust,
	},
	.commits = {
		.kvm_is_zone_device_pfn = "a78986aae9b2",
		.kvm_is_reserved_pfn = "a78986aae9b2",
		.kvm_set_pfn_dirty = "a78986aae9b2",
		.kvm_set_pfn_accessed = "a78986aae9b2",
		.transparent_hugepage_adjust = "a78986aae9b2",
	},
};
