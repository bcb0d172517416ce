#include "oauth2_cache.h"

#include "dynbuf.h"
#include "err.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_NAME "oauth2-token.cache"

/* Wipes a token and frees it. */
static void
token_free(char *t)
{
	if (t != NULL) {
		explicit_bzero(t, strlen(t));
		free(t);
	}
}

void
oauth2_token_set(char **slot, const char *value)
{
	token_free(*slot);
	*slot = value != NULL ? xstrdup(value) : NULL;
}

void
oauth2_cached_clear(struct oauth2_cached *c)
{
	token_free(c->access_token);
	token_free(c->refresh_token);
	memset(c, 0, sizeof(*c));
}

/* A file of credentials is refused unless it is ours and ours only. */
static int
check_mode(const char *path, const struct stat *sb, struct err *err)
{
	if (!S_ISREG(sb->st_mode))
		return err_set(err, ERR_USAGE,
		    "oauth2: token cache %s is not a regular file", path);
	if (sb->st_uid != geteuid())
		return err_set(err, ERR_USAGE,
		    "oauth2: token cache %s belongs to another user; remove "
		    "it or set imap_oauth2_cache",
		    path);
	if (sb->st_mode & (S_IRWXG | S_IRWXO))
		return err_set(err, ERR_USAGE,
		    "oauth2: token cache %s may be read or written by others "
		    "(mode %03o): chmod 600 it, and think whether its tokens "
		    "leaked (revoke them)",
		    path, (unsigned)(sb->st_mode & 0777));
	return 0;
}

/* One "name value" line into c. */
static int
cache_line(struct oauth2_cached *c, const char *line)
{
	const char *sp = strchr(line, ' '), *v;
	size_t n;

	if (sp == NULL || sp[1] == '\0')
		return -1;
	n = sp - line;
	v = sp + 1;
	if (n == 8 && strncmp(line, "settings", 8) == 0) {
		if (strlen(v) != 64)
			return -1;
		memcpy(c->settings, v, 65);
	} else if ((n == 7 && strncmp(line, "expires", 7) == 0) ||
	    (n == 6 && strncmp(line, "issued", 6) == 0)) {
		char *end;
		long long t;

		errno = 0;
		t = strtoll(v, &end, 10);
		if (errno != 0 || *end != '\0')
			return -1;
		*(n == 7 ? &c->expires : &c->issued) = t;
	} else if (n == 12 && strncmp(line, "access_token", 12) == 0) {
		oauth2_token_set(&c->access_token, v);
	} else if (n == 13 && strncmp(line, "refresh_token", 13) == 0) {
		oauth2_token_set(&c->refresh_token, v);
	}
	/* Other names: a later version's; skipped. */
	return 0;
}

int
oauth2_cache_read(const char *path, struct oauth2_cached *c, struct err *err)
{
	struct dynbuf b;
	struct stat sb;
	size_t got;
	char *line, *nl;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	fd = open(
	    path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return err_set(err, ERR_IO,
		    "oauth2: cannot open token cache %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return err_set(err, ERR_IO, "oauth2: cannot stat %s: %s", path,
		    strerror(errno));
	}
	if ((rc = check_mode(path, &sb, err)) < 0) {
		close(fd);
		return rc;
	}
	dynbuf_init_secret(&b, OAUTH2_CACHE_MAX);
	while ((rc = dynbuf_read(&b, fd, &got)) == 0 && got > 0)
		;
	close(fd);
	if (rc < 0) {
		dynbuf_free(&b);
		return err_set(err, rc == ERR_LIMIT ? ERR_LIMIT : ERR_IO,
		    "oauth2: cannot read token cache %s", path);
	}
	for (line = b.p; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (*line != '\0' && cache_line(c, line) < 0) {
			dynbuf_free(&b);
			oauth2_cached_clear(c);
			return err_set(err, ERR_MALFORMED,
			    "oauth2: %s is not a token cache; remove it", path);
		}
	}
	dynbuf_free(&b);
	return 0;
}

/* The directories above path, each made 0700 when missing. */
static int
make_dir(const char *path, struct err *err)
{
	char *dir = xstrdup(path), *slash = dir;
	int rc = 0;

	while (rc == 0 && (slash = strchr(slash + 1, '/')) != NULL) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			rc = err_set(err, ERR_IO,
			    "oauth2: cannot make the directory %s: %s", dir,
			    strerror(errno));
		*slash = '/';
	}
	free(dir);
	return rc;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
oauth2_cache_write(
    const char *path, const struct oauth2_cached *c, struct err *err)
{
	struct dynbuf b;
	char *tmp;
	int fd, rc = 0;

	if ((rc = make_dir(path, err)) < 0)
		return rc;
	dynbuf_init_secret(&b, OAUTH2_CACHE_MAX);
	if (dynbuf_printf(&b, "settings %s\nissued %lld\nexpires %lld\n",
	        c->settings, c->issued, c->expires) < 0 ||
	    (c->access_token != NULL &&
	        dynbuf_printf(&b, "access_token %s\n", c->access_token) < 0) ||
	    (c->refresh_token != NULL &&
	        dynbuf_printf(&b, "refresh_token %s\n", c->refresh_token) <
	            0)) {
		dynbuf_free(&b);
		return err_set(err, ERR_LIMIT, "oauth2: tokens too long");
	}
	tmp = xasprintf("%s.tmp.XXXXXX", path);
	/* mkstemp() makes the file 0600 whatever the umask. */
	if ((fd = mkstemp(tmp)) < 0) {
		rc = err_set(err, ERR_IO,
		    "oauth2: cannot write token cache %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, b.p, b.len) < 0 ||
	    fsync(fd) < 0) {
		rc = err_set(err, ERR_IO,
		    "oauth2: cannot write token cache %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		rc = err_set(err, ERR_IO,
		    "oauth2: cannot replace token cache %s: %s", path,
		    strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	dynbuf_free(&b);
	return rc;
}

char *
oauth2_cache_default_path(struct err *err)
{
	const char *env = getenv("DMARCSIFT_HOME"), *home;
	struct passwd *pw;

	if (env != NULL && env[0] == '/')
		return xasprintf("%s/" CACHE_NAME, env);
	if (geteuid() == 0)
		return xstrdup("/var/lib/dmarcsift/" CACHE_NAME);
	env = getenv("XDG_DATA_HOME");
	if (env != NULL && env[0] == '/')
		return xasprintf("%s/dmarcsift/" CACHE_NAME, env);
	home = getenv("HOME");
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/') {
		err_set(err, ERR_USAGE,
		    "oauth2: no home directory for the token cache; set "
		    "imap_oauth2_cache");
		return NULL;
	}
	return xasprintf("%s/.local/share/dmarcsift/" CACHE_NAME, home);
}
