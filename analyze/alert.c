/* alert: the events `dmarcsift alert` says; see alert.h. */
#include "alert.h"

#include "clock.h"
#include "db.h"
#include "digest.h"
#include "err.h"
#include "percent.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refused inputs said per run at most: more are counted in the last. */
#define ALERT_REFUSED_TOP 20
/* Senders compared per domain and side. */
#define ALERT_SENDERS 100

static const char *const kind_names[ALERT_NKINDS] = {
    "new_source",
    "source_drop",
    "pass_drop",
    "reporter_silent",
    "rollback",
    "dns",
    "refused",
    "foreign",
};

const char *
alert_kind_name(enum alert_kind k)
{
	return k < ALERT_NKINDS ? kind_names[k] : "?";
}

static struct alert *
add(struct alert_list *l, enum alert_kind kind, const char *domain, char *key)
{
	struct alert *a;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	a = &l->v[l->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->key = key;
	a->domain = domain != NULL ? xstrdup(domain) : NULL;
	return a;
}

/* ---- from the digest ---------------------------------------------------- */

/* 1. Addresses first seen on the day, above a share of its mail. */
static int
new_sources(struct db *db, const struct alert_options *o,
    const struct digest_domain *d, uint64_t day_messages, struct alert_list *l,
    struct err *err)
{
	struct source_top top;
	char day[11];

	if (day_messages == 0)
		return 0;
	if (sources_read_changes(db, d->domain, 1, l->day - 8 * CLOCK_DAY,
	        l->day, o->until, &o->rules, DIGEST_TOP, &top, err) < 0)
		return -1;
	clock_day_text(l->day, day, sizeof(day));
	for (size_t i = 0; i < top.l.n; i++) {
		const struct source *s = &top.l.v[i];
		const char *name = digest_sender_name(s);
		char share[PERCENT_LEN], pass[PERCENT_LEN];
		struct alert *a;

		/* share >= the setting, in integers */
		if (s->messages * 100 <
		    (uint64_t)o->new_source_share * day_messages)
			continue;
		percent_failed_text(
		    s->messages, day_messages, share, sizeof(share));
		percent_text(s->passed, s->messages, pass, sizeof(pass));
		a = add(l, ALERT_NEW_SOURCE, d->domain,
		    xasprintf("new_source:%s:%s", d->domain, s->ip));
		a->text = xasprintf("%s: new source %s%s%s%s, class %s, sent "
		                    "%" PRIu64 " of the domain's %" PRIu64
		                    " messages on %s (%s%%), %s%% passing",
		    d->domain, s->ip, name != NULL ? " (" : "",
		    name != NULL ? name : "", name != NULL ? ")" : "",
		    source_class_name(s->cls), s->messages, day_messages, day,
		    share, pass);
		if (s->cls == SOURCE_LEGITIMATE)
			a->fix = xstrdup("yours and set up: check that you "
			                 "meant to add it");
		else
			a->fix = xasprintf("if it sends for you, set up its "
			                   "DKIM and SPF for %s (or name it in "
			                   "trusted_sources); if not, name it "
			                   "in ignored_sources: dmarcsift "
			                   "sources --domain %s",
			    d->domain, d->domain);
	}
	sources_free(&top.l);
	return 0;
}

/* A sender of a list by its who, or NULL. */
static const struct sender *
sender_named(const struct sender_list *l, const char *who)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].who, who) == 0)
			return &l->v[i];
	return NULL;
}

/* 2. Legitimate senders over the previous 7 days whose pass rate fell on
 * the day. */
