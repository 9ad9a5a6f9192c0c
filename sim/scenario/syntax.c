// SPDX-License-Identifier: GPL-2.0
/*
 * The keywords of a scenario file and their arguments: the world items and
 * the operations.  A new operation is one entry in ks_scn_ops[] (and its
 * enum value in include/kvmsim/scenario.h); docs/scenario-format.md lists them
 * for readers.
 *
 * The check functions hold what one argument cannot say alone: ranges that
 * must not overlap, alignment to a device's, defaults that depend on others.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/scn.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SZ_2M (2ULL << 20)
#define SZ_1G (1ULL << 30)

/* ---- ranges -------------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static void check_hva_range(struct scn_parser *p, const struct scn_args *a,
			    uint64_t hva, uint64_t size)
{
	if (size > KS_SCN_HVA_LIMIT || hva > KS_SCN_HVA_LIMIT - size)
		scn_fail(p, scn_argcol(a, "size"),
			 "range 0x%llx + 0x%llx is beyond the user address space (0x%llx)",
			 (unsigned long long)hva, (unsigned long long)size,
			 (unsigned long long)KS_SCN_HVA_LIMIT);
}

static void check_pfn_range(struct scn_parser *p, const struct scn_args *a,
			    const char *key, uint64_t pfn, uint64_t npages)
{
	if (npages > KS_SCN_PFN_LIMIT || pfn > KS_SCN_PFN_LIMIT - npages)
		scn_fail(p, scn_argcol(a, key),
			 "%s range 0x%llx + 0x%llx pages is beyond 52-bit physical addresses",
			 key, (unsigned long long)pfn, (unsigned long long)npages);
}

/* RAM, device-dax and pmem own the pfns they declare; no two may share one. */
static void check_pfns_free(struct scn_parser *p, const struct scn_args *a,
			    const void *self, uint64_t pfn, uint64_t npages)
{
	const struct ks_scenario *s = p->scn;
	unsigned int line = 0;
	size_t i;

	check_pfn_range(p, a, "pfn", pfn, npages);
	for (i = 0; i < s->nram && !line; i++)
		if (&s->ram[i] != self && overlaps(pfn, npages, s->ram[i].pfn, s->ram[i].npages))
			line = s->ram[i].line;
	for (i = 0; i < s->ndevdax && !line; i++)
		if (&s->devdax[i] != self &&
		    overlaps(pfn, npages, s->devdax[i].pfn, s->devdax[i].npages))
			line = s->devdax[i].line;
	for (i = 0; i < s->npmem && !line; i++)
		if (&s->pmem[i] != self && overlaps(pfn, npages, s->pmem[i].pfn, s->pmem[i].npages))
			line = s->pmem[i].line;
	if (line)
		scn_fail(p, scn_argcol(a, "pfn"),
			 "pfns 0x%llx-0x%llx overlap those declared at line %u",
			 (unsigned long long)pfn, (unsigned long long)(pfn + npages - 1), line);
}

static void check_vma_free(struct scn_parser *p, const struct scn_args *a,
			   const struct ks_scn_vma *vma)
{
	const struct ks_scenario *s = p->scn;
	size_t i;

	check_hva_range(p, a, vma->hva, vma->size);
	for (i = 0; i < s->nvmas; i++) {
		const struct ks_scn_vma *o = &s->vmas[i];

		if (o != vma && overlaps(vma->hva, vma->size, o->hva, o->size))
			scn_fail(p, scn_argcol(a, "hva"),
				 "mapping 0x%llx-0x%llx overlaps the mapping at line %u",
				 (unsigned long long)vma->hva,
				 (unsigned long long)(vma->hva + vma->size), o->line);
	}
}

/* ---- world items ----------------------------------------------------------- */

