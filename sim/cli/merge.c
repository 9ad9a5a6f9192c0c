// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim merge FILE...`: the JSON results of the shards of a search
 * (`check --shard i/n --json`) united into the report the unsharded search
 * gives: the same verdicts and the same classes (the union of the shards'
 * class hashes); run counts add up.  Every shard of every result must be
 * there exactly once.  Also what `check --jobs N` does with its forked
 * shards' results (cli_result_from_json()).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* ---- a result from its JSON ---------------------------------------------------- */

/* The static name a finding kind or bound has in this program, or NULL. */
static const char *intern_oracle(const char *name)
{
	size_t i;

	for (i = 0; i < ks_oracle_count(); i++)
		if (!strcmp(ks_oracle_at(i)->name, name))
			return ks_oracle_at(i)->name;
	return NULL;
}

static const char *intern_bound(const char *name)
{
	static const char *const bounds[] = {
		"runs", "time", "budget", "stop-on-first", "steps", "loop", "nondeterminism",
		"preemptions", "lock-sections", "interrupted", "invisible",
	};
	size_t i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
		if (!strcmp(bounds[i], name))
			return bounds[i];
	for (i = 0; i < KS_STRAT_NR; i++)
		if (!strcmp(ks_strategy_name((enum ks_strategy)i), name))
			return ks_strategy_name((enum ks_strategy)i);
	return NULL;
}

static const char *jstr(const struct cli_jval *o, const char *key)
{
	const struct cli_jval *v = cli_jval_get(o, key);

	return v && v->type == CLI_J_STR ? v->s : NULL;
}

/* "key" as a count; missing is 0, anything else not a count is an error. */
static int jcount(const struct cli_jval *o, const char *key, uint64_t *out, char *err,
		  size_t errlen)
{
	const struct cli_jval *v = cli_jval_get(o, key);

	*out = 0;
	if (!v)
		return 0;
	if (cli_jval_u64(v, out)) {
		snprintf(err, errlen, "\"%s\" is not a count", key);
		return -1;
	}
	return 0;
}

static int jhex(const struct cli_jval *v, uint64_t *out)
{
	char *end;

	if (!v || v->type != CLI_J_STR || strlen(v->s) != 16 ||
	    strspn(v->s, "0123456789abcdef") != 16)
		return -1;
	*out = strtoull(v->s, &end, 16);
	return 0;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		ks_out_of_memory();
	return d;
}

static int findings_from_json(const struct cli_jval *arr, struct ks_search_result *res,
			      char *err, size_t errlen)
{
	size_t i;

	if (!arr || arr->type != CLI_J_ARR) {
		snprintf(err, errlen, "no \"violations\" list");
		return -1;
	}
	res->findings = calloc(arr->n + 1, sizeof(*res->findings));
	if (!res->findings)
		ks_out_of_memory();
	for (i = 0; i < arr->n; i++) {
		const struct cli_jval *o = &arr->v[i], *sf = cli_jval_get(o, "shrunk_from");
		struct ks_finding *f = &res->findings[res->nfindings];
		const char *oracle = jstr(o, "oracle");
		uint64_t steps, pre;

		if (!oracle || !(f->oracle = intern_oracle(oracle))) {
			snprintf(err, errlen, "violations[%zu]: %s oracle%s%s", i,
				 oracle ? "unknown" : "no", oracle ? " " : "", oracle ? oracle : "");
			return -1;
		}
		if (!jstr(o, "message") || !jstr(o, "token")) {
			snprintf(err, errlen, "violations[%zu]: no message or token", i);
			return -1;
		}
		res->nfindings++;
		f->message = xstrdup(jstr(o, "message"));
		f->token = xstrdup(jstr(o, "token"));
		if (jcount(o, "steps", &steps, err, errlen) ||
		    jcount(o, "preemptions", &pre, err, errlen))
			return -1;
		f->steps = (uint32_t)steps;
		f->preemptions = (unsigned)pre;
		if (sf) {
			uint64_t a, b, c;

			if (jcount(sf, "steps", &a, err, errlen) ||
			    jcount(sf, "preemptions", &b, err, errlen) ||
			    jcount(sf, "runs", &c, err, errlen))
				return -1;
			f->shrunk_from_steps = (uint32_t)a;
			f->shrunk_from_preemptions = (unsigned)b;
			f->shrink_runs = (unsigned)c;
		}
	}
	return 0;
}