static int
source_drops(struct db *db, const struct alert_options *o,
    const struct digest_domain *d, struct alert_list *l, struct err *err)
{
	struct sources_query q;
	struct sender_list before, day;
	char daytext[11];

	memset(&q, 0, sizeof(q));
	q.domain = d->domain;
	q.since = l->day - 7 * CLOCK_DAY;
	q.until = l->day;
	q.rules = &o->rules;
	q.classes = 1u << SOURCE_LEGITIMATE;
	q.all = 1;
	q.top = ALERT_SENDERS;
	q.addresses = 1;
	if (sources_read_senders(db, &q, &before, err) < 0)
		return -1;
	/* The day's senders with failing mail, any class: one that stopped
	 * passing may no longer be judged legitimate on its own. */
	q.since = l->day;
	q.until = o->until;
	q.classes = 0;
	q.all = 0;
	if (sources_read_senders(db, &q, &day, err) < 0) {
		sender_list_free(&before);
		return -1;
	}
	clock_day_text(l->day, daytext, sizeof(daytext));
	for (size_t i = 0; i < before.n; i++) {
		const struct sender *b = &before.v[i];
		const struct sender *a = sender_named(&day, b->who);
		const char *cause;
		char pb[PERCENT_LEN], pa[PERCENT_LEN];
		struct alert *al;

		if (a == NULL || b->messages < o->min_messages ||
		    a->messages < o->min_messages ||
		    b->passed * 100 < (uint64_t)o->drop_before * b->messages ||
		    a->passed * 100 > (uint64_t)o->drop_after * a->messages)
			continue;
		percent_text(b->passed, b->messages, pb, sizeof(pb));
		percent_text(a->passed, a->messages, pa, sizeof(pa));
		cause = a->n > 0 && a->v[0].cause != NULL ? a->v[0].cause : "";
		al = add(l, ALERT_SOURCE_DROP, d->domain,
		    xasprintf("source_drop:%s:%s", d->domain, b->who));
		al->text = xasprintf("%s: legitimate sender %s passed %s%% of "
		                     "%" PRIu64 " messages over the previous 7 "
		                     "days, %s%% of %" PRIu64 " on %s%s%s",
		    d->domain, b->who, pb, b->messages, pa, a->messages,
		    daytext, cause[0] != '\0' ? ": mostly " : "", cause);
		al->fix = xasprintf("a DKIM key rotated, or the sender's "
		                    "custom DKIM or SPF for %s switched off: "
		                    "check its set-up (dmarcsift sources "
		                    "--domain %s --since 1d)",
		    d->domain, d->domain);
	}
	sender_list_free(&before);
	sender_list_free(&day);
	return 0;
}

/* 3. The domain's pass rate on the day against the 7 days before. */
static void
pass_drop(const struct alert_options *o, const struct digest_domain *d,
    struct alert_list *l)
{
	const struct digest_day *last = &d->days[d->ndays - 1];
	uint64_t m = 0, p = 0;
	char pts[PERCENT_LEN], now[PERCENT_LEN], before[PERCENT_LEN], day[11];
	struct alert *a;
	int tenths;

	for (size_t i = d->ndays - 8; i < d->ndays - 1; i++) {
		m += d->days[i].messages;
		p += d->days[i].passed;
	}
	if (m < o->min_messages || last->messages < o->min_messages)
		return;
	tenths = percent_points(
	    last->passed, last->messages, p, m, pts, sizeof(pts));
	if (-tenths <= o->pass_drop * 10)
		return;
	percent_text(last->passed, last->messages, now, sizeof(now));
	percent_text(p, m, before, sizeof(before));
	clock_day_text(last->day, day, sizeof(day));
	a = add(l, ALERT_PASS_DROP, d->domain,
	    xasprintf("pass_drop:%s", d->domain));
	a->text = xasprintf("%s: %s%% of %" PRIu64 " messages passed DMARC "
	                    "on %s, against %s%% of %" PRIu64
	                    " over the previous 7 days (%s points)",
	    d->domain, now, last->messages, day, before, m, pts);
	a->fix = xasprintf("see which sender fails: dmarcsift sources "
	                   "--domain %s --since 1d",
	    d->domain);
}

/* 3. Reporters of most of the 7 days before the last 2, silent in them. */
static void
silent_reporters(const struct digest_domain *d, struct alert_list *l)
{
	for (size_t i = 0; i < d->nreporters; i++) {
		const struct digest_reporter *r = &d->reporters[i];
		size_t n = r->days != NULL ? strlen(r->days) : 0;
		int on = 0;
		struct alert *a;
		char day[11];

		if (n != ALERT_DAYS || r->days[n - 1] != '0' ||
		    r->days[n - 2] != '0')
			continue;
		for (size_t k = 0; k < n - 2; k++)
			on += r->days[k] == '1';
		if (on < 4)
			continue;
		clock_day_text(d->days[d->ndays - 2].day, day, sizeof(day));
		a = add(l, ALERT_REPORTER_SILENT, d->domain,
		    xasprintf("reporter_silent:%s:%s", d->domain, r->name));
		a->text = xasprintf("%s: %s reported on %d of the 7 days "
		                    "before %s, nothing since (2 days)",
		    d->domain, r->name, on, day);
		a->fix = xasprintf("check that the rua address of _dmarc.%s "
		                   "still receives mail and that ingest runs "
		                   "(dmarcsift summary)",
		    d->domain);
	}
}

