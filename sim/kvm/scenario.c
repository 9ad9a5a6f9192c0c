// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario run against a variant: its setup builds the world (memory,
 * devices, the VMM's mm and mappings, the VM and its memslots) in the run
 * arena, spawns one simulated thread per scenario thread, and interprets each
 * thread's operations with the kernel functions they stand for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmsim/scenario.h>

#include "kvm/kvm.h"

#include "linux/dax.h"
#include "linux/huge_mm.h"
#include "linux/wait_bit.h"

struct kvm_scn_prog {
	const struct ks_scenario *scn;
	const struct ks_variant *variant;
	const struct ks_era *era;
	/* The current run's world (run arena). */
	struct kvm *kvm;
	struct mm_struct *mm;
	struct dev_dax **devdax;	/* scn->devdax[i] */
	struct dev_pagemap **pmem;	/* scn->pmem[i] */
	struct file **files;		/* scn->files[i] */
	long vcpus_running;
	ks_obj_t vcpus_obj;
};

struct kvm_scn_thread {
	struct kvm_scn_prog *p;
	const struct ks_scn_thread *t;
	struct kvm_vcpu *vcpu;
};

static size_t scn_index(const void *item, const void *base, size_t size)
{
	return (size_t)((const char *)item - (const char *)base) / size;
}

static struct dev_dax *scn_devdax(struct kvm_scn_prog *p, const struct ks_scn_devdax *d)
{
	return p->devdax[scn_index(d, p->scn->devdax, sizeof(*d))];
}

static struct file *scn_file(struct kvm_scn_prog *p, const struct ks_scn_file *f)
{
	return p->files[scn_index(f, p->scn->files, sizeof(*f))];
}

static bool vcpus_gone(const void *arg)
{
	const struct kvm_scn_prog *p = arg;

	return p->vcpus_running == 0;
}

static void vcpus_explain(const void *arg, struct ks_buf *out)
{
	const struct kvm_scn_prog *p = arg;

	ks_buf_printf(out, "%ld vCPU thread(s) still running", p->vcpus_running);
}

/*
 * The VM goes away when its last reference does, after every vCPU has
 * stopped: the kernel's last kvm_put_kvm() calls kvm_destroy_vm(); here the
 * teardown thread waits for the vCPU threads' references to be gone.
 */
static void scn_teardown(struct kvm_scn_prog *p)
{
	struct ks_wait w = { vcpus_gone, vcpus_explain, p };

	ks_sched_wait(p->vcpus_obj, KS_WAIT, &w);
	p->kvm->gen->destroy_vm(p->kvm);
}

static void scn_run_ops(struct kvm_scn_thread *st, const struct ks_op *ops, size_t n);

/*
 * The vCPU's mapping of @gfn (parse.c saw to it that a map is held before
 * it is used and that at most KVM_MAX_HOST_MAPS are at once).
 */
static struct kvm_host_map *scn_host_map(struct kvm_vcpu *vcpu, gfn_t gfn, bool create)
{
	struct kvm_host_map *free = NULL;
	int i;

	for (i = 0; i < KVM_MAX_HOST_MAPS; i++) {
		struct kvm_host_map *map = &vcpu->maps[i];

		if (map->used && map->gfn == gfn)
			return map;
		if (!map->used && !free)
			free = map;
	}
	if (!create || !free)
		return NULL;
	*free = (struct kvm_host_map){ .used = true, .gfn = gfn };
	return free;
}

/* vcpu-map: kvm_vcpu_map(), which may fail (no memslot, a pfn KVM will not map). */
static void scn_vcpu_map(struct kvm_scn_thread *st, gfn_t gfn)
{
	struct kvm_host_map *map = scn_host_map(st->vcpu, gfn, true);
	int r;

	if (!map)
		return;
	r = st->p->kvm->gen->vcpu_map(st->vcpu, gfn, map);
	if (r < 0)
		ks_log_note("kvm_vcpu_map", 0, "%s: gfn 0x%llx not mapped: error %d",
			    st->vcpu->name, (unsigned long long)gfn, r);
}

