// SPDX-License-Identifier: GPL-2.0
/*
 * virt/kvm/kvm_main.c as of v4.19.0 (84df9525b0c2), the base every variant
 * builds on: the reserved-pfn predicate, the page-reference helpers, hva ->
 * pfn through gup, memslots, and the MMU-notifier callbacks.
 *
 * Lifted function by function with the kernel's names and control flow; the
 * model's simplifications are said where they are made.
 */
#include "kvm/kvm.h"

#include <errno.h>
#include <string.h>

#include "linux/highmem.h"
#include "linux/mmu_notifier.h"

/* ---- pfn predicates and reference helpers -------------------------------- */

/* v4.19 kvm_main.c: kvm_is_reserved_pfn(); ZONE_DEVICE pages are PG_reserved. */
bool v4_19_kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn));

	return true;
}

/* v4.19 kvm_main.c: kvm_release_pfn_clean(). */
void v4_19_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn))
		put_page(pfn_to_page(pfn));
}

/*
 * v4.19 kvm_main.c: kvm_set_pfn_dirty(), with the inner PageReserved() check
 * that Barret Rhoden's RFC v2 called redundant (gone by v5.4).
 */
void v4_19_kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn)) {
		struct page *page = pfn_to_page(pfn);

		if (!PageReserved(page))
			SetPageDirty(page);
	}
}

/* v4.19 kvm_main.c: kvm_set_pfn_accessed(). */
void v4_19_kvm_set_pfn_accessed(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn))
		mark_page_accessed(pfn_to_page(pfn));
}

/* v4.19 kvm_main.c: kvm_get_pfn(). */
void v4_19_kvm_get_pfn(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn))
		get_page(pfn_to_page(pfn));
}

/* ---- hva -> pfn ------------------------------------------------------------ */

/*
 * v4.19 kvm_main.c: hva_to_pfn_fast().  Fast-pin a writable pfn only for a
 * write fault or when the caller accepts a writable mapping.
 */
bool hva_to_pfn_fast(unsigned long addr, bool write_fault, bool *writable, kvm_pfn_t *pfn)
{
	struct page *page[1];
	int npages;

	KS_FUNC();
	if (!(write_fault || writable))
		return false;

	npages = __get_user_pages_fast(addr, 1, 1, page);
	if (npages == 1) {
		*pfn = page_to_pfn(page[0]);
		if (writable)
			*writable = true;
		return true;
	}

	return false;
}

/*
 * v4.19 kvm_main.c: hva_to_pfn_slow().  A read fault that may map writable
 * upgrades to a writable page if gup-fast gives one, dropping the first.
 */
int hva_to_pfn_slow(unsigned long addr, bool *async, bool write_fault, bool *writable,
		    kvm_pfn_t *pfn)
{
	unsigned int flags = FOLL_HWPOISON;
	struct page *page;
	long npages;

	KS_FUNC();
	might_sleep();

	if (writable)
		*writable = write_fault;

	if (async)
		flags |= FOLL_NOWAIT;
	if (write_fault)
		flags |= FOLL_WRITE;

	npages = get_user_pages_unlocked(addr, 1, &page, flags);
	if (npages != 1)
		return (int)npages;

	/* map read fault as writable if possible */
	if (!write_fault && writable) {
		struct page *wpage;

		if (__get_user_pages_fast(addr, 1, 1, &wpage) == 1) {
			*writable = true;
			put_page(page);
			page = wpage;
		}
	}
	*pfn = page_to_pfn(page);
	return (int)npages;
}

/*
 * The start of hva_to_pfn_remapped() in every kernel modelled: the pfn from
 * the PTE (follow_pfn(), follow_pte() from 5.13, follow_pfnmap_start() in
 * 6.13), faulting it in once with fixup_user_fault() if it is not there;
 * -EAGAIN if that dropped mmap_lock and the VMA must be looked up again.
 */
int hva_follow_pfn(struct vm_area_struct *vma, unsigned long addr, bool write_fault,
		   unsigned long *pfn)
{
	int r = follow_pfn(vma, addr, pfn);

	if (r) {
		bool unlocked = false;

		r = fixup_user_fault(kvm_current->mm, addr,
				     write_fault ? FAULT_FLAG_WRITE : 0, &unlocked);
		if (unlocked)
			return -EAGAIN;
		if (r)
			return r;

		r = follow_pfn(vma, addr, pfn);
	}
	return r;
}

