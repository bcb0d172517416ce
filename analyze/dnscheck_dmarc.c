/*
 * dnscheck_dmarc: the DMARC record of a domain judged tag by tag, and the
 * authorisation records of report destinations outside its organization.
 * Reading and looking up the record is dmarc_record.c's; this file only
 * judges what it found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmarc_record.h"
#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "orgdomain.h"
#include "resolve.h"
#include "taglist.h"
#include "text.h"
#include "xalloc.h"

void
dnscheck_dmarc_clear(struct dnscheck_dmarc *d)
{
	size_t i;

	for (i = 0; i < d->nrua; i++)
		free(d->rua[i]);
	for (i = 0; i < d->nruf; i++)
		free(d->ruf[i]);
	memset(d, 0, sizeof(*d));
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/*
 * Parses the URIs of rua= or ruf= into list.  Each is "mailto:ADDR" with an
 * optional "!SIZE"; other schemes are warned about and skipped.  Returns
 * the number of syntax errors.
 */
static int
parse_uris(const struct dmarc_tag *t, const char *subject, char **list,
    size_t *n, struct dnscheck_list *out)
{
	size_t pos = 0;
	int bad = 0;
	char shown[128];

	while (pos <= t->vlen) {
		size_t s = pos, e, at, bang;
		const char *u;
		char dom[ORGDOMAIN_MAX + 1];

		while (pos < t->vlen && t->val[pos] != ',')
			pos++;
		e = pos++;
		while (s < e && taglist_is_fws((unsigned char)t->val[s]))
			s++;
		while (e > s && taglist_is_fws((unsigned char)t->val[e - 1]))
			e--;
		u = t->val + s;
		text_printable_n(u, e - s, shown, sizeof(shown));
		if (e == s) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
			    subject, "list URIs separated by single commas",
			    "%s= holds an empty URI", t->name);
			bad++;
			continue;
		}
		if (e - s < 7 || strncasecmp(u, "mailto:", 7) != 0) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_WARN,
			    subject, "use mailto: URIs",
			    "%s= URI '%s' is not mailto:, which is the only"
			    " scheme receivers use",
			    t->name, shown);
			continue;
		}
		for (bang = s + 7; bang < e && t->val[bang] != '!'; bang++)
			;
		if (bang < e) {
			size_t k = bang + 1, m = e;

			if (m > k && strchr("kKmMgGtT", t->val[m - 1]))
				m--;
			if (!all_digits(t->val + k, m - k)) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject,
				    "write the size as !10m, or drop it",
				    "%s= URI '%s' has a bad size limit",
				    t->name, shown);
				bad++;
				continue;
			}
		}
		for (at = bang; at > s + 7 && t->val[at - 1] != '@'; at--)
			;
		/* at is past the last '@', or s + 7 when there is none. */
		if (at <= s + 8 || at >= bang || bang - at >= sizeof(dom)) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
			    subject, "write mailto:local-part@domain",
			    "%s= URI '%s' is not a mail address", t->name,
			    shown);
			bad++;
			continue;
		}
		memcpy(dom, t->val + at, bang - at);
		dom[bang - at] = '\0';
		if (!dnscheck_domain_ok(dom)) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
			    subject, "write mailto:local-part@domain",
			    "%s= URI '%s' has no valid domain", t->name, shown);
			bad++;
			continue;
		}
		if (*n >= DNSCHECK_MAX_URIS) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_WARN,
			    subject, "list fewer addresses",
			    "%s= lists more than %d URIs; the rest are not"
			    " checked",
			    t->name, DNSCHECK_MAX_URIS);
			break;
		}
		list[(*n)++] = xstrndup(u, bang - s);
	}
	return bad;
}

int
dnscheck_parse_dmarc(const char *text, size_t len, const char *subject,
    struct dnscheck_dmarc *d, struct dnscheck_list *out)
{
	struct dmarc_txt rec;
	char shown[64];
	size_t i;
	int bad = 0;

