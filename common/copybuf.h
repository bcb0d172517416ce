/*
 * copybuf: rows for PostgreSQL's COPY ... FROM STDIN in text format, built
 * in a growable buffer and handed to db_copy_write().
 *
 * Every value is escaped here (backslash, tab, newline, carriage return),
 * so any bytes a stranger sent can go into a field.  NULL is \N.
 */
#ifndef DMARCSIFT_COPYBUF_H
#define DMARCSIFT_COPYBUF_H

#include <stddef.h>
#include <stdint.h>

/* Zero-initialise; copybuf_free() releases the memory. */
struct copybuf {
	char *p; /* NUL-terminated when len > 0 */
	size_t len, cap;
};

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
void copybuf_free(struct copybuf *b);

#endif
