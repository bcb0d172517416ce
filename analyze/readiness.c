#include "readiness.h"

#include "clock.h"
#include "config.h"
#include "dmarc_record.h"
#include "err.h"
#include "percent.h"
#include "text.h"
#include "verdict.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const step_policies[] = {
    "p=none",
    "p=quarantine; t=y; pct=0",
    "p=quarantine",
    "p=reject; t=y; pct=0",
    "p=reject",
};

#define NSTEPS ((int)(sizeof(step_policies) / sizeof(step_policies[0])))

void
readiness_thresholds_default(struct readiness_thresholds *t)
{
	t->days = (int)config_default_int(CONFIG_READY_DAYS);
	t->pass_rate = (int)config_default_int(CONFIG_READY_PASS_RATE);
	t->source_share = (int)config_default_int(CONFIG_READY_SOURCE_SHARE);
	t->stable_days = (int)config_default_int(CONFIG_READY_STABLE_DAYS);
}

/* Formats into a fixed buffer; a cut leaves valid UTF-8 (names from
 * strangers may carry multi-byte characters). */
static void __attribute__((format(printf, 3, 4)))
put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, size, fmt, ap) >= (int)size)
		text_utf8_cut(buf);
	va_end(ap);
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The mail that may be the owner's: legitimate and unknown. */
static uint64_t
mine_of(const struct readiness_inputs *in)
{
	return sat_add(in->legit_messages, in->unknown_messages);
}

/* The sums of the days of the period from the day of from on, and how
 * many days that is; 0 days when the daily figures were not read. */
