/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions a variant of the 4.19-5.x generation (the shadow/direct MMU
 * of arch/x86/kvm/mmu.c, one spinlock_t mmu_lock) may replace, written once,
 * in the style of arch/x86/include/asm/kvm-x86-ops.h.
 *
 * The includer defines
 *
 *	KVM_OP(ret, name, params, args, trace)	a function returning @ret
 *	KVM_OP_VOID(name, params, args)		a function returning nothing
 *
 * and, if it treats them differently, KVM_OP_OPTIONAL_RET0(...) (same
 * arguments as KVM_OP) and KVM_OP_VOID_OPTIONAL(...) (same as KVM_OP_VOID)
 * for a function not every kernel of the generation has: a base may leave it
 * NULL, a variant may remove it (KVM_REMOVED), and the dispatcher then
 * returns 0 or does nothing -- the kernel without that function never asks
 * its question.
 *
 * @trace names the trace row the dispatcher writes after the call (see
 * kvm_dispatch.c): NONE, PFN_PRED (a predicate of a pfn), SEQ_PRED (a
 * predicate of the VM's notifier sequence) or HVA_TO_PFN.
 *
 * From this one list kvm.h generates struct kvm_variant_ops, the dispatchers'
 * prototypes and struct kvm_variant_commits; kvm_dispatch.c generates the
 * dispatchers; variants.c the validation and `list variants -v`.
 */
#ifndef KVM_OP_OPTIONAL_RET0
#define KVM_OP_OPTIONAL_RET0 KVM_OP
#endif
#ifndef KVM_OP_VOID_OPTIONAL
#define KVM_OP_VOID_OPTIONAL KVM_OP_VOID
#endif

/* virt/kvm/kvm_main.c */
KVM_OP(bool, kvm_is_reserved_pfn, (kvm_pfn_t pfn), (pfn), PFN_PRED)
KVM_OP_OPTIONAL_RET0(bool, kvm_is_zone_device_pfn, (kvm_pfn_t pfn), (pfn), PFN_PRED)
KVM_OP_VOID(kvm_release_pfn_clean, (kvm_pfn_t pfn), (pfn))
KVM_OP_VOID(kvm_set_pfn_dirty, (kvm_pfn_t pfn), (pfn))
KVM_OP_VOID(kvm_set_pfn_accessed, (kvm_pfn_t pfn), (pfn))
KVM_OP_VOID(kvm_get_pfn, (kvm_pfn_t pfn), (pfn))
KVM_OP(kvm_pfn_t, hva_to_pfn,
       (unsigned long addr, bool atomic, bool *async, bool write_fault, bool *writable),
       (addr, atomic, async, write_fault, writable), HVA_TO_PFN)
/* 5.1 (e45adf665a53); 4.19: kvm_vcpu_gpa_to_page() + kmap(), as nested VMX did it */
KVM_OP(int, kvm_vcpu_map, (struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map),
       (vcpu, gfn, map), NONE)
KVM_OP_VOID(kvm_vcpu_unmap, (struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty),
	    (vcpu, map, dirty))

/* arch/x86/kvm/mmu.c */
KVM_OP(int, tdp_page_fault,
       (struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code, bool prefault),
       (vcpu, gpa, error_code, prefault), NONE)
KVM_OP_VOID_OPTIONAL(transparent_hugepage_adjust,
		     (struct kvm_vcpu *vcpu, gfn_t *gfnp, kvm_pfn_t *pfnp, int *levelp),
		     (vcpu, gfnp, pfnp, levelp))
/* v5.6: the huge level from the host page tables, on a local copy of the pfn */
KVM_OP_OPTIONAL_RET0(int, host_pfn_mapping_level,
		     (struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn,
		      struct kvm_memory_slot *slot),
		     (vcpu, gfn, pfn, slot), NONE)
KVM_OP_OPTIONAL_RET0(int, kvm_mmu_hugepage_adjust,
		     (struct kvm_vcpu *vcpu, gfn_t gfn, int max_level, kvm_pfn_t *pfnp),
		     (vcpu, gfn, max_level, pfnp), NONE)
KVM_OP(int, mmu_set_spte,
       (struct kvm_vcpu *vcpu, struct kvm_spte *sptep, bool write_fault, int level,
	gfn_t gfn, kvm_pfn_t pfn, bool speculative, bool host_writable),
       (vcpu, sptep, write_fault, level, gfn, pfn, speculative, host_writable), NONE)
KVM_OP(int, mmu_spte_clear_track_bits,
       (struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn, int level),
       (kvm, sptep, gfn, level), NONE)
KVM_OP(bool, mmu_notifier_retry, (struct kvm *kvm, unsigned long mmu_seq),
       (kvm, mmu_seq), SEQ_PRED)
KVM_OP(int, direct_pte_prefetch_many, (struct kvm_vcpu *vcpu, gfn_t gfn, int nr),
       (vcpu, gfn, nr), NONE)

#undef KVM_OP
#undef KVM_OP_VOID
#undef KVM_OP_OPTIONAL_RET0
#undef KVM_OP_VOID_OPTIONAL
