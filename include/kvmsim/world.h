/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a world for a run, the reference ledger, and the mm eras.
 *
 * Everything here allocates from the run arena (ks_alloc) inside a program's
 * setup() or a direct-mode test, and is gone at the next run.
 */
#ifndef KVMSIM_WORLD_H
#define KVMSIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmsim/sched.h>

struct page;
struct mm_struct;
struct vm_area_struct;
struct dev_pagemap;
struct dev_dax;
struct file;

/* ---- mm eras (docs/semantics.md c.2, c.3) -------------------------- */

enum ks_era_id {
	KS_ERA_4_19,	/* one pgmap ref per idle page; memmap removed before the wait */
	KS_ERA_5_2,	/* 50f44ee7248a: wait before the memmap goes */
	KS_ERA_5_18,	/* 27674ef6c73f: bulk pgmap refs; device-dax compound pages */
	KS_ERA_6_15,	/* 7851bf649d42: fsdax pages idle at refcount 0 */
	KS_ERA_NR
};

struct ks_era {
	enum ks_era_id id;
	const char *name;		/* "mm-4.19", ... */
	const char *summary;		/* one line for `kvmsim list eras` */
};

const struct ks_era *ks_era_lookup(const char *name);
const struct ks_era *ks_era_get(enum ks_era_id id);
/* The era of the current run; set by the program's setup (default mm-5.2). */
const struct ks_era *ks_era_current(void);
void ks_era_select(enum ks_era_id id);

/* ---- struct page as shared objects ---------------------------------- */

/*
 * A struct page is several shared objects, as the kernel's memory is: the
 * reference count, each flag bit used (atomic bitops on different bits
 * commute), the compound structure with the zone and pgmap pointer (set up
 * once, changed by a THP split and a free), and the mapcount.  Traces name
 * them "page 0x1200", "page 0x1200 dirty", ...
 */
enum ks_page_field {
	KS_PF_REF,		/* _refcount */
	KS_PF_RESERVED,		/* PG_reserved */
	KS_PF_DIRTY,		/* PG_dirty */
	KS_PF_REFERENCED,	/* PG_referenced */
	KS_PF_META,		/* PG_head, compound_head/order, THP, zone, pgmap */
	KS_PF_MAPCOUNT,		/* _mapcount */
	KS_PF_NR
};

#define KS_PF_SHIFT 48
static inline ks_obj_t ks_page_field_obj(unsigned long pfn, enum ks_page_field f)
{
	return KS_OBJ(KS_OBJ_PAGE, (uint64_t)pfn | (uint64_t)f << KS_PF_SHIFT);
}

#define KS_PF_ALL ((1U << KS_PF_NR) - 1)

/* A scheduling point on the fields in @mask (1 << KS_PF_*) of @pfn, as one step. */
static inline void ks_page_point(unsigned long pfn, unsigned int mask, enum ks_access acc)
{
	ks_obj_t objs[KS_PF_NR];
	unsigned int n = 0;
	int f;

	for (f = 0; f < KS_PF_NR; f++)
		if (mask & (1U << f))
			objs[n++] = ks_page_field_obj(pfn, (enum ks_page_field)f);
	ks_sched_point_many(objs, n, acc);
}

/* ---- memmap sections ------------------------------------------------- */

/* A memmap section covers PAGES_PER_SECTION pfns (2M here, not 128M). */
#define PAGES_PER_SECTION 512UL

struct mem_section {
	unsigned long nr;
	bool present;
	bool removed;		/* arch_remove_memory() freed its struct pages */
	struct page *pages;
};

/* Add memmap (struct pages, refcount 0, free) for [start_pfn, +nr_pages). */
void ks_memmap_add(unsigned long start_pfn, unsigned long nr_pages, int zone);
/* arch_remove_memory(): the struct pages of these sections are gone. */
void ks_memmap_remove(unsigned long start_pfn, unsigned long nr_pages);

/* ---- the reference ledger ------------------------------------------------ */

enum ks_owner_kind {
	KS_OWN_MEMMAP,		/* a ZONE_DEVICE page's initial reference */
	KS_OWN_ALLOC,		/* the allocator's reference of an allocated page */
	KS_OWN_PTE,		/* a host page-table entry mapping the page (key: pte obj) */
	KS_OWN_PAGECACHE,	/* the page cache */
	KS_OWN_THREAD,		/* a thread's code: a gup caller, KVM's fault path */
	KS_OWN_KVM,		/* KVM beyond a single operation (kvm_vcpu_map) */
	KS_OWN_PGMAP_PAGE,	/* a pgmap reference owned by a page (<= 5.17) */
	KS_OWN_NR
};

/* One reference on a page or a pgmap, and who holds it. */
struct ks_ref {
	enum ks_owner_kind kind;
	int16_t tid;		/* KS_OWN_THREAD / KS_OWN_KVM: the taker */
	uint32_t step;		/* the step that took it */
	const char *func;	/* the outermost lifted function at that step */
	uint64_t key;		/* KS_OWN_PTE: the pte obj; PGMAP_PAGE: the pfn */
	bool gup;		/* KS_OWN_THREAD: taken inside get/pin_user_pages */
	struct ks_ref *next;
};

