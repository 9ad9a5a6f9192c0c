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
