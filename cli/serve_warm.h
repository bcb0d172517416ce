/*
 * serve_warm: a thread that keeps serve's costly pages computed, so that
 * the first view after an ingest is as quick as the next.
 *
 * Every interval it runs serve_routes_warm(): `/` and the pages of the
 * domains reports name most, each computed only when the database has
 * changed since its answer was kept (serve_cache.h), one page at a time
 * over one connection of the pool.
 */
#ifndef DMARCSIFT_SERVE_WARM_H
#define DMARCSIFT_SERVE_WARM_H

struct serve_routes;
struct serve_warm;

/* Starts the thread, a first pass at once and one every seconds (> 0);
 * r must outlive it.  0, or -1 when no thread could be made (said). */
int serve_warm_start(
    struct serve_warm **out, const struct serve_routes *r, unsigned seconds);

/* Stops the thread, after the page it is computing if any, and frees w
 * (NULL is fine). */
void serve_warm_stop(struct serve_warm *w);

#endif
