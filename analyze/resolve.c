/*
 * resolve: many DNS lookups at once, on c-ares.
 *
 * c-ares sends the queries, retries them and times them out; the event
 * loop here polls the sockets c-ares reports through its socket-state
 * callback (no FD_SETSIZE limit).  The bytes are resolve_wire.c's: it
 * checks the names sent and parses the answers, which c-ares hands over
 * as they came.
 *
 * A lookup is a struct query: queued by resolve_start(), sent by launch()
 * while fewer than RESOLVE_MAX_INFLIGHT are out, finished by finish(),
 * which hands the result to the caller's callback and frees the query.
 * Every query ends in finish() exactly once, cancelled ones included.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "ipaddr.h"
#include "resolve.h"
#include "resolve_wire.h"
#include "text.h"
#include "xalloc.h"

/* The class asked. */
#define C_IN 1

struct query {
	struct resolver *r;
	char *qname; /* sent as is; NULL for a name not to send */
	struct resolve_result res;
	resolve_cb *cb;
	void *arg;
	struct query *next;
};

struct watch {
	ares_socket_t fd;
	short events;
};

struct resolver {
	ares_channel ch;
	struct query *head, *tail; /* queued, not sent yet */
	size_t inflight;
	struct watch *w;
	size_t nw, capw;
	struct pollfd *pfd;
	size_t cappfd;
	struct resolve_budget *budget; /* borrowed; NULL: none */
	int spending; /* the lookups out are being ended by the budget */
};

/* ------------------------------------------------------------------------
 * Names and types. */

const char *
resolve_status_name(enum resolve_status s)
{
	switch (s) {
	case RESOLVE_OK:
		return "ok";
	case RESOLVE_NXDOMAIN:
		return "nxdomain";
	case RESOLVE_NODATA:
		return "nodata";
	case RESOLVE_SERVFAIL:
		return "servfail";
	case RESOLVE_REFUSED:
		return "refused";
	case RESOLVE_TIMEOUT:
		return "timeout";
	case RESOLVE_BADNAME:
		return "badname";
	case RESOLVE_BUDGET:
		return "budget";
	case RESOLVE_OTHER:
		break;
	}
	return "other";
}

int
resolve_status_trouble(enum resolve_status s)
{
	return s == RESOLVE_SERVFAIL || s == RESOLVE_REFUSED ||
	    s == RESOLVE_TIMEOUT || s == RESOLVE_OTHER || s == RESOLVE_BUDGET;
}

const char *
resolve_type_name(enum resolve_type t)
{
	switch (t) {
	case RESOLVE_A:
		return "A";
	case RESOLVE_AAAA:
		return "AAAA";
	case RESOLVE_PTR:
		return "PTR";
	case RESOLVE_TXT:
		return "TXT";
	case RESOLVE_MX:
		return "MX";
	case RESOLVE_TLSA:
		return "TLSA";
	}
	return "?";
}

int
resolve_reverse_name(const char *ip, char *out, size_t outlen)
{
	unsigned char a[16];
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int i;

	if (ip == NULL || out == NULL)
		return -1;
	if (inet_pton(AF_INET, ip, a) == 1) {
		int n = snprintf(out, outlen, "%u.%u.%u.%u.in-addr.arpa", a[3],
		    a[2], a[1], a[0]);

		return n < 0 || (size_t)n >= outlen ? -1 : 0;
	}
	if (inet_pton(AF_INET6, ip, a) != 1)
		return -1;
	if (outlen < 16 * 4 + sizeof("ip6.arpa"))
		return -1;
	for (i = 15; i >= 0; i--) {
		out[o++] = hex[a[i] & 0xf];
		out[o++] = '.';
		out[o++] = hex[a[i] >> 4];
		out[o++] = '.';
	}
	memcpy(out + o, "ip6.arpa", sizeof("ip6.arpa"));
	return 0;
}

/* ------------------------------------------------------------------------
 * Results. */

static void
result_init(struct resolve_result *res, enum resolve_type type)
{
	memset(res, 0, sizeof(*res));
	res->type = type;
	res->status = RESOLVE_OTHER;
}

void
resolve_result_clear(struct resolve_result *res)
{
	if (res == NULL)
		return;
	resolve_wire_clear(res);
	free(res->name);
	result_init(res, res->type);
}

void
resolve_result_move(struct resolve_result *dst, struct resolve_result *src)
{
	*dst = *src;
	result_init(src, src->type);
}

