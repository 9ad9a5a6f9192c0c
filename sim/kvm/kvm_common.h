/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every generation of the lifted KVM logic shares: struct kvm, the
 * memslots and their SPTEs, the vCPUs, the generation interface the
 * scenario interpreter, the oracles and `diff`/`table` call, and variant
 * declarations.  A generation's own header adds its functions: kvm.h for
 * 4.19-5.x, 6.x/kvm_host.h for 6.x.
 */
#ifndef KVMSIM_KVM_COMMON_H
#define KVMSIM_KVM_COMMON_H

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

/* include/linux/kvm_host.h: pfn_to_hpa(). */
static inline uint64_t pfn_to_hpa(kvm_pfn_t pfn)
{
	return (uint64_t)pfn << PAGE_SHIFT;
}

/* Page-table levels, as PT_PAGE_TABLE_LEVEL / PT_DIRECTORY_LEVEL in 4.19. */
#define PT_PAGE_TABLE_LEVEL	1
#define PT_DIRECTORY_LEVEL	2
#define PT_PDPE_LEVEL		3
#define KVM_PAGES_PER_HPAGE(l)	(1ULL << (((l) - 1) * 9))
#define KVM_HPAGE_SIZE(l)	(KVM_PAGES_PER_HPAGE(l) << PAGE_SHIFT)

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

#define KVM_MAX_SLOTS 16
#define KVM_MAX_MMIO_SPTES 8
#define KVM_MAX_PRESENT 1024
#define KVM_MAX_VCPUS 4

struct kvm;

/*
 * 6.x: a TLB entry of a vCPU.  The 4.19-5.x model has no TLB (a zapped SPTE
 * is gone at once); from the TDP MMU on a zap and its flush are apart (a zap
 * may yield before it flushes), so a translation survives its SPTE until
 * kvm_flush_remote_tlbs() and "zapped but not flushed" is observable.
 */
struct kvm_tlb_entry {
	gfn_t gfn;			/* the SPTE's gfn: 2M-aligned at 2M */
	int level;
	kvm_pfn_t pfn;
	bool writable;
};

#define KVM_TLB_ENTRIES 8

/*
 * include/linux/kvm_host.h (e45adf665a53, 5.1): a guest page KVM maps for
 * its own use -- a nested VMCS, the virtual-APIC page, a posted-interrupt
 * descriptor -- and touches outside MMU-notifier protection, so the page
 * must stay referenced (5.x, 6.6) or pinned (6.13, 2bcb52a3602b) from
 * kvm_vcpu_map() to kvm_vcpu_unmap() (docs/semantics.md D2).
 */
struct kvm_host_map {
	struct page *page;		/* NULL (KVM_UNMAPPED_PAGE): memremap()ed */
	struct page *pinned_page;	/* 6.13: what unpin_user_page() releases */
	void *hva;			/* NULL: not mapped */
	kvm_pfn_t pfn;
	gfn_t gfn;
	bool writable;			/* 6.13 */
	/*
	 * The model: the scenario's gfn is held; KVM wrote through the map; and
	 * kvm_vcpu_unmap() is running, whose kunmap() comes before any release,
	 * so the oracles no longer count the mapping.
	 */
	bool used;
	bool written;
	bool unmapping;
};

#define KVM_MAX_HOST_MAPS 4

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	const char *name;
	/* the vCPU's kvm_vcpu_map() mappings, by scenario gfn */
	struct kvm_host_map maps[KVM_MAX_HOST_MAPS];
	/* 6.x only */
	int nr_tlb;
	struct kvm_tlb_entry tlb[KVM_TLB_ENTRIES];
	ks_obj_t tlb_obj;
};

struct kvm {
	const struct kvm_generation *gen;
	spinlock_t mmu_lock;		/* 4.19-5.x */
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
	/*
	 * 6.x (KVM_HAVE_MMU_RWLOCK): mmu_lock is an rwlock that faults take for
	 * read; the section each thread is in (0: none), for the oracles.
	 */
	rwlock_t mmu_rwlock;
	unsigned long mmu_sections;
	unsigned long mmu_section[KS_MAX_THREADS + 1];
	/* 5.12+ range-based retry, named as 6.1 names it (20ec3ebd707c) */
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	unsigned long mmu_invalidate_range_start, mmu_invalidate_range_end;
	/*
	 * 6.8+ (f00dfa90ceb1): the same ranges in gfns, added per memslot by
	 * kvm_mmu_invalidate_range_add(); ~0 until the first is added.  Kept for
	 * every 6.x variant, read by those whose retry check is gfn-based.
	 */
	gfn_t mmu_invalidate_gfn_start, mmu_invalidate_gfn_end;
	long mn_active_invalidate_count;
};

