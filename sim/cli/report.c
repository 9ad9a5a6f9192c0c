// SPDX-License-Identifier: GPL-2.0
/*
 * The results of `kvmsim check`: the verdict matrix and counterexamples as
 * text, the JSON of docs/cli.md, JUnit XML, and the token files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#define FAILURES_DIR "kvmsim-failures"

bool cli_verdict_matches(const struct ks_search_result *res, const struct ks_scn_expect *e)
{
	size_t i;

	if (!e)
		return true;
	if (res->nverdict != e->nverdict)
		return false;
	for (i = 0; i < e->nverdict; i++)
		if (strcmp(res->verdict[i], e->verdict[i]))
			return false;
	return true;
}

bool cli_cell_failed(const struct cli_cell *c)
{
	return !c->match || c->inconclusive;
}

bool cli_cell_unexpected(const struct cli_cell *c)
{
	return !c->expect && c->res.nverdict;
}

/* "the scenario's budget (search runs=3000)", "--runs", ... for @c's bound. */
static void bound_text(const struct cli_cell *c, char *buf, size_t len)
{
	const char *b = c->res.bounded_by ? c->res.bounded_by : "?";

	if (!strcmp(b, "budget"))
		snprintf(buf, len, "the scenario's budget (search runs=%u)", c->scn->search.runs);
	else if (!strcmp(b, "runs") || !strcmp(b, "time") || !strcmp(b, "stop-on-first"))
		snprintf(buf, len, "--%s", b);
	else if (!strcmp(b, "steps"))
		snprintf(buf, len, "the step bound (%llu run%s cut)",
			 (unsigned long long)c->res.cut, c->res.cut == 1 ? "" : "s");
	else if (!strcmp(b, "loop"))
		snprintf(buf, len, "the retry-loop bound (%llu run%s rest on an await)",
			 (unsigned long long)c->res.loop_cut, c->res.loop_cut == 1 ? "" : "s");
	else if (!strcmp(b, "preemptions"))
		snprintf(buf, len, "the preemption bound (--bound %u)", c->bound);
	else if (!strcmp(b, "pct") || !strcmp(b, "random"))
		snprintf(buf, len, "--strategy %s (a sample, not a proof)", b);
	else if (!strcmp(b, "portfolio"))
		snprintf(buf, len, "--strategy portfolio (DPOR did not finish in half the budget; then samples)");
	else if (!strcmp(b, "interrupted"))
		snprintf(buf, len, "an interrupt (SIGINT or SIGTERM)");
	else if (!strcmp(b, "invisible"))
		snprintf(buf, len, "invisible steps learned after the shards' probe (--no-invisible searches without)");
	else if (!strcmp(b, "lock-sections"))
		snprintf(buf, len, "--lock-sections (a reduction not yet shown sound)");
	else
		snprintf(buf, len, "%s", b);
}

/* How @c's shards split it, when no prefix line says: a sample's runs, or not at all. */
static const char *split_how(const struct cli_cell *c, const char *sample, const char *whole)
{
	if (c->res.prefix_depth)
		return "";
	return !strcmp(c->strategy, "pct") || !strcmp(c->strategy, "random") ? sample : whole;
}

void cli_verdict_text(const char *const *v, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	snprintf(buf, len, "ok");
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", v[i]);
}

static const struct cli_cell *cell_at(const struct cli_report *rep, size_t s, size_t v)
{
	return &rep->cells[s * rep->nvar + v];
}

/* The cell as the matrix shows it: its verdict, '!' if unexpected, '~' if bounded. */
static void cell_text(const struct cli_cell *c, char *buf, size_t len)
{
	char v[256];

	cli_verdict_text(c->res.verdict, c->res.nverdict, v, sizeof(v));
	snprintf(buf, len, "%s%s%s", v, cli_cell_failed(c) ? "!" : "", c->res.complete ? "" : "~");
}

