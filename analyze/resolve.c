/*
 * resolve: many DNS lookups at once, on c-ares.
 *
 * c-ares sends the queries, retries them and times them out; the event
 * loop here polls the sockets c-ares reports through its socket-state
 * callback (no FD_SETSIZE limit).  Answers are parsed here, not by c-ares'
 * ares_parse_*_reply(), for three things those do not give in c-ares 1.18:
 * the TTL of every type, NXDOMAIN and NODATA told apart with their SOA, and
 * names decoded under our own bounds and escaping.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ipaddr.h"
#include "resolve.h"
#include "text.h"
#include "xalloc.h"

#define T_A 1
#define T_CNAME 5
#define T_SOA 6
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define C_IN 1

/* Names in a CNAME chain followed within one answer. */
#define MAX_CHAIN 8
/* Compression pointers followed in one name. */
#define MAX_JUMPS 64
/* Longest name on the wire, final zero included. */
#define WIRE_MAX 255

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
	case RESOLVE_OTHER:
		break;
	}
	return "other";
}

int
resolve_status_trouble(enum resolve_status s)
{
	return s == RESOLVE_SERVFAIL || s == RESOLVE_REFUSED ||
	    s == RESOLVE_TIMEOUT || s == RESOLVE_OTHER;
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
	}
	return "?";
}

static int
wire_type(enum resolve_type t)
{
	switch (t) {
	case RESOLVE_A:
		return T_A;
	case RESOLVE_AAAA:
		return T_AAAA;
	case RESOLVE_PTR:
		return T_PTR;
	case RESOLVE_TXT:
		return T_TXT;
	case RESOLVE_MX:
		return T_MX;
	}
	return 0;
}

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/*
 * Checks a name to send: letters, digits, '-' and '_' in labels of 1-63
 * bytes, 253 bytes in all, one final dot allowed.  Returns a lower-cased
 * copy without the final dot, or NULL.
 */
static char *
query_name(const char *name)
{
	size_t len, i, label = 0;
	char *out;

	if (name == NULL)
		return NULL;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0)
				return NULL;
			label = 0;
		} else if (is_ldh(c)) {
			if (++label > 63)
				return NULL;
		} else {
			return NULL;
		}
	}
	if (label == 0)
		return NULL;
	out = xstrndup(name, len);
	for (i = 0; i < len; i++)
		out[i] = (char)lower((unsigned char)out[i]);
	return out;
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

/* Frees the records of res, keeping its name and status. */
static void
clear_records(struct resolve_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		free(res->rr[i].text);
	free(res->rr);
	res->rr = NULL;
	res->n = 0;
	res->dropped = 0;
}

void
resolve_result_clear(struct resolve_result *res)
{
	if (res == NULL)
		return;
	clear_records(res);
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

static void
add_record(struct resolve_result *res, char *text, size_t len, unsigned pref,
    int hostname)
{
	struct resolve_record *rr;

	if (res->n >= RESOLVE_MAX_RECORDS) {
		free(text);
		res->dropped++;
		return;
	}
	if (res->rr == NULL)
		res->rr = xcalloc(RESOLVE_MAX_RECORDS, sizeof(*res->rr));
	rr = &res->rr[res->n++];
	rr->text = text;
	rr->len = len;
	rr->pref = pref;
	rr->hostname = hostname;
}

/* ------------------------------------------------------------------------
 * Answers.  Every read is checked against the message length; a name is
 * decoded to uncompressed wire form (at most WIRE_MAX bytes) following at
 * most MAX_JUMPS pointers, each pointing before the label that holds it,
 * so no message can make us loop. */

struct msg {
	const unsigned char *b;
	size_t len;
};

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Reads the name at *pos into wire (uncompressed, ending in the zero
 * label) and moves *pos past it.  Returns the wire length, or -1 when the
 * name is malformed.
 */
static int
read_name(const struct msg *m, size_t *pos, unsigned char wire[WIRE_MAX])
{
	size_t p = *pos, w = 0, end = 0;
	int jumps = 0, jumped = 0;

	for (;;) {
		unsigned c;

		if (p >= m->len)
			return -1;
		c = m->b[p];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (p + 1 >= m->len || ++jumps > MAX_JUMPS)
				return -1;
			to = (size_t)(c & 0x3f) << 8 | m->b[p + 1];
			if (to >= p)
				return -1;
			if (!jumped)
				end = p + 2;
			jumped = 1;
			p = to;
			continue;
		}
		if ((c & 0xc0) != 0)
			return -1;
		if (c == 0) {
			if (w + 1 > WIRE_MAX)
				return -1;
			wire[w++] = 0;
			if (!jumped)
				end = p + 1;
			break;
		}
		if (p + 1 + c > m->len || w + 1 + c + 1 > WIRE_MAX)
			return -1;
		memcpy(wire + w, m->b + p, 1 + c);
		w += 1 + c;
		p += 1 + c;
	}
	*pos = end;
	return (int)w;
}

