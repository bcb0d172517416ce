/* Tests for analyze/dnscheck.c against a real dnsmasq serving
 * tests/dns/zone.conf: DMARC, SPF, DKIM, MX and PTR records, good and bad,
 * and DNS trouble reported as dnserror, never as "missing". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dmarc_record.h"
#include "dnscheck.h"
#include "err.h"
#include "orgdomain.h"
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dns;
static struct orgdomain *od;
static struct resolver *r;

static int
setup(void **state)
{
	struct err err;

	err_clear(&err);
	if (orgdomain_open(&od, NULL, &err) < 0 ||
	    resolve_new(&r, dns, 2000, 2, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	resolve_free(r);
	orgdomain_free(od);
	return 0;
}

static void
dump(const char *what, const struct dnscheck_list *l)
{
	size_t i;

	fprintf(stderr, "%s:\n", what);
	for (i = 0; i < l->n; i++)
		fprintf(stderr, "  %-13s %-8s %s: %s%s%s\n", l->v[i].id,
		    dnscheck_status_name(l->v[i].status), l->v[i].subject,
		    l->v[i].text, l->v[i].fix ? " | fix: " : "",
		    l->v[i].fix ? l->v[i].fix : "");
}

/* The status of the findings with id: the worst of them; -1 if none. */
static int
status_of(const struct dnscheck_list *l, const char *id)
{
	size_t i;
	int st = -1;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0 && (int)l->v[i].status > st)
			st = (int)l->v[i].status;
	}
	return st;
}

static void
expect(const char *what, const struct dnscheck_list *l, const char *id, int st)
{
	if (status_of(l, id) != st) {
		dump(what, l);
		fail_msg(
		    "%s: %s is %d, not %d", what, id, status_of(l, id), st);
	}
}

/* A finding with id whose text holds needle. */
static void
expect_text(const char *what, const struct dnscheck_list *l, const char *id,
    const char *needle)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0 &&
		    strstr(l->v[i].text, needle) != NULL)
			return;
	}
	dump(what, l);
	fail_msg("%s: no %s saying '%s'", what, id, needle);
}

/* Fixes are there for what did not pass. */
static void
expect_fixes(const char *what, const struct dnscheck_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].status == DNSCHECK_PASS && l->v[i].fix != NULL) {
			dump(what, l);
			fail_msg("%s: a pass with a fix", what);
		}
		if ((l->v[i].status == DNSCHECK_FAIL ||
		        l->v[i].status == DNSCHECK_DNSERROR) &&
		    l->v[i].fix == NULL) {
			dump(what, l);
			fail_msg("%s: a %s without a fix", what,
			    dnscheck_status_name(l->v[i].status));
		}
	}
}

static void
dmarc(const char *domain, struct dnscheck_list *l)
{
	struct err err;

	err_clear(&err);
	memset(l, 0, sizeof(*l));
	assert_int_equal(dnscheck_dmarc(r, od, domain, l, &err), 0);
	expect_fixes(domain, l);
}

static void
spf(const char *domain, struct dnscheck_list *l, struct dnscheck_spf **out)
{
	struct err err;

	err_clear(&err);
	memset(l, 0, sizeof(*l));
	assert_int_equal(dnscheck_spf(r, domain, l, out, &err), 0);
	expect_fixes(domain, l);
}

/* ------------------------------------------------------------------------
 * Everything right. */

