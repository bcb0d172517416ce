/*
 * dnscheck: the DNS records a sending domain needs, checked.
 *
 * Each check takes a resolver and a domain, asks the DNS, and appends
 * findings to a list: no printing, no database.  A finding names the item
 * checked, a status, a one-line explanation and, unless it passed, a
 * one-line fix (often the record to publish).  The `dmarcsift check`
 * command presents them; tests compare ids and statuses.
 *
 * Finding ids:
 *   dmarc.record   one v=DMARC1 record at _dmarc.DOMAIN (or, for a
 *                  subdomain without one, at the organizational domain)
 *   dmarc.syntax   the record's tags and values (RFC 9989, RFC 7489)
 *   dmarc.policy   p= (and sp=, np=): none is monitoring only
 *   dmarc.retired  pct=, rf=, ri=: removed by RFC 9989, still applied by
 *                  RFC 7489 receivers
 *   dmarc.rua      aggregate reports are asked for
 *   dmarc.auth     an rua/ruf destination outside the domain's
 *                  organization authorises it (DOMAIN._report._dmarc.DEST)
 *   spf.record     one v=spf1 record at DOMAIN
 *   spf.syntax     terms of each record (RFC 7208 section 12)
 *   spf.lookups    DNS-querying terms, recursively, against the limit of 10
 *   spf.void       lookups that found nothing, against the limit of 2
 *   spf.loop       an include or redirect that comes back to a record on
 *                  its own path
 *   spf.include    an include or redirect target with no usable record
 *   spf.all        the final all: +all fail, ?all warn, none warn
 *   spf.ptr        the deprecated ptr mechanism
 *   spf.macro      terms with macros, which are not evaluated here
 *   dkim.record    one key record at SELECTOR._domainkey.DOMAIN
 *   dkim.syntax    its tag list (RFC 6376 section 3.6.1)
 *   dkim.key       key type and size: RSA under 1024 bits fail, under
 *                  2048 warn; ed25519 pass; empty p= (revoked) fail
 *   dkim.testing   t=y: verifiers treat the domain as testing DKIM
 *   mx.record      MX records at DOMAIN
 *   mx.host        each MX host has an A or AAAA record
 *   ptr.record     a PTR record for the address
 *   ptr.fcrdns     a PTR name resolves back to the address
 *   ptr.generic    the name does not look dynamic or residential
 *   dane.tlsa      the TLSA records at _25._tcp of each MX host (RFC 7672):
 *                  their fields; presence and syntax only, DNSSEC (which
 *                  DANE needs) is not validated here
 *   sts.record     one v=STSv1 record with an id at _mta-sts.DOMAIN
 *                  (RFC 8461 section 3.1)
 *   sts.policy     the policy at https://mta-sts.DOMAIN/.well-known/
 *                  mta-sts.txt fetched as senders do (sts_fetch.h), and
 *                  its syntax (section 3.2)
 *   sts.mode       enforce pass, testing and none warn
 *   sts.max_age    a week or more pass, less warn
 *   sts.mx         each MX host matched by an mx pattern of the policy
 *   tlsrpt.record  one v=TLSRPTv1 record at _smtp._tls.DOMAIN (RFC 8460)
 *   tlsrpt.syntax  its fields, rua= with mailto: or https: URIs
 *
 * Statuses: pass, warn, fail, and dnserror when the DNS did not answer
 * (timeout, SERVFAIL, REFUSED, ...): a dnserror never claims that a record
 * is missing, and its text names the trouble.
 *
 * Every record read is untrusted input: parsers cap lengths and counts, and
 * text quoted in findings is made printable first.
 *
 * The checks live one subject per file, dnscheck_dmarc.c, dnscheck_spf.c,
 * dnscheck_dkim.c, dnscheck_mx.c, dnscheck_ptr.c, dnscheck_tlsa.c,
 * dnscheck_sts.c and dnscheck_tlsrpt.c, around the findings in
 * dnscheck.c; dnscheck_int.h says what each offers the others.
 */
#ifndef DMARCSIFT_DNSCHECK_H
#define DMARCSIFT_DNSCHECK_H

#include <stddef.h>

#include "domain.h"
#include "model.h"

struct dmarc_lookup;
struct err;
struct orgdomain;
struct resolver;
struct sts_fetch_opts;

