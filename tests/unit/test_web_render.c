/*
 * Unit tests for reports/web_*.c, the pages of `dmarcsift serve`: links
 * percent-encoded, strangers' names escaped in text and attributes, the
 * Content-Security-Policy strict; the detail pages (a source, a report
 * with its XML, the refused inputs, the what-if, the search, a source
 * across domains, the sparkline) with every string a stranger's.
 * (tests/serve/ checks the same through the real server.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "advise.h"
#include "browse.h"
#include "digest.h"
#include "svg.h"
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

/* The what-if: a stranger's address, name and service in every row; the
 * form sends to the domain's what-if, the policy chosen selected. */
static void
test_whatif(void **state)
{
	struct source src = {.ip = EVIL,
	    .cls = SOURCE_UNKNOWN,
	    .service = EVIL,
	    .ptr = EVIL,
	    .who = EVIL,
	    .messages = 8,
	    .failed = 6};
	struct whatif_source ws = {&src, 3};
	struct web_whatif form = {.asked = 1,
	    .p = "reject",
	    .sp = "none",
	    .pct = 50,
	    .policy = "p=reject; sp=none; pct=50"};
	struct web_period p = {.days = 30, .name = "30d"};
	struct advice a;
	struct web_domain_view v = {.domain = "example.com",
	    .period = &p,
	    .advice = &a,
	    .whatif = &form};
	char *out = NULL;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.days = 14;
	a.until = 1763596800;
	a.in.unknown_messages = 8;
	a.has_whatif = 1;
	a.whatif.reject = 1;
	/* The policy as whatif_compute() writes it, a stranger's here. */
	snprintf(a.whatif.policy, sizeof(a.whatif.policy), "%s", EVIL);
	a.whatif.messages = 8;
	a.whatif.total_affected = 3;
	a.whatif.affected[SOURCE_UNKNOWN] = 3;
	a.whatif.v = &ws;
	a.whatif.n = 1;
	/* 41 hit in all: the page lists 1, and says the rest. */
	a.whatif.hit_sources = 41;
	CAPTURE(out, assert_int_equal(web_html_whatif(cap_fp, &v), 0));
	no_markup(out);
	assert_non_null(strstr(out,
	    "and 40 more addresses (the JSON lists "
	    "the first 1000)"));
	assert_non_null(strstr(out,
	    "<code>" EVIL_TEXT "</code> would have "
	    "rejected 3 of 8 messages"));
	assert_non_null(strstr(out,
	    "<tr><td>unknown</td><td class=\"num\">8"
	    "</td><td class=\"num no\">3</td>"));
	assert_non_null(strstr(out, "<a href=\"/source/%22%3E%3Cscript%3E"));
	assert_non_null(
	    strstr(out, "action=\"/domain/example.com/what-if#what-if\""));
	assert_non_null(strstr(out, "<option selected>reject</option>"));
	assert_non_null(strstr(out, "value=\"50\""));
	free(out);
	/* Without a policy asked: the form alone. */
	v.whatif = NULL;
	a.has_whatif = 0;
	CAPTURE(out, assert_int_equal(web_html_whatif(cap_fp, &v), 0));
	assert_null(strstr(out, "would have rejected"));
	/* The words of the model (dmarc_policy_word()), weakest first; p
	 * from quarantine on, sp and np all three after their default. */
	assert_non_null(strstr(out,
	    "<select name=\"p\"><option>quarantine</option><option "
	    "selected>reject</option></select>"));
	assert_non_null(strstr(out,
	    "<select name=\"sp\"><option value=\"\">as p</option><option>"
	    "none</option><option>quarantine</option><option>reject</option>"
	    "</select>"));
	free(out);
}

/* The verdict on the domain page and in the domains list is advise's
 * (digest_verdict_of()): ROLL BACK before "at the last step", WAIT for
 * the policy it waits for (published, or the new one some reporters
 * show), and the list's "watching a step". */
