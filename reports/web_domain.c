/*
 * web_domain: the page of one domain in `dmarcsift serve`: the period's
 * figures and daily charts (`report`), the readiness verdict with its
 * reasons and the next record (`advise`), the what-if of a policy
 * (web_whatif.c), the senders with cause and fix (`sources`), the last
 * `check` stored (web_check.c), what SMTP TLS reports say (`tls`), and
 * the reporters with the days each covered (`report`).
 */
#include "web_render.h"

#include "advise.h"
#include "clock.h"
#include "digest.h"
#include "digest_outline.h"
#include "present.h"
#include "sources.h"
#include "svg.h"
#include "tls.h"
#include "tls_render.h"
#include "verdict.h"
#include "web_page.h"

#include <inttypes.h>
#include <string.h>

/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 80
/* Addresses listed under a sender, and DKIM/SPF domains per source. */
#define PAGE_ADDRESSES 10
#define AUTH_DOMAINS 5
/* Reporters listed. */
#define PAGE_REPORTERS 50

static void
figure(FILE *fp, const char *label)
{
	fputs("<div>", fp);
	web_esc(fp, label);
	fputs("<b>", fp);
}

static void
figures(FILE *fp, const struct web_domain_view *v)
{
	const struct digest_domain *dd = v->dd;
	const struct readiness *r = &v->advice->r;

	fputs("<div class=\"figures\">", fp);
	figure(fp, "messages");
	web_count(fp, dd != NULL ? dd->messages : 0);
	fputs("</b></div>", fp);
	figure(fp, "passed DMARC");
	if (dd != NULL)
		web_rate(fp, dd->passed, dd->messages);
	else
		fputc('-', fp);
	fputs("</b></div>", fp);
	figure(fp, "policy now");
	if (r->policy_now[0] != '\0' && v->advice->now.known)
		web_esc(fp, r->policy_now);
	else
		fputs("not known", fp);
	fputs("</b></div></div>\n", fp);
}

static void
charts(FILE *fp, const struct web_domain_view *v)
{
	const struct digest_domain *dd = v->dd;
	struct svg_bar bars[DIGEST_MAX_DAYS];
	struct svg_rate rates[DIGEST_MAX_DAYS];
	char labels[DIGEST_MAX_DAYS][PRESENT_TIME_LEN];
	size_t n;

	if (dd == NULL || dd->ndays == 0)
		return;
	n = dd->ndays < DIGEST_MAX_DAYS ? dd->ndays : DIGEST_MAX_DAYS;
	for (size_t i = 0; i < n; i++) {
		const struct digest_day *day = &dd->days[i];

		/* "MM-DD" under the axis. */
		bars[i].label = rates[i].label = present_time(day->day,
		    CLOCK_FORM_MONTH_DAY, "?", labels[i], sizeof(labels[i]));
		bars[i].pass = day->passed;
		bars[i].fail = day->messages > day->passed
		    ? day->messages - day->passed
		    : 0;
		rates[i].num = day->passed;
		rates[i].den = day->messages;
	}
	fputs("<h2>Day by day</h2>\n", fp);
	svg_stacked_bars(
	    fp, "Messages per day: passed and failed DMARC", bars, n);
	svg_rate_line(fp, "DMARC pass rate per day", rates, n,
	    v->advice->thresholds.pass_rate);
}