/* Longest explanation or fix kept; longer text is cut with "...". */
#define DNSCHECK_TEXT_MAX 512

/*
 * One finding.  id is one of those above (static storage).  subject is
 * what was looked at: a DNS name, an address, a URI.  text explains in one
 * line; fix says what to do, or is NULL when the item passed or there is
 * nothing to publish.  All strings are printable, without newlines.
 */
struct dnscheck_finding {
	const char *id;
	enum dnscheck_status status;
	char *subject;
	char *text;
	char *fix;
};

/* A growable list of findings; zero-initialise it, dnscheck_list_free()
 * releases what it holds (and leaves it empty and reusable). */
struct dnscheck_list {
	struct dnscheck_finding *v;
	size_t n, cap;
};

void dnscheck_list_free(struct dnscheck_list *l);
/*
 * Appends a finding: id is a static string; subject, fix (NULL when it
 * passed) and the formatted text are copied, made printable and bounded,
 * since they may hold names from DNS or reports.
 */
void dnscheck_add(struct dnscheck_list *l, const char *id,
    enum dnscheck_status st, const char *subject, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The first finding with this id, or NULL (borrowed from l). */
const struct dnscheck_finding *dnscheck_find(
    const struct dnscheck_list *l, const char *id);

/* ------------------------------------------------------------------------
 * Checks.  Each returns 0 with its findings appended to out, or a negative
 * err_code: ERR_USAGE when domain is not a domain name (domain_check()),
 * ERR_IO when the resolver's event loop fails.  DNS answers,
 * good or bad, are findings, never errors. */

/*
 * DMARC for domain: _dmarc.DOMAIN; when there is none there and domain is
 * below its organizational domain (from od), _dmarc.ORGDOMAIN, whose sp=
 * (or p=) applies.  For each mailto: in rua= and ruf= whose domain has
 * another organizational domain than domain's, the authorisation record
 * DOMAIN._report._dmarc.DEST (RFC 7489 section 7.1).  od must not be
 * NULL.
 */
int dnscheck_dmarc(struct resolver *r, const struct orgdomain *od,
    const char *domain, struct dnscheck_list *out, struct err *err);
/*
 * The same for a record dmarc_lookup() (dmarc_record.h) already found, so
 * a caller that needs the record too asks the DNS once: only the report
 * authorisation records are looked up here.
 */
int dnscheck_dmarc_found(struct resolver *r, const struct orgdomain *od,
    const struct dmarc_lookup *l, struct dnscheck_list *out, struct err *err);

/* The SPF record of a domain, evaluated as far as DNS allows. */
struct dnscheck_spf;

/*
 * SPF for domain: the v=spf1 record, its includes and redirect followed
 * (at most DNSCHECK_SPF_MAX_QUERIES DNS queries in all, so a hostile tree
 * cannot make us query forever), a and mx expanded to addresses.  With
 * spf_out not NULL, *spf_out receives the evaluated record (owned by the
 * caller, dnscheck_spf_free()), or NULL when the domain has no usable one.
 */
#define DNSCHECK_SPF_MAX_QUERIES 60
int dnscheck_spf(struct resolver *r, const char *domain,
    struct dnscheck_list *out, struct dnscheck_spf **spf_out, struct err *err);
void dnscheck_spf_free(struct dnscheck_spf *spf);

/* A network an SPF record authorises ("+" mechanisms, reached through
 * "+" includes and redirect). */
struct dnscheck_net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
	char text[64]; /* "192.0.2.0/24", "2001:db8::/32" */
	const char *via; /* the record's domain it came from (borrowed) */
};

/* The flattened list of authorised networks: ip4, ip6, and the addresses
 * a and mx gave, with their prefixes.  Borrowed from spf. */
const struct dnscheck_net *dnscheck_spf_networks(
    const struct dnscheck_spf *spf, size_t *n);

/*
 * The SPF result for a sender address, evaluated over the record's terms
 * in order, includes and redirect included, with the addresses found
 * above: '+' pass, '-' fail, '~' softfail, '?' neutral (also when nothing
 * matched), 'e' for an address that is not one.  Terms it cannot evaluate
 * offline (exists, ptr, macros, lookups that failed) are skipped; then
 * *uncertain (when not NULL) is set to 1, as the real result could differ.
 */
