// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's names, dispatched to the current variant.  Predicates log
 * their result as a trace row ("kvm_is_reserved_pfn(page 0x1200) = true"),
 * so a trace reads like the kernel running.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kvm/kvm.h"

const struct kvm_variant_ops *kvm_ops = &kvm_v4_19_ops;

static ks_obj_t pfn_obj(kvm_pfn_t pfn)
{
	return KS_OBJ(KS_OBJ_PAGE, pfn);
}

bool kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	bool r;

	KS_FUNC();
	r = kvm_ops->kvm_is_reserved_pfn(pfn);
	ks_log_pred("kvm_is_reserved_pfn", pfn_obj(pfn), KS_V_BOOL, r);
	return r;
}

bool kvm_is_zone_device_pfn(kvm_pfn_t pfn)
{
	bool r;

	KS_FUNC();
	if (!kvm_ops->kvm_is_zone_device_pfn) {
		fprintf(stderr, "kvmsim: variant has no kvm_is_zone_device_pfn()\n");
		abort();
	}
	r = kvm_ops->kvm_is_zone_device_pfn(pfn);
	ks_log_pred("kvm_is_zone_device_pfn", pfn_obj(pfn), KS_V_BOOL, r);
	return r;
}

void kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	KS_FUNC();
	kvm_ops->kvm_release_pfn_clean(pfn);
}

void kvm_set_pfn_dirty(kvm_pfn_t pfn)
{
	KS_FUNC();
	kvm_ops->kvm_set_pfn_dirty(pfn);
}

void kvm_set_pfn_accessed(kvm_pfn_t pfn)
{
	KS_FUNC();
	kvm_ops->kvm_set_pfn_accessed(pfn);
}

void kvm_get_pfn(kvm_pfn_t pfn)
{
	KS_FUNC();
	kvm_ops->kvm_get_pfn(pfn);
}

kvm_pfn_t hva_to_pfn(unsigned long addr, bool atomic, bool *async,
		     bool write_fault, bool *writable)
{
	kvm_pfn_t pfn;

	KS_FUNC();
	pfn = kvm_ops->hva_to_pfn(addr, atomic, async, write_fault, writable);
	ks_log_note("hva_to_pfn", is_error_noslot_pfn(pfn) ? 0 : pfn_obj(pfn),
		    "hva 0x%lx -> %s%s", addr,
		    is_error_noslot_pfn(pfn) ? "error pfn" : "pfn",
		    writable && *writable ? " (writable)" : "");
	return pfn;
}

int tdp_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code,
		   bool prefault)
{
	KS_FUNC();
	return kvm_ops->tdp_page_fault(vcpu, gpa, error_code, prefault);
}

void transparent_hugepage_adjust(struct kvm_vcpu *vcpu, gfn_t *gfnp,
				 kvm_pfn_t *pfnp, int *levelp)
{
	KS_FUNC();
	kvm_ops->transparent_hugepage_adjust(vcpu, gfnp, pfnp, levelp);
}

int mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep, bool write_fault,
		 int level, gfn_t gfn, kvm_pfn_t pfn, bool speculative, bool host_writable)
{
	KS_FUNC();
	return kvm_ops->mmu_set_spte(vcpu, sptep, write_fault, level, gfn, pfn,
				     speculative, host_writable);
}

int mmu_spte_clear_track_bits(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn,
			      int level)
{
	KS_FUNC();
	return kvm_ops->mmu_spte_clear_track_bits(kvm, sptep, gfn, level);
}

bool mmu_notifier_retry(struct kvm *kvm, unsigned long mmu_seq)
{
	bool r;

	KS_FUNC();
	r = kvm_ops->mmu_notifier_retry(kvm, mmu_seq);
	ks_log_pred("mmu_notifier_retry", kvm->seq_obj, KS_V_BOOL, r);
	return r;
}

int direct_pte_prefetch_many(struct kvm_vcpu *vcpu, gfn_t gfn, int nr)
{
	KS_FUNC();
	return kvm_ops->direct_pte_prefetch_many(vcpu, gfn, nr);
}

/* v4.19.0: the base every other variant builds on. */
void kvm_v4_19_ops_init(struct kvm_variant_ops *ops)
{
	*ops = kvm_v4_19_ops;
}

const struct kvm_variant_ops kvm_v4_19_ops = {
	.kvm_is_reserved_pfn		= v4_19_kvm_is_reserved_pfn,
	.kvm_is_zone_device_pfn		= NULL,
	.kvm_release_pfn_clean		= v4_19_kvm_release_pfn_clean,
	.kvm_set_pfn_dirty		= v4_19_kvm_set_pfn_dirty,
	.kvm_set_pfn_accessed		= v4_19_kvm_set_pfn_accessed,
	.kvm_get_pfn			= v4_19_kvm_get_pfn,
	.hva_to_pfn			= v4_19_hva_to_pfn,
	.tdp_page_fault			= v4_19_tdp_page_fault,
	.transparent_hugepage_adjust	= v4_19_transparent_hugepage_adjust,
	.mmu_set_spte			= v4_19_mmu_set_spte,
	.mmu_spte_clear_track_bits	= v4_19_mmu_spte_clear_track_bits,
	.mmu_notifier_retry		= v4_19_mmu_notifier_retry,
	.direct_pte_prefetch_many	= v4_19_direct_pte_prefetch_many,
};
