/*
 * browse: what the detail pages of `dmarcsift serve` read, row by row,
 * where the commands only sum: one source of a domain, one stored report
 * with its records, the refused inputs, the last check of a domain.
 *
 * Read from the documented tables and views (sql/README.md): the rollup
 * source_days (source_daily) for a source's volume, so that its numbers
 * are those of the domain page and `dmarcsift sources`; record_analysis
 * for its auth results; reports, records, inputs, dkim_results,
 * spf_results, failed_inputs and check_results as they are.  Only
 * SELECT.  Every list is cut in SQL with a count of the rest, so a page
 * costs the same whatever the size of the database.
 *
 * Every string here came from a report or an input, a stranger's: the
 * renderers escape it.  Each struct is the caller's, zeroed by its reader
 * and released by its _free() (which accepts one read half-way, or
 * zeroed).
 */
#ifndef DMARCSIFT_BROWSE_H
#define DMARCSIFT_BROWSE_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "sources.h"

struct db;
struct err;

/* How much of each list a page shows. */
#define BROWSE_SEARCH_TOP 20
#define BROWSE_DOMAINS_TOP 100
#define BROWSE_AUTH_TOP 30
#define BROWSE_RECEIVERS_TOP 50
#define BROWSE_REPORTS_TOP 50
#define BROWSE_RECORDS_PAGE 100
#define BROWSE_AUTH_PER_RECORD 8
#define BROWSE_REFUSED_TOP 200
#define BROWSE_NOTES_TOP 20
#define BROWSE_FAILURES_TOP 5

/* ---- one source of a domain over a period ------------------------------ */

/* One UTC day of a source (source_daily): zeros where nothing came. */
struct browse_day {
	int64_t day; /* its midnight, Unix seconds */
	uint64_t messages, passed, failed, forwarded, disagreed;
	uint64_t reporters;
};

/* The source's mail with one combination of auth results and verdict
 * (record_analysis), most mail first. */
struct browse_auth {
	char *header_from;
	char *dkim_domain, *dkim_result; /* the DKIM result judged */
	char *spf_domain, *spf_result;
	int dkim_aligned, spf_aligned, pass; /* our verdict */
	int rcv_pass; /* the receiver's: 1, 0, -1 not said */
	char *cause; /* verdict_cause_name() form: "dkim_fail", "none" */
	char *disposition; /* what the receiver did; NULL when not said */
	uint64_t messages, records;
};

/* A receiver that reported the source. */
struct browse_receiver {
	char *name;
	uint64_t reports, messages;
	int64_t first_day, last_day;
};

/* A stored report that names the source (counted or not). */
struct browse_report_ref {
	int64_t id; /* reports.id */
	char *reporter, *report_id;
	int64_t begin, end;
	uint64_t messages; /* the source's, whole records */
	int counted; /* in counted_reports */
	int genuine; /* 1, 0, -1 not known */
};

struct browse_source {
	char ip[IP_TEXT_MAX];
	char *who; /* source_name(): service, PTR domain, network; or NULL */
	char *ptr; /* the cached PTR name, or NULL */
	uint64_t messages, passed, failed;
	struct browse_day *days; /* one per day of the period, oldest first */
	size_t ndays;
	struct browse_auth *auth;
	size_t nauth, auth_more; /* auth_more: combinations left out */
	struct browse_receiver *receivers;
	size_t nreceivers, receivers_more;
	struct browse_report_ref *reports; /* newest first */
	size_t nreports, reports_more;
	/* The failure reports (sql/025) about the domain from the address
	 * in the period: how many, and the latest BROWSE_FAILURES_TOP,
	 * newest first (source_failures_read(); each one's n is
	 * failure_reports). */
	uint64_t failure_reports;
	struct source_failures *failures;
	size_t nfailures;
};

/*
 * The source ip (canonical, ip_normalize()) of domain (lower-case) over
 * the UTC days [since, until).  0, or a negative err_code.  A source that
 * sent nothing in the period reads as all zeros, its reports and failure
 * reports still listed.
 */
int browse_source_read(struct db *db, const char *domain, const char *ip,
    int64_t since, int64_t until, struct browse_source *out, struct err *err);
void browse_source_free(struct browse_source *s);

/* ---- one source across the domains it sent for ------------------------ */

/* The source's mail as one domain over the period (source_daily), and
 * the reports that name it there (counted or not). */
struct browse_source_domain {
	char *domain; /* lower-case, as source_days keeps it */
	uint64_t messages, passed, failed;
	uint64_t reports;
	int64_t first_day, last_day; /* UTC midnights; 0 without mail */
};

struct browse_source_domains {
	char ip[IP_TEXT_MAX];
	struct browse_source_domain *v; /* most mail first, then by name */
	size_t n, more;
};

/*
 * Every domain whose reports name ip (canonical) in a report whose range
 * meets [since, until), at most BROWSE_DOMAINS_TOP (more: how many were
 * left out), each with the source's numbers there as browse_source_read()
 * gives them.  0, or a negative err_code.
 */
int browse_source_domains_read(struct db *db, const char *ip, int64_t since,
    int64_t until, struct browse_source_domains *out, struct err *err);
void browse_source_domains_free(struct browse_source_domains *l);

/* ---- search ------------------------------------------------------------ */

/* A domain an address sent for, over every stored report. */
struct browse_hit_source {
	char *domain; /* lower-case */
	uint64_t reports, messages;
	int64_t first, last; /* the first and the last report's begin */
};

/* A domain that stored reports name. */
struct browse_hit_domain {
	char *domain; /* lower-case */
	uint64_t reports;
	int64_t last; /* the last report's begin */
	int exact; /* the text searched for, whole */
};