#define ADD_FN(fn, arr, n, cap)						\
static void *fn(struct scn_parser *p)					\
{									\
	struct ks_scenario *s = p->scn;					\
	if (cap) {	/* sized before parsing: items point into it */	\
		if (s->n == (cap))					\
			scn_fail(p, 1, "too many '%s' items", #arr);	\
		s->arr[s->n].line = p->line;				\
		return &s->arr[s->n++];					\
	}								\
	s->arr = scn_grow(s->arr, &s->n, sizeof(*s->arr));		\
	s->arr[s->n - 1].line = p->line;				\
	return &s->arr[s->n - 1];					\
}

ADD_FN(add_ram, ram, nram, 0)
ADD_FN(add_devdax, devdax, ndevdax, p->capdevdax)
ADD_FN(add_pmem, pmem, npmem, p->cappmem)
ADD_FN(add_file, files, nfiles, p->capfiles)
ADD_FN(add_vma, vmas, nvmas, 0)
ADD_FN(add_populate, populate, npopulate, 0)
ADD_FN(add_page, pages, npages, 0)
ADD_FN(add_memslot, memslots, nmemslots, 0)

static void *add_search(struct scn_parser *p)
{
	struct ks_scenario *s = p->scn;

	if (s->search.line)
		scn_fail(p, 1, "a second 'search' line (the first is at line %u)",
			 s->search.line);
	s->search.line = p->line;
	return &s->search;
}

static void check_ram(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_ram *ram = item;

	check_pfns_free(p, a, ram, ram->pfn, ram->npages);
}

static void check_devdax(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_devdax *dev = item;
	uint64_t align_pages;

	if (!scn_argset(a, "align"))
		dev->align = SZ_2M;
	align_pages = dev->align / KS_SCN_PAGE_SIZE;
	if (dev->pfn % align_pages)
		scn_fail(p, scn_argcol(a, "pfn"),
			 "pfn 0x%llx is not aligned to the device's alignment (%llu pages)",
			 (unsigned long long)dev->pfn, (unsigned long long)align_pages);
	if (dev->npages % align_pages)
		scn_fail(p, scn_argcol(a, "pages"),
			 "size is not a multiple of the device's alignment (%llu pages)",
			 (unsigned long long)align_pages);
	check_pfns_free(p, a, dev, dev->pfn, dev->npages);
}

static void check_pmem(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_pmem *pmem = item;

	check_pfns_free(p, a, pmem, pmem->pfn, pmem->npages);
}

static void check_file(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_file *file = item;
	const struct ks_scn_pmem *pmem = file->pmem;
	const struct ks_scenario *s = p->scn;
	size_t i;

	if (!scn_argset(a, "extent"))
		file->extent = KS_SCN_PAGE_SIZE;
	if (!scn_argset(a, "pfn")) {
		/* Blocks follow those of the files already on this pmem. */
		file->pfn = pmem->pfn;
		for (i = 0; i < s->nfiles; i++)
			if (&s->files[i] != file && s->files[i].pmem == pmem &&
			    s->files[i].pfn + s->files[i].npages > file->pfn)
				file->pfn = s->files[i].pfn + s->files[i].npages;
	}
	if (file->pfn < pmem->pfn || file->npages > pmem->npages ||
	    file->pfn - pmem->pfn > pmem->npages - file->npages)
		scn_fail(p, scn_argcol(a, scn_argset(a, "pfn") ? "pfn" : "pages"),
			 "file blocks 0x%llx + %llu pages do not fit in pmem '%s' (0x%llx + %llu pages)",
			 (unsigned long long)file->pfn, (unsigned long long)file->npages,
			 pmem->name, (unsigned long long)pmem->pfn,
			 (unsigned long long)pmem->npages);
	for (i = 0; i < s->nfiles; i++)
		if (&s->files[i] != file && s->files[i].pmem == pmem &&
		    overlaps(file->pfn, file->npages, s->files[i].pfn, s->files[i].npages))
			scn_fail(p, scn_argcol(a, "pfn"),
				 "file blocks overlap those of file '%s' (line %u)",
				 s->files[i].name, s->files[i].line);
}

/* A mapping without prot= is read-write, as QEMU maps guest memory. */
static void check_prot(const struct scn_args *a, struct ks_scn_vma *vma)
{
	if (!scn_argset(a, "prot"))
		vma->prot = KS_PROT_READ | KS_PROT_WRITE;
}

static void check_anon(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_vma *vma = item;

	vma->kind = KS_VMA_ANON;
	check_prot(a, vma);
	check_vma_free(p, a, vma);
}

static void check_pfnmap(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_vma *vma = item;

	vma->kind = KS_VMA_PFNMAP;
	check_prot(a, vma);
	check_pfn_range(p, a, "pfn", vma->pfn, vma->size / KS_SCN_PAGE_SIZE);
	check_vma_free(p, a, vma);
}

/* mmap's positional argument names a device-dax device or a file: .devdax holds it. */
static void check_mmap(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_vma *vma = item;
	const void *target = vma->devdax;
	uint64_t npages, align = KS_SCN_PAGE_SIZE;
	const char *name;

	vma->devdax = NULL;
	check_prot(a, vma);
	if (a->refkind[0] == NAME_DEVDAX) {
		vma->kind = KS_VMA_DEVDAX;
		vma->devdax = target;
		npages = vma->devdax->npages;
		align = vma->devdax->align;
		name = vma->devdax->name;
	} else {
		vma->kind = KS_VMA_FILE;
		vma->file = target;
		npages = vma->file->npages;
		name = vma->file->name;
	}
	if (vma->pgoff > npages)
		scn_fail(p, scn_argcol(a, "offset"), "offset is beyond the end of '%s'", name);
	if (!scn_argset(a, "size")) {
		vma->size = (npages - vma->pgoff) * KS_SCN_PAGE_SIZE;
		if (!vma->size)
			scn_fail(p, scn_argcol(a, "offset"), "nothing of '%s' is left to map", name);
	}
	if (vma->size / KS_SCN_PAGE_SIZE > npages - vma->pgoff)
		scn_fail(p, scn_argcol(a, "size"),
			 "the mapping is larger than '%s' (%llu pages) from its offset",
			 name, (unsigned long long)npages);
	if (vma->hva % align || vma->size % align || (vma->pgoff * KS_SCN_PAGE_SIZE) % align)
		scn_fail(p, scn_argcol(a, vma->hva % align ? "hva" :
				       vma->size % align ? "size" : "offset"),
			 "a mapping of device-dax '%s' must be aligned to its %s alignment",
			 name, align == SZ_1G ? "1G" : "2M");
	check_vma_free(p, a, vma);
}

static void check_populate(struct scn_parser *p, void *item, const struct scn_args *a)
{
	const struct ks_scn_populate *pop = item;
	const struct ks_scenario *s = p->scn;
	uint64_t hva = pop->hva, end;
	size_t i;

	check_hva_range(p, a, pop->hva, pop->size);
	end = pop->hva + pop->size;
	while (hva < end) {
		for (i = 0; i < s->nvmas; i++)
			if (hva >= s->vmas[i].hva && hva < s->vmas[i].hva + s->vmas[i].size)
				break;
		if (i == s->nvmas)
			scn_fail(p, scn_argcol(a, "hva"),
				 "0x%llx is not mapped (populate follows the mappings it touches)",
				 (unsigned long long)hva);
		hva = s->vmas[i].hva + s->vmas[i].size;
	}
}

static void check_page(struct scn_parser *p, void *item, const struct scn_args *a)
{
	static const char *const owners[KS_OWN_NR] = {
		[KS_OWN_ALLOC] = "alloc", [KS_OWN_MEMMAP] = "memmap",
		[KS_OWN_PAGECACHE] = "pagecache",
	};
	struct ks_scn_page *page = item;
	const struct ks_scenario *s = p->scn;
	uint64_t n = 1ULL << page->order;
	size_t i;

	if (!scn_argset(a, "refcount"))
		page->refcount = 1;
	if (!scn_argset(a, "owner"))
		page->own = KS_OWN_ALLOC;
	page->owner = owners[page->own];
	if (page->thp)
		page->compound = true;
	if (page->compound && !page->order)
		scn_fail(p, scn_argcol(a, page->thp ? "thp" : "compound"),
			 "a compound page needs order=1 or more");
	if (page->pfn & (n - 1))
		scn_fail(p, scn_argcol(a, "pfn"), "pfn 0x%llx is not aligned to order %u",
			 (unsigned long long)page->pfn, page->order);
	check_pfn_range(p, a, "pfn", page->pfn, n);
	for (i = 0; i < s->npages; i++)
		if (&s->pages[i] != page &&
		    overlaps(page->pfn, n, s->pages[i].pfn, 1ULL << s->pages[i].order))
			scn_fail(p, scn_argcol(a, "pfn"),
				 "page 0x%llx overlaps the page declared at line %u",
				 (unsigned long long)page->pfn, s->pages[i].line);
}

static void check_memslot(struct scn_parser *p, void *item, const struct scn_args *a)
{
	struct ks_scn_memslot *slot = item;
	const struct ks_scenario *s = p->scn;
	size_t i;

	if (scn_argset(a, "dirty-log"))
		slot->flags |= KS_SLOT_DIRTY_LOG;
	if (scn_argset(a, "readonly"))
		slot->flags |= KS_SLOT_READONLY;
	check_pfn_range(p, a, "gfn", slot->base_gfn, slot->npages);
	check_hva_range(p, a, slot->hva, slot->npages * KS_SCN_PAGE_SIZE);
	for (i = 0; i < s->nmemslots; i++) {
		const struct ks_scn_memslot *o = &s->memslots[i];

		if (o == slot)
			continue;
		if (o->id == slot->id)
			scn_fail(p, a->col[0], "duplicate memslot %u (first at line %u)",
				 slot->id, o->line);
		if (overlaps(slot->base_gfn, slot->npages, o->base_gfn, o->npages))
			scn_fail(p, scn_argcol(a, "gfn"),
				 "gfns 0x%llx-0x%llx overlap memslot %u (line %u)",
				 (unsigned long long)slot->base_gfn,
				 (unsigned long long)(slot->base_gfn + slot->npages - 1),
				 o->id, o->line);
	}
}

#define ARG(n, t, req, st, fld) \
	{ .name = (n), .type = (t), .required = (req), .off = offsetof(st, fld) }
#define POS(n, t, st, fld, r) \
	{ .name = (n), .type = (t), .required = true, .pos = true, \
	  .off = offsetof(st, fld), .refs = (r) }

static const struct scn_arg ram_args[] = {
	ARG("pfn", ARG_PFN, true, struct ks_scn_ram, pfn),
	ARG("pages", ARG_PAGES, true, struct ks_scn_ram, npages),
};

static const struct scn_arg devdax_args[] = {
	POS("name", ARG_NAME, struct ks_scn_devdax, name, NAME_DEVDAX),
	ARG("pfn", ARG_PFN, true, struct ks_scn_devdax, pfn),
	ARG("pages", ARG_PAGES, true, struct ks_scn_devdax, npages),
	ARG("align", ARG_ALIGN, false, struct ks_scn_devdax, align),
};

static const struct scn_arg pmem_args[] = {
	POS("name", ARG_NAME, struct ks_scn_pmem, name, NAME_PMEM),
	ARG("pfn", ARG_PFN, true, struct ks_scn_pmem, pfn),
	ARG("pages", ARG_PAGES, true, struct ks_scn_pmem, npages),
};

static const struct scn_arg file_args[] = {
	POS("name", ARG_NAME, struct ks_scn_file, name, NAME_FILE),
	{ .name = "pmem", .type = ARG_REF, .required = true,
	  .off = offsetof(struct ks_scn_file, pmem), .refs = NAME_PMEM },
	ARG("pages", ARG_PAGES, true, struct ks_scn_file, npages),
	ARG("pfn", ARG_PFN, false, struct ks_scn_file, pfn),
	ARG("extent", ARG_ALIGN, false, struct ks_scn_file, extent),
};

static const struct scn_arg anon_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_scn_vma, hva),
	ARG("size", ARG_BYTES, true, struct ks_scn_vma, size),
	ARG("nothp|thp", ARG_CHOICE, false, struct ks_scn_vma, thp),
	ARG("prot", ARG_PROT, false, struct ks_scn_vma, prot),
};

