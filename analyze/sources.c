/*
 * sources: the rows of source_overview() as structs; see sources.h.
 */
#include "sources.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dynbuf.h"
#include "err.h"
#include "ipaddr.h"
#include "text.h"
#include "verdict.h"
#include "xalloc.h"

void
source_failures_clear(struct source_failures *f)
{
	free(f->auth);
	free(f->dkim);
	free(f->selector);
	free(f->spf);
	free(f->from);
	free(f->subject);
	memset(f, 0, sizeof(*f));
}

static void
failures_free(struct source_failures *f)
{
	if (f == NULL)
		return;
	source_failures_clear(f);
	free(f);
}

void
source_clear(struct source *s)
{
	failures_free(s->failures);
	free(s->ip);
	free(s->service);
	free(s->ptr);
	free(s->cause);
	free(s->who);
	strv_free(s->dkim_domains, s->n_dkim);
	strv_free(s->spf_domains, s->n_spf);
	memset(s, 0, sizeof(*s));
}

static char **
strv_copy(char *const *v, size_t n)
{
	char **out = n > 0 ? xcalloc(n, sizeof(*out)) : NULL;

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static struct source_failures *
failures_copy(const struct source_failures *f)
{
	struct source_failures *c;

	if (f == NULL)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->n = f->n;
	c->latest = f->latest;
	c->auth = dup_or_null(f->auth);
	c->dkim = dup_or_null(f->dkim);
	c->selector = dup_or_null(f->selector);
	c->spf = dup_or_null(f->spf);
	c->from = dup_or_null(f->from);
	c->subject = dup_or_null(f->subject);
	return c;
}

void
source_copy(struct source *dst, const struct source *src)
{
	*dst = *src;
	dst->ip = dup_or_null(src->ip);
	dst->service = dup_or_null(src->service);
	dst->ptr = dup_or_null(src->ptr);
	dst->cause = dup_or_null(src->cause);
	dst->who = dup_or_null(src->who);
	dst->dkim_domains = strv_copy(src->dkim_domains, src->n_dkim);
	dst->spf_domains = strv_copy(src->spf_domains, src->n_spf);
	dst->failures = failures_copy(src->failures);
}

void
sources_free(struct source_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		source_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * A text[] as PostgreSQL prints it, {a,"b c",...}, split into strings.
 * The elements here are domain names, but a stranger's bytes may be
 * anything: quoted elements with backslash escapes are undone.
 */
static char **
parse_array(const char *s, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (s == NULL || *s != '{')
		return NULL;
	s++;
	while (*s != '\0' && *s != '}') {
		struct dynbuf e;

		/* An element is never longer than the literal. */
		dynbuf_init(&e, strlen(s));
		if (*s == '"') {
			for (s++; *s != '\0' && *s != '"'; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				dynbuf_add(&e, s, 1);
			}
			if (*s == '"')
				s++;
		} else {
			const char *end = s + strcspn(s, ",}");

			dynbuf_add(&e, s, (size_t)(end - s));
			s = end;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = dynbuf_take(&e, NULL);
		if (*s == ',')
			s++;
	}
	return v;
}

static uint64_t
u64_of(const char *s)
{
	/* numeric sums print as integers; a negative or missing one is 0. */
	return s != NULL && *s != '-' ? strtoull(s, NULL, 10) : 0;
}

/* Fills s from the 20 columns source_overview() gives (the query below),
 * from c on. */
static void
fill_source(struct source *s, const char *const *c)
{
	int cls;

	memset(s, 0, sizeof(*s));
	s->ip = xstrdup(c[0]);
	cls = c[1] != NULL ? source_class_parse(c[1]) : -1;
	s->cls = cls >= 0 ? (enum source_class)cls : SOURCE_UNKNOWN;
	s->service = dup_or_null(c[2]);
	s->ptr = dup_or_null(c[3]);
	s->messages = u64_of(c[4]);
	s->passed = u64_of(c[5]);
	s->failed = u64_of(c[6]);
	s->forwarded = u64_of(c[7]);
	s->cause = dup_or_null(c[8]);
	s->cause_messages = u64_of(c[9]);
	s->dkim_domains = parse_array(c[10], &s->n_dkim);
	s->spf_domains = parse_array(c[11], &s->n_spf);
	s->reporters = u64_of(c[12]);
	s->first_seen = c[13] != NULL ? strtoll(c[13], NULL, 10) : 0;
	s->last_seen = c[14] != NULL ? strtoll(c[14], NULL, 10) : 0;
	s->failed_sub = u64_of(c[15]);
	s->failed_np = u64_of(c[16]);
	s->quarantined = u64_of(c[17]);
	s->rejected = u64_of(c[18]);
	s->who = xstrdup(c[19] != NULL ? c[19] : s->ip);
}

/* The columns of source_overview() as fill_source() reads them, the
 * table's columns prefixed with P. */
#define SOURCE_COLUMNS(P)                                                      \
	P "source_ip, " P "class, " P "service, " P "ptr, " P "messages, " P   \
	  "passed, " P "failed, " P "forwarded, " P "cause, " P                \
	  "cause_messages, " P "dkim_domains, " P "spf_domains, " P            \
	  "reporters, extract(epoch FROM " P "first_seen)::bigint, "           \
	  "extract(epoch FROM " P "last_seen)::bigint, " P "failed_sub, " P    \
	  "failed_np, " P "quarantined, " P "rejected"

static void
list_grow(struct source_list *l, size_t *cap)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		l->v = xrealloc(l->v, *cap * sizeof(*l->v));
	}
}

/* A list of sources as a text[] literal (out is initialised here);
 * ERR_USAGE for a bad entry. */
static int
list_array(
    const char *setting, const char *list, struct dynbuf *out, struct err *err)
{
	const char *p = list != NULL ? list : "";

	/* Each entry takes two quotes and a comma more than it is long. */
	dynbuf_init(out, 4 * strlen(p) + 2);
	dynbuf_addstr(out, "{");
	for (;;) {
		char item[128], ip[IP_TEXT_MAX];
		long n = text_list_next(&p, item, sizeof(item));
		size_t len = n > 0 ? (size_t)n : 0;

		if (n < 0)
			break;
		if (len >= sizeof(item))
			return err_set(err, ERR_USAGE,
			    "%s: an entry is longer than %zu bytes", setting,
			    sizeof(item) - 1);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)item[i] < 0x20 || item[i] == '"' ||
			    item[i] == '\\' || item[i] == 0x7f)
				return err_set(err, ERR_USAGE,
				    "%s: an entry holds a control character, a "
				    "quote or a backslash",
				    setting);
		/* What looks like an address or a network must parse (SQL casts
		 * it), so a typo is not silently a name either. */
		if (strchr(item, '/') == NULL &&
		    strspn(item, "0123456789abcdefABCDEF.:") == len) {
			if (ip_normalize(item, ip) < 0)
				return err_set(err, ERR_USAGE,
				    "%s: '%s' is not an address (a service "
				    "name needs a letter past f)",
				    setting, item);
		} else if (strchr(item, '/') != NULL) {
			char addr[128];
			char *slash;
			long bits;

			snprintf(addr, sizeof(addr), "%s", item);
			slash = strchr(addr, '/');
			*slash = '\0';
			bits = strtol(slash + 1, NULL, 10);
			if (ip_normalize(addr, ip) < 0 || bits < 0 ||
			    bits > (strchr(ip, ':') != NULL ? 128 : 32) ||
			    strspn(slash + 1, "0123456789") !=
			        strlen(slash + 1) ||
			    slash[1] == '\0')
				return err_set(err, ERR_USAGE,
				    "%s: '%s' is not a network (ADDRESS/BITS)",
				    setting, item);
		}
		if (out->len > 1)
			dynbuf_addstr(out, ",");
		dynbuf_addstr(out, "\"");
		dynbuf_add(out, item, len);
		dynbuf_addstr(out, "\"");
	}
	dynbuf_addstr(out, "}");
	return 0;
}

