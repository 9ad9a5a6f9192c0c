// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim table [--variants A,B,...] [--format text|markdown|json]`: the
 * decision table -- each variant's own code run on one page of each kind
 * (ks_decision_table(), sim/kvm/diff.c) -- for every variant, or those named.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum { OPT_VARIANTS = 256, OPT_FORMAT, OPT_LOAD };
enum table_format { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };

static const struct option table_options[] = {
	{ "variants", required_argument, NULL, OPT_VARIANTS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ NULL, 0, NULL, 0 },
};

#define TABLE_USAGE "kvmsim table [--variants A,B,...] [--format text|markdown|json] [--load FILE.so]"

/* The variants of a comma-separated list, or every variant (no mutants). */
static const struct ks_variant **table_variants(const char *list, size_t *n)
{
	const struct ks_variant **v = calloc(ks_variant_count() + 1, sizeof(*v));
	char *copy, *name, *save = NULL;
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	if (!list) {
		for (i = 0; i < ks_variant_count(); i++)
			if (!ks_variant_at(i)->mutant)
				v[(*n)++] = ks_variant_at(i);
		return v;
	}
	copy = strdup(list);
	if (!copy) {
		cli_error("table: out of memory");
		free(v);
		return NULL;
	}
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct ks_variant *one = cli_variant(name);

		for (i = 0; one && i < *n; i++)
			if (v[i] == one) {
				cli_error("table: --variants names '%s' twice", name);
				one = NULL;
			}
		if (!one) {
			free(copy);
			free(v);
			return NULL;
		}
		v[(*n)++] = one;
	}
	free(copy);
	if (!*n) {
		cli_error("table: --variants '%s' names no variant", list);
		free(v);
		return NULL;
	}
	return v;
}

static void print_text(const struct ks_decision_table *t)
{
	size_t k, d, v;

	printf("decision table: each variant's code run on one page of each kind, holding the\n"
	       "reference its own hva_to_pfn() took (-: the variant has no such function)\n\n");
	printf("%-20s %-38s", "page", "decision");
	for (v = 0; v < t->nvariants; v++)
		printf(" %-16s", t->variants[v]->name);
	putchar('\n');
	for (k = 0; k < t->nkinds; k++) {
		for (d = 0; d < t->ndecisions; d++) {
			printf("%-20s %-38s", d ? "" : t->kinds[k], t->decisions[d]);
			for (v = 0; v < t->nvariants; v++)
				printf(" %-16s", ks_decision_cell(t, k, d, v));
			putchar('\n');
		}
	}
}

static void print_markdown(const struct ks_decision_table *t)
{
	size_t k, d, v;

	printf("| page | decision |");
	for (v = 0; v < t->nvariants; v++)
		printf(" %s |", t->variants[v]->name);
	printf("\n|---|---|");
	for (v = 0; v < t->nvariants; v++)
		printf("---|");
	putchar('\n');
	for (k = 0; k < t->nkinds; k++) {
		for (d = 0; d < t->ndecisions; d++) {
			printf("| %s | %s |", d ? "" : t->kinds[k], t->decisions[d]);
			for (v = 0; v < t->nvariants; v++)
				printf(" %s |", ks_decision_cell(t, k, d, v));
			putchar('\n');
		}
	}
}

void cli_json_decisions(struct cli_json *j, const struct ks_decision_table *t, bool all,
			bool differs)
{
	size_t k, d, v;

	cli_json_begin(j, '[');
	for (k = 0; k < t->nkinds; k++) {
		for (d = 0; d < t->ndecisions; d++) {
			bool row_differs = differs && ks_decision_row_differs(t, k, d);

			if (!all && !row_differs)
				continue;
			cli_json_begin(j, '{');
			cli_json_key(j, "page");
			cli_json_str(j, t->kinds[k]);
			cli_json_key(j, "decision");
			cli_json_str(j, t->decisions[d]);
			cli_json_key(j, "values");
			cli_json_begin(j, '{');
			for (v = 0; v < t->nvariants; v++) {
				cli_json_key(j, t->variants[v]->name);
				cli_json_str(j, ks_decision_cell(t, k, d, v));
			}
			cli_json_end(j, '}');
			if (differs) {
				cli_json_key(j, "differs");
				cli_json_bool(j, row_differs);
			}
			cli_json_end(j, '}');
		}
	}
	cli_json_end(j, ']');
}

static void print_json(const struct ks_decision_table *t)
{
	struct cli_json j;
	size_t v;

	cli_json_init(&j, stdout);
	cli_json_begin(&j, '{');
	cli_json_key(&j, "variants");
	cli_json_begin(&j, '[');
	for (v = 0; v < t->nvariants; v++)
		cli_json_str(&j, t->variants[v]->name);
	cli_json_end(&j, ']');
	cli_json_key(&j, "rows");
	cli_json_decisions(&j, t, true, false);
	cli_json_end(&j, '}');
	cli_json_newline(&j);
}

int cli_table(int argc, char **argv)
{
	enum table_format fmt = FMT_TEXT;
	const char *list = NULL;
	const struct ks_variant **v;
	struct ks_decision_table t;
	size_t n;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", table_options, NULL)) != -1) {
		switch (c) {
		case OPT_VARIANTS:
			list = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text")) {
				fmt = FMT_TEXT;
			} else if (!strcmp(optarg, "markdown")) {
				fmt = FMT_MARKDOWN;
			} else if (!strcmp(optarg, "json")) {
				fmt = FMT_JSON;
			} else {
				cli_error("table: --format %s: text, markdown or json", optarg);
				return CLI_BAD;
			}
			break;
		case OPT_LOAD:
			if (cli_load(optarg))
				return CLI_BAD;
			break;
		default:
			cli_error("table: %s '%s' (" TABLE_USAGE ")",
				  c == ':' ? "missing argument of" : "unknown option",
				  argv[optind - 1]);
			return CLI_BAD;
		}
	}
	if (optind != argc) {
		cli_error("table: unexpected '%s' (" TABLE_USAGE ")", argv[optind]);
		return CLI_BAD;
	}
	v = table_variants(list, &n);
	if (!v)
		return CLI_BAD;
	if (ks_decision_table(v, n, &t)) {
		free(v);
		cli_error("table: out of memory");
		return CLI_BAD;	/* exit 2, as out of memory is everywhere (engine.h) */
	}
	if (fmt == FMT_JSON)
		print_json(&t);
	else if (fmt == FMT_MARKDOWN)
		print_markdown(&t);
	else
		print_text(&t);
	ks_decision_table_free(&t);
	free(v);
	return CLI_OK;
}
