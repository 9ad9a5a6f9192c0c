// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim list variants|mutants|scenarios|oracles|eras`: one name per line,
 * no header, a short description after a tab.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const what[] = { "variants", "mutants", "scenarios", "oracles", "eras" };

static void list_variants(bool mutants)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++) {
		const struct ks_variant *v = ks_variant_at(i);

		if (v->mutant != mutants)
			continue;
		if (mutants)
			printf("%s\tcaught by %s: %s\n", v->name, v->catches ? v->catches : "?",
			       v->summary ? v->summary : "");
		else
			printf("%s\t%s\n", v->name, v->summary ? v->summary : "");
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
		printf("%s\t%.*s\n", names[i], (int)strcspn(scn->header, "\n"), scn->header);
		ks_scenario_free(scn);
	}
	cli_names_free(names, n);
	return ret;
}

int cli_list(int argc, char **argv)
{
	struct ks_spell sp;
	const char *best;
	size_t i;
	int k;

	if (argc != 2) {
		cli_error("list: %s (kvmsim list variants|mutants|scenarios|oracles|eras)",
			  argc < 2 ? "what to list?" : "one thing at a time");
		return CLI_BAD;
	}
	for (k = 0; k < 5 && strcmp(argv[1], what[k]); k++)
		;
	switch (k) {
	case 0:
	case 1:
		list_variants(k == 1);
		return CLI_OK;
	case 2:
		return list_scenarios();
	case 3:
		for (i = 0; i < ks_oracle_count(); i++)
			printf("%s\t%s\n", ks_oracle_at(i)->name,
			       ks_oracle_at(i)->summary ? ks_oracle_at(i)->summary : "");
		return CLI_OK;
	case 4:
		for (i = 0; i < KS_ERA_NR; i++) {
			const struct ks_era *era = ks_era_get((enum ks_era_id)i);

			printf("%s\t%s\n", era->name, era->summary ? era->summary : "");
		}
		return CLI_OK;
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
