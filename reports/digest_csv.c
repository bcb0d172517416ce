/*
 * digest_csv: one table of the periodic summary as CSV (RFC 4180: a
 * header row, CRLF line ends, fields quoted when they hold a comma, a
 * quote, CR or LF, quotes doubled).  The tables and their columns are
 * documented in reports/README.md.
 *
 * Text cells are strangers' strings bound for a spreadsheet: control
 * characters and invalid UTF-8 become '?' (text_printable()), and a cell
 * that would begin with = + - @ TAB or CR gets a leading single quote, so
 * that no spreadsheet runs it as a formula (CSV injection).  Numbers and
 * times are ours and written as they are.
 */
#include "digest_render.h"

#include "digest.h"
#include "percent.h"
#include "present.h"
#include "text.h"
#include "tls.h"
#include "tls_render.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

const char *const digest_csv_tables[] = {
    "days", "sources", "reporters", "refused", "tls", "tls_failures", NULL};

/* Longest text cell, in bytes; longer text is cut with "...". */
#define CELL_MAX 4096

/* A text cell, after a comma unless first. */
static void
cell(FILE *fp, const char *s, int first)
{
	char buf[CELL_MAX];
	int quote;

	if (!first)
		fputc(',', fp);
	if (s == NULL)
		return;
	text_printable(s, buf, sizeof(buf));
	quote = strpbrk(buf, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', fp);
	if (strchr("=+-@\t\r", buf[0]) != NULL && buf[0] != '\0')
		fputc('\'', fp);
	for (const char *p = buf; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	if (quote)
		fputc('"', fp);
}

static void
num(FILE *fp, uint64_t v)
{
	fprintf(fp, ",%" PRIu64, v);
}

static void
endrow(FILE *fp)
{
	fputs("\r\n", fp);
}

/* ",2026-11-16T00:00:00Z", or an empty field for an unknown time. */
static void
when(FILE *fp, int64_t t)
{
	char buf[PRESENT_TIME_LEN];

	fputc(',', fp);
	fputs(present_time(t, CLOCK_FORM_ISO, "", buf, sizeof(buf)), fp);
}

static void
days(FILE *fp, const struct digest *d)
{
	fputs("domain,day,messages,passed,failed,pass_rate", fp);
	endrow(fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		for (size_t j = 0; j < dd->ndays; j++) {
			const struct digest_day *day = &dd->days[j];
			char rate[PERCENT_LEN], when[PRESENT_TIME_LEN];
			uint64_t failed = day->messages >= day->passed
			    ? day->messages - day->passed
			    : 0;

			cell(fp, dd->domain, 1);
			cell(fp,
			    present_time(day->day, CLOCK_FORM_DAY, "?", when,
			        sizeof(when)),
			    0);
			num(fp, day->messages);
			num(fp, day->passed);
			num(fp, failed);
			fputc(',', fp);
			/* Rounded down as everywhere (percent.h); empty, not
			 * 0, on a day without mail. */
			if (percent_text(day->passed, day->messages, rate,
			        sizeof(rate)) == 0)
				fputs(rate, fp);
			endrow(fp);
		}
	}
}

/* sender: the name of the sender the address belongs to, as text and JSON
 * show it (digest_sender_name() of its row), so that a spreadsheet can
 * group the rows of one sender again. */
static void
source_row(FILE *fp, const char *domain, const char *list,
    const struct source *s, const char *sender)
{
	cell(fp, domain, 1);
	cell(fp, list, 0);
	cell(fp, s->ip, 0);
	cell(fp, source_class_name(s->cls), 0);
	cell(fp, s->service, 0);
	cell(fp, s->ptr, 0);
	num(fp, s->messages);
	num(fp, s->passed);
	num(fp, s->failed);
	cell(fp, s->cause, 0);
	when(fp, s->first_seen);
	when(fp, s->last_seen);
	cell(fp, sender, 0);
	endrow(fp);
}

/* A row per address, with its own counts: a sender of several addresses
 * is its addresses, one after the other, most failed first (no row
 * carries a sender's sums), each naming the sender.  The sender column is
 * the last one so that readers counting columns (cut -f) keep working. */
static void
source_rows(FILE *fp, const char *domain, const char *list,
    const struct digest_sources *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct digest_addresses *a = digest_addresses_of(l, i);

		const char *sender = digest_sender_name(&l->v[i]);

		if (a == NULL) {
			source_row(fp, domain, list, &l->v[i], sender);
			continue;
		}
		for (size_t k = 0; k < a->n; k++)
			source_row(fp, domain, list, &a->v[k], sender);
	}
}

static void
sources(FILE *fp, const struct digest *d)
{
	fputs("domain,list,ip,class,service,ptr,messages,passed,failed,cause,"
	      "first_seen,last_seen,sender",
	    fp);
	endrow(fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		source_rows(
		    fp, dd->domain, "failing_yours", &dd->failing_legit);
		source_rows(fp, dd->domain, "new", &dd->new_sources);
		source_rows(fp, dd->domain, "stopped", &dd->stopped);
		source_rows(fp, dd->domain, "spoofing", &dd->spoofing);
	}
}

static void
reporters(FILE *fp, const struct digest *d)
{
	fputs("domain,reporter,reports,messages,days_covered,silent", fp);
	endrow(fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		for (size_t j = 0; j < dd->nreporters; j++) {
			const struct digest_reporter *r = &dd->reporters[j];

			cell(fp, dd->domain, 1);
			cell(fp, r->name, 0);
			num(fp, r->reports);
			num(fp, r->messages);
			fprintf(
			    fp, ",%d,%d", r->ndays_covered, r->silent ? 1 : 0);
			endrow(fp);
		}
	}
}

static void
refused(FILE *fp, const struct digest *d)
{
	fputs("input,source_name,received_at,reason", fp);
	endrow(fp);
	for (size_t i = 0; i < d->nrefused; i++) {
		const struct digest_refused *r = &d->refused[i];

		fprintf(fp, "%" PRId64, r->input);
		cell(fp, r->source_name, 0);
		when(fp, r->received_at);
		cell(fp, r->reason, 0);
		endrow(fp);
	}
}

/* A success rate, rounded down as every rate; empty without sessions. */
static void
tls_rate(FILE *fp, uint64_t ok, uint64_t failed)
{
	char rate[PERCENT_LEN];

	fputc(',', fp);
	if (percent_text(ok, ok + failed, rate, sizeof(rate)) == 0)
		fputs(rate, fp);
}

/* The days with SMTP TLS reports, as `dmarcsift tls` counts them. */
static void
tls(FILE *fp, const struct digest *d)
{
	fputs("domain,day,sessions,successful,failed,success_rate", fp);
	endrow(fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct tls_summary *s = d->domains[i].tls;

		for (size_t j = 0; s != NULL && j < s->n_days; j++) {
			const struct tls_day *day = &s->days[j];

			cell(fp, d->domains[i].domain, 1);
			cell(fp, day->day, 0);
			num(fp, day->successful + day->failed);
			num(fp, day->successful);
			num(fp, day->failed);
			tls_rate(fp, day->successful, day->failed);
			endrow(fp);
		}
	}
}

/* Why TLS sessions failed, each result type with its fix. */
static void
tls_failures(FILE *fp, const struct digest *d)
{
	fputs("domain,result_type,failed,mx_hosts,text,fix", fp);
	endrow(fp);
	for (size_t i = 0; i < d->n; i++) {
		const struct tls_summary *s = d->domains[i].tls;

		for (size_t j = 0; s != NULL && j < s->n_types; j++) {
			const struct tls_type *t = &s->types[j];

			cell(fp, d->domains[i].domain, 1);
			cell(fp, t->type, 0);
			num(fp, t->failed);
			num(fp, t->mxs);
			cell(fp, tls_type_text(t->type), 0);
			cell(fp, tls_type_fix(t->type), 0);
			endrow(fp);
		}
	}
}

int
digest_csv(FILE *fp, const struct digest *d, const char *table)
{
	static void (*const writers[])(FILE *, const struct digest *) = {
	    days, sources, reporters, refused, tls, tls_failures};
	size_t i;

	for (i = 0; table != NULL && digest_csv_tables[i] != NULL; i++)
		if (strcmp(table, digest_csv_tables[i]) == 0)
			break;
	if (table == NULL || digest_csv_tables[i] == NULL) {
		errno = EINVAL;
		return -1;
	}
	writers[i](fp, d);
	return present_end(fp);
}
