/*
 * childproc: running another program and waiting for it.
 *
 * fork() and execve() of an argv array, never through a shell (a caller
 * that wants one names /bin/sh in argv itself).  The program reads
 * /dev/null; its standard output is captured into a dynbuf with a ceiling,
 * its standard error goes where ours goes or into the same capture.  In
 * the child, before execve(), only async-signal-safe calls are made: every
 * signal back to its default and none blocked (an ignored SIGPIPE would
 * otherwise be inherited), descriptors above 2 closed on exec, then the
 * user, the directory, the program.  A program that runs past its time is
 * killed (SIGKILL); what it started itself is not (it stays in our process
 * group, so that a ^C reaches it as it reaches us).
 *
 * Ownership: the caller keeps argv, the environment and everything in the
 * options; the captured output belongs to the result and is released with
 * childproc_result_free().
 */
#ifndef DMARCSIFT_CHILDPROC_H
#define DMARCSIFT_CHILDPROC_H

#include <stddef.h>
#include <sys/types.h>

#include "dynbuf.h"

struct err;

/* Where the program's standard error goes. */
enum childproc_stderr {
	CHILDPROC_STDERR_PASS, /* to ours: the user sees it */
	CHILDPROC_STDERR_CAPTURE, /* into the output, mixed with stdout */
};

/* Who the program runs as, when we are root and it must not be. */
struct childproc_user {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* the supplementary groups */
	size_t ngroups;
	const char *name; /* for messages */
};

struct childproc_opts {
	/* What messages call the program; NULL: the last part of argv[0]. */
	const char *name;
	char *const *envp; /* its environment; NULL: ours */
	const char *dir; /* it starts there; NULL: where we are */
	const struct childproc_user *user; /* NULL: as ourselves */
	enum childproc_stderr stderr_to;
	size_t out_max; /* the ceiling of the captured output */
	/* Past out_max, keep the last out_max bytes (the end of a long log
	 * is where a program says why it failed) instead of failing. */
	int out_tail;
	int out_secret; /* the output is a secret: wipe it when freed */
	unsigned timeout_s; /* then it is killed and the run fails; 0: none */
};

struct childproc_result {
	int status; /* as waitpid() gives it: see childproc_status_text() */
	struct dynbuf out; /* what it printed */
};

/*
 * Runs argv (argv[0] a path: no PATH search) and waits for it.  0 when it
 * ran, whatever its exit status: res then holds the status and output
 * (free it with childproc_result_free()).  Fails, with res empty, when it
 * could not be run (ERR_IO: "cannot run NAME: ..."), printed more than
 * out_max bytes without out_tail (ERR_LIMIT: "NAME printed more than N
 * bytes") or took longer than timeout_s (ERR_LIMIT); then it is killed.
 */
int childproc_run(char *const argv[], const struct childproc_opts *opts,
    struct childproc_result *res, struct err *err);
void childproc_result_free(struct childproc_result *res);

/* 1 when the wait status is a normal exit with status 0. */
int childproc_ok(int status);
/*
 * A wait status in words, for after the program's name: "exited with
 * status 3", "was killed by signal 9 (Killed)".  Returns buf.
 */
const char *childproc_status_text(int status, char *buf, size_t size);

#endif
