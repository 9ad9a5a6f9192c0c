// SPDX-License-Identifier: GPL-2.0
/*
 * device-dax and fsdax: the devices, device unbind and fsdax truncate
 * (v4.19/v5.4 drivers/dax/{device,bus,super}.c, fs/dax.c, fs/xfs/xfs_file.c).
 */
#include <errno.h>
#include <stddef.h>

#include "linux/dax.h"
#include "linux/wait_bit.h"
#include "mm-internal.h"

static void ks_mapping_init(struct address_space *mapping, const char *name)
{
	mapping->obj = ks_obj_named(KS_OBJ_VAR, name);
	init_rwsem(&mapping->invalidate_lock, "invalidate_lock");
	init_rwsem(&mapping->i_mmap_rwsem, "i_mmap_rwsem");
}

struct dev_pagemap *ks_pmem_create(const char *name, unsigned long start_pfn,
				   unsigned long nr_pages)
{
	struct dev_pagemap *pgmap = ks_alloc(sizeof(*pgmap));

	pgmap->type = MEMORY_DEVICE_FS_DAX;
	pgmap->start_pfn = start_pfn;
	pgmap->nr_pages = nr_pages;
	pgmap->name = ks_strdup(name);
	memremap_pages(pgmap, 0);
	return pgmap;
}

/*
 * 5.4 drivers/dax/device.c: dev_dax_probe(): the region's pages, compound at
 * the alignment from mm-5.18 on (memremap_pages() applies vmemmap_shift).
 */
struct dev_dax *ks_dev_dax_create(const char *name, unsigned long start_pfn,
				  unsigned long nr_pages, unsigned long align)
{
	struct dev_dax *dev_dax = ks_alloc(sizeof(*dev_dax));
	struct ks_buf b = { 0 };

	dev_dax->name = ks_strdup(name);
	dev_dax->align = align;
	dev_dax->alive = true;
	dev_dax->pgmap.type = MEMORY_DEVICE_GENERIC;
	dev_dax->pgmap.start_pfn = start_pfn;
	dev_dax->pgmap.nr_pages = nr_pages;
	dev_dax->pgmap.name = dev_dax->name;
	while ((PAGE_SIZE << dev_dax->pgmap.vmemmap_shift) < align)
		dev_dax->pgmap.vmemmap_shift++;
	ks_buf_printf(&b, "%s alive", name);
	dev_dax->alive_obj = ks_obj_named_value(KS_OBJ_VAR, b.s, &dev_dax->alive,
						sizeof(dev_dax->alive));
	b.len = 0;
	ks_buf_printf(&b, "%s srcu", name);
	dev_dax->srcu_obj = ks_obj_named_value(KS_OBJ_VAR, b.s, &dev_dax->srcu_readers,
					       sizeof(dev_dax->srcu_readers));
	ks_buf_free(&b);
	ks_mapping_init(&dev_dax->mapping, name);
	memremap_pages(&dev_dax->pgmap, 0);
	return dev_dax;
}

/* A file whose page i is the pmem block at first_pfn + i. */
struct file *ks_fsdax_file_create(const char *name, struct dev_pagemap *pmem,
				  unsigned long first_pfn, unsigned long nr_pages)
{
	struct file *file = ks_alloc(sizeof(*file));
	unsigned long i;

	file->name = ks_strdup(name);
	file->pgmap = pmem;
	file->nr_pages = nr_pages;
	file->block = ks_alloc(nr_pages * sizeof(*file->block));
	for (i = 0; i < nr_pages; i++)
		file->block[i] = first_pfn + i;
	ks_mapping_init(&file->f_mapping, name);
	return file;
}

/* ---- device-dax unbind ------------------------------------------------------------ */

/* 4.19 drivers/dax/super.c: dax_alive(). */
bool dax_alive(struct dev_dax *dev_dax)
{
	ks_sched_point(dev_dax->alive_obj, KS_READ);
	ks_log_pred("dax_alive", dev_dax->alive_obj, KS_V_BOOL, dev_dax->alive);
	return dev_dax->alive;
}

/* 4.19 dax_read_lock()/dax_read_unlock(): an SRCU read section of the device. */
void dax_read_lock(struct dev_dax *dev_dax)
{
	ks_sched_point(dev_dax->srcu_obj, KS_INC);
	dev_dax->srcu_readers++;
}

void dax_read_unlock(struct dev_dax *dev_dax)
{
	/* Like the lock, commutes with other readers; kill_dax() waits on it. */
	ks_sched_point(dev_dax->srcu_obj, KS_INC);
	dev_dax->srcu_readers--;
}

static bool ks_dax_no_readers(const void *arg)
{
	const struct dev_dax *dev_dax = arg;

	return !dev_dax->srcu_readers;
}

static void ks_dax_readers_explain(const void *arg, struct ks_buf *out)
{
	const struct dev_dax *dev_dax = arg;

	ks_buf_printf(out, "synchronize_srcu() waits for %d fault(s) inside dax_read_lock() on %s",
		      dev_dax->srcu_readers, dev_dax->name);
}

/*
 * 4.19 drivers/dax/super.c: kill_dax(): clear DAXDEV_ALIVE, then
 * synchronize_srcu() so that every fault that saw it alive has finished.
 */
