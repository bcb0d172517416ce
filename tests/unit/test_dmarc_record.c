/*
 * Unit tests for analyze/dmarc_record.c: recognition of v=DMARC1, the tag
 * list, the policy in force with its defaults, and the record text for a
 * policy.  Where the old copies (dnscheck.c, check.c, readiness.c)
 * disagreed, the rule that won is pinned here, with its RFC.  The lookup
 * runs against a real dnsmasq in tests/dns/test_dnscheck.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dmarc_record.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
parse(const char *text, struct dmarc_txt *rec)
{
	return dmarc_record_parse(text, strlen(text), rec);
}

/* v=DMARC1: "v" in either case, WSP around '=', DMARC1 exactly (RFC 7489
 * 6.4: %x44 %x4d %x41 %x52 %x43 %x31; RFC 9989: %s"DMARC1").  readiness.c
 * took v=dmarc1 too; dnscheck.c and check.c did not: they win. */
static void
test_recognition(void **state)
{
	static const struct {
		const char *text;
		int is, near;
	} cases[] = {
	    {"v=DMARC1", 1, 0},
	    {"v=DMARC1;", 1, 0},
	    {"v=DMARC1; p=none", 1, 0},
	    {"V=DMARC1; p=none", 1, 0},
	    {"  v \t=\t DMARC1 ;p=none", 1, 0},
	    {"v=DMARC1 ", 1, 0},
	    {"v=dmarc1; p=none", 0, 1},
	    {"V=Dmarc1; p=none", 0, 1},
	    {"v=DMARC10; p=none", 0, 0},
	    {"v=DMARC1p=none", 0, 0},
	    {"v=DMARC1\x1b; p=none", 0, 0},
	    {"v=DMARC2; p=none", 0, 0},
	    {"p=none; v=DMARC1", 0, 0},
	    {"v=spf1 -all", 0, 0},
	    {"", 0, 0},
	    {"v=", 0, 0},
	    {"v=DMARC", 0, 0},
	};
	struct dmarc_txt rec;

	for (size_t i = 0; i < NELEM(cases); i++) {
		int near = -1;
		int is = dmarc_record_is(
		    cases[i].text, strlen(cases[i].text), &near);

		if (is != cases[i].is || near != cases[i].near)
			fail_msg(
			    "'%s': is %d near %d", cases[i].text, is, near);
		if ((parse(cases[i].text, &rec) == 0) != cases[i].is)
			fail_msg("'%s': parse disagrees", cases[i].text);
		assert_int_equal(rec.near, cases[i].near);
	}
	/* A NUL right after the version is no ';'. */
	assert_int_equal(dmarc_record_is("v=DMARC1\0;p=none", 16, NULL), 0);
	/* Line breaks are no WSP in the version tag. */
	assert_int_equal(dmarc_record_is("v\n=DMARC1", 9, NULL), 0);
}

/* Tag names in any case, kept lower-cased; blanks and line breaks around
 * names, '=', values and ';' (RFC 6376 3.2, which DMARC's tag list
 * follows); each tag's position. */
static void
test_tags(void **state)
{
	struct dmarc_txt rec;
	const struct dmarc_tag *t;
	const char *text = "v = DMARC1 ;P = Quarantine;; RUA = mailto:a@b.test"
	                   " , mailto:c@d.test!10m;\r\n fo\t=\t0:d ;";

	assert_int_equal(parse(text, &rec), 0);
	assert_int_equal(rec.ntags, 4);
	assert_int_equal(rec.nskipped, 0);
	assert_string_equal(rec.why, "");
	assert_string_equal(rec.tag[0].name, "v");
	assert_string_equal(rec.tag[1].name, "p");
	assert_string_equal(rec.tag[2].name, "rua");
	assert_string_equal(rec.tag[3].name, "fo");
	t = dmarc_record_tag(&rec, "p");
	assert_non_null(t);
	assert_int_equal(t->vlen, 10);
	assert_memory_equal(t->val, "Quarantine", 10);
	assert_int_equal(t->pos, (size_t)(strstr(text, "P =") - text));
	t = dmarc_record_tag(&rec, "rua");
	assert_int_equal(
	    t->vlen, strlen("mailto:a@b.test , mailto:c@d.test!10m"));
	assert_int_equal(rec.pol.p, DMARC_QUARANTINE);
	assert_string_equal(rec.pol.fo, "0:d");
	assert_int_equal(rec.pol.rua_len, t->vlen);
	assert_null(rec.pol.ruf);
	assert_null(dmarc_record_tag(&rec, "sp"));
}

