// SPDX-License-Identifier: GPL-2.0
/*
 * device-dax unbind and fsdax truncate: the unmap through the notifiers, the
 * SIGBUS afterwards, and the waits for busy pages and in-flight faults.
 */
#include <errno.h>

#include "mm-test.h"
#include "linux/memremap.h"

/* ---- failure paths ---------------------------------------------------------------- */

/* After device-dax unbind the entries are gone and every fault is SIGBUS: gup-slow is -EFAULT. */
START_TEST(test_devdax_unbind_sigbus)
{
	struct dev_dax *dev;
	struct page *page;

	mm_direct((enum ks_era_id)_i);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA, 2 * PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	rec_register('A');
	ks_dev_dax_unbind(dev);
	ck_assert(dev->unbound && !dax_alive(dev));
	ck_assert_int_eq(rec_n, 2);
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000000000-0x7f0000400000");
	ck_assert(pte_none(mm_leaf(HVA, &(enum pg_level){ 0 })));
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, &page, 0), -EFAULT);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 0, &page), 0);
	ck_assert_ptr_null(ks_mmap_dev_dax(mm, HVA + PUD_SIZE, PMD_SIZE, dev,
					   PROT_READ | PROT_WRITE));
	ck_assert(log_has("check_vma", NULL) || log_has("dax_alive", NULL));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * In direct mode a truncate that would wait for a busy page records the hang and gives up
 * with -EINTR.
 */
START_TEST(test_truncate_busy_direct)
{
	struct dev_pagemap *pmem;
	struct file *file;
	struct page *page;

	mm_direct(KS_ERA_5_2);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, 4);
	ck_assert_ptr_null(dax_layout_busy_page(&file->f_mapping));
	ks_mmap_file(mm, HVA, 4 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PAGE_SIZE, 1, &page, FOLL_WRITE), 1);
	ck_assert_int_eq(ks_fsdax_truncate(file, 0), -EINTR);
	ck_assert_violations("hang", 1);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "page 0x80001"));
	ck_assert_uint_eq(file->block[1], PMEM_PFN + 1);
	put_page(page);
	ck_assert_int_eq(ks_fsdax_truncate(file, 2), 0);
	ck_assert_uint_eq(file->block[1], PMEM_PFN + 1);
	ck_assert_uint_eq(file->nr_pages, 2);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + 2 * PAGE_SIZE, 1, &page, 0), -EFAULT);
	ks_direct_end();
}
END_TEST

/* ---- races, stepped by hand ------------------------------------------------------------------ */

static struct file *t_file;
static struct dev_dax *t_dev;
static struct page *t_page;
static long t_ret;

static void vcpu_thread(void *arg)
{
	t_ret = get_user_pages_unlocked(HVA + PAGE_SIZE, 1, &t_page, FOLL_WRITE);
	if (t_ret == 1 && arg)
		put_page(t_page);
}

static void truncate_thread(void *arg)
{
	t_ret = ks_fsdax_truncate(t_file, 0);
}

static void truncate_setup(void *arg)
{
	struct dev_pagemap *pmem;

	mm_world(*(const enum ks_era_id *)arg);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	t_file = ks_fsdax_file_create("f", pmem, PMEM_PFN, 4);
	ks_mmap_file(mm, HVA, 4 * PAGE_SIZE, t_file, 0, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, 4 * PAGE_SIZE, false);
	ks_thread_spawn("vcpu", vcpu_thread, (void *)1);
	ks_thread_spawn("truncate", truncate_thread, NULL);
}

/*
 * The vCPU holds a gup reference on an fsdax page: truncate unmaps the file,
 * finds the page busy and sleeps; the put wakes it and the blocks are freed.
 * Idle is refcount 1 before mm-6.15 and 0 in mm-6.15 (mapped pages hold one).
 */
