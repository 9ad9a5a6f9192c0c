// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults on the host mm (v4.19 mm/memory.c, mm/huge_memory.c,
 * fs/dax.c, drivers/dax/device.c), and the page allocator that anonymous
 * faults take their pages from (the RAM of ks_ram_add()).
 *
 * Each fault decides under the page-table lock: where that section is one
 * check and one write of the entry, it is one step on the entry's object
 * (nothing can come between them); wp_page_copy(), which flushes and calls a
 * notifier in between, takes the lock.  References are taken before the
 * check, as the kernel takes them before set_pte_at(), and undone if it fails.
 *
 * Model simplifications: no huge zero page (a read fault in a VM_HUGEPAGE
 * range allocates the THP, as with transparent_hugepage/use_zero_page = 0);
 * fsdax maps 2M only for a file whose filesystem allocates 2M extents
 * (file->pmd_extents), and then not from mm-6.15 on (the folio PMD of
 * vmf_insert_folio_pmd() is not modelled: such a file maps 4K); the only
 * non-present, non-none entries are a THP split's migration entries (no swap).
 */
#include "linux/dax.h"
#include "linux/huge_mm.h"
#include "linux/spinlock.h"
#include "mm-internal.h"

/* ---- the page allocator ---------------------------------------------------------- */

struct ks_ram {
	unsigned long start_pfn, nr_pages;
	struct ks_ram *next;
};

static struct ks_ram *ks_ram_ranges;
static ks_obj_t ks_buddy_obj;

static void ks_ram_reset(void)
{
	ks_ram_ranges = NULL;
	ks_buddy_obj = 0;
}

__attribute__((constructor)) static void ks_ram_register(void)
{
	ks_on_run_begin(ks_ram_reset);
}

void ks_ram_add(unsigned long start_pfn, unsigned long nr_pages)
{
	struct ks_ram *ram = ks_alloc(sizeof(*ram));

	ks_memmap_add(start_pfn, nr_pages, ZONE_NORMAL);
	ram->start_pfn = start_pfn;
	ram->nr_pages = nr_pages;
	ram->next = ks_ram_ranges;
	ks_ram_ranges = ram;
	if (!ks_buddy_obj)
		ks_buddy_obj = ks_obj_named(KS_OBJ_VAR, "buddy");
}

/*
 * A page in the buddy allocator: never handed out, or freed since (a page
 * with a count of 0 can still be in use: a THP frozen by split_huge_page()).
 */
static bool ks_page_unused(const struct page *page)
{
	return !page->owner && !page->_refcount && !page->head;
}

static bool ks_block_unused(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (!ks_page_unused(pfn_to_page(pfn + i)))
			return false;
	return true;
}

/*
 * alloc_pages(): the first free, naturally aligned block of 2^@order pages,
 * with one reference held by the calling thread (a THP when @order > 0).
 */
struct page *ks_alloc_pages(unsigned int order)
{
	unsigned long nr = 1UL << order;
	struct ks_ram *ram;

	if (!ks_buddy_obj)
		return NULL;
	ks_sched_point(ks_buddy_obj, KS_WRITE);
	for (ram = ks_ram_ranges; ram; ram = ram->next) {
		unsigned long pfn = (ram->start_pfn + nr - 1) & ~(nr - 1);

		for (; pfn + nr <= ram->start_pfn + ram->nr_pages; pfn += nr) {
			struct ks_page_init init = {
				.order = order, .compound = order > 0, .thp = order > 0,
				.refcount = 1, .own = KS_OWN_THREAD, .owner = "anon",
			};
			struct page *page;

			if (!ks_block_unused(pfn, nr))
				continue;
			ks_page_point(pfn, KS_PF_ALL, KS_WRITE);
			page = ks_page_setup(pfn, &init);
			ks_log("alloc_pages", KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_INT, 0, 1);
			return page;
		}
	}
	ks_log_note("alloc_pages", ks_buddy_obj, "order %u: out of memory", order);
	return NULL;
}

/* ---- anonymous memory -------------------------------------------------------------- */

#define KS_PROT_NEW (_PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED)

