/*
 * web_report: the page of one stored report in `dmarcsift serve`: what it
 * says of itself, whether it is genuine and counted, a page of its
 * records with our verdict beside the receiver's, and its text as
 * received, escaped.
 */
#include "web_render.h"

#include "browse.h"
#include "clock.h"
#include "model.h"
#include "present.h"
#include "svg.h"
#include "web_page.h"

#include <inttypes.h>
#include <string.h>

/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 80

/* A row of the metadata table: label, then the value is written. */
static void
row(FILE *fp, const char *label)
{
	fputs("<tr><th>", fp);
	web_esc(fp, label);
	fputs("</th><td>", fp);
}

static void
row_text(FILE *fp, const char *label, const char *value)
{
	row(fp, label);
	web_esc(fp, value);
	fputs("</td></tr>\n", fp);
}

/* policy_published as a record would read, tags left out not shown. */
static void
policy(FILE *fp, const struct browse_report *r)
{
	const char *tag[] = {
	    "p", "sp", "np", "adkim", "aspf", "pct", "fo", "t", "discovery"};
	const char *val[] = {r->p, r->sp, r->np, r->adkim, r->aspf, r->pct,
	    r->fo, r->testing, r->discovery};
	int any = 0;

	row(fp, "policy published");
	fputs("<code>", fp);
	for (size_t i = 0; i < sizeof(tag) / sizeof(tag[0]); i++) {
		if (val[i] == NULL || val[i][0] == '\0')
			continue;
		fputs(any ? "; " : "", fp);
		web_esc(fp, tag[i]);
		fputc('=', fp);
		web_esc_cut(fp, val[i], NAME_CHARS);
		any = 1;
	}
	if (!any)
		fputc('-', fp);
	fputs("</code></td></tr>\n", fp);
}

static void
genuine(FILE *fp, const struct browse_report *r)
{
	row(fp, "genuine");
	if (r->genuine == 1)
		fputs("<span class=\"ok\">yes</span>", fp);
	else if (r->genuine == 0)
		fputs("<span class=\"no\">no</span>", fp);
	else
		fputs("<span class=\"warn\">could not tell</span>", fp);
	if (r->genuine_why != NULL && r->genuine_why[0] != '\0') {
		fputs(": ", fp);
		web_esc(fp, r->genuine_why);
	}
	fputs("</td></tr>\n", fp);
	row(fp, "counted");
	if (r->counted)
		fputs("yes", fp);
	else if (r->genuine == 0)
		fputs("<span class=\"no\">no</span>: a report that is not "
		      "genuine never counts",
		    fp);
	else
		fputs("<span class=\"warn\">no</span>: a copy of a report "
		      "stored before (same reporter, ID, domain and range)",
		    fp);
	fputs("</td></tr>\n", fp);
}

/*
 * The period a report's links carry: the days its range covers, ending
 * after its last day, so that its domain and its sources show it whatever
 * its age (the default period, the last 30 days, would not hold an old
 * report: a 404 behind every link).  p->query stays "" for a range that
 * cannot be written.
 */
static void
report_period(const struct browse_report *r, struct web_period *p)
{
	int64_t first, until;
	char day[CLOCK_TEXT_LEN];

	memset(p, 0, sizeof(*p));
	if (r->end <= r->begin)
		return;
	first = clock_day_start(r->begin);
	/* A range ending at a midnight ends the day before (--until). */
	until = clock_day_start(r->end - 1) + CLOCK_DAY;
	p->days = (int)((until - first) / CLOCK_DAY);
	if (p->days < 1 || p->days > 366 ||
	    clock_text(until, CLOCK_FORM_DAY, day, sizeof(day)) < 0)
		return;
	p->since = first;
	p->until = until;
	p->until_given = 1;
	snprintf(p->name, sizeof(p->name), "%dd", p->days);
	snprintf(
	    p->query, sizeof(p->query), "?since=%dd&until=%s", p->days, day);
}

