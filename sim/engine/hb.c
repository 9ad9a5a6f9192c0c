// SPDX-License-Identifier: GPL-2.0
/*
 * Happens-before over the declared accesses of a run (docs/design.md "Happens-before").
 *
 * Per object we keep the last write and the reads, increments and tests
 * since it (three lists: a read depends on the increments, an increment on
 * the reads, a write on all three, a test only on the last write).  An event's dependencies are exactly those, plus its
 * thread's previous event; from them come its Foata layer (the longest
 * dependency chain before it) and, for DPOR, its vector clock.
 *
 * Every access keeps the object's state from before it, so that undoing the
 * events after a replayed prefix restores the state exactly: a run that
 * replays d decisions does no happens-before work for them.
 *
 * Lock sections.  Two exclusive sections of one lock by different threads
 * are ordered by the lock, but when neither could block inside (a leaf
 * section: no wait, no nested acquire, no retry-loop await), that order by
 * itself decides nothing: whatever the bodies do to shared state is ordered
 * by their own dependencies, and neither section can be stuck holding the
 * lock.  So, with hb->sections, an acquire's clock does not join the release
 * of a leaf section by another thread (it looks behind that section, to the
 * hold before it); the layers, which name the classes, keep the full order.
 * dpor.c reverses the two sections only when a race between their bodies,
 * or the events after them, asks for it, and backs such a race up to the
 * earlier section's acquire when the lock keeps the racing thread out.
 * A section that could block after all (found at its first blocking step,
 * or at the end of the run) hands its acquire back to dpor.c as
 * hb->reopened, to be raced against the sections before it.
 *
 * Experimental, off by default (--lock-sections): on programs made of lock
 * sections it still misses a few final states that DFS reaches (17 of the
 * 3000 of KVMSIM_SLOW_TESTS's test-dpor), so a search made with it reports
 * itself bounded, never complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

static void *ks_hb_grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t n = *cap ? *cap : 64;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	p = realloc(p, (size_t)n * elem);
	if (!p) {
		ks_out_of_memory();
	}
	*cap = n;
	return p;
}

static void ks_hb_reserve(struct ks_hb *hb, uint32_t e);

void ks_hb_init(struct ks_hb *hb, bool clocks, bool sections)
{
	int t;

	memset(hb, 0, sizeof(*hb));
	hb->clocks = clocks;
	hb->sections = clocks && sections;
	hb->reopened = -1;
	hb->nthreads = 1;
	hb->gen = 1;
	for (t = 0; t < KS_MAX_THREADS; t++)
		hb->last[t] = -1;
	/* classh[0], the class of a run without steps, is always there. */
	ks_hb_reserve(hb, 0);
}

void ks_hb_free(struct ks_hb *hb)
{
	free(hb->ev);
	free(hb->clock);
	free(hb->classh);
	free(hb->acc);
	free(hb->link);
	free(hb->obj);
	free(hb->table);
	memset(hb, 0, sizeof(*hb));
}

/* ---- objects --------------------------------------------------------------- */

static uint32_t ks_hb_hash(ks_obj_t key)
{
	return (uint32_t)(ks_mix64(key) >> 32);
}

static void ks_hb_rehash(struct ks_hb *hb)
{
	uint32_t size = hb->table_mask ? 2 * (hb->table_mask + 1) : 64;
	uint32_t i;

	free(hb->table);
	hb->table = calloc(size, sizeof(*hb->table));
	if (!hb->table) {
		ks_out_of_memory();
	}
	hb->table_mask = size - 1;
	for (i = 0; i < hb->nobj; i++) {
		uint32_t h = ks_hb_hash(hb->obj[i].key) & hb->table_mask;

		while (hb->table[h])
			h = (h + 1) & hb->table_mask;
		hb->table[h] = i + 1;
	}
}

/* The slot of @key, or -1 when @create is false and it has none. */
static int32_t ks_hb_slot(struct ks_hb *hb, ks_obj_t key, bool create)
{
	uint32_t h, i;
	struct ks_hbobj *o;

	if (!hb->table_mask)
		ks_hb_rehash(hb);
	for (h = ks_hb_hash(key) & hb->table_mask; (i = hb->table[h]); h = (h + 1) & hb->table_mask) {
		o = &hb->obj[i - 1];
		if (o->key != key)
			continue;
		if (o->gen != hb->gen) {
			/* Untouched since the last full reset. */
			o->gen = hb->gen;
			o->lw = o->reads = o->incs = o->tests = -1;
		}
		return (int32_t)(i - 1);
	}
	if (!create)
		return -1;
	hb->obj = ks_hb_grow(hb->obj, &hb->obj_cap, hb->nobj + 1, sizeof(*hb->obj));
	o = &hb->obj[hb->nobj];
	*o = (struct ks_hbobj){ .key = key, .gen = hb->gen, .lw = -1, .reads = -1, .incs = -1,
				.tests = -1 };
	hb->table[h] = ++hb->nobj;
	if (2 * hb->nobj > hb->table_mask)
		ks_hb_rehash(hb);
	return (int32_t)(hb->nobj - 1);
}