static void print_matrix(FILE *f, const struct cli_report *rep)
{
	int w0 = (int)strlen("scenario"), *w;
	size_t s, v;
	char buf[300];
	bool mismatch = false, bounded = false;

	w = calloc(rep->nvar, sizeof(*w));
	if (!w)
		return;
	for (s = 0; s < rep->nscn; s++) {
		int n = (int)strlen(cell_at(rep, s, 0)->scn->name);

		w0 = n > w0 ? n : w0;
	}
	for (v = 0; v < rep->nvar; v++) {
		w[v] = (int)strlen(cell_at(rep, 0, v)->variant->name);
		for (s = 0; s < rep->nscn; s++) {
			int n;

			cell_text(cell_at(rep, s, v), buf, sizeof(buf));
			n = (int)strlen(buf);
			w[v] = n > w[v] ? n : w[v];
			mismatch |= cli_cell_failed(cell_at(rep, s, v));
			bounded |= !cell_at(rep, s, v)->res.complete;
		}
	}
	/* Columns padded to their widest cell; the last one not padded. */
	fprintf(f, "%-*s", w0, "scenario");
	for (v = 0; v < rep->nvar; v++)
		fprintf(f, "  %-*s", v + 1 < rep->nvar ? w[v] : 0,
			cell_at(rep, 0, v)->variant->name);
	fputc('\n', f);
	for (s = 0; s < rep->nscn; s++) {
		fprintf(f, "%-*s", w0, cell_at(rep, s, 0)->scn->name);
		for (v = 0; v < rep->nvar; v++) {
			cell_text(cell_at(rep, s, v), buf, sizeof(buf));
			fprintf(f, "  %-*s", v + 1 < rep->nvar ? w[v] : 0, buf);
		}
		fputc('\n', f);
	}
	if (mismatch || bounded)
		fprintf(f, "\n%s%s%s\n", mismatch ? "!: not the expected verdict" : "",
			mismatch && bounded ? "; " : "",
			bounded ? "~: bounded search (not every run explored)" : "");
	free(w);
}

static void print_mismatches(FILE *f, const struct cli_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		const struct cli_cell *c = &rep->cells[i];
		char got[256], want[256], bound[128];

		cli_verdict_text(c->res.verdict, c->res.nverdict, got, sizeof(got));
		if (!c->match) {
			cli_verdict_text(c->expect->verdict, c->expect->nverdict, want,
					 sizeof(want));
			fprintf(f, "%s:%u: %s on %s: verdict %s, expected %s\n", c->scn->path,
				c->expect->line, c->scn->name, c->variant->name, got, want);
		} else if (c->inconclusive) {
			bound_text(c, bound, sizeof(bound));
			fprintf(f, "%s:%u: %s on %s: ok is inconclusive: the search was bounded by %s (--allow-bounded accepts it)\n",
				c->scn->path, c->expect->line, c->scn->name, c->variant->name,
				bound);
		}
	}
}

/* Findings on variants the scenario has no expectation for. */
static void print_unexpected(FILE *f, const struct cli_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		const struct cli_cell *c = &rep->cells[i];
		char got[256];

		if (!cli_cell_unexpected(c))
			continue;
		cli_verdict_text(c->res.verdict, c->res.nverdict, got, sizeof(got));
		fprintf(f, "%s on %s (%s): %s, and the scenario has no expectation for it\n",
			c->scn->name, c->variant->name, c->era->name, got);
	}
}

