#include "db.h"

#include "err.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

struct db {
	PGconn *conn;
	char sqlstate[6];
};

/* The server's message: primary, then detail and hint when present. */
static int
db_error(struct db *db, const PGresult *res, const char *what, struct err *err)
{
	const char *primary = NULL, *detail = NULL, *hint = NULL, *state;

	db->sqlstate[0] = '\0';
	if (res != NULL) {
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state != NULL)
			snprintf(
			    db->sqlstate, sizeof(db->sqlstate), "%s", state);
	}
	if (primary == NULL) {
		size_t len;

		primary = PQerrorMessage(db->conn);
		len = strlen(primary);
		/* libpq's own messages end in a newline. */
		return err_set(err, ERR_DB, "%s: %.*s", what,
		    (int)(len > 0 && primary[len - 1] == '\n' ? len - 1 : len),
		    primary);
	}
	return err_set(err, ERR_DB, "%s: %s%s%s%s%s%s", what, primary,
	    detail ? " (" : "", detail ? detail : "", detail ? ")" : "",
	    hint ? "; " : "", hint ? hint : "");
}

static void
on_notice(void *arg, const char *message)
{
	size_t len = strlen(message);

	log_debug("postgres: %.*s",
	    (int)(len > 0 && message[len - 1] == '\n' ? len - 1 : len),
	    message);
}

static int
connect_params(struct db **out, const char *const *keys,
    const char *const *vals, int expand, struct err *err)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->conn = PQconnectdbParams(keys, vals, expand);
	if (db->conn == NULL)
		abort(); /* only on out of memory */
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_error(db, NULL, "cannot connect to the database", err);
		db_close(db);
		return ERR_DB;
	}
	PQsetNoticeProcessor(db->conn, on_notice, NULL);
	/* The analysis is many small SQL functions and views: PostgreSQL's
	 * JIT compiles them for seconds and saves nothing at the sizes one
	 * command reads (measured: advise 5.0 s with it, 0.5 s without, on a
	 * domain of 87,000 records). */
	{
		PGresult *res = PQexec(db->conn, "SET jit = off");

		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			db_error(db, res, "cannot set up the session", err);
			PQclear(res);
			db_close(db);
			return ERR_DB;
		}
		PQclear(res);
	}
	*out = db;
	return 0;
}

int
db_connect(struct db **out, const char *conninfo, struct err *err)
{
	/* The conninfo goes in as "dbname" with expansion on, so a URL or
	 * key=value string works, and "" leaves everything to PG* and
	 * pg_service.conf. */
	const char *keys[] = {
	    "dbname", "application_name", "client_encoding", NULL};
	const char *vals[] = {conninfo, "dmarcsift", "UTF8", NULL};

	return connect_params(out, keys, vals, 1, err);
}

int
db_connect_like(struct db **out, const struct db *like, struct err *err)
{
	PQconninfoOption *opts = PQconninfo(like->conn), *o;
	const char **keys, **vals;
	size_t n = 0;
	int rc;

	if (opts == NULL)
		abort(); /* only on out of memory */
	for (o = opts; o->keyword != NULL; o++)
		n++;
	keys = xcalloc(n + 1, sizeof(*keys));
	vals = xcalloc(n + 1, sizeof(*vals));
	n = 0;
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		keys[n] = o->keyword;
		vals[n] = o->val;
		n++;
	}
	rc = connect_params(out, keys, vals, 0, err);
	free(keys);
	free(vals);
	PQconninfoFree(opts);
	return rc;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db);
}

int
db_value_bin(struct db *db, const char *sql, int n, const char *const *params,
    const int *lens, const int *binary, char **out, struct err *err)
{
	PGresult *res;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (n == 0 && out == NULL)
		res = PQexec(db->conn, sql);
	else
		res = PQexecParams(
		    db->conn, sql, n, NULL, params, lens, binary, 0);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
		break;
	case PGRES_TUPLES_OK:
		if (out != NULL && PQntuples(res) > 0 && PQnfields(res) > 0 &&
		    !PQgetisnull(res, 0, 0))
			*out = xstrdup(PQgetvalue(res, 0, 0));
		break;
	default:
		rc = db_error(db, res, "database", err);
		break;
	}
	PQclear(res);
	return rc;
}

int
db_exec(struct db *db, const char *sql, int n, const char *const *params,
    struct err *err)
{
	return db_value_bin(db, sql, n, params, NULL, NULL, NULL, err);
}

int
db_value(struct db *db, const char *sql, int n, const char *const *params,
    char **out, struct err *err)
{
	return db_value_bin(db, sql, n, params, NULL, NULL, out, err);
}

int
db_each(struct db *db, const char *sql, int n, const char *const *params,
    int (*fn)(void *arg, int ncols, const char *const *vals, struct err *err),
    void *arg, struct err *err)
{
	PGresult *res =
	    PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	int rc = 0, rows, cols;
	const char **vals;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = db_error(db, res, "database", err);
		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	cols = PQnfields(res);
	vals = xcalloc((size_t)cols + 1, sizeof(*vals));
	for (int r = 0; r < rows && rc == 0; r++) {
		for (int c = 0; c < cols; c++)
			vals[c] = PQgetisnull(res, r, c)
			    ? NULL
			    : PQgetvalue(res, r, c);
		rc = fn(arg, cols, vals, err);
	}
	free(vals);
	PQclear(res);
	return rc;
}

