/* Unit tests for the parsers of mail sent to a domain, with no DNS server
 * nor HTTPS server: TLS reporting records (RFC 8460), MTA-STS records and
 * policy files (RFC 8461) with their mx patterns, and TLSA records as
 * resolve.h writes them (RFC 6698, RFC 7672); well formed and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnscheck.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* The findings of l with id, as "status" words joined by ' ', and each
 * finding printable. */
static void
statuses(const struct dnscheck_list *l, const char *id, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		assert_true(text_is_printable(f->text, strlen(f->text)));
		assert_true(f->fix == NULL ||
		    text_is_printable(f->fix, strlen(f->fix)));
		if (strcmp(f->id, id) != 0 || used >= size)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		    used ? " " : "", dnscheck_status_name(f->status));
	}
}

static void
dump(const struct dnscheck_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  %s %s: %s\n", l->v[i].id,
		    dnscheck_status_name(l->v[i].status), l->v[i].text);
}

/* ------------------------------------------------------------------------
 * TLS reporting records. */

static const struct {
	const char *text;
	int rc;
	const char *want; /* the tlsrpt.syntax statuses */
} tlsrpt_cases[] = {
    {"v=TLSRPTv1; rua=mailto:tls@example.test", 0, "pass"},
    {"v=TLSRPTv1;rua=mailto:a@x.test,https://r.x.test/tls;", 0, "pass"},
    {"v=TLSRPTv1 ; rua = mailto:a@x.test , https://r.x.test:8443/v1 ", 0,
        "pass"},
    /* Extensions are ignored. */
    {"v=TLSRPTv1; ext=1; rua=mailto:a@x.test", 0, "pass"},
    /* The version is exact, and first. */
    {"v=tlsrptv1; rua=mailto:a@x.test", -1, "fail"},
    {"rua=mailto:a@x.test; v=TLSRPTv1", -1, "fail"},
    {"v=TLSRPTv2; rua=mailto:a@x.test", -1, "fail"},
    /* rua= is needed, with usable URIs only. */
    {"v=TLSRPTv1", -1, "fail"},
    {"v=TLSRPTv1;", -1, "fail"},
    {"v=TLSRPTv1; rua=", -1, "fail"},
    {"v=TLSRPTv1; rua=ftp://x.test/r", -1, "fail"},
    {"v=TLSRPTv1; rua=http://x.test/r", -1, "fail"},
    {"v=TLSRPTv1; rua=mailto:nobody", -1, "fail"},
    {"v=TLSRPTv1; rua=mailto:a@bad..test", -1, "fail"},
    {"v=TLSRPTv1; rua=https:///path", -1, "fail"},
    {"v=TLSRPTv1; rua=mailto:a@x.test,,mailto:b@x.test", -1, "fail"},
    {"v=TLSRPTv1; rua=mailto:a@x.test; rua=mailto:b@x.test", -1, "fail"},
    {"v=TLSRPTv1; rua=mailto:a@x.test,ftp://y", -1, "fail"},
    {"v=TLSRPTv1; garbage; rua=mailto:a@x.test", -1, "fail"},
};

static void
test_tlsrpt(void **state)
{
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(tlsrpt_cases) / sizeof(tlsrpt_cases[0]);
	     i++) {
		struct dnscheck_list l = {0};
		const char *t = tlsrpt_cases[i].text;
		int rc =
		    dnscheck_parse_tlsrpt(t, strlen(t), "_smtp._tls.x", &l);

		statuses(&l, "tlsrpt.syntax", got, sizeof(got));
		if (rc != tlsrpt_cases[i].rc ||
		    strcmp(got, tlsrpt_cases[i].want) != 0) {
			dump(&l);
			fail_msg("'%s': rc %d, statuses '%s'", t, rc, got);
		}
		dnscheck_list_free(&l);
	}
}

static void
test_tlsrpt_hostile(void **state)
{
	static const char nul[] = "v=TLSRPTv1; rua=mailto:a@x.test\0b";
	static char big[9000];
	struct dnscheck_list l = {0};
	char got[256];

	(void)state;
	assert_int_equal(
	    dnscheck_parse_tlsrpt(nul, sizeof(nul) - 1, "s", &l), -1);
	statuses(&l, "tlsrpt.syntax", got, sizeof(got));
	assert_string_equal(got, "fail");
	dnscheck_list_free(&l);

	memset(big, 'a', sizeof(big));
	memcpy(big, "v=TLSRPTv1; rua=mailto:", 23);
	assert_int_equal(dnscheck_parse_tlsrpt(big, sizeof(big), "s", &l), -1);
	dnscheck_list_free(&l);

	/* Control bytes and escapes are shown printable. */
	const char *ctl = "v=TLSRPTv1; rua=\x1b[31mmailto:\x01@x\n";
	assert_int_equal(dnscheck_parse_tlsrpt(ctl, strlen(ctl), "s", &l), -1);
	statuses(&l, "tlsrpt.syntax", got, sizeof(got));
	dnscheck_list_free(&l);

	/* Many URIs: the ones past the limit are not read. */
	char many[2048] = "v=TLSRPTv1; rua=";
	for (int k = 0; k < 20; k++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "%smailto:r%d@x.test", k ? "," : "", k);
	assert_int_equal(dnscheck_parse_tlsrpt(many, strlen(many), "s", &l), 0);
	statuses(&l, "tlsrpt.syntax", got, sizeof(got));
	assert_string_equal(got, "warn pass");
	dnscheck_list_free(&l);
}