/* map-access: KVM, or the CPU for it, touches the mapped page; no lock, no SPTE. */
static void scn_map_access(struct kvm_scn_thread *st, gfn_t gfn, bool write)
{
	struct kvm_host_map *map = scn_host_map(st->vcpu, gfn, false);

	if (!map || !map->hva) {
		ks_log_note("kvm_vcpu_map access", 0, "%s: gfn 0x%llx is not mapped: nothing touched",
			    st->vcpu->name, (unsigned long long)gfn);
		return;
	}
	kvm_oracle_map_access(st->vcpu, map, write);
	map->written |= write;
}

/* vcpu-unmap: kvm_vcpu_unmap(), dirty if KVM wrote through the mapping. */
static void scn_vcpu_unmap(struct kvm_scn_thread *st, gfn_t gfn)
{
	struct kvm_host_map *map = scn_host_map(st->vcpu, gfn, false);

	if (!map)
		return;
	map->unmapping = true;
	st->p->kvm->gen->vcpu_unmap(st->vcpu, map, map->written);
	*map = (struct kvm_host_map){ 0 };
}

static void scn_run_op(struct kvm_scn_thread *st, const struct ks_op *op)
{
	struct kvm_scn_prog *p = st->p;
	unsigned int i;
	struct dev_dax *dev;

	switch (op->kind) {
	case KS_OP_FAULT:
		p->kvm->gen->vcpu_fault(st->vcpu, op->gfn, op->write);
		break;
	case KS_OP_ACCESS:
		p->kvm->gen->vcpu_access(st->vcpu, op->gfn, op->write);
		break;
	case KS_OP_VCPU_MAP:
		scn_vcpu_map(st, op->gfn);
		break;
	case KS_OP_MAP_ACCESS:
		scn_map_access(st, op->gfn, op->write);
		break;
	case KS_OP_VCPU_UNMAP:
		scn_vcpu_unmap(st, op->gfn);
		break;
	case KS_OP_MUNMAP:
		vm_munmap(p->mm, op->hva, op->size);
		break;
	case KS_OP_MPROTECT:
		do_mprotect(p->mm, op->hva, op->size,
			    ((op->prot & KS_PROT_READ) ? PROT_READ : 0) |
			    ((op->prot & KS_PROT_WRITE) ? PROT_WRITE : 0));
		break;
	case KS_OP_THP_SPLIT:
		ks_thp_split(p->mm, op->hva);
		break;
	case KS_OP_AGE:
		ks_page_age(p->mm, op->hva);
		break;
	case KS_OP_UNBIND:
		dev = scn_devdax(p, op->devdax);
		ks_dev_dax_unbind(dev);
		break;
	case KS_OP_TRUNCATE:
		ks_fsdax_truncate(scn_file(p, op->file), op->npages);
		break;
	case KS_OP_ZAP:
		p->kvm->gen->zap_gfn_range(p->kvm, op->gfn, op->gfn + op->npages);
		break;
	case KS_OP_TEARDOWN:
		scn_teardown(p);
		break;
	case KS_OP_REPEAT:
		for (i = 0; i < op->count; i++)
			scn_run_ops(st, op->body, op->nbody);
		break;
	default:
		break;
	}
}

static void scn_run_ops(struct kvm_scn_thread *st, const struct ks_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		scn_run_op(st, &ops[i]);
}

static void scn_thread_fn(void *arg)
{
	struct kvm_scn_thread *st = arg;
	struct kvm_scn_prog *p = st->p;

	current->mm = p->mm;
	scn_run_ops(st, st->t->ops, st->t->nops);
	if (st->vcpu) {
		/*
		 * kvm_put_kvm() when the vCPU file is released: a commuting
		 * decrement; the teardown waits for the count to reach zero.
		 */
		ks_sched_point(p->vcpus_obj, KS_INC);
		p->vcpus_running--;
	}
}

