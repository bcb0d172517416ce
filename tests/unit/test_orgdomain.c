/* Unit tests for analyze/orgdomain.c: organizational domains through libpsl
 * and the system's Public Suffix List, and names from hostile reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "orgdomain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct orgdomain *od;

static int
setup(void **state)
{
	struct err err;

	err_clear(&err);
	if (orgdomain_open(&od, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	orgdomain_free(od);
	od = NULL;
	return 0;
}

static const struct {
	const char *name;
	int rc;
	const char *org;
} org_cases[] = {
    {"example.com", 0, "example.com"}, {"mail.example.com", 0, "example.com"},
    {"a.b.c.example.com", 0, "example.com"},
    {"mail.example.co.uk", 0, "example.co.uk"},
    {"example.co.uk", 0, "example.co.uk"},
    /* Upper case and one trailing dot are the same name. */
    {"MAIL.Example.CO.UK", 0, "example.co.uk"},
    {"mail.example.com.", 0, "example.com"},
    /* The private section counts: each github.io site is its own
     * organization, as for OpenDMARC. */
    {"foo.bar.github.io", 0, "bar.github.io"},
    {"bar.github.io", 0, "bar.github.io"},
    {"x.foo.blogspot.com", 0, "foo.blogspot.com"},
    /* Wildcard and exception rules: *.ck, !www.ck. */
    {"mail.www.ck", 0, "www.ck"}, {"a.b.ck", 0, "a.b.ck"},
    /* IDNs: A-labels, and U-labels kept as they came. */
    {"xn--mnchen-3ya.de", 0, "xn--mnchen-3ya.de"},
    {"www.XN--MNCHEN-3YA.de", 0, "xn--mnchen-3ya.de"},
    {"a.b.c.xn--fiqs8s", 0, "c.xn--fiqs8s"},
    {"www.m\xc3\xbcnchen.de", 0, "m\xc3\xbcnchen.de"},
    {"mail.\xe9\xa3\x9f\xe7\x8b\xae.com.cn", 0,
        "\xe9\xa3\x9f\xe7\x8b\xae.com.cn"},
    /* Public suffixes are their own organizational domain. */
    {"com", ORGDOMAIN_SUFFIX, "com"}, {"co.uk", ORGDOMAIN_SUFFIX, "co.uk"},
    {"CO.UK.", ORGDOMAIN_SUFFIX, "co.uk"},
    {"github.io", ORGDOMAIN_SUFFIX, "github.io"},
    {"b.ck", ORGDOMAIN_SUFFIX, "b.ck"},
    {"localhost", ORGDOMAIN_SUFFIX, "localhost"},
    /* Not names. */
    {"", -1, ""}, {".", -1, ""}, {"..", -1, ""}, {".example.com", -1, ""},
    {"mail..example.com", -1, ""}, {"example.com..", -1, ""},
    {"1.2.3.4", -1, ""}, {"192.0.2.1.", -1, ""}, {"[192.0.2.1]", -1, ""},
    {"2001:db8::1", -1, ""}, {"user@example.com", -1, ""},
    {"example.com ", -1, ""}, {" example.com", -1, ""},
    {"exa mple.com", -1, ""}, {"example.com/evil", -1, ""},
    {"ex\x01"
     "ample.com",
        -1, ""},
    {"ex\x7f"
     "ample.com",
        -1, ""},
    {"\xff\xfe.com", -1, ""}, {"a\xc3(.com", -1, ""},
    {"\xc0\xae.com", -1, ""}, /* overlong '.' */
    {"\xed\xa0\x80.com", -1, ""}, /* surrogate */
    {"a.b\xe2\x82", -1, ""}, /* cut sequence */
};

static void
test_orgdomain_table(void **state)
{
	char out[ORGDOMAIN_MAX];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(org_cases) / sizeof(org_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		rc = orgdomain_get(od, org_cases[i].name, out, sizeof(out));
		if (rc != org_cases[i].rc || strcmp(out, org_cases[i].org))
			fail_msg("case %zu '%s': got %d '%s', want %d '%s'", i,
			    org_cases[i].name, rc, out, org_cases[i].rc,
			    org_cases[i].org);
	}
}

/* A valid name of exactly n bytes (n >= 5): 63-byte labels of 'a', then
 * ".com". */
