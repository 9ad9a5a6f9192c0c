// SPDX-License-Identifier: GPL-2.0
/*
 * The shipped scenarios, searched exhaustively against each variant: the
 * verdicts of their expect lines, the hang's waits-for chain, replay of a
 * failing run, and every mutant caught by the oracle it names.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/valgrind.h>

#include <kvmsim/engine.h>
#include <kvmsim/scenario.h>
#include <kvmsim/variant.h>

#include "../ks-check.h"

static struct ks_scenario *load(const char *name)
{
	const char *src = getenv("KVMSIM_SRCDIR");
	char path[4096], err[512];
	struct ks_scenario *scn;

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s.scn",
		 src ? src : KVMSIM_SRCDIR, name);
	ck_assert_msg(!ks_scenario_load(path, &scn, err, sizeof(err)), "%s", err);
	return scn;
}

static bool verdict_has(const struct ks_search_result *res, const char *oracle)
{
	size_t i;

	for (i = 0; i < res->nverdict; i++)
		if (!strcmp(res->verdict[i], oracle))
			return true;
	return false;
}

static void search(const struct ks_scenario *scn, const char *variant,
		   struct ks_search_result *res)
{
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR };
	const struct ks_variant *v = ks_variant_lookup(variant);
	char err[512];

	ck_assert_msg(v != NULL, "variant %s", variant);
	memset(res, 0, sizeof(*res));
	ck_assert_msg(!ks_check_scenario(scn, v, NULL, &opts, res, err, sizeof(err)),
		      "%s", err);
}

/*
 * The search reaches exactly the expect line's verdict.  An expected ok must
 * rest on a complete search, unless the scenario sets its own search budget
 * (and says so); findings found by a bounded search are real all the same.
 */
static void check_expected(const char *name, const char *variant)
{
	struct ks_scenario *scn = load(name);
	const struct ks_scn_expect *exp = ks_scenario_expect(scn, variant);
	struct ks_search_result res;
	size_t i;

	ck_assert_msg(exp != NULL, "%s has an expectation for %s", name, variant);
	search(scn, variant, &res);
	ck_assert_msg(res.complete || scn->search.runs || exp->nverdict,
		      "%s on %s: the search is complete (bounded by %s)", name, variant,
		      res.bounded_by ? res.bounded_by : "?");
	ck_assert_msg(res.nverdict == exp->nverdict,
		      "%s on %s: %zu finding kinds, expected %zu", name, variant,
		      res.nverdict, exp->nverdict);
	for (i = 0; i < res.nverdict; i++)
		ck_assert_str_eq(res.verdict[i], exp->verdict[i]);
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}

/* Every expect line of every scenario shipped in tests/scenarios. */
struct shipped_case {
	char scenario[128];
	char variant[64];
};

static struct shipped_case *shipped;
static int nshipped;

/*
 * Searches too long for memcheck's slowdown (fault-vs-thp-split's budget is
 * 3,000 runs of ~5,000 steps, fsdax-truncate-vs-fault's 500 of ~2,000,
 * minutes each under memcheck): the plain and the sanitizer builds run them.
 */
static bool too_slow_for_memcheck(const struct shipped_case *c)
{
	/* the mutation matrix runs the same code as its bases: the plain build does it */
	if (!strncmp(c->variant, "mut-", 4))
		return true;
	return (!strcmp(c->scenario, "d1-devdax-unbind-hang") && !strcmp(c->variant, "v5.4")) ||
	       !strcmp(c->scenario, "fault-vs-thp-split") ||
	       !strcmp(c->scenario, "fsdax-truncate-vs-fault");
}

START_TEST(test_shipped_verdicts)
{
	const struct shipped_case *c = &shipped[_i];

	if (RUNNING_ON_VALGRIND && too_slow_for_memcheck(c))
		return;
	check_expected(c->scenario, c->variant);
}
END_TEST

/*
 * Loop bounds 1, 2 and 3 agree (issue 7.7): every search either reaches the
 * verdict of the default bound's complete search, or says it is bounded.
 * The searches run to a budget of runs, so a long one says so instead of
 * running for minutes.
 */
#define AGREE_BUDGET 1500