static void print_stats(FILE *f, const struct cli_report *rep)
{
	size_t i, k;

	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		const struct cli_cell *c = &rep->cells[i];

		char how[160];

		if (c->res.complete)
			snprintf(how, sizeof(how), "complete");
		else {
			char bound[128];

			bound_text(c, bound, sizeof(bound));
			snprintf(how, sizeof(how), "bounded by %s", bound);
		}
		fprintf(f, "%s on %s (%s, %s): %s, %llu runs, %llu classes, %llu steps, %.0f ms\n",
			c->scn->name, c->variant->name, c->era->name, c->strategy, how,
			(unsigned long long)c->res.runs, (unsigned long long)c->res.classes,
			(unsigned long long)c->res.steps, c->res.elapsed_s * 1000);
		if (c->res.hidden_steps || c->res.restarts)
			fprintf(f, "  %llu of the steps invisible (private objects), %u restart%s learning them (%llu runs)\n",
				(unsigned long long)c->res.hidden_steps, c->res.restarts,
				c->res.restarts == 1 ? "" : "s", (unsigned long long)c->res.restart_runs);
		if (c->res.nshards > 1 && c->res.merged)
			fprintf(f, "  merged from %u of %u shards%s\n", c->res.merged, c->res.nshards,
				split_how(c, " (runs split by number)", " (each made it whole: it ended before the deal)"));
		else if (c->res.nshards > 1)
			fprintf(f, "  shard %u/%u%s\n", c->res.shard, c->res.nshards,
				split_how(c, ": every n-th run of the sample", ": made whole (it ended before the deal)"));
		if (c->res.prefix_depth && !strcmp(c->strategy, "dfs"))
			fprintf(f, "  %llu of %llu schedule prefixes (the first %u branching nodes), %llu partial runs to enumerate them\n",
				(unsigned long long)c->res.prefixes_owned,
				(unsigned long long)c->res.prefixes, c->res.prefix_depth,
				(unsigned long long)c->res.prefix_runs);
		else if (c->res.prefix_depth)
			fprintf(f, "  %llu of %llu backtrack points, dealt after the %llu runs every shard makes alike (down to node %u)\n",
				(unsigned long long)c->res.prefixes_owned,
				(unsigned long long)c->res.prefixes,
				(unsigned long long)c->res.prefix_runs, c->res.prefix_depth);
		for (k = 0; k < c->res.nnotes; k++)
			fprintf(f, "  note: %s\n", c->res.notes[k]);
		if (c->res.pct_depth)
			fprintf(f, "  pct depth %u, %u threads, %u steps: a bug of depth %u is found by one run with probability >= 1/(n k^(d-1)) = %.3g, by these %llu runs >= %.3g\n",
				c->res.pct_depth, c->res.pct_threads, c->res.pct_steps,
				c->res.pct_depth, c->res.pct_p_run, (unsigned long long)c->res.runs,
				c->res.pct_p_search);
	}
}

/* How `kvmsim replay -s` names @scn: by name if installed, else by its file. */
static const char *scn_arg(const struct ks_scenario *scn)
{
	char installed[4096];

	snprintf(installed, sizeof(installed), "%s/%s.scn", cli_scenario_dir(), scn->name);
	return strcmp(installed, scn->path) ? scn->path : scn->name;
}

/* The command that replays @token of cell @c. */
static void replay_command(const struct cli_cell *c, const char *token, struct ks_buf *b)
{
	ks_buf_printf(b, "kvmsim replay -s %s -v %s%s%s %s", scn_arg(c->scn), c->variant->name,
		      c->default_era ? "" : " --era ", c->default_era ? "" : c->era->name, token);
}

static void print_replay_hint(FILE *f, const struct cli_cell *c, const char *token)
{
	struct ks_buf b = { 0 };

	replay_command(c, token, &b);
	fprintf(f, "  replay: %s\n", b.s);
	ks_buf_free(&b);
}

/* How many findings of @c before @k have the oracle of finding @k. */
static size_t earlier_of_oracle(const struct cli_cell *c, size_t k)
{
	size_t j, n = 0;

	for (j = 0; j < k; j++)
		n += !strcmp(c->res.findings[j].oracle, c->res.findings[k].oracle);
	return n;
}

/*
 * One counterexample per oracle and cell (the first found); the other
 * distinct findings of that oracle are counted, and --json lists them all.
 */
