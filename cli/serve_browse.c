/* serve_browse: the detail pages of serve; see serve_browse.h. */
#include "serve_browse.h"

#include "analysis_env.h"
#include "browse.h"
#include "err.h"
#include "httpd.h"
#include "input_limits.h"
#include "log.h"
#include "serve_raw.h"
#include "serve_reply.h"
#include "text.h"
#include "web_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer when the database failed; the log has the detail. */
static void
db_failed(struct httpd_reply *out, int json, int *broken, const char *what,
    const struct err *err)
{
	if (err != NULL)
		log_error("%s: %s", what, err->msg);
	*broken = 1;
	serve_fail(out, json, 500, "Internal error",
	    "the database failed; the log says why");
}

void
serve_source_page(struct analysis_env *e, const char *domain, const char *ip,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken)
{
	struct browse_source s;
	struct web_source_view v = {domain, p, &s};
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	/* It says what failed itself. */
	if (analysis_env_attach(e, e->db, domain, p->until, p->days) < 0) {
		db_failed(out, json, broken, domain, NULL);
		return;
	}
	if (browse_source_read(
	        e->db, domain, ip, p->since, p->until, &s, &err) < 0) {
		db_failed(out, json, broken, ip, &err);
		return;
	}
	if (s.messages == 0 && s.nreports == 0) {
		serve_fail(out, json, 404, "Not found",
		    "no report names this address for this domain in this "
		    "period");
	} else if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			web_json_source(fp, &v);
		else
			web_html_source(fp, &v);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	browse_source_free(&s);
}

void
serve_source_domains_page(struct analysis_env *e, const char *ip,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken)
{
	struct browse_source_domains l;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (analysis_env_attach(e, e->db, NULL, p->until, p->days) < 0) {
		db_failed(out, json, broken, ip, NULL);
		return;
	}
	if (browse_source_domains_read(
	        e->db, ip, p->since, p->until, &l, &err) < 0) {
		db_failed(out, json, broken, ip, &err);
		return;
	}
	if (l.n == 0) {
		serve_fail(out, json, 404, "Not found",
		    "no report names this address in this period");
	} else if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			web_json_source_domains(fp, &l, p);
		else
			web_html_source_domains(fp, &l, p);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	browse_source_domains_free(&l);
}

/* The report's own bytes out of its input, or why there are none. */
static void
report_text(struct analysis_env *e, const struct browse_report *r,
    struct web_report_view *v, char **text)
{
	unsigned char *raw = NULL;
	char *name = NULL;
	struct limits lim;
	struct err err;
	size_t len = 0;
	int rc;

	*text = NULL;
	if ((rc = serve_raw_input(e->db, r->input, &raw, &len, &name, &err)) !=
	    0) {
		if (rc < 0)
			log_error("report %lld: %s", (long long)r->id, err.msg);
		v->text_why = rc == 2
		    ? "The archived input was dropped (keep_inputs, dmarcsift "
		      "prune)."
		    : "The archived input cannot be read back.";
		return;
	}
	limits_from_config(&lim, e->cfg);
	if (serve_raw_part(
	        raw, len, r->place, &lim, text, &v->text_len, &v->text_cut) < 0)
		v->text_why = "The part of the input that held the report "
		              "cannot be found again with the limits now set: "
		              "download the input.";
	v->text = *text;
	free(raw);
	free(name);
}

void
serve_report_page(struct analysis_env *e, int64_t id, uint64_t page, int json,
    struct httpd_reply *out, int *broken)
{
	struct browse_report r;
	struct web_report_view v;
	struct err err;
	char *buf = NULL, *text = NULL, what[48];
	size_t len = 0;
	FILE *fp;
	int rc;

