/* serve_tls: serve's certificate and key; see serve_tls.h. */
#include "serve_tls.h"

#include "dynbuf.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file at path, whole, into *out (NUL-terminated; wiped on free when
 * secret).  what names the setting in messages. */
static int
read_pem(const char *what, const char *path, size_t max, int secret, char **out,
    struct err *err)
{
	struct dynbuf b;
	struct stat sb;
	size_t got;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(err, ERR_IO, "%s %s: cannot read: %s", what,
		    path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(
		    err, ERR_USAGE, "%s %s: not a regular file", what, path);
	}
	if (secret && (sb.st_mode & 077) != 0) {
		close(fd);
		return err_set(err, ERR_USAGE,
		    "%s %s: others may read or change it (mode %04o): "
		    "chmod 600 %s, and use a new key if others could read "
		    "it",
		    what, path, (unsigned)(sb.st_mode & 07777), path);
	}
	if (secret)
		dynbuf_init_secret(&b, max);
	else
		dynbuf_init(&b, max);
	while ((rc = dynbuf_read(&b, fd, &got)) == 0 && got > 0)
		;
	close(fd);
	if (rc < 0) {
		dynbuf_free(&b);
		return rc == ERR_LIMIT
		    ? err_set(err, ERR_LIMIT, "%s %s: larger than %zu bytes",
		          what, path, max)
		    : err_set(err, ERR_IO, "%s %s: cannot read", what, path);
	}
	if (b.p == NULL || strstr(b.p, "-----BEGIN ") == NULL ||
	    memchr(b.p, '\0', b.len) != NULL) {
		dynbuf_free(&b);
		return err_set(err, ERR_USAGE,
		    "%s %s: not PEM (-----BEGIN ...)", what, path);
	}
	*out = dynbuf_take(&b, &got);
	return 0;
}

int
serve_tls_load(struct serve_tls *out, const char *cert_path,
    const char *key_path, struct err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = read_pem("serve_tls_cert", cert_path, SERVE_TLS_CERT_MAX, 0,
	         &out->cert, err)) < 0 ||
	    (rc = read_pem("serve_tls_key", key_path, SERVE_TLS_KEY_MAX, 1,
	         &out->key, err)) < 0) {
		serve_tls_free(out);
		return rc;
	}
	return 0;
}

void
serve_tls_free(struct serve_tls *t)
{
	if (t->key != NULL) {
		explicit_bzero(t->key, strlen(t->key));
		free(t->key);
	}
	free(t->cert);
	memset(t, 0, sizeof(*t));
}
