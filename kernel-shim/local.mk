# kernel-shim: pages, the memmap, the reference ledger, dev_pagemap and the
# mm eras; locks, completions and waits as scheduler primitives.
libkvmsim_a_SOURCES += \
	kernel-shim/internal.h \
	kernel-shim/audit.c \
	kernel-shim/bug.c \
	kernel-shim/completion.c \
	kernel-shim/era.c \
	kernel-shim/ledger.c \
	kernel-shim/locking.c \
	kernel-shim/memmap.c \
	kernel-shim/memremap.c \
	kernel-shim/page.c \
	kernel-shim/percpu_ref.c \
	kernel-shim/task.c \
	kernel-shim/wait_bit.c

check_PROGRAMS += tests/shim/test-page tests/shim/test-ledger \
	tests/shim/test-memremap tests/shim/test-locking
tests_shim_test_page_SOURCES = tests/shim/test-page.c tests/shim/shim-check.h
tests_shim_test_page_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_page_LDADD = $(TEST_LIBS)
tests_shim_test_ledger_SOURCES = tests/shim/test-ledger.c tests/shim/shim-check.h
tests_shim_test_ledger_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_ledger_LDADD = $(SHIM_TEST_LIBS)
tests_shim_test_memremap_SOURCES = tests/shim/test-memremap.c tests/shim/shim-check.h
tests_shim_test_memremap_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_memremap_LDADD = $(TEST_LIBS)
tests_shim_test_locking_SOURCES = tests/shim/test-locking.c tests/shim/shim-check.h
tests_shim_test_locking_CFLAGS = $(TEST_CFLAGS)
tests_shim_test_locking_LDADD = $(TEST_LIBS)
TESTS += tests/shim/test-page tests/shim/test-ledger \
	tests/shim/test-memremap tests/shim/test-locking

# The shim's linux/ headers, installed for out-of-tree variants ("linux/mm.h"
# with kvmsim.pc's -iquote, as in the tree).
kvmsimshimdir = $(pkgincludedir)/kernel-shim/linux
kvmsimshim_HEADERS = \
	kernel-shim/include/linux/bug.h \
	kernel-shim/include/linux/completion.h \
	kernel-shim/include/linux/dax.h \
	kernel-shim/include/linux/highmem.h \
	kernel-shim/include/linux/huge_mm.h \
	kernel-shim/include/linux/memremap.h \
	kernel-shim/include/linux/mm.h \
	kernel-shim/include/linux/mm_types.h \
	kernel-shim/include/linux/mmu_notifier.h \
	kernel-shim/include/linux/page_ref.h \
	kernel-shim/include/linux/percpu-refcount.h \
	kernel-shim/include/linux/pgtable.h \
	kernel-shim/include/linux/rwsem.h \
	kernel-shim/include/linux/spinlock.h \
	kernel-shim/include/linux/wait_bit.h
