/* serve_routes: the pages of `dmarcsift serve`; see serve_routes.h. */
#include "serve_routes.h"

#include "advise.h"
#include "analysis_env.h"
#include "browse.h"
#include "clock.h"
#include "db.h"
#include "digest.h"
#include "digest_render.h"
#include "domain.h"
#include "err.h"
#include "httpd.h"
#include "log.h"
#include "owned.h"
#include "serve_auth.h"
#include "serve_browse.h"
#include "serve_cache.h"
#include "serve_host.h"
#include "serve_metrics.h"
#include "serve_pool.h"
#include "serve_reply.h"
#include "serve_target.h"
#include "serve_whatif.h"
#include "sources.h"
#include "web_render.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What a costly page's answer is kept by (serve_cache.h): all it is
 * computed from but the database, as bytes zeroed first, so that equal
 * requests make equal keys. */
struct page_key {
	int page, json, asked, pct, days;
	int64_t until;
	char domain[DOMAIN_MAX];
	char p[12], sp[12], np[12], t[2], policy[96];
	char name[16], query[64];
};

/* A request's key and, once read, the stamp of its snapshot; cache NULL:
 * not kept. */
struct memo {
	struct serve_cache *cache;
	struct page_key key;
	char stamp[SERVE_CACHE_STAMP_MAX];
};

static void
memo_init(struct memo *m, struct serve_cache *cache,
    const struct serve_target *t, const struct web_period *p, int json)
{
	struct page_key *k = &m->key;

	memset(m, 0, sizeof(*m));
	m->cache = cache;
	k->page = (int)t->page;
	k->json = json;
	k->asked = t->whatif.asked;
	k->pct = t->whatif.pct;
	k->days = p->days;
	k->until = p->until;
	snprintf(k->domain, sizeof(k->domain), "%s", t->domain);
	snprintf(k->p, sizeof(k->p), "%s", t->whatif.p);
	snprintf(k->sp, sizeof(k->sp), "%s", t->whatif.sp);
	snprintf(k->np, sizeof(k->np), "%s", t->whatif.np);
	snprintf(k->t, sizeof(k->t), "%s", t->whatif.t);
	snprintf(k->policy, sizeof(k->policy), "%s", t->whatif.policy);
	snprintf(k->name, sizeof(k->name), "%s", p->name);
	snprintf(k->query, sizeof(k->query), "%s", p->query);
}

/*
 * With e attached, before the page is computed: 1 with *out the answer
 * kept for the same request and data, else 0, the snapshot's stamp noted
 * for memo_keep().  A stamp that cannot be read or is too long: not
 * kept.
 */
static int
memo_hit(struct memo *m, struct analysis_env *e, struct httpd_reply *out)
{
	struct err err;
	char *s = NULL;

	if (m == NULL || m->cache == NULL)
		return 0;
	if (db_value(e->db, "SELECT pg_current_snapshot()::text", 0, NULL, &s,
	        &err) < 0 ||
	    s == NULL || strlen(s) >= sizeof(m->stamp)) {
		free(s);
		m->cache = NULL;
		return 0;
	}
	snprintf(m->stamp, sizeof(m->stamp), "%s", s);
	free(s);
	if (!serve_cache_get(m->cache, &m->key, sizeof(m->key), m->stamp, out))
		return 0;
	out->note = "kept";
	return 1;
}

/*
 * After a costly page, before its transaction ends: the id the temporary
 * tables of its classes gave it, if any, is serve's own (it writes nothing
 * else: serve only reads), told to the cache while still in flight.  A
 * page answered from memory got none: no id spent, no commit to flush.
 */
static void
memo_own(const struct memo *m, struct analysis_env *e)
{
	struct err err;
	char *s = NULL;

	if (m->cache == NULL || e->db == NULL)
		return;
	if (db_value(e->db, "SELECT txid_current_if_assigned()::text", 0, NULL,
	        &s, &err) == 0 &&
	    s != NULL)
		serve_cache_own(m->cache, strtoull(s, NULL, 10));
	free(s);
}

/* Keeps the answer just made, under the stamp memo_hit() read. */
static void
memo_keep(struct memo *m, const struct httpd_reply *out)
{
	if (m != NULL && m->cache != NULL && m->stamp[0] != '\0')
		serve_cache_put(
		    m->cache, &m->key, sizeof(m->key), m->stamp, out);
}

/* The digest of `report` for domain (NULL: the owner's domains), taking
 * the readiness of a when given (digest_options.advice). */
static int
digest_of(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct advice *a, struct digest **out,
    struct err *err)
{
	struct digest_options o;
	char *owned = NULL;
	int rc;