/* A part that is no tag is skipped and noted; the other tags still count
 * (RFC 7489 6.3: syntax errors in the remainder are discarded).  dnscheck
 * still reports the record as broken; check.c and readiness.c read the
 * rest: all three agree through this. */
static void
test_skipped_parts(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
	    {"v=DMARC1; junk; p=reject", "'junk' is not name=value"},
	    {"v=DMARC1; =x; p=reject", "bad tag name ''"},
	    {"v=DMARC1; 1p=x; p=reject", "bad tag name '1p'"},
	    {"v=DMARC1; p-x=1; p=reject", "bad tag name 'p-x'"},
	    {"v=DMARC1; aaaaaaaaaaaaaaaa=1; p=reject",
	        "bad tag name 'aaaaaaaaaaaaaaaa'"},
	    {"v=DMARC1; x=a\x01z; p=reject",
	        "the value of x= holds a control or non-ASCII byte"},
	    {"v=DMARC1; x=\xc3\xa9; p=reject",
	        "the value of x= holds a control or non-ASCII byte"},
	};
	struct dmarc_txt rec;
	char big[1024];
	size_t o;

	for (size_t i = 0; i < NELEM(cases); i++) {
		if (parse(cases[i].text, &rec) != 0)
			fail_msg("'%s' not parsed", cases[i].text);
		assert_int_equal(rec.nskipped, 1);
		assert_string_equal(rec.why, cases[i].why);
		assert_int_equal(rec.pol.p, DMARC_REJECT);
	}
	/* A 15-byte name with '_' is a name. */
	assert_int_equal(parse("v=DMARC1; a_b345678901234=1", &rec), 0);
	assert_int_equal(rec.nskipped, 0);
	assert_int_equal(rec.ntags, 2);

	/* A NUL inside: that part goes. */
	assert_int_equal(
	    dmarc_record_parse("v=DMARC1; x=\0; p=none", 21, &rec), 0);
	assert_int_equal(rec.nskipped, 1);
	assert_int_equal(rec.pol.p, DMARC_NONE);

	/* More than DMARC_MAX_TAGS tags: the first ones count. */
	o = (size_t)snprintf(big, sizeof(big), "v=DMARC1; p=reject");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "; x%d=y", i);
	assert_int_equal(dmarc_record_parse(big, o, &rec), 0);
	assert_int_equal(rec.ntags, DMARC_MAX_TAGS);
	assert_string_equal(rec.why, "more than 32 tags");
	assert_int_equal(rec.pol.p, DMARC_REJECT);

	/* Overlong: not parsed at all. */
	{
		static char huge[DMARC_RECORD_MAX + 2];

		memset(huge, 'a', sizeof(huge) - 1);
		memcpy(huge, "v=DMARC1; p=reject; x=", 22);
		assert_int_equal(
		    dmarc_record_parse(huge, sizeof(huge) - 1, &rec), -1);
	}
}

/* A repeated tag: the first counts, later ones are noted and ignored (the
 * ABNF of RFC 7489 6.4 has each tag once).  dnscheck.c took the first
 * valid p/sp/np ("p=maybe; p=none" was none), check.c the first non-empty
 * one, readiness.c the first non-empty one: now the first, always. */
static void
test_repeated_tags(void **state)
{
	struct dmarc_txt rec;

	assert_int_equal(parse("v=DMARC1; p=reject; p=none", &rec), 0);
	assert_int_equal(rec.pol.p, DMARC_REJECT);
	assert_int_equal(rec.nrepeats, 1);
	assert_int_equal(rec.tag[2].repeat, 1);
	assert_int_equal(rec.tag[1].repeat, 0);

	assert_int_equal(parse("v=DMARC1; p=maybe; p=none", &rec), 0);
	assert_int_equal(rec.pol.p, DMARC_ABSENT);

	assert_int_equal(parse("v=DMARC1; p=; p=reject", &rec), 0);
	assert_int_equal(rec.pol.p, DMARC_ABSENT);

	assert_int_equal(parse("v=DMARC1; pct=20; PCT=50; t=y; T=n", &rec), 0);
	assert_int_equal(rec.pol.pct, 20);
	assert_int_equal(rec.pol.testing, 1);
	assert_int_equal(rec.nrepeats, 2);

	assert_int_equal(parse("v=DMARC1; v=DMARC1; p=none", &rec), 0);
	assert_int_equal(rec.nrepeats, 1);
	assert_int_equal(rec.pol.p, DMARC_NONE);
}

