// SPDX-License-Identifier: GPL-2.0
/*
 * A replay token run step by step on the scenario's program, its log kept
 * as rows of text: what `kvmsim replay` prints and what the JSON "trace"
 * lists.
 *
 * The token names the scenario, variant and era it was found with by their
 * fingerprints; a token for another one is refused, naming which differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmsim/run.h>

#include "cli/cli.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		ks_out_of_memory();
	}
	return d;
}

static int check_fingerprints(const struct ks_scenario *scn, const struct ks_variant *v,
			      const struct ks_era *era, const struct ks_token *tok,
			      const struct ks_search_opts *o, char *err, size_t errlen)
{
	if (tok->fp_scenario != o->fp_scenario) {
		snprintf(err, errlen,
			 "the token is for another scenario than '%s' (fingerprint %016llx, not %016llx)",
			 scn->name, (unsigned long long)tok->fp_scenario,
			 (unsigned long long)o->fp_scenario);
		return -1;
	}
	if (tok->fp_variant != o->fp_variant) {
		snprintf(err, errlen,
			 "the token is for another variant than '%s' (fingerprint %016llx, not %016llx)",
			 v->name, (unsigned long long)tok->fp_variant,
			 (unsigned long long)o->fp_variant);
		return -1;
	}
	if (tok->fp_era != o->fp_era) {
		snprintf(err, errlen,
			 "the token is for another era than '%s' (fingerprint %016llx, not %016llx)",
			 era->name, (unsigned long long)tok->fp_era,
			 (unsigned long long)o->fp_era);
		return -1;
	}
	return 0;
}

static void add_row(struct cli_trace *t, const struct ks_row *row)
{
	char o[128], b[96], a[96];
	struct cli_row *r;

	if (!t->nrows || (t->nrows >= 64 && !(t->nrows & (t->nrows - 1)))) {
		struct cli_row *grown = realloc(t->rows, (t->nrows ? 2 * t->nrows : 64) *
						sizeof(*grown));

		if (!grown) {
			ks_out_of_memory();
		}
		t->rows = grown;
	}
	r = &t->rows[t->nrows++];
	ks_obj_format(row->obj, o, sizeof(o));
	b[0] = '\0';
	switch (row->kind) {
	case KS_ROW_CHANGE:
		ks_value_format((enum ks_vfmt)row->vfmt, row->before, b, sizeof(b));
		ks_value_format((enum ks_vfmt)row->vfmt, row->after, a, sizeof(a));
		break;
	case KS_ROW_PRED:
		ks_value_format((enum ks_vfmt)row->vfmt, row->after, a, sizeof(a));
		break;
	default:
		snprintf(a, sizeof(a), "%s", row->text ? row->text : "");
		break;
	}
	r->step = row->step;
	/* Rows outside any thread: the world's setup (step 0), the end-of-run oracles. */
	r->thread = xstrdup(row->tid >= 0 ? ks_thread_name(row->tid) :
			    row->step ? "end" : "setup");
	r->function = xstrdup(row->func);
	r->object = xstrdup(o);
	r->before = xstrdup(b);
	r->after = xstrdup(row->kind == KS_ROW_NOTE && row->text ? row->text : a);
}

int cli_trace_token(const struct ks_scenario *scn, const struct ks_variant *v,
		    const struct ks_era *era, const struct ks_token *tok,
		    struct cli_trace *out, char *err, size_t errlen)
{
	struct ks_search_opts o = { 0 };
	struct ks_run_opts ro = { 0 };
	struct ks_program prog;
	struct ks_runner *r;
	uint32_t i;
	size_t k;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	era = cli_era_of(v, era);
	if (ks_scenario_program(scn, v, era, &prog, &o, err, errlen))
		return -1;
	if (check_fingerprints(scn, v, era, tok, &o, err, errlen)) {
		ks_scenario_program_free(&prog);
		return -1;
	}
	ro.loop_bound = tok->loop_bound;
	/* A token of any length replays: the run may take as many steps as it has decisions. */
	ro.max_steps = o.max_steps > tok->ndecisions ? o.max_steps : tok->ndecisions + 1;
	r = ks_runner_new(&prog, &ro);
	if (!r) {
		ks_scenario_program_free(&prog);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ks_run_begin(r);
	for (i = 0; i < tok->ndecisions && !ret; i++) {
		int tid = tok->decisions[i];

		if (ks_run_status(r) != KS_RUN_ACTIVE || tid >= ks_run_nthreads(r) ||
		    !ks_run_enabled(r, tid)) {
			snprintf(err, errlen,
				 "the token does not fit this run: at step %u thread %d cannot run",
				 i + 1, tid);
			ret = -1;
		} else {
			ks_run_step(r, tid);
		}
	}
	if (!ret) {
		/* A token may end where its violation showed, before the run does. */
		if (ks_run_status(r) == KS_RUN_ACTIVE)
			ks_run_cut(r);
		out->status = ks_run_end(r);
		for (k = 0; k < ks_log_count(); k++)
			add_row(out, ks_log_row(k));
		out->oracles = calloc(ks_violation_count() + 1, sizeof(*out->oracles));
		out->messages = calloc(ks_violation_count() + 1, sizeof(*out->messages));
		for (k = 0; out->oracles && out->messages && k < ks_violation_count(); k++) {
			const struct ks_violation *viol = ks_violation_get(k);

			out->oracles[k] = viol->oracle;
			out->messages[k] = xstrdup(viol->msg);
			out->nviolations++;
		}
	}
	ks_runner_free(r);
	ks_scenario_program_free(&prog);
	return ret;
}

void cli_trace_free(struct cli_trace *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		free(t->rows[i].thread);
		free(t->rows[i].function);
		free(t->rows[i].object);
		free(t->rows[i].before);
		free(t->rows[i].after);
	}
	free(t->rows);
	for (i = 0; i < t->nviolations; i++)
		free(t->messages[i]);
	free(t->messages);
	free(t->oracles);
	memset(t, 0, sizeof(*t));
}

