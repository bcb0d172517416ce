/*
 * check: what `dmarcsift check DOMAIN` finds.  The DNS records a sending
 * domain needs (dnscheck.h), checked against what receivers report about
 * the domain in the stored reports.
 *
 * Three steps, each optional but the last:
 *   check_new()          the domain, and what the user gave: --selector,
 *                        --ip (check_add_selector(), check_add_ip())
 *   check_gather()       from the database, the last `days` days (by the
 *                        end of each report's date range): the DKIM
 *                        selectors receivers saw with d=DOMAIN and how many
 *                        of their messages failed; the source IPs that
 *                        sent as DOMAIN (header_from) with our verdict
 *                        (verdict.h, as the store wrote it) on their
 *                        messages, at most CHECK_MAX_SOURCES; the
 * policy_published of the reports whose policy domain is DOMAIN check_run() the
 * DNS: dnscheck's DMARC, SPF, DKIM (for every selector known), MX, then the
 * checks of mail sent to the domain (DANE TLSA of the MX hosts, MTA-STS with
 * its policy fetched over HTTPS, TLS reporting), PTR (for the sending IPs),
 * then the findings that compare the two The findings go to c->findings, in
 * the order above, with dnscheck's ids and these:
 *   dkim.selectors  warn: no selector to check (none in the reports, none
 *                   given)
 *   reports.data    warn: no report about the domain in the period
 *   reports.policy  one per tag whose published value (p, sp, adkim,
 *                   aspf, pct) some reports contradict (warn), or one
 *                   pass when they all agree
 *   reports.spf     sources with aligned, passing DKIM (legitimate mail)
 *                   that the SPF record does not authorise (warn, one per
 *                   source, at most CHECK_MAX_LISTED), or one pass
 *   reports.dkim    selectors receivers saw failing (result fail for
 *                   d=DOMAIN; warn, one per selector), or one pass
 * The reports.* findings exist only when check_gather() ran.  Nothing here
 * prints; reports/check_text.c and check_json.c present a struct check.
 */
#ifndef DMARCSIFT_CHECK_H
#define DMARCSIFT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "dnscheck.h"
#include "ipaddr.h"
#include "orgdomain.h"
#include "sts_fetch.h"

struct db;
struct err;
struct resolver;

#define CHECK_DAYS_DEFAULT 30
#define CHECK_DAYS_MAX 366
/* Selectors taken from the reports, most messages first. */
#define CHECK_MAX_SELECTORS 32
/* Sending IPs from the reports whose PTR is checked, most passing
 * messages first. */
#define CHECK_MAX_PTR_IPS 20
/* Selectors and IPs a user may give. */
#define CHECK_MAX_GIVEN 64
/* Source IPs held and listed: aligned DKIM first, then any that passed,
 * then the most messages; the rest are counted (sources_left_out).  A
 * month of a large domain names millions. */
#define CHECK_MAX_SOURCES 10000
/* reports.spf findings listed one by one; the rest are counted in one. */
#define CHECK_MAX_LISTED 10
/* Longest selector kept. */
#define CHECK_SELECTOR_MAX 64

/* Where a selector or an address came from: bits. */
#define CHECK_FROM_REPORTS 1u
#define CHECK_FROM_OPTION 2u

/* A DKIM selector of the domain. */
struct check_selector {
	char name[CHECK_SELECTOR_MAX]; /* lower-cased */
	unsigned from; /* CHECK_FROM_* */
	uint64_t messages; /* signed with d=DOMAIN s=name, as reported */
	uint64_t failed; /* of those, with the result fail */
};

/* An address whose PTR is checked. */
struct check_ip {
	char ip[IP_TEXT_MAX];
	unsigned from; /* CHECK_FROM_* */
};

/*
 * A source IP that sent mail with header_from DOMAIN, as the reports say,
 * with our verdict on its messages.  spf is dnscheck_spf_covers()'s
 * answer for it once check_run() has the SPF record ('+', '-', '~', '?'),
 * or 0 when there was no usable record to ask.
 */
struct check_source {
	char ip[IP_TEXT_MAX];
	uint64_t messages;
	uint64_t passed; /* DMARC pass: aligned DKIM or SPF */
	uint64_t dkim_aligned; /* aligned DKIM pass */
	char spf;
	int spf_uncertain;
};

