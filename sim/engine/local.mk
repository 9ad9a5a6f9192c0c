# The engine: threads, runs, search strategies, replay, reports.
libkvmsim_a_SOURCES += \
	sim/engine/ctx.c sim/engine/ctx.h \
	sim/engine/run.c
pkginclude_HEADERS += include/kvmsim/sched.h include/kvmsim/log.h include/kvmsim/run.h \
	include/kvmsim/engine.h include/kvmsim/world.h

check_PROGRAMS += tests/engine/test-run
tests_engine_test_run_SOURCES = tests/engine/test-run.c tests/ks-check.h
tests_engine_test_run_CFLAGS = $(TEST_CFLAGS)
tests_engine_test_run_LDADD = $(TEST_LIBS)
TESTS += tests/engine/test-run
