/*
 * mailout.c: builds a mail (RFC 5322, MIME) and sends it through
 * SMTP with libcurl.  See mailout.h.
 */
#include "mailout.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "dynbuf.h"
#include "err.h"
#include "log.h"
#include "server_url.h"
#include "text.h"
#include "xalloc.h"

/* RFC 5321 allows 254 bytes in a path; servers must take 100 RCPTs. */
#define ADDR_MAX 254
#define RCPT_MAX 100
/* The subject is cut here (at a character): a line within RFC 5322's 998
 * even unencoded, and a mail client shows far less anyway. */
#define SUBJECT_MAX 900
/* Quoted-printable lines, soft break included (RFC 2045). */
#define QP_LINE 76
/* Headers are folded to this where they can be (RFC 5322 2.1.1). */
#define HEADER_LINE 78
/* Bytes of subject per encoded-word: 52 base64 characters, so that
 * "Subject: =?UTF-8?B?...?=" stays within 76. */
#define EW_BYTES 39
#define BOUNDARY_TRIES 8
/* Each body, before encoding: a report far larger is a mistake, and the
 * encoded mail must still fit what servers take (often 25 to 50 MiB). */
#define BODY_MAX (16 * 1024 * 1024)

/* ------------------------------------------------------------------------
 * The buffers of the message: dynbufs made with the ceiling their inputs
 * can need (qp_max(), mail_max()), so that an append past it is a bug
 * here, not an input.  The first one past it is remembered and the build
 * fails with ERR_LIMIT, rather than every append being checked. */

/* Bytes of the headers, all but the bodies: 100 folded recipients of 254
 * bytes, an encoded subject of SUBJECT_MAX, Date, From, Message-ID and
 * the MIME headers and delimiters. */
#define HEAD_MAX (64 * 1024)

struct buf {
	struct dynbuf d;
	int over; /* an append did not fit */
};

/* Quoted-printable of n bytes: at most 3 a byte and a soft break (3) per
 * 25 encoded bytes of a line, under 4 a byte. */
static size_t
qp_max(size_t n)
{
	return 4 * n + 3;
}

/* The whole mail, for bodies of tn and hn bytes (both at most BODY_MAX). */
static size_t
mail_max(size_t tn, size_t hn)
{
	return HEAD_MAX + qp_max(tn) + qp_max(hn);
}

static void
buf_add(struct buf *b, const void *s, size_t n)
{
	if (dynbuf_add(&b->d, s, n) < 0)
		b->over = 1;
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_fmt(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (dynbuf_vprintf(&b->d, fmt, ap) < 0)
		b->over = 1;
	va_end(ap);
}

/* ------------------------------------------------------------------------
 * Randomness for the boundary and the Message-ID: unique, not secret. */

static void
random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];
	size_t i;

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	if (getrandom(r, nbytes, 0) != (ssize_t)nbytes) {
		/* No entropy source: time and pid still make it unlikely to
		 * repeat, and the boundary is checked against the bodies. */
		struct timespec ts;
		unsigned long long x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (unsigned long long)ts.tv_nsec * 6364136223846793005ULL ^
		    (unsigned long long)ts.tv_sec ^
		    ((unsigned long long)getpid() << 32);
		for (i = 0; i < nbytes; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			r[i] = (unsigned char)(x >> 56);
		}
	}
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

/* ------------------------------------------------------------------------
 * Addresses. */

/* check_addr: a plain addr-spec we can put in a header and in the SMTP
 * dialogue as it is: printable ASCII, one '@' with text on both sides, and
 * none of the characters that would end or split it there (CR, LF, space,
 * '<', '>', ',', quotes, parentheses).  Non-ASCII needs SMTPUTF8, which we
 * do not speak. */
