/*
 * Unit tests for analyze/dnscheck_spf.c: the SPF evaluator with its DNS
 * handed in as a table (struct dnscheck_spf_dns), so each case says what
 * the DNS holds and what the evaluation makes of it, with no server: the
 * findings, the networks authorised, the result for an address, and the
 * questions asked.  The same evaluator over a real dnsmasq runs in
 * tests/dns/test_dnscheck.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "resolve.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RR 8

/* One name and type in the table: its records, or a status without
 * records (SERVFAIL, ...).  A name absent from the table is NXDOMAIN; a
 * name present with another type is NODATA. */
struct zone_entry {
	const char *name;
	enum resolve_type type;
	const char *rr[MAX_RR];
	enum resolve_status status; /* RESOLVE_OK unless trouble */
};

struct zone {
	const struct zone_entry *e;
	size_t n;
	int calls, queries;
	int fail_at; /* the call (1-based) whose loop fails; 0 never */
	char asked[64][80]; /* "TYPE name" of each query, in order */
};

static void
answer(const struct zone *z, const char *name, enum resolve_type type,
    struct resolve_result *res)
{
	int known = 0;

	memset(res, 0, sizeof(*res));
	res->type = type;
	res->name = xstrdup(name);
	res->status = RESOLVE_NXDOMAIN;
	for (size_t i = 0; i < z->n; i++) {
		const struct zone_entry *e = &z->e[i];

		if (strcasecmp(e->name, name) != 0)
			continue;
		known = 1;
		if (e->type != type)
			continue;
		res->status = e->status;
		for (size_t k = 0;
		     e->status == RESOLVE_OK && k < MAX_RR && e->rr[k] != NULL;
		     k++) {
			struct resolve_record *rr;

			res->rr =
			    xrealloc(res->rr, (res->n + 1) * sizeof(*res->rr));
			rr = &res->rr[res->n++];
			memset(rr, 0, sizeof(*rr));
			rr->text = xstrdup(e->rr[k]);
			rr->len = strlen(e->rr[k]);
			rr->hostname =
			    type == RESOLVE_MX && e->rr[k][0] != '\0';
		}
		return;
	}
	if (known)
		res->status = RESOLVE_NODATA;
}

static int
zone_lookup(void *arg, const char *name, const enum resolve_type *types,
    size_t n, struct resolve_result *res, struct err *err)
{
	struct zone *z = arg;

	assert_true(n == 1 || n == 2);
	z->calls++;
	for (size_t i = 0; i < n; i++) {
		if (z->queries < (int)NELEM(z->asked))
			snprintf(z->asked[z->queries], sizeof(z->asked[0]),
			    "%s %s", resolve_type_name(types[i]), name);
		z->queries++;
		answer(z, name, types[i], &res[i]);
	}
	if (z->calls == z->fail_at)
		return err_set(err, ERR_IO, "the event loop failed");
	return 0;
}

/* Evaluates domain over the table; the findings go to out. */
static int
eval(struct zone *z, const char *domain, struct dnscheck_list *out,
    struct dnscheck_spf **spf)
{
	const struct dnscheck_spf_dns dns = {zone_lookup, z};
	struct err err;

	memset(&err, 0, sizeof(err));
	return dnscheck_spf_eval(&dns, domain, out, spf, &err);
}

static enum dnscheck_status
status_of(const struct dnscheck_list *l, const char *id)
{
	const struct dnscheck_finding *f = dnscheck_find(l, id);

	if (f == NULL)
		fail_msg("no finding %s", id);
	return f->status;
}

/* A record with ip4, a, an include with ip6, -all: every term evaluated
 * from the answers handed in, A and AAAA asked together. */
