/*
 * dns_health: the DNS health section of the periodic report (digest.h):
 * what `dmarcsift check` finds (check.h), for each domain of a digest,
 * within the command's DNS time budget.
 */
#ifndef DMARCSIFT_DNS_HEALTH_H
#define DMARCSIFT_DNS_HEALTH_H

struct analysis_env;
struct check;
struct digest;

/* Called with each check that ran, before its findings move to the
 * digest; c is borrowed for the call. */
typedef void dns_health_keep_fn(void *arg, const struct check *c);

/*
 * Checks each domain of dg, in order, against the reports of the
 * period's days (at least CHECK_DAYS_DEFAULT) before dg->until, with
 * e's database, Public Suffix List and DNS settings (dns_servers,
 * dns_timeout), and moves the findings into the domain's dns
 * (dns_checked 1).  The command's DNS budget (analysis_resolver():
 * dns_budget seconds for all its lookups) bounds the run: once it is
 * spent, the domain being checked and those after it stay unchecked,
 * counted for analysis_dns_say().  A domain whose every finding is DNS
 * trouble (a silent resolver) ends it too.  Each check that ran whole
 * is handed to keep (NULL: none) with arg.  Trouble is said on stderr
 * (log_warn) and leaves a domain unchecked; it is never an error of
 * the report.
 */
void dns_health_fill(const struct analysis_env *e, struct digest *dg, int days,
    dns_health_keep_fn *keep, void *arg);

#endif
