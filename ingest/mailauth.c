#include "mailauth.h"

#include "orgdomain.h"
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* One unfolded field is read up to this many bytes; the rest is ignored. */
#define FIELD_MAX 8192

/* Where the line at pos ends: just past its '\n', or len. */
static size_t
line_end(const unsigned char *buf, size_t len, size_t pos)
{
	const unsigned char *nl = memchr(buf + pos, '\n', len - pos);

	return nl == NULL ? len : (size_t)(nl - buf) + 1;
}

/* A header field starts with a name of printable ASCII and a colon. */
static size_t
field_name_len(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] != ':'; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f)
			return 0;
	return i < n && i > 0 ? i : 0;
}

/* The field's value unfolded (line breaks dropped) into out. */
static void
unfold(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz; i++)
		if (p[i] != '\r' && p[i] != '\n')
			out[o++] = p[i] == '\0' ? ' ' : (char)p[i];
	out[o] = '\0';
}

/* Comments (nested parentheses, outside quoted strings) become blanks. */
static void
drop_comments(char *s)
{
	int depth = 0, quoted = 0;

	for (; *s != '\0'; s++) {
		if (quoted) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				quoted = 0;
		} else if (*s == '(') {
			depth++;
			*s = ' ';
		} else if (depth > 0) {
			if (*s == ')')
				depth--;
			else if (*s == '\\' && s[1] != '\0')
				*s++ = ' ';
			*s = ' ';
		} else if (*s == '"') {
			quoted = 1;
		}
	}
}

/* Cuts s at the next ';' outside quotes; returns what follows, or NULL. */
static char *
cut_semicolon(char *s)
{
	int quoted = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == '\\' && quoted && s[1] != '\0')
			s++;
		else if (*s == ';' && !quoted) {
			*s = '\0';
			return s + 1;
		}
	}
	return NULL;
}

/* "a = b" becomes "a=b", so that every token is one word. */
static void
join_equals(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t') {
			char *next = r;

			while (*next == ' ' || *next == '\t')
				next++;
			if (*next == '=' || (w > s && w[-1] == '='))
				continue;
			*w++ = ' ';
			r = next - 1;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
}

/* The next blank-separated token of *p, or NULL. */
static char *
next_token(char **p)
{
	char *s = *p, *t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	t = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return t;
}

static void
add_domain(struct mailauth *ma, const char *value)
{
	char name[MAILAUTH_NAME_MAX], tmp[MAILAUTH_NAME_MAX];
	const char *at = strrchr(value, '@');
	size_t n;

	/* header.i is an address ("@google.com", "x@google.com"). */
	if (at != NULL)
		value = at + 1;
	n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n - 2), value + 1);
		value = tmp;
	}
	if (orgdomain_normalize(value, name, sizeof(name)) < 0)
		return;
	for (size_t i = 0; i < ma->n_domains; i++)
		if (strcmp(ma->domains[i], name) == 0)
			return;
	if (ma->n_domains < MAILAUTH_MAX_DOMAINS)
		memcpy(ma->domains[ma->n_domains++], name, sizeof(name));
}

/* One resinfo: "dkim=pass header.d=google.com header.s=20230601". */
static void
read_resinfo(struct mailauth *ma, char *s)
{
	char *tok, *method, *result, *slash;
	int dkim, dmarc;
	const char *vouch = NULL, *ident = NULL;

	if ((tok = next_token(&s)) == NULL ||
	    (result = strchr(tok, '=')) == NULL)
		return;
	*result++ = '\0';
	method = tok;
	if ((slash = strchr(method, '/')) != NULL)
		*slash = '\0';
	dkim = strcasecmp(method, "dkim") == 0;
	dmarc = strcasecmp(method, "dmarc") == 0;
	if ((!dkim && !dmarc) || strcasecmp(result, "pass") != 0)
		return;
	while ((tok = next_token(&s)) != NULL) {
		char *v = strchr(tok, '=');

		if (v == NULL)
			continue;
		*v++ = '\0';
		if (dkim && strcasecmp(tok, "header.d") == 0)
			vouch = v;
		else if (dkim && strcasecmp(tok, "header.i") == 0)
			ident = v;
		else if (dmarc && strcasecmp(tok, "header.from") == 0)
			vouch = v;
	}
	if (vouch == NULL)
		vouch = ident;
	if (vouch != NULL)
		add_domain(ma, vouch);
}

static int
trusted_id(const char *trusted, const char *id)
{
	char item[MAILAUTH_NAME_MAX];
	const char *p = trusted;
	long n;

	while (p != NULL && (n = text_list_next(&p, item, sizeof(item))) >= 0)
		if ((size_t)n < sizeof(item) && strcasecmp(item, id) == 0)
			return 1;
	return 0;
}

