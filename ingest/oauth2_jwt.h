/*
 * oauth2_jwt: the signed assertion of the JWT bearer grant (RFC 7523),
 * as a Google service account with domain-wide delegation sends it:
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over libcrypto.
 */
#ifndef DMARCSIFT_OAUTH2_JWT_H
#define DMARCSIFT_OAUTH2_JWT_H

#include <stddef.h>

struct err;
struct oauth2_key;

/*
 * The private key in text (len bytes; name says where it came from, for
 * messages): a service account's JSON key file (its private_key,
 * client_email, private_key_id and token_uri) or an RSA private key in
 * PEM.  Errors name it, never its content.  *out is the caller's, freed
 * with oauth2_key_free().
 */
int oauth2_key_parse(const char *name, const char *text, size_t len,
    struct oauth2_key **out, struct err *err);
/* The key file's client_email and token_uri; NULL for a PEM file.
 * Borrowed from k. */
const char *oauth2_key_email(const struct oauth2_key *k);
const char *oauth2_key_token_uri(const struct oauth2_key *k);
void oauth2_key_free(struct oauth2_key *k);

/*
 * The assertion: a JWT with the claims iss, scope, aud, sub (left out when
 * NULL), iat = now and exp = now + lifetime_s (at most 3600, as Google
 * wants), signed with k.  *out is the caller's; it is a credential for
 * its lifetime: wipe it (config_secret_free()).
 */
int oauth2_jwt_sign(const struct oauth2_key *k, const char *iss,
    const char *scope, const char *aud, const char *sub, long long now,
    long lifetime_s, char **out, struct err *err);

#endif
