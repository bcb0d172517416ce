/* Unit tests for analyze/readiness.c: the step a policy is on, each
 * readiness outcome with its evidence, senders grouped by who sends and
 * what the next step would hit of them, a published policy ahead of the
 * reported one, the watch after a step, the next TXT record (from a
 * published record, hostile ones too, or from the reported policy), the
 * sp/np advice, record parsing, exact rates and the what-if arithmetic.
 * Every expected number is worked out by hand in a comment beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "err.h"
#include "readiness.h"
#include "senders_fixture.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
/* 2024-05-15T00:00:00Z: 19858 days after 1970-01-01 (2024-01-01 is day
 * 19723; 19858 - 19723 = 135, the 136th day of a leap year: May 15). */
#define T0 1715731200
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Reset before each test, so a failing one leaves no changed threshold
 * behind for the next. */
static struct readiness_thresholds th;

static int
setup(void **state)
{
	readiness_thresholds_default(&th);
	return 0;
}

/* A reported policy; pct -1 and t "" stand for what a report left out. */
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

static struct policy_spec
spec(int p, int sp, int np, int pct)
{
	struct policy_spec s = {.p = p, .sp = sp, .np = np, .pct = pct};

	return s;
}

/* A domain that is ready at p=none: one legitimate source failing 0.5%
 * of all mail; a spoofer at 10% that never counts; a legitimate source
 * that passes everything (not a failing sender). */
static struct source good_sources[] = {
    {.ip = "198.51.100.7",
        .cls = SOURCE_LEGITIMATE,
        .ptr = "mx1.example.com",
        .who = "example.com",
        .messages = 2000,
        .passed = 1950,
        .failed = 50,
        .cause = "dkim_fail"},
    {.ip = "203.0.113.9",
        .cls = SOURCE_SPOOFING,
        .who = "AS64500 EVIL-NET (ZZ)",
        .messages = 1000,
        .failed = 1000,
        .cause = "no_auth"},
    {.ip = "198.51.100.8",
        .cls = SOURCE_LEGITIMATE,
        .who = "example.com",
        .messages = 7000,
        .passed = 7000},
};

/* 14 days, 10000 messages: legitimate 9000 (8950 pass: 99.4%), spoofing
 * 1000; 200 subdomain messages, all passing. */
static void
inputs(struct readiness_inputs *in)
{
	memset(in, 0, sizeof(*in));
	in->days_with_data = 14;
	strcpy(in->first_day, "2024-05-01");
	strcpy(in->last_day, "2024-05-14");
	in->reporters = 3;
	in->messages = 10000;
	in->passed = 8950;
	in->legit_messages = 9000;
	in->legit_passed = 8950;
	in->spoofing = 1000;
	in->sub_messages = 200;
	in->sub_passed = 200;
	in->sub_names = 1;
	fx_set_sources(in, good_sources, NELEM(good_sources));
}

/* All 10000 messages may be the owner's (no spoofer): a sender's share
 * is of the mail that may be the owner's (issue 12), and round shares
 * keep the tests' boundaries plain. */
static void
all_mine(struct readiness_inputs *in, uint64_t passed)
{
	in->legit_messages = 10000;
	in->legit_passed = passed;
	in->spoofing = 0;
}

/* Judges for example.com, releasing what the last judgement of r held
 * (r starts zeroed), so that the leak checker sees every group freed. */
static void
judge(const struct policy_state *now, const struct readiness_inputs *in,
    struct readiness *r)
{
	readiness_free(r);
	readiness_judge(&th, "example.com", now, in, r);
}

static const struct readiness_reason *
find(const struct readiness *r, const char *code)
{
	for (size_t i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i].code, code) == 0)
			return &r->reasons[i];
	fail_msg("no reason %s", code);
	/* Not reached (fail_msg jumps out); the compiler does not know. */
	{
		static const struct readiness_reason none = {"", 0, ""};

		return &none;
	}
}

static int
has(const struct readiness *r, const char *code)
{
	for (size_t i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i].code, code) == 0)
			return 1;
	return 0;
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
	struct readiness r = {0};
	static const char *const order[] = {
	    "data", "pass_rate", "sources", "stable", "new_sources"};

	policy(&now, "none", -1, "");
	inputs(&in);
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 0);
	assert_int_equal(r.step_reported, 0);
	assert_int_equal(r.step_published, -1);
	assert_int_equal(r.waiting, 0);
	assert_int_equal(r.ready, 1);
	assert_int_equal(r.next_step_no, 1);
	assert_string_equal(r.policy_now, "p=none");
	assert_string_equal(r.policy_published, "");
	assert_string_equal(r.next_step, "p=quarantine; t=y; pct=0");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_string_equal(r.rollback_record, "");
	/* At step 0 there is no watch: 5 reasons, in the header's order. */
	assert_int_equal(r.n_reasons, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(r.reasons[i].code, order[i]);
		assert_int_equal(r.reasons[i].met, 1);
	}
	assert_string_equal(find(&r, "data")->text,
	    "14 days with reports (2024-05-01 to 2024-05-14) from 3 reporters, "
	    "10000 messages (needs 14 days)");
	/* 8950 * 1000 / 9000 = 994.4, rounded down: 99.4%. */
	assert_string_equal(find(&r, "pass_rate")->text,
	    "99.4% of the mail that may be yours passed DMARC in the last 14 "
	    "days: 8950 of 9000 messages, from legitimate and unknown sources "
	    "(needs 98%)");
	/* One failing sender (the passing source and the spoofer are no
	 * group): the next step is the test p=quarantine; t=y; pct=0, judged
	 * by the step after, p=quarantine at full strength, which hits all
	 * its 50; of the 9000 messages that may be yours (the spoofer's 1000
	 * are not): 50 * 1000 / 9000 = 5.6 per mille, rounded up 0.6%. */
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.n_blocking, 0);
	assert_int_equal(r.groups[0].hit, 50);
	assert_int_equal(r.groups[0].blocks, 0);
	assert_string_equal(find(&r, "sources")->text,
	    "1 sender that may be yours still fails DMARC, none above 1% of "
	    "the mail that may be yours: the most, example.com "
	    "(198.51.100.7): the step after, p=quarantine, would hit 50 "
	    "messages (0.6%)");
	assert_string_equal(r.judged_as, "p=quarantine");
	assert_string_equal(find(&r, "stable")->text,
	    "p=none: no earlier step to hold before the first one");
	assert_string_equal(r.sp_advice, "");
	assert_string_equal(r.np_advice, "");
	readiness_free(&r);
}

static void
test_not_ready_source(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};
	struct source failing[] = {
	    {.ip = "192.0.2.10",
	        .cls = SOURCE_LEGITIMATE,
	        .service = "SendGrid",
	        .ptr = "o1.sendgrid.net",
	        .who = "SendGrid",
	        .messages = 500,
	        .passed = 20,
	        .failed = 480,
	        .cause = "dkim_unaligned"},
	    {.ip = "192.0.2.11",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "192.0.2.11",
	        .messages = 300,
	        .passed = 100,
	        .failed = 200,
	        .cause = "spf_unaligned"},
	    /* Exactly 1%: allowed ("more than" blocks). */
	    {.ip = "192.0.2.12",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "192.0.2.12",
	        .messages = 100,
	        .failed = 100,
	        .cause = "no_auth"},
	};

	policy(&now, "none", -1, "");
	inputs(&in);
	all_mine(&in, 9990); /* 9990 / 10000 = 99.9%: the rate passes */
	fx_set_sources(&in, failing, 3);
	judge(&now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "pass_rate")->met, 1);
	assert_int_equal(find(&r, "sources")->met, 0);
	/* Hits 480 (4.8%), 200 (2.0%), 100 (exactly 1.0%: not over). */
	assert_int_equal(r.n_groups, 3);
	assert_int_equal(r.n_blocking, 2);
	assert_int_equal(r.groups[0].hit, 480);
	assert_int_equal(r.groups[1].hit, 200);
	assert_int_equal(r.groups[2].hit, 100);
	assert_int_equal(r.groups[2].blocks, 0);
	assert_string_equal(find(&r, "sources")->text,
	    "SendGrid (192.0.2.10): the step after, p=quarantine, would hit "
	    "480 of its 500 messages, 4.8% of the mail that may be yours (at "
	    "most 1%): DKIM passes but signed by another domain; and 1 more "
	    "above the limit");

	/* A sender named by its address alone is not named twice. */
	fx_set_sources(&in, &failing[1], 1);
	judge(&now, &in, &r);
	assert_string_equal(find(&r, "sources")->text,
	    "192.0.2.11: the step after, p=quarantine, would hit 200 of its "
	    "300 messages, 2.0% of the mail that may be yours (at most 1%): "
	    "SPF passes but for another domain (the sender's bounce domain is "
	    "not yours)");

	/* A share of 0 allows none: 1 of 10000 is 0.01%, rounded up 0.1%. */
	th.source_share = 0;
	failing[0].failed = 1;
	fx_set_sources(&in, failing, 1);
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "sources")->met, 0);
	assert_contains(find(&r, "sources")->text,
	    "0.1% of the mail that may be yours (at most 0%)");
	th.source_share = 1;

	/* No failing sender at all. */
	fx_set_sources(&in, failing, 0);
	judge(&now, &in, &r);
	assert_string_equal(find(&r, "sources")->text,
	    "no sender that may be yours fails DMARC");
	assert_int_equal(r.n_groups, 0);
	assert_null(r.groups);
	assert_int_equal(r.ready, 1);
	readiness_free(&r);
}

