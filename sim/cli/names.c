// SPDX-License-Identifier: GPL-2.0
/*
 * Variants, eras and finding kinds by name, with "did you mean" for a
 * misspelt one.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kvmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const struct ks_variant *cli_variant(const char *name)
{
	const struct ks_variant *v = ks_variant_lookup(name);
	struct ks_spell sp;
	const char *best;
	size_t i;

	if (v)
		return v;
	ks_spell_init(&sp, name);
	for (i = 0; i < ks_variant_count(); i++)
		ks_spell_add(&sp, ks_variant_at(i)->name);
	best = ks_spell_best(&sp);
	if (best)
		cli_error("unknown variant '%s'; did you mean '%s'?", name, best);
	else
		cli_error("unknown variant '%s' (kvmsim list variants; kvmsim list mutants)",
			  name);
	return NULL;
}

const struct ks_era *cli_era(const char *name)
{
	const struct ks_era *era = ks_era_lookup(name);
	struct ks_spell sp;
	const char *best;
	int i;

	if (era)
		return era;
	ks_spell_init(&sp, name);
	for (i = 0; i < KS_ERA_NR; i++)
		ks_spell_add(&sp, ks_era_get((enum ks_era_id)i)->name);
	best = ks_spell_best(&sp);
	if (best)
		cli_error("unknown era '%s'; did you mean '%s'?", name, best);
	else
		cli_error("unknown era '%s' (kvmsim list eras)", name);
	return NULL;
}

const struct ks_era *cli_era_of(const struct ks_variant *v, const struct ks_era *era)
{
	return era ? era : ks_era_get(v->default_era);
}

/*
 * A variant's default era is the mm its kernel shipped with (or, for a
 * proposal or a mutant, the mm it was written against); any other is a
 * cross-era pairing, and a verdict on it is not history.
 */
void cli_era_note(FILE *f, const struct ks_variant *v, const struct ks_era *era)
{
	const struct ks_era *own = ks_era_get(v->default_era);

	if (!era || era == own)
		return;
	fprintf(f, "note: %s with %s is a cross-era pairing no kernel shipped (%s's own mm is %s)\n",
		v->name, era->name, v->name, own->name);
}

/*
 * The notes of docs/design.md "Scenarios and oracles", valid inside note(...)
 * whatever the oracles list.
 */
static const char *const cli_notes[] = {
	"missed-huge", "huge-over-pte", "ad-ignored", "warn",
};

const char **cli_kinds(size_t *n)
{
	size_t nnotes = sizeof(cli_notes) / sizeof(cli_notes[0]), i;
	const char **kinds = calloc(ks_oracle_count() + nnotes + 1, sizeof(*kinds));

	*n = 0;
	if (!kinds)
		return NULL;
	for (i = 0; i < ks_oracle_count(); i++)
		kinds[(*n)++] = ks_oracle_at(i)->name;
	for (i = 0; i < nnotes; i++)
		kinds[(*n)++] = cli_notes[i];
	return kinds;
}

int cli_check_names(const struct ks_scenario *scn)
{
	size_t nvariants = ks_variant_count(), nkinds, i;
	const char **variants = calloc(nvariants + 1, sizeof(*variants));
	const char **kinds = cli_kinds(&nkinds);
	char err[512];
	int ret;

	if (!variants || !kinds) {
		free(variants);
		free(kinds);
		return -1;
	}
	for (i = 0; i < nvariants; i++)
		variants[i] = ks_variant_at(i)->name;
	ret = ks_scenario_check_names(scn, variants, nvariants, kinds, nkinds, err,
				      sizeof(err));
	if (ret)
		fprintf(stderr, "%s\n", err);
	free(variants);
	free(kinds);
	return ret;
}

/* The objects --load opened: a second --load of one runs no constructor. */
static void *loaded_objects[16];
static size_t nloaded_objects;

static bool already_loaded(void *h)
{
	size_t i;

	for (i = 0; i < nloaded_objects; i++)
		if (loaded_objects[i] == h)
			return true;
	return false;
}

static void remember_loaded(void *h)
{
	if (!already_loaded(h) && nloaded_objects < sizeof(loaded_objects) / sizeof(loaded_objects[0]))
		loaded_objects[nloaded_objects++] = h;
}

/*
 * --load FILE.so, on every verb: dlopen() it, whose constructors register
 * its variants.  A bare file name is a path, as for any other file argument
 * (dlopen() would search the library path for it).
 */
int cli_load(const char *path)
{
	size_t before = ks_variant_count();
	char local[4096];
	void *h;

	if (!strchr(path, '/')) {
		snprintf(local, sizeof(local), "./%s", path);
		h = dlopen(local, RTLD_NOW | RTLD_GLOBAL);
	} else {
		h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	}

	if (!h) {
		cli_error("--load %s: %s", path, dlerror());
		return -1;
	}
	/* The object's constructors register its variants; it stays loaded. */
	if (ks_variant_rejected()) {
		cli_error("--load %s: %s", path, ks_variant_rejected());
		return -1;	/* its constructors ran: not dlclose()d */
	}
	if (ks_variant_count() == before && !already_loaded(h)) {
		cli_error("--load %s: registers no variant (not a kvmsim variant object)", path);
		dlclose(h);
		return -1;
	}
	remember_loaded(h);
	return 0;
}
