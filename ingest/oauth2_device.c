#include "oauth2_device.h"

#include "err.h"
#include "log.h"
#include "oauth2_http.h"
#include "text.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
/* RFC 8628 3.2 and 3.5: the default interval, and what slow_down adds. */
#define DEFAULT_INTERVAL_S 5
#define SLOW_DOWN_S 5
/* A code that lives longer than this is polled no longer. */
#define MAX_LIFETIME_S 3600

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
sleep_s(long s)
{
	struct timespec t = {s, 0};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* Shows where to sign in: the server's own words when it has them
 * (Microsoft's message), else the URL and the code. */
static void
show(FILE *out, const struct oauth2_json *j, const char *uri, const char *code,
    long expires_in)
{
	char u[512], c[64];

	text_printable(uri, u, sizeof(u));
	text_printable(code, c, sizeof(c));
	fprintf(out,
	    "To sign in, open %s in a browser and enter the code %s\n"
	    "(within %ld minutes). Waiting...\n",
	    u, c, (expires_in + 59) / 60);
	if (oauth2_json_str(j, "verification_uri_complete") != NULL) {
		text_printable(oauth2_json_str(j, "verification_uri_complete"),
		    u, sizeof(u));
		fprintf(out, "Or open %s (the code filled in).\n", u);
	}
	fflush(out);
}

int
oauth2_device_flow(const struct oauth2_device_opts *o, long *status,
    struct oauth2_json *answer, struct err *err)
{
	struct oauth2_form f = {0};
	struct oauth2_json j;
	const char *uri, *code, *e;
	char *device_code = NULL;
	long interval, expires_in;
	double deadline;
	int rc;

	oauth2_form_add(&f, "client_id", o->client_id);
	oauth2_form_add(&f, "scope", o->scope);
	if ((rc = oauth2_http_post(
	         o->device_url, &f, o->timeout_s, status, &j, err)) < 0)
		return rc;
	device_code = oauth2_json_str(&j, "device_code") != NULL
	    ? xstrdup(oauth2_json_str(&j, "device_code"))
	    : NULL;
	code = oauth2_json_str(&j, "user_code");
	/* Google says verification_url. */
	uri = oauth2_json_str(&j, "verification_uri");
	if (uri == NULL)
		uri = oauth2_json_str(&j, "verification_url");
	if (*status != 200 || device_code == NULL || code == NULL ||
	    uri == NULL) {
		free(device_code);
		*answer = j;
		if (oauth2_json_str(&j, "error") == NULL) {
			oauth2_json_free(answer);
			return err_set(err, ERR_IO,
			    "oauth2: the device endpoint answered HTTP %ld "
			    "without a code (is imap_oauth2_device_url "
			    "right?)",
			    *status);
		}
		return 0;
	}
	interval = oauth2_json_int(&j, "interval", DEFAULT_INTERVAL_S);
	if (interval < 1)
		interval = 1;
	expires_in = oauth2_json_int(&j, "expires_in", 900);
	if (expires_in < 1 || expires_in > MAX_LIFETIME_S)
		expires_in = MAX_LIFETIME_S;
	deadline = now_s() + (double)expires_in;
	show(o->out, &j, uri, code, expires_in);
	oauth2_json_free(&j);

	memset(&f, 0, sizeof(f));
	oauth2_form_add(&f, "grant_type", GRANT_DEVICE);
	oauth2_form_add(&f, "device_code", device_code);
	oauth2_form_add(&f, "client_id", o->client_id);
	oauth2_form_add(&f, "client_secret", o->client_secret);
	for (;;) {
		if (now_s() + (double)interval > deadline) {
			rc = err_set(err, ERR_USAGE,
			    "oauth2: the code expired before the sign-in was "
			    "done: run dmarcsift login again");
			break;
		}
		sleep_s(interval);
		if ((rc = oauth2_http_post(
		         o->token_url, &f, o->timeout_s, status, &j, err)) < 0)
			break;
		e = oauth2_json_str(&j, "error");
		if (e != NULL && strcmp(e, "authorization_pending") == 0) {
			log_debug("oauth2: sign-in pending");
		} else if (e != NULL && strcmp(e, "slow_down") == 0) {
			interval += SLOW_DOWN_S;
			log_debug("oauth2: asked to slow down: polling every "
			          "%ld s",
			    interval);
		} else {
			*answer = j;
			rc = 0;
			break;
		}
		oauth2_json_free(&j);
	}
	explicit_bzero(device_code, strlen(device_code));
	free(device_code);
	return rc;
}
