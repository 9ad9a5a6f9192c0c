// SPDX-License-Identifier: GPL-2.0
/*
 * struct page flags and reference counts (include/linux/mm.h, page-flags.h,
 * page_ref.h and mm/swap.c of v4.19 unless noted).  Every function declares
 * its access to the page before it reads or writes it; a page of a removed
 * memmap behaves as a free page after the memmap-uaf is recorded.  Refcount
 * misuse is "refcount": underflow, overflow, get_page() from zero, a flag or
 * reference change on a free page, freeing a PG_reserved page.
 */
#include <limits.h>
#include <stdio.h>

#include "internal.h"
#include "linux/page_ref.h"

/* The kernel's zero page lives in low memory; any pfn outside the world's RAM does. */
#define KS_ZERO_PFN 0x100UL

static ks_obj_t page_obj(const struct page *page)
{
	return KS_OBJ(KS_OBJ_PAGE, page->pfn);
}

static bool ks_test_bit(const struct page *page, enum pageflags flag)
{
	return page->flags & (1UL << flag);
}

struct page *ks_head(struct page *page)
{
	return page->head ? page->head : page;
}

/* Not in use: refcount 0 and not a ZONE_DEVICE page idle at 0. */
static bool ks_page_is_free(struct page *page)
{
	struct page *head = ks_head(page);

	if (head->_refcount)
		return false;
	return !(head->zone == ZONE_DEVICE && head->pgmap &&
		 !ks_pgmap_idle_refcount(head->pgmap));
}

/* Declare @acc on the refcount of @page's compound head; the head, NULL if gone. */
static struct page *ks_head_touch(struct page *page, enum ks_access acc,
				  const char *func)
{
	if (!ks_page_touch(ks_head(page), KS_PF_REF, acc, func))
		return NULL;
	return ks_head(page);
}

static bool ks_pred(struct page *page, const char *func, bool val)
{
	ks_log_pred(func, page_obj(page), KS_V_BOOL, val);
	return val;
}

/* The object of a flag bit. */
static enum ks_page_field ks_flag_field(enum pageflags flag)
{
	switch (flag) {
	case PG_reserved:
		return KS_PF_RESERVED;
	case PG_dirty:
		return KS_PF_DIRTY;
	case PG_referenced:
		return KS_PF_REFERENCED;
	default:
		return KS_PF_META;
	}
}

static bool ks_flag_test(struct page *page, enum pageflags flag, const char *func)
{
	return ks_pred(page, func, ks_page_touch(page, ks_flag_field(flag), KS_READ, func) &&
		       ks_test_bit(page, flag));
}

static void ks_flag_write(struct page *page, enum pageflags flag, bool set,
			  const char *func)
{
	bool old;

	/*
	 * Setting a bit is idempotent: two sets commute (declared as
	 * increments); a clear does not commute with a set.
	 */
	if (!ks_page_touch(page, ks_flag_field(flag), set ? KS_INC : KS_WRITE, func))
		return;
	if (ks_page_is_free(page)) {
		ks_violation("refcount", page_obj(page), "%s by %s on free page 0x%lx",
			     func, ks_thread_name(ks_tid()), page->pfn);
		return;
	}
	old = ks_test_bit(page, flag);
	if (set)
		page->flags |= 1UL << flag;
	else
		page->flags &= ~(1UL << flag);
	ks_log(func, page_obj(page), KS_V_BOOL, old, set);
}

/* ---- flags: PG_reserved is per page (PF_NO_COMPOUND), dirty/referenced per head ---- */

bool PageReserved(struct page *page)
{
	return ks_flag_test(page, PG_reserved, __func__);
}

void SetPageReserved(struct page *page)
{
	ks_flag_write(page, PG_reserved, true, __func__);
}

void ClearPageReserved(struct page *page)
{
	ks_flag_write(page, PG_reserved, false, __func__);
}

bool PageDirty(struct page *page)
{
	return ks_flag_test(ks_head(page), PG_dirty, __func__);
}

