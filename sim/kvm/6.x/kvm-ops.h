/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions a variant of the 6.x generation (the TDP MMU of
 * arch/x86/kvm/mmu/tdp_mmu.c, mmu_lock an rwlock) may replace, written once,
 * in the style of arch/x86/include/asm/kvm-x86-ops.h.  The includer defines
 * KVM_OP / KVM_OP_VOID and, to treat them apart, KVM_OP_OPTIONAL_RET0 /
 * KVM_OP_VOID_OPTIONAL, as for sim/kvm/kvm-ops.h.
 *
 * The optional ones are those the generation's kernels do not all have:
 * 6.13 (93b7da404f5b, dc06193532af) removed the pfn-based helpers and added
 * kvm_release_faultin_page().
 *
 * @trace: NONE, PAGE_PRED (a page or NULL, of a pfn) or FAULT_PRED (a
 * predicate of a fault's retry check).
 */
#ifndef KVM_OP_OPTIONAL_RET0
#define KVM_OP_OPTIONAL_RET0 KVM_OP
#endif
#ifndef KVM_OP_VOID_OPTIONAL
#define KVM_OP_VOID_OPTIONAL KVM_OP_VOID
#endif

/* virt/kvm/kvm_main.c */
KVM_OP_OPTIONAL_RET0(struct page *, kvm_pfn_to_refcounted_page, (kvm_pfn_t pfn), (pfn),
		     PAGE_PRED)
KVM_OP_VOID_OPTIONAL(kvm_release_pfn_clean, (kvm_pfn_t pfn), (pfn))
KVM_OP_VOID_OPTIONAL(kvm_set_pfn_dirty, (kvm_pfn_t pfn), (pfn))
KVM_OP_VOID_OPTIONAL(kvm_set_pfn_accessed, (kvm_pfn_t pfn), (pfn))
/* include/linux/kvm_host.h, 6.13 */
KVM_OP_VOID_OPTIONAL(kvm_release_faultin_page,
		     (struct kvm *kvm, struct page *page, bool unused, bool dirty),
		     (kvm, page, unused, dirty))

/* arch/x86/kvm/mmu/mmu.c */
/* kvm_main.c: a guest page mapped for KVM's own use (6.13: pinned) */
KVM_OP(int, kvm_vcpu_map, (struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map),
       (vcpu, gfn, map), NONE)
KVM_OP_VOID(kvm_vcpu_unmap, (struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty),
	    (vcpu, map, dirty))

KVM_OP(int, kvm_faultin_pfn, (struct kvm_vcpu *vcpu, struct kvm_page_fault *fault),
       (vcpu, fault), NONE)
KVM_OP(int, kvm_tdp_mmu_page_fault, (struct kvm_vcpu *vcpu, struct kvm_page_fault *fault),
       (vcpu, fault), NONE)
KVM_OP_VOID(kvm_mmu_hugepage_adjust, (struct kvm_vcpu *vcpu, struct kvm_page_fault *fault),
	    (vcpu, fault))
KVM_OP(bool, is_page_fault_stale, (struct kvm_vcpu *vcpu, struct kvm_page_fault *fault),
       (vcpu, fault), FAULT_PRED)

/* arch/x86/kvm/mmu/tdp_mmu.c */
KVM_OP(bool, tdp_mmu_zap_leafs,
       (struct kvm *kvm, gfn_t start, gfn_t end, bool can_yield, bool flush),
       (kvm, start, end, can_yield, flush), NONE)
KVM_OP(bool, tdp_mmu_iter_cond_resched,
       (struct kvm *kvm, struct tdp_iter *iter, bool flush, bool shared),
       (kvm, iter, flush, shared), NONE)
KVM_OP_VOID(handle_changed_spte,
	    (struct kvm *kvm, gfn_t gfn, struct kvm_spte old_spte, struct kvm_spte new_spte,
	     int level, bool shared),
	    (kvm, gfn, old_spte, new_spte, level, shared))

#undef KVM_OP
#undef KVM_OP_VOID
#undef KVM_OP_OPTIONAL_RET0
#undef KVM_OP_VOID_OPTIONAL
