/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the kernel shim and the engine.
 *
 * Every operation on shared state calls ks_sched_point() (or ks_sched_wait()
 * when it may block) *before* it touches the object, naming the object and the
 * kind of access.  The engine may switch threads there; the code that follows,
 * up to the thread's next scheduling point, runs as one atomic step.
 *
 * Outside an engine run ("direct mode", used by unit tests that call the shim
 * from a plain function) a scheduling point only counts the step; a wait that
 * is not ready records a violation instead of blocking.
 */
#ifndef KVMSIM_SCHED_H
#define KVMSIM_SCHED_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Shared objects are named by a 64-bit key: a kind in the top byte and an
 * index below it (a pfn for pages, an hva|level for page-table entries, a
 * per-run counter for named objects).  Keys, not addresses, so that traces
 * and hashes are the same in every process.
 */
typedef uint64_t ks_obj_t;

enum ks_obj_kind {
	KS_OBJ_NONE,
	KS_OBJ_PAGE,		/* struct page, index = pfn */
	KS_OBJ_SECTION,		/* memmap section, index = section number */
	KS_OBJ_PGMAP,		/* struct dev_pagemap */
	KS_OBJ_PTE,		/* host page-table entry, index = ks_pte_index() */
	KS_OBJ_SPTE,		/* KVM shadow PTE, index = gfn << 2 | level */
	KS_OBJ_LOCK,		/* spinlock, rwlock, rw_semaphore */
	KS_OBJ_COMPLETION,	/* struct completion */
	KS_OBJ_VAR,		/* any other named shared variable */
	KS_OBJ_NR
};

#define KS_OBJ_INDEX_BITS 56
#define KS_OBJ(kind, idx) \
	(((uint64_t)(kind) << KS_OBJ_INDEX_BITS) | \
	 ((uint64_t)(idx) & ((UINT64_C(1) << KS_OBJ_INDEX_BITS) - 1)))

static inline enum ks_obj_kind ks_obj_kind(ks_obj_t obj)
{
	return (enum ks_obj_kind)(obj >> KS_OBJ_INDEX_BITS);
}

static inline uint64_t ks_obj_index(ks_obj_t obj)
{
	return obj & ((UINT64_C(1) << KS_OBJ_INDEX_BITS) - 1);
}

/* A fresh object of @kind in this run, printed as @name (copied). */
ks_obj_t ks_obj_named(enum ks_obj_kind kind, const char *name);
/* The same, whose value (for retry-loop awaits) is the @size bytes at @value. */
ks_obj_t ks_obj_named_value(enum ks_obj_kind kind, const char *name,
			    const void *value, size_t size);
/*
 * The same, for state that orders threads but never steers what they do
 * (interrupts off): like a lock, a retry loop's await ignores it.
 */
ks_obj_t ks_obj_named_sync(enum ks_obj_kind kind, const char *name);

/*
 * The value of an object, as a retry loop's await compares it: a function
 * per kind for unnamed objects (a page's count and flags, an entry's value),
 * the bytes given to ks_obj_named_value(), else how many times the object
 * was written in this run.  No scheduling point.
 */
typedef uint64_t (*ks_obj_value_fn)(uint64_t index);
void ks_obj_value_register(enum ks_obj_kind kind, ks_obj_value_fn fn);
uint64_t ks_obj_value(ks_obj_t obj);

/* "page 0x1200", "pte 0x7f0000200000/2M", "lock mmu_lock", ... */
size_t ks_obj_format(ks_obj_t obj, char *buf, size_t len);
/* How objects of @kind print (unnamed ones); the default is "<kind> 0x<index>". */
typedef size_t (*ks_obj_fmt_fn)(uint64_t index, char *buf, size_t len);
void ks_obj_kind_register(enum ks_obj_kind kind, ks_obj_fmt_fn fn);

/*
 * Module state that lives in the run arena is re-created at every run: a
 * module registers a reset function (from a constructor) that the runner
 * calls before each run's setup and on ks_direct_begin().
 */
void ks_on_run_begin(void (*reset)(void));

/*
 * Kinds of access.  Two accesses by different threads to one object are
 * dependent unless both are reads, both are KS_INC (a reference taken
 * commutes with another reference taken or put), or one is a KS_TEST and
 * the other a read or an increment.
 */
