/*
 * imap_resp: framing and parsing IMAP answers (see imap_resp.h).
 */
#include "imap_resp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "xalloc.h"

#define SKIP_DEPTH_MAX 32

/* ------------------------------------------------------------------------
 * Framing. */

void
imap_resp_begin(struct imap_resp *r, const char *tag, size_t max)
{
	size_t n = strlen(tag);

	if (n >= sizeof(r->tag))
		n = sizeof(r->tag) - 1;
	memcpy(r->tag, tag, n);
	r->tag[n] = '\0';
	dynbuf_reset_max(&r->buf, max);
	r->n = 0;
	r->status[0] = '\0';
	r->text[0] = '\0';
	r->literal = 0;
	r->start = r->line = 0;
	r->lit = 0;
	r->first = 1;
	r->is_status = 0;
	r->cont = 0;
}

void
imap_resp_free(struct imap_resp *r)
{
	dynbuf_free(&r->buf);
	free(r->items);
	r->items = NULL;
	r->n = r->items_cap = 0;
}

static int
append(struct imap_resp *r, const unsigned char *p, size_t n)
{
	return dynbuf_add(&r->buf, p, n) < 0 ? IMAP_RESP_E_LIMIT : 0;
}

static void
push(struct imap_resp *r, size_t off, size_t len)
{
	if (r->n == r->items_cap) {
		r->items_cap = r->items_cap ? r->items_cap * 2 : 64;
		r->items = xrealloc(r->items, r->items_cap * sizeof(*r->items));
	}
	r->items[r->n].off = off;
	r->items[r->n].len = len;
	r->n++;
}

/* If the line (without its line end) ends in "{N}", the announced length
 * N (at most 10 digits). */
static int
literal_at_end(const unsigned char *l, size_t n, uint64_t *len)
{
	size_t i, digits = 0;
	uint64_t v = 0;

	if (n < 3 || l[n - 1] != '}')
		return 0;
	for (i = n - 1; i > 0 && l[i - 1] >= '0' && l[i - 1] <= '9'; i--)
		digits++;
	if (digits == 0 || digits > 10 || i == 0 || l[i - 1] != '{')
		return 0;
	for (; i < n - 1; i++)
		v = v * 10 + (uint64_t)(l[i] - '0');
	*len = v;
	return 1;
}

static int
is_status_word(const unsigned char *p, size_t n)
{
	static const char *const words[] = {
	    "OK", "NO", "BAD", "BYE", "PREAUTH"};
	size_t i, w;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		w = strlen(words[i]);
		if (n >= w && strncasecmp((const char *)p, words[i], w) == 0 &&
		    (n == w || p[w] == ' '))
			return 1;
	}
	return 0;
}

/* The tagged line l[0..ll): status and text. */
static int
tagged(struct imap_resp *r, const unsigned char *l, size_t ll)
{
	size_t taglen = strlen(r->tag);
	const unsigned char *s = l + taglen + 1;
	size_t sn = ll - taglen - 1, w;

	for (w = 0; w < sn && w < 3 && s[w] != ' '; w++)
		r->status[w] = (char)s[w];
	r->status[w] = '\0';
	if (strcmp(r->status, "OK") != 0 && strcmp(r->status, "NO") != 0 &&
	    strcmp(r->status, "BAD") != 0) {
		text_printable_n(s, sn, r->text, sizeof(r->text));
		return IMAP_RESP_E_STATUS;
	}
	if (w < sn)
		w++;
	text_printable_n(s + w, sn - w, r->text, sizeof(r->text));
	dynbuf_truncate(&r->buf, r->start);
	return IMAP_RESP_DONE;
}

int
imap_resp_feed(
    struct imap_resp *r, const unsigned char *p, size_t n, size_t *used)
{
	size_t taglen = strlen(r->tag), pos = 0;

