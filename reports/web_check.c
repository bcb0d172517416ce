/*
 * web_check: the DNS health section of a domain's page in `dmarcsift
 * serve`: the last `dmarcsift check` stored, each item with its status in
 * words.  Serve never asks the DNS; the page says how old the check is and
 * how to make a new one.
 */
#include "web_render.h"

#include "browse.h"
#include "present.h"
#include "web_page.h"

/* Characters of a stranger's text (a record, a name) in a cell. */
#define ITEM_CHARS 300

/* An item's status (a stored check's text, dnscheck_status_name()) in
 * words, and its class in the style sheet. */
static void
status_words(FILE *fp, const char *s)
{
	static const struct {
		const char *cls, *words;
	} t[] = {
	    [DNSCHECK_PASS] = {"ok", "passed"},
	    [DNSCHECK_WARN] = {"warn", "warning"},
	    [DNSCHECK_FAIL] = {"no", "failed"},
	    [DNSCHECK_DNSERROR] = {"warn", "DNS did not answer"},
	};
	int st = dnscheck_status_parse(s);

	if (st < 0) {
		/* Not one of check's: a row edited by hand. */
		web_esc(fp, s);
		return;
	}
	fprintf(fp, "<span class=\"%s\">%s</span>", t[st].cls, t[st].words);
}

static void
counts(FILE *fp, const struct browse_check *k)
{
	web_count(fp, k->pass);
	fputs(" passed, ", fp);
	web_count(fp, k->warn);
	fputs(" warnings, ", fp);
	web_count(fp, k->fail);
	fputs(" failed, ", fp);
	web_count(fp, k->dnserror);
	fputs(" without an answer from the DNS", fp);
}

int
web_html_check(FILE *fp, const struct web_domain_view *v)
{
	const struct browse_check *k = v->check;

	fputs("<h2>DNS health</h2>\n", fp);
	if (k == NULL || !k->found) {
		fputs("<p>Not checked yet: run <code>dmarcsift check ", fp);
		web_esc(fp, v->domain);
		fputs("</code>.</p>\n", fp);
		return ferror(fp) ? -1 : 0;
	}
	fputs("<p>", fp);
	status_words(fp, k->status);
	fputs(": ", fp);
	counts(fp, k);
	fputs(".</p>\n<p class=\"note\">As <code>dmarcsift check ", fp);
	web_esc(fp, v->domain);
	fputs("</code> found it on ", fp);
	web_time(fp, k->checked_at, CLOCK_FORM_MINUTE_UTC);
	fputs(" (role ", fp);
	web_esc(fp, k->checked_by);
	fputs(", dmarcsift ", fp);
	web_esc(fp, k->version);
	fputs("). This page never asks the DNS: run the command again for "
	      "what it says now.</p>\n",
	    fp);
	fputs("<div class=\"scroll\"><table>\n<tr><th>status</th><th>item</th>"
	      "<th>about</th><th>what</th><th>fix</th></tr>\n",
	    fp);
	for (size_t i = 0; i < k->n; i++) {
		const struct browse_check_item *it = &k->v[i];

		fputs("<tr><td>", fp);
		status_words(fp, it->status);
		fputs("</td><td><code>", fp);
		web_esc(fp, it->id);
		fputs("</code></td><td>", fp);
		web_esc_cut(fp, it->subject, ITEM_CHARS);
		fputs("</td><td>", fp);
		web_esc_cut(fp, it->text, ITEM_CHARS);
		fputs("</td><td>", fp);
		if (it->fix != NULL)
			web_esc_cut(fp, it->fix, ITEM_CHARS);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
	if (k->more > 0)
		fprintf(
		    fp, "<p class=\"note\">and %zu more items</p>\n", k->more);
	return ferror(fp) ? -1 : 0;
}
