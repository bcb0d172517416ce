/*
 * dnscheck_spf: SPF records (RFC 7208).  Read in this order: the parser;
 * the evaluation, which follows includes and redirect and counts lookups;
 * matching an address against what the evaluation found.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "ipaddr.h"
#include "orgdomain.h"
#include "resolve.h"
#include "text.h"
#include "xalloc.h"

/* The SPF lookup and void lookup limits (RFC 7208 section 4.6.4). */
#define SPF_LOOKUP_LIMIT 10
#define SPF_VOID_LIMIT 2
/* Include and redirect nesting followed. */
#define SPF_MAX_DEPTH 12

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
	if (!dnscheck_domain_ok(buf) || strchr(buf, '.') == NULL ||
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
	if (!dnscheck_record_bytes_ok(text, len, "spf.syntax", subject, out))
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
		text_printable_n(text + s, pos - s, shown, sizeof(shown));
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
 * form a tree of nodes; a/mx terms are expanded to networks.  Every
 * answer comes through ev->dns (struct dnscheck_spf_dns): nothing here
 * sends a query. */

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
	const struct dnscheck_spf_dns *dns;
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
	if (ev->dns->lookup(ev->dns->arg, name, &type, 1, res, ev->err) < 0) {
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
	static const enum resolve_type both[2] = {RESOLVE_A, RESOLVE_AAAA};
	struct resolve_result res[2], *a = &res[0], *aaaa = &res[1];
	unsigned char bin[16];
	size_t i;
	int found = 0, trouble = 0;

	if (!spf_budget(ev, 2, name))
		return -1;
	if (ev->dns->lookup(ev->dns->arg, name, both, 2, res, ev->err) < 0) {
		ev->failed = 1;
		resolve_result_clear(a);
		resolve_result_clear(aaaa);
		return -1;
	}
	for (i = 0; i < a->n; i++) {
		if (inet_pton(AF_INET, a->rr[i].text, bin) == 1) {
			add_net(ev->spf, AF_INET, bin, c4, node->domain);
			found++;
		}
	}
	for (i = 0; i < aaaa->n; i++) {
		if (inet_pton(AF_INET6, aaaa->rr[i].text, bin) == 1) {
			add_net(ev->spf, AF_INET6, bin, c6, node->domain);
			found++;
		}
	}
	ext->nnet += (size_t)found;
	if (dnscheck_dns_trouble(ev->out, "spf.record", a, name) ||
	    dnscheck_dns_trouble(ev->out, "spf.record", aaaa, name))
		trouble = 1;
	*voided = !trouble && is_void(a) && is_void(aaaa);
	resolve_result_clear(a);
	resolve_result_clear(aaaa);
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

/* An include or redirect to target: follows it unless that closes a loop
 * or goes too deep. */
static void
follow(struct spf_eval *ev, struct spf_node *node,
    const struct dnscheck_spf_term *t, struct spf_ext *ext, const char *target)
{
	const char *what = t->kind == SPF_INCLUDE ? "include" : "redirect";
	int k;

	for (k = 0; k < ev->depth; k++) {
		if (strcasecmp(ev->path[k], target) == 0)
			break;
	}
	if (k < ev->depth) {
		ev->loops++;
		dnscheck_add(ev->out, "spf.loop", DNSCHECK_FAIL, node->domain,
		    "remove the include or redirect that closes the loop",
		    "%s:%s leads back to %s, which is on its own path:"
		    " receivers return permerror",
		    what, target, ev->path[k]);
		ext->unknown = 1;
		return;
	}
	if (ev->depth >= SPF_MAX_DEPTH) {
		ext->unknown = 1;
		return;
	}
	ext->child = spf_fetch(ev, target, what);
	if (ext->child == NULL || !ext->child->usable)
		ext->unknown = 1;
}

/* An mx term: target's MX hosts, each expanded to its addresses. */
static void
expand_mx(struct spf_eval *ev, struct spf_node *node,
    const struct dnscheck_spf_term *t, struct spf_ext *ext, const char *target)
{
	struct resolve_result res;
	size_t k;
	int voided = 0;

	if (!spf_query(ev, RESOLVE_MX, target, &res)) {
		ext->unknown = 1;
		return;
	}
	if (dnscheck_dns_trouble(ev->out, "spf.record", &res, target)) {
		ext->unknown = 1;
	} else if (is_void(&res)) {
		count_void(ev, target);
	} else if (res.n > DNSCHECK_MX_MAX_HOSTS) {
		dnscheck_add(ev->out, "spf.lookups", DNSCHECK_FAIL, target,
		    "use ip4/ip6 for the mail servers",
		    "mx:%s has %zu MX hosts, more than %d: receivers return"
		    " permerror",
		    target, res.n, DNSCHECK_MX_MAX_HOSTS);
		ext->unknown = 1;
	} else {
		for (k = 0; k < res.n; k++) {
			if (!res.rr[k].hostname)
				continue;
			if (expand_host(ev, node, ext, res.rr[k].text, t->cidr4,
			        t->cidr6, &voided) < 0)
				ext->unknown = 1;
		}
	}
	resolve_result_clear(&res);
}

static void
eval_terms(struct spf_eval *ev, struct spf_node *node)
{
	size_t i;
	int has_all = 0;

	for (i = 0; i < node->terms.n; i++)
		has_all |= node->terms.t[i].kind == SPF_ALL;
	for (i = 0; i < node->terms.n && !ev->failed; i++) {
		struct dnscheck_spf_term *t = &node->terms.t[i];
		struct spf_ext *ext = &node->ext[i];
		const char *target = term_target(node, t);
		int voided = 0;

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
			if (t->macro)
				ext->unknown = 1;
			else
				follow(ev, node, t, ext, target);
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
			if (t->macro)
				ext->unknown = 1;
			else
				expand_mx(ev, node, t, ext, target);
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
	if (dnscheck_dns_trouble(ev->out, id, &res, domain)) {
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
dnscheck_spf_eval(const struct dnscheck_spf_dns *dns, const char *domain,
    struct dnscheck_list *out, struct dnscheck_spf **spf_out, struct err *err)
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
	if ((rc = domain_check(domain, dom, sizeof(dom), err)) < 0)
		return rc;
	spf = xcalloc(1, sizeof(*spf));
	memset(&ev, 0, sizeof(ev));
	ev.dns = dns;
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
