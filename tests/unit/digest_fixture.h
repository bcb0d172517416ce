/*
 * digest_fixture: hand-made struct digest values for the renderers' tests,
 * built without a database.  Everything is allocated as digest_compute()
 * would (xalloc), so digest_free() releases a fixture.
 *
 * Builders append; a struct digest_domain * returned by fx_domain() stays
 * valid only until the next fx_domain() on the same digest.
 *
 * Fixtures:
 *   fx_realistic()  a week of four domains: one with everything (failing
 *                   legitimate sources, new, stopped, spoofing, a silent
 *                   reporter, DNS findings, SMTP TLS reports with
 *                   failures, failure reports), one in its first period and
 *                   ready for its next step, one that went quiet, one at
 *                   the last step with DNS all good
 *   fx_empty()      no domain, nothing refused
 *   fx_first()      one domain, first period (no previous)
 *   fx_nodata()     one domain with no data at all, policy unknown
 *   fx_hostile()    every string a stranger could choose, hostile
 *   fx_almost()     one day, 9,996 of 10,000 passed (not golden: for the
 *                   digits every format must agree on)
 *   fx_steps()      the verdicts after a step, as advise gives them: WAIT
 *                   for a policy DNS publishes ahead of the reports, ROLL
 *                   BACK at p=reject, ROLL BACK while waiting at
 *                   p=quarantine
 */
#ifndef DMARCSIFT_TEST_DIGEST_FIXTURE_H
#define DMARCSIFT_TEST_DIGEST_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "tls_fixture.h"
#include "verdict.h"
#include "xalloc.h"

#define FX_DAY INT64_C(86400)
/* Monday 2026-11-09 00:00 UTC. */
#define FX_SINCE INT64_C(1794182400)

static inline struct digest *
fx_new(const char *period, int64_t since, int ndays)
{
	struct digest *d = xcalloc(1, sizeof(*d));

	snprintf(d->period, sizeof(d->period), "%s", period);
	d->since = since;
	d->until = since + ndays * FX_DAY;
	d->prev_since = since - ndays * FX_DAY;
	d->generated_at = d->until + 6 * 3600 + 15 * 60;
	return d;
}

/* A domain with every day of the period, all zeros. */
static inline struct digest_domain *
fx_domain(struct digest *d, const char *name)
{
	struct digest_domain *dd;
	size_t ndays = (size_t)((d->until - d->since) / FX_DAY);

	d->domains = xrealloc(d->domains, (d->n + 1) * sizeof(*d->domains));
	dd = &d->domains[d->n++];
	memset(dd, 0, sizeof(*dd));
	dd->domain = xstrdup(name);
	dd->days = xcalloc(ndays ? ndays : 1, sizeof(*dd->days));
	dd->ndays = ndays;
	for (size_t i = 0; i < ndays; i++)
		dd->days[i].day = d->since + (int64_t)i * FX_DAY;
	dd->policy.pct = -1;
	dd->readiness.next_step_no = 1;
	return dd;
}

/* Sets the days' volumes and the period's totals from them. */
static inline void
fx_days(
    struct digest_domain *dd, const uint64_t *messages, const uint64_t *passed)
{
	dd->messages = dd->passed = 0;
	for (size_t i = 0; i < dd->ndays; i++) {
		dd->days[i].messages = messages[i];
		dd->days[i].passed = passed[i];
		dd->messages += messages[i];
		dd->passed += passed[i];
	}
}

static inline void
fx_prev(struct digest_domain *dd, uint64_t messages, uint64_t passed)
{
	dd->has_prev = 1;
	dd->prev_messages = messages;
	dd->prev_passed = passed;
}

static inline void
fx_policy(struct digest_domain *dd, const char *p, int pct, const char *testing,
    int64_t since)
{
	struct policy_state *ps = &dd->policy;

	ps->known = 1;
	snprintf(ps->p, sizeof(ps->p), "%s", p);
	ps->pct = pct;
	snprintf(ps->testing, sizeof(ps->testing), "%s", testing);
	snprintf(ps->adkim, sizeof(ps->adkim), "r");
	snprintf(ps->aspf, sizeof(ps->aspf), "r");
	ps->since = since;
	ps->reported_at = since + 30 * FX_DAY;
}

