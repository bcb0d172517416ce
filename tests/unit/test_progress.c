/*
 * Unit tests for common/progress.c: the progress line is written over
 * the last one when a terminal watches, and not at all otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What f() wrote to stderr. */
static char *
caught(void (*f)(int on), int on)
{
	char path[] = "/tmp/test_progress.XXXXXX";
	static char buf[256];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	FILE *fp;
	size_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	f(on);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	fp = fdopen(fd, "r");
	assert_non_null(fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	unlink(path);
	return buf;
}

static void
two_lines(int on)
{
	progress_show(on, "judging records: %d/%d", 1, 2);
	progress_show(on, "[%u] %.5s", 3u, "abcdefgh");
	progress_end(on);
}

static void
test_on(void **state)
{
	(void)state;
	assert_string_equal(caught(two_lines, 1),
	    "\r\033[Kjudging records: 1/2\r\033[K[3] abcde\r\033[K");
}

/* A file name from a stranger: OSC 8, a screen erase, a bidi override, CR
 * LF: none reaches the terminal as it stands (issue 17 item 5). */
static void
hostile_name(int on)
{
	progress_show(on, "[1] %s",
	    "\033]8;;http://x\033\\a\033[2J\xe2\x80\xae"
	    "b\r\nc");
}

static void
test_hostile(void **state)
{
	const char *got;

	(void)state;
	got = caught(hostile_name, 1);
	assert_memory_equal(got, "\r\033[K", 4);
	assert_null(strchr(got + 4, '\033'));
	assert_null(strchr(got, '\n'));
	assert_null(strchr(got + 1, '\r'));
	assert_null(strstr(got, "\xe2\x80\xae"));
	assert_non_null(strstr(got, "a"));
}

static void
test_off(void **state)
{
	(void)state;
	assert_string_equal(caught(two_lines, 0), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_on),
	    cmocka_unit_test(test_off),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
