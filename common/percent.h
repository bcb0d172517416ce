/*
 * percent: how every report shows a share of mail as a percentage, so that
 * text, Markdown, HTML, JSON, CSV, `summary`, `sources` and `advise` give
 * the same digits for the same counts.
 *
 * The rule: one decimal, computed exactly from the counts (no floating
 * point, any 64-bit counts), and rounded so that no number reads better
 * than the mail was:
 *
 *   - a pass rate (mail that passed, of all mail) is rounded down, so that
 *     100.0 means every message passed: 9,996 of 10,000 is 99.9, never
 *     100.0, and a rate never reaches a threshold it missed;
 *   - a share of failure (mail that failed, of all mail) is rounded up, so
 *     that 0.0 means nothing failed: 4 of 10,000 is 0.1, never 0.0.
 *
 * For the same counts the two add up to exactly 100.0 (99.9 passed, 0.1
 * failed).  A change between two pass rates is the difference of the two
 * rates as shown, in points ("+0.4"), so it always agrees with them.  With
 * no mail (whole 0) there is no percentage: "-" in text, null in JSON, an
 * empty field in CSV.  A part above its whole counts as the whole.
 */
#ifndef DMARCSIFT_PERCENT_H
#define DMARCSIFT_PERCENT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any text these functions write: "-100.0" and the NUL. */
#define PERCENT_LEN 8

/*
 * part * scale / whole, rounded down (up: rounded up), exact for any
 * counts; part is taken as at most whole, and whole 0 gives 0.  With scale
 * 1000, tenths of a percent.
 */
uint64_t percent_ratio(uint64_t part, uint64_t whole, uint64_t scale, int up);

/*
 * A percentage already in tenths (permille, as percent_ratio() with scale
 * 1000 gives it) as "99.9": the one way every percentage is written.
 */
void percent_tenths_text(uint64_t tenths, char *buf, size_t size);

/*
 * A pass rate, part of whole rounded down to tenths of a percent, as
 * "99.9" (no '%' sign: a valid JSON number as it is).  Returns 0, or -1
 * when whole is 0, with buf "-".
 */
int percent_text(uint64_t part, uint64_t whole, char *buf, size_t size);

/* A share of failure, the same but rounded up: 1 of 10,000 is "0.1". */
int percent_failed_text(uint64_t part, uint64_t whole, char *buf, size_t size);

/*
 * The change from the pass rate prev_part / prev_whole to part / whole in
 * points, the difference of the two as percent_text() shows them: "+0.4",
 * "-12.5", "+0.0".  Returns the change in tenths of a point (negative when
 * the rate fell), or 0 with buf "-" when either whole is 0.
 */
int percent_points(uint64_t part, uint64_t whole, uint64_t prev_part,
    uint64_t prev_whole, char *buf, size_t size);

/*
 * How much now is above or below then, in whole percent: "+12", "-3",
 * "+0".  A change in volume is neither good nor bad news, so it is
 * rounded to the nearest (a half away from zero).  Returns 0, or -1 with
 * buf "-" when then is 0 or the change would show above +9999% (too long
 * a number to help: say "over 100 times" instead).
 */
int percent_change_text(uint64_t now, uint64_t then, char *buf, size_t size);

#endif
