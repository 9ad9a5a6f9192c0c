// SPDX-License-Identifier: GPL-2.0
/*
 * struct dev_pagemap and ZONE_DEVICE pages, era by era
 * (docs/semantics.md c.1-c.3):
 *
 *   mm-4.19  v4.19 kernel/memremap.c, drivers/dax/pmem.c: percpu_ref_get()
 *            per page at init, so each idle page's refcount of 1 owns one
 *            pgmap reference; teardown kills, puts every page, removes the
 *            memmap and only then waits (dax_pmem_percpu_exit()).
 *   mm-5.2   50f44ee7248a "mm/devm_memremap_pages: fix final page put race":
 *            the wait comes before the memmap goes.
 *   mm-5.18  27674ef6c73f "mm: remove the extra ZONE_DEVICE struct page
 *            refcount": pgmap references taken and dropped in bulk,
 *            independent of page refcounts; c4386bd8ee3a compound device-dax
 *            pages (vmemmap_shift).
 *   mm-6.15  7851bf649d42: fsdax pages idle at refcount 0.
 */
#include <stddef.h>
#include <stdio.h>

#include "internal.h"
#include "linux/memremap.h"
#include "linux/wait_bit.h"

struct ks_pgmap_entry {
	struct dev_pagemap *pgmap;
	struct ks_ref *refs;
	bool tracked;		/* found by get_dev_pagemap() (radix tree / xarray) */
	struct ks_pgmap_entry *next;
};

static struct ks_pgmap_entry *ks_pgmaps, **ks_pgmaps_tail = &ks_pgmaps;
static int ks_npgmaps;

static enum ks_era_id ks_era(void)
{
	return ks_era_current()->id;
}

static struct ks_pgmap_entry *ks_pgmap_entry(const struct dev_pagemap *pgmap)
{
	struct ks_pgmap_entry *e;

	for (e = ks_pgmaps; e; e = e->next)
		if (e->pgmap == pgmap)
			return e;
	return NULL;
}

struct ks_ref **ks_pgmap_refs(struct dev_pagemap *pgmap)
{
	return &ks_pgmap_entry(pgmap)->refs;
}

void ks_pgmap_for_each(void (*fn)(struct dev_pagemap *pgmap, void *arg), void *arg)
{
	struct ks_pgmap_entry *e;

	for (e = ks_pgmaps; e; e = e->next)
		fn(e->pgmap, arg);
}

static ks_obj_t pgmap_obj(const struct dev_pagemap *pgmap)
{
	return KS_OBJ(KS_OBJ_PGMAP, pgmap->id);
}

static size_t ks_pgmap_obj_format(uint64_t index, char *buf, size_t len)
{
	struct ks_pgmap_entry *e;
	int n = -1;

	for (e = ks_pgmaps; e && n < 0; e = e->next)
		if ((uint64_t)e->pgmap->id == index && e->pgmap->name)
			n = snprintf(buf, len, "pgmap %s", e->pgmap->name);
	if (n < 0)
		n = snprintf(buf, len, "pgmap %llu", (unsigned long long)index);
	return n < 0 ? 0 : (size_t)n;
}

int ks_pgmap_idle_refcount(const struct dev_pagemap *pgmap)
{
	return ks_era() >= KS_ERA_6_15 && pgmap->type == MEMORY_DEVICE_FS_DAX ? 0 : 1;
}

/* ---- the pgmap reference ---- */

/* Drop @nr references for the current owner context. */
static void ks_pgmap_put(struct dev_pagemap *pgmap, unsigned long nr)
{
	struct ks_ref **refs = ks_pgmap_refs(pgmap);
	unsigned long i;

	percpu_ref_put_many(&pgmap->ref, nr);
	for (i = 0; i < nr; i++)
		ks_ledger_put(refs, pgmap_obj(pgmap), "put_dev_pagemap");
}

/* v4.19 kernel/memremap.c, v5.4 mm/memremap.c: dev_pagemap_percpu_release(). */
static void dev_pagemap_percpu_release(struct percpu_ref *ref)
{
	struct dev_pagemap *pgmap = (struct dev_pagemap *)((char *)ref -
			offsetof(struct dev_pagemap, ref));

	complete(&pgmap->done);
}

