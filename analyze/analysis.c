/*
 * analysis: the records' verdicts kept up to date; see analysis.h.
 *
 * Records are read back one batch of reports at a time, through
 * record_reader.h, from a cursor a part at a time.
 */
#include "analysis.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copybuf.h"
#include "db.h"
#include "dynbuf.h"
#include "err.h"
#include "locks.h"
#include "rdns.h"
#include "record_reader.h"
#include "report.h"
#include "services.h"
#include "sha256.h"
#include "verdict.h"
#include "verdict_copy.h"
#include "xalloc.h"

/* A batch: reports until this many records (at least one report). */
#define BATCH_RECORDS 20000
#define BATCH_REPORTS 2000
/* The array literal of a batch's ids: "{" and "}", each id at most 20
 * digits and a comma. */
#define BATCH_IDS_MAX (BATCH_REPORTS * 21 + 2)
/* Rows read, and verdicts written, at a time within a batch: a report of
 * a million records is judged in bounded memory. */
#define FETCH_ROWS "20000"

/* Pending reports the rollup takes in at a time, at most (the function
 * also keeps to about 20,000 records). */
#define CATCH_UP "5000"
/* Days of source_days_merged remade a transaction. */
#define CATCH_UP_DAYS "10"

/* A run waits for another's rebuild at most lock_timeout, so cron never
 * hangs. */
#define LOCK_SQL                                                               \
	"SET lock_timeout = '10min'; SELECT pg_advisory_lock(" LOCK_JUDGE      \
	"); RESET lock_timeout"
#define UNLOCK_SQL "SELECT pg_advisory_unlock(" LOCK_JUDGE ")"

/* Reports with records not judged (a report whose records are gone
 * would otherwise come back forever). */
#define PENDING                                                                \
	"FROM reports r WHERE NOT r.judged AND r.record_count > 0 AND EXISTS " \
	"(SELECT 1 FROM records x WHERE x.report = r.id)"

/* A part's verdicts go into their records' rows through this table. */
#define JUDGE_OUT_SQL                                                          \
	"CREATE TEMP TABLE IF NOT EXISTS judge_out (report bigint, idx "       \
	"integer, " VERDICT_COPY_TYPES ", PRIMARY KEY (report, idx)) ON "      \
	"COMMIT DELETE ROWS"

/* The records of a batch of reports ($1, an array of ids), keyed by
 * report and index: read once (the reader names its source four times),
 * each record's shape looked up by its key (joined whole, the dictionary
 * would be read and hashed for every batch). */
static const char rows_cursor_sql[] =
    "DECLARE judge_rows NO SCROLL CURSOR FOR WITH g AS MATERIALIZED ("
    "SELECT rec.report AS k1, rec.idx AS k2, rec.source_ip, rec.count, "
    "rec.header_from, rec.envelope_from, rec.dkim, rec.spf, r.domain, "
    "r.adkim, r.aspf, sh.dkim_auth, sh.spf_auth, rec.reasons "
    "FROM records rec JOIN reports r ON r.id = rec.report "
    "LEFT JOIN LATERAL (SELECT s.dkim_auth, s.spf_auth FROM auth_shapes s "
    "WHERE s.id = rec.auth OFFSET 0) sh ON true "
    "WHERE rec.report = ANY ($1::bigint[])) " RECORD_READER_ROWS("g");

struct judge {
	const struct orgdomain *od;
	const struct services *sv;
	struct copybuf out;
	uint64_t records;
	struct record_reader rr;
};

/* Judges a record read back (record_reader_cb) and appends its row. */
static void
judge_record(void *arg, const char *report, const char *idx,
    const struct dmarc_record *rec, const struct dmarc_policy *pol)
{
	struct judge *j = arg;
	struct verdict v;

	verdict_eval_services(j->od, j->sv, rec, pol, &v);
	copybuf_text(&j->out, report, '\t');
	copybuf_text(&j->out, idx, '\t');
	verdict_copy_fields(&j->out, &v, rec, j->sv, '\n');
	j->records++;
}

