/*
 * month_code: report ids by month; see month_code.h.
 */
#include "month_code.h"

#include <time.h>

int
month_code_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long code;

	if (t < 946684800 || gmtime_r(&tt, &tm) == NULL) /* 2000-01-01 */
		return 1;
	code = (long)(tm.tm_year - 100) * 12 + tm.tm_mon + 1;
	return code > 0 && code < (1L << 22) ? (int)code : MONTH_CODE_OTHER;
}

int
month_code_for(int64_t begin, int64_t now)
{
	int at = month_code_of(now), code;

	if (begin <= 0)
		return at;
	code = month_code_of(begin);
	if (code < at - MONTH_CODE_BACK || code > at + 1)
		return MONTH_CODE_OTHER;
	return code;
}

int64_t
month_code_id(int code, int64_t seq)
{
	if (seq < 0 || seq >= (int64_t)1 << MONTH_CODE_SHIFT || code < 1)
		return -1;
	return ((int64_t)code << MONTH_CODE_SHIFT) | seq;
}
