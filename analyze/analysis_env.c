/* analysis_env: the set-up of the analysis commands; see analysis_env.h. */
#include "analysis_env.h"

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advise.h"
#include "analysis.h"
#include "asn.h"
#include "check.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "digest.h"
#include "dynbuf.h"
#include "err.h"
#include "log.h"
#include "orgdomain.h"
#include "pgarray.h"
#include "progress.h"
#include "rdns.h"
#include "resolve.h"
#include "services.h"
#include "text.h"

static int tty_progress;

/*
 * The DNS time budget of the process (dns_budget), which every resolver
 * analysis_resolver() makes takes its time from: the command's DNS work,
 * in every phase, costs at most that.  What the phases left without an
 * answer once it was spent, for analysis_dns_say().
 */
static struct {
	struct resolve_budget b;
	int seconds; /* dns_budget; 0 until the first resolver */
	int said;
	size_t names, names_of; /* source addresses without a name, of */
	size_t networks, networks_of; /* ... without a network, of */
	size_t published; /* domains whose _dmarc record was not looked up */
	size_t unchecked; /* domains whose DNS health was not checked */
} dns;

static void
judged(uint64_t done, uint64_t total)
{
	progress_show(tty_progress, "judging records: %llu/%llu",
	    (unsigned long long)done, (unsigned long long)total);
}

static void
resolved(size_t done, size_t total)
{
	progress_show(tty_progress, "reverse DNS: %zu/%zu", done, total);
}

static void
owners(size_t done, size_t total)
{
	progress_show(tty_progress, "networks: %zu/%zu", done, total);
}

/* Rows of one name each, kept one after the other, each with its NUL. */
struct names {
	struct dynbuf buf;
	size_t n;
};

/* The most bytes of names kept: 20 domains by the rule, or the setting's
 * own, are far fewer. */
#define NAMES_MAX ((size_t)1 << 20)

static int
on_name(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct names *l = arg;

	if (ncols < 1 || c[0] == NULL)
		return 0;
	if (dynbuf_add(&l->buf, c[0], strlen(c[0]) + 1) < 0)
		return err_set(
		    err, ERR_LIMIT, "more domains than %zu bytes", NAMES_MAX);
	l->n++;
	return 0;
}

/* The owner's domains with reports in [since, until) (analysis_env.h),
 * added to *out; problems said on stderr: -1. */
static int
owned_now(
    struct analysis_env *e, int64_t since, int64_t until, struct names *out)
{
	const char *setting = config_str(e->cfg, CONFIG_DOMAINS);
	char ss[24], us[24], item[300];
	const char *p[3] = {ss, us, NULL};
	struct pgarray list;
	struct err err;
	int rc = 0;

	pgarray_init(&list);
	if (setting != NULL && setting[0] != '\0') {
		const char *at = setting;

		/* A bad name matches nothing; the command says it. */
		while (text_list_next(&at, item, sizeof(item)) >= 0)
			pgarray_add(&list, item);
		p[2] = pgarray_end(&list);
		rc = pgarray_check(p + 2, 1, &err);
	}
	snprintf(ss, sizeof(ss), "%lld", (long long)since);
	snprintf(us, sizeof(us), "%lld", (long long)until);
	if (rc == 0)
		rc = db_each(e->db,
		    "SELECT domain FROM "
		    "owned_domains(to_timestamp($1::bigint), "
		    "to_timestamp($2::bigint), $3::text[]) WHERE owned AND "
		    "messages > 0 ORDER BY 1",
		    3, p, on_name, out, &err);
	pgarray_free(&list);
	if (rc < 0)
		log_warn(
		    "cannot read whose domains: %s; sources are shown with "
		    "the names known before",
		    err.msg);
	return rc < 0 ? -1 : 0;
}

/* Names for the sources of the domains of l whose reports begin at or
 * after since: reverse DNS, then the network (origin AS) of those it
 * leaves without a name; trouble is only a warning. */
