// SPDX-License-Identifier: GPL-2.0
/*
 * An out-of-tree variant, built by `make installcheck` against the installed
 * headers only:
 *
 *	cc -shared -fPIC $(pkg-config --cflags kvmsim) -o dirty-dax.so dirty-dax.c
 *	kvmsim check --load ./dirty-dax.so -v oot-dirty-dax
 *
 * v5.4 with one function replaced: kvm_set_pfn_dirty() dirties DAX pages too
 * (the RFC thread's "I think we want to SetPageDirty for DAX", on 5.4).
 */
#include "kvm/kvm.h"

static void oot_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn))
		SetPageDirty(pfn_to_page(pfn));
}

KVM_VARIANT(oot_dirty_dax) = {
	.v = { .name = "oot-dirty-dax", .base = "v5.4",
	       .kernel = "v5.4 + DAX pages dirtied (an out-of-tree example)",
	       .summary = "v5.4 whose kvm_set_pfn_dirty() dirties ZONE_DEVICE pages",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_set_pfn_dirty = oot_kvm_set_pfn_dirty },
	.commits = { .kvm_set_pfn_dirty = "example" },
};