int dnscheck_spf_covers(
    const struct dnscheck_spf *spf, const char *ip, int *uncertain);

/*
 * DKIM keys of domain for each of the nsel selectors: the TXT record at
 * SELECTOR._domainkey.DOMAIN, its tags, the key type and size.
 */
int dnscheck_dkim(struct resolver *r, const char *domain,
    const char *const *selectors, size_t nsel, struct dnscheck_list *out,
    struct err *err);

/* MX records of domain, and an address for each host. */
int dnscheck_mx(struct resolver *r, const char *domain,
    struct dnscheck_list *out, struct err *err);

/* MX hosts looked at, by the MX check and by an SPF mx term. */
#define DNSCHECK_MX_MAX_HOSTS 10

/* The MX hosts of a domain, as the MX check found them, for the checks of
 * mail sent to it (DANE, MTA-STS, TLS reporting). */
struct dnscheck_mx {
	int answered; /* the MX lookup had an answer (no DNS trouble) */
	size_t n; /* hosts that are host names: 0 for none or null MX */
	char host[DNSCHECK_MX_MAX_HOSTS][DOMAIN_MAX]; /* lower-case */
};

/* dnscheck_mx(), keeping the hosts in *mx. */
int dnscheck_mx_hosts(struct resolver *r, const char *domain,
    struct dnscheck_list *out, struct dnscheck_mx *mx, struct err *err);

/*
 * DANE: the TLSA records at _25._tcp.HOST of each MX host, their usage,
 * selector and matching type shown and judged, the data's length checked
 * against the matching type.  A host without any is a dane.tlsa warning
 * only when another host has some; when none has, there is no finding.
 * *with_tlsa is the number of hosts that publish TLSA records.
 */
int dnscheck_tlsa(struct resolver *r, const struct dnscheck_mx *mx,
    struct dnscheck_list *out, size_t *with_tlsa, struct err *err);

/* An MTA-STS policy as read (RFC 8461 section 3.2). */
#define DNSCHECK_STS_MAX_MX 32
struct dnscheck_sts_policy {
	int valid; /* every required field, every value usable */
	char mode[8]; /* "enforce", "testing", "none", or "" */
	long max_age; /* seconds; -1 when absent or unusable */
	size_t nmx;
	char mx[DNSCHECK_STS_MAX_MX][DOMAIN_MAX + 2]; /* patterns, lower-case */
	size_t mx_dropped; /* mx: lines past DNSCHECK_STS_MAX_MX, not read */
};

/* What the MTA-STS check read, for check --json. */
struct dnscheck_sts {
	char id[33]; /* the record's id=, "" when none was read */
	int fetched; /* a policy arrived and was read into policy */
	struct dnscheck_sts_policy policy;
};

/*
 * MTA-STS of domain: the _mta-sts TXT record; when it is there, the policy
 * fetched over HTTPS with o (from the addresses of mta-sts.DOMAIN, which
 * r finds), its mode, max_age and its mx patterns against the hosts in
 * mx.  No record is a warning for a domain that receives mail, unless
 * every MX host publishes TLSA (with_tlsa == mx->n).  *st (may be NULL)
 * receives what was read.  ERR_IO also when libcurl cannot be set up.
 */
int dnscheck_sts(struct resolver *r, const char *domain,
    const struct dnscheck_mx *mx, size_t with_tlsa,
    const struct sts_fetch_opts *o, struct dnscheck_sts *st,
    struct dnscheck_list *out, struct err *err);

/*
 * SMTP TLS reporting: the v=TLSRPTv1 record at _smtp._tls.DOMAIN and its
 * rua=.  No record is a warning when receives (the domain has MX hosts),
 * else no finding.
 */
int dnscheck_tlsrpt(struct resolver *r, const char *domain, int receives,
    struct dnscheck_list *out, struct err *err);

/*
 * Reverse DNS of each of the nip addresses: a PTR, forward-confirmed, and
 * a name that does not look dynamic (the address's numbers in the name,
 * or words such as dynamic, dhcp, pool, ppp, dsl, cable, cust, client,
 * broadband).  ERR_USAGE when an address is not one.
 */
int dnscheck_ptr(struct resolver *r, const char *const *ips, size_t nip,
    struct dnscheck_list *out, struct err *err);

