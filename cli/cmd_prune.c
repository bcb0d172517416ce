/*
 * dmarcsift prune: drops what is older than the settings keep (issue 19,
 * retention): reports with their records and rollup rows (a month at a
 * time, as dropped tables: sql/016, sql/017) with the TLS and failure
 * reports of the same age (sql/025), and the archived bytes of old
 * inputs.  Nothing without settings: the default keeps everything.
 */
#include "commands.h"

#include "cliopt.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What was dropped, said only once the transaction has committed: a
 * line printed before would stand in the log of a run that dropped
 * nothing. */
struct said {
	int dry, n;
	FILE *out;
	char *buf;
	size_t len;
};

static void
on_pruned(void *arg, const struct store_pruned *w)
{
	struct said *s = arg;

	switch (w->kind) {
	case STORE_PRUNED_MONTH:
		fprintf(s->out,
		    "reports: %s month %s: %" PRIu64 " report(s), their "
		    "records and rollup rows\n",
		    s->dry ? "would drop" : "dropped", w->part, w->n);
		break;
	case STORE_PRUNED_ROWS:
		fprintf(s->out,
		    "reports: %s %" PRIu64 " report(s) of the %s partitions\n",
		    s->dry ? "would delete" : "deleted", w->n, w->part);
		break;
	case STORE_PRUNED_TLS:
	case STORE_PRUNED_FAILURES:
		fprintf(s->out, "%s: %s %" PRIu64 " report(s)\n",
		    w->kind == STORE_PRUNED_TLS ? "TLS reports"
		                                : "failure reports",
		    s->dry ? "would delete" : "deleted", w->n);
		break;
	case STORE_PRUNED_SHAPES:
		if (w->busy)
			fprintf(s->out,
			    "auth results: the ones no record names are left "
			    "for the next prune (an ingest is storing)\n");
		else if (w->n > 0)
			fprintf(s->out,
			    "auth results: deleted %" PRIu64
			    " set(s) no record "
			    "names any more\n",
			    w->n);
		else
			return;
		break;
	case STORE_PRUNED_INPUTS:
		if (w->n == 0)
			return;
		fprintf(s->out,
		    "inputs: %s the archived bytes of %" PRIu64 " input(s): "
		    "%" PRIu64 " bytes (compressed)\n",
		    s->dry ? "would drop" : "dropped", w->n, w->bytes);
		break;
	}
	s->n++;
}

int
cmd_prune(int argc, char **argv)
{
	int dry = 0;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG("dry-run", &dry, "say what would go, drop nothing"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift prune [--db CONNINFO] [--keep-reports "
	             "DAYS] [--keep-inputs DAYS]\n"
	             "                       [--dry-run]\n",
	    .about =
	        "Drops what is older than the settings keep, in one "
	        "transaction.  Reports\n(keep_reports days, counted from "
	        "the end of each report) go with their\nrecords and rollup "
	        "rows, a whole month at a time: a month goes once its\nlast "
	        "day is that old; TLS reports and failure reports that old "
	        "go with\nthem.  Inputs (keep_inputs days, from when they "
	        "arrived) keep their row, so\nthe same mail or file is never "
	        "stored again, but lose their archived bytes:\nthey can no "
	        "longer be parsed again.  0 keeps everything, the default.  "
	        "A\nmonth an ingest is storing into is not dropped: prune "
	        "waits " STORE_PRUNE_LOCK_WAIT " for it, then\ngives up.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE | CLIOPT_G_RETENTION,
	    .footer = "Exit status: 0 done (or nothing to drop), 2 could not "
	              "run.\n",
	    .no_operands = 1,
	};
	const struct config *cfg;
	long long keep_reports, keep_inputs;
	struct said s = {0, 0, NULL, NULL, 0};
	struct cliopt co;
	struct db *db = NULL;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	s.dry = dry;
	keep_reports = config_int(cfg, CONFIG_KEEP_REPORTS);
	keep_inputs = config_int(cfg, CONFIG_KEEP_INPUTS);
	if (keep_reports <= 0 && keep_inputs <= 0) {
		printf("nothing to drop: keep_reports and keep_inputs are 0 "
		       "(keep everything)\n");
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_CANNOT_RUN;
	}
	if (dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if ((s.out = open_memstream(&s.buf, &s.len)) == NULL) {
		log_error("prune: out of memory");
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	rc = store_prune(
	    db, keep_reports, keep_inputs, dry, on_pruned, &s, &err);
	fclose(s.out);
	if (rc < 0) {
		free(s.buf);
		if (db_lock_busy(db))
			log_error("prune: a table to drop is in use (an ingest "
			          "storing into that month, or a long read): "
			          "nothing dropped; run prune again later");
		else
			log_error("prune: %s; nothing dropped", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	db_close(db);
	fputs(s.buf, stdout);
	free(s.buf);
	if (s.n == 0)
		printf("nothing to drop\n");
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		return EXIT_CANNOT_RUN;
	}
	return EXIT_OK;
}
