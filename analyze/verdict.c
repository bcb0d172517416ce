/*
 * verdict: recomputed DMARC alignment and the cause of each failure.
 */
#include "verdict.h"

#include <string.h>
#include <strings.h>

#include "align.h"
#include "report.h"
#include "services.h"

/* An SPF or DKIM result word, as far as DMARC cares. */
enum res {
	RES_NONE, /* absent, empty or "none" */
	RES_PASS,
	RES_FAIL,
	RES_SOFTFAIL,
	RES_NEUTRAL,
	RES_TEMPERROR,
	RES_PERMERROR,
	RES_POLICY,
	RES_OTHER, /* a word nobody defined */
};

static const char *const res_names[] = {
    [RES_NONE] = "none",
    [RES_PASS] = "pass",
    [RES_FAIL] = "fail",
    [RES_SOFTFAIL] = "softfail",
    [RES_NEUTRAL] = "neutral",
    [RES_TEMPERROR] = "temperror",
    [RES_PERMERROR] = "permerror",
    [RES_POLICY] = "policy",
    [RES_OTHER] = "unknown",
};

/* Receiver reasons this module reads, in the spelling of RFC 7489 and
 * RFC 9990. */
enum reason {
	REASON_FORWARDED,
	REASON_MAILING_LIST,
	REASON_LOCAL_POLICY,
	REASON_TRUSTED_FORWARDER,
	REASON_SAMPLED_OUT,
	REASON_POLICY_TEST_MODE,
	REASON_COUNT
};

static const char *const reason_names[REASON_COUNT] = {
    [REASON_FORWARDED] = "forwarded",
    [REASON_MAILING_LIST] = "mailing_list",
    [REASON_LOCAL_POLICY] = "local_policy",
    [REASON_TRUSTED_FORWARDER] = "trusted_forwarder",
    [REASON_SAMPLED_OUT] = "sampled_out",
    [REASON_POLICY_TEST_MODE] = "policy_test_mode",
};

static enum res
res_parse(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return RES_NONE;
	for (i = RES_NONE; i < RES_OTHER; i++)
		if (strcasecmp(s, res_names[i]) == 0)
			return (enum res)i;
	if (strcasecmp(s, "hardfail") == 0)
		return RES_FAIL;
	return RES_OTHER;
}

static int
rcv_parse(const char *s)
{
	if (s != NULL && strcasecmp(s, "pass") == 0)
		return VERDICT_RCV_PASS;
	if (s != NULL && strcasecmp(s, "fail") == 0)
		return VERDICT_RCV_FAIL;
	return VERDICT_RCV_ABSENT;
}

static int
is_strict(const char *mode)
{
	return mode != NULL && strcasecmp(mode, "s") == 0;
}

/* "user@example.com" -> "example.com"; NULL stays NULL. */
static const char *
domain_part(const char *s)
{
	const char *at;

	if (s == NULL)
		return NULL;
	at = strrchr(s, '@');
	return at != NULL ? at + 1 : s;
}

static int
is_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Index of the SPF result that counts for DMARC, or -1. */
static long
counted_spf(const struct dmarc_record *rec, const char **scope)
{
	size_t i;

	for (i = 0; i < rec->n_spf; i++) {
		const char *sc = rec->spf_results[i].scope;

		if (is_empty(sc) || strcasecmp(sc, "mfrom") == 0) {
			*scope = "mfrom";
			return (long)i;
		}
	}
	if (!is_empty(rec->envelope_from))
		return -1;
	for (i = 0; i < rec->n_spf; i++) {
		const char *sc = rec->spf_results[i].scope;

		if (sc != NULL && strcasecmp(sc, "helo") == 0) {
			*scope = "helo";
			return (long)i;
		}
	}
	return -1;
}

/* What the failing results show beyond alignment, for the cause. */
struct evidence {
	int unaligned_pass; /* a DKIM signature not aligned passes */
	int aligned_bad; /* an aligned signature is there and does not pass */
	long aligned_bad_at; /* the first such, its place; -1: none */
	int any; /* any signature with a result other than none */
	/* A signature of another domain passes that the services list does
	 * not know as a sender (unknown, or with a role). */
	int foreign_resigner;
	int strict_only; /* DKIM or SPF passes for the org, strict refuses */
	unsigned roles; /* 1u << services_role of passing foreign results */
};

/* The role sv gives domain for that kind, as a bit of evidence.roles (0
 * for no role); *known, when not NULL, says whether sv knows the domain. */
