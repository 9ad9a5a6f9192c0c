/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Searches over the runs of a program: strategies, results, replay tokens.
 *
 * A strategy decides, at every scheduling point of a run, which enabled
 * thread takes the next step (include/kvmsim/run.h).  Exhaustive strategies
 * re-execute the program from its setup with a prefix of decisions; every
 * failing run gets a replay token that reproduces it bit-exactly.
 */
#ifndef KVMSIM_ENGINE_H
#define KVMSIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmsim/run.h>

enum ks_strategy {
	KS_STRAT_DFS,		/* plain DFS, no reduction (the oracle for DPOR) */
	KS_STRAT_DPOR,		/* source-set DPOR with sleep sets (default) */
	KS_STRAT_BOUNDED,	/* iterative preemption bounding, up to .bound */
	KS_STRAT_PCT,		/* PCT with depth d (random.c) */
	KS_STRAT_RANDOM,	/* random walk (random.c) */
	KS_STRAT_PORTFOLIO,	/* DPOR, then PCT and random walks (portfolio.c) */
	KS_STRAT_REPLAY,	/* one run from a token's decisions */
	KS_STRAT_NR
};

const char *ks_strategy_name(enum ks_strategy s);

/*
 * Ask the running search, and every later one, to stop after its current
 * run (async-signal-safe: a signal handler may call it).  The result is
 * bounded_by "interrupted", with what was found so far.
 */
void ks_search_interrupt(void);
/* Returns -1 for an unknown name. */
int ks_strategy_lookup(const char *name);

/* The most shards a search splits into (--shard, --jobs). */
#define KS_MAX_SHARDS 4096

/* The deepest PCT search (--depth). */
#define KS_PCT_DEPTH_MAX 16

/* How a run ended: exactly one of these (docs/design.md "How a run ends"). */
enum ks_outcome {
	KS_OUT_TERMINAL,	/* every thread finished; end-of-run oracles ran */
	KS_OUT_HANG,		/* some unfinished, none enabled */
	KS_OUT_SLEEP_BLOCKED,	/* the enabled threads are all asleep: redundant */
	KS_OUT_CUT,		/* a bound was hit */
	KS_OUT_NR
};

const char *ks_outcome_name(enum ks_outcome o);

/*
 * What an observer learns at the end of each run, while the run's world, log
 * and violations are still readable (ks_log_row(), ks_violation_get()).
 */
struct ks_run_info {
	enum ks_outcome outcome;
	uint32_t steps;
	const uint8_t *decisions;	/* thread id per step */
	unsigned preemptions;		/* switches away from an enabled thread */
	uint64_t class_hash;		/* Foata class; terminal and hang runs only */
	bool violating;
	/*
	 * The search's attempt (0 first): a search with invisible steps starts
	 * again when it learns that an object it hid is shared, and the runs of
	 * an earlier attempt are superseded.
	 */
	unsigned attempt;
};

typedef void (*ks_run_observer)(void *ctx, const struct ks_run_info *info);

