/*
 * verdict: our DMARC evaluation of one report record, beside the
 * receiver's, and the cause of a failure in words a postmaster acts on.
 *
 * Pure: no database, no DNS.  Alignment is recomputed from the record's
 * auth_results and identifiers (align.h), relaxed or strict as the policy's
 * adkim/aspf say (anything but "s" is relaxed, the default).
 *
 * The identifiers:
 * - header_from: the record's, normalized.  When the reporter left it out
 *   (NULL or ""), the policy domain stands in and header_from_policy is 1.
 * - DKIM: every dkim result counts; d= aligned with header_from and result
 *   "pass" makes DKIM pass for DMARC.  A result "none" (or absent) means no
 *   signature.
 * - SPF: one result counts.  The first with scope "mfrom" or no scope (some
 *   reporters leave it out); failing that, the first with scope "helo", but
 *   only when envelope_from is absent or empty (RFC 7208 section 2.4: the
 *   HELO identity stands in for a null MAIL FROM).  Its domain, or when it
 *   has none, the domain of envelope_from ("user@" is cut off).  Other
 *   scopes are ignored.  SPF passes for DMARC when that result is "pass"
 *   and its domain aligns with header_from.
 * - Results and reason types compare ignoring ASCII case.
 *
 * The cause, first match wins:
 *  1. none: our DMARC passes (an aligned DKIM or SPF pass), whatever the
 *     receiver said.
 *  2. mailing_list: a receiver reason of type mailing_list.
 *  3. forwarded: a receiver reason of type forwarded, or any reason whose
 *     comment says "arc=pass" (Google reports forwarded mail it accepted on
 *     ARC as local_policy with the ARC result in the comment).
 *  4. receiver_override: a receiver reason of type local_policy,
 *     trusted_forwarder, sampled_out or policy_test_mode: the receiver
 *     applied its own rule or the policy's test mode (pct, t=y).
 *  5. forwarded: the forwarding pattern.  A DKIM signature of another
 *     domain passes while the counted SPF result is fail or softfail: the
 *     message left a legitimate sender (its signature survived) but came
 *     from an address the envelope domain does not authorize, which is
 *     what a forwarder that keeps the envelope produces.  (An ESP that
 *     sends with your envelope domain without being in your SPF record
 *     looks the same; dkim_domain shows which service signed.)
 *  6. dkim_fail: a DKIM signature aligned with header_from is present but
 *     does not pass (fail, neutral, policy, temperror, permerror): content
 *     changed on the way (lists, forwarders, footers) or a wrong key.
 *  7. dkim_unaligned: a DKIM signature passes, but for another domain.
 *  8. spf_unaligned: SPF passes, but for another domain (the bounce domain
 *     of the service that sent).
 *  9. spf_error: SPF for an aligned domain is permerror or temperror.
 * 10. no_auth: no result at all: no signature, and no counted SPF result
 *     (or one of "none").
 * 11. auth_fail: anything else: SPF fails (or is neutral, or errs for
 *     another domain) and no DKIM passes.
 * auth_cause is the same chain without steps 2-4: what the authentication
 * results alone say, for grouping when the receiver's reason hides it (a
 * sampled_out record is still spoofing).
 *
 * Disagreement: the receiver's policy_evaluated dkim and spf (pass or fail;
 * anything else is "not said") against ours; disagree has a bit for each
 * that differs.
 */
#ifndef DMARCSIFT_VERDICT_H
#define DMARCSIFT_VERDICT_H

#include "orgdomain.h"

struct dmarc_policy;
struct dmarc_record;

enum verdict_cause {
	VERDICT_NONE = 0,
	VERDICT_MAILING_LIST,
	VERDICT_FORWARDED,
	VERDICT_RECEIVER_OVERRIDE,
	VERDICT_DKIM_FAIL,
	VERDICT_DKIM_UNALIGNED,
	VERDICT_SPF_UNALIGNED,
	VERDICT_SPF_ERROR,
	VERDICT_NO_AUTH,
	VERDICT_AUTH_FAIL,
	VERDICT_NCAUSES
};

/* The receiver's policy_evaluated dkim or spf. */
#define VERDICT_RCV_ABSENT (-1) /* absent or neither pass nor fail */
#define VERDICT_RCV_FAIL 0
#define VERDICT_RCV_PASS 1

#define VERDICT_DISAGREE_DKIM 1u
#define VERDICT_DISAGREE_SPF 2u

struct verdict {
	/* header_from normalized, or the policy domain; "" when neither is a
	 * usable name (then nothing aligns). */
	char header_from[ORGDOMAIN_MAX];
	int header_from_policy; /* 1: header_from absent, policy domain used */
	int strict_dkim, strict_spf; /* adkim=s, aspf=s */

	int dkim_aligned; /* ours: a DKIM pass with an aligned d= */
	int spf_aligned; /* ours: the counted SPF passes, domain aligned */
	int pass; /* ours: dkim_aligned || spf_aligned */

	int rcv_dkim, rcv_spf; /* VERDICT_RCV_* */
	int rcv_pass; /* receiver's DMARC: VERDICT_RCV_* from the two */
	unsigned disagree; /* VERDICT_DISAGREE_* bits */

	enum verdict_cause cause;
	enum verdict_cause auth_cause;
	/* The first reason type the receiver gave that this module knows as
	 * an override (forwarded, mailing_list, local_policy,
	 * trusted_forwarder, sampled_out, policy_test_mode), as a static
	 * lower-case string; NULL when there is none. */
	const char *override;

	/* Which domain signed: the aligned passing d=, else the first passing
	 * d=, else the first aligned d=, else the first d=; normalized, ""
	 * when there is none.  dkim_result is its result (static string). */
	char dkim_domain[ORGDOMAIN_MAX];
	const char *dkim_result;
	/* Which domain bounced: the counted SPF result's domain, normalized,
	 * "" when there is none; spf_scope is "mfrom", "helo" or NULL, and
	 * spf_result its result (static string, "none" when absent). */
	char spf_domain[ORGDOMAIN_MAX];
	const char *spf_scope;
	const char *spf_result;
};

/*
 * Evaluates rec under policy into *v (overwritten whole).  policy may be
 * NULL (relaxed both ways, no fallback for header_from).  Never fails:
 * missing and garbage fields give a defined answer as documented above.
 */
void verdict_eval(const struct orgdomain *od, const struct dmarc_record *rec,
    const struct dmarc_policy *policy, struct verdict *v);

/* Stable machine name ("spf_unaligned"); "unknown" out of range. */
const char *verdict_cause_name(enum verdict_cause c);
/* One line saying what happened, for a postmaster. */
const char *verdict_cause_text(enum verdict_cause c);
/* One line saying what to do about it. */
const char *verdict_cause_fix(enum verdict_cause c);
/* The cause with that machine name, or -1. */
int verdict_cause_from_name(const char *name);

#endif
