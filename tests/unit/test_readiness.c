/* Unit tests for analyze/readiness.c: the step a policy is on, each
 * readiness outcome with its evidence, the next TXT record (from a
 * published record, hostile ones too, or from the reported policy), the
 * sp/np advice, exact rates and the what-if arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "readiness.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
/* 2024-05-15T00:00:00Z */
#define T0 1715731200

/* Reset before each test, so a failing one leaves no changed threshold
 * behind for the next. */
static struct readiness_thresholds th;

static int
setup(void **state)
{
	readiness_thresholds_default(&th);
	return 0;
}

static void
policy(struct policy_state *now, const char *p, int pct, const char *t)
{
	memset(now, 0, sizeof(*now));
	now->known = 1;
	snprintf(now->p, sizeof(now->p), "%s", p);
	now->pct = pct;
	snprintf(now->testing, sizeof(now->testing), "%s", t);
	now->reported_at = T0;
	now->since = T0 - 30 * DAY;
}

/* A domain that is ready at p=none: 14 days, 99.4% of legitimate mail
 * passing, one legitimate source failing 0.5% of all mail. */
static struct source good_failing[] = {
    {.ip = "198.51.100.7",
        .cls = SOURCE_LEGITIMATE,
        .service = NULL,
        .ptr = "mx1.example.com",
        .messages = 2000,
        .passed = 1950,
        .failed = 50,
        .cause = "dkim_fail"},
};

static void
inputs(struct readiness_inputs *in)
{
	memset(in, 0, sizeof(*in));
	in->days_with_data = 14;
	strcpy(in->first_day, "2024-05-01");
	strcpy(in->last_day, "2024-05-14");
	in->reporters = 3;
	in->messages = 10000;
	in->passed = 9500;
	in->legit_messages = 9000;
	in->legit_passed = 8950;
	in->legit_failing_sources = 1;
	in->legit_failed = 50;
	in->spoofing = 1000;
	in->sub_messages = 200;
	in->sub_passed = 200;
	in->sub_names = 1;
	in->failing = good_failing;
	in->n_failing = 1;
}

static const struct readiness_reason *
find(const struct readiness *r, const char *code)
{
	for (size_t i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i].code, code) == 0)
			return &r->reasons[i];
	fail_msg("no reason %s", code);
	return NULL;
}

static void
assert_contains(const char *s, const char *part)
{
	if (strstr(s, part) == NULL)
		fail_msg("'%s' does not contain '%s'", s, part);
}

static void
test_ready(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;
	static const char *const order[] = {
	    "data", "pass_rate", "sources", "stable", "new_sources"};

	policy(&now, "none", -1, "");
	inputs(&in);
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.step_now, 0);
	assert_int_equal(r.ready, 1);
	assert_int_equal(r.next_step_no, 1);
	assert_string_equal(r.policy_now, "p=none");
	assert_string_equal(r.next_step, "p=quarantine; t=y; pct=0");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_int_equal(r.n_reasons, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(r.reasons[i].code, order[i]);
		assert_int_equal(r.reasons[i].met, 1);
	}
	assert_string_equal(find(&r, "data")->text,
	    "14 days with reports (2024-05-01 to 2024-05-14) from 3 reporters, "
	    "10000 messages (needs 14 days)");
	assert_string_equal(find(&r, "pass_rate")->text,
	    "99.4% of legitimate mail passed DMARC in the last 14 days: 8950 "
	    "of 9000 messages (needs 98%)");
	assert_contains(find(&r, "sources")->text,
	    "198.51.100.7 (mx1.example.com), failed 50 messages (0.5%)");
	assert_string_equal(r.sp_advice, "");
	assert_string_equal(r.np_advice, "");
}

