/*
 * model: the names of the analysis' causes, classes and statuses, and the
 * small pure functions the formatters need; see model.h.
 */
#include "model.h"

#include <string.h>

#include "dnscheck.h"
#include "readiness.h"
#include "sources.h"

static const struct {
	const char *name, *text, *fix;
} causes[VERDICT_NCAUSES] = {
    [VERDICT_NONE] = {"none", "passes DMARC", "nothing to do"},
    [VERDICT_MAILING_LIST] = {"mailing_list",
        "mailing list: a list resent the message (the receiver says so, "
        "or a known list service signed or sent it)",
        "nothing to fix at your end: lists change and resend messages, "
        "which breaks SPF and often DKIM"},
    [VERDICT_FORWARDED] = {"forwarded",
        "forwarded: the message reached the receiver through a forwarder, "
        "which breaks SPF",
        "nothing to fix at your end; sign everything with DKIM for your "
        "own domain, which survives forwarding"},
    [VERDICT_RECEIVER_OVERRIDE] = {"receiver_override",
        "receiver override: the receiver applied its own rule (local "
        "policy, trusted forwarder, sampling or test mode)",
        "nothing to fix for the override; the authentication cause shows "
        "what failed underneath"},
    [VERDICT_RESIGNED] = {"resigned",
        "re-signed: your domain's DKIM signature did not verify and another "
        "domain's passes (a forwarder or list changed the message and "
        "signed it, or a spoofer added a broken signature of yours)",
        "if this source is yours, check its DKIM key in DNS and that "
        "nothing rewrites mail after signing; forwarders and lists that "
        "re-sign cause it too"},
    [VERDICT_DKIM_FAIL] = {"dkim_fail",
        "DKIM fails: a signature for your domain did not verify "
        "(forwarding or content changes, or a wrong key)",
        "if this source is yours, check its DKIM key in DNS and that "
        "nothing rewrites mail after signing; lists and forwarders "
        "cause it too"},
    [VERDICT_STRICT_UNALIGNED] = {"strict_unaligned",
        "strict alignment: DKIM or SPF passes for another name in your "
        "domain, but adkim=s or aspf=s requires the exact From domain",
        "sign with the exact From domain, or relax alignment (adkim=r / "
        "aspf=r)"},
    [VERDICT_DKIM_UNALIGNED] = {"dkim_unaligned",
        "DKIM passes but signed by another domain",
        "turn on DKIM for your domain at that service (custom DKIM or "
        "domain authentication)"},
    [VERDICT_SPF_UNALIGNED] = {"spf_unaligned",
        "SPF passes but for another domain (the sender's bounce domain is "
        "not yours)",
        "set a custom return-path (MAIL FROM) on your domain at that "
        "service, or turn on DKIM for your domain there"},
    [VERDICT_SPF_ERROR] = {"spf_error",
        "SPF error for your domain: the record is broken or DNS failed "
        "(permerror, temperror)",
        "check your SPF record: one record, valid syntax, at most 10 DNS "
        "lookups"},
    [VERDICT_NO_AUTH] = {"no_auth",
        "unauthenticated: no SPF or DKIM result at all (spoofing, or a "
        "sender you have not set up)",
        "if you know this source, set up SPF and DKIM for it; if not, "
        "p=quarantine or p=reject stops it"},
    [VERDICT_AUTH_FAIL] = {"auth_fail",
        "SPF fails and no DKIM passes (a sender missing from your SPF "
        "record, or spoofing)",
        "add it to your SPF record or sign its mail with DKIM for your "
        "domain"},
};

const char *
verdict_cause_name(enum verdict_cause c)
{
	if ((unsigned)c >= VERDICT_NCAUSES)
		return "unknown";
	return causes[c].name;
}

const char *
verdict_cause_text(enum verdict_cause c)
{
	if ((unsigned)c >= VERDICT_NCAUSES)
		return "unknown cause";
	return causes[c].text;
}

