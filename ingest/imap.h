/*
 * imap: a small IMAP client for emptying a DMARC report mailbox.
 *
 * One connection per struct imap, used for every call until imap_close().
 * libcurl connects, does TLS (implicit for imaps://, STARTTLS for imap://)
 * and logs in (SASL PLAIN/LOGIN or XOAUTH2); the commands after that are
 * sent and their answers parsed here, over curl_easy_send/curl_easy_recv.
 * (libcurl's own custom requests drop the lines of an IMAP literal and stop
 * at any line of a mail that looks like the end of the command, so they
 * cannot fetch a mail; see imap.c.)
 *
 * Mailbox names are given as the user sees them: printable ASCII; they are
 * quoted here ('"' and '\' escaped, '&' written as "&-").  Others (modified
 * UTF-7) are refused with ERR_USAGE.
 *
 * Errors: 0 or a negative enum err_code with the message in err, starting
 * with "imap: ".  ERR_USAGE for bad options or names, ERR_IO for
 * connection, TLS, login and protocol trouble and for commands the server
 * refuses, ERR_LIMIT for an answer over its ceiling.  After a failure of the
 * connection itself (timeout, lost connection, an answer over its ceiling,
 * a reply that cannot be parsed) the handle is broken: every later call
 * fails with ERR_IO at once; close it and open another.  A refused command
 * (NO) leaves the handle usable.
 *
 * Passwords and tokens never appear in messages or logs.
 *
 * Not thread-safe.  imap_open() calls curl_global_init() the first time it
 * runs, which is itself not thread-safe: a threaded program calls
 * curl_global_init(CURL_GLOBAL_DEFAULT) first.
 */
#ifndef DMARCSIFT_IMAP_H
#define DMARCSIFT_IMAP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct imap;

/* Results of the per-message calls besides 0 and errors. */
enum {
	IMAP_MISSING = 1, /* no mail with that UID: expunged meanwhile */
	IMAP_KEPT = 2, /* flagged \Deleted but left in place: no UIDPLUS */
	IMAP_FINISHED = 3, /* imap_move_again(): the copy was there already */
	IMAP_NEWS = 4, /* imap_idle(): the server told of new mail */
};

struct imap_opts {
	/* imaps://host[:port] (TLS from the start, port 993) or
	 * imap://host[:port] (port 143; STARTTLS is required unless
	 * allow_plain).  Nothing after the host but an optional "/"; no
	 * user or password in it. */
	const char *url;
	const char *user;
	const char *password; /* or NULL when oauth2_token is given */
	const char *oauth2_token; /* XOAUTH2 bearer token, or NULL */
	/*
	 * When the server refuses oauth2_token (it expired or was revoked
	 * since it was got): called once for a fresh one, borrowed until
	 * the call returns, and the login is tried again with it.  NULL:
	 * no second try.
	 */
	int (*oauth2_renew)(void *arg, const char **token, struct err *err);
	void *oauth2_arg;
	const char *cafile; /* PEM CA file; NULL: the system CA bundle */
	/* 0 normally.  1 turns off TLS certificate checks: only for a test
	 * setup that says so by name. */
	int tls_noverify;
	/* 0 normally.  1 lets imap:// go on in plain text when the server
	 * offers no STARTTLS (it is still used when offered). */
	int allow_plain;
	long connect_timeout_s; /* 0: 30 s */
	long timeout_s; /* silence that ends a command; 0: 120 s */
};

struct imap_status {
	uint32_t uidvalidity;
	uint32_t uidnext; /* 0 when the server did not say */
	uint32_t exists;
};

struct imap_msg {
	uint32_t uid;
	uint64_t size; /* RFC822.SIZE */
	int seen;
	int deleted;
};

/*
 * Connects and logs in; on success *out is a handle owned by the caller,
 * released with imap_close().  The strings in o are copied as needed and
 * may be freed after the call.  A refused login reads "imap: login refused
 * for user U at HOST:PORT: <server text>"; a certificate that does not
 * verify names the CA file (or the system bundle) it was checked against.
 */
int imap_open(struct imap **out, const struct imap_opts *o, struct err *err);

/* Logs out and frees im; NULL does nothing.  A broken connection is only
 * closed. */
void imap_close(struct imap *im);

/* The server's capabilities after login: 1 if offered, else 0. */
int imap_has_move(const struct imap *im);
int imap_has_uidplus(const struct imap *im);
int imap_has_idle(const struct imap *im);

/* The hierarchy separator (LIST "" ""), '\0' when the server has none
 * (NIL). */
int imap_separator(struct imap *im, char *sep, struct err *err);

/* Creates mailbox; 0 also when it exists already. */
int imap_create(struct imap *im, const char *mailbox, struct err *err);

/*
 * Opens mailbox read-only (EXAMINE) and fills *st.  Later calls on the same
 * mailbox in this session check that UIDVALIDITY stays the same (a change
 * voids every UID the caller holds: ERR_IO, start over).
 */
