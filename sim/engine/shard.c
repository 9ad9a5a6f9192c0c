// SPDX-License-Identifier: GPL-2.0
/*
 * A DFS or DPOR search split into shards by schedule prefix
 * (docs/design.md "Shards").
 *
 * Splitting the first decision is not enough: a backtrack point found deep in
 * one subtree may land above the split, in another shard's part.  So every
 * alternative at the first K branching nodes (nodes where two or more
 * threads are eligible) is enumerated, and the search below each such prefix
 * never backtracks into it (tree.floor): whatever a race would add there is
 * already some prefix.  Prefix number j, in the enumeration's order, belongs
 * to shard j mod n.  Every shard walks the same enumeration, so they agree
 * on the prefixes without talking to each other.
 *
 * Under DPOR the enumeration keeps sleep sets: a thread explored at a node
 * sleeps in its later siblings while its next step is independent of what
 * they do, exactly as in the unsharded search, and the search below a
 * prefix starts with the sleep set the prefix ends with.  The shards
 * together are then DPOR whose backtrack sets at the first K branching
 * nodes hold every eligible thread: a superset, so sound, and the union of
 * the shards' classes is the unsharded search's.  Under DFS no sleep set is
 * kept (DFS is the unreduced oracle).  K is the smallest depth that gives at
 * least 16 n prefixes, or the whole tree.  The enumeration's partial runs
 * are counted apart (prefix_runs); they account nothing else.
 */
#include <stdlib.h>

#include "search.h"

/* Prefixes per shard the depth is chosen for: the slack that balances them. */
#define KS_SHARD_SPREAD 16
#define KS_SHARD_MAX_DEPTH 256
/* Partial runs per shard the choice of the depth may take. */
#define KS_SHARD_WALKS 256

/*
 * One walk of the enumeration: replay the decisions of nodes < @forced, then
 * continue at every later node with the preferred eligible thread until the
 * (depth+1)-th branching node, or the run's end.  The walk's nodes keep
 * their eligible and explored threads in the tree.  Returns the prefix's
 * length, or -1 when a node had no eligible thread (every enabled one asleep:
 * a redundant prefix) or the replay diverged.
 */
static int64_t ks_shard_walk(struct ks_search *s, uint32_t forced)
{
	struct ks_runner *r = s->r;
	struct ks_tree *t = &s->tree;
	bool sleeps = s->shard.base == &ks_dpor_ops;
	unsigned branches = 0;
	uint32_t d, en, unfinished, elig;
	int64_t len = -1;
	int tid;

	/*
	 * The events before the changed node are the last walk's (or the last
	 * run's below a prefix: it kept the prefix's), and so are the sleep
	 * sets up to that node: they are replayed without being recorded.
	 */
	uint32_t keep = forced ? forced - 1 : 0;

	if (keep > s->hb.nev || !s->shard.walked_once)
		keep = 0;
	ks_hb_rewind(&s->hb, keep);
	ks_run_begin(r);
	if (!keep)
		ks_hb_set_width(&s->hb, (unsigned)r->nthreads);
	s->shard.walked_once = true;
	s->res->prefix_runs++;
	t->sleep[0] = 0;
	for (d = 0;; d++) {
		ks_search_reserve(s, d + 1);
		en = ks_runner_enabled(r, &unfinished);
		if (!en && unfinished)
			en = ks_run_wake_forced(r);
		s->en[d] = en;
		if (!en || d >= r->opts.max_steps) {
			len = d;
			break;
		}
		if (d < forced) {
			tid = s->dec[d];
			elig = t->elig[d];
			if (!(en & KS_BIT(tid))) {
				ks_search_note(s, "non-determinism: enumerating the shards' prefixes, decision %u names thread %d, which is not enabled on replay; the search stopped",
					       d, tid);
				s->aborted = true;
				break;
			}
		} else {
			elig = en & ~t->sleep[d];
			if (!elig)
				break;
			if ((elig & (elig - 1)) && branches == s->shard.depth) {
				len = d;
				break;
			}
			tid = ks_explore_prefer(s, d, elig);
			t->elig[d] = elig;
			t->done[d] = KS_BIT(tid);
		}
		branches += !!(elig & (elig - 1));
		s->dec[d] = (uint8_t)tid;
		s->preempt[d + 1] = s->preempt[d] +
			(d && tid != s->dec[d - 1] && (en & KS_BIT(s->dec[d - 1])));
		if (d < keep) {
			ks_run_step(r, tid);
			continue;
		}
		ks_hb_record(&s->hb, &r->threads[tid], tid);
		ks_run_step(r, tid);
		if (sleeps)
			ks_dpor_sleep_after(s, d);
		else
			t->sleep[d + 1] = 0;
	}
	s->shard.len = d;
	s->res->prefix_steps += ks_run_steps(r);
	ks_run_cut(r);
	ks_run_end(r);
	return len;
}

