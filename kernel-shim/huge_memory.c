// SPDX-License-Identifier: GPL-2.0
/*
 * THP split (v4.19 mm/huge_memory.c, mm/rmap.c, mm/migrate.c).
 *
 * split_huge_pmd() turns an anonymous PMD mapping into 512 PTEs, each owning
 * a reference on the head (page_ref_add(page, HPAGE_PMD_NR - 1)); a DAX PMD
 * is just cleared.  split_huge_page() follows split_huge_page_to_list():
 * the racy can_split_huge_page() check, unmap_page() to migration entries,
 * page_ref_freeze() (refused if a reference appeared meanwhile, e.g. from
 * gup-fast), __split_huge_page() into order-0 pages, remap_page().  Every
 * entry and every page is a step of its own: a split is long.  The struct
 * pages of a THP are contiguous (one memmap section), so subpage i is head + i.
 */
#include <errno.h>

#include "linux/huge_mm.h"
#include "linux/page_ref.h"
#include "mm-internal.h"

static void ks_range_notify(struct mmu_notifier_range *range, struct mm_struct *mm,
			    unsigned long start, unsigned long size)
{
	range->mm = mm;
	range->start = start;
	range->end = start + size;
	range->event = MMU_NOTIFY_CLEAR;
	range->blockable = true;
}

/*
 * 4.19 __split_huge_pmd_locked(): an anonymous THP gets a PTE table of 512
 * entries with the PMD's protection, one head reference and one subpage
 * mapcount per entry; the PMD's own reference goes.  A file or DAX PMD is
 * only cleared (pmdp_huge_clear_flush_notify(); vma_is_dax() returns).
 */
static void __split_huge_pmd_locked(struct vm_area_struct *vma, struct ks_pt *pmd_pt,
				    unsigned long haddr, pte_t old)
{
	struct mm_struct *mm = vma->vm_mm;
	ks_obj_t pmd_key = ks_pte_obj(mm, haddr, PG_LEVEL_2M);
	struct ks_pt *pt;
	struct page *head;
	uint64_t *keys;
	unsigned int i;

	if (vma->backing != KS_BACKING_ANON) {
		ks_pte_write(mm, pmd_pt, haddr, (pte_t){ 0 }, "pmdp_huge_clear_flush_notify");
		flush_tlb_mm(mm);
		return;
	}
	/* pmdp_invalidate(): not present (and not none) while the PTEs are made */
	ks_pte_write(mm, pmd_pt, haddr, (pte_t){ old.val & ~_PAGE_PRESENT }, "pmdp_invalidate");
	flush_tlb_mm(mm);
	head = pfn_to_page(pte_pfn(old));
	pt = ks_pt_alloc(PG_LEVEL_4K, haddr);
	keys = ks_alloc(PTRS_PER_PT * sizeof(*keys));
	for (i = 0; i < PTRS_PER_PT; i++) {
		keys[i] = ks_pte_obj(mm, haddr + i * PAGE_SIZE, PG_LEVEL_4K);
		pt->ent[i] = pfn_pte(pte_pfn(old) + i, old.val & (_PAGE_RW | _PAGE_DIRTY |
								 _PAGE_ACCESSED));
		(head + i)->_mapcount++;
	}
	/*
	 * page_ref_add(page, HPAGE_PMD_NR - 1): one atomic add.  The ledger moves
	 * the PMD's reference to the PTEs: 512 records in, the PMD's out.
	 */
	ks_page_ref_add_ptes(head, PTRS_PER_PT, keys);
	ks_page_ref_sub_ptes(head, 1, &pmd_key);
	ks_sched_point(pmd_key, KS_WRITE);
	pmd_pt->child[ks_pt_index(pmd_pt, haddr)] = pt;
	ks_pte_write(mm, pmd_pt, haddr, ks_pt_entry(pt), "pmd_populate");
}

