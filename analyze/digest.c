/*
 * digest: the periodic summary computed from the database; see digest.h.
 *
 * The numbers come from the same views and functions as `sources` and
 * `advise` (source_days, source_overview(), readiness_inputs()), so the
 * summary never disagrees with them.
 */
#include "digest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advise.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "tls.h"
#include "xalloc.h"

static uint64_t
u64_of(const char *s)
{
	return s != NULL && *s != '-' ? strtoull(s, NULL, 10) : 0;
}

/* ---- domains ---------------------------------------------------------- */

struct names {
	char **v;
	size_t n, cap;
};

static int
on_name(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct names *l = arg;

	(void)err;
	if (ncols < 1 || c[0] == NULL)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(c[0]);
	return 0;
}

static void
names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- volume ----------------------------------------------------------- */

struct volume {
	uint64_t messages, passed;
};

static int
on_volume(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct volume *v = arg;

	(void)err;
	if (ncols == 2) {
		v->messages = u64_of(c[0]);
		v->passed = u64_of(c[1]);
	}
	return 0;
}

static int
on_day(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct digest_domain *d = arg;
	long off;

	(void)err;
	if (ncols != 3 || c[0] == NULL)
		return 0;
	/* The day as its offset into the period, as on_reporter() has it. */
	off = strtol(c[0], NULL, 10);
	if (off >= 0 && (size_t)off < d->ndays) {
		d->days[off].messages = u64_of(c[1]);
		d->days[off].passed = u64_of(c[2]);
	}
	return 0;
}

/* Periods are whole UTC days, and a report counts for every day it covers
 * (source_days.day); unix_day() is the UTC day of Unix seconds. */
/*
 * A report's days are held to 31 (report_days, sql/007_readiness.sql):
 * one with a day in a window that starts at since began at most 32 days
 * before, the bound the queries give for date_begin (so that its index
 * narrows the search), as a parameter: the day has one home, CLOCK_DAY.
 */
static void
begins_from(char *buf, size_t size, int64_t since)
{
	snprintf(
	    buf, size, "%lld", (long long)(since - 32 * (int64_t)CLOCK_DAY));
}

/* The days' rows as the classes read them, merged over reporters. */
#define VOLUME_WHERE                                                           \
	"FROM source_days_classed($1, to_timestamp($2::bigint), "              \
	"to_timestamp($3::bigint))"

static int
read_volume(struct db *db, const char *domain, int64_t a, int64_t b,
    struct volume *v, struct err *err)
{
	char as[24], bs[24];
	const char *p[3] = {domain, as, bs};

	snprintf(as, sizeof(as), "%lld", (long long)a);
	snprintf(bs, sizeof(bs), "%lld", (long long)b);
	memset(v, 0, sizeof(*v));
	return db_each(db,
	    "SELECT coalesce(sum(messages), 0), coalesce(sum(messages) FILTER "
	    "(WHERE pass), 0) " VOLUME_WHERE,
	    3, p, on_volume, v, err);
}

static int
read_days(struct db *db, const struct digest *dg, struct digest_domain *d,
    struct err *err)
{
	char as[24], bs[24];
	const char *p[3] = {d->domain, as, bs};

	d->ndays = (size_t)((dg->until - dg->since) / CLOCK_DAY);
	d->days = xcalloc(d->ndays + 1, sizeof(*d->days));
	for (size_t i = 0; i < d->ndays; i++)
		d->days[i].day = dg->since + (int64_t)i * CLOCK_DAY;
	snprintf(as, sizeof(as), "%lld", (long long)dg->since);
	snprintf(bs, sizeof(bs), "%lld", (long long)dg->until);
	return db_each(db,
	    "SELECT day - unix_day($2), sum(messages), coalesce(sum(messages) "
	    "FILTER (WHERE pass), 0) " VOLUME_WHERE " GROUP BY day",
	    3, p, on_day, d, err);
}

