#include "dbconn.h"

#include "db.h"
#include "err.h"
#include "log.h"
#include "pgcluster.h"

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
	struct pgcluster pc;
	struct db *db;
	int applied, rc;

	if (conninfo == NULL) {
		/* No database named: dmarcsift's own, made when needed. */
		if ((rc = pgcluster_locate(&pc, err)) < 0 ||
		    (rc = pgcluster_start(&pc, err)) < 0)
			return rc;
		conninfo = pc.conninfo;
	}
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