static inline void
fx_readiness(struct digest_domain *dd, int step, int ready,
    const char *policy_now, const char *next_step, const char *record)
{
	struct readiness *r = &dd->readiness;

	r->step_now = step;
	r->ready = ready;
	r->next_step_no = step < 4 ? step + 1 : -1;
	snprintf(r->policy_now, sizeof(r->policy_now), "%s", policy_now);
	snprintf(r->next_step, sizeof(r->next_step), "%s", next_step);
	snprintf(r->next_record, sizeof(r->next_record), "%s", record);
}

static inline void
fx_reason(struct digest_domain *dd, const char *code, int met, const char *text)
{
	struct readiness *r = &dd->readiness;
	struct readiness_reason *re;

	if (r->n_reasons >= READINESS_MAX_REASONS)
		return;
	re = &r->reasons[r->n_reasons++];
	re->code = code;
	re->met = met;
	snprintf(re->text, sizeof(re->text), "%s", text);
}

/* Appends a source; NULL service, ptr or cause stay NULL. */
static inline struct source *
fx_source(struct digest_sources *l, const char *ip, enum source_class cls,
    const char *service, const char *ptr, uint64_t messages, uint64_t passed,
    const char *cause, int64_t first, int64_t last)
{
	struct source *s;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->ip = xstrdup(ip);
	s->cls = cls;
	s->service = service ? xstrdup(service) : NULL;
	s->ptr = ptr ? xstrdup(ptr) : NULL;
	s->messages = messages;
	s->passed = passed;
	s->failed = messages - passed;
	s->cause = cause ? xstrdup(cause) : NULL;
	s->cause_messages = s->failed;
	s->reporters = 2;
	s->first_seen = first;
	s->last_seen = last;
	return s;
}

static inline void
fx_source_dkim(struct source *s, const char *dkim)
{
	s->dkim_domains =
	    xrealloc(s->dkim_domains, (s->n_dkim + 1) * sizeof(char *));
	s->dkim_domains[s->n_dkim++] = xstrdup(dkim);
}