	if (domain == NULL && owned_domains(e->cfg, &owned) < 0)
		return err_set(err, ERR_USAGE, "the setting domains is wrong");
	analysis_digest_options(
	    e, &o, domain, owned, p->days, p->name, p->until);
	o.advice = a;
	rc = digest_compute(e->db, &o, out, err);
	free(owned);
	return rc;
}

static void
domains_page(struct analysis_env *e, const struct web_period *p, int json,
    struct memo *m, struct httpd_reply *out, int *broken)
{
	struct digest *dg = NULL;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	/* attach says what failed itself. */
	if (analysis_env_attach(e, e->db, NULL, p->until, p->days) < 0)
		goto failed;
	if (memo_hit(m, e, out))
		return;
	if (digest_of(e, NULL, p, NULL, &dg, &err) < 0) {
		log_error("%s", err.msg);
		goto failed;
	}
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		if (json)
			digest_json(fp, dg);
		else
			web_html_domains(fp, dg, p);
		if (serve_reply_stream(out, fp, &buf, &len, 200,
		        json ? SERVE_JSON : SERVE_HTML) == 0)
			memo_keep(m, out);
	}
	digest_free(dg);
	return;
failed:
	*broken = 1;
	serve_fail(out, json, 500, "Internal error",
	    "the database failed; the log says why");
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
    struct memo *m, struct httpd_reply *out, int *broken)
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
	if (!serve_domain_attach(e, domain, p, json, out, broken) ||
	    memo_hit(m, e, out))
		return;
	/* What `dmarcsift sources` reads. */
	q.domain = domain;
	q.since = p->since;
	q.until = p->until;
	q.rules = &e->rules;
	q.top = SOURCES_TOP;
	q.addresses = SOURCES_ADDRESSES;
	/* As `sources` asks: a failing source's sample failures. */
	q.failures = 1;
	if (sources_read_senders(e->db, &q, &senders, &err) < 0)
		goto failed;
	/* What `dmarcsift advise` computes (offline: no published record). */
	/* and with --what-if, when the form asked. */
	analysis_advise_options(e, &ao, domain, p->until, NULL,
	    wf != NULL && wf->asked ? wf->policy : NULL);
	if (advise_compute(e->db, &ao, &a, &err) < 0)
		goto failed;
	/* What `dmarcsift report --domain` computes. */
	/* Its readiness is the advice's just computed (the same options). */
	if (digest_of(e, domain, p, &a, &dg, &err) < 0)
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
		if (serve_reply_stream(out, fp, &buf, &len, 200,
		        json ? SERVE_JSON : SERVE_HTML) == 0)
			memo_keep(m, out);
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

/* One try at the page, on the connection e. */
static void
page(struct analysis_env *e, const struct serve_target *t,
    const struct web_period *p, int json, struct memo *m,
    struct httpd_reply *out, int *broken)
{
	switch (t->page) {
	case SERVE_PAGE_DOMAINS:
		domains_page(e, p, json, m, out, broken);
		break;
	case SERVE_PAGE_DOMAIN:
		domain_page(e, t->domain, p, NULL, json, m, out, broken);
		break;
	case SERVE_PAGE_WHATIF:
		if (json) {
			if (serve_whatif_ready(
			        e, t->domain, p, &t->whatif, out, broken) &&
			    !memo_hit(m, e, out) &&
			    serve_whatif_json(
			        e, t->domain, p, &t->whatif, out, broken) == 0)
				memo_keep(m, out);
		} else
			domain_page(
			    e, t->domain, p, &t->whatif, 0, m, out, broken);
		break;
	case SERVE_PAGE_SOURCE:
		serve_source_page(e, t->domain, t->ip, p, json, out, broken);
		break;
	case SERVE_PAGE_SOURCE_ALL:
		serve_source_domains_page(e, t->ip, p, json, out, broken);
		break;
	case SERVE_PAGE_REPORT:
		serve_report_page(e, t->id, t->n, json, out, broken);
		break;
	case SERVE_PAGE_REPORT_RAW:
	case SERVE_PAGE_INPUT_RAW:
		serve_raw_download(
		    e, t->id, t->page == SERVE_PAGE_REPORT_RAW, out, broken);
		break;
	case SERVE_PAGE_REFUSED:
		serve_refused_page(e, p, json, out, broken);
		break;
	case SERVE_PAGE_SEARCH:
		serve_search_page(e, t->q, p, json, out, broken);
		break;
	case SERVE_PAGE_METRICS:
		serve_metrics_page(e, out, broken);
		break;
	}
}

