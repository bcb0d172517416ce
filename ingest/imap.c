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
 * what arrived.  Both are imap_resp.c, which sees only bytes (and is
 * fuzzed on its own: fuzz/fuzz_imap.c).
 */
#include "imap.h"
#include "imap_resp.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "server_url.h"
#include "text.h"
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
	CAP_MOVE = IMAP_RESP_CAP_MOVE,
	CAP_UIDPLUS = IMAP_RESP_CAP_UIDPLUS,
	CAP_IDLE = IMAP_RESP_CAP_IDLE,
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
	struct imap_resp r; /* the answer to the last command */
	unsigned char in[16384];
	size_t in_pos, in_len;
};

static int curl_ready;

/* ------------------------------------------------------------------------
 * Small helpers. */

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
			text_printable_n(name, len, shown, sizeof(shown));
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
			    im->where, what, im->r.bye[0] ? ": " : "",
			    im->r.bye);
		if (rc != CURLE_AGAIN)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot read from %s (%s): %s", im->where,
			    what, curl_easy_strerror(rc));
		if (wait_socket(im, POLLIN, what, err))
			return err->code;
	}
}

/*
 * feed: what is in im->in, and more from the server, into the answer begun
 * in im->r, until its tagged line (0) or, when im->r.cont is set, its
 * continuation request (IMAP_RESP_CONT).
 */
static int
feed(struct imap *im, size_t max, const char *what, struct err *err)
{
	struct imap_resp *r = &im->r;

	for (;;) {
		size_t used = 0;
		int rc;

		if (im->in_pos == im->in_len && fill(im, what, err))
			return err->code;
		rc = imap_resp_feed(
		    r, im->in + im->in_pos, im->in_len - im->in_pos, &used);
		im->in_pos += used;
		switch (rc) {
		case IMAP_RESP_MORE:
			continue;
		case IMAP_RESP_DONE:
			return 0;
		case IMAP_RESP_CONT:
			return IMAP_RESP_CONT;
		case IMAP_RESP_E_LIMIT:
			if (r->literal > 0)
				return mark_broken(im, err, ERR_LIMIT,
				    "imap: answer from %s to %s is over the "
				    "limit of %zu bytes (a literal of %llu)",
				    im->where, what, max,
				    (unsigned long long)r->literal);
			return mark_broken(im, err, ERR_LIMIT,
			    "imap: answer from %s to %s is over the limit of "
			    "%zu bytes",
			    im->where, what, max);
		case IMAP_RESP_E_STATUS:
			return mark_broken(im, err, ERR_IO,
			    "imap: strange answer from %s to %s: '%s'",
			    im->where, what, r->text);
		default:
			return mark_broken(im, err, ERR_IO,
			    "imap: unexpected line from %s in the answer to "
			    "%s: '%s'",
			    im->where, what, r->text);
		}
	}
}

/*
 * read_response: reads the answer to the command tagged tag into im->r
 * (imap_resp.c splits it).  At most max bytes; more is ERR_LIMIT and
 * breaks the connection, since the rest is not read.
 */
static int
read_response(struct imap *im, const char *tag, size_t max, const char *what,
    struct err *err)
{
	imap_resp_begin(&im->r, tag, max);
	return feed(im, max, what, err);
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
	text_printable(body, what, sizeof(what));
	log_debug("imap: %s: > %s %s", im->where, tag, what);
	if (send_all(im, line, (size_t)n, what, err) ||
	    read_response(im, tag, max, what, err))
		return err->code;
	log_debug("imap: %s: < %s %s %s (%zu untagged, %zu bytes)", im->where,
	    tag, im->r.status, im->r.text, im->r.n, im->r.buf.len);
	note_changes(im);
	return 0;
}

static int
resp_ok(const struct imap *im)
{
	return strcmp(im->r.status, "OK") == 0;
}

/* ------------------------------------------------------------------------
 * Reading answers: imap_resp.c does it; these name what is asked here. */

static int
untagged(const struct imap *im, size_t i, const char *word, struct imap_cur *c)
{
	return imap_resp_untagged(&im->r, i, word, c);
}

