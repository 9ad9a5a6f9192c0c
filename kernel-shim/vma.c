// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's mm and its VMAs: creation, the mmap() of each backing, look-up
 * and splitting.  VMAs are a sorted list; they change only under mmap_lock
 * held for write, so reading them under the lock needs no scheduling point.
 * A change is a write of mm->mmap_obj, which readers without mmap_lock
 * (unmap_mapping_range()'s i_mmap walk) read.
 */
#include "linux/dax.h"
#include "mm-internal.h"

struct mm_struct *ks_mm_create(void)
{
	struct mm_struct *mm = ks_alloc(sizeof(*mm));

	init_rwsem(&mm->mmap_lock, "mmap_lock");
	spin_lock_init(&mm->page_table_lock, "page_table_lock");
	ks_pgd_init(mm);
	mm->notifier_obj = ks_obj_named(KS_OBJ_VAR, "mmu_notifiers");
	mm->mmap_obj = ks_obj_named(KS_OBJ_VAR, "vmas");
	return mm;
}

struct mm_struct *ks_task_mm(void)
{
	struct task_struct *task = current;

	if (!task->mm)
		task->mm = ks_mm_by_id(0);
	return task->mm;
}

/* 4.19 mm/mmap.c: find_vma(): the first VMA that ends above @addr. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	for (vma = mm->mmap; vma; vma = vma->vm_next)
		if (addr < vma->vm_end)
			return vma;
	return NULL;
}

/* 4.19 include/linux/mm.h: find_vma_intersection(). */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (vma && end <= vma->vm_start)
		vma = NULL;
	return vma;
}

struct dev_dax *ks_vma_dev_dax(struct vm_area_struct *vma)
{
	return vma->backing == KS_BACKING_DEVDAX ? vma->vm_private_data : NULL;
}

/* 4.19 mm/hugetlb.c: vma_kernel_pagesize(); device-dax ->pagesize() is its align. */
unsigned long vma_kernel_pagesize(struct vm_area_struct *vma)
{
	struct dev_dax *dev_dax = ks_vma_dev_dax(vma);

	return dev_dax ? dev_dax->align : PAGE_SIZE;
}

/* 4.19 include/linux/fs.h: vma_is_dax(); a device-dax inode is S_DAX too. */
bool vma_is_dax(struct vm_area_struct *vma)
{
	return vma->backing == KS_BACKING_FSDAX || vma->backing == KS_BACKING_DEVDAX;
}

struct address_space *ks_vma_mapping(struct vm_area_struct *vma)
{
	if (vma->backing == KS_BACKING_FSDAX)
		return &vma->vm_file->f_mapping;
	if (vma->backing == KS_BACKING_DEVDAX)
		return &ks_vma_dev_dax(vma)->mapping;
	return NULL;
}

/* Link a new VMA into the sorted list; NULL if it overlaps one (no MAP_FIXED here). */
static struct vm_area_struct *ks_vma_insert(struct mm_struct *mm, unsigned long addr,
					    unsigned long len, unsigned long vm_flags,
					    enum ks_backing backing)
{
	struct vm_area_struct **link = &mm->mmap, *vma;

	if ((addr | len) & ~PAGE_MASK || !len || addr + len > KS_TASK_SIZE ||
	    find_vma_intersection(mm, addr, addr + len)) {
		ks_log_note("mmap", 0, "rejected [0x%lx, 0x%lx)", addr, addr + len);
		return NULL;
	}
	ks_sched_point(mm->mmap_obj, KS_WRITE);
	while (*link && (*link)->vm_start < addr)
		link = &(*link)->vm_next;
	vma = ks_alloc(sizeof(*vma));
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_mm = mm;
	vma->backing = backing;
	vma->vm_next = *link;
	*link = vma;
	ks_log_note("mmap", 0, "[0x%lx, 0x%lx) flags 0x%lx", addr, addr + len, vm_flags);
	return vma;
}

struct vm_area_struct *ks_mmap_anon(struct mm_struct *mm, unsigned long addr,
				    unsigned long len, unsigned long vm_flags)
{
	return ks_vma_insert(mm, addr, len, vm_flags, KS_BACKING_ANON);
}

/* calc_vm_prot_bits(): the VM_READ / VM_WRITE of an mmap()'s PROT_ bits. */
static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0);
}

