/*
 * web_browse_json: the JSON of serve's detail pages (/api/source/IP,
 * /api/report/ID, /api/refused): what the HTML shows, keys as
 * reports/README.md lists them, times as the CLI's JSON writes them.
 */
#include "web_render.h"

#include "browse.h"
#include "clock.h"
#include "json.h"

#include <inttypes.h>

/* true, false, or null when not known (< 0). */
static void
kv_tristate(FILE *fp, const char *key, int v)
{
	json_key(fp, key, 0);
	fputs(v < 0 ? "null" : v ? "true" : "false", fp);
}

/* "YYYY-MM-DD" of a UTC midnight, or null (t < 0). */
static void
day_or_null(FILE *fp, int64_t t)
{
	char day[CLOCK_TEXT_LEN];

	if (clock_text(t, CLOCK_FORM_DAY, day, sizeof(day)) < 0)
		fputs("null", fp);
	else
		json_string(fp, day);
}

static void
period(FILE *fp, const struct web_period *p)
{
	json_kv_int(fp, "days", p->days, 0);
	json_kv_time(fp, "since", p->since, 0);
	json_kv_time(fp, "until", p->until, 0);
}

int
web_json_source_domains(
    FILE *fp, const struct browse_source_domains *l, const struct web_period *p)
{
	fputc('{', fp);
	json_kv_str(fp, "ip", l->ip, 1);
	period(fp, p);
	json_key(fp, "domains", 0);
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct browse_source_domain *d = &l->v[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", d->domain, 1);
		json_kv_u64(fp, "messages", d->messages, 0);
		json_kv_u64(fp, "passed", d->passed, 0);
		json_kv_u64(fp, "failed", d->failed, 0);
		json_kv_u64(fp, "reports", d->reports, 0);
		json_key(fp, "first_day", 0);
		day_or_null(fp, d->messages > 0 ? d->first_day : -1);
		json_key(fp, "last_day", 0);
		day_or_null(fp, d->messages > 0 ? d->last_day : -1);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "domains_more", l->more, 0);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}

/* "failure_samples": the count and the latest, keys as `sources --json`
 * writes them (reports/README.md); null without any. */
