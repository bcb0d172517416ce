/*
 * Tests for the zip backend.  Archives are made here in memory: with libzip
 * where it can make them, and by hand (zip_raw) for what no honest tool
 * writes: lying sizes, bad CRCs, odd methods and names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "unpack.h"
#include "xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#define MiB (1024UL * 1024)
#define MAX_ITEMS 8

static const char xml_a[] =
    "<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>"
    "example.net</org_name></report_metadata></feedback>\n";
static const char xml_b[] =
    "<feedback><record><row><source_ip>192.0.2.1</source_ip><count>3"
    "</count></row></record></feedback>";

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void
put16(struct buf *b, unsigned v)
{
	unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	buf_add(b, p, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

/* --- archives made with libzip --- */

struct zentry {
	const char *name;
	const char *data; /* NULL: a directory */
	int encrypt; /* AES-256 with a password */
};

/*
 * Writes an archive into out.  Returns 0, or -1 if libzip cannot encrypt
 * (built without a crypto library).
 */
static int
zip_make(struct buf *out, const struct zentry *e, size_t n)
{
	zip_error_t ze;
	zip_source_t *zs, *fs;
	zip_t *za;
	zip_stat_t st;
	zip_int64_t idx, got;
	int rc = 0;

	zip_error_init(&ze);
	zs = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(zs);
	za = zip_open_from_source(zs, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	zip_source_keep(zs);
	for (size_t i = 0; i < n; i++) {
		if (e[i].data == NULL) {
			assert_true(
			    zip_dir_add(za, e[i].name, ZIP_FL_ENC_UTF_8) >= 0);
			continue;
		}
		fs = zip_source_buffer(za, e[i].data, strlen(e[i].data), 0);
		assert_non_null(fs);
		idx = zip_file_add(za, e[i].name, fs, ZIP_FL_ENC_UTF_8);
		assert_true(idx >= 0);
		if (e[i].encrypt &&
		    zip_file_set_encryption(
		        za, (zip_uint64_t)idx, ZIP_EM_AES_256, "secret") < 0)
			rc = -1;
	}
	if (rc < 0) {
		zip_discard(za);
		zip_source_free(zs);
		zip_error_fini(&ze);
		return rc;
	}
	assert_int_equal(zip_close(za), 0);
	zip_stat_init(&st);
	assert_int_equal(zip_source_stat(zs, &st), 0);
	assert_int_equal(zip_source_open(zs), 0);
	if (out->cap < st.size) {
		out->cap = st.size;
		out->p = xrealloc(out->p, out->cap);
	}
	got = zip_source_read(zs, out->p, st.size);
	assert_int_equal(got, st.size);
	out->len = st.size;
	zip_source_close(zs);
	zip_source_free(zs);
	zip_error_fini(&ze);
	return 0;
}

/* --- archives made by hand --- */

struct rawent {
	const char *name;
	size_t name_len;
	unsigned method; /* 0 stored, 8 deflated, anything else */
	unsigned flags; /* general purpose bits: 0x800 is UTF-8 */
	struct buf data; /* as stored, i.e. compressed */
	uint32_t crc;
	uint32_t size; /* declared uncompressed size */
};

/* One local header + data per entry, the central directory, its end. */
static void
zip_raw(struct buf *out, const struct rawent *e, size_t n)
{
	struct buf cd = {0};
	uint32_t *offs = xcalloc(n ? n : 1, sizeof(*offs));

	for (size_t i = 0; i < n; i++) {
		offs[i] = (uint32_t)out->len;
		put32(out, 0x04034b50);
		put16(out, 20); /* version needed */
		put16(out, e[i].flags);
		put16(out, e[i].method);
		put16(out, 0); /* time */
		put16(out, 0x21); /* date: 1980-01-01 */
		put32(out, e[i].crc);
		put32(out, (uint32_t)e[i].data.len);
		put32(out, e[i].size);
		put16(out, (unsigned)e[i].name_len);
		put16(out, 0); /* extra */
		buf_add(out, e[i].name, e[i].name_len);
		buf_add(out, e[i].data.p, e[i].data.len);
	}
	for (size_t i = 0; i < n; i++) {
		put32(&cd, 0x02014b50);
		put16(&cd, 0x031e); /* made by: Unix */
		put16(&cd, 20);
		put16(&cd, e[i].flags);
		put16(&cd, e[i].method);
		put16(&cd, 0);
		put16(&cd, 0x21);
		put32(&cd, e[i].crc);
		put32(&cd, (uint32_t)e[i].data.len);
		put32(&cd, e[i].size);
		put16(&cd, (unsigned)e[i].name_len);
		put16(&cd, 0); /* extra */
		put16(&cd, 0); /* comment */
		put16(&cd, 0); /* disk */
		put16(&cd, 0); /* internal attributes */
		put32(&cd, 0100644u << 16);
		put32(&cd, offs[i]);
		buf_add(&cd, e[i].name, e[i].name_len);
	}
	put32(&cd, 0x06054b50);
	put16(&cd, 0);
	put16(&cd, 0);
	put16(&cd, (unsigned)n);
	put16(&cd, (unsigned)n);
	put32(&cd, (uint32_t)(cd.len - 12)); /* the directory so far */
	put32(&cd, (uint32_t)out->len);
	put16(&cd, 0);
	buf_add(out, cd.p, cd.len);
	buf_free(&cd);
	free(offs);
}

/* A stored entry with its true CRC and size. */
static void
raw_stored(
    struct rawent *e, const char *name, size_t name_len, const char *data)
{
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->name_len = name_len;
	buf_add(&e->data, data, strlen(data));
	e->crc = (uint32_t)crc32(0, (const Bytef *)data, (uInt)strlen(data));
	e->size = (uint32_t)strlen(data);
}

/* A deflated entry of count zero bytes, without holding them. */
static void
raw_zeros(struct rawent *e, const char *name, size_t count)
{
	static const unsigned char zeros[65536];
	unsigned char chunk[16384];
	z_stream zs;
	size_t left = count, n;
	uLong crc = crc32(0, NULL, 0);

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->name_len = strlen(name);
	e->method = 8;
	e->size = (uint32_t)count;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(
	    deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	    Z_OK);
	do {
		n = left < sizeof(zeros) ? left : sizeof(zeros);
		left -= n;
		crc = crc32(crc, zeros, (uInt)n);
		zs.next_in = (Bytef *)(uintptr_t)zeros;
		zs.avail_in = (uInt)n;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			assert_int_not_equal(
			    deflate(&zs, left == 0 ? Z_FINISH : Z_NO_FLUSH),
			    Z_STREAM_ERROR);
			buf_add(&e->data, chunk, sizeof(chunk) - zs.avail_out);
		} while (zs.avail_out == 0);
	} while (left > 0);
	deflateEnd(&zs);
	e->crc = (uint32_t)crc;
}

