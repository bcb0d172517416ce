/* Unit tests for ingest/failrpt.c and its way through the reader: RFC 6591
 * failure reports, what is kept of them, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "failrpt.h"
#include "input_limits.h"
#include "reader.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A feedback part: the fields every case needs, then the case's. */
#define FB_HEAD                                                                \
	"Feedback-Type: auth-failure\r\nUser-Agent: t/1\r\nVersion: 1\r\n"     \
	"Reported-Domain: Example.COM\r\n"

static char *
slurp_path(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
add_list(char *out, size_t size, char *const *v, size_t n)
{
	size_t len = strlen(out);

	for (size_t i = 0; i < n; i++) {
		snprintf(out + len, size - len, "%s%s", i ? "," : "", v[i]);
		len = strlen(out);
	}
	snprintf(out + len, size - len, "|");
}

#define OPT(s) ((s) != NULL ? (s) : "-")

/* The report in one line: every field the parser keeps, in order. */
static void
describe(const struct failrpt_report *r, char *out, size_t size)
{
	char when[24] = "-";
	size_t len;

	if (r->has_arrival)
		snprintf(when, sizeof(when), "%" PRId64, r->arrival);
	snprintf(out, size, "%s|%s|%s|%s|", r->reporter, r->reported_domain,
	    OPT(r->source_ip), when);
	add_list(out, size, r->auth_failures, r->n_auth_failures);
	len = strlen(out);
	snprintf(out + len, size - len, "%s|%s|%s|%s|%s|%s|%s|",
	    OPT(r->dkim_domain), OPT(r->dkim_selector), OPT(r->dkim_identity),
	    OPT(r->spf_dns), OPT(r->identity_alignment),
	    OPT(r->delivery_result), OPT(r->original_mail_from));
	add_list(out, size, r->original_rcpt_to, r->n_original_rcpt_to);
	len = strlen(out);
	snprintf(out + len, size - len, "%s|%s|%s|", OPT(r->reporting_mta),
	    OPT(r->user_agent), OPT(r->version));
	add_list(out, size, r->header_names, r->n_header_names);
	len = strlen(out);
	snprintf(out + len, size - len, "%s|%s|%s|%s", OPT(r->orig_from),
	    OPT(r->orig_subject), OPT(r->orig_message_id), OPT(r->orig_date));
}

struct seen {
	unsigned n;
	char text[4096]; /* the last report, described */
	char where[256];
	char problems[2048];
	unsigned char key[FAILRPT_KEY_LEN];
};

static int
on_failure(void *ctx, const struct failrpt_report *rep, const char *where,
    struct err *err)
{
	struct seen *o = ctx;

	(void)err;
	o->n++;
	describe(rep, o->text, sizeof(o->text));
	snprintf(o->where, sizeof(o->where), "%s", where);
	failrpt_key(rep, o->key);
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	(void)ctx;
	(void)rep;
	(void)where;
	(void)err;
	return 0;
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct seen *o = ctx;
	size_t len = strlen(o->problems);

	(void)where;
	snprintf(o->problems + len, sizeof(o->problems) - len, "%d:%s|",
	    why->code, why->msg);
}

/* Reads buf as ingest does (with failure reports) or as parse does. */
static int
read_input(const void *buf, size_t len, const struct limits *lim, int with_fail,
    struct seen *o, struct reader_stats *stats)
{
	struct reader_sink sink = {{o, NULL, on_report, NULL}, on_problem};
	struct reader_failure_sink fail = {o, on_failure};
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	struct err err;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = reader_read_all(
	    src, lim, &sink, NULL, with_fail ? &fail : NULL, stats, &err);
	bytesrc_free(src);
	return rc;
}

/* failrpt_parse() of a feedback part and an original's header. */
static int
parse(const char *fb, const char *orig, const char *from,
    const struct limits *lim, char *out, size_t size, struct err *err)
{
	struct bytesrc *src = bytesrc_mem_new(fb, strlen(fb));
	struct failrpt_report *r = NULL;
	int rc;

	err_clear(err);
	rc = failrpt_parse(
	    src, orig, orig != NULL ? strlen(orig) : 0, from, lim, &r, err);
	bytesrc_free(src);
	if (rc == 0)
		describe(r, out, size);
	else
		assert_null(r);
	failrpt_free(r);
	return rc;
}

static void
test_rfc_example(void **state)
{
	char path[1024], *buf;
	struct limits lim;
	struct reader_stats st;
	struct seen o;
	size_t len;

	(void)state;
	limits_init(&lim);
	snprintf(path, sizeof(path), "%s/failrpt/rfc6591.eml", DS_TESTDATA);
	buf = slurp_path(path, &len);
	assert_int_equal(read_input(buf, len, &lim, 1, &o, &st), 0);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.refused, 0);
	assert_string_equal(o.where, "part 2 message/feedback-report");
	/* 12:15:31 -0700 is 19:15:31 UTC; the body ("Hey gang") and the
	 * values of DKIM-Signature, Received and To are nowhere. */
	assert_string_equal(o.text,
	    "arf-daemon@example.com|example.net|192.0.2.1|1271272531|"
	    "signature|example.net|news|@example.net|-|-|-|"
	    "<randomuser@example.net>|<user@example.com>|-|"
	    "SomeDKIMFilter/1.0|1|"
	    "DKIM-Signature,Received,Received,From,To,Subject,Date,"
	    "Message-ID|randomuser@example.net|This is a test|"
	    "<12345.abc@example.net>|Wed, 14 Apr 2010 12:15:31 -0700 (PDT)");

	/* Read as parse reads (no failure sink): skipped as before. */
	assert_int_equal(
	    read_input(buf, len, &lim, 0, &o, &st), ERR_NOT_AGGREGATE);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(
	    o.problems, "-3:not an aggregate report (failure report)|");
	free(buf);
}

