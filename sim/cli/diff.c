// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim diff [-s SCN]... [--all] [--json] [--era ERA] A B`: what changed
 * between two variants -- the rows of the decision table where they answer
 * differently (every row with --all), and the scenarios whose verdicts
 * differ.  A reviewer compares a patch with its parent: `kvmsim diff
 * v5.4-rc7 v5.4` is a78986aae9b2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

enum { OPT_ALL = 256, OPT_JSON, OPT_ERA, OPT_LOAD };

static const struct option diff_options[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "era", required_argument, NULL, OPT_ERA },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ NULL, 0, NULL, 0 },
};

#define DIFF_USAGE "kvmsim diff [-s SCN]... [--all] [--json] [--era ERA] [--load FILE.so] A B"

/* Run @scn on @v with the default (exhaustive) search. */
static int verdict_of(const struct ks_scenario *scn, const struct ks_variant *v,
		      const struct ks_era *era, struct ks_search_result *res)
{
	struct ks_search_opts opts = { .strategy = KS_STRAT_DPOR, .loop_bound = 2 };
	char err[1024];

	memset(res, 0, sizeof(*res));
	if (ks_check_scenario(scn, v, era, &opts, res, err, sizeof(err))) {
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

/* One scenario whose verdict differs: its row, as text or as a JSON object. */
struct diff_row {
	const char *scenario;
	struct ks_search_result a, b;
};

static void print_rows_text(const struct diff_row *rows, size_t n, const struct ks_variant *a,
			    const struct ks_variant *b)
{
	char va[256], vb[256];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct diff_row *r = &rows[i];

		cli_verdict_text(r->a.verdict, r->a.nverdict, va, sizeof(va));
		cli_verdict_text(r->b.verdict, r->b.nverdict, vb, sizeof(vb));
		printf("%s: %s %s, %s %s%s\n", r->scenario, a->name, va, b->name, vb,
		       r->a.complete && r->b.complete ? "" : " (bounded search)");
	}
	if (!n)
		printf("(none: every scenario has the same verdict on both)\n");
}

static void print_json(const struct ks_decision_table *t, bool all, const struct diff_row *rows,
		       size_t n, const struct ks_era *era)
{
	struct cli_json j;
	size_t i;

	cli_json_init(&j, stdout);
	cli_json_begin(&j, '{');
	cli_json_key(&j, "a");
	cli_json_str(&j, t->variants[0]->name);
	cli_json_key(&j, "b");
	cli_json_str(&j, t->variants[1]->name);
	cli_json_key(&j, "era");
	cli_json_str(&j, era ? era->name : NULL);
	cli_json_key(&j, "decisions");
	cli_json_decisions(&j, t, all, true);
	cli_json_key(&j, "scenarios");
	cli_json_begin(&j, '[');
	for (i = 0; i < n; i++) {
		cli_json_begin(&j, '{');
		cli_json_key(&j, "scenario");
		cli_json_str(&j, rows[i].scenario);
		cli_json_key(&j, "a");
		cli_json_strs(&j, rows[i].a.verdict, rows[i].a.nverdict);
		cli_json_key(&j, "b");
		cli_json_strs(&j, rows[i].b.verdict, rows[i].b.nverdict);
		cli_json_key(&j, "complete");
		cli_json_bool(&j, rows[i].a.complete && rows[i].b.complete);
		cli_json_end(&j, '}');
	}
	cli_json_end(&j, ']');
	cli_json_end(&j, '}');
	cli_json_newline(&j);
}

/* Search @scn on both; a row in @rows when the verdicts differ. */
static int diff_scenario(const struct ks_scenario *scn, const struct ks_variant *a,
			 const struct ks_variant *b, const struct ks_era *era,
			 struct diff_row **rows, size_t *nrows)
{
	struct diff_row r = { .scenario = scn->name }, *grown;

	if (verdict_of(scn, a, era, &r.a))
		return -1;
	if (verdict_of(scn, b, era, &r.b)) {
		ks_search_result_free(&r.a);
		return -1;
	}
	if (same_verdict(&r.a, &r.b)) {
		ks_search_result_free(&r.a);
		ks_search_result_free(&r.b);
		return 0;
	}
	grown = realloc(*rows, (*nrows + 1) * sizeof(**rows));
	r.scenario = strdup(scn->name);
	if (!grown || !r.scenario) {
		free((char *)r.scenario);
		if (grown)
			*rows = grown;
		ks_search_result_free(&r.a);
		ks_search_result_free(&r.b);
		cli_error("diff: out of memory");
		return -1;
	}
	*rows = grown;
	(*rows)[(*nrows)++] = r;
	return 0;
}

int cli_diff(int argc, char **argv)
{
	const char **only = NULL;
	size_t nonly = 0, n = 0, i, nrows = 0, nscn = 0;
	const struct ks_variant *pair[2];
	const struct ks_era *era = NULL;
	struct ks_decision_table t = { 0 };
	struct ks_scenario **scns = NULL;
	struct diff_row *rows = NULL;
	bool all = false, json = false, progress;
	char **names = NULL;
	int c, status = CLI_BAD;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:", diff_options, NULL)) != -1) {
		const char **grown;

		switch (c) {
		case 's':
			grown = realloc(only, (nonly + 1) * sizeof(*only));
			if (!grown)
				goto out;
			only = grown;
			only[nonly++] = optarg;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_ERA:
			era = cli_era(optarg);
			if (!era)
				goto out;
			break;
		case OPT_LOAD:
			if (cli_load(optarg))
				goto out;
			break;
		default:
			cli_error("diff: %s '%s' (" DIFF_USAGE ")",
				  c == ':' ? "missing argument of" : "unknown option",
				  argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind != 2) {
		cli_error("diff: two variants, A and B (kvmsim diff v5.4-rc7 v5.4)");
		goto out;
	}
	pair[0] = cli_variant(argv[optind]);
	pair[1] = pair[0] ? cli_variant(argv[optind + 1]) : NULL;
	if (!pair[0] || !pair[1])
		goto out;
	/* Every scenario loads before anything is printed: bad input is exit 2 alone. */
	if (!nonly)
		names = cli_scenario_names(&n);
	nscn = nonly ? nonly : n;
	scns = calloc(nscn + 1, sizeof(*scns));
	if (!scns) {
		cli_error("diff: out of memory");
		goto out;
	}
	for (i = 0; i < nscn; i++) {
		scns[i] = cli_scenario_load(nonly ? only[i] : names[i]);
		if (!scns[i])
			goto out;
	}
	if (json && ks_decision_table(pair, 2, &t)) {
		cli_error("diff: out of memory");
		goto out;
	}
	if (!json) {
		struct ks_buf table = { 0 };
		int ndiff = ks_variant_diff(pair[0], pair[1], all, &table);

		if (ndiff < 0) {
			ks_buf_free(&table);
			cli_error("diff: out of memory");
			goto out;
		}
		printf("%s", table.s ? table.s : "");
		ks_buf_free(&table);
		printf("(%d decision%s differ%s)\n", ndiff, ndiff == 1 ? "" : "s",
		       ndiff == 1 ? "s" : "");
		for (i = 0; i < 2; i++)
			cli_era_note(stdout, pair[i], era);
		printf("\nscenarios whose verdicts differ:\n");
	}
	fflush(stdout);
	progress = !json && isatty(STDERR_FILENO);
	for (i = 0; i < nscn; i++) {
		if (progress)
			fprintf(stderr, "\r\033[K[%zu/%zu] %s on %s and %s", i + 1, nscn,
				scns[i]->name, pair[0]->name, pair[1]->name);
		if (diff_scenario(scns[i], pair[0], pair[1], era, &rows, &nrows))
			goto out;
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (json)
		print_json(&t, all, rows, nrows, era);
	else
		print_rows_text(rows, nrows, pair[0], pair[1]);
	status = CLI_OK;
out:
	for (i = 0; i < nrows; i++) {
		free((char *)rows[i].scenario);
		ks_search_result_free(&rows[i].a);
		ks_search_result_free(&rows[i].b);
	}
	free(rows);
	for (i = 0; scns && i < nscn; i++)
		ks_scenario_free(scns[i]);
	free(scns);
	ks_decision_table_free(&t);
	cli_names_free(names, n);
	free(only);
	return status;
}
