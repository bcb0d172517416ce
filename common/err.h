/*
 * err: the error a fallible function hands back to its caller.
 *
 * Fallible functions return 0 or a negative enum err_code and put a message
 * in a caller-provided struct err (libgit2 style).  Messages are lower-case,
 * say what failed first, then the detail: "gzip: invalid block type".
 * Callers add where it happened with err_prefix(): "attachment 'a.gz': ...".
 * Distinct codes exist only where a caller acts differently on them.
 */
#ifndef DMARCSIFT_ERR_H
#define DMARCSIFT_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_MALFORMED = -1, /* input is broken: bad XML, corrupt gzip, ... */
	ERR_LIMIT = -2, /* input crosses a configured limit */
	ERR_NOT_AGGREGATE = -3, /* a failure or TLS report, or no report */
	ERR_IO = -4, /* cannot read a file, stdin, ... */
	ERR_USAGE = -5, /* bad option or value from the user */
	ERR_SINK = -6, /* the consumer of reports failed */
	ERR_DB = -7, /* the database refused or went away */
};

struct err {
	int code;
	char msg[1024];
};

/* Sets code and message; returns code, so "return err_set(...)" reads well. */
int err_set(struct err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "context: " to the message; returns err->code. */
int err_prefix(struct err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *err);
/* A short noun for a code, for summaries: "malformed", "limit", ... */
const char *err_code_name(int code);

#endif
