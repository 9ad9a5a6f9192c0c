// SPDX-License-Identifier: GPL-2.0
/*
 * What a vCPU thread does in a scenario: take an EPT violation at a gfn, or
 * touch guest memory through the SPTEs (the hardware sets Accessed/Dirty, no
 * lock taken, and faults when the SPTE is missing or read-only).
 */
#include "kvm/kvm.h"

/* The SPTE the hardware walk ends at for @gfn, or NULL: 2M leaf first. */
static struct kvm_spte *vcpu_walk(struct kvm_vcpu *vcpu, gfn_t gfn, int *level)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);
	struct kvm_spte *sptep;

	if (!slot)
		return NULL;
	sptep = kvm_spte_at(slot, gfn, PT_DIRECTORY_LEVEL);
	ks_sched_point(kvm_spte_obj(gfn & ~511ULL, PT_DIRECTORY_LEVEL), KS_READ);
	if (sptep->present) {
		*level = PT_DIRECTORY_LEVEL;
		return sptep;
	}
	sptep = kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL);
	ks_sched_point(kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL), KS_READ);
	*level = PT_PAGE_TABLE_LEVEL;
	return sptep->present ? sptep : NULL;
}

bool vcpu_spte_present(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	int level;
	struct kvm_spte *sptep = vcpu_walk(vcpu, gfn, &level);

	return sptep && (!write || sptep->writable);
}

int kvm_vcpu_fault(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	int r;

	KS_FUNC();
	r = kvm_mmu_page_fault(vcpu, (gpa_t)gfn << PAGE_SHIFT,
			       write ? PFERR_WRITE_MASK : 0);
	if (r < 0)
		ks_log_note("KVM_RUN", 0, "%s: fault at gfn 0x%llx: error %d",
			    vcpu->name, (unsigned long long)gfn, r);
	return r;
}

int kvm_vcpu_access(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	struct kvm_spte *sptep;
	int level, r;
	gfn_t g;

	KS_FUNC();
	if (!gfn_to_memslot(vcpu->kvm, gfn)) {
		/* No memslot: an MMIO SPTE, installed by the first fault, exits to emulation. */
		if (!kvm_mmio_spte_present(vcpu->kvm, gfn)) {
			r = kvm_vcpu_fault(vcpu, gfn, write);
			if (r < 0)
				return r;
		}
		ks_log_note("guest_access", kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL),
			    "%s gfn 0x%llx: MMIO, emulated", write ? "write" : "read",
			    (unsigned long long)gfn);
		return 0;
	}
	sptep = vcpu_walk(vcpu, gfn, &level);
	if (!sptep || (write && !sptep->writable)) {
		r = kvm_vcpu_fault(vcpu, gfn, write);
		if (r < 0)
			return r;
		sptep = vcpu_walk(vcpu, gfn, &level);
		if (!sptep || (write && !sptep->writable))
			return 0;	/* the guest will fault again */
	}
	g = level == PT_DIRECTORY_LEVEL ? gfn & ~511ULL : gfn;
	/* The EPT walk sets Accessed, and Dirty on a write, atomically. */
	ks_sched_point(kvm_spte_obj(g, level), KS_WRITE);
	if (!sptep->present)
		return 0;
	sptep->accessed = true;
	if (write)
		sptep->dirty = true;
	ks_log_note("guest_access", kvm_spte_obj(g, level), "%s pfn 0x%llx",
		    write ? "write" : "read",
		    (unsigned long long)(sptep->pfn + (level == PT_DIRECTORY_LEVEL ? (gfn & 511) : 0)));
	return 0;
}
