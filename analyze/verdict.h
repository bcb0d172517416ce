/*
 * verdict: our DMARC evaluation of one report record, beside the
 * receiver's, and the cause of a failure in words a postmaster acts on.
 *
 * Pure: no database, no DNS.  Alignment is recomputed from the record's
 * auth_results and identifiers (align.h), relaxed or strict as the policy's
 * adkim/aspf say (anything but "s" is relaxed, the default).  The list of
 * services (services.h), when given, says which signers and bounce domains
 * belong to a mailing-list or forwarding service (their role).
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
 * - Another domain: one not in header_from's organizational domain (not
 *   aligned even relaxed).  A name in it that only strict alignment
 *   refuses (mail.example.com under adkim=s for example.com) is the
 *   owner's own, not another domain.
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
 *  5. mailing_list or forwarded: a known service resent it.  A DKIM
 *     signature of another domain passes and the services list gives its
 *     d= (kind dkim) a role, or the counted SPF result passes for another
 *     domain that the list gives a role (kind spf): role list makes it
 *     mailing_list, role forwarder forwarded; list wins when both are
 *     seen.  Only passing results count: anyone can claim a domain that
 *     then fails.
 *  6. resigned: re-signed on the way, or made to look so.  A DKIM
 *     signature aligned with header_from is present and does not pass,
 *     while a signature of another domain passes that the services list
 *     does not know as a sender of its own customers' mail (it is unknown,
 *     or has a role): a list or forwarder changed the message, breaking the
 *     owner's signature, and signed it itself; or a spoofer added a broken
 *     signature for the domain beside its own throwaway one.  One record
 *     cannot tell them apart: own_index keeps the broken signature, and
 *     the classes (sql/020_classes_evidence.sql) call it forwarding only
 *     when that d= and selector passed aligned for the domain elsewhere in
 *     the period.  When the passing signer is a known sending service (no
 *     role: Amazon SES, SendGrid, Mailchimp sign with their own domain
 *     beside the customer's), the owner's key at that service is what
 *     failed, and step 7 says so.  Without a broken own signature, a
 *     passing signature of another domain is never taken for forwarding:
 *     spoofers sign with throwaway domains of their own.
 *  7. dkim_fail: a DKIM signature aligned with header_from is present but
 *     does not pass (fail, neutral, policy, temperror, permerror): content
 *     changed on the way (lists, forwarders, footers) or a wrong key.
 *  8. strict_unaligned: a DKIM signature passes, or the counted SPF result
 *     passes, for a domain in header_from's organizational domain that
 *     adkim=s (aspf=s) refuses: the owner's own subdomain or parent, not
 *     the exact From domain.
 *  9. dkim_unaligned: a DKIM signature passes, but for another domain.
 * 10. spf_unaligned: SPF passes, but for another domain (the bounce domain
 *     of the service that sent).
 * 11. spf_error: SPF for an aligned domain is permerror or temperror.
 * 12. no_auth: no result at all: no signature, and no counted SPF result
 *     (or one of "none").
 * 13. auth_fail: anything else: SPF fails (or is neutral, or errs for
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

#include "model.h"
#include "orgdomain.h"

struct dmarc_policy;
struct dmarc_record;
struct services;

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
	/* Its place among rec->dkim_results, -1 when there is none. */
	long dkim_index;
	/* Which domain bounced: the counted SPF result's domain, normalized,
	 * "" when there is none; spf_scope is "mfrom", "helo" or NULL, and
	 * spf_result its result (static string, "none" when absent). */
	char spf_domain[ORGDOMAIN_MAX];
	const char *spf_scope;
	const char *spf_result;
	/* The counted result's place among rec->spf_results, -1: none. */
	long spf_index;
	/* When auth_cause is VERDICT_RESIGNED, the place among
	 * rec->dkim_results of the owner's broken signature (the first
	 * aligned one that did not pass); else -1. */
	long own_index;
};

/*
 * Evaluates rec under policy into *v (overwritten whole), with sv for the
 * roles of services (step 5, and whether step 6 applies).  policy may be
 * NULL (relaxed both ways, no fallback for header_from); sv may be NULL (no
 * service is known: step 5 never applies, step 6 takes every signer).
 * Never fails: missing and garbage fields give a defined answer as
 * documented above.  sv is only read.
 */
void verdict_eval_services(const struct orgdomain *od,
    const struct services *sv, const struct dmarc_record *rec,
    const struct dmarc_policy *policy, struct verdict *v);
/* verdict_eval_services() with sv NULL. */
void verdict_eval(const struct orgdomain *od, const struct dmarc_record *rec,
    const struct dmarc_policy *policy, struct verdict *v);

#endif