/* ------------------------------------------------------------------------
 * Parsers, public for tests and for explaining a record given by hand.
 * They read text (len bytes, any bytes) and append dmarc.syntax /
 * spf.syntax / dkim.syntax findings (and the other findings the record
 * alone decides) to out, with subject as each finding's subject. */

/* A DMARC record's tags of interest.  URIs are printable copies. */
#define DNSCHECK_MAX_URIS 8
struct dnscheck_dmarc {
	int valid; /* starts with v=DMARC1 and is usable */
	char p[12], sp[12], np[12]; /* "none", "quarantine", "reject", "" */
	size_t nrua, nruf;
	char *rua[DNSCHECK_MAX_URIS];
	char *ruf[DNSCHECK_MAX_URIS];
};

/* Parses a DMARC record (dmarc_record_parse()) and judges each tag.
 * Returns 0 when the record is usable (v=DMARC1 first, every part a tag),
 * -1 when it is not; *d is filled either way and released with
 * dnscheck_dmarc_clear().  A repeated tag is a finding, and only its first
 * occurrence counts. */
int dnscheck_parse_dmarc(const char *text, size_t len, const char *subject,
    struct dnscheck_dmarc *d, struct dnscheck_list *out);
void dnscheck_dmarc_clear(struct dnscheck_dmarc *d);

/* SPF terms, as parsed: one per term of the record. */
enum dnscheck_spf_kind {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT,
	SPF_EXP,
	SPF_UNKNOWN_MOD,
};

#define DNSCHECK_SPF_MAX_TERMS 64
struct dnscheck_spf_term {
	enum dnscheck_spf_kind kind;
	char qualifier; /* '+', '-', '~', '?' */
	char *domain; /* include, a, mx, ptr, exists, redirect, exp: the
	                 domain-spec, or NULL for the current domain */
	int macro; /* domain holds a macro ('%') */
	unsigned char addr[16]; /* ip4, ip6 */
	int cidr4, cidr6; /* -1 when not given */
};

struct dnscheck_spf_terms {
	size_t n;
	struct dnscheck_spf_term t[DNSCHECK_SPF_MAX_TERMS];
};

/* Parses an SPF record.  Returns 0, or -1 when it has a syntax error
 * (permerror: receivers ignore the whole record).  Release the terms with
 * dnscheck_spf_terms_clear(). */
int dnscheck_parse_spf(const char *text, size_t len, const char *subject,
    struct dnscheck_spf_terms *terms, struct dnscheck_list *out);
void dnscheck_spf_terms_clear(struct dnscheck_spf_terms *terms);

/* Parses a DKIM key record and judges its key (dkim.syntax, dkim.key,
 * dkim.testing).  Returns 0, or -1 when the record is unusable. */
int dnscheck_parse_dkim(const char *text, size_t len, const char *subject,
    struct dnscheck_list *out);

/* Parses a TLS reporting record (tlsrpt.syntax).  Returns 0, or -1 when
 * senders cannot use it. */
int dnscheck_parse_tlsrpt(const char *text, size_t len, const char *subject,
    struct dnscheck_list *out);

/* Parses an MTA-STS TXT record (sts.record); id (33 bytes) receives its
 * id=.  Returns 0, or -1 when senders ignore it. */
int dnscheck_parse_sts_record(const char *text, size_t len, const char *subject,
    char id[33], struct dnscheck_list *out);

/* Parses an MTA-STS policy file (sts.policy findings for its syntax, a
 * pass when it is valid) into *p.  Returns 0, or -1 when it is not
 * valid. */
int dnscheck_parse_sts_policy(const char *text, size_t len, const char *subject,
    struct dnscheck_sts_policy *p, struct dnscheck_list *out);

/* 1 when the MTA-STS mx pattern (lower-case; "*." only as its first
 * label, standing for exactly one label) matches host (lower-case, no
 * final dot). */
int dnscheck_sts_mx_match(const char *pattern, const char *host);

/* Judges one TLSA record in its presentation form (resolve.h: "3 1 1
 * HEX"), for host: a dane.tlsa finding.  Returns 0, or -1 when it is
 * unusable. */
int dnscheck_parse_tlsa(
    const char *text, const char *host, struct dnscheck_list *out);

/* 1 when name looks like a dynamic or residential host name for ip. */
int dnscheck_name_generic(const char *name, const char *ip);

#endif
