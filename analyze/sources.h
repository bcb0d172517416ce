/*
 * sources: the sources (IP addresses) that sent mail as a domain over a
 * period, each in a class, with its volume, main failure cause and name.
 *
 * Read from the SQL function source_overview() (sql/005_analysis.sql), so
 * that the commands and psql give the same numbers.  The classes (their
 * one definition: source_classes_now(), sql/020_classes_evidence.sql):
 *   legitimate  trusted in config, or passes aligned for at least
 *               legit_share percent of its mail, or fails mostly by strict
 *               alignment only, or a service that passes aligned for the
 *               domain elsewhere
 *   forwarder   half or more of its failing mail failed by forwarding or
 *               a mailing list, with evidence (a receiver's reason, a known
 *               service, or the owner's broken key that passed elsewhere):
 *               not the domain owner's to fix
 *   spoofing    nothing passes, no known service, no PTR name of the
 *               owner's, and nothing authenticates but a throwaway
 *               domain's own DKIM
 *   unknown     authenticates as someone else (an ESP not set up, or a
 *               spoofer using one), or a PTR name of the owner's: it may be
 *               the owner's mail
 *   ignored     in ignored_sources: the owner said it is not theirs
 * Verdicts must be up to date first: analysis_refresh() (analysis.h).
 */
#ifndef DMARCSIFT_SOURCES_H
#define DMARCSIFT_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct db;
struct err;

/* What the failure reports (sql/025) say of a source's mail over a
 * period: how many, and what the latest says (strangers' strings; NULL
 * when not said). */
struct source_failures {
	uint64_t n;
	int64_t latest; /* its Arrival-Date, Unix seconds; -1: not said */
	char *auth; /* its Auth-Failure types, comma-separated */
	char *dkim; /* DKIM-Domain */
	char *selector; /* DKIM-Selector */
	char *spf; /* the domain of SPF-DNS */
	char *from, *subject; /* the original's */
};

struct source {
	char *ip; /* canonical text form */
	enum source_class cls;
	char *service; /* "SendGrid", or NULL when not known */
	char *ptr; /* reverse DNS name from the cache, or NULL */
	uint64_t messages, passed, failed;
	uint64_t forwarded; /* failed by forwarding or a list */
	/* Machine name of the cause of most of its failing mail
	 * (verdict_cause_name()), NULL when none failed. */
	char *cause;
	uint64_t cause_messages;
	char **dkim_domains; /* DKIM d= seen, sorted; n_dkim of them */
	size_t n_dkim;
	char **spf_domains; /* SPF domains seen, sorted */
	size_t n_spf;
	uint64_t reporters;
	int64_t first_seen, last_seen; /* Unix seconds, within the period */
	/* Of its failing mail, what came From a subdomain of the domain (sp
	 * applies), and of that what came from subdomain names none of whose
	 * mail passed (likely made up: np applies). */
	uint64_t failed_sub, failed_np;
	/* What receivers did to its mail (disposition). */
	uint64_t quarantined, rejected;
	/* Who sends: its service, else the organizational domain of its
	 * confirmed PTR name, else its network and owner ("AS64500
	 * EXAMPLE-NET (US)"), else the address.  Sources are grouped by it. */
	char *who;
	/* In a summary's row for a whole sender (digest.h): how many addresses
	 * it stands for, ip being the one with the most failing mail; 0 for
	 * a row of one address. */
	size_t n_addresses;
	/* Read from source_senders(): its place among the addresses read,
	 * in source_overview()'s order (most failed first), from 1; else 0. */
	uint64_t rank;
	/* Its failure reports in the period (sources_query.failures); NULL:
	 * none, or not asked.  Owned. */
	struct source_failures *failures;
};

struct source_list {
	struct source *v; /* most failed messages first */
	size_t n;
};

