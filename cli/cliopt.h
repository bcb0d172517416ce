/*
 * cliopt: the options of every command, declared once, parsed and checked
 * in one place, and the help made from the declarations.
 *
 * A command describes itself in a struct cliopt_cmd: its usage lines, a
 * paragraph about it, a table of its own options (struct cliopt_opt, made
 * with the CLIOPT_OPT_* macros below) and the groups of shared options it
 * takes (CLIOPT_G_*: --db and --config, the flags of the settings it uses,
 * --limit).  cliopt_parse() runs getopt_long over the whole set, checks
 * each typed value (a domain, a number of days, a date, a word) and stores
 * it where the declaration points, so that every command refuses a bad
 * value the same way: one line saying what is wrong, exit status 2.
 * --help prints cliopt_help(): the usage, the about text, a line per
 * declared option and per shared group, the table of the settings whose
 * flags the command takes, and the footer.  A flag cannot be accepted and
 * missing from help: both come from the same declarations.
 *
 * The flag of a setting is its key with '-' for '_' (imap_batch:
 * --imap-batch VALUE), made from the table in common/config.h: a new row
 * there is a new flag here.  A yes/no setting's flag takes its value as
 * --offline=no, --offline no (when the next word is a yes/no value) or
 * stands alone (--offline: yes).
 */
#ifndef DMARCSIFT_CLIOPT_H
#define DMARCSIFT_CLIOPT_H

#include "config.h"
#include "domain.h"
#include "input_limits.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct err;

/* A checked domain name and its NUL: what a CLIOPT_DOMAIN out holds. */
#define CLIOPT_DOMAIN_LEN DOMAIN_MAX

/* The type of an option's value, and so where out points. */
enum cliopt_kind {
	CLIOPT_FLAG, /* no value: int *out = 1 */
	CLIOPT_STRING, /* const char **out = the value (borrowed from argv) */
	CLIOPT_DOMAIN, /* char out[CLIOPT_DOMAIN_LEN]: domain_check() */
	CLIOPT_DOMAIN_OR_ALL, /* the same, or "all": out is "" */
	CLIOPT_DAYS, /* struct cliopt_period *out: Nd, N, week or month */
	CLIOPT_DATE, /* int64_t *out: YYYY-MM-DD, that day's UTC midnight */
	CLIOPT_NUMBER, /* int *out: a whole number from min to max */
	CLIOPT_WORD, /* int *out: the index of the value among words */
	CLIOPT_CALL, /* call(out, value): the command's own check */
};

/* A period's length, as CLIOPT_DAYS stores it: 1 to 366 days. */
struct cliopt_period {
	int days; /* week 7, month 30 */
	char name[16]; /* "week", "month" or "Nd" */
};

/*
 * One option of a command.  help NULL keeps it out of --help (for tests
 * only, as config --list-settings).  Its value is checked by kind before
 * it reaches out; call() says what is wrong itself (log_error) and returns
 * -1, else 0.
 */
struct cliopt_opt {
	const char *name; /* "domain": --domain */
	int short_name; /* 'j' for -j, or 0 */
	enum cliopt_kind kind;
	const char *argname; /* "DOMAIN" in help; NULL for CLIOPT_FLAG */
	const char *help; /* may hold '\n' for more lines */
	void *out;
	long min, max; /* CLIOPT_NUMBER */
	const char *words; /* CLIOPT_WORD: "text|markdown|html" */
	int (*call)(void *out, const char *value);
};

/*
 * The declarations.  The shared ones (domain, the period, --json, format)
 * carry their name, type and value's name here, once; a command gives its
 * help line, which says what the option means for that command.
 */
#define CLIOPT_OPT_FLAG(name, out, help)                                       \
	{                                                                      \
		name, 0, CLIOPT_FLAG, NULL, help, out, 0, 0, NULL, NULL        \
	}
#define CLIOPT_OPT_STRING(name, argname, out, help)                            \
	{                                                                      \
		name, 0, CLIOPT_STRING, argname, help, out, 0, 0, NULL, NULL   \
	}
#define CLIOPT_OPT_NUMBER(name, short_name, argname, out, min, max, help)      \
	{                                                                      \
		name, short_name, CLIOPT_NUMBER, argname, help, out, min, max, \
		    NULL, NULL                                                 \
	}