static void
test_not_ready_source(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;
	struct source failing[] = {
	    {.ip = "192.0.2.10",
	        .cls = SOURCE_LEGITIMATE,
	        .service = "SendGrid",
	        .ptr = "o1.sendgrid.net",
	        .messages = 500,
	        .passed = 20,
	        .failed = 480,
	        .cause = "dkim_unaligned"},
	    {.ip = "192.0.2.11",
	        .cls = SOURCE_LEGITIMATE,
	        .messages = 300,
	        .passed = 100,
	        .failed = 200,
	        .cause = "spf_unaligned"},
	    /* Exactly 1%: allowed ("more than" blocks). */
	    {.ip = "192.0.2.12",
	        .cls = SOURCE_LEGITIMATE,
	        .messages = 100,
	        .failed = 100,
	        .cause = "no_auth"},
	};

	policy(&now, "none", -1, "");
	inputs(&in);
	in.legit_passed = 8990; /* the rate still passes */
	in.failing = failing;
	in.n_failing = 3;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "pass_rate")->met, 1);
	assert_int_equal(find(&r, "sources")->met, 0);
	assert_string_equal(find(&r, "sources")->text,
	    "192.0.2.10 (SendGrid) failed 480 of its 500 messages, 4.8% of "
	    "all mail (at most 1%): DKIM passes but signed by another domain; "
	    "and 1 more above the limit");

	/* Without a service the PTR name stands in; a share of 0 allows
	 * none. */
	failing[0].service = NULL;
	in.n_failing = 1;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_contains(find(&r, "sources")->text,
	    "192.0.2.10 (o1.sendgrid.net) failed 480");
	th.source_share = 0;
	failing[0].failed = 1;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "sources")->met, 0);
	assert_contains(find(&r, "sources")->text, "0.1% of all mail");
	th.source_share = 1;
	in.n_failing = 0;
	in.legit_failing_sources = 0;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(
	    find(&r, "sources")->text, "no legitimate source fails DMARC");
	assert_int_equal(r.ready, 1);
}

static void
test_not_enough_data(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	policy(&now, "none", -1, "");
	inputs(&in);
	in.days_with_data = 13;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "data")->met, 0);
	assert_contains(find(&r, "data")->text, "13 days with reports");

	/* Nothing at all: no report, no legitimate mail. */
	memset(&in, 0, sizeof(in));
	memset(&now, 0, sizeof(now));
	now.pct = -1;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(r.step_now, 0);
	assert_string_equal(r.policy_now, "");
	assert_string_equal(find(&r, "data")->text,
	    "no reports in the last 14 days (needs 14 days with reports)");
	assert_int_equal(find(&r, "pass_rate")->met, 0);
	assert_contains(find(&r, "pass_rate")->text, "no legitimate mail");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_string_equal(r.sp_advice, "");
}

static void
test_pass_rate_edges(void **state)
{
	static const struct {
		uint64_t passed, messages;
		int threshold, met;
		const char *shown;
	} cases[] = {
	    {19599, 20000, 98, 0, "97.9%"}, /* 97.995% */
	    {9800, 10000, 98, 1, "98.0%"},
	    {9799, 10000, 98, 0, "97.9%"},
	    {19999, 20000, 100, 0, "99.9%"}, /* 99.995% never 100% */
	    {20000, 20000, 100, 1, "100.0%"},
	    {1, 3, 50, 0, "33.3%"},
	    {UINT64_MAX - 1, UINT64_MAX, 100, 0, "99.9%"},
	    {UINT64_MAX, UINT64_MAX, 100, 1, "100.0%"},
	    {UINT64_MAX / 100 * 98, UINT64_MAX, 98, 0, "97.9%"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;
	char want[32];

	policy(&now, "none", -1, "");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inputs(&in);
		in.legit_passed = cases[i].passed;
		in.legit_messages = cases[i].messages;
		th.pass_rate = cases[i].threshold;
		readiness_judge(&th, "example.com", &now, &in, &r);
		if (find(&r, "pass_rate")->met != cases[i].met)
			fail_msg(
			    "case %zu: met %d", i, find(&r, "pass_rate")->met);
		snprintf(
		    want, sizeof(want), "%s of legitimate", cases[i].shown);
		if (strncmp(find(&r, "pass_rate")->text, want, strlen(want)) !=
		    0)
			fail_msg(
			    "case %zu: %s", i, find(&r, "pass_rate")->text);
		assert_int_equal(r.ready, cases[i].met);
	}
	th.pass_rate = 98;
}

static void
test_ratio(void **state)
{
	assert_int_equal(readiness_ratio(1, 3, 1000, 0), 333);
	assert_int_equal(readiness_ratio(1, 3, 1000, 1), 334);
	assert_int_equal(readiness_ratio(3, 3, 1000, 1), 1000);
	assert_int_equal(readiness_ratio(0, 0, 1000, 0), 0);
	assert_int_equal(readiness_ratio(5, 0, 1000, 1), 0);
	assert_int_equal(readiness_ratio(5, 3, 1000, 0), 1000); /* capped */
	assert_int_equal(
	    readiness_ratio(UINT64_MAX, UINT64_MAX, 1000, 0), 1000);
	assert_int_equal(
	    readiness_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 0), 999);
	assert_int_equal(
	    readiness_ratio(UINT64_MAX - 1, UINT64_MAX, 1000, 1), 1000);
	assert_int_equal(
	    readiness_ratio(UINT64_MAX / 2, UINT64_MAX, 10000, 0), 4999);
	assert_int_equal(readiness_ratio(1, UINT64_MAX, 10000, 1), 1);
	assert_int_equal(
	    readiness_ratio(123456789, 1000000000, 10000, 0), 1234);
}

