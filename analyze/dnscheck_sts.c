/*
 * dnscheck_sts: MTA-STS (RFC 8461) of a domain: the _mta-sts TXT record,
 * the policy senders fetch over HTTPS (sts_fetch.c does the fetching),
 * its fields, and its mx patterns against the domain's real MX hosts.
 *
 * Not checked: whether the id changed when the policy did (the policy
 * before is not known here), and how long a policy has been in testing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "resolve.h"
#include "sts_fetch.h"
#include "taglist.h"
#include "text.h"

#define VERSION "v=STSv1"
#define VERSION_LEN (sizeof(VERSION) - 1)
/* RFC 8461 section 3.2: max_age is at most a year. */
#define MAX_AGE_MAX 31557600L
/* Section 3.2 asks for "weeks or greater". */
#define MAX_AGE_WEEK 604800L

/* ------------------------------------------------------------------------
 * The TXT record. */

int
dnscheck_parse_sts_record(const char *text, size_t len, const char *subject,
    char id[33], struct dnscheck_list *out)
{
	struct taglist tl;
	struct taglist_tag t;
	char why[128], shown[80];
	size_t n = 0, i;
	int rc;

	id[0] = '\0';
	if (!dnscheck_record_bytes_ok(text, len, "sts.record", subject, out))
		return -1;
	taglist_init(&tl, text, len, 0);
	while ((rc = taglist_next(&tl, &t, why, sizeof(why))) != 0) {
		if (rc < 0) {
			dnscheck_add(out, "sts.record", DNSCHECK_FAIL, subject,
			    "write fields as name=value separated by ';'",
			    "the record is not a list of fields: %s", why);
			return -1;
		}
		if (n++ == 0 &&
		    (strcmp(t.name, "v") != 0 || t.vlen != VERSION_LEN - 2 ||
		        memcmp(t.val, VERSION + 2, VERSION_LEN - 2) != 0)) {
			dnscheck_add(out, "sts.record", DNSCHECK_FAIL, subject,
			    "start the record with v=STSv1;",
			    "the record does not start with exactly v=STSv1"
			    " (the case counts): senders ignore it");
			return -1;
		}
		if (strcmp(t.name, "id") != 0 || id[0] != '\0')
			continue; /* extensions; a second id is not read */
		text_printable_n(t.val, t.vlen, shown, sizeof(shown));
		for (i = 0; i < t.vlen; i++) {
			unsigned char c = (unsigned char)t.val[i];

			if (!((c >= '0' && c <= '9') ||
			        (c >= 'a' && c <= 'z') ||
			        (c >= 'A' && c <= 'Z')))
				break;
		}
		if (t.vlen == 0 || t.vlen > 32 || i < t.vlen) {
			dnscheck_add(out, "sts.record", DNSCHECK_FAIL, subject,
			    "use 1 to 32 letters and digits, such as the date"
			    " and a number: id=2026120701",
			    "id=%s is not 1 to 32 letters and digits", shown);
			return -1;
		}
		memcpy(id, t.val, t.vlen);
		id[t.vlen] = '\0';
	}
	if (id[0] == '\0') {
		dnscheck_add(out, "sts.record", DNSCHECK_FAIL, subject,
		    "add id= (change it whenever the policy changes)",
		    "the record has no id=: senders ignore it");
		return -1;
	}
	dnscheck_add(out, "sts.record", DNSCHECK_PASS, subject, NULL,
	    "one record, id=%s", id);
	return 0;
}

/* ------------------------------------------------------------------------
 * The policy file. */

int
dnscheck_sts_mx_match(const char *pattern, const char *host)
{
	const char *dot;

	if (strncmp(pattern, "*.", 2) != 0)
		return strcmp(pattern, host) == 0;
	/* The wildcard stands for one whole label, never for none. */
	dot = strchr(host, '.');
	return dot != NULL && dot != host && strcmp(dot + 1, pattern + 2) == 0;
}

/* Syntax findings of one policy listed one by one; the rest are counted
 * in one (a policy of 64 KiB of garbage is not 30,000 findings). */
#define POLICY_SHOWN 10
#define POLICY_FIX                                                             \
	"correct the policy file: version: STSv1, mode:, max_age: and an mx: " \
	"line for each MX host"

/* Syntax trouble in the policy: a failed sts.policy finding, counted in
 * *bad. */
#define POLICY_BAD(...)                                                        \
	do {                                                                   \
		if (*bad < POLICY_SHOWN)                                       \
			dnscheck_add(out, "sts.policy", DNSCHECK_FAIL,         \
			    subject, POLICY_FIX, __VA_ARGS__);                 \
		(*bad)++;                                                      \
	} while (0)

