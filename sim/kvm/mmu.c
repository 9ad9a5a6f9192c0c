// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/mmu.c as of v4.19.0 (84df9525b0c2): the TDP page fault, the
 * huge-page decision, mmu_set_spte() with the release inside it, and zapping
 * with Accessed/Dirty propagation.
 *
 * Model: one direct-map SPTE per gfn at 4K and per 2M frame at 2M, kept in
 * the memslot (no kvm_mmu_page tree, no rmap: the SPTEs of a gfn are found
 * directly).  Installing a 2M SPTE drops the 4K SPTEs under it and installing
 * a 4K SPTE drops the 2M SPTE over it (drop_large_spte), both with A/D
 * propagation.  The vCPU has no TLB (zapped SPTEs are gone at once).
 */
#include <errno.h>
#include <stdio.h>

#include "kvm/kvm.h"

/* "pfn 0x200000 rw A D 2M" or "none" (the encoding of kvm_spte_val()). */
static size_t kvm_spte_format(int64_t val, char *buf, size_t len)
{
	int n;

	if (!(val & 1))
		n = snprintf(buf, len, "none");
	else
		n = snprintf(buf, len, "pfn 0x%llx %s%s%s%s",
			     (unsigned long long)((uint64_t)val >> 12),
			     (val & 2) ? "rw" : "ro", (val & 0x20) ? " A" : "",
			     (val & 0x40) ? " D" : "", (val & 0x80) ? " 2M" : "");
	return n < 0 ? 0 : (size_t)n;
}

/* "spte gfn 0x100000/2M" */
static size_t kvm_spte_obj_format(uint64_t index, char *buf, size_t len)
{
	int n = snprintf(buf, len, "spte gfn 0x%llx/%s",
			 (unsigned long long)(index >> 2),
			 (index & 3) == PT_DIRECTORY_LEVEL ? "2M" : "4K");

	return n < 0 ? 0 : (size_t)n;
}

/* An SPTE's value for a retry loop's await. */
static uint64_t kvm_spte_value(uint64_t index)
{
	gfn_t gfn = index >> 2;
	int level = (int)(index & 3);
	struct kvm_memory_slot *slot;

	if (!kvm_current || !(slot = gfn_to_memslot(kvm_current, gfn)))
		return 0;
	return (uint64_t)kvm_spte_val(kvm_spte_at(slot, gfn, level), level);
}

__attribute__((constructor)) static void kvm_spte_formats(void)
{
	ks_vfmt_register(KS_V_SPTE, kvm_spte_format);
	ks_obj_kind_register(KS_OBJ_SPTE, kvm_spte_obj_format);
	ks_obj_value_register(KS_OBJ_SPTE, kvm_spte_value);
}

ks_obj_t kvm_spte_obj(gfn_t gfn, int level)
{
	return KS_OBJ(KS_OBJ_SPTE, (gfn << 2) | (uint64_t)level);
}

struct kvm_spte *kvm_spte_at(struct kvm_memory_slot *slot, gfn_t gfn, int level)
{
	if (level == PT_PAGE_TABLE_LEVEL)
		return &slot->spte_4k[gfn - slot->base_gfn];
	if (level == PT_DIRECTORY_LEVEL)
		return &slot->spte_2m[(gfn >> 9) - (slot->base_gfn >> 9)];
	return NULL;
}

int64_t kvm_spte_val(const struct kvm_spte *spte, int level)
{
	if (!spte->present)
		return 0;
	return (int64_t)(spte->pfn << 12) | 1 | (spte->writable ? 2 : 0) |
	       (spte->accessed ? 0x20 : 0) | (spte->dirty ? 0x40 : 0) |
	       (level == PT_DIRECTORY_LEVEL ? 0x80 : 0);
}

