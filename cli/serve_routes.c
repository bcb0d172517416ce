/* serve_routes: the pages of `dmarcsift serve`; see serve_routes.h. */
#include "serve_routes.h"

#include "advise.h"
#include "analysis_env.h"
#include "browse.h"
#include "clock.h"
#include "cliopt.h"
#include "digest.h"
#include "digest_render.h"
#include "domain.h"
#include "err.h"
#include "httpd.h"
#include "ipaddr.h"
#include "log.h"
#include "owned.h"
#include "serve_auth.h"
#include "serve_browse.h"
#include "serve_metrics.h"
#include "serve_pool.h"
#include "serve_reply.h"
#include "serve_whatif.h"
#include "sources.h"
#include "web_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A period asked for without ?since=. */
#define DEFAULT_DAYS 30

/* ?since= and ?until=, checked as --since and --until are; NULL, or what
 * is wrong. */
static const char *
period_of(const struct httpd_request *rq, struct web_period *p)
{
	const char *since = httpd_arg(rq, "since");
	const char *until = httpd_arg(rq, "until");
	char day[16];
	size_t o = 0;

	memset(p, 0, sizeof(*p));
	p->days = DEFAULT_DAYS;
	snprintf(p->name, sizeof(p->name), "%dd", DEFAULT_DAYS);
	p->until = analysis_default_until();
	/* An empty field of the form is a value left out. */
	if (since != NULL && since[0] != '\0') {
		if ((p->days = cliopt_days(since)) < 0)
			return "since: want Nd (1 to 366 days), week or month";
		if (strcmp(since, "week") == 0 || strcmp(since, "month") == 0)
			snprintf(p->name, sizeof(p->name), "%s", since);
		else
			snprintf(p->name, sizeof(p->name), "%dd", p->days);
		o += (size_t)snprintf(
		    p->query + o, sizeof(p->query) - o, "?since=%s", p->name);
	}
	if (until != NULL && until[0] != '\0') {
		if (cliopt_date(until, &p->until) < 0)
			return "until: want a date YYYY-MM-DD";
		p->until_given = 1;
		clock_day_text(p->until, day, sizeof(day));
		snprintf(p->query + o, sizeof(p->query) - o, "%suntil=%s",
		    o ? "&" : "?", day);
	}
	p->since = p->until - (int64_t)p->days * CLOCK_DAY;
	return NULL;
}

/* The digest of `report` for domain (NULL: the owner's domains). */
static int
digest_of(struct analysis_env *e, const char *domain,
    const struct web_period *p, struct digest **out, struct err *err)
{
	struct digest_options o;
	char *owned = NULL;
	int rc;

	if (domain == NULL && owned_domains(e->cfg, &owned) < 0)
		return err_set(err, ERR_USAGE, "the setting domains is wrong");
	analysis_digest_options(
	    e, &o, domain, owned, p->days, p->name, p->until);
	rc = digest_compute(e->db, &o, out, err);
	free(owned);
	return rc;
}

static void
domains_page(struct analysis_env *e, const struct web_period *p, int json,
    struct httpd_reply *out, int *broken)
{
	struct digest *dg = NULL;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;
	FILE *fp;

	/* attach says what failed itself. */
	if (analysis_env_attach(e, e->db, NULL, p->until, p->days) < 0 ||
	    (rc = digest_of(e, NULL, p, &dg, &err)) < 0) {
		if (rc < 0)
			log_error("%s", err.msg);
		*broken = 1;
		serve_fail(out, json, 500, "Internal error",
		    "the database failed; the log says why");
		digest_free(dg);
		return;
	}
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			digest_json(fp, dg);
		else
			web_html_domains(fp, dg, p);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	digest_free(dg);
}

int
serve_domain_attach(struct analysis_env *e, const char *domain,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken)
{
	struct err err;
	int known;

	/* attach says what failed itself. */
	if (analysis_env_attach(e, e->db, domain, p->until, p->days) < 0)
		goto broken;
	if (analysis_domain_stored(e->db, domain, &known, &err) < 0) {
		log_error("%s: %s", domain, err.msg);
		goto broken;
	}
	if (!known) {
		serve_fail(out, json, 404, "Not found",
		    "no report about this domain is stored");
		return 0;
	}
	return 1;
broken:
	*broken = 1;
	serve_fail(out, json, 500, "Internal error",
	    "the database failed; the log says why");
	return 0;
}