enum ks_access {
	KS_READ,
	KS_WRITE,
	KS_INC,		/* a commuting increment or decrement (get_page, put_page) */
	KS_ACQUIRE,	/* lock acquire: a write to the lock, blocks while held */
	KS_RELEASE,	/* lock release: a write to the lock */
	KS_WAIT,	/* a wait on the object: a read, blocks until satisfied */
	KS_SATISFY,	/* complete(), wake_up_var(): a write that may satisfy a wait */
	/*
	 * A read of whether a count is zero (!page_count(page)): it commutes
	 * with increments, which never take a count to zero -- the step that
	 * does (a put that frees) writes the count.
	 */
	KS_TEST,
	KS_ACCESS_NR
};

const char *ks_access_name(enum ks_access acc);

static inline bool ks_access_is_write(enum ks_access acc)
{
	return acc != KS_READ && acc != KS_WAIT && acc != KS_TEST;
}

/* Whether two accesses to one object by different threads do not commute. */
static inline bool ks_access_conflict(enum ks_access a, enum ks_access b)
{
	bool wa = ks_access_is_write(a) && a != KS_INC;
	bool wb = ks_access_is_write(b) && b != KS_INC;

	if (wa || wb)
		return true;
	/* reads and increments, or tests: a read does not commute with an increment */
	return (a == KS_INC && (b == KS_READ || b == KS_WAIT)) ||
	       (b == KS_INC && (a == KS_READ || a == KS_WAIT));
}

/* Growable text buffer for reports (heap, not the run arena). */
struct ks_buf {
	char *s;
	size_t len, cap;
};
void ks_buf_printf(struct ks_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ks_buf_vprintf(struct ks_buf *b, const char *fmt, va_list ap);
void ks_buf_free(struct ks_buf *b);

/*
 * What a blocking primitive waits for.  @ready is evaluated by the engine
 * without scheduling points; it must only read.  @explain appends why the wait
 * is not satisfied (one clause of the hang report's waits-for chain).
 */
struct ks_wait {
	bool (*ready)(const void *arg);
	void (*explain)(const void *arg, struct ks_buf *out);
	const void *arg;
};

void ks_sched_point(ks_obj_t obj, enum ks_access acc);
void ks_sched_wait(ks_obj_t obj, enum ks_access acc, const struct ks_wait *w);
/*
 * One step that accesses several objects the same way (the removal of a
 * struct page writes each of its fields).  At most KS_MAX_MANY of them.
 */
#define KS_MAX_MANY 8
void ks_sched_point_many(const ks_obj_t *objs, unsigned n, enum ks_access acc);

/*
 * Retry loops (the fault path's mmu_notifier_retry loop, gup's fault-in
 * loop):
 *
 *	ks_loop_begin();
 *	for (;;) {
 *		... one iteration ...
 *		if (done)
 *			break;
 *		ks_retry();
 *	}
 *	ks_loop_end();
 *
 * Past the run's loop bound, an iteration that left every object it touched
 * as it found it is a spin: the thread is not enabled again until one of
 * those objects changes (locks and interrupts aside), as a spinning CPU
 * would make no progress until then.  An iteration that left a change behind
 * (a reference it leaked) awaits the same way, but the run is then "cut by
 * the loop bound": more iterations could add more, and the search that
 * contains it is bounded.  Loops nest (KS_MAX_LOOP_DEPTH).
 */
void ks_loop_begin(void);
void ks_retry(void);
void ks_loop_end(void);

/* Zeroed memory that lives until the end of the current run. */
void *ks_alloc(size_t size);
char *ks_strdup(const char *s);

/* The thread taking the current step: id, name, and the step number. */
int ks_tid(void);
const char *ks_thread_name(int tid);
uint32_t ks_step(void);
bool ks_in_engine(void);

/*
 * Function frames: KS_FUNC() at the top of a lifted function names it for
 * the duration of the call, so that references are recorded with the kernel
 * function that took them ("taken by vcpu0 hva_to_pfn at step 7").
 */
struct ks_frame {
	int unused;
};
struct ks_frame ks_frame_push(const char *func);
/* A frame of KVM's own code (sim/kvm's KS_FUNC()), for the oracles that ask whose code touched what. */
struct ks_frame ks_frame_push_kvm(const char *func);
void ks_frame_pop(struct ks_frame *f);
#define KS_FUNC() \
	struct ks_frame __ks_frame __attribute__((cleanup(ks_frame_pop), unused)) = \
		ks_frame_push(__func__)
/* Frames of the current thread: depth 0 is the outermost. */
int ks_frame_depth(void);
const char *ks_frame_name(int depth);
/* Whether frame @depth is KVM's (ks_frame_push_kvm()); -1 for none: the innermost that is. */
bool ks_frame_is_kvm(int depth);
int ks_frame_kvm_innermost(void);

#endif /* KVMSIM_SCHED_H */
