/*
 * readiness: is a domain ready for the next step of its DMARC policy, why
 * or why not, and which TXT record to publish next.  Also the what-if: for
 * a proposed policy, how much of the period's mail would have been
 * quarantined or rejected, per source.
 *
 * Pure: the caller gathers the numbers (advise.c, from the SQL function
 * readiness_inputs() and the view policy_now) and this module judges them.
 *
 * The ladder of steps (each one a policy a receiver applies):
 *   0  p=none                          reports only
 *   1  p=quarantine; t=y; pct=0        testing: RFC 9989 receivers (t=y)
 *                                      and RFC 7489 ones (pct=0) both
 *                                      apply the policy below it, none
 *   2  p=quarantine                    failing mail goes to spam
 *   3  p=reject; t=y; pct=0            testing: receivers quarantine
 *   4  p=reject                        failing mail is refused
 * A published policy maps to the highest step it fully reaches
 * (quarantine with pct=50 is step 1: it is on the way to 2).  The next
 * step is the one above; step 4 has none.
 *
 * Which step the domain is on: the step of the record published in DNS
 * when it was looked up (the owner's latest word), else the step of the
 * policy receivers report.  A policy written two ways is one policy: an
 * absent pct is 100 (RFC 7489 6.3), an absent t is n (RFC 9989).
 *
 * Ready for the next step when all of these hold (each is a reason, kept
 * in the result whether it holds or not, in this order):
 *   data         reports cover at least days UTC days of the period (a
 *                report counts for every day its range covers)
 *   pass_rate    of the mail that may be the owner's (sources classed
 *                legitimate or unknown: everything but spoofing,
 *                forwarders and ignored sources) that the next step
 *                governs, at least pass_rate percent passes DMARC (none
 *                at all: not met).  Mail From subdomains is left out when
 *                the next step keeps sp=none (and np=none for subdomain
 *                names none of whose mail passes): that step does not
 *                touch it.
 *   sources      no sender (sources grouped by who sends: a service, a
 *                PTR domain, an address) that may be the owner's has more
 *                failing mail that the next step would hit than
 *                source_share percent of the mail that may be the
 *                owner's (spoofing does not dilute it).  A sender's share
 *                is the largest of: over the period, over the days since
 *                it first appeared, over the last 7 days (a sender new
 *                yesterday is judged on yesterday's mail).  Each sender
 *                above it is named in groups with the fix or, for one not
 *                known to be the owner's, the decision: trusted_sources or
 *                ignored_sources.
 *   stable       the policy in force has held for stable_days days, shown
 *                by every reporter of the period: as receivers report it,
 *                or, when DNS publishes another policy than receivers
 *                report, since every reporter confirms the published one.
 *                Until every reporter shows it the domain is waiting (the
 *                reason names those that do and those that do not): never
 *                a step back to the older policy.
 *   watch        (from step 1) legitimate mail that receivers quarantined
 *                or rejected since the policy in force began (the step),
 *                as a share of the mail that may be the owner's since
 *                then, is at most source_share percent; above it, the
 *                advice is to roll back, at every step p=reject included,
 *                to the last step below that does not act on failing mail
 *                (readiness_rollback_step())
 *   reports      the reports are genuine: reports whose mail failed
 *                authentication at the owner's server (not counted) carry
 *                at most source_share percent of the mail reported, and
 *                no reporter whose reports could not all be checked
 *                jumped (readiness_jump()).  Reports that could not be
 *                checked at all (authserv_id not set, loose files) make
 *                it a warning that says so plainly, never a block.
 * New sources (first seen in the last 7 days) are a warning reason that
 * never blocks: a new legitimate sender should be set up before a step.
 * At step 4 the reasons are still given (they say how the domain fares)
 * but ready is 0: there is no step left.
 *
 * A test step (t=y; pct=0) does nothing to mail: receivers apply the
 * policy below it.  It is judged by what the enforcing step after it
 * would hit (judged_as names that step): it is the first move towards
 * enforcement, and the owner fixes what that step would hit before
 * taking it.
 *
 * What the next step would hit: of a source's failing mail, what comes
 * From the domain itself (p), from its subdomains (sp; sp absent: p),
 * and from subdomain names none of whose mail passes (likely made up: np;
 * np absent: sp), each counted when that policy is quarantine or reject
 * at full strength (a test step, t=y or pct=0, is judged as the step it
 * leads to).
 *
 * The period judged is the thresholds' days before the end the caller
 * chose; the texts say "in the last N days" with that N.  Rates are
 * compared exactly, in integers, and shown rounded towards the side that
 * keeps text and verdict in agreement: a pass rate rounded down (99.99%
 * against 100% shows 99.9%), a share of mail rounded up.
 *
 * sp and np advice is given only where it changes what receivers do:
 *   sp  no mail from subdomains over a full period and the sp in force
 *       (sp, else p) is not reject: sp=reject; subdomain mail that passes
 *       while an explicit sp is weaker than p, and no subdomain mail of a
 *       sender that may be the owner's fails: drop sp so it follows p.
 *   np  subdomain names that sent only failing mail (likely made up) and
 *       the np in force (np, else sp, else p) is not reject: np=reject
 *       (RFC 9989).
 *
 * The next record (dmarc_record_build()), when inputs->published is a
 * DMARC record ("v=DMARC1" first, in any case: the record written fixes
 * it): its tags in their order, p replaced, t and pct set for a test
 * step (added after p when missing) and removed for a full one, a repeated
 * tag kept once, a tag whose name is not a plain word dropped.  It comes
 * from DNS, that is from anyone: only printable ASCII survives, without
 * '"' and '\' (which would end the quoted TXT string), and when it is too
 * long for next_record, other tags are left out from the end, never cut.
 * Otherwise a new record: v, p (t, pct), sp and np only when they differ
 * from what they default to (reporters fill in the defaults), adkim/aspf
 * only when strict, and rua=mailto:YOUR-ADDRESS.
 */
