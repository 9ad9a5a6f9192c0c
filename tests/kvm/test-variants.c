// SPDX-License-Identifier: GPL-2.0
/*
 * The lifted KVM functions, variant by variant, on single pages (direct
 * mode), and the decision table of `kvmsim diff`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmsim/run.h>
#include <kvmsim/variant.h>

#include "kvm/kvm.h"

#include "linux/memremap.h"

#include "../ks-check.h"

#define DEVDAX_PFN 0x20000UL

static const struct kvm_variant_ops *use(const char *name)
{
	const struct ks_variant *v = ks_variant_lookup(name);

	ck_assert_msg(v != NULL, "variant %s is registered", name);
	kvm_ops = v->ops;
	return v->ops;
}

/* A device-dax page with the reference gup gave KVM (refcount 2). */
static kvm_pfn_t devdax_page_with_gup_ref(void)
{
	struct dev_pagemap *pgmap = ks_alloc(sizeof(*pgmap));

	ks_era_select(KS_ERA_5_2);
	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->start_pfn = DEVDAX_PFN;
	pgmap->nr_pages = PAGES_PER_SECTION;
	pgmap->name = "dax0.0";
	memremap_pages(pgmap, 0);
	get_page(pfn_to_page(DEVDAX_PFN));
	ck_assert_int_eq(page_count(pfn_to_page(DEVDAX_PFN)), 2);
	return DEVDAX_PFN;
}

/*
 * Before a78986aae9b2 (v4.19, and v5.4-rc7 whose release moved but whose
 * predicate did not) a device-dax page is reserved and its gup reference is
 * never put (D1).
 */
START_TEST(test_devdax_reserved_no_put)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7" };
	kvm_pfn_t pfn;

	ks_direct_begin();
	use(variants[_i]);
	pfn = devdax_page_with_gup_ref();
	ck_assert(kvm_is_reserved_pfn(pfn));
	kvm_release_pfn_clean(pfn);
	ck_assert_int_eq(page_count(pfn_to_page(pfn)), 2);
	ks_direct_end();
}
END_TEST

/* v5.4 (a78986aae9b2) puts the gup reference and neither dirties nor ages the page. */
START_TEST(test_v5_4_devdax_refcounted)
{
	kvm_pfn_t pfn;
	struct page *page;

	ks_direct_begin();
	use("v5.4");
	pfn = devdax_page_with_gup_ref();
	page = pfn_to_page(pfn);
	ck_assert(!kvm_is_reserved_pfn(pfn));
	ck_assert(kvm_is_zone_device_pfn(pfn));
	kvm_set_pfn_dirty(pfn);
	kvm_set_pfn_accessed(pfn);
	ck_assert(!PageDirty(page));
	ck_assert(!PageReferenced(page));
	kvm_release_pfn_clean(pfn);
	ck_assert_int_eq(page_count(page), 1);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* v5.4's kvm_is_zone_device_pfn() WARNs on a page nobody holds a reference to. */
START_TEST(test_v5_4_zone_device_warns_at_refcount_zero)
{
	ks_direct_begin();
	use("v5.4");
	ks_memmap_add(0, PAGES_PER_SECTION, ZONE_NORMAL);
	/* a free page: refcount 0 */
	ck_assert(!kvm_is_zone_device_pfn(0x10));
	ck_assert_violations("warn", 1);
	ks_direct_end();
}
END_TEST

/* A pfn without a struct page (VM_PFNMAP) is reserved in every variant. */
START_TEST(test_pfnmap_reserved_everywhere)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++) {
		if (kvm_variant_gen(ks_variant_at(i)) != &kvm_gen_4_19)
			continue;	/* 6.x asks kvm_pfn_to_refcounted_page(): the table's test */
		ks_direct_begin();
		kvm_ops = ks_variant_at(i)->ops;
		ck_assert(kvm_is_reserved_pfn(0xf0000));
		ks_direct_end();
	}
}
END_TEST