static void
test_stable(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	policy(&now, "quarantine", 100, "n");
	now.since = T0 - 3 * DAY - 3600;
	inputs(&in);
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.step_now, 2);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_string_equal(find(&r, "stable")->text,
	    "p=quarantine has been reported for 3 days, since 2024-05-11 "
	    "(needs 7)");
	assert_string_equal(r.next_step, "p=reject; t=y; pct=0");

	now.since = T0 - 7 * DAY;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_int_equal(r.ready, 1);

	/* A since after reported_at, or none: held 0 days. */
	now.since = T0 + DAY;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_contains(find(&r, "stable")->text, "for 0 days");
	now.since = 0;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);

	/* Not asked of p=none. */
	policy(&now, "none", -1, "");
	now.since = T0;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
}

static void
test_new_sources_warn(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	policy(&now, "none", -1, "");
	inputs(&in);
	in.new_sources = 2;
	in.new_messages = 40;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(find(&r, "new_sources")->met, -1);
	assert_int_equal(r.ready, 1);
	assert_string_equal(find(&r, "new_sources")->text,
	    "2 sources first seen in the last 7 days sent 40 messages: set up "
	    "any that are yours (SPF, DKIM) before the step");
}

static void
test_last_step(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	policy(&now, "reject", -1, "");
	inputs(&in);
	in.published = "v=DMARC1; p=reject; rua=mailto:d@example.com";
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_int_equal(r.step_now, 4);
	assert_int_equal(r.ready, 0);
	assert_int_equal(r.next_step_no, -1);
	assert_string_equal(r.next_step, "");
	assert_string_equal(r.next_record, "");
	assert_string_equal(r.policy_now, "p=reject");
	/* The reasons still say how the domain fares. */
	assert_int_equal(r.n_reasons, 5);
	for (size_t i = 0; i < r.n_reasons; i++)
		assert_int_not_equal(r.reasons[i].met, 0);
}

static const struct {
	int known;
	const char *p;
	int pct;
	const char *t;
	int step;
} step_cases[] = {
    {1, "none", -1, "", 0},
    {1, "none", 50, "y", 0},
    {1, "quarantine", 0, "", 1},
    {1, "quarantine", 50, "", 1},
    {1, "quarantine", 99, "n", 1},
    {1, "quarantine", 100, "y", 1},
    {1, "quarantine", -1, "y", 1},
    {1, "quarantine", -1, "", 2},
    {1, "quarantine", 100, "n", 2},
    {1, "reject", 0, "", 3},
    {1, "reject", 50, "", 3},
    {1, "reject", -1, "y", 3},
    {1, "reject", 100, "", 4},
    {1, "reject", -1, "n", 4},
    {1, "REJECT", -1, "", 4},
    {1, "", -1, "", 0},
    {1, "garbage", -1, "", 0},
    {0, "reject", -1, "", 0},
};

