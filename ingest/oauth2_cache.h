/*
 * oauth2_cache: the file that keeps an OAuth2 access token (with its
 * expiry) and a refresh token between runs.
 *
 * It holds credentials, so it is made with mode 0600 (its directory 0700
 * when made here) and a cache that group or others may read or write, or
 * that belongs to another user, is refused.  It is replaced whole (a
 * temporary file renamed over it), so a reader never sees half of one.
 * A line per field: "settings HEX", "issued EPOCH", "expires EPOCH",
 * "access_token T", "refresh_token T".  settings is a digest of the settings
 * that got the tokens (oauth2.c): a cache made for others is not used.
 */
#ifndef DMARCSIFT_OAUTH2_CACHE_H
#define DMARCSIFT_OAUTH2_CACHE_H

struct err;

/* Longest cache file read. */
#define OAUTH2_CACHE_MAX (64 * 1024)

struct oauth2_cached {
	char settings[65]; /* hex digest, "" when unknown */
	/* When the access token was got and when it expires, seconds since
	 * 1970. */
	long long issued, expires;
	char *access_token, *refresh_token; /* owned; NULL when absent */
};

/*
 * Reads path into *c (zeroed first).  A missing file is 0 with *c empty.
 * ERR_USAGE, saying what to do, for a file of the wrong mode or owner;
 * ERR_MALFORMED for one that is not a cache.  Clear *c either way.
 */
int oauth2_cache_read(
    const char *path, struct oauth2_cached *c, struct err *err);
/* Replaces path with c; its directory is made (0700) when missing. */
int oauth2_cache_write(
    const char *path, const struct oauth2_cached *c, struct err *err);
/* Wipes and frees the tokens. */
void oauth2_cached_clear(struct oauth2_cached *c);

/* Replaces the token in *slot (wiped, then freed) with a copy of value
 * (NULL: none). */
void oauth2_token_set(char **slot, const char *value);

/*
 * Where the cache is when imap_oauth2_cache is not set:
 * oauth2-token.cache in dmarcsift's state directory, the one that holds
 * its own PostgreSQL cluster: $DMARCSIFT_HOME, else /var/lib/dmarcsift for
 * root, else $XDG_DATA_HOME/dmarcsift or ~/.local/share/dmarcsift.  The
 * caller's; NULL with err set when there is no home.
 */
char *oauth2_cache_default_path(struct err *err);

#endif
