#include "bytesrc.h"

#include "dynbuf.h"
#include "err.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What bytesrc_slurp() asks a source for at a time. */
#define SLURP_CHUNK (64 * 1024)

ssize_t
bytesrc_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	ssize_t n;

	if (src->peek_off < src->peek_len) {
		size_t avail = src->peek_len - src->peek_off;

		if (len > avail)
			len = avail;
		memcpy(buf, src->peek + src->peek_off, len);
		src->peek_off += len;
		return (ssize_t)len;
	}
	if (src->eof || len == 0)
		return 0;
	n = src->read(src, buf, len, err);
	if (n == 0)
		src->eof = 1;
	return n;
}

ssize_t
bytesrc_peek(struct bytesrc *src, size_t want, const unsigned char **head,
    struct err *err)
{
	if (want > BYTESRC_PEEK_MAX)
		want = BYTESRC_PEEK_MAX;
	if (src->peek_off > 0) {
		memmove(src->peek, src->peek + src->peek_off,
		    src->peek_len - src->peek_off);
		src->peek_len -= src->peek_off;
		src->peek_off = 0;
	}
	while (src->peek_len < want && !src->eof) {
		ssize_t n = src->read(
		    src, src->peek + src->peek_len, want - src->peek_len, err);

		if (n < 0)
			return n;
		if (n == 0)
			src->eof = 1;
		src->peek_len += (size_t)n;
	}
	*head = src->peek;
	return (ssize_t)(src->peek_len < want ? src->peek_len : want);
}

int
bytesrc_slurp(struct bytesrc *src, uint64_t max, const char *limit_name,
    unsigned char **out, size_t *out_len, struct err *err)
{
	struct dynbuf buf;
	size_t room;
	char *p, probe;
	ssize_t n;

	dynbuf_init(&buf, max < SIZE_MAX ? (size_t)max : SIZE_MAX);
	for (;;) {
		p = dynbuf_room(&buf, SLURP_CHUNK, &room);
		if (room == 0) {
			/* Full: one more byte says whether there was more. */
			p = &probe;
			room = 1;
		}
		n = bytesrc_read(src, p, room, err);
		if (n <= 0)
			break;
		if (p == &probe) {
			dynbuf_free(&buf);
			return err_set(err, ERR_LIMIT,
			    "larger than %llu bytes (limit %s)",
			    (unsigned long long)max, limit_name);
		}
		dynbuf_commit(&buf, (size_t)n);
	}
	if (n < 0) {
		dynbuf_free(&buf);
		return (int)n;
	}
	*out = (unsigned char *)dynbuf_take(&buf, out_len);
	return 0;
}

void
bytesrc_free(struct bytesrc *src)
{
	if (src != NULL)
		src->close(src);
}

struct memsrc {
	struct bytesrc base;
	const unsigned char *buf;
	size_t len, off;
};

static ssize_t
mem_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct memsrc *m = (struct memsrc *)src;

	(void)err;
	if (len > m->len - m->off)
		len = m->len - m->off;
	if (len == 0)
		return 0;
	memcpy(buf, m->buf + m->off, len);
	m->off += len;
	return (ssize_t)len;
}

static void
simple_close(struct bytesrc *src)
{
	free(src);
}

struct bytesrc *
bytesrc_mem_new(const void *buf, size_t len)
{
	struct memsrc *m = xcalloc(1, sizeof(*m));

	m->base.read = mem_read;
	m->base.close = simple_close;
	m->buf = buf;
	m->len = len;
	return &m->base;
}

struct fdsrc {
	struct bytesrc base;
	int fd, own_fd;
	uint64_t max, total;
};

static ssize_t
fd_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct fdsrc *f = (struct fdsrc *)src;
	ssize_t n;

	do
		n = read(f->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, ERR_IO, "read error: %s", strerror(errno));
	f->total += (uint64_t)n;
	if (f->total > f->max)
		return err_set(err, ERR_LIMIT,
		    "input larger than %llu bytes (limit input_bytes)",
		    (unsigned long long)f->max);
	return n;
}

static void
fd_close(struct bytesrc *src)
{
	struct fdsrc *f = (struct fdsrc *)src;

	if (f->own_fd)
		close(f->fd);
	free(f);
}

struct bytesrc *
bytesrc_fd_new(int fd, int own_fd, uint64_t max)
{
	struct fdsrc *f = xcalloc(1, sizeof(*f));

	f->base.read = fd_read;
	f->base.close = fd_close;
	f->fd = fd;
	f->own_fd = own_fd;
	f->max = max;
	return &f->base;
}
