// SPDX-License-Identifier: GPL-2.0
/*
 * The memmap: struct pages in sections of PAGES_PER_SECTION pfns, added by
 * whoever builds the world (or memremap_pages()) and removed by
 * arch_remove_memory() (ks_memmap_remove()).  A removed section's struct
 * pages stay in the run arena, so a stale pointer is never undefined
 * behaviour here: every touch checks them, and a touch of a freed one is a
 * "memmap-uaf" violation.
 *
 * Removal frees the section (pfn_valid() is false from then on; a scheduling
 * point on the section) and then each struct page in turn (a write to each
 * page object), so that a touch through a stale pointer depends on the page's
 * own object, as the engine's reduction requires.
 */
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define KS_SECTION_HASH 64

struct ks_section {
	struct mem_section sec;
	unsigned long nr_freed;		/* struct pages [0, nr_freed) are gone */
	struct ks_section *hnext;	/* hash chain, newest first */
	struct ks_section *next;	/* every section of the run, oldest first */
};

static struct ks_section *ks_sect_hash[KS_SECTION_HASH];
static struct ks_section *ks_sect_all, **ks_sect_tail = &ks_sect_all;

static unsigned long pfn_to_section_nr(unsigned long pfn)
{
	return pfn / PAGES_PER_SECTION;
}

static ks_obj_t ks_section_obj(unsigned long nr)
{
	return KS_OBJ(KS_OBJ_SECTION, nr);
}

static struct ks_section *ks_section_of(const struct page *page)
{
	return (struct ks_section *)((char *)page->section -
				     offsetof(struct ks_section, sec));
}

/* The newest section @nr, present or not. */
static struct ks_section *ks_section_find(unsigned long nr)
{
	struct ks_section *s;

	for (s = ks_sect_hash[nr % KS_SECTION_HASH]; s; s = s->hnext)
		if (s->sec.nr == nr)
			return s;
	return NULL;
}

static struct ks_section *ks_section_new(unsigned long nr)
{
	struct ks_section *s = ks_alloc(sizeof(*s));
	unsigned long i;

	s->sec.nr = nr;
	s->sec.pages = ks_alloc(PAGES_PER_SECTION * sizeof(struct page));
	for (i = 0; i < PAGES_PER_SECTION; i++) {
		s->sec.pages[i].pfn = nr * PAGES_PER_SECTION + i;
		s->sec.pages[i].section = &s->sec;
	}
	s->hnext = ks_sect_hash[nr % KS_SECTION_HASH];
	ks_sect_hash[nr % KS_SECTION_HASH] = s;
	*ks_sect_tail = s;
	ks_sect_tail = &s->next;
	return s;
}

bool ks_page_gone(const struct page *page)
{
	const struct ks_section *s;

	if (!page->section)
		return false;
	s = ks_section_of(page);
	return page->pfn - s->sec.nr * PAGES_PER_SECTION < s->nr_freed;
}

/* One violation per thread and page in a row: pfn_to_page, then the touch. */
static void ks_memmap_uaf(unsigned long pfn, const char *func, const char *what)
{
	ks_obj_t obj = KS_OBJ(KS_OBJ_PAGE, pfn);
	const struct ks_violation *last = ks_violation_count() ?
		ks_violation_get(ks_violation_count() - 1) : NULL;

	if (last && last->obj == obj && last->tid == ks_tid() &&
	    !strcmp(last->oracle, "memmap-uaf")) {
		ks_log_note(func, obj, "%s", what);
		return;
	}
	ks_violation("memmap-uaf", obj, "%s by %s: page 0x%lx %s", func,
		     ks_thread_name(ks_tid()), pfn, what);
}

static void (*ks_touch_hook)(struct page *page, const char *func);

void ks_page_touch_hook(void (*fn)(struct page *page, const char *func))
{
	ks_touch_hook = fn;
}

static bool ks_page_still_there(struct page *page, const char *func)
{
	if (ks_touch_hook && ks_tid() >= 0)
		ks_touch_hook(page, func);
	if (!ks_page_gone(page))
		return true;
	ks_memmap_uaf(page->pfn, func, "is a struct page of a removed memmap");
	return false;
}

bool ks_page_touch(struct page *page, enum ks_page_field f, enum ks_access acc,
		   const char *func)
{
	ks_sched_point(ks_page_field_obj(page->pfn, f), acc);
	return ks_page_still_there(page, func);
}

bool ks_page_touch_fields(struct page *page, unsigned int mask, enum ks_access acc,
			  const char *func)
{
	ks_page_point(page->pfn, mask, acc);
	return ks_page_still_there(page, func);
}

