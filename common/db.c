#include "db.h"

#include "dynbuf.h"
#include "err.h"
#include "log.h"
#include "xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

struct db {
	PGconn *conn;
	char sqlstate[6];
	int savepoints; /* db_begin()s inside an open transaction */
};

#define SCRUBBED "***"
/* A password shorter than this is not looked for in free text (it would
 * hide every word it occurs in); password=... still hides it. */
#define SECRET_MIN 3
#define SECRETS_MAX 16

struct secrets {
	char *s[SECRETS_MAX];
	int n;
};

static void
secret_add(struct secrets *sc, const char *p, size_t len)
{
	if (len < SECRET_MIN || sc->n == SECRETS_MAX)
		return;
	for (int i = 0; i < sc->n; i++)
		if (strlen(sc->s[i]) == len && memcmp(sc->s[i], p, len) == 0)
			return;
	sc->s[sc->n++] = xstrndup(p, len);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* p[0..len) as written, percent-decoded (when it decodes) and with
 * backslash escapes undone: the forms a message may quote it in. */
static void
secret_add_forms(struct secrets *sc, const char *p, size_t len)
{
	char *d = xmalloc(len + 1), *e = xmalloc(len + 1);
	size_t dn = 0, en = 0;
	int ok = 1;

	secret_add(sc, p, len);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '%') {
			int hi =
			    i + 2 < len ? hexval((unsigned char)p[i + 1]) : -1;
			int lo = hi >= 0 ? hexval((unsigned char)p[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				ok = 0;
				break;
			}
			d[dn++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			d[dn++] = p[i];
		}
	}
	if (ok)
		secret_add(sc, d, dn);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len)
			i++;
		e[en++] = p[i];
	}
	secret_add(sc, e, en);
	free(d);
	free(e);
}

/*
 * The passwords a conninfo or URL may hold, read leniently: it may be the
 * very string libpq refused.  Every plausible reading is kept; hiding a
 * little too much in an error message costs nothing.
 */
static void
secrets_find(struct secrets *sc, const char *ci)
{
	const char *p, *auth, *at, *colon;

	sc->n = 0;
	if (ci == NULL)
		return;
	/* password=VALUE and sslpassword=VALUE, in a conninfo or a query. */
	for (p = ci; (p = strstr(p, "password")) != NULL;) {
		const char *v = p + 8, *end;

		p = v;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		if (*v == '\'') {
			for (end = ++v; *end != '\0' && *end != '\''; end++)
				if (*end == '\\' && end[1] != '\0')
					end++;
			secret_add_forms(sc, v, end - v);
			continue;
		}
		end = v + strcspn(v, " \t\n\r\f\v");
		secret_add_forms(sc, v, end - v);
		secret_add_forms(sc, v, strcspn(v, "&# \t\n\r\f\v"));
	}
	/* scheme://user:password@host: up to the first '@' (as libpq reads
	 * it) and up to the last (as a person may mean it). */
	if ((auth = strstr(ci, "://")) == NULL)
		return;
	auth += 3;
	if ((at = strchr(auth, '@')) == NULL)
		return;
	if ((colon = memchr(auth, ':', at - auth)) != NULL)
		secret_add_forms(sc, colon + 1, at - colon - 1);
	at = strrchr(auth, '@');
	if ((colon = memchr(auth, ':', at - auth)) != NULL)
		secret_add_forms(sc, colon + 1, at - colon - 1);
}

static void
secrets_free(struct secrets *sc)
{
	for (int i = 0; i < sc->n; i++)
		free(sc->s[i]);
	sc->n = 0;
}

/* A buffer for scrubbing len bytes: each byte becomes at most SCRUBBED
 * and itself, so no append can reach the ceiling. */
static void
scrub_init(struct dynbuf *b, size_t len)
{
	dynbuf_init(b, (len + 1) * (sizeof(SCRUBBED) + 1));
}

/* Hides the values of password= and the userinfo password of URLs. */
static char *
scrub_patterns(const char *t)
{
	struct dynbuf b;
	const char *p = t;

	scrub_init(&b, strlen(t));
	while (*p != '\0') {
		if (strncmp(p, "password", 8) == 0) {
			const char *v = p + 8;

			while (*v == ' ' || *v == '\t')
				v++;
			if (*v == '=') {
				v++;
				while (*v == ' ' || *v == '\t')
					v++;
				dynbuf_add(&b, p, v - p);
				dynbuf_addstr(&b, SCRUBBED);
				if (*v == '\'') {
					for (v++; *v != '\0' && *v != '\''; v++)
						if (*v == '\\' && v[1] != '\0')
							v++;
					if (*v == '\'')
						v++;
				} else {
					v += strcspn(v, "&#\" \t\n\r\f\v");
				}
				p = v;
				continue;
			}
		}
		if (strncmp(p, "://", 3) == 0) {
			const char *a = p + 3;
			size_t rlen = strcspn(a, "\" \t\n\r\f\v");
			const char *at = memrchr(a, '@', rlen), *colon;

			colon = at ? memchr(a, ':', at - a) : NULL;
			if (colon != NULL) {
				dynbuf_add(&b, p, colon + 1 - p);
				dynbuf_addstr(&b, SCRUBBED);
				p = at;
				continue;
			}
		}
		dynbuf_add(&b, p, 1);
		p++;
	}
	return dynbuf_take(&b, NULL);
}

