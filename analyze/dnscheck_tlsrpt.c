/*
 * dnscheck_tlsrpt: the SMTP TLS reporting record of a domain (RFC 8460
 * section 3), _smtp._tls.DOMAIN: one v=TLSRPTv1 record whose rua= names
 * where senders mail (mailto:) or post (https:) their TLS reports.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "resolve.h"
#include "taglist.h"
#include "text.h"

#define VERSION "v=TLSRPTv1"
#define VERSION_LEN (sizeof(VERSION) - 1)

/*
 * The URI u[0..n) for a finding's text, printable in shown: an https: one
 * without its scheme, as "HOST/PATH (HTTPS)", since findings reach the
 * HTML report, which carries no link.
 */
static void
uri_shown(const char *u, size_t n, char *shown, size_t size)
{
	char rest[128];
	size_t k = 6;

	if (n < 6 || strncasecmp(u, "https:", 6) != 0) {
		text_printable_n(u, n, shown, size);
		return;
	}
	while (k < n && k < 8 && u[k] == '/')
		k++;
	text_printable_n(u + k, n - k, rest, sizeof(rest));
	snprintf(shown, size, "%s (HTTPS)", rest);
}

/* Judges one rua URI, u[0..n); returns 1 when a sender can use it. */
static int
uri_ok(const char *u, size_t n, const char *subject, struct dnscheck_list *out)
{
	char shown[144], host[DOMAIN_MAX + 1];
	size_t s, e;

	uri_shown(u, n, shown, sizeof(shown));
	if (n > 7 && strncasecmp(u, "mailto:", 7) == 0) {
		/* The domain is after the last '@', before any "?". */
		for (e = 7; e < n && u[e] != '?'; e++)
			;
		for (s = e; s > 7 && u[s - 1] != '@'; s--)
			;
		if (s <= 8 || s >= e || e - s >= sizeof(host)) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL,
			    subject, "write rua=mailto:local-part@domain",
			    "rua= URI '%s' is not a mail address", shown);
			return 0;
		}
	} else if (n > 8 && strncasecmp(u, "https://", 8) == 0) {
		for (s = e = 8;
		     e < n && u[e] != '/' && u[e] != ':' && u[e] != '?'; e++)
			;
		if (e == s || e - s >= sizeof(host)) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL,
			    subject,
			    "write the web address with a host name, then"
			    " the path",
			    "rua= URI '%s' names no host", shown);
			return 0;
		}
	} else {
		dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL, subject,
		    "use mail addresses (mailto:) or web addresses (HTTPS)",
		    "rua= URI '%s' is neither a mailto: nor an HTTPS address,"
		    " the only kinds senders use",
		    shown);
		return 0;
	}
	memcpy(host, u + s, e - s);
	host[e - s] = '\0';
	if (!dnscheck_domain_ok(host)) {
		dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL, subject,
		    "name a domain in the URI",
		    "rua= URI '%s' has no valid domain", shown);
		return 0;
	}
	return 1;
}

/* Judges the URIs of rua=; returns the number a sender can use, and lists
 * them, printable, in list. */
static int
rua_ok(const struct taglist_tag *t, const char *subject, char *list,
    size_t listsz, struct dnscheck_list *out)
{
	size_t pos = 0, used = 0;
	int good = 0, bad = 0;

	list[0] = '\0';
	while (pos <= t->vlen) {
		size_t s = pos, e;
		char shown[144];

		while (pos < t->vlen && t->val[pos] != ',')
			pos++;
		e = pos++;
		while (s < e && taglist_is_fws((unsigned char)t->val[s]))
			s++;
		while (e > s && taglist_is_fws((unsigned char)t->val[e - 1]))
			e--;
		if (e == s) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL,
			    subject, "list URIs separated by single commas",
			    "rua= holds an empty URI");
			bad++;
			continue;
		}
		if (good + bad >= DNSCHECK_MAX_URIS) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_WARN,
			    subject, "list fewer destinations",
			    "rua= lists more than %d URIs; the rest are not"
			    " checked",
			    DNSCHECK_MAX_URIS);
			break;
		}
		if (!uri_ok(t->val + s, e - s, subject, out)) {
			bad++;
			continue;
		}
		good++;
		uri_shown(t->val + s, e - s, shown, sizeof(shown));
		if (used < listsz)
			used += (size_t)snprintf(list + used, listsz - used,
			    "%s%s", used ? ", " : "", shown);
	}
	return bad > 0 ? 0 : good;
}

