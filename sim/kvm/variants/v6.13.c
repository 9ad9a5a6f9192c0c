// SPDX-License-Identifier: GPL-2.0
/*
 * v6.13: Sean Christopherson's "KVM: Stop grabbing references to PFNMAP'd
 * pages" (v13, merged through kvm-no-struct-page, 5cb1659f4120) on the 6.x
 * TDP MMU (docs/semantics.md V5):
 *
 *  - c0461f20630b "Introduce kvm_follow_pfn()", 3dd48ecfac7f: the fault
 *    keeps the exact page gup gave it a reference on (refcounted_page), and
 *    dc06193532af, 8dd861cc07e2: puts that page, not a pfn, with
 *    kvm_release_faultin_page() while mmu_lock is still held;
 *  - 8b15c3764c05 and the PFNMAP patches: no reference at all on a
 *    VM_PFNMAP / VM_MIXEDMAP pfn;
 *  - aa85986e7150 "Mark folio dirty when creating SPTE, not when
 *    zapping/modifying", 66bc627e7fee: nothing is done to the page when an
 *    SPTE is zapped;
 *  - 93b7da404f5b "Drop APIs that manipulate 'struct page' via pfns":
 *    kvm_pfn_to_refcounted_page(), kvm_release_pfn_clean(),
 *    kvm_set_pfn_dirty() and kvm_set_pfn_accessed() are gone;
 *  - f00dfa90ceb1 (6.8) gfn-based retry, and the lockless early checks
 *    before and after gup (mmu_invalidate_retry_gfn_unsafe()).
 *
 *  - 2bcb52a3602b "Pin (as in FOLL_PIN) pages during kvm_vcpu_map()" and
 *    68e51d0a437b "Disallow direct access (w/o mmu_notifier) to unpinned
 *    pfn by default": kvm_vcpu_map() pins, and refuses a remapped pfn it
 *    cannot pin; kvm_vcpu_unmap() dirties a writable map and unpins.
 */
#include "kvm/6.x/kvm_host.h"

#include <errno.h>

#include "linux/highmem.h"

/* v6.13 virt/kvm/kvm_mm.h: struct kvm_follow_pfn, the fields modelled. */
struct kvm_follow_pfn {
	struct kvm_memory_slot *slot;
	gfn_t gfn;
	/* FOLL_* flags modifying lookup behavior, e.g. FOLL_WRITE. */
	unsigned int flags;
	/*
	 * Pin the page (effectively FOLL_PIN): it must be pinned if KVM will
	 * touch it through a kernel mapping, outside MMU-notifier protection.
	 */
	bool pin;
	/* If non-NULL, try to get a writable mapping even for a read fault. */
	bool *map_writable;
	/* Set to the page gup or pin gave KVM a reference on, else NULL. */
	struct page **refcounted_page;
	unsigned long hva;
};

/* kvm.allow_unsafe_mappings (68e51d0a437b): off, its default. */
static const bool allow_unsafe_mappings;

/*
 * v6.13 kvm_host.h: kvm_release_faultin_page(): put the page the fault got,
 * marking it dirty if the SPTE was made writable, or nothing if the fault
 * retried.  mmu_lock must be held unless the page went unused.
 */
static void v6_13_kvm_release_faultin_page(struct kvm *kvm, struct page *page, bool unused,
					   bool dirty)
{
	/* lockdep_assert_once(lockdep_is_held(&kvm->mmu_lock) || unused) */
	WARN_ON_ONCE(!unused && !kvm->mmu_section[ks_lock_tid()]);

	if (!page)
		return;

	/*
	 * If the page that KVM got from the *primary MMU* is writable, and KVM
	 * installed or reused a SPTE, mark the page/folio dirty.  Note, this
	 * may mark a folio dirty even if KVM created a read-only SPTE, e.g. if
	 * the GFN is write-protected.  Folios can't be safely marked dirty
	 * outside of mmu_lock as doing so could race with writeback on the
	 * folio.  As a result, KVM can't mark folios dirty in the fast page
	 * fault handler, and so KVM must (somewhat) speculatively mark the
	 * folio dirty if KVM could locklessly make the SPTE writable.
	 */
	if (unused)
		kvm_release_page_unused(page);
	else if (dirty)
		kvm_release_page_dirty(page);
	else
		kvm_release_page_clean(page);
}

/*
 * v6.13 kvm_main.c: hva_to_pfn_remapped() via follow_pfnmap_start(): the pfn
 * from the PTE, writable only if the PTE is, and no reference: there is no
 * refcounted page (kvm_resolve_pfn() with a PTE).
 */