/*
 * A generation of the KVM MMU: one base and its variants behind the narrow,
 * version-neutral interface the scenario interpreter, the oracles and
 * `diff`/`table` call.  4.19-5.x is the shadow/direct MMU with a spinlock
 * (sim/kvm/, op list kvm-ops.h); 6.x the TDP MMU with an rwlock
 * (sim/kvm/6.x/, op list 6.x/kvm-ops.h).
 */
struct kvm_generation {
	const char *name;
	/* its op list: names, and whether a variant may lack each one */
	size_t nr_ops;
	const char *const *op_names;
	const bool *op_optional;
	/* make @ops the current variant's */
	void (*select)(const void *ops);
	struct kvm *(*create_vm)(struct mm_struct *mm);
	int (*set_memory_region)(struct kvm *kvm, int slot, gfn_t base_gfn,
				 unsigned long npages, unsigned long hva, uint32_t flags);
	/* optional: what the generation's vCPU needs beyond its id and name */
	void (*vcpu_create)(struct kvm_vcpu *vcpu);
	int (*vcpu_fault)(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
	int (*vcpu_access)(struct kvm_vcpu *vcpu, gfn_t gfn, bool write);
	/*
	 * kvm_vcpu_map() of @gfn into @map, and kvm_vcpu_unmap(), @dirty if KVM
	 * wrote through it (6.13 decides by map->writable instead).
	 */
	int (*vcpu_map)(struct kvm_vcpu *vcpu, gfn_t gfn, struct kvm_host_map *map);
	void (*vcpu_unmap)(struct kvm_vcpu *vcpu, struct kvm_host_map *map, bool dirty);
	/* kvm_zap_gfn_range(): every SPTE of [@gfn_start, @gfn_end), under mmu_lock */
	void (*zap_gfn_range)(struct kvm *kvm, gfn_t gfn_start, gfn_t gfn_end);
	void (*destroy_vm)(struct kvm *kvm);
	/*
	 * A decision of the table (diff.c) asked of this generation's code, on
	 * the page at @hva of @kvm's mm: "yes", "no", "-" (it lacks the
	 * function); NULL: ask the 4.19-5.x functions.
	 */
	const char *(*decide)(struct kvm *kvm, struct kvm_vcpu *vcpu, unsigned long hva,
			      bool write, int decision);
};

/* The decisions of `kvmsim table` (diff.c), in its row order. */
enum kvm_decision {
	DEC_RESERVED,
	DEC_ZONE_DEVICE,
	DEC_RELEASE_PUTS,
	DEC_GET_TAKES,
	DEC_SET_DIRTY,
	DEC_SET_ACCESSED,
	DEC_THP_ADJUST,
	DEC_FAULT_HUGE,
	DEC_WARN,
	DEC_NR
};

extern const struct kvm_generation kvm_gen_4_19;
extern const struct kvm_generation kvm_gen_6;

/* The generation of @v (variants registered raw have the 4.19-5.x one). */
const struct kvm_generation *kvm_variant_gen(const struct ks_variant *v);

/*
 * The current thread's mmu_lock section, whichever the generation's lock:
 * 0 if it holds none, else a number no other section has.
 */
unsigned long kvm_mmu_lock_section(const struct kvm *kvm);

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

/* The same for the 6.x generation (6.x/kvm-ops.h). */
struct kvm_page_fault;
struct tdp_iter;
struct page;

struct kvm6_variant_ops {
#define KVM_OP(ret, name, params, args, trace) ret (*name) params;
#define KVM_OP_VOID(name, params, args) void (*name) params;
#include "kvm/6.x/kvm-ops.h"
};

struct kvm6_variant_commits {
#define KVM_OP(ret, name, params, args, trace) const char *name;
#define KVM_OP_VOID(name, params, args) const char *name;
#include "kvm/6.x/kvm-ops.h"
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
	/* Its generation: NULL for 4.19-5.x, &kvm_gen_6 (KVM6_VARIANT) for 6.x. */
	const struct kvm_generation *gen;
	union {
		struct kvm_variant_ops replaces;
		struct kvm6_variant_ops replaces6;
	};
	union {
		struct kvm_variant_commits commits;
		struct kvm6_variant_commits commits6;
	};
	/* Filled at load: the base's functions with the replacements over them. */
	union {
		struct kvm_variant_ops ops;
		struct kvm6_variant_ops ops6;
	};
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

/* ---- shared by the generations (kvm_main.c, mmu.c) ------------------------------ */

struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn);
unsigned long gfn_to_hva_memslot(struct kvm_memory_slot *slot, gfn_t gfn);
/* The memslots' SPTE store, and its objects for the scheduler. */
struct kvm_spte *kvm_spte_at(struct kvm_memory_slot *slot, gfn_t gfn, int level);
ks_obj_t kvm_spte_obj(gfn_t gfn, int level);
/* The oracles' list of present SPTEs: kept by whoever makes one present or not. */
void kvm_present_add(struct kvm *kvm, gfn_t gfn, int level);
void kvm_present_del(struct kvm *kvm, gfn_t gfn, int level);
/* MMIO SPTEs of gfns with no memslot. */
void set_mmio_spte(struct kvm *kvm, gfn_t gfn);
bool kvm_mmio_spte_present(struct kvm *kvm, gfn_t gfn);
/* Allocate the memslot's SPTE store and lpage_info (kvm_main.c). */
int kvm_set_memory_region(struct kvm *kvm, int slot, gfn_t base_gfn,
			  unsigned long npages, unsigned long hva, uint32_t flags);
/* hva_to_pfn()'s gup paths, unchanged in substance from 4.19 to 6.12. */
bool hva_to_pfn_fast(unsigned long addr, bool write_fault, bool *writable, kvm_pfn_t *pfn);
int hva_to_pfn_slow(unsigned long addr, bool *async, bool write_fault, bool *writable,
		    kvm_pfn_t *pfn);
struct vm_area_struct;
int hva_follow_pfn(struct vm_area_struct *vma, unsigned long addr, bool write_fault,
		   unsigned long *pfn);

#define PFERR_WRITE_MASK (1U << 1)

/* ---- oracles of the KVM side (oracles.c) ---------------------------------------- */

struct dev_dax;
/* unbind-survivor watches @dev's pfns once its unbind has finished. */
void kvm_oracle_watch_device(struct dev_dax *dev);
void kvm_oracle_invalidate_begin(unsigned long start, unsigned long end);
void kvm_oracle_invalidate_end(unsigned long start, unsigned long end);
/* An SPTE was installed, changed or cleared: the per-step oracles check again. */
void kvm_oracle_spte_changed(void);
void kvm_oracle_spte_zapped(struct kvm *kvm, kvm_pfn_t pfn, unsigned long npages);
/*
 * kvm_zap_gfn_range() of [@start, @end) is about to drop mmu_lock: no SPTE,
 * and (6.x, flushed) no vCPU TLB entry, may map a gfn in it.
 */
void kvm_oracle_zap_done(struct kvm *kvm, gfn_t start, gfn_t end);
void kvm_oracle_retry_passed(struct kvm *kvm);
void kvm_oracles_after_step(struct kvm *kvm);
void kvm_oracles_finish(struct kvm *kvm);
/*
 * KVM touches the page of @map through its kvm_vcpu_map() mapping, outside
 * MMU-notifier protection: the step, and its judgement.
 */
void kvm_oracle_map_access(struct kvm_vcpu *vcpu, const struct kvm_host_map *map, bool write);

/* Formats an SPTE value for trace rows (KS_V_SPTE). */
int64_t kvm_spte_val(const struct kvm_spte *spte, int level);

/* The current thread saw @kvm's invalidation of [@start, @end) zap: no vCPU TLB may map into it now. */
void kvm_oracle_invalidate_started(struct kvm *kvm, unsigned long start, unsigned long end);

#endif /* KVMSIM_KVM_COMMON_H */
