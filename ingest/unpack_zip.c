/*
 * unpack_zip: the zip backend, one inner stream per archive member.
 *
 * libzip wants random access, so the archive is read into memory first
 * (bounded by limit input_bytes); members are then inflated in chunks as
 * the caller pulls.  Names in the archive are only ever used in messages:
 * nothing is written to disk.  This is the only file that uses libzip.
 */
#include "unpack.h"

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "text.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* zip_fread() takes a zip_uint64_t and returns a zip_int64_t: cap one
 * read well below both, and below SSIZE_MAX. */
#define ZM_MAX_READ (1U << 30)

struct zmsrc {
	struct bytesrc base;
	zip_file_t *zf;
	struct unpack_env *env;
	uint64_t comp_size; /* as declared: the ratio's denominator */
	uint64_t size; /* as declared; UINT64_MAX when unknown */
	uint64_t out; /* bytes inflated from this member so far */
	int failed;
	struct err fail; /* returned again after a failure */
};

static int
zm_fail(struct zmsrc *m, int code, struct err *err)
{
	m->failed = 1;
	m->fail = *err;
	m->fail.code = code;
	return code;
}

static ssize_t
zm_read(struct bytesrc *src, void *buf, size_t len, struct err *err)
{
	struct zmsrc *m = (struct zmsrc *)src;
	zip_int64_t n;
	int rc;

	if (m->failed) {
		*err = m->fail;
		return m->fail.code;
	}
	if (len > ZM_MAX_READ)
		len = ZM_MAX_READ;
	/* libzip checks the CRC (and the size) when the member ends. */
	n = zip_fread(m->zf, buf, len);
	if (n < 0) {
		err_set(
		    err, ERR_MALFORMED, "zip: %s", zip_file_strerror(m->zf));
		return zm_fail(m, ERR_MALFORMED, err);
	}
	if ((uint64_t)n > len) {
		err_set(err, ERR_MALFORMED, "zip: member longer than it says");
		return zm_fail(m, ERR_MALFORMED, err);
	}
	if (n == 0)
		return 0;
	m->out += (uint64_t)n;
	/* libzip would notice at the end; stop a liar now, since the
	 * declared sizes are what the ratio was checked against. */
	if (m->out > m->size) {
		err_set(err, ERR_MALFORMED,
		    "zip: member inflates past its declared %llu bytes",
		    (unsigned long long)m->size);
		return zm_fail(m, ERR_MALFORMED, err);
	}
	rc = unpack_account(m->env, (uint64_t)n, m->comp_size, m->out, err);
	if (rc < 0) {
		err_prefix(err, "zip");
		return zm_fail(m, rc, err);
	}
	return (ssize_t)n;
}

static void
zm_close(struct bytesrc *src)
{
	struct zmsrc *m = (struct zmsrc *)src;

	/* Its error (a CRC mismatch on a member read only partly) does not
	 * matter any more: the reader already stopped. */
	zip_fclose(m->zf);
	free(m);
}

static int
is_directory(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && name[n - 1] == '/';
}

/*
 * Decides whether member i can be read at all, before opening it.
 * Returns 0 to read it, 1 to skip it silently, or a negative err_code with
 * err set for an item to report.
 */
static int
check_member(
    const zip_stat_t *st, const struct unpack_env *env, struct err *err)
{
	uint64_t left = 0;

	if ((st->valid & ZIP_STAT_NAME) && is_directory(st->name))
		return 1;
	if ((st->valid & ZIP_STAT_SIZE) && st->size == 0)
		return 1;
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE)
		return err_set(err, ERR_MALFORMED,
		    "cannot read encrypted member (method 0x%04x)",
		    (unsigned)st->encryption_method);
	if ((st->valid & ZIP_STAT_COMP_METHOD) &&
	    !zip_compression_method_supported(st->comp_method, 0))
		return err_set(err, ERR_MALFORMED,
		    "cannot read member: compression method %u not supported",
		    (unsigned)st->comp_method);
	if (env->inflated < env->lim->decompressed_bytes)
		left = env->lim->decompressed_bytes - env->inflated;
	/* A declared size is only good for refusing early: the real output
	 * is counted as it is read. */
	if ((st->valid & ZIP_STAT_SIZE) && st->size > left)
		return err_set(err, ERR_LIMIT,
		    "member declares %llu bytes, more than the %llu left "
		    "(limit decompressed_bytes)",
		    (unsigned long long)st->size, (unsigned long long)left);
	/* The declared sizes tell a bomb before a byte is inflated. */
	if ((st->valid & ZIP_STAT_SIZE) && (st->valid & ZIP_STAT_COMP_SIZE) &&
	    st->size > env->lim->ratio_after &&
	    st->size / (st->comp_size ? st->comp_size : 1) > env->lim->ratio)
		return err_set(err, ERR_LIMIT,
		    "member declares a compression ratio over %llu:1 (limit "
		    "ratio): a decompression bomb?",
		    (unsigned long long)env->lim->ratio);
	return 0;
}

