/*
 * senders_fixture: readiness inputs from a plain list of sources, for the
 * unit tests.  The commands get their senders grouped and cut in SQL
 * (source_senders(), sql/013); these tests hand readiness_judge() a few
 * sources, so this groups them with sources_group() (model.h) the way
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
} * fx_kept;
static size_t fx_nkept;

static void
fx_free_kept(void)
{
	for (size_t i = 0; i < fx_nkept; i++) {
		for (size_t k = 0; k < fx_kept[i].n; k++)
			free(fx_kept[i].v[k].v);
		free(fx_kept[i].v);
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

#endif
