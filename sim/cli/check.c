// SPDX-License-Identifier: GPL-2.0
/*
 * `kvmsim check`: every chosen scenario against every chosen variant, the
 * verdicts compared with the scenarios' expectations.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* The strategies the engine implements today; the others are refused. */
static const enum ks_strategy implemented[] = {
	KS_STRAT_DPOR, KS_STRAT_DFS, KS_STRAT_BOUNDED, KS_STRAT_PCT, KS_STRAT_RANDOM,
	KS_STRAT_PORTFOLIO,
};

struct check_cfg {
	const char **scenarios;
	size_t nscenarios;
	const char **variants;
	size_t nvariants;
	const char *era;
	const char *strategy;
	bool bound_set, depth_set;
	struct ks_search_opts opts;
	unsigned int jobs;
	bool json, quiet, allow_bounded;
	enum cli_trace_mode trace;
	const char *junit;
};

enum {
	OPT_ERA = 256, OPT_LOAD, OPT_STRATEGY, OPT_BOUND, OPT_LOOP_BOUND, OPT_SEED,
	OPT_RUNS, OPT_TIME, OPT_STOP, OPT_SHARD, OPT_JOBS, OPT_JSON, OPT_JUNIT, OPT_HTML,
	OPT_ALLOW_BOUNDED, OPT_LOCK_SECTIONS,
	OPT_NO_INVISIBLE, OPT_DEPTH, OPT_TRACE, OPT_NO_SHRINK,
};

static const struct option check_options[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "variant", required_argument, NULL, 'v' },
	{ "era", required_argument, NULL, OPT_ERA },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "bound", required_argument, NULL, OPT_BOUND },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "loop-bound", required_argument, NULL, OPT_LOOP_BOUND },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "stop-on-first", no_argument, NULL, OPT_STOP },
	{ "allow-bounded", no_argument, NULL, OPT_ALLOW_BOUNDED },
	{ "lock-sections", no_argument, NULL, OPT_LOCK_SECTIONS },
	{ "no-invisible", no_argument, NULL, OPT_NO_INVISIBLE },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "no-shrink", no_argument, NULL, OPT_NO_SHRINK },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

/* ---- option values -------------------------------------------------------- */

