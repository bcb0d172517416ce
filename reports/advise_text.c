#include "advise_render.h"

#include "advise.h"
#include "clock.h"
#include "digest_outline.h"
#include "present.h"
#include "xalloc.h"
#include "text.h"
#include "verdict.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows listed in a table; --json has them all. */
#define TEXT_ROWS 10
/* Addresses listed under one sender (a botnet sender may have thousands). */
#define TEXT_ADDRESSES 5

/* Longest address and name shown (text_printable() keeps four bytes
 * spare): an IPv6 address has at most 39 characters. */
#define IP_MAX 39
#define NAME_MAX_COL 30

static void
heading(FILE *fp, const char *title, int color)
{
	fprintf(fp, "\n%s%s%s\n", present_ansi(color, PRESENT_BOLD), title,
	    present_ansi(color, PRESENT_RESET));
}

/* Who sends (sources.h: service, PTR domain or network owner), else the
 * service, else the PTR name, of a source. */
static const char *
name_of(const struct source *s, char *buf, size_t len)
{
	if (s->who != NULL && s->who[0] != '\0' &&
	    (s->ip == NULL || strcmp(s->who, s->ip) != 0))
		return present_safe(s->who, buf, len);
	if (s->service != NULL && s->service[0] != '\0')
		return present_safe(s->service, buf, len);
	return present_safe(s->ptr, buf, len);
}

static int
width(const char *s)
{
	return (int)strlen(s);
}

static void
summary(FILE *fp, const struct advice *a, int color)
{
	const struct readiness *r = &a->r;
	char dom[256], first[32], last[32], at[32], pol[96], next[96];

	present_safe(a->domain, dom, sizeof(dom));
	present_time(a->until - (int64_t)a->days * CLOCK_DAY, CLOCK_FORM_DAY,
	    NULL, first, sizeof(first));
	present_time(
	    a->until - CLOCK_DAY, CLOCK_FORM_DAY, NULL, last, sizeof(last));
	fprintf(fp, "%s%s%s: DMARC policy advice, the %d days %s to %s\n",
	    present_ansi(color, PRESENT_BOLD), dom,
	    present_ansi(color, PRESENT_RESET), a->days, first, last);

	if (r->policy_now[0] != '\0' && a->now.known) {
		present_time(
		    a->now.reported_at, CLOCK_FORM_DAY, NULL, at, sizeof(at));
		fprintf(fp,
		    "\nPolicy now: %s (step %d of 4, last reported %s)\n",
		    present_safe(r->policy_now, pol, sizeof(pol)),
		    r->step_reported, at);
	} else {
		fputs("\nPolicy now: not known (no report says)\n", fp);
	}
	if (r->published_differs)
		fprintf(fp, "Published:  %s (step %d of 4) in DNS now\n",
		    present_safe(r->policy_published, pol, sizeof(pol)),
		    r->step_published);

	present_safe(r->next_step, next, sizeof(next));
	/* The order every format keeps (digest_verdict_of()): losing mail
	 * comes first, at the last step too. */
	switch (digest_verdict_of(r)) {
	case DIGEST_ROLL_BACK:
		fprintf(fp,
		    "Verdict:    %sROLL BACK%s: legitimate mail is being lost "
		    "(see watch)\n",
		    present_ansi(color, PRESENT_BOLD_RED),
		    present_ansi(color, PRESENT_RESET));
		break;
	case DIGEST_LAST_STEP:
		fputs("Verdict:    at the last step, nothing further to "
		      "publish\n",
		    fp);
		break;
	case DIGEST_READY:
		fprintf(fp, "Verdict:    %sREADY%s for %s (step %d)\n",
		    present_ansi(color, PRESENT_GREEN),
		    present_ansi(color, PRESENT_RESET), next, r->next_step_no);
		break;
	case DIGEST_WAIT:
		fprintf(fp,
		    "Verdict:    %sWAIT%s: not every receiver shows the %s "
		    "policy yet; then %s (step %d)\n",
		    present_ansi(color, PRESENT_YELLOW),
		    present_ansi(color, PRESENT_RESET),
		    r->published_differs ? "published" : "new", next,
		    r->next_step_no);
		break;
	case DIGEST_NOT_READY:
		fprintf(fp, "Verdict:    %sNOT READY%s for %s (step %d)\n",
		    present_ansi(color, PRESENT_BOLD_RED),
		    present_ansi(color, PRESENT_RESET), next, r->next_step_no);
		break;
	}
}

