/*
 * Tests for the gzip backend: inputs are made here with zlib, in memory.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MiB (1024UL * 1024)

static const char xml_a[] =
    "<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>"
    "example.net</org_name></report_metadata></feedback>\n";
static const char xml_b[] =
    "<feedback><record><row><source_ip>192.0.2.1</source_ip><count>3"
    "</count></row></record></feedback>";

/* A growable byte buffer. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Appends one gzip member holding count copies of the n bytes at p. */
static void
gz_member_rep(struct buf *out, const void *p, size_t n, size_t count)
{
	unsigned char chunk[16384];
	z_stream zs;
	int flush;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	                     Z_DEFAULT_STRATEGY),
	    Z_OK);
	for (size_t i = 0; i <= count; i++) {
		flush = i == count ? Z_FINISH : Z_NO_FLUSH;
		zs.next_in = (Bytef *)(uintptr_t)p;
		zs.avail_in = i == count ? 0 : (uInt)n;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			assert_int_not_equal(
			    deflate(&zs, flush), Z_STREAM_ERROR);
			buf_add(out, chunk, sizeof(chunk) - zs.avail_out);
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
}

static void
gz_member(struct buf *out, const void *p, size_t n)
{
	gz_member_rep(out, p, n, 1);
}

/* What fn saw, and how it should behave. */
struct collect {
	/* settings */
	size_t read_size; /* bytes per bytesrc_read */
	size_t stop_after; /* stop reading (and return ret) after this */
	int ret; /* what fn returns when it stops early */
	size_t keep; /* keep at most this much of the output */
	/* results */
	int calls;
	char label[128];
	int read_rc; /* 0, or the error bytesrc_read returned */
	struct err read_err;
	struct buf data;
	uint64_t total;
};

/* The item callback: reads everything, as the XML parser would. */
static int
collect_fn(void *arg, struct bytesrc *inner, const char *label, struct err *err)
{
	struct collect *c = arg;
	unsigned char tmp[65536];
	size_t want = c->read_size > 0 ? c->read_size : sizeof(tmp);
	ssize_t n;

	c->calls++;
	snprintf(c->label, sizeof(c->label), "%s", label);
	assert_non_null(inner);
	if (want > sizeof(tmp))
		want = sizeof(tmp);
	for (;;) {
		if (c->stop_after > 0 && c->total >= c->stop_after) {
			if (c->ret < 0)
				err_set(err, c->ret, "consumer gave up");
			return c->ret;
		}
		if (c->stop_after > 0 && want > c->stop_after - c->total)
			want = c->stop_after - c->total;
		n = bytesrc_read(inner, tmp, want, err);
		if (n < 0) {
			c->read_rc = (int)n;
			c->read_err = *err;
			/* A second read must not go past the error. */
			assert_int_equal(
			    bytesrc_read(inner, tmp, want, err), n);
			return (int)n;
		}
		if (n == 0)
			return 0;
		assert_true((size_t)n <= want);
		if (c->data.len < c->keep)
			buf_add(&c->data, tmp,
			    (size_t)n < c->keep - c->data.len
			        ? (size_t)n
			        : c->keep - c->data.len);
		c->total += (uint64_t)n;
	}
}

/*
 * A source over a buffer that hands out at most step bytes per read and
 * can fail with fail_code once fail_at bytes are out: it shakes the
 * buffer handling and checks that inner errors pass through unchanged.
 */
struct testsrc {
	struct bytesrc base;
	const unsigned char *p;
	size_t len, off, step, fail_at;
	int fail_code;
};

static ssize_t
testsrc_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct testsrc *t = (struct testsrc *)src;

	if (t->fail_code != 0 && t->off >= t->fail_at)
		return err_set(
		    err, t->fail_code, "disk on fire at %zu", t->off);
	if (t->step > 0 && len > t->step)
		len = t->step;
	if (t->fail_code != 0 && len > t->fail_at - t->off)
		len = t->fail_at - t->off;
	if (len > t->len - t->off)
		len = t->len - t->off;
	if (len > 0)
		memcpy(buf, t->p + t->off, len);
	t->off += len;
	return (ssize_t)len;
}

static void
testsrc_close(struct bytesrc *src)
{
	free(src);
}

static struct bytesrc *
testsrc_new(const struct buf *b, size_t step)
{
	struct testsrc *t = xcalloc(1, sizeof(*t));

	t->base.read = testsrc_read;
	t->base.close = testsrc_close;
	t->p = b->p;
	t->len = b->len;
	t->step = step;
	return &t->base;
}

/* Runs the backend over in; returns what each() returned. */
static int
run(const struct buf *in, size_t step, const struct limits *lim,
    struct collect *c, struct err *err)
{
	struct unpack_env env = {lim, 0, 0};
	struct bytesrc *src = testsrc_new(in, step);
	int rc;

