// SPDX-License-Identifier: GPL-2.0
/*
 * Source-set DPOR's race analysis (Abdulla et al., POPL 2014; docs/design.md
 * "DPOR").  For an event e' of thread U, the candidates are the dependent
 * accesses just before it on each object it touches: the last write and, for
 * a write, the reads, increments and tests since; for a read, the increments
 * since; for an increment, the reads since; for a test, only the last write.
 *
 * Reversible: a candidate e taken at node n races with e' only if e' could
 * have gone first.  When U was already waiting at e' at node n and was not
 * enabled there, it could not: every later change to the object is ordered
 * after e, so e' stays disabled in any reordering (release -> acquire of a
 * held lock, complete -> wait_for_completion, and so on).  We then look behind
 * e, at the accesses e itself came after (the acquire that took the lock).
 * When U arrived at e' after node n we cannot tell, and count it as a race:
 * an extra backtrack point costs a run, a missing one misses a class.  A
 * retry-loop await (enabled by a write to any object its iteration read) is
 * always treated as reversible, for the same reason; so is a read or a
 * write of e' against an earlier increment.  Against the increments before
 * e' the test applies (ks_blocked_at()): one that e' could not have
 * preceded is a weak candidate, which hides none of the increments before
 * it.
 * Two pairs need no such test: an exclusive acquire is never enabled just
 * before a release of the same lock (the lock is held there), nor is a read
 * acquire (an increment of the lock) just before the release that ends an
 * exclusive hold.  A satisfy -> wait pair does need it: with two satisfiers,
 * a wait that arrives late may still fit between them.
 *
 * A race that is not already ordered through another dependency of e' adds
 * one thread of I (the initials of v = the events after n not ordered after
 * e, then e') to n's backtrack set, unless one is there; when none of I is
 * enabled at n, any enabled thread will do.
 *
 * Lock sections (hb.c).  An acquire takes no candidates from a leaf section
 * of another thread: it looks behind it.  A race whose initial is kept out
 * at n by a lock another thread holds there is moved back to the node of
 * that thread's acquire, where the initial may take the lock first: the
 * reversal of two leaf sections happens there, and only for a race between
 * what they or the events after them do.  When a section turns out not to be
 * a leaf, its acquire is analysed again without looking behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

struct ks_race {
	int tid;		/* U, the thread of e' */
	uint8_t acc;		/* e''s declared access */
	uint32_t j;		/* the position of e' */
	int32_t prev;		/* U's event before e' */
	bool await;
	bool behind_leaf;	/* an acquire looks behind leaf sections */
	const uint32_t *clock;	/* e''s vector clock */
	const struct ks_hbacc *acc0;	/* e''s first access */
};

static void ks_race_begin(struct ks_search *s)
{
	struct ks_tree *t = &s->tree;
	uint32_t cap = t->mark_cap;

	t->ncand = 0;
	if (s->hb.nev + 1 > t->mark_cap) {
		while (t->mark_cap < s->hb.nev + 1)
			t->mark_cap = t->mark_cap ? 2 * t->mark_cap : 256;
		t->mark = realloc(t->mark, (size_t)t->mark_cap * sizeof(*t->mark));
		t->weak = realloc(t->weak, (size_t)t->mark_cap * sizeof(*t->weak));
		if (!t->mark || !t->weak) {
			ks_out_of_memory();
		}
		memset(t->mark + cap, 0, (size_t)(t->mark_cap - cap) * sizeof(*t->mark));
		memset(t->weak + cap, 0, (size_t)(t->mark_cap - cap) * sizeof(*t->weak));
	}
	if (++t->mark_gen == 0) {
		memset(t->mark, 0, (size_t)t->mark_cap * sizeof(*t->mark));
		memset(t->weak, 0, (size_t)t->mark_cap * sizeof(*t->weak));
		t->mark_gen = 1;
	}
}