static unsigned
role_bit(const struct services *sv, enum services_kind kind, const char *domain,
    int *known)
{
	enum services_role role = SERVICES_ROLE_NONE;
	int found;

	found = sv != NULL && services_find(sv, kind, domain, &role) != NULL;
	if (known != NULL)
		*known = found;
	return role != SERVICES_ROLE_NONE ? 1u << role : 0;
}

static void
eval_spf(const struct orgdomain *od, const struct services *sv,
    const struct dmarc_record *rec, struct verdict *v, struct evidence *ev,
    enum res *spf, int *spf_dom_aligned)
{
	const char *dom;
	long i;

	*spf = RES_NONE;
	*spf_dom_aligned = 0;
	v->spf_scope = NULL;
	v->spf_index = i = counted_spf(rec, &v->spf_scope);
	if (i < 0) {
		v->spf_result = res_names[RES_NONE];
		return;
	}
	*spf = res_parse(rec->spf_results[i].result);
	v->spf_result = res_names[*spf];
	dom = domain_part(rec->spf_results[i].domain);
	if (is_empty(dom) && strcmp(v->spf_scope, "mfrom") == 0)
		dom = domain_part(rec->envelope_from);
	orgdomain_normalize(dom, v->spf_domain, sizeof(v->spf_domain));
	*spf_dom_aligned =
	    align_domains(od, v->spf_domain, v->header_from, v->strict_spf);
	v->spf_aligned = *spf == RES_PASS && *spf_dom_aligned;
	if (*spf != RES_PASS || *spf_dom_aligned)
		return;
	if (v->strict_spf &&
	    align_domains(od, v->spf_domain, v->header_from, 0))
		ev->strict_only = 1;
	else
		ev->roles |= role_bit(sv, SERVICES_SPF, v->spf_domain, NULL);
}

/* A DKIM signature that passes without aligning: the owner's under
 * strict alignment, or another domain's. */
static void
note_unaligned_pass(const struct orgdomain *od, const struct services *sv,
    const char *domain, const struct verdict *v, struct evidence *ev)
{
	unsigned bit;
	int known;

	ev->unaligned_pass = 1;
	if (v->strict_dkim && align_domains(od, domain, v->header_from, 0)) {
		ev->strict_only = 1;
		return;
	}
	bit = role_bit(sv, SERVICES_DKIM, domain, &known);
	ev->roles |= bit;
	if (!known || bit != 0)
		ev->foreign_resigner = 1;
}

static void
eval_dkim(const struct orgdomain *od, const struct services *sv,
    const struct dmarc_record *rec, struct verdict *v, struct evidence *ev)
{
	/* Rank of the d= shown: 4 aligned pass, 3 pass, 2 aligned, 1 any. */
	int best = 0, rank, aligned;
	enum res r;
	size_t i;

	v->dkim_result = res_names[RES_NONE];
	v->dkim_index = -1;
	for (i = 0; i < rec->n_dkim; i++) {
		const struct dmarc_dkim_result *d = &rec->dkim_results[i];

		r = res_parse(d->result);
		aligned = align_domains(
		    od, d->domain, v->header_from, v->strict_dkim);
		if (r != RES_NONE)
			ev->any = 1;
		if (r == RES_PASS && aligned)
			v->dkim_aligned = 1;
		else if (r == RES_PASS)
			note_unaligned_pass(od, sv, d->domain, v, ev);
		else if (r != RES_NONE && aligned && !ev->aligned_bad) {
			ev->aligned_bad = 1;
			ev->aligned_bad_at = (long)i;
		}
		if (r == RES_PASS)
			rank = aligned ? 4 : 3;
		else
			rank = aligned ? 2 : 1;
		if (rank > best) {
			best = rank;
			orgdomain_normalize(
			    d->domain, v->dkim_domain, sizeof(v->dkim_domain));
			v->dkim_result = res_names[r];
			v->dkim_index = (long)i;
		}
	}
}