void SetPageDirty(struct page *page)
{
	ks_flag_write(ks_head(page), PG_dirty, true, __func__);
}

bool PageReferenced(struct page *page)
{
	return ks_flag_test(ks_head(page), PG_referenced, __func__);
}

/* v4.19 mm/swap.c: the LRU activation is not modelled, only PG_referenced. */
void mark_page_accessed(struct page *page)
{
	ks_flag_write(ks_head(page), PG_referenced, true, __func__);
}

void SetPageReferenced(struct page *page)
{
	ks_flag_write(ks_head(page), PG_referenced, true, __func__);
}

void ClearPageReferenced(struct page *page)
{
	ks_flag_write(ks_head(page), PG_referenced, false, __func__);
}

bool PageHead(struct page *page)
{
	return ks_flag_test(page, PG_head, __func__);
}

bool PageTail(struct page *page)
{
	return ks_pred(page, __func__, ks_page_touch(page, KS_PF_META, KS_READ, __func__) &&
		       page->head);
}

bool PageCompound(struct page *page)
{
	return ks_pred(page, __func__, ks_page_touch(page, KS_PF_META, KS_READ, __func__) &&
		       (ks_test_bit(page, PG_head) || page->head));
}

struct page *compound_head(struct page *page)
{
	struct page *head = ks_page_touch(page, KS_PF_META, KS_READ, __func__) ?
			    ks_head(page) : page;

	ks_log_pred(__func__, page_obj(page), KS_V_HEX, (int64_t)head->pfn);
	return head;
}

unsigned int compound_order(struct page *page)
{
	unsigned int order = 0;

	if (ks_page_touch(page, KS_PF_META, KS_READ, __func__) && ks_test_bit(page, PG_head))
		order = page->order;
	ks_log_pred(__func__, page_obj(page), KS_V_INT, order);
	return order;
}

/*
 * v4.19 include/linux/page-flags.h: PageTransCompound(page) &&
 * page->_mapcount < 0, i.e. no PTE maps this subpage (a PMD mapping counts on
 * no subpage's _mapcount).
 */
bool PageTransCompoundMap(struct page *page)
{
	return ks_pred(page, __func__,
		       ks_page_touch_fields(page, 1U << KS_PF_META | 1U << KS_PF_MAPCOUNT,
					    KS_READ, __func__) &&
		       (ks_test_bit(page, PG_head) || page->head) &&
		       page->_mapcount == 0);
}

/* v5.6 mm/huge_memory.c (005ba37cb89b): a compound head with the THP destructor. */
bool is_transparent_hugepage(struct page *page)
{
	struct page *head = ks_head(page);

	return ks_pred(page, __func__, ks_page_touch(head, KS_PF_META, KS_READ, __func__) &&
		       ks_test_bit(head, PG_head) && head->thp);
}

bool is_zone_device_page(struct page *page)
{
	return ks_pred(page, __func__, ks_page_touch(page, KS_PF_META, KS_READ, __func__) &&
		       page->zone == ZONE_DEVICE);
}

unsigned long ks_zero_pfn(void)
{
	if (!ks_pfn_page(KS_ZERO_PFN) || !ks_pfn_page(KS_ZERO_PFN)->owner) {
		const struct ks_page_init zero = {
			.refcount = 1, .reserved = true,
			.own = KS_OWN_ALLOC, .owner = "zero page",
		};

		ks_page_setup(KS_ZERO_PFN, &zero);
	}
	return KS_ZERO_PFN;
}

bool is_zero_pfn(unsigned long pfn)
{
	ks_log_pred(__func__, KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_BOOL, pfn == KS_ZERO_PFN);
	return pfn == KS_ZERO_PFN;
}

/* ---- reference counts ---- */

int page_ref_count(struct page *page)
{
	int count = ks_page_touch(page, KS_PF_REF, KS_READ, __func__) ? page->_refcount : 0;

	ks_log_pred(__func__, page_obj(page), KS_V_INT, count);
	return count;
}

