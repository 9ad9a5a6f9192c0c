// SPDX-License-Identifier: GPL-2.0
/*
 * get_user_pages, fast and slow, and follow_pfn() (v4.19 mm/gup.c,
 * mm/huge_memory.c and mm/memory.c; the pgmap handling of v5.4, which
 * drops the transient pgmap reference once per walk instead of per page --
 * the same thing for the one page KVM asks for).
 *
 * gup-fast walks the page table lockless, one level per step, with
 * interrupts off; it holds a page only if get_page_unless_zero() succeeds and
 * the entry is unchanged when read again.  A devmap entry needs a live pgmap
 * for the duration of the walk (get_dev_pagemap() fails once it is dying).
 * gup-slow holds mmap_lock for read, follows the page table under the
 * page-table lock and faults in what is missing, retrying (a retry loop).
 */
#include <errno.h>

#include "linux/memremap.h"
#include "mm-internal.h"

/* 4.19 mm/gup.c: undo_dev_pagemap(). */
static void undo_dev_pagemap(int *nr, int nr_start, struct page **pages)
{
	while (*nr > nr_start) {
		struct page *page = pages[--(*nr)];

		ClearPageReferenced(page);
		put_page(page);
	}
}

/* 4.19 mm/gup.c: gup_pte_range() for one entry. */
static int gup_pte_range(struct ks_pt_walk *w, pte_t pte, int write,
			 struct page **pages, int *nr)
{
	struct dev_pagemap *pgmap = NULL;
	struct page *page, *head;
	int ret = 0;

	KS_FUNC();
	if (write && !pte_write(pte))
		return 0;
	if (pte_devmap(pte)) {
		/* undo_dev_pagemap() of the pages before this one: none, KVM asks for one */
		pgmap = get_dev_pagemap(pte_pfn(pte), pgmap);
		if (!pgmap)
			return 0;
	} else if (pte_special(pte)) {
		return 0;
	}
	page = pfn_to_page(pte_pfn(pte));
	head = compound_head(page);
	if (!get_page_unless_zero(head))
		goto out;
	if (ks_pt_walk_reread(w).val != pte.val) {
		put_page(head);
		goto out;
	}
	SetPageReferenced(page);
	pages[(*nr)++] = page;
	ret = 1;
out:
	if (pgmap)
		put_dev_pagemap(pgmap);
	return ret;
}

/*
 * 5.4 mm/gup.c: __gup_device_huge() for the one page asked for: a page
 * reference under the pgmap reference, which is dropped at the end.
 */
static int __gup_device_huge(unsigned long pfn, struct page **pages, int *nr)
{
	struct dev_pagemap *pgmap;
	struct page *page;

	KS_FUNC();
	page = pfn_to_page(pfn);
	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap)
		return 0;
	SetPageReferenced(page);
	pages[*nr] = page;
	get_page(page);
	(*nr)++;
	put_dev_pagemap(pgmap);
	return 1;
}

/*
 * 4.19 mm/gup.c: gup_huge_pmd()/gup_huge_pud() and
 * __gup_device_huge_pmd()/_pud() for the 4K page at @addr.
 */
static int gup_huge_pmd(struct ks_pt_walk *w, pte_t orig, enum pg_level level,
			unsigned long addr, int write, struct page **pages, int *nr)
{
	unsigned long offset = (addr & (ks_level_size(level) - 1)) >> PAGE_SHIFT;
	struct page *page, *head;
	int nr_start = *nr;

	KS_FUNC();
	if (write && !pte_write(orig))
		return 0;
	if (pte_devmap(orig)) {
		if (!__gup_device_huge(pte_pfn(orig) + offset, pages, nr))
			return 0;
		if (ks_pt_walk_reread(w).val != orig.val) {
			undo_dev_pagemap(nr, nr_start, pages);
			return 0;
		}
		return 1;
	}
	page = pfn_to_page(pte_pfn(orig) + offset);
	head = compound_head(pfn_to_page(pte_pfn(orig)));
	/* page_cache_add_speculative(head, 1) */
	if (!get_page_unless_zero(head))
		return 0;
	if (ks_pt_walk_reread(w).val != orig.val) {
		put_page(head);
		return 0;
	}
	SetPageReferenced(head);
	pages[(*nr)++] = page;
	return 1;
}