static void
raw_free(struct rawent *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&e[i].data);
}

/* --- what fn sees --- */

struct item {
	char label[512];
	int inner_null;
	int err_code; /* set when inner was NULL, or a read failed */
	char err_msg[sizeof(((struct err *)0)->msg)];
	struct buf data;
	uint64_t total;
};

struct collect {
	/* settings */
	int stop_call; /* at this call (1-based), return ERR_SINK */
	size_t read_only; /* read at most this much, then return 0 */
	/* results */
	int calls;
	struct item items[MAX_ITEMS];
};

static int
collect_fn(void *arg, struct bytesrc *inner, const char *label, struct err *err)
{
	struct collect *c = arg;
	struct item *it =
	    &c->items[c->calls < MAX_ITEMS ? c->calls : MAX_ITEMS - 1];
	unsigned char tmp[65536];
	size_t want;
	ssize_t n;

	c->calls++;
	memset(it, 0, sizeof(*it));
	snprintf(it->label, sizeof(it->label), "%s", label);
	if (c->stop_call == c->calls)
		return err_set(err, ERR_SINK, "consumer gave up");
	if (inner == NULL) {
		/* A container item that cannot be read: warn and go on. */
		it->inner_null = 1;
		it->err_code = err->code;
		snprintf(it->err_msg, sizeof(it->err_msg), "%s", err->msg);
		assert_true(err->code < 0);
		return 0;
	}
	for (;;) {
		want = sizeof(tmp);
		if (c->read_only > 0) {
			if (it->total >= c->read_only)
				return 0;
			if (want > c->read_only - it->total)
				want = c->read_only - it->total;
		}
		n = bytesrc_read(inner, tmp, want, err);
		if (n < 0) {
			it->err_code = (int)n;
			snprintf(
			    it->err_msg, sizeof(it->err_msg), "%s", err->msg);
			return (int)n;
		}
		if (n == 0)
			return 0;
		if (it->data.len < MiB)
			buf_add(&it->data, tmp, (size_t)n);
		it->total += (uint64_t)n;
	}
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < MAX_ITEMS; i++)
		buf_free(&c->items[i].data);
}

