/*
 * dnscache: the shared run of the DNS caches; see dnscache.h.
 */
#include "dnscache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "xalloc.h"

unsigned
dnscache_bound(const struct dnscache_ttls *t, unsigned ttl)
{
	if (ttl < t->min)
		return t->min;
	return ttl > t->max ? t->max : ttl;
}

unsigned
dnscache_ttl(
    const struct dnscache_ttls *t, enum resolve_status status, unsigned ttl)
{
	if (resolve_status_trouble(status))
		return t->trouble;
	if (status == RESOLVE_OK)
		return dnscache_bound(t, ttl);
	/* NXDOMAIN, NODATA, BADNAME */
	return ttl > 0 ? dnscache_bound(t, ttl) : t->negative;
}

struct want {
	char **ip; /* addresses to look up, owned */
	size_t n, cap, limit; /* n <= limit */
	size_t wanted, stale; /* the first row's */
};

static int
add_want(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct want *w = arg;

	(void)err;
	if (ncols < 3)
		return 0;
	/* The counts: every address wanted, those without an answer. */
	if (v[0] == NULL) {
		w->wanted = v[1] != NULL ? strtoull(v[1], NULL, 10) : 0;
		w->stale = v[2] != NULL ? strtoull(v[2], NULL, 10) : 0;
		return 0;
	}
	if (w->n == w->limit)
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap == 0 ? 64 : 2 * w->cap;
		w->ip = xrealloc(w->ip, w->cap * sizeof(*w->ip));
	}
	w->ip[w->n++] = xstrdup(v[0]);
	return 0;
}

int
dnscache_run(struct db *db, const char *want_sql, const char *domain,
    int64_t since, size_t limit, size_t probe, size_t batch,
    const struct dnscache_ops *ops, void (*progress)(size_t done, size_t total),
    size_t *wanted, size_t *fresh, size_t *left, struct err *err)
{
	struct want w;
	char since_text[24], limit_text[24];
	const char *params[3];
	size_t i, n, timeouts;
	int rc, dead = 0;

	memset(&w, 0, sizeof(w));
	w.limit = limit;
	snprintf(since_text, sizeof(since_text), "%" PRId64, since);
	snprintf(limit_text, sizeof(limit_text), "%zu", limit);
	params[0] = domain;
	params[1] = since_text;
	params[2] = limit_text;
	rc = db_each(db, want_sql, 3, params, add_want, &w, err);
	if (rc < 0) {
		err_prefix(err, "cannot read source addresses");
		goto out;
	}
	/* Counts that hold whatever want_sql gave: n <= stale <= wanted. */
	if (w.stale < w.n)
		w.stale = w.n;
	if (w.wanted < w.stale)
		w.wanted = w.stale;
	*wanted = w.wanted;
	*fresh = w.wanted - w.stale;
	*left = w.stale - w.n;
	/* The probe is spread over the addresses: neighbours often share
	 * their name servers, and one provider's dead ones must not look
	 * like ours. */
	if (w.n > probe) {
		for (i = 1; i < probe; i++) {
			char *t = w.ip[i];

			w.ip[i] = w.ip[i * (w.n / probe)];
			w.ip[i * (w.n / probe)] = t;
		}
	}
	if (w.n > 0 && ops->prepare != NULL &&
	    (rc = ops->prepare(ops->ctx, err)) < 0)
		goto out;
	if (progress != NULL && w.n > 0)
		progress(0, w.n);
	for (i = 0; i < w.n && rc == 0; i += n) {
		n = i == 0 ? probe : batch;
		if (n > w.n - i)
			n = w.n - i;
		timeouts = 0;
		if (dead) {
			rc = ops->unasked(ops->ctx, w.ip + i, n, err);
		} else {
			rc = ops->lookup(ops->ctx, w.ip + i, n, &timeouts, err);
			dead = timeouts == n;
		}
		if (rc == 0 && progress != NULL)
			progress(i + n, w.n);
	}
out:
	for (i = 0; i < w.n; i++)
		free(w.ip[i]);
	free(w.ip);
	return rc;
}
