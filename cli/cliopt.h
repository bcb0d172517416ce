/*
 * cliopt: the options commands share, handled in one place.
 *
 * A command lists CLIOPT_COMMON (--limit, -v, -q) and, when it uses the
 * database, CLIOPT_DATABASE (--db) in its getopt_long table, "vq" in its
 * short options, and passes every option its own switch does not know to
 * cliopt_handle().
 */
#ifndef DMARCSIFT_CLIOPT_H
#define DMARCSIFT_CLIOPT_H

#include "input_limits.h"

#include <getopt.h>

struct cliopt {
	const char *db; /* --db CONNINFO, or NULL */
	struct limits lim; /* with --limit NAME=VALUE applied */
};

#define CLIOPT_DB 0x100
#define CLIOPT_LIMIT 0x101

#define CLIOPT_COMMON                                                          \
	{"limit", required_argument, NULL, CLIOPT_LIMIT},                      \
	    {"verbose", no_argument, NULL, 'v'},                               \
	{                                                                      \
		"quiet", no_argument, NULL, 'q'                                \
	}
#define CLIOPT_DATABASE                                                        \
	{                                                                      \
		"db", required_argument, NULL, CLIOPT_DB                       \
	}

/* Defaults: no --db, the default limits. */
void cliopt_init(struct cliopt *co);
/*
 * Handles option c (with its optarg) when it is a shared one.  Returns 1
 * when handled, 0 when it is not a shared option (a usage error for the
 * caller to report), -1 for a bad value (already said on stderr).
 */
int cliopt_handle(struct cliopt *co, int c, const char *arg);

#endif
