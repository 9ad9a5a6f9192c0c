/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Variants of the KVM logic under review, and mutants (deliberately broken
 * variants, each naming the oracle that must catch it).
 *
 * A variant is C code with the kernel functions' control flow (sim/kvm/);
 * its file holds only the functions that differ from the variant it builds
 * on.  The registry below is what the CLI lists and selects from.
 */
#ifndef KVMSIM_VARIANT_H
#define KVMSIM_VARIANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvmsim/engine.h>
#include <kvmsim/world.h>


struct ks_variant {
	const char *name;		/* "v5.4-rc7" */
	const char *base;		/* the variant it builds on, or NULL */
	const char *kernel;		/* kernel version and commit(s) modelled */
	const char *summary;		/* one line for `kvmsim list` */
	bool mutant;
	const char *catches;		/* mutants: the oracle that must catch it */
	enum ks_era_id default_era;
	/*
	 * The lifted functions: the generation's ops table (sim/kvm/kvm.h:
	 * struct kvm_variant_ops for 4.19-5.x, struct kvm6_variant_ops for 6.x).
	 */
	const void *ops;
	const void *def;		/* the registry's: its declaration, if any */
};

size_t ks_variant_count(void);
const struct ks_variant *ks_variant_at(size_t i);
const struct ks_variant *ks_variant_lookup(const char *name);
/* For --load: a shared object's constructor registers its variants. */
int ks_variant_register(const struct ks_variant *v);
/* Why the last ks_variant_register() refused its variant, or NULL. */
const char *ks_variant_rejected(void);
/*
 * The @i-th function @v replaces over its base (NULL past the last), in
 * @commit the kernel commit that changed it, and in @removed whether that
 * commit removed it.  Either may be NULL.  For `list variants -v`.
 */
const char *ks_variant_replacement(const struct ks_variant *v, size_t i, const char **commit,
				   bool *removed);
uint64_t ks_variant_fingerprint(const struct ks_variant *v);

struct ks_scenario;		/* include/kvmsim/scenario.h */

/*
 * Search the runs of @scn with variant @v on era @era (NULL: the variant's
 * default).  Fills @res; returns 0, or -1 for a scenario this variant cannot
 * run (with a reason in @err).
 */
int ks_check_scenario(const struct ks_scenario *scn, const struct ks_variant *v,
		      const struct ks_era *era, const struct ks_search_opts *opts,
		      struct ks_search_result *res, char *err, size_t errlen);
/*
 * The program a search explores for (@scn, @v, @era), for replay; fills the
 * fingerprints in @opts.  Free it with ks_scenario_program_free().
 */
int ks_scenario_program(const struct ks_scenario *scn, const struct ks_variant *v,
			const struct ks_era *era, struct ks_program *prog,
			struct ks_search_opts *opts, char *err, size_t errlen);
void ks_scenario_program_free(struct ks_program *prog);

/*
 * The decision table of `kvmsim table` and `kvmsim diff` (sim/kvm/diff.c):
 * each variant's own code run on one page of each kind (normal, THP head and
 * tail, fsdax 4K and in a 2M PMD, device-dax 2M and 4K, the zero page, and
 * VM_PFNMAP of reserved RAM or of pfns without a struct page), holding the
 * reference its own hva_to_pfn() took.  A cell is "yes", "no" or "-" (the
 * variant has no such function), with " (WARN)" when a WARN fired.
 */
struct ks_decision_table {
	const struct ks_variant *const *variants;
	size_t nvariants;
	const char *const *kinds;	/* the page kinds, in order */
	size_t nkinds;
	const char *const *decisions;	/* the decisions asked of each kind */
	size_t ndecisions;
	const char **cells;		/* [kind][decision][variant] */
};

int ks_decision_table(const struct ks_variant *const *variants, size_t n,
		      struct ks_decision_table *t);
void ks_decision_table_free(struct ks_decision_table *t);
const char *ks_decision_cell(const struct ks_decision_table *t, size_t kind, size_t dec,
			     size_t variant);
/* Whether the variants answer (kind, dec) differently ("-" counts as "no"). */
bool ks_decision_row_differs(const struct ks_decision_table *t, size_t kind, size_t dec);

/*
 * `kvmsim diff A B`: the decision table of both, all rows or only those that
 * differ, as text in @out.  Returns the number of differing rows, -1 if out
 * of memory.
 */
int ks_variant_diff(const struct ks_variant *a, const struct ks_variant *b, bool all,
		    struct ks_buf *out);

/* Oracle names and one-line descriptions, for `kvmsim list oracles`. */
struct ks_oracle_desc {
	const char *name;
	const char *summary;
};
size_t ks_oracle_count(void);
const struct ks_oracle_desc *ks_oracle_at(size_t i);

#endif /* KVMSIM_VARIANT_H */
