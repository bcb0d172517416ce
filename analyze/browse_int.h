/*
 * browse_int: what the readers of browse.h share, inside analyze/ only:
 * the text values of a row made numbers and owned strings.
 */
#ifndef DMARCSIFT_BROWSE_INT_H
#define DMARCSIFT_BROWSE_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A list's cut, in the text of a statement: LIMIT(BROWSE_AUTH_TOP). */
#define BROWSE_TEXT(x) #x
#define LIMIT(x) " LIMIT " BROWSE_TEXT(x)

/* A count from SQL (bigint or numeric text); 0 for NULL. */
static inline uint64_t
browse_u64(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

static inline int64_t
browse_i64(const char *s)
{
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/* A boolean: 1 "t", 0 "f", -1 NULL. */
static inline int
browse_bool(const char *s)
{
	return s == NULL ? -1 : strcmp(s, "t") == 0;
}

/* An owned copy, NULL for NULL. */
static inline char *
browse_str(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

#endif
