/*
 * fuzz_unpack: the whole reader over arbitrary bytes, as if they were one
 * input file: sniffing, every container backend nested in any order, UTF-8
 * repair and the report parser.
 */
#include "bytesrc.h"
#include "err.h"
#include "fuzz_sink.h"
#include "input_limits.h"
#include "reader.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct limits lim;
	static int ready;
	struct fuzz_sink fs;
	struct reader_sink sink;
	struct reader_stats stats;
	struct bytesrc *src;
	struct err err;
	int rc;

	if (!ready) {
		/* The defaults, with ceilings low enough that one input
		 * cannot spend seconds inflating; ratio_after is lowered
		 * with them so the ratio check is still reached. */
		limits_init(&lim);
		lim.input_bytes = 4 * 1024 * 1024;
		lim.decompressed_bytes = 8 * 1024 * 1024;
		lim.ratio_after = 1024 * 1024;
		ready = 1;
	}
	/* The command line refuses a larger file before reading it. */
	if (size > lim.input_bytes)
		return 0;

	fuzz_sink_init(&fs, &sink);
	err_clear(&err);
	src = bytesrc_mem_new(data, size);
	rc = reader_read(src, &lim, &sink, &stats, &err);
	bytesrc_free(src);

	fuzz_check(rc == ERR_OK || rc == ERR_MALFORMED || rc == ERR_LIMIT ||
	        rc == ERR_NOT_AGGREGATE,
	    "reader_read returns 0 or a refusal (the sink never fails)");
	fuzz_check((rc == 0) == (stats.reports > 0),
	    "reader_read returns 0 exactly when a report was accepted");
	fuzz_check(stats.reports == fs.reports,
	    "stats.reports counts the reports the sink accepted");
	fuzz_check(stats.refused + stats.skipped == fs.problems,
	    "every refused or skipped part went to problem()");
	fuzz_check(fs.records == 0,
	    "records handed belong to a report that was accepted or "
	    "discarded");
	if (rc < 0) {
		fuzz_touch_err(&fs, &err);
		fuzz_check(err.code == rc, "err repeats the code returned");
	}
	return 0;
}
