/*
 * digest: what the weekly (or monthly, or N-day) summary says, per
 * domain, computed from the database for one period and the period
 * before it.  Filled by digest_compute(); shown by reports/digest_*.c in
 * text, Markdown, HTML, JSON and CSV.  Nothing here prints.
 *
 * Periods are whole UTC days: [since, until), and the previous period is
 * the same length just before it.  A report counts for every day its
 * range covers, its messages shared out among them (record_facts).
 *
 * Whose domains: anyone can mail a report about any domain to the rua
 * address.  Without --domain the digest covers the owner's domains (the
 * setting `domains`, else those with reports from 2 or more reporters, or
 * of 100 or more messages, over the two periods); the others are foreign:
 * counted and named, never judged, checked over DNS or mailed.
 */
#ifndef DMARCSIFT_DIGEST_H
#define DMARCSIFT_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnscheck.h"
#include "readiness.h"
#include "sources.h"

struct advice;
struct db;
struct err;
struct tls_summary;

/* Lists of sources are cut at this many entries (the count of the rest is
 * kept). */
#define DIGEST_TOP 10
/* Addresses listed under one sender: a botnet sender may have 100,000. */
#define DIGEST_ADDRESSES_TOP 10
/* Reporters named for a domain: anyone may mail reports under any
 * org_name, as many as they like; those with the most messages in this
 * period or the one before are named, the rest counted. */
#define DIGEST_REPORTERS_TOP 32
/* Most days a period may have. */
#define DIGEST_MAX_DAYS 366

/* One UTC day of the period.  The day is a number, its midnight in Unix
 * seconds, as since and until are (and browse_day's): every format writes it
 * with clock_text(), none parses it back. */
struct digest_day {
	int64_t day;
	uint64_t messages, passed; /* our DMARC verdict */
};

struct digest_reporter {
	char *name; /* org_name */
	uint64_t reports, messages;
	/* Days of the period with a report from it: a string of '1' and
	 * '0', one per day of the period, in order. */
	char *days;
	int ndays_covered;
	int silent; /* sent reports in the previous period, none in this */
};

/* One sender's addresses, each with its own counts, most failed first. */
struct digest_addresses {
	struct source *v;
	size_t n;
};

/*
 * A list of sources cut at DIGEST_TOP; more says how many were left out.
 * In a list of senders (failing_legit, spoofing) a row is a whole sender
 * (source_senders()): its who names it, its counts are the sums over its
 * addresses, n_addresses says how many (0 for one) and addrs[i] holds the
 * DIGEST_ADDRESSES_TOP that failed most with their own counts (n 0 for a
 * sender of one address, the row being that address).  ip is then the address
 * with the most failing mail, never to be shown with the sender's counts. addrs
 * is NULL in a list of addresses (new_sources, stopped).
 */
struct digest_sources {
	struct source *v;
	struct digest_addresses *addrs;
	size_t n, more;
};

/* The addresses of row i of l when it is a sender of several, else NULL. */
static inline const struct digest_addresses *
digest_addresses_of(const struct digest_sources *l, size_t i)
{
	return l->addrs != NULL && l->addrs[i].n > 1 ? &l->addrs[i] : NULL;
}

/* What names a row: who sends (sources.h: service, PTR domain or network
 * owner; not the bare address it falls back to), else its service, else
 * its PTR name; NULL when none is known. */
static inline const char *
digest_sender_name(const struct source *s)
{
	if (s->who != NULL && s->who[0] != '\0' &&
	    (s->ip == NULL || strcmp(s->who, s->ip) != 0))
		return s->who;
	if (s->service != NULL && s->service[0] != '\0')
		return s->service;
	if (s->ptr != NULL && s->ptr[0] != '\0')
		return s->ptr;
	return NULL;
}

/*
 * Where a domain's reports are when a period holds none of them, so that
 * an empty answer says where to look: UTC days, "YYYY-MM-DD", "" where
 * they do not apply.  Filled by digest_period_gap().
 */
struct period_gap {
	int empty; /* 1: no report about the domain in the period */
	/* The last day of the latest report, when it ends before the
	 * period, and the --until that ends a period with that day. */
	char latest_day[11], try_until[11];
	/* The first day of the earliest report, when it begins after. */
	char earliest_day[11];
};

