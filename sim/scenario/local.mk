# Scenario files: the parser (text -> the tree of include/kvmsim/scenario.h),
# "did you mean", the shipped scenarios and the parser's tests.
KS_SCENARIO_SOURCES = \
	sim/scenario/scn.h \
	sim/scenario/parse.c \
	sim/scenario/syntax.c \
	sim/scenario/format.c \
	sim/scenario/spell.c
libkvmsim_a_SOURCES += $(KS_SCENARIO_SOURCES)
pkginclude_HEADERS += include/kvmsim/scenario.h

# The shipped scenarios; `kvmsim` finds them here once installed.
scenariosdir = $(pkgdatadir)/scenarios
dist_scenarios_DATA = \
	tests/scenarios/d1-devdax-unbind-hang.scn \
	tests/scenarios/fault-vs-munmap.scn \
	tests/scenarios/fault-vs-thp-split.scn \
	tests/scenarios/pfnmap-age-teardown.scn

# The parser links on its own (its own objects, no libkvmsim.a), so it can be
# tested while the rest of the library is being written.
check_PROGRAMS += tests/scenario/test-parse
tests_scenario_test_parse_SOURCES = tests/scenario/test-parse.c tests/ks-check.h \
	$(KS_SCENARIO_SOURCES)
tests_scenario_test_parse_CFLAGS = $(TEST_CFLAGS)
tests_scenario_test_parse_LDADD = $(CHECK_LIBS)
TESTS += tests/scenario/test-parse

# Scenarios whose exhaustive search is long: distributed, not installed, not
# searched by default (`kvmsim check -s tests/scenarios-long/FILE`).
EXTRA_DIST += tests/scenarios-long
