// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario parser: lines into words, words into the tree of
 * include/kvmsim/scenario.h, by the keyword tables of syntax.c.
 *
 * One pass, names declared before use.  The first error ends the parse with
 * one line, "path:line:column: message" (a longjmp back to the entry point;
 * everything allocated hangs off the scenario or the parser, so nothing
 * leaks).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kvmsim/run.h>		/* KS_MAX_THREADS */

#include "scenario/scn.h"

/* ---- helpers ------------------------------------------------------------- */

static void *xrealloc(void *ptr, size_t size)
{
	void *q = realloc(ptr, size ? size : 1);

	if (!q) {
		fputs("kvmsim: out of memory\n", stderr);
		exit(2);	/* bad input: a world too big, not a crash */
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* Append one zeroed element; capacity doubles at powers of two from 4. */
void *scn_grow(void *arr, size_t *n, size_t size)
{
	size_t cnt = *n;

	if (cnt == 0)
		arr = xrealloc(arr, 4 * size);
	else if (cnt >= 4 && !(cnt & (cnt - 1)))
		arr = xrealloc(arr, 2 * cnt * size);
	memset((char *)arr + cnt * size, 0, size);
	*n = cnt + 1;
	return arr;
}

const char *scn_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	if (*s && o + 4 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

#define Q(s) scn_quote((s), (char[80]){ 0 }, 80)

void scn_fail(struct scn_parser *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%u:%u: ", p->path, p->line ? p->line : 1, col ? col : 1);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	longjmp(p->fail, 1);
}

static bool is_size_alias(const struct scn_arg *spec, const char *key)
{
	return (spec->type == ARG_PAGES && !strcmp(key, "size")) ||
	       (spec->type == ARG_BYTES && !strcmp(key, "pages"));
}

static int spec_index(const struct scn_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nspec; i++)
		if (!strcmp(a->spec[i].name, name))
			return (int)i;
	for (i = 0; i < a->nspec; i++)
		if (is_size_alias(&a->spec[i], name))
			return (int)i;
	return -1;
}

bool scn_argset(const struct scn_args *a, const char *name)
{
	int i = spec_index(a, name);

	return i >= 0 && a->set[i];
}

unsigned int scn_argcol(const struct scn_args *a, const char *name)
{
	int i = spec_index(a, name);

	return i >= 0 && a->set[i] ? a->col[i] : a->kwcol;
}

/* ---- lines and words ------------------------------------------------------ */

struct scn_line {
	struct scn_word w[KS_SCN_MAX_WORDS];
	size_t n;
	unsigned int no;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Cut the next line of p->text into words, in place.  Returns false at the
 * end of the text.  p->line is the line's number.
 */
static bool next_line(struct scn_parser *p, struct scn_line *l)
{
	char *s = p->cur, *start, *end, *c;

	if (!s)
		return false;
	start = s;
	end = strchr(s, '\n');
	if (end) {
		*end = '\0';
		p->cur = end + 1;
	} else {
		p->cur = NULL;
		if (!*s)
			return false;	/* the text ended with a newline */
	}
	p->line++;
	l->no = p->line;
	l->n = 0;
	c = strchr(start, '#');
	if (c)
		*c = '\0';
	c = start;
	for (;;) {
		struct scn_word *w;
		char *eq;

		while (is_blank(*c))
			*c++ = '\0';
		if (!*c)
			break;
		if (l->n == KS_SCN_MAX_WORDS)
			scn_fail(p, (unsigned int)(c - start) + 1,
				 "too many words on one line (at most %d)", KS_SCN_MAX_WORDS);
		w = &l->w[l->n++];
		w->s = c;
		w->col = (unsigned int)(c - start) + 1;
		w->val = NULL;
		while (*c && !is_blank(*c))
			c++;
		eq = memchr(w->s, '=', (size_t)(c - w->s));
		if (eq) {
			*eq = '\0';
			w->val = eq + 1;
			w->vcol = (unsigned int)(eq + 1 - start) + 1;
		}
	}
	return true;
}

/* ---- names ---------------------------------------------------------------- */

static const char *kind_name(unsigned int kind)
{
	switch (kind) {
	case NAME_DEVDAX:
		return "device-dax device";
	case NAME_PMEM:
		return "pmem";
	case NAME_FILE:
		return "file";
	case NAME_THREAD:
		return "thread";
	case NAME_DEVDAX | NAME_FILE:
		return "device-dax device or file";
	default:
		return "name";
	}
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static const struct scn_name *find_name(struct scn_parser *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nnames; i++)
		if (!strcmp(p->names[i].name, name))
			return &p->names[i];
	return NULL;
}

static const char *declare(struct scn_parser *p, const struct scn_word *w,
			   enum scn_name_kind kind, const void *item)
{
	const struct scn_name *old;
	struct scn_name *n;

	if (w->val || !valid_name(w->s))
		scn_fail(p, w->col, "bad %s name '%s%s%s' (letters, digits, '.', '_', '-')",
			 kind_name(kind), Q(w->s), w->val ? "=" : "", w->val ? Q(w->val) : "");
	old = find_name(p, w->s);
	if (old)
		scn_fail(p, w->col, "duplicate name '%s' (the %s declared at line %u)",
			 w->s, kind_name(old->kind), old->line);
	if (p->nnames == p->capnames) {
		p->capnames = p->capnames ? 2 * p->capnames : 16;
		p->names = xrealloc(p->names, p->capnames * sizeof(*p->names));
	}
	n = &p->names[p->nnames++];
	n->name = xstrdup(w->s);
	n->kind = kind;
	n->item = item;
	n->line = p->line;
	return xstrdup(w->s);	/* the item's own copy */
}

static const struct scn_name *resolve(struct scn_parser *p, const struct scn_word *w,
				      unsigned int kinds)
{
	const struct scn_name *n = find_name(p, w->s);
	struct ks_spell sp;
	const char *best;
	size_t i;

	if (n && (n->kind & kinds))
		return n;
	if (n)
		scn_fail(p, w->col, "'%s' is a %s, not a %s", w->s, kind_name(n->kind),
			 kind_name(kinds));
	ks_spell_init(&sp, w->s);
	for (i = 0; i < p->nnames; i++)
		if (p->names[i].kind & kinds)
			ks_spell_add(&sp, p->names[i].name);
	best = ks_spell_best(&sp);
	if (best)
		scn_fail(p, w->col, "undefined %s '%s'; did you mean '%s'?",
			 kind_name(kinds), Q(w->s), best);
	scn_fail(p, w->col, "undefined %s '%s' (declare it before its use)",
		 kind_name(kinds), Q(w->s));
}

/* ---- numbers -------------------------------------------------------------- */

/*
 * Decimal or 0x hex, '_' between digits, and an optional K, M or G suffix
 * (powers of 1024).  Returns NULL or why @s is not a number.
 */
static const char *parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0, base = 10, mult = 1;
	const char *c = s;
	bool digits = false;

	if (c[0] == '0' && (c[1] == 'x' || c[1] == 'X')) {
		base = 16;
		c += 2;
	}
	for (; *c; c++) {
		unsigned int d;

		if (*c == '_' && digits && c[1] && c[1] != '_')
			continue;
		if (*c >= '0' && *c <= '9')
			d = (unsigned int)(*c - '0');
		else if (base == 16 && *c >= 'a' && *c <= 'f')
			d = (unsigned int)(*c - 'a' + 10);
		else if (base == 16 && *c >= 'A' && *c <= 'F')
			d = (unsigned int)(*c - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return "is too large";
		v = v * base + d;
		digits = true;
	}
	if (!digits)
		return "is not a number";
	switch (*c) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	default:
		return "is not a number (digits, 0x hex, a K/M/G suffix)";
	}
	if (*c && c[1])
		return "is not a number (digits, 0x hex, a K/M/G suffix)";
	if (v > UINT64_MAX / mult)
		return "is too large";
	*out = v * mult;
	return NULL;
}

static uint64_t number(struct scn_parser *p, const char *s, unsigned int col,
		       const char *what)
{
	uint64_t v = 0;
	const char *why = parse_u64(s, &v);

	if (why)
		scn_fail(p, col, "bad number '%s' for %s: it %s", Q(s), what, why);
	return v;
}

/* ---- arguments ------------------------------------------------------------ */

static void put_u64(void *item, const struct scn_arg *spec, uint64_t v)
{
	memcpy((char *)item + spec->off, &v, sizeof(v));
}

static void put_uint(void *item, const struct scn_arg *spec, unsigned int v)
{
	memcpy((char *)item + spec->off, &v, sizeof(v));
}

static void put_ptr(void *item, const struct scn_arg *spec, const void *v)
{
	memcpy((char *)item + spec->off, &v, sizeof(v));
}

/* Whether @word is one of the '|'-separated words of @choice; which one. */
static int choice_index(const char *choice, const char *word)
{
	size_t len = strlen(word);
	int i = 0;

	for (;;) {
		const char *bar = strchr(choice, '|');
		size_t n = bar ? (size_t)(bar - choice) : strlen(choice);

		if (n == len && !memcmp(choice, word, n))
			return i;
		if (!bar)
			return -1;
		choice = bar + 1;
		i++;
	}
}

/* "hva=, size=, read|write" for messages. */
static const char *arg_list(const struct scn_keyword *kw, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < kw->nargs && o < len; i++) {
		const struct scn_arg *a = &kw->args[i];
		bool bare = a->type == ARG_FLAG || a->type == ARG_CHOICE;

		if (a->pos)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s", o ? ", " : "",
				      a->name, bare ? "" : "=");
	}
	return buf;
}

