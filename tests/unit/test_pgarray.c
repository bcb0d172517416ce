/* Unit tests for common/pgarray.c: array literals for batch parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "pgarray.h"

#include <string.h>

static void
test_literal(void **state)
{
	struct pgarray a;
	const char *params[1];
	struct err err;

	(void)state;
	pgarray_init(&a);
	assert_string_equal(pgarray_end(&a), "{}");
	pgarray_free(&a);

	/* Any text is one element: quotes and backslashes escaped, NULL
	 * unquoted, "" an empty string. */
	pgarray_add(&a, "a");
	pgarray_add(&a, NULL);
	pgarray_add(&a, "say \"hi\"\\");
	pgarray_add(&a, "");
	pgarray_add(&a, "x,y}{");
	params[0] = pgarray_end(&a);
	assert_string_equal(
	    params[0], "{\"a\",NULL,\"say \\\"hi\\\"\\\\\",\"\",\"x,y}{\"}");
	assert_int_equal(pgarray_check(params, 1, &err), 0);
	pgarray_free(&a);
	pgarray_free(&a); /* twice is harmless */
}

/* A zeroed struct works as an initialised one. */
static void
test_zeroed(void **state)
{
	struct pgarray a;

	(void)state;
	memset(&a, 0, sizeof(a));
	pgarray_add(&a, "1.2.3.4");
	assert_string_equal(pgarray_end(&a), "{\"1.2.3.4\"}");
	pgarray_free(&a);
}

/* A literal that crossed the ceiling is NULL (the ceiling itself is
 * dynbuf's, tested there: 1 GB is too much to fill here), and
 * pgarray_check() says so. */
static void
test_check(void **state)
{
	const char *params[2] = {"{}", NULL};
	struct err err;

	(void)state;
	assert_int_equal(pgarray_check(params, 1, &err), 0);
	assert_int_equal(pgarray_check(params, 2, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "longer than PostgreSQL takes"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal),
	    cmocka_unit_test(test_zeroed),
	    cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