/*
 * Every caller in the model tests it for zero (the WARNs of KVM's
 * kvm_is_zone_device_pfn() and mmu_spte_clear_track_bits()): declared a
 * test, which commutes with gets and puts.  Exact counts are read with
 * page_ref_count().
 */
int page_count(struct page *page)
{
	struct page *head = ks_head_touch(page, KS_TEST, __func__);
	int count = head ? head->_refcount : 0;

	ks_log_pred(__func__, page_obj(ks_head(page)), KS_V_INT, count);
	return count;
}

/* Take one reference on @head for the current owner context; false on overflow. */
static bool ks_ref_inc(struct page *head, const char *func)
{
	if (head->_refcount == INT_MAX) {
		ks_violation("refcount", page_obj(head), "%s by %s overflows page 0x%lx",
			     func, ks_thread_name(ks_tid()), head->pfn);
		return false;
	}
	head->_refcount++;
	ks_ledger_get(&head->refs, 1);
	ks_log(func, page_obj(head), KS_V_INT, head->_refcount - 1, head->_refcount);
	return true;
}

/* v4.19 include/linux/mm.h: VM_BUG_ON_PAGE(page_ref_count(page) <= 0) first. */
void get_page(struct page *page)
{
	struct page *head = ks_head_touch(page, KS_INC, __func__);

	if (!head)
		return;
	if (head->_refcount <= 0) {
		ks_violation("refcount", page_obj(head),
			     "get_page by %s on page 0x%lx with refcount %d",
			     ks_thread_name(ks_tid()), head->pfn, head->_refcount);
		return;
	}
	ks_ref_inc(head, __func__);
}

/*
 * page_ref_add_unless(page, 1, 0).  On a tail page it acts on the head, as
 * gup's try_get_compound_head() (v5.x) does.
 */
bool get_page_unless_zero(struct page *page)
{
	struct page *head = ks_head_touch(page, KS_INC, __func__);

	if (!head || !head->_refcount) {
		ks_log_pred(__func__, page_obj(ks_head(page)), KS_V_BOOL, false);
		return false;
	}
	return ks_ref_inc(head, __func__);
}

/* v5.4 include/linux/mm.h (try_get_page, 88b1a17dfc3e): WARN on a zero count. */
bool try_get_page(struct page *page)
{
	struct page *head = ks_head_touch(page, KS_INC, __func__);

	if (!head)
		return false;
	if (WARN_ON_ONCE(head->_refcount <= 0))
		return false;
	return ks_ref_inc(head, __func__);
}

/* Raw increment without the zero check: v6.15 fs/dax.c folio_ref_inc(). */
void page_ref_inc(struct page *page)
{
	struct page *head = ks_head_touch(page, KS_INC, __func__);

	if (head)
		ks_ref_inc(head, __func__);
}

void ks_page_ref_add_ptes(struct page *page, int nr, const uint64_t *keys)
{
	struct page *head = ks_head_touch(page, KS_INC, "page_ref_add");
	int i;

	if (!head)
		return;
	if (head->_refcount <= 0)
		ks_violation("refcount", page_obj(head),
			     "page_ref_add by %s on page 0x%lx with refcount %d",
			     ks_thread_name(ks_tid()), head->pfn, head->_refcount);
	head->_refcount += nr;
	for (i = 0; i < nr; i++)
		ks_ledger_add(&head->refs, KS_OWN_PTE, keys[i], 1);
	ks_log("page_ref_add", page_obj(head), KS_V_INT, head->_refcount - nr,
	       head->_refcount);
}

void ks_page_ref_sub_ptes(struct page *page, int nr, const uint64_t *keys)
{
	struct page *head = ks_head_touch(page, KS_INC, "page_ref_sub");
	int i;

	if (!head)
		return;
	if (head->_refcount <= nr) {
		ks_violation("refcount", page_obj(head),
			     "page_ref_sub of %d by %s on page 0x%lx with refcount %d: not pinned",
			     nr, ks_thread_name(ks_tid()), head->pfn, head->_refcount);
		return;
	}
	for (i = 0; i < nr; i++) {
		KS_OWNER(KS_OWN_PTE, keys[i]);

		ks_ledger_put(&head->refs, page_obj(head), "page_ref_sub");
	}
	head->_refcount -= nr;
	ks_log("page_ref_sub", page_obj(head), KS_V_INT, head->_refcount + nr,
	       head->_refcount);
}

