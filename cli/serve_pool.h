/*
 * serve_pool: the database connections of `dmarcsift serve`, one per
 * handler thread, each with what the analysis needs beside it (struct
 * analysis_env: the settings' rules and thresholds, the Public Suffix
 * List, the services list), made once at start.
 *
 * A handler takes one for a request and gives it back; when none is free
 * it waits (there are as many as threads, so it never does for long).  A
 * connection given back as broken (a statement failed: the server may
 * have gone, or restarted) is closed and opened again on its next use.
 * The environments are offline: a page never waits for DNS.
 */
#ifndef DMARCSIFT_SERVE_POOL_H
#define DMARCSIFT_SERVE_POOL_H

#include <stddef.h>

struct analysis_env;
struct serve_pool;

/*
 * Opens n connections to the database --db (db_opt, or NULL) or the
 * settings name, as every command does (dbconn_open()), for reading only.
 * Problems are said on stderr: -1.  *out is the caller's.
 */
int serve_pool_open(struct serve_pool **out, const char *db_opt, size_t n);

/* A connection for one request (reopened first when it broke), or NULL
 * when it cannot be reopened (said on stderr). */
struct analysis_env *serve_pool_take(struct serve_pool *p);
/* Gives e back; broken 1 closes its connection for a fresh one next. */
void serve_pool_give(struct serve_pool *p, struct analysis_env *e, int broken);

/* Closes every connection; NULL is nothing. */
void serve_pool_close(struct serve_pool *p);

#endif
