// SPDX-License-Identifier: GPL-2.0
/*
 * struct dev_pagemap and ZONE_DEVICE pages in each mm era: initial
 * references, get_dev_pagemap() once dying, the page-refcount -> pgmap
 * coupling, and memunmap_pages() teardown order, blocking and hangs
 * (docs/semantics.md c.1-c.3).
 */
#include "linux/memremap.h"
#include "linux/mm.h"
#include "linux/page_ref.h"

#include "shim-check.h"

#define DEV 0x10000UL

static struct dev_pagemap *pgmap_create(enum memory_type type, unsigned long nr,
					unsigned int shift)
{
	struct dev_pagemap *pgmap = ks_alloc(sizeof(*pgmap));

	pgmap->type = type;
	pgmap->start_pfn = DEV;
	pgmap->nr_pages = nr;
	pgmap->vmemmap_shift = shift;
	pgmap->name = "dax0";
	ck_assert_ptr_nonnull(memremap_pages(pgmap, 0));
	return pgmap;
}

static struct dev_pagemap *devdax(void)
{
	return pgmap_create(MEMORY_DEVICE_GENERIC, PAGES_PER_SECTION, 0);
}

static bool logged_on(const char *func, ks_obj_t obj)
{
	long i = -1;

	while ((i = shim_log_find(func, (size_t)(i + 1))) >= 0)
		if (ks_log_row(i)->obj == obj)
			return true;
	return false;
}

/* ---- failure paths ---- */

/* Drop the memmap's idle reference of @page, as memunmap_pages() does. */
static void memmap_put(struct page *page)
{
	KS_OWNER(KS_OWN_MEMMAP, 0);

	put_page(page);
}

