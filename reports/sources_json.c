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
	const struct source **p = xcalloc(v->list->n + 1, sizeof(*p));
	struct source_group *g;
	size_t n = 0, ng;

	for (size_t i = 0; i < v->list->n; i++)
		if (v->all || v->list->v[i].failed > 0)
			p[n++] = &v->list->v[i];
	sources_group(p, n, &g, &ng);
	free(p);
	json_key(fp, "senders", 0);
	fputc('[', fp);
	for (size_t i = 0; i < ng; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "who", g[i].who, 1);
		json_kv_str(fp, "class", source_class_name(g[i].cls), 0);
		json_kv_u64(fp, "messages", g[i].messages, 0);
		json_kv_u64(fp, "passed", g[i].passed, 0);
		json_kv_u64(fp, "failed", g[i].failed, 0);
		json_key(fp, "ips", 0);
		fputc('[', fp);
		for (size_t k = 0; k < g[i].n; k++) {
			if (k > 0)
				fputc(',', fp);
			json_string(fp, g[i].v[k]->ip);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);
	source_groups_free(g, ng);
}

int
sources_json(FILE *fp, const struct sources_view *v)
{
	int first = 1;

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
	json_key(fp, "sources", 0);
	fputc('[', fp);
	for (size_t i = 0; i < v->list->n; i++) {
		const struct source *s = &v->list->v[i];
		int cause =
		    s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;

		if (!v->all && s->failed == 0)
			continue;
		if (!first)
			fputc(',', fp);
		first = 0;
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
		    cause > 0 ? verdict_cause_text((enum verdict_cause)cause)
		              : NULL);
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
	fputc(']', fp);
	senders(fp, v);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