static void print_counterexamples(FILE *f, const struct cli_report *rep)
{
	size_t i, k, j, more;

	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		const struct cli_cell *c = &rep->cells[i];

		for (k = 0; k < c->res.nfindings; k++) {
			const struct ks_finding *fd = &c->res.findings[k];

			if (earlier_of_oracle(c, k))
				continue;
			for (more = 0, j = k + 1; j < c->res.nfindings; j++)
				more += !strcmp(c->res.findings[j].oracle, fd->oracle);
			fprintf(f, "\n== %s on %s (%s): %s", c->scn->name, c->variant->name,
				c->era->name, fd->oracle);
			if (more)
				fprintf(f, " (and %zu more distinct %s finding%s; --json lists them)",
					more, fd->oracle, more == 1 ? "" : "s");
			fprintf(f, "\n");
			fprintf(f, "  %s\n", fd->message ? fd->message : "");
			if (fd->shrink_runs)
				fprintf(f, "  (shrunk from %u preemption%s, %u steps to %u, %u steps in %u runs)\n",
					fd->shrunk_from_preemptions,
					fd->shrunk_from_preemptions == 1 ? "" : "s",
					fd->shrunk_from_steps, fd->preemptions, fd->steps,
					fd->shrink_runs);
			if (fd->nondeterministic)
				fprintf(f, "  (warning: its replay differed: nondeterminism)\n");
			if (c->traces && c->traces[k].nrows)
				cli_trace_print(f, &c->traces[k]);
			else if (c->trace_errors && c->trace_errors[k])
				fprintf(f, "  (no trace: %s)\n", c->trace_errors[k]);
			print_replay_hint(f, c, fd->token);
			if (c->token_file)
				fprintf(f, "  token written to %s\n", c->token_file);
		}
	}
}

/* One note per variant run on an era that is not its own. */
static void print_pairings(FILE *f, const struct cli_report *rep)
{
	size_t v;

	for (v = 0; v < rep->nvar && rep->nscn; v++) {
		const struct cli_cell *c = &rep->cells[v];

		if (!c->default_era)
			cli_era_note(f, c->variant, c->era);
	}
}