START_TEST(test_loop_bounds_agree)
{
	const struct shipped_case *c = &shipped[_i];
	struct ks_scenario *scn;
	const struct ks_variant *v;
	const struct ks_scn_expect *exp;
	unsigned int lb;
	char err[512];
	size_t i;

	if (RUNNING_ON_VALGRIND)
		return;		/* three searches a case: the plain build does them */
	scn = load(c->scenario);
	v = ks_variant_lookup(c->variant);
	exp = ks_scenario_expect(scn, c->variant);
	/*
	 * A scenario with its own budget is bounded at every loop bound, and a
	 * mutant's bug is not the loop's: the kernels on searches that can end.
	 */
	if (scn->search.runs || v->mutant) {
		ks_scenario_free(scn);
		return;
	}
	for (lb = 1; lb <= 3; lb++) {
		struct ks_search_opts o = { .strategy = KS_STRAT_DPOR, .loop_bound = lb,
					    .max_runs = AGREE_BUDGET };
		struct ks_search_result res;
		bool same;

		ck_assert(!ks_check_scenario(scn, v, NULL, &o, &res, err, sizeof(err)));
		same = res.nverdict == exp->nverdict;
		for (i = 0; same && i < res.nverdict; i++)
			same = !strcmp(res.verdict[i], exp->verdict[i]);
		/* A bounded search still reports only real findings. */
		ck_assert_msg(same || (!res.complete && res.nverdict < exp->nverdict),
			      "%s on %s, loop bound %u: verdict differs (%s)", c->scenario,
			      c->variant, lb, res.complete ? "complete" : res.bounded_by);
		ks_search_result_free(&res);
	}
	ks_scenario_free(scn);
}
END_TEST

/*
 * Invisible steps (run.c) change nothing but the names of classes: with and
 * without them, each shipped case has the same verdict, the same number of
 * classes and the same completeness, and with them it hides steps.  To a
 * budget of runs, compared where both searches complete.
 */
START_TEST(test_invisible_steps_agree)
{
	const struct shipped_case *c = &shipped[_i];
	struct ks_search_result res[2];
	struct ks_scenario *scn;
	const struct ks_variant *v;
	char err[512];
	size_t i;
	int k;

	if (RUNNING_ON_VALGRIND && too_slow_for_memcheck(c))
		return;
	scn = load(c->scenario);
	v = ks_variant_lookup(c->variant);
	for (k = 0; k < 2; k++) {
		struct ks_search_opts o = { .strategy = KS_STRAT_DPOR, .no_invisible = k,
					    .max_runs = AGREE_BUDGET };

		ck_assert(!ks_check_scenario(scn, v, NULL, &o, &res[k], err, sizeof(err)));
	}
	ck_assert_msg(res[0].hidden_steps > 0 && res[1].hidden_steps == 0,
		      "%s on %s: %llu steps hidden, %llu without", c->scenario, c->variant,
		      (unsigned long long)res[0].hidden_steps,
		      (unsigned long long)res[1].hidden_steps);
	if (res[0].complete || res[1].complete) {
		ck_assert_msg(res[0].complete == res[1].complete &&
			      res[0].classes == res[1].classes,
			      "%s on %s: %s, %llu classes; without invisible steps %s, %llu",
			      c->scenario, c->variant, res[0].complete ? "complete" : "bounded",
			      (unsigned long long)res[0].classes,
			      res[1].complete ? "complete" : "bounded",
			      (unsigned long long)res[1].classes);
		ck_assert_uint_eq(res[0].nverdict, res[1].nverdict);
		for (i = 0; i < res[0].nverdict; i++)
			ck_assert_str_eq(res[0].verdict[i], res[1].verdict[i]);
	}
	ks_search_result_free(&res[0]);
	ks_search_result_free(&res[1]);
	ks_scenario_free(scn);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_shipped(void)
{
	const char *src = getenv("KVMSIM_SRCDIR");
	char dir[4096], *names[256];
	struct dirent *de;
	int n = 0, i;
	size_t j;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/scenarios", src ? src : KVMSIM_SRCDIR);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot read %s\n", dir);
		exit(EXIT_FAILURE);
	}
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);

		if (len > 4 && !strcmp(de->d_name + len - 4, ".scn"))
			names[n++] = strndup(de->d_name, len - 4);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char path[4200], err[512];
		struct ks_scenario *scn;

		snprintf(path, sizeof(path), "%s/%s.scn", dir, names[i]);
		if (ks_scenario_load(path, &scn, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			exit(EXIT_FAILURE);
		}
		for (j = 0; j < scn->nexpect; j++) {
			struct shipped_case *c;

			shipped = realloc(shipped, (size_t)(nshipped + 1) * sizeof(*shipped));
			if (!shipped)
				exit(EXIT_FAILURE);
			c = &shipped[nshipped++];
			snprintf(c->scenario, sizeof(c->scenario), "%s", names[i]);
			snprintf(c->variant, sizeof(c->variant), "%s", scn->expect[j].variant);
		}
		ks_scenario_free(scn);
		free(names[i]);
	}
}

