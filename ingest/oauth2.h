/*
 * oauth2: the bearer token for the IMAP login (XOAUTH2), got by dmarcsift
 * itself as imap_oauth2_grant says, kept in a cache file between runs and
 * replaced before it expires.
 *
 * Grants: client_credentials (Microsoft 365 app-only: client id and
 * secret), refresh_token (delegated: the refresh token that dmarcsift
 * login put in the cache through the device flow, oauth2_device.h), and
 * jwt_bearer (a Google service account with domain-wide delegation: an
 * assertion signed with its key, oauth2_jwt.h, for the mailbox user).
 * imap_oauth2_provider fills in the endpoints and scope of Microsoft and
 * Google.  The cache (oauth2_cache.h) keeps the access token with its
 * expiry and the refresh token, for the settings that got them.
 *
 * An endpoint's refusal becomes one line that says what to do (ERR_USAGE):
 * "oauth2: login.microsoftonline.com refused the client_credentials
 * grant (invalid_client): the client secret has expired; make a new one
 * ... (AADSTS7000222: ...)".  No secret or token is ever in a message or a
 * log line.
 */
#ifndef DMARCSIFT_OAUTH2_H
#define DMARCSIFT_OAUTH2_H

#include <stdio.h>

struct config;
struct err;
struct oauth2;

/*
 * The token source the settings describe; *out is NULL when
 * imap_oauth2_grant is none (a token file or command, or a password).
 * ERR_USAGE naming the setting when one is missing or contradicts
 * another; the client secret and the key are read now.  *out is the
 * caller's, freed with oauth2_free().
 */
int oauth2_new(struct oauth2 **out, const struct config *cfg, struct err *err);

/*
 * An access token: the cached one when it has more than
 * imap_oauth2_refresh_margin seconds left and fresh is 0, else a new one
 * from the token endpoint, cached.  fresh is for a token the server
 * refused.  *token is borrowed from o until the next call or
 * oauth2_free().
 */
int oauth2_token(
    struct oauth2 *o, int fresh, const char **token, struct err *err);

/*
 * dmarcsift login: the device flow (oauth2_device.h) with the messages on
 * out; the refresh token and the access token go to the cache.  Needs
 * imap_oauth2_grant = refresh_token.
 */
int oauth2_login(struct oauth2 *o, FILE *out, struct err *err);

/* The cache file's path, borrowed from o. */
const char *oauth2_cache_path(const struct oauth2 *o);

/* Wipes the secrets and frees o; NULL does nothing. */
void oauth2_free(struct oauth2 *o);

#endif