static void ks_cand_add(struct ks_search *s, uint32_t e)
{
	struct ks_tree *t = &s->tree;

	if (t->mark[e] == t->mark_gen)
		return;
	t->mark[e] = t->mark_gen;
	if (t->ncand == t->cand_cap) {
		t->cand_cap = t->cand_cap ? 2 * t->cand_cap : 64;
		t->cand = realloc(t->cand, (size_t)t->cand_cap * sizeof(*t->cand));
		if (!t->cand) {
			ks_out_of_memory();
		}
	}
	t->cand[t->ncand++] = e;
}

/* Release @a ends a hold by its thread's own exclusive acquire, with no reader since. */
static bool ks_ends_exclusive(const struct ks_hb *hb, const struct ks_hbacc *a)
{
	const struct ks_hbacc *w = a->lw >= 0 ? &hb->acc[a->lw] : NULL;

	return w && w->acc == KS_ACQUIRE && a->incs < 0 &&
	       hb->ev[w->ev].tid == hb->ev[a->ev].tid;
}

static bool ks_reversible(const struct ks_search *s, const struct ks_race *rc,
			  const struct ks_hbacc *a)
{
	uint32_t arrival = (uint32_t)(rc->prev + 1);

	if (a->acc == KS_RELEASE && (rc->acc == KS_ACQUIRE ||
				     (rc->acc == KS_INC && ks_ends_exclusive(&s->hb, a))))
		return false;
	if (rc->await || a->kind == KS_K_INC)
		return true;
	return !(arrival <= a->ev && !(s->en[a->ev] & KS_BIT(rc->tid)));
}

/*
 * Whether e' was already waiting at node @n and not enabled there: then it
 * could not have gone before the step at @n.  An increment at @n is then a
 * weak candidate: still raced (when more than one thread disables e', which
 * of them held it depends on the order), but it must not hide the earlier
 * increments behind it (ks_races_apply() keeps only candidates not ordered
 * before another), among them the one that disabled e'.  Two threads'
 * local_irq_disable() and local_irq_enable() are increments of one object,
 * and flush_tlb_mm()'s IPI waits until no other thread has interrupts off:
 * the enable that let it go must not hide the disable that held it.  (A
 * retry-loop await is always taken as reversible.)
 */
static bool ks_blocked_at(const struct ks_search *s, const struct ks_race *rc, uint32_t n)
{
	uint32_t arrival = (uint32_t)(rc->prev + 1);

	return !rc->await && arrival <= n && !(s->en[n] & KS_BIT(rc->tid));
}

/* Collect the candidates of one access of e' (object state @a, kind @kind). */
static void ks_gather(struct ks_search *s, const struct ks_race *rc,
		      const struct ks_hbacc *a, enum ks_kind kind)
{
	const struct ks_hb *hb = &s->hb;
	int32_t lw = a->lw, reads = a->reads, incs = a->incs, tests = a->tests, x;
	bool behind = rc->behind_leaf;

	for (;;) {
		if (kind == KS_K_WRITE || kind == KS_K_INC)
			for (x = reads; x >= 0; x = hb->link[x]) {
				uint32_t e = hb->acc[x].ev;

				if (hb->ev[e].tid != rc->tid && ks_reversible(s, rc, &hb->acc[x]))
					ks_cand_add(s, e);
			}
		if (kind == KS_K_WRITE || kind == KS_K_READ)
			for (x = incs; x >= 0; x = hb->link[x]) {
				uint32_t e = hb->acc[x].ev;

				if (hb->ev[e].tid != rc->tid) {
					ks_cand_add(s, e);
					if (ks_blocked_at(s, rc, e))
						s->tree.weak[e] = s->tree.mark_gen;
				}
			}
		if (kind == KS_K_WRITE)
			for (x = tests; x >= 0; x = hb->link[x]) {
				uint32_t e = hb->acc[x].ev;

				if (hb->ev[e].tid != rc->tid && ks_reversible(s, rc, &hb->acc[x]))
					ks_cand_add(s, e);
			}
		if (behind && ks_hb_leaf_before(hb, a, (unsigned)rc->tid)) {
			/* a leaf section of another thread: look behind it */
			a = &hb->acc[hb->acc[lw].lw];
			lw = a->lw;
			reads = a->reads;
			incs = a->incs;
			tests = a->tests;
			continue;
		}
		behind = false;
		if (lw < 0 || hb->ev[hb->acc[lw].ev].tid == rc->tid)
			return;
		if (ks_reversible(s, rc, &hb->acc[lw])) {
			ks_cand_add(s, hb->acc[lw].ev);
			return;
		}
		/* e' could not have gone before this write: look behind it. */
		a = &hb->acc[lw];
		lw = a->lw;
		reads = a->reads;
		incs = a->incs;
		tests = a->tests;
	}
}

