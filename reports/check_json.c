#include "check_json.h"

#include "check.h"
#include "clock.h"
#include "dnscheck.h"
#include "json.h"

static const char *
from_name(unsigned from)
{
	if (from == (CHECK_FROM_REPORTS | CHECK_FROM_OPTION))
		return "both";
	return from == CHECK_FROM_OPTION ? "option" : "reports";
}

void
check_json_findings(FILE *fp, const struct dnscheck_list *l)
{
	fputc('[', fp);
	for (size_t i = 0; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "id", f->id, 1);
		json_kv_str(fp, "status", dnscheck_status_name(f->status), 0);
		json_kv_str(fp, "subject", f->subject, 0);
		json_kv_str(fp, "text", f->text, 0);
		json_kv_str(
		    fp, "fix", f->status != DNSCHECK_PASS ? f->fix : NULL, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void
policy(FILE *fp, const struct check *c)
{
	const struct check_published *pub = &c->published;

	json_key(fp, "policy", 0);
	fputc('{', fp);
	json_key(fp, "published", 1);
	if (!pub->found) {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		json_kv_str(fp, "record", pub->record, 1);
		for (int t = 0; t < CHECK_NTAGS; t++)
			json_kv_str(fp, check_tag_name(t),
			    pub->tag[t][0] ? pub->tag[t] : NULL, 0);
		fputc('}', fp);
	}
	json_key(fp, "reported", 0);
	if (!c->gathered) {
		fputs("null", fp);
	} else {
		fputc('{', fp);
		for (int t = 0; t < CHECK_NTAGS; t++) {
			json_key(fp, check_tag_name(t), t == 0);
			fputc('[', fp);
			for (size_t i = 0; i < c->nsaid[t]; i++) {
				fputs(i ? ",{" : "{", fp);
				json_kv_str(
				    fp, "value", c->said[t][i].value, 1);
				json_kv_u64(
				    fp, "reports", c->said[t][i].reports, 0);
				fputc('}', fp);
			}
			fputc(']', fp);
		}
		fputc('}', fp);
	}
	fputc('}', fp);
}

/* What protects mail sent to the domain: DANE and the MTA-STS policy. */
static void
mail_in(FILE *fp, const struct check *c)
{
	const struct dnscheck_sts_policy *p = &c->sts.policy;

	json_key(fp, "dane", 0);
	fputc('{', fp);
	json_kv_u64(fp, "mx_hosts", c->mx_hosts, 1);
	json_kv_u64(fp, "with_tlsa", c->dane_hosts, 0);
	fputc('}', fp);
	json_key(fp, "mta_sts", 0);
	if (c->sts.id[0] == '\0') {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	json_kv_str(fp, "id", c->sts.id, 1);
	json_key(fp, "policy", 0);
	if (!c->sts.fetched) {
		fputs("null}", fp);
		return;
	}
	fputc('{', fp);
	json_kv_str(fp, "mode", p->mode, 1);
	json_kv_i64(fp, "max_age", p->max_age, 0);
	json_key(fp, "mx", 0);
	fputc('[', fp);
	for (size_t i = 0; i < p->nmx; i++) {
		if (i)
			fputc(',', fp);
		json_string(fp, p->mx[i]);
	}
	fputs("]}}", fp);
}

void
check_json(FILE *fp, const struct check *c)
{
	const struct dnscheck_list *l = &c->findings;
	size_t count[DNSCHECK_DNSERROR + 1] = {0};
	char last[16];

	for (size_t i = 0; i < l->n; i++)
		count[l->v[i].status]++;
	fputc('{', fp);
	json_kv_str(fp, "domain", c->domain, 1);
	json_kv_str(fp, "status", dnscheck_status_name(dnscheck_worst(l)), 0);
	json_key(fp, "counts", 0);
	fputc('{', fp);
	for (int s = DNSCHECK_PASS; s <= DNSCHECK_DNSERROR; s++)
		json_kv_u64(
		    fp, dnscheck_status_name(s), count[s], s == DNSCHECK_PASS);
	fputc('}', fp);

	json_key(fp, "reports", 0);
	fputc('{', fp);
	json_key(fp, "read", 1);
	fputs(c->gathered ? "true" : "false", fp);
	json_kv_int(fp, "days", c->days, 0);
	clock_day_text(c->until - 1, last, sizeof(last));
	json_kv_str(fp, "last_day", last, 0);
	json_key(fp, "count", 0);
	if (c->gathered)
		fprintf(fp, "%llu", (unsigned long long)c->reports);
	else
		fputs("null", fp);
	fputc('}', fp);

	json_key(fp, "items", 0);
	check_json_findings(fp, &c->findings);

	json_key(fp, "selectors", 0);
	fputc('[', fp);
	for (size_t i = 0; i < c->nsel; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "selector", c->sel[i].name, 1);
		json_kv_str(fp, "from", from_name(c->sel[i].from), 0);
		json_kv_u64(fp, "messages", c->sel[i].messages, 0);
		json_kv_u64(fp, "failed", c->sel[i].failed, 0);
		fputc('}', fp);
	}
	fputc(']', fp);

	json_key(fp, "ips", 0);
	fputc('[', fp);
	for (size_t i = 0; i < c->nip; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "ip", c->ips[i].ip, 1);
		json_kv_str(fp, "from", from_name(c->ips[i].from), 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "ips_not_checked", c->ips_left_out, 0);

	json_key(fp, "sources", 0);
	fputc('[', fp);
	for (size_t i = 0; i < c->nsrc; i++) {
		const struct check_source *s = &c->src[i];

		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "ip", s->ip, 1);
		json_kv_u64(fp, "messages", s->messages, 0);
		json_kv_u64(fp, "passed", s->passed, 0);
		json_kv_u64(fp, "dkim_aligned", s->dkim_aligned, 0);
		json_kv_str(fp, "spf", check_spf_name(s->spf), 0);
		json_kv_bool(fp, "spf_uncertain", s->spf_uncertain, 0);
		fputc('}', fp);
	}
	fputc(']', fp);
	json_kv_u64(fp, "sources_not_listed", c->sources_left_out, 0);

	json_key(fp, "spf_networks", 0);
	fputc('[', fp);
	for (size_t i = 0; i < c->nnet; i++) {
		fputs(i ? ",{" : "{", fp);
		json_kv_str(fp, "network", c->nets[i].text, 1);
		json_kv_str(fp, "via", c->nets[i].via, 0);
		fputc('}', fp);
	}
	fputc(']', fp);

	policy(fp, c);
	mail_in(fp, c);
	fputs("}\n", fp);
}
