/*
 * dnscheck_tlsa: DANE for SMTP (RFC 7672): the TLSA records at
 * _25._tcp.HOST of each MX host, their fields judged.  Only presence and
 * syntax: whether the answers validate under DNSSEC, without which
 * senders ignore them, is not checked here, and every finding says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "resolve.h"

#define NOT_VALIDATED "DNSSEC not validated here"

static const char *const usages[] = {
    "PKIX-TA", "PKIX-EE", "DANE-TA", "DANE-EE"};
static const char *const selectors[] = {"Cert", "SPKI"};
static const char *const matchings[] = {"Full", "SHA2-256", "SHA2-512"};

int
dnscheck_parse_tlsa(
    const char *text, const char *host, struct dnscheck_list *out)
{
	unsigned u, s, m;
	int used = 0;
	size_t hex;

	if (sscanf(text, "%u %u %u %n", &u, &s, &m, &used) != 3 || used == 0 ||
	    u > 255 || s > 255 || m > 255) {
		dnscheck_add(out, "dane.tlsa", DNSCHECK_FAIL, host,
		    "publish TLSA records as usage selector matching-type"
		    " data",
		    "a TLSA record cannot be read");
		return -1;
	}
	hex = strcmp(text + used, "-") == 0 ? 0 : strlen(text + used);
	if (u > 3 || s > 1 || m > 2) {
		dnscheck_add(out, "dane.tlsa", DNSCHECK_FAIL, host,
		    "use usage 3 (or 2), selector 1 (or 0), matching type 1"
		    " (or 2): \"3 1 1 <sha256 of the key>\"",
		    "TLSA %u %u %u: %s is not a known %s, so senders cannot"
		    " use the record",
		    u, s, m,
		    u > 3       ? "the usage"
		        : s > 1 ? "the selector"
		                : "the matching type",
		    u > 3       ? "usage"
		        : s > 1 ? "selector"
		                : "matching type");
		return -1;
	}
	if ((m == 1 && hex != 64) || (m == 2 && hex != 128) ||
	    (m == 0 && hex == 0)) {
		dnscheck_add(out, "dane.tlsa", DNSCHECK_FAIL, host,
		    "publish the digest again, whole",
		    "TLSA %u %u %u (%s, %s, %s): the data is %zu bytes, %s", u,
		    s, m, usages[u], selectors[s], matchings[m], hex / 2,
		    m == 1       ? "not the 32 of a SHA-256 digest"
		        : m == 2 ? "not the 64 of a SHA-512 digest"
		                 : "no certificate or key at all");
		return -1;
	}
	if (u < 2) {
		dnscheck_add(out, "dane.tlsa", DNSCHECK_WARN, host,
		    "use usage 3 (DANE-EE) or 2 (DANE-TA)",
		    "TLSA %u %u %u (%s, %s, %s): RFC 7672 section 3.1.3 says"
		    " SMTP senders treat usages 0 and 1 as "
		    "unusable; " NOT_VALIDATED,
		    u, s, m, usages[u], selectors[s], matchings[m]);
		return 0;
	}
	dnscheck_add(out, "dane.tlsa", DNSCHECK_PASS, host, NULL,
	    "TLSA %u %u %u (%s, %s, %s); " NOT_VALIDATED, u, s, m, usages[u],
	    selectors[s], matchings[m]);
	return 0;
}

int
dnscheck_tlsa(struct resolver *r, const struct dnscheck_mx *mx,
    struct dnscheck_list *out, size_t *with_tlsa, struct err *err)
{
	struct resolve_result res[DNSCHECK_MX_MAX_HOSTS];
	char name[DOMAIN_MAX + 16], fix[DOMAIN_MAX * 2 + 128];
	size_t i, k;
	int rc;

	*with_tlsa = 0;
	for (i = 0; i < mx->n; i++) {
		snprintf(name, sizeof(name), "_25._tcp.%s", mx->host[i]);
		resolve_into(r, RESOLVE_TLSA, name, &res[i]);
	}
	rc = resolve_wait(r, err);
	for (i = 0; rc == 0 && i < mx->n; i++)
		*with_tlsa += res[i].status == RESOLVE_OK;
	for (i = 0; rc == 0 && i < mx->n; i++) {
		const char *host = mx->host[i];

		if (dnscheck_dns_trouble(
		        out, "dane.tlsa", &res[i], res[i].name))
			continue;
		if (res[i].status != RESOLVE_OK) {
			/* DANE is optional: a host without it is worth a
			 * word only beside one with it. */
			if (*with_tlsa == 0)
				continue;
			snprintf(fix, sizeof(fix),
			    "publish TLSA records at %s for the certificate of"
			    " %s too",
			    res[i].name, host);
			dnscheck_add(out, "dane.tlsa", DNSCHECK_WARN, host, fix,
			    "%s has no TLSA record at %s while other MX hosts"
			    " have: mail through it is not protected by DANE",
			    host, res[i].name);
			continue;
		}
		for (k = 0; k < res[i].n; k++)
			(void)dnscheck_parse_tlsa(res[i].rr[k].text, host, out);
	}
	for (i = 0; i < mx->n; i++)
		resolve_result_clear(&res[i]);
	return rc;
}