#ifndef DMARCSIFT_READINESS_H
#define DMARCSIFT_READINESS_H

#include <stddef.h>
#include <stdint.h>

#include "sources.h"

struct readiness_thresholds {
	int days; /* ready_days */
	int pass_rate; /* ready_pass_rate, percent */
	int source_share; /* ready_source_share, percent */
	int stable_days; /* ready_stable_days */
};

/* The defaults of ready_days, ready_pass_rate, ready_source_share and
 * ready_stable_days in the settings table (common/config.h). */
void readiness_thresholds_default(struct readiness_thresholds *t);

/* A policy as receivers apply it: strengths 0 none, 1 quarantine, 2
 * reject; sp and np -1 when absent (sp follows p, np follows sp). */
struct policy_spec {
	int p, sp, np;
	int pct; /* 0..100 */
	int testing; /* t=y */
};

/* A policy: as receivers report it now (view policy_now), or as
 * published.  Empty strings for what it left out. */
struct policy_state {
	int known; /* 0: no report about the domain at all / no record */
	/* 1: parsed from a DMARC record, whose sp and np say something only
	 * when present (reporters fill them in with p and sp). */
	int from_record;
	char p[16], sp[16], np[16]; /* lower-cased: none, quarantine, reject */
	int pct; /* 0..100; absent is 100 */
	char testing[8]; /* "y" or "n"; absent is "n" */
	char adkim[4], aspf[4]; /* "r", "s" or "" */
	int64_t reported_at; /* end of the report that said it, Unix s */
	/* Start of the unbroken run of reports giving this same
	 * p/pct/testing, at the first reporter that gave it: how long it has
	 * held. */
	int64_t since;
	/* Reporters of the period, and of them those whose latest report
	 * gives this policy (0 and 0: not counted, as for a DNS record). */
	uint64_t reporters, confirming;
};

/* What receivers say about the published policy, when DNS publishes
 * another one than the latest report gives. */
