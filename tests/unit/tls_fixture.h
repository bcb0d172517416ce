/*
 * tls_fixture: hand-made SMTP TLS summaries (analyze/tls.h) in a domain of
 * a hand-made digest, for the renderers' tests (digest_fixture.h,
 * digest_fixture_html.h).  Allocated as tls_compute() allocates, so that
 * digest_free() releases them.  Totals follow the days and reporters
 * added.
 */
#ifndef DMARCSIFT_TEST_TLS_FIXTURE_H
#define DMARCSIFT_TEST_TLS_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include "digest.h"
#include "tls.h"
#include "xalloc.h"

/* An empty TLS summary of dd's period (the digest's since and until),
 * dd's to free. */
static inline struct tls_summary *
fx_tls(const struct digest *d, struct digest_domain *dd)
{
	struct tls_summary *s = xcalloc(1, sizeof(*s));

	s->domain = xstrdup(dd->domain);
	s->since = d->since;
	s->until = d->until;
	dd->tls = s;
	return s;
}

static inline void
fx_tls_day(struct tls_summary *s, const char *day, uint64_t ok, uint64_t failed)
{
	s->days = xrealloc(s->days, (s->n_days + 1) * sizeof(*s->days));
	snprintf(s->days[s->n_days].day, sizeof(s->days[0].day), "%s", day);
	s->days[s->n_days].successful = ok;
	s->days[s->n_days++].failed = failed;
	s->successful += ok;
	s->failed += failed;
}

/* mx NULL: the failure details named none. */
static inline void
fx_tls_mx(
    struct tls_summary *s, const char *mx, uint64_t failed, const char *types)
{
	s->mxs = xrealloc(s->mxs, (s->n_mxs + 1) * sizeof(*s->mxs));
	s->mxs[s->n_mxs].mx = mx != NULL ? xstrdup(mx) : NULL;
	s->mxs[s->n_mxs].failed = failed;
	s->mxs[s->n_mxs++].types = xstrdup(types);
}

static inline void
fx_tls_type(
    struct tls_summary *s, const char *type, uint64_t failed, uint64_t mxs)
{
	s->types = xrealloc(s->types, (s->n_types + 1) * sizeof(*s->types));
	s->types[s->n_types].type = xstrdup(type);
	s->types[s->n_types].failed = failed;
	s->types[s->n_types++].mxs = mxs;
}

static inline void
fx_tls_reporter(struct tls_summary *s, const char *name, uint64_t ok,
    uint64_t failed, const char *last)
{
	struct tls_reporter *r;

	s->reporters = xrealloc(
	    s->reporters, (s->n_reporters + 1) * sizeof(*s->reporters));
	r = &s->reporters[s->n_reporters++];
	r->name = xstrdup(name);
	r->reports = 1;
	r->successful = ok;
	r->failed = failed;
	snprintf(r->last, sizeof(r->last), "%s", last);
	s->reports++;
	snprintf(s->latest, sizeof(s->latest), "%s", last);
}

#endif