void cli_report_text(FILE *f, const struct cli_report *rep)
{
	if (rep->quiet) {
		print_mismatches(f, rep);
		print_unexpected(f, rep);
		return;
	}
	print_matrix(f, rep);
	fputc('\n', f);
	print_pairings(f, rep);
	print_mismatches(f, rep);
	print_unexpected(f, rep);
	print_stats(f, rep);
	print_counterexamples(f, rep);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_trace(struct cli_json *j, const struct cli_trace *t)
{
	size_t i;

	cli_json_begin(j, '[');
	for (i = 0; t && i < t->nrows; i++) {
		const struct cli_row *r = &t->rows[i];

		cli_json_begin(j, '{');
		cli_json_key(j, "step");
		cli_json_u64(j, r->step);
		cli_json_key(j, "thread");
		cli_json_str(j, r->thread);
		cli_json_key(j, "function");
		cli_json_str(j, r->function);
		cli_json_key(j, "object");
		cli_json_str(j, r->object);
		cli_json_key(j, "before");
		cli_json_str(j, r->before);
		cli_json_key(j, "after");
		cli_json_str(j, r->after);
		cli_json_end(j, '}');
	}
	cli_json_end(j, ']');
}

/* A shard's part of the search, or how the shards merged into @c split it. */
static void json_shard(struct cli_json *j, const struct cli_cell *c)
{
	const struct ks_search_result *r = &c->res;

	cli_json_key(j, "shard");
	cli_json_begin(j, '{');
	cli_json_key(j, "index");
	if (r->merged)
		cli_json_null(j);
	else
		cli_json_u64(j, r->shard);
	cli_json_field_u64(j, "count", r->nshards);
	if (r->merged)
		cli_json_field_u64(j, "merged", r->merged);
	if (r->prefix_depth) {
		cli_json_field_u64(j, "prefix_depth", r->prefix_depth);
		cli_json_field_u64(j, "prefixes", r->prefixes);
		cli_json_field_u64(j, "prefixes_explored", r->prefixes_owned);
		cli_json_field_u64(j, "prefix_runs", r->prefix_runs);
	}
	cli_json_end(j, '}');
}

static void json_hex(struct cli_json *j, uint64_t v)
{
	char h[20];

	snprintf(h, sizeof(h), "%016llx", (unsigned long long)v);
	cli_json_str(j, h);
}

void cli_json_cell(struct cli_json *j, const struct cli_cell *c, enum cli_trace_mode trace)
{
	size_t k;

	cli_json_begin(j, '{');
	cli_json_key(j, "scenario");
	cli_json_str(j, c->scn->name);
	cli_json_key(j, "scenario_file");
	cli_json_str(j, c->scn->path);
	cli_json_key(j, "variant");
	cli_json_str(j, c->variant->name);
	cli_json_key(j, "era");
	cli_json_str(j, c->era->name);
	cli_json_key(j, "era_shipped");
	cli_json_bool(j, c->default_era);
	cli_json_key(j, "strategy");
	cli_json_str(j, c->strategy);
	cli_json_key(j, "verdict");
	cli_json_strs(j, c->res.verdict, c->res.nverdict);
	cli_json_key(j, "expected");
	if (c->expect)
		cli_json_strs(j, c->expect->verdict, c->expect->nverdict);
	else
		cli_json_null(j);
	cli_json_key(j, "match");
	if (c->expect)
		cli_json_bool(j, c->match);
	else
		cli_json_null(j);
	cli_json_key(j, "complete");
	cli_json_bool(j, c->res.complete);
	cli_json_key(j, "bounded_by");
	cli_json_str(j, c->res.bounded_by);
	cli_json_field_u64(j, "runs", c->res.runs);
	cli_json_field_u64(j, "classes", c->res.classes);
	cli_json_field_u64(j, "sleep_blocked", c->res.sleep_blocked);
	cli_json_field_u64(j, "cut", c->res.cut);
	cli_json_field_u64(j, "steps", c->res.steps);
	cli_json_field_u64(j, "elapsed_ms", (uint64_t)(c->res.elapsed_s * 1000 + 0.5));
	cli_json_field_u64(j, "terminal", c->res.terminal);
	cli_json_field_u64(j, "hangs", c->res.hangs);
	cli_json_field_u64(j, "loop_cut", c->res.loop_cut);
	cli_json_field_u64(j, "hidden_steps", c->res.hidden_steps);
	cli_json_field_u64(j, "restarts", c->res.restarts);
	cli_json_field_u64(j, "restart_runs", c->res.restart_runs);
	cli_json_field_u64(j, "violating_runs", c->res.violating_runs);
	cli_json_key(j, "class_digest");
	json_hex(j, c->res.class_digest);
	if (c->res.nshards > 1)
		json_shard(j, c);
	if (c->res.class_hashes) {
		cli_json_key(j, "class_hashes");
		cli_json_begin(j, '[');
		for (k = 0; k < c->res.nclass_hashes; k++)
			json_hex(j, c->res.class_hashes[k]);
		cli_json_end(j, ']');
	}
	if (c->res.pct_depth) {
		cli_json_key(j, "pct");
		cli_json_begin(j, '{');
		cli_json_field_u64(j, "depth", c->res.pct_depth);
		cli_json_field_u64(j, "threads", c->res.pct_threads);
		cli_json_field_u64(j, "steps", c->res.pct_steps);
		cli_json_key(j, "p_run");
		cli_json_double(j, c->res.pct_p_run);
		cli_json_key(j, "p_search");
		cli_json_double(j, c->res.pct_p_search);
		cli_json_end(j, '}');
	}
	cli_json_key(j, "violations");
	cli_json_begin(j, '[');
	for (k = 0; k < c->res.nfindings; k++) {
		const struct ks_finding *fd = &c->res.findings[k];

		cli_json_begin(j, '{');
		cli_json_key(j, "oracle");
		cli_json_str(j, fd->oracle);
		cli_json_key(j, "message");
		cli_json_str(j, fd->message ? fd->message : "");
		cli_json_key(j, "token");
		cli_json_str(j, fd->token ? fd->token : "");
		cli_json_field_u64(j, "steps", fd->steps);
		cli_json_field_u64(j, "preemptions", fd->preemptions);
		if (fd->shrink_runs) {
			cli_json_key(j, "shrunk_from");
			cli_json_begin(j, '{');
			cli_json_field_u64(j, "steps", fd->shrunk_from_steps);
			cli_json_field_u64(j, "preemptions", fd->shrunk_from_preemptions);
			cli_json_field_u64(j, "runs", fd->shrink_runs);
			cli_json_end(j, '}');
		}
		cli_json_key(j, "trace");
		if (trace == CLI_TRACE_ALL ||
		    (trace == CLI_TRACE_FIRST && !earlier_of_oracle(c, k)))
			json_trace(j, c->traces ? &c->traces[k] : NULL);
		else
			cli_json_null(j);
		cli_json_end(j, '}');
	}
	cli_json_end(j, ']');
	cli_json_key(j, "notes");
	cli_json_begin(j, '[');
	for (k = 0; k < c->res.nnotes; k++)
		cli_json_str(j, c->res.notes[k]);
	for (k = 0; k < c->res.nfindings; k++) {
		char note[600];

		if (c->res.findings[k].nondeterministic) {
			snprintf(note, sizeof(note),
				 "the replay of the %s finding differed (nondeterminism)",
				 c->res.findings[k].oracle);
			cli_json_str(j, note);
		}
		if (c->trace_errors && c->trace_errors[k]) {
			snprintf(note, sizeof(note), "no trace for the %s finding: %s",
				 c->res.findings[k].oracle, c->trace_errors[k]);
			cli_json_str(j, note);
		}
	}
	cli_json_end(j, ']');
	cli_json_end(j, '}');
}

void cli_report_json(FILE *f, const struct cli_report *rep)
{
	struct cli_json j;
	size_t i;

	cli_json_init(&j, f);
	cli_json_begin(&j, '{');
	cli_json_key(&j, "results");
	cli_json_begin(&j, '[');
	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		cli_json_newline(&j);
		cli_json_cell(&j, &rep->cells[i], rep->trace);
	}
	cli_json_end(&j, ']');
	cli_json_end(&j, '}');
	fputc('\n', f);
}