static enum verdict_cause
auth_cause(const struct verdict *v, const struct evidence *ev, enum res spf,
    int spf_dom_aligned)
{
	if (v->pass)
		return VERDICT_NONE;
	if (ev->roles & (1u << SERVICES_ROLE_LIST))
		return VERDICT_MAILING_LIST;
	if (ev->roles & (1u << SERVICES_ROLE_FORWARDER))
		return VERDICT_FORWARDED;
	if (ev->aligned_bad && ev->foreign_resigner)
		return VERDICT_RESIGNED;
	if (ev->aligned_bad)
		return VERDICT_DKIM_FAIL;
	if (ev->strict_only)
		return VERDICT_STRICT_UNALIGNED;
	if (ev->unaligned_pass)
		return VERDICT_DKIM_UNALIGNED;
	if (spf == RES_PASS)
		return VERDICT_SPF_UNALIGNED;
	if ((spf == RES_PERMERROR || spf == RES_TEMPERROR) && spf_dom_aligned)
		return VERDICT_SPF_ERROR;
	if (!ev->any && spf == RES_NONE)
		return VERDICT_NO_AUTH;
	return VERDICT_AUTH_FAIL;
}

/* What the receiver's reasons say; sets v->override. */
static enum verdict_cause
reason_cause(const struct dmarc_record *rec, struct verdict *v)
{
	unsigned seen = 0;
	int arc = 0;
	size_t i, k;

	for (i = 0; i < rec->n_reasons; i++) {
		const struct dmarc_reason *r = &rec->reasons[i];

		if (r->comment != NULL && strcasestr(r->comment, "arc=pass"))
			arc = 1;
		if (r->type == NULL)
			continue;
		for (k = 0; k < REASON_COUNT; k++) {
			if (strcasecmp(r->type, reason_names[k]) != 0)
				continue;
			seen |= 1u << k;
			if (v->override == NULL)
				v->override = reason_names[k];
		}
	}
	if (seen & (1u << REASON_MAILING_LIST))
		return VERDICT_MAILING_LIST;
	if ((seen & (1u << REASON_FORWARDED)) || arc)
		return VERDICT_FORWARDED;
	if (seen)
		return VERDICT_RECEIVER_OVERRIDE;
	return VERDICT_NONE;
}

void
verdict_eval_services(const struct orgdomain *od, const struct services *sv,
    const struct dmarc_record *rec, const struct dmarc_policy *policy,
    struct verdict *v)
{
	struct evidence ev;
	enum verdict_cause rc;
	enum res spf;
	int spf_dom_aligned;

	memset(v, 0, sizeof(*v));
	memset(&ev, 0, sizeof(ev));
	ev.aligned_bad_at = -1;
	if (policy != NULL) {
		v->strict_dkim = is_strict(policy->adkim);
		v->strict_spf = is_strict(policy->aspf);
	}
	if (!is_empty(rec->header_from)) {
		orgdomain_normalize(domain_part(rec->header_from),
		    v->header_from, sizeof(v->header_from));
	} else if (policy != NULL) {
		orgdomain_normalize(
		    policy->domain, v->header_from, sizeof(v->header_from));
		v->header_from_policy = 1;
	}

	eval_dkim(od, sv, rec, v, &ev);
	eval_spf(od, sv, rec, v, &ev, &spf, &spf_dom_aligned);
	v->pass = v->dkim_aligned || v->spf_aligned;

	v->rcv_dkim = rcv_parse(rec->dkim);
	v->rcv_spf = rcv_parse(rec->spf);
	if (v->rcv_dkim == VERDICT_RCV_PASS || v->rcv_spf == VERDICT_RCV_PASS)
		v->rcv_pass = VERDICT_RCV_PASS;
	else if (v->rcv_dkim == VERDICT_RCV_FAIL ||
	    v->rcv_spf == VERDICT_RCV_FAIL)
		v->rcv_pass = VERDICT_RCV_FAIL;
	else
		v->rcv_pass = VERDICT_RCV_ABSENT;
	if (v->rcv_dkim != VERDICT_RCV_ABSENT && v->rcv_dkim != v->dkim_aligned)
		v->disagree |= VERDICT_DISAGREE_DKIM;
	if (v->rcv_spf != VERDICT_RCV_ABSENT && v->rcv_spf != v->spf_aligned)
		v->disagree |= VERDICT_DISAGREE_SPF;

	v->auth_cause = auth_cause(v, &ev, spf, spf_dom_aligned);
	v->own_index =
	    v->auth_cause == VERDICT_RESIGNED ? ev.aligned_bad_at : -1;
	rc = reason_cause(rec, v);
	v->cause = v->pass || rc == VERDICT_NONE ? v->auth_cause : rc;
}

void
verdict_eval(const struct orgdomain *od, const struct dmarc_record *rec,
    const struct dmarc_policy *policy, struct verdict *v)
{
	verdict_eval_services(od, NULL, rec, policy, v);
}
