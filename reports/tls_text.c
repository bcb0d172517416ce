/*
 * tls_text: the summary of tls_compute() as text (tls_render.h).  Reads
 * nothing; strangers' strings (reporters, MX names, result types) are made
 * printable.
 */
#include "tls_render.h"

#include "clock.h"
#include "percent.h"
#include "text.h"
#include "tls.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SAFE 256 /* bytes kept of one stranger's string in text */

#define RED(c) ((c) ? "\033[31m" : "")
#define BOLD(c) ((c) ? "\033[1m" : "")
#define RESET(c) ((c) ? "\033[0m" : "")

static const char *
safe(const char *s, char *buf)
{
	text_printable(s != NULL ? s : "(not said)", buf, SAFE);
	return buf;
}

/* The line for what a list left out, if anything. */
static void
more(FILE *fp, size_t total, size_t shown, const char *what)
{
	if (total > shown)
		fprintf(fp, "  ... and %zu more %s\n", total - shown, what);
}

void
tls_text(FILE *fp, const struct tls_summary *s, int color)
{
	char from[CLOCK_TEXT_LEN], to[CLOCK_TEXT_LEN], pct[PERCENT_LEN];
	char a[SAFE], b[SAFE];
	uint64_t all = s->successful + s->failed;

	clock_text(s->since, CLOCK_FORM_DAY, from, sizeof(from));
	clock_text(s->until - CLOCK_DAY, CLOCK_FORM_DAY, to, sizeof(to));
	fprintf(fp, "%s%s%s: SMTP TLS reports, %s to %s (%" PRId64 " days)\n",
	    BOLD(color), safe(s->domain, a), RESET(color), from, to,
	    (s->until - s->since) / CLOCK_DAY);
	if (s->reports == 0) {
		fprintf(fp, "no TLS reports about %s in the period", a);
		if (s->latest[0] != '\0')
			fprintf(fp, "; the latest begins %s", s->latest);
		fprintf(fp, "\n");
		return;
	}
	percent_text(s->successful, all, pct, sizeof(pct));
	fprintf(fp,
	    "%" PRIu64 " sessions, %s%" PRIu64 " failed%s: %s%% succeeded "
	    "(%" PRIu64 " report(s) from %zu reporter(s))\n",
	    all, s->failed ? RED(color) : "", s->failed, RESET(color), pct,
	    s->reports, s->reporters_total);

	fprintf(fp, "\nBy day\n");
	for (size_t i = 0; i < s->n_days; i++) {
		const struct tls_day *d = &s->days[i];

		percent_text(
		    d->successful, d->successful + d->failed, pct, sizeof(pct));
		fprintf(fp,
		    "  %s  %6s%%  %" PRIu64 " of %" PRIu64
		    " sessions succeeded\n",
		    d->day, pct, d->successful, d->successful + d->failed);
	}

	if (s->n_mxs > 0)
		fprintf(fp,
		    "\nFailed sessions by receiving MX (reporters "
		    "count successes per policy, not per MX)\n");
	for (size_t i = 0; i < s->n_mxs; i++)
		fprintf(fp, "  %-40s %s%" PRIu64 " failed%s: %s\n",
		    safe(s->mxs[i].mx, a), RED(color), s->mxs[i].failed,
		    RESET(color), safe(s->mxs[i].types, b));
	more(fp, s->mxs_total, s->n_mxs, "MX host(s)");

	if (s->n_types > 0)
		fprintf(fp, "\nWhy sessions failed\n");
	for (size_t i = 0; i < s->n_types; i++) {
		const struct tls_type *t = &s->types[i];

		fprintf(fp,
		    "  %s%-28s%s %" PRIu64 " session(s), %" PRIu64 " MX\n"
		    "    %s\n    fix: %s\n",
		    RED(color), safe(t->type, a), RESET(color), t->failed,
		    t->mxs, tls_type_text(t->type), tls_type_fix(t->type));
	}
	more(fp, s->types_total, s->n_types, "result type(s)");

	fprintf(fp, "\nReporters\n");
	for (size_t i = 0; i < s->n_reporters; i++) {
		const struct tls_reporter *r = &s->reporters[i];

		percent_text(
		    r->successful, r->successful + r->failed, pct, sizeof(pct));
		fprintf(fp,
		    "  %-32s %" PRIu64 " report(s), %" PRIu64
		    " sessions, %" PRIu64 " failed (%s%% succeeded), last %s\n",
		    safe(r->name, a), r->reports, r->successful + r->failed,
		    r->failed, pct, r->last);
	}
	more(fp, s->reporters_total, s->n_reporters, "reporter(s)");
}
