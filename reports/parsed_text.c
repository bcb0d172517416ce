#include "parsed.h"

#include "present.h"
#include "report.h"
#include "text.h"

#include <inttypes.h>
#include <time.h>

/* Values come from strangers: never let one reach a terminal raw. */
static const char *
safe(const char *s, char *buf, size_t len)
{
	if (s == NULL)
		return "-";
	text_printable(s, buf, len);
	return buf;
}

static void
text_record(FILE *fp, const struct dmarc_record *rec, uint64_t nth)
{
	char a[64], b[64], c[64], d[128], e[128], f[128];

	fprintf(fp, "  %-39s %10" PRIu64 "  %-11s %-5s %-5s %s\n",
	    rec->source_ip, rec->count, safe(rec->disposition, a, sizeof(a)),
	    safe(rec->dkim, b, sizeof(b)), safe(rec->spf, c, sizeof(c)),
	    safe(rec->header_from, d, sizeof(d)));
	for (size_t i = 0; i < rec->n_dkim; i++)
		fprintf(fp, "      dkim %s selector %s: %s\n",
		    safe(rec->dkim_results[i].domain, d, sizeof(d)),
		    safe(rec->dkim_results[i].selector, e, sizeof(e)),
		    safe(rec->dkim_results[i].result, a, sizeof(a)));
	for (size_t i = 0; i < rec->n_spf; i++)
		fprintf(fp, "      spf  %s scope %s: %s\n",
		    safe(rec->spf_results[i].domain, d, sizeof(d)),
		    safe(rec->spf_results[i].scope, a, sizeof(a)),
		    safe(rec->spf_results[i].result, b, sizeof(b)));
	for (size_t i = 0; i < rec->n_reasons; i++)
		fprintf(fp, "      reason %s%s%s\n",
		    safe(rec->reasons[i].type, a, sizeof(a)),
		    rec->reasons[i].comment ? ": " : "",
		    rec->reasons[i].comment
		        ? safe(rec->reasons[i].comment, f, sizeof(f))
		        : "");
}

static void
text_head(FILE *fp, const struct dmarc_report *rep, const char *input,
    const char *where)
{
	const struct dmarc_policy *p = &rep->policy;
	char org[128], id[128], dom[256], em[128], b[32], e[32];
	char pp[32], sp[32], np[32], ak[8], as[8], t[8];

	present_time(rep->begin, CLOCK_FORM_SECOND, NULL, b, sizeof(b));
	present_time(rep->end, CLOCK_FORM_SECOND, NULL, e, sizeof(e));
	fprintf(fp, "Report %s from %s for %s\n",
	    safe(rep->report_id, id, sizeof(id)),
	    safe(rep->org_name, org, sizeof(org)),
	    safe(p->domain, dom, sizeof(dom)));
	fprintf(fp, "  period   %s to %s UTC\n", b, e);
	fprintf(fp, "  input    %s%s%s\n", safe(input, dom, sizeof(dom)),
	    where[0] ? ": " : "", where);
	if (rep->email != NULL)
		fprintf(
		    fp, "  contact  %s\n", safe(rep->email, em, sizeof(em)));
	fprintf(fp, "  policy   p=%s sp=%s np=%s adkim=%s aspf=%s testing=%s",
	    safe(p->p, pp, sizeof(pp)), safe(p->sp, sp, sizeof(sp)),
	    safe(p->np, np, sizeof(np)), safe(p->adkim, ak, sizeof(ak)),
	    safe(p->aspf, as, sizeof(as)), safe(p->testing, t, sizeof(t)));
	if (p->pct >= 0)
		fprintf(fp, " pct=%d", p->pct);
	fputc('\n', fp);
	for (size_t i = 0; i < rep->n_errors; i++)
		fprintf(fp, "  reporter error: %s\n",
		    safe(rep->errors[i], dom, sizeof(dom)));
	fprintf(fp, "  %-39s %10s  %-11s %-5s %-5s %s\n", "source ip", "count",
	    "disposition", "dkim", "spf", "header_from");
}

static void
text_tail(FILE *fp, const struct dmarc_report *rep)
{
	char w[512];

	fprintf(fp, "  %" PRIu64 " record(s), %" PRIu64 " message(s)",
	    rep->n_records, rep->messages);
	if (rep->n_dropped > 0)
		fprintf(fp, ", %" PRIu64 " record(s) dropped", rep->n_dropped);
	fputc('\n', fp);
	for (size_t i = 0; i < rep->n_warnings; i++)
		fprintf(fp, "  warning: %s\n",
		    safe(rep->warnings[i], w, sizeof(w)));
	if (rep->warnings_over > 0)
		fprintf(
		    fp, "  (%" PRIu64 " more warnings)\n", rep->warnings_over);
	fputc('\n', fp);
}

const struct parsed_format parsed_text = {text_record, text_head, text_tail};