int
source_list_array(
    const char *setting, const char *list, char **out, struct err *err)
{
	struct dynbuf b;
	int rc = list_array(setting, list, &b, err);

	if (rc < 0) {
		dynbuf_free(&b);
		*out = NULL;
		return rc;
	}
	*out = dynbuf_take(&b, NULL);
	return 0;
}

/* The parameters every function over source_classes() takes: domain,
 * since, until, legit_share, trusted, ignored; $1 to $6 as PERIOD_ARGS
 * passes them. */
#define PERIOD_ARGS                                                            \
	"$1, to_timestamp($2), coalesce(to_timestamp($3), 'infinity'), "       \
	"$4::numeric / 100, $5::text[], $6::text[]"

struct period_params {
	char since[24], until[24], share[16];
	struct dynbuf trusted, ignored;
	const char *p[14];
};

static int
period_params(struct period_params *pp, const char *domain, int64_t since,
    int64_t until, const struct source_rules *rules, struct err *err)
{
	int rc;

	memset(pp, 0, sizeof(*pp));
	if ((rc = list_array(
	         "trusted_sources", rules->trusted, &pp->trusted, err)) < 0 ||
	    (rc = list_array(
	         "ignored_sources", rules->ignored, &pp->ignored, err)) < 0)
		return rc;
	snprintf(pp->since, sizeof(pp->since), "%lld", (long long)since);
	snprintf(pp->until, sizeof(pp->until), "%lld", (long long)until);
	snprintf(pp->share, sizeof(pp->share), "%d", rules->legit_share);
	pp->p[0] = domain;
	pp->p[1] = pp->since;
	pp->p[2] = until < INT64_MAX ? pp->until : NULL;
	pp->p[3] = pp->share;
	pp->p[4] = pp->trusted.p;
	pp->p[5] = pp->ignored.p;
	return 0;
}

