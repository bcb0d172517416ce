/*
 * check: the DNS of a sending domain against what the reports say.
 *
 * Read in this order: findings and small helpers; check_new() and what the
 * user gives; check_gather() (the database: report count, selectors,
 * sources with our verdict, the policy receivers saw); check_run() (the
 * DNS through dnscheck, the published policy, then the comparisons).
 */
#include "check.h"

#include "clock.h"

#include "db.h"
#include "dmarc_record.h"
#include "domain.h"
#include "err.h"
#include "report.h"
#include "resolve.h"
#include "text.h"
#include "verdict.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Findings and helpers. */

static uint64_t
num(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

/* ------------------------------------------------------------------------
 * The check and what the user gives. */

int
check_new(struct check **out, const char *domain, int days, struct err *err)
{
	char dom[DOMAIN_MAX];
	struct check *c;
	int rc;

	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	if (days == 0)
		days = CHECK_DAYS_DEFAULT;
	if (days < 1 || days > CHECK_DAYS_MAX)
		return err_set(err, ERR_USAGE, "days: want 1 to %d, got %d",
		    CHECK_DAYS_MAX, days);
	c = xcalloc(1, sizeof(*c));
	memcpy(c->domain, dom, sizeof(dom));
	c->days = days;
	c->until = clock_now();
	c->sts_opts.port = 443;
	*out = c;
	return 0;
}

void
check_free(struct check *c)
{
	if (c == NULL)
		return;
	free(c->sel);
	free(c->ips);
	free(c->src);
	free(c->nets);
	for (int t = 0; t < CHECK_NTAGS; t++) {
		for (size_t i = 0; i < c->nsaid[t]; i++)
			free(c->said[t][i].value);
		free(c->said[t]);
	}
	dnscheck_list_free(&c->findings);
	free(c);
}

/*
 * Writes s lower-cased to out when it is a selector we would look up:
 * labels of letters, digits, '-' and '_' (1-63 bytes each), separated by
 * dots, shorter than CHECK_SELECTOR_MAX.  Returns 0, or -1.
 */
static int
selector_norm(const char *s, char out[CHECK_SELECTOR_MAX])
{
	size_t i, len = strlen(s), label = 0;

	if (len == 0 || len >= CHECK_SELECTOR_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if (isalnum(ch) || ch == '-' || ch == '_') {
			if (++label > 63)
				return -1;
		} else {
			return -1;
		}
		out[i] = (char)tolower(ch);
	}
	out[len] = '\0';
	return label == 0 ? -1 : 0;
}

/* The selector named name (normalized), added when new; NULL when the
 * list is full. */
static struct check_selector *
selector_get(struct check *c, const char *name)
{
	struct check_selector *s;

	for (size_t i = 0; i < c->nsel; i++) {
		if (strcmp(c->sel[i].name, name) == 0)
			return &c->sel[i];
	}
	if (c->nsel >= CHECK_MAX_SELECTORS + CHECK_MAX_GIVEN)
		return NULL;
	c->sel = xrealloc(c->sel, (c->nsel + 1) * sizeof(*c->sel));
	s = &c->sel[c->nsel++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

int
check_add_selector(struct check *c, const char *name, struct err *err)
{
	char norm[CHECK_SELECTOR_MAX], shown[80];
	struct check_selector *s;
	size_t given = 0;

	if (selector_norm(name, norm) < 0) {
		text_printable(name, shown, sizeof(shown));
		return err_set(err, ERR_USAGE,
		    "'%s' is not a DKIM selector (DNS labels: letters, "
		    "digits, '-', '_')",
		    shown);
	}
	for (size_t i = 0; i < c->nsel; i++)
		given += (c->sel[i].from & CHECK_FROM_OPTION) != 0;
	if (given >= CHECK_MAX_GIVEN || (s = selector_get(c, norm)) == NULL)
		return err_set(
		    err, ERR_USAGE, "more than %d selectors", CHECK_MAX_GIVEN);
	s->from |= CHECK_FROM_OPTION;
	return 0;
}

/* The address ip (canonical), added when new; NULL when full. */
static struct check_ip *
ip_get(struct check *c, const char *ip)
{
	struct check_ip *a;

	for (size_t i = 0; i < c->nip; i++) {
		if (strcmp(c->ips[i].ip, ip) == 0)
			return &c->ips[i];
	}
	if (c->nip >= CHECK_MAX_PTR_IPS + CHECK_MAX_GIVEN)
		return NULL;
	c->ips = xrealloc(c->ips, (c->nip + 1) * sizeof(*c->ips));
	a = &c->ips[c->nip++];
	memset(a, 0, sizeof(*a));
	memcpy(a->ip, ip, sizeof(a->ip));
	return a;
}

int
check_add_ip(struct check *c, const char *ip, struct err *err)
{
	char canon[IP_TEXT_MAX], shown[80];
	struct check_ip *a;

	if (ip_normalize(ip, canon) < 0) {
		text_printable(ip, shown, sizeof(shown));
		return err_set(
		    err, ERR_USAGE, "'%s' is not an IP address", shown);
	}
	if (c->nip >= CHECK_MAX_GIVEN || (a = ip_get(c, canon)) == NULL)
		return err_set(
		    err, ERR_USAGE, "more than %d addresses", CHECK_MAX_GIVEN);
	a->from |= CHECK_FROM_OPTION;
	return 0;
}

/* ------------------------------------------------------------------------
 * The database.  Every statement is parameterised: $1 the domain
 * (lower-case), $2 the days, $3 the end of the period (Unix seconds).  A
 * report counts when its date range overlaps the period, once however
 * many copies of it arrived (counted_reports, migration 008). */

#define IN_PERIOD                                                              \
	"r.date_end > to_timestamp($3::bigint) - make_interval(days => "       \
	"$2::int) AND r.date_begin < to_timestamp($3::bigint)"

/* A report whose policy domain is $1 or a parent of it: the only ones
 * whose records can have header_from $1 (the policy of a From domain is
 * its own or an ancestor's, RFC 7489 6.6.3 and DMARCbis's tree walk).
 * Without it the records of every domain's reports were read. */
#define POLICY_ABOVE                                                           \
	"lower(r.domain) IN (SELECT array_to_string(p[i:], '.') FROM "         \
	"string_to_array($1, '.') p, generate_subscripts(p, 1) i)"

static int
get_count(void *arg, int ncols, const char *const *v, struct err *err)
{
	*(uint64_t *)arg = num(v[0]);
	return 0;
}

static int
add_selector(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct check *c = arg;
	char norm[CHECK_SELECTOR_MAX];
	struct check_selector *s;
	size_t from_reports = 0;

	/* Garbage a reporter wrote is not looked up. */
	if (v[0] == NULL || selector_norm(v[0], norm) < 0)
		return 0;
	for (size_t i = 0; i < c->nsel; i++)
		from_reports += (c->sel[i].from & CHECK_FROM_REPORTS) != 0;
	if (from_reports >= CHECK_MAX_SELECTORS)
		return 0;
	if ((s = selector_get(c, norm)) == NULL)
		return 0;
	s->from |= CHECK_FROM_REPORTS;
	s->messages += num(v[1]);
	s->failed += num(v[2]);
	return 0;
}

/*
 * The sources: every address that sent with header_from DOMAIN in the
 * period, with the verdicts the store wrote for its records (the same
 * verdict_eval(), kept current by the judge), grouped in SQL.  A month of
 * a large domain names millions of addresses: the CHECK_MAX_SOURCES that
 * matter are held (aligned DKIM first, for reports.spf; then any that
 * passed, for the PTR checks; then by volume), the rest counted.
 */
static const char sources_sql[] =
    "WITH s AS (SELECT rec.source_ip, sum(rec.count) AS messages, "
    "coalesce(sum(rec.count) FILTER (WHERE rec.v_pass), 0) AS passed, "
    "coalesce(sum(rec.count) FILTER (WHERE rec.v_dkim_aligned), 0) AS "
    "dkim_aligned FROM counted_reports r JOIN reports j ON j.id = r.id AND "
    "j.judged JOIN records rec ON rec.report = r.id WHERE " IN_PERIOD
    " AND " POLICY_ABOVE " AND rec.v_pass IS NOT NULL AND "
    "(lower(r.domain) = $1 OR lower(rec.header_from) = $1) AND "
    "coalesce(rec.v_header_from, rec.header_from, '') = $1 "
    "GROUP BY rec.source_ip), "
    "t AS (SELECT *, count(*) OVER () AS total FROM s ORDER BY "
    "dkim_aligned > 0 DESC, passed > 0 DESC, messages DESC, source_ip "
    "LIMIT $4::int) "
    "SELECT host(source_ip), messages, passed, dkim_aligned, total FROM t "
    "ORDER BY source_ip";

static int
add_source(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct check *c = arg;
	struct check_source *s;
	uint64_t total;

	if (ncols != 5 || v[0] == NULL)
		return err_set(err, ERR_DB, "unexpected row reading sources");
	if (c->nsrc >= CHECK_MAX_SOURCES)
		return 0;
	if (c->src == NULL)
		c->src = xcalloc(CHECK_MAX_SOURCES, sizeof(*c->src));
	s = &c->src[c->nsrc++];
	memset(s, 0, sizeof(*s));
	snprintf(s->ip, sizeof(s->ip), "%s", v[0]);
	s->messages = num(v[1]);
	s->passed = num(v[2]);
	s->dkim_aligned = num(v[3]);
	total = num(v[4]);
	c->sources_left_out = total > c->nsrc ? total - c->nsrc : 0;
	return 0;
}

/* Adds n reports that said value (NULL: nothing) for tag t. */
static void
said_add(struct check *c, enum check_tag t, const char *value, uint64_t n)
{
	char shown[24];
	struct check_said *s;

	if (value != NULL)
		text_printable(value, shown, sizeof(shown));
	for (size_t i = 0; i < c->nsaid[t]; i++) {
		s = &c->said[t][i];
		if ((value == NULL && s->value == NULL) ||
		    (value != NULL && s->value != NULL &&
		        strcmp(s->value, shown) == 0)) {
			s->reports += n;
			return;
		}
	}
	c->said[t] =
	    xrealloc(c->said[t], (c->nsaid[t] + 1) * sizeof(*c->said[t]));
	s = &c->said[t][c->nsaid[t]++];
	s->value = value != NULL ? xstrdup(shown) : NULL;
	s->reports = n;
}

static int
add_policy(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct check *c = arg;
	uint64_t n = num(v[CHECK_NTAGS]);

	for (int t = 0; t < CHECK_NTAGS; t++)
		said_add(c, t, v[t], n);
	return 0;
}

int
check_gather(
    struct check *c, struct db *db, const struct orgdomain *od, struct err *err)
{
	char days[16], until[24], most[16];
	const char *params[] = {c->domain, days, until, most};
	int rc;

	(void)od; /* the verdicts are the store's, judged with it */
	snprintf(most, sizeof(most), "%d", CHECK_MAX_SOURCES);
	snprintf(days, sizeof(days), "%d", c->days);
	snprintf(until, sizeof(until), "%lld", (long long)c->until);
	rc = db_each(db,
	    "SELECT count(*) FROM counted_reports r WHERE " IN_PERIOD
	    " AND " POLICY_ABOVE
	    " AND (lower(r.domain) = $1 OR EXISTS (SELECT 1 FROM records rec "
	    "WHERE rec.report = r.id AND lower(rec.header_from) = $1))",
	    3, params, get_count, &c->reports, err);
	if (rc == 0)
		rc = db_each(db,
		    "SELECT lower(sh.dkim_auth[n][2]), sum(rec.count), "
		    "coalesce(sum(rec.count) FILTER (WHERE "
		    "lower(sh.dkim_auth[n][3]) = 'fail'), 0) "
		    "FROM counted_reports r JOIN records rec ON rec.report = "
		    "r.id JOIN auth_shapes sh ON sh.id = rec.auth, "
		    "generate_subscripts(sh.dkim_auth, 1) AS n "
		    "WHERE " IN_PERIOD
		    " AND rtrim(lower(sh.dkim_auth[n][1]), '.') = $1 "
		    "AND coalesce(sh.dkim_auth[n][2], '') <> '' "
		    /* A stranger may write a new selector in every record:
		     * the rows are held whole, and CHECK_MAX_SELECTORS
		     * looked up. */
		    "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1024",
		    3, params, add_selector, c, err);
	if (rc == 0)
		rc = db_each(db, sources_sql, 4, params, add_source, c, err);
	if (rc == 0)
		rc = db_each(db,
		    "SELECT lower(r.p), lower(r.sp), lower(r.adkim), "
		    "lower(r.aspf), r.pct::text, count(*) FROM counted_reports "
		    "r "
		    "WHERE lower(r.domain) = $1 AND " IN_PERIOD
		    /* The 64 policies most reports show: a stranger may
		     * write another in every report, and each value is
		     * looked for among those already seen. */
		    " GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC, 1, 2, 3, 4, 5 "
		    "LIMIT 64",
		    3, params, add_policy, c, err);
	if (rc < 0)
		return err_prefix(
		    err, "reading the reports about %s", c->domain);
	c->gathered = 1;
	return 0;
}

/* ------------------------------------------------------------------------
 * The published DMARC record: the one dmarc_lookup() found for dnscheck,
 * read for the tags dnscheck does not keep. */

static void
read_published(struct check *c, const struct dmarc_lookup *l)
{
	struct check_published *pub = &c->published;
	const struct dmarc_in_force *pol;
	struct dmarc_txt rec;

	if (l->record == NULL ||
	    dmarc_record_parse(l->record->text, l->record->len, &rec) < 0)
		return;
	pol = &rec.pol;
	pub->found = 1;
	snprintf(pub->record, sizeof(pub->record), "%s",
	    l->at_org ? l->org_name : l->name);
	for (int t = 0; t < CHECK_NTAGS; t++) {
		const struct dmarc_tag *tag =
		    dmarc_record_tag(&rec, check_tag_name(t));
		char *v = pub->in_force[t];
		size_t vsz = sizeof(pub->in_force[t]);

		switch (t) {
		case CHECK_TAG_P:
			snprintf(v, vsz, "%s",
			    pol->p >= 0 ? dmarc_policy_word(pol->p) : "");
			break;
		case CHECK_TAG_SP:
			snprintf(v, vsz, "%s",
			    pol->sp_in_force >= 0
			        ? dmarc_policy_word(pol->sp_in_force)
			        : "");
			break;
		case CHECK_TAG_ADKIM:
			snprintf(v, vsz, "%c", pol->adkim);
			break;
		case CHECK_TAG_ASPF:
			snprintf(v, vsz, "%c", pol->aspf);
			break;
		case CHECK_TAG_PCT:
			snprintf(v, vsz, "%d", pol->pct);
			break;
		}
		/* As written: when the first such tag is valid. */
		if (tag != NULL && dmarc_tag_valid(tag) == 1 &&
		    (t != CHECK_TAG_SP || pol->sp >= 0))
			memcpy(pub->tag[t], v, sizeof(pub->tag[t]));
	}
}

int
check_dmarc_text(
    struct resolver *r, const char *domain, char **out, struct err *err)
{
	struct dmarc_lookup l;
	int rc;

	*out = NULL;
	rc = dmarc_lookup(r, NULL, domain, &l, err);
	if (rc == ERR_USAGE) {
		/* Not a name to look up: no record. */
		err_clear(err);
		rc = 0;
	}
	if (rc == 0 && l.record != NULL &&
	    memchr(l.record->text, '\0', l.record->len) == NULL)
		*out = xstrndup(l.record->text, l.record->len);
	dmarc_lookup_clear(&l);
	return rc;
}

/* ------------------------------------------------------------------------
 * The comparisons. */

void
check_period(const struct check *c, char *buf, size_t size)
{
	char last[16];

	/* until is the period's end, exclusive: its last second is until-1. */
	clock_day_text(c->until - 1, last, sizeof(last));
	snprintf(buf, size, "the %d day%s to %s", c->days,
	    c->days == 1 ? "" : "s", last);
}

static void
compare_policy(struct check *c)
{
	const struct check_published *pub = &c->published;
	char want[16], list[DNSCHECK_TEXT_MAX], fix[1024], period[64];
	uint64_t nrep = 0;
	int drift = 0;

	check_period(c, period, sizeof(period));

	/* Every report about the domain says p=, or leaves it out. */
	for (size_t i = 0; i < c->nsaid[CHECK_TAG_P]; i++)
		nrep += c->said[CHECK_TAG_P][i].reports;
	if (!pub->found || nrep == 0)
		return; /* dmarc.record says why; or no policy reported */
	snprintf(fix, sizeof(fix),
	    "if you changed %s lately, wait for caches to expire; if not, "
	    "make every name server of %s serve the same record",
	    pub->record, c->domain);
	for (int t = 0; t < CHECK_NTAGS; t++) {
		uint64_t said = 0, other = 0;
		size_t len = 0;

		snprintf(want, sizeof(want), "%s", pub->in_force[t]);
		if (want[0] == '\0')
			continue;
		list[0] = '\0';
		for (size_t i = 0; i < c->nsaid[t]; i++) {
			const struct check_said *s = &c->said[t][i];

			if (s->value == NULL)
				continue;
			said += s->reports;
			if (strcmp(s->value, want) == 0)
				continue;
			other += s->reports;
			if (len < sizeof(list))
				len += snprintf(list + len, sizeof(list) - len,
				    "%s%s=%s in %llu", len ? ", " : "",
				    check_tag_name(t), s->value,
				    (unsigned long long)s->reports);
		}
		if (other == 0)
			continue;
		drift++;
		dnscheck_add(&c->findings, "reports.policy", DNSCHECK_WARN,
		    pub->record, fix,
		    "%s=%s%s is published, but %llu of %llu reports of %s "
		    "say otherwise: %s",
		    check_tag_name(t), want,
		    pub->tag[t][0] ? "" : " (by default)",
		    (unsigned long long)other, (unsigned long long)said, period,
		    list);
	}
	if (drift == 0)
		dnscheck_add(&c->findings, "reports.policy", DNSCHECK_PASS,
		    pub->record, NULL,
		    "the %llu report%s of %s saw the policy published",
		    (unsigned long long)nrep, nrep == 1 ? "" : "s", period);
}

static void
compare_spf(struct check *c, const struct dnscheck_spf *spf)
{
	char fix[1024];
	size_t legit = 0, uncovered = 0;
	uint64_t left_msgs = 0;

	if (spf == NULL)
		return; /* spf.record says why */
	for (size_t i = 0; i < c->nsrc; i++) {
		struct check_source *s = &c->src[i];

		s->spf =
		    (char)dnscheck_spf_covers(spf, s->ip, &s->spf_uncertain);
		if (s->dkim_aligned == 0)
			continue;
		legit++;
		if (s->spf == '+')
			continue;
		if (uncovered++ >= CHECK_MAX_LISTED) {
			left_msgs += s->dkim_aligned;
			continue;
		}
		snprintf(fix, sizeof(fix),
		    "add %s:%s (or the include: of the service that sends from "
		    "it) to the SPF record of %s",
		    strchr(s->ip, ':') ? "ip6" : "ip4", s->ip, c->domain);
		dnscheck_add(&c->findings, "reports.spf", DNSCHECK_WARN, s->ip,
		    fix,
		    "%s sent %llu message%s with aligned, passing DKIM, but "
		    "SPF %sgives it %s: mail from it fails DMARC when its "
		    "signature breaks",
		    s->ip, (unsigned long long)s->dkim_aligned,
		    s->dkim_aligned == 1 ? "" : "s",
		    s->spf_uncertain ? "probably " : "",
		    check_spf_name(s->spf) != NULL ? check_spf_name(s->spf)
		                                   : "neutral");
	}
	if (uncovered > CHECK_MAX_LISTED)
		dnscheck_add(&c->findings, "reports.spf", DNSCHECK_WARN,
		    c->domain, "see dmarcsift check --json for the list",
		    "%zu more sources with aligned DKIM (%llu messages) are "
		    "not authorised by SPF",
		    uncovered - CHECK_MAX_LISTED,
		    (unsigned long long)left_msgs);
	if (uncovered == 0)
		dnscheck_add(&c->findings, "reports.spf", DNSCHECK_PASS,
		    c->domain, NULL,
		    "SPF authorises all %zu source%s that sent with aligned "
		    "DKIM",
		    legit, legit == 1 ? "" : "s");
}

static void
compare_dkim(struct check *c)
{
	char subject[CHECK_SELECTOR_MAX + ORGDOMAIN_MAX + 16], fix[1024];
	size_t seen = 0, failing = 0;

	for (size_t i = 0; i < c->nsel; i++) {
		const struct check_selector *s = &c->sel[i];

		if (!(s->from & CHECK_FROM_REPORTS))
			continue;
		seen++;
		if (s->failed == 0)
			continue;
		failing++;
		snprintf(subject, sizeof(subject), "%s._domainkey.%s", s->name,
		    c->domain);
		snprintf(fix, sizeof(fix),
		    "make sure %s holds the key the signer of selector %s "
		    "uses; mail changed on the way (lists, forwarders) also "
		    "fails",
		    subject, s->name);
		dnscheck_add(&c->findings, "reports.dkim", DNSCHECK_WARN,
		    subject, fix,
		    "receivers saw DKIM fail for %llu of %llu message%s "
		    "signed d=%s s=%s",
		    (unsigned long long)s->failed,
		    (unsigned long long)s->messages,
		    s->messages == 1 ? "" : "s", c->domain, s->name);
	}
	if (failing == 0 && seen > 0)
		dnscheck_add(&c->findings, "reports.dkim", DNSCHECK_PASS,
		    c->domain, NULL,
		    "no DKIM failure reported for the %zu selector%s seen",
		    seen, seen == 1 ? "" : "s");
}

/* ------------------------------------------------------------------------
 * The run. */

static int
by_passed(const void *a, const void *b)
{
	const struct check_source *x = *(const struct check_source *const *)a;
	const struct check_source *y = *(const struct check_source *const *)b;

	if (x->passed != y->passed)
		return x->passed > y->passed ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

/* The sending IPs: those given, then those whose mail passed, most first. */
static void
pick_ips(struct check *c)
{
	const struct check_source **v;
	size_t n = 0, taken = 0;
	struct check_ip *a;

	v = xcalloc(c->nsrc + 1, sizeof(*v));
	for (size_t i = 0; i < c->nsrc; i++) {
		if (c->src[i].passed > 0)
			v[n++] = &c->src[i];
	}
	qsort(v, n, sizeof(*v), by_passed);
	for (size_t i = 0; i < n; i++) {
		if (taken >= CHECK_MAX_PTR_IPS) {
			c->ips_left_out++;
			continue;
		}
		if ((a = ip_get(c, v[i]->ip)) != NULL) {
			a->from |= CHECK_FROM_REPORTS;
			taken++;
		}
	}
	free(v);
}

int
check_run(struct check *c, struct resolver *r, const struct orgdomain *od,
    struct err *err)
{
	struct dnscheck_spf *spf = NULL;
	struct dmarc_lookup dmarc;
	struct dnscheck_mx mx;
	const struct dnscheck_net *nets;
	const char **names = NULL;
	char period[64];
	size_t n;
	int rc;

	check_period(c, period, sizeof(period));
	/* One lookup of the DMARC record for the findings and the policy
	 * compared with the reports. */
	rc = dmarc_lookup(r, od, c->domain, &dmarc, err);
	if (rc == 0)
		rc = dnscheck_dmarc_found(r, od, &dmarc, &c->findings, err);
	if (rc == 0)
		read_published(c, &dmarc);
	dmarc_lookup_clear(&dmarc);
	if (rc < 0 ||
	    (rc = dnscheck_spf(r, c->domain, &c->findings, &spf, err)) < 0)
		goto done;
	nets = dnscheck_spf_networks(spf, &n);
	if (spf != NULL && n > 0) {
		c->nets = xcalloc(n, sizeof(*c->nets));
		for (size_t i = 0; i < n; i++) {
			snprintf(c->nets[i].text, sizeof(c->nets[i].text), "%s",
			    nets[i].text);
			text_printable(nets[i].via ? nets[i].via : "",
			    c->nets[i].via, sizeof(c->nets[i].via));
		}
		c->nnet = n;
	}

	names = xcalloc(c->nsel + 1, sizeof(*names));
	for (size_t i = 0; i < c->nsel; i++)
		names[i] = c->sel[i].name;
	if (c->nsel == 0)
		dnscheck_add(&c->findings, "dkim.selectors", DNSCHECK_WARN,
		    c->domain,
		    "name the selectors your mail is signed with: --selector "
		    "NAME",
		    "no DKIM selector to check: %s",
		    c->gathered ? "the reports of the period show no signature"
		                  " of the domain"
		                : "none given");
	else if ((rc = dnscheck_dkim(
	              r, c->domain, names, c->nsel, &c->findings, err)) < 0)
		goto done;
	if ((rc = dnscheck_mx_hosts(r, c->domain, &c->findings, &mx, err)) < 0)
		goto done;
	/* Mail to the domain: DANE first, as without MTA-STS it is what
	 * protects it; then MTA-STS, then where TLS failures are reported.
	 * Not when the MX lookup went unanswered: what they protect is not
	 * known, and a silent server would cost more waiting. */
	c->mx_hosts = mx.n;
	if (mx.answered &&
	    ((rc = dnscheck_tlsa(r, &mx, &c->findings, &c->dane_hosts, err)) <
	            0 ||
	        (rc = dnscheck_sts(r, c->domain, &mx, c->dane_hosts,
	             &c->sts_opts, &c->sts, &c->findings, err)) < 0 ||
	        (rc = dnscheck_tlsrpt(
	             r, c->domain, mx.n > 0, &c->findings, err)) < 0))
		goto done;

	pick_ips(c);
	free(names);
	names = xcalloc(c->nip + 1, sizeof(*names));
	for (size_t i = 0; i < c->nip; i++)
		names[i] = c->ips[i].ip;
	if ((rc = dnscheck_ptr(r, names, c->nip, &c->findings, err)) < 0)
		goto done;

	if (c->gathered && c->reports == 0) {
		dnscheck_add(&c->findings, "reports.data", DNSCHECK_WARN,
		    c->domain,
		    "check that rua= reaches the mailbox dmarcsift reads, and "
		    "ingest: dmarcsift ingest --imap",
		    "no report about %s from %s is stored: what receivers see "
		    "is not compared",
		    c->domain, period);
	} else if (c->gathered) {
		compare_policy(c);
		compare_spf(c, spf);
		compare_dkim(c);
	}
done:
	free(names);
	dnscheck_spf_free(spf);
	return rc;
}