void kvm_present_add(struct kvm *kvm, gfn_t gfn, int level)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);

	if (kvm->nr_present == KVM_MAX_PRESENT) {
		/* Said, not skipped: the oracles would not see this SPTE. */
		ks_violation("model-limit", kvm_spte_obj(gfn, level),
			     "more than %d present SPTEs", KVM_MAX_PRESENT);
		return;
	}
	kvm->present[kvm->nr_present++] =
		(struct kvm_spte_ref){ .slot = slot, .gfn = gfn, .level = level };
}

void kvm_present_del(struct kvm *kvm, gfn_t gfn, int level)
{
	int i;

	for (i = 0; i < kvm->nr_present; i++) {
		if (kvm->present[i].gfn == gfn && kvm->present[i].level == level) {
			kvm->present[i] = kvm->present[--kvm->nr_present];
			return;
		}
	}
}

/*
 * v4.19 mmu.c: set_spte() for the direct map: with TDP and a host-writable
 * pfn the SPTE is writable and, being writable, dirty from the start
 * (spte_shadow_dirty_mask); Accessed unless it is speculative (a prefetch:
 * mark_spte_for_access_track() clears it).  Over a present SPTE of the same
 * pfn it is mmu_spte_update(): the Accessed and Dirty bits the new SPTE no
 * longer has are pushed to the page.
 */
void set_spte(struct kvm *kvm, struct kvm_spte *sptep, int level, gfn_t gfn,
	      kvm_pfn_t pfn, bool speculative, bool host_writable)
{
	struct kvm_spte old;

	ks_sched_point(kvm_spte_obj(gfn, level), KS_WRITE);
	old = *sptep;
	sptep->present = true;
	sptep->pfn = pfn;
	sptep->writable = host_writable;
	sptep->dirty = host_writable;
	sptep->accessed = !speculative;
	if (!old.present)
		kvm_present_add(kvm, gfn, level);
	kvm_oracle_spte_changed();
	ks_log("set_spte", kvm_spte_obj(gfn, level), KS_V_SPTE,
	       kvm_spte_val(&old, level), kvm_spte_val(sptep, level));
	if (!old.present)
		return;
	/* mmu_spte_update() */
	if (old.accessed && !sptep->accessed)
		kvm_set_pfn_accessed(old.pfn);
	if (old.dirty && !sptep->dirty)
		kvm_set_pfn_dirty(old.pfn);
}

/*
 * v4.19 mmu.c: set_mmio_spte(): a gfn with no memslot gets an MMIO SPTE, so
 * that the next access exits as an EPT misconfiguration and is emulated.
 * The model keeps them apart from the memslots' SPTEs.
 */
void set_mmio_spte(struct kvm *kvm, gfn_t gfn)
{
	int i;

	ks_sched_point(kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL), KS_WRITE);
	for (i = 0; i < kvm->nr_mmio; i++)
		if (kvm->mmio_gfn[i] == gfn)
			return;
	if (kvm->nr_mmio == KVM_MAX_MMIO_SPTES) {
		ks_violation("model-limit", kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL),
			     "more than %d MMIO SPTEs", KVM_MAX_MMIO_SPTES);
		return;
	}
	kvm->mmio_gfn[kvm->nr_mmio++] = gfn;
	ks_log_note("set_mmio_spte", kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL),
		    "gfn 0x%llx: MMIO", (unsigned long long)gfn);
}

bool kvm_mmio_spte_present(struct kvm *kvm, gfn_t gfn)
{
	int i;

	for (i = 0; i < kvm->nr_mmio; i++)
		if (kvm->mmio_gfn[i] == gfn)
			return true;
	return false;
}

/*
 * v4.19 mmu.c: mmu_set_spte() up to its kvm_release_pfn_clean(), which only
 * 4.19 has: a present SPTE for another pfn is dropped first (drop_spte(),
 * its Accessed/Dirty reaching the old page), one for the same pfn is updated
 * in place by set_spte().  Returns RET_PF_EMULATE for an MMIO SPTE.
 */
