/*
 * Unit tests for cli/serve_host.c: the Host names `dmarcsift serve`
 * answers without a login of its own (the loopback's, and those of
 * serve_hosts, which a reverse proxy passes on), what serve_hosts takes
 * and refuses, and that every other name is refused (DNS rebinding).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "serve_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The setting of the tests below. */
#define HOSTS                                                                  \
	"dmarc.example.com, Stats.Example.ORG:8443,[2001:DB8:0::1], "          \
	"[2001:db8::2]:443, 192.0.2.10"

static void
test_parse(void **state)
{
	static const char *const good[] = {"dmarc.example.com",
	    " a.example , b.example:8443 ", "a.example,,b.example",
	    "[::1]:8025", "192.0.2.10:08443", "host_1.internal", HOSTS,
	    "dmarc.example.com.", "dmarc.example.com.:8443"};
	static const struct {
		const char *list, *msg;
	} bad[] = {
	    {"", "no host name in it"},
	    {" , ,", "no host name in it"},
	    {"https://dmarc.example.com",
	        "'https://dmarc.example.com': a host name holds no space and "
	        "no '/'"},
	    {"dmarc.example.com/", "no space and no '/'"},
	    {"dmarc example.com",
	        "'dmarc example.com': a host name holds no "
	        "space"},
	    {"a.example, dmarc.example.com:",
	        "'dmarc.example.com:' is not "
	        "NAME or NAME:PORT"},
	    {":8443", "':8443' is not NAME or NAME:PORT"},
	    {"a.example:84x3", "'a.example:84x3' is not NAME or NAME:PORT"},
	    {"a.example:443:1", "is not NAME or NAME:PORT"},
	    {"2001:db8::1", "'2001:db8::1' is not NAME or NAME:PORT"},
	    {"[2001:db8::1", "is not NAME or NAME:PORT"},
	    {"a.example:0",
	        "'a.example:0': the port is not a number from 1 "
	        "to 65535"},
	    {"a.example:65536", "the port is not a number from 1 to 65535"},
	    {"a.example:1234567", "the port is not a number from 1 to 65535"},
	    {"*.example.com", "'*.example.com' is not a host name"},
	    {"[2001:db8::g]",
	        "'[2001:db8::g]' is not a host name (letters, "
	        "digits, '-' and '.') or an IPv6 address"},
	    {"[192.0.2.1]:80", "is not a host name"},
	    {"[]", "is not a host name"},
	    {"a.example\x01", "'a.example?' is not a host name"},
	    /* One trailing dot is a fully qualified name; two are not. */
	    {"dmarc.example.com..",
	        "'dmarc.example.com..': a name ends in one '.' at most"},
	    {"a.example..:8443", "a name ends in one '.' at most"},
	    {".", "'.' is not NAME or NAME:PORT"},
	    {".:8443", "is not NAME or NAME:PORT"},
	    {"[2001:db8::1].", "is not NAME or NAME:PORT"},
	};
	char long_name[300], many[33 * 12 + 1];
	struct serve_hosts *h;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		h = NULL;
		if (serve_hosts_parse(&h, good[i], &err) < 0)
			fail_msg("%s: %s", good[i], err.msg);
		assert_non_null(h);
		serve_hosts_free(h);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = NULL;
		assert_int_equal(
		    serve_hosts_parse(&h, bad[i].list, &err), ERR_USAGE);
		assert_null(h);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("%s: '%s'", bad[i].list, err.msg);
	}
	/* A name and port of SERVE_HOST_MAX bytes, and one more. */
	memset(long_name, 'a', SERVE_HOST_MAX - 5);
	memcpy(long_name + SERVE_HOST_MAX - 5, ":8443", 6);
	assert_int_equal(serve_hosts_parse(&h, long_name, &err), 0);
	serve_hosts_free(h);
	memset(long_name, 'a', SERVE_HOST_MAX - 4);
	memcpy(long_name + SERVE_HOST_MAX - 4, ":8443", 6);
	assert_int_equal(serve_hosts_parse(&h, long_name, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "longer than a host name and port"));
	/* SERVE_HOSTS_MAX names, and one more. */
	many[0] = '\0';
	for (int i = 0; i < SERVE_HOSTS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "h%02d.example,", i);
	assert_int_equal(serve_hosts_parse(&h, many, &err), 0);
	serve_hosts_free(h);
	strcat(many, "one.more");
	assert_int_equal(serve_hosts_parse(&h, many, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "more than 32 names"));
	serve_hosts_free(NULL);
}