static int
check_addr(const char *what, const char *a, struct err *err)
{
	char shown[80];
	const char *at;
	size_t i, n;

	if (a == NULL || a[0] == '\0')
		return err_set(err, ERR_USAGE, "mail: empty %s address", what);
	text_printable(a, shown, sizeof(shown));
	n = strlen(a);
	if (n > ADDR_MAX)
		return err_set(err, ERR_USAGE,
		    "mail: %s address '%s' is longer than %d bytes", what,
		    shown, ADDR_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= ' ' || c >= 0x7f || strchr("<>,\"()\\;:[]", c))
			return err_set(err, ERR_USAGE,
			    "mail: %s address '%s' holds a character not "
			    "allowed in a plain address (byte %zu)",
			    what, shown, i + 1);
	}
	at = strchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@'))
		return err_set(err, ERR_USAGE,
		    "mail: %s address '%s' is not local@domain", what, shown);
	return 0;
}

/* default_from: dmarcsift@ the host name; the caller's. */
static char *
default_from(void)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (host[0] == '\0' || strlen(host) > 200 ||
	    host[strspn(host,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789.-")] != '\0')
		return xstrdup("dmarcsift@localhost");
	return xasprintf("dmarcsift@%s", host);
}

/* ------------------------------------------------------------------------
 * Headers. */

static void
header_date(struct buf *b, int64_t now)
{
	static const char *const days[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	time_t t;

	/* Years 1970 to 9999: what a four-digit year can say. */
	if (now < 0)
		now = 0;
	if (now > 253402300799LL)
		now = 253402300799LL;
	t = (time_t)now;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	buf_fmt(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* header_to: "To: a, b", folded after a comma before a line grows past
 * HEADER_LINE. */
static void
header_to(struct buf *b, const char *const *to, size_t nto)
{
	size_t i, col;

	buf_str(b, "To: ");
	buf_str(b, to[0]);
	col = 4 + strlen(to[0]);
	for (i = 1; i < nto; i++) {
		size_t n = strlen(to[i]);

		if (col + 2 + n > HEADER_LINE) {
			buf_str(b, ",\r\n ");
			col = 1;
		} else {
			buf_str(b, ", ");
			col += 2;
		}
		buf_str(b, to[i]);
		col += n;
	}
	buf_str(b, "\r\n");
}

/* clean_subject: s as one line of valid UTF-8, at most SUBJECT_MAX bytes,
 * without leading or trailing blanks: a control character (a line break
 * would start a header of its own) becomes a space, a byte that is not
 * UTF-8 becomes U+FFFD.  The caller's. */
static char *
clean_subject(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), o = 0, start = 0;
	char *out = xmalloc(SUBJECT_MAX + 1);

	while (*p != '\0') {
		size_t n = utf8_seq_len(p, len);
		const char *add = (const char *)p;
		size_t addn = n;

		if (n == 0) {
			add = "\xef\xbf\xbd";
			addn = 3;
			n = 1;
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			add = " ";
		}
		if (o + addn > SUBJECT_MAX)
			break;
		memcpy(out + o, add, addn);
		o += addn;
		p += n;
		len -= n;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	while (start < o && out[start] == ' ')
		start++;
	memmove(out, out + start, o - start);
	out[o - start] = '\0';
	return out;
}

static void
base64(struct buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = {tab[s[i] >> 2],
		    tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
		    tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)],
		    tab[s[i + 2] & 63]};
		buf_add(b, q, 4);
	}
	if (n - i == 1) {
		char q[4] = {tab[s[i] >> 2], tab[(s[i] & 3) << 4], '=', '='};
		buf_add(b, q, 4);
	} else if (n - i == 2) {
		char q[4] = {tab[s[i] >> 2],
		    tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)],
		    tab[(s[i + 1] & 15) << 2], '='};
		buf_add(b, q, 4);
	}
}

/* header_subject: plain ASCII folded at blanks; anything else (non-ASCII,
 * or "=?" that a reader would take for an encoded-word) as RFC 2047
 * encoded-words, one a line, each holding whole characters. */
