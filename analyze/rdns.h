/*
 * rdns: the reverse DNS of source IPs, cached in the table rdns
 * (sql/005_analysis.sql) for the TTL of the answer, so each address is
 * resolved once per TTL however often the commands run.
 *
 * A name counts when it is forward-confirmed (resolve_ptr_confirmed()):
 * the PTR name resolves back to the address.  An unconfirmed name is kept
 * (confirmed false) but is not used to name a service; when the forward
 * lookups failed, confirmed is NULL (cannot tell).  status is
 * resolve_status_name() of the PTR lookup.  When a lookup fails (timeout,
 * SERVFAIL, ...), the name found before, if any, stays with its columns:
 * only status and the times change.  Names are stored as the resolver
 * makes them: lower-case, printable, bounded.
 */
#ifndef DMARCSIFT_RDNS_H
#define DMARCSIFT_RDNS_H

#include "clock.h"
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct orgdomain;
struct resolver;
struct services;

/* How long answers are kept, in seconds: the TTL bounded to
 * [RDNS_TTL_MIN, RDNS_TTL_MAX]; NXDOMAIN and NODATA for RDNS_TTL_NEGATIVE
 * unless the answer's TTL says otherwise; trouble (timeout, SERVFAIL,
 * REFUSED) for RDNS_TTL_TROUBLE, so a dead server does not slow every
 * run. */
#define RDNS_TTL_MIN 300
#define RDNS_TTL_MAX (7 * CLOCK_DAY)
#define RDNS_TTL_NEGATIVE 3600
#define RDNS_TTL_TROUBLE 900

/*
 * The most addresses one rdns_refresh() looks up: anyone who can mail the
 * rua address can make as many source addresses appear as they like, and
 * each one looked up is a string held until the run ends and DNS time.
 * About what the default dns_budget (60 s) gets through at a few hundred
 * milliseconds a lookup, RESOLVE_MAX_INFLIGHT at once; less than a
 * megabyte.  Those with the most messages go first; the rest wait for the
 * next run (left).
 */
#define RDNS_WANT_MAX 10000

/* wanted = fresh + resolved + trouble + left. */
struct rdns_stats {
	size_t wanted; /* addresses of the period */
	size_t fresh; /* of those, already cached and not expired */
	size_t resolved; /* looked up now with an answer (name or none) */
	size_t trouble; /* the DNS failed (the PTR lookup, or the forward
	                   ones of its name), or was taken for dead */
	size_t left; /* not looked up: beyond RDNS_WANT_MAX, for the next
	                run */
};

/*
 * Looks up the source IPs of domain (every domain when NULL) whose
 * reports begin at or after since (Unix seconds) and that have no
 * unexpired rdns row, through r, and stores the answers: RDNS_WANT_MAX of
 * them at most, those with the most messages (then the lowest address),
 * the others counted in st->left for a later run.  The addresses
 * go in batches of a few thousand (r keeps RESOLVE_MAX_INFLIGHT of them in
 * flight), each stored by one statement as it ends, so an interrupted run
 * keeps what it found.  The first batch is a probe of RESOLVE_MAX_INFLIGHT
 * addresses spread over the list: when every lookup of a batch timed out,
 * the rest are stored as timeouts without being asked, so a dead server
 * costs one timeout, not one per address.  od and sv (either may be NULL)
 * fill the orgdomain and service columns.  progress, when not NULL, is
 * called with done and total (the addresses to look up) before the first
 * batch and after each, for a terminal.  st may be NULL.  ERR_DB when the
 * database fails, ERR_IO when the resolver does; a DNS failure for an
 * address is data, stored as its status, and the call returns 0.
 */
int rdns_refresh(struct db *db, struct resolver *r, const struct orgdomain *od,
    const struct services *sv, const char *domain, int64_t since,
    void (*progress)(size_t done, size_t total), struct rdns_stats *st,
    struct err *err);

/*
 * Recomputes the service column of every cached name with sv (after the
 * list of services changed): confirmed names get their service or NULL,
 * other rows NULL.  One statement for the rows that change.  ERR_DB on
 * failure.
 */
int rdns_reservice(struct db *db, const struct services *sv, struct err *err);

#endif
