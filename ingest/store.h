/*
 * store: inputs into PostgreSQL, each exactly once.
 *
 * One input (a file, a mail) is one transaction: its archived bytes, every
 * report it yields with records and results (streamed with COPY), every
 * SMTP TLS report with its policies and failure details (sql/024), and the
 * reason for every part that yields none.  An input whose only reports are
 * TLS reports has the outcome "skipped" (no aggregate report: a mailbox
 * puts it with failure reports, in imap_other).  Killed at any moment, a run
 * leaves no partial input; run again, it completes the work.
 *
 * An input already stored (same SHA-256) changes nothing; so does a report
 * already stored from another input (same reporter, report_id, domain,
 * range and content).  Concurrent runs over the same inputs insert nothing
 * twice: the unique keys make the later transaction wait and then skip.
 */
#ifndef DMARCSIFT_STORE_H
#define DMARCSIFT_STORE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct limits;
struct store;

/* What became of inputs: for one input, or summed over a run. */
struct store_counts {
	unsigned inputs_new, inputs_duplicate;
	unsigned reports_new, reports_duplicate;
	unsigned tls_new, tls_duplicate; /* SMTP TLS reports (sql/024) */
	unsigned failure_new, failure_duplicate; /* failure reports (025) */
	unsigned refused, skipped;
	uint64_t records_new;
};

/*
 * Starts a run (a row in ingest_runs) on db, which stays the caller's and
 * must outlive the store.  command describes the run for that row.
 */
int store_new(struct store **out, struct db *db, const struct limits *lim,
    const char *command, struct err *err);

/*
 * Judges each record as it is read, when its report's policy came before
 * it, and writes its verdict in the record's own row (the v_* columns,
 * sql/014) in the input's transaction:
 * the judge that reads stored records back (analyze/analysis.h) is then
 * left only the reports judged otherwise.  services_file is the setting
 * (NULL: the built-in list only); copied.  Verdicts stored under other
 * rules or services are dropped first (analysis_prepare()), to be judged
 * again after the store.  ERR_IO or ERR_MALFORMED when the list cannot be
 * loaded, ERR_DB: the store then judges nothing.  A worker store judges
 * when its run does.
 */
int store_judge(struct store *st, const char *services_file, struct err *err);

/*
 * Names the authserv-ids (comma-separated, the authserv_id setting) whose
 * Authentication-Results on a report mail are believed (mailauth.h); NULL
 * or "": none, and every report's sender is "could not tell".  Copied;
 * a worker store takes its run's.
 */
void store_trust(struct store *st, const char *authserv_ids);

/* How much of a failure report is stored: the setting failure_keep. */
enum store_failure_keep {
	STORE_FAILURE_MINIMAL, /* the fields failrpt.h reads */
	STORE_FAILURE_NONE, /* reporter, reported domain, day: a count */
};

/* Sets what st keeps of failure reports (MINIMAL unless told); a worker
 * store takes its run's. */
void store_failure_keep(struct store *st, enum store_failure_keep keep);

/*
 * Another store for the same run, over another connection db (a second
 * worker): it writes no run row of its own.  Its counts reach the run
 * through store_add().  Freed with store_free().
 */
int store_new_worker(struct store **out, const struct store *run, struct db *db,
    struct err *err);
/* Adds counts (a worker's totals) to the run's. */
void store_add(struct store *run, const struct store_counts *counts);

/*
 * Stores one input: len bytes of buf, all of it unless complete is 0 (the
 * input was larger than limit input_bytes: the head is archived and the
 * input refused).  source is "file", "stdin", ...; name says where it
 * came from.  problem, when not NULL, hears about every part refused or
 * skipped.  *counts (the caller's) receives this input's outcome and is
 * added to the run's.  Returns 0, or ERR_DB when the database failed (the
 * input is then not stored, and the run should stop).
 */
int store_input(struct store *st, const unsigned char *buf, size_t len,
    int complete, const char *source, const char *name,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err);

/* A mail in an IMAP mailbox, by the identity IMAP gives it. */
struct store_mail {
	const char *account; /* user@host */
	const char *mailbox;
	uint32_t uidvalidity, uid;
	const char *message_id; /* NULL when it has none */
};

/*
 * store_input() for a mail from a mailbox: the mail's row in imap_messages
 * (what it became, with the action still to take) goes in the same
 * transaction as its input and reports.  The same bytes stored before
 * (another copy of the mail) give a row that points at the earlier input,
 * with the outcome "duplicate" -- or "refused" or "skipped" when that is
 * what the earlier input came to, so the copy goes where the first went.
 * mail is borrowed for the call.
 */
int store_mail(struct store *st, const unsigned char *buf, size_t len,
    int complete, const char *source, const char *name,
    const struct store_mail *mail,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err);

/* The outcome of the last input stored: "reports", "partial", "refused",
 * "skipped" or "duplicate" (borrowed until the next input). */
const char *store_outcome(const struct store *st);

/*
 * Parses a stored input (by its inputs.id) again from its archived bytes,
 * replacing its reports and problems in one transaction: what a parser fix
 * changes shows, and nothing else does.  Counts and errors as for
 * store_input().
 */
int store_reparse(struct store *st, const char *input_id,
    void (*problem)(void *arg, const char *where, const struct err *why),
    void *arg, struct store_counts *counts, struct err *err);

/* The run's totals so far. */
const struct store_counts *store_totals(const struct store *st);