static void
header_subject(struct buf *b, const char *subject)
{
	char *s = clean_subject(subject);
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, col;
	size_t run = 0;
	int encode = strstr(s, "=?") != NULL;

	/* Non-ASCII, or a token (blanks, then a word) too long to fold
	 * into HEADER_LINE: only encoded-words can be cut anywhere. */
	for (i = 0; i < n && !encode; i++) {
		if (s[i] == ' ' && i > 0 && s[i - 1] != ' ')
			run = 0;
		run++;
		if (u[i] >= 0x80 || run > HEADER_LINE - 10)
			encode = 1;
	}
	buf_str(b, "Subject:");
	col = 8;
	i = 0;
	if (!encode) {
		/* Tokens of blanks then non-blanks, a fold before one (folding
		 * is a CRLF put before white space); the first token comes
		 * after the space that follows the colon. */
		while (i < n) {
			size_t j = i;

			while (j < n && s[j] == ' ')
				j++;
			while (j < n && s[j] != ' ')
				j++;
			if (i == 0) {
				buf_str(b, " ");
				col++;
			} else if (col + (j - i) > HEADER_LINE) {
				buf_str(b, "\r\n");
				col = 0;
			}
			buf_add(b, s + i, j - i);
			col += j - i;
			i = j;
		}
	} else {
		while (i < n) {
			size_t j = i;

			/* Whole characters only: a decoder may take each
			 * encoded-word on its own (RFC 2047 5). */
			while (j < n) {
				size_t k = utf8_seq_len(u + j, n - j);

				if (k == 0)
					k = 1; /* cannot happen: cleaned */
				if (j + k - i > EW_BYTES)
					break;
				j += k;
			}
			buf_str(b, i == 0 ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?");
			base64(b, u + i, j - i);
			buf_str(b, "?=");
			i = j;
		}
	}
	buf_str(b, "\r\n");
	free(s);
}

/* ------------------------------------------------------------------------
 * Bodies. */

/* line_end: whether s[i] starts a line end (LF or CRLF) or is past the
 * end. */
static int
line_end(const unsigned char *s, size_t i, size_t n)
{
	return i >= n || s[i] == '\n' ||
	    (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

/*
 * qp_encode: text (LF or CRLF line ends) as quoted-printable with CRLF
 * line ends, no line longer than QP_LINE.  Besides what RFC 2045 asks
 * ('=', non-ASCII, controls, blanks before a line end), a '.' or "From "
 * that starts a line, soft breaks included, is encoded too: no SMTP
 * dot-stuffing or mbox "From " quoting can touch the text.
 */
static void
qp_encode(struct buf *b, const char *text, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, col = 0;

	while (i < n) {
		unsigned char c = s[i];
		char tok[3];
		size_t tl;
		int lit;

		if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			buf_add(b, "\r\n", 2);
			col = 0;
			i += c == '\r' ? 2 : 1;
			continue;
		}
		lit = (c > ' ' && c < 0x7f && c != '=') ||
		    ((c == ' ' || c == '\t') && !line_end(s, i + 1, n));
		if (col == 0 &&
		    (c == '.' ||
		        (c == 'F' && n - i >= 5 &&
		            memcmp(s + i, "From ", 5) == 0)))
			lit = 0;
		if (lit) {
			tok[0] = (char)c;
			tl = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			tl = 3;
		}
		/* One column kept for the '=' of a soft break. */
		if (col + tl > QP_LINE - 1) {
			buf_add(b, "=\r\n", 3);
			col = 0;
			continue; /* encoded again: it starts a line now */
		}
		buf_add(b, tok, tl);
		col += tl;
		i++;
	}
}

static int
mem_has(const struct buf *b, const char *needle)
{
	return b->d.len > 0 &&
	    memmem(b->d.p, b->d.len, needle, strlen(needle)) != NULL;
}

static void
part_headers(struct buf *b, const char *type)
{
	buf_fmt(b,
	    "Content-Type: text/%s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n",
	    type);
}

/* ------------------------------------------------------------------------
 * Building. */

int
mailout_build(const struct mail_message *m, int64_t now, char **out,
    size_t *outlen, struct err *err)
{
	struct buf b = {0}, text = {0}, html = {0};
	int rc = 0;
	char rnd[2 * 16 + 1], boundary[64], *from_owned = NULL;
	const char *from, *domain;
	size_t i, tn, hn = 0;
	int tries;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (m == NULL || m->text == NULL)
		return err_set(err, ERR_USAGE, "mail: no text to send");
	if (m->nto == 0 || m->to == NULL)
		return err_set(err, ERR_USAGE, "mail: no recipient");
	if (m->nto > RCPT_MAX)
		return err_set(err, ERR_USAGE,
		    "mail: %zu recipients, at most %d in one mail", m->nto,
		    RCPT_MAX);
	for (i = 0; i < m->nto; i++)
		if (check_addr("recipient", m->to[i], err))
			return err->code;
	from = m->from;
	if (from == NULL)
		from = from_owned = default_from();
	if (check_addr("sender", from, err)) {
		free(from_owned);
		return err->code;
	}
	tn = strlen(m->text);
	if (m->html != NULL)
		hn = strlen(m->html);
	if (tn > BODY_MAX || hn > BODY_MAX) {
		free(from_owned);
		return err_set(err, ERR_LIMIT,
		    "mail: the %s is %zu bytes, more than the %d a mail may "
		    "hold",
		    tn > BODY_MAX ? "text" : "HTML", tn > BODY_MAX ? tn : hn,
		    BODY_MAX);
	}

	dynbuf_init(&text.d, qp_max(tn));
	dynbuf_init(&html.d, qp_max(hn));
	dynbuf_init(&b.d, mail_max(tn, hn));
	qp_encode(&text, m->text, tn);
	if (m->html != NULL)
		qp_encode(&html, m->html, hn);
	/* "=_" cannot occur in quoted-printable ('=' is always followed by
	 * hex digits or a line end), so the first try always fits; the check
	 * keeps it true should the encoding ever change. */
	for (tries = 0;; tries++) {
		random_hex(rnd, 12);
		snprintf(boundary, sizeof(boundary), "=_dmarcsift_%s", rnd);
		if (!mem_has(&text, boundary) && !mem_has(&html, boundary))
			break;
		if (tries + 1 >= BOUNDARY_TRIES) {
			rc = err_set(err, ERR_MALFORMED,
			    "mail: no MIME boundary found that the bodies do "
			    "not hold");
			goto out;
		}
	}

	header_date(&b, now);
	buf_fmt(&b, "From: %s\r\n", from);
	header_to(&b, m->to, m->nto);
	header_subject(&b, m->subject);
	/* The sender's domain makes the id unique world-wide, as far as
	 * the sender's own mail goes. */
	domain = strchr(from, '@') + 1;
	random_hex(rnd, 16);
	buf_fmt(
	    &b, "Message-ID: <%s.%lld@%s>\r\n", rnd, (long long)now, domain);
	/* RFC 3834: no vacation replies to a robot. */
	buf_str(&b, "Auto-Submitted: auto-generated\r\n");
	buf_str(&b, "MIME-Version: 1.0\r\n");
	if (m->html == NULL) {
		part_headers(&b, "plain");
		buf_str(&b, "\r\n");
		buf_add(&b, dynbuf_str(&text.d), text.d.len);
		/* The mail must end in CRLF; a soft break adds none to the
		 * text. */
		if (text.d.len > 0 &&
		    (text.d.len < 2 ||
		        memcmp(text.d.p + text.d.len - 2, "\r\n", 2) != 0))
			buf_str(&b, "=\r\n");
	} else {
		buf_fmt(&b,
		    "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n"
		    "\r\n"
		    "This is a MIME message: the same report as text and as "
		    "HTML.\r\n",
		    boundary);
		/* The CRLF before each delimiter belongs to the delimiter, so
		 * each body ends exactly where the text ended. */
		buf_fmt(&b, "\r\n--%s\r\n", boundary);
		part_headers(&b, "plain");
		buf_str(&b, "\r\n");
		buf_add(&b, dynbuf_str(&text.d), text.d.len);
		buf_fmt(&b, "\r\n--%s\r\n", boundary);
		part_headers(&b, "html");
		buf_str(&b, "\r\n");
		buf_add(&b, dynbuf_str(&html.d), html.d.len);
		buf_fmt(&b, "\r\n--%s--\r\n", boundary);
	}
	if (b.over || text.over || html.over) {
		rc = err_set(err, ERR_LIMIT,
		    "mail: the mail would be more than the %zu bytes its "
		    "bodies can need",
		    mail_max(tn, hn));
		goto out;
	}
	*out = dynbuf_take(&b.d, outlen);
out:
	dynbuf_free(&b.d);
	dynbuf_free(&text.d);
	dynbuf_free(&html.d);
	free(from_owned);
	return rc;
}

/* ------------------------------------------------------------------------
 * Sending. */

static int curl_ready;

/* The server's last refusal (a 4xx or 5xx line), for the message when
 * it fails: only what came in is looked at; what went out holds the
 * credentials.  Lines after it (221 to our QUIT) do not replace it. */
struct reply {
	char last[256];
};

/* A 4xx or 5xx reply line, whole. */
static const char *
refusal(const char *line, size_t n)
{
	if (n >= 3 && (line[0] == '4' || line[0] == '5') && line[1] >= '0' &&
	    line[1] <= '9' && line[2] >= '0' && line[2] <= '9')
		return line;
	return NULL;
}

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct reply *r = arg;

	(void)h;
	if (type == CURLINFO_HEADER_IN)
		text_line_keep(data, size, refusal, r->last, sizeof(r->last));
	return 0;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* send_error: the message for a failed transfer; it names the server and,
 * when it refused, the code and line it answered with. */
static int
send_error(CURL *h, CURLcode rc, const char *errbuf, const char *where,
    const char *user, const char *cafile, const struct reply *r,
    struct err *err)
{
	const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	char said[sizeof(r->last) + 32] = "";
	long code = 0, oserr = 0;

	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	/* The refusal's text when it is the one libcurl failed on (an
	 * earlier one may have been tolerated, as a mechanism libcurl then
	 * did without). */
	if (code >= 400 && code <= 599) {
		char c[24];

		snprintf(c, sizeof(c), "%ld", code);
		if (strncmp(r->last, c, 3) == 0)
			snprintf(said, sizeof(said), "%s", r->last);
		else
			snprintf(said, sizeof(said), "%ld", code);
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(
		    err, ERR_IO, "smtp: cannot resolve %s: %s", where, detail);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
		return err_set(err, ERR_IO, "smtp: cannot connect to %s: %s",
		    where, oserr ? strerror((int)oserr) : detail);
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(err, ERR_IO,
		    "smtp: no answer from %s in time: %s", where, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
		if (cafile != NULL)
			return err_set(err, ERR_IO,
			    "smtp: TLS certificate of %s not trusted by CA "
			    "file %s: %s",
			    where, cafile, detail);
		return err_set(err, ERR_IO,
		    "smtp: TLS certificate of %s not trusted by the system CA "
		    "bundle: %s; name the CA file that signed it "
		    "(smtp_cafile)",
		    where, detail);
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(err, ERR_IO, "smtp: cannot use CA file %s: %s",
		    cafile ? cafile : "(system bundle)", detail);
	case CURLE_SSL_CONNECT_ERROR:
		return err_set(err, ERR_IO,
		    "smtp: TLS handshake with %s failed: %s", where, detail);
	case CURLE_USE_SSL_FAILED:
		return err_set(err, ERR_IO,
		    "smtp: %s offers no STARTTLS: not sending without TLS "
		    "(use smtps://, or smtp_allow_plain for a test setup)",
		    where);
	case CURLE_LOGIN_DENIED:
		return err_set(err, ERR_IO,
		    "smtp: login refused for user %s at %s: %s", user, where,
		    said[0] ? said : detail);
	case CURLE_WEIRD_SERVER_REPLY:
		return err_set(err, ERR_IO,
		    "smtp: %s does not answer like an SMTP server: %s", where,
		    detail);
	default:
		if (said[0])
			return err_set(err, ERR_IO,
			    "smtp: %s refused the mail: %s", where, said);
		return err_set(err, ERR_IO, "smtp: cannot send through %s: %s",
		    where, detail);
	}
}

int
mailout_send(
    const struct config *cfg, const struct mail_message *m, struct err *err)
{
	const char *url = config_str(cfg, CONFIG_SMTP_URL);
	const char *user = config_str(cfg, CONFIG_SMTP_USER);
	const char *cafile = config_str(cfg, CONFIG_SMTP_CAFILE);
	long timeout = (long)config_int(cfg, CONFIG_SMTP_TIMEOUT);
	int verify = config_bool(cfg, CONFIG_SMTP_TLS_VERIFY);
	/* "smtps://" and host:port: where always fits. */
	char where[600], hostport[580], errbuf[CURL_ERROR_SIZE];
	char user_shown[80] = "";
	char *password = NULL, *msg = NULL, *from_owned = NULL, *rc_addr;
	struct curl_slist *rcpts = NULL;
	struct mail_message mm;
	struct upload up;
	struct reply reply = {""};
	CURL *h = NULL;
	CURLcode rc;
	size_t len, i;
	int tls = 0, ret = 0;

	if (url == NULL)
		return err_set(
		    err, ERR_USAGE, "smtp: no server url: set smtp_url");
	if (server_url_check(
	        url, "smtp", &tls, hostport, sizeof(hostport), err))
		return err->code;
	snprintf(
	    where, sizeof(where), "%s://%s", tls ? "smtps" : "smtp", hostport);
	if (user != NULL) {
		for (i = 0; user[i]; i++)
			if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f)
				return err_set(err, ERR_USAGE,
				    "smtp: smtp_user holds a control "
				    "character");
		text_printable(user, user_shown, sizeof(user_shown));
		if (config_smtp_password(cfg, &password, err))
			return err_prefix(err, "smtp");
		if (password == NULL)
			return err_set(err, ERR_USAGE,
			    "smtp: smtp_user is set but no password: set "
			    "smtp_password_file or smtp_password_env");
	} else if (config_str(cfg, CONFIG_SMTP_PASSWORD_FILE) != NULL ||
	    config_str(cfg, CONFIG_SMTP_PASSWORD_ENV) != NULL) {
		return err_set(err, ERR_USAGE,
		    "smtp: a password is set but no smtp_user to log in with");
	}

	mm = *m;
	if (mm.from == NULL)
		mm.from = config_str(cfg, CONFIG_SMTP_FROM);
	if (mm.from == NULL)
		mm.from = from_owned = default_from();
	if (mailout_build(&mm, clock_now(), &msg, &len, err)) {
		ret = err->code;
		goto out;
	}
	for (i = 0; i < mm.nto; i++) {
		struct curl_slist *n;

		rc_addr = xasprintf("<%s>", mm.to[i]);
		n = curl_slist_append(rcpts, rc_addr);
		free(rc_addr);
		if (n == NULL) {
			ret = err_set(err, ERR_IO, "smtp: out of memory");
			goto out;
		}
		rcpts = n;
	}

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			ret =
			    err_set(err, ERR_IO, "smtp: cannot set up libcurl");
			goto out;
		}
		curl_ready = 1;
	}
	h = curl_easy_init();
	if (h == NULL) {
		ret = err_set(err, ERR_IO, "smtp: cannot set up libcurl");
		goto out;
	}
	up.p = msg;
	up.left = len;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, where);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	    config_bool(cfg, CONFIG_SMTP_ALLOW_PLAIN) ? (long)CURLUSESSL_TRY
	                                              : (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (cafile != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, cafile);
	if (user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password);
	}
	rc_addr = xasprintf("<%s>", mm.from);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, rc_addr);
	free(rc_addr); /* libcurl keeps a copy of string options */
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	/* Only to keep the server's last line; see debug_cb. */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &reply);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

	log_debug("smtp: sending %zu bytes to %zu recipient%s through %s%s%s",
	    len, mm.nto, mm.nto == 1 ? "" : "s", where, user ? " as " : "",
	    user ? user_shown : "");
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		ret = send_error(
		    h, rc, errbuf, where, user_shown, cafile, &reply, err);
		goto out;
	}
	log_info("smtp: sent the mail to %zu recipient%s through %s", mm.nto,
	    mm.nto == 1 ? "" : "s", where);
out:
	if (h != NULL)
		curl_easy_cleanup(h);
	curl_slist_free_all(rcpts);
	config_secret_free(password);
	free(msg);
	free(from_owned);
	return ret;
}
