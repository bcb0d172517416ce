/* Unit tests for ingest/parse.c and ingest/utf8fix.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "parse.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the sink saw, as text, so tests can compare whole outcomes. */
struct seen {
	int reports, discards, fail_at;
	uint64_t records, messages, dropped;
	char records_text[4096];
	char report_text[2048];
	char warnings[2048];
};

static void
add(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

#define S(x) ((x) ? (x) : "(null)")

static int
sink_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct seen *s = ctx;

	s->records++;
	if (s->fail_at && s->records == (uint64_t)s->fail_at)
		return err_set(err, ERR_SINK, "database went away");
	add(s->records_text, sizeof(s->records_text),
	    "[%s %llu %s/%s/%s hf=%s ef=%s et=%s", rec->source_ip,
	    (unsigned long long)rec->count, S(rec->disposition), S(rec->dkim),
	    S(rec->spf), S(rec->header_from), S(rec->envelope_from),
	    S(rec->envelope_to));
	for (size_t i = 0; i < rec->n_reasons; i++)
		add(s->records_text, sizeof(s->records_text), " reason=%s:%s",
		    S(rec->reasons[i].type), S(rec->reasons[i].comment));
	for (size_t i = 0; i < rec->n_dkim; i++)
		add(s->records_text, sizeof(s->records_text),
		    " dkim=%s:%s:%s:%s", S(rec->dkim_results[i].domain),
		    S(rec->dkim_results[i].selector),
		    S(rec->dkim_results[i].result),
		    S(rec->dkim_results[i].human_result));
	for (size_t i = 0; i < rec->n_spf; i++)
		add(s->records_text, sizeof(s->records_text),
		    " spf=%s:%s:%s:%s", S(rec->spf_results[i].domain),
		    S(rec->spf_results[i].scope), S(rec->spf_results[i].result),
		    S(rec->spf_results[i].human_result));
	add(s->records_text, sizeof(s->records_text), "]");
	return 0;
}

static int
sink_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct seen *s = ctx;
	const struct dmarc_policy *p = &rep->policy;

	s->reports++;
	s->messages = rep->messages;
	s->dropped = rep->n_dropped;
	add(s->report_text, sizeof(s->report_text),
	    "org=%s email=%s extra=%s id=%s gen=%s v=%s ns=%s %lld-%lld "
	    "dom=%s p=%s sp=%s np=%s pct=%d adkim=%s aspf=%s fo=%s t=%s "
	    "disc=%s errors=%zu",
	    S(rep->org_name), S(rep->email), S(rep->extra_contact_info),
	    S(rep->report_id), S(rep->generator), S(rep->version), S(rep->ns),
	    (long long)rep->begin, (long long)rep->end, S(p->domain), S(p->p),
	    S(p->sp), S(p->np), p->pct, S(p->adkim), S(p->aspf), S(p->fo),
	    S(p->testing), S(p->discovery_method), rep->n_errors);
	for (size_t i = 0; i < rep->n_warnings; i++)
		add(s->warnings, sizeof(s->warnings), "%s|", rep->warnings[i]);
	return 0;
}

static void
sink_discard(void *ctx)
{
	((struct seen *)ctx)->discards++;
}

/* Delivers a buffer one byte per read, to test every chunk boundary. */
struct drip {
	struct bytesrc base;
	const char *p;
	size_t len;
};

static ssize_t
drip_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct drip *d = (struct drip *)src;

	if (d->len == 0)
		return 0;
	*(char *)buf = *d->p++;
	d->len--;
	return 1;
}

static void
drip_close(struct bytesrc *src)
{
	free(src);
}

static int
run(const char *xml, size_t len, const struct limits *lim, struct seen *s,
    struct err *err, int drip)
{
	struct report_sink sink = {s, sink_record, sink_report, sink_discard};
	struct bytesrc *src;
	int rc;

	if (drip) {
		struct drip *d = calloc(1, sizeof(*d));

		d->base.read = drip_read;
		d->base.close = drip_close;
		d->p = xml;
		d->len = len;
		src = &d->base;
	} else {
		src = bytesrc_mem_new(xml, len);
	}
	err_clear(err);
	rc = parse_report(src, "test", lim, &sink, err);
	bytesrc_free(src);
	return rc;
}