/* What classifies a source; from the config (analysis group). */
struct source_rules {
	int legit_share; /* percent, 1..100 */
	/* trusted_sources and ignored_sources as given: IPs, networks,
	 * service names, comma-separated; NULL or "" for none.  Trusted
	 * sources are the owner's (legitimate); ignored ones are not (class
	 * ignored: they never block a step). */
	const char *trusted;
	const char *ignored;
};

/*
 * What a policy would have hit of a period's sources (source_whatif(),
 * sql/defs/43_source_whatif.sql, the rule's one home): the q->top sources
 * it hits most, with what it hits of each, and sums over every source,
 * cut in SQL.  q->hit says where p, sp and np act (as for ranking
 * senders), pct is the policy's.  *out is overwritten; free it with
 * source_hits_free().  ERR_DB, or ERR_USAGE for a bad trusted or ignored
 * entry.
 */
struct source_hits {
	struct source_list l; /* the sources hit most, most first */
	uint64_t *affected; /* what it hits of l.v[i] */
	/* Per class, over every source: all its mail, what is hit, and how
	 * many sources are hit (l.n of them all in l). */
	uint64_t messages[SOURCE_NCLASSES], affected_sum[SOURCE_NCLASSES];
	uint64_t hits[SOURCE_NCLASSES];
};
struct sources_query;
int sources_read_hits(struct db *db, const struct sources_query *q, int pct,
    struct source_hits *out, struct err *err);
void source_hits_free(struct source_hits *h);
void sources_free(struct source_list *l);

/*
 * One sender: the addresses that share a `who`, as source_senders()
 * (sql/013) groups them, the one home of the rule: legitimate when any
 * address is, else the class of the address with the most failing mail
 * (then the most mail); senders most failed first (then most mail, then
 * by name), or most hit first when asked.
 */
struct sender {
	char *who; /* owned */
	enum source_class cls;
	/* Its first addresses, most failed first (at most the number asked
	 * for); owned. */
	struct source *v;
	size_t n;
	size_t addresses; /* all its addresses, n of them in v */
	/* Sums over all its addresses; failed_sub and failed_np as
	 * readiness_hit() reads them (each address's cut to its failed). */
	uint64_t messages, passed, failed, forwarded;
	uint64_t failed_sub, failed_np, quarantined, rejected;
	int64_t first_seen, last_seen;
	/* With sources_query.by_hit: what the policy hits of its mail,
	 * address by address at the policy's pct (readiness_hit()). */
	uint64_t hit;
};

/* The senders of a period, cut to the top; what was left out counted. */
struct sender_list {
	struct sender *v; /* the top senders, in rank order */
	size_t n;
	size_t senders; /* all senders, the n above included */
	/* Of the senders left out: how many, their addresses and sums, and
	 * how many are over (sources_query.over). */
	size_t more, more_over;
	uint64_t more_addresses, more_messages, more_failed;
	/* Every source of the period per class, grouped or not: sources
	 * (addresses) and sums. */
	struct source_class_total {
		uint64_t sources, messages, passed, failed;
		uint64_t quarantined, rejected;
	} classes[SOURCE_NCLASSES];
};

/* Sources of one sender, as readiness names the senders that block a
 * step (readiness_group); the commands' lists are grouped in SQL (struct
 * sender), the unit tests' fixtures in memory (tests/unit/
 * sources_group.h). */
struct source_group {
	const char *who; /* borrowed from the sources */
	/* legitimate when any member is; else the class of the member with
	 * the most failing mail (then the most mail). */
	enum source_class cls;
	const struct source **v; /* members, most failed first; borrowed */
	size_t n;
	/* All its addresses when v holds only the first of them (a sender
	 * read with struct sender), else 0: n is all. */
	size_t addresses;
	uint64_t messages, passed, failed;
};

/* How many addresses a group stands for. */
static inline size_t
source_group_size(const struct source_group *g)
{
	return g->addresses > g->n ? g->addresses : g->n;
}

/* What `dmarcsift sources` lists: senders, and addresses of each. */
#define SOURCES_TOP 100
#define SOURCES_ADDRESSES 100

