/*
 * source_files: files, directories, Maildir folders, mbox files and stdin.
 */
#include "source.h"

#include "dynbuf.h"
#include "err.h"
#include "input_limits.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct list {
	char **items;
	size_t n, cap;
};

static void
list_add(struct list *l, char *item)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n++] = item;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Inside a walk, a symlink to a directory is not followed (as find does):
 * a loop of links would otherwise be walked over and over.  It is listed,
 * and source_read() names it. */
static int
is_real_dir(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A Maildir's tmp/ holds mail still being delivered: never read it. */
static int
maildir_tmp(const char *dir, const char *entry)
{
	char path[4096];

	if (strcmp(entry, "tmp") != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/cur", dir);
	return is_dir(path);
}

static void
walk(const char *dir, struct list *out, int depth)
{
	struct list here = {0};
	struct dirent *de;
	DIR *d;

	if (depth > 64 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || maildir_tmp(dir, de->d_name))
			continue;
		list_add(&here, xasprintf("%s/%s", dir, de->d_name));
	}
	closedir(d);
	if (here.n > 0)
		qsort(here.items, here.n, sizeof(*here.items), by_name);
	for (size_t i = 0; i < here.n; i++) {
		/* Everything else is listed, links to directories too:
		 * source_read() reads regular files and names the rest. */
		if (is_real_dir(here.items[i])) {
			walk(here.items[i], out, depth + 1);
			free(here.items[i]);
		} else {
			list_add(out, here.items[i]);
		}
	}
	free(here.items);
}

int
source_list(
    char *const *paths, int n, char ***out, size_t *count, struct err *err)
{
	struct list l = {0};
	struct stat sb;

	for (int i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) < 0)
			return err_set(err, ERR_USAGE, "%s: %s", paths[i],
			    strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(paths[i], "-") != 0 && is_dir(paths[i]))
			walk(paths[i], &l, 0);
		else
			list_add(&l, xstrdup(paths[i]));
	}
	*out = l.items;
	*count = l.n;
	return 0;
}

void
source_list_free(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

/* Start of the next "From " line that follows an empty line, or end. */
static size_t
next_mail(const unsigned char *buf, size_t len, size_t from)
{
	for (size_t i = from; i + 6 < len; i++) {
		if (buf[i] == '\n' &&
		    (buf[i + 1] == '\n' ||
		        (buf[i + 1] == '\r' && i + 2 < len &&
		            buf[i + 2] == '\n'))) {
			size_t j = i + (buf[i + 1] == '\r' ? 3 : 2);

			if (j + 5 <= len && memcmp(buf + j, "From ", 5) == 0)
				return j;
		}
	}
	return len;
}

/* An mbox holds mails one after another: each is an input of its own. */
static int
read_mbox(const char *path, const unsigned char *buf, size_t len,
    const struct source_sink *sink, struct err *err)
{
	size_t start = 0;
	unsigned n = 0;
	int rc = 0;

	while (start < len && rc == 0) {
		size_t end = next_mail(buf, len, start + 5);
		char *name = xasprintf("%s (mail %u)", path, ++n);
		struct source_input in = {
		    "mbox", name, buf + start, end - start, 1};

		rc = sink->input(sink->arg, &in, err);
		free(name);
		start = end;
	}
	return rc;
}

/*
 * Reads fd up to limit bytes into a new buffer (the caller's); *complete
 * is 0 when more followed, which is then left unread.
 */
static int
read_bounded(
    int fd, uint64_t limit, unsigned char **out, size_t *len, int *complete)
{
	struct dynbuf buf;
	size_t got;
	int rc;

	dynbuf_init(&buf, limit < SIZE_MAX ? (size_t)limit : SIZE_MAX);
	while ((rc = dynbuf_read(&buf, fd, &got)) == 0 && got > 0)
		;
	if (rc == ERR_IO) {
		int saved = errno; /* the caller tells it */

		dynbuf_free(&buf);
		errno = saved;
		return -1;
	}
	*complete = rc != ERR_LIMIT;
	*out = (unsigned char *)dynbuf_take(&buf, len);
	return 0;
}

static const char *
kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISDIR(mode))
		return "directory";
	return "unknown type";
}

/*
 * Opens path for reading if it is a regular file, itself and not through
 * a symbolic link; returns the descriptor, or -1 with the reason in why.
 * lstat() first so that a device is never opened (opening one may do
 * something); then open() without following a link and without waiting
 * for a FIFO's writer, and fstat() on what was opened, for an entry
 * replaced in between.
 */
static int
open_regular(const char *path, char *why, size_t whysize)
{
	static const char link[] = "a symbolic link, not followed (name its "
	                           "target to read it); skipped";
	struct stat sb;
	int fd, fl;

	if (lstat(path, &sb) < 0) {
		snprintf(why, whysize, "%s", strerror(errno));
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		snprintf(why, whysize, "%s", link);
		return -1;
	}
	if (!S_ISREG(sb.st_mode))
		goto not_regular;
	fd = open(
	    path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whysize, "%s",
		    errno == ELOOP ? link : strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0) {
		snprintf(why, whysize, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		goto not_regular;
	}
	/* A regular file never blocks; the flag only guarded the open. */
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		snprintf(why, whysize, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
not_regular:
	snprintf(
	    why, whysize, "not a regular file (%s); skipped", kind(sb.st_mode));
	return -1;
}

int
source_read(const char *path, const struct limits *lim,
    const struct source_sink *sink, struct err *err)
{
	int stdin_input = strcmp(path, "-") == 0;
	struct source_input in = {stdin_input ? "stdin" : "file",
	    stdin_input ? "<stdin>" : path, NULL, 0, 1};
	unsigned char *buf = NULL;
	char why[128];
	int fd, rc;

	fd = stdin_input ? STDIN_FILENO : open_regular(path, why, sizeof(why));
	if (fd < 0) {
		sink->unreadable(sink->arg, path, why);
		return 0;
	}
	rc = read_bounded(fd, lim->input_bytes, &buf, &in.len, &in.complete);
	if (rc < 0)
		sink->unreadable(sink->arg, in.name, strerror(errno));
	if (!stdin_input)
		close(fd);
	if (rc < 0)
		return 0;
	in.buf = buf;
	if (in.complete && in.len > 5 && memcmp(buf, "From ", 5) == 0 &&
	    next_mail(buf, in.len, 5) < in.len)
		rc = read_mbox(in.name, buf, in.len, sink, err);
	else
		rc = sink->input(sink->arg, &in, err);
	free(buf);
	return rc;
}
