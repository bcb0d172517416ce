/*
 * verdict_copy: the v_* columns of a records row; see verdict_copy.h.
 */
#include "verdict_copy.h"

#include <stddef.h>
#include <string.h>

#include "copybuf.h"
#include "model.h"
#include "report.h"
#include "services.h"
#include "verdict.h"

/* 18 fields. */
#define NFIELDS 18

static const char *
service_of(const struct services *sv, enum services_kind kind, const char *d)
{
	return sv != NULL && d[0] != '\0' ? services_lookup(sv, kind, d) : NULL;
}

/* NULL where have is what the view derives (derived, else fallback),
 * else have itself. */
static const char *
unless_derived(const char *have, const char *derived, const char *fallback)
{
	const char *want = derived != NULL ? derived : fallback;

	return strcmp(have, want) == 0 ? NULL : have;
}

void
verdict_copy_fields(struct copybuf *b, const struct verdict *v,
    const struct dmarc_record *rec, const struct services *sv, char end)
{
	const struct dmarc_dkim_result *d =
	    v->dkim_index >= 0 ? &rec->dkim_results[v->dkim_index] : NULL;
	const struct dmarc_spf_result *s =
	    v->spf_index >= 0 ? &rec->spf_results[v->spf_index] : NULL;
	const char *dkim_result = v->dkim_result ? v->dkim_result : "none";
	const char *spf_result = v->spf_result ? v->spf_result : "none";

	copybuf_bool(b, v->pass, '\t');
	copybuf_bool(b, v->dkim_aligned, '\t');
	copybuf_bool(b, v->spf_aligned, '\t');
	copybuf_bool(b,
	    v->rcv_pass == VERDICT_RCV_ABSENT ? -1
	                                      : v->rcv_pass == VERDICT_RCV_PASS,
	    '\t');
	copybuf_u64(b, v->disagree & 3u, '\t');
	copybuf_u64(b, (unsigned)v->cause, '\t');
	copybuf_u64(b, (unsigned)v->auth_cause, '\t');
	copybuf_u64(b, (unsigned long)(v->dkim_index + 1), '\t');
	copybuf_u64(b, (unsigned long)(v->spf_index + 1), '\t');
	copybuf_text(
	    b, unless_derived(v->header_from, rec->header_from, ""), '\t');
	copybuf_text(
	    b, unless_derived(v->dkim_domain, d ? d->domain : NULL, ""), '\t');
	copybuf_text(
	    b, unless_derived(dkim_result, d ? d->result : NULL, "none"), '\t');
	copybuf_text(
	    b, unless_derived(v->spf_domain, s ? s->domain : NULL, ""), '\t');
	copybuf_text(
	    b, unless_derived(spf_result, s ? s->result : NULL, "none"), '\t');
	copybuf_text(b, v->override, '\t');
	copybuf_text(b, service_of(sv, SERVICES_DKIM, v->dkim_domain), '\t');
	copybuf_text(b, service_of(sv, SERVICES_SPF, v->spf_domain), '\t');
	/* The owner's broken signature beside a re-signer's, by its place
	 * (from 1): NULL for every other record. */
	if (v->own_index >= 0)
		copybuf_u64(b, (unsigned long)(v->own_index + 1), end);
	else
		copybuf_text(b, NULL, end);
}

void
verdict_copy_none(struct copybuf *b, char end)
{
	for (int i = 0; i < NFIELDS; i++)
		copybuf_text(b, NULL, i + 1 < NFIELDS ? '\t' : end);
}
