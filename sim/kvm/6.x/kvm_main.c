// SPDX-License-Identifier: GPL-2.0
/*
 * virt/kvm/kvm_main.c of the 6.x generation, as of v6.6 (the 6.0-6.12 design
 * as maintained in 6.6.y; docs/semantics.md V4): the refcounted-page helpers,
 * hva -> pfn, the rwlock mmu_lock, and the MMU-notifier callbacks with
 * range-based invalidation; and the generation's interface.
 *
 * Lifted function by function with the kernel's names and control flow; the
 * model's simplifications are said where they are made.
 */
#include "kvm/6.x/kvm_host.h"

#include <errno.h>
#include <string.h>

#include "linux/highmem.h"
#include "linux/mmu_notifier.h"

const struct kvm6_variant_ops *kvm6_ops;

/* ---- mmu_lock (KVM_HAVE_MMU_RWLOCK) ---------------------------------------------- */

/*
 * read_lock(&kvm->mmu_lock) / KVM_MMU_LOCK(): the rwlock, and the section the
 * thread is in for the oracles (kvm_mmu_lock_section()).
 */
static void kvm_mmu_section_begin(struct kvm *kvm)
{
	kvm->mmu_section[ks_lock_tid()] = ++kvm->mmu_sections;
}

static void kvm_mmu_section_end(struct kvm *kvm)
{
	kvm->mmu_section[ks_lock_tid()] = 0;
}

void kvm_mmu_read_lock(struct kvm *kvm)
{
	read_lock(&kvm->mmu_rwlock);
	kvm_mmu_section_begin(kvm);
}

void kvm_mmu_read_unlock(struct kvm *kvm)
{
	kvm_mmu_section_end(kvm);
	read_unlock(&kvm->mmu_rwlock);
}

void KVM_MMU_LOCK(struct kvm *kvm)
{
	write_lock(&kvm->mmu_rwlock);
	kvm_mmu_section_begin(kvm);
}

void KVM_MMU_UNLOCK(struct kvm *kvm)
{
	kvm_mmu_section_end(kvm);
	write_unlock(&kvm->mmu_rwlock);
}

/* ---- refcounted pages (v6.6 kvm_main.c) ------------------------------------------- */

/*
 * v6.6: kvm_is_zone_device_page() (284dc4930773).  A page nobody holds a
 * reference to may be going away: its ZONE_DEVICE metadata is not to be
 * trusted.
 */
static bool kvm_is_zone_device_page(struct page *page)
{
	/*
	 * The metadata used by is_zone_device_page() to determine whether or
	 * not a page is ZONE_DEVICE is guaranteed to be valid if and only if the
	 * device has been pinned, e.g. by get_user_pages().  WARN if the page
	 * is not pinned.
	 */
	if (WARN_ON_ONCE(!page_count(page)))
		return false;

	return is_zone_device_page(page);
}

/*
 * v6.6: kvm_pfn_to_refcounted_page() (b14b2690c50e, 6573a6910ce4): the page
 * of @pfn if KVM must refcount it -- not PG_reserved, or the zero page, or
 * ZONE_DEVICE (which is PG_reserved but refcounted) -- else NULL.
 */
struct page *v6_6_kvm_pfn_to_refcounted_page(kvm_pfn_t pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return NULL;

	page = pfn_to_page(pfn);
	if (!PageReserved(page))
		return page;

	/* The ZERO_PAGE(s) is marked PG_reserved, but is refcounted. */
	if (is_zero_pfn(pfn))
		return page;

	/*
	 * ZONE_DEVICE pages currently set PG_reserved, but from a refcounting
	 * perspective they are "normal" pages, albeit with slightly different
	 * usage rules.
	 */
	if (kvm_is_zone_device_page(page))
		return page;

	return NULL;
}

/* v6.6: kvm_is_ad_tracked_page() (a1040b0d42ac): never ZONE_DEVICE or the zero page. */
bool kvm_is_ad_tracked_page(struct page *page)
{
	/*
	 * Per page-flags.h, pages tagged PG_reserved "should in general not be
	 * touched (e.g. set dirty) except by its owner".
	 */
	return !PageReserved(page);
}

