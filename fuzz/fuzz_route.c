/*
 * fuzz_route: what `dmarcsift serve` reads from a request before any
 * database call (cli/serve_target.c, cli/serve_host.c): the page a path
 * names and its subject, the what-if form, the search text, ?since= and
 * ?until=, and the Host header.  libmicrohttpd parses HTTP itself; here a
 * request of our own stands in for it (the httpd.h accessors are defined
 * below), so no server runs.
 *
 * The input's first line is the request target, path and query; its
 * second, when there is one, the Host header.  As the library does, the
 * path is percent-decoded up to the '?' (a %00 ends it), the query split
 * at '&' and '=' and each part percent-decoded with '+' a space; an
 * argument without '=' has no value (NULL); the first of a key counts.
 *
 * Promises checked (serve_target.h): a refusal is a 400 or 404 with a
 * sentence of ours, printable; a page taken has a canonical subject (a
 * domain that domain_check() gives back as itself, an address that
 * ip_normalize() does, an id above 0, a search text trimmed, printable
 * UTF-8); its domain, written into the path again, names the same page;
 * the period is 1 to 366 days ending at a UTC midnight, and its query,
 * which the pages put in their links, reads back as the same period.
 * A Host answered (serve_host.h) is the loopback's, or one of the names
 * of serve_hosts set here, whatever its case.
 */
#include "domain.h"
#include "err.h"
#include "fuzz_check.h"
#include "httpd.h"
#include "ipaddr.h"
#include "serve_host.h"
#include "serve_target.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The names of serve_hosts here: any port, and one port. */
#define HOST_NAME "dmarc.example.com"
#define HOST_V6 "[2001:db8::1]:8443"
/* Parsed once, and kept. */
static struct serve_hosts *hosts;

/* Whether host is HOST_NAME with any port, or an IPv6 address in
 * brackets with port 8443 (leading zeros allowed). */
static int
named_here(const char *host)
{
	size_t n = strlen(HOST_NAME);
	const char *port;

	if (strncasecmp(host, HOST_NAME, n) == 0) {
		/* The trailing dot of a fully qualified name. */
		if (host[n] == '.')
			n++;
		return host[n] == '\0' || host[n] == ':';
	}
	if (host[0] != '[' || (port = strstr(host, "]:")) == NULL)
		return 0;
	port += 2;
	port += strspn(port, "0");
	return strcmp(port, "8443") == 0;
}

/* Query arguments kept, as a limit on the library's side would. */
#define MAX_ARGS 32

struct httpd_request {
	char *path;
	char *key[MAX_ARGS], *val[MAX_ARGS];
	size_t n;
	const char *host;
};

const char *
httpd_method(const struct httpd_request *rq)
{
	(void)rq;
	return "GET";
}

const char *
httpd_path(const struct httpd_request *rq)
{
	return rq->path;
}

const char *
httpd_arg(const struct httpd_request *rq, const char *key)
{
	for (size_t i = 0; i < rq->n; i++)
		if (strcmp(rq->key[i], key) == 0)
			return rq->val[i];
	return NULL;
}

const char *
httpd_header(const struct httpd_request *rq, const char *name)
{
	return strcasecmp(name, "Host") == 0 ? rq->host : NULL;
}

unsigned
httpd_header_count(const struct httpd_request *rq, const char *name)
{
	return httpd_header(rq, name) != NULL;
}

const char *
httpd_peer(const struct httpd_request *rq)
{
	(void)rq;
	return "127.0.0.1";
}

const char *
httpd_client(const struct httpd_request *rq)
{
	return httpd_peer(rq);
}