static int
wire_equal(const unsigned char *a, int alen, const unsigned char *b, int blen)
{
	int i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++) {
		if (lower(a[i]) != lower(b[i]))
			return 0;
	}
	return 1;
}

/*
 * The printable text of a wire name (see struct resolve_record), owned by
 * the caller; *hostname tells whether it may be looked up.
 */
static char *
wire_text(const unsigned char *wire, int *hostname)
{
	char *out = xmalloc(RESOLVE_NAME_MAX);
	size_t o = 0, i = 0;
	int host = 1;

	while (wire[i] != 0) {
		size_t n = wire[i++], k;

		if (o > 0)
			out[o++] = '.';
		for (k = 0; k < n; k++, i++) {
			unsigned char c = wire[i];

			if (is_ldh(c)) {
				out[o++] = (char)lower(c);
			} else {
				o += (size_t)snprintf(
				    out + o, RESOLVE_NAME_MAX - o, "\\%03u", c);
				host = 0;
			}
		}
	}
	out[o] = '\0';
	if (o == 0 || o > 253)
		host = 0;
	*hostname = host;
	return out;
}

struct rrhdr {
	unsigned char owner[WIRE_MAX];
	int olen;
	unsigned type, class;
	uint32_t ttl;
	size_t rdata, rdlen;
};

/* Reads the record header at *pos and moves *pos past its data. */
static int
read_rr(const struct msg *m, size_t *pos, struct rrhdr *h)
{
	h->olen = read_name(m, pos, h->owner);
	if (h->olen < 0 || *pos + 10 > m->len)
		return -1;
	h->type = get16(m->b + *pos);
	h->class = get16(m->b + *pos + 2);
	h->ttl = get32(m->b + *pos + 4);
	/* RFC 2181 section 8: a TTL with the top bit set means zero. */
	if (h->ttl & 0x80000000u)
		h->ttl = 0;
	h->rdlen = get16(m->b + *pos + 8);
	h->rdata = *pos + 10;
	if (h->rdata + h->rdlen > m->len)
		return -1;
	*pos = h->rdata + h->rdlen;
	return 0;
}

struct chain {
	unsigned char name[MAX_CHAIN][WIRE_MAX];
	int len[MAX_CHAIN];
	int n;
};

static int
in_chain(const struct chain *c, const struct rrhdr *h)
{
	int i;

	for (i = 0; i < c->n; i++) {
		if (wire_equal(c->name[i], c->len[i], h->owner, h->olen))
			return 1;
	}
	return 0;
}

static void
min_ttl(unsigned *ttl, int *have, uint32_t t)
{
	if (!*have || t < *ttl)
		*ttl = t;
	*have = 1;
}

/* Decodes the data of one record of the type asked into res. */
static int
take_record(
    const struct msg *m, const struct rrhdr *h, struct resolve_result *res)
{
	const unsigned char *d = m->b + h->rdata;
	char addr[INET6_ADDRSTRLEN];
	unsigned char wire[WIRE_MAX];
	size_t p;
	int host;

	switch (h->type) {
	case T_A:
		if (h->rdlen != 4 || !inet_ntop(AF_INET, d, addr, sizeof(addr)))
			return -1;
		add_record(res, xstrdup(addr), strlen(addr), 0, 0);
		return 0;
	case T_AAAA:
		if (h->rdlen != 16 ||
		    !inet_ntop(AF_INET6, d, addr, sizeof(addr)))
			return -1;
		add_record(res, xstrdup(addr), strlen(addr), 0, 0);
		return 0;
	case T_PTR:
	case T_MX: {
		unsigned pref = 0;
		char *text;

		p = h->rdata;
		if (h->type == T_MX) {
			if (h->rdlen < 3)
				return -1;
			pref = get16(d);
			p += 2;
		}
		if (read_name(m, &p, wire) < 0 || p != h->rdata + h->rdlen)
			return -1;
		text = wire_text(wire, &host);
		add_record(res, text, strlen(text), pref, host);
		return 0;
	}
	case T_TXT: {
		char *text = xmalloc(h->rdlen + 1);
		size_t o = 0;

		p = 0;
		while (p < h->rdlen) {
			size_t n = d[p++];

			if (p + n > h->rdlen) {
				free(text);
				return -1;
			}
			memcpy(text + o, d + p, n);
			o += n;
			p += n;
		}
		text[o] = '\0';
		add_record(res, text, o, 0, 0);
		return 0;
	}
	}
	return -1;
}

/*
 * Fills res from the answer message: status from the rcode and the
 * records, the records of the type asked on the CNAME chain from the name
 * asked, and the TTL.  Returns -1 when the message is malformed.
 */