/* Collects up to a batch of pending report ids as an array literal. */
static int
on_id(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct {
		struct dynbuf ids;
		uint64_t records;
	} *b = arg;

	if (ncols != 2 || c[0] == NULL || b->records >= BATCH_RECORDS)
		return 0;
	if (dynbuf_addstr(&b->ids, b->ids.len == 0 ? "{" : ",") < 0 ||
	    dynbuf_addstr(&b->ids, c[0]) < 0)
		return err_set(
		    err, ERR_DB, "a report id of %zu bytes", strlen(c[0]));
	b->records += c[1] != NULL ? strtoull(c[1], NULL, 10) : 0;
	return 0;
}

/* The UPDATE that moves judge_out's verdicts into their records,
 * written once from VERDICT_COPY_COLUMNS: SET (a, b) = (o.a, o.b).  A
 * join on the records' key, one index probe a verdict (ANALYZE tells
 * the planner how few they are beside the records).  Made into the
 * caller's sql each time: serve judges from several threads at once. */
#define APPLY_SQL_MAX 2048
static const char *
apply_sql(char sql[APPLY_SQL_MAX])
{
	const char *cols = VERDICT_COPY_COLUMNS, *p;
	size_t n;

	n = (size_t)snprintf(sql, APPLY_SQL_MAX,
	    "ANALYZE judge_out; UPDATE records r SET (%s) = (", cols);
	for (p = cols; *p != '\0';) {
		size_t len = strcspn(p, ",");

		n += (size_t)snprintf(sql + n, APPLY_SQL_MAX - n, "%so.%.*s",
		    p == cols ? "" : ", ", (int)len, p);
		p += len;
		p += strspn(p, ", ");
	}
	snprintf(sql + n, APPLY_SQL_MAX - n,
	    ") FROM judge_out o WHERE r.report = o.report AND r.idx = o.idx; "
	    "TRUNCATE judge_out");
	return sql;
}

/* Writes the verdicts judged so far into their records, and forgets
 * them. */
static int
write_verdicts(struct db *db, struct judge *j, struct err *err)
{
	char sql[APPLY_SQL_MAX];
	int rc;

	if ((rc = copybuf_check(&j->out, "verdict", err)) < 0)
		return rc;
	if (j->out.buf.len == 0)
		return 0;
	if ((rc = db_copy_start(db, "COPY judge_out FROM STDIN", err)) < 0)
		return rc;
	if ((rc = db_copy_write(db, j->out.buf.p, j->out.buf.len, err)) < 0) {
		db_copy_cancel(db);
		return rc;
	}
	copybuf_reset(&j->out);
	if ((rc = db_copy_finish(db, err)) < 0)
		return rc;
	return db_exec(db, apply_sql(sql), 0, NULL, err);
}

