/*
 * dbconn: which database a command uses, opened and brought up to date.
 */
#ifndef DMARCSIFT_DBCONN_H
#define DMARCSIFT_DBCONN_H

struct db;
struct err;
struct limits;
struct store;

/*
 * Connects to the database the settings name (cliopt_settings(): --db, else
 * $DMARCSIFT_DB, else db in the config file), or to the private cluster
 * (created and started when needed) when none does or the value is empty,
 * and applies pending migrations, as every command that touches the database
 * does first.  opt is the --db value the command saw, or NULL; it wins (with
 * a warning when it holds a password: the command line shows in ps).  A
 * bad config file fails here.  *out is the caller's.
 */
int dbconn_open(const char *opt, struct db **out, struct err *err);

/*
 * A store (ingest/store.h) for a run of command on db, told the settings
 * it uses (authserv_id).  *out is the caller's: store_finish().
 */
int dbconn_store(struct db *db, const struct limits *lim, const char *command,
    struct store **out, struct err *err);

/* Seconds a statement of a command that only reads may run. */
#define DBCONN_READ_TIMEOUT 300

/*
 * Says that the command only reads what is stored (it may still judge new
 * records and cache DNS answers): every connection dbconn_open() makes
 * after this gets DBCONN_READ_TIMEOUT as its statement timeout, set after
 * the migrations (db_set_read_timeout(): a statement_timeout the user set
 * is kept).  Called once, before the command opens the database.
 */
void dbconn_reading(void);

#endif