static void scn_build_memory(struct kvm_scn_prog *p)
{
	const struct ks_scenario *scn = p->scn;
	size_t i;

	for (i = 0; i < scn->nram; i++)
		ks_ram_add(scn->ram[i].pfn, scn->ram[i].npages);
	for (i = 0; i < scn->npages; i++) {
		const struct ks_scn_page *pg = &scn->pages[i];
		struct ks_page_init init = {
			.order = pg->order, .compound = pg->compound, .thp = pg->thp,
			.refcount = pg->refcount, .reserved = pg->reserved,
			.own = pg->own, .owner = pg->owner ? pg->owner : "scenario",
		};

		ks_page_setup(pg->pfn, &init);
	}
	p->devdax = ks_alloc((scn->ndevdax + 1) * sizeof(*p->devdax));
	for (i = 0; i < scn->ndevdax; i++) {
		const struct ks_scn_devdax *d = &scn->devdax[i];

		p->devdax[i] = ks_dev_dax_create(d->name, d->pfn, d->npages, d->align);
		kvm_oracle_watch_device(p->devdax[i]);
	}
	p->pmem = ks_alloc((scn->npmem + 1) * sizeof(*p->pmem));
	for (i = 0; i < scn->npmem; i++)
		p->pmem[i] = ks_pmem_create(scn->pmem[i].name, scn->pmem[i].pfn,
					    scn->pmem[i].npages);
	p->files = ks_alloc((scn->nfiles + 1) * sizeof(*p->files));
	for (i = 0; i < scn->nfiles; i++) {
		const struct ks_scn_file *f = &scn->files[i];
		size_t pm = scn_index(f->pmem, scn->pmem, sizeof(*f->pmem));

		p->files[i] = ks_fsdax_file_create(f->name, p->pmem[pm], f->pfn,
						   f->npages);
		p->files[i]->pmd_extents = f->extent > PAGE_SIZE;
	}
}

static void scn_build_mm(struct kvm_scn_prog *p)
{
	const struct ks_scenario *scn = p->scn;
	size_t i;

	p->mm = ks_mm_create();
	for (i = 0; i < scn->nvmas; i++) {
		const struct ks_scn_vma *v = &scn->vmas[i];
		unsigned long prot = ((v->prot & KS_PROT_READ) ? PROT_READ : 0) |
				     ((v->prot & KS_PROT_WRITE) ? PROT_WRITE : 0);

		switch (v->kind) {
		case KS_VMA_ANON:
			ks_mmap_anon(p->mm, v->hva, v->size,
				     (prot & PROT_READ ? VM_READ : 0) |
				     (prot & PROT_WRITE ? VM_WRITE : 0) |
				     (v->thp ? VM_HUGEPAGE : 0));
			break;
		case KS_VMA_DEVDAX:
			ks_mmap_dev_dax(p->mm, v->hva, v->size, scn_devdax(p, v->devdax), prot);
			break;
		case KS_VMA_FILE:
			ks_mmap_file(p->mm, v->hva, v->size, scn_file(p, v->file), v->pgoff,
				     prot);
			break;
		default:
			ks_mmap_pfnmap(p->mm, v->hva, v->size, v->pfn, prot);
			break;
		}
	}
	for (i = 0; i < scn->npopulate; i++)
		ks_populate(p->mm, scn->populate[i].hva, scn->populate[i].size,
			    scn->populate[i].write);
}