/* Reads an mx: value v (printable in shown) into p; trouble counts in
 * *bad. */
static void
policy_mx(struct dnscheck_sts_policy *p, const char *v, size_t n,
    const char *shown, const char *subject, int *bad, struct dnscheck_list *out)
{
	char name[DOMAIN_MAX];
	size_t skip = n > 2 && memcmp(v, "*.", 2) == 0 ? 2 : 0, i;

	if (n - skip >= sizeof(name) || n == skip) {
		POLICY_BAD("mx: %s is not a host name or *.domain", shown);
		return;
	}
	for (i = 0; i < n - skip; i++)
		name[i] = (char)(v[skip + i] >= 'A' && v[skip + i] <= 'Z'
		        ? v[skip + i] - 'A' + 'a'
		        : v[skip + i]);
	name[i] = '\0';
	if (!dnscheck_domain_ok(name) || strchr(name, '*') != NULL) {
		POLICY_BAD("mx: %s is not a host name or *.domain (a"
		           " wildcard only as the whole first label)",
		    shown);
		return;
	}
	if (p->nmx >= DNSCHECK_STS_MAX_MX) {
		p->mx_dropped++;
		return;
	}
	snprintf(
	    p->mx[p->nmx++], sizeof(p->mx[0]), "%s%s", skip ? "*." : "", name);
}

/* Reads the value of max_age: 1 to 10 digits, at most MAX_AGE_MAX. */
static long
policy_max_age(const char *v, size_t n)
{
	long age = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		age = age * 10 + (v[i] - '0');
		if (age > MAX_AGE_MAX)
			return -1;
	}
	return age;
}

int
dnscheck_parse_sts_policy(const char *text, size_t len, const char *subject,
    struct dnscheck_sts_policy *p, struct dnscheck_list *out)
{
	int version = 0, mode = 0, age = 0, mxlines = 0, nbad = 0;
	int *bad = &nbad;
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	p->max_age = -1;
	if (memchr(text, '\0', len) != NULL) {
		POLICY_BAD("the policy holds a NUL byte");
		return -1;
	}
	while (pos < len) {
		const char *line = text + pos, *k, *v, *lf;
		size_t n, kn, vn;
		char key[16], shown[80];

		lf = memchr(line, '\n', len - pos);
		n = lf != NULL ? (size_t)(lf - line) : len - pos;
		pos += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue; /* a final line break, or a blank line */
		text_printable_n(line, n, shown, sizeof(shown));
		if ((v = memchr(line, ':', n)) == NULL) {
			POLICY_BAD("line '%s' is not key: value", shown);
			continue;
		}
		k = line;
		kn = (size_t)(v - line);
		v++;
		vn = n - kn - 1;
		while (vn > 0 && (*v == ' ' || *v == '\t'))
			v++, vn--;
		while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			vn--;
		text_printable_n(v, vn, shown, sizeof(shown));
		if (kn == 0 || kn >= sizeof(key))
			continue; /* no key senders know */
		memcpy(key, k, kn);
		key[kn] = '\0';
		if (strcmp(key, "version") == 0) {
			if (version++)
				continue; /* the first counts */
			if (vn != 5 || memcmp(v, "STSv1", 5) != 0)
				POLICY_BAD("version: %s is not STSv1", shown);
		} else if (strcmp(key, "mode") == 0) {
			if (mode++)
				continue;
			if ((vn == 7 && memcmp(v, "enforce", 7) == 0) ||
			    (vn == 7 && memcmp(v, "testing", 7) == 0) ||
			    (vn == 4 && memcmp(v, "none", 4) == 0)) {
				memcpy(p->mode, v, vn);
				p->mode[vn] = '\0';
			} else {
				POLICY_BAD("mode: %s is not enforce, testing or"
				           " none",
				    shown);
			}
		} else if (strcmp(key, "max_age") == 0) {
			if (age++)
				continue;
			if ((p->max_age = policy_max_age(v, vn)) < 0)
				POLICY_BAD("max_age: %s is not a number of"
				           " seconds up to %ld (a year)",
				    shown, MAX_AGE_MAX);
		} else if (strcmp(key, "mx") == 0) {
			mxlines++;
			policy_mx(p, v, vn, shown, subject, bad, out);
		}
		/* Other keys are extensions, which senders ignore. */
	}
	if (!version)
		POLICY_BAD("no version: line");
	if (!mode)
		POLICY_BAD("no mode: line");
	if (!age)
		POLICY_BAD("no max_age: line");
	if (mxlines == 0 && strcmp(p->mode, "none") != 0 && mode)
		POLICY_BAD("no mx: line: no MX host is allowed");
	if (p->mx_dropped > 0)
		dnscheck_add(out, "sts.policy", DNSCHECK_WARN, subject,
		    "list fewer mx: patterns (wildcards help)",
		    "more than %d mx: lines; the %zu after them are not read",
		    DNSCHECK_STS_MAX_MX, p->mx_dropped);
	if (nbad > POLICY_SHOWN)
		dnscheck_add(out, "sts.policy", DNSCHECK_FAIL, subject,
		    POLICY_FIX, "%d more lines not valid or missing",
		    nbad - POLICY_SHOWN);
	if (nbad > 0)
		return -1;
	p->valid = 1;
	dnscheck_add(out, "sts.policy", DNSCHECK_PASS, subject, NULL,
	    "mode %s, max_age %ld, %zu mx pattern%s", p->mode, p->max_age,
	    p->nmx, p->nmx == 1 ? "" : "s");
	return 0;
}

