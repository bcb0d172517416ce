/*
 * pgarray: a PostgreSQL array literal ('{"a",NULL,"b"}') for a parameter
 * such as $1::text[], so that one statement carries a whole batch of rows.
 *
 * Every element is double-quoted with '"' and '\' escaped, so any text is
 * one element; NULL is SQL NULL.  The literal is built in a dynbuf whose
 * ceiling is PGARRAY_MAX: an element that would cross it adds nothing and
 * marks the array, and pgarray_end() then returns NULL (as ferror() tells
 * of a stdio stream), so the appends read as a list.
 *
 * Ownership: the array owns its text; pgarray_end()'s string is borrowed
 * until pgarray_free().
 */
#ifndef DMARCSIFT_PGARRAY_H
#define DMARCSIFT_PGARRAY_H

#include <stddef.h>

#include "dynbuf.h"

struct err;

/* PostgreSQL allocates at most 1 GB at once (MaxAllocSize): no longer
 * parameter could be taken. */
#define PGARRAY_MAX ((size_t)1 << 30)

/* Zeroed or pgarray_init(): an empty array. */
struct pgarray {
	struct dynbuf buf;
	size_t n; /* elements added */
	int over; /* an element crossed PGARRAY_MAX */
};

void pgarray_init(struct pgarray *a);
/* Appends s as one element; NULL is SQL NULL. */
void pgarray_add(struct pgarray *a, const char *s);
/* The literal ("{}" when empty), borrowed from a; NULL when an element
 * crossed the ceiling.  Nothing may be added after it. */
const char *pgarray_end(struct pgarray *a);
/* 0 when none of the n literals of pgarray_end() in params is NULL; else
 * ERR_LIMIT saying a batch crossed the ceiling. */
int pgarray_check(const char *const *params, size_t n, struct err *err);
/* Releases the text; a is empty and may be used again. */
void pgarray_free(struct pgarray *a);

#endif