	err_clear(err);
	rc = unpack_gzip.each(src, &env, collect_fn, c, err);
	bytesrc_free(src);
	return rc;
}

/* Table: inputs that differ, one expectation each. */
struct gz_case {
	const char *name;
	void (*build)(struct buf *in, struct buf *want);
	void (*tweak)(struct limits *lim);
	int want_rc;
	const char *want_msg; /* a substring of the message, or NULL */
	int slow; /* too big to run one byte at a time */
};

static void
build_single(struct buf *in, struct buf *want)
{
	gz_member(in, xml_a, strlen(xml_a));
	buf_add(want, xml_a, strlen(xml_a));
}

static void
build_two_members(struct buf *in, struct buf *want)
{
	gz_member(in, xml_a, strlen(xml_a));
	gz_member(in, xml_b, strlen(xml_b));
	buf_add(want, xml_a, strlen(xml_a));
	buf_add(want, xml_b, strlen(xml_b));
}

static void
build_empty_member(struct buf *in, struct buf *want)
{
	gz_member(in, "", 0);
	gz_member(in, xml_b, strlen(xml_b));
	gz_member(in, "", 0);
	buf_add(want, xml_b, strlen(xml_b));
}

static void
build_trailing_crlf(struct buf *in, struct buf *want)
{
	gz_member(in, xml_a, strlen(xml_a));
	buf_add(in, "\r\n", 2);
	buf_add(want, xml_a, strlen(xml_a));
}

static void
build_trailing_junk(struct buf *in, struct buf *want)
{
	static const unsigned char junk[] = "not gzip\0\x1f\xff\x8b at all";

	gz_member(in, xml_a, strlen(xml_a));
	buf_add(in, junk, sizeof(junk));
	buf_add(want, xml_a, strlen(xml_a));
}

static void
build_trailing_1f(struct buf *in, struct buf *want)
{
	/* Half a magic number at the very end. */
	gz_member(in, xml_a, strlen(xml_a));
	buf_add(in, "\x1f", 1);
	buf_add(want, xml_a, strlen(xml_a));
}

static void
build_gzip_of_gzip(struct buf *in, struct buf *want)
{
	gz_member(want, xml_a, strlen(xml_a));
	gz_member(in, want->p, want->len);
}

static void
build_truncated_half(struct buf *in, struct buf *want)
{
	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	in->len /= 2;
}

static void
build_truncated_trailer(struct buf *in, struct buf *want)
{
	/* All the data, but one byte of ISIZE missing. */
	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	in->len--;
}

static void
build_magic_only(struct buf *in, struct buf *want)
{
	(void)want;
	buf_add(in, "\x1f\x8b", 2);
}

static void
build_empty_input(struct buf *in, struct buf *want)
{
	(void)in;
	(void)want;
}

static void
build_truncated_second(struct buf *in, struct buf *want)
{
	struct buf second = {0};

	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	gz_member(&second, xml_b, strlen(xml_b));
	buf_add(in, second.p, second.len - 12);
	buf_free(&second);
}

static void
build_corrupt_data(struct buf *in, struct buf *want)
{
	(void)want;
	gz_member_rep(in, xml_b, strlen(xml_b), 50);
	/* Past the 10-byte header, before the 8-byte trailer. */
	in->p[in->len / 2] ^= 0x55;
}

static void
build_corrupt_crc(struct buf *in, struct buf *want)
{
	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	in->p[in->len - 8] ^= 0x01;
}

static void
build_bad_method(struct buf *in, struct buf *want)
{
	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	in->p[2] = 7;
}

static void
build_bad_second_member(struct buf *in, struct buf *want)
{
	/* Magic after a member means another member, so junk behind it is
	 * corrupt data, not trailing garbage. */
	(void)want;
	gz_member(in, xml_a, strlen(xml_a));
	buf_add(in, "\x1f\x8bgarbage follows", 18);
}

static void
build_zlib_not_gzip(struct buf *in, struct buf *want)
{
	unsigned char out[256];
	uLongf n = sizeof(out);

	(void)want;
	assert_int_equal(
	    compress(out, &n, (const Bytef *)xml_a, (uLong)strlen(xml_a)),
	    Z_OK);
	buf_add(in, out, n);
}

static void
build_bomb(struct buf *in, struct buf *want)
{
	static const unsigned char zeros[65536];

	(void)want;
	/* 64 MiB of zeros: about 64 KiB compressed. */
	gz_member_rep(in, zeros, sizeof(zeros), 1024);
}

static void
tweak_high_ratio(struct limits *lim)
{
	lim->ratio = 100000;
	lim->decompressed_bytes = 1 * MiB;
}

