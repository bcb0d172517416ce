/*
 * test_mailout: common/mailout.c.
 *
 *   test_mailout build   the message alone: headers, encodings, addresses
 *   test_mailout send    through a real aiosmtpd that tests/harness/smtp
 *                        runs (see tests/harness/README.md), reading back
 *                        what the server saved
 *
 * Every mail is taken apart here by a small parser of its own (headers,
 * RFC 2047 words, MIME parts, quoted-printable) and the parts must give back
 * the original text byte for byte; tests/smtp/check_mail.py asks Python's
 * email package for a second opinion on mail that went through the server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "mailout.h"
#include "report_mail.h"
#include "xalloc.h"

/* ------------------------------------------------------------------------
 * Taking a mail apart. */

/* check_wire: what SMTP and every reader can take: 7-bit, no NUL, CRLF
 * line ends only, header lines within 78 and body lines within 76 (given
 * addresses short enough to fold), no body line that starts with '.' or
 * "From ". */
static void
check_wire(const char *msg, size_t n)
{
	size_t i = 0, line = 0;
	int in_body = 0;

	assert_true(n >= 2);
	assert_memory_equal(msg + n - 2, "\r\n", 2);
	while (i < n) {
		const char *p = msg + i;
		const char *e = memchr(p, '\n', n - i);
		size_t len, k;

		line++;
		if (e == NULL || e == p || e[-1] != '\r')
			fail_msg("line %zu does not end in CRLF", line);
		len = (size_t)(e - p) - 1;
		for (k = 0; k < len; k++) {
			unsigned char c = (unsigned char)p[k];

			if (c == 0 || c >= 0x80 || c == '\r')
				fail_msg("line %zu holds byte 0x%02x", line, c);
		}
		if (len == 0)
			in_body = 1;
		if (len > (in_body ? 76u : 78u))
			fail_msg("line %zu is %zu long: %.*s", line, len,
			    (int)len, p);
		if (in_body &&
		    (p[0] == '.' || (len >= 5 && !memcmp(p, "From ", 5))))
			fail_msg("body line %zu starts with '%.5s'", line, p);
		i = (size_t)(e - msg) + 1;
	}
}

/* crlf: the first CRLF in [p, end), or NULL.  Not strstr(): under
 * AddressSanitizer each strstr() measures the whole rest of the string,
 * which made a line-by-line walk of a message of megabytes quadratic. */
static const char *
crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

/* head_end: where the header section of msg ends (its blank line). */
static const char *
head_end(const char *msg)
{
	const char *e = strstr(msg, "\r\n\r\n");

	assert_non_null(e);
	return e + 2;
}

/* header: the unfolded value of field name in the header section
 * [msg, end), NULL when missing; *count how often it is there.  The
 * caller's. */
static char *
header(const char *msg, const char *end, const char *name, int *count)
{
	size_t nl = strlen(name);
	const char *p = msg;
	char *val = NULL;
	int c = 0;

	while (p < end) {
		const char *e = crlf(p, end + 2);

		if (e == NULL || e >= end)
			break;
		if ((size_t)(e - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1;
			size_t cap = (size_t)(end - v) + 1, o = 0;

			c++;
			if (val == NULL) {
				val = xmalloc(cap);
				/* Unfolding: drop each CRLF that a blank
				 * follows. */
				while (v < end) {
					if (v[0] == '\r' && v[1] == '\n') {
						if (v[2] != ' ' && v[2] != '\t')
							break;
						v += 2;
						continue;
					}
					val[o++] = *v++;
				}
				val[o] = '\0';
				/* The blank after the colon is not part of
				 * the value. */
				if (val[0] == ' ')
					memmove(val, val + 1, o);
			}
		}
		p = e + 2;
	}
	if (count != NULL)
		*count = c;
	return val;
}

static int
b64val(int c)
{
	const char *tab =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(tab, c) : NULL;

	return p ? (int)(p - tab) : -1;
}

/* b64_decode: s[0..n) appended to out at *o; fails on bad input. */
static void
b64_decode(const char *s, size_t n, char *out, size_t *o)
{
	size_t i;

	assert_int_equal(n % 4, 0);
	for (i = 0; i < n; i += 4) {
		int a = b64val(s[i]), b = b64val(s[i + 1]);
		int c = s[i + 2] == '=' ? 0 : b64val(s[i + 2]);
		int d = s[i + 3] == '=' ? 0 : b64val(s[i + 3]);

		assert_true(a >= 0 && b >= 0 && c >= 0 && d >= 0);
		out[(*o)++] = (char)((a << 2) | (b >> 4));
		if (s[i + 2] != '=')
			out[(*o)++] = (char)(((b & 15) << 4) | (c >> 2));
		if (s[i + 3] != '=')
			out[(*o)++] = (char)(((c & 3) << 6) | d);
	}
}

/* valid_utf8: s[0..n) is whole UTF-8 characters. */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = s[i] < 0x80      ? 1
		    : (s[i] & 0xe0) == 0xc0 ? 2
		    : (s[i] & 0xf0) == 0xe0 ? 3
		    : (s[i] & 0xf8) == 0xf0 ? 4
		                            : 0;
		size_t j;

		if (k == 0 || i + k > n)
			return 0;
		for (j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/* subject_decode: an unfolded Subject value as a reader shows it: either
 * plain text, or only encoded-words (UTF-8, B) separated by blanks, each
 * at most 75 long and holding whole characters.  The caller's. */
static char *
subject_decode(const char *v)
{
	char *out = xmalloc(strlen(v) + 1);
	size_t o = 0;

	if (strstr(v, "=?") == NULL) {
		strcpy(out, v);
		return out;
	}
	while (*v) {
		const char *end;
		size_t start = o;

		while (*v == ' ')
			v++;
		if (*v == '\0')
			break;
		if (strncmp(v, "=?UTF-8?B?", 10) != 0)
			fail_msg("not an encoded-word: %s", v);
		end = strstr(v + 10, "?=");
		assert_non_null(end);
		if (end + 2 - v > 75)
			fail_msg("encoded-word of %d", (int)(end + 2 - v));
		b64_decode(v + 10, (size_t)(end - v - 10), out, &o);
		if (!valid_utf8((unsigned char *)out + start, o - start))
			fail_msg("an encoded-word splits a character");
		v = end + 2;
		if (*v != '\0' && *v != ' ')
			fail_msg("text after an encoded-word: %s", v);
	}
	out[o] = '\0';
	return out;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* RFC 2045 encoders use upper case */
}

/* qp_decode: a quoted-printable body back to text with LF line ends.  The
 * caller's; *len its length. */
static char *
qp_decode(const char *s, size_t n, size_t *len)
{
	char *out = xmalloc(n + 1);
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] == '=') {
			if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 3;
				continue;
			}
			if (i + 2 >= n || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				fail_msg("bad '=' at %zu: %.10s", i, s + i);
			out[o++] =
			    (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 3;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			/* A blank before a line end must have been encoded. */
			if (o > 0 && i > 0 &&
			    (s[i - 1] == ' ' || s[i - 1] == '\t'))
				fail_msg("blank before a line end at %zu", i);
			out[o++] = '\n';
			i += 2;
		} else {
			out[o++] = s[i++];
		}
	}
	if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		fail_msg("blank at the end of the body");
	out[o] = '\0';
	*len = o;
	return out;
}