	while (pos < n) {
		const unsigned char *l, *lf;
		size_t avail = n - pos, k, ll;

		if (r->lit > 0) {
			k = r->lit < avail ? (size_t)r->lit : avail;
			if (append(r, p + pos, k))
				goto limit;
			pos += k;
			r->lit -= k;
			r->line =
			    r->buf.len; /* the response goes on after it */
			continue;
		}
		lf = memchr(p + pos, '\n', avail);
		k = lf ? (size_t)(lf - (p + pos)) + 1 : avail;
		if (append(r, p + pos, k))
			goto limit;
		pos += k;
		if (lf == NULL)
			break;

		l = (const unsigned char *)r->buf.p + r->line;
		ll = r->buf.len - r->line - 1;
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (r->first) {
			if (ll > taglen && memcmp(l, r->tag, taglen) == 0 &&
			    l[taglen] == ' ') {
				*used = pos;
				return tagged(r, l, ll);
			}
			if (r->cont && ll >= 1 && l[0] == '+' &&
			    (ll == 1 || l[1] == ' ')) {
				/* Only the first: a second is out of step. */
				r->cont = 0;
				dynbuf_truncate(&r->buf, r->start);
				r->line = r->start;
				*used = pos;
				return IMAP_RESP_CONT;
			}
			if (ll < 2 || l[0] != '*' || l[1] != ' ') {
				text_printable_n(l, ll, r->text, 64);
				*used = pos;
				return IMAP_RESP_E_LINE;
			}
			r->is_status = is_status_word(l + 2, ll - 2);
			if (ll >= 5 &&
			    strncasecmp((const char *)l + 2, "BYE", 3) == 0)
				text_printable_n(
				    l + 2, ll - 2, r->bye, sizeof(r->bye));
		}
		/* Text in an OK, NO, BAD or BYE holds no literal. */
		if (!r->is_status && literal_at_end(l, ll, &r->lit)) {
			if (r->lit > r->buf.max - r->buf.len) {
				r->literal = r->lit;
				r->lit = 0;
				*used = pos;
				return IMAP_RESP_E_LIMIT;
			}
			r->first = 0;
			r->line = r->buf.len;
			continue;
		}
		push(r, r->start, r->buf.len - r->start);
		r->start = r->line = r->buf.len;
		r->first = 1;
	}
	*used = pos;
	return IMAP_RESP_MORE;
limit:
	*used = pos;
	r->literal = 0;
	return IMAP_RESP_E_LIMIT;
}

/* ------------------------------------------------------------------------
 * The cursor. */

void
imap_resp_item(const struct imap_resp *r, size_t i, struct imap_cur *c)
{
	c->p = (const unsigned char *)r->buf.p + r->items[i].off;
	c->end = c->p + r->items[i].len;
}

static int
c_peek(const struct imap_cur *c)
{
	return c->p < c->end ? *c->p : -1;
}

int
imap_cur_char(struct imap_cur *c, int ch)
{
	if (c_peek(c) != ch)
		return 0;
	c->p++;
	return 1;
}

static int
atom_char(int ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '(' && ch != ')' && ch != '{' &&
	    ch != '"' && ch != '[' && ch != ']';
}

int
imap_cur_word(struct imap_cur *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->p) < n ||
	    strncasecmp((const char *)c->p, w, n) != 0)
		return 0;
	if (c->p + n < c->end && atom_char(c->p[n]))
		return 0;
	c->p += n;
	return 1;
}

static int
c_number(struct imap_cur *c, uint64_t *v)
{
	const unsigned char *s = c->p;
	int digits = 0;

	*v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++digits > 19) {
			c->p = s;
			return 0;
		}
		*v = *v * 10 + (uint64_t)(*c->p++ - '0');
	}
	return digits > 0;
}

int
imap_cur_u32(struct imap_cur *c, uint32_t *v)
{
	const unsigned char *s = c->p;
	uint64_t x;

	if (!c_number(c, &x) || x > UINT32_MAX) {
		c->p = s;
		return 0;
	}
	*v = (uint32_t)x;
	return 1;
}

/* "{N}" CRLF and N bytes, all within the response. */
static int
c_literal(struct imap_cur *c, const unsigned char **s, size_t *n)
{
	const unsigned char *start = c->p;
	uint64_t len;

	if (!imap_cur_char(c, '{') || !c_number(c, &len) ||
	    !imap_cur_char(c, '}'))
		goto no;
	imap_cur_char(c, '\r');
	if (!imap_cur_char(c, '\n') || len > (uint64_t)(c->end - c->p))
		goto no;
	*s = c->p;
	*n = (size_t)len;
	c->p += len;
	return 1;
no:
	c->p = start;
	return 0;
}