static void
test_not_enough_data(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", -1, "");
	inputs(&in);
	in.days_with_data = 13;
	judge(&now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "data")->met, 0);
	assert_contains(find(&r, "data")->text, "13 days with reports");

	/* Nothing at all: no report, no mail. */
	memset(&in, 0, sizeof(in));
	memset(&now, 0, sizeof(now));
	now.pct = -1;
	judge(&now, &in, &r);
	assert_int_equal(r.ready, 0);
	assert_int_equal(r.step_now, 0);
	assert_int_equal(r.step_reported, -1);
	assert_string_equal(r.policy_now, "");
	assert_string_equal(find(&r, "data")->text,
	    "no reports in the last 14 days (needs 14 days with reports)");
	assert_int_equal(find(&r, "pass_rate")->met, 0);
	assert_string_equal(find(&r, "pass_rate")->text,
	    "no mail that may be yours in the last 14 days: nothing shows yet "
	    "that your own mail passes DMARC (needs 98%)");
	assert_string_equal(find(&r, "stable")->text,
	    "no policy reported: no earlier step to hold before the first one");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_string_equal(r.sp_advice, "");
	readiness_free(&r);
}

/* Mail that may be yours: legitimate and unknown together; spoofing,
 * forwarded and ignored mail never counts. */
static void
test_pass_rate_mine(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", -1, "");
	inputs(&in);
	/* An ESP not set up: 1000 unknown messages, none passing.
	 * (8950 + 0) / (9000 + 1000) = 0.895: 89.5%, under 98. */
	in.messages = 11000;
	in.unknown_messages = 1000;
	in.unknown_passed = 0;
	in.forwarded = 3000; /* counts nowhere in the rate */
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "pass_rate")->met, 0);
	assert_int_equal(r.ready, 0);
	assert_string_equal(find(&r, "pass_rate")->text,
	    "89.5% of the mail that may be yours passed DMARC in the last 14 "
	    "days: 8950 of 10000 messages, from legitimate and unknown sources "
	    "(needs 98%)");

	/* (8950 + 990) / 10000 = 0.994: 99.4%, met. */
	in.unknown_passed = 990;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "pass_rate")->met, 1);
	assert_contains(find(&r, "pass_rate")->text, "99.4% of the mail");
	assert_contains(find(&r, "pass_rate")->text, "9940 of 10000 messages");

	/* Only unknown mail: 980 / 1000 = exactly 98.0%, met. */
	in.legit_messages = in.legit_passed = 0;
	in.unknown_passed = 980;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "pass_rate")->met, 1);
	assert_contains(find(&r, "pass_rate")->text, "98.0% of the mail");

	/* Only mail that is not yours: spoofing 1000, forwarded 3000,
	 * ignored 500: no mail that may be yours, not met. */
	in.unknown_messages = in.unknown_passed = 0;
	in.ignored = 500;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "pass_rate")->met, 0);
	assert_string_equal(find(&r, "pass_rate")->text,
	    "no mail that may be yours in the last 14 days: nothing shows yet "
	    "that your own mail passes DMARC (needs 98%)");
	assert_int_equal(r.ready, 0);
	readiness_free(&r);
}

static void
test_pass_rate_edges(void **state)
{
	/* passed/messages split between legitimate (l) and unknown (u). */
	static const struct {
		uint64_t lpassed, lmessages, upassed, umessages;
		int threshold, met;
		const char *shown;
	} cases[] = {
	    {19599, 20000, 0, 0, 98, 0, "97.9%"}, /* 97.995% */
	    {9800, 10000, 0, 0, 98, 1, "98.0%"},
	    {9799, 10000, 0, 0, 98, 0, "97.9%"},
	    {19999, 20000, 0, 0, 100, 0, "99.9%"}, /* 99.995% never 100% */
	    {20000, 20000, 0, 0, 100, 1, "100.0%"},
	    {1, 3, 0, 0, 50, 0, "33.3%"},
	    {UINT64_MAX - 1, UINT64_MAX, 0, 0, 100, 0, "99.9%"},
	    {UINT64_MAX, UINT64_MAX, 0, 0, 100, 1, "100.0%"},
	    {UINT64_MAX / 100 * 98, UINT64_MAX, 0, 0, 98, 0, "97.9%"},
	    /* (4900 + 4900) / (5000 + 5000) = 98.0% */
	    {4900, 5000, 4900, 5000, 98, 1, "98.0%"},
	    /* (5000 + 4799) / 10000 = 97.99%: 97.9% */
	    {5000, 5000, 4799, 5000, 98, 0, "97.9%"},
	    /* 1 / (0 + 3): the unknown class alone */
	    {0, 0, 1, 3, 33, 1, "33.3%"},
	    /* 0 / 1 */
	    {0, 0, 0, 1, 1, 0, "0.0%"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};
	char want[48];

	policy(&now, "none", -1, "");
	for (size_t i = 0; i < NELEM(cases); i++) {
		inputs(&in);
		in.legit_passed = cases[i].lpassed;
		in.legit_messages = cases[i].lmessages;
		in.unknown_passed = cases[i].upassed;
		in.unknown_messages = cases[i].umessages;
		/* No failing sender: ready follows the rate alone (a sender
		 * is judged against the mail that may be yours, here as
		 * small as 3 messages). */
		fx_set_sources(&in, &good_sources[1], 2);
		th.pass_rate = cases[i].threshold;
		judge(&now, &in, &r);
		if (find(&r, "pass_rate")->met != cases[i].met)
			fail_msg(
			    "case %zu: met %d", i, find(&r, "pass_rate")->met);
		snprintf(want, sizeof(want), "%s of the mail that may be yours",
		    cases[i].shown);
		if (strncmp(find(&r, "pass_rate")->text, want, strlen(want)) !=
		    0)
			fail_msg(
			    "case %zu: %s", i, find(&r, "pass_rate")->text);
		assert_int_equal(r.ready, cases[i].met);
	}
	readiness_free(&r);
}

/* An ESP not set up: SendGrid from 3 addresses, each 7% of all mail, all
 * failing; and large failing mail of spoofers, forwarders and ignored
 * sources, which never block and are never grouped. */
static void
test_sender_group(void **state)
{
	struct source src[] = {
	    {.ip = "192.0.2.21",
	        .cls = SOURCE_UNKNOWN,
	        .service = "SendGrid",
	        .who = "SendGrid",
	        .messages = 700,
	        .failed = 700,
	        .cause = "dkim_unaligned"},
	    {.ip = "192.0.2.22",
	        .cls = SOURCE_UNKNOWN,
	        .service = "SendGrid",
	        .who = "SendGrid",
	        .messages = 700,
	        .failed = 700,
	        .cause = "dkim_unaligned"},
	    {.ip = "192.0.2.23",
	        .cls = SOURCE_UNKNOWN,
	        .service = "SendGrid",
	        .who = "SendGrid",
	        .messages = 700,
	        .failed = 700,
	        .cause = "dkim_unaligned"},
	    /* The owner ignored one SendGrid address: not in the group. */
	    {.ip = "192.0.2.24",
	        .cls = SOURCE_IGNORED,
	        .service = "SendGrid",
	        .who = "SendGrid",
	        .messages = 300,
	        .failed = 300,
	        .cause = "dkim_unaligned"},
	    {.ip = "203.0.113.1",
	        .cls = SOURCE_SPOOFING,
	        .who = "AS64500 EVIL-NET (ZZ)",
	        .messages = 500,
	        .failed = 500,
	        .cause = "no_auth"},
	    {.ip = "198.51.100.20",
	        .cls = SOURCE_FORWARDER,
	        .who = "lists.example.org",
	        .messages = 400,
	        .failed = 400,
	        .forwarded = 400,
	        .cause = "dkim_fail"},
	    /* Legitimate and passing: no failing sender. */
	    {.ip = "192.0.2.1",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "example.com",
	        .messages = 6700,
	        .passed = 6700},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};
	const struct readiness_group *g;

	/* 3 * 700 + 300 + 500 + 400 + 6700 = 10000 messages. */
	policy(&now, "none", -1, "");
	inputs(&in);
	fx_set_sources(&in, src, NELEM(src));
	in.legit_messages = in.legit_passed = 6700;
	in.unknown_messages = 2100;
	in.spoofing = 500;
	in.forwarded = 400;
	in.ignored = 300;
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.n_blocking, 1);
	g = &r.groups[0];
	assert_string_equal(g->s.who, "SendGrid");
	assert_int_equal(g->s.n, 3);
	assert_int_equal(g->s.cls, SOURCE_UNKNOWN);
	/* Summed: 3 * 700. */
	assert_int_equal(g->s.messages, 2100);
	assert_int_equal(g->s.failed, 2100);
	assert_int_equal(g->s.passed, 0);
	/* Step 1 judged as full quarantine: all 2100 hit, over 1%. */
	assert_int_equal(g->hit, 2100);
	assert_int_equal(g->blocks, 1);
	for (size_t i = 0; i < g->s.n; i++)
		assert_int_equal(g->s.v[i]->cls, SOURCE_UNKNOWN);
	assert_int_equal(find(&r, "sources")->met, 0);
	/* Of the mail that may be yours, 6700 + 2100 = 8800 (spoofing,
	 * forwarders and ignored sources left out): 2100 * 1000 / 8800 =
	 * 238.6 per mille, rounded up 23.9%. */
	assert_int_equal(g->share, 239);
	assert_string_equal(find(&r, "sources")->text,
	    "unknown sender SendGrid (3 addresses): the step after, "
	    "p=quarantine, would hit 2100 of its 2100 messages, 23.9% of the "
	    "mail that may be yours (at most 1%): DKIM passes but signed by "
	    "another domain");
	assert_int_equal(r.ready, 0);

	/* Without SendGrid, 1200 failing messages of spoofers, forwarders
	 * and ignored sources (12%) block nothing. */
	fx_set_sources(&in, &src[3], NELEM(src) - 3);
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 0);
	assert_int_equal(r.n_blocking, 0);
	assert_int_equal(find(&r, "sources")->met, 1);
	assert_string_equal(find(&r, "sources")->text,
	    "no sender that may be yours fails DMARC");
	readiness_free(&r);
}

