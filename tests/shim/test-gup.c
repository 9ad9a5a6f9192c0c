// SPDX-License-Identifier: GPL-2.0
/*
 * gup-fast and gup-slow on every kind of mapping, follow_pfn and
 * fixup_user_fault: what each returns and which references it leaves.
 */
#include <errno.h>

#include "mm-test.h"
#include "linux/memremap.h"

/* ---- failure paths ---------------------------------------------------------------- */

/*
 * gup-fast finds nothing in untouched memory, and refuses the zero page and a read-only
 * entry for write.
 */
START_TEST(test_fast_refuses)
{
	struct page *page;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 0, &page), 0);
	ks_populate(mm, HVA, PAGE_SIZE, false);
	/* the zero page is pte_special */
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 0, &page), 0);
	ks_populate(mm, HVA + PAGE_SIZE, PAGE_SIZE, true);
	do_mprotect(mm, HVA, PMD_SIZE, PROT_READ);
	ck_assert(!get_user_page_fast_only(HVA + PAGE_SIZE, FOLL_WRITE, &page));
	ck_assert(get_user_page_fast_only(HVA + PAGE_SIZE, 0, &page));
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);
	ck_ledger(RAM_PFN, 16);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * A dying pgmap makes gup-fast fail on a device-dax PMD and on an fsdax PTE, with no
 * reference left.
 */
START_TEST(test_fast_dying_pgmap)
{
	struct dev_dax *dev;
	struct dev_pagemap *pmem;
	struct file *file;
	struct page *page;

	mm_direct(KS_ERA_5_2);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA, PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN, 4);
	ks_mmap_file(mm, HVA + PUD_SIZE, 4 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	ks_populate(mm, HVA + PUD_SIZE, 4 * PAGE_SIZE, true);

	percpu_ref_kill(&dev->pgmap.ref);
	percpu_ref_kill(&pmem->ref);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 1, &page), 0);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PUD_SIZE, 1, 1, &page), 0);
	ck_assert_int_eq(pfn_to_page(DAX_PFN)->_refcount, 1);
	ck_assert_int_eq(pfn_to_page(PMEM_PFN)->_refcount, 1);
	/* gup-slow: follow_devmap_pmd() is -EFAULT */
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, &page, FOLL_WRITE), -EFAULT);
	ck_ledger(DAX_PFN, 4);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* gup-slow refuses VM_PFNMAP and a missing VMA with -EFAULT; follow_pfn reads the remapped pfn. */
START_TEST(test_slow_pfnmap)
{
	struct vm_area_struct *vma;
	unsigned long pfn = 0;
	struct page *page;
	bool unlocked = false;

	mm_direct(KS_ERA_5_2);
	vma = ks_mmap_pfnmap(mm, HVA, 4 * PAGE_SIZE, 0xfd000, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, &page, 0), -EFAULT);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PUD_SIZE, 1, &page, 0), -EFAULT);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 0, &page), 0);
	ck_assert_int_eq(follow_pfn(vma, HVA + 2 * PAGE_SIZE, &pfn), 0);
	ck_assert_uint_eq(pfn, 0xfd002);
	ck_assert_int_eq(fixup_user_fault(mm, HVA, FAULT_FLAG_WRITE, &unlocked), 0);
	vm_munmap(mm, HVA + PAGE_SIZE, PAGE_SIZE);
	ck_assert_int_eq(follow_pfn(vma, HVA + PAGE_SIZE, &pfn), -EINVAL);
	/* no ->fault on a remap_pfn_range VMA: SIGBUS */
	ck_assert_int_eq(fixup_user_fault(mm, HVA + PAGE_SIZE, 0, &unlocked), -EFAULT);
	ck_assert_int_eq(fixup_user_fault(mm, HVA + PUD_SIZE, 0, &unlocked), -EFAULT);
	ck_assert(!unlocked);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * follow_pfn refuses a normal VMA; gup-slow refuses writes to a read-only VMA and out-of-
 * memory faults.
 */
