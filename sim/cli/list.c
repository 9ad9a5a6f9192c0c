// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim list [--json] variants|mutants|scenarios|oracles|eras`: one name
 * per line, no header, a short description after a tab; or, with --json,
 * {"WHAT": [{"name": ..., "description": ...}, ...]} (a mutant also names
 * the oracle that catches it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const what[] = { "variants", "mutants", "scenarios", "oracles", "eras" };

static struct cli_json *list_json;	/* --json: the writer, else NULL */

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

static void list_variants(bool mutants)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);

		if (v->mutant == mutants)
			item(v->name, v->summary, mutants ? (v->catches ? v->catches : "?") : NULL);
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
	const char *best;
	bool json = argc > 1 && !strcmp(argv[1], "--json");
	int k, ret;

	if (json) {
		argc--;
		argv++;
	}
	if (argc != 2) {
		cli_error("list: %s (kvmsim list variants|mutants|scenarios|oracles|eras)",
			  argc < 2 ? "what to list?" : "one thing at a time");
		return CLI_BAD;
	}
	for (k = 0; k < 5 && strcmp(argv[1], what[k]); k++)
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
	ks_spell_init(&sp, argv[1]);
	for (k = 0; k < 5; k++)
		ks_spell_add(&sp, what[k]);
	best = ks_spell_best(&sp);
	if (best)
		cli_error("list: unknown list '%s'; did you mean '%s'?", argv[1], best);
	else
		cli_error("list: unknown list '%s' (variants, mutants, scenarios, oracles, eras)",
			  argv[1]);
	return CLI_BAD;
}
