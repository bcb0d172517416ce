/*
 * unpack_gzip: the gzip backend, an inflating bytesrc over the outer one.
 *
 * One gzip file is one inner stream, even when it holds several members
 * (RFC 1952 allows concatenation, and gzip(1) prints them as one).  Input
 * passes through a fixed buffer, so memory stays the same whatever the
 * size; every chunk of output is counted against the limits before the
 * caller sees it.  This is the only file that uses zlib.
 */
#include "unpack.h"

#include "bytesrc.h"
#include "dynbuf.h"
#include "err.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GZ_INBUF (64 * 1024)
/* avail_out is a uInt and the result an ssize_t: cap one read. */
#define GZ_MAX_READ (1U << 30)

enum gz_state {
	GZ_MEMBER, /* inside a member: inflate */
	GZ_BETWEEN, /* a member ended: another one, or the end? */
	GZ_DONE, /* end of output; anything left in the input is ignored */
	GZ_FAILED, /* an error was returned; it is returned again */
};

struct gzsrc {
	struct bytesrc base;
	struct bytesrc *in; /* not owned */
	struct unpack_env *env;
	z_stream zs;
	enum gz_state state;
	int in_eof;
	uint64_t total_in, total_out; /* this layer, all members */
	struct err fail; /* what GZ_FAILED returns again */
	unsigned char ibuf[GZ_INBUF];
};

/* zlib allocates through xalloc, so Z_MEM_ERROR cannot happen. */
static voidpf
gz_zalloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return xcalloc(items, size);
}

static void
gz_zfree(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

/* Remembers the error so that a later read cannot go past it. */
static int
gz_fail(struct gzsrc *g, int code, struct err *err)
{
	g->state = GZ_FAILED;
	g->fail = *err;
	g->fail.code = code;
	return code;
}

/*
 * Moves unread input to the front of the buffer and reads until at least
 * need bytes are there, or the input ends.  Returns 0 or the inner
 * source's error.
 */
static int
gz_fill(struct gzsrc *g, size_t need, struct err *err)
{
	z_stream *zs = &g->zs;
	ssize_t n;

	if (zs->avail_in > 0 && zs->next_in != g->ibuf)
		memmove(g->ibuf, zs->next_in, zs->avail_in);
	zs->next_in = g->ibuf;
	while (zs->avail_in < need && !g->in_eof) {
		n = bytesrc_read(g->in, g->ibuf + zs->avail_in,
		    GZ_INBUF - zs->avail_in, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			g->in_eof = 1;
		else
			zs->avail_in += (uInt)n;
	}
	return 0;
}

static ssize_t
gz_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct gzsrc *g = (struct gzsrc *)src;
	z_stream *zs = &g->zs;
	uInt in_before, out_before;
	size_t in_used, out_made;
	int rc;

	if (len > GZ_MAX_READ)
		len = GZ_MAX_READ;
	for (;;) {
		switch (g->state) {
		case GZ_FAILED:
			*err = g->fail;
			return g->fail.code;
		case GZ_DONE:
			return 0;
		case GZ_BETWEEN:
			if ((rc = gz_fill(g, 2, err)) < 0)
				return gz_fail(g, rc, err);
			/* Real reporters append "\r\n" or padding: only a
			 * gzip magic starts another member. */
			if (zs->avail_in >= 2 && zs->next_in[0] == 0x1f &&
			    zs->next_in[1] == 0x8b) {
				if (inflateReset(zs) != Z_OK) {
					err_set(err, ERR_MALFORMED,
					    "gzip: cannot start next member");
					return gz_fail(g, ERR_MALFORMED, err);
				}
				g->state = GZ_MEMBER;
			} else
				g->state = GZ_DONE;
			continue;
		case GZ_MEMBER:
			break;
		}

		if (zs->avail_in == 0) {
			if ((rc = gz_fill(g, 1, err)) < 0)
				return gz_fail(g, rc, err);
			if (zs->avail_in == 0) {
				err_set(err, ERR_MALFORMED,
				    "gzip: truncated: compressed data ends "
				    "early");
				return gz_fail(g, ERR_MALFORMED, err);
			}
		}
		zs->next_out = buf;
		zs->avail_out = (uInt)len;
		in_before = zs->avail_in;
		out_before = zs->avail_out;
		rc = inflate(zs, Z_NO_FLUSH);
		in_used = in_before - zs->avail_in;
		out_made = out_before - zs->avail_out;
		g->total_in += in_used;
		g->total_out += out_made;

		switch (rc) {
		case Z_STREAM_END:
			g->state = GZ_BETWEEN;
			break;
		case Z_OK:
		case Z_BUF_ERROR:
			/* Both input and output space were there, so no
			 * progress at all means zlib is stuck. */
			if (in_used == 0 && out_made == 0) {
				err_set(err, ERR_MALFORMED,
				    "gzip: inflate makes no progress");
				return gz_fail(g, ERR_MALFORMED, err);
			}
			break;
		default:
			err_set(err, ERR_MALFORMED, "gzip: %s",
			    zs->msg != NULL ? zs->msg : "corrupt data");
			return gz_fail(g, ERR_MALFORMED, err);
		}
		if (out_made > 0) {
			rc = unpack_account(
			    g->env, out_made, g->total_in, g->total_out, err);
			if (rc < 0) {
				err_prefix(err, "gzip");
				return gz_fail(g, rc, err);
			}
			return (ssize_t)out_made;
		}
	}
}

static void
gz_close(struct bytesrc *src)
{
	struct gzsrc *g = (struct gzsrc *)src;

	inflateEnd(&g->zs);
	free(g);
}

static int
gzip_each(struct bytesrc *src, struct unpack_env *env, unpack_item_fn fn,
    void *arg, struct err *err)
{
	struct gzsrc *g = xcalloc(1, sizeof(*g));
	int rc;

	g->base.read = gz_read;
	g->base.close = gz_close;
	g->in = src;
	g->env = env;
	g->state = GZ_MEMBER;
	g->zs.zalloc = gz_zalloc;
	g->zs.zfree = gz_zfree;
	g->zs.next_in = g->ibuf;
	/* 16 + MAX_WBITS: gzip framing only, so a zlib or raw stream that
	 * did not come through unpack_sniff() is refused, not guessed. */
	if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK) {
		free(g);
		return err_set(
		    err, ERR_MALFORMED, "gzip: cannot initialise zlib");
	}
	/* Transparent: no label, so places read "attachment x: zip member y".
	 */
	rc = fn(arg, &g->base, "", err);
	bytesrc_free(&g->base);
	return rc < 0 ? rc : 0;
}

