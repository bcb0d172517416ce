/*
 * serve_cache: the answers of serve's costly pages (the domains, a
 * domain, its what-if), kept while the database shows the same data.
 *
 * A domain page of a month of a million records takes seconds to compute
 * (sources, advise and report over every source of the period); looked at
 * again, by the same person or another, nothing in it has changed unless
 * the database has.  Each answer is kept with the stamp of the snapshot
 * it was read in (pg_current_snapshot() of the page's REPEATABLE READ
 * transaction, "xmin:xmax:xip,..."): a later snapshot sees the same data
 * when no transaction that completed between the two wrote any, and the
 * only ones allowed are serve's own reading transactions, which write
 * temporary tables that no other snapshot sees (their ids are told with
 * serve_cache_own()).  Any other write to the cluster (an ingest, a
 * check, a judge, even in another database) makes the answers kept before
 * it computed afresh when next asked.
 *
 * Bounded: at most SERVE_CACHE_ENTRIES answers and SERVE_CACHE_BYTES of
 * bodies, the least recently used going first; a body larger than a
 * quarter of that is never kept.  Safe to use from several threads.
 */
#ifndef DMARCSIFT_SERVE_CACHE_H
#define DMARCSIFT_SERVE_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct httpd_reply;
struct serve_cache;

#define SERVE_CACHE_ENTRIES 64
#define SERVE_CACHE_BYTES (32u << 20)
/* The longest stamp kept (a snapshot lists the transactions in flight;
 * one longer than this is not kept), and how many of serve's own
 * transactions are remembered (one forgotten only makes an answer kept
 * before it computed again). */
#define SERVE_CACHE_STAMP_MAX 512
#define SERVE_CACHE_OWN 4096

/* A cache holding at most entries answers and bytes of bodies; free with
 * serve_cache_free() (NULL is fine). */
struct serve_cache *serve_cache_new(size_t entries, size_t bytes);
void serve_cache_free(struct serve_cache *c);

/* xid (of txid_current()) is one of serve's reading transactions: it
 * writes nothing another snapshot sees. */
void serve_cache_own(struct serve_cache *c, uint64_t xid);

/*
 * The answer kept for key (len bytes, compared byte for byte) read in a
 * snapshot that sees the same data as stamp: 1 with *out filled (status,
 * type, Cache-Control, and a copy of the body, malloc()ed: out's to hand
 * to httpd), else 0 and *out untouched.  An answer kept under a snapshot
 * that sees other data is dropped.
 */
int serve_cache_get(struct serve_cache *c, const void *key, size_t len,
    const char *stamp, struct httpd_reply *out);

/*
 * Keeps a copy of r (a 200 with a body of its own, not a download) for
 * key under stamp, in place of what key had.  r's type and cache must be
 * static strings.  Anything else, or too large, is not kept.
 */
void serve_cache_put(struct serve_cache *c, const void *key, size_t len,
    const char *stamp, const struct httpd_reply *r);

#endif