int __mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep, int level, gfn_t gfn,
		   kvm_pfn_t pfn, bool speculative, bool host_writable)
{
	if (is_noslot_pfn(pfn)) {
		set_mmio_spte(vcpu->kvm, gfn);
		return RET_PF_EMULATE;
	}
	if (sptep->present && sptep->pfn != pfn)
		drop_spte(vcpu->kvm, sptep, gfn, level);
	set_spte(vcpu->kvm, sptep, level, gfn, pfn, speculative, host_writable);
	return RET_PF_RETRY;
}

struct kvm_spte kvm_spte_clear(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn,
			       int level)
{
	struct kvm_spte old;

	ks_sched_point(kvm_spte_obj(gfn, level), KS_WRITE);
	old = *sptep;
	sptep->present = false;
	if (old.present) {
		kvm_present_del(kvm, gfn, level);
		kvm_oracle_spte_zapped(kvm, old.pfn, KVM_PAGES_PER_HPAGE(level));
	}
	kvm_oracle_spte_changed();
	ks_log("mmu_spte_clear_track_bits", kvm_spte_obj(gfn, level), KS_V_SPTE,
	       kvm_spte_val(&old, level), 0);
	return old;
}

/*
 * v4.19 mmu.c: mmu_spte_clear_track_bits().  Clear the SPTE; if it was
 * present, push Accessed/Dirty to the page.  KVM holds no reference on a
 * mapped page, so a refcount of 0 here means the page was freed under it.
 */
int v4_19_mmu_spte_clear_track_bits(struct kvm *kvm, struct kvm_spte *sptep,
				    gfn_t gfn, int level)
{
	struct kvm_spte old = kvm_spte_clear(kvm, sptep, gfn, level);
	kvm_pfn_t pfn;

	if (!old.present)
		return 0;

	pfn = old.pfn;
	/*
	 * KVM does not hold the refcount of the page used by kvm mmu, before
	 * reclaiming the page, we should unmap it from mmu first.
	 */
	WARN_ON(!kvm_is_reserved_pfn(pfn) && !page_count(pfn_to_page(pfn)));

	if (old.accessed)
		kvm_set_pfn_accessed(pfn);
	if (old.dirty)
		kvm_set_pfn_dirty(pfn);
	return 1;
}

/* v4.19 mmu.c: drop_spte() (the rmap removal is implicit here). */
void drop_spte(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn, int level)
{
	mmu_spte_clear_track_bits(kvm, sptep, gfn, level);
}

/*
 * v4.19 mmu.c: kvm_unmap_hva_range() -> kvm_handle_hva_range(kvm_unmap_rmapp):
 * every SPTE of every gfn whose hva is in [start, end), at every level.
 */
int kvm_unmap_hva_range(struct kvm *kvm, unsigned long start, unsigned long end)
{
	int i, flush = 0;

	KS_FUNC();
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		unsigned long s_start = slot->userspace_addr;
		unsigned long s_end = s_start + slot->npages * PAGE_SIZE;
		unsigned long hva_start = start > s_start ? start : s_start;
		unsigned long hva_end = end < s_end ? end : s_end;
		gfn_t gfn, gfn_start, gfn_end;

		if (hva_start >= hva_end)
			continue;
		gfn_start = slot->base_gfn + ((hva_start - s_start) >> PAGE_SHIFT);
		gfn_end = slot->base_gfn + ((hva_end - s_start + PAGE_SIZE - 1) >> PAGE_SHIFT);
		/*
		 * Under mmu_lock only the guest's hardware A/D updates can race,
		 * and only on present SPTEs: drop_spte() declares those.
		 */
		for (gfn = gfn_start; gfn < gfn_end; gfn++) {
			struct kvm_spte *sptep = kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL);

			if (sptep->present) {
				drop_spte(kvm, sptep, gfn, PT_PAGE_TABLE_LEVEL);
				flush = 1;
			}
		}
		/* 2M level: each frame the range touches */
		for (gfn = gfn_start & ~511ULL; gfn < gfn_end; gfn += 512) {
			struct kvm_spte *sptep;

			if ((gfn >> 9) < (slot->base_gfn >> 9))
				continue;
			sptep = kvm_spte_at(slot, gfn, PT_DIRECTORY_LEVEL);
			if (sptep->present) {
				drop_spte(kvm, sptep, gfn, PT_DIRECTORY_LEVEL);
				flush = 1;
			}
		}
	}
	return flush;
}