/* The mutants differ from v5.4 exactly in kvm_release_pfn_clean's put count. */
START_TEST(test_mutant_puts)
{
	static const struct {
		const char *name;
		int after;
	} cases[] = { { "v5.4", 1 }, { "mut-missing-put", 2 } };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kvm_pfn_t pfn;

		ks_direct_begin();
		use(cases[i].name);
		pfn = devdax_page_with_gup_ref();
		kvm_release_pfn_clean(pfn);
		ck_assert_int_eq(page_count(pfn_to_page(pfn)), cases[i].after);
		ks_direct_end();
	}
}
END_TEST

/* The row of (@kind, @decision) in @t: its kind and decision indices. */
static void table_row(const struct ks_decision_table *t, const char *kind, const char *decision,
		      size_t *k, size_t *d)
{
	for (*k = 0; *k < t->nkinds && strcmp(t->kinds[*k], kind); (*k)++)
		;
	for (*d = 0; *d < t->ndecisions && strcmp(t->decisions[*d], decision); (*d)++)
		;
	ck_assert_msg(*k < t->nkinds && *d < t->ndecisions, "row %s / %s", kind, decision);
}

/*
 * `kvmsim diff v5.4-rc7 v5.4` shows exactly what a78986aae9b2 changed: the
 * reserved, zone-device, release and get rows of the ZONE_DEVICE kinds
 * (fsdax, device-dax) and nothing else.
 */
START_TEST(test_diff_a78986aae9b2)
{
	const struct ks_variant *pair[2] = { ks_variant_lookup("v5.4-rc7"),
					     ks_variant_lookup("v5.4") };
	static const char *const rows[] = { "kvm_is_reserved_pfn", "kvm_is_zone_device_pfn",
					    "kvm_release_pfn_clean puts", "kvm_get_pfn takes a ref" };
	struct ks_decision_table t;
	struct ks_buf out = { 0 };
	size_t k, d, ndiff = 0;

	ck_assert_int_eq(ks_decision_table(pair, 2, &t), 0);
	for (k = 0; k < t.nkinds; k++) {
		for (d = 0; d < t.ndecisions; d++) {
			bool zd = strstr(t.kinds[k], "dax") != NULL, listed = false;
			size_t r;

			for (r = 0; r < 4; r++)
				listed |= !strcmp(t.decisions[d], rows[r]);
			ck_assert_msg(ks_decision_row_differs(&t, k, d) == (zd && listed),
				      "%s / %s: %s, %s", t.kinds[k], t.decisions[d],
				      ks_decision_cell(&t, k, d, 0), ks_decision_cell(&t, k, d, 1));
			ndiff += ks_decision_row_differs(&t, k, d);
		}
	}
	/* four rows on each of fsdax 4K, fsdax in a PMD, device-dax 2M and 4K */
	ck_assert_uint_eq(ndiff, 16);
	ck_assert_int_eq(ks_variant_diff(pair[0], pair[1], false, &out), 16);
	ck_assert_ptr_nonnull(strstr(out.s, "fsdax 4K"));
	ck_assert_ptr_null(strstr(out.s, "THP tail"));	/* only the rows that differ */
	ks_buf_free(&out);
	ck_assert_int_eq(ks_variant_diff(pair[0], pair[1], true, &out), 16);
	ck_assert_ptr_nonnull(strstr(out.s, "THP tail"));
	ck_assert_ptr_nonnull(strstr(out.s, "<-- differs"));
	ks_buf_free(&out);
	ks_decision_table_free(&t);
}
END_TEST

/*
 * Every variant's decisions on every page kind are those of
 * tests/kvm/decision-table.txt, each row of which cites the kernel-semantics
 * row it follows; and the file covers every row of the table.
 */
