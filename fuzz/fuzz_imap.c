/*
 * fuzz_imap: the IMAP answer reader (ingest/imap_resp.c) on bytes a
 * server could send.
 *
 * The first input byte sets the size of the pieces the rest arrives in (as
 * over a socket: 1 to 255 bytes, 0 for all at once); the rest is what the
 * server sends, taken as the answers to commands tagged d1, d2, ... in
 * turn.  Every answer read, whole or cut off by the end of the input, goes
 * through every parser imap.c uses: FETCH items (with bodies and
 * literals), SEARCH, SELECT status, CAPABILITY, LIST, EXISTS/EXPUNGE news,
 * response codes.  Broken promises of imap_resp.h abort.
 */
#include "fuzz_check.h"
#include "imap_resp.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ANSWER_MAX (256 * 1024)
#define ANSWERS_MAX 16

static void
check_text(const char *s, size_t size, const char *what)
{
	size_t n = strnlen(s, size);

	fuzz_check(n < size, what);
	fuzz_check(text_is_printable(s, n), "texts are printable");
}

static void
parse_item(const struct imap_resp *r, size_t i, uint32_t probe)
{
	const unsigned char *base = (const unsigned char *)r->buf.p, *name;
	struct imap_fetch f;
	struct imap_cur c;
	char text[IMAP_RESP_TEXT_MAX + 1], tmp[256], sep;
	uint32_t num;
	size_t n;

	fuzz_check(r->items[i].off <= r->buf.len &&
	        r->items[i].len <= r->buf.len - r->items[i].off,
	    "a response lies within the answer");
	if (imap_resp_numbered(r, i, "FETCH", &num, &c)) {
		if (imap_resp_fetch(&c, &f)) {
			if (f.has_body && f.body != NULL) {
				int in_answer = f.body >= base &&
				    f.body_len <= r->buf.len &&
				    f.body <= base + r->buf.len - f.body_len;
				int in_q =
				    f.body == (const unsigned char *)f.qbody &&
				    f.body_len < sizeof(f.qbody);

				fuzz_check(in_answer || in_q,
				    "a FETCH body lies in the answer or qbody");
				fuzz_touch(f.body, f.body_len);
			}
			if (f.has_date)
				fuzz_check(strnlen(f.date, sizeof(f.date)) <
				        sizeof(f.date),
				    "INTERNALDATE is terminated");
		}
	}
	if (imap_resp_list(r, i, &sep, &name, &n, tmp, sizeof(tmp)) &&
	    name != NULL) {
		fuzz_check(name == (const unsigned char *)tmp ||
		        (name >= base && n <= r->buf.len &&
		            name <= base + r->buf.len - n),
		    "a LIST name lies in the answer or tmp");
		fuzz_touch(name, n);
	}
	if (imap_resp_ok_text(r, i, text, sizeof(text))) {
		check_text(text, sizeof(text), "an OK text is terminated");
		(void)imap_resp_copyuid_has(text, probe);
	}
	imap_resp_item(r, i, &c);
	while (c.p < c.end && imap_cur_skip(&c))
		imap_cur_char(&c, ' ');
}

static void
parse_answer(const struct imap_resp *r, uint32_t probe)
{
	uint32_t *uids, exists = 0, uidvalidity, uidnext;
	size_t n;

	fuzz_check(
	    r->buf.len <= r->buf.max, "an answer stays within its ceiling");
	for (size_t i = 0; i < r->n; i++)
		parse_item(r, i, probe);
	imap_resp_search(r, &uids, &n);
	fuzz_check((n == 0) == (uids == NULL), "no UIDs: NULL");
	for (size_t i = 1; i < n; i++)
		fuzz_check(
		    uids[i - 1] < uids[i], "SEARCH UIDs sorted and unique");
	free(uids);
	imap_resp_select(r, &exists, &uidvalidity, &uidnext);
	exists = probe;
	(void)imap_resp_changes(r, &exists);
	fuzz_check(
	    (imap_resp_caps(r) &
	        ~(unsigned)(IMAP_RESP_CAP_MOVE | IMAP_RESP_CAP_UIDPLUS)) == 0,
	    "only known capability bits");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_resp r;
	size_t piece, pos = 0, used;
	unsigned answer = 1;
	char tag[16];
	int rc = IMAP_RESP_MORE;

	if (size == 0)
		return 0;
	piece = data[0] ? data[0] : size;
	data++;
	size--;
	memset(&r, 0, sizeof(r));
	snprintf(tag, sizeof(tag), "d%u", answer);
	imap_resp_begin(&r, tag, ANSWER_MAX);
	while (pos < size) {
		size_t k = size - pos < piece ? size - pos : piece;

		used = 0;
		rc = imap_resp_feed(&r, data + pos, k, &used);
		fuzz_check(used <= k, "feed takes at most what it is given");
		fuzz_check(rc != IMAP_RESP_MORE || used == k,
		    "MORE means every byte was taken");
		pos += used;
		if (rc < 0) {
			fuzz_check(rc == IMAP_RESP_E_LIMIT ||
			        rc == IMAP_RESP_E_STATUS ||
			        rc == IMAP_RESP_E_LINE,
			    "feed fails with a known code");
			check_text(r.text, sizeof(r.text), "error text");
			break;
		}
		if (rc == IMAP_RESP_DONE) {
			fuzz_check(strcmp(r.status, "OK") == 0 ||
			        strcmp(r.status, "NO") == 0 ||
			        strcmp(r.status, "BAD") == 0,
			    "a tagged status is OK, NO or BAD");
			check_text(r.text, sizeof(r.text), "status text");
			check_text(r.bye, sizeof(r.bye), "BYE text");
			(void)imap_resp_code(r.text, "EXPUNGEISSUED");
			(void)imap_resp_copyuid_has(r.text, answer);
			parse_answer(&r, answer);
			if (++answer > ANSWERS_MAX)
				break;
			snprintf(tag, sizeof(tag), "d%u", answer);
			imap_resp_begin(&r, tag, ANSWER_MAX);
		}
	}
	/* An answer cut off by the end: what arrived is parsed all the
	 * same (imap.c never does, but the parsers must hold). */
	if (rc == IMAP_RESP_MORE)
		parse_answer(&r, answer);
	imap_resp_free(&r);
	return 0;
}
