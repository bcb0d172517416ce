/*
 * verdict_copy: a record's verdict as the v_* columns of its records row
 * (sql/014_verdicts_inline.sql, v_own: sql/020_classes_evidence.sql) in
 * COPY text form.  The one writer of
 * those columns, for the store that judges records as they are parsed
 * (ingest/store.c: they end the record's own row) and for the judge that
 * reads stored records back (analysis.c: a row of report, idx and them,
 * applied with an UPDATE).
 */
#ifndef DMARCSIFT_VERDICT_COPY_H
#define DMARCSIFT_VERDICT_COPY_H

struct copybuf;
struct dmarc_record;
struct services;
struct verdict;

/* The columns verdict_copy_fields() writes, in its order. */
#define VERDICT_COPY_COLUMNS                                                   \
	"v_pass, v_dkim_aligned, v_spf_aligned, v_rcv_pass, v_disagree, "      \
	"v_cause, v_auth_cause, v_dkim, v_spf, v_header_from, v_dkim_domain, " \
	"v_dkim_result, v_spf_domain, v_spf_result, v_override, "              \
	"v_dkim_service, v_spf_service, v_own"

/* Their types, for a table that holds them on the way (same order). */
#define VERDICT_COPY_TYPES                                                     \
	"v_pass boolean, v_dkim_aligned boolean, v_spf_aligned boolean, "      \
	"v_rcv_pass boolean, v_disagree smallint, v_cause smallint, "          \
	"v_auth_cause smallint, v_dkim smallint, v_spf smallint, "             \
	"v_header_from text, v_dkim_domain text, v_dkim_result text, "         \
	"v_spf_domain text, v_spf_result text, v_override text, "              \
	"v_dkim_service text, v_spf_service text, v_own smallint"

/*
 * Appends the fields of verdict v of record rec to b, the last followed
 * by end ('\t' or '\n'); sv names the services of its DKIM and SPF
 * domains (NULL: none known).  A domain or result is written out only
 * where it differs from what the chosen auth result of rec says (the
 * view record_verdicts takes it from there).
 */
void verdict_copy_fields(struct copybuf *b, const struct verdict *v,
    const struct dmarc_record *rec, const struct services *sv, char end);

/* The same fields of a record not judged yet: all NULL. */
void verdict_copy_none(struct copybuf *b, char end);

#endif
