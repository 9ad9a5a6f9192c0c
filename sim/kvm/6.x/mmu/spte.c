// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/mmu/spte.c as of v6.6: make_spte() for the TDP MMU with EPT
 * Accessed/Dirty bits.
 */
#include "kvm/6.x/kvm_host.h"

/*
 * v6.6 spte.c: make_spte().  Accessed unless it is a prefetch; writable if
 * the host mapping is (ACC_ALL otherwise); a writable SPTE is made Dirty
 * (spte_shadow_dirty_mask()) unless it was writable already, so the first
 * guest write needs no second fault.  The model has no write-tracked
 * (unsync) pages and no MMIO memtype.
 */
struct kvm_spte make_spte(struct kvm_vcpu *vcpu, int level, kvm_pfn_t pfn,
			  struct kvm_spte old_spte, bool prefetch, bool host_writable)
{
	struct kvm_spte spte = { .present = true, .pfn = pfn };

	(void)vcpu;
	(void)level;
	if (!prefetch)
		spte.accessed = true;
	if (host_writable) {
		spte.writable = true;
		if (old_spte.present && old_spte.writable) {
			spte.dirty = old_spte.dirty;
			goto out;
		}
		spte.dirty = true;
	}
out:
	if (prefetch)
		spte.accessed = false;	/* mark_spte_for_access_track() */
	return spte;
}

bool kvm6_spte_same(const struct kvm_spte *a, const struct kvm_spte *b)
{
	if (!a->present || !b->present)
		return a->present == b->present;
	return a->pfn == b->pfn && a->writable == b->writable && a->accessed == b->accessed &&
	       a->dirty == b->dirty;
}
