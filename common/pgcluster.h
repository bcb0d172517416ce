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
/* *running is 1 when its postmaster is alive (pg_ctl status), 0 when it
 * is stopped or was never created (*exists says which).  Creates nothing. */
int pgcluster_status(
    const struct pgcluster *pc, int *exists, int *running, struct err *err);
/* Creates the cluster if it does not exist and starts it if it is not
 * running; safe when several dmarcsift start it at once (the others wait,
 * up to about a minute, on a lock next to the directory). */
int pgcluster_start(const struct pgcluster *pc, struct err *err);
/* Stops the server if it runs (fast shutdown); creates nothing. */
int pgcluster_stop(const struct pgcluster *pc, struct err *err);

#endif
