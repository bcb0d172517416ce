/* dns_health: the report's DNS health section; see dns_health.h. */
#include "dns_health.h"

#include <string.h>

#include "analysis_env.h"
#include "check.h"
#include "config.h"
#include "digest.h"
#include "err.h"
#include "log.h"
#include "resolve.h"

/* The number of findings of l that are DNS trouble. */
static size_t
dns_trouble(const struct dnscheck_list *l)
{
	size_t trouble = 0;

	for (size_t k = 0; k < l->n; k++)
		trouble += l->v[k].status == DNSCHECK_DNSERROR;
	return trouble;
}

void
dns_health_fill(const struct analysis_env *e, struct digest *dg, int days,
    dns_health_keep_fn *keep, void *arg)
{
	struct resolver *r = NULL;
	struct err err;

	if (days < CHECK_DAYS_DEFAULT)
		days = CHECK_DAYS_DEFAULT;
	if (analysis_resolver(&r, e->cfg, &err) < 0) {
		log_warn("dns_servers: %s; no DNS health section", err.msg);
		return;
	}
	for (size_t i = 0; i < dg->n; i++) {
		struct digest_domain *d = &dg->domains[i];
		struct check *c = NULL;
		size_t trouble = 0;

		/* The command's budget (analysis_resolver()): a silent
		 * resolver costs seconds, not a timeout per lookup per
		 * domain.  A check it cut short is neither shown nor kept:
		 * its findings would say "no answer" where nobody asked. */
		if (analysis_dns_spent()) {
			analysis_dns_unchecked(dg->n - i);
			break;
		}
		if (check_new(&c, d->domain, days, &err) == 0) {
			c->until = dg->until; /* the report's period */
			/* As `check` fetches MTA-STS policies. */
			c->sts_opts.cafile =
			    config_str(e->cfg, CONFIG_STS_CAFILE);
			c->sts_opts.port =
			    (int)config_int(e->cfg, CONFIG_STS_PORT);
		}
		if (c == NULL || check_gather(c, e->db, e->od, &err) < 0 ||
		    check_run(c, r, e->od, &err) < 0) {
			log_warn("DNS health of %s: %s", d->domain, err.msg);
		} else if (analysis_dns_spent()) {
			check_free(c);
			analysis_dns_unchecked(dg->n - i);
			break;
		} else {
			if (keep != NULL)
				keep(arg, c);
			trouble = dns_trouble(&c->findings);
			/* The findings move to the digest. */
			d->dns = c->findings;
			memset(&c->findings, 0, sizeof(c->findings));
			d->dns_checked = 1;
		}
		check_free(c);
		if (d->dns_checked && trouble > 0 && trouble == d->dns.n &&
		    i + 1 < dg->n) {
			log_warn("DNS health: no answer from DNS for %s; the "
			         "other %zu domain(s) not checked",
			    d->domain, dg->n - i - 1);
			break;
		}
	}
	resolve_free(r);
}
