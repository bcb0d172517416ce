/*
 * bytesrc: a pull stream of bytes, the pipe between unpacking layers.
 *
 * Every layer (file, memory, gzip, zip member, MIME part, UTF-8 repair) is a
 * struct bytesrc; the XML parser pulls from the outermost one, so a report
 * flows through in small chunks and never sits in memory whole.
 *
 * An implementation embeds struct bytesrc as its first member and fills in
 * read() and close().  Callers use bytesrc_read() and bytesrc_peek(), never
 * the function pointers, so peeked bytes are replayed transparently.
 * After a read fails, callers do not read again.
 * bytesrc_free() calls close() (which releases the implementation, and any
 * inner source it owns) and is a no-op on NULL.
 */
#ifndef DMARCSIFT_BYTESRC_H
#define DMARCSIFT_BYTESRC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct err;

#define BYTESRC_PEEK_MAX 4096

struct bytesrc {
	/* Reads up to len bytes; returns the count, 0 at end, or a negative
	 * err_code with err set. */
	ssize_t (*read)(
	    struct bytesrc *src, void *buf, size_t len, struct err *err);
	void (*close)(struct bytesrc *src);
	/* Managed by bytesrc.c: bytes peeked and not yet read. */
	unsigned char peek[BYTESRC_PEEK_MAX];
	size_t peek_len, peek_off;
	int eof;
};

ssize_t bytesrc_read(
    struct bytesrc *src, void *buf, size_t len, struct err *err);
/*
 * Makes up to want (<= BYTESRC_PEEK_MAX) bytes available without consuming
 * them; *head points into src and stays valid until the next read.  Returns
 * how many are available (fewer at end of stream) or a negative err_code.
 */
ssize_t bytesrc_peek(struct bytesrc *src, size_t want,
    const unsigned char **head, struct err *err);
/*
 * Reads everything into a new buffer owned by the caller (*out, free()).
 * More than max bytes is an ERR_LIMIT error naming limit_name.
 */
int bytesrc_slurp(struct bytesrc *src, uint64_t max, const char *limit_name,
    unsigned char **out, size_t *out_len, struct err *err);
void bytesrc_free(struct bytesrc *src);

/* Reads a buffer the caller keeps alive longer than the source. */
struct bytesrc *bytesrc_mem_new(const void *buf, size_t len);
/*
 * Reads a file descriptor; owns and closes it when own_fd is set.  More
 * than max bytes is an ERR_LIMIT error ("limit input_bytes").
 */
struct bytesrc *bytesrc_fd_new(int fd, int own_fd, uint64_t max);

#endif
