/*
 * dmarcsift ingest: inputs into the database, each exactly once.
 */
#include "commands.h"

#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "input_limits.h"
#include "log.h"
#include "source.h"
#include "store.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
help(FILE *fp)
{
	fputs("usage: dmarcsift ingest [--db CONNINFO] [--limit NAME=VALUE]... "
	      "PATH...\n\n"
	      "Stores the reports in files, directories (recursively), Maildir "
	      "folders,\nmbox files or standard input (-) in the database, "
	      "each exactly once:\nrunning it again over the same inputs "
	      "changes nothing.  An input that\nyields no report is kept "
	      "with its reason (see the failed_inputs view).\n\n"
	      "  --db CONNINFO   a libpq conninfo string or postgresql:// URL; "
	      "default\n"
	      "                  $DMARCSIFT_DB\n"
	      "  --limit N=V     change a limit (see dmarcsift parse --help)\n"
	      "  -v              one line per input\n"
	      "  -q              nothing but errors (no summary)\n"
	      "  -h, --help      this text\n\n"
	      "Exit status: 0 all stored, 1 some inputs refused (they are "
	      "stored with\ntheir reason), 2 could not run (no database, bad "
	      "usage).\n",
	    fp);
}

struct ingest {
	struct store *store;
	const struct limits *lim;
	size_t done, total;
	int progress; /* a terminal is watching */
	unsigned unreadable;
	const char *name; /* the input being stored */
};

static void
progress(struct ingest *in, const char *name)
{
	if (!in->progress)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %.60s", in->done, in->total, name);
	fflush(stderr);
}

static void
progress_clear(struct ingest *in)
{
	if (in->progress)
		fputs("\r\033[K", stderr);
}

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	struct ingest *in = arg;

	progress_clear(in);
	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", in->name, why->msg);
	else
		log_error("%s: %s", in->name, why->msg);
}

static int
on_input(void *arg, const struct source_input *src, struct err *err)
{
	struct ingest *in = arg;
	struct store_counts c;
	int rc;

	in->name = src->name;
	rc = store_input(in->store, src->buf, src->len, src->complete,
	    src->source, src->name, on_problem, in, &c, err);
	if (rc < 0)
		return rc;
	if (c.inputs_duplicate)
		log_info("%s: already stored", src->name);
	else
		log_info("%s: %u new report(s), %u already stored, %" PRIu64
		         " record(s)",
		    src->name, c.reports_new, c.reports_duplicate,
		    c.records_new);
	return 0;
}

static void
on_unreadable(void *arg, const char *name, const char *why)
{
	struct ingest *in = arg;

	progress_clear(in);
	in->unreadable++;
	log_error("%s: cannot read: %s", name, why);
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_COMMON,
	    CLIOPT_DATABASE,
	    {NULL, 0, NULL, 0},
	};
	struct ingest in = {0};
	struct source_sink sink = {&in, on_input, on_unreadable};
	struct cliopt co;
	struct db *db = NULL;
	struct err err;
	struct timespec t0, t1;
	const struct store_counts *t;
	char **list = NULL;
	size_t count = 0;
	int c, h, rc = 0, status = EXIT_OK;

	cliopt_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			if ((h = cliopt_handle(&co, c, optarg)) > 0)
				break;
			if (h == 0)
				help(stderr);
			return EXIT_CANNOT_RUN;
		}
	}
	if (optind == argc) {
		log_error("ingest: no input given; use - for standard input");
		return EXIT_CANNOT_RUN;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (source_list(argv + optind, argc - optind, &list, &count, &err) <
	        0 ||
	    dbconn_open(co.db, &db, &err) < 0 ||
	    store_new(&in.store, db, &co.lim, "ingest", &err) < 0) {
		log_error("%s", err.msg);
		source_list_free(list, count);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	in.lim = &co.lim;
	in.total = count;
	in.progress =
	    isatty(STDERR_FILENO) && log_verbosity() == 1 && count > 1;
	for (size_t i = 0; i < count && rc == 0; i++) {
		progress(&in, list[i]);
		rc = source_read(list[i], &co.lim, &sink, &err);
		in.done++;
	}
	progress_clear(&in);
	if (rc < 0) {
		/* The input being stored was rolled back: nothing partial. */
		log_error(
		    "%s; stopped (inputs stored so far are complete)", err.msg);
		store_free(in.store);
		source_list_free(list, count);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	t = store_totals(in.store);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (log_verbosity() > 0)
		printf("%u input(s) new, %u already stored; %u report(s) new, "
		       "%u already stored; %u refused, %u skipped; %" PRIu64
		       " record(s); %.1f s\n",
		    t->inputs_new, t->inputs_duplicate, t->reports_new,
		    t->reports_duplicate, t->refused, t->skipped,
		    t->records_new,
		    (double)(t1.tv_sec - t0.tv_sec) +
		        (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (t->refused > 0 || in.unreadable > 0)
		status = EXIT_SOME_FAILED;
	if (store_finish(in.store, &err) < 0) {
		log_error("%s", err.msg);
		status = EXIT_CANNOT_RUN;
	}
	source_list_free(list, count);
	db_close(db);
	return status;
}