static int
parse_str(const char *xml, struct seen *s, struct err *err)
{
	struct limits lim;

	limits_init(&lim);
	memset(s, 0, sizeof(*s));
	return run(xml, strlen(xml), &lim, s, err, 0);
}

#define HEAD                                                                   \
	"<report_metadata><org_name>Org</org_name><email>a@b</email>"          \
	"<report_id>R1</report_id><date_range><begin>100</begin>"              \
	"<end>200</end></date_range></report_metadata>"                        \
	"<policy_published><domain>example.com</domain><p>none</p>"            \
	"</policy_published>"
#define REC(ip, count)                                                         \
	"<record><row><source_ip>" ip "</source_ip><count>" count              \
	"</count><policy_evaluated><disposition>none</disposition><dkim>pass"  \
	"</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"         \
	"<header_from>example.com</header_from></identifiers></record>"

static const char full_rfc7489[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">\r\n"
    " <version>1.0</version>\r\n"
    " <report_metadata>\r\n"
    "  <org_name> google.com </org_name>\r\n"
    "  <email>noreply-dmarc-support@google.com</email>\r\n"
    "  <extra_contact_info>https://support.google.com/a/answer/2466580"
    "</extra_contact_info>\r\n"
    "  <report_id>14325617012</report_id>\r\n"
    "  <date_range><begin>1711756800</begin><end>1711843199</end>"
    "</date_range>\r\n"
    "  <error>one</error><error>two</error>\r\n"
    " </report_metadata>\r\n"
    " <policy_published><domain>example.com</domain><adkim>R</adkim>"
    "<aspf>s</aspf><p>Quarantine</p><sp>reject</sp><pct>50</pct>"
    "<fo>1:d</fo></policy_published>\r\n"
    " <record><row><source_ip>2001:DB8::0:1</source_ip><count>"
    "9223372036854775807</count><policy_evaluated><disposition>None"
    "</disposition><dkim>PASS</dkim><spf>Fail</spf><reason><type>"
    "Forwarded</type><comment>via list</comment></reason><reason><type>"
    "weird_reason</type></reason></policy_evaluated></row>"
    "<identifiers><envelope_to>example.net</envelope_to><envelope_from>"
    "bounce.esp.com</envelope_from><header_from>example.com</header_from>"
    "</identifiers><auth_results><dkim><domain>example.com</domain>"
    "<selector>s1</selector><result>pass</result><human_result>ok"
    "</human_result></dkim><dkim><domain>esp.com</domain><result>"
    "TempError</result></dkim><spf><domain>bounce.esp.com</domain>"
    "<scope>mfrom</scope><result>SoftFail</result></spf></auth_results>"
    "</record>\r\n"
    "</feedback>\r\n";

static void
check_full(int drip)
{
	struct seen s;
	struct err err;
	struct limits lim;

	limits_init(&lim);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    run(full_rfc7489, strlen(full_rfc7489), &lim, &s, &err, drip), 0);
	assert_int_equal(s.reports, 1);
	assert_string_equal(s.report_text,
	    "org=google.com email=noreply-dmarc-support@google.com "
	    "extra=https://support.google.com/a/answer/2466580 id=14325617012 "
	    "gen=(null) v=1.0 ns=http://dmarc.org/dmarc-xml/0.1 "
	    "1711756800-1711843199 dom=example.com p=quarantine sp=reject "
	    "np=(null) pct=50 adkim=r aspf=s fo=1:d t=(null) disc=(null) "
	    "errors=2");
	assert_string_equal(s.records_text,
	    "[2001:db8::1 9223372036854775807 none/pass/fail hf=example.com "
	    "ef=bounce.esp.com et=example.net reason=forwarded:via list "
	    "reason=weird_reason:(null) dkim=example.com:s1:pass:ok "
	    "dkim=esp.com:(null):temperror:(null) "
	    "spf=bounce.esp.com:mfrom:softfail:(null)]");
	assert_string_equal(s.warnings, "");
	assert_int_equal(s.messages, 9223372036854775807ULL);
}

