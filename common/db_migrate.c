/*
 * db_migrate: brings a database's schema up to what this binary knows.
 */
#include "db.h"

#include "err.h"
#include "locks.h"
#include "log.h"
#include "migrations.h"
#include "sha256.h"

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

/* The SHA-256 of every definition, names and texts, in order, as hex. */
static void
defs_hash(char out[65])
{
	struct sha256 h = {0};
	unsigned char d[SHA256_LEN];

	sha256_init(&h);
	for (const struct schema_def *x = schema_defs; x->name != NULL; x++) {
		sha256_update(&h, x->name, strlen(x->name) + 1);
		sha256_update(&h, x->sql, strlen(x->sql) + 1);
	}
	sha256_final(&h, d);
	sha256_free(&h);
	sha256_hex(d, out);
}

/*
 * Whether the database holds this binary's definitions: 1 yes, or a binary
 * that knows a newer schema applied its own (they stand); 0 no; -1 error.
 * A SELECT only.
 */
static int
defs_current(struct db *db, const char *hash, struct err *err)
{
	char *v = NULL, latest[16];
	const char *params[2] = {hash, latest};
	int rc;

	if ((rc = db_value(db, "SELECT to_regclass('schema_defs') IS NOT NULL",
	         0, NULL, &v, err)) < 0)
		return rc;
	rc = v != NULL && strcmp(v, "t") == 0;
	free(v);
	if (!rc)
		return 0;
	v = NULL;
	snprintf(latest, sizeof(latest), "%d", latest_known());
	if ((rc = db_value(db,
	         "SELECT count(*) FROM schema_defs WHERE sha256 = $1 OR "
	         "migration > $2::int",
	         2, params, &v, err)) < 0)
		return rc;
	rc = v != NULL && strcmp(v, "0") != 0;
	free(v);
	return rc;
}

/* Applies every definition and records their hash, in one transaction:
 * 1 applied, 0 they were current already. */
static int
apply_defs(struct db *db, const char *hash, struct err *err)
{
	char latest[16];
	const char *params[2] = {hash, latest};
	int rc;

	if ((rc = db_begin(db, err)) < 0)
		return rc;
	if ((rc = db_exec(db, "SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ")",
	         0, NULL, err)) < 0 ||
	    (rc = db_exec(db,
	         "CREATE TABLE IF NOT EXISTS schema_defs ("
	         "one boolean PRIMARY KEY DEFAULT true CHECK (one), "
	         "sha256 text NOT NULL, migration integer NOT NULL, "
	         "applied_at timestamptz NOT NULL DEFAULT now())",
	         0, NULL, err)) < 0 ||
	    (rc = defs_current(db, hash, err)) != 0)
		goto done;
	for (const struct schema_def *x = schema_defs; x->name != NULL; x++) {
		log_info("applying schema definition %s", x->name);
		if ((rc = db_exec(db, x->sql, 0, NULL, err)) < 0) {
			err_prefix(err, "definition %s", x->name);
			goto done;
		}
	}
	snprintf(latest, sizeof(latest), "%d", latest_known());
	if ((rc = db_exec(db,
	         "INSERT INTO schema_defs (sha256, migration) VALUES ($1, "
	         "$2::int) ON CONFLICT (one) DO UPDATE SET sha256 = "
	         "excluded.sha256, migration = excluded.migration, "
	         "applied_at = now()",
	         2, params, err)) < 0)
		goto done;
	rc = 1;
done:
	if (rc > 0) {
		int c = db_commit(db, err);

		return c < 0 ? c : 1;
	}
	db_rollback(db);
	return rc;
}

int
db_migrate(struct db *db, int *applied, struct err *err)
{
	char hash[65];
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
	defs_hash(hash);
	if (current == latest_known() &&
	    (rc = defs_current(db, hash, err)) != 0)
		return rc < 0 ? rc : 0;
	while ((rc = apply_next(db, err)) > 0)
		(*applied)++;
	/* The definitions after the migrations, which make what they read. */
	if (rc == 0 && (rc = apply_defs(db, hash, err)) > 0) {
		(*applied)++;
		rc = 0;
	}
	if (rc < 0 && db_denied(db)) {
		struct err why = *err, ignored;

		/* Say where it stopped: another migrator may have moved it. */
		if (db_schema_version(db, &current, &ignored) < 0)
			current = start + *applied;
		if (current == latest_known())
			rc = err_set(err, ERR_DB,
			    "the schema's definitions are older than this "
			    "dmarcsift's: run `dmarcsift db migrate` as the "
			    "owner (%s)",
			    why.msg);
		else
			rc = err_set(err, ERR_DB,
			    "the schema is at %d, this dmarcsift needs %d: run "
			    "`dmarcsift db migrate` as the owner (%s)",
			    current, latest_known(), why.msg);
	}
	return rc;
}
