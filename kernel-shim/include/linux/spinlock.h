/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locks as scheduler primitives: a thread that cannot take a lock is not
 * enabled.  Acquire and release are scheduling points on the lock object
 * (KS_ACQUIRE / KS_RELEASE); read acquisitions of an rwlock by two readers
 * do not block each other.  Holding a spinlock or having interrupts off makes
 * the thread atomic: might_sleep() there is a "sleep-in-atomic" violation.
 */
#ifndef KS_LINUX_SPINLOCK_H
#define KS_LINUX_SPINLOCK_H

#include <stdbool.h>

#include <kvmsim/sched.h>

/*
 * The owner id locks record for the current thread: its tid, or KS_MAX_THREADS
 * for direct mode's main thread and a program's setup (whose tid is -1).
 */
int ks_lock_tid(void);

typedef struct spinlock {
	int owner;		/* tid, or -1 when free */
	ks_obj_t obj;
	unsigned long taken;	/* acquisitions so far: tells one critical section from the next */
} spinlock_t;

typedef struct rwlock {
	int writer;		/* tid, or -1 */
	int readers;
	ks_obj_t obj;
} rwlock_t;

void spin_lock_init(spinlock_t *lock, const char *name);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
bool spin_is_locked(const spinlock_t *lock);

void rwlock_init(rwlock_t *lock, const char *name);
void read_lock(rwlock_t *lock);
void read_unlock(rwlock_t *lock);
void write_lock(rwlock_t *lock);
void write_unlock(rwlock_t *lock);

/*
 * Interrupts off: gup-fast's section.  Both are scheduling points on the
 * "irq" object, which a TLB-flush IPI (flush_tlb_mm(), linux/mm.h) waits on:
 * the flush cannot complete while another thread has interrupts off.
 */
void local_irq_disable(void);
void local_irq_enable(void);
bool irqs_disabled(void);
/* Whether any thread other than the current one has interrupts off. */
bool ks_irqs_off_elsewhere(void);
/*
 * The same for a thread named by its ks_lock_tid(): a wait's ready() runs
 * outside the waiting thread, so it names the waiter explicitly.
 */
bool ks_irqs_off_by_other(int tid);
ks_obj_t ks_irq_obj(void);

/* Records "sleep-in-atomic" if the current thread holds a spinlock or has IRQs off. */
void might_sleep(void);

#endif /* KS_LINUX_SPINLOCK_H */
