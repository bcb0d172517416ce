/* dynbuf: a growable buffer with a ceiling; see dynbuf.h. */
#include "dynbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "xalloc.h"

/* The first allocation: small buffers stay small. */
#define DYNBUF_FIRST 64
/* What one dynbuf_read() asks for when the buffer has less room. */
#define DYNBUF_READ 16384

void
dynbuf_init(struct dynbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	/* Nothing can hold more; it keeps len + 1 from overflowing. */
	b->max = max < SIZE_MAX / 2 ? max : SIZE_MAX / 2;
}

void
dynbuf_init_secret(struct dynbuf *b, size_t max)
{
	dynbuf_init(b, max);
	b->secret = 1;
}

/* Makes room for need bytes and the NUL; need is at most b->max. */
static void
grow(struct dynbuf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need + 1 <= b->cap)
		return;
	/* Doubling keeps appends cheap; the ceiling caps it. */
	if (b->cap == 0)
		cap = DYNBUF_FIRST;
	else if (b->cap > (b->max + 1) / 2)
		cap = b->max + 1;
	else
		cap = b->cap * 2;
	if (cap < need + 1)
		cap = need + 1;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if (!b->secret) {
		b->p = xrealloc(b->p, cap);
	} else {
		/* realloc() may leave a copy behind: move it by hand. */
		p = xmalloc(cap);
		if (b->p != NULL) {
			memcpy(p, b->p, b->len + 1);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
	}
	if (b->cap == 0)
		b->p[0] = '\0';
	b->cap = cap;
}

int
dynbuf_add(struct dynbuf *b, const void *p, size_t n)
{
	if (n > b->max - b->len)
		return ERR_LIMIT;
	grow(b, b->len + n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
dynbuf_addstr(struct dynbuf *b, const char *s)
{
	return dynbuf_add(b, s, strlen(s));
}

int
dynbuf_vprintf(struct dynbuf *b, const char *fmt, va_list ap)
{
	size_t avail = b->cap > b->len ? b->cap - b->len : 0;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(avail > 0 ? b->p + b->len : NULL, avail, fmt, ap);
	if (n < 0 || (size_t)n > b->max - b->len) {
		/* What vsnprintf() wrote past len is not ours to keep. */
		if (b->p != NULL)
			b->p[b->len] = '\0';
		va_end(again);
		return ERR_LIMIT;
	}
	if ((size_t)n >= avail) {
		grow(b, b->len + (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
	return 0;
}

int
dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = dynbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *
dynbuf_room(struct dynbuf *b, size_t want, size_t *room)
{
	size_t left = b->max - b->len;

	*room = want < left ? want : left;
	grow(b, b->len + *room);
	return b->p + b->len;
}

void
dynbuf_commit(struct dynbuf *b, size_t n)
{
	b->len += n;
	b->p[b->len] = '\0';
}

int
dynbuf_read(struct dynbuf *b, int fd, size_t *got)
{
	size_t room, want = b->cap - (b->cap > 0) - b->len;
	char *p, probe;
	ssize_t n;

	*got = 0;
	p = dynbuf_room(b, want >= 4096 ? want : DYNBUF_READ, &room);
	if (room == 0) {
		/* Full: one more byte says whether there was more. */
		p = &probe;
		room = 1;
	}
	do
		n = read(fd, p, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ERR_IO;
	if (n > 0 && p == &probe)
		return ERR_LIMIT;
	dynbuf_commit(b, (size_t)n);
	*got = (size_t)n;
	return 0;
}

void
dynbuf_truncate(struct dynbuf *b, size_t len)
{
	if (len >= b->len)
		return;
	if (b->secret)
		explicit_bzero(b->p + len, b->len - len);
	b->len = len;
	b->p[len] = '\0';
}

void
dynbuf_keep_tail(struct dynbuf *b, size_t n)
{
	if (n >= b->len)
		return;
	memmove(b->p, b->p + (b->len - n), n);
	dynbuf_truncate(b, n);
}

void
dynbuf_reset(struct dynbuf *b)
{
	dynbuf_truncate(b, 0);
}

void
dynbuf_reset_max(struct dynbuf *b, size_t max)
{
	dynbuf_reset(b);
	b->max = max < SIZE_MAX / 2 ? max : SIZE_MAX / 2;
}

const char *
dynbuf_str(const struct dynbuf *b)
{
	return b->p != NULL ? b->p : "";
}

char *
dynbuf_take(struct dynbuf *b, size_t *len)
{
	char *p = b->p != NULL ? b->p : xstrdup("");

	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
dynbuf_free(struct dynbuf *b)
{
	if (b->p != NULL && b->secret)
		explicit_bzero(b->p, b->cap);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
