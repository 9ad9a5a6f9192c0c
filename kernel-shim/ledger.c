// SPDX-License-Identifier: GPL-2.0
/*
 * The reference ledger: who holds each reference of a page or a pgmap,
 * newest first.  A reference taken is recorded for the current owner context
 * (KS_OWNER(), by default the thread, its step and its outermost function); a
 * reference dropped removes the context's record, else the thread's most
 * recent one.  A put by an owner that holds none is a "refcount" violation:
 * it drops a reference that belongs to someone else (the double put of a
 * buggy variant).  The audit and the hang report read the ledger.
 */
#include <string.h>

#include "internal.h"

#define KS_MAX_OWNERS 8

struct ks_owner_ctx {
	enum ks_owner_kind kind;
	uint64_t key;
};

static struct {
	int n;
	struct ks_owner_ctx ctx[KS_MAX_OWNERS];
} ks_owners[KS_NR_SLOTS];

struct ks_owner_scope ks_owner_push(enum ks_owner_kind kind, uint64_t key)
{
	int slot = ks_slot();
	int n = ks_owners[slot].n++;

	if (n < KS_MAX_OWNERS)
		ks_owners[slot].ctx[n] = (struct ks_owner_ctx){ kind, key };
	return (struct ks_owner_scope){ 0 };
}

void ks_owner_pop(struct ks_owner_scope *s)
{
	int slot = ks_slot();

	(void)s;
	if (ks_owners[slot].n > 0)
		ks_owners[slot].n--;
}

/* The innermost explicit context, or NULL for the thread itself. */
static const struct ks_owner_ctx *ks_owner_cur(void)
{
	int slot = ks_slot();
	int n = ks_owners[slot].n;

	if (!n)
		return NULL;
	return &ks_owners[slot].ctx[(n > KS_MAX_OWNERS ? KS_MAX_OWNERS : n) - 1];
}

const char *ks_owner_name(enum ks_owner_kind kind)
{
	static const char *const names[KS_OWN_NR] = {
		[KS_OWN_MEMMAP] = "memmap",
		[KS_OWN_ALLOC] = "allocator",
		[KS_OWN_PTE] = "pte",
		[KS_OWN_PAGECACHE] = "page cache",
		[KS_OWN_THREAD] = "thread",
		[KS_OWN_KVM] = "kvm",
		[KS_OWN_PGMAP_PAGE] = "page",
	};

	return (unsigned int)kind < KS_OWN_NR ? names[kind] : "?";
}

bool ks_frame_is_gup(const char *f)
{
	return strstr(f, "get_user_page") || strstr(f, "pin_user_page") ||
	       !strncmp(f, "gup_", 4) || !strncmp(f, "__gup_", 6);
}

/* The outermost gup frame of the current thread, or -1 outside gup. */
static int ks_gup_depth(void)
{
	int i;

	for (i = 0; i < ks_frame_depth(); i++)
		if (ks_frame_is_gup(ks_frame_name(i)))
			return i;
	return -1;
}

/*
 * The function a reference is attributed to: gup's caller for a gup
 * reference ("gup by vcpu0 hva_to_pfn_fast"), else the innermost frame.
 */
static const char *ks_ref_func(int gup)
{
	if (gup > 0)
		return ks_frame_name(gup - 1);
	return ks_frame_depth() ? ks_frame_name(ks_frame_depth() - 1) : NULL;
}

void ks_ledger_add(struct ks_ref **refs, enum ks_owner_kind kind, uint64_t key,
		   int nr)
{
	while (nr-- > 0) {
		struct ks_ref *ref = ks_alloc(sizeof(*ref));
		int gup = ks_gup_depth();

		ref->kind = kind;
		ref->key = key;
		ref->tid = (int16_t)ks_tid();
		ref->step = ks_step();
		ref->func = ks_ref_func(gup);
		ref->gup = kind == KS_OWN_THREAD && gup >= 0;
		ref->next = *refs;
		*refs = ref;
	}
}

void ks_ledger_get(struct ks_ref **refs, int nr)
{
	const struct ks_owner_ctx *ctx = ks_owner_cur();

	if (ctx)
		ks_ledger_add(refs, ctx->kind, ctx->key, nr);
	else
		ks_ledger_add(refs, KS_OWN_THREAD, 0, nr);
}

static bool ks_ref_is_mine(const struct ks_ref *ref)
{
	return ref->kind == KS_OWN_THREAD && ref->tid == ks_tid();
}