void
resolve_fcrdns_clear(struct resolve_fcrdns *f)
{
	if (f == NULL)
		return;
	free(f->name);
	f->name = NULL;
	f->confirmed = 0;
	f->nnames = 0;
	f->ttl = 0;
	f->status = RESOLVE_OTHER;
	f->fwd_status = RESOLVE_OTHER;
}

static void
set_detail(struct resolve_result *res, const char *s)
{
	snprintf(res->detail, sizeof(res->detail), "%s", s);
}

/* Status and detail from a c-ares status, when there is no answer. */
static void
from_ares_status(int status, struct resolve_result *res)
{
	switch (status) {
	case ARES_ENOTFOUND:
		res->status = RESOLVE_NXDOMAIN;
		return;
	case ARES_ENODATA:
		res->status = RESOLVE_NODATA;
		return;
	case ARES_ESERVFAIL:
		res->status = RESOLVE_SERVFAIL;
		return;
	case ARES_EREFUSED:
		res->status = RESOLVE_REFUSED;
		return;
	case ARES_ETIMEOUT:
		res->status = RESOLVE_TIMEOUT;
		set_detail(res, "timed out");
		return;
	case ARES_ECONNREFUSED:
		/* No server reachable: as good as no answer. */
		res->status = RESOLVE_TIMEOUT;
		set_detail(res, "connection refused");
		return;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		res->status = RESOLVE_OTHER;
		set_detail(res, "cancelled");
		return;
	}
	res->status = RESOLVE_OTHER;
	set_detail(res, ares_strerror(status));
}

/* A lookup the budget ended: not asked, or given up. */
static void
set_budget_spent(struct resolver *r, struct resolve_result *res)
{
	res->status = RESOLVE_BUDGET;
	set_detail(res, "DNS time budget spent");
	r->budget->skipped++;
}

/* ------------------------------------------------------------------------
 * Queries. */

static void
finish(struct query *q)
{
	if (q->cb != NULL)
		q->cb(q->arg, &q->res);
	resolve_result_clear(&q->res);
	free(q->qname);
	free(q);
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;

	q->r->inflight--;
	q->res.detail[0] = '\0';
	if (status == ARES_ECANCELLED && q->r->spending) {
		set_budget_spent(q->r, &q->res);
	} else if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION ||
	    abuf == NULL || alen <= 0) {
		from_ares_status(status, &q->res);
	} else {
		resolve_wire_answer(abuf, (size_t)alen, &q->res);
	}
	finish(q);
}

/* Sends queued queries while fewer than RESOLVE_MAX_INFLIGHT are out. */
static void
launch(struct resolver *r)
{
	while (r->head != NULL && r->inflight < RESOLVE_MAX_INFLIGHT) {
		struct query *q = r->head;

		r->head = q->next;
		if (r->head == NULL)
			r->tail = NULL;
		q->next = NULL;
		if (q->qname == NULL) {
			q->res.status = RESOLVE_BADNAME;
			set_detail(&q->res,
			    q->res.type == RESOLVE_PTR ? "not an IP address"
			                               : "not a domain name");
			finish(q);
			continue;
		}
		if (resolve_budget_spent(r->budget)) {
			set_budget_spent(r, &q->res);
			finish(q);
			continue;
		}
		/* c-ares may call on_answer() before it returns. */
		r->inflight++;
		ares_query(r->ch, q->qname, C_IN,
		    resolve_wire_type(q->res.type), on_answer, q);
	}
}

/* Ends every query: those out through c-ares, then the queue. */
static void
cancel_all(struct resolver *r)
{
	ares_cancel(r->ch);
	while (r->head != NULL) {
		struct query *q = r->head;

		r->head = q->next;
		if (r->head == NULL)
			r->tail = NULL;
		q->res.status = RESOLVE_OTHER;
		set_detail(&q->res, "cancelled");
		finish(q);
	}
}

/* Ends the lookups out as the budget's; launch() ends the queued ones,
 * and those the callbacks queue. */
static void
spend(struct resolver *r)
{
	r->spending = 1;
	ares_cancel(r->ch);
	r->spending = 0;
}

void
resolve_set_budget(struct resolver *r, struct resolve_budget *b)
{
	r->budget = b;
}

