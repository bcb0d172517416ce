/*
 * oauth2_device: the device authorization grant (RFC 8628), for a first
 * login from a terminal (dmarcsift login): the user opens a URL on any
 * device, enters the code shown, and signs in; meanwhile the token
 * endpoint is polled until the sign-in is done, declined, or the code
 * expires.
 */
#ifndef DMARCSIFT_OAUTH2_DEVICE_H
#define DMARCSIFT_OAUTH2_DEVICE_H

#include "oauth2_json.h"

#include <stdio.h>

struct err;

struct oauth2_device_opts {
	const char *device_url, *token_url;
	const char *client_id;
	const char *client_secret; /* or NULL (a public client) */
	const char *scope;
	FILE *out; /* where the URL and the code are shown */
	long timeout_s; /* for each HTTP request */
};

/*
 * Asks for a device code, shows the verification URL and the user code
 * on o->out, and polls the token endpoint at the interval the server
 * gives (5 s when it gives none): authorization_pending polls again,
 * slow_down adds 5 s to the interval for good (RFC 8628 3.5).  Stops when
 * the code expires (expires_in) even if the server keeps saying pending.
 * Returns 0 with the last answer in *status and *answer (the caller's,
 * oauth2_json_free()): the tokens, or an error other than pending and
 * slow_down (access_denied, expired_token, invalid_client, ...) for the
 * caller to explain; the device endpoint's own refusal comes back the same
 * way.  ERR_IO when an endpoint cannot be reached; ERR_USAGE when the code
 * expired here.
 */
int oauth2_device_flow(const struct oauth2_device_opts *o, long *status,
    struct oauth2_json *answer, struct err *err);

#endif
