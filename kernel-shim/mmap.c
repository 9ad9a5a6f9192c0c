// SPDX-License-Identifier: GPL-2.0
/*
 * The host mm operations that race with KVM: munmap, mprotect,
 * unmap_mapping_range, exit_mmap and page aging (v4.19 mm/mmap.c,
 * mm/mprotect.c, mm/memory.c, mm/rmap.c).
 *
 * Every one of them fires the MMU notifiers around its change, clears or
 * changes entries one step each, and flushes the TLB before a page
 * reference or a page-table page goes.  The order is the kernel's:
 * invalidate_range_end comes before free_pgtables() and the flush (both in
 * unmap_vmas() since 2.6.27 and still in 6.x), so pages are put after _end.
 */
#include <errno.h>

#include "linux/dax.h"
#include "linux/spinlock.h"
#include "mm-internal.h"

static void ks_range_init(struct mmu_notifier_range *range, struct mm_struct *mm,
			  unsigned long start, unsigned long end,
			  enum mmu_notifier_event event)
{
	range->mm = mm;
	range->start = start;
	range->end = end;
	range->event = event;
	range->blockable = true;
}

/* 4.19 mm/memory.c: unmap_vmas(): one notifier pair around every VMA's zap. */
static void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma,
		       unsigned long start, unsigned long end)
{
	struct mmu_notifier_range range;

	ks_range_init(&range, tlb->mm, start, end, MMU_NOTIFY_UNMAP);
	mmu_notifier_invalidate_range_start(&range);
	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (s < e)
			unmap_page_range(tlb, vma, s, e);
	}
	mmu_notifier_invalidate_range_end(&range);
}

/*
 * 4.19 mm/mmap.c: do_munmap() -> unmap_region(): the VMAs of [start, end)
 * (split at the ends) are detached, zapped inside one notifier pair, their
 * page tables unlinked between the neighbours, then flushed and freed.
 */
static int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start), *prev = NULL, *first, *last, *v;
	struct mmu_gather tlb;
	unsigned long floor, ceiling;

	if (!vma || vma->vm_start >= end)
		return 0;
	for (v = mm->mmap; v != vma; v = v->vm_next)
		prev = v;
	if (start > vma->vm_start) {
		prev = vma;
		vma = ks_split_vma(vma, start);
		if (!vma)
			return -EINVAL;
	}
	last = find_vma(mm, end);
	if (last && end > last->vm_start && !ks_split_vma(last, end))
		return -EINVAL;
	/* detach_vmas_to_be_unmapped() */
	ks_sched_point(mm->mmap_obj, KS_WRITE);
	first = vma;
	for (v = vma; v && v->vm_start < end; v = v->vm_next)
		last = v;
	if (prev)
		prev->vm_next = last->vm_next;
	else
		mm->mmap = last->vm_next;
	floor = prev ? prev->vm_end : 0;
	ceiling = last->vm_next ? last->vm_next->vm_start : KS_TASK_SIZE;
	last->vm_next = NULL;
	ks_log_note("do_munmap", mm->notifier_obj, "detached [0x%lx, 0x%lx)", start, end);

	tlb_gather_mmu(&tlb, mm);
	unmap_vmas(&tlb, first, start, end);
	/* free_pgtables() */
	for (v = first; v; v = v->vm_next)
		unlink_file_vma(v);
	free_pgd_range(&tlb, start, end, floor, ceiling);
	tlb_finish_mmu(&tlb);
	return 0;
}

/* 4.19 mm/mmap.c: vm_munmap(). */
int vm_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	int ret;

	KS_FUNC();
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	if ((start & ~PAGE_MASK) || !len || start + len > KS_TASK_SIZE)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	ret = do_munmap(mm, start, start + len);
	up_write(&mm->mmap_lock);
	return ret;
}

/*
 * 4.19 mm/mprotect.c: change_pte_range() for one leaf.  pte_modify() with a
 * private mapping's vm_page_prot never grants write (a write fault does,
 * through do_wp_page()); a shared one without write-notify (device-dax,
 * remap_pfn_range) gets it back at once.
 */
