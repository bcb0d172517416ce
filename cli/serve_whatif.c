/* serve_whatif: the what-if of a domain page; see serve_whatif.h. */
#include "serve_whatif.h"

#include "advise.h"
#include "advise_render.h"
#include "analysis_env.h"
#include "dmarc_record.h"
#include "err.h"
#include "httpd.h"
#include "log.h"
#include "readiness.h"
#include "serve_reply.h"
#include "serve_routes.h"
#include "sources.h"
#include "web_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A policy word of field key into out (lower-cased; "" when left out);
 * -1 when it is none of the words from the first allowed. */
static int
word_of(const struct httpd_request *rq, const char *key, int from, char *out,
    size_t size)
{
	const char *v = httpd_arg(rq, key);
	int s;

	out[0] = '\0';
	if (v == NULL || v[0] == '\0')
		return 0;
	if ((s = dmarc_policy_strength(v, strlen(v))) < from)
		return -1;
	snprintf(out, size, "%s", dmarc_policy_word(s));
	return 0;
}

const char *
serve_whatif_args(const struct httpd_request *rq, struct web_whatif *w)
{
	const char *pct = httpd_arg(rq, "pct"), *t = httpd_arg(rq, "t");
	struct policy_spec spec;
	size_t o;

	memset(w, 0, sizeof(*w));
	w->pct = -1;
	if (word_of(rq, "p", 1, w->p, sizeof(w->p)) < 0)
		return "p: want quarantine or reject";
	if (word_of(rq, "sp", 0, w->sp, sizeof(w->sp)) < 0)
		return "sp: want none, quarantine or reject";
	if (word_of(rq, "np", 0, w->np, sizeof(w->np)) < 0)
		return "np: want none, quarantine or reject";
	if (pct != NULL && pct[0] != '\0') {
		/* As --what-if's :PCT and a record's pct=. */
		if ((w->pct = dmarc_pct_parse(pct, strlen(pct))) < 0)
			return "pct: want a whole number from 0 to 100";
	}
	if (t != NULL && t[0] != '\0') {
		if (strcasecmp(t, "y") != 0 && strcasecmp(t, "n") != 0)
			return "t: want y or n";
		w->t[0] = (char)(t[0] | 0x20);
	}
	if (w->p[0] == '\0') {
		if (w->sp[0] || w->np[0] || w->pct >= 0 || w->t[0])
			return "p: want quarantine or reject";
		return NULL; /* the form, empty */
	}
	o = (size_t)snprintf(w->policy, sizeof(w->policy), "p=%s", w->p);
	if (w->sp[0])
		o += (size_t)snprintf(
		    w->policy + o, sizeof(w->policy) - o, "; sp=%s", w->sp);
	if (w->np[0])
		o += (size_t)snprintf(
		    w->policy + o, sizeof(w->policy) - o, "; np=%s", w->np);
	if (w->pct >= 0)
		o += (size_t)snprintf(
		    w->policy + o, sizeof(w->policy) - o, "; pct=%d", w->pct);
	if (w->t[0])
		snprintf(w->policy + o, sizeof(w->policy) - o, "; t=%s", w->t);
	/* What advise_compute() will read it with, so that a policy the
	 * command would refuse is a 400 here, never a 500. */
	if (whatif_parse(w->policy, NULL, &spec) < 0)
		return "p: want quarantine or reject";
	w->asked = 1;
	return NULL;
}

int
serve_whatif_ready(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct web_whatif *w,
    struct httpd_reply *out, int *broken)
{
	if (!w->asked) {
		serve_fail(
		    out, 1, 400, "Bad request", "p: want quarantine or reject");
		return 0;
	}
	return serve_domain_attach(e, domain, p, 1, out, broken);
}

int
serve_whatif_json(struct analysis_env *e, const char *domain,
    const struct web_period *p, const struct web_whatif *w,
    struct httpd_reply *out, int *broken)
{
	struct advise_options ao;
	struct advice a;
	struct err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	/* What `dmarcsift advise --what-if POLICY --offline` computes. */
	analysis_advise_options(e, &ao, domain, p->until, NULL, w->policy);
	if (advise_compute(e->db, &ao, &a, &err) < 0) {
		log_error("%s: %s", domain, err.msg);
		*broken = 1;
		serve_fail(out, 1, 500, "Internal error",
		    "the database failed; the log says why");
	} else if ((fp = open_memstream(&buf, &len)) != NULL) {
		advise_json(fp, &a);
		rc = serve_reply_stream(out, fp, &buf, &len, 200, SERVE_JSON);
	}
	advice_free(&a);
	return rc;
}
