// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaustive exploration by re-execution: plain DFS (every enabled thread at
 * every node, no reduction: the oracle that DPOR is tested against) and
 * source-set DPOR with sleep sets (docs/design.md "DPOR"; races in dpor.c).
 *
 * Both keep, per node of the current run, the threads to explore
 * (backtrack), those explored or being explored (done) and, for DPOR, the
 * sleep set the node was entered with.  The next run replays the decisions
 * above the deepest node with something left and takes its next thread.
 * The first choice at a new node continues the thread that took the last
 * step when it can, else the next one in round-robin order: the first run
 * is preemption-free and fair, and so are most counterexamples' prefixes.
 */
#include <string.h>

#include "search.h"

static int ks_explore_init(struct ks_search *s)
{
	s->tree.started = false;
	return 0;
}

/*
 * The next run: the first run, else the deepest node with a backtrack thread
 * not yet explored and not asleep, lowest thread first, at or below the
 * floor (a shard's prefix: shard.c).  @skip (may be NULL)
 * refuses a candidate, which then counts as explored.
 */
static bool ks_explore_pick(struct ks_search *s,
			    bool (*skip)(struct ks_search *s, uint32_t d, int tid))
{
	struct ks_tree *t = &s->tree;
	uint32_t i, cand;

	if (!t->started) {
		t->started = true;
		s->replay = s->forced = 0;
		return true;
	}
	for (i = s->depth; i-- > t->floor;) {
		cand = t->backtrack[i] & ~t->done[i] & ~t->sleep[i];
		if (t->foreign)
			cand &= ~t->foreign[i];
		while (cand) {
			int tid = __builtin_ctz(cand);

			cand &= cand - 1;
			t->done[i] |= KS_BIT(tid);
			/*
			 * Another shard's threads below this one count as
			 * explored before it, as one search would have:
			 * never the other way round (shard.c, dealing).
			 */
			if (t->foreign)
				t->done[i] |= t->foreign[i] & (KS_BIT(tid) - 1);
			if (skip && skip(s, i, tid))
				continue;
			s->dec[i] = (uint8_t)tid;
			s->replay = i;
			s->forced = i + 1;
			return true;
		}
	}
	return false;
}

static bool ks_explore_next(struct ks_search *s)
{
	return ks_explore_pick(s, NULL);
}

/*
 * The thread to continue with: the one that took the last step, else the
 * next one after it in round-robin order, so that a thread that blocks (a
 * retry loop awaiting) hands over to the others in turn and no runnable
 * thread is starved by two that keep waking each other.
 */
int ks_explore_prefer(const struct ks_search *s, uint32_t d, uint32_t elig)
{
	uint32_t after;
	int last;

	if (!d)
		return __builtin_ctz(elig);
	last = s->dec[d - 1];
	if (elig & KS_BIT(last))
		return last;
	after = elig & ~(KS_BIT(last + 1) - 1);
	return __builtin_ctz(after ? after : elig);
}

static int ks_dfs_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	int tid = ks_explore_prefer(s, d, en);

	s->tree.sleep[d] = 0;
	s->tree.backtrack[d] = en;
	s->tree.done[d] = KS_BIT(tid);
	return tid;
}

const struct ks_strategy_ops ks_dfs_ops = {
	.exhaustive = true,
	.init = ks_explore_init,
	.next_run = ks_explore_next,
	.choose = ks_dfs_choose,
};

/* ---- DPOR ------------------------------------------------------------------ */

static int ks_dpor_init(struct ks_search *s)
{
	s->tree.sleep[0] = 0;
	return ks_explore_init(s);
}

/* source-set DPOR: start a node with one thread; races add the others. */
static int ks_dpor_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	uint32_t elig = en & ~s->tree.sleep[d];
	int tid;

	if (!elig)
		return -1;
	tid = ks_explore_prefer(s, d, elig);
	s->tree.backtrack[d] = KS_BIT(tid);
	s->tree.done[d] = KS_BIT(tid);
	return tid;
}

/*
 * The child's sleep set: the threads asleep here, and those explored here
 * before this one, whose next event is independent of the step just taken.
 */
void ks_dpor_sleep_after(struct ks_search *s, uint32_t d)
{
	struct ks_tree *t = &s->tree;
	uint32_t asleep = t->sleep[d] | (t->done[d] & ~KS_BIT(s->dec[d]));
	uint32_t child = 0;

	while (asleep) {
		int q = __builtin_ctz(asleep);

		asleep &= asleep - 1;
		if (!ks_hb_conflict(&s->hb, d, &s->r->threads[q]))
			child |= KS_BIT(q);
	}
	t->sleep[d + 1] = child;
}

