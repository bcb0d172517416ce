/*
 * copybuf: rows for PostgreSQL's COPY ... FROM STDIN in text format, built
 * in a dynbuf and handed to db_copy_write().
 *
 * Every value is escaped here (backslash, tab, newline, carriage return),
 * so any bytes a stranger sent can go into a field.  NULL is \N.
 *
 * The ceiling is COPYBUF_MAX.  The appends return nothing, so that a row
 * reads as a list of fields: one that would cross the ceiling adds nothing
 * and marks the buffer, and copybuf_check() reports it before the rows
 * are used (as ferror() does for stdio).
 */
#ifndef DMARCSIFT_COPYBUF_H
#define DMARCSIFT_COPYBUF_H

#include <stddef.h>
#include <stdint.h>

#include "dynbuf.h"

struct err;

/* PostgreSQL allocates at most 1 GB at once (MaxAllocSize), so it takes
 * no longer COPY row: a longer one could only fail there. */
#define COPYBUF_MAX ((size_t)1 << 30)

/* copybuf_init() before use, copybuf_free() after; read buf.p and
 * buf.len for the rows. */
struct copybuf {
	struct dynbuf buf;
	int over; /* an append crossed COPYBUF_MAX */
};

void copybuf_init(struct copybuf *b);
/* Appends n raw bytes (no escaping). */
void copybuf_add(struct copybuf *b, const char *s, size_t n);
/*
 * s escaped for a COPY text field; in_array: also as a double-quoted
 * element of an array literal, whose '"' and backslash take a backslash
 * that COPY then doubles.
 */
void copybuf_escaped(struct copybuf *b, const char *s, int in_array);
/* A field (NULL: \N), then sep: '\t' between fields, '\n' after the last. */
void copybuf_text(struct copybuf *b, const char *s, char sep);
void copybuf_u64(struct copybuf *b, uint64_t v, char sep);
void copybuf_i64(struct copybuf *b, int64_t v, char sep);
/* "t" or "f"; v < 0 is NULL. */
void copybuf_bool(struct copybuf *b, int v, char sep);
/* Empties b; a crossing of the ceiling stays marked for copybuf_check(). */
void copybuf_reset(struct copybuf *b);
/* Keeps bytes [0, len): drops a row that could not be finished. */
void copybuf_truncate(struct copybuf *b, size_t len);
/* ERR_LIMIT, saying what crossed the ceiling, when an append since the
 * last check did; clears the mark.  0 otherwise. */
int copybuf_check(struct copybuf *b, const char *what, struct err *err);
void copybuf_free(struct copybuf *b);

#endif
