/* Unit tests for reports/digest_html.c and reports/svg.c: the HTML digest
 * from hand-built digests (digest_fixture_html.h), its escaping of
 * strangers' strings, chart coordinates at the edges of uint64_t, and the
 * realistic fixture against its golden file (DS_UPDATE_GOLDEN=1 writes
 * it anew). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "digest_fixture_html.h"
#include "digest_outline.h"
#include "digest_render.h"
#include "svg.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GOLDEN DS_TESTDATA "/digest/fixture_html.html"

/* Renders d; the caller frees the text. */
static char *
render(const struct digest *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(digest_html(fp, d), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static char *
render_free(struct digest *d)
{
	char *out = render(d);

	fixture_html_free(d);
	return out;
}

static void
contains(const char *out, const char *s)
{
	if (strstr(out, s) == NULL)
		fail_msg("output lacks \"%s\"", s);
}

static void
lacks(const char *out, const char *s)
{
	if (strstr(out, s) != NULL)
		fail_msg("output has \"%s\"", s);
}

static void
lacks_nocase(const char *out, const char *s)
{
	if (strcasestr(out, s) != NULL)
		fail_msg("output has \"%s\" (any case): ...%.60s", s,
		    strcasestr(out, s));
}

static size_t
occurrences(const char *out, const char *s)
{
	size_t n = 0;

	for (const char *p = out; (p = strstr(p, s)) != NULL; p += strlen(s))
		n++;
	return n;
}

/* Every element that is opened is closed, and the document is one html
 * element with nothing a mail client would fetch or run. */
static void
check_document(const char *out)
{
	static const char *const elems[] = {"html", "head", "body", "table",
	    "tr", "td", "th", "p", "div", "span", "b", "h1", "h2", "h3",
	    "title", "style", "svg", "g", "text", "circle"};
	const unsigned char *p = (const unsigned char *)out;
	size_t len = strlen(out);

	assert_true(
	    strncmp(out, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_non_null(strstr(out, "</html>\n"));
	assert_string_equal(out + len - 8, "</html>\n");
	for (size_t i = 0; i < sizeof(elems) / sizeof(elems[0]); i++) {
		char open1[32], open2[32], close[32];
		size_t opened;

		snprintf(open1, sizeof(open1), "<%s>", elems[i]);
		snprintf(open2, sizeof(open2), "<%s ", elems[i]);
		snprintf(close, sizeof(close), "</%s>", elems[i]);
		opened = occurrences(out, open1) + occurrences(out, open2);
		if (opened != occurrences(out, close))
			fail_msg("<%s> opened %zu times, closed %zu", elems[i],
			    opened, occurrences(out, close));
	}
	lacks_nocase(out, "<script");
	lacks_nocase(out, "<img");
	lacks_nocase(out, "<link");
	lacks_nocase(out, "https:");
	/* A stranger's text may say src=, never as an attribute. */
	lacks(out, "src=\"");
	lacks(out, "href=");
	lacks(out, "]]>");
	/* Valid UTF-8, no control character but the line ends. */
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n == 0)
			fail_msg("invalid UTF-8 at byte %zu", i);
		if (n == 1 && p[i] < 0x20 && p[i] != '\n')
			fail_msg("control byte 0x%02x at byte %zu", p[i], i);
		if (n == 1 && p[i] == 0x7f)
			fail_msg("DEL at byte %zu", i);
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			fail_msg("C1 control at byte %zu", i);
		i += n;
	}
	/* Only XML's own named references: HTML's (&nbsp;) break XML. */
	for (const char *a = strchr(out, '&'); a != NULL;
	     a = strchr(a + 1, '&')) {
		if (strncmp(a, "&amp;", 5) && strncmp(a, "&lt;", 4) &&
		    strncmp(a, "&gt;", 4) && strncmp(a, "&quot;", 6) &&
		    strncmp(a, "&#", 2))
			fail_msg("bad reference: %.10s", a);
	}
}

/* Numbers of the chart attributes and paths: finite and inside the
 * drawing (no "nan", "inf", or a coordinate gone wild). */
static void
check_coordinates(const char *out)
{
	static const char *const attrs[] = {" x=\"", " y=\"", " width=\"",
	    " height=\"", " cx=\"", " cy=\"", " x1=\"", " x2=\"", " y1=\"",
	    " y2=\"", " r=\""};
	const char *svg = strstr(out, "<svg");
	size_t checked = 0;

	assert_non_null(svg);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		for (const char *p = strstr(svg, attrs[i]); p != NULL;
		     p = strstr(p + 1, attrs[i])) {
			char *end;
			double v = strtod(p + strlen(attrs[i]), &end);

			if (end == p + strlen(attrs[i]) || !isfinite(v) ||
			    v < 0 || v > 1000)
				fail_msg("bad number: %.30s", p);
			checked++;
		}
	}
	for (const char *p = strstr(svg, " d=\""); p != NULL;
	     p = strstr(p + 1, " d=\"")) {
		const char *q = p + 4;

		while (*q != '"') {
			char *end;
			double v;

			while (*q == ' ' || *q == 'M' || *q == 'L')
				q++;
			if (*q == '"')
				break;
			v = strtod(q, &end);
			if (end == q || !isfinite(v) || v < 0 || v > 1000)
				fail_msg("bad path number: %.30s", q);
			q = end;
			checked++;
		}
	}
	assert_true(checked > 20);
	lacks_nocase(out, "nan");
	lacks_nocase(out, "inf\"");
	lacks_nocase(out, "inf ");
	lacks_nocase(out, "infinity");
}

/* ------------------------------------------------------------------------
 * svg.c */

static char *
escaped(const char *s, size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	svg_escape(fp, s, max);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static const struct {
	const char *in;
	size_t max;
	const char *out;
} escape_cases[] = {
    {"plain.example", 0, "plain.example"},
    {"a&b<c>d\"e'f", 0, "a&amp;b&lt;c&gt;d&quot;e&#39;f"},
    {"<script>", 0, "&lt;script&gt;"},
    {"tab\there\r\nline", 0, "tab here  line"},
    {"\x01\x02x\x1b[31m\x7f", 0, "x[31m"},
    {"c1:\xc2\x85\xc2\x9b.", 0, "c1:."},
    {"rlo:\xe2\x80\xae"
     "abc\xe2\x81\xa6.",
        0, "rlo:abc."},
    {"nonchar:\xef\xbf\xbe\xef\xbf\xbf.", 0, "nonchar:."},
    {"bad:\xff\xc3(", 0, "bad:?\?("},
    {"Sch\xc3\xb6n \xe6\x97\xa5", 0, "Sch\xc3\xb6n \xe6\x97\xa5"},
    {"emoji \xf0\x9f\x93\xa7", 0, "emoji \xf0\x9f\x93\xa7"},
    /* Cut with an ellipsis; dropped characters do not count. */
    {"abcdef", 4, "abc\xe2\x80\xa6"},
    {"abcd", 4, "abcd"},
    {"a\x01\x02\x03"
     "bcd",
        4, "abcd"},
    {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3,
        "\xc3\xa9\xc3\xa9\xe2\x80\xa6"},
    {"&&&&", 2, "&amp;\xe2\x80\xa6"},
    {"", 0, ""},
    {NULL, 0, ""},
};

static void
test_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]);
	     i++) {
		char *out = escaped(escape_cases[i].in, escape_cases[i].max);

		if (strcmp(out, escape_cases[i].out) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out,
			    escape_cases[i].out);
		free(out);
	}
}

