/*
 * dnscheck: DMARC, SPF, DKIM, MX and PTR records of a sending domain.
 *
 * Read in this order: findings and text helpers; the tag-list parser that
 * DMARC and DKIM share; DMARC; SPF (parser, then the evaluation that
 * follows includes and counts lookups, then matching an address); DKIM
 * with its base64 and DER readers; MX; PTR.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmarc_record.h"
#include "dnscheck.h"
#include "err.h"
#include "ipaddr.h"
#include "orgdomain.h"
#include "resolve.h"
#include "xalloc.h"

/* Records longer than this are refused before parsing. */
#define RECORD_MAX 8192
/* Tags in one DMARC or DKIM record. */
#define MAX_TAGS 32
/* The SPF lookup and void lookup limits (RFC 7208 section 4.6.4). */
#define SPF_LOOKUP_LIMIT 10
#define SPF_VOID_LIMIT 2
/* Include and redirect nesting followed. */
#define SPF_MAX_DEPTH 12
/* MX hosts looked at, by the MX check and by an SPF mx term. */
#define MX_MAX_HOSTS 10
/* A decoded DKIM key: a 16384-bit RSA key is about 2 KB. */
#define KEY_MAX 4096

/* ------------------------------------------------------------------------
 * Findings. */

const char *
dnscheck_status_name(enum dnscheck_status s)
{
	switch (s) {
	case DNSCHECK_PASS:
		return "pass";
	case DNSCHECK_WARN:
		return "warn";
	case DNSCHECK_FAIL:
		return "fail";
	case DNSCHECK_DNSERROR:
		break;
	}
	return "dnserror";
}

void
dnscheck_list_free(struct dnscheck_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].subject);
		free(l->v[i].text);
		free(l->v[i].fix);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

enum dnscheck_status
dnscheck_worst(const struct dnscheck_list *l)
{
	enum dnscheck_status w = DNSCHECK_PASS;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].status > w)
			w = l->v[i].status;
	}
	return w;
}

const struct dnscheck_finding *
dnscheck_find(const struct dnscheck_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	}
	return NULL;
}

/*
 * Copies len bytes of s to out as printable ASCII: other bytes become '?',
 * and text too long for out is cut with "...".  Returns out.
 */
static char *
printable_n(const char *s, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 4 >= outsz && i + 1 < len) {
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
	return out;
}

static char *
dup_printable(const char *s)
{
	char buf[DNSCHECK_TEXT_MAX];

	return xstrdup(printable_n(s, strlen(s), buf, sizeof(buf)));
}

void
dnscheck_add(struct dnscheck_list *l, const char *id, enum dnscheck_status st,
    const char *subject, const char *fix, const char *fmt, ...)
{
	struct dnscheck_finding *f;
	char buf[DNSCHECK_TEXT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		memcpy(buf + sizeof(buf) - 4, "...", 4);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	f = &l->v[l->n++];
	f->id = id;
	f->status = st;
	f->subject = dup_printable(subject != NULL ? subject : "");
	f->text = dup_printable(buf);
	f->fix = fix != NULL ? dup_printable(fix) : NULL;
}

/* The trouble as people know it: SERVFAIL, REFUSED, timeout. */
static const char *
trouble_name(enum resolve_status s)
{
	switch (s) {
	case RESOLVE_SERVFAIL:
		return "SERVFAIL";
	case RESOLVE_REFUSED:
		return "REFUSED";
	case RESOLVE_TIMEOUT:
		return "timeout";
	default:
		return "error";
	}
}

/* Appends a DNSERROR finding when res is DNS trouble; returns 1 then. */
static int
dns_trouble(struct dnscheck_list *out, const char *id,
    const struct resolve_result *res, const char *subject)
{
	if (!resolve_status_trouble(res->status))
		return 0;
	dnscheck_add(out, id, DNSCHECK_DNSERROR, subject,
	    "check the domain's name servers, or try again later",
	    "%s lookup of %s got no answer: %s%s%s%s",
	    resolve_type_name(res->type), subject, trouble_name(res->status),
	    res->detail[0] ? " (" : "", res->detail, res->detail[0] ? ")" : "");
	return 1;
}

/* FWS of RFC 6376 (folded white space): blanks and line breaks. */
static int
is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Checks a domain argument: a usable name in ASCII (A-labels), lower-cased
 * into out. */
static int
domain_arg(const char *domain, char out[ORGDOMAIN_MAX], struct err *err)
{
	char shown[80];
	const char *p;

	for (p = domain != NULL ? domain : ""; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			break;
	}
	if (domain == NULL || *p != '\0' ||
	    orgdomain_normalize(domain, out, ORGDOMAIN_MAX) < 0) {
		printable_n(domain ? domain : "", domain ? strlen(domain) : 0,
		    shown, sizeof(shown));
		return err_set(err, ERR_USAGE,
		    "'%s' is not a domain name (IDNs in A-label form, xn--)",
		    shown);
	}
	return 0;
}

/* 1 when s (NUL-terminated) is a domain name we would send. */
static int
domain_ok(const char *s)
{
	char buf[ORGDOMAIN_MAX];
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			return 0;
	}
	return orgdomain_normalize(s, buf, sizeof(buf)) == 0;
}

/* ------------------------------------------------------------------------
 * Tag lists (RFC 6376 section 3.2, RFC 9989 section 4.7): "name=value"
 * separated by ';', blanks around each part. */

struct tag {
	char name[16];
	const char *val;
	size_t vlen;
};

/*
 * Splits text into tags.  Returns the number of tags, or -1 with why set:
 * a part without '=', a bad tag name, a value with a control or non-ASCII
 * byte, more than MAX_TAGS tags.  Empty parts (";;", a final ';') are
 * skipped.
 */
static int
tag_list(
    const char *text, size_t len, struct tag *tags, char *why, size_t whysz)
{
	size_t pos = 0;
	int n = 0;
	char shown[64];

	while (pos < len) {
		size_t start = pos, end, eq, i, ns, ne, vs, ve;

		while (pos < len && text[pos] != ';')
			pos++;
		end = pos;
		if (pos < len)
			pos++;
		while (start < end && is_fws((unsigned char)text[start]))
			start++;
		while (end > start && is_fws((unsigned char)text[end - 1]))
			end--;
		if (start == end)
			continue;
		for (eq = start; eq < end && text[eq] != '='; eq++)
			;
		if (eq == end) {
			snprintf(why, whysz, "'%s' is not name=value",
			    printable_n(text + start, end - start, shown,
			        sizeof(shown)));
			return -1;
		}
		ns = start;
		ne = eq;
		while (ne > ns && is_fws((unsigned char)text[ne - 1]))
			ne--;
		vs = eq + 1;
		ve = end;
		while (vs < ve && is_fws((unsigned char)text[vs]))
			vs++;
		if (ne == ns || ne - ns >= sizeof(tags[0].name) ||
		    !isalpha((unsigned char)text[ns])) {
			snprintf(why, whysz, "bad tag name '%s'",
			    printable_n(
			        text + ns, ne - ns, shown, sizeof(shown)));
			return -1;
		}
		for (i = ns; i < ne; i++) {
			unsigned char c = (unsigned char)text[i];

			if (!isalnum(c) && c != '_') {
				snprintf(why, whysz, "bad tag name '%s'",
				    printable_n(text + ns, ne - ns, shown,
				        sizeof(shown)));
				return -1;
			}
		}
		for (i = vs; i < ve; i++) {
			unsigned char c = (unsigned char)text[i];

			if ((c < 0x21 || c > 0x7e) && !is_fws(c)) {
				snprintf(why, whysz,
				    "the value of %.*s= holds a control or"
				    " non-ASCII byte",
				    (int)(ne - ns), text + ns);
				return -1;
			}
		}
		if (n >= MAX_TAGS) {
			snprintf(why, whysz, "more than %d tags", MAX_TAGS);
			return -1;
		}
		for (i = 0; i < ne - ns; i++)
			tags[n].name[i] =
			    (char)tolower((unsigned char)text[ns + i]);
		tags[n].name[ne - ns] = '\0';
		tags[n].val = text + vs;
		tags[n].vlen = ve - vs;
		n++;
	}
	return n;
}