const struct unpack_backend unpack_gzip = {"gzip", gzip_each};

int
unpack_gzip_compress(
    const void *buf, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream z;
	uLong cap;
	unsigned char *dst;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		abort(); /* only on out of memory */
	cap = deflateBound(&z, (uLong)len);
	dst = xmalloc(cap);
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(dst);
		return -1;
	}
	*out = dst;
	*out_len = z.total_out;
	return 0;
}

int
unpack_gzip_decompress(const void *buf, size_t len, uint64_t max,
    unsigned char **out, size_t *out_len)
{
	struct dynbuf b;
	z_stream z;
	unsigned char probe;
	size_t room, want, made;
	char *at;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		abort(); /* only on out of memory */
	dynbuf_init(&b, max < SIZE_MAX ? (size_t)max : SIZE_MAX);
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	do {
		/* A guess at the size first, then as much again as is held:
		 * doubling, capped by the ceiling. */
		want = b.len > 0 ? b.len : len * 4 + 1024;
		at = dynbuf_room(
		    &b, want < GZ_MAX_READ ? want : GZ_MAX_READ, &room);
		/* Full: one more byte says whether there is more than max. */
		z.next_out = room > 0 ? (Bytef *)at : &probe;
		z.avail_out = room > 0 ? (uInt)room : 1;
		rc = inflate(&z, Z_NO_FLUSH);
		made = (room > 0 ? room : 1) - z.avail_out;
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		if (room == 0 && made > 0) {
			rc = Z_BUF_ERROR;
			break;
		}
		if (room > 0)
			dynbuf_commit(&b, made);
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		dynbuf_free(&b);
		return -1;
	}
	*out = (unsigned char *)dynbuf_take(&b, out_len);
	return 0;
}