/* 4.19 mm/huge_memory.c: do_huge_pmd_anonymous_page() (no huge zero page). */
static unsigned int do_huge_pmd_anonymous_page(struct vm_area_struct *vma,
					       unsigned long haddr)
{
	struct page *page = ks_alloc_pages(HPAGE_PMD_ORDER);

	if (!page)
		return VM_FAULT_FALLBACK;
	if (!ks_map_page(vma, haddr, PG_LEVEL_2M,
			 pfn_pte(page_to_pfn(page), KS_PROT_NEW | _PAGE_PSE),
			 KS_MAP_TRANSFER))
		return VM_FAULT_FALLBACK;
	return 0;
}

/* 4.19 mm/memory.c: do_anonymous_page(): the zero page for reads. */
static unsigned int do_anonymous_page(struct vm_area_struct *vma,
				      unsigned long address, unsigned int flags)
{
	struct page *page;

	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (!(flags & FAULT_FLAG_WRITE)) {
		ks_map_page(vma, address, PG_LEVEL_4K,
			    pfn_pte(ks_zero_pfn(), _PAGE_SPECIAL | _PAGE_ACCESSED),
			    KS_MAP_NOREF);
		return 0;
	}
	page = ks_alloc_pages(0);
	if (!page)
		return VM_FAULT_OOM;
	ks_map_page(vma, address, PG_LEVEL_4K,
		    pfn_pte(page_to_pfn(page), KS_PROT_NEW), KS_MAP_TRANSFER);
	return 0;
}

/*
 * 4.19 mm/memory.c: wp_page_copy() for the zero page: a new page replaces it
 * inside a notifier pair, ptep_clear_flush_notify(), then
 * set_pte_at_notify() (->change_pte), all under the page-table lock: only
 * lockless readers (gup-fast) can see the cleared entry.
 */
static unsigned int wp_page_copy(struct vm_area_struct *vma, unsigned long address,
				 pte_t orig)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_notifier_range range = {
		.mm = mm, .start = address, .end = address + PAGE_SIZE,
		.event = MMU_NOTIFY_CLEAR, .blockable = true,
	};
	ks_obj_t key = ks_pte_obj(mm, address, PG_LEVEL_4K);
	struct page *page = ks_alloc_pages(0);
	struct ks_pt *pt;
	pte_t entry;

	if (!page)
		return VM_FAULT_OOM;
	entry = pfn_pte(page_to_pfn(page), KS_PROT_NEW);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(&mm->page_table_lock);
	ks_sched_point(key, KS_WRITE);
	pt = ks_pt_lookup(mm, address, PG_LEVEL_4K, false);
	if (pt && pt->ent[ks_pt_index(pt, address)].val == orig.val) {
		ks_pte_write(mm, pt, address, (pte_t){ 0 }, "ptep_clear_flush_notify");
		flush_tlb_mm(mm);
		mmu_notifier_change_pte(mm, address, entry);
		ks_sched_point(key, KS_WRITE);
		ks_pte_write(mm, pt, address, entry, "set_pte_at_notify");
		ks_ref_transfer(page, KS_OWN_PTE, key);
		ks_page_mapcount_add(page, 1);
		page = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (page)
		put_page(page);
	mmu_notifier_invalidate_range_end(&range);
	return 0;
}

/* 4.19 mm/memory.c: wp_page_reuse() / do_huge_pmd_wp_page() reuse: make it writable. */
static unsigned int wp_page_reuse(struct vm_area_struct *vma, unsigned long address,
				  enum pg_level level, pte_t orig)
{
	struct mm_struct *mm = vma->vm_mm;
	struct ks_pt *pt;

	ks_sched_point(ks_pte_obj(mm, address, level), KS_WRITE);
	pt = ks_pt_lookup(mm, address, level, false);
	if (pt && pt->ent[ks_pt_index(pt, address)].val == orig.val)
		ks_pte_write(mm, pt, address, (pte_t){ orig.val | KS_PROT_NEW },
			     level == PG_LEVEL_4K ? "wp_page_reuse" : "do_huge_pmd_wp_page");
	return 0;
}

struct ks_entry_wait {
	struct mm_struct *mm;
	unsigned long address;
	pte_t orig;
};

static bool ks_entry_changed(const void *arg)
{
	const struct ks_entry_wait *ew = arg;
	enum pg_level level;

	return ks_pte_peek(ew->mm, ew->address, &level).val != ew->orig.val;
}

static void ks_entry_explain(const void *arg, struct ks_buf *out)
{
	const struct ks_entry_wait *ew = arg;

	ks_buf_printf(out, "migration_entry_wait() at 0x%lx: the THP split has not remapped it",
		      ew->address);
}

