/*
 * alert: what `dmarcsift alert` says, once per event: the events a person
 * should act on, each with a stable key, its evidence and its fix, found
 * from the digest of the days before the last complete day (digest.h: the
 * owner's domains, their days, reporters, refused inputs, foreign domains
 * and the readiness watch), the senders of sources.h and the stored checks
 * (check_results, sql/019); and the state of what was said before
 * (alert_events and alert_checks, sql/023).  Nothing here prints.
 *
 * The day judged is the last complete UTC day, [until - 1 day, until);
 * "the previous 7 days" are the 7 before it.  The kinds, in order:
 *   new_source      an address first seen that day sending at least
 *                   alert_new_source_share percent of the domain's mail
 *   source_drop     a legitimate sender that passed at least
 *                   drop_before percent over the previous 7 days and
 *                   at most drop_after percent that day
 *   pass_drop       the domain's pass rate that day more than
 *                   alert_pass_drop points below the previous 7 days
 *   reporter_silent a reporter of the domain on at least 4 of the 7 days
 *                   before the last 2 complete days, silent in those 2
 *   rollback        the readiness watch says roll back (readiness.h)
 *   dns             the stored check's DMARC, SPF or DKIM findings differ
 *                   from the ones the last run saw, or it fails at first
 *                   sight
 *   refused         an input refused in the last ALERT_DAYS days
 *   foreign         a domain not the owner's with at least
 *                   alert_foreign_messages messages in the digest's days
 * Counts below alert_min_messages (either side of a comparison) are
 * judged too few to compare.
 */
#ifndef DMARCSIFT_ALERT_H
#define DMARCSIFT_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "readiness.h"
#include "sources.h"

struct db;
struct err;

/* The days read: the day judged, the 7 before, and one more so that a
 * reporter's last 2 days follow 7 of its own. */
#define ALERT_DAYS 9

enum alert_kind {
	ALERT_NEW_SOURCE,
	ALERT_SOURCE_DROP,
	ALERT_PASS_DROP,
	ALERT_REPORTER_SILENT,
	ALERT_ROLLBACK,
	ALERT_DNS,
	ALERT_REFUSED,
	ALERT_FOREIGN,
	ALERT_NKINDS
};

/* "new_source", ...: the kind's name in the text, the JSON and the
 * state table. */
const char *alert_kind_name(enum alert_kind k);

struct alert {
	enum alert_kind kind;
	char *key; /* stable over runs: "new_source:example.com:192.0.2.1" */
	char *domain; /* NULL for an event of no domain (refused) */
	char *text; /* one line: what happened, with the numbers */
	char *fix; /* one line: what to do */
	int is_new; /* not said before, or cleared since: to be said */
};

/* A domain's stored check as this run saw it, kept by alert_record(). */
struct alert_check {
	char *domain;
	char digest[65]; /* sha256 of its DMARC, SPF and DKIM findings */
	char *status;
	int64_t checked_at;
};

struct alert_list {
	int64_t day; /* the day judged: its UTC midnight */
	struct alert *v;
	size_t n, nnew; /* nnew of them is_new */
	struct alert_check *checks;
	size_t nchecks;
};

struct alert_options {
	int64_t until; /* the end of the day judged: a UTC midnight */
	/* The setting `domains`: lower-case, comma-separated, checked by the
	 * caller; NULL or "" for the rule of owned_domains() (sql/021), as
	 * digest_compute() applies it. */
	const char *owned;
	struct source_rules rules;
	struct readiness_thresholds thresholds;
	int new_source_share; /* percent */
	int pass_drop; /* points */
	/* A legitimate sender's drop: from at least drop_before percent
	 * over the previous 7 days to at most drop_after on the day. */
	int drop_before, drop_after;
	uint64_t min_messages;
	uint64_t foreign_messages;
};

/*
 * Finds the events of o and marks each is_new against alert_events
 * (read only: nothing is recorded).  Reads in the caller's snapshot.
 * *out is overwritten; free it with alert_list_free().  ERR_DB on failure.
 */
int alert_compute(struct db *db, const struct alert_options *o,
    struct alert_list *out, struct err *err);

/*
 * Records l as said at now (Unix seconds), in one transaction of its own:
 * each event's row (a new or cleared one said again from now), the events
 * held before and not found now cleared (silently: said again if they
 * come back), and each domain's check as seen.  ERR_DB on failure, with
 * db_denied() set for a role that may not write the tables.
 */
int alert_record(
    struct db *db, const struct alert_list *l, int64_t now, struct err *err);

void alert_list_free(struct alert_list *l);

#endif
