/*
 * digest_outline: the sections of one domain in the periodic summary, in
 * order, and when each is shown, declared once for the renderers that lay
 * a domain out section by section (digest_text.c, digest_markdown.c,
 * digest_html.c).
 *
 * A renderer fills a struct digest_outline with its layout and a writer
 * per section and hands it to digest_outline_walk(), which calls the
 * writers of the sections shown, in enum order: no renderer can show a
 * section another hides, or show them in another order.
 */
#ifndef DMARCSIFT_DIGEST_OUTLINE_H
#define DMARCSIFT_DIGEST_OUTLINE_H

#include <stddef.h>

#include "present.h"

struct digest_domain;
struct digest_sources;
struct policy_state;
struct readiness;
struct svg_rate;
struct tls_summary;

enum digest_section {
	DIGEST_TOTALS, /* mail and pass rate, against the period before */
	DIGEST_DAYS, /* day by day */
	DIGEST_POLICY, /* the policy receivers report */
	DIGEST_READINESS, /* the next step and its reasons */
	DIGEST_FAILING, /* failing sources that may be yours */
	DIGEST_NEW, /* sources first seen */
	DIGEST_STOPPED, /* sources that stopped */
	DIGEST_SPOOFING, /* spoofing sources */
	/* The DMARC failure reports of the period, one line: only when there
	 * are some. */
	DIGEST_FAILURE_REPORTS,
	DIGEST_REPORTERS, /* who reported */
	DIGEST_DNS, /* DNS health (or a line saying it was not checked) */
	/* What SMTP TLS reports say: only when some begin in the period,
	 * never an empty heading. */
	DIGEST_TLS,
	DIGEST_NSECTIONS
};

/*
 * How much of the outline a renderer shows.  Both show the totals always,
 * the day series and the lists of sources only with mail in the period,
 * the sources that stopped only with a period before (nothing can stop in
 * a first one), the reporters when either period had mail.
 */
enum digest_layout {
	/* Every other section too, an empty one saying so ("Reporters:
	 * none", "DNS health: not checked this time"): text, Markdown. */
	DIGEST_LAYOUT_FULL,
	/* For a mail, which should be short: a domain without mail in the
	 * period has its totals (a "no reports" notice) and, when there are
	 * any, the sources that stopped and the reporters; DNS health only
	 * when it was checked.  HTML. */
	DIGEST_LAYOUT_MAIL,
};

/* 1 when section s of dd is shown in layout. */
int digest_section_shown(enum digest_section s, const struct digest_domain *dd,
    enum digest_layout layout);

/* The heading of a list section ("Top spoofing sources"); NULL for the
 * sections whose heading the renderer writes with figures in it. */
const char *digest_section_title(enum digest_section s);

/* The tags of the policy receivers report, as the policy section states
 * it: "p=quarantine; sp=none; pct=50; t=y; adkim=r; aspf=r", those
 * reported only, each value made printable; into buf, returned. */
const char *digest_policy_tags(
    const struct policy_state *p, char *buf, size_t size);

/*
 * What the totals section says of the period before, one sentence for
 * every renderer that writes it (text, Markdown): with mail in this
 * period "Previous period: 9650 messages, 94.3% pass (+532 messages, +2.0
 * points)." (or that it was the first period, or had reports without
 * mail); without, that neither period had reports, or what the period
 * before had.  Into buf (DIGEST_PREVIOUS_LEN bytes), returned.
 */
#define DIGEST_PREVIOUS_LEN 192
const char *digest_previous_text(
    const struct digest_domain *dd, char *buf, size_t size);

/*
 * The readiness verdict, the one order of every format (advise's text and
 * JSON, the report, the dashboard), read from the readiness result, never
 * judged again: losing legitimate mail comes first (ROLL BACK, at p=reject
 * too), then the last step, READY, WAIT (not every reporter shows the policy
 * the domain stands on), NOT READY.  The report and the dashboard say the
 * same.
 */
enum digest_verdict {
	DIGEST_ROLL_BACK,
	DIGEST_LAST_STEP,
	DIGEST_READY,
	DIGEST_WAIT,
	DIGEST_NOT_READY,
};
enum digest_verdict digest_verdict_of(const struct readiness *r);
/* Its name in the report's JSON: "roll_back", "last_step", "ready",
 * "wait", "not_ready" (static). */
const char *digest_verdict_name(enum digest_verdict v);
/* The policy of the step the domain stands on: the published one when
 * DNS publishes another than receivers report (r->step_now is its step),
 * else the reported one. */
const char *digest_step_policy(const struct readiness *r);

/* A renderer: its layout, and the functions that write its sections of a
 * domain, each called with the renderer's ctx. */
struct digest_outline {
	enum digest_layout layout;
	void (*totals)(void *ctx, const struct digest_domain *dd);
	void (*days)(void *ctx, const struct digest_domain *dd);
	void (*policy)(void *ctx, const struct digest_domain *dd);
	/* NULL when the policy's writer writes it too (HTML's panel). */
	void (*readiness)(void *ctx, const struct digest_domain *dd);
	/* The four lists of sources: s says which, l is its list. */
	void (*sources)(void *ctx, enum digest_section s,
	    const struct digest_sources *l, const struct digest_domain *dd);
	void (*reporters)(void *ctx, const struct digest_domain *dd);
	void (*dns)(void *ctx, const struct digest_domain *dd);
	void (*failure_reports)(void *ctx, const struct digest_domain *dd);
	void (*tls)(void *ctx, const struct digest_domain *dd);
};

/*
 * The failure reports' line in words of ours, for every renderer but
 * JSON: "3 DMARC failure reports (latest 2026-06-02); samples: "
 * (the command follows, which each format marks as its own).
 * Into buf (DIGEST_FAILURES_LEN bytes), returned.
 */
#define DIGEST_FAILURES_LEN 128
const char *digest_failures_text(
    const struct digest_domain *dd, char *buf, size_t size);

/* How many of a TLS summary's lists a report shows: the result types, and
 * the receiving MX hosts named with failures (the others: "and N
 * more"). */
#define DIGEST_TLS_TYPES 12
#define DIGEST_TLS_MXS 3

/*
 * The share of TLS sessions that succeeded each day, for a chart (svg.h):
 * with every_day, v[i] is day i of s's period, no point on a day without
 * reports (a rate line draws each point); else only the days with reports
 * (a sparkline's line joins them).  Labelled in labels[i] (form); at most
 * max; returns how many were filled.
 */
size_t digest_tls_rates(const struct tls_summary *s, int every_day,
    enum clock_form form, struct svg_rate *v, char (*labels)[PRESENT_TIME_LEN],
    size_t max);

/* Writes the sections of dd that o's layout shows, in order. */
void digest_outline_walk(
    const struct digest_outline *o, const struct digest_domain *dd, void *ctx);

#endif