int
imap_cur_string(struct imap_cur *c, const unsigned char **s, size_t *n,
    char *tmp, size_t size)
{
	const unsigned char *a = c->p;
	size_t k = 0;

	if (c_peek(c) == '{')
		return c_literal(c, s, n);
	if (imap_cur_char(c, '"')) {
		for (;;) {
			int ch = c_peek(c);

			if (ch < 0 || ch == '\r' || ch == '\n')
				goto no;
			c->p++;
			if (ch == '"')
				break;
			if (ch == '\\') {
				ch = c_peek(c);
				if (ch != '"' && ch != '\\')
					goto no;
				c->p++;
			}
			if (k + 1 >= size)
				goto no;
			tmp[k++] = (char)ch;
		}
		tmp[k] = '\0';
		*s = (const unsigned char *)tmp;
		*n = k;
		return 1;
	}
	while (c->p < c->end && (atom_char(*c->p) || *c->p == ']'))
		c->p++;
	if (c->p == a)
		return 0;
	if (c->p - a == 3 && strncasecmp((const char *)a, "NIL", 3) == 0) {
		*s = NULL;
		*n = 0;
		return 1;
	}
	*s = a;
	*n = (size_t)(c->p - a);
	return 1;
no:
	c->p = a;
	return 0;
}

/* An atom that may hold "[...]" sections (BODY[HEADER.FIELDS (X)]). */
static int
c_atom_sections(struct imap_cur *c)
{
	const unsigned char *s = c->p;

	while (c->p < c->end && (atom_char(*c->p) || *c->p == '[')) {
		if (*c->p == '[') {
			while (c->p < c->end && *c->p != ']')
				c->p++;
			if (!imap_cur_char(c, ']')) {
				c->p = s;
				return 0;
			}
		} else
			c->p++;
	}
	return c->p > s;
}

static int
c_skip(struct imap_cur *c, int depth)
{
	const unsigned char *s;
	size_t n;
	char tmp[1024];

	if (depth > SKIP_DEPTH_MAX)
		return 0;
	if (imap_cur_char(c, '(')) {
		while (!imap_cur_char(c, ')')) {
			if (c_peek(c) < 0 || !c_skip(c, depth + 1))
				return 0;
			imap_cur_char(c, ' ');
		}
		return 1;
	}
	if (c_peek(c) == '"' || c_peek(c) == '{')
		return imap_cur_string(c, &s, &n, tmp, sizeof(tmp));
	return c_atom_sections(c);
}

int
imap_cur_skip(struct imap_cur *c)
{
	return c_skip(c, 0);
}

/* ------------------------------------------------------------------------
 * Untagged responses. */

int
imap_resp_untagged(
    const struct imap_resp *r, size_t i, const char *word, struct imap_cur *c)
{
	imap_resp_item(r, i, c);
	if (!imap_cur_char(c, '*') || !imap_cur_char(c, ' ') ||
	    !imap_cur_word(c, word))
		return 0;
	imap_cur_char(c, ' ');
	return 1;
}

int
imap_resp_numbered(const struct imap_resp *r, size_t i, const char *word,
    uint32_t *num, struct imap_cur *c)
{
	imap_resp_item(r, i, c);
	if (!imap_cur_char(c, '*') || !imap_cur_char(c, ' ') ||
	    !imap_cur_u32(c, num) || !imap_cur_char(c, ' ') ||
	    !imap_cur_word(c, word))
		return 0;
	imap_cur_char(c, ' ');
	return 1;
}

/* A FETCH item name such as UID or BODY[]<0>, into key. */
static int
c_key(struct imap_cur *c, char *key, size_t size)
{
	const unsigned char *s = c->p;

	if (!c_atom_sections(c))
		return 0;
	if ((size_t)(c->p - s) >= size) {
		c->p = s;
		return 0;
	}
	memcpy(key, s, (size_t)(c->p - s));
	key[c->p - s] = '\0';
	return 1;
}

