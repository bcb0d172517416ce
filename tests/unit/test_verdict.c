/* Unit tests for analyze/align.c and analyze/verdict.c: relaxed and strict
 * alignment, and our verdict and cause for records taken or adapted from
 * the reports in the shared corpus (named in each case), judged with the
 * built-in list of services. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "align.h"
#include "err.h"
#include "orgdomain.h"
#include "report.h"
#include "services.h"
#include "verdict.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct orgdomain *od;
static struct services *sv;

static int
setup(void **state)
{
	struct err err;

	err_clear(&err);
	if (orgdomain_open(&od, NULL, &err) < 0 ||
	    services_load(&sv, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	orgdomain_free(od);
	services_free(sv);
	return 0;
}

static const struct {
	const char *a, *b;
	int strict, aligned;
} align_cases[] = {
    {"example.com", "example.com", 0, 1},
    {"example.com", "example.com", 1, 1},
    {"mail.example.com", "example.com", 0, 1},
    {"mail.example.com", "example.com", 1, 0},
    {"mail.example.com", "bounce.example.com", 0, 1},
    {"mail.example.com", "bounce.example.com", 1, 0},
    {"MAIL.EXAMPLE.COM.", "mail.example.com", 1, 1},
    {"Example.COM", "example.com.", 0, 1},
    {"a.example.co.uk", "b.example.co.uk", 0, 1},
    {"example.co.uk", "other.co.uk", 0, 0},
    {"co.uk", "example.co.uk", 0, 0},
    {"co.uk", "co.uk", 0, 1},
    {"co.uk", "co.uk", 1, 1},
    /* Private section: two github.io sites are two organizations. */
    {"a.github.io", "b.github.io", 0, 0},
    {"x.a.github.io", "a.github.io", 0, 1},
    {"example.com", "example.net", 0, 0},
    {"notexample.com", "example.com", 0, 0},
    {"example.com.evil.net", "example.com", 0, 0},
    {"bounce.sendgrid.net", "example.com", 0, 0},
    {"xn--mnchen-3ya.de", "mail.xn--mnchen-3ya.de", 0, 1},
    /* Unusable names align with nothing, not even themselves. */
    {NULL, "example.com", 0, 0},
    {"example.com", NULL, 1, 0},
    {NULL, NULL, 0, 0},
    {"", "", 0, 0},
    {"", "", 1, 0},
    {"192.0.2.1", "192.0.2.1", 0, 0},
    {"192.0.2.1", "192.0.2.1", 1, 0},
    {"exa mple.com", "exa mple.com", 1, 0},
};

static void
test_align_table(void **state)
{
	size_t i;
	int got;

	for (i = 0; i < sizeof(align_cases) / sizeof(align_cases[0]); i++) {
		got = align_domains(od, align_cases[i].a, align_cases[i].b,
		    align_cases[i].strict);
		if (got != align_cases[i].aligned)
			fail_msg("case %zu: %s / %s %s: got %d", i,
			    align_cases[i].a ? align_cases[i].a : "(null)",
			    align_cases[i].b ? align_cases[i].b : "(null)",
			    align_cases[i].strict ? "strict" : "relaxed", got);
	}
}

/* A record and its policy, in the words of a report. */
struct tdkim {
	const char *domain, *selector, *result;
};
struct tspf {
	const char *domain, *scope, *result;
};
struct treason {
	const char *type, *comment;
};

struct vcase {
	const char *name;
	/* policy */
	const char *pdomain, *adkim, *aspf;
	/* record */
	const char *header_from, *envelope_from;
	const char *rcv_dkim, *rcv_spf, *disposition;
	struct tdkim dkim[3];
	struct tspf spf[3];
	struct treason reasons[2];
	/* expected */
	int pass, dkim_aligned, spf_aligned;
	enum verdict_cause cause, auth_cause;
	unsigned disagree;
	const char *v_header_from, *dkim_domain, *spf_domain, *override;
	const char *spf_scope;
	int header_from_policy;
};

#define DIS_DKIM VERDICT_DISAGREE_DKIM
#define DIS_SPF VERDICT_DISAGREE_SPF
#define DIS_BOTH (VERDICT_DISAGREE_DKIM | VERDICT_DISAGREE_SPF)

