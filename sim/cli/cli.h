/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvmsim program: verbs (check, replay, list, diff, table, merge), and
 * what they share — finding scenarios, variants and eras by name, running a
 * replay token into a trace, and the text and JSON writers.
 *
 * The contract (verbs, options, JSON, exit statuses) is docs/cli.md; scripts
 * depend on it.
 */
#ifndef KVMSIM_CLI_H
#define KVMSIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kvmsim/engine.h>
#include <kvmsim/scenario.h>
#include <kvmsim/variant.h>

/* Exit statuses (docs/cli.md). */
#define CLI_OK		0	/* every verdict equals its expectation */
#define CLI_MISMATCH	1	/* some verdict differs */
#define CLI_BAD		2	/* bad usage or bad input */

/* One line on stderr: "kvmsim: ...". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- names (names.c) -------------------------------------------------------- */

/* A variant or mutant by name; NULL after an error naming the nearest one. */
const struct ks_variant *cli_variant(const char *name);
/* --load FILE.so: 0, or -1 with the reason said. */
int cli_load(const char *path);
/* An era by name; NULL after an error naming the nearest one. */
const struct ks_era *cli_era(const char *name);
/* The era a variant runs on: @era, or the variant's default. */
const struct ks_era *cli_era_of(const struct ks_variant *v, const struct ks_era *era);
/* One line on @f when @era is not @v's own: a pairing no kernel shipped. */
void cli_era_note(FILE *f, const struct ks_variant *v, const struct ks_era *era);
/* The finding kinds an expectation may name (oracles and notes); free() it. */
const char **cli_kinds(size_t *n);
/* Check a scenario's expectations against the registries; prints the error. */
int cli_check_names(const struct ks_scenario *scn);

/* ---- scenarios (scenarios.c) ------------------------------------------------- */

/* Where the installed scenarios are (KVMSIM_DATADIR, the source tree, ...). */
const char *cli_scenario_dir(void);
/* The names of the installed scenarios, sorted; free with cli_names_free(). */
char **cli_scenario_names(size_t *n);
void cli_names_free(char **names, size_t n);
/*
 * A scenario by installed name or by file (anything with a '/' or ending in
 * .scn).  Prints the error (file:line:column: ...) and returns NULL.
 */
struct ks_scenario *cli_scenario_load(const char *arg);

/* ---- traces of a replay token (trace.c) -------------------------------------- */

/* One row of a run's log, as text (heap). */
struct cli_row {
	uint32_t step;
	char *thread;
	char *function;
	char *object;
	char *before;		/* "" for predicates and notes */
	char *after;		/* a predicate's result, a note's text */
};

struct cli_trace {
	struct cli_row *rows;
	size_t nrows;
	enum ks_run_status status;
	const char **oracles;	/* of each violation of the run (static) */
	char **messages;	/* and its message (heap) */
	size_t nviolations;
};

/*
 * Run @tok's decisions on @scn with @v and @era, collecting the run's rows.
 * A token for another scenario, variant or era is refused with a message in
 * @err naming which.  Returns 0 or -1.
 */
int cli_trace_token(const struct ks_scenario *scn, const struct ks_variant *v,
		    const struct ks_era *era, const struct ks_token *tok,
		    struct cli_trace *out, char *err, size_t errlen);
void cli_trace_free(struct cli_trace *t);
/* The rows as a table: step, thread, function, object, before -> after. */
void cli_trace_print(FILE *f, const struct cli_trace *t);

/* ---- JSON (json.c) ----------------------------------------------------------- */

struct cli_json {
	FILE *f;
	int depth;
	bool first[32];		/* nothing written yet at this depth */
	bool key;		/* a key was just written */
};

void cli_json_init(struct cli_json *j, FILE *f);
void cli_json_begin(struct cli_json *j, char bracket);	/* '{' or '[' */
void cli_json_end(struct cli_json *j, char bracket);
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_str(struct cli_json *j, const char *s);	/* NULL: null */
void cli_json_u64(struct cli_json *j, uint64_t v);
void cli_json_double(struct cli_json *j, double v);
/* "key": v */
void cli_json_field_u64(struct cli_json *j, const char *key, uint64_t v);
void cli_json_bool(struct cli_json *j, bool v);
void cli_json_null(struct cli_json *j);
/* A sorted verdict as a list of strings. */
void cli_json_strs(struct cli_json *j, const char *const *v, size_t n);
/* Raw break between top-level items, for readability. */
void cli_json_newline(struct cli_json *j);

/* ---- check results (check.c, report.c) ------------------------------------------ */

/* One scenario run against one variant. */
struct cli_cell {
	const struct ks_scenario *scn;
	const struct ks_variant *variant;
	const struct ks_era *era;		/* the era it ran on */
	bool default_era;
	const char *strategy;
	unsigned bound;				/* --strategy bounded's preemption bound */
	struct ks_search_result res;
	const struct ks_scn_expect *expect;	/* NULL: none (or another era) */
	bool match;				/* the verdict is the expected one */
	/*
	 * An expected ok that rests on a bounded search: not a proof, so it
	 * fails (exit 1) unless --allow-bounded.
	 */
	bool inconclusive;
	struct cli_trace *traces;		/* one per finding */
	char **trace_errors;			/* why a trace is missing, or NULL */
	char *token_file;			/* where the tokens went, or NULL */
};

/* How many traces --json carries (--trace). */
enum cli_trace_mode {
	CLI_TRACE_FIRST,	/* the first finding of each oracle in a cell (default) */
	CLI_TRACE_NONE,
	CLI_TRACE_ALL,
};

struct cli_report {
	struct cli_cell *cells;			/* scenario-major */
	size_t nscn, nvar;
	bool quiet;
	bool allow_bounded;
	enum cli_trace_mode trace;
};

/* Whether @c counts as a failure: a verdict that differs, or an inconclusive ok. */
bool cli_cell_failed(const struct cli_cell *c);
/* Findings on a variant with no expectation: listed, and failures in JUnit. */
bool cli_cell_unexpected(const struct cli_cell *c);

/* Whether @cell's verdict is its expectation's. */
bool cli_verdict_matches(const struct ks_search_result *res, const struct ks_scn_expect *e);
/* "hang,refcount", or "ok". */
void cli_verdict_text(const char *const *v, size_t n, char *buf, size_t len);
void cli_report_text(FILE *f, const struct cli_report *rep);
void cli_report_json(FILE *f, const struct cli_report *rep);
int cli_report_junit(const char *path, const struct cli_report *rep);
/* Write each cell's tokens to kvmsim-failures/; notes the file in the cell. */
void cli_write_tokens(struct cli_report *rep);

/* ---- verbs --------------------------------------------------------------------- */

int cli_check(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_table(int argc, char **argv);
/*
 * The rows of a decision table as a JSON array (table.c): every row, or with
 * !@all those that differ; @differs adds each row's "differs".
 */
void cli_json_decisions(struct cli_json *j, const struct ks_decision_table *t, bool all,
			bool differs);

#endif /* KVMSIM_CLI_H */
