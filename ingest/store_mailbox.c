/*
 * store_mailbox: the rows and locks a mailbox run keeps beside what it
 * stores (imap_messages, the mailbox's advisory locks); see store.h.  The
 * SQL of mailbox.c lives here, so that mailbox.c speaks IMAP and calls
 * the store.
 */
#include "store.h"

#include "db.h"
#include "err.h"
#include "locks.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
store_mailbox_lock(struct db *db, const char *key, int *got, struct err *err)
{
	const char *params[] = {key};
	char *v = NULL;
	int rc;

	rc = db_value(db,
	    "SELECT pg_try_advisory_lock(" LOCK_CLASS_MAILBOX ", hashtext($1))",
	    1, params, &v, err);
	*got = rc == 0 && v != NULL && strcmp(v, "t") == 0;
	free(v);
	return rc;
}

void
store_mailbox_unlock(struct db *db, const char *key)
{
	const char *params[] = {key};
	struct err ignored;

	/* Only a lost connection fails here, and that frees the lock. */
	(void)db_exec(db,
	    "SELECT pg_advisory_unlock(" LOCK_CLASS_MAILBOX ", hashtext($1))",
	    1, params, &ignored);
}

int
store_mailbox_acted(struct db *db, const struct store_mail *m,
    const char *action, struct err *err)
{
	char uv[16], u[16];
	const char *params[] = {m->account, m->mailbox, uv, u, action};

	snprintf(uv, sizeof(uv), "%" PRIu32, m->uidvalidity);
	snprintf(u, sizeof(u), "%" PRIu32, m->uid);
	return db_exec(db,
	    "UPDATE imap_messages SET action = $5, done_at = now() WHERE "
	    "account = $1 AND mailbox = $2 AND uidvalidity = $3 AND uid = $4",
	    5, params, err);
}

static int
add_known(void *arg, int ncols, const char *const *v, struct err *err)
{
	struct store_mailbox_known *ks = arg;
	struct store_mailbox_row *k = &ks->row[ks->n++];

	k->uid = (uint32_t)strtoul(v[0], NULL, 10);
	k->done = strcmp(v[1], "t") == 0;
	snprintf(k->outcome, sizeof(k->outcome), "%s", v[2]);
	if (v[3] != NULL && strlen(v[3]) < sizeof(k->message_id))
		memcpy(k->message_id, v[3], strlen(v[3]) + 1);
	return 0;
}

int
store_mailbox_known(struct db *db, const struct store_mail *where,
    const uint32_t *uids, size_t n, struct store_mailbox_known *out,
    struct err *err)
{
	/* {uid,uid,...}: at most 11 bytes a UID. */
	char *list = xmalloc(n * 11 + 3), *p = list, uv[16];
	const char *params[] = {where->account, where->mailbox, uv, list};
	int rc;

	snprintf(uv, sizeof(uv), "%" PRIu32, where->uidvalidity);
	*p++ = '{';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%" PRIu32, i ? "," : "", uids[i]);
	*p++ = '}';
	*p = '\0';
	out->row = xcalloc(n ? n : 1, sizeof(*out->row));
	out->n = 0;
	rc = db_each(db,
	    "SELECT uid, done_at IS NOT NULL, outcome, message_id FROM "
	    "imap_messages "
	    "WHERE account = $1 AND mailbox = $2 AND uidvalidity = $3 AND "
	    "uid = ANY($4::bigint[])",
	    4, params, add_known, out, err);
	free(list);
	return rc;
}

int
store_mailbox_forget(struct db *db, const struct store_mail *where,
    uint32_t bound, struct err *err)
{
	char uv[16], b[16];
	const char *params[] = {where->account, where->mailbox, uv, b};

	snprintf(uv, sizeof(uv), "%" PRIu32, where->uidvalidity);
	snprintf(b, sizeof(b), "%" PRIu32, bound);
	return db_exec(db,
	    "UPDATE imap_messages SET action = 'gone from the mailbox', "
	    "done_at = now() WHERE account = $1 AND mailbox = $2 AND "
	    "done_at IS NULL AND (uidvalidity <> $3 OR uid < $4)",
	    4, params, err);
}

int
store_close_dead_runs(struct db *db, unsigned *closed, struct err *err)
{
	char *n = NULL;
	int rc;

	*closed = 0;
	if ((rc = db_value(db, "SELECT close_dead_runs()", 0, NULL, &n, err)) ==
	        0 &&
	    n != NULL)
		*closed = (unsigned)strtoul(n, NULL, 10);
	free(n);
	return rc;
}
