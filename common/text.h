/*
 * text: small string helpers for values that came from outside.
 */
#ifndef DMARCSIFT_TEXT_H
#define DMARCSIFT_TEXT_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is invalid.
 * Reads at most avail bytes, and stops at a NUL (never a continuation), so
 * avail may exceed what is left of a NUL-terminated string. */
size_t utf8_seq_len(const unsigned char *p, size_t avail);

/*
 * Cuts s before a UTF-8 sequence left incomplete at its end (as a cut to a
 * fixed size leaves it), so that what remains is still valid UTF-8 when it
 * was before the cut.  The database refuses a broken sequence.
 */
void text_utf8_cut(char *s);

/* Trims XML white space from both ends in place; returns the new length. */
size_t text_trim(char *s, size_t len);

/*
 * If s equals one of the NULL-terminated words ignoring ASCII case, rewrites
 * s to that word and returns 1; otherwise leaves s alone and returns 0.
 */
int text_fold_enum(char *s, const char *const *words);

/*
 * Whether the UTF-8 sequence p of n bytes (utf8_seq_len()) is safe to show:
 * not a control character (C0, DEL, C1), bidirectional mark or override,
 * or line or paragraph separator.
 */
int text_char_printable(const unsigned char *p, size_t n);

/*
 * Edit distance between a and b (their first 63 bytes), ASCII case
 * ignored when nocase: for "did you mean" suggestions.
 */
size_t text_distance(const char *a, const char *b, int nocase);

/*
 * Copies s into out (size outsz, always terminated) for a message, a log
 * line or a report: control characters (CR and LF too), bidirectional
 * overrides, line separators (text_char_printable()) and invalid UTF-8
 * become '?', one for each sequence or stray byte, so a hostile name
 * cannot mess up a terminal or a log line.  Text that does not fit is cut
 * between sequences and ends with "...".  The one writer of printable
 * text: names, server lines and DNS records alike.
 */
void text_printable(const char *s, char *out, size_t outsz);

/* text_printable() of the len bytes at s, which may hold a NUL ('?'). */
void text_printable_n(const void *s, size_t len, char *out, size_t outsz);

/* Whether the len bytes at s are as text_printable() leaves them: valid
 * UTF-8 of printable characters only (for checks and tests). */
int text_is_printable(const char *s, size_t len);

/*
 * For a server's dialogue as libcurl's debug callback hands it over (a
 * block of one or more lines): pick() sees each line without its line end
 * and returns where, in it, the text to keep starts, or NULL; the text of
 * the last line picked is kept in out (text_printable_n(), outsz bytes).
 * Out is left alone when no line is picked.
 */
void text_line_keep(const char *data, size_t size,
    const char *(*pick)(const char *line, size_t len), char *out, size_t outsz);

/*
 * The next entry of a comma-separated list (a setting such as
 * trusted_sources or domains) at *p, with the blanks around it cut,
 * copied into item (size bytes, always terminated, cut when longer); *p
 * moves past it and its comma.  Empty entries are skipped.  Returns the
 * entry's length before any cut (compare with size to refuse a long one),
 * or -1 at the end of the list.
 */
long text_list_next(const char **p, char *item, size_t size);

#endif
