// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim diff A B`: the decision table.  Each variant's own code runs on one
 * page of each kind (holding the gup reference KVM would hold), and what it
 * decided is read back from the page: nothing here restates a variant's
 * logic as a table of flags.
 */
#include <stdio.h>
#include <string.h>

#include <kvmsim/run.h>

#include "kvm/kvm.h"

#include "linux/memremap.h"

enum kvm_page_kind {
	KIND_NORMAL,
	KIND_THP,
	KIND_FSDAX,
	KIND_DEVDAX,
	KIND_ZERO,
	KIND_RESERVED,
	KIND_PFNMAP,
	KIND_NR
};

static const char *const kind_names[KIND_NR] = {
	[KIND_NORMAL] = "normal", [KIND_THP] = "THP tail", [KIND_FSDAX] = "fsdax",
	[KIND_DEVDAX] = "device-dax", [KIND_ZERO] = "zero page",
	[KIND_RESERVED] = "reserved RAM", [KIND_PFNMAP] = "VM_PFNMAP",
};

enum kvm_decision {
	DEC_RESERVED,
	DEC_ZONE_DEVICE,
	DEC_RELEASE_PUTS,
	DEC_GET_TAKES,
	DEC_SET_DIRTY,
	DEC_SET_ACCESSED,
	DEC_THP_ADJUST,
	DEC_WARN,
	DEC_NR
};

static const char *const decision_names[DEC_NR] = {
	[DEC_RESERVED] = "kvm_is_reserved_pfn",
	[DEC_ZONE_DEVICE] = "kvm_is_zone_device_pfn",
	[DEC_RELEASE_PUTS] = "kvm_release_pfn_clean puts",
	[DEC_GET_TAKES] = "kvm_get_pfn takes a ref",
	[DEC_SET_DIRTY] = "kvm_set_pfn_dirty sets PG_dirty",
	[DEC_SET_ACCESSED] = "kvm_set_pfn_accessed marks accessed",
	[DEC_THP_ADJUST] = "transparent_hugepage_adjust maps 2M",
	[DEC_WARN] = "WARN fired",
};

#define PFN_NORMAL	0x1000UL
#define PFN_THP		0x1200UL	/* head; the tail used is +0x11 */
#define PFN_RESERVED	0x1400UL
#define PFN_FSDAX	0x10000UL
#define PFN_DEVDAX	0x20000UL
#define PFN_PFNMAP	0xf0000UL

/* A one-page world of @kind with KVM's gup reference held; returns the pfn. */
static kvm_pfn_t kvm_diff_world(enum kvm_page_kind kind)
{
	struct ks_page_init init = { .refcount = 1, .own = KS_OWN_ALLOC, .owner = "anon" };
	struct dev_pagemap *pgmap;
	kvm_pfn_t pfn;

	ks_era_select(KS_ERA_5_2);
	ks_memmap_add(0, 0x2000, ZONE_NORMAL);
	switch (kind) {
	case KIND_NORMAL:
		pfn = PFN_NORMAL;
		ks_page_setup(pfn, &init);
		break;
	case KIND_THP:
		init.order = HPAGE_PMD_ORDER;
		init.compound = init.thp = true;
		ks_page_setup(PFN_THP, &init);
		pfn = PFN_THP + 0x11;
		break;
	case KIND_RESERVED:
		init.reserved = true;
		init.owner = "firmware";
		pfn = PFN_RESERVED;
		ks_page_setup(pfn, &init);
		break;
	case KIND_FSDAX:
	case KIND_DEVDAX:
		pgmap = ks_alloc(sizeof(*pgmap));
		pgmap->type = kind == KIND_FSDAX ? MEMORY_DEVICE_FS_DAX :
						   MEMORY_DEVICE_GENERIC;
		pgmap->start_pfn = kind == KIND_FSDAX ? PFN_FSDAX : PFN_DEVDAX;
		pgmap->nr_pages = PAGES_PER_SECTION;
		pgmap->name = kind == KIND_FSDAX ? "pmem0" : "dax0.0";
		memremap_pages(pgmap, 0);
		pfn = pgmap->start_pfn;
		break;
	case KIND_ZERO:
		pfn = ks_zero_pfn();
		break;
	default:
		return PFN_PFNMAP;	/* no struct page: pfn_valid() is false */
	}
	if (pfn_valid(pfn))
		get_page(pfn_to_page(pfn));	/* the reference gup gave KVM */
	return pfn;
}