static const struct scn_arg mmap_args[] = {
	POS("device or file", ARG_REF, struct ks_scn_vma, devdax, NAME_DEVDAX | NAME_FILE),
	ARG("hva", ARG_ADDR, true, struct ks_scn_vma, hva),
	ARG("size", ARG_BYTES, false, struct ks_scn_vma, size),
	ARG("offset", ARG_OFFSET, false, struct ks_scn_vma, pgoff),
	ARG("prot", ARG_PROT, false, struct ks_scn_vma, prot),
};

static const struct scn_arg pfnmap_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_scn_vma, hva),
	ARG("size", ARG_BYTES, true, struct ks_scn_vma, size),
	ARG("pfn", ARG_PFN, true, struct ks_scn_vma, pfn),
	ARG("prot", ARG_PROT, false, struct ks_scn_vma, prot),
};

static const struct scn_arg populate_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_scn_populate, hva),
	ARG("size", ARG_BYTES, true, struct ks_scn_populate, size),
	ARG("read|write", ARG_CHOICE, true, struct ks_scn_populate, write),
};

static const struct scn_arg page_args[] = {
	ARG("pfn", ARG_PFN, true, struct ks_scn_page, pfn),
	{ .name = "order", .type = ARG_UINT, .off = offsetof(struct ks_scn_page, order),
	  .max = 18 },
	ARG("compound", ARG_FLAG, false, struct ks_scn_page, compound),
	ARG("thp", ARG_FLAG, false, struct ks_scn_page, thp),
	{ .name = "refcount", .type = ARG_INT, .off = offsetof(struct ks_scn_page, refcount),
	  .max = 1 << 20 },
	ARG("reserved", ARG_FLAG, false, struct ks_scn_page, reserved),
	ARG("owner", ARG_OWNER, false, struct ks_scn_page, own),
};

