// SPDX-License-Identifier: GPL-2.0
/*
 * The search loop: runs the program again and again under a strategy
 * (search.h), counts how each run ended, collects the distinct Foata classes
 * and the findings, and replays every finding once more to check that the
 * model is deterministic.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"

static const char *const ks_strategy_names[KS_STRAT_NR] = {
	[KS_STRAT_DFS] = "dfs",
	[KS_STRAT_DPOR] = "dpor",
	[KS_STRAT_BOUNDED] = "bounded",
	[KS_STRAT_PCT] = "pct",
	[KS_STRAT_RANDOM] = "random",
	[KS_STRAT_PORTFOLIO] = "portfolio",
	[KS_STRAT_REPLAY] = "replay",
};

/* Strategies that run as searches; the others are not written yet. */
static const struct ks_strategy_ops *const ks_strategies[KS_STRAT_NR] = {
	[KS_STRAT_DFS] = &ks_dfs_ops,
	[KS_STRAT_DPOR] = &ks_dpor_ops,
	[KS_STRAT_BOUNDED] = &ks_bounded_ops,
	[KS_STRAT_PCT] = &ks_pct_ops,
	[KS_STRAT_RANDOM] = &ks_random_ops,
};

const char *ks_strategy_name(enum ks_strategy s)
{
	return (unsigned)s < KS_STRAT_NR ? ks_strategy_names[s] : "?";
}

int ks_strategy_lookup(const char *name)
{
	int i;

	for (i = 0; i < KS_STRAT_NR; i++)
		if (!strcmp(name, ks_strategy_names[i]))
			return i;
	return -1;
}

const char *ks_outcome_name(enum ks_outcome o)
{
	static const char *const names[KS_OUT_NR] = {
		[KS_OUT_TERMINAL] = "terminal",
		[KS_OUT_HANG] = "hang",
		[KS_OUT_SLEEP_BLOCKED] = "sleep-blocked",
		[KS_OUT_CUT] = "cut",
	};

	return (unsigned)o < KS_OUT_NR ? names[o] : "?";
}

static void *ks_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		ks_out_of_memory();
	}
	return p;
}

static char *ks_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ks_xrealloc(NULL, n), s, n);
}

static double ks_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Set by ks_search_interrupt(): every search stops after its current run. */
static volatile sig_atomic_t ks_interrupt_flag;

void ks_search_interrupt(void)
{
	ks_interrupt_flag = 1;
}

/* Make room for node @d in the per-node arrays. */
void ks_search_reserve(struct ks_search *s, uint32_t d)
{
	uint32_t cap = s->cap ? s->cap : 256;

	if (d < s->cap)
		return;
	while (cap <= d)
		cap *= 2;
	s->dec = ks_xrealloc(s->dec, cap * sizeof(*s->dec));
	s->en = ks_xrealloc(s->en, cap * sizeof(*s->en));
	s->preempt = ks_xrealloc(s->preempt, cap * sizeof(*s->preempt));
	s->tree.sleep = ks_xrealloc(s->tree.sleep, cap * sizeof(*s->tree.sleep));
	s->tree.backtrack = ks_xrealloc(s->tree.backtrack, cap * sizeof(*s->tree.backtrack));
	s->tree.done = ks_xrealloc(s->tree.done, cap * sizeof(*s->tree.done));
	s->tree.elig = ks_xrealloc(s->tree.elig, cap * sizeof(*s->tree.elig));
	if (s->tree.foreign) {
		s->tree.foreign = ks_xrealloc(s->tree.foreign, cap * sizeof(*s->tree.foreign));
		memset(s->tree.foreign + s->cap, 0, (cap - s->cap) * sizeof(*s->tree.foreign));
	}
	if (!s->cap)
		s->preempt[0] = 0;
	s->cap = cap;
}

/* Record a note in the result, once. */
static void ks_note_vres(struct ks_search_result *res, const char *fmt, va_list ap)
{
	struct ks_buf b = { 0 };
	size_t i;

	ks_buf_vprintf(&b, fmt, ap);
	for (i = 0; i < res->nnotes; i++)
		if (!strcmp(res->notes[i], b.s)) {
			ks_buf_free(&b);
			return;
		}
	res->notes = ks_xrealloc(res->notes, (res->nnotes + 1) * sizeof(*res->notes));
	res->notes[res->nnotes++] = b.s;
}