/* A sender spread over addresses each under the limit. */
static void
test_sender_spread(void **state)
{
	struct source src[] = {
	    {.ip = "192.0.2.31",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "Mailgun",
	        .messages = 100,
	        .passed = 10,
	        .failed = 90,
	        .cause = "spf_unaligned"},
	    {.ip = "192.0.2.32",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "Mailgun",
	        .messages = 100,
	        .passed = 10,
	        .failed = 90,
	        .cause = "spf_unaligned"},
	    {.ip = "192.0.2.33",
	        .cls = SOURCE_UNKNOWN,
	        .who = "Mailgun",
	        .messages = 100,
	        .passed = 10,
	        .failed = 90,
	        .cause = "spf_unaligned"},
	    {.ip = "192.0.2.34",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "Mailgun",
	        .messages = 100,
	        .passed = 10,
	        .failed = 90,
	        .cause = "spf_unaligned"},
	    {.ip = "192.0.2.99",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "192.0.2.99",
	        .messages = 90,
	        .failed = 90,
	        .cause = "no_auth"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", -1, "");
	inputs(&in);
	all_mine(&in, 9550); /* 10000 messages */
	fx_set_sources(&in, src, NELEM(src));
	judge(&now, &in, &r);
	/* Mailgun: 4 * 90 = 360 hit, 3.6%: blocks though each address is
	 * 0.9%.  The lone address: 90, 0.9%: does not.  A legitimate
	 * member makes the group legitimate. */
	assert_int_equal(r.n_groups, 2);
	assert_int_equal(r.n_blocking, 1);
	assert_string_equal(r.groups[0].s.who, "Mailgun");
	assert_int_equal(r.groups[0].s.n, 4);
	assert_int_equal(r.groups[0].s.cls, SOURCE_LEGITIMATE);
	assert_int_equal(r.groups[0].hit, 360);
	assert_int_equal(r.groups[0].s.failed, 360);
	assert_int_equal(r.groups[0].s.messages, 400);
	assert_int_equal(r.groups[0].blocks, 1);
	assert_string_equal(r.groups[1].s.who, "192.0.2.99");
	assert_int_equal(r.groups[1].hit, 90);
	assert_int_equal(r.groups[1].blocks, 0);
	assert_string_equal(find(&r, "sources")->text,
	    "Mailgun (4 addresses): the step after, p=quarantine, would hit "
	    "360 of its 400 messages, 3.6% of the mail that may be yours (at "
	    "most 1%): SPF passes but for another domain (the sender's bounce "
	    "domain is not yours)");
	assert_int_equal(r.ready, 0);

	/* One Mailgun address alone: 90 = 0.9%, under the limit. */
	fx_set_sources(&in, src, 1);
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.n_blocking, 0);
	assert_int_equal(find(&r, "sources")->met, 1);
	assert_string_equal(find(&r, "sources")->text,
	    "1 sender that may be yours still fails DMARC, none above 1% of "
	    "the mail that may be yours: the most, Mailgun (192.0.2.31): the "
	    "step after, p=quarantine, would hit 90 messages (0.9%)");

	/* Two of the lone senders: 2 senders, the most named. */
	fx_set_sources(&in, &src[3], 2);
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 2);
	assert_contains(find(&r, "sources")->text,
	    "2 senders that may be yours still fail DMARC, none above 1%");
	readiness_free(&r);
}

/* Groups sort by what the step would hit, not by what fails: at
 * p=quarantine; sp=none the next step (p=reject; t=y; pct=0, judged as
 * p=reject) keeps sp=none, so subdomain mail is not hit. */
static void
test_sender_order(void **state)
{
	struct source src[] = {
	    /* failed 1000, of it 950 From subdomains: hit 1000 - 950 = 50 */
	    {.ip = "192.0.2.40",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "x.example",
	        .messages = 1000,
	        .failed = 1000,
	        .failed_sub = 950,
	        .cause = "dkim_fail"},
	    {.ip = "192.0.2.41",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "y.example",
	        .messages = 300,
	        .failed = 300,
	        .cause = "dkim_fail"},
	    {.ip = "192.0.2.42",
	        .cls = SOURCE_UNKNOWN,
	        .who = "z.example",
	        .messages = 120,
	        .failed = 120,
	        .cause = "no_auth"},
	    {.ip = "192.0.2.43",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "w.example",
	        .messages = 80,
	        .failed = 80,
	        .cause = "no_auth"},
	};
	static const char *const order[] = {
	    "y.example", "z.example", "w.example", "x.example"};
	static const uint64_t hits[] = {300, 120, 80, 50};
	static const int blocks[] = {1, 1, 0, 0};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 100, "n");
	strcpy(now.sp, "none");
	inputs(&in);
	all_mine(&in, 9950); /* shares of 10000 */
	fx_set_sources(&in, src, NELEM(src));
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 2);
	/* 300 (3.0%) and 120 (1.2%) block; 80 (0.8%) and 50 (0.5%) do not. */
	assert_int_equal(r.n_groups, 4);
	assert_int_equal(r.n_blocking, 2);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(r.groups[i].s.who, order[i]);
		assert_int_equal(r.groups[i].hit, hits[i]);
		assert_int_equal(r.groups[i].blocks, blocks[i]);
	}
	assert_string_equal(find(&r, "sources")->text,
	    "y.example (192.0.2.41): the step after, p=reject, would hit 300 "
	    "of its 300 messages, 3.0% of the mail that may be yours (at most "
	    "1%): DKIM fails: a signature for your domain did not verify "
	    "(forwarding or content changes, or a wrong key); and 1 more above "
	    "the limit");

	/* readiness_free() releases the groups and may be called again. */
	readiness_free(&r);
	assert_null(r.groups);
	assert_int_equal(r.n_groups, 0);
	assert_int_equal(r.n_blocking, 0);
	readiness_free(&r);
	readiness_free(NULL);
}