static const struct scn_arg memslot_args[] = {
	{ .name = "id", .type = ARG_UINT, .required = true, .pos = true,
	  .off = offsetof(struct ks_scn_memslot, id), .max = 32767 },
	ARG("gfn", ARG_PFN, true, struct ks_scn_memslot, base_gfn),
	ARG("hva", ARG_ADDR, true, struct ks_scn_memslot, hva),
	ARG("pages", ARG_PAGES, true, struct ks_scn_memslot, npages),
	/* Flags of one field: check_memslot() sets them (KS_SCN_NO_FIELD). */
	{ .name = "dirty-log", .type = ARG_FLAG, .off = KS_SCN_NO_FIELD },
	{ .name = "readonly", .type = ARG_FLAG, .off = KS_SCN_NO_FIELD },
};

static const struct scn_arg search_args[] = {
	{ .name = "runs", .type = ARG_UINT, .required = true,
	  .off = offsetof(struct ks_scn_search, runs), .max = 1U << 31 },
};

#define WORLD(n, argv, addfn, checkfn) \
	{ .name = (n), .args = (argv), .nargs = ARRAY_SIZE(argv), .add = (addfn), \
	  .check = (checkfn) }

const struct scn_keyword ks_scn_world[] = {
	WORLD("ram", ram_args, add_ram, check_ram),
	WORLD("devdax", devdax_args, add_devdax, check_devdax),
	WORLD("pmem", pmem_args, add_pmem, check_pmem),
	WORLD("file", file_args, add_file, check_file),
	WORLD("anon", anon_args, add_vma, check_anon),
	WORLD("mmap", mmap_args, add_vma, check_mmap),
	WORLD("pfnmap", pfnmap_args, add_vma, check_pfnmap),
	WORLD("populate", populate_args, add_populate, check_populate),
	WORLD("page", page_args, add_page, check_page),
	WORLD("memslot", memslot_args, add_memslot, check_memslot),
	WORLD("search", search_args, add_search, NULL),
};
const size_t ks_scn_nworld = ARRAY_SIZE(ks_scn_world);

