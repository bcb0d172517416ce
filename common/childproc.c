/* childproc: running another program; see childproc.h. */
#include "childproc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

extern char **environ;

/* How often a program with a deadline is looked at once its output ended. */
#define REAP_TICK_MS 10

/* How far the child got when it could not reach execve(): it writes this
 * to a close-on-exec pipe, which a successful execve() closes unwritten. */
enum { STAGE_SETUP = 1, STAGE_USER, STAGE_CHDIR, STAGE_EXEC };
struct child_fail {
	int stage;
	int errnum;
};

/* What the child needs, prepared before fork(): nothing may be looked up
 * or allocated after it. */
struct launch {
	char *const *argv;
	char *const *envp;
	const struct childproc_opts *o;
	int in, out, report;
	long maxfd;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Moves fd above 2, so that the dup2() onto 0, 1 and 2 cannot clobber it
 * or leave it marked close-on-exec; -1 when that fails. */
static int
high_fd(int fd)
{
	return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static void __attribute__((noreturn)) child_fail(int fd, int stage)
{
	struct child_fail cf = {stage, errno};
	ssize_t n;

	n = write(fd, &cf, sizeof(cf));
	(void)n;
	_exit(127);
}

/* After fork(): async-signal-safe calls only. */
static void __attribute__((noreturn)) child(const struct launch *l)
{
	const struct childproc_opts *o = l->o;
	struct sigaction sa;
	sigset_t none;
	int fd, sig, in, out, report;

	if ((report = high_fd(l->report)) < 0)
		_exit(127);
	if ((in = high_fd(l->in)) < 0 || (out = high_fd(l->out)) < 0)
		child_fail(report, STAGE_SETUP);
	/* Ignored signals stay ignored across execve(), and a handler of
	 * ours means nothing there: every one back to its default. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    (o->stderr_to == CHILDPROC_STDERR_CAPTURE && dup2(out, 2) < 0))
		child_fail(report, STAGE_SETUP);
	/* Nothing else of ours may reach the program: a server it starts
	 * would keep our locks and sockets open for as long as it runs. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (fd = 3; fd < l->maxfd; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (o->user != NULL &&
	    (setgroups(o->user->ngroups, o->user->groups) < 0 ||
	        setgid(o->user->gid) < 0 || setuid(o->user->uid) < 0))
		child_fail(report, STAGE_USER);
	if (o->dir != NULL && chdir(o->dir) < 0)
		child_fail(report, STAGE_CHDIR);
	execve(l->argv[0], l->argv, l->envp);
	child_fail(report, STAGE_EXEC);
}

/* The message for a child that did not reach the program. */
static int
launch_failed(const struct launch *l, const char *name,
    const struct child_fail *cf, struct err *err)
{
	const struct childproc_user *u = l->o->user;
	const char *why = strerror(cf->errnum);

	switch (cf->stage) {
	case STAGE_USER:
		return err_set(err, ERR_IO, "cannot run %s as user %s: %s",
		    name, u->name, why);
	case STAGE_CHDIR:
		if (u != NULL)
			return err_set(err, ERR_IO,
			    "cannot run %s: user %s cannot enter %s: %s (every "
			    "directory above it must be searchable by %s)",
			    name, u->name, l->o->dir, why, u->name);
		return err_set(err, ERR_IO,
		    "cannot run %s: cannot enter %s: %s", name, l->o->dir, why);
	case STAGE_EXEC:
		return err_set(
		    err, ERR_IO, "cannot run %s: %s", l->argv[0], why);
	default:
		return err_set(err, ERR_IO, "cannot run %s: %s", name, why);
	}
}

/* One read of the output pipe into res: 0 with *eof at its end, or
 * ERR_LIMIT / ERR_IO. */
static int
take_output(const struct childproc_opts *o, struct childproc_result *res,
    int fd, int *eof)
{
	struct dynbuf *b = &res->out;
	char chunk[4096];
	size_t got;
	ssize_t n;
	int rc;

	if (!o->out_tail) {
		rc = dynbuf_read(b, fd, &got);
		*eof = rc == 0 && got == 0;
		return rc;
	}
	do
		n = read(fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ERR_IO;
	*eof = n == 0;
	/* Only the end is kept: what is older makes room. */
	if ((size_t)n >= b->max) {
		dynbuf_reset(b);
		(void)dynbuf_add(b, chunk + n - b->max, b->max);
	} else {
		if (b->len + (size_t)n > b->max)
			dynbuf_keep_tail(b, b->max - (size_t)n);
		(void)dynbuf_add(b, chunk, (size_t)n);
	}
	return 0;
}

static int
too_slow(const struct childproc_opts *o, const char *name, struct err *err)
{
	return err_set(err, ERR_LIMIT,
	    "%s took longer than %u seconds and was killed", name,
	    o->timeout_s);
}

/* Reads the output until its end, the ceiling or the deadline (0: none). */
static int
read_output(const struct childproc_opts *o, struct childproc_result *res,
    int fd, long long deadline, const char *name, struct err *err)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	long long left;
	int rc, eof = 0;

	while (!eof) {
		left = deadline > 0 ? deadline - now_ms() : -1;
		if (deadline > 0 && left <= 0)
			return too_slow(o, name, err);
		rc = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (rc < 0 && errno != EINTR)
			return err_set(err, ERR_IO, "cannot wait for %s: %s",
			    name, strerror(errno));
		if (rc <= 0)
			continue;
		rc = take_output(o, res, fd, &eof);
		if (rc == ERR_LIMIT)
			return err_set(err, ERR_LIMIT,
			    "%s printed more than %zu bytes", name, o->out_max);
		if (rc < 0)
			return err_set(err, ERR_IO,
			    "cannot read the output of %s: %s", name,
			    strerror(errno));
	}
	return 0;
}

/* Waits for pid until deadline (0: for as long as it takes), and kills it
 * then: 0, ERR_LIMIT when it had to be killed, ERR_IO when it cannot be
 * waited for. */
static int
reap(pid_t pid, long long deadline, int *status)
{
	struct timespec tick = {0, REAP_TICK_MS * 1000 * 1000};
	int killed = 0;
	pid_t r;

	while ((r = waitpid(pid, status, deadline > 0 ? WNOHANG : 0)) != pid) {
		if (r < 0 && errno != EINTR)
			return ERR_IO;
		if (r != 0)
			continue;
		if (now_ms() < deadline) {
			nanosleep(&tick, NULL);
			continue;
		}
		kill(pid, SIGKILL);
		killed = 1;
		deadline = 0;
	}
	return killed ? ERR_LIMIT : 0;
}

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

int
childproc_run(char *const argv[], const struct childproc_opts *o,
    struct childproc_result *res, struct err *err)
{
	const char *slash = strrchr(argv[0], '/');
	const char *name = o->name != NULL ? o->name
	    : slash != NULL                ? slash + 1
	                                   : argv[0];
	int opipe[2] = {-1, -1}, rpipe[2] = {-1, -1}, saved, rc;
	struct launch l = {
	    argv, o->envp != NULL ? o->envp : environ, o, -1, -1, -1, 0};
	long long deadline =
	    o->timeout_s > 0 ? now_ms() + o->timeout_s * 1000LL : 0;
	struct child_fail cf;
	ssize_t n;
	pid_t pid;

	res->status = 0;
	if (o->out_secret)
		dynbuf_init_secret(&res->out, o->out_max);
	else
		dynbuf_init(&res->out, o->out_max);
	l.maxfd = sysconf(_SC_OPEN_MAX);
	if (l.maxfd < 0 || l.maxfd > 65536)
		l.maxfd = 65536;
	/* Our buffered output first, then the program's. */
	fflush(NULL);
	if ((l.in = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    pipe2(opipe, O_CLOEXEC) < 0 || pipe2(rpipe, O_CLOEXEC) < 0 ||
	    (pid = fork()) < 0) {
		saved = errno;
		if (l.in >= 0)
			close(l.in);
		close_pair(opipe);
		close_pair(rpipe);
		return err_set(
		    err, ERR_IO, "cannot run %s: %s", name, strerror(saved));
	}
	l.out = opipe[1];
	l.report = rpipe[1];
	if (pid == 0)
		child(&l);
	close(l.in);
	close(opipe[1]);
	close(rpipe[1]);
	rc = read_output(o, res, opipe[0], deadline, name, err);
	close(opipe[0]);
	if (rc < 0) {
		/* Too much or too slow: it is not waited for. */
		kill(pid, SIGKILL);
		reap(pid, 0, &res->status);
		close(rpipe[0]);
		childproc_result_free(res);
		return rc;
	}
	do
		n = read(rpipe[0], &cf, sizeof(cf));
	while (n < 0 && errno == EINTR);
	close(rpipe[0]);
	if ((rc = reap(pid, deadline, &res->status)) < 0) {
		saved = errno;
		childproc_result_free(res);
		if (rc == ERR_LIMIT)
			return too_slow(o, name, err);
		return err_set(err, ERR_IO, "cannot wait for %s: %s", name,
		    strerror(saved));
	}
	if (n == (ssize_t)sizeof(cf)) {
		childproc_result_free(res);
		return launch_failed(&l, name, &cf, err);
	}
	return 0;
}

void
childproc_result_free(struct childproc_result *res)
{
	dynbuf_free(&res->out);
}

int
childproc_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const char *
childproc_status_text(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d%s",
		    WEXITSTATUS(status),
		    /* What a shell exits with for a command it cannot find. */
		    WEXITSTATUS(status) == 127 ? " (command not found?)" : "");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(
		    buf, size, "ended with wait status %#x", (unsigned)status);
	return buf;
}
