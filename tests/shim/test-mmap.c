// SPDX-License-Identifier: GPL-2.0
/*
 * munmap, mprotect, exit_mmap, page aging and THP split: the notifier chain
 * they fire, the entries they change and the references they drop.
 */
#include <errno.h>

#include "mm-test.h"

/* ---- failure paths ---------------------------------------------------------------- */

/*
 * THP split is refused with -EBUSY while a gup reference is held, and leaves the PTEs
 * mapping the THP.
 */
START_TEST(test_thp_split_busy)
{
	struct page *gup, *head;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	ck_assert_int_eq(__get_user_pages_fast(HVA + 3 * PAGE_SIZE, 1, 1, &gup), 1);
	head = compound_head(gup);
	ck_assert_int_eq(ks_thp_split(mm, HVA), -EBUSY);
	/* split_huge_pmd() went through: 512 PTEs, each with a reference on the head */
	mm_leaf(HVA + 3 * PAGE_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert_int_eq(page_count(head), HPAGE_PMD_NR + 1);
	ck_assert(PageCompound(gup));
	ck_assert(!PageTransCompoundMap(gup));
	ck_assert(log_has("can_split_huge_page", NULL));
	ck_ledger(RAM_PFN, RAM_NR);
	put_page(gup);
	ck_assert_int_eq(split_huge_page(pfn_to_page(RAM_PFN + 1)), -EBUSY);
	ck_assert_int_eq(ks_thp_split(mm, HVA + PMD_SIZE), -EINVAL);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * munmap of a range without VMAs, an unaligned start, or a device-dax split off its
 * alignment is refused.
 */
START_TEST(test_munmap_errors)
{
	struct dev_dax *dev;

	mm_direct(KS_ERA_5_2);
	ck_assert_int_eq(vm_munmap(mm, HVA + 1, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(vm_munmap(mm, HVA, 0), -EINVAL);
	ck_assert_int_eq(vm_munmap(mm, HVA, PAGE_SIZE), 0);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA, 2 * PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(vm_munmap(mm, HVA + PAGE_SIZE, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(vm_munmap(mm, HVA, PMD_SIZE + PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(do_mprotect(mm, HVA + 1, PAGE_SIZE, PROT_READ), -EINVAL);
	ck_assert_int_eq(do_mprotect(mm, HVA - PMD_SIZE, 2 * PMD_SIZE, PROT_READ), -ENOMEM);
	ck_assert_int_eq(do_mprotect(mm, HVA, 3 * PMD_SIZE, PROT_READ), -ENOMEM);
	ck_assert_ptr_null(ks_mmap_anon(mm, HVA + PMD_SIZE, PMD_SIZE, VM_READ));
	ks_direct_end();
}
END_TEST

/* ---- munmap ------------------------------------------------------------------------------- */

/*
 * munmap fires start and end on every notifier in registration order, then drops the PTEs'
 * references.
 */
START_TEST(test_munmap_notifier_order)
{
	mm_direct(KS_ERA_5_2);
	rec_register('A');
	rec_register('B');
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA, 4 * PAGE_SIZE, true);
	ck_assert_int_eq(pfn_to_page(RAM_PFN + 2)->_refcount, 1);
	ck_assert_int_eq(vm_munmap(mm, HVA + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	ck_assert_int_eq(rec_n, 4);
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000001000-0x7f0000003000");
	ck_assert_str_eq(rec_calls[1], "B start 0x7f0000001000-0x7f0000003000");
	ck_assert_str_eq(rec_calls[2], "A end 0x7f0000001000-0x7f0000003000");
	ck_assert_str_eq(rec_calls[3], "B end 0x7f0000001000-0x7f0000003000");
	ck_assert_int_eq(pfn_to_page(RAM_PFN + 1)->_refcount, 0);
	ck_assert_int_eq(pfn_to_page(RAM_PFN + 2)->_refcount, 0);
	ck_assert_int_eq(pfn_to_page(RAM_PFN + 3)->_refcount, 1);
	ck_assert_ptr_nonnull(find_vma_intersection(mm, HVA, HVA + PAGE_SIZE));
	ck_assert_ptr_null(find_vma_intersection(mm, HVA + PAGE_SIZE, HVA + 3 * PAGE_SIZE));
	ck_assert_uint_eq(find_vma(mm, HVA + PAGE_SIZE)->vm_start, HVA + 3 * PAGE_SIZE);
	/* the PTE table is shared with the rest of the VMA: not freed */
	ck_assert(!log_has("pte_free", NULL));
	/* the last VMA, behind another one */
	vm_munmap(mm, HVA + 3 * PAGE_SIZE, PAGE_SIZE);
	ck_assert_int_eq(pfn_to_page(RAM_PFN + 3)->_refcount, 0);
	vm_munmap(mm, HVA, PMD_SIZE);
	ck_assert(log_has("pte_free", NULL));
	ck_ledger(RAM_PFN, 8);
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * munmap of part of a THP splits the PMD first; the rest stays mapped by PTEs holding head
 * references.
 */
START_TEST(test_munmap_partial_thp)
{
	struct page *head;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	head = pfn_to_page(pte_pfn(mm_leaf(HVA, &level)));
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert_int_eq(vm_munmap(mm, HVA + PMD_SIZE - PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_int_eq(page_count(head), HPAGE_PMD_NR - 1);
	mm_leaf(HVA, &level);
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert(log_has("pmd_populate", NULL));
	vm_munmap(mm, HVA, PMD_SIZE);
	ck_assert_int_eq(head->_refcount, 0);
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/* ---- mprotect, unmap_mapping_range, exit_mmap, aging --------------------------------------- */

/*
 * mprotect fires the notifiers and write-protects present entries; a shared device mapping
 * gets write back.
 */
START_TEST(test_mprotect)
{
	struct dev_dax *dev;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	dev = ks_dev_dax_create("dax0.0", DAX_PFN, DAX_NR, PMD_SIZE);
	ks_mmap_dev_dax(mm, HVA + PUD_SIZE, PMD_SIZE, dev, PROT_READ | PROT_WRITE);
	ks_populate(mm, HVA + PUD_SIZE, PMD_SIZE, false);
	rec_register('A');

	/* half the THP: its PMD is split, then half the PTEs lose write */
	ck_assert_int_eq(do_mprotect(mm, HVA, PMD_SIZE / 2, PROT_READ), 0);
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000000000-0x7f0000100000");
	ck_assert_str_eq(rec_calls[1], "A start 0x7f0000000000-0x7f0000200000");
	ck_assert(!pte_write(mm_leaf(HVA, &level)));
	ck_assert(pte_write(mm_leaf(HVA + PMD_SIZE / 2, &level)));
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert_int_eq(find_vma(mm, HVA)->vm_end, HVA + PMD_SIZE / 2);

	/* from the middle of a VMA */
	ck_assert_int_eq(do_mprotect(mm, HVA + PMD_SIZE / 2 + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	ck_assert(!pte_write(mm_leaf(HVA + PMD_SIZE / 2 + PAGE_SIZE, &level)));
	ck_assert(pte_write(mm_leaf(HVA + PMD_SIZE / 2 + 2 * PAGE_SIZE, &level)));

	ck_assert_int_eq(do_mprotect(mm, HVA + PUD_SIZE, PMD_SIZE, PROT_READ), 0);
	ck_assert(!pte_write(mm_leaf(HVA + PUD_SIZE, &level)));
	ck_assert_int_eq(do_mprotect(mm, HVA + PUD_SIZE, PMD_SIZE, PROT_READ | PROT_WRITE), 0);
	ck_assert(pte_write(mm_leaf(HVA + PUD_SIZE, &level)));
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * exit_mmap calls ->release first, then zaps everything and frees the tables; later
 * notifiers see nothing.
 */
START_TEST(test_exit_mmap)
{
	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_anon(mm, HVA + PUD_SIZE, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, 2 * PAGE_SIZE, true);
	ks_populate(mm, HVA + PUD_SIZE, PAGE_SIZE, true);
	rec_register('A');
	rec_register('B');
	exit_mmap(mm);
	ck_assert_int_eq(rec_n, 2);
	ck_assert_str_eq(rec_calls[0], "A release 0x0-0x0");
	ck_assert_str_eq(rec_calls[1], "B release 0x0-0x0");
	ck_assert_ptr_null(mm->mmap);
	ck_assert_int_eq(pfn_to_page(RAM_PFN)->_refcount, 0);
	ck_assert_int_eq(pfn_to_page(RAM_PFN + HPAGE_PMD_NR)->_refcount, 0);
	ck_assert(log_has("pte_free", NULL));
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * Page aging clears the host accessed bit and asks every notifier; an unmapped address is
 * not young.
 */
START_TEST(test_page_age)
{
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_anon(mm, HVA + PMD_SIZE, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	ks_populate(mm, HVA + PMD_SIZE, PAGE_SIZE, true);
	rec_register('A');
	ck_assert_int_eq(ks_page_age(mm, HVA), 1);
	ck_assert(!pte_young(mm_leaf(HVA, &level)));
	ck_assert_str_eq(rec_calls[0], "A young 0x7f0000000000-0x7f0000001000");
	ck_assert_int_eq(ks_page_age(mm, HVA + PMD_SIZE + PAGE_SIZE), 1);
	ck_assert_str_eq(rec_calls[1], "A young 0x7f0000200000-0x7f0000400000");
	ck_assert(!pte_young(mm_leaf(HVA + PMD_SIZE, &level)));
	ck_assert_int_eq(ks_page_age(mm, HVA + PAGE_SIZE), 0);
	ck_assert_int_eq(ks_page_age(mm, HVA + PUD_SIZE), 0);
	ck_assert_int_eq(rec_n, 2);
	ks_direct_end();
}
END_TEST

/* ---- THP split ---------------------------------------------------------------------------- */

/* With no extra reference the THP becomes 512 order-0 pages, each held by its own PTE. */
START_TEST(test_thp_split)
{
	unsigned long head_pfn, i;
	enum pg_level level;

	mm_direct(KS_ERA_5_2);
	rec_register('A');
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	head_pfn = pte_pfn(mm_leaf(HVA, &level));
	ck_assert_int_eq(ks_thp_split(mm, HVA + 5 * PAGE_SIZE), 0);
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page = pfn_to_page(head_pfn + i);
		pte_t pte = mm_leaf(HVA + i * PAGE_SIZE, &level);

		ck_assert_uint_eq(pte_pfn(pte), head_pfn + i);
		ck_assert(pte_present(pte));
		ck_assert_ptr_null(page->head);
		ck_assert_int_eq(page->_refcount, 1);
		ck_assert_int_eq(page->_mapcount, 1);
	}
	ck_assert(!is_transparent_hugepage(pfn_to_page(head_pfn)));
	ck_assert_str_eq(rec_calls[0], "A start 0x7f0000000000-0x7f0000200000");
	ck_assert(log_has("try_to_unmap_one", NULL));
	ck_assert(log_has("remove_migration_pte", NULL));
	ck_ledger(head_pfn, HPAGE_PMD_NR);
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

static struct page *split_gup;
static int split_ret;

static void split_thread(void *arg)
{
	split_ret = ks_thp_split(mm, HVA);
}

static void gup_thread(void *arg)
{
	if (__get_user_pages_fast(HVA + PAGE_SIZE, 1, 1, &split_gup))
		put_page(split_gup);
}

static void split_setup(void *arg)
{
	mm_world(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PMD_SIZE, true);
	ks_thread_spawn("split", split_thread, NULL);
	ks_thread_spawn("gup", gup_thread, NULL);
}

/*
 * gup-fast takes a reference after can_split_huge_page() passed and holds it
 * across the split: page_ref_freeze() fails, the migration entries are mapped
 * again and the split is -EBUSY.  Expect every reference accounted for.
 */
START_TEST(test_thp_split_freeze_race)
{
	const struct ks_program prog = { .name = "split vs gup", .setup = split_setup,
					 .finish = mm_audit };
	struct ks_runner *r = ks_runner_new(&prog, NULL);
	unsigned long head_pfn = RAM_PFN;

	ks_run_begin(r);
	/* split: up to unmap_page()'s first entry, can_split passed */
	step_until(r, 0, ks_pte_obj(mm, HVA, PG_LEVEL_4K), KS_WRITE);
	ck_assert(log_has("page_ref_count", NULL));
	ck_assert(!log_has("can_split_huge_page", NULL));
	/* gup-fast: holds the head, up to its put_page() */
	step_until_nth(r, 1, KS_OBJ(KS_OBJ_PAGE, head_pfn), KS_INC, 2);
	ck_assert_int_eq(pfn_to_page(head_pfn)->_refcount, HPAGE_PMD_NR + 2);
	step_all(r, 0);
	ck_assert_int_eq(split_ret, -EBUSY);
	ck_assert(log_has("page_ref_freeze", NULL));
	ck_assert(log_has("remove_migration_pte", NULL));
	step_all(r, 1);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(pfn_to_page(head_pfn)->_refcount, HPAGE_PMD_NR);
	ck_assert(pte_present(mm_leaf(HVA + PAGE_SIZE, &(enum pg_level){ 0 })));
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_runner_free(r);
}
END_TEST

static Suite *mmap_suite(void)
{
	Suite *s = suite_create("shim-mmap");
	TCase *tc = tcase_create("mmap");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_thp_split_busy);
	tcase_add_test(tc, test_munmap_errors);
	tcase_add_test(tc, test_munmap_notifier_order);
	tcase_add_test(tc, test_munmap_partial_thp);
	tcase_add_test(tc, test_mprotect);
	tcase_add_test(tc, test_exit_mmap);
	tcase_add_test(tc, test_page_age);
	tcase_add_test(tc, test_thp_split);
	tcase_add_test(tc, test_thp_split_freeze_race);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(mmap_suite());
}
