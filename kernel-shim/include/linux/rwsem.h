/* SPDX-License-Identifier: GPL-2.0 */
/* Sleeping reader/writer semaphore (mmap_lock): a scheduler primitive. */
#ifndef KS_LINUX_RWSEM_H
#define KS_LINUX_RWSEM_H

#include <stdbool.h>

#include <kvmsim/sched.h>

struct rw_semaphore {
	int writer;		/* tid, or -1 */
	int readers;
	ks_obj_t obj;
};

void init_rwsem(struct rw_semaphore *sem, const char *name);
void down_read(struct rw_semaphore *sem);	/* might_sleep() */
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);	/* might_sleep() */
void up_write(struct rw_semaphore *sem);
bool rwsem_is_locked(const struct rw_semaphore *sem);

#endif /* KS_LINUX_RWSEM_H */
