/*
 * fuzz_spf: SPF records (analyze/dnscheck_spf.c): the parser on any text,
 * then the evaluator over a zone the input writes, with no DNS: answers
 * come from a table through struct dnscheck_spf_dns (dnscheck_int.h), as
 * in tests/unit/test_dnscheck_spf.c.
 *
 * The input is lines.  The first is the TXT record of fuzz.example, the
 * domain checked; each other line is "NAME TYPE DATA" with TYPE one of
 * TXT, A, AAAA, MX, or "NAME !" for a name whose server fails
 * (SERVFAIL).  A name the table lacks is NXDOMAIN; one it has with other
 * types only is NODATA.
 *
 * Promises checked (dnscheck.h): the parser returns -1 exactly when it
 * adds a failing spf.syntax finding, with no terms; terms have a
 * qualifier, a kind, prefixes within range; every finding has a known id
 * and printable text without a line break; the evaluator asks at most
 * DNSCHECK_SPF_MAX_QUERIES questions, its networks are networks (host
 * bits clear, text as inet_ntop() writes it) and an address matches as
 * '+', '-', '~', '?' (never 'e'), a non-address as 'e'.  Evaluated
 * again, the same findings.
 */
#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "fuzz_check.h"
#include "resolve.h"
#include "text.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DOMAIN "fuzz.example"
/* Lines of the zone read; records per answer. */
#define MAX_LINES 64

struct line {
	const char *name, *type, *data; /* borrowed from the input copy */
	size_t nlen, tlen, dlen;
};

struct zone {
	struct line l[MAX_LINES];
	size_t n;
	int queries;
};

static const char *const ids[] = {"spf.record", "spf.syntax", "spf.lookups",
    "spf.void", "spf.loop", "spf.include", "spf.all", "spf.ptr", "spf.macro",
    NULL};

static int
word_is(const char *s, size_t n, const char *w)
{
	return n == strlen(w) && strncasecmp(s, w, n) == 0;
}

static void
add_record(struct resolve_result *res, const char *text, size_t len,
    enum resolve_type type)
{
	struct resolve_record *rr;

	res->rr = realloc(res->rr, (res->n + 1) * sizeof(*res->rr));
	fuzz_check(res->rr != NULL, "memory");
	rr = &res->rr[res->n++];
	memset(rr, 0, sizeof(*rr));
	rr->text = malloc(len + 1);
	fuzz_check(rr->text != NULL, "memory");
	memcpy(rr->text, text, len);
	rr->text[len] = '\0';
	rr->len = len;
	/* An MX host as the resolver marks a name that may be looked up. */
	rr->hostname = type == RESOLVE_MX && dnscheck_domain_ok(rr->text);
}

static void
answer(struct zone *z, const char *name, enum resolve_type type,
    struct resolve_result *res)
{
	const char *want = resolve_type_name(type);
	int known = 0;

	memset(res, 0, sizeof(*res));
	res->type = type;
	res->name = strdup(name);
	fuzz_check(res->name != NULL, "memory");
	res->status = RESOLVE_NXDOMAIN;
	for (size_t i = 0; i < z->n; i++) {
		const struct line *l = &z->l[i];

		if (word_is(l->name, l->nlen, name) &&
		    word_is(l->type, l->tlen, "!")) {
			res->status = RESOLVE_SERVFAIL;
			return;
		}
	}
	for (size_t i = 0; i < z->n; i++) {
		const struct line *l = &z->l[i];

		if (!word_is(l->name, l->nlen, name))
			continue;
		known = 1;
		if (word_is(l->type, l->tlen, want) &&
		    res->n < RESOLVE_MAX_RECORDS)
			add_record(res, l->data, l->dlen, type);
	}
	if (res->n > 0)
		res->status = RESOLVE_OK;
	else if (known)
		res->status = RESOLVE_NODATA;
}

static int
zone_lookup(void *arg, const char *name, const enum resolve_type *types,
    size_t n, struct resolve_result *res, struct err *err)
{
	struct zone *z = arg;

	(void)err;
	fuzz_check(n == 1 || n == 2, "one type or A and AAAA");
	fuzz_check(name != NULL && strlen(name) < 300, "a name is asked");
	for (size_t i = 0; i < n; i++) {
		z->queries++;
		answer(z, name, types[i], &res[i]);
	}
	return 0;
}

