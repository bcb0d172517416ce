/*
 * web_json: the JSON of a domain's page in `dmarcsift serve` (/api/domain/
 * NAME), made of the CLI's own writers so that each part has the shape
 * and the numbers of the command it names.
 */
#include "web_render.h"

#include "advise_render.h"
#include "browse.h"
#include "digest.h"
#include "digest_render.h"
#include "json.h"
#include "sources_render.h"
#include "tls.h"
#include "tls_render.h"

int
web_json_domain(
    FILE *fp, const struct web_domain_view *v, const struct digest *d)
{
	struct sources_view sv = {
	    .domain = v->domain,
	    .days = v->period->days,
	    .since = v->period->since,
	    .until = v->period->until,
	    .senders = v->senders,
	    .all = 0,
	    .offline = v->offline,
	};

	fputc('{', fp);
	json_kv_str(fp, "domain", v->domain, 1);
	/* `dmarcsift sources --domain D --since Nd --until DATE --json` */
	json_key(fp, "sources", 0);
	if (sources_json(fp, &sv) < 0)
		return -1;
	/* `dmarcsift advise --domain D --until DATE --json` */
	json_key(fp, "advise", 0);
	if (advise_json(fp, v->advice) < 0)
		return -1;
	/* `dmarcsift report --domain D --period Nd --until DATE --format
	 * json` */
	json_key(fp, "report", 0);
	if (digest_json(fp, d) < 0)
		return -1;
	/* `dmarcsift tls --domain D --since Nd --until DATE --json`, null
	 * without TLS reports in the period. */
	json_key(fp, "tls", 0);
	if (v->dd == NULL || v->dd->tls == NULL || v->dd->tls->reports == 0)
		fputs("null", fp);
	else
		tls_json_object(fp, v->dd->tls);
	/* The last `dmarcsift check D --json`, as it was stored: text that
	 * PostgreSQL wrote from a jsonb value, so JSON as it is. */
	json_key(fp, "check", 0);
	if (v->check == NULL || !v->check->found || v->check->json == NULL) {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		json_kv_time(fp, "checked_at", v->check->checked_at, 1);
		json_kv_str(fp, "checked_by", v->check->checked_by, 0);
		json_kv_str(fp, "version", v->check->version, 0);
		json_key(fp, "result", 0);
		fputs(v->check->json, fp);
		fputc('}', fp);
	}
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