struct policy_confirm {
	uint64_t reporters; /* reporters of the period */
	uint64_t confirming; /* of them, those whose latest report gives it */
	/* Since when every report gives it (start of that unbroken run), 0
	 * when the latest report does not. */
	int64_t since;
};

/*
 * A reporter of the period, and whether its reports are genuine (the mail
 * passed DKIM or DMARC for it at the owner's server: ingest/mailauth.h),
 * from the SQL function reporter_trust().  Reports that failed are not
 * counted anywhere else.
 */
struct reporter_trust {
	char name[128]; /* org_name, as reported (print it safely) */
	uint64_t reports, genuine, failed, unchecked;
	uint64_t messages, genuine_messages, failed_messages;
	/* Counted mail on its busiest day of the period, and on its median
	 * day of the 28 before (history_days of them; 0: none). */
	uint64_t peak_daily, usual_daily, history_days; /* readiness_jump() */
	char why[240]; /* why one report is not genuine, "" when all are */
	char auth_top[128]; /* who put Authentication-Results on its mail */
};

/* One UTC day of the period (advise.c reads them from source_days, the
 * sources in the classes of the whole period). */
struct readiness_day {
	int64_t start; /* 00:00:00 UTC, Unix seconds */
	uint64_t messages; /* all mail */
	uint64_t mine; /* legitimate and unknown: may be the owner's */
	uint64_t legit_lost; /* legitimate, quarantined or rejected */
};

/* A reporter of the period, and whether its latest report gives the
 * policy the domain stands on (the published one, else the one in
 * force). */
struct policy_reporter {
	char name[128]; /* org_name, as reported (print it safely) */
	int confirms;
};

struct readiness_inputs {
	uint64_t days_with_data; /* UTC days covered by reports */
	char first_day[11], last_day[11]; /* YYYY-MM-DD, "" without data */
	uint64_t reporters;
	uint64_t messages, passed; /* all mail */
	/* Per class: legitimate and unknown together are the mail that may
	 * be the owner's. */
	uint64_t legit_messages, legit_passed;
	uint64_t unknown_messages, unknown_passed;
	uint64_t forwarded, spoofing, ignored; /* messages per class */
	uint64_t new_sources, new_messages; /* first seen in the last 7 days */
	/* Mail whose header_from is a subdomain of the domain, and how much
	 * of it passed; names: distinct such subdomains, and those with no
	 * passing mail at all (likely made up: abuse of non-existent names);
	 * sub_mine_failed: failing subdomain mail of senders that may be the
	 * owner's. */
	uint64_t sub_messages, sub_passed;
	uint64_t sub_names, sub_names_failing;
	uint64_t sub_mine_failed;
	/* Of the mail that may be the owner's: what came From subdomains,
	 * what of it passed, and what came from subdomain names none of whose
	 * mail passed (np applies).  The pass rate leaves out what the next
	 * step does not govern. */
	uint64_t sub_mine_messages, sub_mine_passed, sub_mine_np;
	/* The period day by day, oldest first, every day of it (borrowed;
	 * NULL: not read, and shares are over the whole period). */
	const struct readiness_day *daily;
	size_t n_daily;
	/* For each of senders (same order), its failing mail the next step
	 * would hit in the last 7 days of the period (borrowed; NULL: not
	 * read). */
	const uint64_t *hit_last7;
	/* The reporters of the period, whether each gives the policy the
	 * domain stands on (borrowed; NULL: not read, only counted). */
	const struct policy_reporter *policy_reporters;
	size_t n_policy_reporters;
	/* The senders that may be the owner's (legitimate, unknown) with
	 * failing mail, most hit by the next step first
	 * (readiness_judged_spec()), as source_senders() groups and cuts
	 * them (borrowed): the top n_senders, then more_senders left out, of
	 * which more_blocking are over source_share of all mail. */
	const struct sender *senders;
	size_t n_senders, more_senders, more_blocking;
	/* Legitimate mail that receivers quarantined or rejected. */
	uint64_t legit_lost;
	/* The domain's DMARC record as published now, or NULL when it was not
	 * looked up (--offline) or not found; the next record keeps its other
	 * tags (rua, ruf, fo, ...). */
	const char *published;
	/* When published gives another policy than the latest report. */
	struct policy_confirm confirm;
	/* The period's reporters, most messages first (borrowed). */
	const struct reporter_trust *trust;
	size_t n_trust;
};

