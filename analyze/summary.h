/*
 * summary: the short picture of what is stored, per policy domain.
 *
 * Computed here from the database; shown by reports/summary_text.c.
 * Passing and failing are dmarcsift's own DMARC verdict (record_verdicts,
 * through the views record_analysis and source_daily), as in `sources`,
 * `advise` and `report`: the stored verdicts must be up to date first
 * (analysis_refresh(), analysis.h).
 */
#ifndef DMARCSIFT_SUMMARY_H
#define DMARCSIFT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

#define SUMMARY_TOP 5

struct summary_source {
	char *ip;
	uint64_t messages, failed; /* failed: by our verdict */
};

struct summary_domain {
	char *domain;
	char *first_day, *last_day; /* YYYY-MM-DD, UTC */
	uint64_t reports, reporters, messages;
	uint64_t passed; /* our verdict, not the receivers' */
	struct summary_source top[SUMMARY_TOP]; /* most failed messages */
	size_t ntop;
};

struct summary {
	struct summary_domain *domains;
	size_t n;
};

/*
 * Computes the summary of every domain, or of one when domain is not
 * NULL.  *out is the caller's, freed with summary_free().
 */
int summary_compute(
    struct db *db, const char *domain, struct summary **out, struct err *err);
void summary_free(struct summary *s);

#endif