/* A parenthesized list of flags; notes \Seen and \Deleted. */
static int
c_flags(struct imap_cur *c, struct imap_fetch *f)
{
	if (!imap_cur_char(c, '('))
		return 0;
	while (!imap_cur_char(c, ')')) {
		const unsigned char *s = c->p;
		size_t n;

		imap_cur_char(c, '\\');
		while (c->p < c->end && (atom_char(*c->p) || *c->p == ']'))
			c->p++;
		n = (size_t)(c->p - s);
		if (n == 0)
			return 0;
		if (n == 5 && strncasecmp((const char *)s, "\\Seen", 5) == 0)
			f->seen = 1;
		if (n == 8 && strncasecmp((const char *)s, "\\Deleted", 8) == 0)
			f->deleted = 1;
		imap_cur_char(c, ' ');
	}
	f->has_flags = 1;
	return 1;
}

int
imap_resp_fetch(struct imap_cur *c, struct imap_fetch *f)
{
	char key[64];
	const unsigned char *s;
	size_t n;
	uint64_t v;

	memset(f, 0, sizeof(*f));
	if (!imap_cur_char(c, '('))
		return 0;
	while (!imap_cur_char(c, ')')) {
		if (!c_key(c, key, sizeof(key)) || !imap_cur_char(c, ' '))
			return 0;
		if (strcasecmp(key, "UID") == 0) {
			if (!imap_cur_u32(c, &f->uid))
				return 0;
			f->has_uid = 1;
		} else if (strcasecmp(key, "RFC822.SIZE") == 0) {
			if (!c_number(c, &v))
				return 0;
			f->size = v;
			f->has_size = 1;
		} else if (strcasecmp(key, "FLAGS") == 0) {
			if (!c_flags(c, f))
				return 0;
		} else if (strcasecmp(key, "INTERNALDATE") == 0) {
			if (!imap_cur_string(
			        c, &s, &n, f->date, sizeof(f->date)) ||
			    s == NULL || n >= sizeof(f->date))
				return 0;
			memmove(f->date, s, n);
			f->date[n] = '\0';
			f->has_date = 1;
		} else if (strncasecmp(key, "BODY[]", 6) == 0) {
			if (!imap_cur_string(c, &f->body, &f->body_len,
			        f->qbody, sizeof(f->qbody)))
				return 0;
			f->has_body = 1;
		} else if (!c_skip(c, 0)) {
			return 0;
		}
		imap_cur_char(c, ' ');
	}
	return 1;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
imap_resp_search(const struct imap_resp *r, uint32_t **uids, size_t *n)
{
	size_t i, cap = 0, k = 0;
	uint32_t *u = NULL, v;
	struct imap_cur c;

	for (i = 0; i < r->n; i++) {
		if (!imap_resp_untagged(r, i, "SEARCH", &c))
			continue;
		while (imap_cur_u32(&c, &v)) {
			if (k == cap) {
				cap = cap ? cap * 2 : 64;
				u = xrealloc(u, cap * sizeof(*u));
			}
			u[k++] = v;
			if (!imap_cur_char(&c, ' '))
				break;
		}
	}
	if (k > 1) {
		size_t j = 0;

		qsort(u, k, sizeof(*u), cmp_u32);
		for (i = 0; i < k; i++)
			if (j == 0 || u[j - 1] != u[i])
				u[j++] = u[i];
		k = j;
	}
	*uids = u;
	*n = k;
}

void
imap_resp_select(const struct imap_resp *r, uint32_t *exists,
    uint32_t *uidvalidity, uint32_t *uidnext)
{
	struct imap_cur c;
	uint32_t num;
	size_t i;

	*exists = *uidvalidity = *uidnext = 0;
	for (i = 0; i < r->n; i++) {
		if (imap_resp_numbered(r, i, "EXISTS", &num, &c)) {
			*exists = num;
		} else if (imap_resp_untagged(r, i, "OK", &c) &&
		    imap_cur_char(&c, '[')) {
			if (imap_cur_word(&c, "UIDVALIDITY") &&
			    imap_cur_char(&c, ' '))
				imap_cur_u32(&c, uidvalidity);
			else if (imap_cur_word(&c, "UIDNEXT") &&
			    imap_cur_char(&c, ' '))
				imap_cur_u32(&c, uidnext);
		}
	}
}

unsigned
imap_resp_caps(const struct imap_resp *r)
{
	struct imap_cur c;
	unsigned caps = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (!imap_resp_untagged(r, i, "CAPABILITY", &c))
			continue;
		while (c.p < c.end) {
			if (imap_cur_word(&c, "MOVE"))
				caps |= IMAP_RESP_CAP_MOVE;
			else if (imap_cur_word(&c, "UIDPLUS"))
				caps |= IMAP_RESP_CAP_UIDPLUS;
			else if (imap_cur_word(&c, "IDLE"))
				caps |= IMAP_RESP_CAP_IDLE;
			else
				while (c.p < c.end && *c.p != ' ')
					c.p++;
			while (c.p < c.end && *c.p == ' ')
				c.p++;
		}
	}
	return caps;
}

