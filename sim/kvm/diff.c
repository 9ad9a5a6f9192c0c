// SPDX-License-Identifier: GPL-2.0
/*
 * The decision table of `kvmsim table` and `kvmsim diff A B`.  Each variant's
 * own code runs on one page of each kind, mapped by the VMM in a real mm and a memslot, with the
 * reference the variant's own hva_to_pfn() took on it, and what it decided
 * is read back from the page: nothing here restates a variant's logic as a
 * table of flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmsim/run.h>

#include "kvm/kvm.h"

#include "linux/dax.h"
#include "linux/memremap.h"

enum kvm_page_kind {
	KIND_NORMAL,
	KIND_THP_HEAD,
	KIND_THP_TAIL,
	KIND_FSDAX,
	KIND_FSDAX_PMD,
	KIND_DEVDAX,
	KIND_DEVDAX_4K,
	KIND_ZERO,
	KIND_RESERVED,
	KIND_PFNMAP,
	KIND_NR
};

/*
 * Device-dax pages are not compound here, as before 5.17's compound devmaps
 * (the 6.x generation's kind).
 */
static const char *const kind_names[KIND_NR] = {
	[KIND_NORMAL] = "normal", [KIND_THP_HEAD] = "THP head", [KIND_THP_TAIL] = "THP tail",
	[KIND_FSDAX] = "fsdax 4K", [KIND_FSDAX_PMD] = "fsdax in a 2M PMD",
	[KIND_DEVDAX] = "device-dax 2M", [KIND_DEVDAX_4K] = "device-dax 4K",
	[KIND_ZERO] = "zero page", [KIND_RESERVED] = "PFNMAP, reserved RAM",
	[KIND_PFNMAP] = "PFNMAP, no page",
};

static const char *const decision_names[DEC_NR] = {
	[DEC_RESERVED] = "kvm_is_reserved_pfn",
	[DEC_ZONE_DEVICE] = "kvm_is_zone_device_pfn",
	[DEC_RELEASE_PUTS] = "kvm_release_pfn_clean puts",
	[DEC_GET_TAKES] = "kvm_get_pfn takes a ref",
	[DEC_SET_DIRTY] = "kvm_set_pfn_dirty sets PG_dirty",
	[DEC_SET_ACCESSED] = "kvm_set_pfn_accessed marks accessed",
	[DEC_THP_ADJUST] = "transparent_hugepage_adjust maps 2M",
	[DEC_FAULT_HUGE] = "a fault maps it with a 2M SPTE",
	[DEC_WARN] = "WARN fired",
};

/*
 * The world every decision runs in: the VMM's mm with one mapping of each
 * kind, faulted in by the VMM, the VM with one memslot per mapping (gfn ==
 * hva >> PAGE_SHIFT, so each is 2M-congruent), and KVM's gup reference taken
 * the way the variant's own hva_to_pfn() takes it.  Nothing is faked: a
 * variant that walks the host page tables, or asks the memslot, finds them.
 */
#define HVA_NORMAL	0x7f0000000000UL	/* anonymous, 4K */
#define HVA_THP		0x7f0000200000UL	/* anonymous THP; the tail at +0x11 pages */
#define HVA_FSDAX	0x7f0000400000UL	/* a file of 4K extents */
#define HVA_DEVDAX	0x7f0000600000UL	/* 2M-aligned device-dax */
#define HVA_ZERO	0x7f0000800000UL	/* anonymous, read: the zero page */
#define HVA_RESERVED	0x7f0000a00000UL	/* VM_PFNMAP of PG_reserved RAM (/dev/mem) */
#define HVA_PFNMAP	0x7f0000c00000UL	/* VM_PFNMAP of pfns without struct page */
#define HVA_FSDAX_PMD	0x7f0000e00000UL	/* a file of 2M extents; +0x11 pages */
#define HVA_DEVDAX_4K	0x7f0001000000UL	/* device-dax with align=4K */
#define PFN_RAM		0x10000UL
#define PFN_RESERVED	0x1400UL
#define PFN_FSDAX	0x80000UL
#define PFN_FSDAX_PMD	0x80200UL
#define PFN_DEVDAX	0x40000UL
#define PFN_DEVDAX_4K	0x48000UL
#define PFN_PFNMAP	0xf0000UL