/* kvm_mmu_zap_all(): every SPTE of every slot, under mmu_lock. */
void kvm_mmu_zap_all(struct kvm *kvm)
{
	int i;

	KS_FUNC();
	spin_lock(&kvm->mmu_lock);
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		kvm_unmap_hva_range(kvm, slot->userspace_addr,
				    slot->userspace_addr + slot->npages * PAGE_SIZE);
	}
	spin_unlock(&kvm->mmu_lock);
}

/*
 * v4.19 mmu.c: kvm_zap_gfn_range() -> slot_handle_level_range(kvm_zap_rmapp,
 * PT_PAGE_TABLE_LEVEL .. PT_MAX_HUGEPAGE_LEVEL, lock_flush_tlb): the rmaps
 * of [@gfn_start, @gfn_end) in every slot, one level at a time, under
 * mmu_lock, and cond_resched_lock() wherever need_resched() or another CPU
 * spinning on mmu_lock asks for it.  Nothing tells a fault in flight that a
 * zap is running: until edb298c663fc (v5.15) made the zap an invalidation,
 * a fault that gets mmu_lock during a yield installs an SPTE behind the zap.
 * The model yields after each zapped SPTE, the places a yield can matter.
 */
void kvm_zap_gfn_range(struct kvm *kvm, gfn_t gfn_start, gfn_t gfn_end)
{
	int i, level;

	KS_FUNC();
	if (gfn_end <= gfn_start)
		return;
	spin_lock(&kvm->mmu_lock);
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];
		gfn_t start = gfn_start > slot->base_gfn ? gfn_start : slot->base_gfn;
		gfn_t end = gfn_end < slot->base_gfn + slot->npages ?
			    gfn_end : slot->base_gfn + slot->npages;

		if (start >= end)
			continue;
		for (level = PT_PAGE_TABLE_LEVEL; level <= PT_DIRECTORY_LEVEL; level++) {
			gfn_t step = KVM_PAGES_PER_HPAGE(level), gfn;

			for (gfn = start & ~(step - 1); gfn < end; gfn += step) {
				struct kvm_spte *sptep;

				if (gfn < (slot->base_gfn & ~(step - 1)))
					continue;
				sptep = kvm_spte_at(slot, gfn, level);
				if (!sptep->present)
					continue;
				drop_spte(kvm, sptep, gfn, level);
				/* need_resched() || spin_needbreak(): cond_resched_lock() */
				spin_unlock(&kvm->mmu_lock);
				spin_lock(&kvm->mmu_lock);
			}
		}
	}
	kvm_oracle_zap_done(kvm, gfn_start, gfn_end);
	spin_unlock(&kvm->mmu_lock);
}

/* ---- the huge-page decision ------------------------------------------------------ */

bool mmu_gfn_lpage_is_disallowed(struct kvm_vcpu *vcpu, gfn_t gfn, int level)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);

	if (level != PT_DIRECTORY_LEVEL)
		return true;	/* the model has no 1G SPTEs */
	if (!slot)
		return true;
	return slot->disallow_lpage[(gfn >> 9) - (slot->base_gfn >> 9)];
}

/*
 * v4.19 kvm_main.c: kvm_host_page_size(): vma_kernel_pagesize() under
 * mmap_sem -- hugetlbfs, or device-dax ->pagesize(); PAGE_SIZE for THP and
 * fsdax (D11 in docs/semantics.md).
 */
