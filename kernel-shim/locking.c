// SPDX-License-Identifier: GPL-2.0
/*
 * Locks defined by what makes a thread unable to proceed: a spinlock held by
 * another thread, an rwlock or rw_semaphore held for write (or, for a writer,
 * held at all).  Acquire is a wait on the lock object (KS_ACQUIRE), release a
 * KS_RELEASE point.  Spinlocks, rwlocks and interrupts-off make the thread
 * atomic, where might_sleep() is a "sleep-in-atomic" violation.
 *
 * Locks record their owner as ks_lock_tid(): direct mode's main thread and
 * setup have tid -1, which is the "free" value of spinlock_t.owner.
 */
#include <string.h>

#include "internal.h"
#include "linux/rwsem.h"
#include "linux/spinlock.h"

/* Spinning locks held (spinlocks, rwlocks), newest last, and IRQs off. */
#define KS_MAX_HELD 8
struct ks_atomic {
	int nheld;
	ks_obj_t held[KS_MAX_HELD];
	bool irqs_off;
};

static struct ks_atomic ks_atomic[KS_NR_SLOTS];
static ks_obj_t ks_irq;

int ks_lock_tid(void)
{
	return ks_slot();
}

static void ks_atomic_enter(ks_obj_t lock)
{
	struct ks_atomic *a = &ks_atomic[ks_slot()];

	if (a->nheld < KS_MAX_HELD)
		a->held[a->nheld] = lock;
	a->nheld++;
}

static void ks_atomic_exit(void)
{
	struct ks_atomic *a = &ks_atomic[ks_slot()];

	if (a->nheld > 0)
		a->nheld--;
}

void might_sleep(void)
{
	struct ks_atomic *a = &ks_atomic[ks_slot()];
	const char *fn = ks_frame_depth() ? ks_frame_name(ks_frame_depth() - 1) :
					   "might_sleep";
	char o[64];

	if (a->nheld) {
		int top = a->nheld > KS_MAX_HELD ? KS_MAX_HELD - 1 : a->nheld - 1;

		ks_obj_format(a->held[top], o, sizeof(o));
		ks_violation("sleep-in-atomic", a->held[top],
			     "%s may sleep while %s holds %s", fn,
			     ks_thread_name(ks_tid()), o);
	} else if (a->irqs_off) {
		ks_violation("sleep-in-atomic", ks_irq,
			     "%s may sleep while %s has interrupts off", fn,
			     ks_thread_name(ks_tid()));
	}
}

static const char *ks_owner_name_of(int owner)
{
	return ks_thread_name(owner == KS_MAX_THREADS ? -1 : owner);
}

/* ---- spinlock_t ---- */

static bool ks_spin_free(const void *arg)
{
	const spinlock_t *lock = arg;

	return lock->owner < 0;
}

static void ks_spin_explain(const void *arg, struct ks_buf *out)
{
	const spinlock_t *lock = arg;

	ks_buf_printf(out, "held by %s", ks_owner_name_of(lock->owner));
}

void spin_lock_init(spinlock_t *lock, const char *name)
{
	lock->owner = -1;
	lock->taken = 0;
	lock->obj = ks_obj_named(KS_OBJ_LOCK, name);
}

void spin_lock(spinlock_t *lock)
{
	struct ks_wait w = { ks_spin_free, ks_spin_explain, lock };

	ks_sched_wait(lock->obj, KS_ACQUIRE, &w);
	if (lock->owner >= 0)
		return;		/* direct mode: the hang is recorded */
	lock->owner = ks_lock_tid();
	lock->taken++;
	ks_atomic_enter(lock->obj);
	ks_log("spin_lock", lock->obj, KS_V_INT, 0, 1);
}

void spin_unlock(spinlock_t *lock)
{
	ks_sched_point(lock->obj, KS_RELEASE);
	if (lock->owner != ks_lock_tid()) {
		ks_violation("bug", lock->obj, "spin_unlock by %s of a lock it does not hold",
			     ks_thread_name(ks_tid()));
		return;
	}
	lock->owner = -1;
	ks_atomic_exit();
	ks_log("spin_unlock", lock->obj, KS_V_INT, 1, 0);
}

bool spin_is_locked(const spinlock_t *lock)
{
	return lock->owner >= 0;
}

/* ---- rwlock_t ---- */

static bool ks_rw_no_writer(const void *arg)
{
	const rwlock_t *lock = arg;

	return lock->writer < 0;
}

static bool ks_rw_unlocked(const void *arg)
{
	const rwlock_t *lock = arg;

	return lock->writer < 0 && !lock->readers;
}

static void ks_rw_explain(const void *arg, struct ks_buf *out)
{
	const rwlock_t *lock = arg;

	if (lock->writer >= 0)
		ks_buf_printf(out, "held for write by %s", ks_owner_name_of(lock->writer));
	else
		ks_buf_printf(out, "held for read by %d reader(s)", lock->readers);
}

void rwlock_init(rwlock_t *lock, const char *name)
{
	lock->writer = -1;
	lock->readers = 0;
	lock->obj = ks_obj_named(KS_OBJ_LOCK, name);
}

void read_lock(rwlock_t *lock)
{
	struct ks_wait w = { ks_rw_no_writer, ks_rw_explain, lock };

	/* Readers commute with readers: a read acquisition is an increment. */
	ks_sched_wait(lock->obj, KS_INC, &w);
	if (lock->writer >= 0)
		return;
	lock->readers++;
	ks_atomic_enter(lock->obj);
	ks_log("read_lock", lock->obj, KS_V_INT, lock->readers - 1, lock->readers);
}