/* ---- JUnit --------------------------------------------------------------------------- */

static void xml_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

/* A JUnit failure: a verdict that differs, an inconclusive ok, or findings with no expectation. */
static bool junit_failed(const struct cli_cell *c)
{
	return cli_cell_failed(c) || cli_cell_unexpected(c);
}

/* One testsuite per scenario, one testcase per variant. */
/* The body of a failure: each finding, its token and the command that replays it. */
static void junit_findings(FILE *f, const struct cli_cell *c)
{
	size_t k;

	for (k = 0; k < c->res.nfindings; k++) {
		const struct ks_finding *fd = &c->res.findings[k];
		struct ks_buf b = { 0 };

		ks_buf_printf(&b, "%s%s: %s\n  token: %s\n  replay: ", k ? "" : "\n", fd->oracle,
			      fd->message, fd->token);
		replay_command(c, fd->token, &b);
		ks_buf_printf(&b, "\n");
		xml_str(f, b.s);
		ks_buf_free(&b);
	}
}

/*
 * Written to PATH.tmp and renamed over PATH: a reader (a CI job, a crashed
 * run) sees the old report or the whole new one, never half of it.
 */
int cli_report_junit(const char *path, const struct cli_report *rep)
{
	struct ks_buf tmp = { 0 };
	FILE *f;
	size_t s, v, failures = 0;

	ks_buf_printf(&tmp, "%s.tmp", path);
	f = fopen(tmp.s, "w");
	if (!f) {
		cli_error("--junit %s: %s", path, strerror(errno));
		ks_buf_free(&tmp);
		return -1;
	}
	for (s = 0; s < rep->nscn * rep->nvar; s++)
		failures += junit_failed(&rep->cells[s]);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"kvmsim\" tests=\"%zu\" failures=\"%zu\">\n",
		rep->nscn * rep->nvar, failures);
	for (s = 0; s < rep->nscn; s++) {
		double t = 0;
		size_t fails = 0;

		for (v = 0; v < rep->nvar; v++) {
			t += cell_at(rep, s, v)->res.elapsed_s;
			fails += junit_failed(cell_at(rep, s, v));
		}
		fprintf(f, "  <testsuite name=\"");
		xml_str(f, cell_at(rep, s, 0)->scn->name);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n", rep->nvar,
			fails, t);
		for (v = 0; v < rep->nvar; v++) {
			const struct cli_cell *c = cell_at(rep, s, v);
			char got[256], want[256], msg[600];

			fprintf(f, "    <testcase classname=\"");
			xml_str(f, c->scn->name);
			fprintf(f, "\" name=\"");
			xml_str(f, c->variant->name);
			fprintf(f, "\" time=\"%.3f\"", c->res.elapsed_s);
			if (!junit_failed(c)) {
				fprintf(f, "/>\n");
				continue;
			}
			cli_verdict_text(c->res.verdict, c->res.nverdict, got, sizeof(got));
			if (!c->expect) {
				snprintf(msg, sizeof(msg), "verdict %s with no expectation", got);
			} else if (!c->match) {
				cli_verdict_text(c->expect->verdict, c->expect->nverdict, want,
						 sizeof(want));
				snprintf(msg, sizeof(msg), "verdict %s, expected %s", got, want);
			} else {
				bound_text(c, want, sizeof(want));
				snprintf(msg, sizeof(msg), "verdict ok is inconclusive: bounded by %s",
					 want);
			}
			fprintf(f, ">\n      <failure message=\"");
			xml_str(f, msg);
			fprintf(f, "\">");
			junit_findings(f, c);
			fprintf(f, "</failure>\n");
			if (!c->res.complete) {
				bound_text(c, want, sizeof(want));
				fprintf(f, "      <system-out>bounded by ");
				xml_str(f, want);
				fprintf(f, "</system-out>\n");
			}
			fprintf(f, "    </testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	if (fclose(f) || rename(tmp.s, path)) {
		cli_error("--junit %s: %s", path, strerror(errno));
		unlink(tmp.s);
		ks_buf_free(&tmp);
		return -1;
	}
	ks_buf_free(&tmp);
	return 0;
}