static void unknown_arg(struct scn_parser *p, const struct scn_keyword *kw,
			const struct scn_word *w)
{
	struct ks_spell sp;
	const char *best;
	char names[256], list[KS_SCN_MAX_ARGS][32];
	size_t i;

	ks_spell_init(&sp, w->s);
	for (i = 0; i < kw->nargs; i++) {
		const char *n = kw->args[i].name;

		if (kw->args[i].pos)
			continue;
		if (kw->args[i].type == ARG_CHOICE) {
			/* Each alternative of "a|b" on its own. */
			const char *bar = strchr(n, '|');

			snprintf(list[i], sizeof(list[i]), "%.*s", (int)(bar - n), n);
			ks_spell_add(&sp, list[i]);
			n = bar + 1;
		}
		ks_spell_add(&sp, n);
	}
	best = ks_spell_best(&sp);
	if (best)
		scn_fail(p, w->col, "unknown argument '%s' for '%s'; did you mean '%s'?",
			 Q(w->s), kw->name, best);
	if (!kw->nargs || (kw->nargs == 1 && kw->args[0].pos))
		scn_fail(p, w->col, "unexpected '%s': '%s' takes no more arguments",
			 Q(w->s), kw->name);
	scn_fail(p, w->col, "unknown argument '%s' for '%s' (it takes %s)", Q(w->s),
		 kw->name, arg_list(kw, names, sizeof(names)));
}

