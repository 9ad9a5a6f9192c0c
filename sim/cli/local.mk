# The kvmsim program (docs/cli.md, docs/kvmsim.1): verbs, the text, JSON and
# JUnit reports, replay traces.  Linked statically with the whole of
# libkvmsim.a and -rdynamic, so that it runs from the build tree and an
# object loaded with --load finds every kernel and KVM function.
KS_CLI_SOURCES = \
	sim/cli/cli.h \
	sim/cli/main.c \
	sim/cli/check.c \
	sim/cli/replay.c \
	sim/cli/list.c \
	sim/cli/diff.c \
	sim/cli/table.c \
	sim/cli/names.c \
	sim/cli/scenarios.c \
	sim/cli/trace.c \
	sim/cli/report.c \
	sim/cli/json.c \
	sim/cli/jsonr.c \
	sim/cli/merge.c

bin_PROGRAMS += kvmsim
kvmsim_SOURCES = $(KS_CLI_SOURCES)
kvmsim_LDFLAGS = -rdynamic -Wl,--whole-archive,libkvmsim.a,--no-whole-archive $(AM_LDFLAGS)
kvmsim_DEPENDENCIES = libkvmsim.a
dist_man1_MANS = docs/kvmsim.1

# The command's contract (exit statuses, messages, JSON shape), as shell
# tests printing TAP; tests/cli/lib.sh has their helpers.
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = env KVMSIM='$(abs_top_builddir)/kvmsim$(EXEEXT)' $(SHELL)
KS_CLI_TESTS = \
	tests/cli/usage.sh \
	tests/cli/check.sh \
	tests/cli/replay.sh \
	tests/cli/shard.sh \
	tests/cli/docs.sh
TESTS += $(KS_CLI_TESTS)
EXTRA_DIST += $(KS_CLI_TESTS) tests/cli/lib.sh

# The shard/merge equality of tests/cli/shard.sh on every shipped scenario
# and variant, not only the three of make check (minutes).
check-shards: kvmsim
	KVMSIM_SHARD_ALL=1 KVMSIM='$(abs_top_builddir)/kvmsim$(EXEEXT)' \
		$(SHELL) $(srcdir)/tests/cli/shard.sh
.PHONY: check-shards