static void ks_search_note_res(struct ks_search_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ks_search_note_res(struct ks_search_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ks_note_vres(res, fmt, ap);
	va_end(ap);
}

void ks_search_note(struct ks_search *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ks_note_vres(s->res, fmt, ap);
	va_end(ap);
}

/* ---- one run ------------------------------------------------------------------ */

static void ks_event_text(struct ks_runner *r, int tid, const struct ks_event *ev,
			  char *buf, size_t len)
{
	char o[96];

	ks_obj_format(ev->obj, o, sizeof(o));
	snprintf(buf, len, "%s %s %s", r->threads[tid].name, ks_access_name(ev->acc), o);
}

/*
 * Stepping @tid at node d changed whether another thread is enabled: the
 * declared accesses must say so (a dependency), or the reduction may drop
 * runs.  Such a model is reported, once per pair of events.
 */
static void ks_check_enabling(struct ks_search *s, uint32_t d)
{
	int tid = s->dec[d - 1];
	uint32_t changed = (s->en[d - 1] ^ s->en[d]) & ~KS_BIT(tid);
	const struct ks_hbev *ev = &s->hb.ev[d - 1];

	while (changed) {
		int q = __builtin_ctz(changed);
		struct ks_event e = { .tid = tid, .obj = ev->obj, .acc = ev->access };
		char a[160], b[160];

		changed &= changed - 1;
		if (ks_hb_conflict(&s->hb, d - 1, &s->r->threads[q]))
			continue;
		ks_event_text(s->r, tid, &e, a, sizeof(a));
		ks_event_text(s->r, q, &s->r->threads[q].next, b, sizeof(b));
		ks_search_note(s, "undeclared dependency: step %u (%s) %s %s, whose next event (%s) it does not conflict with: partial-order reduction is unsound for this model",
			       d, a, (s->en[d] & KS_BIT(q)) ? "enabled" : "disabled",
			       s->r->threads[q].name, b);
	}
}

static bool ks_replay_step(struct ks_search *s, uint32_t d)
{
	const struct ks_hbev *ev = &s->hb.ev[d];
	int tid = s->dec[d];
	struct ks_thread *t = &s->r->threads[tid];
	uint32_t unfinished;

	/* the run woke a forced await here (ks_run_steps_from()): so does its replay */
	if (tid < s->r->nthreads && !ks_thread_enabled(t) &&
	    !ks_runner_enabled(s->r, &unfinished) && unfinished)
		ks_run_wake_forced(s->r);
	if (tid >= s->r->nthreads || !ks_thread_enabled(t) ||
	    t->next.obj != ev->obj || t->next.acc != ev->access) {
		char o[96];

		ks_obj_format(ev->obj, o, sizeof(o));
		ks_search_note(s, "non-determinism: replaying decision %u, thread %d is no longer at its earlier event (%s %s); the search stopped",
			       d, tid, ks_access_name(ev->access), o);
		s->aborted = true;
		return false;
	}
	ks_run_step(s->r, tid);
	return true;
}

static int ks_pick(struct ks_search *s, uint32_t d, uint32_t en)
{
	int tid;

	if (d >= s->forced)
		return s->ops->choose(s, d, en);
	tid = s->dec[d];
	if (!(en & KS_BIT(tid))) {
		ks_search_note(s, "non-determinism: decision %u names thread %d, which is not enabled on replay; the search stopped",
			       d, tid);
		s->aborted = true;
		return -1;
	}
	return tid;
}

static enum ks_outcome ks_run_steps_from(struct ks_search *s, uint32_t d)
{
	struct ks_runner *r = s->r;
	uint32_t en, unfinished;
	int tid;

	for (;; d++) {
		ks_search_reserve(s, d + 1);
		en = ks_runner_enabled(r, &unfinished);
		s->en[d] = en;
		s->depth = d;
		if (d > s->replay)
			ks_check_enabling(s, d);
		if (!en && unfinished)
			s->en[d] = en = ks_run_wake_forced(r);
		if (!en)
			return unfinished ? KS_OUT_HANG : KS_OUT_TERMINAL;
		if (ks_run_steps(r) >= r->opts.max_steps)
			return KS_OUT_CUT;
		tid = ks_pick(s, d, en);
		if (tid < 0)
			return s->aborted ? KS_OUT_CUT : KS_OUT_SLEEP_BLOCKED;
		s->dec[d] = (uint8_t)tid;
		s->preempt[d + 1] = s->preempt[d] +
			(d && tid != s->dec[d - 1] && (en & KS_BIT(s->dec[d - 1])));
		ks_hb_record(&s->hb, &r->threads[tid], tid);
		ks_run_step(r, tid);
		if (s->ops->stepped)
			s->ops->stepped(s, d);
	}
}

static void ks_search_account(struct ks_search *s, enum ks_outcome out);

static void ks_search_run(struct ks_search *s)
{
	struct ks_runner *r = s->r;
	enum ks_outcome out = KS_OUT_CUT;
	uint32_t d;

	ks_hb_rewind(&s->hb, s->replay);
	ks_run_begin(r);
	if (s->res->runs == 0) {
		ks_hb_set_width(&s->hb, (unsigned)r->nthreads);
	} else if ((unsigned)r->nthreads != s->hb.nthreads && r->nthreads) {
		ks_search_note(s, "non-determinism: the program's setup spawned %d threads, earlier %u; the search stopped",
			       r->nthreads, s->hb.nthreads);
		s->aborted = true;
	}
	for (d = 0; d < s->replay && !s->aborted; d++)
		if (!ks_replay_step(s, d))
			break;
	if (!s->aborted)
		out = ks_run_steps_from(s, d);
	else
		s->depth = d;
	if (out == KS_OUT_SLEEP_BLOCKED || out == KS_OUT_CUT)
		ks_run_cut(r);
	ks_run_end(r);
	if (!s->aborted && s->ops->end_run)
		s->ops->end_run(s, s->depth, out);
	ks_search_account(s, out);
}

/* ---- results ------------------------------------------------------------------- */

/* Whether @h is new to the set of classes (then it is added). */
static bool ks_class_add(struct ks_search *s, uint64_t h)
{
	uint64_t i;

	if (!h)
		h = 1;
	if (2 * (s->res->classes + 1) > s->classes_mask) {
		uint64_t old = s->classes_mask ? s->classes_mask + 1 : 0, j;
		uint64_t *prev = s->classes;

		s->classes_mask = old ? 2 * old - 1 : 1023;
		s->classes = calloc(s->classes_mask + 1, sizeof(*s->classes));
		if (!s->classes) {
			ks_out_of_memory();
		}
		for (j = 0; j < old; j++) {
			if (!prev[j])
				continue;
			for (i = prev[j] & s->classes_mask; s->classes[i]; i = (i + 1) & s->classes_mask)
				;
			s->classes[i] = prev[j];
		}
		free(prev);
	}
	for (i = h & s->classes_mask; s->classes[i]; i = (i + 1) & s->classes_mask)
		if (s->classes[i] == h)
			return false;
	s->classes[i] = h;
	return true;
}

/*
 * The token of the current run: its decisions step by step, as the runner
 * took them (an invisible step is its thread's decision too), so that it
 * replays without the search.
 */
static char *ks_search_token(const struct ks_search *s)
{
	uint32_t i, n;
	const struct ks_event *ev = ks_run_events(s->r, &n);
	uint8_t *dec = malloc(n ? n : 1);
	char *t;
	struct ks_token tok = {
		.strategy = s->opts.strategy,
		.seed = s->opts.seed,
		.loop_bound = s->r->opts.loop_bound,
		.fp_program = s->prog->fingerprint,
		.fp_scenario = s->opts.fp_scenario,
		.fp_variant = s->opts.fp_variant,
		.fp_era = s->opts.fp_era,
		.ndecisions = n,
		.decisions = dec,
	};

	if (!dec)
		ks_out_of_memory();
	for (i = 0; i < n; i++)
		dec[i] = (uint8_t)ev[i].tid;
	t = ks_token_format(&tok);
	free(dec);
	return t;
}

static void ks_search_findings(struct ks_search *s)
{
	struct ks_search_result *res = s->res;
	size_t i, j;

	for (i = 0; i < ks_violation_count(); i++) {
		const struct ks_violation *v = ks_violation_get(i);
		char *key = ks_finding_key(v->oracle, v->msg);
		struct ks_finding *f;
		struct ks_buf trace = { 0 };

		for (j = 0; j < res->nfindings; j++)
			if (!strcmp(s->keys[j], key))
				break;
		if (j < res->nfindings) {
			free(key);
			continue;
		}
		res->findings = ks_xrealloc(res->findings,
					    (res->nfindings + 1) * sizeof(*res->findings));
		s->keys = ks_xrealloc(s->keys, (res->nfindings + 1) * sizeof(*s->keys));
		s->keys[res->nfindings] = key;
		f = &res->findings[res->nfindings++];
		memset(f, 0, sizeof(*f));
		f->oracle = v->oracle;
		f->message = ks_xstrdup(v->msg);
		f->token = ks_search_token(s);
		ks_trace_format(s->r, &trace);
		f->trace = trace.s ? trace.s : ks_xstrdup("");
		f->trace_hash = ks_trace_hash(s->r);
		f->steps = ks_run_steps(s->r);
		f->preemptions = s->preempt[s->depth];
	}
}

static void ks_search_account(struct ks_search *s, enum ks_outcome out)
{
	struct ks_search_result *res = s->res;
	struct ks_run_info info = {
		.outcome = out,
		.steps = s->depth,
		.decisions = s->dec,
		.preemptions = s->preempt[s->depth],
		.violating = ks_violation_count() > 0,
		.attempt = s->attempt,
	};

	res->runs++;
	res->steps += ks_run_steps(s->r);
	if (s->r->loop_cut && (out == KS_OUT_TERMINAL || out == KS_OUT_HANG))
		res->loop_cut++;
	switch (out) {
	case KS_OUT_TERMINAL:
		res->terminal++;
		break;
	case KS_OUT_HANG:
		res->hangs++;
		break;
	case KS_OUT_SLEEP_BLOCKED:
		res->sleep_blocked++;
		break;
	default:
		res->cut++;
		break;
	}
	if (out == KS_OUT_TERMINAL || out == KS_OUT_HANG) {
		info.class_hash = s->hb.classh[s->depth];
		if (ks_class_add(s, info.class_hash))
			res->classes++;
	}
	if (info.violating) {
		res->violating_runs++;
		ks_search_findings(s);
	}
	if (s->opts.on_run)
		s->opts.on_run(s->opts.on_run_ctx, &info);
}

/* Replay each finding once more: a different trace means the model is not deterministic. */
static void ks_search_recheck(struct ks_search *s)
{
	struct ks_search_result *res = s->res;
	char err[256];
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		struct ks_finding *f = &res->findings[i];
		struct ks_token tok;
		enum ks_run_status st;

		if (ks_token_parse(f->token, &tok, err, sizeof(err)) ||
		    ks_replay_decisions(s->r, tok.decisions, tok.ndecisions, &st, err, sizeof(err))) {
			f->nondeterministic = true;
			ks_search_note(s, "non-determinism: the run of finding '%s' does not replay: %s",
				       f->oracle, err);
		} else if (ks_trace_hash(s->r) != f->trace_hash) {
			f->nondeterministic = true;
			ks_search_note(s, "non-determinism: replaying the run of finding '%s' gave another trace",
				       f->oracle);
		}
		ks_token_free(&tok);
	}
}


