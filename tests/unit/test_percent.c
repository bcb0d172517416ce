/*
 * Unit tests for common/percent.c: the one rule for percentages, with
 * cases worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "percent.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct rate_case {
	uint64_t part, whole;
	const char *down; /* percent_text(): a pass rate */
	const char *up; /* percent_failed_text(): a share of failure */
};

static const struct rate_case rate_cases[] = {
    /* 99.96: not everything passed, so not 100.0; 0.04 failed: 0.1. */
    {9996, 10000, "99.9", "100.0"},
    {4, 10000, "0.0", "0.1"},
    {10000, 10000, "100.0", "100.0"},
    {0, 10000, "0.0", "0.0"},
    {9999, 10000, "99.9", "100.0"},
    {9990, 10000, "99.9", "99.9"},
    {1, 3, "33.3", "33.4"}, /* 33.33... */
    {2, 3, "66.6", "66.7"}, /* 66.66... */
    {1, 8, "12.5", "12.5"}, /* exact: no rounding either way */
    {7420, 8400, "88.3", "88.4"}, /* 88.333... */
    {980, 1400, "70.0", "70.0"},
    {9806, 10182, "96.3", "96.4"}, /* 96.3071... */
    /* 1 - 1/(2^64-1): 99.999...; doubles would say 100. */
    {UINT64_MAX - 1, UINT64_MAX, "99.9", "100.0"},
    {1, UINT64_MAX, "0.0", "0.1"},
    {UINT64_MAX, UINT64_MAX, "100.0", "100.0"},
    /* 2^63 of 2^64-1: 50.000...03. */
    {UINT64_C(1) << 63, UINT64_MAX, "50.0", "50.1"},
    /* A part above its whole counts as the whole. */
    {11, 10, "100.0", "100.0"},
};

static void
test_rates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rate_cases) / sizeof(rate_cases[0]);
	     i++) {
		const struct rate_case *c = &rate_cases[i];
		char down[PERCENT_LEN], up[PERCENT_LEN];

		assert_int_equal(
		    percent_text(c->part, c->whole, down, sizeof(down)), 0);
		assert_int_equal(
		    percent_failed_text(c->part, c->whole, up, sizeof(up)), 0);
		if (strcmp(down, c->down) != 0 || strcmp(up, c->up) != 0)
			fail_msg("%" PRIu64 " of %" PRIu64
			         ": got %s and %s, want %s and %s",
			    c->part, c->whole, down, up, c->down, c->up);
	}
}

/* No mail: no percentage, whatever the part. */
static void
test_no_mail(void **state)
{
	char buf[PERCENT_LEN];

	(void)state;
	assert_int_equal(percent_text(0, 0, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "-");
	assert_int_equal(percent_failed_text(0, 0, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "-");
	assert_int_equal(percent_text(5, 0, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "-");
	assert_int_equal(percent_ratio(5, 0, 1000, 1), 0);
}

/* What passed, rounded down, and what failed, rounded up, make 100.0. */
static void
test_pass_and_fail_add_up(void **state)
{
	static const uint64_t wholes[] = {1, 3, 7, 10000, 10182, UINT64_MAX};

	(void)state;
	for (size_t i = 0; i < sizeof(wholes) / sizeof(wholes[0]); i++) {
		uint64_t w = wholes[i];
		uint64_t parts[] = {0, 1, w / 3, w / 2, w - 1, w};

		for (size_t j = 0; j < sizeof(parts) / sizeof(parts[0]); j++)
			assert_int_equal(percent_ratio(parts[j], w, 1000, 0) +
			        percent_ratio(w - parts[j], w, 1000, 1),
			    1000);
	}
}

static void
test_ratio(void **state)
{
	(void)state;
	assert_int_equal(
	    percent_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 0), 999);
	assert_int_equal(
	    percent_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 1), 1000);
	/* Any scale: (2^64-2)(2^64-1)/(2^64-1) exactly. */
	assert_true(percent_ratio(UINT64_MAX - 1, UINT64_MAX, UINT64_MAX, 0) ==
	    UINT64_MAX - 1);
	assert_int_equal(percent_ratio(1, 3, 10000, 0), 3333);
	assert_int_equal(percent_ratio(1, 3, 10000, 1), 3334);
}

struct points_case {
	uint64_t part, whole, prev_part, prev_whole;
	const char *text;
	int tenths;
};

static const struct points_case points_cases[] = {
    /* 96.3 against 94.3 (94.31...): the rates as shown, +2.0. */
    {9806, 10182, 9101, 9650, "+2.0", 20},
    /* 99.9 against 99.5. */
    {9996, 10000, 9950, 10000, "+0.4", 4},
    /* 99.96 and 99.91 both show as 99.9: no change. */
    {9996, 10000, 9991, 10000, "+0.0", 0},
    {1, 2, 1, 1, "-50.0", -500},
    {0, 1, 1, 1, "-100.0", -1000},
    {1, 1, 0, 1, "+100.0", 1000},
    {1, 3, 2, 3, "-33.3", -333}, /* 33.3 against 66.6 */
    {5, 0, 1, 1, "-", 0},
    {1, 1, 5, 0, "-", 0},
};

static void
test_points(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(points_cases) / sizeof(points_cases[0]);
	     i++) {
		const struct points_case *c = &points_cases[i];
		char buf[PERCENT_LEN];

		assert_int_equal(percent_points(c->part, c->whole, c->prev_part,
		                     c->prev_whole, buf, sizeof(buf)),
		    c->tenths);
		assert_string_equal(buf, c->text);
	}
}

