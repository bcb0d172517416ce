/*
 * Unit tests for common/month_code.c: the month codes of report ids
 * (sql/016), worked out by hand from the calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "month_code.h"

/* 2000-01-01T00:00:00Z, 2025-11-30T23:59:59Z, 2025-12-01T00:00:00Z */
#define Y2000 946684800
#define NOV_END 1764547199
#define DEC_START 1764547200

static void
test_of(void **state)
{
	(void)state;
	assert_int_equal(month_code_of(Y2000), 1);
	assert_int_equal(month_code_of(Y2000 - 1), 1); /* before 2000 */
	assert_int_equal(month_code_of(0), 1);
	assert_int_equal(month_code_of(-5), 1);
	/* 2025-11: 25 years and 10 months after 2000-01. */
	assert_int_equal(month_code_of(NOV_END), 25 * 12 + 10 + 1);
	assert_int_equal(month_code_of(DEC_START), 25 * 12 + 11 + 1);
	/* 9999-12-31: far, and still a code. */
	assert_int_equal(month_code_of(253402300799LL), 7999 * 12 + 11 + 1);
}

static void
test_for(void **state)
{
	(void)state;
	/* The clock in 2025-11 (311): 2025-12 is taken, 2026-01 is not;
	 * 36 months back (2022-11, 275) is taken, 37 (2022-10) is not. */
	assert_int_equal(month_code_for(DEC_START, NOV_END), 312);
	assert_int_equal(
	    month_code_for(DEC_START + 31 * 86400, NOV_END), MONTH_CODE_OTHER);
	assert_int_equal(month_code_for(1667260800, NOV_END), 275);
	assert_int_equal(month_code_for(1667260799, NOV_END), MONTH_CODE_OTHER);
	/* Not said: the clock's month. */
	assert_int_equal(month_code_for(0, NOV_END), 311);
}

static void
test_id(void **state)
{
	(void)state;
	assert_true(month_code_id(311, 7) == ((int64_t)311 << 40 | 7));
	assert_true(month_code_id(311, 7) >> MONTH_CODE_SHIFT == 311);
	assert_true(
	    month_code_id(1, ((int64_t)1 << 40) - 1) == ((int64_t)2 << 40) - 1);
	assert_true(month_code_id(1, (int64_t)1 << 40) == -1);
	assert_true(month_code_id(311, -1) == -1);
	assert_true(month_code_id(0, 1) == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_of),
	    cmocka_unit_test(test_for),
	    cmocka_unit_test(test_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
