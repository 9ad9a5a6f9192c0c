/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios: the world, the threads and the expected verdicts of a `.scn`
 * file (docs/scenario-format.md), parsed into the tree below.
 *
 * Names are resolved at parse time: an mmap names its device or file, an
 * unbind its device, a truncate its file, and the tree holds pointers to them.
 * Every item keeps the line it came from so that a consumer can point back
 * into the file ("d1.scn:27: ...").  Sizes and counts are exact integers, in
 * the unit their field names (hva and size in bytes, pfn/npages/gfn in pages).
 *
 * The whole tree is owned by the struct ks_scenario and goes with
 * ks_scenario_free().
 */
#ifndef KVMSIM_SCENARIO_H
#define KVMSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvmsim/world.h>	/* enum ks_owner_kind */

/* ---- the world ----------------------------------------------------------- */

/* `ram pfn=N size=S`: ordinary RAM that anonymous faults allocate from. */
struct ks_scn_ram {
	uint64_t pfn, npages;
	unsigned int line;
};

/* `devdax NAME pfn=N size=S align=A`: a device-dax instance (/dev/daxX.Y). */
struct ks_scn_devdax {
	const char *name;
	uint64_t pfn, npages;
	uint64_t align;			/* bytes: 4K, 2M or 1G */
	unsigned int line;
};

/* `pmem NAME pfn=N size=S`: a pmem namespace with an fsdax filesystem. */
struct ks_scn_pmem {
	const char *name;
	uint64_t pfn, npages;
	unsigned int line;
};

/* `file NAME pmem=P pages=N [pfn=F]`: a file on @pmem whose blocks are [pfn, +npages). */
struct ks_scn_file {
	const char *name;
	const struct ks_scn_pmem *pmem;
	uint64_t pfn, npages;
	uint64_t extent;	/* the filesystem's allocation unit: 4K, or 2M (PMD faults) */
	unsigned int line;
};

/* Protections: `prot=none|r|rw` of a mapping or an mprotect. */
#define KS_PROT_READ	(1U << 0)
#define KS_PROT_WRITE	(1U << 1)

enum ks_vma_kind {
	KS_VMA_ANON,		/* `anon hva= size= [thp] [prot=]` (MAP_PRIVATE) */
	KS_VMA_DEVDAX,		/* `mmap DEVDAX hva= [size=] [offset=] [prot=]` */
	KS_VMA_FILE,		/* `mmap FILE hva= [size=] [offset=] [prot=]` (MAP_SHARED) */
	KS_VMA_PFNMAP,		/* `pfnmap hva= size= pfn= [prot=]` (remap_pfn_range) */
	KS_VMA_NR
};

/* A mapping of the VMM process (one mm per world). */
struct ks_scn_vma {
	enum ks_vma_kind kind;
	uint64_t hva, size;		/* bytes, page-aligned */
	bool thp;			/* KS_VMA_ANON: THP allowed */
	unsigned int prot;		/* KS_PROT_*: what the VMM mapped it with (default rw) */
	const struct ks_scn_devdax *devdax;	/* KS_VMA_DEVDAX */
	const struct ks_scn_file *file;		/* KS_VMA_FILE */
	uint64_t pgoff;			/* DEVDAX, FILE: offset into it, in pages */
	uint64_t pfn;			/* KS_VMA_PFNMAP: the first pfn */
	unsigned int line;
};

/* `populate hva= size= read|write`: the VMM touches its memory at setup. */
struct ks_scn_populate {
	uint64_t hva, size;
	bool write;
	unsigned int line;
};

/*
 * `page pfn=N [order=O] [compound] [thp] [refcount=R] [reserved] [owner=K]`:
 * explicit properties of the page(s) [pfn, pfn + 2^order), as in
 * struct ks_page_init (include/kvmsim/world.h).
 */
struct ks_scn_page {
	uint64_t pfn;
	unsigned int order;
	bool compound, thp, reserved;
	int refcount;
	enum ks_owner_kind own;
	const char *owner;		/* the owner= word, or NULL */
	unsigned int line;
};

