#include "sha256.h"

#include <stdlib.h>

#include <openssl/evp.h>

/* Fetched once: an implicit fetch on every init costs a lookup. */
static EVP_MD *
md(void)
{
	static EVP_MD *sha;

	if (sha == NULL && (sha = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		abort(); /* libcrypto without SHA-256: nothing to do */
	return sha;
}

void
sha256_init(struct sha256 *s)
{
	if (s->ctx == NULL && (s->ctx = EVP_MD_CTX_new()) == NULL)
		abort(); /* out of memory */
	if (EVP_DigestInit_ex(s->ctx, md(), NULL) != 1)
		abort();
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	if (len > 0 && EVP_DigestUpdate(s->ctx, data, len) != 1)
		abort();
}

void
sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN])
{
	unsigned int n = SHA256_LEN;

	if (EVP_DigestFinal_ex(s->ctx, out, &n) != 1)
		abort();
}

void
sha256_free(struct sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

void
sha256_hex(const unsigned char digest[SHA256_LEN], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}
