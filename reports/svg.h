/*
 * svg: small charts as inline SVG, for the HTML reports.
 *
 * Each chart is one <svg> element written to fp, valid standalone (xmlns,
 * viewBox, role="img" and a <title> for screen readers) and well-formed
 * XML, with no script and no external reference.  Values are uint64_t as
 * the reports count them; scaling is done in double and every coordinate
 * written is finite and inside the chart, whatever the values (zero, or
 * near UINT64_MAX, where pass + fail would overflow an integer).
 *
 * Every string handed in (titles, labels) is escaped: it may come from a
 * stranger.  The escaping is exported as svg_escape() so the HTML around
 * the charts follows the same rules.
 *
 * The functions return 0, or -1 when writing to fp has failed (ferror).
 */
#ifndef DMARCSIFT_SVG_H
#define DMARCSIFT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Width of every chart in user units (and CSS pixels at scale 1): fits a
 * 680-pixel mail body with its padding. */
#define SVG_WIDTH 640

/* The rate line's colour; the others are present.h's palette. */
#define SVG_LINE "#2563eb"

/*
 * Writes s as XML character data or attribute value (HTML alike): & < > "
 * ' become references; control characters (C0, DEL, C1), bidirectional
 * overrides and the non-characters U+FFFE/U+FFFF are dropped, tab, CR and
 * LF become a space; invalid UTF-8 becomes '?'.  With max_chars > 0, text
 * longer than that many characters is cut there and ends with an ellipsis.
 * NULL writes nothing.
 */
void svg_escape(FILE *fp, const char *s, size_t max_chars);

/* One day (or other slot) of a stacked bar chart. */
struct svg_bar {
	const char *label; /* under the axis; "" for none */
	uint64_t pass, fail;
};

/*
 * Stacked bars, pass at the bottom and fail on top, with a y axis of
 * round numbers and a legend.  Labels are thinned out so they do not
 * overlap.  n may be 0 (an empty frame saying so).
 */
int svg_stacked_bars(
    FILE *fp, const char *title, const struct svg_bar *v, size_t n);

/* One point of a rate line: num / den, no point when den is 0. */
struct svg_rate {
	const char *label;
	uint64_t num, den;
};

/*
 * A line of percentages (num / den, capped at 100) over the slots, broken
 * where there is no data, with a dashed guide at threshold percent (none
 * when threshold is outside 1..100).  The y axis starts below the lowest
 * value and the guide, in steps of 10, so that 97% and 99% look apart.
 */
int svg_rate_line(FILE *fp, const char *title, const struct svg_rate *v,
    size_t n, int threshold);

/*
 * A sparkline of the same: a small line (SVG_SPARK_W by SVG_SPARK_H),
 * no axis, no text but its <title> (and each point's when n is small),
 * for a table cell; broken where there is no data, a dot at the last
 * point, an empty frame without data.  It carries class="spark" and no
 * style attribute: its size comes from the page's style sheet or from
 * its width and height.
 */
#define SVG_SPARK_W 120
#define SVG_SPARK_H 28
int svg_sparkline(
    FILE *fp, const char *title, const struct svg_rate *v, size_t n);

/* One bar of a horizontal bar chart. */
struct svg_hbar {
	const char *label; /* left of the bar, cut to fit */
	uint64_t value;
	const char *color; /* a fill such as PRESENT_HTML_FAIL; escaped */
};

/* Horizontal bars, longest scaled to the full width, value at the end of
 * each.  n may be 0. */
int svg_hbars(FILE *fp, const char *title, const struct svg_hbar *v, size_t n);

/*
 * A count in at most 6 characters for an axis: "950", "12k", "1.5M",
 * "18E".  buf holds at least 16 bytes.
 */
void svg_compact(char *buf, size_t bufsz, double v);

#endif
