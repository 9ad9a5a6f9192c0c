/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runner's insides, shared by the run core (run.c) and the search
 * (search.c, hb.c, dpor.c): a search reads enabledness and pending events at
 * every scheduling point, so it reads them here without a call per thread.
 */
#ifndef KVMSIM_ENGINE_RUNNER_H
#define KVMSIM_ENGINE_RUNNER_H

#include <kvmsim/run.h>

#include "ctx.h"

#define KS_MAX_FRAMES 24
#define KS_MAX_READS 32

struct ks_thread {
	struct ks_ctx ctx;
	const char *name;
	void (*fn)(void *);
	void *arg;
	bool finished;
	bool killed;
	struct ks_event next;
	const struct ks_wait *wait;
	/*
	 * Retry loops: the objects the current iteration read, and whether
	 * another thread wrote one of them since (then awaiting is pointless).
	 */
	bool in_loop;
	bool in_await;		/* next is the await of a retry loop */
	bool awaiting;
	bool stale;
	unsigned iter;
	unsigned nreads;
	bool reads_overflow;	/* read more than KS_MAX_READS objects: any write wakes */
	ks_obj_t reads[KS_MAX_READS];
	int nframes;
	const char *frames[KS_MAX_FRAMES];
};

struct ks_chunk {
	struct ks_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct ks_runner {
	struct ks_program prog;
	struct ks_run_opts opts;
	bool direct;
	struct ks_ctx main;
	int nthreads;
	int nstacks;		/* stacks allocated so far (kept across runs) */
	uint32_t loop_mask;	/* threads inside a retry loop */
	struct ks_thread threads[KS_MAX_THREADS];
	int cur;		/* thread taking the step, -1 in setup/finish */
	uint32_t nsteps;
	bool cut;
	bool ended;
	bool in_oracle;		/* after_step oracles: no switching */
	/* Per-run storage. */
	struct ks_chunk *chunks;	/* first chunk is kept; big ones freed */
	struct ks_chunk *chunk;		/* the one being filled */
	struct ks_event *events;
	uint32_t events_cap;
	struct ks_row *rows;
	size_t nrows, rows_cap;
	struct ks_violation *viols;
	size_t nviols, viols_cap;
	const char **names;
	uint64_t nnames, names_cap;
};

static inline bool ks_thread_enabled(const struct ks_thread *t)
{
	if (t->finished)
		return false;
	return !t->wait || t->wait->ready(t->wait->arg);
}

/* The enabled threads as a mask; @unfinished gets the unfinished ones. */
static inline uint32_t ks_runner_enabled(const struct ks_runner *r,
					 uint32_t *unfinished)
{
	uint32_t en = 0, unf = 0;
	int tid;

	for (tid = 0; tid < r->nthreads; tid++) {
		const struct ks_thread *t = &r->threads[tid];

		if (t->finished)
			continue;
		unf |= UINT32_C(1) << tid;
		if (!t->wait || t->wait->ready(t->wait->arg))
			en |= UINT32_C(1) << tid;
	}
	*unfinished = unf;
	return en;
}

/*
 * The objects whose write enables a retry-loop await (the pending event of
 * @t), or none when its next event is an ordinary one.
 */
static inline unsigned ks_thread_await_set(const struct ks_thread *t,
					   const ks_obj_t **objs)
{
	*objs = t->reads;
	return t->in_await ? t->nreads : 0;
}

#endif /* KVMSIM_ENGINE_RUNNER_H */
