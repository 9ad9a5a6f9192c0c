# kernel-shim host mm: page tables, VMAs, faults, gup, munmap/mprotect,
# MMU notifiers, THP split, device-dax and fsdax.  See the top-level Makefile.am.
libkvmsim_a_SOURCES += \
	kernel-shim/mm-internal.h \
	kernel-shim/pgtable.c kernel-shim/vma.c kernel-shim/memory.c \
	kernel-shim/fault.c kernel-shim/gup.c kernel-shim/mmap.c \
	kernel-shim/mmu_notifier.c kernel-shim/huge_memory.c kernel-shim/dax.c

MM_TEST_SOURCES = tests/shim/mm-test.h tests/ks-check.h
check_PROGRAMS += tests/shim/test-gup
tests_shim_test_gup_SOURCES = tests/shim/test-gup.c $(MM_TEST_SOURCES)
tests_shim_test_gup_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_gup_LDADD = $(TEST_LIBS)
TESTS += tests/shim/test-gup

check_PROGRAMS += tests/shim/test-pgtable
tests_shim_test_pgtable_SOURCES = tests/shim/test-pgtable.c $(MM_TEST_SOURCES)
tests_shim_test_pgtable_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_pgtable_LDADD = $(TEST_LIBS)
TESTS += tests/shim/test-pgtable

check_PROGRAMS += tests/shim/test-mmap
tests_shim_test_mmap_SOURCES = tests/shim/test-mmap.c $(MM_TEST_SOURCES)
tests_shim_test_mmap_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_mmap_LDADD = $(TEST_LIBS)
TESTS += tests/shim/test-mmap

check_PROGRAMS += tests/shim/test-dax
tests_shim_test_dax_SOURCES = tests/shim/test-dax.c $(MM_TEST_SOURCES)
tests_shim_test_dax_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_dax_LDADD = $(TEST_LIBS)
TESTS += tests/shim/test-dax
