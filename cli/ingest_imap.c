/*
 * dmarcsift ingest --imap: the mailboxes named by the settings, emptied into
 * the database (ingest/mailbox.c does the work, mailbox_setup() turns the
 * settings into its options; this calls them and reports).
 *
 * Several mailboxes ([mailbox NAME] sections, config.h) are read in turn
 * over one database connection, each with its own lock and its own row in
 * ingest_runs; one that fails is said and the next one goes on.
 *
 * --watch stays connected and stores mail as it arrives (ingest_watch()
 * below): one process per mailbox, each a loop of pass, wait (IDLE or a
 * poll), and on trouble a new connection after a pause that doubles.
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

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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

/* The line that says what a run (or a watcher's pass) stored, since t0. */
static void
say_counts(const struct mailbox_setup *ms, const struct mailbox_counts *c,
    const struct store *st, const struct timespec *t0)
{
	const struct store_counts *t = store_totals(st);
	struct timespec t1;

	if (log_verbosity() <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%s %s: %u mail(s) stored, %u finished from an earlier run, %u "
	       "refused, %u failure/TLS report(s); %u report(s) new, %u "
	       "already stored; %.1f s\n",
	    ms->account, ms->opts.mailbox, c->stored, c->finished, c->refused,
	    c->skipped, t->reports_new, t->reports_duplicate,
	    (double)(t1.tv_sec - t0->tv_sec) +
	        (double)(t1.tv_nsec - t0->tv_nsec) / 1e9);
	fflush(stdout);
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
	struct mailbox_hooks hooks = {0};
	struct watch w = {0};
	struct store *st = NULL;
	struct err err;
	struct timespec t0;
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
	if (rc >= 0 || c.listed > 0)
		say_counts(&ms, &c, st, &t0);
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

/* ------------------------------------------------------------------------
 * --watch. */

/* Backoff between connections: 1 s doubling to 5 min, back to 1 s after a
 * pass that went well. */
#define BACKOFF_MIN 1
#define BACKOFF_MAX 300

/* Set by SIGTERM and SIGINT: the watcher stops between two mails. */
static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* No SA_RESTART: a wait in poll() or waitpid() ends at once. */
static void
catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Sleeps seconds, a second at a time, unless told to stop. */
static void
nap(long seconds)
{
	struct timespec one = {1, 0};

	for (long i = 0; i < seconds && !stop_flag; i++)
		nanosleep(&one, NULL);
}

struct watcher {
	struct cliopt *co;
	const char *name; /* the section, or NULL */
	struct mailbox_setup ms;
	struct db *db;
	struct watch w;
	struct timespec t0; /* the pass's start */
};

/* mailbox_hooks.store: a pass's run row, made when it has mail to store. */
static int
new_store(void *arg, struct store **out, struct err *err)
{
	struct watcher *wr = arg;
	char command[CONFIG_MAILBOX_NAME_MAX + 48];

	if (wr->name != NULL)
		snprintf(command, sizeof(command),
		    "ingest --imap --watch --mailbox %s", wr->name);
	else
		snprintf(command, sizeof(command), "ingest --imap --watch");
	return dbconn_store(wr->db, &wr->co->lim, command, out, err);
}

static void
watch_mail(void *arg, const char *name, const char *outcome)
{
	struct watcher *wr = arg;

	on_mail(&wr->w, name, outcome);
}

static void
watch_problem(
    void *arg, const char *name, const char *where, const struct err *why)
{
	struct watcher *wr = arg;

	on_problem(&wr->w, name, where, why);
}

/*
 * The end of a pass: its run row closed (failed when rc says so) and its
 * new records judged.  -1 when the database failed.
 */
static int
pass_done(struct watcher *wr, struct store *st, const struct mailbox_counts *c,
    int rc, const struct err *why)
{
	struct err err;

	if (st == NULL)
		return 0;
	if (rc < 0)
		store_failed(st, why->msg);
	say_counts(&wr->ms, c, st, &wr->t0);
	if (store_finish(st, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return dbconn_judge_new(wr->db);
}

/*
 * One session: connected and logged in, passes and waits until the
 * connection fails (0: connect again), a stop (0), or trouble no new
 * connection mends (-1: said).  *good: a pass went well.
 */
static int
session(
    struct watcher *wr, long idle_s, long poll_s, int *good, struct err *err)
{
	const struct mailbox_opts *o = &wr->ms.opts;
	struct mailbox_hooks hooks = {wr, watch_mail, watch_problem, new_store};
	struct mailbox_counts c;
	struct mailbox *mb;
	struct store *st;
	int rc;

	rc = mailbox_open(&mb, o, wr->db, &wr->co->lim, &hooks, err);
	if (rc == MAILBOX_BUSY) {
		err_set(err, ERR_IO,
		    "%s %s: another run is reading this mailbox",
		    wr->ms.account, o->mailbox);
		return 0;
	}
	if (rc < 0)
		return rc == ERR_USAGE || rc == ERR_DB ? -1 : 0;
	if (mailbox_has_idle(mb))
		log_info("%s %s: watching (IDLE, renewed every %ld s)",
		    wr->ms.account, o->mailbox, idle_s);
	else
		log_info("%s %s: watching (the server has no IDLE: a look "
		         "every %ld s)",
		    wr->ms.account, o->mailbox, poll_s);
	while (!stop_flag) {
		clock_gettime(CLOCK_MONOTONIC, &wr->t0);
		st = NULL;
		rc = mailbox_pass(mb, &st, &c, err);
		progress_end(wr->w.progress);
		if (pass_done(wr, st, &c, rc, err) < 0) {
			rc = ERR_DB;
			break;
		}
		if (rc < 0 || rc == MAILBOX_STOPPED)
			break;
		*good = 1;
		if ((rc = mailbox_wait(mb, idle_s, poll_s, err)) < 0)
			break;
	}
	mailbox_close(mb);
	if (rc == ERR_DB || rc == ERR_USAGE)
		return -1;
	return 0;
}

/* The watcher of one mailbox, its settings cfg; returns the exit status. */
static int
watch_one(struct cliopt *co, const struct config *cfg, const char *name)
{
	struct watcher wr;
	struct err err;
	long idle_s = (long)config_int(cfg, CONFIG_IMAP_IDLE_INTERVAL);
	long poll_s = (long)config_int(cfg, CONFIG_IMAP_POLL_INTERVAL);
	long backoff = BACKOFF_MIN;
	int rc, good, status = EXIT_OK;

	memset(&wr, 0, sizeof(wr));
	wr.co = co;
	wr.name = name;
	wr.w.progress = 0;
	if ((rc = mailbox_setup(&wr.ms, cfg, &err)) < 0 ||
	    (rc = dbconn_open(co->db, &wr.db, &err)) < 0) {
		name_it(&err, name);
		log_error("%s", err.msg);
		mailbox_setup_clear(&wr.ms);
		db_close(wr.db);
		return EXIT_CANNOT_RUN;
	}
	wr.ms.opts.stop = &stop_flag;
	for (int first = 1; !stop_flag; first = 0) {
		if (!first &&
		    (rc = mailbox_setup_refresh(&wr.ms, cfg, &err)) ==
		        ERR_USAGE) {
			status = EXIT_CANNOT_RUN;
			break;
		}
		good = 0;
		if (rc >= 0 &&
		    (rc = session(&wr, idle_s, poll_s, &good, &err)) < 0) {
			status = EXIT_CANNOT_RUN;
			break;
		}
		if (stop_flag)
			break;
		if (good)
			backoff = BACKOFF_MIN;
		name_it(&err, name);
		log_warn("%s; connecting again in %ld s", err.msg, backoff);
		nap(backoff);
		backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
	}
	if (status != EXIT_OK) {
		name_it(&err, name);
		log_error("%s; the watcher stops", err.msg);
	} else
		log_info("%s %s: stopped", wr.ms.account, wr.ms.opts.mailbox);
	mailbox_setup_clear(&wr.ms);
	db_close(wr.db);
	return status;
}

/* Tells every watcher still there to stop. */
static void
stop_all(const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
}

int
ingest_watch(struct cliopt *co)
{
	const struct config *cfg;
	struct config *mcfg;
	struct err err;
	pid_t *pids, parent;
	size_t n, left;
	int status = EXIT_OK, told = 0, ws;

	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_CANNOT_RUN;
	}
	catch_stop();
	n = config_str(cfg, CONFIG_MAILBOX) != NULL ? 0
	                                            : config_mailbox_count(cfg);
	if (n == 0)
		return watch_one(co, cfg, config_str(cfg, CONFIG_MAILBOX));
	/* A process per mailbox: each waits in IDLE on a connection of its
	 * own, with a database connection of its own. */
	pids = calloc(n, sizeof(*pids));
	if (pids == NULL) {
		log_error("ingest --watch: out of memory");
		return EXIT_CANNOT_RUN;
	}
	fflush(NULL);
	parent = getpid();
	for (size_t i = 0; i < n; i++) {
		const char *name = config_mailbox_name(cfg, i);

		if ((pids[i] = fork()) < 0) {
			log_error("ingest --watch: cannot start the watcher of "
			          "mailbox %s: %s",
			    name, strerror(errno));
			stop_all(pids, i);
			status = EXIT_CANNOT_RUN;
			n = i;
			break;
		}
		if (pids[i] == 0) {
			free(pids);
			/* A parent killed outright (SIGKILL) cannot pass the
			 * stop on: the kernel does, so that no watcher is left
			 * holding its mailbox. */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 ||
			    getppid() != parent)
				stop_flag = 1;
			if (config_for_mailbox(cfg, name, &mcfg, &err) < 0) {
				log_error("%s", err.msg);
				exit(EXIT_CANNOT_RUN);
			}
			ws = watch_one(co, mcfg, name);
			config_free(mcfg);
			exit(ws);
		}
	}
	/* Until every watcher is gone; one that gives up stops the others, so
	 * that a service manager sees the failure and starts them again. */
	for (left = n; left > 0;) {
		pid_t pid;

		/* A stop that came before the wait, or ended it. */
		if (stop_flag && !told++)
			stop_all(pids, n);
		if ((pid = waitpid(-1, &ws, 0)) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			left--;
			if (!WIFEXITED(ws) || WEXITSTATUS(ws) != EXIT_OK) {
				status = EXIT_CANNOT_RUN;
				if (!told++)
					stop_all(pids, n);
			}
		}
	}
	free(pids);
	return status;
}
