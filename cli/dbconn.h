/*
 * dbconn: which database a command uses, opened and brought up to date.
 */
#ifndef DMARCSIFT_DBCONN_H
#define DMARCSIFT_DBCONN_H

struct db;
struct err;

/*
 * The conninfo to use: the --db value when given, else $DMARCSIFT_DB.
 * Returns NULL when neither is set: then the private cluster is used.
 */
const char *dbconn_conninfo(const char *opt);

/*
 * Connects to dbconn_conninfo(opt), or to the private cluster (created and
 * started when needed) when there is none, and applies pending migrations,
 * as every command that touches the database does first.  *out is the
 * caller's.
 */
int dbconn_open(const char *opt, struct db **out, struct err *err);

#endif