static unsigned long kvm_host_page_size(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	struct mm_struct *mm = vcpu->kvm->mm;
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);
	struct vm_area_struct *vma;
	unsigned long addr, size = PAGE_SIZE;

	KS_FUNC();
	if (!slot)
		return PAGE_SIZE;
	addr = gfn_to_hva_memslot(slot, gfn);
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma)
		size = vma_kernel_pagesize(vma);
	up_read(&mm->mmap_lock);
	return size;
}

/* v4.19 mmu.c: host_mapping_level(). */
static int host_mapping_level(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	unsigned long page_size = kvm_host_page_size(vcpu, gfn);
	int i, ret = PT_PAGE_TABLE_LEVEL;

	for (i = PT_PAGE_TABLE_LEVEL; i <= PT_DIRECTORY_LEVEL; ++i) {
		if (page_size >= KVM_HPAGE_SIZE(i))
			ret = i;
		else
			break;
	}
	ks_log_pred("host_mapping_level", 0, KS_V_INT, ret);
	return ret;
}

/*
 * v4.19 mmu.c: mapping_level().  Dirty logging forces 4K
 * (memslot_valid_for_gpte); the model's maximum is 2M.
 */
int mapping_level(struct kvm_vcpu *vcpu, gfn_t large_gfn, bool *force_pt_level)
{
	struct kvm_memory_slot *slot;
	int host_level, level, max_level;

	KS_FUNC();
	if (*force_pt_level)
		return PT_PAGE_TABLE_LEVEL;

	slot = gfn_to_memslot(vcpu->kvm, large_gfn);
	*force_pt_level = !slot || (slot->flags & KVM_MEM_LOG_DIRTY_PAGES);
	if (*force_pt_level)
		return PT_PAGE_TABLE_LEVEL;

	host_level = host_mapping_level(vcpu, large_gfn);

	if (host_level == PT_PAGE_TABLE_LEVEL)
		return host_level;

	max_level = host_level < PT_DIRECTORY_LEVEL ? host_level : PT_DIRECTORY_LEVEL;

	for (level = PT_DIRECTORY_LEVEL; level <= max_level; ++level)
		if (mmu_gfn_lpage_is_disallowed(vcpu, large_gfn, level))
			break;

	return level - 1;
}

/*
 * v4.19 mmu.c: transparent_hugepage_adjust().  A THP tail found at 4K is
 * mapped at 2M: move the reference from the tail pfn to the head pfn (safe
 * only under mmu_lock after a successful mmu_notifier_retry()).
 */
void v4_19_transparent_hugepage_adjust(struct kvm_vcpu *vcpu, gfn_t *gfnp,
				       kvm_pfn_t *pfnp, int *levelp)
{
	kvm_pfn_t pfn = *pfnp;
	gfn_t gfn = *gfnp;
	int level = *levelp;

	/*
	 * Check if it's a transparent hugepage. If this would be an hugetlbfs
	 * page, level wouldn't be set to PT_PAGE_TABLE_LEVEL and there would be
	 * no adjustment done here.
	 */
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn) &&
	    level == PT_PAGE_TABLE_LEVEL &&
	    PageTransCompoundMap(pfn_to_page(pfn)) &&
	    !mmu_gfn_lpage_is_disallowed(vcpu, gfn, PT_DIRECTORY_LEVEL)) {
		unsigned long mask;

		/*
		 * mmu_notifier_retry was successful and we hold the mmu_lock
		 * here, so the pmd can't be split from under us, and in turn
		 * __split_huge_page_refcount() can't run from under us and we
		 * can safely transfer the refcount from PG_tail to PG_head as we
		 * switch the pfn from tail to head.
		 */
		*levelp = level = PT_DIRECTORY_LEVEL;
		mask = KVM_PAGES_PER_HPAGE(level) - 1;
		VM_BUG_ON_PAGE((gfn & mask) != (pfn & mask), pfn_to_page(pfn));
		if (pfn & mask) {
			gfn &= ~mask;
			*gfnp = gfn;
			kvm_release_pfn_clean(pfn);
			pfn &= ~mask;
			kvm_get_pfn(pfn);
			*pfnp = pfn;
		}
	}
}