/* One condition of readiness, or one warning. */
struct readiness_reason {
	const char *code; /* "data", "pass_rate", "sources", "stable",
	                     "watch", "reports", "new_sources": static */
	int met; /* 1 met, 0 not met (blocks), -1 a warning only */
	char text[300]; /* one line with the evidence, for a person */
};

#define READINESS_MAX_REASONS 8

/* One sender that may be the owner's and fails: its sources (s.v, most
 * failed first; s.v[0] names the cause and the service). */
struct readiness_group {
	struct source_group s; /* s.cls legitimate or unknown */
	uint64_t hit; /* failing mail the next step would hit */
	/* hit as a share of the mail that may be the owner's, per mille
	 * rounded up, over the window that gives the largest: window_days 0
	 * the period, else the days since first_day (the day it first
	 * appeared, since_first 1) or the last 7 days; hit_window is what
	 * the step would hit in it. */
	uint64_t share, hit_window;
	int window_days, since_first;
	int64_t first_day;
	int blocks; /* share is over source_share */
};

struct readiness {
	int step_now; /* 0..4, see the ladder */
	int step_reported; /* the step receivers report, -1 none */
	int step_published; /* the step of the published record, -1 none */
	int ready; /* 1: go to next_step now */
	int waiting; /* a published policy receivers do not confirm yet */
	/* DNS publishes another p, pct or t than the latest report gives. */
	int published_differs;
	char policy_now[80]; /* "p=quarantine; pct=50" */
	char policy_published[80]; /* "" when no record was looked up */
	char next_step[80]; /* "p=reject; t=y; pct=0", "" at step 4 */
	int next_step_no; /* step_now + 1, or -1 at step 4 */
	/* The whole TXT record to publish at _dmarc.DOMAIN, "" at step 4;
	 * built from inputs->published with p, pct and t replaced, or from
	 * the reported policy with "rua=mailto:YOUR-ADDRESS" when there is
	 * no published record. */
	char next_record[600];
	/* A test step does nothing to mail: senders are judged by the
	 * enforcing step after it, whose policy this is ("p=quarantine"); ""
	 * when the next step itself enforces. */
	char judged_as[40];
	/* When legitimate mail is being lost after a step: the step to roll
	 * back to (readiness_rollback_step()) and its record; -1 and ""
	 * otherwise. */
	int rollback_step;
	char rollback_record[600];
	struct readiness_reason reasons[READINESS_MAX_REASONS];
	size_t n_reasons;
	/* Senders that may be the owner's with failing mail, most hit first;
	 * the blocking ones first: the top n_groups of n_senders (the rest
	 * were left out by the query), n_blocking of all of them block.
	 * Owned: readiness_free(); their sources are borrowed from
	 * inputs->senders. */
	struct readiness_group *groups;
	size_t n_groups, n_senders, n_blocking;
	/* Advice on sp= and np= for subdomains, one line each, "" for none. */
	char sp_advice[300];
	char np_advice[300];
};

/*
 * Judges the inputs against the thresholds.  domain is the policy domain
 * (for the record's comments and advice).  Never fails; *out is
 * overwritten, and readiness_free() releases it.
 */
void readiness_judge(const struct readiness_thresholds *t, const char *domain,
    const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *out);
void readiness_free(struct readiness *r);

/*
 * A DMARC record's policy ("v=DMARC1; p=reject; sp=none; pct=50"), read by
 * dmarc_record_parse() (dmarc_record.h: v=DMARC1 exactly, the first of a
 * repeated tag, an invalid value as if absent): 0 with *out filled (known,
 * p, sp, np, pct, testing, adkim, aspf; absent pct 100, absent t "n"), -1
 * when it is not a DMARC record with a valid p.
 */
