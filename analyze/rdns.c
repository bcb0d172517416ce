/* rdns.c: the reverse-DNS cache; see rdns.h. */
#include "rdns.h"

#include "db.h"
#include "dnscache.h"
#include "err.h"
#include "orgdomain.h"
#include "pgarray.h"
#include "resolve.h"
#include "services.h"
#include "text.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Addresses looked up together.  resolve_wait() returns when the last of a
 * batch is done, so each batch ends on its slowest lookup: big enough that
 * this tail is small beside the batch, small enough to bound memory and to
 * keep what was found when a long run is interrupted (each batch is stored
 * as it ends).  The resolver keeps RESOLVE_MAX_INFLIGHT of them in flight.
 */
#define RDNS_BATCH 4096
/*
 * The first batch, as many as are in flight at once.  When every lookup of
 * a batch timed out, the servers are taken for dead and the addresses left
 * are stored as timeouts without being asked: otherwise each would wait
 * its full timeout, RESOLVE_MAX_INFLIGHT at a time, minutes for a few
 * thousand addresses.
 */
#define RDNS_PROBE RESOLVE_MAX_INFLIGHT

/* A service name as stored: printable, and bounded even if the user's
 * file holds multi-byte characters. */
#define RDNS_SERVICE_MAX (4 * SERVICES_NAME_MAX + 1)

/* The source IPs of the period ($1 the domain or NULL for all, $2 the
 * earliest beginning): first a row (address NULL) with their count and
 * that of those without an unexpired answer cached, then at most $3 of
 * the latter, those with the most messages (then the lowest address: the
 * same for every run over the same data).  In address order, so that two
 * runs at once upsert the same rows in the same order and do not
 * deadlock. */
static const char want_sql[] =
    "WITH s AS (SELECT host(x.source_ip)::inet AS ip, "
    "                  coalesce(sum(x.count), 0) AS messages "
    "      FROM counted_reports r JOIN records x ON x.report = r.id "
    "      WHERE ($1::text IS NULL OR lower(r.domain) = lower($1::text)) "
    "        AND r.date_begin >= to_timestamp($2::bigint) "
    "      GROUP BY 1), "
    "w AS (SELECT s.ip, s.messages FROM s "
    "      WHERE NOT EXISTS (SELECT 1 FROM rdns d WHERE d.ip = s.ip "
    "                          AND d.expires_at > now())) "
    "SELECT host(u.ip), u.wanted, u.stale "
    "FROM (SELECT NULL::inet AS ip, (SELECT count(*) FROM s) AS wanted, "
    "             (SELECT count(*) FROM w) AS stale "
    "      UNION ALL "
    "      (SELECT ip, NULL, NULL FROM w "
    "       ORDER BY messages DESC, ip LIMIT $3::bigint)) u "
    "ORDER BY u.ip NULLS FIRST";

/* One statement for a batch.  For an address whose lookup failed (keep)
 * the name found before, if any, stays with its columns: a server that
 * did not answer says nothing about it.  Its status and expiry are new. */
static const char store_sql[] =
    "INSERT INTO rdns AS d (ip, status, name, confirmed, orgdomain, "
    "    service, resolved_at, expires_at) "
    "SELECT u.ip, u.status, "
    "       CASE WHEN u.keep THEN o.name ELSE u.name END, "
    "       CASE WHEN u.keep THEN o.confirmed ELSE u.confirmed END, "
    "       CASE WHEN u.keep THEN o.orgdomain ELSE u.orgdomain END, "
    "       CASE WHEN u.keep THEN o.service ELSE u.service END, "
    "       now(), now() + make_interval(secs => u.ttl) "
    "FROM unnest($1::inet[], $2::text[], $3::text[], $4::boolean[], "
    "            $5::text[], $6::text[], $7::integer[], $8::boolean[]) "
    "     AS u(ip, status, name, confirmed, orgdomain, service, ttl, keep) "
    "LEFT JOIN rdns o ON o.ip = u.ip "
    "ON CONFLICT (ip) DO UPDATE SET status = excluded.status, "
    "    name = excluded.name, confirmed = excluded.confirmed, "
    "    orgdomain = excluded.orgdomain, service = excluded.service, "
    "    resolved_at = excluded.resolved_at, "
    "    expires_at = excluded.expires_at";

/* ------------------------------------------------------------------------
 * Refresh. */

static const struct dnscache_ttls ttls = {
    RDNS_TTL_MIN, RDNS_TTL_MAX, RDNS_TTL_NEGATIVE, RDNS_TTL_TROUBLE};

/* Whether the lookup of f failed in part or whole: a name whose forward
 * lookups failed could not be confirmed or refuted. */
