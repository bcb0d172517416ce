/*
 * locks: every PostgreSQL advisory lock dmarcsift takes, in one place, so
 * that no two uses pick the same number by accident.
 *
 * Single-key locks take a bigint; keyed locks take a class (an int4) and
 * hashtext(KEY) as pg_advisory_lock(CLASS, hashtext(KEY)).  The numbers are
 * SQL literals, written into the statements, and must never change: a run
 * of an older dmarcsift beside a newer one must still be kept apart.
 */
#ifndef DMARCSIFT_LOCKS_H
#define DMARCSIFT_LOCKS_H

/* Schema migration (common/db_migrate.c): one at a time, per database. */
#define LOCK_MIGRATE "7305611963"

/* Judging stored records (analyze/analysis.c): one rebuild at a time. */
#define LOCK_JUDGE "7243001"

/* Syncing the rollup source_days with the counted reports: written in
 * sql/defs/30_rollup_sync.sql (source_days_sync()), held to the
 * transaction; shared by syncs of some reports, each of which also takes
 * LOCK_CLASS_ROLLUP for every group of copies it syncs (report_group()),
 * exclusive by a sync of everything, by what deletes reports and by a
 * rules change that empties the rollup (analyze/analysis.c); shared by
 * the merged catch-up (source_days_merged_catch_up()) too. */
#define LOCK_ROLLUP "7243002"
#define LOCK_CLASS_ROLLUP "1919903844"

/* Remaking a day of source_days_merged, class with keys "DOMAIN DAY":
 * written in sql/defs/30_rollup_sync.sql, tried, held to the transaction. */
#define LOCK_CLASS_MERGED "1835365732"

/* Making or dropping a month's partitions of records and source_days:
 * written in sql/016_month_partitions.sql, held to the transaction. */
#define LOCK_PARTITION "7243003"

/* An IMAP mailbox (ingest/mailbox.c), class with keys "USER@HOST BOX". */
#define LOCK_CLASS_MAILBOX "1684892019"

/* A path given to ingest (ingest/filelock.c), class with keys "files PATH". */
#define LOCK_CLASS_FILES "1718185061"

/* The dictionary auth_shapes (sql/029): held shared, for its transaction,
 * by each store's transaction that names shapes (ingest/store.c), whose
 * memory of the shapes written must stay true until it commits; tried
 * exclusive, for its transaction, by prune before it deletes the shapes
 * no record names (ingest/store_prune.c). */
#define LOCK_SHAPES "7243004"

#endif
