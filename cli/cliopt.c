#include "cliopt.h"

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "domain.h"
#include "err.h"
#include "log.h"
#include "text.h"
#include "words.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

/* What getopt_long() returns for the options cliopt builds its table of. */
enum {
	V_OPT = 0x1000, /* + the index of a command's option */
	V_SETTING = 0x2000, /* + the config key of a setting's flag */
	V_LIMIT = 0x3000,
	V_CONFIG,
	V_NO_IMAP_PASSWORD,
	V_NO_SMTP_PASSWORD,
	V_VERBOSE = 'v',
	V_QUIET = 'q',
	V_HELP = 'h',
};

/* Longest day count a period takes: a year, leap day included. */
#define DAYS_MAX 366
/* Where an option's help starts in --help, and the line width. */
#define HELP_COLUMN 22
#define HELP_WIDTH 79

void
cliopt_init(struct cliopt *co)
{
	co->db = NULL;
	co->argi = 1;
	limits_init(&co->lim);
	cliopt_cleanup();
	settings = config_new();
	limits = &co->lim;
}

int
cliopt_color(void)
{
	return isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
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

const char *
cliopt_config_file(void)
{
	return config_path;
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
	return 0;
}

int
cliopt_set(struct cliopt *co, enum config_key k, const char *value)
{
	struct err err;
	char *flag = xasprintf("--%s", config_settings[k].flag);
	size_t n;
	int rc;

	if (settings == NULL)
		settings = config_new();
	rc = config_set(settings, k, value, CONFIG_FROM_FLAG, flag, &err);
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
		co->db = value;
	return 0;
}

/* Whether s is a yes/no value, as the config table reads one. */
static int
is_bool_word(enum config_key k, const char *s)
{
	struct config *scratch = config_new();
	struct err err;
	int ok = config_set(scratch, k, s, CONFIG_FROM_FLAG, "", &err) == 0;

	config_free(scratch);
	return ok;
}

/* The config groups whose settings have flags in a command of groups. */
static unsigned
setting_groups(unsigned groups)
{
	return (groups & CLIOPT_G_DATABASE ? CONFIG_GROUP_DB : 0) |
	    (groups & CLIOPT_G_IMAP ? CONFIG_GROUP_IMAP : 0) |
	    (groups & CLIOPT_G_DNS ? CONFIG_GROUP_DNS : 0) |
	    (groups & CLIOPT_G_ANALYSIS ? CONFIG_GROUP_ANALYSIS : 0) |
	    (groups & CLIOPT_G_SMTP ? CONFIG_GROUP_SMTP : 0) |
	    (groups & CLIOPT_G_RETENTION ? CONFIG_GROUP_RETENTION : 0) |
	    (groups & CLIOPT_G_ALERTS ? CONFIG_GROUP_ALERTS : 0) |
	    (groups & CLIOPT_G_SERVE ? CONFIG_GROUP_SERVE : 0);
}

/* ------------------------------------------------------------------------
 * Typed values. */

int
cliopt_days(const char *s)
{
	char *end;
	long v;

	if (strcmp(s, "week") == 0)
		return 7;
	if (strcmp(s, "month") == 0)
		return 30;
	v = strtol(s, &end, 10);
	if (end == s || (*end != '\0' && strcmp(end, "d") != 0) || v < 1 ||
	    v > DAYS_MAX)
		return -1;
	return (int)v;
}

int
cliopt_date(const char *s, int64_t *out)
{
	/* A date only, YYYY-MM-DD: not a time, not Unix seconds. */
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    clock_parse(s, out) == 0)
		return 0;
	return -1;
}

