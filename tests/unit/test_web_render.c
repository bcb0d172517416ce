/*
 * Unit tests for reports/web_*.c, the pages of `dmarcsift serve`: links
 * percent-encoded, strangers' names escaped in text and attributes, the
 * Content-Security-Policy strict; the detail pages (a source, a report
 * with its XML, the refused inputs) with every string a stranger's.
 * (tests/serve/ checks the same through the real server.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "browse.h"
#include "digest.h"
#include "web_page.h"
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

/* What a stranger wrote, in every field the detail pages show. */
#define EVIL "\"><script>alert(1)</script><svg onload=alert(2)>"
#define EVIL_TEXT                                                              \
	"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;svg "              \
	"onload=alert(2)&gt;"

/* Nothing of the payload is markup, whatever the page. */
static void
no_markup(const char *out)
{
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<svg onload"));
	assert_null(strstr(out, "href=\"javascript:"));
	assert_null(strstr(out, "alert(2)>"));
}

static void
test_source_page(void **state)
{
	struct browse_day days[2] = {
	    {.day = 1763078400, .messages = 5, .failed = 5},
	    {.day = 1763164800},
	};
	struct browse_auth auth = {.header_from = EVIL,
	    .dkim_domain = EVIL,
	    .dkim_result = EVIL,
	    .spf_domain = EVIL,
	    .spf_result = "pass",
	    .rcv_pass = -1,
	    .cause = "dkim_unaligned",
	    .disposition = EVIL,
	    .messages = 5,
	    .records = 1};
	struct browse_receiver rcv = {EVIL, 1, 5, 1763078400, 1763078400};
	struct browse_report_ref ref = {.id = 42,
	    .reporter = EVIL,
	    .report_id = EVIL,
	    .begin = 1763078400,
	    .end = 1763164799,
	    .messages = 5,
	    .genuine = 0};
	struct browse_source s = {.ip = "192.0.2.1",
	    .who = EVIL,
	    .ptr = EVIL,
	    .messages = 5,
	    .failed = 5,
	    .days = days,
	    .ndays = 2,
	    .auth = &auth,
	    .nauth = 1,
	    .receivers = &rcv,
	    .nreceivers = 1,
	    .reports = &ref,
	    .nreports = 1};
	struct web_period p = {.days = 2,
	    .name = "2d",
	    .query = "?since=2d",
	    .since = 1763078400,
	    .until = 1763251200,
	    .domain = "example.com"};
	struct web_source_view v = {"example.com", &p, &s};
	char *out = NULL;

	(void)state;
	CAPTURE(out, assert_int_equal(web_html_source(cap_fp, &v), 0));
	no_markup(out);
	assert_non_null(strstr(out, EVIL_TEXT));
	/* The period form keeps the domain; the report is a link by id. */
	assert_non_null(strstr(out,
	    "<input type=\"hidden\" name=\"domain\" value=\"example.com\">"));
	assert_non_null(strstr(out, "<a href=\"/report/42\">" EVIL_TEXT));
	assert_non_null(strstr(out, "no: not genuine"));
	free(out);
	CAPTURE(out, assert_int_equal(web_json_source(cap_fp, &v), 0));
	/* JSON, served as such: the quote escaped, the rest as it was. */
	assert_non_null(strstr(out, "\"\\\"><script>alert(1)</script>"));
	assert_non_null(strstr(out, "\"daily\":[{\"day\":\"2025-11-14\""));
	free(out);
}

static void
test_source_link(void **state)
{
	struct web_period p = {.query = "?since=week&until=2025-11-18"};
	char *out = NULL;

	(void)state;
	CAPTURE(out, web_source_link(cap_fp, "2001:db8::1", "a b.test", &p));
	assert_string_equal(out,
	    "<a href=\"/source/2001%3Adb8%3A%3A1?domain=a%20b.test"
	    "&amp;since=week&amp;until=2025-11-18\">2001:db8::1</a>");
	free(out);
}

