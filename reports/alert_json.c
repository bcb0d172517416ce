/* alert_json: every event of a run as JSON; see alert_render.h. */
#include "alert.h"
#include "alert_render.h"

#include "clock.h"
#include "json.h"

void
alert_json(
    FILE *fp, const struct alert_list *l, int64_t generated_at, int dry_run)
{
	char day[11];

	clock_day_text(l->day, day, sizeof(day));
	fputc('{', fp);
	json_kv_str(fp, "day", day, 1);
	json_kv_time(fp, "generated_at", generated_at, 0);
	json_kv_bool(fp, "dry_run", dry_run, 0);
	json_kv_u64(fp, "new", l->nnew, 0);
	json_kv_u64(fp, "held", l->n - l->nnew, 0);
	json_key(fp, "alerts", 0);
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct alert *a = &l->v[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "kind", alert_kind_name(a->kind), 1);
		json_kv_str(fp, "key", a->key, 0);
		json_kv_opt(fp, "domain", a->domain, 0);
		json_kv_bool(fp, "new", a->is_new, 0);
		json_kv_str(fp, "text", a->text, 0);
		json_kv_str(fp, "fix", a->fix, 0);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}

void
alert_webhook_json(FILE *fp, const char *text)
{
	fputc('{', fp);
	json_kv_str(fp, "text", text, 1);
	fputs("}\n", fp);
}