struct vm_area_struct *ks_mmap_file(struct mm_struct *mm, unsigned long addr,
				    unsigned long len, struct file *file,
				    unsigned long pgoff, unsigned long prot)
{
	struct vm_area_struct *vma;

	vma = ks_vma_insert(mm, addr, len, calc_vm_prot_bits(prot) | VM_SHARED,
			    KS_BACKING_FSDAX);
	if (!vma)
		return NULL;
	vma->vm_file = file;
	vma->vm_pgoff = pgoff;
	file->f_mapping.mm = mm;
	return vma;
}

/*
 * 4.19 drivers/dax/device.c: dev_dax_mmap() -> check_vma(): the device must
 * be alive and the VMA aligned to the region's alignment.
 */
struct vm_area_struct *ks_mmap_dev_dax(struct mm_struct *mm, unsigned long addr,
				       unsigned long len, struct dev_dax *dev,
				       unsigned long prot)
{
	struct vm_area_struct *vma;

	if (!dev->alive || (addr | len) & (dev->align - 1)) {
		ks_log_note("dev_dax_mmap", dev->alive_obj,
			    "%s: unaligned or dead [0x%lx, 0x%lx)", dev->name,
			    addr, addr + len);
		return NULL;
	}
	vma = ks_vma_insert(mm, addr, len, calc_vm_prot_bits(prot) | VM_SHARED |
			    VM_MIXEDMAP | VM_HUGEPAGE, KS_BACKING_DEVDAX);
	if (!vma)
		return NULL;
	vma->vm_private_data = dev;
	dev->mapping.mm = mm;
	return vma;
}

/*
 * 4.19 mm/memory.c: remap_pfn_range(): VM_IO | VM_PFNMAP, every entry
 * present and special (no struct page is looked at).
 */
struct vm_area_struct *ks_mmap_pfnmap(struct mm_struct *mm, unsigned long addr,
				      unsigned long len, unsigned long pfn,
				      unsigned long prot)
{
	struct vm_area_struct *vma;
	unsigned long a;

	vma = ks_vma_insert(mm, addr, len, calc_vm_prot_bits(prot) | VM_SHARED |
			    VM_IO | VM_PFNMAP, KS_BACKING_PFNMAP);
	if (!vma)
		return NULL;
	vma->pfnmap_base = pfn;
	for (a = addr; a < addr + len; a += PAGE_SIZE) {
		struct ks_pt *pt = ks_pt_lookup(mm, a, PG_LEVEL_4K, true);

		ks_pte_write(mm, pt, a,
			     pfn_pte(pfn + ((a - addr) >> PAGE_SHIFT),
				     (prot & PROT_WRITE ? _PAGE_RW : 0) | _PAGE_SPECIAL),
			     "remap_pfn_range");
	}
	return vma;
}

/*
 * 4.19 mm/mmap.c: __split_vma() -> __vma_adjust(), under the file's
 * i_mmap_rwsem: @vma keeps [vm_start, addr).  device-dax refuses a split off
 * its alignment (->split, dev_dax_split()): NULL.
 */
struct vm_area_struct *ks_split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	struct address_space *mapping = ks_vma_mapping(vma);
	unsigned long pages = (addr - vma->vm_start) >> PAGE_SHIFT;
	struct vm_area_struct *new;

	if (addr & (vma_kernel_pagesize(vma) - 1))
		return NULL;
	new = ks_alloc(sizeof(*new));
	if (mapping)
		down_write(&mapping->i_mmap_rwsem);
	ks_sched_point(vma->vm_mm->mmap_obj, KS_WRITE);
	*new = *vma;
	new->vm_start = addr;
	new->vm_pgoff += pages;
	if (vma->backing == KS_BACKING_PFNMAP)
		new->pfnmap_base += pages;
	vma->vm_end = addr;
	vma->vm_next = new;
	if (mapping)
		up_write(&mapping->i_mmap_rwsem);
	return new;
}

/* 4.19 mm/mmap.c: unlink_file_vma(): the VMA leaves the file's i_mmap tree. */
void unlink_file_vma(struct vm_area_struct *vma)
{
	struct address_space *mapping = ks_vma_mapping(vma);

	if (!mapping)
		return;
	down_write(&mapping->i_mmap_rwsem);
	ks_log_note("unlink_file_vma", mapping->obj, "[0x%lx, 0x%lx)", vma->vm_start,
		    vma->vm_end);
	up_write(&mapping->i_mmap_rwsem);
}
