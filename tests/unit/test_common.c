/* Unit tests for common/: errors, limits, byte streams, IPs, text, JSON,
 * the secrets kept out of database messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "ipaddr.h"
#include "json.h"
#include "input_limits.h"
#include "report.h"
#include "sha256.h"
#include "text.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_err_prefix(void **state)
{
	struct err err;

	err_set(&err, ERR_MALFORMED, "invalid block type");
	assert_int_equal(err_prefix(&err, "gzip"), ERR_MALFORMED);
	err_prefix(&err, "attachment '%s'", "a.gz");
	assert_string_equal(err.msg,
	    "attachment 'a.gz': gzip: invalid block "
	    "type");
	/* A prefix longer than the buffer never overflows it. */
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_prefix(&err, "%s", big);
	assert_true(strlen(err.msg) < sizeof(err.msg));
}

static void
test_limits(void **state)
{
	struct limits lim;
	struct err err;

	limits_init(&lim);
	assert_int_equal(lim.xml_depth, 32);
	assert_int_equal(limits_set(&lim, "xml_depth=64", &err), 0);
	assert_int_equal(lim.xml_depth, 64);
	assert_int_equal(limits_set(&lim, "input_bytes=2M", &err), 0);
	assert_int_equal(lim.input_bytes, 2 * 1024 * 1024);
	assert_int_equal(limits_set(&lim, "xml_depth=1", &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "outside"));
	assert_int_equal(limits_set(&lim, "nope=1", &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "unknown limit 'nope'"));
	assert_int_equal(limits_set(&lim, "records", &err), ERR_USAGE);
	assert_int_equal(limits_set(&lim, "records=-1", &err), ERR_USAGE);
	assert_int_equal(limits_set(&lim, "records=12x", &err), ERR_USAGE);
	assert_int_equal(
	    limits_set(&lim, "input_bytes=99999999999999999999G", &err),
	    ERR_USAGE);
}

static void
test_ip_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"192.0.2.1", "192.0.2.1"}, {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
	    {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},
	    {"::ffff:192.0.2.7", "192.0.2.7"}, {"::1", "::1"},
	    {"999.1.1.1", NULL}, {"1.2.3.4/24", NULL}, {"fe80::1%eth0", NULL},
	    {"", NULL}, {"not-an-ip", NULL},
	    {" 1.2.3.4", NULL}, /* the parser trims; this layer does not */
	};
	char out[IP_TEXT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ip_normalize(cases[i].in, out);

		if (cases[i].out == NULL) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].out);
		}
	}
}

/* Loopback hosts for http:// (OAuth2 endpoints): a name that only
 * begins "127." is someone else's host. */
static void
test_ip_host_loopback(void **state)
{
	(void)state;
	assert_true(ip_host_loopback("localhost"));
	assert_true(ip_host_loopback("LocalHost"));
	assert_true(ip_host_loopback("127.0.0.1"));
	assert_true(ip_host_loopback("127.8.9.10"));
	assert_true(ip_host_loopback("::1"));
	assert_true(ip_host_loopback("[::1]"));
	assert_false(ip_host_loopback("127.attacker.example"));
	assert_false(ip_host_loopback("127.0.0.1.attacker.example"));
	assert_false(ip_host_loopback("128.0.0.1"));
	assert_false(ip_host_loopback("localhost.example"));
	assert_false(ip_host_loopback(""));
	assert_false(ip_host_loopback(NULL));
}

