/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lifted KVM logic: struct kvm, memslots, the direct-map SPTEs, and the
 * functions a variant may replace.
 *
 * Lifted code calls the kernel's names (kvm_is_reserved_pfn(),
 * tdp_page_fault(), ...).  Each such name is a dispatcher (kvm_dispatch.c)
 * that calls the current variant's implementation through struct
 * kvm_variant_ops and logs the result as a trace row, so a variant file
 * holds only the functions that differ from the variant it builds on.
 */
#ifndef KVMSIM_KVM_H
#define KVMSIM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmsim/variant.h>

#include "linux/mm.h"
#include "linux/mmu_notifier.h"
#include "linux/spinlock.h"

/*
 * KVM's frames are marked as KVM's: the unprotected-page-access oracle asks
 * whether a struct page was touched by KVM's own code or by the mm code KVM
 * called (gup).
 */
#undef KS_FUNC
#define KS_FUNC() \
	struct ks_frame __ks_frame __attribute__((cleanup(ks_frame_pop), unused)) = \
		ks_frame_push_kvm(__func__)

typedef uint64_t kvm_pfn_t;
typedef uint64_t gfn_t;
typedef uint64_t gpa_t;

/* include/linux/kvm_host.h error pfns */
#define KVM_PFN_ERR_MASK	(0x7ffULL << 52)
#define KVM_PFN_ERR_NOSLOT_MASK	(0xfffULL << 52)
#define KVM_PFN_NOSLOT		(0x1ULL << 63)
#define KVM_PFN_ERR_FAULT	(KVM_PFN_ERR_MASK)
#define KVM_PFN_ERR_HWPOISON	(KVM_PFN_ERR_MASK + 1)
#define KVM_PFN_ERR_RO_FAULT	(KVM_PFN_ERR_MASK + 2)

static inline bool is_error_pfn(kvm_pfn_t pfn)
{
	return !!(pfn & KVM_PFN_ERR_MASK);
}

static inline bool is_error_noslot_pfn(kvm_pfn_t pfn)
{
	return !!(pfn & KVM_PFN_ERR_NOSLOT_MASK);
}

static inline bool is_noslot_pfn(kvm_pfn_t pfn)
{
	return pfn == KVM_PFN_NOSLOT;
}

/* Page-table levels, as PT_PAGE_TABLE_LEVEL / PT_DIRECTORY_LEVEL in 4.19. */
#define PT_PAGE_TABLE_LEVEL	1
#define PT_DIRECTORY_LEVEL	2
#define PT_PDPE_LEVEL		3
#define KVM_PAGES_PER_HPAGE(l)	(1ULL << (((l) - 1) * 9))
#define KVM_HPAGE_SIZE(l)	(KVM_PAGES_PER_HPAGE(l) << PAGE_SHIFT)

/* Fault handler results (4.19 RET_PF_*). */
#define RET_PF_RETRY	0
#define RET_PF_EMULATE	1
#define RET_PF_INVALID	2

#define PFERR_WRITE_MASK (1U << 1)

/* 4.19 mmu.c: SPTEs around a fault that direct_pte_prefetch() may map. */
#define PTE_PREFETCH_NUM 8

#define KVM_MEM_LOG_DIRTY_PAGES (1U << 0)
#define KVM_MEM_READONLY	(1U << 1)

/* A shadow PTE of the direct map.  A/D bits are EPT-style (hardware sets them). */
struct kvm_spte {
	bool present;
	bool writable;
	bool accessed;
	bool dirty;
	kvm_pfn_t pfn;
};

struct kvm_memory_slot {
	int id;
	gfn_t base_gfn;
	unsigned long npages;
	unsigned long userspace_addr;
	uint32_t flags;
	/* lpage_info: per 2M frame of the slot, whether a huge SPTE is disallowed. */
	bool *disallow_lpage;
	unsigned long nr_lpages;
	/* The direct map: one SPTE per gfn at 4K, one per 2M frame at 2M. */
	struct kvm_spte *spte_4k;
	struct kvm_spte *spte_2m;
};

