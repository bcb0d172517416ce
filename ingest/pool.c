/* pool: inputs stored by worker processes; see pool.h. */
#include "pool.h"

#include "analysis.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "progress.h"
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

/* A worker's exit status: done, or stopped (its failure is in shared). */
#define WORKER_OK 0
#define WORKER_FAILED 2

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
	char *const *list;
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
	progress_show(in->progress, "[%zu/%zu] %.60s",
	    __atomic_load_n(&in->sh->done, __ATOMIC_SEQ_CST), in->total, name);
}

static void
on_problem(void *arg, const char *where, const struct err *why)
{
	struct ingest *in = arg;

	progress_end(in->progress);
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

	progress_end(in->progress);
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
		_exit(WORKER_FAILED);
	if (db_connect_like(&db, parent_db, &err) < 0 ||
	    store_new_worker(&in->store, run, db, &err) < 0) {
		if (!__atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST))
			snprintf(sh->why, sizeof(sh->why), "%s", err.msg);
		_exit(WORKER_FAILED);
	}
	work(in);
	/* The rollup of what was stored, beside the other workers; the
	 * command's own refresh takes what is left, so a failure here loses
	 * nothing (the reports stay pending). */
	if (!__atomic_load_n(&sh->failed, __ATOMIC_SEQ_CST) &&
	    analysis_catch_up(db, &err) < 0)
		log_info("ingest: a worker left the rollup to the command: %s",
		    err.msg);
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
	__atomic_add_fetch(&sh->sum.tls_new, t->tls_new, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.tls_duplicate, t->tls_duplicate, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.failure_new, t->failure_new, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(
	    &sh->sum.failure_duplicate, t->failure_duplicate, __ATOMIC_SEQ_CST);
	store_free(in->store);
	db_close(db);
	/* Not exit(): the parent's connection, inherited, is the parent's
	 * to close. */
	fflush(stdout);
	fflush(stderr);
	_exit(WORKER_OK);
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
		    (WIFEXITED(status) && WEXITSTATUS(status) != WORKER_OK &&
		        !in->sh->failed)) {
			progress_end(in->progress);
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

int
pool_run(const struct pool_opts *o, struct store *st, struct db *db,
    unsigned *unreadable, struct err *err)
{
	struct ingest in = {0};
	struct shared *sh;
	int jobs = o->jobs, rc = 0;

	*unreadable = 0;
	if ((size_t)jobs > o->count)
		jobs = o->count > 0 ? (int)o->count : 1;
	/* Shared with the workers when there are several. */
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return err_set(err, ERR_IO, "cannot map shared memory: %s",
		    strerror(errno));
	memset(sh, 0, sizeof(*sh));
	in.sh = sh;
	in.store = st;
	in.lim = o->lim;
	in.list = o->list;
	in.total = o->count;
	in.progress = o->progress;
	if (jobs == 1) {
		in.draw = in.progress;
		work(&in);
	} else {
		rc = run_workers(&in, db, jobs);
		store_add(st, &sh->sum);
	}
	progress_end(in.progress);
	*unreadable = sh->unreadable;
	if (rc < 0 || sh->failed) {
		/* The input being stored was rolled back: nothing partial. */
		rc = err_set(err, ERR_DB, "%s", sh->why);
	}
	munmap(sh, sizeof(*sh));
	return rc;
}