START_TEST(test_slow_errors)
{
	struct vm_area_struct *vma;
	struct page *pages[2];
	unsigned long pfn;

	ks_direct_begin();
	mm = ks_mm_create();
	vma = ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ);
	ck_assert_int_eq(follow_pfn(vma, HVA, &pfn), -EINVAL);
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, pages, FOLL_WRITE), -EFAULT);
	ks_mmap_anon(mm, HVA + PMD_SIZE, PMD_SIZE, VM_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, pages, 0), -EFAULT);
	ks_mmap_anon(mm, HVA + 2 * PMD_SIZE, PMD_SIZE, VM_READ | VM_WRITE);
	/* no RAM in this world */
	ck_assert_int_eq(get_user_pages_unlocked(HVA + 2 * PMD_SIZE, 1, pages, FOLL_WRITE),
			 -ENOMEM);
	/* a read gets the zero page; the second page of the range fails */
	ck_assert_int_eq(get_user_pages_unlocked(HVA + 3 * PMD_SIZE - PAGE_SIZE, 2, pages, 0), 1);
	ck_assert(is_zero_pfn(page_to_pfn(pages[0])));
	put_page(pages[0]);
	ks_direct_end();
}
END_TEST

/* ---- what succeeds ------------------------------------------------------------------------ */

/*
 * gup on a device-dax PMD takes exactly one reference, on the 4K page asked for (its head
 * from mm-5.18).
 */
START_TEST(test_devdax_pmd_one_ref)
{
	static const enum ks_era_id eras[] = { KS_ERA_4_19, KS_ERA_5_2, KS_ERA_5_18 };
	struct dev_dax *dev;
	struct page *page, *head;
	long pgmap_count;

	mm_direct(eras[_i]);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ck_assert_ptr_null(ks_mmap_dev_dax(mm, HVA + PAGE_SIZE, PMD_SIZE, dev,
					   PROT_READ | PROT_WRITE));
	ks_mmap_dev_dax(mm, HVA, 2 * PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA, PMD_SIZE, false);
	pgmap_count = dev->pgmap.ref.count;

	ck_assert_int_eq(__get_user_pages_fast(HVA + 3 * PAGE_SIZE, 1, 1, &page), 1);
	ck_assert_uint_eq(page_to_pfn(page), DAX_PFN + 3);
	head = compound_head(page);
	ck_assert_int_eq(page_ref_count(head), 2);
	ck_assert_int_eq(page_count(pfn_to_page(DAX_PFN + 4)), eras[_i] >= KS_ERA_5_18 ? 2 : 1);
	ck_assert_int_eq(dev->pgmap.ref.count, pgmap_count);
	put_page(page);
	ck_assert_int_eq(page_ref_count(head), 1);

	ck_assert_int_eq(get_user_pages_unlocked(HVA + 5 * PAGE_SIZE, 1, &page, FOLL_WRITE), 1);
	ck_assert_int_eq(page_ref_count(compound_head(page)), 2);
	ck_assert_int_eq(dev->pgmap.ref.count, pgmap_count);
	put_page(page);
	/* the second 2M: faulted in by gup-slow itself */
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, 0), 1);
	ck_assert_uint_eq(page_to_pfn(page), DAX_PFN + HPAGE_PMD_NR);
	put_page(page);
	ck_ledger(DAX_PFN, 1024);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* 4K device-dax and fsdax entries are devmap: gup takes one page reference, the entries none. */
