/*
 * sources_group: the addresses of a list grouped by who sends them, in
 * memory, as source_senders() (sql/defs/40) groups them in the database;
 * see sources_group.h.  For the unit tests' fixtures only: the commands
 * group in SQL.
 */
#include "sources_group.h"

#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "xalloc.h"

static const char *
who_of(const struct source *s)
{
	return s->who != NULL ? s->who : s->ip != NULL ? s->ip : "";
}

/* By who, then most failed first, then most mail, then address. */
static int
by_who_failed(const void *a, const void *b)
{
	const struct source *x = *(const struct source *const *)a;
	const struct source *y = *(const struct source *const *)b;
	int c = strcmp(who_of(x), who_of(y));

	if (c != 0)
		return c;
	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->ip != NULL ? x->ip : "", y->ip != NULL ? y->ip : "");
}

static int
by_group_failed(const void *a, const void *b)
{
	const struct source_group *x = a, *y = b;

	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->who, y->who);
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void
sources_group(const struct source *const *v, size_t n,
    struct source_group **out, size_t *nout)
{
	const struct source **sorted;
	struct source_group *g = NULL;
	size_t ng = 0;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return;
	sorted = xcalloc(n, sizeof(*sorted));
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_who_failed);
	g = xcalloc(n, sizeof(*g));
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct source_group *x = &g[ng++];

		while (
		    j < n && strcmp(who_of(sorted[j]), who_of(sorted[i])) == 0)
			j++;
		x->who = who_of(sorted[i]);
		x->n = j - i;
		x->v = xcalloc(x->n, sizeof(*x->v));
		memcpy(x->v, &sorted[i], x->n * sizeof(*x->v));
		/* Members are most failed first: the first names the class
		 * unless another is legitimate. */
		x->cls = x->v[0]->cls;
		for (size_t k = 0; k < x->n; k++) {
			x->messages = add_sat(x->messages, x->v[k]->messages);
			x->passed = add_sat(x->passed, x->v[k]->passed);
			x->failed = add_sat(x->failed, x->v[k]->failed);
			if (x->v[k]->cls == SOURCE_LEGITIMATE)
				x->cls = SOURCE_LEGITIMATE;
		}
		i = j;
	}
	free(sorted);
	qsort(g, ng, sizeof(*g), by_group_failed);
	*out = g;
	*nout = ng;
}

void
source_groups_free(struct source_group *g, size_t n)
{
	for (size_t i = 0; g != NULL && i < n; i++)
		free(g[i].v);
	free(g);
}