/*
 * 4.19 mm/memory.c: do_swap_page() for the one kind of non-present entry the
 * model makes, a migration entry of a THP split (try_to_unmap_one() with
 * TTU_MIGRATION): migration_entry_wait() sleeps until the split has mapped
 * the page again (remove_migration_pte(); the kernel waits on the page lock
 * the splitter holds), and the fault returns 0 for the access to be retried.
 */
static unsigned int do_swap_page(struct vm_area_struct *vma, unsigned long address,
				 pte_t orig, unsigned int flags)
{
	struct ks_entry_wait ew = { vma->vm_mm, address, orig };
	const struct ks_wait w = {
		.ready = ks_entry_changed, .explain = ks_entry_explain, .arg = &ew,
	};

	KS_FUNC();
	ks_sched_wait(ks_pte_obj(vma->vm_mm, address, PG_LEVEL_4K), KS_WAIT, &w);
	return 0;
}

/* ---- DAX ----------------------------------------------------------------------------- */

/*
 * 4.19 fs/dax.c: dax_iomap_pte_fault() under the XFS MMAPLOCK (5.15
 * invalidate_lock): a page past EOF or a freed block is SIGBUS; the block's
 * pfn goes in with vmf_insert_mixed() (devmap, no reference) before mm-6.15
 * and vmf_insert_page_mkwrite() (a normal, refcounted entry) from 7851bf649d42.
 * A write to a read-only entry of the same pfn makes it writable
 * (insert_pfn(..., mkwrite)).
 */
static unsigned int dax_iomap_pte_fault(struct vm_area_struct *vma,
					unsigned long address, unsigned int flags)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = &file->f_mapping;
	unsigned long pgoff = vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT);
	bool refcounted = ks_era_current()->id >= KS_ERA_6_15;
	bool write = flags & FAULT_FLAG_WRITE;
	uint64_t prot = _PAGE_ACCESSED | (write ? _PAGE_RW | _PAGE_DIRTY : 0);
	unsigned int ret = VM_FAULT_NOPAGE;
	enum pg_level level;
	unsigned long pfn;
	pte_t pte;

	down_read(&mapping->invalidate_lock);
	ks_sched_point(mapping->obj, KS_READ);
	pfn = pgoff < file->nr_pages ? file->block[pgoff] : 0;
	if (!pfn) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	if (!refcounted)
		prot |= _PAGE_DEVMAP | _PAGE_SPECIAL;
	pte = ks_pte_peek(vma->vm_mm, address, &level);
	if (write && pte_present(pte) && level == PG_LEVEL_4K && pte_pfn(pte) == pfn)
		wp_page_reuse(vma, address, level, pte);
	else
		ks_map_page(vma, address, PG_LEVEL_4K, pfn_pte(pfn, prot),
			    refcounted ? KS_MAP_GET : KS_MAP_NOREF);
out:
	up_read(&mapping->invalidate_lock);
	return ret;
}

/*
 * 4.19 fs/dax.c: dax_iomap_pmd_fault(): a PMD when the 2M around the address
 * is inside the VMA and the file, the fault would not COW (a shared
 * mapping), and the filesystem maps the whole 2M as one extent at a
 * 2M-aligned pfn (iomap_begin(), dax_iomap_pfn()); else VM_FAULT_FALLBACK.
 * vmf_insert_pfn_pmd() puts in a devmap entry, no page reference; a write
 * makes it dirty and writable, as does a write to its read-only PMD
 * (wp_huge_pmd() -> ->huge_fault()).
 */