/* param: the value of parameter name in a Content-Type value; the
 * caller's. */
static char *
param(const char *v, const char *name)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "%s=\"", name);
	p = strstr(v, pat);
	assert_non_null(p);
	p += strlen(pat);
	e = strchr(p, '"');
	assert_non_null(e);
	return xstrndup(p, (size_t)(e - p));
}

struct mail {
	char *date, *from, *to, *subject, *msgid, *type, *auto_sub;
	char *text, *html; /* decoded, LF */
	size_t textlen, htmllen;
	char *boundary;
};

static void
mail_free(struct mail *m)
{
	free(m->date);
	free(m->from);
	free(m->to);
	free(m->subject);
	free(m->msgid);
	free(m->type);
	free(m->auto_sub);
	free(m->text);
	free(m->html);
	free(m->boundary);
	memset(m, 0, sizeof(*m));
}

/* one: the value of a header that must be there exactly once. */
static char *
one(const char *msg, const char *end, const char *name)
{
	int count;
	char *v = header(msg, end, name, &count);

	if (count != 1)
		fail_msg("header %s is there %d times", name, count);
	return v;
}

/* part: checks the part's headers and decodes its body. */
static char *
part(const char *p, size_t n, const char *type, size_t *len)
{
	const char *he = memmem(p, n, "\r\n\r\n", 4);
	char *head, *ct, *cte, want[64];

	assert_non_null(he);
	head = xstrndup(p, (size_t)(he - p) + 2);
	ct = one(head, head + strlen(head), "Content-Type");
	cte = one(head, head + strlen(head), "Content-Transfer-Encoding");
	snprintf(want, sizeof(want), "text/%s; charset=utf-8", type);
	assert_string_equal(ct, want);
	assert_string_equal(cte, "quoted-printable");
	free(head);
	free(ct);
	free(cte);
	he += 4;
	return qp_decode(he, (size_t)(p + n - he), len);
}

/* parse: takes msg apart into m, checking the form on the way. */
static void
parse(const char *msg, size_t n, struct mail *m)
{
	const char *end, *body;
	char *mime, *subj;

	memset(m, 0, sizeof(*m));
	assert_int_equal(strlen(msg), n);
	check_wire(msg, n);
	end = head_end(msg);
	body = end + 2;
	m->date = one(msg, end, "Date");
	m->from = one(msg, end, "From");
	m->to = one(msg, end, "To");
	subj = one(msg, end, "Subject");
	m->subject = subject_decode(subj);
	free(subj);
	m->msgid = one(msg, end, "Message-ID");
	m->auto_sub = one(msg, end, "Auto-Submitted");
	mime = one(msg, end, "MIME-Version");
	assert_string_equal(mime, "1.0");
	free(mime);
	m->type = one(msg, end, "Content-Type");
	if (strncmp(m->type, "text/plain", 10) == 0) {
		assert_string_equal(m->type, "text/plain; charset=utf-8");
		m->text = part(msg, n, "plain", &m->textlen);
		return;
	}
	assert_true(strncmp(m->type, "multipart/alternative;", 22) == 0);
	m->boundary = param(m->type, "boundary");
	{
		/* Delimiters: "--B" at a line start; the CRLF before one
		 * belongs to it.  Exactly two parts, then "--B--". */
		size_t bl = strlen(m->boundary), nparts = 0;
		const char *p = body, *start[3] = {0}, *stop[3] = {0};
		int closed = 0;

		while (p < msg + n) {
			const char *e = crlf(p, msg + n);

			assert_non_null(e);
			if ((size_t)(e - p) >= bl + 2 && p[0] == '-' &&
			    p[1] == '-' &&
			    memcmp(p + 2, m->boundary, bl) == 0) {
				const char *rest = p + 2 + bl;

				assert_false(closed);
				if (nparts > 0)
					stop[nparts - 1] = p - 2;
				if (e - rest == 2 && rest[0] == '-' &&
				    rest[1] == '-') {
					closed = 1;
				} else {
					assert_true(e == rest);
					assert_true(nparts < 2);
					start[nparts++] = e + 2;
				}
			} else if (memmem(
			               p, (size_t)(e - p), m->boundary, bl)) {
				fail_msg("the boundary inside a line: %.*s",
				    (int)(e - p), p);
			}
			p = e + 2;
		}
		assert_true(closed);
		assert_int_equal(nparts, 2);
		m->text = part(start[0], (size_t)(stop[0] - start[0]), "plain",
		    &m->textlen);
		m->html = part(start[1], (size_t)(stop[1] - start[1]), "html",
		    &m->htmllen);
	}
}

/* The text as it must come back: CRLF in the input is a line end. */
static void
assert_text(const char *got, size_t gotlen, const char *want)
{
	if (gotlen != strlen(want) || memcmp(got, want, gotlen) != 0)
		fail_msg(
		    "decoded body differs:\n got  '%s'\n want '%s'", got, want);
}

static const char *const to_one[] = {"postmaster@example.org"};

static char *
build_ok(const struct mail_message *m, int64_t now, size_t *len)
{
	struct err err = {0};
	char *out = NULL;

	if (mailout_build(m, now, &out, len, &err) != 0)
		fail_msg("mailout_build: %s", err.msg);
	assert_non_null(out);
	return out;
}

/* roundtrip: builds and parses a mail of text and html; both must come
 * back as they went in. */
