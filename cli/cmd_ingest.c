/*
 * dmarcsift ingest: inputs into the database, each exactly once.
 */
#include "commands.h"

#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "filelock.h"
#include "ingest_imap.h"
#include "pool.h"
#include "input_limits.h"
#include "log.h"
#include "source.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Workers beyond a few only queue up on the database's locks and disk. */
#define MAX_JOBS 16

static const char about[] =
    "Stores the reports in files, directories (recursively), Maildir "
    "folders,\nmbox files or standard input (-) in the database, each "
    "exactly once:\nrunning it again over the same inputs changes nothing.  "
    "An input that\nyields no report is kept with its reason (see the "
    "failed_inputs view).\n\n"
    "With --imap it reads the mailbox the settings name (imap_url, "
    "imap_user,\na password or token; see dmarcsift config --help): each "
    "new mail is stored,\nthen moved to imap_processed (or flagged seen, "
    "or deleted: imap_after);\nmail without a report goes to imap_errors.  "
    "Mail stays unseen until it is\nstored.  A second run while one works "
    "on the mailbox exits at once.\n\n"
    "Several mailboxes ([mailbox NAME] sections in the config file, each "
    "with its\nown imap_* settings) are read in turn, each with its own "
    "lock and row in\ningest_runs; one that fails does not stop the "
    "others.  --mailbox NAME reads\njust that one.\n\n"
    "With --imap --watch it stays connected and stores new mail as it "
    "arrives\n(IMAP IDLE, renewed every imap_idle_interval seconds; "
    "without IDLE a look\nevery imap_poll_interval seconds), one process "
    "per mailbox; it connects\nagain after a drop (1 s doubling to 5 min) "
    "and stops between two mails on\nSIGTERM or SIGINT, exit status 0.\n";

/* The line that says what a run stored, also when it stopped early; TLS
 * and failure reports are said when there were any. */
static void
print_summary(const struct store_counts *t, const struct timespec *t0)
{
	struct timespec t1;
	char tls[80] = "", fail[80] = "";

	if (log_verbosity() <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (t->tls_new + t->tls_duplicate > 0)
		snprintf(tls, sizeof(tls),
		    "; %u TLS report(s) new, %u already stored", t->tls_new,
		    t->tls_duplicate);
	if (t->failure_new + t->failure_duplicate > 0)
		snprintf(fail, sizeof(fail),
		    "; %u failure report(s) new, %u already stored",
		    t->failure_new, t->failure_duplicate);
	printf("%u input(s) new, %u already stored; %u report(s) new, %u "
	       "already stored%s%s; %u refused, %u skipped; %" PRIu64
	       " record(s); %.1f s\n",
	    t->inputs_new, t->inputs_duplicate, t->reports_new,
	    t->reports_duplicate, tls, fail, t->refused, t->skipped,
	    t->records_new,
	    (double)(t1.tv_sec - t0->tv_sec) +
	        (double)(t1.tv_nsec - t0->tv_nsec) / 1e9);
}

static int
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int
cmd_ingest(int argc, char **argv)
{
	int jobs = default_jobs(), imap = 0, watch = 0;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG("imap", &imap, "read the configured IMAP mailbox"),
	    CLIOPT_OPT_FLAG("watch", &watch,
	        "with --imap: stay connected and store mail as it arrives "
	        "(IMAP IDLE, or a look every imap_poll_interval seconds), "
	        "until SIGTERM"),
	    CLIOPT_OPT_NUMBER("jobs", 'j', "N", &jobs, 1, MAX_JOBS,
	        "inputs stored at once, each over a connection of its own "
	        "(default: the number of CPUs, at most 8)"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift ingest [OPTION]... PATH...\n"
	             "       dmarcsift ingest --imap [--watch] [OPTION]...\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_IMAP,
	    .footer = "Exit status: 0 all stored (or another run was storing "
	              "the same paths or\nmailbox: nothing to do), 1 some "
	              "inputs refused (they are stored with their\nreason) or "
	              "files skipped (unreadable, a symbolic\nlink, a FIFO or "
	              "device), or some of several mailboxes failed while\n"
	              "others were read, 2 could not run or stopped (no "
	              "database, login\nrefused, connection lost, bad usage; "
	              "with several mailboxes: every one\nfailed).\n",
	};
	struct pool_opts pool;
	struct store *st = NULL;
	unsigned unreadable = 0;
	struct cliopt co;
	struct db *db = NULL;
	struct err err;
	struct timespec t0;
	const struct store_counts *t;
	char **list = NULL;
	size_t count = 0;
	int rc, status = EXIT_OK;
	struct filelock *fl = NULL;
	const char *busy = NULL;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	rc = 0;
	argc -= co.argi;
	argv += co.argi;
	if (watch && !imap) {
		log_error("ingest: --watch goes with --imap");
		return EXIT_CANNOT_RUN;
	}
	if (imap) {
		if (argc > 0) {
			log_error("ingest: --imap reads the mailbox; give no "
			          "PATH with it");
			return EXIT_CANNOT_RUN;
		}
		/* The rows of dead runs first, over a connection of its own:
		 * the mailbox run opens its own. */
		if (dbconn_open(co.db, &db, &err) < 0) {
			log_error("%s", err.msg);
			db_close(db);
			return EXIT_CANNOT_RUN;
		}
		dbconn_close_dead_runs(db);
		db_close(db);
		return watch ? ingest_watch(&co) : ingest_imap(&co);
	}
	if (argc == 0) {
		log_error("ingest: no input given; use - for standard input, "
		          "or --imap for the mailbox in the settings");
		return EXIT_CANNOT_RUN;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (source_list(argv, argc, &list, &count, &err) < 0 ||
	    dbconn_open(co.db, &db, &err) < 0) {
		log_error("%s", err.msg);
		source_list_free(list, count);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if (filelock_take(db, argv, (size_t)argc, &fl, &busy, &err) < 0) {
		log_error("%s", err.msg);
		source_list_free(list, count);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if (fl == NULL) {
		/* cron started us while the last run on these paths still
		 * works: fine, it stores what is there. */
		log_warn(
		    "ingest: another run is storing %s; nothing to do", busy);
		source_list_free(list, count);
		db_close(db);
		return EXIT_OK;
	}
	dbconn_close_dead_runs(db);
	if (dbconn_store(db, &co.lim, "ingest", &st, &err) < 0) {
		log_error("%s", err.msg);
		source_list_free(list, count);
		filelock_release(fl);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	pool.list = list;
	pool.count = count;
	pool.lim = &co.lim;
	pool.jobs = jobs;
	pool.progress =
	    isatty(STDERR_FILENO) && log_verbosity() == 1 && count > 1;
	rc = pool_run(&pool, st, db, &unreadable, &err);
	if (rc < 0) {
		/* The run's row is left unfinished, for the next run to close
		 * as interrupted; what was stored is said here. */
		if (err.msg[0] != '\0')
			log_error(
			    "%s; ingest stopped (the inputs stored before "
			    "are complete)",
			    err.msg);
		print_summary(store_totals(st), &t0);
		fflush(stdout);
		store_free(st);
		source_list_free(list, count);
		filelock_release(fl);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	t = store_totals(st);
	print_summary(t, &t0);
	if (t->refused > 0 || unreadable > 0)
		status = EXIT_SOME_FAILED;
	if (store_finish(st, &err) < 0) {
		log_error("%s", err.msg);
		status = EXIT_CANNOT_RUN;
	}
	if (dbconn_judge_new(db) < 0)
		status = EXIT_CANNOT_RUN;
	source_list_free(list, count);
	filelock_release(fl);
	db_close(db);
	return status;
}