static void
test_full_report(void **state)
{
	check_full(0);
}

/* "example.com." is example.com: a final dot would split the domain in every
 * grouping (issue 12 item 8); a name that is only dots stays as written. */
static void
test_final_dot(void **state)
{
	static const char xml[] =
	    "<feedback><report_metadata><org_name>Org</org_name><email>a@b"
	    "</email><report_id>R1</report_id><date_range><begin>100</begin>"
	    "<end>200</end></date_range></report_metadata><policy_published>"
	    "<domain>Example.COM.</domain><p>none</p></policy_published>"
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "<policy_evaluated><disposition>none</disposition><dkim>pass"
	    "</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
	    "<envelope_from>..</envelope_from><header_from>example.com."
	    "</header_from></identifiers><auth_results><dkim><domain>esp.net."
	    "</domain><result>pass</result></dkim><spf><domain>b.esp.net."
	    "</domain><result>pass</result></spf></auth_results></record>"
	    "</feedback>";
	struct seen s;
	struct err err;

	(void)state;
	assert_int_equal(parse_str(xml, &s, &err), 0);
	assert_non_null(strstr(s.report_text, " dom=Example.COM p=none "));
	assert_string_equal(s.records_text,
	    "[192.0.2.1 1 none/pass/fail hf=example.com ef=.. et=(null) "
	    "dkim=esp.net:(null):pass:(null) "
	    "spf=b.esp.net:(null):pass:(null)]");
}

static void
test_full_report_byte_by_byte(void **state)
{
	check_full(1);
}

static void
test_dmarcbis(void **state)
{
	struct seen s;
	struct err err;

	assert_int_equal(
	    parse_str(
	        "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
	        "<report_metadata><org_name>o</org_name><report_id>x"
	        "</report_id><generator>gen 1.0</generator><date_range>"
	        "<begin>1</begin><end>2</end></date_range>"
	        "</report_metadata><policy_published><domain>d.example"
	        "</domain><p>reject</p><np>Quarantine</np><testing>Y"
	        "</testing><discovery_method>TreeWalk</discovery_method>"
	        "</policy_published>" REC("192.0.2.1",
	            "3") "<record><row><source_ip>192.0.2.2</source_ip><count>1"
	                 "</count><policy_evaluated><disposition>pass"
	                 "</disposition></policy_evaluated></row></record>"
	                 "</feedback>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.report_text,
	    "gen=gen 1.0 v=(null) ns=urn:ietf:params:xml:ns:dmarc-2.0"));
	assert_non_null(
	    strstr(s.report_text, "p=reject sp=(null) np=quarantine pct=-1"));
	assert_non_null(strstr(s.report_text, "t=y disc=treewalk"));
	assert_non_null(strstr(s.records_text, "[192.0.2.2 1 pass/"));
	assert_int_equal(s.messages, 4);
}

static void
test_any_order_and_unknown_elements(void **state)
{
	struct seen s;
	struct err err;

	/* Records first, metadata last, extensions and unknown elements
	 * anywhere: all read by name and parent. */
	assert_int_equal(
	    parse_str(
	        "<feedback>" REC("192.0.2.1",
	            "1") "<extension><record><row><source_ip>10.0.0.1</"
	                 "source_ip>"
	                 "</row></record></extension>"
	                 "<policy_published><whatever>x</whatever><p>none</p>"
	                 "<domain>example.com</domain></policy_published>"
	                 "<report_metadata><date_range><end>20</end><begin>10"
	                 "</begin></date_range><report_id>r</report_id>"
	                 "<org_name>o</org_name></report_metadata></feedback>",
	        &s, &err),
	    0);
	assert_int_equal(s.records, 1);
	assert_non_null(strstr(s.report_text, "10-20 dom=example.com"));
	assert_string_equal(s.warnings, "");
}

