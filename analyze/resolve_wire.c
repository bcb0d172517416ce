/*
 * resolve_wire: DNS names to send, and answers parsed from their bytes.
 *
 * Answers are parsed here, not by c-ares' ares_parse_*_reply(), for three
 * things those do not give in c-ares 1.18: the TTL of every type, NXDOMAIN
 * and NODATA told apart with their SOA, and names decoded under our own
 * bounds and escaping.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve_wire.h"
#include "xalloc.h"

#define T_A 1
#define T_CNAME 5
#define T_SOA 6
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define T_TLSA 52
#define C_IN 1

/* Names in a CNAME chain followed within one answer. */
#define MAX_CHAIN 8
/* Compression pointers followed in one name. */
#define MAX_JUMPS 64
/* Longest name on the wire, final zero included. */
#define WIRE_MAX 255

/* ------------------------------------------------------------------------
 * Types and names to send. */

int
resolve_wire_type(enum resolve_type t)
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
	case RESOLVE_TLSA:
		return T_TLSA;
	}
	return 0;
}

/* A byte of a host name's label, in names sent and names read alike. */
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

char *
resolve_wire_qname(const char *name)
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

/* ------------------------------------------------------------------------
 * Results. */

void
resolve_wire_clear(struct resolve_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		free(res->rr[i].text);
	free(res->rr);
	res->rr = NULL;
	res->n = 0;
	res->dropped = 0;
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
	case T_TLSA: {
		/* "255 255 255 " and two hex digits a byte, or "-". */
		size_t cap = 12 + 2 * (size_t)h->rdlen + 2;
		char *text;
		int o;

		if (h->rdlen < 3)
			return -1;
		text = xmalloc(cap);
		o = snprintf(text, cap, "%u %u %u ", d[0], d[1], d[2]);
		if (h->rdlen == 3)
			text[o++] = '-';
		for (p = 3; p < h->rdlen; p++) {
			text[o++] = "0123456789abcdef"[d[p] >> 4];
			text[o++] = "0123456789abcdef"[d[p] & 15];
		}
		text[o] = '\0';
		add_record(res, text, (size_t)o, 0, 0);
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
parse_answer(const unsigned char *abuf, size_t alen, int qtype,
    struct resolve_result *res)
{
	struct msg m = {abuf, alen};
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
		/* FORMERR, NOTIMP, ...: records sent with them go too. */
		res->status = RESOLVE_OTHER;
		snprintf(res->detail, sizeof(res->detail), "rcode %u", rcode);
		break;
	}
	if (res->status == RESOLVE_OK) {
		res->ttl = ttl;
		return 0;
	}
	/* Records come with RESOLVE_OK only, whatever a server sends. */
	resolve_wire_clear(res);
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

int
resolve_wire_answer(
    const unsigned char *msg, size_t len, struct resolve_result *res)
{
	resolve_wire_clear(res);
	res->status = RESOLVE_OTHER;
	res->ttl = 0;
	res->detail[0] = '\0';
	if (parse_answer(msg, len, resolve_wire_type(res->type), res) < 0) {
		resolve_wire_clear(res);
		res->ttl = 0;
		res->status = RESOLVE_OTHER;
		set_detail(res, "malformed answer");
		return -1;
	}
	return 0;
}
