/*
 * filelock: keep two `dmarcsift ingest PATH...` runs on the same paths
 * apart, so that a cron job whose last run still works (a big month, a
 * slow disk) does not start a second one beside it, and then a third.
 * Storing twice at once would store nothing twice (the store is exactly
 * once); this only stops the pile-up of processes and connections.
 *
 * One key per path named, "files " and its canonical path (realpath(3);
 * the path as given when it cannot be resolved), locked with
 * pg_try_advisory_lock(LOCK_CLASS_FILES, hashtext(KEY)) (common/locks.h)
 * in sorted order, all or none.  The locks are the session's: they go
 * with the connection, so a killed run holds none.  Standard input ("-")
 * has no key.  A run on a directory and one on a file inside it are not
 * kept apart.
 */
#ifndef DMARCSIFT_FILELOCK_H
#define DMARCSIFT_FILELOCK_H

#include <stddef.h>

struct db;
struct err;
struct filelock;

/*
 * Locks the n paths on db.  0 with *out the lock held (free it with
 * filelock_release()), or with *out NULL and *busy set to a path that
 * another run holds (static storage until the next call); -1 on a
 * database error, err set.
 */
int filelock_take(struct db *db, char *const *paths, size_t n,
    struct filelock **out, const char **busy, struct err *err);

/* Releases every key and frees fl; NULL is fine. */
void filelock_release(struct filelock *fl);

#endif
