// SPDX-License-Identifier: GPL-2.0
/*
 * struct page: flags, reference counts, compound pages and the memmap.
 * Failure paths first: underflow, get_page() on a free page, touches of a
 * removed memmap; then the ordinary operations, with the ledger matching the
 * refcount after every one.
 */
#include <limits.h>

#include "linux/mm.h"
#include "linux/page_ref.h"

#include "shim-check.h"

#define PFN 0x1200UL
#define THP 0x2000UL

static struct page *anon_page(unsigned long pfn, int refcount)
{
	const struct ks_page_init init = {
		.refcount = refcount, .own = KS_OWN_THREAD, .owner = "anon",
	};

	return ks_page_setup(pfn, &init);
}

static struct page *thp_page(unsigned long pfn, bool thp)
{
	const struct ks_page_init init = {
		.order = HPAGE_PMD_ORDER, .compound = true, .thp = thp,
		.refcount = 1, .own = KS_OWN_THREAD, .owner = "anon",
	};

	return ks_page_setup(pfn, &init);
}

/* A second put_page() of a page with one reference is an underflow; the count stays 0. */
START_TEST(test_put_page_underflow)
{
	struct page *page = anon_page(PFN, 1);

	put_page(page);
	ck_assert_violations("refcount", 0);
	ck_assert_int_eq(page->_refcount, 0);
	put_page(page);
	ck_assert_violations("refcount", 1);
	ck_assert(shim_violation_says("refcount", "put_page by main underflows page 0x1200"));
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_ledger(page);
}
END_TEST

/* get_page() on a free page is a refcount violation and takes nothing; get_page_unless_zero() fails. */
START_TEST(test_get_page_on_free_page)
{
	struct page *page;

	ks_memmap_add(PFN, 1, ZONE_NORMAL);
	page = pfn_to_page(PFN);
	get_page(page);
	ck_assert_violations("refcount", 1);
	ck_assert(shim_violation_says("refcount", "get_page by main on page 0x1200 with refcount 0"));
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert(!get_page_unless_zero(page));
	ck_assert_violations("refcount", 1);
	ck_assert_ledger(page);
}
END_TEST

/* Dirtying or marking accessed a free page is a refcount violation and changes nothing. */
START_TEST(test_flag_write_on_free_page)
{
	struct page *page = anon_page(PFN, 1);

	put_page(page);
	SetPageDirty(page);
	mark_page_accessed(page);
	ck_assert_violations("refcount", 2);
	ck_assert(shim_violation_says("refcount", "SetPageDirty by main on free page 0x1200"));
	ck_assert(!PageDirty(page));
	ck_assert(!PageReferenced(page));
}
END_TEST

/* A reference taken at INT_MAX is an overflow and is not taken. */
START_TEST(test_refcount_overflow)
{
	struct page *page = anon_page(PFN, 1);

	page->_refcount = INT_MAX;
	get_page(page);
	ck_assert(!get_page_unless_zero(page));
	ck_assert_violations("refcount", 2);
	ck_assert(shim_violation_says("refcount", "overflows page 0x1200"));
	ck_assert_int_eq(page->_refcount, INT_MAX);
}
END_TEST

/* Freeing a PG_reserved page is a bad_page(): a refcount violation. */
START_TEST(test_free_reserved_page)
{
	const struct ks_page_init init = {
		.refcount = 1, .reserved = true, .own = KS_OWN_THREAD,
	};
	struct page *page = ks_page_setup(PFN, &init);

	put_page(page);
	ck_assert_violations("refcount", 1);
	ck_assert(shim_violation_says("refcount", "freed with PG_reserved"));
}
END_TEST

/* try_get_page() on a free page WARNs and fails, as in the kernel. */
START_TEST(test_try_get_page_on_free_page)
{
	struct page *page;

	ks_memmap_add(PFN, 1, ZONE_NORMAL);
	page = pfn_to_page(PFN);
	ck_assert(!try_get_page(page));
	ck_assert_violations("warn", 1);
	ck_assert_violations("refcount", 0);
	ck_assert_int_eq(page->_refcount, 0);
}
END_TEST

/* After removal pfn_valid() is false and pfn_to_page() plus a touch records one memmap-uaf. */
START_TEST(test_removed_memmap_via_pfn_to_page)
{
	struct page *page = anon_page(PFN, 1);

	ck_assert(pfn_valid(PFN));
	ks_memmap_remove(PFN, 1);
	ck_assert(!pfn_valid(PFN));
	ck_assert(!pfn_valid(PFN & ~(PAGES_PER_SECTION - 1)));
	ck_assert_ptr_eq(page->section, pfn_to_page(PFN)->section);
	ck_assert_violations("memmap-uaf", 1);
	ck_assert(shim_violation_says("memmap-uaf", "pfn_to_page by main: page 0x1200"));
	ck_assert_int_eq(page_count(pfn_to_page(PFN)), 0);
	/* one violation per thread and page in a row */
	ck_assert_violations("memmap-uaf", 1);
	ck_assert_violations("refcount", 0);
}
END_TEST