/* Adds a result to the printable line kept for people. */
static void
keep_results(struct mailauth *ma, const char *value)
{
	char flat[MAILAUTH_TEXT_MAX], shown[MAILAUTH_TEXT_MAX];
	size_t o = 0, have = strlen(ma->results);
	int blank = 1;

	for (const char *s = value; *s != '\0' && o + 1 < sizeof(flat); s++) {
		if (*s == ' ' || *s == '\t') {
			if (!blank)
				flat[o++] = ' ';
			blank = 1;
		} else {
			flat[o++] = *s;
			blank = 0;
		}
	}
	while (o > 0 && flat[o - 1] == ' ')
		o--;
	flat[o] = '\0';
	if (o == 0)
		return;
	text_printable(flat, shown, sizeof(shown));
	snprintf(ma->results + have, sizeof(ma->results) - have, "%s%s",
	    have ? "; " : "", shown);
	/* The cut may fall inside a character: results goes into the
	 * verdict's why, stored as text, and the database takes UTF-8 only. */
	text_utf8_cut(ma->results);
}

/* A piece that is one token without '=': an authserv-id where Exchange
 * Online writes it, after a result ("spf=pass ...; tenant.onmicrosoft.com;
 * dkim=..."), since it leaves it out of the front. */
static int
bare_token(const char *piece, char *out, size_t outsz)
{
	char copy[MAILAUTH_NAME_MAX], *s = copy, *t;

	snprintf(copy, sizeof(copy), "%s", piece);
	if ((t = next_token(&s)) == NULL || strchr(t, '=') != NULL ||
	    next_token(&s) != NULL)
		return 0;
	snprintf(out, outsz, "%s", t);
	return 1;
}

/* One Authentication-Results field: the authserv-id, and when the field is
 * trusted (and in the topmost run of trusted fields) what it vouches for. */
static void
read_auth_results(
    struct mailauth *ma, char *value, const char *trusted, int closed)
{
	char id[MAILAUTH_NAME_MAX] = "", shown[MAILAUTH_NAME_MAX], *s, *tok;
	char *pieces[64];
	size_t n = 0, first = 0, i;

	drop_comments(value);
	for (s = value; s != NULL && n < 64; s = cut_semicolon(s))
		pieces[n++] = s;
	if (n == 0)
		return;
	if (bare_token(pieces[0], id, sizeof(id)) ||
	    ((tok = pieces[0] + strspn(pieces[0], " \t"))[0] != '\0' &&
	        strchr(tok, '=') == NULL)) {
		/* "mx.example.com 1; ...": the id, and a version. */
		if (id[0] == '\0') {
			s = pieces[0];
			snprintf(id, sizeof(id), "%s", next_token(&s));
		}
		first = 1;
	} else {
		for (i = 1; i < n && !bare_token(pieces[i], id, sizeof(id));
		     i++)
			;
	}
	text_printable(id, shown, sizeof(shown));
	if (ma->top[0] == '\0')
		snprintf(
		    ma->top, sizeof(ma->top), "%s", id[0] ? shown : "(none)");
	if (closed || id[0] == '\0' || !trusted_id(trusted, id))
		return;
	ma->state = MAILAUTH_FIELD;
	if (ma->by[0] == '\0')
		snprintf(ma->by, sizeof(ma->by), "%s", shown);
	for (i = first; i < n; i++) {
		if (bare_token(pieces[i], shown, sizeof(shown)))
			continue;
		keep_results(ma, pieces[i]);
		join_equals(pieces[i]);
		read_resinfo(ma, pieces[i]);
	}
}

static void
read_from(struct mailauth *ma, char *value, int *n_from)
{
	char *addr = value, *lt = strrchr(value, '<'), *at, *end;

	if (++*n_from > 1) {
		ma->from[0] = '\0';
		return;
	}
	if (lt != NULL)
		addr = lt + 1;
	if ((at = strrchr(addr, '@')) == NULL)
		return;
	end = at + 1 + strcspn(at + 1, " \t>;,()\"");
	*end = '\0';
	if (orgdomain_normalize(at + 1, ma->from, sizeof(ma->from)) < 0)
		ma->from[0] = '\0';
}

/* An mbox with more than one mail: a blank line, then "From ". */
static int
several_mails(const unsigned char *buf, size_t len)
{
	static const char sep[] = "\n\nFrom ", crsep[] = "\n\r\nFrom ";

	return memmem(buf, len, sep, sizeof(sep) - 1) != NULL ||
	    memmem(buf, len, crsep, sizeof(crsep) - 1) != NULL;
}

