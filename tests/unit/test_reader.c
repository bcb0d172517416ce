/* Unit tests for ingest/reader.c: which parts count, and what is said. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "reader.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define REPORT(id)                                                             \
	"<?xml version=\"1.0\"?><feedback><report_metadata><org_name>o"        \
	"</org_name><report_id>" id "</report_id><date_range><begin>1</begin>" \
	"<end>2</end></date_range></report_metadata><policy_published>"        \
	"<domain>example.com</domain></policy_published><record><row>"         \
	"<source_ip>192.0.2.1</source_ip><count>1</count></row></record>"      \
	"</feedback>"

struct outcome {
	int reports;
	char ids[256], wheres[1024], problems[2048];
};

static int
on_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct outcome *o = ctx;

	o->reports++;
	strncat(o->ids, rep->report_id, sizeof(o->ids) - strlen(o->ids) - 2);
	strcat(o->ids, " ");
	strncat(o->wheres, where, sizeof(o->wheres) - strlen(o->wheres) - 2);
	strcat(o->wheres, "|");
	return 0;
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct outcome *o = ctx;
	size_t len = strlen(o->problems);

	snprintf(o->problems + len, sizeof(o->problems) - len, "%d:%s|",
	    why->code, why->msg);
}

static int
read_buf(const void *buf, size_t len, const struct limits *lim,
    struct outcome *o, struct reader_stats *stats)
{
	struct reader_sink sink = {{o, on_record, on_report, NULL}, on_problem};
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	struct err err;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = reader_read(src, lim, &sink, stats, &err);
	bytesrc_free(src);
	return rc;
}

/* gzip of buf, malloc'ed. */
static unsigned char *
gz(const void *buf, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = len + 64;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	assert_int_equal(
	    deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)buf;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void
test_nested_gzip_and_layers(void **state)
{
	struct limits lim;
	struct outcome o;
	struct reader_stats st;
	static const char xml[] = REPORT("nested");
	unsigned char *cur = (unsigned char *)strdup(xml);
	size_t len = strlen(xml);

	limits_init(&lim);
	/* Up to the limit the report is read through every layer... */
	for (unsigned i = 0; i < lim.layers; i++) {
		unsigned char *next = gz(cur, len, &len);

		free(cur);
		cur = next;
	}
	assert_int_equal(read_buf(cur, len, &lim, &o, &st), 0);
	assert_string_equal(o.ids, "nested ");
	/* ...and one more layer crosses it. */
	{
		unsigned char *next = gz(cur, len, &len);

		free(cur);
		cur = next;
	}
	assert_int_equal(read_buf(cur, len, &lim, &o, &st), ERR_LIMIT);
	assert_non_null(strstr(o.problems, "(limit layers)"));
	free(cur);
}

static void
test_mail_parts(void **state)
{
	struct limits lim;
	struct outcome o;
	struct reader_stats st;
	size_t glen;
	unsigned char *g =
	    gz(REPORT("in-gzip"), strlen(REPORT("in-gzip")), &glen);
	char *b64 = malloc(glen * 2 + 4);
	char mail[8192];
	static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
	                               "nopqrstuvwxyz0123456789+/";
	size_t n = 0;

	for (size_t i = 0; i < glen; i += 3) {
		unsigned v = (unsigned)g[i] << 16 |
		    (i + 1 < glen ? (unsigned)g[i + 1] << 8 : 0) |
		    (i + 2 < glen ? g[i + 2] : 0);

		b64[n++] = b64chars[v >> 18 & 63];
		b64[n++] = b64chars[v >> 12 & 63];
		b64[n++] = i + 1 < glen ? b64chars[v >> 6 & 63] : '=';
		b64[n++] = i + 2 < glen ? b64chars[v & 63] : '=';
	}
	b64[n] = '\0';
	/* A text body starting with "<", an HTML body, a logo, a good
	 * report, and a broken one: only the last two count. */
	snprintf(mail, sizeof(mail),
	    "From: r@example.net\r\nTo: d@example.com\r\nSubject: report\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
	    "boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\n<d@example.com> asked "
	    "for this.\r\n"
	    "--b\r\nContent-Type: text/html\r\n\r\n<html><body>hi</body>"
	    "</html>\r\n"
	    "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: "
	    "base64\r\n\r\niVBORw0KGgo=\r\n"
	    "--b\r\nContent-Type: application/gzip; name=\"r.xml.gz\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
	    "--b\r\nContent-Type: text/xml; name=\"bad.xml\"\r\n\r\n"
	    "<?xml version=\"1.0\"?><feedback><oops</feedback>\r\n"
	    "--b--\r\n",
	    b64);
	limits_init(&lim);
	assert_int_equal(read_buf(mail, strlen(mail), &lim, &o, &st), 0);
	assert_int_equal(o.reports, 1);
	assert_string_equal(o.ids, "in-gzip ");
	assert_non_null(strstr(o.wheres, "part 4 application/gzip 'r.xml.gz'"));
	assert_int_equal(st.refused, 1);
	assert_non_null(strstr(o.problems,
	    "part 5 text/xml 'bad.xml': XML "
	    "error"));
	assert_null(strstr(o.problems, "html"));
	free(g);
	free(b64);
}

static void
test_mail_without_report(void **state)
{
	struct limits lim;
	struct outcome o;
	struct reader_stats st;
	static const char mail[] = "From: a@example.net\nSubject: hi\n\n"
	                           "Just words.\n";

	limits_init(&lim);
	assert_int_equal(
	    read_buf(mail, strlen(mail), &lim, &o, &st), ERR_MALFORMED);
	assert_non_null(strstr(o.problems, "no DMARC report in this mail"));
}

static void
test_top_level_kinds(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *msg;
	} cases[] = {
	    {"", ERR_MALFORMED, "empty input"},
	    {" \r\n\t ", ERR_MALFORMED, "empty input"},
	    {"\x7f"
	     "ELF binary",
	        ERR_MALFORMED, "unrecognised content"},
	    {"{\"a\": 1}", ERR_MALFORMED, "JSON that is no TLS report"},
	    {"{\"organization-name\":\"x\",\"policies\":[]}", ERR_NOT_AGGREGATE,
	        "(TLS report)"},
	    /* Only failure and TLS reports are skipped; other XML given on
	     * its own is the wrong input. */
	    {"<html></html>", ERR_MALFORMED, "root element is <html>"},
	};
	struct limits lim;

	limits_init(&lim);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o;
		struct reader_stats st;
		int rc =
		    read_buf(cases[i].in, strlen(cases[i].in), &lim, &o, &st);

		if (rc != cases[i].rc ||
		    strstr(o.problems, cases[i].msg) == NULL)
			fail_msg("case %zu: got %d '%s'", i, rc, o.problems);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_gzip_and_layers),
	    cmocka_unit_test(test_mail_parts),
	    cmocka_unit_test(test_mail_without_report),
	    cmocka_unit_test(test_top_level_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