static void
test_good(void **state)
{
	static const char *const sel[] = {"s2048", "ed"};
	static const char *const ips[] = {"192.0.2.10"};
	struct dnscheck_list l;
	struct dnscheck_spf *s;
	struct err err;

	dmarc("good.test", &l);
	if (l.n < 4 || dnscheck_worst(&l) != DNSCHECK_PASS) {
		dump("good.test dmarc", &l);
		fail();
	}
	expect("dmarc", &l, "dmarc.record", DNSCHECK_PASS);
	expect("dmarc", &l, "dmarc.policy", DNSCHECK_PASS);
	dnscheck_list_free(&l);

	spf("good.test", &l, &s);
	if (dnscheck_worst(&l) != DNSCHECK_PASS) {
		dump("good.test spf", &l);
		fail();
	}
	expect("spf", &l, "spf.record", DNSCHECK_PASS);
	expect("spf", &l, "spf.lookups", DNSCHECK_PASS);
	expect_text("spf", &l, "spf.lookups", "3 of 10");
	expect("spf", &l, "spf.all", DNSCHECK_PASS);
	assert_non_null(s);
	dnscheck_list_free(&l);
	dnscheck_spf_free(s);

	err_clear(&err);
	memset(&l, 0, sizeof(l));
	assert_int_equal(dnscheck_dkim(r, "good.test", sel, 2, &l, &err), 0);
	if (dnscheck_worst(&l) != DNSCHECK_PASS || l.n != 6) {
		dump("good.test dkim", &l);
		fail();
	}
	expect_text("dkim", &l, "dkim.key", "2048 bits");
	expect_text("dkim", &l, "dkim.key", "ed25519");
	assert_int_equal(dnscheck_mx(r, "good.test", &l, &err), 0);
	assert_int_equal(dnscheck_ptr(r, ips, 1, &l, &err), 0);
	if (dnscheck_worst(&l) != DNSCHECK_PASS) {
		dump("good.test dkim mx ptr", &l);
		fail();
	}
	expect("mx", &l, "mx.host", DNSCHECK_PASS);
	expect("ptr", &l, "ptr.fcrdns", DNSCHECK_PASS);
	expect_text("ptr", &l, "ptr.record", "mx1.good.test");
	dnscheck_list_free(&l);
}

/* The addresses good.test's SPF authorises, and the result for some. */
static void
test_spf_covers(void **state)
{
	static const struct {
		const char *ip;
		int result, uncertain;
	} cases[] = {
	    {"192.0.2.1", '+'},
	    {"192.0.2.127", '+'},
	    {"192.0.2.128", '-'}, /* outside /25 */
	    {"192.0.2.10", '+'}, /* mx */
	    {"203.0.113.5", '+'},
	    {"203.0.113.7", '+'}, /* a:out/30 */
	    {"203.0.113.8", '-'},
	    {"198.51.100.77", '+'}, /* include */
	    {"2001:db8:1::25", '+'},
	    {"2001:db8:2::25", '-'},
	    {"::ffff:192.0.2.1", '+'},
	    {"not an ip", 'e'},
	};
	struct dnscheck_list l;
	struct dnscheck_spf *s;
	const struct dnscheck_net *nets;
	size_t i, n;
	int unc;
	char all[512] = "";

	spf("good.test", &l, &s);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = dnscheck_spf_covers(s, cases[i].ip, &unc);

		if (got != cases[i].result || unc != cases[i].uncertain)
			fail_msg(
			    "%s: %c (uncertain %d)", cases[i].ip, got, unc);
	}
	nets = dnscheck_spf_networks(s, &n);
	for (i = 0; i < n; i++) {
		strcat(all, nets[i].text);
		strcat(all, " ");
	}
	assert_string_equal(all,
	    "192.0.2.0/25 2001:db8:1::/48 192.0.2.10/32 203.0.113.4/30 "
	    "198.51.100.0/24 ");
	assert_string_equal(nets[4].via, "_spf.good.test");
	dnscheck_spf_free(s);
	dnscheck_list_free(&l);

	/* Through redirect. */
	spf("redirect.test", &l, &s);
	expect("redirect", &l, "spf.all", DNSCHECK_PASS);
	assert_int_equal(dnscheck_spf_covers(s, "198.51.100.7", &unc), '+');
	assert_int_equal(dnscheck_spf_covers(s, "192.0.2.1", &unc), '-');
	dnscheck_spf_free(s);
	dnscheck_list_free(&l);

	/* exists and macros cannot be evaluated: uncertain. */
	spf("spf11.test", &l, &s);
	assert_int_equal(dnscheck_spf_covers(s, "192.0.2.99", &unc), '-');
	assert_int_equal(unc, 1);
	assert_int_equal(dnscheck_spf_covers(s, "198.51.100.20", &unc), '+');
	dnscheck_spf_free(s);
	dnscheck_list_free(&l);
	assert_int_equal(dnscheck_spf_covers(NULL, "192.0.2.1", NULL), 'e');
}