static size_t
days_from(
    const struct readiness_inputs *in, int64_t from, struct readiness_day *sum)
{
	size_t n = 0;

	memset(sum, 0, sizeof(*sum));
	from -= ((from % CLOCK_DAY) + CLOCK_DAY) % CLOCK_DAY;
	for (size_t i = 0; in->daily != NULL && i < in->n_daily; i++) {
		const struct readiness_day *d = &in->daily[i];

		if (d->start < from)
			continue;
		if (n++ == 0)
			sum->start = d->start;
		sum->messages = sat_add(sum->messages, d->messages);
		sum->mine = sat_add(sum->mine, d->mine);
		sum->legit_lost = sat_add(sum->legit_lost, d->legit_lost);
	}
	return n;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* 0 none, 1 quarantine, 2 reject, -1 neither (absent or garbage). */
static int
strength(const char *p)
{
	return dmarc_policy_strength(p, strlen(p));
}

/* The policy word for p, static, or NULL: only our own words reach the
 * output, never what a report carried. */
static const char *
policy_word(const char *p)
{
	return dmarc_policy_word(strength(p));
}

int
readiness_step_of(const struct policy_state *now)
{
	int testing;

	if (now == NULL || !now->known)
		return 0;
	testing = strcasecmp(now->testing, "y") == 0 ||
	    (now->pct >= 0 && now->pct < 100);
	/* A published np or sp does not change the step: p does. */
	switch (strength(now->p)) {
	case 1:
		return testing ? 1 : 2;
	case 2:
		return testing ? 3 : 4;
	}
	return 0;
}

int
readiness_rollback_step(const struct policy_state *st)
{
	int step = readiness_step_of(st);

	if (step <= 0)
		return -1;
	/* A quarantine test written with t=y acts as p=none for every
	 * receiver; anything else from step 1 up acts on some failing mail
	 * (pct=0 alone does not stop an RFC 9989 receiver, and a reject test
	 * quarantines). */
	if (step == 1 && strength(st->p) == 1 &&
	    strcasecmp(st->testing, "y") == 0)
		return 0;
	return 1;
}

const char *
readiness_step_policy(int step)
{
	if (step < 0 || step >= NSTEPS)
		return "";
	return step_policies[step];
}

/*
 * "p=quarantine; pct=50".  Only the values this module knows reach the
 * text: the struct may hold whatever a report said.  with_sub adds sp and
 * np where they differ from what they default to (reporters fill the
 * defaults in: sp from p, np from sp).
 */
static void
policy_text(
    const struct policy_state *now, int with_sub, char *buf, size_t size)
{
	const char *p = policy_word(now->p);
	const char *sp = policy_word(now->sp), *np = policy_word(now->np);
	char sub[48] = "", pct[16] = "";

	buf[0] = '\0';
	if (!now->known || p == NULL)
		return;
	if (with_sub && sp != NULL && strcmp(sp, p) != 0)
		put(sub, sizeof(sub), "; sp=%s", sp);
	if (with_sub && np != NULL && strcmp(np, sp != NULL ? sp : p) != 0)
		put(sub + strlen(sub), sizeof(sub) - strlen(sub), "; np=%s",
		    np);
	if (now->pct >= 0 && now->pct < 100)
		put(pct, sizeof(pct), "; pct=%d", now->pct);
	put(buf, size, "p=%s%s%s%s", p, sub, pct,
	    strcasecmp(now->testing, "y") == 0 ? "; t=y" : "");
}

/*
 * The next record: dmarc_record_build() (dmarc_record.h).
 */

/* What the record of step next says: p, and t=y; pct=0 for a test. */
static void
step_build(int next, struct dmarc_build *b)
{
	memset(b, 0, sizeof(*b));
	b->p = next == 0 ? DMARC_NONE
	    : next <= 2  ? DMARC_QUARANTINE
	                 : DMARC_REJECT;
	b->testing = next == 1 || next == 3;
	b->pct = b->testing ? 0 : 100;
	b->sp = b->np = DMARC_ABSENT;
}

int
readiness_parse_record(const char *text, struct policy_state *out)
{
	struct dmarc_txt rec;
	const struct dmarc_in_force *pol = &rec.pol;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	strcpy(out->testing, "n");
	if (text == NULL || dmarc_record_parse(text, strlen(text), &rec) < 0 ||
	    pol->p < 0)
		return -1;
	strcpy(out->p, dmarc_policy_word(pol->p));
	if (pol->sp >= 0)
		strcpy(out->sp, dmarc_policy_word(pol->sp));
	if (pol->np >= 0)
		strcpy(out->np, dmarc_policy_word(pol->np));
	out->pct = pol->pct;
	if (pol->testing)
		strcpy(out->testing, "y");
	if (pol->adkim == 's')
		strcpy(out->adkim, "s");
	if (pol->aspf == 's')
		strcpy(out->aspf, "s");
	out->known = 1;
	out->from_record = 1;
	return 0;
}

/*
 * The published record with p, t and pct set for step next, its other
 * tags kept in their order.  Returns 0 when published is not a DMARC
 * record (no "v=DMARC1" first).
 */
static int
from_published(const char *published, int next, char *out, size_t size)
{
	struct dmarc_build b;

	step_build(next, &b);
	return dmarc_record_build(published, &b, out, size);
}

/*
 * Without a published record: the policy of step next, and of the reported
 * policy what the record must have said.  Reporters fill in sp with p and
 * np with sp when the record left them out, so sp is kept only when it
 * differs from p, np only when it differs from the sp in force, and
 * adkim/aspf only when strict (relaxed is the default).
 */
static void
from_reported(const struct policy_state *now, int next, char *out, size_t size)
{
	struct dmarc_build b;
	const char *p = policy_word(now->p);
	const char *sp = policy_word(now->sp), *np = policy_word(now->np);
	const char *eff_sp;

	step_build(next, &b);
	if (now->known && p != NULL) {
		if (sp != NULL && strcmp(sp, p) != 0)
			b.sp = strength(sp);
		eff_sp = sp != NULL ? sp : p;
		if (np != NULL && strcmp(np, eff_sp) != 0)
			b.np = strength(np);
		if (strcasecmp(now->adkim, "s") == 0)
			b.adkim = 's';
		if (strcasecmp(now->aspf, "s") == 0)
			b.aspf = 's';
	}
	b.rua = "mailto:YOUR-ADDRESS";
	dmarc_record_build(NULL, &b, out, size);
}

/*
 * The reasons.
 */

static struct readiness_reason *
reason(struct readiness *out, const char *code, int met)
{
	struct readiness_reason *r;

	if (out->n_reasons >= READINESS_MAX_REASONS)
		return NULL;
	r = &out->reasons[out->n_reasons++];
	r->code = code;
	r->met = met;
	r->text[0] = '\0';
	return r;
}

static void
reason_data(const struct readiness_thresholds *t,
    const struct readiness_inputs *in, struct readiness *out)
{
	struct readiness_reason *r;
	char first[16], last[16];

	r = reason(out, "data", in->days_with_data >= (uint64_t)t->days);
	if (r == NULL)
		return;
	if (in->days_with_data == 0) {
		put(r->text, sizeof(r->text),
		    "no reports in the last %d days (needs %d day%s with "
		    "reports)",
		    t->days, t->days, plural((uint64_t)t->days));
		return;
	}
	text_printable(in->first_day, first, sizeof(first));
	text_printable(in->last_day, last, sizeof(last));
	put(r->text, sizeof(r->text),
	    "%" PRIu64 " day%s with reports (%s to %s) from %" PRIu64
	    " reporter%s, %" PRIu64 " message%s (needs %d day%s)",
	    in->days_with_data, plural(in->days_with_data), first, last,
	    in->reporters, plural(in->reporters), in->messages,
	    plural(in->messages), t->days, plural((uint64_t)t->days));
}

/* What of the mail that may be the owner's From subdomains the policy
 * does not govern: sp none leaves out subdomain mail, np none (np
 * following sp) that of subdomain names none of whose mail passes.
 * *passed: how much of it passed. */
static uint64_t
ungoverned(const struct readiness_inputs *in, const struct policy_spec *pol,
    uint64_t *passed)
{
	int sp = pol->sp >= 0 ? pol->sp : pol->p;
	int np = pol->np >= 0 ? pol->np : sp;
	uint64_t sub = in->sub_mine_messages;
	uint64_t made_up = in->sub_mine_np < sub ? in->sub_mine_np : sub;
	uint64_t out = 0;

	*passed = 0;
	if (sp == 0) {
		out = sub - made_up;
		*passed = in->sub_mine_passed < out ? in->sub_mine_passed : out;
	}
	if (np == 0)
		out = sat_add(out, made_up);
	return out;
}

static void
reason_pass_rate(const struct readiness_thresholds *t,
    const struct readiness_inputs *in, const struct policy_spec *pol,
    struct readiness *out)
{
	struct readiness_reason *r;
	uint64_t pm, mine, ok, left, left_ok;
	char rate[32], what[120];

	mine = mine_of(in);
	ok = sat_add(in->legit_passed, in->unknown_passed);
	if (ok > mine)
		ok = mine;
	/* Mail the next step leaves alone (sp=none kept) is not its
	 * business: what passes there neither helps nor hinders it. */
	left = ungoverned(in, pol, &left_ok);
	what[0] = '\0';
	if (left > 0 && left <= mine) {
		mine -= left;
		ok = ok - (left_ok < ok ? left_ok : ok);
		if (ok > mine)
			ok = mine;
		put(what, sizeof(what),
		    (pol->sp >= 0 ? pol->sp : pol->p) == 0
		        ? " that the step governs (it keeps sp=none: %" PRIu64
		          " message%s From subdomains not counted)"
		        : " that the step governs (it keeps np=none: %" PRIu64
		          " message%s From made-up subdomains not counted)",
		    left, plural(left));
	}
	if (mine == 0) {
		r = reason(out, "pass_rate", 0);
		if (r != NULL)
			put(r->text, sizeof(r->text),
			    "no mail that may be yours in the last %d days%s: "
			    "nothing shows yet that your own mail passes DMARC "
			    "(needs %d%%)",
			    t->days, what, t->pass_rate);
		return;
	}
	/* Rounded down, and compared as such: floor(x) >= n exactly when
	 * x >= n, so 99.95% is never shown or taken as 100%. */
	pm = percent_ratio(ok, mine, 1000, 0);
	r = reason(out, "pass_rate",
	    t->pass_rate <= 0 || pm >= (uint64_t)t->pass_rate * 10);
	if (r == NULL)
		return;
	percent_tenths_text(pm, rate, sizeof(rate));
	put(r->text, sizeof(r->text),
	    "%s%% of the mail that may be yours passed DMARC in the last %d "
	    "days: %" PRIu64 " of %" PRIu64 " message%s, from legitimate and "
	    "unknown sources%s (needs %d%%)",
	    rate, t->days, ok, mine, plural(mine), what, t->pass_rate);
}

static const char *
cause_text(const char *cause)
{
	int c = verdict_cause_from_name(cause);

	return c < 0 ? "cause not known" : verdict_cause_text(c);
}

/*
 * The senders.
 */

void
readiness_spec_of(const struct policy_state *st, struct policy_spec *out)
{
	int p = strength(st->p), sp = strength(st->sp), np = strength(st->np);

	out->p = p < 0 ? 0 : p;
	if (st->from_record) {
		/* A record says sp and np only when it means them. */
		out->sp = sp;
		out->np = np;
	} else {
		/* Reporters fill sp in with p and np with sp: only a value
		 * that differs says something of its own. */
		out->sp = sp >= 0 && sp != out->p ? sp : -1;
		out->np = np >= 0 && np != (out->sp >= 0 ? out->sp : out->p)
		    ? np
		    : -1;
	}
	out->pct = st->pct >= 0 && st->pct <= 100 ? st->pct : 100;
	out->testing = strcasecmp(st->testing, "y") == 0;
}

/* failed * pct / 100 rounded down, without overflow: failed = 100q + r. */
static uint64_t
share_of(uint64_t failed, int pct)
{
	return failed / 100 * (uint64_t)pct +
	    failed % 100 * (uint64_t)pct / 100;
}

uint64_t
readiness_hit(const struct source *s, const struct policy_spec *pol)
{
	int sp = pol->sp >= 0 ? pol->sp : pol->p;
	int np = pol->np >= 0 ? pol->np : sp;
	uint64_t sub = s->failed_sub < s->failed ? s->failed_sub : s->failed;
	uint64_t made_up = s->failed_np < sub ? s->failed_np : sub;
	uint64_t hit = 0;

	if (pol->p >= 1)
		hit = sat_add(hit, s->failed - sub);
	if (sp >= 1)
		hit = sat_add(hit, sub - made_up);
	if (np >= 1)
		hit = sat_add(hit, made_up);
	return share_of(hit, pol->pct);
}

void
readiness_spec_hits(const struct policy_spec *pol, int hit[3])
{
	int sp = pol->sp >= 0 ? pol->sp : pol->p;
	int np = pol->np >= 0 ? pol->np : sp;

	hit[0] = pol->p >= 1;
	hit[1] = sp >= 1;
	hit[2] = np >= 1;
}

/* The policy of step next as it will be published: p of the step at full
 * strength, sp and np as they are now. */
static void
next_spec(const struct policy_state *base, int next, struct policy_spec *out)
{
	readiness_spec_of(base, out);
	out->p = next <= 0 ? 0 : next <= 2 ? 1 : 2;
	out->pct = 100;
	out->testing = 0;
}

static int
by_hit(const void *a, const void *b)
{
	const struct readiness_group *x = a, *y = b;

	if (x->blocks != y->blocks)
		return x->blocks ? -1 : 1;
	if (x->hit != y->hit)
		return x->hit > y->hit ? -1 : 1;
	if (x->s.failed != y->s.failed)
		return x->s.failed > y->s.failed ? -1 : 1;
	return strcmp(x->s.who, y->s.who);
}

/*
 * A sender's share of the mail that may be the owner's (spoofing and
 * forwarders do not dilute it), per mille rounded up: the largest of the
 * period's, that of the days since it first appeared (a sender new
 * yesterday is a tenth of yesterday's mail, not a hundredth of the
 * period's), and that of the last 7 days.
 */
static void
judge_share(const struct readiness_inputs *in, const struct sender *g,
    uint64_t mine, const struct readiness_day *last7, size_t i,
    struct readiness_group *x)
{
	struct readiness_day since;
	size_t n;
	uint64_t pm, h7;

	x->share = mine > 0 ? percent_ratio(x->hit, mine, 1000, 1) : 0;
	x->hit_window = x->hit;
	if (in->daily == NULL || in->n_daily == 0 || x->hit == 0)
		return;
	if (g->first_seen > in->daily[0].start + CLOCK_DAY - 1 &&
	    (n = days_from(in, g->first_seen, &since)) > 0 && since.mine > 0 &&
	    (pm = percent_ratio(x->hit, since.mine, 1000, 1)) > x->share) {
		x->share = pm;
		x->window_days = (int)n;
		x->since_first = 1;
		x->first_day = since.start;
	}
	if (last7->mine > 0) {
		h7 = in->hit_last7[i] < x->hit ? in->hit_last7[i] : x->hit;
		pm = percent_ratio(h7, last7->mine, 1000, 1);
		if (pm > x->share) {
			x->share = pm;
			x->hit_window = h7;
			x->window_days = 7;
			x->since_first = 0;
		}
	}
}

/* The senders that may be the owner's and fail (grouped and ranked in
 * SQL: inputs->senders), with what the next step would hit. */
static void
group_senders(const struct readiness_thresholds *t,
    const struct readiness_inputs *in, const struct policy_spec *pol,
    struct readiness *out)
{
	uint64_t limit =
	    t->source_share < 0 ? 0 : (uint64_t)t->source_share * 10;
	uint64_t mine = mine_of(in);
	struct policy_spec full = *pol;
	struct readiness_day last7 = {0};

	/* The last 7 days, when the period is longer. */
	if (in->hit_last7 != NULL && in->n_daily > 7)
		days_from(in, in->daily[in->n_daily - 7].start, &last7);

	out->n_senders = in->n_senders + in->more_senders;
	out->n_blocking = in->more_blocking;
	if (in->n_senders == 0 || in->senders == NULL)
		return;
	/* A sender's sums, read as one source: what readiness_hit() gives
	 * it is the sum over its addresses at full strength (each address's
	 * failed_sub and failed_np are cut to its failed in SQL). */
	full.pct = 100;
	out->groups = xcalloc(in->n_senders, sizeof(*out->groups));
	out->n_groups = in->n_senders;
	for (size_t i = 0; i < in->n_senders; i++) {
		const struct sender *g = &in->senders[i];
		struct readiness_group *x = &out->groups[i];
		struct source sum = {0};

		x->s.who = g->who;
		x->s.cls = g->cls;
		x->s.n = g->n;
		x->s.addresses = g->addresses;
		x->s.messages = g->messages;
		x->s.passed = g->passed;
		x->s.failed = g->failed;
		x->s.v = xcalloc(g->n + 1, sizeof(*x->s.v));
		for (size_t k = 0; k < g->n; k++)
			x->s.v[k] = &g->v[k];
		sum.failed = g->failed;
		sum.failed_sub = g->failed_sub;
		sum.failed_np = g->failed_np;
		x->hit = readiness_hit(&sum, &full);
		judge_share(in, g, mine, &last7, i, x);
		/* Rounded up: ceil(x) > n exactly when x > n. */
		x->blocks = x->hit > 0 && (mine == 0 || x->share > limit);
		out->n_blocking += x->blocks != 0;
	}
	qsort(out->groups, out->n_groups, sizeof(*out->groups), by_hit);
}

/* "SendGrid (3 addresses)", "mail.example.net (192.0.2.1)" or the
 * address; printable whatever the names hold. */
static void
group_name(const struct readiness_group *g, char *buf, size_t size)
{
	char who[128], ip[64];

	text_printable(g->s.who, who, sizeof(who));
	if (source_group_size(&g->s) > 1)
		put(buf, size, "%s (%zu addresses)", who,
		    source_group_size(&g->s));
	else if (g->s.v[0]->ip != NULL &&
	    strcmp(g->s.v[0]->ip, g->s.who) != 0) {
		text_printable(g->s.v[0]->ip, ip, sizeof(ip));
		put(buf, size, "%s (%s)", who, ip);
	} else
		put(buf, size, "%s", who);
}

/* " in the last 7 days", " since it first appeared on 2026-03-31", or
 * "" for the whole period: where a sender's share was measured. */
static void
window_text(const struct readiness_group *g, char *buf, size_t size)
{
	char day[32];

	buf[0] = '\0';
	if (g->window_days == 0)
		return;
	if (g->since_first) {
		clock_day_text(g->first_day, day, sizeof(day));
		put(buf, size, " since it first appeared on %s", day);
	} else
		put(buf, size,
		    " in the last %d days (%" PRIu64 " in those days)",
		    g->window_days, g->hit_window);
}

static void
reason_sources(const struct readiness_thresholds *t,
    const struct readiness_inputs *in, struct readiness *out)
{
	struct readiness_reason *r;
	const struct readiness_group *worst;
	char name[200], share[32], more[64], when[64], would[80];

	if (in->messages == 0) {
		/* Nothing reported is not "nothing fails": say it as such. */
		r = reason(out, "sources", -1);
		if (r != NULL)
			put(r->text, sizeof(r->text),
			    "no mail reported in the last %d days: no sender "
			    "to "
			    "judge",
			    t->days);
		return;
	}
	r = reason(out, "sources", out->n_blocking == 0);
	if (r == NULL)
		return;
	if (out->n_groups == 0) {
		put(r->text, sizeof(r->text),
		    "no sender that may be yours fails DMARC");
		return;
	}
	worst = &out->groups[0];
	group_name(worst, name, sizeof(name));
	percent_tenths_text(worst->share, share, sizeof(share));
	window_text(worst, when, sizeof(when));
	/* A test step does nothing to mail: say what the step after it
	 * would do. */
	if (out->judged_as[0] != '\0')
		put(would, sizeof(would), "the step after, %s, would hit",
		    out->judged_as);
	else
		put(would, sizeof(would), "the step would hit");
	if (out->n_blocking == 0) {
		put(r->text, sizeof(r->text),
		    "%zu sender%s that may be yours still fail%s DMARC, none "
		    "above %d%% of the mail that may be yours: the most, %s: "
		    "%s %" PRIu64 " message%s (%s%%%s)",
		    out->n_senders, out->n_senders == 1 ? "" : "s",
		    out->n_senders == 1 ? "s" : "", t->source_share, name,
		    would, worst->hit, plural(worst->hit), share, when);
		return;
	}
	more[0] = '\0';
	if (out->n_blocking > 1)
		put(more, sizeof(more), "; and %zu more above the limit",
		    out->n_blocking - 1);
	put(r->text, sizeof(r->text),
	    "%s%s: %s %" PRIu64 " of its %" PRIu64
	    " message%s, %s%% of the mail that may be yours%s (at most "
	    "%d%%): %s%s",
	    worst->s.cls == SOURCE_LEGITIMATE ? "" : "unknown sender ", name,
	    would, worst->hit, worst->s.messages, plural(worst->s.messages),
	    share, when, t->source_share, cause_text(worst->s.v[0]->cause),
	    more);
}

/* Whole days from the start of a report to the end of a later one: date_end
 * is the last second of a range (23:59:59), so 7 daily reports hold 7
 * days. */
static int64_t
held_days(int64_t since, int64_t until)
{
	return (until - since + 1) / CLOCK_DAY;
}

/* Up to size bytes of the names of the reporters that confirm (or do
 * not), comma-separated, "and N more" for those that did not fit. */
static void
reporter_names(
    const struct readiness_inputs *in, int confirms, char *buf, size_t size)
{
	size_t used = 0, left = 0;
	char name[96];

	buf[0] = '\0';
	for (size_t i = 0; i < in->n_policy_reporters; i++) {
		const struct policy_reporter *x = &in->policy_reporters[i];

		if ((x->confirms != 0) != (confirms != 0))
			continue;
		text_printable(x->name, name, sizeof(name));
		if (used + strlen(name) + 2 + 16 > size) {
			left++;
			continue;
		}
		put(buf + used, size - used, "%s%s", used ? ", " : "", name);
		used = strlen(buf);
	}
	if (left > 0)
		put(buf + used, size - used, " and %zu more", left);
}

/* "; shown by a.example; not yet by b.example", or "" when the names
 * were not read. */
static void
reporters_text(const struct readiness_inputs *in, char *buf, size_t size)
{
	char yes[100], no[100];

	buf[0] = '\0';
	if (in->policy_reporters == NULL || in->n_policy_reporters == 0)
		return;
	reporter_names(in, 1, yes, sizeof(yes));
	reporter_names(in, 0, no, sizeof(no));
	put(buf, size, "%s%s%s%s", yes[0] ? "; shown by " : "", yes,
	    no[0] ? "; not yet by " : "", no);
}

static void
reason_stable(const struct readiness_thresholds *t,
    const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *out)
{
	struct readiness_reason *r;
	int64_t held = 0, since = now->since, until = now->reported_at;
	char when[32], pol[80], who[220];
	int all;

	reporters_text(in, who, sizeof(who));

	if (out->published_differs) {
		/* DNS says another policy than the latest report: the owner
		 * changed it.  Wait until every reporter shows it. */
		const struct policy_confirm *c = &in->confirm;

		put(pol, sizeof(pol), "%s", out->policy_published);
		if (c->since > 0 && until > c->since)
			held = held_days(c->since, until);
		r = reason(out, "stable",
		    c->since > 0 && c->confirming >= c->reporters &&
		        held >=
		            (int64_t)(t->stable_days < 0 ? 0 : t->stable_days));
		out->waiting = r != NULL && !r->met;
		if (r == NULL)
			return;
		if (c->since == 0) {
			clock_day_text(until, when, sizeof(when));
			put(r->text, sizeof(r->text),
			    "%s is published, but receivers still report %s "
			    "(latest report ends %s; %" PRIu64 " of %" PRIu64
			    " reporter%s show the new policy): wait until they "
			    "have shown it for %d days%s",
			    pol,
			    out->policy_now[0] ? out->policy_now : "nothing",
			    when, c->confirming, c->reporters,
			    plural(c->reporters), t->stable_days, who);
			return;
		}
		clock_day_text(c->since, when, sizeof(when));
		put(r->text, sizeof(r->text),
		    "%s is published; receivers report it since %s, %" PRId64
		    " day%s (%" PRIu64 " of %" PRIu64 " reporter%s; needs %d "
		    "days, every reporter)%s",
		    pol, when, held, plural((uint64_t)held), c->confirming,
		    c->reporters, plural(c->reporters), t->stable_days, who);
		return;
	}
	/* since covers p, pct and t only: say no more than that. */
	policy_text(now, 0, pol, sizeof(pol));
	if (out->step_now == 0) {
		r = reason(out, "stable", 1);
		if (r != NULL)
			put(r->text, sizeof(r->text),
			    "%s: no earlier step to hold before the first one",
			    pol[0] ? pol : "no policy reported");
		return;
	}
	if (since > 0 && until > since)
		held = held_days(since, until);
	/* A reporter still giving the old policy has not seen the step
	 * (or the rollback) yet: what it disposes of is not known. */
	all = now->confirming >= now->reporters;
	r = reason(out, "stable",
	    all && held >= (int64_t)(t->stable_days < 0 ? 0 : t->stable_days));
	if (r == NULL)
		return;
	clock_day_text(since, when, sizeof(when));
	if (!all) {
		/* The step is taken but not yet seen everywhere: wait, as
		 * for a published policy receivers do not show yet. */
		out->waiting = 1;
		put(r->text, sizeof(r->text),
		    "%s has been reported for %" PRId64 " day%s, since %s, "
		    "by %" PRIu64 " of %" PRIu64 " reporter%s (needs %d "
		    "days, every reporter): wait until the others show it%s",
		    pol, held, plural((uint64_t)held), when, now->confirming,
		    now->reporters, plural(now->reporters), t->stable_days,
		    who);
		return;
	}
	put(r->text, sizeof(r->text),
	    "%s has been reported for %" PRId64 " day%s, since %s (needs %d)",
	    pol, held, plural((uint64_t)held), when, t->stable_days);
}

/*
 * After a step: is legitimate mail being lost?  Measured over the days
 * since the policy in force began (the step), against the mail that may
 * be the owner's in those days: three days after a step, the period's
 * other eleven would dilute it.  Above source_share, roll back to the
 * last step below that does not act on failing mail, from p=reject too.
 */
static void
reason_watch(const struct readiness_thresholds *t,
    const struct policy_state *now, const struct policy_state *base,
    const struct readiness_inputs *in, struct readiness *out)
{
	struct readiness_reason *r;
	struct readiness_day sum;
	uint64_t lost, mine, pm, limit;
	size_t n = 0;
	int back;
	char share[32], prev[80], when[80], day[32];

	if (out->step_now < 1)
		return;
	lost = in->legit_lost;
	mine = mine_of(in);
	put(when, sizeof(when), " in the last %d days", t->days);
	if (in->daily != NULL && in->n_daily > 0) {
		int64_t since = now != NULL && now->known && now->since > 0
		    ? now->since
		    : in->daily[0].start;

		n = days_from(in, since, &sum);
		lost = sum.legit_lost;
		mine = sum.mine;
		if (n > 0 && n < in->n_daily) {
			clock_day_text(sum.start, day, sizeof(day));
			put(when, sizeof(when),
			    " since the step on %s (%zu day%s)", day, n,
			    plural(n));
		}
	}
	limit = t->source_share < 0 ? 0 : (uint64_t)t->source_share * 10;
	pm = percent_ratio(lost, mine, 1000, 1);
	r = reason(out, "watch",
	    lost == 0                     ? 1
	        : pm > limit || mine == 0 ? 0
	                                  : -1);
	if (r == NULL)
		return;
	if (lost == 0) {
		put(r->text, sizeof(r->text),
		    "receivers quarantined or rejected none of your legitimate "
		    "mail%s",
		    when);
		return;
	}
	percent_tenths_text(pm, share, sizeof(share));
	if (r->met == 0) {
		back = readiness_rollback_step(base);
		if (back < 0)
			back = 0;
		out->rollback_step = back;
		put(prev, sizeof(prev), "%s", readiness_step_policy(back));
		/* The published record's tags kept, as for the next one. */
		if (in->published == NULL ||
		    !from_published(in->published, back, out->rollback_record,
		        sizeof(out->rollback_record)))
			from_reported(base, back, out->rollback_record,
			    sizeof(out->rollback_record));
		put(r->text, sizeof(r->text),
		    "receivers quarantined or rejected %" PRIu64 " message%s "
		    "of your legitimate mail%s, %s%% of the mail that may be "
		    "yours in those days (at most %d%%): roll back to %s%s "
		    "until its senders pass",
		    lost, plural(lost), when, share, t->source_share, prev,
		    back == 1 ? ", which receivers apply as p=none," : "");
		return;
	}
	put(r->text, sizeof(r->text),
	    "receivers quarantined or rejected %" PRIu64 " message%s of your "
	    "legitimate mail%s (%s%% of the mail that may be yours in those "
	    "days): fix its senders before the next step",
	    lost, plural(lost), when, share);
}

static void
reason_new(const struct readiness_inputs *in, struct readiness *out)
{
	struct readiness_reason *r;

	r = reason(out, "new_sources", in->new_sources == 0 ? 1 : -1);
	if (r == NULL)
		return;
	if (in->new_sources == 0)
		put(r->text, sizeof(r->text),
		    "no new sources in the last 7 days");
	else
		put(r->text, sizeof(r->text),
		    "%" PRIu64 " source%s first seen in the last 7 days sent "
		    "%" PRIu64 " message%s: set up any that are yours (SPF, "
		    "DKIM) before the step",
		    in->new_sources, plural(in->new_sources), in->new_messages,
		    plural(in->new_messages));
}

/* The reports' own evidence: genuine, forged, or could not tell. */
static void
reason_reports(const struct readiness_thresholds *t,
    const struct readiness_inputs *in, struct readiness *out)
{
	const struct reporter_trust *failed = NULL, *jumped = NULL;
	const struct reporter_trust *unchecked = NULL, *by = NULL;
	uint64_t all = 0, nfailed = 0, nfailed_reports = 0, ngenuine = 0;
	struct readiness_reason *r;
	char name[96], why[160], top[96];

	for (size_t i = 0; i < in->n_trust; i++) {
		const struct reporter_trust *x = &in->trust[i];

		all = sat_add(all, x->messages);
		nfailed = sat_add(nfailed, x->failed_messages);
		nfailed_reports = sat_add(nfailed_reports, x->failed);
		ngenuine = sat_add(ngenuine, x->genuine_messages);
		if (x->failed > 0 && failed == NULL)
			failed = x;
		if (x->unchecked > 0 && unchecked == NULL)
			unchecked = x;
		if (x->genuine > 0 && by == NULL)
			by = x;
		if (jumped == NULL && x->genuine < x->reports &&
		    readiness_jump(x))
			jumped = x;
	}
	if (all == 0)
		return;
	if (nfailed > 0 &&
	    percent_ratio(nfailed, all, 100, 1) > (uint64_t)t->source_share &&
	    (r = reason(out, "reports", 0)) != NULL) {
		char share[PERCENT_LEN];

		percent_failed_text(nfailed, all, share, sizeof(share));
		text_printable(failed->name, name, sizeof(name));
		text_printable(failed->why, why, sizeof(why));
		put(r->text, sizeof(r->text),
		    "%s%% of the mail reported (%" PRIu64 " message%s, %" PRIu64
		    " report%s) came in mail that failed authentication and is "
		    "not counted; %s: %s. Forged, or authserv_id names the "
		    "wrong "
		    "server",
		    share, nfailed, plural(nfailed), nfailed_reports,
		    plural(nfailed_reports), name, why);
		return;
	}
	if (jumped != NULL && (r = reason(out, "reports", 0)) != NULL) {
		text_printable(jumped->name, name, sizeof(name));
		put(r->text, sizeof(r->text),
		    "%s claims %" PRIu64 " messages on one day, %" PRIu64
		    " times its usual %" PRIu64 ", in reports that could not "
		    "all be checked: if they are forged the numbers above are "
		    "wrong; set authserv_id to check them",
		    name, jumped->peak_daily,
		    jumped->usual_daily
		        ? jumped->peak_daily / jumped->usual_daily
		        : 0,
		    jumped->usual_daily);
		return;
	}
	if (unchecked != NULL) {
		char share[PERCENT_LEN];

		if ((r = reason(out, "reports", -1)) == NULL)
			return;
		text_printable(unchecked->auth_top, top, sizeof(top));
		if (ngenuine == 0 && nfailed == 0) {
			if (top[0] != '\0' && strcmp(top, "(none)") != 0)
				put(r->text, sizeof(r->text),
				    "could not tell whether the reports are "
				    "genuine: their mail was not checked; "
				    "Authentication-Results on it are by %s: "
				    "set authserv_id = %s, then run "
				    "dmarcsift reparse --all",
				    top, top);
			else
				put(r->text, sizeof(r->text),
				    "could not tell whether the reports are "
				    "genuine: none came in mail your server "
				    "checked (set authserv_id)");
			return;
		}
		percent_failed_text(
		    all - ngenuine - nfailed, all, share, sizeof(share));
		text_printable(unchecked->name, name, sizeof(name));
		text_printable(unchecked->why, why, sizeof(why));
		put(r->text, sizeof(r->text),
		    "%s%% of the mail reported came in reports that could not "
		    "be checked (%s: %s)",
		    share, name, why);
		return;
	}
	if ((r = reason(out, "reports", 1)) == NULL)
		return;
	text_printable(by != NULL ? by->auth_top : "", top, sizeof(top));
	if (nfailed > 0)
		put(r->text, sizeof(r->text),
		    "the reports counted are genuine; %" PRIu64 " report%s "
		    "(%" PRIu64 " message%s) failed authentication and %s not "
		    "counted",
		    nfailed_reports, plural(nfailed_reports), nfailed,
		    plural(nfailed), nfailed_reports == 1 ? "is" : "are");
	else
		put(r->text, sizeof(r->text),
		    "every report came in mail that passed DKIM or DMARC for "
		    "its reporter");
}

/*
 * sp and np: advice only where it changes what receivers do.
 *   sp  no mail from subdomains over a full period: sp=reject (nobody
 *       may use them); subdomain mail that passes while an explicit sp
 *       keeps subdomains below p, and no sender that may be yours fails
 *       from a subdomain: drop sp so they follow p.
 *   np  subdomain names that sent only failing mail (likely made up) and
 *       the np in force (np, else sp, else p) is not reject: np=reject.
 */
static void
subdomain_advice(const struct readiness_thresholds *t, const char *domain,
    const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *out)
{
	int p = strength(now->p), sp = strength(now->sp), np;
	int eff_sp, eff_np;
	char dom[256];

	out->sp_advice[0] = out->np_advice[0] = '\0';
	if (!now->known || p < 0 || in->messages == 0)
		return;
	text_printable(domain != NULL ? domain : "", dom, sizeof(dom));
	np = strength(now->np);
	eff_sp = sp >= 0 ? sp : p;
	eff_np = np >= 0 ? np : eff_sp;

	if (in->sub_messages == 0) {
		if (eff_sp < 2 && in->days_with_data >= (uint64_t)t->days)
			put(out->sp_advice, sizeof(out->sp_advice),
			    "no mail came from subdomains of %s in the last %d "
			    "days: add sp=reject so nobody can send as them (a "
			    "subdomain with its own _dmarc record keeps its "
			    "policy)",
			    dom, t->days);
	} else if (in->sub_passed > 0 && sp >= 0 && sp < p &&
	    in->sub_mine_failed == 0) {
		put(out->sp_advice, sizeof(out->sp_advice),
		    "subdomains of %s send mail that passes DMARC (%" PRIu64
		    " of %" PRIu64 " message%s) but sp=%s keeps them below "
		    "p=%s: remove sp= so they follow p",
		    dom,
		    in->sub_passed < in->sub_messages ? in->sub_passed
		                                      : in->sub_messages,
		    in->sub_messages, plural(in->sub_messages),
		    dmarc_policy_word(sp), dmarc_policy_word(p));
	} else if (sp >= 0 && sp < p && in->sub_mine_failed > 0) {
		put(out->sp_advice, sizeof(out->sp_advice),
		    "keep sp=%s for now: %" PRIu64 " message%s From subdomains "
		    "of %s, of senders that may be yours, failed DMARC; fix "
		    "them before subdomains follow p=%s",
		    dmarc_policy_word(sp), in->sub_mine_failed,
		    plural(in->sub_mine_failed), dom, dmarc_policy_word(p));
	}

	if (in->sub_names_failing > 0 && eff_np < 2)
		put(out->np_advice, sizeof(out->np_advice),
		    "%" PRIu64 " subdomain name%s of %s sent only failing mail "
		    "(of %" PRIu64 " seen): if they do not exist, add "
		    "np=reject so receivers refuse mail from non-existent "
		    "subdomains (RFC 9989)",
		    in->sub_names_failing, plural(in->sub_names_failing), dom,
		    in->sub_names > in->sub_names_failing
		        ? in->sub_names
		        : in->sub_names_failing);
}

/* The same p, pct and t (absent pct 100, absent t n): what receivers
 * report and what is published agree. */
/* The same policy as receivers apply it: the same step of the ladder (a
 * test step written pct=0 or t=y is one), and the same partial pct. */
static int
same_policy(const struct policy_state *a, const struct policy_state *b)
{
	int pa, pb;

	if (a == NULL || !a->known || !b->known)
		return 0;
	pa = a->pct > 0 && a->pct < 100 ? a->pct : -1;
	pb = b->pct > 0 && b->pct < 100 ? b->pct : -1;
	return readiness_step_of(a) == readiness_step_of(b) && pa == pb;
}

void
readiness_judged_spec(const struct policy_state *now, const char *published,
    struct policy_spec *out)
{
	struct policy_state pub;
	const struct policy_state *base = now;
	int step = now != NULL && now->known ? readiness_step_of(now) : 0;

	/* As readiness_judge() places the domain: the published record
	 * first, then what receivers report. */
	if (published != NULL && readiness_parse_record(published, &pub) == 0) {
		base = &pub;
		step = readiness_step_of(&pub);
	}
	next_spec(base, step + 1 < NSTEPS ? step + 1 : step, out);
}

void
readiness_judge(const struct readiness_thresholds *t, const char *domain,
    const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *out)
{
	struct policy_state pub;
	const struct policy_state *base = now;
	struct policy_spec pol;
	int next;

	memset(out, 0, sizeof(*out));
	out->rollback_step = -1;
	out->step_reported =
	    now != NULL && now->known ? readiness_step_of(now) : -1;
	out->step_published = -1;
	if (in->published != NULL &&
	    readiness_parse_record(in->published, &pub) == 0) {
		out->step_published = readiness_step_of(&pub);
		policy_text(&pub, 1, out->policy_published,
		    sizeof(out->policy_published));
		base = &pub;
		out->published_differs = same_policy(now, &pub) == 0;
	}
	/* What the owner published is where the domain stands: never
	 * advise a step back to what receivers still report. */
	out->step_now = out->step_published >= 0 ? out->step_published
	    : out->step_reported >= 0            ? out->step_reported
	                                         : 0;
	policy_text(now, 1, out->policy_now, sizeof(out->policy_now));
	next = out->step_now + 1 < NSTEPS ? out->step_now + 1 : -1;
	out->next_step_no = next;
	if (next >= 0) {
		put(out->next_step, sizeof(out->next_step), "%s",
		    step_policies[next]);
		if (in->published == NULL ||
		    !from_published(in->published, next, out->next_record,
		        sizeof(out->next_record)))
			from_reported(now, next, out->next_record,
			    sizeof(out->next_record));
	}
	/* A test step is judged by the enforcing step after it. */
	if (next == 1 || next == 3)
		put(out->judged_as, sizeof(out->judged_as), "%s",
		    step_policies[next + 1]);
	readiness_judged_spec(now, in->published, &pol);
	group_senders(t, in, &pol, out);

	reason_data(t, in, out);
	reason_pass_rate(t, in, &pol, out);
	reason_sources(t, in, out);
	reason_stable(t, now, in, out);
	reason_watch(t, now, base, in, out);
	reason_reports(t, in, out);
	reason_new(in, out);

	out->ready = next >= 0;
	for (size_t i = 0; i < out->n_reasons; i++)
		if (out->reasons[i].met == 0)
			out->ready = 0;
	subdomain_advice(t, domain, base, in, out);
}

void
readiness_free(struct readiness *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->groups != NULL && i < r->n_groups; i++)
		free(r->groups[i].s.v);
	free(r->groups);
	r->groups = NULL;
	r->n_groups = r->n_senders = r->n_blocking = 0;
}

