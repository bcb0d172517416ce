/*
 * server_url: a mail server's URL checked with libcurl's parser; see
 * server_url.h.
 */
#include "server_url.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"

/* 1 when part p of u is present (its text is not needed). */
static int
has(CURLU *u, CURLUPart p)
{
	char *x = NULL;
	int yes = curl_url_get(u, p, &x, 0) == CURLUE_OK;

	curl_free(x);
	return yes;
}

int
server_url_check(const char *url, const char *name, int *tls, char *where,
    size_t wsize, struct err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char secure[16];
	CURLUcode uc;
	int rc = 0;

	if (u == NULL)
		return err_set(
		    err, ERR_IO, "%s: out of memory in libcurl", name);
	snprintf(secure, sizeof(secure), "%ss", name);
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		rc = err_set(err, ERR_USAGE, "%s: bad server url: %s", name,
		    curl_url_strerror(uc));
		goto out;
	}
	if (has(u, CURLUPART_USER) || has(u, CURLUPART_PASSWORD) ||
	    has(u, CURLUPART_OPTIONS)) {
		rc = err_set(err, ERR_USAGE,
		    "%s: the server url holds a user, password or login "
		    "options: give them as settings of their own",
		    name);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	        CURLUE_OK) {
		rc = err_set(err, ERR_USAGE,
		    "%s: the server url needs a scheme and a host", name);
		goto out;
	}
	if (strcasecmp(scheme, secure) == 0)
		*tls = 1;
	else if (strcasecmp(scheme, name) == 0)
		*tls = 0;
	else {
		rc = err_set(err, ERR_USAGE,
		    "%s: the server url must start with %s:// or %s://", name,
		    secure, name);
		goto out;
	}
	/* A path would be a mailbox to libcurl's IMAP and the EHLO name to
	 * its SMTP: both are settings of their own. */
	if ((curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	        strcmp(path, "/") != 0 && path[0] != '\0') ||
	    has(u, CURLUPART_QUERY) || has(u, CURLUPART_FRAGMENT)) {
		rc = err_set(err, ERR_USAGE,
		    "%s: the server url must be %s://host[:port] with "
		    "nothing after the host",
		    name, *tls ? secure : name);
		goto out;
	}
	if ((size_t)snprintf(where, wsize, "%s:%s", host, port) >= wsize)
		rc = err_set(err, ERR_USAGE, "%s: server name too long", name);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}