static int hva_to_pfn_remapped(struct vm_area_struct *vma, struct kvm_follow_pfn *kfp,
			       kvm_pfn_t *p_pfn)
{
	unsigned long addr = kfp->hva, pfn;
	bool write_fault = kfp->flags & FOLL_WRITE;
	bool *writable = kfp->map_writable;
	enum pg_level level;
	pte_t pte;
	int r;

	KS_FUNC();
	/*
	 * Remapped memory cannot be pinned in any meaningful sense.  Bail if
	 * the caller wants to pin the page, i.e. access the page outside of
	 * MMU notifier protection, and unsafe mappings are disallowed.
	 */
	if (kfp->pin && !allow_unsafe_mappings)
		return -EINVAL;

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
	*p_pfn = pfn;
	return 0;
}

/*
 * v6.13 kvm_main.c: hva_to_pfn(struct kvm_follow_pfn *) (c0461f20630b):
 * gup-fast, gup-slow, then the VMA; *refcounted_page is the page gup
 * returned, NULL for a remapped pfn.  With .pin (2bcb52a3602b) the pages
 * are pinned (FOLL_PIN), the fast path only for a write, and a read is never
 * upgraded to a writable mapping.
 */
static kvm_pfn_t hva_to_pfn(struct kvm_follow_pfn *kfp)
{
	struct mm_struct *mm = kvm_current->mm;
	unsigned long hva = kfp->hva;
	bool write_fault = kfp->flags & FOLL_WRITE;
	struct vm_area_struct *vma;
	struct page *page;
	kvm_pfn_t pfn = 0;
	int npages, r;

	KS_FUNC();
	*kfp->refcounted_page = NULL;
	if (kfp->pin) {
		/* hva_to_pfn_fast(), hva_to_pfn_slow() with kfp->pin */
		if (write_fault && pin_user_pages_fast(hva, 1, FOLL_WRITE, &page) == 1)
			goto pinned;
		npages = (int)pin_user_pages_unlocked(hva, 1, &page, FOLL_HWPOISON | kfp->flags);
		if (npages == 1)
			goto pinned;
	} else {
		if (hva_to_pfn_fast(hva, write_fault, kfp->map_writable, &pfn))
			goto refcounted;

		npages = hva_to_pfn_slow(hva, NULL, write_fault, kfp->map_writable, &pfn);
		if (npages == 1)
			goto refcounted;
	}
	if (npages == -EINTR || npages == -EAGAIN)
		return KVM_PFN_ERR_FAULT;	/* KVM_PFN_ERR_SIGPENDING: no signals in the model */
	if (npages == -EHWPOISON)
		return KVM_PFN_ERR_HWPOISON;

	down_read(&mm->mmap_lock);
retry:
	vma = find_vma_intersection(mm, hva, hva + 1);
	if (vma == NULL)
		pfn = KVM_PFN_ERR_FAULT;
	else if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
		r = hva_to_pfn_remapped(vma, kfp, &pfn);
		if (r == -EAGAIN)
			goto retry;
		if (r < 0)
			pfn = KVM_PFN_ERR_FAULT;
	} else {
		pfn = KVM_PFN_ERR_FAULT;
	}
	up_read(&mm->mmap_lock);
	return pfn;

pinned:
	pfn = page_to_pfn(page);
refcounted:
	/* kvm_resolve_pfn() */
	*kfp->refcounted_page = pfn_to_page(pfn);
	return pfn;
}

/* v6.13 kvm_main.c: kvm_follow_pfn(): no slot is no pfn; a read-only slot is never written. */
static kvm_pfn_t kvm_follow_pfn(struct kvm_follow_pfn *kfp)
{
	if (!kfp->slot)
		return KVM_PFN_NOSLOT;
	if ((kfp->flags & FOLL_WRITE) && (kfp->slot->flags & KVM_MEM_READONLY))
		return KVM_PFN_ERR_RO_FAULT;

	kfp->hva = gfn_to_hva_memslot(kfp->slot, kfp->gfn);
	if (kfp->map_writable && (kfp->slot->flags & KVM_MEM_READONLY))
		kfp->map_writable = NULL;	/* *map_writable stays false */

	return hva_to_pfn(kfp);
}

/*
 * v6.13 kvm_host.h: mmu_invalidate_retry_gfn_unsafe(): the lockless check,
 * READ_ONCE() of the in-progress count and the sequence.
 */
static bool mmu_invalidate_retry_gfn_unsafe(struct kvm *kvm, unsigned long mmu_seq, gfn_t gfn)
{
	ks_sched_point(kvm->count_obj, KS_READ);
	if (kvm->mmu_invalidate_in_progress &&
	    gfn >= kvm->mmu_invalidate_gfn_start && gfn < kvm->mmu_invalidate_gfn_end)
		return true;
	ks_sched_point(kvm->seq_obj, KS_READ);
	return kvm->mmu_invalidate_seq != mmu_seq;
}