static void kill_dax(struct dev_dax *dev_dax)
{
	const struct ks_wait w = {
		.ready = ks_dax_no_readers,
		.explain = ks_dax_readers_explain,
		.arg = dev_dax,
	};

	ks_sched_point(dev_dax->alive_obj, KS_WRITE);
	dev_dax->alive = false;
	ks_log("kill_dax", dev_dax->alive_obj, KS_V_BOOL, true, false);
	ks_sched_wait(dev_dax->srcu_obj, KS_WAIT, &w);
}

/* 4.19 drivers/dax/device.c: kill_dev_dax(). */
void kill_dev_dax(struct dev_dax *dev_dax)
{
	KS_FUNC();
	kill_dax(dev_dax);
	unmap_mapping_range(&dev_dax->mapping, 0, 0, 1);
}

/*
 * 5.4 drivers/dax/bus.c: unregister_dev_dax() runs kill_dev_dax() first; the
 * devm release of the probe's devm_memremap_pages() then runs memunmap_pages().
 */
void ks_dev_dax_unbind(struct dev_dax *dev_dax)
{
	KS_FUNC();
	kill_dev_dax(dev_dax);
	memunmap_pages(&dev_dax->pgmap);
	dev_dax->unbound = true;
	ks_mm_changed();
	ks_log_note("ks_dev_dax_unbind", dev_dax->alive_obj, "%s unbound", dev_dax->name);
}

/* ---- fsdax truncate --------------------------------------------------------------- */

static struct file *ks_mapping_file(struct address_space *mapping)
{
	return (struct file *)((char *)mapping - offsetof(struct file, f_mapping));
}

/* mapping_mapped(): whether a VMA maps the file now. */
static bool mapping_mapped(struct address_space *mapping)
{
	struct vm_area_struct *vma;

	if (!mapping->mm)
		return false;
	ks_sched_point(mapping->mm->mmap_obj, KS_READ);
	for (vma = mapping->mm->mmap; vma; vma = vma->vm_next)
		if (ks_vma_mapping(vma) == mapping)
			return true;
	return false;
}

/*
 * 5.4 fs/dax.c: dax_layout_busy_page(): unmap every mapping of the file (so
 * no new reference comes through gup-fast), then the first page whose
 * refcount is above its idle count (page_ref_count() > 1; 0 from mm-6.15).
 */
struct page *dax_layout_busy_page(struct address_space *mapping)
{
	struct file *file = ks_mapping_file(mapping);
	int idle = ks_pgmap_idle_refcount(file->pgmap);
	unsigned long i;

	KS_FUNC();
	if (!mapping_mapped(mapping))
		return NULL;
	unmap_mapping_range(mapping, 0, 0, 1);
	for (i = 0; i < file->nr_pages; i++) {
		struct page *page = pfn_to_page(file->block[i]);

		if (page_ref_count(page) > idle)
			return page;
	}
	return NULL;
}

struct ks_dax_wait {
	struct page *page;
	int idle;
};

static bool ks_dax_page_idle(const void *arg)
{
	const struct ks_dax_wait *dw = arg;

	return dw->page->_refcount == dw->idle;
}

static void ks_dax_page_explain(const void *arg, struct ks_buf *out)
{
	const struct ks_dax_wait *dw = arg;

	ks_buf_printf(out, "truncate waits for page 0x%lx to be idle (refcount %d, idle at %d): ",
		      dw->page->pfn, dw->page->_refcount, dw->idle);
	ks_page_refs_describe(dw->page, out);
}

/*
 * 5.4 fs/xfs/xfs_file.c: xfs_break_layouts() -> xfs_break_dax_layouts() for
 * every busy page: ___wait_var_event(&page->_refcount, refcount == idle)
 * with the MMAPLOCK dropped while asleep (xfs_wait_dax_page()), then
 * xfs_setattr_size(): the blocks past the new size go back to the filesystem.
 */
int ks_fsdax_truncate(struct file *file, unsigned long new_pages)
{
	struct address_space *mapping = &file->f_mapping;
	struct ks_dax_wait dw = { .idle = ks_pgmap_idle_refcount(file->pgmap) };
	const struct ks_wait w = {
		.ready = ks_dax_page_idle,
		.explain = ks_dax_page_explain,
		.arg = &dw,
	};
	unsigned long i;

	KS_FUNC();
	down_write(&mapping->invalidate_lock);
	while ((dw.page = dax_layout_busy_page(mapping))) {
		up_write(&mapping->invalidate_lock);
		wait_var_event(KS_OBJ(KS_OBJ_PAGE, dw.page->pfn), &w);
		if (!ks_dax_page_idle(&dw))
			return -EINTR;
		down_write(&mapping->invalidate_lock);
	}
	ks_sched_point(mapping->obj, KS_WRITE);
	for (i = new_pages; i < file->nr_pages; i++)
		file->block[i] = 0;
	if (new_pages < file->nr_pages) {
		ks_log("truncate_setsize", mapping->obj, KS_V_INT, (int64_t)file->nr_pages,
		       (int64_t)new_pages);
		file->nr_pages = new_pages;
	}
	up_write(&mapping->invalidate_lock);
	return 0;
}
