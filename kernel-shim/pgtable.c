// SPDX-License-Identifier: GPL-2.0
/*
 * Host page tables: four levels of 512-entry tables (x86-64 4-level paging
 * with the p4d folded), leaves at 4K, 2M and 1G, the lockless walk that
 * gup-fast and KVM's host-level walk use, and the ledger's question "does this
 * entry still map that pfn".
 *
 * Each entry at 4K/2M/1G is a shared object (ks_pte_obj()).  The PGD level
 * has no object: the model never frees PUD tables, as the kernel frees them
 * only when a whole 512G range goes (free_pgd_range()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/mm.h"
#include "mm-internal.h"

#define KS_PTE_MM_SHIFT 48

unsigned long ks_level_size(int level)
{
	static const unsigned long size[] = {
		[PG_LEVEL_4K] = PAGE_SIZE, [PG_LEVEL_2M] = PMD_SIZE,
		[PG_LEVEL_1G] = PUD_SIZE, [KS_PG_LEVEL_PGD] = PUD_SIZE * PTRS_PER_PT,
	};

	return size[level];
}

const char *ks_level_name(int level)
{
	static const char *const name[] = {
		[PG_LEVEL_NONE] = "-", [PG_LEVEL_4K] = "4K", [PG_LEVEL_2M] = "2M",
		[PG_LEVEL_1G] = "1G", [KS_PG_LEVEL_PGD] = "pgd",
	};

	return name[level];
}

/* ---- entry keys and formatting --------------------------------------------- */

/*
 * Key layout: the mm id in bits 48-55, the entry's first address (aligned to
 * the level) in bits 12-47, the level in bits 0-1.
 */
uint64_t ks_pte_index(const struct mm_struct *mm, unsigned long addr,
		      enum pg_level level)
{
	return (uint64_t)mm->id << KS_PTE_MM_SHIFT |
	       (addr & ~(ks_level_size(level) - 1) & (KS_TASK_SIZE - 1)) |
	       (uint64_t)level;
}

static size_t ks_pte_obj_format(uint64_t index, char *buf, size_t len)
{
	unsigned int mm = (unsigned int)(index >> KS_PTE_MM_SHIFT);
	unsigned long addr = (unsigned long)(index & (KS_TASK_SIZE - 1) & PAGE_MASK);
	int n;

	if (mm)
		n = snprintf(buf, len, "pte mm%u:0x%lx/%s", mm, addr,
			     ks_level_name((int)(index & 3)));
	else
		n = snprintf(buf, len, "pte 0x%lx/%s", addr,
			     ks_level_name((int)(index & 3)));
	return n < 0 ? 0 : (size_t)n;
}

size_t ks_pte_format(int64_t val, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ _PAGE_RW, "rw" }, { _PAGE_DIRTY, "dirty" }, { _PAGE_ACCESSED, "young" },
		{ _PAGE_DEVMAP, "devmap" }, { _PAGE_SPECIAL, "special" },
		{ _PAGE_PSE, "huge" },
	};
	pte_t pte = { (uint64_t)val };
	size_t n = 0, i;
	int r;

	if (pte_none(pte))
		r = snprintf(buf, len, "none");
	else if (pte.val & _PAGE_KS_TABLE)
		r = snprintf(buf, len, "table #%llu",
			     (unsigned long long)((pte.val & ~_PAGE_KS_TABLE) >> _PAGE_PFN_SHIFT));
	else if (!pte_present(pte))
		r = snprintf(buf, len, "swp 0x%lx", pte_pfn(pte));
	else
		r = snprintf(buf, len, "pfn 0x%lx", pte_pfn(pte));
	if (r < 0)
		return 0;
	n = (size_t)r;
	if (!pte_present(pte) || (pte.val & _PAGE_KS_TABLE))
		return n;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(pte.val & bits[i].bit))
			continue;
		r = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
			     " %s", bits[i].name);
		n += r < 0 ? 0 : (size_t)r;
	}
	return n;
}

/* ---- tables ----------------------------------------------------------------------- */

/* Every mm of the run, by id, for ks_pte_ref_live(). */
#define KS_MAX_MMS 8
static struct mm_struct *ks_mms[KS_MAX_MMS];
static int ks_nmms;

static unsigned int ks_pt_serial;
static uint64_t ks_mm_gen;

uint64_t ks_mm_generation(void)
{
	return ks_mm_gen;
}

void ks_mm_changed(void)
{
	ks_mm_gen++;
}

static void ks_pgtable_reset(void)
{
	ks_mm_gen = 0;
	memset(ks_mms, 0, sizeof(ks_mms));
	ks_nmms = 0;
	ks_pt_serial = 0;
}

static uint64_t ks_pte_value(uint64_t index);