int
db_prepare(
    struct db *db, const char *name, const char *sql, int n, struct err *err)
{
	PGresult *res = PQprepare(db->conn, name, sql, n, NULL);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = db_error(db, res, "database", err);
		/* Prepared earlier in this session: the same statement. */
		if (strcmp(db->sqlstate, "42P05") == 0)
			rc = 0;
	}
	PQclear(res);
	return rc;
}

/* Reads one statement's results in pipeline mode, up to its NULL. */
static int
pipeline_result(
    struct db *db, const struct db_stmt *st, int rc, struct err *err)
{
	PGresult *res;

	while ((res = PQgetResult(db->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
			break;
		case PGRES_TUPLES_OK:
			if (st->value != NULL && PQntuples(res) > 0 &&
			    PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
				*st->value = xstrdup(PQgetvalue(res, 0, 0));
			break;
		case PGRES_PIPELINE_ABORTED:
			/* Skipped after an earlier failure, already told. */
			break;
		default:
			if (rc == 0)
				rc = db_error(db, res, "database", err);
			break;
		}
		PQclear(res);
	}
	return rc;
}

/*
 * Leaves pipeline mode after a failure, reading what is still owed, so that
 * later calls (a ROLLBACK) can run and the caller's error stays the one it
 * sees.  A connection that is gone is left as it is.
 */
static void
pipeline_abandon(struct db *db)
{
	for (int guard = 0;
	     guard < 10000 && PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF &&
	     PQstatus(db->conn) == CONNECTION_OK &&
	     PQexitPipelineMode(db->conn) != 1;
	     guard++)
		PQclear(PQgetResult(db->conn));
}

int
db_pipeline(struct db *db, const struct db_stmt *stmts, int n, struct err *err)
{
	PGresult *res;
	int rc = 0, sent = 0;

	for (int i = 0; i < n; i++)
		if (stmts[i].value != NULL)
			*stmts[i].value = NULL;
	if (PQenterPipelineMode(db->conn) != 1)
		return db_error(db, NULL, "database", err);
	for (; sent < n; sent++) {
		const struct db_stmt *st = &stmts[sent];

		int ok = st->prepared
		    ? PQsendQueryPrepared(db->conn, st->sql, st->n, st->params,
		          st->lens, st->binary, 0)
		    : PQsendQueryParams(db->conn, st->sql, st->n, NULL,
		          st->params, st->lens, st->binary, 0);

		if (ok != 1) {
			rc = db_error(db, NULL, "database", err);
			break;
		}
	}
	if (PQpipelineSync(db->conn) != 1) {
		/* The connection is gone: nothing more will come back. */
		if (rc == 0)
			rc = db_error(db, NULL, "database", err);
		pipeline_abandon(db);
		goto out;
	}
	for (int i = 0; i < sent; i++)
		rc = pipeline_result(db, &stmts[i], rc, err);
	/* The sync point ends the pipeline's results. */
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType s = PQresultStatus(res);

		PQclear(res);
		if (s == PGRES_PIPELINE_SYNC)
			break;
		if (rc == 0 && s == PGRES_FATAL_ERROR)
			rc = db_error(db, NULL, "database", err);
	}
	if (PQexitPipelineMode(db->conn) != 1) {
		if (rc == 0)
			rc = db_error(db, NULL, "database", err);
		pipeline_abandon(db);
	}
out:
	if (rc < 0)
		for (int i = 0; i < n; i++)
			if (stmts[i].value != NULL) {
				free(*stmts[i].value);
				*stmts[i].value = NULL;
			}
	return rc;
}

int
db_begin(struct db *db, struct err *err)
{
	return db_exec(db, "BEGIN", 0, NULL, err);
}

int
db_commit(struct db *db, struct err *err)
{
	return db_exec(db, "COMMIT", 0, NULL, err);
}

void
db_rollback(struct db *db)
{
	PQclear(PQexec(db->conn, "ROLLBACK"));
}

int
db_copy_start(struct db *db, const char *sql, struct err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = db_error(db, res, "cannot start COPY", err);
	PQclear(res);
	return rc;
}

int
db_copy_write(struct db *db, const char *buf, size_t len, struct err *err)
{
	/* libpq takes an int: feed big buffers in pieces. */
	while (len > 0) {
		int n = len > (1 << 30) ? (1 << 30) : (int)len;

		if (PQputCopyData(db->conn, buf, n) != 1)
			return db_error(db, NULL, "COPY", err);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Collects the results that end a COPY; returns the first error. */
static int
copy_results(struct db *db, struct err *err)
{
	PGresult *res;
	int rc = 0;

	while ((res = PQgetResult(db->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = db_error(db, res, "COPY", err);
		PQclear(res);
	}
	return rc;
}

int
db_copy_finish(struct db *db, struct err *err)
{
	if (PQputCopyEnd(db->conn, NULL) != 1)
		return db_error(db, NULL, "COPY", err);
	return copy_results(db, err);
}

void
db_copy_cancel(struct db *db)
{
	struct err ignored;

	if (PQputCopyEnd(db->conn, "cancelled by dmarcsift") == 1)
		(void)copy_results(db, &ignored);
}

int
db_retryable(const struct db *db)
{
	/* deadlock_detected, serialization_failure */
	return strcmp(db->sqlstate, "40P01") == 0 ||
	    strcmp(db->sqlstate, "40001") == 0;
}

int
db_data_error(const struct db *db)
{
	return strncmp(db->sqlstate, "22", 2) == 0 ||
	    strncmp(db->sqlstate, "23", 2) == 0;
}
