#include "log.h"

#include <stdarg.h>
#include <stdio.h>

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
	if (level > verbosity)
		return;
	fputs("dmarcsift: ", stderr);
	if (tag != NULL)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
LOG_FN(log_info, 2, NULL)
LOG_FN(log_debug, 3, "debug: ")
