// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic programs: see synth.h.
 */
#include <stdio.h>
#include <string.h>

#include <kvmsim/run.h>

#include "synth.h"

#define VAR(i) KS_OBJ(KS_OBJ_VAR, (i))

/* ---- tiny primitives ------------------------------------------------------ */

/* A reader/writer lock; a plain lock is one never taken shared. */
struct tlock {
	int owner;		/* exclusive holder's tid, -1 when none */
	int readers;
	ks_obj_t obj;
};

static bool tlock_free(const void *arg)
{
	const struct tlock *l = arg;

	return l->owner < 0 && !l->readers;
}

static bool tlock_no_writer(const void *arg)
{
	return ((const struct tlock *)arg)->owner < 0;
}

static void tlock_explain(const void *arg, struct ks_buf *out)
{
	const struct tlock *l = arg;

	if (l->owner >= 0)
		ks_buf_printf(out, "held by %s", ks_thread_name(l->owner));
	else
		ks_buf_printf(out, "held by %d reader(s)", l->readers);
}

static void tlock_init(struct tlock *l, const char *name)
{
	l->owner = -1;
	l->obj = ks_obj_named(KS_OBJ_LOCK, name);
}

static void tlock_acquire(struct tlock *l)
{
	struct ks_wait w = { tlock_free, tlock_explain, l };

	ks_sched_wait(l->obj, KS_ACQUIRE, &w);
	l->owner = ks_tid();
	ks_log("lock", l->obj, KS_V_INT, 0, 1);
}

/* As the shim's read_lock(): readers commute, so it is an increment. */
static void tlock_acquire_shared(struct tlock *l)
{
	struct ks_wait w = { tlock_no_writer, tlock_explain, l };

	ks_sched_wait(l->obj, KS_INC, &w);
	l->readers++;
}

static void tlock_release(struct tlock *l)
{
	ks_sched_point(l->obj, KS_RELEASE);
	if (l->owner == ks_tid()) {
		l->owner = -1;
		ks_log("unlock", l->obj, KS_V_INT, 1, 0);
	} else if (l->readers) {
		l->readers--;
	}
}

/* A flag that waiters wait to see set (a completion that is never consumed). */
struct tflag {
	int set;
	ks_obj_t obj;
};

static bool tflag_ready(const void *arg)
{
	return ((const struct tflag *)arg)->set != 0;
}

static void tflag_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "flag not set");
}

static void tflag_wait(struct tflag *f)
{
	struct ks_wait w = { tflag_ready, tflag_explain, f };

	ks_sched_wait(f->obj, KS_WAIT, &w);
}

static void tflag_set(struct tflag *f, int v)
{
	ks_sched_point(f->obj, v ? KS_SATISFY : KS_WRITE);
	ks_log(v ? "set" : "clear", f->obj, KS_V_INT, f->set, v);
	f->set = v;
}

/* ---- lost update ------------------------------------------------------------ */

static int *lu_x;

static void lu_thread(void *arg)
{
	int v;

	KS_FUNC();
	ks_sched_point(VAR(1), KS_READ);
	v = *lu_x;
	ks_sched_point(VAR(1), KS_WRITE);
	ks_log("x = x + 1", VAR(1), KS_V_INT, *lu_x, v + 1);
	*lu_x = v + 1;
}

static void lu_setup(void *arg)
{
	lu_x = ks_alloc(sizeof(*lu_x));
	ks_thread_spawn("t0", lu_thread, NULL);
	ks_thread_spawn("t1", lu_thread, NULL);
}

static void lu_finish(void *arg)
{
	if (*lu_x != 2)
		ks_violation("lost-update", VAR(1), "x is %d after two increments", *lu_x);
}

const struct ks_program synth_lost_update = {
	.name = "lost-update", .fingerprint = 0x1001,
	.setup = lu_setup, .finish = lu_finish,
};

/* ---- ABBA ------------------------------------------------------------------------ */

static struct tlock *abba_a, *abba_b;

static void abba_t0(void *arg)
{
	KS_FUNC();
	tlock_acquire(abba_a);
	tlock_acquire(abba_b);
	tlock_release(abba_b);
	tlock_release(abba_a);
}

static void abba_t1(void *arg)
{
	KS_FUNC();
	tlock_acquire(abba_b);
	tlock_acquire(abba_a);
	tlock_release(abba_a);
	tlock_release(abba_b);
}

