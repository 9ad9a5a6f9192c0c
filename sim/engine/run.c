// SPDX-License-Identifier: GPL-2.0
/*
 * The run core: cooperative threads, one step per scheduling point, the run
 * arena, the event log and the violations.  See include/kvmsim/run.h.
 *
 * A step is the execution of a thread's declared event plus its local code up
 * to its next scheduling point.  Each thread runs on its own stack; the caller
 * of ks_run_step() runs on the OS stack and every step is two switches
 * (there and back).
 */
#include <kvmsim/run.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

void ks_out_of_memory(void)
{
	fputs("kvmsim: out of memory\n", stderr);
	exit(2);
}

#define KS_STACK_SIZE (256 * 1024)
#define KS_ARENA_CHUNK (256 * 1024)
#define KS_NAMED_BIT (UINT64_C(1) << 55)
#define KS_MAX_RESETS 32

static struct ks_runner *ks_cur;
static struct ks_runner ks_direct_runner;
static void (*ks_resets[KS_MAX_RESETS])(void);
static int ks_nresets;
static ks_obj_fmt_fn ks_obj_fmt[KS_OBJ_NR];
static ks_vfmt_fn ks_vfmt[KS_V_NR];

static void *ks_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		ks_out_of_memory();
	}
	return q;
}

#define KS_GROW(arr, n, cap)						\
	do {								\
		if ((n) >= (cap)) {					\
			(cap) = (cap) ? 2 * (cap) : 64;			\
			(arr) = ks_xrealloc((arr), (cap) * sizeof(*(arr))); \
		}							\
	} while (0)

/* ---- text buffers ---------------------------------------------------- */

