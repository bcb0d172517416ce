/* serve_reply: a page or an error as serve's reply; see serve_reply.h. */
#include "serve_reply.h"

#include "httpd.h"
#include "web_render.h"

#include <stdlib.h>

int
serve_reply_stream(struct httpd_reply *out, FILE *fp, char **buf, size_t *len,
    int status, const char *type)
{
	if (fclose(fp) != 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	out->status = status;
	out->type = type;
	out->body = *buf;
	out->len = *len;
	return 0;
}

void
serve_fail(struct httpd_reply *out, int json, int status, const char *title,
    const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return; /* status 0: httpd answers 500 */
	if (json)
		web_json_error(fp, status, text);
	else
		web_html_error(fp, status, title, text);
	(void)serve_reply_stream(
	    out, fp, &buf, &len, status, json ? SERVE_JSON : SERVE_HTML);
}