/* 4. The readiness watch: legitimate mail lost after a policy step. */
static void
rollback(const struct digest_domain *d, struct alert_list *l)
{
	const struct readiness *r = &d->readiness;
	const char *why = "";
	struct alert *a;

	if (r->rollback_step < 0)
		return;
	for (size_t i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i].code, "watch") == 0)
			why = r->reasons[i].text;
	a = add(l, ALERT_ROLLBACK, d->domain,
	    xasprintf("rollback:%s:%s", d->domain, r->policy_now));
	a->text = xasprintf("%s: the policy %s loses legitimate mail: %s",
	    d->domain, r->policy_now, why);
	a->fix = xasprintf("roll back: publish at _dmarc.%s: %s", d->domain,
	    r->rollback_record);
}

/* 6. Foreign domains in volume. */
static void
foreign(const struct alert_options *o, const struct digest *dg,
    struct alert_list *l)
{
	for (size_t i = 0; i < dg->nforeign; i++) {
		const struct digest_foreign *f = &dg->foreign[i];
		struct alert *a;

		if (f->messages < o->foreign_messages)
			continue;
		a = add(l, ALERT_FOREIGN, f->domain,
		    xasprintf("foreign:%s", f->domain));
		a->text = xasprintf("%s, not one of your domains, has %" PRIu64
		                    " messages in reports of the last %d days",
		    f->domain, f->messages, 2 * ALERT_DAYS);
		a->fix = xstrdup("if it is yours, add it to the setting "
		                 "domains; if not, someone names your rua "
		                 "address in their DMARC record");
	}
}

/* ---- refused inputs ----------------------------------------------------- */

struct refused_rows {
	struct alert_list *l;
	size_t n;
};

static int
on_refused(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct refused_rows *r = arg;
	struct alert *a;
	char when[CLOCK_TEXT_LEN];

	(void)err;
	if (ncols != 4 || c[0] == NULL)
		return 0;
	clock_text(strtoll(c[3] != NULL ? c[3] : "0", NULL, 10),
	    CLOCK_FORM_MINUTE, when, sizeof(when));
	a = add(r->l, ALERT_REFUSED, NULL, xasprintf("refused:%s", c[0]));
	a->text = xasprintf("input %s (%s), received %s UTC, was refused: %s",
	    c[0], c[1] != NULL ? c[1] : "", when, c[2] != NULL ? c[2] : "");
	a->fix = xasprintf("see why: dmarcsift reparse --input %s, or the "
	                   "refused inputs in serve",
	    c[0]);
	r->n++;
	return 0;
}

static int
refused(struct db *db, struct alert_list *l, struct err *err)
{
	char since[24], top[24];
	const char *p[2] = {since, top};
	struct refused_rows r = {l, 0};

	snprintf(since, sizeof(since), "%lld",
	    (long long)(l->day - (ALERT_DAYS - 1) * CLOCK_DAY));
	snprintf(top, sizeof(top), "%d", ALERT_REFUSED_TOP);
	return db_each(db,
	    "SELECT * FROM (SELECT DISTINCT ON (i.id) i.id, i.source_name, "
	    "p.reason, extract(epoch FROM i.received_at)::bigint FROM inputs "
	    "i JOIN input_problems p ON p.input = i.id AND p.kind = "
	    "'refused' WHERE i.received_at >= to_timestamp($1) ORDER BY "
	    "i.id, p.n) x ORDER BY 1 DESC LIMIT $2::int",
	    2, p, on_refused, &r, err);
}

/* ---- the stored checks -------------------------------------------------- */

struct check_rows {
	struct alert_list *l;
};

static int
status_rank(const char *s)
{
	static const char *const order[] = {"pass", "warn", "dnserror", "fail"};

	for (int i = 0; i < 4; i++)
		if (s != NULL && strcmp(s, order[i]) == 0)
			return i;
	return 0;
}