static void
lookup_names(struct analysis_env *e, const struct names *l, int64_t since)
{
	struct resolver *r = NULL;
	struct rdns_stats st = {0}, one;
	struct asn_stats ast = {0}, aone;
	const char *domain = dynbuf_str(&l->buf);
	int rdns_ok = 1, asn_ok = 1;
	struct err err;

	if (analysis_resolver(&r, e->cfg, &err) < 0) {
		log_warn("dns_servers (%s): %s; sources are shown without "
		         "names",
		    config_origin(e->cfg, CONFIG_DNS_SERVERS), err.msg);
		return;
	}
	for (size_t i = 0; i < l->n; i++, domain += strlen(domain) + 1) {
		if (rdns_ok &&
		    rdns_refresh(e->db, r, e->od, e->sv, domain, since,
		        resolved, &one, &err) < 0) {
			log_warn("reverse DNS: %s; sources are shown with the "
			         "names known before",
			    err.msg);
			rdns_ok = 0;
		} else if (rdns_ok) {
			st.wanted += one.wanted;
			st.fresh += one.fresh;
			st.trouble += one.trouble;
			st.left += one.left;
		}
		progress_end(tty_progress);
		/* After the names: only addresses left without one. */
		if (asn_ok &&
		    asn_refresh(e->db, r, NULL, domain, since, owners, &aone,
		        &err) < 0) {
			log_warn("networks: %s; sources are shown with the "
			         "names known before",
			    err.msg);
			asn_ok = 0;
		} else if (asn_ok) {
			ast.wanted += aone.wanted;
			ast.fresh += aone.fresh;
			ast.trouble += aone.trouble;
			ast.left += aone.left;
			ast.names += aone.names;
			ast.names_trouble += aone.names_trouble;
		}
		progress_end(tty_progress);
	}
	resolve_free(r);
	/* Once the budget is spent, what is left is said once, in all. */
	if (analysis_dns_spent()) {
		dns.names += st.trouble + st.left;
		dns.names_of += st.wanted - st.fresh;
		dns.networks += ast.trouble + ast.left;
		dns.networks_of += ast.wanted - ast.fresh;
		return;
	}
	/* A run looks up so many at most a domain (a stranger can make any
	 * number of addresses appear); the next one takes those left. */
	if (st.left > 0)
		log_warn("reverse DNS: %zu of %zu addresses are left for the "
		         "next run (%d at most a domain a run, those with the "
		         "most mail first)",
		    st.left, st.wanted, RDNS_WANT_MAX);
	if (ast.left > 0)
		log_warn("networks: %zu of %zu addresses are left for the "
		         "next run (%d at most a domain a run, those with the "
		         "most mail first)",
		    ast.left, ast.wanted, ASN_WANT_MAX);
	if (st.trouble > 0)
		log_warn("reverse DNS: %zu of %zu addresses could not be "
		         "looked up (DNS trouble); they are tried again later",
		    st.trouble, st.wanted);
	if (ast.trouble + ast.names_trouble > 0)
		log_warn("networks: %zu of %zu addresses and %zu of %zu AS "
		         "names could not be looked up (DNS trouble); they are "
		         "tried again later",
		    ast.trouble, ast.wanted, ast.names_trouble, ast.names);
}

/* The entries of a list of sources that are names must be services
 * dmarcsift knows (a typo would silently match nothing), and no entry may
 * be in both lists.  Addresses and networks are checked by sources.c. */
static int
check_names(const struct services *sv, const char *setting, const char *list,
    const char *other)
{
	const char *p = list != NULL ? list : "";
	char item[128], o[128];
	long len;

	while ((len = text_list_next(&p, item, sizeof(item))) >= 0) {
		const char *near, *q = other != NULL ? other : "";

		while (text_list_next(&q, o, sizeof(o)) >= 0)
			if (strcasecmp(o, item) == 0) {
				log_error("%s: '%s' is in trusted_sources and "
				          "ignored_sources; say which it is",
				    setting, item);
				return -1;
			}
		if (strchr(item, '/') != NULL ||
		    strspn(item, "0123456789abcdefABCDEF.:") == strlen(item))
			continue;
		if (services_name(sv, item, &near) != NULL)
			continue;
		if (near != NULL)
			log_error("%s: '%s' is not a service dmarcsift knows; "
			          "did you mean '%s'?",
			    setting, item, near);
		else
			log_error(
			    "%s: '%s' is not a service dmarcsift knows: "
			    "give a name as `dmarcsift sources` shows it, "
			    "an address or a network (or add the service "
			    "to services_file)",
			    setting, item);
		return -1;
	}
	return 0;
}

