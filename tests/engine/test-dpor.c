// SPDX-License-Identifier: GPL-2.0
/*
 * DPOR against plain DFS on random small programs (2-4 threads; shared
 * variables read, written and incremented; locks, nested or never released;
 * flags waited for, set and cleared; retry loops; assertions).  Plain DFS
 * explores every interleaving, so the two must reach the same final states,
 * the same violations and the same Foata classes: a reduction that drops a
 * class shows up here.  The seed is the loop index in the test's name.
 *
 * Set KVMSIM_SLOW_TESTS for more programs (the default is a few hundred, and
 * a tenth of that under Valgrind).
 */
#include <stdlib.h>
#include <string.h>

#include <valgrind/valgrind.h>

#include <kvmsim/engine.h>

#include "../ks-check.h"
#include "synth.h"

#define NPROGRAMS 300
#define MIN_OPS 8
#define MAX_OPS 12

struct u64set {
	uint64_t *v;
	size_t n, cap;
};

static void set_add(struct u64set *s, uint64_t x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		ck_assert_ptr_nonnull(s->v);
	}
	s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void set_finish(struct u64set *s)
{
	size_t i, n = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (i = 0; i < s->n; i++)
		if (!n || s->v[n - 1] != s->v[i])
			s->v[n++] = s->v[i];
	s->n = n;
}

/* Whether every element of sorted @a is in sorted @b. */
static bool set_within(const struct u64set *a, const struct u64set *b)
{
	size_t i, j = 0;

	for (i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j] < a->v[i])
			j++;
		if (j == b->n || b->v[j] != a->v[i])
			return false;
	}
	return true;
}

/* Equal, or (when DFS hit its run budget) what DFS saw is within what DPOR saw. */
static bool set_agree(const struct u64set *dfs, const struct u64set *dpor, bool dfs_complete)
{
	if (!set_within(dfs, dpor))
		return false;
	return !dfs_complete || dfs->n == dpor->n;
}

struct outcome {
	struct u64set states, classes, findings;
	struct ks_search_result res;
	unsigned attempt;
};

