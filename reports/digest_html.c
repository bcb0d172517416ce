/*
 * digest_html: the digest as one HTML document for mail clients.
 *
 * Mail clients drop scripts, external style sheets and often <style> too,
 * so the layout is tables with inline styles, at most 680 pixels wide,
 * system fonts; charts are inline SVG (svg.h).  The output is also
 * well-formed XML (void elements self-closed, only XML's character
 * references), so that xmllint and XML tools read it.
 */
#include "digest_render.h"

#include "clock.h"
#include "digest.h"
#include "digest_outline.h"
#include "dnscheck.h"
#include "percent.h"
#include "present.h"
#include "svg.h"
#include "text.h"
#include "tls.h"
#include "tls_render.h"
#include "verdict.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The readiness threshold drawn on the pass-rate chart.  struct digest
 * does not carry the configured thresholds, so the default is shown. */

/* Names from strangers are cut to this many characters in tables. */
#define NAME_CHARS 64
/* Reporters listed, active and silent each: anyone can send reports, so
 * their number has no limit of its own. */
#define MAX_REPORTERS 25
/* DKIM and SPF domains listed per spoofing source. */
#define AUTH_DOMAINS 3

#define MONO "ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace"
/* The rest of the palette is present.h's. */
#define PURPLE "#7c3aed"

#define S_SECTION "padding:20px 24px 0 24px;"
#define S_H3                                                                   \
	"margin:0 0 8px "                                                      \
	"0;font-size:16px;line-height:22px;color:" PRESENT_HTML_INK ";"
#define S_P                                                                    \
	"margin:0 0 8px "                                                      \
	"0;font-size:14px;line-height:20px;color:" PRESENT_HTML_INK ";"
#define S_NOTE                                                                 \
	"margin:4px 0 8px "                                                    \
	"0;font-size:13px;line-height:18px;color:" PRESENT_HTML_MUTED ";"
#define S_TABLE                                                                \
	"border-collapse:collapse;width:100%;font-size:13px;line-height:18px;"
#define S_TH                                                                   \
	"padding:6px 6px;border-bottom:2px solid " PRESENT_HTML_LINE           \
	";text-align:left;"                                                    \
	"font-size:12px;color:#374151;"
#define S_TD                                                                   \
	"padding:6px 6px;border-bottom:1px solid #f1f5f9;vertical-align:top;"
#define S_NUM "text-align:right;white-space:nowrap;"
/* Long tokens break where they overflow, and only there. */
#define S_WRAP "overflow-wrap:anywhere;word-break:break-word;"
#define S_IP "font-family:" MONO ";font-size:12px;"
#define S_SMALL "font-size:12px;color:" PRESENT_HTML_MUTED ";"
#define S_RECORD                                                               \
	"margin:8px 0;padding:10px 12px;background:#f8fafc;border:1px solid "  \
	"#cbd5e1;font-family:" MONO ";font-size:12px;line-height:18px;" S_WRAP

#define TABLE_OPEN                                                             \
	"<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "           \
	"border=\"0\" style=\"" S_TABLE "\">\n"

/* ------------------------------------------------------------------------
 * Small formatting helpers. */

static void
esc(FILE *fp, const char *s)
{
	svg_escape(fp, s, 0);
}

/* Names longer than this may break inside a word; shorter ones never do. */
#define NAME_UNBROKEN 24

/* A stranger's name, cut.  A long one may break inside a word, or it would
 * widen its table past the mail's width; a short one never does, so that
 * a narrow column does not split "Mailchimp". */
static void
name(FILE *fp, const char *s)
{
	if (s != NULL && strlen(s) > NAME_UNBROKEN) {
		fputs("<span style=\"" S_WRAP "\">", fp);
		svg_escape(fp, s, NAME_CHARS);
		fputs("</span>", fp);
	} else {
		svg_escape(fp, s, NAME_CHARS);
	}
}

/* A fixed-size field, escaped, even when it lacks its terminator. */
static void
esc_field(FILE *fp, const char *field, size_t size)
{
	char buf[1024];
	size_t len = strnlen(field, size);

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, field, len);
	buf[len] = '\0';
	esc(fp, buf);
}
#define ESC_FIELD(fp, arr) esc_field(fp, arr, sizeof(arr))

