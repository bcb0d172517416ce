/*
 * advise: everything `dmarcsift advise --domain D` says, gathered from the
 * database (policy_now, readiness_inputs(), source_overview()) and judged
 * by readiness.h.  Shown by reports/advise_text.c and advise_json.c.
 */
#ifndef DMARCSIFT_ADVISE_H
#define DMARCSIFT_ADVISE_H

#include <stdint.h>

#include "readiness.h"
#include "sources.h"

struct db;
struct err;

/* Senders that may be the owner's and fail, as many as the JSON lists,
 * and addresses of each. */
#define ADVISE_SENDERS 100
#define ADVISE_ADDRESSES 20

struct advice {
	char domain[256];
	int days; /* the period judged: the days before until */
	int64_t until; /* Unix seconds */
	struct readiness_thresholds thresholds;
	struct policy_state now;
	struct readiness_inputs in; /* in.senders points into senders */
	struct readiness r;
	/* The top senders that may be the owner's and fail (ADVISE_SENDERS,
	 * each with its first ADVISE_ADDRESSES addresses), and the class
	 * totals of every source. */
	struct sender_list senders;
	/* Every source of the period, most failed first: read only for a
	 * what-if (empty otherwise). */
	struct source_list sources;
	char *published; /* the DMARC record looked up, or NULL */
	/* The period's reporters and whether their reports are genuine,
	 * most messages first; in.trust points here. */
	struct reporter_trust *trust;
	size_t n_trust;
	/* The period day by day (in.daily), what each top sender would meet
	 * in the last 7 days (in.hit_last7, one per senders.v) and the
	 * reporters with whether they show the policy the domain stands on
	 * (in.policy_reporters); owned. */
	struct readiness_day *daily;
	size_t n_daily;
	uint64_t *hit_last7;
	struct policy_reporter *reporters;
	size_t n_reporters;
	int has_whatif;
	struct whatif whatif; /* when has_whatif */
};

struct advise_options {
	const char *domain;
	int64_t until; /* end of the period judged, Unix seconds */
	struct readiness_thresholds thresholds;
	struct source_rules rules;
	/* The DMARC record published for the domain, looked up by the
	 * command (NULL: offline, or none); copied. */
	const char *published;
	/* A what-if to compute, as --what-if gave it (whatif_parse()), or
	 * NULL. */
	const char *whatif;
};

/* Gathers and judges.  *out is overwritten; advice_free() it. */
int advise_compute(struct db *db, const struct advise_options *o,
    struct advice *out, struct err *err);
void advice_free(struct advice *a);

#endif
