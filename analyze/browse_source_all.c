/*
 * browse_source_all: one source across every domain it sent for, for
 * serve's source page without a domain; see browse.h.
 */
#include "browse.h"
#include "browse_int.h"

#include "db.h"
#include "err.h"

#include <stdio.h>

static int
on_domain(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source_domains *l = arg;
	struct browse_source_domain *d;
	uint64_t total;

	(void)err;
	if (ncols != 8)
		return 0;
	if (l->v == NULL)
		l->v = xcalloc(BROWSE_DOMAINS_TOP, sizeof(*d));
	total = browse_u64(c[7]);
	l->more = total > BROWSE_DOMAINS_TOP ? total - BROWSE_DOMAINS_TOP : 0;
	if (l->n >= BROWSE_DOMAINS_TOP)
		return 0;
	d = &l->v[l->n++];
	d->domain = browse_str(c[0]);
	d->reports = browse_u64(c[1]);
	d->messages = browse_u64(c[2]);
	d->passed = browse_u64(c[3]);
	d->failed = browse_u64(c[4]);
	d->first_day = browse_i64(c[5]);
	d->last_day = browse_i64(c[6]);
	return 0;
}

int
browse_source_domains_read(struct db *db, const char *ip, int64_t since,
    int64_t until, struct browse_source_domains *out, struct err *err)
{
	char ss[24], us[24];
	const char *p[3] = {ip, ss, us};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->ip, sizeof(out->ip), "%s", ip);
	snprintf(ss, sizeof(ss), "%lld", (long long)since);
	snprintf(us, sizeof(us), "%lld", (long long)until);
	/* The domains from the reports that name the address, through the
	 * records' index on source_ip (the rollup has none), as the source
	 * page lists its reports; then each domain's numbers from the rollup
	 * through its index on (domain, source_ip, day), as the source page
	 * of that domain reads them. */
	rc = db_each(db,
	    "WITH d AS (SELECT lower(r.domain) AS domain, count(DISTINCT r.id) "
	    "AS reports FROM records x JOIN reports r ON r.id = x.report WHERE "
	    "x.source_ip = $1::inet AND r.date_begin < "
	    "to_timestamp($3::bigint) "
	    "AND r.date_end > to_timestamp($2::bigint) GROUP BY 1) "
	    "SELECT d.domain, d.reports, coalesce(s.messages, 0), "
	    "coalesce(s.passed, 0), coalesce(s.failed, 0), extract(epoch FROM "
	    "s.first)::bigint, extract(epoch FROM s.last)::bigint, count(*) "
	    "OVER () FROM d LEFT JOIN LATERAL (SELECT sum(messages) AS "
	    "messages, sum(passed) AS passed, sum(failed) AS failed, min(day) "
	    "AS first, max(day) AS last FROM source_daily WHERE domain = "
	    "d.domain AND source_ip = $1::inet AND day >= "
	    "(to_timestamp($2::bigint) AT TIME ZONE 'UTC')::date AND day < "
	    "(to_timestamp($3::bigint) AT TIME ZONE 'UTC')::date) s ON true "
	    "ORDER BY 3 DESC, 2 DESC, 1" LIMIT(BROWSE_DOMAINS_TOP),
	    3, p, on_domain, out, err);
	if (rc < 0)
		browse_source_domains_free(out);
	return rc < 0 ? rc : 0;
}

void
browse_source_domains_free(struct browse_source_domains *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].domain);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
