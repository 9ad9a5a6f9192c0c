/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct dev_pagemap and ZONE_DEVICE memory: memremap_pages() creates the
 * memmap and initialises every page (refcount 1, PG_reserved, pgmap),
 * memunmap_pages() tears it down in the order of the selected mm era
 * (include/kvmsim/world.h, docs/semantics.md c.2/c.3).
 */
#ifndef KS_LINUX_MEMREMAP_H
#define KS_LINUX_MEMREMAP_H

#include "linux/completion.h"
#include "linux/mm_types.h"
#include "linux/percpu-refcount.h"

enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,		/* device-dax (MEMORY_DEVICE_DEVDAX in 5.3-5.x) */
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap {
	struct percpu_ref ref;
	struct completion done;
	enum memory_type type;
	unsigned long start_pfn;
	unsigned long nr_pages;
	unsigned int vmemmap_shift;	/* 5.17+: compound device-dax pages */
	int id;
	const char *name;
	bool memmap_removed;
};

/* Find the live pgmap of @pfn and take a reference; NULL once it is dying. */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *pgmap);
void put_dev_pagemap(struct dev_pagemap *pgmap);
/* Create the memmap of the range and initialise its pages per the era. */
void *memremap_pages(struct dev_pagemap *pgmap, int nid);
/* Kill, drop the init references, wait, remove the memmap: in the era's order. */
void memunmap_pages(struct dev_pagemap *pgmap);

/*
 * Only MEMORY_DEVICE_FS_DAX and MEMORY_DEVICE_GENERIC are modelled;
 * memremap_pages() of another type records a "bug" and returns NULL.
 * vmemmap_shift (compound device-dax pages) applies from mm-5.18 on.
 *
 * The refcount of an idle page of @pgmap in the current era: 1, or 0 for
 * fsdax from mm-6.15 on (dax_layout_busy_page's "busy" is above it).  The
 * put that makes an fsdax page idle wakes KS_OBJ(KS_OBJ_PAGE, pfn), the
 * variable of &page->_refcount, with wake_up_var().
 */
int ks_pgmap_idle_refcount(const struct dev_pagemap *pgmap);

#endif /* KS_LINUX_MEMREMAP_H */