/* The loopback's names, with or without serve_hosts. */
static const char *const loopback[] = {"localhost", "LocalHost:8025",
    "127.0.0.1", "127.0.0.1:8025", "127.8.9.10:1", "[::1]", "[::1]:8025",
    "localhost:99999999", "localhost.", "localhost.:8025"};
/* Never answered: other names, names that merely begin or end as one of
 * serve_hosts, ports not as the entry names them, Host as it must not be
 * written. */
static const char *const refused[] = {"evil.example", "evil.example:8025",
    "dmarc.example.com.evil.example", "evil.dmarc.example.com",
    "xdmarc.example.com", "dmarc.example.co", "dmarc.example.com..",
    "dmarc.example.com..:443", "dmarc.example.com.evil.", ".", ".:443",
    "stats.example.org.:443", "[2001:db8::1].", "[2001:db8::1].:443",
    "localhost..", "dmarc.example.com:", "dmarc.example.com:80x",
    "dmarc.example.com:443:1", "dmarc.example.com 8025", "stats.example.org",
    "stats.example.org:443", "stats.example.org:84430",
    "stats.example.org:8444", "[2001:db8::2]", "[2001:db8::2]:80",
    "[2001:db8::3]", "2001:db8::1", "[2001:db8::1", "[2001:db8::1]x",
    "192.0.2.1", "192.0.2.100", "127.0.0.1.evil.example", "[::2]", ":8025", "",
    "[]", "[::1]:"};

static void
test_accepted(void **state)
{
	static const char *const named[] = {"dmarc.example.com",
	    "DMARC.Example.COM", "dmarc.example.com:443",
	    "dmarc.example.com:8025", "stats.example.org:8443",
	    "STATS.example.org:08443", "stats.example.org:0000000008443",
	    "[2001:db8::1]", "[2001:DB8::0:1]:8443", "[2001:0db8:0000::1]",
	    "[2001:db8::2]:443", "192.0.2.10", "192.0.2.10:80",
	    "dmarc.example.com.", "DMARC.example.com.:8443",
	    "stats.example.org.:8443"};
	struct serve_hosts *h;
	struct err err;

	(void)state;
	assert_int_equal(serve_hosts_parse(&h, HOSTS, &err), 0);
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (!serve_host_accepted(h, loopback[i]))
			fail_msg("loopback '%s' refused", loopback[i]);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!serve_host_accepted(h, named[i]))
			fail_msg("'%s' of serve_hosts refused", named[i]);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (serve_host_accepted(h, refused[i]))
			fail_msg("'%s' answered", refused[i]);
	assert_false(serve_host_accepted(h, NULL));
	/* Without serve_hosts, the loopback's names alone. */
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (serve_host_accepted(NULL, named[i]) ||
		    serve_host_loopback(named[i]))
			fail_msg("'%s' answered without serve_hosts", named[i]);
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (!serve_host_accepted(NULL, loopback[i]) ||
		    !serve_host_loopback(loopback[i]))
			fail_msg("loopback '%s' refused", loopback[i]);
	assert_false(serve_host_loopback(NULL));
	serve_hosts_free(h);
}

/* An entry written fully qualified is the name without its dot. */
static void
test_entry_dot(void **state)
{
	struct serve_hosts *h;
	struct err err;

	(void)state;
	assert_int_equal(
	    serve_hosts_parse(&h, "dmarc.example.com., a.example.:8443", &err),
	    0);
	assert_true(serve_host_accepted(h, "dmarc.example.com"));
	assert_true(serve_host_accepted(h, "dmarc.example.com.:443"));
	assert_true(serve_host_accepted(h, "a.example:8443"));
	assert_true(serve_host_accepted(h, "a.example.:8443"));
	assert_false(serve_host_accepted(h, "a.example:443"));
	assert_false(serve_host_accepted(h, "dmarc.example.com.."));
	serve_hosts_free(h);
}

/* A Host without a port was asked at the scheme's: an entry naming
 * that port takes it, one naming another does not. */
