/*
 * oauth2_http: a form POSTed to an OAuth 2.0 endpoint (token, device
 * authorization) and its JSON answer read back.  The one file of the
 * OAuth2 code that uses libcurl.
 *
 * Endpoints are https:// URLs; http:// only to a loopback address (a test
 * identity provider), since the form carries the client secret or a
 * refresh token.  No redirect is followed.  The form is built in a buffer
 * that is wiped afterwards, nothing is logged of it, and no error quotes
 * it or the answer.
 */
#ifndef DMARCSIFT_OAUTH2_HTTP_H
#define DMARCSIFT_OAUTH2_HTTP_H

#include "oauth2_json.h"

#include <stddef.h>

struct err;

#define OAUTH2_FORM_MAX 16

/* name=value pairs, borrowed: the strings must outlive the POST. */
struct oauth2_form {
	size_t n;
	const char *name[OAUTH2_FORM_MAX];
	const char *value[OAUTH2_FORM_MAX];
};

/* Adds a pair; a NULL value adds nothing. */
void oauth2_form_add(
    struct oauth2_form *f, const char *name, const char *value);

/*
 * Whether url may be an endpoint (see above); the message names the
 * setting what.  *host gets the host name (hsize bytes) for messages.
 */
int oauth2_http_check_url(const char *what, const char *url, char *host,
    size_t hsize, struct err *err);

/*
 * POSTs f to url (checked first) within timeout_s seconds.  On 0, *status
 * is the HTTP status and *j the answer's JSON object (the caller frees it
 * with oauth2_json_free()), whatever the status: OAuth errors come as JSON
 * with 400 or 401.  ERR_IO when the endpoint cannot be reached or answers
 * without a JSON object (the message names its host and the status).
 */
int oauth2_http_post(const char *url, const struct oauth2_form *f,
    long timeout_s, long *status, struct oauth2_json *j, struct err *err);

#endif
