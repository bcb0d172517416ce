/* httpd: the HTTP server of `dmarcsift serve`; see httpd.h. */
#include "httpd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "err.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

/* Bytes of a request target kept for the log line, and of a user. */
#define LOG_TARGET 256
#define LOG_USER 160
/* The most of a forwarding header's values read: past it, the request
 * is its proxy's. */
#define FORWARDED_MAX 8192
/* Modern TLS only: 1.2 and 1.3, forward secret key exchange, AEAD. */
#define TLS_PRIORITIES                                                         \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:" \
	"+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:" \
	"+ECDHE-RSA"

struct httpd {
	struct MHD_Daemon *d;
	struct httpd_limits lim;
	char *csp;
	int tls;
	const struct httpd_proxies *proxies;
	enum httpd_forwarded forwarded;
	httpd_handler handler;
	void *arg;
	/* The library's last message, for an error of httpd_start(). */
	pthread_mutex_t said_lock;
	char said[256];
};

/* One request, from its first line (log_start()) to its end (done()). */
struct httpd_request {
	struct httpd *h;
	struct MHD_Connection *conn;
	struct timespec t0;
	char peer[INET6_ADDRSTRLEN];
	char client[IP_TEXT_MAX];
	int placed, from_proxy; /* client known; peer a trusted proxy */
	char user[LOG_USER]; /* escaped; "" for none */
	const char *why; /* of a refusal, static */
	const char *note; /* how it was answered, static */
	char target[LOG_TARGET]; /* printable, cut */
	size_t target_len; /* as sent */
	const char *method, *path; /* the library's, during the handler */
	char method_log[16];
	int seen, answered, status;
	size_t bytes;
};

const char *
httpd_method(const struct httpd_request *rq)
{
	return rq->method;
}

const char *
httpd_peer(const struct httpd_request *rq)
{
	return rq->peer;
}

int
httpd_from_proxy(const struct httpd_request *rq)
{
	return rq->from_proxy;
}

const char *
httpd_client(const struct httpd_request *rq)
{
	return rq->placed ? rq->client : rq->peer;
}

const char *
httpd_path(const struct httpd_request *rq)
{
	return rq->path;
}

const char *
httpd_arg(const struct httpd_request *rq, const char *key)
{
	return MHD_lookup_connection_value(
	    rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *
httpd_header(const struct httpd_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

struct header_count {
	const char *name;
	unsigned n;
};

static enum MHD_Result
count_one(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_count *c = cls;

	(void)kind;
	(void)value;
	if (key != NULL && strcasecmp(key, c->name) == 0)
		c->n++;
	return MHD_YES;
}

unsigned
httpd_header_count(const struct httpd_request *rq, const char *name)
{
	struct header_count c = {name, 0};

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_one, &c);
	return c.n;
}

static void
peer_text(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	snprintf(out, size, "-");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)size);
}

/* Every value of the header *name, joined with commas, into a dynbuf. */
struct gather {
	const char *name;
	struct dynbuf b;
	int full;
};

static enum MHD_Result
gather_one(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct gather *g = cls;

	(void)kind;
	if (key == NULL || value == NULL || strcasecmp(key, g->name) != 0)
		return MHD_YES;
	if ((g->b.len > 0 && dynbuf_addstr(&g->b, ",") < 0) ||
	    dynbuf_addstr(&g->b, value) < 0)
		g->full = 1;
	return MHD_YES;
}

/* Who the request is from: the peer, or, from a trusted proxy, whom it
 * names (its headers are read by now). */
static void
place(struct httpd_request *rq)
{
	struct gather g = {0};

	rq->placed = 1;
	snprintf(rq->client, sizeof(rq->client), "%s", rq->peer);
	if (!httpd_proxies_trusts(rq->h->proxies, rq->peer))
		return;
	rq->from_proxy = 1;
	g.name = rq->h->forwarded == HTTPD_FORWARDED ? "Forwarded"
	                                             : "X-Forwarded-For";
	dynbuf_init(&g.b, FORWARDED_MAX);
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, gather_one, &g);
	/* Cut, the rightmost hops would be lost: the proxy's then. */
	httpd_proxies_client(rq->h->proxies, rq->h->forwarded,
	    g.full ? NULL : g.b.p, rq->peer, rq->client);
	dynbuf_free(&g.b);
}

/* A user for the log line: letters, digits and ._@+- as they are, every
 * other byte %XX, so that no name can forge a field or a line. */
