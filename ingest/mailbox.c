#include "mailbox.h"

#include "db.h"
#include "err.h"
#include "imap.h"
#include "input_limits.h"
#include "log.h"
#include "store.h"
#include "xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <netdb.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Lock keys: the account's own and one per address of its host. */
#define LOCK_KEYS_MAX 17
#define LOCK_KEY_MAX 1100

struct run {
	const struct mailbox_opts *o;
	struct db *db;
	struct store **st; /* the pass's; *st NULL: hooks->store() makes it */
	const struct limits *lim;
	const struct mailbox_hooks *hooks;
	struct mailbox_counts *c;
	struct imap *im;
	uint32_t uidvalidity;
	/* Folder names as the server spells them. */
	char *processed, *errors, *other;
	const char *cur_name; /* the mail being stored, for problems */
	char keys[LOCK_KEYS_MAX][LOCK_KEY_MAX]; /* see mailbox.h */
	size_t nkeys, locked;
};

/* A Message-ID is at most a header line: RFC 5322's 998 characters. */
#define MSGID_MAX 998

char *
mailbox_message_id(const unsigned char *buf, size_t len)
{
	static const char field[] = "message-id:";
	const size_t flen = sizeof(field) - 1;
	char out[MSGID_MAX + 1];
	size_t i = 0, n = 0;

	while (i < len) {
		size_t eol = i;

		while (eol < len && buf[eol] != '\n')
			eol++;
		/* The header ends at the first empty line. */
		if (eol == i || (eol == i + 1 && buf[i] == '\r'))
			return NULL;
		if (eol - i > flen &&
		    strncasecmp((const char *)buf + i, field, flen) == 0)
			break;
		i = eol + 1;
	}
	if (i >= len)
		return NULL;
	/* The value, unfolded: continuation lines start with a blank. */
	for (i += flen; i < len; i++) {
		unsigned char ch = buf[i];

		if (ch == '\r')
			continue;
		if (ch == '\n') {
			if (i + 1 < len &&
			    (buf[i + 1] == ' ' || buf[i + 1] == '\t'))
				continue;
			break;
		}
		if (ch == ' ' || ch == '\t') {
			if (n > 0 && out[n - 1] != ' ' && n < MSGID_MAX)
				out[n++] = ' ';
			continue;
		}
		/* Control bytes and non-ASCII are not in a Message-ID: keep
		 * nothing rather than something a terminal would act on. */
		if (ch < 0x20 || ch >= 0x7f)
			return NULL;
		if (n >= MSGID_MAX)
			return NULL;
		out[n++] = (char)ch;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (n == 0)
		return NULL;
	out[n] = '\0';
	return xstrdup(out);
}

/* A configured folder name ("DMARC/Processed") in the server's spelling. */
static int
folder_name(const char *name, char sep, char **out, struct err *err)
{
	char *s = xstrdup(name);

	if (sep != '/') {
		for (char *p = s; *p != '\0'; p++) {
			if (*p != '/')
				continue;
			if (sep == '\0') {
				free(s);
				return err_set(err, ERR_USAGE,
				    "imap: folder '%s' has levels, but the "
				    "server has no hierarchy; choose a name "
				    "without '/'",
				    name);
			}
			*p = sep;
		}
	}
	*out = s;
	return 0;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Adds "user@host MAILBOX" (host NULL: "user MAILBOX") to the keys
 * unless it is there (or too long). */
static void
add_key(struct run *r, const char *user, size_t ulen, const char *host)
{
	const char *mbox = r->o->mailbox;
	char *k;
	int n;

	if (r->nkeys == LOCK_KEYS_MAX)
		return;
	if (strcasecmp(mbox, "INBOX") == 0)
		mbox = "INBOX";
	k = r->keys[r->nkeys];
	n = snprintf(k, LOCK_KEY_MAX, "%.*s%s%s %s", (int)ulen, user,
	    host != NULL ? "@" : "", host != NULL ? host : "", mbox);
	if (n < 0 || n >= LOCK_KEY_MAX)
		return;
	for (size_t i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i], k) == 0)
			return;
	r->nkeys++;
}

/*
 * The lock keys (see mailbox.h): the account as named, then the account
 * at every address its host resolves to.  A host that does not resolve
 * gives only the first; the connection will say what is wrong.
 */