void ks_buf_vprintf(struct ks_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = ks_xrealloc(b->s, b->cap);
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ks_buf_printf(struct ks_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ks_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ks_buf_free(struct ks_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- the run arena ----------------------------------------------------- */

static struct ks_chunk *ks_chunk_new(size_t size)
{
	struct ks_chunk *c = ks_xrealloc(NULL, sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

static void ks_arena_reset(struct ks_runner *r)
{
	struct ks_chunk *c, *next;

	if (!r->chunks)
		r->chunks = ks_chunk_new(KS_ARENA_CHUNK);
	/* Keep standard-size chunks for reuse; free the oversized ones. */
	for (c = r->chunks; c; c = next) {
		next = c->next;
		while (next && next->size != KS_ARENA_CHUNK) {
			c->next = next->next;
			free(next);
			next = c->next;
		}
		c->used = 0;
	}
	r->chunk = r->chunks;
}

static void ks_arena_free(struct ks_runner *r)
{
	struct ks_chunk *c, *next;

	for (c = r->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	r->chunks = r->chunk = NULL;
}

void *ks_alloc(size_t size)
{
	struct ks_runner *r = ks_cur;
	struct ks_chunk *c;
	void *p;

	if (!r) {
		fprintf(stderr, "kvmsim: ks_alloc() outside a run\n");
		abort();
	}
	size = (size + 15) & ~(size_t)15;
	c = r->chunk;
	while (c->used + size > c->size) {
		if (!c->next) {
			size_t want = size > KS_ARENA_CHUNK ? size : KS_ARENA_CHUNK;

			c->next = ks_chunk_new(want);
		}
		c = c->next;
		/* a reused chunk was reset by ks_arena_reset() */
	}
	r->chunk = c;
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *ks_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ks_alloc(n), s, n);
}

static char *ks_vasprintf_arena(const char *fmt, va_list ap)
{
	struct ks_buf b = { 0 };
	char *s;

	ks_buf_vprintf(&b, fmt, ap);
	s = ks_strdup(b.s ? b.s : "");
	ks_buf_free(&b);
	return s;
}

/* ---- objects ------------------------------------------------------------ */

static const char *const ks_kind_names[KS_OBJ_NR] = {
	[KS_OBJ_NONE] = "-",
	[KS_OBJ_PAGE] = "page",
	[KS_OBJ_SECTION] = "section",
	[KS_OBJ_PGMAP] = "pgmap",
	[KS_OBJ_PTE] = "pte",
	[KS_OBJ_SPTE] = "spte",
	[KS_OBJ_LOCK] = "lock",
	[KS_OBJ_COMPLETION] = "completion",
	[KS_OBJ_VAR] = "var",
};

static ks_obj_t ks_obj_named_new(enum ks_obj_kind kind, const char *name,
				  const void *value, size_t size, bool sync)
{
	struct ks_runner *r = ks_cur;

	KS_GROW(r->names, r->nnames, r->names_cap);
	r->names[r->nnames] = (struct ks_named){
		.name = ks_strdup(name), .value = value,
		.size = (uint8_t)(size > 8 ? 8 : size),
		.sync = sync || kind == KS_OBJ_LOCK,
	};
	return KS_OBJ(kind, KS_NAMED_BIT | r->nnames++);
}

ks_obj_t ks_obj_named(enum ks_obj_kind kind, const char *name)
{
	return ks_obj_named_new(kind, name, NULL, 0, false);
}

ks_obj_t ks_obj_named_value(enum ks_obj_kind kind, const char *name,
			    const void *value, size_t size)
{
	return ks_obj_named_new(kind, name, value, size, false);
}

ks_obj_t ks_obj_named_sync(enum ks_obj_kind kind, const char *name)
{
	return ks_obj_named_new(kind, name, NULL, 0, true);
}

static const struct ks_named *ks_named_of(ks_obj_t obj)
{
	uint64_t idx = ks_obj_index(obj);

	if (!ks_cur || !(idx & KS_NAMED_BIT) || (idx & ~KS_NAMED_BIT) >= ks_cur->nnames)
		return NULL;
	return &ks_cur->names[idx & ~KS_NAMED_BIT];
}

/* ---- object values (for retry-loop awaits) ---------------------------------- */

static ks_obj_value_fn ks_obj_val[KS_OBJ_NR];

void ks_obj_value_register(enum ks_obj_kind kind, ks_obj_value_fn fn)
{
	ks_obj_val[kind] = fn;
}

/* The write count of @obj: a slot of the version table, made if @create. */
static struct ks_version *ks_version_slot(struct ks_runner *r, ks_obj_t obj, bool create)
{
	uint32_t i;

	if (!r->versions_mask) {
		if (!create)
			return NULL;
		r->versions_mask = 63;
		r->versions = calloc(64, sizeof(*r->versions));
		if (!r->versions) {
			ks_out_of_memory();
		}
	}
	for (i = (uint32_t)(obj * 0x9e3779b97f4a7c15ULL >> 40) & r->versions_mask;
	     r->versions[i].obj; i = (i + 1) & r->versions_mask)
		if (r->versions[i].obj == obj)
			return &r->versions[i];
	if (!create)
		return NULL;
	if (2 * (r->nversions + 1) > r->versions_mask) {
		struct ks_version *old = r->versions;
		uint32_t n = r->versions_mask + 1, j;

		r->versions_mask = 2 * n - 1;
		r->versions = calloc(2 * n, sizeof(*r->versions));
		if (!r->versions) {
			ks_out_of_memory();
		}
		r->nversions = 0;
		for (j = 0; j < n; j++)
			if (old[j].obj)
				*ks_version_slot(r, old[j].obj, true) = old[j];
		free(old);
		return ks_version_slot(r, obj, true);
	}
	r->nversions++;
	r->versions[i].obj = obj;
	return &r->versions[i];
}

static bool ks_obj_has_value(ks_obj_t obj)
{
	const struct ks_named *nm = ks_named_of(obj);

	if (nm)
		return nm->value != NULL;
	return ks_obj_kind(obj) < KS_OBJ_NR && ks_obj_val[ks_obj_kind(obj)];
}

uint64_t ks_obj_value(ks_obj_t obj)
{
	const struct ks_named *nm = ks_named_of(obj);
	struct ks_version *v;
	enum ks_obj_kind kind = ks_obj_kind(obj);

	if (nm && nm->value) {
		uint64_t x = 0;

		memcpy(&x, nm->value, nm->size);
		return x;
	}
	if (!nm && kind < KS_OBJ_NR && ks_obj_val[kind])
		return ks_obj_val[kind](ks_obj_index(obj));
	v = ks_cur ? ks_version_slot(ks_cur, obj, false) : NULL;
	return v ? v->n : 0;
}

static bool ks_obj_is_sync(ks_obj_t obj)
{
	const struct ks_named *nm = ks_named_of(obj);

	return ks_obj_kind(obj) == KS_OBJ_LOCK || (nm && nm->sync);
}

void ks_obj_kind_register(enum ks_obj_kind kind, ks_obj_fmt_fn fn)
{
	ks_obj_fmt[kind] = fn;
}

size_t ks_obj_format(ks_obj_t obj, char *buf, size_t len)
{
	enum ks_obj_kind kind = ks_obj_kind(obj);
	uint64_t idx = ks_obj_index(obj);
	const char *kname = kind < KS_OBJ_NR ? ks_kind_names[kind] : "?";
	int n;

	if (kind == KS_OBJ_NONE)
		n = snprintf(buf, len, "-");
	else if (idx & KS_NAMED_BIT) {
		uint64_t i = idx & ~KS_NAMED_BIT;
		const char *name = ks_cur && i < ks_cur->nnames ?
				   ks_cur->names[i].name : "?";

		n = snprintf(buf, len, "%s %s", kname, name);
	} else if (kind < KS_OBJ_NR && ks_obj_fmt[kind])
		return ks_obj_fmt[kind](idx, buf, len);
	else
		n = snprintf(buf, len, "%s 0x%llx", kname, (unsigned long long)idx);
	return n < 0 ? 0 : (size_t)n;
}

const char *ks_access_name(enum ks_access acc)
{
	static const char *const names[KS_ACCESS_NR] = {
		[KS_READ] = "read", [KS_WRITE] = "write", [KS_INC] = "inc",
		[KS_ACQUIRE] = "acquire", [KS_RELEASE] = "release",
		[KS_WAIT] = "wait", [KS_SATISFY] = "satisfy", [KS_TEST] = "test",
	};

	return acc < KS_ACCESS_NR ? names[acc] : "?";
}

void ks_on_run_begin(void (*reset)(void))
{
	if (ks_nresets == KS_MAX_RESETS) {
		fprintf(stderr, "kvmsim: too many run-begin hooks\n");
		abort();
	}
	ks_resets[ks_nresets++] = reset;
}

/* ---- threads --------------------------------------------------------------- */

static struct ks_thread *ks_self(void)
{
	struct ks_runner *r = ks_cur;

	if (!r || r->cur < 0)
		return NULL;
	return &r->threads[r->cur];
}

int ks_tid(void)
{
	return ks_cur ? ks_cur->cur : -1;
}

const char *ks_thread_name(int tid)
{
	if (ks_cur && ks_cur->direct)
		return "main";
	if (!ks_cur || tid < 0 || tid >= ks_cur->nthreads)
		return ks_cur && ks_cur->ended ? "end" : "setup";
	return ks_cur->threads[tid].name;
}

uint32_t ks_step(void)
{
	if (!ks_cur)
		return 0;
	/* Steps are numbered from 1; setup is step 0. */
	return ks_cur->cur >= 0 && !ks_cur->direct ? ks_cur->nsteps + 1 :
						      ks_cur->nsteps;
}

bool ks_in_engine(void)
{
	return ks_cur && !ks_cur->direct;
}

static void ks_thread_entry(void *p)
{
	struct ks_thread *t = p;
	struct ks_runner *r = ks_cur;

	ks_ctx_started(&t->ctx, &r->main);
	t->fn(t->arg);
	t->finished = true;
	ks_ctx_switch(&t->ctx, &r->main, 1);
}

/* Run thread @tid until its next scheduling point (or its end). */
static void ks_resume(struct ks_runner *r, int tid)
{
	int prev = r->cur;

	r->cur = tid;
	ks_ctx_switch(&r->main, &r->threads[tid].ctx, 0);
	r->cur = prev;
}

int ks_thread_spawn(const char *name, void (*fn)(void *), void *arg)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t;
	int tid;

	if (!r || r->direct || r->cur >= 0) {
		fprintf(stderr, "kvmsim: threads are spawned by a program's setup\n");
		abort();
	}
	if (r->nthreads == KS_MAX_THREADS) {
		fprintf(stderr, "kvmsim: more than %d threads\n", KS_MAX_THREADS);
		abort();
	}
	tid = r->nthreads++;
	t = &r->threads[tid];
	if (tid >= r->nstacks) {
		if (ks_ctx_init(&t->ctx, KS_STACK_SIZE)) {
			fprintf(stderr, "kvmsim: cannot allocate a thread stack\n");
			abort();
		}
		r->nstacks = tid + 1;
	}
	t->name = ks_strdup(name);
	t->fn = fn;
	t->arg = arg;
	t->finished = t->killed = false;
	t->in_await = t->await_any = t->await_woken = t->await_forced = false;
	t->forced_wakes = 0;
	t->inc_obj = 0;
	t->wait = NULL;
	t->nloops = 0;
	t->nwake = 0;
	t->nmany = 0;
	t->nframes = 0;
	t->kvm_frames = 0;
	t->next = (struct ks_event){ .tid = tid, .obj = 0, .acc = KS_READ };
	ks_ctx_prepare(&t->ctx, ks_thread_entry, t);
	/* A thread's prologue runs at once, up to its first scheduling point. */
	ks_resume(r, tid);
	return tid;
}

/* ---- invisible steps ----------------------------------------------------------
 *
 * Most of a run's steps touch objects that no other thread ever touches: the
 * unbind's walk over 512 struct pages, of which a vCPU touches one, or a
 * fault's walk down its own page tables.  Such a step commutes with every
 * step of every other thread, so a scheduling point before it is a choice
 * that can change nothing: ks_run_step() takes it in the same step as the
 * access before it, and the search sees one step where the run has several
 * (the run still numbers them one by one, so traces and tokens are those of
 * a run without the reduction, and the oracles run after each).
 *
 * Which objects those are is learned: an object belongs to the first thread
 * that declares an access to it (at the scheduling point, so that a thread
 * waiting on an object claims it too), and is shared from the first access
 * of another, in any run.  Locks and the interrupt object always stay
 * visible: they order threads.  If an object on which a step was taken
 * invisibly turns out shared, the search so far explored a program in which
 * it was private: the search restarts (search.c), knowing better.  At the end
 * every run the search made kept each hidden object to its owner, and a run
 * in which a second thread reaches one would belong to a class the search
 * explored (the access would be in it), so the objects it hid are private in
 * every run.  The differential tests compare the reduced and unreduced
 * searches' classes and verdicts.
 */

static struct ks_invis_ent *ks_invis_slot(struct ks_invis *iv, ks_obj_t key)
{
	uint32_t i;

	for (i = (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & iv->mask; iv->ents[i].key; i = (i + 1) & iv->mask)
		if (iv->ents[i].key == key)
			return &iv->ents[i];
	return &iv->ents[i];
}

static void ks_invis_grow(struct ks_invis *iv)
{
	struct ks_invis_ent *old = iv->ents;
	uint32_t i, oldn = old ? iv->mask + 1 : 0, n = oldn ? oldn * 2 : 256;

	iv->ents = calloc(n, sizeof(*iv->ents));
	if (!iv->ents)
		ks_out_of_memory();
	iv->mask = n - 1;
	for (i = 0; i < oldn; i++)
		if (old[i].key)
			*ks_invis_slot(iv, old[i].key) = old[i];
	free(old);
}

void ks_invis_free(struct ks_invis *iv)
{
	free(iv->ents);
	memset(iv, 0, sizeof(*iv));
}

/* An access taken invisibly conflicts with another thread's, on @obj. */
static void ks_invis_wrong(struct ks_invis *iv, ks_obj_t obj)
{
	if (iv->restart || iv->violated)
		return;
	if (iv->frozen)
		iv->violated = true;
	else
		iv->restart = true;
	iv->culprit = obj;
}

/* Thread @tid declares an access of kind @kind (enum ks_kind) to @obj. */
static void ks_invis_claim(struct ks_invis *iv, int tid, ks_obj_t obj, enum ks_kind kind)
{
	uint16_t me = (uint16_t)(1U << tid);
	struct ks_invis_ent *e;
	unsigned k;

	if (!obj)
		return;
	if (!iv->ents || (iv->n + 1) * 2 > iv->mask + 1)
		ks_invis_grow(iv);
	e = ks_invis_slot(iv, obj);
	if (!e->key) {
		e->key = obj;
		iv->n++;
	}
	if (e->by[kind] & me)
		return;
	e->by[kind] |= me;
	for (k = 0; k < 4; k++)
		if ((e->hid[k] & ~me) && ks_kind_conflict(kind, (enum ks_kind)k))
			ks_invis_wrong(iv, obj);
}

/*
 * The await of @t's retry loop reads what its iteration touched, and one
 * whose footprint overflowed is woken by any write of another thread: it
 * conflicts with every write.
 */
static void ks_invis_await(struct ks_invis *iv, int tid, const struct ks_thread *t)
{
	uint16_t me = (uint16_t)(1U << tid);
	unsigned i;

	for (i = 0; i < t->nwake; i++)
		ks_invis_claim(iv, tid, t->wake[i], (enum ks_kind)t->wake_kind[i]);
	if (!t->await_any || (iv->any_reader & me))
		return;
	iv->any_reader |= me;
	if (iv->hid_writers & ~me)
		ks_invis_wrong(iv, t->wake[0]);
}

/* Whether no other thread has declared an access to @e that conflicts with @kind. */
static bool ks_invis_alone(const struct ks_invis_ent *e, uint16_t me, enum ks_kind kind)
{
	unsigned k;

	for (k = 0; k < 4; k++)
		if ((e->by[k] & ~me) && ks_kind_conflict(kind, (enum ks_kind)k))
			return false;
	return true;
}

/* The pending event of @t (thread @tid) conflicts with no other thread's access. */
static bool ks_invis_step(struct ks_invis *iv, int tid, const struct ks_thread *t)
{
	uint16_t me = (uint16_t)(1U << tid);
	unsigned i, n = t->nmany ? t->nmany : 1;
	enum ks_kind kind = ks_kind_of(t->next.acc);
	struct ks_invis_ent *e[KS_MAX_MANY];

	if (t->finished || t->wait || t->in_await)
		return false;
	for (i = 0; i < n; i++) {
		ks_obj_t obj = t->nmany ? t->many[i] : t->next.obj;

		e[i] = NULL;
		if (!obj)
			continue;
		if (ks_obj_is_sync(obj))
			return false;
		e[i] = ks_invis_slot(iv, obj);
		if (!e[i]->key || !ks_invis_alone(e[i], me, kind))
			return false;
	}
	if (kind == KS_K_WRITE) {
		if (iv->any_reader & ~me)
			return false;
		iv->hid_writers |= me;
	}
	for (i = 0; i < n; i++)
		if (e[i])
			e[i]->hid[kind] |= me;
	return true;
}

static bool ks_invis_inline(struct ks_runner *r, struct ks_thread *t);

/* Give control back to the runner; the thread is resumed for its next step. */
static void ks_yield(struct ks_thread *t)
{
	ks_ctx_switch(&t->ctx, &ks_cur->main, 0);
}

void ks_sched_point(ks_obj_t obj, enum ks_access acc)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t;

	if (!r)
		return;
	if (r->direct || r->cur < 0 || r->in_oracle) {
		if (r->direct)
			r->nsteps++;
		return;
	}
	t = &r->threads[r->cur];
	t->next.obj = obj;
	t->next.acc = acc;
	t->wait = NULL;
	t->nmany = 0;
	if (r->invis) {
		ks_invis_claim(r->invis, r->cur, obj, ks_kind_of(acc));
		if (ks_invis_inline(r, t))
			return;
	}
	ks_yield(t);
}

void ks_sched_point_many(const ks_obj_t *objs, unsigned n, enum ks_access acc)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t;

	if (!r || !n)
		return;
	if (n > KS_MAX_MANY) {
		fprintf(stderr, "kvmsim: ks_sched_point_many() of %u objects\n", n);
		abort();
	}
	if (r->direct || r->cur < 0 || r->in_oracle) {
		if (r->direct)
			r->nsteps++;
		return;
	}
	t = &r->threads[r->cur];
	t->next.obj = objs[0];
	t->next.acc = acc;
	t->wait = NULL;
	t->nmany = n;
	memcpy(t->many, objs, n * sizeof(*objs));
	if (r->invis) {
		for (unsigned i = 0; i < n; i++)
			ks_invis_claim(r->invis, r->cur, objs[i], ks_kind_of(acc));
		if (ks_invis_inline(r, t)) {
			t->nmany = 0;
			return;
		}
	}
	ks_yield(t);
	t->nmany = 0;
}

static void ks_explain_wait(const struct ks_wait *w, struct ks_buf *out)
{
	if (w->explain)
		w->explain(w->arg, out);
	else
		ks_buf_printf(out, "condition not satisfied");
}

void ks_sched_wait(ks_obj_t obj, enum ks_access acc, const struct ks_wait *w)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t;

	if (!r)
		return;
	/* Setup and oracles run on the runner's stack: nothing may switch. */
	if (r->direct || r->cur < 0 || r->in_oracle) {
		if (r->direct)
			r->nsteps++;
		if (!w->ready(w->arg)) {
			struct ks_buf b = { 0 };
			char o[64];

			ks_obj_format(obj, o, sizeof(o));
			ks_explain_wait(w, &b);
			ks_violation("hang", obj, "%s would wait forever on %s: %s",
				     ks_frame_depth() ? ks_frame_name(ks_frame_depth() - 1) : "main",
				     o, b.s);
			ks_buf_free(&b);
		}
		return;
	}
	t = &r->threads[r->cur];
	t->next.obj = obj;
	t->next.acc = acc;
	t->wait = w;
	t->nmany = 0;
	if (r->invis)
		ks_invis_claim(r->invis, r->cur, obj, ks_kind_of(acc));
	ks_yield(t);
	t->wait = NULL;
}

/* ---- retry loops ---------------------------------------------------------------
 *
 * A retry loop's iteration is one pass of the kernel's loop: the fault
 * handler from the mmu_notifier_seq read to the retry check, gup's
 * follow_page_mask() and faultin_page().  Unbounded, a loop whose exit
 * another thread holds back (an invalidation in progress) makes every run
 * infinite.  So, past the run's loop bound:
 *
 *  - an iteration that found every object of its footprint as it left it
 *    (locks and interrupts aside: they order threads, they never steer them)
 *    is a spin: done again now, it would do the same.  The thread awaits:
 *    it is not enabled until one of those objects has another value, and
 *    then runs its next iteration.  This is the spin-assume of GenMC
 *    (Kokologiannakis et al., OOPSLA 2019) for iterations whose writes
 *    cancel out (a reference taken and put, a lock taken and released).
 *  - an iteration that changed its footprint (gup faulted the page in), or
 *    found it changed by another thread, may go differently next time: it
 *    iterates again.  After KS_LOOP_CHANGES (runner.h) in a row of those, it
 *    awaits all the same, and the run is cut by the loop bound: a loop that
 *    leaks a reference per iteration, or two spinning threads that keep
 *    disturbing each other (a livelock), would go on forever.
 *
 * The values compared are ks_obj_value()'s.
 */

static bool ks_await_ready(const void *arg)
{
	const struct ks_thread *t = arg;
	unsigned i;

	if (t->await_woken)
		return true;
	for (i = 0; i < t->nwake; i++)
		if (t->wake_kind[i] == KS_K_READ && ks_obj_value(t->wake[i]) != t->wake_val[i])
			return true;
	return false;
}

static void ks_await_explain(const void *arg, struct ks_buf *out)
{
	const struct ks_thread *t = arg;
	char o[64];
	unsigned i;

	ks_buf_printf(out, "retry loop past its bound waits for a change to");
	for (i = 0; i < t->nwake; i++) {
		ks_obj_format(t->wake[i], o, sizeof(o));
		ks_buf_printf(out, "%s %s", i ? "," : "", o);
	}
	if (t->await_any)
		ks_buf_printf(out, "%s any object another thread writes (its footprint overflowed)",
			      t->nwake ? ", or" : "");
	else if (!t->nwake)
		ks_buf_printf(out, " nothing (its last iteration touched no shared object)");
}

uint32_t ks_run_wake_forced(struct ks_runner *r)
{
	int tid;

	for (tid = 0; tid < r->nthreads; tid++) {
		struct ks_thread *t = &r->threads[tid];

		if (t->finished || !t->in_await || !t->await_forced || t->await_woken ||
		    t->forced_wakes >= KS_FORCED_WAKES)
			continue;
		t->forced_wakes++;
		t->await_woken = true;
		return UINT32_C(1) << tid;
	}
	return 0;
}

void ks_loop_begin(void)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t = ks_self();
	struct ks_loop *lp;

	if (!t || r->in_oracle)
		return;
	if (t->nloops++ >= KS_MAX_LOOP_DEPTH)
		return;		/* deeper loops are not tracked: see ks_retry() */
	r->loop_mask |= UINT32_C(1) << r->cur;
	lp = &t->loops[t->nloops - 1];
	lp->iter = 0;
	lp->changes = 0;
	lp->n = 0;
	lp->overflow = false;
}

void ks_loop_end(void)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t = ks_self();

	if (!t || r->in_oracle || !t->nloops)
		return;
	if (!--t->nloops)
		r->loop_mask &= ~(UINT32_C(1) << r->cur);
}