START_TEST(test_truncate_waits_busy)
{
	static const enum ks_era_id eras[] = { KS_ERA_5_2, KS_ERA_6_15 };
	const struct ks_program prog = { .name = "truncate vs gup", .setup = truncate_setup,
					 .finish = mm_audit, .arg = (void *)&eras[_i] };
	struct ks_runner *r = ks_runner_new(&prog, NULL);
	unsigned long pfn = PMEM_PFN + 1;

	ks_run_begin(r);
	ck_assert_int_eq(pfn_to_page(pfn)->_refcount, 1);
	/* holds the page: the get, then up to the put (both increments) */
	step_until_nth(r, 0, KS_OBJ(KS_OBJ_PAGE, pfn), KS_INC, 2);
	ck_assert_int_eq(t_ret, 1);
	ck_assert_int_eq(pfn_to_page(pfn)->_refcount, 2);
	step_all(r, 1);
	ck_assert(!ks_run_finished(r, 1));
	ck_assert(pte_none(mm_leaf(HVA + PAGE_SIZE, &(enum pg_level){ 0 })));
	ck_assert_uint_eq(t_file->block[1], pfn);
	ck_assert_int_eq(pfn_to_page(pfn)->_refcount, eras[_i] == KS_ERA_6_15 ? 1 : 2);
	step_all(r, 0);		/* put_page(): the page is idle, wake_up_var() */
	ck_assert(ks_run_enabled(r, 1));
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(t_ret, 0);
	ck_assert_uint_eq(t_file->block[1], 0);
	ck_assert_int_eq(pfn_to_page(pfn)->_refcount, eras[_i] == KS_ERA_6_15 ? 0 : 1);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

static void dax_fault_thread(void *arg)
{
	t_ret = get_user_pages_unlocked(HVA + PAGE_SIZE, 1, &t_page, 0);
}

static void kill_thread(void *arg)
{
	kill_dev_dax(t_dev);
}

static void kill_setup(void *arg)
{
	mm_world(KS_ERA_5_2);
	t_dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA, PMD_SIZE, t_dev, PROT_READ | PROT_WRITE);
	/* the PUD table exists: the fault tries a PMD only */
	ks_mmap_anon(mm, HVA + PMD_SIZE, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA + PMD_SIZE, PAGE_SIZE, true);
	ks_thread_spawn("vcpu", dax_fault_thread, NULL);
	ks_thread_spawn("unbind", kill_thread, NULL);
}

/*
 * A fault that saw the device alive is inside dax_read_lock(): kill_dax()'s
 * synchronize_srcu() waits for it, so the PMD it maps is zapped by the unmap
 * that follows rather than surviving the unbind.
 */
START_TEST(test_kill_waits_for_fault)
{
	const struct ks_program prog = { .name = "kill vs fault", .setup = kill_setup };
	struct ks_runner *r = ks_runner_new(&prog, NULL);

	ks_run_begin(r);
	step_until(r, 0, t_dev->alive_obj, KS_READ);	/* dax_read_lock() taken */
	ks_run_step(r, 0);				/* dax_alive(): true */
	step_all(r, 1);
	ck_assert(!ks_run_finished(r, 1));
	ck_assert(!t_dev->alive);
	step_all(r, 0);
	ck_assert_int_eq(t_ret, 1);
	ck_assert(ks_run_enabled(r, 1));
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert(pte_none(mm_leaf(HVA, &(enum pg_level){ 0 })));
	ck_assert_int_eq(page_count(t_page), 2);
	put_page(t_page);
	ks_runner_free(r);
}
END_TEST

/* ---- mappings -------------------------------------------------------------------------------- */

/* unmap_mapping_range() zaps only the VMAs of the mapping and only the file range asked for. */
START_TEST(test_unmap_mapping_range)
{
	struct dev_pagemap *pmem;
	struct file *file, *other;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, 8);
	other = ks_fsdax_file_create("g", pmem, PMEM_PFN + 8, 8);
	/* not mapped anywhere yet: nothing to do */
	unmap_mapping_range(&file->f_mapping, 0, 0, 1);
	ks_mmap_file(mm, HVA, 4 * PAGE_SIZE, file, 4, PROT_READ | PROT_WRITE);
	ks_mmap_file(mm, HVA + PMD_SIZE, 4 * PAGE_SIZE, other, 0, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, 4 * PAGE_SIZE, true);
	ks_populate(mm, HVA + PMD_SIZE, 4 * PAGE_SIZE, true);
	ck_assert_uint_eq(pte_pfn(mm_leaf(HVA, &level)), PMEM_PFN + 4);
	rec_register('A');
	/* file pages 5..6 are at HVA + 1..2 pages */
	unmap_mapping_range(&file->f_mapping, 5 * PAGE_SIZE, 2 * PAGE_SIZE, 1);
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000001000-0x7f0000003000");
	ck_assert(pte_present(mm_leaf(HVA, &level)));
	ck_assert(pte_none(mm_leaf(HVA + PAGE_SIZE, &level)));
	ck_assert(pte_none(mm_leaf(HVA + 2 * PAGE_SIZE, &level)));
	ck_assert(pte_present(mm_leaf(HVA + 3 * PAGE_SIZE, &level)));
	/* beyond the VMA's file range: nothing */
	unmap_mapping_range(&file->f_mapping, 0, 2 * PAGE_SIZE, 1);
	ck_assert_int_eq(rec_n, 2);
	unmap_mapping_range(&other->f_mapping, 0, 0, 1);
	ck_assert(pte_none(mm_leaf(HVA + PMD_SIZE, &level)));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* Unmapping part of a device-dax PMD clears all of it (__split_huge_pmd() of a DAX VMA). */