static void
test_covers(void **state)
{
	static const struct zone_entry e[] = {
	    {"example.org", RESOLVE_TXT,
	        {"google-site-verification=x",
	            "v=spf1 ip4:192.0.2.0/24 a include:_spf.mail.example"
	            " -all"}},
	    {"example.org", RESOLVE_A, {"198.51.100.7"}},
	    {"_spf.mail.example", RESOLVE_TXT,
	        {"v=spf1 ip6:2001:db8::/32 ~all"}},
	};
	static const struct {
		const char *ip;
		char want;
		int uncertain;
	} cases[] = {
	    {"192.0.2.9", '+', 0},
	    {"198.51.100.7", '+', 0},
	    {"2001:db8::25", '+', 0},
	    {"203.0.113.1", '-', 0},
	    {"2001:db9::1", '-', 0},
	    {"not an address", 'e', 0},
	};
	static const char *const asked[] = {"TXT example.org", "A example.org",
	    "AAAA example.org", "TXT _spf.mail.example"};
	struct zone z = {e, NELEM(e)};
	struct dnscheck_list out = {0};
	struct dnscheck_spf *spf = NULL;
	const struct dnscheck_net *nets;
	size_t n;

	(void)state;
	assert_int_equal(eval(&z, "Example.ORG", &out, &spf), 0);
	assert_non_null(spf);
	assert_int_equal(status_of(&out, "spf.record"), DNSCHECK_PASS);
	assert_int_equal(status_of(&out, "spf.syntax"), DNSCHECK_PASS);
	assert_int_equal(status_of(&out, "spf.lookups"), DNSCHECK_PASS);
	assert_string_equal(dnscheck_find(&out, "spf.lookups")->text,
	    "2 of 10 DNS-querying terms");
	assert_int_equal(status_of(&out, "spf.void"), DNSCHECK_PASS);
	assert_int_equal(status_of(&out, "spf.all"), DNSCHECK_PASS);
	assert_int_equal(dnscheck_worst(&out), DNSCHECK_PASS);

	/* Three calls: TXT, A with AAAA, the include's TXT. */
	assert_int_equal(z.calls, 3);
	assert_int_equal(z.queries, (int)NELEM(asked));
	for (size_t i = 0; i < NELEM(asked); i++)
		assert_string_equal(z.asked[i], asked[i]);

	nets = dnscheck_spf_networks(spf, &n);
	assert_int_equal(n, 3);
	assert_string_equal(nets[0].text, "192.0.2.0/24");
	assert_string_equal(nets[0].via, "example.org");
	assert_string_equal(nets[1].text, "198.51.100.7/32");
	assert_string_equal(nets[2].text, "2001:db8::/32");
	assert_string_equal(nets[2].via, "_spf.mail.example");

	for (size_t i = 0; i < NELEM(cases); i++) {
		int unc = -1;

		assert_int_equal(
		    dnscheck_spf_covers(spf, cases[i].ip, &unc), cases[i].want);
		assert_int_equal(unc, cases[i].uncertain);
	}
	dnscheck_spf_free(spf);
	dnscheck_list_free(&out);
}

/* What each table makes of the record at example.org: the worst status of
 * a finding, and the result for an address with its uncertainty. */
struct eval_case {
	const char *what;
	struct zone_entry e[8];
	const char *id;
	enum dnscheck_status st;
	const char *ip;
	char want; /* 0: the domain has no usable record */
	int uncertain;
};