int readiness_parse_record(const char *text, struct policy_state *out);

/* The policy the next step would publish, as readiness_judge() judges
 * the senders by it: from the published record (NULL: none) when it is a
 * DMARC record, else the reported policy now. */
void readiness_judged_spec(const struct policy_state *now,
    const char *published, struct policy_spec *out);

/* The step a policy is on (see the ladder), and the policy text of a step
 * ("p=quarantine; t=y; pct=0"). */
int readiness_step_of(const struct policy_state *now);

/* Where to roll back to from a policy that loses legitimate mail: the
 * last step below it that does not act on failing mail.  From p=reject
 * or p=quarantine (at any pct, in test or not: a reject test quarantines)
 * that is step 1, p=quarantine; t=y; pct=0, which receivers apply as
 * p=none; from step 1 itself, p=none.  -1 at p=none. */
int readiness_rollback_step(const struct policy_state *st);
const char *readiness_step_policy(int step);

/* The policy a state gives, as strengths (sp and np -1 when they only
 * follow p and sp). */
void readiness_spec_of(const struct policy_state *st, struct policy_spec *out);

/* Of a source's failing mail, what policy would hit at its pct (rounded
 * down). */
uint64_t readiness_hit(const struct source *s, const struct policy_spec *pol);

/* Where a policy at full strength acts: hit[0..2] 1 when p, sp and np
 * quarantine or reject (sp following p, np following sp when not given),
 * as source_senders() and source_whatif() take it. */
void readiness_spec_hits(const struct policy_spec *pol, int hit[3]);

/* What-if: a policy proposed, applied to a period's sources. */
struct whatif_source {
	const struct source *src; /* borrowed */
	uint64_t affected; /* of its failing mail, what the policy hits */
};

struct whatif {
	struct policy_spec spec;
	char policy[96]; /* "p=reject; sp=none; pct=50" */
	int reject; /* p is reject */
	uint64_t messages; /* all mail of the period */
	uint64_t affected[SOURCE_NCLASSES]; /* hit, per class */
	uint64_t total_affected;
	/* The sources hit most, most first (n of the hit_sources hit), and
	 * what is hit of the rest. */
	struct whatif_source *v;
	size_t n;
	uint64_t hit_sources, more_affected;
};

/*
 * A policy a what-if may apply: p, sp or np quarantine or reject, pct 0
 * to 100.  0, or ERR_USAGE saying what is wrong.
 */
int whatif_check(const struct policy_spec *pol, struct err *err);

/*
 * For a policy (whatif_check()), what the sources' failing mail would have
 * met (readiness_hit() at the policy's pct, source by source, as
 * source_whatif() sums it in SQL: h from sources_read_hits(), NULL for
 * none).  Sums saturate at UINT64_MAX rather than wrap.  *out's list is
 * the caller's: whatif_free(); it points into h, which must outlive it.
 */
int whatif_compute(const struct policy_spec *pol, const struct source_hits *h,
    struct whatif *out, struct err *err);
void whatif_free(struct whatif *w);

/*
 * A --what-if argument: "reject", "quarantine:25", or a policy in record
 * syntax ("p=reject; sp=none; pct=50").  For a word, sp and np come from
 * base (the published or reported policy; NULL: they follow p); a policy
 * in record syntax is taken whole, what it leaves out following p, and
 * p=none will do when sp or np acts.  0, or -1 when it is neither
 * (WHATIF_WANT says what is wanted).
 */
#define WHATIF_WANT                                                            \
	"want quarantine or reject, with :PCT (0 to 100) if you like, or a "   \
	"policy like 'p=reject; sp=none' or 'p=none; sp=quarantine'"
int whatif_parse(
    const char *arg, const struct policy_state *base, struct policy_spec *out);

#endif