/* get_dev_pagemap() fails once the pgmap is dying; a live one is referenced per lookup. */
START_TEST(test_get_dev_pagemap_after_kill)
{
	struct dev_pagemap *pgmap = devdax();
	long count = pgmap->ref.count;

	ck_assert_ptr_eq(get_dev_pagemap(DEV + 1, NULL), pgmap);
	ck_assert_int_eq(pgmap->ref.count, count + 1);
	/* a cached pgmap covering the pfn is returned as is */
	ck_assert_ptr_eq(get_dev_pagemap(DEV + 2, pgmap), pgmap);
	ck_assert_int_eq(pgmap->ref.count, count + 1);
	/* a cached one that does not cover it is put, then the lookup fails */
	ck_assert_ptr_null(get_dev_pagemap(DEV + PAGES_PER_SECTION, pgmap));
	ck_assert_int_eq(pgmap->ref.count, count);
	percpu_ref_kill(&pgmap->ref);
	ck_assert_ptr_null(get_dev_pagemap(DEV + 1, NULL));
	ck_assert_int_eq(pgmap->ref.count, count - 1);
	put_dev_pagemap(NULL);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* mm-5.18: a device-dax page put to 0 WARNs once per run, as free_zone_device_page() does. */
START_TEST(test_devdax_overput_warns_5_18)
{
	struct page *page;

	ks_era_select(KS_ERA_5_18);
	devdax();
	page = pfn_to_page(DEV);
	memmap_put(page);
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_violations("warn", 1);
	ck_assert(shim_violation_says("warn", "free_zone_device_page without ops->page_free"));
	memmap_put(pfn_to_page(DEV + 1));
	ck_assert_violations("warn", 1);
	memmap_put(page);
	ck_assert_violations("refcount", 1);
}
END_TEST

/* memremap_pages() of a memory type the model does not know is a "bug". */
START_TEST(test_unmodelled_type)
{
	struct dev_pagemap *pgmap = ks_alloc(sizeof(*pgmap));

	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->start_pfn = DEV;
	pgmap->nr_pages = 1;
	ck_assert_ptr_null(memremap_pages(pgmap, 0));
	ck_assert_violations("bug", 1);
	ck_assert(!pfn_valid(DEV));
}
END_TEST

/* Direct mode: memunmap_pages() with a leaked page reference records a hang naming the holder. */
START_TEST(test_memunmap_leak_direct)
{
	struct dev_pagemap *pgmap = devdax();

	get_page(pfn_to_page(DEV + 7));
	memunmap_pages(pgmap);
	ck_assert_violations("hang", 1);
	ck_assert(shim_violation_says("hang", "pgmap dax0 has 1 reference(s): page 0x10007 refcount 1 "
				      "(ref by main at step "));
}
END_TEST

/* ---- initialisation and the refcount coupling ---- */

/* Each era initialises device-dax pages at refcount 1 (PG_reserved) and one pgmap ref per page. */
START_TEST(test_init_devdax)
{
	struct dev_pagemap *pgmap;
	struct page *page;
	struct ks_buf b = { 0 };

	ks_era_select((enum ks_era_id)_i);
	pgmap = devdax();
	page = pfn_to_page(DEV + 9);
	ck_assert(pfn_valid(DEV + 9));
	ck_assert_int_eq(page_count(page), 1);
	ck_assert(PageReserved(page));
	ck_assert(is_zone_device_page(page));
	ck_assert_ptr_eq(page->pgmap, pgmap);
	ck_assert_int_eq(ks_pgmap_idle_refcount(pgmap), 1);
	ck_assert_ledger(page);
	ck_assert_int_eq(pgmap->ref.count, 1 + PAGES_PER_SECTION);
	ck_assert_int_eq(pgmap->ref.state, PERCPU_REF_LIVE);
	ks_pgmap_refs_describe(pgmap, &b);
	if (_i <= KS_ERA_5_2)
		ck_assert_str_eq(b.s, "page 0x10000 refcount 1 (memmap init ref); "
				 "page 0x10001 refcount 1 (memmap init ref); page 0x10002 refcount 1 "
				 "(memmap init ref); page 0x10003 refcount 1 (memmap init ref); "
				 "percpu_ref initial ref; 508 more page(s)");
	else
		ck_assert_str_eq(b.s, "percpu_ref initial ref; 512 memmap init ref(s)");
	ks_buf_free(&b);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* fsdax pages are idle at refcount 1 until mm-6.15, at 0 from then on. */
START_TEST(test_init_fsdax)
{
	struct dev_pagemap *pgmap;

	ks_era_select((enum ks_era_id)_i);
	pgmap = pgmap_create(MEMORY_DEVICE_FS_DAX, 16, 0);
	ck_assert_int_eq(ks_pgmap_idle_refcount(pgmap), _i == KS_ERA_6_15 ? 0 : 1);
	ck_assert_int_eq(page_ref_count(pfn_to_page(DEV + 3)), _i == KS_ERA_6_15 ? 0 : 1);
	ck_assert_ledger(pfn_to_page(DEV + 3));
	ck_assert_int_eq(pgmap->ref.count, 17);
}
END_TEST

/* Until mm-5.17 a device page dropping to 0 returns its pgmap reference. */
START_TEST(test_page_to_zero_puts_pgmap)
{
	struct dev_pagemap *pgmap;
	struct page *page;

	ks_era_select((enum ks_era_id)_i);
	pgmap = devdax();
	page = pfn_to_page(DEV + 4);
	get_page(page);
	put_page(page);
	ck_assert_int_eq(pgmap->ref.count, 1 + PAGES_PER_SECTION);
	memmap_put(page);
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_int_eq(pgmap->ref.count, PAGES_PER_SECTION);
	ck_assert(logged_on("percpu_ref_put", KS_OBJ(KS_OBJ_PGMAP, pgmap->id)));
	/* a released page is free: another get is a refcount violation */
	get_page(page);
	ck_assert_violations("refcount", 1);
	ks_audit();
	ck_assert_violations("audit", 0);
}
END_TEST

/* The put that makes an fsdax page idle wakes its refcount variable (1 until mm-6.15, then 0). */
START_TEST(test_fsdax_idle_wakes)
{
	struct page *page;

	ks_era_select((enum ks_era_id)_i);
	pgmap_create(MEMORY_DEVICE_FS_DAX, 16, 0);
	page = pfn_to_page(DEV + 2);
	page_ref_inc(page);
	get_page(page);
	put_page(page);
	ck_assert(!logged_on("wake_up_var", KS_OBJ(KS_OBJ_PAGE, DEV + 2)));
	put_page(page);
	ck_assert(logged_on("wake_up_var", KS_OBJ(KS_OBJ_PAGE, DEV + 2)));
	ck_assert_int_eq(page->_refcount, _i == KS_ERA_6_15 ? 0 : 1);
	ck_assert_ledger(page);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* mm-5.18 lets an fsdax page drop to 0 silently; it is free from then on. */
START_TEST(test_fsdax_drop_to_zero_5_18)
{
	struct page *page;

	ks_era_select(KS_ERA_5_18);
	pgmap_create(MEMORY_DEVICE_FS_DAX, 16, 0);
	page = pfn_to_page(DEV);
	memmap_put(page);
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_int_eq(ks_violation_count(), 0);
	SetPageDirty(page);
	ck_assert_violations("refcount", 1);
}
END_TEST

/* mm-6.15: a device-dax page dropping to 0 is reset to 1, the memmap's idle reference. */
START_TEST(test_devdax_reset_6_15)
{
	struct page *page;

	ks_era_select(KS_ERA_6_15);
	devdax();
	page = pfn_to_page(DEV);
	memmap_put(page);
	ck_assert_int_eq(page->_refcount, 1);
	ck_assert_ledger(page);
	ck_assert(logged_on("free_zone_device_folio", KS_OBJ(KS_OBJ_PAGE, DEV)));
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* From mm-5.18 device-dax pages are compound (vmemmap_shift): one pgmap ref per compound page. */
START_TEST(test_compound_devdax)
{
	struct dev_pagemap *pgmap;
	struct page *head, *tail;

	ks_era_select((enum ks_era_id)_i);
	pgmap = pgmap_create(MEMORY_DEVICE_GENERIC, 2 * HPAGE_PMD_NR, HPAGE_PMD_ORDER);
	head = pfn_to_page(DEV + HPAGE_PMD_NR);
	tail = pfn_to_page(DEV + HPAGE_PMD_NR + 3);
	ck_assert_int_eq(pgmap->ref.count, 3);
	ck_assert_ptr_eq(compound_head(tail), head);
	ck_assert_int_eq(compound_order(head), HPAGE_PMD_ORDER);
	ck_assert(!is_transparent_hugepage(tail));
	get_page(tail);
	ck_assert_int_eq(page_count(tail), 2);
	put_page(tail);
	memunmap_pages(pgmap);
	ck_assert_int_eq(pgmap->ref.state, PERCPU_REF_DEAD);
	ck_assert(pgmap->memmap_removed);
	ck_assert(!pfn_valid(DEV));
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* mm-4.19 removes the memmap before it waits; mm-5.2 on wait first; both complete when idle. */
START_TEST(test_memunmap_order)
{
	struct dev_pagemap *pgmap;
	long removed, waited;

	ks_era_select((enum ks_era_id)_i);
	pgmap = devdax();
	memunmap_pages(pgmap);
	removed = shim_log_find("arch_remove_memory", 0);
	waited = shim_log_find("wait_for_completion", 0);
	ck_assert_int_ge(removed, 0);
	ck_assert_int_ge(waited, 0);
	if (_i == KS_ERA_4_19)
		ck_assert_int_lt(removed, waited);
	else
		ck_assert_int_gt(removed, waited);
	ck_assert_int_eq(pgmap->ref.count, 0);
	ck_assert_ptr_null(get_dev_pagemap(DEV, NULL));
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* A pgmap prints by name in traces; the state values print as their names. */
START_TEST(test_pgmap_format)
{
	struct dev_pagemap *pgmap = devdax();
	char buf[64];

	ks_obj_format(KS_OBJ(KS_OBJ_PGMAP, pgmap->id), buf, sizeof(buf));
	ck_assert_str_eq(buf, "pgmap dax0");
	ks_obj_format(KS_OBJ(KS_OBJ_PGMAP, 99), buf, sizeof(buf));
	ck_assert_str_eq(buf, "pgmap 99");
	ks_value_format(KS_V_STATE, PERCPU_REF_DYING, buf, sizeof(buf));
	ck_assert_str_eq(buf, "dying");
	ks_value_format(KS_V_STATE, 7, buf, sizeof(buf));
	ck_assert_str_eq(buf, "?");
}
END_TEST

/* ---- memunmap_pages() against a reference holder, in a run ---- */

static struct {
	enum ks_era_id era;
	bool put;		/* the holder drops its reference */
	bool pgmap_ref;		/* it holds a pgmap reference, not a page one */
	struct dev_pagemap *pgmap;
	struct page *page;
} uw;

static void hva_to_pfn(void *arg)
{
	struct dev_pagemap *pgmap = NULL;

	KS_FUNC();
	if (uw.pgmap_ref)
		pgmap = get_dev_pagemap(DEV, NULL);
	else
		get_page(uw.page);
	if (!uw.put)
		return;
	if (uw.pgmap_ref)
		put_dev_pagemap(pgmap);
	else
		put_page(uw.page);
}

static void unbind(void *arg)
{
	memunmap_pages(uw.pgmap);
}

static void unbind_setup(void *arg)
{
	ks_era_select(uw.era);
	uw.pgmap = devdax();
	uw.page = pfn_to_page(DEV);
	ks_thread_spawn("vcpu0", hva_to_pfn, NULL);
	ks_thread_spawn("unbind", unbind, NULL);
}

static void unbind_finish(void *arg)
{
	ks_audit();
}

static const struct ks_program unbind_prog = {
	.name = "unbind", .setup = unbind_setup, .finish = unbind_finish,
};

enum { VCPU, UNBIND };

static void run_while_enabled(struct ks_runner *r, int tid)
{
	while (ks_run_enabled(r, tid))
		ks_run_step(r, tid);
}

/* The reference that blocks teardown: a page ref until mm-5.17, a pgmap ref from mm-5.18. */
static void unbind_config(int era, bool put)
{
	uw.era = (enum ks_era_id)era;
	uw.put = put;
	uw.pgmap_ref = era >= KS_ERA_5_18;
}

/*
 * memunmap_pages() blocks while the reference is held and completes when it
 * drops; in mm-4.19 the drop comes after the memmap was removed, so it is a
 * memmap-uaf that returns nothing and the unbind hangs.
 */
START_TEST(test_memunmap_blocks_until_put)
{
	struct ks_runner *r;

	unbind_config(_i, true);
	r = ks_runner_new(&unbind_prog, NULL);
	ks_run_begin(r);
	ks_run_step(r, VCPU);			/* the reference is taken */
	run_while_enabled(r, UNBIND);
	ck_assert(!ks_run_finished(r, UNBIND));
	ck_assert(!ks_run_enabled(r, UNBIND));
	ck_assert_int_eq(ks_run_status(r), KS_RUN_ACTIVE);
	ck_assert_int_eq(uw.pgmap->ref.state, PERCPU_REF_DYING);
	ck_assert(uw.pgmap->memmap_removed == (_i == KS_ERA_4_19));
	run_while_enabled(r, VCPU);		/* ... and dropped */
	ck_assert(ks_run_finished(r, VCPU));
	if (_i == KS_ERA_4_19) {
		ck_assert_violations("memmap-uaf", 1);
		ck_assert(shim_violation_says("memmap-uaf", "put_page by vcpu0: page 0x10000"));
		ck_assert_int_eq(ks_run_status(r), KS_RUN_HANG);
		ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
		ks_runner_free(r);
		return;
	}
	ck_assert(ks_run_enabled(r, UNBIND));
	run_while_enabled(r, UNBIND);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert(uw.pgmap->memmap_removed);
	ck_assert_int_eq(uw.pgmap->ref.state, PERCPU_REF_DEAD);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

/* A reference never dropped is a hang whose report names the page, its refcount and the taker. */
START_TEST(test_memunmap_hang_report)
{
	struct ks_runner *r;
	const char *want[KS_ERA_NR] = {
		"unbind in memunmap_pages waits for completion dax0: pgmap dax0 has 1 reference(s): "
		"page 0x10000 refcount 1, memmap removed (ref by vcpu0 hva_to_pfn at step 1)",
		"unbind in memunmap_pages waits for completion dax0: pgmap dax0 has 1 reference(s): "
		"page 0x10000 refcount 1 (ref by vcpu0 hva_to_pfn at step 1)",
		"unbind in memunmap_pages waits for completion dax0: pgmap dax0 has 1 reference(s): "
		"ref by vcpu0 hva_to_pfn at step 1",
		"unbind in memunmap_pages waits for completion dax0: pgmap dax0 has 1 reference(s): "
		"ref by vcpu0 hva_to_pfn at step 1",
	};

	unbind_config(_i, false);
	r = ks_runner_new(&unbind_prog, NULL);
	ks_run_begin(r);
	ks_run_step(r, VCPU);
	ck_assert(ks_run_finished(r, VCPU));
	run_while_enabled(r, UNBIND);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_HANG);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_violations("hang", 1);
	ck_assert_str_eq(ks_violation_get(0)->msg, want[_i]);
	ks_runner_free(r);
}
END_TEST

/* From mm-5.18 a page reference does not block the unbind; the audit reports it as leaked. */
START_TEST(test_page_ref_does_not_block)
{
	struct ks_runner *r;

	uw.era = (enum ks_era_id)_i;
	uw.put = false;
	uw.pgmap_ref = false;
	r = ks_runner_new(&unbind_prog, NULL);
	ks_run_begin(r);
	ks_run_step(r, VCPU);
	run_while_enabled(r, UNBIND);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_violations("audit", 1);
	ck_assert(shim_violation_says("audit",
				      "page 0x10000: reference leaked: ref by vcpu0 hva_to_pfn at step 1"));
	ks_runner_free(r);
}
END_TEST

static Suite *memremap_suite(void)
{
	Suite *s = suite_create("shim-memremap");
	TCase *tc = tcase_create("failures");

	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_get_dev_pagemap_after_kill);
	tcase_add_test(tc, test_devdax_overput_warns_5_18);
	tcase_add_test(tc, test_unmodelled_type);
	tcase_add_test(tc, test_memunmap_leak_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("eras");
	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_loop_test(tc, test_init_devdax, 0, KS_ERA_NR);
	tcase_add_loop_test(tc, test_init_fsdax, 0, KS_ERA_NR);
	tcase_add_loop_test(tc, test_page_to_zero_puts_pgmap, KS_ERA_4_19, KS_ERA_5_18);
	tcase_add_loop_test(tc, test_fsdax_idle_wakes, 0, KS_ERA_NR);
	tcase_add_test(tc, test_fsdax_drop_to_zero_5_18);
	tcase_add_test(tc, test_devdax_reset_6_15);
	tcase_add_loop_test(tc, test_compound_devdax, KS_ERA_5_18, KS_ERA_NR);
	tcase_add_loop_test(tc, test_memunmap_order, KS_ERA_4_19, KS_ERA_5_18);
	tcase_add_test(tc, test_pgmap_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("unbind");
	tcase_add_loop_test(tc, test_memunmap_blocks_until_put, 0, KS_ERA_NR);
	tcase_add_loop_test(tc, test_memunmap_hang_report, 0, KS_ERA_NR);
	tcase_add_loop_test(tc, test_page_ref_does_not_block, KS_ERA_5_18, KS_ERA_NR);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(memremap_suite());
}
