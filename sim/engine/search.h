/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside a search: the happens-before tracker (hb.c), the strategies
 * (explore.c for DFS and DPOR, more later), the race analysis (dpor.c) and
 * the loop that runs them (search.c).
 *
 * A strategy sees a run as a sequence of nodes: node d is the state before
 * step d.  Before each run it says how many of the previous run's decisions to
 * replay unchanged (their happens-before records stay valid: the tracker only
 * undoes the steps after them) and how many decisions are forced; at every
 * later node it chooses a thread.
 */
#ifndef KVMSIM_ENGINE_SEARCH_H
#define KVMSIM_ENGINE_SEARCH_H

#include <kvmsim/engine.h>

#include "runner.h"

#define KS_BIT(tid) (UINT32_C(1) << (tid))

/*
 * One access of an event to one object, with the object's state just before
 * it: the last write and the heads of the lists of reads and increments since.
 * Undoing the access restores that state; the race analysis walks it.
 */
struct ks_hbacc {
	ks_obj_t key;
	uint32_t ev;		/* the event (its step index) */
	uint32_t slot;		/* the object's slot */
	uint8_t kind;		/* enum ks_kind */
	uint8_t acc;		/* enum ks_access, as declared */
	uint8_t flags;		/* KS_HBA_* */
	int32_t lw, reads, incs, tests;	/* the object's state before */
};

/*
 * A release that ends a leaf section: an exclusive hold of a lock during
 * which its thread took no step that could block (no wait, no lock acquire,
 * no retry-loop await).  See "Lock sections" in hb.c.
 */
#define KS_HBA_LEAF	(1U << 0)

struct ks_hbev {
	uint8_t tid;
	bool await;		/* a retry-loop await: reads its whole read set */
	uint32_t idx;		/* 1-based index within its thread */
	int32_t prev;		/* the thread's previous event, -1 */
	uint32_t level;		/* Foata layer, from 1 */
	uint32_t acc0, nacc;	/* its accesses */
	ks_obj_t obj;		/* as declared */
	uint8_t access;
	bool blocking;		/* a wait, an acquire or an await: it could block */
	bool reraced;		/* an acquire raced again without looking behind */
	/*
	 * The acquire (event index) of its thread's section that is open after
	 * this event and leaf so far, or -1.
	 */
	int32_t open;
};

struct ks_hbobj {
	ks_obj_t key;
	uint32_t gen;
	int32_t lw, reads, incs, tests;	/* access indices; -1 for none */
};

/* A pending (not yet taken) event, analysed as if it were taken next. */
struct ks_hbpend {
	struct ks_hbev ev;
	struct ks_hbacc acc[KS_MAX_FOOTPRINT];
	uint32_t clock[KS_MAX_THREADS];
};

struct ks_hb {
	bool clocks;		/* vector clocks (DPOR); levels are always kept */
	/*
	 * Lock-section reduction: the clocks leave out the order between two
	 * exclusive sections of one lock when the earlier is a leaf section.
	 */
	bool sections;
	/*
	 * Set by ks_hb_record(): the acquire whose section the recorded event
	 * made non-leaf (it could block inside it), or -1.  Its ordering against
	 * the leaf sections before it is then a race after all.
	 */
	int32_t reopened;
	unsigned nthreads;	/* clock width */
	struct ks_hbev *ev;
	uint32_t nev, ev_cap;
	uint32_t *clock;	/* nthreads per event */
	uint64_t *classh;	/* classh[i]: class hash of the first i events */
	struct ks_hbacc *acc;
	uint32_t nacc, acc_cap;
	/* Link of each read/increment access to the next older one in its list. */
	int32_t *link;
	struct ks_hbobj *obj;
	uint32_t nobj, obj_cap;
	uint32_t *table;	/* open addressing: slot + 1, 0 empty */
	uint32_t table_mask;
	uint32_t gen;
	int32_t last[KS_MAX_THREADS];
	uint32_t count[KS_MAX_THREADS];
};