/*
 * v4.19 kvm_main.c: hva_to_pfn_remapped().  VM_IO | VM_PFNMAP: the pfn comes
 * from the PTE; kvm_get_pfn() takes a reference only if it is not reserved
 * (it matters for VM_MIXEDMAP only).
 */
static int hva_to_pfn_remapped(struct vm_area_struct *vma, unsigned long addr,
			       bool *async, bool write_fault, bool *writable,
			       kvm_pfn_t *p_pfn)
{
	unsigned long pfn;
	int r;

	KS_FUNC();
	r = hva_follow_pfn(vma, addr, write_fault, &pfn);
	if (r)
		return r;

	if (writable)
		*writable = true;

	kvm_get_pfn(pfn);

	*p_pfn = pfn;
	return 0;
}

/*
 * v4.19 kvm_main.c: hva_to_pfn().  Fast path, then slow path, then the VMA
 * fallback under mmap_sem.  current->mm is the VMM's mm (kvm->mm here).
 */
kvm_pfn_t v4_19_hva_to_pfn(unsigned long addr, bool atomic, bool *async,
			   bool write_fault, bool *writable)
{
	struct mm_struct *mm = kvm_current->mm;
	struct vm_area_struct *vma;
	kvm_pfn_t pfn = 0;
	int npages, r;

	if (hva_to_pfn_fast(addr, write_fault, writable, &pfn))
		return pfn;

	if (atomic)
		return KVM_PFN_ERR_FAULT;

	npages = hva_to_pfn_slow(addr, async, write_fault, writable, &pfn);
	if (npages == 1)
		return pfn;

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
		r = hva_to_pfn_remapped(vma, addr, async, write_fault, writable, &pfn);
		if (r == -EAGAIN)
			goto retry;
		if (r < 0)
			pfn = KVM_PFN_ERR_FAULT;
	} else {
		/* The model has no async page faults (async == NULL). */
		pfn = KVM_PFN_ERR_FAULT;
	}
exit:
	up_read(&mm->mmap_lock);
	return pfn;
}

/* ---- memslots ---------------------------------------------------------------- */

struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn)
{
	int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		if (gfn >= slot->base_gfn && gfn < slot->base_gfn + slot->npages)
			return slot;
	}
	return NULL;
}

unsigned long gfn_to_hva_memslot(struct kvm_memory_slot *slot, gfn_t gfn)
{
	return slot->userspace_addr + (gfn - slot->base_gfn) * PAGE_SIZE;
}

/*
 * v4.19 kvm_main.c: __gfn_to_pfn_memslot().  No slot: KVM_PFN_NOSLOT (MMIO);
 * a read-only slot never maps writable.
 */
kvm_pfn_t __gfn_to_pfn_memslot(struct kvm_memory_slot *slot, gfn_t gfn,
			       bool atomic, bool *async, bool write_fault,
			       bool *writable)
{
	unsigned long addr;

	KS_FUNC();
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

	/* Do not map writable pfn in the readonly memslot. */
	if (writable && (slot->flags & KVM_MEM_READONLY)) {
		*writable = false;
		writable = NULL;
	}

	return hva_to_pfn(addr, atomic, async, write_fault, writable);
}

/* ---- mapping a guest page for KVM's own use ------------------------------------ */

/* 4.19 kvm_host.h: KVM_ERR_PTR_BAD_PAGE is ERR_PTR(-ENOENT); the model's is NULL. */
#define KVM_ERR_PTR_BAD_PAGE NULL
#define is_error_page(page) ((page) == KVM_ERR_PTR_BAD_PAGE)

/* v4.19 kvm_main.c: kvm_release_pfn_dirty(). */
void kvm_release_pfn_dirty(kvm_pfn_t pfn)
{
	kvm_set_pfn_dirty(pfn);
	kvm_release_pfn_clean(pfn);
}

/* v4.19 kvm_main.c: kvm_release_page_clean(). */
static void kvm_release_page_clean(struct page *page)
{
	WARN_ON(is_error_page(page));

	kvm_release_pfn_clean(page_to_pfn(page));
}

/* v4.19 kvm_main.c: kvm_release_page_dirty(). */
static void kvm_release_page_dirty(struct page *page)
{
	WARN_ON(is_error_page(page));

	kvm_release_pfn_dirty(page_to_pfn(page));
}

