/*
 * dmarcsift ingest --imap: the mailboxes named by the settings, emptied into
 * the database (ingest/mailbox.c does the work, mailbox_setup() turns the
 * settings into its options; this calls them and reports).
 *
 * Several mailboxes ([mailbox NAME] sections, config.h) are read in turn
 * over one database connection, each with its own lock and its own row in
 * ingest_runs; one that fails is said and the next one goes on.
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

/* "mailbox NAME: " before what is said of a named mailbox. */
static void
name_it(struct err *err, const char *name)
{
	if (name != NULL)
		err_prefix(err, "mailbox %s", name);
}

/*
 * One mailbox, its settings cfg (name: its section, or NULL), on db.
 * Returns its exit status: EXIT_OK, EXIT_SOME_FAILED (mail refused) or
 * EXIT_CANNOT_RUN (it could not be read, or stopped); *db_gone says that
 * the database failed, so the mailboxes after it need not try.
 */
static int
one_mailbox(struct cliopt *co, const struct config *cfg, const char *name,
    struct db *db, int *db_gone)
{
	struct mailbox_setup ms;
	const struct mailbox_opts *o = &ms.opts;
	struct mailbox_counts c;
	struct mailbox_hooks hooks;
	struct watch w = {0};
	struct store *st = NULL;
	struct err err;
	struct timespec t0, t1;
	char command[CONFIG_MAILBOX_NAME_MAX + 32];
	int rc, status = EXIT_OK;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (name != NULL)
		snprintf(command, sizeof(command), "ingest --imap --mailbox %s",
		    name);
	else
		snprintf(command, sizeof(command), "ingest --imap");
	if ((rc = mailbox_setup(&ms, cfg, &err)) < 0 ||
	    (rc = dbconn_store(db, &co->lim, command, &st, &err)) < 0) {
		name_it(&err, name);
		log_error("%s", err.msg);
		*db_gone = rc == ERR_DB;
		mailbox_setup_clear(&ms);
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
		*db_gone = rc < 0;
		return rc < 0 ? EXIT_CANNOT_RUN : EXIT_OK;
	}
	if (rc < 0) {
		*db_gone = rc == ERR_DB;
		name_it(&err, name);
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
		*db_gone = 1;
		status = EXIT_CANNOT_RUN;
	}
	return status;
}

int
ingest_imap(struct cliopt *co)
{
	const struct config *cfg;
	struct config *mcfg;
	struct db *db = NULL;
	struct err err;
	size_t n, failed = 0, ran = 0;
	int rc, status = EXIT_OK, db_gone = 0;

	if ((rc = cliopt_settings(&cfg, &err)) < 0 ||
	    (rc = dbconn_open(co->db, &db, &err)) < 0) {
		log_error("%s", err.msg);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	/* No sections, or --mailbox NAME: the settings are the mailbox's. */
	n = config_str(cfg, CONFIG_MAILBOX) != NULL ? 0
	                                            : config_mailbox_count(cfg);
	if (n == 0) {
		status = one_mailbox(
		    co, cfg, config_str(cfg, CONFIG_MAILBOX), db, &db_gone);
		failed = status == EXIT_CANNOT_RUN;
		ran = 1;
	}
	for (size_t i = 0; i < n && !db_gone; i++) {
		const char *name = config_mailbox_name(cfg, i);

		ran++;
		if (config_for_mailbox(cfg, name, &mcfg, &err) < 0) {
			log_error("%s", err.msg);
			failed++;
			continue;
		}
		rc = one_mailbox(co, mcfg, name, db, &db_gone);
		config_free(mcfg);
		if (rc == EXIT_CANNOT_RUN)
			failed++;
		else if (rc == EXIT_SOME_FAILED)
			status = EXIT_SOME_FAILED;
	}
	/* Some mailboxes failed, others were read: 1, as for refused mail;
	 * none read, or the database gone: 2. */
	if (failed > 0)
		status = failed == ran ? EXIT_CANNOT_RUN : EXIT_SOME_FAILED;
	if (db_gone)
		status = EXIT_CANNOT_RUN;
	if (!db_gone && dbconn_judge_new(db) < 0)
		status = EXIT_CANNOT_RUN;
	db_close(db);
	return status;
}
