/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host-mm files of the shim share (as mm/internal.h does in the
 * kernel): page-table pages, entry access for the mm code, the mmu_gather
 * that defers page puts and table frees until after the TLB flush, the zap
 * and the fault helpers.  Not for the KVM side.
 */
#ifndef KS_MM_INTERNAL_H
#define KS_MM_INTERNAL_H

#include <kvmsim/world.h>

#include "linux/mm.h"
#include "linux/mmu_notifier.h"

#define PTRS_PER_PT 512
/* The top table; pg_level has no name for it. */
#define KS_PG_LEVEL_PGD (PG_LEVEL_1G + 1)
/* First address past the user address space (x86-64 TASK_SIZE_MAX). */
#define KS_TASK_SIZE (1UL << 47)

/*
 * A page-table page.  Entries of a table above the PTE level are either
 * leaves (_PAGE_PSE) or point to the table in child[] (_PAGE_TABLE).  A freed
 * table stays in the run arena, so that a walker still holding it reads
 * "pt-uaf" instead of undefined memory.
 */
struct ks_pt {
	int level;			/* enum pg_level of the entries, or KS_PG_LEVEL_PGD */
	bool freed;
	unsigned long base;		/* first address the table covers */
	unsigned int id;		/* per-mm serial, for traces */
	pte_t ent[PTRS_PER_PT];
	struct ks_pt **child;		/* NULL in PTE tables */
};

/* Bytes mapped by one entry at @level. */
unsigned long ks_level_size(int level);
/* Name of a level for traces: "4K", "2M", "1G". */
const char *ks_level_name(int level);

void ks_pgd_init(struct mm_struct *mm);
/* A new, empty table of entries at @level covering from @base (arena memory). */
struct ks_pt *ks_pt_alloc(int level, unsigned long base);
/*
 * The table holding the entry for @addr at @level, allocating the missing
 * tables above it if @alloc (the mm code, serialised by its locks), or NULL.
 * No scheduling point: the caller makes one on the entry first.
 */
struct ks_pt *ks_pt_lookup(struct mm_struct *mm, unsigned long addr, int level,
			   bool alloc);
static inline unsigned int ks_pt_index(const struct ks_pt *pt, unsigned long addr)
{
	return (unsigned int)((addr - pt->base) / ks_level_size(pt->level));
}
/* The leaf or last entry the walk reaches for @addr, and its level; no sched point. */
/* Write an entry found by ks_pt_lookup() and log it as @func (no sched point). */
void ks_pte_write(struct mm_struct *mm, struct ks_pt *pt, unsigned long addr,
		  pte_t pte, const char *func);
/* Unlink the PTE table under the PMD entry of @addr (or the PMD table under the PUD). */
struct ks_pt *ks_pt_unlink(struct mm_struct *mm, unsigned long addr, int level);
void ks_pt_free(struct ks_pt *pt);

/* A table entry pointing to @child, for ks_pte_write(). */
pte_t ks_pt_entry(const struct ks_pt *child);

/* ---- mmu_gather (4.19 include/asm-generic/tlb.h) --------------------------- */

struct ks_gather_page {
	struct page *page;
	uint64_t pte_key;		/* the entry that owned the reference */
	struct ks_gather_page *next;
};

struct ks_gather_table {
	struct ks_pt *pt;
	struct ks_gather_table *next;
};

struct mmu_gather {
	struct mm_struct *mm;
	bool need_flush;
	struct ks_gather_page *pages;
	struct ks_gather_table *tables;
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
/* A PTE-owned reference to drop after the flush (tlb_remove_page). */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page, uint64_t pte_key);
void tlb_remove_table(struct mmu_gather *tlb, struct ks_pt *pt);
/* Flush if anything was cleared, then put the pages and free the tables. */
void tlb_finish_mmu(struct mmu_gather *tlb);

/* ---- zap, protect, map (kernel-shim/memory.c) ----------------------------------- */

/* Clear every entry of [start, end) in @vma (the caller fires the notifiers). */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end);
/* 4.19 free_pgtables(): unlink the tables of [start, end) within [floor, ceiling). */
void free_pgd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling);
/* Whether the page mapped by a present leaf holds a reference owned by the entry. */
bool ks_pte_refcounted(pte_t pte, enum pg_level level);
/* Split or clear the huge leaf at @addr so that part of it can be zapped. */
void ks_split_huge_leaf(struct vm_area_struct *vma, unsigned long addr,
			enum pg_level level);

/* How the new entry of ks_map_page() comes by its page reference. */
enum ks_map_ref {
	KS_MAP_NOREF,		/* special or devmap (pfn_t) entry: none */
	KS_MAP_GET,		/* a reference for the entry (6.15 fsdax folio_ref_inc()) */
	KS_MAP_TRANSFER,	/* the caller's allocation reference becomes the entry's */
};
/*
 * Install @pte at @addr/@level if the entry is none (under the PTL: one step),
 * allocating the tables on the way.  Returns false, with the reference undone,
 * if the entry was not none or a huge leaf is in the way.
 */
bool ks_map_page(struct vm_area_struct *vma, unsigned long addr, enum pg_level level,
		 pte_t pte, enum ks_map_ref ref);
/*
 * The table for @addr/@level, allocating missing tables with a scheduling
 * point on each parent entry it fills (pte_alloc()); NULL if a leaf is in the way.
 */
struct ks_pt *ks_pte_alloc(struct mm_struct *mm, unsigned long addr, int level);

/* _mapcount bookkeeping of page_add_*_rmap()/page_remove_rmap(), logged. */
void ks_page_mapcount_add(struct page *page, int nr);

/* ---- vmas (kernel-shim/vma.c) ------------------------------------------------ */

/* Split @vma at @addr; the new VMA covers [addr, vm_end).  NULL if refused. */
struct vm_area_struct *ks_split_vma(struct vm_area_struct *vma, unsigned long addr);
/*
 * The VMA leaves its file's i_mmap (after its zap, before its tables go):
 * waits for an unmap_mapping_range() in progress.
 */
void unlink_file_vma(struct vm_area_struct *vma);
/* current->mm: every simulated thread is a thread of the VMM process. */
struct mm_struct *ks_task_mm(void);
/* The mm with @id in this run, for ledger look-ups by entry key. */
struct mm_struct *ks_mm_by_id(int id);
/* The mapping (file or device) behind a VMA, or NULL for anonymous/pfnmap. */
struct address_space *ks_vma_mapping(struct vm_area_struct *vma);
/* The dev_dax behind a device-dax VMA. */
struct dev_dax *ks_vma_dev_dax(struct vm_area_struct *vma);

/* ---- page allocation from ks_ram_add() memory (kernel-shim/fault.c) ------------ */

struct page *ks_alloc_pages(unsigned int order);

#endif /* KS_MM_INTERNAL_H */
