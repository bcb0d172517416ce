/*
 * digest_markdown: the periodic summary as GitHub-flavoured Markdown, for
 * a wiki page, an issue or a chat that renders it.
 *
 * Strings from outside never become Markdown: names (domains, addresses,
 * PTR names, services, reporters, paths) are shown in code spans whose
 * backtick fence is longer than any run inside, other text has every
 * character Markdown gives a meaning backslash-escaped, and a TXT record
 * goes in a fenced block longer than any backtick run it holds.  All of it
 * goes through text_printable() first: no control character, no newline
 * that would end a table row.  In tables '|' is escaped even inside code
 * spans, as GFM splits cells before it reads spans.
 */
#include "digest_render.h"

#include "clock.h"
#include "digest.h"
#include "digest_outline.h"
#include "present.h"
#include "text.h"
#include "tls.h"
#include "tls_render.h"
#include "verdict.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* Widths, dates and percentages: present.h. */

/* Escaped text (not a name); NULL or "" shows as "-". */
static void
md_text(FILE *fp, const char *s)
{
	char buf[PRESENT_SAFE_MAX];

	if (s == NULL || s[0] == '\0') {
		fputc('-', fp);
		return;
	}
	text_printable(s, buf, sizeof(buf));
	for (const char *p = buf; *p != '\0'; p++) {
		/* What starts emphasis, code, links, HTML, entities, math,
		 * mentions, headings, strikethrough and table cells. */
		if (strchr("\\`*_[]<>|~#&!$@{}", *p) != NULL)
			fputc('\\', fp);
		fputc(*p, fp);
	}
}

/* Longest run of c in s. */
static size_t
run_of(const char *s, char c)
{
	size_t best = 0, n = 0;

	for (; *s != '\0'; s++) {
		n = *s == c ? n + 1 : 0;
		if (n > best)
			best = n;
	}
	return best;
}

static void
ticks(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc('`', fp);
}

/* A name in a code span; in_table escapes '|'.  NULL or "" shows as
 * "-". */
static void
md_code(FILE *fp, const char *s, int in_table)
{
	char buf[PRESENT_SAFE_MAX];
	size_t fence, len;
	int pad;

	if (s == NULL || s[0] == '\0') {
		fputc('-', fp);
		return;
	}
	text_printable(s, buf, sizeof(buf));
	len = strlen(buf);
	fence = run_of(buf, '`') + 1;
	/* A space each side is stripped by the reader: it keeps a backtick
	 * at either end from joining the fence. */
	pad = buf[0] == '`' || buf[len - 1] == '`' || buf[0] == ' ' ||
	    buf[len - 1] == ' ';
	ticks(fp, fence);
	if (pad)
		fputc(' ', fp);
	for (const char *p = buf; *p != '\0'; p++) {
		if (*p == '|' && in_table)
			fputc('\\', fp);
		fputc(*p, fp);
	}
	if (pad)
		fputc(' ', fp);
	ticks(fp, fence);
}

static void
more(FILE *fp, size_t n)
{
	if (n > 0)
		fprintf(fp, "\nand %zu more.\n", n);
}

static void
totals(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	char a[32], before[DIGEST_PREVIOUS_LEN];

	/* Our own words and numbers: nothing to escape. */
	digest_previous_text(dd, before, sizeof(before));
	if (dd->messages == 0) {
		fprintf(fp, "%s\n", before);
		/* Where the data is (our own day texts). */
		if (dd->gap.latest_day[0] != '\0')
			fprintf(fp,
			    "\nThe latest report about this domain ends %.10s: "
			    "try "
			    "`--until %.10s`.\n",
			    dd->gap.latest_day, dd->gap.try_until);
		else if (dd->gap.earliest_day[0] != '\0')
			fprintf(fp,
			    "\nThe earliest report about this domain begins "
			    "%.10s.\n",
			    dd->gap.earliest_day);
		return;
	}
	fprintf(fp, "**%" PRIu64 " messages, %s pass DMARC.** %s\n",
	    dd->messages,
	    present_rate(dd->passed, dd->messages, "-", a, sizeof(a)), before);
}