static inline void
fx_reporter(struct digest_domain *dd, const char *name, uint64_t reports,
    uint64_t messages, const char *days, int silent)
{
	struct digest_reporter *r;

	dd->reporters = xrealloc(
	    dd->reporters, (dd->nreporters + 1) * sizeof(*dd->reporters));
	r = &dd->reporters[dd->nreporters++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->reports = reports;
	r->messages = messages;
	r->days = xstrdup(days);
	for (const char *p = days; *p != '\0'; p++)
		r->ndays_covered += *p == '1';
	r->silent = silent;
}

/* A DNS finding, strings as given (not made printable: the renderers
 * must cope). */
static inline void
fx_dns(struct digest_domain *dd, const char *id, enum dnscheck_status st,
    const char *subject, const char *text, const char *fix)
{
	struct dnscheck_finding *f;

	dd->dns_checked = 1;
	dd->dns.v = xrealloc(dd->dns.v, (dd->dns.n + 1) * sizeof(*dd->dns.v));
	dd->dns.cap = dd->dns.n + 1;
	f = &dd->dns.v[dd->dns.n++];
	f->id = id;
	f->status = st;
	f->subject = xstrdup(subject);
	f->text = xstrdup(text);
	f->fix = fix ? xstrdup(fix) : NULL;
}

static inline void
fx_refused(struct digest *d, int64_t input, const char *name,
    const char *reason, int64_t at)
{
	struct digest_refused *r;

	d->refused =
	    xrealloc(d->refused, (d->nrefused + 1) * sizeof(*d->refused));
	r = &d->refused[d->nrefused++];
	r->input = input;
	r->source_name = xstrdup(name);
	r->reason = xstrdup(reason);
	r->received_at = at;
}

static inline void
fx_foreign(struct digest *d, const char *domain, uint64_t messages)
{
	d->foreign =
	    xrealloc(d->foreign, (d->nforeign + 1) * sizeof(*d->foreign));
	d->foreign[d->nforeign].domain = xstrdup(domain);
	d->foreign[d->nforeign++].messages = messages;
	d->foreign_messages += messages;
}

/* ------------------------------------------------------------------------
 * The fixtures. */

static inline struct digest *
fx_realistic(void)
{
	static const uint64_t m1[7] = {1712, 1650, 1804, 1779, 1690, 802, 745};
	static const uint64_t p1[7] = {1660, 1602, 1751, 1630, 1640, 790, 733};
	static const uint64_t m2[7] = {40, 38, 0, 45, 41, 12, 9};
	static const uint64_t p2[7] = {40, 38, 0, 45, 41, 12, 9};
	struct digest *d = fx_new("week", FX_SINCE, 7);
	struct digest_domain *dd;
	struct source *s;

	dd = fx_domain(d, "example.com");
	fx_days(dd, m1, p1);
	fx_prev(dd, 9650, 9101);
	fx_policy(dd, "none", -1, "", FX_SINCE - 60 * FX_DAY);
	fx_readiness(dd, 0, 0, "p=none", "p=quarantine; t=y; pct=0",
	    "v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:dmarc@example.com");
	fx_reason(dd, "data", 1, "21 days with reports (14 needed)");
	fx_reason(dd, "pass_rate", 0,
	    "legitimate mail passes DMARC at 97.1% (98% needed)");
	fx_reason(dd, "sources", 0,
	    "SendGrid (192.0.2.25) fails 149 messages, 1.5% of all mail "
	    "(1% allowed)");
	fx_reason(dd, "new_sources", -1,
	    "1 new source in the last 7 days (198.51.100.7): set it up "
	    "before the next step");
	s = fx_source(&dd->failing_legit, "192.0.2.25", SOURCE_LEGITIMATE,
	    "SendGrid", "o1.ptr2410.sendgrid.net", 4210, 4061, "spf_unaligned",
	    FX_SINCE, FX_SINCE + 6 * FX_DAY + 3600);
	fx_source_dkim(s, "sendgrid.net");
	fx_source(&dd->failing_legit, "2001:db8:25::17", SOURCE_LEGITIMATE,
	    NULL, "mail-out.example.com", 2890, 2851, "dkim_fail", FX_SINCE,
	    FX_SINCE + 6 * FX_DAY);
	fx_source(&dd->failing_legit, "203.0.113.80", SOURCE_LEGITIMATE,
	    "Mailchimp", NULL, 640, 612, "dkim_unaligned", FX_SINCE + FX_DAY,
	    FX_SINCE + 5 * FX_DAY);
	dd->failing_legit.more = 3;
	fx_source(&dd->new_sources, "198.51.100.7", SOURCE_LEGITIMATE,
	    "Zendesk", "out7.zendesk.com", 112, 112, NULL,
	    FX_SINCE + 3 * FX_DAY + 7200, FX_SINCE + 6 * FX_DAY);
	fx_source(&dd->stopped, "192.0.2.99", SOURCE_LEGITIMATE, NULL,
	    "old-relay.example.com", 377, 377, NULL, FX_SINCE - 7 * FX_DAY,
	    FX_SINCE - 2 * FX_DAY + 3600);
	fx_source(&dd->spoofing, "203.0.113.66", SOURCE_SPOOFING, NULL,
	    "host66.bad.example", 96, 0, "auth_fail", FX_SINCE + FX_DAY,
	    FX_SINCE + 4 * FX_DAY);
	fx_source(&dd->spoofing, "198.51.100.201", SOURCE_UNKNOWN, "Amazon SES",
	    NULL, 41, 0, "spf_unaligned", FX_SINCE + 2 * FX_DAY,
	    FX_SINCE + 2 * FX_DAY);
	fx_reporter(dd, "google.com", 7, 6012, "1111111", 0);
	fx_reporter(dd, "Outlook.com", 6, 3120, "1101111", 0);
	fx_reporter(dd, "Yahoo", 4, 1049, "1011010", 0);
	fx_reporter(dd, "Mail.Ru", 0, 0, "0000000", 1);
	fx_dns(dd, "dmarc.record", DNSCHECK_PASS, "_dmarc.example.com",
	    "one DMARC record", NULL);
	fx_dns(dd, "dmarc.policy", DNSCHECK_WARN, "_dmarc.example.com",
	    "p=none: receivers only report, failing mail is delivered",
	    "move to p=quarantine when the reports show your mail passes");
	fx_dns(dd, "spf.record", DNSCHECK_PASS, "example.com", "one SPF record",
	    NULL);
	fx_dns(dd, "spf.lookups", DNSCHECK_FAIL, "example.com",
	    "12 DNS lookups, over the limit of 10: receivers return permerror",
	    "flatten includes you do not need; at most 10 lookups");
	fx_dns(dd, "dkim.record", DNSCHECK_PASS, "s1._domainkey.example.com",
	    "one key record", NULL);
	/* tests/db/test_tls.sh's reports, a week later: 1400 of 1520
	 * sessions succeeded (92.1%, rounded down). */
	{
		struct tls_summary *t = fx_tls(d, dd);

		fx_tls_day(t, "2026-11-10", 900, 100);
		fx_tls_day(t, "2026-11-11", 500, 20);
		fx_tls_mx(t, NULL, 64,
		    "sts-webpki-invalid, sts-policy-invalid, "
		    "sts-policy-fetch-error");
		fx_tls_mx(t, "mx2.example.com", 30,
		    "dane-required, dnssec-invalid, tlsa-invalid, "
		    "validation-failure, certificate-not-trusted");
		fx_tls_mx(t, "mx1.example.com", 26,
		    "certificate-expired, certificate-host-mismatch, "
		    "starttls-not-supported");
		fx_tls_type(t, "sts-webpki-invalid", 45, 0);
		fx_tls_type(t, "certificate-expired", 23, 1);
		fx_tls_type(t, "sts-policy-invalid", 10, 0);
		fx_tls_type(t, "sts-policy-fetch-error", 9, 0);
		fx_tls_type(t, "dane-required", 8, 1);
		fx_tls_type(t, "dnssec-invalid", 7, 1);
		fx_tls_type(t, "tlsa-invalid", 6, 1);
		fx_tls_type(t, "validation-failure", 5, 1);
		fx_tls_type(t, "certificate-not-trusted", 4, 1);
		fx_tls_type(t, "certificate-host-mismatch", 2, 1);
		fx_tls_type(t, "starttls-not-supported", 1, 1);
		fx_tls_reporter(t, "Example Receiver", 900, 100, "2026-11-10");
		fx_tls_reporter(t, "Other Receiver", 500, 20, "2026-11-11");
	}
	dd->failure_reports = 3;
	snprintf(dd->failure_latest, sizeof(dd->failure_latest), "2026-11-13");

	dd = fx_domain(d, "example.org");
	fx_days(dd, m2, p2);
	fx_policy(dd, "quarantine", -1, "", FX_SINCE - 90 * FX_DAY);
	fx_readiness(dd, 2, 1, "p=quarantine", "p=reject; t=y; pct=0",
	    "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:reports@example.org");
	fx_reason(dd, "data", 1, "15 days with reports (14 needed)");
	fx_reason(dd, "pass_rate", 1,
	    "legitimate mail passes DMARC at 100.0% (98% needed)");
	fx_reason(dd, "sources", 1, "no failing legitimate source");
	fx_reason(dd, "stable", 1, "p=quarantine for 90 days (7 needed)");
	fx_source(&dd->new_sources, "192.0.2.40", SOURCE_LEGITIMATE, NULL,
	    "mx.example.org", 185, 185, NULL, FX_SINCE, FX_SINCE + 6 * FX_DAY);
	fx_reporter(dd, "google.com", 6, 185, "1101111", 0);

	dd = fx_domain(d, "example.net");
	fx_prev(dd, 56, 50);
	fx_policy(dd, "none", -1, "", FX_SINCE - 30 * FX_DAY);
	fx_readiness(dd, 0, 0, "p=none", "p=quarantine; t=y; pct=0",
	    "v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:YOUR-ADDRESS");
	fx_reason(
	    dd, "data", 0, "0 days with reports in the period (14 needed)");
	/* Its latest report ended the day before the period. */
	dd->gap.empty = 1;
	snprintf(dd->gap.latest_day, sizeof(dd->gap.latest_day), "2026-11-08");
	snprintf(dd->gap.try_until, sizeof(dd->gap.try_until), "2026-11-09");
	fx_source(&dd->stopped, "198.51.100.30", SOURCE_LEGITIMATE, NULL,
	    "relay.example.net", 56, 50, "forwarded", FX_SINCE - 6 * FX_DAY,
	    FX_SINCE - FX_DAY);
	fx_reporter(dd, "google.com", 0, 0, "0000000", 1);

	/* At the last step, DNS all good. */
	dd = fx_domain(d, "example.edu");
	fx_days(dd, m2, p2);
	fx_prev(dd, 170, 170);
	fx_policy(dd, "reject", -1, "", FX_SINCE - 400 * FX_DAY);
	fx_readiness(dd, 4, 0, "p=reject", "", "");
	fx_reporter(dd, "google.com", 6, 185, "1101111", 0);
	fx_dns(dd, "dmarc.record", DNSCHECK_PASS, "_dmarc.example.edu",
	    "one DMARC record", NULL);
	fx_dns(dd, "spf.record", DNSCHECK_PASS, "example.edu", "one SPF record",
	    NULL);

	fx_refused(d, 4711, "INBOX uid 20931",
	    "cannot inflate attachment: invalid block type",
	    FX_SINCE + FX_DAY + 4 * 3600);
	fx_refused(d, 4790, "/var/spool/dmarc/report-7.xml",
	    "not a DMARC report: root element is <html>",
	    FX_SINCE + 3 * FX_DAY + 600);
	d->refused_more = 1;
	/* Reports about domains that are not the owner's. */
	fx_foreign(d, "paypa1-secure.example", 3);
	fx_foreign(d, "made-up.example", 1);
	d->foreign_more = 2;
	d->foreign_messages += 2;
	return d;
}

static inline struct digest *
fx_empty(void)
{
	return fx_new("week", FX_SINCE, 7);
}

static inline struct digest *
fx_first(void)
{
	static const uint64_t m[7] = {0, 0, 0, 10, 22, 18, 7};
	static const uint64_t p[7] = {0, 0, 0, 10, 20, 18, 7};
	struct digest *d = fx_new("week", FX_SINCE, 7);
	struct digest_domain *dd = fx_domain(d, "new.example");

	fx_days(dd, m, p);
	fx_policy(dd, "none", -1, "", FX_SINCE + 3 * FX_DAY);
	fx_readiness(dd, 0, 0, "p=none", "p=quarantine; t=y; pct=0",
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	fx_reason(dd, "data", 0, "4 days with reports (14 needed)");
	fx_source(&dd->new_sources, "192.0.2.1", SOURCE_LEGITIMATE, NULL,
	    "mail.new.example", 55, 55, NULL, FX_SINCE + 3 * FX_DAY,
	    FX_SINCE + 6 * FX_DAY);
	fx_source(&dd->spoofing, "203.0.113.9", SOURCE_SPOOFING, NULL, NULL, 2,
	    0, "no_auth", FX_SINCE + 4 * FX_DAY, FX_SINCE + 4 * FX_DAY);
	fx_reporter(dd, "google.com", 4, 57, "0001111", 0);
	return d;
}

static inline struct digest *
fx_nodata(void)
{
	struct digest *d = fx_new("30d", FX_SINCE, 30);
	struct digest_domain *dd = fx_domain(d, "quiet.example");

	dd->policy.known = 0;
	fx_readiness(dd, 0, 0, "p=none", "p=quarantine; t=y; pct=0", "");
	fx_reason(dd, "data", 0, "0 days with reports (14 needed)");
	return d;
}

/* After a step (tests/analysis/test_scenarios.sh 4, 11 and 10 as
 * readiness_judge() leaves them). */
static inline struct digest *
fx_steps(void)
{
	static const uint64_t m[7] = {1000, 1000, 1000, 1000, 1000, 1000, 1000};
	static const uint64_t p[7] = {1000, 1000, 1000, 1000, 1000, 1000, 1000};
	static const uint64_t mb[7] = {
	    1050, 1050, 1050, 1050, 1050, 1050, 1050};
	static const uint64_t pb[7] = {
	    1000, 1000, 1000, 1000, 1000, 1000, 1000};
	struct digest *d = fx_new("week", FX_SINCE, 7);
	struct digest_domain *dd;
	struct readiness *r;

	/* DNS publishes p=quarantine, receivers still report p=none. */
	dd = fx_domain(d, "ahead.example");
	fx_days(dd, m, p);
	fx_prev(dd, 7000, 7000);
	fx_policy(dd, "none", -1, "", FX_SINCE - 30 * FX_DAY);
	fx_readiness(dd, 2, 0, "p=none", "p=reject; t=y; pct=0",
	    "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:d@ahead.example");
	r = &dd->readiness;
	r->rollback_step = -1;
	r->step_reported = 0;
	r->step_published = 2;
	r->published_differs = 1;
	r->waiting = 1;
	snprintf(
	    r->policy_published, sizeof(r->policy_published), "p=quarantine");
	fx_reason(dd, "data", 1, "14 days with reports (needs 14)");
	fx_reason(dd, "stable", 0,
	    "p=quarantine is published, but receivers still report p=none "
	    "(latest report ends 2026-11-15; 0 of 1 reporter show the new "
	    "policy): wait until they have shown it for 7 days; not yet by "
	    "google.com");
	fx_reporter(dd, "google.com", 7, 7000, "1111111", 0);

	/* At p=reject, legitimate mail rejected since the step. */
	dd = fx_domain(d, "reject.example");
	fx_days(dd, mb, pb);
	fx_prev(dd, 7000, 7000);
	fx_policy(dd, "reject", -1, "", FX_SINCE);
	fx_readiness(dd, 4, 0, "p=reject", "", "");
	r = &dd->readiness;
	r->step_reported = 4;
	r->step_published = -1;
	r->rollback_step = 1;
	snprintf(r->rollback_record, sizeof(r->rollback_record),
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	fx_reason(dd, "watch", 0,
	    "receivers quarantined or rejected 350 messages of your "
	    "legitimate mail since the step on 2026-11-09 (7 days), 4.8% of "
	    "the mail that may be yours in those days (at most 1%): roll "
	    "back to p=quarantine; t=y; pct=0, which receivers apply as "
	    "p=none, until its senders pass");
	fx_reporter(dd, "google.com", 7, 7350, "1111111", 0);

	/* A step one reporter shows, losing mail: the rollback first. */
	dd = fx_domain(d, "back.example");
	fx_days(dd, mb, pb);
	fx_policy(dd, "quarantine", -1, "", FX_SINCE + 2 * FX_DAY);
	fx_readiness(dd, 2, 0, "p=quarantine", "p=reject; t=y; pct=0",
	    "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	r = &dd->readiness;
	r->step_reported = 2;
	r->step_published = -1;
	r->waiting = 1;
	r->rollback_step = 1;
	snprintf(r->rollback_record, sizeof(r->rollback_record),
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	fx_reason(dd, "stable", 0,
	    "p=quarantine has been reported for 5 days, since 2026-11-11, by "
	    "1 of 2 reporters (needs 7 days, every reporter): wait until the "
	    "others show it; shown by google.com; not yet by yahoo.com");
	fx_reason(dd, "watch", 0,
	    "receivers quarantined or rejected 250 messages of your "
	    "legitimate mail since the step on 2026-11-11 (5 days), 4.8% of "
	    "the mail that may be yours in those days (at most 1%): roll "
	    "back to p=quarantine; t=y; pct=0, which receivers apply as "
	    "p=none, until its senders pass");
	fx_reporter(dd, "google.com", 7, 5250, "1111111", 0);
	fx_reporter(dd, "yahoo.com", 7, 2100, "1111111", 0);
	return d;
}

/* 9,996 of 10,000 passed (99.96%): a rate that must show as 99.9, never
 * 100.0, in every format; the period before 9,950 of 10,000 (99.5). */
static inline struct digest *
fx_almost(void)
{
	static const uint64_t m[1] = {10000};
	static const uint64_t p[1] = {9996};
	struct digest *d = fx_new("1d", FX_SINCE, 1);
	struct digest_domain *dd = fx_domain(d, "almost.example");

	fx_days(dd, m, p);
	fx_prev(dd, 10000, 9950);
	return d;
}

/* Strings a stranger chooses: terminal escapes (CSI, OSC, C1), table and
 * code syntax, CSV and formula syntax, invalid UTF-8, bidirectional
 * overrides, and length. */
#define FX_ESC                                                                 \
	"\033]0;owned\007\033[2J\033[31mred\xc2\x9b"                           \
	"31m"
#define FX_MD                                                                  \
	"| a | `b` ``c`` # h * _u_ <b>x</b> &amp; [l](http://x) $m$ \\| \\"
#define FX_CSV "a,b\"c\r\nd"
#define FX_BAD                                                                 \
	"\xff\xfe\xc3(\xe2\x82 \xe2\x80\xae"                                   \
	"evil"

static inline char *
fx_long(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = xmalloc(len * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static inline struct digest *
fx_hostile(void)
{
	static const uint64_t m[3] = {UINT64_MAX / 4, 0, 5};
	static const uint64_t p[3] = {0, 0, 5};
	struct digest *d = fx_new("3d", FX_SINCE, 3);
	struct digest_domain *dd;
	char *longa = fx_long("x", 300), *longu = fx_long("\xc3\xa9", 300);
	char *longw = fx_long("word ", 80);

	dd = fx_domain(d, "#" FX_MD FX_ESC);
	fx_days(dd, m, p);
	fx_prev(dd, UINT64_MAX, 1);
	fx_policy(dd, "none\033[1m|`", 50, "y", FX_SINCE - FX_DAY);
	snprintf(dd->policy.sp, sizeof(dd->policy.sp), "=x,|\"");
	fx_readiness(dd, 1, 0, "p=quarantine; pct=0`|", "p=quarantine |`x`",
	    "v=DMARC1; p=quarantine; rua=mailto:```evil``` `x`\n# h | \033[2J");
	fx_reason(dd, "data", 0, FX_ESC FX_MD);
	fx_reason(dd, "new_sources", -1, FX_CSV FX_BAD);
	snprintf(dd->readiness.sp_advice, sizeof(dd->readiness.sp_advice), "%s",
	    "- sp=reject\n# x");
	fx_source(&dd->failing_legit, "=1+2", SOURCE_LEGITIMATE, FX_MD, FX_ESC,
	    UINT64_MAX, 0, "made_up_cause", INT64_MAX, -5);
	fx_source(&dd->failing_legit, longa, SOURCE_LEGITIMATE, longu, longw, 3,
	    1, "dkim_fail", FX_SINCE, FX_SINCE);
	fx_source(&dd->new_sources, "@SUM(A1)", SOURCE_UNKNOWN, FX_CSV, FX_BAD,
	    7, 7, NULL, FX_SINCE, FX_SINCE);
	fx_source(&dd->stopped, "-cmd", SOURCE_FORWARDER, "\tTab", "\rCR", 1, 1,
	    FX_CSV, 0, 0);
	fx_source(&dd->spoofing, "+x", SOURCE_SPOOFING, "`", "``", 9, 0,
	    "`no_auth`", FX_SINCE, FX_SINCE);
	dd->spoofing.more = SIZE_MAX / 2;
	fx_reporter(dd, FX_ESC, 1, 2, "1\033x", 0);
	fx_reporter(dd, FX_MD, 0, 0, "", 1);
	fx_reporter(dd, longu, 1, 1, "", 1);
	fx_reporter(dd, FX_CSV FX_BAD, 3, 3, "010", 0);
	/* Longer than a bar: a few days a column. */
	fx_reporter(dd, "long", 60, 60,
	    "111111000011111100001111110000111111000011111100001111110000"
	    "111111000011111100001111110000",
	    0);
	/* A flood of made-up reporter names, past those the digest names. */
	dd->reporters_more = 100000;
	dd->reporters_more_messages = UINT64_MAX / 2;
	fx_dns(dd, "dmarc.policy", DNSCHECK_FAIL, FX_ESC, FX_MD, FX_CSV);
	fx_dns(dd, "spf.record", DNSCHECK_DNSERROR, longa, FX_BAD, NULL);
	fx_dns(dd, "spf.all", DNSCHECK_WARN, "`|`", longw, longw);
	/* TLS reports whose strings a stranger chose, a day without a
	 * session, a type nobody knows. */
	{
		struct tls_summary *t = fx_tls(d, dd);

		fx_tls_day(t, "2026-11-09", UINT64_MAX / 4, 1);
		fx_tls_day(t, "2026-11-10", 0, 0);
		fx_tls_mx(t, FX_ESC FX_MD, UINT64_MAX / 8, FX_CSV FX_BAD);
		fx_tls_mx(t, longa, 1, longw);
		fx_tls_type(t, FX_MD FX_ESC, 1, 2);
		fx_tls_type(t, longu, 0, 0);
		fx_tls_reporter(t, FX_ESC, UINT64_MAX / 4, 1, "2026-11-10");
	}
	dd->failure_reports = UINT64_MAX;
	snprintf(dd->failure_latest, sizeof(dd->failure_latest), "2026-11-11");

	fx_refused(
	    d, INT64_MAX, FX_MD FX_ESC, FX_CSV "=HYPERLINK(\"x\")", INT64_MAX);
	fx_refused(d, -1, longu, longw, 0);
	d->refused_more = 7;
	fx_foreign(d, FX_MD FX_ESC, 1);
	fx_foreign(d, longa, UINT64_MAX - 1);
	free(longa);
	free(longu);
	free(longw);
	return d;
}

#endif
