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

# The shipped scenarios; `kvmsim` finds them here once installed.  Every
# tests/scenarios/*.scn must be listed: dist-hook below refuses a tarball
# that would lose one (test-scenarios runs every file in the directory).
scenariosdir = $(pkgdatadir)/scenarios
dist_scenarios_DATA = \
	tests/scenarios/d1-devdax-unbind-hang.scn \
	tests/scenarios/devdax-4k-fault-vs-munmap.scn \
	tests/scenarios/devdax-tail-fault-vs-unbind.scn \
	tests/scenarios/devdax-unbind-vs-teardown.scn \
	tests/scenarios/fault-prefetch-vs-munmap.scn \
	tests/scenarios/fault-prepopulated.scn \
	tests/scenarios/fault-untouched-thp.scn \
	tests/scenarios/fault-untouched-vs-munmap.scn \
	tests/scenarios/fault-vs-munmap.scn \
	tests/scenarios/fault-vs-thp-split.scn \
	tests/scenarios/fsdax-pmd-fault-vs-munmap.scn \
	tests/scenarios/fsdax-truncate-vs-fault.scn \
	tests/scenarios/pfnmap-age-teardown.scn \
	tests/scenarios/pfnmap-non-refcounted-vs-munmap.scn \
	tests/scenarios/two-vcpus-adjacent-gfns-vs-munmap.scn \
	tests/scenarios/two-vcpus-same-gfn-vs-mprotect.scn \
	tests/scenarios/two-vcpus-same-gfn-vs-munmap.scn \
	tests/scenarios/vcpu-map-vs-devdax-unbind.scn \
	tests/scenarios/vcpu-map-vs-fsdax-truncate.scn \
	tests/scenarios/vcpu-map-vs-munmap.scn \
	tests/scenarios/zap-devdax-vs-unbind.scn \
	tests/scenarios/zap-gfn-range-vs-fault.scn \
	tests/scenarios/zap-gfn-range-vs-munmap.scn \
	tests/scenarios/zero-page-refcount-leak.scn

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
# make check-long searches them against their expectations, split over the
# machine's cores (JOBS=N to choose); hours, not minutes, on a laptop.
EXTRA_DIST += tests/scenarios-long
check-long: kvmsim
	./kvmsim$(EXEEXT) check --jobs $${JOBS:-$$(nproc 2>/dev/null || echo 2)} \
		$$(for f in $(srcdir)/tests/scenarios-long/*.scn; do printf ' -s %s' "$$f"; done)
.PHONY: check-long

# A scenario added to tests/scenarios/ but not to dist_scenarios_DATA would
# pass `make check` and fail `make distcheck` far from the cause; say so here.
dist-hook: dist-check-scenarios
dist-check-scenarios:
	@missing=; for f in $(srcdir)/tests/scenarios/*.scn; do \
	  b=tests/scenarios/$${f##*/}; \
	  case " $(dist_scenarios_DATA) " in *" $$b "*) ;; *) missing="$$missing $$b";; esac; \
	done; \
	if test -n "$$missing"; then \
	  echo "dist_scenarios_DATA (sim/scenario/local.mk) lacks:$$missing" >&2; exit 1; fi
.PHONY: dist-check-scenarios