void read_unlock(rwlock_t *lock)
{
	ks_sched_point(lock->obj, KS_INC);
	if (lock->readers <= 0) {
		ks_violation("bug", lock->obj, "read_unlock of a lock not held for read");
		return;
	}
	lock->readers--;
	ks_atomic_exit();
	ks_log("read_unlock", lock->obj, KS_V_INT, lock->readers + 1, lock->readers);
}

void write_lock(rwlock_t *lock)
{
	struct ks_wait w = { ks_rw_unlocked, ks_rw_explain, lock };

	ks_sched_wait(lock->obj, KS_ACQUIRE, &w);
	if (!ks_rw_unlocked(lock))
		return;
	lock->writer = ks_lock_tid();
	ks_atomic_enter(lock->obj);
	ks_log("write_lock", lock->obj, KS_V_INT, 0, 1);
}

void write_unlock(rwlock_t *lock)
{
	ks_sched_point(lock->obj, KS_RELEASE);
	if (lock->writer != ks_lock_tid()) {
		ks_violation("bug", lock->obj, "write_unlock by %s of a lock it does not hold",
			     ks_thread_name(ks_tid()));
		return;
	}
	lock->writer = -1;
	ks_atomic_exit();
	ks_log("write_unlock", lock->obj, KS_V_INT, 1, 0);
}

/* ---- struct rw_semaphore (sleeping: no atomic section) ---- */

static bool ks_sem_no_writer(const void *arg)
{
	const struct rw_semaphore *sem = arg;

	return sem->writer < 0;
}

static bool ks_sem_unlocked(const void *arg)
{
	const struct rw_semaphore *sem = arg;

	return sem->writer < 0 && !sem->readers;
}

static void ks_sem_explain(const void *arg, struct ks_buf *out)
{
	const struct rw_semaphore *sem = arg;

	if (sem->writer >= 0)
		ks_buf_printf(out, "held for write by %s", ks_owner_name_of(sem->writer));
	else
		ks_buf_printf(out, "held for read by %d reader(s)", sem->readers);
}

void init_rwsem(struct rw_semaphore *sem, const char *name)
{
	sem->writer = -1;
	sem->readers = 0;
	sem->obj = ks_obj_named(KS_OBJ_LOCK, name);
}

void down_read(struct rw_semaphore *sem)
{
	struct ks_wait w = { ks_sem_no_writer, ks_sem_explain, sem };

	might_sleep();
	ks_sched_wait(sem->obj, KS_INC, &w);
	if (sem->writer >= 0)
		return;
	sem->readers++;
	ks_log("down_read", sem->obj, KS_V_INT, sem->readers - 1, sem->readers);
}

void up_read(struct rw_semaphore *sem)
{
	ks_sched_point(sem->obj, KS_INC);
	if (sem->readers <= 0) {
		ks_violation("bug", sem->obj, "up_read of a semaphore not held for read");
		return;
	}
	sem->readers--;
	ks_log("up_read", sem->obj, KS_V_INT, sem->readers + 1, sem->readers);
}

void down_write(struct rw_semaphore *sem)
{
	struct ks_wait w = { ks_sem_unlocked, ks_sem_explain, sem };

	might_sleep();
	ks_sched_wait(sem->obj, KS_ACQUIRE, &w);
	if (!ks_sem_unlocked(sem))
		return;
	sem->writer = ks_lock_tid();
	ks_log("down_write", sem->obj, KS_V_INT, 0, 1);
}

void up_write(struct rw_semaphore *sem)
{
	ks_sched_point(sem->obj, KS_RELEASE);
	if (sem->writer != ks_lock_tid()) {
		ks_violation("bug", sem->obj, "up_write by %s of a semaphore it does not hold",
			     ks_thread_name(ks_tid()));
		return;
	}
	sem->writer = -1;
	ks_log("up_write", sem->obj, KS_V_INT, 1, 0);
}

bool rwsem_is_locked(const struct rw_semaphore *sem)
{
	return sem->writer >= 0 || sem->readers > 0;
}

/* ---- interrupts ---- */

ks_obj_t ks_irq_obj(void)
{
	return ks_irq;
}

void local_irq_disable(void)
{
	struct ks_atomic *a;

	ks_sched_point(ks_irq, KS_INC);
	a = &ks_atomic[ks_slot()];
	ks_log("local_irq_disable", ks_irq, KS_V_BOOL, a->irqs_off, true);
	a->irqs_off = true;
}

void local_irq_enable(void)
{
	struct ks_atomic *a;

	ks_sched_point(ks_irq, KS_INC);
	a = &ks_atomic[ks_slot()];
	ks_log("local_irq_enable", ks_irq, KS_V_BOOL, a->irqs_off, false);
	a->irqs_off = false;
}

bool irqs_disabled(void)
{
	return ks_atomic[ks_slot()].irqs_off;
}

bool ks_irqs_off_by_other(int tid)
{
	int i;

	for (i = 0; i < KS_NR_SLOTS; i++)
		if (i != tid && ks_atomic[i].irqs_off)
			return true;
	return false;
}

bool ks_irqs_off_elsewhere(void)
{
	return ks_irqs_off_by_other(ks_slot());
}

static void ks_locking_reset(void)
{
	memset(ks_atomic, 0, sizeof(ks_atomic));
	ks_irq = ks_obj_named_sync(KS_OBJ_VAR, "irq");
}

static void __attribute__((constructor)) ks_locking_init(void)
{
	ks_on_run_begin(ks_locking_reset);
}