static void abba_setup(void *arg)
{
	abba_a = ks_alloc(sizeof(*abba_a));
	abba_b = ks_alloc(sizeof(*abba_b));
	tlock_init(abba_a, "A");
	tlock_init(abba_b, "B");
	ks_thread_spawn("t0", abba_t0, NULL);
	ks_thread_spawn("t1", abba_t1, NULL);
}

const struct ks_program synth_abba = {
	.name = "abba", .fingerprint = 0x1002, .setup = abba_setup,
};

/* ---- mailbox ---------------------------------------------------------------------- */

static int *mb_slot;

static void mb_sender(void *arg)
{
	KS_FUNC();
	ks_sched_point(VAR(2), KS_WRITE);
	*mb_slot = 42;
	ks_sched_point(VAR(2), KS_WRITE);
	*mb_slot = 0;
}

static void mb_receiver(void *arg)
{
	int msg;

	KS_FUNC();
	ks_sched_point(VAR(2), KS_READ);
	if (!*mb_slot)
		return;
	ks_sched_point(VAR(2), KS_READ);
	msg = *mb_slot;
	if (!msg)
		ks_violation("empty-message", VAR(2), "the slot was full, then empty when taken");
}

static void mb_setup(void *arg)
{
	mb_slot = ks_alloc(sizeof(*mb_slot));
	ks_thread_spawn("sender", mb_sender, NULL);
	ks_thread_spawn("receiver", mb_receiver, NULL);
}

const struct ks_program synth_mailbox = {
	.name = "mailbox", .fingerprint = 0x1003, .setup = mb_setup,
};

/* ---- wake-ups -------------------------------------------------------------------------- */

struct wq {
	int cond, sleeping, wakeups;
};

static struct wq *wq;

static bool wq_woken(const void *arg)
{
	return wq->wakeups > 0;
}

static void wq_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "no wake-up came (cond %d, registered %d)", wq->cond, wq->sleeping);
}

static void wq_sleep(void)
{
	struct ks_wait w = { wq_woken, wq_explain, NULL };

	ks_sched_wait(VAR(4), KS_WAIT, &w);
}

static void wq_register(void)
{
	ks_sched_point(VAR(4), KS_WRITE);
	wq->sleeping = 1;
}

static void waiter_checks_first(void *arg)
{
	KS_FUNC();
	ks_sched_point(VAR(3), KS_READ);
	if (wq->cond)
		return;
	wq_register();
	wq_sleep();
}

static void waiter_registers_first(void *arg)
{
	KS_FUNC();
	wq_register();
	ks_sched_point(VAR(3), KS_READ);
	if (wq->cond)
		return;
	wq_sleep();
}

static void waker(void *arg)
{
	KS_FUNC();
	ks_sched_point(VAR(3), KS_WRITE);
	wq->cond = 1;
	ks_sched_point(VAR(4), KS_SATISFY);
	if (wq->sleeping)
		wq->wakeups++;
}

static void wq_setup(void *arg)
{
	wq = ks_alloc(sizeof(*wq));
	ks_thread_spawn("waiter", arg ? waiter_registers_first : waiter_checks_first, NULL);
	ks_thread_spawn("waker", waker, NULL);
}

const struct ks_program synth_lost_wakeup = {
	.name = "lost-wakeup", .fingerprint = 0x1004, .setup = wq_setup,
};

const struct ks_program synth_wakeup_fixed = {
	.name = "wakeup-fixed", .fingerprint = 0x1005, .setup = wq_setup, .arg = (void *)1,
};

/* ---- retry loop ---------------------------------------------------------------------- */

static int *rt_flag;

static void rt_spinner(void *arg)
{
	KS_FUNC();
	ks_loop_begin();
	for (;;) {
		ks_sched_point(VAR(5), KS_READ);
		if (*rt_flag)
			break;
		ks_retry();
	}
	ks_loop_end();
}

static void rt_setter(void *arg)
{
	KS_FUNC();
	ks_sched_point(VAR(arg ? 6 : 5), KS_WRITE);
	if (!arg)
		*rt_flag = 1;
}

static void rt_setup(void *arg)
{
	rt_flag = ks_alloc(sizeof(*rt_flag));
	ks_thread_spawn("spinner", rt_spinner, NULL);
	ks_thread_spawn("setter", rt_setter, arg);
}