START_TEST(test_decision_table_golden)
{
	const char *src = getenv("KVMSIM_SRCDIR");
	const struct ks_variant *v[16];
	struct ks_decision_table t;
	char path[4096], line[512], kind[64] = "";
	size_t nv = 0, k, d, i, nrows = 0;
	bool *seen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/kvm/decision-table.txt", src ? src : KVMSIM_SRCDIR);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) && !nv) {
		char *tok, *save = NULL;

		if (strncmp(line, "# variants:", 11))
			continue;
		for (tok = strtok_r(line + 11, " \n", &save); tok && nv < 16;
		     tok = strtok_r(NULL, " \n", &save)) {
			v[nv] = ks_variant_lookup(tok);
			ck_assert_msg(v[nv] != NULL, "variant %s", tok);
			nv++;
		}
	}
	ck_assert_uint_ge(nv, 6);
	ck_assert_int_eq(ks_decision_table(v, nv, &t), 0);
	seen = calloc(t.nkinds * t.ndecisions, sizeof(*seen));
	while (fgets(line, sizeof(line), f)) {
		char *bar = strchr(line, '|'), *end, *cell[16];
		size_t n = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == '[') {
			end = strchr(line, ']');
			ck_assert_ptr_nonnull(end);
			snprintf(kind, sizeof(kind), "%.*s", (int)(end - line - 1), line + 1);
			continue;
		}
		ck_assert_msg(bar && strstr(bar, "b."), "a row cites its semantics row: %s", line);
		*bar = '\0';
		/* the cells are the last nv words; the decision is what comes before */
		for (end = bar; n < nv; n++) {
			while (end > line && end[-1] == ' ')
				*--end = '\0';
			while (end > line && end[-1] != ' ')
				end--;
			cell[nv - 1 - n] = end;
		}
		while (end > line && end[-1] == ' ')
			*--end = '\0';
		table_row(&t, kind, line, &k, &d);
		seen[k * t.ndecisions + d] = true;
		nrows++;
		for (i = 0; i < nv; i++)
			ck_assert_msg(!strcmp(ks_decision_cell(&t, k, d, i), cell[i]),
				      "%s / %s on %s: %s, expected %s", kind, line, v[i]->name,
				      ks_decision_cell(&t, k, d, i), cell[i]);
	}
	fclose(f);
	for (k = 0; k < t.nkinds; k++)
		for (d = 0; d < t.ndecisions; d++)
			ck_assert_msg(seen[k * t.ndecisions + d], "the file has %s / %s",
				      t.kinds[k], t.decisions[d]);
	ck_assert_uint_eq(nrows, t.nkinds * t.ndecisions);
	free(seen);
	ks_decision_table_free(&t);
}
END_TEST

/* The same variant against itself differs nowhere. */
START_TEST(test_diff_self)
{
	struct ks_buf out = { 0 };

	ck_assert_int_eq(ks_variant_diff(ks_variant_lookup("v5.4"),
					 ks_variant_lookup("v5.4"), true, &out), 0);
	ks_buf_free(&out);
}
END_TEST

/*
 * A review variant in the shape of 5.6's host-mapping-level THP adjust: walk
 * the host page tables of the VM's mm for the gfn's hva and map 2M where the
 * host maps a PMD.  The decision table must run it on a real mm, VMAs and
 * memslots (it used to hand it a bare vcpu with no VM behind it).
 */
static void walk_thp_adjust(struct kvm_vcpu *vcpu, gfn_t *gfnp,
			    kvm_pfn_t *pfnp, int *levelp)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, *gfnp);
	unsigned long mask = KVM_PAGES_PER_HPAGE(PT_DIRECTORY_LEVEL) - 1;
	enum pg_level host_level;
	pte_t pte;

	if (!slot || *levelp != PT_PAGE_TABLE_LEVEL ||
	    !lookup_address_in_mm(vcpu->kvm->mm, gfn_to_hva_memslot(slot, *gfnp),
				  &pte, &host_level) ||
	    host_level != PG_LEVEL_2M)
		return;
	*levelp = PT_DIRECTORY_LEVEL;
	if (*pfnp & mask) {
		kvm_release_pfn_clean(*pfnp);
		*pfnp &= ~mask;
		*gfnp &= ~mask;
		kvm_get_pfn(*pfnp);
	}
}