static void
verdict(FILE *fp, const struct advice *a)
{
	const struct readiness *r = &a->r;
	enum digest_verdict v = digest_verdict_of(r);

	if (r->published_differs && r->policy_published[0] != '\0') {
		fputs("<p>Published in DNS now: <code>", fp);
		web_esc(fp, r->policy_published);
		fprintf(fp, "</code> (step %d of 4)</p>\n", r->step_published);
	}
	fputs("<p class=\"verdict\">", fp);
	if (v == DIGEST_ROLL_BACK) {
		fputs("<span class=\"no\">ROLL BACK</span>: legitimate mail is "
		      "being lost",
		    fp);
	} else if (v == DIGEST_LAST_STEP) {
		fputs("<span class=\"ok\">At the last step</span>: nothing "
		      "further to publish",
		    fp);
	} else if (v == DIGEST_READY) {
		fputs("<span class=\"ok\">READY</span> for ", fp);
		web_esc(fp, r->next_step);
	} else if (v == DIGEST_WAIT) {
		/* As advise says it: the published policy when DNS gives
		 * another than receivers report, else the new one some of
		 * them show. */
		fprintf(fp,
		    "<span class=\"warn\">WAIT</span>: not every receiver "
		    "shows the %s policy yet; then ",
		    r->published_differs ? "published" : "new");
		web_esc(fp, r->next_step);
	} else {
		fputs("<span class=\"no\">NOT READY</span> for ", fp);
		web_esc(fp, r->next_step);
	}
	fputs("</p>\n", fp);
}

static void
readiness(FILE *fp, const struct advice *a)
{
	const struct readiness *r = &a->r;

	fprintf(fp,
	    "<h2>Ready for the next step?</h2>\n<p class=\"note\">"
	    "The %d days before ",
	    a->days);
	{
		char until[PRESENT_TIME_LEN];

		web_esc(fp,
		    present_time(
		        a->until, CLOCK_FORM_DAY, "?", until, sizeof(until)));
	}
	fputs(", as <code>dmarcsift advise</code> judges them.</p>\n", fp);
	verdict(fp, a);
	fputs("<ul>\n", fp);
	for (size_t i = 0; i < r->n_reasons; i++) {
		const struct readiness_reason *x = &r->reasons[i];

		fprintf(fp, "<li><span class=\"%s\">%s</span> <code>",
		    x->met > 0        ? "ok"
		        : x->met == 0 ? "no"
		                      : "warn",
		    x->met > 0        ? "ok"
		        : x->met == 0 ? "no"
		                      : "!!");
		web_esc(fp, x->code);
		fputs("</code> ", fp);
		web_esc(fp, x->text);
		fputs("</li>\n", fp);
	}
	fputs("</ul>\n", fp);
	if (r->rollback_record[0] != '\0') {
		fputs("<p>Roll back now: publish this record:</p>\n<pre>", fp);
		web_esc(fp, r->rollback_record);
		fputs("</pre>\n", fp);
	} else if (r->next_record[0] != '\0') {
		fputs("<p>Next record", fp);
		if (!r->ready)
			fputs(" (not yet: wait until the reasons above are "
			      "met)",
			    fp);
		fputs(":</p>\n<pre>", fp);
		web_esc(fp, r->next_record);
		fputs("</pre>\n", fp);
	}
}

static void
auth_domains(FILE *fp, const struct source *s)
{
	fputs("<br><span class=\"note\">signed by: ", fp);
	for (size_t k = 0; k < s->n_dkim && k < AUTH_DOMAINS; k++) {
		if (k > 0)
			fputs(", ", fp);
		web_esc_cut(fp, s->dkim_domains[k], NAME_CHARS);
	}
	if (s->n_dkim == 0)
		fputc('-', fp);
	fputs("; SPF domain: ", fp);
	for (size_t k = 0; k < s->n_spf && k < AUTH_DOMAINS; k++) {
		if (k > 0)
			fputs(", ", fp);
		web_esc_cut(fp, s->spf_domains[k], NAME_CHARS);
	}
	if (s->n_spf == 0)
		fputc('-', fp);
	fputs("</span>", fp);
}

/* The cause and the fix of a sender, from its address with the most
 * failing mail, as `sources` explains it. */
static void
explain(FILE *fp, const struct source *s)
{
	int cause = s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;

	if (cause > 0) {
		fputs("<span class=\"no\">", fp);
		web_esc(fp, verdict_cause_text((enum verdict_cause)cause));
		fputs("</span><br>fix: ", fp);
		web_esc(fp, source_fix(s));
	} else {
		fputc('-', fp);
	}
	if (s->n_dkim > 0 || s->n_spf > 0)
		auth_domains(fp, s);
}

