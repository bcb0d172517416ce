/* serve_routes: the pages of `dmarcsift serve`; see serve_routes.h. */
#include "serve_routes.h"

#include "advise.h"
#include "analysis_env.h"
#include "clock.h"
#include "cliopt.h"
#include "digest.h"
#include "digest_render.h"
#include "domain.h"
#include "err.h"
#include "httpd.h"
#include "log.h"
#include "owned.h"
#include "serve_auth.h"
#include "serve_pool.h"
#include "sources.h"
#include "web_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A period asked for without ?since=. */
#define DEFAULT_DAYS 30

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_JSON "application/json"

/* The page in fp (an open_memstream()) as the reply; -1 when it failed. */
static int
reply_stream(struct httpd_reply *out, FILE *fp, char **buf, size_t *len,
    int status, const char *type)
{
	if (fclose(fp) != 0) {
		free(*buf);
		return -1;
	}
	out->status = status;
	out->type = type;
	out->body = *buf;
	out->len = *len;
	return 0;
}

/* An error page, as HTML or JSON. */
static void
fail(struct httpd_reply *out, int json, int status, const char *title,
    const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return; /* status 0: httpd answers 500 */
	if (json)
		web_json_error(fp, status, text);
	else
		web_html_error(fp, status, title, text);
	(void)reply_stream(
	    out, fp, &buf, &len, status, json ? TYPE_JSON : TYPE_HTML);
}

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

	memset(&o, 0, sizeof(o));
	if (domain == NULL && owned_domains(e->cfg, &owned) < 0)
		return err_set(err, ERR_USAGE, "the setting domains is wrong");
	o.domain = domain;
	o.owned = owned;
	o.days = p->days;
	snprintf(o.period, sizeof(o.period), "%s", p->name);
	o.until = p->until;
	o.rules = e->rules;
	o.thresholds = e->thresholds;
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
		fail(out, json, 500, "Internal error",
		    "the database failed; the log says why");
		digest_free(dg);
		return;
	}
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			digest_json(fp, dg);
		else
			web_html_domains(fp, dg, p);
		(void)reply_stream(
		    out, fp, &buf, &len, 200, json ? TYPE_JSON : TYPE_HTML);
	}
	digest_free(dg);
}

static void
domain_page(struct analysis_env *e, const char *domain,
    const struct web_period *p, int json, struct httpd_reply *out, int *broken)
{
	struct sender_list senders = {0};
	struct sources_query q = {0};
	struct advise_options ao;
	struct domain_span span;
	struct digest *dg = NULL;
	struct advice a;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&a, 0, sizeof(a));
	/* It says what failed itself. */
	if (analysis_env_attach(e, e->db, domain, p->until, p->days) < 0)
		goto said;
	if (sources_domain_span(e->db, domain, &span, &err) < 0)
		goto failed;
	if (span.reports == 0) {
		fail(out, json, 404, "Not found",
		    "no report about this domain is stored");
		return;
	}
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
	memset(&ao, 0, sizeof(ao));
	ao.domain = domain;
	ao.until = p->until;
	ao.thresholds = e->thresholds;
	ao.rules = e->rules;
	if (advise_compute(e->db, &ao, &a, &err) < 0)
		goto failed;
	/* What `dmarcsift report --domain` computes. */
	if (digest_of(e, domain, p, &dg, &err) < 0)
		goto failed;
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		struct web_domain_view v = {
		    .domain = domain,
		    .period = p,
		    .dd = dg->n > 0 ? &dg->domains[0] : NULL,
		    .senders = &senders,
		    .advice = &a,
		    .offline = e->offline,
		};

		if (json)
			web_json_domain(fp, &v, dg);
		else
			web_html_domain(fp, &v);
		(void)reply_stream(
		    out, fp, &buf, &len, 200, json ? TYPE_JSON : TYPE_HTML);
	}
	goto done;
failed:
	log_error("%s: %s", domain, err.msg);
said:
	*broken = 1;
	fail(out, json, 500, "Internal error",
	    "the database failed; the log says why");
done:
	digest_free(dg);
	advice_free(&a);
	sender_list_free(&senders);
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

void
serve_handle(void *arg, const struct httpd_request *rq, struct httpd_reply *out)
{
	const struct serve_routes *r = arg;
	const char *path = httpd_path(rq), *name = NULL, *why;
	char domain[DOMAIN_MAX];
	struct web_period p;
	struct analysis_env *e;
	struct err err;
	int json = strncmp(path, "/api/", 5) == 0, broken = 0;

	if (r->users == NULL && !host_loopback(httpd_header(rq, "Host"))) {
		fail(out, json, 421, "Misdirected request",
		    "this dmarcsift answers to localhost, 127.0.0.1 and [::1] "
		    "only");
		return;
	}
	if (r->users != NULL &&
	    !serve_users_check(r->users, httpd_header(rq, "Authorization"))) {
		fail(out, json, 401, "Login needed",
		    "this dmarcsift asks for a user name and password");
		out->authenticate =
		    "Basic realm=\"dmarcsift\", charset=\"UTF-8\"";
		return;
	}
	if (strcmp(path, WEB_STYLE_PATH) == 0) {
		style(out, r->users != NULL);
		return;
	}
	if (strncmp(path, "/domain/", 8) == 0)
		name = path + 8;
	else if (strncmp(path, "/api/domain/", 12) == 0)
		name = path + 12;
	else if (strcmp(path, "/") != 0 && strcmp(path, "/api/domains") != 0) {
		fail(out, json, 404, "Not found", "there is no such page");
		return;
	}
	if (name != NULL &&
	    domain_check(name, domain, sizeof(domain), &err) < 0) {
		fail(out, json, 404, "Not found", "that is not a domain name");
		return;
	}
	if ((why = period_of(rq, &p)) != NULL) {
		fail(out, json, 400, "Bad request", why);
		return;
	}
	/* A page that failed is tried once more on a fresh connection: the
	 * database server may have restarted since the last page. */
	for (int tries = 0; tries < 2; tries++) {
		if (tries > 0) {
			free(out->body);
			memset(out, 0, sizeof(*out));
		}
		if ((e = serve_pool_take(r->pool)) == NULL) {
			fail(out, json, 503, "Unavailable",
			    "the database cannot be reached; the log says "
			    "why");
			return;
		}
		broken = 0;
		if (name != NULL)
			domain_page(e, domain, &p, json, out, &broken);
		else
			domains_page(e, &p, json, out, &broken);
		serve_pool_give(r->pool, e, broken);
		if (!broken)
			break;
	}
}
