/*
 * server_url: a mail server's URL (imap_url, smtp_url) read by libcurl's
 * own URL parser and cut down to what the client connects to, so that
 * the IMAP reader and the SMTP sender accept the same URLs and say the
 * same about the ones they refuse.  config.c checks the syntax without
 * libcurl when a setting is read; this is the check at connection.
 */
#ifndef DMARCSIFT_SERVER_URL_H
#define DMARCSIFT_SERVER_URL_H

#include <stddef.h>

struct err;

/*
 * url must be NAME://host[:port] or NAMEs://host[:port] (TLS), with
 * nothing but "/" after the host, and no user, password or login options
 * (they are settings of their own).  On success *tls is 1 for NAMEs and
 * where holds "host:port" (the scheme's port when none is given), wsize
 * bytes at most.  Returns 0, or a negative err code with the message in
 * err, starting "NAME: "; a message never repeats the URL, which might
 * hold a password.
 */
int server_url_check(const char *url, const char *name, int *tls, char *where,
    size_t wsize, struct err *err);

#endif
