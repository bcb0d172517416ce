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
/* Domains shown: anyone may mail reports about any domain, as many as
 * they like.  Those reported on by the most reporters (then messages) are
 * shown, the rest counted. */
#define SUMMARY_DOMAINS 20

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
	struct summary_domain *domains; /* by name, at most SUMMARY_DOMAINS */
	size_t n;
	/* The domains left out, and their messages. */
	uint64_t more, more_messages;
};

/*
 * Computes the summary of every domain, or of one when domain is not
 * NULL.  *out is the caller's, freed with summary_free().
 */
int summary_compute(
    struct db *db, const char *domain, struct summary **out, struct err *err);
void summary_free(struct summary *s);

/* How far back summary_interrupted() looks. */
#define SUMMARY_RUN_DAYS 7

/* An ingest run that died before it finished, with what it stored. */
struct summary_run {
	char *id;
	char *command; /* as ingest_runs.command holds it */
	char *started; /* "YYYY-MM-DD HH:MM", UTC */
	uint64_t inputs, reports, records; /* stored by the run */
};

struct summary_runs {
	struct summary_run *v;
	size_t n;
};

/*
 * The ingest runs of the last SUMMARY_RUN_DAYS days that died before they
 * finished (killed, stopped on a database error), oldest first: whoever
 * runs ingest from cron should hear that runs die.  Dead runs' rows are
 * closed first (close_dead_runs(), sql/010_runs.sql); a role that may not
 * (read-only) sees those closed before.  *out is the caller's, emptied
 * with summary_runs_free().
 */
int summary_interrupted(
    struct db *db, struct summary_runs *out, struct err *err);
void summary_runs_free(struct summary_runs *r);

#endif
