/*
 * Unit tests for common/httpd_proxy.c: the list of trusted proxies (what
 * it takes and refuses), whether an address is in it, and the client a
 * trusted proxy names in X-Forwarded-For or Forwarded: the rightmost hop
 * that is no trusted proxy, never what a client wrote to its left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "httpd_proxy.h"

#include <string.h>

static void
test_parse(void **state)
{
	static const char *const good[] = {"127.0.0.1", "10.0.0.0/8",
	    "::1, 192.168.1.0/24", "2001:db8::/32,127.0.0.1/32",
	    " 10.1.2.3/8 , ::ffff:10.0.0.1 ", "fe80::1/128"};
	static const struct {
		const char *list, *msg;
	} bad[] = {
	    {"", "no address in it"},
	    {" , ", "no address in it"},
	    {"0.0.0.0/0", "'0.0.0.0/0' is every address"},
	    {"::/0", "'::/0' is every address"},
	    {"127.0.0.1, proxy.example",
	        "'proxy.example' is not an address or a network"},
	    {"10.0.0.0/33",
	        "'10.0.0.0/33': the prefix length is not a "
	        "number from 1 to 32"},
	    {"10.0.0.0/", "'10.0.0.0/': the prefix length"},
	    {"10.0.0.0/8x", "'10.0.0.0/8x': the prefix length"},
	    {"10.0.0.0/-8", "'10.0.0.0/-8': the prefix length"},
	    {"2001:db8::/129", "number from 1 to 128"},
	    {"010.0.0.1", "'010.0.0.1' is not an address"},
	};
	struct httpd_proxies *p;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = NULL;
		if (httpd_proxies_parse(&p, good[i], &err) < 0)
			fail_msg("%s: %s", good[i], err.msg);
		httpd_proxies_free(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = NULL;
		assert_int_equal(
		    httpd_proxies_parse(&p, bad[i].list, &err), ERR_USAGE);
		assert_null(p);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("%s: '%s'", bad[i].list, err.msg);
	}
	httpd_proxies_free(NULL);
}

static void
test_trusts(void **state)
{
	struct httpd_proxies *p;
	struct err err;

	(void)state;
	assert_int_equal(httpd_proxies_parse(&p,
	                     "127.0.0.1, 10.20.0.0/14, 2001:db8:a::/48, "
	                     "192.0.2.129/25",
	                     &err),
	    0);
	assert_true(httpd_proxies_trusts(p, "127.0.0.1"));
	assert_false(httpd_proxies_trusts(p, "127.0.0.2"));
	/* A listener on [::] sees IPv4 clients so. */
	assert_true(httpd_proxies_trusts(p, "::ffff:127.0.0.1"));
	assert_true(httpd_proxies_trusts(p, "10.20.0.0"));
	assert_true(httpd_proxies_trusts(p, "10.23.255.255"));
	assert_false(httpd_proxies_trusts(p, "10.24.0.0"));
	assert_false(httpd_proxies_trusts(p, "10.19.255.255"));
	assert_true(httpd_proxies_trusts(p, "2001:db8:a:ffff::1"));
	assert_false(httpd_proxies_trusts(p, "2001:db8:b::1"));
	/* Host bits in an entry are the network's. */
	assert_true(httpd_proxies_trusts(p, "192.0.2.200"));
	assert_false(httpd_proxies_trusts(p, "192.0.2.127"));
	/* IPv4 and IPv6 never mix, and what is no address is nobody. */
	assert_false(httpd_proxies_trusts(p, "::1"));
	assert_false(httpd_proxies_trusts(p, "::7f00:1"));
	assert_false(httpd_proxies_trusts(p, ""));
	assert_false(httpd_proxies_trusts(p, "-"));
	assert_false(httpd_proxies_trusts(p, "127.0.0.1 "));
	assert_false(httpd_proxies_trusts(NULL, "127.0.0.1"));
	httpd_proxies_free(p);
}

