/*
 * serve_auth: who may read `dmarcsift serve`'s pages: the users of a file
 * of salted password hashes, checked against HTTP Basic credentials.
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

/*
 * Whether the value of an Authorization header (NULL: none) carries
 * Basic credentials of a user of u with the right password: 1, else 0.
 * A name not in the file costs a hash all the same, so that the time
 * taken does not tell which names exist.
 */
int serve_users_check(const struct serve_users *u, const char *authorization);

#endif
