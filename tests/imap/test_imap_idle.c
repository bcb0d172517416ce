/*
 * Unit tests for what ingest/imap_resp.c reads of IDLE (RFC 2177): the
 * continuation request ends a feed only when asked for, once; the news
 * before and after it stay in the answer; IDLE among the capabilities.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "imap_resp.h"

#include <string.h>

static int
feed_str(struct imap_resp *r, const char *s, size_t *used)
{
	return imap_resp_feed(r, (const unsigned char *)s, strlen(s), used);
}

static void
test_idle_answer(void **state)
{
	static const char before[] = "* 3 EXISTS\r\n+ idling\r\n* 4 EXISTS\r\n";
	static const char after[] = "* 1 RECENT\r\nd7 OK Idle completed.\r\n";
	struct imap_resp r;
	uint32_t exists = 2;
	size_t used;

	(void)state;
	memset(&r, 0, sizeof(r));
	imap_resp_begin(&r, "d7", 4096);
	r.cont = 1;
	/* The feed stops after the "+" line; the rest is the caller's. */
	assert_int_equal(feed_str(&r, before, &used), IMAP_RESP_CONT);
	assert_int_equal(used, strlen("* 3 EXISTS\r\n+ idling\r\n"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.cont, 0);
	assert_int_equal(feed_str(&r, before + used, &used), IMAP_RESP_MORE);
	assert_int_equal(feed_str(&r, after, &used), IMAP_RESP_DONE);
	assert_string_equal(r.status, "OK");
	/* Both EXISTS, and not the "+" line, are in the answer. */
	assert_int_equal(r.n, 3);
	assert_int_equal(imap_resp_changes(&r, &exists), 2);
	assert_int_equal(exists, 4);
	imap_resp_free(&r);
}

static void
test_plus_refused(void **state)
{
	struct imap_resp r;
	size_t used;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* Not asked for: a "+" line is out of step, as before. */
	imap_resp_begin(&r, "d1", 4096);
	assert_int_equal(feed_str(&r, "+ idling\r\n", &used), IMAP_RESP_E_LINE);
	/* Asked for once: a second is out of step. */
	imap_resp_begin(&r, "d2", 4096);
	r.cont = 1;
	assert_int_equal(feed_str(&r, "+\r\n", &used), IMAP_RESP_CONT);
	assert_int_equal(feed_str(&r, "+ again\r\n", &used), IMAP_RESP_E_LINE);
	/* A refusal is the tagged line, without a "+". */
	imap_resp_begin(&r, "d3", 4096);
	r.cont = 1;
	assert_int_equal(
	    feed_str(&r, "d3 BAD no IDLE here\r\n", &used), IMAP_RESP_DONE);
	assert_string_equal(r.status, "BAD");
	/* "+word" is not a continuation request. */
	imap_resp_begin(&r, "d4", 4096);
	r.cont = 1;
	assert_int_equal(feed_str(&r, "+idling\r\n", &used), IMAP_RESP_E_LINE);
	imap_resp_free(&r);
}

static void
test_caps(void **state)
{
	struct imap_resp r;
	size_t used;

	(void)state;
	memset(&r, 0, sizeof(r));
	imap_resp_begin(&r, "d1", 4096);
	assert_int_equal(feed_str(&r,
	                     "* CAPABILITY IMAP4rev1 IDLE MOVE\r\n"
	                     "d1 OK done\r\n",
	                     &used),
	    IMAP_RESP_DONE);
	assert_int_equal(
	    imap_resp_caps(&r), IMAP_RESP_CAP_IDLE | IMAP_RESP_CAP_MOVE);
	imap_resp_begin(&r, "d2", 4096);
	assert_int_equal(feed_str(&r,
	                     "* CAPABILITY IMAP4rev1 IDLEX UIDPLUS\r\n"
	                     "d2 OK done\r\n",
	                     &used),
	    IMAP_RESP_DONE);
	assert_int_equal(imap_resp_caps(&r), IMAP_RESP_CAP_UIDPLUS);
	imap_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_answer),
	    cmocka_unit_test(test_plus_refused),
	    cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
