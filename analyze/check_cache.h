/*
 * check_cache: keeps the last `dmarcsift check` of a domain in the
 * database (check_results, sql/019), so that serve can show a domain's
 * DNS health without asking the DNS.  browse_check_read() (browse.h)
 * reads it back.
 */
#ifndef DMARCSIFT_CHECK_CACHE_H
#define DMARCSIFT_CHECK_CACHE_H

struct db;
struct err;

/*
 * Stores json (the object `check --json` prints for domain, lower-cased) as
 * domain's last check, replacing the one before, with the time, the role and
 * version (dmarcsift's).  A role that may not write the table fails with
 * db_denied() set, which the caller may take as a warning.
 */
int check_cache_store(struct db *db, const char *domain, const char *json,
    const char *version, struct err *err);

#endif
