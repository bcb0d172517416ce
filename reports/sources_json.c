/*
 * sources_json: `dmarcsift sources --json`; keys documented in
 * reports/README.md.
 */
#include "sources_render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "digest.h"
#include "json.h"
#include "source_json.h"
#include "xalloc.h"
#include "verdict.h"

/* The same sources grouped by who sends, as the text shows them. */
static void
senders(FILE *fp, const struct sources_view *v)
{
	const struct sender_list *l = v->senders;

	json_key(fp, "senders", 0);
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct sender *g = &l->v[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "who", g->who, 1);
		json_kv_str(fp, "class", source_class_name(g->cls), 0);
		json_kv_u64(fp, "messages", g->messages, 0);
		json_kv_u64(fp, "passed", g->passed, 0);
		json_kv_u64(fp, "failed", g->failed, 0);
		/* Only when ips is cut (SOURCES_ADDRESSES): how many. */
		if (g->addresses > g->n)
			json_kv_u64(fp, "addresses", g->addresses, 0);
		json_key(fp, "ips", 0);
		fputc('[', fp);
		for (size_t k = 0; k < g->n; k++) {
			if (k > 0)
				fputc(',', fp);
			json_string(fp, g->v[k].ip);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);
	/* Only when senders is cut (SOURCES_TOP): what was left out. */
	if (l->more > 0) {
		json_key(fp, "senders_more", 0);
		fputc('{', fp);
		json_kv_u64(fp, "senders", l->more, 1);
		json_kv_u64(fp, "addresses", l->more_addresses, 0);
		json_kv_u64(fp, "messages", l->more_messages, 0);
		json_kv_u64(fp, "failed", l->more_failed, 0);
		fputc('}', fp);
	}
}

static int
by_rank(const void *a, const void *b)
{
	const struct source *x = *(const struct source *const *)a;
	const struct source *y = *(const struct source *const *)b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static void
source(FILE *fp, const struct source *s, int first)
{
	if (!first)
		fputc(',', fp);
	fputc('{', fp);
	json_kv_str(fp, "ip", s->ip, 1);
	source_json_fields(fp, s, 0);
	json_kv_str(fp, "who", s->who, 0);
	/* Its failure reports of the period (reports/README.md). */
	json_key(fp, "failure_samples", 0);
	fputc('{', fp);
	json_kv_u64(fp, "count", s->failures != NULL ? s->failures->n : 0, 1);
	if (s->failures != NULL) {
		const struct source_failures *f = s->failures;

		json_key(fp, "latest", 0);
		fputc('{', fp);
		json_kv_time(fp, "arrival", f->latest, 1);
		json_kv_opt(fp, "auth_failures", f->auth, 0);
		json_kv_opt(fp, "dkim_domain", f->dkim, 0);
		json_kv_opt(fp, "spf_domain", f->spf, 0);
		json_kv_opt(fp, "from", f->from, 0);
		json_kv_opt(fp, "subject", f->subject, 0);
		fputc('}', fp);
	}
	fputs("}}", fp);
}

int
sources_json(FILE *fp, const struct sources_view *v)
{
	const struct sender_list *l = v->senders;
	const struct source **p;
	size_t n = 0;

	fputc('{', fp);
	json_kv_str(fp, "domain", v->domain, 1);
	json_kv_int(fp, "days", v->days, 0);
	json_kv_time(fp, "since", v->since, 0);
	json_kv_time(fp, "until", v->until, 0);
	json_key(fp, "all", 0);
	fputs(v->all ? "true" : "false", fp);
	json_key(fp, "offline", 0);
	fputs(v->offline ? "true" : "false", fp);
	/* An empty period: where the reports are. */
	json_kv_opt(
	    fp, "latest_day", v->gap != NULL ? v->gap->latest_day : NULL, 0);
	json_kv_opt(
	    fp, "try_until", v->gap != NULL ? v->gap->try_until : NULL, 0);
	json_kv_opt(fp, "earliest_day",
	    v->gap != NULL ? v->gap->earliest_day : NULL, 0);
	/* The addresses of the senders listed, most failed first over all
	 * of them, as source_overview() ranks them. */
	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].n;
	p = xcalloc(n + 1, sizeof(*p));
	n = 0;
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].n; k++)
			p[n++] = &l->v[i].v[k];
	qsort(p, n, sizeof(*p), by_rank);
	json_key(fp, "sources", 0);
	fputc('[', fp);
	for (size_t i = 0; i < n; i++)
		source(fp, p[i], i == 0);
	fputc(']', fp);
	free(p);
	senders(fp, v);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
