// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim replay [-s SCN] [-v V] [--era ERA] [--json] TOKEN|FILE`: rerun the
 * one schedule a token records, print its trace and the run's verdict.
 *
 * The token's fingerprints find the scenario (among the installed ones),
 * the variant and the era when they are not given; when they are given and
 * the token was found with another one, that is an error naming which.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum { OPT_ERA = 256, OPT_JSON, OPT_LOAD };

static const struct option replay_options[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "variant", required_argument, NULL, 'v' },
	{ "era", required_argument, NULL, OPT_ERA },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ NULL, 0, NULL, 0 },
};

/* The token itself, or the first line of FILE that is not blank or a comment. */
/*
 * The token of @arg: the argument itself, or the first token line of the file
 * it names; such a file's "# scenario: PATH" line (check writes one) is
 * returned in @scn_path, the scenario the token was found on.
 */
static char *token_text(const char *arg, char **scn_path)
{
	static const char tag[] = "# scenario: ";
	struct stat st;
	char line[1 << 16];
	FILE *f;

	*scn_path = NULL;
	if (stat(arg, &st) || !S_ISREG(st.st_mode))
		return strdup(arg);
	f = fopen(arg, "r");
	if (!f) {
		cli_error("%s: cannot read", arg);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");

		s[strcspn(s, "\r\n")] = '\0';
		if (!strncmp(s, tag, sizeof(tag) - 1) && !*scn_path)
			*scn_path = strdup(s + sizeof(tag) - 1);
		if (*s && *s != '#') {
			fclose(f);
			return strdup(s);
		}
	}
	fclose(f);
	cli_error("%s: no token in the file", arg);
	return NULL;
}

static struct ks_scenario *find_scenario(const struct ks_token *tok)
{
	size_t n, i;
	char **names = cli_scenario_names(&n);
	struct ks_scenario *found = NULL;

	for (i = 0; i < n && !found; i++) {
		struct ks_scenario *scn = cli_scenario_load(names[i]);

		if (scn && ks_scenario_fingerprint(scn) == tok->fp_scenario)
			found = scn;
		else
			ks_scenario_free(scn);
	}
	cli_names_free(names, n);
	if (!found)
		cli_error("the token's scenario (fingerprint %016llx) is none of the installed scenarios in %s; give its file with -s",
			  (unsigned long long)tok->fp_scenario, cli_scenario_dir());
	return found;
}

static const struct ks_variant *find_variant(const struct ks_token *tok)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++)
		if (ks_variant_fingerprint(ks_variant_at(i)) == tok->fp_variant)
			return ks_variant_at(i);
	cli_error("the token's variant (fingerprint %016llx) is none of the known variants and mutants; give it with -v (or --load its object)",
		  (unsigned long long)tok->fp_variant);
	return NULL;
}

static const struct ks_era *find_era(const struct ks_scenario *scn, const struct ks_variant *v,
				     const struct ks_token *tok)
{
	int i;

	for (i = 0; i < KS_ERA_NR; i++) {
		const struct ks_era *era = ks_era_get((enum ks_era_id)i);
		struct ks_search_opts o = { 0 };
		struct ks_program prog;
		char err[256];

		if (ks_scenario_program(scn, v, era, &prog, &o, err, sizeof(err)))
			continue;
		ks_scenario_program_free(&prog);
		if (o.fp_era == tok->fp_era)
			return era;
	}
	/* None matches: run on the variant's own era, which names the mismatch. */
	return cli_era_of(v, NULL);
}