/*
 * The D1 hang's chain names the vCPU's gup steps that took the leaked
 * references, and the token replays the same hang.
 */
START_TEST(test_d1_hang_chain_and_replay)
{
	struct ks_scenario *scn = load("d1-devdax-unbind-hang");
	const struct ks_variant *v = ks_variant_lookup("v5.4-rc7");
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR, .stop_on_first = true };
	struct ks_search_result res = { 0 };
	struct ks_program prog;
	struct ks_token tok;
	enum ks_run_status st;
	struct ks_buf trace = { 0 };
	char err[512];
	const struct ks_finding *f = NULL;
	size_t i;

	ck_assert(!ks_check_scenario(scn, v, NULL, &opts, &res, err, sizeof(err)));
	for (i = 0; i < res.nfindings; i++)
		if (!strcmp(res.findings[i].oracle, "hang"))
			f = &res.findings[i];
	ck_assert_msg(f != NULL, "a hang was found");
	ck_assert_ptr_nonnull(strstr(f->message, "memunmap_pages waits for"));
	ck_assert_ptr_nonnull(strstr(f->message, "gup by vcpu0 hva_to_pfn"));
	ck_assert_ptr_nonnull(strstr(f->message, "at step "));

	ck_assert_msg(!ks_token_parse(f->token, &tok, err, sizeof(err)), "%s", err);
	opts.stop_on_first = false;
	ck_assert(!ks_scenario_program(scn, v, NULL, &prog, &opts, err, sizeof(err)));
	ck_assert_msg(!ks_replay(&prog, &opts, &tok, &st, &trace, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(st, KS_RUN_HANG);
	ck_assert_ptr_nonnull(strstr(trace.s, "hva_to_pfn"));
	ks_buf_free(&trace);
	ks_scenario_program_free(&prog);
	ks_token_free(&tok);

	/* The same token against v5.4 is refused, naming the variant. */
	ck_assert(!ks_scenario_program(scn, ks_variant_lookup("v5.4"), NULL, &prog, &opts,
				       err, sizeof(err)));
	ck_assert(!ks_token_parse(f->token, &tok, err, sizeof(err)));
	ck_assert_int_ne(ks_replay(&prog, &opts, &tok, &st, &trace, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "variant"));
	ks_buf_free(&trace);
	ks_scenario_program_free(&prog);
	ks_token_free(&tok);
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}
END_TEST

/*
 * The scenario that catches mutant @v: the first whose expect line is its
 * oracle alone (*@alone), else the first that has it among others.
 */
static struct ks_scenario *catching_scenario(const struct ks_variant *v, bool *alone)
{
	int pass, k;

	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < nshipped; k++) {
			struct ks_scenario *scn;
			const struct ks_scn_expect *exp;
			size_t j;

			if (strcmp(shipped[k].variant, v->name))
				continue;
			scn = load(shipped[k].scenario);
			exp = ks_scenario_expect(scn, v->name);
			for (j = 0; j < exp->nverdict && strcmp(exp->verdict[j], v->catches); j++)
				;
			if (j < exp->nverdict && (pass || exp->nverdict == 1)) {
				*alone = !pass;
				return scn;
			}
			ks_scenario_free(scn);
		}
	return NULL;
}

/*
 * The mutation matrix is the mutants' expect lines in the shipped scenarios
 * (test_shipped_verdicts searches each): every mutant has one whose verdict
 * holds the oracle the mutant names.  A mutant nobody expects to catch, or
 * expected caught only by other oracles, fails here.
 */