static int
numbered(const struct imap *im, size_t i, const char *word, uint32_t *num,
    struct imap_cur *c)
{
	return imap_resp_numbered(&im->r, i, word, num, c);
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
	im->changes += imap_resp_changes(&im->r, &im->exists);
}

static int
bad_answer(struct imap *im, const char *what, struct err *err)
{
	return mark_broken(im, err, ERR_IO,
	    "imap: cannot parse the answer from %s to %s", im->where, what);
}

/* ------------------------------------------------------------------------
 * Login. */

/* The text of a tagged NO or BAD. */
static const char *
refusal(const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n), *t;
	size_t tn;

	if (sp == NULL || line[0] == '*' || line[0] == '+')
		return NULL;
	t = sp + 1;
	tn = n - (size_t)(t - line);
	if (tn >= 3 && memcmp(t, "NO ", 3) == 0)
		return t + 3;
	if (tn >= 4 && memcmp(t, "BAD ", 4) == 0)
		return t + 4;
	return NULL;
}

/* The server's lines during login pass here (CURLOPT_DEBUGFUNCTION): keep
 * the text of the last NO or BAD, for the message.  Only what came in is
 * looked at; what went out holds the credentials. */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct imap *im = arg;

	(void)h;
	if (type == CURLINFO_HEADER_IN)
		text_line_keep(data, size, refusal, im->login_text,
		    sizeof(im->login_text));
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
	if (command(im, ceiling(im, RESPONSE_MAX), err, "CAPABILITY"))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: CAPABILITY refused by %s: %s", im->where,
		    im->r.text);
	im->caps = imap_resp_caps(&im->r);
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
	if (server_url_check(
	        o->url, "imap", &tls, im->where, sizeof(im->where), err)) {
		free(im);
		return err->code;
	}
	/* where is shorter than url: it always fits. */
	snprintf(
	    url, sizeof(url), "%s://%s/", tls ? "imaps" : "imap", im->where);
	text_printable(o->user, im->user, sizeof(im->user));
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
	if (rc == CURLE_LOGIN_DENIED && o->oauth2_token != NULL &&
	    o->oauth2_renew != NULL) {
		const char *fresh;

		/* A token can expire or be revoked before its time: one more
		 * try with a new one, then the refusal stands. */
		log_info("imap: %s refused the OAuth2 token; trying once with "
		         "a fresh one",
		    im->where);
		if (o->oauth2_renew(o->oauth2_arg, &fresh, err) < 0 ||
		    check_text("OAuth2 token", fresh, err)) {
			curl_easy_cleanup(im->curl);
			free(im);
			return err->code;
		}
		im->login_text[0] = '\0';
		errbuf[0] = '\0';
		curl_easy_setopt(im->curl, CURLOPT_XOAUTH2_BEARER, fresh);
		rc = curl_easy_perform(im->curl);
	}
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
	imap_resp_free(&im->r);
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