/* domain, digest, status, checked_at, seen digest, seen status. */
static int
on_check(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct check_rows *r = arg;
	struct alert_list *l = r->l;
	struct alert_check *k;
	struct alert *a;
	char when[CLOCK_TEXT_LEN];

	(void)err;
	if (ncols != 6 || c[0] == NULL || c[1] == NULL)
		return 0;
	l->checks = xrealloc(l->checks, (l->nchecks + 1) * sizeof(*l->checks));
	k = &l->checks[l->nchecks++];
	k->domain = xstrdup(c[0]);
	snprintf(k->digest, sizeof(k->digest), "%s", c[1]);
	k->status = xstrdup(c[2] != NULL ? c[2] : "");
	k->checked_at = strtoll(c[3] != NULL ? c[3] : "0", NULL, 10);
	clock_text(k->checked_at, CLOCK_FORM_MINUTE, when, sizeof(when));
	if (c[4] == NULL) {
		/* First sight: only a failing check is news. */
		if (strcmp(k->status, "fail") != 0)
			return 0;
	} else if (strcmp(c[4], k->digest) == 0 &&
	    status_rank(k->status) <= status_rank(c[5])) {
		return 0;
	}
	a = add(l, ALERT_DNS, k->domain,
	    xasprintf("dns:%s:%.16s", k->domain, k->digest));
	if (c[4] == NULL)
		a->text = xasprintf(
		    "%s: its DNS check of %s UTC fails", k->domain, when);
	else
		a->text =
		    xasprintf("%s: its DMARC, SPF or DKIM records changed "
		              "in the check of %s UTC; status %s, was %s",
		        k->domain, when, k->status, c[5] != NULL ? c[5] : "");
	a->fix = xasprintf("if you did not change them, see what did: "
	                   "dmarcsift check %s",
	    k->domain);
	return 0;
}

static int
checks(struct db *db, const struct digest *dg, struct alert_list *l,
    struct err *err)
{
	struct check_rows r = {l};
	char *list;
	const char *p[1];
	size_t len = 3;
	int rc;

	for (size_t i = 0; i < dg->n; i++)
		len += strlen(dg->domains[i].domain) + 1;
	list = xmalloc(len);
	list[0] = '{';
	list[1] = '\0';
	for (size_t i = 0; i < dg->n; i++) {
		if (i > 0)
			strcat(list, ",");
		strcat(list, dg->domains[i].domain);
	}
	strcat(list, "}");
	p[0] = list;
	/* The findings of the records themselves (not the reports' counts,
	 * which change every day), in their order. */
	rc = db_each(db,
	    "SELECT c.domain, encode(sha256(convert_to(coalesce(c.result #>> "
	    "'{policy,published,record}', '') || E'\\n' || coalesce((SELECT "
	    "string_agg(concat_ws('|', f->>'id', f->>'status', "
	    "f->>'subject', f->>'text'), E'\\n' ORDER BY n) FROM "
	    "jsonb_array_elements(CASE WHEN jsonb_typeof(c.result->'items') = "
	    "'array' THEN c.result->'items' ELSE '[]' END) WITH ORDINALITY "
	    "AS x(f, n) WHERE f->>'id' ~ '^(dmarc|spf|dkim)\\.'), ''), "
	    "'UTF8')), 'hex'), c.status, extract(epoch FROM "
	    "c.checked_at)::bigint, s.digest, s.status FROM check_results c "
	    "LEFT JOIN alert_checks s ON s.domain = c.domain WHERE c.domain = "
	    "ANY($1::text[]) ORDER BY 1",
	    1, p, on_check, &r, err);
	free(list);
	return rc;
}

/* ---- what was said before ----------------------------------------------- */

static int
on_held(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct alert_list *l = arg;

	(void)err;
	if (ncols != 1 || c[0] == NULL)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].is_new && strcmp(l->v[i].key, c[0]) == 0) {
			l->v[i].is_new = 0;
			l->nnew--;
		}
	return 0;
}

/* The keys of l as a text[] literal, each quoted; the caller's. */
static char *
keys_array(const struct alert_list *l)
{
	size_t len = 3;
	char *s, *w;

	for (size_t i = 0; i < l->n; i++)
		len += 2 * strlen(l->v[i].key) + 3;
	s = w = xmalloc(len);
	*w++ = '{';
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			*w++ = ',';
		*w++ = '"';
		for (const char *k = l->v[i].key; *k != '\0'; k++) {
			if (*k == '"' || *k == '\\')
				*w++ = '\\';
			*w++ = *k;
		}
		*w++ = '"';
	}
	*w++ = '}';
	*w = '\0';
	return s;
}

