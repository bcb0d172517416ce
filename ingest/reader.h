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
struct failrpt_report;
struct tlsrpt_report;

struct reader_sink {
	struct report_sink reports;
	/* A part yielded no report.  where is its place in the input ("" at
	 * top level); why->code is ERR_NOT_AGGREGATE for a failure or TLS
	 * report (skipped, not broken), else the refusal; why->msg is
	 * "where: reason", or just the reason when where is "". */
	void (*problem)(void *ctx, const char *where, const struct err *why);
};

/* Where SMTP TLS reports (RFC 8460, tlsrpt.h) go: reader_read_tls(). */
struct reader_tls_sink {
	void *ctx;
	/* A TLS report was read whole; where as for report_sink.report().
	 * rep is borrowed for the call.  Returns 0, or a negative err_code
	 * with err set (ERR_SINK stops the input). */
	int (*report)(void *ctx, const struct tlsrpt_report *rep,
	    const char *where, struct err *err);
};

/* Where DMARC failure reports (RFC 6591, failrpt.h) go: reader_read_all(). */
struct reader_failure_sink {
	void *ctx;
	/* As reader_tls_sink.report(), for one failure report. */
	int (*report)(void *ctx, const struct failrpt_report *rep,
	    const char *where, struct err *err);
};

struct reader_stats {
	unsigned reports; /* reports accepted */
	unsigned tls; /* TLS reports accepted (reader_read_tls()) */
	unsigned failures; /* failure reports accepted (reader_read_all()) */
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

/*
 * reader_read(), with SMTP TLS reports read too and handed to tls: JSON
 * that names their members, any JSON in a mail that says it is a TLS
 * report, and any JSON standing alone (a file, what a gzip file holds).
 * One that cannot be read is refused, with the reason, like a broken
 * aggregate report.  Returns 0 when at least one report of either kind
 * was accepted.
 */
int reader_read_tls(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, const struct reader_tls_sink *tls,
    struct reader_stats *stats, struct err *err);

/*
 * reader_read_tls(), with DMARC failure reports read too (tls may be
 * NULL) and handed to fail: the message/feedback-report part of an ARF
 * mail with Feedback-Type auth-failure, with the original's header beside
 * it.  One that cannot be read is refused with the reason; a feedback
 * report of another type is skipped as before.  Returns 0 when at least
 * one report of any kind was accepted.
 */
int reader_read_all(struct bytesrc *src, const struct limits *lim,
    const struct reader_sink *sink, const struct reader_tls_sink *tls,
    const struct reader_failure_sink *fail, struct reader_stats *stats,
    struct err *err);

#endif
