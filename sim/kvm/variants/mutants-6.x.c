// SPDX-License-Identifier: GPL-2.0
/*
 * Mutants of the 6.x generation: deliberately broken variants of
 * v6.6-stable, each naming the oracle that must catch it.
 */
#include "kvm/6.x/kvm_host.h"

/*
 * A TDP zap that yields mmu_lock without flushing the TLBs first, and then,
 * as tdp_mmu_zap_leafs() does after any yield, forgets the pending flush:
 * the SPTEs zapped before the yield keep their TLB entries after
 * invalidate_range_start() returns.
 */
static bool mut_tdp_mmu_iter_cond_resched(struct kvm *kvm, struct tdp_iter *iter, bool flush,
					  bool shared)
{
	(void)flush;
	if (iter->next_last_level_gfn == iter->yielded_gfn)
		return false;
	if (iter->zapped_since_yield) {
		if (shared) {
			kvm_mmu_read_unlock(kvm);
			kvm_mmu_read_lock(kvm);
		} else {
			KVM_MMU_UNLOCK(kvm);
			KVM_MMU_LOCK(kvm);
		}
		ks_log_note("tdp_mmu_iter_cond_resched", 0, "yielded mmu_lock at gfn 0x%llx",
			    (unsigned long long)iter->next_last_level_gfn);
		iter->yielded = true;
	}
	return iter->yielded;
}

KVM_VARIANT(mut_tdp_yield_no_flush) = {
	.v = { .name = "mut-tdp-yield-no-flush", .base = "v6.6-stable", .mutant = true,
	       .catches = "stale-tlb",
	       .kernel = "mutant of v6.6-stable",
	       .summary = "a TDP zap yields mmu_lock without flushing the TLBs it owes",
	       .default_era = KS_ERA_5_18 },
	.gen = &kvm_gen_6,
	.replaces6 = { .tdp_mmu_iter_cond_resched = mut_tdp_mmu_iter_cond_resched },
	.commits6 = { .tdp_mmu_iter_cond_resched = "mutant" },
};

/*
 * The fault releases the pfn kvm_mmu_hugepage_adjust() rounded down to the
 * huge page, not the one gup returned: a tail's reference stays, and the
 * head (for order-0 pages under a huge mapping, another page) loses one.
 */
static int mut_kvm_tdp_mmu_page_fault(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault)
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
	kvm_mmu_read_unlock(vcpu->kvm);
	kvm_release_pfn_clean(fault->pfn);
	return r;
}

KVM_VARIANT(mut_release_adjusted_pfn_6) = {
	.v = { .name = "mut-release-adjusted-pfn-6", .base = "v6.6-stable", .mutant = true,
	       .catches = "refcount",
	       .kernel = "mutant of v6.6-stable",
	       .summary = "the TDP fault puts the huge-adjusted pfn instead of the one gup returned",
	       .default_era = KS_ERA_5_18 },
	.gen = &kvm_gen_6,
	.replaces6 = { .kvm_tdp_mmu_page_fault = mut_kvm_tdp_mmu_page_fault },
	.commits6 = { .kvm_tdp_mmu_page_fault = "mutant" },
};
