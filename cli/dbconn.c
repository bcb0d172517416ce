#include "dbconn.h"

#include "cliopt.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "pgcluster.h"
#include "store.h"

static int read_timeout; /* seconds, 0 for none */

void
dbconn_reading(void)
{
	read_timeout = DBCONN_READ_TIMEOUT;
}

int
dbconn_open(const char *opt, struct db **out, struct err *err)
{
	const struct config *cfg;
	const char *conninfo;
	struct pgcluster pc;
	struct db *db;
	int applied, rc;

	if ((rc = cliopt_settings(&cfg, err)) < 0)
		return rc;
	conninfo =
	    opt != NULL && opt[0] != '\0' ? opt : config_str(cfg, CONFIG_DB);
	if (conninfo == NULL) {
		/* No database named: dmarcsift's own, made when needed. */
		if ((rc = pgcluster_locate(&pc, err)) < 0 ||
		    (rc = pgcluster_start(&pc, err)) < 0)
			return rc;
		conninfo = pc.conninfo;
	} else {
		log_debug("database from %s", config_origin(cfg, CONFIG_DB));
		if ((conninfo == opt ||
		        config_level(cfg, CONFIG_DB) == CONFIG_FROM_FLAG) &&
		    db_conninfo_has_password(conninfo))
			log_warn("the --db value holds a password, which "
			         "other users can read in `ps` while dmarcsift "
			         "runs: leave it out and put it in ~/.pgpass "
			         "(or a file PGPASSFILE names, mode 0600)");
	}
	if ((rc = db_connect(&db, conninfo, err)) < 0)
		return rc;
	if ((rc = db_migrate(db, &applied, err)) < 0) {
		db_close(db);
		return rc;
	}
	if (applied > 0)
		log_info("applied %d schema migration(s)", applied);
	if (read_timeout > 0 &&
	    (rc = db_set_read_timeout(db, read_timeout, err)) < 0) {
		db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int
dbconn_store(struct db *db, const struct limits *lim, const char *command,
    struct store **out, struct err *err)
{
	const struct config *cfg;
	int rc;

	if ((rc = cliopt_settings(&cfg, err)) < 0 ||
	    (rc = store_new(out, db, lim, command, err)) < 0)
		return rc;
	store_trust(*out, config_str(cfg, CONFIG_AUTHSERV_ID));
	{
		/* A bad services_file is told by the judge after the store,
		 * which then judges every new record itself. */
		struct err ignored;

		(void)store_judge(
		    *out, config_str(cfg, CONFIG_SERVICES_FILE), &ignored);
	}
	return 0;
}