static void
metadata(FILE *fp, const struct browse_report *r)
{
	struct web_period p;

	fputs("<div class=\"scroll\"><table class=\"meta\">\n", fp);
	row_text(fp, "reporter", r->org_name);
	row_text(fp, "email", r->email);
	if (r->extra_contact != NULL && r->extra_contact[0] != '\0')
		row_text(fp, "extra contact", r->extra_contact);
	row_text(fp, "report ID", r->report_id);
	row(fp, "domain");
	report_period(r, &p);
	web_domain_link(fp, r->domain, &p);
	fputs("</td></tr>\n", fp);
	row(fp, "range (UTC)");
	web_time(fp, r->begin, CLOCK_FORM_SECOND);
	fputs(" to ", fp);
	web_time(fp, r->end, CLOCK_FORM_SECOND);
	fputs("</td></tr>\n", fp);
	policy(fp, r);
	row(fp, "records");
	web_count(fp, r->record_count);
	if (r->records_dropped > 0) {
		fputs(" <span class=\"warn\">(", fp);
		web_count(fp, r->records_dropped);
		fputs(" dropped)</span>", fp);
	}
	fputs("</td></tr>\n", fp);
	row(fp, "messages");
	web_count(fp, r->messages);
	fputs("</td></tr>\n", fp);
	genuine(fp, r);
	if (r->generator != NULL)
		row_text(fp, "generator", r->generator);
	row(fp, "input");
	fprintf(fp, "%" PRId64 ", ", r->input);
	web_esc(fp, r->source);
	fputc(' ', fp);
	web_esc_cut(fp, r->source_name, 2 * NAME_CHARS);
	if (r->place != NULL && r->place[0] != '\0') {
		fputs(", ", fp);
		web_esc_cut(fp, r->place, NAME_CHARS);
	}
	fputs("<br><span class=\"note\">received ", fp);
	web_time(fp, r->received_at, CLOCK_FORM_MINUTE_UTC);
	if (r->mail_from != NULL) {
		fputs(", mail from ", fp);
		web_esc_cut(fp, r->mail_from, NAME_CHARS);
	}
	fputs("</span></td></tr>\n", fp);
	fputs("</table></div>\n", fp);
	for (size_t i = 0; i < r->nnotes; i++) {
		fprintf(
		    fp, "<p class=\"%s\">", r->notes[i].error ? "no" : "warn");
		fputs(r->notes[i].error ? "error: " : "warning: ", fp);
		web_esc(fp, r->notes[i].text);
		fputs("</p>\n", fp);
	}
	if (r->notes_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more warnings</p>\n",
		    r->notes_more);
}

/* The DKIM or SPF results of a record, one a line. */
static void
results(FILE *fp, const struct browse_result *v, size_t n, size_t more)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs("<br>", fp);
		web_esc_cut(fp, v[i].domain, NAME_CHARS);
		if (v[i].what != NULL && v[i].what[0] != '\0') {
			fputs(" <span class=\"note\">", fp);
			web_esc_cut(fp, v[i].what, NAME_CHARS);
			fputs("</span>", fp);
		}
		fprintf(fp, " <span class=\"%s\">",
		    v[i].result != NULL && strcmp(v[i].result, "pass") == 0
		        ? "ok"
		        : "no");
		web_esc_cut(fp, v[i].result, NAME_CHARS);
		fputs("</span>", fp);
	}
	if (n == 0)
		fputc('-', fp);
	if (more > 0)
		fprintf(
		    fp, "<br><span class=\"note\">and %zu more</span>", more);
}

/* Links to the pages of records before and after this one. */
static void
pager(FILE *fp, const struct browse_report *r)
{
	uint64_t page = r->first / BROWSE_RECORDS_PAGE;

	fputs("<p class=\"note\">", fp);
	if (r->nrecords == 0) {
		fputs("No records here.", fp);
	} else {
		fputs("Records ", fp);
		web_count(fp, r->first + 1);
		fputs(" to ", fp);
		web_count(fp, r->first + r->nrecords);
		fputs(" of ", fp);
		web_count(fp, r->record_count);
		fputc('.', fp);
	}
	if (page > 0)
		fprintf(fp,
		    " <a href=\"/report/%" PRId64 "?page=%" PRIu64
		    "\">previous</a>",
		    r->id, page - 1);
	if (r->first + r->nrecords < r->record_count &&
	    r->nrecords == BROWSE_RECORDS_PAGE)
		fprintf(fp,
		    " <a href=\"/report/%" PRId64 "?page=%" PRIu64
		    "\">next</a>",
		    r->id, page + 1);
	fputs("</p>\n", fp);
}