/* ---- token files ------------------------------------------------------------------------ */

void cli_write_tokens(struct cli_report *rep)
{
	size_t i, k;
	bool warned = false;

	for (i = 0; i < rep->nscn * rep->nvar; i++) {
		struct cli_cell *c = &rep->cells[i];
		char path[1024];
		FILE *f;

		if (!c->res.nfindings)
			continue;
		if (mkdir(FAILURES_DIR, 0777) && errno != EEXIST) {
			if (!warned)
				cli_error("cannot write tokens to %s/: %s", FAILURES_DIR,
					  strerror(errno));
			warned = true;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s-%s%s%s.token", FAILURES_DIR, c->scn->name,
			 c->variant->name, c->default_era ? "" : "-",
			 c->default_era ? "" : c->era->name);
		f = fopen(path, "w");
		if (!f) {
			if (!warned)
				cli_error("cannot write %s: %s", path, strerror(errno));
			warned = true;
			continue;
		}
		fprintf(f, "# kvmsim replay tokens: %s on %s (%s); `kvmsim replay %s` replays the first\n",
			c->scn->name, c->variant->name, c->era->name, path);
		{
			char *abs = realpath(c->scn->path, NULL);

			/* replay finds the scenario here, installed or not */
			fprintf(f, "# scenario: %s\n", abs ? abs : c->scn->path);
			free(abs);
		}
		for (k = 0; k < c->res.nfindings; k++) {
			const struct ks_finding *fd = &c->res.findings[k];
			char msg[200];

			snprintf(msg, sizeof(msg), "%s", fd->message ? fd->message : "");
			msg[strcspn(msg, "\n")] = '\0';
			fprintf(f, "# %s: %s\n%s\n", fd->oracle, msg, fd->token);
		}
		if (fclose(f) == 0)
			c->token_file = strdup(path);
	}
}
