/*
 * dnscheck_ptr: reverse DNS of sending addresses: a PTR record, confirmed
 * forward, with a name that does not look dynamic.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "ipaddr.h"
#include "resolve.h"
#include "text.h"
#include "xalloc.h"

static const char *const dynamic_words[] = {"dyn", "dynamic", "dynip", "dhcp",
    "pool", "ppp", "pppoe", "dsl", "adsl", "vdsl", "xdsl", "sdsl", "cable",
    "cust", "customer", "client", "clients", "broadband", "dial", "dialup",
    "dialin", "residential", "res", "home", "cpe", "ftth", "fttx", "nat",
    "mobile", NULL};

/* Word prefixes that make a token dynamic: "dynamicip", "pool7". */
static const char *const dynamic_prefixes[] = {"dynamic", "dhcp", "broadband",
    "customer", "client", "residential", "dialup", NULL};

static int
word_dynamic(const char *w, size_t n)
{
	size_t i;

	for (i = 0; dynamic_words[i] != NULL; i++) {
		if (strlen(dynamic_words[i]) == n &&
		    strncmp(w, dynamic_words[i], n) == 0)
			return 1;
	}
	for (i = 0; dynamic_prefixes[i] != NULL; i++) {
		size_t pl = strlen(dynamic_prefixes[i]);

		if (n > pl && strncmp(w, dynamic_prefixes[i], pl) == 0)
			return 1;
	}
	return 0;
}

int
dnscheck_name_generic(const char *name, const char *ip)
{
	char low[RESOLVE_NAME_MAX], canon[IP_TEXT_MAX], hex[9];
	unsigned char a[4];
	long nums[64];
	size_t len, i, end, nnum = 0;
	int dots = 0, words = 0, is_static = 0, v4;

	if (name == NULL || (len = strlen(name)) == 0 || len >= sizeof(low))
		return 0;
	for (i = 0; i <= len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	/* Only the labels left of the last two: the host part. */
	for (end = len; end > 0; end--) {
		if (low[end - 1] == '.' && ++dots == 2)
			break;
	}
	if (end == 0)
		return 0;
	end--;
	v4 = ip != NULL && ip_normalize(ip, canon) == 0 &&
	    inet_pton(AF_INET, canon, a) == 1;
	if (v4)
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", a[0], a[1], a[2],
		    a[3]);
	for (i = 0; i < end;) {
		size_t s = i;

		if (isalpha((unsigned char)low[i])) {
			while (i < end && isalpha((unsigned char)low[i]))
				i++;
			if (word_dynamic(low + s, i - s))
				words++;
			if (i - s == 6 && strncmp(low + s, "static", 6) == 0)
				is_static = 1;
		} else if (isdigit((unsigned char)low[i])) {
			while (i < end && isdigit((unsigned char)low[i]))
				i++;
			if (nnum < 64)
				nums[nnum++] =
				    i - s <= 3 ? strtol(low + s, NULL, 10) : -1;
			/* 192000002001: zero-padded octets run together. */
			if (v4 && i - s == 12) {
				char pad[13];

				snprintf(pad, sizeof(pad), "%03u%03u%03u%03u",
				    a[0], a[1], a[2], a[3]);
				if (strncmp(low + s, pad, 12) == 0 &&
				    !is_static)
					return 1;
			}
		} else {
			i++;
		}
		/* c0000201: the address in hex, within a label. */
		if (v4 && s + 8 <= end && strncmp(low + s, hex, 8) == 0)
			words++;
	}
	if (words > 0)
		return 1;
	if (!v4 || is_static)
		return 0;
	for (i = 0; i + 4 <= nnum; i++) {
		if ((nums[i] == a[0] && nums[i + 1] == a[1] &&
		        nums[i + 2] == a[2] && nums[i + 3] == a[3]) ||
		    (nums[i] == a[3] && nums[i + 1] == a[2] &&
		        nums[i + 2] == a[1] && nums[i + 3] == a[0]))
			return 1;
	}
	return 0;
}