/* Declared as an out-of-tree variant is, and registered at run time. */
static struct kvm_variant_def walk_variant = {
	.v = { .name = "test-walk-host-pmd", .base = "v5.4",
	       .kernel = "test variant", .summary = "THP adjust from the host PMD",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .transparent_hugepage_adjust = walk_thp_adjust },
};

START_TEST(test_diff_runs_walking_variant)
{
	const struct ks_variant *pair[2];
	struct ks_decision_table t;
	size_t k, d;

	if (!ks_variant_lookup(walk_variant.v.name))
		ck_assert_int_eq(kvm_variant_def_register(&walk_variant), 0);
	pair[0] = ks_variant_lookup("v5.4");
	pair[1] = ks_variant_lookup(walk_variant.v.name);
	ck_assert_int_eq(ks_decision_table(pair, 2, &t), 0);
	/* device-dax is mapped by a host PMD: it now maps 2M; THP still does */
	table_row(&t, "device-dax 2M", "transparent_hugepage_adjust maps 2M", &k, &d);
	ck_assert_str_eq(ks_decision_cell(&t, k, d, 0), "no");
	ck_assert_str_eq(ks_decision_cell(&t, k, d, 1), "yes");
	table_row(&t, "THP tail", "transparent_hugepage_adjust maps 2M", &k, &d);
	ck_assert_str_eq(ks_decision_cell(&t, k, d, 1), "yes");
	ks_decision_table_free(&t);
}
END_TEST

/* More present SPTEs than the oracles track is said (model-limit), never skipped. */
START_TEST(test_present_spte_limit)
{
	struct kvm *kvm;
	gfn_t gfn;

	ks_direct_begin();
	kvm = ks_alloc(sizeof(*kvm));
	kvm_set_memory_region(kvm, 0, 0, KVM_MAX_PRESENT + 1, 0x7f0000000000UL, 0);
	for (gfn = 0; gfn < KVM_MAX_PRESENT; gfn++)
		set_spte(kvm, kvm_spte_at(&kvm->memslots[0], gfn, PT_PAGE_TABLE_LEVEL),
			 PT_PAGE_TABLE_LEVEL, gfn, 0x1000 + gfn, false, true);
	ck_assert_violations("model-limit", 0);
	set_spte(kvm, kvm_spte_at(&kvm->memslots[0], gfn, PT_PAGE_TABLE_LEVEL),
		 PT_PAGE_TABLE_LEVEL, gfn, 0x1000 + gfn, false, true);
	ck_assert_violations("model-limit", 1);
	ks_direct_end();
}
END_TEST

/* A VM with one 4K memslot of 16 gfns over anonymous pages 0x1000.. (not mapped by the host). */
static struct kvm_vcpu *spte_world(void)
{
	static struct kvm_vcpu vcpu;
	const struct ks_page_init anon = { .refcount = 1, .own = KS_OWN_ALLOC, .owner = "anon" };
	struct kvm *kvm = kvm_create_vm(ks_mm_create());
	unsigned long i;

	for (i = 0; i < 16; i++)
		ks_page_setup(0x1000 + i, &anon);
	kvm_set_memory_region(kvm, 0, 0, 16, 0x7f0000000000UL, 0);
	vcpu = (struct kvm_vcpu){ .kvm = kvm, .vcpu_id = 0, .name = "vcpu0" };
	return &vcpu;
}

/*
 * v4.19 mmu_set_spte() over a present SPTE (issue 7.2): another pfn drops the
 * old SPTE first, its Accessed and Dirty reaching the old page; the same pfn
 * made read-only pushes the Dirty bit the new SPTE loses (mmu_spte_update()).
 */