/* The first tag named name, or NULL; *dup set when it appears again. */
static const struct tag *
tag_get(const struct tag *tags, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(tags[i].name, name) == 0)
			return &tags[i];
	}
	return NULL;
}

static int
val_is(const struct tag *t, const char *word)
{
	return t->vlen == strlen(word) &&
	    strncasecmp(t->val, word, t->vlen) == 0;
}

/* Checks a record's bytes before parsing: no NUL, not overlong. */
static int
record_bytes_ok(const char *text, size_t len, const char *id,
    const char *subject, struct dnscheck_list *out)
{
	if (len > RECORD_MAX) {
		dnscheck_add(out, id, DNSCHECK_FAIL, subject,
		    "publish a shorter record",
		    "the record is %zu bytes long, more than %d", len,
		    RECORD_MAX);
		return 0;
	}
	if (memchr(text, '\0', len) != NULL) {
		dnscheck_add(out, id, DNSCHECK_FAIL, subject,
		    "publish the record again without the NUL byte",
		    "the record holds a NUL byte");
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------------
 * DMARC. */

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
		while (s < e && is_fws((unsigned char)t->val[s]))
			s++;
		while (e > s && is_fws((unsigned char)t->val[e - 1]))
			e--;
		u = t->val + s;
		printable_n(u, e - s, shown, sizeof(shown));
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
		if (!domain_ok(dom)) {
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
	if (!record_bytes_ok(text, len, "dmarc.syntax", subject, out))
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
		printable_n(t->val, t->vlen, shown, sizeof(shown));
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
		if (dns_trouble(out, "dmarc.auth", res, name))
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

	if ((rc = domain_arg(domain, dom, err)) < 0)
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

	if (dns_trouble(out, "dmarc.record", &l->own, l->name))
		return 0;
	if (l->count > 1) {
		dnscheck_add(out, "dmarc.record", DNSCHECK_FAIL, l->name,
		    "keep exactly one v=DMARC1 TXT record",
		    "%zu DMARC records: receivers ignore them all", l->count);
		return 0;
	}
	if (l->count == 0 && l->asked_org) {
		if (dns_trouble(out, "dmarc.record", &l->org_res, l->org_name))
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

/* ------------------------------------------------------------------------
 * SPF: the parser (RFC 7208 section 12). */

void
dnscheck_spf_terms_clear(struct dnscheck_spf_terms *terms)
{
	size_t i;

	for (i = 0; i < terms->n; i++)
		free(terms->t[i].domain);
	terms->n = 0;
}

/* 1 when text starts with "v=spf1" and a space or the end. */
static int
is_spf_record(const char *text, size_t len)
{
	return len >= 6 && strncasecmp(text, "v=spf1", 6) == 0 &&
	    (len == 6 || text[6] == ' ');
}

/*
 * Checks a domain-spec (macro-string domain-end); sets *macro when it
 * holds a macro.  Returns 0, or -1 with why set.
 */
static int
domain_spec_ok(const char *s, size_t len, int *macro, char *why, size_t whysz)
{
	size_t i;
	char buf[ORGDOMAIN_MAX + 2];

	*macro = 0;
	if (len == 0) {
		snprintf(why, whysz, "empty domain");
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e) {
			snprintf(why, whysz, "a control or non-ASCII byte");
			return -1;
		}
		if (c != '%')
			continue;
		*macro = 1;
		if (i + 1 >= len) {
			snprintf(why, whysz, "a lone '%%'");
			return -1;
		}
		if (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-') {
			i++;
			continue;
		}
		if (s[i + 1] != '{' || i + 2 >= len ||
		    !strchr("slodiphcrtvSLODIPHCRTV", s[i + 2])) {
			snprintf(why, whysz, "a bad macro");
			return -1;
		}
		i += 3;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i < len && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < len && strchr(".-+,/_=", s[i]))
			i++;
		if (i >= len || s[i] != '}') {
			snprintf(why, whysz, "a bad macro");
			return -1;
		}
	}
	if (*macro)
		return 0;
	if (len >= sizeof(buf)) {
		snprintf(why, whysz, "a domain longer than 253 bytes");
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	/* domain-end: "." toplabel, so at least two labels, the last
	 * beginning and ending with a letter or digit. */
	if (!domain_ok(buf) || strchr(buf, '.') == NULL ||
	    !isalnum((unsigned char)buf[len - 1]) ||
	    !isalnum((unsigned char)strrchr(buf, '.')[1])) {
		snprintf(why, whysz, "not a domain name");
		return -1;
	}
	return 0;
}

/* A copy of a checked domain-spec: normalized (lower case, no final dot)
 * unless it holds a macro. */
static char *
spec_dup(const char *s, size_t len, int macro)
{
	char *d = xstrndup(s, len);
	char buf[ORGDOMAIN_MAX];

	if (!macro && orgdomain_normalize(d, buf, sizeof(buf)) == 0) {
		free(d);
		d = xstrdup(buf);
	}
	return d;
}

/* Reads "/N" into *v (0..max); returns bytes used, or -1. */
static int
read_cidr(const char *s, size_t len, int max, int *v)
{
	size_t i = 1;
	int n = 0;

	if (len < 2 || s[0] != '/' || !isdigit((unsigned char)s[1]))
		return -1;
	while (i < len && isdigit((unsigned char)s[i]) && i < 5) {
		n = n * 10 + (s[i] - '0');
		i++;
	}
	if (n > max || (s[1] == '0' && i > 2))
		return -1;
	*v = n;
	return (int)i;
}

/* Splits "spec[/n][//m]" at the cidr part: returns the spec length; sets
 * cidr4/cidr6, or returns -1 for a bad cidr. */
static int
split_dual_cidr(const char *s, size_t len, int *c4, int *c6)
{
	size_t i;
	int k;

	*c4 = *c6 = -1;
	for (i = 0; i < len && s[i] != '/'; i++)
		;
	if (i == len)
		return (int)len;
	if (i + 1 < len && s[i + 1] == '/') {
		k = read_cidr(s + i + 1, len - i - 1, 128, c6);
		return k > 0 && i + 1 + (size_t)k == len ? (int)i : -1;
	}
	k = read_cidr(s + i, len - i, 32, c4);
	if (k < 0)
		return -1;
	if (i + (size_t)k == len)
		return (int)i;
	if (len - i - (size_t)k < 3 || s[i + k] != '/')
		return -1;
	{
		int k6 = read_cidr(s + i + k + 1, len - i - k - 1, 128, c6);

		return k6 > 0 && i + (size_t)k + 1 + (size_t)k6 == len ? (int)i
		                                                       : -1;
	}
}

static const struct {
	const char *name;
	enum dnscheck_spf_kind kind;
	int arg; /* 0 none, 1 optional, 2 required */
} spf_mechs[] = {
    {"all", SPF_ALL, 0},
    {"include", SPF_INCLUDE, 2},
    {"a", SPF_A, 1},
    {"mx", SPF_MX, 1},
    {"ptr", SPF_PTR, 1},
    {"ip4", SPF_IP4, 2},
    {"ip6", SPF_IP6, 2},
    {"exists", SPF_EXISTS, 2},
};

/* Parses one term into t; returns 0, or -1 with why set. */
static int
parse_spf_term(const char *s, size_t len, struct dnscheck_spf_term *t,
    char *why, size_t whysz)
{
	size_t i, nl, k;
	const char *arg = NULL;
	size_t alen = 0;
	char buf[INET6_ADDRSTRLEN + 1];

	memset(t, 0, sizeof(*t));
	t->qualifier = '+';
	t->cidr4 = t->cidr6 = -1;
	/* A modifier: name "=" with the name before any ':' or '/'. */
	for (i = 0;
	     i < len && (isalnum((unsigned char)s[i]) || strchr("-_.", s[i])) &&
	     s[i] != '\0';
	     i++)
		;
	if (i > 0 && i < len && s[i] == '=' && isalpha((unsigned char)s[0])) {
		if (i == 8 && strncasecmp(s, "redirect", 8) == 0)
			t->kind = SPF_REDIRECT;
		else if (i == 3 && strncasecmp(s, "exp", 3) == 0)
			t->kind = SPF_EXP;
		else
			t->kind = SPF_UNKNOWN_MOD;
		if (t->kind == SPF_UNKNOWN_MOD) {
			for (k = i + 1; k < len; k++) {
				if ((unsigned char)s[k] < 0x21 ||
				    (unsigned char)s[k] > 0x7e) {
					snprintf(why, whysz,
					    "a control or non-ASCII byte");
					return -1;
				}
			}
			return 0;
		}
		if (domain_spec_ok(
		        s + i + 1, len - i - 1, &t->macro, why, whysz) < 0)
			return -1;
		t->domain = spec_dup(s + i + 1, len - i - 1, t->macro);
		return 0;
	}
	if (len > 0 && strchr("+-~?", s[0])) {
		t->qualifier = s[0];
		s++;
		len--;
	}
	for (nl = 0; nl < len && s[nl] != ':' && s[nl] != '/'; nl++)
		;
	for (k = 0; k < sizeof(spf_mechs) / sizeof(spf_mechs[0]); k++) {
		if (strlen(spf_mechs[k].name) == nl &&
		    strncasecmp(s, spf_mechs[k].name, nl) == 0)
			break;
	}
	if (k == sizeof(spf_mechs) / sizeof(spf_mechs[0])) {
		snprintf(why, whysz, "unknown mechanism");
		return -1;
	}
	t->kind = spf_mechs[k].kind;
	if (nl < len && s[nl] == ':') {
		arg = s + nl + 1;
		alen = len - nl - 1;
	}
	if (spf_mechs[k].arg == 0 && nl != len) {
		snprintf(why, whysz, "%s takes no argument", spf_mechs[k].name);
		return -1;
	}
	if (spf_mechs[k].arg == 2 && arg == NULL) {
		snprintf(
		    why, whysz, "%s needs ':' and a value", spf_mechs[k].name);
		return -1;
	}
	if (t->kind == SPF_IP4 || t->kind == SPF_IP6) {
		int v6 = t->kind == SPF_IP6, c = -1, used;
		size_t al;

		for (al = 0; al < alen && arg[al] != '/'; al++)
			;
		if (al == 0 || al >= sizeof(buf)) {
			snprintf(why, whysz, "not an IP%s address",
			    v6 ? "v6" : "v4");
			return -1;
		}
		memcpy(buf, arg, al);
		buf[al] = '\0';
		if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, t->addr) != 1) {
			snprintf(why, whysz, "not an IP%s address",
			    v6 ? "v6" : "v4");
			return -1;
		}
		if (al < alen) {
			used =
			    read_cidr(arg + al, alen - al, v6 ? 128 : 32, &c);
			if (used < 0 || al + (size_t)used != alen) {
				snprintf(why, whysz, "a bad prefix length");
				return -1;
			}
		}
		if (v6)
			t->cidr6 = c;
		else
			t->cidr4 = c;
		return 0;
	}
	if (t->kind == SPF_A || t->kind == SPF_MX) {
		/* "a", "a/24", "a:dom", "a:dom/24//64". */
		const char *spec = arg != NULL ? arg : s + nl;
		size_t slen = arg != NULL ? alen : len - nl;
		int dl = split_dual_cidr(spec, slen, &t->cidr4, &t->cidr6);

		if (dl < 0) {
			snprintf(why, whysz, "a bad prefix length");
			return -1;
		}
		if (arg == NULL) {
			if (dl != 0) {
				snprintf(why, whysz, "junk after the name");
				return -1;
			}
			return 0;
		}
		alen = (size_t)dl;
	} else if (arg == NULL && nl != len) {
		snprintf(why, whysz, "junk after the name");
		return -1;
	}
	if (arg == NULL)
		return 0;
	if (domain_spec_ok(arg, alen, &t->macro, why, whysz) < 0)
		return -1;
	t->domain = spec_dup(arg, alen, t->macro);
	return 0;
}

int
dnscheck_parse_spf(const char *text, size_t len, const char *subject,
    struct dnscheck_spf_terms *terms, struct dnscheck_list *out)
{
	char why[96], shown[80];
	size_t pos = 6;
	int redirects = 0, exps = 0, ptrs = 0, macros = 0, after_all = 0;
	int seen_all = 0;

	terms->n = 0;
	if (!record_bytes_ok(text, len, "spf.syntax", subject, out))
		return -1;
	if (!is_spf_record(text, len)) {
		dnscheck_add(out, "spf.syntax", DNSCHECK_FAIL, subject,
		    "start the record with v=spf1 and a space",
		    "the record does not start with v=spf1");
		return -1;
	}
	while (pos < len) {
		size_t s;
		struct dnscheck_spf_term *t;

		while (pos < len && text[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		s = pos;
		while (pos < len && text[pos] != ' ')
			pos++;
		printable_n(text + s, pos - s, shown, sizeof(shown));
		if (terms->n >= DNSCHECK_SPF_MAX_TERMS) {
			dnscheck_add(out, "spf.syntax", DNSCHECK_FAIL, subject,
			    "publish a shorter record", "more than %d terms",
			    DNSCHECK_SPF_MAX_TERMS);
			goto bad;
		}
		t = &terms->t[terms->n];
		if (parse_spf_term(text + s, pos - s, t, why, sizeof(why)) <
		    0) {
			dnscheck_add(out, "spf.syntax", DNSCHECK_FAIL, subject,
			    "fix or remove the term (RFC 7208 section 5)",
			    "'%s': %s: receivers return permerror", shown, why);
			goto bad;
		}
		terms->n++;
		if (seen_all && t->kind != SPF_EXP &&
		    t->kind != SPF_UNKNOWN_MOD && t->kind != SPF_REDIRECT)
			after_all++;
		seen_all |= t->kind == SPF_ALL;
		redirects += t->kind == SPF_REDIRECT;
		exps += t->kind == SPF_EXP;
		ptrs += t->kind == SPF_PTR;
		macros += t->macro;
	}
	if (redirects > 1 || exps > 1) {
		dnscheck_add(out, "spf.syntax", DNSCHECK_FAIL, subject,
		    "keep one of each modifier",
		    "%s= appears more than once: receivers return permerror",
		    redirects > 1 ? "redirect" : "exp");
		goto bad;
	}
	if (after_all > 0)
		dnscheck_add(out, "spf.syntax", DNSCHECK_WARN, subject,
		    "move all to the end",
		    "%d term%s after all %s never reached", after_all,
		    after_all == 1 ? "" : "s", after_all == 1 ? "is" : "are");
	if (ptrs > 0)
		dnscheck_add(out, "spf.ptr", DNSCHECK_WARN, subject,
		    "replace ptr with ip4/ip6 or a terms",
		    "the ptr mechanism is deprecated (RFC 7208 section"
		    " 5.5): slow, and some receivers skip it");
	if (macros > 0)
		dnscheck_add(out, "spf.macro", DNSCHECK_WARN, subject, NULL,
		    "%d term%s with macros, which depend on the message and"
		    " are not evaluated here",
		    macros, macros == 1 ? "" : "s");
	return 0;
bad:
	dnscheck_spf_terms_clear(terms);
	return -1;
}

/* ------------------------------------------------------------------------
 * SPF: evaluation.  The record and what its includes and redirect lead to
 * form a tree of nodes; a/mx terms are expanded to networks. */

struct spf_node;

struct spf_ext {
	struct spf_node *child; /* include, redirect */
	size_t net0, nnet; /* a, mx, ip4, ip6: networks in spf->nets */
	int unknown; /* cannot be evaluated offline */
};

struct spf_node {
	char *domain;
	int usable;
	struct dnscheck_spf_terms terms;
	struct spf_ext ext[DNSCHECK_SPF_MAX_TERMS];
	struct spf_node *next_alloc;
};

struct dnscheck_spf {
	struct spf_node *root, *nodes;
	struct dnscheck_net *nets; /* every network of every term */
	size_t nnets, capnets;
	struct dnscheck_net *auth; /* the authorised ones, flattened */
	size_t nauth;
};

struct spf_eval {
	struct resolver *r;
	struct dnscheck_list *out;
	struct err *err;
	struct dnscheck_spf *spf;
	int lookups, voids, queries, loops, failed;
	const char *path[SPF_MAX_DEPTH];
	int depth;
	int budget_noted;
};

void
dnscheck_spf_free(struct dnscheck_spf *spf)
{
	struct spf_node *n, *next;

	if (spf == NULL)
		return;
	for (n = spf->nodes; n != NULL; n = next) {
		next = n->next_alloc;
		dnscheck_spf_terms_clear(&n->terms);
		free(n->domain);
		free(n);
	}
	free(spf->nets);
	free(spf->auth);
	free(spf);
}

const struct dnscheck_net *
dnscheck_spf_networks(const struct dnscheck_spf *spf, size_t *n)
{
	*n = spf != NULL ? spf->nauth : 0;
	return spf != NULL ? spf->auth : NULL;
}

static void
add_net(struct dnscheck_spf *spf, int family, const unsigned char *addr,
    int prefix, const char *via)
{
	struct dnscheck_net *n;
	char a[INET6_ADDRSTRLEN];
	size_t len = family == AF_INET ? 4 : 16, i;

	if (spf->nnets == spf->capnets) {
		spf->capnets = spf->capnets ? spf->capnets * 2 : 16;
		spf->nets = xrealloc(spf->nets, spf->capnets * sizeof(*n));
	}
	n = &spf->nets[spf->nnets++];
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->prefix = prefix >= 0 ? (unsigned)prefix : (unsigned)len * 8;
	memcpy(n->addr, addr, len);
	/* Clear the host bits, so the text shows the network. */
	for (i = 0; i < len; i++) {
		unsigned bits =
		    n->prefix > i * 8 ? n->prefix - (unsigned)i * 8 : 0;

		if (bits < 8)
			n->addr[i] &= (unsigned char)(0xff00u >> bits);
	}
	inet_ntop(family, n->addr, a, sizeof(a));
	snprintf(n->text, sizeof(n->text), "%s/%u", a, n->prefix);
	n->via = via;
}

/* 1 when need more queries fit in the budget; else notes it, once. */
static int
spf_budget(struct spf_eval *ev, int need, const char *name)
{
	if (ev->queries + need <= DNSCHECK_SPF_MAX_QUERIES) {
		ev->queries += need;
		return 1;
	}
	if (!ev->budget_noted)
		dnscheck_add(ev->out, "spf.lookups", DNSCHECK_FAIL, name,
		    "flatten the record: fewer includes, ip4/ip6 instead of"
		    " a and mx",
		    "the record needs more than %d DNS queries; stopped"
		    " following it at %s",
		    DNSCHECK_SPF_MAX_QUERIES, name);
	ev->budget_noted = 1;
	return 0;
}

/* Queries one name within the budget; 0 when over it (res is then
 * untouched) or when the event loop failed. */
static int
spf_query(struct spf_eval *ev, enum resolve_type type, const char *name,
    struct resolve_result *res)
{
	if (!spf_budget(ev, 1, name))
		return 0;
	if (resolve_one(ev->r, type, name, res, ev->err) < 0) {
		resolve_result_clear(res);
		ev->failed = 1;
		return 0;
	}
	return 1;
}

static int
is_void(const struct resolve_result *res)
{
	return res->status == RESOLVE_NXDOMAIN || res->status == RESOLVE_NODATA;
}

/* Expands name's A or AAAA records (both when want is 0) into networks
 * for term ext; returns the number found, -1 on trouble. */
static int
expand_host(struct spf_eval *ev, struct spf_node *node, struct spf_ext *ext,
    const char *name, int c4, int c6, int *voided)
{
	struct resolve_result a, aaaa;
	unsigned char bin[16];
	size_t i;
	int found = 0, trouble = 0;

	if (!spf_budget(ev, 2, name))
		return -1;
	resolve_into(ev->r, RESOLVE_A, name, &a);
	resolve_into(ev->r, RESOLVE_AAAA, name, &aaaa);
	if (resolve_wait(ev->r, ev->err) < 0) {
		ev->failed = 1;
		resolve_result_clear(&a);
		resolve_result_clear(&aaaa);
		return -1;
	}
	for (i = 0; i < a.n; i++) {
		if (inet_pton(AF_INET, a.rr[i].text, bin) == 1) {
			add_net(ev->spf, AF_INET, bin, c4, node->domain);
			found++;
		}
	}
	for (i = 0; i < aaaa.n; i++) {
		if (inet_pton(AF_INET6, aaaa.rr[i].text, bin) == 1) {
			add_net(ev->spf, AF_INET6, bin, c6, node->domain);
			found++;
		}
	}
	ext->nnet += (size_t)found;
	if (dns_trouble(ev->out, "spf.record", &a, name) ||
	    dns_trouble(ev->out, "spf.record", &aaaa, name))
		trouble = 1;
	*voided = !trouble && is_void(&a) && is_void(&aaaa);
	resolve_result_clear(&a);
	resolve_result_clear(&aaaa);
	return trouble ? -1 : found;
}

static struct spf_node *spf_fetch(
    struct spf_eval *ev, const char *domain, const char *why);

/* The name a term queries: its domain-spec, or the record's domain. */
static const char *
term_target(const struct spf_node *node, const struct dnscheck_spf_term *t)
{
	return t->domain != NULL ? t->domain : node->domain;
}

static void
count_void(struct spf_eval *ev, const char *name)
{
	ev->voids++;
	if (ev->voids == SPF_VOID_LIMIT + 1)
		dnscheck_add(ev->out, "spf.void", DNSCHECK_FAIL, name,
		    "remove terms that name hosts or domains without"
		    " records",
		    "more than %d lookups found nothing (the latest: %s):"
		    " receivers return permerror",
		    SPF_VOID_LIMIT, name);
}

static void
eval_terms(struct spf_eval *ev, struct spf_node *node)
{
	size_t i, k;
	int has_all = 0;

	for (i = 0; i < node->terms.n; i++)
		has_all |= node->terms.t[i].kind == SPF_ALL;
	for (i = 0; i < node->terms.n && !ev->failed; i++) {
		struct dnscheck_spf_term *t = &node->terms.t[i];
		struct spf_ext *ext = &node->ext[i];
		const char *target = term_target(node, t);
		struct resolve_result res;
		int voided = 0, c4, c6;

		ext->net0 = ev->spf->nnets;
		switch (t->kind) {
		case SPF_IP4:
		case SPF_IP6:
			add_net(ev->spf,
			    t->kind == SPF_IP4 ? AF_INET : AF_INET6, t->addr,
			    t->kind == SPF_IP4 ? t->cidr4 : t->cidr6,
			    node->domain);
			ext->nnet = 1;
			break;
		case SPF_REDIRECT:
			if (has_all) {
				dnscheck_add(ev->out, "spf.syntax",
				    DNSCHECK_WARN, node->domain,
				    "drop redirect= or all",
				    "redirect= is ignored, as the record has"
				    " all");
				break;
			}
			/* FALLTHROUGH */
		case SPF_INCLUDE:
			ev->lookups++;
			if (t->macro) {
				ext->unknown = 1;
				break;
			}
			for (k = 0; k < (size_t)ev->depth; k++) {
				if (strcasecmp(ev->path[k], target) == 0)
					break;
			}
			if (k < (size_t)ev->depth) {
				ev->loops++;
				dnscheck_add(ev->out, "spf.loop", DNSCHECK_FAIL,
				    node->domain,
				    "remove the include or redirect that"
				    " closes the loop",
				    "%s:%s leads back to %s, which is on its"
				    " own path: receivers return permerror",
				    t->kind == SPF_INCLUDE ? "include"
				                           : "redirect",
				    target, ev->path[k]);
				ext->unknown = 1;
				break;
			}
			if (ev->depth >= SPF_MAX_DEPTH) {
				ext->unknown = 1;
				break;
			}
			ext->child = spf_fetch(ev, target,
			    t->kind == SPF_INCLUDE ? "include" : "redirect");
			if (ext->child == NULL || !ext->child->usable)
				ext->unknown = 1;
			break;
		case SPF_A:
			ev->lookups++;
			if (t->macro) {
				ext->unknown = 1;
				break;
			}
			if (expand_host(ev, node, ext, target, t->cidr4,
			        t->cidr6, &voided) < 0)
				ext->unknown = 1;
			if (voided)
				count_void(ev, target);
			break;
		case SPF_MX:
			ev->lookups++;
			if (t->macro) {
				ext->unknown = 1;
				break;
			}
			if (!spf_query(ev, RESOLVE_MX, target, &res)) {
				ext->unknown = 1;
				break;
			}
			if (dns_trouble(ev->out, "spf.record", &res, target)) {
				ext->unknown = 1;
			} else if (is_void(&res)) {
				count_void(ev, target);
			} else if (res.n > MX_MAX_HOSTS) {
				dnscheck_add(ev->out, "spf.lookups",
				    DNSCHECK_FAIL, target,
				    "use ip4/ip6 for the mail servers",
				    "mx:%s has %zu MX hosts, more than %d:"
				    " receivers return permerror",
				    target, res.n, MX_MAX_HOSTS);
				ext->unknown = 1;
			} else {
				for (k = 0; k < res.n; k++) {
					c4 = t->cidr4;
					c6 = t->cidr6;
					if (!res.rr[k].hostname)
						continue;
					if (expand_host(ev, node, ext,
					        res.rr[k].text, c4, c6,
					        &voided) < 0)
						ext->unknown = 1;
				}
			}
			resolve_result_clear(&res);
			break;
		case SPF_PTR:
		case SPF_EXISTS:
			ev->lookups++;
			ext->unknown = 1;
			break;
		case SPF_ALL:
		case SPF_EXP:
		case SPF_UNKNOWN_MOD:
			break;
		}
	}
}

/* Looks up domain's SPF record and evaluates it; why is "include",
 * "redirect" or NULL for the domain checked. */
static struct spf_node *
spf_fetch(struct spf_eval *ev, const char *domain, const char *why)
{
	struct spf_node *node = xcalloc(1, sizeof(*node));
	struct resolve_result res;
	const struct resolve_record *rec = NULL;
	const char *id = why != NULL ? "spf.include" : "spf.record";
	char fix[400];
	size_t i, n = 0;

	node->domain = xstrdup(domain);
	node->next_alloc = ev->spf->nodes;
	ev->spf->nodes = node;
	if (!spf_query(ev, RESOLVE_TXT, domain, &res))
		return node;
	if (dns_trouble(ev->out, id, &res, domain)) {
		resolve_result_clear(&res);
		return node;
	}
	for (i = 0; i < res.n; i++) {
		if (is_spf_record(res.rr[i].text, res.rr[i].len) && n++ == 0)
			rec = &res.rr[i];
	}
	if (why != NULL && is_void(&res))
		count_void(ev, domain);
	if (n == 0) {
		if (why == NULL) {
			snprintf(fix, sizeof(fix),
			    "publish TXT %s \"v=spf1 mx -all\" (listing the"
			    " servers that send its mail)",
			    domain);
			dnscheck_add(ev->out, id, DNSCHECK_FAIL, domain, fix,
			    "no SPF record%s",
			    res.status == RESOLVE_NXDOMAIN
			        ? ": the name does not exist"
			        : "");
		} else {
			dnscheck_add(ev->out, id, DNSCHECK_FAIL, domain,
			    "fix or remove the include/redirect",
			    "%s:%s finds no SPF record: receivers return"
			    " permerror",
			    why, domain);
		}
	} else if (n > 1) {
		dnscheck_add(ev->out, id, DNSCHECK_FAIL, domain,
		    "merge them into one v=spf1 record",
		    "%zu SPF records: receivers return permerror", n);
	} else {
		if (why == NULL)
			dnscheck_add(ev->out, id, DNSCHECK_PASS, domain, NULL,
			    "one SPF record");
		if (dnscheck_parse_spf(rec->text, rec->len, domain,
		        &node->terms, ev->out) == 0) {
			node->usable = 1;
			ev->path[ev->depth++] = node->domain;
			eval_terms(ev, node);
			ev->depth--;
		}
	}
	resolve_result_clear(&res);
	return node;
}

/* The qualifier of the record's all, following redirect: 0 when none. */
static char
final_all(const struct spf_node *node, int depth)
{
	size_t i;

	if (node == NULL || !node->usable || depth > SPF_MAX_DEPTH)
		return 0;
	for (i = 0; i < node->terms.n; i++) {
		if (node->terms.t[i].kind == SPF_ALL)
			return node->terms.t[i].qualifier;
	}
	for (i = 0; i < node->terms.n; i++) {
		if (node->terms.t[i].kind == SPF_REDIRECT)
			return final_all(node->ext[i].child, depth + 1);
	}
	return 0;
}

/* Collects the networks of '+' terms, through '+' includes and redirect;
 * notes '+all' met on the way. */
static void
collect_auth(struct dnscheck_spf *spf, const struct spf_node *node, int depth,
    const struct spf_node **plus_all)
{
	size_t i, k;

	if (node == NULL || !node->usable || depth > SPF_MAX_DEPTH)
		return;
	for (i = 0; i < node->terms.n; i++) {
		const struct dnscheck_spf_term *t = &node->terms.t[i];
		const struct spf_ext *ext = &node->ext[i];

		if (t->kind == SPF_ALL && t->qualifier == '+' &&
		    *plus_all == NULL)
			*plus_all = node;
		if (t->qualifier != '+')
			continue;
		if (t->kind == SPF_INCLUDE || t->kind == SPF_REDIRECT) {
			collect_auth(spf, ext->child, depth + 1, plus_all);
			continue;
		}
		for (k = ext->net0; k < ext->net0 + ext->nnet; k++) {
			spf->auth = xrealloc(
			    spf->auth, (spf->nauth + 1) * sizeof(*spf->auth));
			spf->auth[spf->nauth++] = spf->nets[k];
		}
	}
}

int
dnscheck_spf(struct resolver *r, const char *domain, struct dnscheck_list *out,
    struct dnscheck_spf **spf_out, struct err *err)
{
	char dom[ORGDOMAIN_MAX], fix[400];
	struct spf_eval ev;
	const struct spf_node *plus_all = NULL;
	struct dnscheck_spf *spf;
	size_t before = out->n, i;
	int rc, syntax = 0;
	char all;

	if (spf_out != NULL)
		*spf_out = NULL;
	if ((rc = domain_arg(domain, dom, err)) < 0)
		return rc;
	spf = xcalloc(1, sizeof(*spf));
	memset(&ev, 0, sizeof(ev));
	ev.r = r;
	ev.out = out;
	ev.err = err;
	ev.spf = spf;
	spf->root = spf_fetch(&ev, dom, NULL);
	if (ev.failed) {
		dnscheck_spf_free(spf);
		return err->code < 0 ? err->code : ERR_IO;
	}
	if (!spf->root->usable) {
		dnscheck_spf_free(spf);
		return 0;
	}
	for (i = before; i < out->n; i++)
		syntax |= strcmp(out->v[i].id, "spf.syntax") == 0;
	if (!syntax)
		dnscheck_add(out, "spf.syntax", DNSCHECK_PASS, dom, NULL,
		    "the record%s well formed",
		    spf->nodes->next_alloc != NULL ? "s it includes are"
		                                   : " is");
	if (ev.lookups > SPF_LOOKUP_LIMIT)
		dnscheck_add(out, "spf.lookups", DNSCHECK_FAIL, dom,
		    "flatten the record: fewer includes, ip4/ip6 instead of a"
		    " and mx, drop ptr",
		    "%d DNS-querying terms (include, a, mx, ptr, exists,"
		    " redirect), more than %d: receivers return permerror",
		    ev.lookups, SPF_LOOKUP_LIMIT);
	else
		dnscheck_add(out, "spf.lookups", DNSCHECK_PASS, dom, NULL,
		    "%d of %d DNS-querying terms", ev.lookups,
		    SPF_LOOKUP_LIMIT);
	if (ev.voids <= SPF_VOID_LIMIT)
		dnscheck_add(out, "spf.void", DNSCHECK_PASS, dom, NULL,
		    "%d of %d lookups found nothing", ev.voids, SPF_VOID_LIMIT);

	collect_auth(spf, spf->root, 0, &plus_all);
	all = final_all(spf->root, 0);
	if (all == '+') {
		dnscheck_add(out, "spf.all", DNSCHECK_FAIL, dom,
		    "end the record with -all or ~all",
		    "+all: every address in the world may send as %s", dom);
	} else if (plus_all != NULL) {
		snprintf(fix, sizeof(fix), "remove the include of %s",
		    plus_all->domain);
		dnscheck_add(out, "spf.all", DNSCHECK_FAIL, dom, fix,
		    "the included record of %s ends in +all: every address"
		    " passes",
		    plus_all->domain);
	} else if (all == '?') {
		dnscheck_add(out, "spf.all", DNSCHECK_WARN, dom,
		    "end the record with -all or ~all",
		    "?all: mail from other addresses is neutral, as if there"
		    " were no SPF");
	} else if (all == 0) {
		dnscheck_add(out, "spf.all", DNSCHECK_WARN, dom,
		    "end the record with -all or ~all",
		    "no all: mail from other addresses is neutral");
	} else {
		dnscheck_add(out, "spf.all", DNSCHECK_PASS, dom, NULL,
		    "%call: other addresses %s", all,
		    all == '-' ? "fail" : "soft-fail");
	}
	if (spf_out != NULL)
		*spf_out = spf;
	else
		dnscheck_spf_free(spf);
	return 0;
}

/* ------------------------------------------------------------------------
 * SPF: matching an address. */

static int
net_match(const struct dnscheck_net *n, int family, const unsigned char *a)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (n->family != family)
		return 0;
	if (memcmp(n->addr, a, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((n->addr[full] ^ a[full]) & (0xff00u >> rest)) == 0;
}

static char
eval_node(const struct dnscheck_spf *spf, const struct spf_node *node,
    int family, const unsigned char *a, int depth, int *unc)
{
	size_t i, k;
	char r;

	if (node == NULL || !node->usable || depth > SPF_MAX_DEPTH) {
		*unc = 1;
		return 0;
	}
	for (i = 0; i < node->terms.n; i++) {
		const struct dnscheck_spf_term *t = &node->terms.t[i];
		const struct spf_ext *ext = &node->ext[i];

		switch (t->kind) {
		case SPF_ALL:
			return t->qualifier;
		case SPF_IP4:
		case SPF_IP6:
		case SPF_A:
		case SPF_MX:
			for (k = ext->net0; k < ext->net0 + ext->nnet; k++) {
				if (net_match(&spf->nets[k], family, a))
					return t->qualifier;
			}
			if (ext->unknown)
				*unc = 1;
			break;
		case SPF_INCLUDE:
			r = eval_node(
			    spf, ext->child, family, a, depth + 1, unc);
			if (r == '+')
				return t->qualifier;
			break;
		case SPF_PTR:
		case SPF_EXISTS:
			*unc = 1;
			break;
		case SPF_REDIRECT:
		case SPF_EXP:
		case SPF_UNKNOWN_MOD:
			break;
		}
	}
	for (i = 0; i < node->terms.n; i++) {
		if (node->terms.t[i].kind == SPF_REDIRECT) {
			if (node->ext[i].child == NULL)
				break;
			r = eval_node(
			    spf, node->ext[i].child, family, a, depth + 1, unc);
			return r != 0 ? r : '?';
		}
	}
	return '?';
}

int
dnscheck_spf_covers(
    const struct dnscheck_spf *spf, const char *ip, int *uncertain)
{
	char canon[IP_TEXT_MAX];
	unsigned char a[16];
	int family, unc = 0;
	char r;

	if (uncertain != NULL)
		*uncertain = 0;
	if (spf == NULL || ip == NULL || ip_normalize(ip, canon) < 0)
		return 'e';
	family = strchr(canon, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, canon, a) != 1)
		return 'e';
	r = eval_node(spf, spf->root, family, a, 0, &unc);
	if (uncertain != NULL)
		*uncertain = unc;
	return r != 0 ? r : '?';
}

/* ------------------------------------------------------------------------
 * DKIM: base64, a minimal DER reader, the key record. */

static int
b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes base64 (blanks ignored, '=' padding at the end only) into out;
 * returns the byte count, or -1. */
static int
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, pad = 0, chars = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (is_fws(c))
			continue;
		if (c == '=') {
			pad++;
			chars++;
			continue;
		}
		if (pad > 0 || (v = b64_val(c)) < 0)
			return -1;
		chars++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (pad > 2 || chars % 4 != 0)
		return -1;
	return (int)o;
}

/* Reads a DER header at *pos within [0, end): tag and content length. */
static int
der_next(const unsigned char *b, size_t end, size_t *pos, unsigned *tag,
    size_t *clen)
{
	size_t p = *pos, l;
	unsigned n;

	if (p + 2 > end)
		return -1;
	*tag = b[p++];
	l = b[p++];
	if (l & 0x80) {
		n = (unsigned)(l & 0x7f);
		if (n == 0 || n > 3 || p + n > end)
			return -1;
		for (l = 0; n > 0; n--)
			l = (l << 8) | b[p++];
	}
	if (l > end - p)
		return -1;
	*pos = p;
	*clen = l;
	return 0;
}

/* Bits of the INTEGER at *pos (the RSA modulus); -1 if not one. */
static int
der_int_bits(const unsigned char *b, size_t end, size_t *pos)
{
	unsigned tag, top;
	size_t len, p;
	int bits;

	if (der_next(b, end, pos, &tag, &len) < 0 || tag != 0x02 || len == 0)
		return -1;
	p = *pos;
	*pos += len;
	while (len > 0 && b[p] == 0) {
		p++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (int)(len - 1) * 8;
	for (top = b[p]; top != 0; top >>= 1)
		bits++;
	return bits;
}

/*
 * The modulus size of an RSA public key: SubjectPublicKeyInfo (what
 * `openssl rsa -pubout` writes and receivers accept) or a bare
 * RSAPublicKey (RFC 6376's wording).  Returns bits, or -1 with why set.
 */
static int
rsa_bits(const unsigned char *b, size_t len, const char **why)
{
	static const unsigned char rsa_oid[] = {
	    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	size_t pos = 0, clen, end, alg_end;
	unsigned tag;

	*why = "p= is not a DER public key";
	if (der_next(b, len, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	end = pos + clen;
	if (pos < end && b[pos] == 0x02) /* RSAPublicKey */
		return der_int_bits(b, end, &pos);
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	alg_end = pos + clen;
	if (der_next(b, alg_end, &pos, &tag, &clen) < 0 || tag != 0x06)
		return -1;
	if (clen != sizeof(rsa_oid) || memcmp(b + pos, rsa_oid, clen) != 0) {
		*why = "p= holds a key of another algorithm than RSA";
		return -1;
	}
	pos = alg_end;
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x03 ||
	    clen < 1 || b[pos] != 0)
		return -1;
	pos++;
	end = pos + clen - 1;
	if (der_next(b, end, &pos, &tag, &clen) < 0 || tag != 0x30)
		return -1;
	return der_int_bits(b, pos + clen, &pos);
}

int
dnscheck_parse_dkim(const char *text, size_t len, const char *subject,
    struct dnscheck_list *out)
{
	struct tag tags[MAX_TAGS];
	unsigned char key[KEY_MAX];
	char why[160], shown[64];
	const struct tag *k, *p, *h, *s, *t, *v;
	const char *kwhy;
	int n, i, j, bits, klen;

	if (!record_bytes_ok(text, len, "dkim.syntax", subject, out))
		return -1;
	n = tag_list(text, len, tags, why, sizeof(why));
	if (n < 0) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "write tags as name=value separated by ';'",
		    "the key record is not a valid tag list: %s", why);
		return -1;
	}
	for (i = 1; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(tags[i].name, tags[j].name) == 0) {
				dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL,
				    subject, "keep one of each tag",
				    "tag %s= appears more than once: verifiers"
				    " ignore the key",
				    tags[i].name);
				return -1;
			}
		}
	}
	v = tag_get(tags, n, "v");
	if (v != NULL &&
	    (v != &tags[0] || v->vlen != 5 ||
	        strncmp(v->val, "DKIM1", 5) != 0)) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "start the record with v=DKIM1; or leave v= out",
		    "v= must come first and be exactly DKIM1");
		return -1;
	}
	p = tag_get(tags, n, "p");
	if (p == NULL) {
		dnscheck_add(out, "dkim.syntax", DNSCHECK_FAIL, subject,
		    "publish the public key in p=",
		    "no p= tag: this is not a key record");
		return -1;
	}
	h = tag_get(tags, n, "h");
	if (h != NULL) {
		printable_n(h->val, h->vlen, shown, sizeof(shown));
		if (strstr(shown, "sha256") == NULL) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "drop h=, or write h=sha256",
			    "h=%s does not allow sha256; sha1 must not be"
			    " used (RFC 8301)",
			    shown);
			return -1;
		}
	}
	s = tag_get(tags, n, "s");
	if (s != NULL) {
		printable_n(s->val, s->vlen, shown, sizeof(shown));
		if (strchr(shown, '*') == NULL &&
		    strstr(shown, "email") == NULL) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "drop s=, or write s=email",
			    "s=%s: the key is not for email", shown);
			return -1;
		}
	}
	dnscheck_add(out, "dkim.syntax", DNSCHECK_PASS, subject, NULL,
	    "the key record is well formed");
	t = tag_get(tags, n, "t");
	if (t != NULL) {
		printable_n(t->val, t->vlen, shown, sizeof(shown));
		for (i = 0; shown[i] != '\0'; i++) {
			if ((shown[i] == 'y' || shown[i] == 'Y') &&
			    (i == 0 || shown[i - 1] == ':' ||
			        is_fws((unsigned char)shown[i - 1])) &&
			    (shown[i + 1] == '\0' || shown[i + 1] == ':' ||
			        is_fws((unsigned char)shown[i + 1])))
				break;
		}
		if (shown[i] != '\0')
			dnscheck_add(out, "dkim.testing", DNSCHECK_WARN,
			    subject, "remove t=y once signing works",
			    "t=y: the domain is testing DKIM, and verifiers"
			    " may treat its signatures as absent");
	}
	if (p->vlen == 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the current key, or stop signing with this"
		    " selector",
		    "the key is revoked (empty p=): signatures with this"
		    " selector fail");
		return 0;
	}
	klen = b64_decode(p->val, p->vlen, key, sizeof(key));
	if (klen <= 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the key as base64 without quotes or breaks",
		    "p= is not base64 (or longer than %d bytes)", KEY_MAX);
		return -1;
	}
	k = tag_get(tags, n, "k");
	if (k != NULL && val_is(k, "ed25519")) {
		if (klen != 32) {
			dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
			    "publish the bare 32-byte key in base64 (RFC 8463)",
			    "an ed25519 p= must hold 32 bytes, not %d", klen);
			return -1;
		}
		dnscheck_add(out, "dkim.key", DNSCHECK_PASS, subject, NULL,
		    "ed25519 key");
		return 0;
	}
	if (k != NULL && !val_is(k, "rsa")) {
		printable_n(k->val, k->vlen, shown, sizeof(shown));
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "use k=rsa or k=ed25519",
		    "k=%s is not a key type verifiers know", shown);
		return -1;
	}
	bits = rsa_bits(key, (size_t)klen, &kwhy);
	if (bits < 0) {
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "publish the output of openssl rsa -pubout, base64", "%s",
		    kwhy);
		return -1;
	}
	if (bits < 1024)
		dnscheck_add(out, "dkim.key", DNSCHECK_FAIL, subject,
		    "make a 2048-bit key and publish it under a new selector",
		    "RSA key of %d bits: verifiers refuse keys under 1024"
		    " bits (RFC 8301)",
		    bits);
	else if (bits < 2048)
		dnscheck_add(out, "dkim.key", DNSCHECK_WARN, subject,
		    "make a 2048-bit key and publish it under a new selector",
		    "RSA key of %d bits: 2048 is recommended", bits);
	else
		dnscheck_add(out, "dkim.key", DNSCHECK_PASS, subject, NULL,
		    "RSA key of %d bits", bits);
	return 0;
}