static const struct vcase vcases[] = {
    /* parsedmarc zoho.com!example.com!1581753600: aligned DKIM and SPF
     * pass, yet the receiver says both failed. */
    {"zoho-receiver-disagrees", "example.com", NULL, NULL, "example.com", NULL,
        "fail", "fail", "none", {{"example.com", "s1", "pass"}},
        {{"example.com", "mfrom", "pass"}}, {{0}}, 1, 1, 1, VERDICT_NONE,
        VERDICT_NONE, DIS_BOTH, "example.com", "example.com", "example.com",
        NULL, "mfrom"},
    /* Same report, second record: SPF "none" for HELO only. */
    {"zoho-helo-none", "example.com", NULL, NULL, "example.com", NULL, "fail",
        "fail", "none", {{"example.com", "s1", "pass"}},
        {{NULL, "helo", "none"}}, {{0}}, 1, 1, 0, VERDICT_NONE, VERDICT_NONE,
        DIS_DKIM, "example.com", "example.com", "", NULL, "helo"},
    /* parsedmarc extract_report/nice-input.xml (google.com): SPF with no
     * scope counts as mfrom. */
    {"google-spf-no-scope", "example.com", "r", "r", "example.com", NULL,
        "fail", "pass", "none", {{0}}, {{"example.com", NULL, "pass"}}, {{0}},
        1, 0, 1, VERDICT_NONE, VERDICT_NONE, 0, "example.com", "",
        "example.com", NULL, "mfrom"},
    /* nice-input.xml: signed by the domain and by Amazon SES. */
    {"google-ses-double-signed", "example.com", "r", "r", "example.com", NULL,
        "pass", "fail", "none",
        {{"example.com", "awbr2rp4egb35wbg4umq4e5dcoe5kc4n", "pass"},
            {"amazonses.com", "ug7nbtf4gccmlpwj322ax3p6ow6yfsug", "pass"}},
        {{"amazonses.com", NULL, "pass"}}, {{0}}, 1, 1, 0, VERDICT_NONE,
        VERDICT_NONE, 0, "example.com", "example.com", "amazonses.com", NULL,
        "mfrom"},
    /* Adapted: the same SES traffic before DKIM for the domain. */
    {"ses-without-own-dkim", "example.com", "r", "r", "example.com", NULL,
        "fail", "fail", "none",
        {{"amazonses.com", "ug7nbtf4gccmlpwj322ax3p6ow6yfsug", "pass"}},
        {{"amazonses.com", NULL, "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0, "example.com",
        "amazonses.com", "amazonses.com", NULL, "mfrom"},
    /* Adapted: SendGrid's defaults (its DKIM, its bounce domain). */
    {"sendgrid-defaults", "example.com", "r", "r", "example.com",
        "bounces+123-abc=example.net@sendgrid.net", "fail", "fail", "none",
        {{"sendgrid.net", "smtpapi", "pass"}},
        {{"sendgrid.net", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0, "example.com",
        "sendgrid.net", "sendgrid.net", NULL, "mfrom"},
    /* Adapted: a service with its own bounce domain and no DKIM. */
    {"bounce-domain-only", "example.com", "r", "r", "example.com",
        "bounce.esp.example", "fail", "fail", "none", {{0}},
        {{"bounce.esp.example", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_SPF_UNALIGNED, VERDICT_SPF_UNALIGNED, 0, "example.com", "",
        "bounce.esp.example", NULL, "mfrom"},
    /* rfc9990-example.net!example.com: strict, SPF fails for a
     * subdomain, reason "other" (not an override). */
    {"rfc9990-spoof", "example.com", "s", "s", "example.com",
        "spoofed.example.com", "fail", "fail", "reject", {{0}},
        {{"spoofed.example.com", "mfrom", "fail"}},
        {{"other", "sender not authorized"}}, 0, 0, 0, VERDICT_AUTH_FAIL,
        VERDICT_AUTH_FAIL, 0, "example.com", "", "spoofed.example.com", NULL,
        "mfrom"},
    /* Adapted: strict SPF, the owner's subdomain passes: unaligned only
     * because of aspf=s. */
    {"strict-spf-subdomain", "example.com", "s", "s", "example.com",
        "mail.example.com", "fail", "fail", "none", {{0}},
        {{"mail.example.com", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_STRICT_UNALIGNED, VERDICT_STRICT_UNALIGNED, 0, "example.com",
        "", "mail.example.com", NULL, "mfrom"},
    /* The same, relaxed: aligned. */
    {"relaxed-spf-subdomain", "example.com", "r", "R", "example.com",
        "mail.example.com", "fail", "pass", "none", {{0}},
        {{"mail.example.com", "mfrom", "pass"}}, {{0}}, 1, 0, 1, VERDICT_NONE,
        VERDICT_NONE, 0, "example.com", "", "mail.example.com", NULL, "mfrom"},
    /* Strict DKIM, signed by the owner's subdomain. */
    {"strict-dkim-subdomain", "example.com", "S", "r", "example.com", NULL,
        "fail", "fail", "none", {{"mail.example.com", "k1", "pass"}}, {{0}},
        {{0}}, 0, 0, 0, VERDICT_STRICT_UNALIGNED, VERDICT_STRICT_UNALIGNED, 0,
        "example.com", "mail.example.com", "", NULL, NULL},
    /* The same signature, relaxed: passes. */
    {"relaxed-dkim-subdomain", "example.com", "r", "r", "example.com", NULL,
        "pass", "fail", "none", {{"mail.example.com", "k1", "pass"}}, {{0}},
        {{0}}, 1, 1, 0, VERDICT_NONE, VERDICT_NONE, 0, "example.com",
        "mail.example.com", "", NULL, NULL},
    /* Strict, the From is a subdomain and the parent signs. */
    {"strict-dkim-parent", "news.example.com", "s", "r", "news.example.com",
        NULL, "fail", "fail", "none", {{"example.com", "k1", "pass"}}, {{0}},
        {{0}}, 0, 0, 0, VERDICT_STRICT_UNALIGNED, VERDICT_STRICT_UNALIGNED, 0,
        "news.example.com", "example.com", "", NULL, NULL},
    /* Strict, another domain signs: not the owner's, not strict. */
    {"strict-dkim-foreign", "example.com", "s", "s", "example.com", NULL,
        "fail", "fail", "none", {{"esp.example", "e1", "pass"}}, {{0}}, {{0}},
        0, 0, 0, VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0,
        "example.com", "esp.example", "", NULL, NULL},
    /* Strict: the owner's subdomain and an ESP both sign; the owner's
     * comes first. */
    {"strict-dkim-own-and-foreign", "example.com", "s", "r", "example.com",
        NULL, "fail", "fail", "none",
        {{"esp.example", "e1", "pass"}, {"mail.example.com", "k1", "pass"}},
        {{0}}, {{0}}, 0, 0, 0, VERDICT_STRICT_UNALIGNED,
        VERDICT_STRICT_UNALIGNED, 0, "example.com", "esp.example", "", NULL,
        NULL},
    /* Strict SPF for the owner's bounce subdomain, an ESP's DKIM. */
    {"strict-spf-own-dkim-foreign", "example.com", "r", "s", "example.com",
        "bounce.example.com", "fail", "fail", "none",
        {{"esp.example", "e1", "pass"}},
        {{"bounce.example.com", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_STRICT_UNALIGNED, VERDICT_STRICT_UNALIGNED, 0, "example.com",
        "esp.example", "bounce.example.com", NULL, "mfrom"},
    /* Strict, but the owner's own signature for the exact domain broke:
     * the broken key comes first. */
    {"strict-own-broken", "example.com", "s", "r", "example.com", NULL, "fail",
        "fail", "none",
        {{"example.com", "s1", "fail"}, {"mail.example.com", "k1", "pass"}},
        {{0}}, {{0}}, 0, 0, 0, VERDICT_DKIM_FAIL, VERDICT_DKIM_FAIL, 0,
        "example.com", "mail.example.com", "", NULL, NULL},
    /* protection.outlook.com!example.com: SPF fails for the domain,
     * no DKIM. */
    {"outlook-spf-fail", "example.com", "r", "r", "example.com", "example.com",
        "fail", "fail", "none", {{0}}, {{"example.com", "mfrom", "fail"}},
        {{0}}, 0, 0, 0, VERDICT_AUTH_FAIL, VERDICT_AUTH_FAIL, 0, "example.com",
        "", "example.com", NULL, "mfrom"},
    /* parsedmarc empty_reason.xml: an empty reason is no override. */
    {"empty-reason", "example.com", "r", "r", "example.com", "example.edu",
        "pass", "fail", "none", {{"example.com", "example", "pass"}},
        {{"example.edu", "mfrom", "pass"}}, {{"", ""}}, 1, 1, 0, VERDICT_NONE,
        VERDICT_NONE, 0, "example.com", "example.com", "example.edu", NULL,
        "mfrom"},
    /* The receiver says it was forwarded. */
    {"reason-forwarded", "example.com", "r", "r", "example.com", "example.com",
        "fail", "fail", "none", {{0}}, {{"example.com", "mfrom", "fail"}},
        {{"forwarded", NULL}}, 0, 0, 0, VERDICT_FORWARDED, VERDICT_AUTH_FAIL, 0,
        "example.com", "", "example.com", "forwarded", "mfrom"},
    /* Google: forwarded mail accepted on ARC, as local_policy. */
    {"google-arc", "example.com", "r", "r", "example.com", "fwd.example.net",
        "fail", "fail", "none", {{"example.com", "google", "fail"}},
        {{"fwd.example.net", "mfrom", "pass"}},
        {{"local_policy",
            "arc=pass as[1].d=google.com as[1].s=arc-20160816 "
            "cv=pass"}},
        0, 0, 0, VERDICT_FORWARDED, VERDICT_DKIM_FAIL, 0, "example.com",
        "example.com", "fwd.example.net", "local_policy", "mfrom"},
    /* A list changed the message and re-signed it; the receiver says it
     * was a list, the results alone that it was re-signed. */
    {"mailing-list", "example.com", "r", "r", "example.com",
        "list-bounces@lists.example.org", "fail", "fail", "none",
        {{"example.com", "s1", "fail"}, {"lists.example.org", "l1", "pass"}},
        {{"lists.example.org", "mfrom", "pass"}}, {{"mailing_list", NULL}}, 0,
        0, 0, VERDICT_MAILING_LIST, VERDICT_RESIGNED, 0, "example.com",
        "lists.example.org", "lists.example.org", "mailing_list", "mfrom"},
    /* The same without the receiver's word: the owner's signature broke
     * and an unknown domain re-signed.  Forwarding, or a spoofer faking
     * it: one record cannot tell, the classes decide (sql/020). */
    {"resigned-unknown", "example.com", "r", "r", "example.com",
        "list-bounces@lists.example.org", "fail", "fail", "none",
        {{"example.com", "s1", "fail"}, {"lists.example.org", "l1", "pass"}},
        {{"lists.example.org", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_RESIGNED, VERDICT_RESIGNED, 0, "example.com",
        "lists.example.org", "lists.example.org", NULL, "mfrom"},
    /* Re-signed, SPF failing for the owner: re-signed all the same. */
    {"resigned-spf-fail", "example.com", "r", "r", "example.com", "example.com",
        "fail", "fail", "none",
        {{"lists.example.org", "l1", "pass"}, {"Example.com", "s1", "fail"}},
        {{"example.com", "mfrom", "fail"}}, {{0}}, 0, 0, 0, VERDICT_RESIGNED,
        VERDICT_RESIGNED, 0, "example.com", "lists.example.org", "example.com",
        NULL, "mfrom"},
    /* Re-signed by a known list service: a mailing list. */
    {"resigned-google-groups", "example.com", "r", "r", "example.com",
        "grp+bncBAA@googlegroups.com", "fail", "fail", "none",
        {{"example.com", "s1", "fail"},
            {"googlegroups.com", "20230601", "pass"}},
        {{"googlegroups.com", "mfrom", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_MAILING_LIST, VERDICT_MAILING_LIST, 0, "example.com",
        "googlegroups.com", "googlegroups.com", NULL, "mfrom"},
    /* nice-input.xml adapted: SES signs beside the domain, whose key at
     * SES broke.  SES sends its customers' mail (no role): the key is
     * the problem, not forwarding. */
    {"ses-own-key-broken", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none",
        {{"example.com", "awbr2rp4egb35wbg4umq4e5dcoe5kc4n", "fail"},
            {"amazonses.com", "ug7nbtf4gccmlpwj322ax3p6ow6yfsug", "pass"}},
        {{"amazonses.com", NULL, "pass"}}, {{0}}, 0, 0, 0, VERDICT_DKIM_FAIL,
        VERDICT_DKIM_FAIL, 0, "example.com", "amazonses.com", "amazonses.com",
        NULL, "mfrom"},
    /* pct sampling: the override leads, spoofing stays visible. */
    {"sampled-out-spoof", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{0}}, {{0}}, {{"sampled_out", NULL}}, 0, 0, 0,
        VERDICT_RECEIVER_OVERRIDE, VERDICT_NO_AUTH, 0, "example.com", "", "",
        "sampled_out", NULL},
    {"policy-test-mode", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{0}}, {{"example.com", NULL, "softfail"}},
        {{"Policy_Test_Mode", NULL}}, 0, 0, 0, VERDICT_RECEIVER_OVERRIDE,
        VERDICT_AUTH_FAIL, 0, "example.com", "", "example.com",
        "policy_test_mode", "mfrom"},
    {"trusted-forwarder", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{"example.com", "s1", "fail"}},
        {{"relay.example.net", NULL, "pass"}}, {{"trusted_forwarder", NULL}}, 0,
        0, 0, VERDICT_RECEIVER_OVERRIDE, VERDICT_DKIM_FAIL, 0, "example.com",
        "example.com", "relay.example.net", "trusted_forwarder", "mfrom"},
    /* An override on mail that passes changes nothing. */
    {"override-on-pass", "example.com", "r", "r", "example.com", NULL, "pass",
        "fail", "quarantine", {{"example.com", "s1", "pass"}}, {{0}},
        {{"local_policy", "rate limit"}}, 1, 1, 0, VERDICT_NONE, VERDICT_NONE,
        0, "example.com", "example.com", "", "local_policy", NULL},
    /* Issue 12: a spoofer signs with its own throwaway domain and SPF
     * fails for the domain it claims.  Once called forwarded; nothing
     * shows a forwarder, so it stays visible. */
    {"spoofer-own-signature", "example.com", "r", "r", "example.com",
        "example.com", "fail", "fail", "none",
        {{"spammer.example", "x", "pass"}}, {{"example.com", "mfrom", "fail"}},
        {{0}}, 0, 0, 0, VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0,
        "example.com", "spammer.example", "example.com", NULL, "mfrom"},
    {"spoofer-own-signature-softfail", "example.com", "r", "r", "example.com",
        "example.com", "fail", "fail", "none", {{"esp.example", "e1", "pass"}},
        {{"example.com", "mfrom", "softfail"}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0, "example.com",
        "esp.example", "example.com", NULL, "mfrom"},
    /* The same pattern signed by a known list service: a mailing list. */
    {"google-groups-signature", "example.com", "r", "r", "example.com",
        "example.com", "fail", "fail", "none",
        {{"googlegroups.com", "20230601", "pass"}},
        {{"example.com", "mfrom", "fail"}}, {{0}}, 0, 0, 0,
        VERDICT_MAILING_LIST, VERDICT_MAILING_LIST, 0, "example.com",
        "googlegroups.com", "example.com", NULL, "mfrom"},
    /* A list's bounce domain passes SPF, nothing signed. */
    {"groups-io-bounce", "example.com", "r", "r", "example.com",
        "bounce+abc@groups.io", "fail", "fail", "none", {{0}},
        {{"groups.io", "mfrom", "pass"}}, {{0}}, 0, 0, 0, VERDICT_MAILING_LIST,
        VERDICT_MAILING_LIST, 0, "example.com", "", "groups.io", NULL, "mfrom"},
    /* Claiming a list's bounce domain proves nothing when SPF fails. */
    {"groups-io-claimed", "example.com", "r", "r", "example.com",
        "bounce@groups.io", "fail", "fail", "none", {{0}},
        {{"groups.io", "mfrom", "fail"}}, {{0}}, 0, 0, 0, VERDICT_AUTH_FAIL,
        VERDICT_AUTH_FAIL, 0, "example.com", "", "groups.io", NULL, "mfrom"},
    /* A list's signature that fails is no evidence either. */
    {"google-groups-signature-fails", "example.com", "r", "r", "example.com",
        "example.com", "fail", "fail", "none",
        {{"googlegroups.com", "20230601", "fail"}},
        {{"example.com", "mfrom", "fail"}}, {{0}}, 0, 0, 0, VERDICT_AUTH_FAIL,
        VERDICT_AUTH_FAIL, 0, "example.com", "googlegroups.com", "example.com",
        NULL, "mfrom"},
    {"dkim-broken", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{"example.com", "s1", "fail"}},
        {{"example.com", "mfrom", "fail"}}, {{0}}, 0, 0, 0, VERDICT_DKIM_FAIL,
        VERDICT_DKIM_FAIL, 0, "example.com", "example.com", "example.com", NULL,
        "mfrom"},
    {"dkim-key-missing", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{"mail.example.com", "old", "permerror"}}, {{0}},
        {{0}}, 0, 0, 0, VERDICT_DKIM_FAIL, VERDICT_DKIM_FAIL, 0, "example.com",
        "mail.example.com", "", NULL, NULL},
    {"dkim-unknown-result", "example.com", "r", "r", "example.com", NULL,
        "fail", "fail", "none", {{"example.com", "s1", "bogus"}}, {{0}}, {{0}},
        0, 0, 0, VERDICT_DKIM_FAIL, VERDICT_DKIM_FAIL, 0, "example.com",
        "example.com", "", NULL, NULL},
    {"spf-permerror", "example.com", "r", "r", "example.com", "example.com",
        "fail", "fail", "none", {{0}}, {{"example.com", "mfrom", "permerror"}},
        {{0}}, 0, 0, 0, VERDICT_SPF_ERROR, VERDICT_SPF_ERROR, 0, "example.com",
        "", "example.com", NULL, "mfrom"},
    {"spf-temperror-other", "example.com", "r", "r", "example.com",
        "other.example", "fail", "fail", "none", {{0}},
        {{"other.example", "mfrom", "temperror"}}, {{0}}, 0, 0, 0,
        VERDICT_AUTH_FAIL, VERDICT_AUTH_FAIL, 0, "example.com", "",
        "other.example", NULL, "mfrom"},
    {"no-auth", "example.com", "r", "r", "example.com", NULL, "fail", "fail",
        "none", {{0}}, {{0}}, {{0}}, 0, 0, 0, VERDICT_NO_AUTH, VERDICT_NO_AUTH,
        0, "example.com", "", "", NULL, NULL},
    {"no-auth-none-results", "example.com", "r", "r", "example.com",
        "example.com", "fail", "fail", "none", {{"example.com", NULL, "none"}},
        {{"example.com", "mfrom", "none"}}, {{0}}, 0, 0, 0, VERDICT_NO_AUTH,
        VERDICT_NO_AUTH, 0, "example.com", "example.com", "example.com", NULL,
        "mfrom"},
    /* header_from left out: the policy domain stands in. */
    {"null-header-from", "example.com", "r", "r", NULL, NULL, "pass", "fail",
        "none", {{"example.com", "s1", "pass"}}, {{0}}, {{0}}, 1, 1, 0,
        VERDICT_NONE, VERDICT_NONE, 0, "example.com", "example.com", "", NULL,
        NULL, 1},
    {"empty-header-from", "Example.COM", "r", "r", "", NULL, "pass", "fail",
        "none", {{"mail.example.com", "s1", "pass"}}, {{0}}, {{0}}, 1, 1, 0,
        VERDICT_NONE, VERDICT_NONE, 0, "example.com", "mail.example.com", "",
        NULL, NULL, 1},
    /* Neither: nothing aligns. */
    {"no-header-from-no-domain", NULL, NULL, NULL, NULL, NULL, "pass", NULL,
        "none", {{"example.com", "s1", "pass"}}, {{0}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, DIS_DKIM, "",
        "example.com", "", NULL, NULL, 1},
    /* A garbage header_from is not replaced. */
    {"garbage-header-from", "example.com", "r", "r",
        "\x01"
        "bad..dom",
        NULL, "fail", "fail", "none", {{"example.com", "s1", "pass"}}, {{0}},
        {{0}}, 0, 0, 0, VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0, "",
        "example.com", "", NULL, NULL},
    {"header-from-address", "example.com", "r", "r", "user@Example.COM", NULL,
        "PASS", "fail", "none", {{"EXAMPLE.COM.", "s1", "Pass"}}, {{0}}, {{0}},
        1, 1, 0, VERDICT_NONE, VERDICT_NONE, 0, "example.com", "example.com",
        "", NULL, NULL},
    /* HELO counts only for a null MAIL FROM. */
    {"helo-ignored-with-envelope", "example.com", "r", "r", "example.com",
        "example.com", "fail", "pass", "none", {{0}},
        {{"example.com", "helo", "pass"}}, {{0}}, 0, 0, 0, VERDICT_NO_AUTH,
        VERDICT_NO_AUTH, DIS_SPF, "example.com", "", "", NULL, NULL},
    {"helo-counted-null-envelope", "example.com", "r", "r", "example.com", "",
        "fail", "pass", "none", {{0}}, {{"mx1.example.com", "helo", "pass"}},
        {{0}}, 1, 0, 1, VERDICT_NONE, VERDICT_NONE, 0, "example.com", "",
        "mx1.example.com", NULL, "helo"},
    {"mfrom-before-helo", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{0}},
        {{"example.com", "helo", "pass"}, {"other.example", "mfrom", "fail"}},
        {{0}}, 0, 0, 0, VERDICT_AUTH_FAIL, VERDICT_AUTH_FAIL, 0, "example.com",
        "", "other.example", NULL, "mfrom"},
    /* An SPF result without a domain: the envelope's. */
    {"spf-domain-from-envelope", "example.com", "r", "r", "example.com",
        "bounce@Mail.Example.com", "fail", "pass", "none", {{0}},
        {{NULL, "mfrom", "pass"}}, {{0}}, 1, 0, 1, VERDICT_NONE, VERDICT_NONE,
        0, "example.com", "", "mail.example.com", NULL, "mfrom"},
    /* Unknown scope words are ignored. */
    {"unknown-scope", "example.com", "r", "r", "example.com", NULL, "fail",
        "fail", "none", {{0}}, {{"example.com", "pra", "pass"}}, {{0}}, 0, 0, 0,
        VERDICT_NO_AUTH, VERDICT_NO_AUTH, 0, "example.com", "", "", NULL, NULL},
    /* The receiver counts a signature we cannot align. */
    {"receiver-says-pass", "example.com", "r", "r", "example.com", NULL, "pass",
        "fail", "none", {{"example.net", "s1", "pass"}}, {{0}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, DIS_DKIM, "example.com",
        "example.net", "", NULL, NULL},
    /* A passing signature with no domain still is one. */
    {"dkim-pass-no-domain", "example.com", "r", "r", "example.com", NULL,
        "fail", "fail", "none", {{NULL, NULL, "pass"}}, {{0}}, {{0}}, 0, 0, 0,
        VERDICT_DKIM_UNALIGNED, VERDICT_DKIM_UNALIGNED, 0, "example.com", "",
        "", NULL, NULL},
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
build(const struct vcase *c, struct dmarc_record *rec, struct dmarc_policy *pol)
{
	size_t i;

	memset(rec, 0, sizeof(*rec));
	memset(pol, 0, sizeof(*pol));
	pol->domain = (char *)c->pdomain;
	pol->adkim = (char *)c->adkim;
	pol->aspf = (char *)c->aspf;
	pol->pct = -1;
	rec->count = 1;
	rec->header_from = dup_or_null(c->header_from);
	rec->envelope_from = dup_or_null(c->envelope_from);
	rec->dkim = dup_or_null(c->rcv_dkim);
	rec->spf = dup_or_null(c->rcv_spf);
	rec->disposition = dup_or_null(c->disposition);
	for (i = 0; i < 3; i++) {
		const struct tdkim *d = &c->dkim[i];
		struct dmarc_dkim_result *r;

		if (!d->domain && !d->selector && !d->result)
			break;
		r = record_add_dkim(rec);
		r->domain = dup_or_null(d->domain);
		r->selector = dup_or_null(d->selector);
		r->result = dup_or_null(d->result);
	}
	for (i = 0; i < 3; i++) {
		const struct tspf *s = &c->spf[i];
		struct dmarc_spf_result *r;

		if (!s->domain && !s->scope && !s->result)
			break;
		r = record_add_spf(rec);
		r->domain = dup_or_null(s->domain);
		r->scope = dup_or_null(s->scope);
		r->result = dup_or_null(s->result);
	}
	for (i = 0; i < 2; i++) {
		const struct treason *t = &c->reasons[i];
		struct dmarc_reason *r;

		if (!t->type && !t->comment)
			break;
		r = record_add_reason(rec);
		r->type = dup_or_null(t->type);
		r->comment = dup_or_null(t->comment);
	}
}

static const char *
s(const char *p)
{
	return p != NULL ? p : "(null)";
}

static void
test_verdict_table(void **state)
{
	struct dmarc_record rec;
	struct dmarc_policy pol;
	struct verdict v;
	size_t i;

	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];

		build(c, &rec, &pol);
		verdict_eval_services(od, sv, &rec, &pol, &v);
		if (v.pass != c->pass || v.dkim_aligned != c->dkim_aligned ||
		    v.spf_aligned != c->spf_aligned || v.cause != c->cause ||
		    v.auth_cause != c->auth_cause ||
		    v.disagree != c->disagree ||
		    strcmp(v.header_from, c->v_header_from) != 0 ||
		    v.header_from_policy != c->header_from_policy ||
		    strcmp(v.dkim_domain, c->dkim_domain) != 0 ||
		    strcmp(v.spf_domain, c->spf_domain) != 0 ||
		    strcmp(s(v.override), s(c->override)) != 0 ||
		    strcmp(s(v.spf_scope), s(c->spf_scope)) != 0)
			fail_msg("%s: pass %d dkim %d spf %d cause %s auth %s "
			         "disagree %u from '%s'%s signed '%s' "
			         "bounced '%s' override %s scope %s",
			    c->name, v.pass, v.dkim_aligned, v.spf_aligned,
			    verdict_cause_name(v.cause),
			    verdict_cause_name(v.auth_cause), v.disagree,
			    v.header_from,
			    v.header_from_policy ? " (policy)" : "",
			    v.dkim_domain, v.spf_domain, s(v.override),
			    s(v.spf_scope));
		record_reset(&rec);
	}
}

/* Receiver's results and the fields for display. */
static void
test_verdict_fields(void **state)
{
	struct dmarc_record rec;
	struct dmarc_policy pol;
	struct verdict v;

	build(&vcases[0], &rec, &pol);
	verdict_eval(od, &rec, &pol, &v);
	assert_int_equal(v.rcv_dkim, VERDICT_RCV_FAIL);
	assert_int_equal(v.rcv_spf, VERDICT_RCV_FAIL);
	assert_int_equal(v.rcv_pass, VERDICT_RCV_FAIL);
	assert_string_equal(v.dkim_result, "pass");
	assert_string_equal(v.spf_result, "pass");
	assert_int_equal(v.strict_dkim, 0);
	record_reset(&rec);

	/* Strict both ways; the receiver said nothing usable. */
	build(&vcases[7], &rec, &pol);
	free(rec.dkim);
	free(rec.spf);
	rec.dkim = NULL;
	rec.spf = xstrdup("temperror");
	verdict_eval(od, &rec, &pol, &v);
	assert_int_equal(v.strict_dkim, 1);
	assert_int_equal(v.strict_spf, 1);
	assert_int_equal(v.rcv_dkim, VERDICT_RCV_ABSENT);
	assert_int_equal(v.rcv_spf, VERDICT_RCV_ABSENT);
	assert_int_equal(v.rcv_pass, VERDICT_RCV_ABSENT);
	assert_int_equal(v.disagree, 0);
	assert_string_equal(v.dkim_result, "none");
	assert_string_equal(v.spf_result, "fail");
	record_reset(&rec);

	/* No policy at all. */
	build(&vcases[0], &rec, &pol);
	verdict_eval(od, &rec, NULL, &v);
	assert_int_equal(v.pass, 1);
	free(rec.header_from);
	rec.header_from = NULL;
	verdict_eval(od, &rec, NULL, &v);
	assert_int_equal(v.pass, 0);
	assert_string_equal(v.header_from, "");
	assert_int_equal(v.header_from_policy, 0);
	record_reset(&rec);
}

/* The cause of c's record judged with services s (NULL: none). */
static enum verdict_cause
cause_with(const struct vcase *c, const struct services *s)
{
	struct dmarc_record rec;
	struct dmarc_policy pol;
	struct verdict v;

	build(c, &rec, &pol);
	verdict_eval_services(od, s, &rec, &pol, &v);
	record_reset(&rec);
	assert_int_equal(v.cause, v.auth_cause);
	return v.cause;
}

static void
assert_cause(const struct vcase *c, const struct services *s,
    enum verdict_cause want, const char *with)
{
	enum verdict_cause got = cause_with(c, s);

	if (got != want)
		fail_msg("%s with %s: cause %s, want %s", c->name, with,
		    verdict_cause_name(got), verdict_cause_name(want));
}

/* The roles of services decide steps 5 and 6; a user's file gives a
 * forwarder, which the built-in list has none of. */
static void
test_verdict_services(void **state)
{
	static const char text[] =
	    "any\tfwd.example\tOur forwarder\tforwarder\n"
	    "dkim\tlists.example.org\tOur lists\tlist\n"
	    "dkim\tesp.example\tOur ESP\n";
	static const struct vcase fwd_dkim = {"forwarder-signs", "example.com",
	    "r", "r", "example.com", "example.com", "fail", "fail", "none",
	    {{"fwd.example", "f1", "pass"}},
	    {{"example.com", "mfrom", "fail"}}};
	static const struct vcase fwd_srs = {"forwarder-srs", "example.com",
	    "r", "r", "example.com", "SRS0=ab=cd=example.com=u@srs.fwd.example",
	    "fail", "fail", "none", {{0}},
	    {{"srs.fwd.example", "mfrom", "pass"}}};
	static const struct vcase list_and_fwd = {"list-then-forwarder",
	    "example.com", "r", "r", "example.com", NULL, "fail", "fail",
	    "none", {{"lists.example.org", "l1", "pass"}},
	    {{"srs.fwd.example", "mfrom", "pass"}}};
	static const struct vcase esp_resigns = {"esp-beside-broken-key",
	    "example.com", "r", "r", "example.com", NULL, "fail", "fail",
	    "none",
	    {{"example.com", "s1", "fail"}, {"esp.example", "e1", "pass"}},
	    {{"esp.example", "mfrom", "pass"}}};
	static const struct vcase ses = {"ses-own-key-broken", "example.com",
	    "r", "r", "example.com", NULL, "fail", "fail", "none",
	    {{"example.com", "s1", "fail"}, {"amazonses.com", "s2", "pass"}},
	    {{"amazonses.com", NULL, "pass"}}};
	static const struct vcase fwd_strict = {"forwarder-strict-own",
	    "example.com", "s", "s", "example.com", NULL, "fail", "fail",
	    "none", {{"mail.example.com", "k1", "pass"}},
	    {{"fwd.example", "mfrom", "pass"}}};
	struct services *user;
	struct err err;
	char path[] = "/tmp/test_verdict.XXXXXX";
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	fclose(fp);
	err_clear(&err);
	assert_int_equal(services_load(&user, path, &err), 0);
	unlink(path);

	/* A forwarder's signature survived, SPF broke: evidence only when
	 * the forwarder is known as one. */
	assert_cause(&fwd_dkim, user, VERDICT_FORWARDED, "user");
	assert_cause(&fwd_dkim, sv, VERDICT_DKIM_UNALIGNED, "built-in");
	assert_cause(&fwd_dkim, NULL, VERDICT_DKIM_UNALIGNED, "none");
	/* A forwarder that rewrites the envelope (SRS) passes SPF itself. */
	assert_cause(&fwd_srs, user, VERDICT_FORWARDED, "user");
	assert_cause(&fwd_srs, NULL, VERDICT_SPF_UNALIGNED, "none");
	/* A list, then a forwarder: the list wins. */
	assert_cause(&list_and_fwd, user, VERDICT_MAILING_LIST, "user");
	assert_cause(&list_and_fwd, NULL, VERDICT_DKIM_UNALIGNED, "none");
	/* A broken own signature beside a passing one: re-signed unless the
	 * other signer is a known sender. */
	assert_cause(&esp_resigns, user, VERDICT_DKIM_FAIL, "user");
	assert_cause(&esp_resigns, sv, VERDICT_RESIGNED, "built-in");
	assert_cause(&ses, sv, VERDICT_DKIM_FAIL, "built-in");
	assert_cause(&ses, NULL, VERDICT_RESIGNED, "none");
	/* The owner's subdomain signed under adkim=s, and a forwarder's SPF
	 * passes: the forwarder (step 5) comes before strict alignment
	 * (step 8). */
	assert_cause(&fwd_strict, user, VERDICT_FORWARDED, "user");
	assert_cause(&fwd_strict, NULL, VERDICT_STRICT_UNALIGNED, "none");
	services_free(user);

	/* verdict_eval() is verdict_eval_services() without services. */
	{
		struct dmarc_record rec;
		struct dmarc_policy pol;
		struct verdict a, b;

		build(&ses, &rec, &pol);
		verdict_eval(od, &rec, &pol, &a);
		verdict_eval_services(od, NULL, &rec, &pol, &b);
		assert_memory_equal(&a, &b, sizeof(a));
		record_reset(&rec);
	}
}

/* The owner's broken signature beside a re-signer's is kept by its
 * place (what the classes look up), and only then: a spoofer's broken
 * d=example.com; s=bogus is told from a forwarder's only by whether that
 * key passed elsewhere. */
static void
test_verdict_own_index(void **state)
{
	static const struct {
		struct vcase c;
		enum verdict_cause auth_cause;
		long own_index;
	} cases[] = {
	    /* A spoofer: a selector of its own making, its throwaway
	     * domain's signature passing. */
	    {{"spoofer-fake-resign", "example.com", "r", "r", "example.com",
	         "example.com", "fail", "fail", "none",
	         {{"example.com", "bogus", "fail"},
	             {"throwaway.example", "t1", "pass"}},
	         {{"example.com", "mfrom", "fail"}}},
	        VERDICT_RESIGNED, 0},
	    /* The first aligned signature that did not pass, after an
	     * unaligned broken one and before a second aligned one. */
	    {{"second-place", "example.com", "r", "r", "example.com", NULL,
	         "fail", "fail", "none",
	         {{"other.example", "o1", "fail"},
	             {"Mail.Example.com.", "s1", "fail"},
	             {"lists.example.org", "l1", "pass"}}},
	        VERDICT_RESIGNED, 1},
	    /* A receiver's reason does not change what the results say. */
	    {{"list-reason", "example.com", "r", "r", "example.com", NULL,
	         "fail", "fail", "none",
	         {{"example.com", "s1", "fail"},
	             {"lists.example.org", "l1", "pass"}},
	         {{0}}, {{"mailing_list", NULL}}},
	        VERDICT_RESIGNED, 0},
	    /* No re-signer: a broken key, nothing kept. */
	    {{"broken-only", "example.com", "r", "r", "example.com", NULL,
	         "fail", "fail", "none", {{"example.com", "s1", "fail"}}},
	        VERDICT_DKIM_FAIL, -1},
	    /* A known sender beside the broken key: its key at the ESP. */
	    {{"ses-beside", "example.com", "r", "r", "example.com", NULL,
	         "fail", "fail", "none",
	         {{"example.com", "s1", "fail"},
	             {"amazonses.com", "s2", "pass"}}},
	        VERDICT_DKIM_FAIL, -1},
	    /* Passing: nothing kept. */
	    {{"passes", "example.com", "r", "r", "example.com", NULL, "pass",
	         "fail", "none",
	         {{"example.com", "bogus", "fail"},
	             {"example.com", "s1", "pass"},
	             {"throwaway.example", "t1", "pass"}}},
	        VERDICT_NONE, -1},
	};
	struct dmarc_record rec;
	struct dmarc_policy pol;
	struct verdict v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&cases[i].c, &rec, &pol);
		verdict_eval_services(od, sv, &rec, &pol, &v);
		if (v.auth_cause != cases[i].auth_cause ||
		    v.own_index != cases[i].own_index)
			fail_msg("%s: auth %s own %ld, want %s %ld",
			    cases[i].c.name, verdict_cause_name(v.auth_cause),
			    v.own_index,
			    verdict_cause_name(cases[i].auth_cause),
			    cases[i].own_index);
		record_reset(&rec);
	}
}

static void
test_verdict_causes(void **state)
{
	int c, d;

	for (c = 0; c < VERDICT_NCAUSES; c++) {
		const char *name = verdict_cause_name(c);

		assert_int_equal(verdict_cause_from_name(name), c);
		assert_true(strlen(verdict_cause_text(c)) > 0);
		assert_true(strlen(verdict_cause_fix(c)) > 0);
		for (d = 0; d < c; d++)
			assert_string_not_equal(name, verdict_cause_name(d));
	}
	/* The machine names are an interface: they never change. */
	assert_string_equal(verdict_cause_name(VERDICT_NONE), "none");
	assert_string_equal(
	    verdict_cause_name(VERDICT_SPF_UNALIGNED), "spf_unaligned");
	assert_string_equal(
	    verdict_cause_name(VERDICT_DKIM_UNALIGNED), "dkim_unaligned");
	assert_string_equal(verdict_cause_name(VERDICT_DKIM_FAIL), "dkim_fail");
	assert_string_equal(verdict_cause_name(VERDICT_FORWARDED), "forwarded");
	assert_string_equal(
	    verdict_cause_name(VERDICT_MAILING_LIST), "mailing_list");
	assert_string_equal(verdict_cause_name(VERDICT_NO_AUTH), "no_auth");
	assert_string_equal(verdict_cause_name(VERDICT_AUTH_FAIL), "auth_fail");
	assert_string_equal(verdict_cause_name(VERDICT_SPF_ERROR), "spf_error");
	assert_string_equal(
	    verdict_cause_name(VERDICT_RECEIVER_OVERRIDE), "receiver_override");
	assert_string_equal(
	    verdict_cause_name(VERDICT_STRICT_UNALIGNED), "strict_unaligned");
	assert_string_equal(verdict_cause_name(VERDICT_RESIGNED), "resigned");
	assert_int_equal(verdict_cause_from_name("strict_unaligned"),
	    VERDICT_STRICT_UNALIGNED);
	/* Its fix is about alignment, not about setting up a service. */
	assert_string_equal(verdict_cause_fix(VERDICT_STRICT_UNALIGNED),
	    "sign with the exact From domain, or relax alignment (adkim=r / "
	    "aspf=r)");
	assert_string_equal(verdict_cause_name(VERDICT_NCAUSES), "unknown");
	assert_int_equal(verdict_cause_from_name("bogus"), -1);
	assert_int_equal(verdict_cause_from_name(NULL), -1);
}

/* Random values in every field: a defined answer, never a crash. */
static void
test_verdict_garbage(void **state)
{
	static const char *const words[] = {NULL, "", "pass", "fail",
	    "softfail", "none", "helo", "mfrom", "example.com",
	    "mail.example.com", "co.uk", "a..b", "\xff\xfe", "user@",
	    "@example.com", "x@y@z", "forwarded", "local_policy", "arc=pass",
	    "192.0.2.1", "s", "r", "googlegroups.com", "sendgrid.net",
	    "sub.example.com"};
	const size_t nw = sizeof(words) / sizeof(words[0]);
	struct dmarc_record rec;
	struct dmarc_policy pol;
	struct verdict v;
	unsigned seed = 4711;
	size_t i, j;

#define PICK() (seed = seed * 1103515245u + 12345u, words[(seed >> 16) % nw])
	for (i = 0; i < 5000; i++) {
		memset(&rec, 0, sizeof(rec));
		memset(&pol, 0, sizeof(pol));
		pol.domain = (char *)PICK();
		pol.adkim = (char *)PICK();
		pol.aspf = (char *)PICK();
		rec.header_from = dup_or_null(PICK());
		rec.envelope_from = dup_or_null(PICK());
		rec.dkim = dup_or_null(PICK());
		rec.spf = dup_or_null(PICK());
		for (j = 0; j < i % 4; j++) {
			struct dmarc_dkim_result *d = record_add_dkim(&rec);
			struct dmarc_spf_result *sp = record_add_spf(&rec);
			struct dmarc_reason *r = record_add_reason(&rec);

			d->domain = dup_or_null(PICK());
			d->result = dup_or_null(PICK());
			sp->domain = dup_or_null(PICK());
			sp->scope = dup_or_null(PICK());
			sp->result = dup_or_null(PICK());
			r->type = dup_or_null(PICK());
			r->comment = dup_or_null(PICK());
		}
		verdict_eval_services(od, i % 2 ? sv : NULL, &rec, &pol, &v);
		assert_true((unsigned)v.cause < VERDICT_NCAUSES);
		assert_true((unsigned)v.auth_cause < VERDICT_NCAUSES);
		assert_int_equal(v.pass, v.dkim_aligned || v.spf_aligned);
		assert_int_equal(v.pass, v.cause == VERDICT_NONE);
		assert_non_null(v.spf_result);
		assert_non_null(v.dkim_result);
		record_reset(&rec);
	}
#undef PICK
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_align_table),
	    cmocka_unit_test(test_verdict_table),
	    cmocka_unit_test(test_verdict_fields),
	    cmocka_unit_test(test_verdict_services),
	    cmocka_unit_test(test_verdict_own_index),
	    cmocka_unit_test(test_verdict_causes),
	    cmocka_unit_test(test_verdict_garbage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