static void
roundtrip(const char *subject, const char *text, const char *html)
{
	struct mail_message m = {
	    "reports@example.org", to_one, 1, subject, text, html};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1700000000, &len);

	parse(msg, len, &p);
	assert_text(p.text, p.textlen, text);
	if (html != NULL)
		assert_text(p.html, p.htmllen, html);
	else
		assert_null(p.html);
	mail_free(&p);
	free(msg);
}

/* ------------------------------------------------------------------------
 * Building. */

static void
test_headers(void **state)
{
	struct mail_message m = {"reports@example.org", to_one, 1,
	    "DMARC report", "text\n", "<p>html</p>\n"};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1700000000, &len), *tail;

	(void)state;
	parse(msg, len, &p);
	assert_string_equal(p.date, "Tue, 14 Nov 2023 22:13:20 +0000");
	assert_string_equal(p.from, "reports@example.org");
	assert_string_equal(p.to, "postmaster@example.org");
	assert_string_equal(p.subject, "DMARC report");
	assert_string_equal(p.auto_sub, "auto-generated");
	/* <random.now@the sender's domain> */
	assert_true(p.msgid[0] == '<');
	tail = strstr(p.msgid, ".1700000000@example.org>");
	assert_non_null(tail);
	assert_int_equal(tail - p.msgid, 1 + 32);
	assert_int_equal(strspn(p.msgid + 1, "0123456789abcdef"), 32);
	assert_int_equal(strlen(tail), strlen(".1700000000@example.org>"));
	/* Date and From come first; a reader needs none, but it is the
	 * order mail usually has. */
	assert_true(strncmp(msg, "Date: ", 6) == 0);
	mail_free(&p);
	free(msg);

	msg = build_ok(&m, 0, &len);
	parse(msg, len, &p);
	assert_string_equal(p.date, "Thu, 01 Jan 1970 00:00:00 +0000");
	mail_free(&p);
	free(msg);
	msg = build_ok(&m, 951782400, &len); /* a leap day */
	parse(msg, len, &p);
	assert_string_equal(p.date, "Tue, 29 Feb 2000 00:00:00 +0000");
	mail_free(&p);
	free(msg);
}

static void
test_boundary(void **state)
{
	/* Text that looks like delimiters, ours included: quoted-printable
	 * turns each '=' into "=3D", so none can be taken for one. */
	const char *text = "--=_dmarcsift_000000000000000000000000\n"
	                   "--=_dmarcsift_000000000000000000000000--\n"
	                   "=_dmarcsift_\n--\n-- \n";
	struct mail_message m = {
	    "reports@example.org", to_one, 1, "b", text, text};
	struct mail p1, p2;
	size_t len1, len2;
	char *a = build_ok(&m, 1, &len1), *b = build_ok(&m, 1, &len2);

	(void)state;
	parse(a, len1, &p1);
	parse(b, len2, &p2);
	assert_text(p1.text, p1.textlen, text);
	assert_text(p1.html, p1.htmllen, text);
	assert_true(strncmp(p1.boundary, "=_dmarcsift_", 12) == 0);
	assert_true(strlen(p1.boundary) >= 12 + 16);
	/* Random each time: the boundary and the Message-ID. */
	assert_string_not_equal(p1.boundary, p2.boundary);
	assert_string_not_equal(p1.msgid, p2.msgid);
	mail_free(&p1);
	mail_free(&p2);
	free(a);
	free(b);
}

static void
test_qp(void **state)
{
	char longline[400], longwords[400], edge[200], dots[400];
	size_t i;
	const char *texts[] = {
	    "",
	    "a",
	    "no line end at the end",
	    "two\nlines\n",
	    "\n\n\nblank lines\n\n",
	    "Gr\xc3\xbc\xc3\x9f"
	    "e \xe2\x80\x93 \xe2\x9c\x93 \xf0\x9f\x93\xa7\n",
	    ".\n..\n.leading dot\nmiddle . dot\n",
	    "From the start\nFrom \nFrom\nFromage\n>From quoted\n",
	    "trailing blank \ntrailing tab\t\nboth \t\nend blank ",
	    "a=b ==3D =\n=\n",
	    "lone\rcarriage return\r",
	    "control \x01\x02\x7f bytes\x1b[31m\n",
	    "tab\tinside\n",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	};
	size_t nt = sizeof(texts) / sizeof(texts[0]);

	(void)state;
	/* 300 bytes with no blank: soft breaks. */
	memset(longline, 'x', 300);
	longline[300] = '\0';
	texts[nt - 4] = longline;
	/* Words, and a '.' or "From " or '=' at every column near the
	 * break. */
	longwords[0] = '\0';
	for (i = 0; i < 20; i++)
		strcat(longwords, i % 3 ? "word. " : "From =x ");
	texts[nt - 3] = longwords;
	/* A '.' that lands right after a soft break, and "From ". */
	memset(edge, 'a', 75);
	memcpy(edge + 75, ".b\n", 4);
	texts[nt - 2] = edge;
	for (i = 0; i < 380; i++)
		dots[i] = i % 7 == 3 ? ' ' : i % 5 ? '.' : '\xc3';
	dots[380] = '\0';
	/* Keep it valid UTF-8 is not needed: QP carries any byte. */
	texts[nt - 1] = dots;

	for (i = 0; i < nt; i++) {
		roundtrip("qp", texts[i], texts[i]);
		roundtrip("qp", texts[i], NULL);
	}
	/* Lines of 74 to 78 bytes, ending in a blank or not. */
	for (i = 74; i <= 78; i++) {
		char t[100];

		memset(t, 'y', i);
		t[i] = '\n';
		t[i + 1] = '\0';
		roundtrip("len", t, t);
		t[i - 1] = ' ';
		roundtrip("len", t, t);
	}
}

/* CRLF in the input is one line end: it comes back as LF. */
static void
test_crlf_input(void **state)
{
	struct mail_message m = {"reports@example.org", to_one, 1, "crlf",
	    "one\r\ntwo\r\n", "<b>\r\n</b>"};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1, &len);

	(void)state;
	parse(msg, len, &p);
	assert_text(p.text, p.textlen, "one\ntwo\n");
	assert_text(p.html, p.htmllen, "<b>\n</b>");
	mail_free(&p);
	free(msg);
}