static void observe(void *ctx, const struct ks_run_info *info)
{
	struct outcome *o = ctx;

	if (info->attempt != o->attempt) {
		/* the search restarted (invisible steps): its earlier runs do not count */
		o->classes.n = 0;
		o->attempt = info->attempt;
	}
	if (info->outcome != KS_OUT_TERMINAL && info->outcome != KS_OUT_HANG)
		return;
	set_add(&o->states, synth_state_hash() ^ info->outcome);
	set_add(&o->classes, info->class_hash);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * How explore() searches: with lock sections, with invisible steps (the
 * default of every strategy but DFS).
 */
#define EX_SECTIONS	(1U << 0)
#define EX_INVISIBLE	(1U << 1)

static void explore(const struct ks_program *p, enum ks_strategy strat,
		    unsigned loop_bound, unsigned how, struct outcome *o)
{
	struct ks_search_opts opts = {
		/* DFS of a lock-heavy program can take 500,000 runs: fewer under Valgrind */
		.strategy = strat, .loop_bound = loop_bound,
		.max_runs = RUNNING_ON_VALGRIND ? 20000 : 500000, .bound = 64,
		.lock_sections = how & EX_SECTIONS, .no_invisible = !(how & EX_INVISIBLE),
		.on_run = observe, .on_run_ctx = o,
	};
	size_t i;

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(ks_search(p, &opts, &o->res), 0);
	for (i = 0; i < o->res.nfindings; i++) {
		const struct ks_finding *f = &o->res.findings[i];

		set_add(&o->findings, hash_str(f->oracle) * 31 + hash_str(f->message));
	}
	set_finish(&o->states);
	set_finish(&o->classes);
	set_finish(&o->findings);
}

static void outcome_free(struct outcome *o)
{
	free(o->states.v);
	free(o->classes.v);
	free(o->findings.v);
	ks_search_result_free(&o->res);
}

static int nprograms(void)
{
	if (getenv("KVMSIM_SLOW_TESTS"))
		return 10 * NPROGRAMS;
	return RUNNING_ON_VALGRIND ? NPROGRAMS / 10 : NPROGRAMS;
}

/* The size of program @seed: DFS's cost grows fast with it, so less under Valgrind. */
static int program_ops(int seed, bool for_dfs)
{
	int lo = MIN_OPS, hi = MAX_OPS;

	if (for_dfs && RUNNING_ON_VALGRIND && !getenv("KVMSIM_SLOW_TESTS"))
		lo -= 2, hi -= 3;
	return lo + seed % (hi - lo + 1);
}

/*
 * Random program number _i (its seed): expect DPOR and DFS to agree on the
 * final states, the violations and the classes, DPOR complete in no more
 * runs, and no note about the model.  (A program too big for DFS's run
 * budget only checks that DPOR reached everything DFS did.)  With the
 * lock-section reduction, two orders of leaf sections are one class to
 * DPOR: it must still reach every final state and violation, and only
 * classes that DFS has.
 */
/*
 * DPOR against DFS on program @seed.  Without the lock-section reduction,
 * the same final states, violations and classes.  With it (experimental:
 * hb.c "Lock sections"), the search is never complete and every state,
 * violation and class it reaches is one DFS reaches (a finding is a real
 * run); on the random programs it must also reach all of them, while on the
 * lock-heavy ones it is known to miss a few (17 of 3000 programs), which is
 * why it proves nothing.
 */
static void agrees_with(const struct ks_program *p, int seed, unsigned loop_bound,
			struct outcome *dfsp, unsigned ex, bool lock_heavy, const struct ks_buf *descp)
{
	const struct outcome dfs = *dfsp;
	const struct ks_buf desc = *descp;
	struct outcome dpor;
	bool sections = ex & EX_SECTIONS, invisible = ex & EX_INVISIBLE;
	const char *how = sections ? "lock sections" : invisible ? "invisible steps" :
							       "no lock sections";
	bool all, exact = !(sections && lock_heavy);

	explore(p, KS_STRAT_DPOR, loop_bound, ex, &dpor);
	all = dfs.res.complete;
	if (sections)
		ck_assert_msg(!dpor.res.complete && dpor.res.bounded_by &&
			      !strcmp(dpor.res.bounded_by, "lock-sections"),
			      "seed %d (%s): complete, or bounded by %s\n%s", seed, how,
			      dpor.res.bounded_by ? dpor.res.bounded_by : "nothing", desc.s);
	else
		ck_assert_msg(dpor.res.complete, "seed %d (%s): DPOR not complete\n%s", seed, how,
			      desc.s);
	ck_assert_msg(dfs.res.nnotes == 0 && dpor.res.nnotes == 0,
		      "seed %d (%s): %s\n%s", seed, how,
		      dfs.res.nnotes ? dfs.res.notes[0] : dpor.res.notes[0], desc.s);
	ck_assert_msg(exact ? set_agree(&dfs.states, &dpor.states, all) :
			      !all || set_within(&dpor.states, &dfs.states),
		      "seed %d (%s): final states: dfs %zu, dpor %zu\n%s", seed, how,
		      dfs.states.n, dpor.states.n, desc.s);
	ck_assert_msg(exact ? set_agree(&dfs.findings, &dpor.findings, all) :
			      !all || set_within(&dpor.findings, &dfs.findings),
		      "seed %d (%s): violations: dfs %zu, dpor %zu\n%s", seed, how,
		      dfs.findings.n, dpor.findings.n, desc.s);
	if (sections)
		ck_assert_msg(!all || set_within(&dpor.classes, &dfs.classes),
			      "seed %d (%s): a class DFS does not have\n%s", seed, how, desc.s);
	else if (invisible)
		/* a class's hash leaves hidden steps out: the same classes, other names */
		ck_assert_msg(all ? dpor.res.classes == dfs.res.classes :
				    dpor.res.classes >= dfs.res.classes,
			      "seed %d (%s): classes: dfs %llu, dpor %llu\n%s", seed, how,
			      (unsigned long long)dfs.res.classes,
			      (unsigned long long)dpor.res.classes, desc.s);
	else
		ck_assert_msg(set_agree(&dfs.classes, &dpor.classes, all),
			      "seed %d (%s): classes: dfs %zu, dpor %zu\n%s", seed, how,
			      dfs.classes.n, dpor.classes.n, desc.s);
	ck_assert_msg(dpor.res.runs <= dfs.res.runs, "seed %d (%s): dpor %llu runs, dfs %llu\n%s",
		      seed, how, (unsigned long long)dpor.res.runs,
		      (unsigned long long)dfs.res.runs, desc.s);
	ck_assert_uint_eq(dfs.res.classes, dfs.classes.n);
	ck_assert_uint_eq(dpor.res.classes, dpor.classes.n);
	outcome_free(&dpor);
}

/*
 * Program @seed (random, or made of lock sections) explored once by DFS,
 * then by DPOR without and with the lock-section reduction.
 */
static void agrees_with_dfs(int seed, bool lock_heavy)
{
	struct synth_rprog rp;
	struct ks_program p;
	struct outcome dfs;
	struct ks_buf desc = { 0 };
	unsigned loop_bound = 1 + (unsigned)seed % 3;

	if (lock_heavy)
		synth_random_sections(&rp, (uint64_t)seed);
	else
		synth_random(&rp, (uint64_t)seed, program_ops(seed, true));
	p = synth_program(&rp);
	synth_describe(&rp, &desc);
	explore(&p, KS_STRAT_DFS, loop_bound, 0, &dfs);
	agrees_with(&p, seed, loop_bound, &dfs, 0, lock_heavy, &desc);
	agrees_with(&p, seed, loop_bound, &dfs, EX_INVISIBLE, lock_heavy, &desc);
	agrees_with(&p, seed, loop_bound, &dfs, EX_SECTIONS, lock_heavy, &desc);
	ks_buf_free(&desc);
	outcome_free(&dfs);
}

START_TEST(test_dpor_agrees_with_dfs)
{
	agrees_with_dfs(_i, false);
}
END_TEST

/* The same on programs made of lock sections, with and without the reduction. */
START_TEST(test_dpor_lock_programs_agree_with_dfs)
{
	agrees_with_dfs(_i, true);
}
END_TEST

/*
 * Preemption bounding with a bound no run of these programs reaches is
 * plain DPOR: complete, the same final states and classes as DFS.
 */
START_TEST(test_bounded_agrees_with_dfs)
{
	struct synth_rprog rp;
	struct ks_program p;
	struct outcome dfs, b;
	unsigned loop_bound = 1 + (unsigned)_i % 3;

	synth_random(&rp, (uint64_t)_i, program_ops(_i, true));
	p = synth_program(&rp);
	explore(&p, KS_STRAT_DFS, loop_bound, 0, &dfs);
	explore(&p, KS_STRAT_BOUNDED, loop_bound, EX_INVISIBLE, &b);
	ck_assert_msg(b.res.complete, "seed %d: bounded by %s", _i,
		      b.res.bounded_by ? b.res.bounded_by : "?");
	ck_assert(set_agree(&dfs.states, &b.states, dfs.res.complete));
	ck_assert(set_agree(&dfs.findings, &b.findings, dfs.res.complete));
	ck_assert(!dfs.res.complete || dfs.res.classes == b.res.classes);
	outcome_free(&dfs);
	outcome_free(&b);
}
END_TEST

/*
 * Expect DPOR's redundancy, (terminal + hang + sleep-blocked) / classes, over
 * the first 100 random programs together to stay under 1.2.
 */
START_TEST(test_dpor_redundancy)
{
	uint64_t maximal = 0, classes = 0, hidden = 0, restarts = 0;
	int seed;

	for (seed = 0; seed < 100; seed++) {
		struct synth_rprog rp;
		struct ks_program p;
		struct outcome o;

		synth_random(&rp, (uint64_t)seed, program_ops(seed, false));
		p = synth_program(&rp);
		explore(&p, KS_STRAT_DPOR, 2, EX_INVISIBLE, &o);
		maximal += o.res.terminal + o.res.hangs + o.res.sleep_blocked;
		classes += o.res.classes;
		hidden += o.res.hidden_steps;
		restarts += o.res.restarts;
		outcome_free(&o);
	}
	/* the differential tests above test invisible steps only if some are hidden */
	ck_assert_msg(hidden > 0 && restarts > 0, "%llu hidden steps, %llu restarts",
		      (unsigned long long)hidden, (unsigned long long)restarts);
	ck_assert_msg(maximal <= classes * 12 / 10, "redundancy %.3f (%llu runs, %llu classes)",
		      (double)maximal / (double)classes, (unsigned long long)maximal,
		      (unsigned long long)classes);
}
END_TEST

/*
 * The shards of a search (shard.c) against the unsharded search, on random
 * program _i, split 2, 3 and 5 ways: each shard complete; together the same
 * final states, violations and classes (set and digest) as the unsharded
 * DPOR (and, for DFS, as unsharded DFS); the merged result's classes and
 * digest those of the union.
 */
static void shards_agree(int seed, enum ks_strategy strat)
{
	static const unsigned ways[] = { 2, 3, 5 };
	struct synth_rprog rp;
	struct ks_program p;
	struct outcome whole;
	unsigned loop_bound = 1 + (unsigned)seed % 3, w, i;

	synth_random(&rp, (uint64_t)seed, program_ops(seed, strat == KS_STRAT_DFS));
	p = synth_program(&rp);
	/* shards hide the steps the whole search does (DFS: none) */
	explore(&p, strat, loop_bound, strat == KS_STRAT_DFS ? 0 : EX_INVISIBLE, &whole);
	if (!whole.res.complete)
		goto out;		/* a DFS past its run budget */
	for (w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
		struct outcome part = { 0 }, all = { 0 };
		struct ks_search_result merged = { 0 };

		for (i = 0; i < ways[w]; i++) {
			struct ks_search_opts opts = {
				.strategy = strat, .loop_bound = loop_bound, .max_runs = 500000,
				.shard = i, .nshards = ways[w], .keep_classes = true,
				/* DPOR deals its backtrack points as soon as it has one a shard */
				.shard_spread = 1,
				.on_run = observe, .on_run_ctx = &all,
			};
			size_t k;

			ck_assert_int_eq(ks_search(&p, &opts, &part.res), 0);
			ck_assert_msg(part.res.complete, "seed %d, shard %u/%u: bounded by %s", seed,
				      i, ways[w], part.res.bounded_by ? part.res.bounded_by : "?");
			ck_assert_uint_eq(part.res.prefixes, merged.merged ? merged.prefixes :
									      part.res.prefixes);
			for (k = 0; k < part.res.nfindings; k++)
				set_add(&all.findings, hash_str(part.res.findings[k].oracle) * 31 +
						       hash_str(part.res.findings[k].message));
			ks_search_result_merge(&merged, &part.res);
			ks_search_result_free(&part.res);
		}
		set_finish(&all.states);
		set_finish(&all.classes);
		set_finish(&all.findings);
		ck_assert_msg(all.states.n == whole.states.n && set_within(&all.states, &whole.states),
			      "seed %d, %u shards: final states %zu, unsharded %zu", seed, ways[w],
			      all.states.n, whole.states.n);
		ck_assert_msg(all.findings.n == whole.findings.n &&
			      set_within(&all.findings, &whole.findings),
			      "seed %d, %u shards: violations %zu, unsharded %zu", seed, ways[w],
			      all.findings.n, whole.findings.n);
		ck_assert_msg(all.classes.n == whole.classes.n && set_within(&all.classes, &whole.classes),
			      "seed %d, %u shards: classes %zu, unsharded %zu", seed, ways[w],
			      all.classes.n, whole.classes.n);
		ck_assert(merged.complete);
		ck_assert_uint_eq(merged.merged, ways[w]);
		ck_assert_uint_eq(merged.classes, whole.res.classes);
		ck_assert_uint_eq(merged.class_digest, whole.res.class_digest);
		ck_assert_uint_eq(merged.nverdict, whole.res.nverdict);
		ck_assert_uint_eq(merged.prefixes_owned, merged.prefixes);
		ks_search_result_free(&merged);
		outcome_free(&all);
	}
out:
	outcome_free(&whole);
}

START_TEST(test_dpor_shards_agree)
{
	shards_agree(_i, KS_STRAT_DPOR);
}
END_TEST

START_TEST(test_dfs_shards_agree)
{
	shards_agree(_i, KS_STRAT_DFS);
}
END_TEST

/*
 * Shards whose common probe is one run learn too little: a shard that meets
 * a conflict with a step it hid must say so (bounded by "invisible"), and
 * when none does, the four shards together are the whole search: the same
 * final states, violations and number of classes.  Over the first 100
 * programs both happen.
 */
START_TEST(test_shards_short_probe)
{
	unsigned flagged = 0, agreed = 0;
	int seed;

	for (seed = 0; seed < 100; seed++) {
		struct synth_rprog rp;
		struct ks_program p;
		struct outcome whole, all = { 0 };
		bool violated = false;
		unsigned loop_bound = 1 + (unsigned)seed % 3, i;
		size_t k;

		synth_random(&rp, (uint64_t)seed, program_ops(seed, false));
		p = synth_program(&rp);
		explore(&p, KS_STRAT_DPOR, loop_bound, EX_INVISIBLE, &whole);
		for (i = 0; i < 4; i++) {
			struct ks_search_opts opts = {
				.strategy = KS_STRAT_DPOR, .loop_bound = loop_bound,
				.max_runs = 500000, .shard = i, .nshards = 4,
				.shard_probe_runs = 1, .keep_classes = true,
				.on_run = observe, .on_run_ctx = &all,
			};
			struct ks_search_result res;

			ck_assert_int_eq(ks_search(&p, &opts, &res), 0);
			if (!res.complete) {
				ck_assert_str_eq(res.bounded_by, "invisible");
				ck_assert_uint_eq(res.nnotes, 1);
				violated = true;
			}
			for (k = 0; k < res.nfindings; k++)
				set_add(&all.findings, hash_str(res.findings[k].oracle) * 31 +
						       hash_str(res.findings[k].message));
			ks_search_result_free(&res);
		}
		set_finish(&all.states);
		set_finish(&all.classes);
		set_finish(&all.findings);
		if (violated) {
			flagged++;
		} else {
			agreed++;
			ck_assert_msg(all.states.n == whole.states.n &&
				      set_within(&all.states, &whole.states),
				      "seed %d: final states %zu, whole %zu", seed, all.states.n,
				      whole.states.n);
			ck_assert_msg(all.findings.n == whole.findings.n &&
				      set_within(&all.findings, &whole.findings),
				      "seed %d: violations", seed);
			ck_assert_msg(all.classes.n == whole.res.classes,
				      "seed %d: classes %zu, whole %llu", seed, all.classes.n,
				      (unsigned long long)whole.res.classes);
		}
		outcome_free(&all);
		outcome_free(&whole);
	}
	ck_assert_msg(flagged > 0 && agreed > 0, "%u flagged, %u agreed", flagged, agreed);
}
END_TEST

static Suite *dpor_suite(void)
{
	Suite *s = suite_create("engine-dpor");
	TCase *tc = tcase_create("differential");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_dpor_agrees_with_dfs, 0, nprograms());
	tcase_add_loop_test(tc, test_dpor_lock_programs_agree_with_dfs, 0, nprograms());
	tcase_add_loop_test(tc, test_bounded_agrees_with_dfs, 0, nprograms() / 3);
	tcase_add_test(tc, test_dpor_redundancy);
	tcase_add_loop_test(tc, test_dpor_shards_agree, 0, nprograms() / 2);
	tcase_add_loop_test(tc, test_dfs_shards_agree, 0, nprograms() / 10);
	tcase_add_test(tc, test_shards_short_probe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(dpor_suite());
}
