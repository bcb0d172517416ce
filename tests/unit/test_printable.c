/*
 * Unit tests for the one writer of printable text (common/text.c) as
 * every caller reaches it: a name or message (text_printable()), bytes
 * with a length (text_printable_n(): DNS records), a DNS check's finding
 * (dnscheck_add()), an IMAP server's status lines (imap_resp.c) and a
 * server's refusal seen through libcurl's debug callback
 * (text_line_keep(): SMTP and IMAP login).  Hostile text comes out the
 * same through each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dnscheck.h"
#include "imap_resp.h"
#include "text.h"

static const struct {
	const char *in, *out;
} cases[] = {
    {"a\x1b[31mb", "a?[31mb"}, /* ESC (a colour) */
    /* OSC 8: a terminal hyperlink that shows other text than its link */
    {"\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\", "?]8;;http://x?\\t?]8;;?\\"},
    {"a\xe2\x80\xae"
     "b",
        "a?b"}, /* U+202E right-to-left override */
    {"a\xe2\x80\xa8"
     "b",
        "a?b"}, /* U+2028 line separator */
    {"a\xc2\x9b"
     "b",
        "a?b"}, /* U+009B, a CSI */
    {"a\rb", "a?b"}, /* a CR inside a line */
    {"a\xff\xc3"
     "b",
        "a??b"}, /* invalid UTF-8: one '?' a byte */
    {"a\xed\xa0\x80"
     "b",
        "a???b"}, /* a surrogate */
    {"caf\xc3\xa9", "caf\xc3\xa9"}, /* UTF-8 text is text */
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
test_text(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		text_printable(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
		text_printable_n(
		    cases[i].in, strlen(cases[i].in), out, sizeof(out));
		assert_string_equal(out, cases[i].out);
		assert_true(text_is_printable(out, strlen(out)));
		assert_int_equal(
		    text_is_printable(cases[i].in, strlen(cases[i].in)),
		    strcmp(cases[i].in, cases[i].out) == 0);
	}
	/* Line ends too, and a NUL where a length is given. */
	text_printable("a\r\nb\nc", out, sizeof(out));
	assert_string_equal(out, "a??b?c");
	text_printable_n("a\0b", 3, out, sizeof(out));
	assert_string_equal(out, "a?b");
}

/* Only text that does not fit is cut, between sequences, with "...". */
static void
test_cut(void **state)
{
	char out[10];

	(void)state;
	text_printable("abcdefghi", out, sizeof(out));
	assert_string_equal(out, "abcdefghi");
	text_printable("abcdefghij", out, sizeof(out));
	assert_string_equal(out, "abcdef...");
	text_printable("abcde\xc3\xa9xyz", out, sizeof(out));
	assert_string_equal(out, "abcde...");
	text_printable("abcdefghij", out, 4);
	assert_string_equal(out, "...");
	text_printable("abcdefghij", out, 3);
	assert_string_equal(out, "");
	/* A '?' takes one byte however long what it stands for. */
	text_printable("\xe2\x80\xae\xe2\x80\xae\xe2\x80\xae", out, 4);
	assert_string_equal(out, "???");
}

static void
test_dnscheck(void **state)
{
	struct dnscheck_list l = {0};

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		dnscheck_add(&l, "x.y", DNSCHECK_PASS, cases[i].in, cases[i].in,
		    "%s", cases[i].in);
		assert_string_equal(l.v[i].subject, cases[i].out);
		assert_string_equal(l.v[i].fix, cases[i].out);
		assert_string_equal(l.v[i].text, cases[i].out);
	}
	dnscheck_list_free(&l);
}

static const char *
pick_no(const char *line, size_t n)
{
	return n >= 3 && memcmp(line, "NO ", 3) == 0 ? line + 3 : NULL;
}

static void
test_server_lines(void **state)
{
	struct imap_resp r = {0};
	char block[256], out[IMAP_RESP_TEXT_MAX + 1], text[sizeof(out)];
	size_t used;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		int n = snprintf(block, sizeof(block),
		    "* OK %s\r\nd1 NO %s\r\n", cases[i].in, cases[i].in);

		/* The tagged line and an untagged OK. */
		imap_resp_begin(&r, "d1", 4096);
		assert_int_equal(
		    imap_resp_feed(
		        &r, (const unsigned char *)block, (size_t)n, &used),
		    IMAP_RESP_DONE);
		assert_string_equal(r.text, cases[i].out);
		assert_int_equal(r.n, 1);
		assert_int_equal(
		    imap_resp_ok_text(&r, 0, text, sizeof(text)), 1);
		assert_string_equal(text, cases[i].out);

		/* A refusal in libcurl's debug callback; the last one
		 * picked is kept. */
		n = snprintf(block, sizeof(block),
		    "NO first\r\nNO %s\r\nOK\r\n", cases[i].in);
		text_line_keep(block, (size_t)n, pick_no, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
	imap_resp_free(&r);
	/* A block with no line picked leaves out alone. */
	text_line_keep("OK\r\n", 4, pick_no, out, sizeof(out));
	assert_string_equal(out, cases[NCASES - 1].out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_dnscheck),
	    cmocka_unit_test(test_server_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
