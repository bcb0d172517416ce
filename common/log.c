#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "text.h"

/* Longest line written; a longer one is cut with "...". */
#define LOG_LINE_MAX 4096

static int verbosity = 1;

void
log_set_verbosity(int level)
{
	verbosity = level;
}

int
log_verbosity(void)
{
	return verbosity;
}

static void vlog(int level, const char *tag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	/* raw holds one byte more than line: a message cut by vsnprintf()
	 * does not fit and is shown cut, with "...". */
	char raw[LOG_LINE_MAX + 1], line[LOG_LINE_MAX];

	if (level > verbosity)
		return;
	/* Messages quote outside data (domains, file names, server text):
	 * whatever they hold, the line reaching a terminal or cron's mail is
	 * printable, one line, with no escape, bidi override or separator. */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	text_printable(raw, line, sizeof(line));
	fprintf(stderr, "dmarcsift: %s%s\n", tag != NULL ? tag : "", line);
}

#define LOG_FN(name, level, tag)                                               \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		vlog(level, tag, fmt, ap);                                     \
		va_end(ap);                                                    \
	}

LOG_FN(log_error, 0, "error: ")
LOG_FN(log_warn, 1, "warning: ")
LOG_FN(log_exposed, 0, "warning: ")
LOG_FN(log_info, 2, NULL)
LOG_FN(log_debug, 3, "debug: ")
