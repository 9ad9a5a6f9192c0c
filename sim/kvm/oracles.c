// SPDX-License-Identifier: GPL-2.0
/*
 * The oracles of the KVM side (docs/design.md "Scenarios and oracles"):
 *
 *  stale-spte       at every step at which no invalidation covering the hva
 *                   is in progress, every 4K piece of every SPTE maps the host
 *                   pfn at the matching hva, and is writable only if the host
 *                   PTE is.
 *  unbind-survivor  an SPTE to a device's pfn after that device's unbind
 *                   finished.
 *  zap-survivor     an SPTE or vCPU TLB entry in the range of a
 *                   kvm_zap_gfn_range() when it drops mmu_lock.
 *  unprotected-page-access
 *                   KVM's own code touches a ZONE_DEVICE struct page while
 *                   its thread holds no reference on it and is not inside an
 *                   mmu_lock section that began with an SPTE mapping it
 *                   (Dan Williams' rule in the thread: pfn_to_page() of a
 *                   device pfn only while pinned, or under mmu_lock with a
 *                   live SPTE, which the unbind's zap must take first).
 *
 *                   Through a kvm_vcpu_map() mapping, which no notifier
 *                   protects, a touch of the memory needs a reference or pin
 *                   on a refcounted page (D2: the page must stay pinned from
 *                   map to unmap).
 *
 * The in-progress invalidations are recorded by KVM's own notifier callbacks
 * on entry to invalidate_range_start and after invalidate_range_end, which
 * bracket the window in which the mm may change the PTEs.  Each violation is
 * reported once per object per run.
 */
#include <string.h>

#include "kvm/kvm.h"

#include "linux/dax.h"

#define KVM_ORACLE_MAX_RANGES 16
#define KVM_ORACLE_MAX_REPORTED 64
#define KVM_ORACLE_MAX_DEVICES 4
#define KVM_ORACLE_MAX_ZAPPED 16

struct kvm_oracle_state {
	int nranges;
	unsigned long start[KVM_ORACLE_MAX_RANGES], end[KVM_ORACLE_MAX_RANGES];
	int nreported;
	struct {
		const char *oracle;
		ks_obj_t obj;
	} reported[KVM_ORACLE_MAX_REPORTED];
	int ndevices;
	struct dev_dax *devices[KVM_ORACLE_MAX_DEVICES];
	/*
	 * SPTEs cleared in an mmu_lock section still open: the section began
	 * with them present, so the A/D push after the clear is protected.
	 */
	int nzapped;
	struct {
		int tid;
		unsigned long taken;	/* kvm_mmu_lock_section() of the section */
		kvm_pfn_t pfn;
		unsigned long npages;
	} zapped[KVM_ORACLE_MAX_ZAPPED];
	/* Per thread: the kvm_mmu_lock_section() in which its retry check passed. */
	unsigned long retry_passed[KS_MAX_THREADS];
	/* What the last check saw: only a change of SPTEs, ranges or the host mm needs another. */
	bool dirty;
	uint64_t mm_gen;
};

static struct kvm_oracle_state *kos;

static void kvm_oracle_reset(void)
{
	kos = NULL;
}

static void kvm_oracle_page_freed(unsigned long pfn, unsigned long nr);
static void kvm_oracle_page_touched(struct page *page, const char *func);

__attribute__((constructor)) static void kvm_oracle_register(void)
{
	ks_on_run_begin(kvm_oracle_reset);
	ks_page_free_hook(kvm_oracle_page_freed);
	ks_page_touch_hook(kvm_oracle_page_touched);
}

static struct kvm_oracle_state *kvm_oracle_state(void)
{
	if (!kos)
		kos = ks_alloc(sizeof(*kos));
	return kos;
}

void kvm_oracle_watch_device(struct dev_dax *dev)
{
	struct kvm_oracle_state *s = kvm_oracle_state();

	if (s->ndevices < KVM_ORACLE_MAX_DEVICES)
		s->devices[s->ndevices++] = dev;
}

