/*
 * browse_report: one stored report, a page of its records, and the
 * archived bytes of an input, for serve's report page; see browse.h.
 */
#include "browse.h"
#include "browse_int.h"

#include "base64.h"
#include "db.h"
#include "err.h"

#include <stdio.h>

static int
on_report(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_report *r = arg;
	char **text[] = {&r->place, &r->org_name, &r->email, &r->extra_contact,
	    &r->report_id, &r->generator, &r->version, &r->domain};
	char **policy[] = {&r->adkim, &r->aspf, &r->p, &r->sp, &r->np, &r->pct,
	    &r->fo, &r->testing, &r->discovery};
	size_t i, k = 2;

	(void)err;
	if (ncols != 36 || r->id != 0)
		return 0;
	r->id = browse_i64(c[0]);
	r->input = browse_i64(c[1]);
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		*text[i] = browse_str(c[k++]);
	r->begin = browse_i64(c[k++]);
	r->end = browse_i64(c[k++]);
	for (i = 0; i < sizeof(policy) / sizeof(policy[0]); i++)
		*policy[i] = browse_str(c[k++]);
	r->record_count = browse_u64(c[k++]);
	r->records_dropped = browse_u64(c[k++]);
	r->messages = browse_u64(c[k++]);
	r->genuine = browse_bool(c[k++]);
	r->genuine_why = browse_str(c[k++]);
	r->counted = browse_bool(c[k++]) == 1;
	r->judged = browse_bool(c[k++]) == 1;
	r->ingested_at = browse_i64(c[k++]);
	r->source = browse_str(c[k++]);
	r->source_name = browse_str(c[k++]);
	r->mail_from = browse_str(c[k++]);
	r->auth_by = browse_str(c[k++]);
	r->received_at = browse_i64(c[k++]);
	r->size = browse_u64(c[k++]);
	r->raw_complete = browse_bool(c[k]) == 1;
	return 0;
}

static int
on_note(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_report *r = arg;
	uint64_t all;

	(void)err;
	if (ncols != 3)
		return 0;
	all = browse_u64(c[2]);
	if (r->notes == NULL)
		r->notes = xcalloc(BROWSE_NOTES_TOP, sizeof(*r->notes));
	r->notes_more = all > BROWSE_NOTES_TOP ? all - BROWSE_NOTES_TOP : 0;
	if (r->nnotes >= BROWSE_NOTES_TOP)
		return 0;
	r->notes[r->nnotes].error = browse_bool(c[0]) == 1;
	r->notes[r->nnotes++].text = browse_str(c[1]);
	return 0;
}

static int
on_record(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_report *r = arg;
	struct browse_record *x;

	(void)err;
	if (ncols != 10)
		return 0;
	if (r->records == NULL)
		r->records = xcalloc(BROWSE_RECORDS_PAGE, sizeof(*x));
	if (r->nrecords >= BROWSE_RECORDS_PAGE)
		return 0;
	x = &r->records[r->nrecords++];
	x->idx = browse_i64(c[0]);
	x->ip = browse_str(c[1]);
	x->count = browse_u64(c[2]);
	x->disposition = browse_str(c[3]);
	x->dkim = browse_str(c[4]);
	x->spf = browse_str(c[5]);
	x->header_from = browse_str(c[6]);
	x->envelope_from = browse_str(c[7]);
	x->pass = browse_bool(c[8]);
	x->cause = browse_str(c[9]);
	return 0;
}

/* The rows come in idx order, as the records do. */
struct results {
	struct browse_report *r;
	int spf;
	size_t at; /* the record the last row went to */
};

static int
on_result(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct results *s = arg;
	struct browse_report *r = s->r;
	int64_t idx = browse_i64(c[0]);
	struct browse_record *x;
	struct browse_result **v, *e;
	size_t *n, *more;

	(void)err;
	if (ncols != 4)
		return 0;
	while (s->at < r->nrecords && r->records[s->at].idx < idx)
		s->at++;
	if (s->at == r->nrecords || r->records[s->at].idx != idx)
		return 0;
	x = &r->records[s->at];
	v = s->spf ? &x->spf_auth : &x->dkim_auth;
	n = s->spf ? &x->nspf : &x->ndkim;
	more = s->spf ? &x->spf_more : &x->dkim_more;
	if (*n >= BROWSE_AUTH_PER_RECORD) {
		(*more)++;
		return 0;
	}
	if (*v == NULL)
		*v = xcalloc(BROWSE_AUTH_PER_RECORD, sizeof(**v));
	e = &(*v)[(*n)++];
	e->domain = browse_str(c[1]);
	e->what = browse_str(c[2]);
	e->result = browse_str(c[3]);
	return 0;
}

