/*
 * dmarcsift db: the database itself: migrate it, say its version.
 */
#include "commands.h"

#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void
help(FILE *fp)
{
	fputs("usage: dmarcsift db migrate [--db CONNINFO]\n"
	      "       dmarcsift db version [--db CONNINFO]\n\n"
	      "  migrate   apply the schema migrations the database lacks "
	      "(every command\n"
	      "            that uses the database does this first)\n"
	      "  version   print the schema version of the database and of "
	      "this binary\n\n"
	      "  --db CONNINFO   a libpq conninfo string or postgresql:// URL "
	      "(PG* variables\n"
	      "                  and pg_service.conf work as usual); default "
	      "$DMARCSIFT_DB\n"
	      "  -h, --help      this text\n\n"
	      "Exit status: 0 done, 2 could not run (no database, refused "
	      "connection,\na database newer than this dmarcsift).\n",
	    fp);
}

int
cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dbopt = NULL, *verb;
	struct db *db = NULL;
	struct err err;
	int c, version = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbopt = optarg;
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			help(stderr);
			return EXIT_CANNOT_RUN;
		}
	}
	if (optind + 1 != argc) {
		help(stderr);
		return EXIT_CANNOT_RUN;
	}
	verb = argv[optind];
	if (strcmp(verb, "migrate") != 0 && strcmp(verb, "version") != 0) {
		log_error(
		    "db: unknown action '%s'; see dmarcsift db --help", verb);
		return EXIT_CANNOT_RUN;
	}
	if (dbconn_open(dbopt, &db, &err) < 0 ||
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
