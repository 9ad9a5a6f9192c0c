/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenario parser's insides: the keyword tables (syntax.c) and what they
 * share with the line parser (parse.c).
 *
 * A line is a keyword and its words.  A word is a bare word (a flag, a
 * choice such as read|write, or the positional name or number right after the
 * keyword) or key=value.  Each keyword's table entry lists its arguments; the
 * parser checks and converts them, writes them into the item at the offsets
 * given, and calls the entry's check function for what spans arguments.
 */
#ifndef KVMSIM_SCN_H
#define KVMSIM_SCN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvmsim/scenario.h>

#define KS_SCN_PAGE_SIZE	4096ULL
#define KS_SCN_MAX_WORDS	32
#define KS_SCN_MAX_ARGS		10
#define KS_SCN_MAX_REPEAT	1000
#define KS_SCN_MAX_DEPTH	8
/* kvm_vcpu_map() mappings a thread holds at once (sim/kvm's KVM_MAX_HOST_MAPS) */
#define KS_SCN_MAX_MAPS		4
#define KS_SCN_NO_FIELD		((size_t)-1)
#define KS_SCN_HVA_LIMIT	(1ULL << 47)	/* x86-64 user address space */
#define KS_SCN_PFN_LIMIT	(1ULL << 40)	/* 52-bit physical addresses */
/* Pages of one ram, device or file region, or memslot: the model keeps a struct page each. */
#define KS_SCN_MAX_PAGES	(1ULL << 20)	/* 4G */
/* The largest scenario file read (anything larger is not a scenario). */
#define KS_SCN_MAX_FILE		(1U << 20)

enum scn_arg_type {
	ARG_ADDR,	/* u64 bytes, page-aligned (hva) */
	ARG_OFFSET,	/* u64 pages, given as page-aligned bytes (offset=2M) */
	ARG_BYTES,	/* u64 bytes, page-aligned, > 0; pages=N also accepted */
	ARG_PAGES,	/* u64 page count > 0; size=S (page-aligned) also accepted */
	ARG_PAGES0,	/* u64 page count, 0 allowed */
	ARG_PFN,	/* u64 any number (pfn, gfn) */
	ARG_ALIGN,	/* u64 bytes: 4K, 2M or 1G */
	ARG_UINT,	/* unsigned int, 0 .. max */
	ARG_INT,	/* int, 0 .. max */
	ARG_PROT,	/* unsigned int KS_PROT_*: none | r | rw */
	ARG_OWNER,	/* enum ks_owner_kind: alloc | memmap | pagecache */
	ARG_REF,	/* const void *: a name declared earlier, of the kinds in .refs */
	ARG_FLAG,	/* bool: a bare word, true when present */
	ARG_CHOICE,	/* bool: one of two bare words "a|b"; true for b */
	ARG_NAME,	/* const char *: a new name (positional) */
};

/* Kinds of names; a name is declared once across all kinds. */
enum scn_name_kind {
	NAME_DEVDAX = 1 << 0,
	NAME_PMEM = 1 << 1,
	NAME_FILE = 1 << 2,
	NAME_THREAD = 1 << 3,
};

struct scn_arg {
	const char *name;	/* key, flag word, or "a|b" for a choice */
	enum scn_arg_type type;
	bool required;
	bool pos;		/* positional: the word right after the keyword */
	size_t off;		/* in the item, or KS_SCN_NO_FIELD */
	uint64_t max;		/* ARG_UINT, ARG_INT: largest value; 0: none */
	unsigned int refs;	/* ARG_REF: enum scn_name_kind mask; ARG_NAME: its kind */
};

struct scn_parser;

/* The words of one line, with where each starts (1-based byte columns). */
struct scn_word {
	const char *s;		/* the word, or the key of key=value */
	const char *val;	/* the value of key=value, or NULL */
	unsigned int col, vcol;
};

/* The arguments as given: for each of the entry's args, whether and where. */
struct scn_args {
	const struct scn_arg *spec;
	size_t nspec;
	bool set[KS_SCN_MAX_ARGS];
	unsigned int col[KS_SCN_MAX_ARGS];
	unsigned int kwcol;		/* the keyword's column */
	int refkind[KS_SCN_MAX_ARGS];	/* ARG_REF: the kind it resolved to */
};

struct scn_keyword {
	const char *name;
	const struct scn_arg *args;
	size_t nargs;
	/* World items: append an item to the scenario and return it (zeroed). */
	void *(*add)(struct scn_parser *p);
	/* After the arguments are in: checks across arguments and items. */
	void (*check)(struct scn_parser *p, void *item, const struct scn_args *a);
	/* Operations: the kind; vCPU operations make a vCPU thread. */
	enum ks_op_kind op;
	bool vcpu;
};

extern const struct scn_keyword ks_scn_world[];
extern const size_t ks_scn_nworld;
extern const struct scn_keyword ks_scn_ops[];
extern const size_t ks_scn_nops;

struct scn_name {
	const char *name;
	enum scn_name_kind kind;
	const void *item;
	unsigned int line;
};

struct scn_parser {
	const char *path;
	struct ks_scenario *scn;
	char *err;
	size_t errlen;
	jmp_buf fail;
	char *text;		/* our copy, cut into lines and words */
	char *cur;		/* the next line in it, or NULL */
	unsigned int line;
	struct scn_name *names;
	size_t nnames, capnames;
	/* Capacities of the arrays items point into (counted before parsing). */
	size_t capdevdax, cappmem, capfiles;
};

/* Report "path:line:col: message" and abandon the parse. */
void scn_fail(struct scn_parser *p, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* The column of @a's argument @name (the keyword's if it was not given). */
unsigned int scn_argcol(const struct scn_args *a, const char *name);
bool scn_argset(const struct scn_args *a, const char *name);
/* Quote @s for a message: printable ASCII as is, other bytes as \xNN. */
const char *scn_quote(const char *s, char *buf, size_t len);

/* Growable arrays of the scenario. */
void *scn_grow(void *arr, size_t *n, size_t size);

#endif /* KVMSIM_SCN_H */
