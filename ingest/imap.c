/*
 * imap: the IMAP client (see imap.h); the one file that uses libcurl for
 * IMAP.
 *
 * libcurl (7.88) connects, negotiates TLS or STARTTLS, verifies the
 * certificate and logs in; CURLOPT_CONNECT_ONLY stops it there, and the
 * commands after login go over curl_easy_send()/curl_easy_recv().  Its
 * custom requests are of no use for this job: for a custom command it
 * reads the answer line by line, hands on only the lines that start with
 * "* " and drops the rest, so the lines of a literal (the mail a FETCH
 * returns) are lost, and a line of the mail that starts with its command
 * tag ends the command early and leaves the connection out of step.  Its
 * own message fetch (URL ";UID=n") sends BODY[], which sets \Seen.
 *
 * Answers are read whole into one buffer with a ceiling, literals
 * included, then parsed: a literal's length is checked against the
 * ceiling before it is read, and the parser checks every length against
 * what arrived.
 */
#include "imap.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "xalloc.h"

#define CONNECT_TIMEOUT_S 30
#define TIMEOUT_S 120
#define RESPONSE_MAX (256 * 1024) /* any other answer */
#define SEARCH_MAX (16 * 1024 * 1024) /* UID SEARCH: 1.5 M UIDs */
#define LIST_LINE_MAX 1024 /* one FETCH line of a listing */
#define LIST_SLACK (64 * 1024)
#define FETCH_SLACK (256 * 1024) /* a fetch's answer besides the mail */
#define MBOX_MAX 255 /* a mailbox name as given */
#define MBOX_Q_SIZE (2 * MBOX_MAX + 3)
#define TEXT_MAX 200 /* server text quoted in a message */
#define CMD_MAX 1024
#define KNOWN_MAX 8 /* mailboxes whose UIDVALIDITY is remembered */

enum {
	CAP_MOVE = 1,
	CAP_UIDPLUS = 2,
};

/* One untagged response in resp.data. */
struct span {
	size_t off, len;
};

/* The answer to the last command. */
struct resp {
	unsigned char *data; /* untagged responses, as received */
	size_t len, cap;
	struct span *items;
	size_t n, items_cap;
	char status[4]; /* of the tagged response: OK, NO or BAD */
	char text[TEXT_MAX + 1]; /* its text, printable */
};

struct imap {
	CURL *curl;
	char where[300]; /* host:port, for messages */
	char user[TEXT_MAX + 1]; /* printable, for messages */
	long timeout_s;
	unsigned tag;
	int broken;
	unsigned caps;
	char *selected; /* the mailbox selected now, or NULL */
	int selected_rw;
	uint32_t exists; /* messages in it, as the server last said */
	unsigned changes; /* counts EXISTS and EXPUNGE news */
	struct known {
		char *mailbox;
		uint32_t uidvalidity;
	} known[KNOWN_MAX]; /* the last mailboxes selected */
	size_t limit; /* imap_set_response_limit(); 0: defaults */
	char login_text[TEXT_MAX + 1]; /* the server's last NO at login */
	char bye[TEXT_MAX + 1]; /* an untagged BYE */
	struct resp r;
	unsigned char in[16384];
	size_t in_pos, in_len;
};

/* A parse cursor over one untagged response. */
struct cur {
	const unsigned char *p, *end;
};

/* Everything a FETCH response may tell that is of use here. */
struct fetch {
	uint32_t uid;
	int has_uid, has_size, has_flags, has_body;
	uint64_t size;
	int seen, deleted;
	const unsigned char *body; /* into the response, or qbody */
	size_t body_len;
	char qbody[1024]; /* a body sent as a quoted string */
};

static int curl_ready;

/* ------------------------------------------------------------------------
 * Small helpers. */

/* printable: src as text fit for a message: without its line end, bytes
 * outside printable ASCII as '?', cut to fit dst. */
static void
printable(char *dst, size_t size, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t i, k = 0;

	/* Line ends are not part of a text. */
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (i = 0; i < n && k + 1 < size; i++)
		dst[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	if (i < n && size > 4) {
		memcpy(dst + size - 4, "...", 3);
		k = size - 1;
	}
	dst[k] = '\0';
}

static size_t
ceiling(const struct imap *im, size_t dflt)
{
	return im->limit ? im->limit : dflt;
}

static int mark_broken(struct imap *im, struct err *err, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* mark_broken: the connection is out of step or gone: nothing more goes
 * over it. */
static int
mark_broken(struct imap *im, struct err *err, int code, const char *fmt, ...)
{
	va_list ap;

	im->broken = 1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/*
 * mbox_arg: checks a mailbox name and writes its quoted form for a command
 * into q (MBOX_Q_SIZE bytes) and, if raw is not NULL, the form the server
 * uses in its answers into raw (MBOX_Q_SIZE bytes).  '&' is "&-" in
 * modified UTF-7; anything beyond printable ASCII is refused.
 */
static int
mbox_arg(const char *name, char *q, char *raw, struct err *err)
{
	char shown[TEXT_MAX + 1];
	size_t i, len, nq = 0, nr = 0;

	if (name == NULL || name[0] == '\0')
		return err_set(err, ERR_USAGE, "imap: empty mailbox name");
	len = strlen(name);
	if (len > MBOX_MAX)
		return err_set(err, ERR_USAGE,
		    "imap: mailbox name longer than %d bytes", MBOX_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c > 0x7e) {
			printable(shown, sizeof(shown), name, len);
			return err_set(err, ERR_USAGE,
			    "imap: mailbox name '%s' is not printable ASCII "
			    "(names in modified UTF-7 are not supported)",
			    shown);
		}
	}
	q[nq++] = '"';
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '"' || c == '\\')
			q[nq++] = '\\';
		q[nq++] = c;
		if (raw != NULL)
			raw[nr++] = c;
		if (c == '&') {
			q[nq++] = '-';
			if (raw != NULL)
				raw[nr++] = '-';
		}
	}
	q[nq++] = '"';
	q[nq] = '\0';
	if (raw != NULL)
		raw[nr] = '\0';
	return 0;
}

/* ------------------------------------------------------------------------
 * Reading and writing over the connection libcurl made. */

static int
wait_socket(struct imap *im, short events, const char *what, struct err *err)
{
	curl_socket_t s = CURL_SOCKET_BAD;
	struct pollfd pfd;
	int rc;

	if (curl_easy_getinfo(im->curl, CURLINFO_ACTIVESOCKET, &s) !=
	        CURLE_OK ||
	    s == CURL_SOCKET_BAD)
		return mark_broken(im, err, ERR_IO,
		    "imap: connection to %s is gone (%s)", im->where, what);
	pfd.fd = s;
	pfd.events = events;
	for (;;) {
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(im->timeout_s * 1000));
		if (rc > 0)
			return 0;
		if (rc == 0)
			return mark_broken(im, err, ERR_IO,
			    "imap: no answer from %s for %ld s (%s)", im->where,
			    im->timeout_s, what);
		if (errno != EINTR)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot wait for %s: %s", im->where,
			    strerror(errno));
	}
}