static void convert(struct scn_parser *p, const struct scn_arg *spec,
		    const struct scn_word *w, struct scn_args *a, int idx, void *item)
{
	char what[48];
	const char *key = w->s;
	uint64_t v = 0;

	snprintf(what, sizeof(what), "'%s'", spec->pos ? spec->name : key);
	switch (spec->type) {
	case ARG_ADDR:
	case ARG_OFFSET:
		v = number(p, w->val, w->vcol, what);
		if (v % KS_SCN_PAGE_SIZE)
			scn_fail(p, w->vcol, "%s 0x%llx is not page-aligned (4K)", what,
				 (unsigned long long)v);
		if (v >= KS_SCN_HVA_LIMIT)
			scn_fail(p, w->vcol, "%s 0x%llx is beyond the user address space (0x%llx)",
				 what, (unsigned long long)v, (unsigned long long)KS_SCN_HVA_LIMIT);
		put_u64(item, spec, spec->type == ARG_OFFSET ? v / KS_SCN_PAGE_SIZE : v);
		break;
	case ARG_BYTES:
	case ARG_PAGES:
	case ARG_PAGES0:
		v = number(p, w->val, w->vcol, what);
		if (!strcmp(key, "size")) {
			if (v % KS_SCN_PAGE_SIZE)
				scn_fail(p, w->vcol, "size 0x%llx is not a multiple of the page size (4K)",
					 (unsigned long long)v);
			if (spec->type != ARG_BYTES)
				v /= KS_SCN_PAGE_SIZE;
		} else if (spec->type == ARG_BYTES) {
			if (v > KS_SCN_HVA_LIMIT / KS_SCN_PAGE_SIZE)
				scn_fail(p, w->vcol, "%s %llu is too large", what,
					 (unsigned long long)v);
			v *= KS_SCN_PAGE_SIZE;
		}
		if (!v && spec->type != ARG_PAGES0)
			scn_fail(p, w->vcol, "%s must not be 0", what);
		if (spec->type != ARG_BYTES && v > KS_SCN_MAX_PAGES)
			scn_fail(p, w->vcol, "%s %s is too large: at most 4G (%llu pages) a region, as the model keeps a struct page for each",
				 what, Q(w->val), (unsigned long long)KS_SCN_MAX_PAGES);
		put_u64(item, spec, v);
		break;
	case ARG_PFN:
		v = number(p, w->val, w->vcol, what);
		if (v >= KS_SCN_PFN_LIMIT)
			scn_fail(p, w->vcol, "%s 0x%llx is beyond 52-bit physical addresses",
				 what, (unsigned long long)v);
		put_u64(item, spec, v);
		break;
	case ARG_ALIGN: {
		/* a file's extent: fs/dax.c has PTE and PMD faults, no PUD ones */
		bool pud = strcmp(key, "extent") != 0;

		v = number(p, w->val, w->vcol, what);
		if (v != KS_SCN_PAGE_SIZE && v != (2ULL << 20) && (!pud || v != (1ULL << 30)))
			scn_fail(p, w->vcol, "%s must be %s, not '%s'", key,
				 pud ? "4K, 2M or 1G" : "4K or 2M", Q(w->val));
		put_u64(item, spec, v);
		break;
	}
	case ARG_UINT:
	case ARG_INT:
		v = number(p, w->val ? w->val : w->s, w->val ? w->vcol : w->col, what);
		if (spec->max && v > spec->max)
			scn_fail(p, w->val ? w->vcol : w->col, "%s %llu is too large (at most %llu)",
				 what, (unsigned long long)v, (unsigned long long)spec->max);
		if (spec->type == ARG_INT) {
			int iv = (int)v;

			memcpy((char *)item + spec->off, &iv, sizeof(iv));
		} else {
			put_uint(item, spec, (unsigned int)v);
		}
		break;
	case ARG_PROT: {
		static const char *const prots[] = { "none", "r", "", "rw" };
		unsigned int i;

		for (i = 0; i < 4; i++)
			if (*prots[i] && !strcmp(w->val, prots[i]))
				break;
		if (i == 4)
			scn_fail(p, w->vcol, "prot must be none, r or rw, not '%s'", Q(w->val));
		put_uint(item, spec, i);
		break;
	}
	case ARG_OWNER: {
		enum ks_owner_kind own;

		if (!strcmp(w->val, "alloc"))
			own = KS_OWN_ALLOC;
		else if (!strcmp(w->val, "memmap"))
			own = KS_OWN_MEMMAP;
		else if (!strcmp(w->val, "pagecache"))
			own = KS_OWN_PAGECACHE;
		else
			scn_fail(p, w->vcol, "owner must be alloc, memmap or pagecache, not '%s'",
				 Q(w->val));
		memcpy((char *)item + spec->off, &own, sizeof(own));
		break;
	}
	case ARG_REF: {
		const struct scn_word ref = {
			.s = w->val ? w->val : w->s, .col = w->val ? w->vcol : w->col,
		};
		const struct scn_name *n = resolve(p, &ref, spec->refs);

		a->refkind[idx] = n->kind;
		put_ptr(item, spec, n->item);
		break;
	}
	case ARG_NAME:
		put_ptr(item, spec, declare(p, w, (enum scn_name_kind)spec->refs, item));
		break;
	case ARG_FLAG:
		if (spec->off != KS_SCN_NO_FIELD)
			*(bool *)((char *)item + spec->off) = true;
		break;
	case ARG_CHOICE:
		*(bool *)((char *)item + spec->off) = choice_index(spec->name, w->s) == 1;
		break;
	}
}