/* ---- installing SPTEs --------------------------------------------------------------- */

/* v4.19 mmu.c: mmu_set_spte(): install the SPTE, then release the gup reference. */
int v4_19_mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep,
		       bool write_fault, int level, gfn_t gfn, kvm_pfn_t pfn,
		       bool speculative, bool host_writable)
{
	int ret = __mmu_set_spte(vcpu, sptep, level, gfn, pfn, speculative, host_writable);

	kvm_release_pfn_clean(pfn);
	return ret;
}

/*
 * v4.19 mmu.c: __direct_map().  Walk to the target level: a 2M leaf in the way
 * of a 4K mapping is dropped (drop_large_spte); 4K SPTEs under a new 2M leaf
 * are dropped with it (the child table is unlinked).  After the leaf, the
 * neighbours are prefetched.
 */
int __direct_map(struct kvm_vcpu *vcpu, gpa_t gpa, int write, bool map_writable,
		 int level, kvm_pfn_t pfn, bool prefault)
{
	struct kvm *kvm = vcpu->kvm;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);
	struct kvm_spte *sptep;
	int emulate;

	KS_FUNC();
	if (!slot)	/* a no-slot pfn: set_spte() makes it an MMIO SPTE */
		return mmu_set_spte(vcpu, NULL, write, level, gfn, pfn, prefault,
				    map_writable);
	if (level == PT_DIRECTORY_LEVEL) {
		gfn_t base = gfn & ~511ULL, g;

		for (g = base; g < base + 512; g++) {
			if (g < slot->base_gfn || g >= slot->base_gfn + slot->npages)
				continue;
			sptep = kvm_spte_at(slot, g, PT_PAGE_TABLE_LEVEL);
			if (sptep->present)
				drop_spte(kvm, sptep, g, PT_PAGE_TABLE_LEVEL);
		}
		gfn = base;
	} else {
		sptep = kvm_spte_at(slot, gfn, PT_DIRECTORY_LEVEL);
		if (sptep->present)
			drop_spte(kvm, sptep, gfn & ~511ULL, PT_DIRECTORY_LEVEL);
	}
	sptep = kvm_spte_at(slot, gfn, level);
	emulate = mmu_set_spte(vcpu, sptep, write, level, gfn, pfn, prefault, map_writable);
	direct_pte_prefetch(vcpu, slot, gfn, level);
	return emulate;
}

/*
 * v4.19 kvm_main.c: gfn_to_page_many_atomic(): gup-fast, for writing, of
 * @nr_pages pages from @gfn, all of them inside @slot; a reference on each
 * page it returns.
 */
int gfn_to_page_many_atomic(struct kvm_memory_slot *slot, gfn_t gfn,
			    struct page **pages, int nr_pages)
{
	unsigned long entry;

	KS_FUNC();
	if (gfn < slot->base_gfn || gfn >= slot->base_gfn + slot->npages)
		return -1;
	entry = slot->base_gfn + slot->npages - gfn;
	if (entry < (unsigned long)nr_pages)
		return 0;
	return __get_user_pages_fast(gfn_to_hva_memslot(slot, gfn), nr_pages, 1, pages);
}

/*
 * v4.19 mmu.c: gfn_to_memslot_dirty_bitmap(): the slot of @gfn, unless it
 * logs dirty pages and the mapping would be writable (prefetch maps
 * ACC_ALL).
 */
struct kvm_memory_slot *gfn_to_memslot_dirty_bitmap(struct kvm_vcpu *vcpu, gfn_t gfn,
						    bool no_dirty_log)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);

	if (!slot || (no_dirty_log && (slot->flags & KVM_MEM_LOG_DIRTY_PAGES)))
		return NULL;
	return slot;
}