#define KS_MAX_FREE_HOOKS 4
static void (*ks_free_hooks[KS_MAX_FREE_HOOKS])(unsigned long pfn, unsigned long nr);

void ks_page_free_hook(void (*fn)(unsigned long pfn, unsigned long nr))
{
	int i;

	for (i = 0; i < KS_MAX_FREE_HOOKS; i++)
		if (!ks_free_hooks[i]) {
			ks_free_hooks[i] = fn;
			return;
		}
}

/*
 * Back to the allocator (v4.19 __put_single_page / __put_compound_page).
 * The count reached 0, but an owner the ledger still records (a PTE whose
 * reference a double put took) or a secondary MMU's mapping (the hooks)
 * means the page is freed while still in use.
 */
static void ks_free_page(struct page *head)
{
	unsigned long i, nr = ks_test_bit(head, PG_head) ? 1UL << head->order : 1;

	if (ks_test_bit(head, PG_reserved))
		ks_violation("refcount", page_obj(head),
			     "page 0x%lx freed with PG_reserved set (bad_page)", head->pfn);
	if (head->refs) {
		struct ks_buf b = { 0 };

		ks_page_refs_describe(head, &b);
		ks_violation("refcount", page_obj(head),
			     "page 0x%lx freed while still referenced by %s", head->pfn, b.s);
		ks_buf_free(&b);
	}
	for (i = 0; i < KS_MAX_FREE_HOOKS && ks_free_hooks[i]; i++)
		ks_free_hooks[i](head->pfn, nr);
	for (i = 1; i < nr; i++) {
		struct page *tail = ks_pfn_page(head->pfn + i);

		if (tail && tail->head == head) {
			tail->head = NULL;
			tail->owner = NULL;
		}
	}
	ks_log_note("free_pages", page_obj(head), "order %u back to the allocator",
		    ks_test_bit(head, PG_head) ? head->order : 0);
	head->flags = 0;
	head->order = 0;
	head->thp = false;
	head->owner = NULL;	/* back in the buddy allocator */
}

/*
 * v4.19 put_page(): compound_head, put_devmap_managed_page,
 * put_page_testzero, then __put_page().  The atomic decrement commutes with
 * other gets and puts (KS_INC): whichever put is last, the page ends the
 * same.  The last one then frees the page in a step of its own, a write
 * that no get commutes with.
 */
static void ks_put_refs(struct page *page, int nr, const char *func)
{
	struct page *head = ks_head_touch(page, KS_INC, func);
	int i;

	if (!head)
		return;
	if (head->_refcount < nr) {
		ks_violation("refcount", page_obj(head),
			     "%s by %s underflows page 0x%lx: refcount %d",
			     func, ks_thread_name(ks_tid()), head->pfn, head->_refcount);
		return;
	}
	for (i = 0; i < nr; i++)
		ks_ledger_put(&head->refs, page_obj(head), func);
	head->_refcount -= nr;
	ks_log(func, page_obj(head), KS_V_INT, head->_refcount + nr, head->_refcount);
	if (head->zone == ZONE_DEVICE && head->pgmap)
		ks_zone_device_put(head, head->_refcount);
	else if (!head->_refcount &&
		 ks_page_touch_fields(head, KS_PF_ALL & ~(1U << KS_PF_REF), KS_WRITE, "__put_page"))
		ks_free_page(head);
}

void put_page(struct page *page)
{
	ks_put_refs(page, 1, __func__);
}

void put_page_refs(struct page *page, int nr)
{
	ks_put_refs(page, nr, __func__);
}

/* ---- the value a retry loop's await compares ---- */