#define KVM_MAX_SLOTS 8
#define KVM_MAX_MMIO_SPTES 8
#define KVM_MAX_PRESENT 1024
#define KVM_MAX_VCPUS 4

struct kvm;

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	const char *name;
};

struct kvm {
	spinlock_t mmu_lock;
	struct mm_struct *mm;
	struct mmu_notifier mmu_notifier;
	unsigned long mmu_notifier_seq;
	long mmu_notifier_count;
	ks_obj_t seq_obj, count_obj;
	int nr_memslots;
	struct kvm_memory_slot memslots[KVM_MAX_SLOTS];
	struct kvm_vcpu vcpus[KVM_MAX_VCPUS];
	bool dead;			/* kvm_destroy_vm() ran */
	/* MMIO SPTEs of gfns with no memslot (set_mmio_spte()). */
	int nr_mmio;
	gfn_t mmio_gfn[KVM_MAX_MMIO_SPTES];
	/* The present SPTEs, for the oracles (the kernel's rmaps play this part). */
	int nr_present;
	struct kvm_spte_ref {
		struct kvm_memory_slot *slot;
		gfn_t gfn;
		int level;
	} present[KVM_MAX_PRESENT];
};

/*
 * The functions a variant may replace (kvm-ops.h), as a table.  Everything
 * else in sim/kvm is shared by all variants of the generation.
 */
struct kvm_variant_ops {
#define KVM_OP(ret, name, params, args, trace) ret (*name) params;
#define KVM_OP_VOID(name, params, args) void (*name) params;
#include "kvm/kvm-ops.h"
};

/* For each function a variant replaces, the kernel commit that changed it. */
struct kvm_variant_commits {
#define KVM_OP(ret, name, params, args, trace) const char *name;
#define KVM_OP_VOID(name, params, args) const char *name;
#include "kvm/kvm-ops.h"
};

/*
 * A variant, declared: its base and only the functions its kernel changed,
 * each with the commit that changed it.  The registry (variants.c) finds the
 * definitions in the kvm_variants section, resolves each one over its base
 * and checks it before anything runs.
 *
 *	KVM_VARIANT(v5_4) = {
 *		.v = { .name = "v5.4", .base = "v5.4-rc7", ... },
 *		.date = "2019-11-24",
 *		.replaces = { .kvm_is_reserved_pfn = v5_4_kvm_is_reserved_pfn },
 *		.commits = { .kvm_is_reserved_pfn = "a78986aae9b2" },
 *	};
 *
 * Built with -DKVMSIM_MODULE (an out-of-tree object for --load, see
 * kvmsim.pc) the same declaration registers from a constructor instead, as a
 * kernel module's initcall does.
 */
struct kvm_variant_def {
	struct ks_variant v;		/* v.ops is filled at load */
	const char *date;		/* of the release or posting: list order */
	struct kvm_variant_ops replaces;
	struct kvm_variant_commits commits;
	/* Filled at load: the base's functions with the replacements over them. */
	struct kvm_variant_ops ops;
	int state;			/* 0 unresolved, 1 resolving, 2 ready, -1 rejected */
};

int kvm_variant_def_register(struct kvm_variant_def *def);

/*
 * In .replaces: the variant's kernel no longer has this (optional) function;
 * its commit, in .commits, is the one that removed it.
 */
void kvm_op_removed(void);
#define KVM_REMOVED(op) ((__typeof__(((struct kvm_variant_ops *)0)->op))kvm_op_removed)

#ifdef KVMSIM_MODULE
#define KVM_VARIANT(id)								\
	static struct kvm_variant_def id;					\
	__attribute__((constructor)) static void id##_register(void)		\
	{									\
		kvm_variant_def_register(&id);					\
	}									\
	static struct kvm_variant_def id
