/*
 * web_page: what every page of `dmarcsift serve` shares (reports/ only):
 * the document around a page, escaping, numbers and the period form.
 */
#ifndef DMARCSIFT_WEB_PAGE_H
#define DMARCSIFT_WEB_PAGE_H

#include <stdint.h>
#include <stdio.h>

#include "clock.h"

struct web_period;

/* <!doctype html> to the opening of <main>: title escaped; p (may be
 * NULL) gives the period form and the home link's query. */
void web_page_open(FILE *fp, const char *title, const struct web_period *p);
/* The end of <main> and of the document. */
void web_page_close(FILE *fp);

/* A stranger's string as HTML text or attribute value (svg_escape()); "-"
 * for NULL or "". */
void web_esc(FILE *fp, const char *s);
/* The same, cut to max characters with an ellipsis. */
void web_esc_cut(FILE *fp, const char *s, size_t max);

/* A count with thousands separators, "12,345". */
void web_count(FILE *fp, uint64_t v);
/* A pass rate ("99.9%", present_rate()), "-" without mail. */
void web_rate(FILE *fp, uint64_t part, uint64_t whole);

/* An <a href="/domain/NAME?QUERY"> for domain, its text the name. */
void web_domain_link(FILE *fp, const char *domain, const struct web_period *p);
/* An <a href="/source/IP?domain=D&QUERY"> for ip, its text the address. */
void web_source_link(
    FILE *fp, const char *ip, const char *domain, const struct web_period *p);
/* An <a href="/report/ID">, its text text escaped. */
void web_report_link(FILE *fp, int64_t id, const char *text);
/* The period's query for a link, escaped: "" or "?since=...". */
void web_period_query(FILE *fp, const struct web_period *p);
/* The period's query continuing one begun: "" or "&since=...". */
void web_period_more(FILE *fp, const struct web_period *p);

/* A time (UTC) in a clock_text() form; "-" when not known. */
void web_time(FILE *fp, int64_t t, enum clock_form form);

/* len bytes of a stranger's text for a <pre>: its lines kept, each
 * escaped as web_esc() does (a NUL byte is dropped). */
void web_esc_lines(FILE *fp, const char *s, size_t len);

#endif