static void
user_text(const char *u, char *out, size_t size)
{
	size_t o = 0;

	for (; *u != '\0'; u++) {
		unsigned char c = (unsigned char)*u;
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._@+-", c) != NULL;

		if (o + (plain ? 1 : 3) + 4 > size) {
			memcpy(out + o, "...", 4);
			return;
		}
		if (plain)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
	}
	out[o] = '\0';
}

/* The library calls this with the raw target once the request line is
 * read: the request's state starts here, and is freed by done(). */
static void *
log_start(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct httpd_request *rq = xcalloc(1, sizeof(*rq));

	rq->h = cls;
	rq->conn = c;
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	peer_text(c, rq->peer, sizeof(rq->peer));
	rq->target_len = uri != NULL ? strlen(uri) : 0;
	/* A stranger's bytes: printable, and short, before any log. */
	text_printable(uri != NULL ? uri : "-", rq->target, sizeof(rq->target));
	snprintf(rq->method_log, sizeof(rq->method_log), "-");
	return rq;
}

/* The request's log line, in one write so that lines of concurrent
 * requests never mix. */
static void
done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd_request *rq = *con_cls;
	struct timespec t1;
	char line[LOG_TARGET + LOG_USER + 300], status[8];
	long long ms;
	int n;

	if (rq == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (long long)(t1.tv_sec - rq->t0.tv_sec) * 1000 +
	    (t1.tv_nsec - rq->t0.tv_nsec) / 1000000;
	if (rq->answered)
		snprintf(status, sizeof(status), "%d", rq->status);
	else
		snprintf(status, sizeof(status), "-");
	n = snprintf(line, sizeof(line),
	    "%s %s %s %s %zu %lldms%s%s%s%s%s%s%s%s%s\n", httpd_client(rq),
	    rq->method_log, rq->target, status, rq->bytes, ms,
	    rq->user[0] != '\0' ? " user=" : "", rq->user,
	    rq->from_proxy ? " via=" : "", rq->from_proxy ? rq->peer : "",
	    rq->why != NULL ? " (" : "", rq->why != NULL ? rq->why : "",
	    rq->why != NULL                                     ? ")"
	        : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)"
	        : toe == MHD_REQUEST_TERMINATED_COMPLETED_OK    ? ""
	                                                        : " (cut off)",
	    rq->note != NULL ? " " : "", rq->note != NULL ? rq->note : "");
	if (n > 0)
		(void)!write(STDERR_FILENO, line,
		    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	free(rq);
	*con_cls = NULL;
}

static int
add(struct MHD_Response *r, const char *name, const char *value)
{
	return MHD_add_response_header(r, name, value) == MHD_YES ? 0 : -1;
}

/* Content-Disposition for a download, its name made of safe characters
 * whatever the caller gave: no quote, no separator, no line break. */
