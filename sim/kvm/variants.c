// SPDX-License-Identifier: GPL-2.0
/*
 * The variant registry: the kernel versions modelled, and the mutants with
 * the oracle each must be caught by.  Out-of-tree variants (--load) add
 * themselves with ks_variant_register().
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kvm/kvm.h"

struct kvm_variant_def {
	struct ks_variant v;
	void (*init)(struct kvm_variant_ops *ops);
	struct kvm_variant_ops ops;
};

static struct kvm_variant_def kvm_builtin_variants[] = {
	{ .v = { .name = "v4.19", .base = NULL,
		 .kernel = "v4.19.0 (84df9525b0c2)",
		 .summary = "ZONE_DEVICE pages are kvm_is_reserved_pfn(): gup references on them are never put",
		 .default_era = KS_ERA_4_19 },
	  .init = kvm_v4_19_ops_init },
	{ .v = { .name = "v5.4-rc7", .base = "v4.19",
		 .kernel = "v5.4-rc7, the parent of a78986aae9b2",
		 .summary = "release moved out of mmu_set_spte(); ZONE_DEVICE still reserved",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_v5_4_rc7_ops_init },
	{ .v = { .name = "v5.4", .base = "v5.4-rc7",
		 .kernel = "v5.4-rc8: a78986aae9b2 \"KVM: MMU: Do not treat ZONE_DEVICE pages as being reserved\"",
		 .summary = "ZONE_DEVICE pages are refcounted like normal pages; no A/D or THP adjust on them",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_v5_4_ops_init },
	{ .v = { .name = "mut-no-retry", .base = "v5.4", .mutant = true,
		 .catches = "stale-spte",
		 .kernel = "mutant of v5.4",
		 .summary = "mmu_notifier_retry() never retries",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_mut_no_retry_ops_init },
	{ .v = { .name = "mut-missing-put", .base = "v5.4", .mutant = true,
		 .catches = "audit",
		 .kernel = "mutant of v5.4",
		 .summary = "kvm_release_pfn_clean() never puts the page",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_mut_missing_put_ops_init },
	{ .v = { .name = "mut-double-put", .base = "v5.4", .mutant = true,
		 .catches = "refcount",
		 .kernel = "mutant of v5.4",
		 .summary = "kvm_release_pfn_clean() puts the page twice",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_mut_double_put_ops_init },
	{ .v = { .name = "mut-zap-skip", .base = "v5.4", .mutant = true,
		 .catches = "unbind-survivor",
		 .kernel = "mutant of v5.4",
		 .summary = "zapping an SPTE leaves it in place",
		 .default_era = KS_ERA_5_2 },
	  .init = kvm_mut_zap_skip_ops_init },
};

#define KVM_NR_BUILTIN (sizeof(kvm_builtin_variants) / sizeof(kvm_builtin_variants[0]))
#define KVM_MAX_LOADED 32

static const struct ks_variant *kvm_loaded[KVM_MAX_LOADED];
static size_t kvm_nr_loaded;

static const struct ks_variant *kvm_builtin(size_t i)
{
	struct kvm_variant_def *d = &kvm_builtin_variants[i];

	if (!d->v.ops) {
		d->init(&d->ops);
		d->v.ops = &d->ops;
	}
	return &d->v;
}

size_t ks_variant_count(void)
{
	return KVM_NR_BUILTIN + kvm_nr_loaded;
}

const struct ks_variant *ks_variant_at(size_t i)
{
	if (i < KVM_NR_BUILTIN)
		return kvm_builtin(i);
	if (i - KVM_NR_BUILTIN < kvm_nr_loaded)
		return kvm_loaded[i - KVM_NR_BUILTIN];
	return NULL;
}

const struct ks_variant *ks_variant_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ks_variant_count(); i++)
		if (!strcmp(ks_variant_at(i)->name, name))
			return ks_variant_at(i);
	return NULL;
}

static char kvm_rejected[256];

static bool kvm_oracle_known(const char *name)
{
	size_t i;

	for (i = 0; i < ks_oracle_count(); i++)
		if (!strcmp(ks_oracle_at(i)->name, name))
			return true;
	return false;
}

const char *ks_variant_rejected(void)
{
	return kvm_rejected[0] ? kvm_rejected : NULL;
}

/* Why @v cannot be run, or NULL: every field the model reads is checked here. */
static const char *kvm_variant_invalid(const struct ks_variant *v, char *buf, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} required[] = {
#define KVM_REQ(f) { #f, offsetof(struct kvm_variant_ops, f) }
		KVM_REQ(kvm_is_reserved_pfn), KVM_REQ(kvm_release_pfn_clean),
		KVM_REQ(kvm_set_pfn_dirty), KVM_REQ(kvm_set_pfn_accessed), KVM_REQ(kvm_get_pfn),
		KVM_REQ(hva_to_pfn), KVM_REQ(tdp_page_fault), KVM_REQ(transparent_hugepage_adjust),
		KVM_REQ(mmu_set_spte), KVM_REQ(mmu_spte_clear_track_bits),
		KVM_REQ(mmu_notifier_retry), KVM_REQ(direct_pte_prefetch_many),
#undef KVM_REQ
	};
	size_t i;

	if (!v || !v->name || !*v->name)
		return "a variant without a name";
	if (ks_variant_lookup(v->name)) {
		snprintf(buf, len, "variant '%s' is already registered", v->name);
		return buf;
	}
	if ((unsigned)v->default_era >= KS_ERA_NR) {
		snprintf(buf, len, "variant '%s': default era %u is out of range (0 to %u)", v->name,
			 (unsigned)v->default_era, KS_ERA_NR - 1);
		return buf;
	}
	if (v->mutant && (!v->catches || !kvm_oracle_known(v->catches))) {
		snprintf(buf, len, "mutant '%s' names no known oracle that catches it", v->name);
		return buf;
	}
	if (!v->ops) {
		snprintf(buf, len, "variant '%s' has no ops", v->name);
		return buf;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!*(void *const *)((const char *)v->ops + required[i].off)) {
			snprintf(buf, len, "variant '%s' has no %s()", v->name, required[i].name);
			return buf;
		}
	if (kvm_nr_loaded == KVM_MAX_LOADED) {
		snprintf(buf, len, "more than %d loaded variants", KVM_MAX_LOADED);
		return buf;
	}
	return NULL;
}