/*
 * v4.19 kvm_main.c: kvm_pfn_to_page().  A reserved pfn has no page KVM may
 * use: WARN, and the reference gfn_to_pfn() took is not given back.
 */
static struct page *kvm_pfn_to_page(kvm_pfn_t pfn)
{
	if (is_error_noslot_pfn(pfn))
		return KVM_ERR_PTR_BAD_PAGE;

	if (kvm_is_reserved_pfn(pfn)) {
		WARN_ON(1);
		return KVM_ERR_PTR_BAD_PAGE;
	}

	return pfn_to_page(pfn);
}

/* v4.19 kvm_main.c: kvm_vcpu_gfn_to_page() -> kvm_vcpu_gfn_to_pfn() -> gfn_to_pfn_memslot(). */
static struct page *kvm_vcpu_gfn_to_page(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	kvm_pfn_t pfn;

	KS_FUNC();
	pfn = __gfn_to_pfn_memslot(gfn_to_memslot(vcpu->kvm, gfn), gfn, false, NULL, true, NULL);

	return kvm_pfn_to_page(pfn);
}

/*
 * 4.19 has no kvm_vcpu_map() (e45adf665a53, v5.1, replaced this idiom):
 * nested VMX mapped the virtual-APIC page and the posted-interrupt
 * descriptor with kvm_vcpu_gpa_to_page() and kmap(), and let go with kunmap()
 * and kvm_release_page_dirty() (4.19 vmx.c nested_get_vmcs12_pages(),
 * nested_release_vmcs12()).  The page's reference is what keeps it there.
 */
int v4_19_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map)
{
	struct page *page = kvm_vcpu_gfn_to_page(vcpu, gfn);

	if (is_error_page(page))
		return -EINVAL;

	map->page = page;
	map->hva = kmap(page);
	map->pfn = page_to_pfn(page);
	map->gfn = gfn;
	return 0;
}

void v4_19_kvm_vcpu_unmap(struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty)
{
	(void)vcpu;
	if (!map->hva)
		return;

	kunmap(map->page);
	if (dirty)
		kvm_release_page_dirty(map->page);
	else
		kvm_release_page_clean(map->page);

	map->hva = NULL;
	map->page = NULL;
}

/*
 * kvm_arch_create_memslot() (x86): lpage_info.  A 2M frame is disallowed when
 * it is only partly inside the slot, or everywhere when the slot's gfn and
 * hva are not congruent modulo 2M.
 */
int kvm_set_memory_region(struct kvm *kvm, int id, gfn_t base_gfn,
			  unsigned long npages, unsigned long hva, uint32_t flags)
{
	struct kvm_memory_slot *slot;
	gfn_t first, last;
	unsigned long i;

	if (kvm->nr_memslots == KVM_MAX_SLOTS)
		return -1;
	slot = &kvm->memslots[kvm->nr_memslots++];
	slot->id = id;
	slot->base_gfn = base_gfn;
	slot->npages = npages;
	slot->userspace_addr = hva;
	slot->flags = flags;
	first = base_gfn >> 9;
	last = (base_gfn + npages - 1) >> 9;
	slot->nr_lpages = (unsigned long)(last - first + 1);
	slot->disallow_lpage = ks_alloc(slot->nr_lpages * sizeof(bool));
	slot->disallow_lpage[0] = (base_gfn & 511) != 0;
	slot->disallow_lpage[slot->nr_lpages - 1] |= ((base_gfn + npages) & 511) != 0;
	if (((base_gfn ^ (hva >> PAGE_SHIFT)) & 511) != 0)
		for (i = 0; i < slot->nr_lpages; i++)
			slot->disallow_lpage[i] = true;
	slot->spte_4k = ks_alloc(npages * sizeof(struct kvm_spte));
	slot->spte_2m = ks_alloc(slot->nr_lpages * sizeof(struct kvm_spte));
	return 0;
}

/* ---- MMU notifier callbacks (v4.19 kvm_main.c) -------------------------------- */

static struct kvm *mmu_notifier_to_kvm(struct mmu_notifier *mn)
{
	return (struct kvm *)((char *)mn - offsetof(struct kvm, mmu_notifier));
}