/* 4.19 gup_pgd_range() -> gup_pud_range() -> gup_pmd_range() for one page. */
static int gup_one(struct mm_struct *mm, unsigned long addr, int write,
		   struct page **pages, int *nr)
{
	struct ks_pt_walk w;
	enum pg_level level;
	bool leaf;
	pte_t pte;

	ks_pt_walk_begin(&w, mm, addr);
	do {
		pte = ks_pt_walk_next(&w, &leaf, &level);
	} while (!leaf);
	if (!pte_present(pte))
		return 0;
	if (level == PG_LEVEL_4K)
		return gup_pte_range(&w, pte, write, pages, nr);
	return gup_huge_pmd(&w, pte, level, addr, write, pages, nr);
}

/*
 * 4.19 mm/gup.c: __get_user_pages_fast(): the whole walk with interrupts
 * off, so that munmap's TLB flush (and the page-table free after it) waits.
 */
int __get_user_pages_fast(unsigned long start, int nr_pages, int write,
			  struct page **pages)
{
	struct mm_struct *mm = ks_task_mm();
	int nr = 0;

	KS_FUNC();
	start &= PAGE_MASK;
	local_irq_disable();
	while (nr < nr_pages &&
	       gup_one(mm, start + (unsigned long)nr * PAGE_SIZE, write, pages, &nr))
		;
	local_irq_enable();
	ks_log_pred("__get_user_pages_fast", ks_pte_obj(mm, start, PG_LEVEL_4K),
		    KS_V_INT, nr);
	return nr;
}

/* 5.8 mm/gup.c (dadbb612f6e5): get_user_page_fast_only()'s 6.x shape over the 4.19 walk. */
bool get_user_page_fast_only(unsigned long addr, unsigned int gup_flags,
			     struct page **pagep)
{
	return __get_user_pages_fast(addr, 1, !!(gup_flags & FOLL_WRITE), pagep) == 1;
}

/*
 * 5.8 mm/gup.c (eddb1c228f79): pin_user_pages_fast(): FOLL_PIN over the same
 * walk; a pin is one ledger reference, as in pin_user_pages_unlocked().
 */
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags,
			struct page **pages)
{
	KS_FUNC();
	return __get_user_pages_fast(start, nr_pages, !!(gup_flags & FOLL_WRITE), pages);
}

/* ---- gup-slow ------------------------------------------------------------------- */

/*
 * 4.19 mm/huge_memory.c: touch_pmd() / touch_pud() for FOLL_TOUCH: make the
 * huge entry young (and dirty for a write) if it is not, under the
 * page-table lock the caller holds (pmdp_set_access_flags()).
 */
static void touch_pmd(struct mm_struct *mm, unsigned long addr, enum pg_level level,
		      pte_t pmd, unsigned int flags)
{
	uint64_t want = _PAGE_ACCESSED | ((flags & FOLL_WRITE) ? _PAGE_DIRTY : 0);
	unsigned long haddr = addr & ~(ks_level_size(level) - 1);
	struct ks_pt *pt;

	if ((pmd.val & want) == want)
		return;
	ks_sched_point(ks_pte_obj(mm, haddr, level), KS_WRITE);
	pt = ks_pt_lookup(mm, haddr, level, false);
	if (pt && pt->ent[ks_pt_index(pt, haddr)].val == pmd.val)
		ks_pte_write(mm, pt, haddr, (pte_t){ pmd.val | want },
			     level == PG_LEVEL_2M ? "touch_pmd" : "touch_pud");
}

/*
 * 4.19 mm/huge_memory.c: follow_devmap_pmd()/follow_devmap_pud(): FOLL_GET
 * takes the page under a transient pgmap reference; a dying pgmap is -EFAULT.
 */
static struct page *follow_devmap_pmd(struct mm_struct *mm, pte_t pmd, enum pg_level level,
				      unsigned long addr, unsigned int flags, int *err)
{
	unsigned long pfn = pte_pfn(pmd) + ((addr & (ks_level_size(level) - 1)) >> PAGE_SHIFT);
	struct dev_pagemap *pgmap;
	struct page *page;

	KS_FUNC();
	if ((flags & FOLL_WRITE) && !pte_write(pmd))
		return NULL;
	if (flags & FOLL_TOUCH)
		touch_pmd(mm, addr, level, pmd, flags);
	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap) {
		*err = -EFAULT;
		return NULL;
	}
	page = pfn_to_page(pfn);
	get_page(page);
	put_dev_pagemap(pgmap);
	return page;
}