/*
 * What-if.
 */

/* "p=reject; sp=none; pct=50": what a what-if applies. */
static void
spec_text(const struct policy_spec *pol, char *buf, size_t size)
{
	char sub[48] = "", pct[16] = "";

	if (pol->sp >= 0 && pol->sp != pol->p)
		put(sub, sizeof(sub), "; sp=%s", dmarc_policy_word(pol->sp));
	if (pol->np >= 0 && pol->np != (pol->sp >= 0 ? pol->sp : pol->p))
		put(sub + strlen(sub), sizeof(sub) - strlen(sub), "; np=%s",
		    dmarc_policy_word(pol->np));
	if (pol->pct < 100)
		put(pct, sizeof(pct), "; pct=%d", pol->pct);
	put(buf, size, "p=%s%s%s", dmarc_policy_word(pol->p), sub, pct);
}

int
whatif_check(const struct policy_spec *pol, struct err *err)
{
	int sp, np;

	if (pol == NULL || pol->p < 0 || pol->p > 2)
		return err_set(err, ERR_USAGE,
		    "what-if: policy must be none, quarantine or reject");
	sp = pol->sp >= 0 ? pol->sp : pol->p;
	np = pol->np >= 0 ? pol->np : sp;
	if (pol->p < 1 && sp < 1 && np < 1)
		return err_set(err, ERR_USAGE,
		    "what-if: the policy acts on no mail (p, sp and np none)");
	if (pol->pct < 0 || pol->pct > 100)
		return err_set(err, ERR_USAGE,
		    "what-if: pct must be 0 to 100, not %d", pol->pct);
	if (pol->sp > 2 || pol->np > 2)
		return err_set(
		    err, ERR_USAGE, "what-if: sp or np out of range");
	return 0;
}