/* The shared corpus's real failure reports, each read whole. */
static void
test_corpus(void **state)
{
	static const struct {
		const char *name, *want; /* NULL: no failure report */
	} cases[] = {
	    {"DMARC Failure Report for domain.de (mail-from=sharepoint@"
	     "domain.de, ip=10.10.10.10).eml",
	        "dmarc-report@domain.de|domain.de|10.10.10.10|1538385627|"
	        "dmarc|-|-|-|-|-|smg-policy-action|sharepoint@domain.de|"
	        "peter.pan@domain.de|-|Lua/1.0|1.0|Received,Date,Message-ID,"
	        "To,from,Subject,MIME-Version,X-Mailer,Content-Type,"
	        "Content-Transfer-Encoding|\"Interaktive "
	        "Wettbewerber-\xc3\x9c"
	        "bersicht\" "
	        "<sharepoint@domain.de>|Subject|<38.E7.30937.BD6E1BB5@ "
	        "mailrelay.de>|01 Oct 2018 11:20:27 +0200"},
	    /* Netease: the ARF part base64 in a multipart/mixed, no
	     * Auth-Failure, Identity-Alignment instead. */
	    {"[Netease DMARC Failure Report] Rent Reminder.eml",
	        "abuse@163.com|cardinal.com|167.89.69.24|1538124522||"
	        "entrata.com|-|-|-|spf,dkim|delivered|<bounces+1137616-c1ad-"
	        "xsj399=163.com@email.entrata.com>||-|NtesDmarcReporter/1.0|"
	        "1|Received,Received,From,To,Subject,Thread-Topic,"
	        "Thread-Index,X-MS-Exchange-MessageSentRepresentingType,Date,"
	        "Message-ID,X-MS-Has-Attach,X-MS-TNEF-Correlator,"
	        "X-MS-Exchange-Organization-RecordReviewCfmType,Content-Type,"
	        "MIME-Version|700 on Washington <info@cardinal.com>|Rent "
	        "Reminder|<oguVx1AxQayV5Sv2nYK-rA@ismtpd0007p1las1.sendgrid."
	        "net>|Fri, 28 Sep 2018 04:48:39 -0400"},
	    {"dmarc_ruf_report_linkedin.eml", NULL},
	    {"dmarc_ruf_report_linkedin.crlf.eml", NULL},
	    {"exim_plain_text_only_no_arf_part.eml", NULL},
	};
	struct limits lim;
	struct reader_stats st;
	struct seen o;

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1024], *buf;
		size_t len;
		int rc;

		snprintf(path, sizeof(path), "%s/parsedmarc/samples/failure/%s",
		    DS_CORPUS, cases[i].name);
		buf = slurp_path(path, &len);
		rc = read_input(buf, len, &lim, 1, &o, &st);
		free(buf);
		if (strstr(cases[i].name, "exim") != NULL) {
			/* A multipart/report without ARF part: skipped. */
			assert_int_equal(rc, ERR_NOT_AGGREGATE);
			assert_int_equal(st.failures, 0);
			continue;
		}
		if (rc != 0 || st.failures != 1 || st.refused != 0)
			fail_msg("%s: %u failure report(s), %s", cases[i].name,
			    st.failures, o.problems);
		if (cases[i].want != NULL && strcmp(o.text, cases[i].want) != 0)
			fail_msg("%s:\n got %s\nwant %s", cases[i].name, o.text,
			    cases[i].want);
		if (cases[i].want == NULL) {
			/* LinkedIn: its Message-ID in the feedback part and
			 * the original's agree; an empty Original-Mail-From
			 * says nothing; the mbox From_ line is no field. */
			assert_non_null(strstr(o.text,
			    "dmarc-noreply@linkedin.com|example.com|10.10.10."
			    "10|"
			    "1556590140|dmarc|-|-|-|-|-|delivered|-|"
			    "recipient@linkedin.com|-|Lua/1.0|1.0|Return-Path,"
			    "Authentication-Results,"));
			assert_non_null(strstr(o.text,
			    "|Sender <sender@example.com>|Subject line, could "
			    "be UTF8 encoded|<01010101010101010101010101010101@"
			    "ABAB01MS0016.someserver.loc>|Tue, 30 Apr 2019 "
			    "02:09:09 +0000"));
		}
	}
}

