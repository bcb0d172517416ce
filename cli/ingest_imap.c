/*
 * dmarcsift ingest --imap: the mailbox named by the settings, emptied into
 * the database (ingest/mailbox.c does the work, mailbox_setup() turns the
 * settings into its options; this calls them and reports).
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
#include "progress.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct watch {
	int progress; /* a terminal is watching */
	unsigned n;
};

static void
on_mail(void *arg, const char *name, const char *outcome)
{
	struct watch *w = arg;

	w->n++;
	progress_show(w->progress, "[%u] %.70s", w->n, name);
	log_info("%s: %s", name, outcome);
}

static void
on_problem(
    void *arg, const char *name, const char *where, const struct err *why)
{
	struct watch *w = arg;

	progress_end(w->progress);
	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", name, why->msg);
	else
		log_error("%s: %s", name, why->msg);
}

int
ingest_imap(struct cliopt *co)
{
	const struct config *cfg;
	struct mailbox_setup ms;
	const struct mailbox_opts *o = &ms.opts;
	struct mailbox_counts c;
	struct mailbox_hooks hooks;
	struct watch w = {0};
	struct store *st = NULL;
	struct db *db = NULL;
	struct err err;
	struct timespec t0, t1;
	int rc, status = EXIT_OK;

	memset(&ms, 0, sizeof(ms));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = cliopt_settings(&cfg, &err)) < 0 ||
	    (rc = mailbox_setup(&ms, cfg, &err)) < 0 ||
	    (rc = dbconn_open(co->db, &db, &err)) < 0 ||
	    (rc = dbconn_store(db, &co->lim, "ingest --imap", &st, &err)) < 0) {
		log_error("%s", err.msg);
		mailbox_setup_clear(&ms);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	w.progress = isatty(STDERR_FILENO) && log_verbosity() == 1;
	hooks.arg = &w;
	hooks.mail = on_mail;
	hooks.problem = on_problem;
	rc = mailbox_run(o, db, st, &co->lim, &hooks, &c, &err);
	/* The secrets go now; the names in o stay for the lines below. */
	mailbox_setup_clear(&ms);
	progress_end(w.progress);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == MAILBOX_BUSY) {
		/* cron started us while the last run still works: fine. */
		log_warn("%s %s: another run is reading this mailbox; nothing "
		         "to do",
		    ms.account, o->mailbox);
		rc = store_finish(st, &err);
		db_close(db);
		return rc < 0 ? EXIT_CANNOT_RUN : EXIT_OK;
	}
	if (rc < 0) {
		log_error("%s; stopped (mail stored so far is complete; the "
		          "next run goes on)",
		    err.msg);
		store_failed(st, err.msg);
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
		    ms.account, o->mailbox, c.stored, c.finished, c.refused,
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