/* ---- shrinking ---------------------------------------------------------------------------- */

/*
 * A counterexample is shrunk before it is shown: fewer preemptions first,
 * then fewer steps, keeping the same finding (the same key: oracle and
 * message with step numbers blanked).  A candidate is the finding's
 * schedule as segments (a thread and how many steps it takes in a row) with
 * one segment left out, or one cut shorter; it is run tolerantly: each
 * segment runs its thread while it is enabled, up to its length, then the
 * next segment whose thread is enabled takes over, and when they are used
 * up the run goes on without preemptions (the thread that took the last
 * step, else the next in round-robin order).  A candidate that still shows
 * the finding, with fewer preemptions or as many and fewer steps, becomes
 * the schedule, as the decisions it actually took.  Every candidate is one
 * deterministic run, so the shrunk token replays bit-exact; at most
 * KS_SHRINK_RUNS candidates are run per finding.
 */
#define KS_SHRINK_RUNS 200

struct ks_seg {
	uint8_t tid;
	uint32_t len;
};

static int ks_shrink_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	struct ks_shrink *k = &s->shrink;

	while (k->cur < k->nseg) {
		const struct ks_seg *g = &k->seg[k->cur];

		if (k->used < g->len && (en & KS_BIT(g->tid))) {
			k->used++;
			return g->tid;
		}
		k->cur++;
		k->used = 0;
	}
	return ks_explore_prefer(s, d, en);
}

