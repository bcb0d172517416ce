#include "summary_text.h"

#include "present.h"
#include "summary.h"
#include "text.h"

#include <inttypes.h>

/* A pass rate (present.h), right-aligned in 6 columns. */
static void
rate(FILE *fp, uint64_t part, uint64_t whole)
{
	char p[PRESENT_PERCENT_LEN];

	fprintf(fp, "%6s", present_rate(part, whole, "-", p, sizeof(p)));
}

void
summary_text(FILE *fp, const struct summary *s, const char *domain)
{
	char dom[256];

	if (s->n == 0 && domain != NULL) {
		text_printable(domain, dom, sizeof(dom));
		fprintf(fp, "No reports stored for %s.\n", dom);
		return;
	}
	if (s->n == 0) {
		fputs("No reports stored yet.  Store some with: dmarcsift "
		      "ingest PATH...\n",
		    fp);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct summary_domain *d = &s->domains[i];

		text_printable(d->domain, dom, sizeof(dom));
		fprintf(fp, "%s  (%s to %s)\n", dom, d->first_day, d->last_day);
		fprintf(fp,
		    "  %" PRIu64 " report(s) from %" PRIu64 " reporter(s), "
		    "%" PRIu64 " message(s), DMARC pass ",
		    d->reports, d->reporters, d->messages);
		rate(fp, d->passed, d->messages);
		fputc('\n', fp);
		if (d->ntop > 0)
			fprintf(fp, "  %-41s %10s %10s\n",
			    "top failing sources", "failed", "messages");
		for (size_t j = 0; j < d->ntop; j++)
			fprintf(fp, "    %-39s %10" PRIu64 " %10" PRIu64 "\n",
			    d->top[j].ip, d->top[j].failed, d->top[j].messages);
		if (i + 1 < s->n)
			fputc('\n', fp);
	}
	if (s->more > 0)
		fprintf(fp,
		    "\nand %" PRIu64 " more domain(s), %" PRIu64
		    " message(s) in all (reports name them; dmarcsift "
		    "summary --domain D shows one)\n",
		    s->more, s->more_messages);
}
