/*
 * advise_json: `dmarcsift advise --json`, one object on one line.  The
 * keys are stable: scripts act on them.  Times are UTC, ISO 8601
 * ("2024-05-14T00:00:00Z"); counts are integers; absent values are null.
 *
 *   domain                 the policy domain
 *   period                 {days, until, first_day, last_day}: the days
 *                          judged before until; first/last day with data
 *                          ("YYYY-MM-DD", null without data)
 *   policy_now             null when no report gives a policy, else
 *                          {p, sp, np, pct, t, adkim, aspf, reported_at,
 *                          since} as receivers last reported them (pct a
 *                          number, t "y"/"n"; since: start of the unbroken
 *                          run of reports giving this p/pct/t)
 *   policy_now_text        "p=quarantine; pct=50", or null
 *   step_now               0..4: 0 p=none, 1 p=quarantine; t=y; pct=0
 *                          (or any pct below 100), 2 p=quarantine,
 *                          3 p=reject in test, 4 p=reject
 *   ready                  true: publish next_record now
 *   next_step              the policy of the next step, null at step 4
 *   next_step_no           step_now + 1, null at step 4
 *   next_record            the whole TXT record to publish, null at step 4
 *   next_record_name       "_dmarc.DOMAIN.", where to publish it
 *   published              the DMARC record found in DNS, or null
 *   reasons                [{code, met, blocks, text}] in this order:
 *                          data, pass_rate, sources, stable (conditions:
 *                          blocks is true when one is not met), then
 *                          new_sources (a warning: met false when there
 *                          are new sources, blocks always false)
 *   thresholds             {days, pass_rate, source_share, stable_days}
 *   evidence               {days_with_data, reporters, messages, passed,
 *                          legit_messages, legit_passed, legit_pass_rate,
 *                          legit_failing_sources, legit_failed, forwarded,
 *                          spoofing, unknown, new_sources, new_messages,
 *                          sub_messages, sub_passed, sub_names,
 *                          sub_names_failing}: legit_pass_rate is a percent
 *                          rounded down to one decimal, the digits of the
 *                          pass_rate reason (percent.h: never shows a
 *                          threshold that is not reached), null without
 *                          legitimate mail; forwarded, spoofing and unknown
 *                          are messages of sources in those classes
 *   failing_legit_sources  [{ip, service, ptr, messages, passed, failed,
 *                          cause, cause_text, fix, first_seen, last_seen}],
 *                          most failed first; cause is the machine name
 *                          (spf_unaligned, dkim_unaligned, ...)
 *   sp_advice, np_advice   one line each, or null when there is nothing
 *                          to change
 *   whatif                 null unless asked, else {policy, pct, messages,
 *                          total_affected, affected{legitimate, forwarder,
 *                          unknown, spoofing}, sources[{ip, class, service,
 *                          ptr, messages, failed, affected}]}: the failing
 *                          mail the policy would have hit, sources with
 *                          any, most first
 */
#include "advise_render.h"

#include "advise.h"
#include "json.h"
#include "percent.h"
#include "verdict.h"

#include <string.h>
#include <time.h>

