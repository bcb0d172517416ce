/* taglist: DKIM and DMARC tag lists; see taglist.h. */
#include "taglist.h"

#include <stdio.h>
#include <string.h>

int
taglist_is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* In ASCII whatever the locale. */
static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Up to 40 bytes of s, printable ASCII (others as '?'), for why. */
static const char *
shown(const char *s, size_t len, char out[48])
{
	size_t i;

	for (i = 0; i < len && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < len) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

void
taglist_init(struct taglist *tl, const char *text, size_t len, unsigned flags)
{
	tl->text = text;
	tl->len = len;
	tl->pos = 0;
	tl->flags = flags;
}

int
taglist_next(struct taglist *tl, struct taglist_tag *t, char *why, size_t whysz)
{
	const char *text = tl->text;
	char buf[48];

	while (tl->pos < tl->len) {
		size_t start = tl->pos, end, eq, i, ns, ne, vs, ve;
		int ok = 1;

		while (tl->pos < tl->len && text[tl->pos] != ';')
			tl->pos++;
		end = tl->pos;
		if (tl->pos < tl->len)
			tl->pos++;
		while (
		    start < end && taglist_is_fws((unsigned char)text[start]))
			start++;
		while (
		    end > start && taglist_is_fws((unsigned char)text[end - 1]))
			end--;
		if (start == end)
			continue;
		for (eq = start; eq < end && text[eq] != '='; eq++)
			;
		if (eq == end) {
			snprintf(why, whysz, "'%s' is not name=value",
			    shown(text + start, end - start, buf));
			return -1;
		}
		ns = start;
		ne = eq;
		while (ne > ns && taglist_is_fws((unsigned char)text[ne - 1]))
			ne--;
		vs = eq + 1;
		ve = end;
		while (vs < ve && taglist_is_fws((unsigned char)text[vs]))
			vs++;
		if (ne == ns || ne - ns >= TAGLIST_NAME_MAX ||
		    !is_alpha((unsigned char)text[ns]))
			ok = 0;
		for (i = ns; i < ne && ok; i++) {
			unsigned char c = (unsigned char)text[i];

			ok = is_alpha(c) || is_digit(c) || c == '_';
		}
		if (!ok) {
			snprintf(why, whysz, "bad tag name '%s'",
			    shown(text + ns, ne - ns, buf));
			return -1;
		}
		for (i = vs; i < ve && ok; i++) {
			unsigned char c = (unsigned char)text[i];

			ok = (c >= 0x21 && c <= 0x7e) || taglist_is_fws(c);
		}
		if (!ok) {
			snprintf(why, whysz,
			    "the value of %.*s= holds a control or non-ASCII"
			    " byte",
			    (int)(ne - ns), text + ns);
			return -1;
		}
		for (i = 0; i < ne - ns; i++) {
			unsigned char c = (unsigned char)text[ns + i];

			t->name[i] = (char)((tl->flags & TAGLIST_FOLD_CASE) &&
			            c >= 'A' && c <= 'Z'
			        ? c - 'A' + 'a'
			        : c);
		}
		t->name[ne - ns] = '\0';
		t->val = text + vs;
		t->vlen = ve - vs;
		t->pos = ns;
		return 1;
	}
	return 0;
}

const struct taglist_tag *
taglist_find(const struct taglist_tag *tags, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tags[i].name, name) == 0)
			return &tags[i];
	}
	return NULL;
}
