/* check_keep: a check kept for serve; see check_keep.h. */
#include "check_keep.h"

#include "check.h"
#include "check_cache.h"
#include "check_json.h"
#include "db.h"
#include "err.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef DMARCSIFT_VERSION
#define DMARCSIFT_VERSION "unknown"
#endif

/* Says why c was not kept. */
static void
not_kept(const struct db *db, const struct err *err)
{
	if (db_denied(db))
		log_warn("%s: this role may not write check_results, so serve "
		         "shows the check before (grant it INSERT, UPDATE on "
		         "check_results)",
		    err->msg);
	else
		log_warn("%s", err->msg);
}

int
check_keep(struct db *db, const struct check *c)
{
	char *buf = NULL;
	size_t len = 0;
	struct err err;
	int rc = -1;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		log_warn("cannot keep the check for serve: out of memory");
		return -1;
	}
	check_json(fp, c);
	if (fclose(fp) != 0) {
		log_warn("cannot keep the check for serve: out of memory");
	} else if (db_begin(db, &err) < 0) {
		not_kept(db, &err);
	} else if (check_cache_store(
	               db, c->domain, buf, DMARCSIFT_VERSION, &err) < 0) {
		not_kept(db, &err);
		db_rollback(db);
	} else if (db_commit(db, &err) < 0) {
		not_kept(db, &err);
	} else {
		rc = 0;
	}
	free(buf);
	return rc;
}