int cli_result_from_json(const struct cli_jval *o, struct ks_search_result *res, char *err,
			 size_t errlen)
{
	const struct cli_jval *sh = cli_jval_get(o, "shard"), *ch = cli_jval_get(o, "class_hashes");
	const struct cli_jval *notes = cli_jval_get(o, "notes"), *c = cli_jval_get(o, "complete");
	const char *bound = jstr(o, "bounded_by");
	uint64_t ms, v, restarts;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (!c || c->type != CLI_J_BOOL) {
		snprintf(err, errlen, "no \"complete\"");
		return -1;
	}
	res->complete = c->b;
	if (bound && !(res->bounded_by = intern_bound(bound))) {
		snprintf(err, errlen, "unknown bound \"%s\"", bound);
		return -1;
	}
	if (!res->complete && !res->bounded_by) {
		snprintf(err, errlen, "not complete, and no \"bounded_by\"");
		return -1;
	}
	if (jcount(o, "runs", &res->runs, err, errlen) ||
	    jcount(o, "classes", &res->classes, err, errlen) ||
	    jcount(o, "sleep_blocked", &res->sleep_blocked, err, errlen) ||
	    jcount(o, "cut", &res->cut, err, errlen) ||
	    jcount(o, "steps", &res->steps, err, errlen) ||
	    jcount(o, "terminal", &res->terminal, err, errlen) ||
	    jcount(o, "hangs", &res->hangs, err, errlen) ||
	    jcount(o, "loop_cut", &res->loop_cut, err, errlen) ||
	    jcount(o, "hidden_steps", &res->hidden_steps, err, errlen) ||
	    jcount(o, "restart_runs", &res->restart_runs, err, errlen) ||
	    jcount(o, "restarts", &restarts, err, errlen) ||
	    jcount(o, "violating_runs", &res->violating_runs, err, errlen) ||
	    jcount(o, "elapsed_ms", &ms, err, errlen))
		return -1;
	res->elapsed_s = (double)ms / 1000;
	res->restarts = restarts > UINT_MAX ? UINT_MAX : (unsigned)restarts;
	if (jhex(cli_jval_get(o, "class_digest"), &res->class_digest)) {
		snprintf(err, errlen, "no \"class_digest\" of 16 hex digits");
		return -1;
	}
	if (sh) {
		uint64_t idx, n;

		if (cli_jval_u64(cli_jval_get(sh, "index"), &idx) ||
		    cli_jval_u64(cli_jval_get(sh, "count"), &n) || n < 2 || idx >= n ||
		    n > 1u << 20) {
			snprintf(err, errlen, "\"shard\" is not {\"index\": i, \"count\": n} with i < n");
			return -1;
		}
		res->shard = (unsigned)idx;
		res->nshards = (unsigned)n;
		if (jcount(sh, "prefix_depth", &v, err, errlen))
			return -1;
		res->prefix_depth = (unsigned)v;
		if (jcount(sh, "prefixes", &res->prefixes, err, errlen) ||
		    jcount(sh, "prefixes_explored", &res->prefixes_owned, err, errlen) ||
		    jcount(sh, "prefix_runs", &res->prefix_runs, err, errlen))
			return -1;
	}
	if (ch) {
		if (ch->type != CLI_J_ARR || ch->n != res->classes) {
			snprintf(err, errlen, "\"class_hashes\" does not list the %llu classes",
				 (unsigned long long)res->classes);
			return -1;
		}
		res->class_hashes = malloc((ch->n + 1) * sizeof(*res->class_hashes));
		if (!res->class_hashes)
			ks_out_of_memory();
		for (i = 0; i < ch->n; i++)
			if (jhex(&ch->v[i], &res->class_hashes[i]) ||
			    (i && res->class_hashes[i] <= res->class_hashes[i - 1])) {
				snprintf(err, errlen, "class_hashes[%zu] is not a hash of 16 hex digits in order", i);
				return -1;
			}
		res->nclass_hashes = ch->n;
	}
	if (findings_from_json(cli_jval_get(o, "violations"), res, err, errlen))
		return -1;
	for (i = 0; notes && notes->type == CLI_J_ARR && i < notes->n; i++) {
		if (notes->v[i].type != CLI_J_STR)
			continue;
		res->notes = realloc(res->notes, (res->nnotes + 1) * sizeof(*res->notes));
		if (!res->notes)
			ks_out_of_memory();
		res->notes[res->nnotes++] = xstrdup(notes->v[i].s);
	}
	ks_search_result_verdict(res);
	return 0;
}

