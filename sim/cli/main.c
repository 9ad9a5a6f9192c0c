// SPDX-License-Identifier: GPL-2.0
/*
 * kvmsim: the command.  `kvmsim` alone is `kvmsim check`: every installed
 * scenario against every variant, the verdict matrix, exit 0/1/2
 * (docs/cli.md, docs/kvmsim.1).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"

#include "cli/cli.h"

static const char usage[] =
	"usage: kvmsim [check] [options]           run scenarios against variants\n"
	"       kvmsim replay [-s SCN] [-v V] [--era ERA] [--json] TOKEN|FILE\n"
	"       kvmsim list [--json] [-v] variants|mutants|scenarios|oracles|eras\n"
	"       kvmsim diff [-s SCN]... [--all] [--json] [--era ERA] A B\n"
	"                                           what changed from variant A to B\n"
	"       kvmsim table [--variants A,B,...] [--format text|markdown|json]\n"
	"                                           every variant's decisions on each page kind\n"
	"  every verb takes --load FILE.so (out-of-tree variants, repeatable)\n"
	"       kvmsim merge FILE...                merge the JSON results of shards\n"
	"\n"
	"check options:\n"
	"  -s, --scenario NAME|FILE  repeatable; default: every installed scenario\n"
	"  -v, --variant NAME        repeatable; variants and mutants; default: every variant\n"
	"      --era ERA             pair the variant(s) with another mm era\n"
	"      --load FILE.so        load out-of-tree variants (repeatable)\n"
	"      --strategy S          dpor (default) | dfs | pct | random | bounded | portfolio\n"
	"      --depth D             PCT's depth (default 3)\n"
	"      --bound N             the last preemption bound of `bounded' (default 2)\n"
	"      --loop-bound L        retry-loop bound (default 2)\n"
	"      --seed N, --runs N, --time SECS\n"
	"      --stop-on-first       stop a search at its first violation\n"
	"      --no-shrink           show counterexamples as found, not shrunk\n"
	"      --allow-bounded       an expected ok may rest on a bounded search\n"
	"      --lock-sections       DPOR: experimental lock-section reduction (bounded)\n"
	"      --no-invisible        every step a scheduling point (no invisible steps)\n"
	"      --shard i/n, --jobs N\n"
	"      --json                results as JSON on stdout\n"
	"      --trace none|first|all  traces in the JSON (default: the first per oracle)\n"
	"      --junit FILE, --html FILE\n"
	"  -q, --quiet               print only the verdicts that differ from expectations\n"
	"\n"
	"Exit status: 0 every verdict as expected, 1 some verdict differs or an expected ok\n"
	"rests on a bounded search, 2 bad usage or input, 130/143 stopped by SIGINT/SIGTERM.\n"
	"Scenarios: $KVMSIM_DATADIR/scenarios, else the installed or source-tree ones.\n"
	"See kvmsim(1) and docs/scenario-format.md.\n";

static const char *const verbs[] = { "check", "replay", "list", "diff", "table", "merge", "help" };

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "check";
	struct ks_spell sp;
	const char *best;
	size_t i;

	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	if (!strcmp(verb, "--version")) {
		printf("kvmsim %s\n", PACKAGE_VERSION);
		return CLI_OK;
	}
	if (verb[0] == '-')
		return cli_check(argc, argv);
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	if (!strcmp(verb, "check"))
		return cli_check(argc - 1, argv + 1);
	if (!strcmp(verb, "replay"))
		return cli_replay(argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return cli_list(argc - 1, argv + 1);
	if (!strcmp(verb, "diff"))
		return cli_diff(argc - 1, argv + 1);
	if (!strcmp(verb, "table"))
		return cli_table(argc - 1, argv + 1);
	if (!strcmp(verb, "merge"))
		return cli_merge(argc - 1, argv + 1);
	ks_spell_init(&sp, verb);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		ks_spell_add(&sp, verbs[i]);
	best = ks_spell_best(&sp);
	if (best)
		cli_error("unknown command '%s'; did you mean '%s'?", verb, best);
	else
		cli_error("unknown command '%s' (kvmsim --help)", verb);
	return CLI_BAD;
}
