/*
 * web_render: the pages of `dmarcsift serve`, as HTML for a browser and as
 * JSON for /api/.
 *
 * Pure rendering, like the rest of reports/: each function formats what
 * it is handed (the structs analyze/ computed for the matching command)
 * and reads nothing.  Every string that may come from a stranger (domain
 * and reporter names, PTR and DKIM domains, service names from a user's
 * file) is escaped for where it goes: HTML text and attribute values with
 * svg_escape() (svg.h), a path segment or query value of a link with
 * web_url(), SVG through svg.h, JSON through common/json.h.
 *
 * The HTML is server-rendered, works without JavaScript (there is none),
 * and takes its layout from one small style sheet served at
 * WEB_STYLE_PATH, so that the Content-Security-Policy of web_csp() can
 * forbid inline style and every script.
 *
 * Each writer returns 0, or -1 when writing to fp fails.
 */
#ifndef DMARCSIFT_WEB_RENDER_H
#define DMARCSIFT_WEB_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct advice;
struct browse_check;
struct browse_refused_list;
struct browse_report;
struct browse_search;
struct browse_source_domains;
struct browse_source;
struct digest;
struct digest_domain;
struct sender_list;

/* Where the style sheet is served. */
#define WEB_STYLE_PATH "/static/style.css"

/* The style sheet (static text) and its length. */
const char *web_style(size_t *len);

/*
 * The Content-Security-Policy of every answer, into buf (size bytes,
 * WEB_CSP_LEN is enough): nothing by default, style only from
 * WEB_STYLE_PATH and the one style attribute the charts carry (by its
 * hash), images only from here and data: URLs, forms only to here, no
 * framing, no <base>.
 */
#define WEB_CSP_LEN 512
void web_csp(char *buf, size_t size);

/* The period of a page, as its query string gave it (checked). */
struct web_period {
	int days;
	char name[16]; /* "30d", "week", "month" */
	int64_t since, until; /* Unix seconds, UTC midnights */
	/* The query as given, rebuilt from the checked values, for links:
	 * "" or "?since=30d&until=2026-12-01". */
	char query[64];
	int until_given; /* until came from the query string */
	/* The domain of a page about one of its sources, which the period
	 * form keeps (?domain=); NULL on other pages. */
	const char *domain;
};

/* "/": the domains with mail in the period (the digest of
 * `dmarcsift report` for every domain of the owner's, and the others
 * named with their volume). */
int web_html_domains(
    FILE *fp, const struct digest *d, const struct web_period *p);

/*
 * The what-if form of a domain page (?p=&sp=&np=&pct=&t=), its fields
 * checked: words lower-cased ("" for a field left empty), pct -1 when
 * left empty.  policy is the record text they make, which the page hands
 * to `advise --what-if` (advise_options.whatif); asked is 0 when p was
 * not given (the form shown empty).
 */
struct web_whatif {
	int asked;
	char p[12], sp[12], np[12], t[2];
	int pct;
	char policy[96];
};

/* "/domain/NAME": what `report`, `sources` and `advise` say of one
 * domain.  dd may be NULL when the digest has no row for it. */
struct web_domain_view {
	const char *domain; /* checked by domain_check() */
	const struct web_period *period;
	const struct digest_domain *dd;
	const struct sender_list *senders; /* as `sources` reads them */
	const struct advice *advice; /* as `advise` computes it */
	int offline; /* names from the cache only (serve never asks DNS) */
	/* The form's fields, or NULL for an empty form; when asked, advice
	 * holds the what-if (has_whatif). */
	const struct web_whatif *whatif;
	/* The last `dmarcsift check` stored (browse.h); NULL or not found:
	 * never checked. */
	const struct browse_check *check;
};
int web_html_domain(FILE *fp, const struct web_domain_view *v);

/*
 * The DNS health section of the domain page (web_check.c): v->check's
 * items, each status in words, when it was checked and by whom; or how to
 * check when it never was.  Nothing here asks the DNS.
 */
int web_html_check(FILE *fp, const struct web_domain_view *v);

/*
 * The what-if section of the domain page: the form (GET, to
 * /domain/NAME/what-if, the fields as v->whatif gave them) and, when a
 * policy was asked, what `advise --what-if` says it would have done:
 * the mail it hits per class of sender, and the addresses it hits most.
 */
int web_html_whatif(FILE *fp, const struct web_domain_view *v);

/*
 * "/source/IP?domain=D": one source of a domain over the period: its
 * volume day by day (the rollup the domain page reads), its mail by auth
 * results with our verdict and cause, the receivers that reported it and
 * the reports that name it.
 */
struct web_source_view {
	const char *domain; /* checked by domain_check() */
	const struct web_period *period;
	const struct browse_source *s;
};
int web_html_source(FILE *fp, const struct web_source_view *v);
int web_json_source(FILE *fp, const struct web_source_view *v);

/*
 * "/source/IP": one source across the domains it sent for in the period,
 * each with its numbers there and a link to its page for that domain.
 */
int web_html_source_domains(FILE *fp, const struct browse_source_domains *l,
    const struct web_period *p);
int web_json_source_domains(FILE *fp, const struct browse_source_domains *l,
    const struct web_period *p);

/*
 * "/report/ID": one stored report, a page of its records, and its text
 * as received.  text is the report's own bytes out of its input (the XML
 * of the part it came from), cut at text_len when text_cut is set; NULL
 * with text_why saying why there is none to show.
 */
struct web_report_view {
	const struct browse_report *r;
	const char *text;
	size_t text_len;
	int text_cut;
	const char *text_why;
};
int web_html_report(FILE *fp, const struct web_report_view *v);
int web_json_report(FILE *fp, const struct web_report_view *v);

/* "/refused": the parts of inputs of the period that held no report,
 * each with the command that tries its input again. */
int web_html_refused(
    FILE *fp, const struct browse_refused_list *l, const struct web_period *p);
int web_json_refused(
    FILE *fp, const struct browse_refused_list *l, const struct web_period *p);

/*
 * "/search?q=TEXT": what the text names over every stored report (an
 * address and the domains it sent for, domains whose name holds it,
 * reports by their reporter's ID or by ours), each a link to its page;
 * p the page's period, which the links keep where the thing found has
 * mail in it and otherwise move to end after its last report.  q is the
 * text as asked (a stranger's), s what browse_search_read() found.
 */
int web_html_search(FILE *fp, const char *q, const struct browse_search *s,
    const struct web_period *p);
int web_json_search(FILE *fp, const char *q, const struct browse_search *s,
    const struct web_period *p);

/* An error page: status line words and a sentence of ours (escaped all
 * the same). */
int web_html_error(FILE *fp, int status, const char *title, const char *text);

/*
 * /api/domain/NAME: {"domain": ..., "sources": <sources --json>,
 * "advise": <advise --json>, "report": <report --format json>, "tls":
 * null or <tls --json>, "check": null or {"checked_at", "checked_by",
 * "version", "result": <check --json as stored>}}, each part written by
 * the CLI's own writer, so each has its shape byte for byte.
 */
int web_json_domain(
    FILE *fp, const struct web_domain_view *v, const struct digest *d);
/* An error as JSON: {"error": text, "status": status}. */
int web_json_error(FILE *fp, int status, const char *text);

/*
 * s percent-encoded for a path segment or a query value: every byte but
 * the unreserved ones (letters, digits, - . _ ~) as %XX.  NULL writes
 * nothing.
 */
void web_url(FILE *fp, const char *s);

#endif