static const unsigned long kind_hva[KIND_NR] = {
	[KIND_NORMAL] = HVA_NORMAL, [KIND_THP_HEAD] = HVA_THP,
	[KIND_THP_TAIL] = HVA_THP + 0x11 * PAGE_SIZE, [KIND_FSDAX] = HVA_FSDAX,
	[KIND_FSDAX_PMD] = HVA_FSDAX_PMD + 0x11 * PAGE_SIZE, [KIND_DEVDAX] = HVA_DEVDAX,
	[KIND_DEVDAX_4K] = HVA_DEVDAX_4K, [KIND_ZERO] = HVA_ZERO,
	[KIND_RESERVED] = HVA_RESERVED, [KIND_PFNMAP] = HVA_PFNMAP,
};

struct kvm_diff_world {
	struct kvm *kvm;
	struct kvm_vcpu vcpu;
	kvm_pfn_t pfn;
	gfn_t gfn;
};

static void kvm_diff_slot(struct kvm *kvm, int id, unsigned long hva, unsigned long size)
{
	kvm->gen->set_memory_region(kvm, id, hva >> PAGE_SHIFT, size >> PAGE_SHIFT, hva, 0);
}

/*
 * Build the world and, for the 4.19-5.x generation, take KVM's reference on
 * the pfn of @kind (a 6.x generation's decide() takes its own); the world in
 * @w.
 */
static void kvm_diff_world(const struct kvm_generation *gen, enum kvm_page_kind kind,
			   struct kvm_diff_world *w)
{
	const struct ks_page_init reserved = {
		.refcount = 1, .reserved = true, .own = KS_OWN_ALLOC, .owner = "firmware",
	};
	struct mm_struct *mm;
	struct dev_pagemap *pmem;
	struct dev_dax *dev, *dev4k;
	struct file *file, *file2m;
	bool writable;