/* ---- events -------------------------------------------------------------------- */

struct ks_hbdeps {
	uint32_t level;		/* the highest layer among the dependencies */
	uint32_t *clock;	/* joined into, when clocks are kept */
	unsigned width;
	unsigned tid;		/* the thread of the event */
};

static void ks_hb_dep_level(const struct ks_hb *hb, struct ks_hbdeps *d, uint32_t e)
{
	if (hb->ev[e].level > d->level)
		d->level = hb->ev[e].level;
}

static void ks_hb_dep(const struct ks_hb *hb, struct ks_hbdeps *d, uint32_t e)
{
	unsigned t;

	ks_hb_dep_level(hb, d, e);
	if (d->clock) {
		const uint32_t *c = ks_hb_clock(hb, e);

		for (t = 0; t < d->width; t++)
			if (c[t] > d->clock[t])
				d->clock[t] = c[t];
	}
}

/*
 * Whether the last write before access @a is the release of a leaf section
 * by another thread that an acquire's clock looks behind (hb->sections).
 */
bool ks_hb_leaf_before(const struct ks_hb *hb, const struct ks_hbacc *a, unsigned tid)
{
	const struct ks_hbacc *w;

	if (!hb->sections || a->acc != KS_ACQUIRE || a->lw < 0)
		return false;
	w = &hb->acc[a->lw];
	return (w->flags & KS_HBA_LEAF) && hb->ev[w->ev].tid != tid;
}

/*
 * Join the dependencies of an access of @kind on an object in state @a: the
 * last write always; a write also every read, increment and test since; a
 * read the increments, an increment the reads; a test nothing more.  An
 * acquire after a leaf section of another thread joins the section's release
 * into its layer only, and looks behind the section for the rest.
 */