/* Defaults: absent pct is 100 (RFC 7489 6.3), absent t is n (RFC 9989),
 * sp follows p, np follows sp; adkim, aspf r; psd u; fo 0.  An invalid
 * value is as if absent; values in any case. */
static void
test_defaults(void **state)
{
	static const struct {
		const char *text;
		int p, sp, np, sp_force, np_force, pct, testing;
		char adkim, aspf, psd;
	} cases[] = {
	    {"v=DMARC1; p=reject", 2, -1, -1, 2, 2, 100, 0, 'r', 'r', 'u'},
	    {"v=DMARC1; p=reject; sp=none", 2, 0, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; np=reject", 0, -1, 2, 0, 2, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=quarantine; sp=reject; np=none", 1, 2, 0, 2, 0, 100,
	        0, 'r', 'r', 'u'},
	    {"v=DMARC1; P=REJECT; SP=Quarantine; PCT=0; T=Y; ADKIM=S; "
	     "ASPF=s; PSD=Y",
	        2, 1, -1, 1, 1, 0, 1, 's', 's', 'y'},
	    {"v=DMARC1; p=none; pct=50; t=n; psd=n", 0, -1, -1, 0, 0, 50, 0,
	        'r', 'r', 'n'},
	    /* Invalid values: as if absent. */
	    {"v=DMARC1; p=bogus; sp=x; np=; pct=150; t=maybe; adkim=x; "
	     "aspf=; psd=q",
	        -1, -1, -1, -1, -1, 100, 0, 'r', 'r', 'u'},
	    {"v=DMARC1; p=none; pct=-5", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; pct=abc", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; pct=50x", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; pct=", 0, -1, -1, 0, 0, 100, 0, 'r', 'r', 'u'},
	    /* 1*3DIGIT: 0050 is not a pct (check.c agreed, the others
	     * did not). */
	    {"v=DMARC1; p=none; pct=0050", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; pct=+50", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1; p=none; pct=007", 0, -1, -1, 0, 0, 7, 0, 'r', 'r', 'u'},
	    {"v=DMARC1; p=none; pct=100", 0, -1, -1, 0, 0, 100, 0, 'r', 'r',
	        'u'},
	    {"v=DMARC1", -1, -1, -1, -1, -1, 100, 0, 'r', 'r', 'u'},
	};
	struct dmarc_txt rec;

	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct dmarc_in_force *p = &rec.pol;

		if (parse(cases[i].text, &rec) != 0)
			fail_msg("'%s' not parsed", cases[i].text);
		if (p->p != cases[i].p || p->sp != cases[i].sp ||
		    p->np != cases[i].np ||
		    p->sp_in_force != cases[i].sp_force ||
		    p->np_in_force != cases[i].np_force ||
		    p->pct != cases[i].pct || p->testing != cases[i].testing ||
		    p->adkim != cases[i].adkim || p->aspf != cases[i].aspf ||
		    p->psd != cases[i].psd)
			fail_msg("'%s': p %d sp %d np %d (%d %d) pct %d t %d "
			         "%c %c %c",
			    cases[i].text, p->p, p->sp, p->np, p->sp_in_force,
			    p->np_in_force, p->pct, p->testing, p->adkim,
			    p->aspf, p->psd);
	}
	assert_int_equal(parse("v=DMARC1; fo=1:D", &rec), 0);
	assert_string_equal(rec.pol.fo, "1:D");
	assert_int_equal(parse("v=DMARC1; fo=2", &rec), 0);
	assert_string_equal(rec.pol.fo, "0");
	assert_int_equal(parse("v=DMARC1; fo=0:", &rec), 0);
	assert_string_equal(rec.pol.fo, "0");
}