static const char *status_name(enum ks_run_status st)
{
	switch (st) {
	case KS_RUN_TERMINAL:
		return "terminal";
	case KS_RUN_HANG:
		return "hang";
	case KS_RUN_CUT:
		return "cut";
	default:
		return "active";
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The run's verdict: its violations' oracles, sorted and distinct. */
static size_t run_verdict(const struct cli_trace *t, const char **out)
{
	size_t i, n = 0;

	for (i = 0; i < t->nviolations; i++)
		out[n++] = t->oracles[i];
	qsort(out, n, sizeof(*out), cmp_str);
	for (i = 1; i < n;)
		if (!strcmp(out[i - 1], out[i]))
			memmove(&out[i], &out[i + 1], (--n - i) * sizeof(*out));
		else
			i++;
	return n;
}

static void print_json(const struct ks_scenario *scn, const struct ks_variant *v,
		       const struct ks_era *era, const struct ks_token *tok,
		       const struct cli_trace *t, const char **verdict, size_t nverdict)
{
	struct cli_json j;
	size_t i;

	cli_json_init(&j, stdout);
	cli_json_begin(&j, '{');
	cli_json_key(&j, "scenario");
	cli_json_str(&j, scn->name);
	cli_json_key(&j, "variant");
	cli_json_str(&j, v->name);
	cli_json_key(&j, "era");
	cli_json_str(&j, era->name);
	cli_json_key(&j, "strategy");
	cli_json_str(&j, ks_strategy_name(tok->strategy));
	cli_json_key(&j, "status");
	cli_json_str(&j, status_name(t->status));
	cli_json_key(&j, "verdict");
	cli_json_strs(&j, verdict, nverdict);
	cli_json_key(&j, "violations");
	cli_json_begin(&j, '[');
	for (i = 0; i < t->nviolations; i++) {
		cli_json_begin(&j, '{');
		cli_json_key(&j, "oracle");
		cli_json_str(&j, t->oracles[i]);
		cli_json_key(&j, "message");
		cli_json_str(&j, t->messages[i]);
		cli_json_end(&j, '}');
	}
	cli_json_end(&j, ']');
	cli_json_key(&j, "trace");
	cli_json_begin(&j, '[');
	for (i = 0; i < t->nrows; i++) {
		const struct cli_row *r = &t->rows[i];

		cli_json_newline(&j);
		cli_json_begin(&j, '{');
		cli_json_key(&j, "step");
		cli_json_u64(&j, r->step);
		cli_json_key(&j, "thread");
		cli_json_str(&j, r->thread);
		cli_json_key(&j, "function");
		cli_json_str(&j, r->function);
		cli_json_key(&j, "object");
		cli_json_str(&j, r->object);
		cli_json_key(&j, "before");
		cli_json_str(&j, r->before);
		cli_json_key(&j, "after");
		cli_json_str(&j, r->after);
		cli_json_end(&j, '}');
	}
	cli_json_end(&j, ']');
	cli_json_end(&j, '}');
	fputc('\n', stdout);
}

static void print_text(const struct ks_scenario *scn, const struct ks_variant *v,
		       const struct ks_era *era, const struct ks_token *tok,
		       const struct cli_trace *t, const char **verdict, size_t nverdict)
{
	char vt[256];
	size_t i;

	printf("replay of %s on %s (%s): %u decisions, loop bound %u\n", scn->name, v->name,
	       era->name, tok->ndecisions, tok->loop_bound);
	cli_trace_print(stdout, t);
	printf("\nrun: %s\n", status_name(t->status));
	for (i = 0; i < t->nviolations; i++)
		printf("%s: %s\n", t->oracles[i], t->messages[i]);
	cli_verdict_text(verdict, nverdict, vt, sizeof(vt));
	printf("verdict: %s\n", vt);
}

int cli_replay(int argc, char **argv)
{
	const char *scn_arg = NULL, *var_arg = NULL, *era_arg = NULL;
	struct ks_scenario *scn = NULL;
	const struct ks_variant *v = NULL;
	const struct ks_era *era = NULL;
	struct ks_token tok;
	struct cli_trace t;
	bool json = false, have_tok = false, have_trace = false;
	char *text = NULL, *recorded = NULL, err[1024];
	const char **verdict = NULL;
	size_t nverdict;
	int c, status = CLI_BAD;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:v:", replay_options, NULL)) != -1) {
		switch (c) {
		case 's':
			scn_arg = optarg;
			break;
		case 'v':
			var_arg = optarg;
			break;
		case OPT_ERA:
			era_arg = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_LOAD:
			if (cli_load(optarg))
				return CLI_BAD;
			break;
		case ':':
			cli_error("replay: option '%s' needs an argument", argv[optind - 1]);
			return CLI_BAD;
		default:
			cli_error("replay: unknown option '%s' (kvmsim replay [-s SCN] [-v V] [--era ERA] [--json] TOKEN|FILE)",
				  argv[optind - 1]);
			return CLI_BAD;
		}
	}
	if (optind != argc - 1) {
		cli_error("replay: %s (kvmsim replay [-s SCN] [-v V] TOKEN|FILE)",
			  optind < argc ? "one token or file, not more" : "a token or a token file is needed");
		return CLI_BAD;
	}
	text = token_text(argv[optind], &recorded);
	if (!text)
		goto out;
	if (!scn_arg && recorded && access(recorded, R_OK) == 0)
		scn_arg = recorded;	/* the file the token was found on */
	if (ks_token_parse(text, &tok, err, sizeof(err))) {
		cli_error("replay: bad token: %s", err);
		goto out;
	}
	have_tok = true;
	scn = scn_arg ? cli_scenario_load(scn_arg) : find_scenario(&tok);
	if (!scn)
		goto out;
	v = var_arg ? cli_variant(var_arg) : find_variant(&tok);
	if (!v)
		goto out;
	era = era_arg ? cli_era(era_arg) : find_era(scn, v, &tok);
	if (!era)
		goto out;
	if (cli_trace_token(scn, v, era, &tok, &t, err, sizeof(err))) {
		cli_error("replay: %s", err);
		goto out;
	}
	have_trace = true;
	verdict = calloc(t.nviolations + 1, sizeof(*verdict));
	if (!verdict)
		goto out;
	nverdict = run_verdict(&t, verdict);
	if (json)
		print_json(scn, v, era, &tok, &t, verdict, nverdict);
	else
		print_text(scn, v, era, &tok, &t, verdict, nverdict);
	status = CLI_OK;
out:
	free(verdict);
	if (have_trace)
		cli_trace_free(&t);
	if (have_tok)
		ks_token_free(&tok);
	ks_scenario_free(scn);
	free(text);
	free(recorded);
	return status;
}