static void ks_hb_deps(const struct ks_hb *hb, struct ks_hbdeps *d,
		       const struct ks_hbacc *a, enum ks_kind kind)
{
	int32_t x;

	while (ks_hb_leaf_before(hb, a, d->tid)) {
		ks_hb_dep_level(hb, d, hb->acc[a->lw].ev);
		a = &hb->acc[hb->acc[a->lw].lw];	/* the section's acquire */
		for (x = a->reads; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
		for (x = a->incs; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
		for (x = a->tests; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
	}
	if (a->lw >= 0)
		ks_hb_dep(hb, d, hb->acc[a->lw].ev);
	if (kind == KS_K_WRITE || kind == KS_K_INC)
		for (x = a->reads; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
	if (kind == KS_K_WRITE || kind == KS_K_READ)
		for (x = a->incs; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
	if (kind == KS_K_WRITE)
		for (x = a->tests; x >= 0; x = hb->link[x])
			ks_hb_dep(hb, d, hb->acc[x].ev);
}

static void ks_hb_access(struct ks_hb *hb, struct ks_hbdeps *d, uint32_t e,
			 ks_obj_t key, enum ks_access acc, enum ks_kind kind)
{
	int32_t slot = ks_hb_slot(hb, key, true);
	struct ks_hbobj *o = &hb->obj[slot];
	uint32_t ai = hb->nacc++;
	struct ks_hbacc *a;
	uint32_t cap = hb->acc_cap;

	hb->acc = ks_hb_grow(hb->acc, &hb->acc_cap, hb->nacc, sizeof(*hb->acc));
	if (hb->acc_cap != cap) {
		hb->link = realloc(hb->link, (size_t)hb->acc_cap * sizeof(*hb->link));
		if (!hb->link) {
			ks_out_of_memory();
		}
	}
	a = &hb->acc[ai];
	*a = (struct ks_hbacc){
		.key = key, .ev = e, .slot = (uint32_t)slot, .kind = kind,
		.acc = (uint8_t)acc, .flags = 0, .lw = o->lw, .reads = o->reads,
		.incs = o->incs, .tests = o->tests,
	};
	ks_hb_deps(hb, d, a, kind);
	switch (kind) {
	case KS_K_WRITE:
		o->lw = (int32_t)ai;
		o->reads = o->incs = o->tests = -1;
		break;
	case KS_K_TEST:
		hb->link[ai] = o->tests;
		o->tests = (int32_t)ai;
		break;
	case KS_K_READ:
		hb->link[ai] = o->reads;
		o->reads = (int32_t)ai;
		break;
	case KS_K_INC:
		hb->link[ai] = o->incs;
		o->incs = (int32_t)ai;
		break;
	}
}

/* One Foata element: the layer, the thread and its index, and the label. */
static uint64_t ks_hb_element(const struct ks_hbev *ev)
{
	uint64_t label = ks_mix64(ev->obj ^ ((uint64_t)ev->access << 59));

	return ks_mix64(ks_mix64(((uint64_t)ev->level << 32) ^ ev->tid) ^
			((uint64_t)ev->idx << 20) ^ label);
}

static void ks_hb_reserve(struct ks_hb *hb, uint32_t e)
{
	uint32_t cap = hb->ev_cap;

	hb->ev = ks_hb_grow(hb->ev, &hb->ev_cap, e + 2, sizeof(*hb->ev));
	if (hb->ev_cap == cap)
		return;
	hb->classh = realloc(hb->classh, (size_t)hb->ev_cap * sizeof(*hb->classh));
	if (hb->clocks)
		hb->clock = realloc(hb->clock, (size_t)hb->ev_cap * hb->nthreads *
					       sizeof(*hb->clock));
	if (!hb->classh || (hb->clocks && !hb->clock)) {
		ks_out_of_memory();
	}
	if (!cap)
		hb->classh[0] = 0;
}

void ks_hb_set_width(struct ks_hb *hb, unsigned nthreads)
{
	if (!nthreads)
		nthreads = 1;
	if (nthreads == hb->nthreads)
		return;
	ks_hb_rewind(hb, 0);
	hb->nthreads = nthreads;
	if (hb->clocks && hb->ev_cap) {
		hb->clock = realloc(hb->clock, (size_t)hb->ev_cap * nthreads *
					       sizeof(*hb->clock));
		if (!hb->clock) {
			ks_out_of_memory();
		}
	}
}

/*
 * Event @e (just recorded) opens, keeps or closes its thread's leaf section:
 * set ev->open, mark the release that ends a leaf section, and say which
 * section a blocking step made non-leaf.
 */
static void ks_hb_section(struct ks_hb *hb, uint32_t e)
{
	struct ks_hbev *ev = &hb->ev[e];
	int32_t open = ev->prev >= 0 ? hb->ev[ev->prev].open : -1;

	hb->reopened = -1;
	if (ev->blocking && open >= 0) {
		hb->reopened = open;
		open = -1;
	}
	if (ev->access == KS_ACQUIRE && ev->nacc == 1 &&
	    ks_obj_kind(ev->obj) == KS_OBJ_LOCK) {
		open = (int32_t)e;
	} else if (ev->access == KS_RELEASE && open >= 0 && ev->nacc == 1 &&
		   ev->obj == hb->ev[open].obj) {
		struct ks_hbacc *rel = &hb->acc[ev->acc0];

		if (rel->lw == (int32_t)hb->ev[open].acc0 && rel->incs < 0 && rel->reads < 0)
			rel->flags |= KS_HBA_LEAF;
		open = -1;
	}
	ev->open = open;
}

void ks_hb_record(struct ks_hb *hb, const struct ks_thread *t, int tid)
{
	uint32_t e = hb->nev;
	struct ks_hbdeps d = { .width = hb->nthreads, .tid = (unsigned)tid };
	ks_obj_t objs[KS_MAX_FOOTPRINT];
	uint8_t accs[KS_MAX_FOOTPRINT], kinds[KS_MAX_FOOTPRINT];
	unsigned i, n = ks_thread_accesses(t, objs, accs, kinds);
	struct ks_hbev *ev;

	ks_hb_reserve(hb, e);
	ev = &hb->ev[e];
	ev->tid = (uint8_t)tid;
	ev->await = t->in_await;
	ev->idx = ++hb->count[tid];
	ev->prev = hb->last[tid];
	ev->obj = t->next.obj;
	ev->access = (uint8_t)t->next.acc;
	ev->blocking = t->wait || t->in_await;
	ev->reraced = false;
	ev->level = 0;
	hb->last[tid] = (int32_t)e;
	if (hb->clocks) {
		d.clock = &hb->clock[(size_t)e * hb->nthreads];
		if (ev->prev >= 0)
			memcpy(d.clock, ks_hb_clock(hb, (uint32_t)ev->prev),
			       hb->nthreads * sizeof(*d.clock));
		else
			memset(d.clock, 0, hb->nthreads * sizeof(*d.clock));
		d.clock[tid] = ev->idx;
	}
	if (ev->prev >= 0)
		d.level = hb->ev[ev->prev].level;
	ev->acc0 = hb->nacc;
	for (i = 0; i < n; i++)
		ks_hb_access(hb, &d, e, objs[i], (enum ks_access)accs[i], (enum ks_kind)kinds[i]);
	ev = &hb->ev[e];
	ev->nacc = hb->nacc - ev->acc0;
	ev->level = d.level + 1;
	hb->classh[e + 1] = hb->classh[e] + ks_hb_element(ev);
	hb->nev = e + 1;
	if (hb->sections)
		ks_hb_section(hb, e);
	else
		ev->open = -1;
}

void ks_hb_rewind(struct ks_hb *hb, uint32_t n)
{
	int t;

	if (n == 0) {
		/* Objects reset lazily, by generation. */
		hb->gen++;
		hb->nev = hb->nacc = 0;
		for (t = 0; t < KS_MAX_THREADS; t++) {
			hb->last[t] = -1;
			hb->count[t] = 0;
		}
		return;
	}
	while (hb->nev > n) {
		const struct ks_hbev *ev = &hb->ev[--hb->nev];
		uint32_t i;

		for (i = ev->acc0 + ev->nacc; i-- > ev->acc0;) {
			const struct ks_hbacc *a = &hb->acc[i];
			struct ks_hbobj *o = &hb->obj[a->slot];

			o->lw = a->lw;
			o->reads = a->reads;
			o->incs = a->incs;
			o->tests = a->tests;
		}
		hb->nacc = ev->acc0;
		hb->last[ev->tid] = ev->prev;
		hb->count[ev->tid]--;
	}
}

static void ks_hb_pend_access(struct ks_hb *hb, struct ks_hbpend *p, struct ks_hbdeps *d,
			      ks_obj_t key, enum ks_access acc, enum ks_kind kind)
{
	int32_t slot = ks_hb_slot(hb, key, false);
	struct ks_hbacc *a = &p->acc[p->ev.nacc++];

	*a = (struct ks_hbacc){
		.key = key, .ev = hb->nev, .kind = kind, .acc = (uint8_t)acc,
		.lw = -1, .reads = -1, .incs = -1, .tests = -1,
	};
	if (slot >= 0) {
		a->slot = (uint32_t)slot;
		a->lw = hb->obj[slot].lw;
		a->reads = hb->obj[slot].reads;
		a->incs = hb->obj[slot].incs;
		a->tests = hb->obj[slot].tests;
	}
	ks_hb_deps(hb, d, a, kind);
}

void ks_hb_pending(struct ks_hb *hb, const struct ks_thread *t, int tid,
		   struct ks_hbpend *p)
{
	struct ks_hbdeps d = { .width = hb->nthreads, .clock = p->clock, .tid = (unsigned)tid };
	ks_obj_t objs[KS_MAX_FOOTPRINT];
	uint8_t accs[KS_MAX_FOOTPRINT], kinds[KS_MAX_FOOTPRINT];
	unsigned i, n = ks_thread_accesses(t, objs, accs, kinds);

	memset(&p->ev, 0, sizeof(p->ev));
	p->ev.tid = (uint8_t)tid;
	p->ev.await = t->in_await;
	p->ev.idx = hb->count[tid] + 1;
	p->ev.prev = hb->last[tid];
	p->ev.obj = t->next.obj;
	p->ev.access = (uint8_t)t->next.acc;
	p->ev.blocking = t->wait || t->in_await;
	p->ev.open = p->ev.prev >= 0 ? hb->ev[p->ev.prev].open : -1;
	if (p->ev.prev >= 0)
		memcpy(p->clock, ks_hb_clock(hb, (uint32_t)p->ev.prev),
		       hb->nthreads * sizeof(*p->clock));
	else
		memset(p->clock, 0, hb->nthreads * sizeof(*p->clock));
	p->clock[tid] = p->ev.idx;
	for (i = 0; i < n; i++)
		ks_hb_pend_access(hb, p, &d, objs[i], (enum ks_access)accs[i],
				  (enum ks_kind)kinds[i]);
}

static bool ks_hb_conflict_one(const struct ks_hb *hb, uint32_t e, ks_obj_t key,
			       enum ks_kind kind)
{
	const struct ks_hbev *ev = &hb->ev[e];
	uint32_t i;

	for (i = ev->acc0; i < ev->acc0 + ev->nacc; i++)
		if (hb->acc[i].key == key && ks_kind_conflict(hb->acc[i].kind, kind))
			return true;
	return false;
}

bool ks_hb_conflict(const struct ks_hb *hb, uint32_t e, const struct ks_thread *t)
{
	ks_obj_t objs[KS_MAX_FOOTPRINT];
	uint8_t accs[KS_MAX_FOOTPRINT], kinds[KS_MAX_FOOTPRINT];
	unsigned i, n = ks_thread_accesses(t, objs, accs, kinds);

	for (i = 0; i < n; i++)
		if (ks_hb_conflict_one(hb, e, objs[i], (enum ks_kind)kinds[i]))
			return true;
	return false;
}