static void
test_tag_valid(void **state)
{
	static const struct {
		const char *tag;
		int valid;
	} cases[] = {
	    {"p=none", 1},
	    {"p=Reject", 1},
	    {"p=maybe", 0},
	    {"p=", 0},
	    {"sp=quarantine", 1},
	    {"np=x", 0},
	    {"t=y", 1},
	    {"t=N", 1},
	    {"t=yes", 0},
	    {"psd=u", 1},
	    {"psd=x", 0},
	    {"adkim=s", 1},
	    {"aspf=x", 0},
	    {"fo=0:1:d:s", 1},
	    {"fo= 0 : 1", 1},
	    {"fo=2", 0},
	    {"fo=", 0},
	    {"pct=0", 1},
	    {"pct=100", 1},
	    {"pct=101", 0},
	    {"rf=afrf", 1},
	    {"rf=iodef", 0},
	    {"ri=86400", 1},
	    {"ri=1d", 0},
	    {"rua=mailto:a@b.test", 1},
	    {"rua=", 0},
	    {"ruf=x", 1},
	    {"foo=bar", -1},
	    {"v=DMARC1", 1},
	    {"v=dmarc1", 0},
	};
	struct dmarc_txt rec;
	char text[64];

	for (size_t i = 0; i < NELEM(cases); i++) {
		snprintf(text, sizeof(text), "v=DMARC1; %s", cases[i].tag);
		assert_int_equal(parse(text, &rec), 0);
		assert_int_equal(rec.ntags, 2);
		if (dmarc_tag_valid(&rec.tag[1]) != cases[i].valid)
			fail_msg("'%s': %d", cases[i].tag,
			    dmarc_tag_valid(&rec.tag[1]));
	}
}

static void
test_policy_words(void **state)
{
	assert_string_equal(dmarc_policy_word(DMARC_NONE), "none");
	assert_string_equal(dmarc_policy_word(DMARC_QUARANTINE), "quarantine");
	assert_string_equal(dmarc_policy_word(DMARC_REJECT), "reject");
	assert_null(dmarc_policy_word(DMARC_ABSENT));
	assert_null(dmarc_policy_word(3));
	assert_int_equal(dmarc_policy_strength("REJECT", 6), DMARC_REJECT);
	assert_int_equal(dmarc_policy_strength("rejec", 5), -1);
	assert_int_equal(dmarc_policy_strength("", 0), -1);
}

