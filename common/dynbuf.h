/*
 * dynbuf: a growable byte buffer with a ceiling set when it is made.
 *
 * Every buffer fed from outside (a mail, an IMAP answer, a config file, a
 * program's output) grows only up to the ceiling its owner chose, so no
 * input can make us hold more than that (curl's dynbuf is the model).
 * Appending past the ceiling fails with ERR_LIMIT and changes nothing: the
 * buffer holds what it held before the call.  Out of memory aborts
 * (xalloc.h), so the ceiling is the only way an append fails.
 *
 * The bytes are NUL-terminated once any memory is held (p[len] == '\0'),
 * so text can be read as a string; the NUL does not count against the
 * ceiling.  A secret buffer (dynbuf_init_secret()) wipes what it held when
 * it grows, is reset or freed, for passwords and tokens.
 *
 * Ownership: the buffer owns p until dynbuf_take() hands it to the caller.
 * dynbuf_free() releases it; a zeroed or freed buffer may be freed again.
 */
#ifndef DMARCSIFT_DYNBUF_H
#define DMARCSIFT_DYNBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Read p and len; change them only through the functions below. */
struct dynbuf {
	char *p; /* NULL until the first byte is added */
	size_t len; /* bytes held, at most max */
	size_t cap; /* bytes allocated: len + 1 at least, once p is set */
	size_t max; /* the ceiling of len */
	int secret; /* wipe on grow, reset and free */
};

/* An empty buffer that will hold at most max bytes; allocates nothing. */
void dynbuf_init(struct dynbuf *b, size_t max);
/* The same, for a secret: memory it lets go of is wiped first. */
void dynbuf_init_secret(struct dynbuf *b, size_t max);

/* Appends n bytes: 0, or ERR_LIMIT (b unchanged) past the ceiling. */
int dynbuf_add(struct dynbuf *b, const void *p, size_t n);
/* Appends the string s without its NUL. */
int dynbuf_addstr(struct dynbuf *b, const char *s);
/* Appends formatted text: 0, or ERR_LIMIT (b unchanged). */
int dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int dynbuf_vprintf(struct dynbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Room to write up to want more bytes in place: returns where they go and
 * in *room how many fit (fewer than want near the ceiling, 0 when full).
 * What is written there counts once dynbuf_commit() says how much it was.
 */
char *dynbuf_room(struct dynbuf *b, size_t want, size_t *room);
/* Counts n bytes written at dynbuf_room() (n at most its *room). */
void dynbuf_commit(struct dynbuf *b, size_t n);

/*
 * One read(2) from fd into b (EINTR retried).  0 with *got the number of
 * bytes (0 at end of file); ERR_LIMIT when b is full and fd has more (one
 * byte was read to tell, and dropped); ERR_IO when read fails (errno set).
 */
int dynbuf_read(struct dynbuf *b, int fd, size_t *got);

/* Keeps only bytes [0, len) (len at most b->len). */
void dynbuf_truncate(struct dynbuf *b, size_t len);
/* Keeps only the last n bytes: for the end of a long output. */
void dynbuf_keep_tail(struct dynbuf *b, size_t n);
/* Empties b, keeping its memory and its ceiling. */
void dynbuf_reset(struct dynbuf *b);
/* Empties b and gives it a new ceiling, keeping its memory: one buffer
 * reused for inputs of differing limits. */
void dynbuf_reset_max(struct dynbuf *b, size_t max);

/* The bytes as a string: "" when there are none (borrowed from b). */
const char *dynbuf_str(const struct dynbuf *b);
/*
 * Hands the bytes to the caller (free(), or wipe first if secret): never
 * NULL, NUL-terminated, *len their number when len is set.  b is left
 * empty, with its ceiling, ready for reuse.
 */
char *dynbuf_take(struct dynbuf *b, size_t *len);
/* Releases the memory; b is empty and may be used again. */
void dynbuf_free(struct dynbuf *b);

#endif
