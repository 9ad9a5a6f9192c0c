// SPDX-License-Identifier: GPL-2.0
/*
 * The reference ledger and the audit: who holds each reference, which record
 * a put drops, how references read in reports, and what the end-of-run audit
 * calls a leak.
 */
#include "linux/memremap.h"
#include "linux/mm.h"
#include "linux/page_ref.h"

#include "shim-check.h"

#define PFN 0x1200UL
#define DEV 0x10000UL

/* The host-mm answer for the audit's PTE records, controlled by the tests. */
static bool pte_live = true;

bool ks_pte_ref_live(uint64_t key, unsigned long pfn)
{
	return pte_live;
}

static struct page *anon_page(unsigned long pfn, int refcount)
{
	const struct ks_page_init init = {
		.refcount = refcount, .own = KS_OWN_ALLOC, .owner = "anon",
	};

	return ks_page_setup(pfn, &init);
}

static char *refs_of(struct page *page)
{
	static char text[512];
	struct ks_buf b = { 0 };

	ks_page_refs_describe(page, &b);
	snprintf(text, sizeof(text), "%s", b.s);
	ks_buf_free(&b);
	return text;
}

static int shim_log_notes(const char *func)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ks_log_count(); i++)
		if (ks_log_row(i)->kind == KS_ROW_NOTE && !strcmp(ks_log_row(i)->func, func))
			n++;
	return n;
}

static void get_user_pages_fake(struct page *page)
{
	KS_FUNC();
	get_page(page);
}

static void hva_to_pfn(struct page *page)
{
	KS_FUNC();
	get_user_pages_fake(page);
}

static void kvm_get_pfn(struct page *page)
{
	KS_FUNC();
	get_page(page);
}

/*
 * A put by a thread without a reference of its own takes one that belongs to
 * another owner: a refcount violation naming who holds what, and the owner's
 * record stays, so the page's count and its ledger now disagree.
 */
START_TEST(test_put_without_own_reference_is_a_violation)
{
	struct page *page = anon_page(PFN, 1);

	{
		KS_OWNER(KS_OWN_PTE, KS_OBJ(KS_OBJ_PTE, 0x42));

		get_page(page);
	}
	put_page(page);
	ck_assert_str_eq(refs_of(page), "pte 0x42; allocator ref");
	ck_assert_int_eq(page->_refcount, 1);
	ck_assert_violations("refcount", 1);
	ck_assert(shim_violation_says("refcount",
				      "put_page by main on page 0x1200, which main holds no reference on (its references: pte 0x42; allocator ref)"));
	ks_audit();
	ck_assert(shim_violation_says("audit", "refcount 1 but its owners account for 2"));
}
END_TEST

/* A page freed while an owner still holds a reference (a double put) is reported. */
START_TEST(test_free_with_owner_left_is_a_violation)
{
	struct page *page = anon_page(PFN, 0);

	{
		KS_OWNER(KS_OWN_PTE, KS_OBJ(KS_OBJ_PTE, 0x42));

		page_ref_inc(page);
	}
	hva_to_pfn(page);
	put_page(page);
	put_page(page);		/* the second takes the PTE's reference */
	ck_assert_int_eq(page->_refcount, 0);
	ck_assert(shim_violation_says("refcount",
				      "page 0x1200 freed while still referenced by pte 0x42"));
}
END_TEST

