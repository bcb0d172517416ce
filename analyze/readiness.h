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
 * Ready for the next step when all of these hold (each is a reason, kept
 * in the result whether it holds or not, in this order):
 *   data         at least days days with reports in the period
 *   pass_rate    legitimate mail passes DMARC at or above pass_rate
 *                percent (no legitimate mail: not met)
 *   sources      no legitimate source's failing mail is more than
 *                source_share percent of all mail in the period (a big
 *                sender failing a little is pass_rate's business)
 *   stable       the current policy has been reported for at least
 *                stable_days days (not asked of step 0)
 * New sources (first seen in the last 7 days) are a warning reason that
 * never blocks: a new legitimate sender should be set up before a step.
 * At step 4 the reasons are still given (they say how the domain fares)
 * but ready is 0: there is no step left.
 *
 * The period judged is the thresholds' days (ready_days) before the end
 * the caller chose; the texts say "in the last N days" with that N.
 * Rates are compared exactly, in integers, and shown rounded towards the
 * side that keeps text and verdict in agreement: a pass rate rounded down
 * (99.99% against 100% shows 99.9%), a share of mail rounded up.
 *
 * sp and np advice is given only where it changes what receivers do:
 *   sp  no mail from subdomains over a full period and the sp in force
 *       (sp, else p) is not reject: sp=reject; subdomain mail that passes
 *       while an explicit sp is weaker than p: drop sp so it follows p.
 *   np  subdomain names that sent only failing mail (likely made up) and
 *       the np in force (np, else sp, else p) is not reject: np=reject
 *       (RFC 9989).
 *
 * The next record, when inputs->published is a DMARC record ("v=DMARC1"
 * first): its tags in their order, p replaced, t and pct set for a test
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

/* Defaults: 14, 98, 1, 7, the config's. */
void readiness_thresholds_default(struct readiness_thresholds *t);

/* The policy receivers report now (view policy_now).  Empty strings and
 * -1 for what they left out. */
struct policy_state {
	int known; /* 0: no report about the domain at all */
	char p[16], sp[16], np[16]; /* lower-cased: none, quarantine, reject */
	int pct; /* 0..100, -1 absent */
	char testing[8]; /* "y", "n" or "" */
	char adkim[4], aspf[4]; /* "r", "s" or "" */
	int64_t reported_at; /* end of the report that said it, Unix s */
	/* Start of the oldest report in an unbroken run of reports that give
	 * this same p/pct/testing, up to reported_at: how long it has held. */
	int64_t since;
};

struct readiness_inputs {
	uint64_t days_with_data;
	char first_day[11], last_day[11]; /* YYYY-MM-DD, "" without data */
	uint64_t reporters;
	uint64_t messages, passed; /* all mail */
	uint64_t legit_messages, legit_passed;
	uint64_t legit_failing_sources, legit_failed;
	uint64_t forwarded, spoofing, unknown; /* messages per class */
	uint64_t new_sources, new_messages; /* first seen in the last 7 days */
	/* Mail whose header_from is a subdomain of the domain, and how much
	 * of it passed; names: distinct such subdomains, and those with no
	 * passing mail at all (likely made up: abuse of non-existent names). */
	uint64_t sub_messages, sub_passed;
	uint64_t sub_names, sub_names_failing;
	/* The legitimate sources with failing mail, most failed first;
	 * borrowed. */
	const struct source *failing;
	size_t n_failing;
	/* The domain's DMARC record as published now, or NULL when it was not
	 * looked up (--offline) or not found; the next record keeps its other
	 * tags (rua, ruf, fo, ...). */
	const char *published;
};

/* One condition of readiness, or one warning. */
struct readiness_reason {
	const char *code; /* "data", "pass_rate", "sources", "stable",
	                     "new_sources": static */
	int met; /* 1 met, 0 not met (blocks), -1 a warning only */
	char text[300]; /* one line with the evidence, for a person */
};

#define READINESS_MAX_REASONS 8

struct readiness {
	int step_now; /* 0..4, see the ladder */
	int ready; /* 1: go to next_step now */
	char policy_now[80]; /* "p=quarantine; pct=50" */
	char next_step[80]; /* "p=reject; t=y; pct=0", "" at step 4 */
	int next_step_no; /* step_now + 1, or -1 at step 4 */
	/* The whole TXT record to publish at _dmarc.DOMAIN, "" at step 4;
	 * built from inputs->published with p, pct and t replaced, or from
	 * the reported policy with "rua=mailto:YOUR-ADDRESS" when there is
	 * no published record. */
	char next_record[600];
	struct readiness_reason reasons[READINESS_MAX_REASONS];
	size_t n_reasons;
	/* Advice on sp= and np= for subdomains, one line each, "" for none. */
	char sp_advice[300];
	char np_advice[300];
};

/*
 * Judges the inputs against the thresholds.  domain is the policy domain
 * (for the record's comments and advice).  Never fails.
 */
void readiness_judge(const struct readiness_thresholds *t, const char *domain,
    const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *out);

/* The step a policy is on (see the ladder), and the policy text of a step
 * ("p=quarantine; t=y; pct=0"). */
int readiness_step_of(const struct policy_state *now);
const char *readiness_step_policy(int step);

/* part * scale / whole rounded down (up: rounded up), exact for any
 * counts; part is taken as at most whole, and whole 0 gives 0.  With scale
 * 1000, per mille: what the reasons show. */
uint64_t readiness_ratio(uint64_t part, uint64_t whole, uint64_t scale, int up);

/* What-if: a policy proposed, applied to a period's sources. */
struct whatif_source {
	const struct source *src; /* borrowed */
	uint64_t affected; /* of its failing mail, what the policy hits */
};

struct whatif {
	char policy[16]; /* "quarantine" or "reject" */
	int pct; /* 0..100, of failing mail the policy applies to */
	uint64_t messages; /* all mail of the period */
	uint64_t affected[SOURCE_NCLASSES]; /* hit, per class */
	uint64_t total_affected;
	struct whatif_source *v; /* sources with affected > 0, most first */
	size_t n;
};

/*
 * For policy ("quarantine" or "reject") at pct percent (100 for all),
 * what the sources' failing mail would have met: failed * pct / 100,
 * rounded down, per source.  ERR_USAGE for another policy or pct out of
 * 0..100.  Sums saturate at UINT64_MAX rather than wrap.  *out's list is
 * the caller's: whatif_free(); it points into l, which must outlive it.
 */
int whatif_compute(const char *policy, int pct, const struct source_list *l,
    struct whatif *out, struct err *err);
void whatif_free(struct whatif *w);

#endif