static void
check_subject(const char *in, const char *want, int encoded)
{
	struct mail_message m = {
	    "reports@example.org", to_one, 1, in, "t\n", NULL};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1, &len), *raw;
	const char *end = head_end(msg);

	parse(msg, len, &p);
	if (strcmp(p.subject, want) != 0)
		fail_msg("subject: got '%s', want '%s'", p.subject, want);
	raw = header(msg, end, "Subject", NULL);
	assert_int_equal(strstr(raw, "=?UTF-8?B?") != NULL, encoded);
	/* Nothing got out of the Subject into headers of its own. */
	assert_null(header(msg, end, "Bcc", NULL));
	free(raw);
	mail_free(&p);
	free(msg);
}

static void
test_subject(void **state)
{
	char longascii[400], longutf8[1200], capped[2000], want[1000];
	size_t i;

	(void)state;
	check_subject("DMARC report for example.org",
	    "DMARC report for "
	    "example.org",
	    0);
	check_subject(NULL, "", 0);
	check_subject("", "", 0);
	check_subject("  padded  ", "padded", 0);
	check_subject("two  blanks", "two  blanks", 0);
	check_subject(
	    "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac",
	    "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac", 1);
	/* What a reader would decode must stay text. */
	check_subject("=?UTF-8?B?SGk=?=", "=?UTF-8?B?SGk=?=", 1);
	/* Header injection: the line break becomes a blank. */
	check_subject(
	    "Hi\r\nBcc: evil@example.net", "Hi  Bcc: evil@example.net", 0);
	check_subject("tab\there", "tab here", 0);
	check_subject("bad \xff byte", "bad \xef\xbf\xbd byte", 1);
	check_subject("cut \xe2\x80", "cut \xef\xbf\xbd\xef\xbf\xbd", 1);

	/* A word too long for a line: encoded, so it can be cut. */
	memset(longascii, 'w', 150);
	longascii[150] = '\0';
	check_subject(longascii, longascii, 1);
	memcpy(longascii, "short ", 6);
	longascii[6 + 67] = '\0';
	check_subject(longascii, longascii, 0);
	memset(longascii, ' ', 100);
	strcpy(longascii + 100, "x");
	memcpy(longascii, "a", 1);
	check_subject(longascii, longascii, 1);
	/* Long ASCII: folded at blanks, unfolded back. */
	longascii[0] = '\0';
	for (i = 0; i < 30; i++)
		strcat(longascii, i % 2 ? "aggregate " : "report  ");
	longascii[strlen(longascii) - 1] = '\0';
	check_subject(longascii, longascii, 0);
	/* Long UTF-8, characters of 2, 3 and 4 bytes: every word holds
	 * whole characters (subject_decode checks). */
	longutf8[0] = '\0';
	for (i = 0; i < 60; i++)
		strcat(longutf8,
		    i % 3 == 0       ? "\xc3\xa9"
		        : i % 3 == 1 ? "\xe2\x9c\x93 "
		                     : "\xf0\x9f\x93\xa7");
	check_subject(longutf8, longutf8, 1);
	/* Cut at 900 bytes, at a character. */
	for (i = 0; i < 600; i++)
		memcpy(capped + 3 * i, "\xe2\x9c\x93", 3);
	capped[1800] = '\0';
	memcpy(want, capped, 900);
	want[900] = '\0';
	check_subject(capped, want, 1);
	memmove(capped + 1, capped, 1801);
	capped[0] = 'x';
	memcpy(want, capped, 898);
	want[898] = '\0';
	check_subject(capped, want, 1);
}

/* Random bytes, fixed seed: bodies come back exactly; any subject gives a
 * well-formed mail whose Subject decodes to valid UTF-8 within the cap. */
/* The report mail's subject: the one domain's pass rate as percent.h
 * rounds it (never up to 100.0), no mail, or the number of domains; the
 * last day is the one before until. */
static void
test_report_subject(void **state)
{
	struct report_mail r = {.since = 1794182400, /* 2026-11-09 */
	    .until = 1794787200, /* 2026-11-16 */
	    .ndomains = 1,
	    .domain = "example.com",
	    .messages = 10000,
	    .passed = 9996};
	char buf[300];

	(void)state;
	report_mail_subject(&r, buf, sizeof(buf));
	assert_string_equal(buf,
	    "DMARC report example.com: 99.9% pass, 2026-11-09 to 2026-11-15");
	r.messages = r.passed = 0;
	report_mail_subject(&r, buf, sizeof(buf));
	assert_string_equal(
	    buf, "DMARC report example.com: no mail, 2026-11-09 to 2026-11-15");
	r.ndomains = 3;
	r.domain = NULL;
	report_mail_subject(&r, buf, sizeof(buf));
	assert_string_equal(
	    buf, "DMARC report, 3 domains, 2026-11-09 to 2026-11-15");
}

/* A list of recipients that is empty or too long is refused before any
 * server is asked (cfg is not even read). */
static void
test_report_recipients(void **state)
{
	struct report_mail r = {.ndomains = 2, .text = "t", .html = "<p>h"};
	struct err err = {0};
	char *many = xstrdup("");

	(void)state;
	assert_int_equal(report_mail_send(NULL, &r, "", &err), ERR_USAGE);
	assert_int_equal(report_mail_send(NULL, &r, " , ,", &err), ERR_USAGE);
	for (int i = 0; i <= REPORT_MAIL_MAX_TO; i++) {
		char *next = xasprintf(
		    "%s%sa%d@example.com", many, i > 0 ? ", " : "", i);

		free(many);
		many = next;
	}
	assert_int_equal(report_mail_send(NULL, &r, many, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "give 1 to 32 addresses"));
	free(many);
}

static void
test_random(void **state)
{
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	char buf[600];
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		size_t n, i;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(x >> 33) % sizeof(buf);
		for (i = 0; i < n; i++) {
			unsigned char c;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			c = (unsigned char)(x >> 56);
			/* Mostly text, with line ends, blanks, dots and
			 * "From " where they hurt; CRLF would come back as
			 * LF, so no CR. */
			switch ((x >> 40) % 8) {
			case 0:
				c = '\n';
				break;
			case 1:
				c = ' ';
				break;
			case 2:
				c = '.';
				break;
			case 3:
				c = "From "[i % 5];
				break;
			default:
				break;
			}
			buf[i] = c == 0 || c == '\r' ? 'z' : (char)c;
		}
		buf[n] = '\0';
		roundtrip("r", buf, round % 2 ? buf : NULL);
		{
			struct mail_message m = {
			    "r@example.org", to_one, 1, buf, "t", NULL};
			struct mail p;
			size_t len;
			char *msg = build_ok(&m, 1, &len);

			parse(msg, len, &p);
			assert_true(valid_utf8(
			    (unsigned char *)p.subject, strlen(p.subject)));
			assert_true(strlen(p.subject) <= 900);
			assert_null(strpbrk(p.subject, "\r\n"));
			mail_free(&p);
			free(msg);
		}
	}
}