START_TEST(test_mutants_caught)
{
	size_t i, nmutants = 0;

	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);
		struct ks_scenario *scn;
		bool alone;

		if (!v->mutant)
			continue;
		nmutants++;
		scn = catching_scenario(v, &alone);
		ck_assert_msg(scn != NULL, "%s: a shipped scenario expects it caught by %s",
			      v->name, v->catches);
		ks_scenario_free(scn);
	}
	ck_assert_uint_ge(nmutants, 10);
}
END_TEST

/*
 * The strategies for searches too big to finish, on the mutants: on the
 * first shipped scenario whose expect line names the mutant's oracle, PCT
 * at depth 3 and the portfolio each find that oracle (from seed 1, within
 * KS_MUTANT_RUNS runs), and every
 * finding they show was shrunk to no more preemptions and steps than it
 * was found with, and replays bit-exact (the search replays each once
 * more and compares the trace: nondeterministic otherwise).
 */
#define KS_MUTANT_RUNS 1000

static void strategy_catches(const struct ks_scenario *scn, const struct ks_variant *v,
			     enum ks_strategy strat, bool alone)
{
	struct ks_search_opts opts = {
		.strategy = strat, .depth = strat == KS_STRAT_PCT ? 3 : 0, .seed = 1,
		.max_runs = alone ? KS_MUTANT_RUNS : KS_MUTANT_RUNS / 10, .stop_on_first = alone,
		.shrink = true,
	};
	struct ks_search_result res = { 0 };
	char err[512];
	size_t i;

	ck_assert_msg(!ks_check_scenario(scn, v, NULL, &opts, &res, err, sizeof(err)), "%s", err);
	ck_assert_msg(verdict_has(&res, v->catches), "%s on %s: %s does not find %s in %llu runs",
		      v->name, scn->name, ks_strategy_name(strat), v->catches,
		      (unsigned long long)res.runs);
	for (i = 0; i < res.nfindings; i++) {
		const struct ks_finding *f = &res.findings[i];

		ck_assert_msg(!f->nondeterministic, "%s on %s (%s): %s does not replay", v->name,
			      scn->name, ks_strategy_name(strat), f->oracle);
		ck_assert_msg(f->shrink_runs > 0 && f->preemptions <= f->shrunk_from_preemptions &&
			      (f->preemptions < f->shrunk_from_preemptions ||
			       f->steps <= f->shrunk_from_steps),
			      "%s on %s (%s): %s was not shrunk (%u/%u preemptions, %u/%u steps)",
			      v->name, scn->name, ks_strategy_name(strat), f->oracle, f->preemptions,
			      f->shrunk_from_preemptions, f->steps, f->shrunk_from_steps);
	}
	ks_search_result_free(&res);
}

START_TEST(test_strategies_catch_mutants)
{
	size_t i;

	if (RUNNING_ON_VALGRIND)
		return;		/* twenty searches of mutants: the plain build makes them */
	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);
		struct ks_scenario *scn;
		bool alone;

		if (!v->mutant)
			continue;
		scn = catching_scenario(v, &alone);
		ck_assert_msg(scn != NULL, "%s: no shipped scenario expects %s", v->name, v->catches);
		strategy_catches(scn, v, KS_STRAT_PCT, alone);
		strategy_catches(scn, v, KS_STRAT_PORTFOLIO, alone);
		ks_scenario_free(scn);
	}
}
END_TEST

/*
 * Every mutant is caught on a plain scenario too, not only on the race built
 * for it: one write fault on touched memory, one on untouched memory racing
 * munmap, one on an untouched THP, or one on device-dax mapped 4K or an
 * fsdax PMD racing munmap, or a kvm_vcpu_map() of RAM racing munmap.
 */
