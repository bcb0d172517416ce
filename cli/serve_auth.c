/* serve_auth: the users file and HTTP Basic; see serve_auth.h. */
#include "serve_auth.h"

#include "base64.h"
#include "err.h"
#include "text.h"
#include "xalloc.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest Authorization value read, and its credentials decoded. */
#define AUTH_MAX 1024

struct user {
	char *name, *hash;
};

struct serve_users {
	struct user *v;
	size_t n;
	/* A hash of the file's kind, for a name that is not there. */
	char *decoy;
};

static int
known_hash(const char *h)
{
	return strncmp(h, "$y$", 3) == 0 || strncmp(h, "$6$", 3) == 0 ||
	    strncmp(h, "$2b$", 4) == 0;
}

static int
add_line(struct serve_users *u, char *line, const char *path, unsigned no,
    struct err *err)
{
	char *colon = strchr(line, ':'), shown[64];
	size_t len = strlen(line);

	while (len > 0 &&
	    (line[len - 1] == '\n' || line[len - 1] == '\r' ||
	        line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (len == 0 || line[0] == '#')
		return 0;
	if (colon == NULL || colon == line || strchr(colon + 1, ':') != NULL ||
	    !known_hash(colon + 1) || strchr(colon + 1, ' ') != NULL) {
		/* Never the line: it may hold a password. */
		return err_set(err, ERR_USAGE,
		    "%s:%u: want USER:HASH with a yescrypt ($y$), SHA-512 "
		    "($6$) or bcrypt ($2b$) hash (mkpasswd -m yescrypt)",
		    path, no);
	}
	*colon = '\0';
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->v[i].name, line) == 0) {
			text_printable(line, shown, sizeof(shown));
			return err_set(err, ERR_USAGE,
			    "%s:%u: user '%s' a second time", path, no, shown);
		}
	if (u->n == SERVE_USERS_MAX)
		return err_set(err, ERR_LIMIT, "%s: more than %d users", path,
		    SERVE_USERS_MAX);
	u->v = xrealloc(u->v, (u->n + 1) * sizeof(*u->v));
	u->v[u->n].name = xstrdup(line);
	u->v[u->n].hash = xstrdup(colon + 1);
	u->n++;
	return 0;
}

int
serve_users_load(struct serve_users **out, const char *path, struct err *err)
{
	struct serve_users *u = xcalloc(1, sizeof(*u));
	char line[SERVE_USERS_LINE + 2];
	unsigned no = 0;
	FILE *fp = fopen(path, "re");
	int rc = 0;

	if (fp == NULL) {
		serve_users_free(u);
		return err_set(err, ERR_IO, "--users %s: cannot read: %s", path,
		    strerror(errno));
	}
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		no++;
		if (strlen(line) > SERVE_USERS_LINE)
			rc = err_set(err, ERR_LIMIT,
			    "%s:%u: longer than %d bytes", path, no,
			    SERVE_USERS_LINE);
		else
			rc = add_line(u, line, path, no, err);
	}
	if (rc == 0 && ferror(fp))
		rc = err_set(err, ERR_IO, "%s: cannot read", path);
	fclose(fp);
	explicit_bzero(line, sizeof(line));
	if (rc == 0 && u->n == 0)
		rc = err_set(err, ERR_USAGE, "%s: no user in it", path);
	if (rc < 0) {
		serve_users_free(u);
		return rc;
	}
	u->decoy = xstrdup(u->v[0].hash);
	*out = u;
	return 0;
}

void
serve_users_free(struct serve_users *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].name);
		free(u->v[i].hash);
	}
	free(u->v);
	free(u->decoy);
	free(u);
}

/* Equal strings, in a time that depends on their lengths only. */
static int
same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
serve_users_check(const struct serve_users *u, const char *authorization)
{
	unsigned char cred[AUTH_MAX + 1];
	const char *b64, *hash = NULL;
	struct crypt_data *cd;
	char *colon, *got;
	size_t len;
	long n;
	int ok = 0;

	if (authorization == NULL || strncasecmp(authorization, "Basic ", 6))
		return 0;
	b64 = authorization + 6;
	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	if (len > AUTH_MAX || (n = base64_decode(b64, len, cred, AUTH_MAX)) < 0)
		return 0;
	cred[n] = '\0';
	if (memchr(cred, '\0', (size_t)n) != NULL ||
	    (colon = strchr((char *)cred, ':')) == NULL) {
		explicit_bzero(cred, sizeof(cred));
		return 0;
	}
	*colon = '\0';
	for (size_t i = 0; i < u->n; i++)
		if (same(u->v[i].name, (const char *)cred))
			hash = u->v[i].hash;
	/* struct crypt_data is large: not on a handler thread's stack. */
	cd = xcalloc(1, sizeof(*cd));
	got = crypt_r(colon + 1, hash != NULL ? hash : u->decoy, cd);
	ok = hash != NULL && got != NULL && got[0] != '*' && same(got, hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	explicit_bzero(cred, sizeof(cred));
	return ok;
}