int
dnscheck_ptr(struct resolver *r, const char *const *ips, size_t nip,
    struct dnscheck_list *out, struct err *err)
{
	struct resolve_fcrdns *f;
	char canon[IP_TEXT_MAX], shown[80], fix[400];
	size_t i;
	int rc;

	for (i = 0; i < nip; i++) {
		if (ips[i] == NULL || ip_normalize(ips[i], canon) < 0) {
			text_printable_n(ips[i] ? ips[i] : "",
			    ips[i] ? strlen(ips[i]) : 0, shown, sizeof(shown));
			return err_set(
			    err, ERR_USAGE, "'%s' is not an IP address", shown);
		}
	}
	if (nip == 0)
		return 0;
	f = xcalloc(nip, sizeof(*f));
	for (i = 0; i < nip; i++)
		resolve_ptr_confirmed(r, ips[i], &f[i]);
	if ((rc = resolve_wait(r, err)) < 0)
		goto done;
	for (i = 0; i < nip; i++) {
		const char *ip = f[i].ip;

		if (resolve_status_trouble(f[i].status)) {
			dnscheck_add(out, "ptr.record", DNSCHECK_DNSERROR, ip,
			    "check the reverse zone's name servers, or try"
			    " again later",
			    "PTR lookup of %s got no answer: %s", ip,
			    dnscheck_trouble_name(f[i].status));
			continue;
		}
		if (f[i].status != RESOLVE_OK || f[i].name == NULL) {
			dnscheck_add(out, "ptr.record", DNSCHECK_FAIL, ip,
			    "ask whoever runs the address (your provider) for"
			    " a PTR record naming the host, e.g. mail.DOMAIN",
			    "%s has no PTR record: many receivers refuse or"
			    " mark mail from it",
			    ip);
			continue;
		}
		dnscheck_add(out, "ptr.record", DNSCHECK_PASS, ip, NULL,
		    "%s is %s", ip, f[i].name);
		if (f[i].confirmed) {
			dnscheck_add(out, "ptr.fcrdns", DNSCHECK_PASS, ip, NULL,
			    "%s resolves back to %s", f[i].name, ip);
		} else if (resolve_status_trouble(f[i].fwd_status)) {
			dnscheck_add(out, "ptr.fcrdns", DNSCHECK_DNSERROR, ip,
			    "try again later",
			    "could not tell whether %s resolves back to %s:"
			    " %s",
			    f[i].name, ip,
			    dnscheck_trouble_name(f[i].fwd_status));
		} else if (f[i].fwd_status == RESOLVE_BADNAME) {
			dnscheck_add(out, "ptr.fcrdns", DNSCHECK_FAIL, ip,
			    "have the PTR name the host, e.g. mail.DOMAIN",
			    "%s is not a host name, so it cannot resolve back"
			    " to %s",
			    f[i].name, ip);
		} else {
			snprintf(fix, sizeof(fix),
			    "publish %s %s for %s, or have the PTR name a host"
			    " that has it",
			    strchr(ip, ':') ? "AAAA" : "A", ip, f[i].name);
			dnscheck_add(out, "ptr.fcrdns", DNSCHECK_FAIL, ip, fix,
			    "%s does not resolve back to %s (%s)", f[i].name,
			    ip,
			    f[i].fwd_status == RESOLVE_OK
			        ? "it has other addresses"
			        : f[i].fwd_status == RESOLVE_NXDOMAIN
			        ? "the name does not exist"
			        : "the name has no address");
		}
		if (dnscheck_name_generic(f[i].name, ip))
			dnscheck_add(out, "ptr.generic", DNSCHECK_WARN, ip,
			    "have the PTR name the mail server, e.g."
			    " mail.DOMAIN",
			    "%s looks like a dynamic or residential address:"
			    " receivers may refuse mail from it",
			    f[i].name);
		else
			dnscheck_add(out, "ptr.generic", DNSCHECK_PASS, ip,
			    NULL, "%s does not look dynamic", f[i].name);
	}
done:
	for (i = 0; i < nip; i++)
		resolve_fcrdns_clear(&f[i]);
	free(f);
	return rc;
}
