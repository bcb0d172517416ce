#include "cliopt.h"

#include "config.h"
#include "err.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The settings of this run (one command per process): flags go in as they
 * come, the files and the environment below them on the first
 * cliopt_settings().
 */
static struct config *settings;
static char *config_path; /* --config FILE */
static int loaded;
/* The run's limits: --limit at once, the config files when they are read. */
static struct limits *limits;

void
cliopt_init(struct cliopt *co)
{
	co->db = NULL;
	limits_init(&co->lim);
	cliopt_cleanup();
	settings = config_new();
	limits = &co->lim;
}

void
cliopt_cleanup(void)
{
	config_free(settings);
	settings = NULL;
	free(config_path);
	config_path = NULL;
	loaded = 0;
	limits = NULL;
}

/* --config FILE: said at once when it cannot be read, by every command. */
static int
set_config_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		log_error(
		    "--config %s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	free(config_path);
	config_path = xstrdup(path);
	return 1;
}

int
cliopt_handle(struct cliopt *co, int c, const char *arg)
{
	struct err err;
	char *flag;
	size_t n;
	int rc;

	if (c >= CLIOPT_SETTING && c < CLIOPT_SETTING + CONFIG_NKEYS) {
		enum config_key k = c - CLIOPT_SETTING;

		if (settings == NULL)
			settings = config_new();
		flag = xasprintf("--%s", config_settings[k].flag);
		/* A yes/no flag alone means yes: --offline. */
		if (arg == NULL && config_settings[k].type == CONFIG_BOOL)
			arg = "yes";
		rc = config_set(settings, k, arg, CONFIG_FROM_FLAG, flag, &err);
		if (rc < 0) {
			/* "imap_batch: ..." reads "--imap-batch: ...". */
			n = strlen(config_settings[k].name);
			if (strncmp(err.msg, config_settings[k].name, n) == 0 &&
			    err.msg[n] == ':')
				log_error("%s%s", flag, err.msg + n);
			else
				log_error("%s: %s", flag, err.msg);
		}
		free(flag);
		if (rc < 0)
			return -1;
		if (k == CONFIG_DB)
			co->db = arg;
		return 1;
	}
	switch (c) {
	case CLIOPT_CONFIG:
		return set_config_file(arg);
	case CLIOPT_NO_PASSWORD:
		log_error("--imap-password: a password is never taken on the "
		          "command line (other users can see it); use "
		          "--imap-password-file FILE or --imap-password-env "
		          "VARIABLE");
		return -1;
	case CLIOPT_NO_SMTP_PASSWORD:
		log_error("--smtp-password: a password is never taken on the "
		          "command line (other users can see it); use "
		          "--smtp-password-file FILE or --smtp-password-env "
		          "VARIABLE");
		return -1;
	case CLIOPT_LIMIT:
		if (settings == NULL)
			settings = config_new();
		if (limits_set(&co->lim, arg, &err) < 0 ||
		    limits_set_config(settings, arg, &err) < 0) {
			log_error("%s", err.msg);
			return -1;
		}
		return 1;
	case 'v':
		log_set_verbosity(log_verbosity() + 1);
		return 1;
	case 'q':
		log_set_verbosity(0);
		return 1;
	}
	return 0;
}

int
cliopt_settings(const struct config **out, struct err *err)
{
	int rc;

	if (settings == NULL)
		settings = config_new();
	if (!loaded) {
		if ((rc = config_load(settings, config_path, err)) < 0)
			return rc;
		loaded = 1;
		if (limits != NULL)
			limits_from_config(limits, settings);
	}
	*out = settings;
	return 0;
}

/* The long option nearest to name (at most 2 edits), or NULL. */
static const char *
nearest_option(const char *name, const struct option *opts)
{
	const char *best = NULL;
	size_t d, bestd = 3;

	for (const struct option *o = opts; o->name != NULL; o++) {
		d = text_distance(name, o->name, 0);
		if (d < bestd) {
			bestd = d;
			best = o->name;
		}
	}
	return best;
}

/* help's text up to its first blank line: the usage lines. */
static void
usage_lines(void (*help)(FILE *))
{
	char *text = NULL, *blank;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL) {
		help(stderr);
		return;
	}
	help(mem);
	if (fclose(mem) != 0 || text == NULL) {
		free(text);
		help(stderr);
		return;
	}
	if ((blank = strstr(text, "\n\n")) != NULL)
		blank[1] = '\0';
	fputs(text, stderr);
	free(text);
}

void
cliopt_bad_option(int c, char *const *argv, const char *shortopts,
    const struct option *opts, void (*help)(FILE *))
{
	const struct option *o;

	if (c != '?') {
		/* In the table but not handled: a command's own slip. */
		help(stderr);
		return;
	}
	if (optopt == 0) {
		/* An unknown long option: getopt has stepped past it. */
		char name[64];
		const char *arg = optind > 0 ? argv[optind - 1] : "";
		const char *near;
		size_t n;

		arg += strspn(arg, "-");
		n = strcspn(arg, "=");
		snprintf(
		    name, sizeof(name), "%.*s", (int)(n < 60 ? n : 60), arg);
		near = nearest_option(name, opts);
		if (near != NULL)
			log_error("unknown option '--%s' (did you mean --%s?)",
			    name, near);
		else
			log_error("unknown option '--%s'", name);
	} else {
		for (o = opts; o->name != NULL && o->val != optopt; o++)
			;
		if (o->name != NULL)
			log_error("option '--%s' needs a value", o->name);
		else if (optopt > ' ' && optopt < 127 &&
		    strchr(shortopts, optopt) != NULL)
			log_error("option '-%c' needs a value", optopt);
		else if (optopt > ' ' && optopt < 127)
			log_error("unknown option '-%c'", optopt);
		else
			log_error("unknown option");
	}
	usage_lines(help);
}
