#include "tls.h"

#include "db.h"
#include "err.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
u64(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Grows a vector of n items of size to hold one more; returns the new
 * item, zeroed. */
static void *
grow(void **v, size_t *n, size_t size)
{
	char *p = xrealloc(*v, (*n + 1) * size);

	*v = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

static int
on_day(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct tls_summary *s = arg;
	struct tls_day *d = grow((void **)&s->days, &s->n_days, sizeof(*d));

	snprintf(d->day, sizeof(d->day), "%s", v[0]);
	d->successful = u64(v[1]);
	d->failed = u64(v[2]);
	s->successful += d->successful;
	s->failed += d->failed;
	return 0;
}

static int
on_mx(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct tls_summary *s = arg;
	struct tls_mx *m = grow((void **)&s->mxs, &s->n_mxs, sizeof(*m));

	m->mx = dup_or_null(v[0]);
	m->failed = u64(v[1]);
	m->types = xstrdup(v[2] != NULL ? v[2] : "");
	s->mxs_total = (size_t)u64(v[3]);
	return 0;
}

static int
on_type(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct tls_summary *s = arg;
	struct tls_type *t = grow((void **)&s->types, &s->n_types, sizeof(*t));

	t->type = xstrdup(v[0]);
	t->failed = u64(v[1]);
	t->mxs = u64(v[2]);
	s->types_total = (size_t)u64(v[3]);
	return 0;
}

static int
on_reporter(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct tls_summary *s = arg;
	struct tls_reporter *r =
	    grow((void **)&s->reporters, &s->n_reporters, sizeof(*r));

	r->name = xstrdup(v[0]);
	r->reports = u64(v[1]);
	r->successful = u64(v[2]);
	r->failed = u64(v[3]);
	snprintf(r->last, sizeof(r->last), "%s", v[4] != NULL ? v[4] : "");
	s->reporters_total = (size_t)u64(v[5]);
	s->reports = u64(v[6]);
	return 0;
}

static int
on_latest(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct tls_summary *s = arg;

	snprintf(s->latest, sizeof(s->latest), "%s", v[0] != NULL ? v[0] : "");
	return 0;
}

/* A stranger may name any number of MX hosts, result types and
 * reporters: the lists hold the first TLS_LIST_MAX (tls.h), and how many
 * there were; an MX's result types, the first few. */
#define STR2(x) #x
#define STR(x) STR2(x)
#define TLS_LIST_MAX_SQL STR(TLS_LIST_MAX)
#define TLS_TYPES_PER_MX "5"

/* The period's days as the views give them: $2 and $3 are Unix seconds. */
#define IN_PERIOD                                                              \
	"day >= (to_timestamp($2) AT TIME ZONE 'UTC')::date AND day < "        \
	"(to_timestamp($3) AT TIME ZONE 'UTC')::date"

int
tls_compute(struct db *db, const char *domain, int64_t since, int64_t until,
    struct tls_summary **out, struct err *err)
{
	struct tls_summary *s = xcalloc(1, sizeof(*s));
	char a[24], b[24];
	const char *params[] = {domain, a, b};
	int rc;

	snprintf(a, sizeof(a), "%" PRId64, since);
	snprintf(b, sizeof(b), "%" PRId64, until);
	s->domain = xstrdup(domain);
	for (char *p = s->domain; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	s->since = since;
	s->until = until;
	if ((rc = db_each(db,
	         "SELECT day, successful, failed FROM tls_daily WHERE domain "
	         "= lower($1) AND " IN_PERIOD " ORDER BY day",
	         3, params, on_day, s, err)) < 0 ||
	    (rc = db_each(db,
	         "SELECT mx, sum(n), array_to_string((array_agg(result_type "
	         "ORDER BY n DESC, result_type))[1:" TLS_TYPES_PER_MX
	         "], ', ') "
	         "|| CASE WHEN count(*) > " TLS_TYPES_PER_MX " THEN ', ...' "
	         "ELSE '' END, count(*) OVER () FROM (SELECT "
	         "receiving_mx_hostname AS mx, result_type, "
	         "sum(failed_sessions) AS n FROM tls_failures WHERE domain = "
	         "lower($1) AND " IN_PERIOD " GROUP BY 1, 2) t GROUP BY 1 "
	         "ORDER BY 2 DESC, 1 NULLS LAST LIMIT " TLS_LIST_MAX_SQL,
	         3, params, on_mx, s, err)) < 0 ||
	    (rc = db_each(db,
	         "SELECT result_type, sum(failed_sessions), count(DISTINCT "
	         "receiving_mx_hostname), count(*) OVER () FROM tls_failures "
	         "WHERE domain = lower($1) AND " IN_PERIOD
	         " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " TLS_LIST_MAX_SQL,
	         3, params, on_type, s, err)) < 0 ||
	    (rc = db_each(db,
	         "SELECT org_name, count(DISTINCT r.id), sum(p.successful), "
	         "sum(p.failed), max(day), count(*) OVER (), "
	         "sum(count(DISTINCT r.id)) OVER () FROM (SELECT *, "
	         "(date_begin "
	         "AT TIME ZONE 'UTC')::date AS day FROM tls_counted) r JOIN "
	         "tls_policies p ON p.report = r.id WHERE "
	         "lower(p.policy_domain) "
	         "= lower($1) AND " IN_PERIOD " GROUP BY 1 ORDER BY "
	         "sum(p.successful) + sum(p.failed) DESC, 1 "
	         "LIMIT " TLS_LIST_MAX_SQL,
	         3, params, on_reporter, s, err)) < 0 ||
	    (rc = db_each(db,
	         "SELECT max(day) FROM tls_daily WHERE domain = lower($1)", 1,
	         params, on_latest, s, err)) < 0) {
		tls_summary_free(s);
		return err_prefix(err, "TLS reports of %s", domain);
	}
	*out = s;
	return 0;
}

int
tls_reported(struct db *db, const char *domain, int64_t since, int64_t until,
    int *yes, struct err *err)
{
	char a[24], b[24], *v = NULL;
	const char *params[] = {domain, a, b};
	int rc;

	snprintf(a, sizeof(a), "%" PRId64, since);
	snprintf(b, sizeof(b), "%" PRId64, until);
	/* A report begins in the period exactly when its UTC day does (the
	 * bounds are midnights), and the one tls_counted keeps of copies
	 * shares their range: the same reports tls_compute() counts. */
	rc = db_value(db,
	    "SELECT EXISTS (SELECT 1 FROM tls_policies p JOIN tls_reports r "
	    "ON r.id = p.report WHERE lower(p.policy_domain) = lower($1) AND "
	    "r.date_begin >= to_timestamp($2) AND r.date_begin < "
	    "to_timestamp($3))",
	    3, params, &v, err);
	if (rc < 0)
		return err_prefix(err, "TLS reports of %s", domain);
	*yes = v != NULL && strcmp(v, "t") == 0;
	free(v);
	return 0;
}

int
tls_domains(struct db *db, char **out, struct err *err)
{
	int rc = db_value(db,
	    "SELECT coalesce(string_agg(domain, ', ' ORDER BY n DESC, domain), "
	    "'') FROM (SELECT domain, sum(successful + failed) AS n FROM "
	    "tls_daily GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20) t",
	    0, NULL, out, err);

	return rc < 0 ? err_prefix(err, "TLS reports") : 0;
}

void
tls_summary_free(struct tls_summary *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_mxs; i++) {
		free(s->mxs[i].mx);
		free(s->mxs[i].types);
	}
	for (size_t i = 0; i < s->n_types; i++)
		free(s->types[i].type);
	for (size_t i = 0; i < s->n_reporters; i++)
		free(s->reporters[i].name);
	free(s->days);
	free(s->mxs);
	free(s->types);
	free(s->reporters);
	free(s->domain);
	free(s);
}
