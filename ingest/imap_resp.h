/*
 * imap_resp: reading an IMAP server's answers, over bytes alone.
 *
 * Pure functions over memory: no connection, no libcurl, no logging;
 * imap.c feeds them what it reads and fuzz/fuzz_imap.c what a fuzzer
 * makes.  Every byte from a server is taken as hostile: every length is
 * checked against what arrived, a literal's announced length against the
 * ceiling before a byte of it is kept, numbers against their type.
 *
 * Two layers:
 *  - framing: imap_resp_begin() and imap_resp_feed() split the answer to
 *    one command into its untagged responses (each whole, its literals
 *    inline) and the tagged status line, within a ceiling of bytes;
 *  - parsing: a cursor (struct imap_cur) over one untagged response, and
 *    readers for what imap.c asks of an answer: FETCH items, SEARCH UIDs,
 *    SELECT status (EXISTS, UIDVALIDITY, UIDNEXT), capabilities, LIST,
 *    response codes (COPYUID).  Each returns 0 or a count on input it
 *    cannot read and never reads outside the bytes it was given.
 *
 * Ownership: struct imap_resp owns its buffers (imap_resp_free() releases
 * them).  Pointers into an answer (cursors, FETCH bodies) are borrowed:
 * valid until the next imap_resp_begin() or imap_resp_free().
 */
#ifndef DMARCSIFT_IMAP_RESP_H
#define DMARCSIFT_IMAP_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "dynbuf.h"

#define IMAP_RESP_TEXT_MAX 200 /* status text kept, text_printable() */
#define IMAP_RESP_DATE_MAX 40 /* an INTERNALDATE, as sent */

/* One untagged response: bytes [off, off + len) of data. */
struct imap_span {
	size_t off, len;
};

/* The answer to one command; zero-initialise before first use. */
struct imap_resp {
	/* The untagged responses, as received, within the ceiling given to
	 * imap_resp_begin() (buf.max). */
	struct dynbuf buf;
	struct imap_span *items;
	size_t n, items_cap;
	char status[4]; /* of the tagged line: OK, NO or BAD */
	/* The tagged line's text, printable; after a failed feed, the line
	 * that could not be read. */
	char text[IMAP_RESP_TEXT_MAX + 1];
	/* The text of the last untagged BYE; kept across answers. */
	char bye[IMAP_RESP_TEXT_MAX + 1];
	uint64_t literal; /* after IMAP_RESP_E_LIMIT: the literal's length */
	/* Set after imap_resp_begin() for IDLE: 1 lets one continuation
	 * request ("+ ...") end a feed with IMAP_RESP_CONT; the answer then
	 * goes on (its untagged responses and tagged line) as before. */
	int cont;
	/* Framing state. */
	char tag[16];
	size_t start, line;
	uint64_t lit;
	int first, is_status;
};

/* What imap_resp_feed() returns. */
enum {
	IMAP_RESP_MORE = 0, /* every byte taken; the answer goes on */
	IMAP_RESP_DONE = 1, /* the tagged line was read */
	IMAP_RESP_CONT = 2, /* r->cont: the "+" line was read (and dropped) */
	IMAP_RESP_E_LIMIT = -1, /* over max (a literal: r->literal) */
	IMAP_RESP_E_STATUS = -2, /* tagged, but not OK, NO or BAD */
	IMAP_RESP_E_LINE = -3, /* neither "* " nor the tag: r->text */
};

/* Starts reading the answer to the command tagged tag (at most 15
 * characters), at most max bytes of untagged responses and lines. */
void imap_resp_begin(struct imap_resp *r, const char *tag, size_t max);

/*
 * Takes n bytes from the server.  *used is how many were taken: all of
 * them on IMAP_RESP_MORE; on IMAP_RESP_DONE the rest belongs to what comes
 * next.  An error leaves the answer unusable and the stream out of step.
 */
int imap_resp_feed(
    struct imap_resp *r, const unsigned char *p, size_t n, size_t *used);

/* Frees r's buffers (not r); r may be reused after imap_resp_begin(). */
void imap_resp_free(struct imap_resp *r);