static void
test_ip_global(void **state)
{
	static const char *const local[] = {"0.0.0.0", "0.1.2.3", "10.0.0.5",
	    "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.9.9.9",
	    "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
	    "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.19.255.255",
	    "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.1.2.3",
	    "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1",
	    "::ffff:10.0.0.5", "::FFFF:192.168.0.1", "::ffff:0:7f00:1",
	    "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1",
	    "ff0e::1", "2001:db8::1", "64:ff9b::a00:5", "2002:7f00:1::1",
	    "::127.0.0.1", "100::1", "[::1]", "", "localhost", "1.2.3",
	    "1.2.3.4.5", "example.org"};
	static const char *const global[] = {"1.1.1.1", "8.8.8.8",
	    "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
	    "126.255.255.255", "128.0.0.1", "169.253.0.1", "172.15.255.255",
	    "172.32.0.0", "192.0.1.1", "192.0.3.1", "192.167.255.255",
	    "192.169.0.0", "198.17.255.255", "198.20.0.0", "203.0.112.1",
	    "223.255.255.255", "2001:4860:4860::8888", "2a00:1450::1",
	    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2600::1"};

	(void)state;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		if (ip_global(local[i]))
			fail_msg("%s is taken as globally routable", local[i]);
	}
	for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++) {
		if (!ip_global(global[i]))
			fail_msg(
			    "%s is not taken as globally routable", global[i]);
	}
	assert_false(ip_global(NULL));
}

static void
test_text(void **state)
{
	char s[64], out[16];
	static const char *const words[] = {"pass", "fail", NULL};

	strcpy(s, " \r\n value\t\n");
	assert_int_equal(text_trim(s, strlen(s)), 5);
	assert_string_equal(s, "value");
	strcpy(s, "PASS");
	assert_int_equal(text_fold_enum(s, words), 1);
	assert_string_equal(s, "pass");
	strcpy(s, "Passed");
	assert_int_equal(text_fold_enum(s, words), 0);
	assert_string_equal(s, "Passed");

	text_printable("a\x1b[31mb\xff", out, sizeof(out));
	assert_string_equal(out, "a?[31mb?");
	text_printable("a very long name indeed", out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	assert_non_null(strstr(out, "..."));

	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc0\xaf", 2),
	    0); /* overlong */
	assert_int_equal(
	    utf8_seq_len((const unsigned char *)"\xed\xa0\x80", 3), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe2\x82", 2),
	    0); /* cut short */
}

/* The one writer of dates and times, and what JSON writes through it:
 * every writer shows the same range, 1970 to 9999. */