static const struct ks_strategy_ops ks_shrink_ops = {
	.choose = ks_shrink_choose,
};

/* Run @seg tolerantly; whether it shows finding @key. */
static bool ks_shrink_try(struct ks_search *s, const struct ks_seg *seg, uint32_t nseg,
			  const char *key)
{
	struct ks_runner *r = s->r;
	enum ks_outcome out;
	bool found = false;
	size_t i;

	s->shrink.seg = seg;
	s->shrink.nseg = nseg;
	s->shrink.cur = s->shrink.used = 0;
	s->replay = s->forced = 0;
	ks_hb_rewind(&s->hb, 0);
	ks_run_begin(r);
	out = ks_run_steps_from(s, 0);
	if (out == KS_OUT_CUT)
		ks_run_cut(r);
	ks_run_end(r);
	for (i = 0; i < ks_violation_count() && !found; i++) {
		const struct ks_violation *v = ks_violation_get(i);
		char *vk = ks_finding_key(v->oracle, v->msg);

		found = !strcmp(vk, key);
		free(vk);
	}
	return found && !s->aborted;
}

static uint32_t ks_segments(const uint8_t *dec, uint32_t n, struct ks_seg *seg)
{
	uint32_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (m && seg[m - 1].tid == dec[i]) {
			seg[m - 1].len++;
			continue;
		}
		seg[m].tid = dec[i];
		seg[m++].len = 1;
	}
	return m;
}

/* Make the last tried run finding @i's run, if it is smaller. */
static bool ks_shrink_keep(struct ks_search *s, struct ks_finding *f, struct ks_seg *best,
			   uint32_t *nbest)
{
	struct ks_buf trace = { 0 };
	unsigned p = s->preempt[s->depth];
	uint32_t steps = ks_run_steps(s->r);

	if (p > f->preemptions || (p == f->preemptions && steps >= f->steps))
		return false;
	free(f->token);
	free(f->trace);
	f->token = ks_search_token(s);
	ks_trace_format(s->r, &trace);
	f->trace = trace.s ? trace.s : ks_xstrdup("");
	f->trace_hash = ks_trace_hash(s->r);
	f->steps = steps;
	f->preemptions = p;
	*nbest = ks_segments(s->dec, s->depth, best);
	return true;
}

static void ks_shrink_finding(struct ks_search *s, struct ks_finding *f, const char *key)
{
	struct ks_token tok;
	struct ks_seg *best, *cand;
	uint32_t nbest, j, runs = 0;
	bool better = true;
	char err[256];
	int pass;

	if (ks_token_parse(f->token, &tok, err, sizeof(err)))
		return;
	best = ks_xrealloc(NULL, (tok.ndecisions + 1) * sizeof(*best));
	cand = ks_xrealloc(NULL, (tok.ndecisions + 1) * sizeof(*cand));
	nbest = ks_segments(tok.decisions, tok.ndecisions, best);
	f->shrunk_from_steps = f->steps;
	f->shrunk_from_preemptions = f->preemptions;
	/* pass 0 leaves segments out (fewer switches); pass 1 halves them (fewer steps) */
	for (pass = 0; pass < 2; pass++) {
		better = true;
		while (better && runs < KS_SHRINK_RUNS) {
			better = false;
			for (j = nbest; j-- > (pass ? 0 : 1) && runs < KS_SHRINK_RUNS;) {
				uint32_t n = nbest;

				memcpy(cand, best, nbest * sizeof(*cand));
				if (!pass) {
					memmove(cand + j, cand + j + 1, (n - j - 1) * sizeof(*cand));
					n--;
				} else if (cand[j].len > 1) {
					cand[j].len /= 2;
				} else {
					continue;
				}
				runs++;
				if (ks_shrink_try(s, cand, n, key) && ks_shrink_keep(s, f, best, &nbest)) {
					better = true;
					break;
				}
			}
		}
	}
	f->shrink_runs = runs;
	free(best);
	free(cand);
	ks_token_free(&tok);
}

static void ks_search_shrink(struct ks_search *s)
{
	const struct ks_strategy_ops *ops = s->ops;
	size_t i;

	if (!s->opts.shrink || s->aborted || ks_interrupt_flag)
		return;
	s->ops = &ks_shrink_ops;
	for (i = 0; i < s->res->nfindings && !s->aborted; i++)
		ks_shrink_finding(s, &s->res->findings[i], s->keys[i]);
	s->ops = ops;
}