/* Counts of any size: sums saturate. */
static void
test_sender_saturate(void **state)
{
	struct source src[] = {
	    {.ip = "192.0.2.1",
	        .cls = SOURCE_UNKNOWN,
	        .who = "Big",
	        .messages = UINT64_MAX,
	        .failed = UINT64_MAX,
	        .cause = "no_auth"},
	    {.ip = "192.0.2.2",
	        .cls = SOURCE_UNKNOWN,
	        .who = "Big",
	        .messages = UINT64_MAX,
	        .failed = UINT64_MAX,
	        .cause = "no_auth"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", -1, "");
	inputs(&in);
	in.messages = UINT64_MAX;
	fx_set_sources(&in, src, 2);
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 1);
	assert_true(r.groups[0].hit == UINT64_MAX);
	assert_true(r.groups[0].s.failed == UINT64_MAX);
	assert_int_equal(r.groups[0].blocks, 1);
	/* Capped at the whole: 100.0%. */
	assert_contains(
	    find(&r, "sources")->text, "100.0% of the mail that may be yours");
	readiness_free(&r);
}

/* What a policy hits of one source's failing mail: 100 failed, 40 of it
 * From subdomains (sp), 10 of those from made-up names (np). */
static void
test_hit(void **state)
{
	struct source s = {.ip = "192.0.2.1",
	    .failed = 100,
	    .failed_sub = 40,
	    .failed_np = 10};
	static const struct {
		int p, sp, np, pct;
		uint64_t hit;
	} cases[] = {
	    /* org 60 + subdomain 30 + made-up 10 */
	    {2, -1, -1, 100, 100},
	    /* sp none: org 60; np follows sp: 10 not hit either */
	    {2, 0, -1, 100, 60},
	    /* sp none, np reject: 60 + 10 */
	    {2, 0, 2, 100, 70},
	    /* half of 100 */
	    {2, -1, -1, 50, 50},
	    /* half of 60, half of 70 */
	    {2, 0, -1, 50, 30},
	    {2, 0, 2, 50, 35},
	    /* 70 * 33 / 100 = 23.1: 23 */
	    {2, 0, 2, 33, 23},
	    {2, -1, -1, 0, 0},
	    /* quarantine counts as reject does */
	    {1, -1, -1, 100, 100},
	    /* np none alone: 60 + 30 */
	    {1, -1, 0, 100, 90},
	    /* p none: nothing, unless sp says otherwise: 30 + 10 */
	    {0, -1, -1, 100, 0},
	    {0, 1, -1, 100, 40},
	    /* only made-up names: 10 */
	    {0, 0, 2, 100, 10},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct policy_spec pol =
		    spec(cases[i].p, cases[i].sp, cases[i].np, cases[i].pct);
		uint64_t got = readiness_hit(&s, &pol);

		if (got != cases[i].hit)
			fail_msg("case %zu: hit %llu, not %llu", i,
			    (unsigned long long)got,
			    (unsigned long long)cases[i].hit);
	}

	/* 7 at 50%: 3.5 rounded down. */
	{
		struct source seven = {.failed = 7};
		struct policy_spec pol = spec(1, -1, -1, 50);

		assert_int_equal(readiness_hit(&seven, &pol), 3);
	}
	/* Inconsistent counts are capped: failed_sub at most failed (10),
	 * failed_np at most that. */
	{
		struct source odd = {
		    .failed = 10, .failed_sub = 40, .failed_np = 50};
		struct policy_spec org = spec(2, 0, -1, 100);
		struct policy_spec sub = spec(0, 2, -1, 100);
		struct policy_spec all = spec(2, -1, -1, 100);

		assert_int_equal(readiness_hit(&odd, &org), 0);
		assert_int_equal(readiness_hit(&odd, &sub), 10);
		assert_int_equal(readiness_hit(&odd, &all), 10);
	}
	/* Exact for any count: floor((2^64 - 1) * 99 / 100). */
	{
		struct source big = {.failed = UINT64_MAX};
		struct policy_spec pol = spec(2, -1, -1, 99);

		assert_true(readiness_hit(&big, &pol) ==
		    UINT64_C(18262276632972456098));
		pol.pct = 100;
		assert_true(readiness_hit(&big, &pol) == UINT64_MAX);
	}
}

/* The next step's hit: the next step at full strength, sp and np of the
 * published record, else of the reported policy. */
static void
test_hit_next_step(void **state)
{
	/* failed 300: org 100, subdomains 200 (of them made-up 50). */
	struct source src[] = {
	    {.ip = "192.0.2.60",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "example.net",
	        .messages = 300,
	        .failed = 300,
	        .failed_sub = 200,
	        .failed_np = 50,
	        .cause = "dkim_fail"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 50, "n");
	strcpy(now.sp, "none");
	inputs(&in);
	all_mine(&in, 9900); /* shares of 10000 */
	fx_set_sources(&in, src, 1);
	in.published = "v=DMARC1; p=quarantine; sp=none; pct=50";
	judge(&now, &in, &r);
	/* Step 1 (pct 50) to 2: p=quarantine at 100 (not 50: that would
	 * be 50), sp=none (not following p: that would be 300), np follows
	 * sp: 100 hit, exactly 1% of 10000: does not block. */
	assert_int_equal(r.step_now, 1);
	assert_int_equal(r.step_published, 1);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.groups[0].hit, 100);
	assert_int_equal(r.groups[0].blocks, 0);
	assert_int_equal(find(&r, "sources")->met, 1);

	/* np=quarantine published: the made-up 50 are hit too, 150: 1.5%. */
	in.published = "v=DMARC1; p=quarantine; sp=none; np=quarantine; "
	               "pct=50";
	judge(&now, &in, &r);
	assert_int_equal(r.groups[0].hit, 150);
	assert_int_equal(r.groups[0].blocks, 1);
	assert_int_equal(find(&r, "sources")->met, 0);

	/* Published wins over reported: it says sp=quarantine, receivers
	 * still report sp=none: all 300 hit. */
	in.published = "v=DMARC1; p=quarantine; sp=quarantine; pct=50";
	judge(&now, &in, &r);
	assert_int_equal(r.groups[0].hit, 300);

	/* Nothing published: the reported sp=none, 100 again.  One more
	 * failing message From the domain itself: 101, 1.01%, blocks. */
	in.published = NULL;
	judge(&now, &in, &r);
	assert_int_equal(r.groups[0].hit, 100);
	assert_int_equal(r.groups[0].blocks, 0);
	src[0].failed_sub = 199;
	fx_set_sources(&in, src, 1);
	judge(&now, &in, &r);
	assert_int_equal(r.groups[0].hit, 101);
	assert_int_equal(r.groups[0].blocks, 1);
	assert_contains(find(&r, "sources")->text,
	    "the step would hit 101 of its 300 messages, 1.1% of the mail "
	    "that may be yours");
	readiness_free(&r);
}

static void
test_parse_record(void **state)
{
	struct policy_state st;

	assert_int_equal(readiness_parse_record(NULL, &st), -1);
	assert_int_equal(st.known, 0);

	assert_int_equal(readiness_parse_record(
	                     "v=DMARC1; p=reject; sp=none; pct=50; t=y", &st),
	    0);
	assert_int_equal(st.known, 1);
	assert_string_equal(st.p, "reject");
	assert_string_equal(st.sp, "none");
	assert_string_equal(st.np, "");
	assert_int_equal(st.pct, 50);
	assert_string_equal(st.testing, "y");
	assert_string_equal(st.adkim, "");
	assert_string_equal(st.aspf, "");

	/* Absent pct is 100, absent t is n, absent sp and np are "". */
	assert_int_equal(
	    readiness_parse_record("v=DMARC1; p=quarantine", &st), 0);
	assert_string_equal(st.p, "quarantine");
	assert_int_equal(st.pct, 100);
	assert_string_equal(st.testing, "n");
	assert_string_equal(st.sp, "");
	assert_string_equal(st.np, "");

	/* An invalid pct is 100 (RFC 7489 6.3); an empty tag is dropped. */
	{
		static const char *const bad_pct[] = {
		    "v=DMARC1; p=none; pct=150",
		    "v=DMARC1; p=none; pct=-5",
		    "v=DMARC1; p=none; pct=abc",
		    "v=DMARC1; p=none; pct=50x",
		    "v=DMARC1; p=none; pct=",
		    "v=DMARC1; p=none; pct=99999999999999999999",
		};

		for (size_t i = 0; i < NELEM(bad_pct); i++) {
			assert_int_equal(
			    readiness_parse_record(bad_pct[i], &st), 0);
			if (st.pct != 100)
				fail_msg("'%s': pct %d", bad_pct[i], st.pct);
		}
	}
	assert_int_equal(
	    readiness_parse_record("v=DMARC1; p=none; pct=0", &st), 0);
	assert_int_equal(st.pct, 0);
	/* t other than y is n; an sp that is no policy is left out. */
	assert_int_equal(
	    readiness_parse_record("v=DMARC1; p=none; t=maybe; sp=bogus", &st),
	    0);
	assert_string_equal(st.testing, "n");
	assert_string_equal(st.sp, "");

	/* Tags and values in any case; values come out lower-case.  But
	 * DMARC1 is exactly that (RFC 7489 6.4, RFC 9989): see below. */
	assert_int_equal(readiness_parse_record(
	                     "V=DMARC1; P=Reject; SP=None; NP=QUARANTINE; "
	                     "PCT=20; T=Y; ADKIM=S; Aspf=s",
	                     &st),
	    0);
	assert_string_equal(st.p, "reject");
	assert_string_equal(st.sp, "none");
	assert_string_equal(st.np, "quarantine");
	assert_int_equal(st.pct, 20);
	assert_string_equal(st.testing, "y");
	assert_string_equal(st.adkim, "s");
	assert_string_equal(st.aspf, "s");

	/* Not a DMARC record with a valid p: -1, nothing known. */
	{
		static const char *const bad[] = {
		    "p=reject; v=DMARC1", /* v not first */
		    "v=spf1 -all",
		    "v=DMARC2; p=reject",
		    "v=dmarc1; p=reject", /* receivers ignore it */
		    "v=DMARC1; sp=reject", /* no p */
		    "v=DMARC1; p=bogus",
		    "v=DMARC1; p=",
		    "v=DMARC1",
		    "",
		};

		for (size_t i = 0; i < NELEM(bad); i++) {
			if (readiness_parse_record(bad[i], &st) != -1)
				fail_msg("'%s' parsed", bad[i]);
			assert_int_equal(st.known, 0);
		}
	}
}

static void
test_whatif_parse(void **state)
{
	struct policy_state base;
	struct policy_spec s;

	/* base: p=quarantine; sp=none; np=reject; pct=50; t=y. */
	policy(&base, "quarantine", 50, "y");
	strcpy(base.sp, "none");
	strcpy(base.np, "reject");

	/* A word: p replaced, pct 100, sp and np from base. */
	assert_int_equal(whatif_parse("reject", &base, &s), 0);
	assert_int_equal(s.p, 2);
	assert_int_equal(s.sp, 0);
	assert_int_equal(s.np, 2);
	assert_int_equal(s.pct, 100);
	assert_int_equal(s.testing, 0);
	assert_int_equal(whatif_parse("quarantine:25", &base, &s), 0);
	assert_int_equal(s.p, 1);
	assert_int_equal(s.pct, 25);
	assert_int_equal(s.sp, 0);
	assert_int_equal(s.np, 2);
	assert_int_equal(whatif_parse("Reject:0", &base, &s), 0);
	assert_int_equal(s.p, 2);
	assert_int_equal(s.pct, 0);
	/* Without a base (or an unknown one) sp and np follow p. */
	assert_int_equal(whatif_parse("reject", NULL, &s), 0);
	assert_int_equal(s.sp, -1);
	assert_int_equal(s.np, -1);
	assert_int_equal(s.pct, 100);
	base.known = 0;
	assert_int_equal(whatif_parse("quarantine:100", &base, &s), 0);
	assert_int_equal(s.sp, -1);
	assert_int_equal(s.np, -1);

	/* Record syntax. */
	assert_int_equal(whatif_parse("p=reject; sp=none", NULL, &s), 0);
	assert_int_equal(s.p, 2);
	assert_int_equal(s.sp, 0);
	assert_int_equal(s.np, -1);
	assert_int_equal(s.pct, 100);
	assert_int_equal(
	    whatif_parse("p=quarantine; np=reject; pct=50; t=y", NULL, &s), 0);
	assert_int_equal(s.p, 1);
	assert_int_equal(s.sp, -1);
	assert_int_equal(s.np, 2);
	assert_int_equal(s.pct, 50);
	assert_int_equal(s.testing, 0);
	/* Subdomains first: p=none will do when sp acts. */
	assert_int_equal(whatif_parse("p=none; sp=quarantine", NULL, &s), 0);
	assert_int_equal(s.p, 0);
	assert_int_equal(s.sp, 1);
	assert_int_equal(s.np, -1);

	/* Neither. */
	{
		static const char *const bad[] = {
		    "none",
		    "none:50",
		    "reject:101",
		    "reject:-1",
		    "reject:",
		    "reject:5x",
		    /* pct as records write it, read by dmarc_pct_parse():
		     * strtol() took a sign and leading space. */
		    "reject: 50",
		    "reject:+50",
		    "reject:0050",
		    "bogus",
		    "reject\x1b[2J",
		    "quarantinequarantine",
		    "p=none",
		    "p=none; sp=none; np=none",
		    "p=bogus",
		    "sp=reject",
		    "",
		};

		for (size_t i = 0; i < NELEM(bad); i++)
			if (whatif_parse(bad[i], NULL, &s) != -1)
				fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(whatif_parse(NULL, NULL, &s), -1);
	}
}

/* Sources of every class with failing mail, one without. */
static struct source wsrc[] = {
    {.ip = "192.0.2.1",
        .cls = SOURCE_LEGITIMATE,
        .messages = 1000,
        .passed = 989,
        .failed = 11},
    /* 200 failed: 50 From subdomains */
    {.ip = "192.0.2.2",
        .cls = SOURCE_FORWARDER,
        .messages = 300,
        .passed = 100,
        .failed = 200,
        .failed_sub = 50},
    /* 500 failed: 300 From subdomains, 100 of them made-up names */
    {.ip = "192.0.2.3",
        .cls = SOURCE_SPOOFING,
        .messages = 500,
        .failed = 500,
        .failed_sub = 300,
        .failed_np = 100},
    {.ip = "192.0.2.4", .cls = SOURCE_LEGITIMATE, .messages = 50, .passed = 50},
    {.ip = "192.0.2.5", .cls = SOURCE_IGNORED, .messages = 80, .failed = 80},
    {.ip = "192.0.2.6", .cls = SOURCE_UNKNOWN, .messages = 70, .failed = 70},
};

/* What pol hits of wsrc, per class and in all, by readiness_hit(): the
 * rule source_whatif() applies in SQL (tests/analysis checks it there). */
static uint64_t
hit_sum(const struct policy_spec *pol, int cls)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < NELEM(wsrc); i++)
		if (cls < 0 || (int)wsrc[i].cls == cls)
			sum += readiness_hit(&wsrc[i], pol);
	return sum;
}

