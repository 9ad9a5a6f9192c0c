/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 6.x generation of the lifted KVM logic: the TDP MMU.
 *
 * What changed from 4.19-5.x, and what the model of it keeps:
 *
 *  - mmu_lock is an rwlock (KVM_HAVE_MMU_RWLOCK): page faults take it for
 *    read and install SPTEs by compare-exchange, so two faults race on one
 *    SPTE and the loser retries; notifiers, zaps and teardown take it for
 *    write, and a zap may yield it (tdp_mmu_iter_cond_resched()) and restart;
 *  - each vCPU has a TLB: a zapped SPTE's translation lives on until
 *    kvm_flush_remote_tlbs(), which a zap batches (flush = true) and must do
 *    before it yields or returns;
 *  - the retry check is range-based (5.12 4a42d848db95, named
 *    mmu_invalidate_* by 6.1 20ec3ebd707c): a fault retries only if an
 *    invalidation in progress covers its hva, or the sequence moved;
 *  - the fault carries struct kvm_page_fault through the path.
 *
 * struct kvm is the one of sim/kvm/kvm.h, as the kernel's x86 shadow MMU and
 * TDP MMU share one: the model keeps a single SPTE store (one leaf per gfn
 * at 4K and per 2M frame at 2M, in the memslot) that the 4.19-5.x code reads
 * as the direct map and the 6.x code walks as the TDP paging structure
 * (tdp_iter.c), so the oracles read both the same way.
 *
 * The kernel's names are dispatchers over the current variant's struct
 * kvm6_variant_ops, defined below, static to each file of the generation:
 * 4.19-5.x has some of the same names, with other signatures, and the two
 * generations never see each other's.
 */
#ifndef KVMSIM_KVM6_HOST_H
#define KVMSIM_KVM6_HOST_H

#include "kvm/kvm_common.h"

/* 6.x RET_PF_* (mmu_internal.h). */
enum {
	RET_PF_CONTINUE = 0,
	RET_PF_RETRY,
	RET_PF_EMULATE,
	RET_PF_INVALID,
	RET_PF_FIXED,
	RET_PF_SPURIOUS,
};

/* arch/x86/kvm/mmu/mmu_internal.h: struct kvm_page_fault, the fields modelled. */
struct kvm_page_fault {
	gpa_t addr;
	uint32_t error_code;
	bool prefetch;
	bool write;
	gfn_t gfn;
	struct kvm_memory_slot *slot;
	int max_level;
	int req_level;
	int goal_level;
	unsigned long mmu_seq;
	kvm_pfn_t pfn;
	unsigned long hva;
	bool map_writable;
	/* 6.13 (3dd48ecfac7f): the page gup or pin gave KVM a reference on */
	struct page *refcounted_page;
};

/*
 * arch/x86/kvm/mmu/tdp_iter.h: a pre-order walk of the TDP paging structure
 * over [start, end): each 2M entry, then, under a 2M entry that is a table,
 * each 4K entry.  In the model a 2M entry is a table when it is not a leaf
 * and some 4K SPTE under it is present.
 */
struct tdp_iter {
	struct kvm *kvm;
	gfn_t end;
	/* where a restart resumes, and where the last yield happened */
	gfn_t next_last_level_gfn;
	gfn_t yielded_gfn;
	/* the current entry */
	gfn_t gfn;
	int level;
	struct kvm_memory_slot *slot;
	struct kvm_spte *sptep;
	struct kvm_spte old_spte;
	bool valid;
	bool yielded;
	/* the model's need_resched(): a leaf was zapped since the last yield */
	bool zapped_since_yield;
};

void tdp_iter_start(struct tdp_iter *iter, struct kvm *kvm, gfn_t start, gfn_t end);
void tdp_iter_next(struct tdp_iter *iter);
void tdp_iter_restart(struct tdp_iter *iter);
bool tdp_frame_has_table(struct kvm *kvm, gfn_t gfn);

#define for_each_tdp_pte(iter, kvm, start, end)				\
	for (tdp_iter_start(&(iter), (kvm), (start), (end)); (iter).valid;	\
	     tdp_iter_next(&(iter)))

/* ---- dispatchers: the kernel's names ----------------------------------------- */

extern const struct kvm6_variant_ops *kvm6_ops;

