/* Unit tests for the parsers of analyze/dnscheck.c, with no DNS server:
 * DMARC tag lists, SPF terms and DKIM key records, well formed and
 * hostile (overlong, control bytes, NUL, empty, duplicates), and the
 * dynamic-name heuristic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnscheck.h"
#include "text.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RSA keys of 512 and 1024 bits and an ed25519 key, made with openssl
 * genpkey (SubjectPublicKeyInfo, base64; the bare 32 bytes for ed25519). */
#define KEY512                                                                 \
	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANn+YTqUW3SmoMpVeUp4kYX0vD7TTqqJps"   \
	"vpIu0AfD+eFbUkTUKQqOQtaZ9UtCC7VHwSKvMDsUUuhY4yr0jjGVMCAwEAAQ=="
#define KEY1024                                                                \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDhIWO9CBIkurerX28AP0i5RPdgzx"   \
	"Fj2kcCWFJCpldEjLaYKAfbX+6RMblU+a0XhgNcO80KMelE2GeVnciqfVtpi0dhWZXe"   \
	"NY8CTeLSh4pWbWBjliMIKlz8fTX815gfjKFkUUyoSXDLeAINeyi7XTjXhLL7VwiSCS"   \
	"30ISluNKxz4wIDAQAB"
#define ED25519 "ukWj8DkINidHniYA+ds8ZMSthd++jWkYtTGZaomykHA="
/* The same kind of ed25519 key as SubjectPublicKeyInfo: wrong for DKIM. */
#define ED25519_SPKI                                                           \
	"MCowBQYDK2VwAyEAj7AxiVigY5ugI1fXczP9WUlnKuWuhRRBXS3xctae8JI="

/* As text_printable() leaves it: valid UTF-8, no control character. */
static void
assert_printable(const char *s)
{
	assert_true(text_is_printable(s, strlen(s)));
}

/* Every finding is printable, one line, with a known status. */
static void
assert_clean(const struct dnscheck_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		assert_non_null(f->id);
		assert_true(f->status <= DNSCHECK_DNSERROR);
		assert_printable(f->text);
		assert_printable(f->subject);
		if (f->fix != NULL)
			assert_printable(f->fix);
		assert_true(strlen(f->text) < DNSCHECK_TEXT_MAX);
	}
}

static int
count(const struct dnscheck_list *l, const char *id, enum dnscheck_status st)
{
	size_t i;
	int n = 0;

	for (i = 0; i < l->n; i++)
		n += strcmp(l->v[i].id, id) == 0 && l->v[i].status == st;
	return n;
}

static void
dump(const struct dnscheck_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(stderr, "  %s %s: %s\n", l->v[i].id,
		    dnscheck_status_name(l->v[i].status), l->v[i].text);
}

/* An expected finding: id and status, at least once. */
struct want {
	const char *id;
	enum dnscheck_status st;
};

static void
check_wants(const struct dnscheck_list *l, const char *input,
    const struct want *w, size_t nw)
{
	size_t i;

	for (i = 0; i < nw && w[i].id != NULL; i++) {
		if (count(l, w[i].id, w[i].st) == 0) {
			dump(l);
			fail_msg("'%s': no %s %s", input, w[i].id,
			    dnscheck_status_name(w[i].st));
		}
	}
}

/* ------------------------------------------------------------------------
 * DMARC. */

