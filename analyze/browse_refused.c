/*
 * browse_refused: the refused parts of the inputs of a period, for serve's
 * refused page; see browse.h.
 */
#include "browse.h"
#include "browse_int.h"

#include "db.h"
#include "err.h"

#include <stdio.h>

static int
on_refused(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct browse_refused_list *l = arg;
	struct browse_refused *f;
	uint64_t all;

	(void)err;
	if (ncols != 10)
		return 0;
	all = browse_u64(c[8]);
	l->more =
	    all > BROWSE_REFUSED_TOP ? (size_t)(all - BROWSE_REFUSED_TOP) : 0;
	l->inputs = browse_u64(c[9]);
	if (l->v == NULL)
		l->v = xcalloc(BROWSE_REFUSED_TOP, sizeof(*l->v));
	if (l->n >= BROWSE_REFUSED_TOP)
		return 0;
	f = &l->v[l->n++];
	f->input = browse_i64(c[0]);
	f->source = browse_str(c[1]);
	f->source_name = browse_str(c[2]);
	f->received_at = browse_i64(c[3]);
	f->size = browse_u64(c[4]);
	f->place = browse_str(c[5]);
	f->code = browse_str(c[6]);
	f->reason = browse_str(c[7]);
	return 0;
}

int
browse_refused_read(struct db *db, int64_t since, int64_t until,
    struct browse_refused_list *out, struct err *err)
{
	char ss[24], us[24];
	const char *p[2] = {ss, us};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(ss, sizeof(ss), "%lld", (long long)since);
	snprintf(us, sizeof(us), "%lld", (long long)until);
	/* The period as the summary's "refused inputs" counts it: by when
	 * the input arrived. */
	rc = db_each(db,
	    "SELECT input, source, source_name, extract(epoch FROM "
	    "received_at)::bigint, size, place, code, reason, count(*) OVER "
	    "(), dense_rank() OVER (ORDER BY input) + dense_rank() OVER "
	    "(ORDER BY input DESC) - 1 FROM failed_inputs WHERE received_at "
	    ">= to_timestamp($1::bigint) AND received_at < "
	    "to_timestamp($2::bigint) ORDER BY received_at DESC, input DESC, "
	    "place" LIMIT(BROWSE_REFUSED_TOP),
	    2, p, on_refused, out, err);
	if (rc < 0)
		browse_refused_free(out);
	return rc;
}

void
browse_refused_free(struct browse_refused_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].source);
		free(l->v[i].source_name);
		free(l->v[i].place);
		free(l->v[i].code);
		free(l->v[i].reason);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
