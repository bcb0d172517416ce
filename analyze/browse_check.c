/*
 * browse_check: the last `check` of a domain as stored, for serve's domain
 * page; see browse.h.  Serve never asks the DNS: this is all it knows.
 */
#include "browse.h"
#include "browse_int.h"

#include "db.h"
#include "err.h"

static int
on_item(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_check *k = arg;
	struct browse_check_item *it;
	uint64_t all;

	(void)err;
	if (ncols != 15)
		return 0;
	if (!k->found) {
		k->found = 1;
		k->checked_at = browse_i64(c[0]);
		k->status = browse_str(c[1]);
		k->checked_by = browse_str(c[2]);
		k->version = browse_str(c[3]);
		k->json = browse_str(c[4]);
		k->pass = browse_u64(c[5]);
		k->warn = browse_u64(c[6]);
		k->fail = browse_u64(c[7]);
		k->dnserror = browse_u64(c[8]);
		all = browse_u64(c[9]);
		k->more = all > BROWSE_CHECK_ITEMS
		    ? (size_t)(all - BROWSE_CHECK_ITEMS)
		    : 0;
	}
	/* No item: a row all the same (LEFT JOIN), id NULL. */
	if (c[10] == NULL || k->n >= BROWSE_CHECK_ITEMS)
		return 0;
	if (k->v == NULL)
		k->v = xcalloc(BROWSE_CHECK_ITEMS, sizeof(*k->v));
	it = &k->v[k->n++];
	it->id = browse_str(c[10]);
	it->status = browse_str(c[11]);
	it->subject = browse_str(c[12]);
	it->text = browse_str(c[13]);
	it->fix = browse_str(c[14]);
	return 0;
}

int
browse_check_read(struct db *db, const char *domain, struct browse_check *out,
    struct err *err)
{
	const char *p[1] = {domain};
	int rc;

	memset(out, 0, sizeof(*out));
	/* The items in check's own order (WITH ORDINALITY); a value that is
	 * not a string (a stored object edited by hand) reads as NULL. */
	rc = db_each(db,
	    "SELECT extract(epoch FROM c.checked_at)::bigint, c.status, "
	    "c.checked_by, c.version, CASE WHEN i.n IS NULL OR i.n = 1 THEN "
	    "c.result::text END, "
	    "c.result #>> '{counts,pass}', c.result #>> '{counts,warn}', "
	    "c.result #>> '{counts,fail}', c.result #>> '{counts,dnserror}', "
	    "CASE jsonb_typeof(c.result->'items') WHEN 'array' THEN "
	    "jsonb_array_length(c.result->'items') ELSE 0 END, "
	    "i.v->>'id', i.v->>'status', i.v->>'subject', i.v->>'text', "
	    "i.v->>'fix' FROM check_results c LEFT JOIN LATERAL "
	    "jsonb_array_elements(CASE jsonb_typeof(c.result->'items') WHEN "
	    "'array' THEN c.result->'items' ELSE '[]' END) WITH ORDINALITY "
	    "AS i(v, n) ON true WHERE c.domain = lower($1) ORDER BY i.n" LIMIT(
	        BROWSE_CHECK_ITEMS),
	    1, p, on_item, out, err);
	if (rc < 0) {
		err_prefix(err, "the last check");
		browse_check_free(out);
	}
	return rc;
}

void
browse_check_free(struct browse_check *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].status);
		free(c->v[i].subject);
		free(c->v[i].text);
		free(c->v[i].fix);
	}
	free(c->v);
	free(c->status);
	free(c->checked_by);
	free(c->version);
	free(c->json);
	memset(c, 0, sizeof(*c));
}
