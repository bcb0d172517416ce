/* Unit tests for ingest/tlsrpt.c: RFC 8460 reports, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "base64.h"
#include "input_limits.h"
#include "reader.h"
#include "tlsrpt.h"
#include "unpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A report whose parts a case replaces: its head (the members before
 * "policies"), its policy, its summary, and one failure detail. */
#define HEAD                                                                   \
	"\"organization-name\":\"o\",\"report-id\":\"r1\",\"date-range\":"     \
	"{\"start-datetime\":\"2026-06-01T00:00:00Z\",\"end-datetime\":"       \
	"\"2026-06-01T23:59:59Z\"}"
#define POLICY "\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"d\"}"
#define SUMMARY                                                                \
	"\"summary\":{\"total-successful-session-count\":1,"                   \
	"\"total-failure-session-count\":2}"
#define DETAIL(x)                                                              \
	"{\"result-type\":\"certificate-expired\",\"failed-session-count\":" x \
	"}"
#define REPORT(head, policy, summary, details)                                 \
	"{" head ",\"policies\":[{" policy "," summary                         \
	",\"failure-details\":[" details "]}]}"
#define WITH_DETAIL(x) REPORT(HEAD, POLICY, SUMMARY, DETAIL(x))

static char *
slurp(const char *name, size_t *len)
{
	char path[1024];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tlsrpt/%s", DS_TESTDATA, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
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

static int
parse_buf(const void *buf, size_t len, const struct limits *lim,
    struct tlsrpt_report **out, struct err *err)
{
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	int rc;

	err_clear(err);
	rc = tlsrpt_parse(src, lim, out, err);
	bytesrc_free(src);
	return rc;
}

static void
test_rfc_example(void **state)
{
	struct limits lim;
	struct tlsrpt_report *r = NULL;
	const struct tlsrpt_policy *p;
	struct err err;
	size_t len;
	char *buf = slurp("rfc8460.json", &len);

	(void)state;
	limits_init(&lim);
	assert_int_equal(parse_buf(buf, len, &lim, &r, &err), 0);
	assert_string_equal(r->org_name, "Company-X");
	assert_string_equal(
	    r->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
	assert_string_equal(r->contact_info, "sts-reporting@company-x.example");
	assert_int_equal(r->begin, 1459468800); /* 2016-04-01T00:00:00Z */
	assert_int_equal(r->end, 1459468800 + 86399);
	assert_int_equal(r->n_policies, 1);
	p = &r->policies[0];
	assert_string_equal(p->type, "sts");
	assert_string_equal(p->domain, "company-y.example");
	assert_int_equal(p->n_strings, 4);
	assert_string_equal(p->strings[1], "mode: testing");
	assert_int_equal(p->n_mx_hosts, 1);
	assert_string_equal(p->mx_hosts[0], "*.mail.company-y.example");
	assert_int_equal(p->successful, 5326);
	assert_int_equal(p->failed, 303);
	assert_int_equal(p->n_failures, 3);
	assert_string_equal(p->failures[0].result_type, "certificate-expired");
	assert_string_equal(
	    p->failures[0].sending_mta_ip, "2001:db8:abcd:0012::1");
	assert_string_equal(
	    p->failures[0].receiving_mx_hostname, "mx1.mail.company-y.example");
	assert_null(p->failures[0].receiving_ip);
	assert_int_equal(p->failures[0].failed_sessions, 100);
	assert_string_equal(p->failures[1].receiving_ip, "203.0.113.56");
	assert_non_null(strstr(
	    p->failures[1].additional_information, "#StarttlsNotSupported"));
	assert_string_equal(p->failures[2].failure_reason_code,
	    "X509_V_ERR_PROOF_OF_POSSESSION");
	assert_null(p->failures[2].receiving_mx_helo);
	assert_true(tlsrpt_sniff((unsigned char *)buf, len));
	tlsrpt_free(r);
	free(buf);
}

static void
test_every_result_type(void **state)
{
	static const char *const types[] = {"starttls-not-supported",
	    "certificate-host-mismatch", "certificate-expired",
	    "certificate-not-trusted", "validation-failure", "tlsa-invalid",
	    "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
	    "sts-policy-invalid", "sts-webpki-invalid"};
	struct limits lim;
	struct tlsrpt_report *r = NULL;
	struct err err;
	size_t len;
	char *buf = slurp("every-type.json", &len);
	uint64_t sum = 0;

	(void)state;
	limits_init(&lim);
	assert_int_equal(parse_buf(buf, len, &lim, &r, &err), 0);
	assert_int_equal(r->n_policies, 2);
	assert_int_equal(r->policies[0].n_failures, 11);
	for (size_t i = 0; i < 11; i++) {
		/* STS-WEBPKI-INVALID is sent in capitals: folded. */
		assert_string_equal(
		    r->policies[0].failures[i].result_type, types[i]);
		sum += r->policies[0].failures[i].failed_sessions;
	}
	assert_int_equal(sum, r->policies[0].failed);
	assert_string_equal(
	    r->policies[0].failures[1].receiving_mx_helo, "mail.example.net");
	assert_string_equal(r->policies[1].type, "no-policy-found");
	assert_int_equal(r->policies[1].n_failures, 0);
	assert_int_equal(r->policies[1].n_strings, 0);
	assert_int_equal(r->policies[1].successful, 50);
	tlsrpt_free(r);
	free(buf);
}

static void
test_accepted_shapes(void **state)
{
	/* mx-host as one string, an offset and fractions in the dates,
	 * policy-type in capitals, 2^32 exactly, unknown members, null for a
	 * member left out, white space after the report. */
	static const char json[] =
	    "{\"organization-name\":\"o\",\"report-id\":\"r\",\"extra\":"
	    "{\"x\":[1,2]},\"contact-info\":null,\"date-range\":{"
	    "\"start-datetime\":\"2026-06-01T02:00:00.123+02:00\","
	    "\"end-datetime\":\"2026-06-01t23:59:59z\"},\"policies\":[{"
	    "\"policy\":{\"policy-type\":\"TLSA\",\"policy-domain\":\"d\","
	    "\"mx-host\":\"mx.d\"},\"summary\":{"
	    "\"total-successful-session-count\":4294967296,"
	    "\"total-failure-session-count\":0}}]}\n\r\n  ";
	struct limits lim;
	struct tlsrpt_report *r = NULL;
	struct err err;

	(void)state;
	limits_init(&lim);
	assert_int_equal(parse_buf(json, sizeof(json) - 1, &lim, &r, &err), 0);
	assert_null(r->contact_info);
	assert_int_equal(r->begin, 1780272000); /* 2026-06-01T00:00:00Z */
	assert_int_equal(r->end, 1780272000 + 86399);
	assert_string_equal(r->policies[0].type, "tlsa");
	assert_int_equal(r->policies[0].n_mx_hosts, 1);
	assert_string_equal(r->policies[0].mx_hosts[0], "mx.d");
	assert_int_equal(r->policies[0].successful, UINT64_C(1) << 32);
	tlsrpt_free(r);
}

struct refusal {
	const char *name, *json;
	int code;
	const char *says;
};

static const struct refusal refusals[] = {
    {"empty", "", ERR_MALFORMED, "ends before the report"},
    {"truncated", "{\"organization-name\":\"o\"", ERR_MALFORMED,
        "ends before the report"},
    {"text after", WITH_DETAIL("1") " x", ERR_MALFORMED,
        "text after the report"},
    {"not strict", "{'organization-name':'o'}", ERR_MALFORMED, "not JSON"},
    {"an array", "[1,2]", ERR_MALFORMED, "the JSON is no object"},
    {"invalid UTF-8",
        REPORT("\"organization-name\":\"\xff\",\"report-id\":"
               "\"r\"",
            POLICY, SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "invalid UTF-8"},
    {"NUL",
        REPORT("\"organization-name\":\"a\\u0000b\"", POLICY, SUMMARY,
            DETAIL("1")),
        ERR_MALFORMED, "organization-name: a NUL in the string"},
    {"missing report-id",
        REPORT("\"organization-name\":\"o\",\"date-range\":{}", POLICY, SUMMARY,
            DETAIL("1")),
        ERR_MALFORMED, "report-id: missing"},
    {"org not a string",
        REPORT("\"organization-name\":5", POLICY, SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "organization-name: not a string"},
    {"missing date-range",
        REPORT("\"organization-name\":\"o\",\"report-id\":\"r\"", POLICY,
            SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "date-range: missing"},
    {"bad date",
        REPORT("\"organization-name\":\"o\",\"report-id\":\"r\","
               "\"date-range\":{\"start-datetime\":\"2026-02-30T00:00:00Z\","
               "\"end-datetime\":\"2026-03-01T00:00:00Z\"}",
            POLICY, SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "date-range.start-datetime: not an RFC 3339"},
    {"end before start",
        REPORT("\"organization-name\":\"o\",\"report-id\":\"r\","
               "\"date-range\":{\"start-datetime\":\"2026-03-01T00:00:00Z\","
               "\"end-datetime\":\"2026-02-01T00:00:00Z\"}",
            POLICY, SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "end-datetime: before start-datetime"},
    {"policies not an array", "{" HEAD ",\"policies\":{}}", ERR_MALFORMED,
        "policies: not an array"},
    {"no policies", "{" HEAD ",\"policies\":[]}", ERR_MALFORMED,
        "policies: empty"},
    {"policy-type",
        REPORT(HEAD,
            "\"policy\":{\"policy-type\":\"dane\","
            "\"policy-domain\":\"d\"}",
            SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "policies[0].policy.policy-type: not sts, tlsa"},
    {"no summary",
        "{" HEAD ",\"policies\":[{" POLICY ",\"failure-details\":[]}]}",
        ERR_MALFORMED, "policies[0].summary: missing"},
    {"mx-host number",
        REPORT(HEAD,
            "\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":"
            "\"d\",\"mx-host\":[\"a\",7]}",
            SUMMARY, DETAIL("1")),
        ERR_MALFORMED, "policies[0].policy.mx-host[1]: not a string"},
    {"negative count", WITH_DETAIL("-5"), ERR_MALFORMED,
        "policies[0].failure-details[0].failed-session-count: negative"},
    {"fraction", WITH_DETAIL("1.5"), ERR_MALFORMED, "not a whole number"},
    {"count as string", WITH_DETAIL("\"7\""), ERR_MALFORMED,
        "failed-session-count: not a number"},
    {"2^32 + 1", WITH_DETAIL("4294967297"), ERR_MALFORMED, "larger than 2^32"},
    {"2^64", WITH_DETAIL("18446744073709551616"), ERR_MALFORMED,
        "larger than 2^32"},
    {"huge", WITH_DETAIL("99999999999999999999999999999999999999"),
        ERR_MALFORMED, "larger than 2^32"},
    {"no count", REPORT(HEAD, POLICY, SUMMARY, "{\"result-type\":\"x\"}"),
        ERR_MALFORMED, "failure-details[0].failed-session-count: missing"},
    {"no result-type",
        REPORT(HEAD, POLICY, SUMMARY, "{\"failed-session-count\":1}"),
        ERR_MALFORMED, "failure-details[0].result-type: missing"},
    {"detail not an object", REPORT(HEAD, POLICY, SUMMARY, "3"), ERR_MALFORMED,
        "failure-details[0]: not an object"},
    {"long string",
        REPORT(HEAD, POLICY, SUMMARY,
            "{\"result-type\":\"x\",\"failed-session-count\":1,"
            "\"additional-information\":\"0123456789012345678901234567890"
            "1234567890123456789012345678901234\"}"),
        ERR_LIMIT,
        "additional-information: string longer than 64 bytes "
        "(limit string_bytes)"},
};

static void
test_refusals(void **state)
{
	struct limits lim;

	(void)state;
	limits_init(&lim);
	lim.string_bytes = 64;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *c = &refusals[i];
		struct tlsrpt_report *r = NULL;
		struct err err;
		int rc;

		rc = parse_buf(c->json, strlen(c->json), &lim, &r, &err);
		if (rc != c->code || strstr(err.msg, c->says) == NULL ||
		    strncmp(err.msg, "TLS report: ", 12) != 0)
			fail_msg("%s: got %d '%s', want %d '%s'", c->name, rc,
			    err.msg, c->code, c->says);
		assert_null(r);
	}
}

/* A report of n copies of unit between head and tail. */
static char *
repeat(
    const char *head, const char *unit, size_t n, const char *tail, size_t *len)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *buf = malloc(hl + ul * n + tl + 1), *p = buf;

	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	*len = hl + ul * n + tl;
	return buf;
}

static void
expect(const char *buf, size_t len, int code, const char *says)
{
	struct limits lim;
	struct tlsrpt_report *r = NULL;
	struct err err;
	int rc;

	limits_init(&lim);
	rc = parse_buf(buf, len, &lim, &r, &err);
	if (rc != code || strstr(err.msg, says) == NULL)
		fail_msg("got %d '%s', want %d '%s'", rc, err.msg, code, says);
	assert_null(r);
}

static void
test_ceilings(void **state)
{
	size_t len;
	char *buf;

	(void)state;
	/* Nesting, in an unknown member: refused before the tree grows. */
	buf = repeat("{\"organization-name\":\"o\",\"x\":", "[", 40, "", &len);
	expect(buf, len, ERR_LIMIT, "JSON nested deeper than 16 levels");
	free(buf);
	/* Marks: counted before json-c builds what they open. */
	buf = repeat("{\"x\":[0", ",{}", TLSRPT_MAX_MARKS / 2, "]}", &len);
	expect(buf, len, ERR_LIMIT,
	    "more than 100000 JSON objects, arrays and commas");
	free(buf);
	/* ... but not inside strings. */
	buf = repeat("{\"x\":\"", ",,,,,,,,,,", 30000, "\"}", &len);
	expect(buf, len, ERR_MALFORMED, "organization-name: missing");
	free(buf);
	/* Bytes: white space costs no values. */
	buf = repeat(
	    "{\"x\":1", "                ", TLSRPT_MAX_BYTES / 16, "}", &len);
	expect(buf, len, ERR_LIMIT, "JSON larger than 16777216 bytes");
	free(buf);
	/* Policies. */
	buf = repeat("{" HEAD ",\"policies\":[", "{" POLICY "," SUMMARY "},",
	    TLSRPT_MAX_POLICIES, "{}]}", &len);
	expect(buf, len, ERR_LIMIT, "policies: more than 1000 entries");
	free(buf);
	/* Failure details of one policy. */
	buf = repeat("{" HEAD ",\"policies\":[{" POLICY "," SUMMARY
	             ",\"failure-details\":[",
	    DETAIL("1") ",", TLSRPT_MAX_FAILURES, DETAIL("1") "]}]}", &len);
	expect(buf, len, ERR_LIMIT,
	    "policies[0].failure-details: more than 10000 entries");
	free(buf);
	/* Entries of policy-string. */
	buf = repeat("{" HEAD ",\"policies\":[{\"policy\":{\"policy-type\":"
	             "\"sts\",\"policy-domain\":\"d\",\"policy-string\":[",
	    "\"a\",", TLSRPT_MAX_STRINGS, "\"b\"]}," SUMMARY "}]}", &len);
	expect(buf, len, ERR_LIMIT, "policy-string: more than 1000 entries");
	free(buf);
}

static void
test_digest(void **state)
{
	static const char a[] = REPORT(HEAD, POLICY, SUMMARY,
	    DETAIL("1") ",{\"result-type\":\"dane-required\","
	                "\"failed-session-count\":1}");
	/* The same, its details in the other order and spaced otherwise. */
	static const char b[] = REPORT(HEAD, POLICY, SUMMARY,
	    "{\"result-type\":\"dane-required\",\"failed-session-count\":1} , "
	    "{ \"failed-session-count\":1, \"result-type\":"
	    "\"certificate-expired\"}");
	static const char c[] = REPORT(HEAD, POLICY, SUMMARY,
	    DETAIL("2") ",{\"result-type\":\"dane-required\","
	                "\"failed-session-count\":1}");
	unsigned char da[TLSRPT_DIGEST_LEN], db[TLSRPT_DIGEST_LEN],
	    dc[TLSRPT_DIGEST_LEN];
	struct tlsrpt_report *r;
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	assert_int_equal(parse_buf(a, sizeof(a) - 1, &lim, &r, &err), 0);
	tlsrpt_digest(r, da);
	tlsrpt_free(r);
	assert_int_equal(parse_buf(b, sizeof(b) - 1, &lim, &r, &err), 0);
	tlsrpt_digest(r, db);
	tlsrpt_free(r);
	assert_int_equal(parse_buf(c, sizeof(c) - 1, &lim, &r, &err), 0);
	tlsrpt_digest(r, dc);
	tlsrpt_free(r);
	assert_memory_equal(da, db, sizeof(da));
	assert_memory_not_equal(da, dc, sizeof(da));
}

/* ------------------------------------------------------------------------
 * Through the reader: found by content, in files, gzip and mail. */

struct seen {
	unsigned tls;
	char orgs[256], wheres[512], problems[2048];
};

static int
on_tls(void *ctx, const struct tlsrpt_report *rep, const char *where,
    struct err *err)
{
	struct seen *o = ctx;

	o->tls++;
	strncat(o->orgs, rep->org_name, sizeof(o->orgs) - strlen(o->orgs) - 2);
	strcat(o->orgs, "|");
	strncat(o->wheres, where, sizeof(o->wheres) - strlen(o->wheres) - 2);
	strcat(o->wheres, "|");
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	return 0;
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct seen *o = ctx;
	size_t len = strlen(o->problems);

	snprintf(o->problems + len, sizeof(o->problems) - len, "%d:%s|",
	    why->code, why->msg);
}

/* Reads buf as ingest does (with_tls) or as parse does. */
static int
read_input(const void *buf, size_t len, const struct limits *lim, int with_tls,
    struct seen *o, struct reader_stats *stats)
{
	struct reader_sink sink = {{o, NULL, on_report, NULL}, on_problem};
	struct reader_tls_sink tls = {o, on_tls};
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	struct err err;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = reader_read_tls(
	    src, lim, &sink, with_tls ? &tls : NULL, stats, &err);
	bytesrc_free(src);
	return rc;
}

/* A mail of one text part and one attachment of type, base64. */
static char *
mail_with(const char *head, const char *type, const void *att, size_t len)
{
	char *b64 = malloc(BASE64_ENCODED_SIZE(len)), *out;
	size_t n;

	base64_encode(att, len, b64);
	n = strlen(b64) + strlen(head) + strlen(type) + 512;
	out = malloc(n);
	snprintf(out, n,
	    "From: noreply@receiver.example\r\nTo: tls@example.com\r\n"
	    "Subject: Report Domain: example.com\r\n%s"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
	    "report-type=\"tlsrpt\"; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n"
	    "--b\r\nContent-Type: %s\r\nContent-Transfer-Encoding: "
	    "base64\r\n\r\n%s\r\n--b--\r\n",
	    head, type, b64);
	free(b64);
	return out;
}

static void
test_reader_finds(void **state)
{
	struct limits lim;
	struct reader_stats st;
	struct seen o;
	size_t len, gzlen;
	char *json = slurp("rfc8460.json", &len), *mail;
	unsigned char *gz;

	(void)state;
	limits_init(&lim);
	/* A loose file. */
	assert_int_equal(read_input(json, len, &lim, 1, &o, &st), 0);
	assert_int_equal(st.tls, 1);
	assert_string_equal(o.orgs, "Company-X|");
	assert_string_equal(o.wheres, "|");
	/* parse and other callers of reader_read() skip it, as before. */
	assert_int_equal(
	    read_input(json, len, &lim, 0, &o, &st), ERR_NOT_AGGREGATE);
	assert_int_equal(st.tls, 0);
	assert_int_equal(st.skipped, 1);
	/* Gzip, found by content. */
	assert_int_equal(unpack_gzip_compress(json, len, &gz, &gzlen), 0);
	assert_int_equal(read_input(gz, gzlen, &lim, 1, &o, &st), 0);
	assert_int_equal(st.tls, 1);
	/* In mail: application/tlsrpt+gzip, as RFC 8460 sends it. */
	mail = mail_with("", "application/tlsrpt+gzip", gz, gzlen);
	assert_int_equal(read_input(mail, strlen(mail), &lim, 1, &o, &st), 0);
	assert_int_equal(st.tls, 1);
	assert_int_equal(st.refused + st.skipped, 0);
	assert_non_null(strstr(o.wheres, "part 2 application/tlsrpt+gzip"));
	free(mail);
	/* Any attachment whose content is a TLS report. */
	mail = mail_with("", "application/octet-stream", json, len);
	assert_int_equal(read_input(mail, strlen(mail), &lim, 1, &o, &st), 0);
	assert_int_equal(st.tls, 1);
	free(mail);
	free(gz);
	free(json);
}

static void
test_reader_refuses(void **state)
{
	static const char broken[] = "{\"organization-name\":\"o\","
	                             "\"report-id\":\"r\",\"policies\":[]}";
	struct limits lim;
	struct reader_stats st;
	struct seen o;
	size_t gzlen, bomb_len = 8 * 1024 * 1024;
	unsigned char *gz;
	char *mail, *bomb;

	(void)state;
	limits_init(&lim);
	/* A broken report in a TLS report mail is refused, with where and
	 * why. */
	mail = mail_with("TLS-Report-Domain: example.com\r\n",
	    "application/tlsrpt+json", broken, sizeof(broken) - 1);
	assert_int_equal(
	    read_input(mail, strlen(mail), &lim, 1, &o, &st), ERR_MALFORMED);
	assert_int_equal(st.tls, 0);
	assert_int_equal(st.refused, 1);
	assert_non_null(strstr(o.problems,
	    "part 2 application/tlsrpt+json: TLS report: date-range: "
	    "missing"));
	free(mail);
	/* JSON alone that is no TLS report is refused as one. */
	assert_int_equal(
	    read_input("{\"a\":1}", 7, &lim, 1, &o, &st), ERR_MALFORMED);
	assert_non_null(
	    strstr(o.problems, "TLS report: organization-name: missing"));
	/* A gzip bomb: the unpack limits stop it before the reader does. */
	bomb = malloc(bomb_len);
	memset(bomb, ' ', bomb_len);
	memcpy(bomb, broken, sizeof(broken) - 3); /* "...[": it goes on */
	assert_int_equal(unpack_gzip_compress(bomb, bomb_len, &gz, &gzlen), 0);
	lim.decompressed_bytes = 1024 * 1024;
	if (read_input(gz, gzlen, &lim, 1, &o, &st) != ERR_LIMIT)
		fail_msg("%s", o.problems);
	assert_int_equal(st.refused, 1);
	assert_non_null(strstr(o.problems, "limit decompressed_bytes"));
	free(gz);
	free(bomb);
}

/* The real-world TLS reports of the shared corpus (parsedmarc's samples:
 * Google's mail, Mail.ru's report, the RFC's example): each read whole. */
static void
test_corpus(void **state)
{
	static const char *const names[] = {"google.com_smtp_tls_report.eml",
	    "mail.ru.json", "rfc8460.json", "smtp_tls.json"};
	struct limits lim;
	struct reader_stats st;
	struct seen o;

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[1024];
		FILE *fp;
		char *buf;
		long n;

		snprintf(path, sizeof(path),
		    "%s/parsedmarc/samples/smtp_tls/%s", DS_CORPUS, names[i]);
		if ((fp = fopen(path, "rb")) == NULL)
			fail_msg("%s: not in the shared corpus", path);
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		rewind(fp);
		buf = malloc((size_t)n + 1);
		assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
		fclose(fp);
		if (read_input(buf, (size_t)n, &lim, 1, &o, &st) != 0 ||
		    st.tls != 1 || st.refused != 0)
			fail_msg("%s: %u TLS report(s), %s", names[i], st.tls,
			    o.problems);
		free(buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_example),
	    cmocka_unit_test(test_every_result_type),
	    cmocka_unit_test(test_accepted_shapes),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_ceilings),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_reader_finds),
	    cmocka_unit_test(test_reader_refuses),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