struct ks_search_opts {
	enum ks_strategy strategy;
	unsigned loop_bound;		/* 0: 2 */
	uint32_t max_steps;		/* per run; 0: 100000 */
	uint64_t max_runs;		/* 0: unlimited; hitting it makes the search bounded */
	double max_seconds;		/* 0: unlimited; likewise */
	bool stop_on_first;		/* stop at the first violating run */
	uint64_t seed;
	unsigned bound;			/* bounded: the last round's preemption bound */
	/*
	 * Shrink each finding's run before it is reported: fewer preemptions,
	 * then fewer steps, the same finding (search.c "shrinking").
	 */
	bool shrink;
	unsigned depth;			/* PCT's depth d, up to KS_PCT_DEPTH_MAX; 0: 3 */
	/*
	 * DPOR, experimental: order two exclusive sections of a lock only when
	 * their bodies (or what follows them) race, or one of them could block
	 * inside (hb.c "Lock sections").  Not yet shown sound, so a search made
	 * with it is never complete (bounded_by "lock-sections"): its findings
	 * are real runs, its ok is no proof.  Off, every two acquires of a lock
	 * race.
	 */
	bool lock_sections;
	/*
	 * Take every step as a scheduling point.  By default a step on objects
	 * that only its own thread touches (learned over the search, which
	 * restarts when it learns better: run.c "invisible steps") is taken in
	 * the same step as the access before it.  A sharded search hides no
	 * steps: its shards must enumerate the same prefixes.
	 */
	bool no_invisible;
	/*
	 * Fingerprints of what the program was built from, carried in tokens:
	 * scenario, variant and era.  The program's own fingerprint covers all.
	 */
	uint64_t fp_scenario, fp_variant, fp_era;
	/*
	 * --shard i/n: explore the i-th of n parts (shard.c).  DFS and DPOR split
	 * by schedule prefix, PCT and random walks by run number; nshards 0 or
	 * 1: the whole search.
	 */
	unsigned shard, nshards;
	/*
	 * Shards with invisible steps first make the same probe, an unsharded
	 * search of this many runs (0: 1000), and then hide what it learned.
	 */
	unsigned shard_probe_runs;
	/*
	 * Parts per shard a split aims for: schedule prefixes (DFS) or dealt
	 * backtrack points (DPOR); 0: 16.
	 */
	unsigned shard_spread;
	/* Keep the distinct class hashes in the result, for a merge. */
	bool keep_classes;
	/* Called at the end of every run (may be NULL). */
	ks_run_observer on_run;
	void *on_run_ctx;
};

/* One distinct violation found by a search, with the first run that showed it. */
struct ks_finding {
	const char *oracle;		/* static */
	char *message;			/* heap */
	char *token;			/* heap: replays the run */
	char *trace;			/* heap: the run's trace, one row per line */
	uint64_t trace_hash;
	bool nondeterministic;		/* the second replay's trace hash differed */
	uint32_t steps;			/* of the run that showed it */
	unsigned preemptions;
	/* Before shrinking (.shrink), and the candidate runs it took. */
	uint32_t shrunk_from_steps;
	unsigned shrunk_from_preemptions, shrink_runs;
};

struct ks_search_result {
	bool complete;			/* explored everything, nothing cut or stopped */
	/*
	 * Why a search is not complete (static; NULL when it is): "runs",
	 * "time", "budget" (the scenario's own search runs=N), "stop-on-first", "steps" (a run cut by the step bound), "loop"
	 * (a retry loop past its bound whose await may hide runs),
	 * "nondeterminism", or the name of a strategy that is not exhaustive.
	 */
	const char *bounded_by;
	uint64_t runs;			/* runs started */
	uint64_t terminal, hangs, sleep_blocked, cut;
	uint64_t loop_cut;		/* runs whose result rests on a loop-bound await */
	uint64_t classes;		/* distinct Foata classes of maximal runs */
	/*
	 * An order-free digest of those classes (the sum of a mix of each
	 * hash): two searches that reached the same classes have the same
	 * digest.  With opts.keep_classes, the hashes themselves, sorted.
	 */
	uint64_t class_digest;
	uint64_t *class_hashes;
	size_t nclass_hashes;
	/*
	 * A shard (opts.nshards > 1): which, and for DFS and DPOR the prefix
	 * split: branching nodes fixed by a prefix, prefixes of all shards,
	 * those this shard explored, and the partial runs that enumerated them.
	 */
	unsigned shard, nshards, prefix_depth;
	uint64_t prefixes, prefixes_owned, prefix_runs, prefix_steps;
	unsigned merged;		/* shards merged into it (ks_search_result_merge) */
	uint64_t steps;			/* steps over all runs, invisible ones included */
	/*
	 * Invisible steps: those taken without a scheduling point (in the
	 * search's last attempt), the restarts made on learning that a hidden
	 * object is shared, and the runs those restarts threw away.
	 */
	uint64_t hidden_steps;
	unsigned restarts;
	uint64_t restart_runs;
	double elapsed_s;
	double runs_per_s;
	uint64_t violating_runs;
	/* Distinct (oracle, message-with-steps-removed) findings, in order found. */
	struct ks_finding *findings;
	size_t nfindings;
	/* Sorted, distinct oracle names found (the verdict). */
	const char **verdict;
	size_t nverdict;
	/*
	 * Problems of the model rather than findings: non-determinism, an
	 * enabledness change the declared accesses do not explain (which makes
	 * partial-order reduction unsound for the model).  Heap strings.
	 */
	char **notes;
	size_t nnotes;
	/*
	 * PCT: depth d, threads n, steps k (the longest run), and the chance
	 * that one run, and the whole search, finds a given bug of depth d:
	 * at least 1/(n k^(d-1)) and 1 - (1 - that)^runs.
	 */
	unsigned pct_depth, pct_threads;
	uint32_t pct_steps;
	double pct_p_run, pct_p_search;
	const char *error;		/* why ks_search() returned -1 (static) */
};