void kvm_set_page_dirty(struct page *page)
{
	if (kvm_is_ad_tracked_page(page))
		SetPageDirty(page);
}

void kvm_set_page_accessed(struct page *page)
{
	if (kvm_is_ad_tracked_page(page))
		mark_page_accessed(page);
}

/* v6.6: kvm_release_page_clean(). */
void kvm_release_page_clean(struct page *page)
{
	if (!page)
		return;

	kvm_set_page_accessed(page);
	put_page(page);
}

/* v6.6: kvm_release_page_dirty(). */
void kvm_release_page_dirty(struct page *page)
{
	if (!page)
		return;

	kvm_set_page_dirty(page);
	kvm_release_page_clean(page);
}

/* 6.13 kvm_host.h: kvm_release_page_unused(): a fault that retried marks nothing. */
void kvm_release_page_unused(struct page *page)
{
	if (!page)
		return;

	put_page(page);
}

/* v6.6: kvm_release_pfn_clean() (8e1c69149f27: no pfn_to_page() round trip). */
void v6_6_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	struct page *page;

	if (is_error_noslot_pfn(pfn))
		return;

	page = kvm_pfn_to_refcounted_page(pfn);
	if (!page)
		return;

	kvm_release_page_clean(page);
}

/* v6.6: kvm_set_pfn_dirty(): only an A/D-tracked page, so never a ZONE_DEVICE one. */
void v6_6_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (WARN_ON(is_error_noslot_pfn(pfn)))
		return;

	if (pfn_valid(pfn))
		kvm_set_page_dirty(pfn_to_page(pfn));
}

/* v6.6: kvm_set_pfn_accessed(). */
void v6_6_kvm_set_pfn_accessed(kvm_pfn_t pfn)
{
	if (WARN_ON(is_error_noslot_pfn(pfn)))
		return;

	if (pfn_valid(pfn))
		kvm_set_page_accessed(pfn_to_page(pfn));
}

/* ---- hva -> pfn ---------------------------------------------------------------------- */

/*
 * v6.6: kvm_try_get_pfn(): a reference on a refcounted page only; a pfn
 * without one is fine as it is.
 */
static bool kvm_try_get_pfn(kvm_pfn_t pfn)
{
	struct page *page = kvm_pfn_to_refcounted_page(pfn);

	if (!page)
		return true;

	return get_page_unless_zero(page);
}

/*
 * v6.6: hva_to_pfn_remapped().  VM_IO | VM_PFNMAP: the pfn from the PTE,
 * writable only if the PTE is (follow_pte(); the CVE-2021-22543 fix), and a
 * reference only on a refcounted page, refused if it is being freed.
 */
static int hva_to_pfn_remapped(struct vm_area_struct *vma, unsigned long addr,
			       bool write_fault, bool *writable, kvm_pfn_t *p_pfn)
{
	unsigned long pfn;
	enum pg_level level;
	pte_t pte;
	int r;

	KS_FUNC();
	r = hva_follow_pfn(vma, addr, write_fault, &pfn);
	if (r)
		return r;
	pte = ks_pte_get(kvm_current->mm, addr, &level);

	if (write_fault && !pte_write(pte)) {
		*p_pfn = KVM_PFN_ERR_RO_FAULT;
		return 0;
	}

	if (writable)
		*writable = pte_write(pte);

	if (!kvm_try_get_pfn(pfn))
		r = -EFAULT;

	*p_pfn = pfn;
	return r;
}

/*
 * v6.6: hva_to_pfn().  The fast and slow gup paths are the ones 4.19 had in
 * substance (get_user_page_fast_only() is __get_user_pages_fast() of one
 * page); the VMA fallback uses the 6.6 hva_to_pfn_remapped().
 */