static void
test_default_port(void **state)
{
	static const char *const list = "dmarc.example.com:443, "
	                                "plain.example.com:80, "
	                                "[2001:db8::2]:443, any.example.com, "
	                                "stats.example.org:8443";
	static const char *const https[] = {"dmarc.example.com",
	    "DMARC.example.com.", "dmarc.example.com:443", "[2001:db8::2]",
	    "any.example.com", "any.example.com:443", "any.example.com:8080",
	    "stats.example.org:8443", "plain.example.com:80", "localhost"};
	static const char *const https_no[] = {"plain.example.com",
	    "stats.example.org", "dmarc.example.com:80", "[2001:db8::2]:80",
	    "dmarc.example.com..", "evil.example", "evil.example:443"};
	static const char *const http[] = {"plain.example.com",
	    "plain.example.com.", "plain.example.com:80",
	    "dmarc.example.com:443", "any.example.com", "any.example.com:80"};
	static const char *const http_no[] = {"dmarc.example.com",
	    "[2001:db8::2]", "stats.example.org", "plain.example.com:443",
	    "evil.example", "evil.example:80"};
	struct serve_hosts *h;
	struct err err;

	(void)state;
	assert_int_equal(serve_hosts_parse(&h, list, &err), 0);
	/* Unset: a Host without a port matches entries without one alone. */
	assert_false(serve_host_accepted(h, "dmarc.example.com"));
	assert_false(serve_host_accepted(h, "plain.example.com"));
	assert_true(serve_host_accepted(h, "any.example.com"));
	serve_hosts_default_port(h, 443);
	for (size_t i = 0; i < sizeof(https) / sizeof(https[0]); i++)
		if (!serve_host_accepted(h, https[i]))
			fail_msg("https: '%s' refused", https[i]);
	for (size_t i = 0; i < sizeof(https_no) / sizeof(https_no[0]); i++)
		if (serve_host_accepted(h, https_no[i]))
			fail_msg("https: '%s' answered", https_no[i]);
	serve_hosts_default_port(h, 80);
	for (size_t i = 0; i < sizeof(http) / sizeof(http[0]); i++)
		if (!serve_host_accepted(h, http[i]))
			fail_msg("http: '%s' refused", http[i]);
	for (size_t i = 0; i < sizeof(http_no) / sizeof(http_no[0]); i++)
		if (serve_host_accepted(h, http_no[i]))
			fail_msg("http: '%s' answered", http_no[i]);
	serve_hosts_free(h);
	serve_hosts_default_port(NULL, 443);
}

/* The entries as the startup line shows them: as they are matched. */
static void
test_text(void **state)
{
	char list[SERVE_HOSTS_MAX * (SERVE_HOST_MAX + 1) + 1], *text;
	struct serve_hosts *h;
	struct err err;
	size_t n;

	(void)state;
	assert_null(serve_hosts_text(NULL));
	assert_int_equal(serve_hosts_parse(&h, HOSTS, &err), 0);
	text = serve_hosts_text(h);
	assert_non_null(text);
	assert_string_equal(text,
	    "dmarc.example.com, Stats.Example.ORG:8443, [2001:db8::1], "
	    "[2001:db8::2]:443, 192.0.2.10");
	free(text);
	serve_hosts_free(h);
	assert_int_equal(
	    serve_hosts_parse(
	        &h, " dmarc.example.com.:08443 ,[2001:DB8:0::1]:443", &err),
	    0);
	text = serve_hosts_text(h);
	assert_non_null(text);
	assert_string_equal(text, "dmarc.example.com:8443, [2001:db8::1]:443");
	free(text);
	serve_hosts_free(h);
	/* The most there can be, whole: SERVE_HOSTS_MAX of the longest. */
	list[0] = '\0';
	for (int i = 0; i < SERVE_HOSTS_MAX; i++) {
		n = strlen(list);
		memset(list + n, 'a' + i % 26, SERVE_HOST_MAX - 6);
		memcpy(list + n + SERVE_HOST_MAX - 6, ":65535,", 8);
	}
	assert_int_equal(serve_hosts_parse(&h, list, &err), 0);
	text = serve_hosts_text(h);
	assert_non_null(text);
	n = strlen(text);
	assert_int_equal(n, SERVE_HOSTS_MAX * (SERVE_HOST_MAX + 2) - 2);
	assert_true(n < SERVE_HOSTS_TEXT_MAX);
	assert_string_equal(text + n - 7, "f:65535");
	free(text);
	serve_hosts_free(h);
}

/* A name of serve_hosts that is the loopback's changes nothing. */
static void
test_loopback_named(void **state)
{
	struct serve_hosts *h;
	struct err err;

	(void)state;
	assert_int_equal(serve_hosts_parse(&h, "localhost:8025", &err), 0);
	assert_true(serve_host_accepted(h, "localhost:9000"));
	assert_false(serve_host_accepted(h, "evil.example:8025"));
	serve_hosts_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_entry_dot),
	    cmocka_unit_test(test_default_port),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_loopback_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
