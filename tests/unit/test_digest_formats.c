/*
 * test_digest_formats: reports/digest_{text,markdown,json,csv}.c on
 * hand-made digests (digest_fixture.h).
 *
 * - Golden files under tests/data/digest/formats/ for each fixture and
 *   format; DS_UPDATE_GOLDEN=1 writes them anew (review the diff).
 * - Properties on every fixture, the hostile one above all: text has no
 *   control character but our colour, lines within 100 columns; Markdown
 *   tables keep their column count and code spans and fences close;
 *   JSON is valid (a validator here); CSV is read back with an RFC 4180
 *   reader and compared, cell by cell, with the struct.
 * - Unknown CSV table: EINVAL; a full disk: -1 from every format.
 *
 * With "--emit FORMAT FIXTURE" it prints one rendering instead, for
 * tests/reports/test_formats.sh (jq checks the JSON's documented shape).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest_fixture.h"
#include "digest_render.h"
#include "present.h"
#include "percent.h"
#include "text.h"
#include "tls_render.h"

#define GOLDEN_DIR DS_TESTDATA "/digest/formats"

static const struct {
	const char *name;
	struct digest *(*make)(void);
} fixtures[] = {
    {"realistic", fx_realistic},
    {"empty", fx_empty},
    {"first", fx_first},
    {"nodata", fx_nodata},
    {"hostile", fx_hostile},
    {"steps", fx_steps},
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* Renders d in format ("text", "color", "markdown", "json", "csv:TABLE")
 * into a new string (the caller's); rc receives the renderer's result. */
static char *
render(const struct digest *d, const char *format, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (strcmp(format, "text") == 0)
		*rc = digest_text(fp, d, 0);
	else if (strcmp(format, "color") == 0)
		*rc = digest_text(fp, d, 1);
	else if (strcmp(format, "markdown") == 0)
		*rc = digest_markdown(fp, d);
	else if (strcmp(format, "json") == 0)
		*rc = digest_json(fp, d);
	else if (strcmp(format, "html") == 0)
		*rc = digest_html(fp, d);
	else if (strncmp(format, "csv:", 4) == 0)
		*rc = digest_csv(fp, d, format + 4);
	else
		fail_msg("unknown format %s", format);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static char *
render_ok(const struct digest *d, const char *format)
{
	int rc = -2;
	char *out = render(d, format, &rc);

	assert_int_equal(rc, 0);
	return out;
}

static struct digest *
fixture(const char *name)
{
	for (size_t i = 0; i < NFIXTURES; i++)
		if (strcmp(fixtures[i].name, name) == 0)
			return fixtures[i].make();
	return NULL;
}

/* ------------------------------------------------------------------------
 * Golden files. */

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static const char *
golden_ext(const char *format, char *buf, size_t len)
{
	if (strcmp(format, "text") == 0)
		return ".txt";
	if (strcmp(format, "color") == 0)
		return "-color.txt";
	if (strcmp(format, "markdown") == 0)
		return ".md";
	if (strcmp(format, "json") == 0)
		return ".json";
	snprintf(buf, len, "-%s.csv", format + 4);
	return buf;
}

static void
golden(const char *fx, const char *format)
{
	struct digest *d = fixture(fx);
	char *out = render_ok(d, format), *want;
	char path[512], ext[32];
	const char *upd = getenv("DS_UPDATE_GOLDEN");
	size_t len;

	snprintf(path, sizeof(path), "%s/%s%s", GOLDEN_DIR, fx,
	    golden_ext(format, ext, sizeof(ext)));
	if (upd != NULL && strcmp(upd, "1") == 0) {
		FILE *fp;

		mkdir(DS_TESTDATA "/digest", 0777);
		mkdir(GOLDEN_DIR, 0777);
		fp = fopen(path, "wb");
		assert_non_null(fp);
		fputs(out, fp);
		assert_int_equal(fclose(fp), 0);
	}
	want = slurp(path, &len);
	if (want == NULL)
		fail_msg("%s missing: run with DS_UPDATE_GOLDEN=1", path);
	if (strcmp(want, out) != 0) {
		size_t line = 1, i;

		for (i = 0; want[i] != '\0' && want[i] == out[i]; i++)
			if (want[i] == '\n')
				line++;
		fail_msg("%s differs from the output at line %zu", path, line);
	}
	free(want);
	free(out);
	digest_free(d);
}

static void
test_golden(void **state)
{
	static const char *const all[] = {"text", "markdown", "json"};
	static const char *const realistic[] = {"color", "csv:days",
	    "csv:sources", "csv:reporters", "csv:refused", "csv:tls",
	    "csv:tls_failures"};

	(void)state;
	for (size_t i = 0; i < NFIXTURES; i++)
		for (size_t f = 0; f < 3; f++)
			golden(fixtures[i].name, all[f]);
	for (size_t f = 0; f < sizeof(realistic) / sizeof(realistic[0]); f++) {
		golden("realistic", realistic[f]);
		golden("hostile", realistic[f]);
	}
}

/* ------------------------------------------------------------------------
 * Checks common to the formats. */

/* Valid UTF-8 with no C0 control but newline (and CR when crlf), no DEL,
 * no C1 and no bidirectional override; ESC only as colour when sgr. */
static void
assert_clean(const char *s, int sgr, int crlf)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	while (left > 0) {
		size_t n = utf8_seq_len(p, left);

		if (n == 0)
			fail_msg("invalid UTF-8 at byte %zu",
			    (size_t)(p - (const unsigned char *)s));
		if (n == 1 && *p == 0x1b && sgr) {
			size_t k = 1;

			assert_int_equal(p[k++], '[');
			while (k < left &&
			    ((p[k] >= '0' && p[k] <= '9') || p[k] == ';'))
				k++;
			assert_true(k < left);
			assert_int_equal(p[k], 'm');
			n = k + 1;
		} else if (n == 1) {
			if ((*p < 0x20 && *p != '\n' &&
			        !(crlf && *p == '\r')) ||
			    *p == 0x7f)
				fail_msg("control byte 0x%02x at byte %zu", *p,
				    (size_t)(p - (const unsigned char *)s));
		} else if (n == 2) {
			assert_false(p[0] == 0xc2 && p[1] < 0xa0);
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80) {
			assert_false(p[2] >= 0xaa && p[2] <= 0xae);
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x81) {
			assert_false(p[2] >= 0xa6 && p[2] <= 0xa9);
		}
		p += n;
		left -= n;
	}
}