void kvm_oracle_invalidate_begin(unsigned long start, unsigned long end)
{
	struct kvm_oracle_state *s = kvm_oracle_state();

	if (s->nranges == KVM_ORACLE_MAX_RANGES) {
		/* Said, not skipped: stale-spte would misjudge this range. */
		ks_violation("model-limit", 0, "more than %d invalidations in progress",
			     KVM_ORACLE_MAX_RANGES);
		return;
	}
	s->start[s->nranges] = start;
	s->end[s->nranges] = end;
	s->nranges++;
	s->dirty = true;
}

void kvm_oracle_spte_changed(void)
{
	kvm_oracle_state()->dirty = true;
}

void kvm_oracle_invalidate_end(unsigned long start, unsigned long end)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	int i;

	for (i = 0; i < s->nranges; i++) {
		if (s->start[i] == start && s->end[i] == end) {
			s->dirty = true;
			s->nranges--;
			s->start[i] = s->start[s->nranges];
			s->end[i] = s->end[s->nranges];
			return;
		}
	}
}

static bool kvm_oracle_invalidating(const struct kvm_oracle_state *s,
				    unsigned long start, unsigned long end)
{
	int i;

	for (i = 0; i < s->nranges; i++)
		if (start < s->end[i] && s->start[i] < end)
			return true;
	return false;
}

/* Whether @oracle is yet to be reported on @obj in this run (and now is). */
static bool kvm_oracle_first(struct kvm_oracle_state *s, const char *oracle, ks_obj_t obj)
{
	int i;

	for (i = 0; i < s->nreported; i++)
		if (s->reported[i].obj == obj && !strcmp(s->reported[i].oracle, oracle))
			return false;
	if (s->nreported < KVM_ORACLE_MAX_REPORTED) {
		s->reported[s->nreported].oracle = oracle;
		s->reported[s->nreported++].obj = obj;
	}
	return true;
}

/*
 * The host pfn mapped at @hva and whether it is writable; false if none.
 *
 * A migration entry counts as its page, mapped as before: while the THP
 * split's unmap_page() .. remap_page() holds it, the page is locked and
 * pinned by the splitter, and remove_migration_pte() maps the same pfn back
 * (4.19 mm/migrate.c; the split only changes which struct page holds the
 * reference).  A fault between two remove_migration_pte() calls can map a
 * 2M SPTE over pieces not yet restored: PageTransCompoundMap() sees a
 * subpage whose rmap is not yet back (the false positive 4.19's
 * include/linux/page-flags.h warns of), but every piece names the page the
 * host is putting back, so no SPTE outlives its page.
 */
static bool kvm_oracle_host_pfn(struct mm_struct *mm, unsigned long hva,
				unsigned long *pfn, bool *writable)
{
	enum pg_level level;
	pte_t pte = ks_pte_peek(mm, hva, &level);
	unsigned long size;

	if (!pte_present(pte) && !(pte.val & _PAGE_SWP))
		return false;
	if (!pte_present(pte)) {
		*pfn = pte_pfn(pte);
		*writable = true;	/* the shim's entries restore a writable PTE */
		return true;
	}
	size = level == PG_LEVEL_1G ? PUD_SIZE : level == PG_LEVEL_2M ? PMD_SIZE : PAGE_SIZE;
	*pfn = pte_pfn(pte) + ((hva & (size - 1)) >> PAGE_SHIFT);
	*writable = pte_write(pte);
	return true;
}

/* The device whose memory holds @pfn, or NULL. */
static struct dev_dax *kvm_oracle_device_of(const struct kvm_oracle_state *s, kvm_pfn_t pfn)
{
	int d;

	for (d = 0; d < s->ndevices; d++)
		if (pfn >= s->devices[d]->pgmap.start_pfn &&
		    pfn < s->devices[d]->pgmap.start_pfn + s->devices[d]->pgmap.nr_pages)
			return s->devices[d];
	return NULL;
}

static void kvm_oracle_check_spte(struct kvm *kvm, struct kvm_oracle_state *s,
				  struct kvm_memory_slot *slot, gfn_t gfn, int level)
{
	struct kvm_spte *sptep = kvm_spte_at(slot, gfn, level);
	unsigned long npages = KVM_PAGES_PER_HPAGE(level), i;
	unsigned long hva0 = gfn_to_hva_memslot(slot, gfn);
	ks_obj_t obj = kvm_spte_obj(gfn, level);
	struct dev_dax *dev;

