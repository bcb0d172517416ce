/*
 * web_page: the document around every page of `dmarcsift serve`, its
 * style sheet and Content-Security-Policy, and the small writers the pages
 * share; see web_render.h and web_page.h.
 */
#include "web_page.h"
#include "web_render.h"

#include "base64.h"
#include "json.h"
#include "present.h"
#include "sha256.h"
#include "svg.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * One sheet for every page: system fonts, one column that fits a phone,
 * tables that scroll sideways rather than squeeze, charts as wide as the
 * column.  Served from WEB_STYLE_PATH: the policy allows no inline style.
 */
static const char style[] =
    ":root{--ink:" PRESENT_HTML_INK ";--muted:" PRESENT_HTML_MUTED
    ";--line:" PRESENT_HTML_LINE ";--pass:" PRESENT_HTML_PASS
    ";--fail:" PRESENT_HTML_FAIL ";--warn:" PRESENT_HTML_WARN ";--bg:#f8fafc}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.45 " PRESENT_HTML_FONT
    ";color:var(--ink);background:#fff}\n"
    "header{background:var(--ink);color:#fff;padding:.6rem 1rem;"
    "display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;"
    "justify-content:space-between}\n"
    "form.search{display:flex;gap:.3rem;flex:1 1 14rem;max-width:24rem}\n"
    "form.search input{font:inherit;padding:.2rem .4rem;flex:1;"
    "min-width:0}\n"
    "form.search button{font:inherit;padding:.2rem .6rem}\n"
    "header a{color:#fff;text-decoration:none;font-weight:600}\n"
    "main{max-width:60rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.4rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}\n"
    "h2{font-size:1.1rem;margin:1.6rem 0 .5rem}\n"
    "p,li{overflow-wrap:anywhere}\n"
    ".note{color:var(--muted);font-size:.9rem}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
    "th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}\n"
    "th{border-bottom-width:2px;font-size:.8rem;color:#374151}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "td.ip,code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.85rem}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);"
    "border:1px solid #cbd5e1;padding:.6rem}\n"
    ".ok{color:var(--pass)}.no{color:var(--fail)}.warn{color:var(--warn)}\n"
    ".verdict{font-weight:600}\n"
    "form.period{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;"
    "margin:.5rem 0 1rem}\n"
    "form.period label{display:flex;flex-direction:column;font-size:.8rem;"
    "color:var(--muted)}\n"
    "form.period input,form.period select{font:inherit;padding:.25rem;"
    "width:9rem}\n"
    "form.period button{font:inherit;padding:.3rem .8rem}\n"
    "svg{display:block;width:100%;max-width:640px;height:auto}\n"
    "svg.spark{display:inline-block;width:7.5rem;max-width:none;"
    "vertical-align:middle}\n"
    ".figures{display:flex;flex-wrap:wrap;gap:1.5rem;margin:.5rem 0}\n"
    ".figures div{min-width:8rem}\n"
    ".figures b{display:block;font-size:1.3rem}\n"
    "table.meta th{width:9rem;border-bottom-width:1px}\n"
    "pre.raw{max-height:40rem;overflow:auto}\n";

const char *
web_style(size_t *len)
{
	*len = sizeof(style) - 1;
	return style;
}

void
web_csp(char *buf, size_t size)
{
	/* The style attribute svg.c writes on every chart (open_svg()), for
	 * the mail clients of the HTML report; allowed by its hash alone. */
	char attr[128], b64[BASE64_ENCODED_SIZE(SHA256_LEN)];
	unsigned char md[SHA256_LEN];
	struct sha256 s = {0};

	snprintf(attr, sizeof(attr),
	    "display:block;width:100%%;max-width:%dpx;height:auto;", SVG_WIDTH);
	sha256_init(&s);
	sha256_update(&s, attr, strlen(attr));
	sha256_final(&s, md);
	sha256_free(&s);
	base64_encode(md, sizeof(md), b64);
	snprintf(buf, size,
	    "default-src 'none'; style-src 'self' 'unsafe-hashes' "
	    "'sha256-%s'; img-src 'self' data:; form-action 'self'; "
	    "base-uri 'none'; frame-ancestors 'none'",
	    b64);
}

void
web_esc(FILE *fp, const char *s)
{
	if (s == NULL || s[0] == '\0')
		fputc('-', fp);
	else
		svg_escape(fp, s, 0);
}

void
web_esc_cut(FILE *fp, const char *s, size_t max)
{
	if (s == NULL || s[0] == '\0')
		fputc('-', fp);
	else
		svg_escape(fp, s, max);
}

