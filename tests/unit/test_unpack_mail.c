/*
 * test_unpack_mail: the GMime backend, on the corpus mails and on mails
 * built here (encodings, forwarding, mbox, hostile shapes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "unpack.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CORPUS_SAMPLES DS_CORPUS "/parsedmarc/samples"

struct item {
	char *label;
	unsigned char *data; /* NULL when inner was NULL */
	size_t len;
	int code; /* err code given with a NULL inner */
};

struct collect {
	struct item *items;
	size_t n, cap;
	size_t stop_after; /* 0: never stop */
};

static int
collect_fn(void *arg, struct bytesrc *inner, const char *label, struct err *err)
{
	struct collect *c = arg;
	struct item *it;
	int rc;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->items = xrealloc(c->items, c->cap * sizeof(*c->items));
	}
	it = &c->items[c->n++];
	memset(it, 0, sizeof(*it));
	it->label = xstrdup(label);
	if (inner == NULL)
		it->code = err->code;
	else {
		rc = bytesrc_slurp(
		    inner, 64 << 20, "test", &it->data, &it->len, err);
		if (rc < 0)
			return rc;
	}
	if (c->stop_after > 0 && c->n == c->stop_after)
		return err_set(err, ERR_SINK, "test: stop");
	return 0;
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].label);
		free(c->items[i].data);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static size_t
leaves(const struct collect *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->items[i].data != NULL;
	return n;
}

static const struct item *
find_label(const struct collect *c, const char *label)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].label, label) == 0)
			return &c->items[i];
	return NULL;
}

/* Runs the backend on buf; hint comes back through *hint. */
static int
run_lim(const void *buf, size_t len, const struct limits *lim,
    struct collect *c, int *hint, struct err *err)
{
	struct unpack_env env = {.lim = lim};
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	int rc;

	err_clear(err);
	rc = unpack_mail.each(src, &env, collect_fn, c, err);
	bytesrc_free(src);
	if (hint != NULL)
		*hint = env.hint;
	return rc;
}

static int
run(const char *text, struct collect *c, int *hint)
{
	struct limits lim;
	struct err err;

	limits_init(&lim);
	return run_lim(text, strlen(text), &lim, c, hint, &err);
}