/* ---- reading files -------------------------------------------------------------- */

/* The whole of @f, NUL-terminated; NULL with errno set. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap), *nb;

	if (!b)
		ks_out_of_memory();
	for (;;) {
		size_t got = fread(b + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
		if (cap - n < 2) {
			if (cap >= CLI_MERGE_MAX_FILE) {
				free(b);
				errno = EFBIG;
				return NULL;
			}
			nb = realloc(b, cap *= 2);
			if (!nb)
				ks_out_of_memory();
			b = nb;
		}
	}
	if (ferror(f)) {
		free(b);
		errno = EIO;
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

int cli_merge_file(FILE *f, const char *what, struct ks_search_result *acc)
{
	struct ks_search_result part;
	struct cli_jval v;
	char err[512];
	size_t len;
	char *text;
	int ret = -1;

	rewind(f);
	text = slurp(f, &len);
	if (!text) {
		cli_error("%s: %s", what, strerror(errno));
		return -1;
	}
	if (cli_json_parse(text, len, &v, err, sizeof(err))) {
		cli_error("%s:%s", what, err);
	} else if (cli_result_from_json(&v, &part, err, sizeof(err))) {
		cli_error("%s: %s", what, err);
		ks_search_result_free(&part);
	} else {
		ks_search_result_merge(acc, &part);
		ks_search_result_free(&part);
		ret = 0;
	}
	cli_jval_free(&v);
	free(text);
	return ret;
}

/* ---- the verb --------------------------------------------------------------------- */

/* The results of one scenario on one variant, era and strategy, from every shard. */
struct group {
	char *scenario, *scenario_file, *variant, *era, *strategy;
	unsigned nshards;
	bool *seen;		/* per shard */
	const char **from;	/* the file each came from */
	struct ks_search_result res;
};

struct merge {
	struct group *g;
	size_t ng;
};

static void group_free(struct group *g)
{
	free(g->scenario);
	free(g->scenario_file);
	free(g->variant);
	free(g->era);
	free(g->strategy);
	free(g->seen);
	free(g->from);
	ks_search_result_free(&g->res);
}

static struct group *group_of(struct merge *m, const char *scn, const char *file,
			      const char *var, const char *era, const char *strat)
{
	struct group *g;
	size_t i;

	for (i = 0; i < m->ng; i++) {
		g = &m->g[i];
		if (!strcmp(g->scenario, scn) && !strcmp(g->variant, var) && !strcmp(g->era, era) &&
		    !strcmp(g->strategy, strat) && !strcmp(g->scenario_file, file ? file : ""))
			return g;
	}
	g = realloc(m->g, (m->ng + 1) * sizeof(*m->g));
	if (!g)
		ks_out_of_memory();
	m->g = g;
	g = &m->g[m->ng++];
	memset(g, 0, sizeof(*g));
	g->scenario = xstrdup(scn);
	g->scenario_file = xstrdup(file);
	g->variant = xstrdup(var);
	g->era = xstrdup(era);
	g->strategy = xstrdup(strat);
	return g;
}