static void
test_to_folding(void **state)
{
	const char *to[] = {"alice@example.org", "bob.the.builder@example.net",
	    "carol@sub.domain.example.com", "dave@example.org",
	    "erin.with.a.long.name@example.org", "frank@example.net",
	    "grace@example.com", "heidi@example.org"};
	struct mail_message m = {"reports@example.org", to, 8, "to", "t", NULL};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1, &len);

	(void)state;
	parse(msg, len, &p); /* lines within 78: check_wire */
	assert_string_equal(p.to,
	    "alice@example.org, bob.the.builder@example.net, "
	    "carol@sub.domain.example.com, dave@example.org, "
	    "erin.with.a.long.name@example.org, frank@example.net, "
	    "grace@example.com, heidi@example.org");
	/* It did fold. */
	assert_non_null(strstr(msg, ",\r\n "));
	mail_free(&p);
	free(msg);
}

static void
test_text_only(void **state)
{
	struct mail_message m = {
	    "reports@example.org", to_one, 1, "plain", "just text\n.\n", NULL};
	struct mail p;
	size_t len;
	char *msg = build_ok(&m, 1, &len);

	(void)state;
	parse(msg, len, &p);
	assert_string_equal(p.type, "text/plain; charset=utf-8");
	assert_null(strstr(msg, "multipart"));
	assert_text(p.text, p.textlen, "just text\n.\n");
	mail_free(&p);
	free(msg);
}

static void
test_bad_addresses(void **state)
{
	char longaddr[300];
	const char *bad[] = {
	    "",
	    "noat",
	    "@example.org",
	    "user@",
	    "a@b@example.org",
	    "a b@example.org",
	    "a@example.org\r\nRCPT TO:<x@y>",
	    "a@example.org\n",
	    "<a@example.org>",
	    "a@example.org>",
	    "a,b@example.org",
	    "\"quoted\"@example.org",
	    "a\tb@example.org",
	    "us\xc3\xa9r@example.org",
	    "user@[192.0.2.1]",
	    "a(comment)@example.org",
	    longaddr,
	};
	struct err err = {0};
	char *out = (char *)1;
	size_t i, len = 7;

	(void)state;
	/* 255 bytes: one over what a path may hold. */
	memset(longaddr, 'a', 251);
	memcpy(longaddr + 251, "@b.c", 5);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *to[] = {"ok@example.org", bad[i]};
		struct mail_message as_to = {"r@example.org", to, 2, "s", "t"};
		struct mail_message as_from = {bad[i], to, 1, "s", "t"};

		if (mailout_build(&as_to, 1, &out, &len, &err) != ERR_USAGE)
			fail_msg("recipient '%s' was taken", bad[i]);
		assert_null(out);
		assert_int_equal(len, 0);
		assert_non_null(strstr(err.msg, "recipient address"));
		/* The message shows no raw control character. */
		assert_null(strpbrk(err.msg, "\r\n\t"));
		if (mailout_build(&as_from, 1, &out, &len, &err) != ERR_USAGE)
			fail_msg("sender '%s' was taken", bad[i]);
		assert_non_null(strstr(err.msg, "sender address"));
	}
	{
		struct mail_message none = {
		    "r@example.org", to_one, 0, "s", "t"};
		struct mail_message notext = {"r@example.org", to_one, 1, "s"};
		const char *many[101];
		struct mail_message toomany = {
		    "r@example.org", many, 101, "s", "t"};

		for (i = 0; i < 101; i++)
			many[i] = "x@example.org";
		assert_int_equal(
		    mailout_build(&none, 1, &out, &len, &err), ERR_USAGE);
		assert_int_equal(
		    mailout_build(&notext, 1, &out, &len, &err), ERR_USAGE);
		assert_int_equal(
		    mailout_build(&toomany, 1, &out, &len, &err), ERR_USAGE);
		toomany.nto = 100;
		free(build_ok(&toomany, 1, &len));
		/* 254 bytes is still a path. */
		longaddr[250] = '\0';
		strcat(longaddr, "@b.c");
		many[0] = longaddr;
		toomany.nto = 1;
		free(build_ok(&toomany, 1, &len));
	}
}

static void
test_default_from(void **state)
{
	struct mail_message m = {NULL, to_one, 1, "s", "t", NULL};
	struct mail p;
	char host[256], want[300];
	size_t len;
	char *msg = build_ok(&m, 1, &len);

	(void)state;
	parse(msg, len, &p);
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	snprintf(want, sizeof(want), "dmarcsift@%s", host);
	if (strlen(host) <= 200 &&
	    host[strspn(host,
	        "abcdefghijklmnopqrstuvwxyz"
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")] == '\0')
		assert_string_equal(p.from, want);
	else
		assert_string_equal(p.from, "dmarcsift@localhost");
	mail_free(&p);
	free(msg);
}

static void
test_body_limit(void **state)
{
	size_t n = 16 * 1024 * 1024 + 1, len;
	char *big = xmalloc(n + 1), *out = NULL;
	struct mail_message m = {"r@example.org", to_one, 1, "s", big, NULL};
	struct err err = {0};

	(void)state;
	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(mailout_build(&m, 1, &out, &len, &err), ERR_LIMIT);
	assert_null(out);
	m.text = "t";
	m.html = big;
	assert_int_equal(mailout_build(&m, 1, &out, &len, &err), ERR_LIMIT);
	big[n - 1] = '\0'; /* exactly at the limit: fine */
	out = build_ok(&m, 1, &len);
	free(out);
	free(big);
}

/* The message's buffers are made with the ceiling their inputs can need
 * (mailout.c: 4 bytes a body byte, 64 KiB of headers): the worst of each
 * fits, and comes back as it went in. */
static void
test_worst_case(void **state)
{
	size_t n = 1024 * 1024, len;
	char *text = xmalloc(n + 1), *html = xmalloc(n + 1), *msg;
	char *subject = xmalloc(2 * 1000 + 1);
	const char *to[100];
	char addrs[100][100];
	struct mail_message m = {
	    "reports@example.org", to, 100, subject, text, html};
	struct mail p;

	(void)state;
	/* Every byte encoded (3 and a soft break each 25); a line end each
	 * byte (2 for 1); a '.' starting every line. */
	memset(text, 0xff, n);
	text[n] = '\0';
	for (size_t i = 0; i < n; i++)
		html[i] = i % 2 == 0 ? '\n' : '.';
	html[n] = '\0';
	for (size_t i = 0; i < 1000; i++)
		memcpy(subject + 2 * i, "\xc3\xa9", 2);
	subject[2 * 1000] = '\0';
	for (size_t i = 0; i < 100; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "%040zu@example.org", i);
		to[i] = addrs[i];
	}
	msg = build_ok(&m, 1700000000, &len);
	assert_true(len <= 4 * (2 * n) + 6 + 64 * 1024);
	parse(msg, len, &p);
	assert_text(p.text, p.textlen, text);
	mail_free(&p);
	free(msg);
	/* The same with the text alone. */
	m.html = NULL;
	msg = build_ok(&m, 1700000000, &len);
	assert_true(len <= 4 * n + 3 + 64 * 1024);
	free(msg);
	free(subject);
	free(html);
	free(text);
}

/* ------------------------------------------------------------------------
 * Sending, through the harness's server. */

static const char *maildir, *host, *port, *plain_port, *smtps_port, *user,
    *password_file, *cafile;
static const char *python = "/usr/bin/python3";
static char tmpdir[] = "/tmp/test_mailout.XXXXXX";

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap * 2 + 4096);
		k = fread(buf + n, 1, cap - n - 1, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static void
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
	chmod(path, 0600);
}

/* mails: how many the server has saved. */
static int
mails(void)
{
	char path[512];
	int n = 0;

	for (;;) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%06d.eml", maildir, n + 1);
		if (stat(path, &st) != 0)
			return n;
		n++;
	}
}

