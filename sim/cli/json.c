// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer: objects, arrays, strings escaped per
 * RFC 8259 (quote, backslash, control characters; other bytes as they are).
 */
#include <string.h>

#include "cli/cli.h"

void cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* The separator before a value: a comma unless first at its level or after a key. */
static void sep(struct cli_json *j)
{
	if (j->key) {
		j->key = false;
		return;
	}
	if (!j->first[j->depth])
		fputs(", ", j->f);
	j->first[j->depth] = false;
}

void cli_json_begin(struct cli_json *j, char bracket)
{
	sep(j);
	fputc(bracket, j->f);
	if (j->depth < (int)(sizeof(j->first) / sizeof(j->first[0])) - 1)
		j->depth++;
	j->first[j->depth] = true;
}

void cli_json_end(struct cli_json *j, char bracket)
{
	if (j->depth > 0)
		j->depth--;
	fputc(bracket, j->f);
}

static void str(struct cli_json *j, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	fputc('"', j->f);
	for (; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", j->f);
			break;
		case '\\':
			fputs("\\\\", j->f);
			break;
		case '\n':
			fputs("\\n", j->f);
			break;
		case '\t':
			fputs("\\t", j->f);
			break;
		case '\r':
			fputs("\\r", j->f);
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				fprintf(j->f, "\\u%04x", *c);
			else
				fputc(*c, j->f);
		}
	}
	fputc('"', j->f);
}

void cli_json_key(struct cli_json *j, const char *key)
{
	sep(j);
	str(j, key);
	fputs(": ", j->f);
	j->key = true;
}

void cli_json_str(struct cli_json *j, const char *s)
{
	sep(j);
	if (s)
		str(j, s);
	else
		fputs("null", j->f);
}

void cli_json_u64(struct cli_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void cli_json_field_u64(struct cli_json *j, const char *key, uint64_t v)
{
	cli_json_key(j, key);
	cli_json_u64(j, v);
}

/* A number as %.6g (a probability, a rate): JSON has no inf or nan. */
void cli_json_double(struct cli_json *j, double v)
{
	sep(j);
	fprintf(j->f, "%.6g", v == v && v - v == 0 ? v : 0);
}

void cli_json_bool(struct cli_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void cli_json_null(struct cli_json *j)
{
	sep(j);
	fputs("null", j->f);
}

void cli_json_strs(struct cli_json *j, const char *const *v, size_t n)
{
	size_t i;

	cli_json_begin(j, '[');
	for (i = 0; i < n; i++)
		cli_json_str(j, v[i]);
	cli_json_end(j, ']');
}

void cli_json_newline(struct cli_json *j)
{
	fputs("\n  ", j->f);
}