/* v4.19: kvm_mmu_notifier_invalidate_range_start(): count++, zap, flush. */
static int kvm_mmu_notifier_invalidate_range_start(struct mmu_notifier *mn,
				const struct mmu_notifier_range *range)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);

	KS_FUNC();
	kvm_oracle_invalidate_begin(range->start, range->end);
	spin_lock(&kvm->mmu_lock);
	if (kvm->dead)
		goto out_unlock;	/* mmu_notifier_unregister() took us off the chain */
	/*
	 * The count increase must become visible at unlock time as no spte can
	 * be established without taking the mmu_lock and count is also read
	 * inside the mmu_lock critical section.
	 */
	ks_sched_point(kvm->count_obj, KS_WRITE);
	ks_log("mmu_notifier_count++", kvm->count_obj, KS_V_INT,
	       kvm->mmu_notifier_count, kvm->mmu_notifier_count + 1);
	kvm->mmu_notifier_count++;
	kvm_unmap_hva_range(kvm, range->start, range->end);
	/* The TLB flush before the pages can be freed is implied: no vCPU TLB. */
out_unlock:
	spin_unlock(&kvm->mmu_lock);
	return 0;
}

/* v4.19: kvm_mmu_notifier_invalidate_range_end(): seq++, smp_wmb, count--. */
static void kvm_mmu_notifier_invalidate_range_end(struct mmu_notifier *mn,
				const struct mmu_notifier_range *range)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);

	KS_FUNC();
	spin_lock(&kvm->mmu_lock);
	if (!kvm->dead) {
		/*
		 * This sequence increase will notify the kvm page fault that the
		 * page that is going to be mapped in the spte could have been
		 * freed.
		 */
		ks_sched_point(kvm->seq_obj, KS_WRITE);
		ks_log("mmu_notifier_seq++", kvm->seq_obj, KS_V_INT,
		       (int64_t)kvm->mmu_notifier_seq, (int64_t)kvm->mmu_notifier_seq + 1);
		kvm->mmu_notifier_seq++;
		/*
		 * The above sequence increase must be visible before the below
		 * count decrease, which is ensured by the smp_wmb above in
		 * conjunction with the smp_rmb in mmu_notifier_retry().
		 */
		ks_sched_point(kvm->count_obj, KS_WRITE);
		ks_log("mmu_notifier_count--", kvm->count_obj, KS_V_INT,
		       kvm->mmu_notifier_count, kvm->mmu_notifier_count - 1);
		kvm->mmu_notifier_count--;
		BUG_ON(kvm->mmu_notifier_count < 0);
	}
	spin_unlock(&kvm->mmu_lock);
	kvm_oracle_invalidate_end(range->start, range->end);
}

/*
 * v4.19: kvm_mmu_notifier_change_pte() -> kvm_set_spte_hva(): seq++, then a
 * writable new PTE drops the SPTE, a read-only one repoints it.
 */
static void kvm_mmu_notifier_change_pte(struct mmu_notifier *mn,
					struct mm_struct *mm,
					unsigned long address, pte_t pte)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	int i;

	KS_FUNC();
	spin_lock(&kvm->mmu_lock);
	if (kvm->dead)
		goto out_unlock;
	ks_sched_point(kvm->seq_obj, KS_WRITE);
	kvm->mmu_notifier_seq++;
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		unsigned long end = slot->userspace_addr + slot->npages * PAGE_SIZE;
		gfn_t gfn;
		struct kvm_spte *sptep;

		if (address < slot->userspace_addr || address >= end)
			continue;
		gfn = slot->base_gfn + ((address - slot->userspace_addr) >> PAGE_SHIFT);
		/* kvm_set_pte_rmapp: a huge SPTE over the page is dropped. */
		sptep = kvm_spte_at(slot, gfn, PT_DIRECTORY_LEVEL);
		if (sptep && sptep->present)
			drop_spte(kvm, sptep, gfn & ~511ULL, PT_DIRECTORY_LEVEL);
		sptep = kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL);
		if (!sptep->present)
			continue;
		if (pte_write(pte)) {
			drop_spte(kvm, sptep, gfn, PT_PAGE_TABLE_LEVEL);
		} else {
			mmu_spte_clear_track_bits(kvm, sptep, gfn, PT_PAGE_TABLE_LEVEL);
			set_spte(kvm, sptep, PT_PAGE_TABLE_LEVEL, gfn, pte_pfn(pte), false, false);
		}
	}
out_unlock:
	spin_unlock(&kvm->mmu_lock);
}

