/*
 * test_imap: ingest/imap.c against a real Dovecot, started by
 * tests/harness/dovecot run (see tests/harness/README.md for what it
 * offers).  Each test works in mailboxes of its own; doveadm, through the
 * harness, puts mail in and checks where it went.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imap.h"
#include "log.h"
#include "xalloc.h"

static const char *harness, *dir, *host, *port, *imaps_port, *user, *cafile,
    *host_no_move, *host_minimal;
static char *password, *token;

/* ------------------------------------------------------------------------
 * Helpers. */

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap * 2 + 4096);
		k = fread(buf + n, 1, cap - n - 1, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *
read_secret(const char *path)
{
	size_t n;
	char *s = read_file(path, &n);

	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static char *vsh(int want_ok, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* vsh: runs a shell command, returns its output (owned by the caller). */
static char *
vsh(int want_ok, const char *fmt, va_list ap)
{
	char *cmd, *out = NULL;
	size_t cap = 0, n = 0, k;
	FILE *p;
	int st;

	if (vasprintf(&cmd, fmt, ap) < 0)
		fail_msg("vasprintf");
	p = popen(cmd, "r");
	if (p == NULL)
		fail_msg("cannot run %s", cmd);
	do {
		if (cap - n < 1024)
			out = xrealloc(out, cap = cap * 2 + 1024);
		k = fread(out + n, 1, cap - n - 1, p);
		n += k;
	} while (k > 0);
	out[n] = '\0';
	st = pclose(p);
	if (want_ok && st != 0)
		fail_msg("'%s' failed (%d): %s", cmd, st, out);
	free(cmd);
	return out;
}

static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
sh(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = vsh(1, fmt, ap);
	va_end(ap);
	return out;
}

/* A doveadm command for the test user; ARGS are shell words. */
static char *doveadm(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
doveadm(const char *fmt, ...)
{
	char *args, *out;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&args, fmt, ap) < 0)
		fail_msg("vasprintf");
	va_end(ap);
	out = sh("'%s' doveadm '%s' %s 2>&1", harness, dir, args);
	free(args);
	return out;
}

static void
mailbox_create(const char *mbox)
{
	free(doveadm("mailbox create -u '%s' '%s'", user, mbox));
}

/* put: saves len bytes as a mail into mbox; returns its UID. */
static uint32_t
put(const char *mbox, const void *data, size_t len)
{
	char tmp[] = "/tmp/test_imap.XXXXXX", *out;
	unsigned long uid;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	out = sh("'%s' put '%s' '%s' < '%s'", harness, dir, mbox, tmp);
	unlink(tmp);
	uid = strtoul(out, NULL, 10);
	assert_true(uid > 0);
	free(out);
	return (uint32_t)uid;
}

static uint32_t
put_str(const char *mbox, const char *mail)
{
	return put(mbox, mail, strlen(mail));
}

/* uids: the UIDs in mbox as doveadm sees them, "1 2 3". */
static char *
uids(const char *mbox)
{
	char *out = doveadm("search -u '%s' mailbox '%s' all", user, mbox);
	char *res = xcalloc(1, strlen(out) + 1), *line, *save = NULL;

	for (line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *sp = strchr(line, ' ');

		assert_non_null(sp);
		if (res[0] != '\0')
			strcat(res, " ");
		strcat(res, sp + 1);
	}
	free(out);
	return res;
}

static void
assert_uids(const char *mbox, const char *want)
{
	char *got = uids(mbox);

	if (strcmp(got, want) != 0)
		fail_msg("uids in %s: got '%s', want '%s'", mbox, got, want);
	free(got);
}

/* flags: doveadm's "flags: ..." line for uid in mbox. */
static char *
flags(const char *mbox, uint32_t uid)
{
	return doveadm(
	    "fetch -u '%s' flags mailbox '%s' uid %u", user, mbox, uid);
}

static int
has_flag(const char *mbox, uint32_t uid, const char *flag)
{
	char *f = flags(mbox, uid);
	int yes = strstr(f, flag) != NULL;

	free(f);
	return yes;
}

/* crlf: what an IMAP server sends for a mail saved with bare LFs. */
static char *
crlf(const char *s, size_t n, size_t *out_len)
{
	char *o = xmalloc(2 * n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			o[k++] = '\r';
		o[k++] = s[i];
	}
	o[k] = '\0';
	*out_len = k;
	return o;
}

static void
opts_imaps(struct imap_opts *o)
{
	static char url[128];

	memset(o, 0, sizeof(*o));
	snprintf(url, sizeof(url), "imaps://%s:%s", host, imaps_port);
	o->url = url;
	o->user = user;
	o->password = password;
	o->cafile = cafile;
	o->timeout_s = 30;
	o->connect_timeout_s = 10;
}

static struct imap *
open_imaps(void)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;

	opts_imaps(&o);
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open: %s", err.msg);
	return im;
}

/* open_on: the same server at another loopback address (fewer
 * capabilities; see the harness). */
static struct imap *
open_on(const char *addr, int plain)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	char url[128];

	opts_imaps(&o);
	if (plain) {
		snprintf(url, sizeof(url), "imap://%s:%s", addr, port);
		o.allow_plain = 1;
	} else {
		snprintf(url, sizeof(url), "imaps://%s:%s", addr, imaps_port);
	}
	o.url = url;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open %s: %s", url, err.msg);
	return im;
}

