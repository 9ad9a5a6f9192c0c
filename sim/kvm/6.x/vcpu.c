// SPDX-License-Identifier: GPL-2.0
/*
 * What a vCPU thread of the 6.x generation does: take an EPT violation (and
 * re-execute the access, which fills its TLB), or touch guest memory through
 * its TLB first and the SPTEs on a miss.  A TLB entry lives until a flush,
 * not until its SPTE is zapped.
 */
#include "kvm/6.x/kvm_host.h"

#include <stdio.h>
#include <string.h>

static gfn_t tlb_base(gfn_t gfn, int level)
{
	return level == PT_DIRECTORY_LEVEL ? gfn & ~511ULL : gfn;
}

static struct kvm_tlb_entry *tlb_lookup(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	int i;

	for (i = 0; i < vcpu->nr_tlb; i++)
		if (vcpu->tlb[i].gfn == tlb_base(gfn, vcpu->tlb[i].level))
			return &vcpu->tlb[i];
	return NULL;
}

static void tlb_fill(struct kvm_vcpu *vcpu, gfn_t gfn, int level, const struct kvm_spte *spte)
{
	struct kvm_tlb_entry *e = tlb_lookup(vcpu, gfn);

	if (!e) {
		if (vcpu->nr_tlb == KVM_TLB_ENTRIES)
			memmove(&vcpu->tlb[0], &vcpu->tlb[1],
				(KVM_TLB_ENTRIES - 1) * sizeof(vcpu->tlb[0]));
		else
			vcpu->nr_tlb++;
		e = &vcpu->tlb[vcpu->nr_tlb - 1];
	}
	*e = (struct kvm_tlb_entry){ .gfn = tlb_base(gfn, level), .level = level,
				     .pfn = spte->pfn, .writable = spte->writable };
}

/* kvm_vcpu_create(): the TLB, a scheduler object of its own. */
void kvm_vcpu_create6(struct kvm_vcpu *vcpu)
{
	char name[96];

	snprintf(name, sizeof(name), "TLB of %s", vcpu->name);
	vcpu->tlb_obj = ks_obj_named(KS_OBJ_VAR, name);
}

void kvm_vcpu_flush_tlb(struct kvm_vcpu *vcpu)
{
	vcpu->nr_tlb = 0;
}

/*
 * The EPT walk for @gfn: the 2M leaf, else the 4K one.  With the SPTE, in one
 * step, the CPU sets Accessed (and Dirty on a write) and caches the
 * translation.  Returns false if the access faults.
 */
static bool vcpu_walk_and_fill(struct kvm_vcpu *vcpu, gfn_t gfn, bool write, kvm_pfn_t *pfn)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vcpu->kvm, gfn);
	struct kvm_spte *sptep;
	ks_obj_t objs[2];
	int level;

	sptep = kvm_spte_at(slot, gfn, PT_DIRECTORY_LEVEL);
	ks_sched_point(kvm_spte_obj(gfn & ~511ULL, PT_DIRECTORY_LEVEL), KS_READ);
	level = PT_DIRECTORY_LEVEL;
	if (!sptep->present) {
		sptep = kvm_spte_at(slot, gfn, PT_PAGE_TABLE_LEVEL);
		level = PT_PAGE_TABLE_LEVEL;
	}
	objs[0] = kvm_spte_obj(tlb_base(gfn, level), level);
	objs[1] = vcpu->tlb_obj;
	ks_sched_point_many(objs, vcpu->tlb_obj ? 2 : 1, KS_WRITE);
	if (!sptep->present || (write && !sptep->writable))
		return false;
	sptep->accessed = true;
	if (write)
		sptep->dirty = true;
	tlb_fill(vcpu, gfn, level, sptep);
	*pfn = sptep->pfn + (level == PT_DIRECTORY_LEVEL ? (gfn & 511) : 0);
	return true;
}

/* An EPT violation at @gfn, handled; an error reaches KVM_RUN. */
static int vcpu_page_fault(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	int r = kvm_mmu_page_fault6(vcpu, (gpa_t)gfn << PAGE_SHIFT,
				    write ? PFERR_WRITE_MASK : 0);

	if (r < 0)
		ks_log_note("KVM_RUN", 0, "%s: fault at gfn 0x%llx: error %d",
			    vcpu->name, (unsigned long long)gfn, r);
	return r;
}

int kvm_vcpu_fault6(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	kvm_pfn_t pfn;
	int r;

	KS_FUNC();
	r = vcpu_page_fault(vcpu, gfn, write);
	if (r < 0)
		return r;
	/* VM entry: the guest re-executes the access, and the walk fills the TLB. */
	if (gfn_to_memslot(vcpu->kvm, gfn))
		(void)vcpu_walk_and_fill(vcpu, gfn, write, &pfn);
	return r;
}

int kvm_vcpu_access6(struct kvm_vcpu *vcpu, gfn_t gfn, bool write)
{
	struct kvm_tlb_entry *e;
	kvm_pfn_t pfn;
	int r;

	KS_FUNC();
	if (!gfn_to_memslot(vcpu->kvm, gfn)) {
		if (!kvm_mmio_spte_present(vcpu->kvm, gfn)) {
			r = vcpu_page_fault(vcpu, gfn, write);
			if (r < 0)
				return r;
		}
		ks_log_note("guest_access", kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL),
			    "%s gfn 0x%llx: MMIO, emulated", write ? "write" : "read",
			    (unsigned long long)gfn);
		return 0;
	}
	if (vcpu->tlb_obj)
		ks_sched_point(vcpu->tlb_obj, KS_READ);
	e = tlb_lookup(vcpu, gfn);
	if (e && (!write || e->writable)) {
		ks_log_note("guest_access", kvm_spte_obj(e->gfn, e->level), "%s pfn 0x%llx (TLB)",
			    write ? "write" : "read",
			    (unsigned long long)(e->pfn + (e->level == PT_DIRECTORY_LEVEL ?
							   (gfn & 511) : 0)));
		return 0;
	}
	if (!vcpu_walk_and_fill(vcpu, gfn, write, &pfn)) {
		r = vcpu_page_fault(vcpu, gfn, write);
		if (r < 0)
			return r;
		if (!vcpu_walk_and_fill(vcpu, gfn, write, &pfn))
			return 0;	/* the guest will fault again */
	}
	ks_log_note("guest_access", kvm_spte_obj(gfn, PT_PAGE_TABLE_LEVEL), "%s pfn 0x%llx",
		    write ? "write" : "read", (unsigned long long)pfn);
	return 0;
}