/* 4.19 mm/huge_memory.c: __split_huge_pmd(), the notifier pair around it. */
void split_huge_pmd(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	struct mmu_notifier_range range;
	struct ks_pt *pmd_pt;
	pte_t pmd;

	KS_FUNC();
	ks_range_notify(&range, mm, haddr, PMD_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ks_sched_point(ks_pte_obj(mm, haddr, PG_LEVEL_2M), KS_WRITE);
	pmd_pt = ks_pt_lookup(mm, haddr, PG_LEVEL_2M, false);
	pmd = pmd_pt ? pmd_pt->ent[ks_pt_index(pmd_pt, haddr)] : (pte_t){ 0 };
	if (pmd_trans_huge(pmd))
		__split_huge_pmd_locked(vma, pmd_pt, haddr, pmd);
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);
}

/* 4.19 mm/huge_memory.c: __split_huge_pud(): a DAX PUD is cleared. */
static void split_huge_pud(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PUD_MASK;
	struct mmu_notifier_range range;
	struct ks_pt *pud_pt;

	KS_FUNC();
	ks_range_notify(&range, mm, haddr, PUD_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ks_sched_point(ks_pte_obj(mm, haddr, PG_LEVEL_1G), KS_WRITE);
	pud_pt = ks_pt_lookup(mm, haddr, PG_LEVEL_1G, false);
	if (pmd_trans_huge(pud_pt->ent[ks_pt_index(pud_pt, haddr)])) {
		ks_pte_write(mm, pud_pt, haddr, (pte_t){ 0 }, "pudp_huge_clear_flush_notify");
		flush_tlb_mm(mm);
	}
	spin_unlock(&mm->page_table_lock);
	mmu_notifier_invalidate_range_end(&range);
}

void ks_split_huge_leaf(struct vm_area_struct *vma, unsigned long addr,
			enum pg_level level)
{
	if (level == PG_LEVEL_2M)
		split_huge_pmd(vma, addr);
	else
		split_huge_pud(vma, addr);
}

/* ---- split_huge_page ------------------------------------------------------------ */

/* One 4K entry that maps a subpage of the THP being split (the anon rmap). */
struct ks_rmap {
	struct mm_struct *mm;
	unsigned long addr;
	unsigned long pfn;
	struct ks_rmap *next;
};

/*
 * rmap_walk_anon() by scanning the PTE tables of every mm for [pfn, pfn + 512), in address
 * order.
 */
static struct ks_rmap *ks_rmap_collect(unsigned long pfn, bool migration)
{
	struct ks_rmap *list = NULL, **tail = &list;
	struct mm_struct *mm;
	int id;

	for (id = 0; (mm = ks_mm_by_id(id)); id++) {
		struct ks_pt *pgd = mm->pgd;
		unsigned int a, b, c, d;

		for (a = 0; a < PTRS_PER_PT; a++) {
			struct ks_pt *pud = pgd->child[a];

			for (b = 0; pud && b < PTRS_PER_PT; b++) {
				struct ks_pt *pmd = pud->child[b];

				for (c = 0; pmd && c < PTRS_PER_PT; c++) {
					struct ks_pt *pt = pmd->child[c];

					for (d = 0; pt && d < PTRS_PER_PT; d++) {
						pte_t pte = pt->ent[d];
						struct ks_rmap *r;

						if (pte_none(pte) || pte_present(pte) == migration ||
						    pte_pfn(pte) - pfn >= HPAGE_PMD_NR)
							continue;
						r = ks_alloc(sizeof(*r));
						r->mm = mm;
						r->addr = pt->base + d * PAGE_SIZE;
						r->pfn = pte_pfn(pte);
						*tail = r;
						tail = &r->next;
					}
				}
			}
		}
	}
	return list;
}

/* Set the entry of @r from @old to @new (page-table lock held); false if it changed. */
static bool ks_rmap_replace_locked(struct ks_rmap *r, pte_t old, pte_t new, const char *func)
{
	struct ks_pt *pt;
	bool same;

	ks_sched_point(ks_pte_obj(r->mm, r->addr, PG_LEVEL_4K), KS_WRITE);
	pt = ks_pt_lookup(r->mm, r->addr, PG_LEVEL_4K, false);
	same = pt && pt->ent[ks_pt_index(pt, r->addr)].val == old.val;
	if (same)
		ks_pte_write(r->mm, pt, r->addr, new, func);
	return same;
}

/* The same under the page-table lock. */
static bool ks_rmap_replace(struct ks_rmap *r, pte_t old, pte_t new, const char *func)
{
	bool same;

	spin_lock(&r->mm->page_table_lock);
	same = ks_rmap_replace_locked(r, old, new, func);
	spin_unlock(&r->mm->page_table_lock);
	return same;
}

/*
 * 4.19 mm/rmap.c: try_to_unmap() -> rmap_walk -> try_to_unmap_one() with
 * TTU_MIGRATION: per mapping mm, one invalidation over the THP's range, every
 * entry becomes a migration entry (non-present, not none) under one hold of
 * the page-table lock (page_vma_mapped_walk() keeps it across the PTEs of
 * one table), then the
 * subpages' mapcounts and the entries' references on the head go.  The
 * kernel flushes after each entry; the model flushes once per mm after
 * them all (as TTU_BATCH_FLUSH does), which keeps what matters: every flush
 * before page_ref_freeze().  The references go in one page_ref_sub: the
 * splitter's pin keeps the count above zero.
 */
static void unmap_page(struct page *head)
{
	struct ks_rmap *r, *first, *list = ks_rmap_collect(head->pfn, false);
	uint64_t *keys = ks_alloc(HPAGE_PMD_NR * sizeof(*keys));
	struct mmu_notifier_range range;

	KS_FUNC();
	for (first = list; first; first = r) {
		int n = 0;

		ks_range_notify(&range, first->mm, first->addr & PMD_MASK, PMD_SIZE);
		mmu_notifier_invalidate_range_start(&range);
		spin_lock(&first->mm->page_table_lock);
		for (r = first; r && r->mm == first->mm; r = r->next) {
			enum pg_level level;
			pte_t pte = ks_pte_peek(r->mm, r->addr, &level);

			if (ks_rmap_replace_locked(r, pte,
						   (pte_t){ (uint64_t)r->pfn << _PAGE_PFN_SHIFT | _PAGE_SWP },
						   "try_to_unmap_one")) {
				ks_page_mapcount_add(pfn_to_page(r->pfn), -1);
				keys[n++] = ks_pte_obj(r->mm, r->addr, PG_LEVEL_4K);
			}
		}
		spin_unlock(&first->mm->page_table_lock);
		if (n) {
			flush_tlb_mm(first->mm);
			ks_page_ref_sub_ptes(head, n, keys);
		}
		mmu_notifier_invalidate_range_end(&range);
	}
}

/*
 * 4.19 mm/migrate.c: remove_migration_ptes() (remap_page()): every migration
 * entry of the range maps its subpage again, with a reference on the page
 * that now holds it (the head, or the subpage itself after the split).  The
 * references on one page are taken in one page_ref_add (the splitter's pin
 * keeps every target page's count above zero, so the order does not matter).
 */
static void remap_page(unsigned long pfn)
{
	struct ks_rmap *r;
	struct page *target = NULL;
	uint64_t *keys = ks_alloc(HPAGE_PMD_NR * sizeof(*keys));
	int n = 0;

	KS_FUNC();
	for (r = ks_rmap_collect(pfn, true); r; r = r->next) {
		struct page *page = pfn_to_page(r->pfn);
		struct page *holder = page->head ? page->head : page;
		pte_t swp = { (uint64_t)r->pfn << _PAGE_PFN_SHIFT | _PAGE_SWP };

		if (!ks_rmap_replace(r, swp, pfn_pte(r->pfn, _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED),
				     "remove_migration_pte"))
			continue;
		ks_page_mapcount_add(page, 1);
		if (target && holder != target) {
			ks_page_ref_add_ptes(target, n, keys);
			n = 0;
		}
		target = holder;
		keys[n++] = ks_pte_obj(r->mm, r->addr, PG_LEVEL_4K);
	}
	if (n)
		ks_page_ref_add_ptes(target, n, keys);
}

/* Sum of the subpages' PTE mapcounts (total_mapcount() with no PMD mapping left). */
static int ks_total_mapcount(struct page *head)
{
	int total = 0;
	unsigned long i;

	for (i = 0; i < HPAGE_PMD_NR; i++)
		total += (head + i)->_mapcount;
	return total;
}

/*
 * 4.19 mm/huge_memory.c: __split_huge_page(): the frozen THP becomes 512
 * order-0 pages; each tail starts with the splitter's reference
 * (page_ref_unfreeze(page_tail, 1)), the head keeps the caller's.
 */
static void __split_huge_page(struct page *head)
{
	unsigned long i;

	KS_FUNC();
	for (i = 1; i < HPAGE_PMD_NR; i++) {
		const struct ks_page_init init = {
			.refcount = 1, .own = KS_OWN_THREAD, .owner = head->owner,
		};

		ks_page_point(head->pfn + i, KS_PF_ALL, KS_WRITE);
		ks_page_setup(head->pfn + i, &init);
	}
	ks_page_point(head->pfn, 1U << KS_PF_REF | 1U << KS_PF_META, KS_WRITE);
	head->flags &= ~(1UL << PG_head);
	head->order = 0;
	head->thp = false;
	head->_refcount = 1;
	ks_log("page_ref_unfreeze", KS_OBJ(KS_OBJ_PAGE, head->pfn), KS_V_INT, 0, 1);
}

/*
 * 4.19 mm/huge_memory.c: split_huge_page_to_list().  The caller holds a
 * reference on @page.  -EBUSY while anyone else holds one.
 */
int split_huge_page(struct page *page)
{
	struct page *head = compound_head(page);
	unsigned long i;
	int count;

	KS_FUNC();
	if (!is_transparent_hugepage(head))
		return -EINVAL;
	/* can_split_huge_page(): total_mapcount == page_count - 1 (the caller's) */
	count = page_ref_count(head);	/* page_count() of the head: the exact count */
	if (ks_total_mapcount(head) != count - 1) {
		ks_log_pred("can_split_huge_page", KS_OBJ(KS_OBJ_PAGE, head->pfn),
			    KS_V_BOOL, false);
		return -EBUSY;
	}
	unmap_page(head);
	/* page_ref_freeze(head, 1) */
	ks_sched_point(ks_page_field_obj(head->pfn, KS_PF_REF), KS_WRITE);
	if (head->_refcount != 1) {
		ks_log_pred("page_ref_freeze", KS_OBJ(KS_OBJ_PAGE, head->pfn), KS_V_BOOL, false);
		remap_page(head->pfn);
		return -EBUSY;
	}
	head->_refcount = 0;
	ks_log("page_ref_freeze", KS_OBJ(KS_OBJ_PAGE, head->pfn), KS_V_INT, 1, 0);
	__split_huge_page(head);
	remap_page(head->pfn);
	/* the caller's reference stays with @page; the other subpages drop theirs */
	for (i = 0; i < HPAGE_PMD_NR; i++)
		if (head + i != page)
			put_page(head + i);
	return 0;
}

/*
 * The scenario operation "THP split at hva": under mmap_lock for read, the
 * PMD is split, then the page (with a reference held across, as
 * split_huge_pages_pid() of debugfs and khugepaged take it).
 */
int ks_thp_split(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;
	struct page *page = NULL;
	enum pg_level level;
	pte_t pte;
	int ret = -EINVAL;

	KS_FUNC();
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, address);
	if (!vma || vma->vm_start > address || vma->backing != KS_BACKING_ANON)
		goto out;
	split_huge_pmd(vma, address);
	spin_lock(&mm->page_table_lock);
	pte = ks_pte_get(mm, address, &level);
	if (level == PG_LEVEL_4K && pte_present(pte) && !pte_special(pte)) {
		page = pfn_to_page(pte_pfn(pte));
		get_page(page);
	}
	spin_unlock(&mm->page_table_lock);
	if (page) {
		ret = split_huge_page(page);
		put_page(page);
	}
out:
	up_read(&mm->mmap_lock);
	ks_log_pred("ks_thp_split", ks_pte_obj(mm, address, PG_LEVEL_2M), KS_V_INT, ret);
	return ret;
}