START_TEST(test_devmap_pte)
{
	struct dev_dax *dev;
	struct dev_pagemap *pmem;
	struct file *file;
	struct page *page;

	mm_direct(KS_ERA_5_2);
	dev = ks_dev_dax_create("dax1.0", DAX_PFN, 16, PAGE_SIZE);
	ks_mmap_dev_dax(mm, HVA, 16 * PAGE_SIZE, dev, PROT_READ | PROT_WRITE);
	pmem = ks_pmem_create("pmem0", PMEM_PFN, PMEM_NR);
	file = ks_fsdax_file_create("f", pmem, PMEM_PFN + 8, 4);
	ks_mmap_file(mm, HVA + PMD_SIZE, 4 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);

	ck_assert_int_eq(get_user_pages_unlocked(HVA + PAGE_SIZE, 1, &page, FOLL_WRITE), 1);
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PAGE_SIZE, 1, 1, &page), 1);
	put_page(page);
	/* fsdax: a read fault maps read-only; gup-fast for write fails, gup-slow upgrades */
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, 0), 1);
	ck_assert_uint_eq(page_to_pfn(page), PMEM_PFN + 8);
	put_page(page);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PMD_SIZE, 1, 1, &page), 0);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, FOLL_WRITE), 1);
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);
	ck_assert_int_eq(page_ref_count(pfn_to_page(PMEM_PFN + 8)), 1);
	/* FOLL_LONGTERM is refused on fsdax */
	ck_assert_int_eq(pin_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, FOLL_LONGTERM),
			 -EOPNOTSUPP);
	/* past the end of the file: SIGBUS */
	ks_mmap_file(mm, HVA + 2 * PMD_SIZE, 8 * PAGE_SIZE, file, 0, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + 2 * PMD_SIZE + 5 * PAGE_SIZE, 1, &page, 0),
			 -EFAULT);
	ck_ledger(PMEM_PFN, PMEM_NR);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* Anonymous memory: a write fault allocates, gup takes a second reference; THP on the head. */
START_TEST(test_anon_and_thp)
{
	struct page *page, *pages[2];

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_anon(mm, HVA + PMD_SIZE, 2 * PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);

	ck_assert_int_eq(get_user_pages_unlocked(HVA, 2, pages, FOLL_WRITE), 2);
	ck_assert_int_eq(page_ref_count(pages[0]), 2);
	ck_assert_int_eq(pages[0]->_mapcount, 1);
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 1, &page), 1);
	ck_assert_ptr_eq(page, pages[0]);
	ck_assert_int_eq(page_ref_count(page), 3);
	put_page(page);
	put_page(pages[0]);
	put_page(pages[1]);

	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE + 5 * PAGE_SIZE, 1, &page,
						 FOLL_WRITE), 1);
	ck_assert(PageTail(page));
	ck_assert_int_eq(page_count(page), 2);
	ck_assert(PageTransCompoundMap(page));
	put_page(page);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PMD_SIZE + 7 * PAGE_SIZE, 1, 1, &page), 1);
	ck_assert_int_eq(page_count(page), 2);
	put_page(page);
	/* mprotect read-only: gup-fast for write fails on the PMD, gup-slow makes it writable */
	do_mprotect(mm, HVA + PMD_SIZE, PMD_SIZE, PROT_READ);
	ck_assert_int_eq(__get_user_pages_fast(HVA + PMD_SIZE, 1, 1, &page), 0);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, FOLL_WRITE), -EFAULT);
	do_mprotect(mm, HVA + PMD_SIZE, PMD_SIZE, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PMD_SIZE, 1, &page, FOLL_WRITE), 1);
	put_page(page);
	ck_ledger(RAM_PFN, RAM_NR);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * Slow gup of untouched memory returns the zero page with a reference; a write then copies
 * it (change_pte).
 */
