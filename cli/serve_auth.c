/* serve_auth: the users file and HTTP Basic; see serve_auth.h. */
#include "serve_auth.h"

#include "base64.h"
#include "err.h"
#include "ipaddr.h"
#include "log.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

/* The longest Authorization value read, and its credentials decoded. */
#define AUTH_MAX 1024

struct user {
	char *name, *hash;
};

/* Credentials that were right: a keyed digest of the header, and until
 * when it stands. */
#define AUTH_KEPT 16
/* Clients whose failures are counted (a slot each, by hash: two clients
 * in one slot share a count, which errs toward refusing).  A client is an
 * IPv4 address or an IPv6 /64, the least a site or a home is given. */
#define AUTH_PEERS 256

struct kept {
	unsigned char d[SHA256_LEN];
	time_t until;
};

struct peer {
	char key[IP_TEXT_MAX + 3]; /* of the last client that failed */
	time_t since;
	unsigned failures;
};

struct serve_users {
	struct user *v;
	size_t n;
	/* A hash of the file's kind, for a name that is not there. */
	char *decoy;
	pthread_mutex_t lock; /* the two tables below */
	int locked; /* lock initialised */
	unsigned char key[32]; /* of the digests in kept, random */
	struct kept kept[AUTH_KEPT];
	struct peer peers[AUTH_PEERS];
	/* Failures of every client since all_since. */
	time_t all_since;
	unsigned all_failures;
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
	if (getrandom(u->key, sizeof(u->key), 0) != (ssize_t)sizeof(u->key)) {
		serve_users_free(u);
		return err_set(err, ERR_IO,
		    "no random bytes for the login "
		    "cache: %s",
		    strerror(errno));
	}
	pthread_mutex_init(&u->lock, NULL);
	u->locked = 1;
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
	if (u->locked)
		pthread_mutex_destroy(&u->lock);
	explicit_bzero(u, sizeof(*u));
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

/* The key of client address addr: an IPv4 address as it is (one mapped
 * into IPv6 too), the /64 of an IPv6 address; anything else as it is. */
static void
peer_key(const char *addr, char out[IP_TEXT_MAX + 3])
{
	unsigned char a6[16];
	char text[IP_TEXT_MAX];

	if (ip_normalize(addr, text) < 0) {
		snprintf(out, IP_TEXT_MAX + 3, "%.*s", IP_TEXT_MAX - 1, addr);
		return;
	}
	/* ip_normalize() wrote a mapped address as IPv4. */
	if (inet_pton(AF_INET6, text, a6) != 1) {
		snprintf(out, IP_TEXT_MAX + 3, "%s", text);
		return;
	}
	memset(a6 + 8, 0, 8);
	inet_ntop(AF_INET6, a6, text, sizeof(text));
	snprintf(out, IP_TEXT_MAX + 3, "%s/64", text);
}

/* The slot of a client's key. */
static struct peer *
peer_slot(struct serve_users *u, const char *key)
{
	uint32_t h = 2166136261u;

	for (const char *p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &u->peers[h % AUTH_PEERS];
}

/* Whether every login is refused: past SERVE_AUTH_ALL failures of all
 * clients in the window.  Under u->lock. */
static int
all_limited(const struct serve_users *u, time_t now)
{
	return u->all_failures > SERVE_AUTH_ALL &&
	    now - u->all_since < SERVE_AUTH_WINDOW;
}

/* Whether key is past its failures, or everyone is: under u->lock. */
static int
limited(struct serve_users *u, const char *key, time_t now)
{
	struct peer *p = peer_slot(u, key);

	return all_limited(u, now) ||
	    (p->failures >= SERVE_AUTH_FAILURES &&
	        now - p->since < SERVE_AUTH_WINDOW);
}

/* Counts a failure of key, or forgets its failures: under u->lock. */
static void
count(struct serve_users *u, const char *key, time_t now, int failed)
{
	struct peer *p = peer_slot(u, key);

	if (!failed) {
		if (strcmp(p->key, key) == 0)
			memset(p, 0, sizeof(*p));
		return;
	}
	/* Another client in the slot adds to its count: were it reset,
	 * two clients taking turns would never be limited. */
	if (now - p->since >= SERVE_AUTH_WINDOW) {
		p->since = now;
		p->failures = 0;
	}
	snprintf(p->key, sizeof(p->key), "%s", key);
	p->failures++;
	if (now - u->all_since >= SERVE_AUTH_WINDOW) {
		u->all_since = now;
		u->all_failures = 0;
	}
	if (++u->all_failures == SERVE_AUTH_ALL + 1)
		log_warn("more than %d wrong logins in %d seconds: every "
		         "login is refused until %d seconds after the first",
		    SERVE_AUTH_ALL, SERVE_AUTH_WINDOW, SERVE_AUTH_WINDOW);
}

/* The keyed digest of an Authorization value. */
static void
digest_of(const struct serve_users *u, const char *authorization,
    unsigned char d[SHA256_LEN])
{
	struct sha256 h = {0};

	sha256_init(&h);
	sha256_update(&h, u->key, sizeof(u->key));
	sha256_update(&h, authorization, strlen(authorization));
	sha256_final(&h, d);
	sha256_free(&h);
}

/* Whether d was right lately: under u->lock. */
static int
remembered(const struct serve_users *u, const unsigned char *d, time_t now)
{
	for (size_t i = 0; i < AUTH_KEPT; i++)
		if (u->kept[i].until > now &&
		    memcmp(u->kept[i].d, d, SHA256_LEN) == 0)
			return 1;
	return 0;
}

/* Keeps d, in the slot that ends first: under u->lock. */
static void
remember(struct serve_users *u, const unsigned char *d, time_t now)
{
	size_t oldest = 0;

	for (size_t i = 1; i < AUTH_KEPT; i++)
		if (u->kept[i].until < u->kept[oldest].until)
			oldest = i;
	memcpy(u->kept[oldest].d, d, SHA256_LEN);
	u->kept[oldest].until = now + SERVE_AUTH_REMEMBER;
}

/* The password check itself: a hash, every time. */
static int
check(const struct serve_users *u, const char *authorization)
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

enum serve_auth
serve_users_check(
    struct serve_users *u, const char *authorization, const char *peer)
{
	unsigned char d[SHA256_LEN];
	char key[IP_TEXT_MAX + 3];
	time_t now = time(NULL);
	int ok;

	if (authorization == NULL)
		return SERVE_AUTH_NO; /* the browser asks for the login */
	peer_key(peer != NULL ? peer : "", key);
	digest_of(u, authorization, d);
	pthread_mutex_lock(&u->lock);
	ok = remembered(u, d, now);
	if (!ok && limited(u, key, now)) {
		pthread_mutex_unlock(&u->lock);
		return SERVE_AUTH_LIMITED;
	}
	pthread_mutex_unlock(&u->lock);
	if (ok)
		return SERVE_AUTH_OK;
	ok = check(u, authorization);
	pthread_mutex_lock(&u->lock);
	if (ok)
		remember(u, d, now);
	count(u, key, now, !ok);
	pthread_mutex_unlock(&u->lock);
	return ok ? SERVE_AUTH_OK : SERVE_AUTH_NO;
}

enum serve_proxy_user
serve_proxy_user(int from_proxy, const char *value, unsigned n)
{
	size_t len;

	if (!from_proxy)
		return SERVE_PROXY_USER_UNTRUSTED;
	if (n > 1)
		return SERVE_PROXY_USER_TWICE;
	if (value == NULL || (len = strlen(value)) == 0)
		return SERVE_PROXY_USER_NONE;
	if (len > SERVE_PROXY_USER_MAX || !text_is_printable(value, len))
		return SERVE_PROXY_USER_BAD;
	return SERVE_PROXY_USER_OK;
}

int
serve_auth_header_check(const char *name, struct err *err)
{
	/* Headers a client or the proxy sends for other ends. */
	static const char *const theirs[] = {"Authorization", "Cookie", "Host",
	    "Forwarded", "X-Forwarded-For", "X-Real-IP", "Proxy-Authorization",
	    "Content-Length", "Transfer-Encoding", "Connection", "User-Agent",
	    "Referer", "Accept", NULL};
	size_t len = strlen(name);

	if (len == 0 || len > 64 ||
	    strspn(name,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789!#$%&'*+-.^_`|~") != len)
		return err_set(err, ERR_USAGE,
		    "serve_auth_header: want a header name of letters, digits "
		    "and '-' (X-Remote-User), of at most 64 bytes");
	for (size_t i = 0; theirs[i] != NULL; i++)
		if (strcasecmp(name, theirs[i]) == 0)
			return err_set(err, ERR_USAGE,
			    "serve_auth_header: %s is not a header a proxy "
			    "names a user in (X-Remote-User)",
			    theirs[i]);
	return 0;
}
