/*
 * verdict_copy: the row of record_verdicts; see verdict_copy.h.
 */
#include "verdict_copy.h"

#include <stddef.h>

#include "copybuf.h"
#include "services.h"
#include "verdict.h"

static const char *
service_of(const struct services *sv, enum services_kind kind, const char *d)
{
	return sv != NULL && d[0] != '\0' ? services_lookup(sv, kind, d) : NULL;
}

void
verdict_copy_row(struct copybuf *b, const char *report, const char *idx,
    const struct verdict *v, const struct services *sv)
{
	static const char *const disagree[] = {
	    "{}", "{dkim}", "{spf}", "{dkim,spf}"};

	copybuf_text(b, report, '\t');
	copybuf_text(b, idx, '\t');
	copybuf_text(b, v->header_from, '\t');
	copybuf_bool(b, v->dkim_aligned, '\t');
	copybuf_bool(b, v->spf_aligned, '\t');
	copybuf_bool(b, v->pass, '\t');
	copybuf_bool(b,
	    v->rcv_pass == VERDICT_RCV_ABSENT ? -1
	                                      : v->rcv_pass == VERDICT_RCV_PASS,
	    '\t');
	copybuf_text(b, disagree[v->disagree & 3u], '\t');
	copybuf_text(b, verdict_cause_name(v->cause), '\t');
	copybuf_text(b, verdict_cause_name(v->auth_cause), '\t');
	copybuf_text(b, v->override, '\t');
	copybuf_text(b, v->dkim_domain, '\t');
	copybuf_text(b, v->dkim_result != NULL ? v->dkim_result : "none", '\t');
	copybuf_text(b, v->spf_domain, '\t');
	copybuf_text(b, v->spf_result != NULL ? v->spf_result : "none", '\t');
	copybuf_text(b, service_of(sv, SERVICES_DKIM, v->dkim_domain), '\t');
	copybuf_text(b, service_of(sv, SERVICES_SPF, v->spf_domain), '\n');
}