START_TEST(test_mutants_caught_on_plain_scenarios)
{
	static const char *const plain[] = { "fault-prepopulated", "fault-untouched-vs-munmap",
					     "fault-untouched-thp", "devdax-4k-fault-vs-munmap",
					     "fsdax-pmd-fault-vs-munmap", "vcpu-map-vs-munmap" };
	const size_t nplain = sizeof(plain) / sizeof(plain[0]);
	struct ks_scenario *scn[sizeof(plain) / sizeof(plain[0])];
	size_t i, k;

	if (RUNNING_ON_VALGRIND)
		return;		/* fifty searches of mutants: the plain build does them */
	for (k = 0; k < nplain; k++)
		scn[k] = load(plain[k]);
	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);
		bool caught = false;

		if (!v->mutant)
			continue;
		for (k = 0; k < nplain && !caught; k++) {
			struct ks_search_result res;

			search(scn[k], v->name, &res);
			caught = res.nverdict > 0;
			ks_search_result_free(&res);
		}
		ck_assert_msg(caught, "%s is caught on a plain scenario", v->name);
	}
	for (k = 0; k < nplain; k++)
		ks_scenario_free(scn[k]);
}
END_TEST

/*
 * A double put in the plainest run frees the page while its PTE and the
 * SPTE still map it (issue 7.6: this was ok), and a missing put leaks.
 */
/*
 * The lock-section search of fault-vs-thp-split reaches a fault between two
 * remove_migration_pte() calls of a failed split, which maps 2M over pieces
 * still held by migration entries to the same pfns: not a stale SPTE (the
 * oracle counts a migration entry as its page), so ok.  Before that rule
 * this search reported stale-spte on every variant.
 */
START_TEST(test_thp_split_remap_not_stale)
{
	struct ks_scenario *scn;
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR, .lock_sections = true };
	struct ks_search_result res;
	char err[512];

	if (RUNNING_ON_VALGRIND)
		return;		/* 3,000 long runs: the plain build does it */
	scn = load("fault-vs-thp-split");
	memset(&res, 0, sizeof(res));
	ck_assert_msg(!ks_check_scenario(scn, ks_variant_lookup("v5.4"), NULL, &opts, &res, err,
					 sizeof(err)), "%s", err);
	ck_assert_msg(!verdict_has(&res, "stale-spte"), "stale-spte: %s",
		      res.nfindings ? res.findings[0].message : "");
	ck_assert_uint_eq(res.nverdict, 0);
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}
END_TEST

START_TEST(test_double_put_frees_mapped_page)
{
	struct ks_scenario *scn = load("fault-prepopulated");
	struct ks_search_result res;
	bool freed = false, put = false;
	size_t i;

	search(scn, "mut-double-put", &res);
	ck_assert(verdict_has(&res, "refcount"));
	for (i = 0; i < res.nfindings; i++) {
		freed |= strstr(res.findings[i].message, "freed while the SPTE for gfn 0x10") != NULL;
		put |= strstr(res.findings[i].message, "which vcpu0 holds no reference on") != NULL;
	}
	ck_assert_msg(freed && put, "the findings name the SPTE and the put without a reference");
	ks_search_result_free(&res);
	search(scn, "mut-missing-put", &res);
	ck_assert(verdict_has(&res, "audit"));
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}
END_TEST

/*
 * A fault on never-touched anonymous memory is faulted in and mapped (issue
 * 7.1: gup refused it, the VMA having no VM_READ | VM_WRITE): a missing put
 * then leaks the page gup returned.
 */
START_TEST(test_untouched_memory_is_faulted_in)
{
	static const char *const scns[] = { "fault-untouched-vs-munmap", "fault-untouched-thp" };
	size_t k;

	for (k = 0; k < 2; k++) {
		struct ks_scenario *scn = load(scns[k]);
		struct ks_search_result res;

		search(scn, "mut-missing-put", &res);
		ck_assert_msg(verdict_has(&res, "audit"), "%s: the fault got a page", scns[k]);
		ks_search_result_free(&res);
		ks_scenario_free(scn);
	}
}
END_TEST

/*
 * Every finding replays from its token, also where the run woke a retry
 * loop's forced await (devdax-tail-fault-vs-unbind on v4.19, unshrunk: the
 * replay used to stop there, "thread 0 cannot run").
 */