START_TEST(test_devdax_partial_unmap)
{
	struct dev_dax *dev;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA, 2 * PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, 2 * PMD_SIZE, false);
	unmap_mapping_range(&dev->mapping, PMD_SIZE + PAGE_SIZE, PAGE_SIZE, 1);
	ck_assert(pte_present(mm_leaf(HVA, &level)));
	ck_assert(pte_none(mm_leaf(HVA + PMD_SIZE, &level)));
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert(log_has("pmdp_huge_clear_flush_notify", NULL));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * kill_dax() in direct mode with a fault inside dax_read_lock(): a hang naming
 * synchronize_srcu().
 */
START_TEST(test_kill_dax_reader_direct)
{
	struct dev_dax *dev;

	mm_direct(KS_ERA_5_2);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	dax_read_lock(dev);
	kill_dev_dax(dev);
	ck_assert_violations("hang", 1);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "synchronize_srcu"));
	dax_read_unlock(dev);
	ks_direct_end();
}
END_TEST

/*
 * mm-6.15 fsdax entries own a page reference and a mapcount; zap drops them and dirties the
 * page.
 */
START_TEST(test_fsdax_6_15_refcounted)
{
	struct dev_pagemap *pmem;
	struct file *file;
	struct page *page;

	mm_direct(KS_ERA_6_15);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, 4);
	ks_mmap_file(mm, HVA, 4 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(pfn_to_page(PMEM_PFN)->_refcount, 0);
	ks_populate(mm, HVA, 4 * PAGE_SIZE, true);
	page = pfn_to_page(PMEM_PFN);
	ck_assert_int_eq(page->_refcount, 1);
	ck_assert_int_eq(page->_mapcount, 1);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 1, &page), 1);
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);
	/* a second fault on a present entry takes nothing */
	ks_populate(mm, HVA, PAGE_SIZE, true);
	ck_assert_int_eq(page->_refcount, 1);
	vm_munmap(mm, HVA, 4 * PAGE_SIZE);
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_int_eq(page->_mapcount, 0);
	ck_assert(PageDirty(page));
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * A 1G device-dax maps a PUD; gup takes one page; splits off 1G are refused; a partial unmap
 * clears the PUD.
 */
START_TEST(test_devdax_pud)
{
	struct dev_dax *dev;
	struct page *page;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	dev = ks_dev_dax_create("dax2.0", 0x100000, PUD_SIZE >> PAGE_SHIFT, PUD_SIZE);
	ks_mmap_dev_dax(mm, HVA, PUD_SIZE, dev, PROT_READ | PROT_WRITE);
	ck_assert_uint_eq(vma_kernel_pagesize(find_vma(mm, HVA)), PUD_SIZE);
	ck_assert(vma_is_dax(find_vma(mm, HVA)));
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, FOLL_WRITE), 1);
	mm_leaf(HVA, &level);
	ck_assert_int_eq(level, PG_LEVEL_1G);
	ck_assert_uint_eq(page_to_pfn(page), 0x100000 + HPAGE_PMD_NR);
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PAGE_SIZE, 1, 1, &page), 1);
	put_page(page);
	ck_assert_int_eq(do_mprotect(mm, HVA, PMD_SIZE, PROT_READ), -EINVAL);
	ck_assert_int_eq(vm_munmap(mm, HVA + PMD_SIZE, PMD_SIZE), -EINVAL);
	ck_assert_int_eq(do_mprotect(mm, HVA, PUD_SIZE, PROT_READ), 0);
	ck_assert(!pte_write(mm_leaf(HVA + PMD_SIZE, &level)));
	unmap_mapping_range(&dev->mapping, PMD_SIZE, PAGE_SIZE, 1);
	ck_assert(pte_none(mm_leaf(HVA + PMD_SIZE, &level)));
	ck_assert(log_has("pudp_huge_clear_flush_notify", NULL));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * A file whose filesystem allocates 2M extents maps a devmap PMD on an
 * aligned 2M (no page reference before mm-6.15); a read maps it read-only
 * and a write makes it writable and dirty; an unaligned extent, a file
 * without 2M extents, or mm-6.15 map 4K; a partial munmap leaves the rest
 * mapped 4K on refault.
 */
