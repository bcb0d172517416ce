/*
 * digest_outline: which sections of a domain the summary shows, and the
 * walk every section-by-section renderer takes; see digest_outline.h.
 */
#include "digest_outline.h"

#include "digest.h"
#include "percent.h"
#include "present.h"
#include "readiness.h"
#include "svg.h"
#include "text.h"
#include "tls.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int
digest_section_shown(enum digest_section s, const struct digest_domain *dd,
    enum digest_layout layout)
{
	int mail = layout == DIGEST_LAYOUT_MAIL;

	switch (s) {
	case DIGEST_DAYS:
	case DIGEST_FAILING:
	case DIGEST_NEW:
	case DIGEST_SPOOFING:
		return dd->messages > 0;
	case DIGEST_STOPPED:
		return dd->has_prev &&
		    (!mail || dd->messages > 0 || dd->stopped.n > 0);
	case DIGEST_REPORTERS:
		return (dd->messages > 0 || dd->has_prev) &&
		    (!mail || dd->messages > 0 || dd->nreporters > 0);
	case DIGEST_POLICY:
	case DIGEST_READINESS:
		return !mail || dd->messages > 0;
	case DIGEST_DNS:
		return !mail || dd->dns_checked;
	case DIGEST_FAILURE_REPORTS:
		return dd->failure_reports > 0;
	case DIGEST_TLS:
		return dd->tls != NULL && dd->tls->reports > 0;
	case DIGEST_TOTALS:
		return 1;
	case DIGEST_NSECTIONS:
		break;
	}
	return 0;
}

const char *
digest_section_title(enum digest_section s)
{
	switch (s) {
	case DIGEST_FAILING:
		return "Failing sources that may be yours";
	case DIGEST_NEW:
		return "New sources this period";
	case DIGEST_STOPPED:
		return "Sources that stopped sending";
	case DIGEST_SPOOFING:
		return "Top spoofing sources";
	default:
		return NULL;
	}
}

/* Appends "; tag=value" to buf when value is said. */
static void
tag(char *buf, size_t size, const char *name, const char *value)
{
	char v[64];
	size_t len = strlen(buf);

	if (value[0] == '\0' || len >= size)
		return;
	text_printable(value, v, sizeof(v));
	snprintf(
	    buf + len, size - len, "%s%s=%s", len > 0 ? "; " : "", name, v);
}

const char *
digest_policy_tags(const struct policy_state *p, char *buf, size_t size)
{
	char pct[16];

	if (size == 0)
		return buf;
	buf[0] = '\0';
	tag(buf, size, "p", p->p[0] != '\0' ? p->p : "?");
	tag(buf, size, "sp", p->sp);
	tag(buf, size, "np", p->np);
	if (p->pct >= 0) {
		snprintf(pct, sizeof(pct), "%d", p->pct);
		tag(buf, size, "pct", pct);
	}
	tag(buf, size, "t", p->testing);
	tag(buf, size, "adkim", p->adkim);
	tag(buf, size, "aspf", p->aspf);
	return buf;
}

const char *
digest_previous_text(const struct digest_domain *dd, char *buf, size_t size)
{
	uint64_t now = dd->messages, then = dd->prev_messages;
	char rate[PRESENT_PERCENT_LEN], points[PERCENT_LEN];

	present_rate(dd->prev_passed, then, "-", rate, sizeof(rate));
	if (now == 0 && !dd->has_prev)
		snprintf(buf, size,
		    "No reports about this domain in this period or the one "
		    "before.");
	else if (now == 0)
		snprintf(buf, size,
		    "No reports about this domain this period; the period "
		    "before had %" PRIu64 " messages, %s passing DMARC.",
		    then, rate);
	else if (!dd->has_prev)
		snprintf(buf, size,
		    "First period: no reports in the period before to compare "
		    "with.");
	else if (then == 0)
		snprintf(
		    buf, size, "Previous period: reports, but no messages.");
	else {
		percent_points(dd->passed, now, dd->prev_passed, then, points,
		    sizeof(points));
		snprintf(buf, size,
		    "Previous period: %" PRIu64 " messages, %s pass (%s%" PRIu64
		    " messages, %s points).",
		    then, rate, now >= then ? "+" : "-",
		    now >= then ? now - then : then - now, points);
	}
	return buf;
}

