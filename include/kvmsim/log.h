/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-run event log and the violations the fakes record.
 *
 * Every fake appends a row when it changes or decides something: the step,
 * the thread, the kernel function, the object, and the value before and
 * after.  Oracles and the trace printer read the log; tests assert on it.
 */
#ifndef KVMSIM_LOG_H
#define KVMSIM_LOG_H

#include <kvmsim/sched.h>

enum ks_row_kind {
	KS_ROW_CHANGE,	/* func: obj before -> after */
	KS_ROW_PRED,	/* func(obj) = after (a predicate's result) */
	KS_ROW_NOTE,	/* func: obj text */
};

struct ks_row {
	uint32_t step;
	int16_t tid;
	uint8_t kind;		/* enum ks_row_kind */
	uint8_t vfmt;		/* enum ks_vfmt: how before/after print */
	const char *func;	/* static string */
	ks_obj_t obj;
	int64_t before, after;
	const char *text;	/* KS_ROW_NOTE only; in the run arena */
};

/* How a row's values are printed. */
enum ks_vfmt {
	KS_V_INT,	/* 2 */
	KS_V_HEX,	/* 0x1200 */
	KS_V_BOOL,	/* true / false */
	KS_V_PTE,	/* a host PTE encoding (kernel-shim/pgtable.c) */
	KS_V_SPTE,	/* a KVM SPTE encoding (sim/kvm) */
	KS_V_STATE,	/* a pgmap state name */
	KS_V_NR
};

/* Formatter for a value of format @vfmt; the shim registers PTE/SPTE/STATE. */
typedef size_t (*ks_vfmt_fn)(int64_t value, char *buf, size_t len);
void ks_vfmt_register(enum ks_vfmt vfmt, ks_vfmt_fn fn);
size_t ks_value_format(enum ks_vfmt vfmt, int64_t value, char *buf, size_t len);

void ks_log(const char *func, ks_obj_t obj, enum ks_vfmt vfmt,
	    int64_t before, int64_t after);
void ks_log_pred(const char *func, ks_obj_t obj, enum ks_vfmt vfmt,
		 int64_t result);
void ks_log_note(const char *func, ks_obj_t obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

size_t ks_log_count(void);
const struct ks_row *ks_log_row(size_t i);

/* One row as text: "step 7  vcpu0  get_page  page 0x1200  1 -> 2". */
void ks_row_format(const struct ks_row *row, struct ks_buf *out);

/*
 * Violations.  @oracle is one of the finding kinds ("refcount",
 * "memmap-uaf", "hang", ...); the step, thread and object say where.
 */
struct ks_violation {
	const char *oracle;	/* static string */
	uint32_t step;
	int16_t tid;
	ks_obj_t obj;
	const char *msg;	/* in the run arena */
};

void ks_violation(const char *oracle, ks_obj_t obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t ks_violation_count(void);
const struct ks_violation *ks_violation_get(size_t i);
/* The number of violations of @oracle recorded so far in this run. */
size_t ks_violation_count_of(const char *oracle);

/*
 * A kernel BUG: records a violation of @oracle and ends the current thread
 * (an oops kills the task; the locks it holds stay held).  In direct mode it
 * returns after recording.
 */
void ks_bug(const char *oracle, ks_obj_t obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KVMSIM_LOG_H */