	memset(d, 0, sizeof(*d));
	if (!dnscheck_record_bytes_ok(text, len, "dmarc.syntax", subject, out))
		return -1;
	if (dmarc_record_parse(text, len, &rec) < 0) {
		dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL, subject,
		    "start the record with v=DMARC1;",
		    rec.near ? "the record starts with a v= other than exactly"
		               " DMARC1: receivers ignore it"
		             : "the record does not start with v=DMARC1:"
		               " receivers ignore it");
		return -1;
	}
	if (rec.nskipped > 0) {
		dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL, subject,
		    "write tags as name=value separated by ';'",
		    "the record is not a valid tag list: %s", rec.why);
		return -1;
	}
	d->valid = 1;
	for (i = 1; i < rec.ntags; i++) {
		if (rec.tag[i].repeat) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
			    subject, "keep one of each tag",
			    "tag %s= appears more than once", rec.tag[i].name);
			bad++;
		}
	}
	/* A repeated tag is ignored (dmarc_record.h): only the first is
	 * judged. */
	for (i = 1; i < rec.ntags; i++) {
		const struct dmarc_tag *t = &rec.tag[i];
		const char *n = t->name;
		int valid = dmarc_tag_valid(t);

		if (t->repeat)
			continue;
		text_printable_n(t->val, t->vlen, shown, sizeof(shown));
		if (strcmp(n, "p") == 0 || strcmp(n, "sp") == 0 ||
		    strcmp(n, "np") == 0) {
			if (!valid) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject, "use none, quarantine or reject",
				    "%s=%s is not none, quarantine or reject",
				    n, shown);
				bad++;
			}
		} else if (strcmp(n, "adkim") == 0 || strcmp(n, "aspf") == 0) {
			if (!valid) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject, "use r (relaxed) or s (strict)",
				    "%s=%s is not r or s", n, shown);
				bad++;
			}
		} else if (strcmp(n, "t") == 0) {
			if (!valid) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject, "use t=y or t=n",
				    "t=%s is not y or n", shown);
				bad++;
			}
		} else if (strcmp(n, "psd") == 0) {
			if (!valid) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject, "use psd=y, n or u",
				    "psd=%s is not y, n or u", shown);
				bad++;
			}
		} else if (strcmp(n, "fo") == 0) {
			if (!valid) {
				dnscheck_add(out, "dmarc.syntax", DNSCHECK_FAIL,
				    subject,
				    "use 0, 1, d or s, separated by ':'",
				    "fo=%s is not a list of 0, 1, d and s",
				    shown);
				bad++;
			}
		} else if (strcmp(n, "rua") == 0) {
			bad += parse_uris(t, subject, d->rua, &d->nrua, out);
		} else if (strcmp(n, "ruf") == 0) {
			bad += parse_uris(t, subject, d->ruf, &d->nruf, out);
		} else if (strcmp(n, "pct") == 0 || strcmp(n, "rf") == 0 ||
		    strcmp(n, "ri") == 0) {
			int pct = strcmp(n, "pct") == 0;
			const char *note = "";

			if (pct && !valid)
				note = " (and its value is not 0-100)";
			else if (pct && rec.pol.pct < 100)
				note = ", to that share of failing mail only";
			else if (!pct && !valid)
				note = strcmp(n, "ri") == 0
				    ? " (and its value is not a number)"
				    : " (and its value is not afrf)";
			dnscheck_add(out, "dmarc.retired", DNSCHECK_WARN,
			    subject,
			    pct ? "drop pct=; use t=y while testing a policy"
			        : "drop the tag",
			    "%s=%s is retired by RFC 9989; RFC 7489 receivers"
			    " still apply it%s",
			    n, shown, note);
		} else if (valid < 0) {
			dnscheck_add(out, "dmarc.syntax", DNSCHECK_WARN,
			    subject, "remove the tag, or fix its name",
			    "unknown tag %s= is ignored by receivers", n);
		}
	}
	if (bad == 0 && !dnscheck_find(out, "dmarc.syntax"))
		dnscheck_add(out, "dmarc.syntax", DNSCHECK_PASS, subject, NULL,
		    "the record is well formed");
	if (rec.pol.p >= 0)
		snprintf(
		    d->p, sizeof(d->p), "%s", dmarc_policy_word(rec.pol.p));
	if (rec.pol.sp >= 0)
		snprintf(
		    d->sp, sizeof(d->sp), "%s", dmarc_policy_word(rec.pol.sp));
	if (rec.pol.np >= 0)
		snprintf(
		    d->np, sizeof(d->np), "%s", dmarc_policy_word(rec.pol.np));

	if (d->p[0] == '\0') {
		dnscheck_add(out, "dmarc.policy", DNSCHECK_WARN, subject,
		    "add p=none to start, then quarantine or reject",
		    "no valid p=: receivers apply none (or, under RFC 7489,"
		    " may ignore the record)");
	} else if (strcmp(d->p, "none") == 0) {
		dnscheck_add(out, "dmarc.policy", DNSCHECK_WARN, subject,
		    "move to p=quarantine, then p=reject, once reports show"
		    " your mail passes",
		    "p=none: failing mail is only reported, not refused");
	} else if (strcmp(d->sp, "none") == 0 || strcmp(d->np, "none") == 0) {
		dnscheck_add(out, "dmarc.policy", DNSCHECK_WARN, subject,
		    "drop sp=none / np=none, or raise them",
		    "p=%s, but %s=none leaves %s unprotected", d->p,
		    strcmp(d->sp, "none") == 0 ? "sp" : "np",
		    strcmp(d->sp, "none") == 0 ? "subdomains"
		                               : "non-existent subdomains");
	} else {
		dnscheck_add(out, "dmarc.policy", DNSCHECK_PASS, subject, NULL,
		    "p=%s", d->p);
	}
	if (d->nrua == 0)
		dnscheck_add(out, "dmarc.rua", DNSCHECK_WARN, subject,
		    "add rua=mailto:ADDRESS to receive aggregate reports",
		    "no usable rua=: nobody sends you aggregate reports");
	else
		dnscheck_add(out, "dmarc.rua", DNSCHECK_PASS, subject, NULL,
		    "aggregate reports go to %zu address%s", d->nrua,
		    d->nrua == 1 ? "" : "es");
	return 0;
}

