// SPDX-License-Identifier: GPL-2.0
/*
 * Installing and zapping entries, freeing page-table pages, the mmu_gather
 * and the TLB flush (mm/memory.c, mm/mmu_gather.c and arch/x86/mm/tlb.c of
 * v4.19).
 *
 * As in the kernel, a zapped page's reference and a freed page-table page
 * are given back only after the TLB flush (tlb_finish_mmu()), and the flush
 * waits for every other CPU to take the IPI, i.e. for every interrupts-off
 * section (gup-fast) to end.  That is what makes gup-fast's walk safe.
 */
#include "linux/page_ref.h"
#include "linux/spinlock.h"
#include "mm-internal.h"

/* ---- entries that own a page reference ---------------------------------------- */

/*
 * 4.19 mm/memory.c: vm_normal_page() and zap_huge_pmd(): a special 4K entry
 * (the zero page, remap_pfn_range, and devmap entries, which x86
 * pte_mkdevmap() marks special too) and a devmap PMD/PUD (pfn_t inserts of
 * fsdax and device-dax before mm-6.15) own no reference; anonymous pages,
 * THP PMDs and mm-6.15 fsdax pages (vmf_insert_page_mkwrite) do.
 */
bool ks_pte_refcounted(pte_t pte, enum pg_level level)
{
	if (!pte_present(pte) || (pte.val & _PAGE_KS_TABLE))
		return false;
	if (level == PG_LEVEL_4K)
		return !pte_special(pte);
	return !pte_devmap(pte);
}

void ks_page_mapcount_add(struct page *page, int nr)
{
	int before;

	/* atomic_inc/dec of _mapcount: commutes with the others */
	ks_sched_point(ks_page_field_obj(page->pfn, KS_PF_MAPCOUNT), KS_INC);
	before = page->_mapcount;
	page->_mapcount += nr;
	ks_log(nr > 0 ? "page_add_rmap" : "page_remove_rmap",
	       KS_OBJ(KS_OBJ_PAGE, page->pfn), KS_V_INT, before, page->_mapcount);
}

struct ks_pt *ks_pte_alloc(struct mm_struct *mm, unsigned long addr, int level)
{
	struct ks_pt *pt = ks_pt_lookup(mm, addr, PG_LEVEL_1G, true);

	while (pt->level > level) {
		unsigned int i = ks_pt_index(pt, addr);
		unsigned long size = ks_level_size(pt->level);

		ks_sched_point(ks_pte_obj(mm, addr, (enum pg_level)pt->level), KS_WRITE);
		if (pte_none(pt->ent[i])) {
			pt->child[i] = ks_pt_alloc(pt->level - 1, addr & ~(size - 1));
			ks_pte_write(mm, pt, addr, ks_pt_entry(pt->child[i]), "__pte_alloc");
		} else if (!(pt->ent[i].val & _PAGE_KS_TABLE)) {
			return NULL;
		}
		pt = pt->child[i];
	}
	return pt;
}

bool ks_map_page(struct vm_area_struct *vma, unsigned long addr, enum pg_level level,
		 pte_t pte, enum ks_map_ref ref)
{
	struct mm_struct *mm = vma->vm_mm;
	ks_obj_t key = ks_pte_obj(mm, addr, level);
	struct page *page = ref != KS_MAP_NOREF ? pfn_to_page(pte_pfn(pte)) : NULL;
	struct ks_pt *pt;

	if (ref == KS_MAP_GET) {
		KS_OWNER(KS_OWN_PTE, key);

		page_ref_inc(page);
	}
	pt = ks_pte_alloc(mm, addr, level);
	if (pt)
		ks_sched_point(key, KS_WRITE);
	if (!pt || !pte_none(pt->ent[ks_pt_index(pt, addr)])) {
		if (ref == KS_MAP_GET) {
			KS_OWNER(KS_OWN_PTE, key);

			put_page(page);
		} else if (ref == KS_MAP_TRANSFER) {
			put_page(page);
		}
		return false;
	}
	ks_pte_write(mm, pt, addr, pte, "set_pte_at");
	if (ref == KS_MAP_TRANSFER)
		ks_ref_transfer(page, KS_OWN_PTE, key);
	if (page && level == PG_LEVEL_4K)
		ks_page_mapcount_add(page, 1);
	return true;
}

/* ---- mmu_gather ------------------------------------------------------------------ */

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->need_flush = false;
	tlb->pages = NULL;
	tlb->tables = NULL;
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page, uint64_t pte_key)
{
	struct ks_gather_page *g = ks_alloc(sizeof(*g));

	g->page = page;
	g->pte_key = pte_key;
	g->next = tlb->pages;
	tlb->pages = g;
}

void tlb_remove_table(struct mmu_gather *tlb, struct ks_pt *pt)
{
	struct ks_gather_table *g = ks_alloc(sizeof(*g));

	g->pt = pt;
	g->next = tlb->tables;
	tlb->tables = g;
	tlb->need_flush = true;
}

/* 4.19 mm/memory.c: tlb_finish_mmu() -> tlb_flush_mmu(): flush, then free. */
void tlb_finish_mmu(struct mmu_gather *tlb)
{
	struct ks_gather_page *g;
	struct ks_gather_table *t;

	KS_FUNC();
	if (tlb->need_flush)
		flush_tlb_mm(tlb->mm);
	for (g = tlb->pages; g; g = g->next) {
		KS_OWNER(KS_OWN_PTE, g->pte_key);

		put_page(g->page);
	}
	for (t = tlb->tables; t; t = t->next) {
		ks_pt_free(t->pt);
		ks_log_note("pte_free", 0, "page-table page #%u freed", t->pt->id);
	}
	tlb->pages = NULL;
	tlb->tables = NULL;
	tlb->need_flush = false;
}