static size_t
count_of(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* ------------------------------------------------------------------------
 * Text. */

/* Lines within 100 columns (colour not counted), but a TXT record's. */
static void
assert_text_width(const char *out)
{
	const char *line = out;

	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		size_t cols = 0;

		assert_non_null(end); /* every line ends */
		for (const char *p = line; p < end; p++) {
			if (*p == '\033') {
				while (p < end && *p != 'm')
					p++;
				continue;
			}
			if (((unsigned char)*p & 0xc0) != 0x80)
				cols++;
		}
		if (cols > 100 &&
		    memmem(line, (size_t)(end - line), "v=DMARC1", 8) == NULL)
			fail_msg("line of %zu columns: %.*s", cols,
			    (int)(end - line), line);
		line = end + 1;
	}
}

static void
test_text_properties(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIXTURES; i++) {
		struct digest *d = fixtures[i].make();
		char *plain = render_ok(d, "text");
		char *color = render_ok(d, "color");

		assert_clean(plain, 0, 0);
		assert_clean(color, 1, 0);
		assert_null(strchr(plain, '\033'));
		assert_text_width(plain);
		assert_text_width(color);
		free(plain);
		free(color);
		digest_free(d);
	}
}

static void
test_text_content(void **state)
{
	struct digest *d = fx_realistic();
	char *out = render_ok(d, "text");

	(void)state;
	assert_non_null(strstr(out,
	    "DMARC report, week: 2026-11-09 to "
	    "2026-11-15 (7 days, UTC)"));
	assert_non_null(strstr(out, "Messages    10182, 96.3% pass DMARC"));
	/* The sentence Markdown writes too (digest_previous_text()): it said
	 * "9650," without "messages" and without its full stop. */
	assert_non_null(strstr(out,
	    "Previous period: 9650 messages, 94.3% pass "
	    "(+532 messages, +2.0 points).\n"));
	/* Aligned: the day rows' numbers end in the same column.  1660 of
	 * 1712 is 96.96...%: a pass rate is rounded down. */
	assert_non_null(strstr(out,
	    "  Mon 2026-11-09      1712    1660  "
	    " 96.9%  "));
	assert_non_null(strstr(out,
	    "  Sat 2026-11-14       802     790  "
	    " 98.5%  "));
	assert_non_null(strstr(out, "and 3 more"));
	assert_non_null(strstr(out, "Mail.Ru went silent"));
	assert_non_null(strstr(out,
	    "Outlook.com        6      3120  ##.#### "
	    "6/7"));
	assert_non_null(strstr(out, "not ready yet"));
	assert_non_null(strstr(out,
	    "  v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:dmarc@example.com\n"));
	assert_non_null(strstr(out,
	    "First period: no reports in the period "
	    "before"));
	assert_non_null(strstr(out,
	    "No reports about this domain this "
	    "period; the period before had 56"));
	assert_non_null(strstr(out,
	    "DNS health: 3 pass, 1 warn, 1 fail, 0 "
	    "dnserror"));
	assert_non_null(strstr(out, "DNS health: not checked"));
	assert_non_null(strstr(out, "Inputs refused during the period (3)"));
	/* The passing finding is counted, not listed. */
	assert_null(strstr(out, "one SPF record"));
	free(out);
	digest_free(d);

	d = fx_empty();
	out = render_ok(d, "text");
	assert_non_null(strstr(out,
	    "No DMARC reports in this period or the "
	    "one before."));
	assert_non_null(strstr(out, "Inputs refused during the period: none"));
	free(out);
	digest_free(d);

	d = fx_nodata();
	out = render_ok(d, "text");
	assert_non_null(strstr(out,
	    "No reports about this domain in this "
	    "period or the one before."));
	assert_non_null(strstr(out, "none reported yet"));
	assert_null(strstr(out, "Day by day"));
	assert_null(strstr(out, "Reporters"));
	free(out);
	digest_free(d);

	d = fx_first();
	out = render_ok(d, "text");
	assert_non_null(strstr(out, "First period"));
	/* Nothing can have stopped sending in a first period. */
	assert_null(strstr(out, "stopped sending"));
	free(out);
	digest_free(d);
}

static void
test_text_hostile(void **state)
{
	struct digest *d = fx_hostile();
	char *out = render_ok(d, "text");

	(void)state;
	/* The escape sequences' letters remain, their ESC does not. */
	assert_non_null(strstr(out, "?]0;owned??[2J?[31mred?31m"));
	/* 300 code points of a name are cut to the column with "...". */
	assert_non_null(strstr(out, "\xc3\xa9..."));
	assert_null(strstr(out, "\xe2\x80\xae"));
	/* A cause this build does not know is shown, not explained. */
	assert_non_null(strstr(out, "made_up_cause"));
	free(out);
	digest_free(d);
}

/* ------------------------------------------------------------------------
 * Markdown. */

/* Cells of a GFM table row, split as cmark-gfm does: a pipe is a
 * delimiter unless the byte before it is a backslash (its cell scanner
 * takes the longest match, so backslash parity does not matter). */
static size_t
md_cells(const char *line, size_t len)
{
	size_t pipes = 0;

	for (size_t i = 0; i < len; i++)
		pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
	return pipes - 1;
}

/* Outside fences, every backtick run that is not escaped opens a code
 * span that a run of the same length closes on the same line. */
static void
assert_md_spans(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = 0, j;

		if (line[i] == '\\') {
			i += 2;
			continue;
		}
		if (line[i] != '`') {
			i++;
			continue;
		}
		while (i + n < len && line[i + n] == '`')
			n++;
		for (j = i + n; j < len;) {
			size_t m = 0;

			while (j + m < len && line[j + m] == '`')
				m++;
			if (m == n)
				break;
			j += m ? m : 1;
		}
		if (j >= len)
			fail_msg("unclosed code span: %.*s", (int)len, line);
		i = j + n;
	}
}

