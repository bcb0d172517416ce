#include "dbconn.h"

#include "db.h"
#include "err.h"
#include "log.h"

#include <stdlib.h>

const char *
dbconn_conninfo(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("DMARCSIFT_DB");
	return env != NULL && env[0] != '\0' ? env : NULL;
}

int
dbconn_open(const char *opt, struct db **out, struct err *err)
{
	const char *conninfo = dbconn_conninfo(opt);
	struct db *db;
	int applied, rc;

	if (conninfo == NULL)
		return err_set(err, ERR_USAGE,
		    "no database given: use --db CONNINFO (a libpq conninfo "
		    "or postgresql:// URL) or set DMARCSIFT_DB");
	if ((rc = db_connect(&db, conninfo, err)) < 0)
		return rc;
	if ((rc = db_migrate(db, &applied, err)) < 0) {
		db_close(db);
		return rc;
	}
	if (applied > 0)
		log_info("applied %d schema migration(s)", applied);
	*out = db;
	return 0;
}