static void
test_report_page(void **state)
{
	struct browse_result dkim = {EVIL, EVIL, EVIL};
	struct browse_record rec = {.idx = 1,
	    .ip = "192.0.2.1",
	    .count = 5,
	    .disposition = EVIL,
	    .dkim = EVIL,
	    .spf = EVIL,
	    .header_from = EVIL,
	    .envelope_from = EVIL,
	    .pass = 0,
	    .cause = "dkim_fail",
	    .dkim_auth = &dkim,
	    .ndkim = 1};
	struct browse_note note = {1, EVIL};
	struct browse_report r = {.id = 7,
	    .input = 3,
	    .place = EVIL,
	    .org_name = EVIL,
	    .email = EVIL,
	    .extra_contact = EVIL,
	    .report_id = EVIL,
	    .generator = EVIL,
	    .domain = EVIL,
	    .begin = 1763078400,
	    .end = 1763164799,
	    .p = EVIL,
	    .sp = EVIL,
	    .record_count = 1,
	    .messages = 5,
	    .genuine = -1,
	    .genuine_why = EVIL,
	    .source = "file",
	    .source_name = EVIL,
	    .mail_from = EVIL,
	    .received_at = 1763078400,
	    .size = 100,
	    .raw_complete = 1,
	    .notes = &note,
	    .nnotes = 1,
	    .records = &rec,
	    .nrecords = 1};
	/* The XML as received: lines kept, markup as text, a NUL dropped. */
	static const char text[] = "<a>\n<!-- " EVIL " -->\n\0<b>";
	struct web_report_view v = {&r, text, sizeof(text) - 1, 1, NULL};
	char *out = NULL;

	(void)state;
	CAPTURE(out, assert_int_equal(web_html_report(cap_fp, &v), 0));
	no_markup(out);
	assert_non_null(strstr(out,
	    "<pre class=\"raw\">&lt;a&gt;\n&lt;!-- " EVIL_TEXT
	    " --&gt;\n&lt;b&gt;</pre>"));
	assert_non_null(strstr(out, "href=\"/report/7/raw\""));
	assert_non_null(strstr(out, "Cut after"));
	/* The domain and the address are links whose paths are encoded. */
	assert_non_null(strstr(out, "<a href=\"/domain/%22%3E%3Cscript%3E"));
	assert_non_null(
	    strstr(out, "<a href=\"/source/192.0.2.1?domain=%22%3E%3C"));
	free(out);
	CAPTURE(out, assert_int_equal(web_json_report(cap_fp, &v), 0));
	/* JSON, served as such: the quote escaped, the rest as it was. */
	assert_non_null(strstr(out, "\"\\\"><script>alert(1)</script>"));
	assert_non_null(strstr(out, "\"raw\":\"/report/7/raw\""));
	free(out);
}

static void
test_refused_page(void **state)
{
	struct browse_refused f = {.input = 9,
	    .source = "imap",
	    .source_name = EVIL,
	    .received_at = 1763078400,
	    .size = 12,
	    .place = EVIL,
	    .code = EVIL,
	    .reason = EVIL};
	struct browse_refused_list l = {&f, 1, 0, 1};
	struct web_period p = {.days = 7, .name = "7d", .query = "?since=7d"};
	char *out = NULL;

	(void)state;
	CAPTURE(out, assert_int_equal(web_html_refused(cap_fp, &l, &p), 0));
	no_markup(out);
	assert_non_null(
	    strstr(out, "<code>dmarcsift reparse --input 9</code>"));
	assert_non_null(strstr(out, "href=\"/input/9/raw\""));
	free(out);
	CAPTURE(out, assert_int_equal(web_json_refused(cap_fp, &l, &p), 0));
	assert_non_null(
	    strstr(out, "\"reparse\":\"dmarcsift reparse --input 9\""));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_foreign_name),
	    cmocka_unit_test(test_error_page),
	    cmocka_unit_test(test_csp),
	    cmocka_unit_test(test_source_page),
	    cmocka_unit_test(test_source_link),
	    cmocka_unit_test(test_report_page),
	    cmocka_unit_test(test_refused_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