kvm_pfn_t v6_6_hva_to_pfn(unsigned long addr, bool atomic, bool *async, bool write_fault,
			  bool *writable)
{
	struct mm_struct *mm = kvm_current->mm;
	struct vm_area_struct *vma;
	kvm_pfn_t pfn = 0;
	int npages, r;

	KS_FUNC();
	if (hva_to_pfn_fast(addr, write_fault, writable, &pfn))
		return pfn;

	if (atomic)
		return KVM_PFN_ERR_FAULT;

	npages = hva_to_pfn_slow(addr, async, write_fault, writable, &pfn);
	if (npages == 1)
		return pfn;
	if (npages == -EINTR)
		return KVM_PFN_ERR_FAULT;	/* KVM_PFN_ERR_SIGPENDING: the model has no signals */

	down_read(&mm->mmap_lock);
	if (npages == -EHWPOISON) {
		pfn = KVM_PFN_ERR_HWPOISON;
		goto exit;
	}

retry:
	vma = find_vma_intersection(mm, addr, addr + 1);

	if (vma == NULL)
		pfn = KVM_PFN_ERR_FAULT;
	else if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
		r = hva_to_pfn_remapped(vma, addr, write_fault, writable, &pfn);
		if (r == -EAGAIN)
			goto retry;
		if (r < 0)
			pfn = KVM_PFN_ERR_FAULT;
	} else {
		pfn = KVM_PFN_ERR_FAULT;	/* the model has no async page faults */
	}
exit:
	up_read(&mm->mmap_lock);
	return pfn;
}

/*
 * v6.6: __gfn_to_pfn_memslot(), which also returns the hva the retry check
 * compares with the invalidation in progress.
 */
kvm_pfn_t v6_6___gfn_to_pfn_memslot(struct kvm_memory_slot *slot, gfn_t gfn, bool atomic,
				    bool *async, bool write_fault, bool *writable,
				    unsigned long *hva)
{
	unsigned long addr;

	KS_FUNC();
	if (hva)
		*hva = 0;
	if (!slot) {
		if (writable)
			*writable = false;
		return KVM_PFN_NOSLOT;
	}
	if (write_fault && (slot->flags & KVM_MEM_READONLY)) {
		if (writable)
			*writable = false;
		return KVM_PFN_ERR_RO_FAULT;
	}
	addr = gfn_to_hva_memslot(slot, gfn);
	if (hva)
		*hva = addr;

	/* Do not map writable pfn in the readonly memslot. */
	if (writable && (slot->flags & KVM_MEM_READONLY)) {
		*writable = false;
		writable = NULL;
	}

	return v6_6_hva_to_pfn(addr, atomic, async, write_fault, writable);
}

/* ---- mapping a guest page for KVM's own use ------------------------------------ */

/* v6.6 kvm_host.h: a map of memory with no struct page (the model's is NULL). */
#define KVM_UNMAPPED_PAGE NULL

/* v6.6 kvm_main.c: kvm_release_pfn_dirty(). */
static void kvm_release_pfn_dirty(kvm_pfn_t pfn)
{
	struct page *page;

	if (is_error_noslot_pfn(pfn))
		return;

	page = kvm_pfn_to_refcounted_page(pfn);
	if (!page)
		return;

	kvm_release_page_dirty(page);
}

/*
 * v6.6 kvm_main.c: kvm_vcpu_map(): gfn_to_pfn() -- a reference on a
 * refcounted page -- then kmap() of a struct page or memremap() of the rest.
 * Nothing but that reference keeps the page until kvm_vcpu_unmap().
 */
int v6_6_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map)
{
	kvm_pfn_t pfn;
	void *hva = NULL;
	struct page *page = KVM_UNMAPPED_PAGE;

	if (!map)
		return -EINVAL;

	pfn = v6_6___gfn_to_pfn_memslot(gfn_to_memslot(vcpu->kvm, gfn), gfn, false, NULL, true,
					NULL, NULL);
	if (is_error_noslot_pfn(pfn))
		return -EINVAL;

	if (pfn_valid(pfn)) {
		page = pfn_to_page(pfn);
		hva = kmap(page);
	} else {
		hva = memremap(pfn_to_hpa(pfn), PAGE_SIZE, MEMREMAP_WB);
	}

	if (!hva)
		return -EFAULT;

	map->page = page;
	map->hva = hva;
	map->pfn = pfn;
	map->gfn = gfn;

	return 0;
}

