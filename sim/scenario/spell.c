// SPDX-License-Identifier: GPL-2.0
/*
 * "did you mean": the candidate nearest to a misspelt word, by optimal
 * string alignment distance (edits and adjacent transpositions, each 1), so
 * that 'fualt' finds 'fault'.  Case differences count as edits.
 */
#include <stdlib.h>
#include <string.h>

#include <kvmsim/scenario.h>

#define KS_SPELL_MAX 64		/* longer words get no suggestion */

static unsigned int min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned int ks_spell_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int d[KS_SPELL_MAX + 1][KS_SPELL_MAX + 1];

	if (la > KS_SPELL_MAX || lb > KS_SPELL_MAX)
		return ~0U;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned int cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

void ks_spell_init(struct ks_spell *sp, const char *word)
{
	sp->word = word;
	sp->best = NULL;
	sp->dist = ~0U;
}

void ks_spell_add(struct ks_spell *sp, const char *candidate)
{
	unsigned int d;

	if (!candidate || !strcmp(candidate, sp->word))
		return;
	d = ks_spell_distance(sp->word, candidate);
	if (d < sp->dist) {
		sp->dist = d;
		sp->best = candidate;
	}
}

const char *ks_spell_best(const struct ks_spell *sp)
{
	size_t len = strlen(sp->word);
	unsigned int limit = len / 3 > 1 ? len / 3 : 1;
	return sp->best && sp->dist <= limit ? sp->best : NULL;
}