static int ks_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ks_search_result_verdict(struct ks_search_result *res)
{
	size_t i, j;

	free(res->verdict);
	res->nverdict = 0;
	res->verdict = ks_xrealloc(NULL, (res->nfindings + 1) * sizeof(*res->verdict));
	for (i = 0; i < res->nfindings; i++) {
		for (j = 0; j < res->nverdict; j++)
			if (!strcmp(res->verdict[j], res->findings[i].oracle))
				break;
		if (j == res->nverdict)
			res->verdict[res->nverdict++] = res->findings[i].oracle;
	}
	qsort(res->verdict, res->nverdict, sizeof(*res->verdict), ks_cmp_str);
}

/* ---- the search ---------------------------------------------------------------------- */

/* Why the search should stop before its strategy runs out, or NULL. */
static const char *ks_search_stop(struct ks_search *s, double t0)
{
	const struct ks_search_result *res = s->res;

	if (s->aborted)
		return "nondeterminism";
	if (ks_interrupt_flag)
		return "interrupted";
	if (s->opts.stop_on_first && res->violating_runs)
		return "stop-on-first";
	if (s->opts.max_runs && res->runs >= s->opts.max_runs)
		return "runs";
	/* The clock is read every 64 runs: a run is far shorter than that. */
	if (s->opts.max_seconds > 0 && !(res->runs & 63) &&
	    ks_now() - t0 >= s->opts.max_seconds)
		return "time";
	return NULL;
}

/* The first bound that kept the search from being complete, or NULL. */
static const char *ks_search_bound(const struct ks_search *s, const char *stopped)
{
	const struct ks_search_result *res = s->res;

	if (s->aborted)
		return "nondeterminism";
	if (!s->ops->exhaustive)
		return ks_strategy_name(s->opts.strategy);
	if (!s->exhausted)
		return stopped;
	if (res->cut)
		return "steps";
	if (res->loop_cut)
		return "loop";
	if (s->pbound_cut)
		return "preemptions";
	if (s->hb.sections)
		return "lock-sections";	/* not shown sound: no proof */
	return NULL;
}

static void ks_search_free(struct ks_search *s)
{
	size_t i;

	for (i = 0; i < s->res->nfindings; i++)
		free(s->keys[i]);
	free(s->keys);
	ks_runner_free(s->r);
	ks_hb_free(&s->hb);
	free(s->dec);
	free(s->en);
	free(s->preempt);
	free(s->tree.sleep);
	free(s->tree.backtrack);
	free(s->tree.done);
	free(s->tree.elig);
	free(s->tree.foreign);
	free(s->tree.cand);
	free(s->tree.mark);
	free(s->tree.weak);
	free(s->classes);
}

/*
 * --shard i/n.  DFS and DPOR run under shard.c's prefix split; a sample
 * (PCT, random) makes the runs whose number is i modulo n of the unsharded
 * sample (random.c seeds each run from its number), its share of the runs.
 */
static int ks_search_shard(struct ks_search *s, struct ks_search_result *res)
{
	uint64_t n = s->opts.nshards, i = s->opts.shard;

	if (i >= n) {
		res->error = "the shard index is not below the number of shards";
		return -1;
	}
	res->shard = (unsigned)i;
	res->nshards = (unsigned)n;
	if (s->ops == &ks_dpor_ops) {
		s->shard.base = s->ops;
		s->ops = &ks_deal_ops;
	} else if (s->ops == &ks_dfs_ops) {
		s->shard.base = s->ops;
		s->ops = &ks_shard_ops;
	} else if (s->ops->exhaustive) {
		res->error = "a search of this strategy cannot be sharded (dpor, dfs, pct and random can)";
		return -1;
	} else if (s->opts.max_runs) {
		s->opts.max_runs = s->opts.max_runs > i ? (s->opts.max_runs - i + n - 1) / n : 0;
		if (!s->opts.max_runs)
			s->exhausted = true;
	}
	return 0;
}

/* The classes as a result keeps them: sorted, and their digest. */
static int ks_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t ks_class_digest_of(uint64_t class_hash)
{
	return ks_mix64(class_hash ^ 0x6b766d73696dULL);
}

static void ks_search_classes(struct ks_search *s)
{
	struct ks_search_result *res = s->res;
	uint64_t i, n = 0;

	res->class_digest = 0;
	for (i = 0; s->classes && i <= s->classes_mask; i++)
		if (s->classes[i])
			res->class_digest += ks_class_digest_of(s->classes[i]);
	if (!s->opts.keep_classes)
		return;
	res->class_hashes = ks_xrealloc(NULL, (res->classes + 1) * sizeof(*res->class_hashes));
	for (i = 0; s->classes && i <= s->classes_mask; i++)
		if (s->classes[i])
			res->class_hashes[n++] = s->classes[i];
	qsort(res->class_hashes, n, sizeof(*res->class_hashes), ks_cmp_u64);
	res->nclass_hashes = n;
}

/*
 * The portfolio (--strategy portfolio), for searches the exhaustive one may
 * not finish: DPOR first, with half the budget; complete there, it is the
 * answer.  Otherwise the rest of the budget goes round PCT at depth 1, 2
 * and 3 and a random walk, KS_PORTFOLIO_SLICE runs each a turn, each turn
 * with its own seed (derived from --seed and the turn), and the findings,
 * classes and counts of every part are merged.  The budget is --time, else
 * --runs, else KS_PORTFOLIO_SECONDS.  Each finding's token replays: it
 * records its part's strategy and decisions.
 */
#define KS_PORTFOLIO_SLICE 64
#define KS_PORTFOLIO_SECONDS 60.0

