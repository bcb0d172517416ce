/*
 * digest_text: the periodic summary for a terminal and for cron's mail.
 *
 * Lines aim at PRESENT_WIDTH columns: tables give what is left to one flexible
 * column and cut longer cells with "...", prose is wrapped; only a TXT
 * record (which must be copied whole) may run longer.  Widths count code
 * points.  Every string from outside goes through text_printable(), so no
 * control character or escape sequence reaches the terminal; ANSI colour
 * is ours alone, and only when color is 1.
 *
 * Bars are ASCII without colour, for mail: the day series draws passed
 * mail as '#' and failed as 'x'; a reporter's days are '#' (a report that
 * day) and '.' (none).  With colour they are coloured blocks.
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
#include "xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Widths, colours, dates and percentages: present.h. */

struct out {
	FILE *fp;
	int color;
};

/* An ANSI sequence, or nothing without colour. */
static const char *
ansi(const struct out *o, const char *seq)
{
	return present_ansi(o->color, seq);
}

/* s made printable into buf (PRESENT_SAFE_MAX bytes); "-" for NULL or empty. */
static const char *
safe(const char *s, char *buf)
{
	return present_safe(s, buf, PRESENT_SAFE_MAX);
}

/* Code points in s (valid UTF-8, as text_printable() leaves it). */
static size_t
cps(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Bytes of the first n code points of s. */
static size_t
cp_bytes(const char *s, size_t n)
{
	const char *p = s;

	while (*p != '\0') {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (n == 0)
				break;
			n--;
		}
		p++;
	}
	return (size_t)(p - s);
}

/* Cuts s in place to at most width code points, ending in "..." when
 * cut. */
static void
fit(char *s, size_t width)
{
	if (cps(s) <= width)
		return;
	if (width < 4) {
		s[cp_bytes(s, width)] = '\0';
		return;
	}
	strcpy(s + cp_bytes(s, width - 3), "...");
}

static void
spaces(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

/*
 * Writes text (printable) wrapped at PRESENT_WIDTH, the caller having written
 * used columns of the first line; further lines start with indent spaces.  A
 * word too long for a line is split.
 */
static void
wrap(FILE *fp, size_t used, size_t indent, const char *text)
{
	const char *p = text;
	size_t col = used, start = used;

	while (*p != '\0') {
		const char *q;
		size_t wlen;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != ' '; q++)
			;
		wlen = cps(p) - cps(q);
		if (col > start && col + 1 + wlen > PRESENT_WIDTH) {
			fputc('\n', fp);
			spaces(fp, indent);
			col = start = indent;
		}
		if (col > start) {
			fputc(' ', fp);
			col++;
		}
		while (col + wlen > PRESENT_WIDTH && PRESENT_WIDTH > col) {
			size_t n = cp_bytes(p, PRESENT_WIDTH - col);

			fwrite(p, 1, n, fp);
			wlen -= PRESENT_WIDTH - col;
			p += n;
			fputc('\n', fp);
			spaces(fp, indent);
			col = start = indent;
		}
		fwrite(p, 1, (size_t)(q - p), fp);
		col += wlen;
		p = q;
	}
	fputc('\n', fp);
}

/* wrap() for text from outside. */
static void
wrap_safe(FILE *fp, size_t used, size_t indent, const char *s)
{
	char buf[PRESENT_SAFE_MAX];

	wrap(fp, used, indent, safe(s, buf));
}

