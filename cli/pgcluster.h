/*
 * pgcluster: dmarcsift's own PostgreSQL cluster, for users who have none.
 *
 * With no --db, DMARCSIFT_DB or config setting, dmarcsift uses a private
 * cluster: created with initdb on first use, started when needed, listening
 * only on a unix socket in its own directory.  As an ordinary user it lives
 * in $XDG_DATA_HOME/dmarcsift/pg (default ~/.local/share/dmarcsift/pg) and
 * runs as that user; as root in /var/lib/dmarcsift/pg, run by the postgres
 * system user (PostgreSQL refuses to run as root).  DMARCSIFT_HOME, when
 * set, replaces the directory that holds pg/.
 *
 * The PostgreSQL binaries are those of /usr/lib/postgresql/VERSION/bin:
 * the newest for a new cluster, the version that made it for an existing
 * one.  DMARCSIFT_PG_LIBDIR, when set, replaces /usr/lib/postgresql (tests,
 * relocated installations).
 */
#ifndef DMARCSIFT_PGCLUSTER_H
#define DMARCSIFT_PGCLUSTER_H

struct err;

struct pgcluster {
	char dir[512]; /* .../dmarcsift/pg: data/, the socket, the log */
	char conninfo[640]; /* libpq conninfo of its database "dmarcsift" */
};

/* Fills pc with where the cluster lives; touches nothing on disk. */
int pgcluster_locate(struct pgcluster *pc, struct err *err);
/* What pgcluster_status() finds. */
struct pgcluster_state {
	int exists; /* initdb finished: data/PG_VERSION is there */
	int running; /* its postmaster is alive (pg_ctl status) */
	/* Running, but not the server binary a start would run now: an
	 * upgrade of PostgreSQL replaced it (deleted set) or another
	 * installation runs it.  Such a server fails in odd ways (it cannot
	 * load plpgsql); pgcluster_start() restarts it. */
	int stale;
	int deleted;
	char server[512]; /* what it runs, when stale; "" when unknown */
	char installed[512]; /* what a start would run, when running */
};

/* Fills st; creates nothing.  Fails, with what to do, when the binaries
 * of the PostgreSQL major version that made the cluster are gone (a major
 * upgrade: README, "After a PostgreSQL major upgrade"). */
int pgcluster_status(
    const struct pgcluster *pc, struct pgcluster_state *st, struct err *err);
/* Creates the cluster if it does not exist and starts it if it is not
 * running; safe when several dmarcsift start it at once (the others wait,
 * up to about a minute, on a lock next to the directory).  A running
 * server that is stale (see above) is restarted (fast shutdown), with a
 * warning that says why.  Fails like pgcluster_status() after a major
 * upgrade: a restart cannot mend that. */
int pgcluster_start(const struct pgcluster *pc, struct err *err);
/* Like pgcluster_start(), but a running server is always restarted. */
int pgcluster_restart(const struct pgcluster *pc, struct err *err);
/* Stops the server if it runs (fast shutdown); creates nothing. */
int pgcluster_stop(const struct pgcluster *pc, struct err *err);

#endif