/* saved: mail number n as the server got it, and what the dialogue said
 * (its .env); both the caller's. */
static char *
saved(int n, size_t *len, char **env)
{
	char path[512], *msg;

	snprintf(path, sizeof(path), "%s/%06d.env", maildir, n);
	*env = read_file(path, NULL);
	assert_non_null(*env);
	snprintf(path, sizeof(path), "%s/%06d.eml", maildir, n);
	msg = read_file(path, len);
	assert_non_null(msg);
	return msg;
}

static struct config *
cfg_for(const char *url)
{
	struct config *cfg = config_new();
	struct err err = {0};

	if (url != NULL &&
	    config_set(
	        cfg, CONFIG_SMTP_URL, url, CONFIG_FROM_FLAG, "test", &err) != 0)
		fail_msg("config_set: %s", err.msg);
	config_set(
	    cfg, CONFIG_SMTP_TIMEOUT, "20", CONFIG_FROM_FLAG, "test", &err);
	return cfg;
}

static void
set(struct config *cfg, enum config_key key, const char *value)
{
	struct err err = {0};

	if (config_set(cfg, key, value, CONFIG_FROM_FLAG, "test", &err) != 0)
		fail_msg(
		    "config_set %s: %s", config_settings[key].name, err.msg);
}

/* login: user, password file and CA file of the harness. */
static struct config *
cfg_login(const char *url)
{
	struct config *cfg = cfg_for(url);

	set(cfg, CONFIG_SMTP_USER, user);
	set(cfg, CONFIG_SMTP_PASSWORD_FILE, password_file);
	set(cfg, CONFIG_SMTP_CAFILE, cafile);
	return cfg;
}

static char *
url(const char *scheme, const char *p)
{
	return xasprintf("%s://%s:%s", scheme, host, p);
}

static const char *const to_two[] = {
    "postmaster@example.org", "dmarc-reports@example.net"};

/* The text and HTML every sent mail carries: the hard cases at once. */
static const char send_text[] =
    "DMARC report for example.org\n"
    "\n"
    ".\n"
    "..two dots\n"
    "From here on, a line mbox would quote\n"
    "Gr\xc3\xbc\xc3\x9f"
    "e \xe2\x80\x93 \xe2\x9c\x93, trailing blank \n"
    "a=b; 100% pass; "
    "a long line that needs a soft break because it is much longer than "
    "seventy-six characters in all\n";
static const char send_html[] =
    "<!DOCTYPE html>\n<html><body><p>Gr\xc3\xbc\xc3\x9f"
    "e &amp; <b>pass</b></p>\n.\n</body></html>\n";
static const char send_subject[] =
    "DMARC: example.org \xe2\x80\x93 2 sources, 1 failing \xe2\x9c\x97";

/* check_arrived: mail n is the one sent (subject, text, html, from, to),
 * and its envelope says listener, tls and auth. */
static void
check_arrived(int n, const char *from, const char *const *to, size_t nto,
    const char *listener, const char *tls, const char *auth)
{
	struct mail p;
	size_t len, i;
	char *env, *msg = saved(n, &len, &env), want[512], *joined;

	parse(msg, len, &p);
	assert_string_equal(p.subject, send_subject);
	assert_text(p.text, p.textlen, send_text);
	assert_text(p.html, p.htmllen, send_html);
	assert_string_equal(p.from, from);
	joined = xstrdup(to[0]);
	for (i = 1; i < nto; i++) {
		char *j = xasprintf("%s, %s", joined, to[i]);

		free(joined);
		joined = j;
	}
	assert_string_equal(p.to, joined);
	free(joined);

	snprintf(want, sizeof(want), "listener %s\ntls %s\nauth %s\n", listener,
	    tls, auth);
	if (strncmp(env, want, strlen(want)) != 0)
		fail_msg(
		    "envelope:\n%s\nwant it to start with:\n%s", env, want);
	snprintf(want, sizeof(want), "\nfrom %s\n", from);
	assert_non_null(strstr(env, want));
	for (i = 0; i < nto; i++) {
		snprintf(want, sizeof(want), "\nto %s\n", to[i]);
		assert_non_null(strstr(env, want));
	}
	mail_free(&p);
	free(env);
	free(msg);
}

