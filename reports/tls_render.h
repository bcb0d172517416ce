/*
 * tls_render: `dmarcsift tls` as text and as JSON (keys in
 * reports/README.md), and the result types of RFC 8460 in words.  Formats
 * what it is handed (analyze/tls.h computes it).
 */
#ifndef DMARCSIFT_TLS_RENDER_H
#define DMARCSIFT_TLS_RENDER_H

#include <stdio.h>

struct tls_summary;

/* A result-type in words and its fix (RFC 8460 section 4.3); a type not
 * known gets words that say so. */
const char *tls_type_text(const char *type);
const char *tls_type_fix(const char *type);

/* The summary as text (color: ANSI colours) and as one JSON object on a
 * line of its own. */
void tls_text(FILE *fp, const struct tls_summary *s, int color);
void tls_json(FILE *fp, const struct tls_summary *s);
/* The same object with nothing after it, for a document that holds it
 * (the report's "tls" of a domain, the dashboard's /api/domain). */
void tls_json_object(FILE *fp, const struct tls_summary *s);

#endif