/*
 * v6.6 kvm_main.c: kvm_vcpu_unmap() -> kvm_release_pfn(): by pfn, dirty if
 * the caller wrote (kvm_vcpu_mark_page_dirty(), the dirty log, is not
 * modelled).
 */
void v6_6_kvm_vcpu_unmap(struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty)
{
	(void)vcpu;
	if (!map)
		return;

	if (!map->hva)
		return;

	if (map->page != KVM_UNMAPPED_PAGE)
		kunmap(map->page);
	else
		memunmap(map->hva);

	if (dirty)
		kvm_release_pfn_dirty(map->pfn);
	else
		kvm_release_pfn_clean(map->pfn);

	map->hva = NULL;
	map->page = NULL;
}

/*
 * v6.6 kvm_host.h: mmu_invalidate_retry_hva() (4a42d848db95, renamed by
 * 20ec3ebd707c): retry if an invalidation in progress covers @hva, or one
 * ended since @mmu_seq was read.  mmu_lock is held (for read).
 */
bool mmu_invalidate_retry_hva(struct kvm *kvm, unsigned long mmu_seq, unsigned long hva)
{
	ks_sched_point(kvm->count_obj, KS_READ);
	if (kvm->mmu_invalidate_in_progress &&
	    hva >= kvm->mmu_invalidate_range_start &&
	    hva < kvm->mmu_invalidate_range_end)
		return true;
	ks_sched_point(kvm->seq_obj, KS_READ);
	if (kvm->mmu_invalidate_seq != mmu_seq)
		return true;
	return false;
}

/* ---- MMU notifier callbacks (v6.6 kvm_main.c) ------------------------------------------ */

static struct kvm *mmu_notifier_to_kvm(struct mmu_notifier *mn)
{
	return (struct kvm *)((char *)mn - offsetof(struct kvm, mmu_notifier));
}