/* v6.13 mmu.c: kvm_mmu_finish_page_fault(): release the page, unused if the fault retries. */
static void kvm_mmu_finish_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault, int r)
{
	kvm_release_faultin_page(vcpu->kvm, fault->refcounted_page, r == RET_PF_RETRY,
				 fault->map_writable);
}

/*
 * v6.13 mmu.c: kvm_mmu_faultin_pfn(): the sequence first, a lockless retry
 * check before gup and another after it (each only to avoid contending
 * mmu_lock: the check under it is what counts).
 */
static int v6_13_kvm_faultin_pfn(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_follow_pfn kfp;

	ks_sched_point(kvm->seq_obj, KS_READ);
	fault->mmu_seq = kvm->mmu_invalidate_seq;
	/* smp_rmb() */

	if (!fault->slot) {
		fault->pfn = KVM_PFN_NOSLOT;	/* kvm_handle_noslot_fault(): an MMIO SPTE */
		return RET_PF_CONTINUE;
	}

	/*
	 * Check for a relevant mmu_notifier invalidation event before getting
	 * the pfn from the primary MMU, and before acquiring mmu_lock.
	 */
	if (mmu_invalidate_retry_gfn_unsafe(kvm, fault->mmu_seq, fault->gfn))
		return RET_PF_RETRY;

	/* __kvm_mmu_faultin_pfn() -> __kvm_faultin_pfn() -> kvm_follow_pfn() */
	fault->map_writable = false;
	kfp = (struct kvm_follow_pfn){
		.slot = fault->slot,
		.gfn = fault->gfn,
		.flags = fault->write ? FOLL_WRITE : 0,
		.map_writable = &fault->map_writable,
		.refcounted_page = &fault->refcounted_page,
	};
	fault->pfn = kvm_follow_pfn(&kfp);
	fault->hva = kfp.hva;
	if (is_error_pfn(fault->pfn))
		return kvm_handle_error_pfn(vcpu, fault);

	/*
	 * Check again for a relevant mmu_notifier invalidation event purely to
	 * avoid contending mmu_lock.  Most invalidations will be detected by
	 * the previous check, but checking is extremely cheap relative to the
	 * overall cost of failing to detect the invalidation until after
	 * mmu_lock is acquired.
	 */
	if (mmu_invalidate_retry_gfn_unsafe(kvm, fault->mmu_seq, fault->gfn)) {
		kvm_mmu_finish_page_fault(vcpu, fault, RET_PF_RETRY);
		return RET_PF_RETRY;
	}

	return RET_PF_CONTINUE;
}

/* v6.13 mmu.c: is_page_fault_stale() -> mmu_invalidate_retry_gfn() under mmu_lock. */
static bool v6_13_is_page_fault_stale(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	struct kvm *kvm = vcpu->kvm;

	if (!fault->slot)
		return false;
	ks_sched_point(kvm->count_obj, KS_READ);
	if (kvm->mmu_invalidate_in_progress) {
		/*
		 * Dropping mmu_lock after bumping mmu_invalidate_in_progress
		 * without first setting a non-zero range means the mmu_notifier
		 * will not be able to do its job.
		 */
		if (WARN_ON_ONCE(kvm->mmu_invalidate_gfn_start == ~0ULL))
			return true;
		if (fault->gfn >= kvm->mmu_invalidate_gfn_start &&
		    fault->gfn < kvm->mmu_invalidate_gfn_end)
			return true;
	}
	ks_sched_point(kvm->seq_obj, KS_READ);
	return kvm->mmu_invalidate_seq != fault->mmu_seq;
}

/*
 * v6.13 mmu.c: kvm_tdp_mmu_page_fault().  The page is released by
 * kvm_mmu_finish_page_fault() before mmu_lock is dropped: the exact page,
 * whatever level it was mapped at.
 */
static int v6_13_kvm_tdp_mmu_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
{
	int r;

	r = kvm_faultin_pfn(vcpu, fault);
	if (r != RET_PF_CONTINUE)
		return r;

	r = RET_PF_RETRY;
	kvm_mmu_read_lock(vcpu->kvm);

	if (is_page_fault_stale(vcpu, fault))
		goto out_unlock;
	kvm_oracle_retry_passed(vcpu->kvm);

	r = kvm_tdp_mmu_map(vcpu, fault);

out_unlock:
	kvm_mmu_finish_page_fault(vcpu, fault, r);
	kvm_mmu_read_unlock(vcpu->kvm);
	return r;
}

/*
 * v6.13 tdp_mmu.c: handle_changed_spte() no longer touches the page
 * (66bc627e7fee, aa85986e7150): Dirty was given to it when the writable
 * SPTE was made.
 */
