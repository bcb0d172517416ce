/*
 * fuzz_mailin: the parsers of what a domain publishes for mail coming in
 * (analyze/dnscheck_sts.c, dnscheck_tlsrpt.c, dnscheck_tlsa.c): the
 * MTA-STS policy file a stranger's web server sends, the _mta-sts and
 * _smtp._tls TXT records and TLSA records, and MTA-STS mx patterns.
 *
 * The first byte of the input picks the parser (its value modulo 5); the
 * rest is the text.  For an mx pattern, the text is "PATTERN\nHOST".
 *
 * Promises checked (dnscheck.h): every finding has a known id, a subject,
 * and printable text and fix without a line break, within
 * DNSCHECK_TEXT_MAX; a policy's mx patterns are at most
 * DNSCHECK_STS_MAX_MX, terminated, lower-case; its mode is one of the
 * four; max_age is -1 or not negative; valid exactly when the parser says
 * 0; a policy of any size gives a bounded number of findings; a record's
 * id is terminated.  Parsed again, the same result.
 */
#include "dnscheck.h"
#include "fuzz_check.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The findings a policy may give: ten of syntax, one more for the rest,
 * the missing fields and the verdict, with room. */
#define MAX_POLICY_FINDINGS 20

static void
check_line(const char *s, const char *what)
{
	fuzz_check(s != NULL, what);
	fuzz_check(strlen(s) <= DNSCHECK_TEXT_MAX + 3, what);
	for (const char *p = s; *p != '\0'; p++)
		fuzz_check(*p != '\n' && *p != '\r' &&
		        (unsigned char)*p >= 0x20 && *p != 0x7f,
		    what);
}

static void
check_findings(const struct dnscheck_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		fuzz_check(f->id != NULL && f->id[0] != '\0', "a finding's id");
		check_line(f->subject, "a finding's subject is one line");
		check_line(f->text, "a finding's text is one line");
		if (f->fix != NULL)
			check_line(f->fix, "a finding's fix is one line");
	}
}

static void
check_policy(const struct dnscheck_sts_policy *p, int rc, size_t nfind)
{
	fuzz_check(rc == 0 || rc == -1, "the policy parser says 0 or -1");
	fuzz_check((rc == 0) == (p->valid != 0), "valid exactly when 0");
	fuzz_check(
	    p->nmx <= DNSCHECK_STS_MAX_MX, "at most the mx patterns kept");
	fuzz_check(
	    nfind <= MAX_POLICY_FINDINGS, "a bounded number of findings");
	fuzz_check(p->mode[0] == '\0' || strcmp(p->mode, "enforce") == 0 ||
	        strcmp(p->mode, "testing") == 0 || strcmp(p->mode, "none") == 0,
	    "the mode is one of the four");
	fuzz_check(p->max_age >= -1, "max_age is -1 or not negative");
	for (size_t i = 0; i < p->nmx; i++) {
		size_t n = strnlen(p->mx[i], sizeof(p->mx[i]));

		fuzz_check(n < sizeof(p->mx[i]), "an mx pattern is terminated");
		for (size_t k = 0; k < n; k++)
			fuzz_check(p->mx[i][k] < 'A' || p->mx[i][k] > 'Z',
			    "an mx pattern is lower-case");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnscheck_list a = {0}, b = {0};
	char *text;
	size_t len;

	if (size < 1 || size > (1u << 17))
		return 0;
	len = size - 1;
	text = malloc(len + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, len);
	text[len] = '\0';
	switch (data[0] % 5) {
	case 0: {
		struct dnscheck_sts_policy p, q;
		int rc, rc2;

		memset(&p, 0, sizeof(p));
		memset(&q, 0, sizeof(q));
		rc = dnscheck_parse_sts_policy(
		    text, len, "mta-sts.fuzz.example", &p, &a);
		check_findings(&a);
		check_policy(&p, rc, a.n);
		rc2 = dnscheck_parse_sts_policy(
		    text, len, "mta-sts.fuzz.example", &q, &b);
		fuzz_check(
		    rc == rc2 && a.n == b.n && memcmp(&p, &q, sizeof(p)) == 0,
		    "parsed again, the same policy");
		break;
	}
	case 1: {
		char id[33];
		int rc;

		memset(id, 'x', sizeof(id));
		rc = dnscheck_parse_sts_record(
		    text, len, "_mta-sts.fuzz.example", id, &a);
		fuzz_check(
		    rc == 0 || rc == -1, "the record parser says 0 or -1");
		fuzz_check(memchr(id, '\0', sizeof(id)) != NULL,
		    "the id is terminated");
		check_findings(&a);
		break;
	}
	case 2: {
		int rc = dnscheck_parse_tlsrpt(
		    text, len, "_smtp._tls.fuzz.example", &a);

		fuzz_check(
		    rc == 0 || rc == -1, "the TLS-RPT parser says 0 or -1");
		check_findings(&a);
		break;
	}
	case 3: {
		int rc = dnscheck_parse_tlsa(text, "mx.fuzz.example", &a);

		fuzz_check(rc == 0 || rc == -1, "the TLSA parser says 0 or -1");
		check_findings(&a);
		break;
	}
	default: {
		char *host = strchr(text, '\n');
		int m;

		if (host == NULL)
			break;
		*host++ = '\0';
		m = dnscheck_sts_mx_match(text, host);
		fuzz_check(m == 0 || m == 1, "a match is 0 or 1");
		fuzz_check(m == dnscheck_sts_mx_match(text, host),
		    "matched again, the same");
		break;
	}
	}
	dnscheck_list_free(&a);
	dnscheck_list_free(&b);
	free(text);
	return 0;
}