static void
test_step_table(void **state)
{
	static const char *const policies[] = {"p=none",
	    "p=quarantine; t=y; pct=0", "p=quarantine", "p=reject; t=y; pct=0",
	    "p=reject"};
	struct policy_state now;

	for (size_t i = 0; i < sizeof(step_cases) / sizeof(step_cases[0]);
	     i++) {
		policy(
		    &now, step_cases[i].p, step_cases[i].pct, step_cases[i].t);
		now.known = step_cases[i].known;
		if (readiness_step_of(&now) != step_cases[i].step)
			fail_msg("case %zu (%s pct %d t %s): step %d", i,
			    step_cases[i].p, step_cases[i].pct, step_cases[i].t,
			    readiness_step_of(&now));
	}
	assert_int_equal(readiness_step_of(NULL), 0);
	for (int s = 0; s < 5; s++)
		assert_string_equal(readiness_step_policy(s), policies[s]);
	assert_string_equal(readiness_step_policy(-1), "");
	assert_string_equal(readiness_step_policy(5), "");

	policy(&now, "quarantine", 50, "y");
	strcpy(now.sp, "none");
	strcpy(now.np, "reject");
	{
		struct readiness_inputs in;
		struct readiness r;

		inputs(&in);
		readiness_judge(&th, "example.com", &now, &in, &r);
		assert_string_equal(r.policy_now,
		    "p=quarantine; sp=none; np=reject; pct=50; t=y");
		assert_string_equal(r.next_step, "p=quarantine");
		/* What reporters fill in by default is not said. */
		strcpy(now.sp, "quarantine");
		strcpy(now.np, "quarantine");
		readiness_judge(&th, "example.com", &now, &in, &r);
		assert_string_equal(r.policy_now, "p=quarantine; pct=50; t=y");
		strcpy(now.np, "none");
		readiness_judge(&th, "example.com", &now, &in, &r);
		assert_string_equal(
		    r.policy_now, "p=quarantine; np=none; pct=50; t=y");
	}
}

