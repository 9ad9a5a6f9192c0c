/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic programs for the engine alone: they call the scheduling points
 * directly, with tiny locks and flags of their own (the kernel shim's real
 * primitives are tested elsewhere).  Used by the engine's tests and by
 * bench/bench-engine.
 */
#ifndef KVMSIM_TESTS_ENGINE_SYNTH_H
#define KVMSIM_TESTS_ENGINE_SYNTH_H

#include <kvmsim/engine.h>

/* ---- the named programs ---- */

/* Two threads do x = x + 1 in two steps; the audit wants x == 2 ("lost-update"). */
extern const struct ks_program synth_lost_update;
/* Lock A then B, and B then A: a hang whose report names both waits. */
extern const struct ks_program synth_abba;
/*
 * A mailbox without a lock: the sender posts a message and withdraws it, the
 * receiver checks the slot is full and then takes the message.  Taking an
 * empty slot ("empty-message") needs two preemptions.
 */
extern const struct ks_program synth_mailbox;
/* A waiter that checks its condition before it registers: the wake-up is lost (a hang). */
extern const struct ks_program synth_lost_wakeup;
/* The same waiter registering first: never a hang. */
extern const struct ks_program synth_wakeup_fixed;
/* A retry loop spinning on a flag that another thread sets. */
extern const struct ks_program synth_retry;
/* The same loop where the other thread writes an unrelated variable: a hang. */
extern const struct ks_program synth_retry_nowriter;

/* Scalable programs for the bench: @n threads, @k steps each (set before use). */
struct synth_size {
	int threads;
	int steps;
};
/* Each thread does @steps increments of a shared counter, as read then write. */
extern const struct ks_program synth_counter;
/* Each thread writes its own variable: everything commutes. */
extern const struct ks_program synth_private;
/* Each thread does @steps lock-protected increments of one counter. */
extern const struct ks_program synth_locked;
/* Readers take an rwlock for read (commuting increments) around a read. */
extern const struct ks_program synth_readers;
extern struct synth_size synth_size;

/* ---- random programs (the differential test) ---- */

enum synth_opk {
	SOP_READ,	/* reg = reg * 3 + var */
	SOP_WRITE,	/* var = (reg + val) % 4 */
	SOP_INC,	/* var++ (a commuting increment) */
	SOP_LOCK,	/* exclusive */
	SOP_UNLOCK,
	SOP_RLOCK,	/* shared: a commuting increment of the lock */
	SOP_WAIT,	/* until flag is set */
	SOP_SET,	/* set flag (satisfies waits) */
	SOP_CLEAR,	/* clear flag */
	SOP_ASSERT,	/* violation "assert" if reg == val */
	SOP_SPIN,	/* retry loop until var != 0 */
	/*
	 * Interrupts off, read var, interrupts on: the off and on are
	 * increments of one object (they commute between threads, as
	 * local_irq_disable() does), and SOP_IPI waits on it until no other
	 * thread has interrupts off (flush_tlb_mm()'s IPI): a wait that an
	 * increment disables.
	 */
	SOP_IRQSECT,
	SOP_IPI,
	SOP_NR
};

#define SYNTH_MAX_OPS 8
#define SYNTH_NOBJ 2

struct synth_op {
	unsigned char kind, obj, val;
};

struct synth_rprog {
	int nthreads;
	int nops[4];
	struct synth_op ops[4][SYNTH_MAX_OPS];
};

/*
 * A random small program from @seed: 2-4 threads, about @max_ops operations
 * (variables read, written, incremented; locks taken shared or exclusive,
 * nested or never released; flags waited for, set, cleared; retry loops;
 * assertions).
 */
void synth_random(struct synth_rprog *p, uint64_t seed, int max_ops);
/*
 * A random program of lock sections: 2-4 threads of one or two sections on
 * two locks, bodies disjoint or not, sometimes nested, blocking or never
 * released, and threads that run the same code as thread 0 (symmetry).
 */
void synth_random_sections(struct synth_rprog *p, uint64_t seed);
/* Its text, for a failure message ("t0: read v1; lock l0; ..."). */
void synth_describe(const struct synth_rprog *p, struct ks_buf *out);
/* The program that runs @p (its fingerprint is the description's hash). */
struct ks_program synth_program(const struct synth_rprog *p);
/* The state of the running random program's world (call from an observer). */
uint64_t synth_state_hash(void);

#endif /* KVMSIM_TESTS_ENGINE_SYNTH_H */
