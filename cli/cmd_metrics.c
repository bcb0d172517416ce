/*
 * dmarcsift metrics: the numbers for monitoring (issue 19) in the
 * Prometheus text format, on stdout or, with --output, as a file for
 * node_exporter's textfile collector, replaced whole so that the
 * collector never reads half of one.
 */
#include "commands.h"

#include "cliopt.h"
#include "clock.h"
#include "db.h"
#include "dbconn.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "metrics_prom.h"
#include "owned.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The textfile collector reads only files named so. */
#define PROM_SUFFIX ".prom"

/* The directory of path, for the temporary file and its fsync; the
 * caller's, free(). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	dir = xstrdup(path);
	dir[slash - path] = '\0';
	return dir;
}

/*
 * Writes len bytes of text to path as a whole: a temporary file beside it
 * (not named *.prom, so the collector passes it by), synced, renamed over
 * path, and the directory synced.  The file gets the mode a new file gets
 * (0666 less the umask; mkstemp() makes 0600), as a shell redirect would
 * make it, so that node_exporter's user can read it under the usual
 * umask.  0, or -1 with the reason said.
 */
static int
write_whole(const char *path, const char *text, size_t len)
{
	char *dir = dir_of(path), *tmp;
	size_t n = strlen(path) + 16;
	mode_t mask;
	int fd, dfd, rc = -1;

	tmp = xmalloc(n);
	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		log_error("metrics: cannot create a file in %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		goto failed;
	for (size_t o = 0; o < len;) {
		ssize_t w = write(fd, text + o, len - o);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto failed;
		o += (size_t)w;
	}
	if (fsync(fd) < 0)
		goto failed;
	if (close(fd) < 0) {
		fd = -1;
		goto failed;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto failed;
	/* The rename itself survives a crash once the directory is on
	 * disk. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0 || fsync(dfd) < 0)
		log_warn("metrics: %s is written, but its directory %s could "
		         "not be synced (%s): a crash now may lose the rename",
		    path, dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	rc = 0;
	goto out;
failed:
	log_error("metrics: cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}

/* The exposition into *text (the caller's, free()); 0, or -1 said. */
static int
exposition(const char *db_opt, char **text, size_t *len)
{
	const struct config *cfg;
	struct metrics *m = NULL;
	struct db *db = NULL;
	struct err err;
	char *owned = NULL;
	FILE *fp;
	int rc;

	*text = NULL;
	*len = 0;
	if (cliopt_settings(&cfg, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	/* It says what is wrong itself. */
	if (owned_domains(cfg, &owned) < 0)
		return -1;
	dbconn_reading();
	if (dbconn_open(db_opt, &db, &err) < 0 ||
	    metrics_read(db, owned, clock_last_complete_day_end(), &m, &err) <
	        0) {
		log_error("metrics: %s", err.msg);
		db_close(db);
		free(owned);
		return -1;
	}
	db_close(db);
	free(owned);
	rc = -1;
	if ((fp = open_memstream(text, len)) != NULL) {
		metrics_prom(fp, m);
		rc = ferror(fp) ? -1 : 0;
		if (fclose(fp) != 0)
			rc = -1;
	}
	metrics_free(m);
	if (rc < 0) {
		log_error("metrics: cannot hold the exposition in memory");
		free(*text);
		*text = NULL;
	}
	return rc;
}

int
cmd_metrics(int argc, char **argv)
{
	const char *output = NULL;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_STRING("output", "FILE", &output,
	        "write FILE (named *" PROM_SUFFIX "), replaced whole, for "
	        "node_exporter's textfile collector"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift metrics [--db CONNINFO] [--output "
	             "FILE]\n",
	    .about =
	        "The numbers for monitoring, in the Prometheus text format "
	        "(0.0.4): ingest\nruns by command and status, the last "
	        "finished run, inputs by outcome,\nreports and records "
	        "stored, mail awaiting its IMAP move, the size of the\n"
	        "database, and per domain the messages and the share that "
	        "passed DMARC\n(dmarcsift's verdict) over the last complete "
	        "UTC day and the last 7.  Only\nthe owner's domains have a "
	        "series each (the setting domains; without it,\nat most 20 "
	        "that report would call yours); the rest is summed as\n"
	        "domain=\"(other)\".  It only reads, and no record: the "
	        "runs, the inputs, the\nreports and the rollup of the last 7 "
	        "days.  `dmarcsift serve` answers the\nsame at "
	        "/metrics.\n\nWith --output, the file is written "
	        "beside FILE and renamed over it, so\nnode_exporter "
	        "(--collector.textfile.directory) never reads half of it;\n"
	        "run it from cron or a timer after each ingest.  On failure "
	        "FILE stays as\nit was, and node_exporter's "
	        "node_textfile_mtime_seconds shows its age.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON | CLIOPT_G_DATABASE | CLIOPT_G_ANALYSIS,
	    .footer = "Exit status: 0 written, 2 could not run (no database, a "
	              "bad setting,\nFILE not named *.prom or not "
	              "writable).\n",
	    .no_operands = 1,
	};
	struct cliopt co;
	char *text;
	size_t len, n;
	int rc;

	cliopt_init(&co);
	if ((rc = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return rc;
	n = output != NULL ? strlen(output) : 0;
	if (output != NULL &&
	    (n <= strlen(PROM_SUFFIX) ||
	        strcmp(output + n - strlen(PROM_SUFFIX), PROM_SUFFIX) != 0)) {
		log_error(
		    "metrics: --output %s: the name must end in " PROM_SUFFIX
		    " (node_exporter's textfile collector "
		    "reads only those)",
		    output);
		return EXIT_CANNOT_RUN;
	}
	if (exposition(co.db, &text, &len) < 0)
		return EXIT_CANNOT_RUN;
	if (output != NULL) {
		rc = write_whole(output, text, len);
	} else {
		rc = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0
		    ? 0
		    : -1;
		if (rc < 0)
			log_error("cannot write standard output");
	}
	free(text);
	return rc < 0 ? EXIT_CANNOT_RUN : EXIT_OK;
}