START_TEST(test_zero_page_cow)
{
	struct page *page;
	enum pg_level level;
	pte_t pte;

	mm_direct(KS_ERA_5_2);
	rec_register('A');
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, &page, 0), 1);
	ck_assert(is_zero_pfn(page_to_pfn(page)));
	ck_assert_int_eq(page_ref_count(page), 2);
	put_page(page);

	ck_assert_int_eq(pin_user_pages_unlocked(HVA, 1, &page, FOLL_WRITE), 1);
	ck_assert(!is_zero_pfn(page_to_pfn(page)));
	pte = mm_leaf(HVA, &level);
	ck_assert_uint_eq(pte_pfn(pte), page_to_pfn(page));
	ck_assert(pte_write(pte) && pte_dirty(pte));
	ck_assert_int_eq(rec_n, 3);
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000000000-0x7f0000001000");
	ck_assert_str_eq(rec_calls[1], "A change_pte 0x7f0000000000-0x10000");
	ck_assert_str_eq(rec_calls[2], "A end 0x7f0000000000-0x7f0000001000");
	unpin_user_page(page);
	ck_assert_int_eq(page_ref_count(page), 1);
	ck_ledger(RAM_PFN, 4);
	ks_direct_end();
}
END_TEST

/* ---- races, stepped by hand ------------------------------------------------------------------ */

static struct page *race_page;
static int race_ret;

static void gup_fast_thread(void *arg)
{
	race_ret = __get_user_pages_fast(HVA, 1, 1, &race_page);
}

static void munmap_thread(void *arg)
{
	vm_munmap(mm, HVA, PAGE_SIZE);
}

static void race_setup(void *arg)
{
	mm_world(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	race_ret = -1;
	ks_thread_spawn("gup", gup_fast_thread, NULL);
	ks_thread_spawn("munmap", munmap_thread, NULL);
}

static const struct ks_program race_prog = {
	.name = "gup-fast vs munmap", .setup = race_setup, .finish = mm_audit,
};

/*
 * gup-fast has read the PTE and taken its reference when munmap clears the
 * entry; its recheck sees the change and backs out, while munmap's TLB flush
 * waits for gup-fast's interrupts-off section.  Expect no reference left.
 */
START_TEST(test_fast_backs_out)
{
	struct ks_runner *r = ks_runner_new(&race_prog, NULL);

	ks_run_begin(r);
	step_until(r, 0, KS_OBJ(KS_OBJ_PAGE, RAM_PFN), KS_INC);
	ks_run_step(r, 0);	/* get_page_unless_zero() */
	ck_assert_int_eq(pfn_to_page(RAM_PFN)->_refcount, 2);
	step_all(r, 1);
	ck_assert(!ks_run_finished(r, 1));
	ck_assert_uint_eq(ks_run_next(r, 1).obj, ks_irq_obj());
	ck_assert(pte_none(mm_leaf(HVA, &(enum pg_level){ 0 })));
	step_all(r, 0);
	ck_assert(ks_run_finished(r, 0));
	ck_assert_int_eq(race_ret, 0);
	ck_assert(log_has("pte_recheck", "pte 0x7f0000000000/4K"));
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(pfn_to_page(RAM_PFN)->_refcount, 0);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

/*
 * munmap's TLB flush is not enabled while gup-fast has interrupts off; gup-fast that got
 * there first keeps its page.
 */
START_TEST(test_flush_waits_for_irqs_off)
{
	struct ks_runner *r = ks_runner_new(&race_prog, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);	/* local_irq_disable() */
	step_all(r, 1);
	ck_assert(!ks_run_enabled(r, 1) && !ks_run_finished(r, 1));
	ck_assert_int_eq(ks_run_status(r), KS_RUN_ACTIVE);
	step_all(r, 0);
	/* munmap cleared the entry before gup-fast read it */
	ck_assert_int_eq(race_ret, 0);
	ck_assert(ks_run_enabled(r, 1));
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(ks_violation_count(), 0);

	ks_runner_free(r);

	/* the other order: gup-fast completes first and holds the page after munmap */
	r = ks_runner_new(&race_prog, NULL);
	ks_run_begin(r);
	step_all(r, 0);
	ck_assert_int_eq(race_ret, 1);
	step_all(r, 1);
	ck_assert_int_eq(page_ref_count(race_page), 1);
	ck_assert_int_eq(ks_page_nrefs(race_page), 1);
	put_page(race_page);
	ks_runner_free(r);
}
END_TEST

static bool never(const void *arg)
{
	return false;
}

static void irqs_off_thread(void *arg)
{
	const struct ks_wait w = { .ready = never };

	local_irq_disable();
	ks_sched_wait(KS_OBJ(KS_OBJ_VAR, 1), KS_WAIT, &w);
}

static void irqs_off_setup(void *arg)
{
	mm_world(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	ks_thread_spawn("irqs-off", irqs_off_thread, NULL);
	ks_thread_spawn("munmap", munmap_thread, NULL);
}

/* A CPU that never turns interrupts back on blocks munmap's flush: the hang report says why. */
START_TEST(test_flush_hang_report)
{
	const struct ks_program prog = { .name = "irqs off", .setup = irqs_off_setup };
	struct ks_runner *r = ks_runner_new(&prog, NULL);

	ks_run_begin(r);
	step_all(r, 0);
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_HANG);
	ck_assert_violations("hang", 1);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "TLB-flush IPI"));
	ks_runner_free(r);
}
END_TEST

