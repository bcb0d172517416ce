/*
 * fuzz_parse: the report parser alone, on bytes taken as XML.  The reader
 * only hands it what sniffs as XML; here it also gets everything else, so
 * the UTF-8 repair and libxml2's encoding detection see any first bytes.
 */
#include "bytesrc.h"
#include "err.h"
#include "fuzz_sink.h"
#include "input_limits.h"
#include "parse.h"

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
	struct bytesrc *src;
	struct err err;
	int rc;

	if (!ready) {
		limits_init(&lim);
		ready = 1;
	}
	fuzz_sink_init(&fs, &sink);
	err_clear(&err);
	src = bytesrc_mem_new(data, size);
	rc = parse_report(src, "", &lim, &sink.reports, &err);
	bytesrc_free(src);

	fuzz_check(rc == 0 || rc == ERR_MALFORMED || rc == ERR_LIMIT ||
	        rc == ERR_NOT_AGGREGATE,
	    "parse_report returns 0 or a refusal (the sink never fails)");
	fuzz_check((rc == 0) == (fs.reports == 1),
	    "parse_report returns 0 exactly when the report was accepted");
	fuzz_check(fs.records == 0,
	    "records handed belong to a report that was accepted or "
	    "discarded");
	if (rc < 0) {
		fuzz_touch_err(&fs, &err);
		fuzz_check(err.code == rc, "err repeats the code returned");
	}
	return 0;
}
