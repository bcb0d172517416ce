/*
 * test_present: reports/present.c, the one writer of dates, percentages
 * and printable names for every report format.  The copies it replaced
 * disagreed on times that are not known (0, as the model writes one) and
 * on times past 9999: these cases pin the one answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "present.h"

static void
test_time_forms(void **state)
{
	static const struct {
		enum clock_form form;
		const char *want;
	} v[] = {
	    {CLOCK_FORM_DAY, "2026-11-16"},
	    {CLOCK_FORM_MINUTE, "2026-11-16 06:05"},
	    {CLOCK_FORM_MINUTE_UTC, "2026-11-16 06:05 UTC"},
	    {CLOCK_FORM_SECOND, "2026-11-16 06:05:09"},
	    {CLOCK_FORM_ISO, "2026-11-16T06:05:09Z"},
	};
	char buf[PRESENT_TIME_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(
		    present_time(1794809109, v[i].form, "?", buf, sizeof(buf)),
		    v[i].want);
}

/* 0 and below are "not known"; past 9999-12-31 cannot be shown: the
 * caller's word, or the number itself when it gave none. */
static void
test_time_unknown(void **state)
{
	char buf[PRESENT_TIME_LEN];

	(void)state;
	assert_string_equal(
	    present_time(0, CLOCK_FORM_DAY, "?", buf, sizeof(buf)), "?");
	assert_string_equal(
	    present_time(-86400, CLOCK_FORM_ISO, "", buf, sizeof(buf)), "");
	assert_string_equal(present_time(INT64_C(253402300799), CLOCK_FORM_ISO,
	                        "", buf, sizeof(buf)),
	    "9999-12-31T23:59:59Z");
	assert_string_equal(present_time(INT64_C(253402300800),
	                        CLOCK_FORM_MINUTE_UTC, "?", buf, sizeof(buf)),
	    "?");
	assert_string_equal(
	    present_time(0, CLOCK_FORM_SECOND, NULL, buf, sizeof(buf)), "0");
	assert_string_equal(
	    present_time(INT64_MAX, CLOCK_FORM_DAY, NULL, buf, sizeof(buf)),
	    "9223372036854775807");
	/* A buffer too small for the form is not a half-written date. */
	assert_string_equal(
	    present_time(1794809109, CLOCK_FORM_ISO, "?", buf, 8), "?");
}

/* The rule of percent.h with a sign: down for a pass rate, up for a
 * failing share, the caller's word without mail. */
static void
test_rates(void **state)
{
	char buf[PRESENT_PERCENT_LEN];

	(void)state;
	assert_string_equal(
	    present_rate(9996, 10000, "-", buf, sizeof(buf)), "99.9%");
	assert_string_equal(
	    present_rate(10000, 10000, "-", buf, sizeof(buf)), "100.0%");
	assert_string_equal(
	    present_failed_rate(4, 10000, "-", buf, sizeof(buf)), "0.1%");
	assert_string_equal(present_rate(0, 0, "n/a", buf, sizeof(buf)), "n/a");
	assert_string_equal(
	    present_failed_rate(0, 0, "-", buf, sizeof(buf)), "-");
}

static void
test_safe_and_colours(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(present_safe(NULL, buf, sizeof(buf)), "-");
	assert_string_equal(present_safe("", buf, sizeof(buf)), "-");
	assert_string_equal(
	    present_safe("a\033[31mb", buf, sizeof(buf)), "a?[31mb");
	assert_string_equal(present_ansi(0, PRESENT_RED), "");
	assert_string_equal(present_ansi(1, PRESENT_RED), "\033[31m");
	assert_string_equal(present_status_ansi(DNSCHECK_PASS), PRESENT_GREEN);
	assert_string_equal(
	    present_status_ansi(DNSCHECK_DNSERROR), PRESENT_BOLD_MAGENTA);
}

/* A readiness reason's mark: met, blocking, a warning. */
static void
test_met_colours(void **state)
{
	(void)state;
	assert_string_equal(present_met_ansi(1), PRESENT_GREEN);
	assert_string_equal(present_met_ansi(0), PRESENT_BOLD_RED);
	assert_string_equal(present_met_ansi(-1), PRESENT_YELLOW);
}

/* A reporter's days as columns: one a day up to PRESENT_REPORTER_BAR,
 * then a few days a column ('+' when only some had a report). */
static void
test_coverage(void **state)
{
	char buf[PRESENT_COVERAGE_LEN], days[71];

	(void)state;
	assert_string_equal(present_coverage("1101", buf, sizeof(buf)), "##.#");
	assert_string_equal(present_coverage("", buf, sizeof(buf)), "");
	assert_string_equal(present_coverage(NULL, buf, sizeof(buf)), "");
	/* 70 days, two a column: 35 columns. */
	memset(days, '0', 70);
	days[70] = '\0';
	days[0] = days[1] = '1';
	days[3] = '1';
	present_coverage(days, buf, sizeof(buf));
	assert_int_equal(strlen(buf), PRESENT_REPORTER_BAR);
	assert_int_equal(buf[0], '#');
	assert_int_equal(buf[1], '+');
	assert_int_equal(buf[2], '.');
}

/* The end of a document: 0 when all was written, else -1 with errno set,
 * for a full disk as for an error the stream kept from before. */
static void
test_end(void **state)
{
	FILE *fp = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(fp);
	fputs("x\n", fp);
	assert_int_equal(present_end(fp), 0);
	fclose(fp);
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	fputs("x\n", fp);
	errno = 0;
	assert_int_equal(present_end(fp), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(fp);
	fp = fopen("/dev/null", "r");
	assert_non_null(fp);
	fputs("x\n", fp); /* not open for writing: the stream's error */
	errno = 0;
	assert_int_equal(present_end(fp), -1);
	assert_int_not_equal(errno, 0);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_forms),
	    cmocka_unit_test(test_time_unknown),
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_safe_and_colours),
	    cmocka_unit_test(test_met_colours),
	    cmocka_unit_test(test_coverage),
	    cmocka_unit_test(test_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