/* v with thousands separators: "18,446,744,073,709,551,615" fits 32. */
static const char *
count(char *buf, size_t bufsz, uint64_t v)
{
	char digits[24];
	size_t n, o = 0;

	n = (size_t)snprintf(
	    digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (size_t i = 0; i < n && o + 2 < bufsz; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void
put_count(FILE *fp, uint64_t v)
{
	char buf[32];

	fputs(count(buf, sizeof(buf), v), fp);
}

/* A pass rate, "99.9%" (present.h); "n/a" without mail. */
static void
put_rate(FILE *fp, uint64_t num, uint64_t den)
{
	char p[PRESENT_PERCENT_LEN];

	fputs(present_rate(num, den, "n/a", p, sizeof(p)), fp);
}

/* A share of failing mail, rounded up (present.h); "n/a" without mail. */
static void
put_failed_rate(FILE *fp, uint64_t num, uint64_t den)
{
	char p[PRESENT_PERCENT_LEN];

	fputs(present_failed_rate(num, den, "n/a", p, sizeof(p)), fp);
}

/* The period as dates: [since, until) shows its last day inclusive. */
static void
put_period(FILE *fp, const struct digest *d)
{
	char a[32], b[32];

	int64_t last = d->until;

	if (d->until > d->since && d->until > INT64_MIN + CLOCK_DAY)
		last = d->until - CLOCK_DAY;
	fprintf(fp, "%s to %s",
	    present_time(d->since, CLOCK_FORM_DAY, "?", a, sizeof(a)),
	    present_time(last, CLOCK_FORM_DAY, "?", b, sizeof(b)));
}

/* ------------------------------------------------------------------------
 * Layout pieces. */

static void
section(FILE *fp, const char *title)
{
	fputs("<tr><td style=\"" S_SECTION "\">\n<h3 style=\"" S_H3 "\">", fp);
	fputs(title, fp);
	fputs("</h3>\n", fp);
}

static void
section_end(FILE *fp)
{
	fputs("</td></tr>\n", fp);
}

/* A sentence of ours (not escaped: never a stranger's). */
static void
sentence(FILE *fp, const char *s)
{
	fprintf(fp, "<p style=\"" S_NOTE "\">%s</p>\n", s);
}

static void
more(FILE *fp, size_t n, const char *what)
{
	if (n > 0)
		fprintf(fp,
		    "<p style=\"" S_NOTE "\">And %zu more %s not shown.</p>\n",
		    n, what);
}

/* A header row: columns separated by '|', a leading '>' aligns right. */
static void
table_head(FILE *fp, const char *cols)
{
	fputs(TABLE_OPEN "<tr>", fp);
	while (*cols != '\0') {
		size_t len = strcspn(cols, "|");
		int right = *cols == '>';

		fprintf(fp, "<th style=\"" S_TH "%s\">%.*s</th>",
		    right ? S_NUM : "", (int)(len - (size_t)right),
		    cols + right);
		cols += len;
		if (*cols == '|')
			cols++;
	}
	fputs("</tr>\n", fp);
}

static void
td(FILE *fp)
{
	fputs("<td style=\"" S_TD "\">", fp);
}

static void
td_num(FILE *fp)
{
	fputs("<td style=\"" S_TD S_NUM "\">", fp);
}

/* An address, breakable after each ':' (IPv6 is long; IPv4 stays whole). */
static void
ip(FILE *fp, const char *s)
{
	fputs("<span style=\"" S_IP "\">", fp);
	for (const char *p = s; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ":");
		char part[64];

		/* Parts are short in an address; a longer one is cut. */
		snprintf(part, sizeof(part), "%.*s", (int)len, p);
		text_utf8_cut(part);
		name(fp, part);
		p += len;
		if (*p == ':') {
			fputs(":&#8203;", fp); /* zero-width space */
			p++;
		}
	}
	fputs("</span>", fp);
}

/* The source cell: the address (for a sender of several, how many: they
 * follow one level down), then who sends in bold and the PTR name, or "no
 * name" when none is known. */
static void
td_source(FILE *fp, const struct source *s, const struct digest_addresses *a)
{
	const char *who = digest_sender_name(s);
	int ptr = a == NULL && s->ptr != NULL && s->ptr[0] != '\0' &&
	    (who == NULL || strcmp(who, s->ptr) != 0);

	td(fp);
	if (a != NULL)
		fprintf(fp, "%zu addresses", s->n_addresses);
	else
		ip(fp, s->ip);
	if (who != NULL) {
		fputs("<br/><b>", fp);
		name(fp, who);
		fputs("</b>", fp);
	}
	if (ptr) {
		fputs("<br/><span style=\"" S_SMALL "\">", fp);
		name(fp, s->ptr);
		fputs("</span>", fp);
	}
	if (who == NULL && !ptr)
		fputs("<br/><span style=\"" S_SMALL "\">no name</span>", fp);
	fputs("</td>", fp);
}

/* An address of a sender, one level down: the address and its PTR name. */
static void
td_member(FILE *fp, const struct source *s)
{
	fputs("<td style=\"" S_TD "padding-left:18px;\">&#8627; ", fp);
	ip(fp, s->ip);
	if (s->ptr != NULL && s->ptr[0] != '\0') {
		fputs("<br/><span style=\"" S_SMALL "\">", fp);
		name(fp, s->ptr);
		fputs("</span>", fp);
	}
	fputs("</td>", fp);
}

/* A cell with a count. */
static void
td_count(FILE *fp, uint64_t v)
{
	td_num(fp);
	put_count(fp, v);
	fputs("</td>", fp);
}

static void
td_fraction(FILE *fp, uint64_t part, uint64_t whole)
{
	td_num(fp);
	put_count(fp, part);
	fputs(" / ", fp);
	put_count(fp, whole);
	fputs("</td>", fp);
}

static const char *
class_color(enum source_class c)
{
	switch (c) {
	case SOURCE_LEGITIMATE:
		return PRESENT_HTML_WARN;
	case SOURCE_FORWARDER:
		return PRESENT_HTML_MUTED;
	case SOURCE_UNKNOWN:
		return PURPLE;
	default:
		return PRESENT_HTML_FAIL;
	}
}

static void
td_class(FILE *fp, enum source_class c)
{
	td(fp);
	fprintf(fp, "<span style=\"color:%s;\">%s</span></td>", class_color(c),
	    source_class_name(c));
}

/* ------------------------------------------------------------------------
 * The sections of a domain, written in the order and on the conditions of
 * digest_outline.h (its mail layout). */

/* What a section writer is handed: the stream, and the digest (the pass
 * rate the next step asks for, drawn on the chart). */
struct html {
	FILE *fp;
	const struct digest *d;
};

/* The stream of a section writer. */
static FILE *
html_fp(void *ctx)
{
	return ((const struct html *)ctx)->fp;
}

static void
domain_header(FILE *fp, const struct digest *d, const struct digest_domain *dd)
{
	char buf[40];

	fputs("<tr><td style=\"padding:20px 24px;background:#1e293b;"
	      "color:#ffffff;\">\n"
	      "<h2 style=\"margin:0;font-size:22px;line-height:28px;"
	      "color:#ffffff;" S_WRAP "\">",
	    fp);
	name(fp, dd->domain);
	fputs("</h2>\n<p style=\"margin:4px 0 0 0;font-size:13px;"
	      "line-height:18px;color:#cbd5e1;\">",
	    fp);
	ESC_FIELD(fp, d->period);
	fputs(": ", fp);
	put_period(fp, d);
	fprintf(fp, " (UTC) &#183; generated %s</p>\n</td></tr>\n",
	    present_time(
	        d->generated_at, CLOCK_FORM_MINUTE_UTC, "?", buf, sizeof(buf)));
}

/* One figure of the key-figures row: a label, a big value, a detail. */
static void
figure_open(FILE *fp, const char *label)
{
	fprintf(fp,
	    "<td width=\"33%%\" style=\"padding:12px;border:1px "
	    "solid " PRESENT_HTML_LINE
	    ";vertical-align:top;\"><div style=\"" S_SMALL "\">%s</div>"
	    "<div style=\"font-size:24px;line-height:32px;font-weight:700;"
	    "color:" PRESENT_HTML_INK ";\">",
	    label);
}

static void
figure_detail(FILE *fp)
{
	fputs("</div><div style=\"" S_SMALL "\">", fp);
}

static void
figure_close(FILE *fp)
{
	fputs("</div></td>\n", fp);
}

static void
key_figures(FILE *fp, const struct digest_domain *dd)
{
	uint64_t failed =
	    dd->passed < dd->messages ? dd->messages - dd->passed : 0;

	section(fp, "Key figures");
	fputs("<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
	      "border=\"0\" style=\"border-collapse:collapse;width:100%;\">"
	      "<tr>\n",
	    fp);

	figure_open(fp, "Messages");
	put_count(fp, dd->messages);
	figure_detail(fp);
	if (!dd->has_prev) {
		fputs("first period", fp);
	} else if (dd->prev_messages == 0) {
		fputs("none the period before", fp);
	} else {
		char change[PERCENT_LEN];

		/* Beyond +9999%, a percentage is only a long number. */
		if (percent_change_text(dd->messages, dd->prev_messages, change,
		        sizeof(change)) < 0)
			fputs("over 100 times as many as ", fp);
		else
			fprintf(fp, "%s%% vs ", change);
		put_count(fp, dd->prev_messages);
		fputs(" the period before", fp);
	}
	figure_close(fp);

	figure_open(fp, "DMARC pass rate");
	put_rate(fp, dd->passed, dd->messages);
	figure_detail(fp);
	if (!dd->has_prev) {
		fputs("first period", fp);
	} else if (dd->prev_messages == 0 || dd->messages == 0) {
		fputs("no rate to compare", fp);
	} else {
		char points[PERCENT_LEN];
		int diff = percent_points(dd->passed, dd->messages,
		    dd->prev_passed, dd->prev_messages, points, sizeof(points));

		if (diff == 0)
			fputs("unchanged", fp);
		else
			fprintf(fp,
			    "<span style=\"color:%s;\">%s points</span>",
			    diff > 0 ? PRESENT_HTML_PASS : PRESENT_HTML_FAIL,
			    points);
		fputs(" vs ", fp);
		put_rate(fp, dd->prev_passed, dd->prev_messages);
	}
	figure_close(fp);

	figure_open(fp, "Failed DMARC");
	put_count(fp, failed);
	figure_detail(fp);
	put_failed_rate(fp, failed, dd->messages);
	fputs(" of messages", fp);
	figure_close(fp);
	fputs("</tr></table>\n", fp);
	section_end(fp);
}

static void
charts(void *ctx, const struct digest_domain *dd)
{
	const struct digest *d = ((const struct html *)ctx)->d;
	FILE *fp = html_fp(ctx);
	/* 0 in a digest made by hand: the default. */
	int goal = d->thresholds.pass_rate > 0 ? d->thresholds.pass_rate : 98;
	size_t n = dd->ndays < DIGEST_MAX_DAYS ? dd->ndays : DIGEST_MAX_DAYS;
	struct svg_bar *bars;
	struct svg_rate *rates;
	char(*labels)[PRESENT_TIME_LEN];

	section(fp, "Daily volume");
	if (n == 0 || dd->days == NULL) {
		sentence(fp, "No daily figures for this period.");
		section_end(fp);
		return;
	}
	bars = xcalloc(n, sizeof(*bars));
	rates = xcalloc(n, sizeof(*rates));
	labels = xcalloc(n, sizeof(*labels));
	for (size_t i = 0; i < n; i++) {
		const struct digest_day *day = &dd->days[i];

		/* The year is in the header. */
		bars[i].label = rates[i].label = present_time(day->day,
		    CLOCK_FORM_MONTH_DAY, "?", labels[i], sizeof(labels[i]));
		bars[i].pass =
		    day->passed < day->messages ? day->passed : day->messages;
		bars[i].fail = day->messages - bars[i].pass;
		rates[i].num = day->passed;
		rates[i].den = day->messages;
	}
	svg_stacked_bars(
	    fp, "Messages per day: passed and failed DMARC", bars, n);
	fputs("\n<div style=\"height:12px;line-height:12px;\">&#160;</div>\n",
	    fp);
	svg_rate_line(fp, "DMARC pass rate per day", rates, n, goal);
	fputc('\n', fp);
	fprintf(fp,
	    "<p style=\"" S_NOTE "\">The dashed line is the pass rate the next "
	    "policy step asks for (%d%%). Days without reports are gaps.</p>\n",
	    goal);
	free(labels);
	free(rates);
	free(bars);
	section_end(fp);
}

static void
reason_line(FILE *fp, const struct readiness_reason *r)
{
	const char *mark = "&#10003;",
	           *color = PRESENT_HTML_PASS; /* check mark */

	if (r->met == 0)
		mark = "&#10007;", color = PRESENT_HTML_FAIL; /* ballot x */
	else if (r->met < 0)
		mark = "!", color = PRESENT_HTML_WARN;
	fprintf(fp,
	    "<tr><td width=\"20\" style=\"padding:2px 6px 2px 0;"
	    "vertical-align:top;color:%s;font-weight:700;\">%s</td>"
	    "<td style=\"padding:2px 0;font-size:13px;line-height:18px;\">",
	    color, mark);
	ESC_FIELD(fp, r->text);
	fputs("</td></tr>\n", fp);
}

static void
policy_section(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	const struct readiness *r = &dd->readiness;
	char buf[32];
	size_t nreasons = r->n_reasons < READINESS_MAX_REASONS
	    ? r->n_reasons
	    : READINESS_MAX_REASONS;
	enum digest_verdict v = digest_verdict_of(r);

	section(fp, "Policy and readiness");
	fputs("<p style=\"" S_P "\">Policy in force: ", fp);
	if (dd->policy.known) {
		fputs("<b style=\"font-family:" MONO ";\">", fp);
		ESC_FIELD(fp, r->policy_now);
		fputs("</b>", fp);
		if (dd->policy.since > 0)
			fprintf(fp, ", reported since %s",
			    present_time(dd->policy.since, CLOCK_FORM_DAY, "?",
			        buf, sizeof(buf)));
	} else {
		fputs(
		    "not known (no report said which policy is published)", fp);
	}
	if (r->published_differs && r->policy_published[0] != '\0') {
		/* The step is the published policy's, not the reported
		 * one's. */
		fputs(". Published in DNS now: <b style=\"font-family:" MONO
		      ";\">",
		    fp);
		ESC_FIELD(fp, r->policy_published);
		fputs("</b>", fp);
	}
	fprintf(fp, ". Step %d of 4.</p>\n",
	    r->step_now >= 0 && r->step_now <= 4 ? r->step_now : 0);

	if (v == DIGEST_LAST_STEP) {
		fputs("<p style=\"" S_P "padding:8px 12px;background:#f0fdf4;"
		      "border-left:4px solid " PRESENT_HTML_PASS ";\">"
		      "At the last step: failing mail is rejected. Nothing "
		      "further "
		      "to publish.</p>\n",
		    fp);
	} else if (v == DIGEST_ROLL_BACK) {
		fputs("<p style=\"" S_P "padding:8px 12px;background:#fef2f2;"
		      "border-left:4px solid " PRESENT_HTML_FAIL
		      ";\"><b>Roll back:</b> "
		      "legitimate mail is being lost since the step (see "
		      "below); publish the record below now.</p>\n",
		    fp);
	} else {
		fprintf(fp,
		    "<p style=\"" S_P "padding:8px 12px;background:%s;"
		    "border-left:4px solid %s;\"><b>%s</b> ",
		    r->ready ? "#f0fdf4" : "#fffbeb",
		    r->ready ? PRESENT_HTML_PASS : PRESENT_HTML_WARN,
		    v == DIGEST_READY ? "Ready for the next step:"
		        : v == DIGEST_WAIT
		        ? (r->published_differs
		                  ? "Wait: not every receiver shows the "
		                    "published policy yet; then"
		                  : "Wait: not every receiver shows the new "
		                    "policy yet; then")
		        : "Not ready yet for the next step:");
		fputs("<span style=\"font-family:" MONO ";\">", fp);
		ESC_FIELD(fp, r->next_step);
		fputs("</span></p>\n", fp);
	}
	if (nreasons > 0) {
		fputs("<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
		      "style=\"border-collapse:collapse;margin:0 0 8px 0;\">\n",
		    fp);
		for (size_t i = 0; i < nreasons; i++)
			reason_line(fp, &r->reasons[i]);
		fputs("</table>\n", fp);
	}
	if (v == DIGEST_ROLL_BACK) {
		fputs("<p style=\"" S_P "\">Roll back now: publish this TXT "
		      "record at <b>_dmarc.",
		    fp);
		name(fp, dd->domain);
		fputs("</b>:</p>\n<div style=\"" S_RECORD "\">", fp);
		ESC_FIELD(fp, r->rollback_record);
		fputs("</div>\n", fp);
		if (r->rollback_step == 1)
			fputs("<p style=\"" S_NOTE "\">Receivers apply p=none "
			      "to this test step: no mail is quarantined or "
			      "rejected while you fix the senders, and the "
			      "reports go on.</p>\n",
			    fp);
	} else if (r->next_step_no >= 0 && r->next_record[0] != '\0') {
		fprintf(fp, "<p style=\"" S_P "\">%s <b>_dmarc.",
		    r->ready ? "Next step: publish this TXT record at"
		             : "When the conditions are met, publish this TXT "
		               "record at");
		name(fp, dd->domain);
		fputs("</b>:</p>\n<div style=\"" S_RECORD "\">", fp);
		ESC_FIELD(fp, r->next_record);
		fputs("</div>\n", fp);
	}
	if (r->sp_advice[0] != '\0') {
		fputs("<p style=\"" S_NOTE "\">", fp);
		ESC_FIELD(fp, r->sp_advice);
		fputs("</p>\n", fp);
	}
	if (r->np_advice[0] != '\0') {
		fputs("<p style=\"" S_NOTE "\">", fp);
		ESC_FIELD(fp, r->np_advice);
		fputs("</p>\n", fp);
	}
	section_end(fp);
}

static size_t
shown(const struct digest_sources *l)
{
	return l->v == NULL ? 0 : l->n < DIGEST_TOP ? l->n : DIGEST_TOP;
}

/* A bar of the failing-sources chart with its label's storage. */
struct failing_bar {
	struct svg_hbar bar;
	char label[160];
};

static int
failing_bar_cmp(const void *a, const void *b)
{
	const struct failing_bar *x = a, *y = b;

	if (x->bar.value != y->bar.value)
		return x->bar.value < y->bar.value ? 1 : -1;
	return strcmp(x->label, y->label);
}

static void
failing_bar_add(struct failing_bar *v, size_t *n, const struct source *s)
{
	const char *also = digest_sender_name(s);

	if (s->failed == 0)
		return;
	if (s->n_addresses > 1 && also != NULL)
		/* A sender of several addresses: its name and its sums. */
		snprintf(v[*n].label, sizeof(v[*n].label), "%s (%zu addresses)",
		    also, s->n_addresses);
	else if (also != NULL)
		snprintf(v[*n].label, sizeof(v[*n].label), "%s (%s)",
		    s->ip ? s->ip : "?", also);
	else
		snprintf(v[*n].label, sizeof(v[*n].label), "%s",
		    s->ip ? s->ip : "?");
	text_utf8_cut(v[*n].label); /* snprintf may cut a sequence */
	v[*n].bar.label = v[*n].label;
	v[*n].bar.value = s->failed;
	v[*n].bar.color = class_color(s->cls);
	(*n)++;
}

static void
legend_item(FILE *fp, const char *color, const char *what)
{
	fprintf(fp, "<span style=\"color:%s;\">&#9632;</span> %s&#160;&#160; ",
	    color, what);
}

static void
failing_chart(FILE *fp, const struct digest_domain *dd)
{
	struct failing_bar v[2 * DIGEST_TOP];
	struct svg_hbar bars[DIGEST_TOP];
	size_t n = 0;

	for (size_t i = 0; i < shown(&dd->failing_legit); i++)
		failing_bar_add(v, &n, &dd->failing_legit.v[i]);
	for (size_t i = 0; i < shown(&dd->spoofing); i++)
		failing_bar_add(v, &n, &dd->spoofing.v[i]);

	section(fp, "Top failing sources");
	if (n == 0) {
		sentence(fp, "No source failed DMARC this period.");
		section_end(fp);
		return;
	}
	qsort(v, n, sizeof(v[0]), failing_bar_cmp);
	if (n > DIGEST_TOP)
		n = DIGEST_TOP;
	for (size_t i = 0; i < n; i++) {
		bars[i] = v[i].bar;
		bars[i].label = v[i].label; /* the sort moved the storage */
	}
	svg_hbars(fp, "Messages failing DMARC, by source", bars, n);
	fputs("\n<p style=\"" S_NOTE "\">", fp);
	legend_item(fp, PRESENT_HTML_WARN, "yours (legitimate)");
	legend_item(fp, PRESENT_HTML_FAIL, "spoofing");
	legend_item(fp, PURPLE, "unknown");
	fputs("</p>\n", fp);
	section_end(fp);
}

/* "a.example, b.example +2" for a list of domains from reports. */
static void
domain_list(FILE *fp, const char *what, char *const *v, size_t n)
{
	if (n == 0 || v == NULL)
		return;
	fprintf(fp, "<span style=\"" S_SMALL "\">%s</span> ", what);
	for (size_t i = 0; i < n && i < AUTH_DOMAINS; i++) {
		if (i > 0)
			fputs(", ", fp);
		name(fp, v[i]);
	}
	if (n > AUTH_DOMAINS)
		fprintf(fp, " +%zu", n - AUTH_DOMAINS);
	fputs("<br/>", fp);
}

/* How each list of sources reads: its heading, the sentence in its place
 * when it is empty, its columns (table_head()). */
static const struct {
	const char *title, *none, *head;
} lists[DIGEST_NSECTIONS] = {
    [DIGEST_FAILING] = {"Sources that may be yours and fail DMARC",
        "No source that may be yours failed DMARC this period.",
        "Source|>Failed / messages|Cause|How to fix"},
    [DIGEST_NEW] = {"New sources", "No new source sent mail as this domain.",
        "Source|Class|>Messages|>Pass rate"},
    [DIGEST_STOPPED] = {"Sources that stopped",
        "No source of the period before went quiet.",
        "Source|Class|>Messages before|>Last seen"},
    [DIGEST_SPOOFING] = {"Spoofing sources", "No spoofing source this period.",
        "Source|Class|>Failed / messages|Authenticated as"},
};

/* The cause of a failing source in words, and its fix; an address of a
 * sender (member) has its cause's name and no fix. */
static void
td_cause(FILE *fp, const struct source *s, int member)
{
	int c = verdict_cause_from_name(s->cause);

	td(fp);
	if (member)
		name(fp, s->cause);
	else if (c >= 0)
		esc(fp, verdict_cause_text((enum verdict_cause)c));
	else if (s->cause != NULL)
		name(fp, s->cause);
	else
		fputs("&#8212;", fp);
	fputs("</td>", fp);
	td(fp);
	if (!member && c >= 0)
		esc(fp, verdict_cause_fix((enum verdict_cause)c));
	fputs("</td>", fp);
}

/* What a spoofing source authenticated as; nothing for an address of a
 * sender (member). */
static void
td_auth(FILE *fp, const struct source *s, int member)
{
	td(fp);
	if (!member) {
		domain_list(fp, "DKIM", s->dkim_domains, s->n_dkim);
		domain_list(fp, "SPF", s->spf_domains, s->n_spf);
		if (s->n_dkim == 0 && s->n_spf == 0)
			fputs("<span style=\"" S_SMALL "\">nothing</span>", fp);
	}
	fputs("</td>", fp);
}

/* A row of list sec: a source (a sender of several addresses: a), or with
 * member one of a sender's addresses, with its own counts. */
static void
source_row(FILE *fp, enum digest_section sec, const struct source *s,
    const struct digest_addresses *a, int member)
{
	char buf[32];

	fputs("<tr>", fp);
	if (member)
		td_member(fp, s);
	else
		td_source(fp, s, a);
	if (sec != DIGEST_FAILING)
		td_class(fp, s->cls);
	if (sec == DIGEST_FAILING || sec == DIGEST_SPOOFING) {
		td_fraction(fp, s->failed, s->messages);
		if (sec == DIGEST_FAILING)
			td_cause(fp, s, member);
		else
			td_auth(fp, s, member);
	} else {
		td_count(fp, s->messages);
		td_num(fp);
		if (sec == DIGEST_NEW)
			put_rate(fp, s->passed, s->messages);
		else
			fputs(s->last_seen > 0
			        ? present_time(s->last_seen, CLOCK_FORM_DAY,
			              "?", buf, sizeof(buf))
			        : "&#8212;",
			    fp);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

/* A list of sources; the failing ones that may be yours are followed by
 * the chart of the top failing sources of both failing lists. */
static void
sources(void *ctx, enum digest_section sec, const struct digest_sources *l,
    const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	size_t n = shown(l);
	int senders = sec == DIGEST_FAILING || sec == DIGEST_SPOOFING;

	section(fp, lists[sec].title);
	if (n == 0) {
		sentence(fp, lists[sec].none);
	} else {
		table_head(fp, lists[sec].head);
		for (size_t i = 0; i < n; i++) {
			const struct digest_addresses *a =
			    senders ? digest_addresses_of(l, i) : NULL;

			source_row(fp, sec, &l->v[i], a, 0);
			/* Its addresses, each with its own counts. */
			for (size_t k = 0; a != NULL && k < a->n; k++)
				source_row(fp, sec, &a->v[k], NULL, 1);
		}
		fputs("</table>\n", fp);
	}
	more(fp, l->more, "sources");
	section_end(fp);
	if (sec == DIGEST_FAILING)
		failing_chart(fp, dd);
}

/* Days as small squares, green with a report, grey without; runs of one
 * state share a span to keep the markup small. */
static void
coverage(FILE *fp, const char *days)
{
	size_t len = days ? strnlen(days, DIGEST_MAX_DAYS) : 0;

	fputs("<span style=\"font-size:11px;letter-spacing:1px;"
	      "word-break:break-all;\">",
	    fp);
	for (size_t i = 0; i < len;) {
		int on = days[i] == '1';

		fprintf(fp, "<span style=\"color:%s;\">",
		    on ? PRESENT_HTML_PASS : "#d1d5db");
		for (; i < len && (days[i] == '1') == on; i++)
			fputs("&#9632;", fp);
		fputs("</span>", fp);
	}
	fputs("</span>", fp);
}

static void
reporters(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	size_t active = 0, silent = 0, rows = 0, k = 0;

	for (size_t i = 0; i < dd->nreporters && dd->reporters; i++) {
		if (dd->reporters[i].silent)
			silent++;
		else
			active++;
	}

	section(fp, "Reporters");
	if (active == 0 && dd->reporters_more == 0)
		sentence(fp, "No receiver sent a report this period.");
	else {
		table_head(
		    fp, "Reporter|>Reports|>Messages|Days with a report");
		for (size_t i = 0; i < dd->nreporters; i++) {
			const struct digest_reporter *r = &dd->reporters[i];

			if (r->silent || rows++ >= MAX_REPORTERS)
				continue;
			fputs("<tr>", fp);
			td(fp);
			name(fp, r->name);
			fputs("</td>", fp);
			td_count(fp, r->reports);
			td_count(fp, r->messages);
			td(fp);
			coverage(fp, r->days);
			fprintf(fp,
			    " <span style=\"" S_SMALL "\">%d/%zu</span>",
			    r->ndays_covered,
			    r->days ? strnlen(r->days, DIGEST_MAX_DAYS) : 0);
			fputs("</td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
		/* Beyond the table, and beyond what the digest names. */
		more(fp,
		    (active > MAX_REPORTERS ? active - MAX_REPORTERS : 0) +
		        (size_t)dd->reporters_more,
		    "reporters");
	}
	if (silent > 0) {
		fputs("<p style=\"" S_NOTE
		      "\"><b style=\"color:" PRESENT_HTML_WARN
		      ";\">Silent this period</b> (sent reports the period "
		      "before): ",
		    fp);
		for (size_t i = 0; i < dd->nreporters; i++) {
			if (!dd->reporters[i].silent || k >= MAX_REPORTERS)
				continue;
			if (k++ > 0)
				fputs(", ", fp);
			name(fp, dd->reporters[i].name);
		}
		if (silent > MAX_REPORTERS)
			fprintf(fp, " and %zu more", silent - MAX_REPORTERS);
		fputs(".</p>\n", fp);
	}
	section_end(fp);
}

static const char *
status_color(enum dnscheck_status s)
{
	switch (s) {
	case DNSCHECK_PASS:
		return PRESENT_HTML_PASS;
	case DNSCHECK_WARN:
		return PRESENT_HTML_WARN;
	case DNSCHECK_FAIL:
		return PRESENT_HTML_FAIL;
	case DNSCHECK_DNSERROR:
		break;
	}
	return PURPLE;
}

static void
dns_health(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	const struct dnscheck_list *l = &dd->dns;
	size_t passed = 0, n = l->v ? l->n : 0;

	for (size_t i = 0; i < n; i++)
		if (l->v[i].status == DNSCHECK_PASS)
			passed++;
	section(fp, "DNS health");
	if (n == 0) {
		sentence(fp, "No DNS check was made.");
		section_end(fp);
		return;
	}
	if (passed == n) {
		fprintf(
		    fp, "<p style=\"" S_P "\">All %zu checks passed.</p>\n", n);
		section_end(fp);
		return;
	}
	fprintf(fp,
	    "<p style=\"" S_P "\">%zu of %zu checks passed; these need "
	    "a look:</p>\n",
	    passed, n);
	table_head(fp, "Status|Check|Finding and fix");
	for (size_t i = 0; i < n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		if (f->status == DNSCHECK_PASS)
			continue;
		fputs("<tr>", fp);
		td(fp);
		fprintf(fp, "<b style=\"color:%s;\">%s</b></td>",
		    status_color(f->status), dnscheck_status_name(f->status));
		td(fp);
		fputs("<span style=\"font-family:" MONO ";font-size:12px;\">",
		    fp);
		esc(fp, f->id);
		fputs("</span><br/><span style=\"" S_SMALL "\">", fp);
		name(fp, f->subject);
		fputs("</span></td>", fp);
		fputs("<td style=\"" S_TD S_WRAP "\">", fp);
		esc(fp, f->text);
		if (f->fix != NULL && f->fix[0] != '\0') {
			fputs(
			    "<div style=\"margin-top:4px;\"><b>Fix:</b> ", fp);
			esc(fp, f->fix);
			fputs("</div>", fp);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	section_end(fp);
}

static void
no_reports(FILE *fp, const struct digest_domain *dd)
{
	fputs("<tr><td style=\"" S_SECTION "\">\n<div style=\"padding:16px;"
	      "background:#f8fafc;border:1px solid #cbd5e1;\">"
	      "<p style=\"margin:0 0 4px 0;font-size:18px;font-weight:700;"
	      "color:" PRESENT_HTML_INK ";\">No reports this period</p>"
	      "<p style=\"" S_NOTE "margin:0;\">",
	    fp);
	if (dd->has_prev && dd->prev_messages > 0) {
		fputs("The period before had ", fp);
		put_count(fp, dd->prev_messages);
		fputs(" messages: check that reports still reach the mailbox "
		      "and that the DMARC record's rua= is right.",
		    fp);
	} else {
		fputs("No receiver reported mail for this domain.", fp);
	}
	/* Where the data is (our own day texts). */
	if (dd->gap.latest_day[0] != '\0')
		fprintf(fp,
		    " The latest report about this domain ends %.10s: try "
		    "<code>--until %.10s</code>.",
		    dd->gap.latest_day, dd->gap.try_until);
	else if (dd->gap.earliest_day[0] != '\0')
		fprintf(fp,
		    " The earliest report about this domain begins %.10s.",
		    dd->gap.earliest_day);
	fputs("</p></div>\n", fp);
	section_end(fp);
}

/* The key figures, or for a domain without mail in the period a notice
 * in their place. */
static void
totals(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);

	if (dd->messages == 0)
		no_reports(fp, dd);
	else
		key_figures(fp, dd);
}

/* "dmarcsift COMMAND --domain D" as code, the domain escaped. */
static void
command(FILE *fp, const char *what, const char *domain)
{
	fprintf(
	    fp, "<code style=\"" S_IP S_WRAP "\">dmarcsift %s --domain ", what);
	esc(fp, domain);
	fputs("</code>", fp);
}

static void
failure_reports(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	char line[DIGEST_FAILURES_LEN];

	fputs("<tr><td style=\"" S_SECTION "\">\n<p style=\"" S_P "\">", fp);
	/* Our words and numbers: nothing to escape. */
	fputs(digest_failures_text(dd, line, sizeof(line)), fp);
	command(fp, "sources", dd->domain);
	fputs("</p>\n", fp);
	section_end(fp);
}

/* What `dmarcsift tls` says of the period, shortened: the sessions and
 * their success rate day by day, why they failed with the fix, the
 * receiving MX hosts that failed most. */
static void
tls(void *ctx, const struct digest_domain *dd)
{
	FILE *fp = html_fp(ctx);
	const struct tls_summary *s = dd->tls;
	struct svg_rate rates[DIGEST_MAX_DAYS];
	char labels[DIGEST_MAX_DAYS][PRESENT_TIME_LEN];
	size_t n, named = 0;

	section(fp, "SMTP TLS");
	fputs("<p style=\"" S_P "\"><b>", fp);
	put_count(fp, s->successful + s->failed);
	fputs("</b> sessions, <b>", fp);
	put_rate(fp, s->successful, s->successful + s->failed);
	fputs("</b> succeeded; ", fp);
	if (s->failed > 0)
		fputs("<b style=\"color:" PRESENT_HTML_FAIL ";\">", fp);
	put_count(fp, s->failed);
	fprintf(fp, "%s failed, in ", s->failed > 0 ? "</b>" : "");
	put_count(fp, s->reports);
	fprintf(fp, " report%s from %zu reporter%s.</p>\n",
	    s->reports == 1 ? "" : "s", s->n_reporters,
	    s->n_reporters == 1 ? "" : "s");
	n = digest_tls_rates(
	    s, 0, CLOCK_FORM_DAY, rates, labels, DIGEST_MAX_DAYS);
	fputs("<p style=\"" S_NOTE "\">", fp);
	svg_sparkline(
	    fp, "Share of SMTP TLS sessions that succeeded per day", rates, n);
	fputs(" sessions that succeeded, each day with reports</p>\n", fp);
	if (s->n_types > 0) {
		table_head(fp,
		    "Result type|>Failed sessions|What happened and the fix");
		for (size_t i = 0; i < s->n_types && i < DIGEST_TLS_TYPES;
		     i++) {
			const struct tls_type *t = &s->types[i];

			fputs("<tr><td style=\"" S_TD S_IP "\">", fp);
			name(fp, t->type);
			fputs("</td>", fp);
			td_count(fp, t->failed);
			td(fp);
			esc(fp, tls_type_text(t->type));
			fputs(
			    "<div style=\"margin-top:4px;\"><b>Fix:</b> ", fp);
			esc(fp, tls_type_fix(t->type));
			fputs("</div></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
		if (s->n_types > DIGEST_TLS_TYPES)
			more(fp, s->n_types - DIGEST_TLS_TYPES, "result types");
	}
	/* The hosts named: failures without one are the policy's (MTA-STS
	 * fetched or read), told above. */
	for (size_t i = 0; i < s->n_mxs; i++) {
		const struct tls_mx *m = &s->mxs[i];

		if (m->mx == NULL || named++ >= DIGEST_TLS_MXS)
			continue;
		if (named == 1)
			table_head(fp, "Receiving MX|>Failed|Why");
		fputs("<tr><td style=\"" S_TD S_IP "\">", fp);
		name(fp, m->mx);
		fputs("</td>", fp);
		td_count(fp, m->failed);
		td(fp);
		esc(fp, m->types);
		fputs("</td></tr>\n", fp);
	}
	if (named > 0)
		fputs("</table>\n", fp);
	if (named > DIGEST_TLS_MXS)
		more(fp, named - DIGEST_TLS_MXS, "MX hosts");
	fputs("<p style=\"" S_NOTE "\">", fp);
	command(fp, "tls", dd->domain);
	fputs(" shows the days and the reporters.</p>\n", fp);
	section_end(fp);
}

static const struct digest_outline outline = {
    /* The readiness is part of the policy panel. */
    DIGEST_LAYOUT_MAIL, totals, charts, policy_section, NULL, sources,
    reporters, dns_health, failure_reports, tls};

static void
domain(FILE *fp, const struct digest *d, const struct digest_domain *dd)
{
	struct html h = {fp, d};

	domain_header(fp, d, dd);
	digest_outline_walk(&outline, dd, &h);
	/* Air between domains. */
	fputs("<tr><td style=\"padding:0 0 24px 0;border-bottom:1px "
	      "solid " PRESENT_HTML_LINE ";\"></td></tr>\n",
	    fp);
}

/* ------------------------------------------------------------------------
 * The document. */

/* The verdict in a word or two, coloured as the policy panel. */
static void
overview_verdict(FILE *fp, enum digest_verdict v)
{
	if (v == DIGEST_LAST_STEP)
		fputs("last step reached", fp);
	else if (v == DIGEST_ROLL_BACK)
		fputs("<span style=\"color:" PRESENT_HTML_FAIL
		      ";\">roll back</span>",
		    fp);
	else if (v == DIGEST_WAIT)
		fputs("<span style=\"color:" PRESENT_HTML_WARN
		      ";\">wait</span>",
		    fp);
	else
		fprintf(fp, "<span style=\"color:%s;\">%s</span>",
		    v == DIGEST_READY ? PRESENT_HTML_PASS : PRESENT_HTML_WARN,
		    v == DIGEST_READY ? "ready" : "not ready");
}

static void
overview(FILE *fp, const struct digest *d)
{
	section(fp, "Domains");
	table_head(fp, "Domain|>Messages|>Pass rate|Next step");
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		fputs("<tr>", fp);
		td(fp);
		name(fp, dd->domain);
		fputs("</td>", fp);
		td_count(fp, dd->messages);
		td_num(fp);
		put_rate(fp, dd->passed, dd->messages);
		fputs("</td>", fp);
		td(fp);
		if (dd->messages == 0)
			fputs("no reports", fp);
		else
			overview_verdict(fp, digest_verdict_of(&dd->readiness));
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	section_end(fp);
}

/* Domains in reports that are not the owner's: named, nothing more. */
static void
foreign(FILE *fp, const struct digest *d)
{
	if (d->nforeign == 0)
		return;
	section(fp, "Other domains in reports");
	table_head(fp, "Domain|>Messages");
	for (size_t i = 0; i < d->nforeign; i++) {
		fputs("<tr>", fp);
		fputs("<td style=\"" S_TD S_IP "\">", fp);
		name(fp, d->foreign[i].domain);
		fputs("</td>", fp);
		td_count(fp, d->foreign[i].messages);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	more(fp, d->foreign_more, "domains");
	sentence(fp,
	    "Not yours by the setting domains (or too small to be): "
	    "stored, not judged, checked or mailed.");
	section_end(fp);
}

static void
refused(FILE *fp, const struct digest *d)
{
	size_t n = d->refused ? d->nrefused : 0;
	char buf[40];

	section(fp, "Refused inputs");
	if (n == 0) {
		sentence(fp, "No input was refused this period.");
		more(fp, d->refused_more, "inputs");
		section_end(fp);
		return;
	}
	if (n > DIGEST_TOP)
		n = DIGEST_TOP;
	table_head(fp, "Received|Input|Reason");
	for (size_t i = 0; i < n; i++) {
		const struct digest_refused *r = &d->refused[i];

		fputs("<tr>", fp);
		td(fp);
		fprintf(fp,
		    "<span style=\"white-space:nowrap;\">%s</span></td>",
		    present_time(r->received_at, CLOCK_FORM_MINUTE_UTC, "?",
		        buf, sizeof(buf)));
		fputs("<td style=\"" S_TD S_IP "\">", fp);
		name(fp, r->source_name);
		fputs("</td>", fp);
		td(fp);
		esc(fp, r->reason);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	more(fp, d->refused_more, "inputs");
	section_end(fp);
}

static void
head(FILE *fp, const struct digest *d)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\"/>\n"
	      "<meta name=\"color-scheme\" content=\"light\"/>\n"
	      "<title>DMARC summary, ",
	    fp);
	put_period(fp, d);
	fputs("</title>\n"
	      "<style>\n"
	      "body{margin:0;padding:0;}\n"
	      "table{border-collapse:collapse;}\n"
	      "td,th{font-family:" PRESENT_HTML_FONT ";}\n"
	      "@media (max-width:640px){.ds-pad{padding:8px 0 !important;}}\n"
	      "</style>\n</head>\n",
	    fp);
}

int
digest_html(FILE *fp, const struct digest *d)
{
	char buf[40];

	errno = 0;
	head(fp, d);
	fputs(
	    "<body style=\"margin:0;padding:0;background:#f1f5f9;\">\n"
	    "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" style=\"width:100%;"
	    "background:#f1f5f9;\">\n<tr><td class=\"ds-pad\" align=\"center\" "
	    "style=\"padding:16px 8px;\">\n"
	    "<table role=\"presentation\" width=\"680\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" style=\"width:100%;"
	    "max-width:680px;background:#ffffff;border:1px "
	    "solid " PRESENT_HTML_LINE ";"
	    "font-family:" PRESENT_HTML_FONT ";color:" PRESENT_HTML_INK
	    ";text-align:left;\">\n",
	    fp);

	fputs("<tr><td style=\"padding:20px 24px 4px 24px;\">\n"
	      "<h1 "
	      "style=\"margin:0;font-size:24px;line-height:30px;"
	      "color:" PRESENT_HTML_INK
	      ";\">DMARC summary</h1>\n<p style=\"" S_NOTE "\">",
	    fp);
	ESC_FIELD(fp, d->period);
	fputs(" from ", fp);
	put_period(fp, d);
	fprintf(fp, " (UTC), generated %s.</p>\n</td></tr>\n",
	    present_time(
	        d->generated_at, CLOCK_FORM_MINUTE_UTC, "?", buf, sizeof(buf)));

	if (d->n == 0 || d->domains == NULL) {
		fputs("<tr><td style=\"" S_SECTION "\">\n", fp);
		sentence(fp,
		    "No domain had reports in this period or the one "
		    "before.");
		section_end(fp);
	} else {
		if (d->n > 1)
			overview(fp, d);
		for (size_t i = 0; i < d->n; i++)
			domain(fp, d, &d->domains[i]);
	}
	foreign(fp, d);
	refused(fp, d);
	fputs("<tr><td style=\"padding:20px "
	      "24px;font-size:12px;color:" PRESENT_HTML_MUTED
	      ";\">Made by dmarcsift from the DMARC aggregate reports "
	      "receivers sent.</td></tr>\n"
	      "</table>\n</td></tr>\n</table>\n</body>\n</html>\n",
	    fp);
	return present_end(fp);
}