/* The next record for a policy and a published record. */
static const struct {
	const char *p;
	int pct;
	const char *t;
	const char *published;
	const char *want;
} record_cases[] = {
    /* rua, ruf, fo kept in their order. */
    {"none", -1, "",
        "v=DMARC1; p=none; rua=mailto:d@example.com; "
        "ruf=mailto:f@example.com; fo=1",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:d@example.com; "
        "ruf=mailto:f@example.com; fo=1"},
    /* pct=50 on the way to full quarantine: pct goes. */
    {"quarantine", 50, "",
        "v=DMARC1; p=quarantine; pct=50; rua=mailto:d@example.com",
        "v=DMARC1; p=quarantine; rua=mailto:d@example.com"},
    /* pct kept in its place with the test value; t added after p. */
    {"none", -1, "", "v=DMARC1;p=none;rua=mailto:a@example.com;pct=50",
        "v=DMARC1; p=quarantine; t=y; rua=mailto:a@example.com; pct=0"},
    /* Test at reject to full reject: t and pct go. */
    {"reject", 0, "y",
        "v=DMARC1; p=reject; t=y; pct=0; sp=none; rua=mailto:d@example.com",
        "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"},
    /* Full quarantine to a reject test. */
    {"quarantine", -1, "",
        "  V = dmarc1 ;  p = quarantine ; adkim=s;\taspf = r ; ",
        "v=DMARC1; p=reject; t=y; pct=0; adkim=s; aspf=r"},
    /* No p at all: added after v.  A repeated tag kept once. */
    {"none", -1, "", "v=DMARC1; rua=mailto:a@example.com; fo=1; fo=0",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:a@example.com; "
        "fo=1"},
    {"none", -1, "", "v=DMARC1; p=none; p=reject; rua=x",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=x"},
    /* Hostile: escapes, quotes, backslashes, non-ASCII and odd names
     * never pass; a tag without a value or '=' goes. */
    {"none", -1, "",
        "v=DMARC1; p=none\r\n; rua=mailto:a@ex\x1b[2Jample.com\"; "
        "ruf=mailto:\xc3\xa9t\xe2\x80\xae@example.com\\; x-evil=1; "
        "\"quoted\"=2; fo=; junk; ri=86400",
        "v=DMARC1; p=quarantine; t=y; pct=0; "
        "rua=mailto:a@ex[2Jample.com; ruf=mailto:t@example.com; "
        "quoted=2; ri=86400"},
    /* Not a DMARC record: built from the reported policy instead. */
    {"none", -1, "", "v=spf1 -all",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS"},
    {"none", -1, "", "p=none; v=DMARC1",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS"},
    {"none", -1, "", "",
        "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS"},
    {"none", -1, "", "v=DMARC1\x1b", "v=DMARC1; p=quarantine; t=y; pct=0"},
};

static void
test_next_record(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	for (size_t i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]);
	     i++) {
		policy(&now, record_cases[i].p, record_cases[i].pct,
		    record_cases[i].t);
		inputs(&in);
		in.published = record_cases[i].published;
		readiness_judge(&th, "example.com", &now, &in, &r);
		if (strcmp(r.next_record, record_cases[i].want) != 0)
			fail_msg("case %zu: got '%s'", i, r.next_record);
	}
}

static void
test_next_record_hostile_bytes(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;
	char pub[1200];

	/* Every byte value, in tags and around them: only printable ASCII
	 * without quote or backslash comes out. */
	policy(&now, "none", -1, "");
	inputs(&in);
	for (int round = 0; round < 4; round++) {
		size_t o = 0;

		o += (size_t)snprintf(pub, sizeof(pub), "v=DMARC1; p=none; ");
		for (int b = 1; b < 256 && o + 8 < sizeof(pub); b++) {
			pub[o++] = (char)b;
			if ((b + round) % 7 == 0)
				pub[o++] = '=';
			if ((b + round) % 11 == 0)
				pub[o++] = ';';
		}
		pub[o] = '\0';
		in.published = pub;
		readiness_judge(&th, "example.com", &now, &in, &r);
		assert_true(strncmp(r.next_record,
		                "v=DMARC1; p=quarantine; t=y; pct=0", 34) == 0);
		for (const unsigned char *p =
		         (const unsigned char *)r.next_record;
		     *p; p++)
			if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
				fail_msg("round %d: byte 0x%02x in '%s'", round,
				    *p, r.next_record);
	}

	/* Too long for the record: other tags go from the end, whole. */
	{
		char longrec[2000];
		size_t len;

		memset(longrec, 0, sizeof(longrec));
		strcpy(longrec, "v=DMARC1; p=none; fo=1; rua=mailto:");
		len = strlen(longrec);
		memset(longrec + len, 'a', 700);
		strcpy(longrec + len + 700, "@example.com; ri=3600");
		in.published = longrec;
		readiness_judge(&th, "example.com", &now, &in, &r);
		assert_string_equal(
		    r.next_record, "v=DMARC1; p=quarantine; t=y; pct=0; fo=1");
	}
}

static void
test_record_from_reported(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	/* sp differs from p, np from sp, adkim strict: all said. */
	policy(&now, "none", -1, "");
	strcpy(now.sp, "quarantine");
	strcpy(now.np, "reject");
	strcpy(now.adkim, "s");
	strcpy(now.aspf, "r");
	inputs(&in);
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; sp=quarantine; np=reject; "
	    "adkim=s; rua=mailto:YOUR-ADDRESS");

	/* What reporters fill in by default is not pinned. */
	policy(&now, "quarantine", -1, "");
	strcpy(now.sp, "quarantine");
	strcpy(now.np, "quarantine");
	strcpy(now.adkim, "r");
	strcpy(now.aspf, "s");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=reject; t=y; pct=0; aspf=s; rua=mailto:YOUR-ADDRESS");

	/* Garbage a report carried is not copied. */
	policy(&now, "none", -1, "");
	strcpy(now.sp, "qu\"ar");
	strcpy(now.np, "\x1b[31m");
	strcpy(now.adkim, "x");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_string_equal(r.policy_now, "p=none");
}

