/*
 * dbconn: which database a command uses, opened and brought up to date.
 */
#ifndef DMARCSIFT_DBCONN_H
#define DMARCSIFT_DBCONN_H

struct db;
struct err;

/*
 * Connects to the database the settings name (cliopt_settings(): --db, else
 * $DMARCSIFT_DB, else db in the config file), or to the private cluster
 * (created and started when needed) when none does or the value is empty,
 * and applies pending migrations, as every command that touches the database
 * does first.  opt is the --db value the command saw, or NULL; it wins.  A
 * bad config file fails here.  *out is the caller's.
 */
int dbconn_open(const char *opt, struct db **out, struct err *err);

#endif
