#include "oauth2_http.h"

#include "dynbuf.h"
#include "err.h"
#include "ipaddr.h"
#include "log.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

void
oauth2_form_add(struct oauth2_form *f, const char *name, const char *value)
{
	if (value == NULL || f->n == OAUTH2_FORM_MAX)
		return;
	f->name[f->n] = name;
	f->value[f->n++] = value;
}

int
oauth2_http_check_url(const char *what, const char *url, char *host,
    size_t hsize, struct err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *user = NULL;
	int rc = 0;

	if (u == NULL)
		return err_set(err, ERR_IO, "%s: cannot set up libcurl", what);
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) {
		rc = err_set(err, ERR_USAGE, "%s: not a URL", what);
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		rc = err_set(err, ERR_USAGE,
		    "%s: no user or password in the URL, please", what);
	} else if (strcmp(scheme, "https") != 0 &&
	    !(strcmp(scheme, "http") == 0 && ip_host_loopback(h))) {
		rc = err_set(err, ERR_USAGE,
		    "%s: want an https:// URL (http:// only to a loopback "
		    "address)",
		    what);
	} else {
		snprintf(host, hsize, "%s", h);
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct dynbuf *b = arg;

	/* Past the ceiling: a short count makes libcurl stop (WRITE_ERROR). */
	if (dynbuf_add(b, p, size * n) < 0)
		return 0;
	return size * n;
}

/* The form as application/x-www-form-urlencoded into b (a secret). */
static int
encode(CURL *c, const struct oauth2_form *f, struct dynbuf *b)
{
	for (size_t i = 0; i < f->n; i++) {
		char *v = curl_easy_escape(c, f->value[i], 0);
		int rc;

		if (v == NULL)
			return ERR_LIMIT;
		rc = dynbuf_printf(
		    b, "%s%s=%s", i > 0 ? "&" : "", f->name[i], v);
		explicit_bzero(v, strlen(v));
		curl_free(v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
oauth2_http_post(const char *url, const struct oauth2_form *f, long timeout_s,
    long *status, struct oauth2_json *j, struct err *err)
{
	struct curl_slist *hdr = NULL;
	struct dynbuf body, answer;
	char host[256], errbuf[CURL_ERROR_SIZE];
	CURLcode cc;
	CURL *c;
	int rc;

	memset(j, 0, sizeof(*j));
	*status = 0;
	if ((rc = oauth2_http_check_url(
	         "oauth2", url, host, sizeof(host), err)) < 0)
		return rc;
	/* curl_easy_init() would do it, but without a way to fail. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL)
		return err_set(err, ERR_IO, "oauth2: cannot set up libcurl");
	dynbuf_init_secret(&body, 16 * 1024);
	dynbuf_init_secret(&answer, OAUTH2_JSON_TEXT_MAX);
	if (encode(c, f, &body) < 0) {
		rc = err_set(err, ERR_LIMIT, "oauth2: the form is too long");
		goto out;
	}
	hdr = curl_slist_append(hdr, "Accept: application/json");
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, dynbuf_str(&body));
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "dmarcsift");
	log_debug("oauth2: POST to %s", host);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (cc == CURLE_WRITE_ERROR) {
		rc = err_set(err, ERR_IO,
		    "oauth2: %s answered more than %d bytes", host,
		    OAUTH2_JSON_TEXT_MAX);
	} else if (cc != CURLE_OK) {
		rc = err_set(err, ERR_IO, "oauth2: cannot reach %s: %s", host,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
	} else if (oauth2_json_parse(j, dynbuf_str(&answer), answer.len, err) <
	    0) {
		rc = err_set(err, ERR_IO,
		    "oauth2: %s answered HTTP %ld without a JSON object "
		    "(is this its token endpoint?)",
		    host, *status);
	}
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	dynbuf_free(&body);
	dynbuf_free(&answer);
	return rc;
}
