/*
 * sources_text: failing sources ranked by volume, one block each: the
 * address, its name, the class, volume, cause and the fix in one line.
 */
#include "sources_render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "present.h"
#include "text.h"
#include "verdict.h"

/* The name to show: service, then PTR, then "-". */
static void
name_of(const struct source *s, char *out, size_t size)
{
	char svc[128], ptr[256];

	text_printable(s->service != NULL ? s->service : "", svc, sizeof(svc));
	text_printable(s->ptr != NULL ? s->ptr : "", ptr, sizeof(ptr));
	if (svc[0] != '\0' && ptr[0] != '\0')
		snprintf(out, size, "%s (%s)", svc, ptr);
	else if (svc[0] != '\0' || ptr[0] != '\0')
		snprintf(out, size, "%s", svc[0] != '\0' ? svc : ptr);
	else
		snprintf(out, size, "-");
}

/* Prints the domains of one kind (dkim: 1, SPF: 0) that the sender's
 * listed addresses name, each once, at most 5: an AS or a PTR domain
 * groups addresses that sign as different domains. */
static void
domains_of(FILE *fp, const struct sender *x, int dkim)
{
	const char *seen[5];
	size_t n = 0;
	char d[256];

	for (size_t i = 0; i < x->n && n < 5; i++) {
		const struct source *s = &x->v[i];
		char **v = dkim ? s->dkim_domains : s->spf_domains;
		size_t nv = dkim ? s->n_dkim : s->n_spf;

		for (size_t k = 0; k < nv && n < 5; k++) {
			size_t j = 0;

			while (j < n && strcmp(seen[j], v[k]) != 0)
				j++;
			if (j < n)
				continue;
			seen[n++] = v[k];
			text_printable(v[k], d, sizeof(d));
			fprintf(fp, " %s", d);
		}
	}
	if (n == 0)
		fputs(" -", fp);
}

/*
 * "sample failures: N (latest: ...)" under a failing source that failure
 * reports name (sql/025), at indent; the strangers' strings printable.
 */
static void
samples(FILE *fp, const struct source *s, const char *indent)
{
	const struct source_failures *f = s->failures;
	char when[PRESENT_TIME_LEN], auth[64], dkim[128], spf[128], from[160];
	char subject[160];

	if (f == NULL || f->n == 0 || s->failed == 0)
		return;
	present_time(f->latest, CLOCK_FORM_MINUTE_UTC, "date not said", when,
	    sizeof(when));
	text_printable(
	    f->auth != NULL && f->auth[0] ? f->auth : "-", auth, sizeof(auth));
	text_printable(f->dkim != NULL ? f->dkim : "-", dkim, sizeof(dkim));
	text_printable(f->spf != NULL ? f->spf : "-", spf, sizeof(spf));
	text_printable(f->from != NULL ? f->from : "-", from, sizeof(from));
	text_printable(
	    f->subject != NULL ? f->subject : "-", subject, sizeof(subject));
	fprintf(fp,
	    "%ssample failures: %" PRIu64 " (latest: %s, failed %s, dkim=%s, "
	    "spf=%s, From %s, Subject %s)\n",
	    indent, f->n, when, auth, dkim, spf, from, subject);
}

/* What a group's top member says about its failures (cause, fix), and
 * who signed for any of its listed addresses. */
static void
explain(FILE *fp, const struct sender *x, int color)
{
	const struct source *s = &x->v[0];
	int cause = s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;
	int any = 0;

	if (cause > 0) {
		fprintf(fp, "  %scause:%s %s\n", color ? PRESENT_RED : "",
		    color ? PRESENT_RESET : "",
		    verdict_cause_text((enum verdict_cause)cause));
		fprintf(fp, "  %sfix:%s %s\n", color ? PRESENT_DIM : "",
		    color ? PRESENT_RESET : "", source_fix(s));
	}
	for (size_t i = 0; i < x->n; i++)
		any |= x->v[i].n_dkim > 0 || x->v[i].n_spf > 0;
	if (any) {
		fputs("  signed by:", fp);
		domains_of(fp, x, 1);
		fputs("; SPF domain:", fp);
		domains_of(fp, x, 0);
		fputc('\n', fp);
	}
}

