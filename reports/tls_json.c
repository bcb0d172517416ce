/*
 * tls_json: the summary of tls_compute() as one JSON object (tls_render.h,
 * keys in reports/README.md).  Strangers' strings are escaped.
 */
#include "tls_render.h"

#include "clock.h"
#include "json.h"
#include "percent.h"
#include "tls.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* How many a list left out: none when its total was not counted. */
static uint64_t
left_out(size_t total, size_t shown)
{
	return total > shown ? (uint64_t)(total - shown) : 0;
}

/* "success_rate": the pass-rate rule of percent.h, null without
 * sessions. */
static void
json_rate(FILE *fp, uint64_t ok, uint64_t failed)
{
	char pct[PERCENT_LEN];

	json_key(fp, "success_rate", 0);
	fputs(
	    percent_text(ok, ok + failed, pct, sizeof(pct)) == 0 ? pct : "null",
	    fp);
}

void
tls_json(FILE *fp, const struct tls_summary *s)
{
	tls_json_object(fp, s);
	fputc('\n', fp);
}

void
tls_json_object(FILE *fp, const struct tls_summary *s)
{
	fputc('{', fp);
	json_kv_str(fp, "domain", s->domain, 1);
	json_kv_time(fp, "since", s->since, 0);
	json_kv_time(fp, "until", s->until, 0);
	json_kv_i64(fp, "days", (s->until - s->since) / CLOCK_DAY, 0);
	json_kv_u64(fp, "reports", s->reports, 0);
	json_kv_u64(fp, "sessions", s->successful + s->failed, 0);
	json_kv_u64(fp, "successful", s->successful, 0);
	json_kv_u64(fp, "failed", s->failed, 0);
	json_rate(fp, s->successful, s->failed);
	json_kv_opt(fp, "latest_day", s->latest, 0);
	json_key(fp, "by_day", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->n_days; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "day", s->days[i].day, 1);
		json_kv_u64(fp, "successful", s->days[i].successful, 0);
		json_kv_u64(fp, "failed", s->days[i].failed, 0);
		json_rate(fp, s->days[i].successful, s->days[i].failed);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "by_mx", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->n_mxs; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "mx", s->mxs[i].mx, 1);
		json_kv_u64(fp, "failed", s->mxs[i].failed, 0);
		json_kv_str(fp, "result_types", s->mxs[i].types, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "by_mx_more", left_out(s->mxs_total, s->n_mxs), 0);
	json_key(fp, "failures", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->n_types; i++) {
		const struct tls_type *t = &s->types[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "result_type", t->type, 1);
		json_kv_u64(fp, "failed", t->failed, 0);
		json_kv_u64(fp, "mx_hosts", t->mxs, 0);
		json_kv_str(fp, "text", tls_type_text(t->type), 0);
		json_kv_str(fp, "fix", tls_type_fix(t->type), 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(
	    fp, "failures_more", left_out(s->types_total, s->n_types), 0);
	json_key(fp, "reporters", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->n_reporters; i++) {
		const struct tls_reporter *r = &s->reporters[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "reporter", r->name, 1);
		json_kv_u64(fp, "reports", r->reports, 0);
		json_kv_u64(fp, "successful", r->successful, 0);
		json_kv_u64(fp, "failed", r->failed, 0);
		json_rate(fp, r->successful, r->failed);
		json_kv_str(fp, "last_day", r->last, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "reporters_more",
	    left_out(s->reporters_total, s->n_reporters), 0);
	fputc('}', fp);
}
