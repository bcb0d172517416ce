/* copybuf: COPY text-format rows; see copybuf.h. */
#include "copybuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void
copybuf_init(struct copybuf *b)
{
	dynbuf_init(&b->buf, COPYBUF_MAX);
	b->over = 0;
}

void
copybuf_add(struct copybuf *b, const char *s, size_t n)
{
	/* After a refused append the row is incomplete: add no more. */
	if (b->over || dynbuf_add(&b->buf, s, n) < 0)
		b->over = 1;
}

void
copybuf_escaped(struct copybuf *b, const char *s, int in_array)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = *s == '\\' ? (in_array ? "\\\\\\\\" : "\\\\")
		    : *s == '"' && in_array  ? "\\\\\""
		    : *s == '\t'             ? "\\t"
		    : *s == '\n'             ? "\\n"
		    : *s == '\r'             ? "\\r"
		                             : NULL;

		if (esc == NULL)
			continue;
		copybuf_add(b, run, (size_t)(s - run));
		copybuf_add(b, esc, strlen(esc));
		run = s + 1;
	}
	copybuf_add(b, run, (size_t)(s - run));
}

void
copybuf_text(struct copybuf *b, const char *s, char sep)
{
	if (s == NULL)
		copybuf_add(b, "\\N", 2);
	else
		copybuf_escaped(b, s, 0);
	copybuf_add(b, &sep, 1);
}

void
copybuf_u64(struct copybuf *b, uint64_t v, char sep)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	copybuf_text(b, num, sep);
}

void
copybuf_i64(struct copybuf *b, int64_t v, char sep)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	copybuf_text(b, num, sep);
}

void
copybuf_bool(struct copybuf *b, int v, char sep)
{
	copybuf_text(b, v < 0 ? NULL : v ? "t" : "f", sep);
}

void
copybuf_reset(struct copybuf *b)
{
	dynbuf_reset(&b->buf);
}

void
copybuf_truncate(struct copybuf *b, size_t len)
{
	dynbuf_truncate(&b->buf, len);
}

int
copybuf_check(struct copybuf *b, const char *what, struct err *err)
{
	if (!b->over)
		return 0;
	b->over = 0;
	return err_set(err, ERR_LIMIT,
	    "%s: longer than the %zu bytes PostgreSQL takes in one COPY row",
	    what, (size_t)COPYBUF_MAX);
}

void
copybuf_free(struct copybuf *b)
{
	dynbuf_free(&b->buf);
	b->over = 0;
}