static int
fcrdns_trouble(const struct resolve_fcrdns *f)
{
	if (resolve_status_trouble(f->status))
		return 1;
	return f->name != NULL && !f->confirmed &&
	    resolve_status_trouble(f->fwd_status);
}

/* How long the answer in f is kept (rdns.h). */
static unsigned
fcrdns_ttl(const struct resolve_fcrdns *f)
{
	unsigned ttl = dnscache_ttl(&ttls, f->status, f->ttl);

	/* Ask again soon to settle what the forward lookups could not. */
	if (f->status == RESOLVE_OK && fcrdns_trouble(f) &&
	    ttl > RDNS_TTL_TROUBLE)
		ttl = RDNS_TTL_TROUBLE;
	return ttl;
}

struct rows {
	struct pgarray ip, status, name, confirmed, orgdomain, service, ttl,
	    keep;
	size_t n;
};

static void
rows_free(struct rows *w)
{
	pgarray_free(&w->ip);
	pgarray_free(&w->status);
	pgarray_free(&w->name);
	pgarray_free(&w->confirmed);
	pgarray_free(&w->orgdomain);
	pgarray_free(&w->service);
	pgarray_free(&w->ttl);
	pgarray_free(&w->keep);
	w->n = 0;
}

/* Adds the row of ip, whose lookup is f. */
static void
rows_add(struct rows *w, const char *ip, const struct resolve_fcrdns *f,
    const struct orgdomain *od, const struct services *sv)
{
	char name[RESOLVE_NAME_MAX], org[ORGDOMAIN_MAX], svc[RDNS_SERVICE_MAX];
	char ttl[16];
	const char *nm = NULL, *conf = NULL, *o = NULL, *s = NULL;

	if (f->name != NULL) {
		/* Printable already (resolve.h); this keeps it so whatever
		 * the resolver becomes. */
		text_printable(f->name, name, sizeof(name));
		nm = name;
		if (f->confirmed)
			conf = "t";
		else if (!resolve_status_trouble(f->fwd_status))
			conf = "f";
		if (od != NULL && orgdomain_get(od, nm, org, sizeof(org)) == 0)
			o = org;
		if (f->confirmed && sv != NULL) {
			s = services_lookup(sv, SERVICES_PTR, nm);
			if (s != NULL) {
				text_printable(s, svc, sizeof(svc));
				s = svc;
			}
		}
	}
	snprintf(ttl, sizeof(ttl), "%u", fcrdns_ttl(f));
	pgarray_add(&w->ip, ip);
	pgarray_add(&w->status, resolve_status_name(f->status));
	pgarray_add(&w->name, nm);
	pgarray_add(&w->confirmed, conf);
	pgarray_add(&w->orgdomain, o);
	pgarray_add(&w->service, s);
	pgarray_add(&w->ttl, ttl);
	pgarray_add(&w->keep, resolve_status_trouble(f->status) ? "t" : "f");
	w->n++;
}

static int
rows_store(struct db *db, struct rows *w, struct err *err)
{
	const char *params[8];
	int rc;

	if (w->n == 0)
		return 0;
	params[0] = pgarray_end(&w->ip);
	params[1] = pgarray_end(&w->status);
	params[2] = pgarray_end(&w->name);
	params[3] = pgarray_end(&w->confirmed);
	params[4] = pgarray_end(&w->orgdomain);
	params[5] = pgarray_end(&w->service);
	params[6] = pgarray_end(&w->ttl);
	params[7] = pgarray_end(&w->keep);
	if ((rc = pgarray_check(params, 8, err)) == 0)
		rc = db_exec(db, store_sql, 8, params, err);
	if (rc < 0)
		err_prefix(err, "cannot store reverse dns");
	return rc;
}

/* Stores n addresses as timeouts without asking (see RDNS_PROBE). */
static int
store_unasked(struct db *db, char *const *ip, size_t n, struct rdns_stats *st,
    struct err *err)
{
	struct resolve_fcrdns f;
	struct rows w;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	f.status = RESOLVE_TIMEOUT;
	f.fwd_status = RESOLVE_TIMEOUT;
	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++)
		rows_add(&w, ip[i], &f, NULL, NULL);
	st->trouble += n;
	rc = rows_store(db, &w, err);
	rows_free(&w);
	return rc;
}

/* Looks up n addresses and stores what was found; *timeouts counts the
 * lookups that timed out. */