static int
send_all(struct imap *im, const char *buf, size_t len, const char *what,
    struct err *err)
{
	while (len > 0) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(im->curl, buf, len, &n);

		if (rc == CURLE_AGAIN) {
			if (wait_socket(im, POLLOUT, what, err))
				return err->code;
			continue;
		}
		if (rc != CURLE_OK)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot send to %s (%s): %s", im->where, what,
			    curl_easy_strerror(rc));
		buf += n;
		len -= n;
	}
	return 0;
}

/* fill: more bytes from the server into im->in, which must be empty.
 * Whatever TLS has decrypted already comes first, before any wait. */
static int
fill(struct imap *im, const char *what, struct err *err)
{
	for (;;) {
		size_t n = 0;
		CURLcode rc =
		    curl_easy_recv(im->curl, im->in, sizeof(im->in), &n);

		if (rc == CURLE_OK && n > 0) {
			im->in_pos = 0;
			im->in_len = n;
			return 0;
		}
		if (rc == CURLE_OK)
			return mark_broken(im, err, ERR_IO,
			    "imap: %s closed the connection (%s)%s%s",
			    im->where, what, im->bye[0] ? ": " : "", im->bye);
		if (rc != CURLE_AGAIN)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot read from %s (%s): %s", im->where,
			    what, curl_easy_strerror(rc));
		if (wait_socket(im, POLLIN, what, err))
			return err->code;
	}
}

static int
resp_append(struct imap *im, const unsigned char *p, size_t n, size_t max,
    const char *what, struct err *err)
{
	struct resp *r = &im->r;

	if (n > max - r->len)
		return mark_broken(im, err, ERR_LIMIT,
		    "imap: answer from %s to %s is over the limit of %zu "
		    "bytes",
		    im->where, what, max);
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;

		while (cap < r->len + n)
			cap = cap > max / 2 ? max : cap * 2;
		r->data = xrealloc(r->data, cap);
		r->cap = cap;
	}
	memcpy(r->data + r->len, p, n);
	r->len += n;
	return 0;
}

static void
resp_push(struct resp *r, size_t off, size_t len)
{
	if (r->n == r->items_cap) {
		r->items_cap = r->items_cap ? r->items_cap * 2 : 64;
		r->items = xrealloc(r->items, r->items_cap * sizeof(*r->items));
	}
	r->items[r->n].off = off;
	r->items[r->n].len = len;
	r->n++;
}

/* literal_at_end: if the line (without its line end) ends in "{N}", the
 * announced length N. */
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

/*
 * read_response: reads the answer to the command tagged tag into im->r:
 * each untagged response whole (its literals inline) as one span of
 * r.data, and the tagged status and text.  At most max bytes; more is
 * ERR_LIMIT and breaks the connection, since the rest is not read.
 */
static int
read_response(struct imap *im, const char *tag, size_t max, const char *what,
    struct err *err)
{
	struct resp *r = &im->r;
	size_t taglen = strlen(tag), start = 0, line = 0;
	uint64_t lit = 0;
	int first = 1, status = 0;

	r->len = 0;
	r->n = 0;
	r->status[0] = '\0';
	r->text[0] = '\0';
	for (;;) {
		const unsigned char *p, *l, *lf;
		size_t avail, k, ll;

		if (im->in_pos == im->in_len && fill(im, what, err))
			return err->code;
		p = im->in + im->in_pos;
		avail = im->in_len - im->in_pos;
		if (lit > 0) {
			k = lit < avail ? (size_t)lit : avail;
			if (resp_append(im, p, k, max, what, err))
				return err->code;
			im->in_pos += k;
			lit -= k;
			line = r->len; /* the response goes on after it */
			continue;
		}
		lf = memchr(p, '\n', avail);
		k = lf ? (size_t)(lf - p) + 1 : avail;
		if (resp_append(im, p, k, max, what, err))
			return err->code;
		im->in_pos += k;
		if (lf == NULL)
			continue;

		l = r->data + line;
		ll = r->len - line - 1;
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (first) {
			if (ll > taglen && memcmp(l, tag, taglen) == 0 &&
			    l[taglen] == ' ') {
				const unsigned char *s = l + taglen + 1;
				size_t sn = ll - taglen - 1, w;

				for (w = 0; w < sn && w < 3 && s[w] != ' '; w++)
					r->status[w] = (char)s[w];
				r->status[w] = '\0';
				if (strcmp(r->status, "OK") != 0 &&
				    strcmp(r->status, "NO") != 0 &&
				    strcmp(r->status, "BAD") != 0) {
					printable(
					    r->text, sizeof(r->text), s, sn);
					return mark_broken(im, err, ERR_IO,
					    "imap: strange answer from %s to "
					    "%s: '%s'",
					    im->where, what, r->text);
				}
				if (w < sn)
					w++;
				printable(
				    r->text, sizeof(r->text), s + w, sn - w);
				r->len = start;
				return 0;
			}
			if (ll < 2 || l[0] != '*' || l[1] != ' ') {
				char shown[64];

				printable(shown, sizeof(shown), l, ll);
				return mark_broken(im, err, ERR_IO,
				    "imap: unexpected line from %s in the "
				    "answer to %s: '%s'",
				    im->where, what, shown);
			}
			status = is_status_word(l + 2, ll - 2);
			if (ll >= 5 &&
			    strncasecmp((const char *)l + 2, "BYE", 3) == 0)
				printable(
				    im->bye, sizeof(im->bye), l + 2, ll - 2);
		}
		/* Text in an OK, NO, BAD or BYE holds no literal. */
		if (!status && literal_at_end(l, ll, &lit)) {
			if (lit > max - r->len)
				return mark_broken(im, err, ERR_LIMIT,
				    "imap: answer from %s to %s is over the "
				    "limit of %zu bytes (a literal of %llu)",
				    im->where, what, max,
				    (unsigned long long)lit);
			first = 0;
			line = r->len;
			continue;
		}
		resp_push(r, start, r->len - start);
		start = line = r->len;
		first = 1;
	}
}

static void note_changes(struct imap *im);