/* The domain of a "mailto:local@domain" URI, lower-cased, into out. */
static int
uri_domain(const char *uri, char out[ORGDOMAIN_MAX])
{
	const char *at = strrchr(uri, '@');

	return at != NULL ? orgdomain_normalize(at + 1, out, ORGDOMAIN_MAX)
	                  : -1;
}

struct auth_check {
	char dest[ORGDOMAIN_MAX];
	const char *uri;
	struct resolve_result res;
};

/* Authorisation of external report destinations (RFC 7489 section 7.1). */
static int
check_report_auth(struct resolver *r, const struct orgdomain *od,
    const char *policy_domain, const struct dnscheck_dmarc *d,
    struct dnscheck_list *out, struct err *err)
{
	struct auth_check ac[2 * DNSCHECK_MAX_URIS];
	char org[ORGDOMAIN_MAX], dorg[ORGDOMAIN_MAX], name[600], fix[1000];
	size_t i, k, n = 0;
	int rc;

	orgdomain_get(od, policy_domain, org, sizeof(org));
	for (i = 0; i < d->nrua + d->nruf; i++) {
		const char *uri = i < d->nrua ? d->rua[i] : d->ruf[i - d->nrua];

		if (uri_domain(uri, ac[n].dest) < 0)
			continue;
		if (orgdomain_get(od, ac[n].dest, dorg, sizeof(dorg)) < 0 ||
		    strcmp(dorg, org) == 0)
			continue;
		for (k = 0; k < n; k++) {
			if (strcmp(ac[k].dest, ac[n].dest) == 0)
				break;
		}
		if (k < n)
			continue;
		ac[n].uri = uri;
		snprintf(name, sizeof(name), "%.253s._report._dmarc.%.253s",
		    policy_domain, ac[n].dest);
		resolve_into(r, RESOLVE_TXT, name, &ac[n].res);
		n++;
	}
	if (n == 0)
		return 0;
	rc = resolve_wait(r, err);
	for (i = 0; i < n && rc == 0; i++) {
		struct resolve_result *res = &ac[i].res;
		int found = 0;

		snprintf(name, sizeof(name), "%.253s._report._dmarc.%.253s",
		    policy_domain, ac[i].dest);
		if (dnscheck_dns_trouble(out, "dmarc.auth", res, name))
			continue;
		for (k = 0; k < res->n; k++) {
			if (dmarc_record_is(
			        res->rr[k].text, res->rr[k].len, NULL))
				found = 1;
		}
		if (found) {
			dnscheck_add(out, "dmarc.auth", DNSCHECK_PASS, name,
			    NULL, "%s accepts reports about %s", ac[i].dest,
			    policy_domain);
			continue;
		}
		snprintf(fix, sizeof(fix),
		    "have %.253s publish TXT %.520s \"v=DMARC1\", or send"
		    " reports to"
		    " an address of your own",
		    ac[i].dest, name);
		dnscheck_add(out, "dmarc.auth", DNSCHECK_FAIL, name, fix,
		    "%s is outside %s and does not authorise reports about"
		    " it (%s): receivers will not send them there",
		    ac[i].uri, org,
		    res->status == RESOLVE_BADNAME  ? "the name is too long"
		        : res->status == RESOLVE_OK ? "no v=DMARC1 record"
		                                    : "no record");
	}
	for (i = 0; i < n; i++)
		resolve_result_clear(&ac[i].res);
	return rc;
}

