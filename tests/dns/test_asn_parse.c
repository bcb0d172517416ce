/* Tests for the parsers of analyze/asn.c, with no server: origin and AS
 * name records in Team Cymru's format, good and hostile (bad numbers,
 * prefixes that do not hold the address, quotes, NULs, control bytes,
 * invalid UTF-8, overlong records), the choice among several records, and
 * the query names.  Every expectation is worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asn.h"
#include "resolve.h"

#include <stdio.h>
#include <string.h>

/* A record with its length: sizeof - 1 keeps NULs inside. */
#define T(s) s, sizeof(s) - 1

struct origin_case {
	const char *ip;
	const char *txt;
	size_t len;
	int ok;
	uint32_t asn;
	const char *prefix;
	unsigned plen;
	const char *country;
};

static const struct origin_case origin_cases[] = {
    /* Good. */
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US | arin | 2001-01-01"), 1,
        64500, "203.0.113.0/24", 24, "US"},
    {"203.0.113.96", T("64500|203.0.113.0/24|us"), 1, 64500, "203.0.113.0/24",
        24, "US"},
    {"203.0.113.96", T("  64500 | 203.0.113.96/32 |  | arin |  "), 1, 64500,
        "203.0.113.96/32", 32, ""},
    {"203.0.113.200", T("1 | 203.0.113.128/25 | Eu"), 1, 1, "203.0.113.128/25",
        25, "EU"},
    {"203.0.113.96", T("4294967295 | 128.0.0.0/1 | US"), 1, 4294967295u,
        "128.0.0.0/1", 1, "US"},
    /* Several ASes: the first; one space or more between them. */
    {"203.0.113.96", T("64502 64503 | 203.0.113.0/24 | FR"), 1, 64502,
        "203.0.113.0/24", 24, "FR"},
    {"203.0.113.96", T("64502  1 | 203.0.113.0/24 | FR"), 1, 64502,
        "203.0.113.0/24", 24, "FR"},
    /* Fields past the third are not read. */
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US | a | b | c | d | e | f"),
        1, 64500, "203.0.113.0/24", 24, "US"},
    /* IPv6, with the prefix written long: kept canonical. */
    {"2001:db8:6::10", T("64510 | 2001:0db8:0006:0000::/48 | NL | ripencc"), 1,
        64510, "2001:db8:6::/48", 48, "NL"},
    {"2001:db8:6::10", T("64510 | 2001:db8:6::10/128 | NL"), 1, 64510,
        "2001:db8:6::10/128", 128, "NL"},

    /* Too few fields, nothing at all. */
    {"203.0.113.96", T("64500 | 203.0.113.0/24"), 0},
    {"203.0.113.96", T(""), 0},
    {"203.0.113.96", T("||"), 0},
    /* Bad AS numbers. */
    {"203.0.113.96", T("0 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("4294967296 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("99999999999 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("-1 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("+64500 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("064500 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("AS64500 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("64500x | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("1.10 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T(" | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("64500 junk | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("64500 0 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("\"64500\" | 203.0.113.0/24 | US"), 0},
    /* Bad prefixes: elsewhere, host bits, lengths, family, syntax. */
    {"203.0.113.96", T("64500 | 198.51.100.0/24 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.128/25 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.1/24 | US"), 0},
    {"203.0.113.96", T("64500 | 0.0.0.0/0 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.96/33 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/024 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/ | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0 | US"), 0},
    {"203.0.113.96", T("64500 | /24 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24/8 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0 /24 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113/24 | US"), 0},
    {"203.0.113.96", T("64500 | 0313.0.0161.0/24 | US"), 0},
    {"203.0.113.96", T("64500 | 2001:db8::/32 | US"), 0},
    {"2001:db8:6::10", T("64510 | 203.0.113.0/24 | NL"), 0},
    {"2001:db8:6::10", T("64510 | 2001:db8:7::/48 | NL"), 0},
    {"2001:db8:6::10", T("64510 | 2001:db8:6::/129 | NL"), 0},
    {"2001:db8:6::10",
        T("64510 | 2001:db8:6:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0/48 "
          "| NL"),
        0},
    /* Bad countries. */
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | USA"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | U1"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | U"), 0},
    /* Bytes that have no place in a record. */
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US\0"), 0},
    {"203.0.113.96", T("64500\0 | 203.0.113.0/24 | US"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US\t"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US | \x1b[31m"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US | caf\xc3\xa9"), 0},
    {"203.0.113.96", T("64500 | 203.0.113.0/24 | US | \x7f"), 0},
    /* Not an address. */
    {"nonsense", T("64500 | 203.0.113.0/24 | US"), 0},
};

static void
test_origin(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(origin_cases) / sizeof(origin_cases[0]); i++) {
		const struct origin_case *c = &origin_cases[i];
		struct asn_origin o;
		int rc;

		memset(&o, 0xa5, sizeof(o));
		rc = asn_parse_origin(c->ip, c->txt, c->len, &o);
		if (!c->ok) {
			if (rc != -1 || o.asn != 0 || o.prefix[0] != '\0')
				fail_msg("case %zu '%s': accepted", i, c->txt);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu '%s': refused", i, c->txt);
		if (o.asn != c->asn || strcmp(o.prefix, c->prefix) != 0 ||
		    o.plen != c->plen || strcmp(o.country, c->country) != 0)
			fail_msg("case %zu '%s': %u %s /%u '%s'", i, c->txt,
			    (unsigned)o.asn, o.prefix, o.plen, o.country);
	}
}

/* The limit on length: ASN_TXT_MAX bytes pass, one more does not. */
static void
test_origin_length(void **state)
{
	char txt[ASN_TXT_MAX + 2];
	struct asn_origin o;
	size_t head;

	(void)state;
	head = (size_t)snprintf(
	    txt, sizeof(txt), "64500 | 203.0.113.0/24 | US | arin | ");
	memset(txt + head, 'x', sizeof(txt) - head - 1);
	txt[sizeof(txt) - 1] = '\0';
	assert_int_equal(
	    asn_parse_origin("203.0.113.96", txt, ASN_TXT_MAX, &o), 0);
	assert_int_equal(o.asn, 64500);
	assert_int_equal(
	    asn_parse_origin("203.0.113.96", txt, ASN_TXT_MAX + 1, &o), -1);
	assert_int_equal(asn_parse_origin("203.0.113.96", NULL, 0, &o), -1);
}

struct name_case {
	uint32_t asn;
	const char *txt;
	size_t len;
	int ok;
	const char *country;
	const char *name;
	const char *handle;
};

static const struct name_case name_cases[] = {
    {64500,
        T("64500 | US | arin | 2001-01-01 | EXAMPLE-NET - Example Networks, "
          "US"),
        1, "US", "EXAMPLE-NET - Example Networks, US", "EXAMPLE-NET"},
    /* No " - ": the name without its country. */
    {64502, T("64502 | FR | ripencc | 2001-01-01 | OVH, FR"), 1, "FR",
        "OVH, FR", "OVH"},
    {64502, T("64502 | fr | ripencc | | Example Networks"), 1, "FR",
        "Example Networks", "Example Networks"},
    {64502, T("64502 | | | | X, US"), 1, "", "X, US", "X"},
    {64502, T("64502 | | | | , US"), 1, "", ", US", ", US"},
    /* A '|' in the name stays. */
    {64500, T("64500 | US | arin | 2001 | A|B - C, US"), 1, "US", "A|B - C, US",
        "A|B"},
    /* No name, or an empty one. */
    {64500, T("64500 | US | arin | 2001-01-01"), 1, "US", "", ""},
    {64500, T("64500 | US | arin | 2001-01-01 |   "), 1, "US", "", ""},
    {64500, T("64500 | US"), 1, "US", "", ""},
    /* UTF-8 is fine. */
    {64506,
        T("64506 | FR | ripencc | | T\xc3\xa9l\xc3\xa9 - T\xc3\xa9l\xc3\xa9"
          "com, FR"),
        1, "FR",
        "T\xc3\xa9l\xc3\xa9 - T\xc3\xa9l\xc3\xa9"
        "com, FR",
        "T\xc3\xa9l\xc3\xa9"},

    /* Another AS, or none. */
    {64501, T("64500 | US | arin | 2001-01-01 | EXAMPLE-NET - Example, US"), 0},
    {64500, T("064500 | US | arin | | EXAMPLE-NET"), 0},
    {64500, T("AS64500 | US | arin | | EXAMPLE-NET"), 0},
    {64500, T("64500"), 0},
    {64500, T(""), 0},
    {64500, T("64500 | USA | arin | | EXAMPLE-NET"), 0},
    /* Control bytes, invalid UTF-8, C1 controls, bidi overrides. */
    {64505, T("64505 | US | arin | | EVIL\x1b[31m RED"), 0},
    {64505, T("64505 | US | arin | | EVIL\0"), 0},
    {64505, T("64505 | US | arin | | EVIL\n"), 0},
    {64505, T("64505 | US | arin | | EVIL\x7f"), 0},
    {64505, T("64505 | US | arin | | EVIL\xff"), 0},
    {64505, T("64505 | US | arin | | EVIL\xc3"), 0},
    {64505, T("64505 | US | arin | | EVIL\xc0\xaf"), 0},
    {64505, T("64505 | US | arin | | EVIL\xc2\x9b"), 0},
    {64505, T("64505 | US | arin | | EVIL\xe2\x80\xae"), 0},
    {64505, T("64505 | US | arin | | EVIL\xe2\x81\xa6"), 0},
};

static void
test_name(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];
		struct asn_name n;
		int rc;

		memset(&n, 0xa5, sizeof(n));
		rc = asn_parse_name(c->asn, c->txt, c->len, &n);
		if (!c->ok) {
			if (rc != -1 || n.name[0] != '\0' ||
			    n.handle[0] != '\0')
				fail_msg("case %zu '%s': accepted", i, c->txt);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu '%s': refused", i, c->txt);
		if (strcmp(n.country, c->country) != 0 ||
		    strcmp(n.name, c->name) != 0 ||
		    strcmp(n.handle, c->handle) != 0)
			fail_msg("case %zu: '%s' '%s' '%s'", i, n.country,
			    n.name, n.handle);
	}
}

/* Long short names are cut to ASN_HANDLE_MAX - 1 bytes, never inside a
 * character. */
static void
test_handle_cut(void **state)
{
	char txt[256], want[ASN_HANDLE_MAX];
	struct asn_name n;
	int len;

	(void)state;
	memset(want, 'A', sizeof(want));
	want[ASN_HANDLE_MAX - 1] = '\0';
	len = snprintf(txt, sizeof(txt), "64500 | US | | | %s%s - x, US", want,
	    "AAAAAAAAAA");
	assert_int_equal(asn_parse_name(64500, txt, (size_t)len, &n), 0);
	assert_string_equal(n.handle, want);

	/* 62 letters and an e-acute (2 bytes) would end at byte 64. */
	want[62] = '\0';
	len =
	    snprintf(txt, sizeof(txt), "64500 | US | | | %s\xc3\xa9 - x", want);
	assert_int_equal(asn_parse_name(64500, txt, (size_t)len, &n), 0);
	assert_string_equal(n.handle, want);

	/* A space just before the cut goes with it. */
	len = snprintf(txt, sizeof(txt), "64500 | US | | | %s BBBB", want);
	assert_int_equal(asn_parse_name(64500, txt, (size_t)len, &n), 0);
	assert_string_equal(n.handle, want);
}

static void
test_name_length(void **state)
{
	char txt[ASN_TXT_MAX + 2];
	struct asn_name n;
	size_t head;

	(void)state;
	head = (size_t)snprintf(txt, sizeof(txt), "64500 | US | | | ");
	memset(txt + head, 'x', sizeof(txt) - head - 1);
	txt[sizeof(txt) - 1] = '\0';
	assert_int_equal(asn_parse_name(64500, txt, ASN_TXT_MAX, &n), 0);
	assert_int_equal(strlen(n.name), ASN_TXT_MAX - head);
	assert_int_equal(strlen(n.handle), ASN_HANDLE_MAX - 1);
	assert_int_equal(asn_parse_name(64500, txt, ASN_TXT_MAX + 1, &n), -1);
	assert_int_equal(asn_parse_name(64500, NULL, 0, &n), -1);
}

/* Of several records, the most specific good one; then the lowest AS. */
static void
test_pick(void **state)
{
	struct resolve_record rr[] = {
	    {(char *)"junk", 4},
	    {(char *)"64500 | 203.0.113.0/24 | US", 27},
	    {(char *)"64501 | 203.0.113.96/28 | DE", 28},
	    {(char *)"64499 | 203.0.113.96/28 | NL", 28},
	    {(char *)"64400 | 203.0.113.96/29 | NL", 28},
	    {(char *)"64498 | 203.0.113.0/25 | BE", 27},
	};
	struct resolve_result res;
	struct asn_origin o;

	(void)state;
	memset(&res, 0, sizeof(res));
	res.type = RESOLVE_TXT;
	res.status = RESOLVE_OK;
	res.rr = rr;
	res.n = 5;
	/* .104 is outside 203.0.113.96/29: the /28s tie, AS64499 wins. */
	assert_int_equal(asn_pick_origin("203.0.113.104", &res, &o), 0);
	assert_int_equal(o.asn, 64499);
	assert_string_equal(o.prefix, "203.0.113.96/28");
	assert_string_equal(o.country, "NL");
	/* .97 is inside it. */
	assert_int_equal(asn_pick_origin("203.0.113.97", &res, &o), 0);
	assert_int_equal(o.asn, 64400);
	/* Only the /24 and the /25 hold .10. */
	res.n = 6;
	assert_int_equal(asn_pick_origin("203.0.113.10", &res, &o), 0);
	assert_int_equal(o.asn, 64498);
	/* None holds 198.51.100.1. */
	assert_int_equal(asn_pick_origin("198.51.100.1", &res, &o), -1);
	assert_int_equal(o.asn, 0);
	/* Only good answers count. */
	res.n = 1;
	assert_int_equal(asn_pick_origin("203.0.113.97", &res, &o), -1);
	res.n = 6;
	res.status = RESOLVE_NXDOMAIN;
	assert_int_equal(asn_pick_origin("203.0.113.97", &res, &o), -1);
	assert_int_equal(asn_pick_origin("203.0.113.97", NULL, &o), -1);
}

static void
test_qnames(void **state)
{
	char out[ASN_QNAME_MAX];

	(void)state;
	assert_int_equal(
	    asn_origin_qname("203.0.113.96", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "96.113.0.203.origin.asn.cymru.com");
	assert_int_equal(
	    asn_origin_qname("203.0.113.96", "asn.test", out, sizeof(out)), 0);
	assert_string_equal(out, "96.113.0.203.origin.asn.test");
	/* IPv4-mapped IPv6 is the IPv4 address. */
	assert_int_equal(
	    asn_origin_qname("::ffff:192.0.2.1", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "1.2.0.192.origin.asn.cymru.com");
	assert_int_equal(
	    asn_origin_qname("2001:db8:6::10", NULL, out, sizeof(out)), 0);
	assert_string_equal(out,
	    "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.0.0.0.8.b.d.0.1.0.0.2."
	    "origin6.asn.cymru.com");
	assert_int_equal(
	    asn_origin_qname("nonsense", NULL, out, sizeof(out)), -1);
	assert_int_equal(asn_origin_qname(NULL, NULL, out, sizeof(out)), -1);
	assert_int_equal(asn_origin_qname("203.0.113.96", NULL, out, 33), -1);
	assert_int_equal(asn_origin_qname("203.0.113.96", NULL, out, 34), 0);

	assert_int_equal(asn_name_qname(64500, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "AS64500.asn.cymru.com");
	assert_int_equal(
	    asn_name_qname(4294967295u, "asn.test", out, sizeof(out)), 0);
	assert_string_equal(out, "AS4294967295.asn.test");
	assert_int_equal(asn_name_qname(64500, NULL, out, 21), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_origin),
	    cmocka_unit_test(test_origin_length),
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_handle_cut),
	    cmocka_unit_test(test_name_length),
	    cmocka_unit_test(test_pick),
	    cmocka_unit_test(test_qnames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
