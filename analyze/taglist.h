/*
 * taglist: the tag=value lists of DKIM key records (RFC 6376 section 3.2)
 * and DMARC records (RFC 7489 section 6.4, RFC 9989), split in one place.
 *
 * The syntax both share: parts separated by ';', a final ';' allowed; a
 * part is name=value with blanks (FWS: space, tab, CR, LF) allowed around
 * the name, the '=' and the value.  A name is a letter, then letters,
 * digits or '_', shorter than TAGLIST_NAME_MAX; a value holds printable
 * ASCII other than ';', and blanks, and may be empty ("p=" revokes a DKIM
 * key).  Empty parts (";;", blanks alone) are skipped: both grammars want
 * a tag there, but records in the wild have them and verifiers pass them.
 *
 * Where the two differ, the caller says:
 *   - case of names: RFC 6376 says tags "MUST be interpreted in a
 *     case-sensitive manner" (K= is not k=); RFC 7489's ABNF strings are
 *     case-insensitive (P= is p=).  TAGLIST_FOLD_CASE lower-cases names.
 *   - a part that is not a tag: a DKIM key record is then invalid, a
 *     DMARC record drops the part and keeps the rest (RFC 7489 6.3).
 *     taglist_next() says why and steps past it; the caller stops or not.
 *   - a repeated name: the whole DKIM tag list is invalid (RFC 6376 3.2);
 *     in DMARC the first one counts.  taglist_find() finds the first.
 *
 * Nothing is allocated: values point into the text, which the caller
 * keeps while it reads them.
 */
#ifndef DMARCSIFT_TAGLIST_H
#define DMARCSIFT_TAGLIST_H

#include <stddef.h>

/* A name's buffer: names are shorter. */
#define TAGLIST_NAME_MAX 16

/* Flags of taglist_init(). */
#define TAGLIST_FOLD_CASE 1 /* names lower-cased: DMARC */

/* One tag.  val is borrowed from the text (not NUL-terminated). */
struct taglist_tag {
	char name[TAGLIST_NAME_MAX]; /* as written, or lower-cased */
	const char *val; /* blanks around it left out */
	size_t vlen;
	size_t pos; /* byte offset of the name in the text */
};

/* Where taglist_next() is in a text: set with taglist_init(). */
struct taglist {
	const char *text;
	size_t len, pos;
	unsigned flags;
};

void taglist_init(
    struct taglist *tl, const char *text, size_t len, unsigned flags);

/*
 * The next part of the text: 1 with the tag in *t; 0 at the end; -1 for a
 * part that is not a tag, with why (whysz bytes) saying so ("'junk' is
 * not name=value", "bad tag name '1p'", "the value of x= holds a control
 * or non-ASCII byte"); the next call goes on after it.
 */
int taglist_next(
    struct taglist *tl, struct taglist_tag *t, char *why, size_t whysz);

/* The first of the n tags named name, or NULL. */
const struct taglist_tag *taglist_find(
    const struct taglist_tag *tags, size_t n, const char *name);

/* 1 when c is FWS as the tag list allows it: space, tab, CR or LF. */
int taglist_is_fws(unsigned char c);

#endif