int ks_variant_register(const struct ks_variant *v)
{
	const char *why = kvm_variant_invalid(v, kvm_rejected, sizeof(kvm_rejected));

	if (why) {
		if (why != kvm_rejected)
			snprintf(kvm_rejected, sizeof(kvm_rejected), "%s", why);
		return -1;
	}
	kvm_loaded[kvm_nr_loaded++] = v;
	return 0;
}

/* FNV-1a over the name and the kernel it models: stable across builds. */
uint64_t ks_variant_fingerprint(const struct ks_variant *v)
{
	const char *parts[2] = { v->name, v->kernel ? v->kernel : "" };
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	const char *p;

	for (i = 0; i < 2; i++) {
		for (p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h;
}

static const struct ks_oracle_desc kvm_oracles[] = {
	{ "refcount", "refcount underflow/overflow, get_page on a free page, any operation on a free struct page" },
	{ "memmap-uaf", "a touch of a struct page whose memmap section was removed" },
	{ "pt-uaf", "a lockless page-table walk reading a page-table page that was freed" },
	{ "stale-spte", "an SPTE that does not map the host pfn at its hva (or is writable over a read-only PTE) while no invalidation covers it" },
	{ "unbind-survivor", "an SPTE or a KVM reference to a device's pfn after its unbind finished" },
	{ "hang", "no thread enabled and some unfinished: the waits-for chain down to the references outstanding" },
	{ "audit", "at the end of a terminal run, a page or pgmap count that its owners do not account for" },
	{ "sleep-in-atomic", "a call that may sleep under a spinlock or with interrupts off" },
	{ "warn", "a WARN_ON / WARN_ON_ONCE that fired" },
	{ "bug", "a BUG_ON / VM_BUG_ON_PAGE that fired (the thread dies)" },
	{ "model-limit", "the scenario exceeds a size the model's oracles track (present SPTEs, invalidations in flight)" },
};

size_t ks_oracle_count(void)
{
	return sizeof(kvm_oracles) / sizeof(kvm_oracles[0]);
}

const struct ks_oracle_desc *ks_oracle_at(size_t i)
{
	return i < ks_oracle_count() ? &kvm_oracles[i] : NULL;
}
