/*
 * web_source: the page of one source of a domain in `dmarcsift serve`:
 * its mail day by day, by auth results with our verdict and cause, the
 * receivers that reported it, the reports that name it and its latest
 * failure reports.
 */
#include "web_render.h"

#include "browse.h"
#include "model.h"
#include "present.h"
#include "svg.h"
#include "web_page.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 80

static void
figures(FILE *fp, const struct browse_source *s)
{
	fputs("<div class=\"figures\"><div>messages<b>", fp);
	web_count(fp, s->messages);
	fputs("</b></div><div>passed DMARC<b>", fp);
	web_rate(fp, s->passed, s->messages);
	fputs("</b></div><div>failed<b>", fp);
	web_count(fp, s->failed);
	fputs("</b></div></div>\n", fp);
}

static void
charts(FILE *fp, const struct browse_source *s)
{
	struct svg_bar *bars;
	char(*labels)[PRESENT_TIME_LEN];

	if (s->ndays == 0 || s->messages == 0)
		return;
	bars = xcalloc(s->ndays, sizeof(*bars));
	labels = xcalloc(s->ndays, sizeof(*labels));
	for (size_t i = 0; i < s->ndays; i++) {
		/* "MM-DD" under the axis. */
		bars[i].label = present_time(s->days[i].day,
		    CLOCK_FORM_MONTH_DAY, "?", labels[i], sizeof(labels[i]));
		bars[i].pass = s->days[i].passed;
		bars[i].fail = s->days[i].failed;
	}
	fputs("<h2>Day by day</h2>\n", fp);
	svg_stacked_bars(
	    fp, "Messages per day: passed and failed DMARC", bars, s->ndays);
	free(labels);
	free(bars);
}

/* "pass" or "fail" in its colour, for a verdict or a result. */
static void
outcome(FILE *fp, int pass, const char *text)
{
	fprintf(fp, "<span class=\"%s\">", pass ? "ok" : "no");
	web_esc(fp, text);
	fputs("</span>", fp);
}

/* A DKIM or SPF result: the domain, the result, aligned or not. */
static void
result(FILE *fp, const char *domain, const char *res, int aligned)
{
	web_esc_cut(fp, domain, NAME_CHARS);
	fputc(' ', fp);
	outcome(fp, res != NULL && strcmp(res, "pass") == 0, res);
	if (aligned)
		fputs(" <span class=\"note\">aligned</span>", fp);
}

static void
auth(FILE *fp, const struct browse_source *s)
{
	fputs("<h2>Authentication</h2>\n<p class=\"note\">Its mail by what "
	      "the receivers saw and what dmarcsift concluded, most mail "
	      "first.</p>\n",
	    fp);
	if (s->nauth == 0) {
		fputs("<p>No mail in this period.</p>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\"><table>\n<tr><th>From</th><th>DKIM</th>"
	      "<th>SPF</th><th>DMARC (ours)</th><th>receiver</th>"
	      "<th>disposition</th><th class=\"num\">messages</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nauth; i++) {
		const struct browse_auth *a = &s->auth[i];
		int cause =
		    a->cause != NULL ? verdict_cause_from_name(a->cause) : -1;

		fputs("<tr><td>", fp);
		web_esc_cut(fp, a->header_from, NAME_CHARS);
		fputs("</td><td>", fp);
		result(fp, a->dkim_domain, a->dkim_result, a->dkim_aligned);
		fputs("</td><td>", fp);
		result(fp, a->spf_domain, a->spf_result, a->spf_aligned);
		fputs("</td><td>", fp);
		outcome(fp, a->pass, a->pass ? "pass" : "fail");
		if (!a->pass && cause > 0) {
			fputs("<br><span class=\"note\">", fp);
			web_esc(
			    fp, verdict_cause_text((enum verdict_cause)cause));
			fputs("</span>", fp);
		}
		fputs("</td><td>", fp);
		if (a->rcv_pass < 0)
			fputc('-', fp);
		else
			outcome(fp, a->rcv_pass, a->rcv_pass ? "pass" : "fail");
		fputs("</td><td>", fp);
		web_esc(fp, a->disposition);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, a->messages);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->auth_more > 0)
		fprintf(
		    fp, "<p class=\"note\">and %zu more</p>\n", s->auth_more);
}

static void
receivers(FILE *fp, const struct browse_source *s)
{
	if (s->nreceivers == 0)
		return;
	fputs("<h2>Receivers that reported it</h2>\n<div class=\"scroll\">"
	      "<table>\n<tr><th>receiver</th><th class=\"num\">reports</th>"
	      "<th class=\"num\">messages</th><th>days</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nreceivers; i++) {
		const struct browse_receiver *r = &s->receivers[i];

		fputs("<tr><td>", fp);
		web_esc_cut(fp, r->name, NAME_CHARS);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, r->reports);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, r->messages);
		fputs("</td><td>", fp);
		web_time(fp, r->first_day, CLOCK_FORM_DAY);
		if (r->last_day != r->first_day) {
			fputs(" to ", fp);
			web_time(fp, r->last_day, CLOCK_FORM_DAY);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->receivers_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more</p>\n",
		    s->receivers_more);
}