static void
records(FILE *fp, const struct browse_report *r)
{
	struct web_period p;

	report_period(r, &p);
	fputs("<h2>Records</h2>\n", fp);
	pager(fp, r);
	if (r->nrecords == 0)
		return;
	fputs("<div class=\"scroll\"><table>\n<tr><th class=\"num\">#</th>"
	      "<th>source</th><th class=\"num\">messages</th><th>From</th>"
	      "<th>DKIM results</th><th>SPF results</th><th>receiver "
	      "(disposition, DKIM, SPF)</th><th>DMARC (ours)</th></tr>\n",
	    fp);
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct browse_record *x = &r->records[i];
		int cause =
		    x->cause != NULL ? verdict_cause_from_name(x->cause) : -1;

		fprintf(fp,
		    "<tr><td class=\"num\">%" PRId64 "</td><td "
		    "class=\"ip\">",
		    x->idx);
		web_source_link(fp, x->ip, r->domain, &p);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, x->count);
		fputs("</td><td>", fp);
		web_esc_cut(fp, x->header_from, NAME_CHARS);
		if (x->envelope_from != NULL && x->envelope_from[0] != '\0') {
			fputs("<br><span class=\"note\">envelope ", fp);
			web_esc_cut(fp, x->envelope_from, NAME_CHARS);
			fputs("</span>", fp);
		}
		fputs("</td><td>", fp);
		results(fp, x->dkim_auth, x->ndkim, x->dkim_more);
		fputs("</td><td>", fp);
		results(fp, x->spf_auth, x->nspf, x->spf_more);
		fputs("</td><td>", fp);
		web_esc_cut(fp, x->disposition, NAME_CHARS);
		fputs(", ", fp);
		web_esc_cut(fp, x->dkim, NAME_CHARS);
		fputs(", ", fp);
		web_esc_cut(fp, x->spf, NAME_CHARS);
		fputs("</td><td>", fp);
		if (x->pass < 0) {
			fputs("<span class=\"note\">not judged yet</span>", fp);
		} else {
			fprintf(fp, "<span class=\"%s\">%s</span>",
			    x->pass ? "ok" : "no", x->pass ? "pass" : "fail");
			if (!x->pass && cause > 0) {
				fputs("<br><span class=\"note\">", fp);
				web_esc(fp,
				    verdict_cause_text(
				        (enum verdict_cause)cause));
				fputs("</span>", fp);
			}
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

static void
text(FILE *fp, const struct web_report_view *v)
{
	const struct browse_report *r = v->r;

	fputs("<h2 id=\"raw\">As received</h2>\n<p>", fp);
	fprintf(fp,
	    "<a href=\"/report/%" PRId64 "/raw\" download>Download the "
	    "input</a> <span class=\"note\">(",
	    r->id);
	web_count(fp, r->size);
	fputs(" bytes as received", fp);
	if (!r->raw_complete)
		fputs(", of which the archive kept the first part only", fp);
	fputs(")</span></p>\n", fp);
	if (v->text == NULL) {
		fputs("<p class=\"note\">", fp);
		web_esc(fp, v->text_why);
		fputs("</p>\n", fp);
		return;
	}
	if (r->place != NULL && r->place[0] != '\0') {
		fputs("<p class=\"note\">The report is ", fp);
		web_esc_cut(fp, r->place, 2 * NAME_CHARS);
		fputs(" of the input.</p>\n", fp);
	}
	fputs("<pre class=\"raw\">", fp);
	web_esc_lines(fp, v->text, v->text_len);
	fputs("</pre>\n", fp);
	if (v->text_cut) {
		fputs("<p class=\"note\">Cut after ", fp);
		web_count(fp, v->text_len);
		fputs(" bytes: download the input for the rest.</p>\n", fp);
	}
}

int
web_html_report(FILE *fp, const struct web_report_view *v)
{
	const struct browse_report *r = v->r;
	char title[160];

	/* The reporter's name is a stranger's: web_page_open() escapes the
	 * title, and a character cut in two shows as '?'. */
	snprintf(title, sizeof(title), "Report %" PRId64 " from %.100s", r->id,
	    r->org_name != NULL ? r->org_name : "?");
	web_page_open(fp, title, NULL);
	metadata(fp, r);
	records(fp, r);
	text(fp, v);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}
