/*
 * dmarcsift ingest: inputs into the database, each exactly once.
 */
#include "commands.h"

#include "analysis_env.h"
#include "cliopt.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "filelock.h"
#include "ingest_imap.h"
#include "input_limits.h"
#include "log.h"
#include "source.h"
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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
    "on the mailbox exits at once.\n";

/* What the workers share: in memory mapped shared when they are
 * processes, so a worker's progress and counts reach the parent. */
struct shared {
	size_t next; /* the next input in the list to take */
	size_t done;
	unsigned unreadable;
	int failed; /* a worker stopped on a database error */
	struct store_counts sum;
	char why[1024]; /* the first worker failure */
};

struct ingest {
	struct store *store;
	const struct limits *lim;
	char **list;
	size_t total;
	int progress; /* a terminal is watching */
	int draw; /* this process draws the progress line per input */
	pid_t parent; /* the command, for its workers */
	const char *name; /* the input being stored */
	struct shared *sh;
};

static size_t
take(size_t *p)
{
	return __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST);
}

static void
progress(struct ingest *in, const char *name)
{
	if (!in->progress)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %.60s",
	    __atomic_load_n(&in->sh->done, __ATOMIC_SEQ_CST), in->total, name);
	fflush(stderr);
}

static void
progress_clear(struct ingest *in)
{
	if (in->progress)
		fputs("\r\033[K", stderr);
}

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	struct ingest *in = arg;

	progress_clear(in);
	if (why->code == ERR_NOT_AGGREGATE)
		log_info("%s: %s; skipped", in->name, why->msg);
	else
		log_error("%s: %s", in->name, why->msg);
}

static int
on_input(void *arg, const struct source_input *src, struct err *err)
{
	struct ingest *in = arg;
	struct store_counts c;
	int rc;

	in->name = src->name;
	rc = store_input(in->store, src->buf, src->len, src->complete,
	    src->source, src->name, on_problem, in, &c, err);
	if (rc < 0)
		return rc;
	if (c.inputs_duplicate)
		log_info("%s: already stored", src->name);
	else
		log_info("%s: %u new report(s), %u already stored, %" PRIu64
		         " record(s)",
		    src->name, c.reports_new, c.reports_duplicate,
		    c.records_new);
	return 0;
}

static void
on_unreadable(void *arg, const char *name, const char *why)
{
	struct ingest *in = arg;

	progress_clear(in);
	__atomic_add_fetch(&in->sh->unreadable, 1, __ATOMIC_SEQ_CST);
	log_error("%s: cannot read: %s", name, why);
}

/*
 * Takes inputs from the shared list until none is left or a worker failed;
 * the same loop runs in the command itself (one job) and in each worker.
 */
static void
work(struct ingest *in)
{
	struct source_sink sink = {in, on_input, on_unreadable};
	struct shared *sh = in->sh;
	struct err err;
	size_t i;

	while (!__atomic_load_n(&sh->failed, __ATOMIC_SEQ_CST) &&
	    (i = take(&sh->next)) < in->total) {
		if (in->draw)
			progress(in, in->list[i]);
		if (source_read(in->list[i], in->lim, &sink, &err) < 0) {
			/* First failure wins; the others stop after their
			 * current input. */
			if (!__atomic_exchange_n(
			        &sh->failed, 1, __ATOMIC_SEQ_CST))
				snprintf(
				    sh->why, sizeof(sh->why), "%s", err.msg);
		}
		__atomic_add_fetch(&sh->done, 1, __ATOMIC_SEQ_CST);
	}
}

/* A worker process: a connection and a store of its own, the run's row. */
static void
worker(struct ingest *in, struct db *parent_db, struct store *run)
{
	const struct store_counts *t;
	struct shared *sh = in->sh;
	struct db *db = NULL;
	struct err err;

	/* Dies with the command: a killed ingest stops all of it.  The
	 * parent may have died before the request: then it is not ours. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != in->parent)
		_exit(EXIT_CANNOT_RUN);
	if (db_connect_like(&db, parent_db, &err) < 0 ||
	    store_new_worker(&in->store, run, db, &err) < 0) {
		if (!__atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST))
			snprintf(sh->why, sizeof(sh->why), "%s", err.msg);
		_exit(EXIT_CANNOT_RUN);
	}
	work(in);
	t = store_totals(in->store);
	__atomic_add_fetch(
	    &sh->sum.inputs_new, t->inputs_new, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.inputs_duplicate, t->inputs_duplicate, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.reports_new, t->reports_new, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.reports_duplicate, t->reports_duplicate, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->sum.refused, t->refused, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->sum.skipped, t->skipped, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.records_new, t->records_new, __ATOMIC_SEQ_CST);
	store_free(in->store);
	db_close(db);
	/* Not exit(): the parent's connection, inherited, is the parent's
	 * to close. */
	fflush(stdout);
	fflush(stderr);
	_exit(EXIT_OK);
}

/*
 * Runs jobs worker processes over the list and waits for them, drawing
 * the progress line meanwhile.  Returns 0, or -1 when a worker could not
 * be started or died (said on stderr).
 */