/* ---- operations ----------------------------------------------------------- */

static void check_hva_op(struct scn_parser *p, void *item, const struct scn_args *a)
{
	const struct ks_op *op = item;

	check_hva_range(p, a, op->hva, op->size ? op->size : KS_SCN_PAGE_SIZE);
}

static void check_gfn_op(struct scn_parser *p, void *item, const struct scn_args *a)
{
	const struct ks_op *op = item;

	check_pfn_range(p, a, "gfn", op->gfn, op->npages ? op->npages : 1);
}

static void check_truncate(struct scn_parser *p, void *item, const struct scn_args *a)
{
	const struct ks_op *op = item;

	if (op->npages > op->file->npages)
		scn_fail(p, scn_argcol(a, "pages"),
			 "truncate only shrinks: file '%s' has %llu pages",
			 op->file->name, (unsigned long long)op->file->npages);
}

static const struct scn_arg gfn_rw_args[] = {
	ARG("gfn", ARG_PFN, true, struct ks_op, gfn),
	ARG("read|write", ARG_CHOICE, true, struct ks_op, write),
};

static const struct scn_arg gfn_args[] = {
	ARG("gfn", ARG_PFN, true, struct ks_op, gfn),
};

static const struct scn_arg hva_size_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_op, hva),
	ARG("size", ARG_BYTES, true, struct ks_op, size),
};

