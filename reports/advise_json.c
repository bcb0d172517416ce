/*
 * advise_json: `dmarcsift advise --json`, one object on one line.  The
 * keys are stable: scripts act on them.  Times are UTC, ISO 8601
 * ("2024-05-14T00:00:00Z"); counts are integers; absent values are null.
 *
 *   domain                 the policy domain
 *   period                 {days, until, first_day, last_day, latest_day,
 *                          try_until, earliest_day}: the days judged
 *                          before until; first/last day with data
 *                          ("YYYY-MM-DD", null without data); when the
 *                          period holds no report about the domain, where
 *                          they are: the last day of the latest report
 *                          and the --until that ends a period with it, or
 *                          the first day of the earliest (null otherwise,
 *                          and in serve's /api, which does not look)
 *   policy_now             null when no report gives a policy, else
 *                          {p, sp, np, pct, t, adkim, aspf, reported_at,
 *                          since} as receivers last reported them (pct a
 *                          number, t "y"/"n"; since: start of the unbroken
 *                          run of reports giving this p/pct/t)
 *   policy_now_text        "p=quarantine; pct=50", or null
 *   step_now               0..4: 0 p=none, 1 p=quarantine; t=y; pct=0
 *                          (or any pct below 100), 2 p=quarantine,
 *                          3 p=reject in test, 4 p=reject: the step of
 *                          the published record when one was looked up,
 *                          else the reported one
 *   step_reported          the step receivers report, null without reports
 *   step_published         the step of the record in DNS, null when not
 *                          looked up or not a DMARC record
 *   policy_published_text  "p=reject", or null
 *   ready                  true: publish next_record now
 *   waiting                true: not every reporter shows the policy yet
 *                          (one DNS publishes, or a step some reporters
 *                          already show): wait, never step back
 *   next_step              the policy of the next step, null at step 4
 *   next_step_no           step_now + 1, null at step 4
 *   next_record            the whole TXT record to publish, null at step 4
 *   next_record_name       "_dmarc.DOMAIN.", where to publish it
 *   published              the DMARC record found in DNS, or null
 *   rollback_record        when legitimate mail quarantined or rejected
 *                          since the step is above source_share of the
 *                          mail that may be the owner's in those days, at
 *                          any step p=reject included: the record of the
 *                          last step below that does not act on failing
 *                          mail (p=quarantine; t=y; pct=0, or p=none from
 *                          it); else null.  A roll back is never ready.
 *   reasons                [{code, met, blocks, text}] in this order:
 *                          data, pass_rate, sources, stable, watch (from
 *                          step 1) (conditions: blocks is true when one
 *                          is not met), then new_sources (a warning: met
 *                          false when there are new sources, blocks
 *                          always false); watch may also be a warning
 *   thresholds             {days, pass_rate, source_share, stable_days}
 *   evidence               {days_with_data, reporters, messages, passed,
 *                          legit_messages, legit_passed, unknown_messages,
 *                          unknown_passed, mine_pass_rate, forwarded,
 *                          spoofing, ignored, new_sources, new_messages,
 *                          sub_messages, sub_passed, sub_names,
 *                          sub_names_failing, sub_mine_failed}: mine is
 *                          legitimate and unknown together (the mail that
 *                          may be the owner's); mine_pass_rate a percent
 *                          with one decimal, rounded down, null without
 *                          such mail; forwarded, spoofing and ignored are
 *                          messages of sources in those classes
 *   failing_senders        [{who, class, service, messages, passed, failed,
 *                          hit, blocks, cause, cause_text, fix,
 *                          sources[{ip, ptr, messages, failed, first_seen,
 *                          last_seen}]}]: senders that may be the owner's
 *                          with failing mail, grouped by who sends (class
 *                          legitimate or unknown), blocking ones first,
 *                          then most hit: hit is the failing mail the next
 *                          step would hit; sources: its first
 *                          ADVISE_ADDRESSES addresses, and addresses:
 *                          how many it has, only when it has more
 *   failing_senders_more   how many senders were left out of that list
 *                          (the top ADVISE_SENDERS), only when any were
 *   reporters              [{name, reports, genuine, failed, unchecked,
 *                          messages, failed_messages, peak_daily,
 *                          usual_daily, history_days, jump, why,
 *                          auth_results_by}]: the reporters of reports
 *                          that begin in the period, most messages first;
 *                          genuine, failed and unchecked count reports
 *                          whose mail passed DKIM or DMARC for the
 *                          reporter at the owner's server, did not (they
 *                          are not counted anywhere), or could not be
 *                          checked; peak_daily and usual_daily: counted
 *                          messages on the busiest day of the period and
 *                          on the median day of the 28 before; jump: the
 *                          first is far above the second; why: for one
 *                          report not genuine; auth_results_by: who put
 *                          Authentication-Results on the mail (null)
 *   sp_advice, np_advice   one line each, or null when there is nothing
 *                          to change
 *   whatif                 null unless asked, else {policy, pct, messages,
 *                          total_affected, affected{legitimate, forwarder,
 *                          unknown, spoofing, ignored}: policy is the
 *                          whole policy applied ("p=reject; sp=none"),
 *                          sp and np included; sources[{ip, who, class,
 *                          service, ptr, messages, failed, affected}],
 *                          sources_more, affected_more}: the failing mail
 *                          the policy would have hit; sources: the
 *                          ADVISE_WHATIF_SOURCES addresses it hits most,
 *                          most first, one per address; who names the
 *                          sender as `sources` groups them (the text
 *                          groups by it); sources_more: how many other
 *                          addresses it hits, affected_more: their mail
 *                          hit
 */