static int
run_workers(struct ingest *in, struct db *db, int jobs)
{
	int started = 0, rc = 0;

	fflush(stdout);
	fflush(stderr);
	in->parent = getpid();
	for (; started < jobs; started++) {
		pid_t pid = fork();

		if (pid < 0) {
			log_error("ingest: cannot start a worker: %s",
			    strerror(errno));
			__atomic_store_n(&in->sh->failed, 1, __ATOMIC_SEQ_CST);
			rc = -1;
			break;
		}
		if (pid == 0)
			worker(in, db, in->store);
	}
	for (int left = started; left > 0;) {
		const struct timespec tick = {0, 200 * 1000 * 1000};
		int status;
		pid_t pid = waitpid(-1, &status, in->progress ? WNOHANG : 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pid == 0) {
			progress(in, "");
			nanosleep(&tick, NULL);
			continue;
		}
		left--;
		if (WIFSIGNALED(status) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) != EXIT_OK &&
		        !in->sh->failed)) {
			progress_clear(in);
			log_error("ingest: a worker %s %d; the inputs it was "
			          "storing were rolled back",
			    WIFSIGNALED(status) ? "was killed by signal"
			                        : "exited with",
			    WIFSIGNALED(status) ? WTERMSIG(status)
			                        : WEXITSTATUS(status));
			__atomic_store_n(&in->sh->failed, 1, __ATOMIC_SEQ_CST);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Closes the rows of earlier runs that died unfinished (killed, stopped on
 * a database error, cut off by a server restart): marked interrupted, with
 * the counts of what they stored (sql/010_runs.sql).  Only said: a run can
 * go on without it.
 */
static void
close_dead_runs(struct db *db)
{
	struct err err;
	char *n = NULL;

	if (db_value(db, "SELECT close_dead_runs()", 0, NULL, &n, &err) < 0)
		log_warn(
		    "cannot close the rows of interrupted runs: %s", err.msg);
	else if (n != NULL && strcmp(n, "0") != 0)
		log_info("%s earlier run(s) found interrupted; their rows in "
		         "ingest_runs now say so, with what they stored",
		    n);
	free(n);
}

/* The line that says what a run stored, also when it stopped early. */
static void
print_summary(const struct store_counts *t, const struct timespec *t0)
{
	struct timespec t1;

	if (log_verbosity() <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%u input(s) new, %u already stored; %u report(s) new, %u "
	       "already stored; %u refused, %u skipped; %" PRIu64
	       " record(s); %.1f s\n",
	    t->inputs_new, t->inputs_duplicate, t->reports_new,
	    t->reports_duplicate, t->refused, t->skipped, t->records_new,
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
	int jobs = default_jobs(), imap = 0;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG("imap", &imap, "read the configured IMAP mailbox"),
	    CLIOPT_OPT_NUMBER("jobs", 'j', "N", &jobs, 1, MAX_JOBS,
	        "inputs stored at once, each over a connection of its own "
	        "(default: the number of CPUs, at most 8)"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift ingest [OPTION]... PATH...\n"
	             "       dmarcsift ingest --imap [OPTION]...\n",
	    .about = about,
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_IMAP,
	    .footer = "Exit status: 0 all stored (or another run was storing "
	              "the same paths or\nmailbox: nothing to do), 1 some "
	              "inputs refused (they are stored with their\nreason) or "
	              "files skipped (unreadable, a symbolic\nlink, a FIFO or "
	              "device), 2 could not run or stopped (no database, "
	              "login\nrefused, connection lost, bad usage).\n",
	};
	struct ingest in = {0};
	struct shared *sh;
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
		close_dead_runs(db);
		db_close(db);
		return ingest_imap(&co);
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
	close_dead_runs(db);
	if (dbconn_store(db, &co.lim, "ingest", &in.store, &err) < 0) {
		log_error("%s", err.msg);
		source_list_free(list, count);
		filelock_release(fl);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	if ((size_t)jobs > count)
		jobs = count > 0 ? (int)count : 1;
	/* Shared with the workers when there are several. */
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		log_error(
		    "ingest: cannot map shared memory: %s", strerror(errno));
		store_free(in.store);
		source_list_free(list, count);
		filelock_release(fl);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	memset(sh, 0, sizeof(*sh));
	in.sh = sh;
	in.lim = &co.lim;
	in.list = list;
	in.total = count;
	in.progress =
	    isatty(STDERR_FILENO) && log_verbosity() == 1 && count > 1;
	if (jobs == 1) {
		in.draw = in.progress;
		work(&in);
	} else {
		rc = run_workers(&in, db, jobs);
		store_add(in.store, &sh->sum);
	}
	progress_clear(&in);
	if (rc < 0 || sh->failed) {
		/* The input being stored was rolled back: nothing partial.
		 * The run's row is left unfinished, for the next run to close
		 * as interrupted; what was stored is said here. */
		if (sh->why[0] != '\0')
			log_error(
			    "%s; ingest stopped (the inputs stored before "
			    "are complete)",
			    sh->why);
		print_summary(store_totals(in.store), &t0);
		fflush(stdout);
		store_free(in.store);
		munmap(sh, sizeof(*sh));
		source_list_free(list, count);
		filelock_release(fl);
		db_close(db);
		return EXIT_CANNOT_RUN;
	}
	t = store_totals(in.store);
	print_summary(t, &t0);
	if (t->refused > 0 || sh->unreadable > 0)
		status = EXIT_SOME_FAILED;
	munmap(sh, sizeof(*sh));
	if (store_finish(in.store, &err) < 0) {
		log_error("%s", err.msg);
		status = EXIT_CANNOT_RUN;
	}
	if (analysis_judge_new(db) < 0)
		status = EXIT_CANNOT_RUN;
	source_list_free(list, count);
	filelock_release(fl);
	db_close(db);
	return status;
}