/* 1 when the TXT record looks like a DKIM key record. */
static int
looks_like_key(const struct resolve_record *rr)
{
	struct tag tags[MAX_TAGS];
	char why[16];
	int n;

	if (rr->len > RECORD_MAX || memchr(rr->text, '\0', rr->len))
		return 1; /* judged, and refused, by the parser */
	n = tag_list(rr->text, rr->len, tags, why, sizeof(why));
	return n < 0 || tag_get(tags, n, "p") != NULL ||
	    tag_get(tags, n, "v") != NULL || tag_get(tags, n, "k") != NULL;
}

int
dnscheck_dkim(struct resolver *r, const char *domain,
    const char *const *selectors, size_t nsel, struct dnscheck_list *out,
    struct err *err)
{
	char dom[ORGDOMAIN_MAX], name[600], fix[700];
	struct resolve_result *res;
	size_t i, k;
	int rc;

	if ((rc = domain_arg(domain, dom, err)) < 0)
		return rc;
	if (nsel == 0)
		return 0;
	res = xcalloc(nsel, sizeof(*res));
	for (i = 0; i < nsel; i++) {
		snprintf(name, sizeof(name), "%s._domainkey.%s",
		    selectors[i] != NULL ? selectors[i] : "", dom);
		resolve_into(r, RESOLVE_TXT, name, &res[i]);
	}
	if ((rc = resolve_wait(r, err)) < 0)
		goto done;
	for (i = 0; i < nsel; i++) {
		const struct resolve_record *key = NULL;
		size_t nkeys = 0;

		snprintf(name, sizeof(name), "%s._domainkey.%s",
		    selectors[i] != NULL ? selectors[i] : "", dom);
		if (res[i].status == RESOLVE_BADNAME) {
			dnscheck_add(out, "dkim.record", DNSCHECK_FAIL, name,
			    "selectors are DNS labels: letters, digits, '-'",
			    "'%s' is not a usable selector",
			    selectors[i] != NULL ? selectors[i] : "");
			continue;
		}
		if (dns_trouble(out, "dkim.record", &res[i], name))
			continue;
		for (k = 0; k < res[i].n; k++) {
			if (looks_like_key(&res[i].rr[k]) && nkeys++ == 0)
				key = &res[i].rr[k];
		}
		if (nkeys == 0) {
			snprintf(fix, sizeof(fix),
			    "publish TXT %s \"v=DKIM1; k=rsa; p=<base64 public"
			    " key>\" (your mail system shows it)",
			    name);
			dnscheck_add(out, "dkim.record", DNSCHECK_FAIL, name,
			    fix, "no DKIM key for selector %s%s", selectors[i],
			    res[i].status == RESOLVE_OK
			        ? " (TXT records, none a key)"
			        : "");
			continue;
		}
		if (nkeys > 1)
			dnscheck_add(out, "dkim.record", DNSCHECK_WARN, name,
			    "keep one key record per selector",
			    "%zu key records: verifiers may use any of them;"
			    " the first is checked",
			    nkeys);
		else
			dnscheck_add(out, "dkim.record", DNSCHECK_PASS, name,
			    NULL, "one key record");
		dnscheck_parse_dkim(key->text, key->len, name, out);
	}
done:
	for (i = 0; i < nsel; i++)
		resolve_result_clear(&res[i]);
	free(res);
	return rc;
}

