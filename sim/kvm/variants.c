// SPDX-License-Identifier: GPL-2.0
/*
 * The variant registry: the kernel versions modelled, and the mutants with
 * the oracle each must be caught by.  Out-of-tree variants (--load) add
 * themselves with ks_variant_register().
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm.h"

/*
 * The built-in variants: every KVM_VARIANT() definition linked in, found
 * through the kvm_variants section.  The linker provides its bounds.
 */
extern struct kvm_variant_def *const __start_kvm_variants[];
extern struct kvm_variant_def *const __stop_kvm_variants[];

#define KVM_MAX_VARIANTS 64

/* The registry, in list order: built-ins sorted, then what --load added. */
static const struct ks_variant *kvm_variants[KVM_MAX_VARIANTS];
static size_t kvm_nr_variants, kvm_nr_builtin;
static bool kvm_registry_ready;
static char kvm_rejected[256];

/* The ops tables as arrays of slots: each is a run of function pointers. */
typedef void (*kvm_slot_t)(void);

static kvm_slot_t *kvm_slots(void *ops)
{
	return (kvm_slot_t *)ops;
}

static kvm_slot_t kvm_slot(const void *ops, size_t i)
{
	kvm_slot_t slot;

	memcpy(&slot, (const char *)ops + i * sizeof(slot), sizeof(slot));
	return slot;
}

static const char *kvm_commit(const void *c, size_t i)
{
	const char *s;

	memcpy(&s, (const char *)c + i * sizeof(s), sizeof(s));
	return s;
}

static const struct ks_variant *kvm_find(const char *name)
{
	size_t i;

	for (i = 0; i < kvm_nr_variants; i++)
		if (!strcmp(kvm_variants[i]->name, name))
			return kvm_variants[i];
	return NULL;
}

static struct kvm_variant_def *kvm_builtin_def(const char *name)
{
	struct kvm_variant_def *const *d;

	for (d = __start_kvm_variants; d < __stop_kvm_variants; d++)
		if ((*d)->v.name && !strcmp((*d)->v.name, name))
			return *d;
	return NULL;
}

static bool kvm_oracle_known(const char *name)
{
	size_t i;

	for (i = 0; i < ks_oracle_count(); i++)
		if (!strcmp(ks_oracle_at(i)->name, name))
			return true;
	return false;
}

#define KVM_REJECT(...) (snprintf(kvm_rejected, sizeof(kvm_rejected), __VA_ARGS__), -1)

const struct kvm_generation *kvm_variant_gen(const struct ks_variant *v)
{
	const struct kvm_variant_def *def = v ? v->def : NULL;

	return def && def->gen ? def->gen : &kvm_gen_4_19;
}

/* What every variant must satisfy, declared or not. */
static int kvm_check_common(const struct ks_variant *v)
{
	const struct kvm_generation *gen = kvm_variant_gen(v);
	size_t i;

	if (!v || !v->name || !*v->name)
		return KVM_REJECT("a variant without a name");
	if (kvm_find(v->name))
		return KVM_REJECT("variant '%s' is already registered", v->name);
	if ((unsigned)v->default_era >= KS_ERA_NR)
		return KVM_REJECT("variant '%s': default era %u is out of range (0 to %u)",
				  v->name, (unsigned)v->default_era, KS_ERA_NR - 1);
	if (v->mutant && (!v->catches || !kvm_oracle_known(v->catches)))
		return KVM_REJECT("mutant '%s' names no known oracle that catches it", v->name);
	if (!v->ops)
		return KVM_REJECT("variant '%s' has no ops", v->name);
	for (i = 0; i < gen->nr_ops; i++)
		if (!gen->op_optional[i] && !kvm_slot(v->ops, i))
			return KVM_REJECT("variant '%s' has no %s()", v->name, gen->op_names[i]);
	if (kvm_nr_variants == KVM_MAX_VARIANTS)
		return KVM_REJECT("more than %d variants", KVM_MAX_VARIANTS);
	return 0;
}

/*
 * Resolve @def over its base: the base's functions, then each replacement
 * over them.  A base is a variant already registered or, for a built-in,
 * another built-in (resolved first, whatever the link order).
 */
static int kvm_def_resolve(struct kvm_variant_def *def)
{
	const struct kvm_generation *gen = def->gen ? def->gen : &kvm_gen_4_19;
	const struct ks_variant *base = NULL;
	size_t i;

	if (def->state == 2)
		return 0;
	if (def->state == 1)
		return KVM_REJECT("variant '%s': its bases loop", def->v.name);
	if (def->state < 0)
		return -1;
	def->state = 1;
	if (def->v.base) {
		struct kvm_variant_def *b = kvm_builtin_def(def->v.base);

		if (b && kvm_def_resolve(b)) {
			def->state = -1;
			return -1;
		}
		base = b ? &b->v : kvm_find(def->v.base);
		if (!base) {
			def->state = -1;
			return KVM_REJECT("variant '%s': unknown base '%s'", def->v.name, def->v.base);
		}
		if (kvm_variant_gen(base) != gen) {
			def->state = -1;
			return KVM_REJECT("variant '%s' (generation %s) cannot build on '%s' (generation %s)",
					  def->v.name, gen->name, base->name,
					  kvm_variant_gen(base)->name);
		}
		memcpy(&def->ops, base->ops, gen->nr_ops * sizeof(kvm_slot_t));
	}
	for (i = 0; i < gen->nr_ops; i++) {
		kvm_slot_t f = kvm_slot(&def->replaces, i);

		if (f == kvm_op_removed && !gen->op_optional[i]) {
			def->state = -1;
			return KVM_REJECT("variant '%s' removes %s(), which every variant needs",
					  def->v.name, gen->op_names[i]);
		}
		if (f)
			kvm_slots(&def->ops)[i] = f == kvm_op_removed ? NULL : f;
		else if (kvm_commit(&def->commits, i)) {
			def->state = -1;
			return KVM_REJECT("variant '%s' names a commit for %s() but does not replace it",
					  def->v.name, gen->op_names[i]);
		}
	}
	def->v.ops = &def->ops;
	def->v.def = def;
	def->state = 2;
	return 0;
}

