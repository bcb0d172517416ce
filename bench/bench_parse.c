/*
 * bench_parse: how fast the reader turns files into records.
 *
 * Reads each file like "dmarcsift parse" does (bytesrc_fd_new, then
 * reader_read with every container and the parser) into a sink that only
 * counts, so what is timed is the ingest path and nothing else.  Prints one
 * "name: value" line per figure, for people and for bench/run.
 *
 * The XML size (what the parser saw) is measured in an untimed pass before
 * the timed one, with zlib: exact for plain and gzip'd XML, left out for
 * other containers.  That pass also leaves the files in the page cache, so
 * the timed pass measures CPU, not the disk.  --no-xml-bytes skips it, so a
 * profile of the whole process shows only the reader.
 */
#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "reader.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Problems shown in full; the rest are counted. */
#define SHOW_PROBLEMS 5

struct counts {
	uint64_t records, messages;
	unsigned reports, problems;
};

static int
on_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct counts *c = ctx;

	c->records++;
	return 0;
}

static int
on_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct counts *c = ctx;

	c->reports++;
	c->messages += rep->messages;
	return 0;
}

static void
on_problem(void *ctx, const char *where, const struct err *why)
{
	struct counts *c = ctx;

	if (c->problems++ < SHOW_PROBLEMS)
		fprintf(stderr, "bench_parse: %s\n", why->msg);
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * Adds the file's size to *input and, when it is gzip'd or plain XML and
 * count_xml is set, its XML size to *xml; returns 0, 1 when the XML size
 * is unknown, or -1.
 */
static int
measure(const char *path, int count_xml, uint64_t *input, uint64_t *xml)
{
	static unsigned char buf[256 * 1024];
	unsigned char head[2];
	struct stat sb;
	gzFile gz;
	FILE *fp;
	size_t got;
	uint64_t n = 0;
	int r;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &sb) < 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	got = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	*input += (uint64_t)sb.st_size;
	if (!count_xml)
		return 1;
	if (got == 2 && head[0] == 0x1f && head[1] == 0x8b) {
		if ((gz = gzopen(path, "rb")) == NULL)
			return -1;
		gzbuffer(gz, 256 * 1024);
		while ((r = gzread(gz, buf, sizeof(buf))) > 0)
			n += (uint64_t)r;
		gzclose(gz);
		if (r < 0)
			return 1;
		*xml += n;
		return 0;
	}
	if (got >= 1 &&
	    (head[0] == '<' || head[0] == 0xef || head[0] == ' ' ||
	        head[0] == '\n')) {
		*xml += (uint64_t)sb.st_size;
		return 0;
	}
	return 1;
}

static void
usage(FILE *fp)
{
	fputs("usage: bench_parse [--limit NAME=VALUE]... [--no-xml-bytes] "
	      "FILE...\n"
	      "  Reads FILEs as \"dmarcsift parse\" does and prints figures.\n"
	      "  --no-xml-bytes  skip the untimed pass that measures the XML\n",
	    fp);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"limit", required_argument, NULL, 'L'},
	    {"no-xml-bytes", no_argument, NULL, 'X'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct limits lim;
	struct counts cnt = {0, 0, 0, 0};
	struct reader_sink sink = {
	    {&cnt, on_record, on_report, NULL}, on_problem};
	struct reader_stats stats;
	struct rusage ru;
	struct err err;
	uint64_t input = 0, xml = 0;
	unsigned refused = 0, skipped = 0, files = 0, xml_unknown = 0;
	double wall, cpu;
	int c, status = 0, count_xml = 1;

	limits_init(&lim);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'L':
			if (limits_set(&lim, optarg, &err) < 0) {
				fprintf(stderr, "bench_parse: %s\n", err.msg);
				return 2;
			}
			break;
		case 'X':
			count_xml = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}

	for (int i = optind; i < argc; i++) {
		int r = measure(argv[i], count_xml, &input, &xml);

		if (r < 0)
			return 2;
		xml_unknown += r;
	}

	wall = wall_now();
	cpu = cpu_now();
	for (int i = optind; i < argc; i++) {
		struct bytesrc *src;
		int fd;

		if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) < 0) {
			fprintf(stderr, "bench_parse: %s: %s\n", argv[i],
			    strerror(errno));
			return 2;
		}
		src = bytesrc_fd_new(fd, 1, lim.input_bytes);
		err_clear(&err);
		reader_read(src, &lim, &sink, &stats, &err);
		bytesrc_free(src);
		files++;
		refused += stats.refused;
		skipped += stats.skipped;
	}
	wall = wall_now() - wall;
	cpu = cpu_now() - cpu;
	getrusage(RUSAGE_SELF, &ru);

	if (refused > 0 || skipped > 0 || cnt.reports == 0)
		status = 1;
	printf("files: %u\n", files);
	printf("reports: %u\n", cnt.reports);
	printf("refused: %u\n", refused);
	printf("skipped: %u\n", skipped);
	printf("records: %" PRIu64 "\n", cnt.records);
	printf("messages: %" PRIu64 "\n", cnt.messages);
	printf("input_bytes: %" PRIu64 "\n", input);
	if (xml_unknown == 0)
		printf("xml_bytes: %" PRIu64 "\n", xml);
	else
		printf("xml_bytes: unknown for %u file(s)\n", xml_unknown);
	printf("wall_s: %.3f\n", wall);
	printf("cpu_s: %.3f\n", cpu);
	if (wall > 0) {
		printf("input_MB_per_s: %.1f\n", (double)input / 1e6 / wall);
		if (xml_unknown == 0)
			printf(
			    "xml_MB_per_s: %.1f\n", (double)xml / 1e6 / wall);
		printf("records_per_s: %.0f\n", (double)cnt.records / wall);
	}
	/* Linux counts ru_maxrss in KiB. */
	printf("peak_rss_kib: %ld\n", ru.ru_maxrss);
	return status;
}