/*
 * v4.19 kernel/memremap.c get_dev_pagemap(): a cached pgmap covering @pfn is
 * already referenced; otherwise look it up and percpu_ref_tryget_live(),
 * which fails once the pgmap is dying.
 */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *pgmap)
{
	struct ks_pgmap_entry *e;

	if (pgmap) {
		if (pfn >= pgmap->start_pfn && pfn < pgmap->start_pfn + pgmap->nr_pages)
			return pgmap;
		put_dev_pagemap(pgmap);
	}
	for (e = ks_pgmaps; e; e = e->next)
		if (e->tracked && pfn >= e->pgmap->start_pfn &&
		    pfn < e->pgmap->start_pfn + e->pgmap->nr_pages)
			break;
	if (!e || !percpu_ref_tryget_live(&e->pgmap->ref)) {
		ks_log_pred("get_dev_pagemap", KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_BOOL, false);
		return NULL;
	}
	ks_ledger_get(&e->refs, 1);
	ks_log_pred("get_dev_pagemap", KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_BOOL, true);
	return e->pgmap;
}

void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	if (pgmap)
		ks_pgmap_put(pgmap, 1);
}

/* ---- page refcount -> pgmap coupling (table c.2) ---- */

/* fsdax_pagefree() / free_zone_device_folio(): the page is idle, wake truncate. */
static void ks_fsdax_page_idle(struct page *page)
{
	wake_up_var(KS_OBJ(KS_OBJ_PAGE, page->pfn));
}

void ks_zone_device_put(struct page *page, int count)
{
	struct dev_pagemap *pgmap = page->pgmap;

	switch (ks_era()) {
	case KS_ERA_4_19:
	case KS_ERA_5_2:
		/* v4.19 __put_devmap_managed_page(): FS_DAX idle at 1 */
		if (pgmap->type == MEMORY_DEVICE_FS_DAX && count == 1) {
			ks_fsdax_page_idle(page);
		} else if (!count) {
			/* v4.19 mm/swap.c __put_page(): the page's pgmap ref */
			KS_OWNER(KS_OWN_PGMAP_PAGE, page->pfn);

			put_dev_pagemap(pgmap);
		}
		break;
	case KS_ERA_5_18:
		/* v5.18 __put_devmap_managed_page_refs(): FS_DAX may drop to 0 */
		if (pgmap->type == MEMORY_DEVICE_FS_DAX) {
			if (count == 1)
				ks_fsdax_page_idle(page);
			break;
		}
		/* v6.1 free_zone_device_page(): device-dax has no ->page_free */
		WARN_ON_ONCE(!count && "free_zone_device_page without ops->page_free");
		break;
	default:
		if (count)
			break;
		/* v6.15 free_zone_device_folio() */
		if (pgmap->type == MEMORY_DEVICE_FS_DAX) {
			ks_fsdax_page_idle(page);
			break;
		}
		/* MEMORY_DEVICE_GENERIC: folio_set_count(folio, 1) */
		page->_refcount = 1;
		ks_ledger_add(&page->refs, KS_OWN_MEMMAP, 0, 1);
		ks_log("free_zone_device_folio", KS_OBJ(KS_OBJ_PAGE, page->pfn), KS_V_INT, 0, 1);
		break;
	}
}

/* ---- memremap_pages ---- */

/*
 * v4.20 memmap_init_zone_device() (966cf44f637e), v5.17 memmap_init_compound():
 * refcount of the era's idle count, PG_reserved, page->pgmap; tails of a
 * compound page at 0.
 */
static void ks_zone_device_page_init(struct dev_pagemap *pgmap, unsigned long pfn,
				     unsigned int order)
{
	struct page *head = ks_pfn_page(pfn);
	unsigned long i;

	for (i = 0; i < 1UL << order; i++) {
		struct page *page = ks_pfn_page(pfn + i);

		page->flags = 1UL << PG_reserved;
		page->pgmap = pgmap;
		page->head = i ? head : NULL;
		page->order = 0;
		page->thp = false;
		page->_refcount = 0;
		page->_mapcount = 0;
		page->refs = NULL;
		page->owner = pgmap->name;
	}
	if (order) {
		head->flags |= 1UL << PG_head;
		head->order = order;
	}
	head->_refcount = ks_pgmap_idle_refcount(pgmap);
	ks_ledger_add(&head->refs, KS_OWN_MEMMAP, 0, head->_refcount);
}

