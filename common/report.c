#include "report.h"

#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FREE(p) (free(p), (p) = NULL)

void
record_reset(struct dmarc_record *rec)
{
	for (size_t i = 0; i < rec->n_reasons; i++) {
		free(rec->reasons[i].type);
		free(rec->reasons[i].comment);
	}
	for (size_t i = 0; i < rec->n_dkim; i++) {
		struct dmarc_dkim_result *d = &rec->dkim_results[i];
		free(d->domain);
		free(d->selector);
		free(d->result);
		free(d->human_result);
	}
	for (size_t i = 0; i < rec->n_spf; i++) {
		struct dmarc_spf_result *s = &rec->spf_results[i];
		free(s->domain);
		free(s->scope);
		free(s->result);
		free(s->human_result);
	}
	free(rec->reasons);
	free(rec->dkim_results);
	free(rec->spf_results);
	free(rec->disposition);
	free(rec->dkim);
	free(rec->spf);
	free(rec->header_from);
	free(rec->envelope_from);
	free(rec->envelope_to);
	memset(rec, 0, sizeof(*rec));
}

/* Grows an array by one zeroed element; callers bound n beforehand. */
static void *
grow(void *arr, size_t *n, size_t size)
{
	char *p = xrealloc(arr, (*n + 1) * size);

	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

struct dmarc_reason *
record_add_reason(struct dmarc_record *rec)
{
	rec->reasons =
	    grow(rec->reasons, &rec->n_reasons, sizeof(*rec->reasons));
	return &rec->reasons[rec->n_reasons - 1];
}

struct dmarc_dkim_result *
record_add_dkim(struct dmarc_record *rec)
{
	rec->dkim_results =
	    grow(rec->dkim_results, &rec->n_dkim, sizeof(*rec->dkim_results));
	return &rec->dkim_results[rec->n_dkim - 1];
}

struct dmarc_spf_result *
record_add_spf(struct dmarc_record *rec)
{
	rec->spf_results =
	    grow(rec->spf_results, &rec->n_spf, sizeof(*rec->spf_results));
	return &rec->spf_results[rec->n_spf - 1];
}

void
report_init(struct dmarc_report *rep, size_t max_warnings)
{
	memset(rep, 0, sizeof(*rep));
	rep->policy.pct = -1;
	rep->max_warnings = max_warnings;
}

void
report_reset(struct dmarc_report *rep)
{
	struct dmarc_policy *p = &rep->policy;
	size_t max = rep->max_warnings;

	free(rep->version);
	free(rep->ns);
	free(rep->org_name);
	free(rep->email);
	free(rep->extra_contact_info);
	free(rep->report_id);
	free(rep->generator);
	for (size_t i = 0; i < rep->n_errors; i++)
		free(rep->errors[i]);
	free(rep->errors);
	free(p->domain);
	free(p->adkim);
	free(p->aspf);
	free(p->p);
	free(p->sp);
	free(p->np);
	free(p->fo);
	free(p->testing);
	free(p->discovery_method);
	for (size_t i = 0; i < rep->n_warnings; i++)
		free(rep->warnings[i]);
	free(rep->warnings);
	report_init(rep, max);
}

void
report_add_error(struct dmarc_report *rep, const char *text)
{
	rep->errors =
	    xrealloc(rep->errors, (rep->n_errors + 1) * sizeof(*rep->errors));
	rep->errors[rep->n_errors++] = xstrdup(text);
}

void
report_warn(struct dmarc_report *rep, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (rep->n_warnings >= rep->max_warnings) {
		rep->warnings_over++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rep->warnings = xrealloc(
	    rep->warnings, (rep->n_warnings + 1) * sizeof(*rep->warnings));
	rep->warnings[rep->n_warnings++] = xstrdup(buf);
}
