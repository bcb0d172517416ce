/*
 * Unit tests for common/dynbuf.c: the ceiling holds and a refused append
 * changes nothing, growth keeps the bytes, printf, take, tail, read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dynbuf.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_ceiling(void **state)
{
	struct dynbuf b;

	dynbuf_init(&b, 8);
	assert_string_equal(dynbuf_str(&b), "");
	assert_int_equal(dynbuf_addstr(&b, "abcde"), 0);
	/* Past the ceiling: refused whole, nothing of it kept. */
	assert_int_equal(dynbuf_addstr(&b, "fghi"), ERR_LIMIT);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.p, "abcde");
	assert_int_equal(dynbuf_printf(&b, "%d", 1234), ERR_LIMIT);
	assert_string_equal(b.p, "abcde");
	/* Up to the ceiling exactly is fine. */
	assert_int_equal(dynbuf_addstr(&b, "fgh"), 0);
	assert_string_equal(b.p, "abcdefgh");
	assert_int_equal(dynbuf_add(&b, "", 0), 0);
	assert_int_equal(dynbuf_add(&b, "x", 1), ERR_LIMIT);
	assert_true(b.cap <= 9);
	dynbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(dynbuf_str(&b), "");
	assert_int_equal(dynbuf_addstr(&b, "12345678"), 0);
	dynbuf_reset_max(&b, 2);
	assert_int_equal(dynbuf_addstr(&b, "123"), ERR_LIMIT);
	assert_int_equal(dynbuf_addstr(&b, "12"), 0);
	dynbuf_free(&b);
	dynbuf_free(&b);

	/* A ceiling of nothing takes nothing. */
	dynbuf_init(&b, 0);
	assert_int_equal(dynbuf_add(&b, "a", 1), ERR_LIMIT);
	assert_int_equal(dynbuf_add(&b, "", 0), 0);
	assert_string_equal(dynbuf_str(&b), "");
	dynbuf_free(&b);
}

static void
test_growth(void **state)
{
	struct dynbuf b;
	char want[10000];
	size_t i;

	dynbuf_init(&b, sizeof(want));
	for (i = 0; i < sizeof(want); i++) {
		want[i] = (char)('a' + i % 26);
		assert_int_equal(dynbuf_add(&b, &want[i], 1), 0);
		assert_int_equal(b.p[b.len], '\0');
	}
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.p, want, sizeof(want));
	/* Never more than the ceiling and its NUL. */
	assert_true(b.cap <= sizeof(want) + 1);
	assert_int_equal(dynbuf_add(&b, "x", 1), ERR_LIMIT);
	dynbuf_truncate(&b, 3);
	assert_string_equal(b.p, "abc");
	dynbuf_free(&b);

	/* NUL bytes are bytes like any other. */
	dynbuf_init(&b, 100);
	assert_int_equal(dynbuf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "a\0b", 4);
	dynbuf_free(&b);

	/* A secret buffer grows the same way. */
	dynbuf_init_secret(&b, 1 << 20);
	for (i = 0; i < 1000; i++)
		assert_int_equal(dynbuf_addstr(&b, "secret "), 0);
	assert_int_equal(b.len, 7000);
	assert_memory_equal(b.p + 6993, "secret ", 7);
	dynbuf_free(&b);
}

static void
test_printf(void **state)
{
	struct dynbuf b;
	char big[300];

	dynbuf_init(&b, 1000);
	assert_int_equal(dynbuf_printf(&b, "%s=%d", "n", 42), 0);
	assert_int_equal(dynbuf_printf(&b, ", %05.1f", 2.5), 0);
	assert_string_equal(b.p, "n=42, 002.5");
	assert_int_equal(b.len, strlen("n=42, 002.5"));
	/* Longer than the room held: grows and formats again. */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dynbuf_printf(&b, "[%s]", big), 0);
	assert_int_equal(b.len, 11 + 301);
	assert_int_equal(b.p[11], '[');
	assert_int_equal(b.p[b.len - 1], ']');
	/* Past the ceiling: b as it was, still terminated where it was. */
	assert_int_equal(dynbuf_printf(&b, "%s%s%s", big, big, big), ERR_LIMIT);
	assert_int_equal(b.len, 312);
	assert_int_equal(b.p[312], '\0');
	assert_int_equal(strlen(b.p), 312);
	dynbuf_free(&b);
}

static void
test_take(void **state)
{
	struct dynbuf b;
	size_t len;
	char *s;

	dynbuf_init(&b, 64);
	/* Nothing added: an empty string, still the caller's. */
	s = dynbuf_take(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	assert_int_equal(dynbuf_addstr(&b, "hello"), 0);
	s = dynbuf_take(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	/* b is empty again, with its ceiling. */
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 64);
	assert_int_equal(dynbuf_addstr(&b, "again"), 0);
	assert_string_equal(b.p, "again");
	free(s);
	dynbuf_free(&b);
}

static void
test_tail_and_room(void **state)
{
	struct dynbuf b;
	size_t room;
	char *p;

	dynbuf_init(&b, 10);
	assert_int_equal(dynbuf_addstr(&b, "0123456789"), 0);
	dynbuf_keep_tail(&b, 4);
	assert_string_equal(b.p, "6789");
	dynbuf_keep_tail(&b, 40);
	assert_string_equal(b.p, "6789");
	p = dynbuf_room(&b, 100, &room);
	assert_int_equal(room, 6);
	memcpy(p, "abc", 3);
	dynbuf_commit(&b, 3);
	assert_string_equal(b.p, "6789abc");
	p = dynbuf_room(&b, 2, &room);
	assert_int_equal(room, 2);
	dynbuf_commit(&b, 0);
	assert_string_equal(b.p, "6789abc");
	dynbuf_room(&b, 100, &room);
	dynbuf_commit(&b, 0);
	assert_int_equal(room, 3);
	assert_int_equal(dynbuf_addstr(&b, "def"), 0);
	dynbuf_room(&b, 100, &room);
	assert_int_equal(room, 0);
	dynbuf_free(&b);
}

static void
test_read(void **state)
{
	struct dynbuf b;
	char data[50000];
	int fds[2];
	size_t got, i;
	int rc;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	/* All of it, within the ceiling, then end of file. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, 40000), 40000);
	close(fds[1]);
	dynbuf_init(&b, 40000);
	do
		assert_int_equal(dynbuf_read(&b, fds[0], &got), 0);
	while (got > 0);
	close(fds[0]);
	assert_int_equal(b.len, 40000);
	assert_memory_equal(b.p, data, 40000);
	dynbuf_free(&b);

	/* One byte more than the ceiling: ERR_LIMIT, the rest kept. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, 40001), 40001);
	close(fds[1]);
	dynbuf_init(&b, 40000);
	while ((rc = dynbuf_read(&b, fds[0], &got)) == 0 && got > 0)
		;
	close(fds[0]);
	assert_int_equal(rc, ERR_LIMIT);
	assert_int_equal(b.len, 40000);
	assert_memory_equal(b.p, data, 40000);
	dynbuf_free(&b);

	/* A read that fails says so. */
	dynbuf_init(&b, 10);
	assert_int_equal(dynbuf_read(&b, -1, &got), ERR_IO);
	assert_int_equal(b.len, 0);
	dynbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ceiling),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_printf),
	    cmocka_unit_test(test_take),
	    cmocka_unit_test(test_tail_and_room),
	    cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
