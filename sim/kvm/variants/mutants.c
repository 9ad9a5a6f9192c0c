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

KVM_VARIANT(mut_no_retry) = {
	.v = { .name = "mut-no-retry", .base = "v5.4", .mutant = true, .catches = "stale-spte",
	       .kernel = "mutant of v5.4", .summary = "mmu_notifier_retry() never retries",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_notifier_retry = mut_no_retry_mmu_notifier_retry },
	.commits = { .mmu_notifier_retry = "mutant" },
};

/* mut-missing-put: kvm_release_pfn_clean() forgets the put_page(). */
static void mut_missing_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn))
		(void)kvm_is_reserved_pfn(pfn);
}

KVM_VARIANT(mut_missing_put) = {
	.v = { .name = "mut-missing-put", .base = "v5.4", .mutant = true, .catches = "audit",
	       .kernel = "mutant of v5.4", .summary = "kvm_release_pfn_clean() never puts the page",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_release_pfn_clean = mut_missing_put_kvm_release_pfn_clean },
	.commits = { .kvm_release_pfn_clean = "mutant" },
};

/* mut-zap-skip: zapping an SPTE leaves it in place (A/D are not pushed either). */
static int mut_zap_skip_mmu_spte_clear_track_bits(struct kvm *kvm, struct kvm_spte *sptep,
						  gfn_t gfn, int level)
{
	return 0;
}

KVM_VARIANT(mut_zap_skip) = {
	.v = { .name = "mut-zap-skip", .base = "v5.4", .mutant = true, .catches = "unbind-survivor",
	       .kernel = "mutant of v5.4", .summary = "zapping an SPTE leaves it in place",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .mmu_spte_clear_track_bits = mut_zap_skip_mmu_spte_clear_track_bits },
	.commits = { .mmu_spte_clear_track_bits = "mutant" },
};

/* mut-double-put: kvm_release_pfn_clean() puts the page twice. */
static void mut_double_put_kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn)) {
		put_page(pfn_to_page(pfn));
		put_page(pfn_to_page(pfn));
	}
}

KVM_VARIANT(mut_double_put) = {
	.v = { .name = "mut-double-put", .base = "v5.4", .mutant = true, .catches = "refcount",
	       .kernel = "mutant of v5.4", .summary = "kvm_release_pfn_clean() puts the page twice",
	       .default_era = KS_ERA_5_2 },
	.replaces = { .kvm_release_pfn_clean = mut_double_put_kvm_release_pfn_clean },
	.commits = { .kvm_release_pfn_clean = "mutant" },
};