static int
refresh_batch(struct db *db, struct resolver *r, const struct orgdomain *od,
    const struct services *sv, char *const *ip, size_t n, struct rdns_stats *st,
    size_t *timeouts, struct err *err)
{
	struct resolve_fcrdns *f = xcalloc(n, sizeof(*f));
	struct rows w;
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++)
		resolve_ptr_confirmed(r, ip[i], &f[i]);
	rc = resolve_wait(r, err);
	if (rc < 0) {
		/* The rest were cancelled: nothing of this batch is an
		 * answer. */
		err_prefix(err, "reverse dns");
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* Not asked, or not settled, for the time budget: nothing
		 * learnt, nothing stored; the next run asks. */
		if (f[i].status == RESOLVE_BUDGET ||
		    (f[i].name != NULL && !f[i].confirmed &&
		        f[i].fwd_status == RESOLVE_BUDGET)) {
			st->trouble++;
			continue;
		}
		rows_add(&w, ip[i], &f[i], od, sv);
		if (f[i].status == RESOLVE_TIMEOUT)
			(*timeouts)++;
		if (fcrdns_trouble(&f[i]))
			st->trouble++;
		else
			st->resolved++;
	}
	rc = rows_store(db, &w, err);
out:
	for (i = 0; i < n; i++)
		resolve_fcrdns_clear(&f[i]);
	free(f);
	rows_free(&w);
	return rc;
}

/* What dnscache_run() hands back to this cache. */
struct run {
	struct db *db;
	struct resolver *r;
	const struct orgdomain *od;
	const struct services *sv;
	struct rdns_stats *st;
};

static int
run_lookup(
    void *ctx, char *const *ip, size_t n, size_t *timeouts, struct err *err)
{
	struct run *x = ctx;

	return refresh_batch(
	    x->db, x->r, x->od, x->sv, ip, n, x->st, timeouts, err);
}

static int
run_unasked(void *ctx, char *const *ip, size_t n, struct err *err)
{
	struct run *x = ctx;

	return store_unasked(x->db, ip, n, x->st, err);
}

int
rdns_refresh(struct db *db, struct resolver *r, const struct orgdomain *od,
    const struct services *sv, const char *domain, int64_t since,
    void (*progress)(size_t done, size_t total), struct rdns_stats *st,
    struct err *err)
{
	struct rdns_stats local;
	struct run x = {db, r, od, sv, NULL};
	const struct dnscache_ops ops = {&x, NULL, run_lookup, run_unasked};

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	x.st = st;
	return dnscache_run(db, want_sql, domain, since, RDNS_WANT_MAX,
	    RDNS_PROBE, RDNS_BATCH, &ops, progress, &st->wanted, &st->fresh,
	    &st->left, err);
}

/* ------------------------------------------------------------------------
 * Reservice. */

struct reservice {
	const struct services *sv;
	struct pgarray ip, name, service;
	size_t n;
};

static int
reservice_row(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct reservice *rs = arg;
	const char *ip = v[0], *name = v[1], *confirmed = v[2], *old = v[3];
	const char *s = NULL;
	char svc[RDNS_SERVICE_MAX];

	(void)ncols;
	(void)err;
	if (name != NULL && confirmed != NULL && confirmed[0] == 't' &&
	    rs->sv != NULL) {
		s = services_lookup(rs->sv, SERVICES_PTR, name);
		if (s != NULL) {
			text_printable(s, svc, sizeof(svc));
			s = svc;
		}
	}
	if ((s == NULL && old == NULL) ||
	    (s != NULL && old != NULL && strcmp(s, old) == 0))
		return 0;
	pgarray_add(&rs->ip, ip);
	pgarray_add(&rs->name, name);
	pgarray_add(&rs->service, s);
	rs->n++;
	return 0;
}

int
rdns_reservice(struct db *db, const struct services *sv, struct err *err)
{
	struct reservice rs;
	const char *params[3];
	int rc;

	memset(&rs, 0, sizeof(rs));
	rs.sv = sv;
	rc = db_each(db,
	    "SELECT host(ip), name, confirmed, service FROM rdns "
	    "WHERE (confirmed AND name IS NOT NULL) OR service IS NOT NULL",
	    0, NULL, reservice_row, &rs, err);
	if (rc == 0 && rs.n > 0) {
		params[0] = pgarray_end(&rs.ip);
		params[1] = pgarray_end(&rs.name);
		params[2] = pgarray_end(&rs.service);
		/* Only where the name is still the one read: a refresh in
		 * between has set the service of a new name itself. */
		if ((rc = pgarray_check(params, 3, err)) == 0)
			rc = db_exec(db,
			    "UPDATE rdns d SET service = u.service "
			    "FROM unnest($1::inet[], $2::text[], $3::text[]) "
			    "     AS u(ip, name, service) "
			    "WHERE d.ip = u.ip AND d.name IS NOT DISTINCT FROM "
			    "u.name",
			    3, params, err);
	}
	if (rc < 0)
		err_prefix(err, "cannot update services of reverse dns");
	pgarray_free(&rs.ip);
	pgarray_free(&rs.name);
	pgarray_free(&rs.service);
	return rc;
}
