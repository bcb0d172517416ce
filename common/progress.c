/* progress: a progress line on a terminal; see progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

/* Back to the start of the line, and the rest of it erased. */
#define PROGRESS_ERASE "\r\033[K"

void
progress_show(int on, const char *fmt, ...)
{
	va_list ap;

	if (!on)
		return;
	fputs(PROGRESS_ERASE, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void
progress_end(int on)
{
	if (on)
		fputs(PROGRESS_ERASE, stderr);
}