/* ---- source lists ----------------------------------------------------- */

/* Copies s to the end of the list; 0, or -1 when the list is full (more
 * counts it). */
static int
take(struct digest_sources *to, const struct source *s)
{
	if (to->n >= DIGEST_TOP) {
		to->more++;
		return -1;
	}
	if (to->v == NULL)
		to->v = xcalloc(DIGEST_TOP, sizeof(*to->v));
	source_copy(&to->v[to->n++], s);
	return 0;
}

static void
digest_sources_free(struct digest_sources *l)
{
	for (size_t i = 0; i < l->n; i++) {
		source_clear(&l->v[i]);
		if (l->addrs == NULL)
			continue;
		for (size_t k = 0; k < l->addrs[i].n; k++)
			source_clear(&l->addrs[i].v[k]);
		free(l->addrs[i].v);
	}
	free(l->v);
	free(l->addrs);
	memset(l, 0, sizeof(*l));
}

/*
 * The failing senders that may be the owner's (mine: legitimate and
 * unknown, as advise judges them), or the spoofing ones, as
 * source_senders() ranks and cuts them.  A row is its top address with the
 * sender's class, sums and n_addresses; a sender of several addresses has
 * them in to->addrs with their own counts (digest.h).
 */
static int
read_senders(struct db *db, const struct digest *dg,
    const struct digest_options *o, const char *domain, int mine,
    struct digest_sources *to, struct err *err)
{
	struct sources_query q = {0};
	struct sender_list l;
	int rc;

	q.domain = domain;
	q.since = dg->since;
	q.until = dg->until;
	q.rules = &o->rules;
	q.classes = mine ? 1u << SOURCE_LEGITIMATE | 1u << SOURCE_UNKNOWN
	                 : 1u << SOURCE_SPOOFING;
	q.top = DIGEST_TOP;
	q.addresses = DIGEST_ADDRESSES_TOP;
	if ((rc = sources_read_senders(db, &q, &l, err)) < 0)
		return rc;
	to->more = l.more;
	for (size_t i = 0; i < l.n; i++) {
		struct sender *g = &l.v[i];
		struct source row = g->v[0];
		struct digest_addresses *a;

		row.cls = g->cls;
		row.messages = g->messages;
		row.passed = g->passed;
		row.failed = g->failed;
		row.forwarded = g->forwarded;
		row.first_seen = g->first_seen;
		row.last_seen = g->last_seen;
		row.n_addresses = g->addresses > 1 ? g->addresses : 0;
		take(to, &row);
		if (g->addresses < 2)
			continue;
		if (to->addrs == NULL)
			to->addrs = xcalloc(DIGEST_TOP, sizeof(*to->addrs));
		/* The sender's addresses move into the digest. */
		a = &to->addrs[to->n - 1];
		a->v = g->v;
		a->n = g->n;
		g->v = NULL;
		g->n = 0;
	}
	sender_list_free(&l);
	return 0;
}

/* New and stopped addresses, biggest first, cut in SQL
 * (source_changes()): never a list of every address walked here. */
static int
read_changes(struct db *db, const struct digest *dg,
    const struct digest_options *o, const char *domain, int is_new,
    struct digest_sources *to, struct err *err)
{
	struct source_top t;
	int rc;

	if ((rc = sources_read_changes(db, domain, is_new, dg->prev_since,
	         dg->since, dg->until, &o->rules, DIGEST_TOP, &t, err)) < 0)
		return rc;
	to->v = t.l.v;
	to->n = t.l.n;
	to->more = t.more;
	return 0;
}

static int
fill_sources(struct db *db, const struct digest *dg,
    const struct digest_options *o, struct digest_domain *d, struct err *err)
{
	int rc;

	if ((rc = read_senders(
	         db, dg, o, d->domain, 1, &d->failing_legit, err)) < 0 ||
	    (rc = read_senders(db, dg, o, d->domain, 0, &d->spoofing, err)) <
	        0 ||
	    (rc = read_changes(db, dg, o, d->domain, 1, &d->new_sources, err)) <
	        0 ||
	    (rc = read_changes(db, dg, o, d->domain, 0, &d->stopped, err)) < 0)
		return rc;
	return 0;
}

