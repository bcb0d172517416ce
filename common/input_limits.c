#include "input_limits.h"

#include "config.h"
#include "err.h"
#include "xalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * Where each limit of the settings table goes in struct limits.  Names,
 * defaults, ranges and help are the table's (common/config.h).
 */
struct limit_field {
	enum config_key key;
	size_t offset;
};

static const struct limit_field fields[] = {
    {CONFIG_INPUT_BYTES, offsetof(struct limits, input_bytes)},
    {CONFIG_DECOMPRESSED_BYTES, offsetof(struct limits, decompressed_bytes)},
    {CONFIG_RATIO, offsetof(struct limits, ratio)},
    {CONFIG_RATIO_AFTER, offsetof(struct limits, ratio_after)},
    {CONFIG_ZIP_MEMBERS, offsetof(struct limits, zip_members)},
    {CONFIG_LAYERS, offsetof(struct limits, layers)},
    {CONFIG_XML_DEPTH, offsetof(struct limits, xml_depth)},
    {CONFIG_XML_ATTRIBUTES, offsetof(struct limits, xml_attributes)},
    {CONFIG_XML_MARKUP_BYTES, offsetof(struct limits, xml_markup_bytes)},
    {CONFIG_CPU_MS, offsetof(struct limits, cpu_ms)},
    {CONFIG_RECORDS, offsetof(struct limits, records)},
    {CONFIG_AUTH_RESULTS, offsetof(struct limits, auth_results)},
    {CONFIG_STRING_BYTES, offsetof(struct limits, string_bytes)},
    {CONFIG_WARNINGS, offsetof(struct limits, warnings)},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t *
field(struct limits *lim, size_t i)
{
	return (uint64_t *)((char *)lim + fields[i].offset);
}

void
limits_init(struct limits *lim)
{
	for (size_t i = 0; i < NFIELDS; i++)
		*field(lim, i) = (uint64_t)config_default_int(fields[i].key);
}

void
limits_from_config(struct limits *lim, const struct config *cfg)
{
	for (size_t i = 0; i < NFIELDS; i++)
		*field(lim, i) = (uint64_t)config_int(cfg, fields[i].key);
}

/*
 * The limit that assignment ("name=value") names, as its index in fields,
 * and its value checked against the table's range.
 */
static int
parse_assignment(
    const char *assignment, size_t *index, uint64_t *value, struct err *err)
{
	const char *eq = strchr(assignment, '=');
	size_t nlen = eq ? (size_t)(eq - assignment) : 0;
	unsigned long long v;

	if (eq == NULL)
		return err_set(err, ERR_USAGE,
		    "--limit wants NAME=VALUE, got '%s'", assignment);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct config_setting *s =
		    &config_settings[fields[i].key];

		if (strlen(s->name) != nlen ||
		    strncmp(s->name, assignment, nlen) != 0)
			continue;
		if (config_parse_size(eq + 1, &v) < 0)
			return err_set(err, ERR_USAGE,
			    "limit %s: '%s' is not a number", s->name, eq + 1);
		if (v < (unsigned long long)s->min ||
		    v > (unsigned long long)s->max)
			return err_set(err, ERR_USAGE,
			    "limit %s: %llu is outside %llu..%llu", s->name, v,
			    (unsigned long long)s->min,
			    (unsigned long long)s->max);
		*index = i;
		*value = v;
		return 0;
	}
	return err_set(err, ERR_USAGE,
	    "unknown limit '%.*s' (see --help for the list)", (int)nlen,
	    assignment);
}

int
limits_set(struct limits *lim, const char *assignment, struct err *err)
{
	size_t i;
	uint64_t v;
	int rc;

	if ((rc = parse_assignment(assignment, &i, &v, err)) < 0)
		return rc;
	*field(lim, i) = v;
	return 0;
}

int
limits_set_config(struct config *cfg, const char *assignment, struct err *err)
{
	const struct config_setting *s;
	char *origin;
	size_t i;
	uint64_t v;
	int rc;

	if ((rc = parse_assignment(assignment, &i, &v, err)) < 0)
		return rc;
	s = &config_settings[fields[i].key];
	origin = xasprintf("--limit %s", s->name);
	rc = config_set(cfg, fields[i].key, strchr(assignment, '=') + 1,
	    CONFIG_FROM_FLAG, origin, err);
	free(origin);
	return rc;
}

void
limits_print_help(FILE *fp)
{
	fputs("Limits (--limit NAME=VALUE; sizes take k, M, G):\n", fp);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct config_setting *s =
		    &config_settings[fields[i].key];

		fprintf(fp, "  %-20s %12llu  %s\n", s->name,
		    (unsigned long long)config_default_int(fields[i].key),
		    s->help);
	}
}
