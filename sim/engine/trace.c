// SPDX-License-Identifier: GPL-2.0
/*
 * A run's trace: its steps and log rows as text, and a hash of both that two
 * replays of one decision sequence must agree on (the determinism check).
 * Also the replay of a decision sequence, and what makes two findings one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

uint64_t ks_mix64(uint64_t x)
{
	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static uint64_t ks_hash_str(uint64_t h, const char *s)
{
	/* FNV-1a: by content, so hashes agree between processes */
	h ^= UINT64_C(0xcbf29ce484222325);
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return ks_mix64(h);
}

static uint64_t ks_hash_u64(uint64_t h, uint64_t v)
{
	return ks_mix64(h ^ ks_mix64(v + UINT64_C(0x9e3779b97f4a7c15)));
}

uint64_t ks_trace_hash(struct ks_runner *r)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		const struct ks_event *ev = &r->events[i];

		h = ks_hash_u64(h, (uint64_t)ev->tid << 8 | ev->acc);
		h = ks_hash_u64(h, ev->obj);
	}
	for (i = 0; i < r->nrows; i++) {
		const struct ks_row *row = &r->rows[i];

		h = ks_hash_u64(h, (uint64_t)row->step << 32 | (uint64_t)(uint16_t)row->tid << 16 |
				   (uint64_t)row->kind << 8 | row->vfmt);
		h = ks_hash_str(h, row->func);
		h = ks_hash_u64(h, row->obj);
		h = ks_hash_u64(h, (uint64_t)row->before);
		h = ks_hash_u64(h, (uint64_t)row->after);
		h = ks_hash_str(h, row->text);
	}
	return ks_hash_u64(h, ks_run_status(r));
}

static void ks_trace_step(struct ks_runner *r, uint32_t k, struct ks_buf *out)
{
	const struct ks_event *ev = &r->events[k];
	char o[96];

	ks_obj_format(ev->obj, o, sizeof(o));
	ks_buf_printf(out, "%5u  %-8s  > %s %s\n", k + 1, r->threads[ev->tid].name,
		      ks_access_name(ev->acc), o);
}

/*
 * Each step as "> access object", followed by the rows it logged; setup's
 * rows come first, and those of the end of the run (the audit, the hang
 * report) last.
 */
void ks_trace_format(struct ks_runner *r, struct ks_buf *out)
{
	uint32_t k = 0;
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		const struct ks_row *row = &r->rows[i];
		uint32_t upto = row->tid >= 0 ? row->step : (row->step ? r->nsteps : 0);

		for (; k < upto && k < r->nsteps; k++)
			ks_trace_step(r, k, out);
		ks_row_format(row, out);
		ks_buf_printf(out, "\n");
	}
	for (; k < r->nsteps; k++)
		ks_trace_step(r, k, out);
}

static int ks_replay_fail(struct ks_runner *r, char *err, size_t errlen,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int ks_replay_fail(struct ks_runner *r, char *err, size_t errlen,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	ks_run_cut(r);
	ks_run_end(r);
	return -1;
}

int ks_replay_decisions(struct ks_runner *r, const uint8_t *dec, uint32_t n,
			enum ks_run_status *status, char *err, size_t errlen)
{
	uint32_t i, en, unfinished;

	ks_run_begin(r);
	for (i = 0; i < n; i++) {
		const struct ks_thread *t;

		en = ks_runner_enabled(r, &unfinished);
		if (!en && unfinished)
			en = ks_run_wake_forced(r);
		if (!en)
			return ks_replay_fail(r, err, errlen,
					      "the run ended after %u steps, but the token has %u decisions",
					      i, n);
		if (dec[i] >= r->nthreads)
			return ks_replay_fail(r, err, errlen,
					      "decision %u names thread %u; the program has %d threads",
					      i + 1, dec[i], r->nthreads);
		t = &r->threads[dec[i]];
		if (!(en & KS_BIT(dec[i])))
			return ks_replay_fail(r, err, errlen,
					      "decision %u names %s, which is %s at that step",
					      i + 1, t->name, t->finished ? "finished" : "blocked");
		ks_run_step(r, dec[i]);
	}
	if (ks_run_status(r) == KS_RUN_ACTIVE)
		ks_run_cut(r);
	*status = ks_run_end(r);
	return 0;
}

/*
 * A finding is its oracle and message, with the step numbers that follow
 * "step"/"steps" blanked: one bug seen at different steps is one finding.
 */
char *ks_finding_key(const char *oracle, const char *msg)
{
	size_t n = strlen(oracle) + strlen(msg) + 3;
	char *key = malloc(n), *o;
	const char *p = msg;

	if (!key) {
		ks_out_of_memory();
	}
	o = key + sprintf(key, "%s: ", oracle);
	while (*p) {
		if (strncmp(p, "step", 4) || (p > msg && isalnum((unsigned char)p[-1]))) {
			*o++ = *p++;
			continue;
		}
		memcpy(o, "step", 4);
		o += 4;
		p += 4;
		if (*p == 's')
			*o++ = *p++;
		for (;;) {
			if (*p == ' ' || *p == ',') {
				*o++ = *p++;
			} else if (isdigit((unsigned char)*p)) {
				while (isdigit((unsigned char)*p))
					p++;
				*o++ = '#';
			} else if (!strncmp(p, "and ", 4)) {
				memcpy(o, "and ", 4);
				o += 4;
				p += 4;
			} else {
				break;
			}
		}
	}
	*o = '\0';
	return key;
}
