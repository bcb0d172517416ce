/*
 * advise: gathers what readiness_judge() needs from the database; see
 * advise.h.
 */
#include "advise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "err.h"
#include "pgarray.h"
#include "text.h"
#include "xalloc.h"

/* A policy word from a stranger's report: printable ASCII, lower-cased,
 * cut to fit ('?' for anything else). */
static void
copy_word(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s != NULL && s[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a')
		    : c > 0x20 && c < 0x7f    ? (char)c
		                              : '?';
	}
	dst[i] = '\0';
}

static int
on_policy(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct policy_state *now = arg;

	if (ncols != 11)
		return err_set(
		    err, ERR_DB, "unexpected row reading the policy");
	now->known = 1;
	copy_word(now->p, sizeof(now->p), c[0]);
	copy_word(now->sp, sizeof(now->sp), c[1]);
	copy_word(now->np, sizeof(now->np), c[2]);
	now->pct = c[3] != NULL ? atoi(c[3]) : -1;
	copy_word(now->testing, sizeof(now->testing), c[4]);
	copy_word(now->adkim, sizeof(now->adkim), c[5]);
	copy_word(now->aspf, sizeof(now->aspf), c[6]);
	now->reported_at = c[7] != NULL ? strtoll(c[7], NULL, 10) : 0;
	now->since = c[8] != NULL ? strtoll(c[8], NULL, 10) : now->reported_at;
	now->confirming = c[9] != NULL ? strtoull(c[9], NULL, 10) : 0;
	now->reporters = c[10] != NULL ? strtoull(c[10], NULL, 10) : 0;
	return 0;
}

/*
 * The policy in force by the reports before until: the newest change any
 * reporter shows, since when, and how many reporters of the period give
 * it (policy_in_force(), migration 011, which says why).
 */
static int
read_policy(struct db *db, const char *domain, const char *period_since,
    const char *until, struct policy_state *now, struct err *err)
{
	const char *p[3] = {domain, until, period_since};

	memset(now, 0, sizeof(*now));
	now->pct = -1;
	return db_each(db,
	    "SELECT p, sp, np, pct, testing, adkim, aspf, "
	    "extract(epoch FROM reported_at)::bigint, "
	    "extract(epoch FROM since)::bigint, confirming, reporters "
	    "FROM policy_in_force($1, to_timestamp($2), to_timestamp($3))",
	    3, p, on_policy, now, err);
}

static uint64_t
u64_of(const char *s)
{
	return s != NULL && *s != '-' ? strtoull(s, NULL, 10) : 0;
}

static int
on_inputs(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct readiness_inputs *in = arg;

	if (ncols != 22)
		return err_set(
		    err, ERR_DB, "unexpected row from readiness_inputs");
	in->days_with_data = u64_of(c[0]);
	snprintf(in->first_day, sizeof(in->first_day), "%s", c[1] ? c[1] : "");
	snprintf(in->last_day, sizeof(in->last_day), "%s", c[2] ? c[2] : "");
	in->reporters = u64_of(c[3]);
	in->messages = u64_of(c[4]);
	in->passed = u64_of(c[5]);
	in->legit_messages = u64_of(c[6]);
	in->legit_passed = u64_of(c[7]);
	in->unknown_messages = u64_of(c[8]);
	in->unknown_passed = u64_of(c[9]);
	/* c[10], c[11]: failing sources and mail that may be the owner's;
	 * readiness_judge() counts them from the sources. */
	in->forwarded = u64_of(c[12]);
	in->spoofing = u64_of(c[13]);
	in->ignored = u64_of(c[14]);
	in->new_sources = u64_of(c[15]);
	in->new_messages = u64_of(c[16]);
	in->sub_messages = u64_of(c[17]);
	in->sub_passed = u64_of(c[18]);
	in->sub_names = u64_of(c[19]);
	in->sub_names_failing = u64_of(c[20]);
	in->sub_mine_failed = u64_of(c[21]);
	return 0;
}

