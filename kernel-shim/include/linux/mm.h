/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page primitives, the memmap, gup, follow_pfn and the host mm
 * operations that race with KVM.  Every function that touches a struct page
 * first checks that its memmap section is present: a touch of a removed
 * section is a "memmap-uaf" violation and the function then behaves as if
 * the page were free (refcount 0, no flags), never as undefined behaviour.
 * Refcount misuse (underflow, get_page() on a free page, ...) is "refcount".
 */
#ifndef KS_LINUX_MM_H
#define KS_LINUX_MM_H

#include <stdbool.h>
#include <stddef.h>

#include "linux/bug.h"
#include "linux/mm_types.h"
#include "linux/pgtable.h"

/* ---- memmap (kernel-shim/memmap.c) ---------------------------------- */

bool pfn_valid(unsigned long pfn);
/* The struct page of @pfn; a removed section is recorded as memmap-uaf. */
struct page *pfn_to_page(unsigned long pfn);
unsigned long page_to_pfn(const struct page *page);

/* ---- flags (kernel-shim/page.c) ------------------------------------- */

bool PageReserved(struct page *page);
void SetPageReserved(struct page *page);
void ClearPageReserved(struct page *page);
bool PageDirty(struct page *page);
void SetPageDirty(struct page *page);
bool PageReferenced(struct page *page);
void SetPageReferenced(struct page *page);
void ClearPageReferenced(struct page *page);
void mark_page_accessed(struct page *page);	/* sets PG_referenced */
bool PageCompound(struct page *page);
bool PageHead(struct page *page);
bool PageTail(struct page *page);
struct page *compound_head(struct page *page);
unsigned int compound_order(struct page *page);
/* THP mapped by a PMD in some page table (4.19 PageTransCompoundMap). */
bool PageTransCompoundMap(struct page *page);
/* 5.6 is_transparent_hugepage(): compound head whose dtor is THP. */
bool is_transparent_hugepage(struct page *page);
bool is_zone_device_page(struct page *page);
bool is_zero_pfn(unsigned long pfn);
unsigned long ks_zero_pfn(void);

/* ---- refcounts (kernel-shim/page.c) --------------------------------- */

/*
 * Every reference is recorded in the page's ledger with its owner (see
 * include/kvmsim/world.h, struct ks_ref).  get_page() and friends record the
 * current owner context: by default the current thread, the step and its
 * function frames ("gup by vcpu0 hva_to_pfn at step 7"); the shim sets the
 * context around references it takes on behalf of the memmap, a page table
 * or the page cache.  put_page() drops the matching record.
 */
int page_count(struct page *page);
int page_ref_count(struct page *page);
void get_page(struct page *page);
bool get_page_unless_zero(struct page *page);
bool try_get_page(struct page *page);
void put_page(struct page *page);
/* put_page() of @nr references, for compound heads (5.18 folio_put_refs). */
void put_page_refs(struct page *page, int nr);

/* ---- vmas and faults (kernel-shim/vma.c, fault.c) -------------------- */

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start, unsigned long end);
/* hugetlbfs or device-dax ->pagesize() (the region alignment); PAGE_SIZE otherwise. */
unsigned long vma_kernel_pagesize(struct vm_area_struct *vma);
bool vma_is_dax(struct vm_area_struct *vma);

#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_REMOTE	0x02
#define FAULT_FLAG_RETRY_NOWAIT	0x04

#define VM_FAULT_OOM		0x0001
#define VM_FAULT_SIGBUS		0x0002
#define VM_FAULT_HWPOISON	0x0010
#define VM_FAULT_NOPAGE		0x0100
#define VM_FAULT_RETRY		0x0400
#define VM_FAULT_FALLBACK	0x0800
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_HWPOISON)

/* Fault in @address (mmap_lock held for read): anon, THP, fsdax, device-dax. */
unsigned int handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			     unsigned int flags);

/* ---- gup (kernel-shim/gup.c) ------------------------------------------ */

#define FOLL_WRITE	0x01
#define FOLL_GET	0x04
#define FOLL_TOUCH	0x02
#define FOLL_HWPOISON	0x100
#define FOLL_NOWAIT	0x20
#define FOLL_PIN	0x40000
#define FOLL_LONGTERM	0x10000

/*
 * gup-fast (4.19 __get_user_pages_fast): with interrupts off, walk the page
 * table one level per step; for a present leaf take the reference with
 * get_page_unless_zero() (devmap: under a transient get_dev_pagemap(), failing
 * when it is dying), re-read the entry and back out if it changed.  Returns
 * the number of pages pinned (0 or 1 here: KVM asks for one).
 */
int __get_user_pages_fast(unsigned long start, int nr_pages, int write,
			  struct page **pages);
/* 6.x name: FOLL_WRITE in @gup_flags. */
bool get_user_page_fast_only(unsigned long addr, unsigned int gup_flags,
			     struct page **pagep);
/*
 * gup-slow: takes mmap_lock for read, follows the page table, faults in with
 * handle_mm_fault() and retries (a retry loop: ks_retry()).  Returns the number
 * of pages, or a negative errno (-EFAULT for VM_IO/VM_PFNMAP or a SIGBUS fault,
 * -EHWPOISON).
 */
long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags);
/* FOLL_PIN flavours (6.13 kvm_vcpu_map). */
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages);
long pin_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags);
void unpin_user_page(struct page *page);

/* VM_IO | VM_PFNMAP: read the pfn from the PTE (mmap_lock held). */
int follow_pfn(struct vm_area_struct *vma, unsigned long address,
	       unsigned long *pfn);
int fixup_user_fault(struct mm_struct *mm, unsigned long address,
		     unsigned int fault_flags, bool *unlocked);

/* ---- host mm operations that race with KVM (kernel-shim/mmap.c, ...) ---- */

/* munmap: mmap_lock for write, notifiers, zap, TLB flush, free page tables. */
int vm_munmap(struct mm_struct *mm, unsigned long start, size_t len);
/* mprotect: clear or set write permission on present PTEs (with notifiers). */
int do_mprotect(struct mm_struct *mm, unsigned long start, size_t len,
		unsigned long prot);
#define PROT_READ 0x1
#define PROT_WRITE 0x2
/* Zap every mapping of the file range in every mm (notifiers fire). */
struct address_space;
void unmap_mapping_range(struct address_space *mapping, long long holebegin,
			 long long holelen, int even_cows);
/* A TLB flush: an IPI to every CPU, which waits until no thread has IRQs off. */
void flush_tlb_mm(struct mm_struct *mm);
/* VM teardown on the host side: exit_mmap (notifier release, then unmap all). */
void exit_mmap(struct mm_struct *mm);
/* Page aging (kswapd): clear_flush_young on the mm's notifiers for @addr. */
int ks_page_age(struct mm_struct *mm, unsigned long addr);

#endif /* KS_LINUX_MM_H */