static void
period_params_free(struct period_params *pp)
{
	dynbuf_free(&pp->trusted);
	dynbuf_free(&pp->ignored);
}

/* ---- what a policy would hit (sql/defs/43_source_whatif.sql) --------- */

struct hits_reader {
	struct source_hits *h;
	size_t cap;
};

/* kind, SOURCE_COLUMNS and who, affected, sources: the sources hit most in
 * order, then a row per class. */
static int
on_hit(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct hits_reader *r = arg;
	struct source_hits *h = r->h;
	int cls;

	if (ncols != 23 || c[0] == NULL || c[2] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from source_whatif");
	if (strcmp(c[0], "class") == 0) {
		/* One row a class, each a name source_class_parse() knows. */
		if ((cls = source_class_parse(c[2])) < 0)
			return err_set(
			    err, ERR_DB, "unexpected class from source_whatif");
		h->messages[cls] = u64_of(c[5]);
		h->affected_sum[cls] = u64_of(c[21]);
		h->hits[cls] = u64_of(c[22]);
		return 0;
	}
	if (c[1] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from source_whatif");
	if (h->l.n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		h->l.v = xrealloc(h->l.v, r->cap * sizeof(*h->l.v));
		h->affected =
		    xrealloc(h->affected, r->cap * sizeof(*h->affected));
	}
	fill_source(&h->l.v[h->l.n], c + 1);
	h->affected[h->l.n++] = u64_of(c[21]);
	return 0;
}

int
sources_read_hits(struct db *db, const struct sources_query *q, int pct,
    struct source_hits *out, struct err *err)
{
	struct hits_reader r = {out, 0};
	struct period_params pp;
	char hit[32], spct[16], top[24];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = period_params(
	         &pp, q->domain, q->since, q->until, q->rules, err)) < 0)
		goto out;
	snprintf(hit, sizeof(hit), "{%d,%d,%d}", q->hit[0] != 0, q->hit[1] != 0,
	    q->hit[2] != 0);
	snprintf(spct, sizeof(spct), "%d", pct);
	snprintf(top, sizeof(top), "%zu", q->top);
	pp.p[6] = hit;
	pp.p[7] = spct;
	pp.p[8] = top;
	rc = db_each(db,
	    "SELECT kind, " SOURCE_COLUMNS("") ", who, affected, sources "
	                                       "FROM source_whatif(" PERIOD_ARGS
	                                       ", $7::int[], $8::int, $9::int)",
	    9, pp.p, on_hit, &r, err);
	if (rc < 0)
		source_hits_free(out);
out:
	period_params_free(&pp);
	return rc;
}