int
browse_report_read(struct db *db, int64_t id, uint64_t page,
    struct browse_report *out, struct err *err)
{
	char ids[24], offs[24], lo[24], hi[24];
	const char *p[3] = {ids, offs, NULL};
	const char *pr[3] = {ids, lo, hi};
	struct results res = {out, 0, 0};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	out->first = page * BROWSE_RECORDS_PAGE;
	snprintf(offs, sizeof(offs), "%llu", (unsigned long long)out->first);
	if ((rc = db_each(db,
	         "SELECT r.id, r.input, r.place, r.org_name, r.email, "
	         "r.extra_contact_info, r.report_id, r.generator, r.version, "
	         "r.domain, extract(epoch FROM r.date_begin)::bigint, "
	         "extract(epoch FROM r.date_end)::bigint, r.adkim, r.aspf, "
	         "r.p, r.sp, r.np, r.pct, r.fo, r.testing, "
	         "r.discovery_method, r.record_count, r.records_dropped, "
	         "r.messages, r.genuine, r.genuine_why, EXISTS (SELECT 1 FROM "
	         "counted_reports c WHERE c.id = r.id), r.judged, "
	         "extract(epoch FROM r.ingested_at)::bigint, i.source, "
	         "i.source_name, i.mail_from, i.auth_by, extract(epoch FROM "
	         "i.received_at)::bigint, i.size, i.raw_complete FROM reports "
	         "r JOIN inputs i ON i.id = r.input WHERE r.id = $1",
	         1, p, on_report, out, err)) < 0)
		goto fail;
	if (out->id == 0)
		return 1;
	if ((rc = db_each(db,
	         "SELECT e, x, count(*) OVER () FROM (SELECT true AS e, x, n "
	         "FROM reports, unnest(errors) WITH ORDINALITY AS u(x, n) "
	         "WHERE id = $1 UNION ALL SELECT false, x, n FROM reports, "
	         "unnest(warnings) WITH ORDINALITY AS u(x, n) WHERE id = $1) "
	         "s ORDER BY e DESC, n" LIMIT(BROWSE_NOTES_TOP),
	         1, p, on_note, out, err)) < 0)
		goto fail;
	/* Our verdict beside the receiver's; none while not judged. */
	if ((rc = db_each(db,
	         "SELECT r.idx, host(r.source_ip), r.count, r.disposition, "
	         "r.dkim, r.spf, r.header_from, r.envelope_from, v.pass, "
	         "v.cause FROM records r LEFT JOIN record_verdicts v ON "
	         "v.report = r.report AND v.idx = r.idx WHERE r.report = $1 "
	         "ORDER BY r.idx OFFSET $2::bigint" LIMIT(BROWSE_RECORDS_PAGE),
	         2, p, on_record, out, err)) < 0)
		goto fail;
	if (out->nrecords == 0)
		return 0;
	snprintf(lo, sizeof(lo), "%lld", (long long)out->records[0].idx);
	snprintf(hi, sizeof(hi), "%lld",
	    (long long)out->records[out->nrecords - 1].idx);
	if ((rc = db_each(db,
	         "SELECT idx, domain, selector, result FROM dkim_results WHERE "
	         "report = $1 AND idx BETWEEN $2::int AND $3::int ORDER BY "
	         "idx, n",
	         3, pr, on_result, &res, err)) < 0)
		goto fail;
	res.spf = 1;
	res.at = 0;
	if ((rc = db_each(db,
	         "SELECT idx, domain, scope, result FROM spf_results WHERE "
	         "report = $1 AND idx BETWEEN $2::int AND $3::int ORDER BY "
	         "idx, n",
	         3, pr, on_result, &res, err)) < 0)
		goto fail;
	return 0;
fail:
	browse_report_free(out);
	return rc;
}

static void
results_free(struct browse_result *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].domain);
		free(v[i].what);
		free(v[i].result);
	}
	free(v);
}

void
browse_report_free(struct browse_report *r)
{
	char *text[] = {r->place, r->org_name, r->email, r->extra_contact,
	    r->report_id, r->generator, r->version, r->domain, r->adkim,
	    r->aspf, r->p, r->sp, r->np, r->pct, r->fo, r->testing,
	    r->discovery, r->genuine_why, r->source, r->source_name,
	    r->mail_from, r->auth_by};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		free(text[i]);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i].text);
	free(r->notes);
	for (size_t i = 0; i < r->nrecords; i++) {
		struct browse_record *x = &r->records[i];

		free(x->ip);
		free(x->disposition);
		free(x->dkim);
		free(x->spf);
		free(x->header_from);
		free(x->envelope_from);
		free(x->cause);
		results_free(x->dkim_auth, x->ndkim);
		results_free(x->spf_auth, x->nspf);
	}
	free(r->records);
	memset(r, 0, sizeof(*r));
}

/* ---- the archived bytes ------------------------------------------------ */

struct raw_row {
	char *b64, *source_name;
	uint64_t size;
	int complete, found;
};

static int
on_raw(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct raw_row *w = arg;

	(void)err;
	if (ncols != 4 || w->found)
		return 0;
	w->found = 1;
	w->b64 = browse_str(c[0]);
	w->size = browse_u64(c[1]);
	w->complete = browse_bool(c[2]) == 1;
	w->source_name = browse_str(c[3]);
	return 0;
}

int
browse_input_raw(struct db *db, int64_t id, unsigned char **gz, size_t *gzlen,
    uint64_t *size, int *complete, char **source_name, struct err *err)
{
	char ids[24];
	const char *p[1] = {ids};
	struct raw_row w = {0};
	size_t len, cap;
	long n;
	int rc;

	*gz = NULL;
	*gzlen = 0;
	*source_name = NULL;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	/* base64 without its line breaks: base64_decode() is strict. */
	if ((rc = db_each(db,
	         "SELECT translate(encode(raw_gz, 'base64'), E'\\n', ''), "
	         "size, "
	         "raw_complete, source_name FROM inputs WHERE id = $1",
	         1, p, on_raw, &w, err)) < 0)
		goto out;
	if (!w.found || w.b64 == NULL) {
		rc = !w.found ? 1 : 2;
		goto out;
	}
	len = w.b64 != NULL ? strlen(w.b64) : 0;
	cap = len / 4 * 3 + 3;
	*gz = xmalloc(cap);
	if ((n = base64_decode(w.b64 != NULL ? w.b64 : "", len, *gz, cap)) <
	    0) {
		free(*gz);
		*gz = NULL;
		rc = err_set(err, ERR_DB,
		    "input %lld: the archive came back unreadable",
		    (long long)id);
		goto out;
	}
	*gzlen = (size_t)n;
	*size = w.size;
	*complete = w.complete;
	*source_name = w.source_name;
	w.source_name = NULL;
out:
	free(w.b64);
	free(w.source_name);
	return rc;
}
