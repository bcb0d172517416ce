/*
 * mailbox: one cron run over an IMAP mailbox.
 *
 * Every mail not stored before is fetched without setting \Seen, stored
 * with its reports in one transaction (store_mail(): the mail's row in
 * imap_messages goes with it), and only after the commit moved to the
 * processed folder (or flagged seen, or deleted, as configured).  Mail that
 * yields no report goes to the errors folder; failure and TLS reports to the
 * "other" folder.  A run that dies anywhere loses nothing: the next one
 * finds the stored mail whose action is still to take and takes it.
 *
 * Overlapping runs on one mailbox are kept apart by PostgreSQL advisory
 * locks: the second one finds the mailbox busy and stops at once.  One
 * server has many names (localhost, 127.0.0.1, ::1, a CNAME), so a run
 * takes a lock per key, all or none (pg_try_advisory_lock(1684892019,
 * hashtext(KEY)), in sorted order), and two runs that share any key
 * exclude each other:
 *   - "ACCOUNT MAILBOX", the account as given (user@host);
 *   - "USER@ADDR MAILBOX" for every address the host resolves to
 *     (getaddrinfo, numeric form: 127.0.0.1, [::1]), at most 16.
 * MAILBOX is INBOX in upper case whatever case names it.  The port is not
 * in the key: imap:// and imaps:// reach the same mailbox.  So a run on
 * imaps://localhost takes "dmarc@localhost INBOX", "dmarc@127.0.0.1 INBOX"
 * and "dmarc@[::1] INBOX", and one on imaps://127.0.0.1 (whose account key
 * is its address key) finds the second taken.
 */
#ifndef DMARCSIFT_MAILBOX_H
#define DMARCSIFT_MAILBOX_H

#include "imap.h"

#include <signal.h>
#include <stddef.h>

struct config;
struct db;
struct err;
struct limits;
struct oauth2;
struct store;

enum mailbox_after {
	MAILBOX_MOVE, /* to the processed (or other) folder */
	MAILBOX_SEEN, /* flag \Seen and leave it */
	MAILBOX_DELETE, /* delete it: its bytes are archived in the database */
};

struct mailbox_opts {
	struct imap_opts imap;
	const char *account; /* user@host: names the mailbox's rows */
	const char *mailbox; /* the folder to read, e.g. INBOX */
	/* Folders with '/' between levels, mapped to the server's separator.
	 * other NULL: failure and TLS reports go to processed. */
	const char *processed, *errors, *other;
	enum mailbox_after after;
	size_t batch; /* mails listed and stored per round */
	/* NULL, or a flag (set by a signal handler): once it is non-zero, a
	 * pass stops between two mails, each stored and acted on whole or
	 * not begun, and a wait ends. */
	const volatile sig_atomic_t *stop;
};

struct mailbox_counts {
	unsigned listed; /* mails looked at */
	unsigned stored; /* stored this run */
	unsigned finished; /* stored before; only the action was left */
	unsigned refused; /* stored without a report, moved to errors */
	unsigned skipped; /* failure and TLS reports */
	unsigned actions; /* moves, flags and deletions done */
};

/*
 * Hears about each mail stored (for -v and the progress line): its name
 * ("INBOX uid 42"), and its outcome.  problem() is told each refused part.
 */
struct mailbox_hooks {
	void *arg;
	void (*mail)(void *arg, const char *name, const char *outcome);
	void (*problem)(void *arg, const char *name, const char *where,
	    const struct err *why);
	/* Makes the store of a pass given none, before its first mail is
	 * stored (*out is then the caller of mailbox_pass()'s); NULL when
	 * every pass is given one. */
	int (*store)(void *arg, struct store **out, struct err *err);
};

#define MAILBOX_BUSY 1
#define MAILBOX_STOPPED 2 /* o->stop was set: the pass stopped early */
#define MAILBOX_NEWS 3 /* mailbox_wait(): the server told of new mail */