/* The memslot of @kvm that [@start, @end) overlaps, in gfns: false if none. */
static bool hva_range_to_gfns(struct kvm_memory_slot *slot, unsigned long start,
			      unsigned long end, gfn_t *gfn_start, gfn_t *gfn_end)
{
	unsigned long s_start = slot->userspace_addr;
	unsigned long s_end = s_start + slot->npages * PAGE_SIZE;
	unsigned long hva_start = start > s_start ? start : s_start;
	unsigned long hva_end = end < s_end ? end : s_end;

	if (hva_start >= hva_end)
		return false;
	/* hva_to_gfn_memslot(), rounding the end up as __kvm_handle_hva_range() does */
	*gfn_start = slot->base_gfn + ((hva_start - s_start) >> PAGE_SHIFT);
	*gfn_end = slot->base_gfn + ((hva_end - s_start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return true;
}

/* v6.6: kvm_mmu_invalidate_begin(): in_progress++, the range the union of those in flight. */
void kvm_mmu_invalidate_begin(struct kvm *kvm, unsigned long start, unsigned long end)
{
	/*
	 * The count increase must become visible at unlock time as no spte can
	 * be established without taking the mmu_lock and count is also read
	 * inside the mmu_lock critical section.
	 */
	ks_sched_point(kvm->count_obj, KS_WRITE);
	ks_log("mmu_invalidate_in_progress++", kvm->count_obj, KS_V_INT,
	       kvm->mmu_invalidate_in_progress, kvm->mmu_invalidate_in_progress + 1);
	kvm->mmu_invalidate_in_progress++;
	if (kvm->mmu_invalidate_in_progress == 1) {
		kvm->mmu_invalidate_range_start = start;
		kvm->mmu_invalidate_range_end = end;
		/* 6.8+: INVALID_GPA until kvm_mmu_invalidate_range_add() */
		kvm->mmu_invalidate_gfn_start = ~0ULL;
		kvm->mmu_invalidate_gfn_end = ~0ULL;
	} else {
		/*
		 * Fully tracking multiple concurrent ranges has diminishing
		 * returns.  Keep things simple and just find the minimal range
		 * which includes the current and new ranges.
		 */
		if (start < kvm->mmu_invalidate_range_start)
			kvm->mmu_invalidate_range_start = start;
		if (end > kvm->mmu_invalidate_range_end)
			kvm->mmu_invalidate_range_end = end;
	}
}

/*
 * 6.8+ (f00dfa90ceb1): kvm_mmu_invalidate_range_add(), the gfns of one
 * memslot's part of the invalidation, unioned with those in flight.
 */
void kvm_mmu_invalidate_range_add(struct kvm *kvm, gfn_t start, gfn_t end)
{
	if (kvm->mmu_invalidate_gfn_start == ~0ULL) {
		kvm->mmu_invalidate_gfn_start = start;
		kvm->mmu_invalidate_gfn_end = end;
	} else {
		if (start < kvm->mmu_invalidate_gfn_start)
			kvm->mmu_invalidate_gfn_start = start;
		if (end > kvm->mmu_invalidate_gfn_end)
			kvm->mmu_invalidate_gfn_end = end;
	}
}

/* v6.6: kvm_mmu_invalidate_end(): seq++, smp_wmb(), in_progress--. */
void kvm_mmu_invalidate_end(struct kvm *kvm)
{
	/*
	 * This sequence increase will notify the kvm page fault that the page
	 * that is going to be mapped in the spte could have been freed.
	 */
	ks_sched_point(kvm->seq_obj, KS_WRITE);
	ks_log("mmu_invalidate_seq++", kvm->seq_obj, KS_V_INT,
	       (int64_t)kvm->mmu_invalidate_seq, (int64_t)kvm->mmu_invalidate_seq + 1);
	kvm->mmu_invalidate_seq++;
	/* smp_wmb(): the sequence increase before the count decrease */
	ks_sched_point(kvm->count_obj, KS_WRITE);
	ks_log("mmu_invalidate_in_progress--", kvm->count_obj, KS_V_INT,
	       kvm->mmu_invalidate_in_progress, kvm->mmu_invalidate_in_progress - 1);
	kvm->mmu_invalidate_in_progress--;
}

/*
 * v6.6: kvm_mmu_notifier_invalidate_range_start() -> __kvm_handle_hva_range()
 * with on_lock = kvm_mmu_invalidate_begin, handler = kvm_unmap_gfn_range and
 * flush_on_ret: mmu_lock is taken for write only if a memslot overlaps the
 * range, and then the invalidation begins, each slot's gfns are zapped
 * (may_block: the zap may yield), and the TLBs are flushed if anything was.
 */
static int kvm_mmu_notifier_invalidate_range_start(struct mmu_notifier *mn,
				const struct mmu_notifier_range *range)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	bool locked = false, flush = false;
	int i;

	KS_FUNC();
	kvm_oracle_invalidate_begin(range->start, range->end);
	if (kvm->dead)
		return 0;	/* mmu_notifier_unregister() took us off the chain */
	/* spin_lock(&kvm->mn_invalidate_lock) */
	kvm->mn_active_invalidate_count++;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		gfn_t start, end;

		if (!hva_range_to_gfns(slot, range->start, range->end, &start, &end))
			continue;
		if (!locked) {
			locked = true;
			KVM_MMU_LOCK(kvm);
			kvm_mmu_invalidate_begin(kvm, range->start, range->end);
		}
		kvm_mmu_invalidate_range_add(kvm, start, end);
		flush |= kvm_unmap_gfn_range(kvm, slot, start, end, range->blockable, false);
	}
	if (flush)
		kvm_flush_remote_tlbs(kvm);
	if (locked) {
		kvm_oracle_invalidate_started(kvm, range->start, range->end);
		KVM_MMU_UNLOCK(kvm);
	}
	return 0;
}

/*
 * v6.6: kvm_mmu_notifier_invalidate_range_end(): the same walk with on_lock
 * = kvm_mmu_invalidate_end and nothing to zap.
 */