/* Every finding from first on: a known id, printable one-line text. */
static void
check_findings(const struct dnscheck_list *l, size_t first)
{
	for (size_t i = first; i < l->n; i++) {
		const struct dnscheck_finding *f = &l->v[i];
		size_t k;

		for (k = 0; ids[k] != NULL && strcmp(ids[k], f->id) != 0; k++)
			;
		fuzz_check(ids[k] != NULL, "a finding has a known id");
		fuzz_check(f->status == DNSCHECK_PASS ||
		        f->status == DNSCHECK_WARN ||
		        f->status == DNSCHECK_FAIL ||
		        f->status == DNSCHECK_DNSERROR,
		    "a finding has a status");
		fuzz_check(f->subject != NULL && f->text != NULL,
		    "a finding has a subject and a text");
		fuzz_check(text_is_printable(f->subject, strlen(f->subject)) &&
		        text_is_printable(f->text, strlen(f->text)) &&
		        (f->fix == NULL ||
		            text_is_printable(f->fix, strlen(f->fix))),
		    "a finding is printable, on one line");
		fuzz_check(strlen(f->text) <= DNSCHECK_TEXT_MAX,
		    "a text is at most DNSCHECK_TEXT_MAX bytes");
	}
}

static void
check_terms(const struct dnscheck_spf_terms *terms)
{
	fuzz_check(terms->n <= DNSCHECK_SPF_MAX_TERMS, "at most 64 terms");
	for (size_t i = 0; i < terms->n; i++) {
		const struct dnscheck_spf_term *t = &terms->t[i];

		fuzz_check(t->qualifier == '+' || t->qualifier == '-' ||
		        t->qualifier == '~' || t->qualifier == '?',
		    "a qualifier");
		fuzz_check(
		    t->kind >= SPF_ALL && t->kind <= SPF_UNKNOWN_MOD, "a kind");
		fuzz_check(t->cidr4 >= -1 && t->cidr4 <= 32 && t->cidr6 >= -1 &&
		        t->cidr6 <= 128,
		    "prefixes within range");
		fuzz_check(t->macro == 0 || t->macro == 1, "macro is 0 or 1");
		if (t->domain != NULL)
			fuzz_check(t->domain[0] != '\0' &&
			        text_is_printable(t->domain, strlen(t->domain)),
			    "a domain-spec is printable, not empty");
		if (t->macro)
			fuzz_check(
			    t->domain != NULL && strchr(t->domain, '%') != NULL,
			    "a macro is in the domain-spec");
		else if (t->domain != NULL && t->kind != SPF_UNKNOWN_MOD)
			fuzz_check(dnscheck_domain_ok(t->domain),
			    "a domain-spec without macro is a domain to ask");
	}
}