/* ------------------------------------------------------------------------
 * DMARC. */

static void
test_dmarc(void **state)
{
	struct dnscheck_list l;

	/* A subdomain without a record: the organizational domain's. */
	dmarc("mail.sub.good.test", &l);
	expect("sub", &l, "dmarc.record", DNSCHECK_PASS);
	expect_text("sub", &l, "dmarc.record", "_dmarc.good.test");
	expect("sub", &l, "dmarc.policy", DNSCHECK_PASS);
	dnscheck_list_free(&l);

	dmarc("two.test", &l);
	expect("two", &l, "dmarc.record", DNSCHECK_FAIL);
	expect_text("two", &l, "dmarc.record", "2 DMARC records");
	dnscheck_list_free(&l);

	dmarc("nospf.test", &l);
	expect("none", &l, "dmarc.record", DNSCHECK_FAIL);
	expect_text("none", &l, "dmarc.record", "does not exist");
	dnscheck_list_free(&l);

	dmarc("case.test", &l);
	expect("case", &l, "dmarc.record", DNSCHECK_FAIL);
	expect_text("case", &l, "dmarc.record", "exactly DMARC1");
	dnscheck_list_free(&l);

	dmarc("badsyntax.test", &l);
	expect("badsyntax", &l, "dmarc.record", DNSCHECK_PASS);
	expect("badsyntax", &l, "dmarc.syntax", DNSCHECK_FAIL);
	expect_text("badsyntax", &l, "dmarc.syntax", "p=maybe");
	expect_text("badsyntax", &l, "dmarc.syntax", "adkim=x");
	expect_text("badsyntax", &l, "dmarc.syntax", "fo=2");
	expect_text("badsyntax", &l, "dmarc.syntax", "unknown tag foo=");
	expect_text("badsyntax", &l, "dmarc.syntax", "p= appears more");
	expect_text("badsyntax", &l, "dmarc.syntax", "not mailto:");
	dnscheck_list_free(&l);

	dmarc("pct.test", &l);
	expect("pct", &l, "dmarc.retired", DNSCHECK_WARN);
	expect_text("pct", &l, "dmarc.retired", "pct=50");
	expect("pct", &l, "dmarc.syntax", DNSCHECK_PASS);
	dnscheck_list_free(&l);

	dmarc("none.test", &l);
	expect("p=none", &l, "dmarc.policy", DNSCHECK_WARN);
	expect("p=none", &l, "dmarc.rua", DNSCHECK_WARN);
	dnscheck_list_free(&l);

	/* External report addresses: authorised or not. */
	dmarc("ext.test", &l);
	expect("ext", &l, "dmarc.auth", DNSCHECK_FAIL);
	expect_text("ext", &l, "dmarc.auth", "reports.vendor.test");
	dnscheck_list_free(&l);

	dmarc("extok.test", &l);
	expect("extok", &l, "dmarc.auth", DNSCHECK_PASS);
	assert_int_equal(dnscheck_worst(&l), DNSCHECK_PASS);
	dnscheck_list_free(&l);
}

/* dmarc_lookup(): the record found, where, how many; the organizational
 * domain asked only when the domain has none of its own. */
