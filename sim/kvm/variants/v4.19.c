// SPDX-License-Identifier: GPL-2.0
/*
 * v4.19.0 (84df9525b0c2): the base of the 4.19-5.x generation.  Its functions
 * live with the shared code they belong to (kvm_main.c, mmu.c): every other
 * variant of the generation builds on this one.
 */
#include "kvm/kvm.h"

KVM_VARIANT(v4_19) = {
	.v = { .name = "v4.19", .base = NULL,
	       .kernel = "v4.19.0 (84df9525b0c2)",
	       .summary = "ZONE_DEVICE pages are kvm_is_reserved_pfn(): gup references on them are never put",
	       .default_era = KS_ERA_4_19 },
	.date = "2018-10-22",
	.replaces = {
#define KVM_OP(ret, name, params, args, trace) .name = v4_19_##name,
#define KVM_OP_VOID(name, params, args) .name = v4_19_##name,
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace)
#include "kvm/kvm-ops.h"
	},
	.commits = {
#define KVM_OP(ret, name, params, args, trace) .name = "84df9525b0c2",
#define KVM_OP_VOID(name, params, args) .name = "84df9525b0c2",
#define KVM_OP_OPTIONAL_RET0(ret, name, params, args, trace)
#include "kvm/kvm-ops.h"
	},
};
