/*
 * tls_words: the result types of SMTP TLS reports in words, with the fix
 * (tls_render.h).
 */
#include "tls_render.h"

#include <stddef.h>
#include <string.h>

/* The result types of RFC 8460 section 4.3, in words, and the fix. */
static const struct {
	const char *type, *text, *fix;
} types[] = {
    {"starttls-not-supported", "the receiving MX did not offer STARTTLS",
        "turn STARTTLS on in that MX's SMTP server, with a certificate"},
    {"certificate-host-mismatch",
        "the MX's certificate does not name the MX host",
        "give the MX a certificate whose names include its MX host name "
        "(and that the MTA-STS policy's mx patterns match)"},
    {"certificate-expired", "the MX's certificate has expired",
        "renew the certificate, and renew it automatically (ACME)"},
    {"certificate-not-trusted",
        "the MX's certificate is not from a CA the sender trusts "
        "(self-signed, or the intermediate certificates missing)",
        "use a certificate from a public CA and send the whole chain, "
        "intermediates included"},
    {"validation-failure",
        "the MX's certificate could not be validated (see the "
        "failure-reason-code)",
        "check the chain with openssl s_client -starttls smtp -connect "
        "MX:25 -showcerts and send the whole chain"},
    {"tlsa-invalid",
        "the MX's TLSA records (DANE) do not match its certificate",
        "publish TLSA records that match the certificate in use; on a key "
        "change, publish the new TLSA record before the new certificate"},
    {"dnssec-invalid", "DNSSEC validation of the MX's records failed",
        "repair the zone's DNSSEC: a DS record at the parent that matches "
        "the key, signatures that have not expired"},
    {"dane-required",
        "the sender requires DANE and found no usable TLSA record",
        "publish TLSA records for the MX in a DNSSEC-signed zone"},
    {"sts-policy-fetch-error",
        /* No URL, nor "https:": the HTML report links to nothing. */
        "the MTA-STS policy could not be fetched over HTTPS from "
        "mta-sts.DOMAIN/.well-known/mta-sts.txt",
        "make the policy reachable over HTTPS (the name mta-sts.DOMAIN, a "
        "web server answering 200 with text/plain)"},
    {"sts-policy-invalid", "the MTA-STS policy file is not valid",
        "correct the policy (version: STSv1, mode, mx, max_age), then "
        "change the id in the _mta-sts TXT record"},
    {"sts-webpki-invalid",
        "the web server of mta-sts.DOMAIN has no valid certificate for "
        "that name",
        "give mta-sts.DOMAIN a certificate from a public CA, valid for that "
        "name"},
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

static size_t
type_index(const char *type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (type != NULL && strcmp(types[i].type, type) == 0)
			return i;
	return NTYPES;
}

const char *
tls_type_text(const char *type)
{
	size_t i = type_index(type);

	return i < NTYPES ? types[i].text
	                  : "a result type dmarcsift does not know";
}

const char *
tls_type_fix(const char *type)
{
	size_t i = type_index(type);

	return i < NTYPES ? types[i].fix
	                  : "see the reporter's additional-information";
}