/* Checks and stores the value of a command's own option; 0 or -1. */
static int
take_value(const struct cliopt_opt *o, const char *v)
{
	struct err err;
	char *end, *w;
	long n;
	int k;

	switch (o->kind) {
	case CLIOPT_FLAG:
		*(int *)o->out = 1;
		return 0;
	case CLIOPT_STRING:
		*(const char **)o->out = v;
		return 0;
	case CLIOPT_DOMAIN_OR_ALL:
		if (strcmp(v, "all") == 0) {
			((char *)o->out)[0] = '\0';
			return 0;
		}
		/* FALLTHROUGH */
	case CLIOPT_DOMAIN:
		if (domain_check(v, o->out, CLIOPT_DOMAIN_LEN, &err) == 0)
			return 0;
		log_error("--%s: %s", o->name, err.msg);
		return -1;
	case CLIOPT_DAYS:
		if ((k = cliopt_days(v)) > 0) {
			struct cliopt_period *p = o->out;

			p->days = k;
			if (strcmp(v, "week") == 0 || strcmp(v, "month") == 0)
				snprintf(p->name, sizeof(p->name), "%s", v);
			else
				snprintf(p->name, sizeof(p->name), "%dd", k);
			return 0;
		}
		log_error("--%s: want Nd (1 to %d days), week or month, got "
		          "'%s'",
		    o->name, DAYS_MAX, v);
		return -1;
	case CLIOPT_DATE:
		if (cliopt_date(v, o->out) == 0)
			return 0;
		log_error("--%s: want a date YYYY-MM-DD, got '%s'", o->name, v);
		return -1;
	case CLIOPT_NUMBER:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno == 0 && *v != '\0' && *end == '\0' && n >= o->min &&
		    n <= o->max) {
			*(int *)o->out = (int)n;
			return 0;
		}
		log_error("--%s: want a whole number from %ld to %ld, got '%s'",
		    o->name, o->min, o->max, v);
		return -1;
	case CLIOPT_WORD:
		if ((k = words_find(o->words, v, strlen(v), 0)) >= 0) {
			*(int *)o->out = k;
			return 0;
		}
		w = words_text(o->words);
		log_error("--%s: want %s, got '%s'", o->name, w, v);
		free(w);
		return -1;
	case CLIOPT_CALL:
		return o->call(o->out, v);
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * Help. */

/*
 * "  LEFT  help", help word-wrapped from HELP_COLUMN; '\n' in it starts a
 * line, whose leading blanks stay (an indented example).
 */
static void
help_line(FILE *fp, const char *left, const char *help)
{
	int col = fprintf(fp, "  %s", left), fresh = 1;
	const char *p = help;
	size_t len;

	if (col + 2 > HELP_COLUMN) {
		fputc('\n', fp);
		col = 0;
	}
	fprintf(fp, "%*s", HELP_COLUMN - col, "");
	col = HELP_COLUMN;
	while (*p != '\0') {
		if (*p == '\n') {
			fprintf(fp, "\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
			fresh = 1;
			for (p++; *p == ' '; p++, col++)
				fputc(' ', fp);
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		len = strcspn(p, " \n");
		if (!fresh && col + 1 + (int)len > HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
		} else if (!fresh) {
			fputc(' ', fp);
			col++;
		}
		col += fprintf(fp, "%.*s", (int)len, p);
		fresh = 0;
		p += len;
	}
	fputc('\n', fp);
}

/* The lines of the shared options a command of groups takes. */
static void
help_groups(FILE *fp, unsigned groups)
{
	if (groups & CLIOPT_G_DATABASE) {
		help_line(fp, "--db CONNINFO",
		    "a libpq conninfo string or postgresql:// URL; default: "
		    "$DMARCSIFT_DB, then db in the config file, else "
		    "dmarcsift's own cluster");
	}
	if (groups & (CLIOPT_G_DATABASE | CLIOPT_G_CONFIG_FILE))
		help_line(fp, "--config FILE",
		    "read settings from FILE only, not the usual files");
	if (groups & CLIOPT_G_DATABASE)
		help_line(fp, "--LIMIT VALUE",
		    "an input limit, as --limit (--input-bytes 1G; "
		    "dmarcsift parse --help lists them)");
	if (groups & CLIOPT_G_DNS)
		help_line(fp, "--nameserver LIST", "the same as --dns-servers");
	if (groups & CLIOPT_G_COMMON) {
		help_line(fp, "--limit NAME=VALUE",
		    "change an input limit (dmarcsift parse --help lists "
		    "them)");
		help_line(
		    fp, "-v, --verbose", "say more (twice: debug output)");
		help_line(fp, "-q, --quiet", "errors only");
	} else {
		help_line(fp, "-v, -q", "say more, or errors only");
	}
	help_line(fp, "-h, --help", "this text");
}

void
cliopt_help(FILE *fp, const struct cliopt_cmd *cmd)
{
	unsigned table = setting_groups(cmd->groups) & ~CONFIG_GROUP_DB;

	fputs(cmd->usage, fp);
	fputc('\n', fp);
	if (cmd->about_fn != NULL) {
		cmd->about_fn(fp);
		fputc('\n', fp);
	} else if (cmd->about != NULL) {
		fprintf(fp, "%s\n", cmd->about);
	}
	for (const struct cliopt_opt *o = cmd->opts; o->name != NULL; o++) {
		char left[64];

		if (o->help == NULL)
			continue;
		if (o->short_name != 0)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    o->short_name, o->name, o->argname ? " " : "",
			    o->argname ? o->argname : "");
		else
			snprintf(left, sizeof(left), "--%s%s%s", o->name,
			    o->argname ? " " : "",
			    o->argname ? o->argname : "");
		help_line(fp, left, o->help);
	}
	help_groups(fp, cmd->groups);
	if (cmd->settings_fn != NULL) {
		fputc('\n', fp);
		cmd->settings_fn(fp);
	} else if (table != 0) {
		fprintf(fp, "\n%s\n",
		    cmd->settings_title != NULL
		        ? cmd->settings_title
		        : "Settings (--KEY VALUE, or KEY = VALUE in the "
		          "config file):");
		config_print_help(fp, table);
	}
	if (cmd->footer != NULL)
		fprintf(fp, "\n%s", cmd->footer);
}

void
cliopt_usage(const struct cliopt_cmd *cmd)
{
	fputs(cmd->usage, stderr);
}

/* ------------------------------------------------------------------------
 * Parsing. */

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

/*
 * getopt_long() returned '?': one line saying what is wrong (getopt's own
 * message is off, main() turns it off), then the usage lines.
 */
static void
bad_option(char *const *argv, const char *shortopts, const struct option *opts,
    const struct cliopt_cmd *cmd)
{
	const struct option *o;

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
	cliopt_usage(cmd);
}

/* The getopt tables of cmd: *longs and *shorts, the caller's to free. */
static void
build_tables(const struct cliopt_cmd *cmd, struct option **longs, char **shorts)
{
	unsigned sg = setting_groups(cmd->groups);
	size_t nopts = 0, n = 0;
	struct option *l;
	char *s;

	while (cmd->opts[nopts].name != NULL)
		nopts++;
	l = xcalloc(nopts + CONFIG_NKEYS + 10, sizeof(*l));
	s = xmalloc(2 * nopts + 4);
	strcpy(s, "hvq");
	for (size_t i = 0; i < nopts; i++) {
		const struct cliopt_opt *o = &cmd->opts[i];
		int arg =
		    o->kind == CLIOPT_FLAG ? no_argument : required_argument;

		l[n++] = (struct option){o->name, arg, NULL,
		    o->short_name ? o->short_name : V_OPT + (int)i};
		if (o->short_name != 0) {
			size_t e = strlen(s);

			s[e++] = (char)o->short_name;
			if (arg == required_argument)
				s[e++] = ':';
			s[e] = '\0';
		}
	}
	l[n++] = (struct option){"help", no_argument, NULL, V_HELP};
	if (cmd->groups & CLIOPT_G_COMMON) {
		l[n++] =
		    (struct option){"limit", required_argument, NULL, V_LIMIT};
		l[n++] =
		    (struct option){"verbose", no_argument, NULL, V_VERBOSE};
		l[n++] = (struct option){"quiet", no_argument, NULL, V_QUIET};
	}
	if (cmd->groups & (CLIOPT_G_DATABASE | CLIOPT_G_CONFIG_FILE))
		l[n++] = (struct option){
		    "config", required_argument, NULL, V_CONFIG};
	for (int k = 0; k < CONFIG_NKEYS; k++)
		if (config_settings[k].group & sg)
			/* A yes/no flag may stand alone: --offline. */
			l[n++] = (struct option){config_settings[k].flag,
			    config_settings[k].type == CONFIG_BOOL
			        ? optional_argument
			        : required_argument,
			    NULL, V_SETTING + k};
	if (cmd->groups & CLIOPT_G_DNS)
		l[n++] = (struct option){"nameserver", required_argument, NULL,
		    V_SETTING + CONFIG_DNS_SERVERS};
	if (cmd->groups & CLIOPT_G_IMAP)
		l[n++] = (struct option){"imap-password", required_argument,
		    NULL, V_NO_IMAP_PASSWORD};
	if (cmd->groups & CLIOPT_G_SMTP)
		l[n++] = (struct option){"smtp-password", required_argument,
		    NULL, V_NO_SMTP_PASSWORD};
	l[n] = (struct option){NULL, 0, NULL, 0};
	*longs = l;
	*shorts = s;
}

/*
 * A setting's flag: a yes/no one alone takes the next word when that is a
 * yes/no value (--offline no), the documented --KEY VALUE form.
 */
static int
take_setting(struct cliopt *co, const struct cliopt_cmd *cmd, enum config_key k,
    const char *arg, int argc, char **argv)
{
	if (arg == NULL && config_settings[k].type == CONFIG_BOOL) {
		arg = "yes";
		if (optind < argc && is_bool_word(k, argv[optind]))
			arg = argv[optind++];
	}
	if (cmd->setting != NULL)
		return cmd->setting(cmd->setting_arg, k, arg);
	return cliopt_set(co, k, arg);
}

/* One option getopt_long() returned: 0, or -1 after saying why not. */
static int
take(struct cliopt *co, const struct cliopt_cmd *cmd, int c, int argc,
    char **argv)
{
	struct err err;

	if (c >= V_SETTING && c < V_SETTING + CONFIG_NKEYS)
		return take_setting(co, cmd, c - V_SETTING, optarg, argc, argv);
	if (c >= V_OPT && c < V_SETTING)
		return take_value(&cmd->opts[c - V_OPT], optarg);
	for (const struct cliopt_opt *o = cmd->opts; o->name != NULL; o++)
		if (o->short_name != 0 && o->short_name == c)
			return take_value(o, optarg);
	switch (c) {
	case V_CONFIG:
		return set_config_file(optarg);
	case V_NO_IMAP_PASSWORD:
	case V_NO_SMTP_PASSWORD: {
		const char *p = c == V_NO_IMAP_PASSWORD ? "imap" : "smtp";

		log_error("--%s-password: a password is never taken on the "
		          "command line (other users can see it); use "
		          "--%s-password-file FILE or --%s-password-env "
		          "VARIABLE",
		    p, p, p);
		return -1;
	}
	case V_LIMIT:
		if (limits_set(&co->lim, optarg, &err) < 0 ||
		    limits_set_config(settings, optarg, &err) < 0) {
			log_error("%s", err.msg);
			return -1;
		}
		return 0;
	case V_VERBOSE:
		log_set_verbosity(log_verbosity() + 1);
		return 0;
	case V_QUIET:
		log_set_verbosity(0);
		return 0;
	}
	return -1;
}

int
cliopt_parse(
    struct cliopt *co, const struct cliopt_cmd *cmd, int argc, char **argv)
{
	struct option *longs;
	char *shorts;
	int c, rc = CLIOPT_GO;

	if (settings == NULL)
		settings = config_new();
	build_tables(cmd, &longs, &shorts);
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == V_HELP) {
			cliopt_help(stdout, cmd);
			rc = EXIT_OK;
			break;
		}
		if (c == '?') {
			bad_option(argv, shorts, longs, cmd);
			rc = EXIT_CANNOT_RUN;
			break;
		}
		if (take(co, cmd, c, argc, argv) < 0) {
			rc = EXIT_CANNOT_RUN;
			break;
		}
	}
	co->argi = optind;
	free(longs);
	free(shorts);
	if (rc == CLIOPT_GO && cmd->no_operands && co->argi < argc) {
		log_error(
		    "%s: unexpected argument '%s'", argv[0], argv[co->argi]);
		cliopt_usage(cmd);
		rc = EXIT_CANNOT_RUN;
	}
	return rc;
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
