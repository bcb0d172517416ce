/*
 * browse_source: one source of a domain over a period, for serve's source
 * page; see browse.h.
 */
#include "browse.h"
#include "browse_int.h"

#include "clock.h"
#include "db.h"
#include "err.h"

#include <stdio.h>

/* The parameters every statement here takes: $1 domain, $2 ip, $3 and
 * $4 the period's ends (Unix seconds). */
#define DAY_FROM "(to_timestamp($3::bigint) AT TIME ZONE 'UTC')::date"
#define DAY_TO "(to_timestamp($4::bigint) AT TIME ZONE 'UTC')::date"

static int
on_name(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source *s = arg;

	(void)err;
	if (ncols == 2 && s->who == NULL) {
		s->who = browse_str(c[0]);
		s->ptr = browse_str(c[1]);
	}
	return 0;
}

static int
on_day(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source *s = arg;
	int64_t day = browse_i64(c[0]);
	struct browse_day *d;
	size_t i;

	(void)err;
	if (ncols != 7 || s->ndays == 0 || day < s->days[0].day)
		return 0;
	i = (size_t)((day - s->days[0].day) / CLOCK_DAY);
	if (i >= s->ndays)
		return 0;
	d = &s->days[i];
	d->messages = browse_u64(c[1]);
	d->passed = browse_u64(c[2]);
	d->failed = browse_u64(c[3]);
	d->forwarded = browse_u64(c[4]);
	d->disagreed = browse_u64(c[5]);
	d->reporters = browse_u64(c[6]);
	s->messages += d->messages;
	s->passed += d->passed;
	s->failed += d->failed;
	return 0;
}

/* Rows of a list cut in SQL carry the count of all rows last; the first
 * top are kept. */
static size_t
more_of(const char *total, size_t top)
{
	uint64_t n = browse_u64(total);

	return n > top ? (size_t)(n - top) : 0;
}

static int
on_auth(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source *s = arg;
	struct browse_auth *a;

	(void)err;
	if (ncols != 14)
		return 0;
	if (s->auth == NULL)
		s->auth = xcalloc(BROWSE_AUTH_TOP, sizeof(*s->auth));
	s->auth_more = more_of(c[13], BROWSE_AUTH_TOP);
	if (s->nauth >= BROWSE_AUTH_TOP)
		return 0;
	a = &s->auth[s->nauth++];
	a->header_from = browse_str(c[0]);
	a->dkim_domain = browse_str(c[1]);
	a->dkim_result = browse_str(c[2]);
	a->spf_domain = browse_str(c[3]);
	a->spf_result = browse_str(c[4]);
	a->dkim_aligned = browse_bool(c[5]) == 1;
	a->spf_aligned = browse_bool(c[6]) == 1;
	a->pass = browse_bool(c[7]) == 1;
	a->rcv_pass = browse_bool(c[8]);
	a->cause = browse_str(c[9]);
	a->disposition = browse_str(c[10]);
	a->messages = browse_u64(c[11]);
	a->records = browse_u64(c[12]);
	return 0;
}

static int
on_receiver(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source *s = arg;
	struct browse_receiver *r;

	(void)err;
	if (ncols != 6)
		return 0;
	if (s->receivers == NULL)
		s->receivers = xcalloc(BROWSE_RECEIVERS_TOP, sizeof(*r));
	s->receivers_more = more_of(c[5], BROWSE_RECEIVERS_TOP);
	if (s->nreceivers >= BROWSE_RECEIVERS_TOP)
		return 0;
	r = &s->receivers[s->nreceivers++];
	r->name = browse_str(c[0]);
	r->reports = browse_u64(c[1]);
	r->messages = browse_u64(c[2]);
	r->first_day = browse_i64(c[3]);
	r->last_day = browse_i64(c[4]);
	return 0;
}

static int
on_report(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_source *s = arg;
	struct browse_report_ref *r;

	(void)err;
	if (ncols != 9)
		return 0;
	if (s->reports == NULL)
		s->reports = xcalloc(BROWSE_REPORTS_TOP, sizeof(*r));
	s->reports_more = more_of(c[8], BROWSE_REPORTS_TOP);
	if (s->nreports >= BROWSE_REPORTS_TOP)
		return 0;
	r = &s->reports[s->nreports++];
	r->id = browse_i64(c[0]);
	r->reporter = browse_str(c[1]);
	r->report_id = browse_str(c[2]);
	r->begin = browse_i64(c[3]);
	r->end = browse_i64(c[4]);
	r->messages = browse_u64(c[5]);
	r->counted = browse_bool(c[6]) == 1;
	r->genuine = browse_bool(c[7]);
	return 0;
}

/* The next of the latest failure reports, all of them counted. */
static struct source_failures *
failure_slot(void *arg, const char *ip, uint64_t n)
{
	struct browse_source *s = arg;

	(void)ip;
	s->failure_reports = n;
	if (s->failures == NULL)
		s->failures =
		    xcalloc(BROWSE_FAILURES_TOP, sizeof(*s->failures));
	if (s->nfailures >= BROWSE_FAILURES_TOP)
		return NULL;
	return &s->failures[s->nfailures++];
}