static const struct {
	double v;
	const char *out;
} compact_cases[] = {
    {0, "0"},
    {-5, "0"},
    {NAN, "0"},
    {999, "999"},
    {1000, "1k"},
    {1500, "1.5k"},
    {25000, "25k"},
    {999499, "999k"},
    {999500, "1M"},
    {2000000, "2M"},
    {1.25e9, "1.3G"},
    {1.24e9, "1.2G"},
    {18446744073709551615.0, "18E"},
    {1e30, "1000000Y"},
};

static void
test_compact(void **state)
{
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(compact_cases) / sizeof(compact_cases[0]);
	     i++) {
		svg_compact(buf, sizeof(buf), compact_cases[i].v);
		if (strcmp(buf, compact_cases[i].out) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, buf,
			    compact_cases[i].out);
	}
}

/* Empty charts: a frame that says so, no bars, no line. */
static void
test_svg_empty(void **state)
{
	struct svg_rate gaps[3] = {{"a", 5, 0}, {"b", 0, 0}, {"c", 9, 0}};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(fp);
	assert_int_equal(svg_stacked_bars(fp, "bars <t>", NULL, 0), 0);
	assert_int_equal(svg_rate_line(fp, "line", gaps, 3, 98), 0);
	assert_int_equal(svg_hbars(fp, "hbars", NULL, 0), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(occurrences(buf, "<svg "), 3);
	assert_int_equal(occurrences(buf, "no data"), 3);
	assert_int_equal(occurrences(buf, "role=\"img\""), 3);
	assert_int_equal(
	    occurrences(buf, "xmlns=\"http://www.w3.org/2000/svg\""), 3);
	contains(buf, "<title>bars &lt;t&gt;</title>");
	contains(buf, "98% needed");
	/* Only the legends' swatches. */
	assert_int_equal(occurrences(buf, "<rect "), 3);
	lacks(buf, "<g>");
	lacks(buf, "<path");
	lacks(buf, "<circle");
	free(buf);
}

/* One day of each extreme: the pass part of a day that is all pass is
 * the full plot height, and a day near the top value is as tall. */
static void
test_svg_scale(void **state)
{
	struct svg_bar bars[2] = {{"x", UINT64_MAX, UINT64_MAX}, {"y", 0, 1}};
	struct svg_hbar h[2] = {{"big", UINT64_MAX, NULL}, {"tiny", 1, NULL}};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(fp);
	assert_int_equal(svg_stacked_bars(fp, "t", bars, 2), 0);
	assert_int_equal(svg_hbars(fp, "t", h, 2), 0);
	assert_int_equal(fclose(fp), 0);
	check_coordinates(buf);
	/* The axis reaches 2 * UINT64_MAX: ~36.9E, in steps of 10E. */
	contains(buf, ">40E</text>");
	/* The tiny bar is still drawn, 1 unit wide. */
	contains(buf, "width=\"1.0\"");
	free(buf);
}

/* ------------------------------------------------------------------------
 * digest_html.c */

/* The bars of the failing-sources chart, in order: label, fill, value. */
static const struct {
	const char *label, *fill, *value;
} top_failing[] = {
    {"185.220.101.4", "#dc2626", "412"},
    {"203.0.113.25 (Mailchimp)", "#d97706", "386"},
    {"45.140.17.9 (SendGrid)", "#7c3aed", "96"},
    {"192.0.2.10 (mx1.example.com)", "#d97706", "80"},
    {"198.18.0.55 (dynamic-198-18-0-55.po\xe2\x80\xa6", "#dc2626", "40"},
    {"2001:db8:4::1b (Google Workspace)", "#d97706", "39"},
};

static void
check_top_failing(const char *out)
{
	const char *p = strstr(out, "by source</title>");
	char want[200];

	assert_non_null(p);
	for (size_t i = 0; i < sizeof(top_failing) / sizeof(top_failing[0]);
	     i++) {
		/* Each bar: its label's text, its rect, its value's text. */
		snprintf(want, sizeof(want), ">%s</text><rect ",
		    top_failing[i].label);
		p = strstr(p, want);
		if (p == NULL)
			fail_msg("bar %zu: no label %s in order", i,
			    top_failing[i].label);
		p = strstr(p, " fill=\"");
		assert_non_null(p);
		if (strncmp(p + 7, top_failing[i].fill, 7) != 0)
			fail_msg("bar %zu: fill %.7s", i, p + 7);
		snprintf(
		    want, sizeof(want), ">%s</text>", top_failing[i].value);
		p = strstr(p, "<text ");
		assert_non_null(p);
		p = strchr(p, '>');
		if (strncmp(p, want, strlen(want)) != 0)
			fail_msg("bar %zu: value %.10s", i, p);
	}
	assert_null(strstr(p, "</text><rect "));
}

static void
test_normal(void **state)
{
	char *out = render_free(fixture_html_normal());

	(void)state;
	check_document(out);
	check_coordinates(out);
	/* No URL but the SVG namespace, a name that is never fetched. */
	assert_int_equal(occurrences(out, "http"),
	    occurrences(out, "xmlns=\"http://www.w3.org/2000/svg\""));
	/* Key figures of example.com: 23,751 messages, 23,295 passed. */
	contains(out, ">23,751<");
	contains(out, "+4% vs 22,930 the period before");
	contains(out, ">98.0%<");
	contains(out, "+0.4 points");
	contains(out, ">456<");
	/* Three charts and the TLS sparkline, all for example.com;
	 * example.org has no reports. */
	assert_int_equal(occurrences(out, "<svg "), 4);
	assert_int_equal(occurrences(out, "height:auto;\"><title>"), 3);
	assert_int_equal(occurrences(out, "No reports this period"), 1);
	contains(out, "The period before had 1,200 messages");
	/* Seven days: seven stacked bars, seven points (and the
	 * sparkline's last). */
	assert_int_equal(occurrences(out, "<g><title>"), 7);
	assert_int_equal(occurrences(out, "<circle "), 7 + 1);
	contains(out, ">11-04</text>");
	contains(out, ">11-10</text>");
	/* Policy, readiness and the record to publish. */
	contains(out, "p=quarantine</b>, reported since 2024-09-24");
	contains(out, "Not ready yet for the next step:");
	contains(out,
	    "v=DMARC1; p=reject; t=y; pct=0; "
	    "rua=mailto:dmarc-reports@example.com");
	assert_int_equal(occurrences(out, "&#10007;"), 2);
	assert_int_equal(occurrences(out, "&#10003;"), 2);
	/* Failing legitimate sources with cause and fix. */
	contains(out, "386 / 398");
	contains(out, "DKIM passes but signed by another domain");
	contains(out, "turn on DKIM for your domain at that service");
	/* Red: 7 days with failures, the legend, 2 spoofing sources; amber:
	 * the 3 legitimate ones; purple: the unknown one. */
	assert_int_equal(occurrences(out, "fill=\"#dc2626\"/>"), 7 + 1 + 2);
	assert_int_equal(occurrences(out, "fill=\"#d97706\"/>"), 3);
	assert_int_equal(occurrences(out, "fill=\"#7c3aed\"/>"), 1);
	check_top_failing(out);
	contains(out, "And 4 more sources not shown.");
	/* Lists. */
	contains(out, "out-77.smtp.zendesk.test");
	contains(out, "old-relay.example.com");
	contains(out, "2024-11-01");
	contains(out, "em4821.shop-news.test");
	/* Reporters: four in the table, comcast.net silent, and for
	 * example.org google.com silent. */
	contains(out, "Mail.Ru");
	contains(out, "6/7");
	contains(out, "3/7");
	assert_int_equal(occurrences(out, "Silent this period"), 2);
	contains(out, "the period before): comcast.net.</p>");
	/* SMTP TLS of example.com: 8,980 of 9,000 sessions, 99.7% rounded
	 * down; the types with the fix; the MX named, not the policy's
	 * failures; the sparkline ends on the last day with reports. */
	assert_int_equal(occurrences(out, ">SMTP TLS</h3>"), 1);
	contains(out, "<b>9,000</b> sessions, <b>99.7%</b> succeeded; ");
	contains(out, ">20</b> failed, in 1 report from 1 reporter.");
	contains(out, "the MX&#39;s certificate has expired");
	contains(out, "renew the certificate, and renew it automatically");
	contains(out, "mx2.example.com</td>");
	lacks(out, "(not said)");
	contains(out, "<title>2024-11-09: 99.6%</title></circle>");
	contains(out, ">dmarcsift tls --domain example.com</code>");
	/* Its failure reports, one line. */
	contains(out, "2 DMARC failure reports (latest 2024-11-08); samples: ");
	assert_int_equal(occurrences(out, "DMARC failure report"), 1);
	/* DNS: two warnings out of six. */
	contains(out, "4 of 6 checks passed");
	contains(out, "RSA key of 1024 bits");
	/* Two domains: the overview. */
	contains(out, ">Domains</h3>");
	/* Refused inputs, the reason escaped. */
	contains(out, "root element is &lt;html&gt;");
	contains(out, "2024-11-06 08:12 UTC");
	free(out);
}

static void
test_golden(void **state)
{
	char *out = render_free(fixture_html_normal());
	const char *update = getenv("DS_UPDATE_GOLDEN");
	FILE *fp;
	char *want;
	long len;

	(void)state;
	if (update != NULL && strcmp(update, "1") == 0) {
		fp = fopen(GOLDEN, "w");
		assert_non_null(fp);
		assert_int_equal(fputs(out, fp) >= 0, 1);
		assert_int_equal(fclose(fp), 0);
		free(out);
		return;
	}
	fp = fopen(GOLDEN, "r");
	if (fp == NULL)
		fail_msg("cannot open %s: %s (DS_UPDATE_GOLDEN=1 writes it)",
		    GOLDEN, strerror(errno));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	want = xcalloc(1, (size_t)len + 1);
	assert_int_equal(fread(want, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	if (strcmp(out, want) != 0) {
		fp = fopen("fixture_html.actual.html", "w");
		if (fp != NULL) {
			fputs(out, fp);
			fclose(fp);
		}
		fail_msg("output differs from %s; see "
		         "fixture_html.actual.html in the build's tests "
		         "directory, DS_UPDATE_GOLDEN=1 to accept it",
		    GOLDEN);
	}
	free(want);
	free(out);
}

static void
test_first_period(void **state)
{
	char *out = render_free(fixture_html_first());

	(void)state;
	check_document(out);
	assert_int_equal(occurrences(out, "first period"), 2);
	lacks(out, "points");
	lacks(out, "the period before</div>");
	lacks(out, ">Domains</h3>");
	assert_int_equal(occurrences(out, "<svg "), 3);
	contains(out, "No input was refused this period.");
	free(out);
}

static void
test_empty(void **state)
{
	char *out = render_free(fixture_html_empty());

	(void)state;
	check_document(out);
	contains(
	    out, "No domain had reports in this period or the one before.");
	contains(out, "No input was refused this period.");
	contains(out,
	    "week from 2024-11-04 to 2024-11-10 (UTC), generated "
	    "2024-11-11 06:00 UTC.");
	lacks(out, "<svg");
	lacks(out,
	    "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
	    "border=\"0\" style=\"border-collapse");
	free(out);
}

static void
test_no_data(void **state)
{
	char *out = render_free(fixture_html_nodata());

	(void)state;
	check_document(out);
	contains(out, "quiet.example");
	contains(out, "No reports this period");
	contains(out, "No receiver reported mail for this domain.");
	lacks(out, "<svg");
	lacks(out, "Key figures");
	lacks(out, "Reporters");
	lacks(out, "DNS health");
	free(out);
}

static void
test_hostile(void **state)
{
	char long_name[FIXTURE_LONG_LEN + 1], cut[80];
	char *out = render_free(fixture_html_hostile());

	(void)state;
	check_document(out);
	check_coordinates(out);
	lacks(out, "<svg>");
	lacks(out, "<b>bold");
	lacks(out, "<x>");
	/* Escaped, not dropped. */
	contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;.test");
	contains(out, "&lt;script&gt;alert(&#39;reason&#39;)&lt;/script&gt;");
	contains(out, "Sch\xc3\xb6n &amp; &quot;Gut&quot; evil");
	contains(out, "\xe6\x97\xa5\xe6\x9c\xac.test");
	contains(out, "?? bad utf-8 ?");
	contains(out, "a]]&gt;b.test");
	contains(out, "rua=mailto:&lt;script&gt;@x.test</div>");
	contains(out, "sp=[2J&lt;b&gt;bold&lt;/b&gt;");
	contains(out, "&lt;img src=x&gt;");
	/* An unknown cause is shown as given, escaped. */
	contains(out, "&lt;script&gt;cause");
	/* DKIM domains: three shown, the other two counted. */
	contains(out, ", x[31m.test, a&quot;b.test +2");
	/* Long names cut with an ellipsis, never written whole. */
	memset(long_name, 'L', FIXTURE_LONG_LEN);
	long_name[FIXTURE_LONG_LEN] = '\0';
	lacks(out, long_name);
	memset(cut, 'L', 63);
	memcpy(cut + 63, "\xe2\x80\xa6", 4);
	contains(out, cut);
	/* Counts around hostile data stay right. */
	contains(out, "5 / 10");
	contains(out, "0 of 2 checks passed");
	contains(out, "And 3 more inputs not shown.");
	/* TLS reports' strings. */
	contains(out, "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;");
	contains(out, "&lt;script&gt;mx&lt;/script&gt;");
	contains(out, "&lt;b&gt;type&lt;/b&gt;");
	contains(out, "a result type dmarcsift does not know");
	assert_int_equal(occurrences(out, "<svg "), 4);
	/* A date that gmtime cannot give. */
	contains(out, ">?</span>");
	free(out);
}

static void
test_huge(void **state)
{
	char *out = render_free(fixture_html_huge());

	(void)state;
	check_document(out);
	check_coordinates(out);
	contains(out, ">18,446,744,073,709,551,615<");
	contains(out, "over 100 times as many as 1 the period before");
	/* Never 100% unless every message passed. */
	contains(out, ">99.9%<");
	contains(out, "At the last step");
	contains(out, "And 18446744073709551615 more sources not shown.");
	assert_int_equal(occurrences(out, "<svg "), 3);
	assert_true(occurrences(out, "<rect ") >= 8);
	free(out);
}

/* One rule for percentages (common/percent.h), the digits of every other
 * format: 9,996 of 10,000 is 99.9%, its 4 failed 0.1%, +0.4 points on
 * 99.5%. */
static void
test_almost_all_passed(void **state)
{
	char *out = render_free(fixture_html_almost());

	(void)state;
	check_document(out);
	contains(out, ">99.9%<");
	contains(out, "+0.4 points</span> vs 99.5%");
	contains(out, ">0.1% of messages");
	contains(out, ": 99.9%</title></circle>");
	lacks(out, "100.0%");
	lacks(out, "0.0%");
	free(out);
}

/* Anyone can send reports: a flood of reporters is cut, and counted. */
static void
test_many_reporters(void **state)
{
	struct digest *d = fixture_digest(1);
	struct digest_domain *dd = &d->domains[0];
	char name[32], *out;

	(void)state;
	dd->domain = xstrdup("flood.example");
	fixture_days(
	    dd, 2, (const uint64_t[]){40, 0}, (const uint64_t[]){40, 0});
	dd->nreporters = 70;
	dd->reporters = xcalloc(70, sizeof(*dd->reporters));
	for (size_t i = 0; i < 70; i++) {
		snprintf(name, sizeof(name), "rep%zu.test", i);
		fixture_reporter(&dd->reporters[i], name, i < 40, i < 40,
		    i < 40 ? "10" : "00", i >= 40);
	}
	out = render_free(d);
	check_document(out);
	contains(out, ">rep24.test<");
	lacks(out, ">rep25.test<");
	contains(out, "And 15 more reporters not shown.");
	contains(out, "rep40.test, rep41.test");
	contains(out, "rep64.test and 5 more.</p>");
	lacks(out, "rep65.test");
	assert_int_equal(occurrences(out, "1/2</span>"), 25);
	free(out);
}

/* A first period has no period before: nothing can have stopped, and the
 * HTML says nothing of it, as the text and Markdown do not (it said "No
 * source of the period before went quiet"). */
static void
test_first_period_stopped(void **state)
{
	char *out = render_free(fixture_html_first());

	(void)state;
	lacks(out, "Sources that stopped");
	lacks(out, "went quiet");
	free(out);
}

/* The spoofing list holds class spoofing only, unknown sources being
 * among those that may be yours (analyze/digest.c): its heading says so
 * (it said "Spoofing and unknown sources"). */
static void
test_spoofing_title(void **state)
{
	char *out = render_free(fixture_html_normal());

	(void)state;
	contains(out, ">Spoofing sources</h3>");
	lacks(out, "unknown source");
	free(out);
}

/* The outline's two layouts: which sections each shows of a domain. */
static void
test_outline(void **state)
{
#define F DIGEST_LAYOUT_FULL
#define M DIGEST_LAYOUT_MAIL
	static const struct {
		const char *what;
		uint64_t messages;
		int has_prev, stopped, reporters, dns_checked;
		int failure_reports, tls; /* 1: some in the period */
		enum digest_layout layout;
		/* '1' shown, '0' not, in enum digest_section order. */
		const char *shown;
	} cases[] = {
	    {"mail, full", 10, 1, 1, 1, 1, 0, 0, F, "111111110110"},
	    {"mail, mail", 10, 1, 1, 1, 1, 0, 0, M, "111111110110"},
	    {"mail, not checked", 10, 1, 0, 1, 0, 0, 0, F, "111111110110"},
	    {"mail, not checked", 10, 1, 0, 1, 0, 0, 0, M, "111111110100"},
	    {"first period", 10, 0, 0, 1, 0, 0, 0, F, "111111010110"},
	    {"first period", 10, 0, 0, 1, 0, 0, 0, M, "111111010100"},
	    {"quiet", 0, 1, 1, 1, 1, 0, 0, F, "101100100110"},
	    {"quiet", 0, 1, 1, 1, 1, 0, 0, M, "100000100110"},
	    {"quiet, none", 0, 1, 0, 0, 0, 0, 0, F, "101100100110"},
	    {"quiet, none", 0, 1, 0, 0, 0, 0, 0, M, "100000000000"},
	    {"nothing", 0, 0, 0, 0, 0, 0, 0, F, "101100000010"},
	    {"nothing", 0, 0, 0, 0, 0, 0, 0, M, "100000000000"},
	    /* Failure and TLS reports are shown whenever there are some,
	     * with mail or without. */
	    {"tls, failures", 10, 1, 1, 1, 1, 1, 1, F, "111111111111"},
	    {"tls, failures", 10, 1, 1, 1, 1, 1, 1, M, "111111111111"},
	    {"tls only", 0, 0, 0, 0, 0, 0, 1, F, "101100000011"},
	    {"tls only", 0, 0, 0, 0, 0, 0, 1, M, "100000000001"},
	    {"failures only", 0, 0, 0, 0, 0, 1, 0, M, "100000001000"},
	};
	struct tls_summary tls = {0};
#undef F
#undef M

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct digest_domain dd = {0};

		dd.messages = cases[i].messages;
		dd.has_prev = cases[i].has_prev;
		dd.stopped.n = (size_t)cases[i].stopped;
		dd.nreporters = (size_t)cases[i].reporters;
		dd.dns_checked = cases[i].dns_checked;
		dd.failure_reports = (uint64_t)cases[i].failure_reports;
		tls.reports = 1;
		dd.tls = cases[i].tls ? &tls : NULL;
		for (int s = 0; s < DIGEST_NSECTIONS; s++)
			if (digest_section_shown((enum digest_section)s, &dd,
			        cases[i].layout) != (cases[i].shown[s] == '1'))
				fail_msg("%s, layout %d: section %d",
				    cases[i].what, (int)cases[i].layout, s);
	}
}

/* A full disk is an error the caller sees. */
static void
test_write_error(void **state)
{
	struct digest *d = fixture_html_normal();
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	if (fp == NULL)
		fail_msg("/dev/full: %s", strerror(errno));
	errno = 0;
	assert_int_equal(digest_html(fp, d), -1);
	assert_int_not_equal(errno, 0);
	fclose(fp);
	fixture_html_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_compact),
	    cmocka_unit_test(test_svg_empty),
	    cmocka_unit_test(test_svg_scale),
	    cmocka_unit_test(test_normal),
	    cmocka_unit_test(test_golden),
	    cmocka_unit_test(test_first_period),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_no_data),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_huge),
	    cmocka_unit_test(test_almost_all_passed),
	    cmocka_unit_test(test_many_reporters),
	    cmocka_unit_test(test_first_period_stopped),
	    cmocka_unit_test(test_outline),
	    cmocka_unit_test(test_spoofing_title),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
