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

/* Access kinds as the dependency relation sees them. */
enum ks_kind {
	KS_K_READ,
	KS_K_INC,
	KS_K_WRITE,
	KS_K_TEST,	/* a zero test: depends only on writes */
};

static inline enum ks_kind ks_kind_of(enum ks_access acc)
{
	if (acc == KS_INC)
		return KS_K_INC;
	if (acc == KS_TEST)
		return KS_K_TEST;
	return ks_access_is_write(acc) ? KS_K_WRITE : KS_K_READ;
}

static inline bool ks_kind_conflict(enum ks_kind a, enum ks_kind b)
{
	if (a == KS_K_WRITE || b == KS_K_WRITE)
		return true;
	return (a == KS_K_READ && b == KS_K_INC) || (a == KS_K_INC && b == KS_K_READ);
}

#define KS_MAX_FRAMES 24
#define KS_MAX_FOOTPRINT 48
#define KS_MAX_LOOP_DEPTH 3
/* Iterations past the loop bound in a row that may each change the outcome. */
#ifndef KS_FORCED_WAKES
#define KS_FORCED_WAKES 4
#endif
#ifndef KS_LOOP_CHANGES
#define KS_LOOP_CHANGES 4
#endif

/* What one retry-loop iteration touched: each object once, with its value before. */
struct ks_loop_obj {
	ks_obj_t obj;
	uint64_t pre;		/* its value when the iteration first touched it */
	uint64_t delta;		/* what the iteration's own increments added to it */
	uint8_t flags;		/* KS_LOOP_* */
};

#define KS_LOOP_READ	(1U << 0)	/* the iteration read it */
#define KS_LOOP_WROTE	(1U << 1)	/* the iteration wrote it (not an increment) */
#define KS_LOOP_INC	(1U << 2)	/* the iteration incremented it */
#define KS_LOOP_TEST	(1U << 3)	/* the iteration tested it for zero */
#define KS_LOOP_OTHER	(1U << 4)	/* another thread changed it in a way that conflicts */
#define KS_LOOP_SYNC	(1U << 5)	/* a lock or interrupts: orders, never steers */

/* One active retry loop of a thread (loops nest: gup's inside the fault's). */
struct ks_loop {
	unsigned iter;
	unsigned changes;	/* iterations past the bound in a row that changed something */
	unsigned n;
	bool overflow;		/* touched more than KS_MAX_FOOTPRINT objects */
	struct ks_loop_obj fp[KS_MAX_FOOTPRINT];
};

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
	 * Retry loops (run.c, "retry loops"): the footprint of each active
	 * loop's current iteration and, past the loop bound, the await: the
	 * thread is not enabled until an object of the iteration's footprint
	 * has another value than the iteration left it with.
	 */
	int nloops;
	struct ks_loop loops[KS_MAX_LOOP_DEPTH];
	bool in_await;		/* next is the await of a retry loop */
	bool await_any;		/* footprint overflowed: any write by another wakes */
	bool await_woken;	/* a write by another to an object the await tests */
	bool await_forced;	/* the await ends a run of changing iterations, not a spin */
	unsigned forced_wakes;	/* such awaits woken because no thread was enabled */
	ks_obj_t inc_obj;	/* the increment being taken, and the value before it */
	uint64_t inc_before;
	unsigned nwake;
	ks_obj_t wake[KS_MAX_FOOTPRINT];	/* the objects the await depends on */
	uint64_t wake_val[KS_MAX_FOOTPRINT];	/* and the values it waits to change */
	/*
	 * As the await reads them (enum ks_kind): a read of its value, or for
	 * an object the iteration only incremented or tested, a test (only a
	 * write by another thread can change what it would see).
	 */
	uint8_t wake_kind[KS_MAX_FOOTPRINT];
	unsigned nmany;			/* the pending event accesses these objects */
	ks_obj_t many[KS_MAX_MANY];
	int nframes;
	const char *frames[KS_MAX_FRAMES];
	uint32_t kvm_frames;		/* which frames are KVM's (ks_frame_push_kvm()) */
};

/* A named object of the run: its name and, if it has one, where its value is. */
struct ks_named {
	const char *name;
	const void *value;	/* NULL: ks_obj_value() is its write count */
	uint8_t size;
	bool sync;
};

