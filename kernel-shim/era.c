// SPDX-License-Identifier: GPL-2.0
/*
 * The mm eras (docs/semantics.md c.2, c.3): named bundles of the mm
 * behaviours that changed together, selected per run.
 */
#include <string.h>

#include <kvmsim/world.h>

static const struct ks_era ks_eras[KS_ERA_NR] = {
	[KS_ERA_4_19] = {
		KS_ERA_4_19, "mm-4.19",
		"v4.19: one pgmap ref per idle page; memmap removed before the wait",
	},
	[KS_ERA_5_2] = {
		KS_ERA_5_2, "mm-5.2",
		"50f44ee7248a (v5.2): wait for the pgmap refs before the memmap goes",
	},
	[KS_ERA_5_18] = {
		KS_ERA_5_18, "mm-5.18",
		"27674ef6c73f (v5.18): bulk pgmap refs; device-dax compound pages",
	},
	[KS_ERA_6_15] = {
		KS_ERA_6_15, "mm-6.15",
		"7851bf649d42 (v6.15): fsdax pages idle at refcount 0",
	},
};

static enum ks_era_id ks_era_cur = KS_ERA_5_2;

const struct ks_era *ks_era_lookup(const char *name)
{
	int i;

	for (i = 0; i < KS_ERA_NR; i++)
		if (!strcmp(ks_eras[i].name, name))
			return &ks_eras[i];
	return NULL;
}

const struct ks_era *ks_era_get(enum ks_era_id id)
{
	return (unsigned int)id < KS_ERA_NR ? &ks_eras[id] : NULL;
}

const struct ks_era *ks_era_current(void)
{
	return &ks_eras[ks_era_cur];
}

void ks_era_select(enum ks_era_id id)
{
	if ((unsigned int)id < KS_ERA_NR)
		ks_era_cur = id;
}

static void ks_era_reset(void)
{
	ks_era_cur = KS_ERA_5_2;
}

static void __attribute__((constructor)) ks_era_init(void)
{
	ks_on_run_begin(ks_era_reset);
}