/* A stored report, found by its reporter's report ID or by ours. */
struct browse_hit_report {
	int64_t id;
	char *reporter, *report_id, *domain;
	int64_t begin, end;
	uint64_t messages;
	int counted;
};

struct browse_search {
	char ip[IP_TEXT_MAX]; /* "" when the text is not an address */
	struct browse_hit_source *sources;
	size_t nsources, sources_more;
	struct browse_hit_domain *domains; /* the exact one first */
	size_t ndomains, domains_more;
	struct browse_hit_report *reports; /* newest first */
	size_t nreports, reports_more;
};

/* Longest text searched for, in bytes: a report ID may be long. */
#define BROWSE_SEARCH_MAX 256

/*
 * What q names, over every stored report (no period): when it is an IP
 * address, the domains it sent for; the domains whose name holds it (any
 * case); the reports whose reporter's report ID it is, and, when it is a
 * number, our report of that id.  Each list at most BROWSE_SEARCH_TOP,
 * with the count of the rest.  q is a stranger's text, at most
 * BROWSE_SEARCH_MAX bytes, handed to SQL as a parameter only.  0, or a
 * negative err_code.
 */
int browse_search_read(
    struct db *db, const char *q, struct browse_search *out, struct err *err);
void browse_search_free(struct browse_search *s);

/* ---- one stored report ------------------------------------------------- */

/* One result of a record: DKIM (domain, selector, result) or SPF
 * (domain, scope, result). */
struct browse_result {
	char *domain, *what, *result;
};

struct browse_record {
	int64_t idx; /* place in the report, from 1 */
	char *ip;
	uint64_t count;
	char *disposition, *dkim, *spf; /* the receiver's policy_evaluated */
	char *header_from, *envelope_from;
	int pass; /* our verdict: 1, 0, -1 not judged yet */
	char *cause; /* NULL when not judged */
	struct browse_result *dkim_auth, *spf_auth;
	size_t ndkim, nspf; /* at most BROWSE_AUTH_PER_RECORD each */
	size_t dkim_more, spf_more;
};

/* A warning or error the parser kept with the report. */
struct browse_note {
	int error; /* 1 errors[], 0 warnings[] */
	char *text;
};

struct browse_report {
	int64_t id, input;
	char *place; /* where in the input: "" or "zip member 'a.xml'" */
	char *org_name, *email, *extra_contact, *report_id;
	char *generator, *version;
	char *domain; /* as the report wrote it */
	int64_t begin, end;
	/* policy_published, as written; NULL for a tag left out */
	char *adkim, *aspf, *p, *sp, *np, *pct, *fo, *testing, *discovery;
	uint64_t record_count, records_dropped, messages;
	int genuine; /* 1, 0, -1 not known */
	char *genuine_why;
	int counted; /* in counted_reports */
	int judged;
	int64_t ingested_at;
	/* Its input. */
	char *source, *source_name, *mail_from, *auth_by;
	int64_t received_at;
	uint64_t size;
	int raw_complete;
	struct browse_note *notes;
	size_t nnotes, notes_more;
	/* The records of the page asked for, by idx. */
	struct browse_record *records;
	size_t nrecords;
	uint64_t first; /* records before the page */
};

/*
 * Report id with the records of page page (from 0, BROWSE_RECORDS_PAGE
 * each).  0, 1 when there is no such report, or a negative err_code.
 */
int browse_report_read(struct db *db, int64_t id, uint64_t page,
    struct browse_report *out, struct err *err);
void browse_report_free(struct browse_report *r);

/* ---- an archived input ------------------------------------------------- */

/*
 * The archived bytes of input id (inputs.raw_gz, gzip as stored) into
 * *gz (the caller's, free()), with what the row says of them: the size as
 * received, whether the archive holds all of it, and where it came from
 * (*source_name, the caller's).  0, 1 when there is no such input, 2 when
 * its bytes were dropped (dmarcsift prune, keep_inputs), or a negative
 * err_code.
 */
int browse_input_raw(struct db *db, int64_t id, unsigned char **gz,
    size_t *gzlen, uint64_t *size, int *complete, char **source_name,
    struct err *err);

/* ---- the last check of a domain ----------------------------------------- */

/* The items of a stored check listed, in its order; the rest counted. */
#define BROWSE_CHECK_ITEMS 300

/* One item of `check --json` (its strings as the DNS or a report gave
 * them: a stranger's). */
struct browse_check_item {
	char *id, *status, *subject, *text;
	char *fix; /* NULL for an item that passed */
};

/*
 * The last `dmarcsift check DOMAIN` stored (check_results, sql/019): found
 * is 0 when the domain was never checked.  json is the stored object as
 * text, for /api/.
 */
struct browse_check {
	int found;
	int64_t checked_at; /* Unix seconds */
	char *status, *checked_by, *version;
	uint64_t pass, warn, fail, dnserror; /* its counts */
	char *json;
	struct browse_check_item *v;
	size_t n, more;
};
int browse_check_read(struct db *db, const char *domain,
    struct browse_check *out, struct err *err);
void browse_check_free(struct browse_check *c);

/* ---- refused inputs ---------------------------------------------------- */

/* One refused part of an input (failed_inputs). */
struct browse_refused {
	int64_t input;
	char *source, *source_name;
	int64_t received_at;
	uint64_t size;
	char *place, *code, *reason;
};

struct browse_refused_list {
	struct browse_refused *v; /* newest first */
	size_t n, more;
	uint64_t inputs; /* distinct inputs, all of them */
};

/* The parts refused of the inputs received in [since, until). */
int browse_refused_read(struct db *db, int64_t since, int64_t until,
    struct browse_refused_list *out, struct err *err);
void browse_refused_free(struct browse_refused_list *l);

#endif