static unsigned int dax_iomap_pmd_fault(struct vm_area_struct *vma,
					unsigned long address, unsigned int flags)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = &file->f_mapping;
	unsigned long haddr = address & PMD_MASK;
	unsigned long pgoff = vma->vm_pgoff + ((haddr - vma->vm_start) >> PAGE_SHIFT);
	bool write = flags & FAULT_FLAG_WRITE;
	uint64_t prot = _PAGE_ACCESSED | _PAGE_DEVMAP | _PAGE_PSE;
	unsigned int ret = VM_FAULT_FALLBACK;
	enum pg_level level;
	unsigned long pfn, i;
	pte_t pte;

	if (!file->pmd_extents || ks_era_current()->id >= KS_ERA_6_15 ||
	    (write && !(vma->vm_flags & VM_SHARED)) ||
	    haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	down_read(&mapping->invalidate_lock);
	ks_sched_point(mapping->obj, KS_READ);
	if (pgoff + HPAGE_PMD_NR > file->nr_pages)
		goto out;
	pfn = file->block[pgoff];
	if (!pfn || (pfn & (HPAGE_PMD_NR - 1)))
		goto out;
	for (i = 1; i < HPAGE_PMD_NR; i++)
		if (file->block[pgoff + i] != pfn + i)
			goto out;
	if (write)
		prot |= _PAGE_RW | _PAGE_DIRTY;
	ret = VM_FAULT_NOPAGE;
	pte = ks_pte_peek(vma->vm_mm, haddr, &level);
	if (write && pte_present(pte) && level == PG_LEVEL_2M && pte_pfn(pte) == pfn)
		wp_page_reuse(vma, haddr, level, pte);
	else
		ks_map_page(vma, haddr, PG_LEVEL_2M, pfn_pte(pfn, prot), KS_MAP_NOREF);
out:
	up_read(&mapping->invalidate_lock);
	return ret;
}

/*
 * 4.19 drivers/dax/device.c: dev_dax_huge_fault() -> __dev_dax_{pte,pmd,pud}_fault():
 * check_vma() refuses once the device is dead (kill_dax()); a fault smaller
 * than the region's alignment is SIGBUS, a larger one falls back; the pfn
 * goes in as a devmap entry without a page reference (pfn_t PFN_DEV|PFN_MAP).
 */
static unsigned int dev_dax_huge_fault(struct vm_area_struct *vma, unsigned long address,
				       unsigned int flags, enum pg_level level)
{
	struct dev_dax *dev_dax = ks_vma_dev_dax(vma);
	unsigned long size = ks_level_size(level);
	unsigned long haddr = address & ~(size - 1);
	unsigned long pgoff = vma->vm_pgoff + ((haddr - vma->vm_start) >> PAGE_SHIFT);
	uint64_t prot = _PAGE_DEVMAP | _PAGE_ACCESSED;
	unsigned int ret = VM_FAULT_NOPAGE;

	dax_read_lock(dev_dax);
	if (!dax_alive(dev_dax)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	if (size > dev_dax->align) {
		ret = VM_FAULT_FALLBACK;
		goto out;
	}
	if (size < dev_dax->align || haddr < vma->vm_start || haddr + size > vma->vm_end ||
	    pgoff + (size >> PAGE_SHIFT) > dev_dax->pgmap.nr_pages) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	if (vma->vm_flags & VM_WRITE)
		prot |= _PAGE_RW;
	if (flags & FAULT_FLAG_WRITE)
		prot |= _PAGE_DIRTY;
	prot |= level == PG_LEVEL_4K ? _PAGE_SPECIAL : _PAGE_PSE;
	ks_map_page(vma, haddr, level, pfn_pte(dev_dax->pgmap.start_pfn + pgoff, prot),
		    KS_MAP_NOREF);
out:
	dax_read_unlock(dev_dax);
	return ret;
}

/* ---- handle_mm_fault ------------------------------------------------------------------ */

/* 4.19 mm/huge_memory.c: transparent_hugepage_enabled() in "madvise" mode. */
static bool transparent_hugepage_enabled(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_NOHUGEPAGE)
		return false;
	return vma_is_dax(vma) || (vma->vm_flags & VM_HUGEPAGE);
}