static int command(struct imap *im, size_t max, struct err *err,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * command: sends one command and reads its answer into im->r.  0 when an
 * answer came, whatever its status (see resp_ok()); an error when the
 * connection failed, which breaks it.
 */
static int
command(struct imap *im, size_t max, struct err *err, const char *fmt, ...)
{
	char tag[16], body[CMD_MAX], line[CMD_MAX + 32], what[64];
	va_list ap;
	int n;

	if (im->broken)
		return err_set(err, ERR_IO,
		    "imap: the connection to %s was dropped after an earlier "
		    "error",
		    im->where);
	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(body))
		return err_set(err, ERR_USAGE, "imap: command too long");
	snprintf(tag, sizeof(tag), "d%u", ++im->tag);
	n = snprintf(line, sizeof(line), "%s %s\r\n", tag, body);
	printable(what, sizeof(what), body, strlen(body));
	log_debug("imap: %s: > %s %s", im->where, tag, what);
	if (send_all(im, line, (size_t)n, what, err) ||
	    read_response(im, tag, max, what, err))
		return err->code;
	log_debug("imap: %s: < %s %s %s (%zu untagged, %zu bytes)", im->where,
	    tag, im->r.status, im->r.text, im->r.n, im->r.len);
	note_changes(im);
	return 0;
}

static int
resp_ok(const struct imap *im)
{
	return strcmp(im->r.status, "OK") == 0;
}

/* ------------------------------------------------------------------------
 * Parsing untagged responses. */

static void
cur_item(const struct imap *im, size_t i, struct cur *c)
{
	c->p = im->r.data + im->r.items[i].off;
	c->end = c->p + im->r.items[i].len;
}

static int
c_peek(const struct cur *c)
{
	return c->p < c->end ? *c->p : -1;
}

static int
c_char(struct cur *c, int ch)
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

/* c_word: the atom w (any case), not followed by more of an atom. */
static int
c_word(struct cur *c, const char *w)
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
c_number(struct cur *c, uint64_t *v)
{
	int digits = 0;

	*v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++digits > 19)
			return 0;
		*v = *v * 10 + (uint64_t)(*c->p++ - '0');
	}
	return digits > 0;
}

static int
c_u32(struct cur *c, uint32_t *v)
{
	uint64_t x;

	if (!c_number(c, &x) || x > UINT32_MAX)
		return 0;
	*v = (uint32_t)x;
	return 1;
}

/* c_literal: "{N}" CRLF and N bytes, all within the response. */
static int
c_literal(struct cur *c, const unsigned char **s, size_t *n)
{
	uint64_t len;

	if (!c_char(c, '{') || !c_number(c, &len) || !c_char(c, '}'))
		return 0;
	c_char(c, '\r');
	if (!c_char(c, '\n') || len > (uint64_t)(c->end - c->p))
		return 0;
	*s = c->p;
	*n = (size_t)len;
	c->p += len;
	return 1;
}

/*
 * c_string: a quoted string, a literal, an atom, or NIL (*s NULL).  A
 * quoted string is decoded into tmp (size bytes); the others point into
 * the response.
 */
static int
c_string(
    struct cur *c, const unsigned char **s, size_t *n, char *tmp, size_t size)
{
	const unsigned char *a;
	size_t k = 0;

	if (c_peek(c) == '{')
		return c_literal(c, s, n);
	if (c_char(c, '"')) {
		for (;;) {
			int ch = c_peek(c);

			if (ch < 0 || ch == '\r' || ch == '\n')
				return 0;
			c->p++;
			if (ch == '"')
				break;
			if (ch == '\\') {
				ch = c_peek(c);
				if (ch != '"' && ch != '\\')
					return 0;
				c->p++;
			}
			if (k + 1 >= size)
				return 0;
			tmp[k++] = (char)ch;
		}
		tmp[k] = '\0';
		*s = (const unsigned char *)tmp;
		*n = k;
		return 1;
	}
	a = c->p;
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
}

/* c_skip: any one value: a list, a string, a literal, an atom. */
static int
c_skip(struct cur *c, int depth)
{
	const unsigned char *s;
	size_t n;
	char tmp[1024];

	if (depth > 32)
		return 0;
	if (c_char(c, '(')) {
		while (!c_char(c, ')')) {
			if (c_peek(c) < 0 || !c_skip(c, depth + 1))
				return 0;
			c_char(c, ' ');
		}
		return 1;
	}
	if (c_peek(c) == '"' || c_peek(c) == '{')
		return c_string(c, &s, &n, tmp, sizeof(tmp));
	s = c->p;
	while (c->p < c->end && (atom_char(*c->p) || *c->p == '[')) {
		if (*c->p == '[') {
			while (c->p < c->end && *c->p != ']')
				c->p++;
			if (!c_char(c, ']'))
				return 0;
		} else
			c->p++;
	}
	return c->p > s;
}

/* c_key: a FETCH item name such as UID or BODY[]<0>, into key. */
static int
c_key(struct cur *c, char *key, size_t size)
{
	const unsigned char *s = c->p;

	while (c->p < c->end && (atom_char(*c->p) || *c->p == '[')) {
		if (*c->p == '[') {
			while (c->p < c->end && *c->p != ']')
				c->p++;
			if (!c_char(c, ']'))
				return 0;
		} else
			c->p++;
	}
	if (c->p == s || (size_t)(c->p - s) >= size)
		return 0;
	memcpy(key, s, (size_t)(c->p - s));
	key[c->p - s] = '\0';
	return 1;
}

/* c_flags: a parenthesized list of flags; notes \Seen and \Deleted. */
static int
c_flags(struct cur *c, struct fetch *f)
{
	if (!c_char(c, '('))
		return 0;
	while (!c_char(c, ')')) {
		const unsigned char *s = c->p;
		size_t n;

		c_char(c, '\\');
		while (c->p < c->end && (atom_char(*c->p) || *c->p == ']'))
			c->p++;
		n = (size_t)(c->p - s);
		if (n == 0)
			return 0;
		if (n == 5 && strncasecmp((const char *)s, "\\Seen", 5) == 0)
			f->seen = 1;
		if (n == 8 && strncasecmp((const char *)s, "\\Deleted", 8) == 0)
			f->deleted = 1;
		c_char(c, ' ');
	}
	f->has_flags = 1;
	return 1;
}

/* untagged: if untagged response i is "* WORD ...", the cursor after
 * "WORD" (and its space). */
static int
untagged(const struct imap *im, size_t i, const char *word, struct cur *c)
{
	cur_item(im, i, c);
	if (!c_char(c, '*') || !c_char(c, ' ') || !c_word(c, word))
		return 0;
	c_char(c, ' ');
	return 1;
}

/* numbered: if untagged response i is "* N WORD ...", N and the cursor
 * after WORD. */
static int
numbered(const struct imap *im, size_t i, const char *word, uint32_t *num,
    struct cur *c)
{
	cur_item(im, i, c);
	if (!c_char(c, '*') || !c_char(c, ' ') || !c_u32(c, num) ||
	    !c_char(c, ' ') || !c_word(c, word))
		return 0;
	c_char(c, ' ');
	return 1;
}

/*
 * note_changes: counts the news of new or expunged mail in the last answer.
 * The server answers a command on the mailbox as the session saw it before
 * and tells such news only at its end (Dovecot does), so an answer that
 * brought news may lack a mail just come or hold one just gone: the
 * callers ask again once.
 */
