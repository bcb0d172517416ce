/*
 * digest_fixture_html: digests built by hand for the HTML report's tests
 * (tests/unit/test_digest_html.c) and for the program that writes the
 * fixture for the browser test (tests/reports/write_fixture_html.c).
 *
 * Every fixture is allocated here and released with fixture_html_free(),
 * which frees exactly what these functions allocate (not digest_free():
 * the tests do not depend on how analyze/digest.c allocates).
 */
#ifndef DMARCSIFT_DIGEST_FIXTURE_HTML_H
#define DMARCSIFT_DIGEST_FIXTURE_HTML_H

#include "digest.h"
#include "dnscheck.h"
#include "tls_fixture.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2024-11-04 .. 2024-11-10, generated 2024-11-11 06:00 UTC. */
#define FIXTURE_SINCE INT64_C(1730678400)
#define FIXTURE_UNTIL INT64_C(1731283200)
#define FIXTURE_PREV INT64_C(1730073600)
#define FIXTURE_GENERATED INT64_C(1731304800)
#define FIXTURE_DAY INT64_C(86400)

static inline char *
fixture_str(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static inline void
fixture_source(struct source *s, const char *ip, enum source_class cls,
    const char *service, const char *ptr, uint64_t messages, uint64_t passed,
    const char *cause)
{
	memset(s, 0, sizeof(*s));
	s->ip = fixture_str(ip);
	s->cls = cls;
	s->service = fixture_str(service);
	s->ptr = fixture_str(ptr);
	s->messages = messages;
	s->passed = passed;
	s->failed = messages >= passed ? messages - passed : 0;
	s->cause = fixture_str(cause);
	s->cause_messages = s->failed;
	s->reporters = 2;
	s->first_seen = FIXTURE_SINCE;
	s->last_seen = FIXTURE_UNTIL - FIXTURE_DAY;
}

/* Sets a source's DKIM (or SPF) domains, n of them. */
static inline void
fixture_domains(char ***v, size_t *nv, const char *const *names, size_t n)
{
	*v = xcalloc(n, sizeof(**v));
	for (size_t i = 0; i < n; i++)
		(*v)[i] = xstrdup(names[i]);
	*nv = n;
}

static inline struct source *
fixture_sources(struct digest_sources *l, size_t n, size_t more)
{
	l->v = n ? xcalloc(n, sizeof(*l->v)) : NULL;
	l->n = n;
	l->more = more;
	return l->v;
}

static inline void
fixture_reporter(struct digest_reporter *r, const char *name, uint64_t reports,
    uint64_t messages, const char *days, int silent)
{
	r->name = fixture_str(name);
	r->reports = reports;
	r->messages = messages;
	r->days = fixture_str(days);
	r->ndays_covered = 0;
	for (const char *p = days; *p != '\0'; p++)
		r->ndays_covered += *p == '1';
	r->silent = silent;
}

static inline void
fixture_reason(struct readiness *r, const char *code, int met, const char *text)
{
	struct readiness_reason *x = &r->reasons[r->n_reasons++];

	x->code = code;
	x->met = met;
	snprintf(x->text, sizeof(x->text), "%s", text);
}

/* Days from FIXTURE_SINCE with the given messages and passes. */
static inline void
fixture_days(struct digest_domain *dd, size_t n, const uint64_t *messages,
    const uint64_t *passed)
{
	dd->days = xcalloc(n, sizeof(*dd->days));
	dd->ndays = n;
	for (size_t i = 0; i < n; i++) {
		dd->days[i].day = FIXTURE_SINCE + (int64_t)i * FIXTURE_DAY;
		dd->days[i].messages = messages ? messages[i] : 0;
		dd->days[i].passed = passed ? passed[i] : 0;
		dd->messages += dd->days[i].messages;
		dd->passed += dd->days[i].passed;
	}
}

static inline struct digest *
fixture_digest(size_t ndomains)
{
	struct digest *d = xcalloc(1, sizeof(*d));

	snprintf(d->period, sizeof(d->period), "week");
	d->since = FIXTURE_SINCE;
	d->until = FIXTURE_UNTIL;
	d->prev_since = FIXTURE_PREV;
	d->generated_at = FIXTURE_GENERATED;
	d->n = ndomains;
	d->domains = ndomains ? xcalloc(ndomains, sizeof(*d->domains)) : NULL;
	return d;
}

static inline void
fixture_policy(struct digest_domain *dd, const char *p, int step)
{
	dd->policy.known = 1;
	snprintf(dd->policy.p, sizeof(dd->policy.p), "%s", p);
	dd->policy.pct = -1;
	dd->policy.since = FIXTURE_SINCE - 41 * FIXTURE_DAY;
	dd->policy.reported_at = FIXTURE_UNTIL;
	dd->readiness.step_now = step;
	snprintf(dd->readiness.policy_now, sizeof(dd->readiness.policy_now),
	    "p=%s", p);
}

/* example.com: a week of mail, a policy on its way to reject, every list
 * filled, DNS checked. */
static inline void
fixture_html_example_com(struct digest_domain *dd)
{
	static const uint64_t msgs[] = {
	    4210, 3980, 4420, 4105, 3876, 1620, 1540};
	static const uint64_t pass[] = {
	    4105, 3902, 4350, 4011, 3810, 1598, 1519};
	static const char *const sg_dkim[] = {"sendgrid.net"};
	static const char *const sg_spf[] = {"em4821.shop-news.test"};
	static const char *const sp_spf[] = {"example.com"};
	struct readiness *r = &dd->readiness;
	struct source *s;

	dd->domain = xstrdup("example.com");
	fixture_days(dd, 7, msgs, pass);
	dd->has_prev = 1;
	dd->prev_messages = 22930;
	dd->prev_passed = 22390;

	fixture_policy(dd, "quarantine", 2);
	r->ready = 0;
	snprintf(r->next_step, sizeof(r->next_step), "p=reject; t=y; pct=0");
	r->next_step_no = 3;
	snprintf(r->next_record, sizeof(r->next_record),
	    "v=DMARC1; p=reject; t=y; pct=0; "
	    "rua=mailto:dmarc-reports@example.com; adkim=r; aspf=r");
	fixture_reason(r, "data", 1, "28 days with reports (needs 14)");
	fixture_reason(r, "pass_rate", 0,
	    "legitimate mail passes DMARC at 97.9% (needs 98%)");
	fixture_reason(r, "sources", 0,
	    "203.0.113.25 (Mailchimp) has 1.7% of all mail and fails "
	    "(at most 1%)");
	fixture_reason(
	    r, "stable", 1, "p=quarantine reported for 41 days (needs 7)");
	fixture_reason(r, "new_sources", -1,
	    "1 new source in the last 7 days (Zendesk): set it up first");
	snprintf(r->np_advice, sizeof(r->np_advice),
	    "214 messages came from subdomains that do not exist: np=reject "
	    "would stop them");

	s = fixture_sources(&dd->failing_legit, 3, 0);
	fixture_source(&s[0], "203.0.113.25", SOURCE_LEGITIMATE, "Mailchimp",
	    "mail25.mcsv.net", 398, 12, "dkim_unaligned");
	fixture_source(&s[1], "192.0.2.10", SOURCE_LEGITIMATE, NULL,
	    "mx1.example.com", 14230, 14150, "dkim_fail");
	fixture_source(&s[2], "2001:db8:4::1b", SOURCE_LEGITIMATE,
	    "Google Workspace", "mail-ej1-x62b.google.test", 5400, 5361,
	    "forwarded");

	s = fixture_sources(&dd->new_sources, 1, 0);
	fixture_source(&s[0], "198.51.100.77", SOURCE_LEGITIMATE, "Zendesk",
	    "out-77.smtp.zendesk.test", 120, 118, "spf_unaligned");
	s[0].first_seen = FIXTURE_UNTIL - 3 * FIXTURE_DAY;

	s = fixture_sources(&dd->stopped, 1, 0);
	fixture_source(&s[0], "192.0.2.99", SOURCE_LEGITIMATE, NULL,
	    "old-relay.example.com", 340, 338, NULL);
	s[0].last_seen = FIXTURE_SINCE - 3 * FIXTURE_DAY;

	s = fixture_sources(&dd->spoofing, 3, 4);
	fixture_source(&s[0], "185.220.101.4", SOURCE_SPOOFING, NULL, NULL, 412,
	    0, "no_auth");
	fixture_source(&s[1], "45.140.17.9", SOURCE_UNKNOWN, "SendGrid",
	    "o1.ptr9161.sendgrid.test", 96, 0, "dkim_unaligned");
	fixture_domains(&s[1].dkim_domains, &s[1].n_dkim, sg_dkim, 1);
	fixture_domains(&s[1].spf_domains, &s[1].n_spf, sg_spf, 1);
	fixture_source(&s[2], "198.18.0.55", SOURCE_SPOOFING, NULL,
	    "dynamic-198-18-0-55.pool.test", 40, 0, "auth_fail");
	fixture_domains(&s[2].spf_domains, &s[2].n_spf, sp_spf, 1);

	dd->nreporters = 5;
	dd->reporters = xcalloc(5, sizeof(*dd->reporters));
	fixture_reporter(
	    &dd->reporters[0], "google.com", 7, 14900, "1111111", 0);
	fixture_reporter(&dd->reporters[1], "Yahoo", 6, 5210, "1111101", 0);
	fixture_reporter(
	    &dd->reporters[2], "Enterprise Outlook", 7, 3440, "1111111", 0);
	fixture_reporter(&dd->reporters[3], "Mail.Ru", 3, 201, "1010100", 0);
	fixture_reporter(&dd->reporters[4], "comcast.net", 0, 0, "0000000", 1);

	dd->dns_checked = 1;
	dnscheck_add(&dd->dns, "dmarc.record", DNSCHECK_PASS,
	    "_dmarc.example.com", NULL, "one DMARC record");
	dnscheck_add(&dd->dns, "dmarc.rua", DNSCHECK_PASS, "_dmarc.example.com",
	    NULL, "aggregate reports go to dmarc-reports@example.com");
	dnscheck_add(&dd->dns, "spf.record", DNSCHECK_PASS, "example.com", NULL,
	    "one SPF record");
	dnscheck_add(&dd->dns, "spf.lookups", DNSCHECK_WARN, "example.com",
	    "remove includes of services you no longer use",
	    "9 DNS lookups of the 10 allowed");
	dnscheck_add(&dd->dns, "dkim.key", DNSCHECK_WARN,
	    "s1._domainkey.example.com",
	    "publish a 2048-bit RSA key under a new selector and switch to it",
	    "RSA key of 1024 bits");
	dnscheck_add(&dd->dns, "mx.record", DNSCHECK_PASS, "example.com", NULL,
	    "2 MX records");
}

/* example.org: reports last week, none this week. */
static inline void
fixture_html_example_org(struct digest_domain *dd)
{
	struct source *s;

	dd->domain = xstrdup("example.org");
	fixture_days(dd, 7, NULL, NULL);
	dd->has_prev = 1;
	dd->prev_messages = 1200;
	dd->prev_passed = 1190;
	fixture_policy(dd, "none", 0);
	snprintf(dd->readiness.next_step, sizeof(dd->readiness.next_step),
	    "p=quarantine; t=y; pct=0");
	dd->readiness.next_step_no = 1;
	s = fixture_sources(&dd->stopped, 1, 0);
	fixture_source(&s[0], "192.0.2.10", SOURCE_LEGITIMATE, NULL,
	    "mx1.example.com", 1200, 1190, "dkim_fail");
	dd->nreporters = 1;
	dd->reporters = xcalloc(1, sizeof(*dd->reporters));
	fixture_reporter(&dd->reporters[0], "google.com", 0, 0, "0000000", 1);
}

static inline void
fixture_refused(struct digest *d)
{
	d->nrefused = 2;
	d->refused_more = 0;
	d->refused = xcalloc(2, sizeof(*d->refused));
	d->refused[0].input = 1042;
	d->refused[0].source_name = xstrdup("imap:INBOX UID 4711");
	d->refused[0].reason =
	    xstrdup("cannot inflate attachment: invalid block type");
	d->refused[0].received_at = INT64_C(1730880720);
	d->refused[1].input = 1050;
	d->refused[1].source_name =
	    xstrdup("/var/spool/dmarc/report-8f2c.xml.gz");
	d->refused[1].reason =
	    xstrdup("not an aggregate report: root element is <html>");
	d->refused[1].received_at = INT64_C(1731087600);
}

/* The realistic digest: two domains and refused inputs; the golden file
 * and the screenshot come from it. */
static inline struct digest *
fixture_html_normal(void)
{
	struct digest *d = fixture_digest(2);

	struct tls_summary *t;

	fixture_html_example_com(&d->domains[0]);
	fixture_html_example_org(&d->domains[1]);
	fixture_refused(d);
	/* example.com's SMTP TLS reports: 3 days of 7, 8,980 of 9,000
	 * sessions (99.7%, rounded down); its failure reports. */
	t = fx_tls(d, &d->domains[0]);
	fx_tls_day(t, "2024-11-04", 3000, 0);
	fx_tls_day(t, "2024-11-06", 2990, 10);
	fx_tls_day(t, "2024-11-09", 2990, 10);
	fx_tls_mx(t, "mx2.example.com", 12,
	    "certificate-expired, starttls-not-supported");
	fx_tls_mx(t, NULL, 8, "sts-policy-fetch-error");
	fx_tls_type(t, "certificate-expired", 10, 1);
	fx_tls_type(t, "sts-policy-fetch-error", 8, 0);
	fx_tls_type(t, "starttls-not-supported", 2, 1);
	fx_tls_reporter(t, "google.com", 8980, 20, "2024-11-09");
	d->domains[0].failure_reports = 2;
	snprintf(d->domains[0].failure_latest,
	    sizeof(d->domains[0].failure_latest), "2024-11-08");
	return d;
}

/* No domain at all. */
static inline struct digest *
fixture_html_empty(void)
{
	return fixture_digest(0);
}

/* One domain in its first period: no previous period to compare with. */
static inline struct digest *
fixture_html_first(void)
{
	struct digest *d = fixture_digest(1);

	fixture_html_example_com(&d->domains[0]);
	d->domains[0].has_prev = 0;
	d->domains[0].prev_messages = 0;
	d->domains[0].prev_passed = 0;
	return d;
}

/* One domain without any report, before or now, and nothing else. */
static inline struct digest *
fixture_html_nodata(void)
{
	struct digest *d = fixture_digest(1);

	d->domains[0].domain = xstrdup("quiet.example");
	fixture_days(&d->domains[0], 7, NULL, NULL);
	return d;
}

/* Values at the edge: counts near UINT64_MAX, days of zero, a day where
 * passed exceeds messages (bad data), and a day with all failing. */
static inline struct digest *
fixture_html_huge(void)
{
	static const uint64_t msgs[] = {
	    UINT64_MAX, 0, UINT64_MAX - 1, 7, UINT64_MAX / 2, 0, 1};
	static const uint64_t pass[] = {
	    UINT64_MAX - 5, 0, 3, UINT64_MAX, 0, 0, 1};
	struct digest *d = fixture_digest(1);
	struct digest_domain *dd = &d->domains[0];
	struct source *s;

	dd->domain = xstrdup("huge.example");
	fixture_days(dd, 7, msgs, pass);
	/* The sums above wrapped; say what a database would. */
	dd->messages = UINT64_MAX;
	dd->passed = UINT64_MAX - 2;
	dd->has_prev = 1;
	dd->prev_messages = 1;
	dd->prev_passed = 0;
	fixture_policy(dd, "reject", 4);
	dd->readiness.next_step_no = -1;
	s = fixture_sources(&dd->failing_legit, 2, SIZE_MAX);
	fixture_source(&s[0], "192.0.2.1", SOURCE_LEGITIMATE, NULL, NULL,
	    UINT64_MAX, 0, "auth_fail");
	fixture_source(&s[1], "192.0.2.2", SOURCE_LEGITIMATE, NULL, NULL, 1, 0,
	    "auth_fail");
	s = fixture_sources(&dd->spoofing, 1, 0);
	fixture_source(&s[0], "192.0.2.3", SOURCE_SPOOFING, NULL, NULL,
	    UINT64_MAX - 1, 0, "no_auth");
	dd->nreporters = 1;
	dd->reporters = xcalloc(1, sizeof(*dd->reporters));
	fixture_reporter(
	    &dd->reporters[0], "big", UINT64_MAX, UINT64_MAX, "1010101", 0);
	return d;
}

/* 9,996 of 10,000 passed on the first day (99.96%), 9,950 of 10,000 the
 * period before: a rate that must show as 99.9%, never 100%, and 4 failed
 * that must show as 0.1%, never 0%. */
static inline struct digest *
fixture_html_almost(void)
{
	static const uint64_t msgs[] = {10000, 0, 0, 0, 0, 0, 0};
	static const uint64_t pass[] = {9996, 0, 0, 0, 0, 0, 0};
	struct digest *d = fixture_digest(1);
	struct digest_domain *dd = &d->domains[0];

	dd->domain = xstrdup("almost.example");
	fixture_days(dd, 7, msgs, pass);
	dd->has_prev = 1;
	dd->prev_messages = 10000;
	dd->prev_passed = 9950;
	fixture_policy(dd, "none", 0);
	dd->readiness.next_step_no = 1;
	return d;
}

/* A name of 300 characters. */
#define FIXTURE_LONG_LEN 300

/*
 * Strangers' strings everywhere: markup, quotes, control characters,
 * bidirectional overrides, invalid UTF-8, very long names, and valid
 * UTF-8 that must survive.
 */
static inline struct digest *
fixture_html_hostile(void)
{
	static const char *const dkim[] = {"<script>alert('d')</script>",
	    "x\x1b[31m.test", "a\"b.test", "c'd.test", "e&f.test"};
	char long_name[FIXTURE_LONG_LEN + 1];
	struct digest *d = fixture_digest(1);
	struct digest_domain *dd = &d->domains[0];
	struct readiness *r = &dd->readiness;
	struct source *s;

	memset(long_name, 'L', FIXTURE_LONG_LEN);
	long_name[FIXTURE_LONG_LEN] = '\0';
	snprintf(d->period, sizeof(d->period), "<script>x");
	dd->domain = xstrdup("<script>alert(1)</script>.test");
	fixture_days(dd, 3, (const uint64_t[]){10, 20, 30},
	    (const uint64_t[]){5, 20, 0});
	dd->has_prev = 1;
	dd->prev_messages = 60;
	dd->prev_passed = 59;

	fixture_policy(dd, "none", 0);
	snprintf(r->policy_now, sizeof(r->policy_now), "p=<script>none");
	snprintf(r->next_step, sizeof(r->next_step), "p=\"quarantine\"");
	r->next_step_no = 1;
	snprintf(r->next_record, sizeof(r->next_record),
	    "v=DMARC1; p=quarantine; rua=mailto:<script>@x.test\x07");
	fixture_reason(r, "data", 0, "<script>alert('reason')</script>");
	snprintf(r->sp_advice, sizeof(r->sp_advice), "sp=\x1b[2J<b>bold</b>");

	s = fixture_sources(&dd->failing_legit, 2, 0);
	fixture_source(&s[0], "<script>1", SOURCE_LEGITIMATE,
	    "Sch\xc3\xb6n & \"Gut\" \xe2\x80\xae"
	    "evil",
	    long_name, 10, 5, "<script>cause");
	fixture_source(&s[1], "192.0.2.7", SOURCE_LEGITIMATE,
	    "\xff\xfe bad utf-8 \xc3", "\xe6\x97\xa5\xe6\x9c\xac.test", 4, 1,
	    NULL);
	s = fixture_sources(&dd->spoofing, 1, 0);
	fixture_source(&s[0], "198.51.100.1", SOURCE_SPOOFING, "\r\n<svg>",
	    "ptr\x7f\xc2\x9b.test", 30, 0, "no_auth");
	fixture_domains(&s[0].dkim_domains, &s[0].n_dkim, dkim, 5);
	s = fixture_sources(&dd->new_sources, 1, 0);
	fixture_source(&s[0], "2001:db8::<x>", SOURCE_UNKNOWN, long_name, NULL,
	    1, 0, NULL);
	s = fixture_sources(&dd->stopped, 1, 0);
	fixture_source(&s[0], "192.0.2.8", SOURCE_FORWARDER, NULL, "a]]>b.test",
	    1, 1, NULL);

	dd->nreporters = 3;
	dd->reporters = xcalloc(3, sizeof(*dd->reporters));
	fixture_reporter(
	    &dd->reporters[0], "<script>alert('r')</script>", 1, 60, "1<1", 0);
	fixture_reporter(&dd->reporters[1], long_name, 1, 1, "001", 0);
	fixture_reporter(&dd->reporters[2], "</p><script>", 0, 0, "000", 1);

	dd->dns_checked = 1;
	dnscheck_add(&dd->dns, "spf.record", DNSCHECK_FAIL, "<script>.test",
	    "<script>fix</script>", "%s", "no \"record\" & <");
	dnscheck_add(&dd->dns, "mx.record", DNSCHECK_DNSERROR, "x.test", NULL,
	    "timeout");

	d->nrefused = 1;
	d->refused = xcalloc(1, sizeof(*d->refused));
	d->refused[0].source_name = xstrdup("<script>src=http://x.test/");
	d->refused[0].reason = xstrdup("bad \x01\x02 <img src=x>");
	d->refused[0].received_at = INT64_MAX; /* no date for it */
	d->refused_more = 3;
	{
		struct tls_summary *t = fx_tls(d, dd);

		fx_tls_day(t, "2024-11-05", 1, 1);
		fx_tls_mx(t, "<script>mx</script>", 1, "<b>type</b>");
		fx_tls_mx(t, long_name, 1, "\x1b[2J");
		fx_tls_type(t, "<script>alert('t')</script>", 1, 1);
		fx_tls_reporter(t, "<script>", 1, 1, "2024-11-05");
	}
	return d;
}

static inline void
fixture_sources_free(struct digest_sources *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct source *s = &l->v[i];

		for (size_t k = 0; k < s->n_dkim; k++)
			free(s->dkim_domains[k]);
		for (size_t k = 0; k < s->n_spf; k++)
			free(s->spf_domains[k]);
		free(s->dkim_domains);
		free(s->spf_domains);
		free(s->ip);
		free(s->service);
		free(s->ptr);
		free(s->cause);
	}
	free(l->v);
}

static inline void
fixture_html_free(struct digest *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct digest_domain *dd = &d->domains[i];

		free(dd->domain);
		tls_summary_free(dd->tls);
		free(dd->days);
		fixture_sources_free(&dd->failing_legit);
		fixture_sources_free(&dd->new_sources);
		fixture_sources_free(&dd->stopped);
		fixture_sources_free(&dd->spoofing);
		for (size_t k = 0; k < dd->nreporters; k++) {
			free(dd->reporters[k].name);
			free(dd->reporters[k].days);
		}
		free(dd->reporters);
		dnscheck_list_free(&dd->dns);
	}
	free(d->domains);
	for (size_t i = 0; i < d->nrefused; i++) {
		free(d->refused[i].source_name);
		free(d->refused[i].reason);
	}
	free(d->refused);
	free(d);
}

#endif
