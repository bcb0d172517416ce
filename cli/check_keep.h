/*
 * check_keep: a domain's check kept in the database for serve
 * (check_cache.h), by `check` and by `report`'s DNS health section.
 */
#ifndef DMARCSIFT_CHECK_KEEP_H
#define DMARCSIFT_CHECK_KEEP_H

struct check;
struct db;

/*
 * Keeps c's JSON (what `check --json` prints) as the domain's last check.
 * In a transaction already open (report's reading), in a savepoint of its
 * own, so that a refusal leaves the transaction usable.  A role that may
 * only read cannot keep it: that is said (log_warn), and the check still
 * counts, as when the DNS cache cannot be written (README, Roles); other
 * failures are said too.  Returns 0, or -1 when nothing was kept (then
 * db_denied(db) says whether the role may not write).
 */
int check_keep(struct db *db, const struct check *c);

#endif