static void
reasons(FILE *fp, const struct readiness *r, int color)
{
	char text[320], code[32];

	heading(fp, "Why", color);
	for (size_t i = 0; i < r->n_reasons; i++) {
		const struct readiness_reason *x = &r->reasons[i];
		const char *mark = x->met > 0 ? "ok"
		    : x->met == 0             ? "no"
		                              : "!!";

		fprintf(fp, "  %s%s%s  %-12s %s\n",
		    present_ansi(color, present_met_ansi(x->met)), mark,
		    present_ansi(color, PRESENT_RESET),
		    present_safe(x->code, code, sizeof(code)),
		    present_safe(x->text, text, sizeof(text)));
	}
}

/* trusted_sources / ignored_sources value naming a sender: its service,
 * else its addresses. */
static void
setting_value(FILE *fp, const struct source_group *g)
{
	char buf[IP_MAX + 5];
	const struct source *top = g->v[0];

	if (top->service != NULL && top->service[0] != '\0') {
		fputs(present_safe(top->service, buf, sizeof(buf)), fp);
		return;
	}
	for (size_t i = 0; i < g->n && i < 5; i++)
		fprintf(fp, "%s%s", i ? "," : "",
		    present_safe(g->v[i]->ip, buf, sizeof(buf)));
	if (source_group_size(g) > 5)
		fputs(",...", fp);
}

static void
failing(FILE *fp, const struct advice *a, int color)
{
	const struct readiness *r = &a->r;
	size_t rows = r->n_groups < TEXT_ROWS ? r->n_groups : TEXT_ROWS;
	char who[NAME_MAX_COL + 64], ip[IP_MAX + 5], cause[64], would[80];

	if (r->n_groups == 0 || r->groups == NULL)
		return;
	/* A test step does nothing to mail: what the step after it would. */
	if (r->judged_as[0] != '\0')
		snprintf(would, sizeof(would), "the step after, %s, would hit",
		    r->judged_as);
	else
		snprintf(would, sizeof(would), "the step would hit");
	heading(fp, "Senders that may be yours and fail DMARC", color);
	for (size_t i = 0; i < rows; i++) {
		const struct readiness_group *g = &r->groups[i];
		const struct source *top = g->s.v[0];
		int c = verdict_cause_from_name(top->cause);

		fprintf(fp,
		    "  %s%s%s %s: %" PRIu64 " of %" PRIu64 " message%s "
		    "failed; %s %" PRIu64 "\n",
		    present_ansi(
		        color, g->blocks ? PRESENT_BOLD_RED : PRESENT_YELLOW),
		    g->blocks ? "blocks" : "below ",
		    present_ansi(color, PRESENT_RESET),
		    present_safe(g->s.who, who, sizeof(who)), g->s.failed,
		    g->s.messages, g->s.messages == 1 ? "" : "s", would,
		    g->hit);
		if (c > 0)
			fprintf(fp, "         cause: %s\n         fix: %s\n",
			    verdict_cause_text(c), verdict_cause_fix(c));
		else if (c < 0 && top->cause != NULL)
			fprintf(fp,
			    "         cause %s (not known to this version)\n",
			    present_safe(top->cause, cause, sizeof(cause)));
		if (g->s.cls != SOURCE_LEGITIMATE) {
			/* Not known to be the owner's: the owner decides. */
			fputs("         yours?     fix it as above, and add to "
			      "trusted_sources: ",
			    fp);
			setting_value(fp, &g->s);
			fputs("\n         not yours? add to ignored_sources: ",
			    fp);
			setting_value(fp, &g->s);
			fputc('\n', fp);
		}
		for (size_t k = 0; k < g->s.n && k < TEXT_ADDRESSES; k++)
			fprintf(fp,
			    "         %-*s  %" PRIu64 " of %" PRIu64
			    " failed\n",
			    IP_MAX, present_safe(g->s.v[k]->ip, ip, sizeof(ip)),
			    g->s.v[k]->failed, g->s.v[k]->messages);
		if (source_group_size(&g->s) > TEXT_ADDRESSES)
			fprintf(fp, "         and %zu more addresses\n",
			    source_group_size(&g->s) - TEXT_ADDRESSES);
	}
	if (r->n_senders > rows) {
		size_t more = r->n_senders - rows;
		size_t json = r->n_groups > rows ? r->n_groups - rows : 0;

		/* --json stops at ADVISE_SENDERS too: say so when it does. */
		if (json >= more)
			fprintf(fp,
			    "  and %zu more senders (--json lists them)\n",
			    more);
		else if (json == 0)
			fprintf(fp, "  and %zu more senders\n", more);
		else
			fprintf(fp,
			    "  and %zu more senders (--json lists %zu of "
			    "them)\n",
			    more, json);
	}
}