/* ---- reporters -------------------------------------------------------- */

struct reporters {
	struct digest_domain *d;
	const struct digest *dg;
	size_t cap;
	/* d->reporters by name: indices in strcmp order, for a binary search
	 * (at most DIGEST_REPORTERS_TOP names: the query cuts the list). */
	size_t *by_name;
};

static struct digest_reporter *
reporter(struct reporters *r, const char *name)
{
	struct digest_domain *d = r->d;
	size_t lo = 0, hi = d->nreporters;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->reporters[r->by_name[mid]].name, name);

		if (c == 0)
			return &d->reporters[r->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (d->nreporters == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		d->reporters =
		    xrealloc(d->reporters, r->cap * sizeof(*d->reporters));
		r->by_name = xrealloc(r->by_name, r->cap * sizeof(*r->by_name));
	}
	memmove(&r->by_name[lo + 1], &r->by_name[lo],
	    (d->nreporters - lo) * sizeof(*r->by_name));
	r->by_name[lo] = d->nreporters;
	memset(&d->reporters[d->nreporters], 0, sizeof(*d->reporters));
	d->reporters[d->nreporters].name = xstrdup(name);
	d->reporters[d->nreporters].days = xcalloc(d->ndays + 1, 1);
	memset(d->reporters[d->nreporters].days, '0', d->ndays);
	return &d->reporters[d->nreporters++];
}

/* org_name, reports, messages, day offset (NULL: the period before). */
static int
on_reporter(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct reporters *r = arg;
	struct digest_reporter *rep;

	(void)err;
	if (ncols != 4)
		return 0;
	if (c[0] == NULL) {
		/* Those left out, counted. */
		r->d->reporters_more = u64_of(c[1]);
		r->d->reporters_more_messages = u64_of(c[2]);
		return 0;
	}
	rep = reporter(r, c[0]);
	if (c[3] == NULL) {
		/* Only the period before: silent now unless seen below. */
		if (rep->reports == 0)
			rep->silent = 1;
		return 0;
	}
	rep->silent = 0;
	rep->reports += u64_of(c[1]);
	rep->messages += u64_of(c[2]);
	{
		long off = strtol(c[3], NULL, 10);

		if (off >= 0 && (size_t)off < r->d->ndays &&
		    rep->days[off] == '0') {
			rep->days[off] = '1';
			rep->ndays_covered++;
		}
	}
	return 0;
}