/* Outside code spans and fences, strangers' markup is escaped: no bare
 * < [ ] $ & @ ~ _ (our own prose uses none of them). */
static void
assert_md_escaped(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\\') {
			i++;
		} else if (line[i] == '`') {
			size_t n = 0, j;

			while (i + n < len && line[i + n] == '`')
				n++;
			for (j = i + n; j < len; j++) {
				size_t m = 0;

				while (j + m < len && line[j + m] == '`')
					m++;
				if (m == n)
					break;
				if (m > 0)
					j += m - 1;
			}
			i = j + n - 1;
		} else if (strchr("<[]$&@~_", line[i]) != NULL) {
			fail_msg("bare '%c' in: %.*s", line[i], (int)len, line);
		}
	}
}

static void
assert_markdown(const char *out, const struct digest *d)
{
	const char *line = out;
	size_t table_cols = 0, table_rows = 0, fence = 0;
	int in_table = 0;
	size_t record = 0;

	(void)d;
	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len;

		assert_non_null(end);
		len = (size_t)(end - line);
		if (fence > 0) {
			/* Inside a fence: the record line, then the fence. */
			size_t n = 0;

			while (n < len && line[n] == '`')
				n++;
			if (n == len && n >= fence) {
				assert_int_equal(n, fence);
				fence = 0;
			} else {
				/* Nothing inside may close it. */
				for (size_t i = 0; i < len;) {
					size_t m = 0;

					while (
					    i + m < len && line[i + m] == '`')
						m++;
					assert_true(m < fence);
					i += m ? m : 1;
				}
				record++;
			}
			line = end + 1;
			continue;
		}
		if (len >= 3 && strspn(line, "`") == len) {
			fence = len;
			line = end + 1;
			continue;
		}
		if (len > 0 && line[0] == '|') {
			size_t cells = md_cells(line, len);

			if (!in_table) {
				in_table = 1;
				table_cols = cells;
				table_rows = 0;
			} else {
				assert_int_equal(cells, table_cols);
				table_rows++;
			}
		} else {
			if (in_table)
				assert_true(table_rows >= 2); /* not empty */
			in_table = 0;
		}
		if (len > 0 && line[0] == '#')
			assert_true(
			    strncmp(line, "# DMARC report, ", 16) == 0 ||
			    strncmp(line, "## ", 3) == 0 ||
			    strncmp(line, "### ", 4) == 0);
		assert_md_spans(line, len);
		assert_md_escaped(line, len);
		line = end + 1;
	}
	assert_int_equal(fence, 0);
	if (in_table)
		assert_true(table_rows >= 2);
	(void)record;
}

static void
test_markdown_properties(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIXTURES; i++) {
		struct digest *d = fixtures[i].make();
		char *out = render_ok(d, "markdown");

		assert_clean(out, 0, 0);
		assert_markdown(out, d);
		free(out);
		digest_free(d);
	}
}

static void
test_markdown_content(void **state)
{
	struct digest *d = fx_hostile();
	char *out = render_ok(d, "markdown");
	char rec[700];

	(void)state;
	/* The record whole (made printable) inside a fence longer than its
	 * longest backtick run. */
	text_printable(d->domains[0].readiness.next_record, rec, sizeof(rec));
	assert_non_null(strstr(out, "\n````\n"));
	assert_non_null(strstr(out, rec));
	/* A pipe in a code span inside a table is escaped. */
	assert_non_null(strstr(out, "| `` `\\|` `` |"));
	/* Backticks at the ends of a span are padded off its fence. */
	assert_non_null(strstr(out, "| ``` `` ``` |"));
	assert_non_null(strstr(out, "| `` `no_auth` `` |"));
	/* The hostile heading's '#' and markup are escaped. */
	assert_non_null(strstr(out, "\n## \\#\\| a \\| \\`b\\`"));
	free(out);
	digest_free(d);

	d = fx_realistic();
	out = render_ok(d, "markdown");
	assert_non_null(strstr(out,
	    "| `192.0.2.25` | legitimate | SendGrid "
	    "| `o1.ptr2410.sendgrid.net` | 4210 | 149 "
	    "| `spf_unaligned` |"));
	assert_non_null(strstr(out,
	    "| `Outlook.com` | 6 | 3120 | "
	    "\xe2\x96\xa0\xe2\x96\xa0\xe2\x96\xa1"));
	assert_non_null(strstr(out,
	    "```\nv=DMARC1; p=reject; t=y; pct=0; "
	    "rua=mailto:reports@example.org\n```\n"));
	assert_non_null(strstr(out, "First period"));
	assert_non_null(strstr(out, "and 3 more."));
	free(out);
	digest_free(d);
}

/* ------------------------------------------------------------------------
 * JSON: a validator (RFC 8259), strict about what we write. */

struct jp {
	const char *s;
	size_t i, len;
	int depth;
};

static int jvalue(struct jp *p);

static void
jws(struct jp *p)
{
	while (p->i < p->len && strchr(" \t\r\n", p->s[p->i]) != NULL)
		p->i++;
}

static int
jlit(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if (p->len - p->i < n || memcmp(p->s + p->i, w, n) != 0)
		return -1;
	p->i += n;
	return 0;
}

static int
jstring(struct jp *p)
{
	if (p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->len) {
		unsigned char c = (unsigned char)p->s[p->i];
		size_t n;

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			char e = p->i + 1 < p->len ? p->s[p->i + 1] : 0;

			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (p->i + (size_t)k >= p->len ||
					    strchr("0123456789abcdefABCDEF",
					        p->s[p->i + k]) == NULL)
						return -1;
				p->i += 6;
			} else if (e != 0 && strchr("\"\\/bfnrt", e) != NULL) {
				p->i += 2;
			} else {
				return -1;
			}
			continue;
		}
		n = utf8_seq_len(
		    (const unsigned char *)p->s + p->i, p->len - p->i);
		if (n == 0)
			return -1;
		p->i += n;
	}
	return -1;
}