/* The page of a domain; wf the what-if form (NULL: none asked). */
static void
domain_page(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct web_whatif *wf, int json,
    struct httpd_reply *out, int *broken)
{
	struct sender_list senders = {0};
	struct sources_query q = {0};
	struct browse_check chk = {0};
	struct advise_options ao;
	struct digest *dg = NULL;
	struct advice a;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&a, 0, sizeof(a));
	if (!serve_domain_attach(e, domain, p, json, out, broken))
		return;
	/* What `dmarcsift sources` reads. */
	q.domain = domain;
	q.since = p->since;
	q.until = p->until;
	q.rules = &e->rules;
	q.top = SOURCES_TOP;
	q.addresses = SOURCES_ADDRESSES;
	if (sources_read_senders(e->db, &q, &senders, &err) < 0)
		goto failed;
	/* What `dmarcsift advise` computes (offline: no published record). */
	/* and with --what-if, when the form asked. */
	analysis_advise_options(e, &ao, domain, p->until, NULL,
	    wf != NULL && wf->asked ? wf->policy : NULL);
	if (advise_compute(e->db, &ao, &a, &err) < 0)
		goto failed;
	/* What `dmarcsift report --domain` computes. */
	if (digest_of(e, domain, p, &dg, &err) < 0)
		goto failed;
	/* What the last `dmarcsift check` stored: serve asks no DNS. */
	if (browse_check_read(e->db, domain, &chk, &err) < 0)
		goto failed;
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		struct web_domain_view v = {
		    .domain = domain,
		    .period = p,
		    .dd = dg->n > 0 ? &dg->domains[0] : NULL,
		    .senders = &senders,
		    .advice = &a,
		    .offline = e->offline,
		    .whatif = wf,
		    .check = &chk,
		};

		if (json)
			web_json_domain(fp, &v, dg);
		else
			web_html_domain(fp, &v);
		(void)serve_reply_stream(
		    out, fp, &buf, &len, 200, json ? SERVE_JSON : SERVE_HTML);
	}
	goto done;
failed:
	log_error("%s: %s", domain, err.msg);
	*broken = 1;
	serve_fail(out, json, 500, "Internal error",
	    "the database failed; the log says why");
done:
	digest_free(dg);
	advice_free(&a);
	sender_list_free(&senders);
	browse_check_free(&chk);
}

static void
style(struct httpd_reply *out, int private)
{
	out->status = 200;
	out->type = "text/css; charset=utf-8";
	out->body = (char *)web_style(&out->len);
	out->body_static = 1;
	out->cache = private ? "private, max-age=3600" : "max-age=3600";
}

/*
 * Whether the Host header names this machine's loopback (localhost,
 * 127.x.x.x, [::1], any port).  Without a login, a page a browser fetched
 * for another name is refused: a web site whose name its owner points at
 * 127.0.0.1 (DNS rebinding) must not read the reports through the
 * visitor's browser.
 */
static int
host_loopback(const char *host)
{
	char name[64];
	size_t n;

	if (host == NULL)
		return 0;
	if (host[0] == '[') {
		const char *end = strchr(host, ']');

		if (end == NULL)
			return 0;
		n = (size_t)(end - host) + 1;
	} else {
		n = strcspn(host, ":");
	}
	if (n >= sizeof(name) || (host[n] != '\0' && host[n] != ':'))
		return 0;
	memcpy(name, host, n);
	name[n] = '\0';
	if (host[n] == ':' &&
	    (host[n + 1] == '\0' ||
	        strspn(host + n + 1, "0123456789") != strlen(host + n + 1)))
		return 0;
	if (strcasecmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0)
		return 1;
	return strncmp(name, "127.", 4) == 0 &&
	    strspn(name, "0123456789.") == n;
}