__attribute__((constructor)) static void ks_pgtable_register(void)
{
	ks_vfmt_register(KS_V_PTE, ks_pte_format);
	ks_obj_kind_register(KS_OBJ_PTE, ks_pte_obj_format);
	ks_obj_value_register(KS_OBJ_PTE, ks_pte_value);
	ks_on_run_begin(ks_pgtable_reset);
}

struct mm_struct *ks_mm_by_id(int id)
{
	return id >= 0 && id < ks_nmms ? ks_mms[id] : NULL;
}

struct ks_pt *ks_pt_alloc(int level, unsigned long base)
{
	struct ks_pt *pt = ks_alloc(sizeof(*pt));

	pt->level = level;
	pt->base = base;
	pt->id = ++ks_pt_serial;
	if (level != PG_LEVEL_4K)
		pt->child = ks_alloc(PTRS_PER_PT * sizeof(*pt->child));
	return pt;
}

void ks_pgd_init(struct mm_struct *mm)
{
	if (ks_nmms == KS_MAX_MMS) {
		fprintf(stderr, "kvmsim: more than %d mms in a world\n", KS_MAX_MMS);
		abort();
	}
	mm->id = ks_nmms;
	ks_mms[ks_nmms++] = mm;
	mm->pgd = ks_pt_alloc(KS_PG_LEVEL_PGD, 0);
}

pte_t ks_pt_entry(const struct ks_pt *child)
{
	return (pte_t){ _PAGE_PRESENT | _PAGE_RW | _PAGE_KS_TABLE |
			(uint64_t)child->id << _PAGE_PFN_SHIFT };
}

struct ks_pt *ks_pt_lookup(struct mm_struct *mm, unsigned long addr, int level,
			   bool alloc)
{
	struct ks_pt *pt = mm->pgd;

	while (pt->level > level) {
		unsigned int i = ks_pt_index(pt, addr);

		if (!(pt->ent[i].val & _PAGE_KS_TABLE)) {
			unsigned long size = ks_level_size(pt->level);

			if (!alloc || !pte_none(pt->ent[i]))
				return NULL;
			pt->child[i] = ks_pt_alloc(pt->level - 1, addr & ~(size - 1));
			pt->ent[i] = ks_pt_entry(pt->child[i]);
		}
		pt = pt->child[i];
	}
	return pt;
}

pte_t ks_pte_peek(struct mm_struct *mm, unsigned long addr, enum pg_level *level)
{
	struct ks_pt *pt = mm->pgd;

	for (;;) {
		pte_t pte = pt->ent[ks_pt_index(pt, addr)];

		if (pt->level == KS_PG_LEVEL_PGD && !(pte.val & _PAGE_KS_TABLE)) {
			*level = PG_LEVEL_1G;
			return (pte_t){ 0 };
		}
		if (!(pte.val & _PAGE_KS_TABLE) || pt->level == PG_LEVEL_4K) {
			*level = (enum pg_level)pt->level;
			return pte;
		}
		pt = pt->child[ks_pt_index(pt, addr)];
	}
}

void ks_pte_write(struct mm_struct *mm, struct ks_pt *pt, unsigned long addr,
		  pte_t pte, const char *func)
{
	unsigned int i = ks_pt_index(pt, addr);
	pte_t old = pt->ent[i];

	pt->ent[i] = pte;
	ks_mm_gen++;
	ks_log(func, ks_pte_obj(mm, addr, (enum pg_level)pt->level), KS_V_PTE,
	       (int64_t)old.val, (int64_t)pte.val);
}

struct ks_pt *ks_pt_unlink(struct mm_struct *mm, unsigned long addr, int level)
{
	struct ks_pt *parent = ks_pt_lookup(mm, addr, level, false);
	struct ks_pt *pt;
	unsigned int i;

	if (!parent)
		return NULL;
	i = ks_pt_index(parent, addr);
	if (!(parent->ent[i].val & _PAGE_KS_TABLE))
		return NULL;
	pt = parent->child[i];
	ks_sched_point(ks_pte_obj(mm, addr, (enum pg_level)level), KS_WRITE);
	parent->child[i] = NULL;
	ks_pte_write(mm, parent, addr, (pte_t){ 0 }, "free_pgtables");
	return pt;
}

void ks_pt_free(struct ks_pt *pt)
{
	pt->freed = true;
}

/* ---- locked accessors ------------------------------------------------------------------ */

pte_t ks_pte_get(struct mm_struct *mm, unsigned long addr, enum pg_level *level)
{
	pte_t pte = ks_pte_peek(mm, addr, level);

	ks_sched_point(ks_pte_obj(mm, addr, *level), KS_READ);
	pte = ks_pte_peek(mm, addr, level);
	ks_log_pred("ks_pte_get", ks_pte_obj(mm, addr, *level), KS_V_PTE,
		    (int64_t)pte.val);
	return pte;
}

void ks_pte_set(struct mm_struct *mm, unsigned long addr, enum pg_level level,
		pte_t pte)
{
	ks_sched_point(ks_pte_obj(mm, addr, level), KS_WRITE);
	ks_pte_write(mm, ks_pt_lookup(mm, addr, level, true), addr, pte, "ks_pte_set");
}