START_TEST(test_findings_replay_through_forced_wakes)
{
	struct ks_scenario *scn = load("devdax-tail-fault-vs-unbind");
	const struct ks_variant *v = ks_variant_lookup("v4.19");
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR };
	struct ks_search_result res = { 0 };
	char err[512];
	size_t i;

	if (RUNNING_ON_VALGRIND) {
		ks_scenario_free(scn);
		return;		/* a long search: the plain build does it */
	}
	ck_assert(!ks_check_scenario(scn, v, NULL, &opts, &res, err, sizeof(err)));
	ck_assert_uint_gt(res.nfindings, 0);
	for (i = 0; i < res.nfindings; i++) {
		struct ks_program prog;
		struct ks_token tok;
		enum ks_run_status st;
		struct ks_buf trace = { 0 };

		ck_assert(!ks_token_parse(res.findings[i].token, &tok, err, sizeof(err)));
		ck_assert(!ks_scenario_program(scn, v, NULL, &prog, &opts, err, sizeof(err)));
		ck_assert_msg(!ks_replay(&prog, &opts, &tok, &st, &trace, err, sizeof(err)),
			      "%s: %s", res.findings[i].oracle, err);
		ks_buf_free(&trace);
		ks_scenario_program_free(&prog);
		ks_token_free(&tok);
	}
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}
END_TEST

/* On D1, the missing put of a fixed kernel brings the hang back. */
START_TEST(test_d1_missing_put_hangs)
{
	struct ks_scenario *scn = load("d1-devdax-unbind-hang");
	struct ks_search_result res;

	search(scn, "mut-missing-put", &res);
	ck_assert(verdict_has(&res, "hang"));
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}
END_TEST

/*
 * kvm_zap_gfn_range() on both generations: what it leaves mapped in its
 * range is zap-survivor, and a zap that skips the SPTE (mut-zap-skip) leaves
 * the faulted gfn mapped; no other gfn is its business.
 */
START_TEST(test_zap_empties_range)
{
	static const char text[] =
		"ram pfn=0x10000 size=2M\n"
		"anon hva=0x7f0000000000 size=2M\n"
		"memslot 0 gfn=0 hva=0x7f0000000000 pages=512\n"
		"thread vcpu0\n"
		"\tfault gfn=0x10 write\n"
		"\tfault gfn=0x12 write\n"
		"\tzap gfn=0x10 pages=2\n"
		"end\n";
	static const struct { const char *variant; bool survivor; } cases[] = {
		{ "v4.19", false }, { "v5.4", false }, { "v6.6-stable", false },
		{ "v6.13", false }, { "mut-zap-skip", true },
	};
	struct ks_scenario *scn;
	char err[512];
	size_t i;

	ck_assert_msg(!ks_scenario_parse_string(text, "zap.scn", &scn, err, sizeof(err)),
		      "%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ks_search_result res;

		search(scn, cases[i].variant, &res);
		ck_assert_msg(res.complete, "%s: complete", cases[i].variant);
		ck_assert_msg(verdict_has(&res, "zap-survivor") == cases[i].survivor,
			      "%s: zap-survivor %s", cases[i].variant,
			      cases[i].survivor ? "expected" : "unexpected");
		ck_assert_msg(cases[i].survivor || res.nverdict == 0, "%s: ok", cases[i].variant);
		ks_search_result_free(&res);
	}
	ks_scenario_free(scn);
}
END_TEST

static Suite *scenarios_suite(void)
{
	Suite *s = suite_create("kvm-scenarios");
	TCase *tc = tcase_create("verdicts");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_shipped_verdicts, 0, nshipped);
	tcase_add_loop_test(tc, test_loop_bounds_agree, 0, nshipped);
	tcase_add_loop_test(tc, test_invisible_steps_agree, 0, nshipped);
	tcase_add_test(tc, test_d1_hang_chain_and_replay);
	tcase_add_test(tc, test_mutants_caught);
	tcase_add_test(tc, test_d1_missing_put_hangs);
	tcase_add_test(tc, test_findings_replay_through_forced_wakes);
	tcase_add_test(tc, test_mutants_caught_on_plain_scenarios);
	tcase_add_test(tc, test_strategies_catch_mutants);
	tcase_add_test(tc, test_double_put_frees_mapped_page);
	tcase_add_test(tc, test_thp_split_remap_not_stale);
	tcase_add_test(tc, test_untouched_memory_is_faulted_in);
	tcase_add_test(tc, test_zap_empties_range);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int ret;

	collect_shipped();
	ret = ks_check_main(scenarios_suite());
	free(shipped);
	return ret;
}
