#include "parsed.h"

#include "json.h"
#include "report.h"

#include <inttypes.h>

static void
json_record(FILE *fp, const struct dmarc_record *rec, uint64_t nth)
{
	if (nth > 0)
		fputc(',', fp);
	fputc('{', fp);
	json_kv_str(fp, "source_ip", rec->source_ip, 1);
	json_kv_u64(fp, "count", rec->count, 0);
	json_kv_str(fp, "disposition", rec->disposition, 0);
	json_kv_str(fp, "dkim", rec->dkim, 0);
	json_kv_str(fp, "spf", rec->spf, 0);
	json_key(fp, "reasons", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_reasons; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "type", rec->reasons[i].type, 1);
		json_kv_str(fp, "comment", rec->reasons[i].comment, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_str(fp, "header_from", rec->header_from, 0);
	json_kv_str(fp, "envelope_from", rec->envelope_from, 0);
	json_kv_str(fp, "envelope_to", rec->envelope_to, 0);
	json_key(fp, "dkim_results", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_dkim; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", d->domain, 1);
		json_kv_str(fp, "selector", d->selector, 0);
		json_kv_str(fp, "result", d->result, 0);
		json_kv_str(fp, "human_result", d->human_result, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "spf_results", 0);
	fputc('[', fp);
	for (size_t i = 0; i < rec->n_spf; i++) {
		const struct dmarc_spf_result *s = &rec->spf_results[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "domain", s->domain, 1);
		json_kv_str(fp, "scope", s->scope, 0);
		json_kv_str(fp, "result", s->result, 0);
		json_kv_str(fp, "human_result", s->human_result, 0);
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
	json_kv_str(fp, "input", input, 1);
	json_kv_str(fp, "where", where, 0);
	json_kv_str(fp, "version", rep->version, 0);
	json_kv_str(fp, "namespace", rep->ns, 0);
	json_kv_str(fp, "org_name", rep->org_name, 0);
	json_kv_str(fp, "email", rep->email, 0);
	json_kv_str(fp, "extra_contact_info", rep->extra_contact_info, 0);
	json_kv_str(fp, "report_id", rep->report_id, 0);
	json_kv_str(fp, "generator", rep->generator, 0);
	json_kv_strv(fp, "errors", rep->errors, rep->n_errors, 0);
	json_kv_str(fp, "domain", p->domain, 0);
	json_kv_i64(fp, "begin", rep->begin, 0);
	json_kv_i64(fp, "end", rep->end, 0);
	json_key(fp, "policy", 0);
	fputc('{', fp);
	json_kv_str(fp, "p", p->p, 1);
	json_kv_str(fp, "sp", p->sp, 0);
	json_kv_str(fp, "np", p->np, 0);
	json_kv_int_opt(fp, "pct", p->pct, 0);
	json_kv_str(fp, "adkim", p->adkim, 0);
	json_kv_str(fp, "aspf", p->aspf, 0);
	json_kv_str(fp, "fo", p->fo, 0);
	json_kv_str(fp, "testing", p->testing, 0);
	json_kv_str(fp, "discovery_method", p->discovery_method, 0);
	fputc('}', fp);
	json_kv_u64(fp, "record_count", rep->n_records, 0);
	json_kv_u64(fp, "records_dropped", rep->n_dropped, 0);
	json_kv_u64(fp, "messages", rep->messages, 0);
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