static int ks_search_in(const struct ks_program *prog, const struct ks_search_opts *opts,
			struct ks_search_result *res, struct ks_invis *iv);

static int ks_search_portfolio(const struct ks_program *prog, const struct ks_search_opts *opts,
			       struct ks_search_result *res)
{
	static const struct { enum ks_strategy strategy; unsigned depth; } turns[] = {
		{ KS_STRAT_PCT, 1 }, { KS_STRAT_PCT, 2 }, { KS_STRAT_PCT, 3 }, { KS_STRAT_RANDOM, 0 },
	};
	struct ks_search_opts o = *opts;
	struct ks_search_result part;
	/* one table for every part, so that they hide the same steps */
	struct ks_invis iv = { 0 }, *ivp = opts->no_invisible ? NULL : &iv;
	double t0 = ks_now(), secs = opts->max_seconds;
	uint64_t runs = opts->max_runs, turn;
	bool complete;

	if (!runs && secs <= 0)
		secs = KS_PORTFOLIO_SECONDS;
	memset(res, 0, sizeof(*res));
	o.strategy = KS_STRAT_DPOR;
	o.keep_classes = true;
	o.max_seconds = secs > 0 ? secs / 2 : 0;
	o.max_runs = runs ? (runs + 1) / 2 : 0;
	if (ks_search_in(prog, &o, &part, ivp)) {
		res->error = part.error;
		ks_invis_free(&iv);
		return -1;
	}
	complete = part.complete;
	ks_search_result_merge(res, &part);
	ks_search_result_free(&part);
	for (turn = 0; !complete && !ks_interrupt_flag; turn++) {
		double left = secs > 0 ? secs - (ks_now() - t0) : 0;

		if ((secs > 0 && left <= 0) || (runs && res->runs >= runs) ||
		    (opts->stop_on_first && res->violating_runs))
			break;
		o.strategy = turns[turn % 4].strategy;
		o.depth = turns[turn % 4].depth;
		o.seed = ks_mix64(opts->seed + turn + 1);
		o.max_runs = KS_PORTFOLIO_SLICE;
		if (runs && runs - res->runs < o.max_runs)
			o.max_runs = runs - res->runs;
		o.max_seconds = secs > 0 ? left : 0;
		if (ks_search_in(prog, &o, &part, ivp)) {
			res->error = part.error;
			ks_invis_free(&iv);
			return -1;
		}
		ks_search_result_merge(res, &part);
		ks_search_result_free(&part);
	}
	res->complete = complete;
	res->bounded_by = complete ? NULL : ks_interrupt_flag ? "interrupted" : "portfolio";
	res->elapsed_s = ks_now() - t0;
	res->runs_per_s = res->elapsed_s > 0 ? (double)res->runs / res->elapsed_s : 0;
	ks_invis_free(&iv);
	res->pct_depth = 0;
	res->merged = 0;
	if (!opts->keep_classes) {
		free(res->class_hashes);
		res->class_hashes = NULL;
		res->nclass_hashes = 0;
	}
	return 0;
}

/*
 * One attempt at the search, with invisible steps learned in @iv (NULL:
 * off).  Returns 0, -1 for bad options, or 1 when a hidden object turned
 * out shared: then the attempt is thrown away and the search restarts.
 */
static int ks_search_attempt(const struct ks_program *prog, const struct ks_search_opts *opts,
			     struct ks_search_result *res, struct ks_invis *iv, double t0,
			     unsigned attempt)
{
	struct ks_run_opts ro = {
		.loop_bound = opts->loop_bound ? opts->loop_bound : 2,
		.max_steps = opts->max_steps ? opts->max_steps : 100000,
	};
	struct ks_search s = { .prog = prog, .opts = *opts, .res = res, .attempt = attempt };
	const char *stopped = NULL;

	memset(res, 0, sizeof(*res));
	if ((unsigned)opts->strategy >= KS_STRAT_NR || !ks_strategies[opts->strategy]) {
		res->error = opts->strategy == KS_STRAT_REPLAY ?
			     "a replay runs from a token (ks_replay), not as a search" :
			     "this strategy is not implemented yet (use dfs or dpor)";
		return -1;
	}
	s.ops = ks_strategies[opts->strategy];
	if (!s.ops->exhaustive && !opts->max_runs && opts->max_seconds <= 0)
		s.opts.max_runs = KS_SAMPLE_RUNS;	/* a sample needs a size */
	if (opts->nshards > 1 && ks_search_shard(&s, res))
		return -1;
	s.r = ks_runner_new(prog, &ro);
	if (!s.r) {
		res->error = "out of memory";
		return -1;
	}
	s.r->invis = iv;
	if (iv) {
		iv->restart = false;
		iv->hidden_steps = 0;
	}
	ks_hb_init(&s.hb, s.ops->clocks, opts->lock_sections);
	ks_search_reserve(&s, 0);
	if (s.ops->init(&s)) {
		res->error = "the strategy could not start";
		ks_search_free(&s);
		return -1;
	}
	while (!s.exhausted && !(iv && iv->restart) && !(stopped = ks_search_stop(&s, t0))) {
		if (!s.ops->next_run(&s)) {
			s.exhausted = true;
			break;
		}
		ks_search_run(&s);
	}
	if (iv && iv->restart) {
		if (s.ops->fini)
			s.ops->fini(&s);
		ks_search_free(&s);
		return 1;
	}
	if (s.ops->fini)
		s.ops->fini(&s);
	ks_search_shrink(&s);
	if (iv)
		res->hidden_steps = iv->hidden_steps;
	/* tokens hold every step: the recheck replays them as kvmsim replay does */
	s.r->invis = NULL;
	ks_search_recheck(&s);
	ks_search_result_verdict(res);
	ks_search_classes(&s);
	res->elapsed_s = ks_now() - t0;
	res->runs_per_s = res->elapsed_s > 0 ? (double)res->runs / res->elapsed_s : 0;
	res->bounded_by = ks_search_bound(&s, stopped);
	res->complete = !res->bounded_by;
	ks_search_free(&s);
	return 0;
}

