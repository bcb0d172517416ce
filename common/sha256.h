/*
 * sha256: SHA-256, incremental.
 *
 * Inputs are addressed by the SHA-256 of their bytes and reports by the
 * SHA-256 of their content.  Hashing every record of every report is a
 * real part of ingest time, so this is OpenSSL's implementation (which
 * uses the CPU's SHA instructions) behind a small interface; libcrypto is
 * used nowhere else.
 */
#ifndef DMARCSIFT_SHA256_H
#define DMARCSIFT_SHA256_H

#include <stddef.h>

#define SHA256_LEN 32

struct evp_md_ctx_st;

/* Zero-initialise, then init/update/final as often as needed, then free. */
struct sha256 {
	struct evp_md_ctx_st *ctx;
};

/* Starts a new digest (allocating on first use). */
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Ends the digest; init starts the next one. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);
/* Frees what init allocated; the struct may be used again after init. */
void sha256_free(struct sha256 *s);
/* Lower-case hex of a digest into out (65 bytes with the NUL). */
void sha256_hex(const unsigned char digest[SHA256_LEN], char out[65]);

#endif