static void
lock_keys(struct run *r)
{
	const char *account = r->o->account, *at = strrchr(account, '@');
	char host[NI_MAXHOST], addr[NI_MAXHOST];
	struct addrinfo hints, *res = NULL, *ai;
	size_t hlen, ulen;
	int rc;

	r->nkeys = 0;
	add_key(r, account, strlen(account), NULL);
	if (at == NULL)
		return;
	ulen = (size_t)(at - account);
	hlen = strlen(at + 1);
	/* An IPv6 literal is named in brackets. */
	if (hlen >= 2 && at[1] == '[' && at[hlen] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(hlen - 2), at + 2);
	else
		snprintf(host, sizeof(host), "%s", at + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		log_debug("imap: cannot resolve %s for the mailbox lock: %s",
		    host, gai_strerror(rc));
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		char bracketed[NI_MAXHOST + 2];

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		        NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		if (ai->ai_family == AF_INET6) {
			snprintf(bracketed, sizeof(bracketed), "[%s]", addr);
			add_key(r, account, ulen, bracketed);
		} else
			add_key(r, account, ulen, addr);
	}
	freeaddrinfo(res);
	/* The same order for every run: no two wait on each other. */
	qsort(r->keys, r->nkeys, sizeof(r->keys[0]), cmp_key);
}

static void
unlock_mailbox(struct run *r)
{
	while (r->locked > 0)
		store_mailbox_unlock(r->db, r->keys[--r->locked]);
}

/* Takes every key of the mailbox's lock, or none (*got 0: busy). */
static int
lock_mailbox(struct run *r, int *got, struct err *err)
{
	int rc = 0, yes = 1;

	*got = 0;
	lock_keys(r);
	r->locked = 0;
	while (r->locked < r->nkeys) {
		rc = store_mailbox_lock(r->db, r->keys[r->locked], &yes, err);
		if (rc < 0 || !yes)
			break;
		r->locked++;
	}
	*got = r->locked == r->nkeys;
	if (!*got)
		unlock_mailbox(r);
	return rc;
}

/* Where a mail goes after being stored with outcome. */
static const char *
destination(const struct run *r, const char *outcome)
{
	if (strcmp(outcome, "refused") == 0)
		return r->errors;
	if (strcmp(outcome, "skipped") == 0 && r->other != NULL)
		return r->other;
	return r->processed;
}

/* The mailbox as imap_messages names it; uid for one mail. */
static struct store_mail
where(const struct run *r, uint32_t uid)
{
	struct store_mail m = {
	    r->o->account, r->o->mailbox, r->uidvalidity, uid, NULL};

	return m;
}

static int
mark_done(struct run *r, uint32_t uid, const char *action, struct err *err)
{
	struct store_mail m = where(r, uid);

	return store_mailbox_acted(r->db, &m, action, err);
}

/*
 * Takes the action for a stored mail: refused mail always goes to the
 * errors folder, for a person to look at; the rest as configured.  again:
 * a run that died may have taken it in part (the mail's Message-ID in
 * msgid, or NULL), so a move looks first whether it happened.
 */
static int
act(struct run *r, uint32_t uid, const char *outcome, int again,
    const char *msgid, struct err *err)
{
	char action[512];
	int rc;

	if (strcmp(outcome, "refused") == 0 || r->o->after == MAILBOX_MOVE) {
		const char *dest = destination(r, outcome);

		rc = again ? imap_move_again(
		                 r->im, r->o->mailbox, uid, dest, msgid, err)
		           : imap_move(r->im, r->o->mailbox, uid, dest, err);
		snprintf(action, sizeof(action), "moved to %s", dest);
		if (rc == IMAP_FINISHED) {
			/* The copy an earlier run made; the original went now.
			 */
			snprintf(action, sizeof(action),
			    "moved to %s (copied by an earlier run)", dest);
			rc = 0;
		}
	} else if (r->o->after == MAILBOX_SEEN) {
		rc = imap_mark_seen(r->im, r->o->mailbox, uid, err);
		snprintf(action, sizeof(action), "marked seen");
	} else {
		rc = imap_delete(r->im, r->o->mailbox, uid, err);
		snprintf(action, sizeof(action), "deleted");
	}
	if (rc < 0)
		return err_prefix(err, "%s uid %" PRIu32, r->o->mailbox, uid);
	if (rc == IMAP_MISSING)
		snprintf(action, sizeof(action), "gone from the mailbox");
	else if (rc == IMAP_KEPT)
		/* No UIDPLUS: copied and flagged, the expunge is the user's. */
		strncat(action, " (flagged \\Deleted, not expunged)",
		    sizeof(action) - strlen(action) - 1);
	else
		r->c->actions++;
	return mark_done(r, uid, action, err);
}

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	struct run *r = arg;

	if (r->hooks != NULL && r->hooks->problem != NULL)
		r->hooks->problem(r->hooks->arg, r->cur_name, where, why);
}