char *
db_scrub(const char *text, const char *conninfo)
{
	struct secrets sc;
	struct dynbuf b;
	const char *p = text;
	char *out;

	scrub_init(&b, strlen(text));
	secrets_find(&sc, conninfo);
	/* Longest first, so that a secret holding another goes whole. */
	for (int i = 0; i < sc.n; i++)
		for (int j = i + 1; j < sc.n; j++)
			if (strlen(sc.s[j]) > strlen(sc.s[i])) {
				char *tmp = sc.s[i];

				sc.s[i] = sc.s[j];
				sc.s[j] = tmp;
			}
	while (*p != '\0') {
		int hit = 0;

		for (int i = 0; i < sc.n && !hit; i++) {
			size_t n = strlen(sc.s[i]);

			if (strncmp(p, sc.s[i], n) == 0) {
				dynbuf_addstr(&b, SCRUBBED);
				p += n;
				hit = 1;
			}
		}
		if (!hit) {
			dynbuf_add(&b, p, 1);
			p++;
		}
	}
	secrets_free(&sc);
	out = scrub_patterns(dynbuf_str(&b));
	dynbuf_free(&b);
	return out;
}

/*
 * libpq's own message, safe to print: passwords hidden, its lines (several
 * when several addresses were tried, a tab-indented hint) joined with "; ",
 * no newline at the end.
 */