int
browse_source_read(struct db *db, const char *domain, const char *ip,
    int64_t since, int64_t until, struct browse_source *out, struct err *err)
{
	char ss[24], us[24], ips[IP_TEXT_MAX + 2];
	const char *p[4] = {domain, ip, ss, us};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->ip, sizeof(out->ip), "%s", ip);
	snprintf(ss, sizeof(ss), "%lld", (long long)since);
	snprintf(us, sizeof(us), "%lld", (long long)until);
	if (until > since) {
		out->ndays = (size_t)((until - since) / CLOCK_DAY);
		out->days = xcalloc(out->ndays + 1, sizeof(*out->days));
		for (size_t i = 0; i < out->ndays; i++)
			out->days[i].day = since + (int64_t)i * CLOCK_DAY;
	}
	/* Its name as the domain page gives it: the service of most of its
	 * mail, else what the caches know of the address. */
	if ((rc = db_each(db,
	         "SELECT n.who, d.name FROM source_name($2::inet, (SELECT "
	         "coalesce(dkim_service, spf_service) FROM source_days WHERE "
	         "domain = $1 AND source_ip = $2::inet AND day >= " DAY_FROM
	         " AND day < " DAY_TO " AND coalesce(dkim_service, "
	         "spf_service) IS NOT NULL GROUP BY 1 ORDER BY sum(messages) "
	         "DESC, 1 LIMIT 1)) n LEFT JOIN rdns d ON d.ip = $2::inet",
	         4, p, on_name, out, err)) < 0)
		goto fail;
	/* The rollup the domain page and `sources` read. */
	if ((rc = db_each(db,
	         "SELECT extract(epoch FROM day)::bigint, messages, passed, "
	         "failed, forwarded, disagreed, reporters FROM source_daily "
	         "WHERE domain = $1 AND source_ip = $2::inet AND day "
	         ">= " DAY_FROM " AND day < " DAY_TO " ORDER BY day",
	         4, p, on_day, out, err)) < 0)
		goto fail;
	/* Its mail by what the receivers saw and what we concluded, shared
	 * out by day as the rollup is, so the sums agree. */
	if ((rc = db_each(db,
	         "SELECT aligned_to, dkim_domain, dkim_result, spf_domain, "
	         "spf_result, dkim_aligned, spf_aligned, pass, rcv_pass, "
	         "cause, "
	         "lower(disposition), sum(messages), count(DISTINCT (report, "
	         "idx)), count(*) OVER () FROM record_analysis WHERE domain = "
	         "$1 AND source_ip = $2::inet AND day >= " DAY_FROM
	         " AND day < " DAY_TO " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, "
	         "10, 11 ORDER BY 12 DESC, 1, 2, 4, 3, 5, 10, 11" LIMIT(
	             BROWSE_AUTH_TOP),
	         4, p, on_auth, out, err)) < 0)
		goto fail;
	if ((rc = db_each(db,
	         "SELECT reporter, count(DISTINCT report), sum(messages), "
	         "extract(epoch FROM min(day))::bigint, extract(epoch FROM "
	         "max(day))::bigint, count(*) OVER () FROM source_days WHERE "
	         "domain = $1 AND source_ip = $2::inet AND day >= " DAY_FROM
	         " AND day < " DAY_TO
	         " GROUP BY reporter ORDER BY 3 DESC, 1" LIMIT(
	             BROWSE_RECEIVERS_TOP),
	         4, p, on_receiver, out, err)) < 0)
		goto fail;
	/* Every stored report whose range meets the period, counted or not
	 * (a forged one is worth seeing), through the records' index. */
	if ((rc = db_each(db,
	         "SELECT r.id, r.org_name, r.report_id, extract(epoch FROM "
	         "r.date_begin)::bigint, extract(epoch FROM "
	         "r.date_end)::bigint, sum(x.count), EXISTS (SELECT 1 FROM "
	         "counted_reports c WHERE c.id = r.id), r.genuine, count(*) "
	         "OVER () FROM records x JOIN reports r ON r.id = x.report "
	         "WHERE x.source_ip = $2::inet AND lower(r.domain) = $1 AND "
	         "r.date_begin < to_timestamp($4::bigint) AND r.date_end > "
	         "to_timestamp($3::bigint) GROUP BY r.id ORDER BY r.date_begin "
	         "DESC, r.id DESC" LIMIT(BROWSE_REPORTS_TOP),
	         4, p, on_report, out, err)) < 0)
		goto fail;
	/* Its failure reports as `sources` reads them, by UTC day. */
	snprintf(ips, sizeof(ips), "{%s}", ip);
	if ((rc = source_failures_read(db, domain, ips, ss, us,
	         BROWSE_FAILURES_TOP, failure_slot, out, err)) < 0)
		goto fail;
	return 0;
fail:
	browse_source_free(out);
	return rc;
}

void
browse_source_free(struct browse_source *s)
{
	if (s == NULL)
		return;
	free(s->who);
	free(s->ptr);
	free(s->days);
	for (size_t i = 0; i < s->nauth; i++) {
		struct browse_auth *a = &s->auth[i];

		free(a->header_from);
		free(a->dkim_domain);
		free(a->dkim_result);
		free(a->spf_domain);
		free(a->spf_result);
		free(a->cause);
		free(a->disposition);
	}
	free(s->auth);
	for (size_t i = 0; i < s->nreceivers; i++)
		free(s->receivers[i].name);
	free(s->receivers);
	for (size_t i = 0; i < s->nreports; i++) {
		free(s->reports[i].reporter);
		free(s->reports[i].report_id);
	}
	free(s->reports);
	for (size_t i = 0; i < s->nfailures; i++)
		source_failures_clear(&s->failures[i]);
	free(s->failures);
	memset(s, 0, sizeof(*s));
}