#define CLIOPT_OPT_WORD(name, argname, out, words, help)                       \
	{                                                                      \
		name, 0, CLIOPT_WORD, argname, help, out, 0, 0, words, NULL    \
	}
#define CLIOPT_OPT_CALL(name, argname, out, call, help)                        \
	{                                                                      \
		name, 0, CLIOPT_CALL, argname, help, out, 0, 0, NULL, call     \
	}
/* --domain DOMAIN into char out[CLIOPT_DOMAIN_LEN]. */
#define CLIOPT_OPT_DOMAIN(out, help)                                           \
	{                                                                      \
		"domain", 0, CLIOPT_DOMAIN, "DOMAIN", help, out, 0, 0, NULL,   \
		    NULL                                                       \
	}
/* --domain DOMAIN|all: all (out "") is every domain. */
#define CLIOPT_OPT_DOMAIN_OR_ALL(out, help)                                    \
	{                                                                      \
		"domain", 0, CLIOPT_DOMAIN_OR_ALL, "DOMAIN", help, out, 0, 0,  \
		    NULL, NULL                                                 \
	}
/* --since Nd: the days before the period's end (struct cliopt_period). */
#define CLIOPT_OPT_SINCE(out, help)                                            \
	{                                                                      \
		"since", 0, CLIOPT_DAYS, "Nd", help, out, 0, 0, NULL, NULL     \
	}
/* --period P: the same as a length (week, month, Nd). */
#define CLIOPT_OPT_PERIOD(out, help)                                           \
	{                                                                      \
		"period", 0, CLIOPT_DAYS, "P", help, out, 0, 0, NULL, NULL     \
	}
/* --days N: a whole number of days, 1 to max. */
#define CLIOPT_OPT_DAYS(out, max, help)                                        \
	{                                                                      \
		"days", 0, CLIOPT_NUMBER, "N", help, out, 1, max, NULL, NULL   \
	}
/* --until DATE: where the period ends, into int64_t out. */
#define CLIOPT_OPT_UNTIL(out, help)                                            \
	{                                                                      \
		"until", 0, CLIOPT_DATE, "DATE", help, out, 0, 0, NULL, NULL   \
	}
/* --json: one JSON object instead of text. */
#define CLIOPT_OPT_JSON(out)                                                   \
	{                                                                      \
		"json", 0, CLIOPT_FLAG, NULL,                                  \
		    "one JSON object (keys in reports/README.md)", out, 0, 0,  \
		    NULL, NULL                                                 \
	}
/* --format F: the index of F in words. */
#define CLIOPT_OPT_FORMAT(out, words, help)                                    \
	{                                                                      \
		"format", 0, CLIOPT_WORD, "F", help, out, 0, 0, words, NULL    \
	}
#define CLIOPT_OPT_END                                                         \
	{                                                                      \
		NULL, 0, CLIOPT_FLAG, NULL, NULL, NULL, 0, 0, NULL, NULL       \
	}

/* The shared groups a command takes (cliopt_cmd.groups). */
enum cliopt_group {
	/* --limit NAME=VALUE, --verbose, --quiet (-v and -q every command
	 * takes) */
	CLIOPT_G_COMMON = 1,
	/* --db CONNINFO, --config FILE, and a flag per input limit
	 * (--input-bytes VALUE as --limit input_bytes=VALUE) */
	CLIOPT_G_DATABASE = 2,
	/* --config FILE alone, for a command with settings but no database */
	CLIOPT_G_CONFIG_FILE = 4,
	/* a flag per imap_* setting; --imap-password is refused with a hint */
	CLIOPT_G_IMAP = 8,
	/* dns_servers (also --nameserver), dns_timeout, dns_budget, offline */
	CLIOPT_G_DNS = 16,
	/* services_file, trusted_sources and the readiness thresholds */
	CLIOPT_G_ANALYSIS = 32,
	/* a flag per smtp_* setting and mail_to; --smtp-password refused */
	CLIOPT_G_SMTP = 64,
	/* keep_reports, keep_inputs */
	CLIOPT_G_RETENTION = 128,
	/* the alert_* thresholds and alert_webhook_url */
	CLIOPT_G_ALERTS = 256,
	/* the serve_* settings of dmarcsift serve */
	CLIOPT_G_SERVE = 512,
};