int
dnscheck_dmarc(struct resolver *r, const struct orgdomain *od,
    const char *domain, struct dnscheck_list *out, struct err *err)
{
	char dom[ORGDOMAIN_MAX];
	struct dmarc_lookup l;
	int rc;

	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	if ((rc = dmarc_lookup(r, od, dom, &l, err)) == 0)
		rc = dnscheck_dmarc_found(r, od, &l, out, err);
	dmarc_lookup_clear(&l);
	return rc;
}

int
dnscheck_dmarc_found(struct resolver *r, const struct orgdomain *od,
    const struct dmarc_lookup *l, struct dnscheck_list *out, struct err *err)
{
	const struct resolve_record *rec = l->record;
	const char *where = l->at_org ? l->org_name : l->name;
	int sub = l->org_name[0] != '\0', rc = 0;
	struct dnscheck_dmarc d;
	char fix[600];

	if (dnscheck_dns_trouble(out, "dmarc.record", &l->own, l->name))
		return 0;
	if (l->count > 1) {
		dnscheck_add(out, "dmarc.record", DNSCHECK_FAIL, l->name,
		    "keep exactly one v=DMARC1 TXT record",
		    "%zu DMARC records: receivers ignore them all", l->count);
		return 0;
	}
	if (l->count == 0 && l->asked_org) {
		if (dnscheck_dns_trouble(
		        out, "dmarc.record", &l->org_res, l->org_name))
			return 0;
		if (l->org_count > 1) {
			dnscheck_add(out, "dmarc.record", DNSCHECK_FAIL,
			    l->org_name, "keep exactly one v=DMARC1 TXT record",
			    "no record at %s, and %zu DMARC records at the"
			    " organizational domain: receivers ignore them",
			    l->name, l->org_count);
			return 0;
		}
	}
	if (rec == NULL) {
		snprintf(fix, sizeof(fix),
		    "publish TXT %.260s \"v=DMARC1; p=none;"
		    " rua=mailto:dmarc-reports@%.253s\"",
		    l->name, sub ? l->org : l->domain);
		dnscheck_add(out, "dmarc.record", DNSCHECK_FAIL, l->name, fix,
		    "no DMARC record%s%s%s%s",
		    l->near ? " (a record starts with a v= other than"
		              " exactly DMARC1)"
		            : "",
		    l->own.status == RESOLVE_NXDOMAIN
		        ? ": the name does not exist"
		        : "",
		    sub ? ", nor at " : "", sub ? l->org_name : "");
		return 0;
	}
	if (l->at_org)
		dnscheck_add(out, "dmarc.record", DNSCHECK_PASS, l->name, NULL,
		    "no record of its own: the organizational"
		    " domain's record at %s applies",
		    l->org_name);
	else
		dnscheck_add(out, "dmarc.record", DNSCHECK_PASS, l->name, NULL,
		    "one DMARC record");
	dnscheck_parse_dmarc(rec->text, rec->len, where, &d, out);
	if (d.valid)
		rc = check_report_auth(
		    r, od, l->at_org ? l->org : l->domain, &d, out, err);
	dnscheck_dmarc_clear(&d);
	return rc;
}
