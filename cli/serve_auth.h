/*
 * serve_auth: who may read `dmarcsift serve`'s pages: the users of a file
 * of salted password hashes, checked against HTTP Basic credentials; or
 * the user a trusted reverse proxy names in a header.
 *
 * The file holds one USER:HASH a line ('#' starts a comment line), HASH
 * as crypt(3) writes it: yescrypt ($y$, `mkpasswd -m yescrypt`), SHA-512
 * ($6$, `openssl passwd -6`) or bcrypt ($2b$); anything else, a plain
 * password above all, is refused when the file is read.  It is read once,
 * at start.  libcrypt is used here only.
 */
#ifndef DMARCSIFT_SERVE_AUTH_H
#define DMARCSIFT_SERVE_AUTH_H

struct err;
struct serve_users;

/* Most users a file may hold, and its longest line. */
#define SERVE_USERS_MAX 1000
#define SERVE_USERS_LINE 512

/* Reads path.  *out is the caller's: serve_users_free().  ERR_IO when it
 * cannot be read, ERR_USAGE naming the line that is wrong. */
int serve_users_load(
    struct serve_users **out, const char *path, struct err *err);
void serve_users_free(struct serve_users *u);

/* Failed logins one client may make in SERVE_AUTH_WINDOW seconds; past
 * them its logins are refused unchecked until the window ends.  A client
 * is an IPv4 address, or an IPv6 /64 (an IPv4-mapped address is IPv4).
 * Past SERVE_AUTH_ALL failures of all clients in a window, every login
 * is refused until that window ends (a line says so), so that guesses
 * from ever new addresses are limited too. */
#define SERVE_AUTH_FAILURES 10
#define SERVE_AUTH_WINDOW 60
#define SERVE_AUTH_ALL 100
/* How long credentials that were right are taken again without a hash. */
#define SERVE_AUTH_REMEMBER 300

enum serve_auth {
	SERVE_AUTH_NO, /* no credentials, or wrong ones */
	SERVE_AUTH_OK,
	SERVE_AUTH_LIMITED, /* too many failures from peer, or from all */
};

/*
 * Whether the value of an Authorization header (NULL: none) from client
 * address peer carries Basic credentials of a user of u with the right
 * password.  A name not in the file costs a hash all the same, so that
 * the time taken does not tell which names exist.  Each hash is costly on
 * purpose: credentials that were right are remembered (a keyed SHA-256
 * of the header, in memory) for SERVE_AUTH_REMEMBER seconds and taken
 * even when limited, and a client past its failures, or any past those
 * of all, is refused without one.  Safe from several threads.
 */
enum serve_auth serve_users_check(
    struct serve_users *u, const char *authorization, const char *peer);

/* The longest user name a proxy's header may hold. */
#define SERVE_PROXY_USER_MAX 256

enum serve_proxy_user {
	SERVE_PROXY_USER_OK,
	SERVE_PROXY_USER_UNTRUSTED, /* not from a trusted proxy */
	SERVE_PROXY_USER_NONE, /* no header, or an empty one */
	SERVE_PROXY_USER_BAD, /* too long, or not printable UTF-8 */
	SERVE_PROXY_USER_TWICE, /* the header more than once */
};

/*
 * Whether value, the user header of a request (NULL: none), names a
 * user: only when the request came from a trusted proxy (from_proxy),
 * since anyone else could write the header, only when the header came
 * once (n times in all: a proxy that adds its header to a client's
 * leaves two, and which is whose cannot be told), and only a printable
 * name of at most SERVE_PROXY_USER_MAX bytes.
 */
enum serve_proxy_user serve_proxy_user(
    int from_proxy, const char *value, unsigned n);

/* Whether name is a header name (an RFC 9110 token) that may name a user:
 * not one that HTTP or a browser sets itself (Authorization, Cookie,
 * Host, Forwarded...).  0, or -1 with why in err. */
int serve_auth_header_check(const char *name, struct err *err);

#endif
