/*
 * dnscheck: the findings every check appends to, and the helpers the
 * checks share (dnscheck_int.h).  The checks themselves live by subject in
 * dnscheck_dmarc.c, dnscheck_spf.c, dnscheck_dkim.c, dnscheck_mx.c and
 * dnscheck_ptr.c.  The SPF evaluator sends no query: dnscheck_spf(), at the
 * end, hands it the resolver.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnscheck.h"
#include "dnscheck_int.h"
#include "err.h"
#include "orgdomain.h"
#include "resolve.h"
#include "text.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * Findings. */

void
dnscheck_list_free(struct dnscheck_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].subject);
		free(l->v[i].text);
		free(l->v[i].fix);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const struct dnscheck_finding *
dnscheck_find(const struct dnscheck_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	}
	return NULL;
}

static char *
dup_printable(const char *s)
{
	char buf[DNSCHECK_TEXT_MAX];

	text_printable(s, buf, sizeof(buf));
	return xstrdup(buf);
}

void
dnscheck_add(struct dnscheck_list *l, const char *id, enum dnscheck_status st,
    const char *subject, const char *fix, const char *fmt, ...)
{
	struct dnscheck_finding *f;
	char buf[DNSCHECK_TEXT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		memcpy(buf + sizeof(buf) - 4, "...", 4);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	f = &l->v[l->n++];
	f->id = id;
	f->status = st;
	f->subject = dup_printable(subject != NULL ? subject : "");
	f->text = dup_printable(buf);
	f->fix = fix != NULL ? dup_printable(fix) : NULL;
}

/* ------------------------------------------------------------------------
 * Helpers the checks share (dnscheck_int.h). */

const char *
dnscheck_trouble_name(enum resolve_status s)
{
	switch (s) {
	case RESOLVE_SERVFAIL:
		return "SERVFAIL";
	case RESOLVE_REFUSED:
		return "REFUSED";
	case RESOLVE_TIMEOUT:
		return "timeout";
	case RESOLVE_BUDGET:
		return "not asked";
	default:
		return "error";
	}
}

int
dnscheck_dns_trouble(struct dnscheck_list *out, const char *id,
    const struct resolve_result *res, const char *subject)
{
	if (!resolve_status_trouble(res->status))
		return 0;
	dnscheck_add(out, id, DNSCHECK_DNSERROR, subject,
	    "check the domain's name servers, or try again later",
	    "%s lookup of %s got no answer: %s%s%s%s",
	    resolve_type_name(res->type), subject,
	    dnscheck_trouble_name(res->status), res->detail[0] ? " (" : "",
	    res->detail, res->detail[0] ? ")" : "");
	return 1;
}

int
dnscheck_txt_versioned(struct resolver *r, const char *name,
    const char *version, const char *id, struct resolve_result *res,
    size_t *found, size_t *first, struct dnscheck_list *out, struct err *err)
{
	size_t vlen = strlen(version);
	int rc;

	*found = *first = 0;
	if ((rc = resolve_one(r, RESOLVE_TXT, name, res, err)) < 0)
		return rc;
	if (dnscheck_dns_trouble(out, id, res, name))
		return 1;
	for (size_t i = 0; i < res->n; i++) {
		if (res->rr[i].len >= vlen &&
		    strncasecmp(res->rr[i].text, version, vlen) == 0 &&
		    (*found)++ == 0)
			*first = i;
	}
	return 0;
}

int
dnscheck_domain_ok(const char *s)
{
	char buf[DOMAIN_MAX];

	/* As in DNS answers: ASCII, any hyphens. */
	return domain_scan(s, buf, sizeof(buf), DOMAIN_HYPHEN_EDGES) == NULL;
}

int
dnscheck_record_bytes_ok(const char *text, size_t len, const char *id,
    const char *subject, struct dnscheck_list *out)
{
	if (len > DNSCHECK_RECORD_MAX) {
		dnscheck_add(out, id, DNSCHECK_FAIL, subject,
		    "publish a shorter record",
		    "the record is %zu bytes long, more than %d", len,
		    DNSCHECK_RECORD_MAX);
		return 0;
	}
	if (memchr(text, '\0', len) != NULL) {
		dnscheck_add(out, id, DNSCHECK_FAIL, subject,
		    "publish the record again without the NUL byte",
		    "the record holds a NUL byte");
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------------
 * SPF over the resolver: the evaluator (dnscheck_spf.c) asks, the resolver
 * answers. */

static int
spf_lookup(void *arg, const char *name, const enum resolve_type *types,
    size_t n, struct resolve_result *res, struct err *err)
{
	struct resolver *r = arg;
	size_t i;

	for (i = 0; i < n; i++)
		resolve_into(r, types[i], name, &res[i]);
	return resolve_wait(r, err);
}

int
dnscheck_spf(struct resolver *r, const char *domain, struct dnscheck_list *out,
    struct dnscheck_spf **spf_out, struct err *err)
{
	const struct dnscheck_spf_dns dns = {spf_lookup, r};

	return dnscheck_spf_eval(&dns, domain, out, spf_out, err);
}
