/*
 * db: the PostgreSQL connection, the only place that speaks libpq.
 *
 * Statements are always parameterised or streamed with COPY; nothing here
 * builds SQL from data.  Errors come back as ERR_DB with PostgreSQL's
 * primary message and, where it has them, its detail and hint.
 */
#ifndef DMARCSIFT_DB_H
#define DMARCSIFT_DB_H

#include <stddef.h>

struct err;
struct db;

/*
 * What db_connect() adds where the conninfo does not say otherwise: a
 * connect timeout (seconds; PGCONNECT_TIMEOUT also wins over it) and TCP
 * keepalives, so that a server that accepts and never answers, or a peer
 * that vanished, fails the command instead of hanging it.  A service in
 * pg_service.conf cannot override these; the conninfo can.
 */
#define DB_CONNECT_TIMEOUT 10
#define DB_KEEPALIVES_IDLE 30
#define DB_KEEPALIVES_INTERVAL 10
#define DB_KEEPALIVES_COUNT 3
/* Milliseconds sent data may stay unacknowledged before the connection is
 * given up: keepalives alone never fire while data waits to be sent. */
#define DB_TCP_USER_TIMEOUT 60000

/*
 * Connects with a libpq conninfo string (key=value ...) or a postgresql://
 * URL ("" uses the PG* variables and pg_service.conf as libpq does).
 * Anything else, a bare word or another scheme, is refused with a hint
 * before any connection is tried.  Error messages never hold a password.
 * *out is the caller's, closed with db_close() (which accepts NULL).
 */
int db_connect(struct db **out, const char *conninfo, struct err *err);
void db_close(struct db *db);
/*
 * Opens another connection to the database db is connected to, with the
 * same parameters (for a second worker).  *out as for db_connect().
 */
int db_connect_like(struct db **out, const struct db *db, struct err *err);

/*
 * For the commands that only read: every later statement of the session
 * may run at most seconds (PostgreSQL's statement_timeout), so a locked
 * table or a stuck server fails the command instead of hanging cron.  A
 * statement_timeout the user set (options='-c statement_timeout=...' in the
 * conninfo, PGOPTIONS, ALTER ROLE/DATABASE ... SET, postgresql.conf) is
 * kept as it is.
 */
int db_set_read_timeout(struct db *db, int seconds, struct err *err);

/*
 * Runs one statement with text parameters (NULL is SQL NULL).  sql may
 * hold several statements when n is 0.
 */
int db_exec(struct db *db, const char *sql, int n, const char *const *params,
    struct err *err);
/*
 * Like db_exec, and returns the first column of the first row in *out
 * (the caller's, free()); *out is NULL when there is no row or it is NULL.
 */
int db_value(struct db *db, const char *sql, int n, const char *const *params,
    char **out, struct err *err);
/*
 * One statement whose parameters may be binary: where binary[i] is set,
 * params[i] is lens[i] raw bytes (for bytea).  *out as for db_value when
 * out is not NULL.
 */
int db_value_bin(struct db *db, const char *sql, int n,
    const char *const *params, const int *lens, const int *binary, char **out,
    struct err *err);

/*
 * Runs a query and calls fn once per row with its text values (NULL for
 * SQL NULL), borrowed for the call; fn returns 0 to go on or a negative
 * err_code to stop.
 */
int db_each(struct db *db, const char *sql, int n, const char *const *params,
    int (*fn)(void *arg, int ncols, const char *const *vals, struct err *err),
    void *arg, struct err *err);

/*
 * Prepares sql under name for the rest of the session, so that a statement
 * run for every input is parsed and planned once.  A name prepared before
 * in the session is kept as it is.
 */
int db_prepare(
    struct db *db, const char *name, const char *sql, int n, struct err *err);

/*
 * One statement of a pipeline.  Parameters as for db_value_bin (lens and
 * binary may be NULL for all-text); when value is not NULL it receives
 * the first column of the first row (the caller's, free()), or NULL.
 * With prepared set, sql is the name given to db_prepare().
 */
