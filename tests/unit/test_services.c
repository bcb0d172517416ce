/* Unit tests for analyze/services.c: the built-in list of sending services,
 * suffix matching on label boundaries, and the user's own file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct services *builtin;

static int
setup(void **state)
{
	struct err err;

	err_clear(&err);
	if (services_load(&builtin, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	services_free(builtin);
	return 0;
}

static const struct {
	enum services_kind kind;
	const char *domain, *service;
} lookups[] = {
    {SERVICES_PTR, "mail-sor-f41.google.com", "Google Workspace / Gmail"},
    {SERVICES_PTR, "mail-yw1-f169.1e100.net", "Google Workspace / Gmail"},
    {SERVICES_DKIM, "example-com.20230601.gappssmtp.com",
        "Google Workspace (default DKIM)"},
    {SERVICES_PTR, "mail-db8eur05on2091.outbound.protection.outlook.com",
        "Microsoft 365 / Outlook"},
    {SERVICES_DKIM, "contoso.onmicrosoft.com", "Microsoft 365 / Outlook"},
    {SERVICES_PTR, "a8-33.smtp-out.amazonses.com", "Amazon SES"},
    {SERVICES_DKIM, "amazonses.com", "Amazon SES"},
    {SERVICES_DKIM, "sendgrid.net", "SendGrid"},
    {SERVICES_SPF, "em1234.sendgrid.net", "SendGrid"},
    {SERVICES_DKIM, "mcsv.net", "Mailchimp"},
    {SERVICES_SPF, "mail123.atl11.rsgsv.net", "Mailchimp"},
    {SERVICES_DKIM, "mandrillapp.com", "Mailchimp Transactional (Mandrill)"},
    {SERVICES_SPF, "mailgun.org", "Mailgun"},
    {SERVICES_PTR, "mta12.mtasv.net", "Postmark"},
    {SERVICES_SPF, "sparkpostmail.com", "SparkPost"},
    {SERVICES_SPF, "bounce.exacttarget.com", "Salesforce Marketing Cloud"},
    {SERVICES_SPF, "25424386.spf05.hubspotemail.net", "HubSpot"},
    {SERVICES_DKIM, "zendesk.com", "Zendesk"},
    {SERVICES_PTR, "sender4-op-o12.zoho.com", "Zoho Mail"},
    {SERVICES_SPF, "email-od.com", "SocketLabs"},
    {SERVICES_ANY, "klaviyomail.com", "Klaviyo"},
    {SERVICES_PTR, "ec2-198-51-100-7.compute-1.amazonaws.com",
        "Amazon Web Services (EC2)"},
    /* Case and a trailing dot do not matter. */
    {SERVICES_PTR, "MAIL-SOR-F41.Google.COM.", "Google Workspace / Gmail"},
    /* Label boundaries: no match inside a label. */
    {SERVICES_PTR, "notgoogle.com", NULL},
    {SERVICES_PTR, "google.com.evil.example", NULL},
    {SERVICES_DKIM, "mysendgrid.net", NULL},
    {SERVICES_DKIM, "sendgrid.net.example", NULL},
    {SERVICES_DKIM, "example.com", NULL},
    /* Kind-specific entries answer only their kind. */
    {SERVICES_DKIM, "mail-yw1-f169.1e100.net", NULL},
    {SERVICES_PTR, "email-od.com", NULL},
    {SERVICES_ANY, "email-od.com", "SocketLabs"},
    /* Not names. */
    {SERVICES_PTR, "", NULL},
    {SERVICES_PTR, NULL, NULL},
    {SERVICES_PTR, "192.0.2.1", NULL},
    {SERVICES_PTR, "google.com\x01", NULL},
    {SERVICES_PTR, "com", NULL},
};

static void
test_services_builtin(void **state)
{
	const char *got;
	size_t i;

	for (i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		got = services_lookup(
		    builtin, lookups[i].kind, lookups[i].domain);
		if ((got == NULL) != (lookups[i].service == NULL) ||
		    (got != NULL && strcmp(got, lookups[i].service) != 0))
			fail_msg("case %zu %s '%s': got '%s', want '%s'", i,
			    services_kind_name(lookups[i].kind),
			    lookups[i].domain ? lookups[i].domain : "(null)",
			    got ? got : "(null)",
			    lookups[i].service ? lookups[i].service : "(null)");
	}
	assert_null(
	    services_lookup(builtin, (enum services_kind)42, "google.com"));
}

/* The roles of the built-in list: only services that resend others' mail,
 * and never a service that sends its customers' own. */
