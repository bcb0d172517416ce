/*
 * pgcluster: dmarcsift's private PostgreSQL cluster (see pgcluster.h).
 *
 * What lives where, DIR being pgcluster.dir:
 *
 *   DIR.lock           flock()ed by whoever starts or stops the cluster
 *   DIR/               0700, owned by the user that runs the server
 *   DIR/data/          the cluster; it only ever appears complete: initdb
 *                      fills DIR/data.new, which is configured and then
 *                      renamed, so a crash half-way leaves no half cluster
 *   DIR/.s.PGSQL.5432  the only way in: no TCP at all
 *   DIR/postgres.log   the server's log (pg_ctl -l)
 *   DIR/db-created     made once the database "dmarcsift" exists
 *
 * Authentication is "trust" for the socket: DIR is 0700 and so is the
 * socket, so only the server user (and root) can reach it at all.
 *
 * The PostgreSQL programs run through childproc (fork/execve, never a
 * shell); as root they run as the postgres user, switched to in the child
 * (initdb, pg_ctl and postgres refuse to run as root).  Their output is
 * kept (the last 2 KB) for the error message if they fail.
 */
#include "pgcluster.h"

#include "childproc.h"
#include "err.h"
#include "log.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* VERSION/bin for each PostgreSQL installed; the environment variable
 * replaces it, for tests and relocated installations. */
#define PG_LIBDIR "/usr/lib/postgresql"
#define PG_LIBDIR_ENV "DMARCSIFT_PG_LIBDIR"
#define SERVER_USER "postgres" /* who runs the server when we are root */
#define ROOT_HOME "/var/lib/dmarcsift"
#define PORT "5432"
#define SOCKET_NAME ".s.PGSQL." PORT
#define DBNAME "dmarcsift"
#define DBUSER "dmarcsift"
#define PATHSZ 512
#define START_TIMEOUT "60" /* seconds pg_ctl waits for a start or stop */
#define OUTPUT_TAIL 2048 /* what is kept of a program's output */

extern char **environ;

/* Everything one operation needs to run the PostgreSQL programs. */
struct ctx {
	const char *dir;
	char libdir[PATHSZ]; /* PG_LIBDIR or $DMARCSIFT_PG_LIBDIR */
	char bindir[PATHSZ];
	int switch_user; /* we are root: children become the server user */
	uid_t uid; /* the server user */
	gid_t gid;
	gid_t *groups; /* owned */
	char user[64];
	struct childproc_user as; /* the above, for childproc */
	char **envp; /* the children's environment, owned */
};

/* ---------------------------------------------------------------------- */
/* Text */

/*
 * The last max bytes of p as one line for an error message: from the start
 * of a line when it had to be cut, line breaks as "; ", other control
 * characters as spaces.  An err message is a single line that lands in a
 * log, and the last lines of a program's output are where it says why.
 */