int
analysis_env_init(struct analysis_env *e, const struct config *cfg)
{
	struct err err;

	memset(e, 0, sizeof(*e));
	tty_progress = isatty(STDERR_FILENO) && log_verbosity() >= 0;
	e->cfg = cfg;
	e->offline = config_bool(e->cfg, CONFIG_OFFLINE);
	e->rules.legit_share = (int)config_int(e->cfg, CONFIG_LEGIT_SHARE);
	e->rules.trusted = config_str(e->cfg, CONFIG_TRUSTED_SOURCES);
	e->rules.ignored = config_str(e->cfg, CONFIG_IGNORED_SOURCES);
	e->thresholds.days = (int)config_int(e->cfg, CONFIG_READY_DAYS);
	e->thresholds.pass_rate =
	    (int)config_int(e->cfg, CONFIG_READY_PASS_RATE);
	e->thresholds.source_share =
	    (int)config_int(e->cfg, CONFIG_READY_SOURCE_SHARE);
	e->thresholds.stable_days =
	    (int)config_int(e->cfg, CONFIG_READY_STABLE_DAYS);

	if ((e->od = analysis_psl_open()) == NULL)
		return -1;
	if (services_load(
	        &e->sv, config_str(e->cfg, CONFIG_SERVICES_FILE), &err) < 0) {
		log_error("services_file (%s): %s",
		    config_origin(e->cfg, CONFIG_SERVICES_FILE), err.msg);
		return -1;
	}
	if (check_names(e->sv, "trusted_sources", e->rules.trusted,
	        e->rules.ignored) < 0 ||
	    check_names(e->sv, "ignored_sources", e->rules.ignored,
	        e->rules.trusted) < 0)
		return -1;
	return 0;
}