static const struct {
	const char *text;
	int rc;
	struct want want[3];
	const char *p;
	size_t nrua;
} dmarc_cases[] = {
    {"v=DMARC1; p=reject; rua=mailto:a@b.test", 0,
        {{"dmarc.syntax", DNSCHECK_PASS}, {"dmarc.policy", DNSCHECK_PASS},
            {"dmarc.rua", DNSCHECK_PASS}},
        "reject", 1},
    /* Blanks around '=' and ';', trailing and doubled ';'. */
    {"v = DMARC1 ;p = quarantine;; rua = mailto:a@b.test , "
     "mailto:c@d.test!10m;",
        0, {{"dmarc.syntax", DNSCHECK_PASS}}, "quarantine", 2},
    {"v=DMARC1", 0,
        {{"dmarc.policy", DNSCHECK_WARN}, {"dmarc.rua", DNSCHECK_WARN}}, "", 0},
    {"v=DMARC1; p=none; sp=reject; np=quarantine; adkim=s; aspf=r; t=y; "
     "psd=n; fo=0:1:d:s; ruf=mailto:f@b.test",
        0, {{"dmarc.syntax", DNSCHECK_PASS}, {"dmarc.policy", DNSCHECK_WARN}},
        "none", 0},
    {"v=DMARC1; p=reject; sp=none", 0, {{"dmarc.policy", DNSCHECK_WARN}},
        "reject", 0},
    /* Not DMARC records at all. */
    {"", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {";;;", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"p=none; v=DMARC1", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC10; p=none", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=dmarc1; p=none", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1p=none", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    /* Broken tag lists. */
    {"v=DMARC1; p=reject; junk", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; =reject", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; 1p=reject", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; p-x=reject", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; p=re\x01ject", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; p=r\xc3\xa9ject", -1, {{"dmarc.syntax", DNSCHECK_FAIL}}},
    {"v=DMARC1; aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", -1,
        {{"dmarc.syntax", DNSCHECK_FAIL}}},
    /* Bad values, duplicates, unknown and retired tags. */
    {"v=DMARC1; p=reject; p=none", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; v=DMARC1; p=reject", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=maybe", 0,
        {{"dmarc.syntax", DNSCHECK_FAIL}, {"dmarc.policy", DNSCHECK_WARN}}, "",
        0},
    {"v=DMARC1; p=reject; adkim=x", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=reject; fo=2", 0, {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject",
        0},
    {"v=DMARC1; p=reject; fo=0:", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=reject; t=maybe", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=reject; psd=x", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=reject; foo=bar", 0, {{"dmarc.syntax", DNSCHECK_WARN}},
        "reject", 0},
    {"v=DMARC1; p=reject; pct=50", 0, {{"dmarc.retired", DNSCHECK_WARN}},
        "reject", 0},
    {"v=DMARC1; p=reject; pct=500", 0, {{"dmarc.retired", DNSCHECK_WARN}},
        "reject", 0},
    {"v=DMARC1; p=reject; rf=afrf; ri=86400", 0,
        {{"dmarc.retired", DNSCHECK_WARN}}, "reject", 0},
    /* Report URIs. */
    {"v=DMARC1; p=reject; rua=https://b.test/r", 0,
        {{"dmarc.syntax", DNSCHECK_WARN}, {"dmarc.rua", DNSCHECK_WARN}},
        "reject", 0},
    {"v=DMARC1; p=reject; rua=mailto:@b.test", 0,
        {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject", 0},
    {"v=DMARC1; p=reject; rua=mailto:a@", 0, {{"dmarc.syntax", DNSCHECK_FAIL}},
        "reject", 0},
    {"v=DMARC1; p=reject; rua=mailto:a@b..test", 0,
        {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject", 0},
    {"v=DMARC1; p=reject; rua=mailto:a@b.test!x", 0,
        {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject", 0},
    {"v=DMARC1; p=reject; rua=mailto:a@b.test,,mailto:c@d.test", 0,
        {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject", 2},
    {"v=DMARC1; p=reject; rua=", 0, {{"dmarc.syntax", DNSCHECK_FAIL}}, "reject",
        0},
    {"v=DMARC1; p=reject; rua=mailto:\"a@x\"@b.test", 0,
        {{"dmarc.rua", DNSCHECK_PASS}}, "reject", 1},
};

static void
test_dmarc_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(dmarc_cases) / sizeof(dmarc_cases[0]); i++) {
		struct dnscheck_list l = {0};
		struct dnscheck_dmarc d;
		const char *t = dmarc_cases[i].text;
		int rc =
		    dnscheck_parse_dmarc(t, strlen(t), "_dmarc.x.test", &d, &l);

		if (rc != dmarc_cases[i].rc) {
			dump(&l);
			fail_msg("'%s': rc %d", t, rc);
		}
		check_wants(&l, t, dmarc_cases[i].want, 3);
		assert_clean(&l);
		if (rc == 0) {
			assert_string_equal(d.p, dmarc_cases[i].p);
			assert_int_equal(d.nrua, dmarc_cases[i].nrua);
		}
		dnscheck_dmarc_clear(&d);
		dnscheck_list_free(&l);
	}
}

static void
test_dmarc_hostile(void **state)
{
	struct dnscheck_list l = {0};
	struct dnscheck_dmarc d;
	size_t len, i;
	char *big;

	/* A NUL inside. */
	assert_int_equal(
	    dnscheck_parse_dmarc("v=DMARC1\0; p=reject", 19, "s", &d, &l), -1);
	assert_int_equal(count(&l, "dmarc.syntax", DNSCHECK_FAIL), 1);
	dnscheck_list_free(&l);

	/* Overlong. */
	len = 100000;
	big = xmalloc(len + 1);
	memcpy(big, "v=DMARC1; p=reject; x=", 22);
	memset(big + 22, 'a', len - 22);
	big[len] = '\0';
	assert_int_equal(dnscheck_parse_dmarc(big, len, "s", &d, &l), -1);
	assert_clean(&l);
	dnscheck_list_free(&l);

	/* Many tags, within the length limit. */
	len = 0;
	len += (size_t)sprintf(big, "v=DMARC1");
	for (i = 0; i < 100; i++)
		len += (size_t)sprintf(big + len, "; t%zu=y", i);
	assert_int_equal(dnscheck_parse_dmarc(big, len, "s", &d, &l), -1);
	assert_int_equal(count(&l, "dmarc.syntax", DNSCHECK_FAIL), 1);
	dnscheck_list_free(&l);

	/* Many URIs: kept up to the limit. */
	len = (size_t)sprintf(big, "v=DMARC1; p=none; rua=");
	for (i = 0; i < 20; i++)
		len += (size_t)sprintf(
		    big + len, "%smailto:r%zu@x.test", i ? "," : "", i);
	assert_int_equal(dnscheck_parse_dmarc(big, len, "s", &d, &l), 0);
	assert_int_equal(d.nrua, DNSCHECK_MAX_URIS);
	assert_int_equal(count(&l, "dmarc.syntax", DNSCHECK_WARN), 1);
	assert_string_equal(d.rua[0], "mailto:r0@x.test");
	dnscheck_dmarc_clear(&d);
	dnscheck_list_free(&l);

	/* Every byte value after v=DMARC1; in turn: never a crash, always
	 * printable findings. */
	for (i = 0; i < 256; i++) {
		char rec[64];
		int n = snprintf(rec, sizeof(rec),
		    "v=DMARC1; p=re%cject; "
		    "rua=mailto:a%c@b.test",
		    (int)(i ? i : 1), (int)(i ? i : 1));

		dnscheck_parse_dmarc(rec, (size_t)n, "s\x01", &d, &l);
		assert_clean(&l);
		dnscheck_dmarc_clear(&d);
		dnscheck_list_free(&l);
	}
	free(big);
}

/* ------------------------------------------------------------------------
 * SPF. */

static const struct {
	const char *text;
	int rc;
	size_t nterms;
	struct want want[2];
} spf_cases[] = {
    {"v=spf1 -all", 0, 1},
    {"v=spf1", 0, 0},
    {"V=SPF1 -ALL", 0, 1},
    {"v=spf1  ip4:192.0.2.1   -all ", 0, 2},
    {"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 a:x.test/24//64 "
     "mx:y.test//64 include:z.test exists:%{i}.e.test ptr:p.test "
     "redirect=r.test exp=%{l}.x.test foo=bar ~all",
        0, 13, {{"spf.ptr", DNSCHECK_WARN}, {"spf.macro", DNSCHECK_WARN}}},
    {"v=spf1 include:x.test. ?all", 0, 2},
    {"v=spf1 -all ip4:192.0.2.1", 0, 2, {{"spf.syntax", DNSCHECK_WARN}}},
    /* Not SPF. */
    {"", -1},
    {"v=spf10 -all", -1},
    {"v=spf2.0/pra -all", -1},
    {" v=spf1 -all", -1},
    /* Syntax errors: permerror. */
    {"v=spf1 ip4:192.0.2.0/33", -1},
    {"v=spf1 ip4:192.0.2", -1},
    {"v=spf1 ip4:192.0.2.300", -1},
    {"v=spf1 ip4:192.0.2.1/", -1},
    {"v=spf1 ip4:192.0.2.1/08", -1},
    {"v=spf1 ip4:", -1},
    {"v=spf1 ip4", -1},
    {"v=spf1 ip6:::1/129", -1},
    {"v=spf1 ip6:192.0.2.1", -1},
    {"v=spf1 a/", -1},
    {"v=spf1 a//", -1},
    {"v=spf1 a/24/", -1},
    {"v=spf1 a:x.test/24//129", -1},
    {"v=spf1 mx:", -1},
    {"v=spf1 foo:bar", -1},
    {"v=spf1 all:x.test", -1},
    {"v=spf1 all/24", -1},
    {"v=spf1 include", -1},
    {"v=spf1 include:", -1},
    {"v=spf1 include:bad..name", -1},
    {"v=spf1 include:-", -1},
    {"v=spf1 *all", -1},
    {"v=spf1 ++all", -1},
    {"v=spf1 exists:%{z}.x.test", -1},
    {"v=spf1 exists:%{i.x.test", -1},
    {"v=spf1 exists:%", -1},
    {"v=spf1 redirect=a.test redirect=b.test", -1},
    {"v=spf1 exp=a.test exp=b.test", -1},
    {"v=spf1 redirect=", -1},
    {"v=spf1 ip4:192.0.2.1\t-all", -1},
    {"v=spf1 a:x\x01.test -all", -1},
    {"v=spf1 a:caf\xc3\xa9.test -all", -1},
    {"v=spf1 foo=b\x7fr", -1},
};

static void
test_spf_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(spf_cases) / sizeof(spf_cases[0]); i++) {
		struct dnscheck_list l = {0};
		struct dnscheck_spf_terms terms;
		const char *t = spf_cases[i].text;
		int rc = dnscheck_parse_spf(t, strlen(t), "x.test", &terms, &l);

		if (rc != spf_cases[i].rc) {
			dump(&l);
			fail_msg("'%s': rc %d", t, rc);
		}
		if (rc < 0)
			assert_int_equal(
			    count(&l, "spf.syntax", DNSCHECK_FAIL), 1);
		else
			assert_int_equal(terms.n, spf_cases[i].nterms);
		check_wants(&l, t, spf_cases[i].want, 2);
		assert_clean(&l);
		dnscheck_spf_terms_clear(&terms);
		dnscheck_list_free(&l);
	}
}

static void
test_spf_terms(void **state)
{
	const char *t = "v=spf1 -ip4:192.0.2.7/24 ~a:Mail.X.test./28//64 "
	                "?mx include:%{d}.y.test redirect=R.test";
	struct dnscheck_list l = {0};
	struct dnscheck_spf_terms terms;
	unsigned char a[4];

	assert_int_equal(dnscheck_parse_spf(t, strlen(t), "s", &terms, &l), 0);
	assert_int_equal(terms.n, 5);
	assert_int_equal(terms.t[0].kind, SPF_IP4);
	assert_int_equal(terms.t[0].qualifier, '-');
	assert_int_equal(terms.t[0].cidr4, 24);
	inet_pton(AF_INET, "192.0.2.7", a);
	assert_memory_equal(terms.t[0].addr, a, 4);
	assert_int_equal(terms.t[1].kind, SPF_A);
	assert_int_equal(terms.t[1].qualifier, '~');
	/* Names are normalized: lower case, no final dot. */
	assert_string_equal(terms.t[1].domain, "mail.x.test");
	assert_int_equal(terms.t[1].cidr4, 28);
	assert_int_equal(terms.t[1].cidr6, 64);
	assert_int_equal(terms.t[2].kind, SPF_MX);
	assert_null(terms.t[2].domain);
	assert_int_equal(terms.t[2].cidr4, -1);
	assert_int_equal(terms.t[3].kind, SPF_INCLUDE);
	assert_int_equal(terms.t[3].macro, 1);
	assert_string_equal(terms.t[3].domain, "%{d}.y.test");
	assert_int_equal(terms.t[4].kind, SPF_REDIRECT);
	assert_string_equal(terms.t[4].domain, "r.test");
	dnscheck_spf_terms_clear(&terms);
	dnscheck_list_free(&l);
}

static void
test_spf_hostile(void **state)
{
	struct dnscheck_list l = {0};
	struct dnscheck_spf_terms terms;
	char *big = xmalloc(200000);
	size_t len, i;

	/* Too many terms. */
	len = (size_t)sprintf(big, "v=spf1");
	for (i = 0; i < 100; i++)
		len += (size_t)sprintf(big + len, " ip4:192.0.2.%zu", i);
	assert_int_equal(dnscheck_parse_spf(big, len, "s", &terms, &l), -1);
	assert_int_equal(count(&l, "spf.syntax", DNSCHECK_FAIL), 1);
	dnscheck_list_free(&l);

	/* Overlong. */
	len = 100000;
	memcpy(big, "v=spf1 a:", 9);
	memset(big + 9, 'a', len - 9);
	assert_int_equal(dnscheck_parse_spf(big, len, "s", &terms, &l), -1);
	dnscheck_list_free(&l);

	/* A domain longer than 253 bytes. */
	len = (size_t)sprintf(big, "v=spf1 include:");
	for (i = 0; i < 30; i++)
		len += (size_t)sprintf(big + len, "abcdefghi.");
	len += (size_t)sprintf(big + len, "test");
	assert_int_equal(dnscheck_parse_spf(big, len, "s", &terms, &l), -1);
	dnscheck_list_free(&l);

	/* A NUL. */
	assert_int_equal(
	    dnscheck_parse_spf("v=spf1 \0-all", 12, "s", &terms, &l), -1);
	assert_int_equal(count(&l, "spf.syntax", DNSCHECK_FAIL), 1);
	dnscheck_list_free(&l);

	/* Every byte in a term. */
	for (i = 1; i < 256; i++) {
		char rec[64];
		int n = snprintf(
		    rec, sizeof(rec), "v=spf1 a:x%c.test -all", (int)i);

		dnscheck_parse_spf(rec, (size_t)n, "s", &terms, &l);
		assert_clean(&l);
		dnscheck_spf_terms_clear(&terms);
		dnscheck_list_free(&l);
	}
	free(big);
}

/* ------------------------------------------------------------------------
 * DKIM. */

static const struct {
	const char *text;
	int rc;
	struct want want[3];
} dkim_cases[] = {
    {"v=DKIM1; k=rsa; p=" KEY1024, 0,
        {{"dkim.syntax", DNSCHECK_PASS}, {"dkim.key", DNSCHECK_WARN}}},
    {"p=" KEY512, 0, {{"dkim.key", DNSCHECK_FAIL}}},
    /* Base64 may be folded. */
    {"k=rsa;\r\n p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDhIWO9CBIkurerX28AP0i5"
     "RPdgzxFj2kc CWFJCpldEjLaYKAfbX+6RMblU+a0XhgNcO80KMelE2GeVnciqfVtpi0dh"
     "WZXeNY8CTeLSh4pWbWBjliMIKlz8fTX815gfjKFkUUyoSXDLeAINeyi7XTjXhLL7VwiSCS"
     "30ISluNKxz4wIDAQAB",
        0, {{"dkim.key", DNSCHECK_WARN}}},
    {"v=DKIM1; k=ed25519; p=" ED25519, 0, {{"dkim.key", DNSCHECK_PASS}}},
    {"v=DKIM1; k=ed25519; p=" ED25519_SPKI, -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; k=rsa; p=" ED25519_SPKI, -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=", 0, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; t=y; p=" KEY1024, 0,
        {{"dkim.testing", DNSCHECK_WARN}, {"dkim.key", DNSCHECK_WARN}}},
    {"v=DKIM1; t=s:y; p=" KEY1024, 0, {{"dkim.testing", DNSCHECK_WARN}}},
    {"v=DKIM1; s=email; h=sha256:sha1; p=" KEY1024, 0,
        {{"dkim.key", DNSCHECK_WARN}}},
    {"v=DKIM1; h=sha1; p=" KEY1024, -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; s=tlsrpt; p=" KEY1024, -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; k=dsa; p=" KEY1024, -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM2; p=" KEY1024, -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"k=rsa; v=DKIM1; p=" KEY1024, -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"v=DKIM1; k=rsa", -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=a; p=b", -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"", -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=not*base64", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=AAAA", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=QQ=", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=QQ==QQ==", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    /* DER lengths pointing past the end. */
    {"v=DKIM1; p=MIIBIjANBg==", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=MIQAAAAA", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=MAA=", -1, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=MAMCAQA=", 0, {{"dkim.key", DNSCHECK_FAIL}}},
    {"v=DKIM1; p=ab\x01"
     "cd",
        -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    /* The tag list of taglist.h: blanks around names, '=' and values, a
     * final ';', unknown tags ignored. */
    {" v = DKIM1 ;\tk = rsa ; p = " KEY1024 " ;", 0,
        {{"dkim.syntax", DNSCHECK_PASS}, {"dkim.key", DNSCHECK_WARN}}},
    {"v=DKIM1; x_1=any thing; p=" KEY1024 ";", 0,
        {{"dkim.syntax", DNSCHECK_PASS}}},
    /* Names are case-sensitive in DKIM (RFC 6376 section 3.2), unlike
     * DMARC's: K= is not k= (this parser once took both). */
    {"V=DKIM1; k=rsa; p=" KEY1024, -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"v=DKIM1; K=ed25519; p=" ED25519, -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    {"v=DKIM1; P=" KEY1024, -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
    /* Not the same name, so not a repeat: P= is refused for its case. */
    {"v=DKIM1; p=" KEY1024 "; P=x", -1, {{"dkim.syntax", DNSCHECK_FAIL}}},
};

static void
test_dkim_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(dkim_cases) / sizeof(dkim_cases[0]); i++) {
		struct dnscheck_list l = {0};
		const char *t = dkim_cases[i].text;
		int rc = dnscheck_parse_dkim(t, strlen(t), "sel", &l);

		if (rc != dkim_cases[i].rc) {
			dump(&l);
			fail_msg("'%s': rc %d", t, rc);
		}
		check_wants(&l, t, dkim_cases[i].want, 3);
		assert_clean(&l);
		dnscheck_list_free(&l);
	}
}

/* Mangled keys: every prefix and every byte flipped, never a crash. */
static void
test_dkim_mangled(void **state)
{
	static const char key[] = "p=" KEY1024;
	char buf[sizeof(key)];
	size_t i;

	for (i = 0; i < sizeof(key) - 1; i++) {
		struct dnscheck_list l = {0};

		dnscheck_parse_dkim(key, i, "sel", &l);
		assert_clean(&l);
		dnscheck_list_free(&l);
		memcpy(buf, key, sizeof(key));
		buf[i] = (char)(buf[i] ^ 0x20);
		dnscheck_parse_dkim(buf, sizeof(key) - 1, "sel", &l);
		assert_clean(&l);
		dnscheck_list_free(&l);
	}
}

/* ------------------------------------------------------------------------
 * Dynamic-looking names. */

static void
test_generic_names(void **state)
{
	static const struct {
		const char *name, *ip;
		int generic;
	} cases[] = {
	    {"dyn-198-18-0-5.pool.isp.test", "198.18.0.5", 1},
	    {"5-0-18-198.cust.isp.test", "198.18.0.5", 1},
	    {"host-203-0-113-10.isp.test", "203.0.113.10", 1},
	    {"203.0.113.10.rev.isp.test", "203.0.113.10", 1},
	    {"c0000201.isp.test", "192.0.2.1", 1},
	    {"ip192000002001.isp.test", "192.0.2.1", 1},
	    {"dhcp.example.test", "192.0.2.1", 1},
	    {"pool-a.b.example.test", "192.0.2.1", 1},
	    {"adsl7.isp.test", "192.0.2.1", 1},
	    {"DynamicIP.ISP.test", "192.0.2.1", 1},
	    {"broadband12.isp.test", "192.0.2.1", 1},
	    {"cpe-1.isp.test", "2001:db8::1", 1},
	    /* A static name with the address in it is fine. */
	    {"static-203-0-113-9.isp.test", "203.0.113.9", 0},
	    {"mail.good.test", "192.0.2.10", 0},
	    {"mx1.good.test", "192.0.2.10", 0},
	    /* Other numbers than the address. */
	    {"host-1-2-3-4.isp.test", "192.0.2.1", 0},
	    /* Only the labels left of the domain count. */
	    {"mx.dsl-provider.test", "192.0.2.1", 0},
	    {"mail.dynamic.test", "192.0.2.1", 0},
	    {"example.test", "192.0.2.1", 0},
	    {"cablevision-mail.example.test", "192.0.2.1", 0},
	    {"", "192.0.2.1", 0},
	    {NULL, "192.0.2.1", 0},
	    {"dyn.a.test", NULL, 1},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (dnscheck_name_generic(cases[i].name, cases[i].ip) !=
		    cases[i].generic)
			fail_msg("%s (%s): not %d", cases[i].name, cases[i].ip,
			    cases[i].generic);
	}
}

static void
test_list(void **state)
{
	struct dnscheck_list l = {0};
	struct dnscheck_dmarc d;

	assert_int_equal(dnscheck_worst(&l), DNSCHECK_PASS);
	assert_null(dnscheck_find(&l, "dmarc.record"));
	assert_int_equal(
	    dnscheck_parse_dmarc("v=DMARC1; p=none", 16, "s", &d, &l), 0);
	dnscheck_dmarc_clear(&d);
	assert_int_equal(dnscheck_worst(&l), DNSCHECK_WARN);
	assert_non_null(dnscheck_find(&l, "dmarc.policy"));
	assert_string_equal(
	    dnscheck_status_name(DNSCHECK_DNSERROR), "dnserror");
	dnscheck_list_free(&l);
	dnscheck_list_free(&l);
	dnscheck_list_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_dmarc_cases),
	    cmocka_unit_test(test_dmarc_hostile),
	    cmocka_unit_test(test_spf_cases),
	    cmocka_unit_test(test_spf_terms),
	    cmocka_unit_test(test_spf_hostile),
	    cmocka_unit_test(test_dkim_cases),
	    cmocka_unit_test(test_dkim_mangled),
	    cmocka_unit_test(test_generic_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