/* One element of "results" of file @path, number @i. */
static int merge_result(struct merge *m, const char *path, size_t i, const struct cli_jval *o)
{
	const char *scn = jstr(o, "scenario"), *var = jstr(o, "variant"), *era = jstr(o, "era");
	const char *strat = jstr(o, "strategy");
	struct ks_search_result part;
	struct group *g;
	unsigned idx, n;
	char err[512];

	if (!scn || !var || !era || !strat) {
		cli_error("%s: results[%zu]: no \"%s\"", path, i,
			  !scn ? "scenario" : !var ? "variant" : !era ? "era" : "strategy");
		return -1;
	}
	if (cli_result_from_json(o, &part, err, sizeof(err))) {
		cli_error("%s: results[%zu] (%s on %s): %s", path, i, scn, var, err);
		ks_search_result_free(&part);
		return -1;
	}
	g = group_of(m, scn, jstr(o, "scenario_file"), var, era, strat);
	n = part.nshards > 1 ? part.nshards : 1;
	idx = part.nshards > 1 ? part.shard : 0;
	if (!g->seen) {
		g->nshards = n;
		g->seen = calloc(n, sizeof(*g->seen));
		g->from = calloc(n, sizeof(*g->from));
		if (!g->seen || !g->from)
			ks_out_of_memory();
	}
	if (n != g->nshards) {
		cli_error("%s: results[%zu] (%s on %s): shard %u/%u, but %s has it in %u shards",
			  path, i, scn, var, idx, n, g->from[0] ? g->from[0] : "another file",
			  g->nshards);
	} else if (g->seen[idx]) {
		cli_error("%s: results[%zu] (%s on %s): shard %u/%u given twice (also in %s)",
			  path, i, scn, var, idx, n, g->from[idx]);
	} else if (n > 1 && !part.class_hashes && part.classes) {
		cli_error("%s: results[%zu] (%s on %s): no \"class_hashes\" (made by an older kvmsim?)",
			  path, i, scn, var);
	} else {
		g->seen[idx] = true;
		g->from[idx] = path;
		ks_search_result_merge(&g->res, &part);
		ks_search_result_free(&part);
		return 0;
	}
	ks_search_result_free(&part);
	return -1;
}

static int merge_path(struct merge *m, const char *path)
{
	const struct cli_jval *results;
	struct cli_jval v;
	struct stat st;
	char err[512];
	size_t len, i;
	char *text;
	FILE *f;
	int ret = 0;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		cli_error("%s: not a regular file", path);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	text = slurp(f, &len);
	fclose(f);
	if (!text) {
		cli_error("%s: %s", path, errno == EFBIG ? "larger than 1 GiB" : strerror(errno));
		return -1;
	}
	if (cli_json_parse(text, len, &v, err, sizeof(err))) {
		cli_error("%s:%s", path, err);
		free(text);
		return -1;
	}
	free(text);
	results = cli_jval_get(&v, "results");
	if (!results || results->type != CLI_J_ARR) {
		cli_error("%s: no \"results\" list (not the output of kvmsim check --json)", path);
		ret = -1;
	}
	for (i = 0; !ret && i < results->n; i++)
		ret = merge_result(m, path, i, &results->v[i]);
	cli_jval_free(&v);
	return ret;
}

/* Every shard of every group there; the groups a full grid of scenarios x variants. */
static int merge_check(const struct merge *m)
{
	size_t i;
	unsigned k;

	for (i = 0; i < m->ng; i++) {
		const struct group *g = &m->g[i];

		for (k = 0; k < g->nshards; k++)
			if (!g->seen[k]) {
				cli_error("%s on %s: shard %u/%u is missing (%u of %u given)",
					  g->scenario, g->variant, k, g->nshards, g->res.merged,
					  g->nshards);
				return -1;
			}
	}
	return 0;
}

/* The scenario of group @g: its file if it is there, else by name. */
static struct ks_scenario *group_scenario(const struct group *g)
{
	if (g->scenario_file[0] && access(g->scenario_file, R_OK) == 0)
		return cli_scenario_load(g->scenario_file);
	return cli_scenario_load(g->scenario);
}

enum { OPT_M_JSON = 256, OPT_M_LOAD, OPT_M_TRACE, OPT_M_JUNIT, OPT_M_ALLOW };

