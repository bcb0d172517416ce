/*
 * dnscheck_mx: the MX records of a domain, and an address for each host.
 */
#include <stdio.h>
#include <string.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "orgdomain.h"
#include "resolve.h"

int
dnscheck_mx(struct resolver *r, const char *domain, struct dnscheck_list *out,
    struct err *err)
{
	struct dnscheck_mx mx;

	return dnscheck_mx_hosts(r, domain, out, &mx, err);
}

int
dnscheck_mx_hosts(struct resolver *r, const char *domain,
    struct dnscheck_list *out, struct dnscheck_mx *hosts, struct err *err)
{
	char dom[ORGDOMAIN_MAX], fix[400];
	struct resolve_result mx, a[DNSCHECK_MX_MAX_HOSTS],
	    aaaa[DNSCHECK_MX_MAX_HOSTS];
	size_t i, nh = 0;
	int rc;

	memset(hosts, 0, sizeof(*hosts));
	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	if ((rc = resolve_one(r, RESOLVE_MX, dom, &mx, err)) < 0)
		goto done;
	if (dnscheck_dns_trouble(out, "mx.record", &mx, dom))
		goto done;
	hosts->answered = 1;
	if (mx.status != RESOLVE_OK) {
		snprintf(fix, sizeof(fix),
		    "publish MX records for %s naming the hosts that receive"
		    " its mail",
		    dom);
		dnscheck_add(out, "mx.record", DNSCHECK_FAIL, dom, fix,
		    "%s: mail to the domain (bounces, replies) has nowhere to"
		    " go, and receivers may refuse it as a sender",
		    mx.status == RESOLVE_NXDOMAIN ? "the domain does not exist"
		                                  : "no MX records");
		goto done;
	}
	if (mx.n == 1 && mx.rr[0].text[0] == '\0') {
		dnscheck_add(out, "mx.record", DNSCHECK_WARN, dom,
		    "publish real MX records if the domain should receive"
		    " mail",
		    "null MX (RFC 7505): the domain accepts no mail, so"
		    " bounces and replies to it are lost");
		goto done;
	}
	dnscheck_add(out, "mx.record", DNSCHECK_PASS, dom, NULL,
	    "%zu MX record%s", mx.n, mx.n == 1 ? "" : "s");
	for (i = 0; i < mx.n && nh < DNSCHECK_MX_MAX_HOSTS; i++) {
		if (!mx.rr[i].hostname) {
			dnscheck_add(out, "mx.host", DNSCHECK_FAIL,
			    mx.rr[i].text, "name a host in the MX record",
			    "MX %s is not a host name", mx.rr[i].text);
			continue;
		}
		snprintf(hosts->host[nh], sizeof(hosts->host[nh]), "%s",
		    mx.rr[i].text);
		resolve_into(r, RESOLVE_A, mx.rr[i].text, &a[nh]);
		resolve_into(r, RESOLVE_AAAA, mx.rr[i].text, &aaaa[nh]);
		nh++;
	}
	hosts->n = nh;
	rc = resolve_wait(r, err);
	for (i = 0; i < nh; i++) {
		const char *host = a[i].name;

		if (rc == 0) {
			if (a[i].status == RESOLVE_OK ||
			    aaaa[i].status == RESOLVE_OK) {
				dnscheck_add(out, "mx.host", DNSCHECK_PASS,
				    host, NULL, "%s has an address", host);
			} else if (!dnscheck_dns_trouble(
			               out, "mx.host", &a[i], host) &&
			    !dnscheck_dns_trouble(
			        out, "mx.host", &aaaa[i], host)) {
				snprintf(fix, sizeof(fix),
				    "publish an A or AAAA record for %s, or"
				    " remove it from the MX records",
				    host);
				dnscheck_add(out, "mx.host", DNSCHECK_FAIL,
				    host, fix,
				    "MX host %s has no A or AAAA record", host);
			}
		}
		resolve_result_clear(&a[i]);
		resolve_result_clear(&aaaa[i]);
	}
done:
	resolve_result_clear(&mx);
	return rc;
}
