// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim diff [-s SCN]... A B`: what changed between two variants — the
 * decision table of both on each page kind (ks_variant_diff), and the
 * scenarios whose verdicts differ.  A reviewer compares a patch with its
 * parent: `kvmsim diff v5.4-rc7 v5.4` is a78986aae9b2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct option diff_options[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

/* Run @scn on @v with the default (exhaustive) search. */
static int verdict_of(const struct ks_scenario *scn, const struct ks_variant *v,
		      struct ks_search_result *res)
{
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR, .loop_bound = 2 };
	char err[1024];

	memset(res, 0, sizeof(*res));
	if (ks_check_scenario(scn, v, NULL, &opts, res, err, sizeof(err))) {
		cli_error("diff: %s on %s: %s", scn->name, v->name, err);
		return -1;
	}
	return 0;
}

static bool same_verdict(const struct ks_search_result *a, const struct ks_search_result *b)
{
	size_t i;

	if (a->nverdict != b->nverdict)
		return false;
	for (i = 0; i < a->nverdict; i++)
		if (strcmp(a->verdict[i], b->verdict[i]))
			return false;
	return true;
}

static int diff_scenario(const struct ks_scenario *scn, const struct ks_variant *a,
			 const struct ks_variant *b, size_t *ndiff)
{
	struct ks_search_result ra, rb;
	char va[256], vb[256];

	if (verdict_of(scn, a, &ra))
		return -1;
	if (verdict_of(scn, b, &rb)) {
		ks_search_result_free(&ra);
		return -1;
	}
	if (!same_verdict(&ra, &rb)) {
		cli_verdict_text(ra.verdict, ra.nverdict, va, sizeof(va));
		cli_verdict_text(rb.verdict, rb.nverdict, vb, sizeof(vb));
		printf("%s: %s %s, %s %s%s\n", scn->name, a->name, va, b->name, vb,
		       ra.complete && rb.complete ? "" : " (bounded search)");
		(*ndiff)++;
	}
	ks_search_result_free(&ra);
	ks_search_result_free(&rb);
	return 0;
}

int cli_diff(int argc, char **argv)
{
	const char **only = NULL;
	size_t nonly = 0, n = 0, i, ndiff = 0;
	const struct ks_variant *a, *b;
	struct ks_buf table = { 0 };
	char **names = NULL;
	int c, rows, status = CLI_BAD;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:", diff_options, NULL)) != -1) {
		const char **grown;

		if (c != 's') {
			cli_error("diff: %s '%s' (kvmsim diff [-s SCN]... A B)",
				  c == ':' ? "missing argument of" : "unknown option",
				  argv[optind - 1]);
			goto out;
		}
		grown = realloc(only, (nonly + 1) * sizeof(*only));
		if (!grown)
			goto out;
		only = grown;
		only[nonly++] = optarg;
	}
	if (argc - optind != 2) {
		cli_error("diff: two variants, A and B (kvmsim diff v5.4-rc7 v5.4)");
		goto out;
	}
	a = cli_variant(argv[optind]);
	b = a ? cli_variant(argv[optind + 1]) : NULL;
	if (!a || !b)
		goto out;

	rows = ks_variant_diff(a, b, &table);
	printf("%s", table.s ? table.s : "");
	if (table.s && table.len && table.s[table.len - 1] != '\n')
		putchar('\n');
	printf("(%d decision%s differ)\n\nscenarios whose verdicts differ:\n", rows,
	       rows == 1 ? "" : "s");
	if (!nonly)
		names = cli_scenario_names(&n);
	for (i = 0; i < (nonly ? nonly : n); i++) {
		struct ks_scenario *scn = cli_scenario_load(nonly ? only[i] : names[i]);
		int r;

		if (!scn)
			goto out;
		r = diff_scenario(scn, a, b, &ndiff);
		ks_scenario_free(scn);
		if (r)
			goto out;
	}
	if (!ndiff)
		printf("(none: every scenario has the same verdict on both)\n");
	status = CLI_OK;
out:
	cli_names_free(names, n);
	free(only);
	ks_buf_free(&table);
	return status;
}
