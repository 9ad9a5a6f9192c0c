// SPDX-License-Identifier: GPL-2.0
/*
 * Mutants: v5.4 with one deliberate bug each.  Every mutant names the oracle
 * that must catch it (sim/kvm/variants.c); the suite fails if it is not.
 */
#include "kvm/kvm.h"

/* mut-no-retry: mmu_notifier_retry() never asks for a retry. */
static bool mut_no_retry_mmu_notifier_retry(struct kvm *kvm, unsigned long mmu_seq)
{
	return false;
}

void kvm_mut_no_retry_ops_init(struct kvm_variant_ops *ops)
{
	kvm_v5_4_ops_init(ops);
	ops->mmu_notifier_retry = mut_no_retry_mmu_notifier_retry;
}

/* mut-missing-put: kvm_release_pfn_clean() forgets the put_page(). */
static void mut_missing_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn))
		(void)kvm_is_reserved_pfn(pfn);
}

void kvm_mut_missing_put_ops_init(struct kvm_variant_ops *ops)
{
	kvm_v5_4_ops_init(ops);
	ops->kvm_release_pfn_clean = mut_missing_put_kvm_release_pfn_clean;
}

/* mut-zap-skip: zapping an SPTE leaves it in place (A/D are not pushed either). */
static int mut_zap_skip_mmu_spte_clear_track_bits(struct kvm *kvm, struct kvm_spte *sptep,
						  gfn_t gfn, int level)
{
	return 0;
}

void kvm_mut_zap_skip_ops_init(struct kvm_variant_ops *ops)
{
	kvm_v5_4_ops_init(ops);
	ops->mmu_spte_clear_track_bits = mut_zap_skip_mmu_spte_clear_track_bits;
}

/* mut-double-put: kvm_release_pfn_clean() puts the page twice. */
static void mut_double_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn)) {
		put_page(pfn_to_page(pfn));
		put_page(pfn_to_page(pfn));
	}
}

void kvm_mut_double_put_ops_init(struct kvm_variant_ops *ops)
{
	kvm_v5_4_ops_init(ops);
	ops->kvm_release_pfn_clean = mut_double_put_kvm_release_pfn_clean;
}