START_TEST(test_fsdax_pmd)
{
	struct dev_pagemap *pmem;
	struct file *file, *small, *odd;
	enum pg_level level;
	pte_t pte;

	mm_direct(KS_ERA_5_2);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, 4 * PAGES_PER_SECTION);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, HPAGE_PMD_NR);
	file->pmd_extents = true;
	small = ks_fsdax_file_create("g", pmem, PMEM_PFN + HPAGE_PMD_NR, HPAGE_PMD_NR);
	odd = ks_fsdax_file_create("h", pmem, PMEM_PFN + 2 * HPAGE_PMD_NR + 1, HPAGE_PMD_NR);
	odd->pmd_extents = true;
	ks_mmap_file(mm, HVA, PMD_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ks_mmap_file(mm, HVA + PMD_SIZE, PMD_SIZE, small, 0, PROT_READ | PROT_WRITE);
	ks_mmap_file(mm, HVA + 2 * PMD_SIZE, PMD_SIZE, odd, 0, PROT_READ | PROT_WRITE);

	ks_populate(mm, HVA + 0x11 * PAGE_SIZE, PAGE_SIZE, false);
	pte = mm_leaf(HVA + 0x11 * PAGE_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert(pte_devmap(pte) && !pte_write(pte));
	ck_assert_uint_eq(pte_pfn(pte), PMEM_PFN);
	ck_assert_int_eq(page_ref_count(pfn_to_page(PMEM_PFN)), 1);
	ks_populate(mm, HVA + 0x12 * PAGE_SIZE, PAGE_SIZE, true);
	pte = mm_leaf(HVA, &level);
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert(pte_write(pte) && pte_dirty(pte));

	ks_populate(mm, HVA + PMD_SIZE, PAGE_SIZE, true);
	mm_leaf(HVA + PMD_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ks_populate(mm, HVA + 2 * PMD_SIZE, PAGE_SIZE, true);
	mm_leaf(HVA + 2 * PMD_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);

	ck_assert_int_eq(vm_munmap(mm, HVA, PAGE_SIZE), 0);
	ks_populate(mm, HVA + PAGE_SIZE, PAGE_SIZE, true);
	mm_leaf(HVA + PAGE_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();

	/*
	 * A write to a read-only PMD the filesystem can no longer map 2M (a
	 * block of it freed): wp_huge_pmd() splits it, clearing a DAX PMD,
	 * and the write maps 4K.
	 */
	mm_direct(KS_ERA_5_2);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, 4 * PAGES_PER_SECTION);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, HPAGE_PMD_NR);
	file->pmd_extents = true;
	ks_mmap_file(mm, HVA, PMD_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, PAGE_SIZE, false);
	mm_leaf(HVA, &level);
	ck_assert_int_eq(level, PG_LEVEL_2M);
	file->block[HPAGE_PMD_NR - 1] = 0;
	ks_populate(mm, HVA + PAGE_SIZE, PAGE_SIZE, true);
	pte = mm_leaf(HVA + PAGE_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert(pte_write(pte));
	ck_assert_uint_eq(pte_pfn(pte), PMEM_PFN + 1);
	ck_assert(log_has("pmdp_huge_clear_flush_notify", NULL));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();

	mm_direct(KS_ERA_6_15);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, 4 * PAGES_PER_SECTION);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, HPAGE_PMD_NR);
	file->pmd_extents = true;
	ks_mmap_file(mm, HVA, PMD_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	mm_leaf(HVA, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ks_direct_end();
}
END_TEST

static Suite *dax_suite(void)
{
	Suite *s = suite_create("shim-dax");
	TCase *tc = tcase_create("dax");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_devdax_unbind_sigbus, 0, KS_ERA_NR);
	tcase_add_test(tc, test_truncate_busy_direct);
	tcase_add_loop_test(tc, test_truncate_waits_busy, 0, 2);
	tcase_add_test(tc, test_kill_waits_for_fault);
	tcase_add_test(tc, test_unmap_mapping_range);
	tcase_add_test(tc, test_devdax_partial_unmap);
	tcase_add_test(tc, test_kill_dax_reader_direct);
	tcase_add_test(tc, test_fsdax_6_15_refcounted);
	tcase_add_test(tc, test_devdax_pud);
	tcase_add_test(tc, test_fsdax_pmd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(dax_suite());
}