/* 4.19 mm/huge_memory.c: follow_trans_huge_pmd(): the subpage, a reference on the THP. */
static struct page *follow_trans_huge_pmd(struct mm_struct *mm, pte_t pmd,
					  unsigned long addr, unsigned int flags)
{
	struct page *page;

	KS_FUNC();
	if ((flags & FOLL_WRITE) && !pte_write(pmd))
		return NULL;
	if (flags & FOLL_TOUCH)
		touch_pmd(mm, addr, PG_LEVEL_2M, pmd, flags);
	page = pfn_to_page(pte_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT));
	get_page(page);
	return page;
}

/*
 * 4.19 mm/gup.c: follow_page_pte(): devmap under a pgmap reference, the zero
 * page as a page, any other special entry -EFAULT (follow_pfn_pte()).
 * FOLL_TOUCH (every get_user_pages_unlocked()): a write dirties a page its
 * clean PTE maps, and the page is marked accessed.
 */
static struct page *follow_page_pte(pte_t pte, unsigned int flags, int *err)
{
	struct dev_pagemap *pgmap = NULL;
	struct page *page;

	KS_FUNC();
	if (!pte_present(pte))
		return NULL;
	if ((flags & FOLL_WRITE) && !pte_write(pte))
		return NULL;
	if (pte_devmap(pte)) {
		pgmap = get_dev_pagemap(pte_pfn(pte), NULL);
		if (!pgmap)
			return NULL;
	} else if (pte_special(pte) && !is_zero_pfn(pte_pfn(pte))) {
		*err = -EFAULT;
		return NULL;
	}
	page = pfn_to_page(pte_pfn(pte));
	get_page(page);
	if (pgmap)
		put_dev_pagemap(pgmap);
	if (flags & FOLL_TOUCH) {
		if ((flags & FOLL_WRITE) && !pte_dirty(pte) && !PageDirty(page))
			SetPageDirty(page);	/* set_page_dirty() */
		/* pte_mkyoung() would need care not to lose the dirty bit */
		mark_page_accessed(page);
	}
	return page;
}

/*
 * 4.19 mm/gup.c: follow_page_mask() -> follow_p{ud,md}_mask(): the leaf is
 * read and referenced under the page-table lock.  NULL means "fault it in";
 * *@err is set for an error.
 */
static struct page *follow_page_mask(struct vm_area_struct *vma, unsigned long addr,
				     unsigned int flags, int *err)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = NULL;
	enum pg_level level;
	pte_t pte;

	spin_lock(&mm->page_table_lock);
	pte = ks_pte_get(mm, addr, &level);
	if (level == PG_LEVEL_4K)
		page = follow_page_pte(pte, flags, err);
	else if (pte_present(pte) && pte_devmap(pte))
		page = follow_devmap_pmd(mm, pte, level, addr, flags, err);
	else if (pte_present(pte))
		page = follow_trans_huge_pmd(mm, pte, addr, flags);
	spin_unlock(&mm->page_table_lock);
	return page;
}

/* 4.19 mm/gup.c: vm_fault_to_errno(). */
static int vm_fault_to_errno(unsigned int ret, unsigned int foll_flags)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_HWPOISON)
		return (foll_flags & FOLL_HWPOISON) ? -EHWPOISON : -EFAULT;
	if (ret & VM_FAULT_SIGBUS)
		return -EFAULT;
	return 0;
}

/* 4.19 mm/gup.c: faultin_page(). */
static int faultin_page(struct vm_area_struct *vma, unsigned long addr,
			unsigned int flags)
{
	unsigned int ret;

	ret = handle_mm_fault(vma, addr, (flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0);
	return vm_fault_to_errno(ret, flags);
}

/*
 * 4.19 mm/gup.c: check_vma_flags(); the FOLL_LONGTERM refusal of fsdax is
 * 5.x/6.x's (vma_is_fsdax()).
 */
static int check_vma_flags(struct vm_area_struct *vma, unsigned int gup_flags)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if ((gup_flags & FOLL_LONGTERM) && vma->backing == KS_BACKING_FSDAX)
		return -EOPNOTSUPP;
	if (gup_flags & FOLL_WRITE)
		return vma->vm_flags & VM_WRITE ? 0 : -EFAULT;
	return vma->vm_flags & VM_READ ? 0 : -EFAULT;
}

