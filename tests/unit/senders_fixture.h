/*
 * senders_fixture: readiness inputs from a plain list of sources, for the
 * unit tests.  The commands get their senders grouped and cut in SQL
 * (source_senders(), sql/013); these tests hand readiness_judge() a few
 * sources, so this groups them with sources_group() (sources_group.h) the way
 * the SQL does: the failing legitimate and unknown sources by who, with
 * their sums, and the legitimate mail receivers quarantined or rejected.
 * What it allocates lives until the test program exits, and is freed
 * then (before LeakSanitizer looks).
 */
#ifndef DMARCSIFT_SENDERS_FIXTURE_H
#define DMARCSIFT_SENDERS_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readiness.h"
#include "sources.h"
#include "sources_group.h"
#include "xalloc.h"

static uint64_t
fx_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The sender lists handed out, freed at exit. */
static struct {
	struct sender *v;
	size_t n;
	struct source *hits; /* fx_hits()' */
	uint64_t *affected;
} * fx_kept;
static size_t fx_nkept;

static void
fx_free_kept(void)
{
	for (size_t i = 0; i < fx_nkept; i++) {
		for (size_t k = 0; k < fx_kept[i].n; k++)
			free(fx_kept[i].v[k].v);
		free(fx_kept[i].v);
		free(fx_kept[i].hits);
		free(fx_kept[i].affected);
	}
	free(fx_kept);
	fx_kept = NULL;
	fx_nkept = 0;
}

static void
fx_set_sources(struct readiness_inputs *in, const struct source *v, size_t n)
{
	const struct source **p = xcalloc(n + 1, sizeof(*p));
	struct source_group *g;
	struct sender *out;
	size_t m = 0, ng;

	in->legit_lost = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].cls == SOURCE_LEGITIMATE)
			in->legit_lost = fx_sat(in->legit_lost,
			    fx_sat(v[i].quarantined, v[i].rejected));
		if ((v[i].cls == SOURCE_LEGITIMATE ||
		        v[i].cls == SOURCE_UNKNOWN) &&
		    v[i].failed > 0)
			p[m++] = &v[i];
	}
	sources_group(p, m, &g, &ng);
	free(p);
	/* The inputs borrow it for the rest of the test. */
	out = xcalloc(ng + 1, sizeof(*out));
	if (fx_nkept == 0)
		atexit(fx_free_kept);
	fx_kept = xrealloc(fx_kept, (fx_nkept + 1) * sizeof(*fx_kept));
	fx_kept[fx_nkept].v = out;
	fx_kept[fx_nkept].hits = NULL;
	fx_kept[fx_nkept].affected = NULL;
	fx_kept[fx_nkept++].n = ng;
	for (size_t i = 0; i < ng; i++) {
		struct sender *x = &out[i];

		x->who = (char *)g[i].who;
		x->cls = g[i].cls;
		x->n = x->addresses = g[i].n;
		x->v = xcalloc(g[i].n, sizeof(*x->v));
		x->messages = g[i].messages;
		x->passed = g[i].passed;
		x->failed = g[i].failed;
		for (size_t k = 0; k < g[i].n; k++) {
			const struct source *s = g[i].v[k];
			uint64_t sub = s->failed_sub < s->failed ? s->failed_sub
			                                         : s->failed;

			x->v[k] = *s;
			x->failed_sub = fx_sat(x->failed_sub, sub);
			x->failed_np = fx_sat(x->failed_np,
			    s->failed_np < sub ? s->failed_np : sub);
		}
	}
	source_groups_free(g, ng);
	in->senders = out;
	in->n_senders = ng;
	in->more_senders = in->more_blocking = 0;
}

/* The sources pol hits, as source_whatif() (sql/defs/43) gives them: what
 * readiness_hit() hits of each, most first (then the most mail, then the
 * address), at most top of them in h->l (shallow copies of v), and sums
 * per class over all.  h->l.v and h->affected live until exit. */