/* 4.19 create_huge_pud()/create_huge_pmd(); VM_FAULT_FALLBACK to the level below. */
static unsigned int create_huge(struct vm_area_struct *vma, unsigned long address,
				unsigned int flags, enum pg_level level)
{
	unsigned long haddr = address & PMD_MASK;

	if (vma->backing == KS_BACKING_DEVDAX)
		return dev_dax_huge_fault(vma, address, flags, level);
	if (vma->backing == KS_BACKING_FSDAX)
		return level == PG_LEVEL_2M ? dax_iomap_pmd_fault(vma, address, flags) :
					      VM_FAULT_FALLBACK;
	if (vma->backing != KS_BACKING_ANON || level != PG_LEVEL_2M ||
	    haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	return do_huge_pmd_anonymous_page(vma, haddr);
}

/* 4.19 mm/memory.c: handle_pte_fault() once the leaf is a 4K entry or none. */
static unsigned int handle_pte_fault(struct vm_area_struct *vma, unsigned long address,
				     unsigned int flags, pte_t pte)
{
	bool write = flags & FAULT_FLAG_WRITE;

	if (vma->backing == KS_BACKING_FSDAX)
		return dax_iomap_pte_fault(vma, address, flags);
	if (pte_none(pte)) {
		switch (vma->backing) {
		case KS_BACKING_ANON:
			return do_anonymous_page(vma, address, flags);
		case KS_BACKING_DEVDAX:
			return dev_dax_huge_fault(vma, address, flags, PG_LEVEL_4K);
		default:
			/* do_fault(): remap_pfn_range VMAs have no ->fault. */
			return VM_FAULT_SIGBUS;
		}
	}
	if (!pte_present(pte))
		return do_swap_page(vma, address, pte, flags);
	if (!write || pte_write(pte))
		return 0;
	/* do_wp_page() */
	if (vma->backing != KS_BACKING_ANON)
		return VM_FAULT_SIGBUS;
	if (is_zero_pfn(pte_pfn(pte)))
		return wp_page_copy(vma, address, pte);
	return wp_page_reuse(vma, address, PG_LEVEL_4K, pte);
}

/*
 * 4.19 mm/memory.c: __handle_mm_fault(): a huge leaf where the PUD or PMD is
 * none and THP is enabled for the VMA, else the 4K path.  A non-present PMD
 * (a split in progress: pmdp_invalidate()) makes the fault return for a
 * retry, as pmd_trans_unstable() does.
 */
static unsigned int __handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
				      unsigned int flags)
{
	enum pg_level level;
	pte_t pte = ks_pte_get(vma->vm_mm, address, &level);
	unsigned int ret;

	if (level == PG_LEVEL_1G && pte_none(pte) && transparent_hugepage_enabled(vma)) {
		ret = create_huge(vma, address, flags, PG_LEVEL_1G);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		pte = ks_pte_get(vma->vm_mm, address, &level);
	}
	/* a none PUD means a none PMD too (pmd_alloc() then create_huge_pmd()) */
	if (level != PG_LEVEL_4K && pte_none(pte) && transparent_hugepage_enabled(vma)) {
		ret = create_huge(vma, address, flags, PG_LEVEL_2M);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		pte = ks_pte_get(vma->vm_mm, address, &level);
	}
	if (level != PG_LEVEL_4K && !pte_none(pte)) {
		if (!pte_present(pte))
			return 0;
		if (!(flags & FAULT_FLAG_WRITE) || pte_write(pte))
			return 0;
		/* wp_huge_pmd(): an anonymous THP is ours alone; DAX refaults. */
		if (vma->backing == KS_BACKING_ANON)
			return wp_page_reuse(vma, address & ~(ks_level_size(level) - 1),
					     level, pte);
		if (vma->backing == KS_BACKING_FSDAX && level == PG_LEVEL_2M) {
			if (!(dax_iomap_pmd_fault(vma, address, flags) & VM_FAULT_FALLBACK))
				return 0;
			/* the PMD cannot stay: split it (DAX: cleared), then the PTE path */
			split_huge_pmd(vma, address);
			return handle_pte_fault(vma, address, flags,
						ks_pte_get(vma->vm_mm, address, &level));
		}
		return VM_FAULT_SIGBUS;
	}
	return handle_pte_fault(vma, address, flags, pte);
}

unsigned int handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			     unsigned int flags)
{
	unsigned int ret;

	KS_FUNC();
	ret = __handle_mm_fault(vma, address & PAGE_MASK, flags);
	ks_log_pred("handle_mm_fault", ks_pte_obj(vma->vm_mm, address, PG_LEVEL_4K),
		    KS_V_HEX, ret);
	return ret;
}

/* mm_populate() at setup: fault in every page of the range, as the VMM touching it. */
void ks_populate(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 bool write)
{
	unsigned long end = addr + len;

	addr &= PAGE_MASK;
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long size = PAGE_SIZE;
		enum pg_level level;

		if (!vma || vma->vm_start > addr)
			return;
		handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		if (pte_present(ks_pte_peek(mm, addr, &level)))
			size = ks_level_size(level);
		addr = (addr & ~(size - 1)) + size;
	}
}
