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
	const char *params[] = {domain};
	char limit[8];
	int rc;

	/* Domains are compared without case (RFC 4343): a reporter that
	 * writes Example.COM does not split the domain.  Volumes come from
	 * the records, so a report's own counters and
	 * its rows can never disagree in what is shown; "passed" is our
	 * verdict (source_days, the rollup of record_analysis), the one
	 * every other command shows. */
	rc = db_each(db,
	    "SELECT lower(r.domain), count(*), count(DISTINCT r.org_name), "
	    "coalesce(sum(v.messages), 0), coalesce(sum(v.passed), 0), "
	    "to_char(min(r.date_begin) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
	    "to_char(max(r.date_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
	    "FROM counted_reports r LEFT JOIN LATERAL (SELECT sum(messages) AS "
	    "messages, sum(messages) FILTER (WHERE pass) AS passed "
	    "FROM source_days a WHERE a.report = r.id) v ON true "
	    "WHERE $1::text IS NULL OR lower(r.domain) = lower($1) "
	    "GROUP BY lower(r.domain) ORDER BY lower(r.domain)",
	    1, params, add_domain, s, err);
	snprintf(limit, sizeof(limit), "%d", SUMMARY_TOP);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const char *p2[] = {s->domains[i].domain, limit};

		rc = db_each(db,
		    "SELECT host(source_ip), sum(messages), sum(failed) "
		    "FROM source_daily WHERE domain = $1 GROUP BY source_ip "
		    "HAVING sum(failed) > 0 ORDER BY sum(failed) DESC, "
		    "source_ip LIMIT $2",
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