static int
jnumber(struct jp *p)
{
	size_t start = p->i;

	if (p->s[p->i] == '-')
		p->i++;
	if (p->i < p->len && p->s[p->i] == '0')
		p->i++;
	else if (p->i < p->len && p->s[p->i] >= '1' && p->s[p->i] <= '9')
		while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	else
		return -1;
	if (p->i < p->len && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->len || p->s[p->i] < '0' || p->s[p->i] > '9')
			return -1;
		while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	return p->i > start ? 0 : -1;
}

static int
jcontainer(struct jp *p, char close, int object)
{
	p->i++;
	if (++p->depth > 64)
		return -1;
	jws(p);
	if (p->i < p->len && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		jws(p);
		if (object) {
			if (p->i >= p->len || jstring(p) < 0)
				return -1;
			jws(p);
			if (p->i >= p->len || p->s[p->i++] != ':')
				return -1;
		}
		if (jvalue(p) < 0)
			return -1;
		jws(p);
		if (p->i >= p->len)
			return -1;
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i++] != close)
			return -1;
		p->depth--;
		return 0;
	}
}

static int
jvalue(struct jp *p)
{
	jws(p);
	if (p->i >= p->len)
		return -1;
	switch (p->s[p->i]) {
	case '{':
		return jcontainer(p, '}', 1);
	case '[':
		return jcontainer(p, ']', 0);
	case '"':
		return jstring(p);
	case 't':
		return jlit(p, "true");
	case 'f':
		return jlit(p, "false");
	case 'n':
		return jlit(p, "null");
	}
	return jnumber(p);
}

static void
assert_json(const char *out)
{
	struct jp p = {out, 0, strlen(out), 0};

	assert_int_equal(jvalue(&p), 0);
	jws(&p);
	assert_int_equal(p.i, p.len);
	/* One document, one line. */
	assert_int_equal(count_of(out, "\n"), 1);
}

static void
test_json_validator(void **state)
{
	static const char *const bad[] = {"{", "{\"a\":}", "[1,]", "\"\x01\"",
	    "\"\xff\"", "01", "{\"a\" 1}", "[1]x", "\"\\x\"", "tru"};

	(void)state;
	/* The validator refuses what it must, or the checks prove
	 * nothing. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jp p = {bad[i], 0, strlen(bad[i]), 0};
		int rc = jvalue(&p);

		jws(&p);
		assert_true(rc < 0 || p.i != p.len);
	}
}

static void
test_json(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIXTURES; i++) {
		struct digest *d = fixtures[i].make();
		char *out = render_ok(d, "json");

		assert_json(out);
		assert_non_null(strstr(out, "{\"period\":{\"name\":"));
		assert_non_null(strstr(out, "\"refused\":{\"inputs\":["));
		free(out);
		digest_free(d);
	}
}

static void
test_json_content(void **state)
{
	struct digest *d = fx_hostile();
	char *out = render_ok(d, "json");

	(void)state;
	/* uint64 exactly, never through a double. */
	assert_non_null(strstr(out, "\"messages\":18446744073709551615,"));
	assert_non_null(strstr(out,
	    "\"previous\":{\"messages\":"
	    "18446744073709551615,\"passed\":1,"));
	/* Escapes, and U+FFFD for bytes that are not UTF-8. */
	assert_non_null(strstr(out, "\\u001b]0;owned\\u0007"));
	assert_non_null(strstr(out, "\\ufffd\\ufffd\\ufffd("));
	assert_non_null(strstr(out, "a,b\\\"c\\u000d\\u000ad"));
	/* Unknown times are null; a cause this build does not know has no
	 * words. */
	assert_non_null(strstr(out,
	    "\"cause\":\"made_up_cause\","
	    "\"cause_text\":null,\"fix\":null"));
	assert_non_null(strstr(out, "\"first_seen\":null,\"last_seen\":null"));
	assert_non_null(strstr(out, "\"input\":9223372036854775807,"));
	assert_non_null(strstr(out, "\"input\":-1,"));
	free(out);
	digest_free(d);

	d = fx_first();
	out = render_ok(d, "json");
	assert_non_null(strstr(out, "\"previous\":null"));
	assert_non_null(strstr(out, "\"dns\":null"));
	free(out);
	digest_free(d);

	d = fx_nodata();
	out = render_ok(d, "json");
	assert_non_null(strstr(out, "\"pass_rate\":null"));
	assert_non_null(strstr(out, "\"policy\":null"));
	assert_non_null(strstr(out, "\"next_record\":null"));
	free(out);
	digest_free(d);

	d = fx_empty();
	out = render_ok(d, "json");
	assert_string_equal(out,
	    "{\"period\":{\"name\":\"week\",\"since\":\"2026-11-09T00:00:00Z\","
	    "\"until\":\"2026-11-16T00:00:00Z\",\"previous_since\":"
	    "\"2026-11-02T00:00:00Z\"},\"generated_at\":"
	    "\"2026-11-16T06:15:00Z\",\"domains\":[],\"refused\":"
	    "{\"inputs\":[],\"more\":0},\"foreign\":{\"domains\":[],"
	    "\"more\":0,\"messages\":0}}\n");
	free(out);
	digest_free(d);
}

/* The colours of a DNS finding's status and of a readiness reason's mark
 * are present.h's, as check and advise show them (the text digest had its
 * own: plain red for fail, dnserror and a blocking reason). */
static void
test_text_colours(void **state)
{
	struct digest *d = fx_hostile();
	char *out = render_ok(d, "color");
	char want[64];

	(void)state;
	snprintf(
	    want, sizeof(want), "%sfail ", present_status_ansi(DNSCHECK_FAIL));
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%sdnserror",
	    present_status_ansi(DNSCHECK_DNSERROR));
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%sno ", present_met_ansi(0));
	assert_non_null(strstr(out, want));
	free(out);
	digest_free(d);
}

/* A source whose cause is "none" failed nothing: no words and no fix, as
 * `sources --json` and source_fix() say (source_json.c; the summary
 * gave the words of "none", "passes DMARC", and no fix). */