void ks_hb_init(struct ks_hb *hb, bool clocks, bool sections);
void ks_hb_free(struct ks_hb *hb);
/* The number of threads of the program's runs (the clocks' width). */
void ks_hb_set_width(struct ks_hb *hb, unsigned nthreads);
/* Forget every event at index >= @n (the replayed prefix stays). */
void ks_hb_rewind(struct ks_hb *hb, uint32_t n);
/* Record the pending event of thread @tid as the next event. */
void ks_hb_record(struct ks_hb *hb, const struct ks_thread *t, int tid);
/* Describe the pending event of @t (thread @tid) as if it were taken now. */
void ks_hb_pending(struct ks_hb *hb, const struct ks_thread *t, int tid,
		   struct ks_hbpend *p);
/* Whether an acquire in state @a by @tid looks behind a leaf section (hb.c). */
bool ks_hb_leaf_before(const struct ks_hb *hb, const struct ks_hbacc *a, unsigned tid);
/* Whether event @e and the pending event of @t are dependent. */
bool ks_hb_conflict(const struct ks_hb *hb, uint32_t e, const struct ks_thread *t);

static inline const uint32_t *ks_hb_clock(const struct ks_hb *hb, uint32_t e)
{
	return &hb->clock[(size_t)e * hb->nthreads];
}

/* Whether event @e happens before (or is) the event with clock @c. */
static inline bool ks_hb_before(const struct ks_hb *hb, uint32_t e, const uint32_t *c)
{
	return c[hb->ev[e].tid] >= hb->ev[e].idx;
}

struct ks_search;

/*
 * A strategy.  DFS and DPOR explore a tree; a random walk or PCT would
 * replay nothing and choose by their own rule; a shard would fix a prefix;
 * a shrinker would force a decision sequence and vary it.  The hooks after
 * choose() may be NULL.
 */
struct ks_strategy_ops {
	bool exhaustive;	/* may call its search complete */
	bool clocks;		/* needs vector clocks */
	int (*init)(struct ks_search *s);
	/*
	 * Set up the next run: s->replay, s->forced and s->dec[0..forced).
	 * Returns false when there is nothing left to run.
	 */
	bool (*next_run)(struct ks_search *s);
	/* A thread at node @d (enabled mask @en, not 0), or -1: sleep-blocked. */
	int (*choose)(struct ks_search *s, uint32_t d, uint32_t en);
	/* Step @d was taken and recorded in s->hb. */
	void (*stepped)(struct ks_search *s, uint32_t d);
	/* The run ended at node @d with @outcome. */
	void (*end_run)(struct ks_search *s, uint32_t d, enum ks_outcome outcome);
	void (*fini)(struct ks_search *s);
};

extern const struct ks_strategy_ops ks_dfs_ops, ks_dpor_ops, ks_bounded_ops, ks_random_ops,
	ks_pct_ops, ks_shard_ops, ks_deal_ops;

/* Runs of a random or PCT search given neither --runs nor --time. */
#define KS_SAMPLE_RUNS 1000

/* random.c's state: the run's random stream and, for PCT, its schedule. */
struct ks_sample {
	uint64_t rng;
	bool fresh;			/* no step of this run chosen yet */
	unsigned depth;			/* PCT's d */
	uint32_t k;			/* the longest run so far (steps) */
	unsigned prio[KS_MAX_THREADS];
	uint32_t change[KS_PCT_DEPTH_MAX];
	unsigned nchange;
};

/* explore.c: set the sleep set of node @d + 1 after step @d (DPOR's rule). */
void ks_dpor_sleep_after(struct ks_search *s, uint32_t d);
/* explore.c: the thread to continue with at node @d, without a preemption if it can. */
int ks_explore_prefer(const struct ks_search *s, uint32_t d, uint32_t elig);

/* search.c's shrinker: the candidate schedule being run. */
struct ks_seg;
struct ks_shrink {
	const struct ks_seg *seg;
	uint32_t nseg, cur, used;
};