bool pfn_valid(unsigned long pfn)
{
	struct ks_section *s;
	bool valid;

	ks_sched_point(ks_section_obj(pfn_to_section_nr(pfn)), KS_READ);
	s = ks_section_find(pfn_to_section_nr(pfn));
	valid = s && s->sec.present;
	ks_log_pred("pfn_valid", KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_BOOL, valid);
	return valid;
}

/*
 * A read of the section (classic SPARSEMEM's section_mem_map).  A pfn without
 * memmap gets a struct page from a section that is born removed: the caller
 * sees a free page and every touch is recorded, never a crash.
 */
struct page *pfn_to_page(unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct ks_section *s;

	ks_sched_point(ks_section_obj(nr), KS_READ);
	s = ks_section_find(nr);
	if (!s) {
		s = ks_section_new(nr);
		s->sec.removed = true;
		s->nr_freed = PAGES_PER_SECTION;
		ks_memmap_uaf(pfn, "pfn_to_page", "has no memmap");
	} else if (!s->sec.present) {
		ks_memmap_uaf(pfn, "pfn_to_page", "is in a removed memmap section");
	}
	return &s->sec.pages[pfn - nr * PAGES_PER_SECTION];
}

unsigned long page_to_pfn(const struct page *page)
{
	return page->pfn;
}

struct page *ks_pfn_page(unsigned long pfn)
{
	struct ks_section *s = ks_section_find(pfn_to_section_nr(pfn));

	if (!s || !s->sec.present)
		return NULL;
	return &s->sec.pages[pfn % PAGES_PER_SECTION];
}

struct page *ks_pfn_page_last(unsigned long pfn)
{
	struct ks_section *s = ks_section_find(pfn_to_section_nr(pfn));

	return s ? &s->sec.pages[pfn % PAGES_PER_SECTION] : NULL;
}

void ks_memmap_add(unsigned long start_pfn, unsigned long nr_pages, int zone)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < start_pfn + nr_pages; pfn++) {
		unsigned long nr = pfn_to_section_nr(pfn);
		struct ks_section *s = ks_section_find(nr);

		if (!s || !s->sec.present) {
			s = ks_section_new(nr);
			s->sec.present = true;
			ks_log_note("ks_memmap_add", ks_section_obj(nr),
				    "pfns 0x%lx-0x%lx", nr * PAGES_PER_SECTION,
				    (nr + 1) * PAGES_PER_SECTION - 1);
		}
		s->sec.pages[pfn % PAGES_PER_SECTION].zone = (enum zone_type)zone;
	}
}

void ks_memmap_remove(unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long nr, i;

	if (!nr_pages)
		return;
	for (nr = pfn_to_section_nr(start_pfn);
	     nr <= pfn_to_section_nr(start_pfn + nr_pages - 1); nr++) {
		struct ks_section *s = ks_section_find(nr);

		if (!s || !s->sec.present)
			continue;
		ks_sched_point(ks_section_obj(nr), KS_WRITE);
		s->sec.present = false;
		s->sec.removed = true;
		ks_log("arch_remove_memory", ks_section_obj(nr), KS_V_BOOL, true, false);
		for (i = 0; i < PAGES_PER_SECTION; i++) {
			ks_page_touch_fields(&s->sec.pages[i], KS_PF_ALL, KS_WRITE,
					     "arch_remove_memory");
			s->nr_freed = i + 1;
		}
	}
}

void ks_memmap_for_each(void (*fn)(struct page *page, void *arg), void *arg)
{
	struct ks_section *s;
	unsigned long i;

	for (s = ks_sect_all; s; s = s->next)
		for (i = 0; i < PAGES_PER_SECTION; i++)
			fn(&s->sec.pages[i], arg);
}

static void ks_memmap_reset(void)
{
	memset(ks_sect_hash, 0, sizeof(ks_sect_hash));
	ks_sect_all = NULL;
	ks_sect_tail = &ks_sect_all;
}

/* A section's value for a retry loop's await: present, and how much of it is freed. */
static uint64_t ks_section_value(uint64_t nr)
{
	struct ks_section *s = ks_section_find((unsigned long)nr);

	return s ? (uint64_t)s->sec.present | (uint64_t)s->nr_freed << 1 : 0;
}

static void __attribute__((constructor)) ks_memmap_init(void)
{
	ks_on_run_begin(ks_memmap_reset);
	ks_obj_value_register(KS_OBJ_SECTION, ks_section_value);
}
