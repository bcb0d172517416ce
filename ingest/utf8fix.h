/*
 * utf8fix: replaces invalid UTF-8 with U+FFFD before the XML parser sees it.
 *
 * libxml2 refuses a whole document for one bad byte, and real reporters send
 * Latin-1 bytes inside UTF-8 reports (a name with an accent).  Replacing the
 * byte, and saying so in a warning, keeps the report without guessing what
 * the byte meant.  Only documents that are UTF-8 (no UTF-16/32 BOM, and no
 * declared encoding other than UTF-8 or ASCII) are touched; the rest go
 * through unchanged for libxml2 to decode.
 */
#ifndef DMARCSIFT_UTF8FIX_H
#define DMARCSIFT_UTF8FIX_H

#include <stdint.h>

struct bytesrc;

/* Wraps src, which the caller keeps and frees after the wrapper.
 * *replaced (the caller's, outliving the wrapper) counts the invalid
 * sequences replaced. */
struct bytesrc *utf8fix_new(struct bytesrc *src, uint64_t *replaced);

#endif
