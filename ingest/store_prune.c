/*
 * store_prune: retention, what `dmarcsift prune` drops (sql/017's
 * reports_prune() and inputs_prune(), sql/025's other_reports_prune(),
 * the shapes of sql/029 no record names);
 * see store.h.
 */
#include "store.h"

#include "clock.h"
#include "db.h"
#include "err.h"
#include "locks.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pruning {
	void (*cb)(void *arg, const struct store_pruned *what);
	void *arg;
};

/* A count the database wrote; -1 when it is none. */
static int
count_of(const char *text, uint64_t *out)
{
	char *end;

	if (text == NULL || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	*out = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* A row of reports_prune(): kind, part, reports. */
static int
on_reports(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct pruning *pr = arg;
	struct store_pruned what = {0};

	if (ncols != 3 || c[0] == NULL || c[1] == NULL ||
	    count_of(c[2], &what.n) < 0)
		return err_set(
		    err, ERR_DB, "unexpected row from reports_prune");
	what.kind =
	    strcmp(c[0], "month") == 0 ? STORE_PRUNED_MONTH : STORE_PRUNED_ROWS;
	what.part = c[1];
	pr->cb(pr->arg, &what);
	return 0;
}

/* A row of other_reports_prune(): kind, reports; said when any went. */
static int
on_others(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct pruning *pr = arg;
	struct store_pruned what = {0};

	if (ncols != 2 || c[0] == NULL || count_of(c[1], &what.n) < 0)
		return err_set(
		    err, ERR_DB, "unexpected row from other_reports_prune");
	what.kind =
	    strcmp(c[0], "tls") == 0 ? STORE_PRUNED_TLS : STORE_PRUNED_FAILURES;
	if (what.n > 0)
		pr->cb(pr->arg, &what);
	return 0;
}

/* The row of inputs_prune(): inputs, bytes. */
static int
on_inputs(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct pruning *pr = arg;
	struct store_pruned what = {.kind = STORE_PRUNED_INPUTS};

	if (ncols != 2 || count_of(c[0], &what.n) < 0 ||
	    count_of(c[1], &what.bytes) < 0)
		return err_set(err, ERR_DB, "unexpected row from inputs_prune");
	pr->cb(pr->arg, &what);
	return 0;
}

/*
 * The shapes (sql/029) no record names any more, deleted in a transaction
 * of their own unless a store's transaction holds LOCK_SHAPES (what it
 * remembers of the shapes written would lie): said either way.  Tried,
 * never waited for; a deletion counted in auth_shapes_gc, so that every
 * store forgets what it remembers.
 */
static int
drop_shapes(struct db *db, struct pruning *pr, struct err *err)
{
	struct store_pruned what = {.kind = STORE_PRUNED_SHAPES};
	char *got = NULL, *n = NULL;
	int rc;

	if ((rc = db_begin(db, err)) < 0)
		return rc;
	if ((rc = db_value(db,
	         "SELECT pg_try_advisory_xact_lock(" LOCK_SHAPES ")", 0, NULL,
	         &got, err)) < 0)
		goto fail;
	what.busy = got == NULL || strcmp(got, "t") != 0;
	if (!what.busy) {
		if ((rc = db_value(db,
		         "WITH gone AS (DELETE FROM auth_shapes s WHERE NOT "
		         "EXISTS (SELECT 1 FROM records r WHERE r.auth = s.id) "
		         "RETURNING 1) SELECT count(*) FROM gone",
		         0, NULL, &n, err)) < 0)
			goto fail;
		if (count_of(n, &what.n) < 0) {
			rc = err_set(
			    err, ERR_DB, "unexpected count of shapes deleted");
			goto fail;
		}
		if (what.n > 0 &&
		    (rc = db_exec(db, "UPDATE auth_shapes_gc SET gen = gen + 1",
		         0, NULL, err)) < 0)
			goto fail;
	}
	pr->cb(pr->arg, &what);
	free(got);
	free(n);
	return db_commit(db, err);
fail:
	free(got);
	free(n);
	db_rollback(db);
	return rc;
}

/* The cut for keeping days days, as Unix time text. */
static void
cut_of(long long days, char *out, size_t n)
{
	snprintf(out, n, "%" PRId64, clock_now() - (int64_t)days * CLOCK_DAY);
}

int
store_prune(struct db *db, long long keep_reports, long long keep_inputs,
    int dry, void (*cb)(void *arg, const struct store_pruned *what), void *arg,
    struct err *err)
{
	struct pruning pr = {cb, arg};
	char cut[24];
	const char *p[2] = {cut, dry ? "true" : "false"};
	int rc;

	if ((rc = db_begin(db, err)) < 0)
		return rc;
	if ((rc = db_exec(db,
	         "SET LOCAL lock_timeout = '" STORE_PRUNE_LOCK_WAIT "'", 0,
	         NULL, err)) < 0)
		goto fail;
	if (keep_reports > 0) {
		cut_of(keep_reports, cut, sizeof(cut));
		if ((rc = db_each(db,
		         "SELECT kind, part, reports FROM "
		         "reports_prune(to_timestamp($1), $2::boolean)",
		         2, p, on_reports, &pr, err)) < 0 ||
		    (rc = db_each(db,
		         "SELECT kind, reports FROM "
		         "other_reports_prune(to_timestamp($1), $2::boolean)",
		         2, p, on_others, &pr, err)) < 0)
			goto fail;
	}
	if (keep_inputs > 0) {
		cut_of(keep_inputs, cut, sizeof(cut));
		if ((rc = db_each(db,
		         "SELECT inputs, bytes FROM "
		         "inputs_prune(to_timestamp($1), $2::boolean)",
		         2, p, on_inputs, &pr, err)) < 0)
			goto fail;
	}
	if ((rc = db_commit(db, err)) < 0)
		goto fail;
	/* After: a store's transaction waits for it (LOCK_SHAPES), and must
	 * not wait for the reports' and inputs' as well. */
	if (keep_reports > 0 && !dry)
		return drop_shapes(db, &pr, err);
	return 0;
fail:
	db_rollback(db);
	return rc;
}