/* What a path asks for. */
enum page {
	PAGE_DOMAINS,
	PAGE_DOMAIN,
	PAGE_WHATIF,
	PAGE_SOURCE,
	PAGE_SOURCE_ALL,
	PAGE_REPORT,
	PAGE_REPORT_RAW,
	PAGE_INPUT_RAW,
	PAGE_REFUSED,
	PAGE_SEARCH,
	PAGE_METRICS,
};

struct target {
	enum page page;
	char domain[DOMAIN_MAX];
	char ip[IP_TEXT_MAX];
	int64_t id; /* a report's or an input's */
	uint64_t n; /* the page of a report's records */
	struct web_whatif whatif; /* PAGE_WHATIF */
	char q[BROWSE_SEARCH_MAX + 1]; /* PAGE_SEARCH */
};

#define WHATIF_PATH "/what-if"

/* A database id, 1 to 18 digits, then end; 0, or -1. */
static int
id_of(const char *s, const char *end, int64_t *id)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 18 || strcmp(s + n, end) != 0)
		return -1;
	*id = strtoll(s, NULL, 10);
	return *id > 0 ? 0 : -1;
}

/*
 * The page path asks for (under /api/ when json) with what names its
 * subject, checked; NULL, or what is wrong with *status to answer.
 */
static const char *
target_of(const struct httpd_request *rq, const char *path, int json,
    struct target *t, int *status)
{
	const char *rest = json ? path + 4 : path, *v;
	struct err err;

	memset(t, 0, sizeof(*t));
	*status = 404;
	if (strcmp(rest, json ? "/domains" : "/") == 0) {
		t->page = PAGE_DOMAINS;
	} else if (strncmp(rest, "/domain/", 8) == 0) {
		char name[DOMAIN_MAX + sizeof(WHATIF_PATH)];
		size_t n = strlen(rest + 8), w = strlen(WHATIF_PATH);

		t->page = PAGE_DOMAIN;
		if (n >= sizeof(name))
			return "that is not a domain name";
		memcpy(name, rest + 8, n + 1);
		/* No domain name has a '/': NAME/what-if is NAME's what-if. */
		if (n > w && strcmp(name + n - w, WHATIF_PATH) == 0) {
			t->page = PAGE_WHATIF;
			name[n - w] = '\0';
		}
		if (domain_check(name, t->domain, sizeof(t->domain), &err) < 0)
			return "that is not a domain name";
		*status = 400;
		if (t->page == PAGE_WHATIF &&
		    (v = serve_whatif_args(rq, &t->whatif)) != NULL)
			return v;
		if (t->page == PAGE_WHATIF && json && !t->whatif.asked)
			return "p: want quarantine or reject";
		*status = 404;
	} else if (strncmp(rest, "/source/", 8) == 0) {
		t->page = PAGE_SOURCE;
		if (ip_normalize(rest + 8, t->ip) < 0)
			return "that is not an IP address";
		*status = 400;
		v = httpd_arg(rq, "domain");
		/* Without a domain: every domain it sent for. */
		if (v == NULL || v[0] == '\0')
			t->page = PAGE_SOURCE_ALL;
		else if (domain_check(v, t->domain, sizeof(t->domain), &err) <
		    0)
			return "domain: that is not a domain name";
	} else if (strncmp(rest, "/report/", 8) == 0) {
		t->page = PAGE_REPORT;
		if (id_of(rest + 8, "", &t->id) == 0) {
			*status = 400;
			v = httpd_arg(rq, "page");
			if (v != NULL && v[0] != '\0') {
				if (strspn(v, "0123456789") != strlen(v) ||
				    strlen(v) > 9)
					return "page: want a number from 0";
				t->n = strtoull(v, NULL, 10);
			}
		} else if (!json && id_of(rest + 8, "/raw", &t->id) == 0) {
			t->page = PAGE_REPORT_RAW;
		} else {
			return "there is no such report";
		}
	} else if (!json && strncmp(rest, "/input/", 7) == 0) {
		t->page = PAGE_INPUT_RAW;
		if (id_of(rest + 7, "/raw", &t->id) < 0)
			return "there is no such input";
	} else if (!json && strcmp(rest, "/metrics") == 0) {
		t->page = PAGE_METRICS;
	} else if (strcmp(rest, "/refused") == 0) {
		t->page = PAGE_REFUSED;
	} else if (strcmp(rest, "/search") == 0) {
		t->page = PAGE_SEARCH;
		*status = 400;
		if ((v = serve_search_text(httpd_arg(rq, "q"), t->q)) != NULL)
			return v;
	} else {
		return "there is no such page";
	}
	return NULL;
}

