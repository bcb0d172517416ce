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

/* The UTC day of t as YYYY-MM-DD into buf (11 bytes or more; Unix
 * seconds when t is out of range). */
void clock_day_text(int64_t t, char *buf, size_t size);

/* YYYY-MM-DD[THH:MM:SS[Z]] (UTC) or Unix seconds into *out; 0, or -1. */
int clock_parse(const char *s, int64_t *out);

#endif