void
source_hits_free(struct source_hits *h)
{
	sources_free(&h->l);
	free(h->affected);
	memset(h, 0, sizeof(*h));
}

/* ---- senders and changes, cut in SQL (migration 013) ------------------ */

void
sender_list_free(struct sender_list *l)
{
	for (size_t i = 0; l != NULL && i < l->n; i++) {
		for (size_t k = 0; k < l->v[i].n; k++)
			source_clear(&l->v[i].v[k]);
		free(l->v[i].v);
		free(l->v[i].who);
	}
	if (l != NULL) {
		free(l->v);
		memset(l, 0, sizeof(*l));
	}
}

struct sender_reader {
	struct sender_list *l;
	size_t cap;
	size_t addresses; /* the most asked per sender */
};

static int64_t
i64_of(const char *s)
{
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/*
 * kind, sender, addresses, messages, passed, failed, forwarded,
 * failed_sub, failed_np, quarantined, rejected, first_seen, last_seen,
 * senders, over, class, then an address's SOURCE_COLUMNS and who: rows of
 * a sender in rank order, each sender's addresses in order.
 */
static int
on_sender(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct sender_reader *r = arg;
	struct sender_list *l = r->l;
	struct sender *g;
	int cls;

	if (ncols != 38 || c[0] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from source_senders");
	if (strcmp(c[0], "more") == 0) {
		l->more = (size_t)u64_of(c[1]);
		l->more_addresses = u64_of(c[2]);
		l->more_messages = u64_of(c[3]);
		l->more_failed = u64_of(c[5]);
		l->senders = (size_t)u64_of(c[13]);
		l->more_over = (size_t)u64_of(c[14]);
		return 0;
	}
	cls = c[15] != NULL ? source_class_parse(c[15]) : -1;
	if (cls < 0)
		cls = SOURCE_UNKNOWN;
	if (strcmp(c[0], "class") == 0) {
		struct source_class_total *t = &l->classes[cls];

		t->sources = u64_of(c[2]);
		t->messages = u64_of(c[3]);
		t->passed = u64_of(c[4]);
		t->failed = u64_of(c[5]);
		t->quarantined = u64_of(c[9]);
		t->rejected = u64_of(c[10]);
		return 0;
	}
	if (c[16] == NULL || c[35] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from source_senders");
	/* A new sender when the name changes: its rows come together. */
	if (l->n == 0 || strcmp(l->v[l->n - 1].who, c[35]) != 0) {
		if (l->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 16;
			l->v = xrealloc(l->v, r->cap * sizeof(*l->v));
		}
		g = &l->v[l->n++];
		memset(g, 0, sizeof(*g));
		g->who = xstrdup(c[35]);
		g->cls = (enum source_class)cls;
		g->addresses = (size_t)u64_of(c[2]);
		g->messages = u64_of(c[3]);
		g->passed = u64_of(c[4]);
		g->failed = u64_of(c[5]);
		g->forwarded = u64_of(c[6]);
		g->failed_sub = u64_of(c[7]);
		g->failed_np = u64_of(c[8]);
		g->quarantined = u64_of(c[9]);
		g->rejected = u64_of(c[10]);
		g->first_seen = i64_of(c[11]);
		g->last_seen = i64_of(c[12]);
		g->hit = u64_of(c[37]);
		g->v = xcalloc(
		    g->addresses < r->addresses ? g->addresses : r->addresses,
		    sizeof(*g->v));
	}
	g = &l->v[l->n - 1];
	if (g->n >= r->addresses || g->n >= g->addresses)
		return err_set(
		    err, ERR_DB, "source_senders: more addresses than asked");
	fill_source(&g->v[g->n], c + 16);
	g->v[g->n++].rank = u64_of(c[36]);
	return 0;
}

struct failures_reader {
	struct source_failures *(*slot)(void *arg, const char *ip, uint64_t n);
	void *arg;
};

/* A row of the failure query: ip, count, latest arrival, auth, dkim,
 * selector, spf, from, subject; where its slot says. */
static int
on_failures(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct failures_reader *r = arg;
	struct source_failures *f;

	if (ncols != 9 || c[0] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row of failure reports");
	if ((f = r->slot(r->arg, c[0], u64_of(c[1]))) == NULL)
		return 0;
	f->n = u64_of(c[1]);
	f->latest = c[2] != NULL ? strtoll(c[2], NULL, 10) : -1;
	f->auth = dup_or_null(c[3]);
	f->dkim = dup_or_null(c[4]);
	f->selector = dup_or_null(c[5]);
	f->spf = dup_or_null(c[6]);
	f->from = dup_or_null(c[7]);
	f->subject = dup_or_null(c[8]);
	return 0;
}

int
source_failures_read(struct db *db, const char *domain, const char *ips,
    const char *since, const char *until, unsigned latest,
    struct source_failures *(*slot)(void *arg, const char *ip, uint64_t n),
    void *arg, struct err *err)
{
	struct failures_reader r = {slot, arg};
	char top[16];
	const char *p[5] = {domain, since, until, ips, top};

	snprintf(top, sizeof(top), "%u", latest);
	/* Through failure_reports_domain_day; the count is of all the
	 * address's reports, the rows only its latest. */
	return db_each(db,
	    "SELECT host(source_ip), n, arrival, auth, dkim_domain, "
	    "dkim_selector, spf, orig_from, orig_subject FROM (SELECT "
	    "f.source_ip, count(*) OVER w AS n, row_number() OVER (w ORDER "
	    "BY f.arrival_date DESC NULLS LAST, f.id DESC) AS k, "
	    "extract(epoch FROM f.arrival_date)::bigint AS arrival, "
	    "array_to_string(f.auth_failures, ',') AS auth, f.dkim_domain, "
	    "f.dkim_selector, coalesce(nullif(btrim(split_part(f.spf_dns, "
	    "';', 2)), ''), f.spf_dns) AS spf, f.orig_from, f.orig_subject "
	    "FROM failure_reports f WHERE f.reported_domain = lower($1) AND "
	    "f.day >= (to_timestamp($2::bigint) AT TIME ZONE 'UTC')::date "
	    "AND ($3::bigint IS NULL OR f.day < (to_timestamp($3::bigint) AT "
	    "TIME ZONE 'UTC')::date) AND f.source_ip = ANY ($4::inet[]) "
	    "WINDOW w AS (PARTITION BY f.source_ip)) x WHERE k <= "
	    "$5::int ORDER BY source_ip, k",
	    5, p, on_failures, &r, err);
}

/* The addresses listed, sorted by their text, to find a failure row's
 * in log time: a list may hold SOURCES_TOP * SOURCES_ADDRESSES. */
struct slots {
	struct source **v;
	size_t n;
};

static int
by_ip(const void *a, const void *b)
{
	const struct source *x = *(struct source *const *)a;
	const struct source *y = *(struct source *const *)b;

	return strcmp(x->ip, y->ip);
}

/* The listed address ip names, when its failures are not read yet. */
static struct source_failures *
sender_slot(void *arg, const char *ip, uint64_t n)
{
	struct slots *sl = arg;
	struct source key = {.ip = (char *)ip}, *kp = &key, **f;

	(void)n;
	f = bsearch(&kp, sl->v, sl->n, sizeof(*sl->v), by_ip);
	if (f == NULL || (*f)->failures != NULL)
		return NULL;
	return (*f)->failures = xcalloc(1, sizeof(*(*f)->failures));
}

/*
 * The failure reports (sql/025) of the addresses l lists, about domain in
 * [since, until) by UTC day, onto each: in one query, the latest of each
 * address with their count.
 */
static int
read_failures(struct db *db, const char *domain, const struct period_params *pp,
    struct sender_list *l, struct err *err)
{
	struct dynbuf ips;
	struct slots sl = {0};
	size_t cap = 0;
	int rc;

	/* SOURCES_TOP senders of SOURCES_ADDRESSES addresses fit. */
	dynbuf_init(&ips, 1 << 20);
	for (size_t i = 0; i < l->n; i++)
		cap += l->v[i].n;
	sl.v = xcalloc(cap + 1, sizeof(*sl.v));
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].n; k++) {
			dynbuf_addstr(&ips, ips.len ? "," : "{");
			dynbuf_addstr(&ips, l->v[i].v[k].ip);
			sl.v[sl.n++] = &l->v[i].v[k];
		}
	if (ips.len == 0) {
		dynbuf_free(&ips);
		free(sl.v);
		return 0;
	}
	dynbuf_addstr(&ips, "}");
	qsort(sl.v, sl.n, sizeof(*sl.v), by_ip);
	rc = source_failures_read(
	    db, domain, ips.p, pp->p[1], pp->p[2], 1, sender_slot, &sl, err);
	dynbuf_free(&ips);
	free(sl.v);
	return rc;
}

int
sources_read_senders(struct db *db, const struct sources_query *q,
    struct sender_list *out, struct err *err)
{
	struct sender_reader r = {out, 0, q->addresses};
	struct period_params pp;
	struct dynbuf classes;
	char top[24], addrs[24], hit[32], over[24], of[24], pct[16];
	int rc;

	memset(out, 0, sizeof(*out));
	/* Five class names and their commas. */
	dynbuf_init(&classes, 128);
	if ((rc = period_params(
	         &pp, q->domain, q->since, q->until, q->rules, err)) < 0)
		goto out;
	for (int i = 0; i < SOURCE_NCLASSES; i++) {
		if (q->classes != 0 && !(q->classes & (1u << i)))
			continue;
		dynbuf_addstr(&classes, classes.len ? "," : "{");
		dynbuf_addstr(
		    &classes, source_class_name((enum source_class)i));
	}
	dynbuf_addstr(&classes, "}");
	snprintf(top, sizeof(top), "%zu", q->top);
	snprintf(addrs, sizeof(addrs), "%zu", q->addresses);
	snprintf(hit, sizeof(hit), "{%d,%d,%d}", q->hit[0] != 0, q->hit[1] != 0,
	    q->hit[2] != 0);
	snprintf(over, sizeof(over), "%" PRIu64, q->over_permille);
	snprintf(of, sizeof(of), "%" PRIu64, q->over_of);
	pp.p[6] = q->classes != 0 ? classes.p : NULL;
	pp.p[7] = q->all ? "t" : "f";
	pp.p[8] = top;
	pp.p[9] = addrs;
	pp.p[10] = q->by_hit ? hit : NULL;
	pp.p[11] = q->by_hit ? over : NULL;
	pp.p[12] = of;
	snprintf(pct, sizeof(pct), "%d", q->at_pct ? q->pct : 100);
	pp.p[13] = pct;
	rc = db_each(db,
	    "SELECT kind, sender, addresses, messages, passed, failed, "
	    "forwarded, failed_sub, failed_np, quarantined, rejected, "
	    "extract(epoch FROM first_seen)::bigint, "
	    "extract(epoch FROM last_seen)::bigint, senders, over, "
	    "class, " SOURCE_COLUMNS("a_") ", who, a_rank, hit "
	                                   "FROM source_senders(" PERIOD_ARGS
	                                   ", $7::text[], $8::boolean, "
	                                   "$9::int, $10::int, $11::int[], "
	                                   "$12::numeric * $13::numeric, "
	                                   "$14::int)",
	    14, pp.p, on_sender, &r, err);
	if (rc == 0 && q->failures)
		rc = read_failures(db, q->domain, &pp, out, err);
	if (rc < 0)
		sender_list_free(out);
out:
	dynbuf_free(&classes);
	period_params_free(&pp);
	return rc;
}

struct change_reader {
	struct source_top *t;
	size_t cap;
};

/* SOURCE_COLUMNS, who, more, more_messages: the addresses, then one row
 * with the address NULL for those left out. */
static int
on_change(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct change_reader *r = arg;

	if (ncols != 22)
		return err_set(
		    err, ERR_DB, "unexpected row from source_changes");
	if (c[0] == NULL) {
		r->t->more = (size_t)u64_of(c[20]);
		r->t->more_messages = u64_of(c[21]);
		return 0;
	}
	list_grow(&r->t->l, &r->cap);
	fill_source(&r->t->l.v[r->t->l.n++], c);
	return 0;
}

int
sources_read_changes(struct db *db, const char *domain, int is_new,
    int64_t prev_since, int64_t since, int64_t until,
    const struct source_rules *rules, size_t top, struct source_top *out,
    struct err *err)
{
	struct change_reader r = {out, 0};
	struct period_params pp;
	char prev[24], tops[24];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = period_params(&pp, domain, since, until, rules, err)) < 0)
		goto out;
	snprintf(prev, sizeof(prev), "%lld", (long long)prev_since);
	snprintf(tops, sizeof(tops), "%zu", top);
	pp.p[6] = is_new ? "t" : "f";
	pp.p[7] = prev;
	pp.p[8] = tops;
	rc = db_each(db,
	    "SELECT " SOURCE_COLUMNS(
	        "") ", who, more, more_messages "
	            "FROM source_changes($1, $7::boolean, to_timestamp($8), "
	            "to_timestamp($2), coalesce(to_timestamp($3), 'infinity'), "
	            "$4::numeric / 100, $5::text[], $6::text[], $9::int)",
	    9, pp.p, on_change, &r, err);
	if (rc < 0)
		sources_free(&out->l);
out:
	period_params_free(&pp);
	return rc;
}

