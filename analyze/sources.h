/*
 * sources: the sources (IP addresses) that sent mail as a domain over a
 * period, each in a class, with its volume, main failure cause and name.
 *
 * Read from the SQL function source_overview() (sql/005_analysis.sql), so
 * that the commands and psql give the same numbers.  The classes:
 *   legitimate  trusted in config, or passes aligned for at least
 *               legit_share percent of its mail, or a service that passes
 *               aligned for the domain elsewhere
 *   forwarder   half or more of its failing mail failed by forwarding or
 *               a mailing list: not the domain owner's to fix
 *   spoofing    nothing passes, no known service, and nothing
 *               authenticates but a throwaway domain's own DKIM
 *   unknown     authenticates as someone else (an ESP not set up, or a
 *               spoofer using one): it may be the owner's mail
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
 * The sources of domain whose reports begin in [since, until) (Unix
 * seconds; until INT64_MAX for no end), most failed first.  *out is
 * overwritten; free it with sources_free().  ERR_DB on failure,
 * ERR_USAGE for a trusted entry that is neither an address, a network nor
 * a name.
 */
int sources_read(struct db *db, const char *domain, int64_t since,
    int64_t until, const struct source_rules *rules, struct source_list *out,
    struct err *err);
void sources_free(struct source_list *l);

/* Sources of one sender: the addresses that share a `who`, as
 * sources_group() (model.h) makes them. */
struct source_group {
	const char *who; /* borrowed from the sources */
	/* legitimate when any member is; else the class of the member with
	 * the most failing mail (then the most mail). */
	enum source_class cls;
	const struct source **v; /* members, most failed first; borrowed */
	size_t n;
	uint64_t messages, passed, failed;
};

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
/* Frees what s holds (not s); used by lists that copy sources. */
void source_clear(struct source *s);
/* A deep copy of src into *dst. */
void source_copy(struct source *dst, const struct source *src);

#endif