/* The argument of @kw that @word gives (key=value, flag or choice), or -1. */
static int find_arg(const struct scn_keyword *kw, const struct scn_word *word)
{
	size_t j;

	for (j = 0; j < kw->nargs; j++) {
		const struct scn_arg *spec = &kw->args[j];

		if (spec->pos)
			continue;
		if (spec->type == ARG_FLAG ? !strcmp(spec->name, word->s) :
		    spec->type == ARG_CHOICE ? choice_index(spec->name, word->s) >= 0 :
		    !strcmp(spec->name, word->s) || is_size_alias(spec, word->s))
			return (int)j;
	}
	return -1;
}

/*
 * The words after the keyword @kw (w[0]) into @item, by @kw's table; then
 * the entry's check.
 */
static void parse_args(struct scn_parser *p, const struct scn_keyword *kw,
		       const struct scn_word *w, size_t n, void *item)
{
	struct scn_args a = { .spec = kw->args, .nspec = kw->nargs, .kwcol = w[0].col };
	size_t i = 1, j;
	char list[256];

	if (kw->nargs && kw->args[0].pos) {
		const struct scn_arg *spec = &kw->args[0];

		if (n < 2 || (w[1].val && spec->type != ARG_NAME))
			scn_fail(p, n < 2 ? w[0].col + (unsigned int)strlen(w[0].s) : w[1].col,
				 "missing %s after '%s'", spec->name, kw->name);
		a.set[0] = true;
		a.col[0] = w[1].col;
		convert(p, spec, &w[1], &a, 0, item);
		i = 2;
	}
	for (; i < n; i++) {
		const struct scn_word *word = &w[i];
		int idx = find_arg(kw, word);
		const struct scn_arg *spec;
		bool bare;

		if (idx < 0)
			unknown_arg(p, kw, word);
		spec = &kw->args[idx];
		bare = spec->type == ARG_FLAG || spec->type == ARG_CHOICE;
		if (bare && word->val)
			scn_fail(p, word->col, "'%s' takes no value", word->s);
		if (!bare && !word->val)
			scn_fail(p, word->col, "'%s' needs a value: %s=...", word->s, word->s);
		if (a.set[idx]) {
			/* Which word set it first, for the message. */
			for (j = 1; j < i && w[j].col != a.col[idx]; j++)
				;
			if (strcmp(w[j].s, word->s))
				scn_fail(p, word->col, "'%s' conflicts with '%s'", word->s, w[j].s);
			scn_fail(p, word->col, "'%s' given twice", word->s);
		}
		a.set[idx] = true;
		a.col[idx] = word->col;
		convert(p, spec, word, &a, idx, item);
	}
	for (j = 0; j < kw->nargs; j++) {
		const struct scn_arg *spec = &kw->args[j];
		unsigned int col = w[n - 1].col + (unsigned int)strlen(w[n - 1].s) +
				   (w[n - 1].val ? (unsigned int)strlen(w[n - 1].val) + 1 : 0);

		if (!spec->required || a.set[j])
			continue;
		if (spec->type == ARG_CHOICE) {
			const char *bar = strchr(spec->name, '|');

			scn_fail(p, col, "missing '%.*s' or '%s' for '%s'",
				 (int)(bar - spec->name), spec->name, bar + 1, kw->name);
		}
		if (spec->type == ARG_PAGES || spec->type == ARG_BYTES)
			scn_fail(p, col, "missing argument '%s=' (or '%s=') for '%s'", spec->name,
				 spec->type == ARG_PAGES ? "size" : "pages", kw->name);
		scn_fail(p, col, "missing argument '%s=' for '%s' (it takes %s)", spec->name,
			 kw->name, arg_list(kw, list, sizeof(list)));
	}
	if (kw->check)
		kw->check(p, item, &a);
}

/* ---- keywords ------------------------------------------------------------- */

