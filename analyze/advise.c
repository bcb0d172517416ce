/*
 * advise: gathers what readiness_judge() needs from the database; see
 * advise.h.
 */
#include "advise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
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

	if (ncols != 9)
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
	return 0;
}

/*
 * The policy of the latest report before until, and since when reports
 * have said the same p, pct and t without a break.
 */
static int
read_policy(struct db *db, const char *domain, const char *until,
    struct policy_state *now, struct err *err)
{
	const char *p[2] = {domain, until};

	memset(now, 0, sizeof(*now));
	now->pct = -1;
	return db_each(db,
	    "WITH r AS (SELECT * FROM reports WHERE lower(domain) = lower($1) "
	    "AND date_begin < to_timestamp($2)), latest AS (SELECT * FROM r "
	    "ORDER BY date_end DESC, id DESC LIMIT 1), change AS (SELECT "
	    "max(r.date_end) AS at FROM r, latest l WHERE (r.p, r.pct, "
	    "r.testing) IS DISTINCT FROM (l.p, l.pct, l.testing)) "
	    "SELECT l.p, l.sp, l.np, l.pct, l.testing, l.adkim, l.aspf, "
	    "extract(epoch FROM l.date_end)::bigint, (SELECT "
	    "extract(epoch FROM min(r.date_begin))::bigint FROM r, change c "
	    "WHERE c.at IS NULL OR r.date_begin >= c.at) FROM latest l",
	    2, p, on_policy, now, err);
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

	if (ncols != 15)
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
	in->legit_failing_sources = u64_of(c[8]);
	in->legit_failed = u64_of(c[9]);
	in->forwarded = u64_of(c[10]);
	in->spoofing = u64_of(c[11]);
	in->unknown = u64_of(c[12]);
	in->new_sources = u64_of(c[13]);
	in->new_messages = u64_of(c[14]);
	return 0;
}

static int
on_sub(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct readiness_inputs *in = arg;

	if (ncols != 4)
		return err_set(
		    err, ERR_DB, "unexpected row reading subdomains");
	in->sub_messages = u64_of(c[0]);
	in->sub_passed = u64_of(c[1]);
	in->sub_names = u64_of(c[2]);
	in->sub_names_failing = u64_of(c[3]);
	return 0;
}

int
advise_compute(struct db *db, const struct advise_options *o, struct advice *a,
    struct err *err)
{
	char until[24], since[24], days[16], share[16], *trusted = NULL;
	const char *p[5];
	int rc;

	memset(a, 0, sizeof(*a));
	snprintf(a->domain, sizeof(a->domain), "%s", o->domain);
	a->days = o->thresholds.days;
	a->until = o->until;
	a->thresholds = o->thresholds;
	a->published = o->published != NULL ? xstrdup(o->published) : NULL;
	snprintf(until, sizeof(until), "%lld", (long long)o->until);
	snprintf(since, sizeof(since), "%lld",
	    (long long)(o->until - (int64_t)a->days * 86400));
	snprintf(days, sizeof(days), "%d", a->days);
	snprintf(share, sizeof(share), "%d", o->rules.legit_share);

	if ((rc = read_policy(db, o->domain, until, &a->now, err)) < 0)
		return rc;
	if ((rc = sources_read(db, o->domain,
	         o->until - (int64_t)a->days * 86400, o->until, &o->rules,
	         &a->sources, err)) < 0)
		return rc;
	if ((rc = source_rules_trusted(&o->rules, &trusted, err)) < 0)
		return rc;
	p[0] = o->domain;
	p[1] = days;
	p[2] = until;
	p[3] = share;
	p[4] = trusted;
	rc = db_each(db,
	    "SELECT * FROM readiness_inputs($1, $2::int, to_timestamp($3), "
	    "$4::numeric / 100, $5::text[])",
	    5, p, on_inputs, &a->in, err);
	free(trusted);
	if (rc < 0)
		return rc;
	p[1] = since;
	rc = db_each(db,
	    "SELECT coalesce(sum(m), 0), coalesce(sum(ok), 0), count(*), "
	    "count(*) FILTER (WHERE ok = 0) FROM (SELECT aligned_to, "
	    "sum(messages) AS m, coalesce(sum(messages) FILTER (WHERE pass), "
	    "0) AS ok FROM record_analysis WHERE lower(domain) = lower($1) "
	    "AND date_begin >= to_timestamp($2) AND date_begin < "
	    "to_timestamp($3) AND right(aligned_to, length($1) + 1) = '.' || "
	    "lower($1) GROUP BY aligned_to) s",
	    3, p, on_sub, &a->in, err);
	if (rc < 0)
		return rc;

	/* The failing legitimate sources go first, in their order (most
	 * failed first), so that in.failing can point at them. */
	{
		struct source *v = xcalloc(a->sources.n + 1, sizeof(*v));
		size_t k = 0;

		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < a->sources.n; i++) {
				const struct source *s = &a->sources.v[i];
				int first = s->cls == SOURCE_LEGITIMATE &&
				    s->failed > 0;

				if (first == (pass == 0))
					v[k++] = *s;
				if (pass == 0 && first)
					a->in.n_failing++;
			}
		free(a->sources.v);
		a->sources.v = v;
		a->in.failing = v;
	}
	a->in.published = a->published;
	readiness_judge(&a->thresholds, a->domain, &a->now, &a->in, &a->r);
	if (o->whatif_policy != NULL) {
		if ((rc = whatif_compute(o->whatif_policy, o->whatif_pct,
		         &a->sources, &a->whatif, err)) < 0)
			return rc;
		a->has_whatif = 1;
	}
	return 0;
}

void
advice_free(struct advice *a)
{
	sources_free(&a->sources);
	free(a->published);
	if (a->has_whatif)
		whatif_free(&a->whatif);
	memset(a, 0, sizeof(*a));
}