/* Records the run's end and counts in ingest_runs; frees st. */
int store_finish(struct store *st, struct err *err);

/*
 * Says why the run stopped before its work was done (the mailbox could
 * not be read): store_finish() writes it into the run's row, whose status
 * is then 'failed' (sql/018).  why is copied, at most 500 bytes.
 */
void store_failed(struct store *st, const char *why);
/* Frees st without recording the end (after a database failure). */
void store_free(struct store *st);

/*
 * The bookkeeping of a mailbox run (mailbox.h), beside what it stores; db
 * is the run's connection.  Mail is named by where: account, mailbox and
 * UIDVALIDITY (and uid, for one mail).
 *
 * store_mailbox_lock() tries the advisory lock of one key of the mailbox
 * (pg_try_advisory_lock(LOCK_CLASS_MAILBOX, hashtext(key))): *got is 1
 * when taken, 0 when another run holds it.  store_mailbox_unlock() lets
 * it go.
 */
int store_mailbox_lock(
    struct db *db, const char *key, int *got, struct err *err);
void store_mailbox_unlock(struct db *db, const char *key);

/* Records in the mail's imap_messages row that action was taken. */
int store_mailbox_acted(struct db *db, const struct store_mail *m,
    const char *action, struct err *err);

/* What imap_messages says of one mail. */
struct store_mailbox_row {
	uint32_t uid;
	int done; /* its action was taken */
	char outcome[16]; /* as store_outcome() said */
	char message_id[256]; /* "" when none, or too long to matter */
};

struct store_mailbox_known {
	struct store_mailbox_row *row; /* the caller's: free() */
	size_t n;
};

/*
 * The rows of those of the n uids that are stored, in *out (whose row the
 * caller frees, also on failure).
 */
int store_mailbox_known(struct db *db, const struct store_mail *where,
    const uint32_t *uids, size_t n, struct store_mailbox_known *out,
    struct err *err);

/*
 * Mail stored but not acted on that is no longer there: of another
 * UIDVALIDITY, or below bound (a UID the whole pass would have listed) and
 * not found.  Its action becomes "gone from the mailbox".
 */
int store_mailbox_forget(struct db *db, const struct store_mail *where,
    uint32_t bound, struct err *err);

/*
 * Closes the rows of earlier runs that died unfinished (killed, stopped on
 * a database error, cut off by a server restart): marked interrupted, with
 * the counts of what they stored (sql/010_runs.sql).  *closed says how
 * many.
 */
int store_close_dead_runs(struct db *db, unsigned *closed, struct err *err);

/*
 * For reparse: the name input_id (an inputs.id) came from, in *out (the
 * caller's: free()); NULL when the input holds none or there is no such
 * input.
 */
int store_input_name(
    struct db *db, const char *input_id, char **out, struct err *err);

/*
 * For reparse, one input at a time: the first input after prev (an
 * inputs.id; "0" to begin) that store_reparse() can parse again (its
 * bytes are archived, its reports not pruned) and, unless all, that was
 * refused in whole or in part.  *out is its id (the caller's: free()), or
 * NULL when there is none.
 */
int store_next_reparse(
    struct db *db, const char *prev, int all, char **out, struct err *err);

/*
 * Retention (store_prune.c, sql/017): how long prune waits for a table
 * someone else is using (an ingest storing into the month being
 * dropped) before it gives up, as a PostgreSQL interval.
 */
#define STORE_PRUNE_LOCK_WAIT "10s"

/* What store_prune() drops, or would drop. */
enum store_pruned_kind {
	STORE_PRUNED_MONTH, /* a month's reports, records and rollup rows */
	STORE_PRUNED_ROWS, /* reports of the partitions without a month */
	STORE_PRUNED_INPUTS, /* the archived bytes of inputs */
	STORE_PRUNED_TLS, /* SMTP TLS reports (sql/025) */
	STORE_PRUNED_FAILURES, /* DMARC failure reports (sql/025) */
	STORE_PRUNED_SHAPES, /* auth results no record names (sql/029) */
};

struct store_pruned {
	enum store_pruned_kind kind;
	const char *part; /* MONTH, ROWS: the partitions, as sql/017 names
	                     them; borrowed for the call */
	uint64_t n; /* reports, (INPUTS) inputs, (SHAPES) shapes */
	int busy; /* SHAPES: left, an ingest holds them (n is 0) */
	uint64_t bytes; /* INPUTS: compressed bytes */
};

/*
 * Drops, in one transaction, the reports that ended more than
 * keep_reports days ago (a whole month at a time where it can, sql/017;
 * TLS and failure reports with them, each kind said when any went, sql/025)
 * and the archived bytes of the inputs received more than keep_inputs
 * days ago (the rows stay); 0 keeps that kind.  Then, in a transaction
 * of their own, the auth results no record names any more (sql/029's
 * auth_shapes), unless an ingest is storing an input (said as busy; the
 * next prune takes them); when that fails, what went before stays gone.
 * dry: counts what would go and drops nothing (the shapes: none counted).  Each
 * thing dropped is handed to cb(arg, what), the inputs once even when none; cb
 * says it (before the commit: a caller says it only once this returns 0).  A
 * table in use for longer than STORE_PRUNE_LOCK_WAIT fails with
 * db_lock_busy(db) set.  On any failure nothing was dropped.
 */
int store_prune(struct db *db, long long keep_reports, long long keep_inputs,
    int dry, void (*cb)(void *arg, const struct store_pruned *what), void *arg,
    struct err *err);

#endif
