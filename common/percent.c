/* percent: one rule for every percentage shown; see percent.h. */
#include "percent.h"

#include <inttypes.h>
#include <stdio.h>

/* a * b as 128 bits, in 32-bit halves. */
static void
mul_wide(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	*lo = (mid << 32) | (ll & 0xffffffffu);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* (hi:lo) / d by shifting and subtracting; hi < d, so the quotient fits in
 * 64 bits.  *rem: the remainder. */
static uint64_t
div_wide(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = hi;

	for (int i = 63; i >= 0; i--) {
		uint64_t top = r >> 63;

		r = (r << 1) | ((lo >> i) & 1);
		q <<= 1;
		if (top || r >= d) {
			r -= d;
			q |= 1;
		}
	}
	*rem = r;
	return q;
}

uint64_t
percent_ratio(uint64_t part, uint64_t whole, uint64_t scale, int up)
{
	uint64_t hi, lo, q, rem;

	if (whole == 0)
		return 0;
	if (part > whole)
		part = whole;
	/* part <= whole, so part * scale / whole <= scale: hi < whole. */
	mul_wide(part, scale, &hi, &lo);
	q = div_wide(hi, lo, whole, &rem);
	return up && rem != 0 ? q + 1 : q;
}

void
percent_tenths_text(uint64_t tenths, char *buf, size_t size)
{
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
}

static int
tenths_text(uint64_t part, uint64_t whole, int up, char *buf, size_t size)
{
	if (whole == 0) {
		snprintf(buf, size, "-");
		return -1;
	}
	percent_tenths_text(percent_ratio(part, whole, 1000, up), buf, size);
	return 0;
}

int
percent_text(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	return tenths_text(part, whole, 0, buf, size);
}

int
percent_failed_text(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	return tenths_text(part, whole, 1, buf, size);
}

int
percent_points(uint64_t part, uint64_t whole, uint64_t prev_part,
    uint64_t prev_whole, char *buf, size_t size)
{
	int now, then, d;

	if (whole == 0 || prev_whole == 0) {
		snprintf(buf, size, "-");
		return 0;
	}
	/* Both are 0..1000, so the difference fits an int. */
	now = (int)percent_ratio(part, whole, 1000, 0);
	then = (int)percent_ratio(prev_part, prev_whole, 1000, 0);
	d = now - then;
	snprintf(buf, size, "%c%d.%d", d < 0 ? '-' : '+', (d < 0 ? -d : d) / 10,
	    (d < 0 ? -d : d) % 10);
	return d;
}

int
percent_change_text(uint64_t now, uint64_t then, char *buf, size_t size)
{
	uint64_t diff, hi, lo, rem, pct;

	if (then == 0 || (now > then && (now - then) / then >= 100)) {
		snprintf(buf, size, "-");
		return -1;
	}
	/* diff < 100 * then: twice the percentage, rounded down, is below
	 * 20000, and hi < then.  Adding one before halving rounds a half
	 * away from zero. */
	diff = now >= then ? now - then : then - now;
	mul_wide(diff, 200, &hi, &lo);
	pct = (div_wide(hi, lo, then, &rem) + 1) / 2;
	if (now > then && pct > 9999) {
		snprintf(buf, size, "-");
		return -1;
	}
	snprintf(
	    buf, size, "%c%" PRIu64, now < then && pct > 0 ? '-' : '+', pct);
	return 0;
}
