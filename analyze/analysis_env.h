/*
 * analysis_env: what `sources`, `advise` and `report` set up before they
 * read anything: the settings, the database, the Public Suffix List, the
 * services list (with services_file), the stored verdicts brought up to
 * date, and, unless offline, the reverse DNS of the period's sources;
 * and the resolvers of every command that asks the DNS, which share one
 * time budget (dns_budget).
 */
#ifndef DMARCSIFT_ANALYSIS_ENV_H
#define DMARCSIFT_ANALYSIS_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "readiness.h"
#include "sources.h"

struct advise_options;
struct config;
struct db;
struct digest_options;
struct err;
struct orgdomain;
struct period_gap;
struct resolver;
struct services;

struct analysis_env {
	const struct config *cfg; /* borrowed */
	struct db *db;
	struct orgdomain *od;
	struct services *sv;
	struct source_rules rules; /* legit_share, trusted_sources */
	struct readiness_thresholds thresholds; /* ready_* */
	int offline; /* --offline: no DNS lookups */
};

/*
 * Two steps, so that a bad setting is said before any connection is tried.
 * analysis_env_init() takes the settings of cfg (borrowed: it must outlive
 * e): the rules, the thresholds, the Public Suffix List, the services list
 * and the service names in trusted_sources and ignored_sources.
 * analysis_env_attach() then takes db over (analysis_env_close() closes
 * it, also when attach fails), brings the stored verdicts up to date and,
 * unless offline, looks up the names of the sources of domain in the days
 * days before until (days 0: ready_days).  domain NULL is the owner's
 * domains: those of the setting `domains`, else those owned_domains()
 * (sql/021) calls the owner's over those days and as many before, as
 * `report` decides; a stranger's domain is never looked up.  Problems are said
 * on stderr; each returns 0, or -1 and the command exits with
 * EXIT_CANNOT_RUN.  DNS trouble is not a problem: names stay unknown.
 * After attach, the command reads in one snapshot (below).  Close with
 * analysis_env_close() either way.
 */
int analysis_env_init(struct analysis_env *e, const struct config *cfg);
int analysis_env_attach(struct analysis_env *e, struct db *db,
    const char *domain, int64_t until, int days);
void analysis_env_close(struct analysis_env *e);
/*
 * attach ends in a transaction that sees one snapshot, for the command's
 * reading (db_begin_reading()); this ends it, for a process that keeps
 * the connection for the next request (serve).  analysis_env_close()
 * does it too.
 */
void analysis_env_end_reading(struct analysis_env *e);

/*
 * For ingest, after storing: brings the stored verdicts up to date, so
 * that psql users see the new records in the analysis views.  Problems
 * are said on stderr; returns 0 or -1.
 */
int analysis_judge_new(struct db *db, const struct config *cfg);

/*
 * The DMARC record published at _dmarc.DOMAIN, or NULL when offline, when
 * there is none, or the DNS fails (said with log_warn).  The caller's.
 */
char *analysis_published(const struct analysis_env *e, const char *domain);

/* Rounds over the name servers for each lookup, in every command. */
#define ANALYSIS_DNS_TRIES 2

/*
 * A resolver (resolve.h) as the settings of cfg say: dns_servers,
 * dns_timeout, ANALYSIS_DNS_TRIES rounds, and the time budget of the
 * process, which every resolver made here shares: dns_budget seconds,
 * read at the first call, for all the DNS work of the command, in every
 * phase (once spent, every lookup ends at once with RESOLVE_BUDGET).
 * ERR_USAGE for a bad server list, as resolve_new(); the caller says it.
 * *out belongs to the caller: resolve_free().
 */
int analysis_resolver(
    struct resolver **out, const struct config *cfg, struct err *err);

/* Whether the budget of analysis_resolver() is spent: 1 or 0. */
int analysis_dns_spent(void);
/* For analysis_dns_say(): ndomains more whose DNS health the budget left
 * unchecked. */
void analysis_dns_unchecked(size_t ndomains);
/*
 * Once the budget is spent, says so once on stderr (log_warn), with the
 * lookups not made and what was left without an answer (source names,
 * networks, published records, DNS health); else nothing.
 * analysis_env_close() calls it.
 */
void analysis_dns_say(void);

/*
 * The Public Suffix List (orgdomain_open()), with a warning when it is
 * libpsl's built-in one, which may be stale.  NULL when it cannot be
 * opened, said on stderr.  The caller's: orgdomain_free().
 */
struct orgdomain *analysis_psl_open(void);

/*
 * The options of advise_compute() for domain and the period judged that
 * ends at until, with e's thresholds and rules, as `advise` and serve
 * use them; published and whatif as advise.h says (NULL: none), borrowed.
 * *o is overwritten.
 */
void analysis_advise_options(const struct analysis_env *e,
    struct advise_options *o, const char *domain, int64_t until,
    const char *published, const char *whatif);

/*
 * The options of digest_compute() for domain (NULL: the owner's
 * domains, owned the setting `domains` as owned_domains() reads it, or
 * NULL), the days days named period before until, with e's rules and
 * thresholds, as `report` and serve use them; strings borrowed.  The
 * published record is not looked up (o->published NULL).  *o is
 * overwritten.
 */
void analysis_digest_options(const struct analysis_env *e,
    struct digest_options *o, const char *domain, const char *owned, int days,
    const char *period, int64_t until);

/*
 * Whether some report about domain (any case) is stored: *stored 1 or 0,
 * said nowhere.  One EXISTS on an index, cheaper than
 * analysis_domain_known(), for a caller that needs no more (serve's 404).
 * ERR_DB when the database fails.
 */
int analysis_domain_stored(
    struct db *db, const char *domain, int *stored, struct err *err);

/*
 * Where a period ends by default: today's UTC midnight (clock.h), the end
 * of the last complete day.  Receivers send a day's report after the day
 * ends, so a period ending later would end with a day nobody reported yet.
 */
int64_t analysis_default_until(void);

/*
 * Whether domain (NULL: any) has reports at all: 0 yes; -1 no (said on
 * stderr with the domains that have some) or the database failed.  A
 * command asked about a domain nobody reported exits EXIT_CANNOT_RUN.
 */
int analysis_domain_known(struct db *db, const char *domain);

/*
 * Whether domain (NULL: any) has data in [since, until), said on stderr so that
 * an empty answer is never read as an all-clear: 0 there are reports in the
 * period; 1 there are none in it (the note names where the data is and
 * the --until to use); -1 the domain has no reports at all, or the
 * database failed (the command exits with EXIT_CANNOT_RUN).  gap (NULL:
 * not wanted) receives the same facts for the command's output
 * (digest.h), so that its body says them too.
 */
int analysis_period_check(const struct analysis_env *e, const char *domain,
    int64_t since, int64_t until, struct period_gap *gap);

#endif