/* One try at the page, on the connection e. */
static void
page(struct analysis_env *e, const struct target *t, const struct web_period *p,
    int json, struct httpd_reply *out, int *broken)
{
	switch (t->page) {
	case PAGE_DOMAINS:
		domains_page(e, p, json, out, broken);
		break;
	case PAGE_DOMAIN:
		domain_page(e, t->domain, p, NULL, json, out, broken);
		break;
	case PAGE_WHATIF:
		if (json)
			serve_whatif_json(
			    e, t->domain, p, &t->whatif, out, broken);
		else
			domain_page(
			    e, t->domain, p, &t->whatif, 0, out, broken);
		break;
	case PAGE_SOURCE:
		serve_source_page(e, t->domain, t->ip, p, json, out, broken);
		break;
	case PAGE_SOURCE_ALL:
		serve_source_domains_page(e, t->ip, p, json, out, broken);
		break;
	case PAGE_REPORT:
		serve_report_page(e, t->id, t->n, json, out, broken);
		break;
	case PAGE_REPORT_RAW:
	case PAGE_INPUT_RAW:
		serve_raw_download(
		    e, t->id, t->page == PAGE_REPORT_RAW, out, broken);
		break;
	case PAGE_REFUSED:
		serve_refused_page(e, p, json, out, broken);
		break;
	case PAGE_SEARCH:
		serve_search_page(e, t->q, p, json, out, broken);
		break;
	case PAGE_METRICS:
		serve_metrics_page(e, out, broken);
		break;
	}
}

void
serve_handle(void *arg, const struct httpd_request *rq, struct httpd_reply *out)
{
	const struct serve_routes *r = arg;
	const char *path = httpd_path(rq), *why;
	struct target t;
	struct web_period p;
	struct analysis_env *e;
	int json = strncmp(path, "/api/", 5) == 0, broken = 0, status;

	if (r->users == NULL && !host_loopback(httpd_header(rq, "Host"))) {
		serve_fail(out, json, 421, "Misdirected request",
		    "this dmarcsift answers to localhost, 127.0.0.1 and [::1] "
		    "only");
		return;
	}
	if (r->users != NULL &&
	    !serve_users_check(r->users, httpd_header(rq, "Authorization"))) {
		serve_fail(out, json, 401, "Login needed",
		    "this dmarcsift asks for a user name and password");
		out->authenticate =
		    "Basic realm=\"dmarcsift\", charset=\"UTF-8\"";
		return;
	}
	if (strcmp(path, WEB_STYLE_PATH) == 0) {
		style(out, r->users != NULL);
		return;
	}
	if ((why = target_of(rq, path, json, &t, &status)) != NULL) {
		serve_fail(out, json, status,
		    status == 404 ? "Not found" : "Bad request", why);
		return;
	}
	if ((why = period_of(rq, &p)) != NULL) {
		serve_fail(out, json, 400, "Bad request", why);
		return;
	}
	if (t.page == PAGE_SOURCE)
		p.domain = t.domain;
	/* A page that failed is tried once more on a fresh connection: the
	 * database server may have restarted since the last page. */
	for (int tries = 0; tries < 2; tries++) {
		if (tries > 0) {
			free(out->body);
			memset(out, 0, sizeof(*out));
		}
		if ((e = serve_pool_take(r->pool)) == NULL) {
			serve_fail(out, json, 503, "Unavailable",
			    "the database cannot be reached; the log says "
			    "why");
			return;
		}
		broken = 0;
		page(e, &t, &p, json, out, &broken);
		serve_pool_give(r->pool, e, broken);
		if (!broken)
			break;
	}
}