const struct ks_program synth_retry = {
	.name = "retry", .fingerprint = 0x1006, .setup = rt_setup,
};

const struct ks_program synth_retry_nowriter = {
	.name = "retry-nowriter", .fingerprint = 0x1007, .setup = rt_setup, .arg = (void *)1,
};

/* ---- scalable programs ------------------------------------------------------------------ */

struct synth_size synth_size = { 3, 2 };
static int *sc_vars;
static struct tlock *sc_lock;

static void counter_thread(void *arg)
{
	int i, v;

	for (i = 0; i < synth_size.steps; i++) {
		ks_sched_point(VAR(1), KS_READ);
		v = sc_vars[0];
		ks_sched_point(VAR(1), KS_WRITE);
		sc_vars[0] = v + 1;
	}
}

static void private_thread(void *arg)
{
	int i, me = (int)(long)arg;

	for (i = 0; i < synth_size.steps; i++) {
		ks_sched_point(VAR(10 + me), KS_WRITE);
		sc_vars[me]++;
	}
}

static void locked_thread(void *arg)
{
	int i;

	for (i = 0; i < synth_size.steps; i++) {
		tlock_acquire(sc_lock);
		ks_sched_point(VAR(1), KS_WRITE);
		sc_vars[0]++;
		tlock_release(sc_lock);
	}
}

static void reader_thread(void *arg)
{
	int i;

	for (i = 0; i < synth_size.steps; i++) {
		ks_sched_point(sc_lock->obj, KS_INC);
		ks_sched_point(VAR(1), KS_READ);
		ks_sched_point(sc_lock->obj, KS_RELEASE);
	}
}

static void scalable_setup(void *arg)
{
	static const char *const names[] = {
		"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
		"t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15",
	};
	int i;

	sc_vars = ks_alloc(KS_MAX_THREADS * sizeof(*sc_vars));
	sc_lock = ks_alloc(sizeof(*sc_lock));
	tlock_init(sc_lock, "L");
	for (i = 0; i < synth_size.threads && i < KS_MAX_THREADS; i++)
		ks_thread_spawn(names[i], (void (*)(void *))arg, (void *)(long)i);
}

const struct ks_program synth_counter = {
	.name = "counter", .fingerprint = 0x1101, .setup = scalable_setup,
	.arg = (void *)counter_thread,
};

const struct ks_program synth_private = {
	.name = "private", .fingerprint = 0x1102, .setup = scalable_setup,
	.arg = (void *)private_thread,
};

const struct ks_program synth_locked = {
	.name = "locked", .fingerprint = 0x1103, .setup = scalable_setup,
	.arg = (void *)locked_thread,
};

const struct ks_program synth_readers = {
	.name = "readers", .fingerprint = 0x1104, .setup = scalable_setup,
	.arg = (void *)reader_thread,
};

/* ---- random programs -------------------------------------------------------------------------- */

struct rworld {
	const struct synth_rprog *p;
	int var[SYNTH_NOBJ];
	struct tlock lock[SYNTH_NOBJ];
	struct tflag flag[SYNTH_NOBJ];
	int reg[4];
	int pc[4];
	bool irq_off[4];
	int tid[4];
};

static struct rworld *rw;

static uint64_t synth_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void r_spin(int me, int obj)
{
	ks_loop_begin();
	for (;;) {
		ks_sched_point(VAR(obj), KS_READ);
		if (rw->var[obj])
			break;
		ks_retry();
	}
	ks_loop_end();
	rw->reg[me] = rw->reg[me] * 3 + rw->var[obj];
}

#define IRQ KS_OBJ(KS_OBJ_VAR, 7)

static bool r_no_irqs_off_elsewhere(const void *arg)
{
	int me = *(const int *)arg, t;

	for (t = 0; t < rw->p->nthreads; t++)
		if (t != me && rw->irq_off[t])
			return false;
	return true;
}

static void r_ipi_explain(const void *arg, struct ks_buf *out)
{
	ks_buf_printf(out, "another thread has interrupts off");
}

