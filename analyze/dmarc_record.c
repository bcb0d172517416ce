/*
 * dmarc_record: recognition, the tag list, the policy in force, the record
 * text for a policy, and the lookup with the organizational-domain
 * fallback.  The rules are in dmarc_record.h.
 */
#include "dmarc_record.h"

#include "err.h"
#include "taglist.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------
 * Characters, in ASCII whatever the locale. */

/* WSP of RFC 5234: what the dmarc-version ABNF allows around '='. */
static int
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* 1 when the len bytes at s are word, in any case. */
static int
equals_ci(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

/* ------------------------------------------------------------------------
 * Recognition. */

/* As dmarc_record_is(), with the version compared in any case when
 * any_case is set. */
static int
version_first(const char *text, size_t len, int any_case, int *near)
{
	size_t p = 0;

	if (near != NULL)
		*near = 0;
	while (p < len && is_wsp((unsigned char)text[p]))
		p++;
	if (p >= len || (text[p] != 'v' && text[p] != 'V'))
		return 0;
	p++;
	while (p < len && is_wsp((unsigned char)text[p]))
		p++;
	if (p >= len || text[p] != '=')
		return 0;
	p++;
	while (p < len && is_wsp((unsigned char)text[p]))
		p++;
	if (len - p < 6 || strncasecmp(text + p, "DMARC1", 6) != 0)
		return 0;
	if (!any_case && strncmp(text + p, "DMARC1", 6) != 0) {
		if (near != NULL)
			*near = 1;
		return 0;
	}
	p += 6;
	while (p < len && is_wsp((unsigned char)text[p]))
		p++;
	return p == len || text[p] == ';';
}

int
dmarc_record_is(const char *text, size_t len, int *near)
{
	return version_first(text, len, 0, near);
}

int
dmarc_policy_strength(const char *word, size_t len)
{
	for (int i = DMARC_NONE; i <= DMARC_REJECT; i++) {
		if (equals_ci(word, len, dmarc_policy_word(i)))
			return i;
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * The tag list. */

static void __attribute__((format(printf, 2, 3)))
note(struct dmarc_txt *rec, const char *fmt, ...)
{
	va_list ap;

	rec->nskipped++;
	if (rec->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(rec->why, sizeof(rec->why), fmt, ap);
	va_end(ap);
}

/*
 * Splits text into rec's tags (taglist.h, names in any case): every part
 * that is a tag, up to DMARC_MAX_TAGS; the others skipped and noted.
 */
static void
tag_list(const char *text, size_t len, struct dmarc_txt *rec)
{
	struct taglist tl;
	struct taglist_tag tt;
	char why[sizeof(rec->why)];
	int rc;

	taglist_init(&tl, text, len, TAGLIST_FOLD_CASE);
	while ((rc = taglist_next(&tl, &tt, why, sizeof(why))) != 0) {
		struct dmarc_tag *t;

		if (rc < 0) {
			note(rec, "%s", why);
			continue;
		}
		if (rec->ntags >= DMARC_MAX_TAGS) {
			note(rec, "more than %d tags", DMARC_MAX_TAGS);
			break;
		}
		t = &rec->tag[rec->ntags];
		memcpy(t->name, tt.name, sizeof(t->name));
		t->val = tt.val;
		t->vlen = tt.vlen;
		t->pos = tt.pos;
		t->repeat = dmarc_record_tag(rec, t->name) != NULL;
		rec->nrepeats += t->repeat != 0;
		rec->ntags++;
	}
}

const struct dmarc_tag *
dmarc_record_tag(const struct dmarc_txt *rec, const char *name)
{
	for (size_t i = 0; i < rec->ntags; i++) {
		if (strcmp(rec->tag[i].name, name) == 0)
			return &rec->tag[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Values. */

/* 1 when the value is one of the words of list, in any case. */
static int
one_of(const struct dmarc_tag *t, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (equals_ci(t->val, t->vlen, *list))
			return 1;
	}
	return 0;
}

/* fo: single characters of 0, 1, d, s separated by ':', blanks around. */
static int
fo_ok(const struct dmarc_tag *t)
{
	size_t i = 0;

	if (t->vlen == 0)
		return 0;
	while (i < t->vlen) {
		while (i < t->vlen && taglist_is_fws((unsigned char)t->val[i]))
			i++;
		if (i >= t->vlen || !strchr("01ds", lower(t->val[i])))
			return 0;
		i++;
		while (i < t->vlen && taglist_is_fws((unsigned char)t->val[i]))
			i++;
		if (i < t->vlen && t->val[i++] != ':')
			return 0;
		if (i == t->vlen && t->val[i - 1] == ':')
			return 0;
	}
	return 1;
}

/* pct: 1 to 3 digits, 0..100 (RFC 7489 6.4); -1 when invalid. */
static int
pct_of(const struct dmarc_tag *t)
{
	return dmarc_pct_parse(t->val, t->vlen);
}

int
dmarc_pct_parse(const char *s, size_t len)
{
	int n = 0;

	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return n <= 100 ? n : -1;
}

int
dmarc_tag_valid(const struct dmarc_tag *t)
{
	static const char *const yn[] = {"y", "n", NULL};
	static const char *const ynu[] = {"y", "n", "u", NULL};
	static const char *const rs[] = {"r", "s", NULL};
	static const char *const afrf[] = {"afrf", NULL};
	const char *n = t->name;

	if (strcmp(n, "v") == 0)
		return t->vlen == 6 && memcmp(t->val, "DMARC1", 6) == 0;
	if (strcmp(n, "p") == 0 || strcmp(n, "sp") == 0 || strcmp(n, "np") == 0)
		return dmarc_policy_strength(t->val, t->vlen) >= 0;
	if (strcmp(n, "t") == 0)
		return one_of(t, yn);
	if (strcmp(n, "psd") == 0)
		return one_of(t, ynu);
	if (strcmp(n, "adkim") == 0 || strcmp(n, "aspf") == 0)
		return one_of(t, rs);
	if (strcmp(n, "fo") == 0)
		return fo_ok(t);
	if (strcmp(n, "pct") == 0)
		return pct_of(t) >= 0;
	if (strcmp(n, "rf") == 0)
		return one_of(t, afrf);
	if (strcmp(n, "ri") == 0) {
		if (t->vlen == 0 || t->vlen > 9)
			return 0;
		for (size_t i = 0; i < t->vlen; i++) {
			if (!is_digit((unsigned char)t->val[i]))
				return 0;
		}
		return 1;
	}
	if (strcmp(n, "rua") == 0 || strcmp(n, "ruf") == 0)
		return t->vlen > 0;
	return -1;
}

/* The first tag named name when its value is valid, else NULL. */
static const struct dmarc_tag *
valid_tag(const struct dmarc_txt *rec, const char *name)
{
	const struct dmarc_tag *t = dmarc_record_tag(rec, name);

	return t != NULL && dmarc_tag_valid(t) == 1 ? t : NULL;
}

static void
policy_of(const struct dmarc_txt *rec, struct dmarc_in_force *pol)
{
	const struct dmarc_tag *t;

	memset(pol, 0, sizeof(*pol));
	pol->p = pol->sp = pol->np = DMARC_ABSENT;
	if ((t = valid_tag(rec, "p")) != NULL)
		pol->p = dmarc_policy_strength(t->val, t->vlen);
	if ((t = valid_tag(rec, "sp")) != NULL)
		pol->sp = dmarc_policy_strength(t->val, t->vlen);
	if ((t = valid_tag(rec, "np")) != NULL)
		pol->np = dmarc_policy_strength(t->val, t->vlen);
	pol->sp_in_force = pol->sp != DMARC_ABSENT ? pol->sp : pol->p;
	pol->np_in_force = pol->np != DMARC_ABSENT ? pol->np : pol->sp_in_force;
	t = valid_tag(rec, "pct");
	pol->pct = t != NULL ? pct_of(t) : 100;
	t = valid_tag(rec, "t");
	pol->testing = t != NULL && lower(t->val[0]) == 'y';
	t = valid_tag(rec, "psd");
	pol->psd = t != NULL ? lower(t->val[0]) : 'u';
	t = valid_tag(rec, "adkim");
	pol->adkim = t != NULL ? lower(t->val[0]) : 'r';
	t = valid_tag(rec, "aspf");
	pol->aspf = t != NULL ? lower(t->val[0]) : 'r';
	t = valid_tag(rec, "fo");
	if (t != NULL && t->vlen < sizeof(pol->fo))
		snprintf(
		    pol->fo, sizeof(pol->fo), "%.*s", (int)t->vlen, t->val);
	else
		strcpy(pol->fo, "0");
	if ((t = valid_tag(rec, "rua")) != NULL) {
		pol->rua = t->val;
		pol->rua_len = t->vlen;
	}
	if ((t = valid_tag(rec, "ruf")) != NULL) {
		pol->ruf = t->val;
		pol->ruf_len = t->vlen;
	}
}

/* Parses text whose version tag is checked by version_first(any_case). */
static int
parse(const char *text, size_t len, int any_case, struct dmarc_txt *out)
{
	memset(out, 0, sizeof(*out));
	policy_of(out, &out->pol);
	if (text == NULL) {
		snprintf(out->why, sizeof(out->why), "no record");
		return -1;
	}
	if (len > DMARC_RECORD_MAX) {
		snprintf(out->why, sizeof(out->why),
		    "the record is %zu bytes long, more than %d", len,
		    DMARC_RECORD_MAX);
		return -1;
	}
	if (!version_first(text, len, any_case, &out->near)) {
		snprintf(out->why, sizeof(out->why),
		    out->near ? "the record starts with a v= other than exactly"
		                " DMARC1"
		              : "the record does not start with v=DMARC1");
		return -1;
	}
	tag_list(text, len, out);
	policy_of(out, &out->pol);
	return 0;
}

int
dmarc_record_parse(const char *text, size_t len, struct dmarc_txt *out)
{
	return parse(text, len, 0, out);
}

/* ------------------------------------------------------------------------
 * Building. */

struct out_tag {
	const char *name, *val;
	size_t vlen;
	int optional; /* may be left out when the record grows too long */
};

struct building {
	struct out_tag v[DMARC_MAX_TAGS + 8];
	size_t n;
	char pct[8];
};

static void
add(struct building *r, const char *name, const char *val, size_t vlen,
    int optional)
{
	if (r->n < sizeof(r->v) / sizeof(r->v[0]))
		r->v[r->n++] = (struct out_tag){name, val, vlen, optional};
}

static void
add_word(struct building *r, const char *name, const char *word)
{
	add(r, name, word, strlen(word), 0);
}

/* p, then t and pct when wanted and the record has none of its own. */
static void
add_policy(
    struct building *r, const struct dmarc_build *b, int has_t, int has_pct)
{
	const char *p = dmarc_policy_word(b->p);

	add_word(r, "p", p != NULL ? p : "none");
	if (b->testing && !has_t)
		add_word(r, "t", "y");
	if (b->pct >= 0 && b->pct < 100 && !has_pct)
		add_word(r, "pct", r->pct);
}

/* Writes the record, leaving out optional tags from the end until it
 * fits: a cut tag would say something else. */
static void
record_write(struct building *r, char *out, size_t size)
{
	size_t total, o = 0;

	for (;;) {
		size_t i;

		total = 0;
		for (i = 0; i < r->n; i++)
			total += (i ? 2 : 0) + strlen(r->v[i].name) + 1 +
			    r->v[i].vlen;
		if (total < size)
			break;
		i = r->n;
		while (i > 0 && !r->v[i - 1].optional)
			i--;
		if (i == 0)
			break; /* ours alone: cut below, never overrun */
		memmove(&r->v[i - 1], &r->v[i], (r->n - i) * sizeof(r->v[0]));
		r->n--;
	}
	if (size == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < r->n && o + 1 < size; i++) {
		snprintf(out + o, size - o, "%s%s=%.*s", i ? "; " : "",
		    r->v[i].name, (int)r->v[i].vlen, r->v[i].val);
		o += strlen(out + o);
	}
}

/* The existing record's text with only what may stand in a quoted TXT
 * string: printable ASCII without '"' and '\'; tabs become spaces. */
static char *
safe_copy(const char *text, size_t *len)
{
	size_t n = strlen(text), o = 0;
	char *copy = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\t')
			c = ' ';
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			copy[o++] = (char)c;
	}
	copy[o] = '\0';
	*len = o;
	return copy;
}

int
dmarc_record_build(
    const char *existing, const struct dmarc_build *b, char *out, size_t size)
{
	struct building r;
	struct dmarc_txt rec;
	char *copy = NULL;
	size_t len = 0;
	int from_existing = 0;

	memset(&r, 0, sizeof(r));
	snprintf(r.pct, sizeof(r.pct), "%d", b->pct);
	if (existing != NULL) {
		copy = safe_copy(existing, &len);
		from_existing = parse(copy, len, 1, &rec) == 0;
	}
	add_word(&r, "v", "DMARC1");
	if (from_existing) {
		int has_p = 0, has_t = 0, has_pct = 0;

		/* What the record keeps: no repeat, no empty value. */
		for (size_t i = 1; i < rec.ntags; i++) {
			const struct dmarc_tag *t = &rec.tag[i];

			if (t->repeat || t->vlen == 0)
				continue;
			has_p |= strcmp(t->name, "p") == 0;
			has_t |= strcmp(t->name, "t") == 0;
			has_pct |= strcmp(t->name, "pct") == 0;
		}
		if (!has_p)
			add_policy(&r, b, has_t, has_pct);
		for (size_t i = 1; i < rec.ntags; i++) {
			const struct dmarc_tag *t = &rec.tag[i];

			if (t->repeat || t->vlen == 0 ||
			    strcmp(t->name, "v") == 0)
				continue;
			if (strcmp(t->name, "p") == 0)
				add_policy(&r, b, has_t, has_pct);
			else if (strcmp(t->name, "t") == 0) {
				if (b->testing)
					add_word(&r, "t", "y");
			} else if (strcmp(t->name, "pct") == 0) {
				if (b->pct >= 0 && b->pct < 100)
					add_word(&r, "pct", r.pct);
			} else
				add(&r, t->name, t->val, t->vlen, 1);
		}
	} else {
		add_policy(&r, b, 0, 0);
		if (dmarc_policy_word(b->sp) != NULL)
			add_word(&r, "sp", dmarc_policy_word(b->sp));
		if (dmarc_policy_word(b->np) != NULL)
			add_word(&r, "np", dmarc_policy_word(b->np));
		if (b->adkim == 'r' || b->adkim == 's')
			add_word(&r, "adkim", b->adkim == 's' ? "s" : "r");
		if (b->aspf == 'r' || b->aspf == 's')
			add_word(&r, "aspf", b->aspf == 's' ? "s" : "r");
		if (b->rua != NULL)
			add_word(&r, "rua", b->rua);
	}
	record_write(&r, out, size);
	free(copy);
	return from_existing;
}

/* ------------------------------------------------------------------------
 * The lookup. */

/* Counts the v=DMARC1 records of res; *first is the first one. */
static size_t
count_records(const struct resolve_result *res,
    const struct resolve_record **first, int *near_any)
{
	size_t n = 0;
	int near;

	*first = NULL;
	if (res->status != RESOLVE_OK)
		return 0;
	for (size_t i = 0; i < res->n; i++) {
		if (dmarc_record_is(res->rr[i].text, res->rr[i].len, &near)) {
			if (n++ == 0)
				*first = &res->rr[i];
		} else if (near) {
			*near_any = 1;
		}
	}
	return n;
}

int
dmarc_lookup(struct resolver *r, const struct orgdomain *od, const char *domain,
    struct dmarc_lookup *out, struct err *err)
{
	const struct resolve_record *rec, *orec;
	int rc;

	memset(out, 0, sizeof(*out));
	if (orgdomain_normalize(domain, out->domain, sizeof(out->domain)) < 0)
		return err_set(err, ERR_USAGE, "not a domain name");
	snprintf(out->name, sizeof(out->name), "_dmarc.%s", out->domain);
	if (od != NULL &&
	    orgdomain_get(od, out->domain, out->org, sizeof(out->org)) == 0 &&
	    strcmp(out->org, out->domain) != 0)
		snprintf(out->org_name, sizeof(out->org_name), "_dmarc.%s",
		    out->org);
	if ((rc = resolve_one(r, RESOLVE_TXT, out->name, &out->own, err)) < 0)
		return rc;
	out->count = count_records(&out->own, &rec, &out->near);
	if (out->count == 1) {
		out->record = rec;
		return 0;
	}
	if (out->count > 0 || out->org_name[0] == '\0' ||
	    resolve_status_trouble(out->own.status))
		return 0;
	out->asked_org = 1;
	if ((rc = resolve_one(
	         r, RESOLVE_TXT, out->org_name, &out->org_res, err)) < 0)
		return rc;
	out->org_count = count_records(&out->org_res, &orec, &out->near);
	if (out->org_count == 1) {
		out->record = orec;
		out->at_org = 1;
	}
	return 0;
}

void
dmarc_lookup_clear(struct dmarc_lookup *l)
{
	if (l == NULL)
		return;
	resolve_result_clear(&l->own);
	if (l->asked_org)
		resolve_result_clear(&l->org_res);
	l->asked_org = 0;
	l->record = NULL;
}