static void
test_whatif_hit(void **state)
{
	struct policy_spec pol;

	/* p=reject: everything failing: 11 + 200 + 500 + 80 + 70 = 861. */
	pol = spec(2, -1, -1, 100);
	assert_int_equal(hit_sum(&pol, -1), 861);
	assert_int_equal(hit_sum(&pol, SOURCE_LEGITIMATE), 11);
	assert_int_equal(hit_sum(&pol, SOURCE_FORWARDER), 200);
	assert_int_equal(hit_sum(&pol, SOURCE_SPOOFING), 500);

	/* sp=none: subdomain mail left out.  Forwarder 200 - 50 = 150,
	 * spoofer 500 - 300 = 200 (np follows sp); 11 + 150 + 200 + 80 + 70
	 * = 511. */
	pol = spec(2, 0, -1, 100);
	assert_int_equal(hit_sum(&pol, SOURCE_FORWARDER), 150);
	assert_int_equal(hit_sum(&pol, SOURCE_SPOOFING), 200);
	assert_int_equal(hit_sum(&pol, -1), 511);

	/* sp=none; np=reject: the spoofer's 100 made-up names too: 611. */
	pol = spec(2, 0, 2, 100);
	assert_int_equal(hit_sum(&pol, SOURCE_SPOOFING), 300);
	assert_int_equal(hit_sum(&pol, -1), 611);

	/* np=none alone: the spoofer 500 - 100. */
	pol = spec(2, -1, 0, 100);
	assert_int_equal(hit_sum(&pol, SOURCE_SPOOFING), 400);

	/* Rounded down per source at 50%: 5 + 100 + 250 + 40 + 35 = 430. */
	pol = spec(1, -1, -1, 50);
	assert_int_equal(hit_sum(&pol, -1), 430);
	assert_int_equal(readiness_hit(&wsrc[0], &pol), 5);

	/* 1%: 11, 80 and 70 give 0; 2 + 5 remain. */
	pol = spec(2, -1, -1, 1);
	assert_int_equal(hit_sum(&pol, -1), 2 + 5);
}

static void
test_whatif(void **state)
{
	/* What source_whatif() would give for p=reject; pct=50 over wsrc:
	 * the two sources hit most shown, three more hit. */
	struct source shown[] = {wsrc[2], wsrc[1]};
	struct source_hits h = {
	    .l = {shown, NELEM(shown)},
	    .affected = (uint64_t[]){250, 100},
	};
	struct policy_spec pol = spec(2, -1, -1, 50);
	int hits[3];
	struct whatif w;
	struct err err;

	h.messages[SOURCE_LEGITIMATE] = 1050;
	h.messages[SOURCE_FORWARDER] = 300;
	h.messages[SOURCE_SPOOFING] = 500;
	h.messages[SOURCE_IGNORED] = 80;
	h.messages[SOURCE_UNKNOWN] = 70;
	h.affected_sum[SOURCE_LEGITIMATE] = 5;
	h.affected_sum[SOURCE_FORWARDER] = 100;
	h.affected_sum[SOURCE_SPOOFING] = 250;
	h.affected_sum[SOURCE_IGNORED] = 40;
	h.affected_sum[SOURCE_UNKNOWN] = 35;
	h.hits[SOURCE_LEGITIMATE] = h.hits[SOURCE_FORWARDER] = 1;
	h.hits[SOURCE_SPOOFING] = h.hits[SOURCE_IGNORED] = 1;
	h.hits[SOURCE_UNKNOWN] = 1;
	assert_int_equal(whatif_compute(&pol, &h, &w, &err), 0);
	assert_string_equal(w.policy, "p=reject; pct=50");
	assert_int_equal(w.reject, 1);
	assert_int_equal(w.messages, 2000);
	assert_int_equal(w.total_affected, 430);
	assert_int_equal(w.affected[SOURCE_IGNORED], 40);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.hit_sources, 5);
	/* 430 - 250 - 100: the three not shown. */
	assert_int_equal(w.more_affected, 80);
	assert_ptr_equal(w.v[0].src, &shown[0]);
	assert_int_equal(w.v[1].affected, 100);
	whatif_free(&w);
	assert_null(w.v);

	/* Where each policy acts. */
	pol = spec(2, 0, -1, 100);
	readiness_spec_hits(&pol, hits);
	assert_true(hits[0] == 1 && hits[1] == 0 && hits[2] == 0);
	pol = spec(0, 1, -1, 100);
	readiness_spec_hits(&pol, hits);
	assert_true(hits[0] == 0 && hits[1] == 1 && hits[2] == 1);
	pol = spec(1, 0, 2, 100);
	readiness_spec_hits(&pol, hits);
	assert_true(hits[0] == 1 && hits[1] == 0 && hits[2] == 1);

	/* No sources: the volume and hits 0, nothing listed. */
	pol = spec(1, -1, -1, 100);
	assert_int_equal(whatif_compute(&pol, NULL, &w, &err), 0);
	assert_int_equal(w.reject, 0);
	assert_int_equal(w.n, 0);
	assert_null(w.v);
	assert_int_equal(w.messages, 0);
	whatif_free(&w);
	whatif_free(NULL);
}

