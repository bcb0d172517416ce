/*
 * sources_json: `dmarcsift sources --json`; keys documented in
 * reports/README.md.
 */
#include "sources_render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "json.h"
#include "xalloc.h"
#include "verdict.h"

static void
json_strv(FILE *fp, char *const *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		json_string(fp, v[i]);
	}
	fputc(']', fp);
}

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
	int cause = s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;

	if (!first)
		fputc(',', fp);
	fputc('{', fp);
	json_key(fp, "ip", 1);
	json_string(fp, s->ip);
	json_key(fp, "class", 0);
	json_string(fp, source_class_name(s->cls));
	json_key(fp, "service", 0);
	json_string(fp, s->service);
	json_key(fp, "ptr", 0);
	json_string(fp, s->ptr);
	json_key(fp, "messages", 0);
	fprintf(fp, "%" PRIu64, s->messages);
	json_key(fp, "passed", 0);
	fprintf(fp, "%" PRIu64, s->passed);
	json_key(fp, "failed", 0);
	fprintf(fp, "%" PRIu64, s->failed);
	json_key(fp, "forwarded", 0);
	fprintf(fp, "%" PRIu64, s->forwarded);
	json_key(fp, "cause", 0);
	json_string(fp, s->cause);
	json_key(fp, "cause_text", 0);
	json_string(fp,
	    cause > 0 ? verdict_cause_text((enum verdict_cause)cause) : NULL);
	json_key(fp, "fix", 0);
	json_string(fp, source_fix(s));
	json_key(fp, "dkim_domains", 0);
	json_strv(fp, s->dkim_domains, s->n_dkim);
	json_key(fp, "spf_domains", 0);
	json_strv(fp, s->spf_domains, s->n_spf);
	json_key(fp, "reporters", 0);
	fprintf(fp, "%" PRIu64, s->reporters);
	json_key(fp, "first_seen", 0);
	json_time(fp, s->first_seen);
	json_key(fp, "last_seen", 0);
	json_time(fp, s->last_seen);
	json_key(fp, "who", 0);
	json_string(fp, s->who);
	fputc('}', fp);
}

int
sources_json(FILE *fp, const struct sources_view *v)
{
	const struct sender_list *l = v->senders;
	const struct source **p;
	size_t n = 0;

	fputc('{', fp);
	json_key(fp, "domain", 1);
	json_string(fp, v->domain);
	json_key(fp, "days", 0);
	fprintf(fp, "%d", v->days);
	json_key(fp, "since", 0);
	json_time(fp, v->since);
	json_key(fp, "until", 0);
	json_time(fp, v->until);
	json_key(fp, "all", 0);
	fputs(v->all ? "true" : "false", fp);
	json_key(fp, "offline", 0);
	fputs(v->offline ? "true" : "false", fp);
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
