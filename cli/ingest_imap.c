/*
 * dmarcsift ingest --imap: the mailbox named by the settings, emptied into
 * the database (ingest/mailbox.c does the work; this turns settings into
 * its options and reports).
 */
#include "ingest_imap.h"

#include "cliopt.h"
#include "commands.h"
#include "config.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "mailbox.h"
#include "store.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct watch {
	int progress; /* a terminal is watching */
	unsigned n;
};

static void
progress_clear(struct watch *w)
{
	if (w->progress)
		fputs("\r\033[K", stderr);
}

static void
on_mail(void *arg, const char *name, const char *outcome)
{
	struct watch *w = arg;

	w->n++;
	if (w->progress) {
		fprintf(stderr, "\r\033[K[%u] %.70s", w->n, name);
		fflush(stderr);
	}
	log_info("%s: %s", name, outcome);
}

static void
on_problem(
    void *arg, const char *name, const char *where, const struct err *why)
{
	struct watch *w = arg;

	progress_clear(w);
	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", name, why->msg);
	else
		log_error("%s: %s", name, why->msg);
}

/*
 * "user@host" from the URL (scheme://host[:port][/]) and the user: the
 * mailbox's identity in imap_messages, the same over imaps:// and imap://.
 */
static void
account_name(const char *url, const char *user, char *out, size_t len)
{
	const char *host = strstr(url, "://");
	size_t hlen;

	host = host ? host + 3 : url;
	if (host[0] == '[')
		hlen = strcspn(host, "]") + 1; /* an IPv6 literal */
	else
		hlen = strcspn(host, ":/");
	snprintf(out, len, "%s@%.*s", user, (int)hlen, host);
	/* Host names are case-insensitive: one spelling, one account. */
	for (char *p = strrchr(out, '@') + 1; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

/* The mailbox options from the settings; secrets are the caller's. */
static int
options(const struct config *cfg, struct mailbox_opts *o, char *account,
    size_t alen, char **password, char **token, struct err *err)
{
	const char *url = config_str(cfg, CONFIG_IMAP_URL);
	const char *user = config_str(cfg, CONFIG_IMAP_USER);
	int rc;

	*password = *token = NULL;
	if (url == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no server; set imap_url in the config "
		    "file or give --imap-url imaps://HOST");
	if (user == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no user; set imap_user or give "
		    "--imap-user NAME");
	if ((rc = config_imap_password(cfg, password, err)) < 0 ||
	    (rc = config_imap_oauth2_token(cfg, token, err)) < 0)
		return rc;
	if (*password == NULL && *token == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: no password or token; set "
		    "imap_password_file, imap_password_env, "
		    "imap_oauth2_token_file or imap_oauth2_token_command");
	memset(o, 0, sizeof(*o));
	o->imap.url = url;
	o->imap.user = user;
	o->imap.password = *password;
	o->imap.oauth2_token = *token;
	o->imap.cafile = config_str(cfg, CONFIG_IMAP_CAFILE);
	o->imap.tls_noverify = !config_bool(cfg, CONFIG_IMAP_TLS_VERIFY);
	o->imap.allow_plain = config_bool(cfg, CONFIG_IMAP_ALLOW_PLAIN);
	o->imap.connect_timeout_s =
	    config_int(cfg, CONFIG_IMAP_CONNECT_TIMEOUT);
	o->imap.timeout_s = config_int(cfg, CONFIG_IMAP_TIMEOUT);
	account_name(url, user, account, alen);
	o->account = account;
	o->mailbox = config_str(cfg, CONFIG_IMAP_MAILBOX);
	o->processed = config_str(cfg, CONFIG_IMAP_PROCESSED);
	o->errors = config_str(cfg, CONFIG_IMAP_ERRORS);
	o->other = config_str(cfg, CONFIG_IMAP_OTHER);
	if (o->mailbox == NULL || o->processed == NULL || o->errors == NULL)
		return err_set(err, ERR_USAGE,
		    "ingest --imap: imap_mailbox, imap_processed and "
		    "imap_errors must not be empty");
	switch (config_enum(cfg, CONFIG_IMAP_AFTER)) {
	case CONFIG_AFTER_SEEN:
		o->after = MAILBOX_SEEN;
		break;
	case CONFIG_AFTER_DELETE:
		o->after = MAILBOX_DELETE;
		break;
	default:
		o->after = MAILBOX_MOVE;
		break;
	}
	o->batch = (size_t)config_int(cfg, CONFIG_IMAP_BATCH);
	return 0;
}

int
ingest_imap(struct cliopt *co)
{
	const struct config *cfg;
	struct mailbox_opts o;
	struct mailbox_counts c;
	struct mailbox_hooks hooks;
	struct watch w = {0};
	struct store *st = NULL;
	struct db *db = NULL;
	struct err err;
	struct timespec t0, t1;
	char account[512], *password = NULL, *token = NULL;
	int rc, status = EXIT_OK;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = cliopt_settings(&cfg, &err)) < 0 ||
	    (rc = options(cfg, &o, account, sizeof(account), &password, &token,
	         &err)) < 0 ||
	    (rc = dbconn_open(co->db, &db, &err)) < 0 ||
	    (rc = dbconn_store(db, &co->lim, "ingest --imap", &st, &err)) < 0) {
		log_error("%s", err.msg);
		config_secret_free(password);
		config_secret_free(token);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	w.progress = isatty(STDERR_FILENO) && log_verbosity() == 1;
	hooks.arg = &w;
	hooks.mail = on_mail;
	hooks.problem = on_problem;
	rc = mailbox_run(&o, db, st, &co->lim, &hooks, &c, &err);
	config_secret_free(password);
	config_secret_free(token);
	progress_clear(&w);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == MAILBOX_BUSY) {
		/* cron started us while the last run still works: fine. */
		log_warn("%s %s: another run is reading this mailbox; nothing "
		         "to do",
		    account, o.mailbox);
		rc = store_finish(st, &err);
		db_close(db);
		return rc < 0 ? EXIT_CANNOT_RUN : EXIT_OK;
	}
	if (rc < 0) {
		log_error("%s; stopped (mail stored so far is complete; the "
		          "next run goes on)",
		    err.msg);
		status = EXIT_CANNOT_RUN;
	} else if (store_totals(st)->refused > 0 || c.refused > 0) {
		/* Some part of some mail refused, as for files; or a copy of a
		 * refused mail went to the errors folder again. */
		status = EXIT_SOME_FAILED;
	}
	if (log_verbosity() > 0 && (rc >= 0 || c.listed > 0)) {
		const struct store_counts *t = store_totals(st);

		printf("%s %s: %u mail(s) stored, %u finished from an earlier "
		       "run, %u refused, %u failure/TLS report(s); %u "
		       "report(s) new, %u already stored; %.1f s\n",
		    account, o.mailbox, c.stored, c.finished, c.refused,
		    c.skipped, t->reports_new, t->reports_duplicate,
		    (double)(t1.tv_sec - t0.tv_sec) +
		        (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	if (store_finish(st, &err) < 0) {
		log_error("%s", err.msg);
		status = EXIT_CANNOT_RUN;
	}
	if (dbconn_judge_new(db) < 0)
		status = EXIT_CANNOT_RUN;
	db_close(db);
	return status;
}