/* Run a search.  Returns 0, or -1 with a message in @res->error for bad options. */
int ks_search(const struct ks_program *prog, const struct ks_search_opts *opts,
	      struct ks_search_result *res);
void ks_search_result_free(struct ks_search_result *res);
/*
 * Merge @part, one shard's result, into @acc (zeroed for the first): counts
 * add up, classes are the union of the class hashes (both need
 * keep_classes), findings are united by oracle and message (the simpler
 * run's kept), the verdict and notes likewise; complete only if both are.
 * Elapsed time is the longest, as when the shards run side by side.
 */
void ks_search_result_merge(struct ks_search_result *acc, const struct ks_search_result *part);
/* Set @res's verdict from its findings: their oracles, sorted and distinct. */
void ks_search_result_verdict(struct ks_search_result *res);
/* The hash of one class as class_digest counts it. */
uint64_t ks_class_digest_of(uint64_t class_hash);
/*
 * One line: "complete: 1234 runs (1200 terminal, 3 hangs, 30 sleep-blocked,
 * 0 cut), 1200 classes, 45678 steps, 12.0 ms, 102833 runs/s".
 */
void ks_search_result_summary(const struct ks_search_result *res, struct ks_buf *out);

/*
 * Replay tokens: strategy, seed, decisions, loop bound and the fingerprints.
 * ks_token_parse() returns 0, or -1 with a one-line reason in @err.
 */
#define KS_TOKEN_MAX_DECISIONS (UINT32_C(1) << 24)

struct ks_token {
	enum ks_strategy strategy;
	uint64_t seed;
	unsigned loop_bound;
	uint64_t fp_program, fp_scenario, fp_variant, fp_era;
	uint32_t ndecisions;
	uint8_t *decisions;		/* heap: thread id per step */
};
/* "ks1:dpor:0:2:<program>:<scenario>:<variant>:<era>:<n>:<decisions>:<check>"; heap. */
char *ks_token_format(const struct ks_token *tok);
int ks_token_parse(const char *text, struct ks_token *tok, char *err, size_t errlen);
void ks_token_free(struct ks_token *tok);

/*
 * Replay @tok against @prog: a token for another program is rejected (-1 and
 * a reason naming what differs: scenario, variant or era).  On success
 * @status is how the run ended, @trace (if not NULL) gets the trace, one row
 * per line, and the log and violations stay readable (ks_log_row(),
 * ks_violation_get()) until the next ks_replay() or the end of the process.
 * Bad tokens and replays that diverge give -1 and a reason; never a crash.
 */
int ks_replay(const struct ks_program *prog, const struct ks_search_opts *opts,
	      const struct ks_token *tok, enum ks_run_status *status,
	      struct ks_buf *trace, char *err, size_t errlen);

#endif /* KVMSIM_ENGINE_H */
