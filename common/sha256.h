/*
 * sha256: FIPS 180-4 SHA-256, incremental.
 *
 * Inputs are addressed by the SHA-256 of their bytes and reports by the
 * SHA-256 of their content; computed here so that no crypto library is
 * needed for it.
 */
#ifndef DMARCSIFT_SHA256_H
#define DMARCSIFT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);
/* Lower-case hex of a digest into out (65 bytes with the NUL). */
void sha256_hex(const unsigned char digest[SHA256_LEN], char out[65]);

#endif