static void kvm_mmu_notifier_invalidate_range_end(struct mmu_notifier *mn,
				const struct mmu_notifier_range *range)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	int i;

	KS_FUNC();
	if (!kvm->dead) {
		for (i = 0; i < kvm->nr_memslots; i++) {
			gfn_t start, end;

			if (!hva_range_to_gfns(&kvm->memslots[i], range->start, range->end,
					       &start, &end))
				continue;
			KVM_MMU_LOCK(kvm);
			kvm_mmu_invalidate_end(kvm);
			KVM_MMU_UNLOCK(kvm);
			break;
		}
		kvm->mn_active_invalidate_count--;
		BUG_ON(kvm->mmu_invalidate_in_progress < 0);
	}
	kvm_oracle_invalidate_end(range->start, range->end);
}

/*
 * v6.6: kvm_mmu_notifier_change_pte() -> kvm_set_spte_gfn() (TDP MMU:
 * kvm_tdp_mmu_set_spte_gfn()).  Every caller of set_pte_at_notify() brackets
 * it with invalidate_range_start/end, so the SPTE is normally gone already.
 */
static void kvm_mmu_notifier_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
					unsigned long address, pte_t pte)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	bool flush = false;
	int i;

	KS_FUNC();
	(void)mm;
	if (kvm->dead)
		return;
	WARN_ON_ONCE(!kvm->mn_active_invalidate_count);
	for (i = 0; i < kvm->nr_memslots; i++) {
		gfn_t start, end;

		if (!hva_range_to_gfns(&kvm->memslots[i], address, address + 1, &start, &end))
			continue;
		KVM_MMU_LOCK(kvm);
		/*
		 * .change_pte() must be surrounded by .invalidate_range_{start,end}().
		 * If mmu_invalidate_in_progress is zero, then no in-progress
		 * invalidations, including this one, found a relevant memslot at
		 * start(); rechecking memslots here is unnecessary.
		 */
		if (kvm->mmu_invalidate_in_progress)
			flush = kvm_tdp_mmu_set_spte_gfn(kvm, start, pte);
		if (flush)
			kvm_flush_remote_tlbs(kvm);
		KVM_MMU_UNLOCK(kvm);
		break;
	}
}

/* v6.6: kvm_mmu_notifier_clear_flush_young() -> kvm_age_gfn(), flush_on_ret. */
static int kvm_mmu_notifier_clear_flush_young(struct mmu_notifier *mn, struct mm_struct *mm,
					      unsigned long start, unsigned long end)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	bool young = false, locked = false;
	int i;

	KS_FUNC();
	(void)mm;
	if (kvm->dead)
		return 0;
	for (i = 0; i < kvm->nr_memslots; i++) {
		gfn_t gstart, gend;

		if (!hva_range_to_gfns(&kvm->memslots[i], start, end, &gstart, &gend))
			continue;
		if (!locked) {
			locked = true;
			KVM_MMU_LOCK(kvm);
		}
		young |= kvm_tdp_mmu_age_gfn_range(kvm, gstart, gend);
	}
	if (young)
		kvm_flush_remote_tlbs(kvm);
	if (locked)
		KVM_MMU_UNLOCK(kvm);
	return young;
}

/* v6.6: kvm_mmu_notifier_release() -> kvm_flush_shadow_all() -> kvm_mmu_zap_all(). */
static void kvm_mmu_notifier_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);

	KS_FUNC();
	(void)mm;
	kvm_mmu_zap_all6(kvm);
}

static const struct mmu_notifier_ops kvm_mmu_notifier_ops = {
	.invalidate_range_start	= kvm_mmu_notifier_invalidate_range_start,
	.invalidate_range_end	= kvm_mmu_notifier_invalidate_range_end,
	.clear_flush_young	= kvm_mmu_notifier_clear_flush_young,
	.change_pte		= kvm_mmu_notifier_change_pte,
	.release		= kvm_mmu_notifier_release,
};