/* python_check: Python's email package reads mail n as we meant it. */
static void
python_check(int n, const char *html)
{
	char *subj = xasprintf("%s/subject", tmpdir),
	     *text = xasprintf("%s/text", tmpdir),
	     *htmlf = xasprintf("%s/html", tmpdir), *cmd;
	int st;

	write_file(subj, send_subject);
	write_file(text, send_text);
	if (html != NULL)
		write_file(htmlf, html);
	cmd = xasprintf("'%s' '%s/check_mail.py' '%s/%06d.eml' '%s' '%s' '%s'",
	    python, DS_SMTP_TESTDIR, maildir, n, subj, text,
	    html ? htmlf : "-");
	st = system(cmd);
	if (st != 0)
		fail_msg("%s: exit %d", cmd, st);
	free(cmd);
	free(subj);
	free(text);
	free(htmlf);
}

static void
send_ok(struct config *cfg, const struct mail_message *m)
{
	struct err err = {0};

	if (mailout_send(cfg, m, &err) != 0)
		fail_msg("mailout_send: %s", err.msg);
}

/* send_fails: the send fails with code, and err names the server and
 * holds each of the words; nothing arrives. */
static void
send_fails(struct config *cfg, const struct mail_message *m, int code,
    const char *where, const char *const *words)
{
	struct err err = {0};
	int before = mails(), rc = mailout_send(cfg, m, &err);

	if (rc != code)
		fail_msg("got %d (%s), want %d", rc, err.msg, code);
	/* TEST_MAILOUT_SHOW=1 prints the messages, to read them. */
	if (getenv("TEST_MAILOUT_SHOW") != NULL)
		fprintf(stderr, "    -> %s\n", err.msg);
	if (where != NULL && strstr(err.msg, where) == NULL)
		fail_msg("'%s' does not name %s", err.msg, where);
	for (; words != NULL && *words != NULL; words++)
		if (strstr(err.msg, *words) == NULL)
			fail_msg("'%s' does not say '%s'", err.msg, *words);
	assert_int_equal(mails(), before);
}

static void
test_send_plain(void **state)
{
	char *u = url("smtp", plain_port);
	struct config *cfg = cfg_for(u);
	struct mail_message m = {"reports@example.org", to_one, 1, send_subject,
	    send_text, send_html};
	int n = mails();

	(void)state;
	set(cfg, CONFIG_SMTP_ALLOW_PLAIN, "yes");
	send_ok(cfg, &m);
	assert_int_equal(mails(), n + 1);
	check_arrived(
	    n + 1, "reports@example.org", to_one, 1, "plain", "no", "-");
	python_check(n + 1, send_html);
	config_free(cfg);
	free(u);
}

/* smtp:// needs STARTTLS unless smtp_allow_plain: the plain listener
 * offers none, so nothing is sent. */
static void
test_plain_needs_starttls(void **state)
{
	char *u = url("smtp", plain_port);
	struct config *cfg = cfg_for(u);
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *words[] = {"STARTTLS", NULL};

	(void)state;
	send_fails(cfg, &m, ERR_IO, u, words);
	config_free(cfg);
	free(u);
}

static void
test_send_starttls(void **state)
{
	char *u = url("smtp", port);
	struct config *cfg = cfg_login(u);
	struct mail_message m = {"reports@example.org", to_one, 1, send_subject,
	    send_text, send_html};
	int n = mails();

	(void)state;
	send_ok(cfg, &m);
	assert_int_equal(mails(), n + 1);
	check_arrived(
	    n + 1, "reports@example.org", to_one, 1, "starttls", "yes", user);
	python_check(n + 1, send_html);
	config_free(cfg);
	free(u);
}

static void
test_send_smtps(void **state)
{
	char *u = url("smtps", smtps_port);
	struct config *cfg = cfg_login(u);
	struct mail_message m = {
	    "reports@example.org", to_one, 1, send_subject, send_text, NULL};
	int n = mails();

	(void)state;
	send_ok(cfg, &m);
	assert_int_equal(mails(), n + 1);
	{
		struct mail p;
		size_t len;
		char *env, *msg = saved(n + 1, &len, &env);

		parse(msg, len, &p);
		assert_string_equal(p.type, "text/plain; charset=utf-8");
		assert_text(p.text, p.textlen, send_text);
		assert_non_null(strstr(env, "listener smtps\ntls yes\n"));
		mail_free(&p);
		free(env);
		free(msg);
	}
	python_check(n + 1, NULL);
	config_free(cfg);
	free(u);
}

/* Two recipients, and the sender from smtp_from. */
static void
test_two_recipients(void **state)
{
	char *u = url("smtp", port);
	struct config *cfg = cfg_login(u);
	struct mail_message m = {
	    NULL, to_two, 2, send_subject, send_text, send_html};
	int n = mails();

	(void)state;
	set(cfg, CONFIG_SMTP_FROM, "dmarc-bot@example.com");
	send_ok(cfg, &m);
	assert_int_equal(mails(), n + 1);
	check_arrived(
	    n + 1, "dmarc-bot@example.com", to_two, 2, "starttls", "yes", user);
	config_free(cfg);
	free(u);
}

static void
test_wrong_password(void **state)
{
	char *u = url("smtp", port), *pw = xasprintf("%s/wrong", tmpdir);
	struct config *cfg = cfg_login(u);
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *words[] = {"535", "login refused", user, NULL};
	struct err err = {0};

	(void)state;
	write_file(pw, "not-the-password-4711\n");
	set(cfg, CONFIG_SMTP_PASSWORD_FILE, pw);
	send_fails(cfg, &m, ERR_IO, u, words);
	/* The message never holds the password. */
	assert_int_not_equal(mailout_send(cfg, &m, &err), 0);
	assert_null(strstr(err.msg, "4711"));
	config_free(cfg);
	free(pw);
	free(u);
}

/* The STARTTLS listener wants a login before MAIL. */
static void
test_login_required(void **state)
{
	char *u = url("smtp", port);
	struct config *cfg = cfg_for(u);
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *words[] = {"530", NULL};

	(void)state;
	set(cfg, CONFIG_SMTP_CAFILE, cafile);
	send_fails(cfg, &m, ERR_IO, u, words);
	config_free(cfg);
	free(u);
}

static void
test_untrusted_certificate(void **state)
{
	char *u = url("smtps", smtps_port);
	struct config *cfg = cfg_for(u);
	struct mail_message m = {"reports@example.org", to_one, 1, send_subject,
	    send_text, send_html};
	const char *words[] = {"not trusted", NULL};
	int n;

	(void)state;
	set(cfg, CONFIG_SMTP_USER, user);
	set(cfg, CONFIG_SMTP_PASSWORD_FILE, password_file);
	/* The system's CAs do not know the harness's. */
	send_fails(cfg, &m, ERR_IO, u, words);
	/* Without checks (a test setup) it goes. */
	set(cfg, CONFIG_SMTP_TLS_VERIFY, "no");
	n = mails();
	send_ok(cfg, &m);
	assert_int_equal(mails(), n + 1);
	config_free(cfg);
	free(u);
}