/* Past the bound: what the iteration of @lp leaves for the next one. */
enum ks_iter_end {
	KS_ITER_SPIN,		/* nothing changed: await */
	KS_ITER_EFFECT,		/* it changed its footprint itself */
	KS_ITER_DISTURBED,	/* another thread changed its footprint */
};

/*
 * An object the iteration only incremented or tested is changed, as far as
 * the iteration can see, only by a conflicting write: the increments of
 * others commute with its own.  Its own increments left a change behind
 * when they do not add up to nothing.  Any other object is compared whole.
 */
static enum ks_iter_end ks_iter_classify(const struct ks_loop *lp)
{
	enum ks_iter_end end = KS_ITER_SPIN;
	unsigned i;

	if (lp->overflow)
		return KS_ITER_EFFECT;
	for (i = 0; i < lp->n; i++) {
		const struct ks_loop_obj *e = &lp->fp[i];

		if (e->flags & KS_LOOP_SYNC)
			continue;
		if (!(e->flags & (KS_LOOP_READ | KS_LOOP_WROTE))) {
			if (e->flags & KS_LOOP_OTHER)
				return KS_ITER_DISTURBED;
			if (e->delta)
				end = KS_ITER_EFFECT;
			continue;
		}
		if (ks_obj_value(e->obj) == e->pre)
			continue;
		if (e->flags & KS_LOOP_OTHER)
			return KS_ITER_DISTURBED;
		end = KS_ITER_EFFECT;
	}
	return end;
}

