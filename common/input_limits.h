/*
 * input_limits: ceilings on everything an untrusted input can make us spend.
 *
 * The limits are rows of the settings table (common/config.h: name,
 * default, range, meaning), so the config file sets them like any setting
 * (input_bytes = 1M) and `dmarcsift config` shows them; the command line
 * sets them with --limit NAME=VALUE.  Crossing a limit refuses that one
 * input with a message that names the limit, so the user knows which knob
 * to turn.
 */
#ifndef DMARCSIFT_INPUT_LIMITS_H
#define DMARCSIFT_INPUT_LIMITS_H

#include <stdint.h>
#include <stdio.h>

struct config;
struct err;

struct limits {
	uint64_t input_bytes; /* one input (file, mail) as received */
	uint64_t decompressed_bytes; /* all bytes inflated from one input */
	uint64_t ratio; /* decompressed:compressed, per layer */
	uint64_t ratio_after; /* ratio is checked past this output */
	uint64_t zip_members; /* entries in one zip archive */
	uint64_t layers; /* nesting: gzip in zip in mail ... */
	uint64_t xml_depth; /* element nesting in a report */
	uint64_t xml_attributes; /* attributes (xmlns too) on one element */
	uint64_t xml_markup_bytes; /* one start tag, comment, PI or CDATA */
	uint64_t cpu_ms; /* CPU time spent reading one report */
	uint64_t records; /* records in one report */
	uint64_t auth_results; /* dkim+spf results, reasons per record */
	uint64_t string_bytes; /* one text value */
	uint64_t warnings; /* warnings kept per report */
};

/* Every limit at the table's default. */
void limits_init(struct limits *lim);
/* Every limit as cfg has it: defaults, files, flags and --limit together. */
void limits_from_config(struct limits *lim, const struct config *cfg);
/*
 * Parses "name=value" (value may end in k, M or G) into lim.  Errors
 * (ERR_USAGE) say "unknown limit 'NAME'", "limit NAME: 'V' is not a number"
 * or "limit NAME: V is outside MIN..MAX".
 */
int limits_set(struct limits *lim, const char *assignment, struct err *err);
/*
 * The same checks, then the value set in cfg as from a flag, origin
 * "--limit NAME": --limit over the config files.
 */
int limits_set_config(
    struct config *cfg, const char *assignment, struct err *err);
/* Prints the table with defaults, for --help. */
void limits_print_help(FILE *fp);

#endif