START_TEST(test_mmu_set_spte_over_present)
{
	static const char *const variants[] = { "v4.19", "v5.4" };
	struct kvm_vcpu *vcpu;
	struct kvm_spte *sptep;
	struct page *a, *b;

	ks_direct_begin();
	use(variants[_i]);
	vcpu = spte_world();
	sptep = kvm_spte_at(&vcpu->kvm->memslots[0], 3, PT_PAGE_TABLE_LEVEL);
	a = pfn_to_page(0x1003);
	b = pfn_to_page(0x1004);
	get_page(a);		/* gup's reference, which 4.19 releases inside */
	mmu_set_spte(vcpu, sptep, true, PT_PAGE_TABLE_LEVEL, 3, 0x1003, false, true);
	if (!_i)
		ck_assert_int_eq(page_count(a), 1);
	else
		put_page(a);
	ck_assert(sptep->present && sptep->dirty && sptep->accessed);
	ck_assert(!PageDirty(a));
	get_page(b);
	mmu_set_spte(vcpu, sptep, true, PT_PAGE_TABLE_LEVEL, 3, 0x1004, false, true);
	if (_i)
		put_page(b);
	ck_assert_uint_eq(sptep->pfn, 0x1004);
	ck_assert(PageDirty(a) && PageReferenced(a));
	ck_assert(!PageDirty(b));
	get_page(b);
	mmu_set_spte(vcpu, sptep, false, PT_PAGE_TABLE_LEVEL, 3, 0x1004, false, false);
	if (_i)
		put_page(b);
	ck_assert(!sptep->writable && !sptep->dirty);
	ck_assert(PageDirty(b));
	ck_assert_int_eq(page_count(a), 1);
	ck_assert_int_eq(page_count(b), 1);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * A fault on a gfn with no memslot is not an error (issue 7.3): the no-slot
 * pfn becomes an MMIO SPTE and the fault returns for emulation, instead of
 * kvm_handle_bad_page()'s -EFAULT to KVM_RUN.
 */
START_TEST(test_noslot_fault_is_mmio)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };
	struct kvm_vcpu *vcpu;

	ks_direct_begin();
	use(variants[_i]);
	vcpu = spte_world();
	ck_assert_int_eq(tdp_page_fault(vcpu, (gpa_t)0x100 << PAGE_SHIFT, PFERR_WRITE_MASK,
					false), RET_PF_EMULATE);
	ck_assert(kvm_mmio_spte_present(vcpu->kvm, 0x100));
	ck_assert(!kvm_mmio_spte_present(vcpu->kvm, 0x101));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * direct_pte_prefetch() (issue 7.4): a 4K fault at the end of an aligned
 * group of PTE_PREFETCH_NUM maps the run before it speculatively (no
 * Accessed), each page's gup reference released -- inside mmu_set_spte() in
 * 4.19, by put_page() in direct_pte_prefetch_many() from 43fdcda96e25 -- so
 * every page ends with its PTE's reference alone.  A run after the faulting
 * SPTE is not prefetched, as in the kernel's loop.
 */