static void
assert_contains(const char *s, const char *part)
{
	if (strstr(s, part) == NULL)
		fail_msg("'%s' does not contain '%s'", s, part);
}

static const char small_mail[] = "From: a@example.com\r\n"
                                 "To: dmarc@example.net\r\n"
                                 "Subject: small\r\n"
                                 "\r\n"
                                 "hello\r\n";

/* ------------------------------------------------------------------------
 * Connecting and logging in. */

static void
test_login_imaps(void **state)
{
	struct imap *im = open_imaps();

	(void)state;
	assert_true(imap_has_move(im));
	assert_true(imap_has_uidplus(im));
	imap_close(im);
	imap_close(NULL);
}

static void
test_login_starttls(void **state)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	char url[128];

	(void)state;
	opts_imaps(&o);
	snprintf(url, sizeof(url), "imap://localhost:%s/", port);
	o.url = url;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open: %s", err.msg);
	assert_true(imap_has_move(im));
	imap_close(im);
}

static void
test_tls_needs_ca(void **state)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;

	(void)state;
	/* The system bundle does not know the test CA. */
	opts_imaps(&o);
	o.cafile = NULL;
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_null(im);
	assert_contains(err.msg, "imap: TLS certificate of ");
	assert_contains(err.msg, "not trusted by the system CA bundle");

	/* Nor over STARTTLS. */
	{
		char url[128];

		snprintf(url, sizeof(url), "imap://%s:%s", host, port);
		o.url = url;
		assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
		assert_contains(err.msg, "not trusted by the system CA bundle");
	}

	/* A CA file that did not sign it is named. */
	opts_imaps(&o);
	o.cafile = "/etc/ssl/certs/ca-certificates.crt";
	if (access(o.cafile, R_OK) == 0) {
		assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
		assert_contains(err.msg,
		    "not trusted by CA file "
		    "/etc/ssl/certs/ca-certificates.crt");
	}

	opts_imaps(&o);
	o.cafile = "/nonexistent/ca.pem";
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_contains(err.msg, "/nonexistent/ca.pem");

	/* Turned off by name, it connects. */
	opts_imaps(&o);
	o.cafile = NULL;
	o.tls_noverify = 1;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open: %s", err.msg);
	imap_close(im);
}

static void
test_wrong_password(void **state)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	char want[256];

	(void)state;
	opts_imaps(&o);
	o.password = "not-the-password-6d1f";
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_null(im);
	snprintf(want, sizeof(want),
	    "imap: login refused for user %s at %s:%s: ", user, host,
	    imaps_port);
	assert_contains(err.msg, want);
	assert_contains(err.msg, "AUTHENTICATIONFAILED");
	assert_null(strstr(err.msg, o.password));

	o.user = "nosuchuser";
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_contains(err.msg, "login refused for user nosuchuser");
}

