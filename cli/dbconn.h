/*
 * dbconn: which database a command uses, opened and brought up to date.
 */
#ifndef DMARCSIFT_DBCONN_H
#define DMARCSIFT_DBCONN_H

#include <stdint.h>

struct analysis_env;
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

/*
 * The set-up of sources, advise and report: the settings of this run
 * (cliopt_settings()), analysis_env_init(), dbconn_open(opt), then
 * analysis_env_attach() for domain (NULL: all) and the days days before
 * until (0: ready_days).  Problems are said on stderr; returns 0 or -1
 * (exit status 2).  Close e with analysis_env_close() either way.
 */
int dbconn_analysis(struct analysis_env *e, const char *opt, const char *domain,
    int64_t until, int days);

/*
 * analysis_judge_new() with the settings of this run: the verdicts of new
 * records, after ingest and reparse, and before summary.  0 or -1 (said).
 */
int dbconn_judge_new(struct db *db);

/*
 * Closes the rows of earlier runs that died unfinished, as ingest and
 * reparse do first (store_close_dead_runs()), and says how many it found.
 * Only said, also when it fails: a run can go on without it.
 */
void dbconn_close_dead_runs(struct db *db);

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
