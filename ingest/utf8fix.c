#include "utf8fix.h"

#include "bytesrc.h"
#include "err.h"
#include "text.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIX_IN 16384

struct fixsrc {
	struct bytesrc base;
	struct bytesrc *inner;
	uint64_t *replaced;
	int decided, active;
	unsigned char in[FIX_IN];
	size_t carry; /* bytes of an unfinished sequence kept at in[0] */
	/* Repaired bytes not yet handed out: one input byte can become three,
	 * so output is staged here and any read size works. */
	unsigned char out[3 * FIX_IN];
	size_t out_len, out_off;
};

/* Expected length of the sequence a lead byte starts, 0 if never valid. */
static size_t
lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/*
 * Decides from the first bytes whether the document is UTF-8: a UTF-16/32
 * BOM or zero bytes mean no; so does an XML declaration naming another
 * encoding.
 */
static int
is_utf8_document(const unsigned char *p, size_t n)
{
	const char *decl, *end, *enc;
	char name[32];
	size_t i = 0;
	char q;

	if (n >= 2 && (p[0] == 0xfe || p[0] == 0xff || p[0] == 0 || p[1] == 0))
		return 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3, n -= 3;
	if (n < 5 || memcmp(p, "<?xml", 5) != 0)
		return 1;
	decl = (const char *)p;
	end = memchr(decl, '>', n);
	if (end == NULL)
		return 1;
	enc = memmem(decl, (size_t)(end - decl), "encoding", 8);
	if (enc == NULL)
		return 1;
	enc += 8;
	while (enc < end && (*enc == ' ' || *enc == '=' || *enc == '\t'))
		enc++;
	if (enc >= end || (*enc != '"' && *enc != '\''))
		return 1;
	q = *enc++;
	while (enc < end && *enc != q && i + 1 < sizeof(name))
		name[i++] = *enc++;
	name[i] = '\0';
	return strcasecmp(name, "utf-8") == 0 ||
	    strcasecmp(name, "utf8") == 0 ||
	    strcasecmp(name, "us-ascii") == 0 || strcasecmp(name, "ascii") == 0;
}

/* Reads one chunk from inner and repairs it into f->out. */
static int
refill(struct fixsrc *f, struct err *err)
{
	size_t have, i = 0, o = 0;
	ssize_t n;

	n = bytesrc_read(
	    f->inner, f->in + f->carry, sizeof(f->in) - f->carry, err);
	if (n < 0)
		return (int)n;
	have = f->carry + (size_t)n;
	f->carry = 0;
	while (i < have) {
		size_t start = i;

		/* Valid text (nearly all of it) goes out in one copy; only a
		 * bad byte takes the slow path below. */
		while (i < have) {
			size_t ok;

			if (f->in[i] < 0x80) {
				i++;
				continue;
			}
			if ((ok = utf8_seq_len(f->in + i, have - i)) == 0)
				break;
			i += ok;
		}
		memcpy(f->out + o, f->in + start, i - start);
		o += i - start;
		if (i == have)
			break;
		/* An unfinished sequence at the end of this chunk: keep it
		 * for the next read unless the stream has ended. */
		if (n > 0 && lead_len(f->in[i]) > have - i) {
			size_t j = i + 1;

			while (j < have && (f->in[j] & 0xc0) == 0x80)
				j++;
			if (j == have) {
				f->carry = have - i;
				memmove(f->in, f->in + i, f->carry);
				break;
			}
		}
		memcpy(f->out + o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
		(*f->replaced)++;
	}
	f->out_len = o;
	f->out_off = 0;
	return n == 0 ? 0 : 1;
}

static ssize_t
fix_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct fixsrc *f = (struct fixsrc *)src;
	size_t avail;

	if (!f->decided) {
		const unsigned char *head;
		ssize_t got = bytesrc_peek(f->inner, 512, &head, err);

		if (got < 0)
			return got;
		f->active = is_utf8_document(head, (size_t)got);
		f->decided = 1;
	}
	if (!f->active)
		return bytesrc_read(f->inner, buf, len, err);
	while (f->out_off == f->out_len) {
		int rc = refill(f, err);

		if (rc < 0)
			return rc;
		if (rc == 0 && f->out_len == 0)
			return 0;
	}
	avail = f->out_len - f->out_off;
	if (len > avail)
		len = avail;
	memcpy(buf, f->out + f->out_off, len);
	f->out_off += len;
	return (ssize_t)len;
}

static void
fix_close(struct bytesrc *src)
{
	struct fixsrc *f = (struct fixsrc *)src;

	free(f);
}

struct bytesrc *
utf8fix_new(struct bytesrc *src, uint64_t *replaced)
{
	struct fixsrc *f = xcalloc(1, sizeof(*f));

	f->base.read = fix_read;
	f->base.close = fix_close;
	f->inner = src;
	f->replaced = replaced;
	return &f->base;
}