static void ks_await(struct ks_runner *r, struct ks_thread *t, const struct ks_loop *lp)
{
	struct ks_wait w = {
		.ready = ks_await_ready,
		.explain = ks_await_explain,
		.arg = t,
	};
	unsigned i;

	t->nwake = 0;
	for (i = 0; i < lp->n; i++) {
		const struct ks_loop_obj *e = &lp->fp[i];

		if (e->flags & KS_LOOP_SYNC)
			continue;
		t->wake[t->nwake] = e->obj;
		if (e->flags & (KS_LOOP_READ | KS_LOOP_WROTE)) {
			t->wake_kind[t->nwake] = KS_K_READ;
			t->wake_val[t->nwake++] = ks_obj_value(e->obj);
		} else {
			t->wake_kind[t->nwake++] = KS_K_TEST;
		}
	}
	t->await_any = lp->overflow;
	if (r->invis)
		ks_invis_await(r->invis, r->cur, t);
	t->await_woken = false;
	t->in_await = true;
	ks_sched_wait(t->nwake ? t->wake[0] : 0, KS_WAIT, &w);
	t->in_await = false;
	t->nwake = 0;
	t->await_any = false;
}

void ks_retry(void)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t = ks_self();
	struct ks_loop *lp;

	if (!t || r->direct || r->in_oracle || !t->nloops)
		return;
	if (t->nloops > KS_MAX_LOOP_DEPTH) {
		/* An untracked loop cannot await soundly: cut the run at its bound. */
		r->cut = true;
		return;
	}
	lp = &t->loops[t->nloops - 1];
	if (++lp->iter >= r->opts.loop_bound) {
		bool spin = ks_iter_classify(lp) == KS_ITER_SPIN;

		if (!spin && ++lp->changes <= KS_LOOP_CHANGES) {
			/* the world moved: the next iteration may go differently */
		} else {
			if (!spin)
				r->loop_cut = true;
			t->await_forced = !spin;
			ks_await(r, t, lp);
			t->await_forced = false;
			lp->changes = 0;
		}
	}
	lp->n = 0;
	lp->overflow = false;
}