static void scn_setup(void *arg)
{
	struct kvm_scn_prog *p = arg;
	const struct ks_scenario *scn = p->scn;
	const struct kvm_generation *gen = kvm_variant_gen(p->variant);
	size_t i;
	int vcpu = 0;

	ks_era_select(p->era->id);
	gen->select(p->variant->ops);
	scn_build_memory(p);
	scn_build_mm(p);
	p->kvm = gen->create_vm(p->mm);
	for (i = 0; i < scn->nmemslots; i++) {
		const struct ks_scn_memslot *m = &scn->memslots[i];
		uint32_t flags = ((m->flags & KS_SLOT_DIRTY_LOG) ? KVM_MEM_LOG_DIRTY_PAGES : 0) |
				 ((m->flags & KS_SLOT_READONLY) ? KVM_MEM_READONLY : 0);

		gen->set_memory_region(p->kvm, (int)m->id, m->base_gfn, m->npages,
				       m->hva, flags);
	}
	p->vcpus_obj = ks_obj_named_value(KS_OBJ_VAR, "kvm->users_count", &p->vcpus_running,
					  sizeof(p->vcpus_running));
	p->vcpus_running = 0;
	for (i = 0; i < scn->nthreads; i++) {
		struct kvm_scn_thread *st = ks_alloc(sizeof(*st));

		st->p = p;
		st->t = &scn->threads[i];
		if (st->t->vcpu && vcpu < KVM_MAX_VCPUS) {
			st->vcpu = &p->kvm->vcpus[vcpu];
			st->vcpu->kvm = p->kvm;
			st->vcpu->vcpu_id = vcpu++;
			st->vcpu->name = st->t->name;
			if (gen->vcpu_create)
				gen->vcpu_create(st->vcpu);
			p->vcpus_running++;
		}
		ks_thread_spawn(st->t->name, scn_thread_fn, st);
	}
}

static void scn_after_step(void *arg)
{
	struct kvm_scn_prog *p = arg;

	kvm_oracles_after_step(p->kvm);
}

static void scn_finish(void *arg)
{
	struct kvm_scn_prog *p = arg;

	kvm_oracles_finish(p->kvm);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int scn_prog_init(struct kvm_scn_prog *p, const struct ks_scenario *scn,
			 const struct ks_variant *v, const struct ks_era *era,
			 struct ks_program *prog, struct ks_search_opts *opts,
			 char *err, size_t errlen)
{

	if (scn->nvcpus > KVM_MAX_VCPUS) {
		snprintf(err, errlen, "%s: %zu vCPU threads; the model has at most %d",
			 scn->path, scn->nvcpus, KVM_MAX_VCPUS);
		return -1;
	}
	if (scn->nthreads > KS_MAX_THREADS) {
		snprintf(err, errlen, "%s: %zu threads; the engine runs at most %d",
			 scn->path, scn->nthreads, KS_MAX_THREADS);
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->scn = scn;
	p->variant = v;
	p->era = era ? era : ks_era_get(v->default_era);
	opts->fp_scenario = ks_scenario_fingerprint(scn);
	opts->fp_variant = ks_variant_fingerprint(v);
	opts->fp_era = fnv1a(p->era->name);
	*prog = (struct ks_program){
		.name = scn->name,
		.fingerprint = opts->fp_scenario ^ (opts->fp_variant * 31) ^
			       (opts->fp_era * 131),
		.setup = scn_setup,
		.finish = scn_finish,
		.after_step = scn_after_step,
		.arg = p,
	};
	return 0;
}

int ks_scenario_program(const struct ks_scenario *scn, const struct ks_variant *v,
			const struct ks_era *era, struct ks_program *prog,
			struct ks_search_opts *opts, char *err, size_t errlen)
{
	struct kvm_scn_prog *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (scn_prog_init(p, scn, v, era, prog, opts, err, errlen)) {
		free(p);
		return -1;
	}
	return 0;
}

void ks_scenario_program_free(struct ks_program *prog)
{
	free(prog->arg);
	prog->arg = NULL;
}

int ks_check_scenario(const struct ks_scenario *scn, const struct ks_variant *v,
		      const struct ks_era *era, const struct ks_search_opts *opts,
		      struct ks_search_result *res, char *err, size_t errlen)
{
	struct ks_search_opts o = *opts;
	struct kvm_scn_prog p;
	struct ks_program prog;
	bool budget = false;
	int ret;

	if (scn_prog_init(&p, scn, v, era, &prog, &o, err, errlen))
		return -1;
	if (!o.max_runs && !o.max_seconds && scn->search.runs) {
		/* the budget is the whole search's: a shard takes its share */
		o.max_runs = o.nshards > 1 ? (scn->search.runs + o.nshards - 1) / o.nshards :
					     scn->search.runs;
		budget = true;
	}
	ret = ks_search(&prog, &o, res);
	if (!ret && budget && res->bounded_by && !strcmp(res->bounded_by, "runs"))
		res->bounded_by = "budget";
	return ret;
}
