/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host page tables: four levels (PGD, PUD, PMD, PTE tables), leaves at 4K,
 * 2M and 1G.  An entry is none, present (pfn, write, dirty, young, devmap,
 * special, huge), or non-present but not none (a swap or migration entry).
 * Page-table pages are arena objects that munmap can free; a lockless walker
 * holding a pointer into a freed table records "pt-uaf".
 *
 * Each entry is a shared object (KS_OBJ_PTE, index from ks_pte_index()).
 * Lockless walks (gup-fast, KVM's host-level walk) read one level per
 * scheduling point, so a concurrent unmap can change the tree under them.
 */
#ifndef KS_LINUX_PGTABLE_H
#define KS_LINUX_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmsim/sched.h>

typedef struct {
	uint64_t val;
} pte_t;
typedef pte_t pmd_t;
typedef pte_t pud_t;

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)	/* huge leaf at PMD/PUD level */
#define _PAGE_SPECIAL	(1ULL << 9)
#define _PAGE_DEVMAP	(1ULL << 10)
#define _PAGE_SWP	(1ULL << 11)	/* non-present, not none */
#define _PAGE_PFN_SHIFT	12
/*
 * Model-only software bit: a non-leaf entry (points to a page-table page).
 * The kernel tells that from the level; traces print values alone.
 */
#define _PAGE_KS_TABLE	(1ULL << 52)

enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
};

static inline bool pte_none(pte_t pte) { return pte.val == 0; }
static inline bool pte_present(pte_t pte) { return pte.val & _PAGE_PRESENT; }
static inline bool pte_write(pte_t pte) { return pte.val & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte) { return pte.val & _PAGE_DIRTY; }
static inline bool pte_young(pte_t pte) { return pte.val & _PAGE_ACCESSED; }
static inline bool pte_devmap(pte_t pte) { return pte.val & _PAGE_DEVMAP; }
static inline bool pte_special(pte_t pte) { return pte.val & _PAGE_SPECIAL; }
static inline bool pte_huge(pte_t pte) { return pte.val & _PAGE_PSE; }
static inline unsigned long pte_pfn(pte_t pte) { return (unsigned long)(pte.val >> _PAGE_PFN_SHIFT); }
static inline pte_t pfn_pte(unsigned long pfn, uint64_t prot)
{
	return (pte_t){ ((uint64_t)pfn << _PAGE_PFN_SHIFT) | prot | _PAGE_PRESENT };
}
#define pmd_present pte_present
#define pmd_none pte_none
#define pmd_pfn pte_pfn
#define pmd_devmap pte_devmap
#define pmd_write pte_write
static inline bool pmd_trans_huge(pmd_t pmd) { return pte_present(pmd) && pte_huge(pmd); }
static inline bool pmd_leaf(pmd_t pmd) { return pmd_trans_huge(pmd); }
#define pud_leaf pmd_leaf

struct mm_struct;

/* The object key of the entry mapping @addr at @level in @mm. */
uint64_t ks_pte_index(const struct mm_struct *mm, unsigned long addr,
		      enum pg_level level);
static inline ks_obj_t ks_pte_obj(const struct mm_struct *mm, unsigned long addr,
				  enum pg_level level)
{
	return KS_OBJ(KS_OBJ_PTE, ks_pte_index(mm, addr, level));
}

/*
 * One lockless read of the entry for @addr at @level (a scheduling point,
 * KS_READ), through a walk state that keeps the table pointer from the level
 * above, as a real walker keeps the pointer it read: if that table was freed
 * meanwhile, the read records "pt-uaf" and returns a none entry.
 */
struct ks_pt_walk {
	struct mm_struct *mm;
	unsigned long addr;
	struct ks_pt *table;	/* table to read at the next level */
	enum pg_level level;	/* level of the next read: 1G, then 2M, then 4K */
};
void ks_pt_walk_begin(struct ks_pt_walk *w, struct mm_struct *mm, unsigned long addr);
/*
 * Read the next level.  Returns the entry; *@leaf is true when it is a leaf
 * (a present huge entry, or any 4K entry) or none/non-present (the walk ends).
 */
pte_t ks_pt_walk_next(struct ks_pt_walk *w, bool *leaf, enum pg_level *level);

/*
 * Read the entry the last ks_pt_walk_next() returned once more, through the
 * same table pointer (gup-fast's "pte_val(pte) != pte_val(*ptep)" recheck).
 */
pte_t ks_pt_walk_reread(struct ks_pt_walk *w);

/*
 * 5.6 lookup_address_in_mm(): the leaf entry and its level, walked lockless
 * (one level per step).  Returns false if nothing is mapped.
 */
bool lookup_address_in_mm(struct mm_struct *mm, unsigned long address,
			  pte_t *pte, enum pg_level *level);

/*
 * For oracles: the current leaf entry for @addr and its level, with no
 * scheduling point and no log row.
 */
pte_t ks_pte_peek(struct mm_struct *mm, unsigned long addr, enum pg_level *level);

/*
 * For oracles that check the host mappings after every step: a count of the
 * changes to any page-table entry or device binding in this run, so that a
 * step that changed none of them needs no new check.
 */
uint64_t ks_mm_generation(void);
void ks_mm_changed(void);

/* Locked accessors for the mm code (mmap_lock held): read and write an entry. */
pte_t ks_pte_get(struct mm_struct *mm, unsigned long addr, enum pg_level *level);
void ks_pte_set(struct mm_struct *mm, unsigned long addr, enum pg_level level,
		pte_t pte);

/*
 * For the reference ledger's audit: whether the entry whose object is @key
 * (a KS_OBJ_PTE key) is a present leaf that maps @pfn and owns a reference.
 */
bool ks_pte_ref_live(uint64_t key, unsigned long pfn);

/* Formats an entry for traces: "none", "pfn 0x1200 rw dirty devmap 2M", ... */
size_t ks_pte_format(int64_t val, char *buf, size_t len);

#endif /* KS_LINUX_PGTABLE_H */
