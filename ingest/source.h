/*
 * source: where inputs come from (files, directories, Maildir, mbox,
 * stdin), one input at a time.  Sources know nothing of XML or SQL: they
 * hand over bytes and a name.
 */
#ifndef DMARCSIFT_SOURCE_H
#define DMARCSIFT_SOURCE_H

#include <stddef.h>

struct err;
struct limits;

struct source_input {
	const char *source; /* "file", "stdin", "mbox", "maildir" */
	const char *name; /* path, "path (mail 3)", "<stdin>" */
	const unsigned char *buf; /* borrowed for the call */
	size_t len;
	int complete; /* 0: larger than limit input_bytes, buf is the head */
};

/*
 * Called per input; returns 0 to go on or a negative err_code to stop.
 * problem() is told about a file that cannot be read (and the walk goes
 * on).
 */
struct source_sink {
	void *arg;
	int (*input)(void *arg, const struct source_input *in, struct err *err);
	void (*unreadable)(void *arg, const char *name, const char *why);
};

/*
 * Lists the files under paths ("-" is stdin): directories recursively in
 * name order, skipping hidden entries and a Maildir's tmp/.  A named path
 * that is a symlink to a directory is walked; inside a walk, links to
 * directories are not, and are listed like every other entry that is not
 * a directory (FIFOs, devices, links) for source_read() to refuse by name.
 * A path that does not exist is an ERR_USAGE error before anything is
 * read.  *out is the caller's, freed with source_list_free().
 */
int source_list(
    char *const *paths, int n, char ***out, size_t *count, struct err *err);
void source_list_free(char **list, size_t count);

/*
 * Reads one listed file and hands it to sink: whole, or split into one
 * input per mail when it is an mbox.  Only a regular file is read, and
 * only "-" (stdin) may be anything else: a symbolic link is not followed,
 * found in a directory or named (a shell glob names what it finds), and a
 * FIFO, socket or device is not opened; each goes to sink->unreadable
 * with the reason, like a file that cannot be read.  Returns the sink's
 * error, 0 otherwise.
 */
int source_read(const char *path, const struct limits *lim,
    const struct source_sink *sink, struct err *err);

#endif