static void
failure_samples(FILE *fp, const struct browse_source *s)
{
	json_key(fp, "failure_samples", 0);
	if (s->nfailures == 0) {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	json_kv_u64(fp, "reports", s->failure_reports, 1);
	json_key(fp, "latest", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nfailures; i++) {
		const struct source_failures *f = &s->failures[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_time(fp, "arrival", f->latest, 1);
		json_kv_opt(fp, "auth_failures", f->auth, 0);
		json_kv_opt(fp, "dkim_domain", f->dkim, 0);
		json_kv_opt(fp, "dkim_selector", f->selector, 0);
		json_kv_opt(fp, "spf_domain", f->spf, 0);
		json_kv_opt(fp, "from", f->from, 0);
		json_kv_opt(fp, "subject", f->subject, 0);
		fputc('}', fp);
	}
	fputs("]}", fp);
}

int
web_json_source(FILE *fp, const struct web_source_view *v)
{
	const struct browse_source *s = v->s;
	char day[CLOCK_TEXT_LEN];

	fputc('{', fp);
	json_kv_str(fp, "domain", v->domain, 1);
	json_kv_str(fp, "ip", s->ip, 0);
	json_kv_opt(fp, "who", s->who, 0);
	json_kv_opt(fp, "ptr", s->ptr, 0);
	period(fp, v->period);
	json_kv_u64(fp, "messages", s->messages, 0);
	json_kv_u64(fp, "passed", s->passed, 0);
	json_kv_u64(fp, "failed", s->failed, 0);
	json_key(fp, "daily", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->ndays; i++) {
		const struct browse_day *d = &s->days[i];

		clock_text(d->day, CLOCK_FORM_DAY, day, sizeof(day));
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "day", day, 1);
		json_kv_u64(fp, "messages", d->messages, 0);
		json_kv_u64(fp, "passed", d->passed, 0);
		json_kv_u64(fp, "failed", d->failed, 0);
		json_kv_u64(fp, "forwarded", d->forwarded, 0);
		json_kv_u64(fp, "disagreed", d->disagreed, 0);
		json_kv_u64(fp, "reporters", d->reporters, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "auth", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nauth; i++) {
		const struct browse_auth *a = &s->auth[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_opt(fp, "header_from", a->header_from, 1);
		json_kv_opt(fp, "dkim_domain", a->dkim_domain, 0);
		json_kv_opt(fp, "dkim_result", a->dkim_result, 0);
		json_kv_bool(fp, "dkim_aligned", a->dkim_aligned, 0);
		json_kv_opt(fp, "spf_domain", a->spf_domain, 0);
		json_kv_opt(fp, "spf_result", a->spf_result, 0);
		json_kv_bool(fp, "spf_aligned", a->spf_aligned, 0);
		json_kv_bool(fp, "pass", a->pass, 0);
		kv_tristate(fp, "receiver_pass", a->rcv_pass);
		json_kv_opt(fp, "cause", a->cause, 0);
		json_kv_opt(fp, "disposition", a->disposition, 0);
		json_kv_u64(fp, "messages", a->messages, 0);
		json_kv_u64(fp, "records", a->records, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "auth_more", s->auth_more, 0);
	json_key(fp, "receivers", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nreceivers; i++) {
		const struct browse_receiver *r = &s->receivers[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "name", r->name, 1);
		json_kv_u64(fp, "reports", r->reports, 0);
		json_kv_u64(fp, "messages", r->messages, 0);
		json_kv_time(fp, "first_day", r->first_day, 0);
		json_kv_time(fp, "last_day", r->last_day, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "receivers_more", s->receivers_more, 0);
	json_key(fp, "reports", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nreports; i++) {
		const struct browse_report_ref *r = &s->reports[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_i64(fp, "id", r->id, 1);
		json_kv_str(fp, "reporter", r->reporter, 0);
		json_kv_str(fp, "report_id", r->report_id, 0);
		json_kv_time(fp, "begin", r->begin, 0);
		json_kv_time(fp, "end", r->end, 0);
		json_kv_u64(fp, "messages", r->messages, 0);
		json_kv_bool(fp, "counted", r->counted, 0);
		kv_tristate(fp, "genuine", r->genuine);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "reports_more", s->reports_more, 0);
	failure_samples(fp, s);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}

static void
results(FILE *fp, const char *key, const char *what,
    const struct browse_result *v, size_t n, size_t more)
{
	json_key(fp, key, 0);
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_opt(fp, "domain", v[i].domain, 1);
		json_kv_opt(fp, what, v[i].what, 0);
		json_kv_opt(fp, "result", v[i].result, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	if (more > 0) {
		char k[32];

		snprintf(k, sizeof(k), "%s_more", key);
		json_kv_u64(fp, k, more, 0);
	}
}

int
web_json_report(FILE *fp, const struct web_report_view *v)
{
	const struct browse_report *r = v->r;
	const char *pk[] = {"p", "sp", "np", "adkim", "aspf", "pct", "fo",
	    "testing", "discovery_method"};
	const char *pv[] = {r->p, r->sp, r->np, r->adkim, r->aspf, r->pct,
	    r->fo, r->testing, r->discovery};
	char raw[48];

	fputc('{', fp);
	json_kv_i64(fp, "id", r->id, 1);
	json_kv_str(fp, "reporter", r->org_name, 0);
	json_kv_opt(fp, "email", r->email, 0);
	json_kv_opt(fp, "extra_contact_info", r->extra_contact, 0);
	json_kv_str(fp, "report_id", r->report_id, 0);
	json_kv_str(fp, "domain", r->domain, 0);
	json_kv_time(fp, "begin", r->begin, 0);
	json_kv_time(fp, "end", r->end, 0);
	json_key(fp, "policy_published", 0);
	fputc('{', fp);
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++)
		json_kv_opt(fp, pk[i], pv[i], i == 0);
	fputc('}', fp);
	json_kv_opt(fp, "generator", r->generator, 0);
	json_kv_u64(fp, "record_count", r->record_count, 0);
	json_kv_u64(fp, "records_dropped", r->records_dropped, 0);
	json_kv_u64(fp, "messages", r->messages, 0);
	kv_tristate(fp, "genuine", r->genuine);
	json_kv_opt(fp, "genuine_why", r->genuine_why, 0);
	json_kv_bool(fp, "counted", r->counted, 0);
	json_key(fp, "notes", 0);
	fputc('[', fp);
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(
		    fp, "kind", r->notes[i].error ? "error" : "warning", 1);
		json_kv_str(fp, "text", r->notes[i].text, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "input", 0);
	fputc('{', fp);
	json_kv_i64(fp, "id", r->input, 1);
	json_kv_str(fp, "source", r->source, 0);
	json_kv_str(fp, "source_name", r->source_name, 0);
	json_kv_str(fp, "place", r->place, 0);
	json_kv_time(fp, "received_at", r->received_at, 0);
	json_kv_u64(fp, "size", r->size, 0);
	json_kv_bool(fp, "archive_complete", r->raw_complete, 0);
	json_kv_opt(fp, "mail_from", r->mail_from, 0);
	snprintf(raw, sizeof(raw), "/report/%" PRId64 "/raw", r->id);
	json_kv_str(fp, "raw", raw, 0);
	fputc('}', fp);
	json_kv_u64(fp, "records_first", r->first + 1, 0);
	json_key(fp, "records", 0);
	fputc('[', fp);
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct browse_record *x = &r->records[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_i64(fp, "idx", x->idx, 1);
		json_kv_str(fp, "source_ip", x->ip, 0);
		json_kv_u64(fp, "count", x->count, 0);
		json_kv_opt(fp, "disposition", x->disposition, 0);
		json_kv_opt(fp, "dkim", x->dkim, 0);
		json_kv_opt(fp, "spf", x->spf, 0);
		json_kv_opt(fp, "header_from", x->header_from, 0);
		json_kv_opt(fp, "envelope_from", x->envelope_from, 0);
		results(fp, "dkim_auth", "selector", x->dkim_auth, x->ndkim,
		    x->dkim_more);
		results(
		    fp, "spf_auth", "scope", x->spf_auth, x->nspf, x->spf_more);
		kv_tristate(fp, "pass", x->pass);
		json_kv_opt(fp, "cause", x->cause, 0);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
	return ferror(fp) ? -1 : 0;
}

int
web_json_refused(
    FILE *fp, const struct browse_refused_list *l, const struct web_period *p)
{
	char cmd[64];

	fputc('{', fp);
	json_kv_u64(fp, "inputs", l->inputs, 1);
	period(fp, p);
	json_key(fp, "refused", 0);
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct browse_refused *f = &l->v[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_i64(fp, "input", f->input, 1);
		json_kv_str(fp, "source", f->source, 0);
		json_kv_str(fp, "source_name", f->source_name, 0);
		json_kv_time(fp, "received_at", f->received_at, 0);
		json_kv_u64(fp, "size", f->size, 0);
		json_kv_str(fp, "place", f->place, 0);
		json_kv_str(fp, "code", f->code, 0);
		json_kv_str(fp, "reason", f->reason, 0);
		snprintf(cmd, sizeof(cmd), "dmarcsift reparse --input %" PRId64,
		    f->input);
		json_kv_str(fp, "reparse", cmd, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "more", l->more, 0);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