static void
test_json_cause_none(void **state)
{
	struct digest *d = fx_new("week", FX_SINCE, 7);
	struct digest_domain *dd = fx_domain(d, "new.example");
	char *out;

	(void)state;
	fx_source(&dd->new_sources, "192.0.2.1", SOURCE_LEGITIMATE, NULL,
	    "mail.new.example", 55, 55, "none", FX_SINCE, FX_SINCE);
	out = render_ok(d, "json");
	assert_non_null(strstr(
	    out, "\"cause\":\"none\",\"cause_text\":null,\"fix\":null,"));
	free(out);
	digest_free(d);
}

/* ------------------------------------------------------------------------
 * CSV: an RFC 4180 reader, and the rows the struct says. */

struct csv {
	char ***rows; /* each a NULL-terminated array of fields */
	size_t n;
};

static void
csv_free(struct csv *c)
{
	for (size_t r = 0; r < c->n; r++) {
		for (char **f = c->rows[r]; *f != NULL; f++)
			free(*f);
		free(c->rows[r]);
	}
	free(c->rows);
}

/* Strict: every record ends with CRLF, quotes only around whole fields,
 * nothing after a closing quote but a separator. */
static void
csv_read(const char *s, struct csv *c)
{
	memset(c, 0, sizeof(*c));
	while (*s != '\0') {
		char **row = NULL;
		size_t nf = 0;

		for (;;) {
			char *f = xmalloc(strlen(s) + 1);
			size_t o = 0;

			if (*s == '"') {
				for (s++;; s++) {
					assert_true(*s != '\0');
					if (*s == '"' && s[1] == '"') {
						f[o++] = '"';
						s++;
					} else if (*s == '"') {
						s++;
						break;
					} else {
						f[o++] = *s;
					}
				}
			} else {
				while (*s != ',' && *s != '\r' && *s != '\0') {
					assert_true(*s != '"' && *s != '\n');
					f[o++] = *s++;
				}
			}
			f[o] = '\0';
			row = xrealloc(row, (nf + 2) * sizeof(*row));
			row[nf++] = f;
			row[nf] = NULL;
			if (*s == ',') {
				s++;
				continue;
			}
			assert_true(s[0] == '\r' && s[1] == '\n');
			s += 2;
			break;
		}
		c->rows = xrealloc(c->rows, (c->n + 1) * sizeof(*c->rows));
		c->rows[c->n++] = row;
	}
}

static size_t
nfields(char **row)
{
	size_t n = 0;

	while (row[n] != NULL)
		n++;
	return n;
}

/* What a text cell must read back as. */
static void
expect_text(const char *got, const char *orig)
{
	char buf[4096];

	if (orig == NULL) {
		assert_string_equal(got, "");
		return;
	}
	text_printable(orig, buf, sizeof(buf));
	if (buf[0] != '\0' && strchr("=+-@\t\r", buf[0]) != NULL) {
		assert_int_equal(got[0], '\'');
		got++;
	}
	assert_string_equal(got, buf);
}

static void
expect_u64(const char *got, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	assert_string_equal(got, buf);
}

static void
expect_time(const char *got, int64_t t)
{
	char buf[32] = "";
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > 0 && t <= INT64_C(253402300799) && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	assert_string_equal(got, buf);
}

static char **
next_row(struct csv *c, size_t *r, size_t cols)
{
	assert_true(*r < c->n);
	assert_int_equal(nfields(c->rows[*r]), cols);
	return c->rows[(*r)++];
}

static void
check_csv_days(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		for (size_t j = 0; j < dd->ndays; j++) {
			char **f = next_row(c, &r, 6);
			const struct digest_day *day = &dd->days[j];
			char rate[32] = "", when[CLOCK_TEXT_LEN];

			expect_text(f[0], dd->domain);
			assert_int_equal(clock_text(day->day, CLOCK_FORM_DAY,
			                     when, sizeof(when)),
			    0);
			assert_string_equal(f[1], when);
			expect_u64(f[2], day->messages);
			expect_u64(f[3], day->passed);
			expect_u64(f[4], day->messages - day->passed);
			/* The digits of every other format (percent.h,
			 * tested on its own); empty without mail. */
			if (percent_text(day->passed, day->messages, rate,
			        sizeof(rate)) < 0)
				rate[0] = '\0';
			assert_string_equal(f[5], rate);
		}
	}
	assert_int_equal(r, c->n);
}

/* One row of the sources table: an address with its own counts, and the
 * name of the sender it belongs to. */
static void
check_csv_source(char **f, const char *domain, const char *list,
    const struct source *s, const char *sender)
{
	expect_text(f[0], domain);
	assert_string_equal(f[1], list);
	expect_text(f[2], s->ip);
	assert_string_equal(f[3], source_class_name(s->cls));
	expect_text(f[4], s->service);
	expect_text(f[5], s->ptr);
	expect_u64(f[6], s->messages);
	expect_u64(f[7], s->passed);
	expect_u64(f[8], s->failed);
	expect_text(f[9], s->cause);
	expect_time(f[10], s->first_seen);
	expect_time(f[11], s->last_seen);
	expect_text(f[12], sender);
}

static void
check_csv_list(struct csv *c, size_t *r, const char *domain, const char *list,
    const struct digest_sources *l)
{
	for (size_t k = 0; k < l->n; k++) {
		const struct digest_addresses *a = digest_addresses_of(l, k);
		size_t nrows = a != NULL ? a->n : 1;

		/* A sender of several addresses is a row per address, each
		 * naming the sender. */
		for (size_t m = 0; m < nrows; m++)
			check_csv_source(next_row(c, r, 13), domain, list,
			    a != NULL ? &a->v[m] : &l->v[k],
			    digest_sender_name(&l->v[k]));
	}
}

static void
check_csv_sources(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		check_csv_list(
		    c, &r, dd->domain, "failing_yours", &dd->failing_legit);
		check_csv_list(c, &r, dd->domain, "new", &dd->new_sources);
		check_csv_list(c, &r, dd->domain, "stopped", &dd->stopped);
		check_csv_list(c, &r, dd->domain, "spoofing", &dd->spoofing);
	}
	assert_int_equal(r, c->n);
}