static void
test_domain_verdicts(void **state)
{
	struct web_period p = {.days = 30, .name = "30d"};
	struct sender_list none = {0};
	struct advice a;
	struct web_domain_view v = {.domain = "example.com",
	    .period = &p,
	    .senders = &none,
	    .advice = &a};
	struct digest d;
	struct digest_domain dd;
	char *out = NULL;

	(void)state;
	/* At p=reject, losing legitimate mail. */
	memset(&a, 0, sizeof(a));
	a.days = 14;
	a.until = 1763596800;
	a.r.step_now = 4;
	a.r.next_step_no = -1;
	a.r.rollback_step = 1;
	snprintf(a.r.policy_now, sizeof(a.r.policy_now), "p=reject");
	snprintf(a.r.rollback_record, sizeof(a.r.rollback_record),
	    "v=DMARC1; p=quarantine; t=y; pct=0");
	CAPTURE(out, assert_int_equal(web_html_domain(cap_fp, &v), 0));
	assert_non_null(strstr(out, "<span class=\"no\">ROLL BACK</span>"));
	assert_null(strstr(out, "At the last step"));
	assert_non_null(strstr(out, "v=DMARC1; p=quarantine; t=y; pct=0"));
	free(out);

	/* A step one reporter shows, nothing published ahead: the new
	 * policy, not "the published" one. */
	memset(&a.r, 0, sizeof(a.r));
	a.r.step_now = 2;
	a.r.next_step_no = 3;
	a.r.rollback_step = -1;
	a.r.waiting = 1;
	snprintf(a.r.next_step, sizeof(a.r.next_step), "p=reject; t=y; pct=0");
	CAPTURE(out, assert_int_equal(web_html_domain(cap_fp, &v), 0));
	assert_non_null(strstr(out,
	    "<span class=\"warn\">WAIT</span>: not every receiver shows "
	    "the new policy yet"));
	assert_null(strstr(out, "published policy"));
	free(out);

	/* DNS ahead of the reports: the published policy, named. */
	a.r.published_differs = 1;
	a.r.step_published = 2;
	snprintf(
	    a.r.policy_published, sizeof(a.r.policy_published), "p=quarantine");
	CAPTURE(out, assert_int_equal(web_html_domain(cap_fp, &v), 0));
	assert_non_null(strstr(out,
	    "Published in DNS now: <code>p=quarantine</code> (step 2 of 4)"));
	assert_non_null(strstr(out, "shows the published policy yet"));
	free(out);

	/* The list: WAIT is "watching a step", a rollback is said. */
	memset(&d, 0, sizeof(d));
	memset(&dd, 0, sizeof(dd));
	dd.domain = (char *)"example.com";
	dd.messages = 10;
	dd.readiness = a.r;
	d.domains = &dd;
	d.n = 1;
	CAPTURE(out, assert_int_equal(web_html_domains(cap_fp, &d, &p), 0));
	assert_non_null(
	    strstr(out, "<span class=\"warn\">watching a step</span>"));
	free(out);
	dd.readiness.next_step_no = -1;
	dd.readiness.step_now = 4;
	snprintf(dd.readiness.rollback_record,
	    sizeof(dd.readiness.rollback_record), "v=DMARC1; p=none");
	CAPTURE(out, assert_int_equal(web_html_domains(cap_fp, &d, &p), 0));
	assert_non_null(strstr(out, "<span class=\"no\">roll back</span>"));
	assert_null(strstr(out, "at p=reject"));
	free(out);
}

/* The search: the text asked, the domains, reports and report IDs found
 * are a stranger's. */
static void
test_search(void **state)
{
	struct browse_hit_source hs = {EVIL, 2, 10, 1763078400, 1763251200};
	struct browse_hit_domain hd = {EVIL, 3, 1763251200, 1};
	struct browse_hit_report hr = {.id = 42,
	    .reporter = EVIL,
	    .report_id = EVIL,
	    .domain = EVIL,
	    .begin = 1763078400,
	    .end = 1763164799,
	    .messages = 5,
	    .counted = 1};
	struct browse_search s = {.ip = "192.0.2.1",
	    .sources = &hs,
	    .nsources = 1,
	    .domains = &hd,
	    .ndomains = 1,
	    .reports = &hr,
	    .nreports = 1};
	struct web_period p = {.days = 7,
	    .name = "7d",
	    .query = "?since=7d",
	    .since = 1762992000,
	    .until = 1763596800};
	char *out = NULL;

	(void)state;
	CAPTURE(
	    out, assert_int_equal(web_html_search(cap_fp, EVIL, &s, &p), 0));
	no_markup(out);
	assert_non_null(strstr(out,
	    "name=\"q\" type=\"search\" "
	    "maxlength=\"256\" value=\"" EVIL_TEXT));
	/* Its last report in the period: the page's period in the link. */
	assert_non_null(strstr(out,
	    "<a href=\"/source/192.0.2.1?domain=%22%3E%3Cscript%3Ealert%281%29"
	    "%3C%2Fscript%3E%3Csvg%20onload%3Dalert%282%29%3E&amp;since="
	    "7d\">" EVIL_TEXT "</a>"));
	assert_non_null(strstr(out, "<a href=\"/domain/%22%3E"));
	assert_non_null(strstr(out, "<a href=\"/report/42\">42</a>"));
	free(out);
	/* Its last report after the period: the link ends the day after. */
	hs.last = 1763683200;
	CAPTURE(
	    out, assert_int_equal(web_json_search(cap_fp, EVIL, &s, &p), 0));
	assert_non_null(strstr(out, "\"q\":\"\\\"><script>alert(1)</script>"));
	assert_non_null(strstr(out, "&since=7d&until=2025-11-22\""));
	assert_non_null(strstr(out, "\"url\":\"/report/42\""));
	free(out);
	/* Nothing found: the text, said back as text. */
	memset(&s, 0, sizeof(s));
	CAPTURE(
	    out, assert_int_equal(web_html_search(cap_fp, EVIL, &s, &p), 0));
	no_markup(out);
	assert_non_null(strstr(out, "Nothing stored is named <q>" EVIL_TEXT));
	free(out);
}

