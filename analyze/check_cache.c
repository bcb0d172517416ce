/* check_cache: a domain's last check, stored; see check_cache.h. */
#include "check_cache.h"

#include "db.h"
#include "err.h"

int
check_cache_store(struct db *db, const char *domain, const char *json,
    const char *version, struct err *err)
{
	const char *p[3] = {domain, json, version};
	int rc;

	/* The status is the JSON's own, so the two never disagree. */
	rc = db_exec(db,
	    "INSERT INTO check_results (domain, result, status, version) "
	    "SELECT $1, j, j->>'status', $3 FROM (SELECT $2::jsonb AS j) x "
	    "ON CONFLICT (domain) DO UPDATE SET result = excluded.result, "
	    "status = excluded.status, version = excluded.version, "
	    "checked_at = now(), checked_by = session_user",
	    3, p, err);
	if (rc < 0)
		err_prefix(err, "cannot store the check of %s", domain);
	return rc;
}