static void
note_changes(struct imap *im)
{
	uint32_t num;
	struct cur c;
	size_t i;

	for (i = 0; i < im->r.n; i++) {
		if (numbered(im, i, "EXISTS", &num, &c)) {
			if (num != im->exists)
				im->changes++;
			im->exists = num;
		} else if (numbered(im, i, "EXPUNGE", &num, &c)) {
			if (im->exists > 0)
				im->exists--;
			im->changes++;
		}
	}
}

/* parse_fetch: the items of a FETCH response, cursor after "FETCH ". */
static int
parse_fetch(struct cur *c, struct fetch *f)
{
	char key[64];
	uint64_t v;

	memset(f, 0, sizeof(*f));
	if (!c_char(c, '('))
		return 0;
	while (!c_char(c, ')')) {
		if (!c_key(c, key, sizeof(key)) || !c_char(c, ' '))
			return 0;
		if (strcasecmp(key, "UID") == 0) {
			if (!c_u32(c, &f->uid))
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
		} else if (strncasecmp(key, "BODY[]", 6) == 0) {
			if (!c_string(c, &f->body, &f->body_len, f->qbody,
			        sizeof(f->qbody)))
				return 0;
			f->has_body = 1;
		} else if (!c_skip(c, 0)) {
			return 0;
		}
		c_char(c, ' ');
	}
	return 1;
}

static int
bad_answer(struct imap *im, const char *what, struct err *err)
{
	return mark_broken(im, err, ERR_IO,
	    "imap: cannot parse the answer from %s to %s", im->where, what);
}

/* code_in: if text (of an OK or NO) starts with "[NAME", what follows. */
static const char *
code_in(const char *text, const char *name)
{
	size_t n = strlen(name);

	if (text[0] != '[' || strncasecmp(text + 1, name, n) != 0)
		return NULL;
	if (text[n + 1] != ' ' && text[n + 1] != ']')
		return NULL;
	return text + n + 1;
}

/* set_has: whether the UID set ("1:3,7") holds uid. */
static int
set_has(const char *set, uint32_t uid)
{
	struct cur c;
	uint32_t a, b;

	c.p = (const unsigned char *)set;
	c.end = c.p + strlen(set);
	for (;;) {
		if (!c_u32(&c, &a))
			return 0;
		b = a;
		if (c_char(&c, ':') && !c_u32(&c, &b))
			return 0;
		if ((uid >= a && uid <= b) || (uid >= b && uid <= a))
			return 1;
		if (!c_char(&c, ','))
			return 0;
	}
}

/* copyuid_has: whether text starts with [COPYUID V SRC DST] with uid in
 * SRC. */
static int
copyuid_has(const char *text, uint32_t uid)
{
	const char *p = code_in(text, "COPYUID");
	char set[TEXT_MAX + 1];
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

/* The untagged OK responses of the last answer, as text after "* OK ". */
static int
untagged_ok_text(const struct imap *im, size_t i, char *text, size_t size)
{
	struct cur c;

	if (!untagged(im, i, "OK", &c))
		return 0;
	printable(text, size, c.p, (size_t)(c.end - c.p));
	return 1;
}

/* ------------------------------------------------------------------------
 * Login. */

/* The server's lines during login pass here (CURLOPT_DEBUGFUNCTION): keep
 * the text of the last NO or BAD, for the message.  Only what came in is
 * looked at; what went out holds the credentials. */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct imap *im = arg;
	const char *p = data, *end = data + size;

	(void)h;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *sp, *t;
		size_t tn, w = 0;

		sp = memchr(p, ' ', (size_t)(e - p));
		if (sp != NULL && p[0] != '*' && p[0] != '+') {
			t = sp + 1;
			tn = (size_t)(e - t);
			if (tn >= 3 && memcmp(t, "NO ", 3) == 0)
				w = 3;
			else if (tn >= 4 && memcmp(t, "BAD ", 4) == 0)
				w = 4;
			if (w > 0)
				printable(im->login_text,
				    sizeof(im->login_text), t + w, tn - w);
		}
		p = e + 1;
	}
	return 0;
}

static int
check_text(const char *what, const char *s, struct err *err)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return err_set(err, ERR_USAGE,
			    "imap: the %s holds a control character", what);
	return 0;
}

/* parse_url: the server URL into a clean "scheme://host:port/", host:port
 * for messages, and whether it is imaps. */
static int
parse_url(const char *url, char *clean, size_t size, char *where, size_t wsize,
    int *tls, struct err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL,
	     *x = NULL;
	CURLUcode uc;
	int rc = 0;

	if (u == NULL)
		return err_set(err, ERR_IO, "imap: out of memory in libcurl");
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		rc = err_set(err, ERR_USAGE, "imap: bad server url: %s",
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &x, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &x, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_OPTIONS, &x, 0) == CURLUE_OK) {
		rc = err_set(err, ERR_USAGE,
		    "imap: the server url holds a user, password or login "
		    "options: give them as settings of their own");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	        CURLUE_OK) {
		rc = err_set(err, ERR_USAGE,
		    "imap: the server url needs a scheme and a host");
		goto out;
	}
	if (strcasecmp(scheme, "imaps") == 0)
		*tls = 1;
	else if (strcasecmp(scheme, "imap") == 0)
		*tls = 0;
	else {
		rc = err_set(err, ERR_USAGE,
		    "imap: the server url must start with imaps:// or imap://");
		goto out;
	}
	if ((curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	        strcmp(path, "/") != 0 && strcmp(path, "") != 0) ||
	    curl_url_get(u, CURLUPART_QUERY, &x, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &x, 0) == CURLUE_OK) {
		rc = err_set(err, ERR_USAGE,
		    "imap: the server url must be %s://host[:port] with "
		    "nothing after the host",
		    *tls ? "imaps" : "imap");
		goto out;
	}
	if ((size_t)snprintf(clean, size, "%s://%s:%s/",
	        *tls ? "imaps" : "imap", host, port) >= size ||
	    (size_t)snprintf(where, wsize, "%s:%s", host, port) >= wsize)
		rc = err_set(err, ERR_USAGE, "imap: server name too long");
out:
	curl_free(x);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