/*
 * The next prefix of the enumeration (its decisions in s->dec, its length
 * in *@len), or false when there is none.  Prefixes a walk finds redundant
 * are skipped and not counted.
 */
static bool ks_shard_enumerate(struct ks_search *s, uint32_t *len)
{
	struct ks_tree *t = &s->tree;
	uint32_t forced = 0, i;
	int64_t n;

	for (;;) {
		if (s->shard.walked) {
			/* the deepest node with an eligible thread not yet explored */
			for (i = s->shard.len; i > 0 && !(t->elig[i - 1] & ~t->done[i - 1]); i--)
				;
			if (!i)
				return false;
			i--;
			s->dec[i] = (uint8_t)__builtin_ctz(t->elig[i] & ~t->done[i]);
			t->done[i] |= KS_BIT(s->dec[i]);
			forced = i + 1;
		}
		s->shard.walked = true;
		n = ks_shard_walk(s, forced);
		if (s->aborted)
			return false;
		if (n >= 0) {
			*len = (uint32_t)n;
			return true;
		}
	}
}

/*
 * Count the prefixes at the current depth, and whether some stopped at a
 * branching node (a deeper split exists).  Returns false when the count
 * would walk more than @budget partial runs.
 */
static bool ks_shard_count(struct ks_search *s, uint64_t budget, uint64_t *n, bool *deeper)
{
	uint32_t len;

	*n = 0;
	*deeper = false;
	s->shard.walked = false;
	while (ks_shard_enumerate(s, &len)) {
		++*n;
		if (s->en[len] && len < s->r->opts.max_steps)
			*deeper = true;
		if (s->res->prefix_runs > budget)
			return false;
	}
	return true;
}

/*
 * The depth: 1, 2, 4, ... branching nodes until there are KS_SHARD_SPREAD
 * prefixes per shard, the tree has no deeper split, or the counting would
 * take more than KS_SHARD_WALKS partial runs per shard in all (a search
 * that splits so thinly is small: it gets the depth counted before).
 */
static int ks_shard_init(struct ks_search *s)
{
	struct ks_shard *sh = &s->shard;
	uint64_t want = (uint64_t)(s->opts.shard_spread ? s->opts.shard_spread : KS_SHARD_SPREAD) *
			s->opts.nshards, n;
	uint64_t budget = (uint64_t)KS_SHARD_WALKS * s->opts.nshards;
	unsigned depth, best = 1;
	bool deeper = true;
	int ret = sh->base->init(s);

	if (ret)
		return ret;
	sh->nprefix = 0;
	for (depth = 1; depth <= KS_SHARD_MAX_DEPTH; depth *= 2) {
		sh->depth = depth;
		if (!ks_shard_count(s, depth > 1 ? budget : UINT64_MAX, &n, &deeper))
			break;
		best = depth;
		sh->nprefix = n;
		if (s->aborted || n >= want || !deeper)
			break;
	}
	sh->depth = best;
	if (s->aborted)
		return 0;
	s->res->prefix_depth = sh->depth;
	s->res->prefixes = sh->nprefix;
	sh->walked = false;
	sh->next = 0;
	sh->below = false;
	return 0;
}

/* Set up the first run below the prefix of @len decisions now in s->dec. */
static void ks_shard_descend(struct ks_search *s, uint32_t len)
{
	struct ks_tree *t = &s->tree;
	uint32_t i;

	for (i = 0; i < len; i++)
		t->backtrack[i] = t->elig[i];	/* a race adds nothing above the floor */
	t->floor = len;
	t->started = true;
	s->replay = 0;
	s->forced = len;
	s->shard.below = true;
	s->res->prefixes_owned++;
}

static bool ks_shard_next(struct ks_search *s)
{
	struct ks_shard *sh = &s->shard;
	const struct ks_strategy_ops *base = sh->base;
	uint32_t len;

	if (sh->below) {
		/* the base search's next run, at or below the floor */
		if (base->next_run(s))
			return true;
		sh->below = false;
	}
	while (ks_shard_enumerate(s, &len)) {
		if (sh->next++ % s->opts.nshards != s->opts.shard)
			continue;
		ks_shard_descend(s, len);
		return true;
	}
	return false;
}

static int ks_shard_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	return s->shard.base->choose(s, d, en);
}