/* A stale struct page pointer kept across removal records memmap-uaf and acts as a free page. */
START_TEST(test_removed_memmap_via_stale_pointer)
{
	struct page *page = anon_page(PFN, 1);
	struct page *other = anon_page(PFN + 1, 1);

	ks_memmap_remove(PFN, 1);
	get_page(page);
	ck_assert_violations("memmap-uaf", 1);
	ck_assert(shim_violation_says("memmap-uaf",
				      "get_page by main: page 0x1200 is a struct page of a removed memmap"));
	ck_assert_int_eq(page->_refcount, 1);
	put_page(page);
	ck_assert_violations("memmap-uaf", 1);
	ck_assert_int_eq(page->_refcount, 1);
	/* a touch of another removed page is a new violation, then back to the first one */
	ck_assert(!PageReserved(other));
	ck_assert(!get_page_unless_zero(other));
	ck_assert_int_eq(page_ref_count(page), 0);
	ck_assert_violations("memmap-uaf", 3);
	SetPageDirty(page);
	ck_assert(!PageDirty(page));
	ck_assert_violations("refcount", 0);
}
END_TEST

/* pfn_to_page() of a pfn that never had a memmap is memmap-uaf; the page acts free. */
START_TEST(test_pfn_without_memmap)
{
	struct page *page;

	ck_assert(!pfn_valid(0x99999));
	page = pfn_to_page(0x99999);
	ck_assert_violations("memmap-uaf", 1);
	ck_assert(shim_violation_says("memmap-uaf", "page 0x99999 has no memmap"));
	ck_assert_int_eq(page_to_pfn(page), 0x99999);
	ck_assert(!is_zone_device_page(page));
	ck_assert_violations("memmap-uaf", 1);
}
END_TEST

/* Memmap added again after removal is a fresh section; the old struct pages stay freed. */
START_TEST(test_memmap_readd)
{
	struct page *old = anon_page(PFN, 1), *page;

	ks_memmap_add(PFN, PAGES_PER_SECTION, ZONE_NORMAL);
	ck_assert_ptr_eq(pfn_to_page(PFN), old);
	ks_memmap_remove(PFN, 1);
	ks_memmap_remove(PFN, 1);
	ks_memmap_remove(PFN, 0);
	ks_memmap_add(PFN, 1, ZONE_NORMAL);
	ck_assert(pfn_valid(PFN));
	page = pfn_to_page(PFN);
	ck_assert_ptr_ne(page, old);
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert_violations("memmap-uaf", 0);
	get_page(old);
	ck_assert_violations("memmap-uaf", 1);
}
END_TEST

