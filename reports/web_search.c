/*
 * web_search: the answer to serve's search box, as HTML and JSON: an
 * address with the domains it sent for, the domains whose name holds the
 * text, the reports it names; each a link to its page.
 */
#include "web_render.h"

#include "browse.h"
#include "clock.h"
#include "json.h"
#include "present.h"
#include "svg.h"
#include "web_page.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 80

/*
 * The period for a link to something last seen at last: the page's when
 * last is in it, else one as long ending the day after last, so that the
 * page it leads to has the thing in it.
 */
static void
period_for(const struct web_period *p, int64_t last, struct web_period *out)
{
	char day[PRESENT_TIME_LEN];

	*out = *p;
	if (last >= p->since && last < p->until)
		return;
	out->until = (last - last % CLOCK_DAY) + CLOCK_DAY;
	out->since = out->until - (int64_t)out->days * CLOCK_DAY;
	out->until_given = 1;
	present_time(out->until, CLOCK_FORM_DAY, "?", day, sizeof(day));
	snprintf(out->query, sizeof(out->query), "?since=%s&until=%s",
	    out->name, day);
}

static void
sources(FILE *fp, const struct browse_search *s, const struct web_period *p)
{
	fputs("<h2>Address ", fp);
	web_esc(fp, s->ip);
	fputs("</h2>\n", fp);
	if (s->nsources == 0) {
		fputs("<p>No stored report names this address.</p>\n", fp);
		return;
	}
	fputs("<p class=\"note\">The domains it sent mail as, in every "
	      "stored report; each links to its page for that domain.  <a "
	      "href=\"/source/",
	    fp);
	web_url(fp, s->ip);
	web_period_query(fp, p);
	fputs("\">All of them in this period</a></p>\n"
	      "<div class=\"scroll\"><table>\n<tr><th>domain</th><th "
	      "class=\"num\">reports</th><th class=\"num\">messages</th>"
	      "<th>first report</th><th>last report</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nsources; i++) {
		const struct browse_hit_source *h = &s->sources[i];
		struct web_period q;

		period_for(p, h->last, &q);
		fputs("<tr><td><a href=\"/source/", fp);
		web_url(fp, s->ip);
		fputs("?domain=", fp);
		web_url(fp, h->domain);
		web_period_more(fp, &q);
		fputs("\">", fp);
		web_esc_cut(fp, h->domain, NAME_CHARS);
		fputs("</a></td><td class=\"num\">", fp);
		web_count(fp, h->reports);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, h->messages);
		fputs("</td><td>", fp);
		web_time(fp, h->first, CLOCK_FORM_DAY);
		fputs("</td><td>", fp);
		web_time(fp, h->last, CLOCK_FORM_DAY);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->sources_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more domains</p>\n",
		    s->sources_more);
}

static void
domains(FILE *fp, const struct browse_search *s, const struct web_period *p)
{
	fputs("<h2>Domains</h2>\n<div class=\"scroll\"><table>\n<tr><th>"
	      "domain</th><th class=\"num\">reports</th><th>last "
	      "report</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->ndomains; i++) {
		const struct browse_hit_domain *h = &s->domains[i];
		struct web_period q;

		period_for(p, h->last, &q);
		fputs("<tr><td>", fp);
		/* A name a stranger wrote may be no domain name: its text
		 * escaped, its link encoded (and a 404). */
		web_domain_link(fp, h->domain, &q);
		if (h->exact)
			fputs(" <span class=\"note\">(this domain)</span>", fp);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, h->reports);
		fputs("</td><td>", fp);
		web_time(fp, h->last, CLOCK_FORM_DAY);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->domains_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more domains</p>\n",
		    s->domains_more);
}