	if (!sptep->present)
		return;
	dev = kvm_oracle_device_of(s, sptep->pfn);
	if (dev && dev->unbound && kvm_oracle_first(s, "unbind-survivor", obj))
		ks_violation("unbind-survivor", obj,
			     "SPTE for gfn 0x%llx maps pfn 0x%llx of %s after its unbind finished",
			     (unsigned long long)gfn, (unsigned long long)sptep->pfn, dev->name);
	if (kvm_oracle_invalidating(s, hva0, hva0 + npages * PAGE_SIZE))
		return;
	for (i = 0; i < npages; i++) {
		unsigned long hva = hva0 + i * PAGE_SIZE, pfn;
		bool writable, mapped;

		if (gfn + i >= slot->base_gfn + slot->npages)
			break;
		mapped = kvm_oracle_host_pfn(kvm->mm, hva, &pfn, &writable);
		if (mapped && pfn == sptep->pfn + i && (writable || !sptep->writable))
			continue;
		if (!kvm_oracle_first(s, "stale-spte", obj))
			return;
		if (!mapped)
			ks_violation("stale-spte", obj,
				     "SPTE for gfn 0x%llx maps pfn 0x%llx but hva 0x%lx is not mapped",
				     (unsigned long long)(gfn + i),
				     (unsigned long long)(sptep->pfn + i), hva);
		else if (pfn != sptep->pfn + i)
			ks_violation("stale-spte", obj,
				     "SPTE for gfn 0x%llx maps pfn 0x%llx but hva 0x%lx maps pfn 0x%lx",
				     (unsigned long long)(gfn + i),
				     (unsigned long long)(sptep->pfn + i), hva, pfn);
		else
			ks_violation("stale-spte", obj,
				     "SPTE for gfn 0x%llx is writable but the PTE at hva 0x%lx is read-only",
				     (unsigned long long)(gfn + i), hva);
		return;
	}
}

/*
 * A page goes back to the allocator while an SPTE maps it: KVM holds no
 * reference for an SPTE (4.19 .. 6.12), so the MMU notifier must have zapped
 * it first; a guest access through it now reaches whatever the page becomes.
 */
static void kvm_oracle_page_freed(unsigned long pfn, unsigned long nr)
{
	struct kvm *kvm = kvm_current;
	int i;

	if (!kvm)
		return;
	for (i = 0; i < kvm->nr_present; i++) {
		const struct kvm_spte_ref *ref = &kvm->present[i];
		struct kvm_spte *sptep = kvm_spte_at(ref->slot, ref->gfn, ref->level);
		unsigned long n = KVM_PAGES_PER_HPAGE(ref->level);

		if (!sptep->present || sptep->pfn >= pfn + nr || pfn >= sptep->pfn + n)
			continue;
		ks_violation("refcount", KS_OBJ(KS_OBJ_PAGE, pfn),
			     "page 0x%lx freed while the SPTE for gfn 0x%llx maps pfn 0x%llx",
			     pfn, (unsigned long long)ref->gfn,
			     (unsigned long long)sptep->pfn);
		return;
	}
	for (i = 0; i < KVM_MAX_VCPUS * KVM_MAX_HOST_MAPS; i++) {
		const struct kvm_vcpu *vcpu = &kvm->vcpus[i / KVM_MAX_HOST_MAPS];
		const struct kvm_host_map *map = &vcpu->maps[i % KVM_MAX_HOST_MAPS];

		if (!map->hva || map->unmapping || !map->page || map->pfn < pfn ||
		    map->pfn >= pfn + nr)
			continue;
		ks_violation("refcount", KS_OBJ(KS_OBJ_PAGE, pfn),
			     "page 0x%lx freed while %s's kvm_vcpu_map() of gfn 0x%llx maps it",
			     pfn, vcpu->name, (unsigned long long)map->gfn);
		return;
	}
}

