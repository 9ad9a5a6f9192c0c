/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run of a program: cooperative threads on one OS thread, stepped by a
 * caller (a search strategy, a replay, a unit test) one scheduling point at
 * a time.
 *
 *	struct ks_runner *r = ks_runner_new(&prog, &opts);
 *	ks_run_begin(r);			// fresh world, threads at their first point
 *	while (ks_run_status(r) == KS_RUN_ACTIVE)
 *		ks_run_step(r, pick(r));	// any enabled thread
 *	ks_run_end(r);				// end-of-run oracles on a terminal run
 *
 * A runner is reused for many runs: its stacks and arrays are kept, the world
 * (everything from ks_alloc()) is freed whole by the next ks_run_begin(), so
 * an abandoned run leaks nothing.
 */
#ifndef KVMSIM_RUN_H
#define KVMSIM_RUN_H

#include <kvmsim/log.h>
#include <kvmsim/sched.h>

#define KS_MAX_THREADS 16

struct ks_runner;

/* What a search explores. */
struct ks_program {
	const char *name;
	/* Identifies the program's code and input for replay tokens. */
	uint64_t fingerprint;
	/* Builds the world with ks_alloc() and spawns threads; no sched points. */
	void (*setup)(void *arg);
	/* End-of-run oracles on a terminal run (the audit); may record violations. */
	void (*finish)(void *arg);
	/* Per-step oracles, called after every step (may record violations). */
	void (*after_step)(void *arg);
	void *arg;
};

struct ks_run_opts {
	unsigned loop_bound;	/* retry iterations before awaiting; 0 = 2 */
	uint32_t max_steps;	/* a longer run is cut; 0 = 100000 */
};

enum ks_run_status {
	KS_RUN_ACTIVE,		/* some thread enabled */
	KS_RUN_TERMINAL,	/* every thread finished */
	KS_RUN_HANG,		/* some thread unfinished, none enabled */
	KS_RUN_CUT,		/* the step bound was hit */
};

/* A thread's next event, declared at its current scheduling point. */
struct ks_event {
	int tid;
	ks_obj_t obj;
	enum ks_access acc;
};

struct ks_runner *ks_runner_new(const struct ks_program *prog,
				const struct ks_run_opts *opts);
void ks_runner_free(struct ks_runner *r);

/* Spawn a thread from a program's setup (or from a running thread). */
int ks_thread_spawn(const char *name, void (*fn)(void *), void *arg);

void ks_run_begin(struct ks_runner *r);
enum ks_run_status ks_run_status(struct ks_runner *r);
int ks_run_nthreads(struct ks_runner *r);
bool ks_run_enabled(struct ks_runner *r, int tid);
bool ks_run_finished(struct ks_runner *r, int tid);
struct ks_event ks_run_next(struct ks_runner *r, int tid);
/* Number of steps taken so far in this run. */
uint32_t ks_run_steps(struct ks_runner *r);
/* Run one step of @tid, which must be enabled. */
void ks_run_step(struct ks_runner *r, int tid);
/* Cut the run now (a strategy's own bound). */
void ks_run_cut(struct ks_runner *r);
/*
 * Close the run: a terminal run gets the program's finish oracles, a hang
 * gets a "hang" violation with the waits-for chain.  Returns the status.
 */
enum ks_run_status ks_run_end(struct ks_runner *r);

/* Events of the run so far, in order (one per step). */
const struct ks_event *ks_run_events(struct ks_runner *r, uint32_t *n);

/* The hang report: each blocked thread, what it waits for, and why. */
void ks_run_waits_for(struct ks_runner *r, struct ks_buf *out);

/*
 * Direct mode: a run context with one implicit thread ("main") and no
 * switching, for unit tests that call the shim directly.  Sched points only
 * count steps; a wait that is not ready records a "hang" violation and
 * returns.  ks_direct_end() frees the world.
 */
void ks_direct_begin(void);
void ks_direct_end(void);

/*
 * Out of memory: the world or the search is too big for this machine, which
 * is bad input, not a crash: one line on stderr and exit status 2.
 */
void ks_out_of_memory(void) __attribute__((noreturn));

#endif /* KVMSIM_RUN_H */
