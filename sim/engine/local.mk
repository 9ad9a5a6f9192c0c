# The engine: threads, runs, search strategies, replay, reports.
libkvmsim_a_SOURCES += \
	sim/engine/ctx.c sim/engine/ctx.h \
	sim/engine/run.c sim/engine/runner.h \
	sim/engine/search.c sim/engine/search.h \
	sim/engine/hb.c sim/engine/explore.c sim/engine/dpor.c \
	sim/engine/random.c sim/engine/shard.c sim/engine/trace.c sim/engine/token.c sim/engine/replay.c
pkginclude_HEADERS += include/kvmsim/sched.h include/kvmsim/log.h include/kvmsim/run.h \
	include/kvmsim/engine.h include/kvmsim/world.h

check_PROGRAMS += tests/engine/test-run
tests_engine_test_run_SOURCES = tests/engine/test-run.c tests/ks-check.h
tests_engine_test_run_CFLAGS = $(TEST_CFLAGS)
tests_engine_test_run_LDADD = $(TEST_LIBS)
TESTS += tests/engine/test-run

ENGINE_TEST_SOURCES = tests/ks-check.h tests/engine/synth.c tests/engine/synth.h
check_PROGRAMS += tests/engine/test-search
tests_engine_test_search_SOURCES = tests/engine/test-search.c $(ENGINE_TEST_SOURCES)
tests_engine_test_search_CFLAGS = $(TEST_CFLAGS)
tests_engine_test_search_LDADD = $(TEST_LIBS)
TESTS += tests/engine/test-search

check_PROGRAMS += tests/engine/test-dpor
tests_engine_test_dpor_SOURCES = tests/engine/test-dpor.c $(ENGINE_TEST_SOURCES)
tests_engine_test_dpor_CFLAGS = $(TEST_CFLAGS)
tests_engine_test_dpor_LDADD = $(TEST_LIBS)
TESTS += tests/engine/test-dpor

check_PROGRAMS += tests/engine/test-replay
tests_engine_test_replay_SOURCES = tests/engine/test-replay.c $(ENGINE_TEST_SOURCES)
tests_engine_test_replay_CFLAGS = $(TEST_CFLAGS)
tests_engine_test_replay_LDADD = $(TEST_LIBS)
TESTS += tests/engine/test-replay