static void
reports(FILE *fp, const struct browse_search *s)
{
	fputs("<h2>Reports</h2>\n<div class=\"scroll\"><table>\n<tr><th>"
	      "report</th><th>reporter</th><th>report ID</th><th>domain</th>"
	      "<th>from</th><th>to</th><th class=\"num\">messages</th>"
	      "<th>counted</th></tr>\n",
	    fp);
	for (size_t i = 0; i < s->nreports; i++) {
		const struct browse_hit_report *h = &s->reports[i];
		char id[24];

		snprintf(id, sizeof(id), "%" PRId64, h->id);
		fputs("<tr><td>", fp);
		web_report_link(fp, h->id, id);
		fputs("</td><td>", fp);
		web_esc_cut(fp, h->reporter, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc_cut(fp, h->report_id, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc_cut(fp, h->domain, NAME_CHARS);
		fputs("</td><td>", fp);
		web_time(fp, h->begin, CLOCK_FORM_MINUTE);
		fputs("</td><td>", fp);
		web_time(fp, h->end, CLOCK_FORM_MINUTE);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, h->messages);
		fputs(
		    h->counted ? "</td><td>yes" : "</td><td class=\"warn\">no",
		    fp);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (s->reports_more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more reports</p>\n",
		    s->reports_more);
}

int
web_html_search(FILE *fp, const char *q, const struct browse_search *s,
    const struct web_period *p)
{
	web_page_open(fp, "Search", NULL);
	fputs("<form class=\"period\" method=\"get\" action=\"/search\">"
	      "<label>an IP address, a domain or a report ID<input "
	      "name=\"q\" type=\"search\" maxlength=\"256\" value=\"",
	    fp);
	if (q != NULL)
		svg_escape(fp, q, 0);
	fputs("\"></label><button>Search</button></form>\n", fp);
	if (q == NULL || q[0] == '\0') {
		web_page_close(fp);
		return ferror(fp) ? -1 : 0;
	}
	if (s->ip[0] != '\0')
		sources(fp, s, p);
	if (s->ndomains > 0)
		domains(fp, s, p);
	if (s->nreports > 0)
		reports(fp, s);
	if (s->ip[0] == '\0' && s->ndomains == 0 && s->nreports == 0) {
		fputs("<p>Nothing stored is named <q>", fp);
		web_esc_cut(fp, q, NAME_CHARS);
		fputs("</q>: no address, domain or report ID.</p>\n", fp);
	}
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}

/* A path of ours with an address or a name in it: percent-encoded, so
 * nothing in it needs a JSON escape. */
static void
kv_source_url(
    FILE *fp, const char *ip, const char *domain, const struct web_period *p)
{
	json_key(fp, "url", 0);
	fputs("\"/source/", fp);
	web_url(fp, ip);
	fputs("?domain=", fp);
	web_url(fp, domain);
	/* Made of checked values: letters, digits, '-', '=' and '&'. */
	if (p->query[0] == '?') {
		fputc('&', fp);
		fputs(p->query + 1, fp);
	}
	fputc('"', fp);
}

int
web_json_search(FILE *fp, const char *q, const struct browse_search *s,
    const struct web_period *p)
{
	fputc('{', fp);
	json_kv_str(fp, "q", q != NULL ? q : "", 1);
	json_kv_opt(fp, "ip", s->ip, 0);
	json_key(fp, "sources", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nsources; i++) {
		const struct browse_hit_source *h = &s->sources[i];
		struct web_period w;

		period_for(p, h->last, &w);
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", h->domain, 1);
		json_kv_u64(fp, "reports", h->reports, 0);
		json_kv_u64(fp, "messages", h->messages, 0);
		json_kv_time(fp, "first", h->first, 0);
		json_kv_time(fp, "last", h->last, 0);
		kv_source_url(fp, s->ip, h->domain, &w);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "sources_more", s->sources_more, 0);
	json_key(fp, "domains", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->ndomains; i++) {
		const struct browse_hit_domain *h = &s->domains[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", h->domain, 1);
		json_kv_u64(fp, "reports", h->reports, 0);
		json_kv_time(fp, "last", h->last, 0);
		json_kv_bool(fp, "exact", h->exact, 0);
		json_key(fp, "url", 0);
		fputs("\"/domain/", fp);
		web_url(fp, h->domain);
		fputs("\"}", fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "domains_more", s->domains_more, 0);
	json_key(fp, "reports", 0);
	fputc('[', fp);
	for (size_t i = 0; i < s->nreports; i++) {
		const struct browse_hit_report *h = &s->reports[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_i64(fp, "id", h->id, 1);
		json_kv_str(fp, "reporter", h->reporter, 0);
		json_kv_str(fp, "report_id", h->report_id, 0);
		json_kv_str(fp, "domain", h->domain, 0);
		json_kv_time(fp, "begin", h->begin, 0);
		json_kv_time(fp, "end", h->end, 0);
		json_kv_u64(fp, "messages", h->messages, 0);
		json_kv_bool(fp, "counted", h->counted, 0);
		json_key(fp, "url", 0);
		fprintf(fp, "\"/report/%" PRId64 "\"}", h->id);
	}
	fputc(']', fp);
	json_kv_u64(fp, "reports_more", s->reports_more, 0);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
