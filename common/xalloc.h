/*
 * xalloc: allocation that succeeds or never returns.
 *
 * Out of memory is not an error path anywhere in dmarcsift (after Postfix's
 * mymalloc): these print one line and abort.  Every x*() result is owned by
 * the caller and released with free().
 */
#ifndef DMARCSIFT_XALLOC_H
#define DMARCSIFT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf: formatted string, owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees the n strings of v, then v (NULL with n 0 is fine). */
void strv_free(char **v, size_t n);

#endif