/*
 * A search with invisible steps learned in @iv (run.c): it restarts each time
 * an object it hid turns out shared.  Each restart makes at least one more
 * object visible; past KS_INVIS_RESTARTS the reduction is given up.
 */
#define KS_INVIS_RESTARTS 64

static int ks_search_in(const struct ks_program *prog, const struct ks_search_opts *opts,
			struct ks_search_result *res, struct ks_invis *iv)
{
	double t0 = ks_now();
	uint64_t wasted = 0;
	unsigned restarts;
	int rc;

	for (restarts = 0;; restarts++) {
		rc = ks_search_attempt(prog, opts, res, iv, t0, restarts);
		if (rc != 1)
			break;
		wasted += res->runs;
		ks_search_result_free(res);
		if (restarts + 1 == KS_INVIS_RESTARTS)
			iv = NULL;
	}
	if (rc == 0) {
		res->restarts = restarts;
		res->restart_runs = wasted;
		if (restarts == KS_INVIS_RESTARTS)
			ks_search_note_res(res, "invisible steps: given up after %u restarts", restarts);
	}
	return rc;
}

/*
 * A shard with invisible steps.  Shards enumerate the same prefixes only if
 * they hide the same steps, so none may learn on its own: every shard first
 * makes the same probe, the unsharded search up to KS_SHARD_PROBE_RUNS runs
 * (restarts and all), and then searches its part with what the probe
 * learned, frozen.  A conflict with a hidden access found after that cannot
 * restart one shard alone: the shard is then bounded by "invisible", and so
 * is the merge (`--jobs` then searches again without invisible steps).
 */
#define KS_SHARD_PROBE_RUNS 1000

static int ks_search_shard_invisible(const struct ks_program *prog,
				     const struct ks_search_opts *opts,
				     struct ks_search_result *res, struct ks_invis *iv)
{
	struct ks_search_opts o = *opts;
	struct ks_search_result probe;
	uint64_t probe_runs;
	unsigned restarts;
	int rc;

	o.shard = o.nshards = 0;
	o.max_runs = opts->shard_probe_runs ? opts->shard_probe_runs : KS_SHARD_PROBE_RUNS;
	o.max_seconds = 0;
	o.stop_on_first = o.shrink = o.keep_classes = false;
	o.on_run = NULL;
	if ((rc = ks_search_in(prog, &o, &probe, iv)))
		return rc;
	probe_runs = probe.runs + probe.restart_runs;
	restarts = probe.restarts;
	ks_search_result_free(&probe);
	iv->frozen = true;
	rc = ks_search_in(prog, opts, res, iv);
	if (rc)
		return rc;
	res->restarts += restarts;
	res->restart_runs += probe_runs;
	if (iv->violated) {
		char what[96];

		ks_obj_format(iv->culprit, what, sizeof(what));
		res->complete = false;
		res->bounded_by = "invisible";
		ks_search_note_res(res, "invisible steps: an access to %s conflicts with one hidden after the shards' probe of %u runs; search again with --no-invisible",
				   what, (unsigned)o.max_runs);
	}
	return 0;
}

int ks_search(const struct ks_program *prog, const struct ks_search_opts *opts,
	      struct ks_search_result *res)
{
	struct ks_invis iv = { 0 };
	int rc;

	if (opts->strategy == KS_STRAT_PORTFOLIO && opts->nshards <= 1)
		return ks_search_portfolio(prog, opts, res);
	/* plain DFS, the reference every reduction is tested against, hides nothing */
	if (opts->no_invisible || opts->strategy == KS_STRAT_DFS)
		return ks_search_in(prog, opts, res, NULL);
	if (opts->nshards > 1)
		rc = ks_search_shard_invisible(prog, opts, res, &iv);
	else
		rc = ks_search_in(prog, opts, res, &iv);
	ks_invis_free(&iv);
	return rc;
}

void ks_search_result_free(struct ks_search_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		free(res->findings[i].message);
		free(res->findings[i].token);
		free(res->findings[i].trace);
	}
	for (i = 0; i < res->nnotes; i++)
		free(res->notes[i]);
	free(res->findings);
	free(res->notes);
	free(res->verdict);
	free(res->class_hashes);
	memset(res, 0, sizeof(*res));
}

void ks_search_result_summary(const struct ks_search_result *res, struct ks_buf *out)
{
	if (res->complete)
		ks_buf_printf(out, "complete: ");
	else
		ks_buf_printf(out, "bounded (%s): ", res->bounded_by ? res->bounded_by : "?");
	ks_buf_printf(out, "%llu runs (%llu terminal, %llu hangs, %llu sleep-blocked, %llu cut), %llu classes, %llu steps, %.1f ms, %.0f runs/s",
		      (unsigned long long)res->runs, (unsigned long long)res->terminal,
		      (unsigned long long)res->hangs, (unsigned long long)res->sleep_blocked,
		      (unsigned long long)res->cut, (unsigned long long)res->classes,
		      (unsigned long long)res->steps, res->elapsed_s * 1e3, res->runs_per_s);
}

