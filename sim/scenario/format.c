// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario as canonical text, its fingerprint, and the checks of the names
 * only the caller knows (variants, finding kinds).
 *
 * The canonical text lists the world in the order a world is built (ram,
 * pages, device-dax, pmem, files, mappings, populate, memslots), then the
 * threads; it parses back into the same scenario.  The fingerprint hashes it
 * without the expectations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scn.h"

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 256;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			fputs("kvmsim: out of memory\n", stderr);
			exit(2);	/* bad input: a world too big, not a crash */
		}
	}
}

#define X(v) ((unsigned long long)(v))

static const char *const ks_prot_names[] = { "none", "r", "w", "rw" };

static void format_ops(struct sbuf *b, const struct ks_op *ops, size_t n, int depth)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ks_op *op = &ops[i];

		sb_printf(b, "%*s%s", 2 * depth, "", ks_op_name(op->kind));
		switch (op->kind) {
		case KS_OP_FAULT:
		case KS_OP_ACCESS:
		case KS_OP_MAP_ACCESS:
			sb_printf(b, " gfn=0x%llx %s\n", X(op->gfn), op->write ? "write" : "read");
			break;
		case KS_OP_VCPU_MAP:
		case KS_OP_VCPU_UNMAP:
			sb_printf(b, " gfn=0x%llx\n", X(op->gfn));
			break;
		case KS_OP_MUNMAP:
			sb_printf(b, " hva=0x%llx size=0x%llx\n", X(op->hva), X(op->size));
			break;
		case KS_OP_MPROTECT:
			sb_printf(b, " hva=0x%llx size=0x%llx prot=%s\n", X(op->hva), X(op->size),
				  ks_prot_names[op->prot & 3]);
			break;
		case KS_OP_THP_SPLIT:
		case KS_OP_AGE:
			sb_printf(b, " hva=0x%llx\n", X(op->hva));
			break;
		case KS_OP_UNBIND:
			sb_printf(b, " %s\n", op->devdax->name);
			break;
		case KS_OP_TRUNCATE:
			sb_printf(b, " %s pages=0x%llx\n", op->file->name, X(op->npages));
			break;
		case KS_OP_ZAP:
			sb_printf(b, " gfn=0x%llx pages=0x%llx\n", X(op->gfn), X(op->npages));
			break;
		case KS_OP_TEARDOWN:
			sb_printf(b, "\n");
			break;
		case KS_OP_REPEAT:
			sb_printf(b, " %u\n", op->count);
			format_ops(b, op->body, op->nbody, depth + 1);
			sb_printf(b, "%*send\n", 2 * depth, "");
			break;
		case KS_OP_NR:
			break;
		}
	}
}

static void format_vma(struct sbuf *b, const struct ks_scn_vma *v)
{
	const char *prot = ks_prot_names[v->prot & 3];

	switch (v->kind) {
	case KS_VMA_ANON:
		sb_printf(b, "anon hva=0x%llx size=0x%llx %s prot=%s\n", X(v->hva), X(v->size),
			  v->thp ? "thp" : "nothp", prot);
		break;
	case KS_VMA_DEVDAX:
	case KS_VMA_FILE:
		sb_printf(b, "mmap %s hva=0x%llx size=0x%llx offset=0x%llx prot=%s\n",
			  v->kind == KS_VMA_DEVDAX ? v->devdax->name : v->file->name,
			  X(v->hva), X(v->size), X(v->pgoff * KS_SCN_PAGE_SIZE), prot);
		break;
	case KS_VMA_PFNMAP:
		sb_printf(b, "pfnmap hva=0x%llx size=0x%llx pfn=0x%llx prot=%s\n", X(v->hva),
			  X(v->size), X(v->pfn), prot);
		break;
	case KS_VMA_NR:
		break;
	}
}

static void format_expect(struct sbuf *b, const struct ks_scenario *s)
{
	size_t i, j;

	for (i = 0; i < s->nexpect; i++) {
		const struct ks_scn_expect *e = &s->expect[i];

		sb_printf(b, "expect %s", e->variant);
		if (!e->nverdict)
			sb_printf(b, " ok");
		for (j = 0; j < e->nverdict; j++)
			sb_printf(b, " %s", e->verdict[j]);
		sb_printf(b, "\n");
	}
}