/* Zone-file syntax: one quoted string holds at most 255 bytes, so a
 * longer record is several strings (receivers join them); quote and
 * backslash escaped, should a record ever hold one. */
static void
zone_txt(FILE *fp, const char *s)
{
	size_t n = 0;

	fputc('"', fp);
	for (; *s != '\0'; s++, n++) {
		if (n == 255) {
			fputs("\" \"", fp);
			n = 0;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* What a test step does, and what the step after it would do. */
static void
test_step(FILE *fp, const struct readiness *r)
{
	if (r->next_step_no == 1)
		fputs(
		    "  A test: receivers apply p=none to failing mail (nothing "
		    "is quarantined) and\n  their reports show they see the "
		    "step; the reasons judge what the step\n  after, "
		    "p=quarantine, would hit.\n",
		    fp);
	else if (r->next_step_no == 3)
		fputs("  A test: receivers go on quarantining failing mail, as "
		      "under p=quarantine, and\n  their reports show they see "
		      "the step; the reasons judge what the step after,\n  "
		      "p=reject, would hit.\n",
		    fp);
}

static void
next_record(FILE *fp, const struct advice *a, int color)
{
	const struct readiness *r = &a->r;
	char dom[256], rec[640], next[96];

	present_safe(a->domain, dom, sizeof(dom));
	if (r->next_step_no >= 0 && r->next_record[0] != '\0') {
		heading(fp, "Next step", color);
		fprintf(fp, "  %s: publish at _dmarc.%s\n",
		    present_safe(r->next_step, next, sizeof(next)), dom);
		fprintf(fp, "  _dmarc.%s. TXT ", dom);
		zone_txt(fp, present_safe(r->next_record, rec, sizeof(rec)));
		fputc('\n', fp);
		test_step(fp, r);
		if (a->published == NULL)
			fputs("  (no record found in DNS to start from: put "
			      "your report address in rua)\n",
			    fp);
		if (!r->ready)
			fputs("  Not yet: wait until the reasons above are "
			      "met.\n",
			    fp);
	}
	/* At the last step too: p=reject that loses mail is no place to
	 * stay. */
	if (r->rollback_record[0] != '\0') {
		heading(fp, "Roll back", color);
		fprintf(fp, "  _dmarc.%s. TXT ", dom);
		zone_txt(
		    fp, present_safe(r->rollback_record, rec, sizeof(rec)));
		fputc('\n', fp);
		if (r->rollback_step == 1)
			fputs("  Receivers apply p=none to this test step: no "
			      "mail is quarantined or rejected\n  while you "
			      "fix the senders, and the reports go on.\n",
			    fp);
		if (r->rollback_step == 1 && r->step_now >= 3)
			fputs("  Not a step between: p=reject; t=y; pct=0 and "
			      "p=quarantine still quarantine it.\n",
			    fp);
	}
}

static void
subdomains(FILE *fp, const struct readiness *r, int color)
{
	char text[320];

	if (r->sp_advice[0] == '\0' && r->np_advice[0] == '\0')
		return;
	heading(fp, "Subdomains", color);
	if (r->sp_advice[0] != '\0')
		fprintf(fp, "  sp: %s\n",
		    present_safe(r->sp_advice, text, sizeof(text)));
	if (r->np_advice[0] != '\0')
		fprintf(fp, "  np: %s\n",
		    present_safe(r->np_advice, text, sizeof(text)));
}

/*
 * The senders hit most (advice.whatif_senders, grouped in SQL as
 * `sources` groups them): a line per sender with its sums, its first
 * addresses one level down with their own, when it has several.
 */
static void
whatif(FILE *fp, const struct advice *a, int color)
{
	const struct whatif *w = &a->whatif;
	const struct sender_list *l = &a->whatif_senders;
	size_t rows = 0;
	int wip = 7, wname = 4;
	char title[128], ip[IP_MAX + 5], name[NAME_MAX_COL + 5];

	snprintf(title, sizeof(title), "What if %s", w->policy);
	heading(fp, title, color);
	fprintf(fp,
	    "  %" PRIu64 " of %" PRIu64 " message%s would have been %s: "
	    "legitimate %" PRIu64 ", unknown %" PRIu64 ", forwarder %" PRIu64
	    ", spoofing %" PRIu64 ", ignored %" PRIu64 "\n",
	    w->total_affected, w->messages, w->messages == 1 ? "" : "s",
	    w->reject ? "rejected" : "quarantined",
	    w->affected[SOURCE_LEGITIMATE], w->affected[SOURCE_UNKNOWN],
	    w->affected[SOURCE_FORWARDER], w->affected[SOURCE_SPOOFING],
	    w->affected[SOURCE_IGNORED]);
	/* Most hit first: those hit nothing end the list. */
	while (rows < l->n && l->v[rows].hit > 0 && l->v[rows].n > 0)
		rows++;
	if (rows == 0)
		return;
	for (size_t i = 0; i < rows; i++) {
		const struct sender *g = &l->v[i];
		int x = width(name_of(&g->v[0], name, sizeof(name)));

		wname = x > wname ? x : wname;
		for (size_t k = 0; k < g->n; k++) {
			x = width(present_safe(g->v[k].ip, ip, sizeof(ip))) +
			    (g->addresses > 1 ? 2 : 0);
			wip = x > wip ? x : wip;
		}
	}
	fprintf(fp, "  %-*s  %-10s  %-*s  %12s  %12s\n", wname, "sender",
	    "class", wip, "address", "affected", "messages");
	for (size_t i = 0; i < rows; i++) {
		const struct sender *g = &l->v[i];
		char count[32];

		snprintf(count, sizeof(count), "%zu addresses", g->addresses);
		fprintf(fp,
		    "  %-*s  %-10s  %-*s  %12" PRIu64 "  %12" PRIu64 "\n",
		    wname, name_of(&g->v[0], name, sizeof(name)),
		    source_class_name(g->cls), wip,
		    g->addresses > 1 ? count
		                     : present_safe(g->v[0].ip, ip, sizeof(ip)),
		    g->hit, g->messages);
		for (size_t k = 0; g->addresses > 1 && k < g->n; k++) {
			const struct source *s = &g->v[k];

			fprintf(fp,
			    "  %-*s  %-10s    %-*s  %12" PRIu64 "  %12" PRIu64
			    "\n",
			    wname, "", source_class_name(s->cls), wip - 2,
			    present_safe(s->ip, ip, sizeof(ip)),
			    readiness_hit(s, &w->spec), s->messages);
		}
		if (g->addresses > g->n)
			fprintf(fp, "  %-*s  %-10s    and %zu more addresses\n",
			    wname, "", "", g->addresses - g->n);
	}
	if (l->more_over > 0)
		fprintf(fp, "  and %zu more sender%s hit\n", l->more_over,
		    l->more_over == 1 ? "" : "s");
}

/* Reporters whose reports failed authentication or jumped: the evidence
 * behind the "reports" reason, one line each. */
static void
reporters(FILE *fp, const struct advice *a, int color)
{
	char name[160], why[320];
	int shown = 0;

	for (size_t i = 0; i < a->n_trust; i++) {
		const struct reporter_trust *t = &a->trust[i];
		int jump = readiness_jump(t);

		if (t->failed == 0 && !jump)
			continue;
		if (!shown++)
			heading(fp, "Reporters to look at", color);
		present_safe(t->name, name, sizeof(name));
		if (t->failed > 0)
			fprintf(fp,
			    "  %s: %" PRIu64 " of %" PRIu64
			    " report%s (%" PRIu64
			    " messages) failed authentication, not counted: "
			    "%s\n",
			    name, t->failed, t->reports,
			    t->reports == 1 ? "" : "s", t->failed_messages,
			    present_safe(t->why, why, sizeof(why)));
		if (jump)
			fprintf(fp,
			    "  %s: %" PRIu64 " messages on its busiest day, "
			    "against %" PRIu64
			    " on a usual day before; %" PRIu64 " of %" PRIu64
			    " reports genuine\n",
			    name, t->peak_daily, t->usual_daily, t->genuine,
			    t->reports);
	}
}

int
advise_text(FILE *fp, const struct advice *a, int color)
{
	color = color == 1;
	summary(fp, a, color);
	reasons(fp, &a->r, color);
	failing(fp, a, color);
	reporters(fp, a, color);
	next_record(fp, a, color);
	subdomains(fp, &a->r, color);
	if (a->has_whatif)
		whatif(fp, a, color);
	return present_end(fp);
}
