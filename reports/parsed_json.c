#include "parsed.h"

#include "json.h"
#include "report.h"

#include <inttypes.h>

static void
str(FILE *fp, const char *key, const char *val, int first)
{
	json_key(fp, key, first);
	json_string(fp, val);
}

static void
json_record(FILE *fp, const struct dmarc_record *rec, uint64_t nth)
{
	if (nth > 0)
		fputc(',', fp);
	fputc('{', fp);
	str(fp, "source_ip", rec->source_ip, 1);
	json_key(fp, "count", 0);
	fprintf(fp, "%" PRIu64, rec->count);
	str(fp, "disposition", rec->disposition, 0);
	str(fp, "dkim", rec->dkim, 0);
	str(fp, "spf", rec->spf, 0);
	json_key(fp, "reasons", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_reasons; i++) {
		fputs(i ? ",{" : "{", fp);
		str(fp, "type", rec->reasons[i].type, 1);
		str(fp, "comment", rec->reasons[i].comment, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	str(fp, "header_from", rec->header_from, 0);
	str(fp, "envelope_from", rec->envelope_from, 0);
	str(fp, "envelope_to", rec->envelope_to, 0);
	json_key(fp, "dkim_results", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_dkim; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];

		fputs(i ? ",{" : "{", fp);
		str(fp, "domain", d->domain, 1);
		str(fp, "selector", d->selector, 0);
		str(fp, "result", d->result, 0);
		str(fp, "human_result", d->human_result, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "spf_results", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_spf; i++) {
		const struct dmarc_spf_result *s = &rec->spf_results[i];

		fputs(i ? ",{" : "{", fp);
		str(fp, "domain", s->domain, 1);
		str(fp, "scope", s->scope, 0);
		str(fp, "result", s->result, 0);
		str(fp, "human_result", s->human_result, 0);
		fputc('}', fp);
	}
	fputs("]}", fp);
}

static void
json_head(FILE *fp, const struct dmarc_report *rep, const char *input,
    const char *where)
{
	const struct dmarc_policy *p = &rep->policy;

	fputc('{', fp);
	str(fp, "input", input, 1);
	str(fp, "where", where, 0);
	str(fp, "version", rep->version, 0);
	str(fp, "namespace", rep->ns, 0);
	str(fp, "org_name", rep->org_name, 0);
	str(fp, "email", rep->email, 0);
	str(fp, "extra_contact_info", rep->extra_contact_info, 0);
	str(fp, "report_id", rep->report_id, 0);
	str(fp, "generator", rep->generator, 0);
	json_key(fp, "errors", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rep->n_errors; i++) {
		if (i)
			fputc(',', fp);
		json_string(fp, rep->errors[i]);
	}
	fputc(']', fp);
	str(fp, "domain", p->domain, 0);
	json_key(fp, "begin", 0);
	fprintf(fp, "%" PRId64, rep->begin);
	json_key(fp, "end", 0);
	fprintf(fp, "%" PRId64, rep->end);
	json_key(fp, "policy", 0);
	fputc('{', fp);
	str(fp, "p", p->p, 1);
	str(fp, "sp", p->sp, 0);
	str(fp, "np", p->np, 0);
	json_key(fp, "pct", 0);
	if (p->pct < 0)
		fputs("null", fp);
	else
		fprintf(fp, "%d", p->pct);
	str(fp, "adkim", p->adkim, 0);
	str(fp, "aspf", p->aspf, 0);
	str(fp, "fo", p->fo, 0);
	str(fp, "testing", p->testing, 0);
	str(fp, "discovery_method", p->discovery_method, 0);
	fputc('}', fp);
	json_key(fp, "record_count", 0);
	fprintf(fp, "%" PRIu64, rep->n_records);
	json_key(fp, "records_dropped", 0);
	fprintf(fp, "%" PRIu64, rep->n_dropped);
	json_key(fp, "messages", 0);
	fprintf(fp, "%" PRIu64, rep->messages);
	json_key(fp, "records", 0);
	fputc('[', fp);
}

static void
json_tail(FILE *fp, const struct dmarc_report *rep)
{
	fputc(']', fp);
	json_key(fp, "warnings", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rep->n_warnings; i++) {
		if (i)
			fputc(',', fp);
		json_string(fp, rep->warnings[i]);
	}
	if (rep->warnings_over > 0) {
		char more[64];

		snprintf(more, sizeof(more), "%" PRIu64 " more warning(s)",
		    rep->warnings_over);
		if (rep->n_warnings)
			fputc(',', fp);
		json_string(fp, more);
	}
	fputs("]}\n", fp);
}

const struct parsed_format parsed_json = {json_record, json_head, json_tail};
