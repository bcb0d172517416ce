/*
 * dmarcsift config: the settings in effect, and where each comes from.
 */
#include "commands.h"

#include "cliopt.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
help(FILE *fp)
{
	char *sys = config_system_path(), *user = config_user_path();

	fprintf(fp,
	    "usage: dmarcsift config [--config FILE] [--KEY VALUE]... "
	    "[KEY...]\n\n"
	    "Prints the settings in effect as 'key = value' lines, each with "
	    "where it\ncomes from; passwords in a conninfo or URL show as "
	    "********.  With KEYs,\nprints just their values, one a line.\n\n"
	    "Settings come from, highest first: a command-line flag "
	    "(--imap-batch 50 for\nimap_batch), DMARCSIFT_DB (for db), the "
	    "per-user file, the system file, the\ndefault.  The files:\n"
	    "  %s\n  %s\n"
	    "--config FILE (or $DMARCSIFT_CONFIG) reads that file instead of "
	    "both.\n\n"
	    "File syntax: 'key = value' lines; '#' starts a comment at the "
	    "start of a\nline or after a blank; a value may be in double "
	    "quotes (with \\\" and \\\\);\nan empty value unsets a key.  "
	    "Passwords never go in the file or on the\ncommand line: name a "
	    "file or a variable that holds them.\n\n"
	    "  --config FILE   read this file instead of the default ones\n"
	    "  --KEY VALUE     set a key, as --imap-url "
	    "imaps://mail.example.com\n"
	    "  -h, --help      this text\n\n"
	    "Settings (with their defaults):\n",
	    sys, user != NULL ? user : "(no home directory: none)");
	config_print_help(fp,
	    CONFIG_GROUP_DB | CONFIG_GROUP_IMAP | CONFIG_GROUP_DNS |
	        CONFIG_GROUP_ANALYSIS | CONFIG_GROUP_SMTP);
	fputs("\nExit status: 0 done, 2 a bad setting, file or key.\n", fp);
	free(sys);
	free(user);
}

/* Whether v must be quoted to read back as itself. */
static int
needs_quotes(const char *v)
{
	size_t n = strlen(v);

	if (n == 0)
		return 0;
	return v[0] == ' ' || v[0] == '\t' || v[0] == '"' || v[0] == '#' ||
	    v[n - 1] == ' ' || v[n - 1] == '\t' || strstr(v, " #") != NULL ||
	    strstr(v, "\t#") != NULL;
}

/* "key = value" as a config file has it; the caller frees it. */
static char *
line_for(const struct config *cfg, enum config_key k)
{
	char *v = config_display(cfg, k), *line, *o;
	const char *name = config_settings[k].name;

	if (!needs_quotes(v)) {
		line = xasprintf("%s =%s%s", name, v[0] ? " " : "", v);
		free(v);
		return line;
	}
	line = xmalloc(strlen(name) + 2 * strlen(v) + 6);
	o = line + sprintf(line, "%s = \"", name);
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	strcpy(o, "\"");
	free(v);
	return line;
}

/* Every key, aligned, with its origin; the files first. */
static void
print_all(const struct config *cfg)
{
	char *lines[CONFIG_NKEYS];
	const char *path;
	int width = 0, found, n;

	for (size_t i = 0; (path = config_file(cfg, i, &found)) != NULL; i++)
		printf("# %s: %s\n", found ? "read" : "not found", path);
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		lines[k] = line_for(cfg, k);
		n = (int)strlen(lines[k]);
		if (n > width && n <= 56)
			width = n;
	}
	for (int k = 0; k < CONFIG_NKEYS; k++) {
		printf("%-*s  # %s\n", width, lines[k], config_origin(cfg, k));
		free(lines[k]);
	}
}

int
cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    CLIOPT_DATABASE,
	    CLIOPT_IMAP,
	    CLIOPT_DNS,
	    {NULL, 0, NULL, 0},
	};
	const struct config *cfg;
	struct cliopt co;
	struct err err;
	int c, h;

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
	for (int i = optind; i < argc; i++)
		if (config_key(argv[i]) < 0) {
			log_error("config: unknown setting '%s'; see dmarcsift "
			          "config --help",
			    argv[i]);
			return EXIT_CANNOT_RUN;
		}
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	if (optind == argc)
		print_all(cfg);
	for (int i = optind; i < argc; i++) {
		char *v = config_display(cfg, config_key(argv[i]));

		puts(v);
		free(v);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write standard output");
		return EXIT_CANNOT_RUN;
	}
	return EXIT_OK;
}