/* ---- merging shards ------------------------------------------------------------------- */

/* The sorted union of two sorted hash lists. */
static void ks_merge_classes(struct ks_search_result *acc, const struct ks_search_result *part)
{
	size_t i = 0, j = 0, n = 0;
	uint64_t *u = ks_xrealloc(NULL, (acc->nclass_hashes + part->nclass_hashes + 1) * sizeof(*u));

	while (i < acc->nclass_hashes || j < part->nclass_hashes) {
		uint64_t h;

		if (j == part->nclass_hashes ||
		    (i < acc->nclass_hashes && acc->class_hashes[i] <= part->class_hashes[j])) {
			h = acc->class_hashes[i++];
			if (j < part->nclass_hashes && part->class_hashes[j] == h)
				j++;
		} else {
			h = part->class_hashes[j++];
		}
		u[n++] = h;
	}
	free(acc->class_hashes);
	acc->class_hashes = u;
	acc->nclass_hashes = n;
	acc->classes = n;
	acc->class_digest = 0;
	for (i = 0; i < n; i++)
		acc->class_digest += ks_class_digest_of(u[i]);
}

static char *ks_xstrdup_or_empty(const char *s)
{
	return ks_xstrdup(s ? s : "");
}

static void ks_finding_copy(struct ks_finding *to, const struct ks_finding *from)
{
	free(to->message);
	free(to->token);
	free(to->trace);
	*to = *from;
	to->message = ks_xstrdup_or_empty(from->message);
	to->token = ks_xstrdup_or_empty(from->token);
	to->trace = ks_xstrdup_or_empty(from->trace);
}

/* Unite the findings by key; of two runs showing one, keep the simpler. */
static void ks_merge_findings(struct ks_search_result *acc, const struct ks_search_result *part)
{
	size_t i, j;

	for (j = 0; j < part->nfindings; j++) {
		const struct ks_finding *f = &part->findings[j];
		char *key = ks_finding_key(f->oracle, f->message ? f->message : "");

		for (i = 0; i < acc->nfindings; i++) {
			char *k = ks_finding_key(acc->findings[i].oracle,
						 acc->findings[i].message ? acc->findings[i].message : "");
			bool same = !strcmp(k, key);

			free(k);
			if (same)
				break;
		}
		free(key);
		if (i == acc->nfindings) {
			acc->findings = ks_xrealloc(acc->findings,
						    (acc->nfindings + 1) * sizeof(*acc->findings));
			memset(&acc->findings[acc->nfindings], 0, sizeof(*acc->findings));
			ks_finding_copy(&acc->findings[acc->nfindings++], f);
		} else if (f->preemptions < acc->findings[i].preemptions ||
			   (f->preemptions == acc->findings[i].preemptions &&
			    f->steps < acc->findings[i].steps)) {
			ks_finding_copy(&acc->findings[i], f);
		} else {
			acc->findings[i].nondeterministic |= f->nondeterministic;
		}
	}
}

void ks_search_result_merge(struct ks_search_result *acc, const struct ks_search_result *part)
{
	bool first = !acc->merged;
	size_t i, j;

	acc->runs += part->runs;
	acc->terminal += part->terminal;
	acc->hangs += part->hangs;
	acc->sleep_blocked += part->sleep_blocked;
	acc->cut += part->cut;
	acc->loop_cut += part->loop_cut;
	acc->steps += part->steps;
	acc->hidden_steps += part->hidden_steps;
	acc->restarts += part->restarts;
	acc->restart_runs += part->restart_runs;
	acc->violating_runs += part->violating_runs;
	acc->prefixes_owned += part->prefixes_owned;
	acc->prefix_runs += part->prefix_runs;
	acc->prefix_steps += part->prefix_steps;
	if (first) {
		acc->complete = part->complete;
		acc->bounded_by = part->bounded_by;
		acc->nshards = part->nshards;
		acc->prefix_depth = part->prefix_depth;
		acc->prefixes = part->prefixes;
		acc->pct_depth = part->pct_depth;
		acc->pct_threads = part->pct_threads;
		acc->pct_p_run = part->pct_p_run;
	} else if (!part->complete) {
		acc->complete = false;
		if (!acc->bounded_by)
			acc->bounded_by = part->bounded_by;
	}
	if (part->elapsed_s > acc->elapsed_s)
		acc->elapsed_s = part->elapsed_s;
	acc->runs_per_s = acc->elapsed_s > 0 ? (double)acc->runs / acc->elapsed_s : 0;
	if (part->pct_steps > acc->pct_steps) {
		acc->pct_steps = part->pct_steps;
		acc->pct_p_run = part->pct_p_run;
	}
	if (acc->pct_depth)
		acc->pct_p_search = 1.0 - pow(1.0 - acc->pct_p_run, (double)acc->runs);
	ks_merge_classes(acc, part);
	ks_merge_findings(acc, part);
	ks_search_result_verdict(acc);
	for (j = 0; j < part->nnotes; j++) {
		for (i = 0; i < acc->nnotes && strcmp(acc->notes[i], part->notes[j]); i++)
			;
		if (i < acc->nnotes)
			continue;
		acc->notes = ks_xrealloc(acc->notes, (acc->nnotes + 1) * sizeof(*acc->notes));
		acc->notes[acc->nnotes++] = ks_xstrdup(part->notes[j]);
	}
	acc->merged++;
}