int
imap_resp_list(const struct imap_resp *r, size_t i, char *sep,
    const unsigned char **name, size_t *name_len, char *tmp, size_t size)
{
	char stmp[8];
	const unsigned char *s;
	struct imap_cur c;
	size_t n;

	if (!imap_resp_untagged(r, i, "LIST", &c))
		return 0;
	if (!c_skip(&c, 0) || !imap_cur_char(&c, ' ') ||
	    !imap_cur_string(&c, &s, &n, stmp, sizeof(stmp)) ||
	    (s != NULL && n != 1) || !imap_cur_char(&c, ' ') ||
	    !imap_cur_string(&c, name, name_len, tmp, size))
		return 0;
	*sep = s != NULL ? (char)s[0] : '\0';
	return 1;
}

unsigned
imap_resp_changes(const struct imap_resp *r, uint32_t *exists)
{
	struct imap_cur c;
	uint32_t num;
	unsigned changes = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (imap_resp_numbered(r, i, "EXISTS", &num, &c)) {
			if (num != *exists)
				changes++;
			*exists = num;
		} else if (imap_resp_numbered(r, i, "EXPUNGE", &num, &c)) {
			if (*exists > 0)
				(*exists)--;
			changes++;
		}
	}
	return changes;
}

const char *
imap_resp_code(const char *text, const char *name)
{
	size_t n = strlen(name);

	if (text[0] != '[' || strncasecmp(text + 1, name, n) != 0)
		return NULL;
	if (text[n + 1] != ' ' && text[n + 1] != ']')
		return NULL;
	return text + n + 1;
}

/* Whether the UID set ("1:3,7") holds uid. */
static int
set_has(const char *set, uint32_t uid)
{
	struct imap_cur c;
	uint32_t a, b;

	c.p = (const unsigned char *)set;
	c.end = c.p + strlen(set);
	for (;;) {
		if (!imap_cur_u32(&c, &a))
			return 0;
		b = a;
		if (imap_cur_char(&c, ':') && !imap_cur_u32(&c, &b))
			return 0;
		if ((uid >= a && uid <= b) || (uid >= b && uid <= a))
			return 1;
		if (!imap_cur_char(&c, ','))
			return 0;
	}
}

int
imap_resp_copyuid_has(const char *text, uint32_t uid)
{
	const char *p = imap_resp_code(text, "COPYUID");
	char set[IMAP_RESP_TEXT_MAX + 1];
	size_t n;

	if (p == NULL || *p++ != ' ')
		return 0;
	p += strspn(p, "0123456789");
	if (*p++ != ' ')
		return 0;
	n = strcspn(p, " ]");
	if (n >= sizeof(set))
		return 0;
	memcpy(set, p, n);
	set[n] = '\0';
	return set_has(set, uid);
}

int
imap_resp_ok_text(const struct imap_resp *r, size_t i, char *text, size_t size)
{
	struct imap_cur c;

	if (!imap_resp_untagged(r, i, "OK", &c))
		return 0;
	/* Without its line end, which is not part of the text. */
	while (c.end > c.p && (c.end[-1] == '\n' || c.end[-1] == '\r'))
		c.end--;
	text_printable_n(c.p, (size_t)(c.end - c.p), text, size);
	return 1;
}