int
resolve_budget_spent(const struct resolve_budget *b)
{
	return b != NULL && b->ms_left <= 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
resolve_start(struct resolver *r, enum resolve_type type, const char *name,
    resolve_cb *cb, void *arg)
{
	struct query *q = xcalloc(1, sizeof(*q));
	char ip[IP_TEXT_MAX], rev[80], shown[128];

	q->r = r;
	q->cb = cb;
	q->arg = arg;
	result_init(&q->res, type);
	set_detail(&q->res, "not run");
	if (type == RESOLVE_PTR) {
		if (name != NULL && ip_normalize(name, ip) == 0 &&
		    resolve_reverse_name(ip, rev, sizeof(rev)) == 0) {
			q->qname = xstrdup(rev);
			q->res.name = xstrdup(ip);
		}
	} else {
		q->qname = resolve_wire_qname(name);
		if (q->qname != NULL)
			q->res.name = xstrdup(q->qname);
	}
	if (q->res.name == NULL) {
		text_printable(name != NULL ? name : "", shown, sizeof(shown));
		q->res.name = xstrdup(shown);
	}
	if (r->tail != NULL)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
}

static void
store_into(void *arg, struct resolve_result *res)
{
	resolve_result_move(arg, res);
}

void
resolve_into(struct resolver *r, enum resolve_type type, const char *name,
    struct resolve_result *slot)
{
	result_init(slot, type);
	set_detail(slot, "not run");
	resolve_start(r, type, name, store_into, slot);
}

/* ------------------------------------------------------------------------
 * Forward-confirmed reverse DNS. */

struct fcrdns;

struct fwd {
	struct fcrdns *f;
	int ok;
	enum resolve_status status;
	char *name;
};

struct fcrdns {
	struct resolver *r;
	struct resolve_fcrdns *slot;
	unsigned char addr[16];
	int family;
	char *first; /* the first PTR name, whatever it is */
	struct fwd fwd[RESOLVE_MAX_PTR_NAMES];
	size_t nfwd, pending;
};

static int
status_rank(enum resolve_status s)
{
	if (resolve_status_trouble(s))
		return 2;
	return s == RESOLVE_OK ? 0 : 1;
}

static void
fcrdns_done(struct fcrdns *f)
{
	struct resolve_fcrdns *s = f->slot;
	size_t i;

	s->fwd_status = RESOLVE_BADNAME;
	for (i = 0; i < f->nfwd; i++) {
		if (f->fwd[i].ok && !s->confirmed) {
			s->name = f->fwd[i].name;
			f->fwd[i].name = NULL;
			s->confirmed = 1;
		}
		if (i == 0 ||
		    status_rank(f->fwd[i].status) > status_rank(s->fwd_status))
			s->fwd_status = f->fwd[i].status;
	}
	if (s->confirmed) {
		s->fwd_status = RESOLVE_OK;
	} else if (f->first != NULL) {
		s->name = f->first;
		f->first = NULL;
	}
	for (i = 0; i < f->nfwd; i++)
		free(f->fwd[i].name);
	free(f->first);
	free(f);
}

static void
fcrdns_fwd(void *arg, struct resolve_result *res)
{
	struct fwd *fw = arg;
	struct fcrdns *f = fw->f;
	unsigned char a[16];
	size_t i, alen = f->family == AF_INET ? 4 : 16;

	fw->status = res->status;
	for (i = 0; i < res->n; i++) {
		if (inet_pton(f->family, res->rr[i].text, a) == 1 &&
		    memcmp(a, f->addr, alen) == 0)
			fw->ok = 1;
	}
	if (--f->pending == 0)
		fcrdns_done(f);
}

static void
fcrdns_ptr(void *arg, struct resolve_result *res)
{
	struct fcrdns *f = arg;
	struct resolve_fcrdns *s = f->slot;
	size_t i;

	s->status = res->status;
	s->ttl = res->ttl;
	s->nnames = res->n + res->dropped;
	if (res->n > 0)
		f->first = xstrdup(res->rr[0].text);
	for (i = 0; i < res->n && f->nfwd < RESOLVE_MAX_PTR_NAMES; i++) {
		struct fwd *fw;

		if (!res->rr[i].hostname)
			continue;
		fw = &f->fwd[f->nfwd++];
		fw->f = f;
		fw->status = RESOLVE_OTHER;
		fw->name = xstrdup(res->rr[i].text);
	}
	if (f->nfwd == 0) {
		fcrdns_done(f);
		return;
	}
	/* Counted before the first start: none can finish before all are
	 * queued, but keep the count right whatever the order. */
	f->pending = f->nfwd;
	for (i = 0; i < f->nfwd; i++)
		resolve_start(f->r,
		    f->family == AF_INET ? RESOLVE_A : RESOLVE_AAAA,
		    f->fwd[i].name, fcrdns_fwd, &f->fwd[i]);
}

void
resolve_ptr_confirmed(
    struct resolver *r, const char *ip, struct resolve_fcrdns *slot)
{
	struct fcrdns *f = xcalloc(1, sizeof(*f));

	memset(slot, 0, sizeof(*slot));
	slot->status = RESOLVE_OTHER;
	slot->fwd_status = RESOLVE_OTHER;
	f->r = r;
	f->slot = slot;
	if (ip != NULL && ip_normalize(ip, slot->ip) == 0) {
		f->family = strchr(slot->ip, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(f->family, slot->ip, f->addr) != 1)
			f->family = 0;
	} else {
		text_printable(
		    ip != NULL ? ip : "", slot->ip, sizeof(slot->ip));
	}
	resolve_start(r, RESOLVE_PTR, ip, fcrdns_ptr, f);
}

/* ------------------------------------------------------------------------
 * The resolver and its event loop. */

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	size_t i;

	for (i = 0; i < r->nw; i++) {
		if (r->w[i].fd == fd)
			break;
	}
	if (!readable && !writable) {
		if (i < r->nw)
			r->w[i] = r->w[--r->nw];
		return;
	}
	if (i == r->nw) {
		if (r->nw == r->capw) {
			r->capw = r->capw ? r->capw * 2 : 8;
			r->w = xrealloc(r->w, r->capw * sizeof(*r->w));
		}
		r->nw++;
	}
	r->w[i].fd = fd;
	r->w[i].events =
	    (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
}

/* Parses one server "HOST[:PORT]" or "[V6]:PORT" into node. */
static int
parse_server(char *s, struct ares_addr_port_node *node, struct err *err)
{
	char *host = s, *port = NULL, *end;
	long p = 53;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return err_set(err, ERR_USAGE, "'%s': no ']'", s);
		*end = '\0';
		host = s + 1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return err_set(err, ERR_USAGE,
			    "'%s]%s': junk after ']'", s, end + 1);
		if (inet_pton(AF_INET6, host, &node->addr.addr6) != 1)
			return err_set(
			    err, ERR_USAGE, "'%s': not an IPv6 address", host);
		node->family = AF_INET6;
	} else if ((end = strchr(s, ':')) != NULL && strchr(end + 1, ':')) {
		/* Two colons or more: a bare IPv6 address, no port. */
		if (inet_pton(AF_INET6, host, &node->addr.addr6) != 1)
			return err_set(err, ERR_USAGE,
			    "'%s': not an IPv6 address (write [ADDR]:PORT"
			    " for a port)",
			    host);
		node->family = AF_INET6;
	} else {
		if (end != NULL) {
			*end = '\0';
			port = end + 1;
		}
		if (inet_pton(AF_INET, host, &node->addr.addr4) != 1)
			return err_set(err, ERR_USAGE,
			    "'%s': not an IPv4 or IPv6 address", host);
		node->family = AF_INET;
	}
	if (port != NULL) {
		if (*port < '0' || *port > '9')
			return err_set(err, ERR_USAGE, "'%s': bad port", port);
		errno = 0;
		p = strtol(port, &end, 10);
		if (errno != 0 || *end != '\0' || p < 1 || p > 65535)
			return err_set(err, ERR_USAGE, "'%s': bad port", port);
	}
	node->udp_port = (int)p;
	node->tcp_port = (int)p;
	return 0;
}

