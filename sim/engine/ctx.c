// SPDX-License-Identifier: GPL-2.0
/*
 * Stack switching.  See ctx.h.
 *
 * The assembly switch saves exactly what the ABI says a callee must preserve:
 * x86-64 SysV rbx, rbp, r12-r15 (plus rsp); AAPCS64 x19-x29, lr, sp and
 * d8-d15.  A fresh stack is laid out so that the first switch "returns" into
 * ks_ctx_trampoline, which calls entry(arg) with a correctly aligned stack.
 */
#include "ctx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/valgrind.h>

#if defined(__SANITIZE_ADDRESS__)
#define KS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KS_ASAN 1
#endif
#endif

#ifdef KS_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#ifdef KS_CTX_ASM

void ks_ctx_swap(void **save_sp, void *new_sp);
void ks_ctx_trampoline(void);

#if defined(__x86_64__)
__asm__(
	".text\n"
	".globl ks_ctx_swap\n"
	".type ks_ctx_swap,@function\n"
	"ks_ctx_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size ks_ctx_swap,.-ks_ctx_swap\n"
	".globl ks_ctx_trampoline\n"
	".type ks_ctx_trampoline,@function\n"
	"ks_ctx_trampoline:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size ks_ctx_trampoline,.-ks_ctx_trampoline\n"
	".section .note.GNU-stack,\"\",@progbits\n"
	".text\n");

enum { KS_FRAME_WORDS = 7 };

static void **ks_frame_init(void **top, void (*entry)(void *), void *arg)
{
	void **sp = top - KS_FRAME_WORDS;

	sp[0] = NULL;			/* r15 */
	sp[1] = NULL;			/* r14 */
	sp[2] = (void *)entry;		/* r13 */
	sp[3] = arg;			/* r12 */
	sp[4] = NULL;			/* rbx */
	sp[5] = NULL;			/* rbp */
	sp[6] = (void *)ks_ctx_trampoline;	/* return address */
	return sp;
}

#elif defined(__aarch64__)
__asm__(
	".text\n"
	".globl ks_ctx_swap\n"
	".type ks_ctx_swap,%function\n"
	"ks_ctx_swap:\n"
	"	sub sp, sp, #176\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"	mov sp, x1\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #176\n"
	"	ret\n"
	".size ks_ctx_swap,.-ks_ctx_swap\n"
	".globl ks_ctx_trampoline\n"
	".type ks_ctx_trampoline,%function\n"
	"ks_ctx_trampoline:\n"
	"	mov x0, x20\n"
	"	blr x19\n"
	"	brk #0\n"
	".size ks_ctx_trampoline,.-ks_ctx_trampoline\n"
	".section .note.GNU-stack,\"\",%progbits\n"
	".text\n");

enum { KS_FRAME_WORDS = 22 };

static void **ks_frame_init(void **top, void (*entry)(void *), void *arg)
{
	void **sp = top - KS_FRAME_WORDS;

	memset(sp, 0, KS_FRAME_WORDS * sizeof(void *));
	sp[0] = (void *)entry;			/* x19 */
	sp[1] = arg;				/* x20 */
	sp[11] = (void *)ks_ctx_trampoline;	/* x30 (lr) */
	return sp;
}
#endif

const char *ks_ctx_backend(void)
{
#if defined(__x86_64__)
	return "asm-x86_64";
#else
	return "asm-aarch64";
#endif
}

#else /* ucontext fallback */

const char *ks_ctx_backend(void)
{
	return "ucontext";
}

/* makecontext() passes only ints: hand the entry over through statics. */
static void (*ks_uc_entry)(void *);
static void *ks_uc_arg;

static void ks_uc_trampoline(void)
{
	void (*entry)(void *) = ks_uc_entry;
	void *arg = ks_uc_arg;

	entry(arg);
}

#endif

int ks_ctx_init(struct ks_ctx *c, size_t stack_size)
{
	memset(c, 0, sizeof(*c));
	c->stack = aligned_alloc(64, stack_size);
	if (!c->stack)
		return -1;
	c->stack_size = stack_size;
	c->vg_id = VALGRIND_STACK_REGISTER(c->stack, (char *)c->stack + stack_size);
	return 0;
}

void ks_ctx_destroy(struct ks_ctx *c)
{
	if (!c->stack)
		return;
	VALGRIND_STACK_DEREGISTER(c->vg_id);
	free(c->stack);
	c->stack = NULL;
}

void ks_ctx_prepare(struct ks_ctx *c, void (*entry)(void *), void *arg)
{
#ifdef KS_ASAN
	/*
	 * A reused stack still carries the poisoned redzones of the frames an
	 * abandoned run left on it.
	 */
	__asan_unpoison_memory_region(c->stack, c->stack_size);
#endif
#ifdef KS_CTX_ASM
	uintptr_t top = ((uintptr_t)c->stack + c->stack_size) & ~(uintptr_t)15;

	c->sp = ks_frame_init((void **)top, entry, arg);
#else
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = c->stack;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, ks_uc_trampoline, 0);
	c->entry = entry;
	c->entry_arg = arg;
#endif
}

void ks_ctx_switch(struct ks_ctx *from, struct ks_ctx *to, int from_exiting)
{
#ifdef KS_ASAN
	__sanitizer_start_switch_fiber(from_exiting ? NULL : &from->asan_fake,
				       to->stack ? to->stack : to->asan_bottom,
				       to->stack ? to->stack_size : to->asan_size);
#else
	(void)from_exiting;
#endif
#ifdef KS_CTX_ASM
	ks_ctx_swap(&from->sp, to->sp);
#else
	ks_uc_entry = to->entry;
	ks_uc_arg = to->entry_arg;
	swapcontext(&from->uc, &to->uc);
#endif
#ifdef KS_ASAN
	{
		const void *bottom;
		size_t size;

		__sanitizer_finish_switch_fiber(from->asan_fake, &bottom, &size);
		/* Whoever switched back to us: remember the main stack's bounds. */
		(void)bottom;
		(void)size;
	}
#endif
}

void ks_ctx_started(struct ks_ctx *self, struct ks_ctx *from)
{
#ifdef KS_ASAN
	__sanitizer_finish_switch_fiber(NULL, &from->asan_bottom, &from->asan_size);
#else
	(void)from;
#endif
	(void)self;
}