static void
test_whatif_large(void **state)
{
	struct source big = {.ip = "192.0.2.1",
	    .cls = SOURCE_UNKNOWN,
	    .messages = UINT64_MAX,
	    .failed = UINT64_MAX};
	struct source_hits h = {
	    .l = {&big, 1}, .affected = (uint64_t[]){UINT64_MAX}};
	struct policy_spec pol = spec(2, -1, -1, 99);
	struct whatif w;
	struct err err;

	/* Exact: floor((2^64 - 1) * 99 / 100) = 184467440737095516 * 99 +
	 * floor(15 * 99 / 100) = 18262276632972456084 + 14. */
	assert_true(
	    readiness_hit(&big, &pol) == UINT64_C(18262276632972456098));
	pol.pct = 100;
	assert_true(readiness_hit(&big, &pol) == UINT64_MAX);

	/* Sums saturate instead of wrapping. */
	h.messages[SOURCE_UNKNOWN] = h.messages[SOURCE_SPOOFING] = UINT64_MAX;
	h.affected_sum[SOURCE_UNKNOWN] = UINT64_MAX;
	h.affected_sum[SOURCE_SPOOFING] = 7;
	h.hits[SOURCE_UNKNOWN] = 1;
	h.hits[SOURCE_SPOOFING] = 1;
	assert_int_equal(whatif_compute(&pol, &h, &w, &err), 0);
	assert_true(w.messages == UINT64_MAX);
	assert_true(w.total_affected == UINT64_MAX);
	assert_true(w.affected[SOURCE_UNKNOWN] == UINT64_MAX);
	assert_int_equal(w.more_affected, 0);
	assert_int_equal(w.hit_sources, 2);
	whatif_free(&w);
}

static void
test_whatif_errors(void **state)
{
	struct policy_spec pol;
	struct whatif w;
	struct err err;

	err_clear(&err);
	pol = spec(0, -1, -1, 100);
	assert_int_equal(whatif_compute(&pol, NULL, &w, &err), ERR_USAGE);
	assert_contains(err.msg, "acts on no mail");
	assert_null(w.v);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	pol = spec(0, 0, 0, 100);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	/* p=none; sp=quarantine acts: on subdomain mail. */
	pol = spec(0, 1, -1, 100);
	assert_int_equal(whatif_check(&pol, &err), 0);
	assert_int_equal(whatif_compute(&pol, NULL, &w, &err), 0);
	assert_int_equal(w.reject, 0);
	whatif_free(&w);
	pol = spec(3, -1, -1, 100);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	assert_int_equal(whatif_check(NULL, &err), ERR_USAGE);
	assert_int_equal(whatif_compute(NULL, NULL, &w, &err), ERR_USAGE);
	pol = spec(2, -1, -1, 101);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	assert_contains(err.msg, "pct");
	pol = spec(2, -1, -1, -1);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	assert_contains(err.msg, "pct");
	pol = spec(2, 3, -1, 100);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
	pol = spec(2, -1, 3, 100);
	assert_int_equal(whatif_check(&pol, &err), ERR_USAGE);
}

static void
test_stable(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 100, "n");
	now.since = T0 - 3 * DAY - 3600;
	inputs(&in);
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 2);
	assert_int_equal(r.ready, 0);
	assert_int_equal(find(&r, "stable")->met, 0);
	/* T0 - 3 days - 1 hour is 2024-05-11 23:00: 3 whole days. */
	assert_string_equal(find(&r, "stable")->text,
	    "p=quarantine has been reported for 3 days, since 2024-05-11 "
	    "(needs 7)");
	assert_string_equal(r.next_step, "p=reject; t=y; pct=0");

	now.since = T0 - 7 * DAY;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_int_equal(r.ready, 1);

	/* A since after reported_at, or none: held 0 days. */
	now.since = T0 + DAY;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_contains(find(&r, "stable")->text, "for 0 days");
	now.since = 0;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);

	/* Not asked of p=none. */
	policy(&now, "none", -1, "");
	now.since = T0;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
	readiness_free(&r);
}

/* The owner published p=quarantine; receivers still report p=none. */
static void
test_published_ahead(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", 100, "n");
	inputs(&in);
	in.published = "v=DMARC1; p=quarantine; rua=mailto:d@example.com";
	in.confirm.reporters = 3;
	in.confirm.confirming = 1;
	in.confirm.since = 0;
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 2);
	assert_int_equal(r.step_reported, 0);
	assert_int_equal(r.step_published, 2);
	assert_int_equal(r.waiting, 1);
	assert_int_equal(r.ready, 0);
	assert_string_equal(r.policy_now, "p=none");
	assert_string_equal(r.policy_published, "p=quarantine");
	/* The step after the published one, never step 1 again. */
	assert_int_equal(r.next_step_no, 3);
	assert_string_equal(r.next_step, "p=reject; t=y; pct=0");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:d@example.com");
	assert_int_equal(find(&r, "stable")->met, 0);
	/* reported_at T0: 2024-05-15. */
	assert_string_equal(find(&r, "stable")->text,
	    "p=quarantine is published, but receivers still report p=none "
	    "(latest report ends 2024-05-15; 1 of 3 reporters show the new "
	    "policy): wait until they have shown it for 7 days");
	/* From step 1 on, the watch is there: 6 reasons. */
	assert_int_equal(r.n_reasons, 6);
	assert_string_equal(r.reasons[3].code, "stable");
	assert_string_equal(r.reasons[4].code, "watch");
	for (size_t i = 0; i < r.n_reasons; i++)
		if (strcmp(r.reasons[i].code, "stable") != 0)
			assert_int_not_equal(r.reasons[i].met, 0);

	/* Every reporter, for 8 days (since 2024-05-07): held. */
	in.confirm.confirming = 3;
	in.confirm.since = T0 - 8 * DAY;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_int_equal(r.waiting, 0);
	assert_int_equal(r.ready, 1);
	assert_int_equal(r.step_now, 2);
	assert_string_equal(r.next_step, "p=reject; t=y; pct=0");
	assert_string_equal(find(&r, "stable")->text,
	    "p=quarantine is published; receivers report it since 2024-05-07, "
	    "8 days (3 of 3 reporters; needs 7 days, every reporter)");

	/* Not every reporter yet: waiting. */
	in.confirm.confirming = 2;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_int_equal(r.waiting, 1);
	assert_int_equal(r.ready, 0);

	/* Every reporter, for 6 days only (since 2024-05-09). */
	in.confirm.confirming = 3;
	in.confirm.since = T0 - 6 * DAY;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_int_equal(r.waiting, 1);
	assert_contains(find(&r, "stable")->text, "since 2024-05-09, 6 days");
	readiness_free(&r);
}

/* A policy written two ways is one policy. */
static void
test_normalized(void **state)
{
	struct policy_state full, absent;
	struct policy_spec a, b;
	struct readiness_inputs in;
	struct readiness r = {0};
	char record[sizeof(r.next_record)];

	policy(&full, "quarantine", 100, "n");
	policy(&absent, "quarantine", -1, "");
	assert_int_equal(readiness_step_of(&full), 2);
	assert_int_equal(readiness_step_of(&absent), 2);
	readiness_spec_of(&full, &a);
	readiness_spec_of(&absent, &b);
	assert_int_equal(a.p, 1);
	assert_int_equal(b.p, 1);
	assert_int_equal(a.pct, 100);
	assert_int_equal(b.pct, 100);
	assert_int_equal(a.testing, 0);
	assert_int_equal(b.testing, 0);
	assert_int_equal(a.sp, -1);
	assert_int_equal(b.sp, -1);

	inputs(&in);
	judge(&full, &in, &r);
	assert_string_equal(r.policy_now, "p=quarantine");
	snprintf(record, sizeof(record), "%s", r.next_record);
	judge(&absent, &in, &r);
	assert_string_equal(r.policy_now, "p=quarantine");
	assert_string_equal(r.next_record, record);

	/* Published with the defaults written out, reported without them
	 * (and the other way round): the same step, nothing to wait for. */
	in.published = "v=DMARC1; p=quarantine; pct=100; t=n";
	judge(&absent, &in, &r);
	assert_int_equal(r.step_published, 2);
	assert_int_equal(r.step_reported, 2);
	assert_int_equal(r.waiting, 0);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_string_equal(r.policy_published, "p=quarantine");
	in.published = "v=DMARC1; p=quarantine";
	judge(&full, &in, &r);
	assert_int_equal(r.waiting, 0);
	assert_int_equal(find(&r, "stable")->met, 1);

	/* readiness_spec_of: sp and np only where they say something; an
	 * out-of-range pct is 100. */
	policy(&full, "quarantine", 50, "y");
	strcpy(full.sp, "none");
	strcpy(full.np, "reject");
	readiness_spec_of(&full, &a);
	assert_int_equal(a.p, 1);
	assert_int_equal(a.sp, 0);
	assert_int_equal(a.np, 2);
	assert_int_equal(a.pct, 50);
	assert_int_equal(a.testing, 1);
	policy(&full, "reject", 150, "n");
	strcpy(full.sp, "reject");
	strcpy(full.np, "reject");
	readiness_spec_of(&full, &a);
	assert_int_equal(a.sp, -1);
	assert_int_equal(a.np, -1);
	assert_int_equal(a.pct, 100);
	readiness_free(&r);
}