/* The user a trusted proxy named, or 0 with the refusal made. */
static int
proxy_user(const struct serve_routes *r, const struct httpd_request *rq,
    int json, struct httpd_reply *out, const char **user)
{
	const char *text;

	*user = httpd_header(rq, r->auth_header);
	switch (serve_proxy_user(httpd_from_proxy(rq), *user,
	    httpd_header_count(rq, r->auth_header))) {
	case SERVE_PROXY_USER_OK:
		return 1;
	case SERVE_PROXY_USER_UNTRUSTED:
		text = "this dmarcsift takes its users from a reverse proxy, "
		       "and your address is not one it trusts";
		out->why = "user header not from a trusted proxy";
		break;
	case SERVE_PROXY_USER_NONE:
		text = "the reverse proxy in front named no user";
		out->why = "no user header from the proxy";
		break;
	case SERVE_PROXY_USER_TWICE:
		text = "the request named its user more than once: the "
		       "reverse proxy in front must replace the header a "
		       "client sends, not add its own";
		out->why = "user header more than once";
		break;
	default:
		text = "the reverse proxy in front named a user too long or "
		       "not printable";
		out->why = "user header too long or not printable";
		break;
	}
	/* Refused, the value is no user to log. */
	*user = NULL;
	serve_fail(out, json, 403, "Forbidden", text);
	return 0;
}

/* The answer to a request whose user, if any, is known. */
static void
route(const struct serve_routes *r, const struct httpd_request *rq, int json,
    struct httpd_reply *out)
{
	const char *path = httpd_path(rq), *why;
	struct serve_target t;
	struct web_period p;
	struct analysis_env *e;
	struct memo m;
	int broken = 0, status, costly;
	int login = r->users != NULL || r->auth_header != NULL;

	if (r->users != NULL) {
		enum serve_auth a = serve_users_check(r->users,
		    httpd_header(rq, "Authorization"), httpd_client(rq));

		if (a == SERVE_AUTH_LIMITED) {
			serve_fail(out, json, 429, "Too many failed logins",
			    "too many wrong passwords from your address, or "
			    "from all: try again in a minute");
			return;
		}
		if (a != SERVE_AUTH_OK) {
			serve_fail(out, json, 401, "Login needed",
			    "this dmarcsift asks for a user name and "
			    "password");
			out->authenticate =
			    "Basic realm=\"dmarcsift\", charset=\"UTF-8\"";
			return;
		}
	}
	if (strcmp(path, WEB_STYLE_PATH) == 0) {
		style(out, login);
		return;
	}
	if ((why = serve_target_of(rq, path, json, &t, &status)) != NULL) {
		serve_fail(out, json, status,
		    status == 404 ? "Not found" : "Bad request", why);
		return;
	}
	if ((why = serve_period_of(rq, &p)) != NULL) {
		serve_fail(out, json, 400, "Bad request", why);
		return;
	}
	if (t.page == SERVE_PAGE_SOURCE)
		p.domain = t.domain;
	/* The costly pages are kept while the database is unchanged. */
	costly = t.page == SERVE_PAGE_DOMAINS || t.page == SERVE_PAGE_DOMAIN ||
	    t.page == SERVE_PAGE_WHATIF;
	memo_init(&m, costly ? r->cache : NULL, &t, &p, json);
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
		page(e, &t, &p, json, &m, out, &broken);
		memo_own(&m, e);
		serve_pool_give(r->pool, e, broken);
		if (!broken)
			break;
	}
}

void
serve_handle(void *arg, const struct httpd_request *rq, struct httpd_reply *out)
{
	const struct serve_routes *r = arg;
	const char *user = NULL;
	int json = strncmp(httpd_path(rq), "/api/", 5) == 0;

	/* Without Basic credentials of ours, which no page of another site
	 * has, only names of the loopback and of serve_hosts: a browser
	 * sends what a page of a name pointed at 127.0.0.1 (DNS rebinding)
	 * asks, a proxy's user header too, from 127.0.0.1. */
	if (r->users == NULL &&
	    !serve_host_accepted(r->hosts, httpd_header(rq, "Host"))) {
		serve_fail(out, json, 421, "Misdirected request",
		    "this dmarcsift answers to localhost, 127.0.0.1, [::1] and "
		    "the names of its setting serve_hosts only: a reverse "
		    "proxy that passes on the name it was asked for needs "
		    "that name there");
		out->why = "Host not of the loopback nor of serve_hosts";
		return;
	}
	if (r->auth_header != NULL && !proxy_user(r, rq, json, out, &user))
		return;
	route(r, rq, json, out);
	out->user = user;
}

_Static_assert(SERVE_WARM_DOMAINS == 16, "the LIMIT of serve_routes_warm()");

/* The domains of a warm pass, checked as a page's path is. */
struct warm_list {
	char v[SERVE_WARM_DOMAINS][DOMAIN_MAX];
	size_t n;
};

