/*
 * digest_render: the periodic summary (analyze/digest.h) in each format.
 *
 * Each writes the whole document to fp and returns 0, or -1 when writing
 * fails (errno set).  They only format what they are handed; every
 * string in a digest may come from a stranger (reporter names, PTR names,
 * DKIM domains) and is escaped for the format: control characters never
 * reach a terminal, HTML is escaped, CSV quoted, JSON escaped.
 *
 *   text      for a terminal and for cron's mail: aligned columns; colour
 *             (ANSI) only when color is 1
 *   markdown  GitHub-flavoured tables
 *   html      one self-contained document for mail clients: inline CSS,
 *             inline SVG charts (daily volume stacked pass/fail, pass-rate
 *             line, top failing sources), no scripts, no external
 *             resources
 *   json      stable keys, documented in reports/README.md
 *   csv       one table: "days", "sources", "reporters" or "refused"
 */
#ifndef DMARCSIFT_DIGEST_RENDER_H
#define DMARCSIFT_DIGEST_RENDER_H

#include <stdio.h>

struct digest;

int digest_text(FILE *fp, const struct digest *d, int color);
int digest_markdown(FILE *fp, const struct digest *d);
int digest_html(FILE *fp, const struct digest *d);
int digest_json(FILE *fp, const struct digest *d);

/* The tables digest_csv() knows, NULL-terminated. */
extern const char *const digest_csv_tables[];
/* Returns -1 with errno EINVAL for a table it does not know. */
int digest_csv(FILE *fp, const struct digest *d, const char *table);

#endif
