/*
 * present: how every report format shows the small things, in one place,
 * so that text, Markdown, HTML and CSV cannot drift apart: percentages
 * (by the rule of common/percent.h), dates and times, strangers' strings
 * made printable, the width of text output and its colours.
 *
 * Every function writes into a buffer the caller owns and returns it (or
 * a static string), so that a call can stand as a printf argument.
 * Nothing here allocates or keeps a pointer.
 */
#ifndef DMARCSIFT_PRESENT_H
#define DMARCSIFT_PRESENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "model.h"

/* ------------------------------------------------------------------------
 * Text output: widths and colours. */

/* Columns a line of text output aims at (counted in code points). */
#define PRESENT_WIDTH 100
/* Bytes kept of one stranger's string for a table cell or a line (names
 * are at most 255 in DNS); longer text is cut (text_printable()). */
#define PRESENT_SAFE_MAX 1024
/* Columns of the day-by-day bar, and of a reporter's row of days. */
#define PRESENT_DAY_BAR 40
#define PRESENT_REPORTER_BAR 35

/* A reporter's days ("1101111": '1' a day with a report) as at most
 * PRESENT_REPORTER_BAR columns, one a day or a few days a column for a long
 * period: '#' a report every day of the column, '+' on some, '.' on none;
 * "" for no days.  Into buf (PRESENT_COVERAGE_LEN bytes), returned. */
#define PRESENT_COVERAGE_LEN (PRESENT_REPORTER_BAR + 1)
const char *present_coverage(const char *days, char *buf, size_t size);

/* ANSI sequences, written only when colour was asked for (a terminal). */
#define PRESENT_BOLD "\033[1m"
#define PRESENT_DIM "\033[2m"
#define PRESENT_GREEN "\033[32m"
#define PRESENT_YELLOW "\033[33m"
#define PRESENT_RED "\033[31m"
#define PRESENT_BOLD_RED "\033[1;31m"
#define PRESENT_BOLD_MAGENTA "\033[1;35m"
#define PRESENT_RESET "\033[0m"

/* seq when color, else "": for printf arguments. */
static inline const char *
present_ansi(int color, const char *seq)
{
	return color ? seq : "";
}

/* The colour of a DNS finding's status: pass green, warn yellow, fail
 * bold red, dnserror bold magenta. */
const char *present_status_ansi(enum dnscheck_status s);
/* The colour of a readiness reason's mark (met as in struct
 * readiness_reason): met green, blocking the step bold red, a warning
 * that never blocks yellow. */
const char *present_met_ansi(int met);

/* ------------------------------------------------------------------------
 * HTML: the palette and the font of the mailed report (digest_html.c), its
 * charts (svg.c) and serve's pages (web_page.c), so that passed mail is
 * the same green everywhere. */

#define PRESENT_HTML_FONT                                                      \
	"-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
#define PRESENT_HTML_INK "#111827" /* text */
#define PRESENT_HTML_MUTED "#6b7280" /* notes, axes */
#define PRESENT_HTML_LINE "#e5e7eb" /* rules, grids */
#define PRESENT_HTML_PASS "#16a34a"
#define PRESENT_HTML_FAIL "#dc2626"
#define PRESENT_HTML_WARN "#d97706"

/* ------------------------------------------------------------------------
 * Strangers' strings. */

/* s made printable into buf (text_printable(): control characters,
 * invalid UTF-8 and bidirectional overrides become '?'); "-" for NULL or
 * empty. */
const char *present_safe(const char *s, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Percentages: always through percent.h, with a '%' sign. */

/* Room for any of them: "100.0%" and the NUL, or the caller's none. */
#define PRESENT_PERCENT_LEN 16

/* A pass rate, "99.9%" (rounded down); none (e.g. "-", "n/a") without
 * mail. */
const char *present_rate(
    uint64_t part, uint64_t whole, const char *none, char *buf, size_t size);
/* A share of failing mail, "0.1%" (rounded up); none without mail. */
const char *present_failed_rate(
    uint64_t part, uint64_t whole, const char *none, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Dates and times for every report format: clock_text(), with what to
 * write for a time not known.  All UTC. */

/* Room for any form and for a 64-bit number. */
#define PRESENT_TIME_LEN 32

/*
 * t (Unix seconds) in form into buf.  A time that is not known (t <= 0,
 * as the model writes an unknown time) or that cannot be shown (after
 * 9999-12-31) writes unknown instead, or t as a number when unknown is
 * NULL (for times read from a report, to show what it said).
 */
const char *present_time(int64_t t, enum clock_form form, const char *unknown,
    char *buf, size_t size);

/* ------------------------------------------------------------------------
 * The end of a document. */

/* Flushes fp: 0, or -1 when writing failed (now or before), errno set
 * (EIO when the stream did not say why). */
int present_end(FILE *fp);

#endif