/* Refcount operations on any page of a THP act on the head; its last put frees it. */
START_TEST(test_compound_refcount_on_head)
{
	struct page *head = thp_page(THP, true);
	struct page *tail = pfn_to_page(THP + 5);
	long row;

	get_page(tail);
	ck_assert_int_eq(head->_refcount, 2);
	row = shim_log_find("get_page", 0);
	ck_assert_int_ge(row, 0);
	ck_assert_uint_eq(ks_log_row(row)->obj, KS_OBJ(KS_OBJ_PAGE, THP));
	ck_assert_int_eq(page_count(tail), 2);
	ck_assert_int_eq(page_ref_count(tail), 0);
	ck_assert_ptr_eq(compound_head(tail), head);
	ck_assert(try_get_page(tail));
	ck_assert(get_page_unless_zero(tail));
	ck_assert_int_eq(head->_refcount, 4);
	ck_assert_ledger(head);
	put_page_refs(head, 3);
	ck_assert_int_eq(head->_refcount, 1);
	ck_assert_ledger(head);
	put_page(tail);
	ck_assert_int_eq(head->_refcount, 0);
	ck_assert(!PageCompound(tail));
	ck_assert(!PageHead(head));
	ck_assert_int_eq(compound_order(head), 0);
	ck_assert(shim_log_find("free_pages", 0) >= 0);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* put_page_refs() of more references than the page has is an underflow and drops none. */
START_TEST(test_put_page_refs_underflow)
{
	struct page *head = thp_page(THP, true);

	put_page_refs(head, 2);
	ck_assert_violations("refcount", 1);
	ck_assert_int_eq(head->_refcount, 1);
	ck_assert_ledger(head);
}
END_TEST

/* Compound structure queries: head, tail, order, PMD-only mapping, THP destructor. */
START_TEST(test_compound_queries)
{
	struct page *head = thp_page(THP, true);
	struct page *tail = pfn_to_page(THP + 1);
	struct page *other = thp_page(THP + HPAGE_PMD_NR, false);
	struct page *small = anon_page(PFN, 1);

	ck_assert(PageHead(head) && !PageTail(head) && PageCompound(head));
	ck_assert(!PageHead(tail) && PageTail(tail) && PageCompound(tail));
	ck_assert(!PageCompound(small));
	ck_assert_int_eq(compound_order(head), HPAGE_PMD_ORDER);
	ck_assert_int_eq(compound_order(tail), 0);
	ck_assert(PageTransCompoundMap(tail));
	tail->_mapcount = 1;	/* PTE-mapped subpage */
	ck_assert(!PageTransCompoundMap(tail));
	ck_assert(!PageTransCompoundMap(small));
	ck_assert(is_transparent_hugepage(tail));
	ck_assert(!is_transparent_hugepage(other));
	ck_assert(!is_transparent_hugepage(small));
	ck_assert(!is_zone_device_page(head));
	ck_assert_ptr_eq(compound_head(small), small);
}
END_TEST

/* Dirty and referenced live on the head; PG_reserved on each page; each change is a log row. */
START_TEST(test_flags)
{
	struct page *head = thp_page(THP, true);
	struct page *tail = pfn_to_page(THP + 3);
	const struct ks_row *row;
	long i;

	ck_assert(!PageDirty(tail));
	SetPageDirty(tail);
	ck_assert(PageDirty(head));
	i = shim_log_find("SetPageDirty", 0);
	ck_assert_int_ge(i, 0);
	row = ks_log_row(i);
	ck_assert_uint_eq(row->obj, KS_OBJ(KS_OBJ_PAGE, THP));
	ck_assert_int_eq(row->before, 0);
	ck_assert_int_eq(row->after, 1);
	mark_page_accessed(tail);
	ck_assert(PageReferenced(head));
	ck_assert(!PageReserved(tail));
	SetPageReserved(tail);
	ck_assert(PageReserved(tail));
	ck_assert(!PageReserved(head));
	ClearPageReserved(tail);
	ck_assert(!PageReserved(tail));
	i = shim_log_find("PageReserved", 0);
	ck_assert_int_eq(ks_log_row(i)->kind, KS_ROW_PRED);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* The ledger holds one record per reference after every operation, whoever takes them. */
START_TEST(test_ledger_matches_refcount)
{
	struct page *page = anon_page(PFN, 2);

	ck_assert_ledger(page);
	get_page(page);
	ck_assert_ledger(page);
	ck_assert(get_page_unless_zero(page));
	ck_assert_ledger(page);
	ck_assert(try_get_page(page));
	ck_assert_ledger(page);
	page_ref_inc(page);
	ck_assert_ledger(page);
	put_page_refs(page, 2);
	ck_assert_ledger(page);
	put_page(page);
	ck_assert_ledger(page);
	put_page(page);
	ck_assert_ledger(page);
	ck_assert_int_eq(page->_refcount, 2);
	put_page_refs(page, 2);
	ck_assert_ledger(page);
	ck_assert_int_eq(page->_refcount, 0);
	page_ref_inc(page);	/* the raw increment takes a page from 0 */
	ck_assert_int_eq(page->_refcount, 1);
	ck_assert_ledger(page);
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* The zero page exists once asked for: valid, PG_reserved, one reference. */
START_TEST(test_zero_page)
{
	unsigned long pfn = ks_zero_pfn();

	ck_assert_uint_eq(ks_zero_pfn(), pfn);
	ck_assert(is_zero_pfn(pfn));
	ck_assert(!is_zero_pfn(pfn + 1));
	ck_assert(pfn_valid(pfn));
	ck_assert(PageReserved(pfn_to_page(pfn)));
	ck_assert_int_eq(page_count(pfn_to_page(pfn)), 1);
}
END_TEST

static Suite *page_suite(void)
{
	Suite *s = suite_create("shim-page");
	TCase *tc = tcase_create("failures");

	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_put_page_underflow);
	tcase_add_test(tc, test_get_page_on_free_page);
	tcase_add_test(tc, test_flag_write_on_free_page);
	tcase_add_test(tc, test_refcount_overflow);
	tcase_add_test(tc, test_free_reserved_page);
	tcase_add_test(tc, test_try_get_page_on_free_page);
	tcase_add_test(tc, test_put_page_refs_underflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("memmap");
	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_removed_memmap_via_pfn_to_page);
	tcase_add_test(tc, test_removed_memmap_via_stale_pointer);
	tcase_add_test(tc, test_pfn_without_memmap);
	tcase_add_test(tc, test_memmap_readd);
	suite_add_tcase(s, tc);

	tc = tcase_create("ops");
	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_compound_refcount_on_head);
	tcase_add_test(tc, test_compound_queries);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_ledger_matches_refcount);
	tcase_add_test(tc, test_zero_page);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(page_suite());
}