static void v6_13_handle_changed_spte(struct kvm *kvm, gfn_t gfn, struct kvm_spte old_spte,
				      struct kvm_spte new_spte, int level, bool shared)
{
	(void)kvm;
	(void)gfn;
	(void)old_spte;
	(void)new_spte;
	(void)level;
	(void)shared;
}

/*
 * v6.13 kvm_main.c: __kvm_vcpu_map() (2bcb52a3602b), as kvm_vcpu_map()
 * calls it, writable: the page is pinned until kvm_vcpu_unmap().
 */
static int v6_13_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map)
{
	struct kvm_follow_pfn kfp = {
		.slot = gfn_to_memslot(vcpu->kvm, gfn),
		.gfn = gfn,
		.flags = FOLL_WRITE,
		.refcounted_page = &map->pinned_page,
		.pin = true,
	};

	map->pinned_page = NULL;
	map->page = NULL;
	map->hva = NULL;
	map->gfn = gfn;
	map->writable = true;

	map->pfn = kvm_follow_pfn(&kfp);
	if (is_error_noslot_pfn(map->pfn))
		return -EINVAL;

	if (pfn_valid(map->pfn)) {
		map->page = pfn_to_page(map->pfn);
		map->hva = kmap(map->page);
	} else {
		map->hva = memremap(pfn_to_hpa(map->pfn), PAGE_SIZE, MEMREMAP_WB);
	}

	return map->hva ? 0 : -EFAULT;
}

/*
 * v6.13 kvm_main.c: kvm_vcpu_unmap(): a writable map dirties the page
 * (kvm_vcpu_mark_page_dirty(), the dirty log, is not modelled), and the pin
 * goes.  6.13 has no @dirty: the map's writability decides.
 */
static void v6_13_kvm_vcpu_unmap(struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty)
{
	(void)vcpu;
	(void)dirty;
	if (!map->hva)
		return;

	if (map->page)
		kunmap(map->page);
	else
		memunmap(map->hva);

	if (map->pinned_page) {
		if (map->writable)
			kvm_set_page_dirty(map->pinned_page);
		kvm_set_page_accessed(map->pinned_page);
		unpin_user_page(map->pinned_page);
	}

	map->hva = NULL;
	map->page = NULL;
	map->pinned_page = NULL;
}

KVM_VARIANT(v6_13) = {
	.v = { .name = "v6.13", .base = "v6.6-stable",
	       .kernel = "v6.13: kvm_follow_pfn (c0461f20630b, 3dd48ecfac7f, dc06193532af, 93b7da404f5b)",
	       .summary = "the exact refcounted page released under mmu_lock; no refs on PFNMAP; dirty at SPTE creation",
	       .default_era = KS_ERA_5_18 },
	.date = "2025-01-19",
	.gen = &kvm_gen_6,
	.replaces6 = {
		.kvm_pfn_to_refcounted_page = KVM6_REMOVED(kvm_pfn_to_refcounted_page),
		.kvm_release_pfn_clean = KVM6_REMOVED(kvm_release_pfn_clean),
		.kvm_set_pfn_dirty = KVM6_REMOVED(kvm_set_pfn_dirty),
		.kvm_set_pfn_accessed = KVM6_REMOVED(kvm_set_pfn_accessed),
		.kvm_release_faultin_page = v6_13_kvm_release_faultin_page,
		.kvm_faultin_pfn = v6_13_kvm_faultin_pfn,
		.kvm_tdp_mmu_page_fault = v6_13_kvm_tdp_mmu_page_fault,
		.is_page_fault_stale = v6_13_is_page_fault_stale,
		.handle_changed_spte = v6_13_handle_changed_spte,
		.kvm_vcpu_map = v6_13_kvm_vcpu_map,
		.kvm_vcpu_unmap = v6_13_kvm_vcpu_unmap,
	},
	.commits6 = {
		.kvm_pfn_to_refcounted_page = "93b7da404f5b",
		.kvm_release_pfn_clean = "93b7da404f5b",
		.kvm_set_pfn_dirty = "93b7da404f5b",
		.kvm_set_pfn_accessed = "93b7da404f5b",
		.kvm_release_faultin_page = "dc06193532af, 8dd861cc07e2",
		.kvm_faultin_pfn = "c0461f20630b, 3dd48ecfac7f, 8b15c3764c05",
		.kvm_tdp_mmu_page_fault = "dc06193532af",
		.is_page_fault_stale = "f00dfa90ceb1",
		.handle_changed_spte = "66bc627e7fee, aa85986e7150",
		.kvm_vcpu_map = "2bcb52a3602b, 68e51d0a437b",
		.kvm_vcpu_unmap = "2bcb52a3602b",
	},
};