/* A source across domains: each domain a stranger's, its link encoded. */
static void
test_source_domains(void **state)
{
	struct browse_source_domain d = {.domain = EVIL,
	    .messages = 5,
	    .passed = 1,
	    .failed = 4,
	    .reports = 2,
	    .first_day = 1763078400,
	    .last_day = 1763164800};
	struct browse_source_domains l = {.ip = "192.0.2.1", .v = &d, .n = 1};
	struct web_period p = {.days = 2, .name = "2d", .query = "?since=2d"};
	char *out = NULL;

	(void)state;
	CAPTURE(
	    out, assert_int_equal(web_html_source_domains(cap_fp, &l, &p), 0));
	no_markup(out);
	assert_non_null(
	    strstr(out, "<a href=\"/source/192.0.2.1?domain=%22%3E"));
	assert_non_null(strstr(out, "&amp;since=2d\">" EVIL_TEXT "</a>"));
	assert_non_null(strstr(out, "<td class=\"num\">20.0%</td>"));
	free(out);
	CAPTURE(
	    out, assert_int_equal(web_json_source_domains(cap_fp, &l, &p), 0));
	assert_non_null(strstr(out, "\"domain\":\"\\\"><script>"));
	assert_non_null(strstr(out,
	    "\"first_day\":\"2025-11-14\",\"last_day\":"
	    "\"2025-11-15\""));
	free(out);
}

/* The sparkline: a stranger's label in its title is text, no style
 * attribute (the CSP allows none but the charts'), a gap where a day has
 * no mail, a dot at the last day with mail. */
static void
test_sparkline(void **state)
{
	struct svg_rate v[4] = {
	    {"d1", 9, 10}, {"d2", 0, 0}, {EVIL, 10, 10}, {"d4", 0, 0}};
	char *out = NULL;

	(void)state;
	CAPTURE(out, assert_int_equal(svg_sparkline(cap_fp, EVIL, v, 4), 0));
	no_markup(out);
	assert_null(strstr(out, "style="));
	assert_non_null(strstr(out, "class=\"spark\""));
	assert_non_null(strstr(out, "<title>" EVIL_TEXT "</title>"));
	/* Two pieces, each a move: the day without mail breaks the line. */
	assert_non_null(strstr(out, "d=\" M15.0 "));
	assert_non_null(strstr(out, " M75.0 "));
	assert_null(strstr(out, " L"));
	assert_non_null(strstr(out, "<circle cx=\"75.0\""));
	/* The day's label cut to 40 characters, escaped all the same. */
	assert_non_null(strstr(out,
	    "r=\"2\" fill=\"#2563eb\"><title>"
	    "&quot;&gt;&lt;script&gt;"));
	assert_non_null(strstr(out, ": 100.0%</title></circle>"));
	free(out);
	/* No day with mail: the frame only. */
	v[0].den = v[2].den = 0;
	CAPTURE(out, assert_int_equal(svg_sparkline(cap_fp, "t", v, 4), 0));
	assert_null(strstr(out, "<path"));
	free(out);
}

/* A stored check's statuses (dnscheck_status_name()'s words) in words;
 * anything else, a row edited by hand, shown as it is, escaped. */
static void
test_check_statuses(void **state)
{
	struct browse_check_item items[] = {
	    {.id = (char *)"a", .status = (char *)"pass"},
	    {.id = (char *)"b", .status = (char *)"warn"},
	    {.id = (char *)"c", .status = (char *)"fail"},
	    {.id = (char *)"d", .status = (char *)"dnserror"},
	    {.id = (char *)"e", .status = (char *)EVIL},
	    {.id = (char *)"f", .status = (char *)"PASS"},
	};
	struct browse_check k = {.found = 1,
	    .checked_at = 1763251200,
	    .status = (char *)"fail",
	    .v = items,
	    .n = sizeof(items) / sizeof(items[0])};
	struct web_domain_view v = {.domain = "example.com", .check = &k};
	char *out = NULL;

	(void)state;
	CAPTURE(out, assert_int_equal(web_html_check(cap_fp, &v), 0));
	no_markup(out);
	assert_non_null(strstr(
	    out, "<p><span class=\"no\">failed</span>: 0 passed, 0 warnings"));
	assert_non_null(strstr(out, "<td><span class=\"ok\">passed</span>"));
	assert_non_null(strstr(out, "<td><span class=\"warn\">warning</span>"));
	assert_non_null(strstr(out, "<td><span class=\"no\">failed</span>"));
	assert_non_null(
	    strstr(out, "<td><span class=\"warn\">DNS did not answer</span>"));
	assert_non_null(strstr(out, "<td>" EVIL_TEXT "</td>"));
	assert_non_null(strstr(out, "<td>PASS</td>"));
	free(out);
	/* The model's names, both ways. */
	for (int st = DNSCHECK_PASS; st <= DNSCHECK_DNSERROR; st++)
		assert_int_equal(
		    dnscheck_status_parse(dnscheck_status_name(st)), st);
	assert_int_equal(dnscheck_status_parse(NULL), -1);
	assert_int_equal(dnscheck_status_parse(""), -1);
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
	    cmocka_unit_test(test_whatif),
	    cmocka_unit_test(test_domain_verdicts),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_source_domains),
	    cmocka_unit_test(test_sparkline),
	    cmocka_unit_test(test_check_statuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