static void
test_dmarc_lookup(void **state)
{
	struct dmarc_lookup l;
	struct dmarc_txt rec;
	struct err err;

	err_clear(&err);
	assert_int_equal(dmarc_lookup(r, od, "Good.Test.", &l, &err), 0);
	assert_string_equal(l.name, "_dmarc.good.test");
	assert_string_equal(l.org_name, "");
	assert_int_equal(l.count, 1);
	assert_int_equal(l.asked_org, 0);
	assert_int_equal(l.at_org, 0);
	assert_non_null(l.record);
	assert_int_equal(
	    dmarc_record_parse(l.record->text, l.record->len, &rec), 0);
	assert_int_equal(rec.pol.p, DMARC_REJECT);
	assert_int_equal(rec.pol.adkim, 's');
	dmarc_lookup_clear(&l);

	/* A subdomain without a record: the organizational domain's. */
	assert_int_equal(
	    dmarc_lookup(r, od, "mail.sub.good.test", &l, &err), 0);
	assert_string_equal(l.name, "_dmarc.mail.sub.good.test");
	assert_string_equal(l.org_name, "_dmarc.good.test");
	assert_int_equal(l.count, 0);
	assert_int_equal(l.asked_org, 1);
	assert_int_equal(l.org_count, 1);
	assert_int_equal(l.at_org, 1);
	assert_non_null(l.record);
	dmarc_lookup_clear(&l);

	/* Without od, the domain's own only. */
	assert_int_equal(
	    dmarc_lookup(r, NULL, "mail.sub.good.test", &l, &err), 0);
	assert_int_equal(l.asked_org, 0);
	assert_string_equal(l.org_name, "");
	assert_null(l.record);
	dmarc_lookup_clear(&l);

	/* Two records: none applies. */
	assert_int_equal(dmarc_lookup(r, od, "two.test", &l, &err), 0);
	assert_int_equal(l.count, 2);
	assert_null(l.record);
	dmarc_lookup_clear(&l);

	/* v=dmarc1: not a record, but near one. */
	assert_int_equal(dmarc_lookup(r, od, "case.test", &l, &err), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(l.near, 1);
	assert_null(l.record);
	dmarc_lookup_clear(&l);

	/* A record in two strings is one text. */
	assert_int_equal(dmarc_lookup(r, od, "drift.test", &l, &err), 0);
	assert_non_null(l.record);
	assert_int_equal(
	    dmarc_record_parse(l.record->text, l.record->len, &rec), 0);
	assert_int_equal(rec.pol.rua_len, strlen("mailto:d@drift.test"));
	dmarc_lookup_clear(&l);

	/* No name; DNS trouble: the organizational domain is not asked. */
	assert_int_equal(dmarc_lookup(r, od, "nospf.test", &l, &err), 0);
	assert_int_equal(l.own.status, RESOLVE_NXDOMAIN);
	assert_null(l.record);
	dmarc_lookup_clear(&l);
	assert_int_equal(dmarc_lookup(r, od, "x.servfail.test", &l, &err), 0);
	assert_true(resolve_status_trouble(l.own.status));
	assert_int_equal(l.asked_org, 0);
	assert_null(l.record);
	dmarc_lookup_clear(&l);

	assert_int_equal(
	    dmarc_lookup(r, od, "not a domain", &l, &err), ERR_USAGE);
	dmarc_lookup_clear(&l);
}

static void
test_dmarc_args(void **state)
{
	struct dnscheck_list l = {0};
	struct err err;

	err_clear(&err);
	assert_int_equal(
	    dnscheck_dmarc(r, od, "not a domain", &l, &err), ERR_USAGE);
	assert_int_equal(dnscheck_spf(r, "", &l, NULL, &err), ERR_USAGE);
	assert_int_equal(
	    dnscheck_mx(r, "caf\xc3\xa9.test", &l, &err), ERR_USAGE);
	assert_int_equal(dnscheck_dkim(r, NULL, NULL, 0, &l, &err), ERR_USAGE);
	assert_int_equal(l.n, 0);
}

/* ------------------------------------------------------------------------
 * SPF. */

static void
test_spf(void **state)
{
	static const struct {
		const char *domain, *id;
		int status;
		const char *text;
	} cases[] = {
	    {"spf11.test", "spf.lookups", DNSCHECK_FAIL, "11 DNS-querying"},
	    {"spf11.test", "spf.macro", DNSCHECK_WARN},
	    {"void.test", "spf.void", DNSCHECK_FAIL, "nx3.void.test"},
	    {"plusall.test", "spf.all", DNSCHECK_FAIL, "+all"},
	    {"qall.test", "spf.all", DNSCHECK_WARN, "?all"},
	    {"ptr.test", "spf.ptr", DNSCHECK_WARN, "deprecated"},
	    {"ptr.test", "spf.lookups", DNSCHECK_PASS, "1 of 10"},
	    {"redirect.test", "spf.lookups", DNSCHECK_PASS, "1 of 10"},
	    {"loop.test", "spf.loop", DNSCHECK_FAIL, "loop.test"},
	    {"nospf.test", "spf.record", DNSCHECK_FAIL, "no SPF record"},
	    {"nx.nowhere.test", "spf.record", DNSCHECK_FAIL, "does not exist"},
	    {"twospf.test", "spf.record", DNSCHECK_FAIL, "2 SPF records"},
	    {"incplus.test", "spf.all", DNSCHECK_FAIL, "plusall.test"},
	    {"incmiss.test", "spf.include", DNSCHECK_FAIL, "no SPF record"},
	    {"incfail.test", "spf.include", DNSCHECK_DNSERROR, "SERVFAIL"},
	    {"badspf.test", "spf.syntax", DNSCHECK_FAIL, "192.0.2.300"},
	    {"x.servfail.test", "spf.record", DNSCHECK_DNSERROR, "SERVFAIL"},
	    {"x.refused.test", "spf.record", DNSCHECK_DNSERROR, "REFUSED"},
	};
	struct dnscheck_list l;
	struct dnscheck_spf *s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spf(cases[i].domain, &l, &s);
		expect(cases[i].domain, &l, cases[i].id, cases[i].status);
		if (cases[i].text != NULL)
			expect_text(
			    cases[i].domain, &l, cases[i].id, cases[i].text);
		/* Trouble is never reported as a missing record. */
		if (strstr(cases[i].domain, "servfail") ||
		    strstr(cases[i].domain, "refused"))
			assert_int_equal(dnscheck_worst(&l), DNSCHECK_DNSERROR);
		dnscheck_spf_free(s);
		dnscheck_list_free(&l);
	}
}