static int
run(const struct buf *in, const struct limits *lim, struct collect *c,
    struct err *err)
{
	struct unpack_env env = {lim, 0, 0};
	struct bytesrc *src = bytesrc_mem_new(in->p, in->len);
	int rc;

	err_clear(err);
	rc = unpack_zip.each(src, &env, collect_fn, c, err);
	bytesrc_free(src);
	return rc;
}

static void
assert_item(const struct item *it, const char *label, const char *data)
{
	assert_string_equal(it->label, label);
	assert_false(it->inner_null);
	assert_int_equal(it->err_code, 0);
	assert_int_equal(it->total, strlen(data));
	assert_memory_equal(it->data.p, data, strlen(data));
}

/* --- tests --- */

static void
test_members_and_directory(void **state)
{
	static const struct zentry e[] = {
	    {"a.xml", xml_a, 0},
	    {"dir/", NULL, 0},
	    {"dir/b.xml", xml_b, 0},
	    {"empty.xml", "", 0},
	};
	struct rawent raw[2];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	zip_make(&in, e, 4);
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	assert_item(&c.items[0], "zip member 'a.xml'", xml_a);
	assert_item(&c.items[1], "zip member 'dir/b.xml'", xml_b);
	collect_free(&c);
	buf_free(&in);

	/* A directory is skipped by its name, even one with data. */
	memset(&c, 0, sizeof(c));
	raw_stored(&raw[0], "d/", 2, xml_a);
	raw_stored(&raw[1], "d/b.xml", 7, xml_b);
	zip_raw(&in, raw, 2);
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 1);
	assert_item(&c.items[0], "zip member 'd/b.xml'", xml_b);
	raw_free(raw, 2);
	collect_free(&c);
	buf_free(&in);
}

static int
dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

/* A name that climbs out is only a label: nothing lands on disk. */
static void
test_traversal_name(void **state)
{
	static const struct zentry e[] = {
	    {"../../x", xml_a, 0},
	    {"/etc/x", xml_b, 0},
	};
	char top[] = "/tmp/dmarcsift-zip-XXXXXX", old[4096], path[4200];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	zip_make(&in, e, 2);
	assert_non_null(getcwd(old, sizeof(old)));
	assert_non_null(mkdtemp(top));
	snprintf(path, sizeof(path), "%s/a", top);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/a/b", top);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chdir(path), 0);

	assert_int_equal(run(&in, &lim, &c, &err), 0);

	assert_int_equal(chdir(old), 0);
	assert_int_equal(c.calls, 2);
	assert_item(&c.items[0], "zip member '../../x'", xml_a);
	assert_item(&c.items[1], "zip member '/etc/x'", xml_b);
	assert_true(dir_is_empty(path));
	snprintf(path, sizeof(path), "%s/x", top);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/a/b", top);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/a", top);
	assert_true(dir_is_empty(top) == 0);
	assert_int_equal(rmdir(path), 0);
	assert_true(dir_is_empty(top));
	assert_int_equal(rmdir(top), 0);
	collect_free(&c);
	buf_free(&in);
}