static uint8_t ks_loop_flag(enum ks_access acc)
{
	switch (acc) {
	case KS_READ:
	case KS_WAIT:
		return KS_LOOP_READ;
	case KS_TEST:
		return KS_LOOP_TEST;
	case KS_INC:
		return KS_LOOP_INC;
	default:
		return KS_LOOP_WROTE;
	}
}

/* The stepping thread @t is about to take @ev: add it to its loops' footprints. */
static void ks_loop_note(struct ks_thread *t, const struct ks_event *ev)
{
	uint8_t flag = ks_loop_flag(ev->acc);
	int d, nloops = t->nloops < KS_MAX_LOOP_DEPTH ? t->nloops : KS_MAX_LOOP_DEPTH;
	uint64_t pre = 0;
	bool have = false;
	unsigned i;

	if (!ev->obj || t->in_await)
		return;
	if (ev->acc == KS_INC) {
		pre = ks_obj_value(ev->obj);
		have = true;
		t->inc_obj = ev->obj;
		t->inc_before = pre;
	}
	for (d = 0; d < nloops; d++) {
		struct ks_loop *lp = &t->loops[d];

		for (i = 0; i < lp->n && lp->fp[i].obj != ev->obj; i++)
			;
		if (i < lp->n) {
			lp->fp[i].flags |= flag;
			continue;
		}
		if (lp->n == KS_MAX_FOOTPRINT) {
			lp->overflow = true;
			continue;
		}
		if (!have) {
			pre = ks_obj_value(ev->obj);
			have = true;
		}
		lp->fp[lp->n++] = (struct ks_loop_obj){
			.obj = ev->obj, .pre = pre,
			.flags = (uint8_t)(flag | (ks_obj_is_sync(ev->obj) ? KS_LOOP_SYNC : 0)),
		};
	}
}