static int
parse_servers(const char *servers, struct ares_addr_port_node *nodes, size_t *n,
    struct err *err)
{
	char *copy = xstrdup(servers), *s = copy, *comma;
	char shown[128];
	int rc = 0;

	*n = 0;
	for (;;) {
		char *e;

		comma = strchr(s, ',');
		if (comma != NULL)
			*comma = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s == '\0') {
			rc = err_set(err, ERR_USAGE, "an empty entry");
			break;
		}
		if (*n >= RESOLVE_MAX_SERVERS) {
			rc = err_set(err, ERR_USAGE, "more than %d servers",
			    RESOLVE_MAX_SERVERS);
			break;
		}
		memset(&nodes[*n], 0, sizeof(nodes[*n]));
		if ((rc = parse_server(s, &nodes[*n], err)) < 0)
			break;
		if (*n > 0)
			nodes[*n - 1].next = &nodes[*n];
		(*n)++;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	free(copy);
	if (rc < 0) {
		text_printable(servers, shown, sizeof(shown));
		err_prefix(err, "dns servers '%s'", shown);
	}
	return rc;
}

int
resolve_new(struct resolver **out, const char *servers, int timeout_ms,
    int tries, struct err *err)
{
	struct ares_addr_port_node nodes[RESOLVE_MAX_SERVERS];
	struct ares_options opts;
	struct resolver *r;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (timeout_ms < 1 || tries < 1)
		return err_set(err, ERR_USAGE,
		    "dns: timeout (%d ms) and tries (%d) must be at least 1",
		    timeout_ms, tries);
	if (servers != NULL && parse_servers(servers, nodes, &n, err) < 0)
		return err->code;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		return err_set(err, ERR_IO, "dns: cannot start c-ares: %s",
		    ares_strerror(rc));
	r = xcalloc(1, sizeof(*r));
	memset(&opts, 0, sizeof(opts));
	opts.timeout = timeout_ms;
	opts.tries = tries;
	/* "b": DNS only, never /etc/hosts. */
	opts.lookups = (char *)"b";
	opts.sock_state_cb = sock_state;
	opts.sock_state_cb_data = r;
	/* SERVFAIL and REFUSED answers come to us as they are: c-ares 1.18
	 * would try the next server, and with none left report "connection
	 * refused", hiding what the server said. */
	opts.flags = ARES_FLAG_NOCHECKRESP;
	rc = ares_init_options(&r->ch, &opts,
	    ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	        ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB);
	if (rc != ARES_SUCCESS) {
		free(r);
		ares_library_cleanup();
		return err_set(err, ERR_IO, "dns: cannot start c-ares: %s",
		    ares_strerror(rc));
	}
	if (n > 0 &&
	    (rc = ares_set_servers_ports(r->ch, nodes)) != ARES_SUCCESS) {
		ares_destroy(r->ch);
		free(r);
		ares_library_cleanup();
		return err_set(err, ERR_IO, "dns: cannot set the servers: %s",
		    ares_strerror(rc));
	}
	*out = r;
	return 0;
}

