/*
 * web_whatif: the what-if of a domain page in `dmarcsift serve`: a form
 * for a policy, and what `advise --what-if` computed it would have done
 * to the period's mail, per class of sender and per address.  The
 * numbers are the advice's (analyze/advise.h); nothing is counted here.
 */
#include "web_render.h"

#include "advise.h"
#include "present.h"
#include "sources.h"
#include "web_page.h"

#include <inttypes.h>
#include <string.h>

/* Addresses listed under the classes (the JSON lists
 * ADVISE_WHATIF_SOURCES). */
#define WHATIF_ADDRESSES 20
/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 80

/* A <select> of policy words (model.h's); first is the empty option's
 * text (NULL: none, p must be chosen), from the weakest policy allowed. */
static void
select_word(FILE *fp, const char *name, const char *label, const char *first,
    int from, const char *chosen)
{
	const char *w;

	fprintf(fp, "<label>%s<select name=\"%s\">", label, name);
	if (first != NULL)
		fprintf(fp, "<option value=\"\">%s</option>", first);
	for (int i = from; (w = dmarc_policy_word(i)) != NULL; i++)
		fprintf(fp, "<option%s>%s</option>",
		    strcmp(chosen, w) == 0 ? " selected" : "", w);
	fputs("</select></label>", fp);
}

static void
form(FILE *fp, const struct web_domain_view *v)
{
	const struct web_whatif *w = v->whatif;
	const struct web_period *p = v->period;

	fputs("<form class=\"period\" method=\"get\" action=\"/domain/", fp);
	web_url(fp, v->domain);
	fputs("/what-if#what-if\">", fp);
	select_word(
	    fp, "p", "p", NULL, DMARC_QUARANTINE, w != NULL ? w->p : "reject");
	select_word(fp, "sp", "sp", "as p", DMARC_NONE, w != NULL ? w->sp : "");
	select_word(
	    fp, "np", "np", "as sp", DMARC_NONE, w != NULL ? w->np : "");
	fputs("<label>pct<input name=\"pct\" type=\"number\" min=\"0\" "
	      "max=\"100\" value=\"",
	    fp);
	if (w != NULL && w->pct >= 0)
		fprintf(fp, "%d", w->pct);
	fputs("\" placeholder=\"100\"></label><label>t<select name=\"t\">"
	      "<option value=\"\">n</option><option",
	    fp);
	if (w != NULL && strcmp(w->t, "y") == 0)
		fputs(" selected", fp);
	fputs(">y</option></select></label>", fp);
	/* The period of the page goes along: until is the what-if's end. */
	if (p != NULL && strstr(p->query, "since=") != NULL) {
		fputs("<input type=\"hidden\" name=\"since\" value=\"", fp);
		web_esc(fp, p->name);
		fputs("\">", fp);
	}
	if (p != NULL && p->until_given) {
		char until[PRESENT_TIME_LEN];

		present_time(
		    p->until, CLOCK_FORM_DAY, "?", until, sizeof(until));
		fputs("<input type=\"hidden\" name=\"until\" value=\"", fp);
		web_esc(fp, until);
		fputs("\">", fp);
	}
	fputs("<button>Show</button></form>\n", fp);
}

/* One row of the table of classes. */
static void
class_row(FILE *fp, enum source_class c, uint64_t messages, uint64_t hit)
{
	char share[PRESENT_PERCENT_LEN];

	fputs("<tr><td>", fp);
	web_esc(fp, source_class_name(c));
	fputs("</td><td class=\"num\">", fp);
	web_count(fp, messages);
	fprintf(fp, "</td><td class=\"num%s\">", hit > 0 ? " no" : "");
	web_count(fp, hit);
	fputs("</td><td class=\"num\">", fp);
	web_esc(
	    fp, present_failed_rate(hit, messages, "-", share, sizeof(share)));
	fputs("</td></tr>\n", fp);
}

