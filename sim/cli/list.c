// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim list [--json] [-v] variants|mutants|scenarios|oracles|eras`: one
 * name per line, no header, a short description after a tab; or, with
 * --json, {"WHAT": [{"name": ..., "description": ...}, ...]} (a mutant also
 * names the oracle that catches it).  -v, for variants and mutants, adds what
 * each builds on, the kernel it models and the functions it replaces, each
 * with its commit; JSON always has them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const what[] = { "variants", "mutants", "scenarios", "oracles", "eras" };

static struct cli_json *list_json;	/* --json: the writer, else NULL */
static bool list_verbose;		/* -v */

/* One entry of the list; @catches only for a mutant. */
static void item(const char *name, const char *desc, const char *catches)
{
	desc = desc ? desc : "";
	if (!list_json) {
		if (catches)
			printf("%s\tcaught by %s: %s\n", name, catches, desc);
		else
			printf("%s\t%s\n", name, desc);
		return;
	}
	cli_json_begin(list_json, '{');
	cli_json_key(list_json, "name");
	cli_json_str(list_json, name);
	cli_json_key(list_json, "description");
	cli_json_str(list_json, desc);
	if (catches) {
		cli_json_key(list_json, "catches");
		cli_json_str(list_json, catches);
	}
	cli_json_end(list_json, '}');
}

/* What @v builds on and replaces: indented lines, or JSON members. */
static void variant_detail(const struct ks_variant *v)
{
	const char *fn, *commit;
	bool removed;
	size_t i;

	if (!list_json) {
		printf("\tbase: %s\n\tkernel: %s\n", v->base ? v->base : "none",
		       v->kernel ? v->kernel : "?");
		/* a base defines every function; a variant replaces some */
		for (i = 0; (fn = ks_variant_replacement(v, i, &commit, &removed)); i++)
			printf("\t%-9s %s()%s%s%s\n",
			       i ? "" : v->base ? "replaces:" : "defines:", fn,
			       removed ? " removed" : "", commit ? "  " : "", commit ? commit : "");
		return;
	}
	cli_json_key(list_json, "base");
	cli_json_str(list_json, v->base);
	cli_json_key(list_json, "kernel");
	cli_json_str(list_json, v->kernel ? v->kernel : "");
	cli_json_key(list_json, "replaces");
	cli_json_begin(list_json, '[');
	for (i = 0; (fn = ks_variant_replacement(v, i, &commit, &removed)); i++) {
		cli_json_begin(list_json, '{');
		cli_json_key(list_json, "function");
		cli_json_str(list_json, fn);
		cli_json_key(list_json, "removed");
		cli_json_bool(list_json, removed);
		cli_json_key(list_json, "commit");
		cli_json_str(list_json, commit ? commit : "");
		cli_json_end(list_json, '}');
	}
	cli_json_end(list_json, ']');
}

static void list_variants(bool mutants)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);
		const char *catches = mutants ? (v->catches ? v->catches : "?") : NULL;

		if (v->mutant != mutants)
			continue;
		if (!list_json) {
			item(v->name, v->summary, catches);
			if (list_verbose)
				variant_detail(v);
			continue;
		}
		cli_json_begin(list_json, '{');
		cli_json_key(list_json, "name");
		cli_json_str(list_json, v->name);
		cli_json_key(list_json, "description");
		cli_json_str(list_json, v->summary ? v->summary : "");
		if (catches) {
			cli_json_key(list_json, "catches");
			cli_json_str(list_json, catches);
		}
		variant_detail(v);
		cli_json_end(list_json, '}');
	}
}

/* The scenario's first header line is its description. */
static int list_scenarios(void)
{
	size_t n, i;
	char **names = cli_scenario_names(&n);
	int ret = CLI_OK;

	for (i = 0; i < n; i++) {
		struct ks_scenario *scn = cli_scenario_load(names[i]);

		if (!scn) {
			ret = CLI_BAD;
			continue;
		}
		char desc[512];

		snprintf(desc, sizeof(desc), "%.*s", (int)strcspn(scn->header, "\n"), scn->header);
		item(names[i], desc, NULL);
		ks_scenario_free(scn);
	}
	cli_names_free(names, n);
	return ret;
}

static int list_what(int k)
{
	size_t i;

	switch (k) {
	case 0:
	case 1:
		list_variants(k == 1);
		return CLI_OK;
	case 2:
		return list_scenarios();
	case 3:
		for (i = 0; i < ks_oracle_count(); i++)
			item(ks_oracle_at(i)->name, ks_oracle_at(i)->summary, NULL);
		return CLI_OK;
	default:
		for (i = 0; i < KS_ERA_NR; i++) {
			const struct ks_era *era = ks_era_get((enum ks_era_id)i);

			item(era->name, era->summary, NULL);
		}
		return CLI_OK;
	}
}

int cli_list(int argc, char **argv)
{
	struct ks_spell sp;
	struct cli_json j;
	const char *best, *noun = NULL;
	bool json = false;
	int i, k, ret;

	list_verbose = false;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			if (noun) {
				cli_error("list: one thing at a time (kvmsim list [--json] [-v] variants|mutants|scenarios|oracles|eras)");
				return CLI_BAD;
			}
			noun = argv[i];
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			list_verbose = true;
		} else if (!strcmp(argv[i], "--load") || !strncmp(argv[i], "--load=", 7)) {
			const char *path = argv[i][6] == '=' ? argv[i] + 7 : argv[++i];

			if (!path) {
				cli_error("list: option '--load' needs an argument");
				return CLI_BAD;
			}
			if (cli_load(path))
				return CLI_BAD;
		} else {
			cli_error("list: unknown option '%s' (--json, -v, --load FILE.so)", argv[i]);
			return CLI_BAD;
		}
	}
	if (!noun) {
		cli_error("list: what to list? (kvmsim list [--json] [-v] variants|mutants|scenarios|oracles|eras)");
		return CLI_BAD;
	}
	for (k = 0; k < 5 && strcmp(noun, what[k]); k++)
		;
	if (k < 5) {
		if (!json)
			return list_what(k);
		cli_json_init(&j, stdout);
		list_json = &j;
		cli_json_begin(&j, '{');
		cli_json_key(&j, what[k]);
		cli_json_begin(&j, '[');
		ret = list_what(k);
		cli_json_end(&j, ']');
		cli_json_end(&j, '}');
		cli_json_newline(&j);
		list_json = NULL;
		return ret;
	}
	ks_spell_init(&sp, noun);
	for (k = 0; k < 5; k++)
		ks_spell_add(&sp, what[k]);
	best = ks_spell_best(&sp);
	if (best)
		cli_error("list: unknown list '%s'; did you mean '%s'?", noun, best);
	else
		cli_error("list: unknown list '%s' (variants, mutants, scenarios, oracles, eras)",
			  noun);
	return CLI_BAD;
}