static int kvm_diff_count(kvm_pfn_t pfn)
{
	return pfn_valid(pfn) ? page_count(pfn_to_page(pfn)) : -1;
}

/* A decision's value for @v on @kind: "yes", "no" or "-" (not in this variant). */
static const char *kvm_diff_decide(const struct ks_variant *v,
				   enum kvm_page_kind kind, enum kvm_decision dec)
{
	static struct kvm_vcpu vcpu;
	const struct kvm_variant_ops *saved = kvm_ops;
	const char *r = "no";
	kvm_pfn_t pfn;
	int before;

	ks_direct_begin();
	kvm_ops = v->ops;
	pfn = kvm_diff_world(kind);
	before = kvm_diff_count(pfn);
	switch (dec) {
	case DEC_RESERVED:
		r = kvm_is_reserved_pfn(pfn) ? "yes" : "no";
		break;
	case DEC_ZONE_DEVICE:
		if (!v->ops->kvm_is_zone_device_pfn)
			r = "-";
		else
			r = kvm_is_zone_device_pfn(pfn) ? "yes" : "no";
		break;
	case DEC_RELEASE_PUTS:
		kvm_release_pfn_clean(pfn);
		r = kvm_diff_count(pfn) < before ? "yes" : "no";
		break;
	case DEC_GET_TAKES:
		kvm_get_pfn(pfn);
		r = kvm_diff_count(pfn) > before ? "yes" : "no";
		break;
	case DEC_SET_DIRTY:
		kvm_set_pfn_dirty(pfn);
		r = pfn_valid(pfn) && PageDirty(pfn_to_page(pfn)) ? "yes" : "no";
		break;
	case DEC_SET_ACCESSED:
		kvm_set_pfn_accessed(pfn);
		r = pfn_valid(pfn) && PageReferenced(pfn_to_page(pfn)) ? "yes" : "no";
		break;
	case DEC_THP_ADJUST: {
		struct kvm *kvm = ks_alloc(sizeof(*kvm));
		gfn_t gfn = pfn;	/* identity-mapped slot: gfn == pfn */
		int level = PT_PAGE_TABLE_LEVEL;

		vcpu.kvm = kvm;
		vcpu.name = "vcpu0";
		kvm_set_memory_region(kvm, 0, pfn & ~511UL, 512,
				      (pfn & ~511UL) << PAGE_SHIFT, 0);
		transparent_hugepage_adjust(&vcpu, &gfn, &pfn, &level);
		r = level == PT_DIRECTORY_LEVEL ? "yes" : "no";
		break;
	}
	case DEC_WARN:
		(void)kvm_is_reserved_pfn(pfn);
		kvm_release_pfn_clean(pfn);
		kvm_set_pfn_dirty(pfn);
		kvm_set_pfn_accessed(pfn);
		r = ks_violation_count_of("warn") ? "yes" : "no";
		break;
	default:
		break;
	}
	if (dec != DEC_WARN && ks_violation_count_of("warn"))
		r = !strcmp(r, "yes") ? "yes (WARN)" : "no (WARN)";
	ks_direct_end();
	kvm_ops = saved;
	return r;
}

int ks_variant_diff(const struct ks_variant *a, const struct ks_variant *b,
		    struct ks_buf *out)
{
	int k, d, ndiff = 0;

	ks_buf_printf(out, "decision table: %s -> %s (each variant's code run on one page of each kind,\n"
			   "holding the reference gup gave KVM)\n\n", a->name, b->name);
	ks_buf_printf(out, "%-14s %-38s %-12s %-12s\n", "page", "decision", a->name, b->name);
	for (k = 0; k < KIND_NR; k++) {
		for (d = 0; d < DEC_NR; d++) {
			const char *va = kvm_diff_decide(a, (enum kvm_page_kind)k,
							 (enum kvm_decision)d);
			const char *vb = kvm_diff_decide(b, (enum kvm_page_kind)k,
							 (enum kvm_decision)d);
			/*
			 * A predicate one variant lacks ("-") answers as "no"
			 * would: only a different answer is a change.
			 */
			bool absent = !strcmp(va, "-") || !strcmp(vb, "-");
			bool differs = strcmp(va, vb) != 0 &&
				       !(absent && (!strcmp(va, "no") || !strcmp(vb, "no")));

			ndiff += differs;
			ks_buf_printf(out, "%-14s %-38s %-12s %-12s%s\n",
				      d == 0 ? kind_names[k] : "", decision_names[d],
				      va, vb, differs ? "  <-- differs" : "");
		}
	}
	return ndiff;
}
