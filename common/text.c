#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

size_t
utf8_seq_len(const unsigned char *p, size_t avail)
{
	size_t n, i;
	unsigned int cp;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static int
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
text_trim(char *s, size_t len)
{
	size_t start = 0;

	while (len > 0 && xml_space(s[len - 1]))
		len--;
	while (start < len && xml_space(s[start]))
		start++;
	if (start > 0)
		memmove(s, s + start, len - start);
	len -= start;
	s[len] = '\0';
	return len;
}

int
text_fold_enum(char *s, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strcasecmp(s, *words) == 0) {
			strcpy(s, *words);
			return 1;
		}
	}
	return 0;
}

/*
 * Control characters (C0, DEL, C1: U+0080..U+009F, where U+009B is a CSI
 * that terminals obey), bidirectional marks and overrides (U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069) and the line and paragraph
 * separators (U+2028, U+2029) can rewrite what a terminal or log shows.
 */
int
text_char_printable(const unsigned char *p, size_t n)
{
	if (n == 1)
		return *p >= 0x20 && *p != 0x7f;
	if (n == 2)
		return !(p[0] == 0xc2 && p[1] < 0xa0);
	/* U+200E..F marks, U+2028..9 line and paragraph separators,
	 * U+202A..E embeddings and overrides: they move or break a line. */
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return !(p[2] == 0x8e || p[2] == 0x8f ||
		    (p[2] >= 0xa8 && p[2] <= 0xae));
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return !(p[2] >= 0xa6 && p[2] <= 0xa9);
	return 1;
}

/* What s[0..len) takes once printable: a sequence shown as it is, or the
 * one '?' in its place (through *show, whether to show it). */
static size_t
printable_step(const unsigned char *s, size_t len, size_t *take, int *show)
{
	size_t n = utf8_seq_len(s, len);

	*take = n ? n : 1;
	*show = n > 0 && text_char_printable(s, n);
	return *show ? n : 1;
}

void
text_printable_n(const void *src, size_t len, char *out, size_t outsz)
{
	const unsigned char *s = src;
	size_t i, o = 0, need = 0, take, w;
	int show;

	if (outsz == 0)
		return;
	/* Measured first, so that only text that does not fit is cut. */
	for (i = 0; i < len; i += take)
		need += printable_step(s + i, len - i, &take, &show);
	for (i = 0; i < len; i += take) {
		w = printable_step(s + i, len - i, &take, &show);
		/* Once cutting, each sequence kept leaves room for "...". */
		if (need >= outsz && o + w + 4 > outsz) {
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (show)
			memcpy(out + o, s + i, w);
		else
			out[o] = '?';
		o += w;
	}
	out[o] = '\0';
}

int
text_is_printable(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = utf8_seq_len(p + i, len - i);
		if (n == 0 || !text_char_printable(p + i, n))
			return 0;
	}
	return 1;
}

void
text_printable(const char *s, char *out, size_t outsz)
{
	text_printable_n(s, strlen(s), out, outsz);
}

void
text_line_keep(const char *data, size_t size,
    const char *(*pick)(const char *line, size_t len), char *out, size_t outsz)
{
	const char *p = data, *end = data + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *t;

		if (e > p && e[-1] == '\r')
			e--;
		t = pick(p, (size_t)(e - p));
		if (t != NULL)
			text_printable_n(t, (size_t)(e - t), out, outsz);
		p = nl ? nl + 1 : end;
	}
}

void
text_utf8_cut(char *s)
{
	size_t len = strlen(s), start = len;

	/* Back over at most three continuation bytes to the lead byte. */
	while (start > 0 && len - start < 4 &&
	    ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0 || len - start >= 4)
		return;
	start--;
	if ((unsigned char)s[start] < 0x80)
		return; /* ASCII last: nothing cut */
	if (utf8_seq_len((const unsigned char *)s + start, len - start) == 0)
		s[start] = '\0';
}

long
text_list_next(const char **p, char *item, size_t size)
{
	const char *s = *p, *end;
	size_t len;

	for (;;) {
		if (*s == '\0') {
			*p = s;
			return -1;
		}
		end = s + strcspn(s, ",");
		while (s < end && isspace((unsigned char)*s))
			s++;
		len = (size_t)(end - s);
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (len > 0)
			break;
		s = *end == ',' ? end + 1 : end;
	}
	if (size > 0)
		snprintf(
		    item, size, "%.*s", (int)(len < size ? len : size - 1), s);
	*p = *end == ',' ? end + 1 : end;
	return (long)len;
}

size_t
text_distance(const char *a, const char *b, int nocase)
{
	size_t la = strnlen(a, 63), lb = strnlen(b, 63);
	size_t row[64], prev, tmp;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int same = nocase ? tolower((unsigned char)a[i - 1]) ==
			        tolower((unsigned char)b[j - 1])
			                  : a[i - 1] == b[j - 1];

			tmp = row[j];
			row[j] = prev + !same;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}
