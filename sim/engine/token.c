// SPDX-License-Identifier: GPL-2.0
/*
 * Replay tokens (docs/cli.md "Replay tokens"):
 *
 *	ks1:dpor:0:2:<program>:<scenario>:<variant>:<era>:7:a3ba2b:1c2f9e0a
 *
 * version, strategy, seed (hex), loop bound, the four fingerprints (16 hex
 * digits each), the number of decisions, the decisions, and an FNV-1a check
 * of everything before it.  A decision is a thread as a letter (a = thread
 * 0, ..., p = thread 15), run-length coded: "a3" is three steps of thread 0.
 * Only letters, digits and colons: a token survives shells, mail and JSON.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define KS_TOKEN_FIELDS 11

static const char *const ks_field_names[KS_TOKEN_FIELDS] = {
	"version", "strategy", "seed", "loop bound", "program fingerprint",
	"scenario fingerprint", "variant fingerprint", "era fingerprint",
	"decision count", "decisions", "check",
};

static uint32_t ks_fnv32(const char *s, size_t n)
{
	uint32_t h = 0x811c9dc5;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x01000193;
	return h;
}

static void ks_put_run(struct ks_buf *b, uint8_t tid, uint32_t count)
{
	if (count == 1)
		ks_buf_printf(b, "%c", 'a' + tid);
	else
		ks_buf_printf(b, "%c%" PRIu32, 'a' + tid, count);
}

char *ks_token_format(const struct ks_token *tok)
{
	struct ks_buf b = { 0 };
	uint32_t i, run;

	for (i = 0; i < tok->ndecisions; i++)
		if (tok->decisions[i] >= KS_MAX_THREADS)
			return NULL;
	ks_buf_printf(&b, "ks1:%s:%" PRIx64 ":%u:%016" PRIx64 ":%016" PRIx64 ":%016" PRIx64
		      ":%016" PRIx64 ":%" PRIu32 ":",
		      ks_strategy_name(tok->strategy), tok->seed, tok->loop_bound,
		      tok->fp_program, tok->fp_scenario, tok->fp_variant, tok->fp_era,
		      tok->ndecisions);
	for (i = 0; i < tok->ndecisions; i += run) {
		for (run = 1; i + run < tok->ndecisions &&
			      tok->decisions[i + run] == tok->decisions[i]; run++)
			;
		ks_put_run(&b, tok->decisions[i], run);
	}
	ks_buf_printf(&b, ":%08" PRIx32, ks_fnv32(b.s, b.len));
	return b.s;
}

void ks_token_free(struct ks_token *tok)
{
	free(tok->decisions);
	memset(tok, 0, sizeof(*tok));
}

/* ---- parsing ------------------------------------------------------------------ */

struct ks_field {
	const char *s;
	size_t n;
};

static int ks_tok_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ks_tok_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Up to 16 hex digits (exactly 16 when @exact). */
static int ks_parse_hex(const struct ks_field *f, bool exact, uint64_t *v)
{
	size_t i;

	if (!f->n || f->n > 16 || (exact && f->n != 16))
		return -1;
	*v = 0;
	for (i = 0; i < f->n; i++) {
		int c = (unsigned char)f->s[i];

		if (!isxdigit(c))
			return -1;
		*v = *v << 4 | (uint64_t)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	return 0;
}

/* A decimal number in [@min, @max], without sign or leading zero. */
static int ks_parse_dec(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *v)
{
	size_t i;

	if (!n || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return *v < min || *v > max ? -1 : 0;
}

static int ks_parse_decisions(const struct ks_field *f, struct ks_token *tok,
			      char *err, size_t errlen)
{
	uint32_t out = 0;
	size_t i = 0;

	tok->decisions = malloc(tok->ndecisions ? tok->ndecisions : 1);
	if (!tok->decisions)
		return ks_tok_err(err, errlen, "out of memory for %" PRIu32 " decisions",
				  tok->ndecisions);
	while (i < f->n) {
		int c = (unsigned char)f->s[i];
		size_t j = ++i;
		uint64_t count = 1;

		if (c < 'a' || c >= 'a' + KS_MAX_THREADS)
			return ks_tok_err(err, errlen,
					  "decisions: '%c' at position %zu is not a thread (a-%c)",
					  isprint(c) ? c : '?', j, 'a' + KS_MAX_THREADS - 1);
		while (i < f->n && isdigit((unsigned char)f->s[i]))
			i++;
		if (i > j && ks_parse_dec(f->s + j, i - j, 2, KS_TOKEN_MAX_DECISIONS, &count))
			return ks_tok_err(err, errlen,
					  "decisions: bad repeat count '%.*s' after '%c' (2 to %" PRIu32 ", no leading zero)",
					  (int)(i - j > 12 ? 12 : i - j), f->s + j, c,
					  KS_TOKEN_MAX_DECISIONS);
		if (count > tok->ndecisions - out)
			return ks_tok_err(err, errlen,
					  "decisions: more than the %" PRIu32 " the token declares",
					  tok->ndecisions);
		memset(tok->decisions + out, c - 'a', count);
		out += (uint32_t)count;
	}
	if (out != tok->ndecisions)
		return ks_tok_err(err, errlen,
				  "decisions: %" PRIu32 " decisions, but the token declares %" PRIu32,
				  out, tok->ndecisions);
	return 0;
}

static int ks_split(const char *s, size_t n, struct ks_field *f, char *err, size_t errlen)
{
	size_t i, nf = 0, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != ':')
			continue;
		if (nf == KS_TOKEN_FIELDS)
			return ks_tok_err(err, errlen, "more than %d ':'-separated fields",
					  KS_TOKEN_FIELDS);
		f[nf].s = s + start;
		f[nf].n = i - start;
		nf++;
		start = i + 1;
	}
	if (nf != KS_TOKEN_FIELDS)
		return ks_tok_err(err, errlen,
				  "%zu ':'-separated fields, expected %d (ks1:strategy:seed:loop-bound:program:scenario:variant:era:count:decisions:check)",
				  nf, KS_TOKEN_FIELDS);
	return 0;
}