struct db_stmt {
	const char *sql;
	int n;
	const char *const *params;
	const int *lens, *binary;
	char **value;
	int prepared;
};

/*
 * Sends n statements at once and reads their results (libpq's pipeline
 * mode): one round trip to the server instead of n.  After a failure the
 * server skips the rest; the first error is returned.  Not for COPY.
 */
int db_pipeline(
    struct db *db, const struct db_stmt *stmts, int n, struct err *err);

/*
 * A transaction; inside one already open, a savepoint, so that a module
 * that needs a transaction of its own works inside its caller's: commit
 * releases it, rollback undoes only what followed it.
 */
int db_begin(struct db *db, struct err *err);
int db_commit(struct db *db, struct err *err);
/* Rolls back; a connection that cannot even do that is left to close. */
void db_rollback(struct db *db);
/*
 * A transaction in which every statement sees the same data (REPEATABLE
 * READ), for a command that reads the same things several ways: its
 * numbers agree with each other while an ingest commits beside it, and
 * the database may keep what it computed for one statement for the next
 * (sql/015).  End it with db_commit().
 */
int db_begin_reading(struct db *db, struct err *err);

/* COPY ... FROM STDIN: start, write rows in COPY text format, finish.
 * db_copy_cancel() ends a started COPY with an error and no rows. */
int db_copy_start(struct db *db, const char *sql, struct err *err);
int db_copy_write(struct db *db, const char *buf, size_t len, struct err *err);
int db_copy_finish(struct db *db, struct err *err);
void db_copy_cancel(struct db *db);

/* Forgets the last error's SQLSTATE (a success leaves it): the checks
 * below then speak only of what fails after, on this connection. */
void db_forget_error(struct db *db);
/* Gives to the SQLSTATE of from's last error (a connection beside it,
 * for the same work), so that the checks below judge that failure. */
void db_take_error(struct db *to, const struct db *from);

/* Whether the last error was a deadlock or serialization failure, after
 * which the whole transaction may simply be tried again. */
int db_retryable(const struct db *db);
/* Whether the last error was about the data (SQLSTATE class 22, 23, and
 * 54000): a value out of range, a broken encoding, a violated check, a
 * row too big for an index.  The statement failed, not the connection. */
int db_data_error(const struct db *db);
/*
 * Whether the last failure was check_violation (23514), which is also how
 * PostgreSQL says a row has no partition: the store asks for its month
 * again and retries once before it calls the input's data at fault.
 */
int db_check_violation(const struct db *db);

/* Whether the last error was a missing privilege or a read-only session
 * (SQLSTATE 42501, 25006): the role may not do that. */
int db_denied(const struct db *db);

/* Whether the last error was a lock not had in time (SQLSTATE 55P03,
 * lock_timeout): someone else holds what it wanted. */
int db_lock_busy(const struct db *db);

/*
 * Whether a conninfo or URL carries a password (password, sslpassword, or
 * the user:password@ of a URL); 0 when it cannot be read.
 */
int db_conninfo_has_password(const char *conninfo);

/*
 * A copy of text (a libpq message) with every password hidden as "***":
 * the values of password= and sslpassword=, the password of a URL's
 * user:password@, and anything conninfo (which may be NULL, or the
 * malformed string libpq refused) holds as a password, wherever it shows
 * up.  The result is the caller's, free().
 */
char *db_scrub(const char *text, const char *conninfo);

/*
 * Applies the migrations this binary knows and the database lacks, each in
 * its own transaction, serialised between concurrent callers.  A database
 * that is up to date is only read (a SELECT), so a role that may only read
 * can use it; a role that cannot apply what is missing gets an error that
 * says who can.  A database newer than the binary is an error.  *applied
 * counts what was applied.
 */
int db_migrate(struct db *db, int *applied, struct err *err);
/* The schema version of the database (0 for none). */
int db_schema_version(struct db *db, int *version, struct err *err);

#endif
