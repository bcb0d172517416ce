/*
 * auth_shape: a record's DKIM and SPF results as one row of auth_shapes
 * (sql/029), shared by every record that has the same ones.
 *
 * A shape is named by its content, so that a record's row can name it
 * while the record streams into COPY, with no round trip: the first 16
 * bytes of the SHA-256 of its two arrays written as PostgreSQL writes them
 * (array_out), one after the other; sql/029's auth_shape_id() computes
 * the same from stored arrays.  A record with no results has no shape
 * (records.auth NULL).
 *
 * The shapes a store names are written by auth_shapes_flush() on a
 * connection of their own, each statement committed at once (and without
 * waiting for the disk: the WAL of the records that name them, committed
 * later, carries them), so that no report's transaction ever waits for
 * another's over a shape.  A shape written once is remembered (a table of
 * AUTH_SHAPES_SLOTS, an older one forgotten when a newer takes its slot,
 * which costs only a write that changes nothing).  That memory holds
 * while prune deletes no shape: each transaction that names shapes takes
 * LOCK_SHAPES shared (prune deletes under it exclusive) and hands the
 * count of prune's deletions it then reads to auth_shapes_generation().
 */
#ifndef DMARCSIFT_AUTH_SHAPE_H
#define DMARCSIFT_AUTH_SHAPE_H

#include <stddef.h>

struct db;
struct dmarc_record;
struct dynbuf;
struct err;
struct auth_shapes;

#define AUTH_SHAPE_ID_LEN 16
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and its NUL. */
#define AUTH_SHAPE_UUID_LEN 37
#define AUTH_SHAPES_SLOTS (1u << 15)
/* Shapes, and their bytes, waiting for a flush at most (a shape more past
 * either, and auth_shapes_name() flushes first): with every record's
 * results at input_limits' ceiling, the queue holds about one MiB and one
 * record's. */
#define AUTH_SHAPES_QUEUE 256
#define AUTH_SHAPES_QUEUE_BYTES ((size_t)1 << 20)

/*
 * rec's DKIM results then its SPF results as two array literals, each as
 * array_out writes a two-dimensional text[] ({} when empty), appended to
 * out; returns the length of the first.  Exposed for the tests.
 */
size_t auth_shape_text(struct dynbuf *out, const struct dmarc_record *rec);

/* A store's shapes over connections like db (borrowed; must outlive
 * them), which also takes a failed flush's error (db_take_error()).
 * Free with auth_shapes_free(). */
struct auth_shapes *auth_shapes_new(struct db *db);
void auth_shapes_free(struct auth_shapes *s);

/*
 * The shape of rec's results as a uuid's text into uuid: 1, or 0 when it
 * has none.  A shape not written yet is queued, and the queue written when
 * full: -1 (err set) when that fails.
 */
int auth_shapes_name(struct auth_shapes *s, const struct dmarc_record *rec,
    char uuid[AUTH_SHAPE_UUID_LEN], struct err *err);

/* Writes the queued shapes, committed: before the transaction of the
 * records that name them commits.  0, or -1 with err set (the queue and
 * what was remembered then forgotten). */
int auth_shapes_flush(struct auth_shapes *s, struct err *err);

/* Forgets the queued shapes, never written (their records' transaction
 * failed before a flush). */
void auth_shapes_abandon(struct auth_shapes *s);

/* gen: auth_shapes_gc.gen as read by a transaction that holds LOCK_SHAPES
 * shared, before it names shapes (NULL: none read).  When it is not the
 * one read last, every shape remembered is forgotten (prune may have
 * deleted it). */
void auth_shapes_generation(struct auth_shapes *s, const char *gen);

#endif
