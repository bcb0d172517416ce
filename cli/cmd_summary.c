/*
 * dmarcsift summary: per domain, what the stored reports say, judged by
 * dmarcsift (the stored verdicts brought up to date first).
 */
#include "commands.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "summary.h"
#include "summary_text.h"

#include <inttypes.h>
#include <stdio.h>

/* The runs that died (summary_interrupted()), after the domains. */
static void
print_interrupted(const struct summary_runs *r)
{
	if (r->n > 0)
		printf("\nIngest runs that stopped before they finished (the "
		       "last %d days):\n",
		    SUMMARY_RUN_DAYS);
	for (size_t i = 0; i < r->n; i++) {
		const struct summary_run *run = &r->v[i];

		printf("  run %s (%s), started %s UTC: interrupted; %" PRIu64
		       " input(s), %" PRIu64 " report(s), %" PRIu64
		       " record(s) stored\n",
		    run->id, run->command, run->started, run->inputs,
		    run->reports, run->records);
	}
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
	    .no_operands = 1,
	};
	const char *only;
	struct cliopt co;
	struct summary *s = NULL;
	struct summary_runs runs;
	struct db *db = NULL;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
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
	/* A domain nobody reported is a mistake to say, not an empty table
	 * (a misspelt --domain would read as "nothing to see"). */
	if (only != NULL && s->n == 0 && analysis_domain_known(db, only) < 0) {
		summary_free(s);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	summary_text(stdout, s, only);
	summary_free(s);
	if (only == NULL) {
		if (summary_interrupted(db, &runs, &err) < 0) {
			log_error("%s", err.msg);
			db_close(db);
			return EXIT_CANNOT_RUN;
		}
		print_interrupted(&runs);
		summary_runs_free(&runs);
	}
	db_close(db);
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		return EXIT_CANNOT_RUN;
	}
	return EXIT_OK;
}
