#include "dbconn.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "pgcluster.h"
#include "store.h"

#include <string.h>

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
			log_exposed(
			    "the --db value holds a password, which "
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
	/* failure_keep's words are enum store_failure_keep's, in order. */
	store_failure_keep(*out,
	    (enum store_failure_keep)config_enum(cfg, CONFIG_FAILURE_KEEP));
	{
		/* A bad services_file is told by the judge after the store,
		 * which then judges every new record itself. */
		struct err ignored;

		(void)store_judge(
		    *out, config_str(cfg, CONFIG_SERVICES_FILE), &ignored);
	}
	return 0;
}

void
dbconn_close_dead_runs(struct db *db)
{
	struct err err;
	unsigned n;

	if (store_close_dead_runs(db, &n, &err) < 0)
		log_warn(
		    "cannot close the rows of interrupted runs: %s", err.msg);
	else if (n > 0)
		log_info("%u earlier run(s) found interrupted; their rows in "
		         "ingest_runs now say so, with what they stored",
		    n);
}

int
dbconn_analysis(struct analysis_env *e, const char *opt, const char *domain,
    int64_t until, int days)
{
	const struct config *cfg;
	struct db *db = NULL;
	struct err err;

	memset(e, 0, sizeof(*e));
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	if (analysis_env_init(e, cfg) < 0)
		return -1;
	if (dbconn_open(opt, &db, &err) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return -1;
	}
	return analysis_env_attach(e, db, domain, until, days);
}

int
dbconn_judge_new(struct db *db)
{
	const struct config *cfg;
	struct err err;

	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return analysis_judge_new(db, cfg);
}
