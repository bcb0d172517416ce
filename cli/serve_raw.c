/* serve_raw: an input's archived bytes and a report's part of them; see
 * serve_raw.h. */
#include "serve_raw.h"

#include "browse.h"
#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "text.h"
#include "unpack.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
serve_raw_input(struct db *db, int64_t id, unsigned char **out, size_t *len,
    char **source_name, struct err *err)
{
	unsigned char *gz = NULL;
	size_t gzlen = 0;
	uint64_t size = 0;
	int complete = 0, rc;

	*out = NULL;
	*len = 0;
	if ((rc = browse_input_raw(
	         db, id, &gz, &gzlen, &size, &complete, source_name, err)) != 0)
		return rc;
	/* The archive holds at most the input as received. */
	if (unpack_gzip_decompress(gz, gzlen, size, out, len) < 0) {
		free(gz);
		free(*source_name);
		*source_name = NULL;
		return err_set(err, ERR_DB,
		    "input %lld: the archived bytes cannot be inflated",
		    (long long)id);
	}
	free(gz);
	return 0;
}

/* A walk through the containers of one input, as reader.c names their
 * parts, to the one whose place is wanted. */
struct find {
	const char *place;
	const struct limits *lim;
	struct unpack_env env;
	unsigned depth;
	/* Zips and mails entered: a gzip is transparent, and a mail is read
	 * only outside both, as the reader (ingest/reader.c) does. */
	unsigned inside;
	char where[1024];
	char *out;
	size_t len;
	int cut, found;
};

static void walk(struct find *f, struct bytesrc *src);

static int
on_item(void *arg, struct bytesrc *inner, const char *label, struct err *err)
{
	struct find *f = arg;
	size_t keep = strlen(f->where);

	(void)err;
	if (inner == NULL || f->found)
		return 0;
	if (label[0] != '\0') {
		snprintf(f->where + keep, sizeof(f->where) - keep, "%s%s",
		    keep ? ": " : "", label);
		text_utf8_cut(f->where);
	}
	f->depth++;
	walk(f, inner);
	f->depth--;
	f->where[keep] = '\0';
	return 0;
}

/* The first SERVE_RAW_TEXT_MAX bytes of src, and whether there were
 * more. */
static void
take(struct find *f, struct bytesrc *src)
{
	struct err err;
	unsigned char more;
	ssize_t n;

	f->out = xmalloc(SERVE_RAW_TEXT_MAX);
	while (f->len < SERVE_RAW_TEXT_MAX &&
	    (n = bytesrc_read(
	         src, f->out + f->len, SERVE_RAW_TEXT_MAX - f->len, &err)) > 0)
		f->len += (size_t)n;
	f->cut = f->len == SERVE_RAW_TEXT_MAX &&
	    bytesrc_read(src, &more, 1, &err) > 0;
	f->found = 1;
}

static void
walk(struct find *f, struct bytesrc *src)
{
	enum content_kind kind;
	struct err err;

	if (f->depth > f->lim->layers || unpack_sniff(src, &kind, &err) < 0)
		return;
	err_clear(&err);
	switch (kind) {
	case CONTENT_XML:
		if (strcmp(f->where, f->place) == 0)
			take(f, src);
		break;
	case CONTENT_GZIP:
		(void)unpack_gzip.each(src, &f->env, on_item, f, &err);
		break;
	case CONTENT_ZIP:
		f->inside++;
		(void)unpack_zip.each(src, &f->env, on_item, f, &err);
		f->inside--;
		break;
	case CONTENT_MAIL:
		if (f->inside == 0) {
			f->inside++;
			(void)unpack_mail.each(src, &f->env, on_item, f, &err);
			f->inside--;
		}
		break;
	default:
		break;
	}
}

int
serve_raw_part(const unsigned char *buf, size_t len, const char *place,
    const struct limits *lim, char **out, size_t *out_len, int *cut)
{
	struct bytesrc *src = bytesrc_mem_new(buf, len);
	struct find f;

	memset(&f, 0, sizeof(f));
	f.place = place != NULL ? place : "";
	f.lim = lim;
	f.env.lim = lim;
	walk(&f, src);
	bytesrc_free(src);
	*out = f.out;
	*out_len = f.len;
	*cut = f.cut;
	return f.found ? 0 : -1;
}

void
serve_raw_filename(const char *source_name, int64_t id, char *buf, size_t size)
{
	const char *base = source_name != NULL ? source_name : "";
	const char *slash = strrchr(base, '/');
	size_t o = 0;

	if (slash != NULL)
		base = slash + 1;
	for (; *base != '\0' && o + 1 < size; base++) {
		unsigned char c = (unsigned char)*base;

		buf[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		        c == '_'
		    ? (char)c
		    : '_';
	}
	buf[o] = '\0';
	/* Nothing, or only dots (".", ".."): a name of its own. */
	if (strspn(buf, "._") == o)
		snprintf(buf, size, "input-%lld", (long long)id);
}
