/*
 * dnscheck_int: what the files of dnscheck share, private to them (and to
 * their unit tests).  dnscheck.h is the public interface; this header says
 * which file does what and holds the helpers they have in common.
 *
 *   dnscheck.c        findings (the list, dnscheck_add()) and the helpers
 *                     below; the resolver behind the SPF evaluator's
 *                     lookups (dnscheck_spf())
 *   dnscheck_dmarc.c  the DMARC record judged, tag by tag, and the report
 *                     authorisation records; reading the record is
 *                     dmarc_record.c's
 *   dnscheck_spf.c    the SPF parser, the evaluation of a record with its
 *                     includes and redirect (no DNS: lookups come through
 *                     struct dnscheck_spf_dns), and matching an address
 *   dnscheck_dkim.c   DKIM key records: tag list, base64, DER, key size
 *   dnscheck_mx.c     MX records and an address for each host
 *   dnscheck_ptr.c    reverse DNS, forward confirmation, generic names
 *   dnscheck_tlsa.c   DANE: TLSA records of the MX hosts
 *   dnscheck_sts.c    MTA-STS: the TXT record, the policy (fetched by
 *                     sts_fetch.c), its mx patterns against the MX hosts
 *   dnscheck_tlsrpt.c SMTP TLS reporting: the _smtp._tls record
 */
#ifndef DMARCSIFT_DNSCHECK_INT_H
#define DMARCSIFT_DNSCHECK_INT_H

#include <stddef.h>

#include "dnscheck.h"
#include "domain.h"
#include "orgdomain.h"
#include "resolve.h"

struct err;

/* Records longer than this are refused before parsing. */
#define DNSCHECK_RECORD_MAX 8192

/* The trouble as people know it: SERVFAIL, REFUSED, timeout. */
const char *dnscheck_trouble_name(enum resolve_status s);

/* Appends a DNSERROR finding id about subject when res is DNS trouble
 * (resolve_status_trouble()); returns 1 then, else 0. */
int dnscheck_dns_trouble(struct dnscheck_list *out, const char *id,
    const struct resolve_result *res, const char *subject);

/*
 * Looks up the TXT records at name and counts those that start with
 * version, its case aside (the parsers judge the case): 0 with *found
 * their number and *first the index of the first in res; 1 when the DNS
 * did not answer (a DNSERROR finding id appended); a negative err_code
 * when the resolver failed.  res is the caller's to clear in every case.
 */
int dnscheck_txt_versioned(struct resolver *r, const char *name,
    const char *version, const char *id, struct resolve_result *res,
    size_t *found, size_t *first, struct dnscheck_list *out, struct err *err);

/* 1 when s (NUL-terminated) is a domain name we would send. */
int dnscheck_domain_ok(const char *s);

/* Checks a record's bytes before parsing: no NUL, not overlong.  Returns
 * 1 when fine, else 0 with an id finding (FAIL) appended to out. */
int dnscheck_record_bytes_ok(const char *text, size_t len, const char *id,
    const char *subject, struct dnscheck_list *out);

/*
 * The DNS as the SPF evaluator sees it, handed in so that the evaluator
 * sends no query itself: dnscheck_spf() hands in the resolver, a test a
 * table of answers.  lookup() answers name for each of the n types (n is
 * 1, or 2 for A and AAAA asked together) into res[0..n-1]; the evaluator
 * owns those results and releases them with resolve_result_clear().  It
 * returns 0, or a negative err_code with err set when it could not ask at
 * all (the resolver's event loop failed), which ends the evaluation with
 * that error; every slot is filled (initialised) either way.
 */
struct dnscheck_spf_dns {
	int (*lookup)(void *arg, const char *name,
	    const enum resolve_type *types, size_t n,
	    struct resolve_result *res, struct err *err);
	void *arg;
};

/* dnscheck_spf() (dnscheck.h) with the answers of dns.  At most
 * DNSCHECK_SPF_MAX_QUERIES lookups (an A and AAAA pair counts two) are
 * asked. */
int dnscheck_spf_eval(const struct dnscheck_spf_dns *dns, const char *domain,
    struct dnscheck_list *out, struct dnscheck_spf **spf_out, struct err *err);

#endif
