#include "summary.h"

#include "db.h"
#include "err.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
num(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

static int
add_domain(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct summary *s = arg;
	struct summary_domain *d;

	if (v[0] == NULL) {
		/* Those left out, counted. */
		s->more = num(v[1]);
		s->more_messages = num(v[3]);
		return 0;
	}
	s->domains = xrealloc(s->domains, (s->n + 1) * sizeof(*s->domains));
	d = &s->domains[s->n++];
	memset(d, 0, sizeof(*d));
	d->domain = xstrdup(v[0]);
	d->reports = num(v[1]);
	d->reporters = num(v[2]);
	d->messages = num(v[3]);
	d->passed = num(v[4]);
	d->first_day = xstrdup(v[5]);
	d->last_day = xstrdup(v[6]);
	return 0;
}

static int
add_source(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct summary_domain *d = arg;
	struct summary_source *src = &d->top[d->ntop++];

	src->ip = xstrdup(v[0]);
	src->messages = num(v[1]);
	src->failed = num(v[2]);
	return 0;
}

int
summary_compute(
    struct db *db, const char *domain, struct summary **out, struct err *err)
{
	struct summary *s = xcalloc(1, sizeof(*s));
	char limit[8], most[8];
	const char *params[] = {domain, most};
	int rc;

	/* Domains are compared without case (RFC 4343): a reporter that
	 * writes Example.COM does not split the domain.  Volumes come from
	 * the records, so a report's own counters and
	 * its rows can never disagree in what is shown; "passed" is our
	 * verdict (source_days, the rollup of record_analysis), the one
	 * every other command shows. */
	/* The SUMMARY_DOMAINS reported on by the most reporters, by name,
	 * then one row (domain NULL) counting the rest. */
	snprintf(most, sizeof(most), "%d", SUMMARY_DOMAINS);
	rc = db_each(db,
	    "WITH d AS (SELECT lower(r.domain) AS domain, count(*) AS reports, "
	    "count(DISTINCT r.org_name) AS reporters, "
	    "coalesce(sum(v.messages), 0) AS messages, "
	    "coalesce(sum(v.passed), 0) AS passed, "
	    "to_char(min(r.date_begin) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS a, "
	    "to_char(max(r.date_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS b "
	    "FROM counted_reports r LEFT JOIN LATERAL (SELECT sum(messages) AS "
	    "messages, sum(messages) FILTER (WHERE pass) AS passed "
	    "FROM source_days a WHERE a.report = r.id) v ON true "
	    "WHERE $1::text IS NULL OR lower(r.domain) = lower($1) "
	    "GROUP BY lower(r.domain)), "
	    "k AS (SELECT *, row_number() OVER (ORDER BY reporters DESC, "
	    "messages DESC, domain) AS n FROM d) "
	    "SELECT domain, reports, reporters, messages, passed, a, b FROM k "
	    "WHERE n <= $2::int UNION ALL SELECT NULL, count(*), NULL, "
	    "coalesce(sum(messages), 0), NULL, NULL, NULL FROM k "
	    "WHERE n > $2::int ORDER BY 1 NULLS LAST",
	    2, params, add_domain, s, err);
	snprintf(limit, sizeof(limit), "%d", SUMMARY_TOP);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const char *p2[] = {s->domains[i].domain, limit};

		/* The rollup itself, hashed by address: the view
		 * source_daily groups by day first and counts reporters,
		 * three times the work. */
		rc = db_each(db,
		    "SELECT host(source_ip), sum(messages), "
		    "coalesce(sum(messages) FILTER (WHERE NOT pass), 0) "
		    "FROM source_days WHERE domain = $1 GROUP BY source_ip "
		    "HAVING coalesce(sum(messages) FILTER (WHERE NOT pass), 0) "
		    "> 0 "
		    "ORDER BY 3 DESC, source_ip "
		    "LIMIT $2",
		    2, p2, add_source, &s->domains[i], err);
	}
	if (rc < 0) {
		summary_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct summary_domain *d = &s->domains[i];

		free(d->domain);
		free(d->first_day);
		free(d->last_day);
		for (size_t j = 0; j < d->ntop; j++)
			free(d->top[j].ip);
	}
	free(s->domains);
	free(s);
}

static int
add_run(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct summary_runs *r = arg;
	struct summary_run *run;

	(void)ncols;
	(void)err;
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	run = &r->v[r->n++];
	run->id = xstrdup(v[0]);
	run->command = xstrdup(v[1] != NULL ? v[1] : "");
	run->started = xstrdup(v[2] != NULL ? v[2] : "");
	run->inputs = num(v[3]);
	run->reports = num(v[4]);
	run->records = num(v[5]);
	return 0;
}

int
summary_interrupted(struct db *db, struct summary_runs *out, struct err *err)
{
	char days[16];
	const char *params[] = {days};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_exec(db, "SELECT close_dead_runs()", 0, NULL, err)) < 0 &&
	    !db_denied(db))
		return rc;
	snprintf(days, sizeof(days), "%d", SUMMARY_RUN_DAYS);
	rc = db_each(db,
	    "SELECT id, command, to_char(started_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI'), inputs_new, reports_new, "
	    "records_new FROM ingest_runs WHERE status = 'interrupted' AND "
	    "started_at > now() - make_interval(days => $1::int) ORDER BY id",
	    1, params, add_run, out, err);
	if (rc < 0)
		summary_runs_free(out);
	return rc;
}

void
summary_runs_free(struct summary_runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].command);
		free(r->v[i].started);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}