#define KS_SLOT_DIRTY_LOG	(1U << 0)	/* KVM_MEM_LOG_DIRTY_PAGES */
#define KS_SLOT_READONLY	(1U << 1)	/* KVM_MEM_READONLY */

/* `memslot ID gfn=G hva=H pages=N [dirty-log] [readonly]`. */
struct ks_scn_memslot {
	unsigned int id;
	uint64_t base_gfn, npages;
	uint64_t hva;
	uint32_t flags;			/* KS_SLOT_* */
	unsigned int line;
};

/*
 * `search runs=N`: the scenario's own search budget, for a search the engine
 * cannot yet finish in reasonable time.  Used when the user gives neither
 * --runs nor --time; a search that stops at it is reported bounded.
 */
struct ks_scn_search {
	unsigned int runs;
	unsigned int line;
};

/* ---- threads ---------------------------------------------------------------- */

/*
 * The operations.  docs/scenario-format.md and the table in
 * sim/scenario/syntax.c list their arguments; adding one is an entry there and
 * a case in the interpreter (sim/kvm).
 */
enum ks_op_kind {
	KS_OP_FAULT,		/* vCPU: EPT violation at gfn (read|write) */
	KS_OP_ACCESS,		/* vCPU: guest access through the SPTE (read|write) */
	KS_OP_VCPU_MAP,		/* vCPU: kvm_vcpu_map(gfn) */
	KS_OP_VCPU_UNMAP,	/* vCPU: kvm_vcpu_unmap(gfn) */
	KS_OP_MAP_ACCESS,	/* vCPU: KVM touches gfn through its kvm_vcpu_map() (read|write) */
	KS_OP_MUNMAP,		/* munmap(hva, size) */
	KS_OP_MPROTECT,		/* mprotect(hva, size, prot) */
	KS_OP_THP_SPLIT,	/* split the THP mapped at hva */
	KS_OP_AGE,		/* page aging (clear_flush_young) at hva */
	KS_OP_UNBIND,		/* device-dax unbind */
	KS_OP_TRUNCATE,		/* fsdax truncate to npages */
	KS_OP_ZAP,		/* kvm_zap_gfn_range(gfn, gfn + npages) */
	KS_OP_TEARDOWN,		/* VM teardown (kvm_destroy_vm) */
	KS_OP_REPEAT,		/* the body, count times */
	KS_OP_NR
};

struct ks_op {
	enum ks_op_kind kind;
	unsigned int line, column;
	bool write;		/* FAULT, ACCESS, MAP_ACCESS: a write */
	uint64_t gfn;		/* FAULT, ACCESS, VCPU_MAP, VCPU_UNMAP, MAP_ACCESS, ZAP */
	uint64_t npages;	/* ZAP: gfns; TRUNCATE: the new size in pages */
	uint64_t hva;		/* MUNMAP, MPROTECT, THP_SPLIT, AGE */
	uint64_t size;		/* MUNMAP, MPROTECT: bytes */
	unsigned int prot;	/* MPROTECT: KS_PROT_* */
	const struct ks_scn_devdax *devdax;	/* UNBIND */
	const struct ks_scn_file *file;		/* TRUNCATE */
	unsigned int count;	/* REPEAT */
	struct ks_op *body;	/* REPEAT */
	size_t nbody;
};

/* The operation's keyword ("fault", "thp-split", ...). */
const char *ks_op_name(enum ks_op_kind kind);
/* Whether @kind runs on a vCPU (a thread doing one is a vCPU thread). */
bool ks_op_is_vcpu(enum ks_op_kind kind);

/* `thread NAME` ... `end`. */
struct ks_scn_thread {
	const char *name;
	bool vcpu;		/* it does a vCPU operation */
	int vcpu_id;		/* 0, 1, ... among vCPU threads in file order; -1 */
	struct ks_op *ops;
	size_t nops;
	unsigned int line;
};

/* ---- expectations ---------------------------------------------------------- */

/*
 * `expect VARIANT KIND...` (or `expect VARIANT ok`): the verdict the search
 * must reach with that variant, a sorted set of finding kinds ("hang",
 * "note(missed-huge)"); ok is the empty set.
 */