char *ks_scenario_format(const struct ks_scenario *s, bool expect)
{
	struct sbuf b = { 0 };
	size_t i;

	sb_printf(&b, "%s", "");
	for (i = 0; i < s->nram; i++)
		sb_printf(&b, "ram pfn=0x%llx pages=0x%llx\n", X(s->ram[i].pfn),
			  X(s->ram[i].npages));
	for (i = 0; i < s->npages; i++) {
		const struct ks_scn_page *pg = &s->pages[i];

		sb_printf(&b, "page pfn=0x%llx order=%u%s%s refcount=%d%s owner=%s\n",
			  X(pg->pfn), pg->order, pg->compound ? " compound" : "",
			  pg->thp ? " thp" : "", pg->refcount, pg->reserved ? " reserved" : "",
			  pg->owner ? pg->owner : "?");
	}
	for (i = 0; i < s->ndevdax; i++)
		sb_printf(&b, "devdax %s pfn=0x%llx pages=0x%llx align=0x%llx\n",
			  s->devdax[i].name, X(s->devdax[i].pfn), X(s->devdax[i].npages),
			  X(s->devdax[i].align));
	for (i = 0; i < s->npmem; i++)
		sb_printf(&b, "pmem %s pfn=0x%llx pages=0x%llx\n", s->pmem[i].name,
			  X(s->pmem[i].pfn), X(s->pmem[i].npages));
	for (i = 0; i < s->nfiles; i++)
		sb_printf(&b, "file %s pmem=%s pfn=0x%llx pages=0x%llx%s\n", s->files[i].name,
			  s->files[i].pmem->name, X(s->files[i].pfn), X(s->files[i].npages),
			  s->files[i].extent > KS_SCN_PAGE_SIZE ? " extent=2M" : "");
	for (i = 0; i < s->nvmas; i++)
		format_vma(&b, &s->vmas[i]);
	for (i = 0; i < s->npopulate; i++)
		sb_printf(&b, "populate hva=0x%llx size=0x%llx %s\n", X(s->populate[i].hva),
			  X(s->populate[i].size), s->populate[i].write ? "write" : "read");
	for (i = 0; i < s->nmemslots; i++) {
		const struct ks_scn_memslot *m = &s->memslots[i];

		sb_printf(&b, "memslot %u gfn=0x%llx hva=0x%llx pages=0x%llx%s%s\n", m->id,
			  X(m->base_gfn), X(m->hva), X(m->npages),
			  m->flags & KS_SLOT_DIRTY_LOG ? " dirty-log" : "",
			  m->flags & KS_SLOT_READONLY ? " readonly" : "");
	}
	for (i = 0; i < s->nthreads; i++) {
		sb_printf(&b, "thread %s\n", s->threads[i].name);
		format_ops(&b, s->threads[i].ops, s->threads[i].nops, 1);
		sb_printf(&b, "end\n");
	}
	if (expect)
		format_expect(&b, s);
	return b.s;
}

/* FNV-1a, 64 bits: stable across hosts and builds. */
uint64_t ks_scenario_fingerprint(const struct ks_scenario *s)
{
	char *text = ks_scenario_format(s, false);
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *c;

	for (c = (const unsigned char *)text; *c; c++) {
		h ^= *c;
		h *= 0x100000001b3ULL;
	}
	free(text);
	return h;
}

const struct ks_scn_expect *ks_scenario_expect(const struct ks_scenario *s,
					       const char *variant)
{
	size_t i;

	for (i = 0; i < s->nexpect; i++)
		if (!strcmp(s->expect[i].variant, variant))
			return &s->expect[i];
	return NULL;
}

static bool in_list(const char *word, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(word, list[i]))
			return true;
	return false;
}

static int name_error(const struct ks_scenario *s, unsigned int line, unsigned int col,
		      const char *what, const char *word, const char *const *list,
		      size_t n, char *err, size_t errlen)
{
	struct ks_spell sp;
	const char *best;
	size_t i;

	ks_spell_init(&sp, word);
	for (i = 0; i < n; i++)
		ks_spell_add(&sp, list[i]);
	best = ks_spell_best(&sp);
	if (best)
		snprintf(err, errlen, "%s:%u:%u: unknown %s '%s'; did you mean '%s'?",
			 s->path, line, col, what, word, best);
	else
		snprintf(err, errlen, "%s:%u:%u: unknown %s '%s'", s->path, line, col,
			 what, word);
	return -1;
}

int ks_scenario_check_names(const struct ks_scenario *s,
			    const char *const *variants, size_t nvariants,
			    const char *const *kinds, size_t nkinds,
			    char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < s->nexpect; i++) {
		const struct ks_scn_expect *e = &s->expect[i];

		if (!in_list(e->variant, variants, nvariants))
			return name_error(s, e->line, e->column, "variant", e->variant,
					  variants, nvariants, err, errlen);
		for (j = 0; j < e->nverdict; j++) {
			const char *k = e->verdict[j];
			char inner[64];
			size_t len = strlen(k);

			if (in_list(k, kinds, nkinds))
				continue;
			if (len > 6 && !strncmp(k, "note(", 5) && len - 6 < sizeof(inner)) {
				snprintf(inner, sizeof(inner), "%.*s", (int)(len - 6), k + 5);
				if (in_list(inner, kinds, nkinds))
					continue;
			}
			return name_error(s, e->line, e->columns[j], "finding kind", k,
					  kinds, nkinds, err, errlen);
		}
	}
	return 0;
}