static bool ks_has_pred(const uint32_t *clock, uint32_t seen, const uint32_t *first)
{
	while (seen) {
		int t = __builtin_ctz(seen);

		seen &= seen - 1;
		if (clock[t] >= first[t])
			return true;
	}
	return false;
}

/*
 * The node of the acquire by which another thread held the lock that the
 * blocked event in state @a waits for at node @c, or -1 (not a lock, or no
 * such hold).
 */
static int64_t ks_holder_acquire(const struct ks_hb *hb, const struct ks_hbacc *a, uint32_t c)
{
	int32_t x;

	if (a->acc != KS_ACQUIRE || ks_obj_kind(a->key) != KS_OBJ_LOCK)
		return -1;
	for (x = a->lw; x >= 0; x = hb->acc[x].lw) {
		const struct ks_hbacc *w = &hb->acc[x];

		if (w->acc != KS_ACQUIRE && w->acc != KS_RELEASE)
			return -1;
		if (w->ev >= c)
			continue;	/* a later hold: walk back to the one at c */
		return w->acc == KS_ACQUIRE ? (int64_t)w->ev : -1;
	}
	return -1;
}

/* The race (c, e'): make sure n = c's node explores one initial of v.e'. */
static void ks_race_backtrack(struct ks_search *s, const struct ks_race *rc, uint32_t c)
{
	const struct ks_hb *hb = &s->hb;
	struct ks_tree *t = &s->tree;
	uint32_t first[KS_MAX_THREADS], pos[KS_MAX_THREADS];
	uint32_t seen = 0, initials = 0, ien, awake, k;

	for (k = c + 1; k < rc->j; k++) {
		const uint32_t *ck = ks_hb_clock(hb, k);
		unsigned tk = hb->ev[k].tid;

		if ((seen & KS_BIT(tk)) || ks_hb_before(hb, c, ck))
			continue;
		if (!ks_has_pred(ck, seen, first))
			initials |= KS_BIT(tk);
		seen |= KS_BIT(tk);
		first[tk] = hb->ev[k].idx;
		pos[tk] = k;
	}
	if (!(seen & KS_BIT(rc->tid)) && !ks_has_pred(rc->clock, seen, first))
		initials |= KS_BIT(rc->tid);
	ien = initials & s->en[c];
	if (!ien && hb->sections) {
		/* kept out by a lock: back to where its holder took it */
		uint32_t out = initials;

		while (out) {
			unsigned i = (unsigned)__builtin_ctz(out);
			const struct ks_hbacc *a = (seen & KS_BIT(i)) ? &hb->acc[hb->ev[pos[i]].acc0] :
								       rc->acc0;
			int64_t m = ks_holder_acquire(hb, a, c);

			out &= out - 1;
			if (m >= 0) {
				ks_race_backtrack(s, rc, (uint32_t)m);
				return;
			}
		}
	}
	if (!ien)
		ien = s->en[c];
	if (ien & t->backtrack[c])
		return;
	awake = ien & ~t->sleep[c];
	t->backtrack[c] |= KS_BIT(__builtin_ctz(awake ? awake : ien));
}

/*
 * Keep the candidates that do not happen before e' through another of its
 * dependencies (or U's previous event): the largest other clock entry for
 * the candidate's thread must be below the candidate's index.
 */