/* Each address links to its source page. */
static void
addresses(FILE *fp, const struct web_domain_view *v, const struct sender *x)
{
	size_t n = x->n < PAGE_ADDRESSES ? x->n : PAGE_ADDRESSES;

	for (size_t k = 0; k < n; k++) {
		const struct source *s = &x->v[k];

		if (k > 0)
			fputs("<br>", fp);
		web_source_link(fp, s->ip, v->domain, v->period);
		fputs(" <span class=\"note\">", fp);
		web_count(fp, s->failed);
		fputs(" of ", fp);
		web_count(fp, s->messages);
		if (s->ptr != NULL && s->ptr[0] != '\0') {
			fputc(' ', fp);
			web_esc_cut(fp, s->ptr, NAME_CHARS);
		}
		fputs("</span>", fp);
	}
	if (x->addresses > n) {
		fputs("<br><span class=\"note\">and ", fp);
		web_count(fp, x->addresses - n);
		fputs(" more</span>", fp);
	}
}

static void
senders(FILE *fp, const struct web_domain_view *v)
{
	const struct sender_list *l = v->senders;

	fputs("<h2>Senders that fail DMARC</h2>\n<p class=\"note\">Grouped "
	      "by who sends, most failed messages first, as "
	      "<code>dmarcsift sources</code> lists them",
	    fp);
	if (v->offline)
		fputs(" (names from the cache only)", fp);
	fputs(".</p>\n", fp);
	if (l->n == 0) {
		fputs("<p>No sender failed DMARC in this period.</p>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\"><table>\n<tr><th>who</th><th>class</th>"
	      "<th class=\"num\">failed</th><th>cause and fix</th>"
	      "<th>addresses (failed of messages)</th></tr>\n",
	    fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct sender *x = &l->v[i];
		char rate[PRESENT_PERCENT_LEN];

		fputs("<tr><td>", fp);
		web_esc_cut(fp, x->who, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc(fp, source_class_name(x->cls));
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, x->failed);
		fputs(" of ", fp);
		web_count(fp, x->messages);
		fputs("<br><span class=\"note\">", fp);
		web_esc(fp,
		    present_failed_rate(
		        x->failed, x->messages, "-", rate, sizeof(rate)));
		fputs("</span></td><td>", fp);
		if (x->n > 0)
			explain(fp, &x->v[0]);
		fputs("</td><td class=\"ip\">", fp);
		addresses(fp, v, x);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (l->more > 0) {
		fputs("<p class=\"note\">and ", fp);
		web_count(fp, l->more);
		fputs(" more senders (", fp);
		web_count(fp, l->more_messages);
		fputs(" messages)</p>\n", fp);
	}
}

static void
reporters(FILE *fp, const struct digest_domain *dd)
{
	size_t n;

	if (dd == NULL || dd->nreporters == 0)
		return;
	n = dd->nreporters < PAGE_REPORTERS ? dd->nreporters : PAGE_REPORTERS;
	fputs("<h2>Reporters</h2>\n<div class=\"scroll\"><table>\n<tr>"
	      "<th>reporter</th><th class=\"num\">reports</th><th "
	      "class=\"num\">messages</th><th class=\"num\">days "
	      "covered</th></tr>\n",
	    fp);
	for (size_t i = 0; i < n; i++) {
		const struct digest_reporter *r = &dd->reporters[i];

		fputs("<tr><td>", fp);
		web_esc_cut(fp, r->name, NAME_CHARS);
		if (r->silent)
			fputs(" <span class=\"warn\">silent this period</span>",
			    fp);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, r->reports);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, r->messages);
		fprintf(fp, "</td><td class=\"num\">%d of %zu</td></tr>\n",
		    r->ndays_covered, dd->ndays);
	}
	fputs("</table></div>\n", fp);
	if (dd->nreporters > n || dd->reporters_more > 0)
		fprintf(fp, "<p class=\"note\">and %" PRIu64 " more</p>\n",
		    (uint64_t)(dd->nreporters - n) + dd->reporters_more);
}

