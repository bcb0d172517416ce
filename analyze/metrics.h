/*
 * metrics: the numbers dmarcsift exports for monitoring (Prometheus:
 * `dmarcsift metrics`, serve's /metrics), read from the database.
 *
 * Read here, written by reports/metrics_prom.c.  Only SELECTs, in one
 * snapshot, and none that reads every record: the runs (ingest_runs), the
 * inputs, the reports (with their record_count), the IMAP bookkeeping,
 * and per domain the rollup source_days, as `report` reads it.  Nothing is
 * judged or refreshed first: the numbers are what the last ingest stored
 * and judged.
 *
 * Per domain, the owner's domains only, so that strangers, who can send a
 * report about any name, cannot make a series each: the names of the
 * setting `domains`; without it, the domains of the last 7 days that
 * `report` would call the owner's (owned_domains(), sql/021: 2 or more
 * reporters and 100 or more messages), at most METRICS_DOMAINS_MAX of them,
 * most messages first, and only names that are host names (domain_scan()).
 * Every other domain's mail is summed into one.
 */
#ifndef DMARCSIFT_METRICS_H
#define DMARCSIFT_METRICS_H

#include "alert.h"
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Domains a series each without the setting `domains`. */
#define METRICS_DOMAINS_MAX 20
/* Days of the longer period (the shorter is the last complete day). */
#define METRICS_WEEK_DAYS 7

/* The runs of one command (ingest_runs.command: "ingest", "ingest
 * --imap", "reparse"). */
struct metrics_run {
	char *command;
	uint64_t finished, failed, interrupted, running; /* runs by status */
	int64_t last_finished; /* Unix seconds; 0: none finished */
	/* What its runs stored, summed over them. */
	uint64_t inputs_new, inputs_duplicate, records_new, refused;
};

/* Inputs of one outcome (inputs.outcome). */
struct metrics_outcome {
	const char *name; /* static: reports, partial, refused, skipped */
	uint64_t inputs;
};
#define METRICS_OUTCOMES 4

/* Messages of a period and those that passed DMARC (our verdict). */
struct metrics_volume {
	uint64_t messages, passed;
};

struct metrics_domain {
	char *domain; /* lower-cased; NULL for the sum of the others */
	struct metrics_volume day, week;
};

struct metrics {
	/* The periods: [day_start, until) and [week_start, until), whole UTC
	 * days ending with the last complete one. */
	int64_t until, day_start, week_start;
	struct metrics_run *runs; /* by command, in byte order */
	size_t nruns;
	struct metrics_outcome outcomes[METRICS_OUTCOMES];
	uint64_t reports, records; /* stored now */
	uint64_t imap_pending; /* mail stored, its IMAP move not done */
	struct metrics_domain *domains; /* the owner's, by name */
	size_t ndomains;
	int domains_set; /* 1: from the setting; 0: chosen by volume */
	struct metrics_domain other; /* every other domain, summed */
	uint64_t other_day, other_week; /* how many, with mail in each */
	uint64_t database_bytes; /* pg_database_size() */
	/* Events `dmarcsift alert` said that still hold (alert_events not
	 * cleared), every kind (alert_kind_name(), static), in alert.h's
	 * order. */
	struct metrics_alerts {
		const char *kind;
		uint64_t open;
	} alerts[ALERT_NKINDS];
};

/*
 * Reads the metrics, the periods ending at until (a UTC midnight: the end
 * of the last complete day).  owned is the setting `domains` as
 * owned_domains() gives it (checked, lower-cased, comma-separated), or
 * NULL.  *out is the caller's, freed with metrics_free() (NULL is
 * nothing).
 */
int metrics_read(struct db *db, const char *owned, int64_t until,
    struct metrics **out, struct err *err);
void metrics_free(struct metrics *m);

#endif