/* Every Auth-Failure type of RFC 6591 and RFC 7489, and some in use. */
static void
test_every_type(void **state)
{
	static const char *const types[] = {"adsp", "bodyhash", "revoked",
	    "signature", "spf", "dmarc", "dkim", "policy"};
	struct limits lim;
	struct err err;
	char out[4096], fb[512], want[128];

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(
		    fb, sizeof(fb), FB_HEAD "Auth-Failure: %s\r\n", types[i]);
		assert_int_equal(
		    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), 0);
		snprintf(want, sizeof(want), "|example.com|-|-|%s|", types[i]);
		assert_non_null(strstr(out, want));
	}
	/* Several, in fields of their own or in one, any case. */
	assert_int_equal(parse(FB_HEAD "Auth-Failure: DKIM\r\n"
	                               "Auth-Failure: spf, bodyhash\r\n"
	                               "SPF-DNS: txt; example.com\r\n"
	                               "Identity-Alignment: None\r\n"
	                               "Delivery-Result: Reject\r\n"
	                               "Reporting-MTA: dns; MX.Example.NET\r\n",
	                     NULL, NULL, &lim, out, sizeof(out), &err),
	    0);
	assert_string_equal(out,
	    "mx.example.net|example.com|-|-|dkim,spf,bodyhash|-|-|-|txt; "
	    "example.com|none|reject|-||dns; MX.Example.NET|t/1|1||-|-|-|-");
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *fb;
		int code;
		const char *msg;
	} cases[] = {
	    {"User-Agent: t/1\r\nReported-Domain: example.com\r\n",
	        ERR_MALFORMED, "failure report: no Feedback-Type field"},
	    {"Feedback-Type: abuse\r\nReported-Domain: example.com\r\n",
	        ERR_NOT_AGGREGATE,
	        "not an aggregate report (feedback report of type abuse)"},
	    {"Feedback-Type: auth-failure\r\nSource-IP: 192.0.2.1\r\n",
	        ERR_MALFORMED, "failure report: no Reported-Domain field"},
	    {"Feedback-Type: auth-failure\r\nReported-Domain: a..b\r\n",
	        ERR_MALFORMED,
	        "failure report: Reported-Domain: 'a..b' is not a domain name "
	        "(an empty label)"},
	    {FB_HEAD "Source-IP: 192.0.2.300\r\n", ERR_MALFORMED,
	        "failure report: Source-IP: '192.0.2.300' is not an IP "
	        "address"},
	    {FB_HEAD "Arrival-Date: yesterday\r\n", ERR_MALFORMED,
	        "failure report: Arrival-Date: 'yesterday' is not a date"},
	    {FB_HEAD "Arrival-Date: Mon, 32 Jan 2024 10:00:00 +0000\r\n",
	        ERR_MALFORMED,
	        "failure report: Arrival-Date: 'Mon, 32 Jan 2024 10:00:00 "
	        "+0000' is not a date"},
	    {FB_HEAD "DKIM-Domain: exa\xffmple.com\r\n", ERR_MALFORMED,
	        "failure report: field DKIM-Domain: invalid UTF-8 or a control "
	        "character"},
	    {FB_HEAD "DKIM-Selector: s\x1b[31m\r\n", ERR_MALFORMED,
	        "failure report: field DKIM-Selector: invalid UTF-8 or a "
	        "control character"},
	    {FB_HEAD "this is no field\r\n", ERR_MALFORMED,
	        "failure report: line 5 is not a header field"},
	    {FB_HEAD "Auth-Failure: dkim;rm -rf\r\n", ERR_MALFORMED,
	        "failure report: Auth-Failure: 'dkim;rm' is not a failure "
	        "type"},
	};
	struct limits lim;
	struct err err;
	char out[4096];

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(
		    cases[i].fb, NULL, NULL, &lim, out, sizeof(out), &err);

		if (rc != cases[i].code || strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu: %d %s", i, rc, err.msg);
	}
}