/* ---- lockless walks -------------------------------------------------------------------- */

void ks_pt_walk_begin(struct ks_pt_walk *w, struct mm_struct *mm, unsigned long addr)
{
	struct ks_pt *pgd = mm->pgd;
	unsigned int i = ks_pt_index(pgd, addr);

	w->mm = mm;
	w->addr = addr;
	w->level = PG_LEVEL_1G;
	w->table = (pgd->ent[i].val & _PAGE_KS_TABLE) ? pgd->child[i] : NULL;
}

/*
 * READ_ONCE() of the entry at the walk's level through the table pointer it
 * holds; a table freed meanwhile is a "pt-uaf" and reads as none.
 */
static pte_t ks_pt_walk_read(struct ks_pt_walk *w, const char *func)
{
	ks_obj_t obj = ks_pte_obj(w->mm, w->addr, w->level);
	struct ks_pt *pt = w->table;
	pte_t pte = { 0 };

	ks_sched_point(obj, KS_READ);
	if (pt && pt->freed) {
		char o[64];

		ks_obj_format(obj, o, sizeof(o));
		ks_violation("pt-uaf", obj,
			     "%s read %s from page-table page #%u freed by munmap",
			     func, o, pt->id);
		return pte;
	}
	if (pt)
		pte = pt->ent[ks_pt_index(pt, w->addr)];
	ks_log_pred(func, obj, KS_V_PTE, (int64_t)pte.val);
	return pte;
}

/*
 * One level, as gup_pud_range()/gup_pmd_range()/gup_pte_range() (4.19
 * mm/gup.c) and lookup_address_in_pgd() (5.6 arch/x86/mm/pageattr.c) read it.
 */
pte_t ks_pt_walk_next(struct ks_pt_walk *w, bool *leaf, enum pg_level *level)
{
	const char *func = ks_frame_depth() ? ks_frame_name(ks_frame_depth() - 1) :
					      "ks_pt_walk_next";
	pte_t pte = ks_pt_walk_read(w, func);

	*level = w->level;
	*leaf = true;
	if ((pte.val & _PAGE_KS_TABLE) && w->level != PG_LEVEL_4K) {
		*leaf = false;
		w->table = w->table->child[ks_pt_index(w->table, w->addr)];
		w->level--;
	}
	return pte;
}

pte_t ks_pt_walk_reread(struct ks_pt_walk *w)
{
	return ks_pt_walk_read(w, "pte_recheck");
}

/* 5.6 arch/x86/mm/pageattr.c: lookup_address_in_mm() via lookup_address_in_pgd(). */
bool lookup_address_in_mm(struct mm_struct *mm, unsigned long address,
			  pte_t *pte, enum pg_level *level)
{
	struct ks_pt_walk w;
	bool leaf;

	KS_FUNC();
	ks_pt_walk_begin(&w, mm, address);
	do {
		*pte = ks_pt_walk_next(&w, &leaf, level);
	} while (!leaf);
	/* A none PUD or PMD entry returns NULL; a none PTE is still returned. */
	return *level == PG_LEVEL_4K || !pte_none(*pte);
}

/* An entry's value for a retry loop's await: what is in the entry of that key now. */
static uint64_t ks_pte_value(uint64_t index)
{
	struct mm_struct *mm = ks_mm_by_id((int)(index >> KS_PTE_MM_SHIFT));
	unsigned long addr = (unsigned long)(index & (KS_TASK_SIZE - 1) & PAGE_MASK);
	struct ks_pt *pt;

	if (!mm)
		return 0;
	pt = ks_pt_lookup(mm, addr, (int)(index & 3), false);
	return pt ? pt->ent[ks_pt_index(pt, addr)].val : 0;
}

/* ---- the ledger's question ----------------------------------------------------------------- */

bool ks_pte_ref_live(uint64_t key, unsigned long pfn)
{
	uint64_t index = ks_obj_index(key);
	struct mm_struct *mm = ks_mm_by_id((int)(index >> KS_PTE_MM_SHIFT));
	enum pg_level want = (enum pg_level)(index & 3), level;
	unsigned long addr = (unsigned long)(index & (KS_TASK_SIZE - 1) & PAGE_MASK);
	unsigned long first;
	struct page *page;
	pte_t pte;

	if (!mm)
		return false;
	pte = ks_pte_peek(mm, addr, &level);
	if (level != want || !pte_present(pte) || !ks_pte_refcounted(pte, level))
		return false;
	first = pte_pfn(pte);
	if (pfn - first < ks_level_size(level) >> PAGE_SHIFT)
		return true;
	/* a 4K entry of a PTE-mapped THP holds its reference on the head */
	page = pfn_to_page(pfn);
	return (page->flags & (1UL << PG_head)) && first - pfn < (1UL << page->order);
}
