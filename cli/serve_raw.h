/*
 * serve_raw: the archived bytes of an input, for serve's report page and
 * its download: the input as received (inputs.raw_gz inflated, as
 * `dmarcsift reparse` reads it), and the bytes of the one report in it
 * that a report page shows, found by its place as the reader named it.
 */
#ifndef DMARCSIFT_SERVE_RAW_H
#define DMARCSIFT_SERVE_RAW_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct limits;

/* What a report page shows of its text, at most. */
#define SERVE_RAW_TEXT_MAX (256 * 1024)

/*
 * The bytes of input id as received (as much as the archive kept) into
 * *out (the caller's, free()), and where it came from (*source_name, the
 * caller's).  0, 1 when there is no such input, 2 when its bytes were
 * dropped (keep_inputs), or a negative err_code (ERR_DB also when the
 * archive cannot be inflated).
 */
int serve_raw_input(struct db *db, int64_t id, unsigned char **out, size_t *len,
    char **source_name, struct err *err);

/*
 * The report at place ("" for the input itself, "zip member 'a.xml'",
 * ...) of the input's bytes buf: its first SERVE_RAW_TEXT_MAX bytes into
 * *out (the caller's), *cut set when there were more.  Containers are
 * opened as the reader opens them, within lim.  0, or -1 when no part has
 * that place.
 */
int serve_raw_part(const unsigned char *buf, size_t len, const char *place,
    const struct limits *lim, char **out, size_t *out_len, int *cut);

/*
 * A file name for the input's download, made of the last part of
 * source_name (a path, or a mailbox and UID) with every character but
 * letters, digits, '.', '-' and '_' as '_', or "input-ID" when nothing
 * is left; at most size - 1 bytes.
 */
void serve_raw_filename(
    const char *source_name, int64_t id, char *buf, size_t size);

#endif