static const struct {
	enum services_kind kind;
	const char *domain;
	enum services_role role;
} roles[] = {
    {SERVICES_DKIM, "googlegroups.com", SERVICES_ROLE_LIST},
    {SERVICES_SPF, "bounce.googlegroups.com", SERVICES_ROLE_LIST},
    {SERVICES_DKIM, "groups.io", SERVICES_ROLE_LIST},
    {SERVICES_SPF, "freelists.org", SERVICES_ROLE_LIST},
    {SERVICES_SPF, "lists.sourceforge.net", SERVICES_ROLE_LIST},
    {SERVICES_DKIM, "sendgrid.net", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "amazonses.com", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "mcsv.net", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "gmail.com", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "google.com", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "onmicrosoft.com", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "mimecast.com", SERVICES_ROLE_NONE},
    {SERVICES_SPF, "sourceforge.net", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, "example.com", SERVICES_ROLE_NONE},
    {SERVICES_DKIM, NULL, SERVICES_ROLE_NONE},
};

static void
test_services_roles(void **state)
{
	enum services_role got;
	const char *name;
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		got = (enum services_role)99;
		name = services_find(
		    builtin, roles[i].kind, roles[i].domain, &got);
		if (got != roles[i].role)
			fail_msg("case %zu '%s': role %s, want %s", i,
			    roles[i].domain ? roles[i].domain : "(null)",
			    services_role_name(got),
			    services_role_name(roles[i].role));
		/* The same entry as services_lookup(). */
		assert_ptr_equal(name,
		    services_lookup(builtin, roles[i].kind, roles[i].domain));
	}
	assert_string_equal(
	    services_find(builtin, SERVICES_DKIM, "googlegroups.com", NULL),
	    "Google Groups");
	assert_null(services_find(
	    builtin, (enum services_kind)42, "googlegroups.com", &got));
	assert_int_equal(got, SERVICES_ROLE_NONE);

	assert_int_equal(services_role_parse("list"), SERVICES_ROLE_LIST);
	assert_int_equal(
	    services_role_parse("forwarder"), SERVICES_ROLE_FORWARDER);
	assert_int_equal(services_role_parse("none"), -1);
	assert_int_equal(services_role_parse(""), -1);
	assert_int_equal(services_role_parse(NULL), -1);
	assert_string_equal(services_role_name(SERVICES_ROLE_LIST), "list");
	assert_string_equal(
	    services_role_name(SERVICES_ROLE_FORWARDER), "forwarder");
	assert_string_equal(services_role_name(SERVICES_ROLE_NONE), "none");
	assert_string_equal(
	    services_role_name((enum services_role)7), "unknown");
}

static void
test_services_count(void **state)
{
	/* The issue asks for at least 100 common senders. */
	assert_true(services_count(builtin) >= 100);
	assert_true(services_entries(builtin) >= services_count(builtin));
}

static void
test_services_kinds(void **state)
{
	assert_int_equal(services_kind_parse("ptr"), SERVICES_PTR);
	assert_int_equal(services_kind_parse("dkim"), SERVICES_DKIM);
	assert_int_equal(services_kind_parse("spf"), SERVICES_SPF);
	assert_int_equal(services_kind_parse("any"), SERVICES_ANY);
	assert_int_equal(services_kind_parse("mx"), -1);
	assert_int_equal(services_kind_parse("PTR"), -1);
	assert_int_equal(services_kind_parse(NULL), -1);
	assert_string_equal(services_kind_name(SERVICES_SPF), "spf");
}

static char tmp_path[64];