	ks_era_select(KS_ERA_5_2);
	mm = ks_mm_create();
	current->mm = mm;
	ks_ram_add(PFN_RAM, 2048);
	ks_page_setup(PFN_RESERVED, &reserved);
	pmem = ks_pmem_create("pmem0", PFN_FSDAX, 2 * PAGES_PER_SECTION);
	file = ks_fsdax_file_create("file", pmem, PFN_FSDAX, 16);
	file2m = ks_fsdax_file_create("file2m", pmem, PFN_FSDAX_PMD, HPAGE_PMD_NR);
	file2m->pmd_extents = true;
	dev = ks_dev_dax_create("dax0.0", PFN_DEVDAX, PAGES_PER_SECTION, PMD_SIZE);
	dev4k = ks_dev_dax_create("dax1.0", PFN_DEVDAX_4K, PAGES_PER_SECTION, PAGE_SIZE);
	ks_mmap_anon(mm, HVA_NORMAL, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_anon(mm, HVA_THP, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_mmap_file(mm, HVA_FSDAX, 16 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ks_mmap_dev_dax(mm, HVA_DEVDAX, PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_mmap_anon(mm, HVA_ZERO, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_pfnmap(mm, HVA_RESERVED, PAGE_SIZE, PFN_RESERVED, PROT_READ | PROT_WRITE);
	ks_mmap_pfnmap(mm, HVA_PFNMAP, 16 * PAGE_SIZE, PFN_PFNMAP, PROT_READ | PROT_WRITE);
	ks_mmap_file(mm, HVA_FSDAX_PMD, PMD_SIZE, file2m, 0, PROT_READ | PROT_WRITE);
	ks_mmap_dev_dax(mm, HVA_DEVDAX_4K, PMD_SIZE, dev4k, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA_NORMAL, PAGE_SIZE, true);
	ks_populate(mm, HVA_THP, PMD_SIZE, true);
	ks_populate(mm, HVA_FSDAX, PAGE_SIZE, true);
	ks_populate(mm, HVA_DEVDAX, PMD_SIZE, true);
	ks_populate(mm, HVA_ZERO, PAGE_SIZE, false);
	ks_populate(mm, HVA_FSDAX_PMD, PMD_SIZE, true);
	ks_populate(mm, HVA_DEVDAX_4K, PAGE_SIZE, true);

	w->kvm = gen->create_vm(mm);
	kvm_diff_slot(w->kvm, 0, HVA_NORMAL, PMD_SIZE);
	kvm_diff_slot(w->kvm, 1, HVA_THP, PMD_SIZE);
	kvm_diff_slot(w->kvm, 2, HVA_FSDAX, 16 * PAGE_SIZE);
	kvm_diff_slot(w->kvm, 3, HVA_DEVDAX, PMD_SIZE);
	kvm_diff_slot(w->kvm, 4, HVA_ZERO, PMD_SIZE);
	kvm_diff_slot(w->kvm, 5, HVA_RESERVED, PAGE_SIZE);
	kvm_diff_slot(w->kvm, 6, HVA_PFNMAP, 16 * PAGE_SIZE);
	kvm_diff_slot(w->kvm, 7, HVA_FSDAX_PMD, PMD_SIZE);
	kvm_diff_slot(w->kvm, 8, HVA_DEVDAX_4K, PMD_SIZE);
	w->vcpu = (struct kvm_vcpu){ .kvm = w->kvm, .vcpu_id = 0, .name = "vcpu0" };
	w->gfn = kind_hva[kind] >> PAGE_SHIFT;
	if (gen->decide)
		return;
	/* the reference KVM's fault takes: a read of the zero page, else a write */
	w->pfn = hva_to_pfn(kind_hva[kind], false, NULL, kind != KIND_ZERO, &writable);
}

static int kvm_diff_count(kvm_pfn_t pfn)
{
	return pfn_valid(pfn) ? page_count(pfn_to_page(pfn)) : -1;
}

/* A decision's value for @v on @kind: "yes", "no" or "-" (not in this variant). */
static const char *kvm_diff_decide(const struct ks_variant *v,
				   enum kvm_page_kind kind, enum kvm_decision dec)
{
	const struct kvm_variant_ops *saved = kvm_ops;
	const struct kvm_variant_ops *ops = v->ops;
	const struct kvm_generation *gen = kvm_variant_gen(v);
	struct kvm_diff_world w;
	const char *r = "no";
	kvm_pfn_t pfn;
	int before;

	ks_direct_begin();
	gen->select(v->ops);
	kvm_diff_world(gen, kind, &w);
	if (gen->decide) {
		r = gen->decide(w.kvm, &w.vcpu, kind_hva[kind], kind != KIND_ZERO, (int)dec);
		goto out;
	}
	pfn = w.pfn;
	before = kvm_diff_count(pfn);
	switch (dec) {
	case DEC_RESERVED:
		r = kvm_is_reserved_pfn(pfn) ? "yes" : "no";
		break;
	case DEC_ZONE_DEVICE:
		if (!ops->kvm_is_zone_device_pfn)
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
		/* gup's FOLL_TOUCH marked it already: only what KVM does counts */
		if (pfn_valid(pfn))
			ClearPageReferenced(pfn_to_page(pfn));
		kvm_set_pfn_accessed(pfn);
		r = pfn_valid(pfn) && PageReferenced(pfn_to_page(pfn)) ? "yes" : "no";
		break;
	case DEC_THP_ADJUST: {
		gfn_t gfn = w.gfn;
		int level = PT_PAGE_TABLE_LEVEL;

		if (!ops->transparent_hugepage_adjust) {
			r = "-";	/* this kernel decides elsewhere */
			break;
		}
		spin_lock(&w.kvm->mmu_lock);
		transparent_hugepage_adjust(&w.vcpu, &gfn, &pfn, &level);
		spin_unlock(&w.kvm->mmu_lock);
		r = level == PT_DIRECTORY_LEVEL ? "yes" : "no";
		break;
	}
	case DEC_FAULT_HUGE: {
		/* the variant's whole fault path: whichever function decides the level */
		struct kvm_memory_slot *slot = gfn_to_memslot(w.kvm, w.gfn);

		kvm_mmu_page_fault(&w.vcpu, (gpa_t)w.gfn << PAGE_SHIFT,
				   kind == KIND_ZERO ? 0 : PFERR_WRITE_MASK);
		r = slot && kvm_spte_at(slot, w.gfn, PT_DIRECTORY_LEVEL)->present ? "yes" : "no";
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
out:
	if (dec != DEC_WARN && ks_violation_count_of("warn"))
		r = !strcmp(r, "yes") ? "yes (WARN)" : "no (WARN)";
	ks_direct_end();
	kvm_ops = saved;
	return r;
}

int ks_decision_table(const struct ks_variant *const *variants, size_t n,
		      struct ks_decision_table *t)
{
	size_t k, d, v;

	memset(t, 0, sizeof(*t));
	t->cells = calloc(KIND_NR * DEC_NR * (n ? n : 1), sizeof(*t->cells));
	if (!t->cells)
		return -1;
	t->variants = variants;
	t->nvariants = n;
	t->kinds = kind_names;
	t->nkinds = KIND_NR;
	t->decisions = decision_names;
	t->ndecisions = DEC_NR;
	for (k = 0; k < KIND_NR; k++)
		for (d = 0; d < DEC_NR; d++)
			for (v = 0; v < n; v++)
				t->cells[(k * DEC_NR + d) * n + v] =
					kvm_diff_decide(variants[v], (enum kvm_page_kind)k,
							(enum kvm_decision)d);
	return 0;
}

void ks_decision_table_free(struct ks_decision_table *t)
{
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

const char *ks_decision_cell(const struct ks_decision_table *t, size_t kind, size_t dec,
			     size_t variant)
{
	return t->cells[(kind * t->ndecisions + dec) * t->nvariants + variant];
}

/*
 * A predicate a variant lacks ("-") answers as "no" would: only a different
 * answer is a change.
 */
static bool same_answer(const char *a, const char *b)
{
	if (!strcmp(a, "-"))
		a = "no";
	if (!strcmp(b, "-"))
		b = "no";
	return !strcmp(a, b);
}

bool ks_decision_row_differs(const struct ks_decision_table *t, size_t kind, size_t dec)
{
	size_t v;

	for (v = 1; v < t->nvariants; v++)
		if (!same_answer(ks_decision_cell(t, kind, dec, 0),
				 ks_decision_cell(t, kind, dec, v)))
			return true;
	return false;
}

int ks_variant_diff(const struct ks_variant *a, const struct ks_variant *b, bool all,
		    struct ks_buf *out)
{
	const struct ks_variant *pair[2] = { a, b };
	struct ks_decision_table t;
	size_t k, d;
	int ndiff = 0;

	if (ks_decision_table(pair, 2, &t))
		return -1;
	ks_buf_printf(out, "decision table: %s -> %s (each variant's code run on one page of each kind,\n"
			   "holding the reference gup gave KVM)%s\n\n", a->name, b->name,
		      all ? "" : "; the rows that differ");
	ks_buf_printf(out, "%-20s %-38s %-16s %-16s\n", "page", "decision", a->name, b->name);
	for (k = 0; k < t.nkinds; k++) {
		bool named = false;

		for (d = 0; d < t.ndecisions; d++) {
			bool differs = ks_decision_row_differs(&t, k, d);

			ndiff += differs;
			if (!differs && !all)
				continue;
			ks_buf_printf(out, "%-20s %-38s %-16s %-16s%s\n",
				      named ? "" : t.kinds[k], t.decisions[d],
				      ks_decision_cell(&t, k, d, 0), ks_decision_cell(&t, k, d, 1),
				      differs && all ? "  <-- differs" : "");
			named = true;
		}
	}
	ks_decision_table_free(&t);
	return ndiff;
}