static void
check_csv_reporters(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct digest_domain *dd = &d->domains[i];

		for (size_t k = 0; k < dd->nreporters; k++) {
			const struct digest_reporter *rep = &dd->reporters[k];
			char **f = next_row(c, &r, 6);

			expect_text(f[0], dd->domain);
			expect_text(f[1], rep->name);
			expect_u64(f[2], rep->reports);
			expect_u64(f[3], rep->messages);
			expect_u64(f[4], (uint64_t)rep->ndays_covered);
			assert_string_equal(f[5], rep->silent ? "1" : "0");
		}
	}
	assert_int_equal(r, c->n);
}

static void
check_csv_refused(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->nrefused; i++) {
		const struct digest_refused *x = &d->refused[i];
		char **f = next_row(c, &r, 4);
		char buf[24];

		snprintf(buf, sizeof(buf), "%" PRId64, x->input);
		assert_string_equal(f[0], buf);
		expect_text(f[1], x->source_name);
		expect_time(f[2], x->received_at);
		expect_text(f[3], x->reason);
	}
	assert_int_equal(r, c->n);
}

/* The days with TLS reports, as the summary has them. */
static void
check_csv_tls(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct tls_summary *s = d->domains[i].tls;

		for (size_t k = 0; s != NULL && k < s->n_days; k++) {
			const struct tls_day *day = &s->days[k];
			char **f = next_row(c, &r, 6), rate[32] = "";

			expect_text(f[0], d->domains[i].domain);
			assert_string_equal(f[1], day->day);
			expect_u64(f[2], day->successful + day->failed);
			expect_u64(f[3], day->successful);
			expect_u64(f[4], day->failed);
			if (percent_text(day->successful,
			        day->successful + day->failed, rate,
			        sizeof(rate)) < 0)
				rate[0] = '\0';
			assert_string_equal(f[5], rate);
		}
	}
	assert_int_equal(r, c->n);
}

/* Each result type with its words and fix (tls_render.h). */
static void
check_csv_tls_failures(const struct digest *d, struct csv *c)
{
	size_t r = 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct tls_summary *s = d->domains[i].tls;

		for (size_t k = 0; s != NULL && k < s->n_types; k++) {
			const struct tls_type *t = &s->types[k];
			char **f = next_row(c, &r, 6);

			expect_text(f[0], d->domains[i].domain);
			expect_text(f[1], t->type);
			expect_u64(f[2], t->failed);
			expect_u64(f[3], t->mxs);
			expect_text(f[4], tls_type_text(t->type));
			expect_text(f[5], tls_type_fix(t->type));
		}
	}
	assert_int_equal(r, c->n);
}

static void
test_csv(void **state)
{
	static const struct {
		const char *table, *header;
		void (*check)(const struct digest *, struct csv *);
	} tables[] = {
	    {"days", "domain,day,messages,passed,failed,pass_rate",
	        check_csv_days},
	    {"sources",
	        "domain,list,ip,class,service,ptr,messages,passed,failed,"
	        "cause,first_seen,last_seen,sender",
	        check_csv_sources},
	    {"reporters",
	        "domain,reporter,reports,messages,days_covered,silent",
	        check_csv_reporters},
	    {"refused", "input,source_name,received_at,reason",
	        check_csv_refused},
	    {"tls", "domain,day,sessions,successful,failed,success_rate",
	        check_csv_tls},
	    {"tls_failures", "domain,result_type,failed,mx_hosts,text,fix",
	        check_csv_tls_failures},
	};
	const size_t ntables = sizeof(tables) / sizeof(tables[0]);

	(void)state;
	/* The list the command offers is the list the renderer knows. */
	for (size_t t = 0; t < ntables; t++)
		assert_string_equal(digest_csv_tables[t], tables[t].table);
	assert_null(digest_csv_tables[ntables]);

	for (size_t i = 0; i < NFIXTURES; i++) {
		struct digest *d = fixtures[i].make();

		for (size_t t = 0; t < ntables; t++) {
			char fmt[32], *out;
			struct csv c;

			snprintf(fmt, sizeof(fmt), "csv:%s", tables[t].table);
			out = render_ok(d, fmt);
			assert_clean(out, 0, 1);
			csv_read(out, &c);
			assert_true(c.n >= 1);
			assert_true(strncmp(out, tables[t].header,
			                strlen(tables[t].header)) == 0);
			assert_int_equal(out[strlen(tables[t].header)], '\r');
			tables[t].check(d, &c);
			csv_free(&c);
			free(out);
		}
		digest_free(d);
	}
}

static void
test_csv_hostile(void **state)
{
	struct digest *d = fx_hostile();
	char *out = render_ok(d, "csv:sources");

	(void)state;
	/* Formulas are defused; commas and quotes are quoted. */
	assert_non_null(strstr(out, ",failing_yours,'=1+2,legitimate,"));
	assert_non_null(strstr(out, ",new,'@SUM(A1),unknown,\"a,b\"\"c??d\","));
	assert_non_null(strstr(out, ",stopped,'-cmd,forwarder,?Tab,?CR,"));
	assert_non_null(strstr(out, ",spoofing,'+x,spoofing,`,``,"));
	free(out);
	out = render_ok(d, "csv:refused");
	assert_non_null(strstr(out, "=HYPERLINK(\"\"x\"\")\"\r\n"));
	free(out);
	digest_free(d);
}