/* login_error: a message for a failed connect or login. */
static int
login_error(struct imap *im, CURLcode rc, const char *errbuf,
    const struct imap_opts *o, struct err *err)
{
	const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	long oserr = 0;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(err, ERR_IO, "imap: cannot resolve %s: %s",
		    im->where, detail);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(im->curl, CURLINFO_OS_ERRNO, &oserr);
		return err_set(err, ERR_IO, "imap: cannot connect to %s: %s",
		    im->where, oserr ? strerror((int)oserr) : detail);
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(err, ERR_IO,
		    "imap: timed out connecting or logging in to %s: %s",
		    im->where, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
		if (o->cafile != NULL)
			return err_set(err, ERR_IO,
			    "imap: TLS certificate of %s not trusted by CA "
			    "file %s: %s",
			    im->where, o->cafile, detail);
		return err_set(err, ERR_IO,
		    "imap: TLS certificate of %s not trusted by the system CA "
		    "bundle: %s; name the CA file that signed it",
		    im->where, detail);
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(err, ERR_IO, "imap: cannot use CA file %s: %s",
		    o->cafile ? o->cafile : "(system bundle)", detail);
	case CURLE_SSL_CONNECT_ERROR:
		return err_set(err, ERR_IO,
		    "imap: TLS handshake with %s failed: %s", im->where,
		    detail);
	case CURLE_USE_SSL_FAILED:
		return err_set(err, ERR_IO,
		    "imap: %s offers no STARTTLS: not logging in without TLS "
		    "(use imaps://, or allow plain text)",
		    im->where);
	case CURLE_LOGIN_DENIED:
		return err_set(err, ERR_IO,
		    "imap: login refused for user %s at %s: %s", im->user,
		    im->where, im->login_text[0] ? im->login_text : detail);
	case CURLE_WEIRD_SERVER_REPLY:
		return err_set(err, ERR_IO,
		    "imap: %s does not answer like an IMAP server: %s",
		    im->where, detail);
	default:
		return err_set(err, ERR_IO, "imap: cannot log in to %s: %s",
		    im->where, detail);
	}
}

static int
load_caps(struct imap *im, struct err *err)
{
	struct cur c;
	size_t i;

	if (command(im, ceiling(im, RESPONSE_MAX), err, "CAPABILITY"))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: CAPABILITY refused by %s: %s", im->where,
		    im->r.text);
	im->caps = 0;
	for (i = 0; i < im->r.n; i++) {
		if (!untagged(im, i, "CAPABILITY", &c))
			continue;
		while (c.p < c.end) {
			if (c_word(&c, "MOVE"))
				im->caps |= CAP_MOVE;
			else if (c_word(&c, "UIDPLUS"))
				im->caps |= CAP_UIDPLUS;
			else
				while (c.p < c.end && *c.p != ' ')
					c.p++;
			while (c.p < c.end && *c.p == ' ')
				c.p++;
		}
	}
	return 0;
}

