/*
 * fuzz_mime: the mail backend alone.  Every leaf part is read to its end,
 * so the decoders (base64, quoted-printable, uuencode) run on every byte
 * and not only on what the sniffer would peek at.
 */
#include "bytesrc.h"
#include "err.h"
#include "fuzz_sink.h"
#include "input_limits.h"
#include "unpack.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	struct fuzz_sink fs;
	uint64_t parts, bytes;
};

static int
on_part(void *arg, struct bytesrc *inner, const char *label, struct err *err)
{
	static unsigned char buf[64 * 1024];
	struct walk *w = arg;
	struct err rerr;
	ssize_t n;

	fuzz_check(label != NULL, "every part has a label");
	w->fs.touched += strlen(label);
	w->parts++;
	if (inner == NULL) {
		fuzz_touch_err(&w->fs, err);
		return 0;
	}
	do {
		err_clear(&rerr);
		n = bytesrc_read(inner, buf, sizeof(buf), &rerr);
		if (n > 0)
			w->bytes += (uint64_t)n;
	} while (n > 0);
	if (n < 0) {
		fuzz_touch_err(&w->fs, &rerr);
		fuzz_check(rerr.code == n, "read returns the code it sets");
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct limits lim;
	static int ready;
	struct unpack_env env;
	struct walk w;
	struct bytesrc *src;
	struct err err;
	int rc;

	if (!ready) {
		limits_init(&lim);
		lim.input_bytes = 4 * 1024 * 1024;
		lim.decompressed_bytes = 8 * 1024 * 1024;
		ready = 1;
	}
	memset(&env, 0, sizeof(env));
	env.lim = &lim;
	memset(&w, 0, sizeof(w));
	err_clear(&err);
	src = bytesrc_mem_new(data, size);
	rc = unpack_mail.each(src, &env, on_part, &w, &err);
	bytesrc_free(src);

	fuzz_check(rc == 0 || rc == ERR_MALFORMED || rc == ERR_LIMIT,
	    "mail each() returns 0, malformed or limit");
	fuzz_check(env.hint >= HINT_NONE && env.hint <= HINT_TLS_REPORT,
	    "hint is one of enum unpack_hint");
	if (rc < 0) {
		fuzz_touch_err(&w.fs, &err);
		fuzz_check(err.code == rc, "err repeats the code returned");
	}
	return 0;
}
