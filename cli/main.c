/*
 * dmarcsift: DMARC aggregate report collector and analyser.
 *
 * main() finds the subcommand in the table and runs it; the command's
 * return value is the exit status.
 */
#include "commands.h"

#include "cliopt.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#ifndef DMARCSIFT_VERSION
#define DMARCSIFT_VERSION "unknown"
#endif

static void
usage(FILE *fp)
{
	fputs("usage: dmarcsift [-v | -q] COMMAND [ARGS...]\n"
	      "       dmarcsift COMMAND --help\n\n"
	      "Commands:\n",
	    fp);
	for (const struct command *c = commands; c->name != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fputs("\nOptions:\n"
	      "  -v, --verbose   say more (repeat for debug output)\n"
	      "  -q, --quiet     errors only\n"
	      "  --version       print the version\n"
	      "  -h, --help      this text\n\n"
	      "Exit status: 0 all well, 1 some inputs refused, 2 could not "
	      "run.\n",
	    fp);
}

static const struct command *
find_command(const char *name)
{
	for (const struct command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
main(int argc, char **argv)
{
	int i = 1, verbosity = 1, status;

	/* Commands say what is wrong with an option themselves, in one line
	 * (cliopt_bad_option()). */
	opterr = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("dmarcsift %s\n", DMARCSIFT_VERSION);
			return EXIT_OK;
		} else if (strcmp(a, "-v") == 0 ||
		    strcmp(a, "--verbose") == 0) {
			verbosity++;
		} else if (strcmp(a, "-vv") == 0) {
			verbosity += 2;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			verbosity = 0;
		} else {
			log_error(
			    "unknown option '%s'; see dmarcsift --help", a);
			return EXIT_CANNOT_RUN;
		}
	}
	log_set_verbosity(verbosity);
	if (i == argc) {
		usage(stderr);
		return EXIT_CANNOT_RUN;
	}
	if (strcmp(argv[i], "help") == 0) {
		char *help_argv[] = {NULL, "--help", NULL};
		const struct command *c;

		if (i + 1 == argc) {
			usage(stdout);
			return EXIT_OK;
		}
		/* "help parse" is "parse --help". */
		if ((c = find_command(argv[i + 1])) == NULL) {
			log_error("unknown command '%s'; see dmarcsift --help",
			    argv[i + 1]);
			return EXIT_CANNOT_RUN;
		}
		help_argv[0] = argv[i + 1];
		status = c->run(2, help_argv);
		cliopt_cleanup();
		return status;
	}
	{
		const struct command *c = find_command(argv[i]);

		if (c != NULL) {
			status = c->run(argc - i, argv + i);
			cliopt_cleanup();
			return status;
		}
	}
	log_error("unknown command '%s'; see dmarcsift --help", argv[i]);
	return EXIT_CANNOT_RUN;
}