static int
fx_by_affected(const void *a, const void *b)
{
	const struct source *x = a, *y = b;

	/* affected is kept in cause_messages while sorting. */
	if (x->cause_messages != y->cause_messages)
		return x->cause_messages > y->cause_messages ? -1 : 1;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

static inline void
fx_hits(const struct source *v, size_t n, const struct policy_spec *pol,
    size_t top, struct source_hits *h)
{
	struct source *hit = xcalloc(n + 1, sizeof(*hit));
	size_t m = 0;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		uint64_t a = readiness_hit(&v[i], pol);
		unsigned c = (unsigned)v[i].cls < SOURCE_NCLASSES
		    ? (unsigned)v[i].cls
		    : SOURCE_UNKNOWN;

		h->messages[c] = fx_sat(h->messages[c], v[i].messages);
		h->affected_sum[c] = fx_sat(h->affected_sum[c], a);
		if (a == 0)
			continue;
		h->hits[c]++;
		hit[m] = v[i];
		hit[m++].cause_messages = a;
	}
	qsort(hit, m, sizeof(*hit), fx_by_affected);
	h->l.n = m < top ? m : top;
	h->affected = xcalloc(m + 1, sizeof(*h->affected));
	for (size_t i = 0; i < m; i++) {
		h->affected[i] = hit[i].cause_messages;
		/* Put back what the source said. */
		for (size_t k = 0; k < n; k++)
			if (strcmp(v[k].ip, hit[i].ip) == 0)
				hit[i].cause_messages = v[k].cause_messages;
	}
	h->l.v = hit;
	if (fx_nkept == 0)
		atexit(fx_free_kept);
	/* An empty sender list holds the two arrays till exit. */
	fx_kept = xrealloc(fx_kept, (fx_nkept + 1) * sizeof(*fx_kept));
	fx_kept[fx_nkept].v = NULL;
	fx_kept[fx_nkept].n = 0;
	fx_kept[fx_nkept].hits = hit;
	fx_kept[fx_nkept++].affected = h->affected;
}

/* The senders pol hits most, as source_senders() gives them for a
 * what-if: the sources with failing mail grouped by who, their hit the
 * sum of readiness_hit() over their addresses, most hit first (then most
 * failed, then by name), top of them with their first addrs addresses;
 * more_over counts those left out with any hit.  Lives until exit. */
static int
fx_by_hit(const void *a, const void *b)
{
	const struct sender *x = a, *y = b;

	if (x->hit != y->hit)
		return x->hit > y->hit ? -1 : 1;
	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	return strcmp(x->who, y->who);
}

static inline void
fx_whatif_senders(const struct source *v, size_t n,
    const struct policy_spec *pol, size_t top, size_t addrs,
    struct sender_list *l)
{
	const struct source **p = xcalloc(n + 1, sizeof(*p));
	struct source_group *g;
	struct sender *out;
	size_t m = 0, ng;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++)
		if (v[i].failed > 0)
			p[m++] = &v[i];
	sources_group(p, m, &g, &ng);
	free(p);
	out = xcalloc(ng + 1, sizeof(*out));
	for (size_t i = 0; i < ng; i++) {
		struct sender *x = &out[i];

		x->who = (char *)g[i].who;
		x->cls = g[i].cls;
		x->addresses = g[i].n;
		x->n = g[i].n < addrs ? g[i].n : addrs;
		x->v = xcalloc(g[i].n, sizeof(*x->v));
		x->messages = g[i].messages;
		x->passed = g[i].passed;
		x->failed = g[i].failed;
		for (size_t k = 0; k < g[i].n; k++) {
			x->v[k] = *g[i].v[k];
			x->hit = fx_sat(x->hit, readiness_hit(g[i].v[k], pol));
		}
	}
	source_groups_free(g, ng);
	qsort(out, ng, sizeof(*out), fx_by_hit);
	l->v = out;
	l->n = ng < top ? ng : top;
	l->senders = ng;
	for (size_t i = l->n; i < ng; i++)
		l->more_over += out[i].hit > 0;
	if (fx_nkept == 0)
		atexit(fx_free_kept);
	fx_kept = xrealloc(fx_kept, (fx_nkept + 1) * sizeof(*fx_kept));
	fx_kept[fx_nkept].v = out;
	fx_kept[fx_nkept].hits = NULL;
	fx_kept[fx_nkept].affected = NULL;
	fx_kept[fx_nkept++].n = ng;
}

#endif