static int
on_warm_domain(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct warm_list *l = arg;
	struct err ignored;

	(void)err;
	/* A stranger's name that is no domain has no page to keep. */
	if (ncols == 1 && c[0] != NULL && l->n < SERVE_WARM_DOMAINS &&
	    domain_check(c[0], l->v[l->n], sizeof(l->v[0]), &ignored) == 0)
		l->n++;
	return 0;
}

/* One page of a warm pass (path for the log line): computed unless kept. */
static void
warm_page(const struct serve_routes *r, const struct serve_target *t,
    const struct web_period *p, const char *path)
{
	struct httpd_reply out;
	struct analysis_env *e;
	struct timespec t0, t1;
	struct memo m;
	char line[64 + DOMAIN_MAX];
	int broken = 0, n;

	memset(&out, 0, sizeof(out));
	if ((e = serve_pool_take(r->pool)) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memo_init(&m, r->cache, t, p, 0);
	page(e, t, p, 0, &m, &out, &broken);
	memo_own(&m, e);
	serve_pool_give(r->pool, e, broken);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Computed afresh (a page not found is not kept, nor said). */
	if (out.note == NULL && out.status == 200) {
		n = snprintf(line, sizeof(line), "warm GET %s %d %zu %lldms\n",
		    path, out.status, out.len,
		    (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
		        (t1.tv_nsec - t0.tv_nsec) / 1000000);
		/* One write: the request lines of other threads go between. */
		if (n > 0 && (size_t)n < sizeof(line))
			(void)!write(STDERR_FILENO, line, (size_t)n);
	}
	if (!out.body_static)
		free(out.body);
}

void
serve_routes_warm(const struct serve_routes *r)
{
	struct analysis_env *e;
	struct serve_target t;
	struct web_period p;
	struct warm_list l;
	struct err err;
	char since[24], until[24], prev[24], path[16 + DOMAIN_MAX];
	char *owned = NULL, *list = NULL;
	const char *params[] = {since, until, prev, NULL};
	int rc;

	if (r->cache == NULL)
		return;
	serve_period_default(&p);
	memset(&t, 0, sizeof(t));
	t.page = SERVE_PAGE_DOMAINS;
	warm_page(r, &t, &p, "/");
	memset(&l, 0, sizeof(l));
	snprintf(since, sizeof(since), "%lld", (long long)p.since);
	snprintf(until, sizeof(until), "%lld", (long long)p.until);
	/* Whose domains over the two periods `/` reads (digest.c). */
	snprintf(prev, sizeof(prev), "%lld",
	    (long long)(p.since - (int64_t)p.days * CLOCK_DAY));
	if ((e = serve_pool_take(r->pool)) == NULL)
		return;
	/* The setting was checked when serve started. */
	if (owned_domains(e->cfg, &owned) == 0 && owned != NULL &&
	    owned[0] != '\0') {
		size_t n = strlen(owned) + 3;

		/* Names checked: letters, digits, '-', '_', '.', commas. */
		list = xmalloc(n);
		snprintf(list, n, "{%s}", owned);
		params[3] = list;
	}
	/* The owner's domains with mail first (owned_domains(), sql/021, as
	 * `/` splits them), most messages first: a stranger can mail reports
	 * about any number of made-up domains, never push these out.  Then
	 * the domains reports name most in the period (the reports, not
	 * their records: a few thousand rows a month). */
	rc = db_each(e->db,
	    "WITH o AS (SELECT domain, messages FROM owned_domains("
	    "to_timestamp($3::bigint), to_timestamp($2::bigint), $4::text[]) "
	    "WHERE owned AND messages > 0), "
	    "n AS (SELECT lower(domain) AS domain, count(*) AS reports "
	    "FROM reports WHERE date_end > to_timestamp($1::bigint) AND "
	    "date_begin < to_timestamp($2::bigint) GROUP BY 1) "
	    "SELECT coalesce(o.domain, n.domain) FROM o "
	    "FULL JOIN n ON n.domain = o.domain "
	    "ORDER BY o.domain IS NULL, o.messages DESC, "
	    "n.reports DESC NULLS LAST, 1 LIMIT 16", /* WARM_DOMAINS */
	    4, params, on_warm_domain, &l, &err);
	serve_pool_give(r->pool, e, rc < 0);
	free(list);
	free(owned);
	if (rc < 0) {
		log_error("serve: keeping pages warm: %s", err.msg);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		memset(&t, 0, sizeof(t));
		t.page = SERVE_PAGE_DOMAIN;
		snprintf(t.domain, sizeof(t.domain), "%s", l.v[i]);
		snprintf(path, sizeof(path), "/domain/%s", l.v[i]);
		warm_page(r, &t, &p, path);
	}
}