#undef POLICY_BAD
#undef POLICY_FIX
#undef POLICY_SHOWN

/* ------------------------------------------------------------------------
 * The check. */

/* The mode, max_age and mx findings of a valid policy. */
static void
judge_policy(const struct dnscheck_sts_policy *p, const char *subject,
    const struct dnscheck_mx *mx, struct dnscheck_list *out)
{
	char fix[DOMAIN_MAX * 2 + 160];
	int enforce = strcmp(p->mode, "enforce") == 0;

	if (enforce)
		dnscheck_add(out, "sts.mode", DNSCHECK_PASS, subject, NULL,
		    "enforce: senders deliver only over TLS to an MX the policy"
		    " allows");
	else if (strcmp(p->mode, "testing") == 0)
		dnscheck_add(out, "sts.mode", DNSCHECK_WARN, subject,
		    "once TLS reports show no failure for a few weeks, set"
		    " mode: enforce (and change the id)",
		    "testing: senders report failures but deliver anyway, so"
		    " the policy protects nothing yet");
	else
		dnscheck_add(out, "sts.mode", DNSCHECK_WARN, subject,
		    "set mode: testing or enforce, or remove the _mta-sts"
		    " record once senders have dropped the policy",
		    "none: senders drop the policy; mail is not protected");
	if (p->max_age < MAX_AGE_WEEK)
		dnscheck_add(out, "sts.max_age", DNSCHECK_WARN, subject,
		    "set max_age: 604800 (a week) or more; 31557600 (a"
		    " year) is common once in enforce",
		    "max_age %ld is under a week: senders forget the policy"
		    " soon, and an attacker who blocks its fetch then wins",
		    p->max_age);
	else
		dnscheck_add(out, "sts.max_age", DNSCHECK_PASS, subject, NULL,
		    "max_age %ld (%ld days)", p->max_age, p->max_age / 86400);
	if (strcmp(p->mode, "none") == 0 || !mx->answered)
		return;
	for (size_t i = 0; i < mx->n; i++) {
		const char *host = mx->host[i];
		size_t k;

		for (k = 0; k < p->nmx; k++) {
			if (dnscheck_sts_mx_match(p->mx[k], host))
				break;
		}
		if (k < p->nmx) {
			dnscheck_add(out, "sts.mx", DNSCHECK_PASS, host, NULL,
			    "MX %s is allowed by mx: %s", host, p->mx[k]);
			continue;
		}
		/* A pattern not read may allow it. */
		if (p->mx_dropped > 0) {
			dnscheck_add(out, "sts.mx", DNSCHECK_WARN, host,
			    "list fewer mx: patterns (wildcards help)",
			    "MX %s not known: the policy has more mx lines than"
			    " were read",
			    host);
			continue;
		}
		snprintf(fix, sizeof(fix),
		    "add \"mx: %s\" to the policy (and change the id), or"
		    " remove the MX",
		    host);
		dnscheck_add(out, "sts.mx",
		    enforce ? DNSCHECK_FAIL : DNSCHECK_WARN, host, fix,
		    "MX %s matches no mx: line of the policy: %s", host,
		    enforce ? "senders that honour it do not deliver there"
		            : "senders report every delivery there as failed");
	}
}