static const struct option merge_options[] = {
	{ "json", no_argument, NULL, OPT_M_JSON },
	{ "load", required_argument, NULL, OPT_M_LOAD },
	{ "trace", required_argument, NULL, OPT_M_TRACE },
	{ "junit", required_argument, NULL, OPT_M_JUNIT },
	{ "allow-bounded", no_argument, NULL, OPT_M_ALLOW },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

int cli_merge(int argc, char **argv)
{
	struct merge m = { 0 };
	struct cli_report rep = { 0 };
	struct ks_scenario **scns = NULL;
	const char **vnames = NULL, *junit = NULL;
	bool json = false;
	size_t nscn = 0, nvar = 0, i, s, v;
	int c, status = CLI_BAD;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":q", merge_options, NULL)) != -1) {
		switch (c) {
		case OPT_M_JSON:
			json = true;
			break;
		case OPT_M_LOAD:
			if (cli_load(optarg))
				return CLI_BAD;
			break;
		case OPT_M_TRACE:
			if (cli_trace_mode(optarg, &rep.trace))
				return CLI_BAD;
			break;
		case OPT_M_JUNIT:
			junit = optarg;
			break;
		case OPT_M_ALLOW:
			rep.allow_bounded = true;
			break;
		case 'q':
			rep.quiet = true;
			break;
		case ':':
			cli_error("merge: option '%s' needs an argument", argv[optind - 1]);
			return CLI_BAD;
		default:
			cli_error("merge: unknown option '%s' (kvmsim merge [--json] [--trace none|first|all] [--junit FILE] [--allow-bounded] [-q] [--load FILE.so] FILE...)",
				  argv[optind - 1]);
			return CLI_BAD;
		}
	}
	if (optind >= argc) {
		cli_error("merge: no files (kvmsim merge FILE..., each the --json output of a shard)");
		return CLI_BAD;
	}
	for (i = optind; i < (size_t)argc; i++)
		if (merge_path(&m, argv[i]))
			goto out;
	if (!m.ng) {
		cli_error("merge: the files hold no results");
		goto out;
	}
	if (merge_check(&m))
		goto out;
	/* the grid: scenarios and variants in the order first seen */
	scns = calloc(m.ng, sizeof(*scns));
	vnames = calloc(m.ng, sizeof(*vnames));
	if (!scns || !vnames)
		ks_out_of_memory();
	for (i = 0; i < m.ng; i++) {
		for (s = 0; s < nscn && strcmp(scns[s]->name, m.g[i].scenario); s++)
			;
		if (s == nscn && !(scns[nscn++] = group_scenario(&m.g[i]))) {
			nscn--;
			goto out;
		}
		for (v = 0; v < nvar && strcmp(vnames[v], m.g[i].variant); v++)
			;
		if (v == nvar)
			vnames[nvar++] = m.g[i].variant;
	}
	rep.nscn = nscn;
	rep.nvar = nvar;
	rep.cells = calloc(nscn * nvar, sizeof(*rep.cells));
	if (!rep.cells)
		ks_out_of_memory();
	for (i = 0; i < m.ng; i++) {
		struct group *g = &m.g[i];
		const struct ks_variant *var = cli_variant(g->variant);
		const struct ks_era *era = cli_era(g->era);
		struct cli_cell *cell;

		if (!var || !era)
			goto out;
		for (s = 0; strcmp(scns[s]->name, g->scenario); s++)
			;
		for (v = 0; strcmp(vnames[v], g->variant); v++)
			;
		cell = &rep.cells[s * nvar + v];
		if (cell->scn) {
			cli_error("merge: %s on %s is given with two eras or strategies (%s, %s)",
				  g->scenario, g->variant, cell->era->name, g->era);
			goto out;
		}
		cell->scn = scns[s];
		cell->variant = var;
		cell->era = era;
		cell->default_era = era == ks_era_get(var->default_era);
		cell->strategy = ks_strategy_name((enum ks_strategy)ks_strategy_lookup(g->strategy));
		cell->res = g->res;
		memset(&g->res, 0, sizeof(g->res));
		cli_cell_judge(cell, cell->default_era ? NULL : era, rep.allow_bounded,
			       json || !rep.quiet);
	}
	for (i = 0; i < nscn * nvar; i++)
		if (!rep.cells[i].scn) {
			cli_error("merge: %s on %s is not in the files (each scenario needs a result on each variant)",
				  scns[i / nvar]->name, vnames[i % nvar]);
			goto out;
		}
	if (junit && cli_report_junit(junit, &rep))
		goto out;
	if (json)
		cli_report_json(stdout, &rep);
	else
		cli_report_text(stdout, &rep);
	status = CLI_OK;
	for (i = 0; i < nscn * nvar; i++)
		if (cli_cell_failed(&rep.cells[i]))
			status = CLI_MISMATCH;
out:
	for (i = 0; rep.cells && i < nscn * nvar; i++)
		if (rep.cells[i].scn)
			cli_cell_free(&rep.cells[i]);
	free(rep.cells);
	for (i = 0; i < nscn; i++)
		ks_scenario_free(scns[i]);
	free(scns);
	free(vnames);
	for (i = 0; i < m.ng; i++)
		group_free(&m.g[i]);
	free(m.g);
	fflush(stdout);
	return status;
}