static const struct gz_case gz_cases[] = {
    {"single member", build_single, NULL, 0, NULL, 0},
    {"two members", build_two_members, NULL, 0, NULL, 0},
    {"empty members", build_empty_member, NULL, 0, NULL, 0},
    {"trailing crlf", build_trailing_crlf, NULL, 0, NULL, 0},
    {"trailing junk", build_trailing_junk, NULL, 0, NULL, 0},
    {"trailing 1f", build_trailing_1f, NULL, 0, NULL, 0},
    {"gzip of gzip", build_gzip_of_gzip, NULL, 0, NULL, 0},
    {"truncated half", build_truncated_half, NULL, ERR_MALFORMED,
        "gzip: truncated", 0},
    {"truncated trailer", build_truncated_trailer, NULL, ERR_MALFORMED,
        "gzip: truncated", 0},
    {"magic only", build_magic_only, NULL, ERR_MALFORMED, "gzip: truncated", 0},
    {"empty input", build_empty_input, NULL, ERR_MALFORMED, "gzip: truncated",
        0},
    {"truncated second", build_truncated_second, NULL, ERR_MALFORMED,
        "gzip: truncated", 0},
    {"corrupt data", build_corrupt_data, NULL, ERR_MALFORMED, "gzip: ", 0},
    {"corrupt crc", build_corrupt_crc, NULL, ERR_MALFORMED,
        "gzip: incorrect data check", 0},
    {"bad method", build_bad_method, NULL, ERR_MALFORMED,
        "gzip: unknown compression method", 0},
    {"bad second member", build_bad_second_member, NULL, ERR_MALFORMED,
        "gzip: ", 0},
    {"zlib not gzip", build_zlib_not_gzip, NULL, ERR_MALFORMED,
        "gzip: incorrect header check", 0},
    {"bomb, default limits", build_bomb, NULL, ERR_LIMIT, "(limit ratio)", 1},
    {"bomb, ratio raised", build_bomb, tweak_high_ratio, ERR_LIMIT,
        "(limit decompressed_bytes)", 1},
};

static void
check_case(const struct gz_case *tc, size_t step, size_t read_size)
{
	struct buf in = {0}, want = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;
	int rc;

	limits_init(&lim);
	if (tc->tweak != NULL)
		tc->tweak(&lim);
	tc->build(&in, &want);
	c.read_size = read_size;
	c.keep = 1 * MiB;
	rc = run(&in, step, &lim, &c, &err);

	if (rc != tc->want_rc)
		fail_msg("%s (step %zu, read %zu): rc %d, want %d: %s",
		    tc->name, step, read_size, rc, tc->want_rc, err.msg);
	assert_int_equal(c.calls, 1);
	/* gzip is transparent: it adds nothing to the place. */
	assert_string_equal(c.label, "");
	if (tc->want_rc == 0) {
		assert_int_equal(c.read_rc, 0);
		assert_int_equal(c.total, want.len);
		assert_int_equal(c.data.len, want.len);
		if (want.len > 0)
			assert_memory_equal(c.data.p, want.p, want.len);
	} else {
		/* The error reached fn through the stream, then each(). */
		assert_int_equal(c.read_rc, tc->want_rc);
		assert_int_equal(err.code, tc->want_rc);
		if (tc->want_msg != NULL &&
		    strstr(err.msg, tc->want_msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", tc->name,
			    err.msg, tc->want_msg);
	}
	buf_free(&in);
	buf_free(&want);
	buf_free(&c.data);
}

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gz_cases) / sizeof(gz_cases[0]); i++)
		check_case(&gz_cases[i], 0, 0);
}

/* The same inputs, fed one byte at a time and read in odd sizes. */
static void
test_table_trickle(void **state)
{
	static const size_t steps[] = {1, 2, 3, 7};
	static const size_t reads[] = {1, 5, 4096};

	(void)state;
	for (size_t i = 0; i < sizeof(gz_cases) / sizeof(gz_cases[0]); i++) {
		if (gz_cases[i].slow)
			continue;
		for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
			for (size_t r = 0; r < sizeof(reads) / sizeof(reads[0]);
			     r++)
				check_case(&gz_cases[i], steps[s], reads[r]);
	}
}

/* Counting: every inflated byte reaches env->inflated. */
static void
test_accounting(void **state)
{
	struct buf in = {0};
	struct collect c = {0};
	struct unpack_env env;
	struct limits lim;
	struct bytesrc *src;
	struct err err;

	(void)state;
	limits_init(&lim);
	gz_member(&in, xml_a, strlen(xml_a));
	gz_member(&in, xml_b, strlen(xml_b));
	env.lim = &lim;
	env.inflated = 1000;
	env.hint = 0;
	src = bytesrc_mem_new(in.p, in.len);
	assert_int_equal(unpack_gzip.each(src, &env, collect_fn, &c, &err), 0);
	assert_int_equal(env.inflated, 1000 + strlen(xml_a) + strlen(xml_b));
	bytesrc_free(src);

	/* What earlier layers used counts against the same budget. */
	lim.decompressed_bytes = 1024;
	env.inflated = 1000;
	memset(&c, 0, sizeof(c));
	src = bytesrc_mem_new(in.p, in.len);
	assert_int_equal(
	    unpack_gzip.each(src, &env, collect_fn, &c, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "decompressed_bytes"));
	bytesrc_free(src);
	buf_free(&in);
}