/* The addresses of host: 0, or 1 when there is DNS trouble (a finding). */
static int
addresses(struct resolver *r, const char *host, struct resolve_result *a,
    struct resolve_result *aaaa, const char **addrs, size_t *n,
    struct dnscheck_list *out, struct err *err, int *rc)
{
	*n = 0;
	resolve_into(r, RESOLVE_A, host, a);
	resolve_into(r, RESOLVE_AAAA, host, aaaa);
	if ((*rc = resolve_wait(r, err)) < 0)
		return 1;
	for (size_t i = 0; i < a->n && *n < STS_FETCH_MAX_ADDRS; i++)
		addrs[(*n)++] = a->rr[i].text;
	for (size_t i = 0; i < aaaa->n && *n < STS_FETCH_MAX_ADDRS; i++)
		addrs[(*n)++] = aaaa->rr[i].text;
	if (*n > 0)
		return 0;
	return dnscheck_dns_trouble(out, "sts.policy", a, host) ||
	    dnscheck_dns_trouble(out, "sts.policy", aaaa, host);
}

int
dnscheck_sts(struct resolver *r, const char *domain,
    const struct dnscheck_mx *mx, size_t with_tlsa,
    const struct sts_fetch_opts *o, struct dnscheck_sts *st,
    struct dnscheck_list *out, struct err *err)
{
	char dom[DOMAIN_MAX], name[DOMAIN_MAX + 16], host[DOMAIN_MAX + 16];
	char fix[DOMAIN_MAX * 3 + 200];
	const char *addrs[STS_FETCH_MAX_ADDRS];
	struct resolve_result res, a, aaaa;
	struct dnscheck_sts local;
	struct sts_fetch f;
	size_t found, first, n;
	int rc;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(&f, 0, sizeof(f));
	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	snprintf(name, sizeof(name), "_mta-sts.%s", dom);
	snprintf(host, sizeof(host), "mta-sts.%s", dom);
	if ((rc = dnscheck_txt_versioned(r, name, VERSION, "sts.record", &res,
	         &found, &first, out, err)) != 0) {
		rc = rc > 0 ? 0 : rc;
		goto done_txt;
	}
	if (found == 0) {
		if (mx->n == 0)
			; /* no mail to protect */
		else if (with_tlsa == mx->n)
			dnscheck_add(out, "sts.record", DNSCHECK_PASS, name,
			    NULL,
			    "no MTA-STS policy; every MX host publishes TLSA"
			    " records (DANE) instead");
		else {
			snprintf(fix, sizeof(fix),
			    "serve a policy (mode: testing first) under the"
			    " name %s, a web server answering"
			    " /.well-known/mta-sts.txt over HTTPS, and publish"
			    " %s TXT \"v=STSv1; id=YYYYMMDD01\"",
			    host, name);
			dnscheck_add(out, "sts.record", DNSCHECK_WARN, name,
			    fix,
			    "no MTA-STS record: senders use TLS to your MX only"
			    " when it is offered, and an attacker on the path"
			    " can strip it");
		}
		goto done_txt;
	}
	if (found > 1) {
		dnscheck_add(out, "sts.record", DNSCHECK_FAIL, name,
		    "keep one v=STSv1 record",
		    "%zu v=STSv1 records: senders then assume there is no"
		    " policy (RFC 8461 section 3.1)",
		    found);
		goto done_txt;
	}
	if (dnscheck_parse_sts_record(
	        res.rr[first].text, res.rr[first].len, name, st->id, out) < 0)
		goto done_txt;
	resolve_result_clear(&res);

	if (addresses(r, host, &a, &aaaa, addrs, &n, out, err, &rc))
		goto done;
	snprintf(fix, sizeof(fix),
	    "serve the policy under the name %s, a web server answering"
	    " /.well-known/mta-sts.txt over HTTPS with a certificate valid"
	    " for that name: status 200, Content-Type text/plain, no"
	    " redirect",
	    host);
	if (n == 0) {
		dnscheck_add(out, "sts.policy", DNSCHECK_FAIL, host, fix,
		    "%s has no A or AAAA record: senders cannot fetch the"
		    " policy",
		    host);
		goto done;
	}
	if ((rc = sts_fetch(dom, addrs, n, o, &f, err)) < 0)
		goto done;
	if (f.local_only)
		snprintf(fix, sizeof(fix),
		    "give %s A or AAAA records of the public addresses of the"
		    " web server that serves the policy",
		    host);
	if (!f.ok) {
		dnscheck_add(out, "sts.policy", DNSCHECK_FAIL, host, fix, "%s",
		    f.problem);
		goto done;
	}
	if (dnscheck_parse_sts_policy(f.body, f.len, host, &st->policy, out) ==
	    0) {
		st->fetched = 1;
		judge_policy(&st->policy, host, mx, out);
	}
done:
	sts_fetch_clear(&f);
	resolve_result_clear(&a);
	resolve_result_clear(&aaaa);
	return rc;
done_txt:
	resolve_result_clear(&res);
	return rc;
}