/* After a step, legitimate mail that receivers quarantined or rejected. */
static void
test_watch(void **state)
{
	/* Two legitimate senders failing 90 and 60 (0.9% and 0.6%: neither
	 * blocks the next step), receivers quarantined 70 and rejected 50:
	 * 120 of 10000 lost, 1.2%.  Unknown and spoofing mail that receivers
	 * quarantined is not legitimate mail lost. */
	struct source src[] = {
	    {.ip = "192.0.2.70",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "a.example",
	        .messages = 2000,
	        .passed = 1910,
	        .failed = 90,
	        .quarantined = 70,
	        .cause = "dkim_fail"},
	    {.ip = "192.0.2.71",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "b.example",
	        .messages = 1000,
	        .passed = 940,
	        .failed = 60,
	        .rejected = 50,
	        .cause = "dkim_fail"},
	    {.ip = "192.0.2.72",
	        .cls = SOURCE_UNKNOWN,
	        .who = "c.example",
	        .messages = 50,
	        .passed = 0,
	        .failed = 50,
	        .quarantined = 300,
	        .cause = "no_auth"},
	    {.ip = "203.0.113.9",
	        .cls = SOURCE_SPOOFING,
	        .who = "AS64500 EVIL-NET (ZZ)",
	        .messages = 1000,
	        .failed = 1000,
	        .quarantined = 1000,
	        .cause = "no_auth"},
	};
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 100, "n");
	inputs(&in);
	all_mine(&in, 9850); /* shares of 10000 */
	fx_set_sources(&in, src, NELEM(src));
	in.published = "v=DMARC1; p=quarantine; adkim=s; "
	               "rua=mailto:d@example.com";
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 2);
	assert_int_equal(find(&r, "sources")->met, 1);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_int_equal(find(&r, "watch")->met, 0);
	assert_int_equal(r.ready, 0);
	/* 120 * 1000 / 10000 = 12 per mille: 1.2%, over 1%. */
	assert_string_equal(find(&r, "watch")->text,
	    "receivers quarantined or rejected 120 messages of your "
	    "legitimate mail in the last 14 days, 1.2% of the mail that may "
	    "be yours in those days (at most 1%): roll back to p=quarantine; "
	    "t=y; pct=0, which receivers apply as p=none, until its senders "
	    "pass");
	assert_int_equal(r.rollback_step, 1);
	/* Step 1's record, the published record's tags kept (its rua too). */
	assert_string_equal(r.rollback_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; adkim=s; "
	    "rua=mailto:d@example.com");
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=reject; t=y; pct=0; adkim=s; "
	    "rua=mailto:d@example.com");

	/* 50 + 50 = 100: exactly 1%, a warning only. */
	src[0].quarantined = 50;
	fx_set_sources(&in, src, NELEM(src));
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "watch")->met, -1);
	assert_string_equal(find(&r, "watch")->text,
	    "receivers quarantined or rejected 100 messages of your "
	    "legitimate mail in the last 14 days (1.0% of the mail that may be "
	    "yours in those days): fix its senders before the next step");
	assert_string_equal(r.rollback_record, "");
	assert_int_equal(r.ready, 1);

	/* None lost. */
	src[0].quarantined = 0;
	src[1].rejected = 0;
	fx_set_sources(&in, src, NELEM(src));
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "watch")->met, 1);
	assert_string_equal(find(&r, "watch")->text,
	    "receivers quarantined or rejected none of your legitimate mail in "
	    "the last 14 days");
	assert_int_equal(r.ready, 1);

	/* At step 0 there is no watch, whatever receivers did. */
	src[0].quarantined = 2000;
	fx_set_sources(&in, src, NELEM(src));
	policy(&now, "none", 100, "n");
	in.published = NULL;
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 0);
	assert_false(has(&r, "watch"));
	assert_string_equal(r.rollback_record, "");
	readiness_free(&r);
}

static void
test_new_sources_warn(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", -1, "");
	inputs(&in);
	in.new_sources = 2;
	in.new_messages = 40;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "new_sources")->met, -1);
	assert_int_equal(r.ready, 1);
	assert_string_equal(find(&r, "new_sources")->text,
	    "2 sources first seen in the last 7 days sent 40 messages: set up "
	    "any that are yours (SPF, DKIM) before the step");
	readiness_free(&r);
}

static void
test_last_step(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "reject", -1, "");
	inputs(&in);
	in.published = "v=DMARC1; p=reject; rua=mailto:d@example.com";
	judge(&now, &in, &r);
	assert_int_equal(r.step_now, 4);
	assert_int_equal(r.ready, 0);
	assert_int_equal(r.next_step_no, -1);
	assert_string_equal(r.next_step, "");
	assert_string_equal(r.next_record, "");
	assert_string_equal(r.policy_now, "p=reject");
	/* The reasons still say how the domain fares: 6 with the watch,
	 * none blocking; the sender is judged at p=reject: 50, 0.5%. */
	assert_int_equal(r.n_reasons, 6);
	for (size_t i = 0; i < r.n_reasons; i++)
		assert_int_not_equal(r.reasons[i].met, 0);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.groups[0].hit, 50);
	readiness_free(&r);
}

static const struct {
	int known;
	const char *p;
	int pct; /* -1: absent, as 100 */
	const char *t;
	int step;
} step_cases[] = {
    {1, "none", -1, "", 0},
    {1, "none", 50, "y", 0},
    {1, "none", 100, "n", 0},
    {1, "quarantine", 0, "", 1},
    {1, "quarantine", 0, "n", 1},
    {1, "quarantine", 50, "", 1},
    {1, "quarantine", 99, "n", 1},
    {1, "quarantine", 100, "y", 1},
    {1, "quarantine", 100, "Y", 1},
    {1, "quarantine", -1, "y", 1},
    {1, "quarantine", -1, "", 2},
    {1, "quarantine", 100, "", 2},
    {1, "quarantine", 100, "n", 2},
    {1, "Quarantine", 100, "N", 2},
    {1, "reject", 0, "", 3},
    {1, "reject", 50, "", 3},
    {1, "reject", 99, "n", 3},
    {1, "reject", -1, "y", 3},
    {1, "reject", 100, "", 4},
    {1, "reject", 100, "n", 4},
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
	struct readiness_inputs in;
	struct readiness r = {0};

	for (size_t i = 0; i < NELEM(step_cases); i++) {
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
	inputs(&in);
	judge(&now, &in, &r);
	assert_string_equal(
	    r.policy_now, "p=quarantine; sp=none; np=reject; pct=50; t=y");
	assert_string_equal(r.next_step, "p=quarantine");
	/* What reporters fill in by default is not said. */
	strcpy(now.sp, "quarantine");
	strcpy(now.np, "quarantine");
	judge(&now, &in, &r);
	assert_string_equal(r.policy_now, "p=quarantine; pct=50; t=y");
	strcpy(now.np, "none");
	judge(&now, &in, &r);
	assert_string_equal(r.policy_now, "p=quarantine; np=none; pct=50; t=y");
	readiness_free(&r);
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
    /* Published ahead of reported: the step after the published one. */
    {"none", 100, "n", "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:d@x.example",
        "v=DMARC1; p=reject; rua=mailto:d@x.example"},
};

static void
test_next_record(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	for (size_t i = 0; i < NELEM(record_cases); i++) {
		policy(&now, record_cases[i].p, record_cases[i].pct,
		    record_cases[i].t);
		inputs(&in);
		in.published = record_cases[i].published;
		judge(&now, &in, &r);
		if (strcmp(r.next_record, record_cases[i].want) != 0)
			fail_msg("case %zu: got '%s'", i, r.next_record);
	}
	readiness_free(&r);
}

static void
test_next_record_hostile_bytes(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};
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
		judge(&now, &in, &r);
		assert_true(strncmp(r.next_record,
		                "v=DMARC1; p=quarantine; t=y; pct=0", 34) == 0);
		for (const unsigned char *p =
		         (const unsigned char *)r.next_record;
		     *p; p++)
			if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
				fail_msg("round %d: byte 0x%02x in '%s'", round,
				    *p, r.next_record);
		/* The published policy shown is only our own words. */
		assert_string_equal(r.policy_published, "p=none");
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
		judge(&now, &in, &r);
		assert_string_equal(
		    r.next_record, "v=DMARC1; p=quarantine; t=y; pct=0; fo=1");
	}
	readiness_free(&r);
}

