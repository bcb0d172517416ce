/*
 * clock: the real clock, or DMARCSIFT_NOW; see clock.h.
 */
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

int
clock_parse(const char *s, int64_t *out)
{
	struct tm tm;
	char *end;
	long long v;
	int mday, mon;
	time_t t;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0 && v >= 0) {
		*out = (int64_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end + 1, "%H:%M:%S", &tm);
	if (end != NULL && *end == 'Z')
		end++;
	if (end == NULL || *end != '\0' || tm.tm_year < 70 || tm.tm_year > 1100)
		return -1;
	/* timegm() turns 2026-02-31 into March 3rd: refuse that. */
	mday = tm.tm_mday;
	mon = tm.tm_mon;
	t = timegm(&tm);
	if (tm.tm_mday != mday || tm.tm_mon != mon)
		return -1;
	*out = (int64_t)t;
	return 0;
}

int64_t
clock_now(void)
{
	static int warned;
	const char *fixed = getenv("DMARCSIFT_NOW");
	int64_t t;

	if (fixed != NULL && *fixed != '\0') {
		if (clock_parse(fixed, &t) == 0)
			return t;
		if (!warned++)
			log_warn("DMARCSIFT_NOW='%.40s' is not a date or Unix "
			         "time; using the real clock",
			    fixed);
	}
	return (int64_t)time(NULL);
}

int64_t
clock_day_start(int64_t t)
{
	int64_t r = t % CLOCK_DAY;

	return t - (r < 0 ? r + CLOCK_DAY : r);
}

int64_t
clock_last_complete_day_end(void)
{
	return clock_day_start(clock_now());
}

/* strftime() with the form's format; literal formats, so the compiler
 * checks them.  0 when it does not fit. */
static size_t
format_tm(char *buf, size_t size, enum clock_form form, const struct tm *tm)
{
	switch (form) {
	case CLOCK_FORM_DAY:
		return strftime(buf, size, "%Y-%m-%d", tm);
	case CLOCK_FORM_WEEKDAY_DAY:
		return strftime(buf, size, "%a %Y-%m-%d", tm);
	case CLOCK_FORM_MONTH_DAY:
		return strftime(buf, size, "%m-%d", tm);
	case CLOCK_FORM_MINUTE:
		return strftime(buf, size, "%Y-%m-%d %H:%M", tm);
	case CLOCK_FORM_MINUTE_UTC:
		return strftime(buf, size, "%Y-%m-%d %H:%M UTC", tm);
	case CLOCK_FORM_SECOND:
		return strftime(buf, size, "%Y-%m-%d %H:%M:%S", tm);
	case CLOCK_FORM_ISO:
		return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", tm);
	}
	return 0;
}

int
clock_text(int64_t t, enum clock_form form, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t >= 0 && t <= CLOCK_LAST_SHOWN && gmtime_r(&tt, &tm) != NULL &&
	    format_tm(buf, size, form, &tm) > 0)
		return 0;
	if (size > 0)
		buf[0] = '\0';
	return -1;
}

void
clock_day_text(int64_t t, char *buf, size_t size)
{
	if (clock_text(t, CLOCK_FORM_DAY, buf, size) < 0)
		snprintf(buf, size, "%lld", (long long)t);
}
