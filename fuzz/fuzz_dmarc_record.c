/*
 * fuzz_dmarc_record: the DMARC record reader and writer
 * (analyze/dmarc_record.c) on any TXT text, as anyone's zone publishes
 * it.
 *
 * The first input byte picks what the builder is asked for (p, t, pct,
 * the size of its buffer); the rest is the record.  Promises checked
 * (dmarc_record.h): dmarc_record_is() and dmarc_record_parse() agree;
 * every tag lies in the text, with a lower-case name, and repeat marks
 * exactly the later ones; dmarc_tag_valid() knows the known tags; the
 * policy in force is within its ranges and follows its defaults; why is
 * printable.  dmarc_record_build() writes a terminated text that fits
 * its buffer, printable ASCII without '"' or '\', that parses as a
 * record asking for what was asked; building again from that text gives
 * the same text (it is its own fixed point).
 */
#include "dmarc_record.h"
#include "fuzz_check.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {"v", "p", "sp", "np", "t", "psd", "adkim",
    "aspf", "fo", "pct", "rua", "ruf", "rf", "ri", NULL};

static int
is_known(const char *name)
{
	for (size_t i = 0; known[i] != NULL; i++)
		if (strcmp(known[i], name) == 0)
			return 1;
	return 0;
}

static void
check_strength(int s, const char *what)
{
	fuzz_check(s == DMARC_ABSENT || s == DMARC_NONE ||
	        s == DMARC_QUARANTINE || s == DMARC_REJECT,
	    what);
}

static void
check_parsed(const struct dmarc_txt *rec, const char *text, size_t len)
{
	const struct dmarc_in_force *pol = &rec->pol;
	size_t repeats = 0;

	fuzz_check(rec->ntags >= 1 && rec->ntags <= DMARC_MAX_TAGS,
	    "1 to DMARC_MAX_TAGS tags");
	fuzz_check(strcmp(rec->tag[0].name, "v") == 0 &&
	        dmarc_tag_valid(&rec->tag[0]) == 1,
	    "tag[0] is v=DMARC1");
	for (size_t i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *t = &rec->tag[i];
		size_t n = strnlen(t->name, sizeof(t->name));
		int valid = dmarc_tag_valid(t);

		fuzz_check(
		    n > 0 && n < sizeof(t->name), "a name is terminated");
		fuzz_check(t->name[0] >= 'a' && t->name[0] <= 'z',
		    "a name starts with a lower-case letter");
		for (size_t k = 0; k < n; k++)
			fuzz_check((t->name[k] >= 'a' && t->name[k] <= 'z') ||
			        (t->name[k] >= '0' && t->name[k] <= '9') ||
			        t->name[k] == '_',
			    "a name is lower-case letters, digits and '_'");
		fuzz_check(t->pos + n <= len &&
		        strncasecmp(text + t->pos, t->name, n) == 0,
		    "pos is where the name is written");
		fuzz_check(t->val >= text && t->vlen <= len &&
		        t->val + t->vlen <= text + len,
		    "a value lies in the text");
		for (size_t k = 0; k < t->vlen; k++)
			fuzz_check((t->val[k] >= 0x20 && t->val[k] < 0x7f) ||
			        t->val[k] == '\t' || t->val[k] == '\r' ||
			        t->val[k] == '\n',
			    "a value is printable ASCII and blanks");
		fuzz_check(t->repeat ==
		        (dmarc_record_tag(rec, t->name) != &rec->tag[i]),
		    "repeat marks exactly the later tags of a name");
		repeats += t->repeat != 0;
		fuzz_check(valid == 1 || valid == 0 || valid == -1,
		    "dmarc_tag_valid is 1, 0 or -1");
		fuzz_check((valid == -1) == !is_known(t->name),
		    "dmarc_tag_valid knows the known tags");
	}
	fuzz_check(repeats == rec->nrepeats, "nrepeats counts the repeats");
	check_strength(pol->p, "p is a strength or absent");
	check_strength(pol->sp, "sp is a strength or absent");
	check_strength(pol->np, "np is a strength or absent");
	fuzz_check(
	    pol->sp_in_force == (pol->sp != DMARC_ABSENT ? pol->sp : pol->p),
	    "sp in force: sp, else p");
	fuzz_check(pol->np_in_force ==
	        (pol->np != DMARC_ABSENT ? pol->np : pol->sp_in_force),
	    "np in force: np, else sp in force");
	fuzz_check(pol->pct >= 0 && pol->pct <= 100, "pct is 0 to 100");
	fuzz_check(pol->testing == 0 || pol->testing == 1, "testing is 0 or 1");
	fuzz_check(pol->psd == 'y' || pol->psd == 'n' || pol->psd == 'u',
	    "psd is y, n or u");
	fuzz_check(pol->adkim == 'r' || pol->adkim == 's', "adkim is r or s");
	fuzz_check(pol->aspf == 'r' || pol->aspf == 's', "aspf is r or s");
	fuzz_check(strnlen(pol->fo, sizeof(pol->fo)) < sizeof(pol->fo) &&
	        pol->fo[0] != '\0',
	    "fo is terminated and not empty");
	fuzz_check(pol->rua == NULL ||
	        (pol->rua >= text && pol->rua + pol->rua_len <= text + len &&
	            pol->rua_len > 0),
	    "rua lies in the text");
	fuzz_check(pol->ruf == NULL ||
	        (pol->ruf >= text && pol->ruf + pol->ruf_len <= text + len &&
	            pol->ruf_len > 0),
	    "ruf lies in the text");
}