/* fn's error stops the backend and comes back unchanged. */
static void
test_fn_error(void **state)
{
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	gz_member_rep(&in, xml_b, strlen(xml_b), 1000);
	c.read_size = 100;
	c.stop_after = 100;
	c.ret = ERR_SINK;
	assert_int_equal(run(&in, 0, &lim, &c, &err), ERR_SINK);
	assert_int_equal(err.code, ERR_SINK);
	assert_string_equal(err.msg, "consumer gave up");
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.total, 100);
	buf_free(&in);
}

/* The parser may stop early: that is success, whatever is left. */
static void
test_fn_stops_early(void **state)
{
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	gz_member_rep(&in, xml_b, strlen(xml_b), 1000);
	in.len -= 20; /* even a truncated tail is never looked at */
	c.read_size = 10;
	c.stop_after = 10;
	c.ret = 0;
	assert_int_equal(run(&in, 0, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.total, 10);
	buf_free(&in);
}

/* An error from the source below passes through unchanged. */
static void
test_inner_error(void **state)
{
	struct buf in = {0};
	struct limits lim;
	size_t fail_at[5];

	(void)state;
	limits_init(&lim);
	gz_member_rep(&in, xml_b, strlen(xml_b), 1000);
	/* In the header, in the data, and where the end should be: the
	 * error comes instead of end of file. */
	fail_at[0] = 0;
	fail_at[1] = 1;
	fail_at[2] = 10;
	fail_at[3] = in.len / 2;
	fail_at[4] = in.len;
	for (size_t i = 0; i < sizeof(fail_at) / sizeof(fail_at[0]); i++) {
		struct unpack_env env = {&lim, 0, 0};
		struct collect c = {0};
		struct testsrc *t;
		struct bytesrc *src = testsrc_new(&in, 3);
		struct err err;
		char want[64];

		t = (struct testsrc *)src;
		t->fail_code = ERR_IO;
		t->fail_at = fail_at[i];
		assert_int_equal(
		    unpack_gzip.each(src, &env, collect_fn, &c, &err), ERR_IO);
		snprintf(want, sizeof(want), "disk on fire at %zu", fail_at[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(c.read_rc, ERR_IO);
		bytesrc_free(src);
	}
	buf_free(&in);
}

/* The archive's way back: unpack_gzip_decompress() with its ceiling. */
static void
test_decompress(void **state)
{
	static const size_t sizes[] = {0, 1, 1000, 5000, 300 * 1000};
	unsigned char *gz, *back, *plain;
	size_t gzlen, backlen;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		plain = xmalloc(n + 1);
		/* Compressible, and not all one byte. */
		for (size_t k = 0; k < n; k++)
			plain[k] =
			    (unsigned char)('a' + k % 7 + (k / 4096) % 3);
		assert_int_equal(
		    unpack_gzip_compress(plain, n, &gz, &gzlen), 0);
		/* Exactly at the ceiling is fine; one byte past is not. */
		assert_int_equal(
		    unpack_gzip_decompress(gz, gzlen, n, &back, &backlen), 0);
		assert_int_equal(backlen, n);
		assert_memory_equal(back, plain, n);
		assert_int_equal(back[n], '\0');
		free(back);
		if (n > 0)
			assert_int_equal(unpack_gzip_decompress(
			                     gz, gzlen, n - 1, &back, &backlen),
			    -1);
		assert_int_equal(unpack_gzip_decompress(
		                     gz, gzlen, UINT64_MAX, &back, &backlen),
		    0);
		assert_int_equal(backlen, n);
		free(back);
		/* Cut short: refused, whatever the ceiling. */
		assert_int_equal(unpack_gzip_decompress(gz, gzlen - 1,
		                     UINT64_MAX, &back, &backlen),
		    -1);
		free(gz);
		free(plain);
	}
	assert_int_equal(
	    unpack_gzip_decompress("junk", 4, 100, &back, &backlen), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_table_trickle),
	    cmocka_unit_test(test_accounting),
	    cmocka_unit_test(test_fn_error),
	    cmocka_unit_test(test_fn_stops_early),
	    cmocka_unit_test(test_inner_error),
	    cmocka_unit_test(test_decompress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
