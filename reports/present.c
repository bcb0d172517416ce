/*
 * present: percentages, dates, printable text and colours for every
 * report format; see present.h.
 */
#include "present.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "percent.h"
#include "text.h"

const char *
present_status_ansi(enum dnscheck_status s)
{
	switch (s) {
	case DNSCHECK_PASS:
		return PRESENT_GREEN;
	case DNSCHECK_WARN:
		return PRESENT_YELLOW;
	case DNSCHECK_FAIL:
		return PRESENT_BOLD_RED;
	case DNSCHECK_DNSERROR:
		break;
	}
	return PRESENT_BOLD_MAGENTA;
}

const char *
present_met_ansi(int met)
{
	return met > 0 ? PRESENT_GREEN
	    : met == 0 ? PRESENT_BOLD_RED
	               : PRESENT_YELLOW;
}

const char *
present_safe(const char *s, char *buf, size_t size)
{
	if (s == NULL || s[0] == '\0')
		return "-";
	text_printable(s, buf, size);
	return buf;
}

/* The digits of rule (percent_text() or percent_failed_text()) with a
 * '%' sign, or none without mail. */
static const char *
with_sign(int (*rule)(uint64_t, uint64_t, char *, size_t), uint64_t part,
    uint64_t whole, const char *none, char *buf, size_t size)
{
	char p[PERCENT_LEN];

	if (rule(part, whole, p, sizeof(p)) < 0)
		snprintf(buf, size, "%s", none);
	else
		snprintf(buf, size, "%s%%", p);
	return buf;
}

const char *
present_rate(
    uint64_t part, uint64_t whole, const char *none, char *buf, size_t size)
{
	return with_sign(percent_text, part, whole, none, buf, size);
}

const char *
present_failed_rate(
    uint64_t part, uint64_t whole, const char *none, char *buf, size_t size)
{
	return with_sign(percent_failed_text, part, whole, none, buf, size);
}

const char *
present_time(int64_t t, enum clock_form form, const char *unknown, char *buf,
    size_t size)
{
	if (t > 0 && clock_text(t, form, buf, size) == 0)
		return buf;
	if (unknown != NULL)
		snprintf(buf, size, "%s", unknown);
	else
		snprintf(buf, size, "%" PRId64, t);
	return buf;
}

int
present_end(FILE *fp)
{
	if (fflush(fp) == 0 && !ferror(fp))
		return 0;
	if (errno == 0)
		errno = EIO;
	return -1;
}

const char *
present_coverage(const char *days, char *buf, size_t size)
{
	size_t len = days != NULL ? strlen(days) : 0;
	size_t per = (len + PRESENT_REPORTER_BAR - 1) / PRESENT_REPORTER_BAR;
	size_t o = 0;

	if (size == 0)
		return buf;
	if (per == 0)
		per = 1;
	for (size_t i = 0; i < len && o + 1 < size; i += per) {
		size_t got = 0, n = 0;

		for (size_t j = i; j < len && j < i + per; j++, n++)
			got += days[j] == '1';
		buf[o++] = got == n ? '#' : got > 0 ? '+' : '.';
	}
	buf[o] = '\0';
	return buf;
}
