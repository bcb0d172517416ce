/*
 * Hostile inputs, end to end through reader_read().
 *
 * Every report comes from a stranger, so this file plays the stranger: it
 * builds in memory what an attacker or a broken generator would send
 * (entity tricks, decompression bombs, deep nesting, lying archives, bad
 * encodings, absurd values) and checks that each one is refused or salvaged
 * with the right code and a message that names the reason, in bounded time
 * and memory.  One table row per input; the runner checks the same things
 * for every row, and a row may add a check of its own.
 *
 * Bombs are built without ever holding their inflated size: after a full
 * flush deflate forgets its history, so each further chunk of identical
 * input compresses to identical bytes, which are just repeated.  A 1 GiB
 * bomb costs a few milliseconds and about 1 MiB here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bytesrc.h"
#include "err.h"
#include "input_limits.h"
#include "reader.h"
#include "report.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define KiB (1024ULL)
#define MiB (1024ULL * 1024)
#define GiB (1024ULL * 1024 * 1024)

/* Generous even under ASan: a refused bomb should take well under 1 s. */
#define MAX_SECONDS 10.0
/* Growth of the peak RSS allowed while reading one bomb. */
#define MAX_RSS_GROWTH_KB (64L * 1024)
/* Deflate chunk for bombs; the bomb's fill is repeated in this unit. */
#define BOMB_CHUNK (1024 * 1024)
#define MAX_PROBLEMS 128
/* What the sink keeps of report text, enough for every check here. */
#define DUMP_MAX (4 * MiB)

/* --- growable byte buffers --- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	/* Always terminated, so strstr() works on text buffers. */
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	buf_str(b, s);
	free(s);
}