static void
days(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	char buf[32], day[PRESENT_TIME_LEN];

	if (dd->messages == 0 || dd->ndays == 0)
		return;
	fputs("\n### Day by day\n\n"
	      "| Day | Messages | Passed | Failed | Pass rate |\n"
	      "|:---|---:|---:|---:|---:|\n",
	    fp);
	for (size_t i = 0; i < dd->ndays; i++) {
		const struct digest_day *d = &dd->days[i];

		fprintf(fp,
		    "| %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %s |\n",
		    present_time(d->day, CLOCK_FORM_DAY, "?", day, sizeof(day)),
		    d->messages, d->passed,
		    d->messages >= d->passed ? d->messages - d->passed : 0,
		    present_rate(
		        d->passed, d->messages, "-", buf, sizeof(buf)));
	}
}

static void
policy(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	const struct policy_state *p = &dd->policy;
	char line[256], when[32];

	fputs("\n### Policy and readiness\n\n", fp);
	if (!p->known) {
		fputs("Policy in force: none reported yet (no receiver has "
		      "reported the domain's policy).\n",
		    fp);
		return;
	}
	digest_policy_tags(p, line, sizeof(line));
	fputs("Policy in force: ", fp);
	md_code(fp, line, 0);
	if (p->since > 0)
		fprintf(fp, " (as reported since %s)",
		    present_time(
		        p->since, CLOCK_FORM_DAY, "?", when, sizeof(when)));
	fputs(".\n", fp);
}

/* A fenced block of one line: the fence is longer than any backtick run
 * in it, so nothing inside closes it. */
static void
fence(FILE *fp, const char *s)
{
	char buf[PRESENT_SAFE_MAX];
	size_t n;

	text_printable(s, buf, sizeof(buf));
	n = run_of(buf, '`') + 1;
	if (n < 3)
		n = 3;
	fputc('\n', fp);
	ticks(fp, n);
	fprintf(fp, "\n%s\n", buf);
	ticks(fp, n);
	fputc('\n', fp);
}

