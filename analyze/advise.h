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
/* A what-if lists the sources it hits most, this many: a month may have
 * hundreds of thousands (the sums count them all). */
#define ADVISE_WHATIF_SOURCES 1000
/* And the senders it hits most, grouped as `sources` groups them, with
 * their first addresses: what the text shows. */
#define ADVISE_WHATIF_SENDERS 10
#define ADVISE_WHATIF_ADDRESSES 5

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
	/* What the what-if hits: the ADVISE_WHATIF_SOURCES sources it hits
	 * most (none with whatif_grouped: the text lists senders) and sums
	 * over all (empty without a what-if); whatif.v points here. */
	struct source_hits hits;
	/* With whatif_grouped, the senders it hits most
	 * (ADVISE_WHATIF_SENDERS; a sender hit 0 is listed when fewer are
	 * hit; sender_list.more_over counts those hit left out). */
	struct sender_list whatif_senders;
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
	 * NULL; whatif_grouped 1: also the senders it hits (whatif_senders,
	 * what the text shows: a pass more over the period's sources). */
	const char *whatif;
	int whatif_grouped;
};

/* Gathers and judges.  *out is overwritten; advice_free() it. */
int advise_compute(struct db *db, const struct advise_options *o,
    struct advice *out, struct err *err);
void advice_free(struct advice *a);

#endif