/* Judges one batch; 1 done, 0 nothing left. */
static int
one_batch(struct db *db, struct judge *j, struct err *err)
{
	struct {
		struct dynbuf ids;
		uint64_t records;
	} b = {.records = 0};
	char limit[16];
	const char *p[1];
	uint64_t before;
	int rc;

	snprintf(limit, sizeof(limit), "%d", BATCH_REPORTS);
	p[0] = limit;
	dynbuf_init(&b.ids, BATCH_IDS_MAX);
	rc = db_each(db,
	    "SELECT r.id, r.record_count " PENDING " ORDER BY r.id LIMIT $1", 1,
	    p, on_id, &b, err);
	if (rc < 0 || b.ids.len == 0) {
		dynbuf_free(&b.ids);
		return rc < 0 ? rc : 0;
	}
	(void)dynbuf_addstr(&b.ids, "}"); /* BATCH_IDS_MAX has room */
	p[0] = b.ids.p;
	copybuf_reset(&j->out);
	if ((rc = db_begin(db, err)) < 0)
		goto out;
	/* A cursor, read FETCH_ROWS at a time, each part's verdicts written
	 * before the next is read; a record cut between two parts is
	 * judged with the next. */
	if ((rc = db_exec(db, JUDGE_OUT_SQL, 0, NULL, err)) < 0 ||
	    (rc = db_exec(db, rows_cursor_sql, 1, p, err)) < 0)
		goto fail;
	do {
		before = j->rr.rows;
		rc = db_each(db, "FETCH " FETCH_ROWS " FROM judge_rows", 0,
		    NULL, record_reader_row, &j->rr, err);
		if (rc < 0)
			goto fail;
		if (j->rr.rows == before)
			record_reader_finish(&j->rr);
		if ((rc = write_verdicts(db, j, err)) < 0)
			goto fail;
	} while (j->rr.rows > before);
	/* The rollup follows in the same transaction (sql/012), for the
	 * batch and its copies: a report parsed again may count in place of
	 * a copy stored after it. */
	if ((rc = db_exec(db, "CLOSE judge_rows", 0, NULL, err)) < 0 ||
	    (rc = db_exec(db,
	         "UPDATE reports SET judged = true WHERE id = ANY "
	         "($1::bigint[])",
	         1, p, err)) < 0 ||
	    (rc = db_exec(db,
	         "SELECT source_days_sync(report_copies($1::bigint[]))", 1, p,
	         err)) < 0 ||
	    (rc = db_commit(db, err)) < 0)
		goto fail;
	rc = 1;
	goto out;
fail:
	db_rollback(db);
	record_reader_clear(&j->rr);
out:
	dynbuf_free(&b.ids);
	return rc;
}

/* The causes' names by code, as this dmarcsift has them, into
 * verdict_causes (the view record_verdicts names records.v_cause). */
static int
write_causes(struct db *db, struct err *err)
{
	struct dynbuf names;
	const char *p[1];
	int rc = 0;

	dynbuf_init(&names, 4096);
	for (int c = 0; c < VERDICT_NCAUSES; c++)
		if (dynbuf_addstr(&names, c == 0 ? "{" : ",") < 0 ||
		    dynbuf_addstr(&names, verdict_cause_name(c)) < 0)
			rc = -1;
	if (rc < 0 || dynbuf_addstr(&names, "}") < 0) {
		dynbuf_free(&names);
		return err_set(err, ERR_DB, "the causes' names are too long");
	}
	p[0] = names.p;
	if ((rc = db_exec(db, "DELETE FROM verdict_causes", 0, NULL, err)) >= 0)
		rc = db_exec(db,
		    "INSERT INTO verdict_causes (code, name) SELECT n - 1, x "
		    "FROM unnest($1::text[]) WITH ORDINALITY AS u (x, n)",
		    1, p, err);
	dynbuf_free(&names);
	return rc;
}

/* Starts over when the rules or the services changed. */
static int
check_state(
    struct db *db, const struct services *sv, int *recomputed, struct err *err)
{
	unsigned char digest[SHA256_LEN];
	char hex[65], want[80], *have = NULL;
	const char *p[2];
	int rc;

	services_digest(sv, digest);
	sha256_hex(digest, hex);
	snprintf(want, sizeof(want), "%d:%s", ANALYSIS_RULES_VERSION, hex);
	if ((rc = db_value(db,
	         "SELECT rules_version || ':' || encode(services_sha256, "
	         "'hex') "
	         "FROM analysis_state",
	         0, NULL, &have, err)) < 0)
		return rc;
	*recomputed = have == NULL || strcmp(have, want) != 0;
	free(have);
	if (!*recomputed)
		return 0;
	snprintf(want, sizeof(want), "%d", ANALYSIS_RULES_VERSION);
	p[0] = want;
	p[1] = hex;
	if ((rc = db_begin(db, err)) < 0)
		return rc;
	/* Every report is judged again, its verdicts written in place.  The
	 * rollup's lock first, as every sync and merged catch-up takes it
	 * before the tables: TRUNCATE's table locks then wait for none of
	 * them halfway (a deadlock, one run dying). */
	if ((rc = db_exec(db, "SELECT pg_advisory_xact_lock(" LOCK_ROLLUP ")",
	         0, NULL, err)) < 0 ||
	    (rc = db_exec(db,
	         "TRUNCATE source_days, source_days_reports, "
	         "source_days_merged, source_days_dirty",
	         0, NULL, err)) < 0 ||
	    (rc = db_exec(db, "UPDATE reports SET judged = false WHERE judged",
	         0, NULL, err)) < 0 ||
	    (rc = write_causes(db, err)) < 0 ||
	    (rc = db_exec(db,
	         "INSERT INTO analysis_state (rules_version, services_sha256) "
	         "VALUES ($1, decode($2, 'hex')) ON CONFLICT (one) DO UPDATE "
	         "SET rules_version = EXCLUDED.rules_version, services_sha256 "
	         "= "
	         "EXCLUDED.services_sha256, updated_at = now()",
	         2, p, err)) < 0 ||
	    (rc = rdns_reservice(db, sv, err)) < 0 ||
	    (rc = db_commit(db, err)) < 0) {
		db_rollback(db);
		return rc;
	}
	return 0;
}