static const char *
write_tmp(const char *text, size_t len)
{
	FILE *fp;
	int fd;

	strcpy(tmp_path, "/tmp/test_services.XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
	return tmp_path;
}

static void
test_services_user(void **state)
{
	static const char text[] =
	    "# our own senders\n"
	    "\n"
	    "   # an indented comment\n"
	    "any\tcorp-mailer.example\tOur mail relay\r\n"
	    "dkim\tsendgrid.net\t\tNewsletter (via SendGrid)\n"
	    "ptr\tmta.sendgrid.net\tSendGrid US pool\n"
	    "any\tgoogle.com\tOur Google tenant\n"
	    "spf  \t  bounce.example.org  \t  Bounces  \n"
	    "any\tm\xc3\xbcller.example\tM\xc3\xbcller GmbH";
	struct services *s;
	struct err err;

	err_clear(&err);
	assert_int_equal(
	    services_load(&s, write_tmp(text, strlen(text)), &err), 0);
	unlink(tmp_path);
	assert_int_equal(services_entries(s), services_entries(builtin) + 6);
	assert_string_equal(
	    services_lookup(s, SERVICES_PTR, "relay1.corp-mailer.example"),
	    "Our mail relay");
	/* The user's entry wins for the kind it names... */
	assert_string_equal(services_lookup(s, SERVICES_DKIM, "sendgrid.net"),
	    "Newsletter (via SendGrid)");
	/* ...and the built-in one still answers the other kinds. */
	assert_string_equal(
	    services_lookup(s, SERVICES_SPF, "sendgrid.net"), "SendGrid");
	/* The longest domain wins, whoever listed it. */
	assert_string_equal(
	    services_lookup(s, SERVICES_PTR, "o1.mta.sendgrid.net"),
	    "SendGrid US pool");
	/* A user "any" beats a built-in "any" for the same domain. */
	assert_string_equal(
	    services_lookup(s, SERVICES_PTR, "mail-sor-f41.google.com"),
	    "Our Google tenant");
	/* ...but not a longer built-in domain. */
	assert_string_equal(
	    services_lookup(s, SERVICES_PTR, "mail-yw1-f169.1e100.net"),
	    "Google Workspace / Gmail");
	assert_string_equal(
	    services_lookup(s, SERVICES_SPF, "x.bounce.example.org"),
	    "Bounces");
	assert_null(services_lookup(s, SERVICES_DKIM, "bounce.example.org"));
	assert_string_equal(
	    services_lookup(s, SERVICES_ANY, "M\xc3\xbcller.example"),
	    "M\xc3\xbcller GmbH");
	services_free(s);
}

static const struct {
	const char *text;
	int code;
	const char *msg; /* after "path:" */
} bad_files[] = {
    {"any\tok.example\tOK\nmx\texample.com\tX\n", ERR_MALFORMED,
        ":2: unknown kind 'mx'"},
    {"any\texample.com\n", ERR_MALFORMED,
        ":1: expected 3 or 4 tab-separated fields (kind, domain, service, "
        "role), found 2"},
    {"any example.com Example\n", ERR_MALFORMED,
        ":1: expected 3 or 4 tab-separated fields"},
    {"any\texample.com\tA\tB\n", ERR_MALFORMED,
        ":1: unknown role 'B' (expected forwarder or list)"},
    {"any\texample.com\tA\tnone\n", ERR_MALFORMED, ":1: unknown role 'none'"},
    {"any\texample.com\tA\tList\n", ERR_MALFORMED, ":1: unknown role 'List'"},
    {"any\texample.com\tA\tlist\tB\n", ERR_MALFORMED,
        ":1: expected 3 or 4 tab-separated fields"},
    {"\n\nany\texa mple.com\tX\n", ERR_MALFORMED,
        ":3: invalid domain 'exa mple.com'"},
    {"any\t192.0.2.1\tX\n", ERR_MALFORMED, ":1: invalid domain"},
    {"any\t*.example.com\tX\n", ERR_MALFORMED, ":1: invalid domain"},
    {"any\texample.com\tbad\x01name\n", ERR_MALFORMED,
        ":1: invalid service name"},
    {"any\texample.com\tbad\xff\n", ERR_MALFORMED, ":1: invalid service name"},
    {"any\tok.example\tA\nany\tb.example\tB\nany\tOK.example.\tC\n",
        ERR_MALFORMED, ":3: any ok.example listed twice (also line 1)"},
};

/* The user's roles: a fourth field, and the entry that wins brings its
 * role (or none) with it. */
static void
test_services_user_roles(void **state)
{
	static const char text[] =
	    "any\tfwd.example\tOur forwarder\tforwarder\n"
	    "dkim\tlists.example.org\tOur list host\t\tlist  \n"
	    "spf\tlists.example.org\tOur list bounces\n"
	    "dkim\tgooglegroups.com\tGroups, not a list here\n";
	unsigned char d1[32], d2[32];
	enum services_role role;
	struct services *s, *s2;
	struct err err;

	err_clear(&err);
	assert_int_equal(
	    services_load(&s, write_tmp(text, strlen(text)), &err), 0);
	unlink(tmp_path);
	assert_string_equal(
	    services_find(s, SERVICES_SPF, "srs.fwd.example", &role),
	    "Our forwarder");
	assert_int_equal(role, SERVICES_ROLE_FORWARDER);
	assert_string_equal(
	    services_find(s, SERVICES_DKIM, "lists.example.org", &role),
	    "Our list host");
	assert_int_equal(role, SERVICES_ROLE_LIST);
	assert_string_equal(
	    services_find(s, SERVICES_SPF, "lists.example.org", &role),
	    "Our list bounces");
	assert_int_equal(role, SERVICES_ROLE_NONE);
	/* The user's entry wins, without the built-in role. */
	assert_string_equal(
	    services_find(s, SERVICES_DKIM, "googlegroups.com", &role),
	    "Groups, not a list here");
	assert_int_equal(role, SERVICES_ROLE_NONE);
	assert_non_null(
	    services_find(s, SERVICES_SPF, "googlegroups.com", &role));
	assert_int_equal(role, SERVICES_ROLE_LIST);

	/* A role is part of the digest: changing it recomputes verdicts. */
	services_digest(s, d1);
	services_free(s);
	{
		static const char other[] =
		    "any\tfwd.example\tOur forwarder\tlist\n"
		    "dkim\tlists.example.org\tOur list host\tlist\n"
		    "spf\tlists.example.org\tOur list bounces\n"
		    "dkim\tgooglegroups.com\tGroups, not a list here\n";

		assert_int_equal(
		    services_load(&s2, write_tmp(other, strlen(other)), &err),
		    0);
		unlink(tmp_path);
	}
	services_digest(s2, d2);
	assert_memory_not_equal(d1, d2, sizeof(d1));
	services_free(s2);
}

static void
test_services_user_errors(void **state)
{
	struct services *s;
	struct err err;
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		err_clear(&err);
		s = (struct services *)&err;
		assert_int_equal(
		    services_load(&s,
		        write_tmp(bad_files[i].text, strlen(bad_files[i].text)),
		        &err),
		    bad_files[i].code);
		unlink(tmp_path);
		assert_null(s);
		snprintf(
		    want, sizeof(want), "%s%s", tmp_path, bad_files[i].msg);
		if (strncmp(err.msg, want, strlen(want)) != 0)
			fail_msg(
			    "case %zu: '%s', want '%s...'", i, err.msg, want);
	}
}