/*
 * v4.19 mmu.c: __direct_pte_prefetch(): in the aligned group of
 * PTE_PREFETCH_NUM 4K SPTEs around the one just installed, map each run of
 * non-present ones the host already maps (direct_pte_prefetch_many()); the
 * first run that cannot be prefetched ends it.  A gfn of the group outside
 * the slot has no SPTE in the model: it is non-present, and a run that
 * reaches it fails in gfn_to_page_many_atomic() as it would in the kernel.
 */
static void __direct_pte_prefetch(struct kvm_vcpu *vcpu, struct kvm_memory_slot *slot,
				  gfn_t fault_gfn)
{
	gfn_t base = fault_gfn & ~(gfn_t)(PTE_PREFETCH_NUM - 1), g, start = 0;
	bool have = false;
	int i;

	for (i = 0; i < PTE_PREFETCH_NUM; i++) {
		bool present;

		g = base + i;
		present = g >= slot->base_gfn && g < slot->base_gfn + slot->npages &&
			  kvm_spte_at(slot, g, PT_PAGE_TABLE_LEVEL)->present;
		if (present || g == fault_gfn) {
			if (!have)
				continue;
			if (direct_pte_prefetch_many(vcpu, start, (int)(g - start)) < 0)
				break;
			have = false;
		} else if (!have) {
			start = g;
			have = true;
		}
	}
}

/*
 * v4.19 mmu.c: direct_pte_prefetch(): only for a 4K SPTE (the model's
 * SPTEs have Accessed/Dirty bits: sp_ad_disabled() is false).
 */
void direct_pte_prefetch(struct kvm_vcpu *vcpu, struct kvm_memory_slot *slot, gfn_t gfn,
			 int level)
{
	KS_FUNC();
	if (level > PT_PAGE_TABLE_LEVEL)
		return;
	__direct_pte_prefetch(vcpu, slot, gfn);
}

/*
 * v4.19 mmu.c: direct_pte_prefetch_many(): a speculative, host-writable SPTE
 * for each page gup-fast gives; mmu_set_spte() releases each one.
 */
int v4_19_direct_pte_prefetch_many(struct kvm_vcpu *vcpu, gfn_t gfn, int nr)
{
	struct page *pages[PTE_PREFETCH_NUM];
	struct kvm_memory_slot *slot;
	int i, ret;

	slot = gfn_to_memslot_dirty_bitmap(vcpu, gfn, true);
	if (!slot)
		return -1;

	ret = gfn_to_page_many_atomic(slot, gfn, pages, nr);
	if (ret <= 0)
		return -1;

	for (i = 0; i < ret; i++, gfn++)
		mmu_set_spte(vcpu, kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL), false,
			     PT_PAGE_TABLE_LEVEL, gfn, page_to_pfn(pages[i]), true, true);

	return 0;
}

/* v4.19 mmu.c: kvm_handle_bad_page(): -EFAULT to KVM_RUN for a bad pfn. */
int kvm_handle_bad_page(struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn)
{
	if (pfn == KVM_PFN_ERR_RO_FAULT)
		return RET_PF_EMULATE;

	if (pfn == KVM_PFN_ERR_HWPOISON) {
		ks_log_note("kvm_send_hwpoison_signal", 0, "SIGBUS to %s", vcpu->name);
		return RET_PF_RETRY;
	}

	return -EFAULT;
}

/*
 * v4.19 mmu.c: handle_abnormal_pfn(): only an error pfn is handled here; a
 * no-slot pfn goes on to be mapped as an MMIO SPTE (the model caches no
 * MMIO info: vcpu_cache_mmio_info() has no effect it could observe).
 */
bool handle_abnormal_pfn(struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn, int *ret_val)
{
	if (is_error_pfn(pfn)) {
		*ret_val = kvm_handle_bad_page(vcpu, gfn, pfn);
		return true;
	}
	return false;
}