/* Sizes: the part, its fields, one value, the lists, the original. */
static void
test_ceilings(void **state)
{
	struct limits lim;
	struct err err;
	char out[4096];
	size_t cap = FAILRPT_MAX_BYTES + 4096, len;
	char *fb = malloc(cap), *orig;

	(void)state;
	limits_init(&lim);
	/* Too many fields. */
	len = (size_t)snprintf(fb, cap, FB_HEAD);
	for (int i = 0; i < FAILRPT_MAX_FIELDS; i++)
		len += (size_t)snprintf(fb + len, cap - len, "X-A: b\r\n");
	assert_int_equal(
	    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), ERR_LIMIT);
	assert_string_equal(err.msg,
	    "failure report: more than 200 header fields (fixed limit)");
	/* A part larger than the ceiling. */
	len = (size_t)snprintf(fb, cap, FB_HEAD "X-A: ");
	memset(fb + len, 'a', FAILRPT_MAX_BYTES);
	fb[len + FAILRPT_MAX_BYTES] = '\0';
	assert_int_equal(
	    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), ERR_LIMIT);
	assert_string_equal(
	    err.msg, "failure report: larger than 262144 bytes (fixed limit)");
	/* One value longer than string_bytes, folded or not. */
	lim.string_bytes = 64;
	snprintf(fb, cap, FB_HEAD "DKIM-Domain: %070d\r\n", 0);
	assert_int_equal(
	    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), ERR_LIMIT);
	assert_string_equal(err.msg,
	    "failure report: field DKIM-Domain longer than 64 bytes (limit "
	    "string_bytes)");
	snprintf(fb, cap, FB_HEAD "DKIM-Domain: %040d\r\n %040d\r\n", 0, 0);
	assert_int_equal(
	    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), ERR_LIMIT);
	limits_init(&lim);
	/* Too many Original-Rcpt-To. */
	len = (size_t)snprintf(fb, cap, FB_HEAD);
	for (int i = 0; i <= FAILRPT_MAX_LIST; i++)
		len += (size_t)snprintf(
		    fb + len, cap - len, "Original-Rcpt-To: a%d@b\r\n", i);
	assert_int_equal(
	    parse(fb, NULL, NULL, &lim, out, sizeof(out), &err), ERR_LIMIT);
	assert_string_equal(err.msg,
	    "failure report: more than 50 Original-Rcpt-To fields (fixed "
	    "limit)");
	/* The original's header: too many fields. */
	orig = malloc(16 * (FAILRPT_MAX_HEADERS + 2));
	len = 0;
	for (int i = 0; i <= FAILRPT_MAX_HEADERS; i++)
		len += (size_t)sprintf(orig + len, "X-H: %d\n", i);
	assert_int_equal(
	    parse(FB_HEAD, orig, NULL, &lim, out, sizeof(out), &err),
	    ERR_LIMIT);
	assert_string_equal(err.msg,
	    "failure report: the original's header: more than 1000 header "
	    "fields (fixed limit)");
	free(orig);
	free(fb);
}

