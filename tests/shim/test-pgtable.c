// SPDX-License-Identifier: GPL-2.0
/*
 * Host page tables: entry keys and their printing, the locked accessors,
 * lookup_address_in_mm() and the lockless walk, and the ledger's question.
 */
#include "mm-test.h"

static const char *fmt_pte(uint64_t val)
{
	static char buf[96];

	ks_value_format(KS_V_PTE, (int64_t)val, buf, sizeof(buf));
	return buf;
}

/* ---- failure paths ---------------------------------------------------------------- */

static struct ks_pt_walk walk_w;
static pte_t walk_pte;
static enum pg_level walk_level;

static void walker_thread(void *arg)
{
	bool leaf;

	KS_FUNC();
	ks_pt_walk_begin(&walk_w, mm, HVA);
	do {
		walk_pte = ks_pt_walk_next(&walk_w, &leaf, &walk_level);
	} while (!leaf);
}

static void unmap_all_thread(void *arg)
{
	vm_munmap(mm, HVA, PMD_SIZE);
}

static void uaf_setup(void *arg)
{
	mm_world(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	ks_thread_spawn("walker", walker_thread, NULL);
	ks_thread_spawn("munmap", unmap_all_thread, NULL);
}

/*
 * A lockless walk without interrupts off (KVM's host-level walk) has read the
 * PMD entry and holds the PTE table when munmap frees it: the next read
 * records "pt-uaf" and returns none instead of crashing.
 */
START_TEST(test_walk_pt_uaf)
{
	const struct ks_program prog = { .name = "walk vs munmap", .setup = uaf_setup };
	struct ks_runner *r = ks_runner_new(&prog, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);	/* PUD entry */
	ks_run_step(r, 0);	/* PMD entry: now holds the PTE table */
	step_all(r, 1);
	ck_assert(ks_run_finished(r, 1));
	ck_assert(log_has("pte_free", NULL));
	step_all(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_violations("pt-uaf", 1);
	ck_assert(pte_none(walk_pte));
	ck_assert_int_eq(walk_level, PG_LEVEL_4K);
	ck_assert_ptr_nonnull(strstr(ks_violation_get(0)->msg, "pte 0x7f0000000000/4K"));
	ks_runner_free(r);
}
END_TEST

/* lookup_address_in_mm() finds nothing under a none PUD or PMD, but does return a none 4K entry. */
START_TEST(test_lookup_none)
{
	enum pg_level level;
	pte_t pte;

	mm_direct(KS_ERA_5_2);
	ck_assert(!lookup_address_in_mm(mm, HVA, &pte, &level));
	ck_assert_int_eq(level, PG_LEVEL_1G);
	ks_pte_set(mm, HVA + PMD_SIZE, PG_LEVEL_4K, pfn_pte(0x1234, _PAGE_RW));
	ck_assert(!lookup_address_in_mm(mm, HVA, &pte, &level));
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert(lookup_address_in_mm(mm, HVA + PMD_SIZE + PAGE_SIZE, &pte, &level));
	ck_assert_int_eq(level, PG_LEVEL_4K);
	ck_assert(pte_none(pte));
	ck_assert(lookup_address_in_mm(mm, HVA + PMD_SIZE, &pte, &level));
	ck_assert_uint_eq(pte_pfn(pte), 0x1234);
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

/*
 * A migration entry (the only non-present, non-none entry of the model) stops
 * walks; gup's fault on it waits in migration_entry_wait() until the entry is
 * mapped again, then finds the page.  The allocator never hands out a page
 * that is frozen at refcount 0 (a THP in the middle of its split).
 */
static struct page *mig_page;
static long mig_ret;

static void mig_gup(void *arg)
{
	mig_ret = get_user_pages_unlocked(HVA, 1, &mig_page, 0);
}

static void mig_remap(void *arg)
{
	ks_pte_set(mm, HVA, PG_LEVEL_4K, pfn_pte(RAM_PFN + 5, _PAGE_RW | _PAGE_ACCESSED));
}

static void mig_setup(void *arg)
{
	const struct ks_page_init migrating = { .refcount = 1, .own = KS_OWN_ALLOC, .owner = "anon" };

	mm_world(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_page_setup(RAM_PFN + 5, &migrating);	/* the page the entry migrates */
	ks_pte_set(mm, HVA, PG_LEVEL_4K, (pte_t){ (RAM_PFN + 5) << _PAGE_PFN_SHIFT | _PAGE_SWP });
	ks_thread_spawn("gup", mig_gup, NULL);
	ks_thread_spawn("split", mig_remap, NULL);
}

START_TEST(test_migration_entry_waits)
{
	const struct ks_program prog = { .name = "migration", .setup = mig_setup };
	struct ks_runner *r = ks_runner_new(&prog, NULL);
	enum pg_level level;
	pte_t pte;

	ks_run_begin(r);
	pte = ks_pte_peek(mm, HVA, &level);
	ck_assert(!pte_none(pte) && !pte_present(pte));
	ck_assert_str_eq(fmt_pte(pte.val), "swp 0x10005");
	step_all(r, 0);
	ck_assert(!ks_run_finished(r, 0));	/* migration_entry_wait() */
	step_all(r, 1);
	ck_assert(ks_run_enabled(r, 0));
	step_all(r, 0);
	ck_assert_int_eq(ks_run_end(r), KS_RUN_TERMINAL);
	ck_assert_int_eq(mig_ret, 1);
	ck_assert_uint_eq(page_to_pfn(mig_page), RAM_PFN + 5);
	ks_runner_free(r);
}
END_TEST

/* A page at refcount 0 that was never freed (frozen) is not handed out. */
START_TEST(test_frozen_page_not_allocated)
{
	const struct ks_page_init frozen = { .refcount = 0, .own = KS_OWN_THREAD, .owner = "anon" };
	struct page *page;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_page_setup(RAM_PFN, &frozen);
	ck_assert_int_eq(get_user_pages_unlocked(HVA, 1, &page, FOLL_WRITE), 1);
	ck_assert_uint_ne(page_to_pfn(page), RAM_PFN);
	put_page(page);
	ks_direct_end();
}
END_TEST

/* ---- keys, printing and the ledger ------------------------------------------------------- */

/* Entries print as their bits; objects as "pte <address>/<level>". */
START_TEST(test_format)
{
	char buf[96];

	ks_direct_begin();
	mm = ks_mm_create();
	ck_assert_str_eq(fmt_pte(0), "none");
	ck_assert_str_eq(fmt_pte(pfn_pte(0x1200, _PAGE_RW | _PAGE_DIRTY | _PAGE_DEVMAP |
					  _PAGE_PSE).val), "pfn 0x1200 rw dirty devmap huge");
	ck_assert_str_eq(fmt_pte(pfn_pte(0x100, _PAGE_SPECIAL | _PAGE_ACCESSED).val),
			 "pfn 0x100 young special");
	ks_obj_format(ks_pte_obj(mm, 0x7f0000234567UL, PG_LEVEL_2M), buf, sizeof(buf));
	ck_assert_str_eq(buf, "pte 0x7f0000200000/2M");
	ks_obj_format(ks_pte_obj(mm, 0x7f0000234567UL, PG_LEVEL_4K), buf, sizeof(buf));
	ck_assert_str_eq(buf, "pte 0x7f0000234000/4K");
	mm = ks_mm_create();
	ks_obj_format(ks_pte_obj(mm, HVA, PG_LEVEL_1G), buf, sizeof(buf));
	ck_assert_str_eq(buf, "pte mm1:0x7f0000000000/1G");
	ck_assert_uint_ne(ks_pte_index(mm, HVA, PG_LEVEL_1G), ks_pte_index(mm, HVA, PG_LEVEL_2M));
	ks_direct_end();
}
END_TEST

/* ks_pte_ref_live() is true only for a present refcounted leaf that still maps the pfn. */
START_TEST(test_ref_live)
{
	ks_obj_t key4k = 0, key2m;
	enum pg_level level;
	pte_t pte;

	mm_direct(KS_ERA_5_2);
	ks_mmap_anon(mm, HVA, PMD_SIZE, VM_READ | VM_WRITE);
	ks_mmap_anon(mm, HVA + PMD_SIZE, PMD_SIZE, VM_READ | VM_WRITE | VM_HUGEPAGE);
	ks_populate(mm, HVA, PAGE_SIZE, true);
	ks_populate(mm, HVA + PAGE_SIZE, PAGE_SIZE, false);
	ks_populate(mm, HVA + PMD_SIZE, PAGE_SIZE, true);
	key4k = ks_pte_obj(mm, HVA, PG_LEVEL_4K);
	key2m = ks_pte_obj(mm, HVA + PMD_SIZE, PG_LEVEL_2M);
	pte = mm_leaf(HVA + PMD_SIZE, &level);
	ck_assert_int_eq(level, PG_LEVEL_2M);
	ck_assert(ks_pte_ref_live(key4k, RAM_PFN));
	ck_assert(!ks_pte_ref_live(key4k, RAM_PFN + 1));
	ck_assert(ks_pte_ref_live(key2m, pte_pfn(pte) + 7));
	ck_assert(!ks_pte_ref_live(ks_pte_obj(mm, HVA + PAGE_SIZE, PG_LEVEL_4K), ks_zero_pfn()));
	ck_assert(!ks_pte_ref_live(ks_pte_obj(mm, HVA, PG_LEVEL_2M), RAM_PFN));
	ck_assert(!ks_pte_ref_live(KS_OBJ(KS_OBJ_PTE, UINT64_C(5) << 48), RAM_PFN));
	vm_munmap(mm, HVA, PAGE_SIZE);
	ck_assert(!ks_pte_ref_live(key4k, RAM_PFN));
	ks_audit();
	ck_assert_int_eq(ks_violation_count(), 0);
	ks_direct_end();
}
END_TEST

static Suite *pgtable_suite(void)
{
	Suite *s = suite_create("shim-pgtable");
	TCase *tc = tcase_create("pgtable");

	tcase_add_test(tc, test_walk_pt_uaf);
	tcase_add_test(tc, test_lookup_none);
	tcase_add_test(tc, test_migration_entry_waits);
	tcase_add_test(tc, test_frozen_page_not_allocated);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_ref_live);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(pgtable_suite());
}