int
imap_open(struct imap **out, const struct imap_opts *o, struct err *err)
{
	char url[600], errbuf[CURL_ERROR_SIZE];
	struct imap *im;
	CURLcode rc;
	int tls = 0;

	*out = NULL;
	if (o->url == NULL || o->url[0] == '\0')
		return err_set(err, ERR_USAGE, "imap: no server url");
	if (o->user == NULL || o->user[0] == '\0')
		return err_set(err, ERR_USAGE, "imap: no user name");
	if ((o->password == NULL) == (o->oauth2_token == NULL))
		return err_set(err, ERR_USAGE,
		    "imap: give either a password or an OAuth2 token");
	if (check_text("user name", o->user, err) ||
	    check_text(o->password ? "password" : "OAuth2 token",
	        o->password ? o->password : o->oauth2_token, err))
		return err->code;
	if (o->connect_timeout_s < 0 || o->timeout_s < 0 ||
	    o->connect_timeout_s > 86400 || o->timeout_s > 86400)
		return err_set(err, ERR_USAGE,
		    "imap: timeouts must be 0 to 86400 seconds");

	im = xcalloc(1, sizeof(*im));
	if (parse_url(o->url, url, sizeof(url), im->where, sizeof(im->where),
	        &tls, err)) {
		free(im);
		return err->code;
	}
	printable(im->user, sizeof(im->user), o->user, strlen(o->user));
	im->timeout_s = o->timeout_s ? o->timeout_s : TIMEOUT_S;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			free(im);
			return err_set(
			    err, ERR_IO, "imap: cannot set up libcurl");
		}
		curl_ready = 1;
	}
	im->curl = curl_easy_init();
	if (im->curl == NULL) {
		free(im);
		return err_set(err, ERR_IO, "imap: cannot set up libcurl");
	}
	errbuf[0] = '\0';
	curl_easy_setopt(im->curl, CURLOPT_URL, url);
	curl_easy_setopt(im->curl, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(im->curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(im->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(im->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(im->curl, CURLOPT_CONNECTTIMEOUT,
	    o->connect_timeout_s ? o->connect_timeout_s : CONNECT_TIMEOUT_S);
	curl_easy_setopt(im->curl, CURLOPT_TIMEOUT,
	    (o->connect_timeout_s ? o->connect_timeout_s : CONNECT_TIMEOUT_S) +
	        im->timeout_s);
	curl_easy_setopt(im->curl, CURLOPT_USE_SSL,
	    o->allow_plain ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(
	    im->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(
	    im->curl, CURLOPT_SSL_VERIFYPEER, o->tls_noverify ? 0L : 1L);
	curl_easy_setopt(
	    im->curl, CURLOPT_SSL_VERIFYHOST, o->tls_noverify ? 0L : 2L);
	if (o->cafile != NULL)
		curl_easy_setopt(im->curl, CURLOPT_CAINFO, o->cafile);
	curl_easy_setopt(im->curl, CURLOPT_USERNAME, o->user);
	if (o->oauth2_token != NULL) {
		curl_easy_setopt(
		    im->curl, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
		curl_easy_setopt(
		    im->curl, CURLOPT_XOAUTH2_BEARER, o->oauth2_token);
	} else {
		curl_easy_setopt(im->curl, CURLOPT_PASSWORD, o->password);
	}
	/* Only for the server's text when the login fails; see debug_cb. */
	curl_easy_setopt(im->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(im->curl, CURLOPT_DEBUGDATA, im);
	curl_easy_setopt(im->curl, CURLOPT_VERBOSE, 1L);

	log_debug("imap: connecting to %s as %s", im->where, im->user);
	rc = curl_easy_perform(im->curl);
	curl_easy_setopt(im->curl, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(im->curl, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		login_error(im, rc, errbuf, o, err);
		curl_easy_cleanup(im->curl);
		free(im);
		return err->code;
	}
	if (load_caps(im, err)) {
		imap_close(im);
		return err->code;
	}
	log_debug("imap: %s: logged in as %s%s%s", im->where, im->user,
	    im->caps & CAP_MOVE ? ", MOVE" : "",
	    im->caps & CAP_UIDPLUS ? ", UIDPLUS" : "");
	*out = im;
	return 0;
}

void
imap_close(struct imap *im)
{
	size_t i;

	if (im == NULL)
		return;
	if (im->curl != NULL) {
		struct err err;

		/* libcurl sends no LOGOUT for a CONNECT_ONLY connection: it
		 * only closes it. */
		if (!im->broken)
			(void)command(
			    im, ceiling(im, RESPONSE_MAX), &err, "LOGOUT");
		curl_easy_cleanup(im->curl);
	}
	free(im->selected);
	for (i = 0; i < KNOWN_MAX; i++)
		free(im->known[i].mailbox);
	free(im->r.data);
	free(im->r.items);
	free(im);
}

int
imap_has_move(const struct imap *im)
{
	return (im->caps & CAP_MOVE) != 0;
}

int
imap_has_uidplus(const struct imap *im)
{
	return (im->caps & CAP_UIDPLUS) != 0;
}

void
imap_set_response_limit(struct imap *im, size_t bytes)
{
	im->limit = bytes;
}

/* ------------------------------------------------------------------------
 * Mailboxes. */

int
imap_separator(struct imap *im, char *sep, struct err *err)
{
	const unsigned char *s;
	struct cur c;
	char tmp[8];
	size_t i, n;

	*sep = '\0';
	if (command(im, ceiling(im, RESPONSE_MAX), err, "LIST \"\" \"\""))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO, "imap: LIST refused by %s: %s",
		    im->where, im->r.text);
	for (i = 0; i < im->r.n; i++) {
		if (!untagged(im, i, "LIST", &c))
			continue;
		if (!c_skip(&c, 0) || !c_char(&c, ' ') ||
		    !c_string(&c, &s, &n, tmp, sizeof(tmp)) ||
		    (s != NULL && n != 1))
			return bad_answer(im, "LIST", err);
		*sep = s != NULL ? (char)s[0] : '\0';
		return 0;
	}
	return mark_broken(im, err, ERR_IO,
	    "imap: %s did not answer LIST \"\" \"\"", im->where);
}

/* listed: whether LIST "" name shows the mailbox raw (its wire form). */
static int
listed(struct imap *im, const char *q, const char *raw, int *found,
    struct err *err)
{
	char tmp[MBOX_Q_SIZE];
	const unsigned char *s;
	struct cur c;
	size_t i, n;

	*found = 0;
	if (command(im, ceiling(im, RESPONSE_MAX), err, "LIST \"\" %s", q))
		return err->code;
	if (!resp_ok(im))
		return 0;
	for (i = 0; i < im->r.n; i++) {
		if (!untagged(im, i, "LIST", &c))
			continue;
		if (!c_skip(&c, 0) || !c_char(&c, ' ') || !c_skip(&c, 0) ||
		    !c_char(&c, ' ') || !c_string(&c, &s, &n, tmp, sizeof(tmp)))
			continue;
		if (s != NULL && n == strlen(raw) && memcmp(s, raw, n) == 0)
			*found = 1;
	}
	return 0;
}

int
imap_create(struct imap *im, const char *mailbox, struct err *err)
{
	char q[MBOX_Q_SIZE], raw[MBOX_Q_SIZE], why[TEXT_MAX + 1];
	int found;

	if (mbox_arg(mailbox, q, raw, err))
		return err->code;
	if (command(im, ceiling(im, RESPONSE_MAX), err, "CREATE %s", q))
		return err->code;
	if (resp_ok(im) || code_in(im->r.text, "ALREADYEXISTS") != NULL)
		return 0;
	/* Not every server says ALREADYEXISTS: look. */
	memcpy(why, im->r.text, sizeof(why));
	if (listed(im, q, raw, &found, err))
		return err->code;
	if (found)
		return 0;
	return err_set(
	    err, ERR_IO, "imap: cannot create mailbox %s: %s", mailbox, why);
}

/*
 * select_mailbox: makes mailbox the selected one, read-write if rw, with
 * as few round trips as it can: nothing when it is selected already in a
 * fitting mode, unless st asks for fresh status.
 */
static int
select_mailbox(struct imap *im, const char *mailbox, int rw,
    struct imap_status *st, struct err *err)
{
	char q[MBOX_Q_SIZE];
	struct imap_status s = {0, 0, 0};
	struct known known;
	struct cur c;
	size_t i;

	if (mbox_arg(mailbox, q, NULL, err))
		return err->code;
	if (st == NULL && im->selected != NULL &&
	    strcmp(im->selected, mailbox) == 0 && (im->selected_rw || !rw))
		return 0;
	free(im->selected);
	im->selected = NULL;
	if (command(im, ceiling(im, RESPONSE_MAX), err, "%s %s",
	        rw ? "SELECT" : "EXAMINE", q))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO, "imap: cannot open mailbox %s: %s",
		    mailbox, im->r.text);
	for (i = 0; i < im->r.n; i++) {
		uint32_t num;

		if (numbered(im, i, "EXISTS", &num, &c)) {
			s.exists = num;
		} else if (untagged(im, i, "OK", &c) && c_char(&c, '[')) {
			if (c_word(&c, "UIDVALIDITY") && c_char(&c, ' '))
				c_u32(&c, &s.uidvalidity);
			else if (c_word(&c, "UIDNEXT") && c_char(&c, ' '))
				c_u32(&c, &s.uidnext);
		}
	}
	if (s.uidvalidity == 0)
		return err_set(err, ERR_IO,
		    "imap: %s gave no UIDVALIDITY for mailbox %s", im->where,
		    mailbox);
	/* Most recent first; the oldest drops out. */
	for (i = 0; i + 1 < KNOWN_MAX && im->known[i].mailbox != NULL &&
	     strcmp(im->known[i].mailbox, mailbox) != 0;
	     i++)
		;
	if (im->known[i].mailbox != NULL &&
	    strcmp(im->known[i].mailbox, mailbox) == 0 &&
	    im->known[i].uidvalidity != s.uidvalidity)
		return err_set(err, ERR_IO,
		    "imap: UIDVALIDITY of mailbox %s changed from %u to %u: "
		    "its UIDs from before are void; start over",
		    mailbox, im->known[i].uidvalidity, s.uidvalidity);
	known = im->known[i];
	if (known.mailbox == NULL || strcmp(known.mailbox, mailbox) != 0) {
		free(known.mailbox);
		known.mailbox = xstrdup(mailbox);
	}
	known.uidvalidity = s.uidvalidity;
	memmove(&im->known[1], &im->known[0], i * sizeof(im->known[0]));
	im->known[0] = known;
	im->selected = xstrdup(mailbox);
	im->selected_rw = rw;
	im->exists = s.exists;
	if (st != NULL)
		*st = s;
	return 0;
}

int
imap_examine(struct imap *im, const char *mailbox, struct imap_status *st,
    struct err *err)
{
	struct imap_status tmp;

	/* With st, select_mailbox() always asks afresh. */
	return select_mailbox(im, mailbox, 0, st != NULL ? st : &tmp, err);
}

/* ------------------------------------------------------------------------
 * Messages. */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_msg(const void *a, const void *b)
{
	return cmp_u32(&((const struct imap_msg *)a)->uid,
	    &((const struct imap_msg *)b)->uid);
}

/* search_uids: the UIDs of "UID SEARCH <criteria>", sorted, without
 * duplicates; *uids owned by the caller. */
static int
search_uids(struct imap *im, const char *mailbox, const char *criteria,
    uint32_t **uids, size_t *n, struct err *err)
{
	size_t i, cap = 0, k = 0;
	uint32_t *u = NULL, v;
	struct cur c;

	*uids = NULL;
	*n = 0;
	if (command(
	        im, ceiling(im, SEARCH_MAX), err, "UID SEARCH %s", criteria))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot search mailbox %s: %s", mailbox, im->r.text);
	for (i = 0; i < im->r.n; i++) {
		if (!untagged(im, i, "SEARCH", &c))
			continue;
		while (c_u32(&c, &v)) {
			if (k == cap) {
				cap = cap ? cap * 2 : 64;
				u = xrealloc(u, cap * sizeof(*u));
			}
			u[k++] = v;
			if (!c_char(&c, ' '))
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
	return 0;
}

/* present: whether the selected mailbox holds uid. */
static int
present(struct imap *im, const char *mailbox, uint32_t uid, int *yes,
    struct err *err)
{
	char crit[32];
	unsigned before;
	uint32_t *u;
	size_t n;
	int again;

	snprintf(crit, sizeof(crit), "UID %u", uid);
	for (again = 1;; again = 0) {
		before = im->changes;
		if (search_uids(im, mailbox, crit, &u, &n, err))
			return err->code;
		*yes =
		    n > 0 && bsearch(&uid, u, n, sizeof(*u), cmp_u32) != NULL;
		free(u);
		if (!again || im->changes == before)
			return 0;
	}
}

/* list_once: imap_list() on the view the server has of the mailbox. */
static int
list_once(struct imap *im, const char *mailbox, uint32_t after_uid, size_t max,
    struct imap_msg **msgs, size_t *n, struct err *err)
{
	char crit[32];
	struct imap_msg *m;
	struct fetch f;
	struct cur c;
	uint32_t *u, seq, lo, hi;
	size_t i, k, nu, first;

	/* "N:*" holds the highest UID even when it is below N. */
	snprintf(crit, sizeof(crit), "UID %u:*", after_uid + 1);
	if (search_uids(im, mailbox, crit, &u, &nu, err))
		return err->code;
	for (first = 0; first < nu && u[first] <= after_uid; first++)
		;
	k = nu - first < max ? nu - first : max;
	if (k == 0) {
		free(u);
		return 0;
	}
	lo = u[first];
	hi = u[first + k - 1];
	free(u);
	if (command(im, ceiling(im, LIST_SLACK + k * LIST_LINE_MAX), err,
	        "UID FETCH %u:%u (UID RFC822.SIZE FLAGS)", lo, hi))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO, "imap: cannot list mailbox %s: %s",
		    mailbox, im->r.text);
	m = xcalloc(k, sizeof(*m));
	for (i = 0; i < im->r.n; i++) {
		if (!numbered(im, i, "FETCH", &seq, &c))
			continue;
		if (!parse_fetch(&c, &f)) {
			free(m);
			*n = 0;
			return bad_answer(im, "UID FETCH", err);
		}
		/* Only what was asked for; a FETCH about a flag change by
		 * another client may come along. */
		if (!f.has_uid || !f.has_size || !f.has_flags || f.uid < lo ||
		    f.uid > hi || *n == k)
			continue;
		m[*n].uid = f.uid;
		m[*n].size = f.size;
		m[*n].seen = f.seen;
		m[*n].deleted = f.deleted;
		(*n)++;
	}
	qsort(m, *n, sizeof(*m), cmp_msg);
	if (*n == 0) {
		free(m);
		m = NULL;
	}
	*msgs = m;
	return 0;
}

int
imap_list(struct imap *im, const char *mailbox, uint32_t after_uid, size_t max,
    struct imap_msg **msgs, size_t *n, struct err *err)
{
	unsigned before;
	int tries;

	*msgs = NULL;
	*n = 0;
	if (max == 0 || max > IMAP_LIST_MAX)
		return err_set(err, ERR_USAGE,
		    "imap: list size must be 1 to %d", IMAP_LIST_MAX);
	if (select_mailbox(im, mailbox, 0, NULL, err))
		return err->code;
	if (after_uid == UINT32_MAX)
		return 0;
	for (tries = 0;; tries++) {
		before = im->changes;
		if (list_once(im, mailbox, after_uid, max, msgs, n, err))
			return err->code;
		if (im->changes == before || tries == 2)
			return 0;
		free(*msgs);
		*msgs = NULL;
		*n = 0;
	}
}

int
imap_fetch(struct imap *im, const char *mailbox, uint32_t uid, size_t max_bytes,
    unsigned char **buf, size_t *len, int *truncated, struct err *err)
{
	struct fetch f;
	struct cur c;
	uint32_t seq;
	size_t i, extra;
	unsigned before;
	int again;

	*buf = NULL;
	*len = 0;
	*truncated = 0;
	if (uid == 0)
		return err_set(err, ERR_USAGE, "imap: uid 0 does not exist");
	if (max_bytes == 0 || max_bytes > IMAP_FETCH_MAX)
		return err_set(err, ERR_USAGE,
		    "imap: fetch size must be 1 to %lu bytes", IMAP_FETCH_MAX);
	if (select_mailbox(im, mailbox, 0, NULL, err))
		return err->code;
	extra = ceiling(im, FETCH_SLACK);
	for (again = 1;; again = 0) {
		before = im->changes;
		if (command(im, max_bytes + extra, err,
		        "UID FETCH %u (UID RFC822.SIZE BODY.PEEK[]<0.%zu>)",
		        uid, max_bytes))
			return err->code;
		if (!resp_ok(im)) {
			if (code_in(im->r.text, "EXPUNGEISSUED") != NULL)
				return IMAP_MISSING;
			return err_set(err, ERR_IO,
			    "imap: cannot fetch uid %u from mailbox %s: %s",
			    uid, mailbox, im->r.text);
		}
		for (i = 0; i < im->r.n; i++) {
			if (!numbered(im, i, "FETCH", &seq, &c))
				continue;
			if (!parse_fetch(&c, &f))
				return bad_answer(im, "UID FETCH", err);
			if (!f.has_uid || f.uid != uid || !f.has_body)
				continue;
			if (f.body == NULL)
				return err_set(err, ERR_IO,
				    "imap: %s sent no text for uid %u in "
				    "mailbox %s",
				    im->where, uid, mailbox);
			/* A server that ignores the <0.N> still gets cut. */
			*len = f.body_len < max_bytes ? f.body_len : max_bytes;
			*truncated = f.has_size ? f.size > *len
			                        : f.body_len >= max_bytes;
			*buf = xmalloc(*len + 1);
			memcpy(*buf, f.body, *len);
			(*buf)[*len] = '\0';
			return 0;
		}
		if (!again || im->changes == before)
			return IMAP_MISSING;
	}
}

/*
 * add_flag: UID STORE +FLAGS (not .SILENT: the FETCH it sends back shows
 * the UID was there).  0 when uid has the flag now, IMAP_MISSING when
 * there is no such UID.
 */
static int
add_flag(struct imap *im, const char *mailbox, uint32_t uid, const char *flag,
    struct err *err)
{
	struct fetch f;
	struct cur c;
	uint32_t seq;
	size_t i;
	unsigned before;
	int yes, again;

	for (again = 1;; again = 0) {
		before = im->changes;
		if (command(im, ceiling(im, RESPONSE_MAX), err,
		        "UID STORE %u +FLAGS (%s)", uid, flag))
			return err->code;
		if (!resp_ok(im)) {
			if (code_in(im->r.text, "EXPUNGEISSUED") != NULL)
				return IMAP_MISSING;
			return err_set(err, ERR_IO,
			    "imap: cannot set %s on uid %u in mailbox %s: %s",
			    flag, uid, mailbox, im->r.text);
		}
		for (i = 0; i < im->r.n; i++) {
			if (!numbered(im, i, "FETCH", &seq, &c))
				continue;
			if (!parse_fetch(&c, &f))
				return bad_answer(im, "UID STORE", err);
			if (!f.has_uid || f.uid != uid || !f.has_flags)
				continue;
			if ((strcmp(flag, "\\Seen") == 0 && !f.seen) ||
			    (strcmp(flag, "\\Deleted") == 0 && !f.deleted))
				return err_set(err, ERR_IO,
				    "imap: %s did not set %s on uid %u in "
				    "mailbox %s",
				    im->where, flag, uid, mailbox);
			return 0;
		}
		if (!again || im->changes == before)
			break;
	}
	/* No FETCH back: a server may say nothing when nothing changed. */
	if (present(im, mailbox, uid, &yes, err))
		return err->code;
	return yes ? 0 : IMAP_MISSING;
}

/* expunge_one: UID EXPUNGE uid (UIDPLUS), then a look that it is gone. */
static int
expunge_one(struct imap *im, const char *mailbox, uint32_t uid, struct err *err)
{
	int yes;

	if (command(im, ceiling(im, RESPONSE_MAX), err, "UID EXPUNGE %u", uid))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot expunge uid %u from mailbox %s: %s", uid,
		    mailbox, im->r.text);
	if (present(im, mailbox, uid, &yes, err))
		return err->code;
	if (yes)
		return err_set(err, ERR_IO,
		    "imap: uid %u is still in mailbox %s after UID EXPUNGE",
		    uid, mailbox);
	return 0;
}

/* move_once: UID MOVE; *moved when the answer shows it happened. */
static int
move_once(struct imap *im, const char *mailbox, uint32_t uid, const char *dest,
    const char *q, int *moved, struct err *err)
{
	char text[TEXT_MAX + 1];
	uint32_t seq;
	struct cur c;
	size_t i;

	if (command(
	        im, ceiling(im, RESPONSE_MAX), err, "UID MOVE %u %s", uid, q))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot move uid %u from mailbox %s to %s: %s", uid,
		    mailbox, dest, im->r.text);
	/* COPYUID comes in an untagged OK; an EXPUNGE tells too. */
	*moved = copyuid_has(im->r.text, uid);
	for (i = 0; i < im->r.n && !*moved; i++)
		*moved = numbered(im, i, "EXPUNGE", &seq, &c) ||
		    (untagged_ok_text(im, i, text, sizeof(text)) &&
		        copyuid_has(text, uid));
	return 0;
}

/* copy_once: UID COPY; *copied when the answer shows it (UIDPLUS), or
 * when that cannot be told. */
static int
copy_once(struct imap *im, const char *mailbox, uint32_t uid, const char *dest,
    const char *q, int *copied, struct err *err)
{
	if (command(
	        im, ceiling(im, RESPONSE_MAX), err, "UID COPY %u %s", uid, q))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot copy uid %u from mailbox %s to %s: %s", uid,
		    mailbox, dest, im->r.text);
	*copied = !(im->caps & CAP_UIDPLUS) || copyuid_has(im->r.text, uid);
	return 0;
}

int
imap_move(struct imap *im, const char *mailbox, uint32_t uid, const char *dest,
    struct err *err)
{
	char q[MBOX_Q_SIZE];
	unsigned before;
	int done = 0, yes, rc, again;

	if (uid == 0)
		return err_set(err, ERR_USAGE, "imap: uid 0 does not exist");
	if (mbox_arg(dest, q, NULL, err) ||
	    select_mailbox(im, mailbox, 1, NULL, err))
		return err->code;
	for (again = 1;; again = 0) {
		before = im->changes;
		if ((im->caps & CAP_MOVE)
		        ? move_once(im, mailbox, uid, dest, q, &done, err)
		        : copy_once(im, mailbox, uid, dest, q, &done, err))
			return err->code;
		if (done || !again || im->changes == before)
			break;
	}
	if (im->caps & CAP_MOVE) {
		if (present(im, mailbox, uid, &yes, err))
			return err->code;
		if (yes)
			return err_set(err, ERR_IO,
			    "imap: uid %u is still in mailbox %s after the "
			    "move to %s",
			    uid, mailbox, dest);
		return done ? 0 : IMAP_MISSING;
	}
	if (!done) {
		/* Nothing copied: is it there at all? */
		if (present(im, mailbox, uid, &yes, err))
			return err->code;
		if (!yes)
			return IMAP_MISSING;
		return err_set(err, ERR_IO,
		    "imap: %s copied nothing for uid %u from mailbox %s to %s",
		    im->where, uid, mailbox, dest);
	}
	rc = add_flag(im, mailbox, uid, "\\Deleted", err);
	if (rc != 0)
		return rc;
	if (!(im->caps & CAP_UIDPLUS)) {
		log_debug("imap: %s: no UIDPLUS: uid %u copied to %s and left "
		          "in %s flagged \\Deleted",
		    im->where, uid, dest, mailbox);
		return IMAP_KEPT;
	}
	return expunge_one(im, mailbox, uid, err);
}

int
imap_mark_seen(
    struct imap *im, const char *mailbox, uint32_t uid, struct err *err)
{
	if (uid == 0)
		return err_set(err, ERR_USAGE, "imap: uid 0 does not exist");
	if (select_mailbox(im, mailbox, 1, NULL, err))
		return err->code;
	return add_flag(im, mailbox, uid, "\\Seen", err);
}

int
imap_delete(struct imap *im, const char *mailbox, uint32_t uid, struct err *err)
{
	int rc;

	if (uid == 0)
		return err_set(err, ERR_USAGE, "imap: uid 0 does not exist");
	if (select_mailbox(im, mailbox, 1, NULL, err))
		return err->code;
	rc = add_flag(im, mailbox, uid, "\\Deleted", err);
	if (rc != 0)
		return rc;
	if (!(im->caps & CAP_UIDPLUS))
		return IMAP_KEPT;
	return expunge_one(im, mailbox, uid, err);
}