static int
mark_new(struct db *db, struct alert_list *l, struct err *err)
{
	char *keys = keys_array(l);
	const char *p[1] = {keys};
	int rc;

	for (size_t i = 0; i < l->n; i++)
		l->v[i].is_new = 1;
	l->nnew = l->n;
	rc = db_each(db,
	    "SELECT key FROM alert_events WHERE cleared IS NULL AND key = "
	    "ANY($1::text[])",
	    1, p, on_held, l, err);
	free(keys);
	return rc;
}

/* ---- the whole ---------------------------------------------------------- */

int
alert_compute(struct db *db, const struct alert_options *o,
    struct alert_list *out, struct err *err)
{
	struct digest_options dopt;
	struct digest *dg = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->day = o->until - CLOCK_DAY;
	/* The owner's domains are the digest's (the setting domains, else
	 * owned_domains(), sql/021): one rule decides whose domains are
	 * judged. */
	memset(&dopt, 0, sizeof(dopt));
	dopt.owned = o->owned;
	dopt.days = ALERT_DAYS;
	snprintf(dopt.period, sizeof(dopt.period), "%dd", ALERT_DAYS);
	dopt.until = o->until;
	dopt.rules = o->rules;
	dopt.thresholds = o->thresholds;
	if ((rc = digest_compute(db, &dopt, &dg, err)) < 0)
		return rc;
	for (size_t i = 0; i < dg->n; i++) {
		const struct digest_domain *d = &dg->domains[i];

		if (d->ndays != ALERT_DAYS)
			continue;
		if ((rc = new_sources(db, o, d, d->days[d->ndays - 1].messages,
		         out, err)) < 0 ||
		    (rc = source_drops(db, o, d, out, err)) < 0)
			goto done;
		pass_drop(o, d, out);
		silent_reporters(d, out);
		rollback(d, out);
	}
	if ((rc = checks(db, dg, out, err)) < 0 ||
	    (rc = refused(db, out, err)) < 0)
		goto done;
	foreign(o, dg, out);
	rc = mark_new(db, out, err);
done:
	digest_free(dg);
	if (rc < 0)
		alert_list_free(out);
	return rc;
}

int
alert_record(
    struct db *db, const struct alert_list *l, int64_t now, struct err *err)
{
	char ts[24], *keys = keys_array(l);
	const char *clear[2] = {ts, keys};
	int rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)now);
	if ((rc = db_begin(db, err)) < 0)
		goto done;
	for (size_t i = 0; i < l->n && rc == 0; i++) {
		const struct alert *a = &l->v[i];
		const char *p[4] = {
		    a->key, a->domain, alert_kind_name(a->kind), ts};

		rc = db_exec(db,
		    "INSERT INTO alert_events (key, domain, kind, first_said, "
		    "last_seen) VALUES ($1, $2, $3, to_timestamp($4), "
		    "to_timestamp($4)) ON CONFLICT (key) DO UPDATE SET "
		    "last_seen = excluded.last_seen, first_said = CASE WHEN "
		    "alert_events.cleared IS NULL THEN alert_events.first_said "
		    "ELSE excluded.first_said END, cleared = NULL",
		    4, p, err);
	}
	if (rc == 0)
		rc = db_exec(db,
		    "UPDATE alert_events SET cleared = to_timestamp($1) WHERE "
		    "cleared IS NULL AND NOT key = ANY($2::text[])",
		    2, clear, err);
	for (size_t i = 0; i < l->nchecks && rc == 0; i++) {
		const struct alert_check *k = &l->checks[i];
		char at[24];
		const char *p[5] = {k->domain, k->digest, k->status, at, ts};

		snprintf(at, sizeof(at), "%lld", (long long)k->checked_at);
		rc = db_exec(db,
		    "INSERT INTO alert_checks (domain, digest, status, "
		    "checked_at, seen_at) VALUES ($1, $2, $3, "
		    "to_timestamp($4), "
		    "to_timestamp($5)) ON CONFLICT (domain) DO UPDATE SET "
		    "digest = excluded.digest, status = excluded.status, "
		    "checked_at = excluded.checked_at, seen_at = "
		    "excluded.seen_at",
		    5, p, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
done:
	free(keys);
	return rc;
}

void
alert_list_free(struct alert_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].domain);
		free(l->v[i].text);
		free(l->v[i].fix);
	}
	free(l->v);
	for (size_t i = 0; i < l->nchecks; i++) {
		free(l->checks[i].domain);
		free(l->checks[i].status);
	}
	free(l->checks);
	memset(l, 0, sizeof(*l));
}
