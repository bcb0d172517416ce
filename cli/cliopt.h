/*
 * cliopt: the options commands share, handled in one place.
 *
 * A command lists in its getopt_long table CLIOPT_COMMON (--limit, -v, -q)
 * and, by the settings it uses: CLIOPT_DATABASE (--db, --config FILE and a
 * flag for each input limit, --input-bytes VALUE as --limit input_bytes=V),
 * CLIOPT_IMAP (a flag for every imap_* setting; with CLIOPT_DATABASE or
 * CLIOPT_CONFIG_FILE), CLIOPT_DNS (dns_servers, dns_timeout and offline,
 * likewise), CLIOPT_ANALYSIS and CLIOPT_SMTP.  It
 * puts "vq" in its short options and passes every option its own switch does
 * not know to cliopt_handle().  After parsing, cliopt_settings() gives the
 * settings of this run: files, environment and flags together.
 *
 * The flag of a setting is its key with '-' for '_' (imap_batch:
 * --imap-batch VALUE), made from the table in common/config.h: a new row
 * there is a new flag here.
 */
#ifndef DMARCSIFT_CLIOPT_H
#define DMARCSIFT_CLIOPT_H

#include "config.h"
#include "input_limits.h"

#include <getopt.h>
#include <stdio.h>

struct err;

struct cliopt {
	const char *db; /* --db CONNINFO, or NULL */
	/* with --limit NAME=VALUE applied; the config's (files and flags too)
	 * once cliopt_settings() has read them */
	struct limits lim;
};

#define CLIOPT_LIMIT 0x101
#define CLIOPT_CONFIG 0x102
#define CLIOPT_NO_PASSWORD 0x103
#define CLIOPT_NO_SMTP_PASSWORD 0x104
/* The flag of setting k has the value CLIOPT_SETTING + k. */
#define CLIOPT_SETTING 0x200
#define CLIOPT_DB (CLIOPT_SETTING + CONFIG_DB)

#define CLIOPT_COMMON                                                          \
	{"limit", required_argument, NULL, CLIOPT_LIMIT},                      \
	    {"verbose", no_argument, NULL, 'v'},                               \
	{                                                                      \
		"quiet", no_argument, NULL, 'q'                                \
	}

/*
 * The flags of one group, picked from the table by its GROUP column: each row
 * becomes an option (with a trailing comma) or nothing.  CLIOPT_G_<group>
 * picks its own place among five arguments, one a group, so that a row's
 * GROUP chooses whether the flag is there.
 */