/* Senders grouped by who sends, most failed first; a sender's addresses
 * one level down; what the list left out counted. */
int
sources_text(FILE *fp, const struct sources_view *v, int color)
{
	const struct sender_list *l = v->senders;
	char from[11], to[11], dom[256];
	uint64_t total = 0, failed = 0;

	present_time(v->since, CLOCK_FORM_DAY, "?", from, sizeof(from));
	present_time(v->until - 1, CLOCK_FORM_DAY, "?", to, sizeof(to));
	text_printable(v->domain, dom, sizeof(dom));
	for (int c = 0; c < SOURCE_NCLASSES; c++) {
		total += l->classes[c].messages;
		failed += l->classes[c].failed;
	}
	fprintf(fp, "%s%s%s: %s senders, %s to %s (%d day%s)\n",
	    color ? PRESENT_BOLD : "", dom, color ? PRESENT_RESET : "",
	    v->all ? "all" : "failing", from, to, v->days,
	    v->days == 1 ? "" : "s");
	fprintf(fp, "%" PRIu64 " messages, %" PRIu64 " failed DMARC\n\n", total,
	    failed);
	for (size_t i = 0; i < l->n; i++) {
		const struct sender *x = &l->v[i];
		const struct source *top = &x->v[0];
		char who[256], name[400], rate[16], first[11], last[11];
		uint64_t shown = 0;

		text_printable(x->who, who, sizeof(who));
		if (x->addresses > 1)
			snprintf(
			    name, sizeof(name), "%zu addresses", x->addresses);
		else if (strcmp(x->who, top->ip) != 0)
			snprintf(name, sizeof(name), "%s", top->ip);
		else
			name_of(top, name, sizeof(name));
		present_failed_rate(
		    x->failed, x->messages, "-", rate, sizeof(rate));
		present_time(
		    x->first_seen, CLOCK_FORM_DAY, "?", first, sizeof(first));
		present_time(
		    x->last_seen, CLOCK_FORM_DAY, "?", last, sizeof(last));
		fprintf(fp, "%s%-39s%s %s\n", color ? PRESENT_BOLD : "", who,
		    color ? PRESENT_RESET : "", name);
		fprintf(fp,
		    "  %-10s  %" PRIu64 " of %" PRIu64
		    " failed (%s)  seen %s to %s\n",
		    source_class_name(x->cls), x->failed, x->messages, rate,
		    first, last);
		explain(fp, x, color);
		if (x->addresses <= 1)
			samples(fp, top, "  ");
		if (x->addresses > 1)
			for (size_t k = 0; k < x->n; k++) {
				const struct source *s = &x->v[k];
				char nm[256];

				shown += s->messages;
				text_printable(s->ptr != NULL ? s->ptr : "", nm,
				    sizeof(nm));
				fprintf(fp,
				    "    %-39s %" PRIu64 " of %" PRIu64
				    " failed%s%s%s%s\n",
				    s->ip, s->failed, s->messages,
				    s->cls != x->cls ? "  " : "",
				    s->cls != x->cls ? source_class_name(s->cls)
				                     : "",
				    nm[0] != '\0' ? "  " : "", nm);
				samples(fp, s, "      ");
			}
		if (x->addresses > x->n && x->addresses > 1)
			fprintf(fp,
			    "    and %zu more addresses (%" PRIu64
			    " messages)\n",
			    x->addresses - x->n,
			    x->messages > shown ? x->messages - shown : 0);
		fputc('\n', fp);
	}
	if (l->more > 0)
		fprintf(fp, "and %zu more senders (%" PRIu64 " messages)\n\n",
		    l->more, l->more_messages);
	if (l->n == 0 && total == 0)
		fputs("No reports in this period.\n", fp);
	else if (l->n == 0)
		fprintf(fp, "No %s in this period.\n",
		    v->all ? "sources" : "sender failed DMARC");
	if (v->offline)
		fputs("(offline: names from the cache only)\n", fp);
	return ferror(fp) ? -1 : 0;
}