static int
cmp_reporter(const void *a, const void *b)
{
	const struct digest_reporter *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages < y->messages ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Reports and messages per reporter and day covered; a report counts
 * once, on its first day in the window ($2 to $4), its messages shared out
 * among its days.  The $6 reporters with the most messages in either
 * period, then one row (org_name NULL) of how many were left out and
 * their messages in this period. */
static const char reporters_sql[] =
    "WITH x AS (SELECT r.org_name, count(*) FILTER (WHERE d.n = 0 OR "
    "d.day = unix_day($2)) AS n, sum(day_share(r.messages, d.lo, d.hi, "
    "d.span)) AS m, CASE WHEN d.day >= unix_day($3) THEN d.day - "
    "unix_day($3) END AS off FROM reports r JOIN report_days d ON "
    "d.report = r.id WHERE lower(r.domain) = $1 AND d.day >= unix_day($2) "
    "AND d.day < unix_day($4) AND r.date_begin >= to_timestamp($5::bigint) "
    "AND r.date_begin < to_timestamp($4::bigint) GROUP BY r.org_name, off), "
    "t AS (SELECT org_name, row_number() OVER (ORDER BY greatest("
    "coalesce(sum(m) FILTER (WHERE off IS NOT NULL), 0), coalesce(sum(m) "
    "FILTER (WHERE off IS NULL), 0)) DESC, org_name) AS k FROM x GROUP BY "
    "org_name) "
    "SELECT x.org_name, x.n, x.m, x.off FROM x JOIN t USING (org_name) "
    "WHERE t.k <= $6::int UNION ALL SELECT NULL, count(DISTINCT "
    "x.org_name), coalesce(sum(x.m) FILTER (WHERE x.off IS NOT NULL), 0), "
    "NULL FROM x JOIN t USING (org_name) WHERE t.k > $6::int "
    "ORDER BY 4 NULLS FIRST, 1 NULLS LAST";

static int
read_reporters(struct db *db, const struct digest *dg, struct digest_domain *d,
    struct err *err)
{
	struct reporters r = {d, dg, 0, NULL};
	char ps[24], ss[24], us[24], bs[24], top[16];
	const char *p[6] = {d->domain, ps, ss, us, bs, top};
	int rc;

	snprintf(top, sizeof(top), "%d", DIGEST_REPORTERS_TOP);
	snprintf(ps, sizeof(ps), "%lld", (long long)dg->prev_since);
	snprintf(ss, sizeof(ss), "%lld", (long long)dg->since);
	snprintf(us, sizeof(us), "%lld", (long long)dg->until);
	begins_from(bs, sizeof(bs), dg->prev_since);
	/* The period before first, so that a reporter of both periods ends
	 * up not silent. */
	rc = db_each(db, reporters_sql, 6, p, on_reporter, &r, err);
	free(r.by_name);
	if (rc == 0 && d->nreporters > 1)
		qsort(d->reporters, d->nreporters, sizeof(*d->reporters),
		    cmp_reporter);
	return rc;
}

/* ---- refused inputs --------------------------------------------------- */

_Static_assert(
    DIGEST_TOP == 10, "the LIMITs of read_refused(), read_domains()");

static int
on_refused(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct digest *dg = arg;
	struct digest_refused *f;

	(void)err;
	if (ncols != 5 || c[0] == NULL || dg->nrefused >= DIGEST_TOP)
		return 0;
	/* The query keeps DIGEST_TOP and says how many there were. */
	dg->refused_more = strtoull(c[4], NULL, 10) - (dg->nrefused + 1);
	if (dg->refused == NULL)
		dg->refused = xcalloc(DIGEST_TOP, sizeof(*dg->refused));
	f = &dg->refused[dg->nrefused++];
	f->input = strtoll(c[0], NULL, 10);
	f->source_name = xstrdup(c[1] != NULL ? c[1] : "");
	f->reason = xstrdup(c[2] != NULL ? c[2] : "");
	f->received_at = c[3] != NULL ? strtoll(c[3], NULL, 10) : 0;
	return 0;
}

static int
read_refused(struct db *db, struct digest *dg, struct err *err)
{
	char ss[24], us[24];
	const char *p[2] = {ss, us};

	snprintf(ss, sizeof(ss), "%lld", (long long)dg->since);
	snprintf(us, sizeof(us), "%lld", (long long)dg->until);
	/* The oldest DIGEST_TOP, each with the count of all: anyone can
	 * mail junk to the rua address. */
	return db_each(db,
	    "WITH x AS (SELECT DISTINCT ON (i.id) i.id, i.source_name, "
	    "p.reason, extract(epoch FROM i.received_at)::bigint AS at FROM "
	    "inputs i JOIN input_problems p ON p.input = i.id AND p.kind = "
	    "'refused' WHERE i.received_at >= to_timestamp($1) AND "
	    "i.received_at < to_timestamp($2) ORDER BY i.id, p.n) "
	    "SELECT *, count(*) OVER () FROM x ORDER BY id LIMIT 10",
	    2, p, on_refused, dg, err);
}

/* ---- whose domains ---------------------------------------------------- */

struct domain_rows {
	struct digest *dg;
	struct names *owned;
};

static int
on_domain(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct domain_rows *r = arg;
	struct digest *dg = r->dg;
	uint64_t m;

	(void)err;
	if (ncols != 3)
		return 0;
	if (c[0] == NULL) {
		/* The foreign domains past DIGEST_TOP: count, messages. */
		dg->foreign_more = u64_of(c[2]);
		dg->foreign_messages += u64_of(c[1]);
		return 0;
	}
	if (c[2] != NULL && strcmp(c[2], "t") == 0)
		return on_name(r->owned, 1, c, err);
	m = u64_of(c[1]);
	dg->foreign_messages += m;
	if (dg->nforeign >= DIGEST_TOP) {
		dg->foreign_more++;
		return 0;
	}
	if (dg->foreign == NULL)
		dg->foreign = xcalloc(DIGEST_TOP, sizeof(*dg->foreign));
	dg->foreign[dg->nforeign].domain = xstrdup(c[0]);
	dg->foreign[dg->nforeign++].messages = m;
	return 0;
}

/*
 * The domains with reports in the two periods, split into the owner's
 * (owned, a comma list; else by the rule of owned_domains(), sql/021) and
 * the foreign ones.  A domain in owned without reports is listed too:
 * its silence is news.
 */
static int
read_domains(struct db *db, struct digest *dg, const char *owned,
    struct names *out, struct err *err)
{
	struct domain_rows r = {dg, out};
	char ps[24], us[24], *list = NULL;
	const char *p[3] = {ps, us, NULL};
	int rc;

	snprintf(ps, sizeof(ps), "%lld", (long long)dg->prev_since);
	snprintf(us, sizeof(us), "%lld", (long long)dg->until);
	if (owned != NULL && owned[0] != '\0') {
		size_t n = strlen(owned);

		/* Names checked by the caller: letters, digits, '-', '_', '.'
		 * and the commas between them. */
		list = xmalloc(n + 3);
		snprintf(list, n + 3, "{%s}", owned);
		p[2] = list;
	}
	/* The owner's (20 at most, or the setting's), the DIGEST_TOP foreign
	 * ones with the most mail, then a row (domain NULL) with the
	 * messages and count of the rest: anyone may mail reports about as
	 * many made-up domains as they like. */
	rc = db_each(db,
	    "WITH o AS (SELECT domain, messages, owned, row_number() OVER "
	    "(PARTITION BY owned ORDER BY messages DESC, domain) AS k FROM "
	    "owned_domains(to_timestamp($1::bigint), to_timestamp($2::bigint), "
	    "$3::text[])) "
	    "SELECT domain, messages, CASE WHEN owned THEN 't' ELSE 'f' END "
	    "FROM o "
	    "WHERE owned OR k <= 10 "
	    "UNION ALL SELECT NULL, coalesce(sum(messages), 0), count(*)::text "
	    "FROM o WHERE NOT owned AND k > 10 ORDER BY 2 DESC, 1 NULLS LAST",
	    3, p, on_domain, &r, err);
	free(list);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_name);
	return rc;
}