START_TEST(test_prefetch_neighbours)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };
	struct kvm_memory_slot *slot;
	struct mm_struct *mm;
	struct kvm_vcpu vcpu;
	struct kvm *kvm;
	gfn_t gfn;

	ks_direct_begin();
	use(variants[_i]);
	ks_era_select(KS_ERA_5_2);
	mm = ks_mm_create();
	current->mm = mm;
	ks_ram_add(0x10000, 1024);
	ks_mmap_anon(mm, 0x7f0000000000UL, 0x200000, VM_READ | VM_WRITE);
	ks_populate(mm, 0x7f0000000000UL, 0x20000, true);
	kvm = kvm_create_vm(mm);
	kvm_set_memory_region(kvm, 0, 0, 512, 0x7f0000000000UL, 0);
	vcpu = (struct kvm_vcpu){ .kvm = kvm, .vcpu_id = 0, .name = "vcpu0" };
	slot = &kvm->memslots[0];
	ck_assert_int_eq(kvm_mmu_page_fault(&vcpu, (gpa_t)0x17 << PAGE_SHIFT, PFERR_WRITE_MASK),
			 RET_PF_RETRY);
	for (gfn = 0x10; gfn < 0x17; gfn++) {
		struct kvm_spte *sptep = kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL);

		ck_assert_msg(sptep->present && !sptep->accessed && sptep->writable,
			      "gfn 0x%llx prefetched", (unsigned long long)gfn);
		ck_assert_int_eq(page_count(pfn_to_page(sptep->pfn)), 1);
	}
	ck_assert(kvm_spte_at(slot, 0x17, PT_PAGE_TABLE_LEVEL)->accessed);
	/* a fault at the start of the next group prefetches nothing after it */
	kvm_mmu_page_fault(&vcpu, (gpa_t)0x18 << PAGE_SHIFT, PFERR_WRITE_MASK);
	ck_assert(!kvm_spte_at(slot, 0x19, PT_PAGE_TABLE_LEVEL)->present);
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* The built-ins load from the section, all of them, in list order. */
START_TEST(test_registry_builtins)
{
	const struct ks_variant *v;
	const char *fn, *commit;
	bool mutants = false, found = false;
	size_t i;

	ck_assert_uint_ge(ks_variant_count(), 7);
	ck_assert_ptr_null(ks_variant_rejected());
	ck_assert_str_eq(ks_variant_at(0)->name, "v4.19");
	for (i = 0; i < ks_variant_count(); i++) {
		v = ks_variant_at(i);
		/* registered at run time by another test (CK_FORK=no): listed last */
		if (!strncmp(v->name, "test-", 5) || !strncmp(v->name, "t-", 2))
			continue;
		ck_assert_msg(!mutants || v->mutant, "%s listed after a mutant", v->name);
		mutants = v->mutant;
		if (kvm_variant_gen(v) == &kvm_gen_6) {
			const struct kvm6_variant_ops *ops6 = v->ops;

			ck_assert_ptr_nonnull(ops6->kvm_tdp_mmu_page_fault);
			ck_assert_ptr_nonnull(ops6->tdp_mmu_zap_leafs);
			continue;
		}
		ck_assert_ptr_nonnull(((const struct kvm_variant_ops *)v->ops)->kvm_is_reserved_pfn);
		ck_assert_ptr_nonnull(((const struct kvm_variant_ops *)v->ops)->tdp_page_fault);
	}
	v = ks_variant_lookup("v5.4");
	for (i = 0; (fn = ks_variant_replacement(v, i, &commit, NULL)); i++)
		if (!strcmp(fn, "kvm_is_reserved_pfn")) {
			ck_assert_str_eq(commit, "a78986aae9b2");
			found = true;
		}
	ck_assert(found);
	ck_assert_uint_eq(i, 5);
	/* the parent's functions where v5.4 replaces none */
	ck_assert_ptr_eq(use("v5.4")->tdp_page_fault, use("v5.4-rc7")->tdp_page_fault);
	ck_assert_ptr_ne(use("v5.4")->kvm_is_reserved_pfn, use("v4.19")->kvm_is_reserved_pfn);
}

/*
 * The 6.x generation: v6.13 builds on v6.6-stable, removes the pfn-based
 * helpers (93b7da404f5b) and adds kvm_release_faultin_page(); a 6.x variant
 * cannot build on a 4.19-5.x one.
 */