static const struct scn_arg mprotect_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_op, hva),
	ARG("size", ARG_BYTES, true, struct ks_op, size),
	ARG("prot", ARG_PROT, true, struct ks_op, prot),
};

static const struct scn_arg hva_args[] = {
	ARG("hva", ARG_ADDR, true, struct ks_op, hva),
};

static const struct scn_arg unbind_args[] = {
	POS("device", ARG_REF, struct ks_op, devdax, NAME_DEVDAX),
};

static const struct scn_arg truncate_args[] = {
	POS("file", ARG_REF, struct ks_op, file, NAME_FILE),
	ARG("pages", ARG_PAGES0, true, struct ks_op, npages),
};

static const struct scn_arg zap_args[] = {
	ARG("gfn", ARG_PFN, true, struct ks_op, gfn),
	ARG("pages", ARG_PAGES, true, struct ks_op, npages),
};

#define OP(n, k, v, argv, checkfn) \
	{ .name = (n), .op = (k), .vcpu = (v), .args = (argv), \
	  .nargs = ARRAY_SIZE(argv), .check = (checkfn) }
#define OP0(n, k, v) { .name = (n), .op = (k), .vcpu = (v) }

/* Indexed by enum ks_op_kind. */
const struct scn_keyword ks_scn_ops[] = {
	OP("fault", KS_OP_FAULT, true, gfn_rw_args, check_gfn_op),
	OP("access", KS_OP_ACCESS, true, gfn_rw_args, check_gfn_op),
	OP("vcpu-map", KS_OP_VCPU_MAP, true, gfn_args, check_gfn_op),
	OP("vcpu-unmap", KS_OP_VCPU_UNMAP, true, gfn_args, check_gfn_op),
	OP("map-access", KS_OP_MAP_ACCESS, true, gfn_rw_args, check_gfn_op),
	OP("munmap", KS_OP_MUNMAP, false, hva_size_args, check_hva_op),
	OP("mprotect", KS_OP_MPROTECT, false, mprotect_args, check_hva_op),
	OP("thp-split", KS_OP_THP_SPLIT, false, hva_args, check_hva_op),
	OP("age", KS_OP_AGE, false, hva_args, check_hva_op),
	OP("unbind", KS_OP_UNBIND, false, unbind_args, NULL),
	OP("truncate", KS_OP_TRUNCATE, false, truncate_args, check_truncate),
	OP("zap", KS_OP_ZAP, false, zap_args, check_gfn_op),
	OP0("teardown", KS_OP_TEARDOWN, false),
	OP0("repeat", KS_OP_REPEAT, false),	/* parsed by parse.c */
};
const size_t ks_scn_nops = ARRAY_SIZE(ks_scn_ops);

_Static_assert(ARRAY_SIZE(ks_scn_ops) == KS_OP_NR, "one entry per enum ks_op_kind");

const char *ks_op_name(enum ks_op_kind kind)
{
	return (unsigned int)kind < KS_OP_NR ? ks_scn_ops[kind].name : "?";
}

bool ks_op_is_vcpu(enum ks_op_kind kind)
{
	return (unsigned int)kind < KS_OP_NR && ks_scn_ops[kind].vcpu;
}