#define CLIOPT_FLAG_(id, flag, type)                                           \
	{flag, CLIOPT_ARG_##type, NULL, CLIOPT_SETTING + CONFIG_##id},
/* A yes/no setting's flag may stand alone (--offline, --offline=no). */
#define CLIOPT_ARG_STRING required_argument
#define CLIOPT_ARG_PATH required_argument
#define CLIOPT_ARG_ENVVAR required_argument
#define CLIOPT_ARG_COMMAND required_argument
#define CLIOPT_ARG_URL required_argument
#define CLIOPT_ARG_INT required_argument
#define CLIOPT_ARG_COUNT required_argument
#define CLIOPT_ARG_SIZE required_argument
#define CLIOPT_ARG_ENUM required_argument
#define CLIOPT_ARG_BOOL optional_argument
#define CLIOPT_G_DB(db, imap, dns, analysis, smtp) db
#define CLIOPT_G_IMAP(db, imap, dns, analysis, smtp) imap
#define CLIOPT_G_DNS(db, imap, dns, analysis, smtp) dns
#define CLIOPT_G_ANALYSIS(db, imap, dns, analysis, smtp) analysis
#define CLIOPT_G_SMTP(db, imap, dns, analysis, smtp) smtp
#define CLIOPT_DB_ROW_(id, name, flag, group, type, ...)                       \
	CLIOPT_G_##group(CLIOPT_FLAG_(id, flag, type), , , , )
#define CLIOPT_IMAP_ROW_(id, name, flag, group, type, ...)                     \
	CLIOPT_G_##group(, CLIOPT_FLAG_(id, flag, type), , , )
#define CLIOPT_DNS_ROW_(id, name, flag, group, type, ...)                      \
	CLIOPT_G_##group(, , CLIOPT_FLAG_(id, flag, type), , )
#define CLIOPT_ANALYSIS_ROW_(id, name, flag, group, type, ...)                 \
	CLIOPT_G_##group(, , , CLIOPT_FLAG_(id, flag, type), )
#define CLIOPT_SMTP_ROW_(id, name, flag, group, type, ...)                     \
	CLIOPT_G_##group(, , , , CLIOPT_FLAG_(id, flag, type))

/* --config FILE alone, for a command with settings but no database. */
#define CLIOPT_CONFIG_FILE                                                     \
	{                                                                      \
		"config", required_argument, NULL, CLIOPT_CONFIG               \
	}
/* --db CONNINFO and --config FILE: for every command that reads settings. */
#define CLIOPT_DATABASE CONFIG_SETTINGS(CLIOPT_DB_ROW_) CLIOPT_CONFIG_FILE
/*
 * --imap-url URL and the rest; --imap-password is there to be refused with a
 * hint (passwords never go on the command line).  A command that lists it
 * lists CLIOPT_DATABASE too, or CLIOPT_CONFIG_FILE when it has no database.
 */
#define CLIOPT_IMAP                                                            \
	CONFIG_SETTINGS(CLIOPT_IMAP_ROW_)                                      \
	{                                                                      \
		"imap-password", required_argument, NULL, CLIOPT_NO_PASSWORD   \
	}

/*
 * --dns-servers LIST and --dns-timeout MS, with --nameserver LIST as another
 * name for --dns-servers.  A command that lists it lists CLIOPT_DATABASE
 * too, or CLIOPT_CONFIG_FILE when it has no database.
 */
#define CLIOPT_DNS                                                             \
	CONFIG_SETTINGS(CLIOPT_DNS_ROW_)                                       \
	{                                                                      \
		"nameserver", required_argument, NULL,                         \
		    CLIOPT_SETTING + CONFIG_DNS_SERVERS                        \
	}

/*
 * --services-file, --trusted-sources and the readiness thresholds, for the
 * commands that classify sources.  Its rows end in commas: list it just
 * before another group (CLIOPT_ANALYSIS CLIOPT_DNS,), with no comma.
 */
#define CLIOPT_ANALYSIS CONFIG_SETTINGS(CLIOPT_ANALYSIS_ROW_)

/*
 * --smtp-url URL and the rest, for a command that sends mail; with
 * CLIOPT_DATABASE or CLIOPT_CONFIG_FILE.  --smtp-password is there to be
 * refused with a hint.
 */
#define CLIOPT_SMTP                                                            \
	CONFIG_SETTINGS(CLIOPT_SMTP_ROW_)                                      \
	{                                                                      \
		"smtp-password", required_argument, NULL,                      \
		    CLIOPT_NO_SMTP_PASSWORD                                    \
	}

/*
 * Defaults: no --db, the default limits, no flags.  Forgets the settings of
 * an earlier cliopt_init().
 */
void cliopt_init(struct cliopt *co);
/*
 * Handles option c (with its optarg) when it is a shared one.  Returns 1
 * when handled, 0 when it is not a shared option (a usage error for the
 * caller to report), -1 for a bad value (already said on stderr).
 */
int cliopt_handle(struct cliopt *co, int c, const char *arg);
/*
 * A usage error after getopt_long() returned c and cliopt_handle() did not
 * know it: one line on stderr naming the option that is unknown (with the
 * closest of opts when one is near: --domian, did you mean --domain?) or
 * lacks its value, then the usage lines of help (its text up to the first
 * blank line), not the whole help.  main() turns getopt's own message off.
 */
void cliopt_bad_option(int c, char *const *argv, const char *shortopts,
    const struct option *opts, void (*help)(FILE *));
/*
 * The settings of this run: the config files (or --config FILE), then
 * $DMARCSIFT_DB, then the flags given to cliopt_handle().  Read on the first
 * call, which comes after option parsing; dbconn_open() makes it.  It sets
 * the limits of the struct cliopt of cliopt_init() from them.  *out is
 * borrowed until cliopt_cleanup().  Errors (a bad file) are exit status 2.
 */
int cliopt_settings(const struct config **out, struct err *err);
/* Frees the settings; main() calls it after the command. */
void cliopt_cleanup(void);

#endif