static int parse_num(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* decimal, or hexadecimal after 0x: no sign, no blank, no octal */
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	errno = 0;
	v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (!isxdigit((unsigned char)s[hex ? 2 : 0]) || (!hex && !isdigit((unsigned char)*s)) ||
	    *end || errno || v > max) {
		cli_error("%s: '%s' is not a number from 0 to %llu", opt, s,
			  (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_trace_mode(const char *arg, enum cli_trace_mode *out)
{
	if (!strcmp(arg, "none")) {
		*out = CLI_TRACE_NONE;
	} else if (!strcmp(arg, "first")) {
		*out = CLI_TRACE_FIRST;
	} else if (!strcmp(arg, "all")) {
		*out = CLI_TRACE_ALL;
	} else {
		cli_error("--trace: '%s' is not none, first or all", arg);
		return -1;
	}
	return 0;
}

/* Strategies whose search splits into shards (shard.c, random.c). */
static bool shardable(enum ks_strategy s)
{
	return s == KS_STRAT_DPOR || s == KS_STRAT_DFS || s == KS_STRAT_PCT ||
	       s == KS_STRAT_RANDOM;
}

static int parse_strategy(const char *name, enum ks_strategy *out)
{
	int s = ks_strategy_lookup(name);
	struct ks_spell sp;
	const char *best;
	size_t i;

	if (s < 0 || s == KS_STRAT_REPLAY) {
		ks_spell_init(&sp, name);
		for (i = 0; i < KS_STRAT_NR; i++)
			if (i != KS_STRAT_REPLAY)
				ks_spell_add(&sp, ks_strategy_name((enum ks_strategy)i));
		best = ks_spell_best(&sp);
		if (best)
			cli_error("--strategy: unknown strategy '%s'; did you mean '%s'?", name, best);
		else
			cli_error("--strategy: unknown strategy '%s' (dpor, bounded, pct, random, portfolio)",
				  name);
		return -1;
	}
	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		if (implemented[i] == (enum ks_strategy)s) {
			*out = (enum ks_strategy)s;
			return 0;
		}
	cli_error("--strategy %s: not implemented yet (use dpor, dfs, bounded, pct, random or portfolio)", name);
	return -1;
}

static const char *nearest_option(const char *arg)
{
	static char buf[64];
	struct ks_spell sp;
	const char *best;
	char word[64];
	size_t i;

	snprintf(word, sizeof(word), "%s", arg + strspn(arg, "-"));
	word[strcspn(word, "=")] = '\0';
	ks_spell_init(&sp, word);
	for (i = 0; check_options[i].name; i++)
		ks_spell_add(&sp, check_options[i].name);
	best = ks_spell_best(&sp);
	if (!best)
		return NULL;
	snprintf(buf, sizeof(buf), "--%s", best);
	return buf;
}

static int add_arg(const char ***list, size_t *n, const char *arg)
{
	const char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -1;
	*list = grown;
	grown[(*n)++] = arg;
	return 0;
}

static int parse_options(int argc, char **argv, struct check_cfg *cfg)
{
	uint64_t v;
	int c;

	cfg->opts.strategy = KS_STRAT_DPOR;
	cfg->opts.shrink = true;
	cfg->opts.loop_bound = 2;
	cfg->jobs = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:v:q", check_options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (add_arg(&cfg->scenarios, &cfg->nscenarios, optarg))
				return -1;
			break;
		case 'v':
			if (add_arg(&cfg->variants, &cfg->nvariants, optarg))
				return -1;
			break;
		case OPT_ERA:
			cfg->era = optarg;
			break;
		case OPT_LOAD:
			if (cli_load(optarg))
				return -1;
			break;
		case OPT_STRATEGY:
			cfg->strategy = optarg;
			if (parse_strategy(optarg, &cfg->opts.strategy))
				return -1;
			break;
		case OPT_BOUND:
			if (parse_num("--bound", optarg, 1000, &v))
				return -1;
			cfg->opts.bound = (unsigned int)v;
			cfg->bound_set = true;
			break;
		case OPT_NO_SHRINK:
			cfg->opts.shrink = false;
			break;
		case OPT_TRACE:
			if (cli_trace_mode(optarg, &cfg->trace))
				return -1;
			break;
		case OPT_DEPTH:
			if (parse_num("--depth", optarg, KS_PCT_DEPTH_MAX, &v))
				return -1;
			if (!v) {
				cli_error("--depth: must be 1 or more");
				return -1;
			}
			cfg->opts.depth = (unsigned int)v;
			cfg->depth_set = true;
			break;
		case OPT_LOOP_BOUND:
			if (parse_num("--loop-bound", optarg, 1000, &v))
				return -1;
			if (!v) {
				cli_error("--loop-bound: must be 1 or more");
				return -1;
			}
			cfg->opts.loop_bound = (unsigned int)v;
			break;
		case OPT_SEED:
			if (parse_num("--seed", optarg, UINT64_MAX, &cfg->opts.seed))
				return -1;
			break;
		case OPT_RUNS:
			if (parse_num("--runs", optarg, UINT64_MAX, &cfg->opts.max_runs))
				return -1;
			break;
		case OPT_TIME: {
			char *end;
			double t = strtod(optarg, &end);

			if (!isdigit((unsigned char)*optarg) || *end || !(t > 0) || t > 1e9) {
				cli_error("--time: '%s' is not a positive number of seconds", optarg);
				return -1;
			}
			cfg->opts.max_seconds = t;
			break;
		}
		case OPT_STOP:
			cfg->opts.stop_on_first = true;
			break;
		case OPT_LOCK_SECTIONS:
			cfg->opts.lock_sections = true;
			break;
		case OPT_NO_INVISIBLE:
			cfg->opts.no_invisible = true;
			break;
		case OPT_ALLOW_BOUNDED:
			cfg->allow_bounded = true;
			break;
		case OPT_SHARD: {
			unsigned long i, n;
			char tail;

			if (optarg[0] < '0' || optarg[0] > '9' ||
			    sscanf(optarg, "%lu/%lu%c", &i, &n, &tail) != 2 || !n || i >= n ||
			    n > KS_MAX_SHARDS || strchr(optarg, '-') || strchr(optarg, ' ')) {
				cli_error("--shard: '%s' is not i/n with 0 <= i < n <= %u", optarg,
					  KS_MAX_SHARDS);
				return -1;
			}
			cfg->opts.shard = (unsigned int)i;
			cfg->opts.nshards = (unsigned int)n;
			cfg->opts.keep_classes = true;
			break;
		}
		case OPT_JOBS:
			if (parse_num("--jobs", optarg, KS_MAX_SHARDS, &v))
				return -1;
			if (!v) {
				cli_error("--jobs: must be 1 or more");
				return -1;
			}
			cfg->jobs = (unsigned int)v;
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_JUNIT:
			cfg->junit = optarg;
			break;
		case OPT_HTML:
			cli_error("--html: not implemented yet");
			return -1;
		case 'q':
			cfg->quiet = true;
			break;
		case ':':
			cli_error("option '%s' needs an argument", argv[optind - 1]);
			return -1;
		default: {
			const char *arg = optopt ? NULL : argv[optind - 1];
			const char *best = arg ? nearest_option(arg) : NULL;

			if (!arg)
				cli_error("unknown option '-%c' (kvmsim --help)", optopt);
			else if (best)
				cli_error("unknown option '%s'; did you mean '%s'?", arg, best);
			else
				cli_error("unknown option '%s' (kvmsim --help)", arg);
			return -1;
		}
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s' (scenarios are given with -s)", argv[optind]);
		return -1;
	}
	if (cfg->bound_set && cfg->opts.strategy != KS_STRAT_BOUNDED) {
		cli_error("--bound applies to --strategy bounded");
		return -1;
	}
	if (cfg->opts.strategy == KS_STRAT_BOUNDED && !cfg->bound_set)
		cfg->opts.bound = 2;
	if (cfg->depth_set && cfg->opts.strategy != KS_STRAT_PCT) {
		cli_error("--depth applies to --strategy pct");
		return -1;
	}
	if (cfg->jobs > 1 && cfg->opts.nshards > 1) {
		cli_error("--jobs runs the shards of each search itself: give it or --shard, not both");
		return -1;
	}
	if ((cfg->jobs > 1 || cfg->opts.nshards > 1) && !shardable(cfg->opts.strategy)) {
		cli_error("--%s: a %s search cannot be split (dpor, dfs, pct and random can)",
			  cfg->jobs > 1 ? "jobs" : "shard", ks_strategy_name(cfg->opts.strategy));
		return -1;
	}
	return 0;
}

/* ---- what to run ------------------------------------------------------------ */

static int choose(const struct check_cfg *cfg, struct ks_scenario ***scns, size_t *nscn,
		  const struct ks_variant ***vars, size_t *nvar, const struct ks_era **era)
{
	size_t i, n;

	*era = NULL;
	if (cfg->era && !(*era = cli_era(cfg->era)))
		return -1;
	if (cfg->nvariants) {
		*vars = calloc(cfg->nvariants, sizeof(**vars));
		if (!*vars)
			return -1;
		for (i = 0; i < cfg->nvariants; i++) {
			const struct ks_variant *v = cli_variant(cfg->variants[i]);
			size_t j;

			if (!v)
				return -1;
			for (j = 0; j < *nvar && (*vars)[j] != v; j++)
				;
			if (j == *nvar)
				(*vars)[(*nvar)++] = v;
		}
	} else {
		*vars = calloc(ks_variant_count() + 1, sizeof(**vars));
		if (!*vars)
			return -1;
		for (i = 0; i < ks_variant_count(); i++)
			if (!ks_variant_at(i)->mutant)
				(*vars)[(*nvar)++] = ks_variant_at(i);
	}
	if (cfg->nscenarios) {
		*scns = calloc(cfg->nscenarios, sizeof(**scns));
		if (!*scns)
			return -1;
		for (i = 0; i < cfg->nscenarios; i++) {
			(*scns)[*nscn] = cli_scenario_load(cfg->scenarios[i]);
			if (!(*scns)[*nscn])
				return -1;
			(*nscn)++;
		}
	} else {
		char **names = cli_scenario_names(&n);

		if (!n) {
			cli_error("no scenarios in %s (set KVMSIM_DATADIR, or give -s FILE)",
				  cli_scenario_dir());
			cli_names_free(names, n);
			return -1;
		}
		*scns = calloc(n, sizeof(**scns));
		for (i = 0; *scns && i < n; i++) {
			(*scns)[*nscn] = cli_scenario_load(names[i]);
			if (!(*scns)[*nscn])
				break;
			(*nscn)++;
		}
		cli_names_free(names, n);
		if (*nscn < n)
			return -1;
	}
	return 0;
}

/* ---- running ------------------------------------------------------------------ */

static bool progress_on(const struct check_cfg *cfg)
{
	return !cfg->quiet && !cfg->json && isatty(STDERR_FILENO);
}

/* ---- progress and interruption ------------------------------------------------------------ */

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	ks_search_interrupt();
}

/* SIGINT and SIGTERM end the search at the end of its run; the report is still written. */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct progress {
	const char *what;	/* "[i/n] scenario on variant" */
	struct timespec t0;
	uint64_t runs;
	double last;		/* when the line was last drawn */
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* After each run: the line on stderr, once a search has gone on for a second. */
static void progress_run(void *ctx, const struct ks_run_info *info)
{
	struct progress *p = ctx;
	double t;

	(void)info;
	if (++p->runs & 63)
		return;
	t = since(&p->t0);
	if (t < 1 || t - p->last < 0.25)
		return;
	p->last = t;
	fprintf(stderr, "\r\033[K%s: %llu runs, %.0f runs/s, %.0f s", p->what,
		(unsigned long long)p->runs, (double)p->runs / t, t);
}

static void trace_findings(struct cli_cell *cell, const struct ks_era *era_arg)
{
	size_t i, n = cell->res.nfindings;

	cell->traces = calloc(n + 1, sizeof(*cell->traces));
	cell->trace_errors = calloc(n + 1, sizeof(*cell->trace_errors));
	if (!cell->traces || !cell->trace_errors)
		return;
	for (i = 0; i < n; i++) {
		struct ks_token tok;
		char err[512];

		if (ks_token_parse(cell->res.findings[i].token, &tok, err, sizeof(err))) {
			cell->trace_errors[i] = strdup(err);
			continue;
		}
		if (cli_trace_token(cell->scn, cell->variant, era_arg, &tok, &cell->traces[i],
				    err, sizeof(err)))
			cell->trace_errors[i] = strdup(err);
		ks_token_free(&tok);
	}
}

/*
 * A search that completes within JOBS_PROBE_RUNS runs is not worth forking
 * for: it is made whole, here (and deterministically: a number of runs, not
 * a time).  Whether it did.
 */
#define JOBS_PROBE_RUNS 500

static bool run_probe(struct cli_cell *cell, const struct ks_era *era_arg,
		      const struct ks_search_opts *base)
{
	struct ks_search_opts opts = *base;
	char err[1024];

	if (opts.max_runs && opts.max_runs <= JOBS_PROBE_RUNS)
		return false;	/* bounded by --runs anyway: split it */
	opts.max_runs = JOBS_PROBE_RUNS;
	if (ks_check_scenario(cell->scn, cell->variant, era_arg, &opts, &cell->res, err,
			      sizeof(err)) == 0 && cell->res.complete)
		return true;
	ks_search_result_free(&cell->res);
	return false;
}

/*
 * --jobs N: the search of @cell as N shards, each in a forked process that
 * writes its result as JSON to a temporary file; the results are merged
 * as `kvmsim merge` merges them.  Traces are made here, after the merge.
 */
static int run_shards(const struct check_cfg *cfg, struct cli_cell *cell,
		      const struct ks_era *era_arg, const struct ks_search_opts *base);

/*
 * --jobs N: the search of @cell as N shards.  Shards hide steps with what a
 * common probe learned; if a shard learned more later, its split is not the
 * others' and the merge is bounded by "invisible": the shards are searched
 * again, hiding nothing.
 */
static int run_jobs(const struct check_cfg *cfg, struct cli_cell *cell,
		    const struct ks_era *era_arg, const struct ks_search_opts *base)
{
	struct ks_search_opts plain = *base;
	int ret;

	if (run_probe(cell, era_arg, base))
		return 0;
	ret = run_shards(cfg, cell, era_arg, base);
	if (ret || !cell->res.bounded_by || strcmp(cell->res.bounded_by, "invisible"))
		return ret;
	ks_search_result_free(&cell->res);
	memset(&cell->res, 0, sizeof(cell->res));
	plain.no_invisible = true;
	return run_shards(cfg, cell, era_arg, &plain);
}

static int run_shards(const struct check_cfg *cfg, struct cli_cell *cell,
		      const struct ks_era *era_arg, const struct ks_search_opts *base)
{
	unsigned n = cfg->jobs, i;
	FILE **out = calloc(n, sizeof(*out));
	pid_t *pid = calloc(n, sizeof(*pid));
	int ret = 0;

	if (!out || !pid)
		ks_out_of_memory();
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n && !ret; i++) {
		out[i] = tmpfile();
		if (!out[i]) {
			cli_error("--jobs: a temporary file: %s", strerror(errno));
			ret = -1;
			break;
		}
		pid[i] = fork();
		if (pid[i] < 0) {
			cli_error("--jobs: fork: %s", strerror(errno));
			ret = -1;
		} else if (!pid[i]) {
			struct ks_search_opts opts = *base;
			struct cli_cell part = *cell;
			struct cli_json j;
			char err[1024];
			int st;

			opts.shard = i;
			opts.nshards = n;
			opts.keep_classes = true;
			opts.on_run = NULL;
			if (ks_check_scenario(cell->scn, cell->variant, era_arg, &opts, &part.res,
					      err, sizeof(err))) {
				cli_error("%s on %s: %s", cell->scn->name, cell->variant->name, err);
				_exit(CLI_BAD);
			}
			cli_json_init(&j, out[i]);
			cli_json_cell(&j, &part, CLI_TRACE_NONE);
			fputc('\n', out[i]);
			st = fflush(out[i]) || ferror(out[i]) ? CLI_BAD : CLI_OK;
			/* what this process made is its own to free (a checker counts it) */
			ks_search_result_free(&part.res);
			free(out);
			free(pid);
			_exit(st);
		}
	}
	for (i = 0; i < n; i++) {
		int st;

		if (!out[i] || pid[i] <= 0)
			continue;
		while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!ret && (!WIFEXITED(st) || WEXITSTATUS(st))) {
			cli_error("%s on %s: the process of shard %u/%u failed", cell->scn->name,
				  cell->variant->name, i, n);
			ret = -1;
		}
		if (!ret && cli_merge_file(out[i], "shard", &cell->res))
			ret = -1;
	}
	for (i = 0; i < n; i++)
		if (out[i])
			fclose(out[i]);
	free(out);
	free(pid);
	return ret;
}

static int run_cell(const struct check_cfg *cfg, struct cli_cell *cell,
		    const struct ks_era *era_arg, const char *what)
{
	struct ks_search_opts opts = cfg->opts;
	struct progress pr = { .what = what };
	char err[1024];

	cell->era = cli_era_of(cell->variant, era_arg);
	cell->default_era = cell->era == ks_era_get(cell->variant->default_era);
	cell->strategy = ks_strategy_name(cfg->opts.strategy);
	cell->bound = cfg->opts.bound;
	if (progress_on(cfg)) {
		clock_gettime(CLOCK_MONOTONIC, &pr.t0);
		opts.on_run = progress_run;
		opts.on_run_ctx = &pr;
	}
	if (cfg->jobs > 1 ? run_jobs(cfg, cell, era_arg, &opts) :
	    ks_check_scenario(cell->scn, cell->variant, era_arg, &opts, &cell->res, err,
			      sizeof(err))) {
		if (cfg->jobs <= 1)
			cli_error("%s on %s: %s", cell->scn->name, cell->variant->name, err);
		return -1;
	}
	cli_cell_judge(cell, era_arg, cfg->allow_bounded, cfg->json || !cfg->quiet);
	return 0;
}

void cli_cell_judge(struct cli_cell *cell, const struct ks_era *era_arg, bool allow_bounded,
		    bool traces)
{
	/* Expectations are for a variant on its own era. */
	cell->expect = cell->default_era ? ks_scenario_expect(cell->scn, cell->variant->name) :
					   NULL;
	cell->match = cli_verdict_matches(&cell->res, cell->expect);
	cell->inconclusive = cell->match && cell->expect && !cell->expect->nverdict &&
			     !cell->res.complete && !allow_bounded;
	if (traces)
		trace_findings(cell, era_arg);
}

void cli_cell_free(struct cli_cell *cell)
{
	size_t i;

	for (i = 0; cell->traces && i < cell->res.nfindings; i++)
		cli_trace_free(&cell->traces[i]);
	for (i = 0; cell->trace_errors && i < cell->res.nfindings; i++)
		free(cell->trace_errors[i]);
	free(cell->traces);
	free(cell->trace_errors);
	free(cell->token_file);
	ks_search_result_free(&cell->res);
}

int cli_check(int argc, char **argv)
{
	struct check_cfg cfg = { 0 };
	struct ks_scenario **scns = NULL;
	const struct ks_variant **vars = NULL;
	const struct ks_era *era = NULL;
	struct cli_report rep = { 0 };
	size_t nscn = 0, nvar = 0, i, ran = 0;
	int status = CLI_BAD;

	if (parse_options(argc, argv, &cfg) ||
	    choose(&cfg, &scns, &nscn, &vars, &nvar, &era))
		goto out;
	if (!nvar) {
		cli_error("no variant to run");
		goto out;
	}
	rep.nscn = nscn;
	rep.nvar = nvar;
	rep.quiet = cfg.quiet;
	rep.allow_bounded = cfg.allow_bounded;
	rep.trace = cfg.trace;
	rep.cells = calloc(nscn * nvar, sizeof(*rep.cells));
	if (!rep.cells)
		goto out;
	catch_stop_signals();
	for (i = 0; i < nscn * nvar; i++, ran++) {
		struct cli_cell *cell = &rep.cells[i];
		char what[256];

		cell->scn = scns[i / nvar];
		cell->variant = vars[i % nvar];
		snprintf(what, sizeof(what), "[%zu/%zu] %s on %s", i + 1, nscn * nvar,
			 cell->scn->name, cell->variant->name);
		if (progress_on(&cfg))
			fprintf(stderr, "\r\033[K%s ...", what);
		if (run_cell(&cfg, cell, era, what))
			goto out;
	}
	if (progress_on(&cfg))
		fprintf(stderr, "\r\033[K");
	cli_write_tokens(&rep);
	if (cfg.json)
		cli_report_json(stdout, &rep);
	else
		cli_report_text(stdout, &rep);
	if (cfg.junit && cli_report_junit(cfg.junit, &rep))
		goto out;
	status = CLI_OK;
	/* a shard's verdicts are partial: `kvmsim merge` judges them */
	for (i = 0; i < nscn * nvar && cfg.opts.nshards <= 1; i++)
		if (cli_cell_failed(&rep.cells[i]))
			status = CLI_MISMATCH;
	if (stop_signal)
		status = 128 + stop_signal;	/* 130 for SIGINT, 143 for SIGTERM */
out:
	if (progress_on(&cfg) && ran)
		fprintf(stderr, "\r\033[K");
	for (i = 0; rep.cells && i < nscn * nvar; i++)
		cli_cell_free(&rep.cells[i]);
	free(rep.cells);
	for (i = 0; i < nscn; i++)
		ks_scenario_free(scns[i]);
	free(scns);
	free(vars);
	free(cfg.scenarios);
	free(cfg.variants);
	fflush(stdout);
	return status;
}
