/*
 * commands: the subcommands of dmarcsift, one file each (cmd_NAME.c).
 *
 * A command is cmd_NAME(argc, argv) with argv[0] the command's name; its
 * return value is the process exit status:
 *   0  everything went well
 *   1  it ran, but some inputs were refused (cron should notice)
 *   2  it could not run: bad usage, missing file, no database
 */
#ifndef DMARCSIFT_COMMANDS_H
#define DMARCSIFT_COMMANDS_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_SOME_FAILED = 1,
	EXIT_CANNOT_RUN = 2,
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_alert(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_reparse(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_advise(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sources(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_tls(int argc, char **argv);

/* The table, ending with a NULL name. */
extern const struct command commands[];

#endif