/*
 * Runs over o->mailbox with store st (on db) and the limits lim (a mail
 * larger than input_bytes is kept cut and refused).  Returns 0 when done,
 * MAILBOX_BUSY when another run holds the mailbox, or a negative err_code
 * (login refused, connection lost, database gone): what was committed
 * stays, and the next run goes on from there.  *c counts what happened,
 * also on failure.
 */
int mailbox_run(const struct mailbox_opts *o, struct db *db, struct store *st,
    const struct limits *lim, const struct mailbox_hooks *hooks,
    struct mailbox_counts *c, struct err *err);

/*
 * The same in steps, for a watcher (ingest --imap --watch) that stays
 * connected: mailbox_open() takes the mailbox's locks on db, connects,
 * logs in and makes the folders (MAILBOX_BUSY, or an error, leave *out
 * NULL); mailbox_pass() stores what is in the mailbox into *st (when *st
 * is NULL, hooks->store makes it at the first mail to store, and it is
 * the caller's after the call); mailbox_wait() waits for mail: with IDLE
 * for at most idle_s seconds where the server has it (MAILBOX_NEWS when
 * it told of mail), else poll_s seconds; mailbox_close() logs out and
 * lets the locks go (NULL does nothing).  o, db, lim and hooks are
 * borrowed until mailbox_close().  A pass or wait that fails on the
 * connection leaves the session fit only for mailbox_close(); one that
 * fails on the database too.  A pass stopped by o->stop returns
 * MAILBOX_STOPPED, everything it stored complete.
 */
struct mailbox;
int mailbox_open(struct mailbox **out, const struct mailbox_opts *o,
    struct db *db, const struct limits *lim, const struct mailbox_hooks *hooks,
    struct err *err);
int mailbox_pass(struct mailbox *mb, struct store **st,
    struct mailbox_counts *c, struct err *err);
int mailbox_wait(struct mailbox *mb, long idle_s, long poll_s, struct err *err);
/* Whether the server offers IDLE (else mailbox_wait() polls). */
int mailbox_has_idle(const struct mailbox *mb);
void mailbox_close(struct mailbox *mb);

/*
 * The mailbox the settings name (imap_*), as mailbox_run() takes it: opts
 * borrow their strings from the config, but for account and the secrets
 * read for the run (a password file or variable, an OAuth2 token), which
 * are the setup's until mailbox_setup_clear() wipes the secrets.
 */
struct mailbox_setup {
	struct mailbox_opts opts;
	char account[512]; /* user@host, the host lower-cased */
	char *password, *token; /* NULL when not set */
	/* imap_oauth2_grant's token source, or NULL: it gives token and
	 * renews it when the server refuses it. */
	struct oauth2 *oauth2;
};

/*
 * Fills ms from cfg.  ERR_USAGE, saying which setting to give, when the
 * server, the user, a password or token, or a folder is missing; what
 * config_imap_password() and config_imap_oauth2_token() return when a
 * secret cannot be read, and oauth2_new() and oauth2_token() when the
 * token endpoint refuses.  ms is to be cleared either way.
 */
int mailbox_setup(
    struct mailbox_setup *ms, const struct config *cfg, struct err *err);
/* Wipes and frees the secrets (a zeroed ms is fine); the other options
 * stay readable. */
void mailbox_setup_clear(struct mailbox_setup *ms);
/*
 * Reads the secret again for a new login of a watcher (ms filled by
 * mailbox_setup() from cfg): a password or token file may have been
 * replaced, a token command gives a new token, an OAuth2 grant one that
 * is not about to expire (from its cache or the endpoint).  Errors as for
 * mailbox_setup(); ms keeps the old secret then.
 */
int mailbox_setup_refresh(
    struct mailbox_setup *ms, const struct config *cfg, struct err *err);

/*
 * The Message-ID of a mail (without angle brackets' surroundings trimmed,
 * unfolded, control characters refused), from its header only; NULL when
 * it has none.  The caller frees the result.  Exposed for tests.
 */
char *mailbox_message_id(const unsigned char *buf, size_t len);

#endif
