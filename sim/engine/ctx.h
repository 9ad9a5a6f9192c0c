/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack switching for simulated threads.  On x86-64 and aarch64 a switch is a
 * few instructions of assembly (callee-saved registers and the stack pointer);
 * elsewhere, or with --disable-asm-switch, ucontext.  No system call per
 * switch in the assembly paths.  Stacks are registered with Valgrind, and
 * every switch is announced to AddressSanitizer (QEMU's coroutine pattern).
 */
#ifndef KVMSIM_CTX_H
#define KVMSIM_CTX_H

#include <stddef.h>

#include "config.h"

#if !defined(KS_FORCE_UCONTEXT) && (defined(__x86_64__) || defined(__aarch64__))
#define KS_CTX_ASM 1
#else
#include <ucontext.h>
#endif

struct ks_ctx {
#ifdef KS_CTX_ASM
	void *sp;
#else
	ucontext_t uc;
	void (*entry)(void *);	/* for a fresh context's first switch */
	void *entry_arg;
#endif
	void *stack;		/* NULL for the main (OS) context */
	size_t stack_size;
	unsigned vg_id;		/* Valgrind stack id */
	void *asan_fake;	/* ASan fake-stack handle while switched away */
	const void *asan_bottom;	/* for the main context: learnt on first switch */
	size_t asan_size;
};

/* Allocate a stack for @c; @entry(@arg) runs on it at the first switch to it. */
int ks_ctx_init(struct ks_ctx *c, size_t stack_size);
void ks_ctx_prepare(struct ks_ctx *c, void (*entry)(void *), void *arg);
void ks_ctx_destroy(struct ks_ctx *c);
/*
 * Save the current context in @from and resume @to.  @from_exiting tells
 * ASan that @from will never be resumed at its current frame.
 */
void ks_ctx_switch(struct ks_ctx *from, struct ks_ctx *to, int from_exiting);
/* The first thing a fresh context's entry does (finishes the ASan switch). */
void ks_ctx_started(struct ks_ctx *self, struct ks_ctx *from);
const char *ks_ctx_backend(void);

#endif /* KVMSIM_CTX_H */