/* Which senders to read. */
struct sources_query {
	const char *domain;
	int64_t since, until; /* Unix seconds; until INT64_MAX for no end */
	const struct source_rules *rules;
	unsigned classes; /* 1 << enum source_class of each; 0: every class */
	int all; /* 0: only sources with failing mail */
	size_t top; /* senders */
	size_t addresses; /* addresses per sender */
	/* Rank by what a policy would hit (readiness_hit() at full
	 * strength): hit[0..2] 1 where p, sp, np hit; by_hit 0: by failed.
	 * A sender is over when hit * 1000 > over_permille * over_of (advise:
	 * source_share in per mille, all mail). */
	int by_hit, hit[3];
	/* at_pct 1: hit only pct percent of each address's mail, rounded
	 * down (a what-if); 0: all of it. */
	int at_pct, pct;
	uint64_t over_permille, over_of;
	/* Also read the failure reports of the addresses listed
	 * (source.failures): one query for all of them. */
	int failures;
};

/* Reads the top senders of q.  *out is overwritten; free it with
 * sender_list_free().  ERR_DB, or ERR_USAGE for a bad trusted or
 * ignored entry. */
int sources_read_senders(struct db *db, const struct sources_query *q,
    struct sender_list *out, struct err *err);
void sender_list_free(struct sender_list *l);

/* A list of addresses cut to the top, and what was left out. */
struct source_top {
	struct source_list l; /* most failed first */
	size_t more;
	uint64_t more_messages;
};

/*
 * The addresses new in [since, until) (none of the domain's mail came
 * from them before since: is_new 1), or that stopped (sent in
 * [prev_since, since), not in [since, until): is_new 0), with their
 * counts over the period they were seen in; the first top, most failed
 * first.  *out is overwritten; free out->l with sources_free().
 */
int sources_read_changes(struct db *db, const char *domain, int is_new,
    int64_t prev_since, int64_t since, int64_t until,
    const struct source_rules *rules, size_t top, struct source_top *out,
    struct err *err);

/* Where a domain's data is: so that an empty period is never read as an
 * all-clear. */
struct domain_span {
	uint64_t reports; /* reports about the domain, any time */
	int64_t first, last; /* earliest date_begin, latest date_end */
	/* When there are none: up to five domains that have reports, by
	 * volume, comma-separated ("" when the database is empty). */
	char others[300];
};

/* Fills *out for domain (any case; NULL: every domain).  ERR_DB on
 * failure. */
int sources_domain_span(struct db *db, const char *domain,
    struct domain_span *out, struct err *err);

/*
 * A list of sources (trusted_sources, ignored_sources) as a PostgreSQL
 * text[] literal for the SQL functions' p_trusted and p_ignored, checked:
 * a network must be ADDRESS/BITS; no entry may hold a control character,
 * a quote or a backslash (ERR_USAGE naming the setting).  *out is the
 * caller's (free()).
 */
int source_list_array(
    const char *setting, const char *list, char **out, struct err *err);
/*
 * The failure reports (sql/025) about domain from the addresses ips (a
 * text[] literal of canonical addresses) whose UTC day is in [since,
 * until) (Unix seconds as text; until NULL: no end), in one query: the
 * latest `latest` of each address, newest first.  For each, slot(arg,
 * ip, n) says where to put it (n: all of that address's reports), NULL to
 * skip it; what is written there belongs to the slot's owner
 * (source_failures_clear()).  0, or ERR_DB.
 */
int source_failures_read(struct db *db, const char *domain, const char *ips,
    const char *since, const char *until, unsigned latest,
    struct source_failures *(*slot)(void *arg, const char *ip, uint64_t n),
    void *arg, struct err *err);
/* Frees what f holds (not f). */
void source_failures_clear(struct source_failures *f);
/* Frees what s holds (not s); used by lists that copy sources. */
void source_clear(struct source *s);
/* A deep copy of src into *dst. */
void source_copy(struct source *dst, const struct source *src);

#endif