static void
test_subdomain_advice(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r;

	/* No subdomain mail over a full period: sp=reject. */
	policy(&now, "none", -1, "");
	inputs(&in);
	in.sub_messages = in.sub_passed = in.sub_names = 0;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_contains(r.sp_advice,
	    "no mail came from subdomains of "
	    "example.com in the last 14 days");
	assert_contains(r.sp_advice, "sp=reject");
	assert_string_equal(r.np_advice, "");
	/* Not on a short period, and not when sp is reject already. */
	in.days_with_data = 5;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.sp_advice, "");
	in.days_with_data = 14;
	strcpy(now.sp, "reject");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.sp_advice, "");

	/* Subdomain mail that passes, an explicit sp below p. */
	policy(&now, "quarantine", -1, "");
	strcpy(now.sp, "none");
	inputs(&in);
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.sp_advice,
	    "subdomains of example.com send mail that passes DMARC (200 of "
	    "200 messages) but sp=none keeps them below p=quarantine: remove "
	    "sp= so they follow p");
	strcpy(now.sp, "quarantine");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.sp_advice, "");

	/* Made-up subdomain names: np=reject, unless np in force is. */
	policy(&now, "none", -1, "");
	inputs(&in);
	in.sub_names = 5;
	in.sub_names_failing = 3;
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.np_advice,
	    "3 subdomain names of example.com sent only failing mail (of 5 "
	    "seen): if they do not exist, add np=reject so receivers refuse "
	    "mail from non-existent subdomains (RFC 9989)");
	policy(&now, "reject", -1, "");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.np_advice, "");
	strcpy(now.sp, "none"); /* np follows sp, not p */
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_contains(r.np_advice, "np=reject");
	strcpy(now.np, "reject");
	readiness_judge(&th, "example.com", &now, &in, &r);
	assert_string_equal(r.np_advice, "");

	/* A hostile domain name stays printable. */
	policy(&now, "none", -1, "");
	readiness_judge(&th, "ex\x1b[2Jample.com", &now, &in, &r);
	assert_contains(r.np_advice, "ex?[2Jample.com");
}

/* Three sources with failing mail and one without. */
static struct source wsrc[] = {
    {.ip = "192.0.2.1",
        .cls = SOURCE_LEGITIMATE,
        .messages = 1000,
        .passed = 989,
        .failed = 11},
    {.ip = "192.0.2.2",
        .cls = SOURCE_FORWARDER,
        .messages = 300,
        .passed = 100,
        .failed = 200},
    {.ip = "192.0.2.3", .cls = SOURCE_SPOOFING, .messages = 500, .failed = 500},
    {.ip = "192.0.2.4", .cls = SOURCE_LEGITIMATE, .messages = 50, .passed = 50},
};

static void
test_whatif(void **state)
{
	struct source_list l = {wsrc, 4};
	struct whatif w;
	struct err err;

	assert_int_equal(whatif_compute("reject", 100, &l, &w, &err), 0);
	assert_string_equal(w.policy, "reject");
	assert_int_equal(w.messages, 1850);
	assert_int_equal(w.total_affected, 711);
	assert_int_equal(w.affected[SOURCE_LEGITIMATE], 11);
	assert_int_equal(w.affected[SOURCE_FORWARDER], 200);
	assert_int_equal(w.affected[SOURCE_SPOOFING], 500);
	assert_int_equal(w.affected[SOURCE_UNKNOWN], 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[0].src->ip, "192.0.2.3");
	assert_string_equal(w.v[1].src->ip, "192.0.2.2");
	assert_string_equal(w.v[2].src->ip, "192.0.2.1");
	whatif_free(&w);
	assert_null(w.v);

	/* Rounded down per source: 11 * 50% = 5. */
	assert_int_equal(whatif_compute("Quarantine", 50, &l, &w, &err), 0);
	assert_string_equal(w.policy, "quarantine");
	assert_int_equal(w.total_affected, 5 + 100 + 250);
	assert_int_equal(w.v[2].affected, 5);
	whatif_free(&w);

	/* 1% of 11 is 0: the source is left out. */
	assert_int_equal(whatif_compute("reject", 1, &l, &w, &err), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.total_affected, 2 + 5);
	whatif_free(&w);

	/* pct 0: nothing hit, the volume still counted. */
	assert_int_equal(whatif_compute("reject", 0, &l, &w, &err), 0);
	assert_int_equal(w.n, 0);
	assert_null(w.v);
	assert_int_equal(w.total_affected, 0);
	assert_int_equal(w.messages, 1850);
	whatif_free(&w);

	/* No sources. */
	assert_int_equal(whatif_compute("reject", 100, NULL, &w, &err), 0);
	assert_int_equal(w.n, 0);
	whatif_free(&w);
	whatif_free(NULL);
}

