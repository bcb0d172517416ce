/*
 * tls: what the stored SMTP TLS reports (RFC 8460, sql/024) say about one
 * policy domain over a period: sessions that succeeded and failed by day,
 * failures by receiving MX and by result type (in words, with the fix),
 * and the reporters.  Each report counts once (the view tls_counted), for
 * the UTC day its range begins.  RFC 8460 counts successful sessions per
 * policy only, so by MX there are failures, not rates.
 *
 * tls_compute() reads the database; reports/tls_render.h shows what it
 * computed and reads nothing (every stranger's string made printable in
 * text, escaped in JSON).
 */
#ifndef DMARCSIFT_TLS_H
#define DMARCSIFT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;
struct err;

struct tls_day {
	char day[11]; /* YYYY-MM-DD, UTC */
	uint64_t successful, failed;
};

struct tls_mx {
	char *mx; /* receiving-mx-hostname, lower-cased; NULL: not said */
	uint64_t failed; /* failed sessions of the failure details */
	char *types; /* its result types, ", " between, most failed first */
};

struct tls_type {
	char *type; /* result-type */
	uint64_t failed;
	uint64_t mxs; /* receiving MX hosts it was seen for */
};

struct tls_reporter {
	char *name; /* organization-name */
	uint64_t reports, successful, failed;
	char last[11]; /* the last day it reported */
};

/* The most MX hosts, result types and reporters a summary lists. */
#define TLS_LIST_MAX 50

struct tls_summary {
	char *domain; /* lower-cased */
	int64_t since, until; /* [since, until), UTC midnights */
	uint64_t reports, successful, failed;
	struct tls_day *days; /* days with reports, in order */
	size_t n_days;
	struct tls_mx *mxs; /* most failed first */
	size_t n_mxs;
	struct tls_type *types; /* most failed first */
	size_t n_types;
	struct tls_reporter *reporters; /* most sessions first */
	size_t n_reporters;
	/* How many there were: the lists hold the first TLS_LIST_MAX. */
	size_t mxs_total, types_total, reporters_total;
	char latest[11]; /* "" or the last day with a report, any period */
};

/*
 * What the TLS reports about domain say for the reports that begin in
 * [since, until).  *out is the caller's: tls_summary_free().  ERR_DB.
 */
int tls_compute(struct db *db, const char *domain, int64_t since, int64_t until,
    struct tls_summary **out, struct err *err);
void tls_summary_free(struct tls_summary *s);

/*
 * Whether any TLS report about domain begins in [since, until) (UTC
 * midnights): *yes 1 or 0.  Cheap (the policies' domain index), for a
 * caller that computes a summary only for a domain that has some.
 * ERR_DB.
 */
int tls_reported(struct db *db, const char *domain, int64_t since,
    int64_t until, int *yes, struct err *err);

/*
 * The policy domains with TLS reports, most sessions first, ", " between,
 * into *out (the caller's: free(); "" when none).  For a domain asked
 * about that has none.
 */
int tls_domains(struct db *db, char **out, struct err *err);

#endif