static bool ks_no_irqs_off_elsewhere(const void *arg)
{
	return !ks_irqs_off_by_other(*(const int *)arg);
}

static void ks_irqs_off_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "the TLB-flush IPI waits for a CPU with interrupts off");
}

/*
 * 4.19 arch/x86/mm/tlb.c: flush_tlb_mm_range() -> flush_tlb_others():
 * smp_call_function_many(..., wait = true) returns when every other CPU ran
 * the IPI, which it cannot while it has interrupts off.
 */
void flush_tlb_mm(struct mm_struct *mm)
{
	int tid = ks_lock_tid();
	const struct ks_wait w = {
		.ready = ks_no_irqs_off_elsewhere,
		.explain = ks_irqs_off_explain,
		.arg = &tid,
	};

	ks_sched_wait(ks_irq_obj(), KS_WAIT, &w);
	ks_log_note("flush_tlb_mm", ks_irq_obj(), "mm %d", mm->id);
}

/* ---- zap ------------------------------------------------------------------------- */

/*
 * 4.19 mm/memory.c: zap_pte_range() for one entry, zap_huge_pmd() and
 * zap_huge_pud() for a whole huge leaf.  Returns false if the entry is no
 * longer a leaf at @level (a racing split), so the caller looks again.
 * The page-table lock keeps gup-slow's follow_page() from seeing the entry
 * between its read and its get_page().
 */
static bool zap_one(struct mmu_gather *tlb, struct vm_area_struct *vma,
		    unsigned long addr, enum pg_level level)
{
	struct mm_struct *mm = vma->vm_mm;
	ks_obj_t key = ks_pte_obj(mm, addr, level);
	struct ks_pt *pt;
	struct page *page;
	pte_t pte;

	spin_lock(&mm->page_table_lock);
	ks_sched_point(key, KS_WRITE);
	pt = ks_pt_lookup(mm, addr, level, false);
	pte = pt ? pt->ent[ks_pt_index(pt, addr)] : (pte_t){ _PAGE_KS_TABLE };
	if (pte.val & _PAGE_KS_TABLE) {
		spin_unlock(&mm->page_table_lock);
		return false;
	}
	if (!pte_none(pte)) {
		ks_pte_write(mm, pt, addr, (pte_t){ 0 },
			     level == PG_LEVEL_4K ? "zap_pte_range" :
			     level == PG_LEVEL_2M ? "zap_huge_pmd" : "zap_huge_pud");
		tlb->need_flush = true;
	}
	if (ks_pte_refcounted(pte, level)) {
		page = pfn_to_page(pte_pfn(pte));
		if (level == PG_LEVEL_4K)
			ks_page_mapcount_add(page, -1);
		/* File pages (mm-6.15 fsdax) take the entry's dirty bit: set_page_dirty(). */
		if (vma->backing != KS_BACKING_ANON && pte_dirty(pte))
			SetPageDirty(page);
		tlb_remove_page(tlb, page, key);
	}
	spin_unlock(&mm->page_table_lock);
	return true;
}

/* 4.19 mm/memory.c: unmap_page_range() -> zap_p{ud,md,te}_range(). */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end)
{
	unsigned long addr = start;

	while (addr < end) {
		enum pg_level level;
		pte_t pte = ks_pte_peek(vma->vm_mm, addr, &level);
		unsigned long size = ks_level_size(level);
		unsigned long next = (addr & ~(size - 1)) + size;

		if (next > end)
			next = end;
		if (pte_none(pte)) {
			addr = next;
			continue;
		}
		if (level != PG_LEVEL_4K && next - addr != size) {
			/* zap_pmd_range(): a partial huge leaf is split first. */
			ks_split_huge_leaf(vma, addr, level);
			continue;
		}
		if (zap_one(tlb, vma, addr, level))
			addr = next;
	}
}

/* ---- free_pgtables ------------------------------------------------------------------ */

/*
 * Unlink the tables under the entries at @level (PG_LEVEL_2M: PTE tables,
 * PG_LEVEL_1G: PMD tables) that cover [addr, end) and lie within
 * [floor, ceiling), as free_pmd_range()/free_pud_range() round them.
 */
static void free_level(struct mmu_gather *tlb, int level, unsigned long addr,
		       unsigned long end, unsigned long floor, unsigned long ceiling)
{
	unsigned long size = ks_level_size(level);
	unsigned long b;

	ceiling &= ~(size - 1);
	for (b = addr & ~(size - 1); b < end; b += size) {
		struct ks_pt *pt;

		if (b < floor || b + size > ceiling)
			continue;
		pt = ks_pt_unlink(tlb->mm, b, level);
		if (pt)
			tlb_remove_table(tlb, pt);
	}
}

/* 4.19 mm/memory.c: free_pgd_range(), without freeing PUD tables. */
void free_pgd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	free_level(tlb, PG_LEVEL_2M, addr, end, floor, ceiling);
	free_level(tlb, PG_LEVEL_1G, addr, end, floor, ceiling);
}