static void
test_services_user_limits(void **state)
{
	struct services *s;
	struct err err;
	char *big;
	size_t n;

	/* A NUL byte. */
	assert_int_equal(
	    services_load(&s, write_tmp("any\tex\0ample.com\tX\n", 19), &err),
	    ERR_MALFORMED);
	unlink(tmp_path);
	assert_non_null(strstr(err.msg, ":1: NUL byte"));

	/* A line over the ceiling. */
	n = SERVICES_LINE_MAX + 10;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	assert_int_equal(
	    services_load(&s, write_tmp(big, n), &err), ERR_MALFORMED);
	unlink(tmp_path);
	assert_non_null(strstr(err.msg, ":1: line longer than"));
	free(big);

	/* A file over the ceiling, even of comments. */
	n = SERVICES_FILE_MAX + 1;
	big = malloc(n);
	assert_non_null(big);
	memset(big, '\n', n);
	big[0] = '#';
	assert_int_equal(services_load(&s, write_tmp(big, n), &err), ERR_LIMIT);
	unlink(tmp_path);
	free(big);

	/* A file that is not there. */
	assert_int_equal(
	    services_load(&s, "/nonexistent/services.tsv", &err), ERR_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/services.tsv"));
	assert_null(s);

	/* An empty file adds nothing. */
	assert_int_equal(services_load(&s, write_tmp("", 0), &err), 0);
	unlink(tmp_path);
	assert_int_equal(services_entries(s), services_entries(builtin));
	services_free(s);
	services_free(NULL);
}

/* Lookups are cheap enough to run per record. */
static void
test_services_speed(void **state)
{
	static const char *const names[] = {"a8-33.smtp-out.amazonses.com",
	    "mail-sor-f41.google.com", "unknown.host.example.net",
	    "o1.ptr1234.sendgrid.net", "192-0-2-1.dynamic.isp.example"};
	size_t i, hits = 0;

	for (i = 0; i < 200000; i++)
		hits += services_lookup(builtin, SERVICES_PTR, names[i % 5]) !=
		    NULL;
	assert_int_equal(hits, 120000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_services_builtin),
	    cmocka_unit_test(test_services_roles),
	    cmocka_unit_test(test_services_count),
	    cmocka_unit_test(test_services_kinds),
	    cmocka_unit_test(test_services_user),
	    cmocka_unit_test(test_services_user_roles),
	    cmocka_unit_test(test_services_user_errors),
	    cmocka_unit_test(test_services_user_limits),
	    cmocka_unit_test(test_services_speed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
