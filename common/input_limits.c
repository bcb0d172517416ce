#include "input_limits.h"

#include "err.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct limit_def {
	const char *name;
	size_t offset;
	uint64_t dflt, min, max;
	const char *what;
};

#define L(f) offsetof(struct limits, f)
#define KiB 1024ULL
#define MiB (1024ULL * 1024)
#define GiB (1024ULL * 1024 * 1024)

/*
 * Defaults: generous for real reports (the largest seen from big receivers
 * are a few MB compressed and some hundred MB of XML), tight enough that a
 * bomb is refused after a few MB of work.
 */
static const struct limit_def limit_defs[] = {
    {"input_bytes", L(input_bytes), 128 * MiB, 1 * KiB, 64 * GiB,
        "size of one input (file or mail) as received"},
    {"decompressed_bytes", L(decompressed_bytes), 1 * GiB, 1 * KiB, 1024 * GiB,
        "bytes inflated from one input, all layers together"},
    {"ratio", L(ratio), 200, 2, 100000,
        "compression ratio allowed for one gzip stream or zip member"},
    {"ratio_after", L(ratio_after), 8 * MiB, 0, 1024 * GiB,
        "output size from which the ratio is enforced"},
    {"zip_members", L(zip_members), 64, 1, 100000,
        "entries in one zip archive"},
    {"layers", L(layers), 6, 1, 32,
        "nested containers (mail, zip, gzip) around one report"},
    {"xml_depth", L(xml_depth), 32, 4, 200, "element nesting in a report"},
    {"xml_attributes", L(xml_attributes), 16, 1, 10000,
        "attributes on one element, xmlns declarations included"},
    {"xml_markup_bytes", L(xml_markup_bytes), 64 * KiB, 1 * KiB, 8 * MiB,
        "one start tag, comment, processing instruction or CDATA section"},
    {"cpu_ms", L(cpu_ms), 60000, 1, 86400000,
        "CPU milliseconds spent reading one report"},
    {"records", L(records), 5000000, 1, 1000000000, "records in one report"},
    {"auth_results", L(auth_results), 100, 1, 100000,
        "DKIM results, SPF results or reasons in one record"},
    {"string_bytes", L(string_bytes), 16 * KiB, 64, 64 * MiB,
        "length of one text value"},
    {"warnings", L(warnings), 50, 1, 100000,
        "warnings kept per report (the rest are counted)"},
};

#define NDEFS (sizeof(limit_defs) / sizeof(limit_defs[0]))

static uint64_t *
field(struct limits *lim, const struct limit_def *d)
{
	return (uint64_t *)((char *)lim + d->offset);
}

void
limits_init(struct limits *lim)
{
	for (size_t i = 0; i < NDEFS; i++)
		*field(lim, &limit_defs[i]) = limit_defs[i].dflt;
}

static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = KiB, end++;
	else if (*end == 'M')
		mul = MiB, end++;
	else if (*end == 'G')
		mul = GiB, end++;
	if (*end != '\0' || (mul > 1 && v > UINT64_MAX / mul))
		return -1;
	*out = v * mul;
	return 0;
}

int
limits_set(struct limits *lim, const char *assignment, struct err *err)
{
	const char *eq = strchr(assignment, '=');
	size_t nlen = eq ? (size_t)(eq - assignment) : 0;
	uint64_t v;

	if (eq == NULL)
		return err_set(err, ERR_USAGE,
		    "--limit wants NAME=VALUE, got '%s'", assignment);
	for (size_t i = 0; i < NDEFS; i++) {
		const struct limit_def *d = &limit_defs[i];

		if (strlen(d->name) != nlen ||
		    strncmp(d->name, assignment, nlen) != 0)
			continue;
		if (parse_size(eq + 1, &v) < 0)
			return err_set(err, ERR_USAGE,
			    "limit %s: '%s' is not a number", d->name, eq + 1);
		if (v < d->min || v > d->max)
			return err_set(err, ERR_USAGE,
			    "limit %s: %llu is outside %llu..%llu", d->name,
			    (unsigned long long)v, (unsigned long long)d->min,
			    (unsigned long long)d->max);
		*field(lim, d) = v;
		return 0;
	}
	return err_set(err, ERR_USAGE,
	    "unknown limit '%.*s' (see --help for the list)", (int)nlen,
	    assignment);
}

void
limits_print_help(FILE *fp)
{
	fputs("Limits (--limit NAME=VALUE; sizes take k, M, G):\n", fp);
	for (size_t i = 0; i < NDEFS; i++)
		fprintf(fp, "  %-20s %12llu  %s\n", limit_defs[i].name,
		    (unsigned long long)limit_defs[i].dflt, limit_defs[i].what);
}