static void ks_shard_stepped(struct ks_search *s, uint32_t d)
{
	if (s->shard.base->stepped)
		s->shard.base->stepped(s, d);
}

static void ks_shard_end_run(struct ks_search *s, uint32_t d, enum ks_outcome out)
{
	if (s->shard.base->end_run)
		s->shard.base->end_run(s, d, out);
}

const struct ks_strategy_ops ks_shard_ops = {
	.exhaustive = true,
	.clocks = true,
	.init = ks_shard_init,
	.next_run = ks_shard_next,
	.choose = ks_shard_choose,
	.stepped = ks_shard_stepped,
	.end_run = ks_shard_end_run,
};

/* ---- DPOR: dealing the backtrack points ----------------------------------------
 *
 * Under DPOR the prefix enumeration balances badly: a thread explored first
 * at an early node sleeps in its siblings while it commutes with them, so
 * the siblings' subtrees are tiny and nearly the whole search lies below the
 * first prefix (four shards of a 46,000-run search made 31,055, 13,630, 789
 * and 233 runs).  The work is where DPOR branches: its backtrack points.  So
 * every shard makes the same first runs of the unsharded DPOR, until the
 * current run's nodes hold KS_DEAL_SPREAD n backtrack points not yet
 * explored (or KS_DEAL_MAX_RUNS runs were made), and deals those: numbered
 * from the root, lowest thread first, point j is shard j mod n's.  The
 * others' points stay in the backtrack sets, so that no race adds them
 * again, and are never picked (tree.foreign).  Points that races add after
 * the deal are explored by the shard that finds them (two shards may both).
 *
 * Sleep sets stay sound if no two points sleep in each other's subtrees:
 * exploring thread q at a node, a shard counts the other shards' threads
 * below q there as explored before q (as the unsharded search, which picks
 * the lowest thread first, would have), never those above.  The shards'
 * union is then the unsharded search's classes, as the differential test
 * checks.  A search that ends before the deal is made whole by every shard.
 */
#define KS_DEAL_SPREAD 16
#define KS_DEAL_MAX_RUNS 1000

static int ks_deal_init(struct ks_search *s)
{
	int ret = s->shard.base->init(s);

	if (ret)
		return ret;
	s->tree.foreign = calloc(s->cap, sizeof(*s->tree.foreign));
	if (!s->tree.foreign)
		ks_out_of_memory();
	s->shard.dealt = false;
	return 0;
}

/* The backtrack points of the current run not yet explored, at @d. */
static uint32_t ks_deal_pending(const struct ks_search *s, uint32_t d)
{
	const struct ks_tree *t = &s->tree;

	return t->backtrack[d] & ~t->done[d] & ~t->sleep[d];
}

static uint64_t ks_deal_count(const struct ks_search *s)
{
	uint64_t n = 0;
	uint32_t d;

	for (d = s->tree.floor; d < s->depth; d++)
		n += (unsigned)__builtin_popcount(ks_deal_pending(s, d));
	return n;
}

static void ks_deal(struct ks_search *s)
{
	uint64_t j = 0, n = s->opts.nshards, mine = s->opts.shard;
	uint32_t d, deepest = 0;

	for (d = s->tree.floor; d < s->depth; d++) {
		uint32_t p = ks_deal_pending(s, d);

		while (p) {
			int tid = __builtin_ctz(p);

			p &= p - 1;
			if (j++ % n != mine)
				s->tree.foreign[d] |= KS_BIT(tid);
			else
				s->res->prefixes_owned++;
			deepest = d + 1;
		}
	}
	s->shard.dealt = true;
	s->res->prefixes = j;
	s->res->prefix_depth = deepest;
	s->res->prefix_runs = s->res->runs;
}

static bool ks_deal_next(struct ks_search *s)
{
	if (!s->shard.dealt && s->tree.started &&
	    (ks_deal_count(s) >= (s->opts.shard_spread ? s->opts.shard_spread : KS_DEAL_SPREAD) *
				  (uint64_t)s->opts.nshards ||
	     s->res->runs >= KS_DEAL_MAX_RUNS))
		ks_deal(s);
	return s->shard.base->next_run(s);
}

static int ks_deal_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	s->tree.foreign[d] = 0;		/* a new node: no one else's */
	return s->shard.base->choose(s, d, en);
}

const struct ks_strategy_ops ks_deal_ops = {
	.exhaustive = true,
	.clocks = true,
	.init = ks_deal_init,
	.next_run = ks_deal_next,
	.choose = ks_deal_choose,
	.stepped = ks_shard_stepped,
	.end_run = ks_shard_end_run,
};