#define KVM6_TRACE_NONE(name, r)
#define KVM6_TRACE_PAGE_PRED(name, r)						\
	ks_log_pred(#name, KS_OBJ(KS_OBJ_PAGE, pfn), KS_V_BOOL, (r) != NULL)
#define KVM6_TRACE_FAULT_PRED(name, r)						\
	ks_log_pred(#name, vcpu->kvm->seq_obj, KS_V_BOOL, r)

#define KVM_OP(ret, name, params, args, trace)					\
	static inline ret name params						\
	{									\
		ret r;								\
		KS_FUNC();							\
		r = kvm6_ops->name args;					\
		KVM6_TRACE_##trace(name, r);					\
		return r;							\
	}
/* A function this kernel lacks asks nothing: 0, and no trace row. */
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace)			\
	static inline ret name params						\
	{									\
		ret r;								\
		KS_FUNC();							\
		if (!kvm6_ops->name)						\
			return (ret)0;						\
		r = kvm6_ops->name args;					\
		KVM6_TRACE_##trace(name, r);					\
		return r;							\
	}
#define KVM_OP_VOID(name, params, args)						\
	static inline void name params						\
	{									\
		KS_FUNC();							\
		kvm6_ops->name args;						\
	}
#define KVM_OP_VOID_OPTIONAL(name, params, args)				\
	static inline void name params						\
	{									\
		KS_FUNC();							\
		if (kvm6_ops->name)						\
			kvm6_ops->name args;					\
	}
#include "kvm/6.x/kvm-ops.h"

/* In .replaces6: the variant's kernel no longer has this (optional) function. */
#define KVM6_REMOVED(op) ((__typeof__(((struct kvm6_variant_ops *)0)->op))kvm_op_removed)

/* ---- the v6.6-stable implementations other 6.x variants build on ----------- */

#define KVM_OP(ret, name, params, args, trace) ret v6_6_##name params;
#define KVM_OP_VOID(name, params, args) void v6_6_##name params;
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace) ret v6_6_##name params;
#define KVM_OP_VOID_OPTIONAL(name, params, args) void v6_6_##name params;
#include "kvm/6.x/kvm-ops.h"

/* ---- shared 6.x helpers ------------------------------------------------------ */

/* kvm_main.c */
void kvm_mmu_read_lock(struct kvm *kvm);
void kvm_mmu_read_unlock(struct kvm *kvm);
void KVM_MMU_LOCK(struct kvm *kvm);
void KVM_MMU_UNLOCK(struct kvm *kvm);
bool kvm_is_ad_tracked_page(struct page *page);
void kvm_release_page_clean(struct page *page);
void kvm_release_page_dirty(struct page *page);
void kvm_release_page_unused(struct page *page);
void kvm_set_page_dirty(struct page *page);
void kvm_set_page_accessed(struct page *page);
kvm_pfn_t v6_6_hva_to_pfn(unsigned long addr, bool atomic, bool *async, bool write_fault,
			  bool *writable);
kvm_pfn_t v6_6___gfn_to_pfn_memslot(struct kvm_memory_slot *slot, gfn_t gfn, bool atomic,
				    bool *async, bool write_fault, bool *writable,
				    unsigned long *hva);
bool mmu_invalidate_retry_hva(struct kvm *kvm, unsigned long mmu_seq, unsigned long hva);

/* mmu/mmu.c */
int kvm_mmu_page_fault6(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code);
int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot,
			      gfn_t gfn, int max_level);
int kvm_handle_error_pfn(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault);
bool kvm_unmap_gfn_range(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t start,
			 gfn_t end, bool may_block, bool flush);
void kvm_flush_remote_tlbs(struct kvm *kvm);
/* kvm_main.c: the invalidation a notifier or kvm_zap_gfn_range() brackets its zap with */
void kvm_mmu_invalidate_begin(struct kvm *kvm, unsigned long start, unsigned long end);
void kvm_mmu_invalidate_range_add(struct kvm *kvm, gfn_t start, gfn_t end);
void kvm_mmu_invalidate_end(struct kvm *kvm);
void kvm_zap_gfn_range6(struct kvm *kvm, gfn_t gfn_start, gfn_t gfn_end);
void kvm_mmu_zap_all6(struct kvm *kvm);

/* mmu/tdp_mmu.c */
int kvm_tdp_mmu_map(struct kvm_vcpu *vcpu, struct kvm_page_fault *fault);
void tdp_mmu_iter_set_spte(struct kvm *kvm, struct tdp_iter *iter, struct kvm_spte new_spte);
bool kvm_tdp_mmu_age_gfn_range(struct kvm *kvm, gfn_t start, gfn_t end);
bool kvm_tdp_mmu_set_spte_gfn(struct kvm *kvm, gfn_t gfn, pte_t pte);

/* mmu/spte.c */
struct kvm_spte make_spte(struct kvm_vcpu *vcpu, int level, kvm_pfn_t pfn,
			  struct kvm_spte old_spte, bool prefetch, bool host_writable);
bool kvm6_spte_same(const struct kvm_spte *a, const struct kvm_spte *b);

/* vcpu.c */
void kvm_vcpu_create6(struct kvm_vcpu *vcpu);
int kvm_vcpu_fault6(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
int kvm_vcpu_access6(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
void kvm_vcpu_flush_tlb(struct kvm_vcpu *vcpu);

/* The table's decisions asked of the 6.x code (diff.c's kvm_generation.decide). */
const char *kvm6_decide(struct kvm *kvm, struct kvm_vcpu *vcpu, unsigned long hva,
			bool write, int decision);

#endif /* KVMSIM_KVM6_HOST_H */