static void
test_xoauth2(void **state)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	char url[128];

	(void)state;
	opts_imaps(&o);
	o.password = NULL;
	o.oauth2_token = token;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open with the token: %s", err.msg);
	imap_close(im);

	/* Over STARTTLS too. */
	snprintf(url, sizeof(url), "imap://%s:%s", host, port);
	o.url = url;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open with the token: %s", err.msg);
	imap_close(im);

	/* The password is no token. */
	opts_imaps(&o);
	o.password = NULL;
	o.oauth2_token = password;
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_contains(err.msg, "login refused for user");
	assert_null(strstr(err.msg, password));
}

static void
test_starttls_required(void **state)
{
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	char url[128];

	(void)state;
	/* host_minimal offers no STARTTLS. */
	opts_imaps(&o);
	snprintf(url, sizeof(url), "imap://%s:%s", host_minimal, port);
	o.url = url;
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_null(im);
	assert_contains(err.msg, "offers no STARTTLS");

	o.allow_plain = 1;
	if (imap_open(&im, &o, &err) != 0)
		fail_msg("imap_open in plain text: %s", err.msg);
	assert_false(imap_has_move(im));
	assert_false(imap_has_uidplus(im));
	imap_close(im);
}

static void
test_bad_options(void **state)
{
	static const char *const bad_urls[] = {
	    "",
	    "http://127.0.0.1/",
	    "imaps://127.0.0.1/INBOX",
	    "imaps://127.0.0.1/?x",
	    "imaps://dmarc:secret@127.0.0.1/",
	    "imaps://127.0.0.1/;UID=1",
	    "not a url",
	};
	struct imap_opts o;
	struct imap *im = NULL;
	struct err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		opts_imaps(&o);
		o.url = bad_urls[i];
		assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
		assert_null(im);
		assert_null(strstr(err.msg, "secret"));
	}
	opts_imaps(&o);
	o.url = NULL;
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
	opts_imaps(&o);
	o.oauth2_token = "t";
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
	assert_contains(err.msg, "either a password or an OAuth2 token");
	opts_imaps(&o);
	o.password = NULL;
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
	opts_imaps(&o);
	o.user = "dmarc\r\nA1 LOGOUT";
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
	opts_imaps(&o);
	o.user = NULL;
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);
	opts_imaps(&o);
	o.timeout_s = -1;
	assert_int_equal(imap_open(&im, &o, &err), ERR_USAGE);

	/* Nothing listens on port 1. */
	opts_imaps(&o);
	o.url = "imaps://127.0.0.1:1";
	assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
	assert_string_equal(
	    err.msg, "imap: cannot connect to 127.0.0.1:1: Connection refused");
}

/* ------------------------------------------------------------------------
 * Mailboxes. */

static void
test_separator(void **state)
{
	struct imap *im = open_imaps();
	struct err err;
	char sep = 'x';

	(void)state;
	assert_int_equal(imap_separator(im, &sep, &err), 0);
	assert_int_equal(sep, '.');
	imap_close(im);
}

static void
test_create(void **state)
{
	static const char *const names[] = {
	    "t_create",
	    "t_create.sub",
	    "with space",
	    "we \"quote\" \\ back",
	    "R&D 100%",
	};
	struct imap *im = open_imaps();
	struct imap_status st;
	struct err err;
	char *list;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (imap_create(im, names[i], &err) != 0)
			fail_msg("create %s: %s", names[i], err.msg);
		if (imap_create(im, names[i], &err) != 0)
			fail_msg("create %s again: %s", names[i], err.msg);
		if (imap_examine(im, names[i], &st, &err) != 0)
			fail_msg("examine %s: %s", names[i], err.msg);
		assert_int_equal(st.exists, 0);
	}
	list = doveadm("mailbox list -u '%s'", user);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_contains(list, names[i]);
	free(list);

	assert_int_equal(imap_create(im, "Berichte-\xc3\xa4", &err), ERR_USAGE);
	assert_contains(err.msg, "not printable ASCII");
	assert_int_equal(imap_create(im, "", &err), ERR_USAGE);
	assert_int_equal(imap_create(im, "a\r\nd1 LOGOUT", &err), ERR_USAGE);
	/* The handle still works after refused names. */
	assert_int_equal(imap_create(im, "t_create", &err), 0);
	imap_close(im);
}

