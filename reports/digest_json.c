/*
 * digest_json: the periodic summary as one JSON document.  The keys are a
 * stable interface, documented in reports/README.md ("dmarcsift report");
 * add keys there when adding them here, never rename one.
 */
#include "digest_render.h"

#include "check_json.h"
#include "digest.h"
#include "digest_outline.h"
#include "json.h"
#include "source_json.h"
#include "percent.h"
#include "present.h"
#include "tls.h"
#include "tls_render.h"
#include "verdict.h"

#include <inttypes.h>
#include <time.h>

/* Percent passing, one decimal rounded down, the digits the other formats
 * show (percent.h); null without messages. */
static void
rate(FILE *fp, const char *key, uint64_t passed, uint64_t messages, int first)
{
	char p[PERCENT_LEN];

	json_key(fp, key, first);
	fputs(
	    percent_text(passed, messages, p, sizeof(p)) < 0 ? "null" : p, fp);
}

/* One address of a row, with its own counts. */
static void
address(FILE *fp, const struct source *s)
{
	fputc('{', fp);
	json_kv_str(fp, "ip", s->ip, 1);
	json_kv_str(fp, "class", source_class_name(s->cls), 0);
	json_kv_str(fp, "service", s->service, 0);
	json_kv_str(fp, "ptr", s->ptr, 0);
	json_kv_u64(fp, "messages", s->messages, 0);
	json_kv_u64(fp, "passed", s->passed, 0);
	json_kv_u64(fp, "failed", s->failed, 0);
	json_kv_u64(fp, "forwarded", s->forwarded, 0);
	json_kv_str(fp, "cause", s->cause, 0);
	json_kv_time(fp, "first_seen", s->first_seen, 0);
	json_kv_time(fp, "last_seen", s->last_seen, 0);
	fputc('}', fp);
}

/* A row: one address, or a whole sender (a of its addresses, NULL for
 * one), its counts the sums; ip null for a sender of several. */
static void
source(FILE *fp, const struct source *s, const struct digest_addresses *a)
{
	fputc('{', fp);
	json_kv_str(fp, "ip", a != NULL ? NULL : s->ip, 1);
	json_kv_str(fp, "who", digest_sender_name(s), 0);
	json_kv_u64(fp, "addresses", a != NULL ? s->n_addresses : 1, 0);
	json_key(fp, "members", 0);
	fputc('[', fp);
	if (a == NULL)
		address(fp, s);
	for (size_t i = 0; a != NULL && i < a->n; i++) {
		if (i > 0)
			fputc(',', fp);
		address(fp, &a->v[i]);
	}
	fputc(']', fp);
	source_json_fields(fp, s, a != NULL);
	fputc('}', fp);
}

static void
sources(FILE *fp, const char *key, const struct digest_sources *l)
{
	json_key(fp, key, 0);
	fputs("{\"sources\":[", fp);
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			fputc(',', fp);
		source(fp, &l->v[i], digest_addresses_of(l, i));
	}
	fputc(']', fp);
	json_kv_u64(fp, "more", l->more, 0);
	fputc('}', fp);
}

