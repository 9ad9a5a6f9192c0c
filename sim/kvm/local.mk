# The lifted KVM logic, its variants and mutants, the KVM-side oracles.
libkvmsim_a_SOURCES += \
	sim/kvm/kvm_dispatch.c \
	sim/kvm/kvm_main.c \
	sim/kvm/mmu.c \
	sim/kvm/vcpu.c \
	sim/kvm/oracles.c \
	sim/kvm/variants.c \
	sim/kvm/diff.c \
	sim/kvm/scenario.c \
	sim/kvm/variants/v4.19.c \
	sim/kvm/variants/rfc-2018.c \
	sim/kvm/variants/thread-proposal.c \
	sim/kvm/variants/v5.4-rc7.c \
	sim/kvm/variants/v5.4.c \
	sim/kvm/variants/v5.6.c \
	sim/kvm/variants/mutants.c \
	sim/kvm/6.x/kvm_main.c \
	sim/kvm/6.x/vcpu.c \
	sim/kvm/6.x/mmu/mmu.c \
	sim/kvm/6.x/mmu/tdp_iter.c \
	sim/kvm/6.x/mmu/tdp_mmu.c \
	sim/kvm/6.x/mmu/spte.c \
	sim/kvm/variants/v6.6-stable.c \
	sim/kvm/variants/v6.13.c \
	sim/kvm/variants/mutants-6.x.c
pkginclude_HEADERS += include/kvmsim/variant.h
# The generation's KVM headers, for out-of-tree variants ("kvm/kvm.h" with
# kvmsim.pc's -iquote, as in the tree).
kvmsimkvmdir = $(pkgincludedir)/kvm
kvmsimkvm_HEADERS = sim/kvm/kvm_common.h sim/kvm/kvm.h sim/kvm/kvm-ops.h
kvmsimkvm6dir = $(pkgincludedir)/kvm/6.x
kvmsimkvm6_HEADERS = sim/kvm/6.x/kvm_host.h sim/kvm/6.x/kvm-ops.h


check_PROGRAMS += tests/kvm/test-variants
tests_kvm_test_variants_SOURCES = tests/kvm/test-variants.c tests/ks-check.h
tests_kvm_test_variants_CFLAGS = $(TEST_CFLAGS)
tests_kvm_test_variants_LDADD = $(TEST_LIBS)
TESTS += tests/kvm/test-variants
EXTRA_DIST += tests/kvm/decision-table.txt

check_PROGRAMS += tests/kvm/test-scenarios
tests_kvm_test_scenarios_SOURCES = tests/kvm/test-scenarios.c tests/ks-check.h
tests_kvm_test_scenarios_CFLAGS = $(TEST_CFLAGS)
tests_kvm_test_scenarios_LDADD = $(TEST_LIBS)
TESTS += tests/kvm/test-scenarios
