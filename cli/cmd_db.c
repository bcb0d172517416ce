/*
 * dmarcsift db: the database itself: migrate it, say its version.
 */
#include "commands.h"

#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "pgcluster.h"

#include <stdio.h>
#include <string.h>

static const char about[] =
    "  migrate   apply the schema migrations the database lacks (every "
    "command\n"
    "            that uses the database does this first)\n"
    "  version   print the schema version of the database\n"
    "  start     create (on first use) and start the private cluster\n"
    "  stop      stop the private cluster\n"
    "  restart   stop and start it again (with the installed PostgreSQL)\n"
    "  status    say whether the private cluster runs (exit 0) or not "
    "(exit 3),\n"
    "            and whether it runs an old server binary that an upgrade "
    "replaced\n";

static const char footer[] =
    "The private cluster is dmarcsift's own PostgreSQL, used when no "
    "database is\ngiven: in $XDG_DATA_HOME/dmarcsift/pg (as root "
    "/var/lib/dmarcsift/pg, run\nby the postgres user; $DMARCSIFT_HOME/pg "
    "when that is set), listening only on\na unix socket there.  Every "
    "command starts it when needed, and restarts it\nwhen a PostgreSQL "
    "minor upgrade replaced its server binary.  After a major\nupgrade (15 "
    "to 16) its data must be moved: see the README.  PG* variables\nand "
    "pg_service.conf work as usual with --db.\n\n"
    "Exit status: 0 done, 2 could not run (no database, refused "
    "connection,\na database newer than this dmarcsift).\n";

/* start, stop, restart, status: the private cluster itself. */
static int
cluster_verb(const char *verb)
{
	struct pgcluster pc;
	struct pgcluster_state st;
	struct err err;
	int rc = 0;

	if (pgcluster_locate(&pc, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (strcmp(verb, "start") == 0)
		rc = pgcluster_start(&pc, &err);
	else if (strcmp(verb, "restart") == 0)
		rc = pgcluster_restart(&pc, &err);
	else if (strcmp(verb, "stop") == 0)
		rc = pgcluster_stop(&pc, &err);
	if (rc < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	/* Stopped, even when a major upgrade left no binaries to say so. */
	if (strcmp(verb, "stop") == 0) {
		log_info("private cluster %s: stopped", pc.dir);
		return EXIT_OK;
	}
	if (pgcluster_status(&pc, &st, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (strcmp(verb, "status") != 0) {
		log_info("private cluster %s: %s", pc.dir,
		    st.running ? "running" : "stopped");
		return EXIT_OK;
	}
	if (st.stale && st.deleted)
		printf("%s: running an old server binary (deleted by an "
		       "upgrade); `dmarcsift db restart` or any command "
		       "restarts it\n",
		    pc.dir);
	else if (st.stale)
		printf("%s: running an old server binary (%s%s the "
		       "installed %s); `dmarcsift db restart` or any command "
		       "restarts it\n",
		    pc.dir, st.server[0] != '\0' ? st.server : "older than",
		    st.server[0] != '\0' ? ", not" : "", st.installed);
	else
		printf("%s: %s\n", pc.dir,
		    st.running      ? "running"
		        : st.exists ? "stopped"
		                    : "not created (dmarcsift db start makes "
		                      "it)");
	/* Like pg_ctl status and LSB init scripts: 3 is "not running".  A
	 * stale server runs, and the next command mends it: 0. */
	return st.running ? EXIT_OK : 3;
}

int
cmd_db(int argc, char **argv)
{
	const struct cliopt_opt opts[] = {CLIOPT_OPT_END};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift db migrate|version [--db CONNINFO]\n"
	             "       dmarcsift db start|stop|restart|status\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE,
	    .footer = footer,
	};
	const char *verb;
	struct cliopt co;
	struct db *db = NULL;
	struct err err;
	int rc, version = 0;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (co.argi + 1 != argc) {
		log_error("db: give one action");
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	verb = argv[co.argi];
	if (strcmp(verb, "start") == 0 || strcmp(verb, "stop") == 0 ||
	    strcmp(verb, "restart") == 0 || strcmp(verb, "status") == 0) {
		if (co.db != NULL) {
			log_error(
			    "db %s: --db names another database; start, "
			    "stop, restart and status are for the private "
			    "cluster",
			    verb);
			return EXIT_CANNOT_RUN;
		}
		return cluster_verb(verb);
	}
	if (strcmp(verb, "migrate") != 0 && strcmp(verb, "version") != 0) {
		log_error(
		    "db: unknown action '%s'; see dmarcsift db --help", verb);
		return EXIT_CANNOT_RUN;
	}
	if (dbconn_open(co.db, &db, &err) < 0 ||
	    db_schema_version(db, &version, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if (strcmp(verb, "version") == 0)
		printf("database schema version %d\n", version);
	else
		log_info("database schema is at version %d", version);
	db_close(db);
	return EXIT_OK;
}