/* Builds from existing (NULL: anew) and checks what comes out. */
static void
check_build(const char *existing, const struct dmarc_build *b, size_t size)
{
	char *out = malloc(size), *again = malloc(size);
	struct dmarc_txt rec;
	size_t n;
	int rc;

	fuzz_check(out != NULL && again != NULL, "memory");
	rc = dmarc_record_build(existing, b, out, size);
	fuzz_check(rc == 0 || rc == 1, "0 or 1");
	fuzz_check(existing != NULL || rc == 0, "nothing to keep: anew");
	n = strnlen(out, size);
	fuzz_check(n < size, "the record is terminated in its buffer");
	for (size_t i = 0; i < n; i++)
		fuzz_check(out[i] >= 0x20 && out[i] < 0x7f && out[i] != '"' &&
		        out[i] != '\\',
		    "the record is printable ASCII without '\"' or '\\'");
	fuzz_check(dmarc_record_parse(out, n, &rec) == 0,
	    "the record built is a DMARC record");
	fuzz_check(rec.nskipped == 0 && rec.nrepeats == 0,
	    "the record built has no part to skip, no repeat");
	fuzz_check(rec.pol.p == b->p, "the record asks for p");
	fuzz_check(rec.pol.testing == b->testing, "the record asks for t");
	fuzz_check(rec.pol.pct == (b->pct >= 0 && b->pct < 100 ? b->pct : 100),
	    "the record asks for pct");
	if (rc == 0) {
		fuzz_check(rec.pol.sp == b->sp && rec.pol.np == b->np,
		    "a new record asks for sp and np");
		fuzz_check(b->rua == NULL ||
		        (rec.pol.rua != NULL &&
		            rec.pol.rua_len == strlen(b->rua) &&
		            memcmp(rec.pol.rua, b->rua, rec.pol.rua_len) == 0),
		    "a new record asks for rua");
	}
	/* Built again from itself: the same text. */
	fuzz_check(dmarc_record_build(out, b, again, size) == 1 &&
	        strcmp(out, again) == 0,
	    "a record built is its own fixed point");
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {64, 128, 512, 4096};
	struct dmarc_build b;
	struct dmarc_txt rec;
	char *text;
	size_t len;
	int near = -1, is, rc;

	if (size < 1)
		return 0;
	len = size - 1;
	/* The record in a buffer of its exact size, so ASan sees a read
	 * past it. */
	text = malloc(len ? len : 1);
	fuzz_check(text != NULL, "memory");
	memcpy(text, data + 1, len);

	is = dmarc_record_is(text, len, &near);
	fuzz_check(is == 0 || is == 1, "dmarc_record_is is 0 or 1");
	fuzz_check(near == 0 || near == 1, "near is set");
	fuzz_check(!(is && near), "a record is not near one");
	rc = dmarc_record_parse(text, len, &rec);
	fuzz_check(rc == 0 || rc == -1, "0 or -1");
	fuzz_check((rc == 0) == (is && len <= DMARC_RECORD_MAX),
	    "parse takes what dmarc_record_is takes, up to DMARC_RECORD_MAX");
	fuzz_check(strnlen(rec.why, sizeof(rec.why)) < sizeof(rec.why) &&
	        text_is_printable(rec.why, strlen(rec.why)),
	    "why is terminated and printable");
	if (rc == 0) {
		fuzz_check(rec.near == 0, "a record is not near one");
		check_parsed(&rec, text, len);
	} else {
		fuzz_check(rec.ntags == 0 && rec.why[0] != '\0',
		    "no record: no tags, and why");
		fuzz_check(len > DMARC_RECORD_MAX || rec.near == near,
		    "near as dmarc_record_is says");
		fuzz_check(rec.pol.p == DMARC_ABSENT && rec.pol.pct == 100,
		    "no record asks for nothing");
	}
	free(text);

	memset(&b, 0, sizeof(b));
	b.p = data[0] % 3;
	b.testing = (data[0] >> 2) & 1;
	b.pct = (data[0] >> 3) & 1 ? 100 : (int)((data[0] >> 4) * 7) % 101;
	/* From the record: what applies to an existing one alone, so that
	 * ours fits the smallest buffer (a new record longer than its
	 * buffer is cut, as dmarc_record_build() says). */
	text = malloc(len + 1);
	fuzz_check(text != NULL, "memory");
	memcpy(text, data + 1, len);
	text[len] = '\0';
	b.sp = b.np = DMARC_ABSENT;
	check_build(text, &b, sizes[(data[0] >> 1) % 4]);
	free(text);
	/* Anew, with every tag. */
	b.sp = (int)((data[0] >> 4) % 4) - 1;
	b.np = (int)((data[0] >> 6) % 4) - 1;
	b.adkim = data[0] & 0x10 ? 's' : 0;
	b.aspf = data[0] & 0x20 ? 'r' : 0;
	b.rua = data[0] & 0x40 ? "mailto:dmarc@example.org" : NULL;
	check_build(NULL, &b, sizes[3]);
	return 0;
}
