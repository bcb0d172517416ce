/*
 * clock: what time it is, for everything that says "today" or "now".
 *
 * DMARCSIFT_NOW fixes the clock for tests and golden files: Unix seconds
 * ("1781049600") or a UTC date or instant ("2026-06-10",
 * "2026-06-10T08:30:00Z").  Anything else is ignored with a warning once,
 * and the real clock is used.
 */
#ifndef DMARCSIFT_CLOCK_H
#define DMARCSIFT_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Seconds in a UTC day: DMARC days are UTC, without leap seconds. */
#define CLOCK_DAY 86400

/* Unix seconds now (or DMARCSIFT_NOW). */
int64_t clock_now(void);

/* The UTC midnight that starts the day of t. */
int64_t clock_day_start(int64_t t);

/*
 * The end of the last complete UTC day: today's midnight.  Receivers
 * report a day after it ends, so periods that end here are whole.
 */
int64_t clock_last_complete_day_end(void);

/* How a UTC time is written (clock_text()). */
enum clock_form {
	CLOCK_FORM_DAY, /* 2026-11-16 */
	/* Weekdays in English: the program never calls setlocale(). */
	CLOCK_FORM_WEEKDAY_DAY, /* Mon 2026-11-16 */
	CLOCK_FORM_MONTH_DAY, /* 11-16 (a chart's axis, the year said above) */
	CLOCK_FORM_MINUTE, /* 2026-11-16 06:00 */
	CLOCK_FORM_MINUTE_UTC, /* 2026-11-16 06:00 UTC */
	CLOCK_FORM_SECOND, /* 2026-11-16 06:00:00 */
	CLOCK_FORM_ISO, /* 2026-11-16T06:00:00Z (as JSON and CSV write them) */
};

/* The last second a four-digit year shows: 9999-12-31T23:59:59Z. */
#define CLOCK_LAST_SHOWN INT64_C(253402300799)

/*
 * The one writer of dates and times: t (Unix seconds, 0 to
 * CLOCK_LAST_SHOWN) in form into buf (size bytes, CLOCK_TEXT_LEN is
 * enough for any form).  0, or -1 (buf "") when t is out of that range or
 * buf too small.
 */
int clock_text(int64_t t, enum clock_form form, char *buf, size_t size);

#define CLOCK_TEXT_LEN 24

/* The UTC day of t as YYYY-MM-DD into buf (11 bytes or more; Unix
 * seconds when t is out of range). */
void clock_day_text(int64_t t, char *buf, size_t size);

/* YYYY-MM-DD[THH:MM:SS[Z]] (UTC) or Unix seconds into *out; 0, or -1. */
int clock_parse(const char *s, int64_t *out);

#endif
