/*
 * dmarcsift config: the settings in effect, and where each comes from.
 */
#include "commands.h"

#include "cliopt.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "services.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
about(FILE *fp)
{
	char *sys = config_system_path(), *user = config_user_path();

	fprintf(fp,
	    "Prints the settings in effect as 'key = value' lines, each with "
	    "where it\ncomes from; passwords in a conninfo or URL show as "
	    "********.  With KEYs,\nprints just their values, one a line.  "
	    "With --check, reads every file and\nchecks every setting "
	    "(addresses, networks, domains, name servers, the\nservices "
	    "file and the service names in trusted_sources and "
	    "ignored_sources)\nand prints 'ok', or each problem with "
	    "where it is.\n\n"
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
	    "file or a variable that holds them.\n",
	    sys, user != NULL ? user : "(no home directory: none)");
	free(sys);
	free(user);
}

/* Every setting, with its default: what --KEY VALUE may set. */
static void
all_settings(FILE *fp)
{
	fputs("Settings, with their defaults (--KEY VALUE sets one: "
	      "--imap-url imaps://mail.example.com):\n",
	    fp);
	config_print_help(fp,
	    CONFIG_GROUP_DB | CONFIG_GROUP_IMAP | CONFIG_GROUP_DNS |
	        CONFIG_GROUP_ANALYSIS | CONFIG_GROUP_SMTP |
	        CONFIG_GROUP_RETENTION | CONFIG_GROUP_ALERTS |
	        CONFIG_GROUP_SERVE);
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

/*
 * --list-settings, for tests (tests/cli/test_settings_readme.sh checks the
 * README's tables against it) and not in --help: the table, one setting a
 * line, tab-separated: key, type, default, range (MIN..MAX, the allowed
 * words a|b, or -), where it may be set (file, its flag, --limit NAME=V
 * for a limit, its environment variable), help.
 */
static void
list_settings(void)
{
	static const char *const types[] = {
	    [CONFIG_STRING] = "string",
	    [CONFIG_PATH] = "path",
	    [CONFIG_ENVVAR] = "envvar",
	    [CONFIG_COMMAND] = "command",
	    [CONFIG_URL] = "url",
	    [CONFIG_INT] = "int",
	    [CONFIG_BOOL] = "bool",
	    [CONFIG_ENUM] = "enum",
	    [CONFIG_COUNT] = "count",
	    [CONFIG_SIZE] = "size",
	};

	for (int k = 0; k < CONFIG_NKEYS; k++) {
		const struct config_setting *s = &config_settings[k];
		int limit = s->type == CONFIG_COUNT || s->type == CONFIG_SIZE;

		printf("%s\t%s\t%s\t", s->name, types[s->type], s->dflt);
		if (s->type == CONFIG_INT || limit)
			printf("%lld..%lld", s->min, s->max);
		else
			fputs(s->words != NULL ? s->words : "-", stdout);
		printf("\tfile --%s", s->flag);
		if (limit)
			printf(" --limit %s=V", s->name);
		if (s->env != NULL)
			printf(" %s", s->env);
		printf("\t%s\n", s->help);
	}
}

static void
tell(void *arg, const struct err *why)
{
	unsigned *n = arg;

	(*n)++;
	log_error("%s", why->msg);
}

/*
 * The entries of trusted_sources or ignored_sources that are names must be
 * services dmarcsift knows, and none may be in both lists: what the
 * analysis commands refuse (cli/analysis_env.c), told here for each.
 */
static void
check_names(const struct config *cfg, const struct services *sv,
    enum config_key k, enum config_key other, unsigned *n)
{
	const char *p = config_str(cfg, k), *q, *near;
	char item[128], o[128];

	while (p != NULL && text_list_next(&p, item, sizeof(item)) >= 0) {
		int both = 0;

		for (q = config_str(cfg, other);
		     q != NULL && text_list_next(&q, o, sizeof(o)) >= 0;)
			both |= strcasecmp(o, item) == 0;
		if (both && k == CONFIG_TRUSTED_SOURCES) {
			log_error("%s (%s) and %s (%s) both list '%s'; say "
			          "which it is",
			    config_settings[k].name, config_origin(cfg, k),
			    config_settings[other].name,
			    config_origin(cfg, other), item);
			(*n)++;
		}
		if (strchr(item, '/') != NULL ||
		    strspn(item, "0123456789abcdefABCDEF.:") == strlen(item) ||
		    services_name(sv, item, &near) != NULL)
			continue;
		(*n)++;
		if (near != NULL)
			log_error("%s (%s): '%s' is not a service dmarcsift "
			          "knows; did you mean '%s'?",
			    config_settings[k].name, config_origin(cfg, k),
			    item, near);
		else
			log_error("%s (%s): '%s' is not a service dmarcsift "
			          "knows: give a name as `dmarcsift sources` "
			          "shows it, an address or a network (or add "
			          "the service to services_file)",
			    config_settings[k].name, config_origin(cfg, k),
			    item);
	}
}

/*
 * --check: the flags, the files (every bad line, not only the first),
 * $DMARCSIFT_DB, each value for what it means, then the services list as
 * the analysis loads it and the service names against it.
 */
static int
check_all(const char *file, const int *flag_key, char **flag_val, int nflags)
{
	struct config *cfg = config_new();
	struct services *sv = NULL;
	unsigned n = 0;
	struct err err;

	for (int i = 0; i < nflags; i++) {
		char *origin =
		    xasprintf("--%s", config_settings[flag_key[i]].flag);

		if (config_set(cfg, flag_key[i], flag_val[i], CONFIG_FROM_FLAG,
		        origin, &err) < 0) {
			log_error("%s: %s", origin, err.msg);
			n++;
		}
		free(origin);
	}
	(void)config_load_all(cfg, file, tell, &n);
	if (n == 0) {
		if (services_load(
		        &sv, config_str(cfg, CONFIG_SERVICES_FILE), &err) < 0) {
			log_error("services_file (%s): %s",
			    config_origin(cfg, CONFIG_SERVICES_FILE), err.msg);
			n++;
		} else {
			check_names(cfg, sv, CONFIG_TRUSTED_SOURCES,
			    CONFIG_IGNORED_SOURCES, &n);
			check_names(cfg, sv, CONFIG_IGNORED_SOURCES,
			    CONFIG_TRUSTED_SOURCES, &n);
		}
		services_free(sv);
	}
	config_free(cfg);
	if (n > 0) {
		log_error("%u problem(s) in the settings", n);
		return EXIT_CANNOT_RUN;
	}
	puts("ok");
	return fflush(stdout) != 0 ? EXIT_CANNOT_RUN : EXIT_OK;
}

/* The settings' flags, kept for --check to tell every bad one. */
struct flags {
	int *key;
	char **val;
	int n;
};

static int
keep_flag(void *arg, enum config_key key, const char *value)
{
	struct flags *f = arg;

	f->key[f->n] = key;
	f->val[f->n++] = (char *)value;
	return 0;
}

int
cmd_config(int argc, char **argv)
{
	struct flags fl = {NULL, NULL, 0};
	int check = 0, list = 0, rc;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG(
	        "check", &check, "check everything, say 'ok' or every problem"),
	    /* For tests/cli/test_settings_readme.sh: not in help. */
	    CLIOPT_OPT_FLAG("list-settings", &list, NULL),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift config [--config FILE] [--KEY VALUE]... "
	             "[KEY...]\n"
	             "       dmarcsift config --check [--config FILE] [--KEY "
	             "VALUE]...\n",
	    .about_fn = about,
	    .opts = opts,
	    .groups = CLIOPT_G_DATABASE | CLIOPT_G_IMAP | CLIOPT_G_DNS |
	        CLIOPT_G_ANALYSIS | CLIOPT_G_SMTP | CLIOPT_G_RETENTION |
	        CLIOPT_G_ALERTS | CLIOPT_G_SERVE,
	    .settings_fn = all_settings,
	    .footer = "Exit status: 0 done (--check: all is well), 2 a bad "
	              "setting, file or key.\n",
	    .setting = keep_flag,
	    .setting_arg = &fl,
	};
	const struct config *cfg;
	struct cliopt co;
	struct err err;

	fl.key = xcalloc((size_t)argc + 1, sizeof(*fl.key));
	fl.val = xcalloc((size_t)argc + 1, sizeof(*fl.val));
	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		goto done;
	if (list) {
		list_settings();
		rc = fflush(stdout) != 0 ? EXIT_CANNOT_RUN : EXIT_OK;
		goto done;
	}
	rc = EXIT_CANNOT_RUN;
	if (check) {
		if (co.argi != argc)
			log_error("config: --check takes no KEY");
		else
			rc = check_all(
			    cliopt_config_file(), fl.key, fl.val, fl.n);
		goto done;
	}
	for (int i = 0; i < fl.n; i++)
		if (cliopt_set(&co, fl.key[i], fl.val[i]) < 0)
			goto done;
	for (int i = co.argi; i < argc; i++)
		if (config_key(argv[i]) < 0) {
			log_error("config: unknown setting '%s'; see dmarcsift "
			          "config --help",
			    argv[i]);
			goto done;
		}
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		goto done;
	}
	if (co.argi == argc)
		print_all(cfg);
	for (int i = co.argi; i < argc; i++) {
		char *v = config_display(cfg, config_key(argv[i]));

		puts(v);
		free(v);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		log_error("cannot write standard output");
	else
		rc = EXIT_OK;
done:
	free(fl.key);
	free(fl.val);
	return rc;
}