static int ks_parse_fields(const struct ks_field *f, struct ks_token *tok,
			   char *err, size_t errlen)
{
	uint64_t *fps[4] = { &tok->fp_program, &tok->fp_scenario, &tok->fp_variant,
			     &tok->fp_era };
	char name[16];
	uint64_t v;
	int i;

	snprintf(name, sizeof(name), "%.*s", (int)(f[1].n < 15 ? f[1].n : 15), f[1].s);
	i = f[1].n < sizeof(name) ? ks_strategy_lookup(name) : -1;
	if (i < 0)
		return ks_tok_err(err, errlen, "unknown strategy '%s'", name);
	tok->strategy = (enum ks_strategy)i;
	if (ks_parse_hex(&f[2], false, &tok->seed))
		return ks_tok_err(err, errlen, "the seed is not 1 to 16 hex digits");
	if (ks_parse_dec(f[3].s, f[3].n, 1, 1000000, &v))
		return ks_tok_err(err, errlen, "the loop bound is not a number from 1 to 1000000");
	tok->loop_bound = (unsigned)v;
	for (i = 0; i < 4; i++)
		if (ks_parse_hex(&f[4 + i], true, fps[i]))
			return ks_tok_err(err, errlen, "the %s is not 16 hex digits",
					  ks_field_names[4 + i]);
	if (f[8].n == 1 && f[8].s[0] == '0')
		v = 0;
	else if (ks_parse_dec(f[8].s, f[8].n, 1, KS_TOKEN_MAX_DECISIONS, &v))
		return ks_tok_err(err, errlen, "the decision count is not a number up to %" PRIu32,
				  KS_TOKEN_MAX_DECISIONS);
	tok->ndecisions = (uint32_t)v;
	return ks_parse_decisions(&f[9], tok, err, errlen);
}

int ks_token_parse(const char *text, struct ks_token *tok, char *err, size_t errlen)
{
	struct ks_field f[KS_TOKEN_FIELDS];
	size_t n;
	uint64_t check;

	memset(tok, 0, sizeof(*tok));
	if (!text)
		return ks_tok_err(err, errlen, "empty");
	while (isspace((unsigned char)*text))
		text++;
	n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (n < 4 || strncmp(text, "ks1:", 4)) {
		int vlen = (int)strcspn(text, ":");

		if (n >= 3 && !strncmp(text, "ks", 2) && isdigit((unsigned char)text[2]))
			return ks_tok_err(err, errlen,
					  "version '%.*s' is not supported (this kvmsim reads ks1)",
					  vlen > 8 ? 8 : vlen, text);
		return ks_tok_err(err, errlen, "it does not start with 'ks1:'");
	}
	if (ks_split(text, n, f, err, errlen))
		return -1;
	if (ks_parse_fields(f, tok, err, errlen))
		goto fail;
	if (f[10].n != 8 || ks_parse_hex(&f[10], false, &check)) {
		ks_tok_err(err, errlen, "the check is not 8 hex digits");
		goto fail;
	}
	if (check != ks_fnv32(text, (size_t)(f[10].s - 1 - text))) {
		ks_tok_err(err, errlen, "the check does not match: the token was damaged or cut short");
		goto fail;
	}
	return 0;
fail:
	ks_token_free(tok);
	return -1;
}
