/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page, struct vm_area_struct, struct mm_struct: the fields the KVM
 * paths and the mm paths that race with them look at.
 */
#ifndef KS_LINUX_MM_TYPES_H
#define KS_LINUX_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmsim/sched.h>

#include "linux/rwsem.h"
#include "linux/spinlock.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PMD_SHIFT 21
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PUD_SHIFT 30
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PUD_MASK (~(PUD_SIZE - 1))
#define HPAGE_PMD_ORDER (PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR (1UL << HPAGE_PMD_ORDER)

enum zone_type {
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,
};

/* Page flags (bit numbers in page->flags). */
enum pageflags {
	PG_reserved,
	PG_dirty,
	PG_referenced,
	PG_head,
	PG_hwpoison,
};

struct dev_pagemap;
struct mem_section;
struct ks_ref;

struct page {
	unsigned long flags;
	int _refcount;
	int _mapcount;			/* mappings by host 4K PTEs, as count (not -1 based); a
					 * THP's PMD mapping counts on no subpage */
	unsigned long pfn;		/* page_to_pfn() without pointer arithmetic */
	struct page *head;		/* compound head for tail pages, NULL otherwise */
	unsigned int order;		/* compound order, head pages only */
	bool thp;			/* compound page is a transparent huge page */
	enum zone_type zone;
	struct dev_pagemap *pgmap;	/* ZONE_DEVICE only */
	struct mem_section *section;	/* the memmap section holding this struct page */
	struct ks_ref *refs;		/* who holds each reference (kvmsim ledger) */
	const char *owner;		/* who the page belongs to ("anon", "devdax0", ...) */
};

struct mm_struct;
struct file;
struct address_space;

/* vm_flags */
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_SHARED	0x00000008UL
#define VM_IO		0x00004000UL
#define VM_PFNMAP	0x00000400UL
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL

/* What backs a mapping (the model's stand-in for vm_ops and vm_file). */
enum ks_backing {
	KS_BACKING_ANON,	/* anonymous memory, THP if VM_HUGEPAGE */
	KS_BACKING_FSDAX,	/* a file on a DAX filesystem */
	KS_BACKING_DEVDAX,	/* /dev/daxX.Y: VM_MIXEDMAP | VM_HUGEPAGE */
	KS_BACKING_PFNMAP,	/* remap_pfn_range: VM_PFNMAP | VM_IO, no struct page */
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	struct mm_struct *vm_mm;
	struct file *vm_file;
	enum ks_backing backing;
	unsigned long pfnmap_base;	/* KS_BACKING_PFNMAP: pfn at vm_start */
	void *vm_private_data;		/* KS_BACKING_DEVDAX: the struct dev_dax */
	struct vm_area_struct *vm_next;
};

struct mmu_notifier;
struct ks_pt;			/* a page-table page (kernel-shim/pgtable.c) */

struct mm_struct {
	int id;
	struct rw_semaphore mmap_lock;
	struct vm_area_struct *mmap;	/* VMAs, sorted by address */
	struct ks_pt *pgd;
	spinlock_t page_table_lock;
	struct mmu_notifier *notifiers;	/* the MMU-notifier chain, in registration order */
	ks_obj_t notifier_obj;
	ks_obj_t mmap_obj;		/* the VMA list, for readers without mmap_lock */
};

/* A simulated task: `current` in the shim and in the lifted KVM code. */
struct task_struct {
	int pid;			/* the engine's tid, or -1 */
	const char *comm;
	struct mm_struct *mm;
};

struct task_struct *ks_current(void);
#define current ks_current()

#endif /* KS_LINUX_MM_TYPES_H */