/* Names no tool should write: labels stay short and printable. */
static void
test_hostile_names(void **state)
{
	static const char crlf[] = "a\r\nFake: line\t\x7f.xml";
	static const char esc[] = "\x1b[31mred.xml";
	static const char bad[] = "bad\xff\xfe.xml";
	char long_name[3000];
	struct rawent e[5];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	memset(long_name, 'n', sizeof(long_name));
	raw_stored(&e[0], "", 0, xml_a);
	/* ASCII: libzip hands the bytes over as they are. */
	raw_stored(&e[1], crlf, sizeof(crlf) - 1, xml_b);
	/* Not ASCII, not UTF-8: libzip guesses CP437 and converts. */
	raw_stored(&e[2], esc, sizeof(esc) - 1, xml_a);
	raw_stored(&e[3], long_name, sizeof(long_name), xml_a);
	raw_stored(&e[4], bad, sizeof(bad) - 1, xml_b);
	zip_raw(&in, e, 5);

	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 5);
	assert_item(&c.items[0], "zip member ''", xml_a);
	/* Control bytes are replaced: a name cannot forge a log line. */
	assert_item(&c.items[1], "zip member 'a??Fake: line??.xml'", xml_b);
	assert_int_equal(c.items[2].total, strlen(xml_a));
	assert_non_null(strstr(c.items[2].label, "[31mred.xml'"));
	assert_int_equal(c.items[3].total, strlen(xml_a));
	assert_true(strlen(c.items[3].label) < 400);
	assert_non_null(strstr(c.items[3].label, "nnn...'"));
	assert_int_equal(c.items[4].total, strlen(xml_b));
	assert_non_null(strstr(c.items[4].label, "zip member 'bad"));
	for (int i = 0; i < 5; i++)
		for (const char *p = c.items[i].label; *p != '\0'; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	collect_free(&c);
	buf_free(&in);

	/* Flagged UTF-8 but not clean UTF-8: libzip refuses the whole
	 * archive, and that is a plain error. */
	for (int i = 2; i <= 4; i += 2) {
		memset(&c, 0, sizeof(c));
		e[i].flags = 0x800;
		zip_raw(&in, e, 5);
		assert_int_equal(run(&in, &lim, &c, &err), ERR_MALFORMED);
		assert_non_null(strstr(err.msg, "zip: cannot open archive: "));
		assert_int_equal(c.calls, 0);
		e[i].flags = 0;
		buf_free(&in);
	}
	raw_free(e, 5);
}

static void
test_empty_archive(void **state)
{
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	zip_raw(&in, NULL, 0);
	assert_int_equal(in.len, 22);
	assert_memory_equal(in.p, "PK\5\6", 4);
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 0);
	buf_free(&in);
}

/* Bytes that are no zip archive, behind zip signatures. */
static void
test_not_a_zip(void **state)
{
	static const size_t lens[] = {0, 1, 18, 26, 100, 5000, 70000};
	static const char *const heads[] = {"PK\3\4", "PK\5\6"};
	struct limits lim;
	uint32_t seed = 12345;

	(void)state;
	limits_init(&lim);
	for (size_t h = 0; h < 2; h++) {
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			struct buf in = {0};
			struct collect c = {0};
			struct err err;

			buf_add(&in, heads[h], 4);
			for (size_t i = 0; i < lens[l]; i++) {
				unsigned char b;

				seed = seed * 1103515245u + 12345u;
				b = (unsigned char)(seed >> 16);
				buf_add(&in, &b, 1);
			}
			assert_int_equal(
			    run(&in, &lim, &c, &err), ERR_MALFORMED);
			assert_non_null(
			    strstr(err.msg, "zip: cannot open archive: "));
			assert_int_equal(c.calls, 0);
			buf_free(&in);
		}
	}
}