static void ks_dpor_stepped(struct ks_search *s, uint32_t d)
{
	ks_dpor_sleep_after(s, d);
	ks_dpor_races(s, d);
	if (s->hb.reopened >= 0)
		ks_dpor_section_races(s, (uint32_t)s->hb.reopened);
}

/*
 * A thread still blocked when the run ends never takes its next event, so
 * its races are checked as if it did: a deadlock reached only when the
 * blocked thread goes first is found this way.  A section still open when
 * the run ends (its thread blocked in it, or gone holding the lock) keeps
 * the lock from every later thread: it was no leaf, and is raced against
 * the sections before it.
 */
static void ks_dpor_end_run(struct ks_search *s, uint32_t d, enum ks_outcome out)
{
	uint32_t blocked = 0;
	int tid;

	for (tid = 0; tid < s->r->nthreads; tid++) {
		int32_t last = s->hb.last[tid];

		if (last >= 0 && s->hb.ev[last].open >= 0)
			ks_dpor_section_races(s, (uint32_t)s->hb.ev[last].open);
	}
	if (out == KS_OUT_TERMINAL)
		return;
	for (tid = 0; tid < s->r->nthreads; tid++)
		if (!s->r->threads[tid].finished && !(s->en[d] & KS_BIT(tid)))
			blocked |= KS_BIT(tid);
	while (blocked) {
		tid = __builtin_ctz(blocked);
		blocked &= blocked - 1;
		ks_dpor_pending_races(s, d, tid);
	}
}

const struct ks_strategy_ops ks_dpor_ops = {
	.exhaustive = true,
	.clocks = true,
	.init = ks_dpor_init,
	.next_run = ks_explore_next,
	.choose = ks_dpor_choose,
	.stepped = ks_dpor_stepped,
	.end_run = ks_dpor_end_run,
};

/* ---- iterative preemption bounding -------------------------------------- */

/*
 * DPOR over the runs with at most b preemptions (switches away from an
 * enabled thread), for b = 0, 1, ... up to .bound: the runs with the fewest
 * preemptions come first, so a counterexample found is among the simplest
 * (Musuvathi and Qadeer, PLDI 2007).  A backtrack point, or a first choice,
 * that would preempt past b is not taken, and the round is marked cut; each
 * round starts over (its runs are made again in the next; classes count
 * once).  The search is complete only when a round cut nothing, and is then
 * plain DPOR.  A cut round does not claim to have covered every run within
 * b preemptions: DPOR's races can be found only by runs the bound keeps out
 * (Coons, Musuvathi and McKinley, OOPSLA 2013), so it is bounded, no more.
 */
static bool ks_would_preempt(const struct ks_search *s, uint32_t d, int tid)
{
	return d && tid != s->dec[d - 1] && (s->en[d] & KS_BIT(s->dec[d - 1])) &&
	       s->preempt[d] >= s->pbound;
}

static int ks_bounded_init(struct ks_search *s)
{
	s->pbound = 0;
	s->pbound_cut = false;
	return ks_dpor_init(s);
}

/* A backtrack point past the bound is not taken, and cuts the round. */
static bool ks_bounded_skip(struct ks_search *s, uint32_t d, int tid)
{
	if (!ks_would_preempt(s, d, tid))
		return false;
	s->pbound_cut = true;
	return true;
}

static bool ks_bounded_next(struct ks_search *s)
{
	if (ks_explore_pick(s, ks_bounded_skip))
		return true;
	if (!s->pbound_cut || s->pbound >= s->opts.bound)
		return false;
	s->pbound++;		/* the next round */
	s->pbound_cut = false;
	s->tree.started = false;
	s->tree.sleep[0] = 0;
	return ks_explore_next(s);
}

static int ks_bounded_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	int tid = ks_dpor_choose(s, d, en);

	if (tid >= 0 && ks_would_preempt(s, d, tid)) {
		s->pbound_cut = true;	/* only a preemption is awake here */
		return -1;
	}
	return tid;
}

const struct ks_strategy_ops ks_bounded_ops = {
	.exhaustive = true,
	.clocks = true,
	.init = ks_bounded_init,
	.next_run = ks_bounded_next,
	.choose = ks_bounded_choose,
	.stepped = ks_dpor_stepped,
	.end_run = ks_dpor_end_run,
};