static void
buf_fill(struct buf *b, int c, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = b->len + n + 1;
		b->p = xrealloc(b->p, b->cap);
	}
	memset(b->p + b->len, c, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_u16(struct buf *b, unsigned v)
{
	unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	buf_add(b, p, 2);
}

static void
buf_u32(struct buf *b, uint32_t v)
{
	buf_u16(b, v & 0xffff);
	buf_u16(b, v >> 16);
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* A deterministic PRNG: the "random" inputs are the same every run. */
static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* --- compression --- */

/* Feeds n bytes to deflate with flush mode fl, appending output to out. */
static void
z_feed(z_stream *zs, const void *p, size_t n, int fl, struct buf *out)
{
	unsigned char tmp[16384];
	int rc;

	zs->next_in = (unsigned char *)(uintptr_t)p;
	zs->avail_in = (uInt)n;
	do {
		zs->next_out = tmp;
		zs->avail_out = sizeof(tmp);
		rc = deflate(zs, fl);
		assert_true(
		    rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
		buf_add(out, tmp, sizeof(tmp) - zs->avail_out);
	} while (zs->avail_out == 0 || zs->avail_in > 0);
	if (fl == Z_FINISH)
		assert_int_equal(rc, Z_STREAM_END);
}

/*
 * Appends the raw deflate stream of pre, fill_len bytes of fill, and suf
 * to out; *crc and *size describe the uncompressed data.  Time and memory
 * are O(BOMB_CHUNK) whatever fill_len is (see the top of the file).
 */
static void
deflate_repeat(struct buf *out, const void *pre, size_t pre_len, int fill,
    uint64_t fill_len, const void *suf, size_t suf_len, uint32_t *crc,
    uint64_t *size)
{
	unsigned char *chunk = xmalloc(BOMB_CHUNK);
	struct buf c1 = {0}, c2 = {0};
	uint64_t nfull = fill_len / BOMB_CHUNK, i;
	size_t rem = (size_t)(fill_len % BOMB_CHUNK);
	uLong ccrc, c = crc32(0L, Z_NULL, 0);
	z_stream zs;

	memset(chunk, fill, BOMB_CHUNK);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(
	    deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z_feed(&zs, pre, pre_len, Z_FULL_FLUSH, out);
	c = crc32(c, pre, (uInt)pre_len);
	if (nfull > 0) {
		z_feed(&zs, chunk, BOMB_CHUNK, Z_FULL_FLUSH, &c1);
		buf_add(out, c1.p, c1.len);
	}
	if (nfull > 1) {
		/* The trick holds only if deflate really is stateless
		 * across a full flush; check it instead of trusting it. */
		z_feed(&zs, chunk, BOMB_CHUNK, Z_FULL_FLUSH, &c2);
		assert_int_equal(c1.len, c2.len);
		assert_memory_equal(c1.p, c2.p, c1.len);
		for (i = 1; i < nfull; i++)
			buf_add(out, c1.p, c1.len);
	}
	ccrc = crc32(0L, chunk, BOMB_CHUNK);
	for (i = 0; i < nfull; i++)
		c = crc32_combine(c, ccrc, BOMB_CHUNK);
	if (rem > 0) {
		z_feed(&zs, chunk, rem, Z_FULL_FLUSH, out);
		c = crc32_combine(c, crc32(0L, chunk, (uInt)rem), (z_off_t)rem);
	}
	z_feed(&zs, suf, suf_len, Z_FINISH, out);
	c = crc32(c, suf, (uInt)suf_len);
	deflateEnd(&zs);
	*crc = (uint32_t)c;
	*size = pre_len + fill_len + suf_len;
	buf_free(&c1);
	buf_free(&c2);
	free(chunk);
}

/* A gzip member (RFC 1952) of pre + fill x fill_len + suf. */
static void
gzip_bomb(struct buf *out, const void *pre, size_t pre_len, int fill,
    uint64_t fill_len, const void *suf, size_t suf_len)
{
	static const unsigned char hdr[10] = {
	    0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
	uint32_t crc;
	uint64_t size;

	buf_add(out, hdr, sizeof(hdr));
	deflate_repeat(
	    out, pre, pre_len, fill, fill_len, suf, suf_len, &crc, &size);
	buf_u32(out, crc);
	buf_u32(out, (uint32_t)size);
}

static void
gzip_of(struct buf *out, const void *p, size_t n)
{
	gzip_bomb(out, p, n, 0, 0, "", 0);
}

/*
 * Zip archives, written here by hand: libzip would inflate a bomb to
 * write it, and it refuses to write the odd things tests need.
 */
struct zipw {
	struct buf out, cd;
	unsigned n;
	int cp437; /* leave out the UTF-8 flag, as old tools do */
};

static void
zipw_entry(struct zipw *z, const char *name, unsigned method, const void *comp,
    size_t clen, uint32_t crc, uint64_t usize)
{
	size_t nlen = strlen(name);
	uint32_t off = (uint32_t)z->out.len;
	int dir = nlen > 0 && name[nlen - 1] == '/';
	unsigned gp = z->cp437 ? 0 : 0x800;

	assert_true(usize < 0xffffffffULL && z->out.len < 0xffffffffULL);
	/* Local file header. */
	buf_u32(&z->out, 0x04034b50);
	buf_u16(&z->out, 20);
	buf_u16(&z->out, gp);
	buf_u16(&z->out, method);
	buf_u16(&z->out, 0); /* time */
	buf_u16(&z->out, 0x21); /* 1980-01-01 */
	buf_u32(&z->out, crc);
	buf_u32(&z->out, (uint32_t)clen);
	buf_u32(&z->out, (uint32_t)usize);
	buf_u16(&z->out, (unsigned)nlen);
	buf_u16(&z->out, 0);
	buf_add(&z->out, name, nlen);
	buf_add(&z->out, comp, clen);
	/* Central directory entry, consistent with the local one. */
	buf_u32(&z->cd, 0x02014b50);
	buf_u16(&z->cd, 0x031e); /* made on Unix, spec 3.0 */
	buf_u16(&z->cd, 20);
	buf_u16(&z->cd, gp);
	buf_u16(&z->cd, method);
	buf_u16(&z->cd, 0);
	buf_u16(&z->cd, 0x21);
	buf_u32(&z->cd, crc);
	buf_u32(&z->cd, (uint32_t)clen);
	buf_u32(&z->cd, (uint32_t)usize);
	buf_u16(&z->cd, (unsigned)nlen);
	buf_u16(&z->cd, 0); /* extra */
	buf_u16(&z->cd, 0); /* comment */
	buf_u16(&z->cd, 0); /* disk */
	buf_u16(&z->cd, 0); /* internal attributes */
	buf_u32(&z->cd, dir ? (040755U << 16) | 0x10 : 0100644U << 16);
	buf_u32(&z->cd, off);
	buf_add(&z->cd, name, nlen);
	z->n++;
}

/* A deflated member holding pre + fill x fill_len. */
static void
zipw_bomb(struct zipw *z, const char *name, const char *pre, int fill,
    uint64_t fill_len)
{
	struct buf comp = {0};
	uint32_t crc;
	uint64_t size;

	deflate_repeat(
	    &comp, pre, strlen(pre), fill, fill_len, "", 0, &crc, &size);
	zipw_entry(z, name, 8, comp.p, comp.len, crc, size);
	buf_free(&comp);
}

static void
zipw_add(struct zipw *z, const char *name, const void *p, size_t n)
{
	struct buf comp = {0};
	uint32_t crc;
	uint64_t size;

	if (n == 0) {
		zipw_entry(z, name, 0, "", 0, 0, 0);
		return;
	}
	deflate_repeat(&comp, p, n, 0, 0, "", 0, &crc, &size);
	zipw_entry(z, name, 8, comp.p, comp.len, crc, size);
	buf_free(&comp);
}

/* Appends the finished archive to out and frees z. */
static void
zipw_finish(struct zipw *z, struct buf *out)
{
	uint32_t cd_off = (uint32_t)z->out.len;

	assert_true(z->n < 0xffff);
	buf_add(&z->out, z->cd.p, z->cd.len);
	buf_u32(&z->out, 0x06054b50);
	buf_u16(&z->out, 0);
	buf_u16(&z->out, 0);
	buf_u16(&z->out, z->n);
	buf_u16(&z->out, z->n);
	buf_u32(&z->out, (uint32_t)z->cd.len);
	buf_u32(&z->out, cd_off);
	buf_u16(&z->out, 0);
	buf_add(out, z->out.p, z->out.len);
	buf_free(&z->out);
	buf_free(&z->cd);
}

/* --- reports --- */

static void
put_decl(struct buf *b, const char *encoding)
{
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n", encoding);
}

/* NULL leaves an element out; begin and end both NULL drop date_range. */
static void
put_meta(struct buf *b, const char *org, const char *id, const char *begin,
    const char *end)
{
	buf_str(b, "<report_metadata>\n");
	if (org != NULL)
		buf_printf(b, "<org_name>%s</org_name>\n", org);
	buf_str(b, "<email>noreply-dmarc@example.net</email>\n");
	if (id != NULL)
		buf_printf(b, "<report_id>%s</report_id>\n", id);
	if (begin != NULL || end != NULL) {
		buf_str(b, "<date_range>");
		if (begin != NULL)
			buf_printf(b, "<begin>%s</begin>", begin);
		if (end != NULL)
			buf_printf(b, "<end>%s</end>", end);
		buf_str(b, "</date_range>\n");
	}
	buf_str(b, "</report_metadata>\n");
}

static void
put_policy(struct buf *b, const char *domain)
{
	buf_str(b, "<policy_published>");
	if (domain != NULL)
		buf_printf(b, "<domain>%s</domain>", domain);
	buf_str(b,
	    "<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp>"
	    "<pct>100</pct></policy_published>\n");
}

/* One record; ip NULL leaves <source_ip> out, auth is the <dkim> count. */
static void
put_record_n(struct buf *b, const char *ip, const char *count, unsigned auth)
{
	buf_str(b, "<record><row>");
	if (ip != NULL)
		buf_printf(b, "<source_ip>%s</source_ip>", ip);
	buf_printf(b,
	    "<count>%s</count><policy_evaluated><disposition>none"
	    "</disposition><dkim>pass</dkim><spf>pass</spf>"
	    "</policy_evaluated></row><identifiers><header_from>example.org"
	    "</header_from></identifiers><auth_results>",
	    count);
	for (unsigned i = 0; i < auth; i++)
		buf_printf(b,
		    "<dkim><domain>d%u.example.org</domain><selector>s"
		    "</selector><result>pass</result></dkim>",
		    i);
	buf_str(b,
	    "<spf><domain>example.org</domain><result>pass</result>"
	    "</spf></auth_results></record>\n");
}

static void
put_record(struct buf *b, const char *ip, const char *count)
{
	put_record_n(b, ip, count, 1);
}

/* Distinct addresses, so that a long report does not compress too well. */
static void
put_records(struct buf *b, unsigned n)
{
	char ip[32], count[16];

	for (unsigned i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i / 62500 % 250,
		    i / 250 % 250, i % 250 + 1);
		snprintf(count, sizeof(count), "%u", i % 7 + 1);
		put_record(b, ip, count);
	}
}

/* A complete, valid report with nrec records and the given org_name. */
static void
report_org(struct buf *b, const char *org, unsigned nrec)
{
	put_decl(b, "UTF-8");
	buf_str(b, "<feedback>\n<version>1.0</version>\n");
	put_meta(b, org, "hostile-1", "1700000000", "1700086399");
	put_policy(b, "example.org");
	put_records(b, nrec);
	buf_str(b, "</feedback>\n");
}

static void
good_report(struct buf *b, unsigned nrec)
{
	report_org(b, "Example Reporter", nrec);
}

static void
put_utf16_unit(struct buf *out, unsigned v, int big_endian)
{
	unsigned char u[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	if (!big_endian) {
		u[0] = (unsigned char)v;
		u[1] = (unsigned char)(v >> 8);
	}
	buf_add(out, u, 2);
}

/* UTF-8 (valid: ours) to UTF-16 with a BOM. */
static void
to_utf16(struct buf *out, const struct buf *in, int big_endian)
{
	const unsigned char *p = in->p, *end = in->p + in->len;
	uint32_t cp;

	put_utf16_unit(out, 0xfeff, big_endian);
	while (p < end) {
		if (*p < 0x80) {
			cp = *p++;
		} else if (*p < 0xe0) {
			cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if (*p < 0xf0) {
			cp = (uint32_t)(p[0] & 0x0f) << 12 |
			    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			cp = (uint32_t)(p[0] & 0x07) << 18 |
			    (uint32_t)(p[1] & 0x3f) << 12 |
			    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			p += 4;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put_utf16_unit(out, 0xd800 | (cp >> 10), big_endian);
			put_utf16_unit(out, 0xdc00 | (cp & 0x3ff), big_endian);
		} else {
			put_utf16_unit(out, cp, big_endian);
		}
	}
}

static void
base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[v >> 18];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		buf_add(out, q, 4);
		if ((col += 4) >= 76) {
			buf_str(out, "\r\n");
			col = 0;
		}
	}
	buf_str(out, "\r\n");
}

/* A report mail: a text part, then one attachment in base64. */
static void
mail_with(
    struct buf *out, const char *type, const char *fname, const struct buf *att)
{
	buf_str(out,
	    "From: DMARC Reporter <noreply-dmarc@example.net>\r\n"
	    "To: dmarc@example.org\r\n"
	    "Subject: Report Domain: example.org Submitter: example.net\r\n"
	    "Message-ID: <hostile@example.net>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"=-b1\"\r\n\r\n"
	    "--=-b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "This is a DMARC aggregate report.\r\n"
	    "--=-b1\r\n");
	buf_printf(out,
	    "Content-Type: %s; name=\"%s\"\r\n"
	    "Content-Disposition: attachment; filename=\"%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    type, fname, fname);
	base64(out, att->p, att->len);
	buf_str(out, "--=-b1--\r\n");
}

/* --- state shared by the cases --- */

static char g_root[256]; /* a scratch tree; cases run in g_root/a/b */
static int g_listen = -1; /* a loopback socket no parser may call */
static unsigned g_port;

/* --- generators: one hostile input each, into out --- */

static void
gen_good_xml(struct buf *out, const char *arg)
{
	good_report(out, 3);
}

static void
gen_good_gzip(struct buf *out, const char *arg)
{
	struct buf x = {0};

	good_report(&x, 3);
	gzip_of(out, x.p, x.len);
	buf_free(&x);
}

static void
gen_good_zip(struct buf *out, const char *arg)
{
	struct zipw z = {0};
	struct buf x = {0};

	good_report(&x, 3);
	zipw_add(&z, "example.org!example.net!1700000000!1700086399.xml", x.p,
	    x.len);
	zipw_finish(&z, out);
	buf_free(&x);
}

static void
gen_good_mail(struct buf *out, const char *arg)
{
	struct buf x = {0}, gz = {0};

	good_report(&x, 3);
	gzip_of(&gz, x.p, x.len);
	mail_with(out, "application/gzip", "report.xml.gz", &gz);
	buf_free(&x);
	buf_free(&gz);
}

/* The DOCTYPE cases: arg is the internal subset or external id, and the
 * report uses &xxe; in org_name where it can. */
static void
gen_doctype(struct buf *out, const char *arg)
{
	char *dt = xstrdup(arg), *port;

	/* "PORT" becomes the port of the loopback trap. */
	if ((port = strstr(dt, "PORT")) != NULL) {
		char *with;

		*port = '\0';
		with = xasprintf("%s%u%s", dt, g_port, port + 4);
		free(dt);
		dt = with;
	}
	put_decl(out, "UTF-8");
	buf_printf(out, "<!DOCTYPE feedback %s>\n<feedback>\n", dt);
	put_meta(out, strstr(dt, "xxe") != NULL ? "&xxe;" : "Example",
	    "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
	free(dt);
}

/* The same XXE, in a UTF-16 document (another path into libxml2). */
static void
gen_doctype_utf16(struct buf *out, const char *arg)
{
	struct buf x = {0};

	buf_str(&x,
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
	    "<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "
	    "\"file:///etc/passwd\">]>\n<feedback>\n");
	put_meta(&x, "&xxe;", "hostile-1", "1700000000", "1700086399");
	put_policy(&x, "example.org");
	put_records(&x, 1);
	buf_str(&x, "</feedback>\n");
	to_utf16(out, &x, 0);
	buf_free(&x);
}

static void
gen_billion_laughs(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<!DOCTYPE feedback [\n<!ENTITY lol \"lol\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(out, "<!ENTITY lol%d \"", i);
		/* "%.0d" prints 0 as nothing: level 1 refers to &lol;. */
		for (int j = 0; j < 10; j++)
			buf_printf(out, "&lol%.0d;", i - 1);
		buf_str(out, "\">\n");
	}
	buf_str(out, "]>\n<feedback>\n");
	put_meta(out, "&lol9;", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* No DOCTYPE: an entity reference nobody declared. */
static void
gen_undeclared_entity(struct buf *out, const char *arg)
{
	report_org(out, "&xxe;", 1);
}

/* XInclude means nothing to a SAX parser, and must stay that way. */
static void
gen_xinclude(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out,
	    "<feedback xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
	    "<xi:include href=\"file:///etc/passwd\" "
	    "parse=\"text\"/>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* "<feedback>" and then arg's size of white space, gzipped. */
static void
gen_gzip_spaces(struct buf *out, const char *arg)
{
	static const char pre[] = "<?xml version=\"1.0\"?>\n<feedback>";
	uint64_t n = strtoull(arg, NULL, 10) * MiB;

	gzip_bomb(out, pre, strlen(pre), ' ', n, "</feedback>", 11);
}

/* The same bomb compressed twice: the outer layer looks harmless. */
static void
gen_gzip_gzip_bomb(struct buf *out, const char *arg)
{
	struct buf inner = {0};

	gen_gzip_spaces(&inner, arg);
	gzip_of(out, inner.p, inner.len);
	buf_free(&inner);
}

/* One member: arg MiB of zeros. */
static void
gen_zip_zeros(struct buf *out, const char *arg)
{
	struct zipw z = {0};

	zipw_bomb(&z, "report.xml", "", 0, strtoull(arg, NULL, 10) * MiB);
	zipw_finish(&z, out);
}

/* One member: "<feedback>" and arg MiB of spaces. */
static void
gen_zip_spaces(struct buf *out, const char *arg)
{
	struct zipw z = {0};

	zipw_bomb(&z, "report.xml", "<?xml version=\"1.0\"?>\n<feedback>", ' ',
	    strtoull(arg, NULL, 10) * MiB);
	zipw_finish(&z, out);
}

/*
 * arg small bombs of 16 MiB each: every one is refused, but only after
 * ratio_after, so together they still cost arg x 8 MiB of work.
 */
static void
gen_zip_many_bombs(struct buf *out, const char *arg)
{
	int n = atoi(arg);
	struct zipw z = {0};
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "r%02d.xml", i);
		zipw_bomb(&z, name, "<feedback>", ' ', 16 * MiB);
	}
	zipw_finish(&z, out);
}

/* A member whose headers claim 1 kB but which inflates to 1 GiB. */
static void
gen_zip_lying_size(struct buf *out, const char *arg)
{
	struct zipw z = {0};
	struct buf comp = {0};
	uint32_t crc;
	uint64_t size;

	deflate_repeat(&comp, "<feedback>", 10, ' ', GiB, "", 0, &crc, &size);
	zipw_entry(&z, "report.xml", 8, comp.p, comp.len, crc, 1000);
	zipw_finish(&z, out);
	buf_free(&comp);
}

/* arg members: all plain text except the last, which is a report. */
static void
gen_zip_members(struct buf *out, const char *arg)
{
	unsigned n = (unsigned)strtoul(arg, NULL, 10);
	struct zipw z = {0};
	struct buf x = {0};
	char name[32];

	good_report(&x, 1);
	for (unsigned i = 0; i + 1 < n; i++) {
		snprintf(name, sizeof(name), "notes/%05u.txt", i);
		zipw_add(&z, name, "just a note\n", 12);
	}
	zipw_add(&z, "report.xml", x.p, x.len);
	zipw_finish(&z, out);
	buf_free(&x);
}

/* A valid report under the member name arg ("@" is the scratch root). */
static void
gen_zip_named(struct buf *out, const char *arg)
{
	struct zipw z = {0};
	struct buf x = {0};
	char *name =
	    arg[0] == '@' ? xasprintf("%s%s", g_root, arg + 1) : xstrdup(arg);

	good_report(&x, 2);
	zipw_add(&z, name, x.p, x.len);
	zipw_finish(&z, out);
	buf_free(&x);
	free(name);
}

static void
gen_zip_empty_member(struct buf *out, const char *arg)
{
	struct zipw z = {0};

	zipw_add(&z, "report.xml", "", 0);
	zipw_finish(&z, out);
}

static void
gen_zip_dir_only(struct buf *out, const char *arg)
{
	struct zipw z = {0};

	zipw_entry(&z, "reports/", 0, "", 0, 0, 0);
	zipw_finish(&z, out);
}

/*
 * A good report and a broken one; arg names the broken member, after
 * "utf8:" (the name is flagged UTF-8) or "cp437:" (it is not).
 */
static void
gen_zip_mixed(struct buf *out, const char *arg)
{
	struct zipw z = {0};
	struct buf x = {0}, bad = {0};

	if (strncmp(arg, "cp437:", 6) == 0)
		z.cp437 = 1;
	arg = strchr(arg, ':') + 1;

	good_report(&x, 2);
	good_report(&bad, 2);
	/* Cut inside a record: XML that ends before the report does. */
	bad.len = bad.len * 3 / 4;
	zipw_add(&z, "good.xml", x.p, x.len);
	zipw_add(&z, arg, bad.p, bad.len);
	zipw_finish(&z, out);
	buf_free(&x);
	buf_free(&bad);
}

/* Archives nested arg deep, a report at the bottom. */
static void
gen_zip_nested(struct buf *out, const char *arg)
{
	unsigned n = (unsigned)strtoul(arg, NULL, 10);
	struct buf cur = {0};

	good_report(&cur, 1);
	for (unsigned i = 0; i < n; i++) {
		struct zipw z = {0};
		struct buf next = {0};

		zipw_add(
		    &z, i == 0 ? "report.xml" : "inner.zip", cur.p, cur.len);
		zipw_finish(&z, &next);
		buf_free(&cur);
		cur = next;
	}
	buf_add(out, cur.p, cur.len);
	buf_free(&cur);
}

static void
gen_gzip_nested(struct buf *out, const char *arg)
{
	unsigned n = (unsigned)strtoul(arg, NULL, 10);
	struct buf cur = {0};

	good_report(&cur, 1);
	for (unsigned i = 0; i < n; i++) {
		struct buf next = {0};

		gzip_of(&next, cur.p, cur.len);
		buf_free(&cur);
		cur = next;
	}
	buf_add(out, cur.p, cur.len);
	buf_free(&cur);
}

/* 100,000 nested elements, inside <feedback> or as the root. */
static void
gen_deep(struct buf *out, const char *arg)
{
	int in_feedback = strcmp(arg, "feedback") == 0;
	const int n = 100000;

	put_decl(out, "UTF-8");
	if (in_feedback) {
		buf_str(out, "<feedback>\n");
		put_meta(
		    out, "Example", "hostile-1", "1700000000", "1700086399");
	}
	for (int i = 0; i < n; i++)
		buf_str(out, "<a>");
	for (int i = 0; i < n; i++)
		buf_str(out, "</a>");
	if (in_feedback)
		buf_str(out, "</feedback>\n");
}

/* A gzipped 300-record report cut where arg says: "records" (about half
 * way) or "trailer" (only the CRC and size missing). */
static void
gen_gzip_cut(struct buf *out, const char *arg)
{
	struct buf x = {0}, gz = {0}, back = {0};
	unsigned char tmp[65536];
	z_stream zs;
	size_t cut;
	int rc;

	good_report(&x, 300);
	gzip_of(&gz, x.p, x.len);
	cut = strcmp(arg, "trailer") == 0 ? gz.len - 5 : gz.len / 2;
	/* Make sure the cut falls where the case says it does. */
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 16 + 15), Z_OK);
	zs.next_in = gz.p;
	zs.avail_in = (uInt)cut;
	do {
		zs.next_out = tmp;
		zs.avail_out = sizeof(tmp);
		rc = inflate(&zs, Z_NO_FLUSH);
		buf_add(&back, tmp, sizeof(tmp) - zs.avail_out);
	} while (rc == Z_OK && zs.avail_out == 0);
	assert_int_not_equal(rc, Z_STREAM_END);
	inflateEnd(&zs);
	if (strcmp(arg, "trailer") == 0) {
		assert_int_equal(back.len, x.len);
	} else {
		assert_non_null(strstr((char *)back.p, "<record>"));
		assert_null(strstr((char *)back.p, "</feedback>"));
		assert_true(back.len > x.len / 4);
	}
	buf_add(out, gz.p, cut);
	buf_free(&x);
	buf_free(&gz);
	buf_free(&back);
}

/*
 * A report cut where arg says: "records" (three quarters into 20 records),
 * "short" (three quarters into 2 records, where libxml2 speaks of "extra
 * content") or "tag" (inside a start tag).
 */
static void
gen_xml_cut(struct buf *out, const char *arg)
{
	struct buf x = {0};
	char *at;

	good_report(&x, strcmp(arg, "short") == 0 ? 2 : 20);
	if (strcmp(arg, "tag") == 0) {
		at = strstr((char *)x.p, "<record><row><source_ip>");
		assert_non_null(at);
		x.len = (size_t)(at - (char *)x.p) + 5;
	} else {
		x.len = x.len * 3 / 4;
		x.p[x.len] = '\0';
		assert_non_null(strstr((char *)x.p, "<record>"));
	}
	buf_add(out, x.p, x.len);
	buf_free(&x);
}

static void
gen_pk_random(struct buf *out, const char *arg)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	buf_add(out, arg[0] == '5' ? "PK\5\6" : "PK\3\4", 4);
	for (int i = 0; i < 4096; i++) {
		unsigned char c = (unsigned char)xorshift(&s);

		buf_add(out, &c, 1);
	}
}

static void
gen_gzip_random(struct buf *out, const char *arg)
{
	static const unsigned char hdr[10] = {
	    0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	uint64_t s = 0x0123456789abcdefULL;

	buf_add(out, hdr, sizeof(hdr));
	for (int i = 0; i < 4096; i++) {
		unsigned char c = (unsigned char)xorshift(&s);

		buf_add(out, &c, 1);
	}
}

static void
gen_literal(struct buf *out, const char *arg)
{
	buf_str(out, arg);
}

/*
 * Three records, the second one bad: arg is "count=VALUE", "ip=VALUE" or
 * "noip".
 */
static void
gen_bad_record(struct buf *out, const char *arg)
{
	const char *ip = "192.0.2.2", *count = "2";

	if (strncmp(arg, "count=", 6) == 0)
		count = arg + 6;
	else if (strncmp(arg, "ip=", 3) == 0)
		ip = arg + 3;
	else if (strcmp(arg, "noip") == 0)
		ip = NULL;
	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_record(out, "192.0.2.1", "1");
	put_record(out, ip, count);
	put_record(out, "192.0.2.3", "3");
	buf_str(out, "</feedback>\n");
}

/* A report missing what arg names. */
static void
gen_missing(struct buf *out, const char *arg)
{
	int no_id = strcmp(arg, "report_id") == 0;
	int no_range = strcmp(arg, "date_range") == 0;
	int no_domain = strcmp(arg, "domain") == 0;
	int bad_begin = strncmp(arg, "begin=", 6) == 0;

	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", no_id ? NULL : "hostile-1",
	    no_range        ? NULL
	        : bad_begin ? arg + 6
	                    : "1700000000",
	    no_range ? NULL : "1700086399");
	put_policy(out, no_domain ? NULL : "example.org");
	put_records(out, 2);
	buf_str(out, "</feedback>\n");
}

static void
gen_records(struct buf *out, const char *arg)
{
	good_report(out, (unsigned)strtoul(arg, NULL, 10));
}

/* 1000 records with a bad count, then one good one. */
static void
gen_many_warnings(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	for (int i = 0; i < 1000; i++)
		put_record(out, "192.0.2.1", "many");
	put_record(out, "192.0.2.1", "1");
	buf_str(out, "</feedback>\n");
}

/* A text value of arg KiB, in org_name or in a CDATA section. */
static void
gen_huge_text(struct buf *out, const char *arg)
{
	size_t n = strtoul(arg, NULL, 10) * KiB;
	int cdata = strstr(arg, "cdata") != NULL;

	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n<report_metadata><org_name>");
	if (cdata)
		buf_str(out, "<![CDATA[");
	buf_fill(out, 'A', n);
	if (cdata)
		buf_str(out, "]]>");
	buf_str(out,
	    "</org_name><report_id>x</report_id><date_range><begin>1"
	    "</begin><end>2</end></date_range></report_metadata>\n");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* One record with arg <dkim> results. */
static void
gen_auth(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_record_n(out, "192.0.2.1", "1", (unsigned)strtoul(arg, NULL, 10));
	buf_str(out, "</feedback>\n");
}

/* A valid report in UTF-16, arg "le" or "be", with a non-ASCII name. */
static void
gen_utf16(struct buf *out, const char *arg)
{
	struct buf x = {0};

	buf_str(&x,
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
	    "<feedback>\n");
	put_meta(&x, "Ex\xc3\xa4mple \xf0\x9f\x93\xa7 Org", "hostile-1",
	    "1700000000", "1700086399");
	put_policy(&x, "example.org");
	put_records(&x, 2);
	buf_str(&x, "</feedback>\n");
	to_utf16(out, &x, strcmp(arg, "be") == 0);
	buf_free(&x);
}

static void
gen_latin1(struct buf *out, const char *arg)
{
	put_decl(out, "ISO-8859-1");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Caf\xe9 R\xe9porteur", "hostile-1", "1700000000",
	    "1700086399");
	put_policy(out, "example.org");
	put_records(out, 2);
	buf_str(out, "</feedback>\n");
}

/* An org_name with arg inside, raw: "Bad" arg "Name". */
static void
gen_org_bytes(struct buf *out, const char *arg)
{
	struct buf org = {0};

	buf_str(&org, "Bad");
	buf_str(&org, arg);
	buf_str(&org, "Name");
	report_org(out, (char *)org.p, 2);
	buf_free(&org);
}

static void
gen_bad_element_name(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out,
	    "<feedback>\n<report_metadata><org_\xff\xfename>Example"
	    "</org_\xff\xfename><report_id>x</report_id><date_range>"
	    "<begin>1</begin><end>2</end></date_range>"
	    "</report_metadata>\n");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* A NUL byte in the middle of a value. */
static void
gen_nul(struct buf *out, const char *arg)
{
	struct buf x = {0};
	char *at;

	report_org(&x, "Ex@mple", 2);
	at = strchr((char *)x.p, '@');
	*at = '\0';
	buf_add(out, x.p, x.len);
	buf_free(&x);
}

/*
 * Attributes, cheap to send and quadratic for libxml2 2.9 to check: 400,000
 * on one element cost 40 s of CPU.  arg: "N" attributes on <feedback>;
 * with "xmlns", N namespace declarations instead; with "gzip", gzipped
 * (the mail that stalled a mailbox); with "utf16", in UTF-16LE; with
 * "after", on an element after a complete </feedback> inside a wrapper.
 */
static void
gen_many_attrs(struct buf *out, const char *arg)
{
	unsigned n = (unsigned)strtoul(arg, NULL, 10);
	int xmlns = strstr(arg, "xmlns") != NULL;
	int after = strstr(arg, "after") != NULL;
	int utf16 = strstr(arg, "utf16") != NULL;
	struct buf x = {0};

	put_decl(&x, utf16 ? "UTF-16" : "UTF-8");
	buf_str(&x, after ? "<reports>\n<feedback>\n" : "<feedback");
	if (after) {
		put_meta(
		    &x, "Example", "hostile-1", "1700000000", "1700086399");
		put_policy(&x, "example.org");
		put_records(&x, 1);
		buf_str(&x, "</feedback>\n<junk");
	}
	for (unsigned i = 0; i < n; i++) {
		if (xmlns)
			buf_printf(&x, " xmlns:p%u=\"urn:x:%u\"", i, i);
		else
			buf_printf(&x, " a%u=\"\"", i);
	}
	buf_str(&x, ">\n");
	if (after) {
		buf_str(&x, "</junk>\n</reports>\n");
	} else {
		put_meta(
		    &x, "Example", "hostile-1", "1700000000", "1700086399");
		put_policy(&x, "example.org");
		put_records(&x, 1);
		buf_str(&x, "</feedback>\n");
	}
	if (strstr(arg, "gzip") != NULL)
		gzip_of(out, x.p, x.len);
	else if (utf16)
		to_utf16(out, &x, 0);
	else
		buf_add(out, x.p, x.len);
	buf_free(&x);
}

/* arg "N M": M short elements with N attributes each, in an extension
 * that is skipped, before the records. */
static void
gen_attr_elems(struct buf *out, const char *arg)
{
	char *end;
	unsigned n = (unsigned)strtoul(arg, &end, 10);
	unsigned m = (unsigned)strtoul(end, NULL, 10);

	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	buf_str(out, "<extension>\n");
	for (unsigned j = 0; j < m; j++) {
		buf_str(out, "<x");
		for (unsigned i = 0; i < n; i++)
			buf_printf(out, " a%u=\"%u\"", i, j);
		buf_str(out, "/>\n");
	}
	buf_str(out, "</extension>\n");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/*
 * Markup libxml2 holds whole until it ends: arg "N attr" is one attribute
 * value of N KiB, "N gt" the same made of '>' (each chunk then makes
 * libxml2 rescan all it holds), "N cdata" a CDATA section in an extension.
 */
static void
gen_long_markup(struct buf *out, const char *arg)
{
	size_t n = strtoul(arg, NULL, 10) * KiB;

	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	if (strstr(arg, "cdata") != NULL) {
		buf_str(out, "<extension><![CDATA[");
		buf_fill(out, 'c', n);
		buf_str(out, "]]></extension>\n");
	} else {
		buf_str(out, "<extension v=\"");
		buf_fill(out, strstr(arg, "gt") != NULL ? '>' : 'v', n);
		buf_str(out, "\"/>\n");
	}
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* An element name of 1 MiB. */
static void
gen_long_name(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n<");
	buf_fill(out, 'n', MiB);
	buf_str(out, "/>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* A 12 MiB comment between records. */
static void
gen_huge_comment(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	buf_str(out, "<!--");
	buf_fill(out, 'c', 12 * MiB);
	buf_str(out, "-->\n");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

static void
gen_tls_gzip(struct buf *out, const char *arg)
{
	static const char tls[] =
	    "{\"organization-name\":\"Example\",\"date-range\":{"
	    "\"start-datetime\":\"2024-01-01T00:00:00Z\",\"end-datetime\":"
	    "\"2024-01-01T23:59:59Z\"},\"contact-info\":\"x@example.net\","
	    "\"report-id\":\"1\",\"policies\":[]}";

	gzip_of(out, tls, strlen(tls));
}

static void
gen_mail_broken_gzip(struct buf *out, const char *arg)
{
	struct buf gz = {0};

	gen_gzip_random(&gz, "");
	mail_with(out, "application/gzip", "report.xml.gz", &gz);
	buf_free(&gz);
}

static void
gen_mail_cut_gzip(struct buf *out, const char *arg)
{
	struct buf gz = {0};

	gen_gzip_cut(&gz, "records");
	mail_with(out, "application/gzip", "report.xml.gz", &gz);
	buf_free(&gz);
}

/* multipart inside multipart, arg deep, a report at the bottom. */
static void
gen_mail_deep(struct buf *out, const char *arg)
{
	unsigned n = (unsigned)strtoul(arg, NULL, 10);
	struct buf x = {0};

	good_report(&x, 1);
	buf_str(out,
	    "From: a@example.net\r\nTo: b@example.org\r\n"
	    "Subject: deep\r\nMIME-Version: 1.0\r\n");
	for (unsigned i = 0; i < n; i++)
		buf_printf(out,
		    "Content-Type: multipart/mixed; boundary=\"b%u\"\r\n\r\n"
		    "--b%u\r\n",
		    i, i);
	buf_str(out, "Content-Type: text/xml\r\n\r\n");
	buf_add(out, x.p, x.len);
	for (unsigned i = n; i-- > 0;)
		buf_printf(out, "\r\n--b%u--\r\n", i);
	buf_free(&x);
}

/* Valid 2, 3 and 4-byte characters, 9 bytes a turn, so that every read
 * boundary cuts some character at every possible offset. */
static void
put_multibyte(struct buf *b)
{
	for (int i = 0; i < 5000; i++)
		buf_str(b, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
}

static void
gen_multibyte(struct buf *out, const char *arg)
{
	struct buf org = {0}, x = {0};

	put_multibyte(&org);
	report_org(&x, (char *)org.p, 2);
	if (strcmp(arg, "gzip") == 0)
		gzip_of(out, x.p, x.len);
	else
		buf_add(out, x.p, x.len);
	buf_free(&org);
	buf_free(&x);
}

/* Two reports in one wrapper element: the second must not vanish
 * without a word. */
static void
gen_two_feedbacks(struct buf *out, const char *arg)
{
	put_decl(out, "UTF-8");
	buf_str(out, "<reports>\n<feedback>\n");
	put_meta(out, "First", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n<feedback>\n");
	put_meta(out, "Second", "hostile-2", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 2);
	buf_str(out, "</feedback>\n</reports>\n");
}

/* A valid report declaring the encoding arg. */
static void
gen_declared(struct buf *out, const char *arg)
{
	put_decl(out, arg);
	buf_str(out, "<feedback>\n");
	put_meta(out, "Example", "hostile-1", "1700000000", "1700086399");
	put_policy(out, "example.org");
	put_records(out, 1);
	buf_str(out, "</feedback>\n");
}

/* An end record claiming 65535 entries in a 46-byte directory. */
static void
gen_zip_eocd_lies(struct buf *out, const char *arg)
{
	struct zipw z = {0};
	struct buf x = {0};
	size_t at;

	good_report(&x, 1);
	zipw_add(&z, "report.xml", x.p, x.len);
	zipw_finish(&z, out);
	/* Entries on this disk and in total: 16 and 18 bytes from the
	 * end of a comment-less end record (22 bytes). */
	at = out->len - 22;
	out->p[at + 8] = out->p[at + 10] = 0xff;
	out->p[at + 9] = out->p[at + 11] = 0xff;
	buf_free(&x);
}

/* A gzip header with a 1 MiB file name (FNAME), then a valid report. */
static void
gen_gzip_long_name(struct buf *out, const char *arg)
{
	static const unsigned char hdr[10] = {
	    0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3};
	struct buf x = {0}, gz = {0};

	good_report(&x, 1);
	gzip_of(&gz, x.p, x.len);
	buf_add(out, hdr, sizeof(hdr));
	buf_fill(out, 'n', MiB);
	buf_add(out, "", 1);
	buf_add(out, gz.p + 10, gz.len - 10);
	buf_free(&x);
	buf_free(&gz);
}

/* --- the sink --- */

struct outcome {
	int rc;
	struct err err;
	struct reader_stats stats;
	unsigned reports, discards;
	uint64_t pending, records; /* records of the report being read /
	                              of accepted reports */
	int inconsistent; /* n_records disagreed with the sink */
	struct buf dump; /* text of all reports and records seen */
	struct buf warnings; /* their warnings, one a line */
	struct buf wheres; /* where each report was, one a line */
	uint64_t warnings_over, dropped;
	size_t max_warnings_seen;
	struct err problems[MAX_PROBLEMS];
	unsigned n_problems;
	double seconds;
	long rss_growth_kb;
};

static void
dump_str(struct outcome *o, const char *s)
{
	if (s == NULL || o->dump.len > DUMP_MAX)
		return;
	buf_str(&o->dump, s);
	buf_str(&o->dump, "\n");
}

static int
sink_record(void *ctx, const struct dmarc_report *rep,
    const struct dmarc_record *rec, struct err *err)
{
	struct outcome *o = ctx;

	o->pending++;
	if (rep->n_records != o->pending)
		o->inconsistent = 1;
	dump_str(o, rec->source_ip);
	dump_str(o, rec->disposition);
	dump_str(o, rec->header_from);
	dump_str(o, rec->envelope_from);
	for (size_t i = 0; i < rec->n_dkim; i++) {
		dump_str(o, rec->dkim_results[i].domain);
		dump_str(o, rec->dkim_results[i].human_result);
	}
	for (size_t i = 0; i < rec->n_reasons; i++)
		dump_str(o, rec->reasons[i].comment);
	return 0;
}

static int
sink_report(void *ctx, const struct dmarc_report *rep, const char *where,
    struct err *err)
{
	struct outcome *o = ctx;

	if (rep->n_records != o->pending)
		o->inconsistent = 1;
	o->reports++;
	o->records += o->pending;
	o->pending = 0;
	o->dropped += rep->n_dropped;
	o->warnings_over += rep->warnings_over;
	if (rep->n_warnings > o->max_warnings_seen)
		o->max_warnings_seen = rep->n_warnings;
	dump_str(o, rep->org_name);
	dump_str(o, rep->email);
	dump_str(o, rep->extra_contact_info);
	dump_str(o, rep->report_id);
	dump_str(o, rep->generator);
	dump_str(o, rep->policy.domain);
	for (size_t i = 0; i < rep->n_errors; i++)
		dump_str(o, rep->errors[i]);
	for (size_t i = 0; i < rep->n_warnings; i++) {
		buf_str(&o->warnings, rep->warnings[i]);
		buf_str(&o->warnings, "\n");
	}
	buf_str(&o->wheres, where);
	buf_str(&o->wheres, "\n");
	return 0;
}

static void
sink_discard(void *ctx)
{
	struct outcome *o = ctx;

	o->discards++;
	o->pending = 0;
}

static void
sink_problem(void *ctx, const char *where, const struct err *why)
{
	struct outcome *o = ctx;

	if (o->n_problems < MAX_PROBLEMS)
		o->problems[o->n_problems] = *why;
	o->n_problems++;
}

static void
outcome_free(struct outcome *o)
{
	buf_free(&o->dump);
	buf_free(&o->warnings);
	buf_free(&o->wheres);
}

/* --- extra checks, for rows that need more than the table says --- */

static void
check_no_passwd(const struct outcome *o)
{
	struct buf pw = {0};
	char tmp[4096];
	FILE *fp = fopen("/etc/passwd", "r");
	size_t n;

	/* The check means something only if the secret is really there. */
	if (fp != NULL) {
		while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
			buf_add(&pw, tmp, n);
		fclose(fp);
	}
	if (pw.len > 0 && strstr((char *)pw.p, "root:") == NULL)
		print_message("note: /etc/passwd has no 'root:' line\n");
	buf_free(&pw);
	if (o->dump.len > 0)
		assert_null(strstr((char *)o->dump.p, "root:"));
	if (o->warnings.len > 0)
		assert_null(strstr((char *)o->warnings.p, "root:"));
	for (unsigned i = 0; i < o->n_problems && i < MAX_PROBLEMS; i++)
		assert_null(strstr(o->problems[i].msg, "root:"));
}

/* Nobody may have connected to the trap. */
static void
check_no_connection(const struct outcome *o)
{
	int fd = accept(g_listen, NULL, NULL);

	if (fd >= 0)
		close(fd);
	assert_true(fd < 0);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void
check_discarded(const struct outcome *o)
{
	assert_int_equal(o->discards, 1);
}

static void
assert_absent(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		fail_msg("%s exists: an archive name was used as a path", path);
	assert_int_equal(errno, ENOENT);
}

static void
check_traversal(const struct outcome *o)
{
	assert_absent("../../x");
	assert_absent("../x");
	assert_absent("x");
	assert_non_null(strstr((char *)o->wheres.p, "zip member '../../x'"));
}

static void
check_absolute(const struct outcome *o)
{
	char *p = xasprintf("%s/y", g_root);

	assert_absent(p);
	free(p);
}

static void
check_utf16(const struct outcome *o)
{
	assert_non_null(
	    strstr((char *)o->dump.p, "Ex\xc3\xa4mple \xf0\x9f\x93\xa7 Org\n"));
}

static void
check_latin1(const struct outcome *o)
{
	assert_non_null(
	    strstr((char *)o->dump.p, "Caf\xc3\xa9 R\xc3\xa9porteur\n"));
	assert_null(strstr((char *)o->dump.p, "\xef\xbf\xbd"));
}

static void
check_fffd(const struct outcome *o)
{
	assert_non_null(
	    strstr((char *)o->dump.p, "Bad\xef\xbf\xbd\xef\xbf\xbdName\n"));
}

/* Legal XML characters stay in the data; showing them is output's job. */
static void
check_c1_kept(const struct outcome *o)
{
	assert_non_null(strstr((char *)o->dump.p,
	    "Bad\xc2\x9b"
	    "31mName\n"));
}

static void
check_tab_kept(const struct outcome *o)
{
	assert_non_null(strstr((char *)o->dump.p, "Bad\tName\n"));
}

static void
check_warnings_capped(const struct outcome *o)
{
	assert_int_equal(o->dropped, 1000);
	assert_true(o->max_warnings_seen <= 50);
	assert_true(o->warnings_over >= 1000 - 50);
}

static void
check_multibyte(const struct outcome *o)
{
	struct buf want = {0};

	buf_str(&want, "\n");
	put_multibyte(&want);
	buf_str(&want, "\n");
	assert_non_null(strstr((char *)o->dump.p, (char *)want.p));
	buf_free(&want);
}

/* One warning for the wrapper, one for the report it made us skip. */
static void
check_second_feedback(const struct outcome *o)
{
	const char *p = (const char *)o->warnings.p;
	int n = 0;

	assert_non_null(strstr((char *)o->dump.p, "First\n"));
	for (; p != NULL && (p = strstr(p, "feedback")) != NULL; p++)
		n++;
	if (n < 2)
		fail_msg("the second <feedback> was dropped without a "
		         "warning");
}

static void
check_where_good(const struct outcome *o)
{
	assert_string_equal((char *)o->wheres.p, "zip member 'good.xml'\n");
}

/* --- the table --- */

enum {
	F_BOMB = 1, /* check that the peak RSS stayed modest */
};

struct hcase {
	const char *name;
	void (*gen)(struct buf *out, const char *arg);
	const char *arg;
	const char *limits; /* "name=value,..." over the defaults */
	int rc; /* what reader_read returns */
	const char *msg; /* in a problem (and err when rc < 0) */
	int pcode; /* that problem's code; 0: same as rc */
	unsigned problems; /* how many problems */
	unsigned reports;
	uint64_t records; /* records of accepted reports */
	const char *warn; /* in a warning; NULL: no warnings at all */
	unsigned flags;
	void (*check)(const struct outcome *o);
};

#define MAL ERR_MALFORMED
#define LIM ERR_LIMIT
#define NAG ERR_NOT_AGGREGATE
#define DOCTYPE_MSG "document has a DOCTYPE declaration"
#define UTF8_WARN "invalid UTF-8 byte(s) replaced with U+FFFD"

static const struct hcase cases[] = {
    /* Baselines: the generators make what the product accepts, so the
     * refusals below are not an accident of a broken generator. */
    {"baseline: xml", gen_good_xml, "", NULL, 0, NULL, 0, 0, 1, 3, NULL},
    {"baseline: gzip", gen_good_gzip, "", NULL, 0, NULL, 0, 0, 1, 3, NULL},
    {"baseline: zip", gen_good_zip, "", NULL, 0, NULL, 0, 0, 1, 3, NULL},
    {"baseline: mail", gen_good_mail, "", NULL, 0, NULL, 0, 0, 1, 3, NULL},

    /* Bombs first: the peak RSS is then still close to the baseline. */
    {"gzip bomb: 1 GiB of spaces after <feedback>", gen_gzip_spaces, "1024",
        NULL, LIM, "(limit ratio)", 0, 1, 0, 0, NULL, F_BOMB},
    {"gzip bomb, ratio raised: decompressed_bytes", gen_gzip_spaces, "1024",
        "ratio=100000,decompressed_bytes=16M", LIM,
        "(limit decompressed_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"gzip bomb gzipped again", gen_gzip_gzip_bomb, "1024", NULL, LIM,
        "(limit ratio)", 0, 1, 0, 0, NULL, F_BOMB},
    {"zip bomb: 2 GiB of zeros declared", gen_zip_zeros, "2048", NULL, LIM,
        "(limit decompressed_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"zip bomb: 1 GiB of zeros refused by its declared ratio", gen_zip_zeros,
        "1024", NULL, LIM, "(limit ratio)", 0, 1, 0, 0, NULL, F_BOMB},
    {"zip bomb: 256 MiB of spaces after <feedback>", gen_zip_spaces, "256",
        NULL, LIM, "(limit ratio)", 0, 1, 0, 0, NULL, F_BOMB},
    {"zip bomb, ratio raised: declared size over decompressed_bytes",
        gen_zip_spaces, "256", "ratio=100000,decompressed_bytes=16M", LIM,
        "(limit decompressed_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"zip bomb lying about its size", gen_zip_lying_size, "", NULL, MAL,
        "zip member 'report.xml': zip: member inflates past its declared", 0, 1,
        0, 0, NULL, F_BOMB},
    {"zip of 32 small bombs", gen_zip_many_bombs, "32", NULL, LIM,
        "(limit ratio)", 0, 32, 0, 0, NULL, F_BOMB},

    /* Entities and DTDs: refused at the DOCTYPE, nothing loaded. */
    {"XXE: SYSTEM file:///etc/passwd in org_name", gen_doctype,
        "[<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]", NULL, MAL, DOCTYPE_MSG,
        0, 1, 0, 0, NULL, 0, check_no_passwd},
    {"XXE in a UTF-16 document", gen_doctype_utf16, "", NULL, MAL, DOCTYPE_MSG,
        0, 1, 0, 0, NULL, 0, check_no_passwd},
    {"billion laughs", gen_billion_laughs, "", NULL, MAL, DOCTYPE_MSG, 0, 1, 0,
        0, NULL, F_BOMB},
    {"parameter entity from http", gen_doctype,
        "[<!ENTITY % ext SYSTEM \"http://127.0.0.1:PORT/x.dtd\"> %ext;]", NULL,
        MAL, DOCTYPE_MSG, 0, 1, 0, 0, NULL, 0, check_no_connection},
    {"external DTD from http", gen_doctype,
        "SYSTEM \"http://127.0.0.1:PORT/feedback.dtd\"", NULL, MAL, DOCTYPE_MSG,
        0, 1, 0, 0, NULL, 0, check_no_connection},
    {"external DTD with PUBLIC id", gen_doctype,
        "PUBLIC \"-//X//DTD X//EN\" \"http://127.0.0.1:PORT/p.dtd\"", NULL, MAL,
        DOCTYPE_MSG, 0, 1, 0, 0, NULL, 0, check_no_connection},
    {"undeclared entity without DOCTYPE", gen_undeclared_entity, "", NULL, MAL,
        "XML error", 0, 1, 0, 0, NULL},
    {"XInclude is not processed", gen_xinclude, "", NULL, 0, NULL, 0, 0, 1, 1,
        NULL, 0, check_no_passwd},

    /* Depth. */
    {"100,000 nested elements in <feedback>", gen_deep, "feedback", NULL, LIM,
        "(limit xml_depth)", 0, 1, 0, 0, NULL, F_BOMB},
    {"100,000 nested elements at the root", gen_deep, "root", NULL, LIM,
        "(limit xml_depth)", 0, 1, 0, 0, NULL, F_BOMB},

    /* Truncation and garbage. */
    {"gzip cut in the middle of the records", gen_gzip_cut, "records", NULL,
        MAL, "truncated", 0, 1, 0, 0, NULL, 0, check_discarded},
    {"gzip cut in its trailer, after </feedback>", gen_gzip_cut, "trailer",
        NULL, 0, NULL, 0, 0, 1, 300, "could not read past </feedback>"},
    {"XML cut in the middle of the records", gen_xml_cut, "records", NULL, MAL,
        "XML ends before the report does", 0, 1, 0, 0, NULL, 0,
        check_discarded},
    {"XML cut in the second of 2 records", gen_xml_cut, "short", NULL, MAL,
        "XML ends before the report does", 0, 1, 0, 0, NULL, 0,
        check_discarded},
    {"XML cut inside a start tag", gen_xml_cut, "tag", NULL, MAL,
        "XML ends before the report does", 0, 1, 0, 0, NULL},
    {"random bytes behind PK\\3\\4", gen_pk_random, "3", NULL, MAL, "zip", 0, 1,
        0, 0, NULL},
    {"random bytes behind PK\\5\\6", gen_pk_random, "5", NULL, MAL, "zip", 0, 1,
        0, 0, NULL},
    {"gzip header with a 1 MiB file name", gen_gzip_long_name, "", NULL, 0,
        NULL, 0, 0, 1, 1, NULL},
    {"random bytes behind a gzip header", gen_gzip_random, "", NULL, MAL,
        "gzip", 0, 1, 0, 0, NULL},
    {"empty file", gen_literal, "", NULL, MAL, "empty", 0, 1, 0, 0, NULL},
    {"only white space", gen_literal, " \r\n\t\n", NULL, MAL, "empty", 0, 1, 0,
        0, NULL},

    /* Records with values we cannot use: dropped, the rest kept. */
    {"count not a number", gen_bad_record, "count=many", NULL, 0, NULL, 0, 0, 1,
        2, "record 2 dropped: <count> 'many'"},
    {"count negative", gen_bad_record, "count=-5", NULL, 0, NULL, 0, 0, 1, 2,
        "record 2 dropped: <count> '-5'"},
    {"count over INT64_MAX", gen_bad_record, "count=9223372036854775808", NULL,
        0, NULL, 0, 0, 1, 2, "record 2 dropped: <count> '9223372036854775808'"},
    {"count over UINT64_MAX", gen_bad_record, "count=99999999999999999999999",
        NULL, 0, NULL, 0, 0, 1, 2,
        "record 2 dropped: <count> '99999999999999999999999'"},
    {"count in hex", gen_bad_record, "count=0x10", NULL, 0, NULL, 0, 0, 1, 2,
        "record 2 dropped: <count> '0x10'"},
    {"count empty", gen_bad_record, "count=", NULL, 0, NULL, 0, 0, 1, 2,
        "record 2 dropped: <count> ''"},
    {"source_ip 999.1.1.1", gen_bad_record, "ip=999.1.1.1", NULL, 0, NULL, 0, 0,
        1, 2, "record 2 dropped: <source_ip> '999.1.1.1'"},
    {"source_ip not-an-ip", gen_bad_record, "ip=not-an-ip", NULL, 0, NULL, 0, 0,
        1, 2, "record 2 dropped: <source_ip> 'not-an-ip'"},
    {"source_ip 1.2.3.4/24", gen_bad_record, "ip=1.2.3.4/24", NULL, 0, NULL, 0,
        0, 1, 2, "record 2 dropped: <source_ip> '1.2.3.4/24'"},
    {"source_ip fe80::1%eth0", gen_bad_record, "ip=fe80::1%eth0", NULL, 0, NULL,
        0, 0, 1, 2, "record 2 dropped: <source_ip> 'fe80::1%eth0'"},
    {"source_ip with terminal escapes", gen_bad_record,
        "ip=1.2.3.4\xc2\x9b"
        "2J",
        NULL, 0, NULL, 0, 0, 1, 2, "record 2 dropped: <source_ip> '1.2.3.4"},
    {"source_ip missing", gen_bad_record, "noip", NULL, 0, NULL, 0, 0, 1, 2,
        "record 2 dropped: it has no <source_ip>"},
    {"1000 bad records: warnings capped", gen_many_warnings, "", NULL, 0, NULL,
        0, 0, 1, 1, "record 1 dropped", 0, check_warnings_capped},

    /* What identifies a report. */
    {"no report_id", gen_missing, "report_id", NULL, MAL,
        "report has no <report_id>", 0, 1, 0, 0, NULL, 0, check_discarded},
    {"no policy domain", gen_missing, "domain", NULL, MAL,
        "report has no <policy_published><domain>", 0, 1, 0, 0, NULL, 0,
        check_discarded},
    {"no date_range", gen_missing, "date_range", NULL, MAL,
        "report has no <date_range>", 0, 1, 0, 0, NULL, 0, check_discarded},
    {"date begin not a number", gen_missing, "begin=yesterday", NULL, MAL,
        "<begin> 'yesterday' is not a time", 0, 1, 0, 0, NULL},
    {"date begin negative", gen_missing, "begin=-1", NULL, MAL,
        "<begin> '-1' is not a time", 0, 1, 0, 0, NULL},

    /* Limits on content. */
    {"records: 10 at limit 10", gen_records, "10", "records=10", 0, NULL, 0, 0,
        1, 10, NULL},
    {"records: 11 over limit 10", gen_records, "11", "records=10", LIM,
        "(limit records)", 0, 1, 0, 0, NULL, 0, check_discarded},
    {"org_name of 1 MiB", gen_huge_text, "1024", NULL, LIM,
        "(limit string_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"org_name of 32 KiB in CDATA", gen_huge_text, "32 cdata", NULL, LIM,
        "(limit string_bytes)", 0, 1, 0, 0, NULL},
    {"org_name of 1 MiB in CDATA", gen_huge_text, "1024 cdata", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"dkim results: 100 at the limit", gen_auth, "100", NULL, 0, NULL, 0, 0, 1,
        1, NULL},
    {"dkim results: 101 over the limit", gen_auth, "101", NULL, LIM,
        "(limit auth_results)", 0, 1, 0, 0, NULL},
    {"element name of 1 MiB", gen_long_name, "", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"comment of 12 MiB", gen_huge_comment, "", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL},

    /* Costs that are not linear: refused before libxml2 pays them. */
    {"16 attributes on <feedback>", gen_many_attrs, "16", NULL, 0, NULL, 0, 0,
        1, 1, NULL},
    {"17 attributes on <feedback>", gen_many_attrs, "17", NULL, LIM,
        "<feedback> at line 2 has more than 16 attributes (limit "
        "xml_attributes)",
        0, 1, 0, 0, NULL},
    {"17 xmlns declarations on <feedback>", gen_many_attrs, "17 xmlns", NULL,
        LIM, "(limit xml_attributes)", 0, 1, 0, 0, NULL},
    {"50,000 attributes on <feedback>", gen_many_attrs, "50000", NULL, LIM,
        "<feedback> at line 2 has more than 16 attributes (limit "
        "xml_attributes)",
        0, 1, 0, 0, NULL, F_BOMB},
    {"400,000 attributes on <feedback>, gzip", gen_many_attrs, "400000 gzip",
        NULL, LIM, "(limit xml_attributes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"50,000 attributes on <feedback>, UTF-16", gen_many_attrs, "50000 utf16",
        NULL, LIM, "(limit xml_attributes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"100,000 xmlns declarations on <feedback>", gen_many_attrs, "100000 xmlns",
        NULL, LIM, "(limit xml_attributes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"50,000 attributes after </feedback>", gen_many_attrs, "50000 after", NULL,
        0, NULL, 0, 0, 1, 1, "content after </feedback> ignored", F_BOMB},
    {"xml_attributes raised: 5,000 attributes", gen_many_attrs, "5000",
        "xml_attributes=5000", 0, NULL, 0, 0, 1, 1, NULL},
    {"20,000 elements with 16 attributes", gen_attr_elems, "16 20000", NULL, 0,
        NULL, 0, 0, 1, 1, NULL, F_BOMB},
    {"20,000 elements with 17 attributes", gen_attr_elems, "17 20000", NULL,
        LIM,
        "<x> at line 11 has more than 16 attributes (limit xml_attributes)", 0,
        1, 0, 0, NULL, F_BOMB},
    {"attribute value of 48 KiB", gen_long_markup, "48 attr", NULL, 0, NULL, 0,
        0, 1, 1, NULL},
    {"attribute value of 1 MiB", gen_long_markup, "1024 attr", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"attribute value of 8 MiB of '>'", gen_long_markup, "8192 gt", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"CDATA of 32 KiB in an extension", gen_long_markup, "32 cdata", NULL, 0,
        NULL, 0, 0, 1, 1, NULL},
    {"CDATA of 8 MiB in an extension", gen_long_markup, "8192 cdata", NULL, LIM,
        "(limit xml_markup_bytes)", 0, 1, 0, 0, NULL, F_BOMB},
    {"20,000 records in 1 ms of CPU", gen_records, "20000", "cpu_ms=1", LIM,
        "took more than 1 ms of CPU time (limit cpu_ms)", 0, 1, 0, 0, NULL},

    /* Layers. */
    {"gzip in gzip: 3 layers", gen_gzip_nested, "3", NULL, 0, NULL, 0, 0, 1, 1,
        NULL},
    {"gzip in gzip: 6 layers", gen_gzip_nested, "6", NULL, 0, NULL, 0, 0, 1, 1,
        NULL},
    {"gzip in gzip: 7 layers", gen_gzip_nested, "7", NULL, LIM,
        "(limit layers)", 0, 1, 0, 0, NULL},
    {"gzip in gzip: 10 layers", gen_gzip_nested, "10", NULL, LIM,
        "(limit layers)", 0, 1, 0, 0, NULL},
    {"zip in zip: 10 layers", gen_zip_nested, "10", NULL, LIM, "(limit layers)",
        0, 1, 0, 0, NULL},

    /* Zip archives. */
    {"zip with 10,000 members", gen_zip_members, "10000", NULL, LIM,
        "(limit zip_members)", 0, 1, 0, 0, NULL},
    {"zip with 64 members", gen_zip_members, "64", NULL, 0, NULL, 0, 0, 1, 1,
        NULL},
    {"zip with 65 members", gen_zip_members, "65", NULL, LIM,
        "(limit zip_members)", 0, 1, 0, 0, NULL},
    {"zip member named ../../x", gen_zip_named, "../../x", NULL, 0, NULL, 0, 0,
        1, 2, NULL, 0, check_traversal},
    {"zip member with an absolute name", gen_zip_named, "@/y", NULL, 0, NULL, 0,
        0, 1, 2, NULL, 0, check_absolute},
    {"zip end record claiming 65535 entries", gen_zip_eocd_lies, "", NULL, MAL,
        "zip", 0, 1, 0, 0, NULL},
    {"zip with a 0-byte member", gen_zip_empty_member, "", NULL, MAL,
        "zip archive holds no XML report", 0, 1, 0, 0, NULL},
    {"zip with only a directory", gen_zip_dir_only, "", NULL, MAL,
        "zip archive holds no XML report", 0, 1, 0, 0, NULL},
    {"zip: one good report, one broken", gen_zip_mixed, "utf8:bad.xml", NULL, 0,
        "zip member 'bad.xml'", MAL, 1, 1, 2, NULL, 0, check_where_good},
    {"zip: terminal escapes in a member name", gen_zip_mixed,
        "cp437:\x1b]0;pwned\x07\x1b[2Jbad.xml", NULL, 0, "bad.xml'", MAL, 1, 1,
        2, NULL, 0, check_where_good},
    {"zip: C1 control in a UTF-8 member name", gen_zip_mixed,
        "utf8:\xc2\x9b"
        "31mbad.xml",
        NULL, 0, "31mbad.xml'", MAL, 1, 1, 2, NULL, 0, check_where_good},
    /* libzip (1.7) will not open an archive whose UTF-8 flagged names
     * hold C0 controls: the whole archive goes, good member and all. */
    {"zip: C0 controls in a UTF-8 flagged name", gen_zip_mixed,
        "utf8:\x1b[2Jbad.xml", NULL, MAL, "zip: cannot open archive", 0, 1, 0,
        0, NULL},

    /* Encodings. */
    {"valid multibyte UTF-8 across read boundaries", gen_multibyte, "",
        "string_bytes=1M", 0, NULL, 0, 0, 1, 2, NULL, 0, check_multibyte},
    {"valid multibyte UTF-8 across gzip reads", gen_multibyte, "gzip",
        "string_bytes=1M", 0, NULL, 0, 0, 1, 2, NULL, 0, check_multibyte},
    {"unknown encoding declared", gen_declared, "x-no-such-charset", NULL, MAL,
        "XML error", 0, 1, 0, 0, NULL},
    {"UTF-16LE with BOM", gen_utf16, "le", NULL, 0, NULL, 0, 0, 1, 2, NULL, 0,
        check_utf16},
    {"UTF-16BE with BOM", gen_utf16, "be", NULL, 0, NULL, 0, 0, 1, 2, NULL, 0,
        check_utf16},
    {"ISO-8859-1 declared, latin1 bytes", gen_latin1, "", NULL, 0, NULL, 0, 0,
        1, 2, NULL, 0, check_latin1},
    {"invalid UTF-8 in a value", gen_org_bytes, "\xff\xfe", NULL, 0, NULL, 0, 0,
        1, 2, UTF8_WARN, 0, check_fffd},
    {"surrogate and overlong UTF-8 in a value", gen_org_bytes,
        "\xed\xa0\x80\xc0\xaf", NULL, 0, NULL, 0, 0, 1, 2, UTF8_WARN},
    {"invalid UTF-8 in an element name", gen_bad_element_name, "", NULL, MAL,
        "invalid UTF-8 in an element name", 0, 1, 0, 0, NULL},
    {"NUL byte in a value", gen_nul, "", NULL, MAL, "XML error", 0, 1, 0, 0,
        NULL},
    {"raw ESC in a value", gen_org_bytes, "\x1b[31m", NULL, MAL, "XML error", 0,
        1, 0, 0, NULL},
    {"ESC as a character reference", gen_org_bytes, "&#27;[31m", NULL, MAL,
        "XML error", 0, 1, 0, 0, NULL},
    {"C1 control in a value is data", gen_org_bytes,
        "\xc2\x9b"
        "31m",
        NULL, 0, NULL, 0, 0, 1, 2, NULL, 0, check_c1_kept},
    {"tab as a character reference is data", gen_org_bytes, "&#9;", NULL, 0,
        NULL, 0, 0, 1, 2, NULL, 0, check_tab_kept},

    /* Not aggregate reports. */
    {"JSON TLS report", gen_literal,
        "{\"organization-name\":\"Example\",\"date-range\":{},"
        "\"contact-info\":\"x@example.net\",\"report-id\":\"1\","
        "\"policies\":[]}",
        NULL, NAG, "TLS report", 0, 1, 0, 0, NULL},
    {"gzipped JSON TLS report", gen_tls_gzip, "", NULL, NAG, "TLS report", 0, 1,
        0, 0, NULL},
    {"random JSON", gen_literal, "{\"hello\": [1, 2, 3]}", NULL, MAL,
        "JSON that is no TLS report", 0, 1, 0, 0, NULL},
    {"two <feedback> in one wrapper", gen_two_feedbacks, "", NULL, 0, NULL, 0,
        0, 1, 1, "feedback", 0, check_second_feedback},
    {"XML that is not <feedback>", gen_literal,
        "<?xml version=\"1.0\"?><html><body>hi</body></html>", NULL, MAL,
        "root element is <html>", 0, 1, 0, 0, NULL},

    /* Mail. */
    {"mail: only attachment a broken gzip", gen_mail_broken_gzip, "", NULL, MAL,
        "part 2 application/gzip 'report.xml.gz'", 0, 1, 0, 0, NULL},
    {"mail: only attachment a truncated gzip", gen_mail_cut_gzip, "", NULL, MAL,
        "part 2 application/gzip 'report.xml.gz'", 0, 1, 0, 0, NULL, 0,
        check_discarded},
    {"mail: 40 nested multiparts", gen_mail_deep, "40", NULL, LIM,
        "nested deeper", 0, 1, 0, 0, NULL},
    {"mail: 5000 nested multiparts", gen_mail_deep, "5000", NULL, LIM,
        "nested deeper", 0, 1, 0, 0, NULL, F_BOMB},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* --- the runner --- */

/* CPU time, not wall time: the bounds catch a path that is not linear,
 * and a busy machine (a CI runner, a parallel build) must not fail them. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * The peak RSS only ever grows; Linux resets it to the current RSS on
 * "5" to clear_refs, which makes a per-case growth meaningful.  Where that
 * is not allowed the growth is an underestimate (hence bombs come first).
 */
static int
reset_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	int ok;

	if (fd < 0)
		return 0;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

static void
apply_limits(struct limits *lim, const char *spec)
{
	char *copy, *tok, *save = NULL;
	struct err err;

	limits_init(lim);
	if (spec == NULL)
		return;
	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		err_clear(&err);
		if (limits_set(lim, tok, &err) != 0)
			fail_msg("limits_set(%s): %s", tok, err.msg);
	}
	free(copy);
}

/* Messages and warnings go to terminals and logs: no control characters,
 * C0, DEL or C1 (U+0080..U+009F, "\xc2\x80".."\xc2\x9f" in UTF-8). */
static void
assert_printable(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	     p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			fail_msg("control character 0x%02x%s in %s: %s", *p,
			    *p == 0xc2 ? " (C1)" : "", what, s);
	}
}

static int
code_ok(int code)
{
	return code == 0 || code == ERR_MALFORMED || code == ERR_LIMIT ||
	    code == ERR_NOT_AGGREGATE;
}

/* What one case allocates; a failed assertion jumps out of run_case(), so
 * case_teardown() frees it. */
static struct outcome g_out;
static struct buf g_in;

static int
case_teardown(void **state)
{
	outcome_free(&g_out);
	buf_free(&g_in);
	return 0;
}

static void
run_case(void **state)
{
	const struct hcase *c = *state;
	struct reader_sink sink = {
	    {NULL, sink_record, sink_report, sink_discard}, sink_problem};
	struct outcome *o = &g_out;
	struct limits lim;
	struct bytesrc *src;
	int pcode = c->pcode != 0 ? c->pcode : c->rc;
	int found = 0;
	long rss0;
	double t0;

	memset(o, 0, sizeof(*o));
	sink.reports.ctx = o;
	apply_limits(&lim, c->limits);
	c->gen(&g_in, c->arg);

	if (!reset_peak_rss() && (c->flags & F_BOMB))
		print_message("  note: cannot reset the peak RSS; the growth "
		              "shown is a lower bound\n");
	rss0 = maxrss_kb();
	t0 = now();
	src = bytesrc_mem_new(g_in.p, g_in.len);
	err_clear(&o->err);
	o->rc = reader_read(src, &lim, &sink, &o->stats, &o->err);
	bytesrc_free(src);
	o->seconds = now() - t0;
	o->rss_growth_kb = maxrss_kb() - rss0;
	buf_free(&g_in);

	print_message("  rc %d (%s), %u problem(s), %u report(s), %" PRIu64
	              " record(s), %.3f s, peak RSS +%ld kB\n",
	    o->rc, o->rc != 0 ? err_code_name(o->rc) : "ok", o->n_problems,
	    o->reports, o->records, o->seconds, o->rss_growth_kb);
	for (unsigned i = 0; i < o->n_problems && i < 3; i++)
		print_message("  problem: %s\n", o->problems[i].msg);
	if (o->warnings.len > 0)
		print_message("  warnings: %.300s\n", (char *)o->warnings.p);

	if (o->seconds > MAX_SECONDS)
		fail_msg(
		    "took %.1f s, more than %.0f s", o->seconds, MAX_SECONDS);
	if (!UNDER_ASAN && (c->flags & F_BOMB) &&
	    o->rss_growth_kb > MAX_RSS_GROWTH_KB)
		fail_msg("peak RSS grew by %ld kB, more than %ld kB",
		    o->rss_growth_kb, MAX_RSS_GROWTH_KB);

	assert_int_equal(o->rc, c->rc);
	assert_int_equal(o->reports, c->reports);
	assert_int_equal(o->stats.reports, c->reports);
	assert_int_equal(o->records, c->records);
	assert_false(o->inconsistent);
	assert_int_equal(o->pending, 0);
	assert_int_equal(o->n_problems, c->problems);
	assert_int_equal(o->stats.refused + o->stats.skipped, o->n_problems);
	for (unsigned i = 0; i < o->n_problems && i < MAX_PROBLEMS; i++) {
		assert_true(code_ok(o->problems[i].code));
		assert_int_not_equal(o->problems[i].code, 0);
		assert_printable("problem", o->problems[i].msg);
		if (c->msg != NULL && o->problems[i].code == pcode &&
		    strstr(o->problems[i].msg, c->msg) != NULL)
			found = 1;
	}
	if (c->msg != NULL && !found)
		fail_msg(
		    "no problem with code %d mentions \"%s\"", pcode, c->msg);
	if (c->rc < 0) {
		assert_int_equal(o->err.code, c->rc);
		assert_non_null(strstr(o->err.msg, c->msg));
		assert_int_equal(
		    o->stats.skipped, c->rc == NAG ? o->n_problems : 0);
	}
	if (o->warnings.len > 0)
		assert_printable("warning", (char *)o->warnings.p);
	if (c->warn == NULL && o->warnings.len > 0)
		fail_msg("unexpected warnings: %s", (char *)o->warnings.p);
	if (c->warn != NULL &&
	    (o->warnings.len == 0 ||
	        strstr((char *)o->warnings.p, c->warn) == NULL))
		fail_msg("no warning mentions \"%s\"", c->warn);
	if (c->check != NULL)
		c->check(o);
	outcome_free(o);
}

/* --- fixtures --- */

static char g_cwd[4096];

/* Nothing may be written anywhere under the scratch tree. */
static void
assert_only(const char *dir, const char *allowed)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (allowed != NULL && strcmp(de->d_name, allowed) == 0))
			continue;
		fail_msg("%s/%s was created", dir, de->d_name);
	}
	closedir(d);
}

static int
group_setup(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char path[512];

	if (getcwd(g_cwd, sizeof(g_cwd)) == NULL)
		return -1;
	snprintf(g_root, sizeof(g_root), "/tmp/dshostile.XXXXXX");
	if (mkdtemp(g_root) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/a", g_root);
	if (mkdir(path, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/a/b", g_root);
	if (mkdir(path, 0700) < 0 || chdir(path) < 0)
		return -1;

	/* A listener no one should ever connect to: a parser that fetches
	 * a DTD would, and the connection would wait here to be seen. */
	g_listen = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (g_listen < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(g_listen, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(g_listen, 8) < 0 ||
	    getsockname(g_listen, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	g_port = ntohs(sa.sin_port);
	return 0;
}

static int
group_teardown(void **state)
{
	char path[512];
	int rc = 0;

	close(g_listen);
	if (chdir(g_cwd) < 0)
		rc = -1;
	snprintf(path, sizeof(path), "%s/a/b", g_root);
	assert_only(path, NULL);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", g_root);
	assert_only(path, NULL);
	rmdir(path);
	assert_only(g_root, NULL);
	rmdir(g_root);
	return rc;
}

/*
 * --write DIR: writes every generated input to DIR/NNN.in instead of
 * testing, so tests/db/test_ingest.sh can store them all in a database.
 */
static int
write_inputs(const char *dir)
{
	for (size_t i = 0; i < NCASES; i++) {
		struct buf in = {0};
		char path[4096];
		FILE *fp;

		cases[i].gen(&in, cases[i].arg);
		snprintf(path, sizeof(path), "%s/%03zu.in", dir, i);
		if ((fp = fopen(path, "wb")) == NULL ||
		    fwrite(in.p, 1, in.len, fp) != in.len || fclose(fp) != 0) {
			perror(path);
			return 1;
		}
		free(in.p);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_inputs(argv[2]);
	tests = xcalloc(NCASES, sizeof(*tests));

	for (size_t i = 0; i < NCASES; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].teardown_func = case_teardown;
		tests[i].initial_state = (void *)(uintptr_t)&cases[i];
	}
	rc = _cmocka_run_group_tests(
	    "hostile", tests, NCASES, group_setup, group_teardown);
	free(tests);
	return rc;
}