static void
test_csv_unknown_table(void **state)
{
	struct digest *d = fx_realistic();
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	errno = 0;
	assert_int_equal(digest_csv(fp, d, "nope"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(digest_csv(fp, d, NULL), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(digest_csv(fp, d, "Days"), -1);
	assert_int_equal(errno, EINVAL);
	fclose(fp);
	assert_int_equal(len, 0); /* nothing written */
	free(buf);
	digest_free(d);
}

/* A full disk: each format says so. */
/* One rule for percentages (common/percent.h), the same digits in every
 * format: 9,996 of 10,000 is 99.9, never 100.0; 99.5 the period before,
 * +0.4 points. */
static void
test_same_digits(void **state)
{
	static const struct {
		const char *format;
		const char *want[3];
	} cases[] = {
	    {"text",
	        {"Messages    10000, 99.9% pass DMARC",
	            "10000 messages, 99.5% pass (+0 messages, +0.4 points).",
	            " 99.9%  "}},
	    {"markdown",
	        {"**10000 messages, 99.9% pass DMARC.**",
	            "10000 messages, 99.5% pass (+0 messages, +0.4 points)",
	            "| 4 | 99.9% |"}},
	    {"json",
	        {"\"messages\":10000,\"passed\":9996,\"pass_rate\":99.9,",
	            "\"previous\":{\"messages\":10000,\"passed\":9950,"
	            "\"pass_rate\":99.5}"}},
	    {"csv:days", {",2026-11-09,10000,9996,4,99.9\r\n"}},
	};
	struct digest *d = fx_almost();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = render_ok(d, cases[i].format);

		for (size_t j = 0; j < 3 && cases[i].want[j] != NULL; j++)
			if (strstr(out, cases[i].want[j]) == NULL)
				fail_msg("%s lacks \"%s\":\n%s",
				    cases[i].format, cases[i].want[j], out);
		if (strstr(out, "100.0") != NULL)
			fail_msg("%s shows 100.0:\n%s", cases[i].format, out);
		free(out);
	}
	digest_free(d);
}

/* ------------------------------------------------------------------------
 * The verdict after a step, in every format, as advise gives it. */

/* The part of out from the first from to the next to (NULL: the end); the
 * caller's. */
static char *
part(const char *out, const char *from, const char *to)
{
	const char *a = strstr(out, from), *b;

	if (a == NULL)
		fail_msg("no \"%s\" in the output", from);
	b = to != NULL ? strstr(a + strlen(from), to) : NULL;
	return xstrndup(a, b != NULL ? (size_t)(b - a) : strlen(a));
}

static void
has(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("lacks \"%s\" in:\n%s", want, s);
}

static void
hasnt(const char *s, const char *want)
{
	if (strstr(s, want) != NULL)
		fail_msg("has \"%s\" in:\n%s", want, s);
}

/* Each format's words for the three domains of fx_steps(), the domain
 * headings that split them, and what must not be said. */
struct verdict_words {
	const char *format, *pre, *post; /* around a domain's heading */
	const char *ahead[4], *reject[3], *back[3];
	const char *never_reject, *never_back;
};

static void
test_step_verdicts(void **state)
{
	static const char rb[] =
	    "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:YOUR-ADDRESS";
	static const struct verdict_words w[] = {
	    {"text", "", "\n=",
	        {"Published   p=quarantine (step 2 of 4) in DNS now; "
	         "receivers report p=none",
	            "step 2 of 4 (p=quarantine); next step 3",
	            "WAIT: not every receiver shows the published policy",
	            "not yet by google.com"},
	        {"step 4 of 4 (p=reject)", "ROLL BACK",
	            "Roll back, to publish now at _dmarc.reject.example:\n  "
	            "v=DMARC1; p=quarantine; t=y; pct=0;"},
	        {"ROLL BACK",
	            "Roll back, to publish now at "
	            "_dmarc.back.example:\n  v=DMARC1; "
	            "p=quarantine; t=y; pct=0;",
	            "not yet by yahoo.com"},
	        "at the last step", "to publish when ready"},
	    {"markdown", "## ", "",
	        {"Published in DNS now: `p=quarantine` (step 2 of 4); "
	         "receivers report `p=none`",
	            "step 2 of 4 (`p=quarantine`); next step 3",
	            "**WAIT**: not every receiver shows the published policy",
	            "not yet by google.com"},
	        {"step 4 of 4 (`p=reject`)", "**ROLL BACK**",
	            "Roll back, to publish now at `_dmarc.reject.example`"},
	        {"**ROLL BACK**",
	            "Roll back, to publish now at `_dmarc.back.example`",
	            "not yet by yahoo.com"},
	        "at the last step", "to publish when ready"},
	    {"html", "", "</h2>",
	        {"Published in DNS now: <b style=\"font-family:",
	            ">p=quarantine</b>. Step 2 of 4.",
	            "Wait: not every receiver shows the published policy",
	            "not yet by google.com"},
	        {"Roll back:", "Roll back now: publish this TXT record at",
	            "v=DMARC1; p=quarantine; t=y; pct=0;"},
	        {"Roll back:", "Roll back now: publish this TXT record at",
	            "not yet by yahoo.com"},
	        "At the last step", "When the conditions are met"},
	};
	struct digest *d = fx_steps();

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char *out = render_ok(d, w[i].format);
		char h[3][64], *ahead, *reject, *back;

		for (size_t k = 0; k < 3; k++)
			snprintf(h[k], sizeof(h[k]), "%s%s%s", w[i].pre,
			    k == 0       ? "ahead.example"
			        : k == 1 ? "reject.example"
			                 : "back.example",
			    w[i].post);
		ahead = part(out, h[0], h[1]);
		reject = part(out, h[1], h[2]);
		back = part(out, h[2], NULL);

		for (size_t k = 0; k < 4; k++)
			has(ahead, w[i].ahead[k]);
		for (size_t k = 0; k < 3; k++) {
			has(reject, w[i].reject[k]);
			has(back, w[i].back[k]);
		}
		/* The step's own policy, never the reported one, with its
		 * number. */
		hasnt(ahead, "step 2 of 4 (p=none)");
		hasnt(ahead, "step 2 of 4 (`p=none`)");
		hasnt(reject, w[i].never_reject);
		hasnt(back, w[i].never_back);
		hasnt(back, "next step 3");
		free(ahead);
		free(reject);
		free(back);
		free(out);
	}
	{
		char *out = render_ok(d, "json");

		has(out,
		    "\"verdict\":\"wait\",\"waiting\":true,"
		    "\"published\":{\"policy\":\"p=quarantine\","
		    "\"step\":2,\"differs\":true},\"rollback_step\":null");
		has(out,
		    "\"verdict\":\"roll_back\",\"waiting\":false,"
		    "\"published\":null,\"rollback_step\":1,"
		    "\"rollback_record\":\"");
		has(out, rb);
		has(out, "\"verdict\":\"roll_back\",\"waiting\":true,");
		free(out);
	}
	digest_free(d);
}

/* A domain without mail in the period says where its reports are in the
 * body of every format, not only on stderr (issue 12 item 10). */
/* ------------------------------------------------------------------------
 * SMTP TLS and failure reports: shown for the domain that has them, with
 * the numbers `dmarcsift tls` gives; nothing, not even a heading, for the
 * others. */

static void
test_tls_section(void **state)
{
	static const struct {
		const char *format, *tls, *failures, *next;
	} cases[] = {
	    /* example.com (tests/db/test_tls.sh's numbers): 1400 of 1520
	     * sessions, 92.1% rounded down. */
	    {"text", "SMTP TLS: 1520 sessions, 92.1% succeeded",
	        "3 DMARC failure reports (latest 2026-11-13); samples: "
	        "`dmarcsift sources --domain example.com`",
	        "\nexample.org\n"},
	    {"markdown", "### SMTP TLS: 1520 sessions, 92.1% succeeded",
	        "3 DMARC failure reports (latest 2026-11-13); samples: "
	        "`dmarcsift sources --domain example.com`",
	        "\n## example.org\n"},
	    {"json",
	        "\"tls\":{\"domain\":\"example.com\",\"since\":\"2026-11-09T00:"
	        "00:00Z\",\"until\":\"2026-11-16T00:00:00Z\",\"days\":7,"
	        "\"reports\":2,\"sessions\":1520,\"successful\":1400,"
	        "\"failed\":120,\"success_rate\":92.1,",
	        "\"failure_reports\":{\"reports\":3,\"latest_day\":"
	        "\"2026-11-13\"}",
	        "{\"domain\":\"example.org\""},
	};
	struct digest *d = fx_realistic(), *first = fx_first();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = render_ok(d, cases[i].format);
		char *com = part(out, "example.com", cases[i].next);
		char *rest = part(out, cases[i].next, NULL);

		has(com, cases[i].tls);
		has(com, cases[i].failures);
		/* The other domains have neither. */
		hasnt(rest, "SMTP TLS");
		hasnt(rest, "failure report");
		if (strcmp(cases[i].format, "json") == 0) {
			has(rest, "\"failure_reports\":null,\"tls\":null}");
			hasnt(rest, "\"tls\":{");
		}
		free(com);
		free(rest);
		free(out);
		out = render_ok(first, cases[i].format);
		hasnt(out, "SMTP TLS");
		hasnt(out, "failure report");
		free(out);
	}
	/* The fix is the one `tls` gives, with its words. */
	{
		char *out = render_ok(d, "text");

		has(out,
		    "certificate-expired: 23 failed sessions, the MX's "
		    "certificate has expired");
		has(out, tls_type_fix("certificate-expired"));
		has(out, "mx2.example.com      30");
		free(out);
	}
	digest_free(first);
	digest_free(d);
}