static void
readiness(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	const struct readiness *r = &dd->readiness;
	size_t n = r->n_reasons < READINESS_MAX_REASONS ? r->n_reasons
	                                                : READINESS_MAX_REASONS;
	char text[sizeof(r->reasons[0].text) + 1];

	enum digest_verdict v = digest_verdict_of(r);

	fputc('\n', fp);
	if (r->published_differs && r->policy_published[0] != '\0') {
		fputs("Published in DNS now: ", fp);
		md_code(fp, r->policy_published, 0);
		fprintf(fp, " (step %d of 4); receivers report ",
		    r->step_published);
		md_code(fp, r->policy_now, 0);
		fputs(".\n\n", fp);
	}
	if (v == DIGEST_LAST_STEP) {
		fputs("Readiness: at the last step (`p=reject`): failing mail "
		      "is refused; nothing further to publish.\n",
		    fp);
	} else {
		fprintf(fp, "Readiness: step %d of 4 (", r->step_now);
		md_code(fp, digest_step_policy(r), 0);
		fputc(')', fp);
		/* No step forward while rolling back. */
		if (v != DIGEST_ROLL_BACK && r->next_step_no >= 0) {
			fprintf(fp, "; next step %d: ", r->next_step_no);
			md_code(fp, r->next_step, 0);
		}
		if (v == DIGEST_ROLL_BACK)
			fputs(". **ROLL BACK**: legitimate mail is being lost "
			      "(see watch); publish the record below.\n",
			    fp);
		else if (v == DIGEST_WAIT)
			fprintf(fp,
			    ". **WAIT**: not every receiver shows the %s "
			    "policy yet (see stable).\n",
			    r->published_differs ? "published" : "new");
		else if (v == DIGEST_NOT_READY)
			fputs(". **Not ready yet.**\n", fp);
		else if (r->next_record[0] != '\0')
			fputs(". **Ready**: publish the record below.\n", fp);
		else
			fputs(". **Ready** for the next step.\n", fp);
	}
	if (n > 0)
		fputs("\n| | Condition | Evidence |\n|---|---|---|\n", fp);
	for (size_t i = 0; i < n; i++) {
		const struct readiness_reason *re = &r->reasons[i];

		memcpy(text, re->text, sizeof(re->text));
		text[sizeof(re->text)] = '\0';
		fprintf(fp, "| %s | ",
		    re->met > 0        ? "yes"
		        : re->met == 0 ? "**no**"
		                       : "note");
		md_text(fp, re->code);
		fputs(" | ", fp);
		md_text(fp, text);
		fputs(" |\n", fp);
	}
	if (r->sp_advice[0] != '\0' || r->np_advice[0] != '\0')
		fputc('\n', fp);
	if (r->sp_advice[0] != '\0') {
		fputs("- Subdomains (`sp=`): ", fp);
		md_text(fp, r->sp_advice);
		fputc('\n', fp);
	}
	if (r->np_advice[0] != '\0') {
		fputs("- Non-existent subdomains (`np=`): ", fp);
		md_text(fp, r->np_advice);
		fputc('\n', fp);
	}
	if (v == DIGEST_ROLL_BACK ||
	    (r->next_step_no >= 0 && r->next_record[0] != '\0')) {
		const char *from =
		    v == DIGEST_ROLL_BACK ? r->rollback_record : r->next_record;
		char rec[sizeof(r->next_record) + 1],
		    name[PRESENT_SAFE_MAX + 8];

		/* Both records are arrays never trusted to end. */
		snprintf(
		    rec, sizeof(rec), "%.*s", (int)(sizeof(rec) - 1), from);
		snprintf(name, sizeof(name), "_dmarc.%s",
		    dd->domain != NULL ? dd->domain : "");
		fprintf(fp, "\n%s at ",
		    v == DIGEST_ROLL_BACK ? "Roll back, to publish now"
		        : r->ready        ? "Next record, to publish now"
		                   : "Next record, to publish when ready");
		md_code(fp, name, 0);
		fputs(":\n", fp);
		fence(fp, rec);
		if (v == DIGEST_ROLL_BACK && r->rollback_step == 1)
			fputs(
			    "\nReceivers apply `p=none` to this test step: no "
			    "mail is quarantined or rejected while you fix "
			    "the senders, and the reports go on.\n",
			    fp);
	}
}

static void
causes(FILE *fp, const struct digest_sources *l)
{
	int seen[VERDICT_NCAUSES] = {0}, any = 0;

	for (size_t i = 0; i < l->n; i++) {
		int c = verdict_cause_from_name(l->v[i].cause);

		if (c < 0 || c == VERDICT_NONE || seen[c])
			continue;
		if (!any)
			fputs("\n| Cause | What happened | Fix |\n"
			      "|---|---|---|\n",
			    fp);
		any = seen[c] = 1;
		fputs("| ", fp);
		md_code(fp, verdict_cause_name(c), 1);
		fputs(" | ", fp);
		md_text(fp, verdict_cause_text(c));
		fputs(" | ", fp);
		md_text(fp, verdict_cause_fix(c));
		fputs(" |\n", fp);
	}
}

/* A list of sources: the failing ones (with their cause) or those that
 * started or stopped sending (with the day). */
