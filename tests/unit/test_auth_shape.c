/*
 * Unit tests for ingest/auth_shape.c: a record's results written as
 * PostgreSQL's array_out writes a text[][] (each expected string is what
 * PostgreSQL 15 printed for the same array), and the shape's name, the
 * first 16 bytes of their SHA-256 (expected: sql/029's auth_shape_id()
 * computed by PostgreSQL).  tests/db/test_auth_shapes.sh checks both sides
 * agree on stored reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth_shape.h"
#include "dynbuf.h"
#include "err.h"
#include "report.h"

/* The two literals auth_shape_text() writes for rec. */
static void
expect_text(const struct dmarc_record *rec, const char *dkim, const char *spf)
{
	struct dynbuf b;
	size_t n;

	dynbuf_init(&b, 1 << 20);
	dynbuf_addstr(&b, "prefix:"); /* appended after what is there */
	n = auth_shape_text(&b, rec);
	assert_int_equal(n, strlen(dkim));
	assert_int_equal(b.len, 7 + strlen(dkim) + strlen(spf));
	assert_memory_equal(b.p + 7, dkim, strlen(dkim));
	assert_string_equal(b.p + 7 + n, spf);
	dynbuf_free(&b);
}

static void
test_plain(void **state)
{
	struct dmarc_dkim_result d = {"example.com", "s1", "pass", NULL};
	struct dmarc_spf_result s = {"example.com", "mfrom", "pass", NULL};
	struct dmarc_record rec = {
	    .dkim_results = &d, .n_dkim = 1, .spf_results = &s, .n_spf = 1};

	(void)state;
	expect_text(&rec, "{{example.com,s1,pass,NULL}}",
	    "{{example.com,mfrom,pass,NULL}}");
}

/* Quoted when empty, "NULL" in any case, or holding a quote, backslash,
 * brace, comma or white space; a quote and a backslash escaped. */
static void
test_quoting(void **state)
{
	struct dmarc_dkim_result d[] = {
	    {"q\"uo\\te{d},e", "NULL", "fail", ""},
	    {"b\xc3\xbc"
	     "cher.example",
	        NULL, "none", "a b"},
	};
	struct dmarc_spf_result s[] = {
	    {"null", "helo", "softfail", NULL},
	};
	struct dmarc_record rec = {
	    .dkim_results = d, .n_dkim = 2, .spf_results = s, .n_spf = 1};
	struct dmarc_dkim_result d2[] = {
	    {"nulls", "NuLl", "tab\there", "cr\rlf\n"},
	    {"v\vf\f", "}", "{", "\\\\"},
	};
	struct dmarc_spf_result s2 = {"x,y", "mfrom", "fail", NULL};
	struct dmarc_record rec2 = {
	    .dkim_results = d2, .n_dkim = 2, .spf_results = &s2, .n_spf = 1};

	(void)state;
	expect_text(&rec,
	    "{{\"q\\\"uo\\\\te{d},e\",\"NULL\",fail,\"\"},"
	    "{b\xc3\xbc"
	    "cher.example,NULL,none,\"a b\"}}",
	    "{{\"null\",helo,softfail,NULL}}");
	expect_text(&rec2,
	    "{{nulls,\"NuLl\",\"tab\there\",\"cr\rlf\n\"},"
	    "{\"v\vf\f\",\"}\",\"{\",\"\\\\\\\\\"}}",
	    "{{\"x,y\",mfrom,fail,NULL}}");
}

static void
test_empty(void **state)
{
	struct dmarc_spf_result s = {"x,y", "mfrom", "fail", NULL};
	struct dmarc_record rec = {.spf_results = &s, .n_spf = 1};
	struct dmarc_record none = {.n_dkim = 0};

	(void)state;
	expect_text(&rec, "{}", "{{\"x,y\",mfrom,fail,NULL}}");
	expect_text(&none, "{}", "{}");
}

/* Named without a connection: nothing is written before a flush. */
static void
test_name(void **state)
{
	struct dmarc_dkim_result d = {"example.com", "s1", "pass", NULL};
	struct dmarc_spf_result s = {"example.com", "mfrom", "pass", NULL};
	struct dmarc_record rec = {
	    .dkim_results = &d, .n_dkim = 1, .spf_results = &s, .n_spf = 1};
	struct dmarc_record none = {.n_dkim = 0};
	struct auth_shapes *sh = auth_shapes_new(NULL);
	char uuid[AUTH_SHAPE_UUID_LEN] = "untouched";
	struct err err;

	(void)state;
	assert_int_equal(auth_shapes_name(sh, &none, uuid, &err), 0);
	assert_string_equal(uuid, "untouched");
	assert_int_equal(auth_shapes_name(sh, &rec, uuid, &err), 1);
	assert_string_equal(uuid, "bfd51861-89a9-6ea6-1002-43e34b351516");
	/* The same results again: the same name. */
	assert_int_equal(auth_shapes_name(sh, &rec, uuid, &err), 1);
	assert_string_equal(uuid, "bfd51861-89a9-6ea6-1002-43e34b351516");
	auth_shapes_abandon(sh);
	auth_shapes_free(sh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