int
imap_has_idle(const struct imap *im)
{
	return (im->caps & CAP_IDLE) != 0;
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
	const unsigned char *name;
	struct imap_cur c;
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
		if (!imap_resp_list(
		        &im->r, i, sep, &name, &n, tmp, sizeof(tmp)))
			return bad_answer(im, "LIST", err);
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
	char tmp[MBOX_Q_SIZE], sep;
	const unsigned char *s;
	size_t i, n;

	*found = 0;
	if (command(im, ceiling(im, RESPONSE_MAX), err, "LIST \"\" %s", q))
		return err->code;
	if (!resp_ok(im))
		return 0;
	for (i = 0; i < im->r.n; i++) {
		if (!imap_resp_list(&im->r, i, &sep, &s, &n, tmp, sizeof(tmp)))
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
	if (resp_ok(im) || imap_resp_code(im->r.text, "ALREADYEXISTS") != NULL)
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
	imap_resp_select(&im->r, &s.exists, &s.uidvalidity, &s.uidnext);
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
	*uids = NULL;
	*n = 0;
	if (command(
	        im, ceiling(im, SEARCH_MAX), err, "UID SEARCH %s", criteria))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot search mailbox %s: %s", mailbox, im->r.text);
	imap_resp_search(&im->r, uids, n);
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
	struct imap_fetch f;
	struct imap_cur c;
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
		if (!imap_resp_fetch(&c, &f)) {
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

/* What one_fetch() found. */
enum { FETCH_NONE, FETCH_FOUND, FETCH_GONE };

/*
 * one_fetch: sends cmd, a UID FETCH or UID STORE (verb) of uid whose
 * answer is a FETCH response about it, and finds the one with what want()
 * needs, into *f (its strings point into the response: valid until the
 * next command).  When none came and the mailbox changed meanwhile (an
 * EXPUNGE or EXISTS among the responses) it asks once more.  Returns
 * FETCH_FOUND, FETCH_NONE, FETCH_GONE when the server said the mail was
 * expunged (NO [EXPUNGEISSUED]), or an err code; another NO is "imap:
 * cannot DOING: its text".
 */
static int
one_fetch(struct imap *im, size_t limit, const char *verb, const char *cmd,
    uint32_t uid, int (*want)(const struct imap_fetch *f), const char *doing,
    struct imap_fetch *f, struct err *err)
{
	struct imap_cur c;
	uint32_t seq;
	unsigned before;

	for (int again = 1;; again = 0) {
		before = im->changes;
		if (command(im, limit, err, "%s", cmd))
			return err->code;
		if (!resp_ok(im)) {
			if (imap_resp_code(im->r.text, "EXPUNGEISSUED") != NULL)
				return FETCH_GONE;
			return err_set(err, ERR_IO, "imap: cannot %s: %s",
			    doing, im->r.text);
		}
		for (size_t i = 0; i < im->r.n; i++) {
			if (!numbered(im, i, "FETCH", &seq, &c))
				continue;
			if (!imap_resp_fetch(&c, f))
				return bad_answer(im, verb, err);
			if (f->has_uid && f->uid == uid && want(f))
				return FETCH_FOUND;
		}
		if (!again || im->changes == before)
			return FETCH_NONE;
	}
}

/* What one_fetch() looks for: the body, the size and date, the flags. */
static int
has_body(const struct imap_fetch *f)
{
	return f->has_body;
}

static int
has_size_date(const struct imap_fetch *f)
{
	return f->has_size && f->has_date;
}

static int
has_flags(const struct imap_fetch *f)
{
	return f->has_flags;
}

int
imap_fetch(struct imap *im, const char *mailbox, uint32_t uid, size_t max_bytes,
    unsigned char **buf, size_t *len, int *truncated, struct err *err)
{
	struct imap_fetch f;
	char cmd[CMD_MAX], doing[CMD_MAX];
	size_t extra;
	int rc;

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
	snprintf(cmd, sizeof(cmd),
	    "UID FETCH %u (UID RFC822.SIZE BODY.PEEK[]<0.%zu>)", uid,
	    max_bytes);
	snprintf(
	    doing, sizeof(doing), "fetch uid %u from mailbox %s", uid, mailbox);
	rc = one_fetch(im, max_bytes + extra, "UID FETCH", cmd, uid, has_body,
	    doing, &f, err);
	if (rc < 0)
		return rc;
	if (rc != FETCH_FOUND)
		return IMAP_MISSING;
	if (f.body == NULL)
		return err_set(err, ERR_IO,
		    "imap: %s sent no text for uid %u in mailbox %s", im->where,
		    uid, mailbox);
	/* A server that ignores the <0.N> still gets cut. */
	*len = f.body_len < max_bytes ? f.body_len : max_bytes;
	*truncated = f.has_size ? f.size > *len : f.body_len >= max_bytes;
	*buf = xmalloc(*len + 1);
	memcpy(*buf, f.body, *len);
	(*buf)[*len] = '\0';
	return 0;
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
	struct imap_fetch f;
	char cmd[CMD_MAX], doing[CMD_MAX];
	int yes, rc;

	snprintf(cmd, sizeof(cmd), "UID STORE %u +FLAGS (%s)", uid, flag);
	snprintf(doing, sizeof(doing), "set %s on uid %u in mailbox %s", flag,
	    uid, mailbox);
	rc = one_fetch(im, ceiling(im, RESPONSE_MAX), "UID STORE", cmd, uid,
	    has_flags, doing, &f, err);
	if (rc < 0)
		return rc;
	if (rc == FETCH_GONE)
		return IMAP_MISSING;
	if (rc == FETCH_FOUND) {
		if ((strcmp(flag, "\\Seen") == 0 && !f.seen) ||
		    (strcmp(flag, "\\Deleted") == 0 && !f.deleted))
			return err_set(err, ERR_IO,
			    "imap: %s did not set %s on uid %u in mailbox %s",
			    im->where, flag, uid, mailbox);
		return 0;
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
	struct imap_cur c;
	size_t i;

	if (command(
	        im, ceiling(im, RESPONSE_MAX), err, "UID MOVE %u %s", uid, q))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO,
		    "imap: cannot move uid %u from mailbox %s to %s: %s", uid,
		    mailbox, dest, im->r.text);
	/* COPYUID comes in an untagged OK; an EXPUNGE tells too. */
	*moved = imap_resp_copyuid_has(im->r.text, uid);
	for (i = 0; i < im->r.n && !*moved; i++)
		*moved = numbered(im, i, "EXPUNGE", &seq, &c) ||
		    (imap_resp_ok_text(&im->r, i, text, sizeof(text)) &&
		        imap_resp_copyuid_has(text, uid));
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
	*copied =
	    !(im->caps & CAP_UIDPLUS) || imap_resp_copyuid_has(im->r.text, uid);
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

/* meta: size and INTERNALDATE of uid in the selected mailbox; *found 0
 * when it is not there. */
static int
meta(struct imap *im, const char *mailbox, uint32_t uid, struct imap_fetch *f,
    int *found, struct err *err)
{
	char cmd[CMD_MAX], doing[CMD_MAX];
	int rc;

	snprintf(cmd, sizeof(cmd),
	    "UID FETCH %u (UID RFC822.SIZE INTERNALDATE)", uid);
	snprintf(
	    doing, sizeof(doing), "fetch uid %u from mailbox %s", uid, mailbox);
	rc = one_fetch(im, ceiling(im, RESPONSE_MAX), "UID FETCH", cmd, uid,
	    has_size_date, doing, f, err);
	if (rc < 0)
		return rc;
	*found = rc == FETCH_FOUND;
	return 0;
}

/*
 * copy_in: whether dest holds a mail of size and INTERNALDATE date (and
 * with that Message-ID, if not NULL): the copy an earlier move made.
 * Leaves dest selected.
 */
static int
copy_in(struct imap *im, const char *dest, uint64_t size, const char *date,
    const char *message_id, int *yes, struct err *err)
{
	char crit[CMD_MAX - 64], set[CMD_MAX - 64];
	struct imap_fetch f;
	struct imap_cur c;
	uint32_t *u, seq;
	size_t i, n, k, first;
	int len;

	*yes = 0;
	if (select_mailbox(im, dest, 0, NULL, err))
		return err->code;
	len = snprintf(
	    crit, sizeof(crit), "SMALLER %llu", (unsigned long long)size + 1);
	if (size > 0)
		len += snprintf(crit + len, sizeof(crit) - (size_t)len,
		    " LARGER %llu", (unsigned long long)size - 1);
	/* Only a plain one: a Message-ID is printable ASCII already. */
	if (message_id != NULL && strlen(message_id) < 500 &&
	    strpbrk(message_id, " \"\\") == NULL)
		snprintf(crit + len, sizeof(crit) - (size_t)len,
		    " HEADER Message-ID \"%s\"", message_id);
	if (search_uids(im, dest, crit, &u, &n, err))
		return err->code;
	/* The newest 40 are enough: a copy is as new as the move. */
	first = n > 40 ? n - 40 : 0;
	for (i = first, k = 0; i < n; i++)
		k += (size_t)snprintf(set + k, sizeof(set) - k, "%s%u",
		    i > first ? "," : "", u[i]);
	free(u);
	if (n == 0)
		return 0;
	if (command(im, ceiling(im, RESPONSE_MAX), err,
	        "UID FETCH %s (UID RFC822.SIZE INTERNALDATE)", set))
		return err->code;
	if (!resp_ok(im))
		return err_set(err, ERR_IO, "imap: cannot list mailbox %s: %s",
		    dest, im->r.text);
	for (i = 0; i < im->r.n; i++) {
		if (!numbered(im, i, "FETCH", &seq, &c))
			continue;
		if (!imap_resp_fetch(&c, &f))
			return bad_answer(im, "UID FETCH", err);
		if (f.has_size && f.has_date && f.size == size &&
		    strcmp(f.date, date) == 0) {
			*yes = 1;
			break;
		}
	}
	return 0;
}

int
imap_move_again(struct imap *im, const char *mailbox, uint32_t uid,
    const char *dest, const char *message_id, struct err *err)
{
	char q[MBOX_Q_SIZE];
	struct imap_fetch f;
	int found, yes, rc;

	if (uid == 0)
		return err_set(err, ERR_USAGE, "imap: uid 0 does not exist");
	if (mbox_arg(dest, q, NULL, err) ||
	    select_mailbox(im, mailbox, 1, NULL, err) ||
	    meta(im, mailbox, uid, &f, &found, err))
		return err->code;
	if (!found) {
		if (present(im, mailbox, uid, &yes, err))
			return err->code;
		if (!yes)
			return IMAP_MISSING; /* the earlier move happened */
		return err_set(err, ERR_IO,
		    "imap: %s gave no size and date for uid %u in mailbox %s",
		    im->where, uid, mailbox);
	}
	if (copy_in(im, dest, f.size, f.date, message_id, &yes, err) ||
	    select_mailbox(im, mailbox, 1, NULL, err))
		return err->code;
	if (!yes)
		return imap_move(im, mailbox, uid, dest, err);
	/* Copied, not removed: remove it, or dest would hold it twice. */
	log_debug("imap: %s: uid %u of %s is in %s already (an earlier move "
	          "copied it): removing the original",
	    im->where, uid, mailbox, dest);
	rc = add_flag(im, mailbox, uid, "\\Deleted", err);
	if (rc != 0)
		return rc;
	if (!(im->caps & CAP_UIDPLUS))
		return IMAP_KEPT;
	rc = expunge_one(im, mailbox, uid, err);
	return rc < 0 ? rc : IMAP_FINISHED;
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

/* ------------------------------------------------------------------------
 * IDLE (RFC 2177).
 *
 * libcurl has no IDLE, and its custom requests wait for the tagged line,
 * which IDLE sends only after DONE.  The command goes over the same
 * connection as every other here (curl_easy_send/recv after
 * CURLOPT_CONNECT_ONLY), and the wait is a poll() on its socket. */

/* Seconds since an arbitrary start, not set back by the clock. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the untagged responses so far tell of new or expunged mail. */
static int
news_so_far(const struct imap *im)
{
	uint32_t exists = im->exists;

	return imap_resp_changes(&im->r, &exists) > 0;
}

/*
 * idle_wait: while in IDLE, takes what the server sends into im->r until
 * it tells of news, until, or *stop.  *ended: the server ended the IDLE
 * itself (its tagged line came).
 */
static int
idle_wait(struct imap *im, double until, const volatile sig_atomic_t *stop,
    int *ended, struct err *err)
{
	curl_socket_t s = CURL_SOCKET_BAD;
	struct pollfd pfd;

	*ended = 0;
	for (;;) {
		double left = until - now_s();
		size_t used = 0, n = 0;
		CURLcode crc;
		int rc;

		if (news_so_far(im) || (stop != NULL && *stop) || left <= 0)
			return 0;
		if (im->in_pos < im->in_len) {
			rc = imap_resp_feed(&im->r, im->in + im->in_pos,
			    im->in_len - im->in_pos, &used);
			im->in_pos += used;
			if (rc == IMAP_RESP_DONE) {
				*ended = 1;
				return 0;
			}
			if (rc == IMAP_RESP_E_LIMIT)
				return mark_broken(im, err, ERR_LIMIT,
				    "imap: %s sent more than %zu bytes during "
				    "IDLE",
				    im->where, im->r.buf.max);
			if (rc < 0)
				return mark_broken(im, err, ERR_IO,
				    "imap: unexpected line from %s during "
				    "IDLE: '%s'",
				    im->where, im->r.text);
			continue;
		}
		crc = curl_easy_recv(im->curl, im->in, sizeof(im->in), &n);
		if (crc == CURLE_OK && n > 0) {
			im->in_pos = 0;
			im->in_len = n;
			continue;
		}
		if (crc == CURLE_OK)
			return mark_broken(im, err, ERR_IO,
			    "imap: %s closed the connection (IDLE)%s%s",
			    im->where, im->r.bye[0] ? ": " : "", im->r.bye);
		if (crc != CURLE_AGAIN)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot read from %s (IDLE): %s", im->where,
			    curl_easy_strerror(crc));
		if (curl_easy_getinfo(im->curl, CURLINFO_ACTIVESOCKET, &s) !=
		        CURLE_OK ||
		    s == CURL_SOCKET_BAD)
			return mark_broken(im, err, ERR_IO,
			    "imap: connection to %s is gone (IDLE)", im->where);
		pfd.fd = s;
		pfd.events = POLLIN;
		pfd.revents = 0;
		/* At most a second: *stop is looked at between waits. */
		if (poll(&pfd, 1, left < 1 ? (int)(left * 1000) + 1 : 1000) <
		        0 &&
		    errno != EINTR)
			return mark_broken(im, err, ERR_IO,
			    "imap: cannot wait for %s: %s", im->where,
			    strerror(errno));
	}
}

int
imap_idle(struct imap *im, const char *mailbox, long seconds,
    const volatile sig_atomic_t *stop, struct err *err)
{
	char tag[16], line[32];
	unsigned before;
	int n, rc, ended;

	if (!(im->caps & CAP_IDLE))
		return err_set(
		    err, ERR_USAGE, "imap: %s offers no IDLE", im->where);
	if (seconds < 1 || seconds > 86400)
		return err_set(err, ERR_USAGE,
		    "imap: IDLE lasts 1 to 86400 seconds, not %ld", seconds);
	if (select_mailbox(im, mailbox, 0, NULL, err))
		return err->code;
	snprintf(tag, sizeof(tag), "d%u", ++im->tag);
	n = snprintf(line, sizeof(line), "%s IDLE\r\n", tag);
	log_debug("imap: %s: > %s IDLE (%ld s)", im->where, tag, seconds);
	before = im->changes;
	imap_resp_begin(&im->r, tag, ceiling(im, RESPONSE_MAX));
	im->r.cont = 1;
	if (send_all(im, line, (size_t)n, "IDLE", err))
		return err->code;
	/* The server says "+ idling" at once, or refuses. */
	rc = feed(im, ceiling(im, RESPONSE_MAX), "IDLE", err);
	if (rc < 0)
		return rc;
	if (rc != IMAP_RESP_CONT) {
		note_changes(im);
		return err_set(err, ERR_IO, "imap: IDLE refused by %s: %s",
		    im->where, im->r.text);
	}
	if (idle_wait(im, now_s() + (double)seconds, stop, &ended, err))
		return err->code;
	if (!ended) {
		log_debug("imap: %s: > DONE", im->where);
		if (send_all(im, "DONE\r\n", 6, "DONE", err) ||
		    feed(im, ceiling(im, RESPONSE_MAX), "IDLE", err) < 0)
			return err->code;
	}
	log_debug("imap: %s: < %s %s %s (%zu untagged)", im->where, tag,
	    im->r.status, im->r.text, im->r.n);
	note_changes(im);
	if (!resp_ok(im))
		return err_set(err, ERR_IO, "imap: IDLE ended by %s: %s",
		    im->where, im->r.text);
	return im->changes != before ? IMAP_NEWS : 0;
}