static const struct scn_keyword *find_kw(const struct scn_keyword *table, size_t n,
					 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

static const char *nearest_kw(const char *word, bool ops, bool world)
{
	static const char *const extra_top[] = { "thread", "expect" };
	struct ks_spell sp;
	size_t i;

	ks_spell_init(&sp, word);
	for (i = 0; ops && i < ks_scn_nops; i++)
		ks_spell_add(&sp, ks_scn_ops[i].name);
	if (ops)
		ks_spell_add(&sp, "end");
	for (i = 0; world && i < ks_scn_nworld; i++)
		ks_spell_add(&sp, ks_scn_world[i].name);
	for (i = 0; world && i < 2; i++)
		ks_spell_add(&sp, extra_top[i]);
	return ks_spell_best(&sp);
}

static void parse_ops(struct scn_parser *p, struct ks_op **ops, size_t *nops,
		      unsigned int depth, const char *what, unsigned int open_line,
		      unsigned int open_col, bool *vcpu);

static void parse_op(struct scn_parser *p, const struct scn_word *w, size_t n,
		     struct ks_op *op, unsigned int depth, bool *vcpu)
{
	const struct scn_keyword *kw = find_kw(ks_scn_ops, ks_scn_nops, w[0].s);

	op->line = p->line;
	op->column = w[0].col;
	if (!kw) {
		const char *best = nearest_kw(w[0].s, true, false);

		if (find_kw(ks_scn_world, ks_scn_nworld, w[0].s) ||
		    !strcmp(w[0].s, "expect"))
			scn_fail(p, w[0].col, "'%s' is not an operation ('end' missing before it?)",
				 w[0].s);
		if (!strcmp(w[0].s, "end") || !strcmp(w[0].s, "thread"))
			scn_fail(p, w[0].col, "'%s' must begin a line", w[0].s);
		if (best)
			scn_fail(p, w[0].col, "unknown operation '%s'; did you mean '%s'?",
				 Q(w[0].s), best);
		scn_fail(p, w[0].col, "unknown operation '%s'", Q(w[0].s));
	}
	op->kind = kw->op;
	if (kw->op != KS_OP_REPEAT) {
		if (w[0].val)
			scn_fail(p, w[0].col, "'%s' takes no value", w[0].s);
		parse_args(p, kw, w, n, op);
		*vcpu |= kw->vcpu;
		return;
	}
	/* repeat N OPERATION ..., or repeat N and a block up to 'end'. */
	if (n < 2 || w[1].val)
		scn_fail(p, n < 2 ? w[0].col + 6 : w[1].col, "missing count after 'repeat'");
	op->count = (unsigned int)number(p, w[1].s, w[1].col, "'repeat'");
	if (op->count < 1 || op->count > KS_SCN_MAX_REPEAT)
		scn_fail(p, w[1].col, "repeat count must be 1 to %d", KS_SCN_MAX_REPEAT);
	if (depth >= KS_SCN_MAX_DEPTH)
		scn_fail(p, w[0].col, "'repeat' nested too deeply (at most %d)",
			 KS_SCN_MAX_DEPTH);
	if (n > 2) {
		op->body = scn_grow(NULL, &op->nbody, sizeof(*op->body));
		parse_op(p, w + 2, n - 2, op->body, depth + 1, vcpu);
		return;
	}
	parse_ops(p, &op->body, &op->nbody, depth + 1, "'repeat' block", p->line,
		  w[0].col, vcpu);
}

/* Operations up to 'end'. */
static void parse_ops(struct scn_parser *p, struct ks_op **ops, size_t *nops,
		      unsigned int depth, const char *what, unsigned int open_line,
		      unsigned int open_col, bool *vcpu)
{
	struct scn_line l;

	while (next_line(p, &l)) {
		struct ks_op *op;

		if (!l.n)
			continue;
		if (!strcmp(l.w[0].s, "end")) {
			if (l.w[0].val)
				scn_fail(p, l.w[0].col, "'end' takes no value");
			if (l.n > 1)
				scn_fail(p, l.w[1].col, "unexpected '%s' after 'end'", Q(l.w[1].s));
			if (!*nops)
				scn_fail(p, l.w[0].col, "empty %s", what);
			return;
		}
		if (!strcmp(l.w[0].s, "thread"))
			scn_fail(p, l.w[0].col,
				 "'thread' inside a thread: close %s (line %u) with 'end' first",
				 what, open_line);
		*ops = scn_grow(*ops, nops, sizeof(**ops));
		op = &(*ops)[*nops - 1];
		parse_op(p, l.w, l.n, op, depth, vcpu);
	}
	p->line = open_line;
	scn_fail(p, open_col, "%s is not closed: 'end' missing", what);
}

/*
 * The gfns a thread holds kvm_vcpu_map() mappings of, in file order: a map
 * is unmapped by the same thread, a 'map-access' goes through a held one,
 * and a 'repeat' body leaves the set as it found it.
 */
struct scn_maps {
	size_t n;
	struct {
		uint64_t gfn;
		const struct ks_op *op;
	} m[KS_SCN_MAX_MAPS];
};

static void __attribute__((format(printf, 3, 4)))
scn_fail_at(struct scn_parser *p, const struct ks_op *op, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = op->line;
	scn_fail(p, op->column, "%s", msg);
}

static bool held_gfn(const struct scn_maps *held, uint64_t gfn)
{
	size_t i;

	for (i = 0; i < held->n; i++)
		if (held->m[i].gfn == gfn)
			return true;
	return false;
}

static void check_maps(struct scn_parser *p, const struct ks_op *ops, size_t n,
		       struct scn_maps *held)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct ks_op *op = &ops[i];
		struct scn_maps before;

		for (j = 0; j < held->n && held->m[j].gfn != op->gfn; j++)
			;
		switch (op->kind) {
		case KS_OP_VCPU_MAP:
			if (j < held->n)
				scn_fail_at(p, op, "gfn 0x%llx is already mapped (vcpu-map at line %u)",
					    (unsigned long long)op->gfn, held->m[j].op->line);
			if (held->n == KS_SCN_MAX_MAPS)
				scn_fail_at(p, op, "gfn 0x%llx: a thread holds at most %d mappings",
					    (unsigned long long)op->gfn, KS_SCN_MAX_MAPS);
			held->m[held->n].gfn = op->gfn;
			held->m[held->n++].op = op;
			break;
		case KS_OP_VCPU_UNMAP:
		case KS_OP_MAP_ACCESS:
			if (j == held->n)
				scn_fail_at(p, op, "gfn 0x%llx is not mapped by this thread ('vcpu-map' it first)",
					    (unsigned long long)op->gfn);
			if (op->kind == KS_OP_VCPU_UNMAP)
				held->m[j] = held->m[--held->n];
			break;
		case KS_OP_REPEAT:
			before = *held;
			check_maps(p, op->body, op->nbody, held);
			for (j = 0; j < held->n && held_gfn(&before, held->m[j].gfn); j++)
				;
			if (j < held->n)
				scn_fail_at(p, op, "a 'repeat' body must unmap what it maps (gfn 0x%llx)",
					    (unsigned long long)held->m[j].gfn);
			for (j = 0; j < before.n && held_gfn(held, before.m[j].gfn); j++)
				;
			if (j < before.n)
				scn_fail_at(p, op, "a 'repeat' body must not unmap what it did not map (gfn 0x%llx)",
					    (unsigned long long)before.m[j].gfn);
			break;
		default:
			break;
		}
	}
}

