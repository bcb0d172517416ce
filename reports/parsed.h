/*
 * parsed: how `dmarcsift parse` shows a report, one format per file.
 *
 * A format is three functions; the caller writes records as they stream in
 * (to a scratch file) and wraps them with head and tail once the report is
 * complete, so a report refused halfway never shows up half-printed.
 */
#ifndef DMARCSIFT_PARSED_H
#define DMARCSIFT_PARSED_H

#include <stdint.h>
#include <stdio.h>

struct dmarc_record;
struct dmarc_report;

struct parsed_format {
	/* nth is 0 for the first record of a report. */
	void (*record)(FILE *fp, const struct dmarc_record *rec, uint64_t nth);
	/* input names the file (or "<stdin>"); where is the place inside it. */
	void (*head)(FILE *fp, const struct dmarc_report *rep,
	    const char *input, const char *where);
	void (*tail)(FILE *fp, const struct dmarc_report *rep);
};

/* One JSON object per report per line; keys documented in README.md. */
extern const struct parsed_format parsed_json;
/* For people: a header, a record table and the warnings. */
extern const struct parsed_format parsed_text;

#endif