/* The increment @t just took: what it added goes to its loops' footprints. */
static void ks_loop_inc_done(struct ks_thread *t)
{
	uint64_t delta = ks_obj_value(t->inc_obj) - t->inc_before;
	int d, nloops = t->nloops < KS_MAX_LOOP_DEPTH ? t->nloops : KS_MAX_LOOP_DEPTH;
	unsigned i;

	for (d = 0; d < nloops; d++)
		for (i = 0; i < t->loops[d].n; i++)
			if (t->loops[d].fp[i].obj == t->inc_obj)
				t->loops[d].fp[i].delta += delta;
	t->inc_obj = 0;
}

/* What another thread's access @acc can change for a loop that accessed an object as @flags. */
static bool ks_loop_conflicts(enum ks_access acc, uint8_t flags)
{
	if (acc != KS_INC)
		return true;	/* a write: it may change what anyone sees */
	return flags & (KS_LOOP_READ | KS_LOOP_WROTE);
}

/* @tid's increment or write of @obj: other threads' loops that touched it learn of it. */
static void ks_note_write(struct ks_runner *r, int tid, ks_obj_t obj, enum ks_access acc)
{
	uint32_t mask = r->loop_mask & ~(UINT32_C(1) << tid);
	unsigned i;
	int d;

	while (mask) {
		struct ks_thread *t = &r->threads[__builtin_ctz(mask)];
		int nloops = t->nloops < KS_MAX_LOOP_DEPTH ? t->nloops : KS_MAX_LOOP_DEPTH;

		mask &= mask - 1;
		if (t->await_any && acc != KS_INC)
			t->await_woken = true;
		for (i = 0; t->in_await && acc != KS_INC && i < t->nwake; i++)
			if (t->wake[i] == obj && t->wake_kind[i] == KS_K_TEST)
				t->await_woken = true;
		for (d = 0; d < nloops; d++)
			for (i = 0; i < t->loops[d].n; i++)
				if (t->loops[d].fp[i].obj == obj &&
				    ks_loop_conflicts(acc, t->loops[d].fp[i].flags))
					t->loops[d].fp[i].flags |= KS_LOOP_OTHER;
	}
}

/* ---- frames ------------------------------------------------------------------ */

static struct ks_thread ks_direct_main;

static struct ks_thread *ks_frame_thread(void)
{
	struct ks_thread *t = ks_self();

	if (t)
		return t;
	if (ks_cur && ks_cur->direct)
		return &ks_direct_main;
	return NULL;
}

static struct ks_frame ks_frame_push_as(const char *func, bool kvm)
{
	struct ks_thread *t = ks_frame_thread();

	if (t) {
		if (t->nframes < KS_MAX_FRAMES) {
			t->frames[t->nframes] = func;
			if (kvm)
				t->kvm_frames |= UINT32_C(1) << t->nframes;
			else
				t->kvm_frames &= ~(UINT32_C(1) << t->nframes);
		}
		t->nframes++;
	}
	return (struct ks_frame){ 0 };
}

struct ks_frame ks_frame_push(const char *func)
{
	return ks_frame_push_as(func, false);
}

struct ks_frame ks_frame_push_kvm(const char *func)
{
	return ks_frame_push_as(func, true);
}

void ks_frame_pop(struct ks_frame *f)
{
	struct ks_thread *t = ks_frame_thread();

	(void)f;
	if (t && t->nframes > 0) {
		t->nframes--;
		if (t->nframes < KS_MAX_FRAMES)
			t->kvm_frames &= ~(UINT32_C(1) << t->nframes);
	}
}

bool ks_frame_is_kvm(int depth)
{
	struct ks_thread *t = ks_frame_thread();

	return t && depth >= 0 && depth < KS_MAX_FRAMES && (t->kvm_frames >> depth & 1);
}

int ks_frame_kvm_innermost(void)
{
	struct ks_thread *t = ks_frame_thread();
	uint32_t live;

	if (!t)
		return -1;
	live = t->nframes >= KS_MAX_FRAMES ? t->kvm_frames :
	       t->kvm_frames & ((UINT32_C(1) << t->nframes) - 1);
	return live ? 31 - __builtin_clz(live) : -1;
}

int ks_frame_depth(void)
{
	struct ks_thread *t = ks_frame_thread();

	if (!t)
		return 0;
	return t->nframes < KS_MAX_FRAMES ? t->nframes : KS_MAX_FRAMES;
}

const char *ks_frame_name(int depth)
{
	struct ks_thread *t = ks_frame_thread();

	if (!t || depth < 0 || depth >= ks_frame_depth())
		return "?";
	return t->frames[depth];
}

/* ---- the log and violations ------------------------------------------------------ */

void ks_vfmt_register(enum ks_vfmt vfmt, ks_vfmt_fn fn)
{
	ks_vfmt[vfmt] = fn;
}