/* ------------------------------------------------------------------------
 * DKIM. */

static void
test_dkim(void **state)
{
	static const char *const sel[] = {"k512", "k1024", "k1024raw", "k2048",
	    "revoked", "testing", "garbage", "nosuch", "bad sel"};
	struct dnscheck_list l = {0};
	struct err err;
	size_t i;
	int found[9] = {0};

	err_clear(&err);
	assert_int_equal(dnscheck_dkim(r, "dkim.test", sel, 9, &l, &err), 0);
	expect_fixes("dkim", &l);
	for (i = 0; i < l.n; i++) {
		const struct dnscheck_finding *f = &l.v[i];
		const char *s = f->subject;
		size_t k;

		for (k = 0; k < 9; k++) {
			size_t n = strlen(sel[k]);

			if (strncmp(s, sel[k], n) == 0 && s[n] == '.')
				break;
		}
		if (k == 8 && strcmp(f->id, "dkim.record") == 0 &&
		    f->status == DNSCHECK_FAIL)
			found[8]++;
		if (k >= 8)
			continue;
		if (strcmp(f->id, "dkim.key") == 0) {
			static const int want[] = {DNSCHECK_FAIL, DNSCHECK_WARN,
			    DNSCHECK_WARN, DNSCHECK_PASS, DNSCHECK_FAIL,
			    DNSCHECK_PASS, DNSCHECK_FAIL};

			if ((int)f->status != want[k]) {
				dump("dkim", &l);
				fail_msg("%s: key %s", sel[k],
				    dnscheck_status_name(f->status));
			}
			found[k]++;
		}
		if (strcmp(f->id, "dkim.testing") == 0) {
			assert_int_equal(k, 5);
			assert_int_equal(f->status, DNSCHECK_WARN);
			found[k]++;
		}
		if (strcmp(f->id, "dkim.record") == 0 &&
		    f->status == DNSCHECK_FAIL) {
			assert_int_equal(k, 7);
			found[k]++;
		}
	}
	for (i = 0; i < 9; i++) {
		if (found[i] != (i == 5 ? 2 : 1)) {
			dump("dkim", &l);
			fail_msg("selector %s: %d findings", sel[i], found[i]);
		}
	}
	expect_text("dkim", &l, "dkim.key", "512 bits");
	expect_text("dkim", &l, "dkim.key", "revoked");
	dnscheck_list_free(&l);

	/* Trouble. */
	assert_int_equal(
	    dnscheck_dkim(r, "x.servfail.test", sel, 1, &l, &err), 0);
	expect("dkim servfail", &l, "dkim.record", DNSCHECK_DNSERROR);
	assert_int_equal(dnscheck_worst(&l), DNSCHECK_DNSERROR);
	dnscheck_list_free(&l);
}