static unsigned char *
read_whole(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static int
run_file(const char *path, struct collect *c, int *hint)
{
	struct limits lim;
	struct err err;
	size_t len;
	unsigned char *buf = read_whole(path, &len);
	int rc;

	limits_init(&lim);
	rc = run_lim(buf, len, &lim, c, hint, &err);
	if (rc < 0)
		print_error("%s: %s\n", path, err.msg);
	free(buf);
	return rc;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Calls f on every .eml in dir; returns how many. */
static int
each_eml(const char *dir, void (*f)(const char *path, const char *name))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	int n = 0;

	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (!has_suffix(de->d_name, ".eml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f(path, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of data in lines of 76, each ended by eol; caller frees. */
static char *
b64(const unsigned char *data, size_t len, const char *eol)
{
	size_t cap = (len + 2) / 3 * 4 + (len / 57 + 2) * strlen(eol) + 1;
	char *out = xmalloc(cap), *o = out;
	size_t col = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		*o++ = b64_alphabet[(v >> 18) & 63];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? b64_alphabet[v & 63] : '=';
		col += 4;
		if (col == 76) {
			o += sprintf(o, "%s", eol);
			col = 0;
		}
	}
	if (col > 0)
		o += sprintf(o, "%s", eol);
	*o = '\0';
	return out;
}

/* text with every "\n" turned into "\r\n"; caller frees. */
static char *
to_crlf(const char *text)
{
	char *out = xmalloc(strlen(text) * 2 + 1), *o = out;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* Growing string for generated mails. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* CPU time, not wall time: the bounds catch a path that is not linear,
 * and a busy machine (a CI runner, a parallel build) must not fail them. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Corpus: aggregate mails. */

static const struct {
	const char *file;
	const char *label; /* the leaf holding the report */
	const unsigned char magic[4];
	size_t magic_len;
} aggregate_expect[] = {
    {"Report domain- borschow.com Submitter- google.com Report-ID- "
     "949348866075514174.eml",
        "part 2 application/zip "
        "'google.com!borschow.com!1549929600!1550015999.zip'",
        {'P', 'K', 3, 4}, 4},
    /* single-part: the body itself is the gzip attachment */
    {"mimecast-weird-gzip.eml",
        "part 1 application/gzip 'mimecast.org!ab.id.au!1693353600!1693439999!"
        "157a5fe30ec76f4bc0d8bccfc96c118a167a1280fee7c7465af5115e73082e5e"
        ".xml.gz'",
        {0x1f, 0x8b}, 2},
    {"twilight.eml",
        "part 1 application/zip "
        "'google.com!twlnet.com!1549756800!1549843199.zip'",
        {'P', 'K', 3, 4}, 4},
};

static void
check_aggregate(const char *path, const char *name)
{
	struct collect c = {0};
	const struct item *it;
	int hint = -1;
	size_t i;

	for (i = 0; i < sizeof(aggregate_expect) / sizeof(aggregate_expect[0]);
	     i++)
		if (strcmp(aggregate_expect[i].file, name) == 0)
			break;
	if (i == sizeof(aggregate_expect) / sizeof(aggregate_expect[0]))
		fail_msg("no expectation for corpus mail %s", name);
	assert_int_equal(run_file(path, &c, &hint), 0);
	assert_int_equal(hint, HINT_NONE);
	it = find_label(&c, aggregate_expect[i].label);
	if (it == NULL) {
		for (size_t j = 0; j < c.n; j++)
			print_error("  got '%s'\n", c.items[j].label);
		fail_msg("%s: no leaf '%s'", name, aggregate_expect[i].label);
	}
	assert_non_null(it->data);
	assert_true(it->len > aggregate_expect[i].magic_len);
	assert_memory_equal(
	    it->data, aggregate_expect[i].magic, aggregate_expect[i].magic_len);
	collect_free(&c);
}

static void
test_corpus_aggregate(void **state)
{
	(void)state;
	assert_int_equal(
	    each_eml(CORPUS_SAMPLES "/aggregate", check_aggregate), 3);
}

static void
test_corpus_mimecast_single_part(void **state)
{
	struct collect c = {0};

	(void)state;
	assert_int_equal(
	    run_file(
	        CORPUS_SAMPLES "/aggregate/mimecast-weird-gzip.eml", &c, NULL),
	    0);
	assert_int_equal(c.n, 1);
	assert_memory_equal(c.items[0].label, "part 1 application/gzip '", 25);
	assert_true(c.items[0].len > 2);
	assert_int_equal(c.items[0].data[0], 0x1f);
	assert_int_equal(c.items[0].data[1], 0x8b);
	collect_free(&c);
}

/* Corpus: failure (ruf) mails, ARF or not, mbox or not. */

static void
check_failure(const char *path, const char *name)
{
	struct collect c = {0};
	int hint = -1;

	assert_int_equal(run_file(path, &c, &hint), 0);
	if (hint != HINT_FAILURE_REPORT)
		fail_msg("%s: hint %d, want failure", name, hint);
	assert_true(leaves(&c) >= 1);
	collect_free(&c);
}

static void
test_corpus_failure(void **state)
{
	(void)state;
	assert_int_equal(each_eml(CORPUS_SAMPLES "/failure", check_failure), 5);
}

/* The linkedin sample is one mail behind a "From " line. */
static void
test_corpus_linkedin_mbox(void **state)
{
	static const char *const files[] = {
	    CORPUS_SAMPLES "/failure/dmarc_ruf_report_linkedin.eml",
	    CORPUS_SAMPLES "/failure/dmarc_ruf_report_linkedin.crlf.eml",
	};
	const struct item *it;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct collect c = {0};

		assert_int_equal(run_file(files[i], &c, NULL), 0);
		it = find_label(&c, "mail 1: part 2 message/feedback-report");
		assert_non_null(it);
		assert_non_null(strstr(
		    (const char *)it->data, "Feedback-Type: auth-failure"));
		for (size_t j = 0; j < c.n; j++)
			assert_memory_equal(c.items[j].label, "mail 1: ", 8);
		collect_free(&c);
	}
}

static void
test_corpus_tls(void **state)
{
	struct collect c = {0};
	int hint = -1;
	size_t i;

	(void)state;
	assert_int_equal(
	    run_file(CORPUS_SAMPLES "/smtp_tls/google.com_smtp_tls_report.eml",
	        &c, &hint),
	    0);
	assert_int_equal(hint, HINT_TLS_REPORT);
	for (i = 0; i < c.n; i++)
		if (strncmp(c.items[i].label, "part 2 application/tlsrpt+gzip",
		        30) == 0)
			break;
	assert_true(i < c.n);
	assert_true(c.items[i].len > 2);
	assert_int_equal(c.items[i].data[0], 0x1f);
	assert_int_equal(c.items[i].data[1], 0x8b);
	collect_free(&c);
}

/* Generated mails: encodings. */

static unsigned char *
binary_blob(size_t len)
{
	unsigned char *p = xmalloc(len);

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + (i >> 8));
	return p;
}

/* A mixed mail: 7bit text, base64 attachment, quoted-printable XML. */
static char *
mixed_mail(const unsigned char *blob, size_t blob_len)
{
	struct sbuf b = {0};
	char *enc = b64(blob, blob_len, "\n");

	sb_add(&b,
	    "From: reporter@example.net\n"
	    "To: dmarc@example.com\n"
	    "Subject: Report domain: example.com\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"XyZ\"\n"
	    "\n"
	    "preamble\n"
	    "--XyZ\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "hello\n"
	    "--XyZ\n"
	    "Content-Type: application/octet-stream; name=\"x\"\n"
	    "Content-Disposition: attachment; filename=\"data.bin\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "%s"
	    "--XyZ\n"
	    "Content-Type: text/xml; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "<?xml version=3D\"1.0\"?><feedback><a>caf=C3=A9</a>=\n"
	    "<b x=3D\"1\"/></feedback>=\n"
	    "\n"
	    "--XyZ--\n",
	    enc);
	free(enc);
	return b.s;
}

static const char qp_expect[] =
    "<?xml version=\"1.0\"?><feedback><a>caf\xc3\xa9</a>"
    "<b x=\"1\"/></feedback>";

static void
test_base64_and_qp(void **state)
{
	size_t blob_len = 3000;
	unsigned char *blob = binary_blob(blob_len);
	char *mail = mixed_mail(blob, blob_len);
	struct collect c = {0};
	const struct item *it;
	int hint = -1;

	(void)state;
	assert_int_equal(run(mail, &c, &hint), 0);
	assert_int_equal(hint, HINT_NONE);
	assert_int_equal(c.n, 3);
	it = find_label(&c, "part 1 text/plain");
	assert_non_null(it);
	assert_int_equal(it->len, 5);
	assert_memory_equal(it->data, "hello", 5);
	it = find_label(&c, "part 2 application/octet-stream 'data.bin'");
	assert_non_null(it);
	assert_int_equal(it->len, blob_len);
	assert_memory_equal(it->data, blob, blob_len);
	it = find_label(&c, "part 3 text/xml");
	assert_non_null(it);
	assert_int_equal(it->len, strlen(qp_expect));
	assert_memory_equal(it->data, qp_expect, strlen(qp_expect));
	collect_free(&c);
	free(mail);
	free(blob);
}

/* CRLF and LF give the same decoded attachment and QP body. */
static void
test_crlf_equals_lf(void **state)
{
	size_t blob_len = 10000;
	unsigned char *blob = binary_blob(blob_len);
	char *lf = mixed_mail(blob, blob_len), *crlf = to_crlf(lf);
	struct collect a = {0}, b = {0};

	(void)state;
	assert_int_equal(run(lf, &a, NULL), 0);
	assert_int_equal(run(crlf, &b, NULL), 0);
	assert_int_equal(a.n, 3);
	assert_int_equal(b.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(a.items[i].label, b.items[i].label);
		assert_int_equal(a.items[i].len, b.items[i].len);
		assert_memory_equal(
		    a.items[i].data, b.items[i].data, a.items[i].len);
	}
	assert_int_equal(a.items[1].len, blob_len);
	collect_free(&a);
	collect_free(&b);
	free(crlf);
	free(lf);
	free(blob);
}

/*
 * More than a filter buffer of junk before the base64 data: that chunk
 * decodes to nothing, which must not read as the end.
 */
static void
test_base64_leading_junk(void **state)
{
	size_t blob_len = 600;
	unsigned char *blob = binary_blob(blob_len);
	char *enc = b64(blob, blob_len, "\n");
	struct sbuf b = {0};
	struct collect c = {0};

	(void)state;
	sb_add(&b,
	    "From: a@example.net\n"
	    "Content-Type: application/gzip\n"
	    "Content-Transfer-Encoding: base64\n\n");
	for (int i = 0; i < 200; i++)
		sb_add(
		    &b, "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
	sb_add(&b, "%s", enc);
	assert_int_equal(run(b.s, &c, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, blob_len);
	assert_memory_equal(c.items[0].data, blob, blob_len);
	collect_free(&c);
	free(b.s);
	free(enc);
	free(blob);
}

static void
test_uuencode(void **state)
{
	/* "Cat" uuencoded */
	const char *mail = "From: a@example.net\n"
	                   "Content-Type: application/octet-stream\n"
	                   "Content-Transfer-Encoding: x-uuencode\n"
	                   "\n"
	                   "begin 644 cat.txt\n"
	                   "#0V%T\n"
	                   "`\n"
	                   "end\n";
	struct collect c = {0};

	(void)state;
	assert_int_equal(run(mail, &c, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 3);
	assert_memory_equal(c.items[0].data, "Cat", 3);
	collect_free(&c);
}

/* Generated mails: structure. */

static void
test_forwarded_report(void **state)
{
	static const unsigned char zip[] = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xff, 0};
	char *enc = b64(zip, sizeof(zip), "\n");
	struct sbuf b = {0};
	struct collect c = {0};
	const struct item *it;
	int hint = -1;

	(void)state;
	sb_add(&b,
	    "From: postmaster@example.com\n"
	    "Subject: Fwd: Report domain: example.com\n"
	    "Content-Type: multipart/mixed; boundary=outer\n"
	    "\n"
	    "--outer\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "see attached\n"
	    "--outer\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: noreply-dmarc-support@google.com\n"
	    "Subject: Report domain: example.com\n"
	    "Content-Type: multipart/mixed; boundary=inner\n"
	    "\n"
	    "--inner\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "report attached\n"
	    "--inner\n"
	    "Content-Type: application/zip; name=\"r.zip\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "%s"
	    "--inner--\n"
	    "\n"
	    "--outer--\n",
	    enc);
	assert_int_equal(run(b.s, &c, &hint), 0);
	assert_int_equal(hint, HINT_NONE);
	assert_int_equal(c.n, 3);
	assert_non_null(find_label(&c, "part 1 text/plain"));
	assert_non_null(find_label(&c, "part 2.1 text/plain"));
	it = find_label(&c, "part 2.2 application/zip 'r.zip'");
	assert_non_null(it);
	assert_int_equal(it->len, sizeof(zip));
	assert_memory_equal(it->data, zip, sizeof(zip));
	collect_free(&c);
	free(b.s);
	free(enc);
}

/*
 * A forwarded report (message/rfc822) in a CRLF mail whose attachment
 * lines end in a bare LF, as some forwarding clients paste it: the
 * attachment decodes to the report's zip byte for byte.  (GMime took the
 * line end before the closing boundary for CRLF and cut the last base64
 * group: "not a zip archive".)
 */
static void
test_forwarded_lf_attachment_in_crlf(void **state)
{
	size_t zip_len;
	unsigned char *zip = read_whole(
	    CORPUS_SAMPLES "/extract_report/nice-input.xml.zip", &zip_len);
	char *enc = b64(zip, zip_len, "\n");
	struct sbuf b = {0};
	struct collect c = {0};
	const struct item *it;

	(void)state;
	sb_add(&b,
	    "From: postmaster@example.com\r\n"
	    "Subject: Fwd: Report domain: example.com\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
	    "\r\n"
	    "--outer\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "see attached\r\n"
	    "--outer\r\n"
	    "Content-Type: message/rfc822\r\n"
	    "\r\n"
	    "From: noreply-dmarc-support@google.com\r\n"
	    "Subject: Report domain: example.com\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
	    "\r\n"
	    "--inner\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "report attached\r\n"
	    "--inner\r\n"
	    "Content-Type: application/zip; name=\"r.zip\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=\"r.zip\"\r\n"
	    "\r\n"
	    "%s"
	    "--inner--\r\n"
	    "\r\n"
	    "--outer--\r\n",
	    enc);
	/* The last group must carry padding, or no byte would be lost. */
	assert_true(zip_len % 3 != 0);
	assert_int_equal(run(b.s, &c, NULL), 0);
	assert_int_equal(c.n, 3);
	it = find_label(&c, "part 2.2 application/zip 'r.zip'");
	assert_non_null(it);
	assert_int_equal(it->len, zip_len);
	assert_memory_equal(it->data, zip, zip_len);
	/* A text part ending in a bare LF keeps its last character too. */
	collect_free(&c);
	free(b.s);
	b = (struct sbuf){0};
	sb_add(&b,
	    "Content-Type: multipart/mixed; boundary=\"m\"\r\n"
	    "\r\n"
	    "--m\r\n"
	    "Content-Type: text/xml\r\n"
	    "\r\n"
	    "<feedback/>\n"
	    "--m--\r\n");
	assert_int_equal(run(b.s, &c, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 11);
	assert_memory_equal(c.items[0].data, "<feedback/>", 11);
	collect_free(&c);
	free(b.s);
	free(enc);
	free(zip);
}

static void
test_mbox_two_mails(void **state)
{
	static const unsigned char gz[] = {0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6};
	char *enc = b64(gz, sizeof(gz), "\n");
	struct sbuf b = {0};
	struct collect c = {0};
	const struct item *it;

	(void)state;
	sb_add(&b,
	    "From reporter@example.net Mon Apr 29 02:09:16 2019\n"
	    "From: reporter@example.net\n"
	    "Subject: one\n"
	    "Content-Type: text/xml\n"
	    "\n"
	    "<feedback/>\n"
	    "\n"
	    "From other@example.org Tue Apr 30 02:09:16 2019\n"
	    "From: other@example.org\n"
	    "Subject: two\n"
	    "Content-Type: multipart/mixed; boundary=b\n"
	    "\n"
	    "--b\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "hi\n"
	    "--b\n"
	    "Content-Type: application/gzip; name=r.xml.gz\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "%s"
	    "--b--\n",
	    enc);
	assert_int_equal(run(b.s, &c, NULL), 0);
	assert_int_equal(c.n, 3);
	it = find_label(&c, "mail 1: part 1 text/xml");
	assert_non_null(it);
	assert_true(it->len >= 11);
	assert_memory_equal(it->data, "<feedback/>", 11);
	assert_non_null(find_label(&c, "mail 2: part 1 text/plain"));
	it = find_label(&c, "mail 2: part 2 application/gzip 'r.xml.gz'");
	assert_non_null(it);
	assert_int_equal(it->len, sizeof(gz));
	assert_memory_equal(it->data, gz, sizeof(gz));
	collect_free(&c);
	free(b.s);
	free(enc);
}

static void
test_hostile_name(void **state)
{
	const char *mail = "From: a@example.net\n"
	                   "Content-Type: multipart/mixed; boundary=b\n"
	                   "\n"
	                   "--b\n"
	                   "Content-Type: application/gzip\n"
	                   "Content-Disposition: attachment; "
	                   "filename=\"\x01\x1b[31m\x7f/../../x\"\n"
	                   "\n"
	                   "x\n"
	                   "--b\n"
	                   "Content-Type: application/\x1b[2Jzip\n"
	                   "Content-Disposition: attachment;\n"
	                   " filename*=utf-8''%01%1B%5B31m%0A..%2F..%2Fy\n"
	                   "\n"
	                   "y\n"
	                   "--b--\n";
	struct collect c = {0};

	(void)state;
	assert_int_equal(run(mail, &c, NULL), 0);
	assert_int_equal(c.n, 2);
	for (size_t i = 0; i < c.n; i++) {
		for (const char *p = c.items[i].label; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("control byte in label '%s'",
				    c.items[i].label);
	}
	assert_non_null(strstr(c.items[0].label, "/../../x'"));
	assert_non_null(strstr(c.items[1].label, "../y'"));
	collect_free(&c);
}

static const struct {
	const char *name;
	const char *mail;
	int hint;
} hint_cases[] = {
    {"tlsrpt report-type",
        "From: a@example.net\n"
        "Content-Type: multipart/report; report-type=tlsrpt; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nx\n--b--\n",
        HINT_TLS_REPORT},
    {"tlsrpt+json part",
        "From: a@example.net\n"
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: application/tlsrpt+json\n\n{}\n--b--\n",
        HINT_TLS_REPORT},
    {"TLS-Report-Domain field",
        "From: a@example.net\nTLS-Report-Domain: example.com\n\nx\n",
        HINT_TLS_REPORT},
    {"feedback-report in mixed",
        "From: a@example.net\n"
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: message/feedback-report\n\n"
        "Feedback-Type: auth-failure\n--b--\n",
        HINT_FAILURE_REPORT},
    {"bare multipart/report",
        "From: a@example.net\n"
        "Content-Type: multipart/report; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nx\n--b--\n",
        HINT_FAILURE_REPORT},
    {"bounce",
        "From: MAILER-DAEMON@example.net\n"
        "Content-Type: multipart/report; report-type=delivery-status; "
        "boundary=b\n\n"
        "--b\nContent-Type: message/delivery-status\n\nAction: failed\n"
        "--b--\n",
        HINT_NONE},
    {"plain mail", "From: a@example.net\nSubject: hi\n\nhello\n", HINT_NONE},
};

static void
test_hints(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hint_cases) / sizeof(hint_cases[0]);
	     i++) {
		struct collect c = {0};
		int hint = -1;

		assert_int_equal(run(hint_cases[i].mail, &c, &hint), 0);
		if (hint != hint_cases[i].hint)
			fail_msg("%s: hint %d, want %d", hint_cases[i].name,
			    hint, hint_cases[i].hint);
		assert_true(leaves(&c) >= 1);
		collect_free(&c);
	}
}

/* Generated mails: hostile shapes and limits. */

static void
test_deep_multipart(void **state)
{
	int levels = 5000;
	struct sbuf b = {0};
	struct collect c = {0};
	double t;
	int rc;

	(void)state;
	sb_add(&b, "From: a@example.net\n");
	for (int i = 0; i < levels; i++)
		sb_add(&b,
		    "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n",
		    i, i);
	sb_add(&b, "Content-Type: text/plain\n\nhello\n");
	for (int i = levels - 1; i >= 0; i--)
		sb_add(&b, "--b%d--\n", i);
	t = now();
	rc = run(b.s, &c, NULL);
	t = now() - t;
	assert_true(t < 1.0);
	assert_int_equal(rc, 0);
	/* Cut at our depth limit, reported once, nothing below it. */
	assert_int_equal(c.n, 1);
	assert_null(c.items[0].data);
	assert_int_equal(c.items[0].code, ERR_LIMIT);
	collect_free(&c);
	free(b.s);
}

static void
test_deep_rfc822(void **state)
{
	struct sbuf b = {0};
	struct collect c = {0};
	double t;
	int rc;

	(void)state;
	sb_add(&b, "From: a@example.net\n");
	for (int i = 0; i < 5000; i++)
		sb_add(&b, "Content-Type: message/rfc822\n\n");
	sb_add(&b, "\nhello\n");
	t = now();
	rc = run(b.s, &c, NULL);
	t = now() - t;
	assert_true(t < 1.0);
	assert_int_equal(rc, 0);
	assert_int_equal(c.n, 1);
	assert_null(c.items[0].data);
	assert_int_equal(c.items[0].code, ERR_LIMIT);
	collect_free(&c);
	free(b.s);
}

static void
test_too_many_parts(void **state)
{
	struct sbuf b = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;
	double t;

	(void)state;
	limits_init(&lim);
	sb_add(&b,
	    "From: a@example.net\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n");
	for (int i = 0; i < 100000; i++)
		sb_add(&b, "--b\n\n");
	sb_add(&b, "--b--\n");
	t = now();
	assert_int_equal(run_lim(b.s, b.len, &lim, &c, NULL, &err), ERR_LIMIT);
	assert_true(now() - t < 1.0);
	assert_non_null(strstr(err.msg, "boundary"));
	assert_int_equal(c.n, 0);
	free(b.s);
}

/* Header blocks GMime would turn into huge object lists are refused. */
static void
test_header_floods(void **state)
{
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	for (int kind = 0; kind < 3; kind++) {
		struct sbuf b = {0};
		struct collect c = {0};
		double t = now();

		sb_add(&b, "From: a@example.net\n");
		if (kind == 0) {
			for (int i = 0; i < 200000; i++)
				sb_add(&b, "a:b\n");
		} else if (kind == 1) {
			sb_add(&b, "To: a@b");
			for (int i = 0; i < 200000; i++)
				sb_add(&b, " a@b");
			sb_add(&b, "\n");
		} else {
			/* in a forwarded mail inside a part */
			sb_add(&b,
			    "Content-Type: multipart/mixed; boundary=b\n"
			    "\n--b\n"
			    "Content-Type: Message/RFC822\n\n"
			    "Subject: x\n");
			for (int i = 0; i < 200000; i++)
				sb_add(&b, "Cc: a:;\n");
		}
		sb_add(&b, "\nbody\n");
		assert_int_equal(
		    run_lim(b.s, b.len, &lim, &c, NULL, &err), ERR_LIMIT);
		assert_true(now() - t < 1.0);
		assert_non_null(strstr(err.msg, "header"));
		assert_int_equal(c.n, 0);
		free(b.s);
	}
}

/*
 * In an mbox a "From " line starts a new message, and a new header budget,
 * except as the first line of an embedded message, where GMime ignores it.
 */
static void
test_mbox_header_budget(void **state)
{
	struct sbuf b = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	sb_add(&b,
	    "From a@example.net Mon Apr 29 02:09:16 2019\n"
	    "From: a@example.net\n");
	for (int level = 0; level < 3; level++) {
		sb_add(&b,
		    "Content-Type: message/rfc822\n\n"
		    "From x Mon Apr 29 02:09:16 2019\n");
		for (int i = 0; i < 30000; i++)
			sb_add(&b, "Cc: a:;\n");
	}
	sb_add(&b, "\nbody\n");
	assert_int_equal(run_lim(b.s, b.len, &lim, &c, NULL, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "header"));
	free(b.s);
}

/* Big bodies are not header bytes, commas or not. */
static void
test_big_bodies_pass(void **state)
{
	size_t blob_len = 3 << 20;
	unsigned char *blob = binary_blob(blob_len);
	char *enc = b64(blob, blob_len, "\r\n");
	struct sbuf b = {0};
	struct collect c = {0};
	const struct item *it;

	(void)state;
	sb_add(&b,
	    "From: a@example.net\r\n"
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	    "--b\r\n"
	    "Content-Type: application/tlsrpt+json\r\n\r\n"
	    "{\"policies\": [");
	for (int i = 0; i < 200000; i++)
		sb_add(&b, "{\"a\":1, \"b\":2},\r\n");
	sb_add(&b,
	    "{}]}\r\n"
	    "--b\r\n"
	    "Content-Type: application/gzip\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "%s"
	    "--b--\r\n",
	    enc);
	assert_int_equal(run(b.s, &c, NULL), 0);
	assert_int_equal(c.n, 2);
	it = find_label(&c, "part 2 application/gzip");
	assert_non_null(it);
	assert_int_equal(it->len, blob_len);
	assert_memory_equal(it->data, blob, blob_len);
	collect_free(&c);
	free(b.s);
	free(enc);
	free(blob);
}

static void
test_garbage(void **state)
{
	static const char *const inputs[] = {
	    "X-Garbage: yes\n\x01\x02\xff\xfe\x00junk",
	    "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n----\n",
	    "Content-Type: multipart/mixed\n\n--x\n\n--x--\n",
	    "Content-Type: message/rfc822\n\n",
	    "\x01\x02\x03 not a mail at all",
	    "",
	    "From \n",
	};
	unsigned char rnd[4096];
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct collect c = {0};
		int rc = run(inputs[i], &c, NULL);

		assert_true(rc == 0 || rc == ERR_MALFORMED);
		if (rc == ERR_MALFORMED)
			assert_int_equal(c.n, 0);
		collect_free(&c);
	}
	/* A header line, then random bytes. */
	srand(42);
	for (int round = 0; round < 50; round++) {
		struct collect c = {0};
		int rc;

		memcpy(rnd, "Subject: x\n", 11);
		for (size_t i = 11; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)rand();
		rc = run_lim(rnd, sizeof(rnd), &lim, &c, NULL, &err);
		assert_true(rc == 0 || rc == ERR_MALFORMED);
		collect_free(&c);
	}
}

static void
test_input_limit(void **state)
{
	struct sbuf b = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	lim.input_bytes = 1024;
	sb_add(&b, "From: a@example.net\n\n");
	for (int i = 0; i < 100; i++)
		sb_add(&b, "line %d of a body that is too long\n", i);
	assert_int_equal(run_lim(b.s, b.len, &lim, &c, NULL, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "input_bytes"));
	assert_int_equal(c.n, 0);
	free(b.s);
}

/* fn's negative answer stops the walk and comes back. */
static void
test_fn_stops(void **state)
{
	unsigned char blob[10] = {0};
	char *mail = mixed_mail(blob, sizeof(blob));
	struct collect c = {.stop_after = 1};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	assert_int_equal(
	    run_lim(mail, strlen(mail), &lim, &c, NULL, &err), ERR_SINK);
	assert_int_equal(c.n, 1);
	collect_free(&c);
	free(mail);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_aggregate),
	    cmocka_unit_test(test_corpus_mimecast_single_part),
	    cmocka_unit_test(test_corpus_failure),
	    cmocka_unit_test(test_corpus_linkedin_mbox),
	    cmocka_unit_test(test_corpus_tls),
	    cmocka_unit_test(test_base64_and_qp),
	    cmocka_unit_test(test_crlf_equals_lf),
	    cmocka_unit_test(test_base64_leading_junk),
	    cmocka_unit_test(test_uuencode),
	    cmocka_unit_test(test_forwarded_report),
	    cmocka_unit_test(test_forwarded_lf_attachment_in_crlf),
	    cmocka_unit_test(test_mbox_two_mails),
	    cmocka_unit_test(test_hostile_name),
	    cmocka_unit_test(test_hints),
	    cmocka_unit_test(test_deep_multipart),
	    cmocka_unit_test(test_deep_rfc822),
	    cmocka_unit_test(test_too_many_parts),
	    cmocka_unit_test(test_header_floods),
	    cmocka_unit_test(test_mbox_header_budget),
	    cmocka_unit_test(test_big_bodies_pass),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_input_limit),
	    cmocka_unit_test(test_fn_stops),
	};

	/* Plain malloc for GObjects, so LeakSanitizer sees a forgotten
	 * unref (GLib's slice allocator hides it). */
	setenv("G_SLICE", "always-malloc", 1);
	setenv("G_DEBUG", "gc-friendly", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