static void
test_examine(void **state)
{
	struct imap *im = open_imaps();
	struct imap_status st;
	struct err err;
	char *status, want[64];

	(void)state;
	mailbox_create("t_examine");
	put_str("t_examine", small_mail);
	put_str("t_examine", small_mail);
	put_str("t_examine", small_mail);
	if (imap_examine(im, "t_examine", &st, &err) != 0)
		fail_msg("examine: %s", err.msg);
	assert_int_equal(st.exists, 3);
	assert_int_equal(st.uidnext, 4);
	status = doveadm("mailbox status -u '%s' uidvalidity t_examine", user);
	snprintf(want, sizeof(want), "uidvalidity=%u", st.uidvalidity);
	assert_contains(status, want);
	free(status);

	assert_int_equal(imap_examine(im, "t_nosuchbox", &st, &err), ERR_IO);
	assert_contains(err.msg, "imap: cannot open mailbox t_nosuchbox: ");
	/* A refused command leaves the connection usable. */
	assert_int_equal(imap_examine(im, "t_examine", &st, &err), 0);
	imap_close(im);
}

static void
test_uidvalidity_change(void **state)
{
	struct imap *im = open_imaps();
	struct imap_status st;
	struct err err;

	(void)state;
	mailbox_create("t_uv");
	put_str("t_uv", small_mail);
	assert_int_equal(imap_examine(im, "t_uv", &st, &err), 0);
	assert_int_equal(imap_examine(im, "INBOX", &st, &err), 0);
	/* Dovecot gives a new mailbox a new UIDVALIDITY. */
	sleep(1);
	free(doveadm("mailbox delete -u '%s' t_uv", user));
	mailbox_create("t_uv");
	put_str("t_uv", small_mail);
	assert_int_equal(imap_examine(im, "t_uv", &st, &err), ERR_IO);
	assert_contains(err.msg, "UIDVALIDITY of mailbox t_uv changed");
	imap_close(im);
}

/* ------------------------------------------------------------------------
 * Listing and fetching. */

