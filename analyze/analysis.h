/*
 * analysis: keeps the stored verdicts (the records' v_* columns, read
 * through the view record_verdicts, sql/014_verdicts_inline.sql) up to
 * date with the records, so that the views and the commands built on
 * them see every record.
 *
 * The records of each report not judged (reports.judged) are read back
 * (with their DKIM and SPF results and reasons), judged by verdict_eval()
 * and written into their rows (COPY into a temporary table, then one
 * UPDATE a part), a batch of reports per transaction: a run killed
 * half-way leaves whole reports judged and the next run goes on.  The
 * same transaction brings the rollup the commands read (source_days,
 * sql/012_source_days.sql) in line with the batch; then the rollup
 * catches up with the reports the store judged as it stored them
 * (source_days_pending, analysis_catch_up()).  When the rules (this module's
 * ANALYSIS_RULES_VERSION) or the list of services changed since the
 * verdicts were computed, every report is marked not judged and its
 * verdicts computed again in place, and the rdns cache's service names
 * with them.  Concurrent refreshes take turns (an advisory lock).
 */
#ifndef DMARCSIFT_ANALYSIS_H
#define DMARCSIFT_ANALYSIS_H

#include <stdint.h>

struct db;
struct err;
struct orgdomain;
struct services;

/* Bump when verdict.c or the columns it fills change meaning. */
#define ANALYSIS_RULES_VERSION 3

struct analysis_stats {
	uint64_t records; /* verdicts computed now */
	int recomputed; /* 1: the rules or services changed, all redone */
};

/*
 * Makes the stored verdicts those of this build's rules and of sv: when
 * they were computed with others, drops them (analysis_refresh() computes
 * them again) and records the new state.  For a store about to judge
 * records as it stores them, so that its verdicts are not dropped after.
 * ERR_DB when the database fails.
 */
int analysis_prepare(struct db *db, const struct services *sv, struct err *err);

/*
 * Brings the rollup in line with the reports the store judged as it
 * stored them (source_days_pending), a transaction at a time, beside
 * other connections doing the same: each takes reports the others do
 * not hold (sql/defs/30_rollup_sync.sql); then remakes the merged days
 * (source_days_merged) of what changed, likewise.  Every ingest worker runs it
 * when its inputs are stored; analysis_refresh() runs it last.  ERR_DB
 * when the database fails.
 */
int analysis_catch_up(struct db *db, struct err *err);

/*
 * Brings the records' verdicts up to date.  ERR_DB when the database fails.
 * progress, when not NULL, is called after each batch with the records
 * judged so far and the number there were to judge.
 */
int analysis_refresh(struct db *db, const struct orgdomain *od,
    const struct services *sv, void (*progress)(uint64_t done, uint64_t total),
    struct analysis_stats *st, struct err *err);

#endif