static void
libpq_message(const char *msg, const char *conninfo, char *out, size_t outsz)
{
	char *clean = db_scrub(msg, conninfo);
	size_t o = 0;

	for (const char *p = clean; *p != '\0' && o + 1 < outsz; p++) {
		if (*p == '\n') {
			while (p[1] == '\n' || p[1] == '\t' || p[1] == ' ')
				p++;
			if (p[1] == '\0')
				break;
			if (o + 3 >= outsz)
				break;
			out[o++] = ';';
			out[o++] = ' ';
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
	free(clean);
}

/*
 * A detail or hint as one part of a longer line: the server writes them as
 * sentences, and the full stop that ends one would stand before the next
 * part's separator ("device; Check free disk space.; stopped").
 */
static int
sentence_len(const char *s)
{
	size_t n = strlen(s);

	while (
	    n > 0 && (s[n - 1] == '.' || s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* The server's message: primary, then detail and hint when present, each
 * set off from the one before. */
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
		char msg[sizeof(err->msg)];

		libpq_message(PQerrorMessage(db->conn), NULL, msg, sizeof(msg));
		return err_set(err, ERR_DB, "%s: %s", what, msg);
	}
	/* 57014 is also a cancel by hand; only the timeout gets advice. */
	if (hint == NULL && strcmp(db->sqlstate, "57014") == 0 &&
	    strstr(primary, "statement timeout") != NULL)
		hint = "the database did not answer in time: is a table locked "
		       "(a long ingest, a migration) or the server overloaded? "
		       "options='-c statement_timeout=...' in the conninfo "
		       "sets another limit";
	if (detail == NULL)
		detail = "";
	if (hint == NULL)
		hint = "";
	return err_set(err, ERR_DB, "%s: %.*s%s%.*s%s%s%.*s", what,
	    sentence_len(primary), primary, detail[0] ? " (" : "",
	    sentence_len(detail), detail, detail[0] ? ")" : "",
	    hint[0] ? "; hint: " : "", sentence_len(hint), hint);
}

static void
on_notice(void *arg, const char *message)
{
	size_t len = strlen(message);

	log_debug("postgres: %.*s",
	    (int)(len > 0 && message[len - 1] == '\n' ? len - 1 : len),
	    message);
}

/* The value of keyword in libpq's options, or NULL. */
static const char *
option(const PQconninfoOption *opts, const char *keyword)
{
	for (; opts != NULL && opts->keyword != NULL; opts++)
		if (strcmp(opts->keyword, keyword) == 0)
			return opts->val != NULL && opts->val[0] != '\0'
			    ? opts->val
			    : NULL;
	return NULL;
}

static int
connect_params(struct db **out, const char *const *keys,
    const char *const *vals, int expand, const char *conninfo, struct err *err)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->conn = PQconnectdbParams(keys, vals, expand);
	if (db->conn == NULL)
		abort(); /* only on out of memory */
	if (PQstatus(db->conn) != CONNECTION_OK) {
		char msg[sizeof(err->msg)];
		const char *raw = PQerrorMessage(db->conn);

		libpq_message(raw, conninfo, msg, sizeof(msg));
		if (strstr(raw, "timeout expired") != NULL) {
			PQconninfoOption *o = PQconninfo(db->conn);
			const char *t = option(o, "connect_timeout");

			err_set(err, ERR_DB,
			    "cannot connect to the database: %s; no answer "
			    "within %s s: is a PostgreSQL server listening "
			    "there, and is it up and not overloaded? "
			    "(connect_timeout=SECONDS in the conninfo waits "
			    "longer)",
			    msg, t != NULL ? t : "the connect timeout's");
			PQconninfoFree(o);
		} else {
			err_set(err, ERR_DB,
			    "cannot connect to the database: %s", msg);
		}
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

/*
 * A conninfo is key=value pairs or a postgresql:// URL: libpq would take
 * anything else for a database name and fail later, on a socket, with no
 * word about the real mistake.  Checked before any connection is tried;
 * the value is never echoed with its password.
 */
static int
conninfo_check(const char *conninfo, struct err *err)
{
	const char *p = conninfo + strspn(conninfo, " \t\n\r\f\v");
	size_t scheme = strspn(p,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+."
	    "-");
	int url = strncmp(p, "postgresql://", 13) == 0 ||
	    strncmp(p, "postgres://", 11) == 0;
	PQconninfoOption *opts;
	char *libpq_err = NULL, *shown;
	int rc = 0;

	if (*p == '\0')
		return 0;
	if (!url && scheme > 0 && p[scheme] == ':' && p[scheme + 1] == '/') {
		shown = db_scrub(p, p);
		rc = err_set(err, ERR_USAGE,
		    "'%s' is not a PostgreSQL URL: a database URL begins with "
		    "postgresql:// (or postgres://), as in "
		    "postgresql://user@host:5432/dbname",
		    shown);
		free(shown);
		return rc;
	}
	if (!url && strchr(p, '=') == NULL) {
		shown = db_scrub(p, p);
		rc = err_set(err, ERR_USAGE,
		    "'%s' is neither a libpq conninfo nor a PostgreSQL URL: "
		    "give key=value pairs ('host=/run/postgresql "
		    "dbname=dmarc'; dbname=%s for a database of that name) or "
		    "a URL (postgresql://user@host/dbname)",
		    shown, shown);
		free(shown);
		return rc;
	}
	if ((opts = PQconninfoParse(p, &libpq_err)) != NULL) {
		PQconninfoFree(opts);
		return 0;
	}
	if (libpq_err == NULL)
		abort(); /* only on out of memory */
	{
		char msg[sizeof(err->msg)];

		libpq_message(libpq_err, p, msg, sizeof(msg));
		rc = err_set(err, ERR_USAGE,
		    "cannot read the database %s: %s%s",
		    url ? "URL" : "conninfo", msg,
		    url ? " (a URL is postgresql://[user[:password]@]host"
		          "[:port][/dbname][?keyword=value&...], the keywords "
		          "those of a conninfo; an @ : / ? # or % inside a "
		          "part "
		          "is written %40 %3A %2F %3F %23 %25)"
		        : " (a conninfo is key=value pairs separated by "
		          "spaces; a value that holds spaces or quotes goes in "
		          "single quotes, with \\' and \\\\ inside)");
	}
	PQfreemem(libpq_err);
	return rc;
}

int
db_connect(struct db **out, const char *conninfo, struct err *err)
{
	/* The conninfo goes in as "dbname" with expansion on, so a URL or
	 * key=value string works, and "" leaves everything to PG* and
	 * pg_service.conf.  What comes before it is a default the conninfo
	 * overrides; what comes after overrides the conninfo. */
	char timeout[16], idle[16], interval[16], count[16], user_timeout[16];
	const char *keys[10], *vals[10], *env = getenv("PGCONNECT_TIMEOUT");
	int n = 0, rc;

	if ((rc = conninfo_check(conninfo, err)) < 0)
		return rc;
	snprintf(timeout, sizeof(timeout), "%d", DB_CONNECT_TIMEOUT);
	snprintf(idle, sizeof(idle), "%d", DB_KEEPALIVES_IDLE);
	snprintf(interval, sizeof(interval), "%d", DB_KEEPALIVES_INTERVAL);
	snprintf(count, sizeof(count), "%d", DB_KEEPALIVES_COUNT);
	snprintf(user_timeout, sizeof(user_timeout), "%d", DB_TCP_USER_TIMEOUT);
	if (env == NULL || env[0] == '\0') {
		keys[n] = "connect_timeout";
		vals[n++] = timeout;
	}
	keys[n] = "keepalives";
	vals[n++] = "1";
	keys[n] = "keepalives_idle";
	vals[n++] = idle;
	keys[n] = "keepalives_interval";
	vals[n++] = interval;
	keys[n] = "keepalives_count";
	vals[n++] = count;
	keys[n] = "tcp_user_timeout";
	vals[n++] = user_timeout;
	keys[n] = "dbname";
	vals[n++] = conninfo;
	keys[n] = "application_name";
	vals[n++] = "dmarcsift";
	keys[n] = "client_encoding";
	vals[n++] = "UTF8";
	keys[n] = NULL;
	vals[n] = NULL;
	return connect_params(out, keys, vals, 1, conninfo, err);
}

int
db_conninfo_has_password(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	int has;

	if (opts == NULL)
		return 0;
	has = option(opts, "password") != NULL ||
	    option(opts, "sslpassword") != NULL;
	PQconninfoFree(opts);
	return has;
}

int
db_set_read_timeout(struct db *db, int seconds, struct err *err)
{
	char val[32], *now = NULL;
	const char *p[1] = {val};
	int rc;

	snprintf(val, sizeof(val), "%ds", seconds);
	/* "default": nobody set it; any other source is the user's word. */
	if ((rc = db_value(db,
	         "SELECT CASE WHEN source = 'default' THEN "
	         "set_config('statement_timeout', $1, false) ELSE "
	         "current_setting('statement_timeout') END "
	         "FROM pg_settings WHERE name = 'statement_timeout'",
	         1, p, &now, err)) < 0)
		return err_prefix(err, "cannot set the statement timeout");
	log_debug("statement timeout: %s", now != NULL ? now : "?");
	free(now);
	return 0;
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
	rc = connect_params(out, keys, vals, 0, NULL, err);
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
	char sql[48];
	int rc;

	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return db_exec(db, "BEGIN", 0, NULL, err);
	snprintf(sql, sizeof(sql), "SAVEPOINT ds_%d", db->savepoints + 1);
	if ((rc = db_exec(db, sql, 0, NULL, err)) == 0)
		db->savepoints++;
	return rc;
}

int
db_begin_reading(struct db *db, struct err *err)
{
	return db_exec(
	    db, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL, err);
}

int
db_commit(struct db *db, struct err *err)
{
	char sql[48];

	if (db->savepoints == 0)
		return PQtransactionStatus(db->conn) == PQTRANS_IDLE
		    ? 0
		    : db_exec(db, "COMMIT", 0, NULL, err);
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT ds_%d", db->savepoints--);
	return db_exec(db, sql, 0, NULL, err);
}

void
db_rollback(struct db *db)
{
	char sql[96];

	if (db->savepoints == 0) {
		PQclear(PQexec(db->conn, "ROLLBACK"));
		return;
	}
	snprintf(sql, sizeof(sql),
	    "ROLLBACK TO SAVEPOINT ds_%d; RELEASE SAVEPOINT ds_%d",
	    db->savepoints, db->savepoints);
	db->savepoints--;
	PQclear(PQexec(db->conn, sql));
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

void
db_forget_error(struct db *db)
{
	db->sqlstate[0] = '\0';
}

void
db_take_error(struct db *to, const struct db *from)
{
	memcpy(to->sqlstate, from->sqlstate, sizeof(to->sqlstate));
}

int
db_retryable(const struct db *db)
{
	/* deadlock_detected, serialization_failure */
	return strcmp(db->sqlstate, "40P01") == 0 ||
	    strcmp(db->sqlstate, "40001") == 0;
}

int
db_denied(const struct db *db)
{
	/* insufficient_privilege, read_only_sql_transaction */
	return strcmp(db->sqlstate, "42501") == 0 ||
	    strcmp(db->sqlstate, "25006") == 0;
}

int
db_lock_busy(const struct db *db)
{
	return strcmp(db->sqlstate, "55P03") == 0;
}

int
db_check_violation(const struct db *db)
{
	return strcmp(db->sqlstate, "23514") == 0;
}

int
db_data_error(const struct db *db)
{
	/* 54000, program_limit_exceeded, is a row too big for an index:
	 * a stranger's strings, not a failing server. */
	return strncmp(db->sqlstate, "22", 2) == 0 ||
	    strncmp(db->sqlstate, "23", 2) == 0 ||
	    strcmp(db->sqlstate, "54000") == 0;
}