/*
 * gup touches the page (issue 7.5): gup-fast sets PG_referenced on what it
 * pins (4.19 gup_pte_range(), gup_huge_pmd() on the head); gup-slow's
 * FOLL_TOUCH marks the page accessed and, for a write through a clean PTE,
 * dirties it (set_page_dirty()); on a huge entry touch_pmd() makes the entry
 * young and, for a write, dirty.
 */
START_TEST(test_gup_touches)
{
	struct dev_dax *dev;
	struct page *page;
	enum pg_level level;
	pte_t pmd;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA, 2 * PAGE_SIZE, true);
	/* gup-fast */
	ck_assert_int_eq(__get_user_pages_fast(HVA, 1, 1, &page), 1);
	ck_assert(PageReferenced(page));
	ck_assert(!PageDirty(page));
	put_page(page);
	/* gup-slow, a write through a clean PTE: the PTE's dirty bit cleared by hand */
	ks_pte_set(mm, HVA + PAGE_SIZE, PG_LEVEL_4K,
		   (pte_t){ mm_leaf(HVA + PAGE_SIZE, &level).val & ~_PAGE_DIRTY });
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PAGE_SIZE, 1, &page, FOLL_WRITE), 1);
	ck_assert(PageDirty(page) && PageReferenced(page));
	put_page(page);
	/* a device-dax PMD: touch_pmd() */
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA + PUD_SIZE, PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA + PUD_SIZE, PAGE_SIZE, false);
	pmd = mm_leaf(HVA + PUD_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ks_pte_set(mm, HVA + PUD_SIZE, PG_LEVEL_2M, (pte_t){ pmd.val & ~_PAGE_ACCESSED });
	ck_assert_int_eq(get_user_pages_unlocked(HVA + PUD_SIZE, 1, &page, FOLL_WRITE), 1);
	pmd = mm_leaf(HVA + PUD_SIZE, &level);
	ck_assert(pte_young(pmd) && pte_dirty(pmd));
	put_page(page);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

static Suite *gup_suite(void)
{
	Suite *s = suite_create("shim-gup");
	TCase *tc = tcase_create("gup");

	tcase_add_test(tc, test_fast_refuses);
	tcase_add_test(tc, test_fast_dying_pgmap);
	tcase_add_test(tc, test_slow_pfnmap);
	tcase_add_test(tc, test_slow_errors);
	tcase_add_loop_test(tc, test_devdax_pmd_one_ref, 0, 3);
	tcase_add_test(tc, test_devmap_pte);
	tcase_add_test(tc, test_anon_and_thp);
	tcase_add_test(tc, test_zero_page_cow);
	tcase_add_test(tc, test_fast_backs_out);
	tcase_add_test(tc, test_flush_waits_for_irqs_off);
	tcase_add_test(tc, test_flush_hang_report);
	tcase_add_test(tc, test_gup_touches);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(gup_suite());
}