static void ks_pgmap_explain(const void *arg, struct ks_buf *out)
{
	const struct dev_pagemap *pgmap = arg;

	ks_buf_printf(out, "pgmap %s has %ld reference(s): ", pgmap->name,
		      pgmap->ref.count);
	ks_pgmap_refs_describe((struct dev_pagemap *)pgmap, out);
}

/*
 * v4.19 devm_memremap_pages(), v5.4/v6.1 memremap_pages(): the memmap, every
 * page initialised, one pgmap reference per page (v4.19: percpu_ref_get() in
 * the page loop; v4.20+: percpu_ref_get_many()).  The kernel returns the
 * range's kernel address; the shim has none and returns its first struct page.
 */
void *memremap_pages(struct dev_pagemap *pgmap, int nid)
{
	unsigned long pfn, end = pgmap->start_pfn + pgmap->nr_pages;
	unsigned int order = 0;
	struct ks_pgmap_entry *e;

	KS_FUNC();
	if (pgmap->type != MEMORY_DEVICE_FS_DAX && pgmap->type != MEMORY_DEVICE_GENERIC) {
		ks_violation("bug", 0, "memremap_pages: memory type %d is not modelled",
			     pgmap->type);
		return NULL;
	}
	e = ks_alloc(sizeof(*e));
	e->pgmap = pgmap;
	*ks_pgmaps_tail = e;
	ks_pgmaps_tail = &e->next;
	pgmap->id = ++ks_npgmaps;
	pgmap->memmap_removed = false;
	init_completion(&pgmap->done, pgmap->name ? pgmap->name : "pgmap");
	pgmap->done.explain = ks_pgmap_explain;
	pgmap->done.explain_arg = pgmap;
	percpu_ref_init(&pgmap->ref, dev_pagemap_percpu_release, pgmap_obj(pgmap));
	ks_ledger_add(&e->refs, KS_OWN_MEMMAP, KS_KEY_PERCPU_INIT, 1);

	ks_memmap_add(pgmap->start_pfn, pgmap->nr_pages, ZONE_DEVICE);
	if (ks_era() >= KS_ERA_5_18)
		order = pgmap->vmemmap_shift;
	for (pfn = pgmap->start_pfn; pfn < end; pfn += 1UL << order)
		ks_zone_device_page_init(pgmap, pfn, order);

	/* Records are newest first: take them from the end to read in pfn order. */
	switch (ks_era()) {
	case KS_ERA_4_19:
		for (pfn = end; pfn-- > pgmap->start_pfn;) {
			percpu_ref_get(&pgmap->ref);
			ks_ledger_add(&e->refs, KS_OWN_PGMAP_PAGE, pfn, 1);
		}
		break;
	case KS_ERA_5_2:
		percpu_ref_get_many(&pgmap->ref, pgmap->nr_pages);
		for (pfn = end; pfn-- > pgmap->start_pfn;)
			ks_ledger_add(&e->refs, KS_OWN_PGMAP_PAGE, pfn, 1);
		break;
	default:
		/* v6.1 pagemap_range(): pfn_len() counts compound pages */
		percpu_ref_get_many(&pgmap->ref, pgmap->nr_pages >> order);
		ks_ledger_add(&e->refs, KS_OWN_MEMMAP, 0, (int)(pgmap->nr_pages >> order));
		break;
	}
	e->tracked = true;
	return ks_pfn_page(pgmap->start_pfn);
}

/* ---- memunmap_pages ---- */

/* v5.4 dev_pagemap_kill(): percpu_ref_kill() drops the initial reference. */
static void dev_pagemap_kill(struct dev_pagemap *pgmap)
{
	percpu_ref_kill(&pgmap->ref);
	ks_ledger_remove(ks_pgmap_refs(pgmap), KS_OWN_MEMMAP, KS_KEY_PERCPU_INIT);
}

/* v4.19-v5.17: for_each_device_pfn() put_page(pfn_to_page(pfn)): the init refs. */
static void ks_put_device_pages(struct dev_pagemap *pgmap)
{
	unsigned long pfn;
	KS_OWNER(KS_OWN_MEMMAP, 0);

	for (pfn = pgmap->start_pfn; pfn < pgmap->start_pfn + pgmap->nr_pages; pfn++)
		put_page(pfn_to_page(pfn));
}

