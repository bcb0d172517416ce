/*
 * Unit tests for reports/web_*.c, the pages of `dmarcsift serve`: links
 * percent-encoded, strangers' names escaped in text and attributes, the
 * Content-Security-Policy strict.  (tests/serve/ checks the same through
 * the real server.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "digest.h"
#include "web_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a writer wrote, as a string (the caller's). */
#define CAPTURE(buf, call)                                                     \
	do {                                                                   \
		size_t cap_len = 0;                                            \
		FILE *cap_fp = open_memstream(&(buf), &cap_len);               \
		assert_non_null(cap_fp);                                       \
		call;                                                          \
		assert_int_equal(fclose(cap_fp), 0);                           \
	} while (0)

static const char *const urls[][2] = {
    {"example.com", "example.com"},
    {"a-b_c.d~e", "a-b_c.d~e"},
    {"a b/c?d#e&f", "a%20b%2Fc%3Fd%23e%26f"},
    {"\"><svg onload=alert(1)>", "%22%3E%3Csvg%20onload%3Dalert%281%29%3E"},
    {"javascript:alert(1)", "javascript%3Aalert%281%29"},
    {"\xc3\xa9\x01\x7f", "%C3%A9%01%7F"},
    {"", ""},
};

static void
test_url(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		char *out = NULL;

		CAPTURE(out, web_url(cap_fp, urls[i][0]));
		assert_string_equal(out, urls[i][1]);
		free(out);
	}
}

/* A domain a stranger's report named, on the first page. */
static void
test_foreign_name(void **state)
{
	struct digest_foreign f = {"\"><svg onload=alert(1)>", 5};
	struct digest d;
	struct web_period p = {.days = 7, .name = "7d", .query = "?since=7d"};
	char *out = NULL;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.foreign = &f;
	d.nforeign = 1;
	CAPTURE(out, assert_int_equal(web_html_domains(cap_fp, &d, &p), 0));
	assert_non_null(strstr(out,
	    "<a href=\"/domain/%22%3E%3Csvg%20onload%3Dalert%281%29%3E"
	    "?since=7d\">&quot;&gt;&lt;svg onload=alert(1)&gt;</a>"));
	assert_null(strstr(out, "<svg onload"));
	assert_null(strstr(out, "<script"));
	free(out);
}

/* Our own sentences are escaped all the same. */
static void
test_error_page(void **state)
{
	char *out = NULL;

	(void)state;
	CAPTURE(out,
	    assert_int_equal(
	        web_html_error(cap_fp, 404, "<b>x</b>", "a & \"b\" <i>"), 0));
	assert_non_null(strstr(out, "<title>404 &lt;b&gt;x&lt;/b&gt;"));
	assert_non_null(strstr(out, "a &amp; &quot;b&quot; &lt;i&gt;"));
	assert_null(strstr(out, "<i>"));
	free(out);
	CAPTURE(out,
	    assert_int_equal(web_json_error(cap_fp, 400, "bad \"x\"\n"), 0));
	assert_string_equal(
	    out, "{\"error\":\"bad \\\"x\\\"\\u000a\",\"status\":400}\n");
	free(out);
}

static void
test_csp(void **state)
{
	char csp[WEB_CSP_LEN];

	(void)state;
	web_csp(csp, sizeof(csp));
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_non_null(
	    strstr(csp, "style-src 'self' 'unsafe-hashes' 'sha256-"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_null(strstr(csp, "script-src"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_foreign_name),
	    cmocka_unit_test(test_error_page),
	    cmocka_unit_test(test_csp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