void
resolve_free(struct resolver *r)
{
	if (r == NULL)
		return;
	cancel_all(r);
	ares_destroy(r->ch);
	/* Callbacks of cancelled lookups may have queued more. */
	while (r->head != NULL) {
		struct query *q = r->head;

		r->head = q->next;
		q->res.status = RESOLVE_OTHER;
		set_detail(&q->res, "cancelled");
		finish(q);
	}
	free(r->w);
	free(r->pfd);
	free(r);
	ares_library_cleanup();
}

int
resolve_wait(struct resolver *r, struct err *err)
{
	for (;;) {
		struct timeval tv, *tvp;
		size_t i, n;
		int ms, rc;
		int64_t t0;

		launch(r);
		if (r->inflight == 0 && r->head == NULL)
			return 0;
		if (resolve_budget_spent(r->budget)) {
			spend(r);
			continue;
		}
		tvp = ares_timeout(r->ch, NULL, &tv);
		ms = tvp != NULL
		    ? (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000)
		    : 1000;
		if (r->budget != NULL && ms > r->budget->ms_left)
			ms = (int)r->budget->ms_left;
		/* Copied: c-ares changes r->w while it processes. */
		n = r->nw;
		if (n > r->cappfd) {
			r->cappfd = n;
			r->pfd = xrealloc(r->pfd, n * sizeof(*r->pfd));
		}
		for (i = 0; i < n; i++) {
			r->pfd[i].fd = r->w[i].fd;
			r->pfd[i].events = r->w[i].events;
			r->pfd[i].revents = 0;
		}
		t0 = now_ms();
		rc = poll(r->pfd, (nfds_t)n, ms);
		if (r->budget != NULL)
			r->budget->ms_left -= now_ms() - t0;
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			err_set(err, ERR_IO, "dns: poll: %s", strerror(errno));
			cancel_all(r);
			return err->code;
		}
		for (i = 0; i < n && rc > 0; i++) {
			short ev = r->pfd[i].revents;

			if (ev == 0)
				continue;
			ares_process_fd(r->ch,
			    ev & (POLLIN | POLLERR | POLLHUP | POLLNVAL)
			        ? r->pfd[i].fd
			        : ARES_SOCKET_BAD,
			    ev & POLLOUT ? r->pfd[i].fd : ARES_SOCKET_BAD);
		}
		/* Timeouts. */
		ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
}

int
resolve_one(struct resolver *r, enum resolve_type type, const char *name,
    struct resolve_result *out, struct err *err)
{
	resolve_into(r, type, name, out);
	return resolve_wait(r, err);
}
