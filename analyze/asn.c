/* asn.c: the network and owner of source addresses; see asn.h. */
#include "asn.h"

#include "db.h"
#include "dnscache.h"
#include "err.h"
#include "pgarray.h"
#include "resolve.h"
#include "text.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Addresses looked up together, and the first batch, a probe: as in
 * rdns.c, for the same reasons. */
#define ASN_BATCH 4096
#define ASN_PROBE RESOLVE_MAX_INFLIGHT
/* Fields read from a record; a last one takes the rest. */
#define MAX_FIELDS 8

/* ------------------------------------------------------------------------
 * Parsing.  A record is fields separated by '|', each trimmed of spaces. */

struct field {
	const char *b, *e; /* [b, e) */
};

static void
trim(struct field *f)
{
	while (f->b < f->e && *f->b == ' ')
		f->b++;
	while (f->e > f->b && f->e[-1] == ' ')
		f->e--;
}

/* Splits s (len bytes) at '|' into at most max fields, the last taking
 * the rest; returns how many. */
static size_t
split(const char *s, size_t len, struct field *f, size_t max)
{
	const char *p = s, *end = s + len;
	size_t n = 0;

	for (;;) {
		const char *bar =
		    n + 1 < max ? memchr(p, '|', (size_t)(end - p)) : NULL;

		f[n].b = p;
		f[n].e = bar != NULL ? bar : end;
		trim(&f[n]);
		n++;
		if (bar == NULL)
			return n;
		p = bar + 1;
	}
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal number in [b, e): digits only, no leading zero, 1..max. */
static int
parse_number(const char *b, const char *e, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (b == e || e - b > 10 || *b == '0')
		return -1;
	for (p = b; p < e; p++) {
		if (!is_digit(*p))
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_asn(const char *b, const char *e, uint32_t *out)
{
	uint64_t v;

	if (parse_number(b, e, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A country: none, or two letters (upper-cased into out). */
static int
parse_country(const struct field *f, char out[3])
{
	out[0] = '\0';
	if (f->e == f->b)
		return 0;
	if (f->e - f->b != 2 || !is_alpha(f->b[0]) || !is_alpha(f->b[1]))
		return -1;
	out[0] = (char)(f->b[0] & ~0x20);
	out[1] = (char)(f->b[1] & ~0x20);
	out[2] = '\0';
	return 0;
}

/* The family and bytes of the address ip. */
static int
address(const char *ip, unsigned char a[16])
{
	if (ip == NULL)
		return -1;
	if (inet_pton(AF_INET, ip, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, ip, a) == 1)
		return AF_INET6;
	return -1;
}

/*
 * The prefix in f, of the family of ip, holding ip, with no host bits set,
 * 1 bit long at least: its canonical text into out, its length into
 * *plen.
 */
static int
parse_prefix(const char *ip, const struct field *f, struct asn_origin *out)
{
	unsigned char a[16], p[16];
	char text[IP_TEXT_MAX];
	const char *slash;
	size_t alen, i;
	uint64_t bits;
	int family;

	if ((family = address(ip, a)) < 0)
		return -1;
	alen = family == AF_INET ? 4 : 16;
	slash = memchr(f->b, '/', (size_t)(f->e - f->b));
	if (slash == NULL || slash == f->b || slash - f->b >= IP_TEXT_MAX)
		return -1;
	memcpy(text, f->b, (size_t)(slash - f->b));
	text[slash - f->b] = '\0';
	if (inet_pton(family, text, p) != 1)
		return -1;
	if (parse_number(slash + 1, f->e, alen * 8, &bits) < 0)
		return -1;
	for (i = 0; i < alen; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8
		    : bits > i * 8                  ? (unsigned)(bits - i * 8)
		                                    : 0;
		unsigned char mask = (unsigned char)(0xff00u >> keep);

		if ((p[i] & ~mask) != 0 || (a[i] & mask) != p[i])
			return -1;
	}
	if (inet_ntop(family, p, text, sizeof(text)) == NULL)
		return -1;
	snprintf(
	    out->prefix, sizeof(out->prefix), "%s/%u", text, (unsigned)bits);
	out->plen = (unsigned)bits;
	return 0;
}

int
asn_parse_origin(
    const char *ip, const char *txt, size_t len, struct asn_origin *out)
{
	struct field f[MAX_FIELDS];
	const char *p, *sp;
	uint32_t other;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (txt == NULL || len > ASN_TXT_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if ((unsigned char)txt[i] < 0x20 ||
		    (unsigned char)txt[i] > 0x7e)
			goto bad;
	}
	n = split(txt, len, f, MAX_FIELDS);
	if (n < 3)
		goto bad;
	/* One AS number or more (a prefix several announce), by spaces. */
	for (p = f[0].b; p < f[0].e; p = sp) {
		sp = memchr(p, ' ', (size_t)(f[0].e - p));
		if (sp == NULL)
			sp = f[0].e;
		if (parse_asn(p, sp, p == f[0].b ? &out->asn : &other) < 0)
			goto bad;
		while (sp < f[0].e && *sp == ' ')
			sp++;
	}
	if (out->asn == 0 || parse_prefix(ip, &f[1], out) < 0 ||
	    parse_country(&f[2], out->country) < 0)
		goto bad;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

int
asn_pick_origin(
    const char *ip, const struct resolve_result *res, struct asn_origin *out)
{
	struct asn_origin o;
	size_t i;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (res == NULL || res->status != RESOLVE_OK)
		return -1;
	for (i = 0; i < res->n; i++) {
		if (asn_parse_origin(ip, res->rr[i].text, res->rr[i].len, &o) <
		    0)
			continue;
		if (!found || o.plen > out->plen ||
		    (o.plen == out->plen && o.asn < out->asn))
			*out = o;
		found = 1;
	}
	return found ? 0 : -1;
}

/* The short form of a name (asn.h), into out. */
static void
handle_of(const struct field *name, char out[ASN_HANDLE_MAX])
{
	struct field h = *name;
	const char *p;
	size_t n;

	for (p = h.b; p + 3 <= h.e; p++) {
		if (memcmp(p, " - ", 3) == 0) {
			h.e = p;
			break;
		}
	}
	if (h.e == name->e && h.e - h.b > 4 && h.e[-3] == ' ' &&
	    h.e[-4] == ',' && is_alpha(h.e[-1]) && is_alpha(h.e[-2]))
		h.e -= 4;
	trim(&h);
	n = (size_t)(h.e - h.b);
	if (n > ASN_HANDLE_MAX - 1)
		n = ASN_HANDLE_MAX - 1;
	memcpy(out, h.b, n);
	out[n] = '\0';
	text_utf8_cut(out);
	n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

int
asn_parse_name(uint32_t asn, const char *txt, size_t len, struct asn_name *out)
{
	struct field f[5];
	uint32_t got;
	size_t i, n, k;

	memset(out, 0, sizeof(*out));
	if (txt == NULL || len > ASN_TXT_MAX)
		return -1;
	for (i = 0; i < len; i += k) {
		const unsigned char *u = (const unsigned char *)txt + i;

		k = utf8_seq_len(u, len - i);
		if (k == 0 || !text_char_printable(u, k))
			goto bad;
	}
	n = split(txt, len, f, 5);
	if (n < 2 || parse_asn(f[0].b, f[0].e, &got) < 0 || got != asn ||
	    parse_country(&f[1], out->country) < 0)
		goto bad;
	if (n == 5) {
		memcpy(out->name, f[4].b, (size_t)(f[4].e - f[4].b));
		out->name[f[4].e - f[4].b] = '\0';
		handle_of(&f[4], out->handle);
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

int
asn_origin_qname(const char *ip, const char *zone, char *out, size_t outlen)
{
	char norm[IP_TEXT_MAX], rev[80];
	size_t keep;
	int v6, n;

	if (ip == NULL || ip_normalize(ip, norm) < 0 ||
	    resolve_reverse_name(norm, rev, sizeof(rev)) < 0)
		return -1;
	v6 = strchr(norm, ':') != NULL;
	/* Without "in-addr.arpa" / "ip6.arpa", the final dot kept. */
	keep = strlen(rev) - strlen(v6 ? "ip6.arpa" : "in-addr.arpa");
	n = snprintf(out, outlen, "%.*sorigin%s.%s", (int)keep, rev,
	    v6 ? "6" : "", zone != NULL ? zone : ASN_ZONE);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
asn_name_qname(uint32_t asn, const char *zone, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "AS%" PRIu32 ".%s", asn,
	    zone != NULL ? zone : ASN_ZONE);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * A set of AS numbers (never 0): those whose name is cached and fresh, or
 * already looked up in this run. */

struct asset {
	uint32_t *v;
	size_t n, cap; /* cap: 0 or a power of two */
};

static size_t
asset_slot(const struct asset *s, uint32_t asn)
{
	size_t i = (size_t)(asn * 2654435761u) & (s->cap - 1);

	while (s->v[i] != 0 && s->v[i] != asn)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
asset_has(const struct asset *s, uint32_t asn)
{
	return s->cap > 0 && s->v[asset_slot(s, asn)] == asn;
}

/* Adds asn; returns 1 when it was not there. */
static int
asset_add(struct asset *s, uint32_t asn)
{
	size_t i;

	if (asset_has(s, asn))
		return 0;
	if (2 * (s->n + 1) > s->cap) {
		struct asset g = {NULL, 0, s->cap == 0 ? 64 : 2 * s->cap};

		g.v = xcalloc(g.cap, sizeof(*g.v));
		for (i = 0; i < s->cap; i++) {
			if (s->v[i] != 0) {
				g.v[asset_slot(&g, s->v[i])] = s->v[i];
				g.n++;
			}
		}
		free(s->v);
		*s = g;
	}
	s->v[asset_slot(s, asn)] = asn;
	s->n++;
	return 1;
}

static int
fresh_row(void *arg, int ncols, const char *const *v, struct err *err)
{
	uint32_t asn;

	(void)ncols;
	(void)err;
	if (v[0] != NULL && parse_asn(v[0], v[0] + strlen(v[0]), &asn) == 0)
		asset_add(arg, asn);
	return 0;
}

/* ------------------------------------------------------------------------
 * Refresh. */

/* The source IPs of the period ($1 the domain or NULL for all, $2 the
 * earliest beginning) that the reverse DNS gives no name: first a row
 * (address NULL) with their count and that of those without an unexpired
 * answer cached, then at most $3 of the latter, those with the most
 * messages (then the lowest address: the same for every run over the
 * same data).  In address order, so that two runs at once upsert in the
 * same order. */
static const char want_sql[] =
    "WITH s AS (SELECT host(x.source_ip)::inet AS ip, "
    "                  coalesce(sum(x.count), 0) AS messages "
    "      FROM counted_reports r JOIN records x ON x.report = r.id "
    "      WHERE ($1::text IS NULL OR lower(r.domain) = lower($1::text)) "
    "        AND r.date_begin >= to_timestamp($2::bigint) "
    "      GROUP BY 1), "
    "n AS (SELECT s.ip, s.messages FROM s "
    "      WHERE NOT EXISTS (SELECT 1 FROM rdns d WHERE d.ip = s.ip "
    "          AND d.confirmed AND (d.orgdomain IS NOT NULL "
    "                               OR d.service IS NOT NULL))), "
    "w AS (SELECT n.ip, n.messages FROM n "
    "      WHERE NOT EXISTS (SELECT 1 FROM ip_owner o WHERE o.ip = n.ip "
    "                          AND o.expires_at > now())) "
    "SELECT host(u.ip), u.wanted, u.stale "
    "FROM (SELECT NULL::inet AS ip, (SELECT count(*) FROM n) AS wanted, "
    "             (SELECT count(*) FROM w) AS stale "
    "      UNION ALL "
    "      (SELECT ip, NULL, NULL FROM w "
    "       ORDER BY messages DESC, ip LIMIT $3::bigint)) u "
    "ORDER BY u.ip NULLS FIRST";

/* For an address (an AS) whose lookup failed (keep), the values found
 * before stay; its status and expiry are new. */
static const char store_owner_sql[] =
    "INSERT INTO ip_owner AS d (ip, status, asn, prefix, country, "
    "    resolved_at, expires_at) "
    "SELECT u.ip, u.status, "
    "       CASE WHEN u.keep THEN o.asn ELSE u.asn END, "
    "       CASE WHEN u.keep THEN o.prefix ELSE u.prefix END, "
    "       CASE WHEN u.keep THEN o.country ELSE u.country END, "
    "       now(), now() + make_interval(secs => u.ttl) "
    "FROM unnest($1::inet[], $2::text[], $3::bigint[], $4::cidr[], "
    "            $5::text[], $6::integer[], $7::boolean[]) "
    "     AS u(ip, status, asn, prefix, country, ttl, keep) "
    "LEFT JOIN ip_owner o ON o.ip = u.ip "
    "ON CONFLICT (ip) DO UPDATE SET status = excluded.status, "
    "    asn = excluded.asn, prefix = excluded.prefix, "
    "    country = excluded.country, resolved_at = excluded.resolved_at, "
    "    expires_at = excluded.expires_at";

static const char store_name_sql[] =
    "INSERT INTO as_names AS d (asn, status, handle, name, country, "
    "    resolved_at, expires_at) "
    "SELECT u.asn, u.status, "
    "       CASE WHEN u.keep THEN o.handle ELSE u.handle END, "
    "       CASE WHEN u.keep THEN o.name ELSE u.name END, "
    "       CASE WHEN u.keep THEN o.country ELSE u.country END, "
    "       now(), now() + make_interval(secs => u.ttl) "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
    "            $5::text[], $6::integer[], $7::boolean[]) "
    "     AS u(asn, status, handle, name, country, ttl, keep) "
    "LEFT JOIN as_names o ON o.asn = u.asn "
    "ON CONFLICT (asn) DO UPDATE SET status = excluded.status, "
    "    handle = excluded.handle, name = excluded.name, "
    "    country = excluded.country, resolved_at = excluded.resolved_at, "
    "    expires_at = excluded.expires_at";

static const struct dnscache_ttls ttls = {
    ASN_TTL_MIN, ASN_TTL_MAX, ASN_TTL_NEGATIVE, ASN_TTL_TROUBLE};

/* How long the answer res is kept (asn.h). */
static unsigned
answer_ttl(const struct resolve_result *res)
{
	return dnscache_ttl(&ttls, res->status, res->ttl);
}

/* The status stored for res: "malformed" for an answer without a good
 * record. */
static const char *
answer_status(const struct resolve_result *res, int good)
{
	if (res->status == RESOLVE_OK && !good)
		return "malformed";
	return resolve_status_name(res->status);
}

/* Rows for one statement: ip_owner's or as_names's columns, in order. */
struct rows {
	struct pgarray key, status, a, b, c, ttl, keep;
	size_t n;
};

static void
rows_free(struct rows *w)
{
	pgarray_free(&w->key);
	pgarray_free(&w->status);
	pgarray_free(&w->a);
	pgarray_free(&w->b);
	pgarray_free(&w->c);
	pgarray_free(&w->ttl);
	pgarray_free(&w->keep);
	w->n = 0;
}

static void
rows_add(struct rows *w, const char *key, const struct resolve_result *res,
    const char *status, const char *a, const char *b, const char *c)
{
	char ttl[16];

	snprintf(ttl, sizeof(ttl), "%u", answer_ttl(res));
	pgarray_add(&w->key, key);
	pgarray_add(&w->status, status);
	pgarray_add(&w->a, a);
	pgarray_add(&w->b, b);
	pgarray_add(&w->c, c);
	pgarray_add(&w->ttl, ttl);
	pgarray_add(&w->keep, resolve_status_trouble(res->status) ? "t" : "f");
	w->n++;
}

static int
rows_store(struct db *db, const char *sql, struct rows *w, struct err *err)
{
	const char *params[7];

	if (w->n == 0)
		return 0;
	params[0] = pgarray_end(&w->key);
	params[1] = pgarray_end(&w->status);
	params[2] = pgarray_end(&w->a);
	params[3] = pgarray_end(&w->b);
	params[4] = pgarray_end(&w->c);
	params[5] = pgarray_end(&w->ttl);
	params[6] = pgarray_end(&w->keep);
	if (pgarray_check(params, 7, err) < 0)
		return ERR_LIMIT;
	return db_exec(db, sql, 7, params, err);
}

/* The row of an address whose origin lookup is res. */
static void
add_owner(struct rows *w, const char *ip, const struct resolve_result *res,
    struct asn_origin *o)
{
	char asn[16];
	int good = asn_pick_origin(ip, res, o) == 0;

	snprintf(asn, sizeof(asn), "%" PRIu32, o->asn);
	rows_add(w, ip, res, answer_status(res, good), good ? asn : NULL,
	    good ? o->prefix : NULL,
	    good && o->country[0] != '\0' ? o->country : NULL);
}

/* Stores n addresses as timeouts without asking (see ASN_PROBE). */
static int
store_unasked(struct db *db, char *const *ip, size_t n, struct asn_stats *st,
    struct err *err)
{
	struct resolve_result res;
	struct rows w;
	size_t i;
	int rc;

	memset(&res, 0, sizeof(res));
	res.status = RESOLVE_TIMEOUT;
	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++)
		rows_add(&w, ip[i], &res, resolve_status_name(res.status), NULL,
		    NULL, NULL);
	st->trouble += n;
	rc = rows_store(db, store_owner_sql, &w, err);
	if (rc < 0)
		err_prefix(err, "cannot store address owners");
	rows_free(&w);
	return rc;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Looks up the names of the n AS numbers in asn (sorted here) and stores
 * them. */
static int
names_batch(struct db *db, struct resolver *r, const char *zone, uint32_t *asn,
    size_t n, struct asn_stats *st, struct err *err)
{
	struct resolve_result *res;
	struct rows w;
	char qname[ASN_QNAME_MAX], key[16];
	size_t i, j;
	int rc;

	if (n == 0)
		return 0;
	qsort(asn, n, sizeof(*asn), cmp_u32);
	res = xcalloc(n, sizeof(*res));
	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		if (asn_name_qname(asn[i], zone, qname, sizeof(qname)) < 0)
			qname[0] = '\0'; /* not sent: RESOLVE_BADNAME */
		resolve_into(r, RESOLVE_TXT, qname, &res[i]);
	}
	rc = resolve_wait(r, err);
	if (rc < 0) {
		err_prefix(err, "AS names");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct asn_name nm;
		int good = 0;

		memset(&nm, 0, sizeof(nm));
		for (j = 0; res[i].status == RESOLVE_OK && j < res[i].n; j++) {
			if (asn_parse_name(asn[i], res[i].rr[j].text,
			        res[i].rr[j].len, &nm) == 0) {
				good = 1;
				break;
			}
		}
		st->names++;
		/* Not asked for the time budget: nothing stored. */
		if (res[i].status == RESOLVE_BUDGET) {
			st->names_trouble++;
			continue;
		}
		snprintf(key, sizeof(key), "%" PRIu32, asn[i]);
		rows_add(&w, key, &res[i], answer_status(&res[i], good),
		    good && nm.handle[0] != '\0' ? nm.handle : NULL,
		    good && nm.name[0] != '\0' ? nm.name : NULL,
		    good && nm.country[0] != '\0' ? nm.country : NULL);
		if (resolve_status_trouble(res[i].status))
			st->names_trouble++;
	}
	rc = rows_store(db, store_name_sql, &w, err);
	if (rc < 0)
		err_prefix(err, "cannot store AS names");
out:
	for (i = 0; i < n; i++)
		resolve_result_clear(&res[i]);
	free(res);
	rows_free(&w);
	return rc;
}

/* Looks up the origin of n addresses, then the names of the ASes found
 * that known does not hold (added to it), and stores both; *timeouts
 * counts the origin lookups that timed out. */
static int
refresh_batch(struct db *db, struct resolver *r, const char *zone,
    char *const *ip, size_t n, struct asset *known, struct asn_stats *st,
    size_t *timeouts, struct err *err)
{
	struct resolve_result *res = xcalloc(n, sizeof(*res));
	uint32_t *todo = xcalloc(n, sizeof(*todo));
	char qname[ASN_QNAME_MAX];
	struct rows w;
	size_t i, ntodo = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		if (asn_origin_qname(ip[i], zone, qname, sizeof(qname)) < 0)
			qname[0] = '\0'; /* not sent: RESOLVE_BADNAME */
		resolve_into(r, RESOLVE_TXT, qname, &res[i]);
	}
	rc = resolve_wait(r, err);
	if (rc < 0) {
		/* The rest were cancelled: nothing of this batch is an
		 * answer. */
		err_prefix(err, "address owners");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct asn_origin o;

		/* Not asked for the time budget: nothing stored. */
		if (res[i].status == RESOLVE_BUDGET) {
			st->trouble++;
			continue;
		}
		add_owner(&w, ip[i], &res[i], &o);
		if (o.asn != 0 && asset_add(known, o.asn))
			todo[ntodo++] = o.asn;
		if (res[i].status == RESOLVE_TIMEOUT)
			(*timeouts)++;
		if (resolve_status_trouble(res[i].status))
			st->trouble++;
		else
			st->resolved++;
	}
	rc = rows_store(db, store_owner_sql, &w, err);
	if (rc < 0)
		err_prefix(err, "cannot store address owners");
	else
		rc = names_batch(db, r, zone, todo, ntodo, st, err);
out:
	for (i = 0; i < n; i++)
		resolve_result_clear(&res[i]);
	free(res);
	free(todo);
	rows_free(&w);
	return rc;
}

/* What dnscache_run() hands back to this cache. */
struct run {
	struct db *db;
	struct resolver *r;
	const char *zone;
	struct asset *known;
	struct asn_stats *st;
};

/* The AS names cached, so that each is asked once. */
static int
run_prepare(void *ctx, struct err *err)
{
	struct run *x = ctx;
	int rc;

	if ((rc = db_each(x->db,
	         "SELECT asn FROM as_names WHERE expires_at > now()", 0, NULL,
	         fresh_row, x->known, err)) < 0)
		err_prefix(err, "cannot read the cached AS names");
	return rc;
}

static int
run_lookup(
    void *ctx, char *const *ip, size_t n, size_t *timeouts, struct err *err)
{
	struct run *x = ctx;

	return refresh_batch(
	    x->db, x->r, x->zone, ip, n, x->known, x->st, timeouts, err);
}

static int
run_unasked(void *ctx, char *const *ip, size_t n, struct err *err)
{
	struct run *x = ctx;

	return store_unasked(x->db, ip, n, x->st, err);
}

int
asn_refresh(struct db *db, struct resolver *r, const char *zone,
    const char *domain, int64_t since,
    void (*progress)(size_t done, size_t total), struct asn_stats *st,
    struct err *err)
{
	struct asn_stats local;
	struct asset known = {NULL, 0, 0};
	struct run x = {db, r, zone, &known, NULL};
	const struct dnscache_ops ops = {
	    &x, run_prepare, run_lookup, run_unasked};
	int rc;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	x.st = st;
	rc = dnscache_run(db, want_sql, domain, since, ASN_WANT_MAX, ASN_PROBE,
	    ASN_BATCH, &ops, progress, &st->wanted, &st->fresh, &st->left, err);
	free(known.v);
	return rc;
}
