/*
 * source_json: a source's keys in JSON; see source_json.h.
 */
#include "source_json.h"

#include "json.h"
#include "sources.h"

void
source_json_fields(FILE *fp, const struct source *s, int several)
{
	int cause = s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;

	json_kv_str(fp, "class", source_class_name(s->cls), 0);
	json_kv_str(fp, "service", s->service, 0);
	json_kv_str(fp, "ptr", several ? NULL : s->ptr, 0);
	json_kv_u64(fp, "messages", s->messages, 0);
	json_kv_u64(fp, "passed", s->passed, 0);
	json_kv_u64(fp, "failed", s->failed, 0);
	json_kv_u64(fp, "forwarded", s->forwarded, 0);
	json_kv_str(fp, "cause", s->cause, 0);
	/* "none" fails nothing; a cause this build does not know keeps its
	 * name, without words. */
	json_kv_str(fp, "cause_text",
	    cause > 0 ? verdict_cause_text((enum verdict_cause)cause) : NULL,
	    0);
	json_kv_str(fp, "fix", source_fix(s), 0);
	json_kv_strv(fp, "dkim_domains", s->dkim_domains, s->n_dkim, 0);
	json_kv_strv(fp, "spf_domains", s->spf_domains, s->n_spf, 0);
	json_kv_u64(fp, "reporters", s->reporters, 0);
	json_kv_time(fp, "first_seen", s->first_seen, 0);
	json_kv_time(fp, "last_seen", s->last_seen, 0);
}
