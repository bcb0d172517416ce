/* pgarray: PostgreSQL array literals; see pgarray.h. */
#include "pgarray.h"

#include "err.h"

#include <string.h>

void
pgarray_init(struct pgarray *a)
{
	memset(a, 0, sizeof(*a));
	dynbuf_init(&a->buf, PGARRAY_MAX);
}

void
pgarray_add(struct pgarray *a, const char *s)
{
	size_t before = a->buf.len;
	int rc;

	/* A zeroed struct has a ceiling of 0: give it the real one. */
	if (a->buf.max == 0 && a->buf.len == 0)
		dynbuf_init(&a->buf, PGARRAY_MAX);
	rc = dynbuf_addstr(&a->buf, a->n == 0 ? "{" : ",");
	if (s == NULL) {
		rc |= dynbuf_addstr(&a->buf, "NULL");
	} else {
		rc |= dynbuf_addstr(&a->buf, "\"");
		for (; *s != '\0' && rc == 0; s++) {
			if (*s == '"' || *s == '\\')
				rc |= dynbuf_add(&a->buf, "\\", 1);
			rc |= dynbuf_add(&a->buf, s, 1);
		}
		rc |= dynbuf_addstr(&a->buf, "\"");
	}
	if (rc != 0) {
		/* Not half an element: the literal stays well formed. */
		dynbuf_truncate(&a->buf, before);
		a->over = 1;
		return;
	}
	a->n++;
}

const char *
pgarray_end(struct pgarray *a)
{
	if (a->over)
		return NULL;
	if (a->n == 0)
		return "{}";
	if (dynbuf_addstr(&a->buf, "}") < 0) {
		a->over = 1;
		return NULL;
	}
	return a->buf.p;
}

int
pgarray_check(const char *const *params, size_t n, struct err *err)
{
	for (size_t i = 0; i < n; i++) {
		if (params[i] == NULL)
			return err_set(err, ERR_LIMIT,
			    "a batch is longer than PostgreSQL takes in one "
			    "parameter (%zu bytes)",
			    PGARRAY_MAX);
	}
	return 0;
}

void
pgarray_free(struct pgarray *a)
{
	dynbuf_free(&a->buf);
	memset(a, 0, sizeof(*a));
	dynbuf_init(&a->buf, PGARRAY_MAX);
}
