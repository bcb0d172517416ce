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

#include <getopt.h>
#include <stdio.h>

static void
help(FILE *fp)
{
	fputs("usage: dmarcsift summary [--db CONNINFO] [--domain DOMAIN]\n\n"
	      "Per policy domain: the reports stored and the days they cover, "
	      "messages,\nthe DMARC pass rate, and the source IPs with the "
	      "most failing messages.\nPassing and failing are dmarcsift's "
	      "own verdict, alignment recomputed from\neach record's DKIM "
	      "and SPF results, as sources, advise and report show it;\n"
	      "records not judged yet are judged first.\n\n"
	      "  --domain D      only this domain\n"
	      "  --db CONNINFO   a libpq conninfo string or postgresql:// URL; "
	      "default\n"
	      "                  $DMARCSIFT_DB\n"
	      "  --config FILE   read this settings file (services_file)\n"
	      "  -h, --help      this text\n\n"
	      "Exit status: 0 done, 2 could not run.\n",
	    fp);
}

int
cmd_summary(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"domain", required_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_DATABASE,
	    {NULL, 0, NULL, 0},
	};
	const char *domain = NULL;
	struct cliopt co;
	struct summary *s = NULL;
	struct db *db = NULL;
	struct err err;
	int c, h;

	cliopt_init(&co);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hvq", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			domain = optarg;
			break;
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
	if (optind != argc) {
		help(stderr);
		return EXIT_CANNOT_RUN;
	}
	dbconn_reading();
	if (dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	/* Our verdicts, current, or no numbers at all: a summary of some
	 * records would look like one of all. */
	if (analysis_judge_new(db) < 0) {
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if (summary_compute(db, domain, &s, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	summary_text(stdout, s, domain);
	summary_free(s);
	db_close(db);
	if (fflush(stdout) != 0) {
		log_error("cannot write standard output");
		return EXIT_CANNOT_RUN;
	}
	return EXIT_OK;
}