/* Opens member i as a stream, or returns NULL with err set. */
static struct bytesrc *
open_member(zip_t *za, zip_uint64_t i, const zip_stat_t *st,
    struct unpack_env *env, struct err *err)
{
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	struct zmsrc *m;

	if (zf == NULL) {
		err_set(err, ERR_MALFORMED, "cannot open member: %s",
		    zip_strerror(za));
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->base.read = zm_read;
	m->base.close = zm_close;
	m->zf = zf;
	m->env = env;
	/* Never 0, so that the ratio is checked even if it is a lie. */
	m->comp_size = 1;
	if ((st->valid & ZIP_STAT_COMP_SIZE) && st->comp_size > 0)
		m->comp_size = st->comp_size;
	m->size = (st->valid & ZIP_STAT_SIZE) ? st->size : UINT64_MAX;
	return &m->base;
}

/* Calls fn for every member in index order. */
static int
each_member(zip_t *za, struct unpack_env *env, unpack_item_fn fn, void *arg,
    struct err *err)
{
	zip_int64_t count = zip_get_num_entries(za, 0);
	char label[320], shown[256];
	const char *name;
	struct bytesrc *inner;
	zip_stat_t st;
	int rc;

	if (count < 0)
		return err_set(err, ERR_MALFORMED,
		    "zip: cannot count entries: %s", zip_strerror(za));
	if ((uint64_t)count > env->lim->zip_members)
		return err_set(err, ERR_LIMIT,
		    "zip: %lld entries, more than %llu (limit zip_members)",
		    (long long)count,
		    (unsigned long long)env->lim->zip_members);

	for (zip_uint64_t i = 0; i < (zip_uint64_t)count; i++) {
		zip_stat_init(&st);
		if (zip_stat_index(za, i, 0, &st) < 0) {
			snprintf(label, sizeof(label), "zip entry %llu",
			    (unsigned long long)i + 1);
			err_set(err, ERR_MALFORMED, "cannot read entry: %s",
			    zip_strerror(za));
			if ((rc = fn(arg, NULL, label, err)) < 0)
				return rc;
			continue;
		}
		name = "";
		if ((st.valid & ZIP_STAT_NAME) && st.name != NULL)
			name = st.name;
		text_printable(name, shown, sizeof(shown));
		snprintf(label, sizeof(label), "zip member '%s'", shown);

		rc = check_member(&st, env, err);
		if (rc > 0)
			continue;
		inner = rc < 0 ? NULL : open_member(za, i, &st, env, err);
		rc = fn(arg, inner, label, err);
		bytesrc_free(inner);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
zip_each(struct bytesrc *src, struct unpack_env *env, unpack_item_fn fn,
    void *arg, struct err *err)
{
	unsigned char *data;
	size_t len;
	zip_error_t zerr;
	zip_source_t *zsrc;
	zip_t *za;
	int rc;

	rc = bytesrc_slurp(
	    src, env->lim->input_bytes, "input_bytes", &data, &len, err);
	if (rc < 0)
		return rc;

	zip_error_init(&zerr);
	/* freep 0: data is freed here, after libzip is done with it. */
	zsrc = zip_source_buffer_create(data, len, 0, &zerr);
	if (zsrc == NULL) {
		rc = err_set(err, ERR_MALFORMED, "zip: cannot open archive: %s",
		    zip_error_strerror(&zerr));
		goto out;
	}
	za = zip_open_from_source(zsrc, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (za == NULL) {
		/* Only a successful open takes over the source. */
		zip_source_free(zsrc);
		rc = err_set(err, ERR_MALFORMED, "zip: cannot open archive: %s",
		    zip_error_strerror(&zerr));
		goto out;
	}
	rc = each_member(za, env, fn, arg, err);
	zip_discard(za);
out:
	zip_error_fini(&zerr);
	free(data);
	return rc < 0 ? rc : 0;
}

const struct unpack_backend unpack_zip = {"zip", zip_each};
