/* Tests for ingest/mailauth.c: which Authentication-Results field is
 * believed, what it vouches for, and the verdict on a report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "mailauth.h"
#include "orgdomain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct orgdomain *od;

static int
judge(const char *mail, const char *trusted, const char *email, char *why,
    size_t whylen, struct mailauth *ma)
{
	mailauth_scan((const unsigned char *)mail, strlen(mail), trusted, ma);
	return mailauth_judge(ma, od, email, why, whylen);
}

static const char gmail_style[] =
    "Return-Path: <noreply-dmarc-support@google.com>\r\n"
    "Received: from mx.example.com by imap.example.com\r\n"
    "Authentication-Results: mx.example.com;\r\n"
    "\tdkim=pass (2048-bit key; unprotected) header.d=google.com\r\n"
    "\theader.i=@google.com header.b=abc;\r\n"
    "\tspf=pass smtp.mailfrom=noreply-dmarc-support@google.com\r\n"
    "Received: from mail-x.google.com by mx.example.com\r\n"
    "From: noreply-dmarc-support@google.com\r\n"
    "Subject: Report domain: example.com\r\n"
    "\r\n"
    "body\r\n";

static void
test_genuine(void **state)
{
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(gmail_style, "mx.example.com",
	        "noreply-dmarc-support@google.com", why, sizeof(why), &ma),
	    1);
	assert_int_equal(ma.state, MAILAUTH_FIELD);
	assert_string_equal(ma.by, "mx.example.com");
	assert_string_equal(ma.top, "mx.example.com");
	assert_string_equal(ma.from, "google.com");
	/* The comment held a ';': it did not split the result. */
	assert_int_equal(ma.n_domains, 1);
	assert_string_equal(ma.domains[0], "google.com");
	assert_string_equal(why,
	    "mx.example.com saw DKIM or DMARC pass for "
	    "google.com");
	/* Names compare without case; one of several ids is enough. */
	assert_int_equal(
	    judge(gmail_style, "other.example, MX.EXAMPLE.COM",
	        "noreply-dmarc-support@google.com", why, sizeof(why), &ma),
	    1);
}

/* The same mail claimed by another reporter: DKIM passed, but for the
 * wrong organization. */
static void
test_wrong_org(void **state)
{
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(gmail_style, "mx.example.com", "dmarcreport@microsoft.com",
	        why, sizeof(why), &ma),
	    0);
	assert_non_null(strstr(why, "no DKIM or DMARC pass for microsoft.com"));
	assert_non_null(strstr(why, "header.d=google.com"));
	/* No email in the report: the mail's From is the claim. */
	assert_int_equal(
	    judge(gmail_style, "mx.example.com", NULL, why, sizeof(why), &ma),
	    1);
}

/* A forger writes a passing field with our authserv-id into the mail; the
 * one our server added (above the Received of the hop before it) says
 * otherwise, and only that run is read. */
static void
test_forged_field_below(void **state)
{
	static const char mail[] =
	    "Authentication-Results: mx.example.com; dkim=none;\n"
	    "  spf=pass smtp.mailfrom=attacker.example\n"
	    "Received: from attacker.example by mx.example.com\n"
	    "Authentication-Results: mx.example.com; dkim=pass "
	    "header.d=google.com; dmarc=pass header.from=google.com\n"
	    "From: noreply-dmarc-support@google.com\n"
	    "\n"
	    "body\n";
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(mail, "mx.example.com", "noreply-dmarc-support@google.com",
	        why, sizeof(why), &ma),
	    0);
	assert_int_equal(ma.n_domains, 0);
	assert_string_equal(
	    ma.results, "dkim=none; spf=pass smtp.mailfrom=attacker.example");
}

/* A DKIM pass for the attacker's own domain vouches for that domain only. */
static void
test_attacker_signed(void **state)
{
	static const char mail[] =
	    "Authentication-Results: mx.example.com; dkim=pass "
	    "header.d=attacker.example; dmarc=pass "
	    "header.from=attacker.example\n"
	    "From: Google <dmarc@attacker.example>\n"
	    "\n";
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(mail, "mx.example.com", "noreply-dmarc-support@google.com",
	        why, sizeof(why), &ma),
	    0);
	assert_string_equal(ma.from, "attacker.example");
	assert_int_equal(ma.n_domains, 1);
	assert_string_equal(why,
	    "mx.example.com saw no DKIM or DMARC pass for google.com "
	    "(dkim=pass header.d=attacker.example; dmarc=pass "
	    "header.from=attacker.example)");
}

/* Could not tell: no setting, no trusted field, not a mail. */
static void
test_cannot_tell(void **state)
{
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(gmail_style, NULL, "x@google.com", why, sizeof(why), &ma),
	    -1);
	assert_int_equal(ma.state, MAILAUTH_NOT_SET);
	assert_string_equal(why,
	    "authserv_id is not set (the mail's topmost "
	    "Authentication-Results is by mx.example.com)");
	assert_int_equal(judge(gmail_style, "mx.other.example", "x@google.com",
	                     why, sizeof(why), &ma),
	    -1);
	assert_int_equal(ma.state, MAILAUTH_NO_FIELD);
	assert_int_equal(
	    judge("<?xml version=\"1.0\"?><feedback/>", "mx.example.com",
	        "x@google.com", why, sizeof(why), &ma),
	    -1);
	assert_int_equal(ma.state, MAILAUTH_NOT_MAIL);
	/* An mbox of two mails: which mail a report came from is unknown. */
	assert_int_equal(
	    judge("From a@b Mon Jan  1 00:00:00 2024\n"
	          "Authentication-Results: mx.example.com; dkim=pass "
	          "header.d=google.com\n\nbody\n\n"
	          "From c@d Mon Jan  1 00:00:00 2024\n"
	          "Subject: x\n\nbody\n",
	        "mx.example.com", "x@google.com", why, sizeof(why), &ma),
	    -1);
	assert_int_equal(ma.state, MAILAUTH_NOT_MAIL);
	/* One mail with its mbox line is read. */
	assert_int_equal(
	    judge("From a@b Mon Jan  1 00:00:00 2024\n"
	          "Authentication-Results: mx.example.com; "
	          "dkim=pass header.d=google.com\n\nbody\n",
	        "mx.example.com", "x@google.com", why, sizeof(why), &ma),
	    1);
}

