/*
 * dnscache: what the caches of DNS answers share (rdns.c, the PTR names of
 * source addresses; asn.c, their origin AS and its name): the run over the
 * addresses a query wants, in batches, a first small batch probing the
 * servers so that a dead resolver costs one timeout and not one per
 * batch; and how long an answer is kept.
 */
#ifndef DMARCSIFT_DNSCACHE_H
#define DMARCSIFT_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "resolve.h"

struct db;
struct err;

/* How long answers are kept, in seconds. */
struct dnscache_ttls {
	unsigned min, max; /* bounds on an answer's own TTL */
	unsigned negative; /* NXDOMAIN, NODATA without a TTL of their own */
	unsigned trouble; /* timeouts, SERVFAIL, REFUSED: ask again soon */
};

/* The seconds an answer of this status and TTL is kept. */
unsigned dnscache_ttl(
    const struct dnscache_ttls *t, enum resolve_status status, unsigned ttl);
/* ttl within [t->min, t->max]. */
unsigned dnscache_bound(const struct dnscache_ttls *t, unsigned ttl);

/* A cache's part in dnscache_run(). */
struct dnscache_ops {
	void *ctx;
	/* When not NULL: called once, before the first lookup, when there
	 * are addresses to look up. */
	int (*prepare)(void *ctx, struct err *err);
	/* Looks up and stores ip[0..n); *timeouts: how many timed out. */
	int (*lookup)(void *ctx, char *const *ip, size_t n, size_t *timeouts,
	    struct err *err);
	/* Stores ip[0..n) as not asked: the servers are dead. */
	int (*unasked)(void *ctx, char *const *ip, size_t n, struct err *err);
};

/*
 * Reads what want_sql gives for (domain, since, limit): first a row
 * (address NULL, the addresses wanted, those of them without an unexpired
 * answer cached), then at most limit of the latter (rows: address), as
 * want_sql chooses them and in the order to look them up; then looks
 * these up: first probe of them spread over the list, then batch at a
 * time; once a whole batch timed out, the rest are stored unasked.
 * *wanted, *fresh and *left count the addresses wanted, those cached and
 * those beyond limit, left for a later run.  progress, when not NULL, is
 * told (done, total).  ERR_DB when the database fails.
 */
int dnscache_run(struct db *db, const char *want_sql, const char *domain,
    int64_t since, size_t limit, size_t probe, size_t batch,
    const struct dnscache_ops *ops, void (*progress)(size_t done, size_t total),
    size_t *wanted, size_t *fresh, size_t *left, struct err *err);

#endif