#else
#define KVM_VARIANT(id)								\
	static struct kvm_variant_def id;					\
	static struct kvm_variant_def *const id##_entry				\
		__attribute__((used, section("kvm_variants"))) = &id;		\
	static struct kvm_variant_def id
#endif

/* The variant and the VM of the current run. */
extern const struct kvm_variant_ops *kvm_ops;
extern struct kvm *kvm_current;

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

/* ---- shared helpers (mmu.c, kvm_main.c) --------------------------------------- */

struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn);
unsigned long gfn_to_hva_memslot(struct kvm_memory_slot *slot, gfn_t gfn);
kvm_pfn_t __gfn_to_pfn_memslot(struct kvm_memory_slot *slot, gfn_t gfn,
			       bool atomic, bool *async, bool write_fault,
			       bool *writable);
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
struct kvm_spte *kvm_spte_at(struct kvm_memory_slot *slot, gfn_t gfn, int level);
ks_obj_t kvm_spte_obj(gfn_t gfn, int level);
void drop_spte(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn, int level);
/* set_spte(): make *@sptep map @pfn (writable and dirty if host-writable). */
void set_spte(struct kvm *kvm, struct kvm_spte *sptep, int level, gfn_t gfn,
	      kvm_pfn_t pfn, bool speculative, bool host_writable);
/* mmu_set_spte() but for the release of the pfn (4.19 only) after it. */
int __mmu_set_spte(struct kvm_vcpu *vcpu, struct kvm_spte *sptep, int level, gfn_t gfn,
		   kvm_pfn_t pfn, bool speculative, bool host_writable);
/* Whether @gfn (in no memslot) has an MMIO SPTE. */
bool kvm_mmio_spte_present(struct kvm *kvm, gfn_t gfn);
/* Clear *@sptep and return what it held (no A/D propagation). */
struct kvm_spte kvm_spte_clear(struct kvm *kvm, struct kvm_spte *sptep, gfn_t gfn,
			       int level);
int kvm_unmap_hva_range(struct kvm *kvm, unsigned long start, unsigned long end);
void kvm_mmu_zap_all(struct kvm *kvm);
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, uint32_t error_code);

/* The VM, its memslots and its vCPUs (kvm_main.c). */
struct kvm *kvm_create_vm(struct mm_struct *mm);
int kvm_set_memory_region(struct kvm *kvm, int slot, gfn_t base_gfn,
			  unsigned long npages, unsigned long hva, uint32_t flags);
void kvm_destroy_vm(struct kvm *kvm);

/* ---- scenario operations of a vCPU (vcpu.c) ---------------------------------- */

/* Whether the guest's access to @gfn would now go through a present SPTE. */
bool vcpu_spte_present(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
/* An EPT violation at @gfn: the fault handler until it does not retry. */
int kvm_vcpu_fault(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
/* The guest touches @gfn: through a present SPTE (setting A/D), else fault first. */
int kvm_vcpu_access(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);

/* ---- oracles of the KVM side (oracles.c) ---------------------------------------- */

struct dev_dax;
/* unbind-survivor watches @dev's pfns once its unbind has finished. */
void kvm_oracle_watch_device(struct dev_dax *dev);
void kvm_oracle_invalidate_begin(unsigned long start, unsigned long end);
void kvm_oracle_invalidate_end(unsigned long start, unsigned long end);
/* An SPTE was installed, changed or cleared: the per-step oracles check again. */
void kvm_oracle_spte_changed(void);
void kvm_oracle_spte_zapped(struct kvm *kvm, kvm_pfn_t pfn, unsigned long npages);
void kvm_oracle_retry_passed(struct kvm *kvm);
void kvm_oracles_after_step(struct kvm *kvm);
void kvm_oracles_finish(struct kvm *kvm);

/* Formats an SPTE value for trace rows (KS_V_SPTE). */
int64_t kvm_spte_val(const struct kvm_spte *spte, int level);

#endif /* KVMSIM_KVM_H */
