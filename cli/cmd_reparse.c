/*
 * dmarcsift reparse: parse stored inputs again from their archived bytes.
 */
#include "commands.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "input_limits.h"
#include "log.h"
#include "store.h"
#include "xalloc.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
help(FILE *fp)
{
	fputs(
	    "usage: dmarcsift reparse [--db CONNINFO] [--all | --input ID...] "
	    "[--limit N=V]...\n\n"
	    "Parses stored inputs again from their archived bytes and "
	    "replaces what\nthey yielded, one transaction per input: after "
	    "an upgrade that reads more\nreports, or with raised limits.  By "
	    "default, the inputs that were refused\nin whole or in part.  "
	    "What they yield is judged before it exits, as after\ningest.\n\n"
	    "  --all         every stored input\n"
	    "  --input ID    this input (inputs.id); may be repeated\n"
	    "  --db CONNINFO a libpq conninfo string or postgresql:// URL; "
	    "default\n"
	    "                $DMARCSIFT_DB\n"
	    "  --limit N=V   change a limit (see dmarcsift parse --help)\n"
	    "  -v, -q        more detail / errors only\n"
	    "  -h, --help    this text\n\n"
	    "Exit status: 0 done, 1 some inputs are still refused, 2 could "
	    "not run.\n",
	    fp);
}

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	const char *label = arg;

	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", label, why->msg);
	else
		log_warn("%s: %s", label, why->msg);
}

/* Closes the rows of earlier runs that died unfinished (as ingest does). */
static void
close_dead_runs(struct db *db)
{
	struct err err;
	char *n = NULL;

	if (db_value(db, "SELECT close_dead_runs()", 0, NULL, &n, &err) < 0)
		log_warn(
		    "cannot close the rows of interrupted runs: %s", err.msg);
	else if (n != NULL && strcmp(n, "0") != 0)
		log_info("%s earlier run(s) found interrupted; their rows in "
		         "ingest_runs now say so, with what they stored",
		    n);
	free(n);
}

/* Parses input id again; messages name it by id and where it came from. */
static int
reparse_one(struct store *st, struct db *db, const char *id,
    struct store_counts *counts, struct err *err)
{
	const char *params[] = {id};
	char *name = NULL, *label;
	int rc;

	if ((rc = db_value(db, "SELECT source_name FROM inputs WHERE id = $1",
	         1, params, &name, err)) < 0)
		return rc;
	label = xasprintf("input %s (%s)", id, name ? name : "not stored");
	rc = store_reparse(st, id, on_problem, label, counts, err);
	free(label);
	free(name);
	return rc;
}

/* The next input to parse again after id prev, or NULL when done. */
static int
next_input(
    struct db *db, const char *prev, int all, char **out, struct err *err)
{
	const char *params[] = {prev, all ? "true" : "false"};

	return db_value(db,
	    "SELECT min(id) FROM inputs WHERE id > $1 AND ($2 OR outcome IN "
	    "('refused', 'partial'))",
	    2, params, out, err);
}

int
cmd_reparse(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"input", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_COMMON,
	    CLIOPT_DATABASE,
	    {NULL, 0, NULL, 0},
	};
	char **ids = NULL;
	size_t nids = 0;
	int all = 0, c, h, rc = 0;
	struct cliopt co;
	struct store *st = NULL;
	struct db *db = NULL;
	struct store_counts counts;
	const struct store_counts *t;
	struct err err;
	unsigned done = 0;

	cliopt_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hqv", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'i':
			if (strspn(optarg, "0123456789") != strlen(optarg) ||
			    optarg[0] == '\0') {
				log_error("--input wants a number (inputs.id), "
				          "got '%s'",
				    optarg);
				free(ids);
				return EXIT_CANNOT_RUN;
			}
			ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
			ids[nids++] = optarg;
			break;
		case 'h':
			help(stdout);
			free(ids);
			return EXIT_OK;
		default:
			if ((h = cliopt_handle(&co, c, optarg)) > 0)
				break;
			if (h == 0)
				cliopt_bad_option(c, argv, "hqv", opts, help);
			free(ids);
			return EXIT_CANNOT_RUN;
		}
	}
	if (optind != argc || (all && nids > 0)) {
		help(stderr);
		free(ids);
		return EXIT_CANNOT_RUN;
	}
	if (dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		free(ids);
		return EXIT_CANNOT_RUN;
	}
	close_dead_runs(db);
	if (dbconn_store(db, &co.lim, "reparse", &st, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		free(ids);
		return EXIT_CANNOT_RUN;
	}
	if (nids > 0) {
		for (size_t i = 0; i < nids && rc == 0; i++, done++)
			rc = reparse_one(st, db, ids[i], &counts, &err);
	} else {
		char *id = NULL, *prev = xstrdup("0");

		/* One input at a time: memory does not grow with the
		 * archive. */
		while (rc == 0 &&
		    (rc = next_input(db, prev, all, &id, &err)) == 0 &&
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
	free(ids);
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
	if (analysis_judge_new(db) < 0)
		rc = EXIT_CANNOT_RUN;
	db_close(db);
	return rc;
}
