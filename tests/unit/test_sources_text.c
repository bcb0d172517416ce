/*
 * Unit tests for reports/sources_text.c: what `dmarcsift sources` prints
 * of a sender, from hand-made structs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sources.h"
#include "sources_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What sources_text() writes for v, in a buffer the caller frees. */
static char *
render(const struct sources_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(sources_text(fp, v, 0), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* A sender named by its network groups addresses that sign as different
 * domains: "signed by" names every domain of its listed addresses, each
 * once, not only its first address's. */
static void
test_group_signers(void **state)
{
	char *d1[] = {"y.example"}, *d2[] = {"z.example", "y.example"};
	char *s1[] = {"y.example"}, *s2[] = {"y.example"};
	struct source src[2] = {{0}};
	struct sender x = {0};
	struct sender_list l = {0};
	struct sources_view v = {0};
	char *out;

	(void)state;
	src[0].ip = "203.0.113.96";
	src[0].cls = SOURCE_UNKNOWN;
	src[0].messages = src[0].failed = 5;
	src[0].cause = "dkim_unaligned";
	src[0].dkim_domains = d1;
	src[0].n_dkim = 1;
	src[0].spf_domains = s1;
	src[0].n_spf = 1;
	src[1].ip = "203.0.113.97";
	src[1].cls = SOURCE_UNKNOWN;
	src[1].messages = src[1].failed = 3;
	src[1].cause = "dkim_unaligned";
	src[1].dkim_domains = d2;
	src[1].n_dkim = 2;
	src[1].spf_domains = s2;
	src[1].n_spf = 1;
	x.who = "AS64500 EXAMPLE-NET (US)";
	x.cls = SOURCE_UNKNOWN;
	x.v = src;
	x.n = x.addresses = 2;
	x.messages = x.failed = 8;
	l.v = &x;
	l.n = l.senders = 1;
	v.domain = "asn.test";
	v.days = 1;
	v.since = 1764547200;
	v.until = v.since + 86400;
	v.senders = &l;
	out = render(&v);
	assert_non_null(strstr(
	    out, "  signed by: y.example z.example; SPF domain: y.example\n"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group_signers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