/* What `dmarcsift tls` says of the period, its numbers as its --json has
 * them: nothing without TLS reports. */
static void
tls(FILE *fp, const struct web_domain_view *v)
{
	const struct tls_summary *s = v->dd != NULL ? v->dd->tls : NULL;
	struct svg_rate rates[DIGEST_MAX_DAYS];
	char labels[DIGEST_MAX_DAYS][PRESENT_TIME_LEN];
	size_t n;

	if (s == NULL || s->reports == 0)
		return;
	fputs("<h2 id=\"tls\">SMTP TLS</h2>\n<p class=\"note\">What senders' "
	      "SMTP TLS reports say of the domain's mail servers, as "
	      "<code>dmarcsift tls</code> counts them: each report once, on "
	      "the day its range begins.</p>\n<div class=\"figures\">",
	    fp);
	figure(fp, "sessions");
	web_count(fp, s->successful + s->failed);
	fputs("</b></div>", fp);
	figure(fp, "succeeded");
	web_rate(fp, s->successful, s->successful + s->failed);
	fputs("</b></div>", fp);
	figure(fp, "failed");
	web_count(fp, s->failed);
	fputs("</b></div>", fp);
	figure(fp, "reports");
	web_count(fp, s->reports);
	fputs("</b></div></div>\n", fp);
	n = digest_tls_rates(
	    s, 1, CLOCK_FORM_MONTH_DAY, rates, labels, DIGEST_MAX_DAYS);
	svg_rate_line(
	    fp, "SMTP TLS sessions that succeeded per day", rates, n, 0);
	if (s->n_types > 0) {
		fputs("<div class=\"scroll\"><table>\n<tr><th>result type</th>"
		      "<th class=\"num\">failed sessions</th><th class=\"num\">"
		      "MX hosts</th><th>what happened and the fix</th></tr>\n",
		    fp);
		for (size_t i = 0; i < s->n_types; i++) {
			const struct tls_type *t = &s->types[i];

			fputs("<tr><td><code>", fp);
			web_esc_cut(fp, t->type, NAME_CHARS);
			fputs("</code></td><td class=\"num\">", fp);
			web_count(fp, t->failed);
			fputs("</td><td class=\"num\">", fp);
			web_count(fp, t->mxs);
			fputs("</td><td><span class=\"no\">", fp);
			web_esc(fp, tls_type_text(t->type));
			fputs("</span><br>fix: ", fp);
			web_esc(fp, tls_type_fix(t->type));
			fputs("</td></tr>\n", fp);
		}
		fputs("</table></div>\n", fp);
	}
	if (s->n_mxs > 0) {
		fputs("<div class=\"scroll\"><table>\n<tr><th>receiving MX</th>"
		      "<th class=\"num\">failed sessions</th><th>result "
		      "types</th></tr>\n",
		    fp);
		for (size_t i = 0; i < s->n_mxs; i++) {
			fputs("<tr><td class=\"ip\">", fp);
			if (s->mxs[i].mx != NULL)
				web_esc_cut(fp, s->mxs[i].mx, NAME_CHARS);
			else
				fputs("(not said: the policy's)", fp);
			fputs("</td><td class=\"num\">", fp);
			web_count(fp, s->mxs[i].failed);
			fputs("</td><td>", fp);
			web_esc(fp, s->mxs[i].types);
			fputs("</td></tr>\n", fp);
		}
		fputs("</table></div>\n<p class=\"note\">Reporters count "
		      "successful sessions per policy, not per MX.</p>\n",
		    fp);
	}
}

int
web_html_domain(FILE *fp, const struct web_domain_view *v)
{
	web_page_open(fp, v->domain, v->period);
	if (v->dd == NULL || v->dd->messages == 0)
		fputs("<p>No reports about this domain in this period.</p>\n",
		    fp);
	figures(fp, v);
	charts(fp, v);
	readiness(fp, v->advice);
	web_html_whatif(fp, v);
	senders(fp, v);
	web_html_check(fp, v);
	tls(fp, v);
	reporters(fp, v->dd);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}