int
analysis_env_attach(struct analysis_env *e, struct db *db, const char *domain,
    int64_t until, int days)
{
	struct analysis_stats st;
	struct err err;

	e->db = db;
	if (analysis_refresh(e->db, e->od, e->sv, judged, &st, &err) < 0) {
		progress_end(tty_progress);
		log_error("judging the stored records: %s", err.msg);
		return -1;
	}
	progress_end(tty_progress);
	if (st.records > 0)
		log_info("judged %llu record(s)%s",
		    (unsigned long long)st.records,
		    st.recomputed ? " (rules or services changed: all again)"
		                  : "");
	if (days <= 0)
		days = e->thresholds.days;
	if (!e->offline) {
		struct names own;
		int64_t since = until - (int64_t)days * CLOCK_DAY;

		/* Never a stranger's domain: its sources are names the
		 * stranger chose. */
		dynbuf_init(&own.buf, NAMES_MAX);
		own.n = 0;
		if (domain != NULL)
			on_name(&own, 1, &domain, &err);
		else if (owned_now(e, since - (int64_t)days * CLOCK_DAY, until,
		             &own) < 0)
			own.n = 0;
		lookup_names(e, &own, since);
		dynbuf_free(&own.buf);
	}
	/* The command's reading: one snapshot (analysis_env_close() ends
	 * it). */
	if (db_begin_reading(e->db, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int
analysis_judge_new(struct db *db, const struct config *cfg)
{
	struct orgdomain *od = NULL;
	struct services *sv = NULL;
	struct analysis_stats st;
	struct err err;
	int rc = -1;

	tty_progress = isatty(STDERR_FILENO) && log_verbosity() >= 0;
	if (orgdomain_open(&od, NULL, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if (services_load(&sv, config_str(cfg, CONFIG_SERVICES_FILE), &err) <
	    0) {
		log_error("services_file (%s): %s",
		    config_origin(cfg, CONFIG_SERVICES_FILE), err.msg);
		goto out;
	}
	if (analysis_refresh(db, od, sv, judged, &st, &err) < 0) {
		progress_end(tty_progress);
		log_error("judging the stored records: %s (the reports are "
		          "stored; the next run judges them)",
		    err.msg);
		goto out;
	}
	progress_end(tty_progress);
	/* The store judges what it stores; this counts what it could not. */
	if (st.records > 0)
		log_info("judged %llu record(s) read back%s",
		    (unsigned long long)st.records,
		    st.recomputed ? " (rules or services changed: all again)"
		                  : "");
	rc = 0;
out:
	services_free(sv);
	orgdomain_free(od);
	return rc;
}

void
analysis_env_end_reading(struct analysis_env *e)
{
	struct err ignored;

	/* Nothing is written after attach: a commit ends the reading. */
	if (e->db != NULL)
		(void)db_commit(e->db, &ignored);
}

void
analysis_env_close(struct analysis_env *e)
{
	analysis_dns_say();
	analysis_env_end_reading(e);
	db_close(e->db);
	services_free(e->sv);
	orgdomain_free(e->od);
	memset(e, 0, sizeof(*e));
}

char *
analysis_published(const struct analysis_env *e, const char *domain)
{
	struct resolver *r = NULL;
	struct err err;
	char *text = NULL;

	if (e->offline)
		return NULL;
	if (analysis_dns_spent()) {
		dns.published++;
		return NULL;
	}
	if (analysis_resolver(&r, e->cfg, &err) < 0 ||
	    check_dmarc_text(r, domain, &text, &err) < 0)
		log_warn("looking up _dmarc.%s: %s", domain, err.msg);
	else if (text == NULL && analysis_dns_spent())
		dns.published++;
	resolve_free(r);
	return text;
}

int
analysis_resolver(
    struct resolver **out, const struct config *cfg, struct err *err)
{
	int rc = resolve_new(out, config_str(cfg, CONFIG_DNS_SERVERS),
	    (int)config_int(cfg, CONFIG_DNS_TIMEOUT), ANALYSIS_DNS_TRIES, err);

	if (rc < 0)
		return rc;
	if (dns.seconds == 0) {
		dns.seconds = (int)config_int(cfg, CONFIG_DNS_BUDGET);
		dns.b.ms_left = (int64_t)dns.seconds * 1000;
	}
	resolve_set_budget(*out, &dns.b);
	return 0;
}

int
analysis_dns_spent(void)
{
	return dns.seconds > 0 && resolve_budget_spent(&dns.b);
}

void
analysis_dns_unchecked(size_t ndomains)
{
	dns.unchecked += ndomains;
}

void
analysis_dns_say(void)
{
	char part[4][96], line[4 * 96 + 8] = "";
	size_t n = 0, o = 0;

	if (dns.said || !analysis_dns_spent())
		return;
	dns.said = 1;
	if (dns.names > 0)
		snprintf(part[n++], sizeof(part[0]),
		    "the names of %zu of %zu source address(es)", dns.names,
		    dns.names_of);
	if (dns.networks > 0)
		snprintf(part[n++], sizeof(part[0]),
		    "the networks of %zu of %zu address(es)", dns.networks,
		    dns.networks_of);
	if (dns.published > 0)
		snprintf(part[n++], sizeof(part[0]),
		    "the published DMARC record of %zu domain(s)",
		    dns.published);
	if (dns.unchecked > 0)
		snprintf(part[n++], sizeof(part[0]),
		    "the DNS health of %zu domain(s)", dns.unchecked);
	for (size_t i = 0; i < n && o < sizeof(line); i++) {
		int w = snprintf(line + o, sizeof(line) - o, "%s%s",
		    i == 0 ? "; left without an answer: " : ", ", part[i]);

		o += w > 0 ? (size_t)w : 0;
	}
	log_warn("dns_budget: the %d s for DNS lookups are spent, %zu "
	         "lookup(s) not made%s; raise dns_budget, or see that "
	         "dns_servers answer",
	    dns.seconds, dns.b.skipped, line);
}

struct orgdomain *
analysis_psl_open(void)
{
	struct orgdomain *od = NULL;
	struct err err;

	if (orgdomain_open(&od, NULL, &err) < 0) {
		log_error("%s", err.msg);
		return NULL;
	}
	if (orgdomain_builtin(od))
		log_warn("no Public Suffix List file found: using libpsl's "
		         "built-in list, which may be stale");
	return od;
}

void
analysis_advise_options(const struct analysis_env *e, struct advise_options *o,
    const char *domain, int64_t until, const char *published,
    const char *whatif)
{
	memset(o, 0, sizeof(*o));
	o->domain = domain;
	o->until = until;
	o->thresholds = e->thresholds;
	o->rules = e->rules;
	o->published = published;
	o->whatif = whatif;
}

void
analysis_digest_options(const struct analysis_env *e, struct digest_options *o,
    const char *domain, const char *owned, int days, const char *period,
    int64_t until)
{
	memset(o, 0, sizeof(*o));
	o->domain = domain;
	o->owned = owned;
	o->days = days;
	snprintf(o->period, sizeof(o->period), "%s", period);
	o->until = until;
	o->rules = e->rules;
	o->thresholds = e->thresholds;
}

int
analysis_domain_stored(
    struct db *db, const char *domain, int *stored, struct err *err)
{
	const char *p[1] = {domain};
	char *v = NULL;
	int rc;

	/* The index reports_domain_lower answers it (sql/005). */
	rc = db_value(db,
	    "SELECT EXISTS (SELECT 1 FROM reports WHERE lower(domain) = "
	    "lower($1))",
	    1, p, &v, err);
	*stored = rc == 0 && v != NULL && strcmp(v, "t") == 0;
	free(v);
	return rc;
}

int64_t
analysis_default_until(void)
{
	return clock_last_complete_day_end();
}

/* Says on stderr why span holds no reports: -1 then, 0 when it holds some. */
static int
span_known(const struct domain_span *span, const char *domain)
{
	if (span->reports > 0)
		return 0;
	if (domain == NULL)
		log_error("no reports are stored yet: dmarcsift ingest");
	else if (span->others[0] != '\0')
		log_error("no reports about %s are stored; domains with "
		          "reports: %s",
		    domain, span->others);
	else
		log_error("no reports about %s are stored (the database holds "
		          "none yet: dmarcsift ingest)",
		    domain);
	return -1;
}

int
analysis_domain_known(struct db *db, const char *domain)
{
	struct domain_span span;
	struct err err;

	if (sources_domain_span(db, domain, &span, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return span_known(&span, domain);
}

int
analysis_period_check(const struct analysis_env *e, const char *domain,
    int64_t since, int64_t until, struct period_gap *gap)
{
	struct domain_span span;
	struct period_gap g;
	struct err err;
	char a[16], b[16];
	const char *what = domain != NULL ? domain : "any domain";

	if (gap != NULL)
		memset(gap, 0, sizeof(*gap));
	if (sources_domain_span(e->db, domain, &span, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	if (span_known(&span, domain) < 0)
		return -1;
	digest_period_gap(&span, since, until, &g);
	if (gap != NULL)
		*gap = g;
	if (!g.empty)
		return 0;
	clock_day_text(since, a, sizeof(a));
	clock_day_text(until - CLOCK_DAY, b, sizeof(b));
	if (g.latest_day[0] != '\0')
		log_warn("no reports about %s from %s to %s; the latest ends "
		         "%s: try --until %s",
		    what, a, b, g.latest_day, g.try_until);
	else
		log_warn("no reports about %s from %s to %s; the earliest "
		         "begins %s",
		    what, a, b, g.earliest_day);
	return 1;
}