static int
on_span(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct domain_span *d = arg;

	if (ncols != 3)
		return err_set(err, ERR_DB, "unexpected row reading reports");
	d->reports = u64_of(c[0]);
	d->first = c[1] != NULL ? strtoll(c[1], NULL, 10) : 0;
	d->last = c[2] != NULL ? strtoll(c[2], NULL, 10) : 0;
	return 0;
}

static int
on_other(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct domain_span *d = arg;
	size_t n = strlen(d->others);

	(void)err;
	if (ncols != 1 || c[0] == NULL)
		return 0;
	/* Names from strangers' reports: printable only, cut whole. */
	if (n + strlen(c[0]) + 3 >= sizeof(d->others))
		return 0;
	snprintf(
	    d->others + n, sizeof(d->others) - n, "%s%s", n ? ", " : "", c[0]);
	for (char *p = d->others + n; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return 0;
}

int
sources_domain_span(
    struct db *db, const char *domain, struct domain_span *out, struct err *err)
{
	const char *p[1] = {domain};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_each(db,
	    "SELECT count(*), extract(epoch FROM min(date_begin))::bigint, "
	    "extract(epoch FROM max(date_end))::bigint FROM reports WHERE "
	    "$1::text IS NULL OR lower(domain) = lower($1)",
	    1, p, on_span, out, err);
	if (rc < 0 || out->reports > 0)
		return rc;
	return db_each(db,
	    "SELECT lower(domain) FROM reports GROUP BY 1 ORDER BY "
	    "sum(messages) DESC, 1 LIMIT 5",
	    0, NULL, on_other, out, err);
}