int imap_examine(struct imap *im, const char *mailbox, struct imap_status *st,
    struct err *err);

/*
 * The first max messages with a UID above after_uid, in UID order, with
 * size and flags (messages flagged \Deleted included: the caller decides).
 * On success *msgs is an array of *n entries owned by the caller (free()),
 * NULL when *n is 0.  max is 1 to IMAP_LIST_MAX.
 */
#define IMAP_LIST_MAX 10000
int imap_list(struct imap *im, const char *mailbox, uint32_t after_uid,
    size_t max, struct imap_msg **msgs, size_t *n, struct err *err);

/*
 * The mail with that UID, as the server holds it (CRLF line ends), without
 * setting \Seen (BODY.PEEK).  At most max_bytes (1 to IMAP_FETCH_MAX) are
 * fetched; *truncated is 1 when the mail is longer.  On 0, *buf holds *len
 * bytes plus a terminating NUL, owned by the caller (free()).  Returns
 * IMAP_MISSING, with *buf NULL, when there is no such UID.
 */
#define IMAP_FETCH_MAX 0x7fffffffUL
int imap_fetch(struct imap *im, const char *mailbox, uint32_t uid,
    size_t max_bytes, unsigned char **buf, size_t *len, int *truncated,
    struct err *err);

/*
 * Moves the mail to dest: UID MOVE when offered, else UID COPY, \Deleted
 * and UID EXPUNGE of just that UID (UIDPLUS).  Without UIDPLUS it stops
 * after the copy and the \Deleted flag, since a plain EXPUNGE would remove
 * other mail too, and returns IMAP_KEPT.  Checks afterwards that the mail
 * left mailbox (ERR_IO if not).  IMAP_MISSING when there is no such UID.
 * A missing dest is an error; it is not created.
 */
int imap_move(struct imap *im, const char *mailbox, uint32_t uid,
    const char *dest, struct err *err);

/*
 * imap_move() for a mail an earlier session was told to move and may have
 * moved in part: its answer lost with the connection, or the server gone
 * between the copy and the removal of the original (a MOVE is both, and so
 * is COPY, \Deleted, UID EXPUNGE).  Moving again would leave dest holding
 * the mail twice, so first:
 *  - uid no longer in mailbox: IMAP_MISSING, nothing sent (the earlier
 *    move happened);
 *  - dest holds a mail of the same RFC822.SIZE and INTERNALDATE (both kept
 *    by COPY and MOVE) and, when message_id (as in the header, "<...>") is
 *    not NULL, with that Message-ID: the earlier move copied it.  Only the
 *    original is removed (\Deleted and UID EXPUNGE): IMAP_FINISHED, or
 *    IMAP_KEPT without UIDPLUS.  (An unrelated copy of the same mail that
 *    arrived in the same second would be taken for it: the original is
 *    then removed all the same, and dest holds the mail once.)
 * Else it is moved as imap_move() does.  Leaves mailbox selected.
 */
int imap_move_again(struct imap *im, const char *mailbox, uint32_t uid,
    const char *dest, const char *message_id, struct err *err);

/* Sets \Seen.  IMAP_MISSING when there is no such UID. */
int imap_mark_seen(
    struct imap *im, const char *mailbox, uint32_t uid, struct err *err);

/*
 * Sets \Deleted and expunges just that UID (UID EXPUNGE, UIDPLUS); checks
 * that it is gone.  Without UIDPLUS it leaves the flag and returns
 * IMAP_KEPT.  IMAP_MISSING when there is no such UID.
 */
int imap_delete(
    struct imap *im, const char *mailbox, uint32_t uid, struct err *err);

/*
 * Waits for mail with IDLE (RFC 2177; imap_has_idle()) on mailbox, opened
 * read-only first unless it is the one selected: until the server tells of
 * new or expunged mail, seconds (1 to 86400) pass, or *stop (may be NULL)
 * turns non-zero, looked at at least once a second.  Then it ends the IDLE
 * (DONE) and reads the server's answer.  IMAP_NEWS when the server told of
 * changes (in its answer to the commands before too), else 0.  ERR_USAGE
 * when the server has no IDLE; ERR_IO when it refuses or ends it with NO,
 * or the connection fails (which breaks the handle, as for any command).
 * Servers drop a client idle for 30 minutes or more (RFC 2177 says to
 * renew IDLE every 29): the caller calls it again.
 */
int imap_idle(struct imap *im, const char *mailbox, long seconds,
    const volatile sig_atomic_t *stop, struct err *err);

/*
 * For tests: makes bytes the ceiling on every answer of the server (for a
 * fetch, bytes plus max_bytes); 0 restores the defaults, which fit each
 * command (a listing of IMAP_LIST_MAX messages, a mail of max_bytes).
 */
void imap_set_response_limit(struct imap *im, size_t bytes);

#endif