/* ---- where the data is ------------------------------------------------ */

void
digest_period_gap(const struct domain_span *span, int64_t since, int64_t until,
    struct period_gap *out)
{
	memset(out, 0, sizeof(*out));
	if (span->reports > 0 && span->last > since && span->first < until)
		return;
	out->empty = 1;
	if (span->reports == 0)
		return;
	if (span->last <= since) {
		clock_day_text(
		    span->last, out->latest_day, sizeof(out->latest_day));
		/* --until is exclusive: the day after the last day. */
		clock_day_text(span->last + CLOCK_DAY - 1, out->try_until,
		    sizeof(out->try_until));
	} else {
		clock_day_text(
		    span->first, out->earliest_day, sizeof(out->earliest_day));
	}
}

/* Where the domain's reports are, when the period has no mail. */
static int
read_gap(struct db *db, const struct digest *dg, struct digest_domain *d,
    struct err *err)
{
	struct domain_span span;
	int rc;

	if (d->messages > 0)
		return 0;
	if ((rc = sources_domain_span(db, d->domain, &span, err)) < 0)
		return rc;
	digest_period_gap(&span, dg->since, dg->until, &d->gap);
	return 0;
}

/* ---- TLS and failure reports ----------------------------------------- */

/* What `dmarcsift tls` computes, only for a domain with TLS reports in the
 * period: one summary, never a second count. */