static void
source_list(void *ctx, enum digest_section sec, const struct digest_sources *l,
    const struct digest_domain *dd)
{
	FILE *fp = ctx;
	const char *title = digest_section_title(sec);
	int failing = sec == DIGEST_FAILING || sec == DIGEST_SPOOFING;
	char when[32];

	(void)dd;
	if (l->n == 0 && l->more == 0) {
		fprintf(fp, "\n### %s: none\n", title);
		return;
	}
	fprintf(fp, "\n### %s (%zu)\n\n", title, l->n + l->more);
	fprintf(fp,
	    "| IP | Class | Sender | Name (PTR) | Messages | %s | %s |\n"
	    "|---|---|---|---|---:|---:|---|\n",
	    failing ? "Failed" : "Passed",
	    failing                 ? "Cause"
	        : sec == DIGEST_NEW ? "First seen"
	                            : "Last seen");
	for (size_t i = 0; i < l->n; i++) {
		const struct digest_addresses *a = digest_addresses_of(l, i);

		/* The sender, then its addresses with their own counts. */
		for (size_t k = 0; k == 0 || (a != NULL && k <= a->n); k++) {
			const struct source *s =
			    k == 0 ? &l->v[i] : &a->v[k - 1];

			fputs("| ", fp);
			if (k == 0 && a != NULL)
				fprintf(
				    fp, "%zu addresses", l->v[i].n_addresses);
			else {
				if (k > 0)
					fputs("\xe2\x86\xb3 ", fp); /* ↳ */
				md_code(fp, s->ip, 1);
			}
			fprintf(fp, " | %s | ", source_class_name(s->cls));
			/* The sender, when it says more than the PTR
			 * column. */
			if (k == 0) {
				const char *who = digest_sender_name(s);

				md_text(fp,
				    who != NULL && s->ptr != NULL &&
				            a == NULL &&
				            strcmp(who, s->ptr) == 0
				        ? NULL
				        : who);
			}
			fputs(" | ", fp);
			if (k > 0 || a == NULL)
				md_code(fp, s->ptr, 1);
			fprintf(fp, " | %" PRIu64 " | %" PRIu64 " | ",
			    s->messages, failing ? s->failed : s->passed);
			if (failing)
				md_code(fp, s->cause, 1);
			else
				fputs(present_time(sec == DIGEST_NEW
				              ? s->first_seen
				              : s->last_seen,
				          CLOCK_FORM_DAY, "?", when,
				          sizeof(when)),
				    fp);
			fputs(" |\n", fp);
		}
	}
	more(fp, l->more);
	if (sec == DIGEST_FAILING)
		causes(fp, l);
}

/* A reporter's days (present_coverage()): ■ all covered, ▣ some, □
 * none; "-" for no days. */
static void
reporter_days(FILE *fp, const char *days)
{
	char cols[PRESENT_COVERAGE_LEN];

	present_coverage(days, cols, sizeof(cols));
	for (const char *c = cols; *c != '\0'; c++)
		fputs(*c == '#'     ? "\xe2\x96\xa0"
		        : *c == '+' ? "\xe2\x96\xa3"
		                    : "\xe2\x96\xa1",
		    fp);
	if (cols[0] == '\0')
		fputc('-', fp);
}

static void
reporters(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;

	if (dd->nreporters == 0) {
		fputs("\n### Reporters: none\n", fp);
		return;
	}
	fprintf(fp,
	    "\n### Reporters (%" PRIu64 ")\n\n"
	    "| Reporter | Reports | Messages | Days | Covered |\n"
	    "|---|---:|---:|---|---:|\n",
	    (uint64_t)dd->nreporters + dd->reporters_more);
	for (size_t i = 0; i < dd->nreporters; i++) {
		const struct digest_reporter *r = &dd->reporters[i];

		fputs("| ", fp);
		md_code(fp, r->name, 1);
		fprintf(fp, " | %" PRIu64 " | %" PRIu64 " | ", r->reports,
		    r->messages);
		reporter_days(fp, r->days);
		fprintf(fp, " | %d/%zu |\n", r->ndays_covered,
		    r->days != NULL ? strlen(r->days) : 0);
	}
	if (dd->reporters_more > 0)
		fprintf(fp,
		    "\nAnd %" PRIu64 " more, %" PRIu64 " messages in all.\n",
		    dd->reporters_more, dd->reporters_more_messages);
	for (size_t i = 0, first = 1; i < dd->nreporters; i++) {
		if (!dd->reporters[i].silent)
			continue;
		fputs(first ? "\n- " : "- ", fp);
		first = 0;
		md_code(fp, dd->reporters[i].name, 0);
		fputs(" went silent: it sent reports in the period before, "
		      "none in this one.\n",
		    fp);
	}
}