static void ks_races_apply(struct ks_search *s, const struct ks_race *rc)
{
	const struct ks_hb *hb = &s->hb;
	const struct ks_tree *t = &s->tree;
	const uint32_t *prevc = rc->prev >= 0 ? ks_hb_clock(hb, (uint32_t)rc->prev) : NULL;
	uint32_t m1[KS_MAX_THREADS] = { 0 }, m2[KS_MAX_THREADS] = { 0 };
	uint32_t who[KS_MAX_THREADS] = { 0 };
	unsigned w = hb->nthreads, i, x;

	for (i = 0; i < t->ncand; i++) {
		const uint32_t *cl = ks_hb_clock(hb, t->cand[i]);

		if (t->weak[t->cand[i]] == t->mark_gen)
			continue;	/* it hides nothing behind it */

		for (x = 0; x < w; x++) {
			if (cl[x] > m1[x]) {
				m2[x] = m1[x];
				m1[x] = cl[x];
				who[x] = t->cand[i];
			} else if (cl[x] > m2[x]) {
				m2[x] = cl[x];
			}
		}
	}
	for (i = 0; i < t->ncand; i++) {
		uint32_t c = t->cand[i];
		unsigned tc = hb->ev[c].tid;
		uint32_t m = who[tc] == c ? m2[tc] : m1[tc];

		if (prevc && prevc[tc] > m)
			m = prevc[tc];
		if (m < hb->ev[c].idx)
			ks_race_backtrack(s, rc, c);
	}
}

void ks_dpor_races(struct ks_search *s, uint32_t e)
{
	const struct ks_hb *hb = &s->hb;
	const struct ks_hbev *ev = &hb->ev[e];
	struct ks_race rc = {
		.tid = ev->tid, .acc = ev->access, .j = e, .prev = ev->prev,
		.await = ev->await, .behind_leaf = true, .clock = ks_hb_clock(hb, e),
		.acc0 = &hb->acc[ev->acc0],
	};
	uint32_t i;

	ks_race_begin(s);
	for (i = ev->acc0; i < ev->acc0 + ev->nacc; i++)
		ks_gather(s, &rc, &hb->acc[i], hb->acc[i].kind);
	ks_races_apply(s, &rc);
}

void ks_dpor_pending_races(struct ks_search *s, uint32_t d, int tid)
{
	struct ks_hbpend p;
	struct ks_race rc;
	uint32_t i;

	ks_hb_pending(&s->hb, &s->r->threads[tid], tid, &p);
	rc = (struct ks_race){
		.tid = tid, .acc = p.ev.access, .j = d, .prev = p.ev.prev,
		.await = p.ev.await, .behind_leaf = true, .clock = p.clock, .acc0 = &p.acc[0],
	};
	ks_race_begin(s);
	for (i = 0; i < p.ev.nacc; i++)
		ks_gather(s, &rc, &p.acc[i], p.acc[i].kind);
	ks_races_apply(s, &rc);
}

/*
 * A section that could block (or kept the lock to the end) makes the order
 * of the leaf sections before it matter too: which of them it keeps waiting
 * depends on it.  So every acquire of the lock up to @acq is raced again
 * without looking behind, each once while it stays in the replayed prefix.
 */
void ks_dpor_section_races(struct ks_search *s, uint32_t acq)
{
	struct ks_hb *hb = &s->hb;
	int64_t x = acq;

	while (x >= 0 && !hb->ev[x].reraced) {
		struct ks_hbev *ev = &hb->ev[x];
		const struct ks_hbacc *a = &hb->acc[ev->acc0];
		struct ks_race rc = {
			.tid = ev->tid, .acc = ev->access, .j = (uint32_t)x, .prev = ev->prev,
			.await = ev->await, .behind_leaf = false,
			.clock = ks_hb_clock(hb, (uint32_t)x), .acc0 = a,
		};

		ev->reraced = true;
		ks_race_begin(s);
		ks_gather(s, &rc, a, a->kind);
		ks_races_apply(s, &rc);
		/* the acquire of the section before: release, then its acquire */
		x = -1;
		if (a->lw >= 0 && hb->acc[a->lw].acc == KS_RELEASE) {
			int32_t w = hb->acc[a->lw].lw;

			if (w >= 0 && hb->acc[w].acc == KS_ACQUIRE)
				x = hb->acc[w].ev;
		}
	}
}
