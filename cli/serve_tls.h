/*
 * serve_tls: the certificate and private key `dmarcsift serve` speaks
 * HTTPS with (serve_tls_cert, serve_tls_key), read once at start.
 *
 * The key must be a regular file that only its owner may read or write
 * (mode 0600 or 0400): one that others may read is refused, as a key
 * that has been readable is no secret.  Both are PEM; the library says
 * whether they make a pair when serve starts to listen.
 */
#ifndef DMARCSIFT_SERVE_TLS_H
#define DMARCSIFT_SERVE_TLS_H

struct err;

/* The largest certificate chain and key read. */
#define SERVE_TLS_CERT_MAX (1024 * 1024)
#define SERVE_TLS_KEY_MAX (64 * 1024)

/* The PEM text of both, NUL-terminated; the key's memory is wiped when
 * freed. */
struct serve_tls {
	char *cert, *key;
};

/* Reads both into *out (the caller's: serve_tls_free()).  ERR_IO when a
 * file cannot be read, ERR_USAGE for a key others may read or a file
 * that is no PEM, ERR_LIMIT for one too large. */
int serve_tls_load(struct serve_tls *out, const char *cert_path,
    const char *key_path, struct err *err);
/* Frees both (a zeroed struct is nothing). */
void serve_tls_free(struct serve_tls *t);

#endif