static int
read_tls(struct db *db, const struct digest *dg, struct digest_domain *d,
    struct err *err)
{
	int yes = 0, rc;

	if ((rc = tls_reported(
	         db, d->domain, dg->since, dg->until, &yes, err)) < 0 ||
	    !yes)
		return rc;
	return tls_compute(db, d->domain, dg->since, dg->until, &d->tls, err);
}

static int
on_failures(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct digest_domain *d = arg;

	(void)err;
	if (ncols != 2)
		return 0;
	d->failure_reports = u64_of(c[0]);
	snprintf(d->failure_latest, sizeof(d->failure_latest), "%s",
	    c[1] != NULL ? c[1] : "");
	return 0;
}

static int
read_failures(struct db *db, const struct digest *dg, struct digest_domain *d,
    struct err *err)
{
	char ss[24], us[24];
	const char *p[3] = {d->domain, ss, us};

	snprintf(ss, sizeof(ss), "%lld", (long long)dg->since);
	snprintf(us, sizeof(us), "%lld", (long long)dg->until);
	return db_each(db,
	    "SELECT coalesce(sum(reports), 0), max(day) FROM failure_daily "
	    "WHERE domain = lower($1) AND day >= (to_timestamp($2) AT TIME "
	    "ZONE 'UTC')::date AND day < (to_timestamp($3) AT TIME ZONE "
	    "'UTC')::date",
	    3, p, on_failures, d, err);
}

/* ---- the whole -------------------------------------------------------- */

static int
fill_domain(struct db *db, const struct digest *dg,
    const struct digest_options *o, struct digest_domain *d, struct err *err)
{
	struct volume now, before;
	struct advise_options ao;
	struct advice a;
	int rc;

	if ((rc = read_volume(db, d->domain, dg->since, dg->until, &now, err)) <
	        0 ||
	    (rc = read_volume(
	         db, d->domain, dg->prev_since, dg->since, &before, err)) < 0)
		return rc;
	d->messages = now.messages;
	d->passed = now.passed;
	d->prev_messages = before.messages;
	d->prev_passed = before.passed;
	{
		char ps[24], ss[24], bs[24], *n = NULL;
		const char *p[4] = {d->domain, ps, ss, bs};

		snprintf(ps, sizeof(ps), "%lld", (long long)dg->prev_since);
		snprintf(ss, sizeof(ss), "%lld", (long long)dg->since);
		begins_from(bs, sizeof(bs), dg->prev_since);
		if ((rc = db_value(db,
		         "SELECT count(*) FROM reports r JOIN report_days d "
		         "ON d.report = r.id WHERE lower(r.domain) = $1 AND "
		         "d.day >= unix_day($2) AND d.day < unix_day($3) AND "
		         "r.date_begin >= to_timestamp($4::bigint) AND "
		         "r.date_begin < to_timestamp($3::bigint)",
		         4, p, &n, err)) < 0)
			return rc;
		d->has_prev = n != NULL && strcmp(n, "0") != 0;
		free(n);
	}
	if ((rc = read_gap(db, dg, d, err)) < 0 ||
	    (rc = read_days(db, dg, d, err)) < 0 ||
	    (rc = fill_sources(db, dg, o, d, err)) < 0 ||
	    (rc = read_reporters(db, dg, d, err)) < 0 ||
	    (rc = read_tls(db, dg, d, err)) < 0 ||
	    (rc = read_failures(db, dg, d, err)) < 0)
		return rc;

	/* The page that asks has judged the domain already: the same
	 * advise_compute(), to the byte. */
	if (o->advice != NULL && o->published == NULL &&
	    o->advice->until == dg->until &&
	    strcmp(o->advice->domain, d->domain) == 0) {
		d->policy = o->advice->now;
		d->readiness = o->advice->r;
		d->readiness.groups = NULL;
		d->readiness.n_groups = d->readiness.n_blocking = 0;
		return 0;
	}
	memset(&ao, 0, sizeof(ao));
	ao.domain = d->domain;
	ao.until = dg->until;
	ao.thresholds = o->thresholds;
	ao.rules = o->rules;
	ao.published =
	    o->published != NULL ? o->published(o->arg, d->domain) : NULL;
	if ((rc = advise_compute(db, &ao, &a, err)) < 0) {
		advice_free(&a);
		return rc;
	}
	d->policy = a.now;
	d->readiness = a.r;
	/* The sender groups point into a's sources, freed below: the
	 * digest keeps the verdict and reasons only. */
	d->readiness.groups = NULL;
	d->readiness.n_groups = d->readiness.n_blocking = 0;
	advice_free(&a);
	return 0;
}