/* ------------------------------------------------------------------------
 * MX and PTR. */

static void
test_mx(void **state)
{
	struct dnscheck_list l = {0};
	struct err err;
	size_t i;
	int ghost = 0, mx1 = 0;

	err_clear(&err);
	assert_int_equal(dnscheck_mx(r, "nomx.test", &l, &err), 0);
	expect("nomx", &l, "mx.record", DNSCHECK_FAIL);
	expect_text("nomx", &l, "mx.record", "no MX records");
	dnscheck_list_free(&l);

	assert_int_equal(dnscheck_mx(r, "nxdomain.test", &l, &err), 0);
	expect_text("nx", &l, "mx.record", "does not exist");
	dnscheck_list_free(&l);

	assert_int_equal(dnscheck_mx(r, "nullmx.test", &l, &err), 0);
	expect("nullmx", &l, "mx.record", DNSCHECK_WARN);
	dnscheck_list_free(&l);

	assert_int_equal(dnscheck_mx(r, "badmx.test", &l, &err), 0);
	expect("badmx", &l, "mx.record", DNSCHECK_PASS);
	expect_fixes("badmx", &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].id, "mx.host") != 0)
			continue;
		if (strcmp(l.v[i].subject, "ghost.badmx.test") == 0 &&
		    l.v[i].status == DNSCHECK_FAIL)
			ghost++;
		if (strcmp(l.v[i].subject, "mx1.good.test") == 0 &&
		    l.v[i].status == DNSCHECK_PASS)
			mx1++;
	}
	if (ghost != 1 || mx1 != 1) {
		dump("badmx", &l);
		fail();
	}
	dnscheck_list_free(&l);

	assert_int_equal(dnscheck_mx(r, "x.servfail.test", &l, &err), 0);
	expect("mx servfail", &l, "mx.record", DNSCHECK_DNSERROR);
	dnscheck_list_free(&l);
}

static void
test_ptr(void **state)
{
	static const char *const ips[] = {"198.18.0.5", "203.0.113.9",
	    "203.0.113.10", "192.0.2.2", "192.0.2.99", "192.0.2.5"};
	struct dnscheck_list l = {0}, one;
	struct err err;
	size_t i, k;

	err_clear(&err);
	assert_int_equal(dnscheck_ptr(r, ips, 6, &l, &err), 0);
	expect_fixes("ptr", &l);
	for (i = 0; i < 6; i++) {
		memset(&one, 0, sizeof(one));
		for (k = 0; k < l.n; k++) {
			if (strcmp(l.v[k].subject, ips[i]) != 0)
				continue;
			if (one.n == one.cap) {
				one.cap = one.cap ? one.cap * 2 : 8;
				one.v =
				    realloc(one.v, one.cap * sizeof(*one.v));
			}
			one.v[one.n++] = l.v[k];
		}
		switch (i) {
		case 0: /* dyn-198-18-0-5.pool.isp.test */
			expect(ips[i], &one, "ptr.fcrdns", DNSCHECK_PASS);
			expect(ips[i], &one, "ptr.generic", DNSCHECK_WARN);
			break;
		case 1: /* static-203-0-113-9.isp.test */
			expect(ips[i], &one, "ptr.generic", DNSCHECK_PASS);
			break;
		case 2: /* host-203-0-113-10.isp.test */
			expect(ips[i], &one, "ptr.generic", DNSCHECK_WARN);
			break;
		case 3: /* liar.example.test */
			expect(ips[i], &one, "ptr.record", DNSCHECK_PASS);
			expect(ips[i], &one, "ptr.fcrdns", DNSCHECK_FAIL);
			break;
		case 4:
			expect(ips[i], &one, "ptr.record", DNSCHECK_FAIL);
			assert_int_equal(one.n, 1);
			break;
		case 5: /* a hostile name, shown escaped */
			expect(ips[i], &one, "ptr.fcrdns", DNSCHECK_FAIL);
			expect_text(ips[i], &one, "ptr.record",
			    "a\\010b.ev\\046il.test");
			break;
		}
		free(one.v);
	}
	dnscheck_list_free(&l);

	assert_int_equal(
	    dnscheck_ptr(
	        r, (const char *const[]){"192.0.2.1", "x"}, 2, &l, &err),
	    ERR_USAGE);
	assert_int_equal(l.n, 0);
}

