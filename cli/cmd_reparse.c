/*
 * dmarcsift reparse: parse stored inputs again from their archived bytes.
 */
#include "commands.h"

#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "input_limits.h"
#include "log.h"
#include "store.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	const char *label = arg;

	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", label, why->msg);
	else
		log_warn("%s: %s", label, why->msg);
}

/* Parses input id again; messages name it by id and where it came from. */
static int
reparse_one(struct store *st, struct db *db, const char *id,
    struct store_counts *counts, struct err *err)
{
	char *name = NULL, *label;
	int rc;

	if ((rc = store_input_name(db, id, &name, err)) < 0)
		return rc;
	label = xasprintf("input %s (%s)", id, name ? name : "not stored");
	rc = store_reparse(st, id, on_problem, label, counts, err);
	free(label);
	free(name);
	return rc;
}

/* --input ID, repeatable: the ids in order, in a list of argc. */
struct ids {
	char **v;
	size_t n;
};

static int
input_arg(void *out, const char *value)
{
	struct ids *l = out;

	if (value[0] == '\0' || strspn(value, "0123456789") != strlen(value)) {
		log_error(
		    "--input wants a number (inputs.id), got '%s'", value);
		return -1;
	}
	l->v[l->n++] = (char *)value;
	return 0;
}

int
cmd_reparse(int argc, char **argv)
{
	struct ids ids = {NULL, 0};
	int all = 0, rc = 0;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG("all", &all, "every stored input"),
	    CLIOPT_OPT_CALL("input", "ID", &ids, input_arg,
	        "this input (inputs.id); may be repeated"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage =
	        "usage: dmarcsift reparse [--db CONNINFO] [--all | --input "
	        "ID...] [--limit N=V]...\n",
	    .about =
	        "Parses stored inputs again from their archived bytes and "
	        "replaces what\nthey yielded, one transaction per input: "
	        "after an upgrade that reads more\nreports, or with raised "
	        "limits.  By default, the inputs that were refused\nin "
	        "whole or in part.  What they yield is judged before it "
	        "exits, as after\ningest.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE,
	    .footer = "Exit status: 0 done, 1 some inputs are still refused, 2 "
	              "could not run.\n",
	    .no_operands = 1,
	};
	struct cliopt co;
	struct store *st = NULL;
	struct db *db = NULL;
	struct store_counts counts;
	const struct store_counts *t;
	struct err err;
	unsigned done = 0;

	cliopt_init(&co);
	ids.v = xcalloc((size_t)argc + 1, sizeof(*ids.v));
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO) {
		free(ids.v);
		return rc;
	}
	rc = 0;
	if (all && ids.n > 0) {
		log_error("reparse: --all or --input, not both");
		cliopt_usage(&cmd);
		free(ids.v);
		return EXIT_CANNOT_RUN;
	}
	if (dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		free(ids.v);
		return EXIT_CANNOT_RUN;
	}
	dbconn_close_dead_runs(db);
	if (dbconn_store(db, &co.lim, "reparse", &st, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		free(ids.v);
		return EXIT_CANNOT_RUN;
	}
	if (ids.n > 0) {
		for (size_t i = 0; i < ids.n && rc == 0; i++, done++)
			rc = reparse_one(st, db, ids.v[i], &counts, &err);
	} else {
		char *id = NULL, *prev = xstrdup("0");

		/* One input at a time: memory does not grow with the
		 * archive. */
		while (rc == 0 &&
		    (rc = store_next_reparse(db, prev, all, &id, &err)) == 0 &&
		    id != NULL) {
			rc = reparse_one(st, db, id, &counts, &err);
			done++;
			free(prev);
			prev = id;
			id = NULL;
		}
		free(prev);
		free(id);
	}
	free(ids.v);
	if (rc < 0) {
		log_error("%s", err.msg);
		store_free(st);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	t = store_totals(st);
	if (log_verbosity() > 0)
		printf("%u input(s) parsed again: %u report(s) stored, %u "
		       "already stored from other inputs; %u refused, %u "
		       "skipped; %" PRIu64 " record(s)\n",
		    done, t->reports_new, t->reports_duplicate, t->refused,
		    t->skipped, t->records_new);
	rc = t->refused > 0 ? EXIT_SOME_FAILED : EXIT_OK;
	if (store_finish(st, &err) < 0) {
		log_error("%s", err.msg);
		rc = EXIT_CANNOT_RUN;
	}
	/* The reports parsed again are new rows: judged before we exit, so
	 * that the analysis views (and psql) see them at once, as after
	 * ingest. */
	if (dbconn_judge_new(db) < 0)
		rc = EXIT_CANNOT_RUN;
	db_close(db);
	return rc;
}
