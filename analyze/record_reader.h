/*
 * record_reader: stored records read back for a verdict.  The one place
 * that knows how a record and its report's policy come back from the
 * database into struct dmarc_record and struct dmarc_policy (report.h), the
 * input of verdict_eval(); analysis.c (every record, for its verdict)
 * and check.c (records grouped by source, for `dmarcsift check`) both read
 * through it.
 *
 * A record comes back as flat rows, sorted: one for the record, then one
 * for each DKIM result, SPF result and override reason, in order, so the
 * arrays of sql/003_auth_inline.sql are unnested by PostgreSQL and never
 * parsed here.  A caller writes its query with RECORD_READER_ROWS(SRC) and
 * hands each row to record_reader_row() (a db_each() callback, also for
 * rows fetched from a cursor a part at a time); the reader hands each
 * assembled record to the caller's callback once the record's rows are
 * read, and the last one at record_reader_finish().
 */
#ifndef DMARCSIFT_RECORD_READER_H
#define DMARCSIFT_RECORD_READER_H

#include <stdint.h>

#include "report.h"

struct err;

/*
 * The rows of the records SRC holds, in order.  SRC is a relation: the
 * name of a WITH query, or "(SELECT ...) AS g".  Its columns:
 *
 *   k1, k2          the record's key, any types: rows come ordered by
 *                   them, and the reader hands them on as text
 *   source_ip       inet
 *   count           the messages (any number type)
 *   header_from, envelope_from, dkim, spf
 *                   the record's columns of the same names
 *   domain, adkim, aspf
 *                   the report's policy_published
 *   dkim_auth, spf_auth, reasons
 *                   text[], as in auth_shapes and records (NULL: none)
 *
 * SRC is named four times: a subquery is planned four times (cheap when it
 * selects by key), a WITH query is computed once (the way to number
 * groups).
 */
#define RECORD_READER_ROWS(SRC)                                                \
	"SELECT k1, k2, 0 AS kind, 0 AS n, host(source_ip), count::text, "     \
	"header_from, envelope_from, dkim, spf, domain, adkim, aspf "          \
	"FROM " SRC " UNION ALL SELECT k1, k2, 1, n, NULL, NULL, "             \
	"dkim_auth[n][1], dkim_auth[n][2], dkim_auth[n][3], NULL, NULL, "      \
	"NULL, NULL FROM " SRC ", generate_subscripts(dkim_auth, 1) AS n "     \
	"UNION ALL SELECT k1, k2, 2, n, NULL, NULL, spf_auth[n][1], "          \
	"spf_auth[n][2], spf_auth[n][3], NULL, NULL, NULL, NULL FROM " SRC     \
	", generate_subscripts(spf_auth, 1) AS n UNION ALL SELECT k1, k2, 3, " \
	"n, NULL, NULL, reasons[n][1], reasons[n][2], NULL, NULL, NULL, "      \
	"NULL, NULL FROM " SRC ", generate_subscripts(reasons, 1) AS n "       \
	"ORDER BY 1, 2, 3, 4"

/* Columns of a row of RECORD_READER_ROWS. */
#define RECORD_READER_NCOLS 13

/*
 * Called with each record read.  k1 and k2 are the key's text; rec (with
 * source_ip canonical, or "" when it is not an address, and count) and pol
 * (domain, adkim, aspf; pct -1) are borrowed for the call only.
 */
typedef void record_reader_cb(void *arg, const char *k1, const char *k2,
    const struct dmarc_record *rec, const struct dmarc_policy *pol);

/* Zero-initialise, then record_reader_init(); release with
 * record_reader_clear() on every path. */
struct record_reader {
	record_reader_cb *cb;
	void *arg;
	uint64_t rows; /* rows read so far */
	int open; /* rec holds a record not yet handed on */
	char k1[64], k2[32];
	struct dmarc_record rec;
	struct dmarc_policy pol;
};

void record_reader_init(
    struct record_reader *rr, record_reader_cb *cb, void *arg);
/*
 * A db_each() callback (arg: the reader) for one row of
 * RECORD_READER_ROWS: a record row hands on the record before it and
 * starts the next; the rows after it add its results and reasons.  ERR_DB
 * for a row of another shape.
 */
int record_reader_row(
    void *arg, int ncols, const char *const *c, struct err *err);
/* Hands on the record still open, if any: call once the rows are read. */
void record_reader_finish(struct record_reader *rr);
/* Frees a record still open without handing it on. */
void record_reader_clear(struct record_reader *rr);

#endif