/* ------------------------------------------------------------------------
 * The server down: every check says dnserror, none says "missing". */

static void
harness(const char *what)
{
	const char *h = getenv("DMARCSIFT_TEST_DNSMASQ");
	const char *dir = getenv("DNSMASQ_DIR");
	char cmd[1024];

	assert_non_null(h);
	assert_non_null(dir);
	snprintf(cmd, sizeof(cmd), "'%s' %s '%s'", h, what, dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_server_down(void **state)
{
	static const char *const sel[] = {"s2048"};
	static const char *const ips[] = {"192.0.2.10"};
	struct resolver *quick;
	struct dnscheck_list l = {0};
	struct dnscheck_spf *s;
	struct err err;
	size_t i;

	err_clear(&err);
	assert_int_equal(resolve_new(&quick, dns, 200, 1, &err), 0);
	harness("stop-server");
	assert_int_equal(dnscheck_dmarc(quick, od, "good.test", &l, &err), 0);
	assert_int_equal(dnscheck_spf(quick, "good.test", &l, &s, &err), 0);
	assert_null(s);
	assert_int_equal(
	    dnscheck_dkim(quick, "good.test", sel, 1, &l, &err), 0);
	assert_int_equal(dnscheck_mx(quick, "good.test", &l, &err), 0);
	assert_int_equal(dnscheck_ptr(quick, ips, 1, &l, &err), 0);
	harness("start-server");
	for (i = 0; i < l.n; i++) {
		if (l.v[i].status != DNSCHECK_DNSERROR ||
		    strstr(l.v[i].text, "timeout") == NULL) {
			dump("server down", &l);
			fail();
		}
	}
	expect("down", &l, "dmarc.record", DNSCHECK_DNSERROR);
	expect("down", &l, "spf.record", DNSCHECK_DNSERROR);
	expect("down", &l, "dkim.record", DNSCHECK_DNSERROR);
	expect("down", &l, "mx.record", DNSCHECK_DNSERROR);
	expect("down", &l, "ptr.record", DNSCHECK_DNSERROR);
	expect_fixes("down", &l);
	dnscheck_list_free(&l);
	resolve_free(quick);

	/* SERVFAIL and REFUSED name themselves. */
	dmarc("x.servfail.test", &l);
	expect("servfail", &l, "dmarc.record", DNSCHECK_DNSERROR);
	expect_text("servfail", &l, "dmarc.record", "SERVFAIL");
	dnscheck_list_free(&l);
	dmarc("x.refused.test", &l);
	expect_text("refused", &l, "dmarc.record", "REFUSED");
	dnscheck_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_spf_covers),
	    cmocka_unit_test(test_dmarc),
	    cmocka_unit_test(test_dmarc_lookup),
	    cmocka_unit_test(test_dmarc_args),
	    cmocka_unit_test(test_spf),
	    cmocka_unit_test(test_dkim),
	    cmocka_unit_test(test_mx),
	    cmocka_unit_test(test_ptr),
	    cmocka_unit_test(test_server_down),
	};

	dns = getenv("DMARCSIFT_TEST_DNS");
	if (dns == NULL || *dns == '\0') {
		fprintf(stderr,
		    "DMARCSIFT_TEST_DNS is not set: run me"
		    " through tests/harness/dnsmasq run\n");
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