/* An SPTE for [@pfn, @pfn + @npages) was cleared by the current thread. */
void kvm_oracle_spte_zapped(struct kvm *kvm, kvm_pfn_t pfn, unsigned long npages)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	unsigned long section = kvm_mmu_lock_section(kvm);
	int tid = ks_tid(), i, slot = -1;

	if (!section)
		return;
	for (i = 0; i < s->nzapped; i++)
		if (s->zapped[i].tid == tid && s->zapped[i].taken != section)
			slot = i;	/* a section of this thread that is over */
	if (slot < 0) {
		if (s->nzapped == KVM_ORACLE_MAX_ZAPPED) {
			ks_violation("model-limit", KS_OBJ(KS_OBJ_PAGE, pfn),
				     "more than %d SPTEs zapped in open mmu_lock sections",
				     KVM_ORACLE_MAX_ZAPPED);
			return;
		}
		slot = s->nzapped++;
	}
	s->zapped[slot].tid = tid;
	s->zapped[slot].taken = section;
	s->zapped[slot].pfn = pfn;
	s->zapped[slot].npages = npages;
}

/*
 * The current thread's fault passed mmu_notifier_retry() under mmu_lock: no
 * invalidation can begin or end until it drops the lock, so what gup gave it
 * stays mapped, referenced or not (v4.19 mmu.c tdp_page_fault(); the
 * transparent_hugepage_adjust() that follows drops the tail's reference
 * before kvm_get_pfn() of the head asks kvm_is_reserved_pfn()).
 */
void kvm_oracle_retry_passed(struct kvm *kvm)
{
	unsigned long section = kvm_mmu_lock_section(kvm);
	int tid = ks_tid();

	if (tid >= 0 && section)
		kvm_oracle_state()->retry_passed[tid] = section;
}

/*
 * Whether the current thread's mmu_lock section covers @pfn: an SPTE maps
 * it, or did when the section began, or the section began with a passed
 * retry check.
 */
static bool kvm_oracle_lock_covers(struct kvm *kvm, const struct kvm_oracle_state *s,
				   unsigned long pfn)
{
	unsigned long section = kvm_mmu_lock_section(kvm);
	int tid = ks_tid(), i;

	if (!section)
		return false;
	if (s->retry_passed[tid] == section)
		return true;
	for (i = 0; i < kvm->nr_present; i++) {
		const struct kvm_spte_ref *ref = &kvm->present[i];
		const struct kvm_spte *sptep = kvm_spte_at(ref->slot, ref->gfn, ref->level);

		if (sptep->present && pfn >= sptep->pfn &&
		    pfn < sptep->pfn + KVM_PAGES_PER_HPAGE(ref->level))
			return true;
	}
	for (i = 0; i < s->nzapped; i++)
		if (s->zapped[i].tid == tid && s->zapped[i].taken == section &&
		    pfn >= s->zapped[i].pfn && pfn < s->zapped[i].pfn + s->zapped[i].npages)
			return true;
	return false;
}

/* Whether the current thread, or KVM on its behalf, holds a reference on @page. */
static bool kvm_oracle_holds_ref(struct page *page)
{
	struct page *pages[2] = { page, page->head ? page->head : page };
	const struct ks_ref *ref;
	int tid = ks_tid(), i;

	for (i = 0; i < 2; i++)
		for (ref = pages[i]->refs; ref; ref = ref->next)
			if ((ref->kind == KS_OWN_THREAD && ref->tid == tid) ||
			    ref->kind == KS_OWN_KVM)
				return true;
	return false;
}

/*
 * A touch of @page's fields.  Only KVM's own code is judged: the innermost
 * KVM frame has no gup frame inside it (gup validates the pages it takes
 * under its own protections).
 */
static void kvm_oracle_page_touched(struct page *page, const char *func)
{
	struct kvm *kvm = kvm_current;
	struct kvm_oracle_state *s;
	int k, i;

	if (!kvm || page->zone != ZONE_DEVICE)
		return;
	k = ks_frame_kvm_innermost();
	if (k < 0)
		return;
	for (i = k + 1; i < ks_frame_depth(); i++)
		if (ks_frame_is_gup(ks_frame_name(i)))
			return;
	s = kvm_oracle_state();
	if (kvm_oracle_holds_ref(page) || kvm_oracle_lock_covers(kvm, s, page->pfn))
		return;
	if (!kvm_oracle_first(s, "unprotected-page-access", KS_OBJ(KS_OBJ_PAGE, page->pfn)))
		return;
	ks_violation("unprotected-page-access", KS_OBJ(KS_OBJ_PAGE, page->pfn),
		     "%s (in %s) by %s touches device page 0x%lx with no reference on it and no mmu_lock section over an SPTE mapping it",
		     func, ks_frame_name(k), ks_thread_name(ks_tid()), page->pfn);
}