/* Built-ins in list order: variants by date, then mutants; each by name. */
static int kvm_def_cmp(const void *a, const void *b)
{
	const struct ks_variant *x = *(const struct ks_variant *const *)a;
	const struct ks_variant *y = *(const struct ks_variant *const *)b;
	const struct kvm_variant_def *dx = x->def, *dy = y->def;
	int c;

	if (x->mutant != y->mutant)
		return x->mutant ? 1 : -1;
	c = strcmp(dx->date ? dx->date : "", dy->date ? dy->date : "");
	return c ? c : strcmp(x->name, y->name);
}

/*
 * Load the built-ins, once.  One that does not check out is a bug in the
 * tree: it is left out and said, and ks_variant_rejected() keeps why.
 */
static void kvm_registry_init(void)
{
	struct kvm_variant_def *const *d;

	if (kvm_registry_ready)
		return;
	kvm_registry_ready = true;
	for (d = __start_kvm_variants; d < __stop_kvm_variants; d++) {
		if (kvm_def_resolve(*d) || kvm_check_common(&(*d)->v)) {
			(*d)->state = -1;
			fprintf(stderr, "kvmsim: built-in variant left out: %s\n", kvm_rejected);
			continue;
		}
		kvm_variants[kvm_nr_variants++] = &(*d)->v;
	}
	qsort(kvm_variants, kvm_nr_variants, sizeof(kvm_variants[0]), kvm_def_cmp);
	kvm_nr_builtin = kvm_nr_variants;
}

size_t ks_variant_count(void)
{
	kvm_registry_init();
	return kvm_nr_variants;
}

const struct ks_variant *ks_variant_at(size_t i)
{
	kvm_registry_init();
	return i < kvm_nr_variants ? kvm_variants[i] : NULL;
}

const struct ks_variant *ks_variant_lookup(const char *name)
{
	kvm_registry_init();
	return kvm_find(name);
}

const char *ks_variant_rejected(void)
{
	return kvm_rejected[0] ? kvm_rejected : NULL;
}

int ks_variant_register(const struct ks_variant *v)
{
	kvm_registry_init();
	kvm_rejected[0] = '\0';
	if (kvm_check_common(v))
		return -1;
	kvm_variants[kvm_nr_variants++] = v;
	return 0;
}

/* A KVM_VARIANT() of an object built with -DKVMSIM_MODULE, from its constructor. */
int kvm_variant_def_register(struct kvm_variant_def *def)
{
	kvm_registry_init();
	kvm_rejected[0] = '\0';
	if (!def->v.name || !*def->v.name)
		return KVM_REJECT("a variant without a name");
	if (kvm_find(def->v.name))
		return KVM_REJECT("variant '%s' is already registered", def->v.name);
	if (kvm_def_resolve(def) || kvm_check_common(&def->v))
		return -1;
	kvm_variants[kvm_nr_variants++] = &def->v;
	return 0;
}

/* Never called: the address marks a function a variant removes (KVM_REMOVED). */
void kvm_op_removed(void)
{
}

const char *ks_variant_replacement(const struct ks_variant *v, size_t i, const char **commit,
				   bool *removed)
{
	const struct kvm_variant_def *def = v->def;
	const struct kvm_generation *gen = kvm_variant_gen(v);
	size_t k;

	if (!def)
		return NULL;
	for (k = 0; k < gen->nr_ops; k++) {
		if (!kvm_slot(&def->replaces, k))
			continue;
		if (i-- == 0) {
			if (commit)
				*commit = kvm_commit(&def->commits, k);
			if (removed)
				*removed = kvm_slot(&def->replaces, k) == kvm_op_removed;
			return gen->op_names[k];
		}
	}
	return NULL;
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
	{ "unprotected-page-access", "KVM touches a device struct page holding no reference and no mmu_lock over an SPTE mapping it" },
	{ "pt-uaf", "a lockless page-table walk reading a page-table page that was freed" },
	{ "stale-spte", "an SPTE that does not map the host pfn at its hva (or is writable over a read-only PTE) while no invalidation covers it" },
	{ "stale-tlb", "6.x: a vCPU TLB entry into a range whose invalidate_range_start() is returning (zapped but not flushed)" },
	{ "zap-survivor", "an SPTE, or a vCPU TLB entry, in the range of kvm_zap_gfn_range() when it drops mmu_lock" },
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