static void
test_clock_text(void **state)
{
	char buf[CLOCK_TEXT_LEN], *out = NULL;
	size_t len;
	FILE *fp;

	(void)state;
	assert_int_equal(clock_text(0, CLOCK_FORM_DAY, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1970-01-01");
	assert_int_equal(
	    clock_text(CLOCK_LAST_SHOWN, CLOCK_FORM_ISO, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_int_equal(clock_text(1763251200 + 6 * 3600,
	                     CLOCK_FORM_MINUTE_UTC, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "2025-11-16 06:00 UTC");
	/* The digest's day by day and its charts' axis. */
	assert_int_equal(
	    clock_text(1763251200, CLOCK_FORM_WEEKDAY_DAY, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "Sun 2025-11-16");
	assert_int_equal(
	    clock_text(1763251200, CLOCK_FORM_MONTH_DAY, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "11-16");
	assert_int_equal(
	    clock_text(CLOCK_LAST_SHOWN + 1, CLOCK_FORM_DAY, buf, sizeof(buf)),
	    -1);
	assert_string_equal(buf, "");
	assert_int_equal(clock_text(-1, CLOCK_FORM_DAY, buf, sizeof(buf)), -1);
	assert_int_equal(clock_text(0, CLOCK_FORM_ISO, buf, 8), -1);
	/* Out of range, the day is its number, not a date before 1970. */
	clock_day_text(-CLOCK_DAY, buf, sizeof(buf));
	assert_string_equal(buf, "-86400");

	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	json_time(fp, 1763251200);
	fputc(' ', fp);
	json_time(fp, 0);
	fputc(' ', fp);
	json_time(fp, CLOCK_LAST_SHOWN + 1);
	fclose(fp);
	assert_string_equal(out, "\"2025-11-16T00:00:00Z\" null null");
	free(out);
}

static void
test_json_string(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	json_string(fp, "a\"b\\c\n\x01\xc3\xa9\xff");
	fputc(' ', fp);
	json_string(fp, NULL);
	fclose(fp);
	assert_string_equal(
	    buf, "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\\ufffd\" null");
	free(buf);
}

/* The key-value writers the report formats share. */
static void
test_json_kv(void **state)
{
	char *v[] = {"a", "b\"c"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	fputc('{', fp);
	json_kv_int_opt(fp, "pct", 50, 1);
	json_kv_int_opt(fp, "step", -1, 0);
	json_kv_i64(fp, "begin", INT64_MIN, 0);
	json_kv_strv(fp, "names", v, 2, 0);
	json_kv_strv(fp, "none", NULL, 0, 0);
	fputc('}', fp);
	fclose(fp);
	assert_string_equal(buf,
	    "{\"pct\":50,\"step\":null,\"begin\":-9223372036854775808,"
	    "\"names\":[\"a\",\"b\\\"c\"],\"none\":[]}");
	free(buf);
}

static void
test_bytesrc_peek_then_read(void **state)
{
	static const char data[] = "0123456789";
	struct bytesrc *src = bytesrc_mem_new(data, 10);
	const unsigned char *head;
	char buf[16];
	struct err err;
	ssize_t n;
	size_t got = 0;

	assert_int_equal(bytesrc_peek(src, 4, &head, &err), 4);
	assert_memory_equal(head, "0123", 4);
	/* Peeked bytes are read again, then the rest follows. */
	while ((n = bytesrc_read(src, buf + got, 3, &err)) > 0)
		got += (size_t)n;
	assert_int_equal(got, 10);
	assert_memory_equal(buf, data, 10);
	assert_int_equal(bytesrc_peek(src, 4, &head, &err), 0);
	bytesrc_free(src);
	bytesrc_free(NULL);
}

static void
test_bytesrc_fd_limit(void **state)
{
	int p[2];
	char buf[64];
	struct err err;
	unsigned char *all;
	size_t len;
	struct bytesrc *src;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abcdefghij", 10), 10);
	close(p[1]);
	src = bytesrc_fd_new(p[0], 1, 8);
	assert_int_equal(
	    bytesrc_slurp(src, 100, "input_bytes", &all, &len, &err),
	    ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit input_bytes"));
	bytesrc_free(src);

	src = bytesrc_mem_new("abc", 3);
	assert_int_equal(
	    bytesrc_slurp(src, 2, "zz", &all, &len, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "limit zz"));
	bytesrc_free(src);
	(void)buf;
}

static void
test_report_warnings_bounded(void **state)
{
	struct dmarc_report rep;

	report_init(&rep, 3);
	for (int i = 0; i < 10; i++)
		report_warn(&rep, "warning %d", i);
	assert_int_equal(rep.n_warnings, 3);
	assert_int_equal(rep.warnings_over, 7);
	assert_string_equal(rep.warnings[2], "warning 2");
	report_reset(&rep);
	assert_int_equal(rep.n_warnings, 0);
	assert_int_equal(rep.max_warnings, 3);
	assert_int_equal(rep.policy.pct, -1);
}

/* A cut to a fixed size never leaves half a UTF-8 character behind. */
static void
test_utf8_cut(void **state)
{
	static const struct {
		const char *in, *want;
	} v[] = {
	    {"", ""}, {"abc", "abc"},
	    {"ab\xc3\xa9", "ab\xc3\xa9"}, /* whole 2-byte */
	    {"ab\xc3", "ab"}, /* lead only */
	    {"a\xe2\x82\xac", "a\xe2\x82\xac"}, /* whole 3-byte */
	    {"a\xe2\x82", "a"}, /* 2 of 3 */
	    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}, /* whole 4-byte */
	    {"x\xf0\x9f\x98", "x"}, /* 3 of 4 */
	    {"x\x80\x80\x80\x80", "x\x80\x80\x80\x80"}, /* not ours to fix */
	};
	char buf[32];
	struct err e;
	char big[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", v[i].in);
		text_utf8_cut(buf);
		assert_string_equal(buf, v[i].want);
	}
	/* err_set cuts long messages on a character boundary. */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 3 < sizeof(big) - 1; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);
	err_set(&e, ERR_MALFORMED, "x%s", big);
	assert_int_equal(strlen(e.msg) % 3, 1);
}

static void
test_sha256_vectors(void **state)
{
	/* FIPS 180-2 examples, and the empty string. */
	static const struct {
		const char *in, *hex;
	} v[] = {
	    {"",
	        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8"
	        "55"},
	    {"abc",
	        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015"
	        "ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06"
	        "c1"},
	};
	unsigned char d[SHA256_LEN];
	char hex[65];
	struct sha256 s = {0};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_init(&s);
		sha256_update(&s, v[i].in, strlen(v[i].in));
		sha256_final(&s, d);
		sha256_hex(d, hex);
		assert_string_equal(hex, v[i].hex);
	}
	/* A million 'a's fed in uneven pieces: every buffer boundary. */
	sha256_init(&s);
	for (size_t done = 0, step = 1; done < 1000000; step = step % 97 + 1) {
		static const char a[128] = {[0 ... 127] = 'a'};
		size_t n = done + step > 1000000 ? 1000000 - done : step;

		sha256_update(&s, a, n);
		done += n;
	}
	sha256_final(&s, d);
	sha256_free(&s);
	sha256_hex(d, hex);
	assert_string_equal(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* No password of a conninfo or URL survives in a libpq message. */
static void
test_db_scrub(void **state)
{
	static const struct {
		const char *text, *conninfo, *want;
	} cases[] = {
	    /* libpq quotes the bad token alone: only the conninfo tells. */
	    {"invalid percent-encoded token: \"s3cr%zzet\"",
	        "postgresql://u:s3cr%zzet@h/db",
	        "invalid percent-encoded token: \"***\""},
	    {"invalid percent-encoded token: \"qq%zz\"",
	        "postgresql://h/db?password=qq%zz",
	        "invalid percent-encoded token: \"***\""},
	    /* The whole URL echoed. */
	    {"matching \"]\" in URI: \"postgresql://u:s3cret@[::1/db\"",
	        "postgresql://u:s3cret@[::1/db",
	        "matching \"]\" in URI: \"postgresql://u:***@[::1/db\""},
	    {"in URI: \"postgres://u:pw@[::1\"", NULL,
	        "in URI: \"postgres://u:***@[::1\""},
	    /* Decoded, unescaped, quoted: every form a message may quote. */
	    {"bad \"p@ss:1\"", "postgresql://u:p%40ss%3A1@h/", "bad \"***\""},
	    {"near \"se cret\"", "host=x password='se cret'", "near \"***\""},
	    {"near it\\s", "host=x password=it\\\\s", "near ***"},
	    /* key=value in the text, even with no conninfo. */
	    {"x password=abc y", NULL, "x password=*** y"},
	    {"x sslpassword = 'a b\\' c' z", NULL, "x sslpassword = *** z"},
	    {"?password=abc&sslmode=require", NULL,
	        "?password=***&sslmode=require"},
	    /* Nothing to hide: unchanged. */
	    {"password authentication failed for user \"u\"",
	        "postgresql://u:hunter2@h/db",
	        "password authentication failed for user \"u\""},
	    {"connection to server at \"127.0.0.1\", port 5 failed: "
	     "timeout expired",
	        "host=127.0.0.1 port=5",
	        "connection to server at \"127.0.0.1\", port 5 failed: "
	        "timeout expired"},
	    /* Too short to look for in free text. */
	    {"about ab", "password=ab", "about ab"},
	    {"", "password=abc", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = db_scrub(cases[i].text, cases[i].conninfo);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s' gave '%s', want '%s'", i,
			    cases[i].text, got, cases[i].want);
		free(got);
	}
	assert_true(db_conninfo_has_password("postgresql://u:pw@h/db"));
	assert_true(db_conninfo_has_password("host=h sslpassword=x"));
	assert_true(db_conninfo_has_password("postgresql://h/?password=x"));
	assert_false(db_conninfo_has_password("host=h user=u"));
	assert_false(db_conninfo_has_password("postgresql://u@h/db"));
	assert_false(db_conninfo_has_password("garbage"));
}

/* dmarcsift config hides sslpassword like password. */
static void
test_config_mask_sslpassword(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"host=h sslpassword=abc sslkey=/k",
	        "host=h sslpassword=******** sslkey=/k"},
	    {"host=h sslpassword='a b' password=c",
	        "host=h sslpassword=******** password=********"},
	    {"postgresql://h/db?sslpassword=abc&sslmode=require",
	        "postgresql://h/db?sslpassword=********&sslmode=require"},
	    {"postgresql://u:pw@h/db?sslkey=/k&sslpassword=x",
	        "postgresql://u:********@h/db?sslkey=/k&sslpassword=********"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = config_mask(cases[i].in);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* The comma lists of settings: blanks cut, empty entries skipped, a long
 * entry cut but its length told. */
static void
test_text_list(void **state)
{
	const char *p = " SendGrid ,,\t192.0.2.0/24,  ,Mailchimp";
	char item[16];

	(void)state;
	assert_int_equal(text_list_next(&p, item, sizeof(item)), 8);
	assert_string_equal(item, "SendGrid");
	assert_int_equal(text_list_next(&p, item, sizeof(item)), 12);
	assert_string_equal(item, "192.0.2.0/24");
	assert_int_equal(text_list_next(&p, item, sizeof(item)), 9);
	assert_string_equal(item, "Mailchimp");
	assert_int_equal(text_list_next(&p, item, sizeof(item)), -1);
	assert_int_equal(text_list_next(&p, item, sizeof(item)), -1);

	p = "averyveryverylongname.example";
	assert_int_equal(text_list_next(&p, item, sizeof(item)), 29);
	assert_string_equal(item, "averyveryverylo");
	p = " , ,";
	assert_int_equal(text_list_next(&p, item, sizeof(item)), -1);
}

/* Settings find their words without case, options exactly; both say the
 * list the same way. */
static void
test_words(void **state)
{
	char *t;

	(void)state;
	assert_int_equal(words_find("text|json|csv", "json", 4, 0), 1);
	assert_int_equal(words_find("text|json|csv", "JSON", 4, 0), -1);
	assert_int_equal(words_find("text|json|csv", "JSON", 4, 1), 1);
	assert_int_equal(words_find("text|json|csv", "csv", 3, 1), 2);
	assert_int_equal(words_find("text|json|csv", "cs", 2, 1), -1);
	assert_int_equal(words_find("text|json|csv", "jsonx", 4, 0), 1);
	assert_int_equal(words_find("text", "", 0, 0), -1);
	t = words_text("text|json|csv");
	assert_string_equal(t, "text, json or csv");
	free(t);
	t = words_text("yes|no");
	assert_string_equal(t, "yes or no");
	free(t);
	t = words_text("one");
	assert_string_equal(t, "one");
	free(t);
	t = words_text_each("imaps|imap", "://HOST");
	assert_string_equal(t, "imaps://HOST or imap://HOST");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_list),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_err_prefix),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_ip_normalize),
	    cmocka_unit_test(test_ip_host_loopback),
	    cmocka_unit_test(test_ip_global),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_clock_text),
	    cmocka_unit_test(test_json_string),
	    cmocka_unit_test(test_json_kv),
	    cmocka_unit_test(test_bytesrc_peek_then_read),
	    cmocka_unit_test(test_bytesrc_fd_limit),
	    cmocka_unit_test(test_report_warnings_bounded),
	    cmocka_unit_test(test_sha256_vectors),
	    cmocka_unit_test(test_utf8_cut),
	    cmocka_unit_test(test_db_scrub),
	    cmocka_unit_test(test_config_mask_sslpassword),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
