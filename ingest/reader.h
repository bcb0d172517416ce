/*
 * reader: one input (a file, a mail, stdin) to the reports it holds.
 *
 * Ties unpack and parse together: sniffs the bytes, opens every container
 * layer, parses every report found and hands it to the sink.  One broken
 * part does not stop the others: each part that yields no report is told to
 * problem() with its place and reason.
 */
#ifndef DMARCSIFT_READER_H
#define DMARCSIFT_READER_H

#include <stdint.h>

#include "parse.h"

struct bytesrc;
struct err;
struct limits;

struct reader_sink {
	struct report_sink reports;
	/* A part yielded no report.  where is its place in the input ("" at
	 * top level); why->code is ERR_NOT_AGGREGATE for a failure or TLS
	 * report (skipped, not broken), else the refusal; why->msg is
	 * "where: reason", or just the reason when where is "". */
	void (*problem)(void *ctx, const char *where, const struct err *why);
};

struct reader_stats {
	unsigned reports; /* reports accepted */
	unsigned refused; /* parts refused as broken, hostile or too large */
	unsigned skipped; /* parts that are not aggregate reports */
};

/*
 * Reads everything in src.  Returns 0 when at least one report was
 * accepted, even if other parts were refused (stats says so); otherwise
 * ERR_NOT_AGGREGATE when the input is only a failure/TLS report or holds
 * no report, or the code of the first refusal.  Every cause has gone to
 * problem() before this returns; err repeats the first.
 */
int reader_read(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, struct reader_stats *stats,
    struct err *err);

#endif