struct ks_chunk {
	struct ks_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

/*
 * Invisible steps (run.c, "invisible steps"): for each object, which threads
 * have declared which kinds of access to it, over every run of a search so
 * far.  A step whose accesses no other thread's conflicts with commutes with
 * every step of every other thread, so it is no scheduling point:
 * ks_run_step() takes it in the same step as the access before it.  When
 * another thread declares an access that conflicts with one taken invisibly,
 * the search made so far rests on a wrong premise and restarts (search.c).
 */
struct ks_invis_ent {
	ks_obj_t key;		/* 0: empty */
	uint16_t by[4];		/* per enum ks_kind: the threads that declared it */
	uint16_t hid[4];	/* per enum ks_kind: the threads that took it invisibly */
};

struct ks_invis {
	struct ks_invis_ent *ents;
	uint32_t mask, n;
	bool restart;		/* an access taken invisibly turned out to conflict */
	/*
	 * A shard's knowledge is frozen after the probe all shards make alike
	 * (search.c): a conflict with a hidden access then marks the search
	 * violated instead of restarting it, which would split it otherwise.
	 */
	bool frozen, violated;
	uint16_t any_reader;	/* threads whose await any write wakes (overflow) */
	uint16_t hid_writers;	/* threads that took a write invisibly */
	ks_obj_t culprit;	/* the first such object */
	uint64_t hidden_steps;	/* steps taken invisibly, over the search */
};

void ks_invis_free(struct ks_invis *iv);

struct ks_runner {
	struct ks_program prog;
	struct ks_run_opts opts;
	bool direct;
	struct ks_ctx main;
	int nthreads;
	int nstacks;		/* stacks allocated so far (kept across runs) */
	uint32_t loop_mask;	/* threads inside a retry loop */
	bool loop_cut;		/* an await past the loop bound may hide runs */
	struct ks_thread threads[KS_MAX_THREADS];
	int cur;		/* thread taking the step, -1 in setup/finish */
	uint32_t nsteps;
	bool cut;
	bool ended;
	bool in_oracle;		/* after_step oracles: no switching */
	struct ks_invis *invis;	/* invisible steps, or NULL: every access is a point */
	bool stepping;		/* in ks_run_step(), not a thread's prologue */
	/* Per-run storage. */
	struct ks_chunk *chunks;	/* first chunk is kept; big ones freed */
	struct ks_chunk *chunk;		/* the one being filled */
	struct ks_event *events;
	uint32_t events_cap;
	struct ks_row *rows;
	size_t nrows, rows_cap;
	struct ks_violation *viols;
	size_t nviols, viols_cap;
	struct ks_named *names;
	uint64_t nnames, names_cap;
	/* Write counts of objects without a value function (open addressing). */
	struct ks_version { ks_obj_t obj; uint64_t n; } *versions;
	uint32_t versions_mask, nversions;
};

/*
 * No thread is enabled, and a retry loop's await ended changing iterations
 * (not a spin): wake it, as its loop would not have stopped there, so that
 * the run ends as the kernel's would.  Returns its bit, or 0 -- then the
 * run is a hang.  At most KS_FORCED_WAKES a thread a run: a loop that keeps
 * changing only what it changes itself, with every other thread blocked, is
 * a livelock, and that is a hang too.
 */
uint32_t ks_run_wake_forced(struct ks_runner *r);

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
 * The accesses of @t's pending event, into @objs, @accs and @kinds (room for
 * KS_MAX_FOOTPRINT): an await reads (or tests) the objects whose change
 * enables it, a step of ks_sched_point_many() accesses each of its objects,
 * any other step its one object.
 */
static inline unsigned ks_thread_accesses(const struct ks_thread *t, ks_obj_t *objs,
					  uint8_t *accs, uint8_t *kinds)
{
	unsigned i, n = 0;

	if (t->in_await) {
		for (i = 0; i < t->nwake; i++, n++) {
			objs[n] = t->wake[i];
			kinds[n] = t->wake_kind[i];
			accs[n] = kinds[n] == KS_K_TEST ? KS_TEST : KS_WAIT;
		}
		return n;
	}
	if (t->nmany) {
		for (i = 0; i < t->nmany; i++, n++) {
			objs[n] = t->many[i];
			accs[n] = (uint8_t)t->next.acc;
			kinds[n] = (uint8_t)ks_kind_of(t->next.acc);
		}
		return n;
	}
	if (!t->next.obj)
		return 0;
	objs[0] = t->next.obj;
	accs[0] = (uint8_t)t->next.acc;
	kinds[0] = (uint8_t)ks_kind_of(t->next.acc);
	return 1;
}

#endif /* KVMSIM_ENGINE_RUNNER_H */