int
analysis_prepare(struct db *db, const struct services *sv, struct err *err)
{
	struct err ignored;
	int rc, recomputed;

	if ((rc = db_exec(db, LOCK_SQL, 0, NULL, err)) < 0)
		return rc;
	rc = check_state(db, sv, &recomputed, err);
	db_exec(db, UNLOCK_SQL, 0, NULL, &ignored);
	return rc;
}

/* Runs sql, a catch-up that returns how much it took, a transaction at
 * a time until it takes nothing. */
static int
catch_up(struct db *db, const char *sql, struct err *err)
{
	int rc;

	for (;;) {
		char *n = NULL;

		if ((rc = db_begin(db, err)) < 0)
			return rc;
		if ((rc = db_value(db, sql, 0, NULL, &n, err)) < 0 ||
		    (rc = db_commit(db, err)) < 0) {
			db_rollback(db);
			free(n);
			return rc;
		}
		rc = n != NULL && strcmp(n, "0") != 0;
		free(n);
		if (rc == 0)
			return 0;
	}
}

int
analysis_catch_up(struct db *db, struct err *err)
{
	int rc;

	if ((rc = catch_up(
	         db, "SELECT source_days_catch_up(" CATCH_UP ")", err)) < 0)
		return rc;
	return catch_up(
	    db, "SELECT source_days_merged_catch_up(" CATCH_UP_DAYS ")", err);
}

int
analysis_refresh(struct db *db, const struct orgdomain *od,
    const struct services *sv, void (*progress)(uint64_t done, uint64_t total),
    struct analysis_stats *st, struct err *err)
{
	struct judge j;
	char *total_s = NULL;
	uint64_t total = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&j, 0, sizeof(j));
	j.od = od;
	j.sv = sv;
	copybuf_init(&j.out);
	record_reader_init(&j.rr, judge_record, &j);
	if ((rc = db_exec(db, LOCK_SQL, 0, NULL, err)) < 0)
		return rc;
	if ((rc = check_state(db, sv, &st->recomputed, err)) < 0)
		goto out;
	if (progress != NULL) {
		if ((rc = db_value(db, "SELECT sum(r.record_count) " PENDING, 0,
		         NULL, &total_s, err)) < 0)
			goto out;
		total = total_s != NULL ? strtoull(total_s, NULL, 10) : 0;
		free(total_s);
	}
	while ((rc = one_batch(db, &j, err)) > 0) {
		/* Reports that claim records but have none stored would come
		 * back forever. */
		if (j.records == st->records) {
			rc = err_set(err, ERR_DB,
			    "a batch of reports gave no records to judge");
			break;
		}
		st->records = j.records;
		if (progress != NULL)
			progress(j.records, total);
	}
	/* The reports the store judged: the rollup catches up. */
	if (rc >= 0)
		rc = analysis_catch_up(db, err);
out:
	record_reader_clear(&j.rr);
	copybuf_free(&j.out);
	{
		/* Unlock even after an error; the session may be gone. */
		struct err ignored;

		db_exec(db, UNLOCK_SQL, 0, NULL, &ignored);
	}
	return rc < 0 ? rc : 0;
}