static void
test_list_batches(void **state)
{
	struct imap *im = open_imaps();
	struct imap_msg *m;
	struct err err;
	size_t n, i;
	char *out;

	(void)state;
	mailbox_create("t_list");
	for (i = 0; i < 7; i++)
		assert_int_equal(put_str("t_list", small_mail), i + 1);
	free(doveadm("flags add -u '%s' '\\Seen' mailbox t_list uid 2", user));
	free(doveadm(
	    "flags add -u '%s' '\\Deleted' mailbox t_list uid 3", user));

	assert_int_equal(imap_list(im, "t_list", 0, 3, &m, &n, &err), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(m[i].uid, i + 1);
		assert_int_equal(m[i].size, strlen(small_mail));
	}
	assert_false(m[0].seen);
	assert_true(m[1].seen);
	assert_false(m[1].deleted);
	assert_true(m[2].deleted);
	free(m);

	assert_int_equal(imap_list(im, "t_list", 3, 3, &m, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].uid, 4);
	assert_int_equal(m[2].uid, 6);
	free(m);
	assert_int_equal(imap_list(im, "t_list", 6, 3, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].uid, 7);
	free(m);
	/* "8:*" names the highest UID, 7: it must not come back. */
	assert_int_equal(imap_list(im, "t_list", 7, 3, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(m);
	assert_int_equal(imap_list(im, "t_list", 1000, 3, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    imap_list(im, "t_list", UINT32_MAX, 3, &m, &n, &err), 0);
	assert_int_equal(n, 0);

	/* Gaps in the UIDs. */
	out = doveadm("expunge -u '%s' mailbox t_list uid 4:5", user);
	free(out);
	assert_int_equal(imap_list(im, "t_list", 3, 2, &m, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].uid, 6);
	assert_int_equal(m[1].uid, 7);
	free(m);

	assert_int_equal(
	    imap_list(im, "t_list", 0, 0, &m, &n, &err), ERR_USAGE);
	assert_int_equal(
	    imap_list(im, "t_nosuchbox", 0, 10, &m, &n, &err), ERR_IO);
	imap_close(im);
}

/* fetch_check: puts file into mbox, fetches it back whole and compares. */
static void
fetch_check(struct imap *im, const char *mbox, const char *path)
{
	unsigned char *buf;
	size_t len, flen, wlen;
	char *file = read_file(path, &flen), *want = crlf(file, flen, &wlen);
	uint32_t uid = put(mbox, file, flen);
	struct err err;
	int trunc;

	if (imap_fetch(
	        im, mbox, uid, 10 * 1024 * 1024, &buf, &len, &trunc, &err) != 0)
		fail_msg("fetch %s: %s", path, err.msg);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, len);
	assert_int_equal(buf[len], '\0');
	assert_false(trunc);
	/* BODY.PEEK: still unseen. */
	assert_false(has_flag(mbox, uid, "\\Seen"));
	free(buf);
	free(file);
	free(want);
}

static void
test_fetch_exact(void **state)
{
	struct imap *im = open_imaps();
	char path[4096];
	char tricky[] =
	    "From: x@example.com\r\n"
	    "Subject: {5}\r\n"
	    "\r\n"
	    "lines that look like IMAP answers:\r\n"
	    "* 5 FETCH (UID 99 BODY[] {3}\r\n"
	    "d9 OK fake\r\n"
	    "d10 OK fake\r\n"
	    ")\r\n"
	    "a literal mark at a line end {12}\r\n"
	    "bare LF\nand CR\ralone; high bytes \xc3\xa4\xff and NUL-free\r\n";
	FILE *f;

	(void)state;
	mailbox_create("t_fetch");
	/* CRLF mail from the corpus. */
	snprintf(path, sizeof(path),
	    "%s/parsedmarc/samples/aggregate/Report domain- borschow.com "
	    "Submitter- google.com Report-ID- 949348866075514174.eml",
	    DS_CORPUS);
	fetch_check(im, "t_fetch", path);
	/* LF mail: the server sends CRLF. */
	snprintf(path, sizeof(path),
	    "%s/parsedmarc/samples/aggregate/twilight.eml", DS_CORPUS);
	fetch_check(im, "t_fetch", path);
	snprintf(
	    path, sizeof(path), "%s/samples/outlook-report.eml", DS_TESTDATA);
	fetch_check(im, "t_fetch", path);

	/* A mail that looks like protocol. */
	snprintf(path, sizeof(path), "%s/tricky.eml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(tricky, 1, sizeof(tricky) - 1, f);
	fclose(f);
	fetch_check(im, "t_fetch", path);
	/* The connection is still in step. */
	fetch_check(im, "t_fetch", path);
	imap_close(im);
}

static void
test_fetch_truncated(void **state)
{
	struct imap *im = open_imaps();
	unsigned char *buf;
	size_t len, size = strlen(small_mail);
	struct err err;
	uint32_t uid;
	int trunc;

	(void)state;
	mailbox_create("t_trunc");
	uid = put_str("t_trunc", small_mail);
	assert_int_equal(
	    imap_fetch(im, "t_trunc", uid, 10, &buf, &len, &trunc, &err), 0);
	assert_int_equal(len, 10);
	assert_true(trunc);
	assert_memory_equal(buf, small_mail, 10);
	free(buf);
	assert_int_equal(
	    imap_fetch(im, "t_trunc", uid, size, &buf, &len, &trunc, &err), 0);
	assert_int_equal(len, size);
	assert_false(trunc);
	free(buf);
	assert_int_equal(
	    imap_fetch(im, "t_trunc", uid, size - 1, &buf, &len, &trunc, &err),
	    0);
	assert_int_equal(len, size - 1);
	assert_true(trunc);
	free(buf);
	assert_false(has_flag("t_trunc", uid, "\\Seen"));
	assert_int_equal(
	    imap_fetch(im, "t_trunc", uid, 0, &buf, &len, &trunc, &err),
	    ERR_USAGE);
	imap_close(im);
}

static void
test_fetch_missing(void **state)
{
	struct imap *im = open_imaps();
	unsigned char *buf = (unsigned char *)"x";
	struct err err;
	size_t len;
	int trunc;

	(void)state;
	mailbox_create("t_missing");
	put_str("t_missing", small_mail);
	assert_int_equal(
	    imap_fetch(im, "t_missing", 999, 1000, &buf, &len, &trunc, &err),
	    IMAP_MISSING);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(
	    imap_fetch(im, "t_missing", 1, 1000, &buf, &len, &trunc, &err), 0);
	free(buf);
	imap_close(im);
}

/* ------------------------------------------------------------------------
 * Moving, flagging, deleting. */

static void
test_move(void **state)
{
	struct imap *im = open_imaps();
	struct err err;
	char *text;

	(void)state;
	mailbox_create("t_move");
	mailbox_create("t_moved");
	put_str("t_move", small_mail);
	put_str("t_move", "Subject: second\r\n\r\nsecond\r\n");
	if (imap_move(im, "t_move", 2, "t_moved", &err) != 0)
		fail_msg("move: %s", err.msg);
	assert_uids("t_move", "1");
	assert_uids("t_moved", "1");
	text = doveadm("fetch -u '%s' text mailbox t_moved uid 1", user);
	assert_contains(text, "second");
	free(text);

	assert_int_equal(
	    imap_move(im, "t_move", 2, "t_moved", &err), IMAP_MISSING);
	assert_int_equal(
	    imap_move(im, "t_move", 99, "t_moved", &err), IMAP_MISSING);
	assert_uids("t_moved", "1");

	assert_int_equal(imap_move(im, "t_move", 1, "t_nowhere", &err), ERR_IO);
	assert_contains(err.msg,
	    "imap: cannot move uid 1 from mailbox t_move to t_nowhere: ");
	assert_uids("t_move", "1");
	assert_false(has_flag("t_move", 1, "\\Deleted"));
	assert_int_equal(
	    imap_move(im, "t_move", 1, "bad\xff", &err), ERR_USAGE);
	/* Still usable. */
	assert_int_equal(imap_move(im, "t_move", 1, "t_moved", &err), 0);
	assert_uids("t_move", "");
	assert_uids("t_moved", "1 2");
	imap_close(im);
}

/* Without MOVE: UID COPY, \Deleted, UID EXPUNGE of that UID alone. */
static void
test_move_without_move(void **state)
{
	struct imap *im = open_on(host_no_move, 0);
	struct err err;

	(void)state;
	assert_false(imap_has_move(im));
	assert_true(imap_has_uidplus(im));
	mailbox_create("t_nm");
	mailbox_create("t_nm_dest");
	put_str("t_nm", small_mail);
	put_str("t_nm", small_mail);
	put_str("t_nm", small_mail);
	/* Another mail flagged \Deleted must survive: no plain EXPUNGE. */
	free(doveadm("flags add -u '%s' '\\Deleted' mailbox t_nm uid 3", user));
	if (imap_move(im, "t_nm", 1, "t_nm_dest", &err) != 0)
		fail_msg("move: %s", err.msg);
	assert_uids("t_nm", "2 3");
	assert_uids("t_nm_dest", "1");
	assert_int_equal(
	    imap_move(im, "t_nm", 1, "t_nm_dest", &err), IMAP_MISSING);
	assert_int_equal(imap_move(im, "t_nm", 2, "t_nowhere", &err), ERR_IO);
	assert_contains(err.msg,
	    "imap: cannot copy uid 2 from mailbox t_nm to t_nowhere: ");
	assert_uids("t_nm", "2 3");
	assert_false(has_flag("t_nm", 2, "\\Deleted"));
	imap_close(im);
}

/* Without MOVE and UIDPLUS: copied and flagged, never expunged. */
static void
test_move_minimal(void **state)
{
	struct imap *im = open_on(host_minimal, 1);
	struct err err;

	(void)state;
	mailbox_create("t_min");
	mailbox_create("t_min_dest");
	put_str("t_min", small_mail);
	put_str("t_min", small_mail);
	assert_int_equal(
	    imap_move(im, "t_min", 1, "t_min_dest", &err), IMAP_KEPT);
	assert_uids("t_min", "1 2");
	assert_true(has_flag("t_min", 1, "\\Deleted"));
	assert_false(has_flag("t_min", 2, "\\Deleted"));
	assert_uids("t_min_dest", "1");
	assert_int_equal(imap_delete(im, "t_min", 2, &err), IMAP_KEPT);
	assert_uids("t_min", "1 2");
	assert_true(has_flag("t_min", 2, "\\Deleted"));
	assert_int_equal(
	    imap_move(im, "t_min", 7, "t_min_dest", &err), IMAP_MISSING);
	imap_close(im);
}

static void
test_mark_seen(void **state)
{
	struct imap *im = open_imaps();
	struct err err;

	(void)state;
	mailbox_create("t_seen");
	put_str("t_seen", small_mail);
	put_str("t_seen", small_mail);
	assert_int_equal(imap_mark_seen(im, "t_seen", 1, &err), 0);
	assert_true(has_flag("t_seen", 1, "\\Seen"));
	assert_false(has_flag("t_seen", 2, "\\Seen"));
	/* Again: nothing changes, still fine. */
	assert_int_equal(imap_mark_seen(im, "t_seen", 1, &err), 0);
	assert_int_equal(imap_mark_seen(im, "t_seen", 50, &err), IMAP_MISSING);
	imap_close(im);
}

static void
test_delete(void **state)
{
	struct imap *im = open_imaps();
	struct err err;

	(void)state;
	mailbox_create("t_del");
	put_str("t_del", small_mail);
	put_str("t_del", small_mail);
	put_str("t_del", small_mail);
	free(
	    doveadm("flags add -u '%s' '\\Deleted' mailbox t_del uid 3", user));
	assert_int_equal(imap_delete(im, "t_del", 1, &err), 0);
	assert_uids("t_del", "2 3");
	assert_int_equal(imap_delete(im, "t_del", 1, &err), IMAP_MISSING);
	assert_int_equal(imap_delete(im, "t_del", 3, &err), 0);
	assert_uids("t_del", "2");
	imap_close(im);
}

/* A mailbox whose name needs quoting, through every call. */
static void
test_quoted_names(void **state)
{
	const char *box = "we \"quote\" \\ R&D";
	struct imap *im = open_imaps();
	struct imap_msg *m;
	unsigned char *buf;
	size_t n, len;
	struct err err;
	int trunc;

	(void)state;
	assert_int_equal(imap_create(im, box, &err), 0);
	assert_int_equal(imap_create(im, "dest \"2\"", &err), 0);
	put_str(box, small_mail);
	put_str(box, small_mail);
	assert_int_equal(imap_list(im, box, 0, 10, &m, &n, &err), 0);
	assert_int_equal(n, 2);
	free(m);
	assert_int_equal(
	    imap_fetch(im, box, 1, 1000, &buf, &len, &trunc, &err), 0);
	assert_memory_equal(buf, small_mail, len);
	free(buf);
	if (imap_move(im, box, 1, "dest \"2\"", &err) != 0)
		fail_msg("move: %s", err.msg);
	assert_uids(box, "2");
	assert_uids("dest \"2\"", "1");
	imap_close(im);
}

/* ------------------------------------------------------------------------
 * Limits and failures. */

static void
test_response_limit(void **state)
{
	struct imap *im = open_imaps();
	struct imap_status st;
	struct imap_msg *m;
	unsigned char *buf;
	struct err err;
	size_t n, len, i;
	int trunc;
	char big[5000];

	(void)state;
	mailbox_create("t_limit");
	for (i = 0; i < 20; i++)
		put_str("t_limit", small_mail);
	assert_int_equal(imap_examine(im, "t_limit", &st, &err), 0);
	imap_set_response_limit(im, 200);
	assert_int_equal(
	    imap_list(im, "t_limit", 0, 20, &m, &n, &err), ERR_LIMIT);
	assert_null(m);
	assert_int_equal(n, 0);
	assert_contains(err.msg, "over the limit of 200 bytes");
	/* Out of step now: every call fails at once. */
	assert_int_equal(imap_list(im, "t_limit", 0, 20, &m, &n, &err), ERR_IO);
	assert_contains(err.msg, "dropped after an earlier error");
	imap_close(im);

	/* A literal longer than the ceiling is refused before it is read. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "Subject: big\r\n\r\n", 16);
	put("t_limit", big, sizeof(big));
	im = open_imaps();
	assert_int_equal(imap_examine(im, "t_limit", &st, &err), 0);
	imap_set_response_limit(im, 10);
	assert_int_equal(
	    imap_fetch(im, "t_limit", 21, 100, &buf, &len, &trunc, &err),
	    ERR_LIMIT);
	assert_null(buf);
	assert_contains(err.msg, "a literal of 100");
	imap_close(im);

	/* Back to the defaults, the same works. */
	im = open_imaps();
	imap_set_response_limit(im, 10);
	imap_set_response_limit(im, 0);
	assert_int_equal(
	    imap_fetch(im, "t_limit", 21, 100, &buf, &len, &trunc, &err), 0);
	assert_int_equal(len, 100);
	assert_true(trunc);
	free(buf);
	assert_int_equal(imap_list(im, "t_limit", 0, 20, &m, &n, &err), 0);
	assert_int_equal(n, 20);
	free(m);
	imap_close(im);
}

/* The server goes away mid-session, and comes back with the same mail. */
static void
test_server_restart(void **state)
{
	struct imap *im = open_imaps();
	struct imap_msg *m;
	struct err err;
	size_t n;

	(void)state;
	mailbox_create("t_restart");
	put_str("t_restart", small_mail);
	assert_int_equal(imap_list(im, "t_restart", 0, 10, &m, &n, &err), 0);
	free(m);
	free(sh("'%s' stop-server '%s'", harness, dir));
	assert_int_equal(
	    imap_list(im, "t_restart", 0, 10, &m, &n, &err), ERR_IO);
	assert_contains(err.msg, "imap: ");
	imap_close(im);
	{
		struct imap_opts o;

		opts_imaps(&o);
		assert_int_equal(imap_open(&im, &o, &err), ERR_IO);
		assert_contains(err.msg, "imap: cannot connect to ");
		assert_contains(err.msg, "Connection refused");
	}
	free(sh("'%s' start-server '%s'", harness, dir));
	im = open_imaps();
	assert_int_equal(imap_list(im, "t_restart", 0, 10, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	free(m);
	imap_close(im);
}

/* ------------------------------------------------------------------------ */

static const char *
need(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0' || strchr(v, '\'') != NULL) {
		fprintf(stderr,
		    "test_imap: %s is not set: run me through "
		    "tests/harness/dovecot run\n",
		    name);
		exit(77);
	}
	return v;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_imaps),
	    cmocka_unit_test(test_login_starttls),
	    cmocka_unit_test(test_tls_needs_ca),
	    cmocka_unit_test(test_wrong_password),
	    cmocka_unit_test(test_xoauth2),
	    cmocka_unit_test(test_starttls_required),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_separator),
	    cmocka_unit_test(test_create),
	    cmocka_unit_test(test_examine),
	    cmocka_unit_test(test_uidvalidity_change),
	    cmocka_unit_test(test_list_batches),
	    cmocka_unit_test(test_fetch_exact),
	    cmocka_unit_test(test_fetch_truncated),
	    cmocka_unit_test(test_fetch_missing),
	    cmocka_unit_test(test_move),
	    cmocka_unit_test(test_move_without_move),
	    cmocka_unit_test(test_move_minimal),
	    cmocka_unit_test(test_mark_seen),
	    cmocka_unit_test(test_delete),
	    cmocka_unit_test(test_quoted_names),
	    cmocka_unit_test(test_response_limit),
	    cmocka_unit_test(test_server_restart),
	};
	int rc;

	harness = need("DMARCSIFT_TEST_DOVECOT");
	dir = need("DOVECOT_DIR");
	host = need("DMARCSIFT_TEST_IMAP_HOST");
	host_no_move = need("DMARCSIFT_TEST_IMAP_HOST_NO_MOVE");
	host_minimal = need("DMARCSIFT_TEST_IMAP_HOST_MINIMAL");
	port = need("DMARCSIFT_TEST_IMAP_PORT");
	imaps_port = need("DMARCSIFT_TEST_IMAPS_PORT");
	user = need("DMARCSIFT_TEST_IMAP_USER");
	cafile = need("DMARCSIFT_TEST_IMAP_CAFILE");
	password = read_secret(need("DMARCSIFT_TEST_IMAP_PASSWORD_FILE"));
	token = read_secret(need("DMARCSIFT_TEST_IMAP_TOKEN_FILE"));
	/* TEST_IMAP_DEBUG=1 shows the conversation; TEST_IMAP_FILTER=test_x
	 * runs only the tests that match. */
	if (getenv("TEST_IMAP_DEBUG") != NULL)
		log_set_verbosity(3);
	if (getenv("TEST_IMAP_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_IMAP_FILTER"));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(password);
	free(token);
	return rc;
}
