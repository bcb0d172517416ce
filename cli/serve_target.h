/*
 * serve_target: what a request to `dmarcsift serve` asks for, read from
 * its path and its query, every value checked: the page and its subject
 * (a domain, an address, a report's id, the what-if form, the search
 * text), and the period of ?since= and ?until=.  Its Host header is
 * serve_host.h's.
 *
 * Pure parsing: no database, no network, no clock but the default end of
 * the period.  The request is read through httpd.h's accessors only
 * (httpd_arg(), httpd_header()), so fuzz/fuzz_route.c feeds these
 * functions any path and query with a request of its own.  Messages are
 * sentences of ours: nothing of the request is repeated in them.
 */
#ifndef DMARCSIFT_SERVE_TARGET_H
#define DMARCSIFT_SERVE_TARGET_H

#include <stdint.h>

#include "browse.h"
#include "domain.h"
#include "ipaddr.h"
#include "web_render.h"

struct httpd_request;

/* What a path asks for. */
enum serve_page {
	SERVE_PAGE_DOMAINS,
	SERVE_PAGE_DOMAIN,
	SERVE_PAGE_WHATIF,
	SERVE_PAGE_SOURCE,
	SERVE_PAGE_SOURCE_ALL,
	SERVE_PAGE_REPORT,
	SERVE_PAGE_REPORT_RAW,
	SERVE_PAGE_INPUT_RAW,
	SERVE_PAGE_REFUSED,
	SERVE_PAGE_SEARCH,
	SERVE_PAGE_METRICS,
};

struct serve_target {
	enum serve_page page;
	char domain[DOMAIN_MAX]; /* domain_check()ed */
	char ip[IP_TEXT_MAX]; /* canonical (ip_normalize()) */
	int64_t id; /* a report's or an input's, > 0 */
	uint64_t n; /* the page of a report's records */
	struct web_whatif whatif; /* SERVE_PAGE_WHATIF */
	char q[BROWSE_SEARCH_MAX + 1]; /* SERVE_PAGE_SEARCH */
};

/*
 * The page path (percent-decoded, without the query) asks for, under
 * /api/ when json, with what names its subject checked, into *t.  NULL,
 * or what is wrong with *status the answer to give (404 or 400).
 */
const char *serve_target_of(const struct httpd_request *rq, const char *path,
    int json, struct serve_target *t, int *status);

/* The period of a page that names none: 30 days up to
 * analysis_default_until(). */
void serve_period_default(struct web_period *p);

/* ?since= and ?until= of rq into *p, checked as --since and --until are
 * (cliopt_days(), cliopt_date()); default 30 days up to
 * analysis_default_until().  NULL, or what is wrong (a 400). */
const char *serve_period_of(
    const struct httpd_request *rq, struct web_period *p);

#endif
