/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/linux/highmem.h and kernel/iomem.c, as x86-64 has them: kmap() of
 * any page is its direct-map address (page_address(): arithmetic on the pfn,
 * no field of the struct page read), and memremap(MEMREMAP_WB) of memory
 * without a struct page is the same address.  Neither takes a reference: what
 * keeps the memory there is whoever took one before.
 */
#ifndef KS_LINUX_HIGHMEM_H
#define KS_LINUX_HIGHMEM_H

#include "linux/mm.h"

/* arch/x86/include/asm/page_64_types.h, 4-level paging */
#define PAGE_OFFSET	0xffff888000000000UL
#define MEMREMAP_WB	1

static inline void *page_address(const struct page *page)
{
	return (void *)(PAGE_OFFSET + (page->pfn << PAGE_SHIFT));
}

static inline void *kmap(struct page *page)
{
	return page_address(page);
}

static inline void kunmap(struct page *page)
{
	(void)page;
}

static inline void *memremap(unsigned long long offset, size_t size, unsigned long flags)
{
	(void)size;
	(void)flags;
	return (void *)(PAGE_OFFSET + offset);
}

static inline void memunmap(void *addr)
{
	(void)addr;
}

#endif /* KS_LINUX_HIGHMEM_H */