/* The record text for a policy. */
static const struct {
	const char *existing;
	struct dmarc_build b;
	int from_existing;
	const char *want;
} build_cases[] = {
    /* Other tags kept in their order; t and pct after p. */
    {"v=DMARC1; p=none; rua=mailto:d@example.com; "
     "ruf=mailto:f@example.com; fo=1",
        {DMARC_QUARANTINE, 1, 0}, 1,
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:d@example.com; "
        "ruf=mailto:f@example.com; fo=1"},
    /* t and pct written in their places; dropped when not wanted. */
    {"v=DMARC1;p=none;rua=mailto:a@example.com;pct=50",
        {DMARC_QUARANTINE, 1, 0}, 1,
        "v=DMARC1; p=quarantine; t=y; rua=mailto:a@example.com; pct=0"},
    {"v=DMARC1; p=reject; t=y; pct=0; sp=none; rua=mailto:d@example.com",
        {DMARC_REJECT, 0, 100}, 1,
        "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"},
    {"v=DMARC1; t=y; p=none", {DMARC_REJECT, 1, 100}, 1,
        "v=DMARC1; t=y; p=reject"},
    /* A pct of its own. */
    {"v=DMARC1; p=none", {DMARC_QUARANTINE, 0, 25}, 1,
        "v=DMARC1; p=quarantine; pct=25"},
    /* Blanks, case: names lower-cased, values as written; v=dmarc1 in
     * another case is a record to keep the tags of (the text written
     * says v=DMARC1). */
    {"  V = dmarc1 ;  P = quarantine ; ADKIM=s;\taspf = r ; ",
        {DMARC_REJECT, 1, 0}, 1,
        "v=DMARC1; p=reject; t=y; pct=0; adkim=s; aspf=r"},
    /* No p: added after v.  A repeated tag kept once, the first. */
    {"v=DMARC1; rua=mailto:a@example.com; fo=1; fo=0", {DMARC_QUARANTINE, 1, 0},
        1,
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:a@example.com; "
        "fo=1"},
    {"v=DMARC1; p=none; p=reject; rua=x", {DMARC_QUARANTINE, 1, 0}, 1,
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=x"},
    /* Unknown tags kept; '_' in a name is a name. */
    {"v=DMARC1; p=none; x_y=1; foo=bar", {DMARC_NONE, 0, 100}, 1,
        "v=DMARC1; p=none; x_y=1; foo=bar"},
    /* Hostile: escapes, quotes, backslashes, non-ASCII and odd names never
     * pass; a tag without a value or '=' goes. */
    {"v=DMARC1; p=none\r\n; rua=mailto:a@ex\x1b[2Jample.com\"; "
     "ruf=mailto:\xc3\xa9t\xe2\x80\xae@example.com\\; x-evil=1; "
     "\"quoted\"=2; fo=; junk; ri=86400",
        {DMARC_QUARANTINE, 1, 0}, 1,
        "v=DMARC1; p=quarantine; t=y; pct=0; "
        "rua=mailto:a@ex[2Jample.com; ruf=mailto:t@example.com; "
        "quoted=2; ri=86400"},
    {"v=DMARC1\x1b", {DMARC_QUARANTINE, 1, 0}, 1,
        "v=DMARC1; p=quarantine; t=y; pct=0"},
    /* Not a DMARC record: anew. */
    {"v=spf1 -all", {DMARC_QUARANTINE, 1, 0, -1, -1, 0, 0, "mailto:X"}, 0,
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:X"},
    {"p=none; v=DMARC1", {DMARC_NONE, 0, 100, -1, -1}, 0, "v=DMARC1; p=none"},
    {NULL,
        {DMARC_REJECT, 0, 100, DMARC_QUARANTINE, DMARC_NONE, 's', 'r',
            "mailto:YOUR-ADDRESS"},
        0,
        "v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; aspf=r; "
        "rua=mailto:YOUR-ADDRESS"},
    {NULL, {DMARC_NONE, 0, 100, -1, -1}, 0, "v=DMARC1; p=none"},
};

static void
test_build(void **state)
{
	char out[600];

	for (size_t i = 0; i < NELEM(build_cases); i++) {
		int r = dmarc_record_build(build_cases[i].existing,
		    &build_cases[i].b, out, sizeof(out));

		if (r != build_cases[i].from_existing ||
		    strcmp(out, build_cases[i].want) != 0)
			fail_msg("case %zu: %d '%s'", i, r, out);
	}
}

/* Too long for out: the existing record's tags go from the end, whole;
 * ours stay.  Every byte value: only printable ASCII without '"' or '\'
 * comes out. */
static void
test_build_bounds(void **state)
{
	struct dmarc_build b = {DMARC_REJECT, 1, 0};
	char existing[2048], out[64];
	size_t o;

	o = (size_t)snprintf(existing, sizeof(existing), "v=DMARC1; p=none");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(
		    existing + o, sizeof(existing) - o, "; x%d=abcdef", i);
	assert_int_equal(dmarc_record_build(existing, &b, out, sizeof(out)), 1);
	assert_string_equal(out,
	    "v=DMARC1; p=reject; t=y; pct=0; x0=abcdef; x1=abcdef; "
	    "x2=abcdef");

	/* Tiny buffers: cut, never overrun. */
	assert_int_equal(dmarc_record_build(existing, &b, out, 8), 1);
	assert_true(strlen(out) < 8);
	out[0] = 'x';
	dmarc_record_build(existing, &b, out, 0);
	assert_int_equal(out[0], 'x');

	for (int round = 0; round < 3; round++) {
		char big[1200], res[600];

		o = (size_t)snprintf(big, sizeof(big), "v=DMARC1; p=none; ");
		for (int c = 1; c < 256 && o + 4 < sizeof(big); c++) {
			big[o++] = (char)c;
			if ((c + round) % 5 == 0)
				big[o++] = '=';
			if ((c + round) % 9 == 0)
				big[o++] = ';';
		}
		big[o] = '\0';
		dmarc_record_build(big, &b, res, sizeof(res));
		for (const char *p = res; *p != '\0'; p++) {
			if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
				fail_msg("round %d: byte %#x", round,
				    (unsigned char)*p);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recognition),
	    cmocka_unit_test(test_tags),
	    cmocka_unit_test(test_skipped_parts),
	    cmocka_unit_test(test_repeated_tags),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_tag_valid),
	    cmocka_unit_test(test_policy_words),
	    cmocka_unit_test(test_build),
	    cmocka_unit_test(test_build_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