static void
test_whatif_large(void **state)
{
	struct source big[] = {
	    {.ip = "192.0.2.1",
	        .cls = SOURCE_UNKNOWN,
	        .messages = UINT64_MAX,
	        .failed = UINT64_MAX},
	    {.ip = "192.0.2.2",
	        .cls = SOURCE_UNKNOWN,
	        .messages = UINT64_MAX,
	        .failed = UINT64_MAX},
	    /* A class out of range counts as unknown. */
	    {.ip = "192.0.2.3",
	        .cls = (enum source_class)99,
	        .messages = 7,
	        .failed = 7},
	};
	struct source_list l = {big, 1};
	struct whatif w;
	struct err err;

	/* Exact: floor((2^64 - 1) * 99 / 100). */
	assert_int_equal(whatif_compute("reject", 99, &l, &w, &err), 0);
	assert_true(w.v[0].affected == UINT64_C(18262276632972456098));
	whatif_free(&w);
	assert_int_equal(whatif_compute("reject", 100, &l, &w, &err), 0);
	assert_true(w.v[0].affected == UINT64_MAX);
	whatif_free(&w);

	/* Sums saturate instead of wrapping. */
	l.n = 3;
	assert_int_equal(whatif_compute("quarantine", 100, &l, &w, &err), 0);
	assert_true(w.messages == UINT64_MAX);
	assert_true(w.total_affected == UINT64_MAX);
	assert_true(w.affected[SOURCE_UNKNOWN] == UINT64_MAX);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[2].src->ip, "192.0.2.3");
	whatif_free(&w);
}

static void
test_whatif_errors(void **state)
{
	struct source_list l = {wsrc, 4};
	struct whatif w;
	struct err err;

	err_clear(&err);
	assert_int_equal(whatif_compute("none", 100, &l, &w, &err), ERR_USAGE);
	assert_contains(err.msg, "quarantine or reject");
	assert_null(w.v);
	assert_int_equal(
	    whatif_compute("reject\x1b[2J", 100, &l, &w, &err), ERR_USAGE);
	assert_null(strchr(err.msg, '\x1b'));
	assert_int_equal(whatif_compute(NULL, 100, &l, &w, &err), ERR_USAGE);
	assert_int_equal(
	    whatif_compute("reject", 101, &l, &w, &err), ERR_USAGE);
	assert_int_equal(whatif_compute("reject", -1, &l, &w, &err), ERR_USAGE);
	assert_contains(err.msg, "pct");
	whatif_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_ready, setup),
	    cmocka_unit_test_setup(test_not_ready_source, setup),
	    cmocka_unit_test_setup(test_not_enough_data, setup),
	    cmocka_unit_test_setup(test_pass_rate_edges, setup),
	    cmocka_unit_test_setup(test_ratio, setup),
	    cmocka_unit_test_setup(test_stable, setup),
	    cmocka_unit_test_setup(test_new_sources_warn, setup),
	    cmocka_unit_test_setup(test_last_step, setup),
	    cmocka_unit_test_setup(test_step_table, setup),
	    cmocka_unit_test_setup(test_next_record, setup),
	    cmocka_unit_test_setup(test_next_record_hostile_bytes, setup),
	    cmocka_unit_test_setup(test_record_from_reported, setup),
	    cmocka_unit_test_setup(test_subdomain_advice, setup),
	    cmocka_unit_test_setup(test_whatif, setup),
	    cmocka_unit_test_setup(test_whatif_large, setup),
	    cmocka_unit_test_setup(test_whatif_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
