/*
 * dmarcsift parse: read reports from files, mail or stdin and print them.
 */
#include "commands.h"

#include "bytesrc.h"
#include "cliopt.h"
#include "err.h"
#include "input_limits.h"
#include "log.h"
#include "parsed.h"
#include "reader.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The sink: records wait in a scratch file until their report is whole. */
struct parse_out {
	const struct parsed_format *fmt;
	FILE *scratch;
	uint64_t nrec;
	const char *input;
};

/* An unlinked file in $TMPDIR (tmpfile() ignores TMPDIR). */
static FILE *
scratch_open(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	FILE *fp;
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/dmarcsift.XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL)
		close(fd);
	return fp;
}

static int
scratch_reset(struct parse_out *out, struct err *err)
{
	out->nrec = 0;
	rewind(out->scratch);
	if (ftruncate(fileno(out->scratch), 0) < 0)
		return err_set(err, ERR_SINK,
		    "cannot empty the scratch file: %s", strerror(errno));
	return 0;
}

static int
scratch_error(struct err *err)
{
	return err_set(err, ERR_SINK,
	    "cannot write the scratch file in $TMPDIR (or /tmp): %s; is it "
	    "full?",
	    strerror(errno));
}

static int
out_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct parse_out *out = ctx;

	out->fmt->record(out->scratch, rec, out->nrec++);
	return ferror(out->scratch) ? scratch_error(err) : 0;
}

static int
out_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct parse_out *out = ctx;
	char buf[65536];
	off_t left;
	size_t n;

	/* Check before rewind(), which clears the error flag. */
	if (fflush(out->scratch) != 0 || ferror(out->scratch))
		return scratch_error(err);
	left = ftello(out->scratch);
	rewind(out->scratch);
	out->fmt->head(stdout, rep, out->input, where);
	while (left > 0 &&
	    (n = fread(buf, 1,
	         (size_t)left < sizeof(buf) ? (size_t)left : sizeof(buf),
	         out->scratch)) > 0) {
		fwrite(buf, 1, n, stdout);
		left -= (off_t)n;
	}
	if (left != 0)
		return err_set(err, ERR_SINK,
		    "cannot read back the scratch file: %s", strerror(errno));
	out->fmt->tail(stdout, rep);
	if (fflush(stdout) != 0 || ferror(stdout))
		return err_set(err, ERR_SINK,
		    "cannot write standard output: %s", strerror(errno));
	return scratch_reset(out, err);
}

static void
out_discard(void *ctx)
{
	struct parse_out *out = ctx;
	struct err err;

	/* A failure here shows again at the next write to the file. */
	(void)scratch_reset(out, &err);
}

static void
out_problem(void *ctx, const char *where, const struct err *why)
{
	struct parse_out *out = ctx;

	if (why->code == ERR_NOT_AGGREGATE)
		log_warn("%s: %s; skipped", out->input, why->msg);
	else
		log_error("%s: %s", out->input, why->msg);
}

/* Opens an input; the caller frees the result with bytesrc_free(). */
static int
open_input(const char *path, const struct limits *lim, struct bytesrc **out,
    struct err *err)
{
	struct stat sb;
	int fd;

	if (strcmp(path, "-") == 0) {
		*out = bytesrc_fd_new(STDIN_FILENO, 0, lim->input_bytes);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(err, ERR_IO, "cannot open: %s", strerror(errno));
	if (fstat(fd, &sb) < 0 || S_ISDIR(sb.st_mode)) {
		close(fd);
		return err_set(
		    err, ERR_USAGE, "is a directory; name the files in it");
	}
	if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > lim->input_bytes) {
		close(fd);
		return err_set(err, ERR_LIMIT,
		    "input larger than %llu bytes (limit input_bytes)",
		    (unsigned long long)lim->input_bytes);
	}
	*out = bytesrc_fd_new(fd, 1, lim->input_bytes);
	return 0;
}

int
cmd_parse(int argc, char **argv)
{
	int json = 0, go;
	const struct cliopt_opt opts[] = {
	    CLIOPT_OPT_FLAG(
	        "json", &json, "one JSON object per report per line"),
	    CLIOPT_OPT_END,
	};
	const struct cliopt_cmd cmd = {
	    .usage = "usage: dmarcsift parse [--json] [--limit NAME=VALUE]... "
	             "INPUT...\n",
	    .about = "Reads DMARC aggregate reports and prints them.  An INPUT "
	             "is a file, or - for\nstandard input: XML, gzip, zip, or "
	             "a mail (.eml or mbox) carrying any of these,\nrecognised "
	             "by content, never by name.\n\nAn input that yields no "
	             "report gets one line on standard error saying why.\n"
	             "Failure (ruf) and SMTP TLS reports are skipped with a "
	             "note, not refused.\n",
	    .opts = opts,
	    .groups = CLIOPT_G_COMMON,
	    .settings_fn = limits_print_help,
	    .footer = "Exit status: 0 every input gave a report or was "
	              "skipped, 1 some input was\nrefused (broken, hostile or "
	              "over a limit), 2 usage error or unreadable file.\n",
	};
	struct cliopt co;
	struct parse_out out = {&parsed_text, NULL, 0, NULL};
	struct reader_sink sink = {
	    {&out, out_record, out_report, out_discard}, out_problem};
	struct err err;
	unsigned reports = 0, refused = 0, skipped = 0;
	int status = EXIT_OK;

	cliopt_init(&co);
	if ((go = cliopt_parse(&co, &cmd, argc, argv)) != CLIOPT_GO)
		return go;
	if (json)
		out.fmt = &parsed_json;
	if (co.argi == argc) {
		log_error("parse: no input given; use - for standard input");
		return EXIT_CANNOT_RUN;
	}
	out.scratch = scratch_open();
	if (out.scratch == NULL) {
		log_error("cannot create a scratch file: %s (set TMPDIR to a "
		          "writable directory)",
		    strerror(errno));
		return EXIT_CANNOT_RUN;
	}

	for (int i = co.argi; i < argc; i++) {
		struct reader_stats stats;
		struct bytesrc *src = NULL;
		int rc;

		out.input = strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];
		err_clear(&err);
		if (open_input(argv[i], &co.lim, &src, &err) < 0) {
			log_error("%s: %s", out.input, err.msg);
			if (err.code == ERR_LIMIT)
				refused++;
			else
				status = EXIT_CANNOT_RUN;
			continue;
		}
		rc = reader_read(src, &co.lim, &sink, &stats, &err);
		bytesrc_free(src);
		reports += stats.reports;
		refused += stats.refused;
		skipped += stats.skipped;
		log_info("%s: %u report(s), %u refused, %u skipped", out.input,
		    stats.reports, stats.refused, stats.skipped);
		if (rc == ERR_SINK) {
			log_error("%s", err.msg);
			status = EXIT_CANNOT_RUN;
			break;
		}
		if (rc == ERR_IO) {
			log_error("%s: %s", out.input, err.msg);
			status = EXIT_CANNOT_RUN;
		}
	}
	fclose(out.scratch);
	log_info(
	    "%u report(s), %u refused, %u skipped", reports, refused, skipped);
	if (status == EXIT_OK && refused > 0)
		status = EXIT_SOME_FAILED;
	return status;
}
