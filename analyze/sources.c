/*
 * sources: the rows of source_overview() as structs; see sources.h.
 */
#include "sources.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dynbuf.h"
#include "err.h"
#include "ipaddr.h"
#include "text.h"
#include "verdict.h"
#include "xalloc.h"

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
source_clear(struct source *s)
{
	free(s->ip);
	free(s->service);
	free(s->ptr);
	free(s->cause);
	free(s->who);
	strv_free(s->dkim_domains, s->n_dkim);
	strv_free(s->spf_domains, s->n_spf);
	memset(s, 0, sizeof(*s));
}

static char **
strv_copy(char *const *v, size_t n)
{
	char **out = n > 0 ? xcalloc(n, sizeof(*out)) : NULL;

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
source_copy(struct source *dst, const struct source *src)
{
	*dst = *src;
	dst->ip = dup_or_null(src->ip);
	dst->service = dup_or_null(src->service);
	dst->ptr = dup_or_null(src->ptr);
	dst->cause = dup_or_null(src->cause);
	dst->who = dup_or_null(src->who);
	dst->dkim_domains = strv_copy(src->dkim_domains, src->n_dkim);
	dst->spf_domains = strv_copy(src->spf_domains, src->n_spf);
}

void
sources_free(struct source_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		source_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * A text[] as PostgreSQL prints it, {a,"b c",...}, split into strings.
 * The elements here are domain names, but a stranger's bytes may be
 * anything: quoted elements with backslash escapes are undone.
 */
static char **
parse_array(const char *s, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (s == NULL || *s != '{')
		return NULL;
	s++;
	while (*s != '\0' && *s != '}') {
		struct dynbuf e;

		/* An element is never longer than the literal. */
		dynbuf_init(&e, strlen(s));
		if (*s == '"') {
			for (s++; *s != '\0' && *s != '"'; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				dynbuf_add(&e, s, 1);
			}
			if (*s == '"')
				s++;
		} else {
			const char *end = s + strcspn(s, ",}");

			dynbuf_add(&e, s, (size_t)(end - s));
			s = end;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = dynbuf_take(&e, NULL);
		if (*s == ',')
			s++;
	}
	return v;
}

struct reader {
	struct source_list *l;
	size_t cap;
};

static uint64_t
u64_of(const char *s)
{
	/* numeric sums print as integers; a negative or missing one is 0. */
	return s != NULL && *s != '-' ? strtoull(s, NULL, 10) : 0;
}

static int
on_source(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct reader *r = arg;
	struct source *s;
	int cls;

	if (ncols != 20 || c[0] == NULL || c[1] == NULL)
		return err_set(
		    err, ERR_DB, "unexpected row from source_overview");
	if (r->l->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->l->v = xrealloc(r->l->v, r->cap * sizeof(*r->l->v));
	}
	s = &r->l->v[r->l->n++];
	memset(s, 0, sizeof(*s));
	s->ip = xstrdup(c[0]);
	cls = source_class_parse(c[1]);
	s->cls = cls >= 0 ? (enum source_class)cls : SOURCE_UNKNOWN;
	s->service = dup_or_null(c[2]);
	s->ptr = dup_or_null(c[3]);
	s->messages = u64_of(c[4]);
	s->passed = u64_of(c[5]);
	s->failed = u64_of(c[6]);
	s->forwarded = u64_of(c[7]);
	s->cause = dup_or_null(c[8]);
	s->cause_messages = u64_of(c[9]);
	s->dkim_domains = parse_array(c[10], &s->n_dkim);
	s->spf_domains = parse_array(c[11], &s->n_spf);
	s->reporters = u64_of(c[12]);
	s->first_seen = c[13] != NULL ? strtoll(c[13], NULL, 10) : 0;
	s->last_seen = c[14] != NULL ? strtoll(c[14], NULL, 10) : 0;
	s->failed_sub = u64_of(c[15]);
	s->failed_np = u64_of(c[16]);
	s->quarantined = u64_of(c[17]);
	s->rejected = u64_of(c[18]);
	s->who = xstrdup(c[19] != NULL ? c[19] : s->ip);
	return 0;
}

/* A list of sources as a text[] literal (out is initialised here);
 * ERR_USAGE for a bad entry. */
static int
list_array(
    const char *setting, const char *list, struct dynbuf *out, struct err *err)
{
	const char *p = list != NULL ? list : "";

	/* Each entry takes two quotes and a comma more than it is long. */
	dynbuf_init(out, 4 * strlen(p) + 2);
	dynbuf_addstr(out, "{");
	for (;;) {
		char item[128], ip[IP_TEXT_MAX];
		long n = text_list_next(&p, item, sizeof(item));
		size_t len = n > 0 ? (size_t)n : 0;

		if (n < 0)
			break;
		if (len >= sizeof(item))
			return err_set(err, ERR_USAGE,
			    "%s: an entry is longer than %zu bytes", setting,
			    sizeof(item) - 1);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)item[i] < 0x20 || item[i] == '"' ||
			    item[i] == '\\' || item[i] == 0x7f)
				return err_set(err, ERR_USAGE,
				    "%s: an entry holds a control character, a "
				    "quote or a backslash",
				    setting);
		/* What looks like an address or a network must parse (SQL casts
		 * it), so a typo is not silently a name either. */
		if (strchr(item, '/') == NULL &&
		    strspn(item, "0123456789abcdefABCDEF.:") == len) {
			if (ip_normalize(item, ip) < 0)
				return err_set(err, ERR_USAGE,
				    "%s: '%s' is not an address (a service "
				    "name needs a letter past f)",
				    setting, item);
		} else if (strchr(item, '/') != NULL) {
			char addr[128];
			char *slash;
			long bits;

			snprintf(addr, sizeof(addr), "%s", item);
			slash = strchr(addr, '/');
			*slash = '\0';
			bits = strtol(slash + 1, NULL, 10);
			if (ip_normalize(addr, ip) < 0 || bits < 0 ||
			    bits > (strchr(ip, ':') != NULL ? 128 : 32) ||
			    strspn(slash + 1, "0123456789") !=
			        strlen(slash + 1) ||
			    slash[1] == '\0')
				return err_set(err, ERR_USAGE,
				    "%s: '%s' is not a network (ADDRESS/BITS)",
				    setting, item);
		}
		if (out->len > 1)
			dynbuf_addstr(out, ",");
		dynbuf_addstr(out, "\"");
		dynbuf_add(out, item, len);
		dynbuf_addstr(out, "\"");
	}
	dynbuf_addstr(out, "}");
	return 0;
}

int
source_list_array(
    const char *setting, const char *list, char **out, struct err *err)
{
	struct dynbuf b;
	int rc = list_array(setting, list, &b, err);

	if (rc < 0) {
		dynbuf_free(&b);
		*out = NULL;
		return rc;
	}
	*out = dynbuf_take(&b, NULL);
	return 0;
}

int
sources_read(struct db *db, const char *domain, int64_t since, int64_t until,
    const struct source_rules *rules, struct source_list *out, struct err *err)
{
	struct reader r = {out, 0};
	struct dynbuf trusted, ignored;
	char since_s[24], until_s[24], share[16];
	const char *p[6];
	int rc;

	memset(out, 0, sizeof(*out));
	dynbuf_init(&ignored, 0);
	if ((rc = list_array(
	         "trusted_sources", rules->trusted, &trusted, err)) < 0 ||
	    (rc = list_array(
	         "ignored_sources", rules->ignored, &ignored, err)) < 0)
		goto out;
	snprintf(since_s, sizeof(since_s), "%lld", (long long)since);
	snprintf(until_s, sizeof(until_s), "%lld", (long long)until);
	snprintf(share, sizeof(share), "%d", rules->legit_share);
	p[0] = domain;
	p[1] = since_s;
	p[2] = until < INT64_MAX ? until_s : NULL;
	p[3] = share;
	p[4] = trusted.p;
	p[5] = ignored.p;
	rc = db_each(db,
	    "SELECT source_ip, class, service, ptr, messages, passed, failed, "
	    "forwarded, cause, cause_messages, dkim_domains, spf_domains, "
	    "reporters, extract(epoch FROM first_seen)::bigint, "
	    "extract(epoch FROM last_seen)::bigint, failed_sub, failed_np, "
	    "quarantined, rejected, who "
	    "FROM source_overview($1, to_timestamp($2), "
	    "coalesce(to_timestamp($3), 'infinity'), $4::numeric / 100, "
	    "$5::text[], $6::text[])",
	    6, p, on_source, &r, err);
	if (rc < 0)
		sources_free(out);
out:
	dynbuf_free(&trusted);
	dynbuf_free(&ignored);
	return rc;
}

static int
on_span(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct domain_span *d = arg;

	if (ncols != 3)
		return err_set(err, ERR_DB, "unexpected row reading reports");
	d->reports = u64_of(c[0]);
	d->first = c[1] != NULL ? strtoll(c[1], NULL, 10) : 0;
	d->last = c[2] != NULL ? strtoll(c[2], NULL, 10) : 0;
	return 0;
}

static int
on_other(void *arg, int ncols, const char *const *c, struct err *err)
{
	struct domain_span *d = arg;
	size_t n = strlen(d->others);

	(void)err;
	if (ncols != 1 || c[0] == NULL)
		return 0;
	/* Names from strangers' reports: printable only, cut whole. */
	if (n + strlen(c[0]) + 3 >= sizeof(d->others))
		return 0;
	snprintf(
	    d->others + n, sizeof(d->others) - n, "%s%s", n ? ", " : "", c[0]);
	for (char *p = d->others + n; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return 0;
}

int
sources_domain_span(
    struct db *db, const char *domain, struct domain_span *out, struct err *err)
{
	const char *p[1] = {domain};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_each(db,
	    "SELECT count(*), extract(epoch FROM min(date_begin))::bigint, "
	    "extract(epoch FROM max(date_end))::bigint FROM reports WHERE "
	    "$1::text IS NULL OR lower(domain) = lower($1)",
	    1, p, on_span, out, err);
	if (rc < 0 || out->reports > 0)
		return rc;
	return db_each(db,
	    "SELECT lower(domain) FROM reports GROUP BY 1 ORDER BY "
	    "sum(messages) DESC, 1 LIMIT 5",
	    0, NULL, on_other, out, err);
}