static void
test_unknown_namespace_warns(void **state)
{
	struct seen s;
	struct err err;

	assert_int_equal(
	    parse_str("<feedback xmlns=\"http://x.example/ns\">" HEAD REC(
	                  "192.0.2.1", "1") "</feedback>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.warnings, "unknown XML namespace"));
}

static void
test_bad_records_dropped(void **state)
{
	static const struct {
		const char *rec, *warning;
	} cases[] = {
	    {REC("999.1.1.1", "1"),
	        "record 1 dropped: <source_ip> '999.1.1.1' is not an IP "
	        "address"},
	    {REC("192.0.2.1", "-4"),
	        "record 1 dropped: <count> '-4' is not a whole number"},
	    {REC("192.0.2.1", "ten"), "<count> 'ten' is not"},
	    {REC("192.0.2.1", "9223372036854775808"),
	        "<count> '9223372036854775808'"},
	    {REC("192.0.2.1", ""), "<count> '' is not"},
	    {"<record><row><count>1</count></row></record>",
	        "record 1 dropped: it has no <source_ip>"},
	    {"<record><row><source_ip>192.0.2.1</source_ip></row></record>",
	        "record 1 dropped: it has no <count>"},
	};
	char xml[2048];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s;
		struct err err;

		snprintf(xml, sizeof(xml),
		    "<feedback>" HEAD "%s" REC("192.0.2.9", "2") "</feedback>",
		    cases[i].rec);
		assert_int_equal(parse_str(xml, &s, &err), 0);
		assert_int_equal(s.records, 1);
		assert_int_equal(s.dropped, 1);
		assert_int_equal(s.messages, 2);
		if (strstr(s.warnings, cases[i].warning) == NULL)
			fail_msg("case %zu: warning '%s' not in '%s'", i,
			    cases[i].warning, s.warnings);
	}
}

static void
test_refused(void **state)
{
	static const struct {
		const char *xml;
		int code;
		const char *msg;
	} cases[] = {
	    {"<feedback>" REC("192.0.2.1", "1") "</feedback>", ERR_MALFORMED,
	        "report has no <report_id>"},
	    {"<feedback><report_metadata><report_id>r</report_id>"
	     "<date_range><begin>1</begin><end>2</end></date_range>"
	     "</report_metadata></feedback>",
	        ERR_MALFORMED, "no <policy_published><domain>"},
	    {"<feedback><report_metadata><report_id>r</report_id>"
	     "</report_metadata><policy_published><domain>d</domain>"
	     "</policy_published></feedback>",
	        ERR_MALFORMED, "no <date_range>"},
	    {"<feedback><report_metadata><date_range><begin>yesterday"
	     "</begin></date_range></report_metadata></feedback>",
	        ERR_MALFORMED, "<begin> 'yesterday' is not a time"},
	    {"<feedback>" HEAD, ERR_MALFORMED,
	        "XML ends before the report does: truncated?"},
	    {"<feedback>" HEAD "<record></feedback>", ERR_MALFORMED,
	        "XML error"},
	    {"<html><body>hello</body></html>", ERR_NOT_AGGREGATE,
	        "root element is <html>"},
	    {"<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY x "
	     "SYSTEM \"file:///etc/passwd\">]><feedback>&x;</feedback>",
	        ERR_MALFORMED, "DOCTYPE"},
	    {"<feedback>&undefined;</feedback>", ERR_MALFORMED, "XML error"},
	    {"", ERR_MALFORMED, "XML"},
	    /* libxml2 says this only through its generic error channel. */
	    {"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><feedback>"
	     "\xff\xff\xff</feedback>",
	        ERR_MALFORMED,
	        "cannot decode the XML in its declared encoding"},
	    {"<?xml version=\"1.0\" encoding=\"no-such\"?><feedback/>",
	        ERR_MALFORMED, "Unsupported encoding no-such"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s;
		struct err err;
		int rc = parse_str(cases[i].xml, &s, &err);

		if (rc != cases[i].code ||
		    strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, rc,
			    err.msg, cases[i].code, cases[i].msg);
		assert_int_equal(s.reports, 0);
	}
}

static void
test_records_before_refusal_are_discarded(void **state)
{
	struct seen s;
	struct err err;

	/* Two good records, then the report turns out to have no id. */
	assert_int_equal(parse_str("<feedback>" REC("192.0.2.1", "1")
	                               REC("192.0.2.2", "1") "</feedback>",
	                     &s, &err),
	    ERR_MALFORMED);
	assert_int_equal(s.records, 2);
	assert_int_equal(s.discards, 1);
}

static void
test_sink_failure_stops(void **state)
{
	struct seen s;
	struct err err;
	struct limits lim;
	static const char xml[] = "<feedback>" HEAD REC("192.0.2.1", "1")
	    REC("192.0.2.2", "1") REC("192.0.2.3", "1") "</feedback>";

	limits_init(&lim);
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	assert_int_equal(run(xml, strlen(xml), &lim, &s, &err, 0), ERR_SINK);
	assert_string_equal(err.msg, "database went away");
	assert_int_equal(s.records, 2);
	assert_int_equal(s.reports, 0);
	assert_int_equal(s.discards, 1);
}

static void
test_limits_enforced(void **state)
{
	struct seen s;
	struct err err;
	struct limits lim;
	char xml[4096], big[600];

	limits_init(&lim);
	limits_set(&lim, "records=2", &err);
	snprintf(xml, sizeof(xml), "<feedback>" HEAD "%s%s%s</feedback>",
	    REC("192.0.2.1", "1"), REC("192.0.2.2", "1"),
	    REC("192.0.2.3", "1"));
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(xml, strlen(xml), &lim, &s, &err, 0), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit records"));

	limits_init(&lim);
	limits_set(&lim, "string_bytes=100", &err);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(xml, sizeof(xml),
	    "<feedback><report_metadata><org_name>%s</org_name>"
	    "</report_metadata></feedback>",
	    big);
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(xml, strlen(xml), &lim, &s, &err, 0), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit string_bytes"));

	limits_init(&lim);
	limits_set(&lim, "auth_results=1", &err);
	snprintf(xml, sizeof(xml),
	    "<feedback>" HEAD "<record><auth_results><dkim/><dkim/>"
	    "</auth_results></record></feedback>");
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(xml, strlen(xml), &lim, &s, &err, 0), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit auth_results"));

	limits_init(&lim);
	strcpy(xml, "<feedback>");
	for (int i = 0; i < 40; i++)
		strcat(xml, "<a>");
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(xml, strlen(xml), &lim, &s, &err, 0), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit xml_depth"));
}

static void
test_salvage(void **state)
{
	struct seen s;
	struct err err;
	struct limits lim;
	/* A stray wrapper left unclosed, as one real reporter sends. */
	static const char wrapped[] =
	    "<?xml version=\"1.0\"?> <xs:schema "
	    "xmlns:xs=\"http://www.w3.org/2001/"
	    "XMLSchema\">\n<feedback>" HEAD REC("192.0.2.1", "1") "</feedback>";
	/* A Latin-1 byte in a UTF-8 document, at every chunk boundary. */
	static const char latin1[] =
	    "<feedback>" HEAD
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "</row><identifiers><header_from>caf\xe9.example</header_from>"
	    "</identifiers></record></feedback>";

	assert_int_equal(parse_str(wrapped, &s, &err), 0);
	assert_int_equal(s.records, 1);
	assert_non_null(
	    strstr(s.warnings, "wrapped in an unexpected <schema>"));
	assert_non_null(strstr(s.warnings, "after </feedback> ignored"));

	/* Two reports in one wrapper: the first is read, the second named. */
	assert_int_equal(
	    parse_str("<w><feedback>" HEAD REC("192.0.2.1",
	                  "1") "</feedback><feedback>" HEAD "</feedback></w>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.warnings, "a second <feedback>"));

	limits_init(&lim);
	for (int drip = 0; drip < 2; drip++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(
		    run(latin1, strlen(latin1), &lim, &s, &err, drip), 0);
		assert_non_null(
		    strstr(s.records_text, "hf=caf\xef\xbf\xbd.example"));
		assert_non_null(strstr(s.warnings,
		    "1 invalid UTF-8 byte(s) replaced with U+FFFD"));
	}

	/* Declared Latin-1 is not invalid: libxml2 converts it. */
	assert_int_equal(
	    parse_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	              "<feedback>" HEAD "<record><row><source_ip>192.0.2.1"
	              "</source_ip><count>1</count></row><identifiers>"
	              "<header_from>caf\xe9</header_from></identifiers>"
	              "</record></feedback>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.records_text, "hf=caf\xc3\xa9 "));
	assert_string_equal(s.warnings, "");

	/* An invalid byte in an element name is not a value to repair. */
	assert_int_equal(
	    parse_str("<feedback><org\xff>x</org\xff></feedback>", &s, &err),
	    ERR_MALFORMED);
	assert_non_null(strstr(err.msg, "element name"));
}

static void
test_review_cases(void **state)
{
	struct seen s;
	struct err err;
	char xml[4096];

	/* Markup inside a value is skipped; the value's own text stays. */
	assert_int_equal(
	    parse_str("<feedback><report_metadata><org_name>o</org_name>"
	              "<report_id>ab<b>zz</b>c</report_id><date_range><begin>1"
	              "</begin><end>2</end></date_range></report_metadata>"
	              "<policy_published><domain>d</domain>"
	              "</policy_published></feedback>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.report_text, "id=abc "));

	/* A repeated <count> keeps the first and says so. */
	assert_int_equal(
	    parse_str("<feedback>" HEAD "<record><row><source_ip>192.0.2.1"
	              "</source_ip><count>5</count><count>x"
	              "</count></row></record></feedback>",
	        &s, &err),
	    0);
	assert_int_equal(s.messages, 5);
	assert_non_null(strstr(s.warnings, "record 1: repeated <count>"));

	/* Deep junk after a complete report does not refuse it. */
	strcpy(xml, "<w><feedback>" HEAD REC("192.0.2.1", "1") "</feedback>");
	for (int i = 0; i < 40; i++)
		strcat(xml, "<a>");
	assert_int_equal(parse_str(xml, &s, &err), 0);
	assert_non_null(strstr(s.warnings, "after </feedback> ignored"));
}

static void
test_utf16_with_bom(void **state)
{
	static const char ascii[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
	    "<feedback>" HEAD REC("192.0.2.1", "5") "</feedback>";
	char utf16[sizeof(ascii) * 2 + 2];
	size_t n = 0;
	struct seen s;
	struct err err;
	struct limits lim;

	utf16[n++] = (char)0xff;
	utf16[n++] = (char)0xfe;
	for (size_t i = 0; ascii[i] != '\0'; i++) {
		utf16[n++] = ascii[i];
		utf16[n++] = 0;
	}
	limits_init(&lim);
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(utf16, n, &lim, &s, &err, 0), 0);
	assert_int_equal(s.messages, 5);
	assert_string_equal(s.warnings, "");
}

static void
test_cdata_and_entities(void **state)
{
	struct seen s;
	struct err err;

	assert_int_equal(
	    parse_str("<feedback><report_metadata><org_name><![CDATA[A&B]]>"
	              "</org_name><email>x&amp;y&#64;z</email><report_id>r"
	              "</report_id><date_range><begin>1</begin><end>2</end>"
	              "</date_range></report_metadata><policy_published>"
	              "<domain>d</domain></policy_published></feedback>",
	        &s, &err),
	    0);
	assert_non_null(strstr(s.report_text, "org=A&B email=x&y@z"));
	assert_non_null(strstr(s.warnings, "report has no records"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_report),
	    cmocka_unit_test(test_full_report_byte_by_byte),
	    cmocka_unit_test(test_dmarcbis),
	    cmocka_unit_test(test_any_order_and_unknown_elements),
	    cmocka_unit_test(test_unknown_namespace_warns),
	    cmocka_unit_test(test_bad_records_dropped),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_records_before_refusal_are_discarded),
	    cmocka_unit_test(test_sink_failure_stops),
	    cmocka_unit_test(test_final_dot),
	    cmocka_unit_test(test_limits_enforced),
	    cmocka_unit_test(test_salvage),
	    cmocka_unit_test(test_review_cases),
	    cmocka_unit_test(test_utf16_with_bom),
	    cmocka_unit_test(test_cdata_and_entities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