struct ks_scn_expect {
	const char *variant;
	const char **verdict;	/* sorted, distinct */
	size_t nverdict;
	unsigned int line, column;	/* of the variant name */
	unsigned int *columns;	/* of each verdict[i] */
};

/* ---- the scenario ------------------------------------------------------------ */

struct ks_scenario {
	const char *name;	/* the file's base name without ".scn" */
	const char *path;	/* as given to ks_scenario_load() */
	const char *header;	/* the opening comment block, '#' stripped */

	struct ks_scn_ram *ram;
	size_t nram;
	struct ks_scn_devdax *devdax;
	size_t ndevdax;
	struct ks_scn_pmem *pmem;
	size_t npmem;
	struct ks_scn_file *files;
	size_t nfiles;
	struct ks_scn_vma *vmas;	/* in file order */
	size_t nvmas;
	struct ks_scn_populate *populate;
	size_t npopulate;
	struct ks_scn_page *pages;
	size_t npages;
	struct ks_scn_memslot *memslots;
	size_t nmemslots;
	struct ks_scn_search search;	/* runs == 0: none */

	struct ks_scn_thread *threads;	/* in file order */
	size_t nthreads;
	size_t nvcpus;

	struct ks_scn_expect *expect;	/* in file order */
	size_t nexpect;
};

/*
 * Parse the file at @path.  Returns 0 and the scenario in @out, or -1 with
 * one line in @err: "path:line:column: message" for malformed input,
 * "path: reason" when the file cannot be read.
 */
int ks_scenario_load(const char *path, struct ks_scenario **out,
		     char *err, size_t errlen);
/*
 * Parse @text (NUL-terminated) as if read from @path (used in messages and,
 * through its base name, as the scenario's name).
 */
int ks_scenario_parse_string(const char *text, const char *path,
			     struct ks_scenario **out, char *err, size_t errlen);
void ks_scenario_free(struct ks_scenario *scn);

/*
 * A stable hash of what a run depends on: the world and the threads.  The
 * name, the path, comments, layout, spelling of numbers and the expectations
 * do not change it (a token stays valid while expectations are tuned).
 */
uint64_t ks_scenario_fingerprint(const struct ks_scenario *scn);

/*
 * The canonical text of @scn (heap, for free()): one item per line, numbers
 * in hex, no comments; with @expect, the expectations too.  Parsing it gives
 * the same fingerprint.
 */
char *ks_scenario_format(const struct ks_scenario *scn, bool expect);

/* The expectation for @variant, or NULL. */
const struct ks_scn_expect *ks_scenario_expect(const struct ks_scenario *scn,
					       const char *variant);

/*
 * Check the names the parser cannot know: each expectation's variant must be
 * one of @variants, each finding kind one of @kinds or "note(X)" with "X" or
 * "note(X)" among @kinds.  Returns 0, or -1 with "path:line:column: unknown
 * variant 'v5.44'; did you mean 'v5.4'?" in @err.
 */
int ks_scenario_check_names(const struct ks_scenario *scn,
			    const char *const *variants, size_t nvariants,
			    const char *const *kinds, size_t nkinds,
			    char *err, size_t errlen);

/* ---- nearest spelling ---------------------------------------------------------- */

/*
 * "did you mean": feed candidates one by one, then take the closest one if it
 * is close enough (optimal string alignment distance, a transposition
 * counting 1, at most a third of the word's length and at least 1), or NULL.
 *
 *	struct ks_spell sp;
 *	ks_spell_init(&sp, word);
 *	for (...) ks_spell_add(&sp, candidate);
 *	best = ks_spell_best(&sp);
 */
struct ks_spell {
	const char *word;
	const char *best;
	unsigned int dist;
};
void ks_spell_init(struct ks_spell *sp, const char *word);
void ks_spell_add(struct ks_spell *sp, const char *candidate);
const char *ks_spell_best(const struct ks_spell *sp);
/* Optimal string alignment distance between @a and @b. */
unsigned int ks_spell_distance(const char *a, const char *b);

#endif /* KVMSIM_SCENARIO_H */
