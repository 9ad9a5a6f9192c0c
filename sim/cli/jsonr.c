// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON reader (RFC 8259) for `kvmsim merge` and `--jobs`: the whole
 * text into a tree of values.  Numbers keep their text (counts are 64-bit
 * and must not pass through a double); strings are unescaped to UTF-8.  A
 * malformed text is an error naming its line and column, never a crash;
 * nesting deeper than CLI_JSON_DEPTH is refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CLI_JSON_DEPTH 64

struct jr {
	const char *s, *end, *p;
	char *err;
	size_t errlen;
	bool failed;
};

static void jr_fail(struct jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void jr_fail(struct jr *r, const char *fmt, ...)
{
	unsigned line = 1, col = 1;
	const char *c;
	char msg[200];
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	for (c = r->s; c < r->p && c < r->end; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%u:%u: %s", line, col, msg);
}

static void *jr_alloc(struct jr *r, void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		jr_fail(r, "out of memory");
	return q;
}

static void jr_space(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool jr_lit(struct jr *r, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n))
		return false;
	r->p += n;
	return true;
}

static int jr_hex4(struct jr *r)
{
	int v = 0, i;

	for (i = 0; i < 4; i++, r->p++) {
		char c = r->p < r->end ? *r->p : 0;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t jr_utf8(unsigned long cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at r->p (the opening quote), unescaped; NULL after an error. */
static char *jr_string(struct jr *r)
{
	size_t cap = 32, n = 0;
	char *o = jr_alloc(r, NULL, cap);

	r->p++;
	while (o && !r->failed) {
		unsigned char c;

		if (cap - n < 8)
			o = jr_alloc(r, o, cap *= 2);
		if (!o)
			return NULL;
		if (r->p >= r->end) {
			jr_fail(r, "unterminated string");
			break;
		}
		c = (unsigned char)*r->p++;
		if (c == '"') {
			o[n] = '\0';
			return o;
		}
		if (c < 0x20) {
			r->p--;
			jr_fail(r, "a control character in a string");
			break;
		}
		if (c != '\\') {
			o[n++] = (char)c;
			continue;
		}
		c = r->p < r->end ? (unsigned char)*r->p++ : 0;
		switch (c) {
		case '"': case '\\': case '/':
			o[n++] = (char)c;
			break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			int hi = jr_hex4(r), lo;
			unsigned long cp = (unsigned long)hi;

			if (hi < 0) {
				jr_fail(r, "a bad \\u escape");
				break;
			}
			if (hi >= 0xd800 && hi < 0xdc00) {
				if (!jr_lit(r, "\\u") || (lo = jr_hex4(r)) < 0xdc00 || lo > 0xdfff) {
					jr_fail(r, "an unpaired surrogate in a \\u escape");
					break;
				}
				cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
				     ((unsigned long)lo - 0xdc00);
			} else if (hi >= 0xdc00 && hi < 0xe000) {
				jr_fail(r, "an unpaired surrogate in a \\u escape");
				break;
			}
			if (!cp) {
				jr_fail(r, "a NUL character in a string");
				break;
			}
			n += jr_utf8(cp, o + n);
			break;
		}
		default:
			r->p--;
			jr_fail(r, "a bad escape in a string");
		}
	}
	free(o);
	return NULL;
}

static void jr_value(struct jr *r, struct cli_jval *v, int depth);

static void jr_push(struct jr *r, struct cli_jval *v, size_t *cap)
{
	size_t want = *cap ? 2 * *cap : 4;
	struct cli_jval *vals;
	char **keys;

	if (v->n < *cap)
		return;
	vals = jr_alloc(r, v->v, want * sizeof(*v->v));
	if (!vals)
		return;
	v->v = vals;
	if (v->type == CLI_J_OBJ) {
		keys = jr_alloc(r, v->k, want * sizeof(*v->k));
		if (!keys)
			return;
		v->k = keys;
	}
	*cap = want;
}

static void jr_container(struct jr *r, struct cli_jval *v, int depth)
{
	char close = *r->p == '{' ? '}' : ']';
	size_t cap = 0;

	v->type = close == '}' ? CLI_J_OBJ : CLI_J_ARR;
	if (depth >= CLI_JSON_DEPTH) {
		jr_fail(r, "nested deeper than %d", CLI_JSON_DEPTH);
		return;
	}
	r->p++;
	jr_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return;
	}
	while (!r->failed) {
		jr_push(r, v, &cap);
		if (r->failed)
			return;
		memset(&v->v[v->n], 0, sizeof(v->v[v->n]));
		if (v->type == CLI_J_OBJ) {
			v->k[v->n] = NULL;
			jr_space(r);
			if (r->p >= r->end || *r->p != '"') {
				jr_fail(r, "expected a member name");
				return;
			}
			v->k[v->n] = jr_string(r);
			v->n++;
			if (r->failed)
				return;
			jr_space(r);
			if (r->p >= r->end || *r->p != ':') {
				jr_fail(r, "expected ':'");
				return;
			}
			r->p++;
			jr_value(r, &v->v[v->n - 1], depth + 1);
		} else {
			v->n++;
			jr_value(r, &v->v[v->n - 1], depth + 1);
		}
		if (r->failed)
			return;
		jr_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return;
		}
		jr_fail(r, "expected ',' or '%c'", close);
	}
}

/* One or more digits (a fraction's, an exponent's); false after an error. */
static bool jr_digits(struct jr *r)
{
	if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
		jr_fail(r, "a bad number");
		return false;
	}
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return true;
}

