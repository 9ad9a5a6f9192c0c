/* SPDX-License-Identifier: GPL-2.0 */
/*
 * device-dax and fsdax: the devices and files behind DAX mappings, device
 * unbind (kill_dev_dax -> unmap -> memunmap_pages) and fsdax truncate
 * (dax_layout_busy_page unmaps, then the filesystem waits for idle pages).
 */
#ifndef KS_LINUX_DAX_H
#define KS_LINUX_DAX_H

#include <stdbool.h>

#include "linux/memremap.h"

struct address_space {
	ks_obj_t obj;
	struct mm_struct *mm;	/* the one mm that maps it in the model */
	/*
	 * 5.15 invalidate_lock (XFS_MMAPLOCK in 4.19/5.4): faults take it for
	 * read, truncate for write, so no fault re-maps a block being freed.
	 */
	struct rw_semaphore invalidate_lock;
	/* i_mmap_rwsem: keeps the mapping's VMAs while unmap_mapping_range() zaps them */
	struct rw_semaphore i_mmap_rwsem;
};

/* A device-dax instance (/dev/daxX.Y). */
struct dev_dax {
	const char *name;
	struct dev_pagemap pgmap;
	unsigned long align;		/* ->pagesize(): 2M or 1G */
	bool alive;			/* dax_alive() */
	ks_obj_t alive_obj;		/* the dax_device's DAXDEV_ALIVE bit */
	int srcu_readers;		/* faults inside dax_read_lock() */
	ks_obj_t srcu_obj;		/* dax_srcu: its readers, and synchronize_srcu() */
	bool unbound;			/* unbind finished */
	struct address_space mapping;	/* the device inode's mapping */
};

/* A file on an fsdax filesystem: file page @i is device pfn block[i]. */
struct file {
	const char *name;
	struct address_space f_mapping;
	struct dev_pagemap *pgmap;	/* the pmem device under the filesystem */
	unsigned long nr_pages;
	unsigned long *block;		/* file page -> pfn; 0 after truncate */
	/*
	 * The filesystem allocates 2M-aligned extents (mkfs.xfs -d su=2m,
	 * ext4 -E stride): an aligned 2M of the file is one extent, and a
	 * fault maps it with a PMD (dax_iomap_pmd_fault()).
	 */
	bool pmd_extents;
};

bool dax_alive(struct dev_dax *dev_dax);
/* The dax_srcu read section a device-dax fault runs in; kill_dax() waits for it. */
void dax_read_lock(struct dev_dax *dev_dax);
void dax_read_unlock(struct dev_dax *dev_dax);
/* 4.19 kill_dev_dax(): kill_dax (alive = false), then unmap every mapping. */
void kill_dev_dax(struct dev_dax *dev_dax);
/* The unbind operation: kill_dev_dax, then memunmap_pages of its pgmap. */
void ks_dev_dax_unbind(struct dev_dax *dev_dax);

/*
 * dax_layout_busy_page(): unmap the file's mappings, then return a page of the
 * range that is still busy (page_ref_count > idle count of the era), or NULL.
 */
struct page *dax_layout_busy_page(struct address_space *mapping);
/*
 * Truncate @file to @new_pages: break layouts (wait for idle pages), free
 * blocks.  Returns 0, or -EINTR if a wait could not be satisfied (direct
 * mode records the hang and gives up, as a signal would end the wait).
 */
int ks_fsdax_truncate(struct file *file, unsigned long new_pages);

#endif /* KS_LINUX_DAX_H */
