# bench: programs that print figures (bench/README.md); never pass/fail on time.
noinst_PROGRAMS += bench/bench-engine
bench_bench_engine_SOURCES = bench/bench-engine.c tests/engine/synth.c tests/engine/synth.h
bench_bench_engine_LDADD = $(KVMSIM_LIB)
EXTRA_DIST += bench/README.md

bench: bench/bench-engine
	./bench/bench-engine
.PHONY: bench

# The vCPU scaling table of issue 8 (bench/scaling.sh; minutes, not seconds).
EXTRA_DIST += bench/scaling.sh
bench-scaling: kvmsim
	$(SHELL) $(srcdir)/bench/scaling.sh $(BENCH_FLAGS)
.PHONY: bench-scaling

# Time to the first finding per mutant and buggy variant, DPOR vs PCT vs random.
EXTRA_DIST += bench/time-to-bug.sh
bench-time-to-bug: kvmsim
	$(SHELL) $(srcdir)/bench/time-to-bug.sh $(BENCH_FLAGS)
.PHONY: bench-time-to-bug

# The speed-up of a search split with --jobs (issue 11; about two minutes).
EXTRA_DIST += bench/shards.sh
bench-shards: kvmsim
	$(SHELL) $(srcdir)/bench/shards.sh $(BENCH_FLAGS)
.PHONY: bench-shards