static void parse_thread(struct scn_parser *p, const struct scn_line *l)
{
	struct ks_scenario *s = p->scn;
	struct ks_scn_thread *t;
	char what[96];
	bool vcpu = false;
	struct scn_maps held = { 0 };

	if (l->n < 2)
		scn_fail(p, l->w[0].col + 6, "missing name after 'thread'");
	if (l->n > 2)
		scn_fail(p, l->w[2].col, "unexpected '%s' after the thread name", Q(l->w[2].s));
	if (s->nthreads == KS_MAX_THREADS)
		scn_fail(p, l->w[0].col, "too many threads (at most %d)", KS_MAX_THREADS);
	s->threads = scn_grow(s->threads, &s->nthreads, sizeof(*s->threads));
	t = &s->threads[s->nthreads - 1];
	t->line = p->line;
	t->vcpu_id = -1;
	t->name = declare(p, &l->w[1], NAME_THREAD, NULL);
	snprintf(what, sizeof(what), "thread '%s'", t->name);
	parse_ops(p, &t->ops, &t->nops, 0, what, p->line, l->w[0].col, &vcpu);
	check_maps(p, t->ops, t->nops, &held);
	if (held.n)
		scn_fail_at(p, held.m[0].op, "gfn 0x%llx is mapped and never unmapped ('vcpu-unmap' missing)",
			    (unsigned long long)held.m[0].gfn);
	t->vcpu = vcpu;
	if (vcpu)
		t->vcpu_id = (int)s->nvcpus++;
}

/* ---- expectations ---------------------------------------------------------- */