/*
 * v4.19 mmu.c: try_async_pf().  The model's vCPUs never take the async path,
 * so this is the synchronous __gfn_to_pfn_memslot().
 */
bool try_async_pf(struct kvm_vcpu *vcpu, bool prefault, gfn_t gfn, gpa_t gpa,
		  kvm_pfn_t *pfn, bool write, bool *writable)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);

	*pfn = __gfn_to_pfn_memslot(slot, gfn, false, NULL, write, writable);
	return false;
}

/* include/linux/kvm_host.h (v4.19): mmu_notifier_retry(). */
bool v4_19_mmu_notifier_retry(struct kvm *kvm, unsigned long mmu_seq)
{
	ks_sched_point(kvm->count_obj, KS_READ);
	if (kvm->mmu_notifier_count)
		return true;
	/*
	 * Ensure the read of mmu_notifier_count happens before the read of
	 * mmu_notifier_seq.  This interacts with the smp_wmb() in
	 * mmu_notifier_invalidate_range_end to make sure that the caller
	 * either sees the old (non-zero) value of mmu_notifier_count or the
	 * new (incremented) value of mmu_notifier_seq.
	 */
	ks_sched_point(kvm->seq_obj, KS_READ);
	if (kvm->mmu_notifier_seq != mmu_seq)
		return true;
	return false;
}

/*
 * v4.19 mmu.c: tdp_page_fault().  The release of the pfn happens inside
 * mmu_set_spte() on success and at out_unlock on a retry.
 */
int v4_19_tdp_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code,
			 bool prefault)
{
	struct kvm *kvm = vcpu->kvm;
	kvm_pfn_t pfn;
	int r;
	int level;
	bool force_pt_level = false;
	gfn_t gfn = gpa >> PAGE_SHIFT;
	unsigned long mmu_seq;
	int write = error_code & PFERR_WRITE_MASK;
	bool map_writable;

	level = mapping_level(vcpu, gfn, &force_pt_level);
	if (!force_pt_level)
		gfn &= ~(KVM_PAGES_PER_HPAGE(level) - 1);

	ks_sched_point(kvm->seq_obj, KS_READ);
	mmu_seq = kvm->mmu_notifier_seq;
	/* smp_rmb() */

	if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable))
		return RET_PF_RETRY;

	if (handle_abnormal_pfn(vcpu, gfn, pfn, &r))
		return r;

	spin_lock(&kvm->mmu_lock);
	if (mmu_notifier_retry(kvm, mmu_seq))
		goto out_unlock;
	kvm_oracle_retry_passed(kvm);
	if (!force_pt_level)
		transparent_hugepage_adjust(vcpu, &gfn, &pfn, &level);
	r = __direct_map(vcpu, (gpa_t)gfn << PAGE_SHIFT, write, map_writable,
			 level, pfn, prefault);
	spin_unlock(&kvm->mmu_lock);

	return r;

out_unlock:
	spin_unlock(&kvm->mmu_lock);
	kvm_release_pfn_clean(pfn);
	return RET_PF_RETRY;
}

/*
 * v4.19 mmu.c: kvm_mmu_page_fault() re-enters the guest on RET_PF_RETRY, and
 * the guest faults again: the retry loop, bounded by the engine.
 */
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code)
{
	int r;

	KS_FUNC();
	ks_loop_begin();
	for (;;) {
		r = tdp_page_fault(vcpu, gpa, error_code, false);
		if (r != RET_PF_RETRY)
			break;
		if (gfn_to_memslot(vcpu->kvm, gpa >> PAGE_SHIFT) &&
		    vcpu_spte_present(vcpu, gpa >> PAGE_SHIFT, error_code & PFERR_WRITE_MASK))
			break;
		ks_retry();
	}
	ks_loop_end();
	return r;
}
