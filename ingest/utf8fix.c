#include "utf8fix.h"

#include "bytesrc.h"
#include "err.h"
#include "text.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct fixsrc {
	struct bytesrc base;
	struct bytesrc *inner;
	uint64_t *replaced;
	int decided, active;
	unsigned char in[16384];
	size_t carry; /* bytes of an unfinished sequence kept at in[0] */
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

static ssize_t
fix_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct fixsrc *f = (struct fixsrc *)src;
	unsigned char *out = buf;
	size_t want, have, i = 0, o = 0;
	ssize_t n;

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

	/* Each input byte makes at most 3 output bytes. */
	want = len / 3;
	if (want > sizeof(f->in) - f->carry)
		want = sizeof(f->in) - f->carry;
	if (want == 0)
		want = 1;
	n = bytesrc_read(f->inner, f->in + f->carry, want, err);
	if (n < 0)
		return n;
	if (n == 0 && f->carry == 0)
		return 0;
	have = f->carry + (size_t)n;
	f->carry = 0;
	while (i < have && o + 3 <= len) {
		size_t need = lead_len(f->in[i]);
		size_t ok = utf8_seq_len(f->in + i, have - i);

		if (ok > 0) {
			memcpy(out + o, f->in + i, ok);
			o += ok;
			i += ok;
			continue;
		}
		/* An unfinished sequence at the end of this chunk: keep it
		 * for the next read unless the stream has ended. */
		if (n > 0 && need > have - i) {
			size_t j = i + 1;

			while (j < have && (f->in[j] & 0xc0) == 0x80)
				j++;
			if (j == have) {
				f->carry = have - i;
				memmove(f->in, f->in + i, f->carry);
				i = have;
				break;
			}
		}
		memcpy(out + o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
		(*f->replaced)++;
	}
	if (i < have) {
		/* Output full: keep the rest for the next call. */
		memmove(f->in + f->carry, f->in + i, have - i);
		f->carry += have - i;
	}
	if (o == 0 && f->carry > 0 && n > 0)
		return fix_read(src, buf, len, err);
	return (ssize_t)o;
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