/* The original's values are another sender's text: repaired, kept; its
 * lines that are no fields are passed over; the block ends at its first
 * empty line, so nothing of a body is read. */
static void
test_original(void **state)
{
	struct limits lim;
	struct err err;
	char out[4096];

	(void)state;
	limits_init(&lim);
	assert_int_equal(
	    parse(FB_HEAD,
	        "From: Ren\xe9 <r@example.com>\r\nnot a field\r\n"
	        "Subject: a\x01"
	        "b\r\n  folded\r\nX-Secret: marker\r\n"
	        "Message-ID: <1@example.com>\r\n\r\nSubject: body text\r\n",
	        "Reports@Receiver.Example", &lim, out, sizeof(out), &err),
	    0);
	assert_string_equal(out,
	    "reports@receiver.example|example.com|-|-||-|-|-|-|-|-|-||-|t/1|"
	    "1|From,Subject,X-Secret,Message-ID|Ren\xef\xbf\xbd "
	    "<r@example.com>|a\xef\xbf\xbd"
	    "b  folded|<1@example.com>|-");
	assert_null(strstr(out, "marker"));
	assert_null(strstr(out, "body text"));
}

static void
test_dates(void **state)
{
	static const struct {
		const char *text;
		int64_t want;
	} cases[] = {
	    {"Wed, 14 Apr 2010 12:15:31 -0700 (PDT)", 1271272531},
	    {"14 Apr 2010 19:15:31 +0000", 1271272531},
	    {"Wed,  14 Apr 10 12:15:31 PDT", 1271272531},
	    {"Wed, 14 Apr 2010 19:15 GMT", 1271272500},
	    {"Wed, 14 Apr 2010 19:15:31.123 UT", 1271272531},
	    {"2010-04-14T19:15:31Z", 1271272531},
	    {"(a comment) 14 apr 2010 20:15:31 +0100", 1271272531},
	};
	struct limits lim;
	struct err err;
	char out[4096], fb[512], want[64];

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(fb, sizeof(fb), FB_HEAD "Arrival-Date: %s\r\n",
		    cases[i].text);
		if (parse(fb, NULL, NULL, &lim, out, sizeof(out), &err) != 0)
			fail_msg("%s: %s", cases[i].text, err.msg);
		snprintf(want, sizeof(want), "|-|%" PRId64 "|", cases[i].want);
		if (strstr(out, want) == NULL)
			fail_msg("%s: %s", cases[i].text, out);
	}
	/* Arrival-Date wins over Received-Date, whatever the order. */
	assert_int_equal(
	    parse(FB_HEAD "Received-Date: 1 Jan 2011 00:00 +0000\r\n"
	                  "Arrival-Date: 14 Apr 2010 19:15:31 "
	                  "+0000\r\n",
	        NULL, NULL, &lim, out, sizeof(out), &err),
	    0);
	assert_non_null(strstr(out, "|1271272531|"));
}

/* Copies are one report by reporter, Source-IP, Arrival-Date and
 * Message-ID; without a Message-ID, by everything read. */
static void
test_key(void **state)
{
	static const char *const fbs[] = {
	    FB_HEAD "Source-IP: 192.0.2.1\r\nArrival-Date: 14 Apr 2010 "
	            "19:15:31 +0000\r\nAuth-Failure: spf\r\n",
	    /* The same, its fields in another order, another agent. */
	    "Auth-Failure: spf\r\nReported-Domain: example.com\r\nSource-IP: "
	    "192.0.2.1\r\nFeedback-Type: auth-failure\r\nArrival-Date: "
	    "14 Apr 2010 19:15:31 +0000\r\nUser-Agent: other/2\r\n",
	    /* Another source. */
	    FB_HEAD "Source-IP: 192.0.2.2\r\nArrival-Date: 14 Apr 2010 "
	            "19:15:31 +0000\r\nAuth-Failure: spf\r\n",
	};
	const char *orig = "Message-ID: <m@example.com>\r\nSubject: s\r\n";
	unsigned char key[3][FAILRPT_KEY_LEN], nomid[2][FAILRPT_KEY_LEN];
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	for (int i = 0; i < 3; i++) {
		for (int with = 1; with >= 0; with--) {
			struct bytesrc *src =
			    bytesrc_mem_new(fbs[i], strlen(fbs[i]));
			struct failrpt_report *r = NULL;

			assert_int_equal(failrpt_parse(src, with ? orig : NULL,
			                     with ? strlen(orig) : 0,
			                     "a@b.example", &lim, &r, &err),
			    0);
			failrpt_key(r, with ? key[i] : nomid[i < 2 ? i : 1]);
			failrpt_free(r);
			bytesrc_free(src);
		}
	}
	assert_memory_equal(key[0], key[1], FAILRPT_KEY_LEN);
	assert_memory_not_equal(key[0], key[2], FAILRPT_KEY_LEN);
	/* Without a Message-ID the User-Agent counts too. */
	assert_memory_not_equal(nomid[0], nomid[1], FAILRPT_KEY_LEN);
}