/* 4.19 mm/gup.c: __get_user_pages(), with FOLL_GET (pages are asked for). */
static long __get_user_pages(struct mm_struct *mm, unsigned long start,
			     unsigned long nr_pages, unsigned int gup_flags,
			     struct page **pages)
{
	long i;

	for (i = 0; i < (long)nr_pages; i++, start += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, start);
		struct page *page;
		int err = 0;

		if (!vma || start < vma->vm_start)
			return i ? i : -EFAULT;
		err = check_vma_flags(vma, gup_flags);
		if (err)
			return i ? i : err;
		ks_loop_begin();
		while (!(page = follow_page_mask(vma, start, gup_flags, &err)) && !err) {
			err = faultin_page(vma, start, gup_flags);
			if (err)
				break;
			ks_retry();
		}
		ks_loop_end();
		if (err)
			return i ? i : err;
		pages[i] = page;
	}
	return i;
}

static long ks_gup_unlocked(unsigned long start, unsigned long nr_pages,
			    struct page **pages, unsigned int gup_flags)
{
	struct mm_struct *mm = ks_task_mm();
	long ret;

	down_read(&mm->mmap_lock);
	ret = __get_user_pages(mm, start & PAGE_MASK, nr_pages,
			       gup_flags | FOLL_GET | FOLL_TOUCH, pages);
	up_read(&mm->mmap_lock);
	ks_log_pred("get_user_pages", ks_pte_obj(mm, start, PG_LEVEL_4K), KS_V_INT, ret);
	return ret;
}

/* 4.19 mm/gup.c: get_user_pages_unlocked(), which adds FOLL_TOUCH. */
long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags)
{
	KS_FUNC();
	return ks_gup_unlocked(start, nr_pages, pages, gup_flags);
}

/*
 * 5.8 mm/gup.c (91429023beee): pin_user_pages_unlocked(): FOLL_PIN.  A pin is one ledger
 * reference here (the kernel adds GUP_PIN_COUNTING_BIAS for order-0 pages).
 */
long pin_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
			     struct page **pages, unsigned int gup_flags)
{
	KS_FUNC();
	return ks_gup_unlocked(start, nr_pages, pages, gup_flags | FOLL_PIN);
}

/* 5.6 mm/gup.c: unpin_user_page(). */
void unpin_user_page(struct page *page)
{
	KS_FUNC();
	put_page(page);
}

/*
 * 4.19 mm/memory.c: follow_pfn() -> follow_pte(): only VM_IO | VM_PFNMAP
 * VMAs; a missing or huge entry is -EINVAL.
 */
int follow_pfn(struct vm_area_struct *vma, unsigned long address,
	       unsigned long *pfn)
{
	struct mm_struct *mm = vma->vm_mm;
	enum pg_level level;
	pte_t pte;

	KS_FUNC();
	if (!(vma->vm_flags & (VM_IO | VM_PFNMAP)))
		return -EINVAL;
	spin_lock(&mm->page_table_lock);
	pte = ks_pte_get(mm, address, &level);
	spin_unlock(&mm->page_table_lock);
	if (level != PG_LEVEL_4K || !pte_present(pte))
		return -EINVAL;
	*pfn = pte_pfn(pte);
	return 0;
}

/*
 * 4.19 mm/gup.c: fixup_user_fault() (mmap_lock held by the caller): the VMA
 * must permit the access; a fault error becomes its errno.  The model's
 * faults never drop mmap_lock, so *@unlocked stays false.
 */
int fixup_user_fault(struct mm_struct *mm, unsigned long address,
		     unsigned int fault_flags, bool *unlocked)
{
	struct vm_area_struct *vma = find_vma(mm, address);
	unsigned long need = fault_flags & FAULT_FLAG_WRITE ? VM_WRITE : VM_READ;

	KS_FUNC();
	if (!vma || address < vma->vm_start || !(vma->vm_flags & need))
		return -EFAULT;
	return vm_fault_to_errno(handle_mm_fault(vma, address, fault_flags), 0);
}