static void
dns(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	size_t count[DNSCHECK_DNSERROR + 1] = {0}, bad = 0;

	if (!dd->dns_checked) {
		fputs("\n### DNS health: not checked this time\n", fp);
		return;
	}
	for (size_t i = 0; i < dd->dns.n; i++)
		if ((unsigned)dd->dns.v[i].status <= DNSCHECK_DNSERROR)
			count[dd->dns.v[i].status]++;
	bad = dd->dns.n - count[DNSCHECK_PASS];
	if (dd->dns.n == 0) {
		fputs("\n### DNS health: nothing checked\n", fp);
		return;
	}
	if (bad == 0) {
		fprintf(
		    fp, "\n### DNS health: all %zu checks pass\n", dd->dns.n);
		return;
	}
	fprintf(fp,
	    "\n### DNS health: %zu pass, %zu warn, %zu fail, %zu dnserror\n\n"
	    "| Status | Check | Subject | Finding | Fix |\n"
	    "|---|---|---|---|---|\n",
	    count[DNSCHECK_PASS], count[DNSCHECK_WARN], count[DNSCHECK_FAIL],
	    count[DNSCHECK_DNSERROR]);
	for (size_t i = 0; i < dd->dns.n; i++) {
		const struct dnscheck_finding *f = &dd->dns.v[i];

		if (f->status == DNSCHECK_PASS)
			continue;
		fprintf(fp, "| %s | ", dnscheck_status_name(f->status));
		md_code(fp, f->id, 1);
		fputs(" | ", fp);
		md_code(fp, f->subject, 1);
		fputs(" | ", fp);
		md_text(fp, f->text);
		fputs(" | ", fp);
		md_text(fp, f->fix);
		fputs(" |\n", fp);
	}
}

/* "dmarcsift COMMAND --domain D" in a code span. */
static void
md_command(FILE *fp, const char *command, const char *domain)
{
	char buf[PRESENT_SAFE_MAX + 64];

	snprintf(buf, sizeof(buf), "dmarcsift %s --domain %s", command, domain);
	md_code(fp, buf, 0);
}

static void
failure_reports(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	char line[DIGEST_FAILURES_LEN];

	fprintf(fp, "\n%s", digest_failures_text(dd, line, sizeof(line)));
	md_command(fp, "sources", dd->domain);
	fputs("\n", fp);
}

/* What `dmarcsift tls` says of the period, shortened: the sessions, why
 * they failed with the fix, the receiving MX hosts that failed most. */
static void
tls(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = ctx;
	const struct tls_summary *s = dd->tls;
	uint64_t all = s->successful + s->failed;
	char rate[PRESENT_PERCENT_LEN];
	size_t named = 0;

	fprintf(fp,
	    "\n### SMTP TLS: %" PRIu64 " session%s, %s succeeded\n\n"
	    "%" PRIu64 " failed, in %" PRIu64 " report%s from %zu reporter%s; ",
	    all, all == 1 ? "" : "s",
	    present_rate(s->successful, all, "-", rate, sizeof(rate)),
	    s->failed, s->reports, s->reports == 1 ? "" : "s", s->n_reporters,
	    s->n_reporters == 1 ? "" : "s");
	md_command(fp, "tls", dd->domain);
	fputs(" shows the days and the reporters.\n", fp);
	if (s->n_types > 0)
		fputs("\n| Result type | Failed sessions | What happened | Fix "
		      "|\n|---|---:|---|---|\n",
		    fp);
	for (size_t i = 0; i < s->n_types && i < DIGEST_TLS_TYPES; i++) {
		const struct tls_type *t = &s->types[i];

		fputs("| ", fp);
		md_code(fp, t->type, 1);
		fprintf(fp, " | %" PRIu64 " | ", t->failed);
		md_text(fp, tls_type_text(t->type));
		fputs(" | ", fp);
		md_text(fp, tls_type_fix(t->type));
		fputs(" |\n", fp);
	}
	if (s->n_types > DIGEST_TLS_TYPES)
		more(fp, s->n_types - DIGEST_TLS_TYPES);
	/* The hosts named: failures without one are the policy's (MTA-STS
	 * fetched or read), told above. */
	for (size_t i = 0; i < s->n_mxs; i++) {
		const struct tls_mx *m = &s->mxs[i];

		if (m->mx == NULL || named++ >= DIGEST_TLS_MXS)
			continue;
		if (named == 1)
			fputs("\n| Receiving MX | Failed | Why |\n"
			      "|---|---:|---|\n",
			    fp);
		fputs("| ", fp);
		md_code(fp, m->mx, 1);
		fprintf(fp, " | %" PRIu64 " | ", m->failed);
		md_code(fp, m->types, 1);
		fputs(" |\n", fp);
	}
	if (named > DIGEST_TLS_MXS)
		more(fp, named - DIGEST_TLS_MXS);
}