#include "advise_render.h"

#include "advise.h"
#include "digest.h"
#include "json.h"
#include "percent.h"
#include "present.h"
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
	json_kv_int_opt(fp, "pct", now->pct, 0);
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
	uint64_t mine = in->legit_messages + in->unknown_messages;
	uint64_t ok = in->legit_passed + in->unknown_passed;
	char rate[PERCENT_LEN];

	json_key(fp, "evidence", 0);
	fputc('{', fp);
	json_kv_u64(fp, "days_with_data", in->days_with_data, 1);
	json_kv_u64(fp, "reporters", in->reporters, 0);
	json_kv_u64(fp, "messages", in->messages, 0);
	json_kv_u64(fp, "passed", in->passed, 0);
	json_kv_u64(fp, "legit_messages", in->legit_messages, 0);
	json_kv_u64(fp, "legit_passed", in->legit_passed, 0);
	json_kv_u64(fp, "unknown_messages", in->unknown_messages, 0);
	json_kv_u64(fp, "unknown_passed", in->unknown_passed, 0);
	json_key(fp, "mine_pass_rate", 0);
	fputs(
	    percent_text(ok, mine, rate, sizeof(rate)) < 0 ? "null" : rate, fp);
	json_kv_u64(fp, "forwarded", in->forwarded, 0);
	json_kv_u64(fp, "spoofing", in->spoofing, 0);
	json_kv_u64(fp, "ignored", in->ignored, 0);
	json_kv_u64(fp, "new_sources", in->new_sources, 0);
	json_kv_u64(fp, "new_messages", in->new_messages, 0);
	json_kv_u64(fp, "sub_messages", in->sub_messages, 0);
	json_kv_u64(fp, "sub_passed", in->sub_passed, 0);
	json_kv_u64(fp, "sub_names", in->sub_names, 0);
	json_kv_u64(fp, "sub_names_failing", in->sub_names_failing, 0);
	json_kv_u64(fp, "sub_mine_failed", in->sub_mine_failed, 0);
	fputc('}', fp);
}

