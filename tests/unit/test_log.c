/* Unit tests for common/log.c: whatever a message quotes from outside
 * (a domain, a file name, a server's text), the line on stderr is one
 * printable line: no escape sequence, no CR or LF inside, no bidi override
 * or line separator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs one log_warn with arg quoted, and returns what reached stderr
 * (the caller's, free()). */
static char *
logged(const char *arg)
{
	char path[] = "/tmp/dmarcsift-test-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *buf = calloc(1, 16384);
	FILE *fp;

	assert_true(fd >= 0 && saved >= 0 && buf != NULL);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	log_warn("DNS health of %s: timeout", arg);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	fp = fdopen(fd, "r");
	assert_non_null(fp);
	rewind(fp);
	fread(buf, 1, 16383, fp);
	fclose(fp);
	unlink(path);
	return buf;
}

/* One line ending in '\n', and no byte or sequence that moves the
 * cursor, rewrites the screen or the line order. */
static void
assert_one_clean_line(const char *s)
{
	size_t n = strlen(s);

	assert_true(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			fail_msg("control byte 0x%02x at %zu in '%s'", c, i, s);
		if (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
			fail_msg("C1 control at %zu", i);
		if (c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		        (unsigned char)s[i + 2] == 0xa9 ||
		        (unsigned char)s[i + 2] == 0xae))
			fail_msg("separator or override at %zu", i);
	}
}

static void
test_hostile_args(void **state)
{
	static const char *const args[] = {
	    "evil\x1b[2J.example",
	    "\x1b]8;;http://x.example/\x1b\\click\x1b]8;;\x1b\\",
	    "a\r\nb.example",
	    "abc\xe2\x80\xae"
	    "moc.example",
	    "line\xe2\x80\xa8two",
	    "csi\xc2\x9b"
	    "31m",
	    "bell\x07tab\tdel\x7f",
	    "bad\xff\xfeutf8",
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		out = logged(args[i]);
		assert_one_clean_line(out);
		assert_non_null(
		    strstr(out, "dmarcsift: warning: DNS health of "));
		assert_non_null(strstr(out, ": timeout\n"));
		free(out);
	}
	/* Printable text, non-ASCII included, passes unchanged. */
	out = logged("b\xc3\xbc"
	             "cher.example");
	assert_string_equal(out,
	    "dmarcsift: warning: DNS health of "
	    "b\xc3\xbc"
	    "cher.example: timeout\n");
	free(out);
}

static void
test_long_line(void **state)
{
	char *arg = malloc(20000), *out;

	(void)state;
	memset(arg, 'a', 19999);
	arg[19999] = '\0';
	out = logged(arg);
	assert_one_clean_line(out);
	assert_true(strlen(out) < 4200);
	assert_non_null(strstr(out, "...\n"));
	free(out);
	free(arg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_args),
	    cmocka_unit_test(test_long_line),
	};

	log_set_verbosity(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