static const struct eval_case eval_cases[] = {
    {"no record", {{"example.org", RESOLVE_TXT, {"hello"}}}, "spf.record",
        DNSCHECK_FAIL, NULL, 0},
    {"two records",
        {{"example.org", RESOLVE_TXT, {"v=spf1 -all", "v=spf1 ~all"}}},
        "spf.record", DNSCHECK_FAIL, NULL, 0},
    {"servfail at the domain",
        {{"example.org", RESOLVE_TXT, {NULL}, RESOLVE_SERVFAIL}}, "spf.record",
        DNSCHECK_DNSERROR, NULL, 0},
    {"syntax error", {{"example.org", RESOLVE_TXT, {"v=spf1 ipv4:1.2.3.4"}}},
        "spf.syntax", DNSCHECK_FAIL, NULL, 0},
    {"+all", {{"example.org", RESOLVE_TXT, {"v=spf1 +all"}}}, "spf.all",
        DNSCHECK_FAIL, "203.0.113.1", '+'},
    {"?all", {{"example.org", RESOLVE_TXT, {"v=spf1 ip4:192.0.2.1 ?all"}}},
        "spf.all", DNSCHECK_WARN, "203.0.113.1", '?'},
    {"no all", {{"example.org", RESOLVE_TXT, {"v=spf1 ip4:192.0.2.1"}}},
        "spf.all", DNSCHECK_WARN, "192.0.2.1", '+'},
    {"included +all",
        {{"example.org", RESOLVE_TXT, {"v=spf1 include:open.example -all"}},
            {"open.example", RESOLVE_TXT, {"v=spf1 +all"}}},
        "spf.all", DNSCHECK_FAIL, "203.0.113.1", '+'},
    {"redirect",
        {{"example.org", RESOLVE_TXT, {"v=spf1 redirect=_spf.example.org"}},
            {"_spf.example.org", RESOLVE_TXT,
                {"v=spf1 ip4:192.0.2.0/25 ~all"}}},
        "spf.all", DNSCHECK_PASS, "192.0.2.200", '~'},
    {"redirect beside all",
        {{"example.org", RESOLVE_TXT, {"v=spf1 -all redirect=b.example"}},
            {"b.example", RESOLVE_TXT, {"v=spf1 +all"}}},
        "spf.syntax", DNSCHECK_WARN, "192.0.2.1", '-'},
    {"loop",
        {{"example.org", RESOLVE_TXT, {"v=spf1 include:b.example -all"}},
            {"b.example", RESOLVE_TXT, {"v=spf1 include:example.org"}}},
        "spf.loop", DNSCHECK_FAIL, "192.0.2.1", '-', 1},
    {"include without record",
        {{"example.org", RESOLVE_TXT,
            {"v=spf1 include:gone.example ip4:192.0.2.1 -all"}}},
        "spf.include", DNSCHECK_FAIL, "192.0.2.1", '+', 1},
    {"include servfail",
        {{"example.org", RESOLVE_TXT, {"v=spf1 include:bad.example -all"}},
            {"bad.example", RESOLVE_TXT, {NULL}, RESOLVE_SERVFAIL}},
        "spf.include", DNSCHECK_DNSERROR, "192.0.2.1", '-', 1},
    {"three void lookups",
        {{"example.org", RESOLVE_TXT,
            {"v=spf1 a:x.example a:y.example a:z.example -all"}}},
        "spf.void", DNSCHECK_FAIL, "192.0.2.1", '-'},
    {"eleven lookups",
        {{"example.org", RESOLVE_TXT, {"v=spf1 a a a a a a a a a a a -all"}},
            {"example.org", RESOLVE_A, {"192.0.2.1"}}},
        "spf.lookups", DNSCHECK_FAIL, "192.0.2.1", '+'},
    {"mx",
        {{"example.org", RESOLVE_TXT, {"v=spf1 mx/24 -all"}},
            {"example.org", RESOLVE_MX, {"mail.example.org"}},
            {"mail.example.org", RESOLVE_A, {"192.0.2.10"}}},
        "spf.lookups", DNSCHECK_PASS, "192.0.2.99", '+'},
    {"exists", {{"example.org", RESOLVE_TXT, {"v=spf1 exists:x.example -all"}}},
        "spf.lookups", DNSCHECK_PASS, "192.0.2.1", '-', 1},
    {"ptr", {{"example.org", RESOLVE_TXT, {"v=spf1 ptr -all"}}}, "spf.ptr",
        DNSCHECK_WARN, "192.0.2.1", '-', 1},
    {"macro",
        {{"example.org", RESOLVE_TXT, {"v=spf1 include:%{d}.x.example ~all"}}},
        "spf.macro", DNSCHECK_WARN, "192.0.2.1", '~', 1},
};