int
dnscheck_parse_tlsrpt(const char *text, size_t len, const char *subject,
    struct dnscheck_list *out)
{
	struct taglist tl;
	struct taglist_tag t;
	char why[128], list[DNSCHECK_TEXT_MAX / 2];
	size_t n = 0;
	int rc, bad = 0, rua = 0;

	if (!dnscheck_record_bytes_ok(text, len, "tlsrpt.syntax", subject, out))
		return -1;
	taglist_init(&tl, text, len, 0);
	while ((rc = taglist_next(&tl, &t, why, sizeof(why))) != 0) {
		if (rc < 0) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL,
			    subject,
			    "write fields as name=value separated by"
			    " ';'",
			    "the record is not a list of fields: %s", why);
			return -1;
		}
		if (n == 0 &&
		    (strcmp(t.name, "v") != 0 || t.vlen != VERSION_LEN - 2 ||
		        memcmp(t.val, VERSION + 2, VERSION_LEN - 2) != 0)) {
			dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL,
			    subject, "start the record with v=TLSRPTv1;",
			    "the record does not start with exactly"
			    " v=TLSRPTv1 (the case counts): senders ignore"
			    " it");
			return -1;
		}
		n++;
		if (strcmp(t.name, "rua") == 0) {
			if (rua++) {
				dnscheck_add(out, "tlsrpt.syntax",
				    DNSCHECK_FAIL, subject,
				    "list every destination in one rua=",
				    "rua= appears more than once");
				bad++;
				continue;
			}
			if (rua_ok(&t, subject, list, sizeof(list), out) == 0)
				bad++;
		}
		/* Other fields are extensions, which senders ignore. */
	}
	if (n == 0)
		return -1; /* an empty record: the caller never hands one */
	if (!rua) {
		dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_FAIL, subject,
		    "add rua=mailto:ADDRESS (where TLS reports should go)",
		    "the record has no rua=: senders do not know where to"
		    " send reports");
		return -1;
	}
	if (bad > 0)
		return -1;
	dnscheck_add(out, "tlsrpt.syntax", DNSCHECK_PASS, subject, NULL,
	    "reports go to %s", list);
	return 0;
}

int
dnscheck_tlsrpt(struct resolver *r, const char *domain, int receives,
    struct dnscheck_list *out, struct err *err)
{
	char dom[DOMAIN_MAX], name[DOMAIN_MAX + 16], fix[DOMAIN_MAX * 2 + 96];
	struct resolve_result res;
	size_t found, first;
	int rc;

	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	snprintf(name, sizeof(name), "_smtp._tls.%s", dom);
	snprintf(fix, sizeof(fix),
	    "publish %s TXT \"v=TLSRPTv1; rua=mailto:tls-reports@%s\"", name,
	    dom);
	if ((rc = dnscheck_txt_versioned(r, name, VERSION, "tlsrpt.record",
	         &res, &found, &first, out, err)) != 0) {
		rc = rc > 0 ? 0 : rc;
		goto done;
	}
	if (found == 0) {
		/* A domain that takes no mail has no TLS to report on. */
		if (receives)
			dnscheck_add(out, "tlsrpt.record", DNSCHECK_WARN, name,
			    fix,
			    "no TLS reporting record: senders cannot tell you"
			    " when they fail to reach your MX over TLS");
		goto done;
	}
	if (found > 1) {
		dnscheck_add(out, "tlsrpt.record", DNSCHECK_FAIL, name,
		    "keep one v=TLSRPTv1 record",
		    "%zu v=TLSRPTv1 records: senders then send no report at"
		    " all (RFC 8460 section 3)",
		    found);
		goto done;
	}
	dnscheck_add(
	    out, "tlsrpt.record", DNSCHECK_PASS, name, NULL, "one record");
	(void)dnscheck_parse_tlsrpt(
	    res.rr[first].text, res.rr[first].len, name, out);
done:
	resolve_result_clear(&res);
	return rc;
}