/* A network the SPF record authorises, and the record it came from. */
struct check_net {
	char text[64]; /* "192.0.2.0/24" */
	char via[ORGDOMAIN_MAX];
};

/* One value of a tag, and how many reports said it; value NULL: the
 * reports left the tag out. */
struct check_said {
	char *value;
	uint64_t reports;
};

/*
 * The published DMARC record that applies to the domain (its own, or the
 * organizational domain's), as far as check_run() could read it
 * (dmarc_record.h): found is 1 when exactly one v=DMARC1 record answered,
 * and then record names it, tag[] holds each tag's value as published
 * (lower-case; "" when absent or invalid, which receivers take as absent)
 * and in_force[] the value receivers apply: the published one or its
 * default (sp follows p, adkim and aspf r, pct 100; p "" when it has
 * none).
 */
struct check_published {
	int found;
	char record[300];
	char tag[CHECK_NTAGS][16];
	char in_force[CHECK_NTAGS][16];
};

struct check {
	char domain[ORGDOMAIN_MAX];
	int days;
	/* The end of the period, Unix seconds: now (clock.h) unless the
	 * caller sets it between check_new() and check_gather(). */
	int64_t until;
	int gathered; /* check_gather() ran */
	uint64_t reports; /* reports about the domain in the period */

	struct check_selector *sel; /* every selector checked */
	size_t nsel;
	struct check_ip *ips; /* every address whose PTR was checked */
	size_t nip;
	size_t ips_left_out; /* sending IPs past CHECK_MAX_PTR_IPS */

	struct check_source *src; /* in address order */
	size_t nsrc;
	uint64_t sources_left_out; /* sources past CHECK_MAX_SOURCES */

	struct check_net *nets; /* what the SPF record authorises */
	size_t nnet;

	/* How MTA-STS policies are fetched: check_new() sets port 443 and
	 * the system's CAs; a caller may set the settings sts_port and
	 * sts_cafile (cafile borrowed: it must outlive check_run()). */
	struct sts_fetch_opts sts_opts;
	struct dnscheck_sts sts; /* what the MTA-STS check read */
	size_t mx_hosts; /* MX host names checked for DANE and MTA-STS */
	size_t dane_hosts; /* of those, the ones with TLSA records */

	struct check_published published;
	struct check_said *said[CHECK_NTAGS]; /* what the reports said */
	size_t nsaid[CHECK_NTAGS];

	struct dnscheck_list findings;
};

/*
 * Writes the period the reports were read from, for a person: "the 30 days
 * to 2026-12-06" (the day of until's last second), whatever --until said.
 */
void check_period(const struct check *c, char *buf, size_t size);

/*
 * Starts a check of domain over the last days days (0: CHECK_DAYS_DEFAULT).
 * ERR_USAGE when domain is not a domain name (domain_check(), the rule of
 * every command) or days is
 * out of 1..CHECK_DAYS_MAX.  *out belongs to the caller: check_free().
 */
int check_new(
    struct check **out, const char *domain, int days, struct err *err);
void check_free(struct check *c);

/* A selector given by the user.  ERR_USAGE when it is not a DNS name of
 * labels (letters, digits, '-', '_'), or one too many. */
int check_add_selector(struct check *c, const char *name, struct err *err);
/* An address given by the user.  ERR_USAGE when it is not one, or one too
 * many. */
int check_add_ip(struct check *c, const char *ip, struct err *err);

/*
 * Reads what the stored reports say about the domain (see above), with
 * the verdicts the store wrote: run the judge first (analysis.h) so that
 * every report has them.  od is not read.  ERR_DB when the database fails.
 */
int check_gather(struct check *c, struct db *db, const struct orgdomain *od,
    struct err *err);

/*
 * Asks the DNS through r and appends every finding.  Returns 0, or ERR_IO
 * when the resolver's event loop fails (the DNS answering badly is a
 * finding, never an error).
 */
int check_run(struct check *c, struct resolver *r, const struct orgdomain *od,
    struct err *err);

/*
 * The text of the one DMARC record at _dmarc.DOMAIN (the domain's own, not
 * its organizational domain's: dmarc_lookup() without the fallback), for
 * `advise` to build the next record from.  *out is NULL when there is
 * none, several, DNS trouble, domain is no domain name or the record holds
 * a NUL byte; else the caller's (free()).  ERR_IO when the resolver fails.
 */
int check_dmarc_text(
    struct resolver *r, const char *domain, char **out, struct err *err);

#endif