/* The gap of [since, until) for a domain's span (sources_domain_span());
 * *out is overwritten (all "" and empty 0 when the period has reports,
 * empty 1 and no days when there are none at all). */
void digest_period_gap(const struct domain_span *span, int64_t since,
    int64_t until, struct period_gap *out);

struct digest_domain {
	char *domain;
	uint64_t messages, passed; /* this period */
	uint64_t prev_messages, prev_passed; /* the period before */
	int has_prev; /* any report in the period before */
	/* Without mail in the period: where its reports are. */
	struct period_gap gap;
	struct digest_day *days; /* every day of the period, zeros too */
	size_t ndays;

	struct policy_state policy;
	struct readiness readiness;

	/* Legitimate and unknown sources with failures: the mail that may be
	 * the owner's, as advise counts it. */
	struct digest_sources failing_legit;
	struct digest_sources new_sources; /* first seen in this period */
	struct digest_sources stopped; /* sent in the period before, not now */
	/* Class spoofing, most failed first (unknown sources are in
	 * failing_legit). */
	struct digest_sources spoofing;
	struct digest_reporter *reporters; /* most messages first */
	size_t nreporters; /* at most DIGEST_REPORTERS_TOP */
	/* The reporters left out, and their messages in this period. */
	uint64_t reporters_more, reporters_more_messages;

	/* `dmarcsift check`'s DNS findings, when lookups were allowed. */
	int dns_checked;
	struct dnscheck_list dns;

	/* What `dmarcsift tls` says of the period (analyze/tls.h), or NULL
	 * when no TLS report about the domain begins in it.  Owned. */
	struct tls_summary *tls;
	/* The DMARC failure reports of the period (the view failure_daily):
	 * how many, and the last UTC day with one ("" when none).
	 * `dmarcsift sources` shows samples. */
	uint64_t failure_reports;
	char failure_latest[11];
};

/* An input refused in the period (not tied to one domain). */
struct digest_refused {
	int64_t input;
	char *source_name; /* path, or mailbox and UID */
	char *reason; /* the first problem's reason */
	int64_t received_at; /* Unix seconds */
};

/* A domain in reports that is not the owner's. */
struct digest_foreign {
	char *domain;
	uint64_t messages; /* over the period and the one before */
};

struct digest {
	char period[16]; /* "week", "month" or "Nd" as asked */
	int64_t since, until, prev_since; /* Unix seconds, UTC midnights */
	int64_t generated_at;
	struct readiness_thresholds thresholds; /* as judged */
	struct digest_domain *domains; /* by domain name */
	size_t n;
	struct digest_refused *refused; /* oldest first, at most DIGEST_TOP */
	size_t nrefused, refused_more;
	/* Foreign domains, most mail first, at most DIGEST_TOP (more: how
	 * many were left out); their messages in all. */
	struct digest_foreign *foreign;
	size_t nforeign, foreign_more;
	uint64_t foreign_messages;
};

/*
 * Options of one digest.  domain NULL: the owner's domains (owned, else
 * the rule above) with reports in the period or the one before.
 */
struct digest_options {
	const char *domain;
	/* The setting `domains`: lower-case names, comma-separated, checked
	 * by the caller; NULL or "" for the rule. */
	const char *owned;
	int days; /* length of the period, 1..DIGEST_MAX_DAYS */
	char period[16]; /* its name for display */
	int64_t until; /* end of the period: a UTC midnight */
	struct source_rules rules;
	struct readiness_thresholds thresholds;
	/* The DMARC record published for a domain, for the next record the
	 * readiness gives; NULL (or a NULL answer): not looked up.  The
	 * string is borrowed until the next call. */
	const char *(*published)(void *arg, const char *domain);
	void *arg;
	/* The advice of domain at until, computed already with these rules
	 * and thresholds and no published record (serve's domain page): its
	 * policy and readiness are taken, not computed again.  NULL, or
	 * another domain or time: computed.  Borrowed. */
	const struct advice *advice;
};

/*
 * Computes the digest.  *out is the caller's: digest_free().  The DNS
 * section is left empty (dns_checked 0); the command fills it.
 */
int digest_compute(struct db *db, const struct digest_options *o,
    struct digest **out, struct err *err);
void digest_free(struct digest *d);

#endif
