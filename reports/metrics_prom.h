/*
 * metrics_prom: dmarcsift's metrics (analyze/metrics.h) in the Prometheus
 * text format, for `dmarcsift metrics` and serve's /metrics.  The names,
 * their types and what each means are here, in their # HELP lines, and in
 * the README's Metrics section.
 */
#ifndef DMARCSIFT_METRICS_PROM_H
#define DMARCSIFT_METRICS_PROM_H

#include <stdio.h>

struct metrics;

/* The domain label of the mail of every domain that has no series of its
 * own: no domain name has parentheses, so no report can claim it. */
#define METRICS_PROM_OTHER "(other)"

/* Writes m to fp; ferror(fp) says whether it was written. */
void metrics_prom(FILE *fp, const struct metrics *m);

#endif