START_TEST(test_registry_generations)
{
	const struct ks_variant *v66 = ks_variant_lookup("v6.6-stable");
	const struct ks_variant *v613 = ks_variant_lookup("v6.13");
	const struct kvm6_variant_ops *o66, *o613;
	static struct kvm_variant_def cross = {
		.v = { .name = "t-cross-gen", .base = "v5.4" },
		.gen = &kvm_gen_6,
	};
	const char *fn, *commit;
	bool removed, saw_removed = false;
	size_t i;

	ck_assert_ptr_nonnull(v66);
	ck_assert_ptr_nonnull(v613);
	ck_assert_ptr_eq(kvm_variant_gen(v66), &kvm_gen_6);
	ck_assert_ptr_eq(kvm_variant_gen(ks_variant_lookup("v5.6")), &kvm_gen_4_19);
	o66 = v66->ops;
	o613 = v613->ops;
	ck_assert_ptr_nonnull(o66->kvm_release_pfn_clean);
	ck_assert_ptr_null(o66->kvm_release_faultin_page);
	ck_assert_ptr_null(o613->kvm_release_pfn_clean);
	ck_assert_ptr_null(o613->kvm_pfn_to_refcounted_page);
	ck_assert_ptr_nonnull(o613->kvm_release_faultin_page);
	/* what v6.13 does not replace is v6.6-stable's */
	ck_assert_ptr_eq(o613->tdp_mmu_zap_leafs, o66->tdp_mmu_zap_leafs);
	for (i = 0; (fn = ks_variant_replacement(v613, i, &commit, &removed)); i++)
		if (!strcmp(fn, "kvm_release_pfn_clean")) {
			ck_assert(removed);
			ck_assert_str_eq(commit, "93b7da404f5b");
			saw_removed = true;
		}
	ck_assert(saw_removed);
	ck_assert_int_eq(kvm_variant_def_register(&cross), -1);
	ck_assert_ptr_nonnull(strstr(ks_variant_rejected(), "cannot build on 'v5.4'"));
}
END_TEST
END_TEST

static void noop_release(kvm_pfn_t pfn)
{
	(void)pfn;
}

/* A declaration that does not check out is refused, saying why. */
START_TEST(test_registry_rejects)
{
	static struct kvm_variant_def bad[] = {
		{ .v = { .name = "t-no-base", .base = "v9.9", .kernel = "t" },
		  .replaces = { .kvm_release_pfn_clean = noop_release } },
		{ .v = { .name = "t-commit-only", .base = "v5.4", .kernel = "t" },
		  .commits = { .kvm_get_pfn = "deadbeef" } },
		{ .v = { .name = "v5.4", .base = "v4.19", .kernel = "t" } },
		{ .v = { .name = "t-rootless", .kernel = "t" },
		  .replaces = { .kvm_release_pfn_clean = noop_release } },
		{ .v = { .name = "t-mutant", .base = "v5.4", .kernel = "t", .mutant = true,
			 .catches = "nothing" } },
	};
	static const char *const why[] = {
		"variant 't-no-base': unknown base 'v9.9'",
		"variant 't-commit-only' names a commit for kvm_get_pfn() but does not replace it",
		"variant 'v5.4' is already registered",
		"variant 't-rootless' has no kvm_is_reserved_pfn()",
		"mutant 't-mutant' names no known oracle that catches it",
	};
	size_t n = ks_variant_count(), i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(kvm_variant_def_register(&bad[i]), -1);
		ck_assert_str_eq(ks_variant_rejected(), why[i]);
	}
	ck_assert_uint_eq(ks_variant_count(), n);
}
END_TEST

static Suite *variants_suite(void)
{
	Suite *s = suite_create("kvm-variants");
	TCase *tc = tcase_create("predicates");

	tcase_add_loop_test(tc, test_devdax_reserved_no_put, 0, 2);
	tcase_add_test(tc, test_v5_4_devdax_refcounted);
	tcase_add_test(tc, test_v5_4_zone_device_warns_at_refcount_zero);
	tcase_add_test(tc, test_pfnmap_reserved_everywhere);
	tcase_add_test(tc, test_mutant_puts);
	tcase_add_test(tc, test_present_spte_limit);
	tcase_add_loop_test(tc, test_mmu_set_spte_over_present, 0, 2);
	tcase_add_loop_test(tc, test_noslot_fault_is_mmio, 0, 3);
	tcase_add_loop_test(tc, test_prefetch_neighbours, 0, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("diff");
	tcase_add_test(tc, test_diff_a78986aae9b2);
	tcase_add_test(tc, test_diff_self);
	tcase_add_test(tc, test_decision_table_golden);
	tcase_add_test(tc, test_diff_runs_walking_variant);
	suite_add_tcase(s, tc);
	tc = tcase_create("registry");
	tcase_add_test(tc, test_registry_builtins);
	tcase_add_test(tc, test_registry_generations);
	tcase_add_test(tc, test_registry_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(variants_suite());
}