static void
policy(FILE *fp, const struct policy_state *p)
{
	json_key(fp, "policy", 0);
	if (!p->known) {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	json_kv_opt(fp, "p", p->p, 1);
	json_kv_opt(fp, "sp", p->sp, 0);
	json_kv_opt(fp, "np", p->np, 0);
	json_kv_int_opt(fp, "pct", p->pct, 0);
	json_kv_opt(fp, "testing", p->testing, 0);
	json_kv_opt(fp, "adkim", p->adkim, 0);
	json_kv_opt(fp, "aspf", p->aspf, 0);
	json_kv_time(fp, "reported_at", p->reported_at, 0);
	json_kv_time(fp, "since", p->since, 0);
	fputc('}', fp);
}

static void
readiness(FILE *fp, const struct readiness *r)
{
	json_key(fp, "readiness", 0);
	fputc('{', fp);
	json_kv_bool(fp, "ready", r->ready, 1);
	json_kv_int(fp, "step_now", r->step_now, 0);
	json_kv_opt(fp, "policy_now", r->policy_now, 0);
	json_kv_int_opt(fp, "next_step_no", r->next_step_no, 0);
	json_kv_opt(fp, "next_step", r->next_step, 0);
	json_kv_opt(fp, "next_record", r->next_record, 0);
	json_kv_str(
	    fp, "verdict", digest_verdict_name(digest_verdict_of(r)), 0);
	json_kv_bool(fp, "waiting", r->waiting, 0);
	/* What DNS publishes, when it was looked up and is a DMARC record. */
	json_key(fp, "published", 0);
	if (r->policy_published[0] == '\0') {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		json_kv_str(fp, "policy", r->policy_published, 1);
		json_kv_int(fp, "step", r->step_published, 0);
		json_kv_bool(fp, "differs", r->published_differs, 0);
		fputc('}', fp);
	}
	json_kv_int_opt(fp, "rollback_step",
	    r->rollback_record[0] != '\0' ? r->rollback_step : -1, 0);
	json_kv_opt(fp, "rollback_record", r->rollback_record, 0);
	json_key(fp, "reasons", 0);
	fputc('[', fp);
	for (size_t i = 0; i < r->n_reasons && i < READINESS_MAX_REASONS; i++) {
		const struct readiness_reason *re = &r->reasons[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "code", re->code, 1);
		/* met: true, false (blocks), or null for a warning only. */
		json_key(fp, "met", 0);
		fputs(re->met < 0 ? "null" : re->met ? "true" : "false", fp);
		json_kv_str(fp, "text", re->text, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_opt(fp, "sp_advice", r->sp_advice, 0);
	json_kv_opt(fp, "np_advice", r->np_advice, 0);
	fputc('}', fp);
}

static void
reporters(FILE *fp, const struct digest_domain *dd)
{
	json_key(fp, "reporters", 0);
	fputc('[', fp);
	for (size_t i = 0; i < dd->nreporters; i++) {
		const struct digest_reporter *r = &dd->reporters[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "name", r->name, 1);
		json_kv_u64(fp, "reports", r->reports, 0);
		json_kv_u64(fp, "messages", r->messages, 0);
		json_kv_str(fp, "days", r->days != NULL ? r->days : "", 0);
		json_kv_int(fp, "days_covered", r->ndays_covered, 0);
		json_kv_bool(fp, "silent", r->silent, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	/* Those past DIGEST_REPORTERS_TOP, counted. */
	json_kv_u64(fp, "reporters_more", dd->reporters_more, 0);
	json_kv_u64(
	    fp, "reporters_more_messages", dd->reporters_more_messages, 0);
}

static void
dns(FILE *fp, const struct digest_domain *dd)
{
	json_key(fp, "dns", 0);
	if (!dd->dns_checked) {
		fputs("null", fp);
		return;
	}
	check_json_findings(fp, &dd->dns);
}

static void
domain(FILE *fp, const struct digest_domain *dd)
{
	char when[PRESENT_TIME_LEN];

	fputc('{', fp);
	json_kv_str(fp, "domain", dd->domain, 1);
	json_kv_u64(fp, "messages", dd->messages, 0);
	json_kv_u64(fp, "passed", dd->passed, 0);
	rate(fp, "pass_rate", dd->passed, dd->messages, 0);
	json_key(fp, "previous", 0);
	if (!dd->has_prev) {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		json_kv_u64(fp, "messages", dd->prev_messages, 1);
		json_kv_u64(fp, "passed", dd->prev_passed, 0);
		rate(fp, "pass_rate", dd->prev_passed, dd->prev_messages, 0);
		fputc('}', fp);
	}
	/* Without mail in the period: where the reports are. */
	json_kv_opt(fp, "latest_day", dd->gap.latest_day, 0);
	json_kv_opt(fp, "try_until", dd->gap.try_until, 0);
	json_kv_opt(fp, "earliest_day", dd->gap.earliest_day, 0);
	json_key(fp, "days", 0);
	fputc('[', fp);
	for (size_t i = 0; i < dd->ndays; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "day",
		    present_time(dd->days[i].day, CLOCK_FORM_DAY, "?", when,
		        sizeof(when)),
		    1);
		json_kv_u64(fp, "messages", dd->days[i].messages, 0);
		json_kv_u64(fp, "passed", dd->days[i].passed, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	policy(fp, &dd->policy);
	readiness(fp, &dd->readiness);
	sources(fp, "failing_yours", &dd->failing_legit);
	sources(fp, "new_sources", &dd->new_sources);
	sources(fp, "stopped_sources", &dd->stopped);
	sources(fp, "spoofing_sources", &dd->spoofing);
	reporters(fp, dd);
	dns(fp, dd);
	/* The failure reports of the period; `dmarcsift sources` has
	 * samples. */
	json_key(fp, "failure_reports", 0);
	if (dd->failure_reports == 0) {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		json_kv_u64(fp, "reports", dd->failure_reports, 1);
		json_kv_str(fp, "latest_day", dd->failure_latest, 0);
		fputc('}', fp);
	}
	/* `dmarcsift tls --json` of the period, null without TLS reports. */
	json_key(fp, "tls", 0);
	if (dd->tls == NULL || dd->tls->reports == 0)
		fputs("null", fp);
	else
		tls_json_object(fp, dd->tls);
	fputc('}', fp);
}

int
digest_json(FILE *fp, const struct digest *d)
{
	fputs("{\"period\":{", fp);
	json_kv_str(fp, "name", d->period, 1);
	json_kv_time(fp, "since", d->since, 0);
	json_kv_time(fp, "until", d->until, 0);
	json_kv_time(fp, "previous_since", d->prev_since, 0);
	fputc('}', fp);
	json_kv_time(fp, "generated_at", d->generated_at, 0);
	json_key(fp, "domains", 0);
	fputc('[', fp);
	for (size_t i = 0; i < d->n; i++) {
		if (i > 0)
			fputc(',', fp);
		domain(fp, &d->domains[i]);
	}
	fputc(']', fp);
	json_key(fp, "refused", 0);
	fputs("{\"inputs\":[", fp);
	for (size_t i = 0; i < d->nrefused; i++) {
		const struct digest_refused *r = &d->refused[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_i64(fp, "input", r->input, 1);
		json_kv_str(fp, "source_name", r->source_name, 0);
		json_kv_time(fp, "received_at", r->received_at, 0);
		json_kv_str(fp, "reason", r->reason, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "more", d->refused_more, 0);
	fputc('}', fp);
	json_key(fp, "foreign", 0);
	fputs("{\"domains\":[", fp);
	for (size_t i = 0; i < d->nforeign; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", d->foreign[i].domain, 1);
		json_kv_u64(fp, "messages", d->foreign[i].messages, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "more", d->foreign_more, 0);
	json_kv_u64(fp, "messages", d->foreign_messages, 0);
	fputs("}}\n", fp);
	return present_end(fp);
}
