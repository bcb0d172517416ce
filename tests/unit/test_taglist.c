/* Unit tests for analyze/taglist.c: the tag=value lists of DKIM key
 * records and DMARC records, and where the two differ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "taglist.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Each text and what taglist_next() returns, one part a line: "name=value"
 * for a tag, "!why" for a part that is not one.
 */
static const struct {
	const char *text;
	unsigned flags;
	const char *want;
} cases[] = {
    {"v=DKIM1; k=rsa; p=abc", 0, "v=DKIM1\nk=rsa\np=abc\n"},
    /* A final ';' and empty parts are nothing. */
    {"v=DKIM1;", 0, "v=DKIM1\n"},
    {";; v=1 ;; ; w=2;", 0, "v=1\nw=2\n"},
    {"", 0, ""},
    {" ; ", 0, ""},
    /* Blanks (FWS, line breaks too) around names, '=', values. */
    {" p = a b ;\r\n\tq\t=\tc\r\n", 0, "p=a b\nq=c\n"},
    /* Empty values are values. */
    {"p=; q=", 0, "p=\nq=\n"},
    /* Case of names: kept (DKIM), or folded (DMARC). */
    {"V=DKIM1; K=rsa", 0, "V=DKIM1\nK=rsa\n"},
    {"V=DMARC1; P=Reject", TAGLIST_FOLD_CASE, "v=DMARC1\np=Reject\n"},
    /* Names: a letter, then letters, digits, '_', under 16 bytes. */
    {"a_1=x; 1p=x; p-x=x; =x; aaaaaaaaaaaaaaa=ok; aaaaaaaaaaaaaaaa=no", 0,
        "a_1=x\n!bad tag name '1p'\n!bad tag name 'p-x'\n"
        "!bad tag name ''\naaaaaaaaaaaaaaa=ok\n"
        "!bad tag name 'aaaaaaaaaaaaaaaa'\n"},
    {"junk; p=x", 0, "!'junk' is not name=value\np=x\n"},
    /* Values: printable ASCII and blanks; '=' is a value byte. */
    {"x=a\001b; y=\303\251; z=a=b", 0,
        "!the value of x= holds a control or non-ASCII byte\n"
        "!the value of y= holds a control or non-ASCII byte\nz=a=b\n"},
    /* A repeat is returned: the caller decides (taglist_find()). */
    {"p=a; p=b", 0, "p=a\np=b\n"},
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct taglist tl;
		struct taglist_tag t;
		char got[512], why[160];
		size_t o = 0;
		int rc;

		got[0] = '\0';
		taglist_init(
		    &tl, cases[i].text, strlen(cases[i].text), cases[i].flags);
		while ((rc = taglist_next(&tl, &t, why, sizeof(why))) != 0) {
			if (rc > 0)
				o += (size_t)snprintf(got + o, sizeof(got) - o,
				    "%s=%.*s\n", t.name, (int)t.vlen, t.val);
			else
				o += (size_t)snprintf(
				    got + o, sizeof(got) - o, "!%s\n", why);
			assert_true(o < sizeof(got));
		}
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s':\ngot\n%swant\n%s", cases[i].text, got,
			    cases[i].want);
	}
}

/* Positions point at names; taglist_find() gives the first of a name. */
static void
test_find(void **state)
{
	static const char text[] = "v=DMARC1;  p=none; p=reject";
	struct taglist_tag tags[4];
	struct taglist tl;
	char why[80];
	size_t n = 0;

	(void)state;
	taglist_init(&tl, text, strlen(text), TAGLIST_FOLD_CASE);
	while (n < N(tags) && taglist_next(&tl, &tags[n], why, sizeof(why)) > 0)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(tags[1].pos, 11);
	assert_ptr_equal(taglist_find(tags, n, "p"), &tags[1]);
	assert_null(taglist_find(tags, n, "sp"));
	/* A length, not a NUL, ends the text. */
	taglist_init(&tl, "p=ab;q=c", 4, 0);
	assert_int_equal(taglist_next(&tl, &tags[0], why, sizeof(why)), 1);
	assert_int_equal(tags[0].vlen, 2);
	assert_int_equal(taglist_next(&tl, &tags[0], why, sizeof(why)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