static void
test_client(void **state)
{
	static const struct {
		enum httpd_forwarded kind;
		const char *values, *peer, *want;
	} cases[] = {
	    /* No header: the proxy itself. */
	    {HTTPD_X_FORWARDED_FOR, NULL, "127.0.0.1", "127.0.0.1"},
	    {HTTPD_X_FORWARDED_FOR, "", "127.0.0.1", "127.0.0.1"},
	    /* What a client wrote to the left of its own address stays
	     * there. */
	    {HTTPD_X_FORWARDED_FOR, "203.0.113.7", "127.0.0.1", "203.0.113.7"},
	    {HTTPD_X_FORWARDED_FOR, "198.51.100.1, 203.0.113.7", "127.0.0.1",
	        "203.0.113.7"},
	    {HTTPD_X_FORWARDED_FOR, "1.2.3.4,198.51.100.1,203.0.113.7",
	        "127.0.0.1", "203.0.113.7"},
	    /* Trusted hops are passed over, from the right. */
	    {HTTPD_X_FORWARDED_FOR, "198.51.100.1, 203.0.113.7, 10.0.0.5",
	        "127.0.0.1", "203.0.113.7"},
	    {HTTPD_X_FORWARDED_FOR, "10.0.0.6, 10.0.0.5", "127.0.0.1",
	        "10.0.0.6"},
	    /* Two header lines, joined by httpd in order. */
	    {HTTPD_X_FORWARDED_FOR, "6.6.6.6,203.0.113.7", "127.0.0.1",
	        "203.0.113.7"},
	    /* A port, IPv6 with and without brackets, canonical forms. */
	    {HTTPD_X_FORWARDED_FOR, "203.0.113.7:51234", "127.0.0.1",
	        "203.0.113.7"},
	    {HTTPD_X_FORWARDED_FOR, "2001:DB8:0::7", "127.0.0.1",
	        "2001:db8::7"},
	    {HTTPD_X_FORWARDED_FOR, "[2001:db8::7]:443", "127.0.0.1",
	        "2001:db8::7"},
	    {HTTPD_X_FORWARDED_FOR, "::ffff:203.0.113.7", "::ffff:127.0.0.1",
	        "203.0.113.7"},
	    /* What is no address ends the walk at the last trusted hop. */
	    {HTTPD_X_FORWARDED_FOR, "unknown", "127.0.0.1", "127.0.0.1"},
	    {HTTPD_X_FORWARDED_FOR, "203.0.113.7, garbage", "127.0.0.1",
	        "127.0.0.1"},
	    {HTTPD_X_FORWARDED_FOR, "garbage, 10.0.0.5", "127.0.0.1",
	        "10.0.0.5"},
	    {HTTPD_X_FORWARDED_FOR, "203.0.113.7, ", "127.0.0.1",
	        "203.0.113.7"},
	    {HTTPD_X_FORWARDED_FOR, "[203.0.113.7]", "127.0.0.1", "127.0.0.1"},
	    {HTTPD_X_FORWARDED_FOR, "203.0.113.7 10.0.0.5", "127.0.0.1",
	        "127.0.0.1"},
	    /* Forwarded: for= of each element; other pairs and quotes. */
	    {HTTPD_FORWARDED, "for=203.0.113.7", "127.0.0.1", "203.0.113.7"},
	    {HTTPD_FORWARDED, "for=6.6.6.6, for=203.0.113.7;proto=https",
	        "127.0.0.1", "203.0.113.7"},
	    {HTTPD_FORWARDED, "proto=https;For=\"[2001:db8:cafe::17]:4711\"",
	        "127.0.0.1", "2001:db8:cafe::17"},
	    {HTTPD_FORWARDED,
	        "for=198.51.100.9;by=x, for=\"203.0.113.7:80\";host=\"a,b\", "
	        "for=10.0.0.5",
	        "127.0.0.1", "203.0.113.7"},
	    {HTTPD_FORWARDED, "for=_hidden, for=10.0.0.5", "127.0.0.1",
	        "10.0.0.5"},
	    {HTTPD_FORWARDED, "proto=https", "127.0.0.1", "127.0.0.1"},
	    /* Each reads its own header only. */
	    {HTTPD_FORWARDED, "203.0.113.7", "127.0.0.1", "127.0.0.1"},
	    {HTTPD_X_FORWARDED_FOR, "for=203.0.113.7", "127.0.0.1",
	        "127.0.0.1"},
	};
	struct httpd_proxies *p;
	char out[IP_TEXT_MAX];
	struct err err;

	(void)state;
	assert_int_equal(
	    httpd_proxies_parse(&p, "127.0.0.1, 10.0.0.0/8", &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		httpd_proxies_client(
		    p, cases[i].kind, cases[i].values, cases[i].peer, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%zu '%s': got %s, want %s", i,
			    cases[i].values ? cases[i].values : "(none)", out,
			    cases[i].want);
	}
	httpd_proxies_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_trusts),
	    cmocka_unit_test(test_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
