/*
 * pool: a list of inputs stored by worker processes, each over a
 * connection of its own, with one progress line and one set of counts.
 *
 * With one job the inputs are stored in this process over the run's own
 * connection.  With more, each worker is a forked process with its own
 * connection and a store for the same run (store_new_worker()); they take
 * the next input from a list in shared memory, and their counts reach the
 * run's store (store_add()) when they are done.  A worker dies with the
 * command (PR_SET_PDEATHSIG): a killed ingest stops all of it, and each
 * input being stored is rolled back.  The first worker failure (a database
 * error) stops the others after their current input.
 */
#ifndef DMARCSIFT_POOL_H
#define DMARCSIFT_POOL_H

#include <stddef.h>

struct db;
struct err;
struct limits;
struct store;

struct pool_opts {
	char *const *list; /* the inputs (source_list()), borrowed */
	size_t count;
	const struct limits *lim; /* borrowed */
	int jobs; /* workers; at most count are started */
	int progress; /* draw "[done/total] name" on stderr per input */
};

/*
 * Stores every input of o->list with st (the run's store, on db; both stay
 * the caller's).  Per input, -v lines and refused parts are said on stderr
 * as they come.  *unreadable counts the inputs that could not be read
 * (said too).  Returns 0 when every input was handled; -1 when the pool
 * stopped: err holds the first worker's failure, or is empty when it was
 * said already (a worker killed, none started).  What was stored before is
 * complete either way, and st's totals count it.
 */
int pool_run(const struct pool_opts *o, struct store *st, struct db *db,
    unsigned *unreadable, struct err *err);

#endif