static void
classes(FILE *fp, const struct advice *a)
{
	const struct whatif *w = &a->whatif;
	const struct readiness_inputs *in = &a->in;

	fputs("<div class=\"scroll\"><table class=\"whatif\">\n<tr>"
	      "<th>class of sender</th><th class=\"num\">messages</th>"
	      "<th class=\"num\">",
	    fp);
	fputs(w->reject ? "rejected" : "quarantined", fp);
	fputs("</th><th class=\"num\">share</th></tr>\n", fp);
	/* The mail that may be yours first, as advise weighs it. */
	class_row(fp, SOURCE_LEGITIMATE, in->legit_messages,
	    w->affected[SOURCE_LEGITIMATE]);
	class_row(fp, SOURCE_UNKNOWN, in->unknown_messages,
	    w->affected[SOURCE_UNKNOWN]);
	class_row(
	    fp, SOURCE_FORWARDER, in->forwarded, w->affected[SOURCE_FORWARDER]);
	class_row(
	    fp, SOURCE_SPOOFING, in->spoofing, w->affected[SOURCE_SPOOFING]);
	class_row(fp, SOURCE_IGNORED, in->ignored, w->affected[SOURCE_IGNORED]);
	fputs("<tr><th>all</th><th class=\"num\">", fp);
	web_count(fp, w->messages);
	fputs("</th><th class=\"num\">", fp);
	web_count(fp, w->total_affected);
	fputs("</th><th class=\"num\">", fp);
	{
		char share[PRESENT_PERCENT_LEN];

		web_esc(fp,
		    present_failed_rate(w->total_affected, w->messages, "-",
		        share, sizeof(share)));
	}
	fputs("</th></tr>\n</table></div>\n", fp);
}

/* The addresses it hits, most first, each a link to its page. */
static void
addresses(FILE *fp, const struct web_domain_view *v)
{
	const struct whatif *w = &v->advice->whatif;
	size_t n = w->n < WHATIF_ADDRESSES ? w->n : WHATIF_ADDRESSES;

	if (w->v == NULL || n == 0)
		return;
	fputs("<div class=\"scroll\"><table class=\"whatif-sources\">\n<tr>"
	      "<th>address</th><th>who</th><th>class</th><th "
	      "class=\"num\">hit</th><th class=\"num\">failed of "
	      "messages</th></tr>\n",
	    fp);
	for (size_t i = 0; i < n; i++) {
		const struct source *s = w->v[i].src;

		fputs("<tr><td class=\"ip\">", fp);
		web_source_link(fp, s->ip, v->domain, v->period);
		fputs("</td><td>", fp);
		web_esc_cut(fp, s->who, NAME_CHARS);
		fputs("</td><td>", fp);
		web_esc(fp, source_class_name(s->cls));
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, w->v[i].affected);
		fputs("</td><td class=\"num\">", fp);
		web_count(fp, s->failed);
		fputs(" of ", fp);
		web_count(fp, s->messages);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (w->hit_sources > n)
		fprintf(fp,
		    "<p class=\"note\">and %" PRIu64
		    " more addresses (the JSON "
		    "lists the first %d)</p>\n",
		    w->hit_sources - n, ADVISE_WHATIF_SOURCES);
}

static void
result(FILE *fp, const struct web_domain_view *v)
{
	const struct advice *a = v->advice;
	const struct whatif *w = &a->whatif;

	fputs("<p class=\"verdict\"><code>", fp);
	web_esc(fp, w->policy);
	fputs("</code> would have ", fp);
	fputs(w->reject ? "rejected " : "quarantined ", fp);
	web_count(fp, w->total_affected);
	fputs(" of ", fp);
	web_count(fp, w->messages);
	fprintf(
	    fp, " message%s of the period.</p>\n", w->messages == 1 ? "" : "s");
	if (v->whatif != NULL && strcmp(v->whatif->t, "y") == 0)
		fputs("<p class=\"note\">t=y: receivers that read it (RFC "
		      "9989) apply the policy below this one; the figures are "
		      "what the policy itself would do, as <code>advise "
		      "--what-if</code> counts them.</p>\n",
		    fp);
	classes(fp, a);
	addresses(fp, v);
}

int
web_html_whatif(FILE *fp, const struct web_domain_view *v)
{
	const struct advice *a = v->advice;
	char until[PRESENT_TIME_LEN];

	present_time(a->until, CLOCK_FORM_DAY, "?", until, sizeof(until));
	fputs("<h2 id=\"what-if\">What if</h2>\n<p class=\"note\">What a "
	      "policy would have done to the failing mail of the ",
	    fp);
	fprintf(fp, "%d days before ", a->days);
	web_esc(fp, until);
	fputs(", as <code>dmarcsift advise --what-if</code> counts it: each "
	      "source's failing mail, the policy's share of it (pct), From "
	      "the domain (p), a subdomain (sp) or a subdomain name that "
	      "never passes (np).</p>\n",
	    fp);
	form(fp, v);
	if (v->whatif != NULL && v->whatif->asked && a->has_whatif)
		result(fp, v);
	return ferror(fp) ? -1 : 0;
}