/* The link to the current thread's most recent record, or NULL. */
static struct ks_ref **ks_ledger_mine(struct ks_ref **refs)
{
	for (; *refs; refs = &(*refs)->next)
		if (ks_ref_is_mine(*refs))
			return refs;
	return NULL;
}

void ks_ledger_remove(struct ks_ref **refs, enum ks_owner_kind kind, uint64_t key)
{
	for (; *refs; refs = &(*refs)->next)
		if ((*refs)->kind == kind && (*refs)->key == key) {
			*refs = (*refs)->next;
			return;
		}
}

bool ks_ledger_put(struct ks_ref **refs, ks_obj_t obj, const char *func)
{
	const struct ks_owner_ctx *ctx = ks_owner_cur();
	struct ks_ref **link = NULL;
	struct ks_buf b = { 0 };
	char o[96];

	if (ctx)
		for (link = refs; *link; link = &(*link)->next)
			if ((*link)->kind == ctx->kind && (*link)->key == ctx->key)
				break;
	if (!link || !*link)
		link = ks_ledger_mine(refs);
	if (link) {
		*link = (*link)->next;
		return true;
	}
	/*
	 * A put by someone who holds no reference takes one that belongs to
	 * another owner: the count goes down, the record stays, and whoever
	 * owns it will later put a reference that is already gone.
	 */
	ks_obj_format(obj, o, sizeof(o));
	for (link = refs; *link; link = &(*link)->next) {
		ks_buf_printf(&b, "%s", b.len ? "; " : "");
		ks_ref_describe(*link, &b);
	}
	ks_violation("refcount", obj, "%s by %s on %s, which %s holds no reference on (its references: %s)",
		     func, ks_thread_name(ks_tid()), o,
		     ctx ? ks_owner_name(ctx->kind) : ks_thread_name(ks_tid()),
		     b.len ? b.s : "none");
	ks_buf_free(&b);
	return false;
}

int ks_ledger_count(const struct ks_ref *refs)
{
	int n = 0;

	for (; refs; refs = refs->next)
		n++;
	return n;
}

void ks_ref_describe(const struct ks_ref *ref, struct ks_buf *out)
{
	char o[96];

	switch (ref->kind) {
	case KS_OWN_MEMMAP:
		ks_buf_printf(out, ref->key == KS_KEY_PERCPU_INIT ?
			      "percpu_ref initial ref" : "memmap init ref");
		break;
	case KS_OWN_PTE:
		ks_obj_format(ref->key, o, sizeof(o));
		ks_buf_printf(out, "%s", o);
		break;
	case KS_OWN_THREAD:
	case KS_OWN_KVM:
		ks_buf_printf(out, "%s by %s%s%s at step %u",
			      ref->kind == KS_OWN_KVM ? "kvm" : ref->gup ? "gup" : "ref",
			      ks_thread_name(ref->tid), ref->func ? " " : "",
			      ref->func ? ref->func : "", ref->step);
		break;
	case KS_OWN_PGMAP_PAGE:
		ks_buf_printf(out, "page 0x%llx", (unsigned long long)ref->key);
		break;
	default:
		ks_buf_printf(out, "%s ref", ks_owner_name(ref->kind));
		break;
	}
}

void ks_page_refs_describe(struct page *page, struct ks_buf *out)
{
	const struct ks_ref *ref;
	size_t start = out->len;

	for (ref = ks_head(page)->refs; ref; ref = ref->next) {
		if (out->len != start)
			ks_buf_printf(out, "; ");
		ks_ref_describe(ref, out);
	}
	if (out->len == start)
		ks_buf_printf(out, "no references");
}

int ks_page_nrefs(struct page *page)
{
	return ks_ledger_count(ks_head(page)->refs);
}

bool ks_ref_transfer(struct page *page, enum ks_owner_kind kind, uint64_t key)
{
	struct page *head = ks_head(page);
	struct ks_ref **link = ks_ledger_mine(&head->refs);
	struct ks_buf b = { 0 };

	if (!link)
		return false;
	(*link)->kind = kind;
	(*link)->key = key;
	ks_ref_describe(*link, &b);
	ks_log_note("ks_ref_transfer", KS_OBJ(KS_OBJ_PAGE, head->pfn), "now %s", b.s);
	ks_buf_free(&b);
	return true;
}

static void ks_ledger_reset(void)
{
	memset(ks_owners, 0, sizeof(ks_owners));
}

static void __attribute__((constructor)) ks_ledger_init(void)
{
	ks_on_run_begin(ks_ledger_reset);
}