int
digest_compute(struct db *db, const struct digest_options *o,
    struct digest **out, struct err *err)
{
	struct digest *dg = xcalloc(1, sizeof(*dg));
	struct names domains = {0};
	int rc;

	*out = NULL;
	if (o->days < 1 || o->days > DIGEST_MAX_DAYS) {
		free(dg);
		return err_set(err, ERR_USAGE, "a period of 1 to %d days",
		    DIGEST_MAX_DAYS);
	}
	snprintf(dg->period, sizeof(dg->period), "%s", o->period);
	dg->until = o->until - o->until % CLOCK_DAY;
	dg->since = dg->until - (int64_t)o->days * CLOCK_DAY;
	dg->prev_since = dg->since - (int64_t)o->days * CLOCK_DAY;
	dg->generated_at = clock_now();
	dg->thresholds = o->thresholds;

	if (o->domain != NULL) {
		on_name(&domains, 1, (const char *const[]){o->domain}, err);
	} else if ((rc = read_domains(db, dg, o->owned, &domains, err)) < 0) {
		goto fail;
	}
	dg->domains = xcalloc(domains.n + 1, sizeof(*dg->domains));
	for (size_t i = 0; i < domains.n; i++) {
		struct digest_domain *d = &dg->domains[dg->n++];

		d->domain = domains.v[i];
		domains.v[i] = NULL;
		if ((rc = fill_domain(db, dg, o, d, err)) < 0)
			goto fail;
	}
	if ((rc = read_refused(db, dg, err)) < 0)
		goto fail;
	names_free(&domains);
	*out = dg;
	return 0;
fail:
	names_free(&domains);
	digest_free(dg);
	return rc;
}

void
digest_free(struct digest *dg)
{
	if (dg == NULL)
		return;
	for (size_t i = 0; i < dg->n; i++) {
		struct digest_domain *d = &dg->domains[i];

		free(d->domain);
		free(d->days);
		digest_sources_free(&d->failing_legit);
		digest_sources_free(&d->new_sources);
		digest_sources_free(&d->stopped);
		digest_sources_free(&d->spoofing);
		for (size_t k = 0; k < d->nreporters; k++) {
			free(d->reporters[k].name);
			free(d->reporters[k].days);
		}
		free(d->reporters);
		dnscheck_list_free(&d->dns);
		tls_summary_free(d->tls);
	}
	free(dg->domains);
	for (size_t i = 0; i < dg->nrefused; i++) {
		free(dg->refused[i].source_name);
		free(dg->refused[i].reason);
	}
	free(dg->refused);
	for (size_t i = 0; i < dg->nforeign; i++)
		free(dg->foreign[i].domain);
	free(dg->foreign);
	free(dg);
}