/* A line of prose of ours with values in it, wrapped at PRESENT_WIDTH. */
static void say(FILE *fp, size_t indent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(FILE *fp, size_t indent, const char *fmt, ...)
{
	char buf[2 * PRESENT_SAFE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	spaces(fp, indent);
	wrap(fp, indent, indent + 2, buf);
}

static void
heading(const struct out *o, const char *title)
{
	fprintf(o->fp, "\n%s%s%s\n", ansi(o, PRESENT_BOLD), title,
	    ansi(o, PRESENT_RESET));
}

/* ------------------------------------------------------------------------
 * Tables: cells are copied printable; widths are measured when printed. */

#define MAXCOL 7

struct table {
	size_t ncol;
	const char *head[MAXCOL];
	int right[MAXCOL]; /* numbers */
	int flex; /* the column that gives way to PRESENT_WIDTH, -1 none */
	char **cell; /* nrows * ncol, owned */
	size_t nrows;
};

/* Adds a row of ncol strings (NULL or "" shows as "-"). */
static void
row(struct table *t, ...)
{
	char buf[PRESENT_SAFE_MAX];
	va_list ap;

	t->cell =
	    xrealloc(t->cell, (t->nrows + 1) * t->ncol * sizeof(*t->cell));
	va_start(ap, t);
	for (size_t c = 0; c < t->ncol; c++)
		t->cell[t->nrows * t->ncol + c] =
		    xstrdup(safe(va_arg(ap, const char *), buf));
	va_end(ap);
	t->nrows++;
}

static void
table_print(const struct out *o, struct table *t, size_t indent)
{
	size_t w[MAXCOL], total = indent;

	for (size_t c = 0; c < t->ncol; c++) {
		w[c] = cps(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t n = cps(t->cell[r * t->ncol + c]);

			if (n > w[c])
				w[c] = n;
		}
		total += w[c] + (c > 0 ? 2 : 0);
	}
	/* Over PRESENT_WIDTH: the flexible column gives way first, then the
	 * widest other text column, none below 8; numbers are never cut. */
	while (total > PRESENT_WIDTH) {
		size_t c =
		    t->flex >= 0 && w[t->flex] > 8 ? (size_t)t->flex : MAXCOL;

		for (size_t k = 0; c == MAXCOL && k < t->ncol; k++)
			if (!t->right[k] && w[k] > 8 &&
			    (c == MAXCOL || w[k] > w[c]))
				c = k;
		if (c == MAXCOL)
			break;
		w[c]--;
		total--;
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		spaces(o->fp, indent);
		if (r == 0)
			fputs(ansi(o, PRESENT_BOLD), o->fp);
		for (size_t c = 0; c < t->ncol; c++) {
			char buf[PRESENT_SAFE_MAX];
			size_t n;
			int last = c + 1 == t->ncol;

			snprintf(buf, sizeof(buf), "%s",
			    r == 0 ? t->head[c]
			           : t->cell[(r - 1) * t->ncol + c]);
			fit(buf, w[c]);
			n = cps(buf);
			if (c > 0)
				spaces(o->fp, 2);
			if (t->right[c])
				spaces(o->fp, w[c] - n);
			fputs(buf, o->fp);
			if (!t->right[c] && !last)
				spaces(o->fp, w[c] - n);
		}
		if (r == 0)
			fputs(ansi(o, PRESENT_RESET), o->fp);
		fputc('\n', o->fp);
	}
	for (size_t i = 0; i < t->nrows * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->nrows = 0;
}

/* ------------------------------------------------------------------------
 * The sections of a domain. */

static void
totals(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	FILE *fp = o->fp;
	char a[32], before[DIGEST_PREVIOUS_LEN];

	digest_previous_text(dd, before, sizeof(before));
	if (dd->messages == 0) {
		say(fp, 0, "%s", before);
		/* Where the data is, as the command says on stderr (our own
		 * day texts). */
		if (dd->gap.latest_day[0] != '\0')
			say(fp, 0,
			    "The latest report about this domain ends %.10s: "
			    "try "
			    "--until %.10s.",
			    dd->gap.latest_day, dd->gap.try_until);
		else if (dd->gap.earliest_day[0] != '\0')
			say(fp, 0,
			    "The earliest report about this domain begins "
			    "%.10s.",
			    dd->gap.earliest_day);
		return;
	}
	fprintf(fp, "Messages    %" PRIu64 ", %s pass DMARC\n", dd->messages,
	    present_rate(dd->passed, dd->messages, "-", a, sizeof(a)));
	say(fp, 12, "%s", before);
}

static void
bar(const struct out *o, size_t n, const char *ascii, const char *seq,
    const char *block)
{
	if (n == 0)
		return;
	fputs(ansi(o, seq), o->fp);
	while (n-- > 0)
		fputs(o->color ? block : ascii, o->fp);
	fputs(ansi(o, PRESENT_RESET), o->fp);
}

static void
days(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	FILE *fp = o->fp;
	uint64_t max = 0;
	int wm = 8, wp = 6;
	size_t room;
	char buf[32];

	if (dd->messages == 0 || dd->ndays == 0)
		return;
	for (size_t i = 0; i < dd->ndays; i++) {
		int n = snprintf(
		    buf, sizeof(buf), "%" PRIu64, dd->days[i].messages);

		if (dd->days[i].messages > max)
			max = dd->days[i].messages;
		if (n > wm)
			wm = n;
		if (n > wp)
			wp = n;
	}
	/* The bar gives way to long numbers. */
	room = PRESENT_WIDTH -
	    (2 + 14 + 2 + (size_t)wm + 2 + (size_t)wp + 2 + 6 + 2);
	if (room > PRESENT_DAY_BAR)
		room = PRESENT_DAY_BAR;
	heading(o, "Day by day");
	fprintf(fp, "  %s%-14s  %*s  %*s  %6s%s\n", ansi(o, PRESENT_BOLD),
	    "day", wm, "messages", wp, "passed", "pass",
	    ansi(o, PRESENT_RESET));
	for (size_t i = 0; i < dd->ndays; i++) {
		const struct digest_day *day = &dd->days[i];
		size_t all = 0, ok = 0;
		char daybuf[PRESENT_TIME_LEN];
		if (max > 0 && day->messages > 0) {
			double scale = (double)room / (double)max;

			all = (size_t)((double)day->messages * scale + 0.5);
			ok = (size_t)((double)day->passed * scale + 0.5);
			if (all == 0)
				all = 1;
			if (ok > all)
				ok = all;
			/* Some failed mail always shows. */
			if (day->passed < day->messages && ok == all)
				ok = all - 1;
		}
		fprintf(fp, "  %-14s  %*" PRIu64 "  %*" PRIu64 "  %6s",
		    present_time(day->day, CLOCK_FORM_WEEKDAY_DAY, "?", daybuf,
		        sizeof(daybuf)),
		    wm, day->messages, wp, day->passed,
		    present_rate(
		        day->passed, day->messages, "-", buf, sizeof(buf)));
		if (all > 0) {
			fputs("  ", fp);
			bar(o, ok, "#", PRESENT_GREEN, "\xe2\x96\x88");
			bar(o, all - ok, "x", PRESENT_RED, "\xe2\x96\x88");
		}
		fputc('\n', fp);
	}
}

static void
policy(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	const struct policy_state *p = &dd->policy;
	char line[256], when[32];
	size_t len;

	heading(o, "Policy and readiness");
	fputs("Policy      ", o->fp);
	if (!p->known) {
		wrap(o->fp, 12, 14,
		    "none reported yet: no receiver has "
		    "reported the domain's policy.");
		return;
	}
	digest_policy_tags(p, line, sizeof(line));
	len = strlen(line);
	if (p->since > 0)
		snprintf(line + len, sizeof(line) - len,
		    " (as reported since %s)",
		    present_time(
		        p->since, CLOCK_FORM_DAY, "?", when, sizeof(when)));
	wrap(o->fp, 12, 14, line);
}

/* A reason's mark: met, blocks, or a warning only. */
static const char *
met_word(int met)
{
	return met > 0 ? "ok" : met == 0 ? "no" : "note";
}

static void
readiness(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	const struct readiness *r = &dd->readiness;
	FILE *fp = o->fp;
	char a[PRESENT_SAFE_MAX], b[PRESENT_SAFE_MAX];
	size_t n = r->n_reasons < READINESS_MAX_REASONS ? r->n_reasons
	                                                : READINESS_MAX_REASONS;
	enum digest_verdict v = digest_verdict_of(r);

	if (r->published_differs && r->policy_published[0] != '\0') {
		char line[3 * PRESENT_SAFE_MAX];

		snprintf(line, sizeof(line),
		    "%s (step %d of 4) in DNS now; receivers report %s",
		    safe(r->policy_published, a), r->step_published,
		    r->policy_now[0] != '\0' ? safe(r->policy_now, b) : "none");
		fputs("Published   ", fp);
		wrap(fp, 12, 14, line);
	}
	fputs("Readiness   ", fp);
	if (v == DIGEST_LAST_STEP) {
		wrap(fp, 12, 14,
		    "at the last step (p=reject): failing mail is "
		    "refused; nothing further to publish.");
	} else {
		char line[3 * PRESENT_SAFE_MAX];
		int len = snprintf(line, sizeof(line), "step %d of 4 (%s)",
		    r->step_now, safe(digest_step_policy(r), a));

		/* No step forward while rolling back. */
		if (v != DIGEST_ROLL_BACK && r->next_step_no >= 0 && len > 0 &&
		    (size_t)len < sizeof(line))
			snprintf(line + len, sizeof(line) - (size_t)len,
			    "; next step %d: %s", r->next_step_no,
			    safe(r->next_step, b));
		wrap(fp, 12, 14, line);
		spaces(fp, 12);
		if (v == DIGEST_ROLL_BACK)
			fprintf(fp,
			    "%sROLL BACK%s: legitimate mail is being lost "
			    "(see watch); publish the record below.\n",
			    ansi(o, PRESENT_BOLD_RED), ansi(o, PRESENT_RESET));
		else if (v == DIGEST_READY)
			fprintf(fp, "%sready%s%s\n", ansi(o, PRESENT_GREEN),
			    ansi(o, PRESENT_RESET),
			    r->next_record[0] != '\0'
			        ? ": publish the record below."
			        : " for the next step.");
		else if (v == DIGEST_WAIT)
			fprintf(fp,
			    "%sWAIT%s: not every receiver shows the %s policy "
			    "yet (see stable).\n",
			    ansi(o, PRESENT_YELLOW), ansi(o, PRESENT_RESET),
			    r->published_differs ? "published" : "new");
		else
			fprintf(fp, "%snot ready yet%s\n",
			    ansi(o, PRESENT_YELLOW), ansi(o, PRESENT_RESET));
	}
	for (size_t i = 0; i < n; i++) {
		const struct readiness_reason *re = &r->reasons[i];
		const char *seq = present_met_ansi(re->met),
		           *w = met_word(re->met);
		char code[PRESENT_SAFE_MAX];
		char text[sizeof(re->text) + 1];

		memcpy(text, re->text, sizeof(re->text));
		text[sizeof(re->text)] = '\0';
		snprintf(code, sizeof(code), "%s", safe(re->code, a));
		fit(code, 12);
		fprintf(fp, "  %s%-4s%s  %-12s  ", ansi(o, seq), w,
		    ansi(o, PRESENT_RESET), code);
		wrap_safe(fp, 22, 22, text);
	}
	if (r->sp_advice[0] != '\0') {
		fputs("  sp=  ", fp);
		wrap_safe(fp, 7, 7, r->sp_advice);
	}
	if (r->np_advice[0] != '\0') {
		fputs("  np=  ", fp);
		wrap_safe(fp, 7, 7, r->np_advice);
	}
	/* A record is copied whole: one line however long. */
	if (v == DIGEST_ROLL_BACK) {
		say(fp, 0, "Roll back, to publish now at _dmarc.%s:",
		    safe(dd->domain, a));
		fprintf(fp, "  %s\n", safe(r->rollback_record, b));
		if (r->rollback_step == 1)
			say(fp, 2,
			    "Receivers apply p=none to this test step: no mail "
			    "is quarantined or rejected while you fix the "
			    "senders, and the reports go on.");
	} else if (r->next_step_no >= 0 && r->next_record[0] != '\0') {
		say(fp, 0, "Next record, %s at _dmarc.%s:",
		    r->ready ? "to publish now" : "to publish when ready",
		    safe(dd->domain, a));
		fprintf(fp, "  %s\n", safe(r->next_record, b));
	}
}

/* The address, or for a sender of several how many (they follow, one
 * level down). */
static const char *
address_of(const struct source *s, const struct digest_addresses *a, char *buf,
    size_t size)
{
	if (a == NULL)
		return s->ip;
	snprintf(buf, size, "%zu addresses", s->n_addresses);
	return buf;
}

/* Who sends and, for one address, its PTR name: "SendGrid,
 * o1.sendgrid.net", either, or NULL. */
static const char *
source_name(const struct source *s, const struct digest_addresses *a, char *buf)
{
	char x[PRESENT_SAFE_MAX / 2], y[PRESENT_SAFE_MAX / 2];
	const char *who = digest_sender_name(s);
	int hp = a == NULL && s->ptr != NULL && s->ptr[0] != '\0' &&
	    (who == NULL || strcmp(who, s->ptr) != 0);

	if (who == NULL || !hp)
		return who != NULL ? who : hp ? s->ptr : NULL;
	/* Each part is cut to leave room for both. */
	text_printable(who, x, sizeof(x) - 2);
	text_printable(s->ptr, y, sizeof(y) - 2);
	strcpy(buf, x);
	strcat(buf, ", ");
	strcat(buf, y);
	return buf;
}

static const char *
u64s(uint64_t v, char *buf)
{
	snprintf(buf, 24, "%" PRIu64, v);
	return buf;
}

static void
more(FILE *fp, size_t n)
{
	if (n > 0)
		fprintf(fp, "  and %zu more\n", n);
}

/* Each cause of the list once, with its fix. */
static void
causes(const struct out *o, const struct digest_sources *l)
{
	int seen[VERDICT_NCAUSES] = {0};

	for (size_t i = 0; i < l->n; i++) {
		int c = verdict_cause_from_name(l->v[i].cause);
		char line[PRESENT_SAFE_MAX];

		if (c < 0 || c == VERDICT_NONE || seen[c])
			continue;
		seen[c] = 1;
		snprintf(line, sizeof(line), "%s: %s", verdict_cause_name(c),
		    verdict_cause_text(c));
		spaces(o->fp, 2);
		wrap(o->fp, 2, 4, line);
		fputs("    fix: ", o->fp);
		wrap(o->fp, 9, 9, verdict_cause_fix(c));
	}
}

/* A list of sources: the failing ones (with their cause) or those that
 * started or stopped sending (with the day). */
static void
source_list(void *ctx, enum digest_section sec, const struct digest_sources *l,
    const struct digest_domain *dd)
{
	const struct out *o = ctx;
	const char *title = digest_section_title(sec);
	int failing = sec == DIGEST_FAILING || sec == DIGEST_SPOOFING;
	struct table t = {0};
	char name[PRESENT_SAFE_MAX], addr[PRESENT_SAFE_MAX], m[24], n[24],
	    when[32];
	char hdr[128];

	(void)dd;
	if (l->n == 0 && l->more == 0) {
		snprintf(hdr, sizeof(hdr), "%s: none", title);
		heading(o, hdr);
		return;
	}
	snprintf(hdr, sizeof(hdr), "%s (%zu)", title, l->n + l->more);
	heading(o, hdr);
	t.flex = 2;
	t.ncol = 6;
	t.head[0] = "ip";
	t.head[1] = "class";
	t.head[2] = "sender";
	t.head[3] = "messages";
	t.right[3] = 1;
	t.head[4] = failing ? "failed" : "passed";
	t.right[4] = 1;
	t.head[5] = failing     ? "cause"
	    : sec == DIGEST_NEW ? "first seen"
	                        : "last seen";
	for (size_t i = 0; i < l->n; i++) {
		const struct digest_addresses *a = digest_addresses_of(l, i);

		/* The sender, then its addresses with their own counts. */
		for (size_t k = 0; k == 0 || (a != NULL && k <= a->n); k++) {
			const struct source *s =
			    k == 0 ? &l->v[i] : &a->v[k - 1];
			const char *last, *ip, *who;

			if (failing)
				last = s->cause;
			else
				last = present_time(sec == DIGEST_NEW
				        ? s->first_seen
				        : s->last_seen,
				    CLOCK_FORM_DAY, "?", when, sizeof(when));
			if (k == 0) {
				ip = address_of(s, a, addr, sizeof(addr));
				who = source_name(s, a, name);
			} else {
				snprintf(addr, sizeof(addr), "  %s",
				    s->ip != NULL ? s->ip : "?");
				ip = addr;
				who = s->ptr; /* its own name */
			}
			row(&t, ip, source_class_name(s->cls), who,
			    u64s(s->messages, m),
			    u64s(failing ? s->failed : s->passed, n), last);
		}
	}
	table_print(o, &t, 2);
	more(o->fp, l->more);
	if (sec == DIGEST_FAILING)
		causes(o, l);
}

/* A reporter's days (present_coverage()): '#' all covered, '+' some, '.'
 * none; with colour, blocks. */
static void
reporter_days(const struct out *o, const char *days)
{
	char cols[PRESENT_COVERAGE_LEN];

	for (const char *c = present_coverage(days, cols, sizeof(cols));
	     *c != '\0'; c++) {
		if (*c == '#')
			bar(o, 1, "#", PRESENT_GREEN, "\xe2\x96\xa0");
		else if (*c == '+')
			bar(o, 1, "+", PRESENT_YELLOW, "\xe2\x96\xa3");
		else
			bar(o, 1, ".", "", "\xe2\x96\xa1");
	}
}

static void
reporters(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	char name[PRESENT_SAFE_MAX], hdr[64];
	size_t wn = 8, wr = 7, wm = 8;

	if (dd->nreporters == 0) {
		heading(o, "Reporters: none");
		return;
	}
	snprintf(hdr, sizeof(hdr), "Reporters (%" PRIu64 ")",
	    (uint64_t)dd->nreporters + dd->reporters_more);
	heading(o, hdr);
	for (size_t i = 0; i < dd->nreporters; i++) {
		char buf[24];
		size_t n;

		n = cps(safe(dd->reporters[i].name, name));
		if (n > wn)
			wn = n;
		n = strlen(u64s(dd->reporters[i].reports, buf));
		if (n > wr)
			wr = n;
		n = strlen(u64s(dd->reporters[i].messages, buf));
		if (n > wm)
			wm = n;
	}
	/* The name gives way to the bar and numbers. */
	if (2 + wn + 2 + wr + 2 + wm + 2 + PRESENT_REPORTER_BAR + 8 >
	    PRESENT_WIDTH)
		wn = PRESENT_WIDTH -
		    (2 + 2 + wr + 2 + wm + 2 + PRESENT_REPORTER_BAR + 8);
	fprintf(o->fp, "  %s%-*s  %*s  %*s  days%s\n", ansi(o, PRESENT_BOLD),
	    (int)wn, "reporter", (int)wr, "reports", (int)wm, "messages",
	    ansi(o, PRESENT_RESET));
	for (size_t i = 0; i < dd->nreporters; i++) {
		const struct digest_reporter *r = &dd->reporters[i];
		size_t len = r->days != NULL ? strlen(r->days) : 0;

		safe(r->name, name);
		fit(name, wn);
		fprintf(o->fp, "  %s", name);
		spaces(o->fp, wn - cps(name));
		fprintf(o->fp, "  %*" PRIu64 "  %*" PRIu64 "  ", (int)wr,
		    r->reports, (int)wm, r->messages);
		reporter_days(o, r->days);
		fprintf(o->fp, " %d/%zu\n", r->ndays_covered, len);
	}
	if (dd->reporters_more > 0)
		fprintf(o->fp,
		    "  and %" PRIu64 " more, %" PRIu64 " messages in all\n",
		    dd->reporters_more, dd->reporters_more_messages);
	for (size_t i = 0; i < dd->nreporters; i++) {
		const struct digest_reporter *r = &dd->reporters[i];
		char line[PRESENT_SAFE_MAX + 128];

		if (!r->silent)
			continue;
		snprintf(line, sizeof(line),
		    "%s went silent: it sent reports in the period before, "
		    "none in this one.",
		    safe(r->name, name));
		fprintf(o->fp, "  %s!%s ", ansi(o, PRESENT_YELLOW),
		    ansi(o, PRESENT_RESET));
		wrap(o->fp, 4, 4, line);
	}
}

static void
dns(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	size_t count[DNSCHECK_DNSERROR + 1] = {0};
	char hdr[160];

	if (!dd->dns_checked) {
		heading(o, "DNS health: not checked this time");
		return;
	}
	for (size_t i = 0; i < dd->dns.n; i++)
		if ((unsigned)dd->dns.v[i].status <= DNSCHECK_DNSERROR)
			count[dd->dns.v[i].status]++;
	if (dd->dns.n == 0)
		snprintf(hdr, sizeof(hdr), "DNS health: nothing checked");
	else if (count[DNSCHECK_PASS] == dd->dns.n)
		snprintf(hdr, sizeof(hdr), "DNS health: all %zu checks pass",
		    dd->dns.n);
	else
		snprintf(hdr, sizeof(hdr),
		    "DNS health: %zu pass, %zu warn, %zu fail, %zu dnserror",
		    count[DNSCHECK_PASS], count[DNSCHECK_WARN],
		    count[DNSCHECK_FAIL], count[DNSCHECK_DNSERROR]);
	heading(o, hdr);
	for (size_t i = 0; i < dd->dns.n; i++) {
		const struct dnscheck_finding *f = &dd->dns.v[i];
		char a[PRESENT_SAFE_MAX], b[PRESENT_SAFE_MAX],
		    line[2 * PRESENT_SAFE_MAX + 4];
		char id[PRESENT_SAFE_MAX];

		if (f->status == DNSCHECK_PASS)
			continue;
		snprintf(id, sizeof(id), "%s", safe(f->id, a));
		fit(id, 13);
		fprintf(o->fp, "  %s%-8s%s %-13s ",
		    ansi(o, present_status_ansi(f->status)),
		    dnscheck_status_name(f->status), ansi(o, PRESENT_RESET),
		    id);
		snprintf(line, sizeof(line), "%s: %s", safe(f->subject, a),
		    safe(f->text, b));
		wrap(o->fp, 25, 25, line);
		if (f->fix != NULL && f->fix[0] != '\0') {
			spaces(o->fp, 25);
			fputs("fix: ", o->fp);
			wrap_safe(o->fp, 30, 30, f->fix);
		}
	}
}

static void
failure_reports(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	char line[DIGEST_FAILURES_LEN + PRESENT_SAFE_MAX + 64],
	    name[PRESENT_SAFE_MAX];

	digest_failures_text(dd, line, DIGEST_FAILURES_LEN);
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "`dmarcsift sources --domain %s`", safe(dd->domain, name));
	fputc('\n', o->fp);
	say(o->fp, 0, "%s", line);
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* What `dmarcsift tls` says of the period, shortened: the sessions, why
 * they failed with the fix, the receiving MX hosts that failed most. */
static void
tls(void *ctx, const struct digest_domain *dd)
{
	const struct out *o = ctx;
	const struct tls_summary *s = dd->tls;
	uint64_t all = s->successful + s->failed;
	char hdr[96], rate[PRESENT_PERCENT_LEN], name[PRESENT_SAFE_MAX];
	struct table t = {0};
	size_t named = 0;

	snprintf(hdr, sizeof(hdr),
	    "SMTP TLS: %" PRIu64 " session%s, %s succeeded", all, plural(all),
	    present_rate(s->successful, all, "-", rate, sizeof(rate)));
	heading(o, hdr);
	say(o->fp, 2,
	    "%" PRIu64 " failed, in %" PRIu64 " report%s from %zu reporter%s; "
	    "`dmarcsift tls --domain %s` shows the days and the reporters.",
	    s->failed, s->reports, plural(s->reports), s->n_reporters,
	    plural(s->n_reporters), safe(dd->domain, name));
	for (size_t i = 0; i < s->n_types && i < DIGEST_TLS_TYPES; i++) {
		const struct tls_type *ty = &s->types[i];
		char line[2 * PRESENT_SAFE_MAX];

		snprintf(line, sizeof(line),
		    "%s: %" PRIu64 " failed session%s, %s",
		    safe(ty->type, name), ty->failed, plural(ty->failed),
		    tls_type_text(ty->type));
		spaces(o->fp, 2);
		wrap(o->fp, 2, 4, line);
		fputs("    fix: ", o->fp);
		wrap(o->fp, 9, 9, tls_type_fix(ty->type));
	}
	if (s->n_types > DIGEST_TLS_TYPES)
		more(o->fp, s->n_types - DIGEST_TLS_TYPES);
	/* The hosts named: failures without one are the policy's (MTA-STS
	 * fetched or read), told above. */
	t.flex = 2;
	t.ncol = 3;
	t.head[0] = "receiving MX";
	t.head[1] = "failed";
	t.right[1] = 1;
	t.head[2] = "why";
	for (size_t i = 0; i < s->n_mxs; i++) {
		char n[24];

		if (s->mxs[i].mx == NULL || named++ >= DIGEST_TLS_MXS)
			continue;
		row(&t, s->mxs[i].mx, u64s(s->mxs[i].failed, n),
		    s->mxs[i].types);
	}
	if (t.nrows > 0) {
		fputc('\n', o->fp);
		table_print(o, &t, 2);
	}
	if (named > DIGEST_TLS_MXS)
		more(o->fp, named - DIGEST_TLS_MXS);
}

static const struct digest_outline outline = {DIGEST_LAYOUT_FULL, totals, days,
    policy, readiness, source_list, reporters, dns, failure_reports, tls};

static void
domain(struct out *o, const struct digest_domain *dd)
{
	char name[PRESENT_SAFE_MAX];
	size_t n;

	safe(dd->domain, name);
	fit(name, PRESENT_WIDTH);
	n = cps(name);
	fprintf(o->fp, "\n%s%s%s\n", ansi(o, PRESENT_BOLD), name,
	    ansi(o, PRESENT_RESET));
	while (n-- > 0)
		fputc('=', o->fp);
	fputc('\n', o->fp);
	digest_outline_walk(&outline, dd, o);
}

static void
refused(const struct out *o, const struct digest *d)
{
	char hdr[64], when[32];

	if (d->nrefused == 0 && d->refused_more == 0) {
		heading(o, "Inputs refused during the period: none");
		return;
	}
	snprintf(hdr, sizeof(hdr), "Inputs refused during the period (%zu)",
	    d->nrefused + d->refused_more);
	heading(o, hdr);
	for (size_t i = 0; i < d->nrefused; i++) {
		const struct digest_refused *r = &d->refused[i];
		int n;

		n = fprintf(o->fp, "  #%" PRId64 "  %s  ", r->input,
		    present_time(r->received_at, CLOCK_FORM_MINUTE, "?", when,
		        sizeof(when)));
		wrap_safe(o->fp, n > 0 ? (size_t)n : 0, 6, r->source_name);
		spaces(o->fp, 6);
		wrap_safe(o->fp, 6, 6, r->reason);
	}
	more(o->fp, d->refused_more);
	say(o->fp, 2,
	    "`dmarcsift reparse` reads them again after an upgrade "
	    "or with raised limits.");
}

/* Domains in reports that are not the owner's: named, nothing more. */
static void
foreign(const struct out *o, const struct digest *d)
{
	char hdr[96], name[PRESENT_SAFE_MAX];

	if (d->nforeign == 0)
		return;
	snprintf(hdr, sizeof(hdr), "Other domains in reports (%zu)",
	    d->nforeign + d->foreign_more);
	heading(o, hdr);
	for (size_t i = 0; i < d->nforeign; i++) {
		/* Cut to keep the line inside the page width. */
		text_printable(d->foreign[i].domain, name, 64);
		fprintf(o->fp, "  %-40s %10" PRIu64 " message%s\n", name,
		    d->foreign[i].messages,
		    d->foreign[i].messages == 1 ? "" : "s");
	}
	more(o->fp, d->foreign_more);
	say(o->fp, 2,
	    "Not yours by the setting `domains` (or too small to be): stored, "
	    "not judged, checked or mailed.");
}

int
digest_text(FILE *fp, const struct digest *d, int color)
{
	struct out o = {fp, color == 1};
	char a[32], b[32], c[32], e[32], name[PRESENT_SAFE_MAX];
	int64_t days =
	    d->until > d->since ? (d->until - d->since) / CLOCK_DAY : 0;

	fprintf(fp, "%sDMARC report, %s%s: %s to %s (%" PRId64 " day%s, UTC)\n",
	    ansi(&o, PRESENT_BOLD), safe(d->period, name),
	    ansi(&o, PRESENT_RESET),
	    present_time(d->since, CLOCK_FORM_DAY, "?", a, sizeof(a)),
	    present_time(
	        d->until - CLOCK_DAY, CLOCK_FORM_DAY, "?", b, sizeof(b)),
	    days, days == 1 ? "" : "s");
	fprintf(fp, "Compared with %s to %s.  Generated %s UTC.\n",
	    present_time(d->prev_since, CLOCK_FORM_DAY, "?", c, sizeof(c)),
	    present_time(
	        d->since - CLOCK_DAY, CLOCK_FORM_DAY, "?", e, sizeof(e)),
	    present_time(
	        d->generated_at, CLOCK_FORM_MINUTE, "?", name, sizeof(name)));
	if (d->n == 0) {
		fputc('\n', fp);
		say(fp, 0,
		    "No DMARC reports in this period or the one "
		    "before.");
	}
	for (size_t i = 0; i < d->n; i++)
		domain(&o, &d->domains[i]);
	foreign(&o, d);
	refused(&o, d);
	return present_end(fp);
}
