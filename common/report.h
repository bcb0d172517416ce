/*
 * report: the in-memory DMARC aggregate report (RFC 7489, RFC 9990).
 *
 * A struct dmarc_report holds what a report says about itself (metadata,
 * published policy, warnings); its records are not kept in it.  The parser
 * fills one struct dmarc_record at a time and hands it to a sink, so memory
 * stays flat however many records a report has.
 *
 * Every char * here is owned by its struct and freed by the matching
 * _reset() functions; NULL means the element was absent, "" that it was
 * present and empty.  Enumerated values (disposition, results, p, ...) are
 * lower-cased when they are a known word and kept as they came otherwise.
 */
#ifndef DMARCSIFT_REPORT_H
#define DMARCSIFT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

struct dmarc_reason {
	char *type, *comment;
};

struct dmarc_dkim_result {
	char *domain, *selector, *result, *human_result;
};

struct dmarc_spf_result {
	char *domain, *scope, *result, *human_result;
};

struct dmarc_record {
	uint64_t index; /* 1-based position in the report */
	char source_ip[IP_TEXT_MAX]; /* canonical text form */
	uint64_t count;
	char *disposition, *dkim, *spf;
	char *header_from, *envelope_from, *envelope_to;
	struct dmarc_reason *reasons;
	size_t n_reasons;
	struct dmarc_dkim_result *dkim_results;
	size_t n_dkim;
	struct dmarc_spf_result *spf_results;
	size_t n_spf;
};

struct dmarc_policy {
	char *domain, *adkim, *aspf, *p, *sp, *np, *fo, *testing;
	char *discovery_method;
	int pct; /* 0..100, or -1 when absent */
};

struct dmarc_report {
	char *version, *ns;
	char *org_name, *email, *extra_contact_info, *report_id, *generator;
	int64_t begin, end;
	char **errors;
	size_t n_errors;
	struct dmarc_policy policy;
	uint64_t n_records; /* records handed to the sink */
	uint64_t n_dropped; /* records dropped for unreadable values */
	uint64_t messages; /* sum of the counts of handed records */
	char **warnings;
	size_t n_warnings, max_warnings;
	uint64_t warnings_over; /* warnings past max_warnings, counted only */
};

void record_reset(struct dmarc_record *rec);
/* Adds an empty entry and returns it (owned by rec). */
struct dmarc_reason *record_add_reason(struct dmarc_record *rec);
struct dmarc_dkim_result *record_add_dkim(struct dmarc_record *rec);
struct dmarc_spf_result *record_add_spf(struct dmarc_record *rec);

/* A report with no fields set, keeping at most max_warnings warnings. */
void report_init(struct dmarc_report *rep, size_t max_warnings);
void report_reset(struct dmarc_report *rep);
void report_add_error(struct dmarc_report *rep, const char *text);
void report_warn(struct dmarc_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
