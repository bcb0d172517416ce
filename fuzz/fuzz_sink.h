/*
 * fuzz_sink: a report and reader sink for the fuzz targets.
 *
 * It keeps nothing, but reads every byte of every field it is handed, so
 * AddressSanitizer sees a dangling or unterminated string the moment the
 * parser hands one over, and it checks the promises the headers make (a
 * record count that matches what was handed, a problem message that is
 * terminated).  A broken promise aborts, which the fuzzer reports as a
 * crash like any other.
 */
#ifndef DMARCSIFT_FUZZ_SINK_H
#define DMARCSIFT_FUZZ_SINK_H

#include <stdint.h>

#include "fuzz_check.h"
#include "reader.h"

struct err;

struct fuzz_sink {
	uint64_t records; /* records handed since the last report/discard */
	uint64_t messages; /* their counts, saturating like the parser's */
	unsigned reports; /* reports accepted */
	unsigned problems; /* calls to problem() */
	uint64_t touched; /* bytes read; kept so no read is optimised away */
};

/* A reader sink whose ctx is fs, which is cleared. */
void fuzz_sink_init(struct fuzz_sink *fs, struct reader_sink *sink);
/* Reads every byte of an err message; aborts unless it is terminated. */
void fuzz_touch_err(struct fuzz_sink *fs, const struct err *err);

#endif