static void
test_empty_period_hint(void **state)
{
	static const char *const want[][2] = {
	    {"text",
	        "The latest report about this domain ends 2026-11-08: "
	        "try --until 2026-11-09."},
	    {"markdown",
	        "The latest report about this domain ends "
	        "2026-11-08: try `--until 2026-11-09`."},
	    {"html",
	        "The latest report about this domain ends 2026-11-08: "
	        "try <code>--until 2026-11-09</code>."},
	    {"json",
	        "\"domain\":\"example.net\",\"messages\":0,\"passed\":0,"
	        "\"pass_rate\":null,\"previous\":{\"messages\":56,"
	        "\"passed\":50,\"pass_rate\":89.2},\"latest_day\":"
	        "\"2026-11-08\",\"try_until\":\"2026-11-09\","
	        "\"earliest_day\":null"},
	};
	struct digest *d = fx_realistic();

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *out = render_ok(d, want[i][0]);

		has(out, want[i][1]);
		free(out);
	}
	digest_free(d);
}

static void
test_write_failure(void **state)
{
	static const char *const formats[] = {
	    "text", "color", "markdown", "json", "csv:days", "csv:refused"};
	struct digest *d = fx_realistic();

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		FILE *fp = fopen("/dev/full", "w");
		int rc;

		if (fp == NULL)
			skip();
		errno = 0;
		if (strcmp(formats[i], "text") == 0)
			rc = digest_text(fp, d, 0);
		else if (strcmp(formats[i], "color") == 0)
			rc = digest_text(fp, d, 1);
		else if (strcmp(formats[i], "markdown") == 0)
			rc = digest_markdown(fp, d);
		else if (strcmp(formats[i], "json") == 0)
			rc = digest_json(fp, d);
		else
			rc = digest_csv(fp, d, formats[i] + 4);
		assert_int_equal(rc, -1);
		assert_int_equal(errno, ENOSPC);
		fclose(fp);
	}
	digest_free(d);
}

/* --emit FORMAT FIXTURE: one rendering on stdout. */
static int
emit(const char *format, const char *fx)
{
	struct digest *d = fixture(fx);
	char *out;
	int rc = -1;

	if (d == NULL) {
		fprintf(stderr, "unknown fixture %s\n", fx);
		return 2;
	}
	out = render(d, format, &rc);
	fputs(out, stdout);
	free(out);
	digest_free(d);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden),
	    cmocka_unit_test(test_text_properties),
	    cmocka_unit_test(test_text_content),
	    cmocka_unit_test(test_text_hostile),
	    cmocka_unit_test(test_markdown_properties),
	    cmocka_unit_test(test_markdown_content),
	    cmocka_unit_test(test_json_validator),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_json_content),
	    cmocka_unit_test(test_json_cause_none),
	    cmocka_unit_test(test_text_colours),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_csv_hostile),
	    cmocka_unit_test(test_csv_unknown_table),
	    cmocka_unit_test(test_same_digits),
	    cmocka_unit_test(test_step_verdicts),
	    cmocka_unit_test(test_tls_section),
	    cmocka_unit_test(test_empty_period_hint),
	    cmocka_unit_test(test_write_failure),
	};

	if (argc == 4 && strcmp(argv[1], "--emit") == 0)
		return emit(argv[2], argv[3]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