static void
failing(FILE *fp, const struct advice *a)
{
	const struct readiness *r = &a->r;

	json_key(fp, "failing_senders", 0);
	fputc('[', fp);
	for (size_t i = 0; r->groups != NULL && i < r->n_groups; i++) {
		const struct readiness_group *g = &r->groups[i];
		const struct source *top = g->s.v[0];
		int c = verdict_cause_from_name(top->cause);

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "who", g->s.who, 1);
		json_kv_str(fp, "class", source_class_name(g->s.cls), 0);
		json_kv_str(fp, "service", top->service, 0);
		json_kv_u64(fp, "messages", g->s.messages, 0);
		json_kv_u64(fp, "passed", g->s.passed, 0);
		json_kv_u64(fp, "failed", g->s.failed, 0);
		if (source_group_size(&g->s) > g->s.n)
			json_kv_u64(
			    fp, "addresses", source_group_size(&g->s), 0);
		json_kv_u64(fp, "hit", g->hit, 0);
		json_kv_bool(fp, "blocks", g->blocks, 0);
		json_kv_str(fp, "cause", top->cause, 0);
		json_kv_str(
		    fp, "cause_text", c >= 0 ? verdict_cause_text(c) : NULL, 0);
		json_kv_str(fp, "fix", c > 0 ? verdict_cause_fix(c) : NULL, 0);
		json_key(fp, "sources", 0);
		fputc('[', fp);
		for (size_t k = 0; k < g->s.n; k++) {
			const struct source *s = g->s.v[k];

			fputs(k ? ",{" : "{", fp);
			json_kv_str(fp, "ip", s->ip, 1);
			json_kv_str(fp, "class", source_class_name(s->cls), 0);
			json_kv_str(fp, "ptr", s->ptr, 0);
			json_kv_u64(fp, "messages", s->messages, 0);
			json_kv_u64(fp, "failed", s->failed, 0);
			json_kv_time(fp, "first_seen", s->first_seen, 0);
			json_kv_time(fp, "last_seen", s->last_seen, 0);
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);
	/* Senders left out of the list (ADVISE_SENDERS). */
	if (r->n_senders > r->n_groups)
		json_kv_u64(
		    fp, "failing_senders_more", r->n_senders - r->n_groups, 0);
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
	json_kv_int(fp, "pct", w->spec.pct, 0);
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
		/* Who sends, as `sources` groups them (its address when
		 * nothing names it). */
		json_kv_str(fp, "who", s->who, 0);
		json_kv_str(fp, "class", source_class_name(s->cls), 0);
		json_kv_str(fp, "service", s->service, 0);
		json_kv_str(fp, "ptr", s->ptr, 0);
		json_kv_u64(fp, "messages", s->messages, 0);
		json_kv_u64(fp, "failed", s->failed, 0);
		json_kv_u64(fp, "affected", w->v[i].affected, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "sources_more",
	    w->hit_sources > w->n ? w->hit_sources - w->n : 0, 0);
	json_kv_u64(fp, "affected_more", w->more_affected, 0);
	fputc('}', fp);
}

static void
reporters(FILE *fp, const struct advice *a)
{
	json_key(fp, "reporters", 0);
	fputc('[', fp);
	for (size_t i = 0; i < a->n_trust; i++) {
		const struct reporter_trust *t = &a->trust[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "name", t->name, 1);
		json_kv_u64(fp, "reports", t->reports, 0);
		json_kv_u64(fp, "genuine", t->genuine, 0);
		json_kv_u64(fp, "failed", t->failed, 0);
		json_kv_u64(fp, "unchecked", t->unchecked, 0);
		json_kv_u64(fp, "messages", t->messages, 0);
		json_kv_u64(fp, "failed_messages", t->failed_messages, 0);
		json_kv_u64(fp, "peak_daily", t->peak_daily, 0);
		json_kv_u64(fp, "usual_daily", t->usual_daily, 0);
		json_kv_u64(fp, "history_days", t->history_days, 0);
		json_kv_bool(fp, "jump", readiness_jump(t), 0);
		json_kv_opt(fp, "why", t->why, 0);
		json_kv_opt(fp, "auth_results_by", t->auth_top, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
}

int
advise_json(FILE *fp, const struct advice *a)
{
	return advise_json_period(fp, a, NULL);
}

int
advise_json_period(
    FILE *fp, const struct advice *a, const struct period_gap *gap)
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
	json_kv_opt(fp, "latest_day", gap != NULL ? gap->latest_day : NULL, 0);
	json_kv_opt(fp, "try_until", gap != NULL ? gap->try_until : NULL, 0);
	json_kv_opt(
	    fp, "earliest_day", gap != NULL ? gap->earliest_day : NULL, 0);
	fputc('}', fp);

	policy_now(fp, a);
	json_kv_opt(fp, "policy_now_text", r->policy_now, 0);
	json_kv_int(fp, "step_now", r->step_now, 0);
	json_kv_int_opt(fp, "step_reported", r->step_reported, 0);
	json_kv_int_opt(fp, "step_published", r->step_published, 0);
	json_kv_opt(fp, "policy_published_text", r->policy_published, 0);
	json_kv_bool(fp, "ready", r->ready, 0);
	json_kv_bool(fp, "waiting", r->waiting, 0);
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
	json_kv_opt(fp, "rollback_record", r->rollback_record, 0);
	reasons(fp, r);

	json_key(fp, "thresholds", 0);
	fputc('{', fp);
	json_kv_int(fp, "days", t->days, 1);
	json_kv_int(fp, "pass_rate", t->pass_rate, 0);
	json_kv_int(fp, "source_share", t->source_share, 0);
	json_kv_int(fp, "stable_days", t->stable_days, 0);
	fputc('}', fp);

	evidence(fp, &a->in);
	failing(fp, a);
	reporters(fp, a);
	json_kv_opt(fp, "sp_advice", r->sp_advice, 0);
	json_kv_opt(fp, "np_advice", r->np_advice, 0);
	whatif(fp, a);
	fputs("}\n", fp);
	return present_end(fp);
}
