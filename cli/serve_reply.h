/*
 * serve_reply: how the pages of `dmarcsift serve` hand their answer to
 * httpd: a page written to a memory stream, and an error page as HTML or
 * JSON.
 */
#ifndef DMARCSIFT_SERVE_REPLY_H
#define DMARCSIFT_SERVE_REPLY_H

#include <stddef.h>
#include <stdio.h>

struct httpd_reply;

#define SERVE_HTML "text/html; charset=utf-8"
#define SERVE_JSON "application/json"

/*
 * Closes fp (an open_memstream() over *buf and *len) and makes its bytes
 * the reply, handed over to httpd.  -1 when the stream failed: the
 * reply stays empty (httpd answers 500) and *buf is freed.
 */
int serve_reply_stream(struct httpd_reply *out, FILE *fp, char **buf,
    size_t *len, int status, const char *type);

/* An error page, as JSON ({"error", "status"}) when json is set. */
void serve_fail(struct httpd_reply *out, int json, int status,
    const char *title, const char *text);

#endif