static void
test_record_from_reported(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	/* sp differs from p, np from sp, adkim strict: all said. */
	policy(&now, "none", -1, "");
	strcpy(now.sp, "quarantine");
	strcpy(now.np, "reject");
	strcpy(now.adkim, "s");
	strcpy(now.aspf, "r");
	inputs(&in);
	judge(&now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; sp=quarantine; np=reject; "
	    "adkim=s; rua=mailto:YOUR-ADDRESS");

	/* What reporters fill in by default is not pinned. */
	policy(&now, "quarantine", -1, "");
	strcpy(now.sp, "quarantine");
	strcpy(now.np, "quarantine");
	strcpy(now.adkim, "r");
	strcpy(now.aspf, "s");
	judge(&now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=reject; t=y; pct=0; aspf=s; rua=mailto:YOUR-ADDRESS");

	/* Garbage a report carried is not copied. */
	policy(&now, "none", -1, "");
	strcpy(now.sp, "qu\"ar");
	strcpy(now.np, "\x1b[31m");
	strcpy(now.adkim, "x");
	judge(&now, &in, &r);
	assert_string_equal(r.next_record,
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS");
	assert_string_equal(r.policy_now, "p=none");
	readiness_free(&r);
}

static void
test_subdomain_advice(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	/* No subdomain mail over a full period: sp=reject. */
	policy(&now, "none", -1, "");
	inputs(&in);
	in.sub_messages = in.sub_passed = in.sub_names = 0;
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice,
	    "no mail came from subdomains of example.com in the last 14 days: "
	    "add sp=reject so nobody can send as them (a subdomain with its "
	    "own _dmarc record keeps its policy)");
	assert_string_equal(r.np_advice, "");
	/* Not on a short period, and not when sp is reject already. */
	in.days_with_data = 5;
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice, "");
	in.days_with_data = 14;
	strcpy(now.sp, "reject");
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice, "");

	/* Subdomain mail that passes, an explicit sp below p. */
	policy(&now, "quarantine", -1, "");
	strcpy(now.sp, "none");
	inputs(&in);
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice,
	    "subdomains of example.com send mail that passes DMARC (200 of "
	    "200 messages) but sp=none keeps them below p=quarantine: remove "
	    "sp= so they follow p");
	strcpy(now.sp, "quarantine");
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice, "");

	/* Made-up subdomain names: np=reject, unless np in force is. */
	policy(&now, "none", -1, "");
	inputs(&in);
	in.sub_names = 5;
	in.sub_names_failing = 3;
	judge(&now, &in, &r);
	assert_string_equal(r.np_advice,
	    "3 subdomain names of example.com sent only failing mail (of 5 "
	    "seen): if they do not exist, add np=reject so receivers refuse "
	    "mail from non-existent subdomains (RFC 9989)");
	policy(&now, "reject", -1, "");
	judge(&now, &in, &r);
	assert_string_equal(r.np_advice, "");
	strcpy(now.sp, "none"); /* np follows sp, not p */
	judge(&now, &in, &r);
	assert_contains(r.np_advice, "np=reject");
	strcpy(now.np, "reject");
	judge(&now, &in, &r);
	assert_string_equal(r.np_advice, "");

	/* A hostile domain name stays printable. */
	policy(&now, "none", -1, "");
	readiness_free(&r);
	readiness_judge(&th, "ex\x1b[2Jample.com", &now, &in, &r);
	assert_contains(r.np_advice, "ex?[2Jample.com");
	readiness_free(&r);
}

/* Removing sp= is advised only when no subdomain mail of a sender that
 * may be yours fails; otherwise keep it until that is fixed. */
static void
test_sp_advice_mine(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "reject", 100, "n");
	strcpy(now.sp, "none");
	inputs(&in);
	in.sub_messages = 200;
	in.sub_passed = 150;
	in.sub_mine_failed = 0;
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice,
	    "subdomains of example.com send mail that passes DMARC (150 of "
	    "200 messages) but sp=none keeps them below p=reject: remove sp= "
	    "so they follow p");

	/* 20 of the 50 failing are of senders that may be yours. */
	in.sub_mine_failed = 20;
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice,
	    "keep sp=none for now: 20 messages From subdomains of example.com, "
	    "of senders that may be yours, failed DMARC; fix them before "
	    "subdomains follow p=reject");
	in.sub_mine_failed = 1;
	judge(&now, &in, &r);
	assert_contains(r.sp_advice, "keep sp=none for now: 1 message From");

	/* The published record's sp counts, not what receivers report. */
	strcpy(now.sp, "reject");
	in.sub_mine_failed = 0;
	in.published = "v=DMARC1; p=reject; sp=quarantine";
	judge(&now, &in, &r);
	assert_contains(r.sp_advice,
	    "but sp=quarantine keeps them below p=reject: remove sp=");
	in.published = "v=DMARC1; p=reject";
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice, "");

	/* No subdomain mail passes: nothing to say for sp=. */
	in.published = NULL;
	strcpy(now.sp, "none");
	in.sub_passed = 0;
	judge(&now, &in, &r);
	assert_string_equal(r.sp_advice, "");
	readiness_free(&r);
}

/* A published sp equal to p is meant: p=none; sp=none moving to
 * quarantine keeps subdomains at none, so their failing mail is not hit. */
static void
test_published_sp_kept(void **state)
{
	struct source src[] = {
	    {.ip = "192.0.2.80",
	        .cls = SOURCE_LEGITIMATE,
	        .who = "sub-sender.example",
	        .messages = 1000,
	        .passed = 500,
	        .failed = 500,
	        .failed_sub = 500,
	        .cause = "dkim_fail"},
	};
	struct policy_state now, base;
	struct policy_spec spec;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "none", 100, "n");
	inputs(&in);
	fx_set_sources(&in, src, NELEM(src));
	in.published = "v=DMARC1; p=none; sp=none; rua=mailto:d@example.com";
	judge(&now, &in, &r);
	assert_int_equal(r.n_groups, 1);
	assert_int_equal(r.groups[0].hit, 0);
	assert_int_equal(r.groups[0].blocks, 0);
	/* Without sp in the record, sp follows p: all 500 hit, 5%. */
	in.published = "v=DMARC1; p=none; rua=mailto:d@example.com";
	judge(&now, &in, &r);
	assert_int_equal(r.groups[0].hit, 500);
	assert_int_equal(r.groups[0].blocks, 1);
	readiness_free(&r);

	/* --what-if quarantine keeps a published sp=reject. */
	assert_int_equal(
	    readiness_parse_record("v=DMARC1; p=reject; sp=reject", &base), 0);
	assert_int_equal(whatif_parse("quarantine", &base, &spec), 0);
	assert_int_equal(spec.p, 1);
	assert_int_equal(spec.sp, 2);
}

/* A new pct within the same step is waited for too. */
static void
test_published_pct(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 0, "n");
	inputs(&in);
	in.published = "v=DMARC1; p=quarantine; pct=50";
	in.confirm.reporters = 3;
	judge(&now, &in, &r);
	assert_int_equal(r.published_differs, 1);
	assert_int_equal(r.waiting, 1);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_int_equal(r.ready, 0);
	/* A test step is one step whether a reporter writes pct=0 (RFC
	 * 7489) or testing=y (RFC 9989): not a change, not waited for. */
	policy(&now, "quarantine", 0, "n");
	in.published = "v=DMARC1; p=quarantine; t=y; pct=0";
	judge(&now, &in, &r);
	assert_int_equal(r.published_differs, 0);
	assert_int_equal(r.waiting, 0);
	policy(&now, "quarantine", 100, "y");
	judge(&now, &in, &r);
	assert_int_equal(r.published_differs, 0);
	/* The same policy written with the defaults is not a change. */
	policy(&now, "quarantine", 100, "n");
	in.published = "v=DMARC1; p=quarantine; pct=100; t=n";
	judge(&now, &in, &r);
	assert_int_equal(r.published_differs, 0);
	assert_int_equal(r.waiting, 0);
	readiness_free(&r);
}

/* Seven daily reports, the first from 00:00:00, the last to 23:59:59,
 * hold a policy for 7 days, which is what stable_days 7 asks. */
static void
test_stable_whole_days(void **state)
{
	struct policy_state now;
	struct readiness_inputs in;
	struct readiness r = {0};

	policy(&now, "quarantine", 100, "n");
	now.since = T0 - 7 * DAY;
	now.reported_at = T0 - 1;
	inputs(&in);
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 1);
	assert_contains(find(&r, "stable")->text, "reported for 7 days");
	/* Six such reports: 6 days, not enough. */
	now.since = T0 - 6 * DAY;
	judge(&now, &in, &r);
	assert_int_equal(find(&r, "stable")->met, 0);
	assert_contains(find(&r, "stable")->text, "reported for 6 days");
	readiness_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_stable_whole_days, setup),
	    cmocka_unit_test_setup(test_published_sp_kept, setup),
	    cmocka_unit_test_setup(test_published_pct, setup),
	    cmocka_unit_test_setup(test_ready, setup),
	    cmocka_unit_test_setup(test_not_ready_source, setup),
	    cmocka_unit_test_setup(test_not_enough_data, setup),
	    cmocka_unit_test_setup(test_pass_rate_mine, setup),
	    cmocka_unit_test_setup(test_pass_rate_edges, setup),
	    cmocka_unit_test_setup(test_sender_group, setup),
	    cmocka_unit_test_setup(test_sender_spread, setup),
	    cmocka_unit_test_setup(test_sender_order, setup),
	    cmocka_unit_test_setup(test_sender_saturate, setup),
	    cmocka_unit_test_setup(test_hit, setup),
	    cmocka_unit_test_setup(test_hit_next_step, setup),
	    cmocka_unit_test_setup(test_parse_record, setup),
	    cmocka_unit_test_setup(test_whatif_parse, setup),
	    cmocka_unit_test_setup(test_whatif_hit, setup),
	    cmocka_unit_test_setup(test_whatif, setup),
	    cmocka_unit_test_setup(test_whatif_large, setup),
	    cmocka_unit_test_setup(test_whatif_errors, setup),
	    cmocka_unit_test_setup(test_stable, setup),
	    cmocka_unit_test_setup(test_published_ahead, setup),
	    cmocka_unit_test_setup(test_normalized, setup),
	    cmocka_unit_test_setup(test_watch, setup),
	    cmocka_unit_test_setup(test_new_sources_warn, setup),
	    cmocka_unit_test_setup(test_last_step, setup),
	    cmocka_unit_test_setup(test_step_table, setup),
	    cmocka_unit_test_setup(test_next_record, setup),
	    cmocka_unit_test_setup(test_next_record_hostile_bytes, setup),
	    cmocka_unit_test_setup(test_record_from_reported, setup),
	    cmocka_unit_test_setup(test_subdomain_advice, setup),
	    cmocka_unit_test_setup(test_sp_advice_mine, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