/* Hostile mails: the report among many parts, in a message/rfc822
 * forwarded, with a text/rfc822-headers original in base64; a refused
 * report names its place. */
static void
test_reader_shapes(void **state)
{
	struct limits lim;
	struct reader_stats st;
	struct seen o;
	size_t cap = 1 << 20, len;
	char *m = malloc(cap);

	(void)state;
	limits_init(&lim);
	len = (size_t)snprintf(m, cap,
	    "From: Reporter <ruf@receiver.example>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n");
	for (int i = 0; i < 2000; i++)
		len += (size_t)snprintf(m + len, cap - len,
		    "--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i);
	len += (size_t)snprintf(m + len, cap - len,
	    "--b\r\nContent-Type: message/feedback-report\r\n\r\n" FB_HEAD
	    "Source-IP: 2001:DB8::1\r\n\r\n"
	    "--b\r\nContent-Type: text/rfc822-headers\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    /* "From: a@example.com\r\nSubject: hi\r\n" */
	    "RnJvbTogYUBleGFtcGxlLmNvbQ0KU3ViamVjdDogaGkNCg==\r\n--b--\r\n");
	assert_int_equal(read_input(m, len, &lim, 1, &o, &st), 0);
	assert_int_equal(st.failures, 1);
	assert_string_equal(o.text,
	    "ruf@receiver.example|example.com|2001:db8::1|-||-|-|-|-|-|-|-||-|"
	    "t/1|1|From,Subject|a@example.com|hi|-|-");
	assert_string_equal(o.where, "part 2001 message/feedback-report");

	/* Forwarded inside a mail: the reporter is the inner From. */
	len = (size_t)snprintf(m, cap,
	    "From: me@example.com\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=o\r\n\r\n"
	    "--o\r\nContent-Type: text/plain\r\n\r\nlook\r\n"
	    "--o\r\nContent-Type: message/rfc822\r\n\r\n"
	    "From: ruf@receiver.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: message/feedback-report\r\n\r\n" FB_HEAD
	    "\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
	    "From: x@example.com\r\nX-Secret: marker\r\n\r\nbody marker\r\n"
	    "--b--\r\n--o--\r\n");
	assert_int_equal(read_input(m, len, &lim, 1, &o, &st), 0);
	assert_int_equal(st.failures, 1);
	assert_string_equal(o.text,
	    "ruf@receiver.example|example.com|-|-||-|-|-|-|-|-|-||-|t/1|1|"
	    "From,X-Secret|x@example.com|-|-|-");

	/* A broken one is refused with its place. */
	len = (size_t)snprintf(m, cap,
	    "From: ruf@receiver.example\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: message/feedback-report\r\n\r\n"
	    "Feedback-Type: auth-failure\r\nSource-IP: 192.0.2.1\r\n--b--\r\n");
	assert_int_equal(read_input(m, len, &lim, 1, &o, &st), ERR_MALFORMED);
	assert_int_equal(st.refused, 1);
	assert_string_equal(o.problems,
	    "-1:part 1 message/feedback-report: failure report: no "
	    "Reported-Domain field|");
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_example),
	    cmocka_unit_test(test_corpus),
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_ceilings),
	    cmocka_unit_test(test_original),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test(test_reader_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
