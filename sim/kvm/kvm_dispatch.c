// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's names, dispatched to the current variant.  Predicates log
 * their result as a trace row ("kvm_is_reserved_pfn(page 0x1200) = true"),
 * so a trace reads like the kernel running.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kvm/kvm.h"

/* Set by the run (scenario.c) and by the decision table (diff.c). */
const struct kvm_variant_ops *kvm_ops;

static ks_obj_t pfn_obj(kvm_pfn_t pfn)
{
	return KS_OBJ(KS_OBJ_PAGE, pfn);
}

/* The trace rows of kvm-ops.h's @trace: written after the call, with its result @r. */
#define KVM_TRACE_NONE(name, r)
#define KVM_TRACE_PFN_PRED(name, r) ks_log_pred(#name, pfn_obj(pfn), KS_V_BOOL, r)
#define KVM_TRACE_SEQ_PRED(name, r) ks_log_pred(#name, kvm->seq_obj, KS_V_BOOL, r)
#define KVM_TRACE_HVA_TO_PFN(name, r)						\
	ks_log_note(#name, is_error_noslot_pfn(r) ? 0 : pfn_obj(r),		\
		    "hva 0x%lx -> %s%s", addr,					\
		    is_error_noslot_pfn(r) ? "error pfn" : "pfn",		\
		    writable && *writable ? " (writable)" : "")

#define KVM_OP(ret, name, params, args, trace)					\
	ret name params								\
	{									\
		ret r;								\
										\
		KS_FUNC();							\
		r = kvm_ops->name args;						\
		KVM_TRACE_##trace(name, r);					\
		return r;							\
	}
/* A function this kernel lacks asks nothing: 0, and no trace row. */
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace)			\
	ret name params								\
	{									\
		ret r;								\
										\
		KS_FUNC();							\
		if (!kvm_ops->name)						\
			return (ret)0;						\
		r = kvm_ops->name args;						\
		KVM_TRACE_##trace(name, r);					\
		return r;							\
	}
#define KVM_OP_VOID_OPTIONAL(name, params, args)				\
	void name params							\
	{									\
		KS_FUNC();							\
		if (kvm_ops->name)						\
			kvm_ops->name args;					\
	}
#define KVM_OP_VOID(name, params, args)						\
	void name params							\
	{									\
		KS_FUNC();							\
		kvm_ops->name args;						\
	}
#include "kvm/kvm-ops.h"

/* ---- the generation ------------------------------------------------------------ */

static const char *const kvm_op_names[] = {
#define KVM_OP(ret, name, params, args, trace) #name,
#define KVM_OP_VOID(name, params, args) #name,
#include "kvm/kvm-ops.h"
};
static const bool kvm_op_optional[] = {
#define KVM_OP(ret, name, params, args, trace) false,
#define KVM_OP_VOID(name, params, args) false,
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace) true,
#define KVM_OP_VOID_OPTIONAL(name, params, args) true,
#include "kvm/kvm-ops.h"
};
#define KVM_NR_OPS (sizeof(kvm_op_names) / sizeof(kvm_op_names[0]))

_Static_assert(sizeof(struct kvm_variant_ops) == KVM_NR_OPS * sizeof(void (*)(void)),
	       "struct kvm_variant_ops is one pointer per op of kvm-ops.h");
_Static_assert(sizeof(struct kvm_variant_commits) == KVM_NR_OPS * sizeof(const char *),
	       "struct kvm_variant_commits is one string per op of kvm-ops.h");

static void kvm_gen_4_19_select(const void *ops)
{
	kvm_ops = ops;
}

unsigned long kvm_mmu_lock_section(const struct kvm *kvm)
{
	int tid = ks_tid();

	if (tid < 0)
		return 0;	/* direct mode: no thread for the oracles to judge */
	if (kvm->gen == &kvm_gen_6)
		return kvm->mmu_section[tid];
	return kvm->mmu_lock.owner == tid ? kvm->mmu_lock.taken + 1 : 0;
}

const struct kvm_generation kvm_gen_4_19 = {
	.name = "4.19-5.x",
	.nr_ops = KVM_NR_OPS,
	.op_names = kvm_op_names,
	.op_optional = kvm_op_optional,
	.select = kvm_gen_4_19_select,
	.create_vm = kvm_create_vm,
	.set_memory_region = kvm_set_memory_region,
	.vcpu_fault = kvm_vcpu_fault,
	.vcpu_access = kvm_vcpu_access,
	.vcpu_map = kvm_vcpu_map,
	.vcpu_unmap = kvm_vcpu_unmap,
	.zap_gfn_range = kvm_zap_gfn_range,
	.destroy_vm = kvm_destroy_vm,
};