/* arch_remove_memory() and the lookup's release (pgmap_radix_release / xa_store_range). */
static void ks_pgmap_remove_memory(struct dev_pagemap *pgmap)
{
	ks_memmap_remove(pgmap->start_pfn, pgmap->nr_pages);
	pgmap->memmap_removed = true;
	ks_pgmap_entry(pgmap)->tracked = false;
}

void memunmap_pages(struct dev_pagemap *pgmap)
{
	KS_FUNC();
	switch (ks_era()) {
	case KS_ERA_4_19:
		/*
		 * v4.19 dax_pmem devm actions: dax_pmem_percpu_kill(),
		 * devm_memremap_pages_release() (put every page,
		 * arch_remove_memory()), then dax_pmem_percpu_exit() waits.
		 */
		dev_pagemap_kill(pgmap);
		ks_put_device_pages(pgmap);
		ks_pgmap_remove_memory(pgmap);
		wait_for_completion(&pgmap->done);
		break;
	case KS_ERA_5_2:
		/* 50f44ee7248a; v5.4 memunmap_pages(): dev_pagemap_cleanup() waits first */
		dev_pagemap_kill(pgmap);
		ks_put_device_pages(pgmap);
		wait_for_completion(&pgmap->done);
		ks_pgmap_remove_memory(pgmap);
		break;
	default: {
		/* v5.18/v6.1 memunmap_pages(): percpu_ref_put_many() of the bulk refs */
		KS_OWNER(KS_OWN_MEMMAP, 0);

		dev_pagemap_kill(pgmap);
		ks_pgmap_put(pgmap, pgmap->nr_pages >> pgmap->vmemmap_shift);
		wait_for_completion(&pgmap->done);
		ks_pgmap_remove_memory(pgmap);
		break;
	}
	}
}

/* ---- the pgmap's ledger for reports ---- */

#define KS_PAGES_SHOWN 4

void ks_pgmap_refs_describe(struct dev_pagemap *pgmap, struct ks_buf *out)
{
	const struct ks_ref *ref;
	size_t start = out->len;
	int nmemmap = 0, npages = 0;

	for (ref = *ks_pgmap_refs(pgmap); ref; ref = ref->next) {
		struct page *page;

		if (ref->kind == KS_OWN_MEMMAP && ref->key != KS_KEY_PERCPU_INIT) {
			nmemmap++;
			continue;
		}
		if (ref->kind == KS_OWN_PGMAP_PAGE && ++npages > KS_PAGES_SHOWN)
			continue;
		if (out->len != start)
			ks_buf_printf(out, "; ");
		ks_ref_describe(ref, out);
		if (ref->kind != KS_OWN_PGMAP_PAGE)
			continue;
		page = ks_pfn_page_last(ref->key);
		ks_buf_printf(out, " refcount %d%s (", page->_refcount,
			      ks_page_gone(page) ? ", memmap removed" : "");
		ks_page_refs_describe(page, out);
		ks_buf_printf(out, ")");
	}
	if (npages > KS_PAGES_SHOWN)
		ks_buf_printf(out, "; %d more page(s)", npages - KS_PAGES_SHOWN);
	if (nmemmap)
		ks_buf_printf(out, "%s%d memmap init ref(s)", out->len != start ? "; " : "",
			      nmemmap);
	if (out->len == start)
		ks_buf_printf(out, "no references");
}

static void ks_memremap_reset(void)
{
	ks_pgmaps = NULL;
	ks_pgmaps_tail = &ks_pgmaps;
	ks_npgmaps = 0;
}

/* A pgmap's value for a retry loop's await: its count, state and look-up. */
static uint64_t ks_pgmap_value(uint64_t id)
{
	struct ks_pgmap_entry *e;

	for (e = ks_pgmaps; e; e = e->next)
		if ((uint64_t)e->pgmap->id == id)
			return (uint64_t)e->pgmap->ref.count << 8 |
			       (uint64_t)e->pgmap->ref.state << 1 | e->tracked;
	return 0;
}

static void __attribute__((constructor)) ks_memremap_init(void)
{
	ks_on_run_begin(ks_memremap_reset);
	ks_obj_kind_register(KS_OBJ_PGMAP, ks_pgmap_obj_format);
	ks_obj_value_register(KS_OBJ_PGMAP, ks_pgmap_value);
}