/*
 * The owner context: references taken by the current thread between push and
 * pop are recorded for @kind/@key instead of the thread.  KS_OWNER() scopes it.
 */
struct ks_owner_scope {
	int unused;
};
struct ks_owner_scope ks_owner_push(enum ks_owner_kind kind, uint64_t key);
void ks_owner_pop(struct ks_owner_scope *s);
#define KS_OWNER(kind, key)						\
	struct ks_owner_scope __ks_owner					\
		__attribute__((cleanup(ks_owner_pop), unused)) =	\
		ks_owner_push((kind), (key))

const char *ks_owner_name(enum ks_owner_kind kind);
/* "gup by vcpu0 hva_to_pfn at step 7", "memmap init ref", "pte 0x7f..." */
void ks_ref_describe(const struct ks_ref *ref, struct ks_buf *out);
/* Each reference of @page (its compound head), "; "-separated. */
void ks_page_refs_describe(struct page *page, struct ks_buf *out);
/*
 * Called when pages [@pfn, @pfn + @nr) go back to the allocator, so that a
 * secondary MMU's oracle can report a mapping of them that survived (KVM: an
 * SPTE).  Registered once, from a constructor.
 */
void ks_page_free_hook(void (*fn)(unsigned long pfn, unsigned long nr));
/* Called at every touch of a struct page's fields by a thread (one hook: the KVM oracles'). */
void ks_page_touch_hook(void (*fn)(struct page *page, const char *func));
/* Whether a frame of this name is get_user_pages()' or pin_user_pages()' (gup takes its own references). */
bool ks_frame_is_gup(const char *func);
/* Move one reference of @page held by the current thread to @kind/@key. */
bool ks_ref_transfer(struct page *page, enum ks_owner_kind kind, uint64_t key);
/* Number of records in @page's ledger (== page_ref_count for a sound ledger). */
int ks_page_nrefs(struct page *page);
/* The pgmap's references, for the hang report. */
void ks_pgmap_refs_describe(struct dev_pagemap *pgmap, struct ks_buf *out);

/*
 * The audit at the end of a terminal run: every page's and pgmap's count
 * equals what its owners account for (records of finished threads are leaks,
 * present PTEs hold their reference, the memmap holds its init reference
 * until it is released).  Records violations of "audit".
 */
void ks_audit(void);
/*
 * Whether the PTE @key (a KS_OBJ_PTE object) still maps @pfn: the audit asks
 * it for every KS_OWN_PTE record (kernel-shim/pgtable.c).
 */
bool ks_pte_ref_live(uint64_t key, unsigned long pfn);

/* ---- pages for a world ---------------------------------------------------- */

/*
 * Set up [pfn, pfn + 2^order): a compound page if @compound (head + tails,
 * @thp if it is a transparent huge page), @refcount references recorded for
 * @own, PG_reserved if @reserved, @owner as its description.
 */
struct ks_page_init {
	unsigned int order;
	bool compound;
	bool thp;
	int refcount;
	bool reserved;
	enum ks_owner_kind own;
	const char *owner;
};
struct page *ks_page_setup(unsigned long pfn, const struct ks_page_init *init);

/* ---- host mm and devices ---------------------------------------------------- */

/* The VMM process's mm (one per world). */
struct mm_struct *ks_mm_create(void);
/* Ordinary RAM from which anonymous faults allocate (THP when 2M-aligned). */
void ks_ram_add(unsigned long start_pfn, unsigned long nr_pages);
/*
 * The mappings of the VMM.  @vm_flags of an anonymous mapping, or @prot
 * (PROT_READ | PROT_WRITE of linux/mm.h) of a shared one, are what the VMM
 * asked for: gup refuses an access they do not allow.
 */
struct vm_area_struct *ks_mmap_anon(struct mm_struct *mm, unsigned long addr,
				    unsigned long len, unsigned long vm_flags);
struct dev_dax *ks_dev_dax_create(const char *name, unsigned long start_pfn,
				  unsigned long nr_pages, unsigned long align);
struct vm_area_struct *ks_mmap_dev_dax(struct mm_struct *mm, unsigned long addr,
				       unsigned long len, struct dev_dax *dev,
				       unsigned long prot);
/* A file of @nr_pages on an fsdax filesystem over pmem [start_pfn, ...). */
struct file *ks_fsdax_file_create(const char *name, struct dev_pagemap *pmem,
				  unsigned long first_pfn, unsigned long nr_pages);
struct dev_pagemap *ks_pmem_create(const char *name, unsigned long start_pfn,
				   unsigned long nr_pages);
struct vm_area_struct *ks_mmap_file(struct mm_struct *mm, unsigned long addr,
				    unsigned long len, struct file *file,
				    unsigned long pgoff, unsigned long prot);
/* remap_pfn_range(): VM_IO | VM_PFNMAP, every PTE populated, no struct page. */
struct vm_area_struct *ks_mmap_pfnmap(struct mm_struct *mm, unsigned long addr,
				      unsigned long len, unsigned long pfn,
				      unsigned long prot);
/* Fault in [addr, addr + len) at setup, as the VMM touching its memory would. */
void ks_populate(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 bool write);

#endif /* KVMSIM_WORLD_H */