static bool change_one(struct vm_area_struct *vma, unsigned long addr,
		       enum pg_level level, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	struct ks_pt *pt;
	pte_t pte, new;

	spin_lock(&mm->page_table_lock);
	ks_sched_point(ks_pte_obj(mm, addr, level), KS_WRITE);
	pt = ks_pt_lookup(mm, addr, level, false);
	pte = pt ? pt->ent[ks_pt_index(pt, addr)] : (pte_t){ 0 };
	new = pte;
	if (pte_present(pte) && !(pte.val & _PAGE_KS_TABLE)) {
		if (!write)
			new.val &= ~_PAGE_RW;
		else if ((vma->vm_flags & VM_SHARED) && vma->backing != KS_BACKING_FSDAX)
			new.val |= _PAGE_RW;
	}
	if (new.val != pte.val)
		ks_pte_write(mm, pt, addr, new, "change_pte_range");
	spin_unlock(&mm->page_table_lock);
	return new.val != pte.val;
}

/*
 * 4.19 mm/mprotect.c: change_protection_range(); the notifier pair of
 * change_pmd_range() spans the range, and the TLB is flushed only if an
 * entry changed.
 */
static void change_protection(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, bool write)
{
	struct mmu_notifier_range range;
	unsigned long addr = start, pages = 0;

	ks_range_init(&range, vma->vm_mm, start, end, MMU_NOTIFY_PROTECTION_VMA);
	mmu_notifier_invalidate_range_start(&range);
	while (addr < end) {
		enum pg_level level;
		pte_t pte = ks_pte_peek(vma->vm_mm, addr, &level);
		unsigned long size = ks_level_size(level);
		unsigned long next = (addr & ~(size - 1)) + size;

		if (next > end)
			next = end;
		if (level != PG_LEVEL_4K && !pte_none(pte) && next - addr != size) {
			ks_split_huge_leaf(vma, addr, level);
			continue;
		}
		if (!pte_none(pte))
			pages += change_one(vma, addr, level, write);
		addr = next;
	}
	if (pages)
		flush_tlb_mm(vma->vm_mm);
	mmu_notifier_invalidate_range_end(&range);
}

/* 4.19 mm/mprotect.c: do_mprotect_pkey() -> mprotect_fixup(). */
int do_mprotect(struct mm_struct *mm, unsigned long start, size_t len,
		unsigned long prot)
{
	unsigned long end = start + ((len + PAGE_SIZE - 1) & PAGE_MASK);
	unsigned long nstart = start;
	struct vm_area_struct *vma;
	int error = 0;

	KS_FUNC();
	if (start & ~PAGE_MASK)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		error = -ENOMEM;
	while (!error && nstart < end) {
		unsigned long tmp = vma->vm_end < end ? vma->vm_end : end;

		if (nstart > vma->vm_start)
			vma = ks_split_vma(vma, nstart);
		if (!vma || (tmp < vma->vm_end && !ks_split_vma(vma, tmp))) {
			error = -EINVAL;
			break;
		}
		ks_sched_point(mm->mmap_obj, KS_WRITE);
		vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE)) |
				(prot & PROT_READ ? VM_READ : 0) |
				(prot & PROT_WRITE ? VM_WRITE : 0);
		ks_log_note("mprotect_fixup", mm->notifier_obj, "[0x%lx, 0x%lx) flags 0x%lx",
			    nstart, tmp, vma->vm_flags);
		change_protection(vma, nstart, tmp, prot & PROT_WRITE);
		nstart = tmp;
		vma = vma->vm_next;
		if (nstart < end && (!vma || vma->vm_start != nstart))
			error = -ENOMEM;
	}
	up_write(&mm->mmap_lock);
	return error;
}

/*
 * 4.19 mm/memory.c: unmap_mapping_range() -> unmap_mapping_range_tree() ->
 * zap_page_range_single(): under i_mmap_rwsem, for every VMA of the mapping
 * that overlaps the file range, a notifier pair around the zap, then flush
 * and put.  The mapping's VMAs are taken from the mm's list in one step (the
 * i_mmap tree of the model); a munmap that detached one meanwhile waits in
 * unlink_file_vma() before its tables go.
 */
