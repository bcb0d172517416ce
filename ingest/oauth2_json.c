#include "oauth2_json.h"

#include "dynbuf.h"
#include "err.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const char *p, *end;
};

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end &&
	    (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
put_utf8(struct dynbuf *b, unsigned cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	(void)dynbuf_add(b, u, n);
}

/* A string at r->p ('"'), decoded into b when b is not NULL.  The text
 * is at most OAUTH2_JSON_TEXT_MAX, so b (of that ceiling) never fills. */
static int
string(struct reader *r, struct dynbuf *b)
{
	unsigned cp, lo;

	r->p++;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;

		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (b != NULL)
				(void)dynbuf_add(b, r->p, 1);
			r->p++;
			continue;
		}
		if (++r->p >= r->end)
			return -1;
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if (r->end - r->p < 4 || hex4(r->p, &cp) < 0)
				return -1;
			r->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->end - r->p < 6 || r->p[0] != '\\' ||
				    r->p[1] != 'u' || hex4(r->p + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo >= 0xe000)
					return -1;
				r->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return -1;
			}
			/* A NUL would cut the value short unseen. */
			if (cp == 0)
				return -1;
			if (b != NULL)
				put_utf8(b, cp);
			continue;
		default:
			return -1;
		}
		if (b != NULL)
			(void)dynbuf_add(b, &c, 1);
	}
	if (r->p >= r->end)
		return -1;
	r->p++;
	return 0;
}

/* A number, true, false or null: its text into b when not NULL. */
static int
scalar(struct reader *r, struct dynbuf *b)
{
	const char *s = r->p;

	while (r->p < r->end &&
	    (isalnum((unsigned char)*r->p) || *r->p == '-' || *r->p == '+' ||
	        *r->p == '.'))
		r->p++;
	if (r->p == s)
		return -1;
	if (!(isdigit((unsigned char)*s) || *s == '-') &&
	    !((r->p - s == 4 && memcmp(s, "true", 4) == 0) ||
	        (r->p - s == 5 && memcmp(s, "false", 5) == 0) ||
	        (r->p - s == 4 && memcmp(s, "null", 4) == 0)))
		return -1;
	if (b != NULL)
		(void)dynbuf_add(b, s, r->p - s);
	return 0;
}

static int value(struct reader *r, struct dynbuf *b, int depth);

/* An object or array at r->p, checked and skipped. */
static int
nested(struct reader *r, int depth)
{
	char close = *r->p == '{' ? '}' : ']';
	int first = 1;

	if (depth >= OAUTH2_JSON_DEPTH)
		return -1;
	r->p++;
	for (;;) {
		skip_ws(r);
		if (r->p < r->end && *r->p == close && first) {
			r->p++;
			return 0;
		}
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"' ||
			    string(r, NULL) < 0)
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return -1;
			skip_ws(r);
		}
		if (value(r, NULL, depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			first = 0;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return -1;
	}
}

static int
value(struct reader *r, struct dynbuf *b, int depth)
{
	if (r->p >= r->end)
		return -1;
	if (*r->p == '"')
		return string(r, b);
	if (*r->p == '{' || *r->p == '[')
		return nested(r, depth);
	return scalar(r, b);
}

int
oauth2_json_parse(
    struct oauth2_json *j, const char *text, size_t len, struct err *err)
{
	struct reader r = {text, text + len};
	struct dynbuf key, val;
	int first = 1;

	memset(j, 0, sizeof(*j));
	if (len > OAUTH2_JSON_TEXT_MAX)
		return err_set(err, ERR_LIMIT, "JSON longer than %d bytes",
		    OAUTH2_JSON_TEXT_MAX);
	dynbuf_init(&key, OAUTH2_JSON_TEXT_MAX);
	dynbuf_init_secret(&val, OAUTH2_JSON_TEXT_MAX);
	skip_ws(&r);
	if (r.p >= r.end || *r.p++ != '{')
		goto bad;
	for (;;) {
		int is_string;

		skip_ws(&r);
		if (first && r.p < r.end && *r.p == '}') {
			r.p++;
			break;
		}
		dynbuf_reset(&key);
		dynbuf_reset(&val);
		if (r.p >= r.end || *r.p != '"' || string(&r, &key) < 0)
			goto bad;
		skip_ws(&r);
		if (r.p >= r.end || *r.p++ != ':')
			goto bad;
		skip_ws(&r);
		is_string = r.p < r.end && *r.p == '"';
		if (value(&r, &val, 0) < 0)
			goto bad;
		if (j->n == OAUTH2_JSON_MEMBERS) {
			dynbuf_free(&key);
			dynbuf_free(&val);
			oauth2_json_free(j);
			return err_set(err, ERR_LIMIT,
			    "JSON object with more than %d members",
			    OAUTH2_JSON_MEMBERS);
		}
		/* A string that held "\u0000" was refused: none has a NUL. */
		j->m[j->n].key = xstrdup(dynbuf_str(&key));
		j->m[j->n].value = xstrdup(dynbuf_str(&val));
		j->m[j->n].is_string = is_string;
		j->n++;
		skip_ws(&r);
		first = 0;
		if (r.p < r.end && *r.p == ',') {
			r.p++;
			continue;
		}
		if (r.p < r.end && *r.p == '}') {
			r.p++;
			break;
		}
		goto bad;
	}
	skip_ws(&r);
	if (r.p != r.end)
		goto bad;
	dynbuf_free(&key);
	dynbuf_free(&val);
	return 0;
bad:
	dynbuf_free(&key);
	dynbuf_free(&val);
	oauth2_json_free(j);
	return err_set(err, ERR_MALFORMED, "not a JSON object");
}

const char *
oauth2_json_str(const struct oauth2_json *j, const char *key)
{
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->m[i].key, key) == 0)
			return j->m[i].is_string ? j->m[i].value : NULL;
	return NULL;
}

long long
oauth2_json_int(const struct oauth2_json *j, const char *key, long long dflt)
{
	for (size_t i = 0; i < j->n; i++) {
		const char *v = j->m[i].value;
		char *end;
		long long n;

		if (strcmp(j->m[i].key, key) != 0)
			continue;
		if (!isdigit((unsigned char)v[0]))
			return dflt;
		errno = 0;
		n = strtoll(v, &end, 10);
		return errno == 0 && *end == '\0' ? n : dflt;
	}
	return dflt;
}

void
oauth2_json_free(struct oauth2_json *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->m[i].key);
		explicit_bzero(j->m[i].value, strlen(j->m[i].value));
		free(j->m[i].value);
	}
	j->n = 0;
}