static void
reports(FILE *fp, const struct browse_source *s)
{
	fputs("<h2>Reports that name it</h2>\n", fp);
	if (s->nreports == 0) {
		fputs("<p>None in this period.</p>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\"><table>\n<tr><th>reporter</th><th>report "
	      "ID</th><th>range (UTC)</th><th class=\"num\">its messages</th>"
	      "<th>counted</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nreports; i++) {
		const struct browse_report_ref *r = &s->reports[i];

		fputs("<tr><td>", fp);
		web_esc_cut(fp, r->reporter, NAME_CHARS);
		fputs("</td><td>", fp);
		web_report_link(fp, r->id, r->report_id);
		fputs("</td><td>", fp);
		web_time(fp, r->begin, CLOCK_FORM_MINUTE);
		fputs(" to ", fp);
		web_time(fp, r->end, CLOCK_FORM_MINUTE);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, r->messages);
		fputs("</td><td>", fp);
		if (r->counted)
			fputs("yes", fp);
		else if (r->genuine == 0)
			fputs("<span class=\"no\">no: not genuine</span>", fp);
		else
			fputs("<span class=\"warn\">no: a copy</span>", fp);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->reports_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more</p>\n",
		    s->reports_more);
}

/* Its failure reports (sql/025): nothing when there are none. */
static void
failures(FILE *fp, const struct browse_source *s)
{
	if (s->nfailures == 0)
		return;
	fputs("<h2>Sample failure reports</h2>\n<p class=\"note\">", fp);
	web_count(fp, s->failure_reports);
	fprintf(fp,
	    " failure report%s about this domain from this address in this "
	    "period; the latest %zu:</p>\n",
	    s->failure_reports == 1 ? "" : "s", s->nfailures);
	fputs("<div class=\"scroll\"><table>\n<tr><th>arrived (UTC)</th>"
	      "<th>failed</th><th>DKIM (selector)</th><th>SPF</th>"
	      "<th>From</th><th>Subject</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nfailures; i++) {
		const struct source_failures *f = &s->failures[i];

		fputs("<tr><td>", fp);
		web_time(fp, f->latest, CLOCK_FORM_MINUTE);
		fputs("</td><td>", fp);
		web_esc(fp, f->auth);
		fputs("</td><td>", fp);
		web_esc_cut(fp, f->dkim, NAME_CHARS);
		if (f->selector != NULL && f->selector[0] != '\0') {
			fputs(" (", fp);
			web_esc_cut(fp, f->selector, NAME_CHARS);
			fputc(')', fp);
		}
		fputs("</td><td>", fp);
		web_esc_cut(fp, f->spf, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc_cut(fp, f->from, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc_cut(fp, f->subject, NAME_CHARS);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

int
web_html_source(FILE *fp, const struct web_source_view *v)
{
	const struct browse_source *s = v->s;

	web_page_open(fp, s->ip, v->period);
	fputs("<p>Mail as ", fp);
	web_domain_link(fp, v->domain, v->period);
	if (s->who != NULL) {
		fputs(" from <b>", fp);
		web_esc_cut(fp, s->who, NAME_CHARS);
		fputs("</b>", fp);
	}
	if (s->ptr != NULL) {
		fputs(" <span class=\"note\">(PTR ", fp);
		web_esc_cut(fp, s->ptr, NAME_CHARS);
		fputs(")</span>", fp);
	}
	fputs(". <a href=\"/source/", fp);
	web_url(fp, s->ip);
	web_period_query(fp, v->period);
	fputs("\">Every domain it sent as</a></p>\n", fp);
	figures(fp, s);
	charts(fp, s);
	auth(fp, s);
	receivers(fp, s);
	reports(fp, s);
	failures(fp, s);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}

int
web_html_source_domains(
    FILE *fp, const struct browse_source_domains *l, const struct web_period *p)
{
	web_page_open(fp, l->ip, p);
	fputs("<p class=\"note\">The address's mail as each domain it sent "
	      "as in this period (from the reports that name it, counted or "
	      "not); each links to its page for that domain.</p>\n"
	      "<div class=\"scroll\"><table>\n<tr><th>domain</th><th "
	      "class=\"num\">messages</th><th class=\"num\">passed "
	      "DMARC</th><th class=\"num\">failed</th><th "
	      "class=\"num\">reports</th><th>first day</th><th>last "
	      "day</th></tr>\n",
	    fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct browse_source_domain *d = &l->v[i];

		fputs("<tr><td>", fp);
		/* The link's text is the domain, not the address. */
		fputs("<a href=\"/source/", fp);
		web_url(fp, l->ip);
		fputs("?domain=", fp);
		web_url(fp, d->domain);
		web_period_more(fp, p);
		fputs("\">", fp);
		web_esc_cut(fp, d->domain, NAME_CHARS);
		fputs("</a></td><td class=\"num\">", fp);
		web_count(fp, d->messages);
		fputs("</td><td class=\"num\">", fp);
		web_rate(fp, d->passed, d->messages);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, d->failed);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, d->reports);
		fputs("</td><td>", fp);
		web_time(
		    fp, d->messages > 0 ? d->first_day : 0, CLOCK_FORM_DAY);
		fputs("</td><td>", fp);
		web_time(fp, d->messages > 0 ? d->last_day : 0, CLOCK_FORM_DAY);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (l->more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more domains</p>\n",
		    l->more);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}