void unmap_mapping_range(struct address_space *mapping, long long holebegin,
			 long long holelen, int even_cows)
{
	unsigned long first = (unsigned long)holebegin >> PAGE_SHIFT;
	unsigned long last = holelen ?
		first + (((unsigned long)holelen + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1 :
		~0UL;
	struct vm_area_struct *vma, **i_mmap;
	int n = 0, i;

	KS_FUNC();
	if (!mapping->mm)
		return;
	down_write(&mapping->i_mmap_rwsem);
	ks_sched_point(mapping->mm->mmap_obj, KS_READ);
	for (vma = mapping->mm->mmap; vma; vma = vma->vm_next)
		n += ks_vma_mapping(vma) == mapping;
	i_mmap = ks_alloc((size_t)n * sizeof(*i_mmap));
	n = 0;
	for (vma = mapping->mm->mmap; vma; vma = vma->vm_next)
		if (ks_vma_mapping(vma) == mapping)
			i_mmap[n++] = vma;
	for (i = 0; i < n; i++) {
		unsigned long vba, vea, start, end;
		struct mmu_notifier_range range;
		struct mmu_gather tlb;

		vma = i_mmap[i];
		vba = vma->vm_pgoff;
		vea = vba + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) - 1;
		if (vea < first || vba > last)
			continue;
		start = vma->vm_start + (((first > vba ? first : vba) - vba) << PAGE_SHIFT);
		end = vma->vm_start + (((last < vea ? last : vea) - vba + 1) << PAGE_SHIFT);
		tlb_gather_mmu(&tlb, vma->vm_mm);
		ks_range_init(&range, vma->vm_mm, start, end, MMU_NOTIFY_CLEAR);
		mmu_notifier_invalidate_range_start(&range);
		unmap_page_range(&tlb, vma, start, end);
		mmu_notifier_invalidate_range_end(&range);
		tlb_finish_mmu(&tlb);
	}
	up_write(&mapping->i_mmap_rwsem);
}

/*
 * 4.19 mm/mmap.c: exit_mmap(): the notifiers' ->release first (KVM zaps
 * everything), then every VMA is unmapped and every table freed.  mmap_lock
 * is taken for write as 5.x and later do around the teardown.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct mmu_gather tlb;
	struct vm_area_struct *vma;

	KS_FUNC();
	mmu_notifier_release(mm);
	down_write(&mm->mmap_lock);
	vma = mm->mmap;
	tlb_gather_mmu(&tlb, mm);
	unmap_vmas(&tlb, vma, 0, KS_TASK_SIZE);
	for (; vma; vma = vma->vm_next)
		unlink_file_vma(vma);
	free_pgd_range(&tlb, 0, KS_TASK_SIZE, 0, KS_TASK_SIZE);
	tlb_finish_mmu(&tlb);
	ks_sched_point(mm->mmap_obj, KS_WRITE);
	mm->mmap = NULL;
	up_write(&mm->mmap_lock);
}

/*
 * 4.19 mm/rmap.c: page_referenced_one() -> ptep_clear_flush_young_notify()
 * (or the pmd flavour) under the page-table lock: clear the host entry's
 * accessed bit (x86 does not flush for that), then ask the secondary MMUs.
 */
int ks_page_age(struct mm_struct *mm, unsigned long addr)
{
	enum pg_level level;
	unsigned long size;
	struct ks_pt *pt;
	int young = 0;
	pte_t pte;

	KS_FUNC();
	pte = ks_pte_peek(mm, addr, &level);
	size = ks_level_size(level);
	addr &= ~(size - 1);
	spin_lock(&mm->page_table_lock);
	ks_sched_point(ks_pte_obj(mm, addr, level), KS_WRITE);
	pt = ks_pt_lookup(mm, addr, level, false);
	pte = pt ? pt->ent[ks_pt_index(pt, addr)] : (pte_t){ 0 };
	if (pte_present(pte) && !(pte.val & _PAGE_KS_TABLE)) {
		if (pte_young(pte)) {
			young = 1;
			ks_pte_write(mm, pt, addr, (pte_t){ pte.val & ~_PAGE_ACCESSED },
				     level == PG_LEVEL_4K ? "ptep_clear_flush_young" :
							    "pmdp_clear_flush_young");
		}
		young |= mmu_notifier_clear_flush_young(mm, addr, addr + size);
	}
	spin_unlock(&mm->page_table_lock);
	return young;
}
