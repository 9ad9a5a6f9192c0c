// SPDX-License-Identifier: GPL-2.0
/*
 * bench-engine: figures for the engine (bench/README.md).  Prints, never
 * fails on time:
 *
 *   - one thread switch: the bare stack switch, and a run-core step (two
 *     switches plus the event log) halved;
 *   - scheduling points per second of a plain DFS search (re-execution,
 *     enabledness, happens-before and class hashing included);
 *   - per synthetic program: runs of DFS and DPOR, distinct classes, and
 *     DPOR's redundancy = (terminal + hang + sleep-blocked) / classes.
 *
 * Usage: bench-engine [-q]   (-q: smaller sizes, for a quick look)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kvmsim/engine.h>

#include "engine/ctx.h"
#include "../tests/engine/synth.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the bare switch ---- */

static struct ks_ctx main_ctx, co_ctx;

static void co_entry(void *arg)
{
	ks_ctx_started(&co_ctx, &main_ctx);
	for (;;)
		ks_ctx_switch(&co_ctx, &main_ctx, 0);
}

static double bench_bare_switch(long n)
{
	double t0;
	long i;

	if (ks_ctx_init(&co_ctx, 64 * 1024))
		abort();
	ks_ctx_prepare(&co_ctx, co_entry, NULL);
	t0 = now();
	for (i = 0; i < n; i++)
		ks_ctx_switch(&main_ctx, &co_ctx, 0);
	t0 = now() - t0;
	ks_ctx_destroy(&co_ctx);
	return t0 * 1e9 / (double)(2 * n);
}

/* ---- a run-core step ---- */

static long spin_points;

static void spin_thread(void *arg)
{
	long i;

	for (i = 0; i < spin_points; i++)
		ks_sched_point(KS_OBJ(KS_OBJ_VAR, 1), KS_WRITE);
}

static void spin_setup(void *arg)
{
	ks_thread_spawn("t0", spin_thread, NULL);
}

/* Runs of 10,000 steps, as a search makes them (the event log included). */
static double bench_step(long n)
{
	struct ks_program p = { .name = "spin", .setup = spin_setup };
	struct ks_runner *r = ks_runner_new(&p, NULL);
	long runs = n / 10000, i;
	double t0;

	spin_points = 10000;
	t0 = now();
	for (i = 0; i < runs; i++) {
		ks_run_begin(r);
		while (ks_run_status(r) == KS_RUN_ACTIVE)
			ks_run_step(r, 0);
		ks_run_end(r);
	}
	t0 = now() - t0;
	ks_runner_free(r);
	return t0 * 1e9 / (double)(runs * spin_points);
}

/* ---- searches ---- */

static void search(const struct ks_program *p, enum ks_strategy strat,
		   struct ks_search_result *res)
{
	struct ks_search_opts o = { .strategy = strat };

	if (ks_search(p, &o, res)) {
		fprintf(stderr, "bench-engine: %s\n", res->error);
		exit(1);
	}
}

static void bench_dfs_rate(int threads, int steps)
{
	struct ks_search_result res;

	synth_size = (struct synth_size){ threads, steps };
	search(&synth_counter, KS_STRAT_DFS, &res);
	printf("plain DFS, counter %dx%d:         %.1f M scheduling points/s (%llu runs, %llu steps, %.2f s; target >= 5 M)\n",
	       threads, steps, (double)res.steps / res.elapsed_s / 1e6,
	       (unsigned long long)res.runs, (unsigned long long)res.steps, res.elapsed_s);
	ks_search_result_free(&res);
}

struct row {
	const char *name;
	const struct ks_program *prog;
	struct synth_size size;
};