int
httpd_from_proxy(const struct httpd_request *rq)
{
	(void)rq;
	return 0;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The n bytes at s percent-decoded ('+' a space when plus) into a new
 * string, which a decoded NUL ends. */
static char *
decode(const char *s, size_t n, int plus)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	fuzz_check(out != NULL, "memory");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 &&
		    hex(s[i + 2]) >= 0) {
			out[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else {
			out[o++] = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* target ("PATH?QUERY", NUL-terminated) into rq. */
static void
request_of(const char *target, struct httpd_request *rq)
{
	const char *q = strchr(target, '?'), *s, *amp, *eq;

	memset(rq, 0, sizeof(*rq));
	rq->path = decode(
	    target, q != NULL ? (size_t)(q - target) : strlen(target), 0);
	for (s = q != NULL ? q + 1 : NULL; s != NULL && rq->n < MAX_ARGS;
	     s = amp != NULL ? amp + 1 : NULL) {
		size_t n;

		amp = strchr(s, '&');
		n = amp != NULL ? (size_t)(amp - s) : strlen(s);
		if (n == 0)
			continue;
		eq = memchr(s, '=', n);
		rq->key[rq->n] =
		    decode(s, eq != NULL ? (size_t)(eq - s) : n, 1);
		rq->val[rq->n] = eq != NULL
		    ? decode(eq + 1, n - (size_t)(eq - s) - 1, 1)
		    : NULL;
		rq->n++;
	}
}

static void
request_free(struct httpd_request *rq)
{
	free(rq->path);
	for (size_t i = 0; i < rq->n; i++) {
		free(rq->key[i]);
		free(rq->val[i]);
	}
}

/* A message of ours: printable ASCII, a sentence. */
static void
check_message(const char *why)
{
	size_t n = strlen(why);

	fuzz_check(n > 0 && n < 100, "a message is a short sentence");
	for (size_t i = 0; i < n; i++)
		fuzz_check(why[i] >= 0x20 && why[i] < 0x7f,
		    "a message is printable ASCII");
}

static void
check_domain(const char *d)
{
	char again[DOMAIN_MAX];
	struct err err;

	fuzz_check(domain_check(d, again, sizeof(again), &err) == 0 &&
	        strcmp(again, d) == 0,
	    "a domain is checked and canonical");
}

static void
check_target(
    const struct httpd_request *rq, const struct serve_target *t, int json)
{
	struct httpd_request back;
	struct serve_target t2;
	char ip[IP_TEXT_MAX], path[DOMAIN_MAX + 32];
	size_t n;
	int status;

	fuzz_check(
	    t->page >= SERVE_PAGE_DOMAINS && t->page <= SERVE_PAGE_METRICS,
	    "a page of enum serve_page");
	switch (t->page) {
	case SERVE_PAGE_DOMAIN:
	case SERVE_PAGE_WHATIF:
		check_domain(t->domain);
		/* The domain's own path names the same page. */
		snprintf(path, sizeof(path), "%s/domain/%s", json ? "/api" : "",
		    t->domain);
		memset(&back, 0, sizeof(back));
		back.path = path;
		fuzz_check(
		    serve_target_of(&back, path, json, &t2, &status) == NULL &&
		        t2.page == SERVE_PAGE_DOMAIN &&
		        strcmp(t2.domain, t->domain) == 0,
		    "a domain written into the path names it again");
		if (t->page == SERVE_PAGE_WHATIF) {
			fuzz_check(!json || t->whatif.asked,
			    "the JSON what-if has a policy");
			fuzz_check(t->whatif.pct >= -1 && t->whatif.pct <= 100,
			    "pct is -1 or 0 to 100");
			fuzz_check(text_is_printable(t->whatif.policy,
			               strlen(t->whatif.policy)),
			    "the what-if policy is printable");
			fuzz_check(!t->whatif.asked ||
			        strcmp(t->whatif.p, "quarantine") == 0 ||
			        strcmp(t->whatif.p, "reject") == 0,
			    "a what-if asks for quarantine or reject");
		}
		break;
	case SERVE_PAGE_SOURCE:
		check_domain(t->domain);
		/* FALLTHROUGH */
	case SERVE_PAGE_SOURCE_ALL:
		fuzz_check(
		    ip_normalize(t->ip, ip) == 0 && strcmp(ip, t->ip) == 0,
		    "an address is canonical");
		break;
	case SERVE_PAGE_REPORT:
		fuzz_check(t->n <= 999999999, "a page number of 9 digits");
		/* FALLTHROUGH */
	case SERVE_PAGE_REPORT_RAW:
	case SERVE_PAGE_INPUT_RAW:
		fuzz_check(t->id > 0, "an id above 0");
		fuzz_check(!json || t->page == SERVE_PAGE_REPORT,
		    "no download under /api/");
		break;
	case SERVE_PAGE_SEARCH:
		n = strnlen(t->q, sizeof(t->q));
		fuzz_check(n < sizeof(t->q), "the search text is terminated");
		fuzz_check(text_is_printable(t->q, n),
		    "the search text is printable UTF-8");
		fuzz_check(n == 0 ||
		        (t->q[0] != ' ' && t->q[n - 1] != ' ' &&
		            t->q[0] != '\t' && t->q[n - 1] != '\t'),
		    "the search text is trimmed");
		break;
	case SERVE_PAGE_DOMAINS:
	case SERVE_PAGE_REFUSED:
	case SERVE_PAGE_METRICS:
		break;
	}
	(void)rq;
}

static void
check_period(const struct web_period *p)
{
	struct httpd_request back;
	struct web_period p2;

	fuzz_check(p->days >= 1 && p->days <= 366, "1 to 366 days");
	fuzz_check(p->until % 86400 == 0, "a period ends at a UTC midnight");
	fuzz_check(p->since == p->until - (int64_t)p->days * 86400,
	    "since is days before until");
	fuzz_check(text_is_printable(p->name, strlen(p->name)) &&
	        text_is_printable(p->query, strlen(p->query)),
	    "name and query are printable");
	fuzz_check(p->query[0] == '\0' || p->query[0] == '?',
	    "a query starts with '?'");
	/* The query of the links reads back as the same period. */
	request_of(p->query, &back);
	fuzz_check(serve_period_of(&back, &p2) == NULL && p2.days == p->days &&
	        strcmp(p2.name, p->name) == 0 && p2.until == p->until &&
	        strcmp(p2.query, p->query) == 0 &&
	        p2.until_given == p->until_given,
	    "the period's query reads back as itself");
	request_free(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpd_request rq;
	struct serve_target t;
	struct web_period p;
	const char *nl, *why;
	char *target, *host = NULL;
	size_t n;
	int status, json;

	if (hosts == NULL) {
		struct err err;

		fuzz_check(serve_hosts_parse(
		               &hosts, HOST_NAME ", " HOST_V6, &err) == 0,
		    "serve_hosts of the target taken");
	}
	nl = memchr(data, '\n', size);
	n = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	target = malloc(n + 1);
	fuzz_check(target != NULL, "memory");
	memcpy(target, data, n);
	target[n] = '\0';
	if (nl != NULL) {
		size_t h = size - n - 1;

		host = malloc(h + 1);
		fuzz_check(host != NULL, "memory");
		memcpy(host, nl + 1, h);
		host[h] = '\0';
	}
	request_of(target, &rq);
	rq.host = host;

	if (serve_host_loopback(host))
		fuzz_check(strncasecmp(host, "localhost", 9) == 0 ||
		        strncmp(host, "127.", 4) == 0 ||
		        strncmp(host, "[::1]", 5) == 0,
		    "loopback only for localhost, 127.x and [::1]");
	if (serve_host_accepted(hosts, host))
		fuzz_check(serve_host_loopback(host) || named_here(host),
		    "a Host answered is the loopback's or of serve_hosts");

	json = strncmp(rq.path, "/api/", 5) == 0;
	why = serve_target_of(&rq, rq.path, json, &t, &status);
	if (why != NULL) {
		check_message(why);
		fuzz_check(status == 400 || status == 404, "a 400 or a 404");
	} else {
		check_target(&rq, &t, json);
	}
	why = serve_period_of(&rq, &p);
	if (why != NULL)
		check_message(why);
	else
		check_period(&p);

	request_free(&rq);
	free(host);
	free(target);
	return 0;
}
