/*
 * browse_search: what serve's search box finds, by address, domain or
 * report ID; see browse.h.
 */
#include "browse.h"
#include "browse_int.h"

#include "db.h"
#include "err.h"

#include <stdio.h>

/* Rows of a list cut in SQL carry the count of all rows last. */
static size_t
more_of(const char *total, size_t top)
{
	uint64_t n = browse_u64(total);

	return n > top ? (size_t)(n - top) : 0;
}

static int
on_source(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_search *s = arg;
	struct browse_hit_source *h;

	(void)err;
	if (ncols != 6)
		return 0;
	if (s->sources == NULL)
		s->sources = xcalloc(BROWSE_SEARCH_TOP, sizeof(*h));
	s->sources_more = more_of(c[5], BROWSE_SEARCH_TOP);
	if (s->nsources >= BROWSE_SEARCH_TOP)
		return 0;
	h = &s->sources[s->nsources++];
	h->domain = browse_str(c[0]);
	h->reports = browse_u64(c[1]);
	h->messages = browse_u64(c[2]);
	h->first = browse_i64(c[3]);
	h->last = browse_i64(c[4]);
	return 0;
}

static int
on_domain(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_search *s = arg;
	struct browse_hit_domain *h;

	(void)err;
	if (ncols != 5)
		return 0;
	if (s->domains == NULL)
		s->domains = xcalloc(BROWSE_SEARCH_TOP, sizeof(*h));
	s->domains_more = more_of(c[4], BROWSE_SEARCH_TOP);
	if (s->ndomains >= BROWSE_SEARCH_TOP)
		return 0;
	h = &s->domains[s->ndomains++];
	h->domain = browse_str(c[0]);
	h->reports = browse_u64(c[1]);
	h->last = browse_i64(c[2]);
	h->exact = browse_bool(c[3]) == 1;
	return 0;
}

static int
on_report(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_search *s = arg;
	struct browse_hit_report *h;

	(void)err;
	if (ncols != 9)
		return 0;
	if (s->reports == NULL)
		s->reports = xcalloc(BROWSE_SEARCH_TOP, sizeof(*h));
	s->reports_more = more_of(c[8], BROWSE_SEARCH_TOP);
	if (s->nreports >= BROWSE_SEARCH_TOP)
		return 0;
	h = &s->reports[s->nreports++];
	h->id = browse_i64(c[0]);
	h->reporter = browse_str(c[1]);
	h->report_id = browse_str(c[2]);
	h->domain = browse_str(c[3]);
	h->begin = browse_i64(c[4]);
	h->end = browse_i64(c[5]);
	h->messages = browse_u64(c[6]);
	h->counted = browse_bool(c[7]) == 1;
	return 0;
}

int
browse_search_read(
    struct db *db, const char *q, struct browse_search *out, struct err *err)
{
	size_t digits = strspn(q, "0123456789");
	const char *p[2] = {q, NULL};
	int rc;

	memset(out, 0, sizeof(*out));
	if (q[0] == '\0' || strlen(q) > BROWSE_SEARCH_MAX)
		return 0;
	/* An address: the domains it sent for, through the records' index
	 * on source_ip (every report, counted or not, as the source page
	 * lists them). */
	if (ip_normalize(q, out->ip) == 0) {
		p[0] = out->ip;
		if ((rc = db_each(db,
		         "SELECT lower(r.domain), count(DISTINCT r.id), "
		         "sum(x.count), extract(epoch FROM "
		         "min(r.date_begin))::bigint, extract(epoch FROM "
		         "max(r.date_begin))::bigint, count(*) OVER () FROM "
		         "records x JOIN reports r ON r.id = x.report WHERE "
		         "x.source_ip = $1::inet GROUP BY 1 ORDER BY 3 DESC, "
		         "1" LIMIT(BROWSE_SEARCH_TOP),
		         1, p, on_source, out, err)) < 0)
			goto fail;
		p[0] = q;
	} else {
		out->ip[0] = '\0';
	}
	/* Domains whose name holds the text: strpos, so that no character
	 * of it is a pattern. */
	if ((rc = db_each(db,
	         "SELECT lower(domain), count(*), extract(epoch FROM "
	         "max(date_begin))::bigint, lower(domain) = lower($1), "
	         "count(*) OVER () FROM reports WHERE strpos(lower(domain), "
	         "lower($1)) > 0 GROUP BY 1 ORDER BY 4 DESC, 2 DESC, "
	         "1" LIMIT(BROWSE_SEARCH_TOP),
	         1, p, on_domain, out, err)) < 0)
		goto fail;
	/* A reporter's report ID, and ours when it is a number. */
	if (digits == strlen(q) && digits <= 18)
		p[1] = q;
	if ((rc = db_each(db,
	         "SELECT r.id, r.org_name, r.report_id, r.domain, "
	         "extract(epoch FROM r.date_begin)::bigint, extract(epoch "
	         "FROM r.date_end)::bigint, r.messages, EXISTS (SELECT 1 FROM "
	         "counted_reports c WHERE c.id = r.id), count(*) OVER () FROM "
	         "reports r WHERE r.report_id = $1 OR r.id = $2::bigint ORDER "
	         "BY r.id = $2::bigint DESC, r.date_begin DESC, r.id "
	         "DESC" LIMIT(BROWSE_SEARCH_TOP),
	         2, p, on_report, out, err)) < 0)
		goto fail;
	return 0;
fail:
	browse_search_free(out);
	return rc;
}

void
browse_search_free(struct browse_search *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nsources; i++)
		free(s->sources[i].domain);
	free(s->sources);
	for (size_t i = 0; i < s->ndomains; i++)
		free(s->domains[i].domain);
	free(s->domains);
	for (size_t i = 0; i < s->nreports; i++) {
		free(s->reports[i].reporter);
		free(s->reports[i].report_id);
		free(s->reports[i].domain);
	}
	free(s->reports);
	memset(s, 0, sizeof(*s));
}