static void r_op(int me, const struct synth_op *op)
{
	int *reg = &rw->reg[me];

	switch (op->kind) {
	case SOP_READ:
		ks_sched_point(VAR(op->obj), KS_READ);
		*reg = (*reg * 3 + rw->var[op->obj]) % 1000;
		break;
	case SOP_WRITE:
		ks_sched_point(VAR(op->obj), KS_WRITE);
		rw->var[op->obj] = (*reg + op->val) % 4;
		break;
	case SOP_INC:
		ks_sched_point(VAR(op->obj), KS_INC);
		rw->var[op->obj]++;
		break;
	case SOP_LOCK:
		tlock_acquire(&rw->lock[op->obj]);
		break;
	case SOP_RLOCK:
		tlock_acquire_shared(&rw->lock[op->obj]);
		break;
	case SOP_UNLOCK:
		tlock_release(&rw->lock[op->obj]);
		break;
	case SOP_WAIT:
		tflag_wait(&rw->flag[op->obj]);
		break;
	case SOP_SET:
		tflag_set(&rw->flag[op->obj], 1);
		break;
	case SOP_CLEAR:
		tflag_set(&rw->flag[op->obj], 0);
		break;
	case SOP_ASSERT:
		if (*reg % 4 == op->val)
			ks_violation("assert", 0, "%s saw %d", ks_thread_name(me), *reg % 4);
		break;
	case SOP_SPIN:
		r_spin(me, op->obj);
		break;
	case SOP_IRQSECT:
		ks_sched_point(IRQ, KS_INC);
		rw->irq_off[me] = true;
		ks_sched_point(VAR(op->obj), KS_READ);
		*reg = (*reg * 3 + rw->var[op->obj]) % 1000;
		ks_sched_point(IRQ, KS_INC);
		rw->irq_off[me] = false;
		break;
	case SOP_IPI: {
		struct ks_wait w = { r_no_irqs_off_elsewhere, r_ipi_explain, &rw->tid[me] };

		ks_sched_wait(IRQ, KS_WAIT, &w);
		break;
	}
	}
}

static void r_thread(void *arg)
{
	int me = (int)(long)arg;

	KS_FUNC();
	for (rw->pc[me] = 0; rw->pc[me] < rw->p->nops[me]; rw->pc[me]++)
		r_op(me, &rw->p->ops[me][rw->pc[me]]);
}

static void r_setup(void *arg)
{
	static const char *const tnames[] = { "t0", "t1", "t2", "t3" };
	static const char *const lnames[] = { "l0", "l1" };
	int i;

	rw = ks_alloc(sizeof(*rw));
	rw->p = arg;
	for (i = 0; i < SYNTH_NOBJ; i++) {
		tlock_init(&rw->lock[i], lnames[i]);
		rw->flag[i].obj = KS_OBJ(KS_OBJ_COMPLETION, i);
	}
	for (i = 0; i < rw->p->nthreads; i++) {
		rw->tid[i] = i;
		ks_thread_spawn(tnames[i], r_thread, (void *)(long)i);
	}
}

uint64_t synth_state_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

#define MIX(v) (h = (h ^ (uint64_t)(int64_t)(v)) * 0x100000001b3ULL)
	for (i = 0; i < SYNTH_NOBJ; i++) {
		MIX(rw->var[i]);
		MIX(rw->lock[i].owner);
		MIX(rw->lock[i].readers);
		MIX(rw->flag[i].set);
	}
	for (i = 0; i < rw->p->nthreads; i++) {
		MIX(rw->reg[i]);
		MIX(rw->pc[i]);
		MIX(rw->irq_off[i]);
	}
#undef MIX
	return h;
}

/* Ops in a thread's critical section or alone: no lock operations. */
static void synth_plain_op(struct synth_op *op, uint64_t *s)
{
	static const unsigned char kinds[] = {
		SOP_READ, SOP_READ, SOP_READ, SOP_WRITE, SOP_WRITE, SOP_WRITE,
		SOP_INC, SOP_INC, SOP_WAIT, SOP_SET, SOP_CLEAR, SOP_ASSERT, SOP_SPIN,
		SOP_IRQSECT, SOP_IPI,
	};

	op->kind = kinds[synth_rand(s) % sizeof(kinds)];
	op->obj = (unsigned char)(synth_rand(s) % SYNTH_NOBJ);
	op->val = (unsigned char)(synth_rand(s) % 4);
}