struct change_case {
	uint64_t now, then;
	const char *text;
	int rc;
};

static const struct change_case change_cases[] = {
    {11, 10, "+10", 0},
    {9, 10, "-10", 0},
    {10, 10, "+0", 0},
    {23751, 22930, "+4", 0}, /* +3.58...: to the nearest */
    {10182, 9650, "+6", 0}, /* +5.51... */
    {9650, 10182, "-5", 0}, /* -5.22... */
    {203, 200, "+2", 0}, /* +1.5: a half away from zero */
    {197, 200, "-2", 0}, /* -1.5 */
    {999, 1000, "+0", 0}, /* -0.1: no "-0" */
    {0, 10, "-100", 0},
    {1009, 10, "+9990", 0},
    {20198, 200, "+9999", 0},
    {20199, 200, "-", -1}, /* +9999.5 would show as +10000 */
    {1010, 10, "-", -1}, /* 101 times: +10000% */
    {UINT64_MAX, 1, "-", -1},
    /* 2^64-1 against 2^63-1: up by 2^63, +100.000...01%. */
    {UINT64_MAX, (UINT64_C(1) << 63) - 1, "+100", 0},
    {5, 0, "-", -1},
};

static void
test_change(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]);
	     i++) {
		const struct change_case *c = &change_cases[i];
		char buf[PERCENT_LEN];

		assert_int_equal(
		    percent_change_text(c->now, c->then, buf, sizeof(buf)),
		    c->rc);
		assert_string_equal(buf, c->text);
	}
}

/* The cases readiness relied on when it wrapped percent_ratio(). */
static void
test_ratio_cases(void **state)
{
	assert_int_equal(percent_ratio(1, 3, 1000, 0), 333);
	assert_int_equal(percent_ratio(1, 3, 1000, 1), 334);
	assert_int_equal(percent_ratio(3, 3, 1000, 1), 1000);
	assert_int_equal(percent_ratio(0, 0, 1000, 0), 0);
	assert_int_equal(percent_ratio(5, 0, 1000, 1), 0);
	assert_int_equal(percent_ratio(5, 3, 1000, 0), 1000); /* capped */
	assert_int_equal(percent_ratio(UINT64_MAX, UINT64_MAX, 1000, 0), 1000);
	assert_int_equal(
	    percent_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 0), 999);
	assert_int_equal(
	    percent_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 1), 1000);
	assert_int_equal(
	    percent_ratio(UINT64_MAX / 2, UINT64_MAX, 10000, 0), 4999);
	assert_int_equal(percent_ratio(1, UINT64_MAX, 10000, 1), 1);
	assert_int_equal(percent_ratio(123456789, 1000000000, 10000, 0), 1234);
	/* 100 of 10000 is exactly 10 per mille either way; 101 is 10.1. */
	assert_int_equal(percent_ratio(100, 10000, 1000, 1), 10);
	assert_int_equal(percent_ratio(101, 10000, 1000, 0), 10);
	assert_int_equal(percent_ratio(101, 10000, 1000, 1), 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ratio_cases),
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_no_mail),
	    cmocka_unit_test(test_pass_and_fail_add_up),
	    cmocka_unit_test(test_ratio),
	    cmocka_unit_test(test_points),
	    cmocka_unit_test(test_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