static void
test_recipient_refused(void **state)
{
	const char *to[] = {"postmaster@example.org", "reject-me@example.org"};
	char *u = url("smtp", port);
	struct config *cfg = cfg_login(u);
	struct mail_message m = {"reports@example.org", to, 2, "s", "t"};
	const char *words[] = {"550", "no such user", NULL};

	(void)state;
	send_fails(cfg, &m, ERR_IO, u, words);
	config_free(cfg);
	free(u);
}

/* A port nobody listens on: bound, never listening, so no one else can
 * take it while the test runs. */
static void
test_not_listening(void **state)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char p[16], *u;
	struct config *cfg;
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *words[] = {"cannot connect", "refused", NULL};

	(void)state;
	assert_true(fd >= 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(p, sizeof(p), "%u", ntohs(sa.sin_port));
	u = url("smtp", p);
	cfg = cfg_for(u);
	send_fails(cfg, &m, ERR_IO, u, words);
	config_free(cfg);
	free(u);
	close(fd);
}

/* A server that takes the connection and never greets: smtp_timeout. */
static void
test_timeout(void **state)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char p[16], *u;
	struct config *cfg;
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *words[] = {"no answer", NULL};
	struct timespec t0, t1;
	double secs;

	(void)state;
	assert_true(fd >= 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(p, sizeof(p), "%u", ntohs(sa.sin_port));
	u = url("smtp", p);
	cfg = cfg_for(u);
	set(cfg, CONFIG_SMTP_TIMEOUT, "1");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	send_fails(cfg, &m, ERR_IO, u, words);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs < 0.9 || secs > 5)
		fail_msg("gave up after %.2f s, want about 1", secs);
	config_free(cfg);
	free(u);
	close(fd);
}

/* Settings that cannot work are refused before any connection. */
static void
test_bad_settings(void **state)
{
	struct mail_message m = {"reports@example.org", to_one, 1, "s", "t"};
	const char *bad_to[] = {"a@example.org\r\nDATA"};
	struct mail_message bad = {"reports@example.org", bad_to, 1, "s", "t"};
	/* config_set() refuses most of these itself; a user in the URL
	 * gets through to mailout_send(). */
	const char *urls[] = {"http://127.0.0.1:25", "smtp://127.0.0.1:25/ehlo",
	    "smtp://127.0.0.1:25/?x=1", "smtp://user:secret@127.0.0.1:25",
	    "smtp://someone@127.0.0.1:25"};
	struct config *cfg;
	struct err err = {0};
	char *u = url("smtp", port);
	size_t i, tried = 0;

	(void)state;
	cfg = cfg_for(NULL);
	send_fails(cfg, &m, ERR_USAGE, "smtp_url", NULL);
	config_free(cfg);
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		cfg = config_new();
		/* Straight into the setting when config_set takes it. */
		if (config_set(cfg, CONFIG_SMTP_URL, urls[i], CONFIG_FROM_FLAG,
		        "test", &err) == 0) {
			assert_int_equal(
			    mailout_send(cfg, &m, &err), ERR_USAGE);
			assert_null(strstr(err.msg, "secret"));
			tried++;
		}
		config_free(cfg);
	}
	assert_true(tried >= 1);
	/* A user and no password, a password and no user. */
	cfg = cfg_for(u);
	set(cfg, CONFIG_SMTP_USER, user);
	send_fails(cfg, &m, ERR_USAGE, NULL, NULL);
	config_free(cfg);
	cfg = cfg_for(u);
	set(cfg, CONFIG_SMTP_PASSWORD_FILE, password_file);
	send_fails(cfg, &m, ERR_USAGE, NULL, NULL);
	config_free(cfg);
	/* A bad recipient never reaches RCPT TO. */
	cfg = cfg_login(u);
	send_fails(cfg, &bad, ERR_USAGE, NULL, NULL);
	config_free(cfg);
	free(u);
}

/* ------------------------------------------------------------------------ */

static const char *
need(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest build[] = {
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_qp),
	    cmocka_unit_test(test_crlf_input),
	    cmocka_unit_test(test_subject),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_to_folding),
	    cmocka_unit_test(test_text_only),
	    cmocka_unit_test(test_bad_addresses),
	    cmocka_unit_test(test_default_from),
	    cmocka_unit_test(test_body_limit),
	    cmocka_unit_test(test_worst_case),
	    cmocka_unit_test(test_report_subject),
	    cmocka_unit_test(test_report_recipients),
	};
	const struct CMUnitTest send[] = {
	    cmocka_unit_test(test_send_plain),
	    cmocka_unit_test(test_plain_needs_starttls),
	    cmocka_unit_test(test_send_starttls),
	    cmocka_unit_test(test_send_smtps),
	    cmocka_unit_test(test_two_recipients),
	    cmocka_unit_test(test_wrong_password),
	    cmocka_unit_test(test_login_required),
	    cmocka_unit_test(test_untrusted_certificate),
	    cmocka_unit_test(test_recipient_refused),
	    cmocka_unit_test(test_not_listening),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_bad_settings),
	};
	int rc;
	char *cmd;

	if (argc != 2 ||
	    (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "send") != 0)) {
		fprintf(stderr, "usage: test_mailout build|send\n");
		return 2;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmocka_run_group_tests_name(
		    "mailout build", build, NULL, NULL);

	maildir = need("SMTP_MAILDIR");
	host = need("SMTP_HOST");
	port = need("SMTP_PORT");
	plain_port = need("SMTP_PLAIN_PORT");
	smtps_port = need("SMTPS_PORT");
	user = need("SMTP_USER");
	password_file = need("SMTP_PASSWORD_FILE");
	cafile = need("SMTP_CAFILE");
	if (!maildir || !host || !port || !plain_port || !smtps_port || !user ||
	    !password_file || !cafile) {
		fprintf(stderr,
		    "test_mailout: no SMTP server: run me under "
		    "tests/harness/smtp run\n");
		return 77;
	}
	if (need("SMTP_PYTHON") != NULL)
		python = need("SMTP_PYTHON");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests_name("mailout send", send, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	free(cmd);
	return rc;
}