static void
check_nets(const struct dnscheck_spf *spf)
{
	const struct dnscheck_net *nets;
	size_t n;

	nets = dnscheck_spf_networks(spf, &n);
	for (size_t i = 0; i < n; i++) {
		const struct dnscheck_net *net = &nets[i];
		unsigned char back[16];
		char want[80], a[INET6_ADDRSTRLEN];
		size_t len = net->family == AF_INET ? 4 : 16;

		fuzz_check(net->family == AF_INET || net->family == AF_INET6,
		    "a network's family");
		fuzz_check(net->prefix <= len * 8, "a prefix within range");
		fuzz_check(net->via != NULL, "a network says where from");
		/* The text reads back as the address and prefix, host bits
		 * clear. */
		fuzz_check(
		    inet_ntop(net->family, net->addr, a, sizeof(a)) != NULL,
		    "inet_ntop");
		snprintf(want, sizeof(want), "%s/%u", a, net->prefix);
		fuzz_check(strcmp(want, net->text) == 0,
		    "a network's text is address/prefix");
		memcpy(back, net->addr, len);
		for (size_t k = 0; k < len; k++) {
			unsigned bits = net->prefix > k * 8
			    ? net->prefix - (unsigned)k * 8
			    : 0;

			if (bits < 8)
				fuzz_check((back[k] & (0xffu >> bits)) == 0,
				    "host bits are clear");
		}
		/* Its own address: a result, never 'e'. */
		fuzz_check(dnscheck_spf_covers(spf, a, NULL) != 'e',
		    "an address in a network has a result");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = {
	    "192.0.2.1", "198.51.100.25", "2001:db8::1", "10.0.0.1"};
	struct dnscheck_spf_dns dns;
	struct dnscheck_list out = {0}, again = {0};
	struct dnscheck_spf_terms terms;
	struct dnscheck_spf *spf = NULL;
	struct zone z;
	struct err err;
	char *copy, *p, *end, *rec;
	size_t reclen;
	int rc, unc;

	copy = malloc(size + 1);
	fuzz_check(copy != NULL, "memory");
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	p = memchr(copy, '\n', size);
	reclen = p != NULL ? (size_t)(p - copy) : size;
	/* The record in a buffer of its exact size, so ASan sees a read
	 * past it. */
	rec = malloc(reclen ? reclen : 1);
	fuzz_check(rec != NULL, "memory");
	memcpy(rec, copy, reclen);

	/* The parser alone. */
	rc = dnscheck_parse_spf(rec, reclen, DOMAIN, &terms, &out);
	fuzz_check(rc == 0 || rc == -1, "0 or -1");
	check_findings(&out, 0);
	if (rc < 0) {
		fuzz_check(terms.n == 0, "a record refused has no terms");
		fuzz_check(out.n > 0 &&
		        out.v[out.n - 1].status == DNSCHECK_FAIL &&
		        strcmp(out.v[out.n - 1].id, "spf.syntax") == 0,
		    "-1 comes with a failing spf.syntax");
	} else {
		for (size_t i = 0; i < out.n; i++)
			fuzz_check(out.v[i].status != DNSCHECK_FAIL,
			    "0 comes without a failure");
		check_terms(&terms);
	}
	dnscheck_spf_terms_clear(&terms);
	dnscheck_list_free(&out);

	/* The zone: the record first, then NAME TYPE DATA lines. */
	memset(&z, 0, sizeof(z));
	z.l[0] = (struct line){DOMAIN, "TXT", rec, strlen(DOMAIN), 3, reclen};
	z.n = 1;
	while (p != NULL && p < end && z.n < MAX_LINES) {
		struct line *l = &z.l[z.n];
		char *s = p + 1, *nl = memchr(s, '\n', (size_t)(end - s));
		char *e = nl != NULL ? nl : end, *sp;

		p = nl;
		l->name = s;
		if ((sp = memchr(s, ' ', (size_t)(e - s))) == NULL)
			continue;
		l->nlen = (size_t)(sp - s);
		l->type = sp + 1;
		sp = memchr(l->type, ' ', (size_t)(e - l->type));
		l->tlen = (size_t)((sp != NULL ? sp : e) - l->type);
		l->data = sp != NULL ? sp + 1 : e;
		l->dlen = (size_t)(e - l->data);
		z.n++;
	}
	dns.lookup = zone_lookup;
	dns.arg = &z;
	memset(&err, 0, sizeof(err));
	rc = dnscheck_spf_eval(&dns, DOMAIN, &out, &spf, &err);
	fuzz_check(rc == 0, "a table answers: 0");
	fuzz_check(z.queries <= DNSCHECK_SPF_MAX_QUERIES,
	    "at most DNSCHECK_SPF_MAX_QUERIES questions");
	check_findings(&out, 0);
	fuzz_check(out.n > 0, "the record is judged");
	if (spf != NULL) {
		check_nets(spf);
		for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
			int r = dnscheck_spf_covers(spf, ips[i], &unc);

			fuzz_check(r == '+' || r == '-' || r == '~' || r == '?',
			    "an address has a result");
			fuzz_check(unc == 0 || unc == 1, "uncertain is 0 or 1");
		}
		fuzz_check(dnscheck_spf_covers(spf, "no.address", &unc) == 'e',
		    "a non-address is 'e'");
	}
	dnscheck_spf_free(spf);

	/* Again: the same findings. */
	z.queries = 0;
	fuzz_check(dnscheck_spf_eval(&dns, DOMAIN, &again, NULL, &err) == 0 &&
	        again.n == out.n,
	    "evaluated again, the same findings");
	for (size_t i = 0; i < out.n; i++)
		fuzz_check(strcmp(out.v[i].id, again.v[i].id) == 0 &&
		        out.v[i].status == again.v[i].status &&
		        strcmp(out.v[i].text, again.v[i].text) == 0,
		    "evaluated again, the same findings");
	dnscheck_list_free(&out);
	dnscheck_list_free(&again);
	free(rec);
	free(copy);
	return 0;
}