/* Exchange Online: no authserv-id in front, the tenant's name after a
 * result; incoming fields renamed -Original and never read. */
static void
test_exchange_online(void **state)
{
	static const char mail[] =
	    "Authentication-Results: spf=pass (sender IP is 192.0.2.1)\r\n"
	    " smtp.mailfrom=google.com; contoso.mail.onmicrosoft.com; "
	    "dkim=pass\r\n"
	    " (signature was verified)\r\n"
	    " header.d=google.com;contoso.mail.onmicrosoft.com; dmarc=pass\r\n"
	    " action=none header.from=google.com;compauth=pass reason=100\r\n"
	    "Authentication-Results-Original: mx.example.com; dkim=pass "
	    "header.d=microsoft.com\r\n"
	    "From: <noreply-dmarc-support@google.com>\r\n"
	    "\r\n";
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(
	    judge(mail, "contoso.mail.onmicrosoft.com",
	        "noreply-dmarc-support@google.com", why, sizeof(why), &ma),
	    1);
	assert_string_equal(ma.top, "contoso.mail.onmicrosoft.com");
	assert_int_equal(ma.n_domains, 1);
	assert_int_equal(
	    judge(mail, "mx.example.com", "dmarcreport@microsoft.com", why,
	        sizeof(why), &ma),
	    -1);
}

/* A sub-domain of the reporter's organization vouches for it; the dmarc
 * result of a second field of the same run counts; "a = b" is "a=b". */
static void
test_org_and_runs(void **state)
{
	static const char mail[] =
	    "authentication-results: MX.example.com; dkim=fail "
	    "header.d=mail.ru\n"
	    "X-Spam: no\n"
	    "Authentication-Results: mx.example.com 1; dmarc = pass "
	    "header.from = \"corp.mail.ru\"\n"
	    "Received: from x by mx.example.com\n"
	    "From: dmarc_support@corp.mail.ru\n\n";
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_int_equal(judge(mail, "mx.example.com", "dmarc_support@mail.ru",
	                     why, sizeof(why), &ma),
	    1);
	assert_int_equal(ma.n_domains, 1);
	assert_string_equal(ma.domains[0], "corp.mail.ru");
	assert_string_equal(ma.top, "MX.example.com");
}

/* Hostile bytes: long fields, control characters, no end of header. */
static void
test_hostile(void **state)
{
	size_t n = 300 * 1024;
	char *mail = malloc(n + 1);
	struct mailauth ma;
	char why[1024];

	(void)state;
	assert_non_null(mail);
	snprintf(mail, n,
	    "Authentication-Results: mx.example.com; dkim=pass "
	    "header.d=\x1b[2Jgoogle.com; x=");
	memset(mail + strlen(mail), 'a', n - strlen(mail));
	mail[n] = '\0';
	assert_int_equal(judge(mail, "mx.example.com", "x@google.com", why,
	                     sizeof(why), &ma),
	    0);
	assert_null(strchr(ma.results, '\x1b'));
	assert_true(strlen(ma.results) < MAILAUTH_TEXT_MAX);
	free(mail);
	/* Unbalanced comment and quote: no crash, nothing vouched. */
	assert_int_equal(
	    judge("Authentication-Results: mx.example.com; "
	          "dkim=pass (x header.d=google.com\n\n",
	        "mx.example.com", "x@google.com", why, sizeof(why), &ma),
	    0);
	assert_int_equal(
	    judge("Authentication-Results: mx.example.com; "
	          "dkim=pass header.d=\"google.com\n\n",
	        "mx.example.com", "x@google.com", why, sizeof(why), &ma),
	    0);
}

/* A real mail from the corpus (parsedmarc's twilight.eml): DKIM and DMARC
 * pass for google.com in two fields of relay-twl-01.twlnet.com. */
static void
test_corpus_mail(void **state)
{
	char path[1024], why[1024], *buf;
	struct mailauth ma;
	FILE *fp;
	long n;

	(void)state;
	snprintf(path, sizeof(path),
	    "%s/parsedmarc/samples/aggregate/twilight.eml", DS_CORPUS);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot read %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	mailauth_scan(
	    (unsigned char *)buf, (size_t)n, "relay-twl-01.twlnet.com", &ma);
	assert_int_equal(
	    mailauth_judge(
	        &ma, od, "noreply-dmarc-support@google.com", why, sizeof(why)),
	    1);
	assert_string_equal(ma.from, "google.com");
	free(buf);
}

static int
setup(void **state)
{
	struct err err;

	(void)state;
	if (orgdomain_open(&od, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	orgdomain_free(od);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_genuine),
	    cmocka_unit_test(test_wrong_org),
	    cmocka_unit_test(test_forged_field_below),
	    cmocka_unit_test(test_attacker_signed),
	    cmocka_unit_test(test_cannot_tell),
	    cmocka_unit_test(test_exchange_online),
	    cmocka_unit_test(test_org_and_runs),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_corpus_mail),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
