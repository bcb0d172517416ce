/*
 * prom: the Prometheus text exposition format (version 0.0.4), the part
 * that does not depend on what is measured: a family's # HELP and # TYPE
 * lines, one sample line, and the escaping both need.
 *
 * A label value may be a stranger's (a domain a report names): it is
 * written between double quotes with backslash, double quote and newline
 * escaped (\\, \", \n), the only escapes the format has.  Prometheus
 * refuses a scrape with a label value that is not UTF-8, so a byte that
 * starts no valid UTF-8 sequence is written as U+FFFD; every other byte,
 * a control character too, goes as it is (the format has no escape for
 * it, and changing it could make two values one).  Valid UTF-8 is thus
 * written one-to-one: two different values stay two series.
 *
 * Names (of metrics and labels) are the caller's constants and are not
 * checked.  Nothing here allocates.
 */
#ifndef DMARCSIFT_PROM_H
#define DMARCSIFT_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The Content-Type of the format, for an HTTP answer. */
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A label of a sample: name="value". */
struct prom_label {
	const char *name;
	const char *value; /* anyone's; NULL is "" */
};

/* Writes s as the text of a label value, without the quotes (see above). */
void prom_label_value(FILE *fp, const char *s);

/* Writes s as the text of a # HELP line: backslash and newline escaped
 * (\\, \n), as the format wants there; invalid UTF-8 as U+FFFD. */
void prom_help_text(FILE *fp, const char *s);

/* "# HELP name help" and "# TYPE name type" (type: "counter", "gauge"). */
void prom_family(
    FILE *fp, const char *name, const char *type, const char *help);

/* One sample, name{labels} value, with its n labels (0: no braces). */
void prom_sample_u64(FILE *fp, const char *name,
    const struct prom_label *labels, size_t n, uint64_t value);
void prom_sample_i64(FILE *fp, const char *name,
    const struct prom_label *labels, size_t n, int64_t value);

/*
 * A sample whose value is part / whole, written exactly enough to be read
 * back as the same double (the shortest such text, as PostgreSQL writes
 * float8), and never 1 while part < whole.  whole 0 writes nothing: the
 * ratio of nothing is no sample.
 */
void prom_sample_ratio(FILE *fp, const char *name,
    const struct prom_label *labels, size_t n, uint64_t part, uint64_t whole);

/* The text prom_sample_ratio() writes for part / whole (whole > 0), into
 * buf (PROM_RATIO_LEN bytes or more), returned. */
#define PROM_RATIO_LEN 32
const char *prom_ratio_text(
    uint64_t part, uint64_t whole, char *buf, size_t size);

#endif