/* Fetches and stores one new mail, then takes its action. */
static int
store_one(struct run *r, const struct imap_msg *m, struct err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int truncated = 0, rc;
	char name[1200], *msgid;
	struct store_counts counts;
	struct store_mail mail;
	const char *outcome;

	snprintf(name, sizeof(name), "%s %s uid %" PRIu32, r->o->account,
	    r->o->mailbox, m->uid);
	if (*r->st == NULL) {
		/* A watcher's pass makes its run's row only when it stores. */
		if (r->hooks == NULL || r->hooks->store == NULL)
			return err_set(err, ERR_USAGE,
			    "mailbox: no store to put the mail in");
		if ((rc = r->hooks->store(r->hooks->arg, r->st, err)) < 0)
			return rc;
	}
	rc = imap_fetch(r->im, r->o->mailbox, m->uid, r->lim->input_bytes, &buf,
	    &len, &truncated, err);
	if (rc == IMAP_MISSING)
		return 0; /* moved or expunged meanwhile: nothing to do */
	if (rc < 0)
		return err_prefix(
		    err, "%s uid %" PRIu32, r->o->mailbox, m->uid);
	msgid = mailbox_message_id(buf, len);
	mail.account = r->o->account;
	mail.mailbox = r->o->mailbox;
	mail.uidvalidity = r->uidvalidity;
	mail.uid = m->uid;
	mail.message_id = msgid;
	r->cur_name = name;
	rc = store_mail(*r->st, buf, len, !truncated, "imap", name, &mail,
	    on_problem, r, &counts, err);
	free(buf);
	free(msgid);
	if (rc < 0)
		return rc;
	outcome = store_outcome(*r->st);
	r->c->stored++;
	if (strcmp(outcome, "refused") == 0)
		r->c->refused++;
	else if (strcmp(outcome, "skipped") == 0)
		r->c->skipped++;
	if (r->hooks != NULL && r->hooks->mail != NULL)
		r->hooks->mail(r->hooks->arg, name, outcome);
	return act(r, m->uid, outcome, 0, NULL, err);
}

static const struct store_mailbox_row *
find_known(const struct store_mailbox_known *ks, uint32_t uid)
{
	for (size_t i = 0; i < ks->n; i++)
		if (ks->row[i].uid == uid)
			return &ks->row[i];
	return NULL;
}

/* What the database knows of a batch of mails. */
static int
lookup_batch(struct run *r, const struct imap_msg *msgs, size_t n,
    struct store_mailbox_known *ks, struct err *err)
{
	uint32_t *uids = xcalloc(n ? n : 1, sizeof(*uids));
	struct store_mail m = where(r, 0);
	int rc;

	for (size_t i = 0; i < n; i++)
		uids[i] = msgs[i].uid;
	rc = store_mailbox_known(r->db, &m, uids, n, ks, err);
	free(uids);
	return rc;
}

/* The same folder under two names: INBOX is case-insensitive. */
static int
same_folder(const char *a, const char *b)
{
	if (strcasecmp(a, "INBOX") == 0 || strcasecmp(b, "INBOX") == 0)
		return strcasecmp(a, b) == 0;
	return strcmp(a, b) == 0;
}

/* The folders in the server's spelling, made where missing. */
static int
prepare(struct run *r, struct err *err)
{
	const struct mailbox_opts *o = r->o;
	char sep;
	int rc;

	if ((rc = imap_separator(r->im, &sep, err)) < 0 ||
	    (rc = folder_name(o->processed, sep, &r->processed, err)) < 0 ||
	    (rc = folder_name(o->errors, sep, &r->errors, err)) < 0 ||
	    (o->other != NULL &&
	        (rc = folder_name(o->other, sep, &r->other, err)) < 0))
		return rc;
	/* Moving mail into the folder it is read from would go round for
	 * ever: each move gives it a new, higher UID. */
	if (same_folder(r->errors, o->mailbox) ||
	    (o->after == MAILBOX_MOVE &&
	        (same_folder(r->processed, o->mailbox) ||
	            (r->other != NULL && same_folder(r->other, o->mailbox)))))
		return err_set(err, ERR_USAGE,
		    "imap: the folders for processed mail, errors and other "
		    "reports must not be the mailbox read ('%s')",
		    o->mailbox);
	if ((rc = imap_create(r->im, r->errors, err)) < 0 ||
	    (o->after == MAILBOX_MOVE &&
	        ((rc = imap_create(r->im, r->processed, err)) < 0 ||
	            (r->other != NULL &&
	                (rc = imap_create(r->im, r->other, err)) < 0))))
		return rc;
	return 0;
}

static int
stopped(const struct run *r)
{
	return r->o->stop != NULL && *r->o->stop;
}