static int
parse_answer(
    const unsigned char *abuf, int alen, int qtype, struct resolve_result *res)
{
	struct msg m = {abuf, (size_t)alen};
	struct chain ch;
	struct rrhdr h;
	size_t pos, ans;
	unsigned qd, an, ns, i, rcode, ttl = 0;
	int grew, have = 0, bad = 0;

	if (alen < 12)
		return -1;
	rcode = abuf[3] & 0x0f;
	qd = get16(abuf + 4);
	an = get16(abuf + 6);
	ns = get16(abuf + 8);
	if (qd != 1)
		return -1;
	pos = 12;
	ch.len[0] = read_name(&m, &pos, ch.name[0]);
	if (ch.len[0] < 0 || pos + 4 > m.len)
		return -1;
	ch.n = 1;
	pos += 4;
	ans = pos;

	/* The chain: CNAMEs whose owner is on it add their target. */
	do {
		grew = 0;
		pos = ans;
		for (i = 0; i < an; i++) {
			size_t p;

			if (read_rr(&m, &pos, &h) < 0)
				return -1;
			if (h.type != T_CNAME || h.class != C_IN ||
			    !in_chain(&ch, &h) || ch.n >= MAX_CHAIN)
				continue;
			p = h.rdata;
			ch.len[ch.n] = read_name(&m, &p, ch.name[ch.n]);
			if (ch.len[ch.n] < 0)
				return -1;
			h.olen = ch.len[ch.n];
			memcpy(h.owner, ch.name[ch.n], (size_t)h.olen);
			if (!in_chain(&ch, &h)) {
				ch.n++;
				grew = 1;
			}
		}
	} while (grew && ch.n < MAX_CHAIN);

	/* The records asked for, and the TTLs of the chain. */
	pos = ans;
	for (i = 0; i < an; i++) {
		if (read_rr(&m, &pos, &h) < 0)
			return -1;
		if (h.class != C_IN || !in_chain(&ch, &h))
			continue;
		if (h.type == T_CNAME) {
			min_ttl(&ttl, &have, h.ttl);
		} else if (h.type == (unsigned)qtype) {
			if (take_record(&m, &h, res) < 0) {
				bad++;
				continue;
			}
			min_ttl(&ttl, &have, h.ttl);
		}
	}

	switch (rcode) {
	case 0:
		res->status =
		    res->n + res->dropped > 0 ? RESOLVE_OK : RESOLVE_NODATA;
		break;
	case 2:
		res->status = RESOLVE_SERVFAIL;
		break;
	case 3:
		res->status = RESOLVE_NXDOMAIN;
		break;
	case 5:
		res->status = RESOLVE_REFUSED;
		break;
	default:
		res->status = RESOLVE_OTHER;
		snprintf(res->detail, sizeof(res->detail), "rcode %u", rcode);
		return 0;
	}
	if (res->status == RESOLVE_OK) {
		res->ttl = ttl;
		return 0;
	}
	/* Records come with RESOLVE_OK only, whatever a server sends. */
	clear_records(res);
	if (res->status == RESOLVE_NODATA && bad > 0) {
		/* Records of the type were there, none readable. */
		res->status = RESOLVE_OTHER;
		set_detail(res, "malformed record in the answer");
		return 0;
	}
	res->ttl = 0;
	if (res->status != RESOLVE_NXDOMAIN && res->status != RESOLVE_NODATA)
		return 0;
	/* Negative caching: the SOA in the authority section (RFC 2308). */
	for (i = 0; i < ns; i++) {
		unsigned char wire[WIRE_MAX];
		size_t p;

		if (read_rr(&m, &pos, &h) < 0)
			return 0;
		if (h.type != T_SOA)
			continue;
		p = h.rdata;
		if (read_name(&m, &p, wire) < 0 ||
		    read_name(&m, &p, wire) < 0 || p + 20 > h.rdata + h.rdlen)
			return 0;
		res->ttl = h.ttl;
		if (get32(m.b + p + 16) < res->ttl)
			res->ttl = get32(m.b + p + 16);
		break;
	}
	return 0;
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
	if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION ||
	    abuf == NULL || alen <= 0) {
		from_ares_status(status, &q->res);
	} else if (parse_answer(abuf, alen, wire_type(q->res.type), &q->res) <
	    0) {
		clear_records(&q->res);
		q->res.ttl = 0;
		q->res.status = RESOLVE_OTHER;
		set_detail(&q->res, "malformed answer");
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
		/* c-ares may call on_answer() before it returns. */
		r->inflight++;
		ares_query(r->ch, q->qname, C_IN, wire_type(q->res.type),
		    on_answer, q);
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
		q->qname = query_name(name);
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

		launch(r);
		if (r->inflight == 0 && r->head == NULL)
			return 0;
		tvp = ares_timeout(r->ch, NULL, &tv);
		ms = tvp != NULL
		    ? (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000)
		    : 1000;
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
		rc = poll(r->pfd, (nfds_t)n, ms);
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