static void
test_eval_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(eval_cases); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct zone z = {c->e, 0};
		struct dnscheck_list out = {0};
		struct dnscheck_spf *spf = NULL;
		const struct dnscheck_finding *f;
		int unc = -1;

		while (z.n < NELEM(c->e) && c->e[z.n].name != NULL)
			z.n++;
		assert_int_equal(eval(&z, "example.org", &out, &spf), 0);
		f = dnscheck_find(&out, c->id);
		if (f == NULL)
			fail_msg("%s: no finding %s", c->what, c->id);
		if (f->status != c->st)
			fail_msg("%s: %s is %s (%s), want %s", c->what, c->id,
			    dnscheck_status_name(f->status), f->text,
			    dnscheck_status_name(c->st));
		if (c->want == 0) {
			if (spf != NULL)
				fail_msg("%s: a usable record", c->what);
		} else {
			char got;

			if (spf == NULL)
				fail_msg("%s: no usable record", c->what);
			got = (char)dnscheck_spf_covers(spf, c->ip, &unc);
			if (got != c->want || unc != c->uncertain)
				fail_msg("%s: %s gives %c (uncertain %d), want"
				         " %c (%d)",
				    c->what, c->ip, got, unc, c->want,
				    c->uncertain);
		}
		dnscheck_spf_free(spf);
		dnscheck_list_free(&out);
	}
}

/* A record that would need more than DNSCHECK_SPF_MAX_QUERIES questions:
 * the evaluator stops asking at the budget and says so. */
static void
test_budget(void **state)
{
	static struct zone_entry e[2];
	static char rec[600];
	struct zone z = {e, NELEM(e)};
	struct dnscheck_list out = {0};
	const struct dnscheck_finding *f;
	size_t len;

	(void)state;
	len = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(
		    rec + len, sizeof(rec) - len, " a:h%d.example", i);
	e[0] = (struct zone_entry){"example.org", RESOLVE_TXT, {rec}};
	e[1] = (struct zone_entry){"h0.example", RESOLVE_A, {"192.0.2.1"}};
	assert_int_equal(eval(&z, "example.org", &out, NULL), 0);
	assert_true(z.queries <= DNSCHECK_SPF_MAX_QUERIES);
	assert_int_equal(
	    z.queries, 1 + 2 * ((DNSCHECK_SPF_MAX_QUERIES - 1) / 2));
	f = dnscheck_find(&out, "spf.lookups");
	assert_non_null(f);
	assert_int_equal(f->status, DNSCHECK_FAIL);
	assert_non_null(strstr(f->text, "stopped following it"));
	dnscheck_list_free(&out);
}

/* When the lookups cannot be made at all, the evaluation ends with the
 * error the callback set and hands back nothing. */
static void
test_lookup_fails(void **state)
{
	static const struct zone_entry e[] = {
	    {"example.org", RESOLVE_TXT, {"v=spf1 a -all"}},
	};
	struct zone z = {e, NELEM(e)};
	struct dnscheck_list out = {0};
	struct dnscheck_spf *spf = (struct dnscheck_spf *)&z;

	(void)state;
	z.fail_at = 2;
	assert_int_equal(eval(&z, "example.org", &out, &spf), ERR_IO);
	assert_null(spf);
	assert_int_equal(z.calls, 2);
	dnscheck_list_free(&out);

	/* Not a domain name: nothing asked. */
	memset(&z, 0, sizeof(z));
	assert_int_equal(eval(&z, "exa mple.org", &out, NULL), ERR_USAGE);
	assert_int_equal(z.calls, 0);
	dnscheck_list_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_covers),
	    cmocka_unit_test(test_eval_table),
	    cmocka_unit_test(test_budget),
	    cmocka_unit_test(test_lookup_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