int
whatif_compute(const struct policy_spec *pol, const struct source_hits *h,
    struct whatif *out, struct err *err)
{
	uint64_t shown = 0;
	int rc, sp, np;

	memset(out, 0, sizeof(*out));
	if ((rc = whatif_check(pol, err)) < 0)
		return rc;
	out->spec = *pol;
	/* The word for what happens to the mail hit: the strongest policy
	 * of the three. */
	sp = pol->sp >= 0 ? pol->sp : pol->p;
	np = pol->np >= 0 ? pol->np : sp;
	out->reject = pol->p == 2 || sp == 2 || np == 2;
	spec_text(pol, out->policy, sizeof(out->policy));
	if (h == NULL)
		return 0;
	for (int c = 0; c < SOURCE_NCLASSES; c++) {
		out->messages = sat_add(out->messages, h->messages[c]);
		out->affected[c] = h->affected_sum[c];
		out->total_affected =
		    sat_add(out->total_affected, h->affected_sum[c]);
		out->hit_sources = sat_add(out->hit_sources, h->hits[c]);
	}
	if (h->l.n > 0) {
		out->v = xcalloc(h->l.n, sizeof(*out->v));
		for (size_t i = 0; i < h->l.n; i++) {
			out->v[i].src = &h->l.v[i];
			out->v[i].affected = h->affected[i];
			shown = sat_add(shown, h->affected[i]);
		}
		out->n = h->l.n;
	}
	out->more_affected =
	    out->total_affected > shown ? out->total_affected - shown : 0;
	return 0;
}

