/*
 * web_refused: the page of refused inputs in `dmarcsift serve`: each part
 * of an input of the period that held no report, why, where it came from,
 * the download of its bytes and the command that tries it again.
 */
#include "web_render.h"

#include "browse.h"
#include "present.h"
#include "web_page.h"

#include <inttypes.h>

/* Characters of a stranger's name in a table cell. */
#define NAME_CHARS 100

int
web_html_refused(
    FILE *fp, const struct browse_refused_list *l, const struct web_period *p)
{
	web_page_open(fp, "Refused inputs", p);
	if (l->n == 0) {
		fputs("<p>No input received in this period was refused.</p>\n",
		    fp);
		web_page_close(fp);
		return ferror(fp) ? -1 : 0;
	}
	fputs("<p>", fp);
	web_count(fp, l->inputs);
	fputs(" input(s) received in this period held a part dmarcsift "
	      "could not read.  After an upgrade, or with a limit raised, "
	      "run the command beside one to read it again from the "
	      "archive (<code>dmarcsift reparse</code> alone tries them "
	      "all).</p>\n<div class=\"scroll\"><table>\n<tr><th>received "
	      "(UTC)</th><th>input</th><th>from</th><th>why</th><th>try "
	      "again</th></tr>\n",
	    fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct browse_refused *f = &l->v[i];

		fputs("<tr><td>", fp);
		web_time(fp, f->received_at, CLOCK_FORM_MINUTE);
		fprintf(fp,
		    "</td><td class=\"num\"><a href=\"/input/%" PRId64
		    "/raw\" download>%" PRId64 "</a><br><span class=\"note\">",
		    f->input, f->input);
		web_count(fp, f->size);
		fputs(" bytes</span></td><td>", fp);
		web_esc(fp, f->source);
		fputc(' ', fp);
		web_esc_cut(fp, f->source_name, NAME_CHARS);
		if (f->place != NULL && f->place[0] != '\0') {
			fputs("<br><span class=\"note\">", fp);
			web_esc_cut(fp, f->place, NAME_CHARS);
			fputs("</span>", fp);
		}
		fputs("</td><td>", fp);
		web_esc_cut(fp, f->reason, 2 * NAME_CHARS);
		fputs(" <span class=\"note\">(", fp);
		web_esc(fp, f->code);
		fprintf(fp,
		    ")</span></td><td><code>dmarcsift reparse --input "
		    "%" PRId64 "</code></td></tr>\n",
		    f->input);
	}
	fputs("</table></div>\n", fp);
	if (l->more > 0)
		fprintf(fp, "<p class=\"note\">and %zu more</p>\n", l->more);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}