/* One thread: plain ops, and lock/unlock pairs (sometimes nested, sometimes never released). */
static int synth_thread_ops(struct synth_op *ops, int budget, uint64_t *s)
{
	int n = 0, held = -1;

	while (n < budget) {
		uint64_t r = synth_rand(s) % 8;

		if (held < 0 && r < 2 && n + 2 <= budget) {
			unsigned char kind = synth_rand(s) % 3 ? SOP_LOCK : SOP_RLOCK;

			held = (int)(synth_rand(s) % SYNTH_NOBJ);
			ops[n++] = (struct synth_op){ kind, (unsigned char)held, 0 };
		} else if (held >= 0 && r < 3) {
			int other = (int)(synth_rand(s) % SYNTH_NOBJ);

			if (other != held && n + 3 <= budget && r == 0) {
				/* nested: lock other inside held, release both */
				ops[n++] = (struct synth_op){ SOP_LOCK, (unsigned char)other, 0 };
				ops[n++] = (struct synth_op){ SOP_UNLOCK, (unsigned char)other, 0 };
			}
			ops[n++] = (struct synth_op){ SOP_UNLOCK, (unsigned char)held, 0 };
			held = -1;
		} else {
			synth_plain_op(&ops[n++], s);
		}
	}
	/* Usually release what is held; sometimes not, which makes others hang. */
	if (held >= 0 && synth_rand(s) % 4 && n < SYNTH_MAX_OPS)
		ops[n++] = (struct synth_op){ SOP_UNLOCK, (unsigned char)held, 0 };
	return n;
}

static bool synth_has(const struct synth_rprog *p, int not_t, unsigned char kind,
		      unsigned char kind2, unsigned char obj)
{
	int t, i;

	for (t = 0; t < p->nthreads; t++)
		for (i = 0; t != not_t && i < p->nops[t]; i++)
			if ((p->ops[t][i].kind == kind || p->ops[t][i].kind == kind2) &&
			    p->ops[t][i].obj == obj)
				return true;
	return false;
}

/* Insert @op at a random place of a random other thread that has room. */
static void synth_insert(struct synth_rprog *p, int not_t, struct synth_op op, uint64_t *s)
{
	int t = (int)(synth_rand(s) % (unsigned)p->nthreads), n, at;

	if (t == not_t)
		t = (t + 1) % p->nthreads;
	n = p->nops[t];
	if (n == SYNTH_MAX_OPS)
		return;
	at = (int)(synth_rand(s) % (unsigned)(n + 1));
	memmove(&p->ops[t][at + 1], &p->ops[t][at], (size_t)(n - at) * sizeof(op));
	p->ops[t][at] = op;
	p->nops[t]++;
}

/*
 * A wait or a spin that nobody else can satisfy only hangs at once: most get
 * a set or an increment elsewhere, so that the interesting orders exist.
 */
static void synth_satisfiable(struct synth_rprog *p, uint64_t *s)
{
	int t, i;

	for (t = 0; t < p->nthreads; t++)
		for (i = 0; i < p->nops[t]; i++) {
			struct synth_op op = p->ops[t][i];

			if (!(synth_rand(s) % 4))
				continue;
			if (op.kind == SOP_WAIT && !synth_has(p, t, SOP_SET, SOP_SET, op.obj))
				synth_insert(p, t, (struct synth_op){ SOP_SET, op.obj, 0 }, s);
			if (op.kind == SOP_SPIN && !synth_has(p, t, SOP_INC, SOP_WRITE, op.obj))
				synth_insert(p, t, (struct synth_op){ SOP_INC, op.obj, 0 }, s);
		}
}

void synth_random(struct synth_rprog *p, uint64_t seed, int max_ops)
{
	uint64_t s = seed * 0x2545f4914f6cdd1dULL + 1;
	int t, left;

	memset(p, 0, sizeof(*p));
	p->nthreads = 2 + (int)(synth_rand(&s) % 3);
	left = max_ops;
	for (t = 0; t < p->nthreads; t++) {
		int share = left / (p->nthreads - t);
		int budget = 1 + (int)(synth_rand(&s) % (unsigned)(share > 1 ? share : 1));

		if (budget > SYNTH_MAX_OPS - 1)
			budget = SYNTH_MAX_OPS - 1;
		p->nops[t] = synth_thread_ops(p->ops[t], budget, &s);
		left -= p->nops[t];
		if (left < p->nthreads - t - 1)
			left = p->nthreads - t - 1;
	}
	synth_satisfiable(p, &s);
}

