// SPDX-License-Identifier: GPL-2.0
/*
 * Finding scenarios: the installed ones by name, any other by its file.
 *
 * The data directory is $KVMSIM_DATADIR, else the source tree named by
 * $KVMSIM_SRCDIR (tests/scenarios), else the installed $(pkgdatadir), else
 * the source tree the program was built from, so that kvmsim runs from the
 * build tree without being installed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

const char *cli_scenario_dir(void)
{
	static char dir[4096];
	const char *env;

	if (dir[0])
		return dir;
	env = getenv("KVMSIM_DATADIR");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s/scenarios", env);
		return dir;
	}
	env = getenv("KVMSIM_SRCDIR");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s/tests/scenarios", env);
		return dir;
	}
	snprintf(dir, sizeof(dir), "%s/scenarios", KVMSIM_DATADIR);
	if (is_dir(dir))
		return dir;
	snprintf(dir, sizeof(dir), "%s/tests/scenarios", KVMSIM_SRCDIR);
	return dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cli_scenario_names(size_t *n)
{
	DIR *d = opendir(cli_scenario_dir());
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 4 || strcmp(e->d_name + len - 4, ".scn") || e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));

			if (!grown)
				break;
			names = grown;
		}
		names[*n] = strndup(e->d_name, len - 4);
		if (names[*n])
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

void cli_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool is_file_arg(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') || (len > 4 && !strcmp(arg + len - 4, ".scn"));
}

struct ks_scenario *cli_scenario_load(const char *arg)
{
	struct ks_scenario *scn = NULL;
	char path[4096], err[1024];

	if (is_file_arg(arg)) {
		snprintf(path, sizeof(path), "%s", arg);
	} else {
		size_t n, i;
		char **names = cli_scenario_names(&n);
		struct ks_spell sp;
		const char *best;
		bool found = false;

		ks_spell_init(&sp, arg);
		for (i = 0; i < n; i++) {
			found |= !strcmp(names[i], arg);
			ks_spell_add(&sp, names[i]);
		}
		best = ks_spell_best(&sp);
		if (!found) {
			if (best)
				cli_error("unknown scenario '%s'; did you mean '%s'?", arg, best);
			else
				cli_error("unknown scenario '%s' (kvmsim list scenarios; scenarios are in %s)",
					  arg, cli_scenario_dir());
			cli_names_free(names, n);
			return NULL;
		}
		cli_names_free(names, n);
		snprintf(path, sizeof(path), "%s/%s.scn", cli_scenario_dir(), arg);
	}
	if (ks_scenario_load(path, &scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	if (cli_check_names(scn)) {
		ks_scenario_free(scn);
		return NULL;
	}
	return scn;
}