static bool valid_kind(const char *s)
{
	size_t n = strlen(s), i;

	if (n > 6 && !strncmp(s, "note(", 5) && s[n - 1] == ')') {
		s += 5;
		n -= 6;
	}
	if (!n || n > 48)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

static void parse_expect(struct scn_parser *p, const struct scn_line *l)
{
	struct ks_scenario *s = p->scn;
	struct ks_scn_expect *e;
	char variant[80];
	size_t i, j, len;
	bool ok = false;

	if (l->n < 2 || l->w[1].val)
		scn_fail(p, l->n < 2 ? l->w[0].col + 6 : l->w[1].col,
			 "missing variant after 'expect'");
	len = strlen(l->w[1].s);
	if (len && l->w[1].s[len - 1] == ':')
		len--;	/* "expect v4.19: hang", as prose writes it */
	snprintf(variant, sizeof(variant), "%.*s", (int)len, l->w[1].s);
	if (!valid_name(variant))
		scn_fail(p, l->w[1].col, "bad variant name '%s'", Q(l->w[1].s));
	for (i = 0; i < s->nexpect; i++)
		if (!strcmp(s->expect[i].variant, variant))
			scn_fail(p, l->w[1].col, "duplicate expectation for '%s' (line %u)",
				 variant, s->expect[i].line);
	s->expect = scn_grow(s->expect, &s->nexpect, sizeof(*s->expect));
	e = &s->expect[s->nexpect - 1];
	e->variant = xstrdup(variant);
	e->line = p->line;
	e->column = l->w[1].col;
	for (i = 2; i < l->n; i++) {
		char *word = (char *)l->w[i].s, *piece, *comma;
		unsigned int col = l->w[i].col;

		if (l->w[i].val)
			scn_fail(p, col, "bad finding kind '%s=%s'", Q(word), Q(l->w[i].val));
		/* Kinds may be separated by commas as well as blanks. */
		for (piece = word; piece; piece = comma ? comma + 1 : NULL) {
			unsigned int pcol = col + (unsigned int)(piece - word);

			comma = strchr(piece, ',');
			if (comma)
				*comma = '\0';
			if (!*piece)
				continue;
			if (!strcmp(piece, "ok")) {
				if (ok || e->nverdict)
					scn_fail(p, pcol, "'ok' means no findings: it stands alone");
				ok = true;
				continue;
			}
			if (ok)
				scn_fail(p, pcol, "'ok' means no findings: it stands alone");
			if (!valid_kind(piece))
				scn_fail(p, pcol,
					 "bad finding kind '%s' (a name such as hang, or note(missed-huge))",
					 Q(piece));
			for (j = 0; j < e->nverdict; j++)
				if (!strcmp(e->verdict[j], piece))
					scn_fail(p, pcol, "'%s' listed twice", piece);
			{
				size_t cnt = e->nverdict;

				e->columns = scn_grow(e->columns, &cnt, sizeof(*e->columns));
				e->verdict = scn_grow(e->verdict, &e->nverdict, sizeof(*e->verdict));
				e->verdict[e->nverdict - 1] = xstrdup(piece);
				e->columns[e->nverdict - 1] = pcol;
			}
		}
	}
	if (!ok && !e->nverdict)
		scn_fail(p, l->w[l->n - 1].col + (unsigned int)strlen(l->w[l->n - 1].s),
			 "missing verdict after 'expect %s' (ok, or finding kinds such as hang)",
			 variant);
	/* Sorted: insertion sort, keeping each kind's column with it. */
	for (i = 1; i < e->nverdict; i++)
		for (j = i; j > 0 && strcmp(e->verdict[j - 1], e->verdict[j]) > 0; j--) {
			const char *t = e->verdict[j];
			unsigned int c = e->columns[j];

			e->verdict[j] = e->verdict[j - 1];
			e->columns[j] = e->columns[j - 1];
			e->verdict[j - 1] = t;
			e->columns[j - 1] = c;
		}
}

/* ---- the file ---------------------------------------------------------------- */

static void parse_item(struct scn_parser *p, const struct scn_keyword *kw,
		       const struct scn_line *l)
{
	void *item;

	if (l->w[0].val)
		scn_fail(p, l->w[0].col, "'%s' takes no value", l->w[0].s);
	item = kw->add(p);
	parse_args(p, kw, l->w, l->n, item);
}

static void parse_top(struct scn_parser *p, const struct scn_line *l)
{
	const struct scn_word *w = &l->w[0];
	const struct scn_keyword *kw;
	const char *best;

	if (!strcmp(w->s, "thread") && !w->val)
		return parse_thread(p, l);
	if (!strcmp(w->s, "expect") && !w->val)
		return parse_expect(p, l);
	kw = find_kw(ks_scn_world, ks_scn_nworld, w->s);
	if (kw)
		return parse_item(p, kw, l);
	if (w->val)
		scn_fail(p, w->col, "expected a keyword, not '%s=%s'", Q(w->s), Q(w->val));
	if (!strcmp(w->s, "end"))
		scn_fail(p, w->col, "'end' without 'thread' or 'repeat'");
	if (find_kw(ks_scn_ops, ks_scn_nops, w->s))
		scn_fail(p, w->col,
			 "'%s' is an operation: it belongs in a 'thread NAME' ... 'end' block",
			 w->s);
	best = nearest_kw(w->s, true, true);
	if (best)
		scn_fail(p, w->col, "unknown keyword '%s'; did you mean '%s'?", Q(w->s), best);
	scn_fail(p, w->col, "unknown keyword '%s'", Q(w->s));
}

/*
 * The opening comment block: the first run of comment lines (leading blank
 * lines skipped), '#' and one blank after it stripped.
 */
static char *header_of(const char *text)
{
	char *out = xrealloc(NULL, strlen(text) + 1);
	const char *s = text;
	size_t o = 0;

	while (*s) {
		const char *e = strchr(s, '\n');
		const char *end = e ? e : s + strlen(s);
		const char *c = s;

		while (c < end && is_blank(*c))
			c++;
		if (c == end && !o) {
			s = e ? e + 1 : end;
			continue;
		}
		if (c == end || *c != '#')
			break;
		c++;
		if (c < end && *c == ' ')
			c++;
		while (end > c && end[-1] == '\r')
			end--;
		memcpy(out + o, c, (size_t)(end - c));
		o += (size_t)(end - c);
		out[o++] = '\n';
		if (!e)
			break;
		s = e + 1;
	}
	out[o ? o - 1 : 0] = '\0';
	return out;
}

static size_t count_kw(const char *text, const char *kw)
{
	size_t n = 0, len = strlen(kw);
	const char *s = text;

	while (s) {
		s += strspn(s, " \t");
		if (!strncmp(s, kw, len) && (s[len] == ' ' || s[len] == '\t'))
			n++;
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return n;
}

static char *name_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;
	size_t n;

	base = base ? base + 1 : path;
	name = xstrdup(base);
	n = strlen(name);
	if (n > 4 && !strcmp(name + n - 4, ".scn"))
		name[n - 4] = '\0';
	return name;
}

static int parse(const char *text, const char *path, struct ks_scenario **out,
		 char *err, size_t errlen)
{
	struct scn_parser p = { .path = path ? path : "<string>", .err = err,
				.errlen = errlen };
	struct ks_scenario *s;
	struct scn_line l;
	char dummy[1];
	size_t i;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
		p.err = err;
		p.errlen = errlen;
	}
	err[0] = '\0';
	*out = NULL;
	s = xrealloc(NULL, sizeof(*s));
	memset(s, 0, sizeof(*s));
	p.scn = s;
	s->path = xstrdup(p.path);
	s->name = name_of(p.path);
	s->header = header_of(text);
	p.text = xstrdup(text);
	/* Items point at devices, pmems and files: their arrays never move. */
	p.capdevdax = count_kw(text, "devdax");
	p.cappmem = count_kw(text, "pmem");
	p.capfiles = count_kw(text, "file");
	s->devdax = xrealloc(NULL, (p.capdevdax + 1) * sizeof(*s->devdax));
	s->pmem = xrealloc(NULL, (p.cappmem + 1) * sizeof(*s->pmem));
	s->files = xrealloc(NULL, (p.capfiles + 1) * sizeof(*s->files));
	memset(s->devdax, 0, (p.capdevdax + 1) * sizeof(*s->devdax));
	memset(s->pmem, 0, (p.cappmem + 1) * sizeof(*s->pmem));
	memset(s->files, 0, (p.capfiles + 1) * sizeof(*s->files));
	p.capdevdax++;
	p.cappmem++;
	p.capfiles++;

	p.cur = p.text;
	if (setjmp(p.fail)) {
		ks_scenario_free(s);
		goto out;
	}
	while (next_line(&p, &l))
		if (l.n)
			parse_top(&p, &l);
	if (!s->nthreads)
		scn_fail(&p, 1, "no 'thread NAME' ... 'end' block: a scenario runs at least one thread");
	*out = s;
out:
	for (i = 0; i < p.nnames; i++)
		free((char *)p.names[i].name);
	free(p.names);
	free(p.text);
	return *out ? 0 : -1;
}

