/*
 * serve_metrics: /metrics of `dmarcsift serve`, what `dmarcsift metrics`
 * prints (analyze/metrics.h, reports/metrics_prom.h), for Prometheus to
 * scrape.  It asks for the login like every page when serve has users,
 * and for none on loopback without them.
 */
#ifndef DMARCSIFT_SERVE_METRICS_H
#define DMARCSIFT_SERVE_METRICS_H

struct analysis_env;
struct httpd_reply;

/* The exposition read on e's connection into out; *broken set when the
 * database failed (the reply is then a 500, the reason in the log). */
void serve_metrics_page(
    struct analysis_env *e, struct httpd_reply *out, int *broken);

#endif
