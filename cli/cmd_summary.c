/*
 * dmarcsift summary: per domain, what the stored reports say, judged by
 * dmarcsift (the stored verdicts brought up to date first).
 */
#include "commands.h"

#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "summary.h"
#include "summary_text.h"

#include <stdio.h>

/*
 * Ingest runs that died before they finished (killed, stopped on a
 * database error), of the last 7 days: what each stored is in the
 * database, and whoever runs ingest from cron should hear that runs die.
 * Their rows are closed first (sql/010_runs.sql); a role that may not
 * (read-only) sees those closed before.
 */
static int
one_run(void *arg, int ncols, const char *const *v, struct err *err)
{
	unsigned *n = arg;

	(void)ncols;
	(void)err;
	if ((*n)++ == 0)
		printf("\nIngest runs that stopped before they finished (the "
		       "last 7 days):\n");
	printf("  run %s (%s), started %s UTC: interrupted; %s input(s), %s "
	       "report(s), %s record(s) stored\n",
	    v[0], v[1], v[2], v[3], v[4], v[5]);
	return 0;
}

static int
interrupted_runs(struct db *db, struct err *err)
{
	unsigned n = 0;
	int rc;

	if ((rc = db_exec(db, "SELECT close_dead_runs()", 0, NULL, err)) < 0 &&
	    !db_denied(db))
		return rc;
	return db_each(db,
	    "SELECT id, command, to_char(started_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI'), inputs_new, reports_new, "
	    "records_new FROM ingest_runs WHERE status = 'interrupted' AND "
	    "started_at > now() - interval '7 days' ORDER BY id",
	    0, NULL, one_run, &n, err);
}

int
cmd_summary(int argc, char **argv)
{
	char domain[CLIOPT_DOMAIN_LEN] = "";
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_DOMAIN(domain, "only this domain"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift summary [--db CONNINFO] [--domain "
	             "DOMAIN]\n",
	    .about = "Per policy domain: the reports stored and the days they "
	             "cover, messages,\nthe DMARC pass rate, and the source "
	             "IPs with the most failing messages.\nPassing and failing "
	             "are dmarcsift's own verdict, alignment recomputed "
	             "from\neach record's DKIM and SPF results, as sources, "
	             "advise and report show it;\nrecords not judged yet are "
	             "judged first.  Ingest runs of the last 7 days\nthat "
	             "stopped before they finished (killed, or a database "
	             "error) are\nnamed, with what each stored.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE,
	    .footer = "Exit status: 0 done, 2 could not run.\n",
	};
	const char *only;
	struct cliopt co;
	struct summary *s = NULL;
	struct db *db = NULL;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (co.argi != argc) {
		log_error("summary: unexpected argument '%s'", argv[co.argi]);
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	only = domain[0] != '\0' ? domain : NULL;
	dbconn_reading();
	if (dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	/* Our verdicts, current, or no numbers at all: a summary of some
	 * records would look like one of all. */
	if (dbconn_judge_new(db) < 0) {
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if (summary_compute(db, only, &s, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	summary_text(stdout, s, only);
	summary_free(s);
	if (only == NULL && interrupted_runs(db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	db_close(db);
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		return EXIT_CANNOT_RUN;
	}
	return EXIT_OK;
}