static void jr_number(struct jr *r, struct cli_jval *v)
{
	const char *b = r->p;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
		jr_fail(r, "not a JSON value");
		return;
	}
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!jr_digits(r))
			return;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!jr_digits(r))
			return;
	}
	v->type = CLI_J_NUM;
	v->s = jr_alloc(r, NULL, (size_t)(r->p - b) + 1);
	if (v->s) {
		memcpy(v->s, b, (size_t)(r->p - b));
		v->s[r->p - b] = '\0';
	}
}

static void jr_value(struct jr *r, struct cli_jval *v, int depth)
{
	jr_space(r);
	if (r->p >= r->end) {
		jr_fail(r, "unexpected end of the text");
		return;
	}
	switch (*r->p) {
	case '{':
	case '[':
		jr_container(r, v, depth);
		return;
	case '"':
		v->type = CLI_J_STR;
		v->s = jr_string(r);
		return;
	default:
		break;
	}
	if (jr_lit(r, "null")) {
		v->type = CLI_J_NULL;
	} else if (jr_lit(r, "true")) {
		v->type = CLI_J_BOOL;
		v->b = true;
	} else if (jr_lit(r, "false")) {
		v->type = CLI_J_BOOL;
	} else {
		jr_number(r, v);
	}
}

int cli_json_parse(const char *text, size_t len, struct cli_jval *out, char *err, size_t errlen)
{
	struct jr r = { .s = text, .end = text + len, .p = text, .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	jr_value(&r, out, 0);
	jr_space(&r);
	if (!r.failed && r.p < r.end)
		jr_fail(&r, "text after the JSON value");
	if (!r.failed)
		return 0;
	cli_jval_free(out);
	return -1;
}

void cli_jval_free(struct cli_jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		cli_jval_free(&v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const struct cli_jval *cli_jval_get(const struct cli_jval *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != CLI_J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (obj->k[i] && !strcmp(obj->k[i], key))
			return &obj->v[i];
	return NULL;
}

int cli_jval_u64(const struct cli_jval *v, uint64_t *out)
{
	char *end;

	errno = 0;
	if (!v || v->type != CLI_J_NUM || !v->s || v->s[0] == '-' ||
	    strspn(v->s, "0123456789") != strlen(v->s))
		return -1;
	*out = strtoull(v->s, &end, 10);
	return *end || errno ? -1 : 0;
}