/* ------------------------------------------------------------------------
 * MX. */

int
dnscheck_mx(struct resolver *r, const char *domain, struct dnscheck_list *out,
    struct err *err)
{
	char dom[ORGDOMAIN_MAX], fix[400];
	struct resolve_result mx, a[MX_MAX_HOSTS], aaaa[MX_MAX_HOSTS];
	size_t i, nh = 0;
	int rc;

	if ((rc = domain_arg(domain, dom, err)) < 0)
		return rc;
	if ((rc = resolve_one(r, RESOLVE_MX, dom, &mx, err)) < 0)
		goto done;
	if (dns_trouble(out, "mx.record", &mx, dom))
		goto done;
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
	for (i = 0; i < mx.n && nh < MX_MAX_HOSTS; i++) {
		if (!mx.rr[i].hostname) {
			dnscheck_add(out, "mx.host", DNSCHECK_FAIL,
			    mx.rr[i].text, "name a host in the MX record",
			    "MX %s is not a host name", mx.rr[i].text);
			continue;
		}
		resolve_into(r, RESOLVE_A, mx.rr[i].text, &a[nh]);
		resolve_into(r, RESOLVE_AAAA, mx.rr[i].text, &aaaa[nh]);
		nh++;
	}
	rc = resolve_wait(r, err);
	for (i = 0; i < nh; i++) {
		const char *host = a[i].name;

		if (rc == 0) {
			if (a[i].status == RESOLVE_OK ||
			    aaaa[i].status == RESOLVE_OK) {
				dnscheck_add(out, "mx.host", DNSCHECK_PASS,
				    host, NULL, "%s has an address", host);
			} else if (!dns_trouble(out, "mx.host", &a[i], host) &&
			    !dns_trouble(out, "mx.host", &aaaa[i], host)) {
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

/* ------------------------------------------------------------------------
 * PTR. */

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
			printable_n(ips[i] ? ips[i] : "",
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
			    trouble_name(f[i].status));
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
			    f[i].name, ip, trouble_name(f[i].fwd_status));
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