/* A command, as cliopt_parse() and cliopt_help() see it. */
struct cliopt_cmd {
	const char *usage; /* "usage: dmarcsift NAME ...\n", maybe more lines */
	const char *about; /* paragraphs after the usage, or NULL */
	/* Instead of about, when the text has values to fill in. */
	void (*about_fn)(FILE *fp);
	const struct cliopt_opt *opts; /* ends with CLIOPT_OPT_END */
	unsigned groups; /* enum cliopt_group */
	/* The settings table in help: a title, NULL for the usual one. */
	const char *settings_title;
	/* Instead of the settings table (parse: the limits). */
	void (*settings_fn)(FILE *fp);
	const char *footer; /* "Exit status: ..." and what else ends help */
	/* The command takes no operand: cliopt_parse() refuses one ("NAME:
	 * unexpected argument 'X'" and the usage, EXIT_CANNOT_RUN). */
	int no_operands;
	/*
	 * When set, the flags of settings are not applied: each is handed
	 * here, in order, for the command to judge (config --check tells
	 * every bad one).  Returns 0 or -1.
	 */
	int (*setting)(void *arg, enum config_key key, const char *value);
	void *setting_arg;
};

struct cliopt {
	const char *db; /* --db CONNINFO, or NULL */
	/* with --limit NAME=VALUE applied; the config's (files and flags too)
	 * once cliopt_settings() has read them */
	struct limits lim;
	int argi; /* after cliopt_parse(): the first operand in argv */
};

/*
 * Defaults: no --db, the default limits, no flags.  Forgets the settings of
 * an earlier cliopt_init().
 */
void cliopt_init(struct cliopt *co);

/* cliopt_parse(): go on with the operands. */
#define CLIOPT_GO (-1)

/*
 * Parses argv (argv[0] the command's name) for cmd: its options and its
 * groups', -h/--help, -v/-q.  Returns CLIOPT_GO with co->argi the first
 * operand, or the exit status for the command to return: EXIT_OK after
 * printing help on stdout, EXIT_CANNOT_RUN after saying what is wrong on
 * stderr: a bad value in one line, an unknown option in one line with the
 * nearest option when one is near (--domian, did you mean --domain?) then
 * the usage lines; an operand of a command with no_operands likewise.
 */
int cliopt_parse(
    struct cliopt *co, const struct cliopt_cmd *cmd, int argc, char **argv);

/* The whole help of cmd (see the top of this file). */
void cliopt_help(FILE *fp, const struct cliopt_cmd *cmd);
/* Its usage lines only, on stderr: after a usage error of the command's. */
void cliopt_usage(const struct cliopt_cmd *cmd);

/*
 * The settings of this run: the config files (or --config FILE), then
 * $DMARCSIFT_DB, then the flags cliopt_parse() saw.  Read on the first
 * call, which comes after option parsing; dbconn_open() makes it.  It sets
 * the limits of the struct cliopt of cliopt_init() from them.  *out is
 * borrowed until cliopt_cleanup().  Errors (a bad file) are exit status 2.
 */
int cliopt_settings(const struct config **out, struct err *err);

/*
 * Applies a setting's flag as cliopt_parse() does (for a command whose
 * cmd.setting took them, once it has judged them).  Returns 0, or -1
 * after saying what is wrong.
 */
int cliopt_set(struct cliopt *co, enum config_key key, const char *value);

/* The --config FILE given, or NULL. */
const char *cliopt_config_file(void);

/*
 * The checks of CLIOPT_DAYS and CLIOPT_DATE values, for values that come
 * another way (serve's query strings), so that both are refused alike.
 * They say nothing.  cliopt_days(): a period, Nd, N, week or month, as
 * its number of days (1 to 366), or -1.  cliopt_date(): YYYY-MM-DD into
 * *out as that day's UTC midnight: 0, or -1.
 */
int cliopt_days(const char *s);
int cliopt_date(const char *s, int64_t *out);

/* Whether what a command prints may be coloured: standard output is a
 * terminal and NO_COLOR is not set (no-color.org). */
int cliopt_color(void);

/* Frees the settings; main() calls it after the command. */
void cliopt_cleanup(void);

#endif