static int
add_attachment(struct MHD_Response *r, const char *name)
{
	char v[sizeof(((struct httpd_reply *)0)->attachment) + 32];
	size_t o = (size_t)snprintf(v, sizeof(v), "attachment; filename=\"");

	for (; *name != '\0' && o + 2 < sizeof(v); name++) {
		unsigned char c = (unsigned char)*name;

		v[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		        c == '_'
		    ? (char)c
		    : '_';
	}
	v[o++] = '"';
	v[o] = '\0';
	return add(r, "Content-Disposition", v);
}

/* Queues the reply with the headers every answer carries; takes the
 * body. */
static enum MHD_Result
answer(struct httpd_request *rq, struct httpd_reply *rp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rp->status == 0) {
		if (!rp->body_static)
			free(rp->body);
		memset(rp, 0, sizeof(*rp));
		rp->status = 500;
		rp->type = "text/plain; charset=utf-8";
		rp->body = "internal error\n";
		rp->len = strlen(rp->body);
		rp->body_static = 1;
	}
	if (rp->body == NULL)
		r = MHD_create_response_from_buffer(
		    0, (void *)"", MHD_RESPMEM_PERSISTENT);
	else if (rp->body_static)
		r = MHD_create_response_from_buffer(
		    rp->len, rp->body, MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer_with_free_callback(
		    rp->len, rp->body, free);
	if (r == NULL) {
		if (!rp->body_static)
			free(rp->body);
		return MHD_NO;
	}
	if ((rp->type != NULL && add(r, "Content-Type", rp->type) < 0) ||
	    add(r, "Content-Security-Policy", rq->h->csp) < 0 ||
	    add(r, "X-Content-Type-Options", "nosniff") < 0 ||
	    add(r, "Referrer-Policy", "no-referrer") < 0 ||
	    add(r, "X-Frame-Options", "DENY") < 0 ||
	    add(r, "Cross-Origin-Resource-Policy", "same-origin") < 0 ||
	    add(r, "Cache-Control",
	        rp->cache != NULL ? rp->cache : "no-store") < 0 ||
	    (rp->status == 405 && add(r, "Allow", "GET, HEAD") < 0) ||
	    (rp->authenticate != NULL &&
	        add(r, "WWW-Authenticate", rp->authenticate) < 0) ||
	    (rp->attachment[0] != '\0' &&
	        add_attachment(r, rp->attachment) < 0) ||
	    (rq->h->tls &&
	        add(r, "Strict-Transport-Security", "max-age=31536000") < 0)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	rq->answered = 1;
	rq->status = rp->status;
	if (rp->user != NULL)
		user_text(rp->user, rq->user, sizeof(rq->user));
	rq->why = rp->why;
	rq->note = rp->note;
	rq->bytes = strcmp(rq->method, "HEAD") == 0 ? 0 : rp->len;
	ret = MHD_queue_response(rq->conn, (unsigned)rp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
plain(struct httpd_reply *rp, int status, const char *text)
{
	rp->status = status;
	rp->type = "text/plain; charset=utf-8";
	rp->body = (char *)text;
	rp->len = strlen(text);
	rp->body_static = 1;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct httpd *h = cls;
	struct httpd_request *rq = *con_cls;
	struct httpd_reply rp;

	if (rq == NULL)
		return MHD_NO;
	if (!rq->placed)
		place(rq);
	/* A body after the answer (a POST refused at once) is dropped. */
	if (rq->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	rq->method = method;
	rq->path = url;
	text_printable(method, rq->method_log, sizeof(rq->method_log));
	memset(&rp, 0, sizeof(rp));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		plain(&rp, 405, "only GET and HEAD are served\n");
	} else if (!rq->seen || *upload_size > 0) {
		/* The answer waits for the end of the request (a body, if
		 * any, dropped unread), so that the connection can stay
		 * open for the next one. */
		rq->seen = 1;
		*upload_size = 0;
		return MHD_YES;
	} else if (rq->target_len > h->lim.target_max)
		plain(&rp, 414, "the request target is too long\n");
	else
		h->handler(h->arg, rq, &rp);
	rq->path = NULL;
	*upload_size = 0;
	return answer(rq, &rp);
}

/* The library's own messages, through our log (made printable there). */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct httpd *h = cls;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_info("httpd: %s", msg);
	pthread_mutex_lock(&h->said_lock);
	text_printable(msg, h->said, sizeof(h->said));
	pthread_mutex_unlock(&h->said_lock);
}

static void
httpd_free(struct httpd *h)
{
	pthread_mutex_destroy(&h->said_lock);
	free(h->csp);
	free(h);
}

int
httpd_start(struct httpd **out, const struct sockaddr *sa,
    const struct httpd_options *o, httpd_handler handler, void *arg,
    struct err *err)
{
	struct httpd *h = xcalloc(1, sizeof(*h));
	const struct httpd_limits *lim = &o->lim;
	unsigned flags =
	    MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL},
	};

	if (sa->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->tls = o->tls_cert != NULL && o->tls_key != NULL;
	if (h->tls)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	h->lim = *lim;
	h->csp = xstrdup(o->csp);
	h->proxies = o->proxies;
	h->forwarded = o->forwarded;
	h->handler = handler;
	h->arg = arg;
	pthread_mutex_init(&h->said_lock, NULL);
	/* The logger first, so that the library's word on the options
	 * after it comes through it; a pool of one thread is the polling
	 * thread alone (the library warns about a pool of one). */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(lim->threads > 1 ? lim->threads : 0),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)lim->per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)lim->timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)lim->memory,
	    MHD_OPTION_URI_LOG_CALLBACK, log_start, h,
	    MHD_OPTION_NOTIFY_COMPLETED, done, h, MHD_OPTION_STRICT_FOR_CLIENT,
	    (int)1, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (h->d == NULL) {
		/* The library's own word says more with a certificate. */
		if (h->tls && h->said[0] != '\0')
			err_set(err, ERR_IO,
			    "cannot listen there with that certificate and "
			    "key: %s",
			    h->said);
		else
			err_set(err, ERR_IO,
			    "cannot listen there (in use, or not an address "
			    "of this machine; dmarcsift -v serve says more)");
		httpd_free(h);
		return ERR_IO;
	}
	*out = h;
	return 0;
}

unsigned
httpd_port(const struct httpd *h)
{
	const union MHD_DaemonInfo *i =
	    MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return i != NULL ? i->port : 0;
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	httpd_free(h);
}