/* The exploration tree of DFS and DPOR: per node. */
struct ks_tree {
	bool started;
	uint32_t *sleep;	/* sleep set on entry */
	uint32_t *backtrack;
	uint32_t *done;		/* explored (or being explored) here */
	/*
	 * Nodes above it belong to a shard's prefix (shard.c): never picked
	 * again.  Their eligible threads (not asleep), for the enumeration.
	 */
	uint32_t floor;
	uint32_t *elig;
	/*
	 * A dealt shard (shard.c): the backtrack threads of each node that
	 * another shard explores; NULL unless dealt.
	 */
	uint32_t *foreign;
	/* dpor.c's scratch: race candidates, and a mark per event to dedupe them. */
	uint32_t *cand;
	uint32_t ncand, cand_cap;
	uint32_t *mark;
	uint32_t *weak;		/* a candidate that must not hide others (dpor.c) */
	uint32_t mark_cap, mark_gen;
};

/* shard.c: a DFS or DPOR search split by schedule prefix. */
struct ks_shard {
	const struct ks_strategy_ops *base;	/* the search below each prefix */
	unsigned depth;		/* branching nodes a prefix fixes */
	uint64_t nprefix;	/* prefixes at that depth, of all shards */
	uint64_t next;		/* prefixes enumerated so far */
	uint32_t len;		/* nodes of the last enumeration walk */
	bool walked;		/* the enumeration has started */
	bool walked_once;	/* the tracker holds a walk's or a run's events */
	bool below;		/* exploring below an owned prefix */
	bool dealt;		/* DPOR: the pending backtrack points were dealt */
};

struct ks_search {
	const struct ks_program *prog;
	struct ks_search_opts opts;
	const struct ks_strategy_ops *ops;
	struct ks_runner *r;
	struct ks_hb hb;
	struct ks_tree tree;
	struct ks_sample sample;
	struct ks_shrink shrink;
	struct ks_shard shard;
	/* Preemption bounding: this round's bound, and whether it kept a thread out. */
	unsigned pbound;
	bool pbound_cut;
	/* The current run, per node. */
	uint8_t *dec;		/* decisions */
	uint32_t *en;		/* enabled threads */
	uint32_t *preempt;	/* preemptions before the node */
	uint32_t cap;
	uint32_t replay;	/* decisions replayed without bookkeeping */
	uint32_t forced;	/* decisions fixed before the run */
	uint32_t depth;		/* nodes of the current run */
	bool exhausted;		/* the strategy has nothing left */
	bool aborted;		/* non-determinism: stop */
	unsigned attempt;	/* restarts before this attempt (invisible steps) */
	struct ks_search_result *res;
	char **keys;		/* ks_finding_key() of each finding */
	/* Distinct class hashes (open addressing, 0 = empty). */
	uint64_t *classes;
	uint64_t classes_mask;
};

/* search.c: make room for node @d in the per-node arrays. */
void ks_search_reserve(struct ks_search *s, uint32_t d);
/* search.c: record a note in the result, once. */
void ks_search_note(struct ks_search *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dpor.c: add backtrack points for the races of event @e / a pending one. */
void ks_dpor_races(struct ks_search *s, uint32_t e);
void ks_dpor_pending_races(struct ks_search *s, uint32_t d, int tid);
/* ...and for the acquire @acq, whose section turned out not to be a leaf. */
void ks_dpor_section_races(struct ks_search *s, uint32_t acq);

/* trace.c */
uint64_t ks_trace_hash(struct ks_runner *r);
void ks_trace_format(struct ks_runner *r, struct ks_buf *out);
/* Replay @n decisions on @r; 0, or -1 with a reason. */
int ks_replay_decisions(struct ks_runner *r, const uint8_t *dec, uint32_t n,
			enum ks_run_status *status, char *err, size_t errlen);
/* The message with step numbers removed: what makes two findings one. */
char *ks_finding_key(const char *oracle, const char *msg);

uint64_t ks_mix64(uint64_t x);

#endif /* KVMSIM_ENGINE_SEARCH_H */