static int width(const struct cli_trace *t, size_t off, int min)
{
	int w = min;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		int n = (int)strlen(*(char **)((char *)&t->rows[i] + off));

		if (n > w)
			w = n;
	}
	return w > 40 ? 40 : w;
}

static void print_row(FILE *f, const struct cli_row *r, int wt, int wf, int wo)
{
	fprintf(f, "  %5u  %-*s  %-*s  %-*s  ", r->step, wt, r->thread, wf,
		r->function, wo, r->object);
	if (r->before[0])
		fprintf(f, "%s -> %s\n", r->before, r->after);
	else
		fprintf(f, "%s\n", r->after);
}

/*
 * The end of the run of rows from @i in which one thread repeats a pattern of
 * @period functions (put_page, percpu_ref_put, put_page, ...).
 */
static size_t run_end(const struct cli_trace *t, size_t i, size_t period)
{
	size_t j = i + 1;

	while (j < t->nrows && !strcmp(t->rows[j].thread, t->rows[i].thread) &&
	       (j < i + period ||
		!strcmp(t->rows[j].function, t->rows[j - period].function)))
		j++;
	return j;
}

#define KS_FOLD_MIN 6		/* repetitions before a run is folded */
#define KS_FOLD_PERIOD 3	/* the longest pattern looked for */

/*
 * The counterexample as a reader wants it: the world building of step 0 in
 * one line, and a long run in which one thread repeats a short pattern
 * (put_page and percpu_ref_put over a device's pages, the memmap going) as
 * its first and last pattern around a count.  --json keeps every row.
 */
void cli_trace_print(FILE *f, const struct cli_trace *t)
{
	int wt = width(t, offsetof(struct cli_row, thread), 6);
	int wf = width(t, offsetof(struct cli_row, function), 8);
	int wo = width(t, offsetof(struct cli_row, object), 6);
	size_t i = 0, j, k, p, best, period;

	fprintf(f, "  %5s  %-*s  %-*s  %-*s  %s\n", "step", wt, "thread", wf, "function",
		wo, "object", "before -> after");
	while (i < t->nrows && t->rows[i].step == 0 && !strcmp(t->rows[i].thread, "setup"))
		i++;
	if (i)
		fprintf(f, "  %5u  %-*s  (%zu rows building the world; --json has them)\n",
			0u, wt, "setup", i);
	while (i < t->nrows) {
		best = i + 1;
		period = 1;
		for (p = 1; p <= KS_FOLD_PERIOD; p++) {
			j = run_end(t, i, p);
			if (j - i >= KS_FOLD_MIN * p && j - i > best - i) {
				best = j;
				period = p;
			}
		}
		if (best - i < KS_FOLD_MIN * period) {
			print_row(f, &t->rows[i++], wt, wf, wo);
			continue;
		}
		for (k = 0; k < period; k++)
			print_row(f, &t->rows[i + k], wt, wf, wo);
		fprintf(f, "  %5s  %-*s  ... %zu more rows of the same, steps %u-%u ...\n", "",
			wt, t->rows[i].thread, best - i - 2 * period,
			t->rows[i + period].step, t->rows[best - period - 1].step);
		for (k = best - period; k < best; k++)
			print_row(f, &t->rows[k], wt, wf, wo);
		i = best;
	}
}