/* unbind-survivor: a kvm_vcpu_map() mapping into a device whose unbind finished. */
static void kvm_oracle_check_maps(struct kvm *kvm, struct kvm_oracle_state *s)
{
	int v, i;

	for (v = 0; v < KVM_MAX_VCPUS; v++) {
		for (i = 0; i < KVM_MAX_HOST_MAPS; i++) {
			const struct kvm_host_map *map = &kvm->vcpus[v].maps[i];
			struct dev_dax *dev;

			if (!map->hva || map->unmapping)
				continue;
			dev = kvm_oracle_device_of(s, map->pfn);
			if (!dev || !dev->unbound ||
			    !kvm_oracle_first(s, "unbind-survivor", KS_OBJ(KS_OBJ_PAGE, map->pfn)))
				continue;
			ks_violation("unbind-survivor", KS_OBJ(KS_OBJ_PAGE, map->pfn),
				     "%s's kvm_vcpu_map() of gfn 0x%llx maps pfn 0x%llx of %s after its unbind finished",
				     kvm->vcpus[v].name, (unsigned long long)map->gfn,
				     (unsigned long long)map->pfn, dev->name);
		}
	}
}

void kvm_oracle_map_access(struct kvm_vcpu *vcpu, const struct kvm_host_map *map, bool write)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	ks_obj_t obj = KS_OBJ(KS_OBJ_PAGE, map->pfn);
	struct page *page = map->page;
	struct dev_dax *dev = kvm_oracle_device_of(s, map->pfn);
	const char *how = write ? "writes" : "reads";

	/* the memory, as the page's refcount and its memmap: what can take it away */
	ks_page_point(map->pfn, 1U << KS_PF_REF, KS_READ);
	ks_log_note("kvm_vcpu_map access", obj, "%s pfn 0x%llx through the mapping of gfn 0x%llx",
		    write ? "write" : "read", (unsigned long long)map->pfn,
		    (unsigned long long)map->gfn);
	if (!page)
		return;	/* memremap()ed memory without a struct page: nothing refcounts it */
	if (dev && (dev->unbound || (page->section && page->section->removed))) {
		if (kvm_oracle_first(s, "unbind-survivor", obj))
			ks_violation("unbind-survivor", obj,
				     "%s %s pfn 0x%llx of %s through kvm_vcpu_map() of gfn 0x%llx after the unbind removed its memory",
				     vcpu->name, how, (unsigned long long)map->pfn, dev->name,
				     (unsigned long long)map->gfn);
		return;
	}
	if (page->zone != ZONE_DEVICE && (page->flags & (1UL << PG_reserved)))
		return;	/* never freed, never refcounted for KVM */
	if (kvm_oracle_holds_ref(page) ||
	    !kvm_oracle_first(s, "unprotected-page-access", obj))
		return;
	ks_violation("unprotected-page-access", obj,
		     "%s %s page 0x%llx through kvm_vcpu_map() of gfn 0x%llx holding no reference or pin on it (refcount %d)",
		     vcpu->name, how, (unsigned long long)map->pfn,
		     (unsigned long long)map->gfn, page->_refcount);
}

void kvm_oracles_after_step(struct kvm *kvm)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	uint64_t gen = ks_mm_generation();
	int i;

	kvm_oracle_check_maps(kvm, s);
	if (!s->dirty && s->mm_gen == gen)
		return;
	s->dirty = false;
	s->mm_gen = gen;
	for (i = 0; i < kvm->nr_present; i++)
		kvm_oracle_check_spte(kvm, s, kvm->present[i].slot,
				      kvm->present[i].gfn, kvm->present[i].level);
}

void kvm_oracles_finish(struct kvm *kvm)
{
	kvm_oracles_after_step(kvm);
	ks_audit();
}

