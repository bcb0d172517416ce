/*
 * web_domains: the first page of `dmarcsift serve`, every domain with mail
 * in the period: the owner's with pass rate, policy and readiness, as
 * `dmarcsift report` judges them, then the other domains reports named.
 */
#include "web_render.h"

#include "digest.h"
#include "digest_outline.h"
#include "percent.h"
#include "present.h"
#include "svg.h"
#include "web_page.h"

/* The readiness in a few words, the verdict `advise` gives
 * (digest_verdict_of()): ready, not ready, watching a step (WAIT), or
 * roll back. */
static void
readiness(FILE *fp, const struct digest_domain *dd)
{
	const struct readiness *r = &dd->readiness;
	enum digest_verdict v = digest_verdict_of(r);

	if (dd->messages == 0) {
		fputs("<span class=\"note\">no mail in the period</span>", fp);
	} else if (v == DIGEST_ROLL_BACK) {
		fputs("<span class=\"no\">roll back</span>", fp);
	} else if (v == DIGEST_LAST_STEP) {
		fputs("<span class=\"ok\">at p=reject</span>", fp);
	} else if (v == DIGEST_WAIT) {
		fputs("<span class=\"warn\">watching a step</span>", fp);
	} else if (v == DIGEST_READY) {
		fputs("<span class=\"ok\">ready for ", fp);
		web_esc(fp, r->next_step);
		fputs("</span>", fp);
	} else {
		fputs("<span class=\"no\">not ready for ", fp);
		web_esc(fp, r->next_step);
		fputs("</span>", fp);
	}
}

/* The change of the pass rate from the period before, in points as
 * `report` gives it (percent_points()), coloured by its sign. */
static void
change(FILE *fp, const struct digest_domain *dd)
{
	char points[PERCENT_LEN];
	int d;

	if (!dd->has_prev) {
		fputc('-', fp);
		return;
	}
	d = percent_points(dd->passed, dd->messages, dd->prev_passed,
	    dd->prev_messages, points, sizeof(points));
	fprintf(fp, "<span class=\"%s\">",
	    d > 0       ? "ok"
	        : d < 0 ? "no"
	                : "note");
	web_esc(fp, points);
	fputs("</span>", fp);
}

/* The pass rate day by day, as the domain page's line in small. */
static void
sparkline(FILE *fp, const struct digest_domain *dd)
{
	struct svg_rate rates[DIGEST_MAX_DAYS];
	char labels[DIGEST_MAX_DAYS][PRESENT_TIME_LEN];
	size_t n = dd->ndays < DIGEST_MAX_DAYS ? dd->ndays : DIGEST_MAX_DAYS;

	for (size_t i = 0; i < n; i++) {
		rates[i].label = present_time(dd->days[i].day, CLOCK_FORM_DAY,
		    "?", labels[i], sizeof(labels[i]));
		rates[i].num = dd->days[i].passed;
		rates[i].den = dd->days[i].messages;
	}
	svg_sparkline(fp, "DMARC pass rate per day", rates, n);
}

static void
owned(FILE *fp, const struct digest *d, const struct web_period *p)
{
	fputs("<div class=\"scroll\"><table>\n<tr><th>domain</th>"
	      "<th class=\"num\">messages</th><th class=\"num\">passed "
	      "DMARC</th><th class=\"num\">period before</th><th "
	      "class=\"num\">change</th><th>day by day</th><th>policy "
	      "now</th><th>next step</th></tr>\n",
	    fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		fputs("<tr><td>", fp);
		web_domain_link(fp, dd->domain, p);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, dd->messages);
		fputs("</td><td class=\"num\">", fp);
		web_rate(fp, dd->passed, dd->messages);
		fputs("</td><td class=\"num\">", fp);
		if (dd->has_prev)
			web_rate(fp, dd->prev_passed, dd->prev_messages);
		else
			fputc('-', fp);
		fputs("</td><td class=\"num\">", fp);
		change(fp, dd);
		fputs("</td><td>", fp);
		sparkline(fp, dd);
		fputs("</td><td><code>", fp);
		web_esc(fp, dd->readiness.policy_now);
		fputs("</code></td><td>", fp);
		readiness(fp, dd);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

static void
foreign(FILE *fp, const struct digest *d, const struct web_period *p)
{
	if (d->nforeign == 0)
		return;
	fputs("<h2>Other domains in reports</h2>\n<p class=\"note\">Anyone "
	      "can send a report about any domain to your address: these "
	      "are counted, never judged.</p>\n<div class=\"scroll\"><table>"
	      "\n<tr><th>domain</th><th class=\"num\">messages (this period "
	      "and the one before)</th></tr>\n",
	    fp);
	for (size_t i = 0; i < d->nforeign; i++) {
		fputs("<tr><td>", fp);
		web_domain_link(fp, d->foreign[i].domain, p);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, d->foreign[i].messages);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (d->foreign_more > 0) {
		fputs("<p class=\"note\">and ", fp);
		web_count(fp, d->foreign_more);
		fputs(" more</p>\n", fp);
	}
}

int
web_html_domains(FILE *fp, const struct digest *d, const struct web_period *p)
{
	web_page_open(fp, "Domains", p);
	if (d->n == 0 && d->nforeign == 0)
		fputs("<p>No reports in this period.</p>\n", fp);
	else if (d->n == 0)
		fputs("<p>None of your domains has reports in this period "
		      "(set <code>domains</code> to name them).</p>\n",
		    fp);
	else
		owned(fp, d, p);
	foreign(fp, d, p);
	if (d->nrefused > 0) {
		fputs("<h2>Refused inputs</h2>\n<p>", fp);
		web_count(fp, d->nrefused + d->refused_more);
		fputs(" input(s) in the period held no report dmarcsift could "
		      "read; <code>dmarcsift reparse</code> tries them "
		      "again.  <a href=\"/refused",
		    fp);
		web_period_query(fp, p);
		fputs("\">Which, and why</a></p>\n", fp);
	}
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}