void
whatif_free(struct whatif *w)
{
	if (w == NULL)
		return;
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

int
whatif_parse(
    const char *arg, const struct policy_state *base, struct policy_spec *out)
{
	struct policy_state st;
	char word[16], *colon;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (arg == NULL)
		return -1;
	if (strchr(arg, '=') != NULL) {
		/* Record syntax: what it leaves out follows p. */
		char rec[512];

		if (strlen(arg) > 400)
			return -1;
		put(rec, sizeof(rec), "v=DMARC1; %s", arg);
		if (readiness_parse_record(rec, &st) < 0)
			return -1;
		readiness_spec_of(&st, out); /* a record: sp, np as given */
		out->testing = 0;
		/* Something must act: p, or sp or np alone ("p=none;
		 * sp=quarantine", subdomains first). */
		return out->p >= 1 || out->sp >= 1 || out->np >= 1 ? 0 : -1;
	}
	n = strcspn(arg, ":");
	if (n == 0 || n >= sizeof(word))
		return -1;
	memcpy(word, arg, n);
	word[n] = '\0';
	if (base != NULL && base->known)
		readiness_spec_of(base, out);
	else
		out->sp = out->np = -1;
	out->p = strength(word);
	out->pct = 100;
	out->testing = 0;
	if (out->p < 1)
		return -1;
	colon = strchr(arg, ':');
	if (colon != NULL &&
	    (out->pct = dmarc_pct_parse(colon + 1, strlen(colon + 1))) < 0)
		return -1;
	return 0;
}
