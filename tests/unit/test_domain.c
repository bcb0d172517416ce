/* Unit tests for common/domain.c: the one syntax of a domain name, as a
 * user gives it and as strangers write it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "domain.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What domain_check() says of each name: the name kept, or why not. */
static const struct {
	const char *in;
	const char *out; /* NULL: refused */
	const char *why; /* the reason in the message */
} user_cases[] = {
    {"example.com", "example.com"},
    {"Mail.Example.COM.", "mail.example.com"},
    {"_dmarc.example.com", "_dmarc.example.com"},
    {"xn--mnchen-3ya.de", "xn--mnchen-3ya.de"},
    {"a-b.c-d.test", "a-b.c-d.test"},
    {"localhost", "localhost"},
    {"1.example.123x", "1.example.123x"},
    {"", NULL, "1 to 253 bytes"},
    {".", NULL, "1 to 253 bytes"},
    {"a..b", NULL, "an empty label"},
    {".a", NULL, "an empty label"},
    {"a.b..", NULL, "an empty label"},
    {"-x", NULL, "a label that begins with '-'"},
    {"x-.test", NULL, "a label that ends with '-'"},
    {"a.-b.test", NULL, "a label that begins with '-'"},
    {"192.0.2.1", NULL, "an address, not a name"},
    {"example.123", NULL, "an address, not a name"},
    {"2001:db8::1", NULL, "letters, digits"},
    {"exa mple.test", NULL, "letters, digits"},
    {"d\303\251j\303\240.test", NULL, "A-label form"},
};

static void
test_user_names(void **state)
{
	char out[DOMAIN_MAX], label[70], name[300];
	struct err err;

	(void)state;
	for (size_t i = 0; i < N(user_cases); i++) {
		int rc = domain_check(user_cases[i].in, out, sizeof(out), &err);

		if (user_cases[i].out != NULL) {
			if (rc != 0)
				fail_msg("'%s': %s", user_cases[i].in, err.msg);
			assert_string_equal(out, user_cases[i].out);
			continue;
		}
		if (rc != ERR_USAGE)
			fail_msg("'%s' taken", user_cases[i].in);
		assert_string_equal(out, "");
		assert_non_null(strstr(err.msg, "is not a domain name ("));
		if (strstr(err.msg, user_cases[i].why) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", user_cases[i].in,
			    err.msg, user_cases[i].why);
	}

	/* 63 bytes a label, 253 a name (a final dot not counted). */
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(name, sizeof(name), "%s.test", label);
	assert_int_equal(domain_check(name, out, sizeof(out), &err), 0);
	snprintf(name, sizeof(name), "%sa.test", label);
	assert_int_equal(domain_check(name, out, sizeof(out), &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "a label over 63 bytes"));
	snprintf(
	    name, sizeof(name), "%s.%s.%s.%.61s", label, label, label, label);
	assert_int_equal(strlen(name), 253);
	assert_int_equal(domain_check(name, out, sizeof(out), &err), 0);
	strcat(name, ".");
	assert_int_equal(domain_check(name, out, sizeof(out), &err), 0);
	assert_int_equal(strlen(out), 253);
	name[253] = 'a';
	assert_int_equal(domain_check(name, out, sizeof(out), &err), ERR_USAGE);
	/* An out too small is refused, never overrun. */
	assert_int_equal(domain_check("example.com", out, 11, &err), ERR_USAGE);
	assert_int_equal(domain_check("example.com", out, 12, &err), 0);
	assert_int_equal(domain_check(NULL, out, sizeof(out), &err), ERR_USAGE);
}

/* Names as strangers write them: hyphens anywhere, U-labels kept. */
static void
test_seen_names(void **state)
{
	char out[DOMAIN_MAX];

	(void)state;
	assert_null(
	    domain_scan("-x.Example.com", out, sizeof(out), DOMAIN_SEEN));
	assert_string_equal(out, "-x.example.com");
	assert_null(domain_scan(
	    "d\303\251j\303\240.TEST", out, sizeof(out), DOMAIN_SEEN));
	assert_string_equal(out, "d\303\251j\303\240.test");
	/* A broken sequence, an address or an empty label never is. */
	assert_non_null(
	    domain_scan("d\303.test", out, sizeof(out), DOMAIN_SEEN));
	assert_string_equal(out, "");
	assert_non_null(domain_scan("10.0.0.1", out, sizeof(out), DOMAIN_SEEN));
	assert_non_null(domain_scan("a..b", out, sizeof(out), DOMAIN_SEEN));
	/* Hyphens alone: ASCII still. */
	assert_null(
	    domain_scan("x-.test", out, sizeof(out), DOMAIN_HYPHEN_EDGES));
	assert_non_null(domain_scan(
	    "d\303\251.test", out, sizeof(out), DOMAIN_HYPHEN_EDGES));
}

/* The domains setting and an address's domain follow the same rule as
 * --domain (they once took '-x' and '192.0.2.1'). */
static void
test_config_domains(void **state)
{
	static const struct {
		enum config_key key;
		const char *value;
		int ok;
	} cases[] = {
	    {CONFIG_DOMAINS, "example.com, Example.NET.", 1},
	    {CONFIG_DOMAINS, "example.com, -x.test", 0},
	    {CONFIG_DOMAINS, "x-.test", 0},
	    {CONFIG_DOMAINS, "192.0.2.1", 0},
	    {CONFIG_MAIL_TO, "dmarc@example.com", 1},
	    {CONFIG_MAIL_TO, "dmarc@-x.test", 0},
	    {CONFIG_MAIL_TO, "dmarc@192.0.2.1", 0},
	};
	struct err err;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct config *cfg = config_new();
		int rc;

		assert_int_equal(config_set(cfg, cases[i].key, cases[i].value,
		                     CONFIG_FROM_FLAG, "--x", &err),
		    0);
		rc = config_check(cfg, &err);
		if (cases[i].ok && rc != 0)
			fail_msg("'%s': %s", cases[i].value, err.msg);
		if (!cases[i].ok) {
			if (rc != ERR_USAGE)
				fail_msg("'%s' taken", cases[i].value);
			assert_non_null(
			    strstr(err.msg, "is not a domain name"));
		}
		config_free(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_user_names),
	    cmocka_unit_test(test_seen_names),
	    cmocka_unit_test(test_config_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
