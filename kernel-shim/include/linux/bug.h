/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BUG_ON, VM_BUG_ON_PAGE, WARN_ON(_ONCE): recorded violations with the
 * thread, the step and the object.  None depends on NDEBUG (the coverage build
 * defines it).  BUG ends the current simulated thread (as an oops ends the
 * task); WARN records and lets it go on.
 */
#ifndef KS_LINUX_BUG_H
#define KS_LINUX_BUG_H

#include <kvmsim/log.h>

#define KS_STR2(x) #x
#define KS_STR(x) KS_STR2(x)

#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			ks_bug("bug", 0, "BUG_ON(%s) at %s:%d",	\
			       #cond, __FILE__, __LINE__);		\
	} while (0)

#define BUG() ks_bug("bug", 0, "BUG() at %s:%d", __FILE__, __LINE__)

/* VM_BUG_ON_PAGE names the page; CONFIG_DEBUG_VM is always on here. */
#define VM_BUG_ON_PAGE(cond, page)					\
	do {								\
		if (cond)						\
			ks_bug("bug", KS_OBJ(KS_OBJ_PAGE, (page)->pfn),	\
			       "VM_BUG_ON_PAGE(%s) at %s:%d",		\
			       #cond, __FILE__, __LINE__);		\
	} while (0)

/* A WARN is a violation of its own kind ("warn") unless a scenario expects it. */
#define WARN_ON(cond)							\
	({								\
		int __ret = !!(cond);					\
		if (__ret)						\
			ks_violation("warn", 0, "WARN_ON(%s) at %s:%d",\
				     #cond, __FILE__, __LINE__);	\
		__ret;							\
	})

/*
 * _ONCE is per run: the flag lives in the run arena's generation, so every
 * run of a search sees its first warning.
 */
bool ks_warn_once_first(const char *file, int line);
#define WARN_ON_ONCE(cond)						\
	({								\
		int __ret = !!(cond);					\
		if (__ret && ks_warn_once_first(__FILE__, __LINE__))	\
			ks_violation("warn", 0, "WARN_ON_ONCE(%s) at %s:%d",\
				     #cond, __FILE__, __LINE__);	\
		__ret;							\
	})

#endif /* KS_LINUX_BUG_H */