/* One pass over the mailbox: every mail there when it began. */
static int
pass(struct run *r, struct err *err)
{
	const struct mailbox_opts *o = r->o;
	struct imap_status status;
	struct store_mail m;
	uint32_t after = 0;
	int rc;

	if ((rc = imap_examine(r->im, o->mailbox, &status, err)) < 0)
		return rc;
	r->uidvalidity = status.uidvalidity;
	for (;;) {
		struct imap_msg *msgs = NULL;
		struct store_mailbox_known ks = {NULL, 0};
		size_t n = 0;

		if ((rc = imap_list(r->im, o->mailbox, after, o->batch, &msgs,
		         &n, err)) < 0)
			return rc;
		if (n == 0) {
			free(msgs);
			break;
		}
		if ((rc = lookup_batch(r, msgs, n, &ks, err)) < 0) {
			free(msgs);
			free(ks.row);
			return rc;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			const struct store_mailbox_row *k =
			    find_known(&ks, msgs[i].uid);

			/* Between two mails, each stored and acted on whole
			 * (or not begun). */
			if (stopped(r)) {
				rc = MAILBOX_STOPPED;
				break;
			}

			after = msgs[i].uid;
			r->c->listed++;
			if (k != NULL && k->done)
				continue; /* kept in place (seen mode) */
			if (k != NULL) {
				/* Stored by a run that died before acting. */
				r->c->finished++;
				rc = act(r, k->uid, k->outcome, 1,
				    k->message_id[0] != '\0' ? k->message_id
				                             : NULL,
				    err);
				continue;
			}
			rc = store_one(r, &msgs[i], err);
		}
		free(msgs);
		free(ks.row);
		if (rc != 0)
			return rc;
	}
	m = where(r, 0);
	/* Mail stored but not acted on that the whole pass did not find
	 * (moved by hand), or of an older UIDVALIDITY: its action is void.
	 * UIDs below the bound were there to be listed when the pass began. */
	return store_mailbox_forget(
	    r->db, &m, status.uidnext > 0 ? status.uidnext : after + 1, err);
}

struct mailbox {
	struct run r;
};

int
mailbox_open(struct mailbox **out, const struct mailbox_opts *o, struct db *db,
    const struct limits *lim, const struct mailbox_hooks *hooks,
    struct err *err)
{
	struct mailbox *mb = xcalloc(1, sizeof(*mb));
	struct run *r = &mb->r;
	int got, rc;

	*out = NULL;
	r->o = o;
	r->db = db;
	r->lim = lim;
	r->hooks = hooks;
	if ((rc = lock_mailbox(r, &got, err)) < 0 || !got) {
		free(mb);
		return rc < 0 ? rc : MAILBOX_BUSY;
	}
	if ((rc = imap_open(&r->im, &o->imap, err)) < 0 ||
	    (rc = prepare(r, err)) < 0) {
		mailbox_close(mb);
		return rc;
	}
	*out = mb;
	return 0;
}

int
mailbox_pass(struct mailbox *mb, struct store **st, struct mailbox_counts *c,
    struct err *err)
{
	memset(c, 0, sizeof(*c));
	mb->r.st = st;
	mb->r.c = c;
	return pass(&mb->r, err);
}

int
mailbox_wait(struct mailbox *mb, long idle_s, long poll_s, struct err *err)
{
	const struct mailbox_opts *o = mb->r.o;
	struct timespec slice = {1, 0};
	int rc;

	if (imap_has_idle(mb->r.im)) {
		rc = imap_idle(mb->r.im, o->mailbox, idle_s, o->stop, err);
		return rc == IMAP_NEWS ? MAILBOX_NEWS : rc;
	}
	/* No IDLE: the next pass is the look.  A second at a time, so that
	 * a stop is heard. */
	for (long i = 0; i < poll_s && !stopped(&mb->r); i++)
		nanosleep(&slice, NULL);
	return 0;
}

int
mailbox_has_idle(const struct mailbox *mb)
{
	return imap_has_idle(mb->r.im);
}

void
mailbox_close(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	imap_close(mb->r.im);
	unlock_mailbox(&mb->r);
	free(mb->r.processed);
	free(mb->r.errors);
	free(mb->r.other);
	free(mb);
}

int
mailbox_run(const struct mailbox_opts *o, struct db *db, struct store *st,
    const struct limits *lim, const struct mailbox_hooks *hooks,
    struct mailbox_counts *c, struct err *err)
{
	struct mailbox *mb;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = mailbox_open(&mb, o, db, lim, hooks, err)) != 0)
		return rc;
	rc = mailbox_pass(mb, &st, c, err);
	mailbox_close(mb);
	return rc;
}