size_t ks_value_format(enum ks_vfmt vfmt, int64_t value, char *buf, size_t len)
{
	int n;

	if (vfmt < KS_V_NR && ks_vfmt[vfmt])
		return ks_vfmt[vfmt](value, buf, len);
	switch (vfmt) {
	case KS_V_HEX:
		n = snprintf(buf, len, "0x%llx", (unsigned long long)value);
		break;
	case KS_V_BOOL:
		n = snprintf(buf, len, "%s", value ? "true" : "false");
		break;
	default:
		n = snprintf(buf, len, "%lld", (long long)value);
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

static struct ks_row *ks_row_new(const char *func, ks_obj_t obj)
{
	struct ks_runner *r = ks_cur;
	struct ks_row *row;

	KS_GROW(r->rows, r->nrows, r->rows_cap);
	row = &r->rows[r->nrows++];
	row->step = ks_step();
	row->tid = (int16_t)r->cur;
	row->func = func;
	row->obj = obj;
	row->text = NULL;
	row->before = row->after = 0;
	row->vfmt = KS_V_INT;
	return row;
}

void ks_log(const char *func, ks_obj_t obj, enum ks_vfmt vfmt,
	    int64_t before, int64_t after)
{
	struct ks_row *row;

	if (!ks_cur)
		return;
	row = ks_row_new(func, obj);
	row->kind = KS_ROW_CHANGE;
	row->vfmt = (uint8_t)vfmt;
	row->before = before;
	row->after = after;
}

void ks_log_pred(const char *func, ks_obj_t obj, enum ks_vfmt vfmt, int64_t result)
{
	struct ks_row *row;

	if (!ks_cur)
		return;
	row = ks_row_new(func, obj);
	row->kind = KS_ROW_PRED;
	row->vfmt = (uint8_t)vfmt;
	row->after = result;
}

void ks_log_note(const char *func, ks_obj_t obj, const char *fmt, ...)
{
	struct ks_row *row;
	va_list ap;

	if (!ks_cur)
		return;
	row = ks_row_new(func, obj);
	row->kind = KS_ROW_NOTE;
	va_start(ap, fmt);
	row->text = ks_vasprintf_arena(fmt, ap);
	va_end(ap);
}

size_t ks_log_count(void)
{
	return ks_cur ? ks_cur->nrows : 0;
}

const struct ks_row *ks_log_row(size_t i)
{
	return ks_cur && i < ks_cur->nrows ? &ks_cur->rows[i] : NULL;
}

void ks_row_format(const struct ks_row *row, struct ks_buf *out)
{
	char o[96], b[64], a[64];

	ks_obj_format(row->obj, o, sizeof(o));
	ks_buf_printf(out, "%5u  %-8s  ", row->step, ks_thread_name(row->tid));
	switch (row->kind) {
	case KS_ROW_CHANGE:
		ks_value_format(row->vfmt, row->before, b, sizeof(b));
		ks_value_format(row->vfmt, row->after, a, sizeof(a));
		ks_buf_printf(out, "%-28s %-24s %s -> %s", row->func, o, b, a);
		break;
	case KS_ROW_PRED:
		ks_value_format(row->vfmt, row->after, a, sizeof(a));
		ks_buf_printf(out, "%s(%s) = %s", row->func, o, a);
		break;
	default:
		ks_buf_printf(out, "%-28s %-24s %s", row->func, o, row->text);
		break;
	}
}

void ks_violation(const char *oracle, ks_obj_t obj, const char *fmt, ...)
{
	struct ks_runner *r = ks_cur;
	struct ks_violation *v;
	va_list ap;

	if (!r)
		return;
	KS_GROW(r->viols, r->nviols, r->viols_cap);
	v = &r->viols[r->nviols++];
	v->oracle = oracle;
	v->step = ks_step();
	v->tid = (int16_t)r->cur;
	v->obj = obj;
	va_start(ap, fmt);
	v->msg = ks_vasprintf_arena(fmt, ap);
	va_end(ap);
	ks_log_note("VIOLATION", obj, "%s: %s", oracle, v->msg);
}

size_t ks_violation_count(void)
{
	return ks_cur ? ks_cur->nviols : 0;
}

const struct ks_violation *ks_violation_get(size_t i)
{
	return ks_cur && i < ks_cur->nviols ? &ks_cur->viols[i] : NULL;
}

size_t ks_violation_count_of(const char *oracle)
{
	size_t i, n = 0;

	for (i = 0; i < ks_violation_count(); i++)
		if (!strcmp(ks_cur->viols[i].oracle, oracle))
			n++;
	return n;
}

void ks_bug(const char *oracle, ks_obj_t obj, const char *fmt, ...)
{
	struct ks_runner *r = ks_cur;
	struct ks_thread *t = ks_self();
	struct ks_buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	ks_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	ks_violation(oracle, obj, "BUG: %s", b.s ? b.s : "");
	ks_buf_free(&b);
	if (!t || r->direct || r->in_oracle)
		return;
	/* An oops ends the task here; whatever it holds stays held. */
	t->finished = true;
	t->killed = true;
	ks_ctx_switch(&t->ctx, &r->main, 1);
}

/* ---- the runner ---------------------------------------------------------------------- */

struct ks_runner *ks_runner_new(const struct ks_program *prog,
				const struct ks_run_opts *opts)
{
	struct ks_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->prog = *prog;
	if (opts)
		r->opts = *opts;
	if (!r->opts.loop_bound)
		r->opts.loop_bound = 2;
	if (!r->opts.max_steps)
		r->opts.max_steps = 100000;
	r->cur = -1;
	return r;
}

void ks_runner_free(struct ks_runner *r)
{
	int i;

	if (!r)
		return;
	if (ks_cur == r)
		ks_cur = NULL;
	for (i = 0; i < r->nstacks; i++)
		ks_ctx_destroy(&r->threads[i].ctx);
	ks_arena_free(r);
	free(r->events);
	free(r->rows);
	free(r->viols);
	free(r->names);
	free(r->versions);
	free(r);
}

static void ks_run_reset(struct ks_runner *r)
{
	int i;

	ks_cur = r;
	ks_arena_reset(r);
	r->nthreads = 0;
	r->loop_mask = 0;
	r->loop_cut = false;
	if (r->versions) {
		memset(r->versions, 0, (r->versions_mask + 1) * sizeof(*r->versions));
		r->nversions = 0;
	}
	r->cur = -1;
	r->nsteps = 0;
	r->cut = false;
	r->ended = false;
	r->nrows = 0;
	r->nviols = 0;
	r->nnames = 0;
	for (i = 0; i < ks_nresets; i++)
		ks_resets[i]();
}

void ks_run_begin(struct ks_runner *r)
{
	ks_run_reset(r);
	if (r->prog.setup)
		r->prog.setup(r->prog.arg);
}

int ks_run_nthreads(struct ks_runner *r)
{
	return r->nthreads;
}

bool ks_run_finished(struct ks_runner *r, int tid)
{
	return r->threads[tid].finished;
}

bool ks_run_enabled(struct ks_runner *r, int tid)
{
	return ks_thread_enabled(&r->threads[tid]);
}

struct ks_event ks_run_next(struct ks_runner *r, int tid)
{
	return r->threads[tid].next;
}

uint32_t ks_run_steps(struct ks_runner *r)
{
	return r->nsteps;
}

enum ks_run_status ks_run_status(struct ks_runner *r)
{
	bool unfinished = false;
	int tid;

	if (r->cut)
		return KS_RUN_CUT;
	for (tid = 0; tid < r->nthreads; tid++) {
		if (ks_run_enabled(r, tid))
			return r->nsteps >= r->opts.max_steps ? KS_RUN_CUT :
								 KS_RUN_ACTIVE;
		if (!r->threads[tid].finished)
			unfinished = true;
	}
	/* every path that asks whether the run is over wakes a forced await alike */
	if (unfinished && ks_run_wake_forced(r))
		return r->nsteps >= r->opts.max_steps ? KS_RUN_CUT : KS_RUN_ACTIVE;
	return unfinished ? KS_RUN_HANG : KS_RUN_TERMINAL;
}

/* A step of @t begins: its pending event is taken. */
static void ks_step_begin(struct ks_runner *r, int tid, struct ks_thread *t)
{
	struct ks_event ev = t->next;
	unsigned i;

	KS_GROW(r->events, r->nsteps, r->events_cap);
	r->events[r->nsteps] = ev;
	for (i = 0; i < (t->nmany ? t->nmany : 1); i++) {
		struct ks_event one = ev;

		if (t->nmany)
			one.obj = t->many[i];
		if (t->nloops)
			ks_loop_note(t, &one);
		if (ks_access_is_write(one.acc) && one.obj) {
			if (!ks_obj_has_value(one.obj))
				ks_version_slot(r, one.obj, true)->n++;
			if (r->loop_mask & ~(UINT32_C(1) << tid))
				ks_note_write(r, tid, one.obj, one.acc);
		}
	}
}

/* ...and ends, @t at its next scheduling point (or finished). */
static void ks_step_end(struct ks_runner *r, int tid, struct ks_thread *t)
{
	if (t->inc_obj)
		ks_loop_inc_done(t);
	if (r->prog.after_step) {
		/*
		 * Oracles see the step's number and thread, as its rows do;
		 * scheduling points are inert in them.
		 */
		int cur = r->cur;

		r->cur = tid;
		r->in_oracle = true;
		r->prog.after_step(r->prog.arg);
		r->in_oracle = false;
		r->cur = cur;
	}
	r->nsteps++;
}

/*
 * At a scheduling point of the running thread @t: if the search hides the
 * step it declared, end the step before it and begin this one, and go on
 * without switching.
 */
static bool ks_invis_inline(struct ks_runner *r, struct ks_thread *t)
{
	int tid = r->cur;

	if (!r->invis || !r->stepping || r->nsteps + 1 >= r->opts.max_steps ||
	    !ks_invis_step(r->invis, tid, t))
		return false;
	r->invis->hidden_steps++;
	ks_step_end(r, tid, t);
	ks_step_begin(r, tid, t);
	return true;
}

void ks_run_step(struct ks_runner *r, int tid)
{
	struct ks_thread *t;

	if (tid < 0 || tid >= r->nthreads || !ks_thread_enabled(&r->threads[tid])) {
		fprintf(stderr, "kvmsim: internal error: stepping thread %d, which is not enabled\n", tid);
		abort();
	}
	t = &r->threads[tid];
	ks_step_begin(r, tid, t);
	/* the thread takes the steps the search hides itself (ks_invis_inline()) */
	r->stepping = true;
	ks_resume(r, tid);
	r->stepping = false;
	ks_step_end(r, tid, t);
}

void ks_run_cut(struct ks_runner *r)
{
	r->cut = true;
}

const struct ks_event *ks_run_events(struct ks_runner *r, uint32_t *n)
{
	*n = r->nsteps;
	return r->events;
}

void ks_run_waits_for(struct ks_runner *r, struct ks_buf *out)
{
	int tid;
	char o[96];

	for (tid = 0; tid < r->nthreads; tid++) {
		const struct ks_thread *t = &r->threads[tid];

		if (t->finished)
			continue;
		ks_obj_format(t->next.obj, o, sizeof(o));
		ks_buf_printf(out, "%s%s in %s waits for %s: ",
			      out->len ? "; " : "", t->name,
			      t->nframes ? t->frames[t->nframes > KS_MAX_FRAMES ?
						     KS_MAX_FRAMES - 1 : t->nframes - 1] : "?",
			      o);
		if (t->wait)
			ks_explain_wait(t->wait, out);
		else
			ks_buf_printf(out, "runnable");
	}
}

enum ks_run_status ks_run_end(struct ks_runner *r)
{
	enum ks_run_status st = ks_run_status(r);

	ks_cur = r;
	r->ended = true;
	r->cur = -1;
	if (st == KS_RUN_TERMINAL && r->prog.finish)
		r->prog.finish(r->prog.arg);
	else if (st == KS_RUN_HANG) {
		struct ks_buf b = { 0 };
		int tid;
		ks_obj_t obj = 0;

		for (tid = 0; tid < r->nthreads && !obj; tid++)
			if (!r->threads[tid].finished)
				obj = r->threads[tid].next.obj;
		ks_run_waits_for(r, &b);
		ks_violation("hang", obj, "%s", b.s ? b.s : "");
		ks_buf_free(&b);
	}
	return st;
}

/* ---- direct mode ------------------------------------------------------------------------ */

void ks_direct_begin(void)
{
	struct ks_runner *r = &ks_direct_runner;

	r->direct = true;
	r->opts.loop_bound = 2;
	r->opts.max_steps = UINT32_MAX;
	ks_direct_main.nframes = 0;
	ks_direct_main.kvm_frames = 0;
	ks_direct_main.name = "main";
	ks_run_reset(r);
}

void ks_direct_end(void)
{
	struct ks_runner *r = &ks_direct_runner;

	ks_arena_free(r);
	free(r->events);
	free(r->rows);
	free(r->viols);
	free(r->names);
	free(r->versions);
	memset(r, 0, sizeof(*r));
	ks_cur = NULL;
}