const char *
digest_failures_text(const struct digest_domain *dd, char *buf, size_t size)
{
	/* The day is ours (the database's date), never a stranger's. */
	snprintf(buf, size,
	    "%" PRIu64 " DMARC failure report%s (latest %.10s); "
	    "samples: ",
	    dd->failure_reports, dd->failure_reports == 1 ? "" : "s",
	    dd->failure_latest);
	return buf;
}

size_t
digest_tls_rates(const struct tls_summary *s, int every_day,
    enum clock_form form, struct svg_rate *v, char (*labels)[PRESENT_TIME_LEN],
    size_t max)
{
	size_t n = 0, k = 0;

	for (int64_t t = s->since; t < s->until && n < max; t += CLOCK_DAY) {
		char day[PRESENT_TIME_LEN];
		int found;

		present_time(t, CLOCK_FORM_DAY, "?", day, sizeof(day));
		/* s->days are in order, each a day of the period. */
		while (k < s->n_days && strcmp(s->days[k].day, day) < 0)
			k++;
		found = k < s->n_days && strcmp(s->days[k].day, day) == 0;
		if (!found && !every_day)
			continue;
		v[n].label =
		    present_time(t, form, "?", labels[n], sizeof(labels[n]));
		v[n].num = found ? s->days[k].successful : 0;
		v[n].den =
		    found ? s->days[k].successful + s->days[k].failed : 0;
		n++;
	}
	return n;
}

/* The list of sources section s shows, borrowed from dd; NULL for a
 * section that is not a list. */
static const struct digest_sources *
section_sources(enum digest_section s, const struct digest_domain *dd)
{
	switch (s) {
	case DIGEST_FAILING:
		return &dd->failing_legit;
	case DIGEST_NEW:
		return &dd->new_sources;
	case DIGEST_STOPPED:
		return &dd->stopped;
	case DIGEST_SPOOFING:
		return &dd->spoofing;
	default:
		return NULL;
	}
}

void
digest_outline_walk(
    const struct digest_outline *o, const struct digest_domain *dd, void *ctx)
{
	for (int i = 0; i < DIGEST_NSECTIONS; i++) {
		enum digest_section s = (enum digest_section)i;

		if (!digest_section_shown(s, dd, o->layout))
			continue;
		switch (s) {
		case DIGEST_TOTALS:
			o->totals(ctx, dd);
			break;
		case DIGEST_DAYS:
			o->days(ctx, dd);
			break;
		case DIGEST_POLICY:
			o->policy(ctx, dd);
			break;
		case DIGEST_READINESS:
			if (o->readiness != NULL)
				o->readiness(ctx, dd);
			break;
		case DIGEST_FAILING:
		case DIGEST_NEW:
		case DIGEST_STOPPED:
		case DIGEST_SPOOFING:
			o->sources(ctx, s, section_sources(s, dd), dd);
			break;
		case DIGEST_REPORTERS:
			o->reporters(ctx, dd);
			break;
		case DIGEST_DNS:
			o->dns(ctx, dd);
			break;
		case DIGEST_FAILURE_REPORTS:
			o->failure_reports(ctx, dd);
			break;
		case DIGEST_TLS:
			o->tls(ctx, dd);
			break;
		case DIGEST_NSECTIONS:
			break;
		}
	}
}

enum digest_verdict
digest_verdict_of(const struct readiness *r)
{
	/* A rollback before "nothing further": losing mail comes first. */
	if (r->rollback_record[0] != '\0')
		return DIGEST_ROLL_BACK;
	if (r->next_step_no < 0)
		return DIGEST_LAST_STEP;
	if (r->ready)
		return DIGEST_READY;
	if (r->waiting)
		return DIGEST_WAIT;
	return DIGEST_NOT_READY;
}

const char *
digest_verdict_name(enum digest_verdict v)
{
	switch (v) {
	case DIGEST_ROLL_BACK:
		return "roll_back";
	case DIGEST_LAST_STEP:
		return "last_step";
	case DIGEST_READY:
		return "ready";
	case DIGEST_WAIT:
		return "wait";
	case DIGEST_NOT_READY:
		break;
	}
	return "not_ready";
}

const char *
digest_step_policy(const struct readiness *r)
{
	return r->published_differs && r->policy_published[0] != '\0'
	    ? r->policy_published
	    : r->policy_now;
}
