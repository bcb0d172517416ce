/*
 * dmarcsift prune: drops what is older than the settings keep (issue 19,
 * retention): reports with their records and rollup rows (a month at a
 * time, as dropped tables: sql/016, sql/017), and the archived bytes of
 * old inputs.  Nothing without settings: the default keeps everything.
 */
#include "commands.h"

#include "cliopt.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long prune waits for a table someone else is using (an ingest
 * storing into the month being dropped) before it gives up. */
#define PRUNE_LOCK_WAIT "10s"

/* What was dropped, said only once the transaction has committed: a
 * line printed before would stand in the log of a run that dropped
 * nothing. */
struct said {
	int dry, n;
	FILE *out;
	char *buf;
	size_t len;
};

/* A row of reports_prune(): kind, part, reports. */
static int
on_reports(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct said *s = arg;

	if (ncols != 3 || c[0] == NULL || c[1] == NULL || c[2] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from reports_prune");
	if (strcmp(c[0], "month") == 0)
		fprintf(s->out,
		    "reports: %s month %s: %s report(s), their records and "
		    "rollup rows\n",
		    s->dry ? "would drop" : "dropped", c[1], c[2]);
	else
		fprintf(s->out,
		    "reports: %s %s report(s) of the %s partitions\n",
		    s->dry ? "would delete" : "deleted", c[2], c[1]);
	s->n++;
	return 0;
}

/* The row of inputs_prune(): inputs, bytes. */
static int
on_inputs(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct said *s = arg;

	if (ncols != 2 || c[0] == NULL || c[1] == NULL)
		return err_set(err, ERR_DB, "unexpected row from inputs_prune");
	if (strcmp(c[0], "0") == 0)
		return 0;
	fprintf(s->out,
	    "inputs: %s the archived bytes of %s input(s): %s bytes "
	    "(compressed)\n",
	    s->dry ? "would drop" : "dropped", c[0], c[1]);
	s->n++;
	return 0;
}

/* The cut for keeping days days, as Unix time text; "" when all stay. */
static void
cut_of(long long days, char *out, size_t n)
{
	if (days <= 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, n, "%" PRId64, clock_now() - (int64_t)days * CLOCK_DAY);
}

/* One transaction: a failure leaves everything as it was. */
static int
prune(struct db *db, const char *reports_cut, const char *inputs_cut,
    struct said *s, struct err *err)
{
	const char *p[2];
	int rc;

	p[1] = s->dry ? "true" : "false";
	if ((rc = db_begin(db, err)) < 0)
		return rc;
	if ((rc = db_exec(db, "SET LOCAL lock_timeout = '" PRUNE_LOCK_WAIT "'",
	         0, NULL, err)) < 0)
		goto fail;
	if (reports_cut[0] != '\0') {
		p[0] = reports_cut;
		if ((rc = db_each(db,
		         "SELECT kind, part, reports FROM "
		         "reports_prune(to_timestamp($1), $2::boolean)",
		         2, p, on_reports, s, err)) < 0)
			goto fail;
	}
	if (inputs_cut[0] != '\0') {
		p[0] = inputs_cut;
		if ((rc = db_each(db,
		         "SELECT inputs, bytes FROM "
		         "inputs_prune(to_timestamp($1), $2::boolean)",
		         2, p, on_inputs, s, err)) < 0)
			goto fail;
	}
	if ((rc = db_commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
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
	        "day is that old.  Inputs (keep_inputs days, from when they "
	        "arrived)\nkeep their row, so the same mail or file is never "
	        "stored again, but lose\ntheir archived bytes: they can no "
	        "longer be parsed again.  0 keeps\neverything, the default.  "
	        "A month an ingest is storing into is not\ndropped: prune "
	        "waits " PRUNE_LOCK_WAIT " for it, then gives up.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE | CLIOPT_G_RETENTION,
	    .footer = "Exit status: 0 done (or nothing to drop), 2 could not "
	              "run.\n",
	};
	const struct config *cfg;
	char reports_cut[24], inputs_cut[24];
	struct said s = {0, 0, NULL, NULL, 0};
	struct cliopt co;
	struct db *db = NULL;
	struct err err;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	if (co.argi != argc) {
		log_error("prune: unexpected argument '%s'", argv[co.argi]);
		cliopt_usage(&cmd);
		return EXIT_CANNOT_RUN;
	}
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	s.dry = dry;
	cut_of(config_int(cfg, CONFIG_KEEP_REPORTS), reports_cut,
	    sizeof(reports_cut));
	cut_of(config_int(cfg, CONFIG_KEEP_INPUTS), inputs_cut,
	    sizeof(inputs_cut));
	if (reports_cut[0] == '\0' && inputs_cut[0] == '\0') {
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
	rc = prune(db, reports_cut, inputs_cut, &s, &err);
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