/*
 * zap-survivor: kvm_zap_gfn_range()'s own promise, checked as it drops
 * mmu_lock -- nothing in the range is mapped, by an SPTE or (6.x, after the
 * flush) a vCPU's TLB.  Its callers (MTRR and CR0.CD updates, APICv
 * inhibits) rely on it to make the next access fault again.
 */
static bool kvm_gfn_frame_overlaps(gfn_t gfn, int level, gfn_t start, gfn_t end)
{
	gfn_t first = gfn & ~(KVM_PAGES_PER_HPAGE(level) - 1);

	return first < end && first + KVM_PAGES_PER_HPAGE(level) > start;
}

void kvm_oracle_zap_done(struct kvm *kvm, gfn_t start, gfn_t end)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	int v, i;

	for (i = 0; i < kvm->nr_present; i++) {
		const struct kvm_spte_ref *ref = &kvm->present[i];
		ks_obj_t obj = kvm_spte_obj(ref->gfn, ref->level);

		if (!kvm_gfn_frame_overlaps(ref->gfn, ref->level, start, end) ||
		    !kvm_oracle_first(s, "zap-survivor", obj))
			continue;
		ks_violation("zap-survivor", obj,
			     "the %s SPTE of gfn 0x%llx is present when kvm_zap_gfn_range(0x%llx-0x%llx) drops mmu_lock",
			     ref->level == PT_DIRECTORY_LEVEL ? "2M" : "4K",
			     (unsigned long long)ref->gfn, (unsigned long long)start,
			     (unsigned long long)end);
	}
	for (v = 0; v < KVM_MAX_VCPUS; v++) {
		const struct kvm_vcpu *vcpu = &kvm->vcpus[v];

		for (i = 0; i < vcpu->nr_tlb; i++) {
			const struct kvm_tlb_entry *e = &vcpu->tlb[i];
			ks_obj_t obj = kvm_spte_obj(e->gfn, e->level);

			if (!kvm_gfn_frame_overlaps(e->gfn, e->level, start, end) ||
			    !kvm_oracle_first(s, "zap-survivor", obj))
				continue;
			ks_violation("zap-survivor", obj,
				     "%s's TLB still maps gfn 0x%llx when kvm_zap_gfn_range(0x%llx-0x%llx) drops mmu_lock: zapped but not flushed",
				     vcpu->name, (unsigned long long)e->gfn,
				     (unsigned long long)start, (unsigned long long)end);
		}
	}
}

/*
 * stale-tlb: invalidate_range_start() is returning for [@start, @end), so
 * from here on the mm may free the pages: no vCPU's TLB may still translate
 * into the range.  A zap that dropped mmu_lock without flushing, or did not
 * flush at all, leaves one behind ("zapped but not flushed").  The 4.19-5.x
 * model has no TLB, so this holds there by construction.
 */
void kvm_oracle_invalidate_started(struct kvm *kvm, unsigned long start, unsigned long end)
{
	struct kvm_oracle_state *s = kvm_oracle_state();
	int v, i;

	for (v = 0; v < KVM_MAX_VCPUS; v++) {
		const struct kvm_vcpu *vcpu = &kvm->vcpus[v];

		for (i = 0; i < vcpu->nr_tlb; i++) {
			const struct kvm_tlb_entry *e = &vcpu->tlb[i];
			struct kvm_memory_slot *slot = gfn_to_memslot(kvm, e->gfn);
			unsigned long hva, len = KVM_PAGES_PER_HPAGE(e->level) * PAGE_SIZE;
			ks_obj_t obj = kvm_spte_obj(e->gfn, e->level);

			if (!slot)
				continue;
			hva = gfn_to_hva_memslot(slot, e->gfn);
			if (hva >= end || hva + len <= start)
				continue;
			if (!kvm_oracle_first(s, "stale-tlb", obj))
				continue;
			ks_violation("stale-tlb", obj,
				     "%s's TLB still maps gfn 0x%llx to pfn 0x%llx when invalidate_range_start(0x%lx-0x%lx) returns: zapped but not flushed",
				     vcpu->name, (unsigned long long)e->gfn,
				     (unsigned long long)e->pfn, start, end);
		}
	}
}