static void
policy_now(FILE *fp, const struct advice *a)
{
	const struct policy_state *now = &a->now;

	json_key(fp, "policy_now", 0);
	if (!now->known) {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	json_kv_opt(fp, "p", now->p, 1);
	json_kv_opt(fp, "sp", now->sp, 0);
	json_kv_opt(fp, "np", now->np, 0);
	json_key(fp, "pct", 0);
	if (now->pct < 0)
		fputs("null", fp);
	else
		fprintf(fp, "%d", now->pct);
	json_kv_opt(fp, "t", now->testing, 0);
	json_kv_opt(fp, "adkim", now->adkim, 0);
	json_kv_opt(fp, "aspf", now->aspf, 0);
	json_kv_time(fp, "reported_at", now->reported_at, 0);
	json_kv_time(fp, "since", now->since, 0);
	fputc('}', fp);
}

static void
reasons(FILE *fp, const struct readiness *r)
{
	json_key(fp, "reasons", 0);
	fputc('[', fp);
	for (size_t i = 0; i < r->n_reasons; i++) {
		const struct readiness_reason *x = &r->reasons[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "code", x->code, 1);
		json_kv_bool(fp, "met", x->met > 0, 0);
		json_kv_bool(fp, "blocks", x->met == 0, 0);
		json_kv_str(fp, "text", x->text, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void
evidence(FILE *fp, const struct readiness_inputs *in)
{
	char rate[PERCENT_LEN];

	json_key(fp, "evidence", 0);
	fputc('{', fp);
	json_kv_u64(fp, "days_with_data", in->days_with_data, 1);
	json_kv_u64(fp, "reporters", in->reporters, 0);
	json_kv_u64(fp, "messages", in->messages, 0);
	json_kv_u64(fp, "passed", in->passed, 0);
	json_kv_u64(fp, "legit_messages", in->legit_messages, 0);
	json_kv_u64(fp, "legit_passed", in->legit_passed, 0);
	json_key(fp, "legit_pass_rate", 0);
	fputs(percent_text(
	          in->legit_passed, in->legit_messages, rate, sizeof(rate)) < 0
	        ? "null"
	        : rate,
	    fp);
	json_kv_u64(fp, "legit_failing_sources", in->legit_failing_sources, 0);
	json_kv_u64(fp, "legit_failed", in->legit_failed, 0);
	json_kv_u64(fp, "forwarded", in->forwarded, 0);
	json_kv_u64(fp, "spoofing", in->spoofing, 0);
	json_kv_u64(fp, "unknown", in->unknown, 0);
	json_kv_u64(fp, "new_sources", in->new_sources, 0);
	json_kv_u64(fp, "new_messages", in->new_messages, 0);
	json_kv_u64(fp, "sub_messages", in->sub_messages, 0);
	json_kv_u64(fp, "sub_passed", in->sub_passed, 0);
	json_kv_u64(fp, "sub_names", in->sub_names, 0);
	json_kv_u64(fp, "sub_names_failing", in->sub_names_failing, 0);
	fputc('}', fp);
}

static void
failing(FILE *fp, const struct readiness_inputs *in)
{
	json_key(fp, "failing_legit_sources", 0);
	fputc('[', fp);
	for (size_t i = 0; in->failing != NULL && i < in->n_failing; i++) {
		const struct source *s = &in->failing[i];
		int c = verdict_cause_from_name(s->cause);

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "ip", s->ip, 1);
		json_kv_str(fp, "service", s->service, 0);
		json_kv_str(fp, "ptr", s->ptr, 0);
		json_kv_u64(fp, "messages", s->messages, 0);
		json_kv_u64(fp, "passed", s->passed, 0);
		json_kv_u64(fp, "failed", s->failed, 0);
		json_kv_str(fp, "cause", s->cause, 0);
		json_kv_str(
		    fp, "cause_text", c >= 0 ? verdict_cause_text(c) : NULL, 0);
		json_kv_str(fp, "fix", c > 0 ? verdict_cause_fix(c) : NULL, 0);
		json_kv_time(fp, "first_seen", s->first_seen, 0);
		json_kv_time(fp, "last_seen", s->last_seen, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void
whatif(FILE *fp, const struct advice *a)
{
	const struct whatif *w = &a->whatif;

	json_key(fp, "whatif", 0);
	if (!a->has_whatif) {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	json_kv_str(fp, "policy", w->policy, 1);
	json_kv_int(fp, "pct", w->pct, 0);
	json_kv_u64(fp, "messages", w->messages, 0);
	json_kv_u64(fp, "total_affected", w->total_affected, 0);
	json_key(fp, "affected", 0);
	fputc('{', fp);
	for (int c = 0; c < SOURCE_NCLASSES; c++)
		json_kv_u64(fp, source_class_name((enum source_class)c),
		    w->affected[c], c == 0);
	fputc('}', fp);
	json_key(fp, "sources", 0);
	fputc('[', fp);
	for (size_t i = 0; w->v != NULL && i < w->n; i++) {
		const struct source *s = w->v[i].src;

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "ip", s->ip, 1);
		json_kv_str(fp, "class", source_class_name(s->cls), 0);
		json_kv_str(fp, "service", s->service, 0);
		json_kv_str(fp, "ptr", s->ptr, 0);
		json_kv_u64(fp, "messages", s->messages, 0);
		json_kv_u64(fp, "failed", s->failed, 0);
		json_kv_u64(fp, "affected", w->v[i].affected, 0);
		fputc('}', fp);
	}
	fputs("]}", fp);
}

int
advise_json(FILE *fp, const struct advice *a)
{
	const struct readiness *r = &a->r;
	const struct readiness_thresholds *t = &a->thresholds;
	int last = r->next_step_no < 0;
	char name[sizeof(a->domain) + 16];

	fputc('{', fp);
	json_kv_str(fp, "domain", a->domain, 1);
	json_key(fp, "period", 0);
	fputc('{', fp);
	json_kv_int(fp, "days", a->days, 1);
	json_kv_time(fp, "until", a->until, 0);
	json_kv_opt(fp, "first_day", a->in.first_day, 0);
	json_kv_opt(fp, "last_day", a->in.last_day, 0);
	fputc('}', fp);

	policy_now(fp, a);
	json_kv_opt(fp, "policy_now_text", r->policy_now, 0);
	json_kv_int(fp, "step_now", r->step_now, 0);
	json_kv_bool(fp, "ready", r->ready, 0);
	json_kv_opt(fp, "next_step", last ? NULL : r->next_step, 0);
	json_key(fp, "next_step_no", 0);
	if (last)
		fputs("null", fp);
	else
		fprintf(fp, "%d", r->next_step_no);
	json_kv_opt(fp, "next_record", last ? NULL : r->next_record, 0);
	snprintf(name, sizeof(name), "_dmarc.%s.", a->domain);
	json_kv_str(fp, "next_record_name", name, 0);
	json_kv_str(fp, "published", a->published, 0);
	reasons(fp, r);

	json_key(fp, "thresholds", 0);
	fputc('{', fp);
	json_kv_int(fp, "days", t->days, 1);
	json_kv_int(fp, "pass_rate", t->pass_rate, 0);
	json_kv_int(fp, "source_share", t->source_share, 0);
	json_kv_int(fp, "stable_days", t->stable_days, 0);
	fputc('}', fp);

	evidence(fp, &a->in);
	failing(fp, &a->in);
	json_kv_opt(fp, "sp_advice", r->sp_advice, 0);
	json_kv_opt(fp, "np_advice", r->np_advice, 0);
	whatif(fp, a);
	fputs("}\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}