/* ---- the VM ------------------------------------------------------------------------------ */

/* kvm_create_vm(): mmu_lock the rwlock, the notifier on the VMM's mm. */
static struct kvm *kvm_create_vm6(struct mm_struct *mm)
{
	struct kvm *kvm = ks_alloc(sizeof(*kvm));

	kvm->gen = &kvm_gen_6;
	rwlock_init(&kvm->mmu_rwlock, "mmu_lock");
	kvm->mm = mm;
	kvm->seq_obj = ks_obj_named_value(KS_OBJ_VAR, "mmu_invalidate_seq",
					  &kvm->mmu_invalidate_seq,
					  sizeof(kvm->mmu_invalidate_seq));
	kvm->count_obj = ks_obj_named_value(KS_OBJ_VAR, "mmu_invalidate_in_progress",
					    &kvm->mmu_invalidate_in_progress,
					    sizeof(kvm->mmu_invalidate_in_progress));
	kvm->mmu_notifier.ops = &kvm_mmu_notifier_ops;
	mmu_notifier_register(&kvm->mmu_notifier, mm);
	kvm_current = kvm;
	return kvm;
}

/*
 * kvm_destroy_vm(): mmu_notifier_unregister() runs ->release (zap all, then
 * flush) and takes KVM off the chain; the model marks the VM dead instead.
 */
static void kvm_destroy_vm6(struct kvm *kvm)
{
	KS_FUNC();
	kvm_mmu_notifier_release(&kvm->mmu_notifier, kvm->mm);
	KVM_MMU_LOCK(kvm);
	kvm->dead = true;
	ks_log_note("kvm_destroy_vm", 0, "mmu_notifier_unregister");
	KVM_MMU_UNLOCK(kvm);
}

/* ---- the generation -------------------------------------------------------------------- */

static int kvm_vcpu_map6(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map)
{
	return kvm_vcpu_map(vcpu, gfn, map);
}

static void kvm_vcpu_unmap6(struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty)
{
	kvm_vcpu_unmap(vcpu, map, dirty);
}

static const char *const kvm6_op_names[] = {
#define KVM_OP(ret, name, params, args, trace) #name,
#define KVM_OP_VOID(name, params, args) #name,
#include "kvm/6.x/kvm-ops.h"
};
static const bool kvm6_op_optional[] = {
#define KVM_OP(ret, name, params, args, trace) false,
#define KVM_OP_VOID(name, params, args) false,
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace) true,
#define KVM_OP_VOID_OPTIONAL(name, params, args) true,
#include "kvm/6.x/kvm-ops.h"
};
#define KVM6_NR_OPS (sizeof(kvm6_op_names) / sizeof(kvm6_op_names[0]))

_Static_assert(sizeof(struct kvm6_variant_ops) == KVM6_NR_OPS * sizeof(void (*)(void)),
	       "struct kvm6_variant_ops is one pointer per op of 6.x/kvm-ops.h");
_Static_assert(sizeof(struct kvm6_variant_commits) == KVM6_NR_OPS * sizeof(const char *),
	       "struct kvm6_variant_commits is one string per op of 6.x/kvm-ops.h");

static void kvm_gen_6_select(const void *ops)
{
	kvm6_ops = ops;
}

const struct kvm_generation kvm_gen_6 = {
	.name = "6.x",
	.nr_ops = KVM6_NR_OPS,
	.op_names = kvm6_op_names,
	.op_optional = kvm6_op_optional,
	.select = kvm_gen_6_select,
	.create_vm = kvm_create_vm6,
	.set_memory_region = kvm_set_memory_region,
	.vcpu_create = kvm_vcpu_create6,
	.vcpu_fault = kvm_vcpu_fault6,
	.vcpu_access = kvm_vcpu_access6,
	.vcpu_map = kvm_vcpu_map6,
	.vcpu_unmap = kvm_vcpu_unmap6,
	.zap_gfn_range = kvm_zap_gfn_range6,
	.destroy_vm = kvm_destroy_vm6,
	.decide = kvm6_decide,
};