/* A cursor over bytes [p, end). */
struct imap_cur {
	const unsigned char *p, *end;
};

/* The cursor of untagged response i of r. */
void imap_resp_item(const struct imap_resp *r, size_t i, struct imap_cur *c);

/* If response i is "* WORD ..." (any case), 1 and the cursor after WORD
 * and its space; else 0. */
int imap_resp_untagged(
    const struct imap_resp *r, size_t i, const char *word, struct imap_cur *c);

/* If response i is "* N WORD ...", 1 with N and the cursor after WORD. */
int imap_resp_numbered(const struct imap_resp *r, size_t i, const char *word,
    uint32_t *num, struct imap_cur *c);

/* Cursor steps: each moves only on success. */
int imap_cur_char(struct imap_cur *c, int ch);
int imap_cur_word(struct imap_cur *c, const char *w);
int imap_cur_u32(struct imap_cur *c, uint32_t *v);
/*
 * A quoted string, a literal, an atom, or NIL (*s NULL).  A quoted string
 * is decoded into tmp (size bytes, NUL-terminated) and *s points there;
 * the others point into the answer.
 */
int imap_cur_string(struct imap_cur *c, const unsigned char **s, size_t *n,
    char *tmp, size_t size);
/* Any one value: a list (nested at most 32 deep), string, literal, atom. */
int imap_cur_skip(struct imap_cur *c);

/* What a FETCH response tells that is of use here. */
struct imap_fetch {
	uint32_t uid;
	int has_uid, has_size, has_flags, has_body, has_date;
	uint64_t size; /* RFC822.SIZE */
	int seen, deleted;
	const unsigned char *body; /* BODY[]: into the answer, or qbody */
	size_t body_len;
	char date[IMAP_RESP_DATE_MAX + 1]; /* INTERNALDATE, as sent */
	char qbody[1024]; /* a body sent as a quoted string */
};

/* The items of a FETCH response, the cursor after "FETCH ".  0 when it
 * cannot be read. */
int imap_resp_fetch(struct imap_cur *c, struct imap_fetch *f);

/*
 * The UIDs of every "* SEARCH" response in r, sorted, without duplicates;
 * *uids is owned by the caller (free()), NULL when *n is 0.
 */
void imap_resp_search(const struct imap_resp *r, uint32_t **uids, size_t *n);

/* EXISTS, [UIDVALIDITY n] and [UIDNEXT n] of a SELECT or EXAMINE answer;
 * 0 for those not told. */
void imap_resp_select(const struct imap_resp *r, uint32_t *exists,
    uint32_t *uidvalidity, uint32_t *uidnext);

#define IMAP_RESP_CAP_MOVE 1
#define IMAP_RESP_CAP_UIDPLUS 2
#define IMAP_RESP_CAP_IDLE 4

/* The IMAP_RESP_CAP_* bits of the "* CAPABILITY" responses in r. */
unsigned imap_resp_caps(const struct imap_resp *r);

/*
 * Response i as "* LIST (flags) sep name": 1 with the separator (*sep,
 * '\0' for NIL) and the name (into the answer or tmp, size bytes).
 */
int imap_resp_list(const struct imap_resp *r, size_t i, char *sep,
    const unsigned char **name, size_t *name_len, char *tmp, size_t size);

/*
 * News of new or expunged mail in r: how many EXISTS that changed *exists
 * and EXPUNGE responses it holds; *exists follows them.
 */
unsigned imap_resp_changes(const struct imap_resp *r, uint32_t *exists);

/* If the text of an OK or NO starts with "[NAME" (any case), what follows
 * NAME (" ..." or "]..."); else NULL. */
const char *imap_resp_code(const char *text, const char *name);

/* Whether text starts with "[COPYUID V SRC DST]" with uid in SRC. */
int imap_resp_copyuid_has(const char *text, uint32_t uid);

/* If response i is an untagged OK, 1 and its text (printable) in text. */
int imap_resp_ok_text(
    const struct imap_resp *r, size_t i, char *text, size_t size);

#endif