/* A real archive cut short, and one with a directory that lies. */
static void
test_damaged_archive(void **state)
{
	static const struct zentry e[] = {{"a.xml", xml_a, 0}};
	struct buf good = {0};
	struct limits lim;

	(void)state;
	limits_init(&lim);
	zip_make(&good, e, 1);
	for (size_t cut = 1; cut < good.len; cut += 7) {
		struct buf in = {0};
		struct collect c = {0};
		struct err err;

		buf_add(&in, good.p, good.len - cut);
		assert_int_equal(run(&in, &lim, &c, &err), ERR_MALFORMED);
		assert_int_equal(c.calls, 0);
		buf_free(&in);
	}
	/* Flip each byte of the end record in turn: never a crash, and
	 * either an error or the member read in full. */
	for (size_t i = good.len - 22; i < good.len; i++) {
		struct buf in = {0};
		struct collect c = {0};
		struct err err;
		int rc;

		buf_add(&in, good.p, good.len);
		in.p[i] ^= 0xff;
		rc = run(&in, &lim, &c, &err);
		assert_true(rc == ERR_MALFORMED || rc == 0);
		if (rc == 0 && c.calls > 0)
			assert_true(c.items[0].err_code != 0 ||
			    c.items[0].total == strlen(xml_a));
		collect_free(&c);
		buf_free(&in);
	}
	buf_free(&good);
}

static void
test_too_many_members(void **state)
{
	static const struct zentry e[] = {
	    {"1.xml", xml_a, 0},
	    {"2/", NULL, 0},
	    {"3.xml", xml_b, 0},
	};
	struct zentry many[65];
	char names[65][16];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	/* Directories count too: they are entries. */
	lim.zip_members = 2;
	zip_make(&in, e, 3);
	assert_int_equal(run(&in, &lim, &c, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "(limit zip_members)"));
	assert_int_equal(c.calls, 0);
	lim.zip_members = 3;
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	collect_free(&c);
	memset(&c, 0, sizeof(c));

	/* One past the default. */
	limits_init(&lim);
	for (size_t i = 0; i < 65; i++) {
		snprintf(names[i], sizeof(names[i]), "r%zu.xml", i);
		many[i].name = names[i];
		many[i].data = xml_b;
		many[i].encrypt = 0;
	}
	zip_make(&in, many, 65);
	assert_int_equal(run(&in, &lim, &c, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "65 entries"));
	assert_non_null(strstr(err.msg, "zip_members"));
	assert_int_equal(c.calls, 0);
	buf_free(&in);
}

/* A bomb: its declared sizes give it away before a byte is inflated. */
static void
test_bomb_ratio(void **state)
{
	struct rawent e[2];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	raw_zeros(&e[0], "bomb.xml", 64 * MiB);
	raw_stored(&e[1], "b.xml", 5, xml_b);
	zip_raw(&in, e, 2);
	assert_true(in.len < 256 * 1024);
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	assert_string_equal(c.items[0].label, "zip member 'bomb.xml'");
	assert_true(c.items[0].inner_null);
	assert_int_equal(c.items[0].err_code, ERR_LIMIT);
	assert_int_equal(c.items[0].total, 0);
	/* The next member is still read. */
	assert_false(c.items[1].inner_null);
	raw_free(e, 2);
	collect_free(&c);
	buf_free(&in);
}

