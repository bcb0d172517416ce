/*
 * db_migrate: brings a database's schema up to what this binary knows.
 */
#include "db.h"

#include "err.h"
#include "locks.h"
#include "log.h"
#include "migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
latest_known(void)
{
	int v = 0;

	for (const struct migration *m = migrations; m->name != NULL; m++)
		v = m->version;
	return v;
}

int
db_schema_version(struct db *db, int *version, struct err *err)
{
	char *v = NULL;
	int rc;

	/* Only reads: a role that may not create anything gets its answer.
	 * Two statements, as a query naming a table that does not exist
	 * fails before it runs. */
	*version = 0;
	if ((rc = db_value(db,
	         "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL,
	         &v, err)) < 0)
		goto fail;
	if (v == NULL || strcmp(v, "t") != 0) {
		free(v);
		return 0;
	}
	free(v);
	v = NULL;
	if ((rc = db_value(db,
	         "SELECT coalesce(max(version), 0) FROM schema_migrations", 0,
	         NULL, &v, err)) < 0)
		goto fail;
	*version = v ? atoi(v) : 0;
	free(v);
	return 0;
fail:
	return err_prefix(err, "cannot read the schema version");
}

/* Applies the next pending migration, if any: 1 applied, 0 none left. */
static int
apply_next(struct db *db, struct err *err)
{
	const struct migration *m;
	char vbuf[16];
	const char *params[2];
	int current, rc;

	if ((rc = db_begin(db, err)) < 0)
		return rc;
	/* Serialise concurrent migrators; the lock ends with the
	 * transaction. */
	if ((rc = db_exec(db, "SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ")",
	         0, NULL, err)) < 0 ||
	    (rc = db_exec(db,
	         "CREATE TABLE IF NOT EXISTS schema_migrations ("
	         "version integer PRIMARY KEY, name text NOT NULL, "
	         "applied_at timestamptz NOT NULL DEFAULT now())",
	         0, NULL, err)) < 0 ||
	    (rc = db_schema_version(db, &current, err)) < 0)
		goto fail;
	if (current > latest_known()) {
		rc = err_set(err, ERR_DB,
		    "the database schema is version %d, newer than this "
		    "dmarcsift knows (%d): upgrade dmarcsift",
		    current, latest_known());
		goto fail;
	}
	for (m = migrations; m->name != NULL && m->version <= current; m++)
		;
	if (m->name == NULL) {
		db_rollback(db);
		return 0;
	}
	log_info("applying schema migration %s", m->name);
	snprintf(vbuf, sizeof(vbuf), "%d", m->version);
	params[0] = vbuf;
	params[1] = m->name;
	if ((rc = db_exec(db, m->sql, 0, NULL, err)) < 0) {
		err_prefix(err, "migration %s", m->name);
		goto fail;
	}
	if ((rc = db_exec(db,
	         "INSERT INTO schema_migrations (version, name) VALUES ($1, "
	         "$2)",
	         2, params, err)) < 0 ||
	    (rc = db_commit(db, err)) < 0)
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return rc;
}

int
db_migrate(struct db *db, int *applied, struct err *err)
{
	int current, start, rc;

	*applied = 0;
	if ((rc = db_schema_version(db, &current, err)) < 0)
		return rc;
	start = current;
	if (current > latest_known())
		return err_set(err, ERR_DB,
		    "the database schema is version %d, newer than this "
		    "dmarcsift knows (%d): upgrade dmarcsift",
		    current, latest_known());
	if (current == latest_known())
		return 0;
	while ((rc = apply_next(db, err)) > 0)
		(*applied)++;
	if (rc < 0 && db_denied(db)) {
		struct err why = *err, ignored;

		/* Say where it stopped: another migrator may have moved it. */
		if (db_schema_version(db, &current, &ignored) < 0)
			current = start + *applied;
		rc = err_set(err, ERR_DB,
		    "the schema is at %d, this dmarcsift needs %d: run "
		    "`dmarcsift db migrate` as the owner (%s)",
		    current, latest_known(), why.msg);
	}
	return rc;
}