const char *
verdict_cause_fix(enum verdict_cause c)
{
	if ((unsigned)c >= VERDICT_NCAUSES)
		return "";
	return causes[c].fix;
}

int
verdict_cause_from_name(const char *name)
{
	int c;

	if (name == NULL)
		return -1;
	for (c = 0; c < VERDICT_NCAUSES; c++)
		if (strcmp(name, causes[c].name) == 0)
			return c;
	return -1;
}

static const char *const class_names[SOURCE_NCLASSES] = {
    [SOURCE_LEGITIMATE] = "legitimate",
    [SOURCE_FORWARDER] = "forwarder",
    [SOURCE_UNKNOWN] = "unknown",
    [SOURCE_SPOOFING] = "spoofing",
    [SOURCE_IGNORED] = "ignored",
};

const char *
source_class_name(enum source_class c)
{
	return (unsigned)c < SOURCE_NCLASSES ? class_names[c] : "unknown";
}

const char *
source_fix(const struct source *s)
{
	int c = s->cause != NULL ? verdict_cause_from_name(s->cause) : -1;

	if (c <= 0)
		return NULL;
	switch (s->cls) {
	case SOURCE_FORWARDER:
		return "nothing to do: forwarders and lists are not yours to "
		       "fix";
	case SOURCE_SPOOFING:
		return "none needed: not your mail; p=quarantine or p=reject "
		       "stops it";
	case SOURCE_IGNORED:
		return "none: ignored_sources says it is not yours";
	default:
		return verdict_cause_fix((enum verdict_cause)c);
	}
}

int
source_class_parse(const char *name)
{
	for (int i = 0; i < SOURCE_NCLASSES; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i;
	return -1;
}

const char *
dmarc_policy_word(int strength)
{
	static const char *const words[] = {"none", "quarantine", "reject"};

	return strength >= DMARC_NONE && strength <= DMARC_REJECT
	    ? words[strength]
	    : NULL;
}

const char *
dnscheck_status_name(enum dnscheck_status s)
{
	switch (s) {
	case DNSCHECK_PASS:
		return "pass";
	case DNSCHECK_WARN:
		return "warn";
	case DNSCHECK_FAIL:
		return "fail";
	case DNSCHECK_DNSERROR:
		break;
	}
	return "dnserror";
}

int
dnscheck_status_parse(const char *name)
{
	for (int s = DNSCHECK_PASS; s <= DNSCHECK_DNSERROR; s++)
		if (name != NULL && strcmp(name, dnscheck_status_name(s)) == 0)
			return s;
	return -1;
}

enum dnscheck_status
dnscheck_worst(const struct dnscheck_list *l)
{
	enum dnscheck_status w = DNSCHECK_PASS;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].status > w)
			w = l->v[i].status;
	}
	return w;
}

static const char *const tag_names[CHECK_NTAGS] = {
    [CHECK_TAG_P] = "p",
    [CHECK_TAG_SP] = "sp",
    [CHECK_TAG_ADKIM] = "adkim",
    [CHECK_TAG_ASPF] = "aspf",
    [CHECK_TAG_PCT] = "pct",
};

const char *
check_tag_name(enum check_tag t)
{
	return (unsigned)t < CHECK_NTAGS ? tag_names[t] : "?";
}

const char *
check_spf_name(char qualifier)
{
	switch (qualifier) {
	case '+':
		return "pass";
	case '-':
		return "fail";
	case '~':
		return "softfail";
	case '?':
		return "neutral";
	}
	return NULL;
}

int
readiness_jump(const struct reporter_trust *rt)
{
	return rt->history_days >= READINESS_JUMP_HISTORY &&
	    rt->peak_daily >= rt->usual_daily + READINESS_JUMP_MIN &&
	    rt->peak_daily / READINESS_JUMP_FACTOR >= rt->usual_daily;
}