int ks_scenario_parse_string(const char *text, const char *path,
			     struct ks_scenario **out, char *err, size_t errlen)
{
	return parse(text, path, out, err, errlen);
}

int ks_scenario_load(const char *path, struct ks_scenario **out, char *err,
		     size_t errlen)
{
	FILE *f;
	struct stat st;
	char *text = NULL, *nul;
	size_t len = 0, cap = 0, n;
	int ret;

	*out = NULL;
	/* a FIFO or a device would block or never end: only regular files */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			text = xrealloc(text, cap + 1);
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (len > KS_SCN_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %u KiB: not a scenario file", path,
				 KS_SCN_MAX_FILE >> 10);
			fclose(f);
			free(text);
			return -1;
		}
	} while (n);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	text = text ? text : xrealloc(NULL, 1);
	text[len] = '\0';
	/* a NUL, or a carriage return that does not end a CRLF line (old Mac line endings) */
	nul = memchr(text, '\0', len);
	for (n = 0; n < (nul ? (size_t)(nul - text) : len); n++)
		if (text[n] == '\r' && text[n + 1] != '\n')
			break;
	if (nul || n < len) {
		const char *bad = n < len && (!nul || text + n < nul) ? text + n : nul;
		unsigned int line = 1, col = 1;
		const char *c;

		for (c = text; c < bad; c++, col++)
			if (*c == '\n') {
				line++;
				col = 0;
			}
		snprintf(err, errlen, "%s:%u:%u: %s", path, line, col,
			 *bad ? "a carriage return that does not end a line (CR line endings?): lines end in LF or CRLF" :
				"NUL byte: not a text file");
		free(text);
		return -1;
	}
	ret = parse(text, path, out, err, errlen);
	free(text);
	return ret;
}

static void free_ops(struct ks_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free_ops(ops[i].body, ops[i].nbody);
	free(ops);
}

void ks_scenario_free(struct ks_scenario *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->ndevdax; i++)
		free((char *)s->devdax[i].name);
	for (i = 0; i < s->npmem; i++)
		free((char *)s->pmem[i].name);
	for (i = 0; i < s->nfiles; i++)
		free((char *)s->files[i].name);
	for (i = 0; i < s->nthreads; i++) {
		free((char *)s->threads[i].name);
		free_ops(s->threads[i].ops, s->threads[i].nops);
	}
	for (i = 0; i < s->nexpect; i++) {
		for (j = 0; j < s->expect[i].nverdict; j++)
			free((char *)s->expect[i].verdict[j]);
		free(s->expect[i].verdict);
		free(s->expect[i].columns);
		free((char *)s->expect[i].variant);
	}
	free(s->ram);
	free(s->devdax);
	free(s->pmem);
	free(s->files);
	free(s->vmas);
	free(s->populate);
	free(s->pages);
	free(s->memslots);
	free(s->threads);
	free(s->expect);
	free((char *)s->name);
	free((char *)s->path);
	free((char *)s->header);
	free(s);
}