/* A bomb that says how big it is is refused before it is opened. */
static void
test_bomb_declared(void **state)
{
	struct rawent e[2];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	lim.decompressed_bytes = 1 * MiB;
	raw_zeros(&e[0], "bomb.xml", 64 * MiB);
	raw_stored(&e[1], "b.xml", 5, xml_b);
	zip_raw(&in, e, 2);
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	assert_string_equal(c.items[0].label, "zip member 'bomb.xml'");
	assert_true(c.items[0].inner_null);
	assert_int_equal(c.items[0].err_code, ERR_LIMIT);
	assert_non_null(strstr(c.items[0].err_msg, "decompressed_bytes"));
	assert_item(&c.items[1], "zip member 'b.xml'", xml_b);
	raw_free(e, 2);
	collect_free(&c);
	buf_free(&in);
}

/* A bomb that lies about its size is stopped by counting the output. */
static void
test_bomb_lying(void **state)
{
	struct rawent e[1];
	struct buf in = {0};
	struct limits lim;
	struct collect c = {0};
	struct err err;

	(void)state;
	/* Declares 100 bytes, inflates to 64 MiB: stopped at byte 101. */
	raw_zeros(&e[0], "small.xml", 64 * MiB);
	e[0].size = 100;
	zip_raw(&in, e, 1);
	limits_init(&lim);
	assert_int_equal(run(&in, &lim, &c, &err), ERR_MALFORMED);
	assert_int_equal(c.calls, 1);
	assert_false(c.items[0].inner_null);
	assert_non_null(strstr(err.msg, "inflates past its declared 100"));
	assert_true(c.items[0].total <= 100);
	collect_free(&c);
	raw_free(e, 1);
	buf_free(&in);
}

/* Several members share one decompressed_bytes budget. */
static void
test_budget_shared(void **state)
{
	struct rawent e[3];
	struct buf in = {0};
	struct collect c = {0};
	struct unpack_env env;
	struct limits lim;
	struct bytesrc *src;
	struct err err;

	(void)state;
	limits_init(&lim);
	raw_zeros(&e[0], "1.xml", 3000);
	raw_zeros(&e[1], "2.xml", 3000);
	raw_zeros(&e[2], "3.xml", 3000);
	zip_raw(&in, e, 3);
	lim.decompressed_bytes = 7000;
	env.lim = &lim;
	env.inflated = 0;
	env.hint = 0;
	src = bytesrc_mem_new(in.p, in.len);
	assert_int_equal(unpack_zip.each(src, &env, collect_fn, &c, &err), 0);
	bytesrc_free(src);
	assert_int_equal(env.inflated, 6000);
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.items[0].total, 3000);
	assert_int_equal(c.items[1].total, 3000);
	assert_true(c.items[2].inner_null);
	assert_int_equal(c.items[2].err_code, ERR_LIMIT);
	raw_free(e, 3);
	collect_free(&c);
	buf_free(&in);
}

static void
test_encrypted(void **state)
{
	static const struct zentry e[] = {
	    {"secret.xml", xml_a, 1},
	    {"plain.xml", xml_b, 0},
	};
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	if (zip_make(&in, e, 2) < 0) {
		buf_free(&in);
		skip();
	}
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	assert_string_equal(c.items[0].label, "zip member 'secret.xml'");
	assert_true(c.items[0].inner_null);
	assert_int_equal(c.items[0].err_code, ERR_MALFORMED);
	assert_non_null(strstr(c.items[0].err_msg, "encrypted"));
	assert_item(&c.items[1], "zip member 'plain.xml'", xml_b);
	collect_free(&c);
	buf_free(&in);
}

/* Methods libzip cannot inflate are reported per member. */
static void
test_unsupported_method(void **state)
{
	static const unsigned methods[] = {6, 97, 0xffff};
	struct limits lim;

	(void)state;
	limits_init(&lim);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct rawent e[2];
		struct buf in = {0};
		struct collect c = {0};
		struct err err;
		char want[64];

		raw_stored(&e[0], "odd.xml", 7, xml_a);
		e[0].method = methods[i];
		raw_stored(&e[1], "b.xml", 5, xml_b);
		zip_raw(&in, e, 2);
		assert_int_equal(run(&in, &lim, &c, &err), 0);
		assert_int_equal(c.calls, 2);
		assert_true(c.items[0].inner_null);
		assert_int_equal(c.items[0].err_code, ERR_MALFORMED);
		snprintf(
		    want, sizeof(want), "compression method %u", methods[i]);
		assert_non_null(strstr(c.items[0].err_msg, want));
		assert_item(&c.items[1], "zip member 'b.xml'", xml_b);
		raw_free(e, 2);
		collect_free(&c);
		buf_free(&in);
	}
}

