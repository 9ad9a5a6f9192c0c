/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 4.19-5.x generation of the lifted KVM logic: the shadow/direct MMU of
 * arch/x86/kvm/mmu.c with a spinlock mmu_lock, and the functions a variant
 * may replace (kvm-ops.h).
 *
 * Lifted code calls the kernel's names (kvm_is_reserved_pfn(),
 * tdp_page_fault(), ...).  Each such name is a dispatcher (kvm_dispatch.c)
 * that calls the current variant's implementation through struct
 * kvm_variant_ops and logs the result as a trace row, so a variant file
 * holds only the functions that differ from the variant it builds on.
 */
#ifndef KVMSIM_KVM_H
#define KVMSIM_KVM_H

#include "kvm/kvm_common.h"

/* Fault handler results (4.19 RET_PF_*). */
#define RET_PF_RETRY	0
#define RET_PF_EMULATE	1
#define RET_PF_INVALID	2

/* 4.19 mmu.c: SPTEs around a fault that direct_pte_prefetch() may map. */
#define PTE_PREFETCH_NUM 8

/* ---- dispatchers: the kernel's names (kvm_dispatch.c) ---------------------- */

#define KVM_OP(ret, name, params, args, trace) ret name params;
#define KVM_OP_VOID(name, params, args) void name params;
#include "kvm/kvm-ops.h"

/* ---- the v4.19 implementations other variants build on ---------------------- */

#define KVM_OP(ret, name, params, args, trace) ret v4_19_##name params;
#define KVM_OP_VOID(name, params, args) void v4_19_##name params;
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace)
#define KVM_OP_VOID_OPTIONAL(name, params, args) void v4_19_##name params;
#include "kvm/kvm-ops.h"

/* v5.4-rc7's kvm_vcpu_map() (e45adf665a53), which mutants build on. */
int v5_4_rc7_kvm_vcpu_map(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map);

/* ---- shared helpers (mmu.c, kvm_main.c) --------------------------------------- */

kvm_pfn_t __gfn_to_pfn_memslot(struct kvm_memory_slot *slot, gfn_t gfn,
			       bool atomic, bool *async, bool write_fault,
			       bool *writable);
/* kvm_set_pfn_dirty() then kvm_release_pfn_clean() (4.19 .. 5.x kvm_main.c). */
void kvm_release_pfn_dirty(kvm_pfn_t pfn);
int mapping_level(struct kvm_vcpu *vcpu, gfn_t large_gfn, bool *force_pt_level);
bool mmu_gfn_lpage_is_disallowed(struct kvm_vcpu *vcpu, gfn_t gfn, int level);
int __direct_map(struct kvm_vcpu *vcpu, gpa_t gpa, int write, bool map_writable,
		 int level, kvm_pfn_t pfn, bool prefault);
int kvm_handle_bad_page(struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn);
bool handle_abnormal_pfn(struct kvm_vcpu *vcpu, gfn_t gfn, kvm_pfn_t pfn, int *ret_val);
struct kvm_memory_slot *gfn_to_memslot_dirty_bitmap(struct kvm_vcpu *vcpu, gfn_t gfn,
						    bool no_dirty_log);
int gfn_to_page_many_atomic(struct kvm_memory_slot *slot, gfn_t gfn,
			    struct page **pages, int nr_pages);
void direct_pte_prefetch(struct kvm_vcpu *vcpu, struct kvm_memory_slot *slot, gfn_t gfn,
			 int level);
bool try_async_pf(struct kvm_vcpu *vcpu, bool prefault, gfn_t gfn, gpa_t gpa,
		  kvm_pfn_t *pfn, bool write, bool *writable);
void drop_spte(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn, int level);
/* set_spte(): make *@sptep map @pfn (writable and dirty if host-writable). */
void set_spte(struct kvm *kvm, struct kvm_spte *sptep, int level, gfn_t gfn,
	      kvm_pfn_t pfn, bool speculative, bool host_writable);
/* mmu_set_spte() but for the release of the pfn (4.19 only) after it. */
int __mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep, int level, gfn_t gfn,
		   kvm_pfn_t pfn, bool speculative, bool host_writable);
/* Whether @gfn (in no memslot) has an MMIO SPTE. */
/* Clear *@sptep and return what it held (no A/D propagation). */
struct kvm_spte kvm_spte_clear(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn,
			       int level);
int kvm_unmap_hva_range(struct kvm *kvm, unsigned long start, unsigned long end);
void kvm_mmu_zap_all(struct kvm *kvm);
void kvm_zap_gfn_range(struct kvm *kvm, gfn_t gfn_start, gfn_t gfn_end);
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code);

/* The VM, its memslots and its vCPUs (kvm_main.c). */
struct kvm *kvm_create_vm(struct mm_struct *mm);
void kvm_destroy_vm(struct kvm *kvm);

/* ---- scenario operations of a vCPU (vcpu.c) ---------------------------------- */

/* Whether the guest's access to @gfn would now go through a present SPTE. */
bool vcpu_spte_present(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
/* An EPT violation at @gfn: the fault handler until it does not retry. */
int kvm_vcpu_fault(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
/* The guest touches @gfn: through a present SPTE (setting A/D), else fault first. */
int kvm_vcpu_access(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);

#endif /* KVMSIM_KVM_H */