static const struct digest_outline outline = {DIGEST_LAYOUT_FULL, totals, days,
    policy, readiness, source_list, reporters, dns, failure_reports, tls};

static void
domain(FILE *fp, const struct digest_domain *dd)
{
	fputs("\n## ", fp);
	md_text(fp, dd->domain);
	fputs("\n\n", fp);
	digest_outline_walk(&outline, dd, fp);
}

static void
refused(FILE *fp, const struct digest *d)
{
	char when[32];

	if (d->nrefused == 0 && d->refused_more == 0) {
		fputs("\n## Inputs refused during the period: none\n", fp);
		return;
	}
	fprintf(fp,
	    "\n## Inputs refused during the period (%zu)\n\n"
	    "| Input | Received (UTC) | Source | Reason |\n"
	    "|---:|---|---|---|\n",
	    d->nrefused + d->refused_more);
	for (size_t i = 0; i < d->nrefused; i++) {
		const struct digest_refused *r = &d->refused[i];

		fprintf(fp, "| %" PRId64 " | %s | ", r->input,
		    present_time(r->received_at, CLOCK_FORM_MINUTE, "?", when,
		        sizeof(when)));
		md_code(fp, r->source_name, 1);
		fputs(" | ", fp);
		md_text(fp, r->reason);
		fputs(" |\n", fp);
	}
	more(fp, d->refused_more);
	fputs("\n`dmarcsift reparse` reads them again after an upgrade or "
	      "with raised limits.\n",
	    fp);
}

/* Domains in reports that are not the owner's: named, nothing more. */
static void
foreign(FILE *fp, const struct digest *d)
{
	if (d->nforeign == 0)
		return;
	fprintf(fp,
	    "\n## Other domains in reports (%zu)\n\n"
	    "| Domain | Messages |\n|---|---:|\n",
	    d->nforeign + d->foreign_more);
	for (size_t i = 0; i < d->nforeign; i++) {
		fputs("| ", fp);
		md_code(fp, d->foreign[i].domain, 1);
		fprintf(fp, " | %" PRIu64 " |\n", d->foreign[i].messages);
	}
	more(fp, d->foreign_more);
	fputs("\nNot yours by the setting `domains` (or too small to be): "
	      "stored, not judged, checked or mailed.\n",
	    fp);
}

int
digest_markdown(FILE *fp, const struct digest *d)
{
	char a[32], b[32], c[32], e[32], g[32];
	int64_t ndays =
	    d->until > d->since ? (d->until - d->since) / CLOCK_DAY : 0;

	fputs("# DMARC report, ", fp);
	md_text(fp, d->period);
	fprintf(fp,
	    ": %s to %s\n\n%" PRId64 " day%s (UTC), compared with %s to %s. "
	    "Generated %s UTC.\n",
	    present_time(d->since, CLOCK_FORM_DAY, "?", a, sizeof(a)),
	    present_time(
	        d->until - CLOCK_DAY, CLOCK_FORM_DAY, "?", b, sizeof(b)),
	    ndays, ndays == 1 ? "" : "s",
	    present_time(d->prev_since, CLOCK_FORM_DAY, "?", c, sizeof(c)),
	    present_time(
	        d->since - CLOCK_DAY, CLOCK_FORM_DAY, "?", e, sizeof(e)),
	    present_time(
	        d->generated_at, CLOCK_FORM_MINUTE, "?", g, sizeof(g)));
	if (d->n == 0)
		fputs("\nNo DMARC reports in this period or the one before.\n",
		    fp);
	for (size_t i = 0; i < d->n; i++)
		domain(fp, &d->domains[i]);
	foreign(fp, d);
	refused(fp, d);
	return present_end(fp);
}