/* The period's reporters (reporter_trust()), at most ADVISE_MAX_REPORTERS:
 * the most messages first, so those left out carry the least. */
#define ADVISE_MAX_REPORTERS 1000
_Static_assert(ADVISE_MAX_REPORTERS == 1000, "the LIMIT of reporter_trust");

static int
on_trust(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct advice *a = arg;
	struct reporter_trust *t;

	if (ncols != 13)
		return err_set(
		    err, ERR_DB, "unexpected row from reporter_trust");
	if (a->n_trust >= ADVISE_MAX_REPORTERS)
		return 0;
	a->trust = xrealloc(a->trust, (a->n_trust + 1) * sizeof(*a->trust));
	t = &a->trust[a->n_trust++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", c[0] ? c[0] : "");
	text_utf8_cut(t->name);
	t->reports = u64_of(c[1]);
	t->genuine = u64_of(c[2]);
	t->failed = u64_of(c[3]);
	t->unchecked = u64_of(c[4]);
	t->messages = u64_of(c[5]);
	t->genuine_messages = u64_of(c[6]);
	t->failed_messages = u64_of(c[7]);
	t->peak_daily = u64_of(c[8]);
	t->usual_daily = u64_of(c[9]);
	t->history_days = u64_of(c[10]);
	snprintf(t->why, sizeof(t->why), "%s", c[11] ? c[11] : "");
	text_utf8_cut(t->why);
	snprintf(t->auth_top, sizeof(t->auth_top), "%s", c[12] ? c[12] : "");
	text_utf8_cut(t->auth_top);
	return 0;
}

static int
on_confirm(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct policy_confirm *cf = arg;

	if (ncols != 3)
		return err_set(err, ERR_DB, "unexpected row reading reporters");
	cf->reporters = u64_of(c[0]);
	cf->confirming = u64_of(c[1]);
	cf->since = c[2] != NULL ? strtoll(c[2], NULL, 10) : 0;
	return 0;
}

/*
 * When DNS publishes another policy than the latest report gives: how
 * many reporters of the period give it in their latest report, and since
 * when every report has (0: the latest does not).
 */
static int
read_confirm(struct db *db, const char *domain, const char *since,
    const char *until, const struct policy_state *pub,
    struct policy_confirm *out, struct err *err)
{
	char pct[8];
	const char *p[6] = {domain, since, until, pub->p, pct, pub->testing};

	snprintf(pct, sizeof(pct), "%d", pub->pct);
	memset(out, 0, sizeof(*out));
	return db_each(db,
	    "WITH r AS (SELECT *, policy_key(p, pct, testing) = "
	    "policy_key($4, $5::int, $6) AS same FROM reports WHERE "
	    "lower(domain) = lower($1) AND date_begin < "
	    "to_timestamp($3)), last AS (SELECT DISTINCT ON (org_name) "
	    "org_name, same FROM r WHERE date_begin >= to_timestamp($2) "
	    "ORDER BY org_name, date_end DESC, id DESC), other AS (SELECT "
	    "max(date_end) AS at FROM r WHERE NOT same) "
	    "SELECT (SELECT count(*) FROM last), (SELECT count(*) FROM last "
	    "WHERE same), (SELECT extract(epoch FROM "
	    "min(r.date_begin))::bigint "
	    "FROM r, other o WHERE r.same AND (o.at IS NULL OR r.date_begin >= "
	    "o.at) AND (SELECT same FROM r ORDER BY date_end DESC, id DESC "
	    "LIMIT 1))",
	    6, p, on_confirm, out, err);
}

/* The period's sources with their classes, and its days' rows as the
 * classes read them (source_days_classed(), merged over reporters): $1
 * domain, $2 days, $3 until; $4..$6 as for readiness_inputs(), so that
 * source_core() is computed once (sql/defs/12_source_classes.sql). */
#define ADVISE_PERIOD_SQL                                                      \
	"WITH c AS (SELECT * FROM source_core($1, ((to_timestamp($3) AT "      \
	"TIME ZONE 'UTC') - make_interval(days => $2::int)) AT TIME ZONE "     \
	"'UTC', to_timestamp($3), $4::numeric / 100, $5::text[], "             \
	"$6::text[])), d AS (SELECT s.*, s.aligned_to <> "                     \
	"lower($1) AND right(s.aligned_to, length($1) + 1) = '.' || "          \
	"lower($1) AS sub FROM source_days_classed($1, ((to_timestamp($3) "    \
	"AT TIME ZONE 'UTC') - make_interval(days => $2::int)) AT TIME ZONE "  \
	"'UTC', to_timestamp($3)) s), names AS "                               \
	"(SELECT aligned_to FROM d WHERE sub GROUP BY aligned_to HAVING NOT "  \
	"bool_or(pass)) "

static int
on_day(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct advice *a = arg;
	struct readiness_day *d;

	if (ncols != 7)
		return err_set(err, ERR_DB, "unexpected row reading the days");
	if (a->n_daily >= 366)
		return 0;
	a->daily = xrealloc(a->daily, (a->n_daily + 1) * sizeof(*a->daily));
	d = &a->daily[a->n_daily++];
	d->start = c[0] != NULL ? strtoll(c[0], NULL, 10) : 0;
	d->messages = u64_of(c[1]);
	d->mine = u64_of(c[2]);
	d->legit_lost = u64_of(c[3]);
	a->in.sub_mine_messages += u64_of(c[4]);
	a->in.sub_mine_passed += u64_of(c[5]);
	a->in.sub_mine_np += u64_of(c[6]);
	return 0;
}

/*
 * The period day by day (every day, none left out): all mail, the mail
 * that may be the owner's and legitimate mail quarantined or rejected,
 * by the classes of the whole period; and the owner's mail From
 * subdomains, for the pass rate of what the next step governs.
 */
static int
read_daily(
    struct db *db, const char *const *p, struct advice *a, struct err *err)
{
	return db_each(db,
	    ADVISE_PERIOD_SQL
	    ", g AS (SELECT generate_series((to_timestamp($3) AT TIME ZONE "
	    "'UTC')::date - $2::int, (to_timestamp($3) AT TIME ZONE "
	    "'UTC')::date - 1, interval '1 day')::date AS day), x AS (SELECT "
	    "d.*, c.class IN ('legitimate', 'unknown') AS mine, c.class FROM d "
	    "JOIN c ON c.source_ip = d.source_ip) "
	    "SELECT (g.day - DATE '1970-01-01')::bigint * 86400, "
	    "coalesce(sum(x.messages), 0), "
	    "coalesce(sum(x.messages) FILTER (WHERE x.mine), 0), "
	    "coalesce(sum(x.messages) FILTER (WHERE x.class = 'legitimate' "
	    "AND x.disposition IN ('quarantine', 'reject')), 0), "
	    "coalesce(sum(x.messages) FILTER (WHERE x.mine AND x.sub), 0), "
	    "coalesce(sum(x.messages) FILTER (WHERE x.mine AND x.sub AND "
	    "x.pass), 0), "
	    "coalesce(sum(x.messages) FILTER (WHERE x.mine AND x.sub AND "
	    "x.aligned_to IN (SELECT aligned_to FROM names)), 0) "
	    "FROM g LEFT JOIN x ON x.day = g.day GROUP BY g.day ORDER BY g.day",
	    6, p, on_day, a, err);
}

static int
on_hit7(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct advice *a = arg;

	if (ncols != 2)
		return err_set(
		    err, ERR_DB, "unexpected row reading the senders");
	for (size_t i = 0; c[0] != NULL && i < a->senders.n; i++)
		if (strcmp(a->senders.v[i].who, c[0]) == 0)
			a->hit_last7[i] = u64_of(c[1]);
	return 0;
}

/*
 * What the next step (pol, at full strength) would hit of each sender
 * that may be the owner's in the last 7 days of the period: the rule of
 * readiness_hit() per row of source_days, the senders named as
 * source_senders() names them.
 */
static int
read_hit_last7(struct db *db, const char *const *base,
    const struct policy_spec *pol, struct advice *a, struct err *err)
{
	char hp[4], hs[4], hn[4];
	const char *p[10];
	int sp = pol->sp >= 0 ? pol->sp : pol->p;
	int np = pol->np >= 0 ? pol->np : sp;
	struct pgarray who;
	int rc;

	if (a->senders.n == 0)
		return 0;
	a->hit_last7 = xcalloc(a->senders.n, sizeof(*a->hit_last7));
	/* The senders shown only: a row for every failing address that
	 * has no name (a stranger's) was read, and each looked for among
	 * the senders. */
	pgarray_init(&who);
	for (size_t i = 0; i < a->senders.n; i++)
		pgarray_add(&who, a->senders.v[i].who);
	p[9] = pgarray_end(&who);
	if ((rc = pgarray_check(p + 9, 1, err)) < 0) {
		pgarray_free(&who);
		return rc;
	}
	snprintf(hp, sizeof(hp), "%d", pol->p >= 1);
	snprintf(hs, sizeof(hs), "%d", sp >= 1);
	snprintf(hn, sizeof(hn), "%d", np >= 1);
	memcpy(p, base, 6 * sizeof(*p));
	p[6] = hp;
	p[7] = hs;
	p[8] = hn;
	rc = db_each(db,
	    ADVISE_PERIOD_SQL
	    ", w AS (SELECT c.source_ip, coalesce(n.who, host(c.source_ip)) "
	    "AS who FROM c LEFT JOIN LATERAL source_name(c.source_ip, "
	    "c.service) n ON true WHERE c.class IN ('legitimate', 'unknown') "
	    "AND c.failed > 0) "
	    "SELECT w.who, sum(d.messages) FROM w JOIN (SELECT DISTINCT k.who "
	    "FROM unnest($10::text[]) k (who)) k ON k.who = w.who JOIN d ON "
	    "d.source_ip = w.source_ip WHERE NOT d.pass AND d.day >= "
	    "(to_timestamp($3) AT TIME ZONE 'UTC')::date - 7 AND CASE WHEN NOT "
	    "d.sub THEN $7::int WHEN d.aligned_to IN (SELECT aligned_to FROM "
	    "names) THEN $9::int ELSE $8::int END = 1 GROUP BY w.who",
	    10, p, on_hit7, a, err);
	pgarray_free(&who);
	return rc;
}

static int
on_reporter(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct advice *a = arg;
	struct policy_reporter *r;

	if (ncols != 2)
		return err_set(err, ERR_DB, "unexpected row reading reporters");
	if (a->n_reporters >= ADVISE_MAX_REPORTERS)
		return 0;
	a->reporters = xrealloc(
	    a->reporters, (a->n_reporters + 1) * sizeof(*a->reporters));
	r = &a->reporters[a->n_reporters++];
	snprintf(r->name, sizeof(r->name), "%s", c[0] ? c[0] : "");
	text_utf8_cut(r->name);
	r->confirms = c[1] != NULL && c[1][0] == 't';
	return 0;
}

/*
 * The reporters of the period (their latest report ends after since, as
 * policy_in_force() counts them) and whether that report gives pol (p,
 * pct, t), the policy the domain stands on: the ADVISE_MAX_REPORTERS with
 * the most mail in the period, cut in SQL (a stranger may report under
 * any number of names, and ones sorting first by name).
 */
static int
read_reporters(struct db *db, const char *domain, const char *since,
    const char *until, const struct policy_state *pol, struct advice *a,
    struct err *err)
{
	char pct[16];
	const char *p[6] = {domain, since, until, pol->p, pct, pol->testing};

	snprintf(pct, sizeof(pct), "%d", pol->pct >= 0 ? pol->pct : 100);
	return db_each(db,
	    "SELECT org_name, same FROM (SELECT DISTINCT ON (lower(org_name)) "
	    "org_name, date_end, policy_key(p, pct, testing) IS NOT DISTINCT "
	    "FROM policy_key($4, $5::int, $6) AS same, coalesce(sum(messages) "
	    "FILTER (WHERE date_end > to_timestamp($2)) OVER (PARTITION BY "
	    "lower(org_name)), 0) AS messages FROM counted_reports "
	    "WHERE lower(domain) = lower($1) AND date_begin < to_timestamp($3) "
	    "ORDER BY lower(org_name), date_end DESC, id DESC) x WHERE "
	    "x.date_end > to_timestamp($2) "
	    "ORDER BY x.messages DESC, lower(x.org_name) LIMIT 1000",
	    6, p, on_reporter, a, err);
}

/*
 * The senders that may be the owner's and fail, ranked in SQL by what the
 * next step would hit (readiness_judged_spec()), the top ADVISE_SENDERS
 * with their first ADVISE_ADDRESSES addresses, and the counts of the
 * rest; legitimate mail lost from the class totals.  After the policy,
 * the published record and readiness_inputs() (all mail) are read.
 */
static int
read_senders(struct db *db, const struct advise_options *o,
    const char *const *base, struct advice *a, struct err *err)
{
	struct sources_query q = {0};
	struct policy_spec pol;
	int rc;

	readiness_judged_spec(&a->now, a->published, &pol);
	q.domain = o->domain;
	q.since = o->until - (int64_t)a->days * CLOCK_DAY;
	q.until = o->until;
	q.rules = &o->rules;
	q.classes = 1u << SOURCE_LEGITIMATE | 1u << SOURCE_UNKNOWN;
	q.top = ADVISE_SENDERS;
	q.addresses = ADVISE_ADDRESSES;
	q.by_hit = 1;
	readiness_spec_hits(&pol, q.hit);
	q.over_permille = a->thresholds.source_share < 0
	    ? 0
	    : (uint64_t)a->thresholds.source_share * 10;
	/* Of the mail that may be the owner's: spoofing does not dilute. */
	q.over_of = a->in.legit_messages + a->in.unknown_messages;
	if ((rc = sources_read_senders(db, &q, &a->senders, err)) < 0 ||
	    (rc = read_hit_last7(db, base, &pol, a, err)) < 0)
		return rc;
	a->in.senders = a->senders.v;
	a->in.n_senders = a->senders.n;
	a->in.more_senders = a->senders.more;
	a->in.more_blocking = a->senders.more_over;
	a->in.legit_lost = a->senders.classes[SOURCE_LEGITIMATE].quarantined +
	    a->senders.classes[SOURCE_LEGITIMATE].rejected;
	return 0;
}

int
advise_compute(struct db *db, const struct advise_options *o, struct advice *a,
    struct err *err)
{
	char until[24], since[24], days[16], share[16];
	char *trusted = NULL, *ignored = NULL;
	struct policy_state pub = {0};
	const char *p[6];
	int rc;

	memset(a, 0, sizeof(*a));
	snprintf(a->domain, sizeof(a->domain), "%s", o->domain);
	a->days = o->thresholds.days;
	a->until = o->until;
	a->thresholds = o->thresholds;
	a->published = o->published != NULL ? xstrdup(o->published) : NULL;
	snprintf(until, sizeof(until), "%lld", (long long)o->until);
	snprintf(since, sizeof(since), "%lld",
	    (long long)(o->until - (int64_t)a->days * CLOCK_DAY));
	snprintf(days, sizeof(days), "%d", a->days);
	snprintf(share, sizeof(share), "%d", o->rules.legit_share);

	if ((rc = read_policy(db, o->domain, since, until, &a->now, err)) < 0)
		return rc;
	if ((rc = source_list_array(
	         "trusted_sources", o->rules.trusted, &trusted, err)) < 0 ||
	    (rc = source_list_array(
	         "ignored_sources", o->rules.ignored, &ignored, err)) < 0)
		goto out;
	p[0] = o->domain;
	p[1] = days;
	p[2] = until;
	p[3] = share;
	p[4] = trusted;
	p[5] = ignored;
	rc = db_each(db,
	    "SELECT * FROM readiness_inputs($1, $2::int, to_timestamp($3), "
	    "$4::numeric / 100, $5::text[], $6::text[])",
	    6, p, on_inputs, &a->in, err);
	if (rc < 0)
		goto out;
	/* The rows past ADVISE_MAX_REPORTERS were read and dropped: a
	 * stranger may write any number of reporter names. */
	rc = db_each(db,
	    "SELECT * FROM reporter_trust($1, to_timestamp($2), "
	    "to_timestamp($3)) LIMIT 1000",
	    3, (const char *const[]){o->domain, since, until}, on_trust, a,
	    err);
	if (rc < 0)
		goto out;
	if (a->published != NULL &&
	    readiness_parse_record(a->published, &pub) == 0 &&
	    (rc = read_confirm(
	         db, o->domain, since, until, &pub, &a->in.confirm, err)) < 0)
		goto out;

	if ((rc = read_daily(db, p, a, err)) < 0 ||
	    (rc = read_senders(db, o, p, a, err)) < 0)
		goto out;
	/* Who shows the policy the domain stands on: the published one,
	 * else the one in force. */
	if ((pub.known || a->now.known) &&
	    (rc = read_reporters(db, o->domain, since, until,
	         pub.known ? &pub : &a->now, a, err)) < 0)
		goto out;
	a->in.published = a->published;
	a->in.trust = a->trust;
	a->in.n_trust = a->n_trust;
	a->in.daily = a->daily;
	a->in.n_daily = a->n_daily;
	a->in.hit_last7 = a->hit_last7;
	a->in.policy_reporters = a->reporters;
	a->in.n_policy_reporters = a->n_reporters;
	readiness_judge(&a->thresholds, a->domain, &a->now, &a->in, &a->r);
	if (o->whatif != NULL) {
		struct policy_spec spec;
		const struct policy_state *base =
		    a->published != NULL && pub.known ? &pub : &a->now;

		struct sources_query q = {
		    .domain = o->domain,
		    .since = o->until - (int64_t)a->days * CLOCK_DAY,
		    .until = o->until,
		    .rules = &o->rules,
		    /* The text shows senders and sums, not the addresses. */
		    .top = o->whatif_grouped ? 0 : ADVISE_WHATIF_SOURCES,
		};

		if (whatif_parse(o->whatif, base, &spec) < 0) {
			rc = err_set(err, ERR_USAGE, "--what-if: " WHATIF_WANT);
			goto out;
		}
		/* Summed and cut in SQL: the client holds the sources shown,
		 * not every source of the period. */
		readiness_spec_hits(&spec, q.hit);
		q.by_hit = q.at_pct = 1;
		q.pct = spec.pct;
		if ((rc = whatif_check(&spec, err)) < 0 ||
		    (rc = sources_read_hits(db, &q, spec.pct, &a->hits, err)) <
		        0 ||
		    (rc = whatif_compute(&spec, &a->hits, &a->whatif, err)) < 0)
			goto out;
		a->has_whatif = 1; /* advice_free() frees its list */
		/* Grouped by sender: over 0 counts the senders hit. */
		q.top = ADVISE_WHATIF_SENDERS;
		q.addresses = ADVISE_WHATIF_ADDRESSES;
		if (o->whatif_grouped &&
		    (rc = sources_read_senders(
		         db, &q, &a->whatif_senders, err)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(trusted);
	free(ignored);
	return rc;
}

void
advice_free(struct advice *a)
{
	readiness_free(&a->r);
	source_hits_free(&a->hits);
	sender_list_free(&a->whatif_senders);
	sender_list_free(&a->senders);
	free(a->published);
	free(a->trust);
	free(a->daily);
	free(a->hit_last7);
	free(a->reporters);
	if (a->has_whatif)
		whatif_free(&a->whatif);
	memset(a, 0, sizeof(*a));
}