/* v4.19: kvm_mmu_notifier_clear_flush_young() -> kvm_age_hva(): clear Accessed. */
static int kvm_mmu_notifier_clear_flush_young(struct mmu_notifier *mn,
					      struct mm_struct *mm,
					      unsigned long start,
					      unsigned long end)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);
	int young = 0, i;

	KS_FUNC();
	spin_lock(&kvm->mmu_lock);
	for (i = 0; !kvm->dead && i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		unsigned long s_end = slot->userspace_addr + slot->npages * PAGE_SIZE;
		unsigned long hva;

		for (hva = start & PAGE_MASK; hva < end; hva += PAGE_SIZE) {
			gfn_t gfn;
			int level;

			if (hva < slot->userspace_addr || hva >= s_end)
				continue;
			gfn = slot->base_gfn + ((hva - slot->userspace_addr) >> PAGE_SHIFT);
			for (level = PT_PAGE_TABLE_LEVEL; level <= PT_DIRECTORY_LEVEL; level++) {
				gfn_t g = level == PT_DIRECTORY_LEVEL ? gfn & ~511ULL : gfn;
				struct kvm_spte *sptep = kvm_spte_at(slot, gfn, level);

				if (!sptep || !sptep->present)
					continue;
				/* mmu_spte_age() with A/D bits: clear Accessed. */
				ks_sched_point(kvm_spte_obj(g, level), KS_WRITE);
				if (sptep->present && sptep->accessed) {
					young = 1;
					sptep->accessed = false;
					ks_log("mmu_spte_age", kvm_spte_obj(g, level),
					       KS_V_BOOL, 1, 0);
				}
			}
		}
	}
	spin_unlock(&kvm->mmu_lock);
	return young;
}

/* v4.19: kvm_mmu_notifier_release() -> kvm_arch_flush_shadow_all(). */
static void kvm_mmu_notifier_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct kvm *kvm = mmu_notifier_to_kvm(mn);

	KS_FUNC();
	kvm_mmu_zap_all(kvm);
}

static const struct mmu_notifier_ops kvm_mmu_notifier_ops = {
	.invalidate_range_start	= kvm_mmu_notifier_invalidate_range_start,
	.invalidate_range_end	= kvm_mmu_notifier_invalidate_range_end,
	.clear_flush_young	= kvm_mmu_notifier_clear_flush_young,
	.change_pte		= kvm_mmu_notifier_change_pte,
	.release		= kvm_mmu_notifier_release,
};

/* ---- the VM ------------------------------------------------------------------------ */

struct kvm *kvm_current;

/* The VM lives in the run arena: a new run has none until its setup makes one. */
static void kvm_current_reset(void)
{
	kvm_current = NULL;
}

__attribute__((constructor)) static void kvm_current_register(void)
{
	ks_on_run_begin(kvm_current_reset);
}

/* kvm_create_vm(): mmu_lock, the notifier on the VMM's mm. */
struct kvm *kvm_create_vm(struct mm_struct *mm)
{
	struct kvm *kvm = ks_alloc(sizeof(*kvm));

	kvm->gen = &kvm_gen_4_19;
	spin_lock_init(&kvm->mmu_lock, "mmu_lock");
	kvm->mm = mm;
	kvm->seq_obj = ks_obj_named_value(KS_OBJ_VAR, "mmu_notifier_seq",
					  &kvm->mmu_notifier_seq, sizeof(kvm->mmu_notifier_seq));
	kvm->count_obj = ks_obj_named_value(KS_OBJ_VAR, "mmu_notifier_count",
					    &kvm->mmu_notifier_count,
					    sizeof(kvm->mmu_notifier_count));
	kvm->mmu_notifier.ops = &kvm_mmu_notifier_ops;
	mmu_notifier_register(&kvm->mmu_notifier, mm);
	kvm_current = kvm;
	return kvm;
}

/*
 * kvm_destroy_vm(): mmu_notifier_unregister() runs ->release (zap all) and
 * takes KVM off the chain; the model marks the VM dead instead of unlinking.
 */
void kvm_destroy_vm(struct kvm *kvm)
{
	KS_FUNC();
	kvm_mmu_notifier_release(&kvm->mmu_notifier, kvm->mm);
	spin_lock(&kvm->mmu_lock);
	kvm->dead = true;
	ks_log_note("kvm_destroy_vm", 0, "mmu_notifier_unregister");
	spin_unlock(&kvm->mmu_lock);
}
