// SPDX-License-Identifier: GPL-2.0
/*
 * The shipped scenarios, searched exhaustively against each variant: the
 * verdicts of their expect lines, the hang's waits-for chain, replay of a
 * failing run, and every mutant caught by the oracle it names.
 */
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

/* The search reaches exactly the expect line's verdict, and is complete. */
static void check_expected(const char *name, const char *variant)
{
	struct ks_scenario *scn = load(name);
	const struct ks_scn_expect *exp = ks_scenario_expect(scn, variant);
	struct ks_search_result res;
	size_t i;

	ck_assert_msg(exp != NULL, "%s has an expectation for %s", name, variant);
	search(scn, variant, &res);
	ck_assert_msg(res.complete, "%s on %s: the search is complete", name, variant);
	ck_assert_msg(res.nverdict == exp->nverdict,
		      "%s on %s: %zu finding kinds, expected %zu", name, variant,
		      res.nverdict, exp->nverdict);
	for (i = 0; i < res.nverdict; i++)
		ck_assert_str_eq(res.verdict[i], exp->verdict[i]);
	ks_search_result_free(&res);
	ks_scenario_free(scn);
}

/* D1 hangs on v4.19 (with memmap-uaf under mm-4.19) and on v5.4-rc7; v5.4 is ok. */
START_TEST(test_d1_verdicts)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };

	if (RUNNING_ON_VALGRIND && _i == 2)
		return;		/* v5.4's 6,700 classes: minutes under memcheck */
	check_expected("d1-devdax-unbind-hang", variants[_i]);
}
END_TEST

/* A fault racing munmap of anonymous memory is ok on every variant. */
START_TEST(test_munmap_verdicts)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };

	check_expected("fault-vs-munmap", variants[_i]);
}
END_TEST

/* A fault on VM_PFNMAP racing page aging and VM teardown is ok on every variant. */
START_TEST(test_pfnmap_age_teardown_verdicts)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };

	check_expected("pfnmap-age-teardown", variants[_i]);
}
END_TEST

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
 * Every mutant is caught by the oracle it names, on a scenario that is ok on
 * the variants: fault-vs-munmap, or D1 (ok on v5.4, the mutants' base) for
 * the oracle that needs an unbind.
 */
START_TEST(test_mutants_caught)
{
	struct ks_scenario *munmap = load("fault-vs-munmap");
	struct ks_scenario *unbind = load("d1-devdax-unbind-hang");
	size_t i, nmutants = 0;

	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);
		struct ks_search_result res;

		if (!v->mutant)
			continue;
		nmutants++;
		search(strcmp(v->catches, "unbind-survivor") ? munmap : unbind, v->name, &res);
		ck_assert_msg(verdict_has(&res, v->catches), "%s is caught by %s",
			      v->name, v->catches);
		ks_search_result_free(&res);
	}
	ck_assert_uint_ge(nmutants, 4);
	ks_scenario_free(unbind);
	ks_scenario_free(munmap);
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

/* An operation the interpreter does not model yet is refused, naming where it is. */
START_TEST(test_unmodelled_op_refused)
{
	static const char text[] =
		"ram pfn=0x10000 size=2M\n"
		"anon hva=0x7f0000000000 size=2M\n"
		"memslot 0 gfn=0 hva=0x7f0000000000 pages=512\n"
		"thread vcpu0\n"
		"\trepeat 2 vcpu-map gfn=0x10\n"
		"end\n";
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR };
	struct ks_search_result res = { 0 };
	struct ks_scenario *scn;
	char err[512];

	ck_assert_msg(!ks_scenario_parse_string(text, "map.scn", &scn, err, sizeof(err)),
		      "%s", err);
	ck_assert_int_eq(ks_check_scenario(scn, ks_variant_lookup("v5.4"), NULL, &opts,
					   &res, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "map.scn:5:") && strstr(err, "'vcpu-map' is not modelled"),
		      "message: %s", err);
	ks_scenario_free(scn);
}
END_TEST

static Suite *scenarios_suite(void)
{
	Suite *s = suite_create("kvm-scenarios");
	TCase *tc = tcase_create("verdicts");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_d1_verdicts, 0, 3);
	tcase_add_loop_test(tc, test_munmap_verdicts, 0, 3);
	tcase_add_loop_test(tc, test_pfnmap_age_teardown_verdicts, 0, 3);
	tcase_add_test(tc, test_d1_hang_chain_and_replay);
	tcase_add_test(tc, test_mutants_caught);
	tcase_add_test(tc, test_d1_missing_put_hangs);
	tcase_add_test(tc, test_unmodelled_op_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ks_check_main(scenarios_suite());
}