/* A put drops the context's record, else the thread's most recent one. */
START_TEST(test_put_drops_matching_record)
{
	struct page *page = anon_page(PFN, 1);
	ks_obj_t pte = KS_OBJ(KS_OBJ_PTE, 0x42);

	{
		KS_OWNER(KS_OWN_PTE, pte);

		get_page(page);
	}
	kvm_get_pfn(page);
	hva_to_pfn(page);
	ck_assert_str_eq(refs_of(page), "gup by main hva_to_pfn at step 3; "
			 "ref by main kvm_get_pfn at step 2; pte 0x42; allocator ref");
	put_page(page);		/* the thread's most recent: the gup reference */
	ck_assert_str_eq(refs_of(page), "ref by main kvm_get_pfn at step 2; pte 0x42; allocator ref");
	{
		KS_OWNER(KS_OWN_PTE, pte);

		put_page(page);
	}
	ck_assert_str_eq(refs_of(page), "ref by main kvm_get_pfn at step 2; allocator ref");
	{
		KS_OWNER(KS_OWN_PAGECACHE, 0);	/* no such record: the thread's */

		put_page(page);
	}
	ck_assert_str_eq(refs_of(page), "allocator ref");
	ck_assert_int_eq(shim_log_notes("put_page"), 0);
	ck_assert_ledger(page);
	{
		KS_OWNER(KS_OWN_ALLOC, 0);

		put_page(page);
	}
	ck_assert_str_eq(refs_of(page), "no references");
	ck_assert_int_eq(ks_violation_count(), 0);
}
END_TEST

/* A reference moves from the thread to KVM; without one of its own nothing moves. */
START_TEST(test_ref_transfer)
{
	struct page *page = anon_page(PFN, 1);

	ck_assert(!ks_ref_transfer(page, KS_OWN_KVM, 0));
	hva_to_pfn(page);
	ck_assert(ks_ref_transfer(page, KS_OWN_KVM, 7));
	ck_assert_str_eq(refs_of(page), "kvm by main hva_to_pfn at step 1; allocator ref");
	{
		KS_OWNER(KS_OWN_KVM, 7);

		put_page(page);
	}
	ck_assert_str_eq(refs_of(page), "allocator ref");
	ck_assert_str_eq(ks_owner_name(KS_OWN_PAGECACHE), "page cache");
	ck_assert_str_eq(ks_owner_name(KS_OWN_NR), "?");
}
END_TEST

/* Owner kinds read as their owners in reports. */
START_TEST(test_ref_describe_kinds)
{
	struct ks_ref ref = { .kind = KS_OWN_PAGECACHE };
	struct ks_buf b = { 0 };

	ks_ref_describe(&ref, &b);
	ref.kind = KS_OWN_PGMAP_PAGE;
	ref.key = 0x1234;
	ks_buf_printf(&b, "|");
	ks_ref_describe(&ref, &b);
	ref.kind = KS_OWN_MEMMAP;
	ks_buf_printf(&b, "|");
	ks_ref_describe(&ref, &b);
	ck_assert_str_eq(b.s, "page cache ref|page 0x1234|memmap init ref");
	ks_buf_free(&b);
}
END_TEST

/* The audit calls a reference still held by a thread at the end a leak, naming taker and step. */
START_TEST(test_audit_thread_leak)
{
	struct page *page = anon_page(PFN, 1);

	hva_to_pfn(page);
	ks_audit();
	ck_assert_violations("audit", 1);
	ck_assert(shim_violation_says("audit",
				      "page 0x1200: reference leaked: gup by main hva_to_pfn at step 1"));
}
END_TEST

/* A PTE record whose PTE no longer maps the page is an audit violation. */
START_TEST(test_audit_dead_pte)
{
	struct page *page = anon_page(PFN, 1);
	KS_OWNER(KS_OWN_PTE, KS_OBJ(KS_OBJ_PTE, 0x42));

	get_page(page);
	pte_live = true;
	ks_audit();
	ck_assert_violations("audit", 0);
	pte_live = false;
	ks_audit();
	ck_assert_violations("audit", 1);
	ck_assert(shim_violation_says("audit", "page 0x1200: pte 0x42 no longer maps it"));
	pte_live = true;
}
END_TEST

