/* progress: a progress line on a terminal; see progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

#include "text.h"

/* Longest line shown; the rest is cut with "...". */
#define PROGRESS_LINE_MAX 512

/* Back to the start of the line, and the rest of it erased. */
#define PROGRESS_ERASE "\r\033[K"

void
progress_show(int on, const char *fmt, ...)
{
	char raw[PROGRESS_LINE_MAX + 1], line[PROGRESS_LINE_MAX];
	va_list ap;

	if (!on)
		return;
	/* The line names files and mail from strangers: printable, as every
	 * log line is (an escape would reach the terminal as it stands). */
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	text_printable(raw, line, sizeof(line));
	fputs(PROGRESS_ERASE, stderr);
	fputs(line, stderr);
	fflush(stderr);
}

void
progress_end(int on)
{
	if (on)
		fputs(PROGRESS_ERASE, stderr);
}