static char *
make_name(size_t n)
{
	char *s = malloc(n + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = i % 64 == 63 ? '.' : 'a';
	memcpy(s + n - 4, ".com", 5);
	return s;
}

static void
test_orgdomain_lengths(void **state)
{
	char out[ORGDOMAIN_MAX], label[80], *name;

	/* A 63-byte label is fine, 64 bytes is not. */
	memset(label, 'a', 63);
	strcpy(label + 63, ".example.com");
	assert_int_equal(orgdomain_get(od, label, out, sizeof(out)), 0);
	assert_string_equal(out, "example.com");
	memset(label, 'a', 64);
	strcpy(label + 64, ".example.com");
	assert_int_equal(orgdomain_get(od, label, out, sizeof(out)), -1);
	assert_string_equal(out, "");

	/* 253 bytes is the most a name may have, with or without a trailing
	 * dot. */
	name = make_name(253);
	assert_int_equal(orgdomain_get(od, name, out, sizeof(out)), 0);
	assert_string_equal(out, name + 192);
	free(name);
	name = make_name(254);
	assert_int_equal(orgdomain_get(od, name, out, sizeof(out)), -1);
	name[253] = '.';
	assert_int_equal(orgdomain_normalize(name, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 253);
	free(name);

	/* Very long input: refused without reading all of it. */
	name = malloc(100000);
	assert_non_null(name);
	memset(name, 'a', 99999);
	name[99999] = '\0';
	assert_int_equal(orgdomain_get(od, name, out, sizeof(out)), -1);
	free(name);

	/* NULL, and an out that is too small. */
	assert_int_equal(orgdomain_get(od, NULL, out, sizeof(out)), -1);
	assert_int_equal(orgdomain_get(od, "mail.example.com", out, 11), -1);
	assert_string_equal(out, "");
	assert_int_equal(orgdomain_get(od, "mail.example.com", out, 12), 0);
	assert_string_equal(out, "example.com");
	assert_int_equal(orgdomain_normalize("example.com", out, 11), -1);
	assert_int_equal(orgdomain_normalize("example.com", out, 0), -1);
}

static void
test_orgdomain_normalize(void **state)
{
	char out[ORGDOMAIN_MAX];

	assert_int_equal(
	    orgdomain_normalize("Mail.EXAMPLE.com.", out, sizeof(out)), 0);
	assert_string_equal(out, "mail.example.com");
	assert_int_equal(
	    orgdomain_normalize("_dmarc.Example.com", out, sizeof(out)), 0);
	assert_string_equal(out, "_dmarc.example.com");
	/* Non-ASCII letters are not folded. */
	assert_int_equal(
	    orgdomain_normalize("M\xc3\x9cNCHEN.de", out, sizeof(out)), 0);
	assert_string_equal(out, "m\xc3\x9cnchen.de");
	assert_int_equal(orgdomain_normalize("a.123", out, sizeof(out)), -1);
	assert_int_equal(orgdomain_normalize("123.a", out, sizeof(out)), 0);
}

/* Random bytes never crash and never give a half-written answer. */
static void
test_orgdomain_garbage(void **state)
{
	static const char alphabet[] = "aZ09-._@:[] \t\x01\x80\xc3\xa9\xff";
	char name[300], out[ORGDOMAIN_MAX];
	unsigned seed = 12345;
	size_t i, j, len;
	int rc;

	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % 280;
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			name[j] =
			    alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		name[len] = '\0';
		rc = orgdomain_get(od, name, out, sizeof(out));
		assert_true(rc == -1 || rc == 0 || rc == ORGDOMAIN_SUFFIX);
		assert_true(strlen(out) < sizeof(out));
		if (rc == -1)
			assert_string_equal(out, "");
		else
			assert_true(out[0] != '\0');
	}
}

static void
test_orgdomain_open(void **state)
{
	struct orgdomain *mine;
	char path[] = "/tmp/test_orgdomain.XXXXXX", out[ORGDOMAIN_MAX];
	struct err err;
	FILE *fp;
	int fd;

	/* The default: Debian's list when installed, else the built-in. */
	if (orgdomain_builtin(od))
		assert_string_equal(
		    orgdomain_source(od), "libpsl built-in list");
	else
		assert_non_null(strstr(orgdomain_source(od), "public_suffix"));

	/* A list given by name is used as is, and only it. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("// a test list\ncom\nexample.com\n", fp);
	fclose(fp);
	err_clear(&err);
	assert_int_equal(orgdomain_open(&mine, path, &err), 0);
	assert_int_equal(orgdomain_builtin(mine), 0);
	assert_string_equal(orgdomain_source(mine), path);
	assert_int_equal(
	    orgdomain_get(mine, "a.b.example.com", out, sizeof(out)), 0);
	assert_string_equal(out, "b.example.com");
	assert_int_equal(orgdomain_get(mine, "example.com", out, sizeof(out)),
	    ORGDOMAIN_SUFFIX);
	orgdomain_free(mine);
	unlink(path);

	/* A missing file is an error, with no fallback. */
	mine = (struct orgdomain *)&err; /* set to NULL on failure */
	assert_int_equal(
	    orgdomain_open(&mine, "/nonexistent/psl.dat", &err), ERR_IO);
	assert_null(mine);
	assert_non_null(strstr(err.msg, "/nonexistent/psl.dat"));
	orgdomain_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_orgdomain_table),
	    cmocka_unit_test(test_orgdomain_lengths),
	    cmocka_unit_test(test_orgdomain_normalize),
	    cmocka_unit_test(test_orgdomain_garbage),
	    cmocka_unit_test(test_orgdomain_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
