/* metrics: what dmarcsift exports for monitoring; see metrics.h. */
#include "metrics.h"

#include "clock.h"
#include "db.h"
#include "domain.h"
#include "err.h"
#include "month_code.h"
#include "pgarray.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const outcome_names[METRICS_OUTCOMES] = {
    "reports", "partial", "refused", "skipped"};

static uint64_t
u64_of(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

static int
cmp_domain(const void *a, const void *b)
{
	return strcmp(((const struct metrics_domain *)a)->domain,
	    ((const struct metrics_domain *)b)->domain);
}

/* ---- runs, inputs, reports ------------------------------------------- */

static int
on_run(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct metrics *m = arg;
	struct metrics_run *r;

	if (ncols != 10 || c[0] == NULL)
		return err_set(err, ERR_DB, "unexpected row of ingest_runs");
	m->runs = xrealloc(m->runs, (m->nruns + 1) * sizeof(*m->runs));
	r = &m->runs[m->nruns++];
	r->command = xstrdup(c[0]);
	r->finished = u64_of(c[1]);
	r->interrupted = u64_of(c[2]);
	r->running = u64_of(c[3]);
	r->failed = u64_of(c[4]);
	r->last_finished = (int64_t)strtoll(c[5] ? c[5] : "0", NULL, 10);
	r->inputs_new = u64_of(c[6]);
	r->inputs_duplicate = u64_of(c[7]);
	r->records_new = u64_of(c[8]);
	r->refused = u64_of(c[9]);
	return 0;
}

static int
on_outcome(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct metrics *m = arg;

	(void)err;
	if (ncols != 2 || c[0] == NULL)
		return 0;
	/* The schema allows these four only; another would be a newer
	 * schema's, not ours to name. */
	for (size_t i = 0; i < METRICS_OUTCOMES; i++)
		if (strcmp(c[0], m->outcomes[i].name) == 0)
			m->outcomes[i].inputs = u64_of(c[1]);
	return 0;
}

static int
on_alerts(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct metrics *m = arg;

	(void)err;
	if (ncols != 2 || c[0] == NULL)
		return 0;
	for (size_t k = 0; k < ALERT_NKINDS; k++)
		if (strcmp(c[0], m->alerts[k].kind) == 0)
			m->alerts[k].open = u64_of(c[1]);
	return 0;
}

/* One row of numbers into the fields given, in order. */
struct numbers {
	uint64_t *v[2];
	size_t n;
};

static int
on_numbers(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct numbers *nb = arg;

	if ((size_t)ncols != nb->n)
		return err_set(err, ERR_DB, "unexpected row of numbers");
	for (size_t i = 0; i < nb->n; i++)
		*nb->v[i] = u64_of(c[i]);
	return 0;
}

static int
read_counts(struct db *db, struct metrics *m, struct err *err)
{
	struct numbers reports = {{&m->reports, &m->records}, 2};
	struct numbers pending = {{&m->imap_pending}, 1};
	struct numbers size = {{&m->database_bytes}, 1};
	int rc;

	/* A run that ended has finished_at, or interrupted_at (closed by a
	 * later run: its process died); status says which. */
	if ((rc = db_each(db,
	         "SELECT command, count(*) FILTER (WHERE status = "
	         "'finished'), count(*) FILTER (WHERE status = "
	         "'interrupted'), count(*) FILTER (WHERE status = "
	         "'running'), count(*) FILTER (WHERE status = 'failed'), "
	         "coalesce(floor(extract(epoch FROM "
	         "max(finished_at) FILTER (WHERE status = 'finished')))::"
	         "bigint, 0), sum(inputs_new), sum(inputs_duplicate), "
	         "sum(records_new), sum(refused) FROM ingest_runs GROUP BY "
	         "command ORDER BY command COLLATE \"C\"",
	         0, NULL, on_run, m, err)) < 0)
		return rc;
	if ((rc = db_each(db,
	         "SELECT outcome, count(*) FROM inputs GROUP BY outcome", 0,
	         NULL, on_outcome, m, err)) < 0)
		return rc;
	/* record_count: the records of a report, so that no record is
	 * read. */
	if ((rc = db_each(db,
	         "SELECT count(*), coalesce(sum(record_count), 0) FROM "
	         "reports",
	         0, NULL, on_numbers, &reports, err)) < 0)
		return rc;
	if ((rc = db_each(db,
	         "SELECT count(*) FROM imap_messages WHERE done_at IS NULL", 0,
	         NULL, on_numbers, &pending, err)) < 0)
		return rc;
	if ((rc = db_each(db, "SELECT pg_database_size(current_database())", 0,
	         NULL, on_numbers, &size, err)) < 0)
		return rc;
	return db_each(db,
	    "SELECT kind, count(*) FROM alert_events WHERE cleared IS NULL "
	    "GROUP BY kind",
	    0, NULL, on_alerts, m, err);
}

/* ---- per domain ------------------------------------------------------- */

/* The owned list as the domains, zero mail each, sorted and each once. */
static void
owned_domains_of(struct metrics *m, const char *owned)
{
	char *list = xstrdup(owned), *save = NULL;
	size_t o = 0;

	for (char *t = strtok_r(list, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		m->domains = xrealloc(
		    m->domains, (m->ndomains + 1) * sizeof(*m->domains));
		memset(&m->domains[m->ndomains], 0, sizeof(*m->domains));
		m->domains[m->ndomains++].domain = xstrdup(t);
	}
	free(list);
	if (m->ndomains > 1)
		qsort(m->domains, m->ndomains, sizeof(*m->domains), cmp_domain);
	for (size_t i = 0; i < m->ndomains; i++) {
		if (o > 0 &&
		    strcmp(m->domains[o - 1].domain, m->domains[i].domain) ==
		        0) {
			free(m->domains[i].domain);
			continue;
		}
		m->domains[o++] = m->domains[i];
	}
	m->ndomains = o;
}

static void
add_volume(struct metrics_domain *to, const struct metrics_domain *d)
{
	to->day.messages += d->day.messages;
	to->day.passed += d->day.passed;
	to->week.messages += d->week.messages;
	to->week.passed += d->week.passed;
}

/*
 * Whether a domain that report calls the owner's without the setting
 * (owned: by owned_domains(), sql/021) may have a series: a host name as
 * it stands, one of the first METRICS_DOMAINS_MAX.
 */
static int
chosen(const struct metrics *m, const char *name, int owned)
{
	char norm[DOMAIN_MAX];

	if (m->ndomains >= METRICS_DOMAINS_MAX || !owned)
		return 0;
	return domain_scan(name, norm, sizeof(norm), 0) == NULL &&
	    strcmp(norm, name) == 0;
}

/* A row: domain, whether the owner's by the rule, day messages, day
 * passed, week messages, week passed; most mail first. */
static int
on_domain(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct metrics *m = arg;
	struct metrics_domain d, *at = NULL;

	if (ncols != 7)
		return err_set(err, ERR_DB, "unexpected row of source_days");
	if (c[0] == NULL) {
		/* The domains the query left out: how many with mail in the
		 * day, their sums, how many in the week. */
		m->other.day.messages += u64_of(c[2]);
		m->other.day.passed += u64_of(c[3]);
		m->other.week.messages += u64_of(c[4]);
		m->other.week.passed += u64_of(c[5]);
		m->other_day += u64_of(c[1]);
		m->other_week += u64_of(c[6]);
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.domain = (char *)c[0];
	d.day.messages = u64_of(c[2]);
	d.day.passed = u64_of(c[3]);
	d.week.messages = u64_of(c[4]);
	d.week.passed = u64_of(c[5]);
	if (m->domains_set) {
		at = bsearch(&d, m->domains, m->ndomains, sizeof(*m->domains),
		    cmp_domain);
	} else if (chosen(m, c[0], c[1] != NULL && strcmp(c[1], "t") == 0)) {
		m->domains = xrealloc(
		    m->domains, (m->ndomains + 1) * sizeof(*m->domains));
		at = &m->domains[m->ndomains++];
		memset(at, 0, sizeof(*at));
		at->domain = xstrdup(c[0]);
	}
	if (at != NULL) {
		add_volume(at, &d);
		return 0;
	}
	add_volume(&m->other, &d);
	m->other_week++;
	if (d.day.messages > 0)
		m->other_day++;
	return 0;
}

static int
read_domains(
    struct db *db, struct metrics *m, const char *owned, struct err *err)
{
	char ws[24], ds[24], us[24], lo[24];
	const char *p[5] = {ws, ds, us, lo, NULL};
	struct pgarray list;
	int rc;

	pgarray_init(&list);
	if (owned != NULL && owned[0] != '\0') {
		m->domains_set = 1;
		owned_domains_of(m, owned);
		for (size_t i = 0; i < m->ndomains; i++)
			pgarray_add(&list, m->domains[i].domain);
		p[4] = pgarray_end(&list);
		if ((rc = pgarray_check(p + 4, 1, err)) < 0) {
			pgarray_free(&list);
			return rc;
		}
	}
	snprintf(ws, sizeof(ws), "%lld", (long long)m->week_start);
	snprintf(ds, sizeof(ds), "%lld", (long long)m->day_start);
	snprintf(us, sizeof(us), "%lld", (long long)m->until);
	/* Only the months whose reports may cover the week (a report covers
	 * at most a month back from its end), so that the partitions of
	 * older months are never read (sql/016); _other and _legacy are. */
	snprintf(lo, sizeof(lo), "%lld",
	    (long long)month_code_id(
	        month_code_of(m->week_start - 32 * (int64_t)CLOCK_DAY), 0));
	/* The rollup, as report reads a domain's volume (digest.c): a
	 * report counts for each UTC day it covers.  Whose domains: the rule
	 * report applies, over the week. */
	/* Only the owner's domains (the setting's, $5, or by the rule) come
	 * as rows, then one row (domain NULL) sums the others: anyone may
	 * mail reports about as many made-up domains as they like, and this
	 * runs at every scrape. */
	rc = db_each(db,
	    "WITH x AS (SELECT s.domain, o.domain IS NOT NULL AS owned, "
	    "coalesce(sum(s.messages) FILTER (WHERE s.day >= unix_day($2)), 0) "
	    "AS dm, coalesce(sum(s.messages) FILTER (WHERE s.day >= "
	    "unix_day($2) AND s.pass), 0) AS dp, sum(s.messages) AS wm, "
	    "coalesce(sum(s.messages) FILTER (WHERE s.pass), 0) AS wp "
	    "FROM source_days s LEFT JOIN (SELECT domain FROM "
	    "owned_domains(to_timestamp($1::bigint), to_timestamp($3::bigint)) "
	    "WHERE owned) o ON o.domain = s.domain WHERE s.day >= unix_day($1) "
	    "AND s.day < unix_day($3) AND (s.report >= $4::bigint OR s.report "
	    "< (2::bigint << 40)) GROUP BY s.domain, o.domain), "
	    "y AS (SELECT x.*, CASE WHEN $5::text[] IS NULL THEN x.owned ELSE "
	    "x.domain IN (SELECT unnest($5::text[])) END AS keep FROM x) "
	    "SELECT * FROM (SELECT domain, CASE WHEN owned THEN 't' ELSE 'f' "
	    "END, dm, dp, wm, wp, NULL::bigint FROM y WHERE keep UNION ALL "
	    "SELECT NULL, (count(*) FILTER (WHERE dm > 0))::text, "
	    "coalesce(sum(dm), 0), coalesce(sum(dp), 0), coalesce(sum(wm), 0), "
	    "coalesce(sum(wp), 0), count(*) FROM y WHERE NOT keep) u "
	    "ORDER BY wm DESC, domain COLLATE \"C\" NULLS LAST",
	    5, p, on_domain, m, err);
	pgarray_free(&list);
	if (rc == 0 && !m->domains_set && m->ndomains > 1)
		qsort(m->domains, m->ndomains, sizeof(*m->domains), cmp_domain);
	return rc;
}

/* ---- the whole -------------------------------------------------------- */

int
metrics_read(struct db *db, const char *owned, int64_t until,
    struct metrics **out, struct err *err)
{
	struct metrics *m = xcalloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	m->until = until;
	m->day_start = until - CLOCK_DAY;
	m->week_start = until - (int64_t)METRICS_WEEK_DAYS * CLOCK_DAY;
	for (size_t i = 0; i < METRICS_OUTCOMES; i++)
		m->outcomes[i].name = outcome_names[i];
	for (size_t k = 0; k < ALERT_NKINDS; k++)
		m->alerts[k].kind = alert_kind_name((enum alert_kind)k);
	/* One snapshot: the counts agree with each other while an ingest
	 * commits beside us. */
	if ((rc = db_begin_reading(db, err)) < 0)
		goto fail;
	if ((rc = read_counts(db, m, err)) < 0 ||
	    (rc = read_domains(db, m, owned, err)) < 0 ||
	    (rc = db_commit(db, err)) < 0) {
		db_rollback(db);
		goto fail;
	}
	*out = m;
	return 0;
fail:
	metrics_free(m);
	return rc;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nruns; i++)
		free(m->runs[i].command);
	free(m->runs);
	for (size_t i = 0; i < m->ndomains; i++)
		free(m->domains[i].domain);
	free(m->domains);
	free(m);
}