/* A bad CRC or broken deflate data fails the read of that member. */
static void
test_corrupt_member(void **state)
{
	struct rawent e[1];
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	raw_stored(&e[0], "a.xml", 5, xml_a);
	e[0].crc ^= 1;
	zip_raw(&in, e, 1);
	assert_int_equal(run(&in, &lim, &c, &err), ERR_MALFORMED);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.items[0].err_code, ERR_MALFORMED);
	assert_non_null(strstr(err.msg, "zip: "));
	assert_non_null(strstr(err.msg, "CRC"));
	raw_free(e, 1);
	buf_free(&in);
	collect_free(&c);

	memset(&c, 0, sizeof(c));
	raw_zeros(&e[0], "z.xml", 100000);
	e[0].data.p[e[0].data.len / 2] ^= 0xa5;
	e[0].data.p[0] = 0xff; /* an invalid block type */
	zip_raw(&in, e, 1);
	assert_int_equal(run(&in, &lim, &c, &err), ERR_MALFORMED);
	assert_int_equal(c.calls, 1);
	assert_non_null(strstr(err.msg, "zip: "));
	raw_free(e, 1);
	buf_free(&in);
	collect_free(&c);
}

/* fn's error stops the walk and comes back unchanged. */
static void
test_fn_error(void **state)
{
	static const struct zentry e[] = {
	    {"a.xml", xml_a, 0},
	    {"b.xml", xml_b, 0},
	};
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	zip_make(&in, e, 2);
	c.stop_call = 1;
	assert_int_equal(run(&in, &lim, &c, &err), ERR_SINK);
	assert_string_equal(err.msg, "consumer gave up");
	assert_int_equal(c.calls, 1);

	/* Reading only part of each member is fine. */
	memset(&c, 0, sizeof(c));
	c.read_only = 3;
	assert_int_equal(run(&in, &lim, &c, &err), 0);
	assert_int_equal(c.calls, 2);
	assert_int_equal(c.items[0].total, 3);
	assert_int_equal(c.items[1].total, 3);
	collect_free(&c);
	buf_free(&in);
}

/* More than input_bytes is refused before libzip sees it. */
static void
test_input_limit(void **state)
{
	static const struct zentry e[] = {{"a.xml", xml_a, 0}};
	struct buf in = {0};
	struct collect c = {0};
	struct limits lim;
	struct err err;

	(void)state;
	limits_init(&lim);
	zip_make(&in, e, 1);
	lim.input_bytes = in.len - 1;
	assert_int_equal(run(&in, &lim, &c, &err), ERR_LIMIT);
	assert_non_null(strstr(err.msg, "input_bytes"));
	assert_int_equal(c.calls, 0);
	buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_and_directory),
	    cmocka_unit_test(test_traversal_name),
	    cmocka_unit_test(test_hostile_names),
	    cmocka_unit_test(test_empty_archive),
	    cmocka_unit_test(test_not_a_zip),
	    cmocka_unit_test(test_damaged_archive),
	    cmocka_unit_test(test_too_many_members),
	    cmocka_unit_test(test_bomb_ratio),
	    cmocka_unit_test(test_bomb_declared),
	    cmocka_unit_test(test_bomb_lying),
	    cmocka_unit_test(test_budget_shared),
	    cmocka_unit_test(test_encrypted),
	    cmocka_unit_test(test_unsupported_method),
	    cmocka_unit_test(test_corrupt_member),
	    cmocka_unit_test(test_fn_error),
	    cmocka_unit_test(test_input_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