static void
oneline(char *dst, size_t dstsz, const char *p, size_t len, size_t max)
{
	const char *nl;
	size_t o = 0, i;
	int brk = 0;

	if (len > max) {
		p += len - max;
		len = max;
		nl = memchr(p, '\n', len);
		if (nl != NULL && nl + 1 < p + len) {
			len -= (size_t)(nl + 1 - p);
			p = nl + 1;
		}
	}
	for (i = 0; i < len && o + 3 < dstsz; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\n' || ch == '\r') {
			brk = 1;
			continue;
		}
		if (brk && o > 0) {
			dst[o++] = ';';
			dst[o++] = ' ';
		}
		brk = 0;
		dst[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	if (dstsz > 0)
		dst[o] = '\0';
}

/* The last max bytes of a file as one line; "" when it cannot be read. */
static void
file_tail(char *dst, size_t dstsz, const char *path, size_t max)
{
	char buf[1024];
	off_t size;
	ssize_t n;
	int fd;

	dst[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	/* More than max, so that oneline() can start at a line. */
	size = lseek(fd, 0, SEEK_END);
	if (size > 0 &&
	    lseek(fd, size > (off_t)sizeof(buf) ? size - (off_t)sizeof(buf) : 0,
	        SEEK_SET) >= 0 &&
	    (n = read(fd, buf, sizeof(buf))) > 0)
		oneline(dst, dstsz, buf, (size_t)n, max);
	close(fd);
}

/* ---------------------------------------------------------------------- */
/* Files and directories */

static int
join(char *dst, const char *dir, const char *name, struct err *err)
{
	int n = snprintf(dst, PATHSZ, "%s/%s", dir, name);

	if (n < 0 || n >= PATHSZ)
		return err_set(err, ERR_IO, "path too long: %s/%s", dir, name);
	return 0;
}

/*
 * mkdir -p of path with mode for what it creates.  The mode is set with
 * chmod as well, because the umask would otherwise take the bits the
 * server user needs to pass through (root's umask is often 077).
 */
static int
make_dirs(const char *path, mode_t mode, struct err *err)
{
	char buf[PATHSZ], *p;
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return err_set(err, ERR_IO, "path too long: %s", path);
	for (p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char saved = *p;

			*p = '\0';
			if (mkdir(buf, mode) == 0) {
				if (chmod(buf, mode) < 0)
					return err_set(err, ERR_IO,
					    "cannot set the mode of %s: %s",
					    buf, strerror(errno));
			} else if (errno != EEXIST) {
				return err_set(err, ERR_IO,
				    "cannot create directory %s: %s (set "
				    "DMARCSIFT_HOME to a directory you can "
				    "write)",
				    buf, strerror(errno));
			} else if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
				return err_set(err, ERR_IO,
				    "cannot create directory %s: a file of "
				    "that name is in the way",
				    buf);
			}
			*p = saved;
		}
		if (*p == '\0')
			break;
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int rc = flag == FTW_DP ? rmdir(path) : unlink(path);

	return rc < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf path: the remains of an initdb that did not finish. */
static int
remove_tree(const char *path, struct err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(
		    err, ERR_IO, "cannot remove %s: %s", path, strerror(errno));
	}
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return err_set(
		    err, ERR_IO, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* Reads a short file whole, without the trailing newline. */
static int
read_small(const char *path, char *dst, size_t dstsz)
{
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, dst, dstsz - 1);
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
		n--;
	dst[n] = '\0';
	return 0;
}

/* *exists: DIR/data/PG_VERSION is there (initdb finished). */
static int
has_cluster(const char *dir, int *exists, struct err *err)
{
	char path[PATHSZ];
	struct stat st;
	int rc;

	*exists = 0;
	if ((rc = join(path, dir, "data/PG_VERSION", err)) < 0)
		return rc;
	if (stat(path, &st) == 0) {
		*exists = 1;
		return 0;
	}
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return err_set(err, ERR_IO, "cannot look for the cluster in %s: %s%s",
	    dir, strerror(errno),
	    errno == EACCES ? " (it belongs to another user)" : "");
}

/* The pid in DIR/data/postmaster.pid, 0 when there is none. */
static long
postmaster_pid(const char *dir)
{
	char path[PATHSZ], buf[32];
	long pid;

	if (snprintf(path, sizeof(path), "%s/data/postmaster.pid", dir) >=
	        (int)sizeof(path) ||
	    read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

/*
 * A process that died stays visible to kill(pid, 0), and so to pg_ctl and
 * to postgres' own check of postmaster.pid, until it is reaped, which can
 * take a second or more: 1 when pid is such a zombie.
 */
static int
zombie(long pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	/* The command name, in parentheses, may hold anything. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2] == 'Z' || p[2] == 'X';
}

/*
 * The pid of the postmaster in DIR/data/postmaster.pid when it is alive
 * and a postgres (a stale file may name a pid that something else has
 * now), else 0: for when pg_ctl, which would tell, is gone.
 */
static long
live_postmaster(const char *dir)
{
	char path[64], buf[512], *p;
	long pid = postmaster_pid(dir);

	if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno != EPERM) ||
	    zombie(pid))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_small(path, buf, sizeof(buf)) < 0 ||
	    (p = strchr(buf, '(')) == NULL ||
	    strncmp(p, "(postgres) ", 11) != 0)
		return 0;
	return pid;
}

/* ---------------------------------------------------------------------- */
/* Programs */

static int
executable(const char *dir, const char *name)
{
	char path[PATHSZ];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return 0;
	return access(path, X_OK) == 0;
}

/* A /usr/lib/postgresql entry as a number to compare: "15" -> 15000,
 * "9.6" -> 9006; -1 when it is no version. */
static long
version_key(const char *name)
{
	char *end;
	long major, minor = 0;

	if (name[0] < '0' || name[0] > '9')
		return -1;
	major = strtol(name, &end, 10);
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		minor = strtol(end + 1, &end, 10);
	}
	if (*end != '\0' || major > 100000 || minor > 999)
		return -1;
	return major * 1000 + minor;
}

/* The newest PostgreSQL in libdir with everything a new cluster needs, its
 * bin directory in bindir; -1 when there is none, else its version_key(). */
static long
newest_bindir(const char *libdir, char *bindir)
{
	static const char *const progs[] = {
	    "initdb", "pg_ctl", "postgres", "createdb", NULL};
	char cand[PATHSZ];
	struct dirent *de;
	long key, best = -1;
	DIR *d;
	int i;

	if ((d = opendir(libdir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((key = version_key(de->d_name)) <= best)
			continue;
		if (snprintf(cand, sizeof(cand), "%s/%s/bin", libdir,
		        de->d_name) >= (int)sizeof(cand))
			continue;
		for (i = 0; progs[i] != NULL; i++)
			if (!executable(cand, progs[i]))
				break;
		if (progs[i] != NULL)
			continue;
		best = key;
		memcpy(bindir, cand, strlen(cand) + 1);
	}
	closedir(d);
	return best;
}

static int
find_newest_bindir(struct ctx *c, struct err *err)
{
	if (newest_bindir(c->libdir, c->bindir) < 0)
		return err_set(err, ERR_IO,
		    "PostgreSQL server binaries not found in %s/*/bin (initdb, "
		    "pg_ctl, postgres, createdb): install the postgresql "
		    "package",
		    c->libdir);
	return 0;
}

/*
 * The cluster was made by PostgreSQL ver, whose binaries are gone: a major
 * upgrade removed them.  No restart mends that; the data has to be dumped
 * and loaded into a new cluster (README, "After a PostgreSQL major
 * upgrade"), so say what to do, differently when the old server still
 * runs: then it can be dumped right now.
 */
static int
major_gone(const struct ctx *c, const char *ver, struct err *err)
{
	char newest[PATHSZ], now[64];
	long key, pid;

	key = newest_bindir(c->libdir, newest);
	if (key < 0)
		snprintf(now, sizeof(now), "and no other PostgreSQL is");
	else if (key % 1000 != 0)
		snprintf(now, sizeof(now), "PostgreSQL %ld.%ld is", key / 1000,
		    key % 1000);
	else
		snprintf(now, sizeof(now), "PostgreSQL %ld is", key / 1000);
	if ((pid = live_postmaster(c->dir)) > 0)
		return err_set(err, ERR_IO,
		    "the cluster in %s was made by PostgreSQL %s, whose server "
		    "binaries are no longer in %s (%s), but its old server "
		    "still runs: dump it now (pg_dump -Fc -h %s -U " DBUSER
		    " -f dmarcsift.dump " DBNAME "), then load the dump into "
		    "a new cluster as dmarcsift's README says under \"After a "
		    "PostgreSQL major upgrade\"",
		    c->dir, ver, c->bindir, now, c->dir);
	return err_set(err, ERR_IO,
	    "the cluster in %s was made by PostgreSQL %s, whose server "
	    "binaries are no longer in %s (%s): a major upgrade needs the data "
	    "moved: install PostgreSQL %s again (Debian: postgresql-%s), then "
	    "follow dmarcsift's README under \"After a PostgreSQL major "
	    "upgrade\" (pg_dump, db stop, move %s/data aside, db start, "
	    "pg_restore)",
	    c->dir, ver, c->bindir, now, ver, ver, c->dir);
}

/* The binaries of the version that made the cluster: those of another
 * major version cannot run it. */
static int
find_cluster_bindir(struct ctx *c, struct err *err)
{
	char path[PATHSZ], ver[32];
	int rc;

	if ((rc = join(path, c->dir, "data/PG_VERSION", err)) < 0)
		return rc;
	if (read_small(path, ver, sizeof(ver)) < 0)
		return err_set(
		    err, ERR_IO, "cannot read %s: %s", path, strerror(errno));
	if (version_key(ver) < 0)
		return err_set(
		    err, ERR_IO, "%s holds no version: \"%s\"", path, ver);
	if (snprintf(c->bindir, sizeof(c->bindir), "%s/%s/bin", c->libdir,
	        ver) >= (int)sizeof(c->bindir))
		return err_set(
		    err, ERR_IO, "path too long: %s/%s/bin", c->libdir, ver);
	if (!executable(c->bindir, "pg_ctl") ||
	    !executable(c->bindir, "postgres") ||
	    !executable(c->bindir, "createdb"))
		return major_gone(c, ver, err);
	return 0;
}

/* The children's environment: ours without PG* (the caller's libpq and
 * server settings, PGDATA, PGHOST, ..., must not steer the programs) and
 * without locale settings (so their messages are in English and the server
 * takes its locale from the cluster); as the server user, its HOME. */
static void
build_env(struct ctx *c, const char *home)
{
	size_t n = 0, i, o = 0;
	const char *e;

	while (environ != NULL && environ[n] != NULL)
		n++;
	c->envp = xcalloc(n + 4, sizeof(*c->envp));
	for (i = 0; i < n; i++) {
		e = environ[i];
		if (strncmp(e, "PG", 2) == 0 || strncmp(e, "LC_", 3) == 0 ||
		    strncmp(e, "LANG=", 5) == 0 ||
		    strncmp(e, "LANGUAGE=", 9) == 0)
			continue;
		if (c->switch_user &&
		    (strncmp(e, "HOME=", 5) == 0 ||
		        strncmp(e, "USER=", 5) == 0 ||
		        strncmp(e, "LOGNAME=", 8) == 0))
			continue;
		c->envp[o++] = xstrdup(e);
	}
	if (c->switch_user) {
		c->envp[o++] = xasprintf("HOME=%s", home);
		c->envp[o++] = xasprintf("USER=%s", c->user);
		c->envp[o++] = xasprintf("LOGNAME=%s", c->user);
	}
	c->envp[o] = NULL;
}

static void
ctx_free(struct ctx *c)
{
	size_t i;

	if (c->envp != NULL)
		for (i = 0; c->envp[i] != NULL; i++)
			free(c->envp[i]);
	free(c->envp);
	free(c->groups);
	c->envp = NULL;
	c->groups = NULL;
}

/* Who runs the server, and how its programs are run.  The user lookup is
 * done here, not in the child: after fork() only async-signal-safe calls
 * are allowed. */
static int
ctx_init(struct ctx *c, const struct pgcluster *pc, struct err *err)
{
	struct passwd *pw;
	const char *env;
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->dir = pc->dir;
	if (c->dir[0] != '/' || strlen(c->dir) >= PATHSZ - 32)
		return err_set(err, ERR_USAGE,
		    "bad PostgreSQL cluster directory \"%s\"", c->dir);
	env = getenv(PG_LIBDIR_ENV);
	if (env == NULL || env[0] == '\0')
		env = PG_LIBDIR;
	else if (env[0] != '/')
		return err_set(err, ERR_USAGE,
		    PG_LIBDIR_ENV " must be an absolute path, not \"%s\"", env);
	if (snprintf(c->libdir, sizeof(c->libdir), "%s", env) >=
	    (int)sizeof(c->libdir) - 32)
		return err_set(
		    err, ERR_USAGE, PG_LIBDIR_ENV " is too long: %s", env);
	if (geteuid() != 0) {
		c->uid = geteuid();
		c->gid = getegid();
		build_env(c, NULL);
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(SERVER_USER)) == NULL)
		return err_set(err, ERR_IO,
		    "running as root, but there is no user '" SERVER_USER
		    "' to run the PostgreSQL server as%s%s: install the "
		    "postgresql package, or run dmarcsift as another user",
		    errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
	if (pw->pw_uid == 0)
		return err_set(err, ERR_IO,
		    "user '" SERVER_USER "' is root: PostgreSQL will not run "
		    "as root");
	c->switch_user = 1;
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	snprintf(c->user, sizeof(c->user), "%s", pw->pw_name);
	getgrouplist(pw->pw_name, pw->pw_gid, NULL, &n);
	if (n < 1)
		n = 1;
	c->groups = xcalloc((size_t)n, sizeof(*c->groups));
	if (getgrouplist(pw->pw_name, pw->pw_gid, c->groups, &n) < 0) {
		/* The list changed in between: the primary group will do. */
		c->groups[0] = pw->pw_gid;
		n = 1;
	}
	c->as.uid = c->uid;
	c->as.gid = c->gid;
	c->as.groups = c->groups;
	c->as.ngroups = (size_t)n;
	c->as.name = c->user;
	build_env(c, pw->pw_dir);
	return 0;
}

/*
 * Runs argv (argv[0] a full path) as the server user in DIR: its wait
 * status and the end of its output (stdout and stderr) in *res, which the
 * caller frees with childproc_result_free().  Fails only when the program
 * could not be run at all.
 */
static int
run(const struct ctx *c, char *const argv[], struct childproc_result *res,
    struct err *err)
{
	const struct childproc_opts o = {
	    .envp = c->envp,
	    /* postgres warns when it cannot go back to where it started. */
	    .dir = c->dir,
	    .user = c->switch_user ? &c->as : NULL,
	    .stderr_to = CHILDPROC_STDERR_CAPTURE,
	    .out_max = OUTPUT_TAIL,
	    .out_tail = 1,
	};
	char line[600];
	int rc;

	if ((rc = childproc_run(argv, &o, res, err)) < 0)
		return rc;
	oneline(line, sizeof(line), dynbuf_str(&res->out), res->out.len, 500);
	log_debug("%s: %s%s", strrchr(argv[0], '/') + 1, line,
	    line[0] == '\0' ? "(no output)" : "");
	return 0;
}

/* "what failed (exited with status 1): output" */
static int
run_failed(
    struct err *err, const char *what, const struct childproc_result *res)
{
	char st[80], text[700];

	childproc_status_text(res->status, st, sizeof(st));
	oneline(text, sizeof(text), dynbuf_str(&res->out), res->out.len, 600);
	return err_set(err, ERR_DB, "%s (%s)%s%s", what, st,
	    text[0] != '\0' ? ": " : "", text);
}

/* ---------------------------------------------------------------------- */
/* The cluster */

/*
 * Serialises starts and stops: the file sits next to DIR, as DIR itself may
 * not exist yet.  With create off, a missing parent directory is not an
 * error: *fd stays -1 and there is nothing to lock.
 */
static int
lock_cluster(const char *dir, int create, int *fd, struct err *err)
{
	char path[PATHSZ];
	int rc, saved;

	*fd = -1;
	if (snprintf(path, sizeof(path), "%s.lock", dir) >= (int)sizeof(path))
		return err_set(err, ERR_IO, "path too long: %s.lock", dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0) {
		if (!create && errno == ENOENT)
			return 0;
		return err_set(err, ERR_IO, "cannot open the lock file %s: %s",
		    path, strerror(errno));
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	rc = -1;
	if (errno == EWOULDBLOCK) {
		log_info("waiting for another dmarcsift to start or stop the "
		         "PostgreSQL cluster in %s",
		    dir);
		while ((rc = flock(*fd, LOCK_EX)) < 0 && errno == EINTR)
			;
	}
	if (rc == 0)
		return 0;
	saved = errno;
	close(*fd);
	*fd = -1;
	return err_set(
	    err, ERR_IO, "cannot lock %s: %s", path, strerror(saved));
}

/* DIR itself: there, 0700, owned by the server user. */
static int
own_dir(const struct ctx *c, struct err *err)
{
	struct stat st;

	if (mkdir(c->dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, ERR_IO, "cannot create directory %s: %s",
		    c->dir, strerror(errno));
	if (stat(c->dir, &st) < 0)
		return err_set(err, ERR_IO, "cannot create directory %s: %s",
		    c->dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ERR_IO,
		    "%s is in the way of the PostgreSQL cluster: it is no "
		    "directory",
		    c->dir);
	if (c->switch_user && st.st_uid != c->uid &&
	    chown(c->dir, c->uid, c->gid) < 0)
		return err_set(err, ERR_IO, "cannot give %s to user %s: %s",
		    c->dir, c->user, strerror(errno));
	if (!c->switch_user && st.st_uid != c->uid)
		return err_set(err, ERR_IO,
		    "%s belongs to uid %u, not to you: remove it, or set "
		    "DMARCSIFT_HOME to a directory of yours",
		    c->dir, (unsigned)st.st_uid);
	/* The socket lives here with trust authentication: private. */
	if ((st.st_mode & 07777) != 0700 && chmod(c->dir, 0700) < 0)
		return err_set(err, ERR_IO, "cannot set the mode of %s: %s",
		    c->dir, strerror(errno));
	return 0;
}

/* Settings appended to postgresql.conf: reachable only through the socket
 * in DIR, which port 5432 names, so it never meets a system server. */
static int
configure(const char *conf, const char *dir, struct err *err)
{
	char *text;
	size_t len, off = 0;
	ssize_t n;
	int fd, rc = 0;

	text = xasprintf(
	    "\n"
	    "# Added by dmarcsift: a private cluster, reached only through\n"
	    "# the unix socket in %s.\n"
	    "listen_addresses = ''\n"
	    "unix_socket_directories = '%s'\n"
	    "unix_socket_permissions = 0700\n"
	    "port = " PORT "\n",
	    dir, dir);
	len = strlen(text);
	/* Appending keeps the file's owner when root writes it. */
	if ((fd = open(conf, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
		rc = err_set(
		    err, ERR_IO, "cannot open %s: %s", conf, strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	if (off < len || fsync(fd) < 0)
		rc = err_set(
		    err, ERR_IO, "cannot write %s: %s", conf, strerror(errno));
	close(fd);
out:
	free(text);
	return rc;
}

/* initdb into DIR/data.new, configure it, rename it to DIR/data. */
static int
create_cluster(struct ctx *c, struct err *err)
{
	char data[PATHSZ], tmp[PATHSZ], conf[PATHSZ], prog[PATHSZ];
	/* Without --locale the cluster takes the locale of the environment,
	 * SQL_ASCII where there is none (cron, CI). */
	char *argv[] = {prog, "-D", tmp, "-U", DBUSER, "-E", "UTF8",
	    "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=reject",
	    NULL};
	struct childproc_result out;
	struct stat st;
	int rc, fd;

	if ((rc = join(data, c->dir, "data", err)) < 0 ||
	    (rc = join(tmp, c->dir, "data.new", err)) < 0 ||
	    (rc = join(conf, tmp, "postgresql.conf", err)) < 0)
		return rc;
	if ((rc = own_dir(c, err)) < 0)
		return rc;
	if (stat(data, &st) == 0 && rmdir(data) < 0)
		return err_set(err, ERR_IO,
		    "%s is in the way: it holds no PostgreSQL cluster (no "
		    "PG_VERSION); move it away",
		    data);
	if ((rc = remove_tree(tmp, err)) < 0 ||
	    (rc = find_newest_bindir(c, err)) < 0 ||
	    (rc = join(prog, c->bindir, "initdb", err)) < 0)
		return rc;
	log_info(
	    "creating a PostgreSQL cluster in %s with %s", c->dir, c->bindir);
	if ((rc = run(c, argv, &out, err)) == 0) {
		if (!childproc_ok(out.status))
			rc = run_failed(err, "initdb failed", &out);
		childproc_result_free(&out);
	}
	if (rc < 0)
		return err_prefix(
		    err, "cannot create the PostgreSQL cluster in %s", c->dir);
	if ((rc = configure(conf, c->dir, err)) < 0)
		return rc;
	if (rename(tmp, data) < 0)
		return err_set(err, ERR_IO, "cannot rename %s to %s: %s", tmp,
		    data, strerror(errno));
	/* The rename is what says the cluster exists: make it stick. */
	if ((fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

/* The start time of the postmaster, from line 3 of DIR/data/postmaster.pid
 * (seconds since the epoch); 0 when unknown. */
static long
postmaster_started(const char *dir)
{
	char path[PATHSZ], buf[256], *p;
	int line;

	if (snprintf(path, sizeof(path), "%s/data/postmaster.pid", dir) >=
	        (int)sizeof(path) ||
	    read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf, line = 1; line < 3 && p != NULL; line++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	return p != NULL ? strtol(p, NULL, 10) : 0;
}

/*
 * Whether the postmaster pid runs the server binary that a start would run
 * now, bindir/postgres: st->stale 0 when it does or when that cannot be
 * told.  A minor upgrade of PostgreSQL replaces the binary and the
 * libraries it loads (plpgsql among them) under a running server, which
 * then fails in odd ways while it looks alive.  Linux says which file a
 * process runs in /proc/PID/exe: with " (deleted)" after the path when the
 * file was replaced, or another file than bindir/postgres.  Reading it
 * takes the right to trace the process; without it (root without
 * CAP_SYS_PTRACE, the server being another user) a binary installed after
 * the server started is the sign.
 */
static void
server_binary(const struct ctx *c, long pid, struct pgcluster_state *st)
{
	static const char deleted[] = " (deleted)";
	char link[64];
	struct stat now, run;
	ssize_t n;
	size_t len;
	long started;

	st->stale = st->deleted = 0;
	st->server[0] = '\0';
	if (snprintf(st->installed, sizeof(st->installed), "%s/postgres",
	        c->bindir) >= (int)sizeof(st->installed) ||
	    pid <= 0 || stat(st->installed, &now) < 0)
		return;
	snprintf(link, sizeof(link), "/proc/%ld/exe", pid);
	n = readlink(link, st->server, sizeof(st->server) - 1);
	if (n > 0) {
		st->server[n] = '\0';
		len = (size_t)n;
		if (len > sizeof(deleted) - 1 &&
		    strcmp(st->server + len - (sizeof(deleted) - 1), deleted) ==
		        0) {
			st->stale = st->deleted = 1;
			return;
		}
		/* stat() of the link is the file the process runs. */
		if (stat(link, &run) == 0 &&
		    (run.st_dev != now.st_dev || run.st_ino != now.st_ino))
			st->stale = 1;
		return;
	}
	st->server[0] = '\0';
	/* ctime, not mtime: a package keeps the mtime of its build. */
	started = postmaster_started(c->dir);
	if (started > 0 && (long)now.st_ctime > started)
		st->stale = 1;
}

static int
server_running(const struct ctx *c, int *running, struct err *err)
{
	char prog[PATHSZ], data[PATHSZ];
	char *argv[] = {prog, "-D", data, "status", NULL};
	struct childproc_result out;
	int rc, status;

	*running = 0;
	if ((rc = join(prog, c->bindir, "pg_ctl", err)) < 0 ||
	    (rc = join(data, c->dir, "data", err)) < 0)
		return rc;
	if ((rc = run(c, argv, &out, err)) < 0)
		return err_prefix(
		    err, "cannot check the PostgreSQL server in %s", c->dir);
	/* pg_ctl status: 0 running, 3 not running, 4 no data directory. */
	status = out.status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		*running = !zombie(postmaster_pid(c->dir));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 3)
		rc = run_failed(err, "pg_ctl status failed", &out);
	childproc_result_free(&out);
	if (rc < 0)
		return err_prefix(
		    err, "cannot check the PostgreSQL server in %s", c->dir);
	return 0;
}

static int
start_server(const struct ctx *c, struct err *err)
{
	char prog[PATHSZ], data[PATHSZ], logf[PATHSZ], st[80], text[500];
	char logtail[600];
	char *argv[] = {prog, "-D", data, "-l", logf, "-w", "-t", START_TIMEOUT,
	    "-s", "start", NULL};
	struct childproc_result out;
	int rc, ok, i;
	long pid;

	if ((rc = join(prog, c->bindir, "pg_ctl", err)) < 0 ||
	    (rc = join(data, c->dir, "data", err)) < 0 ||
	    (rc = join(logf, c->dir, "postgres.log", err)) < 0)
		return rc;
	/* A postmaster that died but is not reaped yet makes the new one
	 * give up ("is another postmaster running?"): wait for it. */
	pid = postmaster_pid(c->dir);
	for (i = 0; pid > 0 && i < 100 && zombie(pid); i++)
		usleep(100 * 1000);
	log_info("starting the PostgreSQL server in %s", c->dir);
	if ((rc = run(c, argv, &out, err)) < 0)
		return err_prefix(err, "cannot start the PostgreSQL server");
	ok = childproc_ok(out.status);
	childproc_status_text(out.status, st, sizeof(st));
	oneline(text, sizeof(text), dynbuf_str(&out.out), out.out.len, 200);
	childproc_result_free(&out);
	if (ok)
		return 0;
	/* pg_ctl only says "examine the log output": the reason is there. */
	file_tail(logtail, sizeof(logtail), logf, 500);
	return err_set(err, ERR_DB,
	    "cannot start the PostgreSQL server in %s: pg_ctl failed (%s): "
	    "%s; %s ends: %s",
	    c->dir, st, text, logf, logtail[0] != '\0' ? logtail : "(nothing)");
}

static int
stop_server(const struct ctx *c, struct err *err)
{
	char prog[PATHSZ], data[PATHSZ];
	char *argv[] = {prog, "-D", data, "-m", "fast", "-w", "-t",
	    START_TIMEOUT, "-s", "stop", NULL};
	struct childproc_result out;
	struct err why;
	int rc, ok, running;

	if ((rc = join(prog, c->bindir, "pg_ctl", err)) < 0 ||
	    (rc = join(data, c->dir, "data", err)) < 0)
		return rc;
	log_info("stopping the PostgreSQL server in %s", c->dir);
	if ((rc = run(c, argv, &out, err)) < 0)
		return err_prefix(err, "cannot stop the PostgreSQL server");
	ok = childproc_ok(out.status);
	if (!ok)
		run_failed(&why, "pg_ctl stop failed", &out);
	childproc_result_free(&out);
	/* It may have gone by itself in the meantime: that will do. */
	if (ok || (server_running(c, &running, err) == 0 && !running))
		return 0;
	*err = why;
	return err_prefix(
	    err, "cannot stop the PostgreSQL server in %s", c->dir);
}

/* The database "dmarcsift", once: DIR/db-created records that it exists,
 * so that later starts need not ask the server. */
static int
ensure_database(const struct ctx *c, struct err *err)
{
	char prog[PATHSZ], mark[PATHSZ];
	char *argv[] = {
	    prog, "-h", (char *)c->dir, "-p", PORT, "-U", DBUSER, DBNAME, NULL};
	struct childproc_result out;
	struct stat st;
	int rc, fd;

	if ((rc = join(mark, c->dir, "db-created", err)) < 0)
		return rc;
	if (stat(mark, &st) == 0)
		return 0;
	if ((rc = join(prog, c->bindir, "createdb", err)) < 0)
		return rc;
	if ((rc = run(c, argv, &out, err)) < 0)
		return err_prefix(err, "cannot create the database " DBNAME);
	/* The server's words: its lc_messages is C, whatever our locale. */
	if (!childproc_ok(out.status) &&
	    memmem(dynbuf_str(&out.out), out.out.len, "already exists", 14) ==
	        NULL) {
		run_failed(err, "createdb failed", &out);
		childproc_result_free(&out);
		return err_prefix(
		    err, "cannot create the database " DBNAME " in %s", c->dir);
	}
	childproc_result_free(&out);
	if ((fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return err_set(
		    err, ERR_IO, "cannot create %s: %s", mark, strerror(errno));
	close(fd);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The interface */

/* Characters the cluster's directory cannot hold: pg_ctl passes it to
 * /bin/sh inside double quotes ($ ` " \), postgresql.conf takes it in
 * single quotes ('), unix_socket_directories is a comma-separated list. */
static int
bad_dir_char(const char *dir)
{
	const unsigned char *p;

	for (p = (const unsigned char *)dir; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || strchr("'\"\\$`,", *p) != NULL)
			return *p;
	return 0;
}

int
pgcluster_locate(struct pgcluster *pc, struct err *err)
{
	const char *env, *home, *what;
	struct passwd *pw;
	char cwd[PATHSZ], base[PATHSZ];
	size_t len;
	int n, ch;

	env = getenv("DMARCSIFT_HOME");
	if (env != NULL && env[0] != '\0') {
		what = "DMARCSIFT_HOME";
		if (env[0] == '/')
			n = snprintf(base, sizeof(base), "%s", env);
		else if (getcwd(cwd, sizeof(cwd)) != NULL)
			n = snprintf(base, sizeof(base), "%s/%s", cwd, env);
		else
			return err_set(err, ERR_IO,
			    "DMARCSIFT_HOME is relative and the current "
			    "directory is unknown: %s",
			    strerror(errno));
	} else if (geteuid() == 0) {
		what = "the default " ROOT_HOME;
		n = snprintf(base, sizeof(base), "%s", ROOT_HOME);
	} else {
		env = getenv("XDG_DATA_HOME");
		/* The XDG spec says to ignore a relative XDG_DATA_HOME. */
		if (env != NULL && env[0] == '/') {
			what = "XDG_DATA_HOME";
			n = snprintf(base, sizeof(base), "%s/dmarcsift", env);
		} else {
			what = "your home directory";
			home = getenv("HOME");
			if ((home == NULL || home[0] != '/') &&
			    (pw = getpwuid(geteuid())) != NULL)
				home = pw->pw_dir;
			if (home == NULL || home[0] != '/')
				return err_set(err, ERR_IO,
				    "cannot place the PostgreSQL cluster: no "
				    "home directory; set DMARCSIFT_HOME");
			n = snprintf(base, sizeof(base),
			    "%s/.local/share/dmarcsift", home);
		}
	}
	if (n < 0 || n >= (int)sizeof(base))
		return err_set(err, ERR_IO,
		    "cannot place the PostgreSQL cluster: the path from %s "
		    "is too long; set DMARCSIFT_HOME to a short directory",
		    what);
	/* "/x/" and "/x" are the same place; keep "/" itself. */
	len = strlen(base);
	while (len > 1 && base[len - 1] == '/')
		base[--len] = '\0';
	n = snprintf(
	    pc->dir, sizeof(pc->dir), "%s%spg", base, len > 1 ? "/" : "");
	/* A unix socket path holds at most 107 bytes. */
	if (n < 0 ||
	    (size_t)n + sizeof("/" SOCKET_NAME) - 1 >
	        sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
		return err_set(err, ERR_IO,
		    "cannot place the PostgreSQL cluster: its socket "
		    "%s/pg/" SOCKET_NAME " would be longer than the %zu "
		    "bytes a socket path may have; set DMARCSIFT_HOME to a "
		    "shorter directory, e.g. DMARCSIFT_HOME=/var/tmp/dmarcsift",
		    base, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if ((ch = bad_dir_char(pc->dir)) != 0)
		return err_set(err, ERR_IO,
		    "cannot place the PostgreSQL cluster in %s: PostgreSQL "
		    "cannot take a '%c' in that path; set DMARCSIFT_HOME to "
		    "another directory",
		    pc->dir, ch < 0x20 || ch == 0x7f ? '?' : ch);
	/* libpq takes a value with spaces in single quotes; ' and \ cannot
	 * occur (see above). */
	snprintf(pc->conninfo, sizeof(pc->conninfo),
	    strchr(pc->dir, ' ') != NULL
	        ? "host='%s' port=" PORT " dbname=" DBNAME " user=" DBUSER
	        : "host=%s port=" PORT " dbname=" DBNAME " user=" DBUSER,
	    pc->dir);
	return 0;
}

int
pgcluster_status(
    const struct pgcluster *pc, struct pgcluster_state *st, struct err *err)
{
	struct ctx c;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = has_cluster(pc->dir, &st->exists, err)) < 0 || !st->exists)
		return rc;
	if ((rc = ctx_init(&c, pc, err)) == 0 &&
	    (rc = find_cluster_bindir(&c, err)) == 0 &&
	    (rc = server_running(&c, &st->running, err)) == 0 && st->running)
		server_binary(&c, postmaster_pid(pc->dir), st);
	ctx_free(&c);
	return rc;
}

/* Start (restart 0) or restart (1): see pgcluster.h. */
static int
start(const struct pgcluster *pc, int restart, struct err *err)
{
	char parent[PATHSZ], *slash;
	struct pgcluster_state bin;
	struct ctx c;
	struct stat st;
	int rc, lockfd = -1, exists, running;

	if ((rc = ctx_init(&c, pc, err)) < 0)
		goto out;
	/* The parents are made readable by all when the server runs as
	 * another user, who must pass through them. */
	snprintf(parent, sizeof(parent), "%s", pc->dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash > parent)
		*slash = '\0';
	if ((rc = make_dirs(parent, c.switch_user ? 0755 : 0700, err)) < 0)
		goto out;
	if (c.switch_user && strcmp(parent, ROOT_HOME) == 0 &&
	    stat(parent, &st) == 0 && (st.st_mode & 0755) != 0755 &&
	    chmod(parent, (st.st_mode & 07777) | 0755) < 0) {
		rc = err_set(err, ERR_IO, "cannot set the mode of %s: %s",
		    parent, strerror(errno));
		goto out;
	}
	if ((rc = lock_cluster(pc->dir, 1, &lockfd, err)) < 0 ||
	    (rc = has_cluster(pc->dir, &exists, err)) < 0)
		goto out;
	if (!exists && (rc = create_cluster(&c, err)) < 0)
		goto out;
	if ((rc = find_cluster_bindir(&c, err)) < 0 ||
	    (rc = server_running(&c, &running, err)) < 0)
		goto out;
	if (running && !restart) {
		/* Every command comes here first: the one place where a
		 * server left behind by an upgrade is noticed and mended.
		 * Sessions of other dmarcsift end with it; that server would
		 * have failed them anyway. */
		server_binary(&c, postmaster_pid(pc->dir), &bin);
		if (bin.stale && bin.deleted)
			log_warn(
			    "restarting the PostgreSQL server in %s: it "
			    "runs an old binary, %s, replaced by an upgrade",
			    pc->dir, bin.server);
		else if (bin.stale)
			log_warn("restarting the PostgreSQL server in %s: it "
			         "runs %s%s the installed %s",
			    pc->dir,
			    bin.server[0] != '\0' ? bin.server
			                          : "a binary older than",
			    bin.server[0] != '\0' ? ", not" : "",
			    bin.installed);
		restart = bin.stale;
	}
	if (running && restart && (rc = stop_server(&c, err)) < 0)
		goto out;
	if ((!running || restart) && (rc = start_server(&c, err)) < 0)
		goto out;
	rc = ensure_database(&c, err);
out:
	if (lockfd >= 0)
		close(lockfd);
	ctx_free(&c);
	return rc;
}

int
pgcluster_start(const struct pgcluster *pc, struct err *err)
{
	return start(pc, 0, err);
}

int
pgcluster_restart(const struct pgcluster *pc, struct err *err)
{
	return start(pc, 1, err);
}

/* Stops the postmaster pid without pg_ctl: SIGINT is a fast shutdown;
 * waits for it as pg_ctl -w would. */
static int
signal_stop(const char *dir, long pid, struct err *err)
{
	int i;

	log_info("stopping the PostgreSQL server in %s (pid %ld) by signal: "
	         "its pg_ctl is gone",
	    dir, pid);
	if (kill((pid_t)pid, SIGINT) < 0)
		return errno == ESRCH ? 0
		                      : err_set(err, ERR_IO,
		                            "cannot stop the PostgreSQL server "
		                            "in %s (pid %ld): %s",
		                            dir, pid, strerror(errno));
	for (i = 0; i < 10 * atoi(START_TIMEOUT); i++) {
		if ((kill((pid_t)pid, 0) < 0 && errno == ESRCH) || zombie(pid))
			return 0;
		usleep(100 * 1000);
	}
	return err_set(err, ERR_IO,
	    "cannot stop the PostgreSQL server in %s (pid %ld): it is still "
	    "there after " START_TIMEOUT " seconds",
	    dir, pid);
}

int
pgcluster_stop(const struct pgcluster *pc, struct err *err)
{
	struct ctx c;
	int rc, lockfd = -1, exists, running;
	long pid;

	memset(&c, 0, sizeof(c));
	if ((rc = lock_cluster(pc->dir, 0, &lockfd, err)) < 0 || lockfd < 0 ||
	    (rc = has_cluster(pc->dir, &exists, err)) < 0 || !exists ||
	    (rc = ctx_init(&c, pc, err)) < 0)
		goto out;
	if (find_cluster_bindir(&c, err) < 0) {
		/* A major upgrade took pg_ctl away: the server it left
		 * running must still be stoppable, as README tells. */
		pid = live_postmaster(pc->dir);
		rc = pid > 0 ? signal_stop(pc->dir, pid, err) : 0;
		goto out;
	}
	if ((rc = server_running(&c, &running, err)) < 0)
		goto out;
	if (running)
		rc = stop_server(&c, err);
out:
	if (lockfd >= 0)
		close(lockfd);
	ctx_free(&c);
	return rc;
}
