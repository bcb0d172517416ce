/*
 * replay: runs a fuzz target over files, without libFuzzer.
 *
 * Linked with a target's LLVMFuzzerTestOneInput() it makes a plain program
 * that feeds it every file named on the command line, and every file under
 * every directory named (recursively, in name order, dot files skipped).
 * The normal test run replays the seed corpus and the shared corpus this
 * way, so every input that ever broke a target keeps being tried by every
 * compiler and sanitizer build, not only by the clang fuzzing build.
 *
 * Each input gets a buffer of its exact size, as under libFuzzer, so an
 * AddressSanitizer build sees a read one byte past the end.  The file name
 * goes to stderr before the target runs: after a crash the last name shown
 * is the culprit.  Arguments starting with '-' are ignored, so a libFuzzer
 * command line (say -runs=0) can be reused as is.
 *
 * Exit status: 0 when every input ran; 1 when a path cannot be read or a
 * directory holds no file at all (a wrong path must not pass as "nothing
 * to replay").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Worth a line: libFuzzer's -timeout for these targets is 10 s. */
#define SLOW_SECONDS 1.0

struct totals {
	unsigned long files;
	unsigned long long bytes;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
read_file(const char *path, uint8_t **out, size_t *out_len)
{
	struct stat sb;
	uint8_t *buf;
	size_t len, got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	len = (size_t)sb.st_size;
	/* malloc(0) may give NULL; the target still gets a valid pointer. */
	if ((buf = malloc(len > 0 ? len : 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		close(fd);
		return -1;
	}
	while (got < len && (n = read(fd, buf + got, len - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got != len) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int
run_file(const char *path, struct totals *t)
{
	uint8_t *buf;
	size_t len;
	double start, spent;

	if (read_file(path, &buf, &len) < 0)
		return -1;
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	start = now();
	LLVMFuzzerTestOneInput(buf, len);
	spent = now() - start;
	if (spent > SLOW_SECONDS)
		fprintf(stderr, "replay: %s: slow, %.1f s\n", path, spent);
	free(buf);
	t->files++;
	t->bytes += len;
	return 0;
}

static int
skip_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int run_path(const char *path, struct totals *t);

static int
run_dir(const char *path, struct totals *t)
{
	struct dirent **names;
	int n, rc = 0;

	/* Sorted, so two runs replay in the same order. */
	if ((n = scandir(path, &names, skip_entry, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t sz = strlen(path) + strlen(names[i]->d_name) + 2;
		char *sub = malloc(sz);

		if (sub == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			rc = -1;
		} else {
			snprintf(sub, sz, "%s/%s", path, names[i]->d_name);
			if (run_path(sub, t) < 0)
				rc = -1;
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
run_path(const char *path, struct totals *t)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode))
		return run_dir(path, t);
	if (!S_ISREG(sb.st_mode)) {
		fprintf(stderr, "replay: %s: not a file or directory\n", path);
		return -1;
	}
	return run_file(path, t);
}

int
main(int argc, char **argv)
{
	struct totals all = {0, 0};
	int status = 0, paths = 0;

	for (int i = 1; i < argc; i++) {
		struct totals one = {0, 0};

		if (argv[i][0] == '-')
			continue;
		paths++;
		if (run_path(argv[i], &one) < 0)
			status = 1;
		else if (one.files == 0) {
			fprintf(stderr, "replay: %s: no files to replay\n",
			    argv[i]);
			status = 1;
		}
		all.files += one.files;
		all.bytes += one.bytes;
	}
	if (paths == 0) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 1;
	}
	printf("replay: %lu file(s), %llu bytes%s\n", all.files, all.bytes,
	    status != 0 ? ", with errors" : "");
	return status;
}
