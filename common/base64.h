/*
 * base64: the standard alphabet (RFC 4648), with padding, for the few
 * places that need it: a Content-Security-Policy hash, and the HTTP Basic
 * credentials a browser sends.
 */
#ifndef DMARCSIFT_BASE64_H
#define DMARCSIFT_BASE64_H

#include <stddef.h>

/* Room base64_encode() needs for n bytes, with the NUL. */
#define BASE64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/* n bytes of in as base64 into out (BASE64_ENCODED_SIZE(n) bytes). */
void base64_encode(const unsigned char *in, size_t n, char *out);

/*
 * Decodes the base64 text in (len characters, padded, no blanks) into out
 * (size bytes): the number of bytes written, or -1 when in is not strict
 * base64 or out is too small.  out is not NUL-terminated.
 */
long base64_decode(const char *in, size_t len, unsigned char *out, size_t size);

#endif
