/*
 * verdict_copy: a record's verdict as a row of record_verdicts
 * (sql/005_analysis.sql) in COPY text form.  The one writer of that row,
 * for the judge that reads stored records back (analysis.c) and for the
 * store that judges records as they are parsed (ingest/store.c).
 */
#ifndef DMARCSIFT_VERDICT_COPY_H
#define DMARCSIFT_VERDICT_COPY_H

struct copybuf;
struct services;
struct verdict;

/* The statement whose rows verdict_copy_row() writes. */
#define VERDICT_COPY_SQL                                                       \
	"COPY record_verdicts (report, idx, header_from, dkim_aligned, "       \
	"spf_aligned, pass, rcv_pass, disagree, cause, auth_cause, override, " \
	"dkim_domain, dkim_result, spf_domain, spf_result, dkim_service, "     \
	"spf_service) FROM STDIN"

/*
 * Appends the row of verdict v of record (report, idx), both decimal
 * text, to b; sv names the services of its DKIM and SPF domains (NULL:
 * none known).
 */
void verdict_copy_row(struct copybuf *b, const char *report, const char *idx,
    const struct verdict *v, const struct services *sv);

#endif