/* ------------------------------------------------------------------------
 * MTA-STS records. */

static const struct {
	const char *text;
	int rc;
	const char *id;
} sts_record_cases[] = {
    {"v=STSv1; id=20261207T01", 0, "20261207T01"},
    {"v=STSv1;id=a;", 0, "a"},
    {"v=STSv1; id=abc; ext=x", 0, "abc"},
    {"v=STSv1", -1, ""},
    {"v=STSv1; id=", -1, ""},
    {"v=STSv1; id=2026-12-07", -1, ""},
    {"v=STSv1; id=123456789012345678901234567890123", -1, ""},
    {"v=stsv1; id=1", -1, ""},
    {"id=1; v=STSv1", -1, ""},
};

static void
test_sts_record(void **state)
{
	char got[64], id[33];

	(void)state;
	for (size_t i = 0;
	     i < sizeof(sts_record_cases) / sizeof(sts_record_cases[0]); i++) {
		struct dnscheck_list l = {0};
		const char *t = sts_record_cases[i].text;
		int rc = dnscheck_parse_sts_record(
		    t, strlen(t), "_mta-sts.x", id, &l);

		statuses(&l, "sts.record", got, sizeof(got));
		if (rc != sts_record_cases[i].rc ||
		    strcmp(got, rc == 0 ? "pass" : "fail") != 0 ||
		    (rc == 0 && strcmp(id, sts_record_cases[i].id) != 0)) {
			dump(&l);
			fail_msg("'%s': rc %d, '%s', id '%s'", t, rc, got, id);
		}
		dnscheck_list_free(&l);
	}
}

/* ------------------------------------------------------------------------
 * MTA-STS policies. */

static const struct {
	const char *text;
	int rc;
	const char *want; /* the sts.policy statuses */
	const char *mode;
	long max_age;
	size_t nmx;
} policy_cases[] = {
    {"version: STSv1\r\nmode: enforce\r\nmx: mx1.x.test\r\n"
     "mx: *.backup.x.test\r\nmax_age: 604800\r\n",
        0, "pass", "enforce", 604800, 2},
    /* LF alone, no final line break, blanks, an extension, MX upper-case */
    {"version:STSv1\nmode:   testing\nmax_age: 86400\nmx: MX.X.test\n"
     "color: blue",
        0, "pass", "testing", 86400, 1},
    /* none needs no mx: */
    {"version: STSv1\nmode: none\nmax_age: 0\n", 0, "pass", "none", 0, 0},
    /* The first of a repeated key counts. */
    {"version: STSv1\nmode: enforce\nmode: junk\nmax_age: 1\nmx: a.test\n", 0,
        "pass", "enforce", 1, 1},
    {"version: STSv2\nmode: enforce\nmax_age: 86400\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmode: Enforce\nmax_age: 86400\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 31557601\nmx: a.test\n", -1,
        "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: -1\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 99999999999\nmx: a.test\n", -1,
        "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\n", -1, "fail"},
    {"mode: enforce\nmax_age: 86400\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmax_age: 86400\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmode: enforce\nmx: a.test\n", -1, "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.*.test\n", -1,
        "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: *\n", -1, "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: **.a.test\n", -1,
        "fail"},
    {"version: STSv1\nmode: enforce\nmax_age: 86400\nmx: a.test\njunk\n", -1,
        "fail"},
    {"<html><body>Not found</body></html>", -1, "fail fail fail fail"},
};

static void
test_sts_policy(void **state)
{
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]);
	     i++) {
		struct dnscheck_list l = {0};
		struct dnscheck_sts_policy p;
		const char *t = policy_cases[i].text;
		int rc = dnscheck_parse_sts_policy(
		    t, strlen(t), "mta-sts.x", &p, &l);

		statuses(&l, "sts.policy", got, sizeof(got));
		if (rc != policy_cases[i].rc ||
		    strcmp(got, policy_cases[i].want) != 0) {
			dump(&l);
			fail_msg("'%s': rc %d, statuses '%s'", t, rc, got);
		}
		assert_int_equal(p.valid, rc == 0);
		if (rc == 0) {
			assert_string_equal(p.mode, policy_cases[i].mode);
			assert_int_equal(p.max_age, policy_cases[i].max_age);
			assert_int_equal(p.nmx, policy_cases[i].nmx);
		}
		dnscheck_list_free(&l);
	}
}