/*
 * A section body: mostly reads, writes and increments (so that two sections
 * of a lock are as often disjoint as not), now and then an op that blocks.
 */
static void synth_body_op(struct synth_op *op, uint64_t *s)
{
	static const unsigned char kinds[] = {
		SOP_READ, SOP_READ, SOP_WRITE, SOP_WRITE, SOP_INC, SOP_INC,
		SOP_ASSERT, SOP_SET, SOP_WAIT, SOP_SPIN,
	};

	op->kind = kinds[synth_rand(s) % sizeof(kinds)];
	op->obj = (unsigned char)(synth_rand(s) % SYNTH_NOBJ);
	op->val = (unsigned char)(synth_rand(s) % 4);
}

void synth_random_sections(struct synth_rprog *p, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 7;
	int t;

	memset(p, 0, sizeof(*p));
	p->nthreads = 2 + (int)(synth_rand(&s) % 3);
	for (t = 0; t < p->nthreads; t++) {
		struct synth_op *ops = p->ops[t];
		int n = 0, sections = 1 + (int)(synth_rand(&s) % 2);

		if (t > 0 && !(synth_rand(&s) % 3)) {
			/* the same code as thread 0 */
			memcpy(ops, p->ops[0], sizeof(p->ops[0]));
			p->nops[t] = p->nops[0];
			continue;
		}
		while (sections-- > 0 && n + 2 <= SYNTH_MAX_OPS) {
			unsigned char l = (unsigned char)(synth_rand(&s) % SYNTH_NOBJ);
			int body = (int)(synth_rand(&s) % 3);

			if (n + 3 <= SYNTH_MAX_OPS && !(synth_rand(&s) % 3))
				synth_body_op(&ops[n++], &s);	/* before the section */
			ops[n++] = (struct synth_op){ SOP_LOCK, l, 0 };
			while (body-- > 0 && n + 1 < SYNTH_MAX_OPS) {
				if (n + 3 <= SYNTH_MAX_OPS && !(synth_rand(&s) % 6)) {
					unsigned char m = (unsigned char)(l ^ 1);

					ops[n++] = (struct synth_op){ SOP_LOCK, m, 0 };
					ops[n++] = (struct synth_op){ SOP_UNLOCK, m, 0 };
					continue;
				}
				synth_body_op(&ops[n++], &s);
			}
			if (synth_rand(&s) % 8)
				ops[n++] = (struct synth_op){ SOP_UNLOCK, l, 0 };
		}
		p->nops[t] = n;
	}
	synth_satisfiable(p, &s);
}

void synth_describe(const struct synth_rprog *p, struct ks_buf *out)
{
	static const char *const names[SOP_NR] = {
		[SOP_READ] = "read v", [SOP_WRITE] = "write v", [SOP_INC] = "inc v",
		[SOP_LOCK] = "lock l", [SOP_UNLOCK] = "unlock l", [SOP_RLOCK] = "rlock l",
		[SOP_WAIT] = "wait f",
		[SOP_SET] = "set f", [SOP_CLEAR] = "clear f", [SOP_ASSERT] = "assert#",
		[SOP_SPIN] = "spin v", [SOP_IRQSECT] = "irqs off, read v", [SOP_IPI] = "ipi",
	};
	int t, i;

	for (t = 0; t < p->nthreads; t++) {
		ks_buf_printf(out, "t%d:", t);
		for (i = 0; i < p->nops[t]; i++) {
			const struct synth_op *op = &p->ops[t][i];

			ks_buf_printf(out, " %s%d", names[op->kind],
				      op->kind == SOP_ASSERT ? op->val : op->obj);
			if (op->kind == SOP_WRITE)
				ks_buf_printf(out, "+%d", op->val);
			ks_buf_printf(out, ";");
		}
		ks_buf_printf(out, "\n");
	}
}

struct ks_program synth_program(const struct synth_rprog *p)
{
	struct ks_buf b = { 0 };
	uint64_t fp = 0xcbf29ce484222325ULL;
	size_t i;

	synth_describe(p, &b);
	for (i = 0; i < b.len; i++)
		fp = (fp ^ (unsigned char)b.s[i]) * 0x100000001b3ULL;
	ks_buf_free(&b);
	return (struct ks_program){
		.name = "random", .fingerprint = fp, .setup = r_setup, .arg = (void *)p,
	};
}
