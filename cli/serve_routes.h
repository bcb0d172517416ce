/*
 * serve_routes: what `dmarcsift serve` answers at each path, with the
 * database calls behind each page.
 *
 *   /                    the domains with mail in the period (HTML)
 *   /api/domains         the same as `report --format json`
 *   /domain/NAME         one domain: report, advise and sources (HTML)
 *   /api/domain/NAME     the same as JSON (web_json_domain())
 *   /domain/NAME/what-if?p=&sp=&np=&pct=&t=
 *                        the domain page with the what-if of that policy
 *   /api/domain/NAME/what-if?...  `advise --what-if POLICY --json`
 *   /source/IP?domain=D  one address of a domain (HTML; JSON under /api/)
 *   /source/IP           the address as every domain it sent for
 *   /report/ID?page=N    one stored report and a page of its records
 *                        (HTML; JSON under /api/)
 *   /report/ID/raw       the bytes of its input, a download
 *   /input/ID/raw        the bytes of an input, a download
 *   /refused             the refused inputs of the period (HTML; JSON
 *                        under /api/)
 *   /search?q=TEXT       an address, a domain or a report ID, found in
 *                        every stored report (HTML; JSON under /api/)
 *   /static/style.css    the style sheet
 *   /metrics             `dmarcsift metrics`, for Prometheus to scrape
 *
 * Each page takes ?since=Nd|week|month (default 30d) and ?until=DATE,
 * checked as the CLI checks --since and --until (400 otherwise).  A
 * domain with no report at all is 404, and so is an address no report
 * names for the domain in the period, or a report or input not stored.
 * With users set, every path needs their Basic credentials (401), the
 * login limit counting the client a trusted proxy names (httpd_client());
 * with auth_header set, every path needs that header from a trusted
 * proxy (403 otherwise), and the request is logged as its user.  Without
 * users, a request for a Host that is neither the loopback's nor one of
 * hosts is 421 (serve_host.h).
 */
#ifndef DMARCSIFT_SERVE_ROUTES_H
#define DMARCSIFT_SERVE_ROUTES_H

struct analysis_env;
struct httpd_reply;
struct httpd_request;
struct serve_cache;
struct serve_hosts;
struct serve_pool;
struct serve_users;
struct web_period;

struct serve_routes {
	struct serve_pool *pool;
	struct serve_users *users; /* NULL: no login asked */
	/* The header a trusted proxy names the user in; NULL: none. */
	const char *auth_header;
	/* The names answered besides the loopback's (serve_hosts); NULL:
	 * none. */
	const struct serve_hosts *hosts;
	/* The answers of the costly pages, kept while the database is
	 * unchanged (serve_cache.h); NULL: none kept. */
	struct serve_cache *cache;
};

/*
 * The start of every page about one domain: e attached for the period p
 * (analysis_env_attach()), and the domain known.  Returns 1 to go on, or
 * 0 with the reply made: 404 when no report about domain is stored, 500
 * (with *broken set, the cause logged) when the database failed; json
 * says in which form.
 */
int serve_domain_attach(struct analysis_env *e, const char *domain,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken);

/* The most domains whose pages serve_routes_warm() keeps. */
#define SERVE_WARM_DOMAINS 16

/*
 * One pass of keeping the costly pages warm (serve_warm.h): `/` and the
 * pages of SERVE_WARM_DOMAINS domains, in HTML: the owner's with mail
 * first (owned_domains(), sql/021, over the periods `/` reads), the most
 * messages first, then the domains with the most reports in the default
 * period, so that no flood of made-up domains pushes the owner's out.
 * Each is computed unless its answer is kept for the database as it is
 * now, over a connection of the pool taken for that page only.  A page
 * computed gets a line on stderr as a request does ("warm" for the
 * client).  Nothing without a cache.
 */
void serve_routes_warm(const struct serve_routes *r);

/* The httpd_handler of serve; arg is a struct serve_routes. */
void serve_handle(
    void *arg, const struct httpd_request *rq, struct httpd_reply *out);

#endif