	snprintf(what, sizeof(what), "report %lld", (long long)id);
	if (analysis_env_attach(e, e->db, NULL, analysis_default_until(), 1) <
	    0) {
		db_failed(out, json, broken, what, NULL);
		return;
	}
	if ((rc = browse_report_read(e->db, id, page, &r, &err)) < 0) {
		db_failed(out, json, broken, what, &err);
		return;
	}
	if (rc > 0) {
		serve_fail(
		    out, json, 404, "Not found", "there is no such report");
		return;
	}
	memset(&v, 0, sizeof(v));
	v.r = &r;
	/* The JSON names the download; only the page shows the text. */
	if (!json)
		report_text(e, &r, &v, &text);
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			web_json_report(fp, &v);
		else
			web_html_report(fp, &v);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	free(text);
	browse_report_free(&r);
}

void
serve_refused_page(struct analysis_env *e, const struct web_period *p, int json,
    struct httpd_reply *out, int *broken)
{
	struct browse_refused_list l;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (analysis_env_attach(e, e->db, NULL, p->until, p->days) < 0) {
		db_failed(out, json, broken, "refused", NULL);
		return;
	}
	if (browse_refused_read(e->db, p->since, p->until, &l, &err) < 0) {
		db_failed(out, json, broken, "refused", &err);
		return;
	}
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			web_json_refused(fp, &l, p);
		else
			web_html_refused(fp, &l, p);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	browse_refused_free(&l);
}

const char *
serve_search_text(const char *v, char *q)
{
	size_t n, i = 0;

	q[0] = '\0';
	if (v == NULL)
		return NULL;
	n = strlen(v);
	if (n > BROWSE_SEARCH_MAX)
		return "q: at most 256 bytes";
	memcpy(q, v, n + 1);
	n = text_trim(q, n);
	/* It goes to the database as text, which takes only UTF-8, and
	 * nothing searched for holds a control character. */
	while (i < n) {
		size_t k = utf8_seq_len((const unsigned char *)q + i, n - i);

		if (k == 0 ||
		    !text_char_printable((const unsigned char *)q + i, k))
			return "q: want printable UTF-8 text";
		i += k;
	}
	return NULL;
}

void
serve_search_page(struct analysis_env *e, const char *q,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken)
{
	struct browse_search s;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&s, 0, sizeof(s));
	if (q[0] != '\0') {
		if (analysis_env_attach(e, e->db, NULL, p->until, p->days) <
		    0) {
			db_failed(out, json, broken, "search", NULL);
			return;
		}
		if (browse_search_read(e->db, q, &s, &err) < 0) {
			db_failed(out, json, broken, "search", &err);
			return;
		}
	}
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			web_json_search(fp, q, &s, p);
		else
			web_html_search(fp, q, &s, p);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	browse_search_free(&s);
}

void
serve_raw_download(struct analysis_env *e, int64_t id, int report,
    struct httpd_reply *out, int *broken)
{
	struct browse_report r;
	unsigned char *raw = NULL;
	char *name = NULL, what[48];
	int64_t input = id;
	struct err err;
	size_t len = 0;
	int rc;

	snprintf(what, sizeof(what), "%s %lld", report ? "report" : "input",
	    (long long)id);
	if (analysis_env_attach(e, e->db, NULL, analysis_default_until(), 1) <
	    0) {
		db_failed(out, 0, broken, what, NULL);
		return;
	}
	if (report) {
		if ((rc = browse_report_read(e->db, id, 0, &r, &err)) < 0) {
			db_failed(out, 0, broken, what, &err);
			return;
		}
		if (rc > 0) {
			serve_fail(out, 0, 404, "Not found",
			    "there is no such report");
			return;
		}
		input = r.input;
		browse_report_free(&r);
	}
	if ((rc = serve_raw_input(e->db, input, &raw, &len, &name, &err)) < 0) {
		db_failed(out, 0, broken, what, &err);
		return;
	}
	if (rc == 2) {
		serve_fail(out, 0, 410, "Gone",
		    "its archived bytes were dropped (keep_inputs, dmarcsift "
		    "prune)");
		return;
	}
	if (rc > 0) {
		serve_fail(out, 0, 404, "Not found", "there is no such input");
		return;
	}
	out->status = 200;
	out->type = "application/octet-stream";
	out->body = (char *)raw;
	out->len = len;
	serve_raw_filename(
	    name, input, out->attachment, sizeof(out->attachment));
	free(name);
}