void
web_url(FILE *fp, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			fputc(c, fp);
		else
			fprintf(fp, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

void
web_count(FILE *fp, uint64_t v)
{
	char digits[24], out[32];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v), o = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	fputs(out, fp);
}

void
web_rate(FILE *fp, uint64_t part, uint64_t whole)
{
	char buf[PRESENT_PERCENT_LEN];

	fputs(present_rate(part, whole, "-", buf, sizeof(buf)), fp);
}

void
web_period_query(FILE *fp, const struct web_period *p)
{
	/* Made of checked values (digits, letters, '-', '=', '&', '?'):
	 * still escaped, as everything in an attribute is. */
	if (p != NULL)
		svg_escape(fp, p->query, 0);
}

void
web_domain_link(FILE *fp, const char *domain, const struct web_period *p)
{
	fputs("<a href=\"/domain/", fp);
	/* Percent-encoded for the URL, then nothing left for HTML to read
	 * but unreserved characters and '%'. */
	web_url(fp, domain);
	web_period_query(fp, p);
	fputs("\">", fp);
	web_esc(fp, domain);
	fputs("</a>", fp);
}

void
web_period_more(FILE *fp, const struct web_period *p)
{
	if (p != NULL && p->query[0] == '?') {
		fputs("&amp;", fp);
		svg_escape(fp, p->query + 1, 0);
	}
}

void
web_source_link(
    FILE *fp, const char *ip, const char *domain, const struct web_period *p)
{
	fputs("<a href=\"/source/", fp);
	web_url(fp, ip);
	fputs("?domain=", fp);
	web_url(fp, domain);
	web_period_more(fp, p);
	fputs("\">", fp);
	web_esc(fp, ip);
	fputs("</a>", fp);
}

void
web_report_link(FILE *fp, int64_t id, const char *text)
{
	fprintf(fp, "<a href=\"/report/%" PRId64 "\">", id);
	web_esc(fp, text);
	fputs("</a>", fp);
}

void
web_time(FILE *fp, int64_t t, enum clock_form form)
{
	char buf[PRESENT_TIME_LEN];

	web_esc(fp, present_time(t, form, "-", buf, sizeof(buf)));
}

void
web_esc_lines(FILE *fp, const char *s, size_t len)
{
	/* svg_escape() reads a C string and makes a line break a space:
	 * each line, and each run between NUL bytes, goes alone. */
	char *b = xmalloc(len + 1);
	size_t i = 0, j;

	memcpy(b, s, len);
	b[len] = '\0';
	while (i < len) {
		for (j = i; j < len && b[j] != '\n' && b[j] != '\0'; j++)
			;
		if (j < len && b[j] == '\n') {
			b[j] = '\0';
			svg_escape(fp, b + i, 0);
			fputc('\n', fp);
		} else {
			svg_escape(fp, b + i, 0);
		}
		i = j + 1;
	}
	free(b);
}

/* The period and a form to choose another: GET, so a page is a link. */
static void
period_form(FILE *fp, const struct web_period *p)
{
	char from[PRESENT_TIME_LEN], to[PRESENT_TIME_LEN];
	char until[PRESENT_TIME_LEN];

	present_time(p->since, CLOCK_FORM_DAY, "?", from, sizeof(from));
	present_time(p->until - 1, CLOCK_FORM_DAY, "?", to, sizeof(to));
	present_time(p->until, CLOCK_FORM_DAY, "?", until, sizeof(until));
	fputs("<form class=\"period\" method=\"get\">"
	      "<label>days (Nd, week, month)<input name=\"since\" value=\"",
	    fp);
	web_esc(fp, p->name);
	fputs("\" maxlength=\"8\"></label><label>before<input name=\"until\" "
	      "type=\"date\" value=\"",
	    fp);
	if (p->until_given)
		web_esc(fp, until);
	fputs("\"></label>", fp);
	if (p->domain != NULL) {
		fputs("<input type=\"hidden\" name=\"domain\" value=\"", fp);
		web_esc(fp, p->domain);
		fputs("\">", fp);
	}
	fputs("<button>Show</button></form>\n<p class=\"note\">", fp);
	web_esc(fp, from);
	fputs(" to ", fp);
	web_esc(fp, to);
	fprintf(fp, " (%d day%s, UTC)</p>\n", p->days, p->days == 1 ? "" : "s");
}

void
web_page_open(FILE *fp, const char *title, const struct web_period *p)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      /* No icon: the browser asks for none, and logs no 404. */
	      "<link rel=\"icon\" href=\"data:,\">\n<title>",
	    fp);
	web_esc(fp, title);
	fputs(" - dmarcsift</title>\n<link rel=\"stylesheet\" "
	      "href=\"" WEB_STYLE_PATH
	      "\">\n</head><body>\n<header><a href=\"/",
	    fp);
	web_period_query(fp, p);
	/* The search box of every page: GET, so a search is a link. */
	fputs("\">dmarcsift</a><form class=\"search\" method=\"get\" "
	      "action=\"/search\" role=\"search\"><input name=\"q\" "
	      "type=\"search\" maxlength=\"256\" placeholder=\"IP, domain "
	      "or report ID\" aria-label=\"Search\"><button>Search</button>"
	      "</form></header>\n<main>\n<h1>",
	    fp);
	web_esc(fp, title);
	fputs("</h1>\n", fp);
	if (p != NULL)
		period_form(fp, p);
}

void
web_page_close(FILE *fp)
{
	fputs("</main>\n</body></html>\n", fp);
}

int
web_html_error(FILE *fp, int status, const char *title, const char *text)
{
	char t[96];

	snprintf(t, sizeof(t), "%d %s", status, title);
	web_page_open(fp, t, NULL);
	fputs("<p>", fp);
	web_esc(fp, text);
	fputs("</p>\n<p><a href=\"/\">All domains</a></p>\n", fp);
	web_page_close(fp);
	return ferror(fp) ? -1 : 0;
}

int
web_json_error(FILE *fp, int status, const char *text)
{
	fputc('{', fp);
	json_kv_str(fp, "error", text, 1);
	json_kv_int(fp, "status", status, 0);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