static void bench_program(const char *name, const struct ks_program *p)
{
	struct ks_search_result dfs, dpor;
	uint64_t maximal;

	search(p, KS_STRAT_DFS, &dfs);
	search(p, KS_STRAT_DPOR, &dpor);
	maximal = dpor.terminal + dpor.hangs + dpor.sleep_blocked;
	printf("%-18s %10llu %8llu %8llu %6llu %8.3f %10.1f%s\n", name,
	       (unsigned long long)dfs.runs, (unsigned long long)dpor.runs,
	       (unsigned long long)dpor.classes, (unsigned long long)dpor.sleep_blocked,
	       dpor.classes ? (double)maximal / (double)dpor.classes : 0.0,
	       dpor.elapsed_s * 1e3,
	       dfs.classes != dpor.classes ? "  CLASSES DIFFER" : "");
	ks_search_result_free(&dfs);
	ks_search_result_free(&dpor);
}

static void bench_random(int n, int max_ops)
{
	uint64_t dfs_runs = 0, dpor_runs = 0, classes = 0, blocked = 0, maximal = 0;
	double ms = 0;
	int seed;

	for (seed = 0; seed < n; seed++) {
		struct synth_rprog rp;
		struct ks_program p;
		struct ks_search_result dfs, dpor;

		synth_random(&rp, (uint64_t)seed, 6 + seed % (max_ops - 5));
		p = synth_program(&rp);
		search(&p, KS_STRAT_DFS, &dfs);
		search(&p, KS_STRAT_DPOR, &dpor);
		dfs_runs += dfs.runs;
		dpor_runs += dpor.runs;
		classes += dpor.classes;
		blocked += dpor.sleep_blocked;
		maximal += dpor.terminal + dpor.hangs + dpor.sleep_blocked;
		ms += dpor.elapsed_s * 1e3;
		ks_search_result_free(&dfs);
		ks_search_result_free(&dpor);
	}
	printf("%-18s %10llu %8llu %8llu %6llu %8.3f %10.1f\n", "random (sum)",
	       (unsigned long long)dfs_runs, (unsigned long long)dpor_runs,
	       (unsigned long long)classes, (unsigned long long)blocked,
	       (double)maximal / (double)classes, ms);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "-q");
	long n = quick ? 1000000 : 20000000;
	const struct row rows[] = {
		{ "lost-update", &synth_lost_update, { 0, 0 } },
		{ "abba", &synth_abba, { 0, 0 } },
		{ "mailbox", &synth_mailbox, { 0, 0 } },
		{ "lost-wakeup", &synth_lost_wakeup, { 0, 0 } },
		{ "wakeup-fixed", &synth_wakeup_fixed, { 0, 0 } },
		{ "retry", &synth_retry, { 0, 0 } },
		{ "retry-nowriter", &synth_retry_nowriter, { 0, 0 } },
		{ "counter 3x2", &synth_counter, { 3, 2 } },
		{ "counter 2x4", &synth_counter, { 2, 4 } },
		{ "private 3x3", &synth_private, { 3, 3 } },
		{ "locked 3x2", &synth_locked, { 3, 2 } },
		{ "locked 2x4", &synth_locked, { 2, 4 } },
		{ "readers 2x3", &synth_readers, { 2, 3 } },
	};
	double bare = bench_bare_switch(n), step = bench_step(n);
	size_t i;

	printf("stack switch backend:            %s\n", ks_ctx_backend());
	printf("bare stack switch:               %.1f ns\n", bare);
	printf("run-core step (two switches):    %.1f ns, %.1f ns per switch (target <= 30 ns)\n",
	       step, step / 2);
	bench_dfs_rate(2, quick ? 4 : 6);
	printf("\n%-18s %10s %8s %8s %6s %8s %10s\n", "program", "DFS runs", "DPOR",
	       "classes", "sleep", "redund.", "DPOR ms");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		synth_size = rows[i].size;
		bench_program(rows[i].name, rows[i].prog);
	}
	bench_random(quick ? 30 : 300, 10);
	printf("(redundancy = (terminal + hang + sleep-blocked) / classes of DPOR; target <= 1.2)\n");
	return 0;
}
