/*
 * httpd: a small HTTP/1.1 server for `dmarcsift serve`, the only code that
 * speaks libmicrohttpd.
 *
 * It answers GET and HEAD only (405 with Allow otherwise, before anything
 * else runs), refuses a request target longer than target_max (414), and
 * hands every other request to one handler, which fills a struct
 * httpd_reply.  Every answer, the handler's and its own, carries the same
 * security headers: the Content-Security-Policy the caller gives,
 * X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer,
 * X-Frame-Options: DENY and Cache-Control (no-store unless the reply says
 * otherwise).  The library's own answers to broken requests (400, 431)
 * carry its fixed text and not these headers.
 *
 * Bounds, so that no client can hold the server: connections in all and
 * per address, the idle time of a connection (a request sent slowly is cut
 * off when no byte arrives for timeout seconds), the memory of one
 * connection's request line and headers, and a pool of threads that run
 * the handler, each one request at a time.
 *
 * With a certificate and key it speaks HTTPS only (TLS 1.2 and 1.3, ECDHE
 * and AEAD ciphers), and every answer says Strict-Transport-Security.
 *
 * Behind reverse proxies it trusts (httpd_proxy.h), the client of a
 * request from one of them is the address the proxy hands on in the
 * header it writes; from anyone else, the connection's address.
 *
 * One line per request goes to stderr when it ends: the client's address,
 * method, target (made printable and cut), status, body bytes and the
 * milliseconds from its first line to its end; "-" for what a request cut
 * off before its answer never had; then " user=NAME" for a user the
 * handler named (each byte but letters, digits and ._@+- as %XX),
 * " via=PROXY" for a request a trusted proxy passed on, and in brackets
 * why the handler refused it, or that it timed out or was cut off.
 */
#ifndef DMARCSIFT_HTTPD_H
#define DMARCSIFT_HTTPD_H

#include <stddef.h>
#include <sys/socket.h>

#include "httpd_proxy.h"

struct err;
struct httpd;
struct httpd_request; /* one request, valid during the handler's call */

struct httpd_limits {
	unsigned threads; /* handler threads */
	unsigned connections; /* open connections in all */
	unsigned per_ip; /* open connections from one address */
	unsigned timeout; /* seconds a connection may stay silent */
	size_t memory; /* bytes for one connection's request and headers */
	size_t target_max; /* bytes of the request target, path and query */
};

/* How httpd_start() sets the server up. */
struct httpd_options {
	struct httpd_limits lim;
	const char *csp; /* the Content-Security-Policy of every answer */
	/* HTTPS: the certificate chain and its private key, PEM text, both
	 * or neither (NULL: plain HTTP).  The caller keeps them until
	 * httpd_stop(). */
	const char *tls_cert, *tls_key;
	/* The proxies whose header kind names the client (NULL: none);
	 * the caller keeps them until httpd_stop(). */
	const struct httpd_proxies *proxies;
	enum httpd_forwarded forwarded;
};

/* What the handler answers.  It starts zeroed; status 0 is a 500. */
struct httpd_reply {
	int status;
	const char *type; /* Content-Type, e.g. "text/html; charset=utf-8" */
	/* The body: malloc()ed and handed over (httpd frees it), or static
	 * when body_static is set.  NULL for none. */
	char *body;
	size_t len;
	int body_static;
	const char *cache; /* Cache-Control; NULL: no-store */
	const char *authenticate; /* WWW-Authenticate, for a 401 */
	/* A download: Content-Disposition: attachment with this file name
	 * ("" for none).  Letters, digits, '.', '-' and '_' only: any other
	 * character is sent as '_'. */
	char attachment[96];
	/* For the request's log line: the user it was answered as (any
	 * bytes; escaped there), and why it was refused (a sentence of
	 * ours); NULL for none. */
	const char *user, *why;
	/* For the log line too: a word of ours on how it was answered
	 * ("kept": from serve's cache); NULL for none. */
	const char *note;
};

typedef void (*httpd_handler)(
    void *arg, const struct httpd_request *rq, struct httpd_reply *out);

/* The method ("GET" or "HEAD") and the path, percent-decoded by the
 * library (a %00 ends it), without the query. */
const char *httpd_method(const struct httpd_request *rq);
const char *httpd_path(const struct httpd_request *rq);
/* The first value of query argument key (percent-decoded), or NULL. */
const char *httpd_arg(const struct httpd_request *rq, const char *key);
/* The value of request header name (any case), or NULL; the first, when
 * it came more than once. */
const char *httpd_header(const struct httpd_request *rq, const char *name);
/* How many times request header name (any case) came. */
unsigned httpd_header_count(const struct httpd_request *rq, const char *name);
/* The address of the connection as text ("192.0.2.1", "2001:db8::1"; "-"
 * when not known). */
const char *httpd_peer(const struct httpd_request *rq);
/* Whether the connection comes from a trusted proxy. */
int httpd_from_proxy(const struct httpd_request *rq);
/* The client's address: the one a trusted proxy hands on, else the
 * peer's.  What a limit per client keys on. */
const char *httpd_client(const struct httpd_request *rq);

/*
 * Listens on sa (IPv4 or IPv6; port 0 picks a free one) and serves from
 * threads of its own until httpd_stop().  o->csp is copied.  *out is the
 * caller's.  ERR_IO when it cannot listen, or cannot use the certificate
 * and key (with the library's reason).
 */
int httpd_start(struct httpd **out, const struct sockaddr *sa,
    const struct httpd_options *o, httpd_handler handler, void *arg,
    struct err *err);
/* The port it listens on. */
unsigned httpd_port(const struct httpd *h);
/* Stops listening, waits for the handlers running, closes every
 * connection and frees h (NULL is nothing). */
void httpd_stop(struct httpd *h);

#endif