void
mailauth_scan(const unsigned char *buf, size_t len, const char *trusted,
    struct mailauth *out)
{
	char field[FIELD_MAX];
	size_t pos = 0,
	       scan = len < MAILAUTH_HEADER_MAX ? len : MAILAUTH_HEADER_MAX;
	int n_from = 0, fields = 0, closed = 0;

	memset(out, 0, sizeof(*out));
	out->state = MAILAUTH_NOT_MAIL;
	if (scan >= 5 && memcmp(buf, "From ", 5) == 0) {
		if (several_mails(buf, len))
			return;
		pos = line_end(buf, scan, 0);
	}
	if (field_name_len(buf + pos, scan - pos) == 0)
		return;
	out->state = trusted == NULL || *trusted == '\0' ? MAILAUTH_NOT_SET
	                                                 : MAILAUTH_NO_FIELD;
	while (pos < scan && buf[pos] != '\n' &&
	    !(buf[pos] == '\r' && pos + 1 < scan && buf[pos + 1] == '\n')) {
		size_t start = pos, name;

		pos = line_end(buf, scan, pos);
		while (pos < scan && (buf[pos] == ' ' || buf[pos] == '\t'))
			pos = line_end(buf, scan, pos);
		if ((name = field_name_len(buf + start, pos - start)) == 0)
			break;
		fields++;
		unfold(buf + start + name + 1, pos - start - name - 1, field,
		    sizeof(field));
		if (name == 4 &&
		    strncasecmp((const char *)buf + start, "From", 4) == 0)
			read_from(out, field, &n_from);
		else if (name == 22 &&
		    strncasecmp((const char *)buf + start,
		        "Authentication-Results", 22) == 0)
			read_auth_results(out, field, trusted, closed);
		else if (name == 8 &&
		    strncasecmp((const char *)buf + start, "Received", 8) ==
		        0 &&
		    out->state == MAILAUTH_FIELD)
			closed = 1;
	}
	if (fields == 0)
		out->state = MAILAUTH_NOT_MAIL;
}

/* 1 when name is a domain of org's organization. */
static int
same_org(const struct orgdomain *od, const char *name, const char *org)
{
	char o[ORGDOMAIN_MAX];

	return orgdomain_get(od, name, o, sizeof(o)) >= 0 &&
	    strcmp(o, org) == 0;
}

int
mailauth_judge(const struct mailauth *ma, const struct orgdomain *od,
    const char *email, char *why, size_t whylen)
{
	char claim[ORGDOMAIN_MAX], org[ORGDOMAIN_MAX], name[ORGDOMAIN_MAX];
	const char *at = email != NULL ? strrchr(email, '@') : NULL;

	switch (ma->state) {
	case MAILAUTH_NOT_MAIL:
		snprintf(why, whylen, "not a mail: nothing to check");
		return -1;
	case MAILAUTH_NOT_SET:
		snprintf(why, whylen, "authserv_id is not set%s%s%s",
		    ma->top[0] ? " (the mail's "
		                 "topmost Authentication-Results is by "
		               : "",
		    ma->top, ma->top[0] ? ")" : "");
		return -1;
	case MAILAUTH_NO_FIELD:
		snprintf(why, whylen,
		    "no Authentication-Results by authserv_id on the "
		    "mail%s%s%s",
		    ma->top[0] ? " (the topmost is by " : "", ma->top,
		    ma->top[0] ? ")" : "");
		return -1;
	case MAILAUTH_FIELD:
		break;
	}
	if (at != NULL) {
		if (orgdomain_normalize(at + 1, claim, sizeof(claim)) < 0) {
			char shown[64];

			text_printable(at + 1, shown, sizeof(shown));
			snprintf(why, whylen,
			    "the report's email domain '%s' is not a domain "
			    "name",
			    shown);
			return 0;
		}
	} else if (ma->from[0] != '\0') {
		snprintf(claim, sizeof(claim), "%s", ma->from);
	} else {
		snprintf(why, whylen,
		    "the report names no email and the mail no single From");
		return 0;
	}
	if (orgdomain_get(od, claim, org, sizeof(org)) < 0)
		snprintf(org, sizeof(org), "%s", claim);
	/* Names are valid UTF-8, not always printable (a bidi override
	 * passes orgdomain_normalize()): why is shown and stored. */
	for (size_t i = 0; i < ma->n_domains; i++)
		if (same_org(od, ma->domains[i], org)) {
			text_printable(ma->domains[i], name, sizeof(name));
			snprintf(why, whylen,
			    "%s saw DKIM or DMARC pass for %s", ma->by, name);
			return 1;
		}
	text_printable(claim, name, sizeof(name));
	snprintf(why, whylen, "%s saw no DKIM or DMARC pass for %s (%s)",
	    ma->by, name, ma->results[0] ? ma->results : "no results");
	return 0;
}