static void
test_sts_policy_hostile(void **state)
{
	static char many[8192];
	struct dnscheck_list l = {0};
	struct dnscheck_sts_policy p;
	static const char nul[] =
	    "version: STSv1\nmode: enforce\0\nmax_age: 1\nmx: a.test\n";
	size_t len = 0;
	char got[256];

	(void)state;
	assert_int_equal(
	    dnscheck_parse_sts_policy(nul, sizeof(nul) - 1, "s", &p, &l), -1);
	dnscheck_list_free(&l);

	/* More mx: lines than kept: a warning, the rest not read. */
	len = (size_t)snprintf(many, sizeof(many),
	    "version: STSv1\nmode: enforce\nmax_age: 604800\n");
	for (int k = 0; k < 40; k++)
		len += (size_t)snprintf(
		    many + len, sizeof(many) - len, "mx: mx%d.x.test\n", k);
	assert_int_equal(dnscheck_parse_sts_policy(many, len, "s", &p, &l), 0);
	assert_int_equal(p.nmx, DNSCHECK_STS_MAX_MX);
	statuses(&l, "sts.policy", got, sizeof(got));
	assert_string_equal(got, "warn pass");
	dnscheck_list_free(&l);

	/* Control bytes in a value come out printable. */
	const char *ctl = "version: STS\x1b[2Jv1\nmode: \xff\xfe\n";
	assert_int_equal(
	    dnscheck_parse_sts_policy(ctl, strlen(ctl), "s", &p, &l), -1);
	statuses(&l, "sts.policy", got, sizeof(got));
	dnscheck_list_free(&l);
}

static void
test_sts_mx_match(void **state)
{
	(void)state;
	assert_true(dnscheck_sts_mx_match("mx1.x.test", "mx1.x.test"));
	assert_false(dnscheck_sts_mx_match("mx1.x.test", "mx2.x.test"));
	assert_true(dnscheck_sts_mx_match("*.x.test", "mx1.x.test"));
	/* A wildcard is one label: not two, not none. */
	assert_false(dnscheck_sts_mx_match("*.x.test", "a.mx1.x.test"));
	assert_false(dnscheck_sts_mx_match("*.x.test", "x.test"));
	assert_false(dnscheck_sts_mx_match("*.x.test", ".x.test"));
	assert_false(dnscheck_sts_mx_match("*.x.test", "mx1.y.test"));
	assert_false(dnscheck_sts_mx_match("x.test", "mx1.x.test"));
}

/* ------------------------------------------------------------------------
 * TLSA. */

#define SHA256                                                                 \
	"8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1"

static const struct {
	const char *text;
	int rc;
	const char *want;
} tlsa_cases[] = {
    {"3 1 1 " SHA256, 0, "pass"},
    {"2 0 1 " SHA256, 0, "pass"},
    {"3 1 2 " SHA256 SHA256, 0, "pass"},
    {"3 0 0 3082010a", 0, "pass"},
    /* PKIX usages: SMTP senders do not use them. */
    {"1 1 1 " SHA256, 0, "warn"},
    {"0 0 1 " SHA256, 0, "warn"},
    {"4 1 1 " SHA256, -1, "fail"},
    {"3 2 1 " SHA256, -1, "fail"},
    {"3 1 3 " SHA256, -1, "fail"},
    {"3 1 1 c0ffee", -1, "fail"},
    {"3 1 2 " SHA256, -1, "fail"},
    {"3 1 0 -", -1, "fail"},
    {"3 1 1 -", -1, "fail"},
    {"junk", -1, "fail"},
    {"", -1, "fail"},
};

static void
test_tlsa(void **state)
{
	char got[64];

	(void)state;
	for (size_t i = 0; i < sizeof(tlsa_cases) / sizeof(tlsa_cases[0]);
	     i++) {
		struct dnscheck_list l = {0};
		int rc = dnscheck_parse_tlsa(tlsa_cases[i].text, "mx.x", &l);

		statuses(&l, "dane.tlsa", got, sizeof(got));
		if (rc != tlsa_cases[i].rc ||
		    strcmp(got, tlsa_cases[i].want) != 0) {
			dump(&l);
			fail_msg("'%s': rc %d, statuses '%s'",
			    tlsa_cases[i].text, rc, got);
		}
		/* Every finding says DNSSEC was not looked at. */
		if (rc == 0)
			assert_non_null(strstr(l.v[0].text, "DNSSEC"));
		dnscheck_list_free(&l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tlsrpt),
	    cmocka_unit_test(test_tlsrpt_hostile),
	    cmocka_unit_test(test_sts_record),
	    cmocka_unit_test(test_sts_policy),
	    cmocka_unit_test(test_sts_policy_hostile),
	    cmocka_unit_test(test_sts_mx_match),
	    cmocka_unit_test(test_tlsa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