/* A count the ledger does not account for, and a non-memmap reference that outlived its memmap. */
START_TEST(test_audit_mismatch_and_outlived)
{
	struct page *page = anon_page(PFN, 1);

	page->_refcount = 3;
	ks_audit();
	ck_assert_violations("audit", 1);
	ck_assert(shim_violation_says("audit", "page 0x1200: refcount 3 but its owners account for 1"));
	page->_refcount = 1;
	ks_memmap_remove(PFN, 1);
	ks_audit();
	ck_assert_violations("audit", 2);
	ck_assert_str_eq(ks_violation_get(1)->msg, "page 0x1200: allocator ref outlived the memmap");
}
END_TEST

static struct dev_pagemap *devdax(void)
{
	struct dev_pagemap *pgmap = ks_alloc(sizeof(*pgmap));

	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->start_pfn = DEV;
	pgmap->nr_pages = PAGES_PER_SECTION;
	pgmap->name = "dax0";
	memremap_pages(pgmap, 0);
	return pgmap;
}

/*
 * A pgmap reference kept by a finished thread, or owned by a page at
 * refcount 0, is an audit violation.
 */
START_TEST(test_audit_pgmap)
{
	struct dev_pagemap *pgmap;
	struct page *page;

	ks_era_select(KS_ERA_4_19);
	pgmap = devdax();
	page = pfn_to_page(DEV + 3);
	ks_audit();
	ck_assert_violations("audit", 0);
	ck_assert_ptr_eq(get_dev_pagemap(DEV, NULL), pgmap);
	ks_audit();
	ck_assert_violations("audit", 1);
	ck_assert(shim_violation_says("audit", "pgmap dax0: reference leaked: ref by main"));
	page->_refcount = 0;
	page->refs = NULL;
	pgmap->ref.count++;
	ks_audit();
	ck_assert_violations("audit", 4);
	ck_assert_str_eq(ks_violation_get(1)->msg,
			 "pgmap dax0: count 515 but its owners account for 514");
	ck_assert_ptr_nonnull(strstr(ks_violation_get(2)->msg,
				     "pgmap dax0: reference leaked: ref by main at step"));
	ck_assert_str_eq(ks_violation_get(3)->msg,
			 "pgmap dax0: reference of page 0x10003, whose refcount is 0");
}
END_TEST

static struct page *shared_page;

static void vcpu_fault(void *arg)
{
	hva_to_pfn(shared_page);
}

static void describe_setup(void *arg)
{
	const struct ks_page_init init = {
		.refcount = 1, .own = KS_OWN_MEMMAP, .owner = "dax0",
	};

	shared_page = ks_page_setup(PFN, &init);
	ks_thread_spawn("vcpu0", vcpu_fault, NULL);
}

/* In a run the gup reference reads "gup by vcpu0 hva_to_pfn at step N". */
START_TEST(test_describe_in_run)
{
	struct ks_program prog = { .name = "describe", .setup = describe_setup };
	struct ks_runner *r = ks_runner_new(&prog, NULL);

	ks_run_begin(r);
	ks_run_step(r, 0);
	ck_assert_int_eq(ks_run_status(r), KS_RUN_TERMINAL);
	ck_assert_str_eq(refs_of(shared_page), "gup by vcpu0 hva_to_pfn at step 1; memmap init ref");
	ks_runner_free(r);
}
END_TEST

static Suite *ledger_suite(void)
{
	Suite *s = suite_create("shim-ledger");
	TCase *tc = tcase_create("ledger");

	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_put_without_own_reference_is_a_violation);
	tcase_add_test(tc, test_free_with_owner_left_is_a_violation);
	tcase_add_test(tc, test_put_drops_matching_record);
	tcase_add_test(tc, test_ref_transfer);
	tcase_add_test(tc, test_ref_describe_kinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("audit");
	tcase_add_checked_fixture(tc, shim_direct_setup, shim_direct_teardown);
	tcase_add_test(tc, test_audit_thread_leak);
	tcase_add_test(tc, test_audit_dead_pte);
	tcase_add_test(tc, test_audit_mismatch_and_outlived);
	tcase_add_test(tc, test_audit_pgmap);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_test(tc, test_describe_in_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(ledger_suite());
}