static uint64_t ks_fold(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

/* What a field of a struct page holds (the object's value). */
static uint64_t ks_page_value(uint64_t index)
{
	unsigned long pfn = (unsigned long)(index & ((UINT64_C(1) << KS_PF_SHIFT) - 1));
	enum ks_page_field f = (enum ks_page_field)(index >> KS_PF_SHIFT);
	struct page *page = ks_pfn_page_last(pfn);
	uint64_t gone, h = 0xcbf29ce484222325ULL;

	if (!page)
		return 0;
	gone = (uint64_t)ks_page_gone(page) << 63;
	switch (f) {
	case KS_PF_REF:
		return gone | (uint32_t)page->_refcount;
	case KS_PF_RESERVED:
		return gone | ks_test_bit(page, PG_reserved);
	case KS_PF_DIRTY:
		return gone | ks_test_bit(page, PG_dirty);
	case KS_PF_REFERENCED:
		return gone | ks_test_bit(page, PG_referenced);
	case KS_PF_MAPCOUNT:
		return gone | (uint32_t)page->_mapcount;
	default:
		h = ks_fold(h, page->head ? page->head->pfn : 0);
		h = ks_fold(h, page->order | (uint64_t)page->thp << 8 |
				 (uint64_t)ks_test_bit(page, PG_head) << 9 |
				 (uint64_t)page->zone << 10 | (uint64_t)!!page->owner << 12);
		return gone ^ ks_fold(h, page->pgmap ? (uint64_t)page->pgmap->id : 0);
	}
}

/* "page 0x1200" (its refcount), "page 0x1200 dirty", ... */
static size_t ks_page_obj_format(uint64_t index, char *buf, size_t len)
{
	static const char *const names[KS_PF_NR] = {
		[KS_PF_REF] = "", [KS_PF_RESERVED] = " reserved", [KS_PF_DIRTY] = " dirty",
		[KS_PF_REFERENCED] = " referenced", [KS_PF_META] = " compound",
		[KS_PF_MAPCOUNT] = " mapcount",
	};
	unsigned int f = (unsigned int)(index >> KS_PF_SHIFT);
	int n = snprintf(buf, len, "page 0x%llx%s",
			 (unsigned long long)(index & ((UINT64_C(1) << KS_PF_SHIFT) - 1)),
			 f < KS_PF_NR ? names[f] : " ?");

	return n < 0 ? 0 : (size_t)n;
}

__attribute__((constructor)) static void ks_page_register(void)
{
	ks_obj_value_register(KS_OBJ_PAGE, ks_page_value);
	ks_obj_kind_register(KS_OBJ_PAGE, ks_page_obj_format);
}

/* ---- world building ---- */

struct page *ks_page_setup(unsigned long pfn, const struct ks_page_init *init)
{
	unsigned long i, nr = 1UL << init->order;
	struct page *head;

	if (!ks_pfn_page(pfn) || !ks_pfn_page(pfn + nr - 1))
		ks_memmap_add(pfn, nr, ZONE_NORMAL);
	head = ks_pfn_page(pfn);
	for (i = 0; i < nr; i++) {
		struct page *page = ks_pfn_page(pfn + i);

		page->flags = init->reserved ? 1UL << PG_reserved : 0;
		page->head = init->compound && i ? head : NULL;
		page->order = 0;
		page->thp = false;
		page->_refcount = 0;
		page->_mapcount = 0;
		page->refs = NULL;
		page->owner = init->owner;
	}
	if (init->compound) {
		head->flags |= 1UL << PG_head;
		head->order = init->order;
		head->thp = init->thp;
	}
	head->_refcount = init->refcount;
	ks_ledger_add(&head->refs, init->own, 0, init->refcount);
	ks_log_note("ks_page_setup", page_obj(head), "order %u%s refcount %d%s %s",
		    init->order, init->compound ? (init->thp ? " thp" : " compound") : "",
		    init->refcount, init->reserved ? " reserved" : "",
		    init->owner ? init->owner : "");
	return head;
}
