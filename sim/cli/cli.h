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

/* ---- reading JSON (jsonr.c) --------------------------------------------------- */

enum cli_jtype { CLI_J_NULL, CLI_J_BOOL, CLI_J_NUM, CLI_J_STR, CLI_J_ARR, CLI_J_OBJ };

struct cli_jval {
	enum cli_jtype type;
	bool b;
	char *s;		/* a string, or a number's text */
	size_t n;		/* elements, or members */
	struct cli_jval *v;
	char **k;		/* members' names */
};

/* Parse @text; 0, or -1 with "line:column: what" in @err. */
int cli_json_parse(const char *text, size_t len, struct cli_jval *out, char *err, size_t errlen);
void cli_jval_free(struct cli_jval *v);
/* A member of an object, or NULL. */
const struct cli_jval *cli_jval_get(const struct cli_jval *obj, const char *key);
/* A non-negative integer that fits in 64 bits: 0, else -1. */
int cli_jval_u64(const struct cli_jval *v, uint64_t *out);

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

/* --trace none|first|all; 0, or -1 with the error said. */
int cli_trace_mode(const char *arg, enum cli_trace_mode *out);

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
/* One cell as an element of "results". */
void cli_json_cell(struct cli_json *j, const struct cli_cell *c, enum cli_trace_mode trace);
int cli_report_junit(const char *path, const struct cli_report *rep);
/* Write each cell's tokens to kvmsim-failures/; notes the file in the cell. */
void cli_write_tokens(struct cli_report *rep);

/* ---- verbs --------------------------------------------------------------------- */

int cli_check(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_table(int argc, char **argv);
int cli_merge(int argc, char **argv);

/* After a cell's search: its expectation, match, and (if @traces) the findings' traces. */
void cli_cell_judge(struct cli_cell *cell, const struct ks_era *era_arg, bool allow_bounded,
		    bool traces);
void cli_cell_free(struct cli_cell *cell);
/* A shard's result (one "results" element) as a JSON value; 0 or -1 with @err. */
int cli_result_from_json(const struct cli_jval *o, struct ks_search_result *res, char *err,
			 size_t errlen);
/* Merge the one result in @f (named @what in errors) into @acc; 0, or -1 said. */
int cli_merge_file(FILE *f, const char *what, struct ks_search_result *acc);

/* The largest JSON file `merge` reads. */
#define CLI_MERGE_MAX_FILE (UINT64_C(1) << 30)
/*
 * The rows of a decision table as a JSON array (table.c): every row, or with
 * !@all those that differ; @differs adds each row's "differs".
 */
void cli_json_decisions(struct cli_json *j, const struct ks_decision_table *t, bool all,
			bool differs);

#endif /* KVMSIM_CLI_H */
