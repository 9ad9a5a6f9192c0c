// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling strategies, for scenarios the exhaustive search cannot finish:
 * a random walk, and PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs",
 * ASPLOS 2010).  Neither replays anything: each run is chosen afresh from
 * (--seed, the run's number), so a search is deterministic from its seed
 * and any run can be rerun from its token's decisions alone.
 *
 * PCT with depth d gives the n threads distinct random priorities d+1 ..
 * d+n, picks d-1 change points among the k steps of a run, and always runs
 * the enabled thread of highest priority; at the i-th change point the
 * running thread drops to priority d-i (below every initial one).  A bug
 * that needs d ordering constraints is then found by one run with
 * probability at least 1/(n k^(d-1)).  k is not known before a run: the
 * first run is the highest-priority schedule with no change point, and every
 * later one takes k as the longest run so far.
 */
#include <math.h>
#include <string.h>

#include "search.h"

/* splitmix64: a small, well-mixed generator; one stream per run. */
static uint64_t ks_rand_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the bias of a 64-bit modulus is negligible here). */
static uint64_t ks_rand_below(uint64_t *x, uint64_t n)
{
	return ks_rand_next(x) % n;
}

static int ks_sample_init(struct ks_search *s)
{
	memset(&s->sample, 0, sizeof(s->sample));
	s->sample.depth = s->opts.depth ? s->opts.depth : 3;
	return 0;
}

/* Every run starts from the root with its own stream. */
static bool ks_sample_next(struct ks_search *s)
{
	struct ks_sample *p = &s->sample;

	if (s->res->runs && s->depth > p->k)
		p->k = s->depth;	/* the run just made */
	/* the run's number in the whole sample: a shard makes every n-th (search.c) */
	p->rng = s->opts.seed * 0x2545f4914f6cdd1dULL +
		 (s->opts.nshards > 1 ? s->res->runs * s->opts.nshards + s->opts.shard :
					s->res->runs);
	(void)ks_rand_next(&p->rng);
	p->fresh = true;
	s->replay = s->forced = 0;
	return true;
}

static int ks_random_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	unsigned k = (unsigned)ks_rand_below(&s->sample.rng, (uint64_t)__builtin_popcount(en));

	(void)d;
	while (k--)
		en &= en - 1;
	return __builtin_ctz(en);
}

/* This run's priorities and change points. */
static void ks_pct_begin(struct ks_search *s)
{
	struct ks_sample *p = &s->sample;
	unsigned n = (unsigned)s->r->nthreads, i, j;

	for (i = 0; i < n; i++)
		p->prio[i] = p->depth + 1 + i;
	for (i = n; i-- > 1;) {		/* Fisher-Yates */
		unsigned t;

		j = (unsigned)ks_rand_below(&p->rng, i + 1);
		t = p->prio[i];
		p->prio[i] = p->prio[j];
		p->prio[j] = t;
	}
	p->nchange = 0;
	if (!p->k)
		return;			/* the first run measures k */
	for (i = 0; i + 1 < p->depth && i < KS_PCT_DEPTH_MAX; i++)
		p->change[p->nchange++] = 1 + (uint32_t)ks_rand_below(&p->rng, p->k);
}

static int ks_pct_highest(const struct ks_sample *p, uint32_t en)
{
	int best = -1, t;

	for (t = 0; en; en &= en - 1) {
		t = __builtin_ctz(en);
		if (best < 0 || p->prio[t] > p->prio[best])
			best = t;
	}
	return best;
}

static int ks_pct_choose(struct ks_search *s, uint32_t d, uint32_t en)
{
	struct ks_sample *p = &s->sample;
	int tid;
	unsigned i;

	if (p->fresh) {
		ks_pct_begin(s);
		p->fresh = false;
	}
	tid = ks_pct_highest(p, en);
	for (i = 0; i < p->nchange; i++)
		if (p->change[i] == d) {
			p->prio[tid] = p->depth - 1 - i;
			tid = ks_pct_highest(p, en);
		}
	return tid;
}

/* PCT's guarantee for the runs made: per run, and for the whole search. */
static void ks_pct_fini(struct ks_search *s)
{
	struct ks_search_result *res = s->res;
	const struct ks_sample *p = &s->sample;
	double n = s->r->nthreads ? s->r->nthreads : 1, k = p->k > s->depth ? p->k : s->depth;
	double pr = 1.0 / (n * pow(k > 1 ? k : 1, (double)p->depth - 1));

	res->pct_depth = p->depth;
	res->pct_threads = (unsigned)n;
	res->pct_steps = (uint32_t)k;
	res->pct_p_run = pr;
	res->pct_p_search = 1.0 - pow(1.0 - pr, (double)res->runs);
}

const struct ks_strategy_ops ks_random_ops = {
	.init = ks_sample_init,
	.next_run = ks_sample_next,
	.choose = ks_random_choose,
};

const struct ks_strategy_ops ks_pct_ops = {
	.init = ks_sample_init,
	.next_run = ks_sample_next,
	.choose = ks_pct_choose,
	.fini = ks_pct_fini,
};
